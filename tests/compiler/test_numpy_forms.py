"""NumPy's shape, view, building and joining spellings (issue 12): each against central finite
differences, forward mode against reverse mode, and the readable source, executed as plain NumPy,
against the compiled gradient; a few realistic programs; and the located errors of what is not
supported."""
import numpy as np
import pytest

import adjit
from adjit.compiler.errors import AdjitError
from conftest import check_readable, family_tests, fd_check, forward_check

R = np.random.default_rng(12)


def n(*shape):
    return R.standard_normal(shape)


# ------------------------------------------------------------------------- shapes and views
def newaxis(x, u): return np.sum(u * x[np.newaxis, :, None] ** 2) + np.sum(x[:, np.newaxis] * x[None, :])
def ellipsis(x, u): return np.sum(u * x[..., 1] ** 2) + np.sum(x[0, ...] ** 3) + np.sum(x[..., None, 2:] ** 2)
def ellipsis_write(x, v):
    y = x * 1.0
    y[..., 0] = v
    y[1, ...] *= 2.0
    return np.sum(y ** 2)
def negative_steps(x, u): return np.sum(u * x[::-1]) + np.sum(x[::-2, 3:0:-2] ** 3) + np.sum(x[4:1:-1] ** 2)
def sizes(x): return np.sum(x) * (len(x) + x.ndim + x.size + np.ndim(x)) + len(x.shape)
def ravel_flatten(x, u): return np.sum(u * x.ravel() ** 2) + np.sum(np.ravel(x) * x.flatten())
def reshape_minus_one(x, u): return np.sum(u * x.reshape(-1, 6) ** 2) + np.sum(np.reshape(x, (-1, 3)) ** 3)
def transposes(x, u): return np.sum(u * np.transpose(x, (1, 0, 2))) + np.sum(x.transpose(1, 0, 2) ** 3) + np.sum(x.T[0] ** 2)
def swap_move(x, u): return np.sum(u * np.swapaxes(x, 0, 2)) + np.sum(x.swapaxes(1, -1) ** 3) + np.sum(np.moveaxis(x, 0, -1)[0] ** 2) + np.sum(np.moveaxis(x, (0, 1), (2, 0))[1] ** 2)
def expand_squeeze(x, u): return np.sum(u * np.squeeze(np.expand_dims(x, 1))) + np.sum(np.squeeze(x[:, None], axis=1) ** 3) + np.sum(x[None].squeeze(0) ** 2)
def squeeze_all(x): return np.squeeze(x) ** 2 + np.sum(np.squeeze(x[None, :, :], axis=(0, 2)) ** 3)
def broadcast_(x, u): return np.sum(u * np.broadcast_to(x, (3, 4)) ** 2)
def atleast(x, s): return np.sum(np.atleast_2d(x) ** 3) + np.sum(np.atleast_1d(s) * x[0]) + np.sum(np.atleast_3d(x) ** 2) + np.sum(np.atleast_2d(s) ** 2)
def astypes(x, u): return np.sum(u * x.astype(float) ** 3) + np.sum(x.astype(np.float64) * x)
def transpose_1d_3d(v, x): return np.sum(v.T * v ** 2) + np.sum(x.T ** 3 * np.arange(2))

# ---------------------------------------------------------------- building and joining arrays
def array_scalars(a, b): return np.sum(np.array([[a, -b], [b, a]]) @ np.array([1.0, 2.0]) ** 2) + np.sum(np.array((a, 2, b)) ** 3)
def array_arrays(a, b, u): return np.sum(u * np.array([a, b]) ** 3) + np.sum(np.asarray([a, 2 * b]) ** 2) + np.sum(np.array(a) * np.asarray(b))
def stack_axis(a, b, u): return np.sum(u * np.stack([a, b], axis=1) ** 3) + np.sum(np.stack((a, b, a), axis=-1) ** 2)
def concat_axis(a, b): return np.sum(np.concatenate([a, b], axis=1) ** 3) + np.sum(np.concatenate((a.T, b.T)) ** 2) + np.sum(np.concatenate([a, b], axis=None) ** 4)
def hv_stack(v, w, m): return np.sum(np.hstack([v, w]) ** 3) + np.sum(np.vstack([v, w]) ** 2) + np.sum(np.hstack((m, m)) ** 3) + np.sum(np.vstack((m, v)) ** 3) + np.sum(np.column_stack((v, w)) ** 3)
def split_(x):
    a, b, c = np.split(x, 3)
    p, q = np.split(x, [2], axis=0)
    r, s, t = np.array_split(x[:5], 3)
    return np.sum(a * b * c) + np.sum(p ** 2) * np.sum(q ** 3) + np.sum(r) * np.sum(s ** 2) * np.sum(t)
