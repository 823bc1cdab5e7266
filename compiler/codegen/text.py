"""Small pieces of generated text shared by the emitters: expressions with their precedence, tuples,
identifiers."""
from __future__ import annotations

import keyword
from dataclasses import dataclass

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


def safe_ident(name: str) -> str:
    name = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
    if keyword.iskeyword(name) or name in ("np", "numba", "math"):
        name += "_"
    return name
