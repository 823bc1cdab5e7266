"""The inverse and special functions (issue 12, item 4): the rows of compiler/primitives/special.py
and the forms of compiler/frontend/forms/special.py. Each against central finite differences in
float64, forward mode against reverse, the readable source (executed as plain NumPy and SciPy)
against the compiled gradient, float32 inputs, the numerics the rules are written for, the runtime
kernels against SciPy, and the located errors of what is not supported."""
import math

import numba
import numpy as np
import pytest
import scipy.special
import scipy.special as sp
from scipy.special import expit, log_softmax, logsumexp, softmax

import adjit
from adjit.compiler.errors import AdjitError
from adjit.runtime import special as rt
from conftest import family_tests, fd_check, run_grad
import primitive_cases  # noqa: F401  (first: it merges the special rows)
from primitive_cases_special import CASES

R = np.random.default_rng(41)
ROWS = [case for cases in CASES.values() for case in cases]
ROW_IDS = [f.__name__ for f, _, _ in ROWS]


def n(*shape):
    return R.standard_normal(shape)


def _grads(g, args):
    out = g(*args)
    return out if isinstance(out, tuple) else (out,)


def readable_agrees(fun, args, wrt, rtol=1e-10, atol=1e-12, compiled=True):
    """The readable source, executed as plain NumPy, gives the compiled value and gradient (with
    compiled=False: the lowered module's, run as Python; the suite's time budget)."""
    g = adjit.grad(fun, wrt=wrt)
    grads = _grads(g, args) if compiled else run_grad(fun, args, wrt)[1]
    text = g.source(*args)
    ns: dict = {}
    exec(compile(text, "<readable>", "exec"), ns)
    readable = ns[fun.__name__ + "_grad"](*args)
    assert np.isclose(readable[0], fun(*args), rtol=max(rtol, 1e-12), atol=atol)
    for a, b in zip(readable[1:], grads):
        assert np.asarray(a).dtype == np.asarray(b).dtype
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
    return text


# ------------------------------------------------------------------------- the rows' test rows
@pytest.mark.parametrize("fun,make,wrt", ROWS, ids=ROW_IDS)
def test_row_readable_source_is_numpy_that_agrees(fun, make, wrt):
    readable_agrees(fun, make(), wrt, compiled=ROW_IDS.index(fun.__name__) % 2 == 0)  # every other row compiles


def test_every_special_row_has_a_test_row():
    from adjit.compiler.primitives import special as rows_module  # noqa: F401
    from adjit.compiler.primitives import PRIMITIVES

    ours = {name for name, p in PRIMITIVES.items() if p.vjp is not None and p.vjp.__module__.endswith("primitives.special")}
    ours -= primitive_cases.INTERNAL  # digamma: checked through gammaln's second derivatives below
    assert ours and ours <= set(CASES), sorted(ours - set(CASES))


# ------------------------------------------------------------------------- the forms
def lse(x, u): return np.sum(u * logsumexp(x, axis=1)) + logsumexp(x) + np.sum(logsumexp(x, axis=(0, 1), keepdims=True) ** 2)
def lse_keep(x, u): return np.sum(u * logsumexp(x, -1, keepdims=True)) + scipy.special.logsumexp(x[0])
def lse_3d(x, u): return np.sum(u * sp.logsumexp(x, axis=(0, 2)))
def softmax_(x, u): return np.sum(u * softmax(x, axis=-1)) + np.sum(u * sp.softmax(x) ** 2)
def softmax_axis0(x, u): return np.sum(u * scipy.special.softmax(x, 0) ** 3)
def log_softmax_(x, u): return np.sum(u * log_softmax(x, axis=0)) + np.sum(u * sp.log_softmax(x))
def cross_entropy(w, x, y):
    """A realistic use: softmax regression's loss, mean negative log-likelihood of one-hot labels."""
    logits = x @ w
    return -np.sum(y * log_softmax(logits, axis=1)) / x.shape[0] + 0.1 * logsumexp(logits)


