"""Bounds checks of the lowered rendering (Numba compiles it without bounds checking).

Every integer index into an array is one of:

- a constant: checked in Python against the call's shapes before any compiled code runs (the
  shape rule of `getitem`/`index_update`/`index_add`), so it is rendered as it is, unless the
  axis's extent is known only at run time (a list grown in a `while` loop): then checked where used;
- *affine* in the index of a `for` loop whose body executes it on every iteration, `a * i + c`
  with `a` and `c` invariant in the loop, on an array defined before the loop: an affine function
  of `i` takes its extremes at the first and the last index the range actually takes, so both are
  checked once, before the loop (`_bounds.in_bounds_over`), and the accesses inside the loop are
  rendered as they are;
- anything else (an index read from data, a `while` scan, `i * i`, an access under a branch):
  checked where it is used (`_ix`, runtime/bounds.ix under a short name).

Both raise IndexError (runtime/bounds.py's IndexOutOfBounds) with NumPy's message ("index 5 is
out of bounds for axis 0 with size 5"); a negative index in [-size, 0) wraps, as in NumPy (Numba
wraps it). Slices need nothing: Numba clips them as NumPy does, and an array assigned into a slice
must match its extent (Numba raises ValueError). What this module adds for arrays of run-time
extent is the check that a row written element by element has the extent of its destination
(`_bounds.same_extent`). A value of run-time extent recorded for the reverse sweep needs none: it
goes on a ragged tape, which records each entry's extents (codegen/emitter.ragged_tapes).

The reverse sweep is checked by the same rules, independently of the forward sweep: its indices
are SSA values of their own (recomputed or popped from a tape), so nothing relies on a forward
check having seen the same value.
"""
from __future__ import annotations

from ..ir import For, Op, Value

# Every check is a cached runtime function (runtime/bounds.py): the per-access one under a short
# module-level name. Generated into each module, its raise of a formatted IndexError made Numba
# compile its string formatting in every new process (about 2 s of a cold first call); cached,
# it is loaded, and LLVM still inlines it into the loop it guards.
HELPERS = {
    "_ix": "_ix = _bounds.ix  # i, checked as an index into an axis of size n (runtime/bounds.py)",
}

_INDEX_OPS = ("getitem", "index_update", "index_add")


