"""Silent wrong results found by the ninth semantics hunt (2026-12-03: the constructs of the last two
sessions: *args/**kwargs, starred displays, enumerate/zip values, objects called as functions, class
attribute arrays, defaultdict/OrderedDict, list methods, random generators, set operations,
np.bincount, nested transformations): each program against NumPy's value, central differences and
forward mode, through the lowered module run as Python unless the compiled code is the subject.
Each failed on the code before its fix (docs/reliability.md)."""
import numpy as np

import adjit
from tests.conftest import fd_check, run_grad


class _Layer:
    def __init__(self, W, b):
        self.W, self.b, self.k = W, b, 2.0

    def __call__(self, x):
        return np.tanh(self.W @ x + self.b) * self.k

    def energy(self, x):
        return np.sum(self(x) ** 2)


LAYER = _Layer(np.full((2, 3), 0.1), np.zeros(2))
LAYERS = [_Layer(np.full((2, 3), 0.1), np.zeros(2)), _Layer(np.full((2, 3), 0.2), np.zeros(2))]


def called_object(x):
    return LAYER.energy(x) + np.sum(LAYER(x)) + sum(np.sum(layer(x)) for layer in LAYERS)


def test_a_global_object_called_as_a_function_follows_its_attributes():
    """An object whose class defines __call__ (a layer called as `layer(x)`, or its method
    layer.energy(x)) was guarded by identity only (jit/guards.py took any callable for a function):
    writing its weights in place, rebinding them or changing a setting between calls kept the
    compiled values (-0.08 for NumPy's 1.47), value and gradient, silently; objects without
    __call__ were followed already. The guards the compiled function checks before each call now
    see each change (an end-to-end run of the same: scripts in docs/reliability.md's ninth hunt)."""
    from adjit.compiler.jit import guards

    saved = (LAYER.b.copy(), LAYER.W, LAYER.k, LAYERS[1].k)
    try:
        for change in (lambda: LAYER.b.__setitem__(0, 1.0), lambda: setattr(LAYER, "W", LAYER.W * 2),
                       lambda: setattr(LAYER, "k", 3.0), lambda: setattr(LAYERS[1], "k", -1.0)):
            snap = guards.snapshot(called_object)
            assert guards.holds(snap)
            change()
            assert not guards.holds(snap)
    finally:
        LAYER.b, LAYER.W, LAYER.k, LAYERS[1].k = saved


def noisy(x, rng):
    return np.sin(x) * rng.normal(size=x.shape)


def noisy_sum(x, rng):
    return np.sum(np.sin(x) ** 2 * rng.normal(size=x.shape))


def test_derivatives_of_a_function_drawing_from_a_generator_argument_draw_once():
    """jacrev (jacobian's reverse mode), hvp and g.source() of a function drawing from a
    np.random.Generator argument drew once per binding: jacrev computed f's output at one draw and
    its rows at the next (the Jacobian of another function: -0.89 for 0.0012), hvp the gradient at
    one draw and its derivative at another, and source() advanced the caller's stream. Now one
    transformation draws once (every row of the same draw) and leaves the stream where one call of
    f leaves it; inspection draws from a copy."""
    x = np.array([0.3, -1.2, 0.7])
    n = np.random.default_rng(7).normal(size=3)
    after = np.random.default_rng(7)
    after.normal(size=3)
    want = after.random()
    for run, expect in ((lambda r: adjit.jacrev(noisy)(x, r), np.diag(np.cos(x) * n)),
                        (lambda r: adjit.hvp(noisy_sum)(x, r, np.ones(3)), 2 * np.cos(2 * x) * n)):
        rng = np.random.default_rng(7)
        np.testing.assert_allclose(run(rng), expect, rtol=1e-12, atol=1e-15)
        assert rng.random() == want
    rng = np.random.default_rng(7)
    adjit.grad(noisy_sum).source(x, rng)
    assert rng.random() == np.random.default_rng(7).random()


def _log_of_a_slice(x):
    l = np.log(x)
    return np.sum(l[1:] * x[:-1]) + l[2] * 0.5 + np.sum(np.sqrt(x)[1::2])


def _through_none(x):
    return np.sum(np.log(x)[None] * 2.0) + np.sum(np.sqrt(x)[None, :] ** 2)


def _root_squared(x):
    r = np.sqrt(x)
    return np.sum(r[1:] * r[1:])


