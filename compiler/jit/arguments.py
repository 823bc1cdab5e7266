"""Arguments: what the compiled code is specialized on (`abstract_arg`, `_layout`, `_shape_key`),
and a call's arguments bound to the function's parameters and converted to what NumPy itself
would compute with (`bind`, `as_numpy`, `resolve_wrt` for the `wrt=` option)."""
from __future__ import annotations

import ast
import collections.abc
import functools
import inspect
import re
import types
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...runtime.trees import describe, find_opaque, flatten, is_complex, is_structure, leaves_like, path_text, unflatten
from ..errors import AdjitError, AdjitTypeError, ArgumentError, Loc
from ..ir import NONE_TYPE, Abstract, array_type, scalar_type

_FLOATS = ("float32", "float64")
_NUMERIC_KINDS = "biuf"
_FUNCTIONS = (types.FunctionType, types.BuiltinFunctionType, np.ufunc, functools.partial)  # static arguments


def abstract_arg(x: Any, name: str, loc=None) -> Abstract:
    """The abstract value of one call argument (what the compiled code is specialized on)."""
    if isinstance(x, np.ndarray):
        if x.dtype.kind not in _NUMERIC_KINDS or x.dtype == np.float16:
            hint = "pass x.astype(np.float32)" if x.dtype == np.float16 else None
            raise AdjitTypeError(f"argument '{name}' has unsupported dtype {x.dtype}", loc, hint)
        if x.ndim == 0:
            return Abstract(scalar_type(x.dtype.name), ())
        return Abstract(array_type(x.dtype.name, x.ndim), tuple(x.shape))
    if isinstance(x, bool):
        return Abstract(scalar_type("bool", True), (), x)
    if isinstance(x, int):
        if not -2 ** 63 <= x < 2 ** 63:
            raise AdjitTypeError(f"argument '{name}' = {x} does not fit in a 64-bit integer", loc,
                                 hint="pass it as a float, or reduce it")
        return Abstract(scalar_type("int64", True), (), x)
    if isinstance(x, float) and not isinstance(x, np.generic):  # np.float64 is a float too, but not weak
        return Abstract(scalar_type("float64", True), ())
    if isinstance(x, (str,) + _FUNCTIONS):  # an option or `act=np.tanh`: static, its own specialization (lower.py)
        return Abstract(NONE_TYPE, (), x)
    if x is None:  # an optional argument left out (`pi=None`): static, `if pi is None:` decided when compiled
        return Abstract(NONE_TYPE, ())
    if isinstance(x, np.generic) and x.dtype.kind in _NUMERIC_KINDS:
        value = x.item() if x.dtype.kind in "iub" else None
        return Abstract(scalar_type(x.dtype.name), (), value)
    raise AdjitTypeError(f"argument '{name}' is a {type(x).__name__}; adjit takes NumPy arrays and numbers, "
                         "and dicts, lists, tuples, NamedTuples and dataclasses of them", loc,
                         hint="convert it with np.asarray(...), or pass the arrays it holds")


def _layout(x) -> str:
    if isinstance(x, np.ndarray):
        return "C" if x.flags.c_contiguous else ("F" if x.flags.f_contiguous else "A")
    return ""


def _shape_key(args: tuple) -> tuple:
    """Everything about the arguments that the checks and the specialization depend on (for
    structured arguments, their trees too: types, keys, field names, lengths)."""
    key = [("trees", args.trees)] if isinstance(args, Flat) else []
    for a in args:
        if isinstance(a, np.ndarray):
            flags = a.flags
            key.append((a.dtype.char, a.shape, flags.c_contiguous, flags.f_contiguous))
        elif isinstance(a, (bool, int, str) + _FUNCTIONS):  # a function by identity (held here: no id reused)
            key.append((type(a), a))
        elif isinstance(a, float) and not isinstance(a, np.generic):
            key.append(float)
        elif isinstance(a, np.generic):
            key.append((a.dtype.char, a.item() if a.dtype.kind in "iub" else None))
        else:
            key.append(type(a))
    return tuple(key)



# ------------------------------------------------------------------------------------ binding


