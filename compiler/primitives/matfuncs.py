"""Matrix functions (issue 12): the matrix exponential and its Fréchet derivative, the singular value
decomposition.

`expm` (scipy.linalg.expm) and `expm_frechet` (L(A, E), the derivative of expm at A in the direction
E: scipy.linalg.expm_frechet's second result) are scaling and squaring with Padé approximants, run by
runtime/matfuncs.py (`_mf.expm`, `_mf.expm_frechet`). Their rules are the Fréchet derivative:

- expm: JVP L(A, dA); VJP with cotangent G, L(A^T, G) (<G, L(A, E)> = <L(A^T, G), E>).
- expm_frechet: linear in E, and the top-right block of expm([[A, E], [0, A]]); so its JVP is the
  top-right block of L(M, [[dA, dE], [0, dA]]) with M = [[A, E], [0, A]], and its VJP takes the
  blocks of L(M^T, [[0, G], [0, 0]]) (dA: the two diagonal blocks, dE: the top-right one; dE alone
  is L(A^T, G), at the order of A). Written with the row itself, so derivatives of any order exist.

The SVD is thin (`full_matrices=False`, k = min(m, n)): three rows, `svd_s` (singular values,
descending), `svd_u` (m x k) and `svd_vh` (k x n), each calling LAPACK (np.linalg.svd, which Numba
binds); CSE merges repeats of a part. The rules are Townsend's (2016, "Differentiating the singular
value decomposition"), with F_ij = 1 / (s_j^2 - s_i^2): the singular values' VJP is U diag(g) V^T,
exact wherever they are distinct, zero ones included; the singular vectors' rules need distinct
singular values, and nonzero ones where U (m > n) or Vh (m < n) has more rows than the matrix's
rank fixes. (Singular vectors are unique up to sign: a program should not depend on the signs.)

The QR factorization is reduced (np.linalg.qr's default mode): `qr_q` (m x k) and `qr_r` (k x n),
k = min(m, n), each calling LAPACK (np.linalg.qr, which Numba binds). Their rules are the standard
ones for a tall or square matrix of full column rank (m >= n; the form refuses a wide one): VJP
[gQ + Q copyltu(M)] R^-T with M = R gR^T - gQ^T Q (copyltu: the symmetric matrix of M's lower
triangle; PyTorch's and Walter's); JVP with X = Q^T dA R^-1 and Ω = tril(X, -1) - tril(X, -1)^T:
dQ = Q Ω + dA R^-1 - Q X, dR = (X - Ω) R. Householder's signs (R's diagonal may be negative) are
locally constant at a full-rank matrix, so these are the derivatives of what LAPACK returns."""
from __future__ import annotations

from .. import shapes as S
from ..errors import AdjitTypeError, ShapeError
from .linalg import _eigh_f, _float_matrix, _masks, _matrix_abstract
from .table import npx, primitive

# ------------------------------------------------------------------------ the matrix exponential


def _frechet_abstract(a, e, **_):
    t = _matrix_abstract("scipy.linalg.expm_frechet")(a)
    _matrix_abstract("scipy.linalg.expm_frechet")(e)
    if a.type.dtype != e.type.dtype:
        raise AdjitTypeError(f"expm_frechet: A is {a.type.dtype} and E {e.type.dtype}", hint="convert both to one float dtype")
    if any(p is not None and q is not None and p != q for p, q in zip(a.shape, e.shape)):
        raise ShapeError(f"expm_frechet: expected A and E to be the same shape, got {tuple(a.shape)} and {tuple(e.shape)}")
    return t


def _n(a):
    """a's order: a number when known, else read at run time."""
    d = a.aval.shape[0]
    return d if d is not None else a.shape[0]


def _block(a, b, c, d):
    """[[a, b], [c, d]] for four n x n matrices."""
    return npx.concatenate(npx.concatenate(a, b, axis=1), npx.concatenate(c, d, axis=1), axis=0)


def _part(m, n, row, col):
    """Block (row, col) of the 2n x 2n matrix m: [:n] or [n:] along each axis."""
    half = (("slice", None, 1, None), ("slice", 1, None, None))
    return m.builder.emit_vars("getitem", (m, n), {"index": (half[row], half[col])})


