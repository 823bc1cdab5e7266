"""Bit operators on integers. `&`, `|` and `^` are the logical rows on booleans (masks); on
integers NumPy computes them bit by bit, which no row does: `x & (2**k - 1)` is `x % 2**k`
(exact in two's complement), anything else on integers is a located error (it was read as a
logical and, `6 & 1` giving 1 where NumPy gives 0). `a >> b` is `a // 2**b` and `a << b` is
`a * 2**b` for integers (NumPy's arithmetic shift; the product wraps as the shift does), shifts
of 0 to 62 bits. `~` of an integer is `-x - 1`. An integer to a negative power known when compiled is
Python's float for Python ints (`k ** -1`, `pow(i, -2)`: float(k) ** -1), NumPy's ValueError (a located
error) for NumPy integers; Numba's integer power gave 0 silently. A negative exponent of Python ints
known only when run is a ValueError there, located. A mixin of the Lowerer, before Expressions' binop."""
from __future__ import annotations

import ast

import numpy as np

from ..errors import AdjitTypeError, UnsupportedSyntaxError
from ..ir import Value

_INTS = ("int64", "int32", "int16", "int8", "uint8", "uint16", "uint32", "uint64")


def _int_kind(x) -> str | None:
    """'int' for an integer (a Python int, an integer value), 'bool' for a boolean, else None."""
    if isinstance(x, (bool, np.bool_)):
        return "bool"
    if isinstance(x, (int, np.integer)):
        return "int"
    if isinstance(x, Value) and x.type.kind in ("scalar", "array"):
        return "int" if x.type.dtype in _INTS else "bool" if x.type.dtype == "bool" else None
    return None