def onehot():
    y = np.zeros((6, 3))
    y[np.arange(6), R.integers(0, 3, 6)] = 1.0
    return y


def lse_weights(x, b, u):
    """logsumexp with weights b= (broadcast; a zero weight leaves its term out, an inf there included)."""
    return np.sum(u * logsumexp(x, axis=1, b=b)) + logsumexp(x, b=b * b) \
        + np.sum(logsumexp(np.where(np.arange(4) == 1, np.inf, x), axis=1, b=np.where(np.arange(4) == 1, 0.0, b),
                           keepdims=True))


def quantiles(p, s):
    """norm.ppf / norm.isf (ndtri), a distribution's quantiles in p, loc and scale."""
    from scipy.stats import norm
    return np.sum(norm.ppf(p, 1.0, s) ** 2) + np.sum(norm.isf(p, scale=s[0]) * p) + np.sum(norm.ppf(p))


FORMS = [
    (lse_weights, lambda: (n(3, 4), R.uniform(0.1, 1.0, 4), n(3)), (0, 1)),
    (quantiles, lambda: (R.uniform(0.05, 0.95, 4), R.uniform(0.5, 2.0, 4)), (0, 1)),
    (lse, lambda: (n(3, 4) * 3, n(3)), (0,)),
    (lse_keep, lambda: (n(3, 4) * 3, n(3, 1)), (0,)),
    (lse_3d, lambda: (n(2, 3, 4), n(3)), (0,)),
    (softmax_, lambda: (n(3, 4) * 2, n(3, 4)), (0,)),
    (softmax_axis0, lambda: (n(3, 4) * 2, n(3, 4)), (0,)),
    (log_softmax_, lambda: (n(3, 4) * 2, n(3, 4)), (0,)),
    (cross_entropy, lambda: (n(4, 3), n(6, 4), onehot()), (0, 1)),
]
FORM_IDS = [f.__name__ for f, _, _ in FORMS]


# every 6th case through the Numba-compiled entry point, the rest through the lowered module run as
# Python (conftest.family_tests; the suite's time budget)
test_form_gradient_matches_finite_differences, test_form_forward_mode_agrees_with_reverse = family_tests(FORMS, FORM_IDS)


@pytest.mark.parametrize("fun,make,wrt", FORMS, ids=FORM_IDS)
def test_form_readable_source_is_numpy_that_agrees(fun, make, wrt):
    readable_agrees(fun, make(), wrt)


def test_forms_handle_infinite_and_large_values_as_scipy():
    def all_minus_inf(x): return logsumexp(x * 0.0 - np.inf)
    def some_minus_inf(x): return logsumexp(np.where(x > 1.0, x, -np.inf))

    assert adjit.value_and_grad(all_minus_inf)(n(3))[0] == -np.inf == all_minus_inf(n(3))
    x = np.array([0.5, 2.0, 3.0])
    value, g = adjit.value_and_grad(some_minus_inf)(x)
    assert value == pytest.approx(some_minus_inf(x), rel=1e-15)
    np.testing.assert_allclose(g, [0.0, *softmax(np.array([2.0, 3.0]))], rtol=1e-14)
    big = np.array([1000.0, 1001.0, -1000.0])
    v2, g2 = adjit.value_and_grad(lambda_free_lse)(big)
    assert np.isclose(v2, logsumexp(big), rtol=1e-15)
    np.testing.assert_allclose(g2, softmax(big), rtol=1e-12)


def lambda_free_lse(x):
    return logsumexp(x)


# ------------------------------------------------------------------------- float32
def f32_unary(x, u):
    return np.sum(u * (np.arcsin(x * 0.5) + np.arccos(x * 0.4) + np.arcsinh(x) + np.arctanh(x * 0.3)
                       + sp.erf(x) + sp.erfc(x) + sp.gammaln(x + 3.0) + expit(x) + sp.logit(x * 0.2 + 0.5)
                       + np.arccosh(x + 3.0)))


