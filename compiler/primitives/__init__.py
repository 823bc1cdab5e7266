"""THE table of primitives: how each is written in source, its shape/dtype rule, whether it is
elementwise, and its VJP and JVP rules side by side. Rules read like the seed:
`tanh: g * (1 - y * y)`. Adding a primitive = adding one row (in its family's module below) + its
test row in tests/compiler/primitive_cases.py: every other list of primitives is computed from the rows.

Rules are traced, not parsed: they run on `Var` proxies (see builder.py) whose operators and the
`npx` namespace emit IR ops, so static attributes (axes, keepdims) stay plain Python values.
A VJP rule takes (g, y, *inputs, **attrs) and returns one cotangent per input (None = no
contribution); a JVP rule takes (tangents, y, *inputs, **attrs), tangents holding None for zero.

The rows live in one module per family, registered in this order (the order of the table):
elementwise.py, reductions.py, linalg.py, arrays.py (shape changes and indexing), creation.py
(the tape, array creation, ints and tuples), joining.py, special.py (inverse and special
functions), scans.py (cumulative sums and products, sorting). table.py holds the row type and the table.
"""
from __future__ import annotations

from typing import Any

from .table import CUSTOM, PRIMITIVES, STATEMENT, Lazy, Primitive, Reduction, _tsum, npx, object_ids, primitive, resolve  # noqa: F401
from . import elementwise, reductions, linalg, arrays, creation  # noqa: F401,E402  (registers the rows)
from . import joining  # noqa: F401,E402  (concatenate, stack, diagonals)
from . import special, scans  # noqa: F401,E402  (inverse and special functions; cumulative ops, sorting)
from . import special_bessel  # noqa: F401,E402  (erfcx, dawsn, elliptic integrals, spence, owens_t, Bessel of real order)
from . import matfuncs  # noqa: F401,E402  (expm and its Fréchet derivative, the SVD)
from . import eigen  # noqa: F401,E402  (eigenvalues of a general real matrix: np.linalg.eigvals)
from . import custom  # noqa: F401,E402  (adjit.custom_vjp / custom_jvp calls: the user's rules)
from .arrays import _shift  # noqa: F401,E402  (reverse/sweep.py renumbers index inputs with it)
from .arrays import advanced_layout, advanced_output_order, is_advanced  # noqa: F401,E402  (integer-array indexing)


def lookup(name: str) -> Primitive:
    return PRIMITIVES[name]


def by_source() -> tuple:
    """(map from each source spelling (object id or string) to its primitive name, the modules of
    Lazy sources not imported yet: the map is to be rebuilt once one of them is)."""
    pairs = [(s, p.name) for p in PRIMITIVES.values() for s in p.sources]
    table: dict[Any, str] = {s: name for s, name in reversed(pairs) if isinstance(s, str)}  # first wins
    objects = [(s, name) for s, name in pairs if not isinstance(s, str)]
    ids, pending = object_ids([s for s, _ in objects])
    table.update((i, objects[k][1]) for i, k in ids.items())
    return table, pending


# Lists other modules read, computed from the rows (a fact lives in its row only).
DIFFERENTIABLE = tuple(name for name, p in PRIMITIVES.items() if p.differentiable)
REDUCTIONS = tuple(name for name, p in PRIMITIVES.items() if p.reduction is not None)
SIMD = {name: p.simd for name, p in PRIMITIVES.items() if p.simd}  # primitive -> libmvec base name
WRITES = frozenset(name for name, p in PRIMITIVES.items() if p.effect == "write")
SIDE_EFFECTS = frozenset(name for name, p in PRIMITIVES.items() if p.effect in ("tape", "check"))  # never removed
IMPURE = WRITES | SIDE_EFFECTS  # never merged
# method names a value has (`x.sum(...)`, `x.reshape(...)`); `.T`, `.shape`, `.size` are read as attributes
METHODS = frozenset(s[1:] for p in PRIMITIVES.values() for s in p.sources if isinstance(s, str) and s.startswith("."))
