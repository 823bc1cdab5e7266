"""Every error a user can cause: an adjit.AdjitError whose message has file:line:col, the source
line and a caret, raised before any compiled code runs."""
import re
import subprocess
import sys

import numpy as np
import pytest

import adjit
import corpus
from conftest import run_grad

CORPUS = corpus.__file__


def line_of(fn, text):
    import inspect

    lines, first = inspect.getsourcelines(fn)
    for k, line in enumerate(lines):
        if text in line:
            return first + k
    raise AssertionError(text)


def assert_diagnostic(err, fn, line_text, caret_under):
    msg = str(err)
    line = line_of(fn, line_text)
    assert f"{CORPUS}:{line}:" in msg, msg
    src_line, caret_line = msg.splitlines()[1:3]
    assert src_line.strip() == line_text.strip() or line_text.strip() in src_line, msg
    col = caret_line.index("^")
    width = caret_line.count("^")
    assert src_line[col:col + width] == caret_under, (src_line[col:col + width], msg)


def test_return_inside_loop_is_lowered_as_numpy_runs_it():
    # (issue 12: was rejected; tests/compiler/test_python_constructs.py checks the gradients)
    x = np.array([0.4, 0.9, 0.2])
    g = adjit.grad(corpus.returns_in_loop)(x)
    assert np.allclose(g, [1.0, 1.0, 0.0])


def test_name_assigned_only_in_a_loop_that_surely_runs_keeps_its_last_value():
    # a static trip count: accepted (issue 12); a run-time one is a located error, in
    # tests/compiler/test_python_constructs.py
    x = np.ones(3)
    assert np.allclose(adjit.grad(corpus.loop_local_used_after)(x), 2.0)


def test_name_assigned_in_one_branch_only():
    with pytest.raises(adjit.AdjitNameError, match="'y' is assigned in only one branch"):
        adjit.grad(corpus.one_branch_only)(np.ones(3))


def test_merged_value_changing_shape_is_an_error():
    with pytest.raises(adjit.AdjitTypeError, match="'h' changes shape between branches or iterations") as e:
        adjit.grad(corpus.shape_changing_branch)(np.ones(4))
    assert "hint:" in str(e.value)


def test_carried_value_changing_extent_is_a_run_time_extent():
    """h = h[1:] in a loop: h's extent is known only at run time inside and after the loop
    (tests/compiler/test_run_time_extents.py)."""
    assert np.allclose(adjit.grad(corpus.shape_changing_loop)(np.ones(4)), [0.0, 0.0, 1.0, 1.0])


def test_carried_value_changing_rank_in_a_loop_that_surely_runs_is_peeled():
    """h = np.sum(h) in `for i in range(2)`: the first iteration runs before the loop, as Python
    runs it, and the loop carries the number (loopvalues.peel_first_iteration)."""
    assert np.allclose(adjit.grad(corpus.rank_changing_loop)(np.ones(4)), np.ones(4))


def _rank_changing_while(x):
    h = x
    k = 0
    while k < int(x[0]) + 1:  # a trip count known only when it runs (Python: a number after it)
        h = np.sum(h)
        k += 1
    return h


def test_carried_value_changing_rank_is_an_error():
    with pytest.raises(adjit.AdjitTypeError, match="'h' changes type"):
        adjit.grad(_rank_changing_while)(np.ones(4))


def test_array_condition_is_ambiguous():
    with pytest.raises(adjit.AdjitTypeError, match="truth value of an array"):
        adjit.grad(corpus.array_condition)(np.ones(4))


def test_generators_closures_and_global_writes_rejected():
    # generators are lowered since issue 12 (tests/compiler/test_comprehensions.py)
    assert np.allclose(adjit.grad(corpus.uses_generator)(np.arange(3.0)), 2 * np.arange(3.0))
    # nested functions are inlined since issue 12 (tests/compiler/test_python_constructs.py)
    assert np.allclose(adjit.grad(corpus.defines_closure)(np.arange(3.0)), 2 * np.arange(3.0))
    with pytest.raises(adjit.UnsupportedSyntaxError, match="`global` is not supported"):
        adjit.grad(corpus.writes_global)


def test_try_rejected():
    # a handler runs only for np.linalg.LinAlgError (frontend/trystmt.py): any other is refused, located
    with pytest.raises(adjit.UnsupportedSyntaxError, match=r"`except ValueError`: adjit can run a handler only for "
                       r"np.linalg.LinAlgError(.|\n)*hint: catch np.linalg.LinAlgError"):
        adjit.grad(corpus.uses_try)


