"""IR text in -> IR text out: each rule of the simplifier (passes/simplify.py's RULES), common
subexpressions (passes/cse.py) and dead code (passes/dce.py), pinned on small functions printed
before and after the pass. Functions are built with the Builder (one primitive at a time) or, for
control flow, lowered by the frontend from the functions below."""
import re
from textwrap import dedent

import numpy as np
import pytest

from adjit.compiler import frontend
from adjit.compiler.builder import Builder
from adjit.compiler.ir import Abstract, Block, Function, Op, Value, array_type, scalar_type, verify
from adjit.compiler.jit import abstract_arg
from adjit.compiler.passes.cse import eliminate_common_subexpressions
from adjit.compiler.passes.dce import eliminate_dead_code
from adjit.compiler.passes.simplify import RULES, simplify

M34 = Abstract(array_type("float64", 2), (3, 4))  # f64[3, 4]
ROW = Abstract(array_type("float64", 2), (1, 4))  # f64[1, 4]
F32 = Abstract(array_type("float32", 1), (5,))
I64 = Abstract(scalar_type("int64"), ())
F64 = Abstract(scalar_type("float64"), ())


def build(body, **params) -> Function:
    """A function of `params` (name -> Abstract) whose results are what body(builder, *params) returns."""
    b = Builder()
    values = [b.define(Value(n), a) for n, a in params.items()]
    return Function("f", values, list(params), Block(b.ops), list(body(b, *values)), avals=b.avals)


def shape(b: Builder, *dims) -> Value:
    return b.emit("tuple", [b.const(d) for d in dims])


def lowered(fun, *args) -> Function:
    parsed = frontend.parse(fun)
    fn, _ = frontend.lower(parsed, [abstract_arg(a, n) for a, n in zip(args, parsed.param_names)])
    return fn


def text(fn: Function) -> str:
    """The printed IR without source lines (they would pin this file's layout)."""
    return re.sub(r"  # line \d+", "", str(fn)) + "\n"


def check(pass_, fn: Function, before: str, after: str) -> None:
    assert text(fn) == dedent(before).lstrip("\n")
    assert text(verify(pass_(fn))) == dedent(after).lstrip("\n")


# ---------------------------------------------------------------------------------- simplify


def test_the_rewrite_table_has_one_rule_per_primitive():
    assert set(RULES) == {"add", "sub", "mul", "div", "floordiv", "pow", "neg", "astype", "broadcast_to",
                          "transpose", "sum", "mean", "max", "min"}


def test_transpose_of_a_single_use_product_is_the_product_of_transposes():
    def body(b, a, w):
        p = b.emit("matmul", [a, b.emit("transpose", [w], axes=(1, 0))])
        return [b.emit("transpose", [p], axes=(1, 0))]

    fn = build(body, a=M34, w=M34)
    # (a @ w.T).T = w @ a.T: the product comes out C-contiguous, w.T.T is w (dce drops %2, %3)
    assert text(verify(simplify(fn))).splitlines()[3:6] == [
        "  %4: f64[:,:] = transpose(%a.0, axes=(1, 0))", "  %5: f64[:,:] = matmul(%w.1, %4)", "  return %5"]


def test_transpose_of_a_product_read_elsewhere_is_kept():
    def body(b, a, w):
        p = b.emit("matmul", [a, w])
        return [b.emit("transpose", [p], axes=(1, 0)), p]

    fn = build(body, a=M34, w=Abstract(array_type("float64", 2), (4, 3)))
    before = text(fn)
    assert text(verify(simplify(fn))) == before