def resolve_wrt(parsed, wrt, skip: int = 0) -> list[int]:
    """The positions of the arguments `wrt` names (a position, a name, or a tuple of them).
    skip: the first parameters are bound already (functools.partial's arguments, a method's
    self); positions count from the next one, and those names cannot be differentiated."""
    names = parsed.param_names[skip:]
    if not isinstance(wrt, (int, str, tuple, list)) or isinstance(wrt, bool):
        raise ArgumentError(f"wrt must be an argument position, a name, or a tuple of them, not {wrt!r}",
                            parsed.loc(parsed.node), hint="e.g. wrt=0 or wrt=('W', 'b')")
    items = [wrt] if isinstance(wrt, (int, str)) else list(wrt)
    if not items:
        raise ArgumentError("wrt must name at least one argument")
    out = []
    for w in items:
        if isinstance(w, str):
            if w in parsed.param_names[:skip]:
                raise ArgumentError(f"wrt={w!r}: argument '{w}' of {parsed.name}() is bound already (by "
                                    "functools.partial, or the method's self), so it is not an argument of the "
                                    "function being differentiated", parsed.loc(parsed.node),
                                    hint=f"differentiate {parsed.name} itself, passing '{w}' as an argument")
            if w not in names:
                raise ArgumentError(f"wrt={w!r}: {parsed.name}() has no argument named {w!r} "
                                    f"(its arguments: {', '.join(names)})", parsed.loc(parsed.node))
            k = names.index(w)
        elif isinstance(w, int) and not isinstance(w, bool):
            if parsed.star is not None:
                _star_position(parsed, w, skip)
            if not -len(names) <= w < len(names):
                raise ArgumentError(f"wrt={w}: {parsed.name}() takes {len(names)} arguments",
                                    parsed.loc(parsed.node))
            k = w % len(names)
        else:
            raise ArgumentError(f"wrt entries must be argument positions or names, got {w!r}")
        if k + skip in out:
            raise ArgumentError(f"wrt names argument '{names[k]}' twice", parsed.loc(parsed.node.args.args[k + skip]))
        out.append(k + skip)
    return out


def _star_position(parsed, w: int, skip: int) -> None:
    """wrt=<position> of a function with `*rest`: JAX's argnums count the call's arguments, so a
    position past the named ones is ambiguous (adjit's count parameters): name them instead."""
    rest, kw = parsed.star
    bad = w < 0 if rest is not None else w + skip == kw
    if rest is not None and w + skip >= rest:
        bad = True
    if bad:
        star = ("*" if rest is not None else "**") + parsed.param_names[rest if rest is not None else kw]
        raise ArgumentError(f"wrt={w}: {parsed.name}() takes {star}, so a position past its named parameters (or "
                            "counted from the end) is ambiguous: a call's extra arguments are not parameters",
                            parsed.loc(parsed.node), hint=f"name it: wrt='{star.lstrip('*')}' differentiates every extra "
                            "argument (the gradient is their tuple or dict), or give the argument a named parameter")


@dataclass
class Callee:
    """What a callable given to a transformation runs: a plain function, with the arguments
    functools.partial (or a bound method's self) put before the call's own, and partial's
    keywords. objects: the positions read as objects (a method's self: its attributes)."""

    fn: Any
    prefix: tuple = ()
    kwargs: dict = field(default_factory=dict)
    objects: tuple = ()

    def bind(self, parsed, args: tuple, kwargs: dict) -> tuple:
        if self.prefix or self.kwargs:
            args, kwargs = self.prefix + tuple(args), {**self.kwargs, **kwargs}
        return bind(parsed, self.fn, args, kwargs, self.objects)


class _Keywords(collections.abc.Mapping):
    """A partial's keywords as they are at each call (`p.keywords['lam'] = 0.2` after adjit.grad(p)
    is seen, as Python sees it), over those of the partial it wraps."""

    def __init__(self, inner, partial):
        self.inner, self.partial = inner, partial

    def _now(self) -> dict:
        return {**self.inner, **self.partial.keywords}

    def __getitem__(self, k):
        return self._now()[k]

    def __iter__(self):
        return iter(self._now())

    def __len__(self):
        return len(self._now())


