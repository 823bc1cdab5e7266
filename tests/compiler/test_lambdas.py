"""A lambda whose source can be read is differentiated like the def it stands for (issue 13, item
6): its generated code is named lambda_<line>_<column>; two lambdas on one line are told apart by where
their bodies start."""
import numpy as np
import pytest

import adjit

square_sum = lambda x: np.sum(x ** 2)  # noqa: E731
pair = (lambda x: np.sum(np.sin(x))), (lambda x: np.sum(np.cos(x)))


def test_lambda_bound_to_a_name():
    x = np.arange(3.0)
    np.testing.assert_allclose(adjit.grad(square_sum)(x), 2 * x)
    assert "def lambda_" in adjit.grad(square_sum).source(x)


def test_lambda_written_in_the_call():
    np.testing.assert_allclose(adjit.grad(lambda x, y: np.sum(x * y), wrt=1)(np.arange(3.0), np.ones(3)),
                               np.arange(3.0))


def test_two_lambdas_on_one_line():
    x = np.ones(2)
    np.testing.assert_allclose(adjit.grad(pair[0])(x), np.cos(x))
    np.testing.assert_allclose(adjit.grad(pair[1])(x), -np.sin(x))


def test_second_derivative_of_a_lambda():
    assert adjit.hessian(lambda t: t ** 3)(2.0) == pytest.approx(12.0)


def test_two_lambdas_of_one_line_in_a_fresh_process(tmp_path):
    """Both lambdas of one line compiled in one process, then in a new one from the disk cache:
    each gets its own gradient (their place and source text are the same)."""
    import os
    import sys
    import textwrap
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parents[1] / "runtime"))
    from procserver import Procs

    script = tmp_path / "two.py"
    script.write_text(textwrap.dedent("""
        import numpy as np, adjit
        f, g = (lambda x: np.sum(np.sin(x))), (lambda x: np.sum(np.cos(x)))
        x = np.ones(2)
        print(adjit.grad(f)(x)[0], adjit.grad(g)(x)[0])
    """))
    with Procs(dict(os.environ, ADJIT_CACHE_DIR=str(tmp_path / "cache"))) as server:  # forked processes
        for _ in range(2):
            out = server.run(None, script)  # as `python two.py`
            assert out.returncode == 0, out.stderr
            a, b = map(float, out.stdout.split())
            assert a == pytest.approx(np.cos(1.0)) and b == pytest.approx(-np.sin(1.0))
