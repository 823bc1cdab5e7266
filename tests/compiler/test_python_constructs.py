"""The Python a scientist writes (issue 12): `return` inside loops, reversed/enumerate/zip loops,
keyword-only parameters, string options, nested functions, names first assigned in a loop that
surely runs, in-place NumPy calls and index helpers. Each against central finite differences,
forward mode against reverse mode, and the readable source executed as plain NumPy; and the
located errors of what is not supported."""
import numpy as np
import pytest

import adjit
from adjit.compiler.errors import AdjitError
from conftest import check_readable, family_tests, fd_check, run_grad

R = np.random.default_rng(7)


def n(*shape):
    return R.standard_normal(shape)


# ------------------------------------------------------------------------- return inside a loop
def ret_for(x, thr):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + x[i] ** 2
        if s > thr:
            return s * 3.0 + x[i]
    return s


def ret_while(x):
    s = 0.0
    k = 0
    while k < x.shape[0]:
        s = s * 0.5 + np.sin(x[k])
        if s > 0.6:
            return s ** 2
        k = k + 1
    return -s


def ret_nested(x, W):
    s = 0.0
    for i in range(W.shape[0]):
        k = 0
        while k < 3:
            s = s + np.sum(W[i] * x) * 0.3 + k * 0.1
            if s > 1.0:
                return s * 2.0 + np.sum(W[i])
            k = k + 1
        s = s * 0.9
    return s - 1.0


def first_big_row(W):
    for row in W:
        if np.sum(row) > 0.0:
            return row * 2.0
    return W[0] * 1.0


def ret_array_helper(W):
    return np.sum(first_big_row(W) ** 2) + np.sum(first_big_row(-W) ** 3)


def ret_with_jumps(x):
    s = 0.0
    for i in range(x.shape[0]):
        if x[i] < -1.5:
            continue
        s = s + x[i]
        if s > 2.0:
            return s * x[i]
        if x[i] > 1.5:
            break
        s = s * 1.1
    return s * 0.5


def ret_loop_in_branch(x, flag):
    if flag > 0:
        for i in range(3):
            if x[i] > 0.0:
                return x[i] ** 3
    t = np.sum(x)
    for j, v in enumerate(x):
        if v * j > 1.0:
            return t * v
    return t


def ret_int_loop(x):
    for i in range(x.shape[0]):
        if x[i] > 0.0:
            return x[i] * i
    return 0.0


def ret_loop_last_statement(x, thr):
    t = 0.0
    for i in range(x.shape[0]):
        t = t + x[i]
        if t > thr:
            return t
    if t > 0.0:
        return t * 2.0
    return t * 3.0


# --------------------------------------------------------------------- reversed, enumerate, zip
def reversed_loops(x):
    s = 0.0
    for i in reversed(range(x.shape[0])):
        s = s * 0.5 + x[i] * i
    for i in reversed(range(1, 7, 2)):
        s = s + x[i] ** 2
    for i in reversed(range(6, 0, -2)):
        s = s + x[i] ** 3
    for r in reversed(x):
        s = s * 0.9 + r
    return s


def backprop_through_time(h0, W, xs):
    hs = np.zeros((xs.shape[0], h0.shape[0]))
    h = h0
    for t, x_t in enumerate(xs):
        h = np.tanh(W @ h + x_t)
        hs[t] = h
    s = 0.0
    for t in reversed(range(xs.shape[0])):
        s = s * 0.8 + np.sum(hs[t] ** 2)
    return s


def enumerate_loops(x, W):
    s = 0.0
    for i, row in enumerate(W):
        s = s + np.sum(row * x) * (i + 1)
    for i, j in enumerate(range(2, 5)):
        s = s + x[i] * x[j]
    for k, row in enumerate(W, start=1):
        s = s + k * np.sum(row ** 2)
    return s


