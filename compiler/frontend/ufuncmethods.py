"""A ufunc's methods (`np.add.reduce`, `np.multiply.accumulate`, `np.add.reduceat`, `ufunc.at`'s
siblings) and the reductions' `where=` (`np.max(x, where=m, initial=0)`, `x.sum(where=m)`): a mixin of
the Lowerer's call helpers (split from calls.py, which hands these calls on)."""
from __future__ import annotations

import numpy as np

from ..errors import AdjitNameError, AdjitTypeError, ArgumentError, UnsupportedSyntaxError
from ..ir import Value
from .values import _is_number

_SUM_SIG = ("a", "axis", "dtype", "out", "keepdims", "initial")
_MAX_SIG = ("a", "axis", "out", "keepdims", "initial")
_MEAN_SIG = ("a", "axis", "dtype", "out", "keepdims")
_ANY_SIG = ("a", "axis", "out", "keepdims")
_VAR_SIG = ("a", "axis", "dtype", "out", "ddof", "keepdims")
# the reductions whose where= is lowered (reduce_where), by name, with their NumPy positional parameters
_WHERE_SIGNATURES = {"sum": _SUM_SIG, "prod": _SUM_SIG, "nansum": _SUM_SIG, "max": _MAX_SIG, "min": _MAX_SIG,
                     "nanmax": _MAX_SIG, "nanmin": _MAX_SIG, "mean": _MEAN_SIG, "nanmean": _MEAN_SIG,
                     "any": _ANY_SIG, "all": _ANY_SIG, "var": _VAR_SIG, "std": _VAR_SIG}


def where_reduction(func) -> bool:
    """Whether func is a NumPy reduction whose where= reduce_where lowers."""
    return getattr(np, getattr(func, "__name__", ""), None) is func and func.__name__ in _WHERE_SIGNATURES


