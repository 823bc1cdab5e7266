"""Fused loop nests: how the lowered rendering emits one fusion group (see passes/fusion.py).

A group iterates over one shape S. Inside the loop every member is a scalar: a value used once is
inlined into its user's expression, a value used more than once is a local (`<name>_i`, "element i
of <name>"), a value read after the group is stored into its array, and a reduction accumulates
into a scalar (or a small array for a reduction over some axes). A member read by nothing outside
the group never gets an array.

SIMD transcendentals (libmvec kernels, runtime/simd.py) work on memory, so they split the loop
body into *stages*: stage s computes the arguments of its transcendentals into a buffer, the kernel
overwrites the buffer in place, and stage s+1 reads the results. When the last axis is long enough
the loop is strip-mined: each strip of STRIP elements runs every stage in turn, so the buffers are
small and stay in L1. Otherwise each stage is a full loop nest and its buffers are full arrays.

parallel=True (outside user loops): axis 0 is cut into _CHUNKS fixed chunks run with prange; a
reduction over axis 0 accumulates one partial result per chunk, combined in chunk order after the
loop, so gradients are identical from run to run whatever the thread count."""
from __future__ import annotations

from ..ir import Op, Value, scalar_type
from ..passes.fusion import Group
from ..primitives import PRIMITIVES
from .ops import combine_lines as _combine
from .loopnest import LoopNest
from .text import ALLOC_MARK, ATOM, MAX_INLINE_DEPTH, MUL, Expr, safe_ident as _ident, tuple_text as _tuple

STRIP = 512          # elements per strip: a float64 buffer of 4 KiB
MIN_STRIP_AXIS = 32  # a shorter last axis is not strip-mined (too many tiny kernel calls)


