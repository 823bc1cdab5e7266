"""Matrix functions for generated code, compiled by Numba: the matrix exponential and its Fréchet
derivative (compiler/primitives/matfuncs.py's `expm` and `expm_frechet` rows; the generated modules
import this module as `_mf`).

`expm` is scaling and squaring with a Padé approximant as SciPy's `scipy.linalg.expm` computes it
(Al-Mohy and Higham 2009, "A new scaling and squaring algorithm for the matrix exponential": the
degree and the number of squarings chosen from exact 1-norms of powers of A, with the ell(A, m)
correction against overscaling); a diagonal matrix is the exponential of its diagonal, and a
triangular one keeps its diagonal and first superdiagonal exact while squaring (their Code Fragment
2.1). `expm_frechet` is Al-Mohy and Higham's 2009 scaling-Padé-squaring algorithm for L(A, E), the
derivative of expm at A in the direction E (as `scipy.linalg.expm_frechet`). Both compute in float64
(a float32 matrix is converted, the result converted back); products are BLAS calls, the one linear
system an LU factorization with partial pivoting written as loops (Numba's np.linalg.solve takes
about 15 s to compile). A matrix with a NaN or an infinity gives a matrix of NaNs.

Compile time shapes this module: the helpers have explicit signatures (a constant argument would
otherwise compile a version per value), elementwise work is loops (array expressions compile
slowly), and the kernels are compiled once, cached, behind C entry points (see below).
Agreement with SciPy, checked on random matrices of order 1-8 and 1-norm 1e-4..50 (normal, upper
and lower triangular, symmetric, non-normal): within 4e-12 of scipy.linalg.expm in relative 1-norm,
and closer to a 40-digit reference (mpmath) than SciPy is; expm_frechet within 1e-14 of SciPy's."""
import math

import llvmlite.binding as llvm
import numba
import numpy as np
from llvmlite import ir
from numba import types
from numba.core import cgutils
from numba.extending import intrinsic

from .linalg import pivot_rows

_DEGREES = (3, 5, 7, 9, 13)
# 1 / |c_{2m+1}|, the leading coefficient of the backward-error series (Al-Mohy and Higham 2009, (2.2))
_C = (100800., 10059033600., 4487938430976000., 5914384781877411840000., 113250775606021113483283660800000000.)
# theta_m of Al-Mohy and Higham 2009 (expm), Table 3.1
_THETA = (1.495585217958292e-2, 2.539398330063230e-1, 9.504178996162932e-1, 2.097847961257068e0, 4.25)
# ell_m of Al-Mohy and Higham 2009 (Fréchet derivative), Table 6.1
_ELL = (1.08e-2, 2.00e-1, 7.83e-1, 1.78e0, 4.74e0)


# the coefficients b_0..b_m of the Padé approximants r_m (Higham 2005), m = 3, 5, 7, 9, 13
_B3 = (120., 60., 12., 1.)
_B5 = (30240., 15120., 3360., 420., 30., 1.)
_B7 = (17297280., 8648640., 1995840., 277200., 25200., 1512., 56., 1.)
_B9 = (17643225600., 8821612800., 2075673600., 302702400., 30270240., 2162160., 110880., 3960., 90., 1.)
_B13 = (64764752532480000., 32382376266240000., 7771770303897600., 1187353796428800., 129060195264000.,
        10559470521600., 670442572800., 33522128640., 1323241920., 40840800., 960960., 16380., 182., 1.)


@numba.njit("f8[::1](i8)", cache=True, nogil=True)
def _pade(k):
    """b_0..b_m of r_m, m = _DEGREES[k], then zeros: an array made here (a global array would keep
    Numba from caching its callers, np.array of a tuple costs seconds of compile time)."""
    b = np.zeros(14)
    if k == 0:
        for i in range(len(_B3)):
            b[i] = _B3[i]
    elif k == 1:
        for i in range(len(_B5)):
            b[i] = _B5[i]
    elif k == 2:
        for i in range(len(_B7)):
            b[i] = _B7[i]
    elif k == 3:
        for i in range(len(_B9)):
            b[i] = _B9[i]
    else:
        for i in range(len(_B13)):
            b[i] = _B13[i]
    return b


