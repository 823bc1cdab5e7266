"""IR -> Python source, in two renderings of the same IR: *readable* (array-level NumPy with the
user's names, `d<name>` adjoints and the original line as a comment) and *lowered* (what Numba
compiles: the same statements, with reductions over axes and other NumPy forms Numba lacks turned
into generated loop helpers)."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InternalCompilerError
from ..ir import (For, Function, If, Op, Value, While, block_yields, node_inputs, print_function, verify, walk)
from ..primitives import PRIMITIVES, REDUCTIONS, SIMD, WRITES, is_advanced
from .gather import put_helper, readable_index
from .bounds import BoundsMixin
from .control import ControlEmitter
from .loops import GroupEmitter
from .ops import OpRenderer
from .scans import ScanRenderer  # cumsum, cumprod, argsort (primitives/scans.py)
from .tapeinfo import tape_summary
from .text import ALLOC_MARK, ATOM, MAX_INLINE_DEPTH, Expr, safe_ident as _safe_ident, tuple_text as _tuple_text

_REDUCTIONS = REDUCTIONS
SIMD_FUNCTIONS = tuple(SIMD)  # the primitives with a libmvec kernel (their rows' `simd`)
_VIEW_PRIMS = frozenset(name for name, p in PRIMITIVES.items() if p.view)
_EXPRESSION_ONLY = {"const"}


@dataclass
class Rendering:
    """Generated module text plus the names of its entry points."""

    source: str
    entry: str
    helpers: list = field(default_factory=list)
    nests: list = field(default_factory=list)  # the fused loop nests planned (lowered rendering)


class _Emitter(ControlEmitter, OpRenderer, ScanRenderer, GroupEmitter, BoundsMixin):
    def __init__(self, fn: Function, lowered: bool):
        self.fn = fn
        self.lowered = lowered
        self.helpers: dict[str, str] = {}
        self.uses: dict[int, int] = {}
        self.last_use: dict[int, int] = {}
        self.producer: dict[int, Op] = {}
        self.def_pos: dict[int, int] = {}
        self.names: dict[int, str] = {}
        self.exprs: dict[int, Expr] = {}
        self.holder: dict[str, Value] = {}
        self.counter = {"_t": 0, "_d": 0}
        self.user_of: dict[int, Op] = {}
        self.block_of: dict[int, int] = {}  # value id -> id of the block whose op defines it
        self.tapes: dict[str, Value] = {}
        self.has_control_flow = any(not isinstance(n, Op) for n in walk(fn.body))
        self._pos = 0
        self._raw_uses: list = []  # (value, position, loop stack)
        self.loop_range: dict[int, tuple] = {}
        for p in fn.params:
            self.def_pos[p.id] = -1
        self._number(fn.body, ())
        end = self._pos
        for r in fn.results:
            self._raw_uses.append((r, end, ()))
        for v, q, loops in self._raw_uses:
            self.uses[v.id] = self.uses.get(v.id, 0) + 1
        self.written = {n.inputs[0].id for n in walk_ops(fn.body) if n.prim in WRITES}
        # An inlined expression is evaluated where its user is: its inputs live until then.
        self.inlined = {op.out.id for op in walk_ops(fn.body) if self.inlinable(op)}
        self._limit_depth()
        effective = {}
        for v, q, loops in self._raw_uses:
            q = self._effective(v, q, loops)
            self.last_use[v.id] = max(self.last_use.get(v.id, -1), q)
        # uses by an inlined op happen where its (single) user is
        for op in reversed(list(walk_ops(fn.body))):
            if op.out.id in self.inlined:
                at = self.last_use.get(op.out.id, self.def_pos[op.out.id])
                effective[op.out.id] = at
                for i in op.inputs:
                    self.last_use[i.id] = max(self.last_use.get(i.id, -1), at)
        self.root: dict[int, int] = {}
        self.reserved: set = set()
        self.capacity: dict = {}
        self._loop_depth = 0
        self.parallel = False
        self.foreign: set = {p.id for p in fn.params}
        self.copy_views: set = set()
        self.emitted_groups: set = set()
        self._g = None
        # workspace: allocation sites (numbered in emission order) whose buffers die with the call
        self.allocations: list = []
        self.buffer_of: dict = {}  # value id -> allocation site of the buffer it lives in
        self.nests: list = []  # the planned loop nests (codegen/loopnest.LoopNest), in order
        self.uses_workspace = False

    def _number(self, block, loops: tuple) -> None:
        for node in block.ops:
            pos = self._pos
            self._pos += 1
            for v in node_inputs(node):
                self._raw_uses.append((v, pos, loops))
            if isinstance(node, Op):
                for o in node.outputs:
                    self.producer[o.id] = node
                    self.def_pos[o.id] = pos
                    self.block_of[o.id] = id(block)
                for i in node.inputs:
                    self.user_of[i.id] = node if self.user_of.get(i.id) is None else _MANY
                continue
            for v in node_inputs(node):
                self.user_of[v.id] = _MANY
            inner_loops = loops + (id(node),) if isinstance(node, (For, While)) else loops
            if isinstance(node, For):
                for v in [node.index] + list(node.carried):
                    self.def_pos[v.id] = pos
            if isinstance(node, While):
                for v in node.carried:
                    self.def_pos[v.id] = pos
            for b, ys in block_yields(node):
                self._number(b, inner_loops)
                q = self._pos
                for y in ys:
                    self._raw_uses.append((y, q, inner_loops))
                    self.user_of[y.id] = _MANY
            end = self._pos
            self._pos += 1
            self.loop_range[id(node)] = (pos, end)
            for o in node.outputs:
                self.def_pos[o.id] = end

    def _effective(self, v: Value, q: int, loops: tuple) -> int:
        """A use inside a loop of a value defined outside it lasts until the loop ends."""
        d = self.def_pos.get(v.id, -1)
        for lid in loops:  # outermost first
            start, end = self.loop_range.get(lid, (q, q))
            if d < start:
                return max(q, end)
        return q

    # ---------------------------------------------------------------- naming and inlining
    def inlinable(self, op: Op) -> bool:
        v = op.out
        if "group" in op.attrs:
            return False  # a member of a fused loop: the group decides (codegen/loops.py)
        if op.prim in _EXPRESSION_ONLY:
            return True
        if self.uses.get(v.id, 0) != 1 or any(v is r for r in self.fn.results):
            return False
        # The readable rendering keeps every named value and every statement; the lowered one fuses
        # a single-use elementwise value into its consumer's loop across statements (same block).
        if self.lowered and op.prim == "outer" and op.inputs[0].type.dtype != op.inputs[1].type.dtype:
            return False  # a whole np.outer call (mixed dtypes): a statement, never re-evaluated per element
        fuse_across = self.lowered and (PRIMITIVES[op.prim].elementwise or op.prim == "outer") and not self.vector_math(op)
        if v.hint is not None and not fuse_across:
            return False
        if op.prim in ("index_add", "index_update", "zeros_like", "zeros", "ones", "ones_like", "full"):
            return False
        user = self.user_of.get(v.id)
        if user is None or user is _MANY or user.role != op.role or user.prim in ("index_add", "index_update", "tape_push"):
            return False
        if self.block_of.get(user.out.id) != self.block_of.get(v.id):
            return False
        if op.prim in ("tape_pop", "tape_push", "index_update", "trip_count"):
            return False
        if op.prim in _VIEW_PRIMS and op.inputs[0].id in self.written:
            return False  # a read of an array written in place stays where it is, before the write
        if not fuse_across and (user.loc.stmt if user.loc else None) != (op.loc.stmt if op.loc else None):
            return False
        if self.lowered:
            # Lowered code fuses elementwise trees into the loop of their consumer; anything else
            # (BLAS calls, views, allocations) is its own statement.
            into_loop = self.loopable(user) and (PRIMITIVES[user.prim].elementwise or user.prim in _REDUCTIONS)
            fusable = PRIMITIVES[op.prim].elementwise or op.prim in ("broadcast_to", "outer")
            if self.vector_math(op):
                return False  # its own loop: the argument, then one SIMD pass over the buffer
            return into_loop if fusable else not self.loopable(user) and user.prim != "broadcast_to"
        return True

    def _limit_depth(self) -> None:
        """An inlined chain deeper than MAX_INLINE_DEPTH is cut by naming a value: a 1000-term sum
        renders as statements of bounded depth (Python's parser, compile() and the emitters recurse
        on expression depth)."""
        depth: dict[int, int] = {}
        for op in walk_ops(self.fn.body):
            d = 1 + max((depth.get(i.id, 0) for i in op.inputs if i.id in self.inlined), default=0)
            if op.out.id in self.inlined and d > MAX_INLINE_DEPTH:
                self.inlined.discard(op.out.id)
                d = 0
            depth[op.out.id] = d

    def vector_math(self, op: Op) -> bool:
        """A transcendental over a float array: computed by a libmvec kernel (runtime/simd.py)."""
        return (self.lowered and op.prim in SIMD_FUNCTIONS and op.out.type is not None
                and op.out.type.kind == "array" and op.out.type.dtype in ("float32", "float64"))

    def loopable(self, op: Op) -> bool:
        """Whether the lowered rendering turns this op into an explicit loop nest (needs every
        shape in its tree to be known, which a specialization with concrete shapes gives)."""
        if not self.lowered or op.out.type is None:
            return False
        p = PRIMITIVES[op.prim]
        if op.prim in _REDUCTIONS:
            x = op.inputs[0]
            compares = PRIMITIVES[op.prim].reduction.keep is not None  # its NaN test needs floats
            if x.type.kind != "array" or x.type.dtype not in ("float32", "float64") and compares:
                return False
        elif op.prim == "outer":
            pass  # out[i, j] = a[i] * b[j]: a loop nest, fused with its consumer
        elif not p.elementwise or op.prim == "astype" and op.out.type.kind == "scalar":
            return False
        if op.out.type.kind not in ("array", "scalar"):
            return False
        return all(d is not None for v in [op.out, *op.inputs] for d in self.fn.avals[v.id].shape)

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
    def escaping_allocations(self) -> set:
        """Allocation sites whose buffer a result may live in (after emit_function)."""
        out = set()
        for r in self.fn.results:
            for vid in (r.id, self.root.get(r.id, r.id)):
                if vid in self.buffer_of:
                    out.add(self.buffer_of[vid])
        for vid, rid in self.root.items():  # a view or in-place version of a buffer
            if rid in self.buffer_of:
                self.buffer_of.setdefault(vid, self.buffer_of[rid])
        for r in self.fn.results:
            if r.id in self.buffer_of:
                out.add(self.buffer_of[r.id])
        return out

    def emit_function(self, name: str) -> str:
        params = [p.hint for p in self.fn.params]
        for p in self.fn.params:
            self.names[p.id] = p.hint
            self.holder[p.hint] = p
        self._plan_buffers()
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
            decls.append(f"{tape} = _alloc.empty({_tuple_text(['0'] * (v.type.rank + 1))}, np.{dt})")
            decls.append(f"_n{tape} = 0")
        if decls:
            body = (["# tapes: one stack per value the reverse sweep reads from inside a loop or branch"]
                    + tape_summary(self.fn) + decls + body)
        if self.lowered and self.allocations:
            body = self._place_allocations(body)
        if self.lowered and self.uses_workspace:  # temporaries come from the call's workspace
            params += ["_ws", "_wst"]  # the workspace (runtime/alloc.take) and its offsets
            body = ["_wst[0] = 0", "_wst[1] = 0"] + body  # offset and high-water mark start at 0
        head = f"def {name}({', '.join(params)}):"
        return head + "\n" + "\n".join("    " + line for line in body)

    def _place_allocations(self, body: list) -> list:
        """Arrays that cannot outlive the call come from a workspace the caller keeps between
        calls (no page faults on fresh memory each time; 2x at 10^7 elements), the others are new.
        Known only once the whole function is rendered (which buffers a result lives in), so the
        loop nests mark their allocation sites and the marks are replaced here, in one rendering."""
        scratch = set() if self.has_control_flow else set(self.allocations) - self.escaping_allocations()
        self.uses_workspace = bool(scratch)

        def site(m) -> str:
            return "_alloc.take(_ws, _wst, " if int(m.group(1)) in scratch else "_alloc.empty("

        return [_ALLOC_SITE.sub(site, line) if ALLOC_MARK in line else line for line in body]

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
                self.emit_group(self.fn.groups[gid], out)
            return
        if op.out.id in self.inlined:
            self.exprs[op.out.id] = self.render(op)
            return
        if op.prim == "tape_push":
            v = op.inputs[0]
            tape = op.attrs["tape"]
            self.tapes[tape] = v
            if not self.lowered:  # an array is recorded by value: later writes must not reach the tape
                out.append(f"{tape}.append({self.operand(v, ATOM)}.copy())" if v.type.rank
                           else f"{tape}.append({self.operand(v, 0)})")
                return
            value = self.operand(v, 0)
            cap = self.capacity.get(tape, "0")
            grow = (f"_tape.grow_array({tape}, _n{tape}, {value}, {cap})" if v.type.rank
                    else f"_tape.grow_scalar({tape}, _n{tape})")
            if tape not in self.reserved:
                out.append(f"if _n{tape} == {tape}.shape[0]:")
                out.append(f"    {tape} = {grow}")
            if v.type.rank:  # a row copy as a loop nest (Numba compiles `tape[n] = row` slowly)
                out.extend(self.extent_checks(v, self.operand(v, ATOM), tape, 1, "_bounds.same_tape_extent"))  # rows of run-time extent
                ix = [f"_j{a}" for a in range(v.type.rank)]
                ind = ""
                for a in range(v.type.rank):
                    out.append(f"{ind}for {ix[a]} in range({self.operand(v, ATOM)}.shape[{a}]):")
                    ind += "    "
                out.append(f"{ind}{tape}[_n{tape}, {', '.join(ix)}] = {self.operand(v, ATOM)}[{', '.join(ix)}]")
            else:
                out.append(f"{tape}[_n{tape}] = {value}")
            out.append(f"_n{tape} += 1")
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
            out.append(f"{target} = {tape}[_n{tape}]")
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
        if op.out.id in self.copy_views:
            text = f"{self.operand_expr(expr)}.copy()"
        out.append(f"{target} = {text}")

    def operand_expr(self, e: Expr) -> str:
        return e.text if e.prec >= ATOM else f"({e.text})"

    # ---------------------------------------------------------------- buffers
    def _plan_buffers(self) -> None:
        """Which array writes happen in place and which views must be materialized: a write
        reuses its base's buffer when nothing else that shares the buffer is read afterwards.
        One pass in program order, so every view of a buffer is known when a write to it is planned."""
        root: dict[int, int] = {}
        members: dict[int, list] = {}
        self.root = root
        self.inplace: set = set()

        def find(vid: int) -> int:
            return root.get(vid, vid)

        for node in walk(self.fn.body):
            if not isinstance(node, Op):
                continue
            if node.prim in ("tape_pop", "broadcast_to"):  # tape rows and read-only broadcast views
                self.foreign.add(node.out.id)
            if node.prim in _VIEW_PRIMS and node.out.type.kind == "array":  # element reads are copies
                if node.inputs[0].id in self.foreign:  # a view of a read-only or caller's array
                    self.foreign.add(node.out.id)
                r = find(node.inputs[0].id)
                root[node.out.id] = r
                members.setdefault(r, []).append(node.out.id)
                continue
            if node.prim not in ("index_update", "index_add"):
                continue
            base = node.inputs[0]
            p = self.def_pos[node.out.id]
            r = find(base.id)
            if r in self.foreign or base.id in self.foreign or self.last_use.get(base.id, -1) > p:
                continue
            others = [m for m in members.get(r, []) + [r] if m != base.id]
            live = [m for m in others if self.def_pos.get(m, -1) < p and self.last_use.get(m, -1) > p]
            views = [m for m in live if m in root and self.producer.get(m) is not None
                     and self.producer[m].prim in _VIEW_PRIMS]
            if len(views) != len(live):
                continue
            self.copy_views.update(views)  # a view still read after the write gets its own copy
            self.inplace.add(node.out.id)
            root[node.out.id] = r
            members.setdefault(r, []).append(node.out.id)

    def _is_view(self, v: Value) -> bool:
        """Whether an array value lives in memory of another array (a view, or a write into one)."""
        op = self.producer.get(v.id)
        while op is not None and op.prim in ("index_update", "index_add") and op.out.id in self.inplace:
            op = self.producer.get(op.inputs[0].id)
        return op is not None and op.prim in _VIEW_PRIMS and op.out.type.kind == "array"

    def _shared(self, v: Value, at: int) -> bool:
        """Whether an array's buffer may be read or written elsewhere after position `at`."""
        r = self.root.get(v.id, v.id)
        if r in self.foreign or v.id in self.foreign:
            return True
        if self.last_use.get(v.id, -1) > at:
            return True
        return any(self.last_use.get(m, -1) > at for m, rr in self.root.items() if rr == r and m != v.id) or (
            r != v.id and self.last_use.get(r, -1) > at)

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
        if self.lowered and val.type.kind == "array" and ints_only:
            # a row written element by element: Numba compiles `a[i] = row` (a broadcasting setitem)
            # far more slowly than this loop nest
            rank = val.type.rank
            lines.extend(self.extent_checks(val, self.operand(val, ATOM), target, op.out.type.rank - rank))
            ix = [f"_j{a}" for a in range(rank)]
            ind = ""
            for a in range(rank):
                lines.append(f"{ind}for {ix[a]} in range({self.operand(val, ATOM)}.shape[{a}]):")
                ind += "    "
            head = [index] if op.attrs["index"] else []  # no index items: the whole array
            lines.append(f"{ind}{target}[{', '.join(head + ix)}] {sym} {self.operand(val, ATOM)}[{', '.join(ix)}]")
            return lines
        region = self._static_region(op) if self.lowered and val.type.kind == "array" else None
        if (region is not None and region == tuple(self.fn.avals[val.id].shape) and not self._is_view(val)
                and val not in self.fn.params):  # (a view or an argument might overlap the region)
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
        lines.append(f"{target}[{index or '...'}] {sym} {self.operand(val, 0, f32)}")
        return lines

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
        args = [target, self.operand(val, 0, f32)] + [self.operand(v, 0) for v in ins[2:]]
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


_ALLOC_SITE = re.compile(ALLOC_MARK + r"(\d+)" + ALLOC_MARK)
_MANY = object()  # a value with several users (or a control-flow user): never inlined


def walk_ops(block):
    for node in walk(block):
        if isinstance(node, Op):
            yield node


def render(fn: Function, name: str, lowered: bool = False, top_name: str | None = None,
           parallel: bool = False) -> Rendering:
    """Python source for `fn` as one function `name` (plus loop helpers when lowered). The lowered
    rendering takes IR that passes/pipeline.lower has lowered (its fusion groups become loop nests).
    parallel=True: top-level loop nests run their outer loop with numba.prange."""
    em = _Emitter(fn, lowered)
    em.parallel = parallel and lowered
    em.top_name = top_name or fn.name
    text = em.emit_function(name)  # once: the workspace's allocations are placed at its end
    return Rendering(text, name, [em.helpers[k] for k in sorted(em.helpers)], em.nests)
