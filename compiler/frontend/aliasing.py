"""NumPy's sharing, checked: adjit's IR treats arrays as values, NumPy shares memory between an
array, its views (`h[i]`, `x[1:]`, `x.T`, `x.reshape(...)`) and every other name bound to it.
The two agree as long as no write to a buffer is followed by a read of an older name for the same
buffer. This pass finds every such read and rejects the program at the write, naming both, so
that sharing never turns into a silently different function (and gradient).

Sharing is tracked over the lowered IR as the set of buffers each array value may live in: a
fresh result or an argument is its own buffer, a view or an in-place write lives in its input's
buffers, and a loop-carried value or a branch result in the union of the buffers of everything
that flows into it. A value is *stale* after a write to one of its buffers if it was defined
before the write; a read of a stale value after the write (in program order, or in a later iteration of a loop that contains
the write, but never in the other branch of an `if`) is what NumPy and adjit disagree on.

Lists (lists.py, slots.py) hold their items themselves, where adjit's rows are copies: the `held`
relation records, per list value, the buffers of the arrays its rows were stored from (`xs[k] = h`,
`xs.append(h)`, `[z] * n`, carried over to `list(xs)` and to a growing list's larger array), so a
write into h is a write into what the list shows; a write through a view of a list's rows (`for
row in xs: row[0] = 0`) is a write into the arrays it holds; and an item read back (`r = xs[k]`,
a new value) may not be written into at all. Before all this, slotcheck.py proves that no item of
a `[None] * n` list is read before it is written.
"""
from __future__ import annotations

from ..errors import UnsupportedSyntaxError
from ..ir import Block, For, Function, If, Op, While
from ..primitives import PRIMITIVES
from .slotcheck import check_slots

_WRITES = ("index_update", "index_add")