def test_print_skipped_with_a_located_warning():
    with pytest.warns(RuntimeWarning, match=r"corpus.py:\d+: print\(...\) is skipped"):
        g = adjit.grad(corpus.prints)(np.ones(3))
    assert np.allclose(g, adjit.grad(corpus.prints)(np.ones(3)))


def test_unknown_function_points_at_the_call():
    g = adjit.grad(corpus.unknown_function)
    with pytest.raises(adjit.AdjitNameError) as e:
        g(np.ones(3))
    assert "np.roots" in str(e.value) and "not supported" in str(e.value)
    assert_diagnostic(e.value, corpus.unknown_function, "np.roots(x)", "np.roots")


def test_undefined_name():
    with pytest.raises(adjit.AdjitNameError, match="name 'not_defined_anywhere' is not defined") as e:
        adjit.grad(corpus.undefined_name)(np.ones(3))
    assert_diagnostic(e.value, corpus.undefined_name, "not_defined_anywhere", "not_defined_anywhere")


def test_global_array_is_read_on_every_call():  # tests/compiler/test_globals.py has the rest
    assert np.allclose(adjit.grad(corpus.captures_global_array)(np.ones(3)), corpus.GLOBAL_ARRAY)


def test_non_scalar_result():
    with pytest.raises(adjit.AdjitTypeError, match="must return a scalar") as e:
        adjit.grad(corpus.returns_vector)(np.ones(3))
    assert_diagnostic(e.value, corpus.returns_vector, "return x * 2.0", "x * 2.0")
    assert "adjit.jacobian(f)" in str(e.value)


def _loss_and_extra(x):
    return np.sum(x ** 2), x[0]


def _draws_inside(x):
    return np.sum(x * np.random.rand(3))


def test_a_pair_returned_and_random_draws_name_their_rewrites():
    with pytest.raises(adjit.AdjitTypeError, match="must return a scalar") as e:
        adjit.grad(_loss_and_extra)(np.ones(3))
    assert "has_aux=True" in str(e.value)
    # draws from NumPy's global generator inside a line: made by NumPy before the compiled code, in
    # Python's order, as a whole-line draw is (hostlift.py; they were a located error before)
    np.random.seed(5)
    g = adjit.grad(_draws_inside)(np.ones(3))
    np.random.seed(5)
    assert np.array_equal(g, np.random.rand(3))


def test_wrong_argument_count():
    g = adjit.grad(corpus.two_dtypes)
    with pytest.raises(adjit.ArgumentError, match=r"takes 2 arguments but 3 were given"):
        g(np.ones(3), np.ones(3), np.ones(3))
    with pytest.raises(adjit.ArgumentError, match="missing required argument 'y'"):
        g(np.ones(3))
    with pytest.raises(adjit.ArgumentError, match="unexpected keyword argument 'z'"):
        g(np.ones(3), z=np.ones(3))


def test_integer_array_in_wrt():
    with pytest.raises(adjit.AdjitTypeError, match="argument 'x' is differentiated \\(wrt\\) but has type i64"):
        adjit.grad(corpus.two_dtypes)(np.arange(3), np.ones(3))
    # a string passed where an array is differentiated is named as the string it is (was "type none")
    with pytest.raises(adjit.AdjitTypeError, match="argument 'x' is differentiated \\(wrt\\) but is the string 'abc'"):
        adjit.grad(corpus.two_dtypes)("abc", np.ones(3))


def test_unknown_wrt_name():
    with pytest.raises(adjit.ArgumentError, match="has no argument named 'w'"):
        adjit.grad(corpus.two_dtypes, wrt="w")


def test_unsupported_argument_type():
    with pytest.raises(adjit.AdjitTypeError, match="adjit takes NumPy arrays and numbers"):
        adjit.grad(corpus.two_dtypes)(np.ones(3), {1.0, 2.0, 3.0})  # a set (a list is NumPy's sequence: computed)


def test_matmul_shape_mismatch_caught_before_compiled_code():
    g = adjit.grad(corpus.matmul_mismatch)
    with pytest.raises(adjit.ShapeError, match=r"inner dimensions differ: \(3, 4\) @ \(5, 2\)") as e:
        g(np.ones((3, 4)), np.ones((5, 2)))
    assert_diagnostic(e.value, corpus.matmul_mismatch, "a @ b", "a @ b")
    g(np.ones((3, 4)), np.ones((4, 2)))  # then a good call compiles and runs
    with pytest.raises(adjit.ShapeError):  # and a bad call with the same signature is still caught
        g(np.ones((3, 4)), np.ones((7, 2)))