def zip_loops(x, W):
    s = 0.0
    for a, b in zip(x, W):
        s = s + a * np.sum(b)
    for i, (a, row) in enumerate(zip(range(3), W)):
        s = s + a * np.sum(row) * i
    for a, b in zip(range(x.shape[0]), reversed(x)):
        s = s + a * b
    return s


def zip_with_break(x, y):
    s = 0.0
    for i, (a, b) in enumerate(zip(x, y)):
        if a * b > 1.0:
            break
        s = s + a * b * i
    return s


# ------------------------------------------------------------------------ keyword-only parameters
def scaled_norm(x, *, power=2, scale=1.0):
    return np.sum(np.abs(x) ** power) * scale


def kwonly_helpers(x, y):
    return scaled_norm(x) + scaled_norm(y, power=3) + scaled_norm(x * y, scale=0.5, power=2)


# ---------------------------------------------------------------------------------- string options
def activate(z, kind="relu"):
    if kind == "relu":
        return np.maximum(z, 0.0)
    elif kind != "tanh":
        return z
    return np.tanh(z)


def string_options(x, W):
    h = activate(W @ x)
    h2 = activate(W @ x, kind="tanh")
    h3 = activate(h2, "identity")
    return np.sum(h * h2) + np.sum(h3 ** 2) + np.sum(x.astype("float64") ** 3)


def mlp(x, W, activation="tanh"):
    z = W @ x
    if activation == "relu":
        h = np.maximum(z, 0.0)
    elif activation in ("tanh", "th"):
        h = np.tanh(z)
    else:
        h = z
    return np.sum(h ** 2)


# -------------------------------------------------------------------- names first set in a loop
def last_iteration_values(x):
    for i in range(x.shape[0]):
        t = x[i] * 2.0
        u = np.sin(x) * i
    for j, row in enumerate(x):
        pass
    return t * np.sum(u) + j + i


# ------------------------------------------------------------------- nested functions, lambdas
SCALE = 0.5


def module_closure_factory(power):
    def helper(v):
        return np.sum(v ** power) * SCALE
    return helper


cube_sum = module_closure_factory(3)


def nested_functions(x, W):
    bias = np.sum(x) * 0.1

    def layer(h, scale=2.0, *, shift=0.0):
        return np.tanh(W @ h * scale + bias + shift)

    def loss(h):
        total = 0.0
        for i in range(h.shape[0]):
            total = total + h[i] ** 2
        return total

    sq = lambda v: v * v  # noqa: E731
    h = layer(x)
    h2 = layer(x, 0.5, shift=1.0)
    return loss(h) + np.sum(sq(h2)) + cube_sum(x)


def closure_in_loop(x):
    s = 0.0
    for i in range(3):
        def term(v):
            return np.sum(np.sin(v * i)) + s
        s = term(x) * 0.5
    return s


# ---------------------------------------------------------------------- in-place NumPy calls
def fill_diag(x, v):
    a = np.outer(x, x)
    np.fill_diagonal(a, 0.0)
    b = np.zeros((3, 4))
    np.fill_diagonal(b, v)
    c = np.ones((3, 3))
    np.copyto(c, x[:3])
    return np.sum(a ** 2) + np.sum(b * x[:4]) + np.sum(c * x[:3] ** 2)


def tri_index_params(l, x):
    L = np.zeros((4, 4))
    r, c = np.tril_indices(4)
    L[r, c] = l
    U = np.zeros((4, 5))
    ru, cu = np.triu_indices(4, 1, 5)
    U[ru, cu] = x[:ru.shape[0]]
    rl, cl = np.tril_indices(4, k=-1)
    return np.sum((L @ L.T) ** 2) + np.sum(U ** 3) + np.sum(x[rl] * x[cl] + L[rl, cl])


# ---------------------------------------------------------------------- *args of helpers
def _field(z, W, b):
    return np.tanh(W @ z + b)


def _rk2_step(fun, z, dt, *params):
    k1 = fun(z, *params)
    k2 = fun(z + 0.5 * dt * k1, *params)
    return z + dt * k2 + 0.0 * len(params)


