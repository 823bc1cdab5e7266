"""Integer-array (advanced) indexing in generated code: `gather` (x[idx], x[:, rows, cols], x[i, idx])
and the indexed writes with an array item (`index_update`: x[idx] = v; `index_add`: np.add.at).

The readable rendering is NumPy's own spelling (`x[:, rows, cols]`, `np.add.at(dx, (slice(None),
rows, cols), g)`). Numba supports one advanced index per indexing operation only, so the lowered
rendering calls a generated helper (`_gather_...`, `_put_...`, `_addat_...`, one per pattern of
index items and ranks) that loops over the result in C order and checks every index it reads from
data where it reads it (`_ix`, codegen/bounds.py: IndexError with NumPy's message; a negative index
wraps). Index arrays that do not broadcast together raise IndexError, a value that does not broadcast
to the indexed region ValueError, as in NumPy. Writes run in C order: with a duplicated index the
last element written wins (x[idx] = v), or every element adds (np.add.at).

The index items are those of primitives/arrays.py's advanced indexing: full slices, ("int", k) and
("array", k), k numbering the index inputs from 1; and, in the writes passes/scatter.py composes,
slices with bounds ("slice", start, stop, step), each bound an int input or None (Python's slice
rules: negative bounds count from the end, out-of-range bounds clip, a zero step is ValueError)."""
from __future__ import annotations

from ..primitives import advanced_output_order


# An index read from data where a fused loop reads x[index] (codegen/loops.py): checked like NumPy
# (IndexError), then wrapped, so that a read composed through a view of x (x = y[2:5]) stays right.
WRAP_HELPER = ("_ixw", """def _ixw(i, n, axis):
    i = _ix(i, n, axis)
    return i + n if i < 0 else i""")


def _slice_text(it: tuple, operand, for_add_at: bool) -> str:
    bounds = ["" if k is None else operand(k) for k in it[1:]]
    if not for_add_at:
        return ":".join(bounds[:2]) + (":" + bounds[2] if bounds[2] else "")
    while len(bounds) > 1 and not bounds[-1]:
        bounds.pop()
    return "slice(" + ", ".join(b or "None" for b in bounds) + ")"


def readable_index(index: tuple, operand, for_add_at: bool = False) -> str:
    """`:, rows, cols` (or, for np.add.at's indices argument, `(slice(None), rows, cols)`)."""
    parts = [_slice_text(it, operand, for_add_at) if it[0] == "slice" else operand(it[1]) for it in index]
    if not for_add_at or len(parts) == 1:
        return ", ".join(parts)
    return "(" + ", ".join(parts) + ")"


def _plan(rank: int, index: tuple, ranks: dict) -> tuple:
    """(lines computing b0.. (the index arrays' broadcast shape) and k<axis> (checked ints),
    the output dims as texts, the loop variable of each x axis, the lines reading each array item
    inside the innermost loop) for x of `rank` with index items `index`; ranks: k -> rank of input k
    (0 for an int)."""
    index = tuple(index) + (("slice", None, None, None),) * (rank - len(index))
    arrays = [it[1] for it in index if it[0] == "array"]
    big = max(ranks[k] for k in arrays)
    head = [f"n{a} = x.shape[{a}]" for a in range(rank)]
    for j in range(big):
        head.append(f"b{j} = 1")
    for k in dict.fromkeys(arrays):
        for d in range(ranks[k]):
            j = big - ranks[k] + d
            head.append(f"if b{j} == 1:")
            head.append(f"    b{j} = a{k}.shape[{d}]")
            head.append(f"elif a{k}.shape[{d}] != 1 and a{k}.shape[{d}] != b{j}:")
            head.append("    raise IndexError('shape mismatch: indexing arrays could not be broadcast together')")
    many = len(set(arrays)) > 1
    if many:  # an axis of 1 in one index array is broadcast: read it at 0
        for k in dict.fromkeys(arrays):
            head.extend(f"s{k}_{d} = 0 if a{k}.shape[{d}] == 1 else 1" for d in range(ranks[k]))
    for a, it in enumerate(index):
        if it[0] == "int":
            head.append(f"k{a} = _ix(a{it[1]}, n{a}, {a})")
            head.append(f"if k{a} < 0:")
            head.append(f"    k{a} += n{a}")
        elif it[0] == "slice" and it[1:] != (None, None, None):
            head.extend(_slice_head(a, it))
    dims = advanced_output_order(rank, index, big)  # ("b", j) or ("x", axis), in output order
    loop_var = {d: f"o{p}" for p, d in enumerate(dims)}
    texts = [f"b{d[1]}" if d[0] == "b" else f"n{d[1]}" if index[d[1]][1:] == (None, None, None) else f"c{d[1]}"
             for d in dims]
    x_ix, reads = [], []
    for a, it in enumerate(index):
        if it[0] == "slice" and it[1:] != (None, None, None):
            x_ix.append(f"f{a} + {loop_var[('x', a)]} * sp{a}")
        elif it[0] == "slice":
            x_ix.append(loop_var[("x", a)])
        elif it[0] == "int":
            x_ix.append(f"k{a}")
        else:
            k = it[1]
            at = []
            for d in range(ranks[k]):
                o = loop_var[("b", big - ranks[k] + d)]
                at.append(f"{o} * s{k}_{d}" if many else o)
            reads.append(f"i{a} = _ix(a{k}[{', '.join(at)}], n{a}, {a})")
            reads.append(f"if i{a} < 0:")
            reads.append(f"    i{a} += n{a}")
            x_ix.append(f"i{a}")
    return head, texts, x_ix, reads


