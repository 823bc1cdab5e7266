"""Eigenvalues of a general real matrix (np.linalg.eigvals, the values of np.linalg.eig; was the
located error 'the eigenvalues of a general (non-symmetric) matrix are complex and not supported'):
a complex pair of the rows eig_re and eig_im (LAPACK's dgeev, NumPy's values in NumPy's order),
first derivatives exact for distinct eigenvalues; the rule rows' second derivatives and the
eigenvectors are located errors. The rows' own finite-difference and dot-product tests are in
primitive_cases_linalg.py (test_primitives.py compiles eig_im's: the compiled dgeev call's values,
in NumPy's order, against NumPy's to 1e-12 with random weights). Run as Python."""
import numpy as np
import pytest
import scipy.linalg

import adjit
from conftest import check_against_fd


def stability_margin(k, c):  # a damped oscillator's Jacobian: a conjugate pair, or two real eigenvalues
    J = np.array([[0.0, 1.0], [-k, -c]])
    lam = np.linalg.eigvals(J)
    return np.max(lam.real) + 0.1 * np.sum(lam.imag ** 2)


def spectral_terms(A):
    w, _ = np.linalg.eig(A @ A.T * 0.1 + A)
    v = scipy.linalg.eigvals(A)  # the same LAPACK call: NumPy's values
    return np.max(np.abs(w)) + np.sum(w.real ** 2) + np.sum(np.angle(w) ** 2) + np.prod(w).real + np.sum(v.imag ** 2)


def uses_the_vectors(A):
    w, V = np.linalg.eig(A)
    return np.sum(V.real)


def test_eigenvalues_of_general_matrices():
    A = np.random.default_rng(5).standard_normal((4, 4))
    check_against_fd(spectral_terms, [A], (0,), compiled=False)
    for k, c in ((2.0, 0.5), (1.0, 3.0)):  # complex pair; two real eigenvalues
        check_against_fd(stability_margin, [k, c], (0, 1), compiled=False)


def test_what_is_not_supported_is_located():
    A = np.random.default_rng(1).standard_normal((3, 3))
    with pytest.raises(adjit.AdjitError, match="eigenvectors of np.linalg.eig") as e:
        adjit.grad(uses_the_vectors)(A)
    assert e.value.loc is not None
    with pytest.raises(adjit.AdjitError, match="second derivative of np.linalg.eigvals") as e:
        adjit.hvp(spectral_terms)(A, np.ones_like(A))
    assert e.value.loc is not None


def test_the_compiled_dgeev_call_is_numpys():
    """runtime/eigen.py's dgeev call (raw buffers handed to LAPACK) as compiled code: NumPy's
    eigenvalues bit for bit, in NumPy's order, sizes 1 to 7 (conjugate pairs included)."""
    import numba

    from adjit.runtime import eigen

    @numba.njit
    def parts(a):
        return eigen.eig_re(a), eigen.eig_im(a)

    rng = np.random.default_rng(4)
    for n in range(1, 8):
        a = rng.standard_normal((n, n))
        re, im = parts(a)
        w = np.linalg.eig(a)[0]
        assert np.array_equal(re, np.real(w)) and np.array_equal(im, np.imag(w))
    f = np.asfortranarray(a)
    assert np.array_equal(parts(f)[0], re) and np.array_equal(f, a)  # any layout; dgeev writes into a copy
    a[0, 1] = np.nan
    with pytest.raises(np.linalg.LinAlgError, match="infs or NaNs"):  # NumPy's check, before LAPACK
        parts(a)


def generalized(A):
    return np.sum(scipy.linalg.eigvals(A, A.T @ A).real)


def test_the_generalized_problem_is_located():
    with pytest.raises(adjit.AdjitError, match="generalized problem") as e:
        adjit.grad(generalized)(np.eye(3) + 0.1)
    assert e.value.loc is not None and "np.linalg.solve(b, a)" in str(e.value)
