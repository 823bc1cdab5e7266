"""Slabs: the top-level arrays of a function codegen/outline.py cuts into parts, made as rows of a
few flat arrays (issue 14).

A long gradient makes hundreds of arrays at its top level (the temporaries it takes from the
workspace, the strip buffers of its fused loops). Cut into parts, each would be an allocation of
the caller and an argument of every part that reads it: the caller's calls then passed up to 180
arrays each, and the caller grew, in Numba and LLVM, faster than its parts (docs/performance.md).
The 1-D arrays of one length and dtype, made at the top level, their length read from
parameters and names bound once before them, become rows of one *slab*, made where the first of
them was made:

    _slab0_n = x.shape[0]
    _slab0 = _alloc.take(_ws, _wst, (173 * (_slab0_n + _tape.PAD),), np.float64)

and a part takes `_slab0, _slab0_n` and makes the rows it reads itself:

    _slab0_p = _tape.address(_slab0)
    a7 = _tape.row_at(_slab0_p, 12, _slab0_n, np.float64)

`row_at` (runtime/outline.py) makes a C-contiguous array of the same type as the array it
replaces, its data pointer made from an integer, so LLVM sees each row as an array of its own, as
it saw the separate arrays. Rows are `n + PAD` (8) elements apart, a distance LLVM sees, so it can
tell rows do not overlap; rows of 512 float64 (4 KB) are then 64 bytes apart modulo 4 KB, not all
in the same cache sets. Measured on the 100-statement gradient's reverse part (150 rows): rows
sliced from the slab cost LLVM 4-6 times as much as separate arguments, rows at a pitch LLVM could
not relate to n about 80 times (it checks every pair of rows at run time); unpadded rows ran at 97-112
ms against 85 ms at n = 10^5 (one-off runs at load 10), padded ones at 83-86 ms. A row holds no
reference to its slab: the caller uses every slab right before each of its returns
(`_tape.keep_alive`), so no slab is freed while a row of it (or an alias a part returned) may
still be read.

Which arrays: those the workspace plan gave to the workspace (`_alloc.take`: they cannot outlive
the call, passes/workspace.py), and new arrays (`_alloc.empty`) every use of which reads or writes
one element, asks its shape or hands it to a SIMD kernel (no view or alias of one can escape).
Each is bound once. As Python (the tests' lowered modules), a row is a slice of the slab."""
from __future__ import annotations

import ast


def slab(text: str, fn: ast.FunctionDef) -> tuple[str, dict, dict]:
    """(the text with each group of top-level 1-D arrays of one length and dtype made as rows of
    one slab, {array: (its slab, its row)}, {slab: (its length's name, its dtype)});
    the text unchanged and empty maps when no group has two arrays. The slab is made where the
    first of its arrays was, the others' lines are left empty."""
    stores: dict = {}
    for n in ast.walk(fn):
        if isinstance(n, ast.Name) and not isinstance(n.ctx, ast.Load):
            stores[n.id] = stores.get(n.id, 0) + 1
    readable = {a.arg for a in fn.args.args} - set(stores)  # never rebound: readable anywhere
    groups: dict = {}
    for stmt in fn.body:
        got = _made_array(stmt, readable)
        if got is not None and stores.get(got[0]) == 1:
            groups.setdefault(got[1:], []).append((got[0], stmt))
        if isinstance(stmt, ast.Assign):  # a name bound once, at the top level: readable after it
            readable |= {t.id for t in stmt.targets if isinstance(t, ast.Name) and stores.get(t.id) == 1}
    unsafe = _escaping(fn, {m[0] for k, ms in groups.items() if k[0] == "empty" for m in ms})
    groups = {k: [m for m in ms if m[0] not in unsafe] for k, ms in groups.items()}
    used = {n.id for n in ast.walk(fn) if isinstance(n, ast.Name)}
    lines, views, slabs = text.split("\n"), {}, {}
    for (kind, length, dtype), members in groups.items():
        if len(members) < 2:
            continue
        j = len(slabs)
        while {f"_slab{j}", f"_slab{j}_n", f"_slab{j}_p"} & used:
            j += 1
        name = f"_slab{j}"
        first = members[0][1]
        call = "_alloc.take(_ws, _wst, " if kind == "take" else "_alloc.empty("
        indent = " " * first.col_offset
        lines[first.lineno - 1] = "\n".join([
            f"{indent}{name}_n = {length}  # {len(members)} arrays of {length} elements: rows of {name}",
            f"{indent}{name} = {call}({len(members)} * ({name}_n + _tape.PAD),), {dtype})"])
        for i, (array, stmt) in enumerate(members):
            views[array] = (name, i)
            if stmt is not first:
                lines[stmt.lineno - 1] = ""
        slabs[name] = (f"{name}_n", dtype)
    return "\n".join(lines), views, slabs


