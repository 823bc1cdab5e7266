"""IR text in -> plan text out: the loop planning passes (passes/loopplan.py: stages, strips,
extents, storage, reductions, locals; passes/workspace.py: which new arrays come from the call's
workspace) on small fused functions, each printed before planning (the IR after fusion) and after
(its loop nests, passes/loopnest.LoopNest.describe, in the IR's value names), and the verifier that
the pipeline runs on every plan."""
import re
from textwrap import dedent

import numpy as np
import pytest

from adjit.compiler.errors import InternalCompilerError
from adjit.compiler.ir import verify
from adjit.compiler.passes.dce import eliminate_dead_code
from adjit.compiler.passes.fusion import fuse
from adjit.compiler.passes.hoist import hoist_outer_accumulations
from adjit.compiler.passes.loopplan import plan_loops
from adjit.compiler.passes.pipeline import copy_structure, optimize, print_planned
from adjit.compiler.passes.workspace import plan_workspace
from test_passes import lowered, text


def fused(fun, *args):
    """`fun` lowered for `args`, optimized, and run through the lowering passes up to fusion."""
    fn = copy_structure(optimize(lowered(fun, *args)))
    for p in (hoist_outer_accumulations, eliminate_dead_code, fuse):
        fn = verify(p(fn))
    return fn


def check(fn, before: str, after: str) -> None:
    """The fused IR is `before`; planned (loops, then workspace), its nests print as `after`."""
    assert text(fn) == dedent(before).lstrip("\n")
    planned = verify(plan_workspace(plan_loops(fn)))
    for nest in planned.nests.values():
        nest.verify()
    out = re.sub(r"  # line \d+", "", print_planned(planned))
    assert out.startswith(text(fn).rstrip("\n") + "\n\n")
    assert out[len(text(fn)) + 1:] + "\n" == dedent(after).lstrip("\n")


def exp_times_x(x):
    return np.sum(np.exp(x) * x)


EXP_TIMES_X = """
    func exp_times_x(%x.0: f64[:,:]) {
      %1: f64[:,:] = exp(%x.0, group=0)
      %2: f64[:,:] = mul(%1, %x.0, group=0)
      %exp_times_x.3: f64 = sum(%2, axis=(0, 1), group=0, keepdims=False)
      return %exp_times_x.3
    }
    """


def test_a_long_last_axis_is_strip_mined_and_the_kernel_argument_lives_in_a_strip_buffer():
    """The SIMD exp ends stage 0; the product, used once, is inlined into the sum (no local)."""
    check(fused(exp_times_x, np.ones((4, 100))), EXP_TIMES_X, """
        loop nest 0 over (4, 100) strip-mined by 512 top-level, 2 stages
          %1 = exp(%x.0): stage 0 vector -> strip
          %2 = mul(%1, %x.0): stage 1 elem
          %exp_times_x.3 = sum(%2): stage 1 reduce sum over (0, 1) from 0.0 scalar chunked out
          reads %x.0
          extents %x.0.shape[0], %x.0.shape[1]
        """)


def test_a_short_last_axis_runs_full_stages_through_a_workspace_array():
    check(fused(exp_times_x, np.ones((4, 8))), EXP_TIMES_X, """
        loop nest 0 over (4, 8) top-level, 2 stages
          %1 = exp(%x.0): stage 0 vector -> full (workspace)
          %2 = mul(%1, %x.0): stage 1 elem
          %exp_times_x.3 = sum(%2): stage 1 reduce sum over (0, 1) from 0.0 scalar chunked out
          reads %x.0
          extents %x.0.shape[0], %x.0.shape[1]
        """)


def row_sums(x):
    return np.sum(x * 2.0, axis=1)


def column_means(x):
    return np.mean(x * x, axis=0, keepdims=True)


