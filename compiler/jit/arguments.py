"""Arguments: what the compiled code is specialized on (`abstract_arg`, `_layout`, `_shape_key`),
and a call's arguments bound to the function's parameters and converted to what NumPy itself
would compute with (`bind`, `as_numpy`, `resolve_wrt` for the `wrt=` option)."""
from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import AdjitTypeError, ArgumentError
from ..ir import NONE_TYPE, Abstract, array_type, scalar_type

_FLOATS = ("float32", "float64")
_NUMERIC_KINDS = "biuf"


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
    if isinstance(x, float):
        return Abstract(scalar_type("float64", True), ())
    if isinstance(x, str):  # an option, static: each string its own specialization (frontend/lower.py)
        return Abstract(NONE_TYPE, (), x)
    if isinstance(x, np.generic) and x.dtype.kind in _NUMERIC_KINDS:
        value = x.item() if x.dtype.kind in "iub" else None
        return Abstract(scalar_type(x.dtype.name), (), value)
    raise AdjitTypeError(f"argument '{name}' is a {type(x).__name__}; adjit takes NumPy arrays and numbers",
                         loc, hint="convert lists with np.asarray(...)")


def _layout(x) -> str:
    if isinstance(x, np.ndarray):
        return "C" if x.flags.c_contiguous else ("F" if x.flags.f_contiguous else "A")
    return ""


def _shape_key(args: tuple) -> tuple:
    """Everything about the arguments that the checks and the specialization depend on."""
    key = []
    for a in args:
        if isinstance(a, np.ndarray):
            flags = a.flags
            key.append((a.dtype.char, a.shape, flags.c_contiguous, flags.f_contiguous))
        elif isinstance(a, (bool, int, str)):
            key.append((type(a), a))
        elif isinstance(a, float):
            key.append(float)
        elif isinstance(a, np.generic):
            key.append((a.dtype.char, a.item() if a.dtype.kind in "iub" else None))
        else:
            key.append(type(a))
    return tuple(key)



# ------------------------------------------------------------------------------------ binding


def resolve_wrt(parsed, wrt) -> list[int]:
    """The positions of the arguments `wrt` names (a position, a name, or a tuple of them)."""
    names = parsed.param_names
    if not isinstance(wrt, (int, str, tuple, list)) or isinstance(wrt, bool):
        raise ArgumentError(f"wrt must be an argument position, a name, or a tuple of them, not {wrt!r}",
                            parsed.loc(parsed.node), hint="e.g. wrt=0 or wrt=('W', 'b')")
    items = [wrt] if isinstance(wrt, (int, str)) else list(wrt)
    if not items:
        raise ArgumentError("wrt must name at least one argument")
    out = []
    for w in items:
        if isinstance(w, str):
            if w not in names:
                raise ArgumentError(f"wrt={w!r}: {parsed.name}() has no argument named {w!r} "
                                    f"(its arguments: {', '.join(names)})", parsed.loc(parsed.node))
            k = names.index(w)
        elif isinstance(w, int) and not isinstance(w, bool):
            if not -len(names) <= w < len(names):
                raise ArgumentError(f"wrt={w}: {parsed.name}() takes {len(names)} arguments",
                                    parsed.loc(parsed.node))
            k = w % len(names)
        else:
            raise ArgumentError(f"wrt entries must be argument positions or names, got {w!r}")
        if k in out:
            raise ArgumentError(f"wrt names argument '{names[k]}' twice", parsed.loc(parsed.node.args.args[k]))
        out.append(k)
    return out


def bind(parsed, fun, args: tuple, kwargs: dict) -> tuple:
    """A call's arguments to `fun` (parsed as `parsed`) in parameter order, each as NumPy would
    compute with it (as_numpy); 0-d arrays become NumPy scalars."""
    args = tuple(as_numpy(parsed, a, k) for k, a in enumerate(bind_names(parsed, fun, args, kwargs)))
    for a in args:
        if isinstance(a, np.ndarray) and a.ndim == 0:  # 0-d arrays run as NumPy scalars
            return tuple(x[()] if isinstance(x, np.ndarray) and x.ndim == 0 else x for x in args)
    return args


def as_numpy(parsed, a, k: int):
    """Argument `k` as NumPy itself would compute with it: arrays in native byte order (Numba
    would read the bytes as native), subclasses that change what operators mean refused."""
    if not isinstance(a, np.ndarray):
        return a
    name = parsed.param_names[k]
    where = parsed.loc(parsed.node.args.args[k])
    if type(a) is not np.ndarray:
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
    if not kwargs and len(args) == len(names):
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


class _Missing:
    pass


_MISSING = _Missing()
