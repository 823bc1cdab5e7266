"""Complex numbers as pairs of real values. The IR has no complex dtype and no complex derivative
rules: the frontend holds a complex value as a compile-time `ComplexPair(re, im)` of real IR
values and expands every complex operation into real ones on the parts ((a+ib)(c+id) =
(ac-bd) + i(ad+bc), exp(a+ib) = e^a (cos b + i sin b), A @ B as four real products, ...). The
existing real rules then give exact gradients and tangents by construction.

A part None is the +0.0 NumPy gives a real operand's imaginary part (a real operand is (x, None)),
so no zeros are made until a value must have both parts (a name, a loop, an index, a join). The
parts are computed as NumPy computes them (the textbook product, Smith's quotient), the zero
included: `_p` is IEEE arithmetic with None for +0.0 (`x * 0.0` is a zero of x's sign, `0.0 - x`
is +0.0 at x = 0, a Python part may be -0.0), so that a zero part has NumPy's sign, which decides
np.angle, np.log, np.sqrt and non-integer powers on the negative real axis (`np.angle(a - 1j * b)`
at b = 0, a < 0 is pi). Only a part that is None stays free. A Python complex constant stays a
Python number until it meets an IR value. A name bound to a complex
value is a `ComplexRef` in the environment, its parts under the hidden names `<name>.re` and
`<name>.im`, so that branches merge them and loops carry them as any two real arrays
(`z = z * w` in a loop). A complex argument that is not differentiated arrives as two real leaves
(runtime/trees.py, "complex") and is bound to a pair.

Anything not expanded here that receives a complex value is a located error naming it: the
fallback of every primitive and form reads its operands through `Lowerer.value`, which refuses a
complex value, never takes a part of it. The mixin comes first in the Lowerer's bases; lower.py
calls `complex_assign` and `complex_augassign` (its own methods come before any mixin's)."""
from __future__ import annotations

import ast
import cmath
import math
from dataclasses import dataclass

import numpy as np

from .. import shapes as S
from ..errors import AdjitTypeError, UnsupportedSyntaxError
from ..ir import Value
from .values import Method, Undefined, _is_number

_OPS = {"+": ast.Add, "-": ast.Sub, "*": ast.Mult, "/": ast.Div}


def _is_masked(p) -> bool:
    """A boolean-mask selection (masks.py's Masked), which complex arithmetic takes as the array NumPy makes."""
    return type(p).__name__ == "Masked"


@dataclass(eq=False)
class ComplexPair:
    """A complex value: re and im each an IR value, a Python float, or None (exactly zero)."""

    re: object
    im: object


@dataclass(frozen=True)
class ComplexRef:
    """A name bound to a complex value: its parts live in the environment under the names re and
    im (`z_re`, `z_im`: names the function's source does not use, so they are also what the
    generated code calls them)."""

    name: str
    re: str
    im: str


def is_complex(x) -> bool:
    return isinstance(x, (ComplexPair, ComplexRef, complex, np.complexfloating))


def holds_complex(x) -> bool:
    """x is complex, or a tuple or list (nested) holding a complex item."""
    return is_complex(x) or type(x) is tuple and any(holds_complex(e) for e in x)


def complex_part_dtype(d):
    """float64/float32 when d names a complex dtype (complex, np.complex128, 'complex64'), else None."""
    if d is None or isinstance(d, Value) or not isinstance(d, (type, str, np.dtype)):
        return None
    try:
        dt = np.dtype(d)
    except TypeError:
        return None
    return ("float32" if dt.itemsize == 8 else "float64") if dt.kind == "c" else None


_METHODS = {"sum": np.sum, "mean": np.mean, "cumsum": np.cumsum, "reshape": None, "transpose": None, "copy": None,
            "ravel": None, "flatten": None, "squeeze": None, "swapaxes": None, "repeat": None, "diagonal": None,
            "trace": None}


def _part(v: float):
    """A Python complex's part: None for +0.0, the float otherwise (-0.0 keeps its sign)."""
    return None if v == 0.0 and math.copysign(1.0, v) > 0 else v