def callee_of(fun) -> Callee:
    """The Callee of `fun`: a function, a functools.partial of one, a bound method (self is a
    structure of its attributes, read-only) or an object with a __call__ method."""
    if isinstance(fun, types.FunctionType) or getattr(fun, "__adjit_transform__", None):
        if isinstance(fun, types.FunctionType):
            _check_source(fun)
        return Callee(fun)
    if isinstance(fun, functools.partial):
        inner = callee_of(fun.func)
        return Callee(inner.fn, inner.prefix + tuple(fun.args), _Keywords(inner.kwargs, fun), inner.objects)
    if isinstance(fun, types.MethodType) and isinstance(fun.__func__, types.FunctionType):
        _check_source(fun.__func__)
        return Callee(fun.__func__, (fun.__self__,), {}, (0,) if not isinstance(fun.__self__, type) else ())
    if not isinstance(fun, (type, types.BuiltinFunctionType, np.ufunc)) and \
            isinstance(getattr(type(fun), "__call__", None), types.FunctionType):
        return callee_of(fun.__call__)  # a callable object: its __call__, with the object as self
    what = getattr(fun, "__qualname__", None) or type(fun).__name__
    raise ArgumentError(f"{what} has no Python source for adjit to compile (a {type(fun).__name__})",
                        hint="differentiate a Python function: def f(x): return np.sum(np.sin(x))")


def _check_source(fn) -> None:
    """A function's source must be readable: adjit compiles the text, not the bytecode."""
    code = fn.__code__
    try:
        inspect.getsourcelines(code)
        return
    except (OSError, TypeError):
        pass
    file = code.co_filename
    if file in ("<stdin>", "<console>") or file.startswith("<ipython-input"):
        where = "typed into the interactive interpreter, which keeps no source file"
    elif file.startswith("<"):
        where = f"made from a string (exec(), compile() or python -c; its file is {file}), which keeps no source file"
    else:
        where = f"in {file}, which cannot be read now"
    raise AdjitError(f"cannot read the source of {fn.__qualname__}: it was {where}; adjit compiles a function "
                     "from its source text", Loc(file, code.co_firstlineno, 0, 0, ""),
                     hint="define the function in a .py file and import it (Jupyter/IPython cells keep their source)")


def bind(parsed, fun, args: tuple, kwargs: dict, objects: tuple = ()) -> tuple:
    """A call's arguments to `fun` (parsed as `parsed`) in parameter order, each as NumPy would
    compute with it (as_numpy); 0-d arrays become NumPy scalars. When an argument is a structure
    (a dict, list, tuple, NamedTuple or dataclass; for the positions in `objects`, any object:
    the self of a bound method), the result is a Flat: every leaf in order, with the trees."""
    values = bind_names(parsed, fun, args, kwargs)
    for k, a in enumerate(values):  # the common case, arrays and numbers, without the structure test
        if k in objects or is_complex(a) or (type(a) is not np.ndarray and not isinstance(a, _PLAIN)
                                             and (is_structure(a) or isinstance(a, _GENERATORS))):
            return _bind_flat(parsed, values, objects)
    args = tuple(as_numpy(parsed, a, k) for k, a in enumerate(values))
    for a in args:
        if isinstance(a, np.ndarray) and a.ndim == 0:  # 0-d arrays run as NumPy scalars
            return tuple(x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x for x in args)
    return args


_PLAIN = (int, float, complex, str, np.generic)  # never a structure
# a generator argument: no leaf; its draws run before the compiled code (frontend/host.py), and a
# read of it anywhere else is the lowerer's located error (an opaque entry)
_GENERATORS = (np.random.Generator, np.random.RandomState)


class Flat(tuple):
    """The arguments as the compiled code takes them when some are structures: every leaf, in
    parameter order. trees[k]: argument k's tree (runtime/trees.py; None for a plain argument,
    one leaf); spans[k]: (first leaf, number of leaves); names[i]: leaf i's parameter name in the
    generated code (params_W1); texts[i]: how the user writes it (params['W1']); owner[i]: the
    argument leaf i belongs to."""

    trees: tuple
    spans: tuple
    names: tuple
    texts: tuple
    owner: tuple


