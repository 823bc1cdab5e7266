"""Rendering the rows along an axis (compiler/primitives/scans.py): cumsum, cumprod, the linear
recurrence of cumprod's derivatives, argsort (a mixin of codegen.emitter._Emitter).

Readable: NumPy (`np.cumsum(x, axis=1)`, `np.argsort(x, axis=0, kind='stable')`); the linear
recurrence, which NumPy has no spelling for, is a small helper looping along the axis over whole
lanes at once (np.moveaxis). Lowered: Numba's np.cumsum / np.cumprod take no axis, so each row is a
generated loop nest over the array in C order (the loop along the axis runs backwards for a reversed
scan) that reads the element before it along the axis only under `if i > 0` (or `i < n - 1`): every
index is in range by construction. argsort copies each lane into a buffer and calls Numba's
np.argsort(kind='mergesort'), stable like NumPy's kind='stable', so both renderings agree on ties."""
from __future__ import annotations

from ..ir import Op
from .text import Expr


def _nest(rank: int, axis: int, backwards: bool) -> tuple:
    """(loop lines, their indent, the index text, the index of the element before along axis)."""
    lines, ind = [], "    "
    for k in range(rank):
        if k == axis and backwards:
            lines.append(f"{ind}for i{k} in range(x.shape[{k}] - 1, -1, -1):")
        else:
            lines.append(f"{ind}for i{k} in range(x.shape[{k}]):")
        ind += "    "
    idx = ", ".join(f"i{k}" for k in range(rank))
    prev = ", ".join((f"i{k} + 1" if backwards else f"i{k} - 1") if k == axis else f"i{k}" for k in range(rank))
    return lines, ind, idx, prev


def scan_helper(kind: str, rank: int, axis: int, dtype: str, backwards: bool = False) -> tuple:
    """(name, text) of the lowered loop nest computing cumsum ('add') or cumprod ('mul') of x along
    axis into a new array of dtype; backwards: from the end of each lane (a reversed cumsum)."""
    name = f"_{'cumsum' if kind == 'add' else 'cumprod'}_{rank}d_axis{axis}" + ("_rev" if backwards else "") + f"_{dtype}"
    lines, ind, idx, prev = _nest(rank, axis, backwards)
    first = f"i{axis} == x.shape[{axis}] - 1" if backwards else f"i{axis} == 0"
    op = "+" if kind == "add" else "*"
    body = [f"def {name}(x):", f"    out = np.empty(x.shape, np.{dtype})"] + lines + [
        f"{ind}if {first}:",
        f"{ind}    out[{idx}] = x[{idx}]",
        f"{ind}else:",
        f"{ind}    out[{idx}] = out[{prev}] {op} x[{idx}]",
        "    return out"]
    return name, "\n".join(body)


def linrec_helper(rank: int, axis: int, dtype: str, transpose: bool) -> tuple:
    """(name, text) of the lowered loop nest for s_k = b_k + a_k s_{k-1} (transpose: s_k = b_k +
    a_{k+1} s_{k+1}, from the end of each lane)."""
    name = f"_linrec_{rank}d_axis{axis}" + ("_t" if transpose else "") + f"_{dtype}"
    lines, ind, idx, prev = _nest(rank, axis, transpose)
    first = f"i{axis} == x.shape[{axis}] - 1" if transpose else f"i{axis} == 0"
    coef = prev if transpose else idx
    body = [f"def {name}(a, x):", f"    out = np.empty(x.shape, np.{dtype})"] + lines + [
        f"{ind}if {first}:",
        f"{ind}    out[{idx}] = x[{idx}]",
        f"{ind}else:",
        f"{ind}    out[{idx}] = x[{idx}] + a[{coef}] * out[{prev}]",
        "    return out"]
    return name, "\n".join(body)


