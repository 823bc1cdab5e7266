"""The fusion pass (passes/fusion.py) and fused loop nests (codegen/loops.py): what is grouped, what
is stored, and that every way a group can be emitted (plain, strip-mined around SIMD kernels, full
stages, parallel chunks) gives the gradient finite differences give."""
import re

import numpy as np
import pytest

import adjit
import corpus
from adjit.compiler.ir import Op, verify, walk
from adjit.compiler.passes.fusion import fuse
from adjit.compiler.passes.pipeline import optimize
from adjit.compiler import reverse
from adjit.compiler.jit import CompiledFunction
from conftest import fd_check, run_grad, run_jvp
from test_codegen import body, check_golden

R = np.random.default_rng(11)


def _grad_function(source: str, name: str) -> str:
    """The text of the generated `<name>_grad` function."""
    start = source.index(f"def {name}_grad(")
    end = source.find("\n\n\n", start)
    return source[start:] if end < 0 else source[start:end]


def _top_level_loops(fn_text: str) -> int:
    return len(re.findall(r"^    for ", fn_text, re.M))


def _full_allocations(fn_text: str) -> set:
    """Names bound to np.empty / np.full of a shape read off an array (not strip buffers)."""
    return set(re.findall(r"^\s*(\w+) = (?:np|_alloc)\.(?:empty|full)\(\([^)]*\.shape", fn_text, re.M))


def _transformed(fun, args, wrt):
    c = CompiledFunction(fun, wrt)
    primal, builder = c._lower(args)
    return optimize(reverse.value_and_grad(primal, builder, c.wrt, None))


def test_broadcast_reduce_adjoint_accumulates_in_the_same_loop():
    x, b = R.standard_normal((64, 300)), R.standard_normal((1, 300))
    g = adjit.grad(corpus.bias_tanh_square, wrt=(0, 1))
    text = _grad_function(g.source(x, b, lowered=True), "bias_tanh_square")
    assert _top_level_loops(text) == 1, text  # forward, tanh, the loss and both adjoints: one loop nest
    assert re.search(r"db\[0, _i1\] \+= ", text), text
    assert _full_allocations(text) == {"dz", "db"}, text  # z and tanh(z) are never stored
    for shape in [(6, 40), (3, 600)]:  # small enough for central differences to resolve 1e-6
        x, b = R.standard_normal(shape), R.standard_normal((1, shape[1]))
        fd_check(corpus.bias_tanh_square, (x, b), (0, 1), g(x, b))


def test_golden_lowered_fused_loop():
    x, b = np.ones((64, 300)), np.ones((1, 300))
    text = body(adjit.grad(corpus.bias_tanh_square, wrt=(0, 1)).source(x, b, lowered=True))
    text = "\n".join(l for l in text.splitlines() if not l.startswith("# signature"))
    check_golden("bias_tanh_square.lowered.py.txt", text, "lowered source")


def test_golden_loop_nest_plans():
    """The fused-loop data type (passes/loopnest.LoopNest) as the planning passes leave it on the
    lowered function, for the seed-like bias+tanh gradient (one nest, a broadcast reduction), a
    strip-mined SIMD nest (stages, strip buffers) and nests between matrix products (outputs that
    take over a product's buffer, an array from the workspace, full stages): pinned as text. Every
    plan passed its verifier in the pipeline; the rendering prints these plans."""
    from adjit.compiler.passes.pipeline import lower

    plans = []
    for fun, args, wrt in ((corpus.bias_tanh_square, (np.ones((64, 300)), np.ones((1, 300))), (0, 1)),
                           (_exp_log_rows, (np.ones((8, 700)),), (0,)),
                           (_tanh_between_products, (np.ones((4, 5)), np.ones((5, 6)), np.ones((6, 3))), (0, 1, 2))):
        fn = lower(_transformed(fun, args, wrt))
        plans.append(f"# {fun.__name__}_grad\n" + "\n".join(fn.nests[g].describe() for g in sorted(fn.nests)))
    check_golden("loop_nests.txt", "\n\n".join(plans) + "\n", "loop nest plans")


def _exp_log_rows(x):
    return np.sum(np.log(1.0 + np.exp(x)) * np.exp(-x))


def _tanh_between_products(A, B, C):
    h = np.tanh(A @ B) * 2.0
    return np.sum((h @ C) ** 2)


