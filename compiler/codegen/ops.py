"""Rendering one op as an expression, in either rendering (a mixin of codegen.emitter._Emitter).

What a primitive looks like comes from its row in compiler/primitives: a template for the
readable rendering, the lowered (Numba) one and scalars inside fused loops (`Primitive.form`),
or CUSTOM, rendered here by `render_<name>`. Reductions are rendered from their row's
`Reduction` (identity and how an element is combined); STATEMENT rows (index writes, tapes) are
emitted as statements by the emitter."""
from __future__ import annotations

import math

from ..errors import InternalCompilerError
from ..ir import Op, print_function
from ..primitives import CUSTOM, PRIMITIVES, STATEMENT
from .gather import gather_helper, readable_index
from .text import ATOM, UNARY, Expr, template, tuple_text


def literal(v) -> Expr:
    if isinstance(v, bool):
        return Expr(repr(v))
    if hasattr(v, "dtype") and hasattr(v, "item"):  # NumPy scalar constant: keep its dtype
        return Expr(f"np.{v.dtype.name}({literal(v.item()).text})")
    if isinstance(v, float):
        if math.isinf(v):
            return Expr("np.inf" if v > 0 else "-np.inf", ATOM if v > 0 else UNARY)
        if math.isnan(v):
            return Expr("np.nan")
    text = repr(v)
    return Expr(text, UNARY if text.startswith("-") else ATOM)


def combine_lines(prim: str, acc: str, part: str) -> list[str]:
    """Lines folding `part` into the accumulator `acc` of reduction `prim` (its row's Reduction)."""
    keep = PRIMITIVES[prim].reduction.keep
    if keep is None:
        return [f"{acc} += {part}"]
    return [f"if {part} {keep} {acc} or {part} != {part}:", f"    {acc} = {part}"]


def _scalar_where(op: Op, arg, f32: bool) -> Expr:
    """np.where of scalars as `a if c else b`, a branch of another dtype than the result (a bool, or
    an int32 where NumPy's where makes float64) cast to it, as NumPy casts it."""
    c, a, b = op.inputs
    dt = op.out.type.dtype

    def branch(v):
        if v.type.dtype != dt and not (f32 and v.type.kind == "scalar" and v.type.weak):
            return f"np.{dt}({arg(v, 0, f32)})"
        return arg(v, 2, f32)
    return Expr(f"{branch(a)} if {arg(c, 2, False)} else {branch(b)}", 1)


# rows whose readable form is a method or attribute of their first operand (`{0}.reshape(...)`), written as
# NumPy's function of the same name when that operand is a number in the readable rendering
_METHOD_FORMS = frozenset({"reshape", "shape", "size"})

# integer arithmetic that can leave a narrow integer's range: rendered on scalars, cast back to its dtype
# as NumPy's arithmetic wraps (Numba computes integers narrower than 64 bits in int64)
_WRAPS = frozenset({"add", "sub", "mul", "neg", "pow"})
_NARROW_INTS = frozenset({"int32", "int16", "int8", "uint32", "uint16", "uint8"})


