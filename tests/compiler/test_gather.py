"""Integer-array (advanced) indexing: gathers in any position and with several index arrays, their
adjoint (a scatter-add counting duplicates, np.add.at), writes through index arrays (`x[idx] = v`,
`x[idx] += v` applying a duplicate once, as NumPy's buffered +=), bounds checks of indices read
from data, and the masks that keep shapes static. Each form against NumPy, finite differences,
forward mode and the readable source run as NumPy."""
from __future__ import annotations

import numpy as np
import pytest

import adjit
from adjit.compiler.errors import AdjitError, UnsupportedSyntaxError
from conftest import fd_check, import_source, run_grad, run_jvp

R = np.random.default_rng(11)
I = lambda *v: np.array(v, dtype=np.int64)  # noqa: E731


# --------------------------------------------------------------------------------- the forms
def take_1d(x, idx): return np.sum(np.sin(x[idx]))
def take_rows(cams, obs, u): return np.sum(u * cams[obs[:, 0]])
def take_cols(W, idx, u): return np.sum(u * W[:, idx])
def int_and_array(x, i, idx, u): return np.sum(u * x[i, idx])
def pair(M, rows, cols, u): return np.sum(u * M[rows, cols])
def separated(Q, rows, cols, u): return np.sum(u * Q[rows, :, cols])
def int_separated(Q, idx, u): return np.sum(u * Q[0, :, idx])
def adjacent_middle(Q, rows, cols, u): return np.sum(u * Q[:, rows, cols])
def index_2d(x, idx2, u): return np.sum(u * x[idx2])
def broadcast_pair(M, rows, cols, u): return np.sum(u * M[rows.reshape(-1, 1), cols])
def sliced(x, idx, u): return np.sum(u * x[1:, idx]) + np.sum(x[idx, ::2] ** 2)
def computed(x, u): return np.sum(u * x[np.arange(3) * 2]) + np.sum(x[np.arange(4) + 1] ** 2)
def arith_index(x, idx, u): return np.sum(u * x[idx + 1]) + np.sum(x[2 * idx] ** 2)
def int32_index(x, idx, u): return np.sum(u * x[idx])


def put(x, v, idx, u):
    y = x * 1.0
    y[idx] = v * 2.0
    return np.sum(u * y * y)


def put_scalar(x, idx, u):
    y = x * 2.0
    y[idx] = 0.5
    return np.sum(u * y)


def put_middle(Q, l, rows, cols, u):
    y = Q * 1.0
    y[:, rows, cols] = l
    return np.sum(u * np.tanh(y))


def aug_add(x, v, idx, u):
    y = x * 1.0
    y[idx] += v
    return np.sum(u * y * y)


def aug_mul_sliced(x, v, idx, u):
    y = x * 1.0
    y[1:, idx] *= v
    return np.sum(u * y)


def gather_then_put(x, idx, u):
    y = np.zeros(x.shape[0])
    y[idx] = x[idx] * x[idx]
    return np.sum(u * y)


# gathers read inside fused loops (passes/fusion.py, codegen/loops.py): views of a gathered array
# taken as gathers of views of the source, indices wrapped before a view's offset applies
def gather_views(cams, obs, u):
    c = cams[obs[:, 0]]
    return np.sum(u * c[:, 0:2] * c[:, 2:4]) + np.sum(np.sin(c[:, 4]) * c[:, -1])


def gather_of_slice(y, idx, u): return np.sum(u * y[2:6][idx]) + np.sum(y[1::2][idx] ** 2)


def gather_step_view(y, idx, u):
    g = y[:, ::2][idx]
    return np.sum(u * g[:, 1:]) + np.sum(g * g)


def gather_kept_and_viewed(cams, obs, W):
    c = cams[obs]  # used whole (a product) and through views
    return np.sum(np.tanh(c @ W)) + np.sum(c[:, :, 1] ** 2)


# the adjoint of views of a gathered array adds each view's cotangent straight into the gradient
# through the composed index (passes/scatter.py): slices with bounds, steps, ints, on either side
# of the index arrays' axes; the layouts that would reorder axes are left as they were
def gather_views_steps(cams, idx, u):
    c = cams[idx]
    return np.sum(u * c[:, ::2]) + np.sum(c[:, 5:0:-2] ** 2) + np.sum(c[:, -2:] * c[:, 1:3])