def split_axis(x):
    a, b = np.split(x, 2, axis=1)
    return np.sum(a * b ** 2)
def eye_tri(x): return np.sum((x + np.eye(3)) ** 3) + np.sum(x * np.eye(3, 3, 1)) + np.sum(x * np.tri(3)) + np.sum(x * np.tri(3, 3, -1, dtype=np.float64)) + np.sum(np.identity(3) * x ** 2)
def tril_triu(x): return np.sum(np.tril(x) ** 2) + np.sum(np.triu(x, 1) ** 3) + np.sum(np.tril(x, -1) * np.triu(x))
def tril_batch(x): return np.sum(np.tril(x) ** 3) + np.sum(np.triu(x, -1) ** 2)
def diag_both(x, v): return np.sum(np.diag(x) ** 3) + np.sum(np.diag(v) @ x) + np.sum(np.diag(v, 1) ** 2) + np.sum(np.diag(x, -1) ** 2)
def diagonal_trace(x): return np.sum(np.diagonal(x) ** 3) + np.sum(np.trace(x) ** 2) + np.sum(np.diagonal(x, 1, 1, 2) ** 2) + np.sum(np.trace(x, axis1=0, axis2=2) ** 3) + np.sum(x[0].diagonal() * x[1].trace())
def roll_(x, u): return np.sum(u * np.roll(x, 2)) + np.sum(np.roll(x, -1, axis=1) ** 3) + np.sum(np.roll(x, (1, 2), axis=(0, 1)) * u)
def arange_linspace(x, a, b): return np.sum(x * np.arange(0.0, 1.0, 0.2)) + np.sum(x * np.linspace(a, b, 5)) + np.sum(x * np.linspace(0, 1, 5, endpoint=False)) + np.sum(np.arange(5.0) * x)
def creation_dtypes(x): return np.sum(x * np.zeros(5, dtype=np.float32) + np.ones_like(x, dtype=float) * np.full(5, 2.0, dtype=np.float64) + np.full_like(x, 3.0) + np.ones(5, dtype=int)) + np.sum(np.full(3, 2.5, dtype=int)) * x[0]


FORMS = [
    (newaxis, lambda: (n(3, 4), n(1, 3, 1, 4)), (0,)),
    (ellipsis, lambda: (n(2, 3, 4), n(2, 3)), (0,)),
    (ellipsis_write, lambda: (n(2, 3, 4), n(2, 3)), (0, 1)),
    (negative_steps, lambda: (n(6, 4), n(6, 4)), (0,)),
    (sizes, lambda: (n(6, 4),), (0,)),
    (ravel_flatten, lambda: (n(3, 4), n(12)), (0,)),
    (reshape_minus_one, lambda: (n(3, 4), n(2, 6)), (0,)),
    (transposes, lambda: (n(2, 3, 4), n(3, 2, 4)), (0,)),
    (swap_move, lambda: (n(2, 3, 4), n(4, 3, 2)), (0,)),
    (expand_squeeze, lambda: (n(3, 4), n(3, 4)), (0,)),
    (squeeze_all, lambda: (n(1, 1), ), (0,)),
    (broadcast_, lambda: (n(4), n(3, 4)), (0,)),
    (atleast, lambda: (n(4), 0.7), (0, 1)),
    (astypes, lambda: (n(4), n(4)), (0,)),
    (transpose_1d_3d, lambda: (n(4), n(2, 3, 4)), (0, 1)),
    (array_scalars, lambda: (0.7, -1.3), (0, 1)),
    (array_arrays, lambda: (n(3), n(3), n(2, 3)), (0, 1)),
    (stack_axis, lambda: (n(3), n(3), n(3, 2)), (0, 1)),
    (concat_axis, lambda: (n(3, 2), n(3, 4)), (0, 1)),
    (hv_stack, lambda: (n(3), n(3), n(2, 3)), (0, 1, 2)),
    (split_, lambda: (n(6),), (0,)),
    (split_axis, lambda: (n(3, 4),), (0,)),
    (eye_tri, lambda: (n(3, 3),), (0,)),
    (tril_triu, lambda: (n(3, 4),), (0,)),
    (tril_batch, lambda: (n(2, 4, 3),), (0,)),
    (diag_both, lambda: (n(3, 3), n(3)), (0, 1)),
    (diagonal_trace, lambda: (n(3, 4, 5),), (0,)),
    (roll_, lambda: (n(3, 4), n(3, 4)), (0,)),
    (arange_linspace, lambda: (n(5), 0.3, 1.7), (0, 1, 2)),
    (creation_dtypes, lambda: (n(5),), (0,)),
]
IDS = [f.__name__ for f, _, _ in FORMS]


