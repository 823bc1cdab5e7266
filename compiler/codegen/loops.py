"""Fused loop nests: how the lowered rendering prints one planned loop nest (passes/loopnest.py's
LoopNest, planned by passes/loopplan.py and passes/workspace.py for a group of passes/fusion.py).

The plan decides; this module names and prints. Inside the loop every member is a scalar: a value
used once is inlined into its user's expression, a value with a local is `<name>_i` ("element i of
<name>"), a value read after the nest is stored into its array, and a reduction accumulates into a
scalar (or a small array for a reduction over some axes).

SIMD transcendentals (libmvec kernels, runtime/simd.py) work on memory, so they split the loop
body into *stages*: stage s computes the arguments of its transcendentals into a buffer, the kernel
overwrites the buffer in place, and stage s+1 reads the results. A strip-mined nest runs every
stage in turn on each strip of `nest.strip` elements (small buffers that stay in L1); otherwise
each stage is a full loop nest and its buffers are full arrays.

parallel=True (top-level nests): axis 0 is cut into _CHUNKS fixed chunks run with prange; a
reduction over axis 0 accumulates one partial result per chunk, combined in chunk order after the
loop, so gradients are identical from run to run whatever the thread count."""
from __future__ import annotations

import numpy as np

from ..ir import Op, Value, scalar_type
from ..primitives import PRIMITIVES
from .gather import WRAP_HELPER
from .ops import combine_lines as _combine
from .text import ATOM, MUL, Expr, safe_ident as _ident, tuple_text as _tuple


