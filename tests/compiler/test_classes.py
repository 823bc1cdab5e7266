"""Classes made inside the differentiated function (structures.Structures.instantiate)."""
import numpy as np
import pytest

import adjit
from adjit.compiler.errors import UnsupportedSyntaxError
from tests.compiler import classes_corpus as C
from tests.conftest import fd_check, run_grad

X = np.array([0.0, 1.3, 2.1, 3.5])


@pytest.mark.parametrize("fun", [C.springs, C.damped, C.gauss, C.pair], ids=lambda f: f.__name__)
def test_classes_made_inside(fun):
    value, grads = run_grad(fun, (0.7, X), (0, 1))
    assert np.isclose(value, fun(0.7, X))
    fd_check(fun, [0.7, X], [0, 1], grads)


def test_compiled_and_the_located_errors():
    g = adjit.grad(C.springs, wrt=(0, 1))(0.7, X)
    fd_check(C.springs, [0.7, X], [0, 1], g)
    with pytest.raises(UnsupportedSyntaxError, match="straight-line"):
        adjit.grad(C.branchy)(0.7, X)
    g = adjit.grad(C.stateful, wrt=(0, 1))(0.7, X)  # a method changing self.k: procedures.py
    fd_check(C.stateful, [0.7, X], [0, 1], g)


def test_a_class_statement_inside_the_function():
    for fun in (C.defined_inside, C.local_subclass, C.static_through_instance, C.local_base_by_name):
        value, grads = run_grad(fun, (0.7, X), (0, 1))
        assert np.isclose(value, fun(0.7, X))
        fd_check(fun, [0.7, X], [0, 1], grads)
    with pytest.raises(UnsupportedSyntaxError, match="reads 'n', a name of the function"):
        adjit.grad(C.reads_the_functions_names)(0.7, X)


@pytest.mark.parametrize("fun", [C.global_model_method, C.global_model_called, C.layer_made_inside],
                         ids=lambda f: f.__name__)
def test_module_level_objects_called(fun):
    """layer(x) of an object whose class defines __call__ (a global one, or an attribute or list item
    of one), its methods reading the module's arrays and the class's own array attributes."""
    value, grads = run_grad(fun, (0.7, X), (0, 1))
    assert np.isclose(value, fun(0.7, X))
    fd_check(fun, [0.7, X], [0, 1], grads)


def test_a_class_attribute_array_is_read_when_the_function_runs():
    g = adjit.grad(C.global_model_method)
    before = g(0.7, X)
    saved = C.MLP.BIAS
    try:
        C.MLP.BIAS = saved * 3.0
        after = g(0.7, X)
        assert np.isclose(after, adjit.grad(lambda k, x: C.MODEL.loss(k, x))(0.7, X))
        assert not np.isclose(after, before)
    finally:
        C.MLP.BIAS = saved
