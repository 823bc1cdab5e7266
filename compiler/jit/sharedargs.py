"""Arguments that share memory, checked at the call.

adjit treats arguments as values: a function that writes into an argument writes into a copy, and
the caller's array never changes. For NumPy, two arguments may be one array (`f(x, x)`) or views of
one (`f(x[1:], x[:-1])`), and a write through one is then seen through the other. The frontend
(frontend/aliasing._param_hazards) lists the pairs (i, j) where parameter i is written and parameter
j read after the write; for such a pair a call with arrays that share memory would compute a
different function than the user's NumPy program, so it is refused with the located message the
frontend made. Functions without such a pair (nearly all) pay nothing.
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Callable

import numpy as np

from ..errors import AdjitError, Loc


class SharedArgumentsError(AdjitError, ValueError):
    """Two arguments share memory where the function writes into one and reads the other."""


def to_json(hazards) -> list:
    """The pairs as the front-key cache entry stores them (compiled._write_front)."""
    return [[i, j, msg, asdict(loc) if loc is not None else None, hint] for i, j, msg, loc, hint in hazards]


def from_json(items) -> tuple:
    return tuple((int(i), int(j), str(msg), Loc(**loc) if isinstance(loc, dict) else None, hint)
                 for i, j, msg, loc, hint in items or ())


def check(hazards, args: tuple) -> None:
    for i, j, msg, loc, hint in hazards:
        if i >= len(args) or j >= len(args):
            continue
        a, b = args[i], args[j]
        if isinstance(a, np.ndarray) and isinstance(b, np.ndarray) and np.may_share_memory(a, b) \
                and np.shares_memory(a, b):
            raise SharedArgumentsError(msg, loc, hint)


def guarded(call: Callable, hazards) -> Callable:
    """`call` (an entry point taking the arguments first), refusing arguments that share memory
    where one is written and the other read after (the attributes the callers read are kept)."""
    if not hazards:
        return call

    def checked(*args):
        check(hazards, args)
        return call(*args)

    checked.__dict__.update(call.__dict__)
    return checked
