"""Emitting typed IR: a Builder appends ops to a block, evaluating each op's shape/dtype rule as it
goes, and `Var` proxies let VJP/JVP rules build IR with ordinary Python operators."""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from . import shapes as S
from .errors import AdjitError, AdjitTypeError, InternalCompilerError, Loc, ShapeError
from .ir import Abstract, Op, Value
from .primitives import PRIMITIVES
from .sumsquares import norm_root

# NumPy's arithmetic on two booleans: `+` is `or`, `*` is `and`, `-` raises (Builder._bool_arithmetic)
_BOOL_ARITHMETIC = {"add": "logical_or", "mul": "logical_and", "sub": None}



def _broadcast_pattern(k: int, in_avals: list, out_shape: tuple, loc, primal: bool = True):
    """S.broadcast_axes for input k, where an extent known only at run time is the result's own
    extent when no other operand has one along that axis (nothing can stretch it). In the sweeps
    that AD derives, such extents come from one primal value checked so, and are equal."""
    a = in_avals[k]
    axes = S.broadcast_axes(a.shape, out_shape)
    if axes is not None or a.type.kind != "array":
        return axes
    lead = len(out_shape) - len(a.shape)
    stretched = []
    for j, d in enumerate(a.shape):
        o = out_shape[lead + j]
        if d is None and o is None:
            pos = len(out_shape) - (lead + j)  # the axis counted from the right
            others = [b.shape[-pos] for i, b in enumerate(in_avals)
                      if i != k and b.type.kind == "array" and len(b.shape) >= pos]
            if primal and any(x != 1 for x in others):
                raise ShapeError("the extents of these operands are known only when the program runs (slices "
                                 "with computed bounds) and may differ, so how they broadcast is unknown", loc,
                                 hint="make one operand's extent known when the function is compiled, e.g. "
                                      "multiply by an array of the intended shape, or slice with constant bounds")
        elif d == 1 and o != 1:  # summing an axis that turns out to be 1 long changes nothing
            stretched.append(lead + j)
        elif d is None and o is not None and primal:
            return None
    return (tuple(range(lead)), tuple(stretched))