def test_python_number_arithmetic_is_folded():
    def body(b):
        two, three = b.const(2), b.const(3)
        return [b.emit("add", [two, three]), b.emit("sub", [two, three]), b.emit("mul", [two, b.const(1.5)]),
                b.emit("div", [three, two]), b.emit("pow", [two, three]), b.emit("neg", [three])]

    check(simplify, build(body), """
        func f() {
          %0: pyi64 = const(value=2)
          %1: pyi64 = const(value=3)
          %2: pyi64 = add(%0, %1)
          %3: pyi64 = sub(%0, %1)
          %4: pyf64 = const(value=1.5)
          %5: pyf64 = mul(%0, %4)
          %6: pyf64 = div(%1, %0)
          %7: pyi64 = pow(%0, %1)
          %8: pyi64 = neg(%1)
          return %2, %3, %5, %6, %7, %8
        }
        """, """
        func f() {
          %0: pyi64 = const(value=2)
          %1: pyi64 = const(value=3)
          %2: pyi64 = const(value=5)
          %3: pyi64 = const(value=-1)
          %4: pyf64 = const(value=1.5)
          %5: pyf64 = const(value=3.0)
          %6: pyf64 = const(value=1.5)
          %7: pyi64 = const(value=8)
          %8: pyi64 = const(value=-3)
          return %2, %3, %5, %6, %7, %8
        }
        """)


def test_folding_stops_at_errors_and_at_typed_scalars():
    """1 / 0 stays (it raises when it runs, as Python does); a float64 argument is not a constant."""
    check(simplify, build(lambda b, s: [b.emit("div", [b.const(1), b.const(0)]), b.emit("add", [s, b.const(-0.0)])],
                          s=F64), """
        func f(%s.0: f64) {
          %1: pyi64 = const(value=1)
          %2: pyi64 = const(value=0)
          %3: pyf64 = div(%1, %2)
          %4: pyf64 = const(value=-0.0)
          %5: f64 = add(%s.0, %4)
          return %3, %5
        }
        """, """
        func f(%s.0: f64) {
          %1: pyi64 = const(value=1)
          %2: pyi64 = const(value=0)
          %3: pyf64 = div(%1, %2)
          %4: pyf64 = const(value=-0.0)
          return %3, %s.0
        }
        """)


def test_a_constant_cast_to_a_scalar_dtype_is_a_constant():
    fn = build(lambda b: [b.emit("astype", [b.const(2)], dtype="float32")])
    assert text(fn).splitlines()[2] == "  %1: f32 = astype(%0, dtype='float32')"
    simplify(fn)
    (op,) = [op for op in fn.ops() if op.outputs[0] is fn.results[0]]
    assert op.prim == "const" and type(op.attrs["value"]) is np.float32 and op.attrs["value"] == 2


def test_identities_disappear():
    """x + (-0.0) and x - 0.0 are x for every float x (IEEE), x + 0.0 is not (test below)."""
    def body(b, x):
        one, zero, nzero = b.const(1.0), b.const(0.0), b.const(-0.0)
        return [b.emit("mul", [x, one]), b.emit("mul", [one, x]), b.emit("div", [x, one]), b.emit("add", [x, nzero]),
                b.emit("add", [nzero, x]), b.emit("sub", [x, zero]), b.emit("pow", [x, b.const(1)])]

    check(simplify, build(body, x=M34), """
        func f(%x.0: f64[:,:]) {
          %1: pyf64 = const(value=1.0)
          %2: pyf64 = const(value=0.0)
          %3: pyf64 = const(value=-0.0)
          %4: f64[:,:] = mul(%x.0, %1, bcast=(((), ()), ((0, 1), ())))
          %5: f64[:,:] = mul(%1, %x.0, bcast=(((0, 1), ()), ((), ())))
          %6: f64[:,:] = div(%x.0, %1, bcast=(((), ()), ((0, 1), ())))
          %7: f64[:,:] = add(%x.0, %3, bcast=(((), ()), ((0, 1), ())))
          %8: f64[:,:] = add(%3, %x.0, bcast=(((0, 1), ()), ((), ())))
          %9: f64[:,:] = sub(%x.0, %2, bcast=(((), ()), ((0, 1), ())))
          %10: pyi64 = const(value=1)
          %11: f64[:,:] = pow(%x.0, %10, bcast=(((), ()), ((0, 1), ())))
          return %4, %5, %6, %7, %8, %9, %11
        }
        """, """
        func f(%x.0: f64[:,:]) {
          %1: pyf64 = const(value=1.0)
          %2: pyf64 = const(value=0.0)
          %3: pyf64 = const(value=-0.0)
          %4: pyi64 = const(value=1)
          return %x.0, %x.0, %x.0, %x.0, %x.0, %x.0, %x.0
        }
        """)


