"""The program representation the fuzzer generates, renders and shrinks.

A program is a module holding at most one helper function and the main function `f`. Statements
are a small tree (lines, for, while, if) and expressions a tree of format strings, so the shrinker
can delete statements, unwrap blocks and replace an expression by one of its parts."""
from __future__ import annotations

import copy
from dataclasses import dataclass, field


@dataclass
class E:
    """An expression: `fmt` with one `{}` per child (children are E or plain strings)."""

    fmt: str
    kids: list = field(default_factory=list)

    def render(self) -> str:
        if not self.kids:
            return self.fmt
        return self.fmt.format(*[k.render() if isinstance(k, E) else str(k) for k in self.kids])

    def __str__(self) -> str:
        return self.render()


def leaf(text: str) -> E:
    return E(text.replace("{", "{{").replace("}", "}}"))


@dataclass
class Line:
    """A simple statement: `<lhs> <op> <expr>`, or a bare keyword (`break`, `continue`),
    or `return <expr>` (lhs == "return", op == "")."""

    lhs: str
    op: str = ""
    expr: E | None = None
    tags: tuple = ()

    def render(self, indent: str) -> list[str]:
        if self.expr is None:
            return [indent + self.lhs]
        if self.lhs == "return":
            return [f"{indent}return {self.expr.render()}"]
        if self.op == "()":  # a call statement: `ys.append(<expr>)`
            return [f"{indent}{self.lhs}({self.expr.render()})"]
        return [f"{indent}{self.lhs} {self.op} {self.expr.render()}"]


@dataclass
class Raw:
    """Statements written as text (the `features` profile's groups: a class, a loop with an
    `else:`, a walrus): `lines`, each indented relative to the block. The shrinker deletes a Raw
    statement whole."""

    lines: list
    tags: tuple = ()

    def render(self, indent: str) -> list[str]:
        return [indent + ln for ln in self.lines]


@dataclass
class For:
    var: str
    header: str  # what follows `in`: "range(3)", "W", "range(1, x.shape[0])"
    body: list
    trips: int = 0  # the number of iterations, as generated (the shrinker lowers literal bounds)
    tags: tuple = ()

    def render(self, indent: str) -> list[str]:
        out = [f"{indent}for {self.var} in {self.header}:"]
        out += render_block(self.body, indent + "    ")
        return out


@dataclass
class While:
    """`k = 0` then `while <cond>:` whose body starts with `k += 1` (so continue cannot spin)."""

    counter: str
    cond: E
    body: list
    tags: tuple = ()

    def render(self, indent: str) -> list[str]:
        out = [f"{indent}{self.counter} = 0", f"{indent}while {self.cond.render()}:",
               f"{indent}    {self.counter} += 1"]
        out += render_block(self.body, indent + "    ", allow_empty=False)
        return out


@dataclass
class If:
    cond: E
    body: list
    orelse: list = field(default_factory=list)
    tags: tuple = ()

    def render(self, indent: str) -> list[str]:
        out = [f"{indent}if {self.cond.render()}:"]
        out += render_block(self.body, indent + "    ")
        if self.orelse:
            out.append(f"{indent}else:")
            out += render_block(self.orelse, indent + "    ")
        return out


def render_block(stmts: list, indent: str, allow_empty: bool = True) -> list[str]:
    out = []
    for s in stmts:
        out += s.render(indent)
    if not out and (allow_empty or True):
        out = [indent + "pass"]
    return out


@dataclass
class Func:
    name: str
    params: list  # parameter names
    body: list

    def render(self) -> str:
        lines = [f"def {self.name}({', '.join(self.params)}):"]
        lines += render_block(self.body, "    ")
        return "\n".join(lines) + "\n"


@dataclass
class Param:
    """One argument of the main function and how to make its value."""

    name: str
    kind: str  # "array", "scalar" (NumPy scalar), "pyfloat", "int"
    shape: tuple = ()
    value: int = 0  # for kind "int"
    wrt: bool = True


@dataclass
class Program:
    main: Func
    helper: Func | None
    params: list  # Param
    dtype: str  # "float64" or "float32"
    tags: set = field(default_factory=set)  # constructs used, for the campaign's statistics
    seed: int = 0
    extras: list = field(default_factory=list)  # more module-level functions, before the helper
    prelude: list = field(default_factory=list)  # module-level code after the imports (globals, classes)
    mutate: list = field(default_factory=list)  # run in the module between two checks (oracles.check_task)

    @property
    def wrt(self) -> tuple:
        return tuple(p.name for p in self.params if p.wrt)

    def source(self) -> str:
        funcs = [f.render() for f in self.extras]
        funcs += ([self.helper.render()] if self.helper is not None else []) + [self.main.render()]
        head = "import numpy as np\n"
        text = "".join(funcs) + "\n".join(self.prelude)
        for mod in ("scipy.special", "scipy.ndimage", "scipy.signal", "scipy.stats", "scipy.integrate", "dataclasses",
                    "typing", "math", "functools", "itertools", "collections"):
            if mod + "." in text:
                head += f"import {mod}\n"
        if "stats." in text:
            head += "from scipy import stats\n"
        if "norm." in text:
            head += "from scipy.stats import norm\n"
        if "comb(" in text:
            head += "from scipy.special import comb\n"
        return "\n\n".join([head] + [p + "\n" for p in self.prelude] + funcs)

    def clone(self) -> "Program":
        return copy.deepcopy(self)

    def to_task(self) -> dict:
        return {"source": self.source(), "fname": self.main.name, "wrt": list(self.wrt), "dtype": self.dtype,
                "params": [p.__dict__ | {"shape": list(p.shape)} for p in self.params],
                "tags": sorted(self.tags), "seed": self.seed, "mutate": "\n".join(self.mutate)}


def walk_stmts(stmts: list):
    """Every statement, depth first, with the list that holds it and its index there."""
    for i, s in enumerate(stmts):
        yield stmts, i, s
        for child in child_blocks(s):
            yield from walk_stmts(child)


def child_blocks(s) -> list:
    if isinstance(s, (For, While)):
        return [s.body]
    if isinstance(s, If):
        return [s.body, s.orelse]
    return []


def stmt_exprs(s) -> list:
    """The expression trees directly held by a statement (holder, attribute) pairs."""
    if isinstance(s, Line) and s.expr is not None:
        return [(s, "expr")]
    if isinstance(s, (While, If)):
        return [(s, "cond")]
    return []