def _total(*xs):
    s = 0.0
    for x in xs:
        s = s + np.sum(x ** 2)
    return s


def star_args(W, b, z):
    y = z
    for _ in range(3):
        y = _rk2_step(_field, y, 0.1, W, b)

    def g(a, *rest):
        return a * rest[0] + rest[-1]
    h = lambda *t: t[0] * t[1]  # noqa: E731
    pair = (W, b)
    return np.sum(y ** 2) + _total(*pair) + _total(z, *[b, b]) + _total() + np.sum(g(z, z, b)) + np.sum(h(b, z))


def _leaf_term(node, x):
    if isinstance(node, np.ndarray):
        return np.sum(node * x)
    if type(node) is str:
        return 0.0
    return node * np.sum(x)


def _prune(node, x):
    if isinstance(node, (int, np.integer)):
        return np.exp(x[node])
    left, right = node
    return _prune(left, x) * _prune(right, x) + 0.1


def _power(x, k):
    return 1.0 if k == 0 else x * _power(x, k - 1)


def recursion_over_a_tree(x):
    """A recursion whose depth is known when compiled (Felsenstein's pruning over a tree of tuples)."""
    return np.log(_prune(((0, 1), (2, (3, 0))), x)) + np.sum(_power(x, 5))


def type_tests(x, d):
    """isinstance / type decided when compiled (a tree walk's leaf test)."""
    s = _leaf_term(d, x) + _leaf_term(2.0, x) + _leaf_term("leaf", x) + _leaf_term((1.0, 2.0)[0], x)
    if isinstance(x[0], float) and isinstance([1, 2], list) and not isinstance((1, 2), list):
        s = s + x[0] ** 2
    return s


def window_unpack(params, S):
    """Windows whose constant offset is written on the left (`1 + 4 * s`): four values per segment."""
    tot = 0.0
    for s in range(S):
        rz, tz, rp, tp = params[1 + 4 * s: 5 + 4 * s]
        tot += rz * tz ** 2 + np.sin(rp) * tp
    return tot + np.sum(params[2 + 0: 2 + 3] ** 2)


CASES = [
    (recursion_over_a_tree, lambda: (n(4) * 0.3,), (0,)),
    (type_tests, lambda: (n(3), n(3)), (0, 1)),
    (window_unpack, lambda: (np.linspace(0.1, 1.3, 13), 3), (0,)),
    (star_args, lambda: (n(3, 3), n(3), n(3)), (0, 1, 2)),
    (ret_for, lambda: (n(6), 1.0), (0,)),
    (ret_for, lambda: (n(6), 100.0), (0,)),
    (ret_while, lambda: (np.array([0.1, 0.3, 0.9, 0.2]),), (0,)),
    (ret_while, lambda: (np.array([-0.5, 0.3, -0.9, 0.2]),), (0,)),
    (ret_nested, lambda: (n(5), n(4, 5)), (0, 1)),
    (ret_nested, lambda: (np.full(5, 0.2), np.full((4, 5), 0.5)), (0, 1)),
    (ret_nested, lambda: (n(5) * 0.01, n(4, 5) * 0.01), (0, 1)),
    (ret_array_helper, lambda: (n(4, 3),), (0,)),
    (ret_with_jumps, lambda: (np.array([0.5, -2.0, 0.8, 0.9, 0.3]),), (0,)),
    (ret_with_jumps, lambda: (np.array([0.5, -2.0, 1.6, 0.9, 0.3]),), (0,)),
    (ret_with_jumps, lambda: (np.array([0.1, 0.2, 0.1]),), (0,)),
    (ret_loop_in_branch, lambda: (np.array([-0.5, 0.7, 0.2, 0.4]), 1.0), (0,)),
    (ret_loop_in_branch, lambda: (np.array([-0.5, 0.7, 0.2, 0.4]), -1.0), (0,)),
    (ret_loop_in_branch, lambda: (np.array([-0.5, -0.7, -0.2, -0.4]), 1.0), (0,)),
    (ret_int_loop, lambda: (np.array([-0.5, 0.7, 0.2]),), (0,)),
    (ret_loop_last_statement, lambda: (np.array([0.5, 0.7, 0.2]), 1.0), (0,)),
    (ret_loop_last_statement, lambda: (np.array([0.5, 0.7, 0.2]), 5.0), (0,)),
    (reversed_loops, lambda: (n(7),), (0,)),
    (backprop_through_time, lambda: (n(3), n(3, 3) * 0.5, n(5, 3)), (0, 1, 2)),
    (enumerate_loops, lambda: (n(7), n(4, 7)), (0, 1)),
    (zip_loops, lambda: (n(4), n(3, 5)), (0, 1)),
    (zip_with_break, lambda: (np.array([0.5, 0.6, 1.5, 0.2]), np.array([0.9, 1.2, 1.1, 0.4])), (0, 1)),
    (zip_with_break, lambda: (n(4) * 0.1, n(5) * 0.1), (0, 1)),
    (kwonly_helpers, lambda: (n(4), n(4)), (0, 1)),
    (string_options, lambda: (n(4), n(3, 4)), (0, 1)),
    (mlp, lambda: (n(4), n(3, 4), "tanh"), (0, 1)),
    (mlp, lambda: (n(4), n(3, 4), "relu"), (0, 1)),
    (mlp, lambda: (n(4), n(3, 4), "id"), (0, 1)),
    (last_iteration_values, lambda: (n(5),), (0,)),
    (nested_functions, lambda: (n(4), n(4, 4)), (0, 1)),
    (closure_in_loop, lambda: (n(4),), (0,)),
    (fill_diag, lambda: (n(5), n(3)), (0, 1)),
    (tri_index_params, lambda: (n(10), n(10)), (0, 1)),
]
IDS = [f"{f.__name__}-{k}" for k, (f, _, _) in enumerate(CASES)]


