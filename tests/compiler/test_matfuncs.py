"""Matrix functions (issue 12, "the NumPy a scientist writes"): scipy.linalg.expm and expm_frechet,
np.linalg.norm's 2, -2 and 'nuc', np.linalg.svd, svdvals and cond. Gradients against central finite
differences in float64, forward mode against reverse mode, the readable source as NumPy, the runtime
kernels against SciPy, and the located errors. The rows' own test rows are in
primitive_cases_linalg.py."""
import numpy as np
import pytest
import scipy.linalg
from scipy.linalg import expm

import adjit
from adjit.compiler.errors import AdjitError
from adjit.runtime import matfuncs
from conftest import check_readable, family_tests, run_grad

R = np.random.default_rng(12)


def n(*shape):
    return R.standard_normal(shape)


def sym(k):
    b = n(k, k)
    return b @ b.T


# ------------------------------------------------------------------------------------ programs
def heat_trace(log_t, L):
    H = scipy.linalg.expm(-np.exp(log_t) * L)
    return np.trace(H)


def propagate(A, x0, u):  # x(t + dt) = expm(A dt) x(t), expm imported by name
    P = expm(0.1 * A)
    x = x0
    for _ in range(4):
        x = P @ x
    return np.sum(u * x)


def large_norm(A, u):  # ||A||_1 about 30: scaling and squaring
    return np.sum(u * expm(A)) * 1e-6


def triangular(A, u):
    return np.sum(u * expm(np.triu(A))) + np.sum(u * expm(np.tril(A) * 0.5))


def frechet_pair(A, E, u):
    eA, L = scipy.linalg.expm_frechet(A, E)
    return np.sum(u * eA) + np.sum(u * L ** 2) + np.sum(scipy.linalg.expm_frechet(A, E, compute_expm=False) * A)


def matrix_norms(A, B):
    return (np.linalg.norm(A, 2) + np.linalg.norm(A, -2) ** 2 + np.linalg.norm(A, 'nuc') + np.linalg.norm(B, 2, axis=(1, 0))
            + np.sum(np.linalg.norm(B.T, 'nuc', keepdims=True) ** 2))


def soft(z, t):
    return np.sign(z) * np.maximum(np.abs(z) - t, 0.0)


def ista(D, y, lam):
    step = 1.0 / np.linalg.norm(D, 2) ** 2
    x = np.zeros(D.shape[1])
    for _ in range(6):
        x = soft(x - step * (D.T @ (D @ x - y)), step * lam)
    return 0.5 * np.sum((D @ x - y) ** 2) + lam * np.sum(np.abs(x))


def singular_values(A, u):
    s = np.linalg.svd(A, compute_uv=False)
    return np.sum(u * s) + np.sum(np.linalg.svdvals(A.T) ** 3) + np.sum(scipy.linalg.svdvals(A) ** 2) + np.linalg.cond(A)


def conditions(A):
    return np.linalg.cond(A, -2) + np.linalg.cond(A, 'fro') + np.linalg.cond(A, 1) * 0.1 + np.linalg.cond(A, np.inf) * 0.1


def svd_parts(A, u, w):  # sign-free: each U[:, i] times Vh[i] (the signs flip together), and squares
    U, s, Vh = np.linalg.svd(A, full_matrices=False)
    return np.sum(w * ((U * s) @ Vh)) + np.sum(u * (U[:, 0:1] * Vh[0:1])) + np.sum(U[:, 1] ** 4) + np.sum(Vh[2] ** 4)


def svd_square(A, u):
    U, s, Vh = np.linalg.svd(A)
    return np.sum(u * (U[:, 1:2] * Vh[1:2])) + np.sum(s * np.abs(U[0]))


