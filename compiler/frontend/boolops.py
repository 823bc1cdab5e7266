"""`and`, `or` and chained comparisons (`0.0 <= t < 1.0`) with Python's short circuit: the
Lowerer's mixin for boolean operators, apart from the statement-level branches and loops of
control.py, whose `select` and `condition` it uses."""
from __future__ import annotations

import ast

from ..errors import AdjitTypeError
from ..ir import Value
from .control import _known_truth


def _cheap_and_safe(node) -> bool:
    """An operand that may be evaluated even where Python's short circuit would skip it: names,
    constants, arithmetic and comparisons only (no indexing, which may be out of range, and no
    calls)."""
    for n in ast.walk(node):
        if not isinstance(n, (ast.Name, ast.Constant, ast.BinOp, ast.UnaryOp, ast.Compare, ast.Load,
                              ast.operator, ast.unaryop, ast.cmpop, ast.Attribute)):
            return False
    return True


class BoolOps:
    """`a and b`, `a or b`, `not a` as an operand, and chained comparisons."""

    def chained_compare(self, node: ast.Compare):
        """`0.0 <= t < 1.0`: `(0.0 <= t) and (t < 1.0)` with the middle operand computed once (bound
        to a hidden name), so that numbers short-circuit as in Python and arrays get the `and`
        error NumPy's ValueError stands for."""
        operands = [node.left] + list(node.comparators)
        names = []
        for k, e in enumerate(operands):
            if 0 < k < len(operands) - 1 and not isinstance(e, (ast.Name, ast.Constant)):
                hidden = f"_chain{id(node)}_{k}"
                self.env[hidden] = self.expr(e)
                e = ast.copy_location(ast.Name(hidden, ast.Load()), e)
            names.append(e)
        pairs = [ast.copy_location(ast.Compare(left=names[k], ops=[op], comparators=[names[k + 1]]), node)
                 for k, op in enumerate(node.ops)]
        for p in pairs:
            ast.fix_missing_locations(p)
            p.end_lineno, p.end_col_offset = node.end_lineno, node.end_col_offset
        both = ast.copy_location(ast.BoolOp(op=ast.And(), values=pairs), node)
        both.end_lineno, both.end_col_offset = node.end_lineno, node.end_col_offset
        return self.lower_boolop(both)

    def bool_operand(self, node):
        """An operand of `and`/`or`: its value, with `not` of a NumPy bool known when compiled
        (`not FLAG`, FLAG = np.bool_(False)) decided then, as a Python bool; `not ys` of a list
        built by .append is its emptiness."""
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            inner = self.list_truth(self.bool_operand(node.operand), node.operand)
            if _known_truth(inner) is not None:
                return not _known_truth(inner)
            self.at(node)
            return self.b.emit("logical_not", [self.value(inner, node)])
        return self.expr(node)

    def list_truth(self, c, node):
        """Python's truth of a list built by .append (`if ys:`, `while not ys`): its length > 0, a
        bool when known when compiled; anything else as it is."""
        kind = type(c).__name__
        if kind not in ("BuiltList", "_Probe"):
            return c
        n = c.count if kind == "_Probe" else self.call_value(len, [c], {}, node)
        if _known_truth(n) is not None:
            return _known_truth(n)
        self.at(node)
        return self.b.emit("gt", [self.value(n, node), self.value(0, node)])

    def lower_boolop(self, node, as_condition: bool = False):
        """`a and b` / `a or b` with Python's short circuit: the right operand is evaluated only
        when the left one does not decide (it may index out of range otherwise). Static operands
        are decided when compiled; otherwise an `if` on the left operand's truth. As a branch's
        condition (where only the truth of the result is read) a list operand is its truth."""
        is_and = isinstance(node.op, ast.And)
        operand = (lambda n: self.list_truth(self.bool_operand(n), n)) if as_condition else self.bool_operand
        left = operand(node.values[0])
        for k in range(1, len(node.values)):
            rest = node.values[k]
            if _known_truth(left) is not None:  # `hetero or {}`: Python's truth of a container, decided
                if _known_truth(left) != is_and:  # decided: `False and ...`, `True or ...`
                    return left
                left = operand(rest)
                continue
            if not isinstance(left, Value) or left.type.kind != "scalar":
                if type(left).__name__ in ("BuiltList", "_Probe"):  # `ys = r or [v]`: the list itself
                    raise self.err(AdjitTypeError, f"`and`/`or` of {left.__name__} as a value (the list or the "
                                   "other operand, decided when the function runs) is not supported",
                                   node.values[k - 1], hint="decide with an if statement: `if r: ys = r` / `else: ...`")
                what = left.type if isinstance(left, Value) else type(left).__name__
                raise self.err(AdjitTypeError, f"the truth value of {what} is ambiguous in `and`/`or`", node.values[k - 1],
                               hint="reduce arrays first (np.all(...) is np.min(x > 0) here), or use & and | elementwise")
            self.at(node)
            truth = left if left.type.dtype == "bool" else self.b.emit("ne", [left, self.b.const(0)])
            if _cheap_and_safe(rest) and left.type.dtype == "bool":
                right = operand(rest)
                if isinstance(right, Value) and right.type.kind == "scalar" and right.type.dtype == "bool":
                    self.at(node)
                    left = self.b.emit("logical_and" if is_and else "logical_or", [left, right])
                    continue
                if isinstance(right, bool):
                    left = (left if right else self.b.const(False)) if is_and else (self.b.const(True) if right else left)
                    continue
            l_val = left
            if is_and:
                left = self.select(truth, lambda: operand(rest), lambda: l_val, node)
            else:
                left = self.select(truth, lambda: l_val, lambda: operand(rest), node)
        return left
