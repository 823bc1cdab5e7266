"""The norm convention for a hand-written norm: `np.sqrt(np.sum(d ** 2))` (also np.mean, `d @ d`,
`np.dot(d, d)`, `d * d`, np.square, sums of such terms, a positive constant factor, `** 0.5`,
math.sqrt) gets np.linalg.norm's derivative at 0, the subgradient 0, where the chain rule gives
sqrt's inf times the squares' 0: NaN (JAX and PyTorch give NaN there too).

Sound because the argument S is a sum of squares of real values: S == 0 only where every squared
value d is 0, and every path from S back to the inputs passes through a square, whose derivative 2d
is 0 there; sqrt's infinite derivative is only ever multiplied by that 0, so any finite value for
it gives the same (finite) result, and 0 is the one central differences and np.linalg.norm give.
A square of a complex value is not matched (z ** 2 can sum to 0 with z != 0), nor a factor that
can be 0 or carries a derivative (sqrt(c * S) has an infinite derivative in c at c = 0), nor a
value whose square is not recognizably one (np.cbrt(x) ** 3 is untouched).

The value is unchanged (S == 0 is +0.0, whose root is +0.0); the derivative elsewhere too: the
root is `where(S == 0, 0, sqrt(where(S == 0, 1, S)))`, as np.linalg.norm's (forms/linalg.py)."""
from __future__ import annotations

from .ir import Op

_SCALED = ("mul", "div")


def _producer(b, v):
    """The op that made v (in any block); None for a loop's or branch's result or a parameter."""
    op = getattr(b, "producers", {}).get(v.id)
    return op if isinstance(op, Op) else None


def _same(b, x, y, depth=0) -> bool:
    """x and y are the same value: one Value, or the same element/slice of one array."""
    if x is y:
        return True
    if depth > 3:
        return False
    px, py = _producer(b, x), _producer(b, y)
    if px is None or py is None or px.prim != py.prim or px.prim not in ("getitem", "const") or px.attrs != py.attrs:
        return False
    return len(px.inputs) == len(py.inputs) and all(_same(b, u, w, depth + 1) for u, w in zip(px.inputs, py.inputs))


def _real(b, v) -> bool:
    return b.avals[v.id].type.dtype in ("float32", "float64")


def _number(b, v):
    value = b.avals[v.id].value
    return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _positive_constant(b, v) -> bool:
    value = _number(b, v)
    return value is not None and value > 0


def sum_of_squares(b, v, depth=0) -> bool:
    """v is a sum of squares of real values (each term's square recognized in the IR)."""
    if depth > 8 or not _real(b, v):
        return False
    op = _producer(b, v)
    if op is None:
        return False
    ins = op.inputs
    if op.prim == "square":
        return _real(b, ins[0])
    if op.prim == "pow":
        return _number(b, ins[1]) == 2 and _real(b, ins[0])
    if op.prim == "mul" and _same(b, ins[0], ins[1]):
        return _real(b, ins[0])
    if op.prim == "matmul":  # d @ d, np.dot(d, d) of vectors
        return b.avals[ins[0].id].type.rank == 1 and _same(b, ins[0], ins[1])
    if op.prim == "astype":  # math.sqrt(d @ d): its operand cast to a Python float (pyvalues.math_operand)
        return sum_of_squares(b, ins[0], depth + 1)
    if op.prim in ("sum", "mean") or op.prim == "add":
        return all(sum_of_squares(b, u, depth + 1) for u in ins)
    if op.prim in _SCALED:  # a positive constant factor or divisor: sum(d ** 2) / n
        if op.prim == "mul" and _positive_constant(b, ins[0]):
            return sum_of_squares(b, ins[1], depth + 1)
        return _positive_constant(b, ins[1]) and sum_of_squares(b, ins[0], depth + 1)
    return False


def norm_root(b, prim: str, inputs):
    """The safe root of a sum of squares (None for any other sqrt or power): the builder's hook."""
    if prim == "pow" and (len(inputs) != 2 or _number(b, inputs[1]) != 0.5):
        return None
    s = inputs[0]
    if not sum_of_squares(b, s):
        return None
    zero = b.emit("eq", [s, b.const(0.0)])
    root = b.emit("sqrt", [b.emit("where", [zero, b.const(1.0), s])])
    return b.emit("where", [zero, b.const(0.0), root])