def test_adding_a_zero_that_changes_minus_zero_stays():
    """x + 0.0, 0 + x and x - (-0.0) turn x = -0.0 into +0.0 (NumPy computes them so, and the sign
    of a zero decides np.arctan2, np.angle and 1 / x): a float the program computes keeps them, an
    integer or a sweep's derivative does not."""
    def body(b, x, n):
        zero, nzero, izero = b.const(0.0), b.const(-0.0), b.const(0)
        return [b.emit("add", [x, zero]), b.emit("add", [izero, x]), b.emit("sub", [x, nzero]), b.emit("add", [n, izero])]

    fn = simplify(build(body, x=M34, n=Abstract(array_type("int64", 1), (5,))))
    assert [op.prim for op in fn.body.ops if op.prim != "const"] == ["add", "add", "sub"]
    assert fn.results[3].id == fn.params[1].id


def test_identities_stay_where_they_change_the_type_or_shape():
    """x * 1.0 of an int vector is a float vector; row + broadcast_to(0.0, (3, 4)) is the row
    stretched to three rows (a broadcast constant counts as the constant, but the shape differs)."""
    ints = Abstract(array_type("int64", 1), (5,))
    check(simplify, build(lambda b, n, r: [b.emit("mul", [n, b.const(1.0)]),
                                           b.emit("add", [r, b.emit("broadcast_to", [b.const(0.0), shape(b, 3, 4)])])],
                          n=ints, r=ROW), """
        func f(%n.0: i64[:], %r.1: f64[:,:]) {
          %2: pyf64 = const(value=1.0)
          %3: f64[:] = mul(%n.0, %2, bcast=(((), ()), ((0,), ())))
          %4: pyf64 = const(value=0.0)
          %5: pyi64 = const(value=3)
          %6: pyi64 = const(value=4)
          %7: (pyi64, pyi64) = tuple(%5, %6)
          %8: f64[:,:] = broadcast_to(%4, %7, bcast=(((0, 1), ()), ((), ())))
          %9: f64[:,:] = add(%r.1, %8, bcast=(((), (0,)), ((), ())))
          return %3, %9
        }
        """, """
        func f(%n.0: i64[:], %r.1: f64[:,:]) {
          %2: pyf64 = const(value=1.0)
          %3: f64[:] = mul(%n.0, %2, bcast=(((), ()), ((0,), ())))
          %4: pyf64 = const(value=0.0)
          %5: pyi64 = const(value=3)
          %6: pyi64 = const(value=4)
          %7: (pyi64, pyi64) = tuple(%5, %6)
          %8: f64[:,:] = broadcast_to(%4, %7, bcast=(((0, 1), ()), ((), ())))
          %9: f64[:,:] = add(%r.1, %8, bcast=(((), (0,)), ((), ())))
          return %3, %9
        }
        """)


def test_integer_floordiv_by_one_and_not_by_true():
    check(simplify, build(lambda b, k: [b.emit("floordiv", [k, b.const(1)]), b.emit("floordiv", [k, b.const(True)])],
                          k=I64), """
        func f(%k.0: i64) {
          %1: pyi64 = const(value=1)
          %2: i64 = floordiv(%k.0, %1)
          %3: pybool = const(value=True)
          %4: i64 = floordiv(%k.0, %3)
          return %2, %4
        }
        """, """
        func f(%k.0: i64) {
          %1: pyi64 = const(value=1)
          %2: pybool = const(value=True)
          %3: i64 = floordiv(%k.0, %2)
          return %k.0, %3
        }
        """)


