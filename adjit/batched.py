"""Batched tangents for adjit.hessian and adjit.jacfwd: K unit tangents per call of one compiled
specialization whose tangent arguments and results have a leading axis of K (the IR pass is
compiler/batching.py). transforms.py asks here first and takes one tangent per call when this
gives None: a function the pass cannot batch, or any failure of the batched build or call, so
that the result, or the error, is the one-tangent path's."""
from __future__ import annotations

import hashlib
import weakref

import numpy as np

from .compiler.jit import CompiledFunction

_COMPILED: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()  # f -> {(kind, wrt, K): compiled}


class _BatchedGradJvp(CompiledFunction):
    """Forward over reverse (kind "hessian") or forward mode (kind "jacfwd") with K tangents per
    call (compiler/batching.py): each tangent argument and each tangent result with a leading axis
    of K; for the Hessians, the tangents of the value (of the outputs, "vjp_hessian") are zeros,
    not computed (only the gradients' are read). Its own mode and K are in its keys, so it never shares a cache entry with the
    one-tangent specialization."""

    ENTRY = {**CompiledFunction.ENTRY, "hessian": "_hessian", "jacfwd": "_jacfwd", "vjp_hessian": "_vjp_hessian"}

    def __init__(self, fun, ks: tuple, k: int, kind: str = "hessian", has_aux: bool = False, ks_fwd=None):
        if kind == "hessian":  # has_aux: aux passed through, after the tangents (not batched)
            super().__init__(fun, ks, "grad_jvp", wrt_fwd=ks, has_aux=has_aux)
        elif kind == "vjp_hessian":  # forward over the vjp (adjit/second.py): cotangents before the tangents
            super().__init__(fun, ks, "vjp_jvp", wrt_fwd=ks if ks_fwd is None else ks_fwd, has_aux=has_aux)
        else:
            super().__init__(fun, ks, "jvp")
        self.mode, self.k = kind, k
        self.refused: dict = {}  # shape key -> why these arguments are not batched

    def _front_key(self, args):
        key = super()._front_key(args)
        return None if key is None else hashlib.sha256(f"{key} batch {self.k}".encode()).hexdigest()[:24]

    def transform(self, primal, builder):
        from .compiler import batching, forward, reverse
        from .compiler.jit.compiled import check_differentiable
        from .compiler.passes.carried import drop_unread_carried

        wrt, wrt_fwd = primal.wrt_leaves, primal.wrt_fwd_leaves
        if self.mode == "jacfwd":  # a structured result: one result per leaf, then one tangent per leaf
            from .compiler.ir import clone_function
            from .compiler.jit.compiled import _output_leaves
            from .compiler.passes.dce import eliminate_dead_code

            check_differentiable(primal, builder, wrt, False)
            fn, n_out = _output_leaves(primal)
            if fn is not primal:  # the result's tuples, dead once its leaves are the results: no batching rule
                fn = eliminate_dead_code(clone_function(fn))
            return batching.batch_tangents(forward.jvp(fn, builder, wrt, all_results=True), len(wrt), self.k)
        check_differentiable(primal, builder, wrt, True)
        n_aux = len(primal.results) - 1 if self.has_aux else 0  # the aux parts (compiled._split_aux)
        if self.mode == "vjp_hessian":  # any result: its leaves as results, one cotangent parameter per float leaf
            from .compiler.ir import clone_function
            from .compiler.jit.compiled import _output_leaves
            from .compiler.passes.dce import eliminate_dead_code

            fn, n_out = _output_leaves(primal)
            fn = eliminate_dead_code(clone_function(fn))  # the result's tuples, (value, aux): no batching rule
            pull = reverse.vjp(fn, builder, wrt, None, n_out)
            check_differentiable(pull, builder, wrt_fwd, False)
            return drop_unread_carried(batching.batch_tangents(  # the outputs' tangents: not read
                forward.jvp(pull, builder, wrt_fwd, all_results=True, passthrough=n_aux), len(wrt_fwd), self.k, n_aux,
                unread=n_out))
        if self.has_aux:  # the (value, aux) tuple the split left dead: no batching rule reads it
            from .compiler.ir import clone_function
            from .compiler.passes.dce import eliminate_dead_code

            primal = eliminate_dead_code(clone_function(primal))
        grad = reverse.value_and_grad(primal, builder, wrt)
        check_differentiable(grad, builder, wrt_fwd, False)
        return drop_unread_carried(batching.batch_tangents(  # the value's tangent: not read
            forward.jvp(grad, builder, wrt_fwd, all_results=True, passthrough=n_aux), len(wrt_fwd), self.k, n_aux,
            unread=1))


