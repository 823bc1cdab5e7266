"""Linear algebra rows: matmul (batched, as NumPy's `@`), outer, and the matrix functions that call
LAPACK through what Numba binds (solve, inv, det, slogdet, cholesky, eigh), with the standard
matrix-calculus rules.

The IR's values are arrays and numbers (a tuple is never differentiable), so the functions NumPy
returns as a pair are one row per part: `slogdet` (log|det|) and `slogdet_sign`, `eigh_w`
(eigenvalues) and `eigh_v` (eigenvectors); the frontend's forms (frontend/forms/linalg.py) return
the pair as a Python tuple. Both parts call the LAPACK routine; CSE merges repeated calls of a part.

`cholesky` and `eigh` read the lower triangle only (NumPy's default, and Numba's): their rules give
the derivative with respect to that triangle (the upper one gets zero), exact for non-symmetric
inputs too; for a symmetric input built from other values the chain rule adds both halves. The
`eigh` rules assume distinct eigenvalues (F_ij = 1/(w_j - w_i) is infinite otherwise)."""
from __future__ import annotations

import numpy as np

from .. import shapes as S
from ..errors import AdjitTypeError, ShapeError
from .table import CUSTOM, _tsum, npx, primitive

_FLOATS = ("float32", "float64")


# ------------------------------------------------------------------------------------- matmul


def _matmul_abstract(x, y, **_):
    if x.type.kind != "array" or y.type.kind != "array":
        raise AdjitTypeError("matmul: an operand is a number (0-D); @ / np.matmul take arrays",
                             hint="multiply by a number with *")
    t = S.promote(x.type, y.type)
    if t.dtype not in _FLOATS:
        raise AdjitTypeError(f"@ / matmul / dot needs float arrays, got {x.type.dtype} and {y.type.dtype}",
                             hint="convert with .astype(np.float64)")
    xs, ys = tuple(x.shape), tuple(y.shape)
    k1 = xs[-1]
    k2 = ys[0] if len(ys) == 1 else ys[-2]
    if k1 is not None and k2 is not None and k1 != k2:
        raise ShapeError(f"matmul: inner dimensions differ: {xs} @ {ys}")
    if len(xs) <= 2 and len(ys) <= 2:
        return S.make(t.dtype, xs[:-1] + ys[1:])
    # stacks of matrices: the batch axes (all but the last two) broadcast, a 1-D operand is a row
    # (on the left) or a column (on the right) of every matrix, its axis dropped from the result
    if None in xs[:-2] + ys[:-2]:
        raise ShapeError("matmul of stacks of matrices needs the batch extents when the call is compiled, "
                         f"and they are known only at run time here: {xs} @ {ys}",
                         hint="slice with constant bounds")
    batch = S.broadcast_shapes([xs[:-2], ys[:-2]], "matmul: the batch dimensions of the operands")
    return S.make(t.dtype, batch + xs[-2:-1] + ys[-1:] if len(ys) >= 2 else batch + xs[-2:-1])


def _swap(v):
    """v with its last two axes swapped (the transposes of a stack of matrices)."""
    r = v.rank
    return npx.transpose(v, axes=tuple(range(r - 2)) + (r - 1, r - 2))


def _sum_to(g, shape):
    """g, of a shape `shape` broadcasts to, summed back to `shape` (the VJP of the broadcast)."""
    gshape = tuple(g.aval.shape)
    lead = len(gshape) - len(shape)
    stretched = tuple(lead + k for k, d in enumerate(shape) if d == 1 and gshape[lead + k] != 1)
    if stretched:
        g = npx.sum(g, axis=stretched, keepdims=True)
    if lead:
        g = npx.sum(g, axis=tuple(range(lead)), keepdims=False)
    return g


