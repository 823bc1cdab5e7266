"""Lowering control flow: if/elif/else, early return, for and while loops with break/continue,
with the values each branch or iteration changes merged (phi) and loop-carried types settled."""
from __future__ import annotations

import ast
from dataclasses import dataclass
from typing import Any

import numpy as np

from .. import shapes as S
from ..errors import AdjitError, AdjitTypeError, UnsupportedSyntaxError
from ..ir import Abstract, Block, For, If, Value, While, free_values
from .iteration import target_names
from .parse import _always_returns, _contains_jump, assigned_names
from .structout import holds_structure, joined_structures
from .structures import is_struct
from .values import _UNDEFINED, Method, Undefined, _is_number, _same_static


@dataclass
class LoopFrame:
    """The flags a loop with break/continue carries."""

    jumps: bool
    brk: str
    cont: str




def _hint(name: str) -> str:
    """A carried name as a hint for generated code: a hidden one (an object's or a dict's item kept
    in the environment as `<dict@7f3a>.m`, procedures.Slot) by its last part, made an identifier."""
    if name.isidentifier():
        return name
    tail = "_".join(w for w in "".join(c if c.isalnum() or c == "_" else " " for c in name.rsplit(".", 1)[-1]).split()) \
        or "v"  # state['m'] (an object's dict item, procedures.py): state_m
    return tail if tail.isidentifier() else "v_" + tail


def _known_truth(x):
    """Python's truth of x when it is decided when the call is compiled (None, a number, a str, a
    list, tuple or dict known then, a structure argument: its length), else None."""
    if x is None or _is_number(x) or isinstance(x, (str, np.bool_)):
        return bool(x)
    if isinstance(x, (tuple, list, dict, set, frozenset, range)):  # StructTuple, StructMap: tuples of items/keys
        return len(x) > 0
    return None


def _loop_test(counter: str, stop, step):
    """The condition of a for loop turned while loop: counter < stop (or > for negative steps)."""

    def test(low):
        i = low.value(low.env[counter], None)
        negative = low.b.aval(step).value is not None and low.b.aval(step).value < 0
        return low.b.emit("gt" if negative else "lt", [i, stop])

    return test




_FOLDABLE = {"lt": lambda a, b: a < b, "le": lambda a, b: a <= b, "gt": lambda a, b: a > b, "ge": lambda a, b: a >= b,
             "eq": lambda a, b: a == b, "ne": lambda a, b: a != b, "logical_not": lambda a: not a,
             "logical_and": lambda a, b: bool(a) and bool(b), "logical_or": lambda a, b: bool(a) or bool(b)}