class _Walk:
    def __init__(self, inplace: dict, holds: dict | None = None, opaque: set | None = None):
        self.pos = 0
        self.opaque = opaque or set()  # ids of nodes of adjit's own code (a gradient called inside: nested.py)
        self.quiet = False  # inside such a node: value semantics, nothing to check
        self.defs: dict = {}  # value id -> (position, path)
        self.uses: list = []  # (value, position, loops, path, loc)
        self.writes: list = []  # (op, base, position, path)
        self.loop_range: dict = {}
        self.producer: dict = {}  # value id -> the op that made it
        self.edges: list = []  # (value id, value id whose buffers it may live in, loop id or None)
        self.inplace = inplace  # value id -> value it overwrote in place (array `x += v`)
        self.holds = holds or {}  # value id -> the array it holds a reference to (a list's row: lists.py)
        self.held_edges: list = []  # (list value id, id of an array one of its rows refers to, position)
        self.held_copies: list = []  # (list value id, id of the list whose items its rows hold: list(xs))
        self.items: dict = {}  # id of an item read from a list (a new value) -> the list's name
        self.views_of: dict = {}  # value id -> the array it is a read-only view of (check_sharing)

    def union(self, out, src, loop=None) -> None:
        """`out` may live in the buffers of `src` (a view, an in-place write, a phi's incoming value);
        `loop`: the edge carries a loop's yield to its head, into the next iteration."""
        if self.quiet or out.type is None or src.type is None or out.type.kind != "array" or src.type.kind != "array":
            return
        self.edges.append((out.id, src.id, loop))

    def older(self, bufs, loop) -> set:
        """The buffers a value yielded by one iteration of `loop` lives in, as seen from the next
        iteration: an array made inside the loop is made afresh each iteration, so the one carried
        in is an older instance, `("old", id)`, which a write into this iteration's never touches
        (`new = np.full(...)` per iteration, then `alpha = new`). An instance once old stays old."""
        if loop is None:
            return bufs
        lo, hi = self.loop_range[loop]
        return {("old", b) if not isinstance(b, tuple) and lo <= self.defs.get(b, (-1, ()))[0] <= hi else b
                for b in bufs}

    def buffers(self) -> dict:
        """value id -> the buffers (ids of values that own memory, or `("old", id)`: an earlier
        iteration's instance) it may live in; a fixpoint over the edges, since loops carry values
        around."""
        targets = {o for o, _, _ in self.edges}
        pts = {vid: {vid} for vid in self.defs if vid not in targets}
        changed = True
        while changed:
            changed = False
            for o, src, loop in self.edges:
                add = self.older(pts.get(src, {src} if src not in targets else set()), loop)
                cur = pts.setdefault(o, set())
                if not add <= cur:
                    cur |= add
                    changed = True
        return pts

    def held(self, pts: dict) -> dict:
        """value id -> the buffers the arrays its rows refer to live in (a list built by .append
        holds its items, not copies): a write there changes what the list shows, while a write
        into the list's own rows does not write into them."""
        out: dict = {}  # value id -> {buffer: the first position a row of it came to hold the buffer}

        def merge(o, add: dict) -> bool:
            cur = out.setdefault(o, {})
            grew = False
            for buf, pos in add.items():
                if pos < cur.get(buf, float("inf")):
                    cur[buf] = pos
                    grew = True
            return grew

        changed = True
        while changed:
            changed = False
            for o, item, pos in self.held_edges:
                changed |= merge(o, {buf: pos for buf in pts.get(item, {item})})
            for o, src in self.held_copies:
                if src in out:
                    changed |= merge(o, out[src])
            for o, src, loop in self.edges:
                if src in out:
                    older = {self.older({b}, loop).pop(): pos for b, pos in out[src].items()}
                    changed |= merge(o, older)
        return out

    def held_hazard(self, held: dict, written: set, p: int) -> bool:
        """Whether a write at position p into `written` changes what a list holding `held` shows:
        a buffer held before the write, or one made before a loop that repeats the write (a fresh
        array per iteration, appended after its writes, is never written again)."""
        for buf in held.keys() & written:
            a = held[buf]
            if a < p:
                return True
            d = self.defs.get(buf, (-1, ()))[0]
            # a loop around both the hold and the write, which the buffer outlives: the hold of one
            # iteration comes before the write of the next
            if any(lo <= p <= hi and lo <= a <= hi and not lo <= d <= hi for lo, hi in self.loop_range.values()):
                return True
        return False

    def define(self, v, path) -> None:
        self.defs[v.id] = (self.pos, path)

    def use(self, v, loops, path, loc) -> None:
        self.uses.append((v, self.pos, loops, path, loc))

    def block(self, block: Block, loops: tuple, path: tuple) -> None:
        for node in block.ops:
            if id(node) in self.opaque and not self.quiet:
                self.quiet = True  # adjit's own code (a gradient called inside): reads its inputs, makes fresh arrays
                try:
                    self.block(Block([node]), loops, path)
                finally:
                    self.quiet = False
                continue
            self.pos += 1
            if self.quiet:
                if isinstance(node, Op):
                    for v in node.inputs:
                        self.use(v, loops, path, node.loc)
                    for o in node.outputs:
                        self.define(o, path)
                    continue
            if isinstance(node, Op):
                for v in node.inputs:
                    self.use(v, loops, path, node.loc)
                for o in node.outputs:
                    self.define(o, path)
                    self.producer[o.id] = node
                if node.prim in _WRITES:
                    self.writes.append((node, node.inputs[0], self.pos, path))
                    self.union(node.out, node.inputs[0])
                    held = self.holds.get(node.out.id)
                    if isinstance(held, tuple):  # ys = list(xs): ys holds what xs holds
                        self.held_copies.append((node.out.id, held[1].id))
                    elif held is not None:  # xs.append(h): Python's list holds h itself
                        self.held_edges.append((node.out.id, held.id, self.pos))
                elif PRIMITIVES[node.prim].view and node.inputs:
                    self.union(node.out, node.inputs[0])
                if node.outputs and node.out.id in self.views_of:  # a read-only view lowered as a copy
                    self.union(node.out, self.views_of[node.out.id])
                held = self.holds.get(node.out.id) if node.outputs else None
                if isinstance(held, tuple) and held[0] == "item":  # r = xs[k] (slots.py)
                    self.items[node.out.id] = held[1]
                if node.out.id in self.inplace:
                    base = self.inplace[node.out.id]
                    self.writes.append((node, base, self.pos, path))
                    self.union(node.out, base)
            elif isinstance(node, If):
                self.use(node.cond, loops, path, node.loc)
                for k, (b, ys) in enumerate(((node.then_block, node.then_yield), (node.else_block, node.else_yield))):
                    inner = path + ((id(node), k),)
                    self.block(b, loops, inner)
                    self.pos += 1
                    for y, o in zip(ys, node.outputs):
                        self.use(y, loops, inner, node.loc)
                        self.union(o, y)
                self.pos += 1
                for o in node.outputs:
                    self.define(o, path)
            elif isinstance(node, (For, While)):
                heads = [node.start, node.stop, node.step] if isinstance(node, For) else []
                for v in heads + list(node.init):
                    self.use(v, loops, path, node.loc)
                start = self.pos
                inner_loops = loops + (id(node),)
                if isinstance(node, For):
                    self.define(node.index, path)
                for c, i, y, o in zip(node.carried, node.init, node.body_yield, node.outputs):
                    self.define(c, path)
                    self.union(c, i)
                    self.union(c, y, id(node))
                    self.union(o, c)
                    self.union(o, y)  # after the loop: the last iteration's instance too
                if isinstance(node, While):
                    self.block(node.cond_block, inner_loops, path)
                    self.use(node.cond, inner_loops, path, node.loc)
                self.block(node.body, inner_loops, path)
                self.pos += 1
                for y in node.body_yield:
                    self.use(y, inner_loops, path, node.loc)
                self.loop_range[id(node)] = (start, self.pos)
                self.pos += 1
                for o in node.outputs:
                    self.define(o, path)