def _matmul_vjp(g, z, x, y):
    if x.rank <= 2 and y.rank <= 2:
        if x.rank == 2 and y.rank == 2:
            return g @ y.T, x.T @ g
        if x.rank == 2:  # matrix @ vector
            return npx.outer(g, y), x.T @ g
        if y.rank == 2:  # vector @ matrix
            return y @ g, npx.outer(x, g)
        return g * y, g * x  # dot of two vectors
    # stacks: as matrices (a 1-D operand a 1-row / 1-column matrix), then summed over the batch
    # axes an operand was broadcast along
    X = x if x.rank >= 2 else npx.expand_dims(x, axis=(0,))
    Y = y if y.rank >= 2 else npx.expand_dims(y, axis=(1,))
    G = g
    if y.rank == 1:
        G = npx.expand_dims(G, axis=(G.rank,))
    if x.rank == 1:
        G = npx.expand_dims(G, axis=(G.rank - 1,))
    gx = _sum_to(G @ _swap(Y), tuple(x.aval.shape))  # a 1-D x: its row axis is summed as a lead axis
    gy = _swap(X) @ G
    if y.rank == 1:
        gy = npx.sum(gy, axis=(gy.rank - 1,), keepdims=False)
    return gx, _sum_to(gy, tuple(y.aval.shape))


primitive("matmul", _matmul_abstract, sources=("@", np.matmul), vjp=_matmul_vjp, params=("a", "b"),
          readable="{0} @ {1}", lowered=CUSTOM,  # the cached runtime product (runtime/linalg.py)
          jvp=lambda t, z, x, y: _tsum(None if t[0] is None else t[0] @ y, None if t[1] is None else x @ t[1]))


def _outer_abstract(x, y, **_):
    if x.type.rank != 1 or y.type.rank != 1:
        raise AdjitTypeError("np.outer takes two 1-D arrays here")
    return S.make(S.promote(x.type, y.type).dtype, (x.shape[0], y.shape[0]))


primitive("outer", _outer_abstract, sources=(np.outer,), params=("a", "b"), readable="np.outer({0}, {1})",
          lowered=CUSTOM,  # Numba needs one dtype: the narrower operand cast
          vjp=lambda g, z, x, y: (g @ y, x @ g),
          jvp=lambda t, z, x, y: _tsum(None if t[0] is None else npx.outer(t[0], y),
                                       None if t[1] is None else npx.outer(x, t[1])))


# ------------------------------------------------------------------------ matrix functions


def _float_matrix(x, what, kind="one matrix"):
    """The checks every matrix function makes: one float matrix (2-D). Its two extents."""
    if x.type.kind != "array" or x.type.rank != 2:
        rank = x.type.rank if x.type.kind == "array" else 0
        raise ShapeError(f"{what} takes a 2-D array ({kind}) here, got a {rank}-D one",
                         hint="stacks of matrices (3-D and more) are not supported: loop over the matrices"
                         if rank > 2 else None)
    if x.type.dtype not in _FLOATS:
        raise AdjitTypeError(f"{what} needs a float matrix, got {x.type.dtype}", hint="convert with .astype(np.float64)")
    return x.shape


def _square(x, what):
    """_float_matrix, square."""
    n, m = _float_matrix(x, what, "one square matrix")
    if n is not None and m is not None and n != m:
        raise ShapeError(f"{what}: Last 2 dimensions of the array must be square, got {tuple(x.shape)}")
    return n


def _matrix_abstract(what):
    return lambda x, **_: (_square(x, what), S.make(x.type.dtype, tuple(x.shape)))[1]


def _scalar_abstract(what):
    return lambda x, **_: (_square(x, what), S.make(x.type.dtype, ()))[1]


def _solve_abstract(a, b, **_):
    n = _square(a, "np.linalg.solve")
    if b.type.kind != "array" or b.type.rank not in (1, 2):
        raise ShapeError("np.linalg.solve: b must be a 1-D or 2-D array here",
                         hint="stacks of systems (3-D and more) are not supported: loop over them")
    if b.type.dtype != a.type.dtype:
        raise AdjitTypeError(f"np.linalg.solve: a is {a.type.dtype} and b {b.type.dtype}",
                             hint="convert both to one float dtype")
    if n is not None and b.shape[0] is not None and b.shape[0] != n:
        raise ShapeError(f"np.linalg.solve: b has {b.shape[0]} rows for a {n}x{n} matrix")
    return S.make(a.type.dtype, (a.shape[0],) + tuple(b.shape[1:]))


