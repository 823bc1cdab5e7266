"""Draws inside a top-level loop (2026-12-03 evening; a fuzz campaign's most frequent refusal,
3 of 80 programs): `rng = np.random.default_rng(42)` then `for _ in range(4): e = rng.standard_normal(6)`
was refused ('rng' is a Generator ... the compiled code reads it). NumPy now makes every iteration's
draws before the compiled code, in Python's order (hostlift._lift_loop_draws), and the loop reads
its row of each: values and gradients equal NumPy's on the same draws. A draw that may not run on
every iteration (under an `if`) keeps the located error. Run as Python (no Numba compile)."""
import numpy as np
import pytest

from adjit.compiler.errors import AdjitError
from conftest import check_against_fd, run_grad


def monte_carlo(x):
    rng = np.random.default_rng(42)
    acc = 0.0
    for _ in range(4):
        e = rng.standard_normal(6)
        acc += np.sum(np.tanh(x + 0.1 * e))
    return acc


def two_draws_per_step(x):
    rng = np.random.default_rng(7)
    acc = 0.0
    for t in range(1, 7, 2):
        e = rng.normal(0.0, 0.1, size=6)  # then u: NumPy's order, iteration by iteration
        u = rng.uniform()
        acc += np.sum(np.sin(x * t + e)) * u
    return acc


def global_generator(x):
    np.random.seed(3)
    acc = 0.0
    for _ in range(3):
        acc += np.sum(x * np.random.randn(6))
    return acc


@pytest.mark.parametrize("fun", [monte_carlo, two_draws_per_step, global_generator])
def test_every_iterations_draws_are_numpys(fun):
    check_against_fd(fun, [np.linspace(-0.9, 1.1, 6)], (0,), compiled=False)


def draw_under_a_branch(x):
    rng = np.random.default_rng(7)
    acc = 0.0
    for _ in range(3):
        if acc > 0:
            acc += rng.uniform()
        acc += np.sum(x ** 2)
    return acc


def test_a_draw_that_may_not_run_stays_a_located_error():
    with pytest.raises(AdjitError, match="random generator") as err:
        run_grad(draw_under_a_branch, (np.linspace(-0.9, 1.1, 6),), (0,))
    assert "test_loop_draws.py:" in str(err.value)


def seeded_after_np_add(x):
    t = np.sum(np.add(x, 1.0))  # np.add is no set's .add: nothing written into `np`
    np.random.seed(0)
    z = np.random.randn(6)
    return np.sum(x * z) + t


def test_a_seed_after_a_call_of_np_add_runs_before_the_compiled_code():
    """The fuzz campaign 10201's program 65: `np.random.seed(0)` was refused ('as a statement: adjit has
    no rule for it') after a line calling np.add, which host.py took for a write into `np` (a set's add)."""
    check_against_fd(seeded_after_np_add, [np.linspace(-0.9, 1.1, 6)], (0,), compiled=False)


def global_draws_inside_lines(x):
    np.random.seed(0)
    a = np.sum(x * np.random.randn(6))  # drawn before the compiled code, in Python's order
    return a + np.sum(x ** 2 * np.random.rand(6)) * np.random.uniform()


def test_global_draws_inside_a_line_reading_x():
    """`np.sum(x * np.random.randn(6))` after np.random.seed(0) was refused ('np.random.randn is not
    supported'); a generator's draws inside such a line were lifted out already, NumPy's global ones too now."""
    check_against_fd(global_draws_inside_lines, [np.linspace(-0.9, 1.1, 6)], (0,), compiled=False)


def draws_reading_the_loop_variable(x):
    rng = np.random.default_rng(7)
    acc = 0.0
    for t in range(3):
        acc += np.sum(x * rng.normal(loc=0.1 * t, size=6))
    return acc


def named_list_of_draws(x):
    rng = np.random.default_rng(7)
    E = [rng.normal(loc=0.1 * t, size=6) for t in range(3)]
    return sum(np.sum(x * e) for e in E)


@pytest.mark.parametrize("fun", [draws_reading_the_loop_variable, named_list_of_draws])
def test_draws_reading_the_comprehensions_own_variable(fun):
    """host.py counted a comprehension's own variable (`t` of `[rng.normal(loc=t) ...]`) as a read of an
    outer name bound nowhere before, so the draws stayed in the compiled code (refused); and a list of
    draws bound to a name was handed over as a list (refused: 'E' is a list)."""
    check_against_fd(fun, [np.linspace(-0.9, 1.1, 6)], (0,), compiled=False)
