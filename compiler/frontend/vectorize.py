"""np.vectorize (a mixin of MoreNumpy): the elementwise loop it stands for, a comprehension over
the broadcast elements, with the dtype NumPy gives its result (otypes, or the first element's)."""
from __future__ import annotations

import ast

import numpy as np

from ..errors import AdjitTypeError, ArgumentError, UnsupportedSyntaxError
from ..ir import Value


class Vectorized:
    """np.vectorize(pyfunc) made inside the function: calling it maps pyfunc over the elements."""

    def __init__(self, pyfunc, otypes=None):
        self.pyfunc = pyfunc
        self.otypes = otypes


class VectorizeCalls:
    """The Lowerer's np.vectorize calls."""

    def expr(self, node):
        """Every expression as the other mixins lower it; while a vectorized call is lowered without
        otypes, the dtypes its function's returned expressions take are noted (_vectorized_call)."""
        out = super().expr(node)
        watch = self.b.__dict__.get("vz_watch")
        if watch:
            seen = watch.get(_position(self.parsed.filename, node))
            if seen is not None:
                seen.add(_result_dtype(out))
        return out

    def _vectorized_call(self, func, args, kwargs, node):
        """pyfunc over the broadcast elements of the arguments, as np.vectorize: the comprehension
        `np.array([pyfunc(*items) for items in zip(*raveled)]).reshape(shape)`, lowered as every
        comprehension is (unrolled when short, else the loop that fills the array)."""
        if kwargs:
            raise self.err(UnsupportedSyntaxError, "a vectorized function called with keyword arguments", node,
                           hint="pass the arguments by position")
        if not args:
            raise self.err(ArgumentError, "a vectorized function needs at least one argument", node)
        pyfunc = func.pyfunc
        call = lambda f, *a, **k: self.call_value(f, list(a), k, node)  # noqa: E731
        target = self._vectorize_otype(func, pyfunc, node)
        vals = [self.array_like(a, node) if isinstance(a, tuple) else self.value(a, node) for a in args]
        if all(v.type.kind == "scalar" for v in vals):
            out = self.value(self.call_value(pyfunc, vals, {}, node), node)
            return out if target is None or out.type.dtype == target else self.b.emit("astype", [out], dtype=target)
        shapes = [self._shape(v) for v in vals]
        try:
            shape = np.broadcast_shapes(*shapes)
        except (ValueError, TypeError):
            if any(None in s for s in shapes):
                raise self.err(UnsupportedSyntaxError, "a vectorized call on arrays whose shapes are known only when "
                               "the function runs", node) from None
            raise self.err(ArgumentError, "a vectorized call on arguments whose shapes do not broadcast: "
                           + ", ".join(str(s) for s in shapes), node) from None
        flats = [call(np.ravel, call(np.broadcast_to, v, shape) if self._shape(v) != shape else v) for v in vals]
        tag = f"_vz{len(self.b.ops)}"
        names = [f"{tag}_{k}" for k in range(len(flats))]
        saved = {n: self.env.get(n) for n in names + [tag]}
        for n_, v in zip(names, flats):
            self.env[n_] = v
        self.env[tag] = pyfunc
        at = lambda t: ast.copy_location(t, node)  # noqa: E731
        load = lambda n_: at(ast.Name(id=n_, ctx=ast.Load()))  # noqa: E731
        items = [f"{n_}_v" for n_ in names]
        bound = at(ast.Tuple(elts=[at(ast.Name(id=i, ctx=ast.Store())) for i in items], ctx=ast.Store())) \
            if len(items) > 1 else at(ast.Name(id=items[0], ctx=ast.Store()))
        it = at(ast.Call(func=load("zip"), args=[load(n_) for n_ in names], keywords=[])) if len(names) > 1 \
            else load(names[0])
        comp = at(ast.ListComp(elt=at(ast.Call(func=load(tag), args=[load(i) for i in items], keywords=[])),
                               generators=[ast.comprehension(target=bound, iter=it, ifs=[], is_async=0)]))
        np_name = next((k for k, v in self.parsed.globals.items() if v is np), None)

        def build():
            nonlocal np_name
            if np_name is None:
                self.env[f"{tag}_np"] = np
                np_name = f"{tag}_np"
            return self.expr(at(ast.Call(func=at(ast.Attribute(value=load(np_name), attr="array", ctx=ast.Load())),
                                         args=[comp], keywords=[])))
        try:
            built = build() if target is not None else self.one_result_dtype(
                pyfunc, build, "np.vectorize without otypes", "element", node, "pass otypes=[float] (or return the "
                "same type on every path)")
        finally:
            for n_, v in saved.items():
                if v is None:
                    self.env.pop(n_, None)
                else:
                    self.env[n_] = v
        if target is not None and built.type.dtype != target:
            built = self.b.emit("astype", [built], dtype=target)
        return call(np.reshape, built, shape) if len(shape) != 1 else built

    def one_result_dtype(self, pyfunc, lower, what: str, item: str, node, hint: str):
        """lower() with the dtypes of the expressions pyfunc returns noted as they are lowered: NumPy
        (np.vectorize without otypes, np.apply_along_axis) gives its result the dtype of the first
        call's result, so several dtypes make it depend on the path the data takes: a located error."""
        outer = self.b.__dict__.get("vz_watch")
        leaves = self._vectorize_leaves(pyfunc)
        self.b.__dict__["vz_watch"] = {**(outer or {}), **leaves}
        try:
            out = lower()
        finally:
            self.b.__dict__["vz_watch"] = outer
        dtypes = set().union(*leaves.values()) if leaves else set()
        if len(dtypes) > 1:
            raise self.err(AdjitTypeError, f"{what} makes its result's dtype from the first {item}'s: this function "
                           "returns " + " or ".join(sorted(dtypes)) + f" on different paths, so NumPy's result takes "
                           f"the dtype of the path the first {item} takes (an int or bool array truncates every "
                           "later float)", node, hint=hint)
        return out

    def _vectorize_leaves(self, pyfunc) -> dict:
        """{position: set()} of the expressions pyfunc returns (the branches of conditional
        expressions apart), when there are several; {} when its source cannot be read."""
        fdef = getattr(pyfunc, "node", None)  # a LocalFunction (a def or lambda inside the function)
        filename = getattr(getattr(pyfunc, "parsed", None), "filename", None)
        if fdef is None or filename is None:
            from .parse import parse
            try:
                parsed = parse(pyfunc, helper=True)
            except Exception:  # noqa: BLE001 - its own located error comes when it is inlined
                return {}
            fdef, filename = parsed.node, parsed.filename
        results = _returned(fdef)
        return {_position(filename, r): set() for r in results} if len(results) > 1 else {}

    def _vectorize_otype(self, func, pyfunc, node):
        """The dtype np.vectorize gives its result: otypes[0] when given; else NumPy takes the type
        of pyfunc's result on the first element, so a function that returns an int literal on some
        path and a float on another makes an int array when the first element takes the int path
        (every later float truncated): refused, with otypes=[float] as the rewrite."""
        otypes = func.otypes
        if otypes:
            code = otypes[0]  # a str of type codes (np.vectorize's own attribute) or a list of types
            try:
                name = np.dtype(code).name
            except TypeError:
                raise self.err(AdjitTypeError, f"np.vectorize: otypes={otypes!r} is not a dtype", node) from None
            if name not in ("float64", "float32", "int64", "int32", "bool"):
                raise self.err(UnsupportedSyntaxError, f"np.vectorize with otypes of {name}", node)
            return name
        fdef = getattr(pyfunc, "node", None)
        if fdef is None and callable(pyfunc):
            from .parse import parse
            try:
                fdef = parse(pyfunc, helper=True).node
            except Exception:  # noqa: BLE001 - its own located error comes when it is inlined
                fdef = None
        results = _returned(fdef) if fdef is not None else []
        ints = [r for r in results if isinstance(r, ast.Constant) and type(r.value) in (int, bool)]
        if ints and len(ints) != len(results):
            raise self.err(AdjitTypeError, "np.vectorize without otypes makes its result's dtype from the first "
                           "element's: this function returns an int on some path (`return "
                           f"{ints[0].value!r}`), so NumPy gives an int array when the first element takes it, "
                           "truncating every float", node, hint="pass otypes=[float] (or return 0.0)")
        return None


