"""scipy.integrate.solve_ivp(method='RK45', t_eval=...) inside a differentiated function
(compiler/frontend/odes.py: SciPy's RK45 steps replayed in plain NumPy, the user's fun inlined;
the derivative of that computation, step-size control included). Was the located error
'adjit differentiates the code it compiles, not SciPy's solvers'. Run as Python."""
import numpy as np
import pytest
from scipy.integrate import solve_ivp

import adjit
from conftest import check_against_fd, forward_check, run_grad

TS = np.linspace(0.0, 4.0, 9)


def oscillator(t, y, k, c):
    return [y[1], -k * y[0] - c * y[1]]


def fit_oscillator(p, y0):
    sol = solve_ivp(oscillator, (0.0, 4.0), y0, t_eval=TS, args=tuple(p), rtol=1e-8, atol=1e-10)
    return np.sum((sol.y[0] - np.sin(sol.t)) ** 2) + sol.y[1, -1]


SPAN = np.array([0.0, 3.0])


def tuple_rhs(t, y, k):
    return (y[1], -k * y[0])


def spans_and_lists(k):  # t_span an array, y0 a list of ints, t_eval a list, rhs returning a tuple
    sol = solve_ivp(tuple_rhs, SPAN, [1, 0], args=(k,), t_eval=[0.5, 1.5, 3.0], rtol=1e-9, atol=1e-11)
    return np.sum(sol.y[1]) + np.sum(sol.t)


def linear_system(A, y0):  # a lambda reading A; default tolerances (steps rejected along the way)
    sol = solve_ivp(lambda t, y: A @ y * (1.0 + 0.1 * np.sin(t)), [0.0, 3.0], y0, t_eval=np.array([0.5, 1.0, 3.0]))
    return np.sum(sol.y ** 2) + float(sol.success)


def test_values_are_scipys_and_gradients_exact():
    p, y0 = np.array([2.0, 0.3]), np.array([1.0, 0.0])
    value, _ = run_grad(fit_oscillator, (p, y0), (0, 1))
    assert abs(value - fit_oscillator(p, y0)) <= 1e-12 * abs(value)
    check_against_fd(fit_oscillator, [p, y0], (0, 1), compiled=False)
    check_against_fd(spans_and_lists, [1.3], (0,), compiled=False)
    A = np.array([[-0.5, 1.0], [-1.0, -0.3]])
    check_against_fd(linear_system, [A, np.array([1.0, 0.5])], (0, 1), compiled=False)
    forward_check(linear_system, [A, np.array([1.0, 0.5])], (0, 1),
                  run_grad(linear_system, (A, np.array([1.0, 0.5])), (0, 1))[1], seed=3, rtol=1e-9)


def rk23(p, y0):
    sol = solve_ivp(oscillator, (0.0, 4.0), y0, method="RK23", args=tuple(p), rtol=1e-6, atol=1e-9, max_step=0.1)
    return np.sum(sol.y[:, -1] ** 2) + sol.y[0, 5]


def dop853(p, y0):  # its own error norm and a 7th-order interpolant from three more stages at t_eval
    sol = solve_ivp(oscillator, (0.0, 4.0), y0, method="DOP853", args=tuple(p), rtol=1e-10, atol=1e-12, t_eval=TS)
    return np.sum(sol.y ** 2)


@pytest.mark.parametrize("fun", [rk23, dop853])
def test_rk23_and_dop853_are_scipys(fun):
    p, y0 = np.array([2.0, 0.3]), np.array([1.0, 0.2])
    assert run_grad(fun, (p, y0), (0, 1))[0] == fun(p, y0)
    check_against_fd(fun, [p, y0], (0, 1), compiled=False)


def stiff_method(p, y0):
    return np.sum(solve_ivp(oscillator, (0.0, 4.0), y0, method="LSODA", t_eval=TS, args=tuple(p)).y)


def final_state(p, y0):  # no t_eval: every accepted step, a length known when it runs
    # steps bounded by max_step: the same step times around p, where central differences are smooth
    # (an adaptive step sequence makes the result piecewise smooth at the tolerance's scale)
    sol = solve_ivp(oscillator, (0.0, 4.0), y0, args=tuple(p), rtol=1e-6, atol=1e-9, max_step=0.05)
    return np.sum(sol.y[:, -1] ** 2) + sol.t[-1] + sol.y[0, 3]  # (a sum over the steps jumps where their count does)


def test_without_t_eval_the_steps():
    """SciPy's every step, bit for bit (the error norm as SciPy computes it). y0 away from 0: the
    tolerance's scale atol + |y0| rtol has a kink there."""
    p, y0 = np.array([2.0, 0.3]), np.array([1.0, 0.2])
    assert run_grad(final_state, (p, y0), (0, 1))[0] == final_state(p, y0)
    check_against_fd(final_state, [p, y0], (0, 1), compiled=False)


@pytest.mark.parametrize("fun,words", [(stiff_method, "RK45, RK23 and DOP853 steps only")])
def test_what_is_not_replayed_is_located(fun, words):
    with pytest.raises(adjit.AdjitError, match=words) as e:
        adjit.grad(fun)(np.array([2.0, 0.3]), np.array([1.0, 0.0]))
    assert e.value.loc is not None and "test_solve_ivp.py" in str(e.value)


def unsorted_t_eval(p, y0):
    return np.sum(solve_ivp(oscillator, (0.0, 4.0), y0, args=tuple(p), t_eval=np.array([2.0, 1.0])).y)


def test_scipys_value_errors_where_scipy_raises_them():
    """t_eval outside t_span or unsorted, y0 not finite: SciPy's ValueError and message (the replay
    would have extrapolated silently)."""
    with pytest.raises(ValueError, match="not properly sorted"):
        run_grad(unsorted_t_eval, (np.array([2.0, 0.3]), np.array([1.0, 0.0])), (0,))


def with_events(p, y0):
    return np.sum(solve_ivp(oscillator, (0.0, 4.0), y0, args=tuple(p), events=lambda t, y, k, c: y[0]).y)


def with_dense_output(p, y0):
    return np.sum(solve_ivp(oscillator, (0.0, 4.0), y0, args=tuple(p), dense_output=True, t_eval=TS).y)


@pytest.mark.parametrize("fun,words", [(with_events, r"events=\.\.\.\) is not supported"),
                                       (with_dense_output, r"dense_output=\.\.\.\) is not supported")])
def test_options_not_replayed_are_located(fun, words):
    with pytest.raises(adjit.AdjitError, match=words) as e:
        adjit.grad(fun)(np.array([2.0, 0.3]), np.array([1.0, 0.0]))
    assert e.value.loc is not None and "test_solve_ivp.py" in str(e.value)
