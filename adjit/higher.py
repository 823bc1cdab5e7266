"""Third derivatives from transformation objects (issue 13): what JAX composes, re-expressed as what
adjit compiles exactly, else left to the located error of the composition.

adjit compiles a Jacobian of a Jacobian whose innermost function is a plain function or a gradient
(adjit/second.py: forward mode over the vjp of the gradient's code). The rewrites below only use
identities that hold exactly, as JAX defines its transformations:

- the Jacobian of a function returning a scalar is its gradient, the same arrays in the same
  structure (jacobian(f, k) = grad(f, k)), so `jacfwd(jacfwd(jacrev(f)))` of a scalar f is
  `jacfwd(jacfwd(grad(f)))`;
- hessian(f, k) = jacfwd(jacrev(f, k), k) = jacfwd(grad(f, k), k) for a scalar f, so
  `jacfwd(hessian(f))`, `jacrev(hessian(f))` and `jacobian(hessian(f))` are Jacobians of a
  Jacobian of a gradient, and `hessian(jacobian(f))` is `hessian(grad(f))`;
- hessian(g) of a gradient g returning an array is jacfwd(jacrev(g)) (second.py);
- `jvp` and `vjp` of a Jacobian or a Hessian contract its own Jacobian (computed as above) with
  the tangents or the cotangent: exact, at the cost of the full Jacobian (n JVPs or m VJPs);
  `grad` of one with a scalar value is that vjp seeded with 1.

Anything else (a fourth derivative, has_aux on one of the levels, structured arguments under jvp or
vjp of a Jacobian) keeps the located error it had."""
from __future__ import annotations

import numpy as np

from .compiler.errors import ArgumentError


def _kinds():
    from .jacobian import _Jacobian
    from .transforms import _Hessian

    return _Jacobian, _Hessian


def is_gradient(f) -> bool:
    """An adjit.grad object (not value_and_grad, not has_aux): its code is transformed again."""
    return type(f).__name__ == "_Transformed" and not f._with_value and not f.has_aux


def _is_plain(f) -> bool:
    return (callable(f) and not isinstance(f, _kinds()) and not getattr(f, "__adjit_transform__", False)
            and getattr(f, "__adjit_custom__", None) is None)


def _is_scalar(value) -> bool:
    return (isinstance(value, (float, np.floating)) or isinstance(value, np.ndarray) and value.ndim == 0
            and value.dtype.kind == "f")


def as_gradient_form(t, args: tuple):
    """A Jacobian of a plain scalar function as its gradient (an adjit.grad object); a Hessian of one
    as the Jacobian (forward mode) of its gradient; None for anything else."""
    from .api import grad

    Jacobian, Hessian = _kinds()
    if getattr(t, "has_aux", False) or not _is_plain(getattr(t, "f", None)):
        return None
    if type(t) is Jacobian and t.inner is None and _is_scalar(t.f(*args)):
        return grad(t.f, wrt=t.argnums)
    if type(t) is Hessian and _is_scalar(t.f(*args)):
        return Jacobian(grad(t.f, wrt=t.k), t.k, "fwd")
    return None


def jacobian_alternative(J, args: tuple):
    """For jacobian._Jacobian J of a Hessian, or of a Jacobian of a Jacobian: the same derivative as
    a Jacobian of a Jacobian of a gradient (which second.py compiles), or None."""
    Jacobian, Hessian = _kinds()
    if J.has_aux:
        return None
    if J.inner is None and type(J.f) is Hessian:
        inner = as_gradient_form(J.f, args)  # Jacobian(grad(f))
        return None if inner is None else Jacobian(inner, J.argnums, J.mode)
    if J.inner is not None and isinstance(J.inner.f, (Jacobian, Hessian)):
        g = as_gradient_form(J.inner.f, args)
        if g is not None and is_gradient(g):
            return Jacobian(Jacobian(g, J.inner.argnums, J.inner.mode), J.argnums, J.mode)
    return None


