"""Programs of any size compile (issue 14): no recursion on the length of an expression, generated
expressions of bounded depth, and the ADJIT_TIMING profile of where a cold first call goes."""
from __future__ import annotations

import ast

import numpy as np

import adjit
from adjit.compiler.jit import CompiledFunction
from adjit.compiler.codegen.text import MAX_INLINE_DEPTH

from conftest import check_against_fd, import_source


def _long_sum(n: int) -> str:
    terms = " + ".join(f"np.sin(x * {1 + i % 7}.0) * w" if i % 2 else f"x * w * {i % 5 + 1}.0" for i in range(n))
    return f"import numpy as np\n\n\ndef f(x, w):\n    return np.sum({terms})\n"


def _depth(node: ast.AST) -> int:
    """The deepest nesting of expression nodes (iteratively: the point is that nothing recurses)."""
    best, stack = 0, [(node, 0)]
    while stack:
        n, d = stack.pop()
        d = d + 1 if isinstance(n, ast.expr) else 0
        best = max(best, d)
        stack.extend((c, d) for c in ast.iter_child_nodes(n))
    return best


def test_a_2000_term_expression_lowers_and_renders_with_bounded_depth(tmp_path):
    mod = import_source(tmp_path, "long_sum_2000", _long_sum(2000))
    c = CompiledFunction(mod.f, (0, 1))
    x, w = np.linspace(0.1, 1.0, 5), np.linspace(0.2, 0.3, 5)
    for lowered in (False, True):
        text = c.source(x, w, lowered=lowered)
        # every generated function, readable and lowered, keeps its expressions shallow
        assert _depth(ast.parse(text)) < 3 * MAX_INLINE_DEPTH + 10


def test_a_deep_chain_cut_into_named_values_is_still_exact(tmp_path):
    mod = import_source(tmp_path, "long_sum_90", _long_sum(90))
    x, w = np.linspace(0.1, 1.0, 7), np.linspace(0.2, 0.3, 7)
    check_against_fd(mod.f, (x, w), (0, 1))


def test_a_long_chain_of_scalar_statements(tmp_path):
    lines = ["import numpy as np", "", "", "def f(a, b):", "    s = a * b"]
    lines += [f"    s = np.tanh(s) * b + a * {0.1 * (k % 5):.1f}" for k in range(120)]
    lines += ["    return s"]
    mod = import_source(tmp_path, "scalar_chain_120", "\n".join(lines) + "\n")
    check_against_fd(mod.f, (0.7, 0.9), (0, 1))


def test_adjit_timing_reports_every_phase(tmp_path, monkeypatch):
    report = tmp_path / "timing.txt"
    monkeypatch.setenv("ADJIT_TIMING", str(report))
    mod = import_source(tmp_path, "timed_loss", "import numpy as np\n\n\ndef f(x):\n    return np.sum(np.tanh(x) ** 2)\n")
    g = adjit.grad(mod.f)
    x = np.linspace(-1.0, 1.0, 9)
    np.testing.assert_allclose(g(x), 2 * np.tanh(x) / np.cosh(x) ** 2, rtol=1e-12)
    text = report.read_text()
    assert text.startswith("adjit timing: f (value_and_grad)")
    for phase in ("frontend: source -> IR", "AD: value_and_grad", "pass: simplify", "pass: fuse",
                  "codegen: lowered", "module: write, import", "numba: typing", "numba: LLVM optimize + machine code"):
        assert phase in text, phase
    total = float(text.splitlines()[0].rsplit(":", 1)[1].split()[0])
    parts = [float(line.split(" s ")[0].split()[-1]) for line in text.splitlines()[1:]
             if not line.startswith("  (included above)")]
    assert abs(sum(parts) - total) < 0.02 * total + 1e-3  # the phases add up to the total