def gathered_cols_views(W, idx, u):
    g = W[:, idx]
    return np.sum(u * g[1:3]) + np.sum(np.cos(g[0]))


def separated_views(Q, rows, cols):
    g = Q[:, rows, :, cols]  # (index, Q's axis 0, Q's axis 2)
    return np.sum(g[:, :, 1] ** 2) + np.sum(np.sin(g[:, 0]))


def gather_views_in_loop(cams, obs, u):
    s = 0.0
    for k in range(2):
        c = cams[obs[:, k]]
        s = s + np.sum(u * c[:, 1:3]) + np.sum(c[:, 0] ** 2)
    return s


# (function, args, positions differentiated)
FORMS = [
    (gather_views_steps, lambda: (R.standard_normal((4, 6)), I(1, 0, 3, 1, -1), R.standard_normal((5, 3))), (0, 2)),
    (gathered_cols_views, lambda: (R.standard_normal((3, 5)), I(4, 0, 4, -2), R.standard_normal((2, 4))), (0,)),
    (separated_views, lambda: (R.standard_normal((2, 3, 2, 4)), I(0, 2, 2), I(3, -1, 3)), (0,)),
    (gather_views_in_loop, lambda: (R.standard_normal((4, 3)), I(1, 0, 3, 1, 1, -1).reshape(3, 2), R.standard_normal((3, 2))),
     (0,)),
    (gather_views, lambda: (R.standard_normal((4, 6)), I(1, 0, 3, 1, -1, 2, 1, -4).reshape(4, 2), R.standard_normal((4, 2))),
     (0, 2)),
    (gather_of_slice, lambda: (R.standard_normal(9), I(-1, 0, 3, -4, 2), R.standard_normal(5)), (0,)),
    (gather_step_view, lambda: (R.standard_normal((4, 7)), I(3, -1, 0, 3), R.standard_normal((4, 3))), (0,)),
    (gather_kept_and_viewed, lambda: (R.standard_normal((4, 3)), I(1, 0, 3, 1, -1, 2).reshape(3, 2), R.standard_normal((3, 2))),
     (0, 2)),
    (take_1d, lambda: (R.standard_normal(6), I(0, 2, 2, -1, 5, 2)), (0,)),
    (take_rows, lambda: (R.standard_normal((4, 3)), I(1, 0, 3, 1, 1, 2, 1, 0).reshape(4, 2), R.standard_normal((4, 3))), (0, 2)),
    (take_cols, lambda: (R.standard_normal((3, 5)), I(4, 0, 4, -2), R.standard_normal((3, 4))), (0,)),
    (int_and_array, lambda: (R.standard_normal((3, 5)), 1, I(4, 0, 4), R.standard_normal(3)), (0,)),
    (pair, lambda: (R.standard_normal((4, 5)), I(0, 3, 3, -1), I(1, 4, 4, 0), R.standard_normal(4)), (0,)),
    (separated, lambda: (R.standard_normal((4, 3, 5)), I(0, 3, 3), I(1, 4, 4), R.standard_normal((3, 3))), (0,)),
    (int_separated, lambda: (R.standard_normal((2, 3, 5)), I(1, 4, 1, 0), R.standard_normal((4, 3))), (0,)),
    (adjacent_middle, lambda: (R.standard_normal((2, 4, 5)), I(0, 3, 3), I(1, 4, 4), R.standard_normal((2, 3))), (0,)),
    (index_2d, lambda: (R.standard_normal((5, 2)), I(0, 1, 1, 4, 3, 0).reshape(2, 3), R.standard_normal((2, 3, 2))), (0,)),
    (broadcast_pair, lambda: (R.standard_normal((4, 5)), I(0, 3, 1), I(1, 4, 4, 0), R.standard_normal((3, 4))), (0,)),
    (sliced, lambda: (R.standard_normal((4, 5)), I(0, 3, 3), R.standard_normal((3, 3))), (0,)),
    (computed, lambda: (R.standard_normal(6), R.standard_normal(3)), (0,)),
    (arith_index, lambda: (R.standard_normal(7), I(0, 2, 2, 3), R.standard_normal(4)), (0,)),
    (int32_index, lambda: (R.standard_normal(5), np.array([4, 0, 4, -5], dtype=np.int32), R.standard_normal(4)), (0,)),
    (put, lambda: (R.standard_normal(6), R.standard_normal(4), I(1, 3, 1, -1), R.standard_normal(6)), (0, 1)),
    (put_scalar, lambda: (R.standard_normal(6), I(1, 3, 1), R.standard_normal(6)), (0,)),
    (put_middle, lambda: (R.standard_normal((2, 4, 5)), R.standard_normal((2, 3)), I(0, 3, 2), I(1, 4, 4),
                          R.standard_normal((2, 4, 5))), (0, 1)),
    (aug_add, lambda: (R.standard_normal(6), R.standard_normal(4), I(1, 3, 1, 5), R.standard_normal(6)), (0, 1)),
    (aug_mul_sliced, lambda: (R.standard_normal((3, 5)), R.standard_normal((2, 3)), I(4, 0, 2), R.standard_normal((3, 5))),
     (0, 1)),
    (gather_then_put, lambda: (R.standard_normal(5), I(4, 0, 4, 2), R.standard_normal(5)), (0,)),
]
IDS = [f[0].__name__ for f in FORMS]


