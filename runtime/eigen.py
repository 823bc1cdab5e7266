"""Eigenvalues of a general real matrix (`np.linalg.eigvals`, the values of `np.linalg.eig`) and the
kernels of their derivative rules (compiler/primitives/linalg.py: `eig_re`, `eig_im` and the rows of
their rules).

NumPy computes them with LAPACK's dgeev on the matrix in Fortran order; Numba's np.linalg.eig of a
real matrix refuses complex eigenvalues, and of a complex copy it calls zgeev, whose eigenvalues
come in another order. So compiled code calls dgeev itself (SciPy's cython_lapack entry, bound by
symbol name as runtime/incomplete.py binds cython_special, so the code stays cacheable), with the
right eigenvectors (jobvr='V', NumPy's np.linalg.eig) and the workspace size LAPACK asks for, as
NumPy does. The readable module runs the same functions as plain NumPy (`np.linalg.eig`): the
values, their order, and the eigenvectors the rules use come from one routine in both.

With A = V diag(w) V^-1 (V the right eigenvectors, complex; A diagonalizable, eigenvalues distinct
for the rules to be finite), dw_i = (V^-1 dA V)_ii, so for a real loss with cotangents gr, gi of
the real and imaginary parts the cotangent of A is Re(V^-T diag(gr) V^T) + Im(V^-T diag(gi) V^T)
(`bar`), and the tangents are Re, Im of diag(V^-1 dA V) (`dot`)."""
from __future__ import annotations

import llvmlite.binding
import numba
import numpy as np
from numba import types
from numba.extending import get_cython_function_address, overload

_PTR = types.uintp


def _bind_dgeev():
    try:
        from .preload import bind_scipy_blas

        bind_scipy_blas()
    except Exception:  # noqa: BLE001 - the plain import below is the fallback
        pass
    llvmlite.binding.add_symbol("adjit_dgeev", get_cython_function_address("scipy.linalg.cython_lapack", "dgeev"))
    return types.ExternalFunction("adjit_dgeev", types.void(*([_PTR] * 14)))


_dgeev = _bind_dgeev()


@numba.njit(cache=True, nogil=True)
def _geev(a):
    """dgeev(jobvl='N', jobvr='V') of a (n x n, float): (wr, wi, vr) with vr's columns in Fortran order."""
    n = a.shape[0]
    if not np.all(np.isfinite(a)):  # NumPy's check before LAPACK
        raise np.linalg.LinAlgError("Array must not contain infs or NaNs")
    af = np.asfortranarray(a.astype(np.float64))
    jobs = np.array([78, 86], dtype=np.uint8)  # 'N', 'V'
    ints = np.array([n, n, 1, n, -1, 0], dtype=np.int32)  # n, lda, ldvl, ldvr, lwork, info
    wr = np.empty(n)
    wi = np.empty(n)
    vl = np.empty(1)
    vr = np.empty((n, n)).T  # Fortran order
    query = np.empty(1)
    _dgeev(jobs.ctypes.data, jobs[1:].ctypes.data, ints.ctypes.data, af.ctypes.data, ints[1:].ctypes.data,
           wr.ctypes.data, wi.ctypes.data, vl.ctypes.data, ints[2:].ctypes.data, vr.ctypes.data,
           ints[3:].ctypes.data, query.ctypes.data, ints[4:].ctypes.data, ints[5:].ctypes.data)
    ints[4] = max(int(query[0]), 4 * n, 1)
    work = np.empty(ints[4])
    _dgeev(jobs.ctypes.data, jobs[1:].ctypes.data, ints.ctypes.data, af.ctypes.data, ints[1:].ctypes.data,
           wr.ctypes.data, wi.ctypes.data, vl.ctypes.data, ints[2:].ctypes.data, vr.ctypes.data,
           ints[3:].ctypes.data, work.ctypes.data, ints[4:].ctypes.data, ints[5:].ctypes.data)
    if ints[5] != 0:
        raise np.linalg.LinAlgError("Eigenvalues did not converge")
    if jobs[0] + vl[0] * 0.0 + af[0, 0] * 0.0 + work[0] * 0.0 != 78:  # keeps every buffer alive to here
        wr[0] = np.nan
    return wr, wi, vr


def _numpy_eig(a):
    w, v = np.linalg.eig(np.asarray(a, dtype=np.float64))
    return np.asarray(w, dtype=np.complex128), np.asarray(v, dtype=np.complex128)


@numba.njit(cache=True, nogil=True)
def _numba_eig(a):
    wr, wi, vr = _geev(a)
    n = wr.shape[0]
    w = wr + 1j * wi
    v = np.empty((n, n), dtype=np.complex128)
    j = 0
    while j < n:
        if wi[j] == 0.0 or j + 1 == n:
            for i in range(n):
                v[i, j] = vr[i, j]
            j += 1
        else:  # a conjugate pair: columns j and j + 1 hold the real and imaginary parts
            for i in range(n):
                v[i, j] = vr[i, j] + 1j * vr[i, j + 1]
                v[i, j + 1] = vr[i, j] - 1j * vr[i, j + 1]
            j += 2
    return w, v


def eig(a):
    """(w, V), complex: np.linalg.eig of the real matrix a (NumPy's, as plain Python; dgeev, compiled)."""
    return _numpy_eig(a)


@overload(eig, jit_options={"cache": True, "nogil": True})
def _eig_overload(a):
    return lambda a: _numba_eig(a)


def eig_re(a):
    """The eigenvalues' real parts, in LAPACK's order."""
    return eig(a)[0].real.copy()


def eig_im(a):
    """The eigenvalues' imaginary parts (zero for a real eigenvalue, +- for a conjugate pair)."""
    return eig(a)[0].imag.copy()


def bar(a, gr, gi):
    """The cotangent of a for cotangents gr, gi of the eigenvalues' real and imaginary parts."""
    w, v = eig(a)
    vi = np.linalg.inv(v)
    g = gr.astype(np.complex128) - 1j * gi.astype(np.complex128)
    m = (vi.T * g.reshape(1, -1)) @ v.T  # V^-T diag(conj(G)) V^T
    return m.real.copy()


def dot(a, t):
    """The tangents (real parts, imaginary parts) of the eigenvalues for a tangent t of a."""
    w, v = eig(a)
    vi = np.linalg.inv(v)
    d = np.sum(vi * (t.astype(np.complex128) @ v).T, axis=1)  # diag(V^-1 t V)
    return d.real.copy(), d.imag.copy()


def bar_re(a, g):
    return bar(a, g, np.zeros_like(g))


def bar_im(a, g):
    return bar(a, np.zeros_like(g), g)


def dot_re(a, t):
    return dot(a, t)[0]


def dot_im(a, t):
    return dot(a, t)[1]


def _itself(f):
    """Compiled code calls f as it is (its body over `eig`'s dgeev): Numba compiles f's own code."""
    params = ", ".join(f.__code__.co_varnames[:f.__code__.co_argcount])
    overload(f, jit_options={"cache": True, "nogil": True})(eval(f"lambda {params}: f", {"f": f}))


for _f in (eig_re, eig_im, bar, dot, bar_re, bar_im, dot_re, dot_im):
    _itself(_f)