class GroupEmitter:
    """Mixin of codegen.emitter._Emitter: emit_group renders one planned loop nest
    (passes/loopnest.LoopNest, made by passes/loopplan.py and passes/workspace.py)."""

    def emit_group(self, nest, out: list) -> None:
        """Name what the plan holds (`_name_nest`), then print the loops (`render_nest`)."""
        self.comment_group(nest.members, out)
        self.nests.append(nest)
        out.extend(self.render_nest(nest, self._name_nest(nest)))
        self._g = None

    # ------------------------------------------------------------------ naming
    def _name_nest(self, nest) -> dict:
        """The nest's names and the lines around its loops: extents as text, the uniform members'
        scalars, output arrays (a reused buffer keeps its name), strip buffers and stage arrays,
        the reductions' accumulators, and each stage's body (its locals). `g` holds them."""
        par = self.parallel and nest.top_level
        dims = [self._extent_text(d) for d in nest.dims]
        avoid = frozenset(self.names.get(v.id, "") for v in nest.leaves.values()) | self._viewed_names(nest)
        g = {"ids": nest.ids, "kind": nest.kinds, "stage": nest.stage, "uniform": {}, "storage": {},
             "outputs": nest.outputs, "idx": [f"_i{a}" for a in range(len(nest.shape))], "S": nest.shape,
             "strip": nest.strip, "locals": {}, "red": {}, "dims": dims, "par": par, "avoid": avoid,
             "pre": [], "post": [], "buffers": [], "flat": {}, "aliases": [], "bodies": [], "around": [],
             "nest": nest}
        self._g = g
        pre, k_last = g["pre"], nest.k_last
        for op in nest.members:
            v = op.out
            if v.id in nest.uniform:
                name = self._fresh(f"{_ident(v.hint)}_all" if v.hint else "_u")
                g["uniform"][v.id] = name
                pre.append(f"{name} = {self._uniform_expr(op, g['uniform'])}")
                if v.id in nest.outputs:
                    target = self.name_for(v, k_last, op.role, avoid)
                    self.names[v.id] = target
                    pre.append(f"{target} = _alloc.full({_tuple(dims)}, {name}, np.{v.type.dtype})")
                continue
            if nest.kinds[v.id] == "scatter":  # written in place: the base's name holds it now
                target = self.names[op.inputs[0].id]
                self.names[v.id] = target
                self.holder[target] = v
                continue
            where = nest.storage.get(v.id)
            if where == "reuse":
                leaf = nest.reuse[v.id]
                target = self.names[leaf.id]
                self.holder[target] = v
                self.names[v.id] = target
                g["storage"][v.id] = target
                if v.hint and not target.startswith(_ident(v.hint)):  # keep the user's name visible
                    g["aliases"].append((v, target))
            elif where == "array":
                target = self.name_for(v, k_last, op.role, avoid)
                self.names[v.id] = target
                self._allocate_into(target, v, dims, nest, pre)
                g["storage"][v.id] = target
            elif where == "strip":
                name = self._fresh("_b")
                line = f"{name} = _alloc.empty(({nest.strip},), np.{v.type.dtype})"
                (self.loop_buffers if nest.alloc.get(v.id) == "hoisted" else g["buffers"]).append(line)
                g["storage"][v.id] = name
            elif where == "full":
                name = self._fresh(f"_{_ident(v.hint)}" if v.hint else "_f")
                self._allocate_into(name, v, dims, nest, pre)
                g["storage"][v.id] = name
        for op in nest.vectors:
            if op.out.id in nest.flat:
                store = g["storage"][op.out.id]
                g["flat"][op.out.id] = self._fresh(f"{store}_flat")
                pre.append(f"{g['flat'][op.out.id]} = {store}.reshape({store}.size)")
        for op in nest.members:  # reductions: accumulators
            if nest.kinds[op.out.id] == "reduce":
                g["red"][op.out.id] = self._reduction_names(op, nest.red[op.out.id], g)
        for s in range(nest.nstages):  # the loop body of each stage, relative to the innermost loop
            g["bodies"].append(self._stage_body(nest.looped, s))
            g["around"].append((g["pre_inner"], g["post_inner"]))
        return g

    def _extent_text(self, d) -> str:
        """An axis's extent (passes/loopnest.py's dims) as text."""
        if d is None:
            return "1"
        kind, v, k = d
        if kind == "shape":
            return f"{self.operand(v, ATOM)}.shape[{k}]"
        if kind == "index":
            return f"{self.operand(v, ATOM)}[{k}]"
        a, b = v
        return f"({self.operand(a, ATOM)}.shape[0], {self.operand(b, ATOM)}.shape[0])[{k}]"

    # ------------------------------------------------------------------ rendering
    def render_nest(self, nest, g: dict) -> list[str]:
        """The named loop nest as lines: allocations, the (chunked, strip-mined) loops with each
        stage's body and SIMD kernel calls, the reductions' finishing lines, the user's names."""
        lines = list(g["pre"])
        if not nest.looped:  # everything was uniform: no loop at all
            return lines
        R, dims, par = len(nest.shape), g["dims"], g["par"]
        idx = g["idx"]
        reductions = nest.reductions()
        ind = ""
        if par:
            lines.append("for _c in numba.prange(_CHUNKS):")
            ind = "    "
            for op in reductions:
                lines.extend(ind + x for x in g["red"][op.out.id]["chunk_init"])
        if nest.strip:
            lines.extend(ind + b for b in g["buffers"])
        lo_hi = (f"_c * {dims[0]} // _CHUNKS", f"(_c + 1) * {dims[0]} // _CHUNKS") if par else ("0", dims[0])

        def axis_loop(a: int, ind: str) -> str:
            if a == 0 and par:
                return f"{ind}for {idx[0]} in range({lo_hi[0]}, {lo_hi[1]}):"
            return f"{ind}for {idx[a]} in range({dims[a]}):"

        if nest.strip:
            lines.extend(self._render_strips(nest, g, lo_hi, axis_loop, ind))
        else:
            base = ind
            for s in range(nest.nstages):
                ind = base
                for a in range(R):
                    if a == R - 1:
                        lines.extend(ind + x for x in g["around"][s][0])
                    lines.append(axis_loop(a, ind))
                    ind += "    "
                lines.extend(ind + x for x in g["bodies"][s])
                lines.extend(ind[4:] + x for x in g["around"][s][1])
                for op in nest.vectors:
                    if nest.stage[op.out.id] != s:
                        continue
                    target = g["storage"][op.out.id]
                    if par:
                        row = " * ".join(dims[1:]) or "1"
                        lines.append(f"{base}_simd.{op.prim}_range({target}.reshape({target}.size), "
                                     f"({lo_hi[0]}) * {row}, ({lo_hi[1]}) * {row})")
                    else:
                        lines.append(f"{base}_simd.{op.prim}_inplace({target})")
        if par:
            for op in reductions:
                lines.extend("    " + x for x in g["red"][op.out.id]["chunk_done"])
        lines.extend(g["post"])
        for v, target in g["aliases"]:
            alias = self.name_for(v, nest.k_last, "primal", g["avoid"] | {target})
            lines.append(f"{alias} = {target}")
            self.names[v.id] = alias
        return lines

    def _render_strips(self, nest, g: dict, lo_hi: tuple, axis_loop, ind: str) -> list[str]:
        """Strip-mined loops: the outer axes, then strips of nest.strip elements along the last one,
        each running every stage in turn (its body, then its SIMD kernels on the strip buffers)."""
        lines: list[str] = []
        R, dims, idx = len(nest.shape), g["dims"], g["idx"]
        for a in range(R - 1):
            lines.append(axis_loop(a, ind))
            ind += "    "
        last = R - 1
        start, stop = (lo_hi if R == 1 else ("0", dims[last]))
        if R > 1 and nest.flat:
            row = " * ".join([f"({self._row_offset(idx, dims, R)})", dims[last]]) if R > 2 else f"{idx[0]} * {dims[1]}"
            lines.append(f"{ind}_o = {row}")
        lines.append(f"{ind}for _s in range({start}, {stop}, {nest.strip}):")
        ind += "    "
        lines.append(f"{ind}_n = min({nest.strip}, {stop} - _s)")
        for s in range(nest.nstages):
            lines.extend(ind + x for x in g["around"][s][0])
            lines.append(f"{ind}for _sk in range(_n):")
            lines.append(f"{ind}    {idx[last]} = _s + _sk")
            lines.extend(f"{ind}    {x}" for x in g["bodies"][s])
            lines.extend(ind + x for x in g["around"][s][1])
            for op in nest.vectors:
                if nest.stage[op.out.id] != s:
                    continue
                v = op.out
                if v.id in nest.flat:
                    lines.append(f"{ind}_simd.{op.prim}_range({g['flat'][v.id]}, _o + _s, _o + _s + _n)")
                elif v.id in nest.outputs:  # 1-D output array
                    lines.append(f"{ind}_simd.{op.prim}_range({g['storage'][v.id]}, _s, _s + _n)")
                else:
                    lines.append(f"{ind}_simd.{op.prim}_range({g['storage'][v.id]}, 0, _n)")
        return lines

    # ------------------------------------------------------------------ pieces
    def _allocate_into(self, name: str, v: Value, dims: list, nest, pre: list) -> None:
        """`name = <a new array for v>` before the nest, or, when the plan hoists it out of the
        loops around the nest (passes/loopbuffers.py), once at the top of the function, of the
        shape known when compiled (the loop's extents are names bound inside the loops)."""
        if nest.alloc.get(v.id) == "hoisted":
            self.loop_buffers.append(f"{name} = _alloc.empty({_tuple([str(d) for d in nest.shape])}, np.{v.type.dtype})")
        else:
            pre.append(f"{name} = {self.allocate(v, dims, nest)}")

    def allocate(self, v: Value, dims: list, nest) -> str:
        """A new array of the nest's shape for `v`: from the call's workspace when the workspace
        plan (passes/workspace.py) says its buffer does not outlive the call, else a new array."""
        where = "_alloc.take(_ws, _wst, " if nest.alloc.get(v.id) == "workspace" else "_alloc.empty("
        return f"{where}{_tuple(dims)}, np.{v.type.dtype})"

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
        nexts = self._fresh_next
        n = nexts.get(base, 0)  # the holder only grows: every version below the last one found is taken
        name = base if n == 0 else (f"{base}__{n}" if self.parallel else f"{base}_{n}")
        while name in self.holder:
            n += 1
            # parallel lowering: Numba's parfor pass renames x.1 to x_1, so versions must not be x_1
            name = f"{base}__{n}" if self.parallel else f"{base}_{n}"
        nexts[base] = n
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

    def _reduction_names(self, op: Op, plan, g: dict) -> dict:
        """Accumulator, per-chunk partials (parallel) and finishing lines of one reduction (its
        passes/loopnest.Reduction plan), added to the nest's pre and post lines."""
        axes, keep, S, dims, pre, post = plan.axes, plan.keepdims, g["S"], g["dims"], g["pre"], g["post"]
        R = len(S)
        v = op.out
        target = self.name_for(v, g["nest"].k_last, op.role, g["avoid"])
        self.names[v.id] = target
        init = plan.init
        chunked = g["par"] and plan.chunked
        out = {"chunk_init": [], "chunk_done": [], "init": init, "row_local": plan.row_local}
        if plan.scalar:
            acc = self._fresh(f"_acc_{target}")
            out["cell"] = acc
            if chunked:  # a local per chunk, stored into the chunk's slot; the slots summed in order
                part = self._fresh(f"_part_{target}")
                pre.append(f"{part} = _alloc.full((_CHUNKS,), {init}, np.{'float64' if init != '0' else 'int64'})")
                out["chunk_init"] = [f"{acc} = {init}"]
                out["chunk_done"] = [f"{part}[_c] = {acc}"]
                acc = self._fresh(f"_tot_{target}")
                post.append(f"{acc} = {init}")
                post.append("for _c in range(_CHUNKS):")
                post.extend("    " + x for x in _combine(op.prim, acc, f"{part}[_c]"))
            else:
                pre.append(f"{acc} = {init}")
            if plan.mean:
                count = " * ".join(dims[a] for a in axes) or "1"
                post.append(f"{acc} = {acc} / ({count})")
            post.append(f"{target} = np.{v.type.dtype}({acc})" if v.type.dtype == "float32" else f"{target} = {acc}")
            return out
        out_dims = [d for d in ([("1" if keep else None) if a in axes else dims[a] for a in range(R)]) if d is not None]
        oidx = [i for i in ([("0" if keep else None) if a in axes else f"_i{a}" for a in range(R)]) if i is not None]
        pre.append(f"{target} = _alloc.full({_tuple(out_dims)}, {init}, np.{v.type.dtype})")
        if chunked:
            part = self._fresh(f"_part_{target}")
            pre.append(f"{part} = _alloc.full({_tuple(['_CHUNKS'] + out_dims)}, {init}, np.{v.type.dtype})")
            out["cell"] = f"{part}[{', '.join(['_c'] + oidx)}]"
            oj = [f"_j{a}" for a in range(len(out_dims))]
            post.append("for _c in range(_CHUNKS):")
            ind = "    "
            for a, d in enumerate(out_dims):
                post.append(f"{ind}for {oj[a]} in range({d}):")
                ind += "    "
            post.extend(ind + x for x in _combine(op.prim, f"{target}[{', '.join(oj)}]",
                                                    f"{part}[{', '.join(['_c'] + oj)}]"))
        else:
            out["cell"] = f"{target}[{', '.join(oidx)}]"
        if plan.mean:
            count = " * ".join(dims[a] for a in axes) or "1"
            post.append(f"{target} /= {count}")
        return out

    def _stage_body(self, members: list, s: int) -> list[str]:
        g = self._g
        g["locals"] = {}  # a local lives in its stage; later stages read the value's storage
        g["pre_inner"], g["post_inner"] = [], []  # around the innermost loop (row-local reductions)
        g["hoisted"] = {}  # index reads of the stage checked before its innermost loop (_indexed_parts)
        lines: list[str] = []
        stores: list[str] = []
        for op in members:
            v = op.out
            if g["stage"][v.id] != s:
                continue
            k = g["kind"][v.id]
            f32 = v.type.dtype == "float32"
            if k == "scatter":
                lines.append(self._scatter_line(op))
                continue
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
            if v.id not in g["nest"].locals:
                continue  # inlined where it is used
            name = self._fresh(f"{_ident(v.hint)}_i" if v.hint else "_e")
            lines.append(f"{name} = {self._g_expr(op).text}")
            g["locals"][v.id] = name
            if v.id in g["storage"]:
                stores.append(f"{self._g_cell(v)} = {name}")
        return lines + stores

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
            return f"{name}[_sk]"
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
        if op.prim == "gather":
            return Expr(self._gather_element(op), ATOM)
        return self.render_elementwise(op, self._g_operand, scalar=True)

    def _gather_element(self, op: Op) -> str:
        """Element idx of x[index] (integer-array indexing fused into the loop: no gathered copy):
        x read where the index arrays, read at the loop index, point (codegen/gather.py's layout of
        the result's axes), each index checked and wrapped where it is read (`_ixw`)."""
        return self._element(op.inputs[0], self._indexed_parts(op, 1))

    def _scatter_line(self, op: Op) -> str:
        """np.add.at(x, index, v) fused into the loop computing v (passes/scatter.py): element idx
        of v added into x where the index arrays, read at the loop index, point (checked and
        wrapped where read, as a gather's); x is written in place (its only reader is this write)."""
        v = self._g_operand(op.inputs[1], 0, op.out.type.dtype == "float32")
        return f"{self.operand(op.inputs[0], ATOM)}[{', '.join(self._indexed_parts(op, 2))}] += {v}"

    def _indexed_parts(self, op: Op, first: int) -> list:
        """The index of x = op.inputs[0] at the loop index, for a gather (index inputs from 1) or an
        np.add.at member (from 2; its slices may have bounds, known when compiled)."""
        name, text = WRAP_HELPER
        self.helpers[name] = text
        self.use_bounds_helper("_ix")
        x, index = op.inputs[0], op.attrs["index"]
        shape = self.fn.avals[x.id].shape
        ranks = {k: op.inputs[k].type.rank for k in range(first, len(op.inputs))}
        shapes = {k: tuple(self.fn.avals[op.inputs[k].id].shape) for k in ranks}
        out_axis, bshape = self._g["nest"].gathers[op.out.id]
        idx = self._g["idx"]
        loop = {d: idx[p] for p, d in enumerate(out_axis)}
        full = tuple(index) + (("slice", None, None, None),) * (len(shape) - len(index))
        parts = []
        for a, it in enumerate(full):
            if it[0] == "slice":
                bounds = [None if k is None else self.fn.avals[op.inputs[k].id].value for k in it[1:]]
                start, _, step = slice(*bounds).indices(shape[a])
                i = loop[("x", a)]
                parts.append(f"{start} + {i} * {step}" if step != 1 else f"{i} + {start}" if start else i)
                continue
            k = it[1]
            if it[0] == "int":
                i = self.operand(op.inputs[k], 0)
            else:
                big, r = len(bshape), ranks[k]
                at = ["0" if shapes[k][d] == 1 and bshape[big - r + d] != 1 else loop[("b", big - r + d)]
                      for d in range(r)]
                i = self._element(op.inputs[k], at)
            checked = f"{name}({i}, {shape[a]}, {a})"
            known = self.fn.avals[op.inputs[k].id].value if it[0] == "int" else None
            if isinstance(known, (int, np.integer)) and -shape[a] <= known < shape[a]:
                checked = str(int(known) % shape[a])  # a number known in bounds when compiled
            elif it[0] == "int":  # the same at every element: read and checked once, before the loops
                ints = self._g.setdefault("int_index", {})
                if checked not in ints:
                    ints[checked] = self._fresh("_rk")
                    self._g["pre"].append(f"{ints[checked]} = {checked}")
                checked = ints[checked]
            elif it[0] == "array" and len(idx) > 1 and idx[-1] not in at:
                # read and checked once per row, before the innermost loop (as NumPy checks every
                # index, whatever the row's length), and shared by the row's reads of it
                hoisted = self._g.setdefault("hoisted", {})
                if checked not in hoisted:
                    hoisted[checked] = self._fresh("_rix")
                    self._g["pre_inner"].append(f"{hoisted[checked]} = {checked}")
                checked = hoisted[checked]
            parts.append(checked)
        return parts

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
        return self._element(v, parts)

    def _element(self, v: Value, parts: list) -> str:
        """Element `parts` of array v, read through the basic views (x[:, 3:6], x[:, None, :],
        x[:, 0]) between v and the array they view: the loop then indexes that array itself, whose
        layout Numba knows (a C array: contiguous inner reads), instead of a strided view."""
        base, parts = self._through_views(v, list(parts))
        return f"{self.operand(base, ATOM)}[{', '.join(parts) or '()'}]"

    def _viewed_names(self, nest) -> frozenset:
        """Names of the arrays the nest's inputs are views of: its loop may read a view through
        them (_through_views), so none of its outputs may take such a name (an output's buffer is
        made before the loop runs)."""
        out = set()
        for v in nest.leaves.values():
            op = self.producer.get(v.id)
            while op is not None and op.prim in _VIEWS and op.inputs:
                x = op.inputs[0]
                if x.id in self.names:
                    out.add(self.names[x.id])
                op = self.producer.get(x.id)
        return frozenset(out)

    def _through_views(self, v: Value, parts: list) -> tuple:
        """(array, index texts) to read for element `parts` of v: back through the views (getitem
        with ints and slice bounds known when compiled, transpose, expand_dims) to the last array on
        the way that is a named buffer (never an expression: indexing that would evaluate it per
        element), nobody writes in place, and whose name still holds it here (names of dead arrays
        are reused: the view may outlive the array's name)."""
        best = (v, parts)  # the last named array on the way (or v itself)
        while True:
            op = self.producer.get(v.id)
            if op is None or op.prim not in _VIEWS:
                return best
            x = op.inputs[0]
            composed = _VIEWS[op.prim](self.fn, op, parts)
            if composed is None or x.id in self.written or x.type is None or x.type.kind != "array" \
                    or len(composed) != x.type.rank:
                return best
            v, parts = x, composed
            if v.id not in self.inlined:
                name = self.names.get(v.id)
                if name is None or self.holder.get(name) is not v:
                    return best  # its name went to another value since (a dead array's name is reused)
                best = (v, parts)





