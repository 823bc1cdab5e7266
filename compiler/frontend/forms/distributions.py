"""scipy.stats.norm's methods, composed of rows: `norm.cdf`, `norm.sf`, `norm.pdf`, `norm.logpdf`,
`norm.logcdf`, `norm.logsf`, each with `loc` and `scale` (issue 12: the finance programs write
`norm.cdf(d1)`). The distribution object is matched when a program calls one of its methods (a
bound method is a new object at every attribute access, so it is not in the table by identity).

With z = (x - loc) / scale: cdf = erfc(-z / sqrt 2) / 2, sf = erfc(z / sqrt 2) / 2 (erfc keeps
the far tails accurate), pdf = exp(-z^2 / 2) / (sqrt(2 pi) scale), logpdf = -z^2 / 2 - log(sqrt(2
pi) scale), logcdf = log(cdf), logsf = log(sf)."""
from __future__ import annotations

import math

from ...errors import AdjitTypeError, UnsupportedSyntaxError
from .base import FormsBase

_METHODS = ("cdf", "sf", "pdf", "logpdf", "logcdf", "logsf")

# spelling -> (the objects or method names it matches, what it lowers to); the objects are matched
# by `distribution_call`, not by identity
FORMS: dict = {
    "scipy.stats.norm.cdf": ((), (), "`erfc(-z / sqrt(2)) / 2`, z = (x - loc) / scale (`loc`, `scale`)"),
    "scipy.stats.norm.sf": ((), (), "`erfc(z / sqrt(2)) / 2`"),
    "scipy.stats.norm.pdf": ((), (), "`exp(-z ** 2 / 2) / (sqrt(2 pi) scale)`"),
    "scipy.stats.norm.logpdf": ((), (), "`-z ** 2 / 2 - log(sqrt(2 pi) scale)`"),
    "scipy.stats.norm.logcdf": ((), (), "`log` of the `cdf` form"),
    "scipy.stats.norm.logsf": ((), (), "`log` of the `sf` form"),
}


def _is_norm(owner) -> bool:
    cls = type(owner)
    return cls.__module__.startswith("scipy.stats") and getattr(owner, "name", None) == "norm" \
        and hasattr(owner, "cdf")


class DistributionForms(FormsBase):
    def distribution_call(self, func, args, kwargs, node):
        """`norm.cdf(x, loc, scale)` and its kin lowered; None when func is not one of them."""
        owner = getattr(func, "__self__", None)
        if owner is None or not _is_norm(owner):
            return None
        name = getattr(func, "__name__", "")
        label = f"norm.{name}"
        if name not in _METHODS:
            raise self.err(UnsupportedSyntaxError, f"`{label}` is not supported by adjit", node,
                           hint="supported: " + ", ".join(f"norm.{m}" for m in _METHODS))
        x, loc, scale = self.bind_args(label, ("x", "loc", "scale"), args, kwargs, node, loc=0.0, scale=1.0)
        if type(x).__name__ == "Masked":  # norm.cdf(x[mask]): elementwise on the selection (masks.py)
            from ..masks import Masked

            inner = self.b.emit("where", [x.mask, x.values, self.b.const(0.5)])
            out = self.distribution_call(func, (inner, loc, scale), {}, node)
            return Masked(out, x.mask, x.rows)
        v = lambda a: self.value(a, node)  # noqa: E731
        x = v(x)
        if x.type.kind not in ("array", "scalar"):
            raise self.err(AdjitTypeError, f"{label} takes an array or a number", node)
        emit = self.b.emit
        z = x if loc == 0.0 and not hasattr(loc, "type") else emit("sub", [x, v(loc)])
        unit = scale == 1.0 and not hasattr(scale, "type")
        z = z if unit else emit("div", [z, v(scale)])
        if z.type.dtype not in ("float32", "float64"):
            z = emit("astype", [z], dtype="float64")
        if name in ("cdf", "logcdf", "sf", "logsf"):
            arg = emit("mul", [z, v((-1.0 if name in ("cdf", "logcdf") else 1.0) / math.sqrt(2.0))])
            out = emit("mul", [emit("erfc", [arg]), v(0.5)])
            return emit("log", [out]) if name.startswith("log") else out
        half_z2 = emit("mul", [emit("mul", [z, z]), v(-0.5)])
        norm = v(0.5 * math.log(2 * math.pi))
        if not unit:
            norm = emit("add", [norm, emit("log", [v(scale)])])
        logp = emit("sub", [half_z2, norm])
        return logp if name == "logpdf" else emit("exp", [logp])
