"""What a `for` loop runs over, as an index loop: `range(...)`, an array's rows, and
`reversed(...)`, `enumerate(...)` and `zip(...)` of those, nested as Python allows. A loop over a
plain range keeps the user's name for its index; `reversed(range(...))` is a range running
backwards; the others run an index k over range(length) and bind the target from item k."""
from __future__ import annotations

import ast
import itertools
import math
from dataclasses import dataclass

import numpy as np

from ..errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ..ir import Value


@dataclass
class Seq:
    """A sequence a loop runs over: ("range", start, stop, step), ("array", x),
    ("enumerate", inner, start), ("zip", seqs), ("reversed", inner) or ("table", seqs, columns,
    tuples, count): itertools.product/combinations/permutations (and np.ndindex) of sequences of
    lengths known when compiled, item k the tuple of seqs[j]'s item tuples()[k][j] (columns[j]: those indices as an
    int64 array, for a run-time k); ("ndenumerate", table, x): item k is (index, x[index])."""

    kind: str
    parts: tuple


_INT_OPS = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
            "floordiv": lambda a, b: a // b, "maximum": max, "minimum": min}
_HINT = "iterate over range(...), an array, or reversed/enumerate/zip of those"
_COMBINATORIC = (itertools.product, itertools.combinations, itertools.combinations_with_replacement,
                 itertools.permutations)