def _bind_flat(parsed, values: tuple, objects: tuple) -> Flat:
    leaves, trees, spans, names, texts, owner = [], [], [], [], [], []
    taken = set(parsed.param_names)
    for k, a in enumerate(values):
        name = parsed.param_names[k]
        first = len(leaves)
        if isinstance(a, _GENERATORS):  # no leaf: an opaque entry, read only by the draws NumPy runs first
            trees.append(("opaque", type(a).__name__))
            spans.append((first, 0))
            continue
        if not (is_structure(a) or is_complex(a) or k in objects):
            leaves.append(as_numpy(parsed, a, k))
            trees.append(None)
            names.append(name)
            texts.append(name)
            owner.append(k)
            spans.append((first, 1))
            continue
        only = attributes_read(parsed, k, a) if k in objects else None
        ls, tree, paths = flatten(a, objects=k in objects, only=only)
        bad = None if k in objects else find_opaque(tree)  # a method's self: an error where it is read
        if bad is not None:
            raise AdjitTypeError(f"argument '{name}': {path_text(name, bad[0])} is a {bad[1]}; adjit takes NumPy "
                                 "arrays and numbers, and dicts, lists, tuples, NamedTuples and dataclasses of "
                                 "them (str and None entries are read as constants)", parsed.loc(parsed.node.args.args[k]),
                                 hint="convert it with np.asarray(...), or leave it out of the structure")
        for x, path in zip(ls, paths):
            text = path_text(name, path)
            leaves.append(as_numpy(parsed, x, k, text))
            texts.append(text)
            names.append(_leaf_name(name, path, taken))
            owner.append(k)
        trees.append(tree)
        spans.append((first, len(ls)))
    leaves = [x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x for x in leaves]
    out = Flat(leaves)
    out.trees, out.spans, out.names, out.texts, out.owner = (tuple(trees), tuple(spans), tuple(names),
                                                             tuple(texts), tuple(owner))
    return out


def _leaf_name(name: str, path: tuple, taken: set) -> str:
    """A leaf's parameter name in the generated code: params_W1, layers_0_1, p_W (unique)."""
    parts = [p[1] if isinstance(p, tuple) and len(p) == 2 and p[0] == "attr" else p for p in path]
    text = re.sub(r"\W+", "_", "_".join([name] + [str(p) for p in parts])).strip("_") or name
    out, n = text, 2
    while out in taken:
        out, n = f"{text}_{n}", n + 1
    taken.add(out)
    return out


def attributes_read(parsed, k: int, obj, seen=None):
    """The attributes of parameter k (`obj`, a method's self) the function reads (`self.W`), with
    those read by the methods it calls on self (`self.predict(x)`); None when it uses the
    parameter otherwise (passes `self` on): then every attribute is read."""
    from .. import frontend

    seen = set() if seen is None else seen
    seen.add(parsed.fn)
    name = parsed.param_names[k]
    attrs, bare = set(), False
    parents = {}
    for node in ast.walk(parsed.node):
        for child in ast.iter_child_nodes(node):
            parents[id(child)] = node
    for node in ast.walk(parsed.node):
        if isinstance(node, ast.Name) and node.id == name:
            up = parents.get(id(node))
            if isinstance(up, ast.Attribute) and up.value is node:
                attrs.add(up.attr)
            else:
                bare = True
    for attr in sorted(attrs):
        method = getattr(type(obj), attr, None)
        if isinstance(method, types.FunctionType) and method not in seen and attr not in vars(obj):
            try:
                inner = attributes_read(frontend.parse(method), 0, obj, seen)
            except AdjitError:
                inner = set()  # an error of its own, reported where it is called
            if inner is None:
                return None
            attrs |= inner
    return None if bare else attrs


def leaf_avals(parsed, args: tuple) -> tuple:
    """(the abstract value of each leaf, each leaf's parameter name): what the code is
    specialized on, and what its parameters are called."""
    nodes = parsed.node.args.args
    if not isinstance(args, Flat):
        names = tuple(parsed.param_names)
        return [abstract_arg(a, n, parsed.loc(node)) for a, n, node in zip(args, names, nodes)], names
    avals = [abstract_arg(a, t, parsed.loc(nodes[k])) for a, t, k in zip(args, args.texts, args.owner)]
    return avals, args.names