# every 6th case through the Numba-compiled entry point, the rest through the lowered module run as
# Python (conftest.family_tests; the suite's time budget)
test_gradient_matches_finite_differences, test_forward_mode_agrees_with_reverse = family_tests(CASES, IDS)


@pytest.mark.parametrize("fun,make,wrt", CASES, ids=IDS)
def test_readable_source_is_numpy_that_agrees(fun, make, wrt):
    check_readable(fun, make(), wrt, compiled=False)


def test_return_in_loop_takes_the_taken_path():
    x = np.array([0.5, 0.7, 0.2, 0.9])
    g = adjit.grad(ret_for)
    # s crosses 0.5 at i = 1: d/dx (3 (x0^2 + x1^2) + x1)
    np.testing.assert_allclose(g(x, 0.5), [3.0, 3 * 1.4 + 1.0, 0.0, 0.0])
    np.testing.assert_allclose(g(x, 50.0), 2 * x)


def test_keyword_only_parameters_of_the_differentiated_function():
    def top(x, *, scale=2.0, power=3):
        return scaled_norm(x, power=power) * scale

    x = n(5)
    g = adjit.grad(top)
    np.testing.assert_allclose(g(x), 2.0 * 3 * np.abs(x) ** 2 * np.sign(x), rtol=1e-12)
    np.testing.assert_allclose(g(x, scale=0.5, power=2), 0.5 * 2 * x, rtol=1e-12)
    value, grad = adjit.value_and_grad(top)(x, power=2)
    assert np.isclose(value, top(x, power=2))
    with pytest.raises(adjit.ArgumentError, match="unexpected keyword argument 'bad'"):
        g(x, bad=1)


def test_string_argument_specializes_the_call():
    x, W = n(4), n(3, 4)
    g = adjit.grad(mlp, wrt=(0, 1))
    for act in ("tanh", "relu", "id"):
        grads = g(x, W, activation=act)
        fd_check(lambda a, b: mlp(a, b, act), (x, W), (0, 1), grads)