def make_rows(views: dict, slabs: dict, names, indent: str) -> list[str]:
    """The lines that make the rows `names` of their slabs (each slab's address first)."""
    names = sorted(names, key=lambda v: views[v])
    out = [f"{indent}{s}_p = _tape.address({s})" for s in sorted({views[v][0] for v in names})]
    for v in names:
        s, i = views[v]
        n, dtype = slabs[s]
        out.append(f"{indent}{v} = _tape.row_at({s}_p, {i}, {n}, {dtype})")
    return out


def entry_rows(lines: list, views: dict, slabs: dict) -> list | None:
    """The cut function's lines with the rows it still reads itself made right after their slab,
    and its slabs used before each return (the rows hold no reference); None when a return
    shares its line with another statement."""
    tree = ast.parse("\n".join(lines))
    read = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and n.id in views}
    returns = {r.lineno - 1: r.col_offset for r in ast.walk(tree) if isinstance(r, ast.Return)}
    if any(lines[at][:col].strip() for at, col in returns.items()):
        return None
    keep = f"_tape.keep_alive({', '.join(sorted(slabs))})"
    out = []
    for at, line in enumerate(lines):
        if at in returns:
            out.append(" " * returns[at] + keep)
        out.append(line)
        made = line.strip().split(" = _alloc.", 1)[0]
        if made in slabs:
            indent = line[:len(line) - len(line.lstrip())]
            out += make_rows(views, slabs, [v for v in read if views[v][0] == made], indent)
    return out


def _made_array(stmt: ast.stmt, readable: set):
    """(name, 'take' | 'empty', length's text, dtype's text) for `name = _alloc.take(_ws, _wst,
    (length,), np.<dtype>)` or `name = _alloc.empty((length,), np.<dtype>)` on one line, its length
    read only from `readable` names (parameters never rebound, names bound once at the top level
    before it); else None."""
    if not (isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], ast.Name)
            and stmt.lineno == stmt.end_lineno and isinstance(stmt.value, ast.Call) and not stmt.value.keywords):
        return None
    f, args = stmt.value.func, stmt.value.args
    if not (isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id == "_alloc"):
        return None
    if f.attr == "take" and len(args) == 4 and [getattr(a, "id", None) for a in args[:2]] == ["_ws", "_wst"]:
        shape, dtype = args[2:]
    elif f.attr == "empty" and len(args) == 2:
        shape, dtype = args
    else:
        return None
    if not (isinstance(shape, ast.Tuple) and len(shape.elts) == 1 and isinstance(dtype, ast.Attribute)
            and isinstance(dtype.value, ast.Name) and dtype.value.id == "np"):
        return None
    if any(isinstance(n, ast.Name) and n.id not in readable for n in ast.walk(shape)) or any(
            isinstance(n, (ast.Call, ast.Starred)) for n in ast.walk(shape)):
        return None
    return stmt.targets[0].id, f.attr, ast.unparse(shape.elts[0]), ast.unparse(dtype)


def _escaping(fn: ast.FunctionDef, names: set) -> set:
    """The 1-D arrays of `names` some read of which does more than read or write one element (one
    index, no slice), ask its shape, or hand it to a SIMD kernel (`_simd.<f>_range(name, start,
    stop)`): a view or an alias of it might outlive the call."""
    out = set()
    if not names:
        return out
    for p in ast.walk(fn):
        for n in ast.iter_child_nodes(p):
            if not (isinstance(n, ast.Name) and n.id in names and isinstance(n.ctx, ast.Load)) or n.id in out:
                continue
            if isinstance(p, ast.Attribute) and p.attr in ("shape", "size", "ndim"):
                continue
            if (isinstance(p, ast.Subscript) and p.value is n and not isinstance(p.slice, ast.Tuple)
                    and not any(isinstance(c, ast.Slice) for c in ast.walk(p.slice))):
                continue
            if (isinstance(p, ast.Call) and n in p.args and isinstance(p.func, ast.Attribute)
                    and isinstance(p.func.value, ast.Name) and p.func.value.id == "_simd"):
                continue
            out.add(n.id)
    return out
