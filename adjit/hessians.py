"""hessian(f): the Hessian by forward over reverse (transforms.py's "grad_jvp" specialization), with
K unit tangents per call of one batched specialization where compiler/batching.py can batch them
(adjit/batched.py), else one Hessian-vector product per element; the blocks nested as
jax.hessian nests them for structures and several argnums. A function returning an array or a
structure, and nestings of order three or more, are adjit/second.py's and adjit/higher.py's."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .compiler.jit import guards, pickling
from .compiler.jit.arguments import Flat, drawing_once
from .runtime.trees import unflatten
from . import outputs
from .transforms import (_argnums_or_tuple, _basis, _compiled, _fast_key, _float_leaf, _groups, _like, _n_elements,
                         _result, _skip, positional)


def hessian(f: Callable, argnums: int = 0, has_aux: bool = False) -> Callable:
    """`hessian(f)(*args)`: the Hessian of scalar f with respect to argument `argnums`, of shape
    x.shape + x.shape, by forward over reverse with batched tangents: K unit tangents per call of
    one compiled specialization (compiler/batching.py), or one Hessian-vector product per element
    of x where the function has an op that cannot be batched. For a structured argument, nested
    structures as jax.hessian gives them: H[a][b] of shape leaf_a.shape + leaf_b.shape;
    argnums=(0, 1): the blocks ((H00, H01), (H10, H11)), H01 of shape x0.shape + x1.shape.
    has_aux=True: f returns (value, aux), and the call returns (H, aux) (batched as without)."""
    return _Hessian(f, _argnums_or_tuple(argnums), has_aux)


class _Hessian:
    """hessian(f): `(*args) -> H`, with `.source(*args)`; pickled as f and argnums. `batched =
    False` on an instance takes one hvp per element (benchmarks compare the two). A call whose
    arguments are plain arrays of a signature batched before goes straight to the batched
    specialization found then, with its unit tangents made once (`_fast`; `fast = False` on an
    instance: the full path every call)."""

    batched = True
    fast = True

    def __init__(self, f: Callable, k: int, has_aux: bool = False):
        self.f, self.k, self.has_aux = f, k, has_aux
        self.__name__ = f"hessian_{getattr(f, '__name__', 'f')}"
        self._shapes: dict = {}  # shape key -> whether f returns a non-scalar for them (_not_scalar)
        self._fast: dict = {}  # transforms._fast_key of the arguments -> _FastHessian

    def source(self, *args) -> str:
        """The generated code: the batched specialization (K tangents per call) when the function
        is batched, else the one-hvp specialization, with a first line saying which."""
        from .compiler.jit.arguments import unconsumed
        from .higher import nested_source

        args = unconsumed(args, {})[0]  # the caller's random generators are not drawn from
        text = nested_source(self, args)  # of a Jacobian, of a Hessian, of a gradient: the third order and beyond
        if text is not None:
            return text
        ks = self.k if isinstance(self.k, tuple) else (self.k,)
        c = _compiled(self.f, ks, "grad_jvp", wrt_fwd=ks, has_aux=self.has_aux)
        bound = c._bind(args, {})
        if self._not_scalar(c, bound):
            from .second import source

            return source(self.f, self.k, self.k, args, self.has_aux, "hessian of a non-scalar function")
        n = sum(_n_elements(args[k]) for k in ks)
        from .batched import BATCHED, batched_spec

        found = batched_spec(self.f, ks, bound, n, has_aux=self.has_aux) if self.batched else None
        if found is not None:
            k, spec = found
            return (f"# hessian: {k} tangents per call (batched tangents), {-(-n // k)} call(s) for the {n} "
                    "columns, below\n" + spec.readable)
        why = BATCHED["last"] if self.batched and n >= 2 and BATCHED["last"] else "not batched"
        return f"# hessian: one hvp per element ({why.splitlines()[0]}), below\n" + c.source(*args)

    def __reduce__(self):
        return pickling.reduce(self, _Hessian, (self.f, self.k, self.has_aux))

    def __call__(self, *args, **kwargs):
        if kwargs:  # undifferentiated, at their positions in f's signature, as in JAX
            args = positional(self.f, args, kwargs, "hessian")
        if self._fast:  # plain arrays of a signature seen before (no drawing_once: no generator among them)
            key = _fast_key(args)
            run = self._fast.get(key) if key is not None else None
            if run is not None:
                if run.holds():
                    try:
                        return run(args)
                    except Exception:  # noqa: BLE001 - the full path gives the result, or the error
                        pass
                self._fast.pop(key, None)
        return self._call(*args)

    @drawing_once  # a random generator argument: every hvp of the same draw, and one call's draws taken
    def _call(self, *args):
        from .higher import nested

        found = nested(self, args)  # of a Jacobian, of a Hessian, of a gradient: the third order and beyond
        if found is not None:
            return found
        ks = self.k if isinstance(self.k, tuple) else (self.k,)
        c = _compiled(self.f, ks, "grad_jvp", wrt_fwd=ks, has_aux=self.has_aux)
        given, args = args, c._bind(args, {})
        if self._not_scalar(c, args):  # an array or a structure returned: as jax.hessian (adjit/second.py)
            from .second import second_derivative

            return second_derivative(self.f, self.k, self.k, given, self.has_aux, self.batched)
        H = self._blocks(c, args, tuple(c.wrt))  # bound positions (after a method's self)
        if not self.has_aux:
            if self.fast and self.batched and args is given and not isinstance(self.k, tuple):
                self._remember(c, given)
            return H
        spec = c._spec_for(args)
        return H, outputs.aux_of(spec.forward(*args)[1:], spec.out_tree)  # (value, *aux parts): _split_aux

    def _remember(self, c, args: tuple) -> None:
        """Keep the batched specialization these arguments took (plain arrays bound as given, one
        float array argument of at least two elements) for the next call of their signature."""
        from .batched import BATCHED, _compiled_batched, batched_spec

        key = _fast_key(args)
        if key is None or _skip(c) or len(self._fast) > 64:
            return
        x = args[c.wrt[0]]
        if x.dtype.kind != "f" or x.size < 2:
            return
        found = batched_spec(self.f, tuple(c.wrt), args, x.size)  # the one this call took (memoized)
        if found is not None and str(BATCHED["last"]).startswith("batched:"):
            b = _compiled_batched(self.f, tuple(c.wrt), found[0])
            if b._guards is not None:  # (snapshot when its specialization was built)
                self._fast[key] = _FastHessian(c, b, found, x)

    def _not_scalar(self, c, args) -> bool:
        """Whether f returns something other than a scalar for these arguments (then its Hessian
        is every element's, adjit/second.py): the type of f's lowered result (the frontend only,
        nothing compiled), once per shape."""
        from .compiler.jit.arguments import _shape_key

        key = _shape_key(args)
        known = self._shapes.get(key)
        if known is None:
            t = c._lower(args)[0].results[0].type  # has_aux: the value (compiled._split_aux)
            known = self._shapes[key] = not (t.kind == "scalar" or (t.kind == "array" and t.ndim == 0))
        return known

    def _blocks(self, c, args, ks: tuple):
        batched = self.batched
        if isinstance(self.k, tuple) or isinstance(args, Flat):  # a Flat holds leaves: argument k is a span of it
            return _hessian_blocks(c, args, ks, batched, isinstance(self.k, tuple))
        x = args[ks[0]]
        if not isinstance(x, np.ndarray):
            return _result(c._spec_for(args).entry(*args, _like(1.0, x, "v"))[3], x)
        return _hessian_blocks(c, args, ks, batched)


class _FastHessian:
    """The Hessian of a scalar function by one float array argument x for plain-array calls of one
    signature: the batched specialization's entry called directly on unit tangents made once (K
    rows each; the entry reads its arguments and never writes them), each call's rows written
    into the (n, n) result's rows. Row j of the tangent result is H e_j, column j of H: the result
    is that array transposed (H is symmetric only up to rounding)."""

    def __init__(self, c, b, found, x: np.ndarray):
        from .batched import BATCHED

        self.c, self.b, self.guards, self.counts = c, b, b._guards, BATCHED
        k, spec = found
        self.entry, self.k, self.n, self.shape = spec.entry, k, int(x.size), x.shape
        self.seeds = []
        for first in range(0, self.n, k):  # as batched._batched_columns: the last call padded with zeros
            count = min(k, self.n - first)
            e = np.zeros((k, self.n), x.dtype)
            e[np.arange(count), first + np.arange(count)] = 1
            self.seeds.append((first, count, e.reshape((k,) + x.shape)))
        self.last = f"batched: {len(self.seeds)} call(s) of {k} tangents"

    def holds(self) -> bool:
        """Whether the specialization is still the one the batched function would use: the global
        and closure constants it was built with unchanged (jit/guards.py; else the full path
        compiles again, and remembers the new one)."""
        g = self.guards
        return self.b._guards is g and (not g or guards.holds(g))

    def __call__(self, args: tuple):
        n, m = self.n, 1 + 1  # the results: (value, gradient, value_dot, gradient_dot)
        if len(self.seeds) == 1:
            rows = self.entry(*args, self.seeds[0][2])[m + 1].reshape(self.k, n)
            rows = rows[:n] if self.k != n else rows
        else:
            rows = np.empty((n, n), self.seeds[0][2].dtype)
            for first, count, e in self.seeds:
                rows[first:first + count] = self.entry(*args, e)[m + 1].reshape(self.k, n)[:count]
        self.counts["calls"] += 1
        self.counts["last"] = self.last
        return rows.T.reshape(self.shape + self.shape)


def _hessian_blocks(c, args, ks: tuple, batched: bool = True, several: bool = False):
    """The Hessian by argument ks[0] (several: by the arguments ks), as jax.hessian gives it: for an
    array, of shape x.shape + x.shape; for a structure, nested structures (H[a][b] of shape
    leaf_a.shape + leaf_b.shape, None where a leaf is an integer); several: H[i] has argument i's
    structure, with the tuple over j of the blocks by argument j's leaves at each of its leaves
    (for arrays, H[i][j] of shape x_i.shape + x_j.shape). The tangents are the float
    leaves of ks, in order: K of them per call of the batched specialization (compiler/batching.py),
    else one hvp per element of each float leaf, from c's one specialization."""
    groups = _groups(args, ks)
    floats = [(g, i, x) for g, (leaves, _) in enumerate(groups) for i, x in enumerate(leaves) if _float_leaf(x)]
    blocks = _batched_blocks(c, args, ks, floats) if batched else None
    if blocks is None:
        blocks = _hvp_blocks(c._spec_for(args), args, floats)

    def row(gi: int, li: int, gj: int):  # leaf li of argument gi by argument gj's leaves, in its structure
        if not _float_leaf(groups[gi][0][li]):
            return None
        leaves_j, tree_j = groups[gj]
        found = [blocks.get(((gi, li), (gj, lj))) for lj in range(len(leaves_j))]
        return found[0] if tree_j is None else unflatten(tree_j, found)

    def by(gi: int, entry):  # argument gi's structure, entry(li) at its leaves
        leaves_i, tree_i = groups[gi]
        rows = [entry(li) for li in range(len(leaves_i))]
        return rows[0] if tree_i is None else unflatten(tree_i, rows)

    if not several:
        return by(0, lambda li: row(0, li, 0))
    return tuple(by(gi, lambda li, gi=gi: tuple(row(gi, li, gj) for gj in range(len(ks)))
                    if _float_leaf(groups[gi][0][li]) else None) for gi in range(len(ks)))


