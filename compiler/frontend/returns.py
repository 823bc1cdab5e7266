"""`return` inside a loop, as NumPy runs it: the loop is rewritten (on a copy of its AST) so that a
`return e` sets a hidden value and flag and breaks out of every loop around it, and the caller
lowers `if flag: return value` followed by the statements after the loop. Everything downstream
(break flags, while loops, merged `if` results, their adjoints) is the machinery that already
lowers a user's own flag-and-break."""
from __future__ import annotations

import ast
import copy


def contains_return(stmts: list) -> bool:
    """Whether a `return` appears in stmts, inside branches and loops."""
    for st in stmts:
        if isinstance(st, ast.Return):
            return True
        if isinstance(st, ast.If) and (contains_return(st.body) or contains_return(st.orelse)):
            return True
        if isinstance(st, (ast.For, ast.While)) and (contains_return(st.body) or contains_return(st.orelse)):
            return True
    return False


def _at(node, where):
    ast.copy_location(node, where)
    for sub in ast.walk(node):
        if not hasattr(sub, "lineno"):
            ast.copy_location(sub, where)
    return node


def _name(ident: str, where, store: bool = False) -> ast.Name:
    return _at(ast.Name(id=ident, ctx=ast.Store() if store else ast.Load()), where)


def rewrite_loop_returns(loop: ast.stmt, value: str, flag: str) -> ast.stmt:
    """A copy of `loop` in which `return e` is `value = e; flag = True; break`, and each inner loop
    holding a return is followed by `if flag: break`."""
    new = copy.deepcopy(loop)
    new.body = _in_loop(new.body, value, flag)
    return new


def _in_loop(stmts: list, value: str, flag: str) -> list:
    out = []
    for st in stmts:
        if isinstance(st, ast.Return):
            out.append(_at(ast.Assign(targets=[_name(value, st, True)], value=st.value), st))
            out.append(_at(ast.Assign(targets=[_name(flag, st, True)], value=ast.Constant(True)), st))
            out.append(_at(ast.Break(), st))
        elif isinstance(st, ast.If):
            st.body = _in_loop(st.body, value, flag)
            st.orelse = _in_loop(st.orelse, value, flag)
            out.append(st)
        elif isinstance(st, (ast.For, ast.While)) and (contains_return(st.body) or contains_return(st.orelse)):
            # a return in the inner loop's body breaks it; one in its `else:` is at this loop's level
            # (its break is this loop's, as every break in a loop's else is the enclosing loop's)
            st.body = _in_loop(st.body, value, flag)
            st.orelse = _in_loop(st.orelse, value, flag)
            out.append(st)
            out.append(_at(ast.If(test=_name(flag, st), body=[_at(ast.Break(), st)], orelse=[]), st))
        else:
            out.append(st)
    return out


def return_guard(loop: ast.stmt, value: str, flag: str) -> ast.If:
    """`if flag: return value`, placed at the loop."""
    return _at(ast.If(test=_name(flag, loop), body=[_at(ast.Return(value=_name(value, loop)), loop)], orelse=[]), loop)


def loaded_after(fn_node: ast.AST, stmt: ast.stmt) -> set:
    """Names read anywhere after `stmt` ends in the source (candidates for a value defined in a
    loop and used after it)."""
    end = (getattr(stmt, "end_lineno", stmt.lineno), getattr(stmt, "end_col_offset", 0))
    return {n.id for n in ast.walk(fn_node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)
            and (n.lineno, n.col_offset) >= end}


def rewrite_loop_else(loop: ast.stmt, flag: str) -> list:
    """`for/while ...: body else: rest` as Python runs it: `rest` runs when the loop ends without a
    `break`. Statements: `flag = False`, a copy of the loop in which each of its own breaks (not an
    inner loop's) is `flag = True; break`, then `if not flag: rest` (just `rest` when the loop has
    no break of its own)."""
    new = copy.deepcopy(loop)
    new.orelse = []
    found = [False]

    def mark(stmts: list) -> list:
        out = []
        for st in stmts:
            if isinstance(st, ast.Break):
                found[0] = True
                out.append(_at(ast.Assign(targets=[_name(flag, st, True)], value=ast.Constant(True)), st))
                out.append(st)
            elif isinstance(st, ast.If):
                st.body, st.orelse = mark(st.body), mark(st.orelse)
                out.append(st)
            elif isinstance(st, (ast.For, ast.While)):  # an inner loop's breaks are its own, but a
                st.orelse = mark(st.orelse)                # break in its `else:` is this loop's
                out.append(st)
            else:
                out.append(st)
        return out
    new.body = mark(new.body)
    rest = list(loop.orelse)
    if not found[0]:
        return [new] + rest
    init = _at(ast.Assign(targets=[_name(flag, loop, True)], value=ast.Constant(False)), loop)
    test = _at(ast.UnaryOp(op=ast.Not(), operand=_name(flag, loop)), loop.orelse[0])
    return [init, new, _at(ast.If(test=test, body=rest, orelse=[]), loop.orelse[0])]