def test_the_part_of_an_array_no_slice_reads_keeps_its_zero_cotangent():
    """`np.log(x)[1:]`, `l[2]`, `np.sqrt(x)[1::2]` at x[0] == 0: the cotangent of l is zero where no
    slice or element read it, and log's derivative 1/x is inf there: 0 * inf gave a nan gradient
    where the derivative is 0 (as np.where's branch not taken already kept its zero);
    simplify._masked_region multiplies the region read only. A zero computed in the region (the
    derivative of sqrt(x) * sqrt(x) at 0, 0 * inf) is still nan, never a silent 0."""
    from tests.conftest import run_grad, check_against_fd

    x = np.array([0.0, 0.3, 0.7, 2.1, 0.4])
    with np.errstate(divide="ignore", invalid="ignore"):
        value, (g,) = run_grad(_log_of_a_slice, [x], (0,))
        assert np.isclose(g[0], np.log(0.3)) and np.all(np.isfinite(g))
        check_against_fd(_log_of_a_slice, [x + 0.1], (0,), compiled=False)
        _, (g,) = run_grad(_root_squared, [np.array([0.0, 0.0, 0.5])], (0,))
    assert g[0] == 0.0 and np.isnan(g[1]) and np.isclose(g[2], 1.0)
    # x[None]'s cotangent is an index_add with no index items (the whole array): rendered `d[]` by the
    # rule's first version (fuzz seed 9924, program 44: an internal SyntaxError)
    check_against_fd(_through_none, [np.array([0.3, 0.5, 1.2])], (0,), compiled=False)


def _columns_read(X):
    L = np.log(X)
    return np.sum(L[:, :2] / L[:, 2:3])


def _rows_after_the_first(X):
    L = np.log(X)
    return np.sum(L[1:, :2] / L[1:, 2:3])


def test_regions_covering_the_whole_array_leave_the_product_whole():
    """Where the slices read cover the whole array (`L[:, :2]` and `L[:, 2:3]` of an (n, 3) array,
    bundle adjustment's Xcam) no place keeps a zero, and the cotangent times log's 1/x stays one
    elementwise op (the region-by-region form cost bundle adjustment's gradient a copy of the zeros
    and a split loop per product, 20-35 %); rows left unread still keep their zero."""
    from tests.conftest import check_against_fd

    X = np.array([[0.5, 2.0, 3.0], [1.5, 0.3, 4.0], [2.5, 0.7, 5.0], [0.2, 1.1, 6.0]])
    src = adjit.grad(_columns_read).source(X)
    assert "dX = _d2 / X" in src and "X[:, 2:3]" not in src
    check_against_fd(_columns_read, [X], (0,), compiled=False)
    X[0, 0] = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        _, (g,) = run_grad(_rows_after_the_first, [X], (0,))
    assert g[0, 0] == 0.0 and np.all(np.isfinite(g))


def _minibatches(w, X):
    loss = 0.0
    for i in range(0, X.shape[0], 4):
        xb = X[i:i + 4]
        loss = loss + np.sum((xb @ w) ** 2) / xb.shape[0]
    return loss


def test_a_window_past_the_end_is_a_located_error():
    """X[i:i + 4] over range(0, n, 4) with n % 4 != 0 (a last, partial minibatch): NumPy clips the
    window, adjit gives it the extent 4; the run stopped at Numba's 'cannot reshape array of size 6
    into shape (4,3)' from the generated code. Now a ValueError at the user's line naming the
    window and the rewrite X[i:min(i + 4, n)] (whose extent is known when run, and passes)."""
    import pytest

    from tests.conftest import run_grad

    w, X = np.array([0.3, -0.2, 0.1]), np.arange(30.0).reshape(10, 3) / 10
    with pytest.raises(ValueError, match=r"test_probe_semantics9.py:\d+:\d+: error: the window X\[i:i \+ 4\] runs past"):
        run_grad(_minibatches, [w, X], (0,))
    value, _ = run_grad(_minibatches, [w, X[:8]], (0,))
    assert np.isclose(value, _minibatches(w, X[:8]))


class _Base:
    W = np.array([1.0, 2.0, 3.0])

    def f(self, x):
        return np.sum(self.W * x)


class _Sub(_Base):
    pass


_SUB = _Sub()


def _through_subclass(x):
    return _SUB.f(x)


