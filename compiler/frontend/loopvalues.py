"""Values a loop hands to the code after it that the user never initialised: the value of a
`return` inside the loop (returns.py rewrites it into a flag and a break), and a name first
assigned inside a loop that surely runs (a trip count known when the call is compiled). Both are
carried through the loop from a placeholder of the right type (zeros), which no path reads: the
type is learnt by lowering the loop once into a scratch block (`trial_lowering`)."""
from __future__ import annotations

import ast
import builtins

import numpy as np

from ..errors import AdjitTypeError, UnsupportedSyntaxError
from ..ir import Abstract, Value
from .parse import assigned_names
from .returns import loaded_after, part_names, return_guard, returned_arity, rewrite_loop_returns
from .structout import dict_return_guard, dict_returns_as_tuples
from .values import Undefined, _is_number


class LoopValues:
    """The Lowerer's half for values defined in a loop and read after it."""

    def trial_lowering(self, fn):
        """Run fn lowering into a scratch block and a copy of the environment; nothing it emits is kept."""
        saved = (self.env, self.b.ops, self.b.loc, self.stmt, getattr(self, "last_body_env", None))
        self.env, self.b.ops = dict(self.env), []
        try:
            return fn()
        finally:
            self.env, self.b.ops, self.b.loc, self.stmt, self.last_body_env = saved

    def cast_inits(self, carried: list, avals: list, node) -> list:
        """The values the carried names have before a loop, cast to the types the loop carries."""
        inits = []
        for n, av in zip(carried, avals):
            v = self.value(self.env[n], node)
            if v.type != av.type:
                v = self.b.emit("astype", [v], dtype=av.type.dtype)
                if av.type.weak:
                    v.type = av.type
                    self.b.avals[v.id] = av
            inits.append(v)
        return inits

    def peel_first_iteration(self, err, stmt: ast.For, start, stop, step, bind):
        """`acc = 0.0` before `for b, c in zip(B, C): acc = acc + b * x / (x - c)` (x an array): Python's
        first iteration makes the number an array, which no loop can carry from a number. When the loop
        surely runs (a trip count known when compiled, at least one), that iteration is lowered before
        the loop, as Python runs it, and the loop runs from the second one carrying the array. Returns
        the index the loop then starts from, or None (not this case: the error stands)."""
        if "changes type between branches or iterations" not in str(err):
            return None
        ends = [self.b.aval(x).value for x in (start, stop, step)]
        if not all(isinstance(x, (int, np.integer)) and not isinstance(x, bool) for x in ends) \
                or len(range(*(int(x) for x in ends))) == 0:
            return None
        self.at(stmt)
        bind(start)
        self.lower_stmts(stmt.body, None)
        self.at(stmt)
        return self.b.emit("add", [start, step])

    def zero_of(self, av: Abstract, node, what: str):
        """A placeholder of abstract value av (never read: it only gives a carried value its type)."""
        t = av.type
        if t.kind == "scalar":
            if t.weak:
                return False if t.dtype == "bool" else 0 if t.dtype.startswith("int") else 0.0
            return self.b.emit("astype", [self.b.const(0)], dtype=t.dtype)
        if t.kind == "array" and None not in av.shape:
            return self.b.emit("zeros", [self.value(tuple(av.shape), node)], dtype=t.dtype)
        raise self.err(UnsupportedSyntaxError, f"{what} ({t}) is not supported here: "
                       + ("its shape is known only at run time" if t.kind == "array" else "only numbers and arrays"),
                       node, hint="assign the result to a name before the loop, break, and return after the loop")

    # -- return inside a loop
    def lower_loop_returning(self, stmt, rest: list, loop):
        """A loop holding a `return`: the loop with the return as a flag, a value and a break, then
        `if flag: return value`, then the statements after the loop (frontend/returns.py)."""
        self._returns = getattr(self, "_returns", 0) + 1
        value, flag = f"_return{self._returns}", f"_returned{self._returns}"
        keys = None  # `return {"k": a, ...}` or `return Rec(a, b=c)`: returned as a tuple, rebuilt after the loop
        if (as_tuples := dict_returns_as_tuples([stmt], self.returns_record)) is not None:
            (stmt,), keys = as_tuples
        arity = returned_arity(stmt.body + stmt.orelse)  # `return lam, w`: one hidden value per item
        names = part_names(value, arity)
        new = rewrite_loop_returns(stmt, value, flag, arity)
        seen = {n: [] for n in names}
        self.return_avals = dict(getattr(self, "return_avals", {}), **seen)

        def first():
            self.env[flag] = False
            self.lower_stmts([new], loop)
        self.trial_lowering(first)
        for n in names:
            self.return_avals.pop(n)
        self.stmt = stmt
        self.at(stmt)
        inits = {}
        for n in names:
            if seen[n]:
                inits[n] = self.zero_of(seen[n][0].av, seen[n][0].node, "a value returned inside a loop")
            else:  # no return is reached (each is under a condition known to be false)
                inits[n] = 0.0
        self.env[flag] = False
        self.env.update(inits)
        self.lower_stmts([new], loop)
        guard = return_guard(stmt, value, flag, arity)
        guard = guard if keys is None else dict_return_guard(guard, keys)
        if isinstance(guard, ast.Return):  # `while True:` left only by a return: what follows is never run
            rest = []
        return self.lower_stmts([guard] + rest, loop)

    def returns_record(self, call) -> bool:
        """Whether `call` (a return's value) makes a NamedTuple or dataclass: its class named by
        a name or an attribute chain (structout.dict_returns_as_tuples)."""
        import dataclasses

        def named(node):
            if isinstance(node, ast.Name):
                return None if node.id in self.env else self.name(node.id, node)
            if isinstance(node, ast.Attribute):
                return getattr(named(node.value), node.attr, None)
            return None
        try:
            cls = named(call.func)
        except Exception:  # noqa: BLE001 - not a name known here: not a record (the return as it was)
            return False
        return isinstance(cls, type) and (dataclasses.is_dataclass(cls) or (issubclass(cls, tuple) and
                                                                         hasattr(cls, "_fields")))

    def record_return(self, name: str, val, node) -> None:
        """Called by `assign` for the hidden value of a return inside a loop, during the trial."""
        if name in getattr(self, "return_avals", {}):
            av = self.b.aval(self.value(val, node)) if not isinstance(val, tuple) else None
            if av is None or av.type.kind == "tuple":
                raise self.err(UnsupportedSyntaxError, "returning a tuple inside a loop is not supported", node,
                               hint="assign the parts to names before the loop, break, and return after the loop")
            self.return_avals[name].append(_Seen(av, node))

    # -- a name first assigned inside a loop that surely runs
    def define_before_loop(self, stmt: ast.For, start, stop, step, targets: set) -> set:
        """Names the loop assigns on every iteration, not bound before it, and read after it: when
        the loop surely runs (its trip count is known when the call is compiled and positive), they
        are carried from a placeholder and keep the last iteration's value, as in Python."""
        if getattr(self, "in_trial_of", None) is stmt:
            return set()
        bounds = [self.b.aval(v).value for v in (start, stop, step)]
        if any(not isinstance(v, int) for v in bounds) or len(range(*bounds)) < 1:
            return set()
        bound = {n for n, v in self.env.items() if not isinstance(v, Undefined)}
        fn = self.parsed.fn
        outside = set(self.parsed.globals) | set(dir(builtins)) | set(fn.__code__.co_freevars)
        wanted = ((assigned_names(stmt.body) | targets) - bound - outside) & loaded_after(self.parsed.node, stmt)
        if not wanted:
            return set()

        guarded = {}  # a name the body assigns after `if ...: return` (returns.py: a flag and a break)

        def first():
            self.in_trial_of, self.one_branch_values = stmt, guarded
            try:
                self.lower_for(stmt)
                return dict(self.last_body_env or {})
            finally:
                self.in_trial_of, self.one_branch_values = None, None
        try:
            end = self.trial_lowering(first)
        except Exception:  # the real lowering reports it
            return set()
        defined = set()
        self.at(stmt)
        for n in sorted(wanted):
            v = end.get(n)
            if isinstance(v, Undefined) and n in guarded and assigned_unless_returned(stmt.body, n):
                v = guarded[n]  # every pass that skips it returns: the code after the loop never reads it then
            if v is None or isinstance(v, Undefined) or not (isinstance(v, Value) or _is_number(v)):
                continue
            av = self.b.avals.get(v.id) if isinstance(v, Value) else None
            if av is None and isinstance(v, Value):
                continue
            try:
                self.env[n] = v if _is_number(v) else self.zero_of(av, stmt, f"'{n}'")
            except AdjitTypeError:
                continue
            except UnsupportedSyntaxError:
                continue
            defined.add(n)
        return defined

    def lists_to_slots(self, stmt) -> None:
        """A list known when compiled (`vals = [0.0, 0.0, 0.0]`, items of one kind: numbers, or arrays
        of one shape) whose items the body of a loop lowered once writes (`vals[k] = v` in a while
        loop) becomes a list of slots (slots.py) before the loop: an array of its items that the loop
        carries, each write a row write, as Python's one list object is changed in place. Not where
        another name or container holds the same list (Python would change it too)."""
        from .listwrites import written_lists
        from .structures import is_struct

        def holds(v, lst, depth=0):
            return v is lst or depth < 4 and type(v) is tuple and any(holds(e, lst, depth + 1) for e in v)
        for name in sorted(written_lists(stmt.body)):
            lst = self.env.get(name)
            if type(lst) is not tuple or not lst or is_struct(lst) or not self.is_list(lst) or any(
                    n != name and holds(v, lst) for n, v in self.env.items()):
                continue
            kinds = {"number" if _is_number(e) and not isinstance(e, bool) or isinstance(e, Value) and e.type.kind ==
                     "scalar" and e.type.dtype.startswith(("float", "int")) else (e.type.dtype, tuple(
                         self.b.aval(e).shape)) if isinstance(e, Value) and e.type.kind == "array" else None
                     for e in lst}
            if len(kinds) != 1 or None in kinds:
                continue
            self.at(stmt)
            saved, self.stmt = self.stmt, ast.copy_location(ast.Assign(targets=[ast.Name(name, ast.Store())],
                                                                       value=stmt), stmt)  # the list's name
            try:
                self.env[name] = self.slots_of_rows(self._build(lst, stmt), stmt)
            finally:
                self.stmt = saved

    def define_before_while(self, stmt: ast.While, counter=None) -> set:
        """A while loop whose condition is surely true when it is reached (known when compiled:
        `it = 0` ... `while it < max_iter:`) runs its body's first statements at least once: the
        names they assign before any statement that may jump (break, continue, return) and that the
        code after the loop reads are carried from a placeholder, as define_before_loop does for a
        `for` loop that surely runs (a name assigned only after a possible jump stays a located error:
        Python may raise NameError there)."""
        if counter is not None or getattr(self, "in_trial_of", None) is stmt or isinstance(stmt.test, ast.Constant):
            return set()
        prefix = []
        for st in stmt.body:
            if any(isinstance(n, (ast.Break, ast.Continue, ast.Return)) for n in ast.walk(st)):
                break
            prefix.append(st)
        direct = {t.id for st in prefix if isinstance(st, (ast.Assign, ast.AnnAssign, ast.AugAssign))
                  for t in (st.targets if isinstance(st, ast.Assign) else [st.target]) if isinstance(t, ast.Name)}
        bound = {n for n, v in self.env.items() if not isinstance(v, Undefined)}
        fn = self.parsed.fn
        outside = set(self.parsed.globals) | set(dir(builtins)) | set(fn.__code__.co_freevars)
        wanted = (direct - bound - outside) & loaded_after(self.parsed.node, stmt)
        if not wanted:
            return set()

        def entry():
            c = self.condition(stmt.test)
            return c if isinstance(c, bool) else self.b.aval(c).value if isinstance(c, Value) else None

        def first():
            self.in_trial_of = stmt
            try:
                self.lower_while(stmt)
                return dict(self.last_body_env or {})
            finally:
                self.in_trial_of = None
        try:
            if self.trial_lowering(entry) is not True:
                return set()
            end = self.trial_lowering(first)
        except Exception:  # the real lowering reports it
            return set()
        defined = set()
        self.at(stmt)
        for n in sorted(wanted):
            v = end.get(n)
            if not (isinstance(v, Value) and self.b.avals.get(v.id) is not None or _is_number(v)):
                continue
            try:
                self.env[n] = v if _is_number(v) else self.zero_of(self.b.avals[v.id], stmt, f"'{n}'")
            except (AdjitTypeError, UnsupportedSyntaxError):
                continue
            defined.add(n)
        return defined