def f32_binary(x, y, u):
    return np.sum(u * (np.logaddexp(x, y) + np.logaddexp2(x, y) + np.hypot(x, y) + sp.xlogy(x, y * y + 0.5)))


def f32_forms(x, u):
    return np.sum(u * softmax(x, axis=1)) + logsumexp(x) + np.sum(u * log_softmax(x, axis=0))


@pytest.mark.parametrize("fun,make,wrt", [
    (f32_unary, lambda: (R.uniform(-1, 1, (3, 5)), n(3, 5)), (0,)),
    (f32_binary, lambda: (n(3, 4), n(4), n(3, 4)), (0, 1)),
    (f32_forms, lambda: (n(3, 4), n(3, 4)), (0,)),
], ids=["unary", "binary", "forms"])
def test_float32_inputs(fun, make, wrt):
    """float32 in, float32 gradients out, close to the float64 ones; the readable source agrees."""
    args64 = make()
    args32 = tuple(np.asarray(a, np.float32) for a in args64)
    g64 = _grads(adjit.grad(fun, wrt=wrt), args64)
    g32 = _grads(adjit.grad(fun, wrt=wrt), args32)
    for a, b in zip(g32, g64):
        assert a.dtype == np.float32
        np.testing.assert_allclose(a, b, rtol=2e-4, atol=2e-4)
    readable_agrees(fun, args32, wrt, rtol=1e-4, atol=1e-4)


# ------------------------------------------------------------------------- numerics of the rules
def test_rules_do_not_overflow_or_divide_by_zero():
    def lae(a, b): return np.sum(np.logaddexp(a, b))
    def ash(x): return np.sum(np.arcsinh(x))
    def hyp(a, b): return np.sum(np.hypot(a, b))
    def ach(x): return np.sum(np.arccosh(x))

    a, b = np.array([1000.0, -1000.0]), np.array([1000.5, -999.0])
    ga, gb = adjit.grad(lae, wrt=(0, 1))(a, b)
    np.testing.assert_allclose(ga, 1 / (1 + np.exp(b - a)), rtol=1e-12)  # z rounded to an ulp of 1000
    np.testing.assert_allclose(ga + gb, 1.0, rtol=1e-12)
    np.testing.assert_allclose(adjit.grad(ash)(np.array([1e200, -3e170, 2.0])), [1e-200, 1 / 3e170, 1 / np.sqrt(5)], rtol=1e-14)
    np.testing.assert_allclose(adjit.grad(ach)(np.array([1e200, 1.0 + 1e-12])), [1e-200, 1 / np.sqrt(2e-12 + 1e-24)], rtol=1e-4)
    h = adjit.grad(hyp, wrt=(0, 1))(np.array([0.0, 3.0]), np.array([0.0, 4.0]))
    np.testing.assert_array_equal(h[0], [0.0, 0.6])  # 0 at the origin: a subgradient, not 0/0
    np.testing.assert_array_equal(h[1], [0.0, 0.8])


def test_xlogy_at_zero_is_scipys():
    def f(x, y): return np.sum(sp.xlogy(x, y))

    x, y = np.array([0.0, 0.0, 2.0]), np.array([0.0, 3.0, 3.0])
    value, (gx, gy) = adjit.value_and_grad(f, wrt=(0, 1))(x, y)
    assert value == f(x, y) == 2 * math.log(3)
    # d/dx = log(y) (exact where y > 0; -inf at y == 0), d/dy = 0 where x == 0 (xlogy(0, y) is 0 for every y)
    np.testing.assert_array_equal(gx, [-np.inf, math.log(3), math.log(3)])
    np.testing.assert_array_equal(gy, [0.0, 0.0, 2 / 3])


def test_math_functions_on_numbers_are_folded_or_traced():
    def f(a, b):
        return math.erf(a) * math.lgamma(b) + math.hypot(a, b) + math.asinh(a) + math.erfc(0.5) + math.lgamma(4.0)

    value, (ga, gb) = adjit.value_and_grad(f, wrt=(0, 1))(0.3, 2.5)
    assert value == pytest.approx(f(0.3, 2.5), rel=1e-14)
    fd_check(f, (0.3, 2.5), (0, 1), (ga, gb))