def _base(buf):
    """The value that made a buffer, whichever iteration's instance `buf` is."""
    return buf[1] if isinstance(buf, tuple) else buf


def _exclusive(a: tuple, b: tuple) -> bool:
    """Whether two places lie in different branches of one `if` (never both run)."""
    for x, y in zip(a, b):
        if x != y:
            return x[0] == y[0]
    return False


def check_sharing(fn: Function, inplace: dict | None = None, holds: dict | None = None,
                  opaque: set | None = None, written_back: dict | None = None, views_of: dict | None = None) -> None:
    """Raise a located error where a write to a shared buffer would be seen differently by NumPy.
    `holds`: writes that store a reference, not a copy (the rows of a list built by .append).
    `opaque`: ids of top-level nodes that are adjit's own code with value semantics (the derivative
    code of a gradient called inside, checked as user code before it was transformed): they read
    their inputs where they stand and make fresh arrays. `written_back`: the copy a write through a
    view makes (`z = y[1:5]; z[:] = v`, np.copyto(y[1:5], v)) -> the view it is written back into.
    `views_of`: value id -> the array a copy stands for a read-only view of (NumPy's
    sliding_window_view, lowered as a gather): it lives in that array's buffers."""
    check_slots(fn)  # every item of a `[None] * n` list read is written before (slotcheck.py)
    fn.param_hazards = []
    w = _Walk(inplace or {}, holds, opaque)
    w.views_of = views_of or {}
    for p in fn.params:
        w.define(p, ())
    w.block(fn.body, (), ())
    w.pos += 1
    for r in fn.results:
        w.use(r, (), (), fn.result_loc)
    if not w.writes:
        return
    pts = w.buffers()
    fn.param_hazards = _param_hazards(w, pts, fn)
    held = w.held(pts)
    for op, base, p, wpath in w.writes:
        written = pts.get(base.id, {base.id})
        target = (written_back or {}).get(op.inputs[0].id) if op.inputs else None
        if target is not None:  # a write into that copy is one into the view's array for NumPy's copy order
            _check_overlapping_copy(op, target, pts.get(target.id, {target.id}), pts, w.producer, w.defs, fn.avals,
                                    through=target)
        _check_overlapping_copy(op, base, written, pts, w.producer, w.defs, fn.avals)
        item = next((w.items[_base(b)] for b in written if _base(b) in w.items), None)
        if item is not None:
            raise UnsupportedSyntaxError(
                f"writing into an item read from the list '{item}' is not supported: Python would change the "
                "array the list holds (and every other name for it) too", op.loc,
                hint=f"write a new item into the list instead: {item}[k] = <new array>, or copy it first: "
                     f"r = {item}[k].copy()")
        if op.out.id not in w.holds:  # for row in xs: row[0] = v writes into the array the list holds there
            written = written | {b for v, h in held.items() if pts.get(v, {v}) & written for b, at in h.items() if at < p}
        for v, q, loops, upath, loc in w.uses:
            if v.id == op.out.id or v.type is None or v.type.kind != "array" or \
                    not (pts.get(v.id, {v.id}) & written or w.held_hazard(held.get(v.id, {}), written, p)):
                continue
            d = w.defs.get(v.id, (-1, ()))[0]
            if d >= p:
                continue  # defined after the write: it sees the new contents, as in NumPy
            for lid in loops:  # a read in a loop of a value from before it lasts the whole loop
                lo, hi = w.loop_range.get(lid, (q, q))
                if d < lo:
                    q = max(q, hi)
                    break
            if q <= p or _exclusive(wpath, upath):
                continue
            writer = _user_name(op.out.hint) or _user_name(base.hint) or _written(op.loc, "the array", target=True)
            reader = _user_name(v.hint) or _written(loc, "the value", avoid=writer)
            if reader == writer:
                what = f"the old {reader} (a name or view taken before the write)"
            elif v.id == base.id:
                what = reader
            elif _derived_from(base, v, w.producer):
                what = f"{reader} (of which it is a view)"
            elif _derived_from(v, base, w.producer):
                what = f"{reader} (a view of it)"
            else:
                what = f"{reader} (they share memory)"
            where = f", read at line {loc.line}" if loc is not None else ""
            raise UnsupportedSyntaxError(
                f"writing into {_quoted(writer)} would also change {what}{where}: NumPy would see the new values "
                f"there, adjit (which treats arrays as values) the old ones",
                op.loc,
                hint=(f"write into a copy: {writer} = {writer}.copy() first, or " if writer.isidentifier() else
                      "write into a copy (`.copy()`) of the array, or ")
                + (f"bind '{reader}' to a copy where it is made" if reader.isidentifier() else
                   "copy the value read there where it is made") + " (adjit treats arrays as values)")