@numba.njit("f8[:, ::1](f8, f8[:, ::1], f8, f8[:, ::1])", cache=True, nogil=True)
def _lin(a, x, b, y):
    """a x + b y for two matrices of one shape (a loop: array expressions cost compile time)."""
    n, m = x.shape
    out = np.empty((n, m))
    for i in range(n):
        for j in range(m):
            out[i, j] = a * x[i, j] + b * y[i, j]
    return out


@numba.njit("f8[:, ::1](f8[:, ::1], f8[:, ::1])", cache=True, nogil=True)
def _mm(a, b):
    """a @ b of two C-contiguous float64 matrices (one signature: one BLAS binding compiled)."""
    return a @ b


@numba.njit("f8[:, ::1](f8[:, ::1], f8[:, ::1])", cache=True, nogil=True)
def _solve(q, p):
    """q^-1 p by LU with partial pivoting (as LAPACK's getrf/getrs), written as loops: Numba's
    np.linalg.solve costs about 15 s to compile (cold), once per caller that links it."""
    n, m = q.shape[0], p.shape[1]
    lu = q.copy()
    x = p.copy()
    for k in range(n):
        piv = pivot_rows(lu, k)
        if piv != k:
            for j in range(m):
                x[k, j], x[piv, j] = x[piv, j], x[k, j]
        d = lu[k, k]
        if d == 0.0:
            continue  # singular: inf / nan follow, as LAPACK's
        for i in range(k + 1, n):
            f = lu[i, k] / d
            lu[i, k] = f
            if f != 0.0:
                for j in range(k + 1, n):
                    lu[i, j] -= f * lu[k, j]
                for j in range(m):
                    x[i, j] -= f * x[k, j]
    for k in range(n - 1, -1, -1):
        for j in range(m):
            v = x[k, j]
            for i in range(k + 1, n):
                v -= lu[k, i] * x[i, j]
            x[k, j] = v / lu[k, k]
    return x


@numba.njit("f8[:, ::1](f8[:], f8[:, :, ::1], i8, i8)", cache=True, nogil=True)
def _comb(c, ms, lo, hi):
    """sum over k of c[k] ms[lo + k], lo + k < hi: with ms the powers I, A^2, A^4... and c every
    second Padé coefficient, V or the W of U = A W."""
    n = ms.shape[1]
    out = np.zeros((n, n))
    for k in range(hi - lo):
        ck = c[k]
        if ck != 0.0:
            for i in range(n):
                for j in range(n):
                    out[i, j] += ck * ms[lo + k, i, j]
    return out


@numba.njit("void(f8[:, :, ::1], i8, f8[:, ::1])", cache=True, nogil=True)
def _put(ms, k, x):
    """ms[k] = x (a loop: Numba's setitem of an array broadcasts, which costs compile time)."""
    n, m = x.shape
    for i in range(n):
        for j in range(m):
            ms[k, i, j] = x[i, j]


@numba.njit("f8(f8[:, ::1])", cache=True, nogil=True)
def _onenorm(a):
    """max over columns of sum |a_ij|."""
    n, m = a.shape
    best = 0.0
    for j in range(m):
        s = 0.0
        for i in range(n):
            s += abs(a[i, j])
        best = max(best, s)
    return best


@numba.njit("i8(f8[:, ::1], f8, i8, f8)", cache=True, nogil=True)
def _ell(a, scale, m, c):
    """Al-Mohy and Higham's ell(2^-s A, m), scale = 2^-s: the extra squarings the bound on
    |2^-s A|^(2m+1) asks for."""
    n = a.shape[0]
    v = np.ones(n)
    for _ in range(2 * m + 1):
        w = np.zeros(n)
        for i in range(n):
            for j in range(n):
                w[j] += abs(a[i, j]) * scale * v[i]  # |A|^T v
        v = w
    big = np.max(v)
    if big == 0.0:
        return 0
    alpha = big / (_onenorm(a) * scale * c)
    return max(int(math.ceil(math.log2(alpha / 2.0 ** -53) / (2 * m))), 0)