# ------------------------------------------------------------------------- second derivatives
def d2_arcsin(x): return np.arcsin(x * 0.3) + np.arccos(x * 0.4) + np.arctanh(x * 0.5)
def d2_hyperbolic(x): return np.arcsinh(x) + np.arccosh(x + 1.5)
def d2_logaddexp(x): return np.logaddexp(x, 2 * x - 1) + np.logaddexp2(x * x, 0.5)
def d2_hypot(x): return np.hypot(x, x * x - 0.5) + math.hypot(x, 2.0)
def d2_erf(x): return sp.erf(x) + sp.erfc(x * x)
def d2_gammaln(x): return sp.gammaln(x + 0.2) + math.lgamma(x * x + 0.7)
def d2_logistic(x): return expit(x) + sp.logit(x * 0.3 + 0.5) + sp.xlogy(x, x + 2.0)
def d2_forms(x): return logsumexp(np.array([x, 2 * x, 1.0])) + softmax(np.array([x, x * x, 1.0]))[1]


SECOND = [d2_arcsin, d2_hyperbolic, d2_logaddexp, d2_hypot, d2_erf, d2_gammaln, d2_logistic, d2_forms]


@pytest.mark.parametrize("fun", SECOND, ids=[f.__name__ for f in SECOND])
def test_second_derivative_matches_finite_differences_of_the_first(fun):
    """grad(grad(f)): the rules' own derivatives (digamma's is trigamma) against central
    differences of the first derivative."""
    d1 = adjit.grad(fun)
    d2 = adjit.grad(d1)
    for x in (0.45, 1.3):
        eps = 1e-5
        num = (d1(x + eps) - d1(x - eps)) / (2 * eps)
        assert d2(x) == pytest.approx(num, rel=1e-6, abs=1e-8)


def test_gammaln_second_derivative_is_trigamma():
    def f(x): return np.sum(sp.gammaln(x))

    x = np.array([0.01, 0.5, 3.0, 17.25, 250.0, -0.5, -2.3])
    v = np.cos(np.arange(7.0))
    np.testing.assert_allclose(adjit.hvp(f)(x, v), sp.polygamma(1, x) * v, rtol=1e-12)
    assert adjit.grad(adjit.grad(lambda_free_gammaln))(2.5) == pytest.approx(sp.polygamma(1, 2.5), rel=1e-13)


def lambda_free_gammaln(x):
    return math.lgamma(x)


# ------------------------------------------------------------------------- the runtime's kernels
@pytest.mark.parametrize("name", ["digamma", "trigamma"])
def test_polygamma_kernels_match_scipy(name):
    z = np.concatenate([np.linspace(-20.3, 60, 4001), np.geomspace(1e-8, 1e6, 500), -np.geomspace(1e-6, 1e3, 500) + 1e-3])
    z = z[np.abs(z - np.round(z)) > 1e-9]  # away from the poles
    fn = getattr(rt, name)
    got = numba.njit(lambda v: fn(v))(z)
    want = sp.digamma(z) if name == "digamma" else sp.polygamma(1, z)
    assert np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want))) < 1e-12


def test_gammaln_gradient_is_digamma():
    def f(x): return np.sum(sp.gammaln(x))

    x = np.array([0.01, 0.5, 1.4616321449683622, 3.0, 17.25, 250.0, -0.5, -2.3])
    np.testing.assert_allclose(adjit.grad(f)(x), sp.digamma(x), rtol=1e-12, atol=1e-15)


def _all_kernels(names):
    """One Numba function calling every kernel in `names` on its own argument, returning their results
    as a tuple: one compile per signature for all of them (the suite's budget: a lambda per kernel
    and per signature compiled 57 functions here)."""
    args = ", ".join(f"x{i}" for i in range(len(names)))
    body = "".join(f"rt.{name}(x{i}), " for i, name in enumerate(names))
    namespace = {"rt": rt}
    exec(f"def kernels({args}):\n    return ({body})\n", namespace)
    return numba.njit(namespace["kernels"])


