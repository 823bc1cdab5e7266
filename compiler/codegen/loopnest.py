"""The fused-loop data type: one planned loop nest (`LoopNest`), what codegen/loops.py plans for a
fusion group before rendering it, with a printer (`describe`, golden-tested) and a verifier
(`verify`, run on every nest before it is rendered).

A nest iterates over `shape`; its members (IR ops) are `uniform` (computed once before the loop),
or looped in a *stage*: stage s computes the arguments of its SIMD transcendentals (`vectors`)
into their storage, the kernel overwrites them in place, and stage s+1 reads the results. Each
value that leaves the nest (`outputs`) or crosses a stage boundary has `storage`: an array, a
reused leaf's buffer, or a strip buffer (`strip`: the last axis cut into strips that run every
stage in turn). Reductions accumulate into cells planned in `red`. `bodies[s]` is stage s's loop
body as lines relative to the innermost loop; `pre`/`post` are the lines around the loops.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..errors import InternalCompilerError


@dataclass
class LoopNest:
    gid: int
    shape: tuple
    members: list
    kinds: dict                       # value id -> 'elem' | 'vector' | 'reduce'
    k_last: int = 0                   # position of the last member in the function (for names)
    parallel: bool = False            # axis 0 in _CHUNKS chunks under numba.prange
    ids: set = field(default_factory=set)
    internal: dict = field(default_factory=dict)   # value id -> uses inside the nest
    outputs: set = field(default_factory=set)      # values read after the nest
    uniform: dict = field(default_factory=dict)    # value id -> name of its once-computed scalar
    looped: list = field(default_factory=list)     # members computed per element
    stage: dict = field(default_factory=dict)      # value id -> stage
    nstages: int = 0
    vectors: list = field(default_factory=list)    # SIMD members
    strip: bool = False
    leaves: dict = field(default_factory=dict)     # value id -> array read element by element
    reads_at: dict = field(default_factory=dict)   # leaf id -> last stage reading it
    misaligned: set = field(default_factory=set)   # leaves not of the nest's shape
    dims: list = field(default_factory=list)       # extent of each axis, as text
    avoid: frozenset = frozenset()                 # names a new name must not take
    storage: dict = field(default_factory=dict)    # value id -> array or buffer name
    buffers: list = field(default_factory=list)    # strip buffer allocations
    flat: dict = field(default_factory=dict)       # vector output id -> its flat view
    aliases: list = field(default_factory=list)    # (value, reused name): the user's name after the loop
    red: dict = field(default_factory=dict)        # reduction id -> accumulator plan
    pre: list = field(default_factory=list)
    post: list = field(default_factory=list)
    bodies: list = field(default_factory=list)
    around: list = field(default_factory=list)     # per stage: lines before / after the innermost loop

    def describe(self, name=None) -> str:
        """The plan as text, one line per fact: shape, extents, stages and each member's place.
        Values are %0, %1, ... by first appearance in the nest (deterministic), unless `name`
        (value -> text) says otherwise."""
        if name is None:
            numbers: dict = {}

            def name(v):
                return f"%{numbers.setdefault(v.id, len(numbers))}"
        lines = [f"loop nest {self.gid} over {tuple(self.shape)} dims ({', '.join(self.dims)})"
                 f"{' strip-mined' if self.strip else ''}{' parallel' if self.parallel else ''}"
                 f", {self.nstages} stage{'s' if self.nstages != 1 else ''}"]
        for op in self.members:
            v = op.out
            if v.id in self.uniform:
                where = f"uniform {self.uniform[v.id]}"
            elif self.kinds[v.id] == "reduce":
                where = f"stage {self.stage[v.id]} reduce into {self.red[v.id]['cell']}"
            else:
                where = f"stage {self.stage[v.id]} {self.kinds[v.id]}"
                if v.id in self.storage:
                    where += f" -> {self.storage[v.id]}"
            out = " out" if v.id in self.outputs else ""
            lines.append(f"  {name(v)} = {op.prim}({', '.join(name(i) for i in op.inputs)}): {where}{out}")
        if self.leaves:
            lines.append("  reads " + ", ".join(f"{name(v)}{'~' if i in self.misaligned else ''}"
                                                for i, v in self.leaves.items()))
        for b in self.buffers:
            lines.append(f"  buffer {b}")
        return "\n".join(lines)

    def verify(self) -> None:
        """The invariants rendering relies on; a broken one is a bug in the planner."""
        problems = []
        if len(self.dims) != len(self.shape):
            problems.append(f"{len(self.dims)} extents for a rank-{len(self.shape)} nest")
        for op in self.members:
            v = op.out
            if v.id in self.uniform:
                if not self.uniform[v.id]:
                    problems.append(f"uniform %{v.id} has no name")
                continue
            s = self.stage.get(v.id)
            if s is None or not 0 <= s < max(self.nstages, 1):
                problems.append(f"%{v.id} has stage {s} of {self.nstages}")
                continue
            for i in op.inputs:  # an operand is computed in this stage or an earlier one
                if i.id in self.stage and self.stage[i.id] > s:
                    problems.append(f"%{v.id} (stage {s}) reads %{i.id} of a later stage {self.stage[i.id]}")
                if i.id in self.stage and self.stage[i.id] < s and self.kinds[i.id] != "reduce" \
                        and i.id not in self.storage:
                    problems.append(f"%{i.id} crosses from stage {self.stage[i.id]} to {s} without storage")
            if self.kinds[v.id] == "vector" and v.id not in self.storage:
                problems.append(f"SIMD member %{v.id} has no storage for its kernel")
            if self.kinds[v.id] == "reduce" and v.id not in self.red:
                problems.append(f"reduction %{v.id} has no accumulator")
            if v.id in self.outputs and self.kinds[v.id] == "elem" and v.id not in self.storage:
                problems.append(f"output %{v.id} has no array")
        if self.looped and len(self.bodies) != self.nstages:
            problems.append(f"{len(self.bodies)} bodies for {self.nstages} stages")
        if problems:
            raise InternalCompilerError("fused loop plan: " + "; ".join(problems), self.describe())