def svd_full_thin_parts(A, B):
    """full_matrices=True (NumPy's default) of a tall matrix: s and Vh are the thin SVD's (the DLT's
    null vector Vh[-1], squared: sign-free); of a wide one, U and s."""
    _, s, Vh = np.linalg.svd(A)
    U, t, _ = np.linalg.svd(B)
    return np.sum(Vh[-1] ** 4) + np.sum(s) + np.sum(U[:, 0] ** 2 * t[0]) + np.sum(t ** 2)


def stacked_small(F, G):
    """Stacks of 2x2 and 3x3 matrices (deformation gradients per element): det, inv, slogdet."""
    s, ld = np.linalg.slogdet(G)
    return np.sum(np.linalg.det(F) ** 2) + np.sum(np.linalg.inv(F) ** 2) + np.sum(np.linalg.det(G)) \
        + np.sum(np.linalg.inv(G) * G[::-1]) + np.sum(s * ld) + np.linalg.det(F[0, 0])


def distinct(m, k):
    """An m x k matrix with well-separated singular values 1..k (times a constant)."""
    q1, _ = np.linalg.qr(n(m, m))
    q2, _ = np.linalg.qr(n(k, k))
    return 2.0 * q1[:, :k] @ np.diag(np.arange(k, 0.0, -1.0)) @ q2.T


def wide(m, k):  # C order: conftest's finite differences perturb a C-ordered copy
    return np.ascontiguousarray(distinct(m, k).T)


CASES = [
    (heat_trace, lambda: (0.3, sym(4)), (0, 1)),
    (propagate, lambda: (n(3, 3), n(3), n(3)), (0, 1)),
    (large_norm, lambda: (n(4, 4) * 10.0, n(4, 4)), (0,)),
    (triangular, lambda: (n(3, 3), n(3, 3)), (0,)),
    (frechet_pair, lambda: (n(3, 3) * 0.5, n(3, 3), n(3, 3)), (0, 1)),
    (matrix_norms, lambda: (distinct(4, 3), wide(5, 2)), (0, 1)),
    (ista, lambda: (distinct(6, 4) + 0.01 * n(6, 4), n(6), 0.1), (0, 1)),
    (singular_values, lambda: (distinct(5, 3), n(3)), (0,)),
    (conditions, lambda: (distinct(3, 3),), (0,)),
    (svd_parts, lambda: (distinct(5, 3), n(5, 3), n(5, 3)), (0,)),
    (svd_parts, lambda: (wide(5, 3), n(3, 5), n(3, 5)), (0,)),
    (svd_square, lambda: (distinct(3, 3), n(3, 3)), (0,)),
    (svd_full_thin_parts, lambda: (distinct(6, 3), wide(4, 2)), (0, 1)),
    (stacked_small, lambda: (n(2, 4, 2, 2) + np.eye(2), n(3, 3, 3) + 2 * np.eye(3)), (0, 1)),
]
IDS = ["heat_trace", "propagate", "large_norm", "triangular", "frechet_pair", "matrix_norms", "ista",
       "singular_values", "conditions", "svd_parts_tall", "svd_parts_wide", "svd_square",
       "svd_full_thin_parts", "stacked_small"]

# compiled by Numba: heat_trace (expm); the SVD's rows are compiled by test_primitives.py's rows
test_gradient_against_finite_differences, test_forward_mode_against_reverse_mode = family_tests(CASES, IDS, skip=frozenset({"ista"}))


def test_readable_source_reads_as_scipy():
    args = (0.3, sym(3))
    check_readable(heat_trace, args, (0, 1), compiled=False)
    text = adjit.grad(heat_trace, wrt=(0, 1)).source(*args)
    assert "H = scipy.linalg.expm(" in text and "scipy.linalg.expm_frechet(" in text and "import scipy.linalg" in text
    check_readable(ista, (distinct(5, 3), n(5), 0.1), (0,), compiled=False)


def second_order(A):
    return np.trace(expm(A)) ** 2 + np.sum(expm(A) * A)