@numba.njit("f8(f8, f8)", cache=True, nogil=True)
def _exp_sinch(a, x):
    """exp(a) sinh(x) / x, without cancellation for small x."""
    if abs(x) < 0.0135:
        x2 = x * x
        return math.exp(a) * (1.0 + (x2 / 6.0) * (1.0 + (x2 / 20.0) * (1.0 + x2 / 42.0)))
    return (math.exp(a + x) - math.exp(a - x)) / (2.0 * x)


@numba.njit("f8[:, ::1](f8[:, ::1], f8[:, ::1], i8, b1)", cache=True, nogil=True)
def _square(x, t, s, upper):
    """r_m(2^-s T) squared s times; for an upper triangular T (Code Fragment 2.1) the diagonal and
    first superdiagonal of each exp(2^-i T) are set from their exact formulas."""
    n = x.shape[0]
    if upper:
        for k in range(n):
            x[k, k] = math.exp(2.0 ** -s * t[k, k])
    for i in range(s - 1, -1, -1):
        x = _mm(x, x)
        if upper:
            scale = 2.0 ** -i
            for k in range(n):
                x[k, k] = math.exp(scale * t[k, k])
            for k in range(n - 1):
                l1, l2 = scale * t[k, k], scale * t[k + 1, k + 1]
                x[k, k + 1] = scale * t[k, k + 1] * _exp_sinch(0.5 * (l1 + l2), 0.5 * (l1 - l2))
    return x


@numba.njit("UniTuple(i8, 2)(f8[:, ::1], f8[:, :, ::1])", cache=True, nogil=True)
def _degree(a, p):
    """(k, s): the Padé degree _DEGREES[k] and the number of squarings s for expm(a) (Al-Mohy and
    Higham 2009, Algorithm 5.1 with exact norms), p[j] set to A^2j (j = 0..5, as far as needed;
    scaled by 2^(-2js) for degree 13)."""
    n = a.shape[0]
    for i in range(n):
        p[0, i, i] = 1.0
    _put(p, 1, _mm(a, a))
    _put(p, 2, _mm(p[1], p[1]))
    _put(p, 3, _mm(p[2], p[1]))
    d4 = _onenorm(p[2]) ** 0.25
    d6 = _onenorm(p[3]) ** (1.0 / 6.0)
    d8 = 0.0
    for k in range(4):  # degrees 3, 5, 7, 9
        if k == 2:
            _put(p, 4, _mm(p[2], p[2]))
            d8 = _onenorm(p[4]) ** 0.125
        eta = max(d4, d6) if k < 2 else max(d6, d8)
        if eta <= _THETA[k] and _ell(a, 1.0, _DEGREES[k], _C[k]) == 0:
            return k, 0
    _put(p, 5, _mm(p[2], p[3]))
    eta = min(max(d6, d8), max(d8, _onenorm(p[5]) ** 0.1))
    s = 0 if eta == 0.0 else max(int(math.ceil(math.log2(eta / _THETA[4]))), 0)
    s += _ell(a, 2.0 ** -s, _DEGREES[4], _C[4])
    for j in range(1, 4):  # B^2j = 2^(-2js) A^2j
        _put(p, j, _lin(2.0 ** (-2 * j * s), p[j], 0.0, p[j]))
    return 4, s


@numba.njit("UniTuple(b1, 2)(f8[:, ::1])", cache=True, nogil=True)
def _band(a):
    """(lower, upper): whether a has nonzeros below, above the diagonal."""
    n = a.shape[0]
    lower = upper = False
    for i in range(n):
        for j in range(n):
            if a[i, j] != 0.0:
                if i > j:
                    lower = True
                elif i < j:
                    upper = True
    return lower, upper


