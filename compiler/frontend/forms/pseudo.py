"""np.linalg.pinv (issue 12): the `pinv` row of primitives/linalg.py with NumPy's cutoff read off
its arguments: `rcond` (default 1e-15, NumPy's), or `rtol` (None: max(M, N) eps), a number known
when the call is compiled; singular values below it times the largest are dropped. Its derivative
(Golub and Pereyra) is exact where A's rank is constant around it (full rank); at a rank-deficient
A pinv jumps under a perturbation that raises the rank, and the rules give the derivative along
those that keep it. `hermitian=True` (NumPy then reads the lower triangle only) is a located error.

`np.linalg.lstsq(a, b, rcond=None)` is the tuple (x, residuals, rank, s): x = pinv(a, rcond) @ b,
the minimum-norm least-squares solution LAPACK's gelsd gives (the same cutoff: rcond None is
max(M, N) eps), s the singular values (`svd_s`), rank their count above the cutoff (an int, when
the function runs); residuals, whose length is A's rank's business (empty unless rank == N < M),
is a name that is an error to use, saying how to compute it."""
from __future__ import annotations

import numpy as np

from ...errors import AdjitTypeError, ArgumentError, UnsupportedSyntaxError
from ..values import Undefined
from .base import FormsBase

_NO = object()
FORMS: dict = {
    "pinv": ((np.linalg.pinv,), (), "`pinv(a, rcond=1e-15)` (2-D; `rcond` or `rtol` known when compiled): LAPACK's "
             "SVD, singular values below rcond times the largest dropped; derivative `-A+ dA A+ + A+ A+^T dA^T (I - A A+) "
             "+ (I - A+ A) dA^T A+^T A+`, exact where the rank is constant around A (full rank); `hermitian=True`: of "
             "the symmetric matrix a's lower triangle makes (what NumPy reads)"),
    "lstsq": ((np.linalg.lstsq,), (), "`x, residuals, rank, s = lstsq(a, b, rcond=None)`: x `pinv(a, rcond) @ b` (gelsd's "
              "minimum-norm solution, its cutoff; rank-deficient A: see `pinv`), rank the count of singular values "
              "above the cutoff, s `svd_s(a)`; residuals (its length depends on the rank) an error to use"),
}


class PseudoForms(FormsBase):
    def _matrix(self, a, label, node):
        a = self.value(a, node)
        if a.type.kind != "array" or a.type.rank != 2:
            raise self.err(AdjitTypeError, f"{label} takes a 2-D array here (stacks of matrices: loop over them)", node)
        return a

    def _eps_cutoff(self, a, label, node):
        """max(M, N) eps of a's dtype: NumPy's rtol=None, lstsq's rcond=None."""
        shape = self._shape(a)
        if None in shape:
            raise self.err(ArgumentError, f"{label}: the default cutoff needs a's shape when compiled", node,
                           hint="give the cutoff as a number")
        return max(shape) * float(np.finfo(a.type.dtype).eps)

    def form_lstsq(self, label, args, kwargs, node):
        label = "np.linalg.lstsq"
        a, b, rcond = self.bind_args(label, ("a", "b", "rcond"), args, kwargs, node, rcond=None)
        a = self._matrix(a, label, node)
        b = self.value(b, node)
        if b.type.kind != "array" or b.type.rank not in (1, 2):
            raise self.err(AdjitTypeError, f"{label}: b is a 1-D or 2-D array", node)
        rcond = self._eps_cutoff(a, label, node) if rcond is None else self.static(rcond, node, "rcond")
        if not isinstance(rcond, (int, float)) or isinstance(rcond, bool):
            raise self.err(AdjitTypeError, f"{label}: rcond must be a number known when the call is compiled", node)
        if rcond < 0:  # LAPACK: machine precision
            rcond = float(np.finfo(a.type.dtype).eps)
        self.at(node)
        b_ = self.b
        x = b_.emit("matmul", [b_.emit("pinv", [a, self.value(float(rcond), node)]), b])
        s = b_.emit("svd_s", [a])
        top = self._reduce("max", s, None, False, node)  # s[0]
        above = b_.emit("gt", [s, b_.emit("mul", [top, self.value(float(rcond), node)])])
        rank = self._reduce("sum", b_.emit("astype", [above], dtype="int64"), None, False, node)
        residuals = Undefined("residuals", "is np.linalg.lstsq's residuals, not computed by adjit: their length "
                              "depends on the rank when the function runs; write np.sum((a @ x - b) ** 2, axis=0)")
        return (x, residuals, rank, s)

    def form_pinv(self, label, args, kwargs, node):
        label = "np.linalg.pinv"
        a, rcond, hermitian, rtol = self.bind_args(label, ("a", "rcond", "hermitian", "rtol"), args, kwargs, node,
                                                   rcond=None, hermitian=False, rtol=_NO)
        a = self._matrix(a, label, node)
        if self.static(hermitian, node, "hermitian"):  # NumPy's eigh reads the lower triangle: that matrix's pinv
            if a.type.dtype.startswith("complex"):
                raise self.err(UnsupportedSyntaxError, f"{label}(a, hermitian=True) of a complex matrix", node)
            strict = self.b.emit("transpose", [self.form_tril("np.tril", (a, -1), {}, node)], axes=(1, 0))
            a = self.b.emit("add", [self.form_tril("np.tril", (a,), {}, node), strict])
        if rcond is not None and rtol is not _NO:
            raise self.err(ArgumentError, f"{label}: `rtol` and `rcond` can't be both set (NumPy's ValueError)", node)
        if rcond is None:
            if rtol is _NO:
                rcond = 1e-15
            elif rtol is None:
                rcond = self._eps_cutoff(a, label, node)
            else:
                rcond = rtol
        rcond = self.static(rcond, node, "rcond")
        if not isinstance(rcond, (int, float)) or isinstance(rcond, bool):
            raise self.err(AdjitTypeError, f"{label}: rcond must be a number known when the call is compiled", node)
        self.at(node)
        return self.b.emit("pinv", [a, self.value(float(rcond), node)])
