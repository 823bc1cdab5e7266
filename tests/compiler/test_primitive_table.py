"""The primitives table is complete: every fact about a primitive lives in its row, and every row
renders in both renderings (readable NumPy and lowered Numba code, scalars inside fused loops)."""
import ast

import numpy as np
import pytest

import adjit
from adjit.compiler.codegen.emitter import _Emitter
from adjit.compiler.codegen.text import template
from adjit.compiler.primitives import CUSTOM, PRIMITIVES, SIMD, STATEMENT, Primitive, Reduction
from adjit.runtime import simd
from primitive_cases import CASES

MODES = ("readable", "lowered", "scalar")


def row_problems(p: Primitive) -> list[str]:
    """What a row lacks or gets wrong; empty for a complete row."""
    problems = []
    if not callable(p.abstract):
        problems.append("no shape/dtype rule")
    if p.differentiable and (p.vjp is None or p.jvp is None):
        problems.append("differentiable without both a VJP and a JVP rule")
    if p.readable is None:
        problems.append("no readable rendering (a template, CUSTOM or STATEMENT)")
    for mode in MODES:
        form = p.form(mode)
        if form == CUSTOM and p.reduction is None and not hasattr(_Emitter, f"render_{p.name}"):
            problems.append(f"{mode} rendering is CUSTOM but codegen has no render_{p.name}")
        if form not in (None, CUSTOM, STATEMENT):
            try:
                t = template(form)
            except SyntaxError:
                problems.append(f"{mode} template {form!r} is not a Python expression")
                continue
            if p.elementwise and t.operands != len(p.params):
                problems.append(f"{mode} template {form!r} reads {t.operands} inputs, params name {len(p.params)}")
    if p.elementwise and p.form("scalar") in (None, CUSTOM, STATEMENT):
        problems.append("elementwise without a scalar template (for fused loops)")
    if p.effect in ("write", "tape", "check"):
        if p.readable != STATEMENT:
            problems.append("an effect is emitted as a statement")
    elif p.effect is not None:
        problems.append(f"unknown effect {p.effect!r}")
    if any(not isinstance(s, str) for s in p.sources):  # a call np.f(...): its parameters
        if not p.params or not set(dict(p.defaults)) <= set(p.params):
            problems.append("a callable source without params (or defaults for parameters it lacks)")
    if p.reduction is not None:
        if not isinstance(p.reduction, Reduction) or not p.reduction.identity or p.reduction.keep not in (None, ">", "<"):
            problems.append("a reduction needs an identity and keep None, '>' or '<'")
    if p.simd is not None:
        if not p.elementwise or len(p.params) != 1:
            problems.append("a SIMD kernel applies to one elementwise input")
        elif simd.FUNCTIONS.get(p.name) != p.simd:
            problems.append(f"runtime/simd.py has no kernel {p.name} -> {p.simd}")
    return problems


@pytest.mark.parametrize("name", list(PRIMITIVES))
def test_every_row_is_complete(name):
    assert PRIMITIVES[name].name == name
    assert row_problems(PRIMITIVES[name]) == []


@pytest.mark.parametrize("field,change", [
    ("readable", None), ("vjp", None), ("scalar", "np.hypot({0}, {1})"), ("scalar", "{0} +"), ("params", ("x1", "x2")),
    ("reduction", Reduction("", keep="max")), ("simd", "tanhh"), ("effect", "io"),
])
def test_a_row_missing_a_field_is_reported(field, change):
    import dataclasses

    row = PRIMITIVES["tanh"] if field not in ("reduction",) else PRIMITIVES["sum"]
    broken = dataclasses.replace(row, **{field: change})
    assert row_problems(broken), f"a row with {field}={change!r} was not reported"


def test_the_runtime_has_exactly_the_simd_kernels_the_table_names():
    """runtime/simd.py may not import the compiler (generated code runs with the runtime alone):
    its catalogue of kernels is checked against the rows' `simd` here instead."""
    assert SIMD == simd.FUNCTIONS