def test_long_elementwise_gradient_stores_only_what_the_reverse_sweep_reads():
    """Values used only inside their group get no array; values the reverse sweep can recompute
    from stored SIMD results are recomputed, not stored."""
    x, w = R.standard_normal(3000), R.standard_normal(3000)
    g = adjit.grad(corpus.long_elementwise_loss, wrt=(0, 1))
    text = _grad_function(g.source(x, w, lowered=True), "long_elementwise_loss")
    stored = _full_allocations(text)
    # tanh, exp, log1p and sin results (4 SIMD values) + at most the max's mask/argument and the
    # two gradients; the unfused lowering stored more than 20 arrays
    assert len(stored) <= 7, (stored, text)
    fd_check(corpus.long_elementwise_loss, (x, w), (0, 1), g(x, w))


@pytest.mark.parametrize("shape", [(5,), (37,), (511,), (512,), (1537,), (3, 31), (4, 33), (2, 2, 600)])
def test_fused_strips_and_stages_match_finite_differences(shape):
    """Short last axes run full stages, long ones strip-mined in 512-element strips (with tails)."""
    x = R.standard_normal(shape)
    w = R.standard_normal(shape[-1:])
    g = adjit.grad(corpus.long_elementwise_loss, wrt=(0, 1))
    fd_check(corpus.long_elementwise_loss, (x, w), (0, 1), g(x, w))


def test_row_reductions_with_simd_exp_and_log():
    z, y = R.standard_normal((40, 10)), np.eye(10)[R.integers(0, 10, 40)]
    g = adjit.grad(corpus.softmax_rows, wrt=0)
    fd_check(corpus.softmax_rows, (z, y), (0,), (g(z, y),))
    z2 = R.standard_normal((6, 100))
    y2 = np.eye(100)[R.integers(0, 100, 6)]
    fd_check(corpus.softmax_rows, (z2, y2), (0,), (g(z2, y2),))


@pytest.mark.parametrize("fun,make", [
    (corpus.bias_tanh_square, lambda: (R.standard_normal((300, 70)), R.standard_normal((1, 70)))),
    (corpus.long_elementwise_loss, lambda: (R.standard_normal(5000), R.standard_normal(5000))),
    (corpus.softmax_rows, lambda: (R.standard_normal((130, 10)), np.eye(10)[R.integers(0, 10, 130)])),
])
def test_parallel_matches_serial_and_is_deterministic(fun, make):
    args = make()
    serial = adjit.value_and_grad(fun, wrt=0)(*args)
    par = adjit.value_and_grad(fun, wrt=0, parallel=True)
    first = par(*args)
    again = par(*args)
    assert first[0] == again[0] and np.array_equal(first[1], again[1])  # fixed chunks, fixed order
    assert first[0] == pytest.approx(serial[0], rel=1e-12)
    np.testing.assert_allclose(first[1], serial[1], rtol=1e-10, atol=1e-14)


def test_fused_ir_is_valid_and_groups_are_contiguous():
    x, w = R.standard_normal(100), R.standard_normal(100)
    fn = fuse(_transformed(corpus.long_elementwise_loss, (x, w), (0, 1)))
    verify(fn)  # every value still defined before it is used
    seen, current = set(), None
    for node in fn.body.ops:
        gid = node.attrs.get("group") if isinstance(node, Op) else None
        if gid != current:
            assert gid is None or gid not in seen, f"group {gid} is split"
            if gid is not None:
                seen.add(gid)
            current = gid
    assert seen and all(len(fn.groups[g].members) >= 1 for g in seen)
    members = {id(op) for g in fn.groups.values() for op in g.members}
    tagged = {id(op) for op in walk(fn.body) if isinstance(op, Op) and "group" in op.attrs}
    assert members == tagged


def test_groups_stop_growing_at_max_members(monkeypatch):
    """fusion.MAX_MEMBERS bounds every group (a loop body nothing later can cut; issue 14): the
    long elementwise loss, one group of 40 ops uncapped, becomes several valid, contiguous ones."""
    from adjit.compiler.passes import fusion

    x, w = R.standard_normal(100), R.standard_normal(100)
    monkeypatch.setattr(fusion, "MAX_MEMBERS", 6)
    fn = fuse(_transformed(corpus.long_elementwise_loss, (x, w), (0, 1)))
    verify(fn)
    assert len(fn.groups) > 4 and all(len(g.members) <= 6 for g in fn.groups.values())
    order = [node.attrs.get("group") for node in fn.body.ops if isinstance(node, Op) and "group" in node.attrs]
    assert all(a == b or b not in order[:k] for k, (a, b) in enumerate(zip(order, order[1:]))), "a group is split"