def _slice_head(a: int, it: tuple) -> list:
    """Lines computing f<a> (the first index), c<a> (the count) and sp<a> (the step) of the slice
    item `it` on axis a of extent n<a>, by Python's rules (slice.indices)."""
    start, stop, step = it[1:]
    lines = [f"sp{a} = {'1' if step is None else f'a{step}'}"]
    if step is not None:
        lines += [f"if sp{a} == 0:", "    raise ValueError('slice step cannot be zero')"]
    lines += [f"lo{a} = 0 if sp{a} > 0 else -1", f"hi{a} = n{a} if sp{a} > 0 else n{a} - 1"]
    for name, k, default in (("f", start, f"0 if sp{a} > 0 else hi{a}"), ("e", stop, f"hi{a} if sp{a} > 0 else -1")):
        if k is None:
            lines.append(f"{name}{a} = {default}")
            continue
        lines += [f"{name}{a} = a{k}", f"if {name}{a} < 0:", f"    {name}{a} += n{a}",
                  f"{name}{a} = min(max({name}{a}, lo{a}), hi{a})"]
    lines += [f"if sp{a} > 0:", f"    c{a} = (e{a} - f{a} - 1) // sp{a} + 1 if f{a} < e{a} else 0",
              "else:", f"    c{a} = (f{a} - e{a} - 1) // -sp{a} + 1 if e{a} < f{a} else 0"]
    return lines


def _key(rank: int, index: tuple, ranks: dict) -> str:
    def item(it) -> str:
        if it[0] == "slice":
            return "s" if it[1:] == (None, None, None) else "r" + "".join("n" if k is None else "k" for k in it[1:])
        return "i" if it[0] == "int" else f"a{ranks[it[1]]}"
    return f"{rank}d_{''.join(item(it) for it in index)}"


def _loops(texts: list, body: list, indent: str = "    ") -> list:
    lines, ind = [], indent
    for p, t in enumerate(texts):
        lines.append(f"{ind}for o{p} in range({t}):")
        ind += "    "
    return lines + [ind + line for line in body]


def gather_helper(rank: int, index: tuple, ranks: dict) -> tuple:
    """(name, text) of the lowered helper computing x[index] as a new array."""
    name = f"_gather_{_key(rank, index, ranks)}"
    head, texts, x_ix, reads = _plan(rank, index, ranks)
    params = ", ".join(["x"] + [f"a{k}" for k in sorted(ranks)])
    shape = "(" + "".join(t + ", " for t in texts) + ")"
    out_ix = ", ".join(f"o{p}" for p in range(len(texts))) or "()"
    lines = [f"def {name}({params}):", *("    " + h for h in head), f"    out = np.empty({shape}, x.dtype)"]
    lines += _loops(texts, reads + [f"out[{out_ix}] = x[{', '.join(x_ix)}]"])
    lines.append("    return out")
    return name, "\n".join(lines)


def put_helper(rank: int, index: tuple, ranks: dict, val_rank: int | None, add: bool) -> tuple:
    """(name, text) of the lowered helper writing v (broadcast) into x[index], in place: `=`
    (x[idx] = v) or, add=True, `+=` per element (np.add.at). val_rank None: v is a scalar."""
    kind = "addat" if add else "put"
    name = f"_{kind}_{_key(rank, index, ranks)}_v{'s' if val_rank is None else val_rank}"
    head, texts, x_ix, reads = _plan(rank, index, ranks)
    params = ", ".join(["x", "v"] + [f"a{k}" for k in sorted(ranks)])
    if val_rank is None:
        v = "v"
    else:
        lead = len(texts) - val_rank
        if lead < 0:
            raise ValueError("value has more dimensions than the indexed region")
        for d in range(val_rank):
            head.append(f"if v.shape[{d}] != 1 and v.shape[{d}] != {texts[lead + d]}:")
            head.append("    raise ValueError('shape mismatch: value array could not be broadcast to indexing result')")
            head.append(f"t{d} = 0 if v.shape[{d}] == 1 else 1")
        v = f"v[{', '.join(f'o{lead + d} * t{d}' for d in range(val_rank)) or '()'}]"
    lines = [f"def {name}({params}):", *("    " + h for h in head)]
    lines += _loops(texts, reads + [f"x[{', '.join(x_ix)}] {'+=' if add else '='} {v}"])
    lines.append("    return x")
    return name, "\n".join(lines)


# The run-time overlap guard of a region write whose value may be a view of the written array.
UNSHARED_HELPER = ("_unshared", "from adjit.runtime.assign import unshared as _unshared  # v, or a copy if it may overlap")


def region_helper(rank: int, val_rank: int, add: bool) -> tuple:
    """(name, text) of the lowered helper writing v, broadcast as NumPy broadcasts it, into r (the
    view x[index] of int and slice items, of `rank` dims) in place, element by element in C order:
    `=` (x[index] = v) or `+=` (x[index] += v). Not Numba's array setitem, which compiles its
    shape-mismatch message with run-time string formatting (seconds in every new process)."""
    name = f"_{'iadd' if add else 'assign'}_{rank}d_v{val_rank}"
    lead = rank - val_rank
    if lead < 0:
        raise ValueError("value has more dimensions than the indexed region")
    lines = [f"def {name}(r, v):"]
    for d in range(val_rank):
        lines.append(f"    if v.shape[{d}] != 1 and v.shape[{d}] != r.shape[{lead + d}]:")
        lines.append("        raise ValueError('could not broadcast input array into the shape of the indexed region')")
        lines.append(f"    t{d} = 0 if v.shape[{d}] == 1 else 1")
    v = f"v[{', '.join(f'o{lead + d} * t{d}' for d in range(val_rank)) or '()'}]"
    out = ", ".join(f"o{p}" for p in range(rank)) or "()"
    lines += _loops([f"r.shape[{p}]" for p in range(rank)], [f"r[{out}] {'+=' if add else '='} {v}"])
    return name, "\n".join(lines)
