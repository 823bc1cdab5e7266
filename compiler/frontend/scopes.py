"""Python's scopes in the AST the frontend plans from: which names a statement reads from outside."""
from __future__ import annotations

import ast


def _comprehension_locals(node) -> set:
    """ids of the Name loads inside `node` that read a comprehension's own variable (Python 3 keeps
    them in the comprehension's scope: they are not the statement's reads of an outer name)."""
    out: set = set()

    def visit(n, bound: frozenset):
        if isinstance(n, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            inner = bound
            for k, gen in enumerate(n.generators):
                visit(gen.iter, bound if k == 0 else inner)  # the first iterable is evaluated outside
                inner = inner | {m.id for m in ast.walk(gen.target) if isinstance(m, ast.Name)}
                for cond in gen.ifs:
                    visit(cond, inner)
            for part in ((n.key, n.value) if isinstance(n, ast.DictComp) else (n.elt,)):
                visit(part, inner)
            return
        if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load) and n.id in bound:
            out.add(id(n))
        for c in ast.iter_child_nodes(n):
            visit(c, bound)

    visit(node, frozenset())
    return out