def test_second_order_through_the_frechet_rows():
    """Forward over reverse (what adjit.hvp compiles; its lowered module run as Python): the
    Hessian-vector product uses the JVP of expm_frechet (the block matrix [[A, E], [0, A]]),
    against central differences of the gradient."""
    import re

    from adjit.compiler.jit import CompiledFunction, workspace_args
    A, V = n(3, 3) * 0.5, n(3, 3)
    c = CompiledFunction(second_order, (0,), "grad_jvp", wrt_fwd=(0,))
    text = re.sub(r"^_jit = numba\.njit\(.*\)$", "_jit = lambda fn: fn", c.source(A, lowered=True), flags=re.M)
    ns: dict = {}
    exec(compile(text, "<lowered hvp>", "exec"), ns)
    f = ns[c.entry_name]
    out = f(A, V, *workspace_args(f))  # value, gradient, value's derivative, gradient's derivative
    grad = lambda X: run_grad(second_order, (X,), (0,))[1][0]  # noqa: E731
    eps = 1e-5
    np.testing.assert_allclose(out[1], grad(A), rtol=1e-13)
    np.testing.assert_allclose(out[3], (grad(A + eps * V) - grad(A - eps * V)) / (2 * eps), rtol=1e-6, atol=1e-8)


# ----------------------------------------------------------------------- the runtime kernels
def test_runtime_expm_agrees_with_scipy():
    worst = 0.0
    for k in range(60):
        m = 1 + k % 7
        A = n(m, m)
        A = (np.triu(A) if k % 4 == 1 else np.tril(A) if k % 4 == 2 else A @ A.T if k % 4 == 3 else A)
        A = A / max(np.linalg.norm(A, 1), 1e-300) * 10.0 ** (-4 + 5.7 * (k % 10) / 9)  # 1-norm 1e-4 .. 50
        ref = scipy.linalg.expm(A)
        worst = max(worst, np.linalg.norm(matfuncs.expm(A) - ref, 1) / np.linalg.norm(ref, 1))
        E = n(m, m)
        ref = scipy.linalg.expm_frechet(A, E, compute_expm=False)
        assert np.linalg.norm(matfuncs.expm_frechet(A, E) - ref, 1) <= 1e-13 * np.linalg.norm(ref, 1)
    assert worst < 1e-12  # SciPy's own error is of this order at norm 50 (ours is closer to exact arithmetic)
    S = sym(5) * 3.0  # symmetric: exp through eigh is accurate to rounding
    w, V = np.linalg.eigh(S)
    np.testing.assert_allclose(matfuncs.expm(S), (V * np.exp(w)) @ V.T, rtol=1e-13, atol=1e-13 * np.exp(w.max()))
    np.testing.assert_array_equal(matfuncs.expm(np.diag([1.0, -2.0])), np.diag(np.exp([1.0, -2.0])))
    assert matfuncs.expm(np.zeros((0, 0))).shape == (0, 0)
    assert np.isnan(matfuncs.expm(np.array([[1.0, np.inf], [0.0, 1.0]]))).all()
    f32 = matfuncs.expm(np.eye(3, dtype=np.float32))
    assert f32.dtype == np.float32 and np.allclose(f32, np.e * np.eye(3))


# ---------------------------------------------------------------------------- semantics, errors
def ints_and_scalars(x, k):  # ints as float64 (SciPy, NumPy); a number or a 1-element array is [[exp(a)]]
    return x * (np.sum(expm(k)) + np.sum(scipy.linalg.expm(2.0)) + np.sum(expm(np.array([0.5])))
                + np.sum(np.linalg.solve(k, np.ones(2))) + np.linalg.norm(k, 2))


def empty_norms(x, e):  # NumPy: 0 (LAPACK is not called)
    return x * (np.linalg.norm(e, 2) + np.sum(np.linalg.norm(e, 'nuc', keepdims=True)) + 1.0)


