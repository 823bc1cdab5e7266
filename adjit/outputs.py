"""Structured outputs of the transformations: a function returning a tuple, list, dict, NamedTuple or
dataclass of arrays and numbers, nested, as JAX's pytrees. The compiled code returns such a result
as nested tuples of its leaves, and the specialization carries its tree description
(compiler/frontend/structout.py, runtime/trees.py's format); `restore` rebuilds the structure.
vjp's pullback takes its cotangent in the same structure (one leaf per output leaf, in the order
runtime/trees.flatten gives them, which is the order of the compiled result), and the Jacobians
nest as JAX's do: the output's structure outside, the argument's inside."""
from __future__ import annotations

import numpy as np

from .compiler.errors import ArgumentError
from .runtime.trees import describe as describe_tree, flatten, is_structure, leaves_like, unflatten


def is_structured(out) -> bool:
    return is_structure(out)


def leaves(out) -> list:
    """The leaves of a (nested) structure, in order; an array or number is its own leaf."""
    return flatten(out)[0] if is_structure(out) else [out]


def rebuild(like, items):
    """`like`'s structure with its leaves replaced by `items`, in order."""
    return unflatten(flatten(like)[1], items)


def _tuple_leaves(x) -> list:
    if type(x) is tuple:
        return [leaf for item in x for leaf in _tuple_leaves(item)]
    return [x]


def _leaf_nodes(tree) -> list:
    if tree[0] == "leaf":
        return [tree]
    if tree[0] in ("static", "opaque"):
        return []
    return [n for c in tree[-1] for n in _leaf_nodes(c)]


def _numbers(leaves: list, tree) -> list:
    """A float32 number (its leaf ("leaf", "float32"): frontend/structout.py) as np.float32, as NumPy."""
    return [np.float32(x) if len(n) > 1 and not isinstance(x, np.ndarray) else x
            for x, n in zip(leaves, _leaf_nodes(tree))]


def restore(x, tree):
    """The compiled code's nested tuples `x` in the structure `tree` describes (None: as it is)."""
    return x if tree is None else unflatten(tree, _numbers(_tuple_leaves(x), tree))


def aux_tree(tree):
    """has_aux: the tree of aux in the (value, aux) tree of the result (None when not recorded)."""
    return None if tree is None else tree[1][1]


def value_tree(tree):
    """has_aux: the tree of the value in the (value, aux) tree of the result."""
    return None if tree is None else tree[1][0]


def aux_of(parts, tree):
    """aux from its leaves as the compiled code returns them (after the value and derivatives)."""
    parts = list(parts)
    if tree is None:  # not recorded: one part, or a tuple of them
        return parts[0] if len(parts) == 1 else tuple(parts)
    return unflatten(aux_tree(tree), _numbers(parts, aux_tree(tree)))


def per_output(out, parts: list):
    """Jacobians by several arguments as JAX nests them: `parts` holds one Jacobian per argument,
    each in the output's structure; the result has the output's structure, with the tuple of the
    arguments' blocks at each of its leaves (a tuple for an array or number returned)."""
    if not is_structure(out):
        return tuple(parts)
    tree = flatten(out)[1]
    per_part = [leaves_like(tree, j, "the Jacobian") for j in parts]
    return unflatten(tree, [tuple(p[i] for p in per_part) for i in range(len(per_part[0]))])


def describe(out) -> str:
    if is_structure(out):
        return describe_tree(flatten(out)[1])
    return f"array{np.shape(out)}" if isinstance(out, np.ndarray) else "number"


def is_float(x) -> bool:
    return np.asarray(x).dtype.kind == "f"


def cotangent_leaves(ct, out, like) -> list:
    """The cotangent's leaves for the float leaves of the structured output `out`, each as the
    compiled code reads it (`like`: transforms._like); a leaf for an integer output must be None
    or zeros (it has no derivative, as JAX's float0), and None stands for zeros anywhere."""
    outs, tree, paths = flatten(out)
    try:
        cts = leaves_like(tree, ct, "the cotangent")
    except ValueError as e:
        raise ArgumentError(str(e).replace("of its primal", "of the output")) from None
    found = []
    for c, o, path in zip(cts, outs, paths):
        where = "".join(f".{p[1]}" if isinstance(p, tuple) and p and p[0] == "attr" else f"[{p!r}]" for p in path)
        if not is_float(o):
            if c is not None and np.any(np.asarray(c) != 0):
                raise ArgumentError(f"output{where} is an integer, which has no derivative: its cotangent must be "
                                    "None or zeros")
            continue
        if c is None:
            c = np.zeros_like(o) if isinstance(o, np.ndarray) else 0.0
        found.append(like(c, o, f"the cotangent of output{where}"))
    return found