def _hvp_blocks(spec, args, floats: list) -> dict:
    """The Hessian's blocks by one hvp per element of each float leaf."""
    m = len(floats)
    zeros = [np.zeros_like(x) if isinstance(x, np.ndarray) else _like(0.0, x, "v") for _, _, x in floats]
    columns = []
    for jj, (gj, lj, xj) in enumerate(floats):
        cols = []
        tangents = list(zeros)
        for e in _basis(xj):
            tangents[jj] = _like(e, xj, "v")
            out = spec.entry(*args, *tangents)
            cols.append([np.asarray(d).reshape(-1) for d in out[2 + m:2 + 2 * m]])
        columns.append([np.stack([c[ii] for c in cols], axis=-1) if cols else np.zeros((int(np.size(xi)), 0))
                        for ii, (_, _, xi) in enumerate(floats)])
    return _as_blocks(floats, lambda ii, jj: columns[jj][ii])


def _as_blocks(floats: list, block) -> dict:
    """{((gi, li), (gj, lj)): H block of shape x_i.shape + x_j.shape} from block(ii, jj), a
    (size_i, size_j) matrix of second derivatives."""
    blocks = {}
    for jj, (gj, lj, xj) in enumerate(floats):
        for ii, (gi, li, xi) in enumerate(floats):
            b = block(ii, jj).reshape(np.shape(xi) + np.shape(xj))
            if not isinstance(xi, np.ndarray) and not isinstance(xj, np.ndarray):
                b = _result(b[()], xi)  # a number by a number: a number, as before
            blocks[(gi, li), (gj, lj)] = b
    return blocks


def _batched_blocks(c, args, ks: tuple, floats: list):
    """The Hessian's blocks with K tangents per call (adjit/batched.py), or None (then one hvp
    per element)."""
    from .batched import hessian_columns

    skip = _skip(c)  # ks are bound positions; the batched specialization resolves the caller's, as c did
    found = hessian_columns(c.fun, args, tuple(k - skip for k in ks), [x for _, _, x in floats], c.has_aux)
    if found is None:
        return None
    columns, starts = found  # (n, size_i): row j is H e_j
    return _as_blocks(floats, lambda ii, jj: columns[ii][starts[jj]:starts[jj + 1]].T)
