"""Optimizers from the seed (SGD, Momentum, Adam) that update NumPy parameter arrays
in place with fused Numba kernels."""

import math
from collections.abc import Mapping

import numba
from numba import literal_unroll
import numpy as np

from .trees import holds_arrays, describe, flatten, is_namedtuple, is_structure, path_text

__all__ = ["SGD", "Momentum", "Adam"]

SUPPORTED_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


# The kernels take 1-d C-contiguous arrays and Python-float hyperparameters, so the
# arithmetic runs in float64 and each result is rounded once into the array's dtype.

@numba.njit(cache=True, fastmath=False, error_model="numpy")  # no per-element zero-division checks: vectorizes
def _sgd_kernel(param, grad, lr):
    for i in range(param.size):
        param[i] -= lr * grad[i]


@numba.njit(cache=True, fastmath=False, error_model="numpy")  # no per-element zero-division checks: vectorizes
def _momentum_kernel(param, grad, velocity, lr, beta):
    for i in range(param.size):
        velocity[i] = beta * velocity[i] + lr * grad[i]
        param[i] -= velocity[i]


@numba.njit(cache=True, fastmath=False, error_model="numpy")  # no per-element zero-division checks: vectorizes
def _adam_kernel(param, grad, m, v, lr, beta1, beta2, eps, bias_correction1, bias_correction2):
    for i in range(param.size):
        g = grad[i]
        m[i] = beta1 * m[i] + (1.0 - beta1) * g
        v[i] = beta2 * v[i] + (1.0 - beta2) * g * g
        m_hat = m[i] / bias_correction1
        v_hat = v[i] / bias_correction2
        param[i] -= lr * m_hat / (math.sqrt(v_hat) + eps)


def _run_elementwise(kernel, param, grad, states, *hyperparameters):
    """Run `kernel` over flat views of `param`, `grad` and `states`, writing into `param`.

    State arrays are always allocated C-contiguous by the optimizer. A non-contiguous
    gradient is copied; a non-contiguous parameter (e.g. a transposed or sliced view)
    is updated in a contiguous scratch copy that is written back, so every memory
    layout goes through the same kernel and gets bit-identical results.
    """
    grad_flat = np.ascontiguousarray(grad).reshape(-1)
    states_flat = [state.reshape(-1) for state in states]
    if param.flags.c_contiguous:
        kernel(param.reshape(-1), grad_flat, *states_flat, *hyperparameters)
    else:
        scratch = np.ascontiguousarray(param)
        kernel(scratch.reshape(-1), grad_flat, *states_flat, *hyperparameters)
        param[...] = scratch


# One compiled call per step runs the kernel over every parameter (a heterogeneous tuple of
# (param, grad, *state) groups, unrolled at compile time), so a step pays one dispatch, and the
# machine code is cached on disk like any Numba function.

@numba.njit(cache=True, error_model="numpy")
def _sgd_all(groups, lr):
    for grp in literal_unroll(groups):
        p, g = grp
        _sgd_kernel(p.reshape(p.size), g.reshape(g.size), lr)


@numba.njit(cache=True, error_model="numpy")
def _momentum_all(groups, lr, beta):
    for grp in literal_unroll(groups):
        p, g, v = grp
        _momentum_kernel(p.reshape(p.size), g.reshape(g.size), v.reshape(v.size), lr, beta)


@numba.njit(cache=True, error_model="numpy")
def _adam_all(groups, lr, beta1, beta2, eps, bias_correction1, bias_correction2):
    for grp in literal_unroll(groups):
        p, g, m, v = grp
        _adam_kernel(p.reshape(p.size), g.reshape(g.size), m.reshape(m.size), v.reshape(v.size),
                     lr, beta1, beta2, eps, bias_correction1, bias_correction2)


def _nested(params) -> bool:
    """Parameters beyond a flat list/tuple/dict of arrays: nested, a NamedTuple or a dataclass."""
    if is_namedtuple(params) or (is_structure(params) and not isinstance(params, (dict, list, tuple))):
        return True
    values = params.values() if isinstance(params, Mapping) else params if isinstance(params, (list, tuple)) else ()
    return any(is_structure(v) and holds_arrays(v) for v in values)