def place_tri(l, W, n, k, m, which):
    Z = np.zeros((n, m))
    if which == "upper":
        r, c = np.triu_indices(n, k, m)
    else:
        r, c = np.tril_indices(n, k, m)
    Z[r, c] = l
    return np.sum(Z * W)


@pytest.mark.parametrize("which", ["upper", "lower"])
def test_tri_indices_are_numpys_in_numpys_order(which):
    """The index arrays adjit builds are NumPy's, in NumPy's order: each shape through the readable
    source run as NumPy (n, k and m are compile-time values, so each is its own specialization),
    one through the compiled gradient."""
    g = adjit.grad(place_tri)
    f = np.triu_indices if which == "upper" else np.tril_indices
    for n_, k, m in [(1, 0, 1), (3, 0, 3), (4, 1, 4), (4, -1, 4), (3, -2, 5), (5, 2, 3), (4, 0, 6), (2, 3, 4)]:
        r, c = f(n_, k, m)
        if len(r) == 0:
            continue
        W = n(n_, m)
        args = (n(len(r)), W, n_, k, m, which)
        ns: dict = {}
        exec(compile(g.source(*args), "<readable>", "exec"), ns)
        np.testing.assert_array_equal(ns["place_tri_grad"](*args)[1], W[r, c])
        if (n_, k, m) == (4, 1, 4):
            np.testing.assert_array_equal(g(*args), W[r, c])


# ------------------------------------------------------------------------------- located errors
def _line(fn, text):
    import inspect

    lines, first = inspect.getsourcelines(fn)
    return first + next(k for k, line in enumerate(lines) if text in line)


def _located(err, fn, text, *parts):
    msg = str(err)
    assert f"test_python_constructs.py:{_line(fn, text)}:" in msg, msg
    for p in parts:
        assert p in msg, msg


def while_local_used_after(x):  # `while k < 3:` surely runs its first statements (test_heldout12); this may not
    k = 0
    while k < x[0]:
        y = x * k
        k = k + 1
    return np.sum(y)


def range_local_run_time_trips(x):
    m = np.sum(x > 0.0)
    for i in range(m):
        y = x * i
    return np.sum(y)


def string_vs_value(x):
    if x[0] == "relu":
        return np.sum(x)
    return np.sum(x ** 2)


def pair_in_loop(x):
    for i in range(3):
        if x[i] > 0.0:
            pair = (x[i], x)
            return pair  # a tuple that is not a display: its parts are not known to the loop's rewrite
    return x[0], x


def returns_pair(x):
    a, b = pair_in_loop(x)
    return a * np.sum(b)


def scipy_call(x):
    import_free = scipy_ndimage.median_filter(x, 3)
    return np.sum(import_free)


def numpy_python_function(x):
    return np.sum(np.roots(x))


def reversed_run_time_step(x):
    s = np.sum(x > 0.0) + 1
    t = 0.0
    for i in reversed(range(0, 6, s)):
        t = t + x[i]
    return t


def star_of_array(x):
    return _total(*x)


def star_args_top(*xs):
    return np.sum(xs[0])


def _runaway(x, k):
    return x if np.sum(x) > k else _runaway(x * 2.0, k)


def runaway_recursion(x):
    return np.sum(_runaway(x, 3.0))


def ambiguous_isinstance(x):
    return float(isinstance(np.sum(x), np.floating)) * np.sum(x)


def fill_wrong_length(x):
    a = np.zeros((3, 3))
    np.fill_diagonal(a, x)
    return np.sum(a)


import scipy.ndimage as scipy_ndimage  # noqa: E402