# every 6th case through the Numba-compiled entry point, the rest through the lowered module run as
# Python (conftest.family_tests; the suite's time budget)
test_form_gradient_matches_finite_differences, test_form_forward_mode_agrees_with_reverse = family_tests(FORMS, IDS)


@pytest.mark.parametrize("fun,make,wrt", FORMS, ids=IDS)
def test_form_readable_source_is_numpy_that_agrees(fun, make, wrt):
    check_readable(fun, make(), wrt, compiled=False)


# --------------------------------------------------------------------------- realistic programs
def rotate_points(theta, pts):
    c, s = np.cos(theta), np.sin(theta)
    rot = np.array([[c, -s], [s, c]])
    return np.sum((pts @ rot.T - pts[::-1]) ** 2)


def rollout(h0, w, steps: int = 4):
    states = [h0]
    h = h0
    for _ in range(steps):
        h = np.tanh(w @ h)
        states = states + [h]  # a list of states, stacked afterwards
    return np.sum(np.stack(states) ** 2 * np.arange(1, steps + 2)[:, None])


def rollout_fixed(h0, w):
    h1 = np.tanh(w @ h0)
    h2 = np.tanh(w @ h1)
    h3 = np.tanh(w @ h2)
    traj = np.stack([h0, h1, h2, h3], axis=0)
    return np.sum(traj[1:] * traj[:-1])


def causal_attention(q, k, v):
    t = q.shape[0]
    scores = q @ k.T / np.sqrt(q.shape[1])
    mask = np.tril(np.ones((t, t)))
    scores = np.where(mask > 0, scores, -1e9)
    scores = scores - np.max(scores, axis=1, keepdims=True)
    w = np.exp(scores)
    w = w / np.sum(w, axis=1, keepdims=True)
    return np.sum((w @ v) ** 2)


def block_matrix(a, b, d):
    top = np.hstack([a, b])
    bottom = np.hstack([np.zeros((3, 2)), d])
    m = np.vstack([top, bottom])
    return np.trace(m @ m.T) + np.sum(np.diag(m) ** 3)


PROGRAMS = [
    (rotate_points, lambda: (0.4, n(5, 2)), (0, 1)),
    (rollout_fixed, lambda: (n(3), 0.5 * n(3, 3)), (0, 1)),
    (causal_attention, lambda: (n(4, 3), n(4, 3), n(4, 2)), (0, 1, 2)),
    (block_matrix, lambda: (n(2, 2), n(2, 3), n(3, 3)), (0, 1, 2)),
]


@pytest.mark.parametrize("fun,make,wrt", PROGRAMS, ids=[f.__name__ for f, _, _ in PROGRAMS])
def test_realistic_program(fun, make, wrt):
    args = make()
    value, grads = adjit.value_and_grad(fun, wrt=wrt)(*args)
    assert np.isclose(value, fun(*args), rtol=1e-12)
    fd_check(fun, args, wrt, grads)
    test_form_forward_mode_agrees_with_reverse(fun, make, wrt)
    test_form_readable_source_is_numpy_that_agrees(fun, make, wrt)


