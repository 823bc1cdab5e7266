"""adjit.check_grad: compare adjit's compiled gradient with central finite differences."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .api import grad as _grad
from .runtime.gradcheck import numerical_gradient, relative_error


@dataclass
class GradCheckReport:
    """Per-argument maximum relative error between adjit's gradient and finite differences."""

    names: list
    errors: list
    rtol: float

    @property
    def ok(self) -> bool:
        return all(e < self.rtol for e in self.errors)

    @property
    def max_error(self) -> float:
        return max(self.errors)

    def __str__(self) -> str:
        width = max(len(n) for n in self.names)
        lines = [f"gradient check (central differences, pass if relative error < {self.rtol:g})"]
        for n, e in zip(self.names, self.errors):
            lines.append(f"  {n:<{width}}  {e:.3e}  {'ok' if e < self.rtol else 'FAILED'}")
        return "\n".join(lines)

    def __bool__(self) -> bool:
        return self.ok


def check_grad(f, *args, wrt=None, eps: float = 1e-6, rtol: float = 1e-6) -> GradCheckReport:
    """Differentiate `f` with adjit and compare, argument by argument, with central differences.

    `f` may be a plain function or one already wrapped by adjit.grad/value_and_grad (whose `wrt`
    is then the default)."""
    fun = getattr(f, "fun", f)
    if wrt is None:
        wrt = getattr(f, "wrt", 0)
    g = _grad(fun, wrt=wrt)
    analytic = g(*args)
    wrt_idx = g._compiled.wrt
    if g._compiled.single:
        analytic = (analytic,)
    names = [g._compiled.parsed.param_names[k] for k in wrt_idx]
    float_args = tuple(np.asarray(a, dtype=np.float64) if isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
                       for a in args)
    errors = [relative_error(a, numerical_gradient(fun, float_args, k, eps)) for a, k in zip(analytic, wrt_idx)]
    return GradCheckReport(names, errors, rtol)