def _param_hazards(w: _Walk, pts: dict, fn: Function) -> list:
    """[(i, j, message, loc, hint)]: parameter i's array is written in place and parameter j's is
    read after the write (later in the program, or in a later iteration of a loop around it).
    Called with two arrays that share memory (`f(x, x)`, `f(x[1:], x[:-1])`), NumPy's function would
    see the write through j and adjit's (arguments are values; a written one is copied first)
    would not: jit/sharedargs.py checks these pairs on every call and raises the message then."""
    index = {p.id: k for k, p in enumerate(fn.params) if p.type is not None and p.type.kind == "array"}
    if len(index) < 2:
        return []
    found: dict = {}
    for op, base, p, wpath in w.writes:
        for i in sorted({index[_base(b)] for b in pts.get(base.id, {base.id}) if _base(b) in index}):
            for v, q, loops, upath, loc in w.uses:
                if v.type is None or v.type.kind != "array":
                    continue
                others = {index[_base(b)] for b in pts.get(v.id, {v.id}) if _base(b) in index} - {i}
                if not others:
                    continue
                for lid in loops:  # read again in the next iteration of a loop around the write
                    lo, hi = w.loop_range.get(lid, (q, q))
                    if lo <= p <= hi:
                        q = max(q, hi)
                if q <= p or _exclusive(wpath, upath):
                    continue
                for j in others:
                    if (i, j) not in found:
                        found[(i, j)] = (op.loc, loc)
    out = []
    for (i, j), (wloc, rloc) in sorted(found.items()):
        a, b = (n[5:] if n.startswith("host_") else n for n in (fn.param_names[i], fn.param_names[j]))  # host.py's
        where = f" (read at line {rloc.line})" if rloc is not None else ""
        out.append((i, j, f"'{a}' and '{b}' share memory in this call, and the function writes into '{a}' here and "
                          f"then reads '{b}'{where}: NumPy would see the new values through '{b}', adjit (which treats "
                          "arrays as values, and writes into a copy of a written argument) the old ones",
                    wloc, f"pass a copy for one of them (`{b}.copy()`), or copy '{a}' in the function before "
                          f"writing into it: {a} = {a}.copy()"))
    return out