def _solve_vjp(g, x, a, b):  # x = a^-1 b: b̄ = a^-T g, ā = -b̄ x^T
    gb = npx.solve(a.T, g)
    return -(npx.outer(gb, x) if x.rank == 1 else gb @ x.T), gb


def _solve_jvp(t, x, a, b):  # dx = a^-1 (db - da x)
    return npx.solve(a, _tsum(t[1], None if t[0] is None else -(t[0] @ x)))


primitive("solve", _solve_abstract, sources=(np.linalg.solve,), params=("a", "b"),
          readable="np.linalg.solve({0}, {1})", vjp=_solve_vjp, jvp=_solve_jvp)
primitive("inv", _matrix_abstract("np.linalg.inv"), sources=(np.linalg.inv,), params=("a",),
          readable="np.linalg.inv({0})",
          vjp=lambda g, y, x: (-(y.T @ g @ y.T),),
          jvp=lambda t, y, x: -(y @ t[0] @ y))


def _trace_of(m, t):
    """sum(m * t): trace(m^T t)."""
    return npx.sum(m * t, axis=(0, 1), keepdims=False)


# det's derivative is the cofactor matrix C = det(a) inv(a).T, finite where a is singular too: a row
# of its own (runtime/linalg.cofactor: LU with partial pivoting and the triangular factor's adjugate,
# no division by a pivot), so a singular matrix's gradient is exact where inv would raise. C's own
# derivative, (sum(C * da) C - C da.T C) / det(a) where a is regular, is a row too, cofactor_jvp
# (runtime/linalg.cofactor_jvp: through the SVD, no division), so det's Hessian and hvp are exact at
# a singular a; that linear map is its own adjoint (C's VJP is the same row). Its derivative in a
# (det's third) divides by det(a): nan at a singular a, third order only.
primitive("det", _scalar_abstract("np.linalg.det"), sources=(np.linalg.det,), params=("a",),
          readable="np.linalg.det({0})",
          vjp=lambda g, y, x: (g * npx.cofactor(x),),
          jvp=lambda t, y, x: _trace_of(npx.cofactor(x), t[0]))
primitive("cofactor", _matrix_abstract("the cofactor matrix"), params=("a",),
          readable="(lambda u, s, vh: np.linalg.det(u @ vh) * (u * np.prod(np.where(np.eye(len(s), dtype=bool), 1.0, s), "
                   "axis=1)) @ vh)(*np.linalg.svd({0}))",
          lowered="_la.cofactor({0})",
          vjp=lambda g, c, x: (npx.cofactor_jvp(x, g),),
          jvp=lambda t, c, x: npx.cofactor_jvp(x, t[0]))


def _cofactor_jvp_abstract(a, t, **_):
    n = _square(a, "the cofactor matrix's derivative")
    if t.type.kind != "array" or t.type.rank < 2 or t.type.dtype != a.type.dtype or \
            (n is not None and any(e is not None and e != n for e in t.shape[-2:])):
        raise ShapeError(f"the cofactor matrix's derivative: a direction of shape {tuple(t.shape)} for a "
                         f"{tuple(a.shape)} matrix")
    return S.make(t.type.dtype, tuple(t.shape))


def _cofactor_second(x, t, s):
    """d/dx cofactor_jvp(x, t) along s: det(x) times the six terms of the derivative of
    det(x) (tr(B t) B^T - (B t B)^T), B = inv(x) (written C^T / det(x))."""
    c = npx.cofactor(x)
    d = npx.det(x)
    b = c.T / d
    btb, bsb = b @ t @ b, b @ s @ b
    tr_t, tr_s = _trace_of(b.T, t), _trace_of(b.T, s)
    return d * (tr_s * tr_t * b.T - tr_s * btb.T - _trace_of(btb.T, s) * b.T - tr_t * bsb.T
                + (bsb @ t @ b).T + (btb @ s @ b).T)


def _cofactor_second_vjp(g, x, t):
    """The cotangent of x in <g, cofactor_jvp(x, t)>: the adjoint of _cofactor_second in s."""
    c = npx.cofactor(x)
    d = npx.det(x)
    b = c.T / d
    btb, bgb = b @ t @ b, b @ g @ b
    tr_t, g_b = _trace_of(b.T, t), _trace_of(g, b.T)
    return d * (tr_t * g_b * b.T - _trace_of(g, btb.T) * b.T - g_b * btb.T - tr_t * bgb.T
                + (btb @ g @ b).T + (bgb @ t @ b).T)


