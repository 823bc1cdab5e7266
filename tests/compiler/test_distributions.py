"""scipy.stats' distributions (forms/distributions.py, densities.py): every method of every
distribution elementwise against SciPy (rtol 1e-12), inside and outside the support, on its
bounds and at NaN, with invalid parameters, and its forward-mode derivative along a random
direction of x, loc, scale and the shape parameters against central differences; then Bayesian
programs (eight schools non-centred with a half-Cauchy prior, a gamma-Poisson model, a
beta-binomial, a multivariate normal, frozen distributions, broadcasting between x and the
parameters) through reverse mode against finite differences and forward mode; the readable
source; located errors for what is not supported.

Each elementwise case runs the lowered module as plain Python (conftest.run_jvp): no Numba compile."""
import math

import numpy as np
import pytest
import scipy.stats
from scipy import stats
from scipy.stats import beta, binom, cauchy, expon, gamma, halfcauchy, multivariate_normal, norm, poisson

import adjit
from adjit.compiler.frontend.forms.densities import CONTINUOUS, DISCRETE
from conftest import check_readable, family_tests, import_source, run_grad, run_jvp

SHAPES = {"c": 1.6, "df": 3.5, "a": 2.3, "b": 1.7, "s": 0.6, "mu": 2.5, "n": 7.0, "p": 0.35}
LOC, SCALE = 0.2, 1.3
INCOMPLETE = ("gamma", "beta", "t", "chi2")  # cdf/sf by scipy.special.gammainc/betainc
Z = np.array([-1.3, -0.2, 0.0, 0.04, 0.3, 0.5, 0.77, 1.0, 1.4, 2.2, 3.0, 8.0, np.nan])


def _module(tmp_path, name, text):
    return import_source(tmp_path, name, text)


def _directional_fd(f, args, tangents, eps=1e-6):
    plus = [a + eps * t for a, t in zip(args, tangents)]
    minus = [a - eps * t for a, t in zip(args, tangents)]
    with np.errstate(all="ignore"):
        return (f(*plus) - f(*minus)) / (2 * eps)