def _user_name(hint):
    """A value's name as the user wrote it, None for one adjit made (a comprehension's `_comp1`
    loop, `_t0`): a message names what the program says; an object's attribute kept in a hidden name
    (`<Net@7f3a>.state['m']`, procedures.Slot) by its attribute, `state['m']`."""
    if hint and hint.startswith("<") and ">." in hint:
        return hint.split(">.", 1)[1]
    return hint if hint and not hint.startswith("_") else None


def _quoted(name: str) -> str:
    return f"'{name}'" if name.isidentifier() else name


def _written(loc, unnamed: str, target: bool = False, avoid: str = "") -> str:
    """The source text at loc (the target of an assignment there), quoted: what a message names
    for a value without a name (a list's item, an expression read); just `unnamed` where that text
    is the name `avoid` (a loop's target, where the loop's sequence is what is read)."""
    if loc is None or not loc.text:
        return unnamed
    text = loc.text[loc.col:loc.end_col].strip()
    if text == avoid:
        return f"{unnamed} its loop reads"
    if target:
        import ast

        try:
            st = ast.parse(text).body[0]
            st = st.targets[0] if isinstance(st, ast.Assign) else getattr(st, "target", None)
            text = ast.unparse(st) if st is not None else text
        except (SyntaxError, IndexError):
            pass
    return f"{unnamed} `{text}`" if text else unnamed


def _check_overlapping_copy(op, base, written: set, pts: dict, producer: dict, defs: dict, avals: dict,
                            through=None) -> None:
    """`W[1] = W[:, -1]`: a 1-D region assigned from a view of the same array that walks it with
    another stride. NumPy copies element by element in an order of its choosing there (it gives
    [2, 8, 8] for a 3x3 arange, not the column [2, 5, 8]); adjit would give the column. Refused,
    except a row from the column of the same index (`A[k, :] = A[:, k]`, symmetry filled in
    from a border column), where the only shared element is read into its own place.
    Shifts along one axis (`a[1:] = a[:-1]`), views walking it the other way (`r[:] = r[::-1]`) and
    regions of 2 or more dimensions NumPy copies as values, as adjit does; other strides along the
    same axis (`y[1:5] = y[0:8:2]`: NumPy gives y[3] the old y[6]) are simulated when their bounds
    are known (_copy_along_one_axis), and a view through a transpose (`W[1] = W.T[-1]`) is followed
    to the axis it walks (_walk). A buffer made after the value was (in a loop: `new = np.zeros(2 * n);
    new[:n] = rows`, a growing list's rows, lists.py) is not the value's, whatever earlier
    iterations made there."""
    if op.prim != "index_update" or len(op.inputs) < 2:
        return
    val = op.inputs[1]
    if val.type is None or val.type.kind != "array" or val.type.rank != 1:
        return
    made = defs.get(val.id, (-1, ()))[0]
    if not {b for b in pts.get(val.id, {val.id}) & written if defs.get(b, (-1, ()))[0] <= made}:
        return
    src = producer.get(val.id)
    dst = _walk(op.inputs[0] if through is None else through, producer)
    dst = dst and _index_walk(dst[0], dst[1], op.attrs["index"], op.inputs, producer)
    if dst is not None and len(dst[1]) > 1:
        return  # a region of 2 or more dimensions: NumPy copies an overlapping value first, as adjit computes
    walk = _walk(val, producer)
    if dst is not None and walk is not None and walk[0] is dst[0] and walk[1][0][0] == dst[1][0][0] and \
            (walk[1][0][1] == dst[1][0][1] or walk[1][0][1] * dst[1][0][1] < 0):
        return  # one axis of one array at the same stride (a shift: NumPy copies as memmove does), or at
        # strides of opposite signs (NumPy copies the value first): both the value as adjit computes it
    if through is not None or not _row_from_own_column(op, src, producer) and \
            not _copy_along_one_axis(op, src, producer, avals):
        name = (dst[0].hint if through is not None and dst else None) or base.hint or "the array"
        raise UnsupportedSyntaxError(
            f"the value written into '{name}' is a view of '{name}' itself that walks it along another axis "
            "or at another stride; NumPy's result then depends on the order it copies elements in", op.loc,
            hint=f"write a copy of the value: `... = <expression>.copy()`")