ERRORS = [
    (while_local_used_after, "return np.sum(y)", adjit.AdjitNameError,
     ("'y' is assigned only inside the loop at line", "assign it before the loop")),
    (range_local_run_time_trips, "return np.sum(y)", adjit.AdjitNameError, ("'y' is assigned only inside the loop",)),
    (string_vs_value, 'if x[0] == "relu":', adjit.UnsupportedSyntaxError,
     ("a string comparison with a value computed at run time", "hint: compare strings")),
    (returns_pair, (pair_in_loop, "return pair"), adjit.UnsupportedSyntaxError,
     ("returning a tuple inside a loop is not supported", "hint: assign the parts", "note:")),
    (scipy_call, "scipy_ndimage.median_filter(x, 3)", adjit.AdjitNameError,
     ("`scipy_ndimage.median_filter` is not supported by adjit", "hint:")),
    (numpy_python_function, "np.roots(x)", adjit.AdjitNameError, ("`np.roots` is not supported by adjit",)),
    (reversed_run_time_step, "reversed(range(0, 6, s))", adjit.UnsupportedSyntaxError,
     ("a range whose step is computed at run time cannot be reversed", "hint: use a step known")),
    (star_args_top, "def star_args_top(*xs):", adjit.ArgumentError,  # wrt=0 is a call's first extra argument
     ("takes *xs, so a position past its named parameters", "hint: name it: wrt='xs'")),
    (runaway_recursion, (_runaway, "_runaway(x * 2.0, k)"), adjit.UnsupportedSyntaxError,
     ("_runaway recurses deeper than 24 calls", "hint: recurse over a structure")),
    (ambiguous_isinstance, "isinstance(np.sum(x), np.floating)", adjit.AdjitTypeError,
     ("isinstance() here depends on whether the value is float or float64", "hint: test for both")),
    (fill_wrong_length, "np.fill_diagonal(a, x)", adjit.AdjitTypeError,
     ("np.fill_diagonal: the value must be a number or hold 3 elements",)),
]


@pytest.mark.parametrize("fun,text,cls,parts", ERRORS, ids=[e[0].__name__ for e in ERRORS])
def test_located_errors(fun, text, cls, parts):
    with pytest.raises(cls) as e:
        adjit.grad(fun)(n(5))
    where, text = text if isinstance(text, tuple) else (fun, text)
    _located(e.value, where, text, *parts)
    assert isinstance(e.value, AdjitError)


def _in_place_calls_in_loops(x):
    a = np.zeros(4)
    for k in range(3):
        np.add.at(a, [k, k + 1], x[k])
    A = np.ones((3, 3))
    for k in range(3):
        np.fill_diagonal(A, x[k] * (k + 1.0))
        A = A * 0.5 + 0.1
    b = np.zeros(3)
    for k in range(2):
        np.copyto(b, x[:3] * k + b)
        np.subtract.at(b, [0, 0, 2], x[:3])
    return np.sum(a ** 2) + np.sum(A ** 2) + np.sum(b ** 2)


def test_in_place_calls_in_a_loop_carry_their_array():
    """np.add.at(a, ...) in a loop writes the array the next iteration reads (the loop did not carry
    `a`: the sharing check refused it, 'writing into a would also change the old a')."""
    x = np.array([0.3, 0.5, 0.9, 0.2])
    value, grads = run_grad(_in_place_calls_in_loops, [x], (0,))
    assert np.isclose(value, _in_place_calls_in_loops(x), rtol=1e-13)
    fd_check(_in_place_calls_in_loops, [x], (0,), grads)


# ------------------------------------------------------------------------- chained comparisons
def chained(x, t):
    s = 0.0
    for i in range(5):
        ti = t + 0.5 * i
        amp = 2.0 if 1.0 <= ti < 2.2 else 0.5
        if 0 < x[0] < 10 < 20:
            s = s + amp * x[0] ** 2
    return s + (x[1] if -1 < x[1] * 2 <= 1 else 0.0)


def chained_arrays(x):
    return np.sum(x) if 0 < x < 1 else 0.0


def test_chained_comparisons_on_numbers():
    x = np.array([1.5, 0.3])
    value, grads = run_grad(chained, (x, 0.4), (0,))
    assert np.isclose(value, chained(x, 0.4))
    fd_check(chained, [x, 0.4], [0], grads)
    with pytest.raises(AdjitError, match="truth value of bool"):
        adjit.grad(chained_arrays)(np.array([0.5, 0.2]))