class Iteration:
    """The Lowerer's half that reads a for loop's iterable."""

    def static_int(self, x):
        """A Python int for x when it is known when the call is compiled, else None."""
        if isinstance(x, Value):
            x = self.b.aval(x).value
        return int(x) if isinstance(x, (int, np.integer)) and not isinstance(x, (bool, np.bool_)) else None

    def int_op(self, op, a, b, node):
        """a op b on ints: Python arithmetic when both are known, an IR op otherwise."""
        ka, kb = self.static_int(a), self.static_int(b)
        if ka is not None and kb is not None:
            return _INT_OPS[op](ka, kb)
        if op == "mul" and (ka == 1 or kb == 1):
            return b if ka == 1 else a
        if op in ("add", "sub") and kb == 0:
            return a
        if op == "add" and ka == 0:
            return b
        return self.b.emit(op, [self.value(a, node), self.value(b, node)])

    def loop_sequence(self, it) -> Seq:
        """The iterable of a for loop, read into a Seq."""
        if isinstance(it, ast.Call):
            func = self.expr(it.func)
            if func is range:
                if it.keywords or not 1 <= len(it.args) <= 3:
                    raise self.err(UnsupportedSyntaxError, "range() takes 1 to 3 positional arguments", it)
                args = [self.expr(a) for a in it.args]
                start, stop, step = (0, args[0], 1) if len(args) == 1 else (tuple(args) + (1,))[:3]
                self.at(it)
                start, stop, step = (self.value(x, it) for x in (start, stop, step))
                for x in (start, stop, step):
                    if x.type.kind != "scalar" or x.type.dtype not in ("int64", "int32"):
                        raise self.err(AdjitTypeError, f"range() arguments must be integers, not {x.type}", it)
                if self.b.aval(step).value == 0:
                    raise self.err(AdjitTypeError, "range() step must not be zero", it)
                return Seq("range", (start, stop, step))
            if func in (reversed, enumerate, zip):
                name = func.__name__
                if func is enumerate:
                    if len(it.args) not in (1, 2) or any(k.arg != "start" for k in it.keywords) \
                            or len(it.args) + len(it.keywords) > 2:
                        raise self.err(UnsupportedSyntaxError, "enumerate() takes an iterable and `start`", it)
                    first = self.expr(it.args[1]) if len(it.args) == 2 else \
                        (self.expr(it.keywords[0].value) if it.keywords else 0)
                    return Seq("enumerate", (self.loop_sequence(it.args[0]), first))
                if it.keywords or (func is reversed and len(it.args) != 1) or not it.args:
                    raise self.err(UnsupportedSyntaxError, f"{name}() takes "
                                   + ("one iterable" if func is reversed else "iterables") + " here", it)
                inner = [self.loop_sequence(a) for a in self.spliced_args(it.args)]
                if func is zip:
                    return Seq("zip", tuple(inner))
                return self.reversed_seq(inner[0], it)
            if func in _COMBINATORIC:
                return self.combinatoric_seq(func, it)
            if func is np.ndindex or func is np.ndenumerate:
                return self.ndindex_seq(func, it)
        seq = self.expr(it)
        if type(seq).__name__ == "BuiltList":  # a list built by .append: its rows (lists.py)
            seq = seq.array
        seq = self.mask_index_value(seq, it, only=True)  # for i in np.nonzero(c)[0]: its positions (masks.py)
        if type(seq).__name__ == "Masked" and seq.rows == 1 and seq.axis == 0 and seq.values.type.rank == 1:
            seq = self.selection_array(seq, it)  # for x in xs[keep]: over NumPy's array of the selected (masks.py)
        if type(seq) is tuple and seq:  # a list of numbers (or of same-shape arrays) in an index loop: its array
            try:
                seq = self._build(seq, it)
            except ShapeError:
                if not isinstance(it, ast.Call):
                    raise
                raise self.err(UnsupportedSyntaxError, "a for loop over the list a call returns runs over an array of "
                               "its items, and these items are tuples or arrays of different shapes", it,
                               hint="bind the list to a name first (`parts = make_batches(X, y)`, then `for xb, yb in "
                                    "parts:`): a loop over a named list is unrolled when the call is compiled") from None
        if isinstance(seq, Value) and seq.type.kind == "array":
            return Seq("array", (seq,))
        if type(seq).__name__ == "Masked":
            raise self.err(UnsupportedSyntaxError, "a for loop over rows selected by a boolean mask (X[mask] of an "
                           "array of more than one dimension)", it,
                           hint="loop over all rows and skip the others: `for i in range(len(X)):` then "
                                "`if not mask[i]: continue`")
        raise self.err(UnsupportedSyntaxError, "for loops run over range(...), an array's first axis, or "
                       "reversed/enumerate/zip of those", it, hint=_HINT)

    def combinatoric_seq(self, func, it: ast.Call) -> Seq:
        """itertools.product(*seqs, repeat=r), combinations(seq, r), combinations_with_replacement(seq, r)
        and permutations(seq[, r]) over ranges, arrays' rows, ... of lengths known when compiled: the
        index tuples Python's itertools makes for range(length), read as a table (item k: row k)."""
        name = f"itertools.{func.__name__}"
        kw = {k.arg: self.expr(k.value) for k in it.keywords}
        if func is itertools.product:
            repeat = self.static_int(kw.pop("repeat", 1))
            if kw or not it.args or repeat is None or repeat < 0:
                raise self.err(UnsupportedSyntaxError, f"{name}() takes iterables and `repeat=` (an int known when "
                               "compiled) here", it, hint=_HINT)
            seqs = [self.loop_sequence(a) for a in it.args] * repeat
        else:
            args = [self.expr(a) for a in it.args[1:]] + ([kw.pop("r")] if "r" in kw else [])
            r = self.static_int(args[0]) if args else None
            if kw or len(it.args) < 1 or len(args) > 1 or (r is None and (args or func is not itertools.permutations)) \
                    or (r is not None and r < 0):
                raise self.err(UnsupportedSyntaxError, f"{name}() takes an iterable and a length r (an int known when "
                               "compiled) here", it, hint=_HINT)
            seq = self.loop_sequence(it.args[0])
            seqs = None
        lengths = [self.static_int(self.seq_length(q, it)) for q in (seqs if seqs is not None else [seq])]
        if any(n is None for n in lengths):
            raise self.err(UnsupportedSyntaxError, f"{name}() over a sequence whose length is known only when the "
                           "function runs", it, hint="loop over range(n) twice, nested (for i in range(n): for j in "
                           "range(i + 1, n): ...)")
        if seqs is not None:
            count = math.prod(lengths)

            def tuples():
                return itertools.product(*(range(n) for n in lengths))
        else:
            n = lengths[0]
            r = n if r is None else r
            count = {itertools.combinations: lambda: math.comb(n, r) if r <= n else 0,
                     itertools.combinations_with_replacement: lambda: math.comb(n + r - 1, r) if n or not r else 0,
                     itertools.permutations: lambda: math.perm(n, r) if r <= n else 0}[func]()
            seqs = [seq] * r

            def tuples():
                return func(range(n), r)
        if count > 1 << 24:
            raise self.err(UnsupportedSyntaxError, f"{name}() makes {count} tuples here (at most 2**24)", it,
                           hint="write the nested loops")
        self.at(it)
        columns = self._table_columns(func, tuples, count, len(seqs), lengths, it)
        return Seq("table", (tuple(seqs), columns, tuples, count))

    def ndindex_seq(self, func, it: ast.Call) -> Seq:
        """np.ndindex(shape) / np.ndindex(*dims): itertools.product of the ranges (index tuples in C
        order); np.ndenumerate(x): item k is (index tuple, x[index]); shapes known when compiled."""
        if it.keywords or not it.args:
            raise self.err(UnsupportedSyntaxError, f"np.{func.__name__}() takes " + ("a shape" if func is np.ndindex
                           else "one array") + " here", it, hint=_HINT)
        args = self.call_args(it.args)
        if func is np.ndenumerate:
            if len(args) != 1 or not isinstance(args[0], Value) or args[0].type.kind != "array":
                raise self.err(UnsupportedSyntaxError, "np.ndenumerate() of one array here", it, hint=_HINT)
            x = args[0]
            dims = tuple(self.b.aval(x).shape)
        else:
            shape = args[0] if len(args) == 1 else tuple(args)
            if isinstance(shape, Value) and shape.type.kind == "tuple":
                shape = self.b.aval(shape).value
            dims = (shape,) if isinstance(shape, int) else shape
            dims = tuple(self.static_int(d) for d in dims) if isinstance(dims, tuple) else None
        if dims is None or any(d is None for d in dims):
            raise self.err(UnsupportedSyntaxError, f"np.{func.__name__}() over a shape known only when the function "
                           "runs", it, hint="loop over range(x.shape[0]) and range(x.shape[1]), nested")
        self.at(it)
        seqs = tuple(Seq("range", (self.value(0, it), self.value(d, it), self.value(1, it))) for d in dims)
        count = math.prod(dims)

        def tuples():
            return itertools.product(*(range(d) for d in dims))
        table = Seq("table", (seqs, self._table_columns(itertools.product, tuples, count, len(dims), list(dims), it),
                              tuples, count))
        return table if func is np.ndindex else Seq("ndenumerate", (table, x))

    def _table_columns(self, func, tuples, rows: int, r: int, lengths: list, node):
        """The columns of an itertools index table as int64 arrays for a loop's run-time index k:
        product by mixed-radix arithmetic on k, pairs in closed form (combinations: the row from a
        square root, with replacement: the pairs of n + 1 shifted) or from k // (n - 1)
        (permutations), other tables of up to 4096 indices as array literals."""
        t = self.b.emit("arange", [self.value(0, node), self.value(rows, node), self.value(1, node)])
        if func is itertools.product or r == 0:
            out, stride = [], 1
            for n in reversed(lengths if func is itertools.product else []):
                q = t if stride == 1 else self.b.emit("floordiv", [t, self.value(stride, node)])
                out.append(self.b.emit("mod", [q, self.value(max(n, 1), node)]))
                stride *= n
            return tuple(reversed(out))
        n = lengths[0]
        if r == 1:
            return (t,)
        if r == 2 and func in (itertools.combinations, itertools.combinations_with_replacement) and n <= 4096:
            # pair k of range(m), i < j, in closed form (exact in float64 for these sizes); with replacement,
            # i <= j, is the pairs of range(n + 1) with j one less (the same order)
            m = n if func is itertools.combinations else n + 1
            emit, const = self.b.emit, self.b.const
            root = emit("sqrt", [emit("add", [emit("mul", [emit("astype", [t], dtype="float64"), const(-8.0)]),
                                               const(float(4 * m * (m - 1) - 7))])])
            q = emit("floordiv", [emit("sub", [emit("mul", [root, const(0.5)]), const(0.5)]), const(1.0)])
            i = emit("sub", [const(m - 2), emit("astype", [q], dtype="int64")])
            rest = emit("sub", [const(m), i])
            half = emit("floordiv", [emit("mul", [rest, emit("sub", [rest, const(1)])]), const(2)])
            j = emit("add", [emit("add", [t, i]), emit("add", [half, const(1 - m * (m - 1) // 2)])])
            if func is itertools.combinations_with_replacement:
                j = emit("sub", [j, const(1)])
            i.hint, j.hint = "rows", "cols"
            return i, j
        if r == 2 and func is itertools.permutations and n >= 2:
            i = self.b.emit("floordiv", [t, self.value(n - 1, node)])
            j = self.b.emit("mod", [t, self.value(n - 1, node)])
            return i, self.b.emit("add", [j, self.b.emit("astype", [self.b.emit("ge", [j, i])], dtype="int64")])
        if rows * r > 4096:
            raise self.err(UnsupportedSyntaxError, f"itertools.{func.__name__}() makes {rows} tuples of {r} here (at "
                           "most 4096 indices)", node, hint="write the nested loops")
        if not rows:
            return (t,) * r
        table = np.array(list(tuples()), dtype=np.int64)
        return tuple(self._build(tuple(int(v) for v in table[:, j]), node) for j in range(r))

    def range_step_sign(self, step, node) -> int:
        s = self.static_int(step)
        if s is None:
            raise self.err(UnsupportedSyntaxError, "a range whose step is computed at run time cannot be reversed, "
                           "enumerated or zipped", node, hint="use a step known when the call is compiled")
        return s

    def reversed_seq(self, inner: Seq, node) -> Seq:
        if inner.kind != "range":
            return Seq("reversed", (inner,))
        start, stop, step = inner.parts
        s = self.range_step_sign(step, node)
        self.at(node)
        if s == 1:  # range(stop - 1, start - 1, -1)
            return Seq("range", tuple(self.value(v, node) for v in
                                      (self.int_op("sub", stop, 1, node), self.int_op("sub", start, 1, node), -1)))
        n = self.seq_length(inner, node, clamp=False)
        last = self.int_op("add", start, self.int_op("mul", self.int_op("sub", n, 1, node), s, node), node)
        end = self.int_op("sub", start, 1, node) if s > 0 else self.int_op("add", start, 1, node)
        return Seq("range", tuple(self.value(v, node) for v in (last, end, -s)))

    def seq_length(self, seq: Seq, node, clamp: bool = True):
        """The number of items (a Python int when known)."""
        if seq.kind == "range":
            start, stop, step = seq.parts
            s = self.range_step_sign(step, node)
            span = self.int_op("sub", stop, start, node) if s > 0 else self.int_op("sub", start, stop, node)
            n = self.int_op("floordiv", self.int_op("add", span, abs(s) - 1, node), abs(s), node)
            return self.int_op("maximum", n, 0, node) if clamp else n
        if seq.kind == "array":
            (x,) = seq.parts
            n = self.b.emit("getitem", [self.b.emit("shape", [x]), self.b.const(0)], index=(("int", 1),))
            return self.static_int(n) if self.static_int(n) is not None else n
        if seq.kind in ("enumerate", "reversed"):
            return self.seq_length(seq.parts[0], node)
        if seq.kind == "table":
            return seq.parts[3]
        if seq.kind == "ndenumerate":
            return seq.parts[0].parts[3]
        lengths = [self.seq_length(s, node) for s in seq.parts]
        n = lengths[0]
        for m in lengths[1:]:
            n = self.int_op("minimum", n, m, node)
        return n

    def spliced_args(self, args: list) -> list:
        """zip(*A), zip(*pairs): a starred argument's items as arguments of their own (names bound here,
        in the loop's scope: `_star{id}_{k}`), as Python splices them; the others as written."""
        out = []
        for a in args:
            if not isinstance(a, ast.Starred):
                out.append(a)
                continue
            items = self.call_args([a])  # its items as call arguments are (a located error if not of known length)
            for k, v in enumerate(items):
                name = f"_star{id(a)}_{k}"
                self.env[name] = v
                out.append(ast.copy_location(ast.Name(name, ast.Load()), a))
        return out

    def seq_item(self, seq: Seq, k, node):
        """Item k of the sequence (a value, or a Python tuple of them for enumerate and zip)."""
        if seq.kind == "range":
            start, _, step = seq.parts
            return self.int_op("add", start, self.int_op("mul", k, step, node), node)
        if seq.kind == "array":
            out = self.b.emit("getitem", [seq.parts[0], self.value(k, node)], index=(("int", 1),))
            return out
        if seq.kind == "enumerate":
            inner, first = seq.parts
            return (self.int_op("add", k, first, node), self.seq_item(inner, k, node))
        if seq.kind == "reversed":
            inner = seq.parts[0]
            n = self.seq_length(inner, node)
            return self.seq_item(inner, self.int_op("sub", self.int_op("sub", n, 1, node), k, node), node)
        if seq.kind == "ndenumerate":
            table, x = seq.parts
            index = self.seq_item(table, k, node)
            self.at(node)
            return index, self.b.emit("getitem", [x] + [self.value(i, node) for i in index],
                                      index=tuple(("int", j + 1) for j in range(len(index))))
        if seq.kind == "table":
            seqs, columns, tuples, _ = seq.parts
            known = self.static_int(k)
            if known is not None:
                row = next(itertools.islice(tuples(), known, None))
                return tuple(self.seq_item(s, i, node) for i, s in zip(row, seqs))
            self.at(node)
            return tuple(self.seq_item(s, self.b.emit("getitem", [c, self.value(k, node)], index=(("int", 1),)), node)
                         for s, c in zip(seqs, columns))
        return tuple(self.seq_item(s, k, node) for s in seq.parts)

    def iteration(self, stmt: ast.For) -> tuple:
        """(start, stop, step, bind, hint): the index loop running `stmt`, and bind(index), which
        binds the loop's target for that index."""
        target = stmt.target
        seq = self.loop_sequence(stmt.iter)
        self.at(stmt)
        if seq.kind == "range" and isinstance(target, ast.Name):
            start, stop, step = seq.parts

            def bind(index):
                self.env[target.id] = index
            return start, stop, step, bind, target.id
        if seq.kind == "array" and isinstance(target, ast.Name):  # for row in x: range(x.shape[0])
            (x,) = seq.parts
            n = self.b.emit("getitem", [self.b.emit("shape", [x]), self.b.const(0)], index=(("int", 1),))
        else:
            n = self.value(self.seq_length(seq, stmt.iter), stmt.iter)
        hint = None
        if seq.kind == "enumerate" and isinstance(target, ast.Tuple) and isinstance(target.elts[0], ast.Name) \
                and self.static_int(seq.parts[1]) == 0:
            hint = target.elts[0].id
        elif seq.kind == "array" and isinstance(target, ast.Name):
            hint = target.id
        if not isinstance(target, (ast.Name, ast.Tuple, ast.List)):
            raise self.err(UnsupportedSyntaxError, "the loop variable must be a name or a tuple of names", target)

        def bind(index):
            self.at(stmt.target)
            val = self.seq_item(seq, index, stmt.iter)
            if isinstance(val, Value) and val.hint is None and isinstance(target, ast.Name):
                val.hint = target.id
            self.assign(target, val, stmt.target)
        return self.value(0, stmt), n, self.value(1, stmt), bind, hint


def target_names(target) -> set:
    if isinstance(target, ast.Name):
        return {target.id}
    if isinstance(target, (ast.Tuple, ast.List)):
        return set().union(*(target_names(e) for e in target.elts))
    return set()
