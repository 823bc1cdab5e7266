"""The tape's cost, as a comment at the top of a generated function: per iteration of each loop
whose body records values for the reverse sweep, what one iteration pushes and how many bytes.

    # tape per iteration of the loop at line 30 (for l in range(L)): 1 x f64[28], 6 x f64[14] = 896 bytes

A value whose extents are known only at run time is recorded on a ragged tape (emitter.ragged_tapes)
and counted apart: `1 x f64[?, 2] = 0 bytes + 1 ragged (extents known at run time)`.
"""
from __future__ import annotations

import numpy as np

from ..ir import For, Function, If, Op, While

_SHORT = {"float64": "f64", "float32": "f32", "int64": "i64", "int32": "i32", "bool": "bool"}


def tape_summary(fn: Function) -> list[str]:
    lines: list[str] = []
    _visit(fn, fn.body, lines)
    return lines


def _visit(fn: Function, block, lines: list) -> None:
    for node in block.ops:
        if isinstance(node, (For, While)):
            pushes = _pushes(node.body)
            if pushes:
                lines.append(_line(fn, node, pushes))
            _visit(fn, node.body, lines)
        elif isinstance(node, If):
            _visit(fn, node.then_block, lines)
            _visit(fn, node.else_block, lines)


def _pushes(block) -> list:
    """The tape pushes one iteration of a loop runs (branches included, inner loops not)."""
    out = []
    for node in block.ops:
        if isinstance(node, Op) and node.prim == "tape_push":
            out.append(node.inputs[0])
        elif isinstance(node, If):
            out += _pushes(node.then_block) + _pushes(node.else_block)
    return out


def _line(fn: Function, loop, values: list) -> str:
    counts: dict[str, int] = {}
    total, ragged = 0, 0
    for v in values:
        a = fn.avals.get(v.id)
        shape = a.shape if a is not None else None
        dtype = v.type.dtype
        known = shape is not None and all(isinstance(d, int) for d in shape)
        text = _SHORT.get(dtype, dtype)
        if v.type.rank:
            text += "[" + ", ".join(str(d) if isinstance(d, int) else "?" for d in (shape or (None,) * v.type.rank)) + "]"
        counts[text] = counts.get(text, 0) + 1
        if known:
            total += int(np.prod(shape, dtype=np.int64)) * np.dtype("bool" if dtype == "bool" else dtype).itemsize
        else:
            ragged += 1
    what = ", ".join(f"{n} x {t}" for t, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
    where = ""
    if loop.loc is not None:
        where = f" at line {loop.loc.line}"
        if loop.loc.stmt:
            where += f" ({loop.loc.stmt.splitlines()[0].rstrip(':').strip()})"
    size = f"{total} bytes" + (f" + {ragged} ragged (extents known at run time)" if ragged else "")
    return f"# tape per iteration of the loop{where}: {what} = {size}"