# every 6th form through the Numba-compiled entry point, the rest through the lowered module run as
# Python (the same generated code; the suite's time budget)
_COMPILED = set(IDS[::6])


@pytest.mark.parametrize("fun, make, wrt", FORMS, ids=IDS)
def test_value_and_gradient_against_numpy_and_finite_differences(fun, make, wrt, request):
    args = make()
    if request.node.callspec.id in _COMPILED:
        value, grads = adjit.value_and_grad(fun, wrt=wrt)(*args)
    else:
        value, grads = run_grad(fun, args, wrt)
    assert value == pytest.approx(fun(*args), rel=1e-12)
    fd_check(fun, args, wrt, grads if isinstance(grads, tuple) else (grads,), rtol=1e-6)


@pytest.mark.parametrize("fun, make, wrt", FORMS, ids=IDS)
def test_forward_mode_agrees_with_reverse(fun, make, wrt):
    args = make()
    grads = run_grad(fun, args, wrt)[1]
    tangents = [R.standard_normal(np.shape(args[k])) for k in wrt]
    value, dot = run_jvp(fun, args, wrt, tangents)
    assert value == pytest.approx(fun(*args), rel=1e-12)
    assert dot == pytest.approx(sum(float(np.sum(g * t)) for g, t in zip(grads, tangents)), rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("fun, make, wrt", FORMS, ids=IDS)
def test_readable_source_runs_as_numpy(fun, make, wrt, tmp_path):
    args = make()
    g = adjit.value_and_grad(fun, wrt=wrt)
    mod = import_source(tmp_path, f"gen_gather_{fun.__name__}", g.source(*args))
    value, *grads = getattr(mod, f"{fun.__name__}_grad")(*args)
    v2, g2 = run_grad(fun, args, wrt)  # the lowered module's, run as Python
    assert value == pytest.approx(v2, rel=1e-12)
    for a, b in zip(grads, g2):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_readable_source_is_numpys_spelling():
    args = next(make for fun, make, _ in FORMS if fun is take_rows)()
    text = adjit.grad(take_rows).source(*args)
    assert "cams[obs[:, 0]]" in text and "np.add.at(" in text
    low = adjit.grad(take_rows).source(*args, lowered=True)
    # the gather is read inside the loop that uses it (checked and wrapped once per row), no copy;
    # its adjoint adds into dcams in the same loop (np.add.at as a loop member), no helper call
    assert "_gather_" not in low and "_rix = _ixw(obs[_i0, 0], 4, 0)" in low and "cams[_rix, _i1]" in low, low
    assert "_addat_" not in low and "_d0[_rix, _i1] += u[_i0, _i1]" in low, low


# ------------------------------------------------------------------------------ duplicates
def test_gradient_counts_duplicates():
    x = np.array([1.0, 2.0, 3.0])
    g = adjit.grad(lambda_sum_take)(x, I(0, 0, 2, 0))
    np.testing.assert_array_equal(g, [3.0, 0.0, 1.0])


def lambda_sum_take(x, idx): return np.sum(x[idx])


def aug_plain(x, v, idx):
    y = x * 1.0
    y[idx] += v
    return y[0] * 1.0 + y[1] * 10.0 + y[2] * 100.0


def test_augmented_add_applies_a_duplicate_once_as_numpy():
    x, idx = np.zeros(3), I(0, 0, 2)
    v = np.array([1.0, 1.0, 5.0])
    y = x.copy()
    y[idx] += v
    np.testing.assert_array_equal(y, [1.0, 0.0, 5.0])  # NumPy: buffered, once
    val, (gx, gv) = adjit.value_and_grad(aug_plain, wrt=(0, 1))(x, v, idx)
    assert val == aug_plain(x, v, idx) == 501.0
    np.testing.assert_array_equal(gx, [1.0, 10.0, 100.0])
    np.testing.assert_array_equal(gv, [0.0, 1.0, 100.0])  # the element written last wins


# ---------------------------------------------------------------- bounds: wrap and IndexError
def take_plain(x, idx): return np.sum(x[idx] * x[idx])
def put_plain(x, idx):
    y = x * 1.0
    y[idx] = 3.0
    return np.sum(y * y)
def pair_plain(M, rows, cols): return np.sum(M[rows, cols] ** 2)


@pytest.mark.parametrize("fun, args", [
    (take_plain, (np.ones(4), I(0, 4))),
    (take_plain, (np.ones(4), I(-5))),
    (put_plain, (np.ones(4), I(1, 7))),
    (pair_plain, (np.ones((3, 4)), I(0, 2), I(1, 4))),
    (pair_plain, (np.ones((3, 4)), I(0, -4), I(1, 3))),
])
def test_out_of_range_raises_numpys_index_error(fun, args):
    with pytest.raises(IndexError) as want:
        fun(*args)
    for f in (adjit.grad(fun), adjit.value_and_grad(fun)):
        with pytest.raises(IndexError) as got:
            f(*args)
        assert str(got.value) == str(want.value)
    with pytest.raises(IndexError):
        run_jvp(fun, args, (0,), [np.ones_like(args[0])], compiled=True)


def test_negative_indices_wrap():
    x = R.standard_normal(5)
    idx = I(-1, -5, 2, -1)
    val, g = adjit.value_and_grad(take_plain)(x, idx)
    assert val == pytest.approx(take_plain(x, idx))
    want = np.zeros(5)
    np.add.at(want, idx, 2 * x[idx])
    np.testing.assert_allclose(g, want)


def test_index_arrays_that_do_not_broadcast_raise_index_error():
    with pytest.raises((IndexError, AdjitError), match="shape mismatch"):  # AdjitError: shapes known when lowering
        adjit.grad(pair_plain)(np.ones((3, 4)), I(0, 1), I(0, 1, 2))


# -------------------------------------------------------------------------- programs
def embedding(E, tokens, W):
    h = E[tokens]  # (batch, seq, d)
    return np.sum(np.tanh(np.sum(h, axis=1) @ W))


def bundle_adjustment(cams, points, obs, target):
    c = cams[obs[:, 0]]
    p = points[obs[:, 1]]
    r = c[:, 0:1] * p + c[:, 1:2] - target
    return np.sum(r * r)


def test_embedding_like_program():
    E, W = R.standard_normal((7, 4)), R.standard_normal((4, 3))
    tokens = R.integers(0, 7, (5, 6))
    val, (gE, gW) = adjit.value_and_grad(embedding, wrt=(0, 2))(E, tokens, W)
    assert val == pytest.approx(embedding(E, tokens, W), rel=1e-12)
    fd_check(embedding, (E, tokens, W), (0, 2), (gE, gW))
    assert np.all(gE[np.setdiff1d(np.arange(7), tokens)] == 0)


def test_no_temporary_per_gathered_row():
    """The gathered rows of cams and points are read where the loops use them: no gathered copy,
    nor one kept alive by the adjoint's zeros of its shape."""
    cams, points = R.standard_normal((3, 2)), R.standard_normal((5, 2))
    obs = np.stack([R.integers(0, 3, 20), R.integers(0, 5, 20)], axis=1)
    target = R.standard_normal((20, 2))
    low = adjit.value_and_grad(bundle_adjustment, wrt=(0, 1)).source(cams, points, obs, target, lowered=True)
    assert "_gather_" not in low and "_ixw(obs[_i0, 1], 5, 0)" in low and "points[_rix" in low, low


def test_views_of_a_gather_add_straight_into_the_gradient():
    """The adjoint of c[:, 0:2], c[:, 2:4], c[:, 4], c[:, -1] of c = cams[obs[:, 0]] adds each view's
    cotangent into dcams through the composed index (passes/scatter.py), in the loop computing it:
    no zeros of the gathered shape, no np.add.at pass; the same gradient (disjoint columns: bit
    for bit)."""
    args = next(make for fun, make, _ in FORMS if fun is gather_views)()
    low = adjit.grad(gather_views, wrt=(0, 2)).source(*args, lowered=True)
    body = low[low.index("def gather_views_grad"):]
    assert "_addat_" not in body and "_d0[_rix, _i1 + 2] += " in body, body
    assert "_d0[_ixw(obs[_i0, 0], 4, 0), 5] += " in body, body  # c[:, -1]: wrapped when compiled
    assert "_alloc.full((4, 6)" not in body and "_alloc.full(cams.shape, 0" in body
    c = args[0][args[1][:, 0]]
    dc = np.zeros_like(c)
    dc[:, 0:2] = args[2] * c[:, 2:4]
    dc[:, 2:4] = args[2] * c[:, 0:2]
    dc[:, 4] = np.cos(c[:, 4]) * c[:, -1]
    dc[:, -1] = np.sin(c[:, 4])
    want = np.zeros_like(args[0])
    np.add.at(want, args[1][:, 0], dc)
    np.testing.assert_allclose(run_grad(gather_views, args, (0,))[1][0], want, rtol=1e-15, atol=0)


def rows_sin(W, idx): return np.sum(np.sin(W[idx]) * np.cos(W[idx]))


def test_add_at_in_a_strip_mined_loop_and_never_in_parallel_chunks():
    """np.add.at fused into a loop the SIMD kernels strip-mine (the row's index checked once per
    strip), duplicates counted; with parallel=True its loop is not cut into chunks (two chunks
    could add into one row at once)."""
    W, idx = R.standard_normal((5, 40)), I(4, 0, 4, -1, 2, 2)
    want = np.zeros_like(W)
    np.add.at(want, idx, np.cos(W[idx]) ** 2 - np.sin(W[idx]) ** 2)
    np.testing.assert_allclose(run_grad(rows_sin, (W, idx), (0,))[1][0], want, rtol=1e-13, atol=1e-14)
    for parallel in (False, True):
        low = adjit.grad(rows_sin, parallel=parallel).source(W, idx, lowered=True)
        body = low[low.index("def rows_sin_grad"):]
        assert "_addat_" not in body and "_simd.sin_range(" in body and "+= _b[_sk] * -_b[_sk]" in body, body
        assert "prange" not in body, body


def test_add_at_with_bounded_slices_is_numpys():
    """codegen/gather.py's np.add.at helper with a slice beside the index array: every start, stop
    and step (negative, clipped, empty) as Python's slice rules, duplicates added, an index out of
    range IndexError; run as Python (the helper's text)."""
    from adjit.compiler.codegen.gather import put_helper
    from adjit.runtime import bounds

    ns = {"np": np, "_ix": bounds.ix}
    idx = I(0, 3, 3, -1, 2)
    for k, (start, stop, step) in enumerate([(None, None, 2), (5, 0, -2), (-2, None, None), (1, 3, None),
                                             (-9, 9, 3), (4, 1, None), (None, None, -1), (2, -7, -1)]):
        bounds_in = [b for b in (start, stop, step) if b is not None]
        ks = iter(range(2, 5))
        item = ("slice",) + tuple(None if b is None else next(ks) for b in (start, stop, step))
        name, text = put_helper(2, (("array", 1), item), {1: 1, **{2 + j: 0 for j in range(len(bounds_in))}}, 2, True)
        exec(text, ns)
        want = np.zeros((5, 6))
        v = R.standard_normal(want[idx][:, start:stop:step].shape)
        np.add.at(want, (idx, slice(start, stop, step)), v)
        got = ns[name](np.zeros((5, 6)), v, idx, *bounds_in)
        np.testing.assert_array_equal(got, want, err_msg=str((start, stop, step)))
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 5"):
        ns[name](np.zeros((5, 6)), np.ones((1, 1)), I(0, 5), *bounds_in)
    name, text = put_helper(2, (("array", 1), ("slice", None, None, 2)), {1: 1, 2: 0}, 2, True)
    exec(text, ns)
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        ns[name](np.zeros((5, 6)), np.ones((1, 1)), idx, 0)


def test_bundle_adjustment_like_program():
    cams, points = R.standard_normal((3, 2)), R.standard_normal((5, 2))
    obs = np.stack([R.integers(0, 3, 20), R.integers(0, 5, 20)], axis=1)
    target = R.standard_normal((20, 2))
    val, (gc, gp) = adjit.value_and_grad(bundle_adjustment, wrt=(0, 1))(cams, points, obs, target)
    assert val == pytest.approx(bundle_adjustment(cams, points, obs, target), rel=1e-12)
    fd_check(bundle_adjustment, (cams, points, obs, target), (0, 1), (gc, gp))


# ------------------------------------------------------------------------------ masks
def where_mask(x, mask): return np.sum(np.where(mask, x * x, 0.0))
def times_mask(x, mask): return np.sum(x * mask * x)
def computed_mask(x): return np.sum(np.where(x > 0, x, 0.1 * x) * x)
def bool_index(x): return np.sum(np.outer(x[x > 0], x))  # a selection's length is the data's
def list_index(x): return np.sum(x[[0, 2]])
def float_index(x, f): return np.sum(x[f])
def none_with_array(x, idx): return np.sum(x[idx, None])


@pytest.mark.parametrize("fun, args", [
    (where_mask, (R.standard_normal(6), R.standard_normal(6) > 0)),
    (times_mask, (R.standard_normal(6), R.standard_normal(6) > 0)),
    (computed_mask, (R.standard_normal(6),)),
])
def test_masks_that_keep_the_shape(fun, args):
    val, g = adjit.value_and_grad(fun)(*args)
    assert val == pytest.approx(fun(*args), rel=1e-12)
    fd_check(fun, args, (0,), (g,))


@pytest.mark.parametrize("fun, args, words", [
    (bool_index, (np.ones(3),), ["boolean-mask selection", "np.where(mask, x, 0"]),
    (float_index, (np.ones(3), np.ones(2)), ["integer type"]),
    (none_with_array, (np.ones(3), I(0)), ["np.expand_dims"]),
])
def test_unsupported_index_forms_are_located_errors(fun, args, words):
    with pytest.raises(AdjitError) as e:
        adjit.grad(fun)(*args)
    text = str(e.value)
    assert "test_gather.py" in text
    for w in words:
        assert w in text
    if fun is bool_index:
        assert isinstance(e.value, UnsupportedSyntaxError)


def test_a_list_of_ints_as_an_index_is_a_gather():
    """x[[0, 2]] (refused before the held-out corpus met faces[:, [0, 1]]): NumPy's gather."""
    x = np.array([1.0, 2.0, 3.0])
    value, g = adjit.value_and_grad(list_index)(x)
    assert value == pytest.approx(4.0)
    np.testing.assert_allclose(g, [1.0, 0.0, 1.0])


def _add_at_own_rows(x, W):
    V = W * x[0]
    for k in range(2):
        np.add.at(V, np.array([2, 3, -1]), V[:3])
    return np.sum(V[:, 1]) * x[-1]


def test_add_at_of_a_view_of_its_own_target_reads_it_as_before():
    """np.add.at(W, idx, W[:3]) in a loop: NumPy reads the values as they were before the call; the
    lowered helper read rows it had already written (2.4 for 2.35; found by the fuzzer, seed 9205)."""
    W = np.arange(15.0).reshape(5, 3) / 10
    x = np.array([0.3, -0.7, 1.1, 0.5])
    value, (gx, gW) = run_grad(_add_at_own_rows, [x, W.copy()], (0, 1))
    assert np.isclose(value, _add_at_own_rows(x, W.copy()), rtol=1e-14)
    fd_check(_add_at_own_rows, [x, W.copy()], (0, 1), (gx, gW))