UNARY = ("erf", "erfc", "gammaln", "digamma", "trigamma", "expit", "logit")


def test_runtime_unary_kernels_on_numbers_and_arrays():
    """In Numba, on numbers and on non-contiguous arrays, float32 staying float32; in Python, SciPy's."""
    x = R.uniform(0.05, 0.95, (4, 6))[:, ::2]
    jit = _all_kernels(UNARY)
    on_arrays, on_float32, on_numbers = jit(*[x] * len(UNARY)), jit(*[x.astype(np.float32)] * len(UNARY)), \
        jit(*[0.25] * len(UNARY))
    for name, got, got32, got_number in zip(UNARY, on_arrays, on_float32, on_numbers):
        fn = getattr(rt, name)
        ref = getattr(sp, name, lambda v: sp.polygamma(1, v))
        np.testing.assert_allclose(got, ref(x), rtol=1e-13, err_msg=name)
        assert got32.dtype == np.float32, name
        assert got_number == pytest.approx(ref(0.25), rel=1e-14), name
        np.testing.assert_array_equal(fn(x), ref(x), err_msg=name)  # the lowered source run as plain Python


def test_runtime_xlogy_broadcasts():
    x = np.array([[0.0], [2.0]])
    y = np.array([0.0, 0.5, 3.0])
    jit = numba.njit(lambda a, b: rt.xlogy(a, b))
    np.testing.assert_array_equal(jit(x, y), sp.xlogy(x, y))
    np.testing.assert_array_equal(jit(2.0, y), sp.xlogy(2.0, y))
    assert jit(0.0, 0.0) == 0.0


# ------------------------------------------------------------------------- spellings and errors
def spellings(x):
    return np.sum(sp.expit(x) + expit(x) + scipy.special.expit(x))


def test_the_three_spellings_of_a_scipy_function():
    x = n(4)
    np.testing.assert_allclose(adjit.grad(spellings)(x), 3 * expit(x) * (1 - expit(x)), rtol=1e-13)


def lse_sign(x): return logsumexp(x, return_sign=True)[0] * logsumexp(-x, b=x - 0.5, return_sign=True)[1]
def lse_unknown(x): return logsumexp(x, axes=0)
def softmax_three(x): return np.sum(softmax(x, 0, 1))
def polygamma_run_time_n(x): return np.sum(sp.polygamma(int(x[0]), x))
def polygamma_negative(x): return np.sum(sp.polygamma(-1, x))
def hypot_three(a): return math.hypot(a, a, a)
def logaddexp_one(x): return np.sum(np.logaddexp(x))
def lse_axis(x): return logsumexp(x, axis=2)


@pytest.mark.parametrize("fun,message", [
    (lse_unknown, r"argument 'axes' is not supported"),
    (softmax_three, r"softmax takes at most 2 arguments"),
    (polygamma_run_time_n, r"n must be a constant"),
    (polygamma_negative, r"n must be a non-negative int"),
    (hypot_three, r"takes 2 positional argument"),
    (logaddexp_one, r"takes 2 positional argument"),
    (lse_axis, r"out of bounds|axis"),
])
def test_unsupported_uses_are_located_errors(fun, message):
    with pytest.raises(AdjitError, match=message) as info:
        adjit.grad(fun)(np.linspace(0.1, 0.9, 4))
    assert info.value.loc is not None and info.value.loc.line > 0


def test_logsumexp_return_sign():
    """SciPy's (log|s|, sign(s)) (a located error before): the sign has no derivative."""
    x = np.linspace(0.1, 0.9, 4)
    want = logsumexp(x) * -1.0
    assert abs(lse_sign(x) - want) < 1e-12
    np.testing.assert_allclose(adjit.grad(lse_sign)(x), -np.exp(x - logsumexp(x)), rtol=1e-12)