def hessian_alternative(H, args: tuple):
    """For transforms._Hessian H of a Jacobian of a scalar function, or of a gradient returning an
    array: the function whose jacfwd(jacrev(.)) it is (second.py computes that), or None."""
    Jacobian, _ = _kinds()
    if H.has_aux:
        return None
    if type(H.f) is Jacobian:
        g = as_gradient_form(H.f, args)
        return g if g is not None and is_gradient(g) else None
    if is_gradient(H.f) and not _is_scalar(H.f(*args)):
        return H.f
    return None


def _contract(J, t, rank: int):
    return np.tensordot(J, t, axes=rank)


def _arrays(what: str, values) -> None:
    for v in values:
        if v is not None and not (isinstance(v, (float, np.floating)) or isinstance(v, np.ndarray)
                                  and v.dtype.kind == "f"):
            raise ArgumentError(f"{what} of a Jacobian or a Hessian takes float arrays and numbers (one Jacobian "
                                f"contracted with them), not {type(v).__name__}",
                                hint="take jacfwd / jacrev of the Jacobian and contract it yourself")


def jvp_of_derivative(f, primals: tuple, tangents: tuple):
    """jvp(F, primals, tangents) for F a Jacobian or a Hessian: (F(*primals), sum over the tangents
    of jacfwd(F, k)(*primals) contracted with tangent k)."""
    from .jacobian import jacfwd

    if len(primals) != len(tangents):
        raise ArgumentError(f"jvp: {len(primals)} primals but {len(tangents)} tangents")
    _arrays("jvp", tuple(primals) + tuple(tangents))
    out = f(*primals)
    _arrays("jvp", (out,))  # a structure returned (a structured argument): not contracted here
    dot = np.zeros(np.shape(out))
    for k, t in enumerate(tangents):
        if t is not None:
            dot = dot + _contract(jacfwd(f, argnums=k)(*primals), np.asarray(t), np.ndim(t))
    return out, (dot if isinstance(out, np.ndarray) else type(out)(dot))


def vjp_of_derivative(f, primals: tuple):
    """vjp(F, *primals) for F a Jacobian or a Hessian: (F(*primals), pullback) with pullback(ct) the
    contraction of ct with jacrev(F, k)(*primals) for each float argument k."""
    from .jacobian import jacrev

    _arrays("vjp", primals)
    out = f(*primals)
    _arrays("vjp", (out,))
    blocks = [jacrev(f, argnums=k)(*primals) for k in range(len(primals))]

    def pullback(ct):
        ct = np.asarray(ct, dtype=float)
        if ct.shape != np.shape(out):
            raise ArgumentError(f"the cotangent has shape {ct.shape}, but the output has shape {np.shape(out)}")
        return tuple(np.tensordot(ct, J, axes=ct.ndim) if isinstance(p, np.ndarray) else float(np.sum(ct * J))
                     for J, p in zip(blocks, primals))
    return out, pullback


class GradOfDerivative:
    """grad / value_and_grad of a Jacobian or a Hessian whose value is a scalar (a function of one
    scalar, as jax.grad(jax.jacobian(f)) takes it): the vjp above, seeded with 1."""

    __adjit_transform__ = True

    def __init__(self, f, wrt, with_value: bool):
        if not (isinstance(wrt, int) or isinstance(wrt, tuple) and all(isinstance(k, int) for k in wrt)):
            raise ArgumentError(f"grad of a Jacobian or a Hessian takes wrt as argument positions, not {wrt!r}")
        self.f, self.wrt, self.with_value = f, wrt, with_value
        self.__name__ = f"grad_{getattr(f, '__name__', 'f')}"

    def __call__(self, *args):
        out, pull = vjp_of_derivative(self.f, args)
        if np.ndim(out) != 0:
            raise ArgumentError(f"grad of a Jacobian or a Hessian needs a scalar value, but it is of shape "
                                f"{np.shape(out)}", hint="take adjit.jacrev of it, or adjit.vjp")
        cts = pull(1.0)
        g = cts[self.wrt] if isinstance(self.wrt, int) else tuple(cts[k] for k in self.wrt)
        return (out, g) if self.with_value else g