def test_square_and_doubling_become_products():
    """x ** 2 -> x * x; x + x -> 2 * x; (a + v) + v -> a + 2 * v (v is then read once)."""
    check(simplify, build(lambda b, x, a: [b.emit("pow", [x, b.const(2)]), b.emit("add", [x, x]),
                                           b.emit("add", [b.emit("add", [a, x]), x])], x=M34, a=M34), """
        func f(%x.0: f64[:,:], %a.1: f64[:,:]) {
          %2: pyi64 = const(value=2)
          %3: f64[:,:] = pow(%x.0, %2, bcast=(((), ()), ((0, 1), ())))
          %4: f64[:,:] = add(%x.0, %x.0)
          %5: f64[:,:] = add(%a.1, %x.0)
          %6: f64[:,:] = add(%5, %x.0)
          return %3, %4, %6
        }
        """, """
        func f(%x.0: f64[:,:], %a.1: f64[:,:]) {
          %2: pyi64 = const(value=2)
          %3: f64[:,:] = mul(%x.0, %x.0)
          %4: pyi64 = const(value=2)
          %5: f64[:,:] = mul(%4, %x.0)
          %6: f64[:,:] = add(%a.1, %x.0)
          %7: pyi64 = const(value=2)
          %8: f64[:,:] = mul(%7, %x.0)
          %9: f64[:,:] = add(%a.1, %8)
          return %3, %5, %9
        }
        """)


def test_a_square_that_would_change_the_dtype_stays_a_power():
    """float32 ** float64(2) is float64 (the typed constant comes from a folded cast)."""
    fn = build(lambda b, v: [b.emit("pow", [v, b.emit("astype", [b.const(2.0)], dtype="float64")])], v=F32)
    assert text(fn).splitlines()[3] == "  %3: f64[:] = pow(%v.0, %2, bcast=(((), ()), ((0,), ())))"
    lines = text(verify(simplify(fn))).splitlines()
    assert lines[2].startswith("  %2: f64 = const(value=")  # the cast, folded
    assert lines[3] == "  %3: f64[:] = pow(%v.0, %2, bcast=(((), ()), ((0,), ())))"


def test_double_negation_casts_broadcasts_and_reductions_to_what_they_already_are():
    def body(b, x, v):
        s34 = shape(b, 3, 4)
        return [b.emit("neg", [b.emit("neg", [x])]), b.emit("astype", [x], dtype="float64"),
                b.emit("astype", [v], dtype="float64"), b.emit("broadcast_to", [x, s34]),
                b.emit("sum", [x], axis=(), keepdims=False)]

    check(simplify, build(body, x=M34, v=F32), """
        func f(%x.0: f64[:,:], %v.1: f32[:]) {
          %2: pyi64 = const(value=3)
          %3: pyi64 = const(value=4)
          %4: (pyi64, pyi64) = tuple(%2, %3)
          %5: f64[:,:] = neg(%x.0)
          %6: f64[:,:] = neg(%5)
          %7: f64[:,:] = astype(%x.0, dtype='float64')
          %8: f64[:] = astype(%v.1, dtype='float64')
          %9: f64[:,:] = broadcast_to(%x.0, %4)
          %10: f64[:,:] = sum(%x.0, axis=(), keepdims=False)
          return %6, %7, %8, %9, %10
        }
        """, """
        func f(%x.0: f64[:,:], %v.1: f32[:]) {
          %2: pyi64 = const(value=3)
          %3: pyi64 = const(value=4)
          %4: (pyi64, pyi64) = tuple(%2, %3)
          %5: f64[:,:] = neg(%x.0)
          %6: f64[:] = astype(%v.1, dtype='float64')
          return %x.0, %x.0, %6, %x.0, %x.0
        }
        """)