class GroupEmitter:
    """Mixin of codegen.emitter._Emitter: emit_group renders one fusion group."""

    def emit_group(self, g: Group, out: list) -> None:
        """Plan the group's loop nest (a LoopNest, checked by its verifier), then render it."""
        self.comment_group(g.members, out)
        nest = self.plan_group(g)
        nest.verify()
        self.nests.append(nest)
        out.extend(self.render_nest(nest))
        self._g = None

    # ------------------------------------------------------------------ planning
    def plan_group(self, g: Group) -> LoopNest:
        nest = LoopNest(g.gid, tuple(g.shape), list(g.members), dict(g.kinds))
        nest.k_last = max(self.def_pos[op.out.id] for op in g.members)
        nest.parallel = self.parallel and self._loop_depth == 0
        self._plan_stages(nest)
        self._plan_extents(nest)
        self._plan_storage(nest)
        for op in nest.members:  # reductions: accumulators
            if nest.kinds[op.out.id] == "reduce":
                nest.red[op.out.id] = self._reduction_plan(op, nest.shape, nest.dims, nest.parallel, nest.avoid,
                                                           nest.k_last, nest.pre, nest.post)
        # the loop body of each stage, as lines relative to the innermost loop
        idx = [f"_i{a}" for a in range(len(nest.shape))]
        self._g = {"ids": nest.ids, "kind": nest.kinds, "stage": nest.stage, "uniform": nest.uniform,
                   "storage": nest.storage, "outputs": nest.outputs, "internal": nest.internal, "idx": idx,
                   "S": nest.shape, "strip": nest.strip, "locals": {}, "red": nest.red, "deep": set()}
        self._cut_deep_chains(nest)
        for s in range(nest.nstages):
            nest.bodies.append(self._stage_body(nest.looped, s))
            nest.around.append((self._g["pre_inner"], self._g["post_inner"]))
        return nest

    def _plan_stages(self, nest: LoopNest) -> None:
        """Which members leave the group (outputs), which are computed once before the loop
        (uniform: every operand a scalar), and the stage of each looped member: as early as its
        operands allow, then elementwise values as late as their users allow."""
        kind = nest.kinds
        nest.ids = {op.out.id for op in nest.members}
        for op in nest.members:
            for i in op.inputs:
                if i.id in nest.ids:
                    nest.internal[i.id] = nest.internal.get(i.id, 0) + 1
        nest.outputs = {op.out.id for op in nest.members
                        if kind[op.out.id] == "reduce" or self.uses.get(op.out.id, 0) > nest.internal.get(op.out.id, 0)}
        for op in nest.members:
            operands = op.inputs[:1] if op.prim == "broadcast_to" else op.inputs
            if kind[op.out.id] != "reduce" and all(i.id in nest.uniform if i.id in nest.ids else i.type.rank == 0
                                                   for i in operands):
                nest.uniform[op.out.id] = ""
        nest.looped = [op for op in nest.members if op.out.id not in nest.uniform]
        avail: dict[int, int] = {}
        stage = nest.stage
        for op in nest.looped:
            s = max([avail.get(i.id, 0) for i in op.inputs if i.id in nest.ids], default=0)
            stage[op.out.id] = s
            avail[op.out.id] = s + (1 if kind[op.out.id] == "vector" else 0)
        users: dict[int, list] = {}
        for u in nest.looped:
            for i in {id(i): i for i in u.inputs}.values():
                users.setdefault(i.id, []).append(u)
        for op in reversed(nest.looped):
            if kind[op.out.id] == "elem":
                later = [stage[u.out.id] for u in users.get(op.out.id, ())]
                if later:
                    stage[op.out.id] = max(stage[op.out.id], min(later))
        nest.nstages = 1 + max(stage.values(), default=-1)
        nest.vectors = [op for op in nest.looped if kind[op.out.id] == "vector"]
        nest.strip = bool(nest.vectors) and nest.shape[-1] >= MIN_STRIP_AXIS

    def _plan_extents(self, nest: LoopNest) -> None:
        """The arrays the loop reads element by element (leaves), where each is read, and each
        axis's extent as text taken from an operand of that extent."""
        S, fn = nest.shape, self.fn
        sources: list = []
        for op in nest.members:
            st = nest.stage.get(op.out.id, 0)
            for n, i in enumerate(op.inputs):
                if i.id in nest.ids or i.type is None or i.type.kind != "array":
                    continue
                if op.prim == "broadcast_to" and n == 1:
                    continue
                nest.leaves[i.id] = i
                nest.reads_at[i.id] = max(nest.reads_at.get(i.id, 0), st)
                if op.prim == "outer" or tuple(fn.avals[i.id].shape) != S:
                    nest.misaligned.add(i.id)
            if op.prim == "broadcast_to":
                sources.append((self.operand(op.inputs[1], ATOM), S))
            elif op.prim == "outer":
                a, b = op.inputs
                sources.append((f"({self.operand(a, ATOM)}.shape[0], {self.operand(b, ATOM)}.shape[0])", S))
        sources = [(f"{self.operand(v, ATOM)}.shape", tuple(fn.avals[v.id].shape)) for v in nest.leaves.values()
                   if not any(op.prim == "outer" and v in op.inputs for op in nest.members)] + sources
        for a in range(len(S)):
            found = "1"
            for text, shape in sources:
                k = a - (len(S) - len(shape))
                if k >= 0 and shape[k] == S[a]:
                    found = f"{text}[{k}]"
                    break
            nest.dims.append(found)
        nest.avoid = frozenset(self.names.get(v.id, "") for v in nest.leaves.values())

    def _plan_storage(self, nest: LoopNest) -> None:
        """Arrays for outputs (reusing a leaf's buffer where safe), strip buffers or full arrays
        for values crossing a stage boundary, and the uniform members' once-computed values."""
        kind, stage, k_last = nest.kinds, nest.stage, nest.k_last
        crossing = {i.id for op in nest.looped for i in op.inputs
                    if i.id in stage and kind[i.id] == "elem" and stage[i.id] < stage[op.out.id]}
        reused: set = set()
        for op in nest.members:
            v = op.out
            if v.id in nest.uniform:
                name = self._fresh(f"{_ident(v.hint)}_all" if v.hint else "_u")
                nest.uniform[v.id] = name
                nest.pre.append(f"{name} = {self._uniform_expr(op, nest.uniform)}")
                if v.id in nest.outputs:
                    target = self.name_for(v, k_last, op.role, nest.avoid)
                    self.names[v.id] = target
                    nest.pre.append(f"{target} = _alloc.full({_tuple(nest.dims)}, {name}, np.{v.type.dtype})")
                continue
            if kind[v.id] == "reduce" or not (v.id in nest.outputs or v.id in crossing or kind[v.id] == "vector"):
                continue
            if v.id in nest.outputs:
                leaf = self._group_reusable(v, nest.leaves, nest.misaligned, nest.reads_at, stage[v.id], k_last, reused)
                if leaf is not None:
                    reused.add(leaf.id)
                    if leaf.id in self.buffer_of:
                        self.buffer_of[v.id] = self.buffer_of[leaf.id]
                    target = self.names[leaf.id]
                    self.holder[target] = v
                    self.names[v.id] = target
                    nest.storage[v.id] = target
                    if v.hint and not target.startswith(_ident(v.hint)):  # keep the user's name visible
                        nest.aliases.append((v, target))
                    continue
                target = self.name_for(v, k_last, op.role, nest.avoid)
                self.names[v.id] = target
                nest.pre.append(f"{target} = {self.allocate(v, nest.dims)}")
                nest.storage[v.id] = target
            elif nest.strip:
                name = self._fresh("_b")
                nest.buffers.append(f"{name} = _alloc.empty(({STRIP},), np.{v.type.dtype})")
                nest.storage[v.id] = name
            else:
                name = self._fresh(f"_{_ident(v.hint)}" if v.hint else "_f")
                nest.pre.append(f"{name} = {self.allocate(v, nest.dims)}")
                nest.storage[v.id] = name
        R = len(nest.shape)
        if nest.strip:
            for op in nest.vectors:
                v = op.out
                if v.id in nest.outputs and R > 1:
                    nest.flat[v.id] = self._fresh(f"{nest.storage[v.id]}_flat")
                    nest.pre.append(f"{nest.flat[v.id]} = {nest.storage[v.id]}.reshape({nest.storage[v.id]}.size)")

    # ------------------------------------------------------------------ rendering
    def render_nest(self, nest: LoopNest) -> list[str]:
        """The planned loop nest as lines: allocations, the (chunked, strip-mined) loops with each
        stage's body and SIMD kernel calls, the reductions' finishing lines, the user's names."""
        lines = list(nest.pre)
        if not nest.looped:  # everything was uniform: no loop at all
            return lines
        R, dims, par = len(nest.shape), nest.dims, nest.parallel
        idx = [f"_i{a}" for a in range(R)]
        reductions = [op for op in nest.members if nest.kinds[op.out.id] == "reduce"]
        ind = ""
        if par:
            lines.append("for _c in numba.prange(_CHUNKS):")
            ind = "    "
            for op in reductions:
                lines.extend(ind + x for x in nest.red[op.out.id]["chunk_init"])
        if nest.strip:
            lines.extend(ind + b for b in nest.buffers)
        lo_hi = (f"_c * {dims[0]} // _CHUNKS", f"(_c + 1) * {dims[0]} // _CHUNKS") if par else ("0", dims[0])

        def axis_loop(a: int, ind: str) -> str:
            if a == 0 and par:
                return f"{ind}for {idx[0]} in range({lo_hi[0]}, {lo_hi[1]}):"
            return f"{ind}for {idx[a]} in range({dims[a]}):"

        if nest.strip:
            lines.extend(self._render_strips(nest, idx, lo_hi, axis_loop, ind))
        else:
            base = ind
            for s in range(nest.nstages):
                ind = base
                for a in range(R):
                    if a == R - 1:
                        lines.extend(ind + x for x in nest.around[s][0])
                    lines.append(axis_loop(a, ind))
                    ind += "    "
                lines.extend(ind + x for x in nest.bodies[s])
                lines.extend(ind[4:] + x for x in nest.around[s][1])
                for op in nest.vectors:
                    if nest.stage[op.out.id] != s:
                        continue
                    target = nest.storage[op.out.id]
                    if par:
                        row = " * ".join(dims[1:]) or "1"
                        lines.append(f"{base}_simd.{op.prim}_range({target}.reshape({target}.size), "
                                     f"({lo_hi[0]}) * {row}, ({lo_hi[1]}) * {row})")
                    else:
                        lines.append(f"{base}_simd.{op.prim}_inplace({target})")
        if par:
            for op in reductions:
                lines.extend("    " + x for x in nest.red[op.out.id]["chunk_done"])
        lines.extend(nest.post)
        for v, target in nest.aliases:
            alias = self.name_for(v, nest.k_last, "primal", nest.avoid | {target})
            lines.append(f"{alias} = {target}")
            self.names[v.id] = alias
        return lines

    def _render_strips(self, nest: LoopNest, idx: list, lo_hi: tuple, axis_loop, ind: str) -> list[str]:
        """Strip-mined loops: the outer axes, then strips of STRIP elements along the last one,
        each running every stage in turn (its body, then its SIMD kernels on the strip buffers)."""
        lines: list[str] = []
        R, dims = len(nest.shape), nest.dims
        for a in range(R - 1):
            lines.append(axis_loop(a, ind))
            ind += "    "
        last = R - 1
        start, stop = (lo_hi if R == 1 else ("0", dims[last]))
        if R > 1 and nest.flat:
            row = " * ".join([f"({self._row_offset(idx, dims, R)})", dims[last]]) if R > 2 else f"{idx[0]} * {dims[1]}"
            lines.append(f"{ind}_o = {row}")
        lines.append(f"{ind}for _s in range({start}, {stop}, {STRIP}):")
        ind += "    "
        lines.append(f"{ind}_n = min({STRIP}, {stop} - _s)")
        for s in range(nest.nstages):
            lines.extend(ind + x for x in nest.around[s][0])
            lines.append(f"{ind}for _k in range(_n):")
            lines.append(f"{ind}    {idx[last]} = _s + _k")
            lines.extend(f"{ind}    {x}" for x in nest.bodies[s])
            lines.extend(ind + x for x in nest.around[s][1])
            for op in nest.vectors:
                if nest.stage[op.out.id] != s:
                    continue
                v = op.out
                if v.id in nest.flat:
                    lines.append(f"{ind}_simd.{op.prim}_range({nest.flat[v.id]}, _o + _s, _o + _s + _n)")
                elif v.id in nest.outputs:  # 1-D output array
                    lines.append(f"{ind}_simd.{op.prim}_range({nest.storage[v.id]}, _s, _s + _n)")
                else:
                    lines.append(f"{ind}_simd.{op.prim}_range({nest.storage[v.id]}, 0, _n)")
        return lines

    # ------------------------------------------------------------------ pieces
    def allocate(self, v: Value, dims: list) -> str:
        """The allocation of a full-size array for `v`, with a mark that emit_function replaces once
        the whole function is rendered: from the call's workspace when the buffer is known not to
        outlive the call, else a new array."""
        key = len(self.allocations)
        self.allocations.append(key)
        self.buffer_of[v.id] = key
        return f"{ALLOC_MARK}{key}{ALLOC_MARK}{_tuple(dims)}, np.{v.type.dtype})"

    def comment_group(self, members: list, out: list) -> None:
        """The source lines a fused loop computes, each once, under its sweep's header."""
        roles = list(dict.fromkeys(op.role for op in members))
        if self._sweeps and roles != [self._role]:
            names = {"primal": "forward", "adjoint": "reverse", "tangent": "tangent", "replay": "replay"}
            if len(roles) == 1:
                out.append(f"# --- {names[roles[0]]} sweep ---")
            else:
                out.append(f"# --- {' and '.join(names[r] for r in roles)} sweeps, fused ---")
        seen = set()
        for op in members:
            stmt = op.loc.stmt if op.loc else None
            if stmt and stmt not in seen:
                seen.add(stmt)
                self._role = op.role
                self.comment(op, out)
        self._role = roles[-1]

    def _fresh(self, base: str) -> str:
        """A name no value holds: for scalar locals and buffers of a fused loop."""
        name, n = base, 0
        while name in self.holder:
            n += 1
            # parallel lowering: Numba's parfor pass renames x.1 to x_1, so versions must not be x_1
            name = f"{base}__{n}" if self.parallel else f"{base}_{n}"
        self.holder[name] = Value(hint=name, type=scalar_type("float64"))
        return name

    @staticmethod
    def _row_offset(idx: list, dims: list, R: int) -> str:
        """Flat index of row (idx[0], ..., idx[R-2]) in a C array with extents dims (without the
        last extent's factor)."""
        text = idx[0]
        for a in range(1, R - 1):
            text = f"({text}) * {dims[a]} + {idx[a]}"
        return text

    def _group_reusable(self, v: Value, leaves: dict, misaligned: set, reads_at: dict, st: int, k: int,
                        taken: set):
        """An external array whose buffer this output may take over: same type and shape, owned (not
        an argument, view or tape row), read only element-aligned, in no later stage, dead after."""
        shape = self.fn.avals[v.id].shape
        for leaf in leaves.values():
            if leaf.id in taken or leaf.id in misaligned or leaf.type != v.type:
                continue
            if tuple(self.fn.avals[leaf.id].shape) != tuple(shape) or reads_at.get(leaf.id, 0) > st:
                continue
            if leaf.id in self.foreign or leaf.id in self.root or leaf.id not in self.names:
                continue
            if self.last_use.get(leaf.id, -1) > k:
                continue
            if any(r == leaf.id and self.last_use.get(m, -1) > k for m, r in self.root.items()):
                continue
            if any(o.id != leaf.id and leaf.id in self._reads_views_of(o) for o in leaves.values()):
                continue  # a view of it is read by this loop too: writing it would change what is read
            if self.names[leaf.id] in [self.names.get(p.id) for p in self.fn.params]:
                continue
            return leaf
        return None

    def _reads_views_of(self, v: Value, depth: int = 0) -> set:
        """The buffers whose views reading v reads: v's own root, and, when v is an expression
        inlined where it is used (np.outer(a, W[0]) inside the loop), those of its inputs."""
        out = {self.root.get(v.id, v.id)}
        op = self.producer.get(v.id)
        if op is not None and v.id in self.inlined and depth < 8:
            for i in op.inputs:
                out |= self._reads_views_of(i, depth + 1)
        return out

    def _reduction_plan(self, op: Op, S: tuple, dims: list, par: bool, avoid, k: int, pre: list,
                        post: list) -> dict:
        """Accumulator, per-chunk partials (parallel) and finishing lines for one reduction."""
        axes, keep = op.attrs["axis"], op.attrs["keepdims"]
        R = len(S)
        v = op.out
        target = self.name_for(v, k, op.role, avoid)
        self.names[v.id] = target
        red = PRIMITIVES[op.prim].reduction
        init = red.identity
        if red.int_identity is not None and v.type.dtype not in ("float32", "float64"):
            init = red.int_identity
        scalar = v.type.rank == 0
        chunked = par and 0 in axes
        plan = {"prim": op.prim, "chunk_init": [], "chunk_done": [], "init": init,
                # a reduction over the last axis adds into a local along the innermost loop, then once
                # into its cell: a memory cell updated every iteration would keep the loop scalar
                "row_local": (R - 1) in axes and v.type.rank > 0}
        if scalar:
            acc = self._fresh(f"_acc_{target}")
            plan["cell"] = acc
            if chunked:  # a local per chunk, stored into the chunk's slot; the slots summed in order
                part = self._fresh(f"_part_{target}")
                pre.append(f"{part} = _alloc.full((_CHUNKS,), {init}, np.{'float64' if init != '0' else 'int64'})")
                plan["chunk_init"] = [f"{acc} = {init}"]
                plan["chunk_done"] = [f"{part}[_c] = {acc}"]
                acc = self._fresh(f"_tot_{target}")
                post.append(f"{acc} = {init}")
                post.append("for _c in range(_CHUNKS):")
                post.extend("    " + x for x in _combine(op.prim, acc, f"{part}[_c]"))
            else:
                pre.append(f"{acc} = {init}")
            if red.mean:
                count = " * ".join(dims[a] for a in axes) or "1"
                post.append(f"{acc} = {acc} / ({count})")
            post.append(f"{target} = np.{v.type.dtype}({acc})" if v.type.dtype == "float32" else f"{target} = {acc}")
            return plan
        out_dims = [d for d in ([("1" if keep else None) if a in axes else dims[a] for a in range(R)]) if d is not None]
        oidx = [i for i in ([("0" if keep else None) if a in axes else f"_i{a}" for a in range(R)]) if i is not None]
        pre.append(f"{target} = _alloc.full({_tuple(out_dims)}, {init}, np.{v.type.dtype})")
        if chunked:
            part = self._fresh(f"_part_{target}")
            pre.append(f"{part} = _alloc.full({_tuple(['_CHUNKS'] + out_dims)}, {init}, np.{v.type.dtype})")
            plan["cell"] = f"{part}[{', '.join(['_c'] + oidx)}]"
            oj = [f"_j{a}" for a in range(len(out_dims))]
            post.append("for _c in range(_CHUNKS):")
            ind = "    "
            for a, d in enumerate(out_dims):
                post.append(f"{ind}for {oj[a]} in range({d}):")
                ind += "    "
            post.extend(ind + x for x in _combine(op.prim, f"{target}[{', '.join(oj)}]",
                                                    f"{part}[{', '.join(['_c'] + oj)}]"))
        else:
            plan["cell"] = f"{target}[{', '.join(oidx)}]"
        if red.mean:
            count = " * ".join(dims[a] for a in axes) or "1"
            post.append(f"{target} /= {count}")
        return plan

    def _stage_body(self, members: list, s: int) -> list[str]:
        g = self._g
        g["locals"] = {}  # a local lives in its stage; later stages read the value's storage
        g["pre_inner"], g["post_inner"] = [], []  # around the innermost loop (row-local reductions)
        lines: list[str] = []
        stores: list[str] = []
        for op in members:
            v = op.out
            if g["stage"][v.id] != s:
                continue
            k = g["kind"][v.id]
            f32 = v.type.dtype == "float32"
            if k == "reduce":
                elem = self._g_operand(op.inputs[0], 0, False)
                plan = g["red"][v.id]
                cell = plan["cell"]
                if plan["row_local"]:
                    local = plan.setdefault("local", self._fresh(f"_row_{_ident(self.names[v.id])}"))
                    g["pre_inner"].append(f"{local} = {plan['init']}")
                    g["post_inner"].extend(_combine(op.prim, cell, local))
                    cell = local
                if PRIMITIVES[op.prim].reduction.keep is None:
                    lines.extend(_combine(op.prim, cell, elem))
                else:
                    tmp = self._fresh("_v")
                    lines.append(f"{tmp} = {elem}")
                    lines.extend(_combine(op.prim, cell, tmp))
                continue
            if k == "vector":  # the argument now (operands may be overwritten by the stores below)
                arg = self._fresh(f"{_ident(v.hint)}_arg" if v.hint else "_x")
                lines.append(f"{arg} = {self._g_operand(op.inputs[0], 0, f32)}")
                stores.append(f"{self._g_cell(v)} = {arg}")
                continue
            if not self._g_local(v):
                continue  # inlined where it is used
            name = self._fresh(f"{_ident(v.hint)}_i" if v.hint else "_e")
            lines.append(f"{name} = {self._g_expr(op).text}")
            g["locals"][v.id] = name
            if v.id in g["storage"]:
                stores.append(f"{self._g_cell(v)} = {name}")
        return lines + stores

    def _g_local(self, v: Value) -> bool:
        """Whether a member gets a local: used more than once inside the group, or stored (read after
        the group or by a later stage), or the end of a chain of inlined members too deep for one
        expression. Otherwise it is inlined into its single user."""
        g = self._g
        return g["internal"].get(v.id, 0) != 1 or v.id in g["storage"] or v.id in g["deep"]

    def _cut_deep_chains(self, nest: LoopNest) -> None:
        """Members whose inlined expression would nest deeper than MAX_INLINE_DEPTH get a local."""
        g, depth = self._g, {}
        for op in nest.looped:
            d = 1 + max((depth.get(i.id, 0) for i in op.inputs), default=0)
            if not self._g_local(op.out) and d > MAX_INLINE_DEPTH:
                g["deep"].add(op.out.id)
            depth[op.out.id] = 0 if self._g_local(op.out) else d

    def _uniform_expr(self, op: Op, uniform: dict) -> str:
        """A member whose operands are all scalars, as one scalar expression."""
        def arg(v: Value, min_prec: int, f32: bool) -> str:
            return uniform[v.id] if v.id in uniform else self.operand(v, min_prec, f32)

        if op.prim == "broadcast_to":
            return arg(op.inputs[0], 0, op.out.type.dtype == "float32")
        return self.render_elementwise(op, arg, scalar=True).text

    def _g_cell(self, v: Value) -> str:
        g = self._g
        name = g["storage"][v.id]
        if v.id in g["outputs"]:
            return f"{name}[{', '.join(g['idx'])}]"
        if g["strip"]:
            return f"{name}[_k]"
        return f"{name}[{', '.join(g['idx'])}]"

    def _g_expr(self, op: Op) -> Expr:
        """A member's element as an expression (operands resolved inside the loop)."""
        f32 = op.out.type.dtype == "float32"
        if op.prim == "broadcast_to":
            return Expr(self._g_operand(op.inputs[0], 0, f32), 0)
        if op.prim == "outer":
            g = self._g
            a = self._read(op.inputs[0], g["idx"][:-1], g["S"][:-1], MUL)
            b = self._read(op.inputs[1], g["idx"], g["S"], MUL + 1)
            return Expr(f"{a} * {b}", MUL)
        return self.render_elementwise(op, self._g_operand, scalar=True)

    def _g_operand(self, v: Value, min_prec: int, f32: bool) -> str:
        g = self._g
        if v.id in g["uniform"]:
            return g["uniform"][v.id]
        if v.id in g["ids"]:
            if v.id in g["locals"]:
                return g["locals"][v.id]
            if g["kind"][v.id] == "vector" or v.id in g["storage"]:
                return self._g_cell(v)  # computed by an earlier stage (or a SIMD kernel)
            return self._g_expr(self.producer[v.id]).at(min_prec)  # used once: inlined
        if v.type.rank == 0:
            return self.operand(v, min_prec, f32)
        return self._read(v, g["idx"], g["S"], min_prec)

    def _read(self, v: Value, idx: list, S: tuple, min_prec: int) -> str:
        """An external array's element at loop index idx (0 along the axes it is broadcast over)."""
        shape = self.fn.avals[v.id].shape
        r, R = len(shape), len(S)
        parts = ["0" if shape[k] == 1 and S[R - r + k] != 1 else idx[R - r + k] for k in range(r)]
        return f"{self.operand(v, ATOM)}[{', '.join(parts)}]"



