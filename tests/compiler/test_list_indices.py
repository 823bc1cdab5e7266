"""A list as an index is an array index, a tuple several indices (NumPy): `idx = [0, 2]; X[idx]`
gathers rows 0 and 2, `idx = (0, 2); X[idx]` is X[0, 2]. adjit keeps both as Python tuples while
compiling; it read a list bound to a name as a tuple (154.0 against NumPy's 4.0 for
np.sum(X[idx] ** 2) on a 3x3 X, with no error). Every way to make the index, as a read and as a
write, against NumPy's value and central differences."""
import numpy as np
import pytest

import adjit
from adjit.runtime.gradcheck import numerical_gradient, relative_error
from conftest import import_source, run_grad

MAKES = ["idx = [0, 2]", "idx = (0, 2)", "idx = [k for k in range(3) if k != 1]", "idx = list((0, 2))",
         "idx = [0] + [2]", "idx = [2] * 2", "idx = [int(np.argmax(np.arange(3))), 0]", "idx = (0, 2) + (1,)[:0]"]
USES = ["y = X[idx]", "y = X[idx, :]", "y = X[:, idx]", "y = X * 1.0\n    y[idx] = 0.0",
        "y = X * 1.0\n    y[idx] += X[1]", "y = X[idx][::-1]", "y = X[idx, 1]"]


@pytest.mark.parametrize("make", MAKES)
def test_list_and_tuple_indices_are_numpys(tmp_path, make):
    X = np.arange(9.0).reshape(3, 3) / 7.0 + 0.1
    for k, use in enumerate(USES):
        src = f"import numpy as np\n\n\ndef f(X):\n    {make}\n    {use}\n    return np.sum(y ** 2) + np.sum(X)\n"
        f = import_source(tmp_path, f"list_index_{MAKES.index(make)}_{k}", src).f
        try:
            want = f(X.copy())
        except Exception:  # NumPy refuses it (a tuple index of too many parts): adjit must refuse too
            with pytest.raises(adjit.AdjitError):
                run_grad(f, [X.copy()], (0,))
            continue
        try:
            value, (g,) = run_grad(f, [X.copy()], (0,))
        except adjit.AdjitError as e:
            assert e.loc is not None and "Internal" not in type(e).__name__, src
            continue
        assert np.isclose(value, want, rtol=1e-12), src
        assert relative_error(g, numerical_gradient(f, [X.copy()], 0)) < 1e-6, src


def _list_argument(X, idx):
    return np.sum(X[idx] ** 2)


def test_list_and_tuple_arguments():
    X = np.arange(9.0).reshape(3, 3)
    for idx in ([0, 2], (0, 2), [[0, 1], [2, 2]]):
        value, _ = adjit.value_and_grad(_list_argument)(X, idx)
        assert value == _list_argument(X, idx)


COPIES = ["b = np.copy(a)", "b = np.array(a, copy=None)", "b = np.array(a, copy=False)", "b = a.astype(np.float64, copy=False)",
          "b = np.asarray(a)", "b = np.array(a)", "b = a.astype(np.float64)", "b = a.astype(np.float32, copy=False)",
          "b = np.array(a, dtype=np.float32, copy=None)"]


@pytest.mark.parametrize("make", COPIES)
def test_calls_that_return_their_argument_share_it(tmp_path, make):
    """NumPy 2 returns the array itself from np.array(copy=None/False) and astype(copy=False) when no
    conversion is needed: a write through b then changes a (adjit copied: 1.79 for NumPy's 13.95;
    found by the fuzzer, seeds 9103 and 9104)."""
    src = (f"import numpy as np\n\n\ndef f(x):\n    a = x * 1.0\n    {make}\n    b[0] = 5.0 * x[1]\n"
           "    return np.sum(a ** 2) + np.sum(b)\n")
    f = import_source(tmp_path, f"copies_{COPIES.index(make)}", src).f
    x = np.array([0.3, -0.7, 1.1])
    try:
        value, (g,) = run_grad(f, [x.copy()], (0,))
    except adjit.AdjitError as e:
        assert e.loc is not None and "Internal" not in type(e).__name__
        return
    assert np.isclose(value, f(x.copy()), rtol=1e-6)  # float32 copies round
    if "float32" not in make:  # (finite differences of a float32 round-trip are noise)
        assert relative_error(g, numerical_gradient(f, [x.copy()], 0)) < 1e-5