def test_a_broadcast_the_consumer_does_anyway_is_dropped():
    check(simplify, build(lambda b, r, x: [b.emit("mul", [b.emit("broadcast_to", [r, shape(b, 3, 4)]), x])],
                          r=ROW, x=M34), """
        func f(%r.0: f64[:,:], %x.1: f64[:,:]) {
          %2: pyi64 = const(value=3)
          %3: pyi64 = const(value=4)
          %4: (pyi64, pyi64) = tuple(%2, %3)
          %5: f64[:,:] = broadcast_to(%r.0, %4, bcast=(((), (0,)), ((), ())))
          %6: f64[:,:] = mul(%5, %x.1)
          return %6
        }
        """, """
        func f(%r.0: f64[:,:], %x.1: f64[:,:]) {
          %2: pyi64 = const(value=3)
          %3: pyi64 = const(value=4)
          %4: (pyi64, pyi64) = tuple(%2, %3)
          %5: f64[:,:] = broadcast_to(%r.0, %4, bcast=(((), (0,)), ((), ())))
          %6: f64[:,:] = mul(%r.0, %x.1)
          return %6
        }
        """)


def times_one_in_a_loop(x, n):
    y = x
    for i in range(n):
        y = y * 1.0 + x
    return y


def test_rules_apply_inside_loop_bodies():
    check(simplify, lowered(times_one_in_a_loop, np.ones(3), 2), """
        func times_one_in_a_loop(%x.0: f64[:], %n.1: pyi64) {
          %2: pyi64 = const(value=0)
          %3: pyi64 = const(value=1)
          %y.6 = for %i.5 in range(%2, %n.1, %3) carry(%y.4=%x.0) {
            %7: pyf64 = const(value=1.0)
            %8: f64[:] = mul(%y.4, %7, bcast=(((), ()), ((0,), ())))
            %y.9: f64[:] = add(%8, %x.0)
            yield %y.9
          }
          return %y.6
        }
        """, """
        func times_one_in_a_loop(%x.0: f64[:], %n.1: pyi64) {
          %2: pyi64 = const(value=0)
          %3: pyi64 = const(value=1)
          %y.6 = for %i.5 in range(%2, %n.1, %3) carry(%y.4=%x.0) {
            %7: pyf64 = const(value=1.0)
            %y.8: f64[:] = add(%y.4, %x.0)
            yield %y.8
          }
          return %y.6
        }
        """)


# --------------------------------------------------------------------------------------- cse


def test_equal_ops_are_computed_once():
    """Same primitive, inputs and attributes: one op. 1 and 1.0 are different constants."""
    def body(b, x):
        return [b.emit("exp", [x]), b.emit("exp", [x]), b.emit("sum", [x], axis=(0,), keepdims=False),
                b.emit("sum", [x], axis=(1,), keepdims=False), b.const(1), b.const(1.0), b.const(1)]

    check(eliminate_common_subexpressions, build(body, x=M34), """
        func f(%x.0: f64[:,:]) {
          %1: f64[:,:] = exp(%x.0)
          %2: f64[:,:] = exp(%x.0)
          %3: f64[:] = sum(%x.0, axis=(0,), keepdims=False)
          %4: f64[:] = sum(%x.0, axis=(1,), keepdims=False)
          %5: pyi64 = const(value=1)
          %6: pyf64 = const(value=1.0)
          %7: pyi64 = const(value=1)
          return %1, %2, %3, %4, %5, %6, %7
        }
        """, """
        func f(%x.0: f64[:,:]) {
          %1: f64[:,:] = exp(%x.0)
          %2: f64[:] = sum(%x.0, axis=(0,), keepdims=False)
          %3: f64[:] = sum(%x.0, axis=(1,), keepdims=False)
          %4: pyi64 = const(value=1)
          %5: pyf64 = const(value=1.0)
          return %1, %1, %2, %3, %4, %5, %4
        }
        """)