class IntegerBits:
    """The Lowerer's bit operators on integers (see the module docstring)."""

    def prim_call(self, prim, func, args, kwargs, node):
        """A NumPy float ufunc of booleans only (`np.sin(mask)`, `np.exp(True)`): NumPy computes it
        in float16 (three significant digits), which adjit has no dtype for: a located error."""
        from ..primitives import PRIMITIVES
        from ..primitives.elementwise import _ew_float

        ops = [a for a in list(args) + list(kwargs.values()) if a is not None]
        if isinstance(func, np.ufunc) and getattr(np, func.__name__, None) is func and ops \
                and PRIMITIVES[prim].abstract is _ew_float and func not in (np.divide, np.true_divide) \
                and all(_int_kind(a) == "bool" for a in ops):
            raise self.err(AdjitTypeError, f"np.{func.__name__} of booleans: NumPy computes it in float16 (about "
                           "three significant digits), which adjit does not support", node,
                           hint=f"cast first: np.{func.__name__}(b.astype(np.float64)) (or float16 yourself)")
        if prim == "pow" and (func is pow or func is np.power) and len(args) == 2 and not kwargs \
                and _int_kind(args[0]) and _int_kind(args[1]) and any(isinstance(a, Value) for a in args):
            args = (self._negative_power(args[0], args[1], node, "pow" if func is pow else "np.power",
                                         numpy=func is np.power), args[1])
        return super().prim_call(prim, func, args, kwargs, node)

    def _negative_power(self, base, exponent, node, what, numpy=False):
        """The base of an integer power: as a Python float when the exponent is a negative Python int
        known when compiled and the base a Python int (Python's result is float(base) ** exponent); a
        NumPy integer to a negative power is NumPy's ValueError, located."""
        k = self.static_int(exponent)
        weak = lambda v: isinstance(v, (bool, int)) or isinstance(v, Value) and v.type.weak  # noqa: E731
        if k is None and not numpy and weak(base) and weak(exponent) and isinstance(exponent, Value) \
                and exponent.type.kind == "scalar" and exponent.id not in self.b.__dict__.get("nonnegative", ()):
            # its sign known only when run (not a counter of a range from 0 up): Python's float there
            msg = str(self.err(UnsupportedSyntaxError, f"`{what}` of Python ints met a negative exponent: Python's "
                               "value is then a float, adjit's an int", node)).splitlines()[0]
            self.at(node)
            self.b.emit("check", [self.b.emit("ge", [exponent, self.b.const(0)])], exc="ValueError",
                        msg=msg + " (write float(base) ** e where e can be negative)")
            return base
        if k is None or k >= 0:
            return base
        if not numpy and weak(base) and weak(exponent):
            return self.b.emit("astype", [self.value(base, node)], dtype="float64", weak=True)
        raise self.err(AdjitTypeError, f"`{what}` of NumPy integers to a negative power (NumPy raises ValueError: "
                       "Integers to negative integer powers are not allowed)", node,
                       hint="make the base a float first: base.astype(np.float64) ** k, or 1.0 / base ** -k")

    def expr(self, node):
        """`~v`: NumPy's bitwise invert, `-v - 1`, of an integer (and Python's of a Python int or
        bool constant: `~True` is -2); the logical not of a boolean value, as before."""
        if not (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Invert)):
            return super().expr(node)
        operand = self.expr(node.operand)
        self.at(node)
        if isinstance(operand, (bool, int, np.integer, np.bool_)):
            return ~operand
        if isinstance(operand, Value) and operand.type.kind in ("scalar", "array") and (
                operand.type.dtype in _INTS or operand.type.dtype == "bool" and operand.type.weak
                and isinstance(node.operand, ast.Compare)):  # `~(a > 0)` of Python floats: Python's bool, -1 or -2
            if operand.type.dtype == "bool":
                operand = self.b.emit("mul", [operand, self.b.const(1)])
            return self.b.emit("sub", [self.b.emit("neg", [operand]), self.b.const(1)])
        # any other boolean value: NumPy's logical not (`~np.isnan(a)` of a Python float is NumPy's bool)
        if type(operand).__name__ == "Masked":  # ~(h[m] == i): masks.py
            return self.masked_elementwise("logical_not", [operand], node)
        if _int_kind(operand) is None and not isinstance(operand, Value):
            raise self.err(AdjitTypeError, f"`~` of {type(operand).__name__} (Python and NumPy raise TypeError)", node)
        return self.b.emit("logical_not", [self.value(operand, node)])

    def binop(self, optype, left, right, node):
        if optype in (ast.RShift, ast.LShift):
            return self._bit_shift(optype, left, right, node)
        if optype is ast.Pow and _int_kind(left) and _int_kind(right) and (isinstance(left, Value) or isinstance(right, Value)):
            left = self._negative_power(left, right, node, "**")
        if optype in (ast.BitAnd, ast.BitOr, ast.BitXor):
            kinds = {_int_kind(left), _int_kind(right)}
            if "int" in kinds and None not in kinds:
                return self._bits(optype, left, right, node)
            if optype is ast.BitXor and kinds == {"bool"}:  # `a ^ b` of booleans: true where they differ
                if isinstance(left, (bool, np.bool_)) and isinstance(right, (bool, np.bool_)):
                    return left ^ right
                self.at(node)
                return self.b.emit("ne", [self.value(left, node), self.value(right, node)])
        return super().binop(optype, left, right, node)

    def _bit_shift(self, optype, left, right, node):
        what = ">>" if optype is ast.RShift else "<<"
        if _int_kind(left) != "int" or _int_kind(right) != "int":
            raise self.err(AdjitTypeError, f"`{what}` takes integers (NumPy raises for other types)", node)
        if isinstance(left, (int, np.integer)) and isinstance(right, (int, np.integer)):
            return int(left) >> int(right) if optype is ast.RShift else int(left) << int(right)
        k = right if isinstance(right, (int, np.integer)) else self.static_int(right)
        if k is not None and not 0 <= k <= 62:
            raise self.err(UnsupportedSyntaxError, f"a shift by {k} bits is not supported (0 to 62)", node)
        if k is not None:
            factor = 2 ** int(k)
        else:  # 2 ** b for a run-time b, kept within 0..62 (NumPy's shifts past that are not portable)
            b = self.b.emit("clip", [self.value(right, node), self.b.const(0), self.b.const(62)])
            factor = self.b.emit("pow", [self.b.const(2), b])
        return super().binop(ast.FloorDiv if optype is ast.RShift else ast.Mult, left, factor, node)

    def _bits(self, optype, left, right, node):
        mask = right if isinstance(right, (int, np.integer)) and not isinstance(right, bool) else \
            left if isinstance(left, (int, np.integer)) and not isinstance(left, bool) else None
        other = left if mask is right else right
        if isinstance(left, (int, np.integer)) and isinstance(right, (int, np.integer)):
            return {ast.BitAnd: int(left) & int(right), ast.BitOr: int(left) | int(right),
                    ast.BitXor: int(left) ^ int(right)}[optype]
        if optype is ast.BitAnd and mask is not None and mask >= 0 and (mask + 1) & mask == 0:
            return super().binop(ast.Mod, other, int(mask) + 1, node)  # x & (2**k - 1): x % 2**k
        op = {ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^"}[optype]
        raise self.err(UnsupportedSyntaxError, f"bitwise `{op}` of integers is not supported (only `x & (2**k - 1)`, "
                       "which is x % 2**k; `&`, `|`, `^` of booleans are the logical operators)", node,
                       hint="compare first to make booleans: `(a != 0) & (b != 0)`, or use arithmetic on 0/1 "
                            "integers: `a * b` for and, `a + b - a * b` for or")
