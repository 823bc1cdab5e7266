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
    role: str = "primal"


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
    role: str = "primal"


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
    role: str = "primal"


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
    groups: dict = field(default_factory=dict)  # fusion group id -> passes.fusion.Group (lowered code only)
    nests: dict = field(default_factory=dict)  # group id -> passes.loopnest.LoopNest (its planned loop nest)
    out_tree: object = None  # a structured result's tree (frontend/structout.py), read by the transformations

    def ops(self) -> Iterator[Op]:
        """Every primitive op, nested blocks included, in program order."""
        for node in walk(self.body):
            if isinstance(node, Op):
                yield node

    def __str__(self) -> str:
        return print_function(self)


# --------------------------------------------------------------------------------------- printer


def print_function(fn: Function, numbers: dict | None = None) -> str:
    """Deterministic text form of the IR: one op per line, with types and source line numbers.
    Values are numbered by first appearance, so equal programs print equal text (`numbers`, when
    given, is filled with value id -> number, to print more about the function in the same names)."""
    numbers = {} if numbers is None else numbers

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


# ---------------------------------------------------------------------------------------- copies


def clone_block(block: Block, mapping: dict, avals: dict, role: str | None = None) -> Block:
    """A copy of a block with fresh values for everything it defines (mapping: old id -> value)."""

    def fresh(v: Value) -> Value:
        nv = Value(v.hint, v.type)
        avals[nv.id] = avals[v.id]
        mapping[v.id] = nv
        return nv

    def m(v: Value) -> Value:
        return mapping.get(v.id, v)

    ops = []
    for node in block.ops:
        if isinstance(node, Op):
            ins = [m(i) for i in node.inputs]
            outs = [fresh(o) for o in node.outputs]
            ops.append(Op(node.prim, ins, outs, dict(node.attrs), node.loc, role or node.role))
        elif isinstance(node, If):
            cond = m(node.cond)
            tb = clone_block(node.then_block, mapping, avals, role)
            ty = [m(y) for y in node.then_yield]
            eb = clone_block(node.else_block, mapping, avals, role)
            ey = [m(y) for y in node.else_yield]
            ops.append(If(cond, tb, eb, ty, ey, [fresh(o) for o in node.outputs], node.loc, role or node.role))
        elif isinstance(node, For):
            start, stop, step, init = m(node.start), m(node.stop), m(node.step), [m(i) for i in node.init]
            idx = fresh(node.index)
            carried = [fresh(c) for c in node.carried]
            body = clone_block(node.body, mapping, avals, role)
            ys = [m(y) for y in node.body_yield]
            ops.append(For(idx, start, stop, step, init, carried, body, ys, [fresh(o) for o in node.outputs],
                           node.loc, role or node.role))
        elif isinstance(node, While):
            init = [m(i) for i in node.init]
            carried = [fresh(c) for c in node.carried]
            cb = clone_block(node.cond_block, mapping, avals, role)
            cond = m(node.cond)
            body = clone_block(node.body, mapping, avals, role)
            ys = [m(y) for y in node.body_yield]
            w = While(init, carried, cb, cond, body, ys, [fresh(o) for o in node.outputs], node.loc, role or node.role)
            ops.append(w)
    return Block(ops)



def clone_function(fn: Function) -> Function:
    """A copy of fn with fresh values, blocks and ops throughout (the same abstract values, hints and
    locations): transformations work on a clone, so the function they are given stays as it was."""
    mapping: dict = {}
    params = []
    for p in fn.params:
        q = Value(p.hint, p.type)
        if p.id in fn.avals:
            fn.avals[q.id] = fn.avals[p.id]
        mapping[p.id] = q
        params.append(q)
    body = clone_block(fn.body, mapping, fn.avals)
    results = [mapping.get(r.id, r) for r in fn.results]
    return Function(fn.name, params, list(fn.param_names), body, results, fn.filename, fn.firstline,
                    fn.result_loc, fn.avals)


# -------------------------------------------------------------------------------------- verifier


def inner_blocks(node) -> list:
    """The blocks a control-flow node owns, in program order."""
    if isinstance(node, If):
        return [node.then_block, node.else_block]
    if isinstance(node, For):
        return [node.body]
    if isinstance(node, While):
        return [node.cond_block, node.body]
    return []


