"""scipy.linalg's matrix equations of control and statistics, composed of rows (heldout9's H2
state feedback: `P = solve_continuous_lyapunov(A_cl, -B_w @ B_w.T)`), for real matrices:

- `solve_sylvester(a, b, q)`: A X + X B = Q, as the Kronecker system (A ⊗ I_m + I_n ⊗ B^T) vec(X) =
  vec(Q) in row-major order, solved by the `solve` row;
- `solve_continuous_lyapunov(a, q)`: A X + X A^T = Q, the Sylvester equation with B = A^T (SciPy's
  own reduction);
- `solve_discrete_lyapunov(a, q)`: A X A^T - X + Q = 0, SciPy's direct method: (I - A ⊗ A) vec(X) =
  vec(Q).
The solution is SciPy's up to rounding (SciPy's Bartels-Stewart for the first two), and its
derivative in A, B and Q is the `solve` row's: exact. At most 1024 unknowns (n m), the dense system
being (n m)^2; a larger one is a located error."""
from __future__ import annotations

import numpy as np

from ...errors import ShapeError, UnsupportedSyntaxError
from ...primitives.table import Lazy
from .base import FormsBase

MAX_UNKNOWNS = 1024

FORMS: dict = {
    "solve_sylvester": ((Lazy("scipy.linalg", "solve_sylvester"),), (),
                        "A X + X B = Q as (A ⊗ I + I ⊗ B^T) vec(X) = vec(Q) by the `solve` row (real; at most "
                        f"{MAX_UNKNOWNS} unknowns)"),
    "solve_continuous_lyapunov": ((Lazy("scipy.linalg", "solve_continuous_lyapunov"),), (),
                                  "A X + X A^T = Q: `solve_sylvester(a, a.T, q)`"),
    "solve_discrete_lyapunov": ((Lazy("scipy.linalg", "solve_discrete_lyapunov"),), (),
                                "A X A^T - X + Q = 0: (I - A ⊗ A) vec(X) = vec(Q) by the `solve` row (SciPy's direct "
                                "method)"),
}


class MatrixEquationForms(FormsBase):
    def _square(self, label, v, node, what):
        v = self.value(self.array_like(v, node), node)
        shape = self._shape(v)
        if v.type.rank != 2 or shape[0] is None or shape[0] != shape[1]:
            raise self.err(ShapeError, f"{label}: `{what}` must be a square matrix of a size known when the call is "
                           "compiled", node)
        return v if v.type.dtype in ("float32", "float64") else self.b.emit("astype", [v], dtype="float64")

    def _kron_solve(self, label, lhs, q, n, m, node):
        if n * m > MAX_UNKNOWNS:
            raise self.err(UnsupportedSyntaxError, f"{label} of {n * m} unknowns (adjit solves the dense Kronecker "
                           f"system: at most {MAX_UNKNOWNS})", node, hint="write the iteration (Smith's doubling, "
                           "a Bartels-Stewart loop) in the function, or solve it outside")
        q = self.value(self.array_like(q, node), node)
        if tuple(self._shape(q)) != (n, m):
            raise self.err(ShapeError, f"{label}: `q` must be {n} x {m}, not {tuple(self._shape(q))}", node)
        x = self.call_value(np.linalg.solve, [lhs, self.call_value(np.reshape, [q, (n * m,)], {}, node)], {}, node)
        return self.call_value(np.reshape, [x, (n, m)], {}, node)

    def form_solve_sylvester(self, label, args, kwargs, node):
        a, b, q = self.bind_args(label, ("a", "b", "q"), args, kwargs, node)
        a, b = self._square(label, a, node, "a"), self._square(label, b, node, "b")
        n, m = self._shape(a)[0], self._shape(b)[0]
        kron = lambda u, v: self.call_value(np.kron, [u, v], {}, node)  # noqa: E731
        eye = lambda k: self.call_value(np.eye, [k], {}, node)  # noqa: E731
        bt = self.call_value(np.transpose, [b], {}, node)
        self.at(node)
        lhs = self.b.emit("add", [kron(a, eye(m)), kron(eye(n), bt)])
        return self._kron_solve(label, lhs, q, n, m, node)

    def form_solve_continuous_lyapunov(self, label, args, kwargs, node):
        a, q = self.bind_args(label, ("a", "q"), args, kwargs, node)
        a = self._square(label, a, node, "a")
        return self.form_solve_sylvester(label, [a, self.call_value(np.transpose, [a], {}, node), q], {}, node)

    def form_solve_discrete_lyapunov(self, label, args, kwargs, node):
        a, q, method = self.bind_args(label, ("a", "q", "method"), args, kwargs, node, method=None)
        a = self._square(label, a, node, "a")
        n = self._shape(a)[0]
        kron = self.call_value(np.kron, [a, a], {}, node)
        self.at(node)
        lhs = self.b.emit("sub", [self.call_value(np.eye, [n * n], {}, node), kron])
        return self._kron_solve(label, lhs, q, n, n, node)
