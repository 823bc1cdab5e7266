"""The Jacobians: jacfwd (forward mode, K tangents per call where compiler/batching.py can batch
them, else one JVP per input element), jacrev (one VJP per output element) and jacobian (the
cheaper of the two), with JAX's conventions for structured arguments. Built on transforms.py's
jvp and vjp."""
from __future__ import annotations

from typing import Callable

import numpy as np

from .compiler.errors import AdjitTypeError, ArgumentError
from .compiler.jit import pickling
from .compiler.jit.arguments import Flat, drawing_once
from .compiler.jit.compiled import TapedGradientError
from .runtime.trees import flatten, unflatten
from . import outputs
from .transforms import _argnums_or_tuple, _basis, _compiled, _float_leaf, _n_elements, _tree, _zeros_like_tree, jvp, positional, vjp


class _Jacobian:
    """jacobian(f, argnums, mode)(*args): d f(*args) / d args[argnums], of shape out.shape + x.shape.
    Forward mode takes K tangents per call where compiler/batching.py can (`batched = False` on
    an instance: one JVP per element)."""

    batched = True

    def __init__(self, f: Callable, argnums, mode: str, has_aux: bool = False):
        if mode not in ("auto", "fwd", "rev"):
            raise ArgumentError(f"jacobian mode must be 'auto', 'fwd' or 'rev', not {mode!r}")
        self.f, self.argnums, self.mode, self.has_aux = f, _argnums_or_tuple(argnums), mode, bool(has_aux)
        self.__name__ = f"jacobian_{getattr(f, '__name__', 'f')}"
        # a Jacobian of a Jacobian (jacfwd(jacrev(f)), any two modes): f's second derivative (adjit/second.py)
        self.inner = f if type(f) is _Jacobian else None
        if self.inner is not None:
            if self.inner.has_aux != self.has_aux:
                raise ArgumentError("a Jacobian of a Jacobian takes has_aux=True on both or on neither (the inner "
                                    "one's aux is passed through as it is)",
                                    hint="jacfwd(jacrev(f, has_aux=True), has_aux=True) returns (H, aux)")
            self.parts = None
            return
        # argnums=(0, 1): a tuple of Jacobians, one per argument, as jax.jacobian gives them
        self.parts = tuple(_Jacobian(f, k, mode, has_aux) for k in self.argnums) \
            if isinstance(self.argnums, tuple) else None
        if has_aux and getattr(f, "__adjit_custom__", None) is not None:
            raise ArgumentError("jacobian(..., has_aux=True) of a custom function itself is not supported: it "
                                "returns one array or number", hint="call it inside a function returning (out, aux)")

    def _primal(self, args: tuple, mode: str) -> tuple:
        """(f's output, aux or None) from the compiled primal of the mode's specialization."""
        c = _compiled(self.f, (self.argnums,), "vjp" if mode == "rev" else "jvp", has_aux=self.has_aux)
        bound = c._bind(args, {})
        spec = c._spec_for(bound)
        out, tree = spec.forward(*bound), spec.out_tree  # a structured result: in its structure (outputs.py)
        if not self.has_aux:
            return outputs.restore(out, tree), None
        return outputs.restore(out[0], outputs.value_tree(tree)), outputs.aux_of(out[1:], tree)

    def _output(self, args: tuple):
        """f's output from the primal of a specialization the mode can build (a function calling a
        custom_vjp function has no forward-mode one: mode "auto" then takes the reverse one)."""
        try:
            return self._primal(args, self.choose(args, need_m=False)[0])[0]
        except TapedGradientError:  # reverse mode over a gradient that pops a tape: forward mode's primal
            return self._primal(args, "fwd")[0]
        except AdjitTypeError as e:
            if self.mode != "auto" or not getattr(e, "reverse_only", False):
                raise
            return self._primal(args, "rev")[0]

    def choose(self, args: tuple, need_m: bool = True) -> tuple:
        """('fwd' or 'rev', n inputs, m outputs): forward mode costs n JVPs, reverse m VJPs
        (need_m=False with a mode given: m is None, and nothing is compiled for it)."""
        if getattr(self.f, "__adjit_custom__", None) is not None:  # the custom rule's own mode, in Python
            n, m = int(np.size(args[self.argnums])), int(np.size(self.f(*args)))
            return (self.mode if self.mode != "auto" else "rev" if self.f.__adjit_custom__.kind == "vjp" else "fwd"), n, m
        n = _n_elements(args[self.argnums])
        if self.mode != "auto" and not need_m:
            return self.mode, n, None
        out = self._primal(args, self.mode)[0]
        m = sum(int(np.size(leaf)) for leaf in outputs.leaves(out))  # a tuple returned: all its leaves
        if self.mode != "auto":
            return self.mode, n, m
        return ("fwd" if n <= m else "rev"), n, m

    @drawing_once  # a random generator argument: every row of the same draw, and one call's draws taken
    def __call__(self, *args, **kwargs):
        from .higher import nested

        args = positional(self.f, args, kwargs, "jacobian")  # keyword arguments: undifferentiated, as in JAX

        found = nested(self, args)  # the third order and beyond (of a Hessian, of a Jacobian of a Jacobian...)
        if found is not None:
            return found
        if self.inner is not None:  # the argument structures of the inner argnums, then of the outer ones
            from .second import second_derivative

            return second_derivative(self.inner.f, self.inner.argnums, self.argnums, args, self.has_aux)
        if self.parts is not None:
            found = [part(*args) for part in self.parts]
            aux = found[0][1] if self.has_aux else None  # (J, aux) from each: one aux
            found = [j for j, _ in found] if self.has_aux else found
            out = self.parts[0]._output(args) if getattr(self.f, "__adjit_custom__", None) is None else self.f(*args)
            J = outputs.per_output(out, found)  # the output's structure outside, the tuple of arguments inside
            return (J, aux) if self.has_aux else J
        try:
            return self._call(args)
        except TapedGradientError:  # jacrev(grad(f)), f's gradient popping a tape (a loop, an early return):
            if self.mode == "fwd":  # reverse mode cannot differentiate it again; the same Jacobian by forward
                raise
            return _Jacobian(self.f, self.argnums, "fwd", self.has_aux)(*args)
        except AdjitTypeError as e:  # mode="auto" picked forward mode, and f calls a custom_vjp function
            if self.mode != "auto" or not getattr(e, "reverse_only", False):
                raise
            return _Jacobian(self.f, self.argnums, "rev", self.has_aux)(*args)

    def _call(self, args: tuple):
        mode, n, m = self.choose(args, need_m=False)
        k = self.argnums
        if mode == "fwd" and self.batched and not self.has_aux:  # K tangents per call (an array argument)
            jac = _batched_jacfwd(self.f, k, args)
            if jac is not None:
                return jac
        return self._by_leaves(args, mode)

    def _by_leaves(self, args: tuple, mode: str):
        """The Jacobian as JAX nests it: the output's structure outside (a tuple returned: one entry
        per item), the argument's inside (a structure: one block per leaf, None for an integer leaf),
        each block of shape out_leaf.shape + arg_leaf.shape; forward mode: one JVP per element of
        each float leaf of the argument; reverse mode: one VJP per element of each float output leaf."""
        k = self.argnums
        custom = getattr(self.f, "__adjit_custom__", None) is not None
        tree = _tree(args[k])
        in_leaves = tree[0] if tree is not None else [args[k]]
        floats_in = [i for i, leaf in enumerate(in_leaves) if _float_leaf(leaf)]
        if custom:
            out, aux = self.f(*args), None
        else:
            out, aux = self._primal(args, mode)
        out_leaves = outputs.leaves(out)
        floats_out = [o for o, leaf in enumerate(out_leaves) if outputs.is_float(leaf)]
        pieces: dict = {}  # (output leaf, argument leaf) -> rows or columns, flattened
        if mode == "fwd":
            tangents = [None] * len(args)
            for i in floats_in:
                for e in _basis(in_leaves[i]):
                    tangents[k] = e if tree is None else unflatten(tree[1], [e if j == i else None for j in
                                                                             range(len(in_leaves))])
                    t = jvp(self.f, args, tuple(tangents), **({"has_aux": True} if self.has_aux else {}))[1]
                    for o, leaf in enumerate(outputs.leaves(t)):
                        pieces.setdefault((o, i), []).append(np.asarray(leaf).reshape(-1))
        else:
            kw = {"has_aux": True} if self.has_aux else {}
            pull = vjp(self.f, *args, wrt=k, **kw)[1]
            zeros = [np.zeros_like(leaf) if isinstance(leaf, np.ndarray) else 0.0 for leaf in out_leaves]
            for o in floats_out:
                for e in _basis(out_leaves[o]):
                    ct = e if not outputs.is_structured(out) else outputs.rebuild(
                        out, [e if j == o else zeros[j] if j in floats_out else None for j in range(len(out_leaves))])
                    g = pull(ct)[k]
                    g_leaves = flatten(g)[0] if tree is not None else [g]  # the float leaves' cotangents
                    for i, gi in zip(floats_in, g_leaves):
                        pieces.setdefault((o, i), []).append(np.asarray(gi).reshape(-1))

        def block(o: int, i: int):
            if i not in floats_in or o not in floats_out:
                return None
            shape = np.shape(out_leaves[o]) + np.shape(in_leaves[i])
            rows = pieces.get((o, i))
            if not rows:  # no elements on one side
                return np.zeros(shape, dtype=np.result_type(np.asarray(out_leaves[o]), np.asarray(in_leaves[i])))
            stacked = np.stack(rows, axis=-1 if mode == "fwd" else 0)
            return stacked.reshape(shape)

        per_out = []
        for o in range(len(out_leaves)):
            blocks = [block(o, i) for i in range(len(in_leaves))]
            per_out.append(blocks[0] if tree is None else unflatten(tree[1], blocks))
        J = outputs.rebuild(out, per_out) if outputs.is_structured(out) else per_out[0]
        return (J, aux) if self.has_aux else J

    def source(self, *args) -> str:
        from .compiler.jit.arguments import unconsumed
        from .higher import nested_source

        args = unconsumed(args, {})[0]  # the caller's random generators are not drawn from

        text = nested_source(self, args)  # the third order and beyond
        if text is not None:
            return text
        if self.inner is not None:
            from .second import source

            return source(self.inner.f, self.inner.argnums, self.argnums, args, self.has_aux, "a Jacobian of a Jacobian")
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
        found = self._batched_spec(args) if mode == "fwd" and self.batched and not self.has_aux else None
        why = f"({n} input elements <= {m} output elements)" if self.mode == "auto" else "(jacfwd)"
        if found is not None:
            head = f"# jacobian: forward mode {why}: {found[0]} tangents per call (batched tangents), below"
            body = found[1].readable
        elif mode == "fwd":
            head = f"# jacobian: forward mode {why}: one JVP per input element, below"
            tangents = tuple(_zeros_like_tree(a) if i == k else None for i, a in enumerate(args))
            body = jvp(self.f, has_aux=self.has_aux).source(args, tangents)
        else:
            why = f"({m} output elements < {n} input elements)" if self.mode == "auto" else "(jacrev)"
            head = f"# jacobian: reverse mode {why}: one VJP per output element, below"
            body = _compiled(self.f, (k,), "vjp", has_aux=self.has_aux).source(*args)
        return head + "\n" + body

    def _batched_spec(self, args: tuple):
        """(K, the batched forward-mode specialization) for an array argument, or None."""
        from .batched import batched_spec

        k = self.argnums
        if getattr(self.f, "__adjit_custom__", None) is not None:
            return None
        c = _compiled(self.f, (k,), "jvp")
        bound = c._bind(args, {})
        if isinstance(bound, Flat):  # a structure: its float leaves' elements
            n = _n_elements(args[k])
        else:
            x = bound[c.wrt[0]]  # after partial's positional arguments
            if not isinstance(x, np.ndarray) or x.dtype.kind != "f":
                return None
            n = int(x.size)
        return batched_spec(self.f, (k,), bound, n, "jacfwd")

    def __reduce__(self):
        return pickling.reduce(self, _Jacobian, (self.f, self.argnums, self.mode, self.has_aux))


