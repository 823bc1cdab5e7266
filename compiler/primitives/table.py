"""The row type of the primitives table, the table itself and what the rows' rules share (`npx`)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


class _RuleNamespace:
    """`npx.tanh(x)` inside a rule emits a `tanh` op into the builder that owns `x`."""

    def __getattr__(self, prim: str) -> Callable:
        def emit(*args, **attrs):
            builder = next(a.builder for a in args if hasattr(a, "builder"))
            return builder.emit_vars(prim, args, attrs)

        emit.__name__ = prim
        return emit


npx = _RuleNamespace()


class Lazy:
    """A library object named, not imported: `Lazy("scipy.special", "erf")` in a row's sources
    matches scipy.special.erf without `import adjit` importing SciPy's special functions (0.3 s).
    The object is looked up once its module is imported, which a program calling it has done."""

    __slots__ = ("module", "name")

    def __init__(self, module: str, name: str):
        self.module, self.name = module, name

    def loaded(self):
        """The object when its module is imported, else None (never imports)."""
        import sys

        mod = sys.modules.get(self.module)
        return None if mod is None else getattr(mod, self.name, None)

    def resolve(self):
        """The object (importing its module): for tools that describe the table."""
        import importlib

        return getattr(importlib.import_module(self.module), self.name)

    def __repr__(self) -> str:
        return f"{self.module}.{self.name}"


def resolve(source):
    """A sources entry as the object it names (Lazy entries imported)."""
    return source.resolve() if isinstance(source, Lazy) else source


def object_ids(objects) -> tuple:
    """({id(object): index} for the objects whose modules are imported, modules still pending)."""
    ids: dict = {}
    pending: set = set()
    for k, obj in enumerate(objects):
        if isinstance(obj, Lazy):
            found = obj.loaded()
            if found is None:
                pending.add(obj.module)
                continue
            obj = found
        ids.setdefault(id(obj), k)
    return ids, frozenset(pending)


# How generated code writes a primitive. A *template* is a Python expression with `{k}` for input k
# (cast to float32 like the result when that is a float32 and the input a Python number) or
# `{k:as_is}` (never cast), and `{attr}` for a static attribute; codegen reads the operands'
# precedence off the template's syntax. CUSTOM: codegen renders it with its own `render_<name>`
# (indexing, reshapes, creation); STATEMENT: emitted as statements, never as an expression.
CUSTOM = "custom"
STATEMENT = "statement"


@dataclass(frozen=True)
class Reduction:
    """How a reduction accumulates, as generated text: start from `identity`, then add each element
    (`keep` None) or keep the greater (`keep` ">") or lesser ("<") one, a NaN winning."""

    identity: str
    keep: str | None = None
    mean: bool = False  # divide by the number of elements reduced afterwards
    int_identity: str | None = None  # the start when the result is an integer (a sum of ints)


@dataclass(frozen=True)
class Primitive:
    name: str
    abstract: Callable  # (args: list[Abstract], **attrs) -> Abstract
    vjp: Callable | None = None
    jvp: Callable | None = None
    elementwise: bool = False
    sources: tuple = ()  # Python objects (np.tanh, math.tanh) and method names (".sum") it matches
    differentiable: bool = True
    nondiff_inputs: tuple = ()  # input positions that never carry a derivative (shapes, conditions)
    view: bool = False  # NumPy returns a view of input 0 (when the result is an array): writes show through
    # a call `np.f(...)`: its parameters, NumPy's names, in order (the positional arity of a plain
    # call), and the defaults of those that may be left out, as (name, value) pairs
    params: tuple = ("x",)
    defaults: tuple = ()
    readable: str | None = None  # template (or CUSTOM / STATEMENT): array-level NumPy, readable rendering
    lowered: str | None = None  # template for the array-level lowered (Numba) code; None: as readable
    scalar: str | None = None  # template on scalars, inside a fused loop; None: as lowered
    simd: str | None = None  # libmvec base name of its SIMD kernel (runtime/simd.py), if it has one
    reduction: Reduction | None = None
    effect: str | None = None  # None (pure), "write" (an in-place write: never merged), "tape" and "check" (a run-time assert): never merged or removed

    def form(self, mode: str) -> str | None:
        """The template (or CUSTOM / STATEMENT) for mode 'readable', 'lowered' or 'scalar'."""
        if mode == "scalar" and self.scalar is not None:
            return self.scalar
        if mode != "readable" and self.lowered is not None:
            return self.lowered
        return self.readable


PRIMITIVES: dict[str, Primitive] = {}


def primitive(name: str, abstract: Callable, vjp=None, jvp=None, **kw) -> Primitive:
    p = Primitive(name, abstract, vjp, jvp, **kw)
    PRIMITIVES[name] = p
    return p


def _tsum(*terms):
    """Sum of the tangent terms that are not None (None = structurally zero)."""
    terms = [t for t in terms if t is not None]
    if not terms:
        return None
    out = terms[0]
    for t in terms[1:]:
        out = out + t
    return out