@numba.njit("f8[:, ::1](f8[:, ::1], f8[:, ::1])", cache=True, nogil=True)
def _frechet(x, d):
    """L(x, d) for finite float64 C-contiguous matrices x, d of one shape: Al-Mohy and Higham 2009,
    (6.11)-(6.13) and Algorithm 6.4 (as scipy.linalg.expm_frechet)."""
    n = x.shape[0]
    norm = _onenorm(x)
    k = 0
    while k < 4 and norm > _ELL[k]:
        k += 1
    s = 0
    if k == 4:
        s = max(0, int(math.ceil(math.log2(norm / _ELL[4]))))
        x = _lin(2.0 ** -s, x, 0.0, x)
        d = _lin(2.0 ** -s, d, 0.0, d)
    b = _pade(k)
    top = 3 if k == 4 else _DEGREES[k] // 2  # the highest even power used, halved
    p = np.zeros((top + 1, n, n))  # I, A^2, A^4, ...
    dp = np.zeros((top + 1, n, n))  # their derivatives in the direction e: 0, M2, M4, ...
    for i in range(n):
        p[0, i, i] = 1.0
    _put(p, 1, _mm(x, x))
    _put(dp, 1, _lin(1.0, _mm(x, d), 1.0, _mm(d, x)))
    for j in range(2, top + 1):  # A^2j = A^(2j-2) A^2, M_2j = A^(2j-2) M_2 + M_(2j-2) A^2
        _put(p, j, _mm(p[j - 1], p[1]))
        _put(dp, j, _lin(1.0, _mm(p[j - 1], dp[1]), 1.0, _mm(dp[j - 1], p[1])))
    h = top + 1
    if k < 4:
        w = _comb(b[1::2], p, 0, h)
        u = _mm(x, w)
        v = _comb(b[0::2], p, 0, h)
        lu = _lin(1.0, _mm(x, _comb(b[1::2], dp, 0, h)), 1.0, _mm(d, w))
        lv = _comb(b[0::2], dp, 0, h)
    else:  # W = A^6 W1 + W2, U = A W, V = A^6 Z1 + Z2 and their derivatives (Algorithm 6.4)
        w1, z1 = _comb(b[9::2], p, 1, h), _comb(b[8::2], p, 1, h)
        w = _lin(1.0, _mm(p[3], w1), 1.0, _comb(b[1::2], p, 0, h))
        u = _mm(x, w)
        v = _lin(1.0, _mm(p[3], z1), 1.0, _comb(b[0::2], p, 0, h))
        lw = _lin(1.0, _lin(1.0, _mm(p[3], _comb(b[9::2], dp, 1, h)), 1.0, _mm(dp[3], w1)), 1.0,
                  _comb(b[1::2], dp, 0, h))
        lu = _lin(1.0, _mm(x, lw), 1.0, _mm(d, w))
        lv = _lin(1.0, _lin(1.0, _mm(p[3], _comb(b[8::2], dp, 1, h)), 1.0, _mm(dp[3], z1)), 1.0,
                  _comb(b[0::2], dp, 0, h))
    q = _lin(1.0, v, -1.0, u)
    r = _solve(q, _lin(1.0, u, 1.0, v))
    el = _solve(q, _lin(1.0, _lin(1.0, lu, 1.0, lv), 1.0, _mm(_lin(1.0, lu, -1.0, lv), r)))
    for _ in range(s):
        el = _lin(1.0, _mm(r, el), 1.0, _mm(el, r))
        r = _mm(r, r)
    return el


# ------------------------------------------------------------------------------ the entry points
# The kernels run behind C entry points (cfuncs) that generated code calls by symbol name: a Numba
# function calling another links the callee's code into its own and optimizes it again (seconds
# for these kernels, in every generated module); a call through a symbol is opaque, and its cached
# machine code finds the symbol again once this module is imported (as Numba's own helpers are).
_F64P = types.CPointer(types.float64)


