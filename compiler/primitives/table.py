"""The row type of the primitives table, the table itself and what the rows' rules share (`npx`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


class _RuleNamespace:
    """`npx.tanh(x)` inside a rule emits a `tanh` op into the builder that owns `x`."""

    def __getattr__(self, prim: str) -> Callable:
        def emit(*args, **attrs):
            builder = next(a.builder for a in args if hasattr(a, "builder"))
            return builder.emit_vars(prim, args, attrs)

        emit.__name__ = prim
        return emit


npx = _RuleNamespace()


@dataclass(frozen=True)
class Primitive:
    name: str
    abstract: Callable  # (args: list[Abstract], **attrs) -> Abstract
    vjp: Callable | None = None
    jvp: Callable | None = None
    elementwise: bool = False
    sources: tuple = ()  # Python objects (np.tanh, math.tanh) and method names (".sum") it matches
    differentiable: bool = True
    nondiff_inputs: tuple = ()  # input positions that never carry a derivative (shapes, conditions)
    view: bool = False  # NumPy returns a view of input 0 (when the result is an array): writes show through


PRIMITIVES: dict[str, Primitive] = {}


def primitive(name: str, abstract: Callable, vjp=None, jvp=None, **kw) -> Primitive:
    p = Primitive(name, abstract, vjp, jvp, **kw)
    PRIMITIVES[name] = p
    return p


def _tsum(*terms):
    """Sum of the tangent terms that are not None (None = structurally zero)."""
    terms = [t for t in terms if t is not None]
    if not terms:
        return None
    out = terms[0]
    for t in terms[1:]:
        out = out + t
    return out