class _Typed:
    def __init__(self, name, kind="array", dtype="float64", rank=1):
        self.text = name
        self.type = type("T", (), {"kind": kind, "dtype": dtype, "rank": rank, "weak": False})()


@pytest.mark.parametrize("name", list(PRIMITIVES))
@pytest.mark.parametrize("mode", MODES)
def test_every_template_renders(name, mode):
    """Each template of each row, rendered by codegen with named operands: a Python expression
    reading every operand once."""
    row = PRIMITIVES[name]
    form = row.form(mode)
    if form in (None, CUSTOM, STATEMENT) or (mode == "scalar" and not row.elementwise):
        pytest.skip("rendered by codegen's own code, or not a scalar")
    t = template(form)
    ins = [f"a{k}" for k in range(t.operands)]
    expr = t.render(ins, {"dtype": "float32", "axis": 0, "ref_axis": 0, "n": 2}, lambda v, prec, f32: v, f32=False)
    tree = ast.parse(expr.text, mode="eval")
    names = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name)]
    assert sorted(n for n in names if n.startswith("a") and n[1:].isdigit()) == ins


def _program(name):
    """A small program using primitive `name`: its first test row when it has one."""
    if name in CASES:
        fun, make, wrt = CASES[name][0]
        return fun, make(), wrt
    return None


@pytest.mark.parametrize("name", [n for n in PRIMITIVES if n in CASES])
def test_every_row_renders_in_a_program(name):
    """The gradient of a program using the row, in the readable and the lowered rendering."""
    fun, args, wrt = _program(name)
    g = adjit.grad(fun, wrt=wrt)
    readable = g.source(*args)
    lowered = g.source(*args, lowered=True)
    assert readable and lowered
    compile(readable, "<readable>", "exec")
    compile(lowered, "<lowered>", "exec")


def _other_rows(a, b, n, flag):
    """Rows with no differentiable test row: comparisons, logical ops, creation, ints, the tape."""
    i = n // 2
    m = n % 3
    z = np.zeros((3,)) + np.ones(3) + np.zeros_like(a) + np.ones_like(a) + np.full(3, 2.0)
    r = np.arange(3).astype(np.float64)
    c = (a < b) | (a <= b) & ~(a > b) | (a >= b) & (a == b) | (a != b)
    s = np.sign(a) * np.where(c, 1.0, 0.0) + adjit.stop_gradient(b) * a.size * a.shape[0]
    t = 0.0
    for k in range(i + m):
        t = np.tanh(t + np.sum(a * b) * (k // 2 + k % 2))
    return np.sum(s + z + r) + t


def test_the_rows_without_test_rows_render_in_a_program():
    args = (np.linspace(-1, 1, 3), np.linspace(1, -1, 3), 7, True)
    g = adjit.grad(_other_rows, wrt=(0, 1))
    readable = g.source(*args)
    lowered = g.source(*args, lowered=True)
    for text in (readable, lowered):
        compile(text, "<generated>", "exec")
    covered = set()
    ir = g.ir(*args, adjoint=True) if hasattr(g, "ir") else ""
    for name in ("floordiv", "mod", "lt", "le", "gt", "ge", "eq", "ne", "logical_and", "logical_or",
                 "logical_not", "sign", "stop_gradient", "zeros", "ones", "zeros_like", "ones_like",
                 "arange", "size", "shape", "tape_push", "tape_pop", "trip_count"):
        if f" {name}(" in str(ir) or f"{name}(" in str(ir):
            covered.add(name)
    assert covered >= {"floordiv", "mod", "lt", "le", "gt", "ge", "eq", "ne", "logical_and", "logical_or",
                       "logical_not", "sign", "arange", "tape_push", "tape_pop", "trip_count"}, covered
    np.testing.assert_allclose(g(*args)[0], adjit.grad(_other_rows, wrt=(0, 1))(*args)[0])
