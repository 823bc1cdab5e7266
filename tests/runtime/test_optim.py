"""Optimizers checked step by step against plain-NumPy transcriptions of the seed's formulas."""

import numpy as np
import pytest

from adjit.runtime.optim import SGD, Adam, Momentum

STEPS = 6
SHAPES = [(4, 3), (5,), (2, 3, 2)]


# --- Plain NumPy transcriptions of the seed --------------------------------------------

def reference_sgd(params, grads_per_step, lr):
    params = [p.astype(np.float64) for p in params]
    history = []
    for grads in grads_per_step:
        params = [p - lr * g for p, g in zip(params, grads)]
        history.append(params)
    return history


def reference_momentum(params, grads_per_step, lr, beta):
    # v_t = β v_{t−1} + η ∇L(θ_t);  θ_{t+1} = θ_t − v_t
    params = [p.astype(np.float64) for p in params]
    velocities = [np.zeros_like(p) for p in params]
    history = []
    for grads in grads_per_step:
        velocities = [beta * v + lr * g for v, g in zip(velocities, grads)]
        params = [p - v for p, v in zip(params, velocities)]
        history.append((params, velocities))
    return history


def reference_adam(params, grads_per_step, lr, beta1, beta2, eps):
    # m_t = β₁m + (1−β₁)g;  v_t = β₂v + (1−β₂)g²;  m̂ = m/(1−β₁^t);  v̂ = v/(1−β₂^t)
    # θ ← θ − η m̂ / (√v̂ + ε)
    params = [p.astype(np.float64) for p in params]
    ms = [np.zeros_like(p) for p in params]
    vs = [np.zeros_like(p) for p in params]
    history = []
    for t, grads in enumerate(grads_per_step, start=1):
        ms = [beta1 * m + (1 - beta1) * g for m, g in zip(ms, grads)]
        vs = [beta2 * v + (1 - beta2) * g**2 for v, g in zip(vs, grads)]
        m_hats = [m / (1 - beta1**t) for m in ms]
        v_hats = [v / (1 - beta2**t) for v in vs]
        params = [p - lr * mh / (np.sqrt(vh) + eps) for p, mh, vh in zip(params, m_hats, v_hats)]
        history.append((params, ms, vs))
    return history


# --- Helpers -----------------------------------------------------------------------------

def random_params_and_grads(dtype, seed=0, shapes=SHAPES):
    rng = np.random.default_rng(seed)
    params = [rng.standard_normal(shape).astype(dtype) for shape in shapes]
    grads_per_step = [
        [(rng.standard_normal(shape) * rng.uniform(0.1, 3.0)).astype(dtype) for shape in shapes]
        for _ in range(STEPS)
    ]
    return params, grads_per_step


def assert_matches(actual, expected, dtype):
    if dtype == np.float64:
        np.testing.assert_allclose(actual, expected, rtol=1e-12, atol=1e-15)
    else:
        np.testing.assert_allclose(actual, expected, rtol=2e-5, atol=2e-6)


DTYPES = [np.float64, np.float32]


# --- Step-by-step agreement with the seed ---------------------------------------------------

