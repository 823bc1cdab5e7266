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


def returned_arity(stmts: list):
    """k when every `return` in stmts (inside branches and loops) returns a tuple display of k items
    (`return lam, w`), else None: such a loop hands back k values, one hidden name each."""
    arities = set()

    def walk(body):
        for st in body:
            if isinstance(st, ast.Return):
                ok = isinstance(st.value, ast.Tuple) and not any(isinstance(e, ast.Starred) for e in st.value.elts)
                arities.add(len(st.value.elts) if ok else None)
            elif isinstance(st, (ast.If, ast.For, ast.While)):
                walk(st.body)
                walk(st.orelse)
    walk(stmts)
    return arities.pop() if len(arities) == 1 else None


def part_names(value: str, arity) -> list:
    """The hidden names of a loop's returned value: one, or one per item of a returned tuple."""
    return [value] if arity is None else [f"{value}_{i}" for i in range(arity)]


def rewrite_loop_returns(loop: ast.stmt, value: str, flag: str, arity=None) -> ast.stmt:
    """A copy of `loop` in which `return e` is `value = e; flag = True; break` (`value_0, ..., value_k-1
    = e` when every return gives a tuple of k items), and each inner loop holding a return is followed
    by `if flag: break`."""
    new = copy.deepcopy(loop)
    new.body = _in_loop(new.body, value, flag, arity)
    return new


def _in_loop(stmts: list, value: str, flag: str, arity=None) -> list:
    out = []
    for st in stmts:
        if isinstance(st, ast.Return):
            if arity is None:
                target = _name(value, st, True)
            else:
                target = _at(ast.Tuple(elts=[_name(n, st, True) for n in part_names(value, arity)],
                                       ctx=ast.Store()), st)
            out.append(_at(ast.Assign(targets=[target], value=st.value), st))
            out.append(_at(ast.Assign(targets=[_name(flag, st, True)], value=ast.Constant(True)), st))
            out.append(_at(ast.Break(), st))
        elif isinstance(st, ast.If):
            st.body = _in_loop(st.body, value, flag, arity)
            st.orelse = _in_loop(st.orelse, value, flag, arity)
            out.append(st)
        elif isinstance(st, (ast.For, ast.While)) and (contains_return(st.body) or contains_return(st.orelse)):
            # a return in the inner loop's body breaks it; one in its `else:` is at this loop's level
            # (its break is this loop's, as every break in a loop's else is the enclosing loop's)
            st.body = _in_loop(st.body, value, flag, arity)
            st.orelse = _in_loop(st.orelse, value, flag, arity)
            out.append(st)
            out.append(_at(ast.If(test=_name(flag, st), body=[_at(ast.Break(), st)], orelse=[]), st))
        else:
            out.append(st)
    return out


def return_guard(loop: ast.stmt, value: str, flag: str, arity=None) -> ast.stmt:
    """`if flag: return value` (`return value_0, ..., value_k-1` for a tuple of k), placed at the loop;
    just the `return` after a `while True:` that has no break of its own: only a return leaves it."""
    if arity is None:
        returned = _name(value, loop)
    else:
        returned = _at(ast.Tuple(elts=[_name(n, loop) for n in part_names(value, arity)], ctx=ast.Load()), loop)
    ret = _at(ast.Return(value=returned), loop)
    if only_return_leaves(loop):
        return ret
    return _at(ast.If(test=_name(flag, loop), body=[ret], orelse=[]), loop)


def only_return_leaves(loop: ast.stmt) -> bool:
    """A `while True:` (a constant true test) with no `break` of its own: the code after it is
    reached only through a return inside it (or not at all), as Python runs it."""
    if not (isinstance(loop, ast.While) and isinstance(loop.test, ast.Constant) and loop.test.value
            and loop.test.value is not Ellipsis):
        return False

    def breaks(stmts) -> bool:
        for st in stmts:
            if isinstance(st, ast.Break):
                return True
            if isinstance(st, (ast.If, ast.With, ast.Try)) and any(
                    breaks(getattr(st, f, [])) for f in ("body", "orelse", "finalbody")):
                return True
            if isinstance(st, ast.Try) and any(breaks(h.body) for h in st.handlers):
                return True
            if isinstance(st, (ast.For, ast.While)) and breaks(st.orelse):  # a break in its else is ours
                return True
        return False
    return not breaks(loop.body)


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


def _own_jump(stmts: list, kind) -> bool:
    """Whether a `break` or `continue` (kind) of the enclosing loop appears in stmts (in branches, not in
    a nested loop's body; a nested loop's `else:` is ours)."""
    for st in stmts:
        if isinstance(st, kind):
            return True
        if isinstance(st, ast.If) and (_own_jump(st.body, kind) or _own_jump(st.orelse, kind)):
            return True
        if isinstance(st, (ast.For, ast.While)) and _own_jump(st.orelse, kind):
            return True
    return False


def has_own_break(stmts: list) -> bool:
    return _own_jump(stmts, ast.Break)


def without_continue(stmts: list) -> list:
    """One iteration's statements with `continue` as Python runs it, for a loop unrolled when the call
    is compiled: the statements after a `continue` are dropped, and those after an `if` holding one
    move into each of its branches (`if c: continue` then `rest` is `if c: pass else: rest`), so
    each branch ends where the iteration would. Copies; the caller's list is not changed."""
    out = []
    for k, st in enumerate(stmts):
        if isinstance(st, ast.Continue):
            return out
        if isinstance(st, ast.If) and (_own_jump(st.body, ast.Continue) or _own_jump(st.orelse, ast.Continue)):
            rest = stmts[k + 1:]
            new = copy.copy(st)
            new.body = without_continue(list(st.body) + copy.deepcopy(rest)) or [_at(ast.Pass(), st)]
            new.orelse = without_continue(list(st.orelse) + copy.deepcopy(rest))
            out.append(new)
            return out
        out.append(st)
    return out


def unrolled_breaks(stmts: list, flag: str) -> list:
    """One iteration's statements with the loop's own `break` as Python runs it, for a loop unrolled
    when the call is compiled: `break` is `flag = True`, and the statements after anything that may
    break run under `if not flag:` (the caller guards each later iteration the same way, with
    `not_flag`). Copies; the caller's list is not changed."""
    out = []
    for k, st in enumerate(stmts):
        if isinstance(st, ast.Break):
            out.append(_at(ast.Assign(targets=[_name(flag, st, True)], value=ast.Constant(True)), st))
            return out
        if isinstance(st, ast.If) and (_own_jump(st.body, ast.Break) or _own_jump(st.orelse, ast.Break)):
            new = copy.copy(st)
            new.body = unrolled_breaks(list(st.body), flag) or [_at(ast.Pass(), st)]
            new.orelse = unrolled_breaks(list(st.orelse), flag)
            out.append(new)
            if k + 1 < len(stmts):
                out.append(not_flag(flag, unrolled_breaks(copy.deepcopy(stmts[k + 1:]), flag), st))
            return out
        out.append(st)
    return out


def not_flag(flag: str, body: list, where) -> ast.If:
    """`if not flag: body`."""
    return _at(ast.If(test=ast.UnaryOp(op=ast.Not(), operand=_name(flag, where)), body=body or [_at(ast.Pass(), where)],
                      orelse=[]), where)
