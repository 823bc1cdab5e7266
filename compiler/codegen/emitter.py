"""IR -> Python source, in two renderings of the same IR: *readable* (array-level NumPy with the
user's names, `d<name>` adjoints and the original line as a comment) and *lowered* (what Numba
compiles: the same statements, with reductions over axes and other NumPy forms Numba lacks turned
into generated loop helpers)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis import _VIEW_PRIMS, Analysis, facts_of, walk_ops
from ..errors import InternalCompilerError
from ..ir import For, Function, If, Op, Value, While, print_function
from ..primitives import PRIMITIVES, is_advanced
from .gather import UNSHARED_HELPER, put_helper, readable_index, region_helper
from .bounds import BoundsMixin
from .control import ControlEmitter
from .loops import GroupEmitter
from .outline import outline
from .ops import OpRenderer
from .scans import ScanRenderer  # cumsum, cumprod, argsort (primitives/scans.py)
from .tapeinfo import tape_summary
from .text import ATOM, Expr, safe_ident as _safe_ident, tuple_text as _tuple_text


@dataclass
class Rendering:
    """Generated module text plus the names of its entry points."""

    source: str
    entry: str
    helpers: list = field(default_factory=list)
    nests: list = field(default_factory=list)  # the fused loop nests rendered, in order (lowered)


class _Emitter(ControlEmitter, OpRenderer, ScanRenderer, GroupEmitter, BoundsMixin, Analysis):
    """Renders one function. Its facts about the IR (uses, liveness, inlining, buffer sharing) are
    those of compiler/analysis.py; what it adds is naming and text."""

    def __init__(self, fn: Function, lowered: bool):
        # the facts the loop plans were made from, when fn has plans (shared: rendering only reads them)
        vars(self).update(vars(facts_of(fn, lowered)))
        self.fn = fn
        self.helpers: dict[str, str] = {}
        self.names: dict[int, str] = {}
        self.exprs: dict[int, Expr] = {}
        self.holder: dict[str, Value] = {}
        self._fresh_next: dict[str, int] = {}  # loops._fresh: the next version to try per base name
        self.counter = {"_t": 0, "_d": 0}
        self.tapes: dict[str, Value] = {}
        self.ragged = ragged_tapes(fn)  # tapes whose entries may differ in extent (below)
        self.reserved: set = set()
        self.capacity: dict = {}
        self._loop_depth = 0
        self._trips: list = []  # enclosing loops: (node, all their trips as text, or None) (control.py)
        self.parallel = False
        self.emitted_groups: set = set()
        self._g = None
        # workspace: allocation sites (numbered in emission order) whose buffers die with the call
        self.nests: list = []  # the loop nests rendered (passes/loopnest.LoopNest), in order
        self.loop_buffers: list = []  # arrays of nests inside loops, made once at the top (codegen/loops.py)
        self.uses_workspace = False

    def name_for(self, v: Value, k: int, role: str, avoid: frozenset = frozenset()) -> str:
        base = v.hint
        if base is None:
            prefix = "_d" if role == "adjoint" else "_t"
            base = f"{prefix}{self.counter[prefix]}"
            self.counter[prefix] += 1
        base = _safe_ident(base)
        candidate, n = base, 0
        while True:
            w = self.holder.get(candidate)
            if w is None:
                break
            dead = (not self.has_control_flow and self.last_use.get(w.id, -1) <= k and w.type == v.type
                    and w not in self.fn.params)
            if dead and candidate not in avoid:
                break
            n += 1
            # parallel lowering: Numba's parfor pass renames x.1 to x_1, so our versions must not be x_1
            candidate = f"{base}__{n}" if self.parallel else f"{base}_{n}"
        self.holder[candidate] = v
        return candidate

    def ref(self, v: Value) -> Expr:
        if v.id in self.exprs:
            return self.exprs[v.id]
        if v.id in self.names:
            return Expr(self.names[v.id])
        raise InternalCompilerError(f"{v!r} used before it is rendered", print_function(self.fn))

    def operand(self, v: Value, min_prec: int, f32: bool = False) -> str:
        e = self.ref(v)
        text = e.text
        prec = e.prec
        if f32 and v.type.kind == "scalar" and v.type.weak:
            return f"np.float32({text})"
        return f"({text})" if prec < min_prec else text

    # ---------------------------------------------------------------- statements
    def emit_function(self, name: str) -> str:
        params = [p.hint for p in self.fn.params]
        for p in self.fn.params:
            self.names[p.id] = p.hint
            self.holder[p.hint] = p
        self._last_comment = None
        self._role = None
        # sweep headers where a reverse sweep follows the forward one; tangents (forward mode) run
        # alongside whichever sweep they are in, so a JVP has no headers at all
        self._sweeps = any(o.role in ("adjoint", "replay") for o in walk_ops(self.fn.body))
        body: list[str] = []
        self.emit_block(self.fn.body, body)
        body.append(f"return {self.render_results()}")
        decls = []
        for tape, v in self.tapes.items():
            if not self.lowered:
                decls.append(f"{tape} = []")
                continue
            dt = "bool_" if v.type.dtype == "bool" else v.type.dtype
            if tape in self.ragged:  # a flat buffer, its end, and per entry (start, end, extents)
                decls.append(f"{tape} = _alloc.empty((0,), np.{dt})")
                decls.append(f"_o{tape} = 0")
                decls.append(f"_r{tape} = _alloc.empty((0, {v.type.rank + 2}), np.int64)")
            else:
                decls.append(f"{tape} = _alloc.empty({_tuple_text(['0'] * (v.type.rank + 1))}, np.{dt})")
            decls.append(f"_n{tape} = 0")
        if self.loop_buffers:
            body = ["# loop temporaries: made once, reused by every iteration"] + self.loop_buffers + body
        if decls:
            body = (["# tapes: one stack per value the reverse sweep reads from inside a loop or branch"]
                    + tape_summary(self.fn) + decls + body)
        # temporaries come from the call's workspace (planned by passes/workspace.py)
        self.uses_workspace = (any(w == "workspace" for n in self.fn.nests.values() for w in n.alloc.values())
                               or any(op.attrs.get("workspace") for op in self.fn.ops() if op.prim == "matmul"))
        if self.lowered and self.uses_workspace:
            params += ["_ws", "_wst"]  # the workspace (runtime/alloc.take) and its offsets
            body = ["_wst[0] = 0", "_wst[1] = 0"] + body  # offset and high-water mark start at 0
        head = f"def {name}({', '.join(params)}):"
        return head + "\n" + "\n".join("    " + line for line in body)

    def comment(self, node, out: list) -> None:
        role = node.role
        if role == "tangent":
            role = self._role or "primal"
        if role != self._role:
            self._role = role
            if self._sweeps:
                header = {"primal": "forward sweep", "adjoint": "reverse sweep", "tangent": "tangent sweep",
                          "replay": "replay this segment forward, recording its tape"}[role]
                out.append(f"# --- {header} ---")
            self._last_comment = None
        loc = node.loc
        stmt = loc.stmt if loc else None
        if stmt and stmt != self._last_comment:
            lines = stmt.splitlines()
            if not isinstance(node, Op) or stmt.startswith(("for ", "while ", "if ")):
                lines = lines[:1]  # a compound statement: its header line stands for it
            if loc.func and loc.func != self.top_name:  # a line of a function that was inlined here
                lines = [f"in {loc.func}(): {lines[0]}"] + lines[1:]
            out.extend("# " + line for line in lines)
            self._last_comment = stmt

    def emit_block(self, block, out: list) -> None:
        for node in block.ops:
            if isinstance(node, Op):
                self.emit_op(node, out)
            elif isinstance(node, If):
                self.emit_if(node, out)
            elif isinstance(node, For):
                self.emit_for(node, out)
            elif isinstance(node, While):
                self.emit_while(node, out)

    def emit_op(self, op: Op, out: list) -> None:
        k = self.def_pos[op.out.id]
        gid = op.attrs.get("group")
        if gid is not None:
            if gid not in self.emitted_groups:  # the whole group is emitted at its first member
                self.emitted_groups.add(gid)
                self.emit_group(self.fn.nests[gid], out)
            return
        if op.out.id in self.inlined:
            self.exprs[op.out.id] = self.render(op)
            return
        if op.prim == "tape_push":
            self.emit_tape_push(op, out)
            return
        self.comment(op, out)
        if op.prim == "tape_pop":
            tape = op.attrs["tape"]
            target = self.name_for(op.out, k, op.role)
            self.names[op.out.id] = target
            if not self.lowered:
                out.append(f"{target} = {tape}.pop()")
                return
            out.append(f"_n{tape} -= 1")
            if tape in self.ragged:  # the entry's elements, at the extents it was recorded with
                row = f"_r{tape}[_n{tape}, "
                extents = _tuple_text([f"{row}{2 + a}]" for a in range(op.out.type.rank)])
                out.append(f"_o{tape} = {row}0]")  # the next push (a replayed segment) starts here
                out.append(f"{target} = {tape}[_o{tape}:{row}1]].reshape({extents})")
                return
            out.append(f"{target} = {tape}[_n{tape}]")
            return
        if op.prim == "check":  # a run-time assert (or NumPy's error): raised where Python raises it
            msg, exc = op.attrs.get("msg"), op.attrs.get("exc", "AssertionError")
            out.append(f"if not {self.operand(op.inputs[0], 0)}:")
            out.append(f"    raise {exc}({msg!r})" if msg is not None else f"    raise {exc}()")
            return
        if op.prim in ("index_add", "index_update"):
            out.extend(self.emit_index_write(op, k))
            return
        if self.lowered and op.out.type is not None and op.out.type.kind == "scalar" and PRIMITIVES[op.prim].elementwise:
            target = self.name_for(op.out, k, op.role)  # scalar arithmetic: Python operators, not np calls
            text = self.render_elementwise(op, self.operand, scalar=True).text
            self.names[op.out.id] = target
            out.append(f"{target} = {text}")
            return
        expr = self.render(op)
        target = self.name_for(op.out, k, op.role)
        self.names[op.out.id] = target
        text = expr.text
        if op.out.id in self.copy_views and self.lowered and op.attrs.get("hoisted_copy"):
            text = f"_alloc.copy_into{op.out.type.rank}({text}, {self.loop_buffer(op.out)})"  # passes/loopbuffers.py
        elif op.out.id in self.copy_views:
            text = f"{self.operand_expr(expr)}.copy()"
        out.append(f"{target} = {text}")

    def emit_tape_push(self, op: Op, out: list) -> None:
        """A value recorded for the reverse sweep: appended (readable), or stored at _n<tape> of a
        growable buffer (lowered) by runtime/tape's inlined push helpers."""
        v = op.inputs[0]
        tape = op.attrs["tape"]
        self.tapes[tape] = v
        if not self.lowered:  # an array is recorded by value: later writes must not reach the tape
            out.append(f"{tape}.append({self.operand(v, ATOM)}.copy())" if v.type.rank
                       else f"{tape}.append({self.operand(v, 0)})")
            return
        value = self.operand(v, 0)
        cap = self.capacity.get(tape, "0")
        if tape in self.ragged:  # entries of their own extents
            out.extend(self.ragged_push(tape, self.operand(v, ATOM), v.type.rank, cap))
            return
        if tape in self.reserved:  # room for every push: a store
            out.append(f"{tape}[_n{tape}] = {value}")
            out.append(f"_n{tape} += 1")
            return
        if not v.type.rank:  # a scalar: grown when full, then stored (a call here costs a reference count per push)
            out.append(f"if _n{tape} == {tape}.shape[0]:")
            out.append(f"    {tape} = _tape.grow_scalar({tape}, _n{tape})")
            out.append(f"{tape}[_n{tape}] = {value}")
        elif v.type.rank <= 3:  # one inlined call, not a branch and a copy loop (blocks cost Numba's SSA pass)
            out.append(f"{tape} = _tape.push_row{v.type.rank}({tape}, _n{tape}, {value}, {cap})")
        else:  # a value of rank 4 or more: the branch and a row copy as a loop nest written out
            out.append(f"if _n{tape} == {tape}.shape[0]:")
            out.append(f"    {tape} = _tape.grow_array({tape}, _n{tape}, {value}, {cap})")
            ix = [f"_j{a}" for a in range(v.type.rank)]
            ind = ""
            for a in range(v.type.rank):
                out.append(f"{ind}for {ix[a]} in range({self.operand(v, ATOM)}.shape[{a}]):")
                ind += "    "
            out.append(f"{ind}{tape}[_n{tape}, {', '.join(ix)}] = {self.operand(v, ATOM)}[{', '.join(ix)}]")
        out.append(f"_n{tape} += 1")

    def ragged_push(self, tape: str, value: str, rank: int, cap: str) -> list[str]:
        """A push onto a ragged tape (see ragged_tapes), inlined: entry n's row of _r<tape> gets
        (start, end, extents), its elements go to <tape>[start:end] (C order) and _o<tape> moves
        to the end; the buffer and the rows grow by runtime/tape's grow_flat and grow_rows."""
        n, rows, end = f"_n{tape}", f"_r{tape}", f"_o{tape}"
        ix = [f"_j{a}" for a in range(rank)]
        lines = [f"if {n} == {rows}.shape[0]:",
                 f"    {rows} = _tape.grow_rows({rows}, {n}, {cap})",
                 f"{rows}[{n}, 0] = {end}",
                 f"{end} += {value}.size",
                 f"if {end} > {tape}.shape[0]:",
                 f"    {tape} = _tape.grow_flat({tape}, {rows}[{n}, 0], {end}, {cap} * {value}.size)",
                 f"{rows}[{n}, 1] = {end}"]
        lines += [f"{rows}[{n}, {2 + a}] = {value}.shape[{a}]" for a in range(rank)]
        view = f"{tape}[{rows}[{n}, 0]:{end}]"
        if rank > 1:
            view += f".reshape({_tuple_text([f'{value}.shape[{a}]' for a in range(rank)])})"
        lines.append(f"_w{tape} = {view}")  # the entry's place, copied into element by element
        ind = ""
        for a in range(rank):
            lines.append(f"{ind}for {ix[a]} in range({value}.shape[{a}]):")
            ind += "    "
        lines.append(f"{ind}_w{tape}[{', '.join(ix)}] = {value}[{', '.join(ix)}]")
        lines.append(f"{n} += 1")
        return lines

    def operand_expr(self, e: Expr) -> str:
        return e.text if e.prec >= ATOM else f"({e.text})"

    def emit_index_write(self, op: Op, k: int) -> list[str]:
        base, val = op.inputs[0], op.inputs[1]
        lines = []
        f32 = op.out.type.dtype == "float32"
        sym = "+=" if op.prim == "index_add" else "="
        if op.out.id in self.inplace and base.id in self.names:
            target = self.names[base.id]
            self.names[op.out.id] = target
            self.holder[target] = op.out  # the name now holds the written array: not free to reuse
        else:
            # two statements: the target must not take the name of a value the second one still reads
            avoid = frozenset(self.names.get(v.id, "") for v in op.inputs)
            target = self.name_for(op.out, k, op.role, avoid)
            self.names[op.out.id] = target
            lines.append(f"{target} = {self.operand(base, ATOM)}.copy()")
        if is_advanced(op.attrs["index"]):  # an index array: codegen/gather.py
            return lines + self.advanced_write(op, target)
        checks: list = []  # lowered code: the index items that need a check, checked once (codegen/bounds.py)
        index = self.render_index(op.attrs["index"], op.inputs, op, checks)
        lines.extend(checks)
        ints_only = all(it[0] == "int" for it in op.attrs["index"])
        shared = self._may_overlap(val, base, target)
        if self.lowered and val.type.kind == "array" and ints_only:
            # a row written element by element: Numba compiles `a[i] = row` (a broadcasting setitem)
            # far more slowly than this loop nest
            rank = val.type.rank
            lines.extend(self.extent_checks(val, self.operand(val, ATOM), target, op.out.type.rank - rank))
            if shared:  # `A[0] = A[0][::-1]`: NumPy reads the row as it was before the write
                self.helpers[UNSHARED_HELPER[0]] = UNSHARED_HELPER[1]
                row = self._fresh_view()
                region = f"{target}[{index}]" if op.attrs["index"] else target
                lines.append(f"{row} = _unshared({region}, {self.operand(val, ATOM)})")
                val_text = row
            else:
                val_text = self.operand(val, ATOM)
            ix = [f"_j{a}" for a in range(rank)]
            ind = ""
            for a in range(rank):
                lines.append(f"{ind}for {ix[a]} in range({self.operand(val, ATOM)}.shape[{a}]):")
                ind += "    "
            head = [index] if op.attrs["index"] else []  # no index items: the whole array
            lines.append(f"{ind}{target}[{', '.join(head + ix)}] {sym} {val_text}[{', '.join(ix)}]")
            return lines
        region = self._static_region(op) if self.lowered and val.type.kind == "array" else None
        if region is not None and region == tuple(self.fn.avals[val.id].shape) and not shared:
            # (a view, an argument or the written array itself might overlap the region: region_write)
            # a slice region of the value's own (static) shape: element by element through a view,
            # not Numba's broadcasting setitem (which compiles its error formatting in every process)
            view = self._fresh_view()
            lines.append(f"{view} = {target}[{index}]")
            rank = val.type.rank
            ix = [f"_j{a}" for a in range(rank)]
            ind = ""
            for a in range(rank):
                lines.append(f"{ind}for {ix[a]} in range({region[a]}):")
                ind += "    "
            lines.append(f"{ind}{view}[{', '.join(ix)}] {sym} {self.operand(val, ATOM)}[{', '.join(ix)}]")
            return lines
        region_rank = op.out.type.rank + sum((it[0] == "none") - (it[0] == "int") for it in op.attrs["index"])
        if self.lowered and val.type.kind == "array" and val.type.rank <= region_rank:
            return lines + self.region_write(op, target, index, region_rank)  # codegen/gather.py
        lines.append(f"{target}[{index or '...'}] {sym} {self.operand(val, 0, f32)}")
        return lines

    def region_write(self, op: Op, target: str, index: str, rank: int) -> list[str]:
        """x[index] = v / x[index] += v (int and slice items, an array v) in lowered code: a view of the
        region and a generated element loop (Numba's array setitem compiles seconds of message formatting)."""
        val = op.inputs[1]
        name, text = region_helper(rank, val.type.rank, op.prim == "index_add")
        self.helpers[name] = text
        region = target
        lines = []
        if index:
            region = self._fresh_view()
            lines.append(f"{region} = {target}[{index}]")
        value = self.operand(val, 0, op.out.type.dtype == "float32")
        if self._may_overlap(val, op.inputs[0], target):  # it may overlap the region:
            # NumPy reads it as it was before (x[:] += x, np.add.at(x, idx, x) write into their own values)
            self.helpers[UNSHARED_HELPER[0]] = UNSHARED_HELPER[1]
            value = f"_unshared({region}, {value})"
        return lines + [f"{name}({region}, {value})"]

    def _may_overlap(self, val: Value, base: Value, target: str) -> bool:
        """Whether an array written into `base` (named `target`) may share memory with it: a view, an
        argument, the array itself, or a value in the same buffer (dA = d.T; dA[::-1] += d)."""
        return val.type.kind == "array" and (self._is_view(val) or val in self.fn.params or val is base
                                             or self.names.get(val.id) == target
                                             or self.root.get(val.id, val.id) == self.root.get(base.id, base.id))

    def _static_region(self, op: Op):
        """The static shape of the region x[index] an index_update/index_add writes (int and slice
        items whose bounds are known), else None."""
        index = op.attrs["index"]
        if not index or any(it[0] not in ("int", "slice") for it in index):
            return None
        from ..primitives.arrays import _index_shape

        base = self.fn.avals.get(op.inputs[0].id)
        ints = [self.fn.avals[v.id].value if v.id in self.fn.avals else None for v in op.inputs[1:]]
        try:
            shape = _index_shape(base, index, ints)
        except Exception:
            return None
        return shape if all(isinstance(d, int) for d in shape) else None

    def _fresh_view(self) -> str:
        k = self.counter.get("_w", 0)
        self.counter["_w"] = k + 1
        return f"_w{k}"

    def advanced_write(self, op: Op, target: str) -> list[str]:
        """x[idx] = v (index_update) or np.add.at(x, idx, v) (index_add) with an index array."""
        ins, add = op.inputs, op.prim == "index_add"
        index = tuple((it[0],) + tuple(None if k is None else k - 1 for k in it[1:]) for it in op.attrs["index"])
        val = ins[1]
        f32 = op.out.type.dtype == "float32"
        if not self.lowered:
            items = readable_index(index, lambda k: self.operand(ins[k + 1], 0), for_add_at=add)
            if add:
                return [f"np.add.at({target}, {items}, {self.operand(val, 0, f32)})"]
            return [f"{target}[{items}] = {self.operand(val, 0, f32)}"]
        name, text = put_helper(ins[0].type.rank, index, {k: ins[k + 1].type.rank for k in range(1, len(ins) - 1)},
                                None if val.type.kind == "scalar" else val.type.rank, add)
        self.helpers[name] = text
        self.use_bounds_helper("_ix")
        value = self.operand(val, 0, f32)
        if self._may_overlap(val, ins[0], target):
            # it may overlap x (np.add.at(W, idx, W[:3])): NumPy reads the values as they were before
            self.helpers[UNSHARED_HELPER[0]] = UNSHARED_HELPER[1]
            value = f"_unshared({target}, {value})"
        args = [target, value] + [self.operand(v, 0) for v in ins[2:]]
        return [f"{name}({', '.join(args)})"]

    def render_results(self) -> str:
        outs = []
        seen = set()
        for r in self.fn.results:
            text = self.operand(r, 0)
            op = self.producer.get(r.id)
            fresh = op is not None and op.prim not in _VIEW_PRIMS and r.id not in seen
            if r.type.kind == "array" and not fresh:
                text = f"np.ascontiguousarray({text}).copy()" if op is not None and op.prim == "broadcast_to" else f"{self.operand(r, ATOM)}.copy()"
            seen.add(r.id)
            outs.append(text)
        return ", ".join(outs) if len(outs) > 1 else outs[0]


