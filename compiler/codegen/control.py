"""Control flow in the generated source (a mixin of codegen.emitter._Emitter): an `if` and its
merged values, `for` and `while` loops and the values they carry. A merged or carried value is a
*phi*: one Python name assigned at the end of each branch or iteration (a tuple assignment, a
parallel copy); an array a phi takes over is copied when something else may still read or write
its buffer. A top-level `for` loop allocates its scalar tapes once, before it runs, and its
affine indices are bounds-checked once there (codegen.bounds)."""
from __future__ import annotations

from ..ir import For, If, Op, While
from .text import ATOM, UNARY


class ControlEmitter:
    def phi_names(self, values: list, role: str) -> list[str]:
        names = []
        for v in values:
            target = self.name_for(v, self.def_pos.get(v.id, 0), role)
            self.names[v.id] = target
            names.append(target)
        return names

    def assign_phis(self, names: list, values: list, out: list, at: int) -> None:
        """name_j = value_j for every j at once (a tuple assignment is a parallel copy); arrays a
        phi variable takes over are copied when something else may still read or write them."""
        pairs = []
        # buffers some phi already owns: one array taken over by two phis (two equal cotangents
        # merged by CSE) would have every in-place write through one name show through the other
        owned = {self.root.get(v.id, v.id) for n, v in zip(names, values)
                 if v.type.kind == "array" and self.operand(v, 0) == n}
        for n, v in zip(names, values):
            text = self.operand(v, 0)
            if text == n:
                continue
            if v.type.kind == "array":
                buf = self.root.get(v.id, v.id)
                if self._shared(v, at) or self._is_view(v) or buf in owned:
                    # a phi owns its buffer: later in-place writes and reused buffers go through it,
                    # and liveness is not tracked around loops and across branches
                    text = f"{self.operand(v, ATOM)}.copy()"
                else:
                    owned.add(buf)
            pairs.append((n, text))
        if not pairs:
            return
        if len(pairs) == 1:
            out.append(f"{pairs[0][0]} = {pairs[0][1]}")
        else:
            out.append(f"{', '.join(p[0] for p in pairs)} = {', '.join(p[1] for p in pairs)}")

    def emit_if(self, node: If, out: list) -> None:
        self.comment(node, out)
        names = self.phi_names(node.outputs, node.role)
        for n, o in zip(names, node.outputs):
            self.names[o.id] = n
        end = self.loop_range[id(node)][1]
        out.append(f"if {self.operand(node.cond, 0)}:")
        guarded = bool(self._trips)  # inside a loop: a loop in a branch may run fewer times
        if guarded:
            self._trips.append((node, None))
        then_lines: list = []
        self.emit_block(node.then_block, then_lines)
        self.assign_phis(names, node.then_yield, then_lines, end)
        else_lines: list = []
        self.emit_block(node.else_block, else_lines)
        self.assign_phis(names, node.else_yield, else_lines, end)
        if guarded:
            self._trips.pop()
        out.extend("    " + line for line in (then_lines or ["pass"]))
        if else_lines:
            out.append("else:")
            out.extend("    " + line for line in else_lines)
        self._last_comment = None

    def _loop_head(self, node, out: list) -> list[str]:
        self.comment(node, out)
        start = self.loop_range[id(node)][0]
        names = []
        for c, o in zip(node.carried, node.outputs):
            n = self.name_for(o, start, "primal")
            self.names[c.id] = n
            self.names[o.id] = n
            names.append(n)
        self.assign_phis(names, node.init, out, start)
        return names

    def emit_for(self, node: For, out: list) -> None:
        names = self._loop_head(node, out)
        idx = self.name_for(node.index, self.def_pos[node.index.id], "primal")
        self.names[node.index.id] = idx
        rng = [self.operand(v, 0) for v in (node.start, node.stop, node.step)]
        trips = self._nested_trips(node, rng)
        if self.lowered and self._loop_depth == 0:
            # a top-level loop runs len(range(...)) times: its scalar tapes are allocated once, here
            for n in node.body.ops:
                if isinstance(n, Op) and n.prim == "tape_push" and n.inputs[0].type.rank == 0:
                    tape = n.attrs["tape"]
                    self.reserved.add(tape)
                    dt = "bool_" if n.inputs[0].type.dtype == "bool" else n.inputs[0].type.dtype
                    out.append(f"{tape} = _alloc.empty((len(range({', '.join(rng)})),), np.{dt})")
        if self.lowered and trips is not None:
            for n in node.body.ops:  # rows: allocated at the first push, for every push
                if isinstance(n, Op) and n.prim == "tape_push" and n.inputs[0].type.rank:
                    self.capacity[n.attrs["tape"]] = trips
        out.extend(self.loop_bounds_checks(node, rng))  # affine indices: checked once, here
        if rng[2] == "1":
            rng = rng[:2] if rng[0] != "0" else rng[1:2]
        out.append(f"for {idx} in range({', '.join(rng)}):")
        body: list = []
        self._loop_depth += 1
        self._trips.append((node, trips))
        self.emit_block(node.body, body)
        self._trips.pop()
        self._loop_depth -= 1
        self.assign_phis(names, node.body_yield, body, self.loop_range[id(node)][1])
        out.extend("    " + line for line in (body or ["pass"]))
        self._last_comment = None

    def _nested_trips(self, node: For, rng: list):
        """How many times the body of `node` runs in all, as text, when known before the outermost
        loop starts: its own trip count times the enclosing loops', each of whose bounds are values
        defined before that loop (a layer loop inside a time loop: T * L); else None."""
        own = f"len(range({', '.join(rng)}))"
        if not self._trips:
            return own if self._loop_depth == 0 else None
        top, outer = self._trips[0][0], self._trips[-1][1]
        start = self.loop_range[id(top)][0]
        if outer is None or any(self.def_pos.get(v.id, -1) >= start for v in (node.start, node.stop, node.step)):
            return None
        return f"{outer} * {own}"

    def emit_while(self, node: While, out: list) -> None:
        names = self._loop_head(node, out)
        out.append("while True:")
        body: list = []
        self._loop_depth += 1
        self._trips.append((node, None))  # (a while loop's trips are not known before it)
        self.emit_block(node.cond_block, body)
        body.append(f"if not {self.operand(node.cond, UNARY)}:")
        body.append("    break")
        self.emit_block(node.body, body)
        self._trips.pop()
        self._loop_depth -= 1
        self.assign_phis(names, node.body_yield, body, self.loop_range[id(node)][1])
        out.extend("    " + line for line in body)
        self._last_comment = None