def leaf_wrt(parsed, args: tuple, wrt: list, avals: list) -> list:
    """The leaf positions the derivatives are taken with respect to: each argument in `wrt`, or
    for a structure its float leaves (its integer leaves have no derivative: None in the result).
    A differentiated plain argument, or a structure without a float leaf, must be float."""
    names = parsed.param_names
    out = []
    for k in wrt:
        first, count = args.spans[k] if isinstance(args, Flat) else (k, 1)
        tree = args.trees[k] if isinstance(args, Flat) else None
        floats = [i for i in range(first, first + count) if avals[i].type.is_float]
        if tree is not None and _holds_complex(tree):  # its parts are leaves, not a derivative convention
            raise AdjitTypeError(f"argument '{names[k]}' is complex and differentiated (wrt): adjit has no complex "
                                 "derivative convention yet", parsed.loc(parsed.node.args.args[k]),
                                 hint="pass the real and imaginary parts as separate real arrays, differentiate "
                                      "those, and form the complex value inside (re + 1j * im)")
        if tree is not None and floats:
            out.extend(floats)
            continue
        where = parsed.loc(parsed.node.args.args[k])
        if tree is not None:
            raise AdjitTypeError(f"argument '{names[k]}' is differentiated (wrt) but holds no float32 or float64 "
                                 "array or number", where, hint="pass floats, or leave it out of wrt")
        t = avals[first].type
        if not t.is_float:
            given = avals[first].value if isinstance(avals[first].value, (str,) + _FUNCTIONS) else None
            what = f"is {'the string ' if isinstance(given, str) else 'the function '}{given!r}" if given is not None \
                else f"has type {t}"
            raise AdjitTypeError(
                f"argument '{names[k]}' is differentiated (wrt) but {what}; it must be float32 or float64",
                where, hint="pass floats (e.g. x.astype(np.float64)), or leave it out of wrt")
        out.append(first)
    return out


def _holds_complex(tree) -> bool:
    if tree[0] == "complex":
        return True
    return tree[0] not in ("leaf", "static", "opaque") and any(_holds_complex(c) for c in tree[-1])


def trees_of(args: tuple):
    """What the frontend binds the parameters to: per argument, (its tree, its leaves' texts) or
    None for a plain argument; None when no argument is a structure."""
    if not isinstance(args, Flat):
        return None
    return [None if t is None else (t, args.texts[a:a + n]) for t, (a, n) in zip(args.trees, args.spans)]


def gradients(args: tuple, wrt: list, grads: tuple, avals_float=None) -> tuple:
    """The derivatives the compiled code returned (one per leaf of leaf_wrt) in the form of the
    arguments in `wrt`: a structure of the argument's type (None where a leaf is an integer), an
    array, a Python float for a float, a NumPy scalar of its dtype for one."""
    if not isinstance(args, Flat):
        return tuple(as_result(g, args[k]) for g, k in zip(grads, wrt))
    it = iter(grads)
    out = []
    for k in wrt:
        first, count = args.spans[k]
        if args.trees[k] is None:
            out.append(as_result(next(it), args[first]))
            continue
        leaves = [as_result(next(it), x) if _is_float_leaf(x) else None for x in args[first:first + count]]
        out.append(unflatten(args.trees[k], leaves))
    return tuple(out)


def _is_float_leaf(x) -> bool:
    return isinstance(x, float) or (isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind == "f")


def as_result(x: Any, like):
    """A derivative in the form of its primal: Python floats give floats, NumPy scalars keep their dtype."""
    if isinstance(x, np.ndarray):
        return x
    if isinstance(like, np.generic):
        return like.dtype.type(x)
    return float(x)


def as_numpy(parsed, a, k: int, name: str | None = None):
    """Argument `k` (or the leaf `name` of it) as NumPy itself would compute with it: arrays in
    native byte order (Numba would read the bytes as native), subclasses that change what
    operators mean refused."""
    if type(a) is np.ndarray:  # the common case, without making a location
        return a if a.dtype.isnative else a.astype(a.dtype.newbyteorder("="))
    if not isinstance(a, np.ndarray):
        return a
    name = name or parsed.param_names[k]
    where = parsed.loc(parsed.node.args.args[k])
    # a subclass of ndarray
    if isinstance(a, np.ma.MaskedArray):
        raise ArgumentError(f"argument '{name}' is a masked array; adjit would ignore its mask", where,
                            hint=f"pass {name}.filled(value) or np.ma.getdata({name}) explicitly")
    if isinstance(a, np.matrix):
        raise ArgumentError(f"argument '{name}' is an np.matrix, where * is a matrix product", where,
                            hint=f"pass np.asarray({name}) and write @ for matrix products")
    if not isinstance(a, np.memmap):
        raise ArgumentError(f"argument '{name}' is a {type(a).__name__}, a subclass of ndarray whose "
                            "operations adjit cannot know", where,
                            hint=f"pass np.asarray({name}) if it computes like a plain array")
    a = np.asarray(a)
    if not a.dtype.isnative:
        a = a.astype(a.dtype.newbyteorder("="))
    return a