class ControlFlow:
    """The statement-level half of the Lowerer: branches and loops."""

    def condition(self, node) -> Any:
        """A branch or loop condition: a static Python bool, or a scalar bool value. A NumPy bool
        known when compiled (`FLAG = np.bool_(True)` as a global or closure value) is Python's bool."""
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):  # `not FLAG`: decided when compiled
            c = self.condition(node.operand)
            if isinstance(c, bool):
                return not c
            self.at(node)
            return self.b.emit("logical_not", [c])
        c = self.lower_boolop(node, as_condition=True) if isinstance(node, ast.BoolOp) else self.expr(node)
        if _known_truth(c) is not None:  # `if opts:` of a dict known when compiled: non-empty
            return _known_truth(c)
        c = self.list_truth(c, node)  # `if ys:` of a list built by .append (boolops.py)
        if isinstance(c, bool):
            return c
        c = self.value(c, node)
        if c.type.kind != "scalar":
            raise self.err(AdjitTypeError, f"the truth value of an array ({c.type}) is ambiguous", node,
                           hint="reduce it first, e.g. np.any(...) is not supported: use np.sum(x > 0) > 0")
        if c.type.dtype != "bool":
            self.at(node)
            c = self.b.emit("ne", [c, self.b.const(0)])
        known = self._known_condition(c)
        if known is not None:  # `if M.size <= 20:` of shapes: decided when compiled, as Python runs one
            return known  # branch (the other may not even compute for these shapes)
        return c

    def _known_condition(self, c):
        """A comparison (or not/and/or of comparisons) whose operands are all known when compiled
        (shapes, sizes, int arguments): its Python bool; else None."""
        av = self.b.avals.get(c.id)
        known = None if av is None else av.value
        if isinstance(known, (bool, np.bool_)):
            return bool(known)
        op = next((o for o in reversed(self.b.ops) if c in getattr(o, "outputs", ())), None)
        if op is None or getattr(op, "prim", None) not in _FOLDABLE:
            return None
        vals = []
        for v in op.inputs:
            av = self.b.avals.get(v.id)
            k = None if av is None else av.value
            if k is None and v.type.kind == "scalar" and v.type.dtype == "bool":
                k = self._known_condition(v)
            if k is None or not isinstance(k, (bool, int, float, np.bool_, np.integer, np.floating)):
                return None
            vals.append(k)
        return bool(_FOLDABLE[op.prim](*vals))

    def branch(self, stmts: list, loop=None) -> tuple:
        """Lower stmts into a fresh block with a copy of the environment: (ops, env, result)."""
        saved_env, saved_ops = self.env, self.b.ops
        self.env = dict(saved_env)
        self.b.ops = []
        try:
            result = self.lower_stmts(stmts, loop)
            return self.b.ops, self.env, result
        finally:
            self.env, self.b.ops = saved_env, saved_ops

    def in_block(self, ops: list, fn):
        return self.b.into(ops, fn)

    def join(self, name: str, vals: list, blocks: list, node, widen: bool = False) -> tuple:
        """Make the values a name has at the end of several blocks agree in type, casting weak
        Python numbers to the common dtype inside their own block. Returns (values, abstract).
        widen: arrays of one rank whose extents differ join as extents known only at run time
        (a loop-carried value that shrinks: `v = v[1:] + v[:-1]`)."""
        vals = [self.in_block(blk, lambda v=v: self.value(v, node)) for v, blk in zip(vals, blocks)]
        avs = [self.b.aval(v) for v in vals]
        kinds = {a.type.kind for a in avs}
        ranks = {a.type.rank for a in avs}
        if len(kinds) > 1 or len(ranks) > 1:
            raise self.err(AdjitTypeError, f"'{name}' changes type between branches or iterations: "
                           + " vs ".join(str(a.type) for a in avs), node,
                           hint="give it the same type and shape on every path")
        shapes = {a.shape for a in avs}
        widened = None
        if len(shapes) > 1 and widen and avs[0].type.kind == "array":
            widened = tuple(None if len({s[k] for s in shapes}) > 1 else avs[0].shape[k]
                            for k in range(avs[0].type.rank))
        elif len(shapes) > 1:
            raise self.err(AdjitTypeError, f"'{name}' changes shape between branches or iterations: "
                           + " vs ".join(str(a.shape) for a in avs), node,
                           hint="a carried or merged value must keep its shape")
        t = S.promote(*(a.type for a in avs)) if avs[0].type.kind == "scalar" else None
        if avs[0].type.kind == "array" and len({a.type.dtype for a in avs}) > 1:
            # NumPy lets a name's array change dtype (float32 W times a float64 array): the merged
            # value takes the promoted dtype from the start, every path cast to it
            dt = S.promote(*(a.type for a in avs)).dtype
            vals = [v if a.type.dtype == dt else self.in_block(blk, lambda v=v: self.b.emit("astype", [v], dtype=dt))
                    for v, a, blk in zip(vals, avs, blocks)]
            avs = [self.b.aval(v) for v in vals]
        out = []
        for v, a, blk in zip(vals, avs, blocks):
            if t is not None and (a.type.dtype != t.dtype or a.type.weak != t.weak):
                if t.weak:
                    v = self.in_block(blk, lambda v=v: self.b.emit("astype", [v], dtype=t.dtype))
                    self.b.avals[v.id] = Abstract(t, ())
                    v.type = t
                else:
                    v = self.in_block(blk, lambda v=v: self.b.emit("astype", [v], dtype=t.dtype))
            out.append(v)
        av = self.b.aval(out[0])
        if t is not None:
            av = Abstract(t if t.weak else S.scalar_type(t.dtype), ())
        else:
            av = Abstract(av.type, av.shape if widened is None else widened)
        return out, av

    def unrolled_list_while(self, stmt) -> bool:
        """`while stack: v = stack.pop(); ...` or `while len(queue) > 0:` over a Python list whose
        length is known when compiled: run as Python runs it, the condition decided before each
        pass and the body lowered once per pass (at most MAX_UNROLL passes). False, with
        nothing lowered, when the test reads no list or is decided only when the function runs
        at the start; a test that becomes a run-time one after some passes continues as a loop."""
        from .staticloops import MAX_UNROLL

        names = {n.id for n in ast.walk(stmt.test) if isinstance(n, ast.Name)}
        if not any(self.is_list(self.env.get(n)) or type(self.env.get(n)).__name__ == "BuiltList" for n in names) \
                or _contains_jump(stmt.body) or any(isinstance(n, ast.Return) for n in ast.walk(stmt)) or stmt.orelse:
            return False
        unrolled = self.__dict__.setdefault("unrolled_whiles", set())  # listmethods.py: its pops are in order
        for k in range(MAX_UNROLL + 1):
            saved_ops, saved_env = self.b.ops, self.env
            self.b.ops, self.env = [], dict(saved_env)
            try:
                c = self.condition(stmt.test)
            except AdjitError:
                c = None
            finally:
                self.b.ops, self.env = saved_ops, saved_env
            if not isinstance(c, bool):
                if k == 0:
                    return False
                self.lower_while(stmt)  # the rest as a loop (this test is a run-time one now)
                return True
            if not c:
                return True
            unrolled.add(id(stmt))
            try:
                self.lower_stmts(stmt.body)
            finally:
                unrolled.discard(id(stmt))
        raise self.err(UnsupportedSyntaxError, f"this `while` loop over a list runs more than {MAX_UNROLL} "
                       "times when the call is compiled", stmt, hint="loop over an array with a run-time index")

    def lower_if(self, stmt, then_stmts, else_stmts, loop, cond=None) -> None:
        self.at(stmt)
        if cond is None:
            cond = self.condition(stmt.test)
        if isinstance(cond, bool):  # decided at compile time (a global flag, a shape test)
            self.lower_stmts(then_stmts if cond else else_stmts, loop)
            return
        self.dict_slots(list(then_stmts) + list(else_stmts))  # `terms["l2"] = ...` of an existing key: merged (staticloops.py)
        env0 = self.env
        then_ops, env_t, _ = self.branch(then_stmts, loop)
        else_ops, env_e, _ = self.branch(else_stmts, loop)
        self.stmt = stmt
        outputs, ty, ey = [], [], []
        for name in sorted(set(env_t) | set(env_e)):
            vt, ve = env_t.get(name, _UNDEFINED), env_e.get(name, _UNDEFINED)
            if vt is env0.get(name, _UNDEFINED) and ve is env0.get(name, _UNDEFINED):
                continue
            if vt is _UNDEFINED or ve is _UNDEFINED or isinstance(vt, Undefined) or isinstance(ve, Undefined):
                self.env[name] = Undefined(name, f"is assigned in only one branch of the `if` at line {self.loc(stmt).line}")
                if getattr(self, "one_branch_values", None) is not None:  # loopvalues.define_before_loop's trial
                    self.one_branch_values.setdefault(name, ve if vt is _UNDEFINED or isinstance(vt, Undefined) else vt)
                continue
            if not isinstance(vt, Value) and not isinstance(ve, Value) and _same_static(vt, ve):
                self.env[name] = vt
                continue
            if type(vt) is tuple and type(ve) is tuple and len(vt) == len(ve):  # t = (a, b) in both branches
                items = []
                for k, (a, b) in enumerate(zip(vt, ve)):
                    (a, b), av = self.join(f"item {k} of '{name}'", [a, b], [then_ops, else_ops], stmt)
                    out = self.b.define(Value(f"{name}_{k}"), av)
                    outputs.append(out)
                    ty.append(a)
                    ey.append(b)
                    items.append(out)
                items = tuple(items)  # a list on both paths is a list (X[idx] gathers its rows)
                self.env[name] = self.mark_list(items) if self.is_list(vt) and self.is_list(ve) else items
                continue
            (vt, ve), av = self.join(name, [vt, ve], [then_ops, else_ops], stmt)
            out = self.b.define(Value(name), av)
            outputs.append(out)
            ty.append(vt)
            ey.append(ve)
            self.env[name] = out
        self.b.ops.append(If(cond, Block(then_ops), Block(else_ops), ty, ey, outputs, self.loc(stmt)))

    # -- conditional expressions and `and` / `or`
    def lower_ifexp(self, node):
        """`a if cond else b`: decided when compiled for a static condition, else an `if` yielding
        the branch's value (only the chosen branch runs, as in Python)."""
        cond = self.condition(node.test)
        if isinstance(cond, bool):
            return self.expr(node.body if cond else node.orelse)
        return self.select(cond, lambda: self.expr(node.body), lambda: self.expr(node.orelse), node)

    def select(self, cond, then_fn, else_fn, node):
        """The value of then_fn() or else_fn(), each lowered in its own branch of an `if` on the
        scalar bool `cond`."""
        vals, blocks = [], []
        for fn in (then_fn, else_fn):
            saved_ops, saved_env = self.b.ops, self.env
            self.b.ops, self.env = [], dict(saved_env)
            try:
                vals.append(fn())
                blocks.append(self.b.ops)
            finally:
                self.b.ops, self.env = saved_ops, saved_env
        if all(type(v) is tuple and not is_struct(v) for v in vals) and len(vals[0]) == len(vals[1]) and all(
                isinstance(x, Value) or _is_number(x) for v in vals for x in v):
            return self.select_items(cond, vals, blocks, node)
        for v in vals:
            if not (isinstance(v, Value) or _is_number(v)):
                raise self.err(UnsupportedSyntaxError, f"a conditional value chosen when the function runs must be "
                               f"a number or an array, not {type(v).__name__}", node,
                               hint="use an `if` statement, or choose with a condition known when the call is compiled")
        if not any(isinstance(v, Value) for v in vals) and _same_static(vals[0], vals[1]):
            return vals[0]
        self.at(node)
        (vt, ve), av = self.join("the conditional expression", vals, blocks, node)
        out = self.b.define(Value(None), av)
        self.b.ops.append(If(cond, Block(blocks[0]), Block(blocks[1]), [vt], [ve], [out], self.loc(node)))
        return out

    def select_items(self, cond, vals, blocks, node):
        """`low if T < 1000.0 else high` of two lists (tuples) of numbers and arrays of one length:
        each item chosen by one `if` (item k of the branch taken), a list again when both are lists."""
        self.at(node)
        items, ty, ey = [], [], []
        for k, pair in enumerate(zip(*vals)):
            (a, b), av = self.join(f"item {k} of the conditional expression", list(pair), blocks, node)
            out = self.b.define(Value(None), av)
            ty.append(a)
            ey.append(b)
            items.append(out)
        self.b.ops.append(If(cond, Block(blocks[0]), Block(blocks[1]), ty, ey, items, self.loc(node)))
        items = tuple(items)
        return self.mark_list(items) if all(self.is_list(v) for v in vals) else items

    def lower_if_returning(self, stmt, rest: list):
        """An `if` with a return inside: the statements after it continue each branch that falls
        through, so both branches end by returning and the `if` yields the result."""
        self.at(stmt)
        cond = self.condition(stmt.test)
        if isinstance(cond, bool):
            return self.lower_stmts((stmt.body if cond else stmt.orelse) + rest)
        then_ops, _, rt = self.branch(stmt.body + ([] if _always_returns(stmt.body) else rest))
        else_ops, _, re_ = self.branch(stmt.orelse + ([] if _always_returns(stmt.orelse) else rest))
        if rt is None or re_ is None:
            raise self.err(AdjitTypeError, "not every path through this `if` returns a value", stmt)
        if holds_structure(rt) or holds_structure(re_):  # a dict, NamedTuple...: one output per leaf (structout.py)
            return joined_structures(self, cond, rt, re_, then_ops, else_ops, stmt)
        if type(rt) is tuple or type(re_) is tuple:  # `return a, b` in both branches: one output per item
            if type(rt) is not tuple or type(re_) is not tuple or len(rt) != len(re_):
                raise self.err(AdjitTypeError, "the branches of this `if` return different numbers of values", stmt)
            ty, ey, outs = [], [], []
            for k, (a, b) in enumerate(zip(rt, re_)):
                (a, b), av = self.join(f"item {k} of the result", [a, b], [then_ops, else_ops], stmt)
                ty.append(a)
                ey.append(b)
                outs.append(self.b.define(Value(None), av))
            self.b.ops.append(If(cond, Block(then_ops), Block(else_ops), ty, ey, outs, self.loc(stmt)))
            return tuple(outs)
        (rt, re_), av = self.join("the result", [rt, re_], [then_ops, else_ops], stmt)
        out = self.b.define(Value(None), av)
        self.b.ops.append(If(cond, Block(then_ops), Block(else_ops), [rt], [re_], [out], self.loc(stmt)))
        return out

    def lower_guarded(self, stmts: list, loop) -> None:
        """`if not (broke or continued): stmts` for the statements after a break/continue."""
        flags = [self.env.get(loop.brk), self.env.get(loop.cont)]
        if any(f is True for f in flags):
            return  # a jump certainly happened: the rest is dead
        live = [f for f in flags if isinstance(f, Value)]
        if not live:
            self.lower_stmts(stmts, loop)
            return
        self.at(stmts[0])
        jumped = live[0] if len(live) == 1 else self.b.emit("logical_or", live)
        guard = ast.If(test=ast.Constant(True), body=[], orelse=stmts)
        ast.copy_location(guard, stmts[0])
        self.lower_if(guard, [], stmts, loop, cond=jumped)

    def peel_while_true_prefix(self, stmt) -> None:
        """`while True:` runs its body at least once: a name first assigned by the body's leading
        `name = expr` statements (before anything that may leave the loop) is defined after it.
        Those statements are run once before the loop too, so that the loop carries the name (their
        value is overwritten by the first iteration before anything reads it)."""
        prefix = []
        for st in stmt.body:
            if _contains_jump([st]) or any(isinstance(n, (ast.Return, ast.Break, ast.Continue)) for n in ast.walk(st)) \
                    or not _peelable(st):
                break
            prefix.append(st)
        new = set()
        for st in prefix:
            new |= {n.id for t in st.targets for n in ast.walk(t) if isinstance(n, ast.Name)} - set(self.env)
        if not new:
            return
        last = max(k for k, st in enumerate(prefix) if {n.id for t in st.targets for n in ast.walk(t)
                                                          if isinstance(n, ast.Name)} & new)
        self.lower_stmts(prefix[:last + 1])

    def not_carried(self, name: str, before, stmt) -> Undefined:
        """What a name assigned in a loop but not carried around it is after the loop: why it
        cannot be read there."""
        if type(before).__name__ == "StructMap" and any(type(v).__name__ == "Slot" for v in before.items.values()) \
                and not any(isinstance(n, ast.Name) and n.id == name and not isinstance(n.ctx, ast.Load)
                            for n in ast.walk(ast.Module(body=list(stmt.body), type_ignores=[]))):
            return before  # only its items were written, each a name the loop carried (staticloops.dict_slots)
        if type(before) is tuple:
            return Undefined(name, f"is a tuple changed inside the loop at line {self.loc(stmt).line}: a tuple "
                                   "cannot be carried around a loop; carry its items as separate names "
                                   "(a, b = ... before the loop and a, b = ... inside it)")
        if type(before).__name__ in ("Masked", "MaskedSquare"):  # masks.py, maskblocks.py
            return Undefined(name, f"is a boolean-mask selection changed inside the loop at line {self.loc(stmt).line}: "
                                   "its number of elements is known only when the function runs, and a loop carries "
                                   "arrays of a shape known when compiled; carry the full-shape np.where(mask, x, 0.0) "
                                   "and select after the loop")
        return Undefined(name, f"is assigned only inside the loop at line {self.loc(stmt).line}; "
                               "assign it before the loop to use it after")

    def loop_carried(self, body: list, extra: tuple = ()) -> list[str]:
        names = sorted(assigned_names(body) | set(extra))
        return [n for n in names if n in self.env and not isinstance(self.env[n], (Undefined, Method))
                and (isinstance(self.env[n], Value) or _is_number(self.env[n]))]

    def lower_loop_body(self, carried: list, init_avals: list, body_fn, node) -> tuple:
        """Lower a loop body until the carried values' types are stable (a weak Python float that
        becomes a float64 array element is widened once). Returns (params, ops, env, yields, avals)."""
        avals = list(init_avals)
        tries = 0
        while tries < 4:
            params = [self.b.define(Value(_hint(n)), av) for n, av in zip(carried, avals)]
            saved_env, saved_ops = self.env, self.b.ops
            self.env = dict(saved_env)
            self.env.update(zip(carried, params))
            self.b.ops = []
            try:
                extra = body_fn()
                ops, env = self.b.ops, self.env
            finally:
                self.env, self.b.ops = saved_env, saved_ops
            if self._drop_undefined(carried, params, avals, init_avals, env, ops, extra, node):
                continue  # lowered again without them
            tries += 1
            yields = [env.get(n, p) for n, p in zip(carried, params)]
            vals, joined = [], []
            changed = False
            for n, p, y, av in zip(carried, params, yields, avals):
                (py, yy), j = self.join(n, [p, y], [[], ops], node, widen=True)
                vals.append(yy)
                joined.append(j)
                if j.type != av.type or j.shape != av.shape:
                    changed = True
            if not changed:
                self.last_body_env = env  # what the body leaves bound (loopvalues.define_before_loop)
                return params, ops, env, vals, avals, extra
            avals = joined
        raise self.err(AdjitTypeError, "the types of the loop's variables do not settle", node)

    def _drop_undefined(self, carried, params, avals, init_avals, env, ops, extra, node) -> bool:
        """A name the loop would carry that the body leaves undefined (`t` of an inner
        `for t in range(a, b)`, which may not run): when no iteration reads the value the previous
        one left (the body never reads its carried parameter), the loop does not carry it (it is
        undefined after the loop); else the located error. Drops them from the lists in place."""
        gone = [k for k, (n, p) in enumerate(zip(carried, params)) if isinstance(env.get(n, p), Undefined)]
        if not gone:
            return False
        body = Block(list(ops) + (list(extra) if isinstance(extra, list) else []))
        read = {v.id for v in free_values(body)} | {env.get(n, p).id for n, p in zip(carried, params)
                                                   if isinstance(env.get(n, p), Value)}
        for k in gone:
            if params[k].id in read:
                raise self.err(AdjitTypeError, f"'{carried[k]}' {env[carried[k]].why}", node)
        for k in reversed(gone):
            del carried[k], avals[k], init_avals[k]
        return True

    def lower_for(self, stmt: ast.For, first=None) -> None:
        self.at(stmt)
        dict_items = self.dict_slots(stmt.body)  # state["m"] = ... in the loop: names it carries (staticloops.py)
        before = dict(self.env)  # the names as the loop finds them (not_carried)
        start, stop, step, bind, hint = self.iteration(stmt)  # iteration.py
        self.at(stmt)
        start, stop, step = (self.value(x, stmt.iter) for x in (start, stop, step))
        for x in (start, stop, step):
            if x.type.kind != "scalar" or x.type.dtype not in ("int64", "int32"):
                raise self.err(AdjitTypeError, f"range() arguments must be integers, not {x.type}", stmt.iter)
        if self.b.aval(step).value == 0:
            raise self.err(AdjitError, "range() step must not be zero", stmt.iter)
        start = start if first is None else first  # the first iteration ran before the loop (peel_first_iteration)
        targets = target_names(stmt.target)
        defined = self.define_before_loop(stmt, start, stop, step, targets)  # loopvalues.py
        if _contains_jump(stmt.body):
            return self.lower_for_as_while(stmt, start, stop, step, bind, targets - defined)
        carried = self.loop_carried(stmt.body, tuple(defined) + dict_items)
        carried = [n for n in carried if n not in targets or n in defined]
        init_avals = [Abstract(self.b.aval(self.value(self.env[n], stmt)).type,
                               self.b.aval(self.value(self.env[n], stmt)).shape) for n in carried]
        index = self.b.define(Value(hint), Abstract(S.scalar_type("int64", True), ()))
        if all(isinstance(v, (int, np.integer)) and v >= lo for v, lo in ((self.b.aval(start).value, 0),
                                                                          (self.b.aval(step).value, 1))):
            self.b.__dict__.setdefault("nonnegative", set()).add(index.id)  # `2 ** i` needs no sign check

        def body():
            bind(index)
            self.lower_stmts(stmt.body, None)

        try:
            params, ops, env, yields, avals, _ = self.lower_loop_body(carried, init_avals, body, stmt)
        except AdjitTypeError as e:  # `acc = 0.0` that the first iteration makes an array (loopvalues.py)
            nxt = None if first is not None else self.peel_first_iteration(e, stmt, start, stop, step, bind)
            if nxt is None:
                raise
            return ControlFlow.lower_for(self, stmt, first=nxt)
        self.stmt = stmt
        self.at(stmt)
        inits = self.cast_inits(carried, avals, stmt)
        outputs = [self.b.define(Value(_hint(n)), av) for n, av in zip(carried, avals)]
        self.b.ops.append(For(index, start, stop, step, inits, params, Block(ops), yields, outputs, self.loc(stmt)))
        for n in assigned_names(stmt.body) | targets:
            if n not in carried:
                self.env[n] = self.not_carried(n, before.get(n), stmt)
        self.env.update(zip(carried, outputs))

    def refuse_static_carried(self, stmt) -> None:
        """A compile-time Python value (a list or tuple, a string, None) that each iteration of a
        `while` loop rebinds and the next reads cannot be an IR value carried around the loop, and
        the loop cannot be unrolled (its trip count is known only when it runs): a located error,
        never the value before the loop read in every iteration. (For loops: staticloops.py.)"""
        from .staticloops import _static_kind, carried
        from .values import LocalFunction

        readers = frozenset(n for n, v in self.env.items() if isinstance(v, LocalFunction))
        for name, v in self.env.items():
            kind = _static_kind(v)
            if kind and carried(stmt.body, name, readers):
                what = {"list": "a list (or tuple)", "string": "a string", "None": "None",
                        "structure": "a dict, a record or an object"}[kind]
                raise self.err(UnsupportedSyntaxError, f"'{name}' is {what} that each iteration of this `while` loop "
                               "rebinds and the next reads: such a value cannot be carried around a loop that runs "
                               "a number of times known only when it runs", stmt,
                               hint="start it from a number or an array of the right shape before the loop (a flag "
                                    "for None), or carry the items of a pair as separate names")

    def lower_for_as_while(self, stmt, start, stop, step, bind, targets) -> None:
        """A for loop with break/continue: a while loop over its index with break/continue flags."""
        counter = f"_{'_'.join(sorted(target_names(stmt.target)))}_next"
        self.env[counter] = start
        test = _loop_test(counter, stop, step)
        also = tuple(sorted(target_names(stmt.target) - targets))  # targets used after the loop (loopvalues.py)
        self.lower_while(stmt, counter=(counter, targets, step, bind, test, also))

    def lower_while(self, stmt, counter=None) -> None:
        if counter is None and any(isinstance(n, ast.NamedExpr) for n in ast.walk(stmt.test)):
            stmt = _walrus_while(stmt)
        self.at(stmt)
        if counter is None and self.unrolled_list_while(stmt):
            return
        dict_items = self.dict_slots(stmt.body)
        self.refuse_static_carried(stmt)
        if counter is None and isinstance(stmt.test, ast.Constant) and stmt.test.value is True:
            self.peel_while_true_prefix(stmt)
        self.define_before_while(stmt, counter)  # `while it < max_iter:` surely entered: loopvalues.py
        before = dict(self.env)  # the names as the loop finds them (not_carried)
        self._loops = getattr(self, "_loops", 0) + 1
        frame = LoopFrame(jumps=_contains_jump(stmt.body), brk=f"_break{self._loops}", cont=f"_continue{self._loops}")
        extra = (counter[0],) + counter[5] if counter else ()
        if frame.jumps:
            self.env[frame.brk] = False
            extra += (frame.brk,)
        carried = self.loop_carried(stmt.body, tuple(extra) + dict_items)
        if counter:
            carried = [n for n in carried if n not in counter[1]]
        init_avals = []
        for n in carried:
            av = self.b.aval(self.value(self.env[n], stmt)) if not isinstance(self.env[n], bool) else None
            if av is None:  # a flag starting as a Python bool
                self.env[n] = self.b.const(bool(self.env[n]))
                av = self.b.aval(self.env[n])
            init_avals.append(Abstract(av.type, av.shape))
        cond_holder = {}

        def body():
            if counter is None:
                self.b.loc = self.loc(stmt.test)
                c = self.condition(stmt.test)
            else:
                self.b.loc = self.loc(stmt)
                c = counter[4](self)
            if frame.jumps:
                c = c if not isinstance(c, bool) else self.b.const(c)
                c = self.b.emit("logical_and", [c, self.b.emit("logical_not", [self.value(self.env[frame.brk], stmt)])])
            if isinstance(c, bool):
                if c:
                    raise self.err(UnsupportedSyntaxError, "`while True` needs a data-dependent exit", stmt)
                c = self.b.const(False)
            cond_holder["cond"] = c
            cond_ops = self.b.ops
            self.b.ops = []
            if frame.jumps:
                self.env[frame.cont] = False
            if counter is not None:
                name, _, stp, bind = counter[:4]
                idx = self.value(self.env[name], stmt)
                bind(idx)
                self.env[name] = self.b.emit("add", [idx, stp])
            self.lower_stmts(stmt.body, frame)
            return cond_ops

        params, ops, env, yields, avals, cond_ops = self.lower_loop_body(carried, init_avals, body, stmt)
        self.stmt = stmt
        self.at(stmt)
        inits = self.cast_inits(carried, avals, stmt)
        outputs = [self.b.define(Value(_hint(n)), av) for n, av in zip(carried, avals)]
        self.b.ops.append(While(inits, params, Block(cond_ops), cond_holder["cond"], Block(ops), yields, outputs,
                                self.loc(stmt)))
        for n in assigned_names(stmt.body) | (counter[1] if counter else set()):
            if n not in carried:
                self.env[n] = self.not_carried(n, before.get(n), stmt)
        self.env.update(zip(carried, outputs))
        for flag in (frame.brk, frame.cont, extra[0] if counter else None):
            self.env.pop(flag, None)