@pytest.mark.parametrize("dtype", DTYPES)
def test_sgd_matches_seed_each_step(dtype):
    params, grads_per_step = random_params_and_grads(dtype)
    expected = reference_sgd(params, grads_per_step, lr=0.05)
    opt = SGD(params, lr=0.05)
    for step, grads in enumerate(grads_per_step):
        opt.step(grads)
        for actual, want in zip(params, expected[step]):
            assert actual.dtype == dtype
            assert_matches(actual, want, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_momentum_matches_seed_each_step(dtype):
    params, grads_per_step = random_params_and_grads(dtype, seed=1)
    expected = reference_momentum(params, grads_per_step, lr=0.03, beta=0.85)
    opt = Momentum(params, lr=0.03, beta=0.85)
    for step, grads in enumerate(grads_per_step):
        opt.step(grads)
        want_params, want_velocities = expected[step]
        for i in range(len(params)):
            assert params[i].dtype == dtype and opt.v[i].dtype == dtype
            assert_matches(params[i], want_params[i], dtype)
            assert_matches(opt.v[i], want_velocities[i], dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_adam_matches_seed_each_step(dtype):
    params, grads_per_step = random_params_and_grads(dtype, seed=2)
    hyper = dict(lr=0.01, beta1=0.8, beta2=0.95, eps=1e-3)  # large eps so its placement matters
    expected = reference_adam(params, grads_per_step, **hyper)
    opt = Adam(params, **hyper)
    for step, grads in enumerate(grads_per_step):
        opt.step(grads)
        assert opt.t == step + 1
        want_params, want_ms, want_vs = expected[step]
        for i in range(len(params)):
            assert params[i].dtype == dtype
            assert opt.m[i].dtype == dtype and opt.v[i].dtype == dtype
            assert_matches(params[i], want_params[i], dtype)
            assert_matches(opt.m[i], want_ms[i], dtype)
            assert_matches(opt.v[i], want_vs[i], dtype)


def test_adam_defaults_match_seed():
    params, grads_per_step = random_params_and_grads(np.float64, seed=3)
    expected = reference_adam(params, grads_per_step, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8)
    opt = Adam(params)
    for grads in grads_per_step:
        opt.step(grads)
    for actual, want in zip(params, expected[-1][0]):
        assert_matches(actual, want, np.float64)


# --- Hand-computed values independent of the transcriptions --------------------------------

def test_momentum_by_hand():
    theta = np.array([1.0, -2.0])
    opt = Momentum([theta], lr=0.1, beta=0.5)
    opt.step([np.array([1.0, 2.0])])  # v = [0.1, 0.2]
    np.testing.assert_allclose(theta, [0.9, -2.2], rtol=1e-15)
    opt.step([np.array([1.0, 2.0])])  # v = 0.5*[0.1, 0.2] + [0.1, 0.2] = [0.15, 0.3]
    np.testing.assert_allclose(opt.v[0], [0.15, 0.3], rtol=1e-15)
    np.testing.assert_allclose(theta, [0.75, -2.5], rtol=1e-15)


def test_adam_first_step_is_lr_times_g_over_abs_g_plus_eps():
    # At t = 1 bias correction gives m̂ = g and v̂ = g², so the step is η·g/(|g| + ε).
    g = np.array([0.5, -2.0, 1e-3])
    theta = np.zeros(3)
    opt = Adam([theta], lr=0.1, eps=1e-2)
    opt.step([g])
    np.testing.assert_allclose(theta, -0.1 * g / (np.abs(g) + 1e-2), rtol=1e-12)


# --- In place, layouts, containers ---------------------------------------------------------

@pytest.mark.parametrize("make_optimizer", [
    lambda p: SGD(p, lr=0.1),
    lambda p: Momentum(p, lr=0.1),
    lambda p: Adam(p, lr=0.1),
], ids=["sgd", "momentum", "adam"])
def test_updates_in_place_and_keeps_objects(make_optimizer):
    params, grads_per_step = random_params_and_grads(np.float64, seed=4)
    originals = [p.copy() for p in params]
    ids = [id(p) for p in params]
    opt = make_optimizer(params)
    state_ids = [id(a) for a in getattr(opt, "v", [])] + [id(a) for a in getattr(opt, "m", [])]
    opt.step(grads_per_step[0])
    assert [id(p) for p in opt.params] == ids
    assert [id(a) for a in getattr(opt, "v", [])] + [id(a) for a in getattr(opt, "m", [])] == state_ids
    for p, before in zip(params, originals):
        assert not np.allclose(p, before)


@pytest.mark.parametrize("dtype", DTYPES)
def test_non_contiguous_params_and_grads_update_the_viewed_memory(dtype):
    rng = np.random.default_rng(5)
    base = rng.standard_normal((6, 8)).astype(dtype)
    transposed = base[:, :4].T  # shape (4, 6), neither C- nor F-contiguous
    strided = base[::2, 4]  # every other row of column 4
    contiguous = [transposed.copy(), strided.copy()]
    grads_per_step = [
        [rng.standard_normal((6, 4)).astype(dtype).T, rng.standard_normal(3).astype(dtype)]
        for _ in range(STEPS)
    ]
    views_opt = Adam([transposed, strided], lr=0.05)
    copies_opt = Adam(contiguous, lr=0.05)
    for grads in grads_per_step:
        views_opt.step(grads)
        copies_opt.step([np.ascontiguousarray(g) for g in grads])
    np.testing.assert_array_equal(base[:, :4].T, contiguous[0])
    np.testing.assert_array_equal(base[::2, 4], contiguous[1])


def test_dict_params_with_dict_grads():
    rng = np.random.default_rng(6)
    params = {"W1": rng.standard_normal((3, 2)), "b1": rng.standard_normal(3)}
    grads = {"b1": rng.standard_normal(3), "W1": rng.standard_normal((3, 2))}  # order differs
    as_list = [params["W1"].copy(), params["b1"].copy()]
    opt = Momentum(params, lr=0.1)
    list_opt = Momentum(as_list, lr=0.1)
    for _ in range(2):
        opt.step(grads)
        list_opt.step([grads["W1"], grads["b1"]])
    assert set(opt.v) == {"W1", "b1"}
    np.testing.assert_array_equal(params["W1"], as_list[0])
    np.testing.assert_array_equal(params["b1"], as_list[1])
    np.testing.assert_array_equal(opt.v["W1"], list_opt.v[0])


@pytest.mark.parametrize("optimizer_class", [SGD, Momentum, Adam])
def test_minimises_a_quadratic(optimizer_class):
    target = np.array([1.0, -3.0, 0.5])
    theta = np.zeros(3)
    opt = optimizer_class([theta], lr=0.05)
    for _ in range(2000):
        opt.step([2.0 * (theta - target)])
    np.testing.assert_allclose(theta, target, atol=1e-3)


# --- Validation ---------------------------------------------------------------------------------

@pytest.mark.parametrize("optimizer_class", [SGD, Momentum, Adam])
def test_wrong_gradient_count_shape_dtype_are_rejected(optimizer_class):
    params = [np.zeros((2, 3)), np.zeros(4)]
    opt = optimizer_class(params, lr=0.1)
    with pytest.raises(ValueError, match=r"expected 2 gradients, got 1"):
        opt.step([np.ones((2, 3))])
    with pytest.raises(ValueError, match=r"parameter 1 has shape \(5,\), expected \(4,\)"):
        opt.step([np.ones((2, 3)), np.ones(5)])
    with pytest.raises(ValueError, match=r"parameter 0 has dtype float32, expected float64"):
        opt.step([np.ones((2, 3), np.float32), np.ones(4)])
    with pytest.raises(ValueError, match=r"parameter 1 must be a NumPy array, got list"):
        opt.step([np.ones((2, 3)), [1.0, 1.0, 1.0, 1.0]])
    with pytest.raises(ValueError, match=r"list or tuple"):
        opt.step(np.ones((2, 3)))


def test_rejected_step_changes_nothing():
    params = [np.ones(3), np.ones(2)]
    opt = Adam(params, lr=0.1)
    with pytest.raises(ValueError, match="parameter 1 has shape"):
        opt.step([np.ones(3), np.ones(4)])  # first gradient is fine, second is not
    np.testing.assert_array_equal(params[0], np.ones(3))
    np.testing.assert_array_equal(opt.m[0], np.zeros(3))
    assert opt.t == 0


def test_dict_grads_must_match_names():
    opt = SGD({"W": np.zeros((2, 2)), "b": np.zeros(2)}, lr=0.1)
    with pytest.raises(ValueError, match=r"missing gradient for parameter\(s\) \['b'\]"):
        opt.step({"W": np.ones((2, 2))})
    with pytest.raises(ValueError, match=r"unknown parameter\(s\) \['c'\]"):
        opt.step({"W": np.ones((2, 2)), "b": np.ones(2), "c": np.ones(2)})
    with pytest.raises(ValueError, match=r"parameter 'b' has dtype float32, expected float64"):
        opt.step({"W": np.ones((2, 2)), "b": np.ones(2, np.float32)})
    with pytest.raises(ValueError, match="grads must be a dict"):
        opt.step([np.ones((2, 2)), np.ones(2)])


@pytest.mark.parametrize("bad_param, message", [
    (1.5, r"parameter 0 must be a NumPy array \(arrays only"),
    (np.array(1.5), r"parameter 0 is a 0-d array; arrays only"),
    (np.zeros(3, np.int64), r"parameter 0 has dtype int64; only float32 and float64"),
    (np.zeros(3, np.complex128), r"dtype complex128"),
])
def test_unsupported_parameters_are_rejected(bad_param, message):
    with pytest.raises(ValueError, match=message):
        SGD([bad_param], lr=0.1)


def test_read_only_and_empty_params_are_rejected():
    frozen = np.zeros(3)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="parameter 'w' is read-only"):
        Adam({"w": frozen})
    with pytest.raises(ValueError, match="params is empty"):
        Momentum([], lr=0.1)
    with pytest.raises(ValueError, match="params must be a list or tuple"):
        SGD(np.zeros(3), lr=0.1)


@pytest.mark.parametrize("make", [
    lambda p: SGD(p, lr=-0.1),
    lambda p: Momentum(p, lr=0.1, beta=1.0),
    lambda p: Adam(p, beta2=-0.5),
    lambda p: Adam(p, eps=float("nan")),
])
def test_invalid_hyperparameters_are_rejected(make):
    with pytest.raises(ValueError, match="must be in"):
        make([np.zeros(2)])