def ragged_tapes(fn: Function) -> set:
    """The tapes whose entries may differ in extent from one push to the next: those recording an
    array with an extent known only at run time (a slice or a gather of data-dependent length). Compiled
    code records them as one flat buffer plus each entry's start, end and extents; every other tape
    holds rows of the one static shape. (Not decided: whether a run-time extent is the same at
    every iteration; such a value goes on a ragged tape too.)"""
    out = set()
    for op in walk_ops(fn.body):
        if op.prim == "tape_push" and op.inputs[0].type.rank:
            a = fn.avals.get(op.inputs[0].id)
            if a is None or a.shape is None or any(not isinstance(d, int) for d in a.shape):
                out.add(op.attrs["tape"])
    return out


def render(fn: Function, name: str, lowered: bool = False, top_name: str | None = None,
           parallel: bool = False) -> Rendering:
    """Python source for `fn` as one function `name` (plus loop helpers when lowered). The lowered
    rendering takes IR that passes/pipeline.lower has lowered (its fusion groups, planned as loop
    nests in fn.nests, are printed by codegen/loops.py).
    parallel=True: top-level loop nests run their outer loop with numba.prange."""
    em = _Emitter(fn, lowered)
    em.parallel = parallel and lowered
    em.top_name = top_name or fn.name
    text = em.emit_function(name)
    helpers = [em.helpers[k] for k in sorted(em.helpers)]
    if lowered and not em.parallel:  # a large function: parts Numba compiles one by one (outline.py)
        text, parts = outline(text, name)
        helpers += parts
    return Rendering(text, name, helpers, em.nests)