def _walk(v, producer: dict, depth: int = 0):
    """(root, [(root axis, step) per axis of v]): how a view walks the array it is taken from,
    through basic indexing with constant steps, transposes and in-place writes (the same buffer);
    None where that is not known when compiled (a step computed when run, a reshape, ...)."""
    op = producer.get(v.id)
    if depth > 32 or v.type is None or v.type.kind != "array":
        return None
    if op is None or not (op.prim in ("getitem", "transpose") or op.prim in _WRITES) or not op.inputs:
        return v, [(a, 1) for a in range(v.type.rank)]
    inner = _walk(op.inputs[0], producer, depth + 1)
    if inner is None or op.prim in _WRITES:
        return inner
    if op.prim == "transpose":
        axes = op.attrs.get("axes")
        return inner[0], [inner[1][a] for a in (axes if axes is not None else reversed(range(len(inner[1]))))]
    return _index_walk(inner[0], inner[1], op.attrs["index"], op.inputs, producer)


def _index_walk(root, axes: list, index: tuple, inputs, producer: dict):
    """The walk of `x[index]` (x walking `root` by `axes`); None for a step not known when compiled."""
    out, k = [], 0
    for it in index:
        if it[0] == "none":
            out.append((None, 0))
            continue
        if k >= len(axes):
            return None
        if it[0] == "slice":
            step = 1
            if it[3] is not None:
                c = producer.get(inputs[it[3]].id)
                if c is None or c.prim != "const" or not isinstance(c.attrs.get("value"), int):
                    return None
                step = c.attrs["value"]
            out.append((axes[k][0], axes[k][1] * step))
        elif it[0] != "int":
            return None
        k += 1
    return root, out + list(axes[k:])


def _row_from_own_column(op, src, producer: dict) -> bool:
    """`A[k, :] = A[:, k]` (or `A[k] = A[:, k]`, `A[:, k] = A[k, :]`, k one index): the one element both walk,
    A[k, k], is read into its own place, so NumPy's result does not depend on its copy order (it is
    the column, as adjit computes it). Any other row/column pair is refused (`W[1] = W[:, -1]` gives
    [2, 8, 8] for a 3x3 arange in NumPy)."""
    full = ("slice", None, None, None)
    if src is None or src.prim != "getitem":
        return False
    d, r = (tuple(ix) + (full,) * (2 - len(ix)) if op.inputs[0].type.rank == 2 and len(ix) == 1 else ix
            for ix in (op.attrs["index"], src.attrs["index"]))  # A[k] is A[k, :]
    t = producer.get(src.inputs[0].id)
    if t is not None and t.prim == "transpose" and t.inputs[0] is op.inputs[0] and op.inputs[0].type.rank == 2 \
            and len(src.attrs["index"]) == 1 and src.attrs["index"][0][0] == "int":
        r = (full, src.attrs["index"][0])  # A.T[k] is A[:, k]
    elif src.inputs[0] is not op.inputs[0]:
        return False
    if len(d) != 2 or len(r) != 2 or not ({d[0], r[1]} == {full} and d[1][0] == r[0][0] == "int"
                                          or {d[1], r[0]} == {full} and d[0][0] == r[1][0] == "int"):
        return False

    k_dst = op.inputs[next(it for it in d if it[0] == "int")[1]]  # an index item's int operand (its position)
    return _same_int(k_dst, src.inputs[next(it for it in r if it[0] == "int")[1]], producer)