class OpRenderer:
    """Mixin of codegen.emitter._Emitter: `render(op)` and the renderings it dispatches to."""

    def render(self, op: Op) -> Expr:
        if self.lowered and op.attrs.get("hoisted") and op.prim in ("zeros", "ones"):
            return Expr(f"_alloc.refill({self.loop_buffer(op.out)}, {int(op.prim == 'ones')})")  # passes/loopbuffers.py
        row = PRIMITIVES[op.prim]
        if row.reduction is not None:
            return self.render_reduction(op)
        # lowered scalars of an elementwise op use its scalar form (Numba's np.where / np.clip of
        # scalars give 0-d arrays)
        scalar = self.lowered and row.elementwise and op.out.type is not None and op.out.type.kind == "scalar"
        if op.prim in ("shape", "size") and op.inputs[0].type.kind == "scalar":
            return Expr("1" if op.prim == "size" else "()")  # a 0-d argument is a number in compiled code
        if op.prim in _METHOD_FORMS and not self.lowered and op.inputs[0].type.kind != "array":
            # a number (a constant, a Python float argument) has no .reshape/.shape/.size: NumPy's functions
            return Expr(f"np.{op.prim}({', '.join(self.operand(v, 0) for v in op.inputs)})")
        form = row.form("scalar" if scalar else "lowered" if self.lowered else "readable")
        if form == CUSTOM:
            return getattr(self, f"render_{op.prim}")(op)
        if form is None or form == STATEMENT:
            raise InternalCompilerError(f"codegen has no rendering for primitive {op.prim}", print_function(self.fn))
        return self.render_elementwise(op, self.operand, scalar=scalar)

    def render_elementwise(self, op: Op, arg, scalar: bool) -> Expr:
        """An op written by its row's template; `arg(value, min_prec, f32)` renders an operand.
        With scalar=True the operands are scalars (inside a generated loop)."""
        row = PRIMITIVES[op.prim]
        form = row.form("scalar" if scalar else "lowered" if self.lowered else "readable")
        if form in (None, CUSTOM, STATEMENT):
            raise InternalCompilerError(f"no elementwise rendering for {op.prim}", print_function(self.fn))
        f32 = row.elementwise and op.out.type is not None and op.out.type.dtype == "float32"
        if scalar and op.prim == "where":  # `a if c else b` keeps each branch's type: cast it to NumPy's result
            return _scalar_where(op, arg, f32)
        wraps = (scalar or self.lowered and op.out.type.kind == "scalar") and op.prim in _WRAPS \
            and op.out.type is not None
        if wraps and op.out.type.dtype == "uint64":  # Numba's uint64 with int64 is float64: computed in
            def arg(v, prec, f32, arg=arg):  # int64 (which wraps as uint64 does) and cast back
                return f"np.int64({arg(v, 0, f32)})" if v.type.dtype not in ("float32", "float64", "bool") else arg(v, prec, f32)
        e = template(form).render(op.inputs, op.attrs, arg, f32)
        if wraps and op.out.type.dtype in _NARROW_INTS | {"uint64"}:
            return Expr(f"np.{op.out.type.dtype}({e.text})")  # NumPy wraps at the dtype's width
        return e

    # ---------------------------------------------------------------- CUSTOM rows
    def render_const(self, op: Op) -> Expr:
        t, value = op.out.type, op.attrs["value"]
        if not t.weak and t.kind == "scalar" and not hasattr(value, "dtype"):
            return Expr(f"np.{t.dtype}({literal(value).text})")
        return literal(value)

    def render_matmul(self, op: Op) -> Expr:
        """Lowered @ calls the cached runtime product; Numba's @ needs both operands in one dtype
        (NumPy promotes): the narrower one is cast. A product whose result dies with the call
        (passes/workspace.py) is written into an array taken from the call's workspace."""
        ranks = tuple(v.type.rank for v in op.inputs)
        if max(ranks) > 2:  # stacks of matrices: a loop of BLAS calls (runtime/linalg.py)
            fn = "bvecmat" if ranks[0] == 1 else "bmatvec" if ranks[1] == 1 else "bmatmul"
            return Expr(f"_la.{fn}({', '.join(self._same_dtype_operands(op))})")
        args = self._same_dtype_operands(op)
        if self.lowered and op.attrs.get("hoisted"):  # in a loop, dies in its iteration (passes/loopbuffers.py)
            return Expr(f"_la.matmul_into({', '.join(args)}, {self.loop_buffer(op.out)})")
        if self.lowered and op.attrs.get("workspace"):
            a, b = (self.operand(v, ATOM) for v in op.inputs)  # the shape, without a cast's copy
            dims = ([f"{a}.shape[0]"] if ranks[0] == 2 else []) + ([f"{b}.shape[1]"] if ranks[1] == 2 else [])
            shape = f"({dims[0]},)" if len(dims) == 1 else f"({', '.join(dims)})"
            out = f"_alloc.take(_ws, _wst, {shape}, np.{op.out.type.dtype})"
            return Expr(f"_la.matmul_into({', '.join(args)}, {out})")
        if self.lowered and op.attrs.get("seeded") and ranks == (2, 2):  # tangents' rows (compiler/batching.py)
            return Expr(f"_la.matmul_seeded({', '.join(args)})")
        return Expr(f"_la.matmul({', '.join(args)})")

    def render_outer(self, op: Op) -> Expr:
        if op.inputs[0].type.dtype == op.inputs[1].type.dtype:  # as in the readable rendering
            return template(PRIMITIVES[op.prim].readable).render(op.inputs, op.attrs, self.operand, False)
        return Expr(f"np.outer({', '.join(self._same_dtype_operands(op))})")

    def _same_dtype_operands(self, op: Op) -> list[str]:
        dt = op.out.type.dtype
        args = []
        for v in op.inputs:
            text = self.operand(v, ATOM)
            if v.type.dtype != dt:
                text = f"{text}.astype(np.{dt})"
            args.append(text)
        return args

    def render_transpose(self, op: Op) -> Expr:
        ins, axes = op.inputs, op.attrs["axes"]
        x = self.operand(ins[0], ATOM)
        if list(axes) == list(reversed(range(ins[0].type.rank))):
            return Expr(f"{x}.T")
        if not self.lowered:
            return Expr(f"np.transpose({x}, {axes!r})")
        # lowered: the view by strides. Numba's np.transpose(x, axes) checks the axes by a fancy slice
        # assignment whose error message it formats at run time: 3-4 s of a process's first compile
        name = f"_transpose_{'_'.join(map(str, axes))}"
        shape = ", ".join(f"x.shape[{a}]" for a in axes)
        strides = ", ".join(f"x.strides[{a}]" for a in axes)
        self.helpers[name] = (f"def {name}(x):  # np.transpose(x, {tuple(axes)!r}), a view\n"
                              f"    return np.lib.stride_tricks.as_strided(x, ({shape}), ({strides}))")
        return Expr(f"{name}({self.operand(ins[0], 0)})")

    def render_broadcast_to(self, op: Op) -> Expr:
        ins = op.inputs
        f32 = op.out.type.dtype == "float32"
        if self.lowered and ins[0].type.rank == 0:  # materialized: it feeds a BLAS call or is returned
            return Expr(f"np.full({self.operand(ins[1], 0)}, {self.operand(ins[0], 0, f32)})")
        return Expr(f"np.broadcast_to({self.operand(ins[0], 0, f32)}, {self.operand(ins[1], 0)})")

    def render_expand_dims(self, op: Op) -> Expr:
        x = self.operand(op.inputs[0], 0)
        axes = op.attrs["axis"]
        if self.lowered and op.inputs[0].type.kind == "scalar":  # Numba's np.expand_dims takes arrays only
            return Expr(f"np.full({(1,) * len(axes)!r}, {x})")
        if self.lowered or len(axes) == 1:
            for ax in axes:
                x = f"np.expand_dims({x}, {ax})"
            return Expr(x)
        return Expr(f"np.expand_dims({x}, {axes!r})")

    def render_getitem(self, op: Op) -> Expr:
        return Expr(f"{self.operand(op.inputs[0], ATOM)}[{self.render_index(op.attrs['index'], op.inputs, op)}]")

    def render_gather(self, op: Op) -> Expr:
        """x[idx], x[:, rows, cols]: NumPy's spelling, or a generated loop with checked indices
        (codegen/gather.py: Numba takes one advanced index per indexing operation)."""
        index, ins = op.attrs["index"], op.inputs
        if not self.lowered:
            return Expr(f"{self.operand(ins[0], ATOM)}[{readable_index(index, lambda k: self.operand(ins[k], 0))}]")
        name, text = gather_helper(ins[0].type.rank, index, {k: ins[k].type.rank for k in range(1, len(ins))})
        self.helpers[name] = text
        self.use_bounds_helper("_ix")
        return Expr(f"{name}({', '.join(self.operand(v, 0) for v in ins)})")

    def render_astype(self, op: Op) -> Expr:
        x, dtype = op.inputs[0], op.attrs["dtype"]
        if x.type.kind == "scalar":
            return Expr(f"np.{dtype}({self.operand(x, 0)})")
        return Expr(f"{self.operand(x, ATOM)}.astype(np.{dtype})")

    def render_arange(self, op: Op) -> Expr:
        args = [self.operand(i, 0) for i in op.inputs]
        if args[2] == "1":
            args = args[1:2] if args[0] == "0" else args[:2]
        return Expr(f"np.arange({', '.join(args)})")

    def render_zeros_like(self, op: Op) -> Expr:
        p, x = op.prim, op.inputs[0]
        text = self.operand(x, ATOM)
        dt = op.attrs.get("dtype") or x.type.dtype
        if self.lowered:
            fill = '0' if p == 'zeros_like' else '1'
            if x.type.kind != "array":  # of a number (np.zeros_like(x[0])): a number, NumPy's 0-d array's value
                return Expr(f"np.{dt}({fill})")
            return Expr(f"_alloc.full({text}.shape, {fill}, np.{dt})")
        return Expr(f"np.{p}({text})" if dt == x.type.dtype else f"np.{p}({text}, dtype=np.{dt})")

    render_ones_like = render_zeros_like

    def render_full(self, op: Op) -> Expr:
        dt = op.attrs.get("dtype") or op.out.type.dtype
        fill = op.inputs[1]
        text = self.operand(fill, 0, dt == 'float32')
        if fill.type.dtype != dt and dt != "float32":  # np.full(n, 2.5, dtype=int): the fill cast as NumPy casts it
            text = f"np.{dt}({text})"
        return Expr(f"np.full({self.operand(op.inputs[0], 0)}, {text})")

    def render_tuple(self, op: Op) -> Expr:
        items = [self.operand(i, 0) for i in op.inputs]
        ints = all(i.type is not None and i.type.kind == "scalar" and i.type.dtype in ("int32", "int64")
                   for i in op.inputs)
        if self.lowered and ints and len({i.type.dtype for i in op.inputs}) > 1:  # a shape of int32s and int64s:
            items = [f"np.int64({t})" if i.type.dtype == "int32" else t for i, t in zip(op.inputs, items)]  # one type
        return Expr("(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")")

    # ---------------------------------------------------------------- joining (primitives/joining.py)
    def _joined_operands(self, op: Op) -> list[str]:
        """The operands of a join; lowered, each in the result's dtype (NumPy promotes, Numba's
        np.concatenate / np.stack / list literals want one dtype)."""
        dt = op.out.type.dtype
        out = []
        for v in op.inputs:
            if not self.lowered or v.type.dtype == dt:
                out.append(self.operand(v, 0))
            elif v.type.kind == "scalar":
                out.append(f"np.{dt}({self.operand(v, 0)})")
            else:
                out.append(f"{self.operand(v, ATOM)}.astype(np.{dt})")
        return out

    def loop_buffer(self, v) -> str:
        """A new array of v's shape and dtype made once at the top of the function (passes/loopbuffers.py)."""
        buf = self._fresh("_p")
        shape = self.fn.avals[v.id].shape
        self.loop_buffers.append(f"{buf} = _alloc.empty({tuple_text([str(d) for d in shape])}, np.{v.type.dtype})")
        return buf

    def render_concatenate(self, op: Op) -> Expr:
        items = self._joined_operands(op)
        if self.lowered and op.attrs.get("hoisted"):  # vectors joined into an array made once (loopbuffers.py)
            name = f"_concat{len(items)}_into"
            lines = [f"def {name}({', '.join(f'a{k}' for k in range(len(items)))}, out):  # np.concatenate of vectors into out",
                     "    n = 0"]
            for k in range(len(items)):
                lines += [f"    for i in range(a{k}.shape[0]):", f"        out[n + i] = a{k}[i]", f"    n += a{k}.shape[0]"]
            self.helpers[name] = "\n".join(lines[:-1] + ["    return out"])
            return Expr(f"{name}({', '.join(items)}, {self.loop_buffer(op.out)})")
        axis = op.attrs["axis"]
        tup = "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        return Expr(f"np.concatenate({tup}" + (f", axis={axis})" if axis else ")"))

    def render_stack(self, op: Op) -> Expr:
        items = self._joined_operands(op)
        if all(v.type.kind == "scalar" for v in op.inputs):  # np.array([a, b]) of numbers
            # float32 named: a float32 number out of a Numba helper reaches Python as a float
            dt = ", dtype=np.float32" if op.outputs[0].type.dtype == "float32" else ""
            return Expr(f"np.array([{', '.join(items)}]{dt})")
        axis = op.attrs["axis"]
        tup = "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
        return Expr(f"np.stack({tup}" + (f", axis={axis})" if axis else ")"))

    def render_diagonal(self, op: Op) -> Expr:
        x, k = op.inputs[0], op.attrs["offset"]
        if not self.lowered:
            extra = "" if x.type.rank == 2 and not k else f", {k}" if x.type.rank == 2 else f", {k}, -2, -1"
            return Expr(f"np.diagonal({self.operand(x, 0)}{extra})")
        return Expr(f"{self._diagonal_helper(x.type.rank, embed=False)}({self.operand(x, 0)}, {k})")

    def render_diag_embed(self, op: Op) -> Expr:
        v, k = op.inputs[0], op.attrs["offset"]
        rows, cols = op.attrs.get("rows"), op.attrs.get("cols")
        if not self.lowered and v.type.rank == 1 and rows is None:
            return Expr(f"np.diag({self.operand(v, 0)}" + (f", {k})" if k else ")"))
        helper = self._diagonal_helper(v.type.rank + 1, embed=True)
        return Expr(f"{helper}({self.operand(v, 0)}, {k}, {-1 if rows is None else rows}, {-1 if cols is None else cols})")

    def _diagonal_helper(self, ndim: int, embed: bool) -> str:
        """A loop nest reading (or, embed=True, writing) diagonal k of the last two axes of an
        ndim-dimensional array; the batch axes in front are looped over. Plain Python and NumPy,
        also valid Numba code."""
        name = f"_{'diag_embed' if embed else 'diagonal'}_{ndim}d"
        if name in self.helpers:
            return name
        batch = [f"b{j}" for j in range(ndim - 2)]
        if embed:
            lines = [f"def {name}(v, k, rows, cols):",
                     f"    if rows < 0:  # np.diag(v, k): square, of side len(v) + |k|",
                     f"        rows = cols = v.shape[{ndim - 2}] + abs(k)",
                     f"    out = np.zeros(({''.join(f'v.shape[{j}], ' for j in range(ndim - 2))}rows, cols), v.dtype)",
                     f"    n = v.shape[{ndim - 2}]"]
        else:
            lines = [f"def {name}(x, k):",
                     f"    n = max(0, min(x.shape[{ndim - 2}] - max(-k, 0), x.shape[{ndim - 1}] - max(k, 0)))",
                     f"    out = np.empty(({''.join(f'x.shape[{j}], ' for j in range(ndim - 2))}n), x.dtype)"]
        lines.append("    i0, j0 = max(-k, 0), max(k, 0)")
        ind = "    "
        for j, b in enumerate(batch):
            lines.append(f"{ind}for {b} in range(out.shape[{j}]):")
            ind += "    "
        lines.append(f"{ind}for d in range(n):")
        pre = "".join(f"{b}, " for b in batch)
        if embed:
            lines.append(f"{ind}    out[{pre}i0 + d, j0 + d] = v[{pre}d]")
        else:
            lines.append(f"{ind}    out[{pre}d] = x[{pre}i0 + d, j0 + d]")
        lines.append("    return out")
        self.helpers[name] = "\n".join(lines)
        return name

    # ---------------------------------------------------------------- indexing and reductions
    def render_index(self, index: tuple, ins: list, op: Op | None = None, checks: list | None = None) -> str:
        """An index's text. Lowered code checks each int item that needs it (codegen/bounds.py): inline
        (`_ix(k, x.shape[0], 0)`), or as a statement appended to `checks` when that is given."""
        parts = []
        axis = 0
        for pos, it in enumerate(index):
            if it[0] == "none":
                parts.append("None")
                continue
            if it[0] == "int":
                text = self.operand(ins[it[1]], 0)
                if self.index_needs_check(op, pos, ins[it[1]], axis):
                    array = self.names[op.out.id] if checks is not None else self.operand(ins[0], ATOM)
                    checked = self.checked_index(ins[it[1]], array, axis)
                    if checks is None:
                        text = checked
                    elif self.first_check_in_block(op, checked):
                        checks.append(checked)
                parts.append(text)
            else:
                s = [("" if k is None else self.operand(ins[k], 0)) for k in it[1:]]
                parts.append(f"{s[0]}:{s[1]}" + (f":{s[2]}" if s[2] else ""))
            axis += 1
        return ", ".join(parts) if len(parts) != 1 or parts[0] != "" else ":"

    def render_reduction(self, op: Op) -> Expr:
        x = op.inputs[0]
        axes, keep = op.attrs["axis"], op.attrs["keepdims"]
        full = len(axes) == x.type.rank
        xs = self.operand(x, 0)
        if not self.lowered:
            args = [xs]
            if not full:
                args.append(f"axis={axes[0] if len(axes) == 1 else axes!r}")
            if keep:
                args.append("keepdims=True")
            return Expr(f"np.{op.prim}({', '.join(args)})")
        if full and not keep:
            return Expr(f"np.{op.prim}({xs})")
        return Expr(f"{self.reduction_helper(op.prim, x.type.rank, axes, keep, x.type.dtype)}({xs})")

    def reduction_helper(self, prim: str, ndim: int, axes: tuple, keep: bool, dtype: str) -> str:
        """A generated loop nest for a reduction over `axes` (Numba's np.sum takes one int axis and
        no keepdims)."""
        name = f"_{prim}_{ndim}d_axis{''.join(map(str, axes))}" + ("_keep" if keep else "")
        if name in self.helpers:
            return name
        idx = [f"i{k}" for k in range(ndim)]
        out_shape = [("1" if keep else None) if k in axes else f"x.shape[{k}]" for k in range(ndim)]
        out_shape = [s for s in out_shape if s is not None]
        out_idx = [("0" if keep else None) if k in axes else idx[k] for k in range(ndim)]
        out_idx = [s for s in out_idx if s is not None]
        shape_txt = "(" + ", ".join(out_shape) + ("," if len(out_shape) == 1 else "") + ")"
        tgt = f"out[{', '.join(out_idx)}]" if out_idx else "out[()]"
        acc_dtype = "x.dtype" if dtype in ("float32", "float64") else "np.float64"
        lines = [f"def {name}(x):"]
        red = PRIMITIVES[prim].reduction
        lines.append(f"    out = np.full({shape_txt}, {red.identity}, {acc_dtype})")
        ind = "    "
        for k in range(ndim):
            lines.append(f"{ind}for {idx[k]} in range(x.shape[{k}]):")
            ind += "    "
        elem = f"x[{', '.join(idx)}]"
        if red.keep is None:
            lines.extend(ind + line for line in combine_lines(prim, tgt, elem))
        else:
            lines.append(f"{ind}v = {elem}")
            lines.extend(ind + line for line in combine_lines(prim, tgt, "v"))
        if red.mean:
            count = " * ".join(f"x.shape[{k}]" for k in axes) or "1"
            lines.append(f"    out /= {count}")
        lines.append("    return out")
        self.helpers[name] = "\n".join(lines)
        return name
