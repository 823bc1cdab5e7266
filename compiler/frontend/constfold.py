"""Values computed from constants only, folded to the numbers NumPy would compute, when a call needs them
when compiled: `np.split(flat, np.cumsum(sizes)[:-1])` with `sizes = [int(np.prod(s)) for s in shapes]`
of shapes known when compiled. The lowerer emits such arithmetic as IR ops on `const`s; `folded` walks a
value's producers back to them and evaluates a small set of integer-safe operations with NumPy (the
arithmetic, stack/concatenate/reshape, cumsum/cumprod/sum/prod, astype and getitem by ints and slices).
A value reached from a parameter, or through any other operation, is not folded (None)."""
from __future__ import annotations

import numpy as np

_MAX_OPS = 400  # a walk longer than this is not a small table of sizes
_BINARY = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "floordiv": np.floor_divide, "mod": np.mod,
           "maximum": np.maximum, "minimum": np.minimum, "div": np.true_divide}


def _index(item, ins):
    kind = item[0]
    if kind == "int":
        return int(ins[item[1]])
    if kind == "slice":
        return slice(*(None if p is None else int(ins[p]) for p in item[1:4]))
    raise KeyError(kind)


def _evaluate(op, ins):
    prim, a = op.prim, op.attrs
    if prim == "const":
        return a["value"]
    if prim in _BINARY:
        return _BINARY[prim](ins[0], ins[1])
    if prim == "neg":
        return np.negative(ins[0])
    if prim == "astype":
        return np.asarray(ins[0]).astype(a["dtype"])[()]
    if prim == "tuple":
        return tuple(ins)
    if prim == "stack":
        return np.stack([np.asarray(x) for x in ins], axis=a.get("axis", 0))
    if prim == "concatenate":
        return np.concatenate([np.asarray(x) for x in ins], axis=a.get("axis", 0))
    if prim == "reshape":
        return np.reshape(ins[0], tuple(int(d) for d in ins[1]))
    if prim in ("cumsum", "cumprod"):
        x = np.asarray(ins[0])
        if a.get("reverse"):
            return np.flip(getattr(np, prim)(np.flip(x, a["axis"]), axis=a["axis"]), a["axis"])
        return getattr(np, prim)(x, axis=a["axis"])
    if prim == "sum":
        return np.sum(ins[0], axis=a.get("axis"), keepdims=a.get("keepdims", False))
    if prim == "getitem":
        return np.asarray(ins[0])[tuple(_index(item, ins) for item in a["index"])]
    raise KeyError(prim)


def folded(builder, v):
    """The NumPy value of IR value `v` when it is computed from constants only by the operations above
    (a number, or an int or float array), else None."""
    producers = getattr(builder, "producers", {})
    memo: dict = {}
    count = [0]

    def walk(x):
        if x.id in memo:
            return memo[x.id]
        op = producers.get(x.id)
        count[0] += 1
        if op is None or count[0] > _MAX_OPS:
            raise KeyError("not folded")
        out = _evaluate(op, [walk(i) for i in op.inputs] if op.prim != "const" else [])
        memo[x.id] = out
        return out

    try:
        with np.errstate(all="raise"):
            out = walk(v)
    except (KeyError, TypeError, ValueError, IndexError, FloatingPointError, RecursionError):
        return None
    if isinstance(out, np.ndarray) and out.dtype.kind not in "biuf":
        return None
    return out
