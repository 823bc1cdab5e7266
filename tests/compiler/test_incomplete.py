"""scipy.special's incomplete gamma and beta functions and the factorials (compiler/frontend/forms/
incomplete.py, rows in primitives/special.py, kernels in runtime/incomplete.py): the compiled
kernels against SciPy, the derivative in x against the densities and central differences, forward
mode, a derivative in a shape parameter a located error (reverse and forward mode, through
scipy.stats' cdfs too), math.factorial of a run-time int (its value, Python's ValueError when it
runs, TypeError for a float) and scipy.special.factorial of floats."""
import math

import numpy as np
import pytest
import scipy.special as sp
from scipy import stats

import adjit
from conftest import check_against_fd, check_forward, import_source, run_grad, run_jvp

R = np.random.default_rng(5)


def test_kernels_are_scipys():
    """The compiled kernels call SciPy's own code: equal to the bit, edge values included."""
    from adjit.runtime import incomplete as K

    a = [1e-3, 0.3, 1.0, 2.5, 40.0, 1e3, 0.0, np.nan, 3.0]
    x = [1e-8, 0.7, 0.0, 3.0, 39.0, 1.1e3, 1.0, 1.0, np.inf]
    with np.errstate(all="ignore"):
        for ai, xi in zip(a, x):
            u = xi / (1 + xi) if np.isfinite(xi) else 1.0
            got = (K.gammainc_kernel(ai, xi), K.gammaincc_kernel(ai, xi), K.betainc_kernel(ai, xi + 0.5, u),
                   K.betaincc_kernel(ai, 2.0, u))
            want = (sp.gammainc(ai, xi), sp.gammaincc(ai, xi), sp.betainc(ai, xi + 0.5, u), sp.betaincc(ai, 2.0, u))
            np.testing.assert_array_equal(got, want)
    k = np.concatenate([np.arange(-3.0, 175.0), [2.5, 0.5, -0.5, 170.5, 171.5, np.nan]])
    # SciPy's is gamma(k + 1), 1 ulp off at some integers; ours the float nearest k! (Python's float of the int)
    np.testing.assert_allclose([K.factorial_kernel(v) for v in k], sp.factorial(k), rtol=1e-15)
    assert [K.factorial_kernel(float(v)) for v in range(171)] == [float(math.factorial(v)) for v in range(171)]
    assert [K.factorial_int_kernel(v) for v in range(171)] == [float(math.factorial(v)) for v in range(171)]


def incomplete_in_x(x, y):
    return np.sum(sp.gammainc(2.5, x) * y) + np.sum(sp.gammaincc(0.4, x)) + np.sum(sp.betainc(1.5, 3.0, y / 4)) \
        + np.sum(sp.betaincc(0.6, 2.0, x / 5) * x) + np.sum(sp.factorial(x + y))


def test_derivatives_against_finite_differences():
    args = (R.uniform(0.2, 4.0, 6), R.uniform(0.1, 3.5, 6))
    check_against_fd(incomplete_in_x, args, (0, 1), compiled=False)
    check_forward(incomplete_in_x, args, (0, 1), compiled=False)


def test_derivative_is_the_density():
    def f(x):
        return np.sum(sp.gammainc(0.3, x)) + np.sum(sp.betainc(2.5, 0.7, x / 20))

    x = np.concatenate([np.logspace(-6, 1.2, 40)])
    _, (g,) = run_grad(f, (x,), (0,))
    np.testing.assert_allclose(g, stats.gamma.pdf(x, 0.3) + stats.beta.pdf(x / 20, 2.5, 0.7) / 20, rtol=1e-13)


def shape_wrt(x, a):
    return np.sum(sp.gammainc(a, x))


def shape_b(x, a):
    return np.sum(sp.betaincc(0.5, a * 2, x / 10))


def cdf_shape(x, a):
    return np.sum(stats.gamma.cdf(x, a) + stats.t.sf(x, 2.0 * a))


@pytest.mark.parametrize("fun,what", [(shape_wrt, "scipy.special.gammainc with respect to `a`"),
                                      (shape_b, "scipy.special.betaincc with respect to `b`"),
                                      (cdf_shape, "with respect to `")])
@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_a_derivative_in_a_shape_is_a_located_error(fun, what, mode):
    args = (np.array([0.5, 1.5]), 2.0)
    with pytest.raises(adjit.AdjitError) as e:
        if mode == "reverse":
            adjit.grad(fun, wrt=(0, 1)).source(*args)
        else:
            run_jvp(fun, args, (0, 1), [np.ones(2), 1.0])
    assert what in str(e.value) and e.value.loc is not None and "test_incomplete.py" in str(e.value)
    # not differentiated in the shape: the derivative in x alone
    check_against_fd(fun, args, (0,), compiled=False)


def series(w, n):
    s = 0.0
    for k in range(n):
        s = s + w[k] / math.factorial(k) + w[k] * math.factorial(3)
    return s


def test_math_factorial_of_a_run_time_int():
    w = R.standard_normal(25)
    got = adjit.value_and_grad(series)(w, 23)
    assert got[0] == pytest.approx(series(w, 23), rel=1e-14)
    want = np.array([1 / math.factorial(k) + 6 if k < 23 else 0.0 for k in range(25)])
    np.testing.assert_array_equal(got[1], want)
    assert "scipy.special.factorial(k)" in adjit.grad(series).source(w, 23)


def test_math_factorial_errors(tmp_path):
    mod = import_source(tmp_path, "fact_err", "import math\nimport numpy as np\n\n"
                        "def neg(x, k):\n    return x * math.factorial(k - 5)\n\n"
                        "def big(x, k):\n    return x / math.factorial(k * 100)\n\n"
                        "def flt(x, k):\n    return math.factorial(x)\n")
    with pytest.raises(ValueError, match="factorial\\(\\) not defined for negative values"):
        adjit.grad(mod.neg)(1.5, 2)
    with pytest.raises(OverflowError, match="int too large to convert to float"):  # the lowered module as Python
        run_grad(mod.big, (1.5, 2), (0,))
    with pytest.raises(adjit.AdjitError, match="math.factorial takes an int") as e:
        adjit.grad(mod.flt)(1.5, 2)
    assert e.value.loc.line == 11


def test_factorial_of_numbers_is_the_librarys_when_compiled():
    def f(x):
        return x * sp.factorial(4) + x * sp.factorial(3, exact=True) + np.sum(np.zeros(sp.factorial(3, exact=True)))

    assert adjit.grad(f)(1.5) == 30.0


def test_factorial_exact_of_a_run_time_value_is_refused():
    def f(x):
        return np.sum(sp.factorial(x, exact=True))

    with pytest.raises(adjit.AdjitError, match="exact=True"):
        adjit.grad(f)(np.array([1.0, 2.0]))