def test_values_follow_scipy_and_numpy():
    k = np.array([[1, 2], [0, 3]])
    value, (g,) = run_grad(ints_and_scalars, (1.5, k), (0,))
    assert np.isclose(value, ints_and_scalars(1.5, k), rtol=1e-14) and np.isclose(g, value / 1.5, rtol=1e-14)
    assert run_grad(empty_norms, (2.0, np.zeros((0, 3))), (0,)) == (2.0, (1.0,))


def bad_stack(a): return np.sum(expm(a))
def bad_vector(a): return np.sum(expm(a))
def bad_rect(a): return np.sum(expm(a))
def bad_full(a): return np.sum(np.linalg.svd(a)[2])
def bad_hermitian(a): return np.sum(np.linalg.svd(a, hermitian=True, compute_uv=False))
def bad_norm_stack(a): return np.sum(np.linalg.norm(a, 2, axis=(1, 2)))
def bad_norm_ord(a): return np.linalg.norm(a, 3)
def bad_cond_rect(a): return np.linalg.cond(a, 1)
def bad_empty_min(a): return np.linalg.norm(a, -2)
def bad_empty_svd(a): return np.sum(np.linalg.svd(a, compute_uv=False))


@pytest.mark.parametrize("fun,arg,message", [
    (bad_stack, np.ones((2, 3, 3)), "stack of matrices"),
    (bad_vector, np.ones(3), "at least two-dimensional"),
    (bad_rect, np.ones((2, 3)), "must be square"),
    (bad_full, np.ones((2, 3)), "pass full_matrices=False"),
    (bad_hermitian, np.eye(2), "hermitian=True is not supported"),
    (bad_norm_stack, np.ones((2, 3, 3)), "ord=2 of a stack of matrices"),
    (bad_norm_ord, np.ones((2, 2)), "invalid norm order 3 for matrices"),
    (bad_cond_rect, np.ones((2, 3)), "must be square"),
    (bad_empty_min, np.ones((0, 3)), "ord=-2 of an empty matrix"),
    (bad_empty_svd, np.ones((3, 0)), "of an empty matrix"),
])
def test_unsupported_matrix_functions_are_located_errors(fun, arg, message):
    with pytest.raises(AdjitError, match=message) as info:
        adjit.grad(fun)(arg)
    assert info.value.loc is not None and info.value.loc.line > 0


def _dlt_null_vector(h, src):
    """A homography's DLT from exact correspondences: A (rows appended, a count known only at run
    time) has a zero singular value, and its null vector is (h, 1) for every h."""
    rows = []
    for k in range(src.shape[0]):
        x, y = src[k]
        w = h[6] * x + h[7] * y + 1.0
        u, v = (h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w
        rows.append(np.array([-x, -y, -1.0, 0.0, 0.0, 0.0, u * x, u * y, u]))
        rows.append(np.array([0.0, 0.0, 0.0, -x, -y, -1.0, v * x, v * y, v]))
    _, s, Vt = np.linalg.svd(np.array(rows))
    return np.sum(Vt[-1] / Vt[-1, -1] * np.arange(1.0, 10.0))


def test_a_rank_deficient_tall_matrix_of_run_time_rows():
    """The square factor's projection term (zero in exact arithmetic) divided by the zero singular
    value was O(1) garbage when the extents are known only at run time ([0.28, -33.9, ...] for the
    exact [1, 2, ..., 8]); it is taken only when the factor is not square, decided where it runs."""
    h = np.array([1.0, 0.1, 0.2, -0.1, 0.9, 0.3, 0.01, 0.02])
    src = np.random.default_rng(1).standard_normal((6, 2))
    _, (g, _) = run_grad(_dlt_null_vector, [h, src], (0, 1))
    np.testing.assert_allclose(g, np.arange(1.0, 9.0), rtol=1e-8)
    _, (g2, _) = run_grad(_dlt_null_vector, [h, src[:5]], (0, 1))  # 10 x 9
    np.testing.assert_allclose(g2, np.arange(1.0, 9.0), rtol=1e-8)
