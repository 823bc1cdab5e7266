"""`isinstance(x, T)` and `type(x)`, decided when the call is compiled: each value the lowerer holds
stands for the Python types it may have when the function runs (an array is an np.ndarray; a
float64 number a Python float or an np.float64, which is a float subclass; an int a Python int or
an np.int64, which is not). The answer is a constant when it is the same for every one of them,
else a located error naming the ambiguity."""
from __future__ import annotations

import numpy as np

from ..errors import AdjitTypeError, UnsupportedSyntaxError
from ..ir import Value
from .structures import is_struct

_SCALARS = {"float64": (float, np.float64), "float32": (np.float32,), "int64": (int, np.int64),
            "int32": (np.int32,), "bool": (bool, np.bool_)}


def possible_types(low, x) -> tuple:
    """The Python types x may have when the function runs (None: not known here)."""
    if isinstance(x, Value):
        if x.type.kind == "array":
            return (np.ndarray,)
        if x.type.kind == "scalar":
            return _SCALARS.get(x.type.dtype)
        return (tuple,) if x.type.kind == "tuple" else None
    if is_struct(x):
        return {"dict": (dict,), "list": (list,), "tuple": (tuple,)}.get(getattr(x, "kind", None))
    if type(x) is tuple:
        return (list,) if low.is_list(x) else (tuple,)
    if x is None or isinstance(x, (bool, int, float, str, np.generic)):
        return (type(x),)
    return None


def lower_isinstance(low, func, args: list, kwargs: dict, node):
    """isinstance(x, classinfo) or type(x): a constant, or a located error when it depends on which
    of x's possible types it has."""
    name = "isinstance" if func is isinstance else "type"
    if kwargs or len(args) != (2 if func is isinstance else 1):
        raise low.err(UnsupportedSyntaxError, f"{name}() takes {'two arguments' if func is isinstance else 'one'} "
                      "here", node)
    kinds = possible_types(low, args[0])
    if kinds is None:
        raise low.err(UnsupportedSyntaxError, f"{name}() of this value is not supported", node,
                      hint="decide it outside the differentiated function, or pass a string option")
    if func is type:
        if len(kinds) > 1:
            raise low.err(AdjitTypeError, f"type() of this value may be {' or '.join(k.__name__ for k in kinds)} "
                          "when the function runs", node, hint="use isinstance(x, float) or a string option")
        return kinds[0]
    info = args[1]
    if not (isinstance(info, type) or isinstance(info, tuple) and all(isinstance(t, type) for t in info)):
        raise low.err(AdjitTypeError, "isinstance() arg 2 must be a type or a tuple of types", node)
    answers = {issubclass(k, info) for k in kinds}
    if len(answers) > 1:
        raise low.err(AdjitTypeError, f"isinstance() here depends on whether the value is "
                      f"{' or '.join(k.__name__ for k in kinds)}, which adjit cannot tell when compiling", node,
                      hint="test for both: isinstance(x, (int, np.integer)), or (float, np.floating)")
    return answers.pop()