class BoundsMixin:
    """Mixin of codegen.emitter._Emitter: which indices need a check, and the checks' text."""

    @property
    def proven(self) -> set:
        """(id(op), position of the index item) whose range a check before a loop has covered."""
        d = self.__dict__
        if "_proven" not in d:
            d["_proven"] = set()
        return d["_proven"]

    def use_bounds_helper(self, name: str) -> str:
        if name in HELPERS:
            self.helpers[name] = HELPERS[name]
        return name

    def index_needs_check(self, op, pos: int, v: Value, axis: int | None = None) -> bool:
        """Whether int index item `pos` of op (lowered code), on `axis` of the array, needs a check
        where it is used: a constant only when that axis's extent is known only at run time (a list
        grown in a `while` loop, `hs[7]`: no shape the call was checked against holds it)."""
        if not self.lowered or op is None or op.prim not in _INDEX_OPS:
            return False
        arr = op.inputs[0]
        if arr.type is None or arr.type.kind != "array":
            return False  # a static index into a tuple (x.shape[0]): checked when lowering
        if (id(op), pos) in self.proven:
            return False
        prod = self.producer.get(v.id)
        if prod is not None and prod.prim == "const":
            shape = self.fn.avals[arr.id].shape if arr.id in self.fn.avals else None
            return axis is not None and (shape is None or axis >= len(shape) or shape[axis] is None)
        return True

    def first_check_in_block(self, op, text: str) -> bool:
        """False for a check statement that its block has already run (the same index value against
        the same array's extent: a name holds one value in code with loops or branches, and an
        in-place write keeps its array's name and shape). Statements of a block run in order."""
        d = self.__dict__.setdefault("_block_checks", set())
        key = (self.block_of.get(op.out.id), text)
        if not self.has_control_flow:
            return True  # names of dead values are reused in straight-line code
        if key in d:
            return False
        d.add(key)
        return True

    def checked_index(self, v: Value, array_text: str, axis: int) -> str:
        self.use_bounds_helper("_ix")
        return f"_ix({self.operand(v, 0)}, {array_text}.shape[{axis}], {axis})"

    def extent_checks(self, val: Value, val_text: str, target_text: str, first_axis: int,
                      helper: str = "_bounds.same_extent") -> list[str]:
        """Lines checking that array `val`, written or recorded element by element into
        `target_text` from axis first_axis on, has the destination's extent, for every axis whose
        extent is known only at run time (the others were checked in Python)."""
        shape = self.fn.avals[val.id].shape if val.id in self.fn.avals else (None,) * val.type.rank
        lines = []
        for a in range(val.type.rank):
            if shape[a] is None:
                self.use_bounds_helper(helper)
                lines.append(f"{helper}({val_text}.shape[{a}], {target_text}.shape[{first_axis + a}])")
        return lines

    # ------------------------------------------------------------------ affine proofs
    def loop_bounds_checks(self, node: For, rng: list) -> list[str]:
        """Checks, to run just before `node`, covering every affine index of an array access that its
        body executes on each iteration; the accesses they cover are added to self.proven."""
        if not self.lowered:
            return []
        start = self.loop_range[id(node)][0]
        lines: list[str] = []
        seen: set = set()
        for op in node.body.ops:
            if not isinstance(op, Op) or op.prim not in _INDEX_OPS:
                continue
            arr = self._origin(op.inputs[0], node, start)
            if arr.type is None or arr.type.kind != "array" or not self._available(arr, node, start):
                continue
            arr_text = self.operand(arr, 0)
            axis = 0
            for pos, it in enumerate(op.attrs["index"]):
                if it[0] == "none":
                    continue
                if it[0] == "int":
                    v = op.inputs[it[1]]
                    prod = self.producer.get(v.id)
                    if not (prod is not None and prod.prim == "const"):
                        form = self._affine(v, node, start, 0)
                        if form is not None:
                            a, c = form
                            n = f"{self._atom(arr_text)}.shape[{axis}]"
                            call = (f"_bounds.in_bounds_over({', '.join(rng)}, {self._poly_text(a)}, {self._poly_text(c)}, "
                                    f"{n}, {axis})")
                            if call not in seen:
                                seen.add(call)
                                lines.append(f"{call}  # {self._index_comment(a, c, node)} on axis {axis} of "
                                             f"{arr_text}")
                            self.proven.add((id(op), pos))
                axis += 1
        if lines:
            lines.insert(0, "# bounds: the loop's affine indices, checked at its first and last index")
        return lines

    def _index_comment(self, a: dict, c: dict, node: For) -> str:
        i = self.names.get(node.index.id, "i")
        return self._poly_text(_add(_times(a, {(i,): 1}), c), names=True)

    def _origin(self, v: Value, node: For, start: int) -> Value:
        """The array that v is a version of (through in-place writes made in the loop body, which keep
        the shape): what its extent can be read from before the loop."""
        for _ in range(10000):
            prod = self.producer.get(v.id)
            if prod is None or prod.prim not in ("index_update", "index_add") or self.def_pos.get(v.id, -1) < start:
                break
            v = prod.inputs[0]
        return v

    @staticmethod
    def _atom(text: str) -> str:
        return text if text.replace("_", "a").replace(".", "a").isalnum() else f"({text})"

    def _available(self, v: Value, node: For, start: int) -> bool:
        """Whether v is defined before the loop (or carried by it) and rendered by now."""
        if v.id not in self.names and v.id not in self.exprs:
            return False
        if any(v is c for c in node.carried):
            return True
        return self.def_pos.get(v.id, -1) < start and v is not node.index

    def _affine(self, v: Value, node: For, start: int, depth: int):
        """(a, c) with v == a * node.index + c, where a and c are polynomials (dicts: a tuple of
        factors -> an int coefficient; a factor is a Value invariant in the loop) ; None when v is not
        of that form."""
        if depth > 16:
            return None
        if v is node.index:
            return {(): 1}, {}
        prod = self.producer.get(v.id)
        if prod is not None and prod.prim == "const":
            val = prod.attrs["value"]
            if hasattr(val, "dtype") and getattr(val.dtype, "kind", "") in "iu":
                val = int(val)
            if isinstance(val, bool) or not isinstance(val, int):
                return None
            return {}, ({(): val} if val else {})
        if (self.def_pos.get(v.id, -1) < start and v is not node.index  # invariant: defined before the loop
                and (v.id in self.names or v.id in self.exprs) and v.type is not None and v.type.kind == "scalar"
                and v.type.dtype in ("int64", "int32", "int16", "int8", "uint8", "uint16", "uint32")):
            return {}, {(v,): 1}
        if prod is None or self.def_pos.get(v.id, -1) < start:
            return None
        if self.block_of.get(v.id) != id(node.body):
            return None  # computed in a nested block: not an op of this body
        ins = prod.inputs
        if prod.prim in ("add", "sub"):
            x = self._affine(ins[0], node, start, depth + 1)
            y = self._affine(ins[1], node, start, depth + 1)
            if x is None or y is None:
                return None
            s = 1 if prod.prim == "add" else -1
            return _add(x[0], _times(y[0], {(): s})), _add(x[1], _times(y[1], {(): s}))
        if prod.prim == "neg":
            x = self._affine(ins[0], node, start, depth + 1)
            return None if x is None else (_times(x[0], {(): -1}), _times(x[1], {(): -1}))
        if prod.prim == "mul":
            x = self._affine(ins[0], node, start, depth + 1)
            y = self._affine(ins[1], node, start, depth + 1)
            if x is None or y is None:
                return None
            for p, q in ((x, y), (y, x)):
                if not p[0]:  # p is invariant: p * (a i + c) = (p a) i + p c
                    return _times(p[1], q[0]), _times(p[1], q[1])
            return None
        if prod.prim == "floordiv":  # x // 1 and x // -1 (the row of a hoisted product: (_k - last) // -1)
            x = self._affine(ins[0], node, start, depth + 1)
            y = self._affine(ins[1], node, start, depth + 1)
            if x is not None and y is not None and not y[0] and y[1] in ({(): 1}, {(): -1}):
                return _times(x[0], y[1]), _times(x[1], y[1])
            return None
        return None

    def _poly_text(self, poly: dict, names: bool = False) -> str:
        """A polynomial as an expression (factors are Values, or names already rendered), e.g.
        `i + 1`, `step * _k + a`, `-j + 3`."""
        out = ""
        terms = sorted((k for k in poly if k), key=lambda k: (len(k), [_order(f) for f in k]))
        for key in terms + ([()] if () in poly else []):
            k = poly[key]
            factors = [f if isinstance(f, str) else self.operand(f, 14) for f in key]
            text = " * ".join(([str(abs(k))] if abs(k) != 1 or not factors else []) + factors)
            if not out:
                out = text if k > 0 else f"-{text}"
            else:
                out += f" + {text}" if k > 0 else f" - {text}"
        return out or "0"


def _order(f) -> str:
    return f if isinstance(f, str) else f"~{f.id:012d}"


def _add(p: dict, q: dict) -> dict:
    out = dict(p)
    for k, c in q.items():
        out[k] = out.get(k, 0) + c
        if out[k] == 0:
            del out[k]
    return out


def _times(p: dict, q: dict) -> dict:
    out: dict = {}
    for k1, c1 in p.items():
        for k2, c2 in q.items():
            key = tuple(sorted(k1 + k2, key=_order))
            out = _add(out, {key: c1 * c2})
    return out
