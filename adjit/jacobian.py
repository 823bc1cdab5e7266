"""The Jacobians: jacfwd (forward mode, K tangents per call where compiler/batching.py can batch
them, else one JVP per input element), jacrev (one VJP per output element) and jacobian (the
cheaper of the two), with JAX's conventions for structured arguments. Built on transforms.py's
jvp and vjp."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .compiler.errors import AdjitTypeError, ArgumentError
from .compiler.jit import pickling
from .compiler.jit.arguments import Flat
from .runtime.trees import flatten, unflatten
from .transforms import (_argnums_or_tuple, _basis, _compiled, _float_leaf, _n_elements, _struct_basis, _tree,
                         _zeros_like_tree, jvp, vjp)


class _Jacobian:
    """jacobian(f, argnums, mode)(*args): d f(*args) / d args[argnums], of shape out.shape + x.shape.
    Forward mode takes K tangents per call where compiler/batching.py can (`batched = False` on
    an instance: one JVP per element)."""

    batched = True

    def __init__(self, f: Callable, argnums, mode: str):
        if mode not in ("auto", "fwd", "rev"):
            raise ArgumentError(f"jacobian mode must be 'auto', 'fwd' or 'rev', not {mode!r}")
        self.f, self.argnums, self.mode = f, _argnums_or_tuple(argnums), mode
        self.__name__ = f"jacobian_{getattr(f, '__name__', 'f')}"
        # argnums=(0, 1): a tuple of Jacobians, one per argument, as jax.jacobian gives them
        self.parts = tuple(_Jacobian(f, k, mode) for k in self.argnums) if isinstance(self.argnums, tuple) else None

    def choose(self, args: tuple, need_m: bool = True) -> tuple:
        """('fwd' or 'rev', n inputs, m outputs): forward mode costs n JVPs, reverse m VJPs
        (need_m=False with a mode given: m is None, and nothing is compiled for it)."""
        if getattr(self.f, "__adjit_custom__", None) is not None:  # the custom rule's own mode, in Python
            n, m = int(np.size(args[self.argnums])), int(np.size(self.f(*args)))
            return (self.mode if self.mode != "auto" else "rev" if self.f.__adjit_custom__.kind == "vjp" else "fwd"), n, m
        c = _compiled(self.f, (self.argnums,) if self.mode == "rev" else self.argnums, "vjp" if self.mode == "rev" else "jvp")
        n = _n_elements(args[self.argnums])
        if self.mode != "auto" and not need_m:
            return self.mode, n, None
        args = c._bind(args, {})
        m = int(np.size(c._spec_for(args).forward(*args)))
        if self.mode != "auto":
            return self.mode, n, m
        return ("fwd" if n <= m else "rev"), n, m

    def __call__(self, *args):
        if self.parts is not None:
            return tuple(part(*args) for part in self.parts)
        try:
            return self._call(args)
        except AdjitTypeError as e:  # mode="auto" picked forward mode, and f calls a custom_vjp function
            if self.mode != "auto" or not getattr(e, "reverse_only", False):
                raise
            return _Jacobian(self.f, self.argnums, "rev")(*args)

    def _call(self, args: tuple):
        mode, n, m = self.choose(args, need_m=False)
        k = self.argnums
        if _tree(args[k]) is not None:
            return self._of_structure(args, mode)
        jac = _batched_jacfwd(self.f, k, args) if mode == "fwd" and self.batched else None
        if jac is not None:
            return jac
        if mode == "fwd":
            tangents = [None] * len(args)
            cols = []
            for e in _basis(args[k]):
                tangents[k] = e
                cols.append(np.asarray(jvp(self.f, args, tuple(tangents))[1]))
            out_shape = cols[0].shape
            jac = np.stack([c.reshape(-1) for c in cols], axis=-1)
        else:
            out, pull = vjp(self.f, *args, wrt=k)
            out_shape = np.shape(out)
            rows = [np.asarray(pull(e)[k]).reshape(-1) for e in _basis(out)]
            jac = np.stack(rows, axis=0)
        return jac.reshape(out_shape + np.shape(args[k]))

    def _of_structure(self, args: tuple, mode: str):
        """The Jacobian with respect to a structured argument, as JAX gives it: the argument's
        structure with one block of shape out.shape + leaf.shape per float leaf (None for the others)."""
        k = self.argnums
        leaves, tree = _tree(args[k])
        if mode == "fwd":
            tangents = [None] * len(args)
            cols: dict = {}
            out_shape = None
            for i, t in _struct_basis(args[k]):
                tangents[k] = t
                col = np.asarray(jvp(self.f, args, tuple(tangents))[1])
                out_shape = col.shape
                cols.setdefault(i, []).append(col.reshape(-1))
            blocks = [np.stack(cols[i], axis=-1).reshape(out_shape + np.shape(leaf)) if i in cols else None
                      for i, leaf in enumerate(leaves)]
        else:
            out, pull = vjp(self.f, *args, wrt=k)
            rows = [flatten(pull(e)[k])[0] for e in _basis(out)]  # the float leaves' cotangents (None: no leaf)
            floats = [i for i, leaf in enumerate(leaves) if _float_leaf(leaf)]
            blocks = [None] * len(leaves)
            for j, i in enumerate(floats):
                block = np.stack([np.asarray(r[j]).reshape(-1) for r in rows], axis=0) if rows else \
                    np.zeros((0, int(np.size(leaves[i]))))
                blocks[i] = block.reshape(np.shape(out) + np.shape(leaves[i]))
        return unflatten(tree, blocks)

    def source(self, *args) -> str:
        if self.parts is not None:
            return "\n".join(part.source(*args) for part in self.parts)
        try:
            mode, n, m = self.choose(args)
        except AdjitTypeError as e:  # as in __call__: a custom_vjp function inside takes reverse mode
            if self.mode != "auto" or not getattr(e, "reverse_only", False):
                raise
            text = _Jacobian(self.f, self.argnums, "rev").source(*args)
            return text.replace("(jacrev)", "(forward mode cannot differentiate the custom_vjp function it calls)", 1)
        k = self.argnums
        found = self._batched_spec(args) if mode == "fwd" and self.batched else None
        why = f"({n} input elements <= {m} output elements)" if self.mode == "auto" else "(jacfwd)"
        if found is not None:
            head = f"# jacobian: forward mode {why}: {found[0]} tangents per call (batched tangents), below"
            body = found[1].readable
        elif mode == "fwd":
            head = f"# jacobian: forward mode {why}: one JVP per input element, below"
            tangents = tuple(_zeros_like_tree(a) if i == k else None for i, a in enumerate(args))
            body = jvp(self.f).source(args, tangents)
        else:
            why = f"({m} output elements < {n} input elements)" if self.mode == "auto" else "(jacrev)"
            head = f"# jacobian: reverse mode {why}: one VJP per output element, below"
            body = _compiled(self.f, (k,), "vjp").source(*args)
        return head + "\n" + body

    def _batched_spec(self, args: tuple):
        """(K, the batched forward-mode specialization) for an array argument, or None."""
        from .batched import batched_spec

        k = self.argnums
        if _tree(args[k]) is not None or getattr(self.f, "__adjit_custom__", None) is not None:
            return None
        bound = _compiled(self.f, (k,), "jvp")._bind(args, {})
        x = None if isinstance(bound, Flat) else bound[k]
        if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
            return None
        return batched_spec(self.f, (k,), bound, int(x.size), "jacfwd")

    def __reduce__(self):
        return pickling.reduce(self, _Jacobian, (self.f, self.argnums, self.mode))


def jacobian(f: Callable, argnums: int = 0, mode: str = "auto") -> _Jacobian:
    """The Jacobian of f with respect to argument `argnums`, shape out.shape + x.shape. mode="auto"
    takes forward mode when x has no more elements than the output, else reverse mode;
    `.source(*args)` says which in its first line. A structured x (dict, list, dataclass...) gives
    its structure with one block of shape out.shape + leaf.shape per leaf, as jax.jacobian does;
    argnums=(0, 1) gives a tuple of Jacobians."""
    return _Jacobian(f, argnums, mode)


def jacfwd(f: Callable, argnums: int = 0) -> _Jacobian:
    """The Jacobian by forward mode: K tangents per call where compiler/batching.py can batch
    them (an array argument), else one JVP per element of the input."""
    return _Jacobian(f, argnums, "fwd")


def jacrev(f: Callable, argnums: int = 0) -> _Jacobian:
    """The Jacobian by reverse mode: one VJP per element of the output."""
    return _Jacobian(f, argnums, "rev")


def _batched_jacfwd(f, k: int, args: tuple):
    """The forward-mode Jacobian with K tangents per call (adjit/batched.py), or None (then one
    JVP per element)."""
    from .batched import jacfwd_columns

    if _tree(args[k]) is not None or getattr(f, "__adjit_custom__", None) is not None:
        return None
    bound = _compiled(f, (k,), "jvp")._bind(args, {})
    return None if isinstance(bound, Flat) else jacfwd_columns(f, k, bound)
