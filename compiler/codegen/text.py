"""Small pieces of generated text shared by the emitters: expressions with their precedence, tuples,
identifiers."""
from __future__ import annotations

import ast
import functools
import keyword
import re
from dataclasses import dataclass

from ..analysis import MAX_INLINE_DEPTH  # noqa: F401  (the emitters import it from here)

# Python operator precedence levels used to parenthesize inlined expressions.
ATOM, POW, UNARY, MUL, ADD, CMP = 16, 14, 13, 12, 11, 7


@dataclass
class Expr:
    text: str
    prec: int = ATOM

    def at(self, min_prec: int) -> str:
        """The text, parenthesized if it binds less tightly than min_prec."""
        return f"({self.text})" if self.prec < min_prec else self.text


def tuple_text(items: list) -> str:
    return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"


# names generated modules spell literally (modules, codegen/loops.py's strip and chunk loops): a
# value of the same name (the user's `_n = ...`) would be overwritten by a strip loop between its
# definition and its use. The strip loops index by `_sk`, not `_k`: `_k` is the reverse sweep's
# loop index (reverse/control.py, named apart from the user's values), which a user's `_k` may be
# (frontend/parse.py refuses the other fixed names).
_LITERAL_NAMES = frozenset({"np", "numba", "math", "_n", "_s", "_sk", "_o", "_c", "_sm", "_mf", "_eig", "_chk", "_special",
                            "_unshared", "_ixw"})


def safe_ident(name: str) -> str:
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    if keyword.iskeyword(name) or name in _LITERAL_NAMES:
        name += "_"
    return name


# ------------------------------------------------------------------------ templates of the table
# A row of compiler/primitives writes how generated code spells it as a template (`np.exp({0})`,
# `{0} ** {1}`, `{1} if {0:as_is} else {2}`); the precedence of the result and the least precedence
# each operand needs come from the template's own syntax, read once with ast.

_PLACEHOLDER = re.compile(r"\{(\d+)(?::(as_is))?\}|\{([A-Za-z_]\w*)\}")
_BINOP_PREC = {ast.Add: ADD, ast.Sub: ADD, ast.Mult: MUL, ast.Div: MUL, ast.FloorDiv: MUL, ast.Mod: MUL,
               ast.MatMult: MUL, ast.Pow: POW}


@dataclass(frozen=True)
class Template:
    pieces: tuple  # text, or (operand k, least precedence, cast to float32) or ("attr", name)
    prec: int
    operands: int  # how many inputs it reads

    def render(self, ins: list, attrs: dict, arg, f32: bool) -> Expr:
        """`arg(value, min_prec, f32)` renders an operand."""
        out = []
        for p in self.pieces:
            if isinstance(p, str):
                out.append(p)
            elif p[0] == "attr":
                out.append(str(attrs[p[1]]))
            else:
                out.append(arg(ins[p[0]], p[1], f32 and p[2]))
        return Expr("".join(out), self.prec)


@functools.lru_cache(maxsize=None)
def template(text: str) -> Template:
    slots = {}
    code = _PLACEHOLDER.sub(lambda m: slots.setdefault(m.group(0), f"_slot{len(slots)}_"), text)
    root = ast.parse(code, mode="eval").body
    need: dict = {}

    def visit(node, least):
        if isinstance(node, ast.Name) and node.id.startswith("_slot"):
            need.setdefault(node.id, least)
            return
        if isinstance(node, ast.BinOp):
            p = _BINOP_PREC[type(node.op)]
            visit(node.left, POW + 1 if p == POW else p)
            visit(node.right, UNARY if p == POW else p + 1)
        elif isinstance(node, ast.UnaryOp):
            visit(node.operand, UNARY)
        elif isinstance(node, ast.Compare):
            visit(node.left, CMP + 1)  # comparisons chain: `(a > 0) != b` keeps its parentheses
            for c in node.comparators:
                visit(c, CMP + 1)
        elif isinstance(node, ast.IfExp):
            for c in (node.body, node.test, node.orelse):
                visit(c, 2)
        elif isinstance(node, (ast.Attribute, ast.Subscript)):
            visit(node.value, ATOM)
            if isinstance(node, ast.Subscript):
                visit(node.slice, 0)
        else:
            for c in ast.iter_child_nodes(node):
                visit(c, 0)

    visit(root, 0)
    if isinstance(root, ast.Name):
        prec = 0  # the operand itself: its own precedence is not known here
    elif isinstance(root, ast.BinOp):
        prec = _BINOP_PREC[type(root.op)]
    else:
        prec = {ast.UnaryOp: UNARY, ast.Compare: CMP, ast.IfExp: 1}.get(type(root), ATOM)
    pieces, pos, count = [], 0, 0
    for m in _PLACEHOLDER.finditer(text):
        pieces.append(text[pos:m.start()])
        pos = m.end()
        if m.group(3):
            pieces.append(("attr", m.group(3)))
            continue
        k = int(m.group(1))
        count = max(count, k + 1)
        pieces.append((k, need[slots[m.group(0)]], m.group(2) is None))
    pieces.append(text[pos:])
    return Template(tuple(p for p in pieces if p != ""), prec, count)