def bind_names(parsed, fun, args: tuple, kwargs: dict) -> tuple:
    """Positional and keyword arguments, and defaults, matched to the parameters as Python would."""
    names = parsed.param_names
    if parsed.star is not None:  # `*rest` and `**kw`: parameters of their own (frontend/parse.py)
        args, kwargs = _bind_star(parsed, fun, args, kwargs)
    elif not kwargs and len(args) == len(names):
        return args
    defaults = fun.__defaults__ or ()
    if len(args) > len(names):
        raise ArgumentError(f"{parsed.name}() takes {len(names)} arguments but {len(args)} were given",
                            parsed.loc(parsed.node))
    bound = list(args) + [_MISSING] * (len(names) - len(args))
    for k, v in kwargs.items():
        if k not in names:
            raise ArgumentError(f"{parsed.name}() got an unexpected keyword argument '{k}'",
                                parsed.loc(parsed.node))
        i = names.index(k)
        if bound[i] is not _MISSING:
            raise ArgumentError(f"{parsed.name}() got multiple values for argument '{k}'",
                                parsed.loc(parsed.node))
        bound[i] = v
    positional = fun.__code__.co_argcount  # keyword-only parameters follow (frontend/parse.py)
    kwdefaults = fun.__kwdefaults__ or {}
    first_default = positional - len(defaults)
    for i, v in enumerate(bound):
        if v is _MISSING:
            if names[i] in kwdefaults:
                bound[i] = kwdefaults[names[i]]
            elif first_default <= i < positional:
                bound[i] = defaults[i - first_default]
            else:
                raise ArgumentError(f"{parsed.name}() missing required argument '{names[i]}'",
                                    parsed.loc(parsed.node))
    return tuple(bound)