# ------------------------------------------------------------------------- map
def _sq(t):
    return t ** 2


def mapped(x):
    a = sum(map(_sq, x))
    b = np.array(list(map(lambda u, v: u * v, x, x[::-1])))
    c = sum(map(np.sin, [x[0], x[1]]))
    return a + np.sum(b) + c


def test_map_is_a_list_comprehension():
    x = np.array([0.3, 1.2, -0.5])
    value, grads = run_grad(mapped, (x,), (0,))
    assert np.isclose(value, mapped(x))
    fd_check(mapped, [x], [0], grads)


# ------------------------------------------------------------------------- everyday Python and NumPy
def everyday(x):
    a, b, c = sorted([x[2], x[0] * 2, x[1]], reverse=True)
    m = sorted(x)
    q, r = divmod(x[0], 0.3)
    first, *mid, last = x
    t = 1.0
    s = 0.0
    for i in range(3):
        if (t := t * x[0]) > 0.1:
            s = s + t
    idx = np.where(x > 0.5)[0]
    return (a * 3 + b * 2 + c + m[0] * 5 + q + r * 7 + first * last + np.sum(np.array(mid)) * s
            + np.sum(x[idx] ** 2) + np.count_nonzero(x > 0.5) * x[1] + np.sum(np.diagflat(x[:2], 1) ** 2)
            + np.sum(x.clip(0.6)) + np.sum(x.clip(max=1.0)))


def test_everyday_python_and_numpy():
    x = np.array([0.4, 1.1, 0.95, 0.3])
    value, grads = run_grad(everyday, (x,), (0,))
    assert np.isclose(value, everyday(x))
    fd_check(everyday, [x], [0], grads)


def walrus_while(x):
    s = 0.0
    v = 0.0
    u = x[0]
    i = 0
    while (v := x[i] * 2.0) < 2.0:  # v after the loop is the failing test's value
        s = s + v * v
        i += 1
    while (u := u * 1.5) < 2.0:  # the test reads the value the last test bound (it never ended)
        s = s + u
    return s + v + u


def test_walrus_in_a_while_test_is_carried():
    x = np.array([0.3, 0.5, 0.7, 1.1])
    value, grads = run_grad(walrus_while, (x,), (0,))
    assert np.isclose(value, walrus_while(x))
    fd_check(walrus_while, [x], [0], grads)


def more_numpy(x, A):
    import scipy.linalg as sl
    import scipy.special as sp
    import scipy.stats as st
    w, V = sl.eigh(A + A.T)
    return (st.dirichlet.logpdf(np.array([0.2, 0.3, 0.5]), x[:3] * 5) + np.sum(sp.xlog1py(x, x) + sp.xlog1py(0.0, x))
            + w[-1] + np.sum(V[:, 0] ** 4) + np.sum(np.select([x < 0.4, x < 0.7], [x ** 2, 2 * x], default=x ** 3))
            + np.nanstd(np.where(x > 0.5, x, np.nan)) + np.nanvar(x, ddof=1) + np.sum(np.nanstd(A, axis=0)))


def haversine(p):
    import math
    lat1, lon1 = map(math.radians, (p[0], p[1]))
    lat2, lon2 = np.radians(p[2]), np.deg2rad(p[3])
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * np.arcsin(np.sqrt(a)) * np.degrees(1.0) + np.rad2deg(p[0])


def test_degrees_and_radians():
    p = np.array([40.0, -74.0, 51.5, -0.1])
    value, grads = run_grad(haversine, (p,), (0,))
    assert np.isclose(value, haversine(p))
    fd_check(haversine, [p], [0], grads)


def test_more_numpy_and_scipy():
    x = np.array([0.3, 0.55, 0.8, 0.25, 0.6, 0.9])
    A = np.random.default_rng(0).standard_normal((4, 4))
    value, grads = run_grad(more_numpy, (x, A), (0, 1))
    assert np.isclose(value, more_numpy(x, A))
    fd_check(more_numpy, [x, A], [0, 1], grads)


