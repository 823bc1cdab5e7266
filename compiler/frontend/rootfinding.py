"""scipy.optimize.brentq(f, a, b, args=(), xtol, rtol, maxiter) inside a differentiated function, with
the derivative of the root the implicit function theorem gives (heldout9's Love-wave dispersion:
the phase velocity is the root of the secular function in a bracket):

- the value: Brent's method as SciPy's C code (`scipy/optimize/Zeros/brentq.c`) runs it, written in
  Python below (`brentq_steps`, the same steps and tests: bitwise SciPy's root on the programs
  tried) and lowered like any helper, with f inlined and a, b and the extra arguments under
  stop_gradient: the iteration carries no derivative;
- the derivative: with r that root, `r - (f(r, *args) - stop(f(r, *args))) / stop(f_x(r, *args))`:
  the value is r, and d r / d p = -f_p / f_x. f_x is f's own gradient in x (reverse mode, inlined
  as `adjit.grad(f)` called inside a function is: nested.py), so it is exact.
f must be a plain Python function (a def of a module or a nested def); `full_output=True` and a
root f_x = 0 at (a double root) are located / run-time errors rather than a wrong derivative."""
from __future__ import annotations

import types

from ..errors import UnsupportedSyntaxError
from ..ir import Value
from .nested import call_transform
from .values import LocalFunction


def brentq_steps(f, xa, xb, args, xtol, rtol, maxiter):
    xpre, xcur = xa, xb
    xblk, fblk, spre, scur = 0.0, 0.0, 0.0, 0.0
    fpre = f(xpre, *args)
    fcur = f(xcur, *args)
    if fpre * fcur > 0:
        raise ValueError("f(a) and f(b) must have different signs")
    if fpre == 0:
        return xpre
    if fcur == 0:
        return xcur
    for i in range(maxiter):
        if fpre != 0 and fcur != 0 and (fpre < 0) != (fcur < 0):
            xblk, fblk = xpre, fpre
            spre = xcur - xpre
            scur = spre
        if abs(fblk) < abs(fcur):
            xpre, xcur, xblk = xcur, xblk, xcur
            fpre, fcur, fblk = fcur, fblk, fcur
        delta = (xtol + rtol * abs(xcur)) / 2
        sbis = (xblk - xcur) / 2
        if fcur == 0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2 * abs(stry) < min(abs(spre), 3 * abs(sbis) - delta):
                spre = scur
                scur = stry
            else:
                spre = sbis
                scur = sbis
        else:
            spre = sbis
            scur = sbis
        xpre, fpre = xcur, fcur
        if abs(scur) > delta:
            xcur = xcur + scur
        else:
            xcur = xcur + (delta if sbis > 0 else -delta)
        fcur = f(xcur, *args)
    return xcur


def is_brentq(func) -> bool:
    return getattr(func, "__name__", None) == "brentq" and \
        (getattr(func, "__module__", "") or "").startswith("scipy.optimize")


class _Callee:
    def __init__(self, fn):
        self.fn, self.prefix, self.kwargs = fn, (), {}


class RootFinding:
    """The Lowerer's scipy.optimize.brentq."""

    def lower_brentq(self, args, kwargs, node):
        from .parse import parse

        kwargs = {("f_args" if k == "args" else k): v for k, v in kwargs.items()}  # bind_args has its own `args`
        f, a, b, fargs, xtol, rtol, maxiter, full_output, _disp = self.bind_args(
            "brentq", ("f", "a", "b", "f_args", "xtol", "rtol", "maxiter", "full_output", "disp"), args, kwargs, node,
            f_args=(), xtol=2e-12, rtol=8.881784197001252e-16, maxiter=100, full_output=False, disp=True)
        if self.static(full_output, node, "full_output"):
            raise self.err(UnsupportedSyntaxError, "brentq(full_output=True): the RootResults object is not supported",
                           node, hint="call brentq without full_output")
        if not isinstance(f, types.FunctionType) or isinstance(f, LocalFunction):
            raise self.err(UnsupportedSyntaxError, "brentq of a function that is not a module-level def: adjit "
                           "differentiates the root through f's own gradient", node,
                           hint="define f at the module's top level and pass its parameters with args=(...)")
        fargs = fargs if isinstance(fargs, tuple) else (fargs,)

        def stop(v):
            if isinstance(v, Value) and v.type.kind in ("scalar", "array"):
                return self.b.emit("stop_gradient", [v])
            return v
        self.at(node)
        frozen = tuple(stop(v) for v in fargs)
        root = self.call_value(brentq_steps, [f, stop(self.value(a, node)), stop(self.value(b, node)), frozen,
                                              xtol, rtol, maxiter], {}, node)
        root = self.value(root, node)
        self.at(node)
        fr = self.value(self.call_value(f, [root, *fargs], {}, node), node)
        spec = {"fun": f, "callee": _Callee(f), "parsed": parse(f), "wrt": (0,), "single": True,
                "with_value": False, "has_aux": False}
        fx = self.value(call_transform(self.b, spec, [root, *frozen], self.stack, self.loc(node)), node)
        self.at(node)
        e = self.b
        step = e.emit("div", [e.emit("sub", [fr, e.emit("stop_gradient", [fr])]), e.emit("stop_gradient", [fx])])
        return e.emit("sub", [root, step])