def jacobian(f: Callable, argnums: int = 0, mode: str = "auto", has_aux: bool = False) -> _Jacobian:
    """The Jacobian of f with respect to argument `argnums`, shape out.shape + x.shape. mode="auto"
    takes forward mode when x has no more elements than the output, else reverse mode;
    `.source(*args)` says which in its first line. A structured x (dict, list, dataclass...) gives
    its structure with one block of shape out.shape + leaf.shape per leaf, as jax.jacobian does;
    a tuple returned gives a tuple with one Jacobian per item (the output's structure outside);
    argnums=(0, 1) gives a tuple of Jacobians. has_aux=True: f returns (out, aux), and the call
    returns (J, aux)."""
    return _Jacobian(f, argnums, mode, has_aux)


def jacfwd(f: Callable, argnums: int = 0, has_aux: bool = False) -> _Jacobian:
    """The Jacobian by forward mode: K tangents per call where compiler/batching.py can batch
    them (an array argument; any result, a structure too), else one JVP per element of the input."""
    return _Jacobian(f, argnums, "fwd", has_aux)


def jacrev(f: Callable, argnums: int = 0, has_aux: bool = False) -> _Jacobian:
    """The Jacobian by reverse mode: one VJP per element of the output."""
    return _Jacobian(f, argnums, "rev", has_aux)


def _batched_jacfwd(f, k: int, args: tuple):
    """The forward-mode Jacobian with K tangents per call (adjit/batched.py), or None (then one
    JVP per element)."""
    from .batched import jacfwd_columns

    if getattr(f, "__adjit_custom__", None) is not None:
        return None
    c = _compiled(f, (k,), "jvp")
    return jacfwd_columns(f, k, c._bind(args, {}), c.wrt[0])  # an array or a structure (its float leaves)
