"""Eigenvalues of a general real matrix: `np.linalg.eigvals(a)` and the eigenvalues of
`np.linalg.eig(a)`, as a complex pair (frontend/complexvals.py) of the rows `eig_re` and `eig_im`
(primitives/eigen.py: LAPACK's dgeev, NumPy's values in NumPy's order). What a program does with
them next (`.real`, `.imag`, `np.abs`, `np.angle`, arithmetic) is complexvals.py's. NumPy returns a
real array where every imaginary part is zero; adjit keeps the pair (its imaginary part zero), which
`.real`, `np.abs` and arithmetic read alike. The eigenvectors of `np.linalg.eig` are not supported:
using them is a located error that says so (the eigenvalues of the same call are)."""
from __future__ import annotations

from ...errors import ShapeError, UnsupportedSyntaxError
from ..complexvals import ComplexPair
from ...primitives.table import Lazy
from ..values import Undefined
from .base import FormsBase

FORMS = {
    "eigvals": ((__import__("numpy").linalg.eigvals,), (),
                "a complex pair of `eig_re` and `eig_im` (LAPACK's dgeev, as NumPy: its values in its order; one "
                "real square matrix; distinct eigenvalues for the gradient; first derivatives only)"),
    "eig": ((__import__("numpy").linalg.eig,), (),
            "the eigenvalues as `eigvals`; the eigenvectors are a located error when used"),
    "scipy_eigvals": ((Lazy("scipy.linalg", "eigvals"),), (),
                      "as `np.linalg.eigvals` (the same LAPACK call: SciPy's values, always complex, are NumPy's); "
                      "`b=` (the generalized problem) and `homogeneous_eigvals=True` are located errors"),
}

_VECTORS = ("is the eigenvectors of np.linalg.eig of a general matrix, which adjit does not support (the "
            "eigenvalues of the same call are): for a symmetric matrix use np.linalg.eigh; for one eigenvector, "
            "solve (A - lam I) v = 0 with a normalization (np.linalg.solve of a bordered system)")


class EigenForms(FormsBase):
    def _general_matrix(self, label, args, kwargs, node):
        (a,) = self.bind_args(label, ("a",), args, kwargs, node)
        v = self.value(self.array_like(a, node), node)
        if v.type.kind != "array" or v.type.rank != 2:
            rank = v.type.rank if v.type.kind == "array" else 0
            raise self.err(ShapeError if rank < 2 else UnsupportedSyntaxError,
                           f"{label} takes one square matrix (a 2-D array) here, got a {rank}-D array", node,
                           hint="loop over the matrices of a stack" if rank > 2 else None)
        if v.type.dtype not in ("float32", "float64"):
            v = self.b.emit("astype", [v], dtype="float64")
        if 0 in self._shape(v):
            raise self.err(UnsupportedSyntaxError, f"{label} of an empty matrix is not supported", node)
        return v

    def _pair(self, v):
        re, im = self.b.emit("eig_re", [v]), self.b.emit("eig_im", [v])
        if v.type.dtype == "float32":  # NumPy's complex64
            re, im = (self.b.emit("astype", [p], dtype="float32") for p in (re, im))
        return ComplexPair(re, im)

    def form_eigvals(self, label, args, kwargs, node):
        return self._pair(self._general_matrix("np.linalg.eigvals", args, kwargs, node))

    def form_scipy_eigvals(self, label, args, kwargs, node):
        label = "scipy.linalg.eigvals"
        a, b, _overwrite, _check, homogeneous = self.bind_args(
            label, ("a", "b", "overwrite_a", "check_finite", "homogeneous_eigvals"), args, kwargs, node, b=None,
            overwrite_a=False, check_finite=True, homogeneous_eigvals=False)
        if b is not None or self.static(homogeneous, node, "homogeneous_eigvals"):
            raise self.err(UnsupportedSyntaxError, f"{label}: the generalized problem (b=) and homogeneous_eigvals=True "
                           "are not supported", node, hint="np.linalg.eigvals(np.linalg.solve(b, a)) for an invertible b")
        return self._pair(self._general_matrix(label, [a], {}, node))

    def form_eig(self, label, args, kwargs, node):
        v = self._general_matrix("np.linalg.eig", args, kwargs, node)
        return self._pair(v), Undefined("eigenvectors", _VECTORS)
