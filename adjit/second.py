"""Second derivatives of any function, as JAX's jacfwd(jacrev(f)) gives them: adjit.hessian of a
function returning an array or a structure (JAX: out.shape + x.shape + x.shape per output leaf),
and Jacobians of Jacobians (jacfwd(jacrev(f, a), b), jacrev(jacfwd(f)), ...). One compiled
specialization, forward mode over the vjp (compiler/jit/compiled.py mode "vjp_jvp"): for each
element of each float output leaf, a unit cotangent seeds the reverse sweep, and the tangents of
the forward mode over it give that element's Hessian, K unit tangents per call where
compiler/batching.py can batch them (adjit/batched.py), else one tangent per call. The result
nests as JAX's: the output's structure outside, then argument structures by the reverse-mode
argnums (a tuple for several), then by the forward-mode argnums, each block of shape
out_leaf.shape + x_i.shape + x_j.shape."""
from __future__ import annotations

import numpy as np

from .compiler.errors import ArgumentError
from .compiler.jit.arguments import Flat, n_gradients
from .runtime.trees import unflatten
from . import outputs
from .transforms import _basis, _compiled, _float_leaf, _groups, _like, _result


def _as_tuple(ks):
    return ks if isinstance(ks, tuple) else (ks,)


def compiled_for(f, ks_rev, ks_fwd, has_aux: bool):
    return _compiled(f, _as_tuple(ks_rev), "vjp_jvp", wrt_fwd=_as_tuple(ks_fwd), has_aux=has_aux)


def second_derivative(f, ks_rev, ks_fwd, args: tuple, has_aux: bool = False, batched: bool = True):
    """d/d args[ks_fwd] (d f(*args) / d args[ks_rev]) for any result of f, nested as JAX's
    jacfwd(jacrev(f, ks_rev), ks_fwd) (ks an int, or a tuple: one entry per argument), and aux
    after it when has_aux (f returns (out, aux))."""
    c = compiled_for(f, ks_rev, ks_fwd, has_aux)
    bound = c._bind(tuple(args), {})
    groups_rev, groups_fwd = _groups(bound, c.wrt), _groups(bound, c.wrt_fwd)
    floats_rev = [(g, i, x) for g, (leaves, _) in enumerate(groups_rev) for i, x in enumerate(leaves) if _float_leaf(x)]
    floats_fwd = [(g, i, x) for g, (leaves, _) in enumerate(groups_fwd) for i, x in enumerate(leaves) if _float_leaf(x)]
    m = n_gradients(bound, c.wrt)
    if m != len(floats_rev):  # never expected: the compiled code's gradients are the float leaves
        raise ArgumentError(f"second derivative: {m} gradients for {len(floats_rev)} float leaves")
    xs = [x for _, _, x in floats_fwd]
    starts = np.cumsum([0] + [int(np.size(x)) for x in xs])
    found = _batched(f, c, bound, int(starts[-1]), has_aux) if batched else None
    spec = found[1] if found is not None else c._spec_for(bound)  # the batched one's primal: one compile
    raw, tree, aux = spec.forward(*bound), spec.out_tree, None
    if has_aux:
        aux = outputs.aux_of(raw[1:], tree)
        raw, tree = raw[0], outputs.value_tree(tree)
    out = outputs.restore(raw, tree)
    out_leaves = outputs.leaves(out)
    float_out = [o for o, leaf in enumerate(out_leaves) if outputs.is_float(leaf)]
    cols = _columns(c, found, bound, out_leaves, float_out, xs, m)

    def block(o: int, ii: int, jj: int):
        xi, xj = floats_rev[ii][2], floats_fwd[jj][2]
        shape = np.shape(out_leaves[o]) + np.shape(xi) + np.shape(xj)
        if not cols[o]:
            return np.zeros(shape)
        b = np.stack([c[ii][starts[jj]:starts[jj + 1]].T for c in cols[o]]).reshape(shape)
        return _result(b[()], xi) if b.ndim == 0 else b

    index_rev = {(g, i): ii for ii, (g, i, _) in enumerate(floats_rev)}
    index_fwd = {(g, i): jj for jj, (g, i, _) in enumerate(floats_fwd)}
    several_rev, several_fwd = isinstance(ks_rev, tuple), isinstance(ks_fwd, tuple)

    def by_fwd(o: int, ii: int, gj: int):  # argument gj's structure
        leaves_j, tree_j = groups_fwd[gj]
        found_j = [block(o, ii, index_fwd[gj, lj]) if (gj, lj) in index_fwd else None for lj in range(len(leaves_j))]
        return found_j[0] if tree_j is None else unflatten(tree_j, found_j)

    def at_leaf(o: int, gi: int, li: int):
        ii = index_rev.get((gi, li))
        if ii is None:
            return None
        if several_fwd:
            return tuple(by_fwd(o, ii, gj) for gj in range(len(groups_fwd)))
        return by_fwd(o, ii, 0)

    def by_rev(o: int, gi: int):
        leaves_i, tree_i = groups_rev[gi]
        rows = [at_leaf(o, gi, li) for li in range(len(leaves_i))]
        return rows[0] if tree_i is None else unflatten(tree_i, rows)

    def per_out(o: int):
        if o not in cols:  # an integer result: no derivative
            return None
        if several_rev:
            return tuple(by_rev(o, gi) for gi in range(len(groups_rev)))
        return by_rev(o, 0)

    H = outputs.rebuild(out, [per_out(o) for o in range(len(out_leaves))]) if outputs.is_structured(out) else per_out(0)
    return (H, aux) if has_aux else H


