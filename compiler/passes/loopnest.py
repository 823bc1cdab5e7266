"""The fused-loop data type: one planned loop nest (`LoopNest`), made by the planning passes
(passes/loopplan.py: stages, extents, storage, reductions; passes/workspace.py: which arrays come
from the call's workspace) for each fusion group (passes/fusion.py), with a printer (`describe`,
printed by ADJIT_DUMP_IR and golden-tested) and a verifier (`verify`, run by the pipeline after each
planning pass). codegen/loops.py renders a nest: it names what the plan holds and prints it.

A nest iterates over `shape`; its members (IR ops) are `uniform` (computed once before the loop),
or looped in a *stage*: stage s computes the arguments of its SIMD transcendentals (`vectors`)
into their storage, the kernel overwrites them in place, and stage s+1 reads the results. Each
value that leaves the nest (`outputs`) or crosses a stage boundary has `storage`:

- 'array': a new array of the nest's shape (from the workspace or not: `alloc`; 'hoisted': one
  array made at the top of the function serves every iteration of the loops around the nest,
  passes/loopbuffers.py);
- 'reuse': the buffer of an array the nest reads and nobody reads after it (`reuse` names it);
- 'strip': a strip buffer of `strip` elements (STRIP: the last axis is cut into strips that run
  every stage in turn);
- 'full': an array of the nest's shape holding a value between two full stages.

Reductions accumulate as `red` plans; an np.add.at member ('scatter', passes/scatter.py) adds each
element of its value into its base where the indices point (the base is written in place). A
looped member is either inlined into its single user or held in a scalar local (`locals`). The
plan holds values, never names: names are the renderer's. An axis's extent is read off a value
(`dims`: ("shape", v, k) is v.shape[k], ("index", s, k) is the k-th item of the shape tuple s,
("outer", (a, b), k) the k-th of (a.shape[0], b.shape[0]), None is 1).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InternalCompilerError
from ..primitives import advanced_output_order

STRIP = 512          # elements per strip: a float64 buffer of 4 KiB
MIN_STRIP_AXIS = 32  # a shorter last axis is not strip-mined (too many tiny kernel calls)
STORAGE = ("array", "reuse", "strip", "full")


@dataclass
class Reduction:
    """How one reduction member accumulates."""

    prim: str
    axes: tuple
    keepdims: bool
    init: str             # the identity, as text (the integer one for an integer result)
    scalar: bool          # a scalar result: a local accumulator; else cells of an array
    chunked: bool         # over axis 0: when the nest runs in parallel chunks, a partial per chunk
    row_local: bool       # over the last axis of an array: a local along the innermost loop
    mean: bool            # divided by the count of reduced elements at the end

    def describe(self) -> str:
        flags = [f for f, on in (("scalar", self.scalar), ("chunked", self.chunked),
                                 ("row-local", self.row_local), ("mean", self.mean)) if on]
        return (f"{self.prim} over {tuple(self.axes)}{' keepdims' if self.keepdims else ''} from {self.init}"
                + "".join(f" {f}" for f in flags))


@dataclass
class LoopNest:
    gid: int
    shape: tuple
    members: list
    kinds: dict                       # value id -> 'elem' | 'vector' | 'reduce' | 'scatter'
    k_last: int = 0                   # position of the last member in the function
    top_level: bool = False           # outside user loops: with parallel=True, axis 0 runs in chunks
    ids: set = field(default_factory=set)
    internal: dict = field(default_factory=dict)   # value id -> uses inside the nest
    outputs: set = field(default_factory=set)      # values read after the nest
    uniform: set = field(default_factory=set)      # value ids computed once, before the loop
    looped: list = field(default_factory=list)     # members computed per element
    stage: dict = field(default_factory=dict)      # value id -> stage
    nstages: int = 0
    vectors: list = field(default_factory=list)    # SIMD members
    strip: int = 0                    # elements per strip when strip-mined, else 0
    leaves: dict = field(default_factory=dict)     # value id -> array read element by element
    reads_at: dict = field(default_factory=dict)   # leaf id -> last stage reading it
    misaligned: set = field(default_factory=set)   # leaves not of the nest's shape
    dims: list = field(default_factory=list)       # per axis: where its extent is read (see above)
    storage: dict = field(default_factory=dict)    # value id -> one of STORAGE
    reuse: dict = field(default_factory=dict)      # value id -> the leaf whose buffer it takes over
    flat: set = field(default_factory=set)         # strip-mined vector outputs written through a flat view
    red: dict = field(default_factory=dict)        # reduction id -> Reduction
    locals: set = field(default_factory=set)       # looped members held in a scalar local
    alloc: dict = field(default_factory=dict)      # value id -> 'workspace' | 'new' | 'hoisted' (its array)
    gathers: dict = field(default_factory=dict)    # gather (np.add.at) member id -> (output_axes, broadcast shape)
    facts: object = field(default=None, repr=False, compare=False)  # the analysis.Analysis planned from

    def reductions(self) -> list:
        return [op for op in self.members if self.kinds[op.out.id] == "reduce"]

    def describe(self, name=None) -> str:
        """The plan as text, one line per fact: shape, extents, stages and each member's place.
        Values are %0, %1, ... by first appearance in the nest (deterministic), unless `name`
        (value -> text) says otherwise."""
        if name is None:
            numbers: dict = {}

            def name(v):
                return f"%{numbers.setdefault(v.id, len(numbers))}"
        lines = [f"loop nest {self.gid} over {tuple(self.shape)}"
                 f"{f' strip-mined by {self.strip}' if self.strip else ''}{' top-level' if self.top_level else ''}"
                 f", {self.nstages} stage{'s' if self.nstages != 1 else ''}"]
        for op in self.members:
            v = op.out
            if v.id in self.uniform:
                where = "uniform"
            elif self.kinds[v.id] == "reduce":
                where = f"stage {self.stage[v.id]} reduce {self.red[v.id].describe()}"
            else:
                where = f"stage {self.stage[v.id]} {self.kinds[v.id]}"
                if self.kinds[v.id] == "elem" and v.id in self.locals:
                    where += " local"
                if v.id in self.storage:
                    where += f" -> {self.storage[v.id]}"
                    if v.id in self.reuse:
                        where += f" of {name(self.reuse[v.id])}"
                    if v.id in self.alloc:
                        where += f" ({self.alloc[v.id]})"
                    if v.id in self.flat:
                        where += " flat"
            out = " out" if v.id in self.outputs else ""
            lines.append(f"  {name(v)} = {op.prim}({', '.join(name(i) for i in op.inputs)}): {where}{out}")
        if self.leaves:
            lines.append("  reads " + ", ".join(f"{name(v)}{'~' if i in self.misaligned else ''}"
                                                for i, v in self.leaves.items()))
        lines.append("  extents " + ", ".join(_extent(d, name) for d in self.dims))
        return "\n".join(lines)

    def verify(self) -> None:
        """The invariants rendering relies on; a broken one is a bug in a planning pass."""
        problems = []
        if len(self.dims) != len(self.shape):
            problems.append(f"{len(self.dims)} extents for a rank-{len(self.shape)} nest")
        elif "scatter" in self.kinds.values():
            problems += [f"axis {a} of extent {n} has no extent to read"
                         for a, (d, n) in enumerate(zip(self.dims, self.shape)) if d is None and n != 1]
            if self.top_level:
                problems.append("np.add.at members in a nest that may run in parallel chunks")
        for op in self.members:
            v = op.out
            if v.id in self.uniform:
                if self.kinds[v.id] == "reduce":
                    problems.append(f"reduction %{v.id} is uniform")
                continue
            s = self.stage.get(v.id)
            if s is None or not 0 <= s < max(self.nstages, 1):
                problems.append(f"%{v.id} has stage {s} of {self.nstages}")
                continue
            for i in op.inputs:  # an operand is computed in this stage or an earlier one
                # (an add into a region whose base is another add of the nest into the same buffer)
                chained = op.prim == "index_add" and i is op.inputs[0] and self.kinds.get(i.id) == "scatter"
                if i.id in self.stage and self.stage[i.id] > s:
                    problems.append(f"%{v.id} (stage {s}) reads %{i.id} of a later stage {self.stage[i.id]}")
                elif i.id in self.stage and self.stage[i.id] == s and self.kinds[i.id] != "elem" and not chained:
                    problems.append(f"%{v.id} (stage {s}) reads %{i.id} before its stage's end")
                if i.id in self.stage and self.stage[i.id] < s and self.kinds[i.id] != "reduce" \
                        and i.id not in self.storage and not chained:
                    problems.append(f"%{i.id} crosses from stage {self.stage[i.id]} to {s} without storage")
            if self.kinds[v.id] == "vector" and v.id not in self.storage:
                problems.append(f"SIMD member %{v.id} has no storage for its kernel")
            if self.kinds[v.id] == "reduce" and v.id not in self.red:
                problems.append(f"reduction %{v.id} has no accumulator")
            if v.id in self.outputs and self.kinds[v.id] == "elem" and self.storage.get(v.id) not in ("array", "reuse"):
                problems.append(f"output %{v.id} has no array")
        for vid, where in self.storage.items():
            if where not in STORAGE:
                problems.append(f"%{vid} has storage {where!r}")
            if (where == "reuse") != (vid in self.reuse):
                problems.append(f"%{vid}: storage {where!r} but reuse {self.reuse.get(vid)!r}")
            if where == "strip" and not self.strip:
                problems.append(f"%{vid} has a strip buffer in a nest that is not strip-mined")
        for vid, leaf in self.reuse.items():
            if leaf.id not in self.leaves or leaf.id in self.misaligned:
                problems.append(f"%{vid} reuses %{leaf.id}, not an aligned array the nest reads")
        if len({leaf.id for leaf in self.reuse.values()}) != len(self.reuse):
            problems.append("one buffer reused by two outputs")
        for vid, where in self.alloc.items():
            if where == "hoisted" and self.storage.get(vid) == "strip":
                continue
            if self.storage.get(vid) not in ("array", "full") or where not in ("workspace", "new", "hoisted"):
                problems.append(f"%{vid}: allocation {where!r} for storage {self.storage.get(vid)!r}")
        if problems:
            raise InternalCompilerError("fused loop plan: " + "; ".join(problems), self.describe())


def _extent(d, name) -> str:
    if d is None:
        return "1"
    kind, v, k = d
    if kind == "shape":
        return f"{name(v)}.shape[{k}]"
    if kind == "index":
        return f"{name(v)}[{k}]"
    return f"({name(v[0])}.shape[0], {name(v[1])}.shape[0])[{k}]"


def output_axes(rank: int, index: tuple, shapes: dict) -> tuple:
    """(each output axis of x[index] as ("b", j) (axis j of the index arrays' broadcast shape) or
    ("x", a) (x's sliced axis a), in order; that broadcast shape) for x of `rank`, index items
    `index` and the index inputs' static shapes `shapes` (k -> shape; () for an int)."""
    index = tuple(index) + (("slice", None, None, None),) * (rank - len(index))
    if all(it[0] == "slice" for it in index):  # x[a:b] (an add into a region of slices)
        return [("x", a) for a in range(rank)], ()
    big = max(len(shapes[it[1]]) for it in index if it[0] != "slice")
    bshape = [1] * big
    for it in index:
        if it[0] != "slice":
            s = shapes[it[1]]
            for d, n in enumerate(s):
                j = big - len(s) + d
                bshape[j] = n if bshape[j] == 1 else bshape[j]
    return advanced_output_order(rank, index, big), tuple(bshape)