def _copy_along_one_axis(op, src, producer: dict, avals: dict) -> bool:
    """`y[1:5] = y[0:8:2]`, `W[k, 1:] = W[k, :-1:2]`: a region and a view of the same array walking
    the same axis at other strides, the other indices the same, every bound known when compiled:
    whether NumPy's element-by-element copy (forward, or backward when the value starts before the
    region and reaches into it; strides of opposite signs copy the value first) reads every element
    before it overwrites it, for either sign of the axis's stride in memory."""
    base = op.inputs[0]
    if src is None or src.prim != "getitem" or src.inputs[0] is not base or base.type is None:
        return False
    rank = base.type.rank
    full = ("slice", None, None, None)
    d, r = (tuple(ix) + (full,) * (rank - len(ix)) for ix in (op.attrs["index"], src.attrs["index"]))
    if len(d) != rank or len(r) != rank or any(it[0] not in ("int", "slice") for it in d + r):
        return False
    walking = [a for a in range(rank) if d[a][0] == "slice"]
    if len(walking) != 1 or [a for a in range(rank) if r[a][0] == "slice"] != walking:
        return False
    if not all(_same_int(op.inputs[d[a][1]], src.inputs[r[a][1]], producer) for a in range(rank) if a != walking[0]):
        return False
    shape = getattr(avals.get(base.id), "shape", None) or ()
    extent = shape[walking[0]] if len(shape) == rank else None
    if not isinstance(extent, int):
        return False

    def positions(it, inputs):
        bounds = []
        for k in it[1:]:
            c = None if k is None else producer.get(inputs[k].id)
            if k is not None and (c is None or c.prim != "const" or not isinstance(c.attrs.get("value"), int)):
                return None
            bounds.append(None if k is None else c.attrs["value"])
        return list(range(*slice(*bounds).indices(extent)))

    dp, sp = positions(d[walking[0]], op.inputs), positions(r[walking[0]], src.inputs)
    return dp is not None and sp is not None and all(_copies_as_values(dp, sp, sign) for sign in (1, -1))


def _copies_as_values(dst: list, src: list, sign: int) -> bool:
    """NumPy's 1-D copy (numpy/core array_assign_array.c) of positions src into dst, the axis's
    memory stride of the given sign: no element read after it was overwritten with another."""
    n = len(dst)
    if n <= 1 or len(src) == 1:
        return True
    da, sa = [sign * p for p in dst], [sign * p for p in (src if len(src) == n else src * n)]
    if (da[1] - da[0]) * (sa[1] - sa[0]) < 0:
        return True  # overlapping arrays of opposite strides: NumPy copies the value first
    if da[1] < da[0]:  # the iteration is turned so that the region's stride is positive
        da, sa = da[::-1], sa[::-1]
    backward = sa[0] < da[0] and sa[0] + n * (sa[1] - sa[0]) > da[0]
    changed: set = set()
    for i in (range(n - 1, -1, -1) if backward else range(n)):
        if sa[i] in changed:
            return False
        if da[i] != sa[i]:
            changed.add(da[i])
    return True


def _same_int(a, b, producer: dict, depth: int = 0) -> bool:
    """a and b are one value: the same, equal constants, or the same pure op of the same operands
    (`n - 1` written twice)."""
    if a is b:
        return True
    pa, pb = producer.get(a.id), producer.get(b.id)
    if depth > 6 or pa is None or pb is None or pa.prim != pb.prim or PRIMITIVES[pa.prim].effect is not None \
            or len(pa.inputs) != len(pb.inputs):
        return False
    try:
        if pa.attrs != pb.attrs:
            return False
    except (TypeError, ValueError):  # attrs holding arrays
        return False
    return all(_same_int(x, y, producer, depth + 1) for x, y in zip(pa.inputs, pb.inputs))


def _derived_from(a, b, producer: dict) -> bool:
    """Whether a is b, or a view of (or an in-place write into) b, through the ops that made a."""
    seen = 0
    while a is not None and seen < 64:
        if a.id == b.id:
            return True
        op = producer.get(a.id)
        if op is None or not (PRIMITIVES[op.prim].view or op.prim in _WRITES) or not op.inputs:
            return False
        a = op.inputs[0]
        seen += 1
    return False