class Builder:
    """Appends ops to `ops`, keeping the abstract value (type, shape, known value) of every value."""

    def __init__(self, avals: dict | None = None, loc: Loc | None = None, role: str = "primal"):
        self.ops: list = []
        self.avals: dict[int, Abstract] = {} if avals is None else avals
        self.loc = loc
        self.role = role
        self._consts: dict = {}
        self.view_of: dict = {}  # value id -> the array it is a NumPy view of
        self.inplace_of: dict = {}  # value id -> the array an augmented assignment `x += v` overwrote
        self.producers: dict = {}  # value id -> the op that made it

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
        if prim in ("sqrt", "pow") and self.role == "primal":  # sqrt(sum(d ** 2)): the norm's derivative at 0
            root = norm_root(self, prim, inputs)
            if root is not None:
                return root
        if prim in _BOOL_ARITHMETIC and len(inputs) == 2 and all(self.avals[v.id].type.dtype == "bool" for v in inputs):
            prim, inputs = self._bool_arithmetic(prim, list(inputs))
        p = PRIMITIVES.get(prim)
        if p is None:
            raise InternalCompilerError(f"unknown primitive {prim!r}")
        in_avals = [self.avals[v.id] for v in inputs]
        pinned = False  # operands of run-time extent checked equal where they are used
        if p.elementwise and any(None in a.shape for a in in_avals if a.type.kind == "array"):
            inputs, in_avals, pinned = self._pin_shapes(prim, list(inputs), in_avals)
        try:
            out = p.abstract(*in_avals, **attrs)
        except AdjitError as e:
            if e.loc is None:
                raise type(e)(e.message, self.loc, e.hint) from None
            raise
        if p.elementwise or prim == "broadcast_to":
            checked = self.role == "primal" and not pinned
            bcast = tuple(_broadcast_pattern(k, in_avals, out.shape, self.loc, checked) if a.type.kind != "tuple" else ((), ())
                          for k, a in enumerate(in_avals))
            if any(b is None or b != ((), ()) for b in bcast):
                attrs["bcast"] = bcast
        value = self.define(Value(hint), out)
        self.ops.append(Op(prim, list(inputs), [value], attrs, self.loc, self.role))
        self.producers[value.id] = self.ops[-1]  # in any block (sumsquares.py looks values up)
        if p.view and out.type.kind == "array":  # NumPy returns a view: writes would show through
            self.view_of[value.id] = self.view_of.get(inputs[0].id, inputs[0])
        return value

    def _bool_arithmetic(self, prim: str, inputs: list):
        """`+`, `*`, `-` of two booleans, as NumPy and Python compute them: NumPy's booleans (arrays,
        np.bool_ scalars, an element of a boolean array) add as `or` and multiply as `and`, and
        NumPy refuses to subtract them; Python's (comparisons of Python floats) are the ints 0 and 1."""
        if all(self.avals[v.id].type.weak for v in inputs):
            one = self.const(1)
            return prim, [self.emit("mul", [v, one]) for v in inputs]
        if prim == "sub":
            raise AdjitTypeError("numpy boolean subtract, the `-` operator, is not supported (NumPy raises "
                                 "TypeError)", self.loc, hint="use `a != b` (or `a ^ b`) for booleans, or "
                                 "subtract integers: `a.astype(int) - b`")
        return _BOOL_ARITHMETIC[prim], inputs

    def _pin_shapes(self, prim: str, inputs: list, in_avals: list):
        """An operand whose extent is known only at run time (a slice with computed bounds, such as
        `x[j:j + L]`) is checked against the extent the other operands give the result, once, where
        it is used (a reshape: NumPy's ValueError on a mismatch), so that the result's shape and
        every broadcast the reverse sweep undoes are static."""
        try:
            out = S.broadcast_shapes([a.shape for a in in_avals], "operands")
        except AdjitError:
            return inputs, in_avals, False
        pinned = self.role == "primal" and None in out and self._pin_run_time_extents(inputs, in_avals, out)
        for k, a in enumerate(in_avals):
            if a.type.kind != "array" or None not in a.shape:
                continue
            lead = len(out) - len(a.shape)
            target = tuple(d if d is not None else out[lead + j] for j, d in enumerate(a.shape))
            if None in target:
                continue
            shape = self.emit("tuple", [self.const(int(d)) for d in target])
            inputs[k] = self.emit("reshape", [inputs[k], shape])
            in_avals[k] = self.avals[inputs[k].id]
        return inputs, in_avals, pinned

    def _pin_run_time_extents(self, inputs: list, in_avals: list, out: tuple) -> bool:
        """Operands with extents known only at run time along the same axis of the result
        (`x[lag:] * x[:-lag]`): compiled for equal extents, each checked against the first where
        it is used (the pin_extent row; NumPy's ValueError when they differ), so that the reverse
        sweep's reductions of broadcast axes stay static."""
        pinned = False
        for axis in range(len(out)):
            if out[axis] is not None:
                continue
            pos = len(out) - axis  # counted from the right
            owners = [k for k, a in enumerate(in_avals)
                      if a.type.kind == "array" and len(a.shape) >= pos and a.shape[-pos] is None]
            for k in owners[1:]:
                ref = owners[0]
                if inputs[k] is inputs[ref] or inputs[k].id == inputs[ref].id:
                    pinned = True  # one value (x == x): its extent is its own, equal by construction
                    continue
                inputs[k] = self.emit("pin_extent", [inputs[k], inputs[ref]], axis=len(in_avals[k].shape) - pos,
                                      ref_axis=len(in_avals[ref].shape) - pos)
                in_avals[k] = self.avals[inputs[k].id]
                pinned = True
        return pinned

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
            # a rule's number (np.float64 from a library call too) is weak, as a Python float: it
            # takes the dtype of what it meets (a float32 gradient stays float32)
            return self.const(float(a) if isinstance(a, np.float64) else a)
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