class UfuncMethods:
    def ufunc_method(self, func, args, kwargs, node):
        """np.add.reduce (np.sum over axis 0 by default), np.multiply.reduce, np.maximum.reduce,
        np.minimum.reduce, np.add.accumulate (np.cumsum), np.multiply.accumulate (np.cumprod);
        `.outer` and np.maximum/np.minimum.accumulate are forms/common.py's."""
        ufunc, method = func.__self__.__name__, func.__name__
        if method == "outer" or (ufunc, method) in (("maximum", "accumulate"), ("minimum", "accumulate")):
            return self.ufunc_form(func, args, kwargs, node)  # forms/common.py
        if ufunc in ("logaddexp", "logaddexp2") and method in ("reduce", "accumulate"):  # stable: forms/assorted.py
            return (self.logaddexp_reduce if method == "reduce" else self.logaddexp_accumulate)(func, args, kwargs, node)
        if method == "reduceat" and ufunc in ("add", "multiply", "maximum", "minimum"):
            return self._reduceat(ufunc, args, kwargs, node)
        target = {("add", "reduce"): np.sum, ("multiply", "reduce"): np.prod, ("maximum", "reduce"): np.max,
                  ("minimum", "reduce"): np.min, ("add", "accumulate"): np.cumsum,
                  ("multiply", "accumulate"): np.cumprod}.get((ufunc, method))
        written = f"np.{ufunc}.{method}"
        if target is None:
            raise self.err(AdjitNameError, f"`{written}` is not supported by adjit", node.func,
                           hint="reduce with np.sum/np.prod/np.max/np.min, accumulate with np.cumsum/np.cumprod/"
                           "np.maximum.accumulate, or np.<ufunc>.outer")
        extra = {"where", "initial"} if method == "reduce" else set()  # np.add.reduce(x, where=m, initial=0)
        if len(args) > 2 or set(kwargs) - {"axis", "keepdims"} - extra:
            raise self.err(UnsupportedSyntaxError, f"{written}: only `axis` (and `keepdims`"
                           f"{', `where`, `initial`' if extra else ''}) are supported", node)
        kw = dict(kwargs)
        kw.setdefault("axis", args[1] if len(args) == 2 else 0)  # a ufunc method's axis defaults to 0
        if kw.get("where") is not None:  # as np.sum/prod/max/min(x, axis, where=m, initial=...)
            return self.reduce_where(target, args[:1], kw, node)
        kw.pop("where", None)
        from .expressions import _sources
        from .forms import FUNCTIONS as FORM_FUNCTIONS

        if id(target) in FORM_FUNCTIONS():
            return self.numpy_form(target, args[:1], kw, node)
        return self.prim_call(_sources()[id(target)], target, args[:1], kw, node)

    def _reduceat(self, ufunc, args, kwargs, node):
        """np.add.reduceat(a, indices, axis=0) (and multiply, maximum, minimum) with indices known
        when compiled: per index i the reduction of a[idx[i]:idx[i+1]] along axis (to the end for
        the last), or the single a[idx[i]] where idx[i] >= idx[i+1] (NumPy's rule); stacked."""
        written = f"np.{ufunc}.reduceat"
        a, indices, axis = self.bind_args(written, ("array", "indices", "axis"), args, kwargs, node, axis=0)
        if isinstance(indices, Value) and indices.type.kind == "array":
            return self._reduceat_run_time(ufunc, written, a, indices, axis, node)
        idx = self.static(tuple(indices) if isinstance(indices, list) else indices, node, "indices")
        idx = idx if isinstance(idx, tuple) else (idx,)
        x = self.value(a, node)
        if x.type.kind != "array" or not idx or not all(isinstance(i, int) for i in idx):
            raise self.err(AdjitTypeError, f"{written} takes an array and a non-empty list of int indices", node)
        ax = self._axis(axis, x.type.rank, node)
        n = self.b.aval(x).shape[ax]
        if any(i < 0 or n is not None and i >= n for i in idx):
            raise self.err(AdjitTypeError, f"{written}: index out of range ({list(idx)} for an extent of {n}); "
                           "NumPy raises IndexError", node)
        target = {"add": np.sum, "multiply": np.prod, "maximum": np.max, "minimum": np.min}[ufunc]
        parts = []
        for k, start in enumerate(idx):
            stop = idx[k + 1] if k + 1 < len(idx) else None
            if stop is not None and start >= stop:
                parts.append(self._take(x, ax, start))
            else:
                parts.append(self.call_value(target, [self._lane(x, ax, start, stop)], {"axis": ax}, node))
        return self.b.emit("stack", parts, axis=ax)

    def _reduceat_run_time(self, ufunc, written, a, indices, axis, node):
        """np.add.reduceat(a, idx, axis) (multiply, maximum, minimum) with an int array idx computed
        in the function (`np.cumsum(days)[:-1]`): segment i is `start_i <= j < stop_i`, stop_i the
        next index (the extent for the last); where start_i >= stop_i NumPy takes the single
        a[start_i] (np.take: an index out of range raises IndexError when run). The segments are
        a mask of (len(idx), n) over a moved to axis 0, reduced with `where(mask, a, identity)`
        along the segment axis: O(len(idx) * n) work, exact values and gradients."""
        x = self.value(a, node)
        idx = self.value(indices, node)
        if x.type.kind != "array" or idx.type.rank != 1 or not idx.type.dtype.startswith(("int", "uint")):
            raise self.err(AdjitTypeError, f"{written} takes an array and a 1-D array of int indices", node)
        ax = self._axis(axis, x.type.rank, node)

        def call(f, *args, **kw):
            return self.call_value(f, list(args), kw, node)
        moved = call(np.moveaxis, x, ax, 0) if ax else x
        n = self.b.aval(moved).shape[0]
        if n is None:
            n = self.b.emit("getitem", [self.b.emit("shape", [moved]), self.b.const(0)], index=(("int", 1),))
        after = self.b.emit("getitem", [idx, self.b.const(1)], index=(("slice", 1, None, None),))  # idx[1:]
        nxt = call(np.concatenate, (after, call(np.reshape, self.value(n, node), (1,))))
        j = call(np.expand_dims, call(np.arange, n), 0)
        self.at(node)
        low = self.b.emit("ge", [call(np.min, idx), self.b.const(0)])
        high = self.b.emit("lt", [call(np.max, idx), self.value(n, node)])
        self.b.emit("check", [self.b.emit("logical_and", [low, high])], exc="IndexError",
                    msg=f"index out-of-bounds in {ufunc}.reduceat")  # NumPy's; a negative index included
        inside = self.b.emit("logical_and", [self.b.emit("ge", [j, call(np.expand_dims, idx, 1)]),
                                             self.b.emit("lt", [j, call(np.expand_dims, nxt, 1)])])
        rest = x.type.rank - 1
        if rest:
            inside = call(np.reshape, inside, tuple(self.b.aval(inside).shape) + (1,) * rest)
        identity = {"add": 0.0, "multiply": 1.0, "maximum": -np.inf, "minimum": np.inf}[ufunc]
        if not x.type.dtype.startswith("float"):
            if ufunc in ("maximum", "minimum"):
                raise self.err(AdjitTypeError, f"{written} of integers with indices computed when the function runs",
                               node, hint="cast the array to float first, or give indices known when compiled")
            identity = int(identity)
        spread = call(np.where, inside, call(np.expand_dims, moved, 0), identity)
        target = {"add": np.sum, "multiply": np.prod, "maximum": np.max, "minimum": np.min}[ufunc]
        out = call(target, spread, axis=1)
        self.at(node)
        single = self.b.emit("ge", [idx, nxt])
        if rest:
            single = call(np.reshape, single, (-1,) + (1,) * rest)
        out = call(np.where, single, call(np.take, moved, idx, axis=0), out)
        return call(np.moveaxis, out, 0, ax) if ax else out

    def reduce_where(self, func, args, kwargs, node):
        """A reduction with where=m (np.sum/prod/mean/max/min/any/all/std/var/nansum/nanmean/
        nanmax/nanmin, and the same methods): NumPy reduces only the places where m (broadcast to x)
        is True, so x is replaced by the reduction's identity elsewhere, where(m, x, identity), and
        reduced as written: 0 for sums, 1 for products, False/True for any/all, -inf/+inf (an int's
        smallest/largest) for max/min, which then need initial= as NumPy requires. A mean divides by
        the number of True places per reduced slice (nan where there is none); var/std take the
        where-mean's squared deviations over the count less ddof. The nan* reductions also drop
        x's NaNs. An unselected place reaches neither value nor gradient."""
        name = "np." + func.__name__
        sig = _WHERE_SIGNATURES[func.__name__]
        if len(args) > len(sig):
            raise self.err(ArgumentError, f"{name} takes at most {len(sig)} positional arguments", node)
        params = dict(zip(sig, args))
        for k, v in kwargs.items():
            if k in params or k not in sig + ("where",):
                raise self.err(ArgumentError if k in params else UnsupportedSyntaxError,
                               f"{name}: argument '{k}'" + (" given twice" if k in params else
                                                            " is not supported with where="), node)
            params[k] = v
        if params.pop("out", None) is not None:
            raise self.err(UnsupportedSyntaxError, f"{name}(..., out=) is not supported", node,
                           hint="assign the result instead")
        x = self.value(params.pop("a"), node)
        m = self.value(params.pop("where"), node)
        self.at(node)
        base = func.__name__.replace("nan", "", 1) if func.__name__.startswith("nan") else func.__name__
        if func.__name__.startswith("nan") and x.type.dtype.startswith(("float", "complex")):
            m = self.b.emit("logical_and", [m, self.b.emit("logical_not", [self.call_value(np.isnan, [x], {}, node)])])
        red = {k: v for k, v in params.items() if k in ("axis", "keepdims")}
        call = lambda f, v, **kw: self.call_value(f, [v], kw, node)  # noqa: E731
        if base in ("max", "min"):
            if params.get("initial") is None:
                raise self.err(ArgumentError, f"{name}(..., where=) needs initial=: NumPy raises ValueError "
                               f"(the {'maximum' if base == 'max' else 'minimum'} has no identity to put in the "
                               "unselected places)", node, hint=f"{name}(x, where=m, initial=-np.inf)")
            dt = x.type.dtype
            fill = (np.iinfo(dt).min if base == "max" else np.iinfo(dt).max) if dt.startswith(("int", "uint")) \
                else (base == "min") if dt == "bool" else (-np.inf if base == "max" else np.inf)
            kept = self.b.emit("where", [m, x, self.b.const(fill)])
            return call(getattr(np, base), kept, initial=params["initial"], **red)
        if base in ("sum", "prod", "any", "all"):
            ident = {"sum": 0, "prod": 1, "any": False, "all": True}[base]
            if base in ("sum", "prod") and x.type.dtype.startswith(("float", "complex")):
                ident = float(ident)
            kept = self.b.emit("where", [m, x, self.b.const(ident)])
            extra = {k: params[k] for k in ("dtype", "initial") if params.get(k) is not None}
            return call(getattr(np, base), kept, **red, **extra)
        # mean, var, std: sums over the selected places divided by their count
        dt = "float32" if x.type.dtype == "float32" else "float64"
        if params.get("dtype") is not None:
            dt = self.dtype(params["dtype"], node)
        xv = x if x.type.dtype == dt or x.type.dtype.startswith("complex") else self.b.emit("astype", [x], dtype=dt)
        ones = self.b.emit("astype", [self.b.emit("ones_like", [x], dtype=dt)], dtype=dt)
        count = call(np.sum, self.b.emit("where", [m, ones, self.b.const(0.0)]), **red)
        total = call(np.sum, self.b.emit("where", [m, xv, self.b.const(0.0)]), **red)
        mean = self.b.emit("div", [total, count])
        if base == "mean":
            return mean
        count_k = call(np.sum, self.b.emit("where", [m, ones, self.b.const(0.0)]), axis=red.get("axis"),
                       keepdims=True)
        mean_k = self.b.emit("div", [call(np.sum, self.b.emit("where", [m, xv, self.b.const(0.0)]),
                                          axis=red.get("axis"), keepdims=True), count_k])
        dev = self.b.emit("sub", [xv, mean_k])
        sq = self.call_value(np.abs, [dev], {}, node) if dev.type.dtype.startswith("complex") else dev
        sq = self.b.emit("mul", [sq, sq])
        ssq = call(np.sum, self.b.emit("where", [m, sq, self.b.const(0.0)]), **red)
        ddof = params.get("ddof") or 0
        denom = self.b.emit("sub", [count, self.value(ddof, node)]) if not (_is_number(ddof) and ddof == 0) else count
        var = self.b.emit("div", [ssq, denom])
        return var if base == "var" else self.call_value(np.sqrt, [var], {}, node)
