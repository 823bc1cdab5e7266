"""The pipeline's one direction, kept by a test: every import inside compiler/, runtime/ and adjit/
(read with ast, including imports inside functions) must point down the pipeline of
docs/architecture.md. A new import against it fails here; the imports that go against it today are
listed in KNOWN_EXCEPTIONS, each with the debt it stands for, so they can only be removed."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# source folder -> installed package name (pyproject.toml's package-dir)
PACKAGES = {"adjit": "adjit", "compiler": "adjit.compiler", "runtime": "adjit.runtime"}

# compiler/'s layers, bottom up; a module's layer is the first of these that names it or a package above it
CORE = ("errors", "timing", "ir", "shapes", "primitives", "builder", "sumsquares", "analysis")
LAYER_OF = {
    **{m: "core" for m in CORE},
    "frontend": "frontend",
    "activity": "ad", "forward": "ad", "reverse": "ad", "batching": "ad",
    "passes": "passes",
    "codegen": "codegen",
    "jit": "jit",  # the package compiler/jit/: every module in it is the driver
}
# what each layer of compiler/ may import (besides itself and the standard library / third parties)
MAY_IMPORT = {
    "core": {"core"},
    "frontend": {"core"},  # the frontend lowers source to IR: never an AD transform, a pass or codegen
    "ad": {"core"},  # reverse and forward mode: IR -> IR with the rules table, never passes/codegen/jit
    "passes": {"core"},  # IR -> IR; never knows who produced the IR or how it will be rendered
    "codegen": {"core"},  # IR -> source: it renders what the passes attached to the IR, never imports them
    "jit": {"core", "frontend", "ad", "passes", "codegen", "runtime"},  # the driver: imports everything
}

# Imports against the design that exist today, each a debt named in issue 11. Remove an entry when
# its debt is paid; test_known_exceptions_still_exist fails when an entry no longer matches anything.
KNOWN_EXCEPTIONS: set = set()  # none left: codegen renders the loop-nest plans the passes attach to the IR


def _modules() -> dict[str, Path]:
    found = {}
    for folder, package in PACKAGES.items():
        for path in sorted((ROOT / folder).rglob("*.py")):
            rel = path.relative_to(ROOT / folder)
            if "__pycache__" in rel.parts:  # generated modules (the SIMD kernels' cache), not source
                continue
            parts = [package, *rel.with_suffix("").parts]
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The adjit modules `name` imports, resolved to installed names (`from . import x` -> the
    submodule x when there is one, else the package)."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [f"{module}.{a.name}" if f"{module}.{a.name}" in MODULES else module for a in node.names]
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and ((isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                   or (isinstance(node.func, ast.Name) and node.func.id == "__import__"))):
            targets = [node.args[0].value]
        else:
            continue
        for t in targets:
            if t == "adjit" or t.startswith("adjit."):
                found.add(t)
            elif t.split(".")[0] in ("compiler", "runtime"):  # the source folders are never packages
                found.add(f"bad top-level import {t}")
    found.discard(name)
    return found


def _layer(module: str) -> str:
    """'adjit', 'runtime', or the layer of a compiler module (see LAYER_OF)."""
    parts = module.split(".")
    if parts[:2] == ["adjit", "runtime"]:
        return "runtime"
    if parts[:2] != ["adjit", "compiler"]:
        return "adjit"
    if len(parts) == 2:
        return "compiler"  # the package itself (its __init__ is empty)
    return LAYER_OF.get(parts[2], f"unknown compiler module {parts[2]!r} (give it a layer in LAYER_OF)")


def _allowed(importer: str, imported: str) -> bool:
    if imported.startswith("bad top-level import"):
        return False
    src, dst = _layer(importer), _layer(imported)
    if src == "adjit":
        return True  # the public face imports everything
    if src == "runtime":
        return dst == "runtime"  # generated code must run with runtime alone
    if dst == "adjit":
        return False  # compiler never imports the public face
    if dst == "compiler":
        return True
    if src == dst:
        return True
    return dst in MAY_IMPORT.get(src, set())


def _violations() -> set[tuple[str, str]]:
    return {(name, imported) for name, path in MODULES.items()
            for imported in _imports(name, path) if not _allowed(name, imported)}


def test_every_compiler_module_has_a_layer():
    unknown = sorted({m for m in MODULES if _layer(m).startswith("unknown")})
    assert not unknown, f"modules without a layer in LAYER_OF: {unknown}"


def test_imports_follow_the_pipeline():
    new = sorted(_violations() - KNOWN_EXCEPTIONS)
    assert not new, ("imports against the pipeline's direction (docs/architecture.md, 'Layering'):\n"
                     + "\n".join(f"  {a} imports {b}" for a, b in new))


def test_known_exceptions_still_exist():
    """A debt that has been paid leaves the list, so it cannot come back unnoticed."""
    gone = sorted(KNOWN_EXCEPTIONS - _violations())
    assert not gone, f"no longer imported, remove from KNOWN_EXCEPTIONS: {gone}"


@pytest.mark.parametrize("importer,imported,ok", [
    ("adjit.runtime.simd", "adjit.compiler.ir", False),
    ("adjit.runtime.simd", "adjit.api", False),
    ("adjit.compiler.ir", "adjit.api", False),
    ("adjit.compiler.frontend.lower", "adjit.compiler.reverse", False),
    ("adjit.compiler.frontend.lower", "adjit.compiler.builder", True),
    ("adjit.compiler.reverse.sweep", "adjit.compiler.passes.dce", False),
    ("adjit.compiler.forward", "adjit.compiler.codegen", False),
    ("adjit.compiler.passes.cse", "adjit.compiler.reverse", False),
    ("adjit.compiler.passes.cse", "adjit.compiler.codegen.text", False),
    ("adjit.compiler.codegen.loops", "adjit.compiler.frontend", False),
    ("adjit.compiler.codegen.loops", "adjit.compiler.jit", False),
    ("adjit.compiler.codegen.bounds", "adjit.runtime.bounds", False),
    ("adjit.compiler.ir", "adjit.compiler.passes.rewrite", False),
    ("adjit.compiler.jit", "adjit.runtime.simd", True),
    ("adjit.compiler.jit", "adjit.compiler.codegen", True),
    ("adjit.compiler.jit.compiled", "adjit.compiler.reverse", True),
    ("adjit.compiler.jit.frontkey", "adjit.compiler.jit.arguments", True),
    ("adjit.compiler.frontend.lower", "adjit.compiler.jit.arguments", False),
    ("adjit.api", "adjit.compiler.jit", True),
    ("adjit.compiler.reverse.sweep", "adjit.compiler.activity", True),
])
def test_the_rules_themselves(importer, imported, ok):
    assert _allowed(importer, imported) is ok


def test_relative_imports_resolve_to_installed_names():
    jit_modules = MODULES["adjit.compiler.jit.modules"]  # from ...runtime import simd: three levels up
    assert "adjit.runtime.simd" in _imports("adjit.compiler.jit.modules", jit_modules)
    assert "adjit.compiler.jit.frontkey" in _imports("adjit.compiler.jit", MODULES["adjit.compiler.jit"])
    assert "adjit.compiler.frontend" in _imports("adjit.compiler.jit.compiled", MODULES["adjit.compiler.jit.compiled"])
    assert "adjit.compiler.ir" in _imports("adjit.compiler.passes.cse", MODULES["adjit.compiler.passes.cse"])


def test_every_package_directory_is_installed():
    """A package directory left out of pyproject.toml imports in an editable install (the test
    run) but is missing from a wheel: every directory with an __init__.py must be listed."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    tool = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    listed = {root / d for d in tool["package-dir"].values()}
    for top in ("adjit", "compiler", "runtime"):
        for init in (root / top).rglob("__init__.py"):
            assert init.parent in listed, f"{init.parent.relative_to(root)} is not in pyproject.toml's package-dir"
    assert set(tool["packages"]) == set(tool["package-dir"])
