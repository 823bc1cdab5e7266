"""np.linalg.pinv (issue 12): the `pinv` row of primitives/linalg.py with NumPy's cutoff read off
its arguments: `rcond` (default 1e-15, NumPy's), or `rtol` (None: max(M, N) eps), a number known
when the call is compiled; singular values below it times the largest are dropped. Its derivative
(Golub and Pereyra) is exact where A's rank is constant around it (full rank); at a rank-deficient
A pinv jumps under a perturbation that raises the rank, and the rules give the derivative along
those that keep it. `hermitian=True` (NumPy then reads the lower triangle only) is a located error."""
from __future__ import annotations

import numpy as np

from ...errors import AdjitTypeError, ArgumentError, UnsupportedSyntaxError
from .base import FormsBase

_NO = object()
FORMS: dict = {
    "pinv": ((np.linalg.pinv,), (), "`pinv(a, rcond=1e-15)` (2-D; `rcond` or `rtol` known when compiled): LAPACK's "
             "SVD, singular values below rcond times the largest dropped; derivative `-A+ dA A+ + A+ A+^T dA^T (I - A A+) "
             "+ (I - A+ A) dA^T A+^T A+`, exact where the rank is constant around A (full rank); not `hermitian=True`"),
}


class PseudoForms(FormsBase):
    def form_pinv(self, label, args, kwargs, node):
        label = "np.linalg.pinv"
        a, rcond, hermitian, rtol = self.bind_args(label, ("a", "rcond", "hermitian", "rtol"), args, kwargs, node,
                                                   rcond=None, hermitian=False, rtol=_NO)
        if self.static(hermitian, node, "hermitian"):
            raise self.err(UnsupportedSyntaxError, f"{label}(a, hermitian=True) is not supported (NumPy reads a's "
                           "lower triangle only there)", node, hint="hermitian=False: the same value for a symmetric a")
        a = self.value(a, node)
        if a.type.kind != "array" or a.type.rank != 2:
            raise self.err(AdjitTypeError, f"{label} takes a 2-D array here (stacks of matrices: loop over them)", node)
        if rcond is not None and rtol is not _NO:
            raise self.err(ArgumentError, f"{label}: `rtol` and `rcond` can't be both set (NumPy's ValueError)", node)
        if rcond is None:
            if rtol is _NO:
                rcond = 1e-15
            elif rtol is None:
                shape = self._shape(a)
                if None in shape:
                    raise self.err(ArgumentError, f"{label}: rtol=None needs a's shape when compiled", node,
                                   hint="give rtol as a number")
                rcond = max(shape) * float(np.finfo(a.type.dtype).eps)
            else:
                rcond = rtol
        rcond = self.static(rcond, node, "rcond")
        if not isinstance(rcond, (int, float)) or isinstance(rcond, bool):
            raise self.err(AdjitTypeError, f"{label}: rcond must be a number known when the call is compiled", node)
        self.at(node)
        return self.b.emit("pinv", [a, self.value(float(rcond), node)])