def _get(table, func):
    """table[func] (or membership, for a set), None for an unhashable func."""
    try:
        return table.get(func) if isinstance(table, dict) else (func in table or None)
    except TypeError:
        return None




class ComplexValues:
    """The Lowerer's complex values (see the module docstring)."""

    # ------------------------------------------------------------------ parts and pairs
    def cx_parts(self, x) -> tuple:
        if isinstance(x, ComplexPair):
            return x.re, x.im
        if isinstance(x, (complex, np.complexfloating)):
            c = complex(x)
            return _part(c.real), _part(c.imag)
        return x, None

    def cx_array_parts(self, x, node) -> tuple:
        """x's parts for a function applied to each part (np.sum, np.cumsum, @): a Python number
        part (the 2.0 of `x + 2j`, the -0.0 of `np.conj` of a real), or a part of a smaller shape
        (the a of `B + 1j * a`), is the array NumPy has there, of the broadcast shape; None stays
        None."""
        re, im = self.cx_parts(x)
        if _is_number(re) and isinstance(im, Value) or _is_number(im) and isinstance(re, Value) or \
                isinstance(re, Value) and isinstance(im, Value) and (  # parts of two shapes: `B + 1j * a`
                    tuple(self.b.aval(re).shape) != tuple(self.b.aval(im).shape) or re.type.rank != im.type.rank):
            return self.cx_full(x, node, zero=False)
        return re, im

    def cx(self, re, im):
        """The complex value of these parts: a Python complex when neither is an IR value; parts of
        an integer dtype become float64 (NumPy's complex128)."""
        if not isinstance(re, Value) and not isinstance(im, Value):
            return complex(0.0 if re is None else re, 0.0 if im is None else im)

        def fl(p):
            if isinstance(p, Value) and p.type.dtype not in ("float32", "float64"):
                return self.b.emit("astype", [p], dtype="float64")
            return float(p) if _is_number(p) else p

        return ComplexPair(fl(re), fl(im))

    def _p(self, op: str, a, b, node):
        """a op b on parts as IEEE computes it, None being +0.0 (the imaginary part of a real
        operand). `x - 0.0` and `x + (-0.0)` are x; `x + 0.0`, `0.0 - x`, `x * 0.0` and the
        divisions are computed (the sign of the zero they give is x's). A value that is a zero
        whatever the data (`x * 0.0`: a part of `-1j * x`) is noted with its sign ('+', '-', '?'),
        and a sum or difference of zeros known to be +0.0 is None again: `(-0.0 * x) - (-0.0)`,
        the real part of `-1j * x`, is +0.0 for every finite x (an infinite x, where NumPy has
        nan, aside)."""
        sa, sb = self._zero_sign(a), self._zero_sign(b)
        if op in "+-" and sb is not None:
            if op == "-":
                sb = {"+": "-", "-": "+"}.get(sb, "?")
            if sb == "-" and not isinstance(b, Value) or op == "-" and b is None:
                return a  # x + (-0.0), x - (+0.0)
            if sa is not None:  # a sum of zeros: +0.0 if either is +0.0, -0.0 if both are -0.0
                sign = "+" if "+" in (sa, sb) else "-" if sa == sb == "-" else "?"
                if sign == "+":
                    return None
                if sign == "-" and not isinstance(a, Value) and not isinstance(b, Value):
                    return -0.0
                return self._note_zero(self.binop(_OPS[op], 0.0 if a is None else a, 0.0 if b is None else b, node), sign)
        if op == "+" and sa == "-" and not isinstance(a, Value):
            return b
        a0, b0 = (0.0 if a is None else a), (0.0 if b is None else b)
        if op == "/" and _is_number(a0) and _is_number(b0):
            with np.errstate(all="ignore"):
                return float(np.float64(a0) / np.float64(b0))
        if op == "*" and (sa is not None or sb is not None):
            if a is None and b is None:
                return None
            if _is_number(a0) and _is_number(b0):
                return a0 * b0
            known = sa not in (None, "?") and sb not in (None, "?") or \
                sa in ("+", "-") and _is_number(b0) or sb in ("+", "-") and _is_number(a0)
            sign = "?"
            if known:
                neg = (math.copysign(1.0, a0) < 0 if _is_number(a0) else sa == "-") != \
                    (math.copysign(1.0, b0) < 0 if _is_number(b0) else sb == "-")
                sign = "-" if neg else "+"
            return self._note_zero(self.binop(_OPS[op], a0, b0, node), sign)
        return self.binop(_OPS[op], a0, b0, node)

    def _zero_sign(self, x):
        """'+' or '-' for a part that is +0.0 or -0.0 (None is +0.0), '?' for a value noted as a
        zero of a sign known when run, None for anything else."""
        if x is None:
            return "+"
        if _is_number(x):
            return None if x != 0 else "-" if math.copysign(1.0, x) < 0 else "+"
        if isinstance(x, Value):
            return self.b.__dict__.get("cx_zero", {}).get(x.id)
        return None

    def _note_zero(self, v, sign: str):
        if isinstance(v, Value):
            self.b.__dict__.setdefault("cx_zero", {})[v.id] = sign
        return v

    def _neg(self, a):
        if a is None or _is_number(a):
            return -0.0 if a is None else -a
        return self.b.emit("neg", [a])

    def _f(self, func, x, node):
        """A real function of one part: NumPy's own on a Python number (known when compiled); of a
        zero (see _p), the zero itself where f(±0) = ±0, 1 + the zero (1.0, of its shape) where
        f(±0) = 1."""
        if _is_number(x):
            return float(func(x))
        if self._zero_sign(x) is not None:
            if func in (np.sin, np.sinh, np.tan, np.tanh):
                return x
            if func in (np.cos, np.cosh, np.exp):
                return self.binop(ast.Add, x, 1.0, node)
        return self.prim_call(self._prim(func), func, (x,), {}, node)

    @staticmethod
    def _prim(func) -> str:
        from .expressions import _sources

        return _sources()[id(func)]

    def _zeros_like(self, v: Value) -> Value:
        dt = v.type.dtype if v.type.dtype in ("float32", "float64") else "float64"
        if v.type.kind == "scalar":  # a number (zeros_like of a number renders x.shape)
            return self.b.emit("astype", [self.b.const(0.0)], dtype=dt)
        return self.b.emit("zeros_like", [v], dtype=dt)

    def cx_full(self, x, node, zero: bool = True) -> tuple:
        """The parts of x as IR values of one (the broadcast) shape; a zero part stays None unless
        `zero`."""
        re, im = self.cx_parts(x)
        re, im = (self.value(p, node) if _is_number(p) else p for p in (re, im))
        if re is None or im is None:
            v = im if re is None else re
            if v is None:
                raise self.err(AdjitTypeError, "a complex value with no part computed when the function runs", node)
            zero_part = self._zeros_like(v) if zero else None
            return (zero_part, v) if re is None else (v, zero_part)
        sr, si = self.b.aval(re).shape, self.b.aval(im).shape
        if sr != si or re.type.rank != im.type.rank or None in sr:  # x - 0.0 is x, -0.0 included
            re, im = self.b.emit("sub", [re, self._zeros_like(im)]), self.b.emit("sub", [im, self._zeros_like(re)])
        return re, im

    # ------------------------------------------------------------------ names
    def name(self, ident: str, node):
        val = super().name(ident, node)
        if isinstance(val, ComplexRef):
            parts = [self.env.get(val.re), self.env.get(val.im)]
            for p in parts:
                if isinstance(p, Undefined):
                    raise self.err(AdjitTypeError, f"'{ident}' {p.why}", node)
            return ComplexPair(*parts)
        return val

    def bind_complex(self, name: str, val, node) -> ComplexRef:
        if isinstance(val, (complex, np.complexfloating)):
            val = ComplexPair(self.b.const(complex(val).real), self.b.const(complex(val).imag))
        re, im = self.cx_full(val, node)
        ref = self.env.get(name)
        if not isinstance(ref, ComplexRef):
            ref = ComplexRef(name, self._part_name(name, "re"), self._part_name(name, "im"))
        for part, key, suffix in ((re, ref.re, "re"), (im, ref.im, "im")):
            if part.hint is None:
                part.hint = f"{name}_{suffix}"
            self.env[key] = part
        self.env[name] = ref
        return ref

    def _part_name(self, name: str, part: str) -> str:
        """`z_re`, or `z_re_` ... when the function's source uses that name (or it names another part)."""
        used = self.__dict__.get("_source_names")
        if used is None:
            used = self._source_names = {n.id for n in ast.walk(self.parsed.node) if isinstance(n, ast.Name)} | \
                set(self.parsed.param_names) | {n.arg for n in ast.walk(self.parsed.node) if isinstance(n, ast.arg)}
        key = f"{name}_{part}"
        while key in used or any(isinstance(v, ComplexRef) and key in (v.re, v.im) for v in self.env.values()):
            key += "_"
        return key

    def _refs_for(self, names) -> None:
        """Bind the names that hold a complex pair or a Python complex through ComplexRefs, so that
        a branch or a loop that rebinds them merges or carries their parts."""
        for n in names:
            v = self.env.get(n)
            if isinstance(v, (ComplexPair, complex, np.complexfloating)):
                self.bind_complex(n, v, None)

    def complex_assign(self, target, val, node) -> bool:
        """`z = <complex>`, `H[k] = v` into a complex array; True when done here (lower.py's assign)."""
        if isinstance(target, ast.Name):
            cur = self.env.get(target.id)
            if isinstance(val, ComplexPair):
                self.record_return(target.id, val, node)
                self.bind_complex(target.id, val, node)
                return True
            if isinstance(cur, ComplexRef):  # rebound to a real value: the parts are gone
                gone = Undefined(target.id, f"(a part of the complex '{target.id}') is lost: '{target.id}' changes "
                                            "from complex to real between branches or iterations; give it one type "
                                            "on every path (take .real or np.abs explicitly)")
                self.env[cur.re] = self.env[cur.im] = gone
            return False
        if isinstance(target, ast.Subscript) and isinstance(target.value, ast.Name):
            cur = self.env.get(target.value.id)
            if target.value.id not in self.env and self._complex_global(target.value.id):  # captures.py's parts
                cur = self.expr(target.value)
            self.refuse_captured_write(cur, target.value.id, target, node)
            if isinstance(cur, ComplexPair):
                cur = self.bind_complex(target.value.id, cur, node)
            if isinstance(cur, ComplexRef):
                self.name(target.value.id, target.value)  # a located error if a part is undefined
                for key, part in zip((cur.re, cur.im), self.cx_parts(val)):
                    sub = ast.copy_location(ast.Subscript(ast.Name(key, ast.Load()), target.slice, ast.Store()), target)
                    type(self).assign(self, sub, 0.0 if part is None else part, node)
                return True
        return False

    def _complex_global(self, ident: str) -> bool:
        """`ident` names a complex array of the module or of an enclosing function (captures.py's parts)."""
        fn = self.parsed.fn
        free = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
        try:
            v = free[ident].cell_contents if ident in free else self.parsed.globals.get(ident)
        except ValueError:  # an empty cell
            return False
        return isinstance(v, np.ndarray) and v.dtype.kind == "c"

    def refuse_captured_write(self, cur, name: str, what, node) -> None:
        """A write into a module's (or enclosing function's) complex array, or another name for it: the
        located error lower.py gives a real one (the compiled code holds copies of its parts)."""
        held = (getattr(self.b, "captures", None) or {}).values()
        if isinstance(cur, ComplexPair) and any(p is c for p in (cur.re, cur.im) for c in held):
            raise self.err(UnsupportedSyntaxError, f"`{ast.unparse(what)}` changes in place a complex array of the "
                           f"module (or of an enclosing function), '{name}' here: NumPy keeps the change for the "
                           "next call and for the code that reads it after the call, adjit's compiled function "
                           "works on a copy, so the results would differ", node,
                           hint=f"pass the state as an argument and return its new value, or work on a copy under "
                                f"another name: {name}_work = {name}.copy()")

    def complex_augassign(self, stmt) -> bool:
        """`z += v`, `H -= J * P` on a name bound to a complex array: a write into its parts, as
        NumPy's in-place operators write into the array (other names for it see the change)."""
        if not isinstance(stmt.target, ast.Name) or not isinstance(self.env.get(stmt.target.id), (ComplexRef, ComplexPair)):
            return False
        current = self.name(stmt.target.id, stmt.target)
        self.refuse_captured_write(current, stmt.target.id, stmt, stmt)
        rhs = self.expr(stmt.value)
        self.at(stmt)
        new = self.binop(type(stmt.op), current, rhs, stmt)
        cur_parts = self.cx_full(current, stmt)
        if not isinstance(new, ComplexPair) or cur_parts[0].type.kind != "array":
            self.assign(stmt.target, new, stmt)
            return True
        # both new parts are computed before either is written (each reads both old parts): the
        # writes are copies made after them, so the old real part is not read after its write
        new_parts = [self.value(p, stmt) for p in self.cx_full(new, stmt)]
        new_parts = [self.b.emit("astype", [p], dtype=p.type.dtype) if p.type.kind == "array" else p for p in new_parts]
        parts = [self.in_place_result(c, p, stmt) for c, p in zip(cur_parts, new_parts)]
        self.bind_complex(stmt.target.id, ComplexPair(*parts), stmt)
        return True

    # ------------------------------------------------------------------ control flow (ControlFlow's)
    def lower_if(self, stmt, then_stmts, else_stmts, loop, cond=None):
        from .parse import assigned_names

        self._refs_for(assigned_names(then_stmts) | assigned_names(else_stmts))
        return super().lower_if(stmt, then_stmts, else_stmts, loop, cond)

    def loop_carried(self, body: list, extra: tuple = ()) -> list:
        from .parse import assigned_names

        names = assigned_names(body) | set(extra)
        self._refs_for(names)
        hidden = tuple(k for n in names if isinstance(self.env.get(n), ComplexRef)
                       for k in (self.env[n].re, self.env[n].im))
        return super().loop_carried(body, tuple(extra) + hidden)

    def not_carried(self, name: str, before, stmt):
        cur = self.env.get(name)
        if isinstance(cur, ComplexRef):  # its parts are carried
            return cur
        return super().not_carried(name, before, stmt)

    def refuse_complex_result(self, result) -> None:
        """The differentiated function's result (lower.py's lower)."""
        if is_complex(result) or type(result) is tuple and holds_complex(result):
            raise self.err(AdjitTypeError, "the value to differentiate must be real, and this function returns a "
                           "complex value", self.parsed.node.body[-1],
                           hint="take .real, np.abs(...) or np.abs(...)**2 of it")

    # ------------------------------------------------------------------ expressions
    def expr(self, node):
        if isinstance(node, ast.Constant) and isinstance(node.value, complex):
            return node.value
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
            operand = self.expr(node.operand)
            self.at(node)
            if isinstance(node.op, ast.UAdd):
                return operand
            if is_complex(operand) and not isinstance(operand, ComplexPair):
                return -operand
            if isinstance(operand, ComplexPair):
                return self.cx(self._neg(operand.re), self._neg(operand.im))
            if _is_number(operand):
                return -operand
            if type(operand).__name__ == "Masked":
                return self.masked_elementwise("neg", [operand], node)
            return self.b.emit("neg", [self.value(operand, node)])
        return super().expr(node)

    def binop(self, optype, left, right, node):
        abs_of = self.b.__dict__.get("cx_abs", {})
        if optype is ast.Pow and isinstance(left, Value) and left.id in abs_of and right == 2:
            a, b = abs_of[left.id]  # np.abs(z) ** 2: a*a + b*b (no square root, smooth at 0)
            return self._p("+", self._p("*", a, a, node), self._p("*", b, b, node), node)
        if not (is_complex(left) or is_complex(right)) or type(left) is tuple or type(right) is tuple:
            return super().binop(optype, left, right, node)
        # a real selection x[mask] with a complex value: the 1-D array NumPy makes (a length known when run)
        left, right = (self.selection_array(v, node) if _is_masked(v) else v for v in (left, right))
        if not isinstance(left, ComplexPair) and not isinstance(right, ComplexPair) \
                and not isinstance(left, Value) and not isinstance(right, Value):
            return self._python(optype, left, right, node)
        a, b = self.cx_parts(left)
        c, d = self.cx_parts(right)
        p = lambda op, x, y: self._p(op, x, y, node)  # noqa: E731
        if optype in (ast.Add, ast.Sub):
            op = "+" if optype is ast.Add else "-"
            return self._of_shape(self.cx(p(op, a, c), p(op, b, d)), (a, b, c, d), node)
        if optype is ast.Mult:
            return self._of_shape(self.cx(p("-", p("*", a, c), p("*", b, d)), p("+", p("*", a, d), p("*", b, c))),
                                  (a, b, c, d), node)
        if optype is ast.Div:
            return self._of_shape(self._cx_divide(a, b, c, d, node), (a, b, c, d), node)
        if optype is ast.MatMult:
            return self.multilinear(np.matmul, [left, right], (0, 1), {}, node)
        if optype is ast.Pow:
            return self.cx_power(left, right, node)
        raise self.err(UnsupportedSyntaxError, f"operator {optype.__name__} on a complex value is not supported "
                       "(NumPy defines no such operation on complex numbers, or adjit does not expand it)", node)

    def _of_shape(self, out, operands, node):
        """out with the broadcast shape of the operands' parts: a part that came out +0.0 (None,
        see _p) where the operands had arrays is +0.0 of their shape when the other part does not
        have it (`(0 * X) + 1j * y` keeps X's rows)."""
        vals = [v for v in operands if isinstance(v, Value)]
        if not vals:
            return out
        parts = list(self.cx_parts(out))
        have = [v for v in parts if isinstance(v, Value)]
        want = S.broadcast_shapes([tuple(self.b.aval(v).shape) for v in vals])
        if have and S.broadcast_shapes([tuple(self.b.aval(v).shape) for v in have]) == want:
            return out
        zero = self._zeros_like(vals[0])
        for v in vals[1:]:
            if tuple(self.b.aval(v).shape) != tuple(self.b.aval(zero).shape):
                zero = self.b.emit("sub", [zero, self._zeros_like(v)])
        for j in (0, 1):  # x - (+0.0) is x, of the broadcast shape
            if parts[j] is not None and (_is_number(parts[j]) or tuple(self.b.aval(parts[j]).shape) != want):
                parts[j] = self.binop(ast.Sub, parts[j], zero, node)
        if parts[0] is None and parts[1] is None:
            parts[0] = zero
        return self.cx(*parts)

    def _cx_divide(self, a, b, c, d, node):
        """(a + bi) / (c + di) by Smith's method, as NumPy divides complex numbers: the smaller part
        of the divisor over the larger (r), so that no square of a part is formed (c*c + d*d
        overflows past 1e154 and underflows below 1e-154, where NumPy's quotient is finite), and
        NumPy's operations in its order, so that a zero part of the quotient has NumPy's sign (the
        numerators over den; NumPy multiplies them by 1 / den, an ulp apart, whose derivative
        -1 / den**2 underflows where den is past 1e154); decided per element where both parts of
        the divisor are values (each branch finite: r is at most 1), now where one is known. A zero
        divisor known only when run gives NumPy's parts over |0| (1 / (0 + 0j) is inf + nan j)."""
        p = lambda op, x, y: self._p(op, x, y, node)  # noqa: E731

        def quotient(first: bool, r, den):
            if first:  # |c| >= |d|
                return self.cx(p("/", p("+", a, p("*", b, r)), den), p("/", p("-", b, p("*", a, r)), den))
            return self.cx(p("/", p("+", p("*", a, r), b), den), p("/", p("-", p("*", b, r), a), den))

        if not isinstance(c, Value) and not isinstance(d, Value):  # numbers: the branch is known now
            c0, d0 = (0.0 if v is None else v for v in (c, d))
            if c0 == 0.0 and d0 == 0.0:  # NumPy divides each part by |c| (inf or nan)
                return self.cx(p("/", a, abs(c0)), p("/", b, abs(c0)))
            if abs(c0) >= abs(d0):
                r = d0 / c0
                return quotient(True, r, c0 + d0 * r)
            r = c0 / d0
            return quotient(False, r, d0 + c0 * r)
        self.at(node)

        def by_zero(larger, out):  # a zero divisor: NumPy divides each part by |0| (inf or nan)
            if not isinstance(larger, Value):
                return out
            zero = self.b.emit("eq", [self.value(larger, node), self.value(0.0, node)])
            pick0 = lambda x, y: self.call_value(np.where, [zero, x, 0.0 if y is None else y], {}, node)  # noqa: E731
            # x / |0| (0 and nan give nan): divided, not x * inf, whose derivative inf made nan of the
            # zero cotangent np.where sends that branch where the divisor is not zero
            size = self.call_value(np.abs, [larger], {}, node)
            return self.cx(*(pick0(p("/", x, size), part) for x, part in zip((a, b), self.cx_parts(out))))

        if self._zero_sign(d) is not None:  # a real divisor: |c| >= |d| (c = 0 aside)
            r = p("/", d, c)
            return by_zero(c, quotient(True, r, p("+", c, p("*", d, r))))
        if self._zero_sign(c) is not None:  # an imaginary divisor (the real part a zero, see _p)
            r = p("/", c, d)
            return by_zero(d, quotient(False, r, p("+", d, p("*", c, r))))
        mag = lambda v: self.call_value(np.abs, [v], {}, node)  # noqa: E731
        big = self.b.emit("ge", [self.value(mag(c), node), self.value(mag(d), node)])
        pick = lambda x, y: self.call_value(np.where, [big, 0.0 if x is None else x, 0.0 if y is None else y], {},  # noqa: E731
                                            node)
        larger, smaller = pick(c, d), pick(d, c)
        r = p("/", smaller, larger)
        den = p("+", larger, p("*", smaller, r))
        re, im = (a, p("*", a, r)), (b, p("*", b, r))  # (the part, the part times r)
        return by_zero(larger, self.cx(p("/", pick(p("+", re[0], im[1]), p("+", re[1], im[0])), den),
                                       p("/", pick(p("-", im[0], re[1]), p("-", im[1], re[0])), den)))

    def _python(self, optype, left, right, node):
        from .expressions import _BINOPS, _PY_BINOPS

        try:
            return _PY_BINOPS[_BINOPS[optype]](left, right)
        except (KeyError, TypeError, ZeroDivisionError) as e:
            raise self.err(UnsupportedSyntaxError, f"{optype.__name__} of complex numbers: {e}", node) from None

    def cx_power(self, z, w, node):
        n = w if isinstance(w, int) else int(w) if isinstance(w, float) and w.is_integer() else None
        if n is None and isinstance(w, Value):
            n = self.static_int(w)
        if n is not None and isinstance(z, ComplexPair):
            result, base, k = None, z, abs(n)
            while k:
                if k & 1:
                    result = base if result is None else self.binop(ast.Mult, result, base, node)
                k >>= 1
                if k:
                    base = self.binop(ast.Mult, base, base, node)
            if result is None:  # z ** 0
                return self.cx(self.binop(ast.Add, self._zeros_like(self.cx_full(z, node)[0]), 1.0, node), None)
            return self.binop(ast.Div, 1.0, result, node) if n < 0 else result
        # z ** w = exp(w log z), the principal branch (NumPy's)
        if _is_number(z) or isinstance(z, (complex, np.complexfloating)):
            log_z = cmath.log(z) if z != 0 else None
            if log_z is None:
                raise self.err(AdjitTypeError, "0 ** (a complex value) is not supported", node)
        else:
            log_z = self.expand("log", [z if isinstance(z, ComplexPair) else ComplexPair(z, None)], {}, node, np.log)
        if not is_complex(w):  # a real exponent scales each part (C's cpow, after NumPy's own cases: 0 ** 0.5 is 0)
            return self.expand("exp", [self.cx_scale(log_z, w, node)], {}, node, np.exp)
        return self.expand("exp", [self.binop(ast.Mult, w, log_z, node)], {}, node, np.exp)

    def cx_scale(self, z, s, node):
        """z times the real s part by part (NumPy's log10 of a complex, a real power's exponent), not
        as NumPy's complex product, whose 0 * inf would make nan of log(0)'s infinite part."""
        return self.cx(*(self._p("*", part, s, node) for part in self.cx_parts(z)))

    def attribute(self, base, node):
        attr = node.attr
        if isinstance(base, ComplexPair):
            if attr in ("real", "imag"):
                part = self.cx_full(base, node)[0 if attr == "real" else 1]
                return part
            if attr == "T":
                return self.cx(*(self._linear(np.transpose, p, (), {}, node) for p in self.cx_array_parts(base, node)))
            if attr in ("shape", "ndim", "size"):
                return super().attribute(self.cx_full(base, node)[0], node)
            if attr == "dtype":
                return np.dtype("complex64" if self.cx_full(base, node)[0].type.dtype == "float32" else "complex128")
            if attr in ("conj", "conjugate", "dot", "astype") or attr in _METHODS:
                return Method(attr, base)
            raise self.err(UnsupportedSyntaxError, f"attribute .{attr} of a complex value is not supported", node)
        if isinstance(base, Value) and attr in ("real", "imag", "conj", "conjugate"):
            if attr == "real":
                return base
            if attr == "imag":
                return self._zeros_like(base)
            return Method(attr, base)
        return super().attribute(base, node)

    def method(self, m, args, kwargs, node):
        x = m.obj
        if isinstance(x, Value) and m.name in ("conj", "conjugate") and not args and not kwargs:
            return x
        if isinstance(x, Value) and m.name == "astype" and (dt := complex_part_dtype(args[0] if args else kwargs.get(
                "dtype"))) is not None and set(kwargs) <= {"dtype", "copy"}:  # x.astype(complex): x + 0j, a copy
            return self.cx(self.b.emit("astype", [x], dtype=dt), None)
        if not isinstance(x, ComplexPair):
            return super().method(m, args, kwargs, node)
        if m.name in ("conj", "conjugate"):
            return self.cx(x.re, self._neg(x.im))
        if m.name == "dot":
            return self.multilinear(np.dot, [x] + list(args), (0, 1), kwargs, node)
        if m.name == "astype":
            dt = complex_part_dtype(args[0] if args else kwargs.get("dtype"))
            if dt is None:
                raise self.err(AdjitTypeError, "a complex array cast to a real dtype (NumPy discards the imaginary "
                               "part with a ComplexWarning)", node, hint="take .real (or np.abs) explicitly")
            return self.cx(*(None if p is None else self.b.emit("astype", [self.value(p, node)], dtype=dt)
                             for p in self.cx_parts(x)))
        if m.name in _METHODS:
            if holds_complex(tuple(args)) or holds_complex(tuple(kwargs.values())):
                raise self.cx_refused(f".{m.name}()", node)
            return self.cx(*(super(ComplexValues, self).method(Method(m.name, p), args, kwargs, node)
                             for p in self.cx_full(x, node)))
        raise self.cx_refused(f".{m.name}()", node)

    def subscript(self, node):
        if isinstance(node.value, ast.Name) and not (node.value.id not in self.env and self._complex_global(node.value.id)):
            v = self.env.get(node.value.id)
            if not isinstance(v, (ComplexRef, ComplexPair)):
                return super().subscript(node)
            base = self.name(node.value.id, node.value)
        else:
            base = self.expr(node.value)
            if not isinstance(base, ComplexPair):
                self.env["<base>"] = base
                try:
                    return super().subscript(ast.copy_location(ast.Subscript(ast.copy_location(
                        ast.Name("<base>", ast.Load()), node.value), node.slice, ast.Load()), node))
                finally:
                    self.env.pop("<base>", None)
        out = []
        for part in self.cx_full(base, node):
            self.env["<part>"] = part
            try:
                out.append(super().subscript(ast.copy_location(ast.Subscript(ast.copy_location(
                    ast.Name("<part>", ast.Load()), node.value), node.slice, ast.Load()), node)))
            finally:
                self.env.pop("<part>", None)
        # z[mask] of a complex z: each part the 1-D array NumPy makes (a length known when run)
        return self.cx(*(self.selection_array(p, node) if _is_masked(p) else p for p in out))
