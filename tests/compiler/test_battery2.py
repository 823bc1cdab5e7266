"""A probe's second battery of everyday NumPy/SciPy/Python constructs (corpus_battery2.py): each
against NumPy's (SciPy's, Python's) value and central differences, through the lowered module run
as plain Python (no Numba compile: the suite's budget); what adjit cannot do exactly is a located
error."""
import numpy as np
import pytest

import corpus_battery2 as C
from adjit.compiler.errors import AdjitError
from conftest import fd_check, run_grad

Y = np.array([0.4, -0.3, 1.2, 0.7, -0.5, 0.2])


@pytest.mark.parametrize("fun,kind,wrt", C.CASES, ids=[c[0].__name__ for c in C.CASES])
def test_value_and_gradient(fun, kind, wrt):
    args = C.make(kind)
    value, grads = run_grad(fun, args, wrt)
    assert np.isclose(value, fun(*args), rtol=1e-12, atol=1e-14)
    fd_check(fun, list(args), wrt, grads)


@pytest.mark.parametrize("fun", C.EDGES, ids=[f.__name__ for f in C.EDGES])
def test_edge_values(fun):
    value, grads = run_grad(fun, (Y,), (0,))
    assert value == pytest.approx(fun(Y), rel=1e-13, abs=1e-15)
    fd_check(fun, [Y], (0,), grads)


def test_run_time_errors():
    with pytest.raises(Exception, match="monotonically"):  # NumPy: ValueError
        run_grad(C.digitize_not_monotonic, (Y,), (0,))
    with pytest.raises(Exception, match="out of bounds"):  # NumPy: ValueError (invalid entry in choice array)
        run_grad(C.choose_negative, (Y,), (0,))


@pytest.mark.parametrize("fun,match", [(C.piecewise_not_elementwise, "does not compute elementwise"),
                                       (C.ediff1d_float_begin, "same_kind")])
def test_located_errors(fun, match):
    with pytest.raises(AdjitError, match=match) as e:
        run_grad(fun, (Y,), (0,))
    assert e.value.loc is not None


@pytest.mark.parametrize("fun", C.LISTS, ids=[f.__name__ for f in C.LISTS])
def test_list_methods(fun):
    value, grads = run_grad(fun, (Y,), (0,))
    assert value == pytest.approx(fun(Y), rel=1e-13)
    fd_check(fun, [Y], (0,), grads)


@pytest.mark.parametrize("fun,match", C.LIST_ERRORS, ids=[f.__name__ for f, _ in C.LIST_ERRORS])
def test_list_changes_refused(fun, match):
    with pytest.raises(AdjitError, match=match) as e:
        run_grad(fun, (Y,), (0,))
    assert e.value.loc is not None


@pytest.mark.parametrize("fun", C.DICTS, ids=[f.__name__ for f in C.DICTS])
def test_dict_writes(fun):
    value, grads = run_grad(fun, (Y,), (0,))
    assert value == pytest.approx(fun(Y), rel=1e-13)
    fd_check(fun, [Y], (0,), grads)


@pytest.mark.parametrize("fun,match", C.DICT_ERRORS, ids=[f.__name__ for f, _ in C.DICT_ERRORS])
def test_dict_writes_refused(fun, match):
    with pytest.raises(AdjitError, match=match) as e:
        run_grad(fun, (Y,), (0,))
    assert e.value.loc is not None
