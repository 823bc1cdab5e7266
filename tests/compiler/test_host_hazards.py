"""Hazards for host.py (what NumPy runs before the compiled code): every combination of a way to
make an array, a way to write a differentiated value into it (or not), and a call adjit has no rule
for on it (np.unwrap: smooth, so a dropped derivative shows). Each program must either get a
located error or the exact gradient; a hoisted line that read a differentiated value would drop a
derivative (the Leslie-matrix bug this file guards against)."""
import itertools

import numpy as np
import pytest

import adjit
from adjit.runtime.gradcheck import numerical_gradient, relative_error
from conftest import import_source, run_grad

INITS = ["A = np.zeros(6)", "A = d.copy()", "A = d * 1.0"]
WRITES = ["A[1] = x[2]", "A[:3] = x[:3]", "np.add.at(A, np.array([0, 0, 4]), x[:3])", "np.copyto(A, x)",
          "B = A\n    B[0] = x[0]", "B = A[1:]\n    B[0] = x[1]", "np.exp(x, out=A)", "A += x", "A[2] += x[3]",
          "A = A + x", "C = x * 2.0\n    A[0] = C[1]", "np.fill_diagonal(A.reshape(2, 3), x[0])",
          "A.reshape(2, 3)[0, 1] = x[5]", "pass"]
USES = ["u = np.unwrap(A)", "E = A.T\n    u = np.unwrap(E)", "u = np.unwrap(A[::-1])"]


def test_hoisting_never_drops_a_derivative(tmp_path):
    x, d = np.linspace(0.1, 0.9, 6), np.linspace(1.0, 2.0, 6)
    outcomes = {"exact": 0, "located": 0}
    for k, (init, write, use) in enumerate(itertools.product(INITS, WRITES, USES)):
        src = (f"import numpy as np\n\n\ndef f(x, d):\n    {init}\n    {write}\n    {use}\n"
               "    return np.sum(u ** 2) + np.sum(x ** 2) + np.sum(A * x)\n")
        f = import_source(tmp_path, f"host_hazard_{k}", src).f
        try:
            value, grads = run_grad(f, [x.copy(), d.copy()], (0,))
        except adjit.AdjitError as e:
            assert e.loc is not None and "Internal" not in type(e).__name__, src
            outcomes["located"] += 1
            continue
        num = numerical_gradient(lambda x: f(x, d.copy()), [x.copy()], 0)
        assert np.isclose(value, f(x.copy(), d.copy())) and relative_error(grads[0], num) < 1e-6, src
        outcomes["exact"] += 1
    assert outcomes["exact"] >= 6  # the programs whose array never sees x are hoisted and exact