BATCHED = {"calls": 0, "fallbacks": 0, "last": None}  # what the last Hessian or jacfwd did (tests read it)


def batched_spec(f, ks: tuple, args, n: int, kind: str = "hessian", has_aux: bool = False, ks_fwd=None):
    """(K, the batched specialization) for n tangents, or None when f is not batched (an op with
    no batching rule, tapes that would grow too large, or any failure: the one-tangent path
    decides, and gives the result or the error)."""
    from .compiler.batching import batch_size
    from .compiler.jit.arguments import _shape_key

    from .higher import is_gradient

    if getattr(f, "__adjit_transform__", None) and not (kind == "vjp_hessian" and is_gradient(f)) \
            or getattr(f, "__adjit_custom__", None) is not None or n < 2:
        return None  # a transformation transformed again (but a gradient's code under forward mode over its
        # vjp: third derivatives, adjit/higher.py), a custom rule run in Python, one tangent
    largest = max([int(a.size) for a in args if isinstance(a, np.ndarray) and a.dtype.kind == "f"] or [1])
    k = batch_size(n, largest)
    key = _shape_key(args)
    while k >= 2:
        c = _compiled_batched(f, ks, k, kind, has_aux, ks_fwd)
        if key not in c.refused:
            try:
                return k, c._spec_for(args)
            except Exception as e:  # noqa: BLE001 - the one-tangent path gives the result, or the error
                c.refused[key] = f"{type(e).__name__}: {e}"
        BATCHED["last"] = c.refused[key]
        if "tapes would be too large" not in c.refused[key]:
            return None
        k //= 4
    return None


def _compiled_batched(f, ks: tuple, k: int, kind: str = "hessian", has_aux: bool = False,
                      ks_fwd=None) -> "_BatchedGradJvp":
    try:
        per = _COMPILED.setdefault(f, {})
    except TypeError:  # not weakly referable: no memo
        per = {}
    key = (kind, repr(ks), k, has_aux, repr(ks_fwd))
    c = per.get(key)
    if c is None:
        c = per[key] = _BatchedGradJvp(f, ks, k, kind, has_aux, ks_fwd)
    return c


def _batched_columns(spec, args, k: int, xs: list, outs, shapes: list | None = None) -> list | None:
    """Run the batched entry over n = sum of the sizes of xs unit tangents, K per call (the last
    call padded with zeros): for each output position in `outs`, an (n, size) array whose row j
    is the tangent result along e_j (`shapes`, when given, gets each one's shape). None on any
    failure (the caller takes one tangent per call)."""
    sizes = [int(np.size(x)) for x in xs]
    n = sum(sizes)
    starts = np.cumsum([0] + sizes)
    cols = [[] for _ in outs]
    try:
        for first in range(0, n, k):
            count = min(k, n - first)
            e = np.zeros((k, n))
            e[np.arange(count), first + np.arange(count)] = 1
            tangents = [np.ascontiguousarray(e[:, starts[j]:starts[j + 1]].reshape((k,) + np.shape(x)),
                                             dtype=np.asarray(x).dtype) for j, x in enumerate(xs)]
            out = spec.entry(*args, *tangents)
            for i, pos in enumerate(outs):
                cols[i].append(np.asarray(out[pos]).reshape(k, -1)[:count])
                if shapes is not None and first == 0:
                    shapes.append(np.shape(out[pos])[1:])
    except Exception as e:  # noqa: BLE001 - as above: never a new error
        BATCHED["fallbacks"] += 1
        BATCHED["last"] = f"{type(e).__name__}: {e}"
        return None
    BATCHED["calls"] += 1
    BATCHED["last"] = f"batched: {-(-n // k)} call(s) of {k} tangents"
    return [np.concatenate(cs, axis=0) for cs in cols]