def test_writes_and_tapes_are_never_merged():
    def body(b, x, s):
        i = b.const(0)
        w1 = b.emit("index_update", [x, s, i], index=(("int", 2),))
        w2 = b.emit("index_update", [x, s, i], index=(("int", 2),))
        return [w1, w2]

    check(eliminate_common_subexpressions, build(body, x=Abstract(array_type("float64", 1), (3,)), s=F64), """
        func f(%x.0: f64[:], %s.1: f64) {
          %2: pyi64 = const(value=0)
          %3: f64[:] = index_update(%x.0, %s.1, %2, index=(('int', 2),))
          %4: f64[:] = index_update(%x.0, %s.1, %2, index=(('int', 2),))
          return %3, %4
        }
        """, """
        func f(%x.0: f64[:], %s.1: f64) {
          %2: pyi64 = const(value=0)
          %3: f64[:] = index_update(%x.0, %s.1, %2, index=(('int', 2),))
          %4: f64[:] = index_update(%x.0, %s.1, %2, index=(('int', 2),))
          return %3, %4
        }
        """)


def exp_in_and_around_a_branch(x, c):
    a = np.exp(x)
    if c > 0:
        y = np.exp(x) + np.sin(x)
    else:
        y = np.sin(x)
    return y + a


def test_a_branch_reuses_values_from_outside_but_not_from_its_sibling():
    check(eliminate_common_subexpressions, lowered(exp_in_and_around_a_branch, np.ones(3), 1.0), """
        func exp_in_and_around_a_branch(%x.0: f64[:], %c.1: pyf64) {
          %a.2: f64[:] = exp(%x.0)
          %3: pyi64 = const(value=0)
          %4: pybool = gt(%c.1, %3)
          %y.5 = if %4 {
            %6: f64[:] = exp(%x.0)
            %7: f64[:] = sin(%x.0)
            %y.8: f64[:] = add(%6, %7)
            yield %y.8
          } else {
            %y.9: f64[:] = sin(%x.0)
            yield %y.9
          }
          %exp_in_and_around_a_branch.10: f64[:] = add(%y.5, %a.2)
          return %exp_in_and_around_a_branch.10
        }
        """, """
        func exp_in_and_around_a_branch(%x.0: f64[:], %c.1: pyf64) {
          %a.2: f64[:] = exp(%x.0)
          %3: pyi64 = const(value=0)
          %4: pybool = gt(%c.1, %3)
          %y.5 = if %4 {
            %6: f64[:] = sin(%x.0)
            %y.7: f64[:] = add(%a.2, %6)
            yield %y.7
          } else {
            %y.8: f64[:] = sin(%x.0)
            yield %y.8
          }
          %exp_in_and_around_a_branch.9: f64[:] = add(%y.5, %a.2)
          return %exp_in_and_around_a_branch.9
        }
        """)


# --------------------------------------------------------------------------------------- dce


def test_values_nothing_reads_are_dropped_with_what_only_they_read():
    def body(b, x):
        unused = b.emit("sin", [b.emit("exp", [x])])
        return [b.emit("tanh", [x])]

    check(eliminate_dead_code, build(body, x=M34), """
        func f(%x.0: f64[:,:]) {
          %1: f64[:,:] = exp(%x.0)
          %2: f64[:,:] = sin(%1)
          %3: f64[:,:] = tanh(%x.0)
          return %3
        }
        """, """
        func f(%x.0: f64[:,:]) {
          %1: f64[:,:] = tanh(%x.0)
          return %1
        }
        """)


def dead_in_a_branch(x, c):
    unused = np.tanh(x)
    if c > 0:
        y = np.exp(x)
        z = np.cos(x)
    else:
        y = x
        z = np.sin(x)
    if c > 1:
        w = np.sin(x)
    else:
        w = x
    return y