def _position(filename, node) -> tuple:
    return (filename, getattr(node, "lineno", None), getattr(node, "col_offset", None),
            getattr(node, "end_lineno", None), getattr(node, "end_col_offset", None))


def _result_dtype(v) -> str:
    """The dtype NumPy gives an array of this returned value (np.vectorize's otypes)."""
    if isinstance(v, Value):
        return v.type.dtype if v.type.kind in ("scalar", "array") else v.type.kind
    if isinstance(v, (bool, np.bool_)):
        return "bool"
    if isinstance(v, (int, np.integer)):
        return "int64" if isinstance(v, int) else np.asarray(v).dtype.name
    if isinstance(v, (float, np.floating)):
        return "float64" if isinstance(v, float) else np.asarray(v).dtype.name
    return type(v).__name__


def _returned(fdef) -> list:
    """The expressions a function (or lambda) returns, the branches of conditional expressions apart."""
    if isinstance(fdef, ast.Lambda):
        exprs = [fdef.body]
    else:
        exprs = [n.value for n in ast.walk(fdef) if isinstance(n, ast.Return) and n.value is not None]
    out = []
    while exprs:
        e = exprs.pop()
        if isinstance(e, ast.IfExp):
            exprs += [e.body, e.orelse]
        else:
            out.append(e)
    return out