def _index_int(fn, ints: list, k):
    """The value of the int input numbered k (1-based) of a getitem, when known when compiled."""
    if k is None:
        return None, True
    a = fn.avals.get(ints[k - 1].id)
    val = None if a is None else a.value
    return (int(val), True) if isinstance(val, (int,)) or hasattr(val, "__index__") else (None, False)


def _compose_view(fn, op: Op, parts: list):
    """The index texts into x of element `parts` of the view op = x[index] (basic items: ints,
    slices, None), or None when an int or a slice bound is known only at run time, or x's shape
    is not known when compiled."""
    x, ints, index = op.inputs[0], op.inputs[1:], op.attrs["index"]
    xa = fn.avals.get(x.id)
    if x.type is None or x.type.kind != "array" or xa is None or any(d is None for d in xa.shape):
        return None
    out, p, axis = [], 0, 0
    for it in index:
        if it[0] == "none":
            p += 1
            continue
        if axis >= len(xa.shape):
            return None
        dim = xa.shape[axis]
        if it[0] == "int":
            k, ok = _index_int(fn, ints, it[1])
            if k is None or not -dim <= k < dim:
                return None
            out.append(str(k + dim if k < 0 else k))
        elif it[0] == "slice":
            bounds = []
            for kk in it[1:]:
                b, ok = _index_int(fn, ints, kk)
                if not ok:
                    return None
                bounds.append(b)
            if bounds[2] == 0:
                return None
            start, _, step = slice(*bounds).indices(dim)
            q = parts[p]
            p += 1
            if q == "0":
                out.append(str(start))
            elif step == 1:
                out.append(q if start == 0 else f"{q} + {start}")
            else:
                q = q if q.isidentifier() else f"({q})"
                out.append(f"{start} + {step} * {q}" if start else f"{step} * {q}")
        else:
            return None
        axis += 1
    out.extend(parts[p:])
    if len(out) != len(xa.shape):
        return None
    return out


def _compose_transpose(fn, op: Op, parts: list):
    """Index texts into x of element `parts` of np.transpose(x, axes)."""
    axes = op.attrs.get("axes")
    r = len(parts)
    axes = tuple(reversed(range(r))) if axes is None else tuple(a % r for a in axes)
    if sorted(axes) != list(range(r)):
        return None
    out = [""] * r
    for p, a in enumerate(axes):
        out[a] = parts[p]
    return out


def _compose_expand_dims(fn, op: Op, parts: list):
    """Index texts into x of element `parts` of np.expand_dims(x, axis) (the new axes dropped)."""
    axis = op.attrs.get("axis")
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    r = len(parts)
    try:
        new = {int(a) % r for a in axes}
    except TypeError:
        return None
    return [q for p, q in enumerate(parts) if p not in new]


_VIEWS = {"getitem": _compose_view, "transpose": _compose_transpose, "expand_dims": _compose_expand_dims}