def newton_while_true(x, tol=1e-12, max_iter=50):
    p = 1.0
    it = 0
    while True:  # t is first assigned in the body, before the exit: defined after the loop
        t = p * p - x[0]
        if abs(t) < tol or it >= max_iter:
            break
        p = p - t / (2 * p)
        it += 1
    full = np.append(x, -np.sum(x))
    M = np.append(np.outer(x, x), x[None, :], axis=0)
    return p + t + np.sum(full ** 2 * np.arange(full.size)) + np.sum(M ** 2)


def test_while_true_and_np_append():
    x = np.array([2.0, 0.5])
    value, grads = run_grad(newton_while_true, (x, 1e-12, 50), (0,))
    assert np.isclose(value, newton_while_true(x))
    fd_check(newton_while_true, [x, 1e-12, 50], [0], grads)


def dict_comprehension(x):
    names = ["a", "b", "c"]
    w = {n: x[k] * (k + 1) for k, n in enumerate(names)}
    sq = {k: v ** 2 for k, v in w.items() if k != "b"}
    return w["a"] * w["c"] + sum(sq.values()) + len(sq)


def test_dict_comprehension():
    x = np.array([0.5, -1.0, 2.0])
    value, grads = run_grad(dict_comprehension, (x,), (0,))
    assert np.isclose(value, dict_comprehension(x))
    fd_check(dict_comprehension, [x], [0], grads)


def image_ops(img, k):
    from scipy.signal import convolve2d, correlate2d
    A = img.reshape(5, 6)
    s = 0.0
    for mode in ("full", "same", "valid"):
        s = s + np.sum(convolve2d(A, k, mode=mode, boundary="symm") ** 2) + np.sum(correlate2d(A, k, mode=mode) * A[0, 0])
    for pad_mode in ("reflect", "symmetric", "wrap"):
        s = s + np.sum(np.pad(A, ((1, 2), (3, 1)), mode=pad_mode) ** 2 * np.arange(80.0).reshape(8, 10))
    return s + np.sum(convolve2d(A, k, mode="same", boundary="wrap"))


def test_convolve2d_and_pad_modes():
    img, k = np.cos(np.arange(30.0)) + 0.1, np.array([[1.0, 2.0, 0.5], [0.0, -1.0, 1.0]])
    value, grads = run_grad(image_ops, (img, k), (0, 1))
    assert np.isclose(value, image_ops(img, k))
    fd_check(image_ops, [img, k], [0, 1], grads)


def _unpack_nonzero(x):
    a, b = np.nonzero(x > 0)
    return np.sum(x)


def _sorted_key(x):
    return sorted([x[0], x[1]], key=lambda v: (abs(v), v))[0]


def _starred_run_time(x):
    a, *rest = x[: int(np.sum(x > 0))]
    return a


def _conv_mode(x):
    from scipy.signal import convolve2d
    return np.sum(convolve2d(x.reshape(2, 2), np.ones((2, 2)), mode="wrong"))


@pytest.mark.parametrize("fun,says", [
    (_unpack_nonzero, "np.nonzero(...) of a value computed in the function"),
    (_sorted_key, "a key that is not one number"),
    (_starred_run_time, "starred unpacking of a value whose length is known only when"),
    (_conv_mode, "mode 'full', 'same' or 'valid'"),
], ids=["nonzero-unpack", "sorted-key", "starred-run-time", "convolve2d-mode"])
def test_new_constructs_located_errors(fun, says):
    with pytest.raises(AdjitError) as e:
        adjit.grad(fun)(np.array([0.5, -1.0, 2.0, 0.3]))
    assert says in str(e.value) and e.value.loc is not None and "test_python_constructs.py" in str(e.value)


def test_star_of_an_array_of_known_length():  # was a located error; now its rows, as `a, b, c = x`
    x = np.array([0.3, -1.2, 0.8])
    np.testing.assert_allclose(adjit.grad(star_of_array)(x), 2 * x)