def _frechet_vjp(g, y, a, e):
    n = _n(a)
    zero = npx.zeros_like(a)
    m = _block(a, e, zero, a)
    bar = npx.expm_frechet(m.T, _block(zero, g, zero, zero))
    return _part(bar, n, 0, 0) + _part(bar, n, 1, 1), npx.expm_frechet(a.T, g)


def _frechet_jvp(t, y, a, e):
    if t[0] is None:  # linear in E
        return npx.expm_frechet(a, t[1])
    zero = npx.zeros_like(a)
    dm = _block(t[0], zero if t[1] is None else t[1], zero, t[0])
    return _part(npx.expm_frechet(_block(a, e, zero, a), dm), _n(a), 0, 1)


primitive("expm", _matrix_abstract("scipy.linalg.expm"), params=("A",),
          readable="scipy.linalg.expm({0})", lowered="_mf.expm({0})",
          vjp=lambda g, y, a: (npx.expm_frechet(a.T, g),),
          jvp=lambda t, y, a: npx.expm_frechet(a, t[0]))
primitive("expm_frechet", _frechet_abstract, params=("A", "E"),
          readable="scipy.linalg.expm_frechet({0}, {1}, compute_expm=False)", lowered="_mf.expm_frechet({0}, {1})",
          vjp=_frechet_vjp, jvp=_frechet_jvp)


# ------------------------------------------------------------------------------------- the SVD


def _matrix(x, what):
    """The checks of the SVD rows (linalg._float_matrix: one float matrix, any shape)."""
    m, n = _float_matrix(x, what)
    return m, n, (None if m is None or n is None else min(m, n))


def _svd_abstract(part):
    def abstract(x, **_):
        m, n, k = _matrix(x, "np.linalg.svd")
        return S.make(x.type.dtype, {"s": (k,), "u": (m, k), "vh": (k, n)}[part])
    return abstract


def _tall(x):
    """Whether x (m x n) may have more rows than columns (the extents unknown: perhaps)."""
    m, n = x.aval.shape
    return m is None or n is None or m > n


def _wide(x):
    m, n = x.aval.shape
    return m is None or n is None or m < n


def _known(x) -> bool:
    return None not in x.aval.shape


def _if_more(big, s, term):
    """term where the factor `big` (U of shape (m, k) or Vh of shape (k, n)) has more than k rows
    or columns, else 0, decided when the function runs (extents unknown when compiled). For a
    square factor the projection term is zero in exact arithmetic, but computed it is rounding
    noise divided by the singular values: O(1) garbage where one of them is 0 (a rank-deficient
    tall matrix: the DLT's exact null vector)."""
    k = npx.size(s)
    return npx.where(npx.size(big) > k * k, term, 0.0)


def _row(s):
    return npx.expand_dims(s, axis=(0,))


def _col(s):
    return npx.expand_dims(s, axis=(1,))


def _svd_u_vjp(g, u, x):  # A-bar = U (F o (U^T G - G^T U)) S V^T + (I - U U^T) G S^-1 V^T
    s, vh = npx.svd_s(x), npx.svd_vh(x)
    j = _eigh_f(s * s) * (u.T @ g - g.T @ u)
    inner = u @ (j * _row(s))
    if _tall(x):
        term = (g - u @ (u.T @ g)) / _row(s)
        inner = inner + (term if _known(x) else _if_more(u, s, term))
    return (inner @ vh,)


def _svd_vh_vjp(g, vh, x):  # V-bar = G^T: A-bar = U S (F o (V^T V-bar - V-bar^T V)) V^T + U S^-1 V-bar^T (I - V V^T)
    s, u = npx.svd_s(x), npx.svd_u(x)
    k = _eigh_f(s * s) * (vh @ g.T - g @ vh.T)
    inner = (_col(s) * k) @ vh
    if _wide(x):
        term = (g - (g @ vh.T) @ vh) / _col(s)
        inner = inner + (term if _known(x) else _if_more(vh, s, term))
    return (u @ inner,)


