"""Python's iterators over sequences known when compiled: `it = iter(batches)`, `first = next(it)`,
then `for b in it:` runs over the items not yet taken (a data loader's warm-up batch; a generator
bound to a name and advanced by next()).

The iterator is a compile-time object, its position a Python int: next() takes the item at the
position and advances it, a loop over the iterator (or a comprehension) takes the rest and leaves
it exhausted, as Python's does. That is exact where the code that advances it runs once per call
in order: a next() or a loop over it inside a loop lowered once (its trip count known only when
it runs) or under an `if` decided when the function runs is a located error (calls.py and
listmethods.py's path test)."""
from __future__ import annotations

import ast

from ..errors import UnsupportedSyntaxError


class CompileIter:
    """iter(items): the items (a tuple) and the position of the next one."""

    def __init__(self, items: tuple, pos: int = 0):
        self.items, self.pos = tuple(items), pos
        self.__name__ = "an iterator"

    def rest(self) -> list:
        """The items not yet taken; the iterator exhausted (a loop or a comprehension over it)."""
        out, self.pos = list(self.items[self.pos:]), len(self.items)
        return out


def advance_here(self, node, what: str, in_loops: bool = True) -> None:
    """(self: the Lowerer) Refuse advancing an iterator where the code runs a number of times, or on
    a path, decided when the function runs (the position is a compile-time int); `in_loops` False:
    in any loop (a loop over the iterator, whose items are taken once per loop statement)."""
    parents = self._lm_parents()
    stmt, p = node, parents.get(id(node))
    while p is not None and p is not self.parsed.node:
        if isinstance(p, (ast.For, ast.comprehension)) and stmt is p.iter:
            pass  # the loop's own iterable: evaluated once, before it runs
        elif in_loops and (isinstance(p, ast.For) and stmt in p.body and self._lm_unrolled(p) or
                           isinstance(p, ast.While) and id(p) in getattr(self, "unrolled_whiles", ())):
            pass  # unrolled when compiled: its body lowered once per item, in order
        elif isinstance(p, (ast.For, ast.While)) and stmt not in p.orelse or \
                isinstance(p, (ast.comprehension, ast.ListComp, ast.GeneratorExp, ast.Lambda)):
            raise self.err(UnsupportedSyntaxError, f"{what} advances an iterator inside a loop adjit lowers once "
                           "(its trip count is known only when it runs)", node,
                           hint="index the sequence with the loop's counter instead (xs[k])")
        if isinstance(p, (ast.If, ast.IfExp)) and not self._lm_static_test(p.test):
            raise self.err(UnsupportedSyntaxError, f"{what} advances an iterator under an `if` decided when the "
                           "function runs", node, hint="index the sequence with a counter instead (xs[k])")
        stmt, p = p, parents.get(id(p))


def next_item(self, it, args, node):
    """next(it[, default]) of an iterator: its next item, advanced."""
    advance_here(self, node, "next()")
    if it.pos < len(it.items):
        it.pos += 1
        return self.struct_read(it.items[it.pos - 1], node)
    if len(args) == 2:
        return args[1]
    from ..errors import AdjitTypeError
    raise self.err(AdjitTypeError, "next() of an exhausted iterator: Python raises StopIteration", node)


def rest_of(self, it_node):
    """The items a `for` loop or a comprehension over a name bound to an iterator runs over, or None."""
    it = self.env.get(it_node.id) if isinstance(it_node, ast.Name) else None
    if not isinstance(it, CompileIter):
        return None
    taken = it.__dict__.setdefault("taken", {})
    if id(it_node) not in taken:  # the loop's header is read more than once while it is lowered
        advance_here(self, it_node, "a loop over it", in_loops=False)
        taken[id(it_node)] = it.rest()
    return list(taken[id(it_node)])


def iterate(self, func, items, args, node):
    """iter() of a sequence or an iterator; next() of an iterator, or of a generator bound to a name
    (which becomes the iterator it is in Python)."""
    if func is iter:
        return items if isinstance(items, CompileIter) else CompileIter(items)
    if not isinstance(items, CompileIter):
        self.env[node.args[0].id] = items = CompileIter(items)
    return next_item(self, items, args, node)


def named_generator(self, node) -> bool:
    """Whether next()'s argument is a name every assignment of which in the function is a generator
    expression (`g = (v for v in xs if v > 0)`)."""
    arg = node.args[0] if node.args else None
    if not isinstance(arg, ast.Name):
        return False
    values = [n.value for n in ast.walk(self.parsed.node) if isinstance(n, ast.Assign)
              and any(isinstance(t, ast.Name) and t.id == arg.id for t in n.targets)]
    return bool(values) and all(isinstance(v, ast.GeneratorExp) for v in values)
