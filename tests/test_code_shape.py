"""Module and function sizes follow responsibilities (issue 11, item 4): no module of the compiler,
the runtime or the package over 650 lines, and no function over 80 lines unless its docstring
says why ("Over 80 lines: ..."). When one grows past it, split it by responsibility."""
import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("compiler", "runtime", "adjit")
MAX_MODULE = 650
MAX_FUNCTION = 80


def _sources():
    for pkg in PACKAGES:
        for p in sorted((ROOT / pkg).rglob("*.py")):
            if "__pycache__" not in p.parts:
                yield p


def test_no_module_over_its_size():
    big = [f"{p.relative_to(ROOT)}: {n} lines" for p in _sources()
           if (n := len(p.read_text().splitlines())) > MAX_MODULE]
    assert not big, "split these by responsibility: " + "; ".join(big)


def test_long_functions_say_why():
    unexplained = []
    for p in _sources():
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                n = node.end_lineno - node.lineno + 1
                if n > MAX_FUNCTION and "Over 80 lines" not in (ast.get_docstring(node) or ""):
                    unexplained.append(f"{p.relative_to(ROOT)}:{node.lineno} {node.name} ({n} lines)")
    assert not unexplained, "split these, or say why at their top: " + "; ".join(unexplained)


def test_supported_md_is_what_gen_supported_writes():
    """docs/supported.md is generated from the primitives and forms tables (docs/gen_supported.py):
    a row added, or a hand edit, without regenerating it makes the page untrue (it drifted once)."""
    import importlib.util

    path = Path(__file__).resolve().parents[1] / "docs" / "gen_supported.py"
    spec = importlib.util.spec_from_file_location("gen_supported", path)
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    assert gen.OUT.read_text() == gen.render(), "docs/supported.md is out of date: run python docs/gen_supported.py"