def test_a_branch_nobody_reads_goes_and_a_read_branch_stays_whole():
    """The second `if` goes with everything in it. The first stays, with its dead output z: dce
    drops whole nodes, it does not narrow what a branch yields."""
    check(eliminate_dead_code, lowered(dead_in_a_branch, np.ones(3), 1.0), """
        func dead_in_a_branch(%x.0: f64[:], %c.1: pyf64) {
          %unused.2: f64[:] = tanh(%x.0)
          %3: pyi64 = const(value=0)
          %4: pybool = gt(%c.1, %3)
          %y.5, %z.6 = if %4 {
            %y.7: f64[:] = exp(%x.0)
            %z.8: f64[:] = cos(%x.0)
            yield %y.7, %z.8
          } else {
            %z.9: f64[:] = sin(%x.0)
            yield %x.0, %z.9
          }
          %10: pyi64 = const(value=1)
          %11: pybool = gt(%c.1, %10)
          %w.12 = if %11 {
            %w.13: f64[:] = sin(%x.0)
            yield %w.13
          } else {
            yield %x.0
          }
          return %y.5
        }
        """, """
        func dead_in_a_branch(%x.0: f64[:], %c.1: pyf64) {
          %2: pyi64 = const(value=0)
          %3: pybool = gt(%c.1, %2)
          %y.4, %z.5 = if %3 {
            %y.6: f64[:] = exp(%x.0)
            %z.7: f64[:] = cos(%x.0)
            yield %y.6, %z.7
          } else {
            %z.8: f64[:] = sin(%x.0)
            yield %x.0, %z.8
          }
          return %y.4
        }
        """)


def test_a_tape_nobody_pops_loses_its_push_and_a_popped_tape_stays():
    def body(b, x):
        b.emit("tape_push", [x], tape="_tape_dead")
        b.emit("tape_push", [x], tape="_tape_live")
        popped = b.define(Value(None), b.avals[x.id])
        b.ops.append(Op("tape_pop", [], [popped], {"tape": "_tape_live"}))
        return [popped]

    check(eliminate_dead_code, build(body, x=M34), """
        func f(%x.0: f64[:,:]) {
          %1: none = tape_push(%x.0, tape='_tape_dead')
          %2: none = tape_push(%x.0, tape='_tape_live')
          %3: f64[:,:] = tape_pop(tape='_tape_live')
          return %3
        }
        """, """
        func f(%x.0: f64[:,:]) {
          %1: none = tape_push(%x.0, tape='_tape_live')
          %2: f64[:,:] = tape_pop(tape='_tape_live')
          return %2
        }
        """)


def test_pipeline_lists_every_pass_and_dumps_the_ir_after_each(tmp_path, monkeypatch):
    """One place owns the passes (OPTIMIZE, LOWER); ADJIT_DUMP_IR=<dir> writes the IR after each."""
    from adjit.compiler import reverse
    from adjit.compiler.jit import CompiledFunction
    from adjit.compiler.ir import print_function
    from adjit.compiler.passes import pipeline

    import corpus

    names = [p.__name__ for p in pipeline.OPTIMIZE + pipeline.LOWER]
    assert names == ["simplify", "eliminate_common_subexpressions", "simplify", "eliminate_dead_code",
                     "hoist_outer_accumulations", "eliminate_dead_code", "scatter_into_gradients", "fuse",
                     "plan_loops", "plan_workspace", "hoist_loop_buffers"]
    monkeypatch.setenv("ADJIT_DUMP_IR", str(tmp_path))
    c = CompiledFunction(corpus.seed_loss, (0, 1, 2, 3))
    args = (np.ones((5, 6)), np.ones((5, 1)), np.ones((3, 5)), np.ones((3, 1)), np.ones((6, 4)), np.ones((3, 4)))
    primal, builder = c._lower(args)
    grad = pipeline.optimize(reverse.value_and_grad(primal, builder, [0, 1, 2, 3]))
    before = print_function(grad)
    lowered = pipeline.lower(grad)
    assert print_function(grad) == before  # lowering works on a copy
    dumped = sorted(p.name for p in tmp_path.iterdir())
    for k, name in enumerate(names[:4]):
        assert any(f".optimize.{k}.{name}.ir" in d for d in dumped), dumped
    for k, name in enumerate(names[4:]):
        assert any(f".lower.{k}.{name}.ir" in d for d in dumped), dumped
    assert any("group=" in line for line in print_function(lowered).splitlines())
    planned = next(tmp_path.glob("*.lower.4.plan_loops.ir")).read_text()
    assert "\nloop nest 0 over (5, 4)" in planned, planned  # the plans follow the IR, in its names