def polygammas(x):
    return np.sum(sp.polygamma(0, x) + sp.polygamma(1, x) + sp.polygamma(3, x))


def test_polygamma_values_dtypes_and_poles_match_scipy():
    """float64 for every input (SciPy's polygamma; its n = 0 is psi in the input's dtype), the poles'
    signed infinities, negative x."""
    x = np.array([0.3, 1.0, 2.5, 7.0, 33.0, -1.5, -0.3, 1e-3])
    for order in (1, 2, 3, 5):
        got = numba.njit(lambda v, k: rt.polygamma(k, v))(x, order)
        np.testing.assert_allclose(got, sp.polygamma(order, x), rtol=4e-15)
        assert numba.njit(lambda v, k: rt.polygamma(k, v))(np.array([-2.0, 0.0]), order).tolist() == \
            sp.polygamma(order, np.array([-2.0, 0.0])).tolist()
    value, g = adjit.value_and_grad(polygammas)(x[:5].astype(np.float32))
    assert value == pytest.approx(polygammas(x[:5].astype(np.float32)), rel=1e-12)
    np.testing.assert_allclose(g, sp.polygamma(1, x[:5]) + sp.polygamma(2, x[:5]) + sp.polygamma(4, x[:5]), rtol=1e-5)


SCIPY_KERNELS = ("erfinv", "erfcinv", "ndtri", "ndtr", "log_ndtr", "log_expit", "i0", "i0e", "i1", "i1e",
                 "j0", "j1", "y0", "y1", "k0", "k1", "k0e", "k1e")


def test_scipy_kernels_are_scipys_to_the_bit():
    """SciPy's compiled code (cython_special): the same values, float32 staying float32."""
    xs = []
    for name in SCIPY_KERNELS:
        x = np.concatenate([R.uniform(-3, 3, 20), [0.0, 0.5, -40.0, 1e-300]])
        if name in ("erfinv", "ndtri"):
            x = R.uniform(-1, 1, 24) if name == "erfinv" else R.uniform(0, 1, 24)
        if name == "erfcinv":
            x = R.uniform(0, 2, 24)
        xs.append(x)
    jit = _all_kernels(SCIPY_KERNELS)
    for name, x, got, got32 in zip(SCIPY_KERNELS, xs, jit(*xs), jit(*[x.astype(np.float32) for x in xs])):
        np.testing.assert_array_equal(got, getattr(sp, name)(x), err_msg=name)
        assert got32.dtype == np.float32, name


def lambertw_outside(x):
    return np.sum(sp.lambertw(x).real)


def test_lambertw_real_branches_agree_with_scipy_and_refuse_the_complex_part():
    x = np.concatenate([np.linspace(-1 / math.e, 0.0, 200), np.logspace(-300, 300, 200)])
    assert rt._lambertw0(x[0]) == -1.0  # the float below -1/e (SciPy: nan)
    np.testing.assert_allclose([rt._lambertw0(v) for v in x[1:]], sp.lambertw(x[1:]).real, rtol=1e-7)  # the branch point
    np.testing.assert_allclose([rt._lambertw0(v) for v in x[5:]], sp.lambertw(x[5:]).real, rtol=1e-13)
    xm = np.concatenate([np.linspace(-1 / math.e + 1e-4, -1e-300, 200), -np.logspace(-300, -1, 100)])
    np.testing.assert_allclose([rt._lambertwm1(v) for v in xm], sp.lambertw(xm, -1).real, rtol=1e-13)
    near = -1 / math.e + np.array([1e-9, 1e-12])  # SciPy's W-1 is off by 1e-4 here; w e^w = x is exact
    w = np.array([rt._lambertwm1(v) for v in near])
    np.testing.assert_allclose(w * np.exp(w), near, rtol=1e-15)
    with pytest.raises(AssertionError, match="is complex here"):  # SciPy: a complex value with an imaginary part
        adjit.grad(lambertw_outside)(np.array([-0.5, 1.0]))