def _check_elementwise(f, args, ref, tangents, away_from):
    with np.errstate(all="ignore"):
        value, tangent = run_jvp(f, args, tuple(range(len(args))), tangents)
    np.testing.assert_allclose(value, ref, rtol=1e-12, atol=0)
    fd = _directional_fd(f, args, tangents)
    ok = np.isfinite(ref) & away_from
    np.testing.assert_allclose(np.asarray(tangent)[ok], fd[ok], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("name", list(CONTINUOUS))
def test_continuous_elementwise_against_scipy(name, tmp_path):
    """Every method of the distribution, stacked: one lowering per distribution."""
    spec = CONTINUOUS[name]
    names = "".join(f", {s}" for s in spec.shapes)
    fixed = "".join(f", {SHAPES[s]}" for s in spec.shapes)  # the incomplete gamma/beta: no derivative in a shape
    calls = ", ".join(f"scipy.stats.{name}.{m}(x{fixed if name in INCOMPLETE and 'pdf' not in m else names}, "
                      "loc=loc, scale=scale)" for m in spec.methods)
    mod = _module(tmp_path, f"cont_{name}", f"import numpy as np\nimport scipy.stats\n\n"
                  f"def f(x, loc, scale{names}):\n    return np.stack([{calls}])\n\n\n"
                  f"def g(x, loc, scale{names}):\n    v = f(x, loc, scale{names})\n"
                  "    return np.sum(np.where(np.isfinite(v), v, 0.0))\n")
    shapes = [SHAPES[s] for s in spec.shapes]
    x = LOC + SCALE * Z
    dist = getattr(scipy.stats, name)
    ref = np.stack([getattr(dist, m)(x, *shapes, loc=LOC, scale=SCALE) for m in spec.methods])
    rng = np.random.default_rng(7)
    tangents = [rng.standard_normal(x.shape)] + [float(rng.standard_normal()) for _ in range(2 + len(shapes))]
    z = (x - LOC) / SCALE
    away = (np.abs(z - spec.lo) > 1e-3) & (np.abs(z - spec.hi) > 1e-3)
    _check_elementwise(mod.f, (x, LOC, SCALE, *shapes), ref, tangents, np.broadcast_to(away, ref.shape))
    # reverse mode of the finite values' sum (the bounds and outside the support too; not NaN x):
    # the gradient along the tangents is the forward mode's, and never NaN (a where's zero
    # cotangent stays zero)
    keep = ~np.isnan(x)
    args = (x[keep], LOC, SCALE, *shapes)
    tangents[0] = tangents[0][keep]
    with np.errstate(all="ignore"):
        _, grads = run_grad(mod.g, args, tuple(range(len(args))))
        _, jvp = run_jvp(mod.f, args, tuple(range(len(args))), tangents)
    assert not any(np.isnan(gr).any() for gr in grads)
    jvp = np.where(np.isfinite(ref[:, keep]), jvp, 0.0)
    if np.isfinite(jvp).all() and all(np.isfinite(gr).all() for gr in grads):  # else an infinite one-sided
        assert np.isclose(sum(float(np.sum(gr * t)) for gr, t in zip(grads, tangents)), np.sum(jvp), rtol=1e-9)


def test_invalid_parameters_give_nan(tmp_path):
    mod = _module(tmp_path, "invalid_params", "from scipy.stats import gamma, norm\n\ndef f(x, a, scale):\n"
                  "    return gamma.logpdf(x, a, scale=scale) + norm.cdf(x, 0.0, scale)\n")
    x = np.array([0.5, 1.0, 2.0])
    for a, scale in [(-1.0, 1.0), (2.0, -1.0), (0.0, 1.0), (2.0, 0.0)]:
        value, _ = run_jvp(mod.f, (x, a, scale), (0,), [np.ones(3)])
        with np.errstate(all="ignore"):
            np.testing.assert_array_equal(value, gamma.logpdf(x, a, scale=scale) + norm.cdf(x, 0.0, scale))


@pytest.mark.parametrize("name", list(DISCRETE))
def test_discrete_elementwise_against_scipy(name, tmp_path):
    spec = DISCRETE[name]
    names = "".join(f", {s}" for s in spec.shapes)
    calls = ", ".join(f"scipy.stats.{name}.{m}(k{names})" for m in spec.methods)
    mod = _module(tmp_path, f"disc_{name}", f"import numpy as np\nimport scipy.stats\n\n"
                  f"def f(k{names}):\n    return np.stack([{calls}])\n")
    k = np.array([-1.0, 0.0, 0.5, 1.0, 2.0, 3.0, 7.0, 8.0, np.nan])
    shapes = [2.7 if (name, s) == ("nbinom", "n") else SHAPES[s] for s in spec.shapes]
    rng = np.random.default_rng(3)
    dist = getattr(scipy.stats, name)
    for edge in ([], [0.0], [1.0], [-0.5]):  # the parameter on a bound of its range, and outside it
        args = [np.float64(edge[0]) if edge and s in ("mu", "p") else v for s, v in zip(spec.shapes, shapes)]
        ref = np.stack([getattr(dist, m)(k, *args) for m in spec.methods])
        wrt = tuple(1 + i for i, s in enumerate(spec.shapes) if s not in spec.data)
        tangents = [float(rng.standard_normal()) for _ in wrt]
        with np.errstate(all="ignore"):
            value, tangent = run_jvp(mod.f, (k, *args), wrt, tangents)
        np.testing.assert_allclose(value, ref, rtol=1e-12, atol=0)
        if not edge:
            full = [0.0] + [0.0] * len(args)
            for i, t in zip(wrt, tangents):
                full[i] = t
            fd = _directional_fd(mod.f, (k, *args), full)
            ok = np.isfinite(ref)
            np.testing.assert_allclose(np.asarray(tangent)[ok], fd[ok], rtol=1e-6, atol=1e-9)


# ------------------------------------------------------------------------------------- programs
def eight_schools(mu, tau, eta, y, sigma):
    """Non-centred eight schools with a half-Cauchy prior on tau (three call forms)."""
    theta = mu + tau * eta
    return (np.sum(norm.logpdf(y, theta, sigma)) + np.sum(stats.norm.logpdf(eta)) + norm.logpdf(mu, 0, 5)
            + halfcauchy.logpdf(tau, 0, 5) + scipy.stats.cauchy.logpdf(mu, loc=0.0, scale=tau))


def gamma_poisson(log_rate, a, k):
    rate = np.exp(log_rate)
    return np.sum(poisson.logpmf(k, rate)) + np.sum(gamma.logpdf(rate, a, scale=1.5)) + np.sum(poisson.pmf(k, rate))


def beta_binomial(p, a, b, k, n):
    return np.sum(binom.logpmf(k, n, p)) + np.sum(beta.logpdf(p, a, b)) + np.sum(stats.nbinom.logpmf(k, a, p))


def broadcast_parameters(x, loc, scale):
    """x (5,) against loc (3, 1): a (3, 5) result; a number x against an array of scales."""
    return np.sum(stats.t.logpdf(x, 4.5, loc, scale[0])) + np.sum(expon.sf(0.7, loc=loc, scale=scale)) \
        + np.sum(stats.logistic.logcdf(x, loc=loc)) + np.sum(stats.laplace.cdf(x, loc, scale[1]))


def frozen(x, m, s):
    prior = norm(m, s)
    lik = stats.gamma(2.5, scale=s)
    return np.sum(prior.logpdf(x)) + np.sum(lik.logpdf(x * x)) + prior.cdf(0.3) + np.sum(lik.logsf(x * x)) \
        + np.sum(stats.t(3.0, m).cdf(x)) + np.sum(stats.beta.cdf(1 / (1 + x * x), 2.0, 1.5)) + stats.chi2.cdf(s, 2.5)


def mvn_rows(X, m, A):
    S = A @ A.T + 2.0 * np.eye(3)
    return np.sum(multivariate_normal.logpdf(X, m, S)) + multivariate_normal(m, S).logpdf(X[0]) \
        + np.sum(multivariate_normal.pdf(X, m, cov=np.array([1.0, 2.0, 0.5]))) + np.sum(multivariate_normal.logpdf(X, m)) \
        + np.sum(multivariate_normal.logpdf(X[:, 0], 0.5, 1.7))


def mixed_scalars(x, a, s):
    """Every distribution's methods on numbers and arrays, in one program."""
    z = np.abs(x) + 0.1
    total = 0.0
    for d in (stats.lognorm, stats.invgamma):
        total += np.sum(d.logpdf(z, s)) + np.sum(d.pdf(z, s, scale=a))
    total += np.sum(stats.lognorm.cdf(z, s)) + stats.halfnorm.logpdf(a) + np.sum(stats.uniform.logpdf(x, -2.0, a + 3))
    return total + np.sum(stats.beta.pdf(1 / (1 + z), a, 2.0)) + cauchy.logsf(a, 0.5, s) + expon.logcdf(a, scale=s)


def selections_and_dtypes(x, mu, s):
    """A boolean-mask selection, int data and a float32 array (SciPy computes in float64)."""
    return np.sum(cauchy.logpdf(x[x > 0], mu, s)) + np.sum(norm.logpdf(np.arange(4), mu)) \
        + np.sum(stats.expon.logpdf(np.arange(0.5, 3.0).astype(np.float32), scale=s)) + np.sum(stats.t.pdf(x, 3.0) * mu)


R = np.random.default_rng(11)
CASES = [
    (eight_schools, lambda: (1.0, 2.5, np.linspace(-1, 1, 8), np.array([28.0, 8, -3, 7, -1, 1, 18, 12]),
                             np.array([15.0, 10, 16, 11, 9, 11, 10, 18])), (0, 1, 2)),
    (selections_and_dtypes, lambda: (R.standard_normal(7), 0.4, 1.2), (0, 1, 2)),
    (gamma_poisson, lambda: (R.standard_normal(6) * 0.3, 2.2, np.array([0, 1, 3, 2, 0, 5])), (0, 1)),
    (beta_binomial, lambda: (np.array([0.2, 0.45, 0.7]), 2.5, 1.5, np.array([1, 4, 9]), np.array([5, 10, 12])),
     (0, 1, 2)),
    (broadcast_parameters, lambda: (R.standard_normal(5), R.standard_normal((3, 1)), np.array([1.3, 0.7])),
     (0, 1, 2)),
    (mvn_rows, lambda: (R.standard_normal((5, 3)), R.standard_normal(3), R.standard_normal((3, 3))), (0, 1, 2)),
    (frozen, lambda: (R.standard_normal(4), 0.3, 1.4), (0, 1, 2)),
    (mixed_scalars, lambda: (R.standard_normal(4), 1.7, 0.8), (0, 1, 2)),
]
IDS = [c[0].__name__ for c in CASES]
test_programs_against_finite_differences, test_programs_forward_mode = family_tests(CASES, IDS, every=6)  # compiles 2


def test_log_ndtr_tails(tmp_path):
    """norm.logcdf/logsf and lognorm's far in the tails, where the cdf underflows: SciPy's log_ndtr."""
    mod = _module(tmp_path, "tails", "from scipy.stats import lognorm, norm\n\ndef f(x, s):\n"
                  "    return norm.logcdf(x) + norm.logsf(x, 0.5, s) + lognorm.logcdf(x, s) + lognorm.logsf(x, s)\n")
    x = np.concatenate([-np.logspace(-3, 3, 40), np.logspace(-3, 2, 30), [0.0, -30.0, -30.001, np.nan, np.inf]])
    with np.errstate(all="ignore"):
        ref = norm.logcdf(x) + norm.logsf(x, 0.5, 2.0) + stats.lognorm.logcdf(x, 2.0) + stats.lognorm.logsf(x, 2.0)
    _check_elementwise(mod.f, (x, 2.0), ref, [np.ones_like(x), 0.5], np.abs(x) > 1e-2)


def test_readable_source():
    args = CASES[0][1]()
    check_readable(eight_schools, args, (0, 1, 2), compiled=False)
    src = adjit.grad(eight_schools, wrt=(0, 1, 2)).source(*args)
    assert "np.log1p(" in src and "np.where(tau <= 0, np.nan" in src and "- -" not in src


def test_numbers_are_folded():
    def f(x):
        return x * (norm.logpdf(0.3) + stats.t.logpdf(1.0, 3) + gamma.cdf(2.0, 1.5) + poisson.logpmf(2, 1.5)
                    + norm.ppf(0.975) + stats.t.interval(0.9, 4)[1])

    want = norm.logpdf(0.3) + stats.t.logpdf(1.0, 3) + gamma.cdf(2.0, 1.5) + poisson.logpmf(2, 1.5) + norm.ppf(0.975) \
        + stats.t.interval(0.9, 4)[1]
    assert math.isclose(adjit.grad(f)(2.0), want, rel_tol=1e-14)


@pytest.mark.parametrize("src,message", [
    ("cauchy.ppf(x)", "`cauchy.ppf` is not supported"),
    ("stats.genextreme.logpdf(x, 0.1)", "`scipy.stats.genextreme` is not supported"),
    ("gamma.logpdf(x)", "missing argument 'a'"),
    ("norm(0.5, x[0]).rvs(3)", "`norm.rvs` is not supported"),
    ("multivariate_normal.logpdf(x, np.zeros(2), np.eye(2), allow_singular=True)", "allow_singular=True"),
    ("norm.logpdf(x, None)", "NoneType cannot be used as a value"),
    ("gamma(2.0, scale=x[0]).logpdf(x, scale=2.0)", "takes the points only"),
])
def test_located_errors(src, message, tmp_path):
    mod = _module(tmp_path, f"err_{abs(hash(src))}", "import numpy as np\nfrom scipy import stats\n"
                  "from scipy.stats import cauchy, gamma, multivariate_normal, norm\n\n"
                  f"def f(x):\n    return np.sum({src})\n")
    with pytest.raises(adjit.AdjitError, match=message) as info:
        adjit.grad(mod.f)(np.array([0.3, 0.9]))
    assert info.value.loc is not None and info.value.loc.line == 6
    if "ppf" in src:
        assert "cauchy.logpdf" in str(info.value)


BOUND_CALLS = {  # method calls on a closed support's bound (loc = 0.2, scale = 1.3: z = 0 at x = 0.2)
    "gamma": "stats.gamma.{m}(x, a, loc=loc, scale=scale)", "beta": "stats.beta.{m}(x, a, b, loc=loc, scale=scale)",
    "expon": "stats.expon.{m}(x, loc=loc, scale=scale)", "halfnorm": "stats.halfnorm.{m}(x, loc=loc, scale=scale)",
    "uniform": "stats.uniform.{m}(x, loc=loc, scale=scale)", "weibull_min": "stats.weibull_min.{m}(x, a, loc=loc, scale=scale)"}


@pytest.mark.parametrize("name", list(BOUND_CALLS))
def test_bounds_one_sided_derivatives(name, tmp_path):
    """On a closed support's bound, where the value is finite, every partial derivative is the
    one-sided one from inside the support (finite differences from inside); the pdf where its
    log-density is -inf there (gamma, beta with a shape > 1) is 0 with derivative C p u^(p-1):
    0, C, or inf (1 < a < 2). No NaN where the value is finite, but in forward mode along a
    direction that does not move x where d/dx is inf (IEEE's 0 * inf, as JAX's JVP)."""
    spec = CONTINUOUS[name]
    methods = [m for m in ("logpdf", "pdf", "cdf", "sf") if m in spec.methods and (name not in INCOMPLETE or "pdf" in m)]
    calls = ", ".join(BOUND_CALLS[name].format(m=m) for m in methods)
    mod = _module(tmp_path, f"bound_{name}", "import numpy as np\nfrom scipy import stats\n\n"
                  f"def f(x, loc, scale, a, b):\n    return np.stack([{calls}])\n")
    bounds = [spec.lo] + ([spec.hi] if spec.hi < math.inf else [])
    for a, b in [(1.0, 1.0), (1.5, 2.0), (2.0, 1.0), (2.5, 3.0)] if spec.shapes else [(1.0, 1.0)]:
        for zb in bounds:
            args = (np.array([LOC + SCALE * zb]), LOC, SCALE, a, b)
            inward = 1.0 if zb == spec.lo else -1.0
            ref = np.stack([getattr(getattr(stats, name), m)(args[0], *(a, b)[:len(spec.shapes)], loc=LOC, scale=SCALE)
                            for m in methods])
            for i in range(5):
                tangents = [np.zeros(1), 0.0, 0.0, 0.0, 0.0]
                tangents[i] = np.ones(1) if i == 0 else 1.0
                value, tangent = run_jvp(mod.f, args, tuple(range(5)), tangents)
                np.testing.assert_allclose(value, ref, rtol=1e-12)
                # a step that keeps z inside (x and loc move z against scale's way on the upper bound)
                h = 1e-9 * inward * (-1.0 if i == 1 or (i == 2 and zb > 0) else 1.0)
                step = [v + h * np.asarray(t) for v, t in zip(args, tangents)]
                fd = (mod.f(*step) - mod.f(*args)) / h
                steep = zb == 0 and a < 2 and a != 1  # d/dx is inf: another tangent's 0 times it is NaN
                assert steep or not np.isnan(np.asarray(tangent)[np.isfinite(ref)]).any(), (a, b, zb, i, tangent)
                finite = np.isfinite(ref) & (np.abs(fd) < 500) & ~(steep & np.isnan(tangent))  # 1 / sqrt(h): inf
                np.testing.assert_allclose(np.asarray(tangent)[finite], fd[finite], rtol=2e-5, atol=1e-3,  # u^1.5: h^0.5
                                           err_msg=f"{name} a={a} b={b} z={zb} d/d{'x loc scale a b'.split()[i]}")
                infinite = np.isfinite(ref) & (np.abs(fd) >= 500)
                assert (np.asarray(tangent)[infinite] * fd[infinite] == math.inf).all()


def test_steep_bound_reverse_mode():
    """gamma.pdf on its bound with 1 < a < 2: d/dx inf, d/dscale and d/da 0 (the pdf is 0 there for every scale and a)."""
    def f(x, a, scale):
        return np.sum(gamma.pdf(x, a, scale=scale))

    with np.errstate(all="ignore"):
        _, (gx, ga, gs) = run_grad(f, (np.array([0.0]), 1.5, 1.3), (0, 1, 2))
    assert gx[0] == math.inf and ga == 0 and gs == 0


def pmf_edges(mu, p, q):
    k = np.array([0, 1, 2, 3])
    return np.stack([poisson.pmf(k, mu), binom.pmf(k, 3, p), stats.bernoulli.pmf(np.array([0, 1, 0, 1]), p),
                     stats.nbinom.pmf(k, 2.5, q)])


@pytest.mark.parametrize("mu,p,q", [(0.0, 0.0, 1.0), (0.0, 1.0, 1.0)])
def test_pmf_on_a_parameter_bound(mu, p, q):
    """pmf where a parameter is on a bound of its range (mu = 0, p = 0 or 1): SciPy's value and the
    one-sided derivative from inside (poisson.pmf(1, 0) has d/dmu 1), never 0 * inf = NaN."""
    args = (np.float64(mu), np.float64(p), np.float64(q))
    ref = pmf_edges(*args)
    for i in range(3):
        tangents = [0.0, 0.0, 0.0]
        tangents[i] = 1.0
        value, tangent = run_jvp(pmf_edges, args, (0, 1, 2), tangents)
        np.testing.assert_allclose(value, ref, rtol=1e-14)
        h = 1e-8 if args[i] == 0 else -1e-8
        step = list(args)
        step[i] += h
        np.testing.assert_allclose(tangent, (pmf_edges(*step) - ref) / h, rtol=1e-6, atol=1e-5)


def pdfs_across_the_support(x, a, s):
    return np.sum(gamma.pdf(x, a, scale=s)) + np.sum(gamma.pdf(x, 1.5)) + np.sum(beta.pdf(x, a, 1.5, scale=s)) \
        + np.sum(stats.chi2.pdf(x, 3.0 * a)) + np.sum(poisson.pmf(np.array([0, 1, 2]), a - 2.5))


def test_reverse_mode_across_the_support():
    """Reverse mode on both sides of the bounds (the pdf's and pmf's edge terms are computed
    everywhere and discarded off the bound: their derivative must not turn a zero cotangent into
    NaN), against central differences away from the bounds and 0 outside."""
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.0, 3.5])
    with np.errstate(all="ignore"):
        value, (gx, ga, gs) = run_grad(pdfs_across_the_support, (x, 2.5, 1.3), (0, 1, 2))
        assert np.isclose(value, pdfs_across_the_support(x, 2.5, 1.3), rtol=1e-13)
        assert np.isfinite(ga) and np.isfinite(gs) and gx[0] == 0.0 and gx[1] == math.inf  # gamma.pdf(x, 1.5): sqrt-like
        assert np.isfinite(gx[2:]).all()
        fd_s = (pdfs_across_the_support(x, 2.5, 1.3 + 1e-6) - pdfs_across_the_support(x, 2.5, 1.3 - 1e-6)) / 2e-6
        fd_a = (pdfs_across_the_support(x, 2.5 + 1e-7, 1.3) - value) / 1e-7  # one-sided: mu = a - 2.5 = 0
        assert np.isclose(gs, fd_s, rtol=1e-7) and np.isclose(ga, fd_a, rtol=1e-5)
        h = 1e-6
        for i in (2, 3, 4, 5):
            e = np.zeros_like(x)
            e[i] = h
            fd = (pdfs_across_the_support(x + e, 2.5, 1.3) - pdfs_across_the_support(x - e, 2.5, 1.3)) / (2 * h)
            assert np.isclose(gx[i], fd, rtol=1e-6, atol=1e-9), (i, gx[i], fd)
