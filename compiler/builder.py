"""Emitting typed IR: a Builder appends ops to a block, evaluating each op's shape/dtype rule as it
goes, and `Var` proxies let VJP/JVP rules build IR with ordinary Python operators."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import shapes as S
from .errors import AdjitError, InternalCompilerError, Loc
from .ir import Abstract, Op, Value
from .primitives import PRIMITIVES


_VIEWS = frozenset({"getitem", "transpose", "reshape", "expand_dims", "broadcast_to"})


class Builder:
    """Appends ops to `ops`, keeping the abstract value (type, shape, known value) of every value."""

    def __init__(self, avals: dict | None = None, loc: Loc | None = None, role: str = "primal"):
        self.ops: list = []
        self.avals: dict[int, Abstract] = {} if avals is None else avals
        self.loc = loc
        self.role = role
        self._consts: dict = {}
        self.view_of: dict = {}  # value id -> the array it is a NumPy view of

    def into(self, ops: list, fn):
        """Run fn with this builder appending to `ops` (another block) instead."""
        saved = self.ops
        self.ops = ops
        try:
            return fn()
        finally:
            self.ops = saved

    # -- values
    def aval(self, v: Value) -> Abstract:
        return self.avals[v.id]

    def define(self, v: Value, aval: Abstract) -> Value:
        v.type = aval.type
        self.avals[v.id] = aval
        return v

    def const(self, value: Any) -> Value:
        return self.emit("const", [], value=value)

    def emit(self, prim: str, inputs: Sequence[Value], hint: str | None = None, **attrs) -> Value:
        p = PRIMITIVES.get(prim)
        if p is None:
            raise InternalCompilerError(f"unknown primitive {prim!r}")
        in_avals = [self.avals[v.id] for v in inputs]
        try:
            out = p.abstract(*in_avals, **attrs)
        except AdjitError as e:
            if e.loc is None:
                raise type(e)(e.message, self.loc, e.hint) from None
            raise
        if p.elementwise or prim == "broadcast_to":
            bcast = tuple(S.broadcast_axes(a.shape, out.shape) if a.type.kind != "tuple" else ((), ())
                          for a in in_avals)
            if any(b is None or b != ((), ()) for b in bcast):
                attrs["bcast"] = bcast
        value = self.define(Value(hint), out)
        self.ops.append(Op(prim, list(inputs), [value], attrs, self.loc, self.role))
        if prim in _VIEWS and out.type.kind == "array":  # NumPy returns a view: writes would show through
            self.view_of[value.id] = self.view_of.get(inputs[0].id, inputs[0])
        return value

    # -- rule tracing
    def wrap(self, v: Value) -> "Var":
        return Var(v, self)

    def emit_vars(self, prim: str, args: Sequence, attrs: dict) -> "Var":
        inputs = [self.lift(a) for a in args]
        return Var(self.emit(prim, inputs, **attrs), self)

    def lift(self, a) -> Value:
        if isinstance(a, Var):
            return a.value
        if isinstance(a, Value):
            return a
        if isinstance(a, (bool, int, float, np.generic)):
            return self.const(a)
        if isinstance(a, tuple):
            return self.emit("tuple", [self.lift(x) for x in a])
        raise InternalCompilerError(f"rule produced an unsupported operand {a!r}")


class Var:
    """A value seen from inside a VJP/JVP rule: operators emit ops into the owning builder."""

    __slots__ = ("value", "builder")
    __array_priority__ = 1000  # keep NumPy scalars from swallowing Var operands

    def __init__(self, value: Value, builder: Builder):
        self.value = value
        self.builder = builder

    @property
    def aval(self) -> Abstract:
        return self.builder.avals[self.value.id]

    @property
    def rank(self) -> int:
        return self.value.type.rank

    @property
    def type(self):
        return self.value.type

    @property
    def dtype(self) -> str:
        return self.value.type.dtype

    @property
    def shape(self) -> "Var":
        return self.builder.emit_vars("shape", (self,), {})

    def __getitem__(self, k):
        if isinstance(k, int) and self.value.type.kind == "tuple":
            return self.builder.emit_vars("getitem", (self, k), {"index": (("int", 1),)})
        raise InternalCompilerError("rules index tuples by constant ints only")

    @property
    def T(self) -> "Var":
        return self.builder.emit_vars("transpose", (self,), {"axes": tuple(reversed(range(self.rank)))})

    def _bin(self, prim, other, reverse=False):
        args = (other, self) if reverse else (self, other)
        return self.builder.emit_vars(prim, args, {})

    def __add__(self, o): return self._bin("add", o)
    def __radd__(self, o): return self._bin("add", o, True)
    def __sub__(self, o): return self._bin("sub", o)
    def __rsub__(self, o): return self._bin("sub", o, True)
    def __mul__(self, o): return self._bin("mul", o)
    def __rmul__(self, o): return self._bin("mul", o, True)
    def __truediv__(self, o): return self._bin("div", o)
    def __rtruediv__(self, o): return self._bin("div", o, True)
    def __pow__(self, o): return self._bin("pow", o)
    def __rpow__(self, o): return self._bin("pow", o, True)
    def __matmul__(self, o): return self._bin("matmul", o)
    def __rmatmul__(self, o): return self._bin("matmul", o, True)
    def __lt__(self, o): return self._bin("lt", o)
    def __le__(self, o): return self._bin("le", o)
    def __gt__(self, o): return self._bin("gt", o)
    def __ge__(self, o): return self._bin("ge", o)
    def __eq__(self, o): return self._bin("eq", o)  # noqa: D105 - elementwise, like NumPy
    def __ne__(self, o): return self._bin("ne", o)
    def __neg__(self): return self.builder.emit_vars("neg", (self,), {})
    __hash__ = None