def assigned_unless_returned(body: list, name: str) -> bool:
    """Whether every pass through a loop's body binds `name` by one of its top-level statements,
    except passes that leave the function: before that statement, the body's only ways out are
    returns (rewritten by returns.py into `..., _returnedN = True; break` and `if _returnedN: break`
    after an inner loop). A genuine break or continue before it could leave the name unbound (a
    NameError in Python), so such a body is not one."""
    for st in body:
        if isinstance(st, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = st.targets if isinstance(st, ast.Assign) else [st.target]
            if any(isinstance(n, ast.Name) and n.id == name for t in targets for n in ast.walk(t)):
                return True
        if not _jumps_only_by_return([st]):
            return False
    return False


def _is_return_flag(node) -> bool:
    return isinstance(node, ast.Name) and node.id.startswith("_returned")


def _jumps_only_by_return(block: list, flagged: bool = False) -> bool:
    """No break or continue of this loop in block but a return's (nested loops' own jumps are theirs)."""
    for k, st in enumerate(block):
        if isinstance(st, ast.Continue):
            return False
        if isinstance(st, ast.Break):
            prev = block[k - 1] if k else None
            by_return = flagged or isinstance(prev, ast.Assign) and any(_is_return_flag(t) for t in prev.targets)
            if not by_return:
                return False
        elif isinstance(st, ast.If):
            if not (_jumps_only_by_return(st.body, flagged or _is_return_flag(st.test))
                    and _jumps_only_by_return(st.orelse, flagged)):
                return False
        elif isinstance(st, (ast.With, ast.Try)):
            parts = [st.body] + ([st.orelse, st.finalbody] + [h.body for h in st.handlers] if isinstance(st, ast.Try)
                                 else [])
            if not all(_jumps_only_by_return(p, flagged) for p in parts):
                return False
    return True


class _Seen:
    def __init__(self, av, node):
        self.av, self.node = av, node