def node_inputs(node) -> list:
    """Values a node reads from its enclosing scope (control nodes: not their blocks' contents)."""
    if isinstance(node, Op):
        return list(node.inputs)
    if isinstance(node, If):
        return [node.cond]
    if isinstance(node, For):
        return [node.start, node.stop, node.step] + list(node.init)
    if isinstance(node, While):
        return list(node.init)
    return []


def node_outputs(node) -> list:
    return list(node.outputs)


def walk(block: Block):
    """Every node in a block and its nested blocks, in program order."""
    for node in block.ops:
        yield node
        for b in inner_blocks(node):
            yield from walk(b)


def block_yields(node) -> list:
    """(block, values it yields or tests) for each block of a control node."""
    if isinstance(node, If):
        return [(node.then_block, node.then_yield), (node.else_block, node.else_yield)]
    if isinstance(node, For):
        return [(node.body, node.body_yield)]
    if isinstance(node, While):
        return [(node.cond_block, [node.cond]), (node.body, node.body_yield)]
    return []


def free_values(block: Block, extra_defined=()) -> list:
    """Values used in a block (or its nested blocks, or yielded) but defined outside it."""
    defined = {v.id for v in extra_defined}
    seen: dict = {}

    def visit(b: Block):
        for node in b.ops:
            for v in node_inputs(node):
                if v.id not in defined:
                    seen.setdefault(v.id, v)
            if isinstance(node, For):
                defined.add(node.index.id)
                defined.update(c.id for c in node.carried)
            if isinstance(node, While):
                defined.update(c.id for c in node.carried)
            for inner, ys in block_yields(node):
                visit(inner)
                for y in ys:
                    if y.id not in defined:
                        seen.setdefault(y.id, y)
            defined.update(o.id for o in node.outputs)

    visit(block)
    return list(seen.values())


def verify(fn: Function, require_types: bool = True) -> Function:
    """Check SSA well-formedness: every value defined once, before use, and only used where its
    definition is in scope (its block or blocks nested in it); types present when required."""
    defined: set[int] = set()

    def fail(msg: str):
        raise InternalCompilerError(f"IR verification failed: {msg}", print_function(fn))

    def define(v: Value, scope: set):
        if not isinstance(v, Value):
            fail(f"{v!r} is not a Value")
        if v.id in defined:
            fail(f"{v!r} defined twice")
        if require_types and v.type is None:
            fail(f"{v!r} has no type")
        defined.add(v.id)
        scope.add(v.id)

    def use(v: Value, scope: set, where: str):
        if v.id not in scope:
            fail(f"{v!r} used in {where} outside the scope of its definition")

    def walk_block(block: Block, scope: set, extra=()):
        scope = set(scope)
        for v in extra:
            define(v, scope)
        for node in block.ops:
            name = node.prim if isinstance(node, Op) else type(node).__name__
            for v in node_inputs(node):
                use(v, scope, name)
            if isinstance(node, Op):
                for o in node.outputs:
                    define(o, scope)
                continue
            if isinstance(node, (For, While)) and len(node.init) != len(node.carried) != len(node.body_yield):
                fail(f"{name}: init/carried/yield lengths differ")
            if isinstance(node, If):
                for b, ys in block_yields(node):
                    inner = walk_block(b, scope)
                    for y in ys:
                        use(y, inner, "if-yield")
            elif isinstance(node, For):
                inner = walk_block(node.body, scope, [node.index] + list(node.carried))
                for y in node.body_yield:
                    use(y, inner, "for-yield")
            elif isinstance(node, While):
                cscope = walk_block(node.cond_block, scope, list(node.carried))
                use(node.cond, cscope, "while-condition")
                inner = walk_block(node.body, cscope)
                for y in node.body_yield:
                    use(y, inner, "while-yield")
            for o in node.outputs:
                define(o, scope)
        return scope

    scope: set = set()
    for p in fn.params:
        define(p, scope)
    scope = walk_block(fn.body, scope)
    for r in fn.results:
        use(r, scope, "return")
    return fn