def _batched(f, c, bound, n: int, has_aux: bool):
    """(K, the batched forward-over-vjp specialization), or None (adjit/batched.py)."""
    from .batched import BATCHED, batched_spec

    if n < 2:
        return None
    skip = len(c.callee.prefix)
    found = batched_spec(f, tuple(k - skip for k in c.wrt), bound, n, "vjp_hessian", has_aux,
                         tuple(k - skip for k in c.wrt_fwd))
    if found is None:
        BATCHED["fallbacks"] += 1
    return found


def _columns(c, found, bound, out_leaves: list, float_out: list, xs: list, m: int) -> dict:
    """{float output leaf: per element of it, per reverse-mode leaf i an (n, size_i) array}: row j
    the derivative of that element's gradient along the forward-mode unit tangent e_j (`found`:
    the batched specialization, else c's one tangent per call)."""
    from .batched import _batched_columns

    picks = [2 * len(out_leaves) + m + i for i in range(m)]  # the gradients' tangents among the results
    zeros = {o: (np.zeros_like(out_leaves[o]) if isinstance(out_leaves[o], np.ndarray) else 0.0) for o in float_out}
    cols: dict = {}
    for o in float_out:
        per_element = []
        for e in _basis(out_leaves[o]):
            cts = [_like(e if j == o else zeros[j], out_leaves[j], "the cotangent") for j in float_out]
            columns = _batched_columns(found[1], tuple(bound) + tuple(cts), found[0], xs, picks) \
                if found is not None else None
            if columns is None:
                columns = _one_by_one(c._spec_for(bound), tuple(bound) + tuple(cts), xs, picks)
            per_element.append(columns)
        cols[o] = per_element
    return cols


def _one_by_one(spec, args: tuple, xs: list, picks: list) -> list:
    """The columns with one unit tangent per call: per reverse leaf, (n, size_i)."""
    zeros = [np.zeros_like(x) if isinstance(x, np.ndarray) else _like(0.0, x, "v") for x in xs]
    rows: list = [[] for _ in picks]
    for jj, x in enumerate(xs):
        tangents = list(zeros)
        for e in _basis(x):
            tangents[jj] = _like(e, x, "v")
            out = spec.entry(*args, *tangents)
            for i, p in enumerate(picks):
                rows[i].append(np.asarray(out[p]).reshape(-1))
    return [np.stack(r) if r else np.zeros((0, 0)) for r in rows]


def source(f, ks_rev, ks_fwd, args: tuple, has_aux: bool, what: str) -> str:
    """The generated code of second_derivative, with a first line saying how it runs."""
    from .batched import batched_spec

    c = compiled_for(f, ks_rev, ks_fwd, has_aux)
    bound = c._bind(tuple(args), {})
    skip = len(c.callee.prefix)
    floats = [x for _, (leaves, _) in enumerate(_groups(bound, c.wrt_fwd)) for x in leaves if _float_leaf(x)]
    n = sum(int(np.size(x)) for x in floats)
    found = batched_spec(f, tuple(k - skip for k in c.wrt), bound, n, "vjp_hessian", has_aux,
                         tuple(k - skip for k in c.wrt_fwd)) if n >= 2 else None
    head = f"# {what}: forward mode over the vjp, one unit cotangent per output element"
    if found is not None:
        return head + f", {found[0]} tangents per call (batched tangents), below\n" + found[1].readable
    return head + ", one tangent per call, below\n" + c.source(*args)