def test_broadcast_mismatch_caught_before_compiled_code():
    g = adjit.grad(corpus.bcast_mismatch)
    g(np.ones((3, 4)), np.ones(4))
    with pytest.raises(adjit.ShapeError, match=r"could not be broadcast together with shapes \(3, 4\) \(3,\)") as e:
        g(np.ones((3, 4)), np.ones(3))
    assert_diagnostic(e.value, corpus.bcast_mismatch, "h = a + b", "a + b")
    assert "hint:" in str(e.value)


def test_recursion_rejected():
    with pytest.raises(adjit.UnsupportedSyntaxError, match="recursive recurses deeper than 24 calls"):
        adjit.grad(corpus.recursive)(np.ones(3))


def test_errors_are_compiler_diagnostics_not_tracebacks():
    """The message is the whole story: one line 'file:line:col: error: ...', the source, a caret."""
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(corpus.unknown_function)(np.ones(3))
    first = str(e.value).splitlines()[0]
    assert re.match(r".+corpus\.py:\d+:\d+: error: ", first), first


def test_cli_reports_errors_without_traceback(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("import numpy as np\n\ndef f(x):\n    return np.sum(np.fft.fft(x))\n")
    out = subprocess.run([sys.executable, "-m", "adjit", "show", f"{bad}:f", "--args", "f64[4]"],
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert "bad.py:4:" in out.stderr and "Traceback" not in out.stderr and "^" in out.stderr


def test_errors_inside_called_functions_name_the_call_site():
    with pytest.raises(adjit.ShapeError) as e:
        adjit.grad(corpus.calls_bad_helper)(np.ones((3, 4)), np.ones(3))
    msg = str(e.value)
    assert f"{CORPUS}:{line_of(corpus.helper_with_bad_shapes, 'return a + b')}:" in msg
    call_line = line_of(corpus.calls_bad_helper, "z = helper_with_bad_shapes(x, y)")
    assert f"{CORPUS}:{call_line}:" in msg and "note: in the call of helper_with_bad_shapes() from here" in msg


@pytest.mark.parametrize("fn", [corpus.writes_through_alias, corpus.loop_writes_through_alias])
def test_writes_through_a_second_name_are_numpys(fn):
    """`y = x; y[0] = 5.0` then x read: x is y (rowviews.rewrite_view_name, since 2026-12-03
    evening; was the located error 'would also change x'): NumPy's value, the gradient of it."""
    x = np.array([0.3, 0.9, -0.4])
    value, g = run_grad(fn, (x.copy(),), (0,))
    assert np.isclose(value, fn(x.copy()), rtol=1e-14)
    expect = [0.0, 1.8, -0.8] if fn is corpus.writes_through_alias else [2.0, 2.0, 1.0]  # d/dx of NumPy's value
    np.testing.assert_allclose(g[0] if isinstance(g, tuple) else g, expect, rtol=1e-14)


@pytest.mark.parametrize("fn,shared", [(corpus.writes_through_view_then_rebinds, "x (of which it is a view)")])
def test_writes_through_a_shared_array_are_rejected(fn, shared):
    """NumPy would change x too; adjit's arrays are values, so it asks for a copy instead of
    silently computing something else."""
    with pytest.raises(adjit.UnsupportedSyntaxError) as e:
        adjit.grad(fn)(np.array([0.3, 0.9, -0.4]))
    assert f"would also change {shared}" in str(e.value) and "y = y.copy()" in str(e.value)


def test_writes_through_a_view_change_its_array_as_in_numpy():
    """`y = x[1:]; y[0] = 5.0` writes x[1] (rowviews.rewrite_view_name): NumPy's value and gradient."""
    x = np.array([0.3, 0.9, -0.4])
    np.testing.assert_allclose(adjit.grad(corpus.writes_through_view)(x), [0.6, 0.0, -0.8])


def test_writes_into_a_copy_are_fine():
    x = np.array([0.3, 0.9, -0.4])
    np.testing.assert_allclose(adjit.grad(corpus.writes_into_copy)(x), 2 * x + np.array([0.0, 1.0, 1.0]))
