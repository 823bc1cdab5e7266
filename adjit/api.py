"""The public transformations grad and value_and_grad (decorator and call forms), of a function or
of a gradient (grad of grad, any depth); the rest of the family (jvp, vjp, jacobian, hessian, hvp) is in transforms.py."""
from __future__ import annotations

from typing import Any, Callable

import numpy as np

from .compiler.errors import ArgumentError
from .compiler.jit import CompiledFunction
from .compiler.jit import pickling
from .compiler.jit.arguments import _shape_key, gradients, n_gradients
from .compiler.jit.compiled import TapedGradientError
from . import outputs


class _Transformed:
    """A compiled transformation of a user function; call it like the function itself."""

    __adjit_transform__ = True  # the frontend never looks through it: it inlines its gradient (__adjit_nested__)

    def __init__(self, fun: Callable, wrt, with_value: bool, checkpoint=None, parallel: bool = False,
                 has_aux: bool = False):
        self._compiled = CompiledFunction(fun, wrt, "value_and_grad", checkpoint, parallel, has_aux=has_aux)
        self._with_value = with_value
        self._by_forward: set = set()  # argument signatures of grad(grad(f)) taken by forward over reverse
        self.has_aux = bool(has_aux)
        self.fun = fun
        self.wrt = wrt
        self.__name__ = getattr(fun, "__name__", "f")
        self.__qualname__ = getattr(fun, "__qualname__", self.__name__)
        self.__doc__ = getattr(fun, "__doc__", None)
        self.__wrapped__ = fun

    def __call__(self, *args, **kwargs):
        c = self._compiled
        raw = args
        args = c._bind(args, kwargs)
        if self._by_forward and _shape_key(args) in self._by_forward:
            return self._forward_over_reverse(args) if self._forward_over_reverse_fits() else self._by_jacfwd(raw)
        try:
            spec = c._spec_for(args)
        except TapedGradientError:
            if not self._forward_over_reverse_fits() and not self._jacfwd_fits(raw, kwargs):
                raise
            self._by_forward.add(_shape_key(args))  # decided once per signature
            return self._forward_over_reverse(args) if self._forward_over_reverse_fits() else self._by_jacfwd(raw)
        out = spec.entry(*args)
        value = np.float32(out[0]) if spec.result_dtype == "float32" else out[0]
        m = n_gradients(args, c.wrt)  # one per leaf of a structured argument
        grads = gradients(args, c.wrt, out[1:1 + m])  # in the arguments' structure (jit/arguments.py)
        grads = grads[0] if c.single else grads
        if self.has_aux:  # as JAX: grad -> (grads, aux), value_and_grad -> ((value, aux), grads)
            aux = outputs.aux_of(out[1 + m:], spec.out_tree)  # in its structure (a dict, a NamedTuple...)
            return ((value, aux), grads) if self._with_value else (grads, aux)
        return (value, grads) if self._with_value else grads

    def _forward_over_reverse(self, args: tuple):
        from .transforms import grad_of_grad_forward  # grad(grad(f)) through a taped loop

        c = self._compiled
        return grad_of_grad_forward(self.fun, c.wrt, c.single, self._with_value, args)

    def _jacfwd_fits(self, raw: tuple, kwargs: dict) -> bool:
        """grad of a function calling a gradient helper whose code pops a tape (a loop, a branch on the
        data): reverse mode cannot differentiate it again, forward mode can (the Jacobian of a scalar
        function is its gradient, as JAX's): a plain function called positionally, without has_aux."""
        c = self._compiled
        return not (kwargs or self.has_aux or c.callee.prefix or c.callee.kwargs or c.parsed.star
                    or len(raw) != len(c.parsed.param_names) or isinstance(self.fun, _Transformed))

    def _by_jacfwd(self, raw: tuple):
        from .jacobian import _Jacobian

        c = self._compiled
        jac = _Jacobian(self.fun, c.wrt[0] if c.single else tuple(c.wrt), "fwd")
        grads = jac(*raw)
        grads = tuple(_like_argument(g, raw[k]) for g, k in zip(grads, c.wrt)) if not c.single \
            else _like_argument(grads, raw[c.wrt[0]])
        if not self._with_value:
            return grads
        value = (jac.parts[0] if jac.parts else jac)._output(raw)
        return (np.float32(value) if getattr(value, "dtype", None) == np.float32 else float(value)), grads

    def _forward_over_reverse_fits(self) -> bool:
        """grad(grad(f)) of a scalar inner gradient of a plain function: forward over reverse works
        where reverse over reverse meets a tape (transforms.grad_of_grad_forward)."""
        inner = self.fun
        if not isinstance(inner, _Transformed) or self.has_aux or inner.has_aux or inner._with_value:
            return False
        return inner._compiled.nested is None and inner._compiled.single

    def forward(self, *args, **kwargs):
        """Run the compiled primal function (the objective alone)."""
        c = self._compiled
        args = c._bind(args, kwargs)
        spec = c._spec_for(args)
        value = spec.forward(*args)
        if self.has_aux:
            value, *aux = value
            value = np.float32(value) if spec.result_dtype == "float32" else value
            return value, outputs.aux_of(aux, spec.out_tree)
        return np.float32(value) if spec.result_dtype == "float32" else value

    def source(self, *args, lowered: bool = False, **kwargs) -> str:
        """Generated source (forward and adjoint sweeps) for these example arguments;
        `lowered=True` shows the module exactly as Numba compiles it."""
        return self._compiled.source(*args, lowered=lowered, **kwargs)

    def ir(self, *args, adjoint: bool = False, **kwargs) -> str:
        """The typed IR for these example arguments; adjoint=True shows the optimized
        forward + reverse sweeps that the generated source is rendered from."""
        return self._compiled.ir(*args, adjoint=adjoint, **kwargs)

    @property
    def signatures(self) -> list[str]:
        return self._compiled.signatures

    @property
    def __adjit_nested__(self) -> dict:
        """What the frontend needs to inline this gradient's code where it is called inside a
        compiled function, or to transform it again (compiler/frontend/nested.py): the function,
        the innermost function's callee and parse, wrt (parameter positions) and the options."""
        c = self._compiled
        return {"fun": self.fun, "callee": c.callee, "parsed": c.parsed, "wrt": tuple(c.wrt), "single": c.single,
                "with_value": self._with_value, "has_aux": self.has_aux}

    @property
    def __adjit_grad_of__(self):
        """jvp(grad(f), ...) reads this: the gradient's function and wrt (forward over reverse)."""
        return None if self._with_value else self

    def __repr__(self) -> str:
        kind = "value_and_grad" if self._with_value else "grad"
        return f"<adjit.{kind} of {self.__qualname__} wrt={self.wrt!r}>"

    def __reduce__(self):
        """Pickled as the user's function (by reference, or its source and the globals it reads),
        wrt and the options; never compiled code or workspaces (compiler/jit/pickling.py)."""
        c = self._compiled
        return pickling.reduce(self, _Transformed, (self.fun, self.wrt, self._with_value, c.checkpoint, c.parallel,
                                                    self.has_aux))


