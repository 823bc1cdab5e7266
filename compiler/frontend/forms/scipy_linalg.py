"""scipy.linalg's matrix functions, composed of rows (issue 12: a GP likelihood as scikit-learn
writes it, `c, low = cho_factor(K, lower=True); alpha = cho_solve((c, low), y)`).

- `cho_factor(a, lower=False)`: the pair (c, lower), c the Cholesky factor L (lower) or L.T (upper);
  its other triangle is zeros (SciPy leaves unspecified values there, which a program must not read).
- `cho_solve((c, lower), b)`: two `solve`s with the triangle of c (the other one ignored, as
  SciPy does): L then L.T.
- `cholesky(a, lower=False)`: SciPy's default is the upper factor U = L.T.
- `solve_triangular(a, b, trans=0, lower=False, unit_diagonal=False)`: `solve` with the triangle.
- `lu_factor(a)` then `lu_solve((lu, piv), b, trans=0)`: the pair stands for `a` itself (kept for
  `lu_solve` only: reading `lu` or `piv` is a located error), and `lu_solve` is the `solve` row
  with `a` (`a.T` for trans=1): the same solution, whose derivative the `solve` row has.
- `solve(a, b, lower, assume_a, transposed)`, `inv(a, assume_a, lower)`: NumPy's rows with the part of `a` that
  SciPy's solver reads for `assume_a` (one triangle mirrored for 'sym'/'her'/'pos', a triangle, the diagonal,
  three diagonals); `det`: NumPy's row.
- `expm(A)`: the `expm` row (primitives/matfuncs.py: scaling and squaring, runtime/matfuncs.py);
  `expm_frechet(A, E, compute_expm=True)`: the pair (`expm`, `expm_frechet`) or the derivative alone;
  `svdvals(a)`: `svd_s`."""
from __future__ import annotations

import numpy as np

from ...errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ...primitives.table import Lazy
from .base import FormsBase

FORMS: dict = {
    "cho_factor": ((Lazy("scipy.linalg", "cho_factor"),), (),
                   "(`cholesky(a)`, or for `lower=False` `cholesky(a.T).T`, from the upper triangle, `lower`); the "
                   "unused triangle is zeros"),
    "cho_solve": ((Lazy("scipy.linalg", "cho_solve"),), (), "two triangular `solve`s with the factor's triangle"),
    "scipy_cholesky": ((Lazy("scipy.linalg", "cholesky"),), (), "`cholesky`; the upper factor `cholesky(a.T).T` "
                                                               "(read from the upper triangle) by default (`lower=False`)"),
    "solve_triangular": ((Lazy("scipy.linalg", "solve_triangular"),), (),
                         "`solve` with `a`'s triangle (`lower`, `trans` 0/1/'N'/'T', `unit_diagonal`)"),
    "solve_banded": ((Lazy("scipy.linalg", "solve_banded"),), (),
                     "the `solve` row with the dense matrix the band `ab` stands for (entries outside the band "
                     "ignored, as SciPy does; `(l, u)` known when compiled): the same solution, in O(n^3)"),
    "lu_factor": ((Lazy("scipy.linalg", "lu_factor"),), (),
                  "the pair (lu, piv) standing for `a`, for `lu_solve` only (reading lu or piv is a located error)"),
    "lu_solve": ((Lazy("scipy.linalg", "lu_solve"),), (), "the `solve` row with the factored matrix (`a.T` for "
                                                          "`trans=1`)"),
    "scipy_solve": ((Lazy("scipy.linalg", "solve"),), (),
                    "the `solve` row with the part of `a` SciPy reads for `assume_a` (`'sym'`/`'her'`/`'pos'`: the "
                    "upper triangle mirrored, the lower with `lower=True`; a triangle; the diagonal; three "
                    "diagonals); `transposed=True` solves with its transpose"),
    "scipy_inv": ((Lazy("scipy.linalg", "inv"),), (), "the `inv` row with the part of `a` SciPy reads for `assume_a` "
                                                      "(as `solve`; `'diagonal'` a located error)"),
    "scipy_det": ((Lazy("scipy.linalg", "det"),), (), "the `det` row"),
    "scipy_lstsq": ((Lazy("scipy.linalg", "lstsq"),), (), "np.linalg.lstsq's form with `rcond=cond` (SciPy's default "
                                                          "eps): `(x, residues, rank, s)`, residues not computed; "
                                                          "`lapack_driver` 'gelsd' or 'gelss' (the minimum-norm x)"),
    "scipy_pinv": ((Lazy("scipy.linalg", "pinv"),), (), "np.linalg.pinv's form with `rcond=rtol` (SciPy's default "
                                                        "`max(M, N) eps`); `atol` 0 or None"),
    "scipy_pinvh": ((Lazy("scipy.linalg", "pinvh"),), (), "np.linalg.pinv's form of the symmetric matrix one triangle "
                                                          "makes (`lower`, SciPy's default the lower one); `atol` 0 or "
                                                          "None"),
    "scipy_expm": ((Lazy("scipy.linalg", "expm"),), (),
                   "the `expm` row (a number or a 1-element array: `[[exp(a)]]`); one matrix (not a stack). Its "
                   "derivatives are Fréchet derivatives, `expm_frechet`"),
    "expm_frechet": ((Lazy("scipy.linalg", "expm_frechet"),), (),
                     "the `expm_frechet` row; the pair (`expm`, `expm_frechet`) unless `compute_expm=False`"),
    "scipy_svdvals": ((Lazy("scipy.linalg", "svdvals"),), (), "`svd_s`"),
    "scipy_qr": ((Lazy("scipy.linalg", "qr"),), (), "np.linalg.qr's form: `mode='full'` (a square or, for R alone, "
                                                    "any tall matrix) and `'economic'` the pair (Q, R), `'r'` the "
                                                    "1-tuple (R,) as SciPy returns it; no pivoting"),
    "scipy_svd": ((Lazy("scipy.linalg", "svd"),), (), "np.linalg.svd's form (`full_matrices`, `compute_uv`; "
                                                      "`lapack_driver` and the overwrite/check flags do not change it)"),
}


