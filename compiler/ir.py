"""The static computation graph: typed SSA values, ops with source locations, structured control flow.

The IR is pure dataflow: an in-place write `x[i] = v` is a new SSA version of `x`. `str(fn)` prints it.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Iterator

from .errors import InternalCompilerError, Loc

# ----------------------------------------------------------------------------------------- types

FLOAT_DTYPES = ("float32", "float64")
DTYPE_SHORT = {"float64": "f64", "float32": "f32", "int64": "i64", "int32": "i32", "bool": "bool"}


@dataclass(frozen=True)
class Type:
    """Static type of a value: an array (dtype, ndim), a scalar (weak = a Python number), or a tuple."""

    kind: str  # "array" | "scalar" | "tuple" | "none"
    dtype: str = ""
    ndim: int = 0
    weak: bool = False
    elems: tuple = ()

    @property
    def is_array(self) -> bool:
        return self.kind == "array"

    @property
    def is_float(self) -> bool:
        return self.kind in ("array", "scalar") and self.dtype in FLOAT_DTYPES

    @property
    def rank(self) -> int:
        """Number of array dimensions; scalars are rank 0."""
        return self.ndim if self.kind == "array" else 0

    def __str__(self) -> str:
        if self.kind == "array":
            return f"{DTYPE_SHORT.get(self.dtype, self.dtype)}[{','.join(':' * self.ndim)}]"
        if self.kind == "scalar":
            return ("py" if self.weak else "") + DTYPE_SHORT.get(self.dtype, self.dtype)
        if self.kind == "tuple":
            return "(" + ", ".join(str(e) for e in self.elems) + ")"
        return self.kind


def array_type(dtype: str, ndim: int) -> Type:
    return Type("array", dtype, ndim) if ndim > 0 else Type("scalar", dtype)


def scalar_type(dtype: str, weak: bool = False) -> Type:
    return Type("scalar", dtype, 0, weak)


NONE_TYPE = Type("none")


@dataclass(frozen=True)
class Abstract:
    """What abstract evaluation knows of a value: its type, its shape (dims may be None = unknown)
    and, for ints, tuples and constants, possibly its value."""

    type: Type
    shape: tuple = ()
    value: Any = None

    @property
    def known(self) -> bool:
        return self.value is not None


# ----------------------------------------------------------------------------------------- graph

_ids = itertools.count()


@dataclass(eq=False)
class Value:
    """One SSA value. `hint` is the user's variable name it was bound to, if any."""

    hint: str | None = None
    type: Type | None = None
    id: int = field(default_factory=lambda: next(_ids))

    def __repr__(self) -> str:
        return f"%{self.hint or 't'}.{self.id}"


@dataclass(eq=False)
class Op:
    """One primitive application: outputs = prim(inputs; attrs), at a source location."""

    prim: str
    inputs: list
    outputs: list
    attrs: dict = field(default_factory=dict)
    loc: Loc | None = None
    role: str = "primal"  # "primal" | "adjoint" | "tangent": which sweep emitted it

    @property
    def out(self) -> Value:
        return self.outputs[0]


@dataclass(eq=False)
class Block:
    ops: list = field(default_factory=list)

    def __iter__(self) -> Iterator:
        return iter(self.ops)


@dataclass(eq=False)
class If:
    """Structured if/else: each branch yields values that become `outputs`."""

    cond: Value
    then_block: Block
    else_block: Block
    then_yield: list
    else_yield: list
    outputs: list
    loc: Loc | None = None


@dataclass(eq=False)
class For:
    """Structured counted loop over range(start, stop, step) carrying `carried` values."""

    index: Value
    start: Value
    stop: Value
    step: Value
    init: list
    carried: list
    body: Block
    body_yield: list
    outputs: list
    loc: Loc | None = None


@dataclass(eq=False)
class While:
    """Structured while loop: `cond_block` computes `cond` from the carried values."""

    init: list
    carried: list
    cond_block: Block
    cond: Value
    body: Block
    body_yield: list
    outputs: list
    loc: Loc | None = None


