"""A loop's `else:` clause, as Python runs it: the clause runs when no `break` of that loop ended
it (an inner loop's break is the inner loop's), and only then is it differentiated."""
import numpy as np

import corpus_control as C
from conftest import family_tests, run_grad

V = np.array([0.1, 0.5, 0.9, 0.3])
CASES = [
    (C.newton_for_else, lambda: (2.0, 1.0), (0, 1)),        # converges: the else never runs
    (C.newton_for_else, lambda: (-2.0, 1.0), (0, 1)),       # never converges: the else runs
    (C.while_else, lambda: (1.5, 2.0), (0, 1)),
    (C.search_for_else, lambda: (V.copy(), 0.7), (0,)),     # a break: the else is skipped
    (C.search_for_else, lambda: (V.copy(), 0.95), (0,)),    # no break: the else runs
    (C.else_breaks_outer, lambda: (V.copy(), 0.2), (0,)),
    (C.else_breaks_outer, lambda: (V.copy(), 0.8), (0,)),
]
IDS = [f"{f.__name__}-{k}" for k, (f, _, _) in enumerate(CASES)]
test_gradient, test_forward = family_tests(CASES, IDS, every=7)


def test_the_else_runs_only_without_a_break():
    for t in (0.7, 0.95):
        value, _ = run_grad(C.search_for_else, (V.copy(), t), (0,))
        assert np.isclose(value, C.search_for_else(V.copy(), t))
    value, _ = run_grad(C.newton_for_else, (-2.0, 1.0), (0,))
    assert value == 99.0