def test_groups_stay_within_max_span(monkeypatch, tmp_path):
    """fusion.MAX_SPAN bounds how far apart in program order a group's members may be (a group is
    placed after all its inputs, so a long one keeps every array it reads alive: an input's adjoint
    accumulated over a whole long function; issue 14): groups stay valid and contiguous, and the
    lowered gradient, run as Python, still matches central differences."""
    from adjit.compiler.passes import fusion

    def loops() -> int:  # of the lowered gradient, made anew (a cache directory of its own)
        monkeypatch.setenv("ADJIT_CACHE_DIR", str(tmp_path / str(fusion.MAX_SPAN)))
        c = CompiledFunction(corpus.long_elementwise_loss, (0, 1), mode="value_and_grad")
        return len(re.findall(r"^\s+for ", c.source(x, w, lowered=True), re.M))

    x, w = R.standard_normal(100), R.standard_normal(100)
    whole = len(fuse(_transformed(corpus.long_elementwise_loss, (x, w), (0, 1))).groups)
    whole_loops = loops()
    monkeypatch.setattr(fusion, "MAX_SPAN", 8)
    fn = fuse(_transformed(corpus.long_elementwise_loss, (x, w), (0, 1)))
    verify(fn)
    assert len(fn.groups) > whole
    order = [node.attrs.get("group") for node in fn.body.ops if isinstance(node, Op) and "group" in node.attrs]
    assert all(a == b or b not in order[:k] for k, (a, b) in enumerate(zip(order, order[1:]))), "a group is split"
    assert loops() > whole_loops
    _, grads = run_grad(corpus.long_elementwise_loss, (x, w), (0, 1))
    fd_check(corpus.long_elementwise_loss, (x, w), (0, 1), grads)


def test_reduction_is_not_read_inside_its_own_loop():
    """x - max(x) needs the max before the loop that subtracts it: two groups, in order."""
    z = R.standard_normal((8, 50))
    y = np.eye(50)[R.integers(0, 50, 8)]
    fn = fuse(_transformed(corpus.softmax_rows, (z, y), (0,)))
    for g in fn.groups.values():
        reduced = {op.out.id for op in g.reductions()}
        for op in g.members:
            assert not any(i.id in reduced for i in op.inputs), f"group {g.gid} reads its own reduction"


# ---------------------------------------------------------------- outer products hoisted out of loops

def test_rnn_weight_gradients_become_one_matrix_product_after_the_loop():
    import corpus_control as C
    rng = np.random.default_rng(5)
    H, I, T = 6, 4, 7
    args = (rng.standard_normal((H, I)) * 0.5, rng.standard_normal((H, H)) * 0.4, rng.standard_normal(H) * 0.1,
            rng.standard_normal(H) * 0.1, rng.standard_normal((T, I)))
    wrt = (0, 1, 2, 3)
    g = adjit.grad(C.rnn, wrt=wrt)
    text = _grad_function(g.source(*args, lowered=True), "rnn")
    reverse_loop = text[text.index("--- reverse sweep"):]
    loop_body = reverse_loop[reverse_loop.index("    for _k"):reverse_loop.index("\n    dWx = ")]
    assert "dWx = _la.matmul(" in reverse_loop and "dWh = _la.matmul(" in reverse_loop, text
    assert "dWx" not in loop_body and "dWh" not in loop_body, loop_body  # no per-step accumulation
    fd_check(C.rnn, args, wrt, g(*args))
    # the same sums as the step-by-step accumulation of the readable rendering
    readable = {}
    exec(compile(g.source(*args), "<readable>", "exec"), readable)
    value, *expected = readable["rnn_grad"](*args)
    for a, b in zip(g(*args), expected):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_seed_gradient_allocates_only_products_and_bias_gradients():
    """Every elementwise value of the seed network's gradient reuses a buffer or stays in a loop:
    the only arrays allocated are the five BLAS products and the two bias gradients."""
    from test_api import seed_data
    args = seed_data(np.random.default_rng(0))
    g = adjit.grad(corpus.seed_loss, wrt=(0, 1, 2, 3))
    text = _grad_function(g.source(*args, lowered=True), "seed_loss")
    # the two weight gradients are new arrays; the other three products die with the call and are
    # written into arrays taken from the workspace (passes/workspace.py)
    assert text.count("_la.matmul(") == 2 and text.count("_la.matmul_into(") == 3, text
    assert text.count("_la.matmul_into(") == text.count(", _alloc.take(_ws, _wst, ("), text
    assert len(re.findall(r"_alloc\.(?:empty|full)\(", text)) == 2, text
    assert "np.empty" not in text and "np.full" not in text and ".copy()" not in text, text