primitive("cofactor_jvp", _cofactor_jvp_abstract, params=("a", "t"),
          readable="(lambda a, t: (lambda u, s, vh: (lambda p, x: np.linalg.det(u @ vh) * (u @ (np.eye(len(s)) * "
                   "(np.diagonal(x, axis1=-2, axis2=-1) @ p)[..., None, :] - np.swapaxes(x, -1, -2) * p) @ vh))"
                   "((1 - np.eye(len(s))) * np.prod(np.where(np.logical_or(np.eye(len(s), "
                   "dtype=bool)[:, None, :], np.eye(len(s), dtype=bool)[None, :, :]), 1.0, s), axis=2), u.T @ t @ vh.T))(*np.linalg.svd(a)))"
                   "({0}, {1})",
          lowered="_la.cofactor_jvp({0}, {1})",
          vjp=lambda g, y, x, t: (_cofactor_second_vjp(g, x, t), npx.cofactor_jvp(x, g)),
          jvp=lambda tt, y, x, t: _tsum(None if tt[0] is None else _cofactor_second(x, t, tt[0]),
                                        None if tt[1] is None else npx.cofactor_jvp(x, tt[1])))
# np.linalg.slogdet(a) is (sign, logabsdet): two rows (frontend/forms/linalg.py makes the pair)
primitive("slogdet", _scalar_abstract("np.linalg.slogdet"), params=("a",),
          readable="np.linalg.slogdet({0})[1]",
          vjp=lambda g, y, x: (g * npx.inv(x).T,),
          jvp=lambda t, y, x: _trace_of(npx.inv(x).T, t[0]))
primitive("slogdet_sign", _scalar_abstract("np.linalg.slogdet"), params=("a",), differentiable=False,
          readable="np.linalg.slogdet({0})[0]")


def _masks(x):
    """(below, diagonal): boolean masks of the square matrix x's strict lower triangle and diagonal."""
    n = x.aval.shape[-1]
    stop = n if n is not None else x.shape[x.rank - 1]
    i = x.builder.emit_vars("arange", (0, stop, 1), {})  # npx needs a Var operand to find the builder
    r = npx.expand_dims(i, axis=(1,))
    return r > i, r == i


def _phi(x):
    """Φ(x): the lower triangle with half the diagonal (Murray 2016)."""
    below, diag = _masks(x)
    return npx.where(below, x, npx.where(diag, 0.5 * x, 0.0))


def _on_lower(g):
    """A gradient g for symmetric perturbations, as the gradient of a function of the lower triangle
    alone (what LAPACK reads): tril(g + g^T) - diag(g); zero above the diagonal."""
    below, diag = _masks(g)
    return npx.where(below, g + g.T, npx.where(diag, g, 0.0))


def _symmetric(t):
    """The symmetric perturbation a tangent of the lower triangle stands for."""
    below, diag = _masks(t)
    return npx.where(npx.logical_or(below, diag), t, t.T)


def _cholesky_vjp(g, l, a):  # G = L^-T Φ(L^T ḡ) L^-1, on the lower triangle
    x = npx.solve(l.T, _phi(l.T @ g))
    return (_on_lower(npx.solve(l.T, x.T).T),)


def _cholesky_jvp(t, l, a):  # dL = L Φ(L^-1 dA L^-T)
    x = npx.solve(l, _symmetric(t[0]))
    return l @ _phi(npx.solve(l, x.T).T)


primitive("cholesky", _matrix_abstract("np.linalg.cholesky"), sources=(np.linalg.cholesky,), params=("a",),
          readable="np.linalg.cholesky({0})", vjp=_cholesky_vjp, jvp=_cholesky_jvp)


def _eigh_f(w):
    """F_ij = 1 / (w_j - w_i), zero on the diagonal."""
    d = npx.expand_dims(w, axis=(0,)) - npx.expand_dims(w, axis=(1,))
    _, diag = _masks(d)
    return npx.where(diag, 0.0, 1.0 / npx.where(diag, 1.0, d))