def _bind_star(parsed, fun, args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """A call of `def f(x, *rest, k=1, **kw)` as a call of `f(x, rest, k, kw)`: the positional
    arguments past the positional parameters are the tuple `rest`, the keywords that name no
    parameter the dict `kw`, as Python binds them (its errors where it has no place for one)."""
    rest, kw = parsed.star
    npos = fun.__code__.co_argcount
    if len(args) > npos and rest is None:
        raise ArgumentError(f"{parsed.name}() takes {npos} positional arguments but {len(args)} were given",
                            parsed.loc(parsed.node))
    bound = list(args[:npos])
    if rest is not None:
        bound.append(tuple(args[npos:]))
    named, extra = {}, {}
    for k, v in kwargs.items():
        if k in parsed.param_names and parsed.param_names.index(k) not in (rest, kw):
            named[k] = v
        elif kw is not None:
            extra[k] = v
        else:
            raise ArgumentError(f"{parsed.name}() got an unexpected keyword argument '{k}'", parsed.loc(parsed.node))
    if kw is not None:
        named[parsed.param_names[kw]] = extra
    if rest is not None and len(args) < npos:  # rest is empty: bound by keyword, after the named ones
        named[parsed.param_names[rest]] = ()
    return tuple(bound), named


class _Missing:
    pass


_MISSING = _Missing()


def n_gradients(args: tuple, wrt: list) -> int:
    """How many derivatives the compiled code returns for `wrt`: one per float leaf of a structure."""
    if not isinstance(args, Flat):
        return len(wrt)
    n = 0
    for k in wrt:
        first, count = args.spans[k]
        n += 1 if args.trees[k] is None else sum(_is_float_leaf(x) for x in args[first:first + count])
    return n


def n_arguments(args: tuple) -> int:
    return len(args.spans) if isinstance(args, Flat) else len(args)


def float_arguments(args: tuple) -> list:
    """The arguments holding a float (an array, a number, or a structure with a float leaf)."""
    if not isinstance(args, Flat):
        return [k for k, a in enumerate(args) if np.asarray(a).dtype.kind == "f"]
    return [k for k, (a, n) in enumerate(args.spans) if any(_is_float_leaf(x) for x in args[a:a + n])]


def tangent_leaves(args: tuple, wrt: list, tangents: tuple, like) -> list:
    """The tangents of the arguments in `wrt` as the compiled code takes them: one per float leaf,
    each made like its primal by like(t, primal, what); a structure's tangent has its structure."""
    if not isinstance(args, Flat):
        return [like(tangents[k], args[k], f"the tangent of argument {k}") for k in wrt]
    out = []
    for k in wrt:
        first, count = args.spans[k]
        if args.trees[k] is None:
            out.append(like(tangents[k], args[first], f"the tangent of argument {k}"))
            continue
        try:
            ts = leaves_like(args.trees[k], tangents[k], f"the tangent of argument {k}")
        except ValueError as e:
            raise ArgumentError(str(e)) from None
        for x, t, text in zip(args[first:first + count], ts, args.texts[first:first + count]):
            if _is_float_leaf(x):
                out.append(like(np.zeros_like(x) if t is None else t, x, f"the tangent of {text}"))
    return out


def refuse_structures(parsed, args: tuple, what: str) -> None:
    """A located error when an argument is a structure: `what` takes arrays and numbers."""
    if not isinstance(args, Flat):
        return
    k = next(k for k, t in enumerate(args.trees) if t is not None)
    name = parsed.param_names[k]
    raise ArgumentError(f"{what}: argument '{name}' is a structure ({describe(args.trees[k])}); {what} takes "
                        "arrays and numbers (structures are supported by grad, value_and_grad, jvp and vjp)",
                        parsed.loc(parsed.node.args.args[k]),
                        hint="pass the array itself, binding the rest with functools.partial, or use adjit.grad")


def unconsumed(args: tuple, kwargs: dict):
    """The arguments with copies of the random generators among them (np.random.Generator,
    RandomState): binding runs the draws NumPy makes before the compiled code (frontend/host.py),
    and inspecting the code (source(), ir()) must not advance the caller's stream."""
    import copy

    def one(a):
        return copy.deepcopy(a) if isinstance(a, (np.random.Generator, np.random.RandomState)) else a

    return tuple(one(a) for a in args), {k: one(v) for k, v in kwargs.items()}


_ONE_DRAW: list = []  # the active one_draw() scopes' tables: id(generator) -> [generator, start, after one call]


class one_draw:
    """A transformation that runs f's code more than once (a Jacobian's rows, a Hessian's hvps, the
    primal and then the pullback) draws once from a random generator argument, as one call of f
    does: inside the scope, every binding draws from a copy of the generator as it was on entry
    (`replayed`), so each row differentiates the same function; on exit the caller's generator is
    left where one call leaves it. Nested scopes share the outermost one's table."""

    def __enter__(self):
        _ONE_DRAW.append(_ONE_DRAW[-1] if _ONE_DRAW else {})
        return self

    def __exit__(self, *exc):
        table = _ONE_DRAW.pop()
        if not _ONE_DRAW:
            for g, _, after in table.values():
                if after is None:
                    continue
                if isinstance(g, np.random.Generator):
                    g.bit_generator.state = after.bit_generator.state
                else:
                    g.set_state(after.get_state())
        return False


def replayed(values) -> tuple:
    """`values` with each random generator replaced, inside a one_draw() scope, by a copy of its
    state on entry to the scope (outside one: as they are). The first copy made is kept: the
    caller's generator takes its state on exit."""
    import copy

    if not _ONE_DRAW:
        return values
    table = _ONE_DRAW[-1]
    out = []
    for v in values:
        if isinstance(v, (np.random.Generator, np.random.RandomState)):
            entry = table.setdefault(id(v), [v, copy.deepcopy(v), None])
            v = copy.deepcopy(entry[1])
            if entry[2] is None:
                entry[2] = v  # drawn from by this binding: the state one call of f leaves
        out.append(v)
    return tuple(out)


def drawing_once(method):
    """`method` (a transformation's call) run inside one one_draw() scope."""
    import functools

    @functools.wraps(method)
    def wrapped(*args, **kwargs):
        with one_draw():
            return method(*args, **kwargs)

    return wrapped