# ---------------------------------------------------------------- the call's workspace

def _tanh_layer(W, x):
    return np.tanh(W @ x) * 2.0


def test_products_in_the_workspace_never_reach_a_result():
    """A product that dies with the call is written into the workspace; one whose buffer a result
    takes over (the jvp's primal and tangent here: elementwise loops writing into the products'
    arrays) is a new array, so a later call leaves earlier results as they were."""
    W, x = R.standard_normal((6, 5)), R.standard_normal((5, 4))
    dW, dx = R.standard_normal((6, 5)), R.standard_normal((5, 4))
    out, tan = adjit.jvp(_tanh_layer, (W, x), (dW, dx))
    saved = out.copy(), tan.copy()
    for _ in range(2):
        adjit.jvp(_tanh_layer, (2 * W, x), (dW, 3 * dx))
    np.testing.assert_array_equal(out, saved[0])
    np.testing.assert_array_equal(tan, saved[1])
    np.testing.assert_allclose(out, np.tanh(W @ x) * 2.0, rtol=1e-13)
    t = np.tanh(W @ x)
    scale = np.max(np.abs(dW) @ np.abs(x) + np.abs(W) @ np.abs(dx))  # an element may cancel: rounding of its terms
    np.testing.assert_allclose(tan, 2.0 * (1 - t * t) * (dW @ x + W @ dx), rtol=1e-12, atol=1e-14 * scale)
    g = adjit.value_and_grad(lambda W, x: np.sum(_tanh_layer(W, x) ** 2), wrt=(0, 1))
    assert "_la.matmul_into(" in g.source(W, x, lowered=True)
    v, (gW, gx) = g(W, x)
    kept = gW.copy(), gx.copy()
    g(3 * W, x)
    np.testing.assert_array_equal(gW, kept[0])
    np.testing.assert_array_equal(gx, kept[1])
    fd_check(lambda W, x: np.sum(_tanh_layer(W, x) ** 2), (W, x), (0, 1), (gW, gx))


def test_temporaries_come_from_the_workspace_and_results_never_do():
    g = adjit.value_and_grad(corpus.long_elementwise_loss, wrt=(0, 1))
    x1, w1 = R.standard_normal(4000), R.standard_normal(4000)
    x2, w2 = R.standard_normal(4000), R.standard_normal(4000)
    assert "_alloc.take(_ws, _wst" in g.source(x1, w1, lowered=True)
    first = g(x1, w1)
    saved = (first[0], first[1][0].copy(), first[1][1].copy())
    for _ in range(3):  # later calls reuse the workspace; earlier results must not change
        second = g(x2, w2)
    assert first[0] == saved[0]
    np.testing.assert_array_equal(first[1][0], saved[1])
    np.testing.assert_array_equal(first[1][1], saved[2])
    fresh = adjit.value_and_grad(corpus.long_elementwise_loss, wrt=(0, 1))(x2, w2)
    np.testing.assert_array_equal(second[1][0], fresh[1][0])
    fd_check(corpus.long_elementwise_loss, (x2, w2), (0, 1), second[1])


def test_workspace_grows_to_what_the_call_needs_and_concurrent_calls_stay_correct():
    import threading
    g = adjit.grad(corpus.long_elementwise_loss, wrt=0)
    small, big = R.standard_normal(100), R.standard_normal(20000)
    ws = R.standard_normal(100), R.standard_normal(20000)
    expected = [g(small, ws[0]), g(big, ws[1])]
    expected = [e.copy() for e in expected]
    spec = g._compiled._spec_for((big, ws[1]))
    errors = []

    def worker(k):
        for _ in range(20):
            a, w = (small, ws[0]) if k % 2 else (big, ws[1])
            if not np.array_equal(g(a, w), expected[0 if k % 2 else 1]):
                errors.append(k)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    sizes = [w.size for w, _ in spec.entry.pool]
    assert sizes and max(sizes) >= 2 * 20000 * 8  # grew to hold the big call's temporaries


def _centered(x, m): return np.sum((x[:, None, :] - m[None, :, :]) ** 2)