def _label(key):
    return f"parameter {key!r}" if isinstance(key, str) else f"parameter {key}"


def _check_parameter(key, param):
    if not isinstance(param, np.ndarray):
        raise ValueError(
            f"{_label(key)} must be a NumPy array (arrays only; Python scalars are not "
            f"supported), got {type(param).__name__}"
        )
    if param.ndim == 0:
        raise ValueError(
            f"{_label(key)} is a 0-d array; arrays only: parameters need at least one "
            f"dimension, e.g. np.array([x]) instead of a scalar"
        )
    if param.dtype not in SUPPORTED_DTYPES:
        raise ValueError(
            f"{_label(key)} has dtype {param.dtype}; only float32 and float64 are supported"
        )
    if not param.flags.writeable:
        raise ValueError(f"{_label(key)} is read-only; optimizers update parameters in place")


def _check_hyperparameter(name, value, low, high, *, high_inclusive=False):
    value = float(value)
    too_high = value > high if high_inclusive else value >= high
    if not math.isfinite(value) or value < low or too_high:
        closing = "]" if high_inclusive else ")"
        raise ValueError(f"{name} must be in [{low}, {high}{closing}, got {value}")
    return value


class _Optimizer:
    """Shared bookkeeping: parameter containers, gradient validation, per-parameter state."""

    def __init__(self, params):
        self._tree = None
        if _nested(params):  # nested, a NamedTuple or a dataclass: by leaf, keyed by path
            leaves, self._tree, paths = flatten(params)
            self._keys = [path_text("params", p) for p in paths]
            self.params = dict(zip(self._keys, leaves))
        elif isinstance(params, Mapping):
            self._keys = list(params)
            self.params = dict(params)
        elif isinstance(params, (list, tuple)):
            self._keys = list(range(len(params)))
            self.params = list(params)
        else:
            raise ValueError(
                "params must be a list or tuple of NumPy arrays, a dict name -> array, or a nested "
                "structure of arrays (dicts, lists, tuples, NamedTuples, dataclasses), "
                f"got {type(params).__name__}"
            )
        if not self._keys:
            raise ValueError("params is empty; an optimizer needs at least one parameter array")
        for key in self._keys:
            _check_parameter(key, self.params[key])

    def _zeros_like_params(self):
        """A container like `params` holding one C-contiguous zero array per parameter."""
        zeros = {key: np.zeros(self.params[key].shape, self.params[key].dtype) for key in self._keys}
        return zeros if isinstance(self.params, dict) else [zeros[key] for key in self._keys]

    def _validated_grads(self, grads):
        """Return the gradients in parameter order after checking them all.

        Everything is checked before any parameter is touched, so a rejected step
        leaves parameters and state unchanged.
        """
        if self._tree is not None:
            grads = self._flat_grads(grads)
        if isinstance(self.params, dict):
            if not isinstance(grads, Mapping):
                raise ValueError(
                    f"params were given as a dict, so grads must be a dict too, "
                    f"got {type(grads).__name__}"
                )
            missing = [key for key in self._keys if key not in grads]
            if missing:
                raise ValueError(f"missing gradient for parameter(s) {missing}")
            unexpected = [key for key in grads if key not in self.params]
            if unexpected:
                raise ValueError(f"gradient(s) given for unknown parameter(s) {unexpected}")
        else:
            if not isinstance(grads, (list, tuple)):
                raise ValueError(
                    f"grads must be a list or tuple with one array per parameter, "
                    f"got {type(grads).__name__}"
                )
            if len(grads) != len(self._keys):
                raise ValueError(f"expected {len(self._keys)} gradients, got {len(grads)}")

        ordered = []
        for key in self._keys:
            param, grad = self.params[key], grads[key]
            if not isinstance(grad, np.ndarray):
                raise ValueError(
                    f"gradient for {_label(key)} must be a NumPy array, got {type(grad).__name__}"
                )
            if grad.shape != param.shape:
                raise ValueError(
                    f"gradient for {_label(key)} has shape {grad.shape}, expected {param.shape}"
                )
            if grad.dtype != param.dtype:
                raise ValueError(
                    f"gradient for {_label(key)} has dtype {grad.dtype}, expected {param.dtype}"
                )
            ordered.append(grad)
        return ordered

    def _flat_grads(self, grads):
        """Gradients in the structure of the parameters, by the parameters' path keys."""
        leaves, tree, paths = flatten(grads)
        if tree != self._tree:
            raise ValueError(f"grads must have the structure of params, {describe(self._tree)}, "
                             f"got {describe(tree)}")
        return dict(zip(self._keys, leaves))

    def step(self, grads):
        """Apply one update to every parameter, in place, from the matching gradients."""
        ordered_grads = self._validated_grads(grads)
        self._begin_step()
        params = [self.params[key] for key in self._keys]
        if all(p.flags.c_contiguous for p in params) and all(g.flags.c_contiguous for g in ordered_grads):
            fused, states, hyper = self._fused_parts()
            groups = tuple((param, grad) + tuple(state[key] for state in states)
                           for key, param, grad in zip(self._keys, params, ordered_grads))
            fused(groups, *hyper)
            return
        for key, grad in zip(self._keys, ordered_grads):
            self._update(key, self.params[key], grad)

    def _begin_step(self):
        pass

    def _fused_parts(self):
        """(fused all-parameter kernel, state containers, hyperparameters) of this optimizer's update."""
        raise NotImplementedError

    def _update(self, key, param, grad):
        raise NotImplementedError