def test_a_class_attribute_set_later_on_a_subclass_is_seen():
    """self.W read from a base class's attribute (_Sub() reading _Base.W): `_Sub.W = ...` set
    after the first call shadows it in Python, and the compiled function kept reading _Base.W
    (6.6 for NumPy's 12.0), silently; guards.py now also guards the absence of a base's attribute
    on the classes before it: the next call compiles again, and stops at a located error (the
    arrays a function reads are planned when it is decorated; a new adjit.grad reads _Sub.W)."""
    from adjit.compiler.jit import guards

    snap = guards.snapshot(_through_subclass)
    assert guards.holds(snap)
    _Sub.W = np.array([10.0, 20.0, 30.0])
    try:
        assert not guards.holds(snap)
    finally:
        del _Sub.W
    assert guards.holds(snap)


def _log_items_in_a_loop(x):
    l = np.log(x)
    s = 0.0
    for i in range(x.shape[0]):
        s = s + (l[i] if x[i] > 0 else 0.0)  # also an if statement, a while, a guarded l[i] ** 2
    k = 0
    while k < x.shape[0]:
        if x[k] > 0.5:
            s = s + np.sqrt(x)[k] * 0.5
        k += 1
    return s


def _log_items_in_nested_loops(X, w):
    l = np.log(X)
    s = 0.0
    for i in range(X.shape[0]):
        for j in range(X.shape[1]):
            if X[i, j] > 0.3:
                s = s + l[i, j] * w[j]
    return s


def _root_items_or_x(x):
    r = np.sqrt(x)  # sqrt's factor 0.5 / r is made after the reverse loop: moved before it
    out = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        out[i] = r[i] * 2 if x[i] > 0 else x[i]
    return np.sum(out)


def _root_items_squared(x):
    r = np.sqrt(x)
    s = 0.0
    for i in range(x.shape[0]):
        s = s + r[i] * r[i]
    return s


def test_a_cotangent_accumulated_item_by_item_keeps_its_zeros():
    """The open issue of the eighth hunt: `a if c else b` (or an if) on items of an array inside a
    loop, l = np.log(x) at x[1] == 0 not read: the reverse sweep accumulates l's cotangent by index
    into zeros, then divides by x after the loop: 0 / 0 = nan where the derivative is 0.
    passes/loopmask.py accumulates g / x[i] in the loop instead; a zero computed where the loop
    did read (sqrt(x)[i] ** 2 at 0: derivative 1, 0 * inf) is still nan, never a silent 0."""
    from tests.conftest import check_against_fd, run_grad

    with np.errstate(divide="ignore", invalid="ignore"):
        _, (g,) = run_grad(_log_items_in_a_loop, [np.array([0.3, 0.0, 0.7, 2.1])], (0,))
        assert g[1] == 0.0 and np.all(np.isfinite(g))
        check_against_fd(_log_items_in_a_loop, [np.array([0.3, 0.2, 0.7, 2.1])], (0,), compiled=False)
        X, w = np.array([[0.5, 0.0, 1.0], [0.1, 0.3, 0.9]]), np.array([1.0, -2.0, 0.5])
        _, (g,) = run_grad(_log_items_in_nested_loops, [X, w], (0,))
        assert g[0, 1] == 0.0 and np.all(np.isfinite(g))
        check_against_fd(_log_items_in_nested_loops, [X + 0.05, w], (0, 1), compiled=False)
        _, (g,) = run_grad(_root_items_or_x, [np.array([0.3, 0.0, 0.7])], (0,))
        assert g[1] == 1.0 and np.all(np.isfinite(g))
        _, (g,) = run_grad(_root_items_squared, [np.array([0.0, 0.5])], (0,))
    assert np.isnan(g[0]) and np.isclose(g[1], 1.0)


def loop_cotangent_read_twice(x, W):
    h = np.tanh(W @ x * 2.0 + np.sum(x) * 0.1)
    total = 0.0
    for i in range(h.shape[0]):
        total = total + h[i] ** 2
    return total


def test_a_loop_cotangent_read_by_several_products_is_not_scaled_for_one():
    """bb0a478: simplify replaced tanh's product by the loop's accumulated cotangent without counting
    the product's readers, so loopmask distributed a second factor (the one of `* 2.0`'s d/dscale
    product) into the loop that the bias's and W's cotangents read too: d/dx 16 % off, silently."""
    rng = np.random.default_rng(3)
    x, W = rng.standard_normal(4), rng.standard_normal((4, 4))
    value, grads = run_grad(loop_cotangent_read_twice, (x, W), (0, 1))
    assert np.isclose(value, loop_cotangent_read_twice(x, W), rtol=1e-13)
    fd_check(loop_cotangent_read_twice, (x, W), (0, 1), grads)