def _rows_views(cams, obs, u):
    c = cams[obs[:, 0]]
    return np.sum(u * c[:, 0:2] * c[:, 3:5]) + np.sum(c[:, 2] ** 2)


def test_fused_loops_read_through_views():
    """x[:, None, :] is read as x[_i0, _i2] in the loop: the C array, not a strided view of it."""
    x, m = R.standard_normal((6, 3)), R.standard_normal((4, 3))
    text = _grad_function(adjit.grad(_centered, wrt=(0, 1)).source(x, m, lowered=True), "_centered")
    assert "x[_i0, _i2]" in text and "m[_i1, _i2]" in text, text


def test_views_of_a_gather_become_gathers_of_views_inside_the_loops():
    cams, obs, u = R.standard_normal((3, 5)), R.integers(-3, 3, (8, 2)), R.standard_normal((8, 2))
    fn = fuse(_transformed(_rows_views, (cams, obs, u), (0,)))
    verify(fn)
    gathers = [n for n in walk(fn.body) if isinstance(n, Op) and n.prim == "gather"]
    assert gathers and all("group" in g.attrs for g in gathers)  # each read inside a fused loop
    assert all(fn.avals[g.out.id].shape != (8, 5) for g in gathers)  # no gathered copy of whole rows
    text = _grad_function(adjit.grad(_rows_views).source(cams, obs, u, lowered=True), "_rows_views")
    assert "_rix = _ixw(obs[_i0, 0], 3, 0)" in text and "cams[_rix, _i1 + 3]" in text and "_gather_" not in text, text
    val, (g,) = run_grad(_rows_views, (cams, obs, u), (0,))
    assert val == pytest.approx(_rows_views(cams, obs, u), rel=1e-12)
    fd_check(_rows_views, (cams, obs, u), (0,), (g,))


def _selection_moments(X):
    A = X[X[:, 0] > 0]
    return A.var() + np.sum(A.std(axis=0)) + np.sum(A.var(axis=1, ddof=1)) + np.sum(A.T.std(axis=1, keepdims=True)) \
        + np.sum(A.std(axis=1, keepdims=True) * A) + X[X > 0.3].var()


def test_reads_through_views_never_use_a_reused_name():
    """A fused loop reads a view through the array it views only while that array's name still
    holds it: names of dead arrays are reused (here chains of expand_dims and .T in the tangent
    sweep), and the view may outlive the name (a silent wrong value before this check)."""
    X = np.random.default_rng(0).standard_normal((8, 3))
    t = np.random.default_rng(1).standard_normal((8, 3))
    value, dot = run_jvp(_selection_moments, (X,), (0,), [t])
    _, grad = run_grad(_selection_moments, (X,), (0,))
    assert value == pytest.approx(_selection_moments(X), rel=1e-12)
    assert dot == pytest.approx(float(np.sum(grad * t)), rel=1e-10)


def _rows_views_in_loop(cams, obs, u):
    s = 0.0
    for k in range(2):
        c = cams[obs[:, k]]
        s = s + np.sum(u * c[:, 1:3])
    return s


def test_add_at_is_a_loop_member_only_into_a_buffer_nothing_else_reads():
    """The adjoint's np.add.at joins the loop computing its value when its base starts as zeros and
    each version of it is read by the next write only (passes/scatter.fusable_scatters); into the
    gradient carried by a loop (read by the next iteration) it stays a statement."""
    from adjit.compiler.passes.scatter import scatter_into_gradients

    cams, obs, u = R.standard_normal((3, 5)), R.integers(-3, 3, (8, 2)), R.standard_normal((8, 2))
    fn = fuse(scatter_into_gradients(_transformed(_rows_views, (cams, obs, u), (0,))))
    verify(fn)
    adds = [n for n in walk(fn.body) if isinstance(n, Op) and n.prim == "index_add"]
    assert adds and all(fn.groups[a.attrs["group"]].kinds[a.out.id] == "scatter" for a in adds)
    fn = fuse(scatter_into_gradients(_transformed(_rows_views_in_loop, (cams, obs, u), (0,))))
    adds = [n for n in walk(fn.body) if isinstance(n, Op) and n.prim == "index_add" and
            any(it[0] == "array" for it in n.attrs["index"])]
    assert adds and not any("group" in a.attrs for a in adds)
    val, (g,) = run_grad(_rows_views_in_loop, (cams, obs, u), (0,))
    fd_check(_rows_views_in_loop, (cams, obs, u), (0,), (g,))