def test_reductions_over_the_last_axis_accumulate_in_a_row_local_and_means_divide_at_the_end():
    check(fused(row_sums, np.ones((3, 5))), """
        func row_sums(%x.0: f64[:,:]) {
          %1: pyf64 = const(value=2.0)
          %2: f64[:,:] = mul(%x.0, %1, bcast=(((), ()), ((0, 1), ())), group=0)
          %row_sums.3: f64[:] = sum(%2, axis=(1,), group=0, keepdims=False)
          return %row_sums.3
        }
        """, """
        loop nest 0 over (3, 5) top-level, 1 stage
          %2 = mul(%x.0, %1): stage 0 elem
          %row_sums.3 = sum(%2): stage 0 reduce sum over (1,) from 0.0 row-local out
          reads %x.0
          extents %x.0.shape[0], %x.0.shape[1]
        """)
    check(fused(column_means, np.ones((3, 4))), """
        func column_means(%x.0: f64[:,:]) {
          %1: f64[:,:] = mul(%x.0, %x.0, group=0)
          %column_means.2: f64[:,:] = mean(%1, axis=(0,), group=0, keepdims=True)
          return %column_means.2
        }
        """, """
        loop nest 0 over (3, 4) top-level, 1 stage
          %1 = mul(%x.0, %x.0): stage 0 elem
          %column_means.2 = mean(%1): stage 0 reduce mean over (0,) keepdims from 0.0 chunked mean out
          reads %x.0
          extents %x.0.shape[0], %x.0.shape[1]
        """)


def uniform(x, a):
    return np.broadcast_to(a, x.shape) * 2.0 + x


def test_members_of_scalar_operands_are_computed_once_and_a_returned_array_is_new():
    check(fused(uniform, np.ones((3, 4)), 2.0), """
        func uniform(%x.0: f64[:,:], %a.1: pyf64) {
          %2: (pyi64, pyi64) = shape(%x.0)
          %3: pyf64 = const(value=2.0)
          %4: f64[:,:] = broadcast_to(%a.1, %2, bcast=(((0, 1), ()), ((), ())), group=0)
          %5: f64[:,:] = mul(%4, %3, bcast=(((), ()), ((0, 1), ())), group=0)
          %uniform.6: f64[:,:] = add(%5, %x.0, group=0)
          return %uniform.6
        }
        """, """
        loop nest 0 over (3, 4) top-level, 1 stage
          %4 = broadcast_to(%a.1, %2): uniform
          %5 = mul(%4, %3): uniform
          %uniform.6 = add(%5, %x.0): stage 0 elem local -> array (new) out
          reads %x.0
          extents %x.0.shape[0], %x.0.shape[1]
        """)


def in_a_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + np.sum(np.exp(x) * i)
    return s


def test_a_nest_inside_a_user_loop_is_not_top_level_and_control_flow_keeps_arrays_new():
    check(fused(in_a_loop, np.ones(8), 3), """
        func in_a_loop(%x.0: f64[:], %n.1: pyi64) {
          %2: pyi64 = const(value=0)
          %3: pyi64 = const(value=1)
          %4: f64 = const(value=np.float64(0.0))
          %s.7 = for %i.6 in range(%2, %n.1, %3) carry(%s.5=%4) {
            %8: f64[:] = exp(%x.0, group=0)
            %9: f64[:] = mul(%8, %i.6, bcast=(((), ()), ((0,), ())), group=0)
            %10: f64 = sum(%9, axis=(0,), group=0, keepdims=False)
            %s.11: f64 = add(%s.5, %10)
            yield %s.11
          }
          return %s.7
        }
        """, """
        loop nest 0 over (8,), 2 stages
          %8 = exp(%x.0): stage 0 vector -> full (new)
          %9 = mul(%8, %i.6): stage 1 elem
          %10 = sum(%9): stage 1 reduce sum over (0,) from 0.0 scalar chunked out
          reads %x.0
          extents %x.0.shape[0]
        """)


def between_products(A, B, C):
    h = np.tanh(A @ B) * 2.0
    return np.sum((h @ C) ** 2)


def test_an_output_takes_over_the_buffer_of_a_product_nobody_reads_after_the_nest():
    """A @ B is owned by the call and dead after the nest: h is written into it. The tanh between
    full stages comes from the workspace (no result lives in it)."""
    check(fused(between_products, np.ones((4, 5)), np.ones((5, 6)), np.ones((6, 3))), """
        func between_products(%A.0: f64[:,:], %B.1: f64[:,:], %C.2: f64[:,:]) {
          %3: f64[:,:] = matmul(%A.0, %B.1)
          %4: pyf64 = const(value=2.0)
          %5: f64[:,:] = tanh(%3, group=0)
          %h.6: f64[:,:] = mul(%5, %4, bcast=(((), ()), ((0, 1), ())), group=0)
          %7: f64[:,:] = matmul(%h.6, %C.2)
          %8: f64[:,:] = mul(%7, %7, group=1)
          %between_products.9: f64 = sum(%8, axis=(0, 1), group=1, keepdims=False)
          return %between_products.9
        }
        """, """
        loop nest 0 over (4, 6) top-level, 2 stages
          %5 = tanh(%3): stage 0 vector -> full (workspace)
          %h.6 = mul(%5, %4): stage 1 elem local -> reuse of %3 out
          reads %3
          extents %3.shape[0], %3.shape[1]

        loop nest 1 over (4, 3) top-level, 1 stage
          %8 = mul(%7, %7): stage 0 elem
          %between_products.9 = sum(%8): stage 0 reduce sum over (0, 1) from 0.0 scalar chunked out
          reads %7
          extents %7.shape[0], %7.shape[1]
        """)