@dataclass(eq=False)
class Function:
    """A whole function: parameters, a body block, and the values it returns."""

    name: str
    params: list
    param_names: list
    body: Block
    results: list
    filename: str = "<unknown>"
    firstline: int = 1
    result_loc: Loc | None = None
    avals: dict = field(default_factory=dict)  # value id -> Abstract (type, shape, known value)

    def ops(self) -> Iterator[Op]:
        yield from self.body.ops

    def __str__(self) -> str:
        return print_function(self)


# --------------------------------------------------------------------------------------- printer


def print_function(fn: Function) -> str:
    """Deterministic text form of the IR: one op per line, with types and source line numbers.
    Values are numbered by first appearance, so equal programs print equal text."""
    numbers: dict[int, int] = {}

    def name(v: Value) -> str:
        if v.id not in numbers:
            numbers[v.id] = len(numbers)
        return f"%{v.hint}.{numbers[v.id]}" if v.hint else f"%{numbers[v.id]}"

    def typed(v: Value) -> str:
        return f"{name(v)}: {v.type}" if v.type else name(v)

    def names(vs) -> str:
        return ", ".join(name(v) for v in vs)

    def block(b: Block, indent: str) -> None:
        for op in b.ops:
            if isinstance(op, Op):
                args = names(op.inputs)
                outs = ", ".join(typed(o) for o in op.outputs)
                attrs = ", ".join(f"{k}={v!r}" for k, v in sorted(op.attrs.items()))
                if args and attrs:
                    attrs = ", " + attrs
                where = f"  # line {op.loc.line}" if op.loc else ""
                tag = "" if op.role == "primal" else f" [{op.role}]"
                lines.append(f"{indent}{outs} = {op.prim}({args}{attrs}){tag}{where}")
            elif isinstance(op, If):
                lines.append(f"{indent}{names(op.outputs)} = if {name(op.cond)} {{")
                block(op.then_block, indent + "  ")
                lines.append(f"{indent}  yield {names(op.then_yield)}")
                lines.append(f"{indent}}} else {{")
                block(op.else_block, indent + "  ")
                lines.append(f"{indent}  yield {names(op.else_yield)}")
                lines.append(f"{indent}}}")
            elif isinstance(op, (For, While)):
                carry = ", ".join(f"{name(c)}={name(i)}" for c, i in zip(op.carried, op.init))
                if isinstance(op, For):
                    head = f"for {name(op.index)} in range({names([op.start, op.stop, op.step])})"
                else:
                    head = "while"
                lines.append(f"{indent}{names(op.outputs)} = {head} carry({carry}) {{")
                if isinstance(op, While):
                    block(op.cond_block, indent + "  ")
                    lines.append(f"{indent}  cond {name(op.cond)}")
                block(op.body, indent + "  ")
                lines.append(f"{indent}  yield {names(op.body_yield)}")
                lines.append(f"{indent}}}")

    lines: list[str] = []
    params = ", ".join(typed(p) for p in fn.params)
    lines.append(f"func {fn.name}({params}) {{")
    block(fn.body, "  ")
    lines.append("  return " + names(fn.results))
    lines.append("}")
    return "\n".join(lines)


# -------------------------------------------------------------------------------------- verifier


def verify(fn: Function, require_types: bool = True) -> Function:
    """Check SSA well-formedness: every value defined once, before use; types present when required."""
    defined: set[int] = set()

    def fail(msg: str):
        raise InternalCompilerError(f"IR verification failed: {msg}", print_function(fn))

    def define(v: Value):
        if not isinstance(v, Value):
            fail(f"{v!r} is not a Value")
        if v.id in defined:
            fail(f"{v!r} defined twice")
        if require_types and v.type is None:
            fail(f"{v!r} has no type")
        defined.add(v.id)

    def use(v: Value, where: str):
        if v.id not in defined:
            fail(f"{v!r} used in {where} before it is defined")

    def walk(block: Block):
        for op in block.ops:
            if isinstance(op, Op):
                for i in op.inputs:
                    use(i, op.prim)
                for o in op.outputs:
                    define(o)
            else:
                fail(f"control flow node {type(op).__name__} reached a pass that does not handle it")

    for p in fn.params:
        define(p)
    walk(fn.body)
    for r in fn.results:
        use(r, "return")
    return fn