# assume_a -> the part of `a` SciPy's solver reads (SciPy 1.17's names; see _structured)
_SOLVE_STRUCTURES = {None: "gen", "gen": "gen", "general": "gen", "banded": "gen", "diagonal": "diagonal",
                     "tridiagonal": "tridiagonal", "upper triangular": "upper", "lower triangular": "lower",
                     "sym": "sym", "symmetric": "sym", "her": "sym", "hermitian": "sym", "pos": "sym",
                     "positive definite": "sym"}
_INV_STRUCTURES = {k: v for k, v in _SOLVE_STRUCTURES.items()
                   if k in (None, "gen", "general", "upper triangular", "lower triangular", "sym", "her", "pos")}


class LUFactors:
    """What scipy.linalg.lu_factor(a) returns, kept as `a` itself for lu_solve: adjit does not form
    the factors (their pivoting is not differentiable), so nothing else may read them."""

    def __init__(self, a, part: str):
        self.a, self.part = a, part
        self.__name__ = (f"'{part}' of scipy.linalg.lu_factor (adjit keeps the factored matrix for lu_solve only; "
                         "for log|det| use np.linalg.slogdet)")


class ScipyLinalgForms(FormsBase):
    def form_lu_factor(self, label, args, kwargs, node):
        a, _, _ = self.bind_args(label, ("a", "overwrite_a", "check_finite"), args, kwargs, node, overwrite_a=False,
                                 check_finite=True)
        a = self._linalg_matrix(a, node, label)
        return LUFactors(a, "lu"), LUFactors(a, "piv")

    def form_lu_solve(self, label, args, kwargs, node):
        lu_piv, b, trans, _, _ = self.bind_args(label, ("lu_and_piv", "b", "trans", "overwrite_b", "check_finite"), args,
                                                kwargs, node, trans=0, overwrite_b=False, check_finite=True)
        if not isinstance(lu_piv, tuple) or len(lu_piv) != 2 or not all(isinstance(f, LUFactors) for f in lu_piv) \
                or lu_piv[0].a is not lu_piv[1].a:
            raise self.err(AdjitTypeError, f"{label} takes the pair (lu, piv) that lu_factor returned", node)
        trans = self.static(trans, node, "trans")
        if trans not in (0, 1):
            raise self.err(UnsupportedSyntaxError, f"{label}: trans={trans!r} is not supported (0 or 1)", node)
        a = lu_piv[0].a if trans == 0 else self.b.emit("transpose", [lu_piv[0].a], axes=(1, 0))
        return self.form_solve("np.linalg.solve", (a, b), {}, node)

    def form_scipy_qr(self, label, args, kwargs, node):
        a, _, _, mode, pivoting, _ = self.bind_args(
            label, ("a", "overwrite_a", "lwork", "mode", "pivoting", "check_finite"), args, kwargs, node,
            overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True)
        if self._flag(pivoting, node, "pivoting") or mode not in ("full", "economic", "r"):
            raise self.err(UnsupportedSyntaxError, f"{label}(mode={mode!r}, pivoting={pivoting!r})", node,
                           hint="mode='full', 'economic' or 'r' without pivoting")
        if mode == "r":  # SciPy's R of mode 'full' is m x n; for a tall matrix its rows beyond n are zeros
            m, n = (self._extent(self._linalg_matrix(a, node, label), k, node, label) for k in (0, 1))
            r = self.form_qr("np.linalg.qr", (a,), {"mode": "r"}, node)
            if m > n:
                r = self.b.emit("concatenate", [r, self.b.emit("zeros", [self._const_shape((m - n, n))],
                                                               dtype=r.type.dtype)], axis=0)
            return (r,)
        return self.form_qr("np.linalg.qr", (a,), {"mode": "complete" if mode == "full" else "reduced"}, node)

    def form_scipy_svd(self, label, args, kwargs, node):
        a, full, uv, _, _, driver = self.bind_args(
            label, ("a", "full_matrices", "compute_uv", "overwrite_a", "check_finite", "lapack_driver"), args, kwargs,
            node, full_matrices=True, compute_uv=True, overwrite_a=False, check_finite=True, lapack_driver="gesdd")
        if driver not in ("gesdd", "gesvd"):
            raise self.err(AdjitTypeError, f"{label}: lapack_driver={driver!r}", node)
        return self.form_svd("np.linalg.svd", (a,), {"full_matrices": full, "compute_uv": uv}, node)

    def _linalg_matrix(self, a, node, label):
        a = self._float_matrix(a, node, label)
        if a.type.rank != 2:
            raise self.err(AdjitTypeError, f"{label} takes a 2-D array here, not {a.type}", node)
        return a

    def _flag(self, x, node, what) -> bool:
        return bool(self.static(x, node, what))

    def _part(self, a, lower: bool, node):
        return self.form_tril("np.tril", (a,), {}, node) if lower else self.form_triu("np.triu", (a,), {}, node)

    def form_cho_factor(self, label, args, kwargs, node):
        a, lower, _, _ = self.bind_args(label, ("a", "lower", "overwrite_a", "check_finite"), args, kwargs, node,
                                        lower=False, overwrite_a=False, check_finite=True)
        lower = self._flag(lower, node, "lower")
        return self._factor(self._linalg_matrix(a, node, label), lower), lower

    def form_cho_solve(self, label, args, kwargs, node):
        c_and_lower, b, _, _ = self.bind_args(label, ("c_and_lower", "b", "overwrite_b", "check_finite"), args, kwargs,
                                              node, overwrite_b=False, check_finite=True)
        if not isinstance(c_and_lower, tuple) or len(c_and_lower) != 2:
            raise self.err(AdjitTypeError, f"{label} takes the pair (c, lower) that cho_factor returns", node)
        c, lower = c_and_lower
        lower = self._flag(lower, node, "lower")
        T = self._part(self._linalg_matrix(c, node, label), lower, node)
        Tt = self.b.emit("transpose", [T], axes=(1, 0))
        first, second = (T, Tt) if lower else (Tt, T)  # L L^T x = b, or U^T U x = b
        z = self.form_solve("np.linalg.solve", (first, b), {}, node)
        return self.form_solve("np.linalg.solve", (second, z), {}, node)

    def form_scipy_cholesky(self, label, args, kwargs, node):
        a, lower, _, _ = self.bind_args(label, ("a", "lower", "overwrite_a", "check_finite"), args, kwargs, node,
                                        lower=False, overwrite_a=False, check_finite=True)
        return self._factor(self._linalg_matrix(a, node, label), self._flag(lower, node, "lower"))

    def _factor(self, a, lower: bool):
        """SciPy's Cholesky factor: L from a's lower triangle, or U = L.T from its upper one (LAPACK's
        'U' reads no entry below the diagonal: the `cholesky` row, which reads the lower triangle, of
        a.T, transposed; a gradient lands on the triangle SciPy reads)."""
        if lower:
            return self.b.emit("cholesky", [a])
        L = self.b.emit("cholesky", [self.b.emit("transpose", [a], axes=(1, 0))])
        return self.b.emit("transpose", [L], axes=(1, 0))

    def form_solve_triangular(self, label, args, kwargs, node):
        a, b, trans, lower, unit, _, _ = self.bind_args(
            label, ("a", "b", "trans", "lower", "unit_diagonal", "overwrite_b", "check_finite"), args, kwargs, node,
            trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True)
        trans = trans if isinstance(trans, str) else self.static(trans, node, "trans")
        if trans not in (0, 1, "N", "T", "C"):
            raise self.err(UnsupportedSyntaxError, f"{label}: trans={trans!r} is not supported", node)
        T = self._part(self._linalg_matrix(a, node, label), self._flag(lower, node, "lower"), node)
        if self._flag(unit, node, "unit_diagonal"):  # the diagonal read as ones
            n = self._shape(T)[0]
            eye = self.form_eye("np.eye", (n,), {}, node) if n is not None else None
            if eye is None:
                raise self.err(UnsupportedSyntaxError, f"{label}: unit_diagonal needs the size known when compiled",
                               node)
            diag = self.form_diag("np.diag", (self.form_diag("np.diag", (T,), {}, node),), {}, node)
            T = self.b.emit("add", [self.b.emit("sub", [T, diag]), eye])
        if trans in (1, "T", "C"):
            T = self.b.emit("transpose", [T], axes=(1, 0))
        return self.form_solve("np.linalg.solve", (T, b), {}, node)

    def form_solve_banded(self, label, args, kwargs, node):
        """a[i, j] = ab[u + i - j, j] on the band -l <= j - i <= u, zero elsewhere (SciPy's layout)."""
        lu, ab, b, _, _, _ = self.bind_args(label, ("l_and_u", "ab", "b", "overwrite_ab", "overwrite_b", "check_finite"),
                                            args, kwargs, node, overwrite_ab=False, overwrite_b=False,
                                            check_finite=True)
        if not isinstance(lu, tuple) or len(lu) != 2:
            raise self.err(AdjitTypeError, f"{label} takes (l, u), the numbers of sub- and superdiagonals", node)
        lo, up = (int(self.static(v, node, "(l, u)")) for v in lu)
        ab = self._linalg_matrix(ab, node, label)
        rows, n = self._extent(ab, 0, node, label), self._extent(ab, 1, node, label)
        if rows != lo + up + 1:
            raise self.err(ShapeError, f"{label}: invalid values for the number of lower and upper diagonals: "
                           f"l+u+1 ({lo + up + 1}) does not equal ab.shape[0] ({rows})", node)
        a = None
        for k in range(-min(lo, n - 1), min(up, n - 1) + 1):
            row = self.b.emit("getitem", [ab, self.b.const(up - k)], index=(("int", 1),))
            diag = self._slice(row, 0, k, n) if k >= 0 else self._slice(row, 0, 0, n + k)
            part = self.form_diag("np.diag", (diag, k), {}, node)
            a = part if a is None else self.b.emit("add", [a, part])
        return self.form_solve("np.linalg.solve", (a, b), {}, node)

    def form_scipy_solve(self, label, args, kwargs, node):
        a, b, lower, _, _, _, assume_a, transposed = self.bind_args(
            label, ("a", "b", "lower", "overwrite_a", "overwrite_b", "check_finite", "assume_a", "transposed"), args,
            kwargs, node, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, assume_a=None,
            transposed=False)
        a = self._structured(self._linalg_matrix(a, node, label), assume_a, lower, node, label, _SOLVE_STRUCTURES)
        if self._flag(transposed, node, "transposed"):
            a = self.b.emit("transpose", [a], axes=(1, 0))
        return self.form_solve("np.linalg.solve", (a, b), {}, node)

    def form_scipy_inv(self, label, args, kwargs, node):
        a, _, _, assume_a, lower = self.bind_args(label, ("a", "overwrite_a", "check_finite", "assume_a", "lower"), args,
                                                  kwargs, node, overwrite_a=False, check_finite=True, assume_a=None,
                                                  lower=False)
        a = self._structured(self._linalg_matrix(a, node, label), assume_a, lower, node, label, _INV_STRUCTURES)
        return self.b.emit("inv", [a])

    def _structured(self, a, assume_a, lower, node, label, structures):
        """The matrix SciPy's solver reads for `assume_a`: 'sym'/'her'/'pos' one triangle (the upper,
        or the lower with lower=True) mirrored, 'upper triangular'/'lower triangular' that triangle,
        'diagonal' the diagonal, 'tridiagonal' three diagonals; None (SciPy detects the structure
        from the values, a derivative's perturbation breaks it), 'gen' and 'banded' all of it."""
        assume_a = assume_a if isinstance(assume_a, str) or assume_a is None else self.static(assume_a, node, "assume_a")
        kind = structures.get(assume_a)
        if kind is None and assume_a in _SOLVE_STRUCTURES:  # inv's 'diagonal', 'tridiagonal'
            raise self.err(UnsupportedSyntaxError, f"{label}: assume_a={assume_a!r} is not supported", node,
                           hint="SciPy 1.17 leaves inv(a, assume_a='diagonal')'s off-diagonal entries unspecified; "
                                "write np.diag(1 / np.diag(a))" if assume_a == "diagonal" else None)
        if kind is None:
            raise self.err(ShapeError, f"{label}: {assume_a} is not a recognized matrix structure", node)
        if kind == "gen":
            return a
        if kind == "sym" and a.type.dtype.startswith("complex"):
            raise self.err(UnsupportedSyntaxError, f"{label}(assume_a={assume_a!r}) of a complex matrix is not supported",
                           node, hint="assume_a='gen'")
        if kind == "sym":
            lower = self._flag(lower, node, "lower")
            strict = (self.form_tril if lower else self.form_triu)("np.tril", (a, -1 if lower else 1), {}, node)
            return self.b.emit("add", [self._part(a, lower, node), self.b.emit("transpose", [strict], axes=(1, 0))])
        if kind == "diagonal":
            return self.form_diag("np.diag", (self.form_diag("np.diag", (a,), {}, node),), {}, node)
        if kind == "tridiagonal":
            return self.form_triu("np.triu", (self.form_tril("np.tril", (a, 1), {}, node), -1), {}, node)
        return self._part(a, kind == "lower", node)

    def form_scipy_pinv(self, label, args, kwargs, node, hermitian=False):
        names = ("a", "atol", "rtol") + (("lower",) if hermitian else ()) + ("return_rank", "check_finite")
        a, atol, rtol, *rest = self.bind_args(label, names, args, kwargs, node, atol=None, rtol=None, lower=True,
                                              return_rank=False, check_finite=True)
        a = self._linalg_matrix(a, node, label)
        if self.static(atol, node, "atol") not in (None, 0, 0.0) or self._flag(rest[-2], node, "return_rank"):
            raise self.err(UnsupportedSyntaxError, f"{label}: `atol` > 0 and `return_rank=True` are not supported",
                           node, hint="rtol= (a cutoff relative to the largest singular value)")
        if rtol is None:
            shape = self._shape(a)
            if None in shape:
                raise self.err(UnsupportedSyntaxError, f"{label}: the default rtol needs a's shape when compiled", node)
            rtol = max(shape) * float(np.finfo(a.type.dtype).eps)
        if hermitian:
            a = self._structured(a, "sym", rest[0], node, label, _SOLVE_STRUCTURES)
        return self.form_pinv("np.linalg.pinv", (a,), {"rcond": rtol}, node)

    def form_scipy_lstsq(self, label, args, kwargs, node):
        a, b, cond, _, _, _, driver = self.bind_args(
            label, ("a", "b", "cond", "overwrite_a", "overwrite_b", "check_finite", "lapack_driver"), args, kwargs,
            node, cond=None, overwrite_a=False, overwrite_b=False, check_finite=True, lapack_driver=None)
        if driver not in (None, "gelsd", "gelss"):  # gelsy's basic solution is not the minimum-norm one
            raise self.err(UnsupportedSyntaxError, f"{label}: lapack_driver={driver!r} is not supported", node,
                           hint="lapack_driver='gelsd' (the default)")
        a = self._linalg_matrix(a, node, label)
        cond = float(np.finfo(a.type.dtype).eps) if cond is None else cond
        return self.form_lstsq("np.linalg.lstsq", (a, b), {"rcond": cond}, node)

    def form_scipy_pinvh(self, label, args, kwargs, node):
        return self.form_scipy_pinv(label, args, kwargs, node, hermitian=True)

    def form_scipy_det(self, label, args, kwargs, node):
        a, _, _ = self.bind_args(label, ("a", "overwrite_a", "check_finite"), args, kwargs, node, overwrite_a=False,
                                 check_finite=True)
        return self.b.emit("det", [self._linalg_matrix(a, node, label)])

    # ---------------------------------------------------------------- the matrix exponential
    def form_scipy_expm(self, label, args, kwargs, node):
        (a,) = self.bind_args("scipy.linalg.expm", ("A",), args, kwargs, node)
        v = self._float_matrix(a, node, label)
        r = self._rank(v)
        if r < 2 and self._shape(v) in ((), (1,)):  # SciPy: [[exp(a)]], float64
            if v.type.dtype != "float64":
                v = self.b.emit("astype", [v], dtype="float64")
            return self._reshape(self.b.emit("exp", [v]), (1, 1))
        if r < 2:
            raise self.err(ShapeError, "scipy.linalg.expm: The input array must be at least two-dimensional", node)
        if r > 2:
            raise self.err(UnsupportedSyntaxError, f"scipy.linalg.expm of a stack of matrices ({r}-D) is not supported",
                           node, hint="loop over the matrices")
        return self.b.emit("expm", [v])

    def form_expm_frechet(self, label, args, kwargs, node):
        label = "scipy.linalg.expm_frechet"
        a, e, method, compute, _ = self.bind_args(label, ("A", "E", "method", "compute_expm", "check_finite"), args,
                                                  kwargs, node, method=None, compute_expm=True, check_finite=True)
        if self._option(method, node, "method") not in (None, "SPS", "blockEnlarge"):
            raise self.err(ShapeError, f"{label}: Unknown implementation {method}", node)
        va, ve = (self._linalg_matrix(x, node, label) for x in (a, e))  # SciPy computes in float64
        va, ve = (v if v.type.dtype == "float64" else self.b.emit("astype", [v], dtype="float64") for v in (va, ve))
        frechet = self.b.emit("expm_frechet", [va, ve])
        return (self.b.emit("expm", [va]), frechet) if self._flag(compute, node, "compute_expm") else frechet

    def form_scipy_svdvals(self, label, args, kwargs, node):
        a, _, _ = self.bind_args("scipy.linalg.svdvals", ("a", "overwrite_a", "check_finite"), args, kwargs, node,
                                 overwrite_a=False, check_finite=True)
        return self.form_svdvals("np.linalg.svdvals", (a,), {}, node)