def _eigh_w_abstract(x, **_):
    n = _square(x, "np.linalg.eigh")
    return S.make(x.type.dtype, (n,))


primitive("eigh_w", _eigh_w_abstract, params=("a",), readable="np.linalg.eigh({0})[0]",
          vjp=lambda g, w, x: (_on_lower((npx.eigh_v(x) * g) @ npx.eigh_v(x).T),),
          jvp=lambda t, w, x: npx.sum(npx.eigh_v(x) * (_symmetric(t[0]) @ npx.eigh_v(x)), axis=(0,), keepdims=False))
primitive("eigh_v", _matrix_abstract("np.linalg.eigh"), params=("a",), readable="np.linalg.eigh({0})[1]",
          vjp=lambda g, v, x: (_on_lower(v @ (_eigh_f(npx.eigh_w(x)) * (v.T @ g)) @ v.T),),
          jvp=lambda t, v, x: v @ (_eigh_f(npx.eigh_w(x)) * (v.T @ _symmetric(t[0]) @ v)))


# ------------------------------------------------------------------------ pseudo-inverse
def _pinv_abstract(x, rcond, **_):
    m, n = _float_matrix(x, "np.linalg.pinv")
    return S.make(x.type.dtype, (n, m))


def _pinv_vjp(g, y, a, rcond):
    """Golub and Pereyra's derivative of y = A+, exact where the rank is constant around A (full
    rank): -y^T g y^T + (I - A y) g^T y y^T + y^T y g^T (I - y A), the projections multiplied out."""
    gt = g.T
    p = gt @ (y @ y.T)
    q = (y.T @ y) @ gt
    return -(y.T @ g @ y.T) + (p - a @ (y @ p)) + (q - (q @ y) @ a), None


def _pinv_jvp(t, y, a, rcond):
    """dy = -y dA y + y y^T dA^T (I - A y) + (I - y A) dA^T y^T y."""
    dt = t[0].T
    p = (y @ y.T) @ dt
    q = dt @ (y.T @ y)
    return -(y @ t[0] @ y) + (p - (p @ a) @ y) + (q - y @ (a @ q))


# np.linalg.pinv(a, rcond): singular values below rcond times the largest are dropped (NumPy's and
# Numba's rule); the form (frontend/forms/pseudo.py) reads rcond / rtol, a number known when compiled. Where A's rank changes under
# a perturbation pinv jumps: the rules are the derivative along perturbations that keep the rank.
primitive("pinv", _pinv_abstract, params=("a", "rcond"), nondiff_inputs=(1,), readable="np.linalg.pinv({0}, rcond={1})",
          lowered="np.linalg.pinv({0}, {1})", vjp=_pinv_vjp, jvp=_pinv_jvp)


# Whether np.linalg.cholesky / np.linalg.inv (solve) of a raises LinAlgError, by calling it (runtime/checks.py):
# the test of a `try: ... except np.linalg.LinAlgError:` (frontend/trystmt.py); a bool, no derivative.
def _ok_abstract(what):
    return lambda a, **_: (_square(a, what), S.make("bool", ()))[1]


def cholesky_ok(a) -> bool:
    """Whether np.linalg.cholesky(a) returns: NumPy's answer, for a matrix known when compiled (the
    generated code calls runtime/checks.py's, the same LAPACK routine, by its readable `_chk.`)."""
    try:
        np.linalg.cholesky(a)
        return True
    except np.linalg.LinAlgError:
        return False


def lu_ok(a) -> bool:
    """Whether np.linalg.inv(a) (and np.linalg.solve(a, b)) returns: False for an exactly singular a."""
    try:
        np.linalg.inv(a)
        return True
    except np.linalg.LinAlgError:
        return False


primitive("cholesky_ok", _ok_abstract("np.linalg.cholesky"), sources=(cholesky_ok,), params=("a",),
          differentiable=False, readable="_chk.cholesky_ok({0})")
primitive("lu_ok", _ok_abstract("np.linalg.inv"), sources=(lu_ok,), params=("a",), differentiable=False,
          readable="_chk.lu_ok({0})")