def readable_linrec_helper(axis: int, dtype: str, transpose: bool) -> tuple:
    """(name, text) of the readable helper: the recurrence over whole lanes, NumPy per step."""
    name = f"_linrec_axis{axis}" + ("_t" if transpose else "") + f"_{dtype}"
    if transpose:
        loop = ["    for k in range(s.shape[0] - 2, -1, -1):", "        s[k] += a[k + 1] * s[k + 1]"]
        what = "s[k] = b[k] + a[k + 1] * s[k + 1], from the end"
    else:
        loop = ["    for k in range(1, s.shape[0]):", "        s[k] += a[k] * s[k - 1]"]
        what = "s[k] = b[k] + a[k] * s[k - 1]"
    lines = [f"def {name}(a, b):", f'    """{what} along axis {axis} (cumprod\'s derivatives)."""']
    if axis == 0:
        lines += [f"    s = b.astype(np.{dtype})"] + loop + ["    return s"]
    else:  # whole lanes at once: the axis first
        lines += [f"    s = np.moveaxis(b.astype(np.{dtype}), {axis}, 0)", f"    a = np.moveaxis(a, {axis}, 0)"]
        lines += loop + [f"    return np.moveaxis(s, 0, {axis})"]
    return name, "\n".join(lines)


def argsort_helper(rank: int, axis: int) -> tuple:
    """(name, text) of the lowered stable argsort of each lane along axis."""
    name = f"_argsort_{rank}d_axis{axis}"
    if rank == 1:
        return name, f"def {name}(x):\n    return np.argsort(x, kind='mergesort')"
    lines, ind = [], "    "
    for k in range(rank):
        if k != axis:
            lines.append(f"{ind}for i{k} in range(x.shape[{k}]):")
            ind += "    "
    at = ", ".join("j" if k == axis else f"i{k}" for k in range(rank))
    body = [f"def {name}(x):",
            "    out = np.empty(x.shape, np.int64)",
            f"    lane = np.empty(x.shape[{axis}], x.dtype)"] + lines + [
        f"{ind}for j in range(x.shape[{axis}]):",
        f"{ind}    lane[j] = x[{at}]",
        f"{ind}p = np.argsort(lane, kind='mergesort')",
        f"{ind}for j in range(x.shape[{axis}]):",
        f"{ind}    out[{at}] = p[j]",
        "    return out"]
    return name, "\n".join(body)


class ScanRenderer:
    """Mixin of codegen.emitter._Emitter: render_<row> for the rows of primitives/scans.py."""

    def _scan(self, op: Op, kind: str) -> Expr:
        x, axis = op.inputs[0], op.attrs["axis"]
        reverse = op.attrs.get("reverse", False)
        fn = "cumsum" if kind == "add" else "cumprod"
        if not self.lowered:
            if reverse:
                return Expr(f"np.flip(np.{fn}(np.flip({self.operand(x, 0)}, {axis}), axis={axis}), {axis})")
            return Expr(f"np.{fn}({self.operand(x, 0)}, axis={axis})")
        name, text = scan_helper(kind, x.type.rank, axis, op.out.type.dtype, reverse)
        self.helpers[name] = text
        return Expr(f"{name}({self.operand(x, 0)})")

    def render_cumsum(self, op: Op) -> Expr:
        return self._scan(op, "add")

    def render_cumprod(self, op: Op) -> Expr:
        return self._scan(op, "mul")

    def render_linrec(self, op: Op) -> Expr:
        a, b = op.inputs
        axis, transpose, dtype = op.attrs["axis"], op.attrs["transpose"], op.out.type.dtype
        if self.lowered:
            name, text = linrec_helper(b.type.rank, axis, dtype, transpose)
        else:
            name, text = readable_linrec_helper(axis, dtype, transpose)
        self.helpers[name] = text
        return Expr(f"{name}({self.operand(a, 0)}, {self.operand(b, 0)})")

    def render_argsort(self, op: Op) -> Expr:
        x, axis = op.inputs[0], op.attrs["axis"]
        if not self.lowered:
            extra = "" if axis == x.type.rank - 1 else f", axis={axis}"
            return Expr(f"np.argsort({self.operand(x, 0)}{extra}, kind='stable')")
        name, text = argsort_helper(x.type.rank, axis)
        self.helpers[name] = text
        return Expr(f"{name}({self.operand(x, 0)})")