# ------------------------------------------------------------------------ NumPy's semantics
def test_dtypes_follow_numpy():
    def f(x, k):
        a = np.array([1, 2.0])  # float64
        b = np.array([k, 2])  # int64: 7 // 2 stays an int
        c = np.eye(2, dtype=int) // 2  # ints: zeros
        d = np.arange(1.0, 2.0, 0.25)  # 4 floats
        e = np.concatenate([b, np.array([3])]) // 2
        return np.sum(x * a) + np.sum(b // 2) + np.sum(c) + np.sum(d) + np.sum(e) + np.sum(np.tril(b[None] + b[:, None]) // 2)

    x = np.array([0.5, 1.5])
    value, grad = adjit.value_and_grad(f)(x, 7)
    assert value == f(x, 7)
    np.testing.assert_allclose(grad, [1.0, 2.0])


def test_split_parts_are_views_and_flatten_a_copy():
    def views(x):
        y = x * 1.0
        a, b = np.split(y, 2)
        a[0] = 5.0  # writes into y too, as in NumPy
        return np.sum(y) + np.sum(a)

    def copies(x):
        y = x * 1.0
        f = y.flatten()
        f[0] = 5.0  # a copy: y is unchanged
        r = np.roll(y, 1)
        r[1] = 2.0
        return np.sum(y ** 2) + np.sum(f) + np.sum(r)

    x = np.arange(1.0, 5.0)
    with pytest.raises(AdjitError, match="would also change"):
        adjit.grad(views)(x)
    value, grad = adjit.value_and_grad(copies)(x)
    assert np.isclose(value, copies(x))
    fd_check(copies, (x,), (0,), (grad,))


def test_lowered_source_compiles_every_form():
    for fun, make, wrt in FORMS[:4] + FORMS[15:]:
        args = make()
        compile(adjit.grad(fun, wrt=wrt).source(*args, lowered=True), "<lowered>", "exec")


# ------------------------------------------------------------------------------ located errors
def bad_split(x):
    a, b = np.split(x, 2)
    return np.sum(a * b)


def bad_concat_scalar(x):
    return np.sum(np.concatenate([x, 1.0]))


def bad_squeeze(x):
    return np.sum(np.squeeze(x, axis=0))


def bad_numpy_function(x):
    return np.sum(np.trim_zeros(x))


def bad_linspace(x):  # array endpoints are NumPy's (test_api_probe2.py); these do not broadcast
    return np.sum(np.linspace(x, x[:2], 3))


@pytest.mark.parametrize("fun,arg,message", [
    (bad_split, np.ones(5), "array split does not result in an equal division"),
    (bad_concat_scalar, np.ones(3), "zero-dimensional arrays cannot be concatenated"),
    (bad_squeeze, np.ones((2, 3)), "cannot select an axis to squeeze out"),
    (bad_numpy_function, np.ones(3), "`np.trim_zeros` is not supported"),
    (bad_linspace, np.ones(3), "cannot be broadcast"),
])
def test_unsupported_forms_are_located_errors(fun, arg, message):
    with pytest.raises(AdjitError, match=message) as info:
        adjit.grad(fun)(arg)
    assert info.value.loc is not None and info.value.loc.line > 0


# ------------------------------------------------------------------ reductions of lists (Tangent corpus)
def sum_of_list(a, x): return np.sum([1, a * a, 2]) + np.sum([1, x[0] * x[1] * x[2], 3]) + np.max((a, 2.0 * x[0], 1.0)) + np.mean([a, x[1]])


def test_reductions_of_lists_reduce_np_array_of_the_list():
    args = (1.5, np.array([1.0, 2.0, 3.0]))
    g = adjit.grad(sum_of_list, wrt=(0, 1))(*args)
    fd_check(sum_of_list, args, (0, 1), g)
    forward_check(sum_of_list, args, (0, 1), g)