@numba.cfunc(types.void(_F64P, _F64P, types.int64), cache=True, nogil=True)
def _expm_c(ptr, out, n):
    """out = expm(a) for the n x n float64 matrices at ptr (finite) and out, C order."""
    a = numba.carray(ptr, (n, n))
    r = numba.carray(out, (n, n))
    lower, upper = _band(a)
    if not lower and not upper:  # diagonal: the exponential of the diagonal
        r[:, :] = 0.0
        for k in range(n):
            r[k, k] = math.exp(a[k, k])
        return
    t = np.ascontiguousarray(a.T) if not upper else a.copy()  # lower triangular: its transpose
    p = np.zeros((6, n, n))
    k, s = _degree(t, p)
    m = _DEGREES[k]
    b = _pade(k)
    if k < 4:
        w = _comb(b[1::2], p, 0, m // 2 + 1)
        v = _comb(b[0::2], p, 0, m // 2 + 1)
    else:  # W = B^6 (b13 B^6 + b11 B^4 + b9 B^2) + b7 B^6 + ... + b1 I, V likewise
        w = _lin(1.0, _mm(p[3], _comb(b[9::2], p, 1, 4)), 1.0, _comb(b[1::2], p, 0, 4))
        v = _lin(1.0, _mm(p[3], _comb(b[8::2], p, 1, 4)), 1.0, _comb(b[0::2], p, 0, 4))
    u = _mm(_lin(2.0 ** -s, t, 0.0, t), w)
    x = _square(_solve(_lin(1.0, v, -1.0, u), _lin(1.0, v, 1.0, u)), t, s, not lower or not upper)
    r[:, :] = x if upper else x.T


@numba.cfunc(types.void(_F64P, _F64P, _F64P, types.int64), cache=True, nogil=True)
def _frechet_c(a, e, out, n):
    numba.carray(out, (n, n))[:, :] = _frechet(numba.carray(a, (n, n)), numba.carray(e, (n, n)))


llvm.add_symbol("adjit_runtime_expm", _expm_c.address)
llvm.add_symbol("adjit_runtime_expm_frechet", _frechet_c.address)


def _symbol_codegen(name):
    """Code calling the C function `name` with the data pointers of the (C-contiguous float64)
    matrices passed, the last one written, and the order n of the first."""
    def codegen(context, builder, signature, args):
        ptrs = [context.make_array(t)(context, builder, v) for t, v in zip(signature.args, args)]
        fnty = ir.FunctionType(ir.VoidType(), [ir.DoubleType().as_pointer()] * len(ptrs) + [ir.IntType(64)])
        fn = cgutils.get_or_insert_function(builder.module, fnty, name)
        builder.call(fn, [p.data for p in ptrs] + [builder.extract_value(ptrs[0].shape, 0)])
        return context.get_dummy_value()
    return codegen


@intrinsic
def _call_expm(typingctx, a, out):
    return types.void(a, out), _symbol_codegen("adjit_runtime_expm")


@intrinsic
def _call_frechet(typingctx, a, e, out):
    return types.void(a, e, out), _symbol_codegen("adjit_runtime_expm_frechet")


@numba.njit(cache=True, nogil=True)
def _finite_copy(a):
    """A C-contiguous float64 copy of the matrix a, and whether every element is finite."""
    n, m = a.shape
    x = np.empty((n, m))
    ok = True
    for i in range(n):
        for j in range(m):
            x[i, j] = a[i, j]
            ok = ok and math.isfinite(x[i, j])
    return x, ok


@numba.njit(cache=True, nogil=True)
def expm(a):
    """scipy.linalg.expm(a) for one square float matrix (float32 or float64); a matrix with a NaN or
    an infinity gives NaNs."""
    n = a.shape[0]
    if a.shape[1] != n:
        raise ValueError("expm: the matrix is not square")
    x, ok = _finite_copy(a)
    out = np.empty((n, n))
    if not ok:
        out[:, :] = np.nan
    elif n > 0:
        _call_expm(x, out)
    return out.astype(a.dtype)


@numba.njit(cache=True, nogil=True)
def expm_frechet(a, e):
    """scipy.linalg.expm_frechet(a, e, compute_expm=False): the derivative of expm at the square float
    matrix a in the direction e (of a's shape), in a's dtype."""
    n = a.shape[0]
    if a.shape[1] != n or e.shape[0] != n or e.shape[1] != n:
        raise ValueError("expm_frechet: a and e must be square matrices of one shape")
    x, ok = _finite_copy(a)
    d, ok2 = _finite_copy(e)
    out = np.empty((n, n))
    if not (ok and ok2):
        out[:, :] = np.nan
    elif n > 0:
        _call_frechet(x, d, out)
    return out.astype(a.dtype)