def _peelable(st) -> bool:
    """`name = expr` (or a tuple of names) with no call that may write into an array: safe to run
    once more before a loop (its value is overwritten before it is read)."""
    if not isinstance(st, ast.Assign) or not all(isinstance(t, ast.Name) or isinstance(t, ast.Tuple) and all(
            isinstance(e, ast.Name) for e in t.elts) for t in st.targets):
        return False
    return not any(isinstance(n, ast.Call) and (any(k.arg == "out" for k in n.keywords) or isinstance(
        n.func, ast.Attribute) and n.func.attr in ("at", "fill_diagonal", "copyto", "sort", "fill", "append"))
        for n in ast.walk(st.value))


def _walrus_while(stmt):
    """`while (v := f(v)) < c: body` as `while True: if not ((v := f(v)) < c): break` then body:
    the name the condition binds is then assigned in the body, so the loop carries it (the next
    test reads the new value) and it keeps the failing test's value after the loop, as in Python.
    Carried from the body alone, the test read the value from before the loop on every iteration
    (a loop that never ended) and the name kept its old value after the loop."""
    test = stmt.test
    exit_ = ast.copy_location(ast.If(test=ast.copy_location(ast.UnaryOp(op=ast.Not(), operand=test), test),
                                     body=[ast.copy_location(ast.Break(), test)], orelse=[]), test)
    true = ast.copy_location(ast.Constant(True), test)
    return ast.copy_location(ast.While(test=true, body=[exit_] + list(stmt.body), orelse=stmt.orelse), stmt)