def hessian_columns(f, args, ks: tuple, xs: list, has_aux: bool = False):
    """(columns, starts) of the Hessian by the float leaves xs of arguments ks (the tangent
    parameters, in order): columns[i] is (n, size_i), row j the derivative of gradient leaf i
    along e_j; starts[j] where leaf j's elements begin among the n. None: not batched."""
    sizes = [int(np.size(x)) for x in xs]
    found = batched_spec(f, ks, args, sum(sizes), has_aux=has_aux)
    if found is None:
        BATCHED["fallbacks"] += 1
        return None
    m = len(xs)
    columns = _batched_columns(found[1], args, found[0], xs, [2 + m + i for i in range(m)])
    return None if columns is None else (columns, np.cumsum([0] + sizes))


def jacfwd_columns(f, k: int, args, at: int | None = None):
    """The Jacobian of f by argument k (the caller's position; `at`: its position among the bound
    arguments `args`, after functools.partial's), as JAX nests it: the output's structure outside,
    for an array argument blocks of shape out.shape + x.shape, for a structured one its structure
    with a block out_leaf.shape + leaf.shape per leaf (None for an integer leaf); or None."""
    from .compiler.jit.arguments import Flat
    from .outputs import is_float
    from .runtime.trees import unflatten

    pos = k if at is None else at
    if isinstance(args, Flat):  # a structure: its leaves are a span of the bound leaves
        first, count = args.spans[pos]
        leaves, tree = list(args[first:first + count]), args.trees[pos]
    else:
        leaves, tree = [args[pos]], None
    if tree is None and not (isinstance(leaves[0], np.ndarray) and leaves[0].dtype.kind == "f"):
        return None
    floats = [i for i, x in enumerate(leaves) if isinstance(x, float) or
              (isinstance(x, (np.ndarray, np.generic)) and x.dtype.kind == "f")]
    xs = [leaves[i] for i in floats]
    n = sum(int(np.size(x)) for x in xs)
    found = batched_spec(f, (k,), args, n, "jacfwd") if xs else None
    if found is None:
        BATCHED["fallbacks"] += 1
        return None
    spec = found[1]
    value = spec.forward(*args)
    outs = _leaves(value)  # a structured result (adjit/outputs.py): its leaves, then their tangents
    shapes: list = []
    columns = _batched_columns(spec, args, found[0], xs, [len(outs) + i for i in range(len(outs))], shapes)
    if columns is None:
        return None
    starts = np.cumsum([0] + [int(np.size(x)) for x in xs])
    per_out = []
    for col, shape, leaf in zip(columns, shapes, outs):
        blocks = [None] * len(leaves)  # an integer result or argument leaf: no derivative
        if is_float(leaf):
            for ii, i in enumerate(floats):
                blocks[i] = col[starts[ii]:starts[ii + 1]].T.reshape(shape + np.shape(xs[ii]))
        per_out.append(blocks[0] if tree is None else unflatten(tree, blocks))
    return per_out[0] if spec.out_tree is None else unflatten(spec.out_tree, per_out)


def _leaves(x) -> list:
    """The leaves of the compiled code's nested tuples."""
    return [leaf for item in x for leaf in _leaves(item)] if type(x) is tuple else [x]