class SGD(_Optimizer):
    """Plain gradient descent: θ ← θ − η·g."""

    def __init__(self, params, lr):
        super().__init__(params)
        self.lr = _check_hyperparameter("lr", lr, 0.0, math.inf)

    def _update(self, key, param, grad):
        _run_elementwise(_sgd_kernel, param, grad, (), self.lr)

    def _fused_parts(self):
        return _sgd_all, (), (self.lr,)


class Momentum(_Optimizer):
    """SGD with momentum in the seed's form: v_t = β·v_{t−1} + η·g;  θ ← θ − v_t.

    `v[key]` holds the velocity of each parameter, zeros before the first step.
    """

    def __init__(self, params, lr, beta=0.9):
        super().__init__(params)
        self.lr = _check_hyperparameter("lr", lr, 0.0, math.inf)
        self.beta = _check_hyperparameter("beta", beta, 0.0, 1.0)
        self.v = self._zeros_like_params()

    def _update(self, key, param, grad):
        _run_elementwise(_momentum_kernel, param, grad, (self.v[key],), self.lr, self.beta)

    def _fused_parts(self):
        return _momentum_all, (self.v,), (self.lr, self.beta)


class Adam(_Optimizer):
    """Adam exactly as in the seed, with ε outside the square root:

        m_t = β₁·m + (1−β₁)·g          v_t = β₂·v + (1−β₂)·g²
        m̂ = m_t / (1−β₁^t)              v̂ = v_t / (1−β₂^t)
        θ ← θ − η·m̂ / (√v̂ + ε)

    `t` is the number of steps taken (the first step uses t = 1); `m[key]` and
    `v[key]` hold the moment estimates of each parameter.
    """

    def __init__(self, params, lr=1e-3, beta1=0.9, beta2=0.999, eps=1e-8):
        super().__init__(params)
        self.lr = _check_hyperparameter("lr", lr, 0.0, math.inf)
        self.beta1 = _check_hyperparameter("beta1", beta1, 0.0, 1.0)
        self.beta2 = _check_hyperparameter("beta2", beta2, 0.0, 1.0)
        self.eps = _check_hyperparameter("eps", eps, 0.0, math.inf)
        self.t = 0
        self.m = self._zeros_like_params()
        self.v = self._zeros_like_params()

    def _begin_step(self):
        self.t += 1
        self._bias_correction1 = 1.0 - self.beta1 ** self.t
        self._bias_correction2 = 1.0 - self.beta2 ** self.t

    def _update(self, key, param, grad):
        _run_elementwise(
            _adam_kernel, param, grad, (self.m[key], self.v[key]),
            self.lr, self.beta1, self.beta2, self.eps,
            self._bias_correction1, self._bias_correction2,
        )

    def _fused_parts(self):
        return _adam_all, (self.m, self.v), (self.lr, self.beta1, self.beta2, self.eps,
                                                 self._bias_correction1, self._bias_correction2)