def _dp(t, x):
    """U^T dA V, the perturbation in the singular bases."""
    return npx.svd_u(x).T @ t @ npx.svd_vh(x).T


def _svd_u_jvp(t, u, x):  # dU = U (F o (dP S + S dP^T)) + (I - U U^T) dA V S^-1
    s, dp = npx.svd_s(x), _dp(t[0], x)
    du = u @ (_eigh_f(s * s) * (dp * _row(s) + _col(s) * dp.T))
    if _tall(x):
        dav = t[0] @ npx.svd_vh(x).T
        term = (dav - u @ (u.T @ dav)) / _row(s)
        du = du + (term if _known(x) else _if_more(u, s, term))
    return du


def _svd_vh_jvp(t, vh, x):  # dVh = -(F o (S dP + dP^T S)) Vh + S^-1 U^T dA (I - V V^T)
    s, dp = npx.svd_s(x), _dp(t[0], x)
    dvh = -((_eigh_f(s * s) * (_col(s) * dp + dp.T * _row(s))) @ vh)
    if _wide(x):
        uda = npx.svd_u(x).T @ t[0]
        term = (uda - (uda @ vh.T) @ vh) / _col(s)
        dvh = dvh + (term if _known(x) else _if_more(vh, s, term))
    return dvh


primitive("svd_s", _svd_abstract("s"), params=("a",), readable="np.linalg.svd({0}, compute_uv=False)",
          lowered="np.linalg.svd({0}, full_matrices=False)[1]",
          vjp=lambda g, s, x: ((npx.svd_u(x) * _row(g)) @ npx.svd_vh(x),),
          jvp=lambda t, s, x: npx.sum(npx.svd_u(x) * (t[0] @ npx.svd_vh(x).T), axis=(0,), keepdims=False))
primitive("svd_u", _svd_abstract("u"), params=("a",), readable="np.linalg.svd({0}, full_matrices=False)[0]",
          vjp=_svd_u_vjp, jvp=_svd_u_jvp)
primitive("svd_vh", _svd_abstract("vh"), params=("a",), readable="np.linalg.svd({0}, full_matrices=False)[2]",
          vjp=_svd_vh_vjp, jvp=_svd_vh_jvp)


# ------------------------------------------------------------------------ the QR factorization
def _qr_abstract(part):
    def abstract(x, **_):
        m, n = _float_matrix(x, "np.linalg.qr")
        k = None if m is None or n is None else min(m, n)
        return S.make(x.type.dtype, (m, k) if part == "q" else (k, n))
    return abstract


def _copyltu(m):
    """The symmetric matrix whose lower triangle is m's."""
    below, diag = _masks(m)
    low = npx.where(below, m, 0.0)
    return low + low.T + npx.where(diag, m, 0.0)


def _qr_vjp(gq, gr, a):
    q, r = npx.qr_q(a), npx.qr_r(a)
    m = -(gq.T @ q) if gr is None else r @ gr.T
    b = q @ _copyltu(m) if gq is None else gq + q @ _copyltu(m)
    return (npx.solve(r, b.T).T,)  # b R^-T


def _qr_jvp(t, a, part):
    q, r = npx.qr_q(a), npx.qr_r(a)
    ar = npx.solve(r.T, t[0].T).T  # dA R^-1
    x = q.T @ ar
    below, _ = _masks(x)
    low = npx.where(below, x, 0.0)
    omega = low - low.T
    return q @ omega + (ar - q @ x) if part == "q" else (x - omega) @ r


primitive("qr_q", _qr_abstract("q"), params=("a",), readable="np.linalg.qr({0})[0]",
          vjp=lambda g, y, a: _qr_vjp(g, None, a), jvp=lambda t, y, a: _qr_jvp(t, a, "q"))
primitive("qr_r", _qr_abstract("r"), params=("a",), readable="np.linalg.qr({0})[1]",
          vjp=lambda g, y, a: _qr_vjp(None, g, a), jvp=lambda t, y, a: _qr_jvp(t, a, "r"))