def _as_result(x: Any, args: tuple, k: int):
    """A gradient in the form of its argument: Python floats give floats, NumPy scalars keep their dtype."""
    if isinstance(x, np.ndarray):
        return x
    like = args[k]
    if isinstance(like, np.generic):
        return like.dtype.type(x)
    return float(x)


def _decorate(f, wrt, with_value, checkpoint, parallel, has_aux=False):
    if f is None:
        return lambda fun: _decorate(fun, wrt, with_value, checkpoint, parallel, has_aux)
    if not callable(f):
        raise ArgumentError(f"expected a function to differentiate, got {f!r}",
                            hint="write @adjit.grad(wrt=...) with the keyword")
    if getattr(f, "__adjit_custom__", None) is not None or type(f).__name__ == "PlainGrad":
        from .custom import plain_grad  # a custom_vjp / custom_jvp function itself: its rule, in Python

        return plain_grad(f, wrt, with_value, has_aux)
    if type(f).__name__ in ("_Jacobian", "_Hessian") and not has_aux:  # a third derivative: adjit/higher.py
        from .higher import GradOfDerivative

        return GradOfDerivative(f, wrt, with_value)
    # grad(grad(f)), to any depth: the inner gradient's code is the primal code of the outer one,
    # compiled once (compiler/frontend/nested.py)
    return _Transformed(f, wrt, with_value, checkpoint, parallel, has_aux)


def _wrt_or_argnums(wrt, argnums):
    """JAX's `argnums=` as adjit's `wrt=` (code ports both ways); both given is an error."""
    if argnums is None:
        return wrt
    if wrt != 0:
        raise ArgumentError(f"give wrt or argnums, not both (wrt={wrt!r}, argnums={argnums!r}): argnums is JAX's "
                            "name for wrt")
    return tuple(argnums) if isinstance(argnums, list) else argnums


def grad(f: Callable | None = None, wrt=0, checkpoint=None, parallel: bool = False, has_aux: bool = False,
         argnums=None):
    """The gradient of a scalar-valued function with respect to `wrt` (positions or names).

    `@grad`, `@grad(wrt=("W1", "b1"))` and `grad(f, wrt=(0, 1))` all work. Returns one gradient
    for a single int/str `wrt`, else a tuple in `wrt` order. `checkpoint="sqrt"` (or a segment
    length) reverses the function's top-level for loops with checkpointing: memory O(sqrt(T))
    instead of O(T) for T iterations, at the price of one more forward pass. `parallel=True`
    runs the outer loop of each top-level fused loop nest on all cores (numba.prange); reductions
    go through a fixed number of partial sums, so the gradient is the same run to run.
    `has_aux=True`: f returns (value, aux), aux an array, a number or a tuple of them, and
    grad returns (gradients, aux), as jax.grad does. f may itself be a gradient
    (grad(grad(f)), any depth: its code differentiated again, compiled once), and f may call
    grad / value_and_grad objects (their gradient code is inlined and differentiated through).
    `argnums=` is accepted as JAX's name for `wrt=`."""
    return _decorate(f, _wrt_or_argnums(wrt, argnums), False, checkpoint, parallel, has_aux)


def value_and_grad(f: Callable | None = None, wrt=0, checkpoint=None, parallel: bool = False,
                   has_aux: bool = False, argnums=None):
    """Like grad, but returns (value, gradients); with has_aux=True ((value, aux), gradients).
    `argnums=` is accepted as JAX's name for `wrt=`."""
    return _decorate(f, _wrt_or_argnums(wrt, argnums), True, checkpoint, parallel, has_aux)


def _like_argument(g, arg):
    """A gradient by forward mode as grad gives it: a Python float for a Python float argument."""
    return float(g) if isinstance(arg, float) and not isinstance(arg, np.floating) else g


def stop_gradient(x):
    """x itself; inside a differentiated function no derivative flows through it."""
    return x


stop_gradient.__adjit_primitive__ = "stop_gradient"


grad.__adjit_transform__ = True  # adjit.grad(h) called inside a compiled function: a located error
value_and_grad.__adjit_transform__ = True