def test_planning_does_not_change_its_input():
    fn = fused(between_products, np.ones((4, 5)), np.ones((5, 6)), np.ones((6, 3)))
    before = text(fn)
    planned = plan_loops(fn)
    assert not fn.nests and text(fn) == before
    nests = {g: n.describe() for g, n in planned.nests.items()}
    plan_workspace(planned)
    assert {g: n.describe() for g, n in planned.nests.items()} == nests  # allocations not filled in place


@pytest.mark.parametrize("break_it, complaint", [
    (lambda n, ids: n.storage.pop(ids[0]), "SIMD member %{0} has no storage"),
    (lambda n, ids: n.stage.__setitem__(ids[0], 1), "reads %{0} before its stage's end"),  # the kernel runs after it
    (lambda n, ids: n.stage.__setitem__(ids[1], 0), "reads %{0} before its stage's end"),
    (lambda n, ids: n.stage.__setitem__(ids[1], 2), "has stage 2 of 2"),
    (lambda n, ids: n.storage.__setitem__(ids[1], "strip"), "strip buffer in a nest that is not strip-mined"),
    (lambda n, ids: n.dims.pop(), "1 extents for a rank-2 nest"),
    (lambda n, ids: n.alloc.__setitem__(ids[1], "workspace"), "allocation 'workspace' for storage 'reuse'"),
])
def test_the_verifier_rejects_a_broken_plan(break_it, complaint):
    fn = plan_workspace(plan_loops(fused(between_products, np.ones((4, 5)), np.ones((5, 6)), np.ones((6, 3)))))
    nest = fn.nests[0]
    nest.verify()
    ids = [op.out.id for op in nest.members]  # tanh, then h
    break_it(nest, ids)
    with pytest.raises(InternalCompilerError, match=re.escape(complaint.format(*ids))):
        nest.verify()


def test_the_renderer_prints_what_the_plan_decides():
    """codegen decides nothing the plan records: a workspace array the plan makes new is rendered
    as a new array (and the function then takes no workspace), a product the plan writes into
    the workspace as runtime/linalg.matmul_into of a taken array; a strip-mined nest's strip length
    is the plan's."""
    from adjit.compiler import codegen

    fn = plan_workspace(plan_loops(fused(between_products, np.ones((4, 5)), np.ones((5, 6)), np.ones((6, 3)))))
    source = codegen.render(fn, "g", lowered=True).source
    assert "_alloc.take(_ws, _wst, " in source and source.startswith("def g(A, B, C, _ws, _wst):")
    assert source.count("_la.matmul_into(") == 2 and "_la.matmul(" not in source, source
    (tanh,) = [vid for vid, where in fn.nests[0].alloc.items() if where == "workspace"]
    fn.nests[0].alloc[tanh] = "new"
    for op in fn.ops():  # both products die with the call: the plan wrote them into the workspace
        if op.prim == "matmul":
            assert op.attrs.pop("workspace")
    source = codegen.render(fn, "g", lowered=True).source
    assert source.count("_la.matmul(") == 2, source
    assert "_alloc.take" not in source and source.startswith("def g(A, B, C):"), source

    fn = plan_workspace(plan_loops(fused(exp_times_x, np.ones((4, 100)))))
    assert "range(0, x.shape[1], 512)" in codegen.render(fn, "g", lowered=True).source
    fn.nests[0].strip = 64
    source = codegen.render(fn, "g", lowered=True).source
    assert "range(0, x.shape[1], 64)" in source and "_alloc.empty((64,), np.float64)" in source, source
