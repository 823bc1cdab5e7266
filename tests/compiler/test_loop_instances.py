"""Arrays made afresh in every iteration of a loop (aliasing.py): `new = np.full(...)` per step,
written, then `alpha = new` (the CTC and Viterbi recursions) is a different array from the one the
previous step left in `alpha`, so the write changes nothing `alpha` shows; while a write into the
previous step's array (through `alpha`, a view of it, or a list that holds it) changes what NumPy
shows under every name for it. Every combination of a way to make the step's array, a way to write
into it (or into the older one), a read after the write and a way to carry it must be exact or a
located error; the fresh-array recursions must be exact."""
import itertools

import numpy as np

import adjit
from adjit.runtime.gradcheck import numerical_gradient, relative_error
from conftest import import_source, run_grad

MAKES = ["new = np.full(3, -1.0)", "new = alpha.copy()", "new = alpha * 1.0", "new = alpha", "new = alpha[::-1]"]
WRITES = ["for i in range(3):\n            new[i] = new[i] + x[t] * alpha[i]",
          "new[0] = alpha[1] * x[t]", "new[:] = alpha * x[t] + new", "new += x[t] * alpha",
          "older = alpha\n        older[0] = x[t]", "pass"]
READS = ["s = s + alpha[0] * new[2]", "pass"]
CARRIES = ["alpha = new", "alpha = new[::-1]"]


def _program(make, write, read, carry):
    return ("import numpy as np\n\n\ndef f(x):\n    alpha = x[:3] * 0.5\n    s = 0.0\n    for t in range(4):\n"
            f"        {make}\n        {write}\n        {read}\n        {carry}\n"
            "    return s + np.sum(alpha ** 2)\n")


def test_fresh_arrays_per_iteration_are_exact_and_older_ones_never_wrong(tmp_path):
    x = np.array([0.3, -0.7, 1.1, 0.4])
    exact, located = set(), 0
    for k, combo in enumerate(itertools.product(MAKES, WRITES, READS, CARRIES)):
        src = _program(*combo)
        f = import_source(tmp_path, f"loop_instance_{k}", src).f
        try:
            value, grads = run_grad(f, [x.copy()], (0,))
        except adjit.AdjitError as e:
            assert e.loc is not None and "Internal" not in type(e).__name__, src
            located += 1
            continue
        num = numerical_gradient(f, [x.copy()], 0)
        assert np.isclose(value, f(x.copy()), rtol=1e-12), src
        assert relative_error(grads[0], num) < 1e-6, src
        exact.add(combo)
    fresh = [c for c in itertools.product(MAKES[:3], WRITES[:4], READS, CARRIES)]
    assert not [c for c in fresh if c not in exact]
    assert located >= 20  # the writes into the previous step's array (through alpha or a view)


def test_a_list_holding_the_previous_steps_array_sees_a_write_into_it():
    """The previous iteration's `h`, appended to a list and written through `prev` before this
    iteration's append, is what the list shows (NumPy: 40.0; adjit gave 35.0 before)."""
    def f(x):
        ys = []
        prev = np.zeros(2)
        for t in range(3):
            prev[0] = prev[0] + 1.0
            h = x * (t + 1.0)
            ys.append(h)
            prev = h
        return np.sum(np.array(ys) ** 2)

    try:
        value, _ = run_grad(f, [np.array([0.5, 1.5])], (0,))
    except adjit.AdjitError as e:
        assert e.loc is not None and "prev" in str(e)
    else:
        assert value == 40.0
