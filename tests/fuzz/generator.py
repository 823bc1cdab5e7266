"""A generator of random programs in adjit's supported subset (docs/supported.md), weighted toward
what breaks AD compilers: nested loops, in-place row/element/column writes read back, names
rebound to views and to fresh values, break/continue after assignments, early returns, branches
on data inside loops, helper calls, reductions with axis/keepdims, broadcasting, matrix products
and bounded transcendentals, in float64 and float32; and the Python a scientist writes:
comprehensions and generators (unrolled, of run-time length, filtered, nested, over rows, zip and
enumerate; consumed by sum/np.sum/np.mean/np.array/np.stack or bound to a name and used later),
lists built with `.append` in for loops, conditional expressions, `and`/`or`/`not`, builtin
sum/max/min, loops over list literals, boolean-mask selections and writes, array unpacking,
np.prod, np.quantile/np.percentile, np.cov, scipy.stats.norm, comb, np.add/np.subtract spellings,
remainders and floor division.

Shapes are concrete (each program is generated for its argument shapes), so the generator knows
which indices are in range and which operands broadcast. Values stay bounded (tanh, scaling, log
and sqrt of positive arguments), so finite differences are well conditioned.

`generate(seed)` is deterministic per seed (a `random.Random(seed)`)."""
from __future__ import annotations

import random
from dataclasses import dataclass, replace

from .gen_features import FeaturesMixin, Features2Mixin
from .gen_features3 import Features3Mixin
from .gen_features4 import Features4Mixin
from .gen_features5 import Features5Mixin
from .gen_features6 import Features6Mixin
from .gen_features7 import Features7Mixin
from .gen_features8 import Features8Mixin
from .gen_features9 import Features9Mixin
from .gen_features10 import Features10Mixin
from .gen_recent import RecentMixin
from .gen_recent2 import RecentMixin2
from .program import E, For, Func, If, Line, Param, Program, While, leaf


@dataclass(frozen=True)
class Var:
    name: str
    shape: tuple  # () for scalars
    root: str | None = None  # for a view (or alias) of an array: the array it shares memory with
    writable: bool = True  # may be written in place (fresh arrays and the function's arguments)
    is_int: bool = False
    fixed: bool = False  # a loop's row variable: not rebound


@dataclass(frozen=True)
class LVar:
    """A Python list: `length` items of `item` shape; root: the array its items are views of."""
    name: str
    item: tuple
    length: int
    root: str | None = None
    appended: bool = False  # built by .append (indexable); else a comprehension bound to a name


@dataclass
class Ctx:
    env: dict  # name -> Var
    loopvars: dict  # name -> (lo, hi): inclusive range of values
    loop_depth: int = 0
    in_branch: bool = False
    helper: bool = False
    written: set = None  # roots written in this block
    lists: dict = None  # name -> LVar: Python lists (a comprehension bound to a name, or built by .append)
    masks: dict = None  # name -> shape: boolean masks bound to names
    no_jumps: bool = False  # the innermost loop is unrolled or appends: no break/continue

    def child(self, **kw) -> "Ctx":
        c = Ctx(dict(self.env), dict(self.loopvars), self.loop_depth, self.in_branch, self.helper, set(),
                dict(self.lists or {}), dict(self.masks or {}))
        c.no_jumps = self.no_jumps
        for k, v in kw.items():
            setattr(c, k, v)
        return c


UNARY = [
    ("np.tanh({})", 4, "tanh"), ("np.sin({})", 2, "sin"), ("np.cos({})", 1, "cos"),
    ("np.exp(0.5 * np.tanh({}))", 2, "exp"), ("np.exp(-np.square({}))", 1, "exp"),
    ("np.log(1.5 + np.tanh({}))", 2, "log"), ("np.log1p(np.square({}))", 1, "log"),
    ("np.sqrt(1.0 + np.square({}))", 2, "sqrt"), ("np.sqrt(0.5 + np.tanh({}) ** 2)", 1, "sqrt"),
    ("np.square({})", 1, "square"), ("(0.5 * {})", 2, "scale"), ("(-{})", 1, "neg"),
    ("np.abs({})", 1, "abs"), ("np.maximum({}, 0.1)", 1, "maximum"), ("np.minimum({}, 0.4)", 1, "minimum"),
    ("np.arctan({})", 1, "arctan"), ("np.clip({}, -0.6, 0.6)", 1, "clip"), ("np.tanh({}) ** 2", 1, "pow"),
    ("({}) ** 2", 1, "pow"), ("np.sinh(0.5 * np.tanh({}))", 1, "sinh"),
    # scipy.stats.norm (from scipy.stats import norm), remainders and floor division
    ("norm.cdf({})", 0.6, "norm"), ("norm.pdf({})", 0.3, "norm"), ("norm.logpdf({}, 0.5, 1.5)", 0.3, "norm"),
    ("norm.logcdf(np.tanh({}))", 0.2, "norm"), ("norm.sf({})", 0.2, "norm"),
    ("np.mod({}, 0.7)", 0.3, "mod"), ("({} % 1.3)", 0.3, "mod"), ("np.floor_divide({}, 0.5)", 0.1, "floordiv"),
]
BINARY = [
    ("({} + {})", 4, "add"), ("({} - {})", 3, "sub"), ("({} * {})", 4, "mul"),
    ("({} / (2.0 + np.tanh({})))", 2, "div"), ("np.maximum({}, {})", 1, "maximum"),
    ("np.minimum({}, {})", 1, "minimum"), ("({} * 0.5 + {} * 0.25)", 1, "lin"),
    ("np.add({}, {})", 0.4, "add"), ("np.subtract({}, {})", 0.4, "sub"),
    ("({} % (1.5 + np.tanh({})))", 0.3, "mod"), ("np.remainder({}, 1.0 + np.square({}))", 0.15, "mod"),
    ("(({} // 1.0) * {})", 0.25, "floordiv"),
]
REDUCE = [("np.sum", 5), ("np.mean", 2), ("np.max", 2), ("np.min", 1)]


def wchoice(r: random.Random, items):
    """Weighted choice from (value, weight, ...) tuples; returns the whole tuple."""
    total = sum(it[1] for it in items)
    x = r.random() * total
    for it in items:
        x -= it[1]
        if x <= 0:
            return it
    return items[-1]


PROFILES = {"classic": 0.0, "mixed": 0.35, "recent": 3.0, "features": 0.35}  # the weight of gen_recent*.py's constructs


class Generator(RecentMixin, RecentMixin2, FeaturesMixin, Features2Mixin, Features3Mixin, Features4Mixin,
                Features5Mixin, Features6Mixin, Features7Mixin, Features8Mixin, Features9Mixin, Features10Mixin):
    def __init__(self, seed: int, dtype: str | None = None, profile: str = "mixed"):
        self.rw = PROFILES[profile]  # "classic" draws exactly what the generator drew before gen_recent*.py
        self.features = profile == "features"  # gen_features.py's groups at the top of f
        self.prelude: list = []  # module-level code (globals, classes, helpers reading globals)
        self.mutate: list = []  # what changes those globals between the oracle's two checks
        self.idx_arrays: dict = {}  # integer arrays NumPy computes (host.py), bound at the top: name -> (length, bound)
        self.extras: list = []  # more module-level functions (a helper returning a list)
        self.data_params: set = set()
        self.Var = Var
        self.seed = seed
        self.r = random.Random(seed)
        r = self.r
        self.n = r.choice([3, 4, 5])
        self.m = r.choice([2, 3, 4]) if r.random() < 0.85 else self.n
        self.dtype = dtype or ("float32" if r.random() < 0.2 else "float64")
        self.tags: set = set()
        self.counter = 0
        self.helper: Func | None = None
        self.helper_sig = None  # (param shapes, result shape)
        self.helper_name = "g"

    # ------------------------------------------------------------------ names
    def fresh(self, base: str) -> str:
        self.counter += 1
        return f"{base}{self.counter}"

    def tag(self, *names):
        self.tags.update(names)

    # ------------------------------------------------------------------ shapes
    def shape_choices(self, ctx: Ctx) -> list:
        n, m = self.n, self.m
        base = [(), (), (n,), (n,), (m,), (m, n), (m, n), (m, 1), (1, n)]
        base += [v.shape for v in ctx.env.values() if not v.is_int]
        return base

    # ------------------------------------------------------------------ indices
    def index(self, ctx: Ctx, size: int) -> str:
        """An index expression valid for an axis of `size`."""
        r = self.r
        opts = []
        for name, (lo, hi) in ctx.loopvars.items():
            if 0 <= lo and hi < size:
                opts.append((name, 6))
                if lo >= 1:
                    opts.append((f"{name} - 1", 2))
                elif hi - 1 < size:
                    opts.append((f"{name} - 1", 1))  # -1 at the first iteration: NumPy wraps
                    self.tag("neg_index")
                if hi + 1 < size:
                    opts.append((f"{name} + 1", 1))
                opts.append((f"{size - 1} - {name}", 1))
            if lo >= 0 and hi >= size:
                opts.append((f"{name} % {size}", 1))
        opts.append(("0", 2))
        opts.append(("1" if size > 1 else "0", 1))
        opts.append(("-1", 1))
        if size > 2:
            opts.append((str(r.randrange(size)), 1))
        return wchoice(r, opts)[0]

    # ------------------------------------------------------------------ expressions
    def atom(self, ctx: Ctx, shape: tuple) -> tuple:
        """(E, root): a leaf of exactly `shape`; root names the array it views, if it is a view."""
        r = self.r
        opts = []
        for v in ctx.env.values():
            if v.is_int:
                continue
            if v.shape == shape:
                opts.append((("var", v), 6))
            if len(v.shape) == 1 and shape == ():
                opts.append((("elem1", v), 2))
            if len(v.shape) == 2 and shape == ():
                opts.append((("elem2", v), 1))
            if len(v.shape) == 2 and shape == v.shape[1:]:
                opts.append((("row", v), 3))
            if len(v.shape) == 2 and shape == (v.shape[0],):
                opts.append((("col", v), 2))
            if len(v.shape) == 2 and shape == (v.shape[1], v.shape[0]) and shape != v.shape:
                opts.append((("T", v), 2))
            if len(v.shape) == 1 and shape == (v.shape[0], 1):
                opts.append((("colvec", v), 2))
            if len(v.shape) == 1 and shape == (1, v.shape[0]):
                opts.append((("rowvec", v), 2))
            if len(v.shape) == 1 and len(shape) == 1 and 1 <= shape[0] < v.shape[0]:
                opts.append((("slice1", v), 2))
            if len(v.shape) == 2 and len(shape) == 2 and shape[1] == v.shape[1] and 1 <= shape[0] < v.shape[0]:
                opts.append((("slice2", v), 1))
        if shape == ():
            opts.append((("const", None), 3 if len(opts) < 2 else 1))
            if ctx.loopvars:
                opts.append((("loopvar", None), 1))
                if any(lo >= 0 for lo, hi in ctx.loopvars.values()):
                    opts.append((("comb", None), 0.3))
        if not opts:
            opts.append((("full", None), 1))
        (kind, v), _ = wchoice(r, opts)
        if kind == "var":
            return leaf(v.name), (v.root or v.name) if v.shape else None
        if kind == "elem1":
            self.tag("elem_read")
            return leaf(f"{v.name}[{self.index(ctx, v.shape[0])}]"), None
        if kind == "elem2":
            self.tag("elem_read")
            return leaf(f"{v.name}[{self.index(ctx, v.shape[0])}, {self.index(ctx, v.shape[1])}]"), None
        if kind == "row":
            self.tag("row_read")
            return leaf(f"{v.name}[{self.index(ctx, v.shape[0])}]"), v.root or v.name
        if kind == "col":
            self.tag("col_read")
            return leaf(f"{v.name}[:, {self.index(ctx, v.shape[1])}]"), v.root or v.name
        if kind == "T":
            self.tag("transpose")
            return leaf(f"{v.name}.T"), v.root or v.name
        if kind == "colvec":
            self.tag("broadcast")
            return leaf(f"{v.name}[:, None]"), v.root or v.name
        if kind == "rowvec":
            self.tag("broadcast")
            return leaf(f"{v.name}[None, :]" if r.random() < 0.5 else f"{v.name}[None]"), v.root or v.name
        if kind == "slice1":
            return leaf(self.slice_text(ctx, v.name, v.shape[0], shape[0])), v.root or v.name
        if kind == "slice2":
            return leaf(self.slice_text(ctx, v.name, v.shape[0], shape[0])), v.root or v.name
        if kind == "const":
            return leaf(r.choice(["0.5", "0.3", "-0.7", "1.2", "0.25", "2.0", "-1.5"])), None
        if kind == "comb":
            self.tag("comb")
            name = r.choice([k for k, (lo, hi) in ctx.loopvars.items() if lo >= 0])
            hi = ctx.loopvars[name][1]
            return leaf(f"(0.1 * comb({hi + r.choice([0, 1])}, {name}))"), None
        if kind == "loopvar":
            name = r.choice(list(ctx.loopvars))
            return leaf(f"(0.1 * {name})" if r.random() < 0.7 else f"({name} - 1.5)"), None
        self.tag("full")
        return leaf(f"np.full({shape_text(shape)}, {r.choice(['0.5', '-0.3', '1.0'])})"), None

    def slice_text(self, ctx: Ctx, name: str, size: int, length: int) -> str:
        """name[a:b] of `length` rows out of `size`: fixed or starting at a loop variable."""
        r = self.r
        starts = [(str(s), 1) for s in range(0, size - length + 1)]
        for lv, (lo, hi) in ctx.loopvars.items():
            if lo >= 0 and hi + length <= size:
                starts.append((lv, 4))
        s = wchoice(r, starts)[0]
        if s.isdigit():
            a = int(s)
            if a == 0 and r.random() < 0.5:
                return f"{name}[:{length}]"
            if a + length == size and r.random() < 0.5:
                return f"{name}[{a}:]" if r.random() < 0.5 else f"{name}[-{length}:]"
            return f"{name}[{a}:{a + length}]"
        self.tag("dyn_slice")
        return f"{name}[{s}:{s} + {length}]"

    def expr(self, ctx: Ctx, shape: tuple, depth: int) -> E:
        return self.expr_r(ctx, shape, depth)[0]

    def expr_r(self, ctx: Ctx, shape: tuple, depth: int) -> tuple:
        r = self.r
        if depth <= 0 or r.random() < 0.25:
            return self.atom(ctx, shape)
        n, m = self.n, self.m
        opts = [("unary", 4), ("binary", 5), ("reduce", 2), ("matmul", 1.5 if len(shape) <= 2 else 0)]
        if shape:
            opts.append(("bcast", 3))
        if self.helper_sig and self.helper_sig[1] == shape and not ctx.helper:
            opts.append(("call", 2))
        opts += [("comp", 1.0), ("ifexp", 0.6)]
        if len(shape) <= 1:
            opts += [("mask", 0.8 if not shape else 0.3), ("builtin", 0.5)]
        if len(shape) <= 1 or shape[0] == 1:
            opts.append(("stat", 0.7))
        if ctx.lists:
            opts.append(("listuse", 2.5))
        if self.rw:
            opts.append(("recent", 0.6 * self.rw))
        kind = wchoice(r, opts)[0]
        if kind in ("comp", "ifexp", "mask", "builtin", "stat", "listuse", "recent"):
            if kind == "comp":
                e = self.comp_expr(ctx, shape, depth)
            elif kind == "ifexp":
                e = self.ifexp(ctx, shape, depth)
            elif kind == "mask":
                e = self.mask_expr(ctx, shape, depth)
            elif kind == "builtin":
                e = self.builtin(ctx, shape, depth)
            elif kind == "stat":
                e = self.stat(ctx, shape, depth)
            elif kind == "recent":
                e = self.recent_expr(ctx, shape, depth)
            else:
                e = self.list_use(ctx, shape)
            if e is not None:
                return e, None
            return self.atom(ctx, shape)
        if kind == "unary":
            fmt, _, t = wchoice(r, UNARY)
            self.tag(t)
            return E(fmt, [self.expr(ctx, shape, depth - 1)]), None
        if kind == "binary":
            fmt, _, t = wchoice(r, BINARY)
            self.tag(t)
            return E(fmt, [self.expr(ctx, shape, depth - 1) for _ in range(fmt.count("{}"))]), None
        if kind == "bcast":
            self.tag("broadcast")
            if len(shape) == 2:
                a, b = shape
                other = r.choice([(), (b,), (1, b), (a, 1)])
            else:
                other = ()
            fmt = r.choice(["({} + {})", "({} * {})", "({} - {})"])
            kids = [self.expr(ctx, shape, depth - 1), self.expr(ctx, other, depth - 1)]
            if r.random() < 0.5:
                kids.reverse()
            return E(fmt, kids), None
        if kind == "reduce":
            return self.reduction(ctx, shape, depth), None
        if kind == "matmul":
            return self.matmul(ctx, shape, depth), None
        # helper call
        self.tag("helper")
        pshapes = self.helper_sig[0]
        args = [self.expr(ctx, s, depth - 1) for s in pshapes]
        if r.random() < 0.25:
            return E(f"{self.helper_name}({{}}, {self.helper.params[1]}={{}})", args), None
        return E(f"{self.helper_name}(" + ", ".join(["{}"] * len(args)) + ")", args), None

    def reduction(self, ctx: Ctx, shape: tuple, depth: int) -> E:
        r = self.r
        n, m = self.n, self.m
        fn = wchoice(r, REDUCE)[0]
        if fn in ("np.max", "np.min"):
            self.tag("max")
        if shape == ():
            src = r.choice([(n,), (m,), (m, n), (m, n), (n,)])
            if r.random() < 0.15 and len(src) == 1 and src[0] > 1:
                self.tag("shifted_product")
                a = self.expr(ctx, src, depth - 1)
                return E("np.sum(({})[1:] * ({})[:-1])", [a, a])
            method = r.random() < 0.15
            inner = self.expr(ctx, src, depth - 1)
            self.tag("reduce")
            if method:
                return E("({})." + fn[3:] + "()", [inner])
            return E(fn + "({})", [inner])
        self.tag("reduce_axis")
        if len(shape) == 1:
            b = shape[0]
            a = r.choice([n, m])
            if r.random() < 0.5:
                return E(f"{fn}({{}}, axis=0)", [self.expr(ctx, (a, b), depth - 1)])
            return E(f"{fn}({{}}, axis={r.choice(['1', '-1'])})", [self.expr(ctx, (b, a), depth - 1)])
        if len(shape) == 2 and shape[1] == 1:
            self.tag("keepdims")
            a = shape[0]
            return E(f"{fn}({{}}, axis=1, keepdims=True)", [self.expr(ctx, (a, r.choice([n, m])), depth - 1)])
        if len(shape) == 2 and shape[0] == 1:
            self.tag("keepdims")
            b = shape[1]
            return E(f"{fn}({{}}, axis=0, keepdims=True)", [self.expr(ctx, (r.choice([n, m]), b), depth - 1)])
        # a matrix: reduce nothing, scale instead
        return E("(0.5 * {})", [self.expr(ctx, shape, depth - 1)])

    def matmul(self, ctx: Ctx, shape: tuple, depth: int) -> E:
        r = self.r
        n, m = self.n, self.m
        self.tag("matmul")
        k = r.choice([n, m])
        if shape == ():
            return E(r.choice(["({} @ {})", "np.dot({}, {})"]),
                     [self.expr(ctx, (k,), depth - 1), self.expr(ctx, (k,), depth - 1)])
        if len(shape) == 1:
            a = shape[0]
            if r.random() < 0.6:
                return E("({} @ {})", [self.expr(ctx, (a, k), depth - 1), self.expr(ctx, (k,), depth - 1)])
            return E("({} @ {})", [self.expr(ctx, (k,), depth - 1), self.expr(ctx, (k, a), depth - 1)])
        a, b = shape
        if r.random() < 0.3:
            self.tag("outer")
            return E("np.outer({}, {})", [self.expr(ctx, (a,), depth - 1), self.expr(ctx, (b,), depth - 1)])
        return E("({} @ {})", [self.expr(ctx, (a, k), depth - 1), self.expr(ctx, (k, b), depth - 1)])

    def scalar_cond(self, ctx: Ctx, depth: int = 2) -> E:
        """A condition on data: a scalar compared with a threshold (or a loop variable test)."""
        r = self.r
        if ctx.loopvars and r.random() < 0.2:
            lv = r.choice(list(ctx.loopvars))
            return leaf(r.choice([f"{lv} % 2 == 0", f"{lv} > 1", f"{lv} == 0"]))
        self.tag("if_data")
        thr = r.choice(["0", "0.1", "-0.2", "0.5", "0.0"])
        op = r.choice([">", "<", ">=", "<="])
        s = self.expr(ctx, (), depth)
        if r.random() < 0.5:
            src = r.choice(self.shape_choices(ctx))
            if src:
                s = E("np.sum({})", [self.expr(ctx, src, depth - 1)])
        c = E(f"{{}} {op} {thr}", [s])
        k = r.random()
        if k < 0.1:
            self.tag("and_or")
            other = self.scalar_cond(ctx, max(0, depth - 1))
            return E(f"({{}} {r.choice(['and', 'or'])} {{}})", [c, other])
        if k < 0.13:
            self.tag("and_or")
            return E("(not {})", [c])
        return c

    # ------------------------------------------------------------------ statements
    def writable_arrays(self, ctx: Ctx, rank: int | None = None) -> list:
        return [v for v in ctx.env.values()
                if v.writable and v.root is None and v.shape and not v.is_int and (rank is None or len(v.shape) == rank)]

    def kill_views(self, ctx: Ctx, root: str):
        """A write into `root`: views of it must not be read afterwards (NumPy would see the write)."""
        ctx.written.add(root)
        for name, v in list(ctx.env.items()):
            if v.root == root and name != root:
                if self.r.random() < 0.03:
                    self.tag("alias_hazard")  # left on purpose: adjit must diagnose it
                    continue
                del ctx.env[name]
        for name, lv in list((ctx.lists or {}).items()):
            if lv.root == root:
                del ctx.lists[name]

    def block(self, ctx: Ctx, count: int, depth: int) -> list:
        out = []
        for _ in range(count):
            out += self.stmt(ctx, depth)
        return out

    def stmt(self, ctx: Ctx, depth: int) -> list:
        r = self.r
        opts = [("assign", 4), ("update", 4), ("write", 5), ("view", 2)]
        if depth > 0:
            opts += [("for", 4 if ctx.loop_depth < 2 else 1), ("while", 1.5), ("if", 3)]
        if ctx.loop_depth > 0 and not ctx.no_jumps:
            opts.append(("breakcont", 3))
        if ctx.loop_depth == 0 and not ctx.in_branch and depth > 0:
            opts.append(("early_return", 1.2))
        opts += [("deflist", 0.6), ("unpack", 0.4), ("maskwrite", 0.8), ("mask", 0.3)]
        if depth > 0:
            opts += [("append", 0.8), ("forlist", 0.6 if ctx.loop_depth < 2 else 0.2)]
        opts += self.recent_stmt_opts(ctx, depth)
        kind = wchoice(r, opts)[0]
        return getattr(self, "s_" + kind)(ctx, depth)

    def s_assign(self, ctx: Ctx, depth: int) -> list:
        r = self.r
        rebind = [v for v in ctx.env.values() if not v.is_int and not v.fixed and v.name not in ctx.loopvars]
        if rebind and r.random() < 0.4:
            v = r.choice(rebind)
            shape = v.shape
            if ctx.loop_depth == 0 and not ctx.in_branch and r.random() < 0.3:
                shape = r.choice(self.shape_choices(ctx))
            self.tag("rebind")
            e, root = self.expr_r(ctx, shape, 3)
            self.drop_views_of(ctx, v.name)
            if root is not None and (ctx.loop_depth or ctx.in_branch or root == v.name):
                # inside a loop or a branch the name must stay a fresh (writable) array on every path
                e = E("({}).copy()", [e]) if r.random() < 0.5 else E("(1.0 * {})", [e])
                root = None
            if root is not None:
                self.tag("rebind_view")
            ctx.env[v.name] = Var(v.name, shape, root, root is None)
            return [Line(v.name, "=", e)]
        name = self.fresh("t")
        shape = r.choice(self.shape_choices(ctx))
        e, root = self.expr_r(ctx, shape, 3)
        ctx.env[name] = Var(name, shape, root, root is None)
        if root is not None:
            self.tag("view")
        return [Line(name, "=", e)]

    def drop_views_of(self, ctx: Ctx, name: str):
        """`name` is rebound: views of its old value stay valid (they keep the old memory), but the
        generator keeps it simple and treats the old root name as gone for them."""
        for k, v in list(ctx.env.items()):
            if v.root == name and k != name:
                ctx.env[k] = replace(v, root=f"{name}@old{self.counter}", writable=False)
        for k, lv in list((ctx.lists or {}).items()):
            if lv.root == name:
                ctx.lists[k] = replace(lv, root=f"{name}@old{self.counter}")

    def s_view(self, ctx: Ctx, depth: int) -> list:
        r = self.r
        arrays = [v for v in ctx.env.values() if v.shape and not v.is_int]
        if not arrays:
            return self.s_assign(ctx, depth)
        v = r.choice(arrays)
        name = self.fresh("r")
        root = v.root or v.name
        self.tag("view")
        if len(v.shape) == 2:
            k = r.random()
            if k < 0.45:
                text, shape = f"{v.name}[{self.index(ctx, v.shape[0])}]", v.shape[1:]
            elif k < 0.7 and v.shape[0] > 1:
                text, shape = f"{v.name}[1:]", (v.shape[0] - 1, v.shape[1])
            elif k < 0.85:
                text, shape = f"{v.name}[:, {self.index(ctx, v.shape[1])}]", (v.shape[0],)
            else:
                text, shape = f"{v.name}.T", (v.shape[1], v.shape[0])
        else:
            if v.shape[0] > 1 and r.random() < 0.6:
                length = r.randrange(1, v.shape[0])
                text, shape = self.slice_text(ctx, v.name, v.shape[0], length), (length,)
            else:
                text, shape = v.name, v.shape
                self.tag("alias")
        ctx.env[name] = Var(name, shape, root, False)
        return [Line(name, "=", leaf(text))]

    def s_update(self, ctx: Ctx, depth: int) -> list:
        """A carried value updated from itself: `acc = acc + ...`, `acc += ...`, `y = 0.5 * y + ...`."""
        r = self.r
        cands = [v for v in ctx.env.values() if not v.is_int and not v.fixed and v.root is None and v.name not in ctx.loopvars]
        if not cands:
            return self.s_assign(ctx, depth)
        v = r.choice(cands)
        e = self.expr(ctx, v.shape, 2)
        k = r.random()
        self.tag("update")
        self.drop_views_of(ctx, v.name)
        if k < 0.3:
            return [Line(v.name, "=", E(f"0.5 * {v.name} + {{}}", [e]))]
        if k < 0.5:
            return [Line(v.name, "=", E(f"np.tanh({v.name} + {{}})", [e]))]
        if k < 0.65 and not v.shape:
            self.tag("augassign")
            return [Line(v.name, r.choice(["+=", "-="]), e)]
        if k < 0.75 and not v.shape:
            self.tag("augassign")
            return [Line(v.name, "*=", E("(1.0 + 0.5 * np.tanh({}))", [e]))]
        if k < 0.85 and v.shape and v.writable:
            # in-place on an array: a write into its memory
            self.tag("augassign_array")
            self.kill_views(ctx, v.name)
            return [Line(v.name, "+=", E("0.5 * {}", [e]))]
        return [Line(v.name, "=", E(f"{v.name} * 0.5 + {{}}", [e]))]

    def s_write(self, ctx: Ctx, depth: int) -> list:
        """In-place writes into a region, often read back right after."""
        r = self.r
        arrays = self.writable_arrays(ctx)
        if not arrays or r.random() < 0.15:
            # make a buffer to write into
            shape = r.choice([(self.m, self.n), (self.n,), (self.m, self.n), (self.m,)])
            name = self.fresh("h")
            make = r.choice([f"np.zeros({shape_text(shape)})", f"np.zeros({shape_text(shape)})",
                             f"np.ones({shape_text(shape)})"])
            like = [v for v in ctx.env.values() if v.shape == shape and not v.is_int]
            if like and r.random() < 0.4:
                make = f"np.zeros_like({r.choice(like).name})"
            ctx.env[name] = Var(name, shape)
            return [Line(name, "=", leaf(make))] + self.s_write(ctx, depth)
        v = r.choice(arrays)
        out = []
        if len(v.shape) == 2:
            k = r.random()
            if k < 0.4:
                target, shape, t = f"{v.name}[{self.index(ctx, v.shape[0])}]", v.shape[1:], "row_write"
            elif k < 0.75:
                target, shape, t = f"{v.name}[{self.index(ctx, v.shape[0])}, {self.index(ctx, v.shape[1])}]", (), "elem_write"
            else:
                target, shape, t = f"{v.name}[:, {self.index(ctx, v.shape[1])}]", (v.shape[0],), "col_write"
        else:
            if r.random() < 0.15 and v.shape[0] > 2:
                length = r.randrange(1, v.shape[0])
                target, shape, t = self.slice_text(ctx, v.name, v.shape[0], length), (length,), "slice_write"
            else:
                target, shape, t = f"{v.name}[{self.index(ctx, v.shape[0])}]", (), "elem_write"
        self.tag(t)
        e = self.expr(ctx, shape if r.random() < 0.85 else (), 3)
        op = "="
        if r.random() < 0.3:
            op = r.choice(["+=", "+=", "-=", "*="])
            self.tag("aug_write")
            if op == "*=":
                e = E("(1.0 + 0.5 * np.tanh({}))", [e])
        self.kill_views(ctx, v.name)
        out.append(Line(target, op, e))
        if r.random() < 0.6:
            # read the same location back
            self.tag("read_after_write")
            acc = [w for w in ctx.env.values() if w.shape == () and not w.is_int and w.root is None
                   and w.name not in ctx.loopvars]
            read = leaf(target)
            red = E("np.sum({})", [read]) if shape else read
            if acc and r.random() < 0.6:
                a = r.choice(acc)
                out.append(Line(a.name, "=", E(f"{a.name} + {{}}", [E("np.tanh({})", [red])])))
            else:
                name = self.fresh("u")
                ctx.env[name] = Var(name, ())
                out.append(Line(name, "=", E("{} * 0.5", [red])))
        return out

    def loop_header(self, ctx: Ctx) -> tuple:
        """(var, header, lo, hi, trips, tags)"""
        r = self.r
        n, m = self.n, self.m
        var = self.fresh(r.choice(["i", "j", "k"]))
        bounds = [(str(n), n), (str(m), m), (str(r.choice([2, 3])), None)]
        if not ctx.helper:  # x's or W's length where it has the generator's shape (x = s rebinds it)
            if getattr(ctx.env.get("x"), "shape", None) == (n,):
                bounds.append(("x.shape[0]", n))
            if getattr(ctx.env.get("W"), "shape", None) == (m, n):
                bounds.append(("W.shape[0]", m))
        if "T" in self.param_names and not ctx.helper:
            bounds.append(("T", self.T))
        b, val = r.choice(bounds)
        if val is None:
            val = int(b)
        k = r.random()
        if k < 0.55:
            return var, f"range({b})", 0, val - 1, val
        if k < 0.7 and val > 1:
            self.tag("range_start")
            return var, f"range(1, {b})", 1, val - 1, val - 1
        if k < 0.85:
            self.tag("range_step")
            return var, f"range({b} - 1, -1, -1)", 0, val - 1, val
        self.tag("range_step")
        return var, f"range(0, {b}, 2)", 0, val - 1, (val + 1) // 2

    def s_for(self, ctx: Ctx, depth: int) -> list:
        r = self.r
        self.tag("for")
        if ctx.loop_depth > 0:
            self.tag("nested_loop")
        inner = ctx.child(loop_depth=ctx.loop_depth + 1, no_jumps=False)
        inner.env = {k: v for k, v in inner.env.items() if v.root is None}  # views: see kill_views
        # lists of views likewise: a write later in the loop changes them for the next iteration's reads
        inner.lists = {k: v for k, v in inner.lists.items() if v.root is None}
        rows = [v for v in ctx.env.values() if len(v.shape) == 2 and not v.is_int]
        if rows and r.random() < 0.15:
            v = r.choice(rows)
            var = self.fresh("row")
            self.tag("for_rows")
            inner.env[var] = Var(var, v.shape[1:], v.root or v.name, False, fixed=True)
            # NumPy iterates over views of the array: writing into it inside the loop changes later rows
            for k2, v2 in list(inner.env.items()):
                if (v2.root or v2.name) == (v.root or v.name) and v2.writable:
                    inner.env[k2] = replace(v2, writable=False)
            header, trips = v.name, v.shape[0]
        else:
            var, header, lo, hi, trips = self.loop_header(ctx)
            inner.loopvars[var] = (lo, hi)
            inner.env[var] = Var(var, (), None, False, True)
        body = self.block(inner, r.randint(1, 3), depth - 1)
        self.merge(ctx, inner)
        return [For(var, header, body, trips)]

    def s_while(self, ctx: Ctx, depth: int) -> list:
        r = self.r
        self.tag("while")
        if ctx.loop_depth > 0:
            self.tag("nested_loop")
        k = self.fresh("c")
        limit = r.choice([2, 3, 4])
        inner = ctx.child(loop_depth=ctx.loop_depth + 1, no_jumps=False)
        inner.env = {kk: v for kk, v in inner.env.items() if v.root is None}
        # lists of views likewise: a write later in the loop changes them for the next iteration's reads
        inner.lists = {k: v for k, v in inner.lists.items() if v.root is None}
        inner.loopvars[k] = (1, limit)
        inner.env[k] = Var(k, (), None, False, True)
        accs = [v for v in ctx.env.values() if v.shape == () and not v.is_int and v.root is None]
        if accs and r.random() < 0.4:
            self.tag("while_data")
            a = r.choice(accs)
            if r.random() < 0.5:
                cond = leaf(f"({k} < {limit}) & ({a.name} < {r.choice(['1.0', '2.0', '0.5'])})")
            else:
                self.tag("and_or")
                cond = leaf(f"{k} < {limit} and {a.name} < {r.choice(['1.0', '2.0', '0.5'])}")
        else:
            cond = leaf(f"{k} < {limit}")
        body = self.block(inner, r.randint(1, 3), depth - 1)
        self.merge(ctx, inner)
        ctx.env[k] = Var(k, (), None, False, True)
        return [While(k, cond, body)]

    def merge(self, outer: Ctx, inner: Ctx):
        """After a block: outer names keep their types; writes inside kill outer views."""
        for root in inner.written:
            self.kill_views(outer, root)
        outer.written |= inner.written

    def s_if(self, ctx: Ctx, depth: int) -> list:
        r = self.r
        cond = self.scalar_cond(ctx)
        a = ctx.child(in_branch=True)
        body = self.block(a, r.randint(1, 2), depth - 1)
        orelse = []
        b = ctx.child(in_branch=True)
        if r.random() < 0.5:
            self.tag("else")
            orelse = self.block(b, r.randint(1, 2), depth - 1)
        self.merge(ctx, a)
        self.merge(ctx, b)
        return [If(cond, body, orelse)]

    def s_breakcont(self, ctx: Ctx, depth: int) -> list:
        r = self.r
        word = r.choice(["break", "continue"])
        self.tag(word)
        cond = self.scalar_cond(ctx, 1)
        a = ctx.child(in_branch=True)
        body = []
        if r.random() < 0.8:
            # an assignment right before the jump, often of an outer (carried) value
            outer = [v for v in ctx.env.values() if not v.is_int and v.root is None and v.name not in ctx.loopvars]
            if outer and r.random() < 0.7:
                v = r.choice(outer)
                self.tag("assign_before_" + word)
                body.append(Line(v.name, "=", self.expr(a, v.shape, 2)))
            else:
                body += self.s_write(a, 0) if r.random() < 0.5 else self.s_update(a, 0)
        body.append(Line(word))
        self.merge(ctx, a)
        return [If(cond, body)]

    def s_early_return(self, ctx: Ctx, depth: int) -> list:
        self.tag("early_return")
        cond = self.scalar_cond(ctx)
        a = ctx.child(in_branch=True)
        body = []
        if self.r.random() < 0.4:
            body += self.stmt(a, 0)
        body.append(Line("return", "", self.result_expr(a)))
        return [If(cond, body)]

    def result_expr(self, ctx: Ctx) -> E:
        r = self.r
        if ctx.helper:
            return self.expr(ctx, self.helper_sig[1], 3)
        scal = [v for v in ctx.env.values() if v.shape == () and not v.is_int]
        e = self.expr(ctx, (), 3)
        if scal and r.random() < 0.5:
            e = E("({} + {})", [leaf(r.choice(scal).name), e])
        return e

    # ------------------------------------------------------------------ the Python a scientist writes
    # comprehensions and generators, lists built with .append, conditional expressions, and/or,
    # builtin sum/max/min, loops over list literals, boolean masks, unpacking, np.prod,
    # np.quantile/percentile, np.cov, scipy.stats.norm, comb. Where a construct makes the function
    # discontinuous (a mask, a filter, a branch, floor division, a remainder), the program is still
    # piecewise smooth: the finite-difference oracle leaves out the coordinates that sit within a
    # step of a jump (see oracles.fd_gradients), as for the generator's `if` on data.

    def comp_source(self, ctx: Ctx, allow_filter: bool = True, want_len: int | None = None) -> tuple:
        """The `for` clauses of a comprehension: (text, inner ctx, length or None when it depends
        on a filter, literal: the length is written in the source (the comprehension is unrolled))."""
        r = self.r
        n, m = self.n, self.m
        inner = ctx.child()
        # x and W as the generator made them (not rebound to another shape; not in the helper)
        x_ok = getattr(ctx.env.get("x"), "shape", None) == (n,)
        w_ok = getattr(ctx.env.get("W"), "shape", None) == (m, n)
        opts = []
        for L in (n, m):
            if want_len in (None, L):
                opts += [("range_lit", 2, L)]
                if (x_ok and L == n) or (w_ok and L == m):
                    opts += [("range_rt", 3, L)]
        if want_len in (None, n) and x_ok:
            opts += [("iter1", 3, n), ("enumerate", 1, n)]
            if w_ok:
                opts += [("zip", 1.5, n)]
        if want_len in (None, m) and w_ok:
            opts += [("rows", 3, m)]
        if want_len in (None, n - 1) and x_ok:
            opts += [("range_from1", 1.5, n - 1)]
        if want_len in (None, 2, 3):
            k = want_len or r.choice([2, 3])
            opts += [("range_lit", 1, k)]
        if want_len is None and x_ok:
            opts += [("pairs", 1, None)]
        if not opts:
            return None
        kind, _, L = wchoice(r, opts)
        literal = False
        if kind == "range_lit":
            i = self.fresh("i")
            text = f"for {i} in range({L})"
            inner.loopvars[i] = (0, L - 1)
            inner.env[i] = Var(i, (), None, False, True)
            literal = True
            self.tag("comp_unrolled")
        elif kind == "range_rt":
            i = self.fresh("i")
            # x's length or W's, whichever is L and has the generator's shape (when n == m, x may
            # have been rebound to a number: `x = s`, then len(x) is a TypeError)
            b = r.choice((["len(x)", "x.shape[0]"] if x_ok and L == n else [])
                         + (["W.shape[0]", "len(W)"] if w_ok and L == m else []))
            text = f"for {i} in range({b})"
            inner.loopvars[i] = (0, L - 1)
            inner.env[i] = Var(i, (), None, False, True)
        elif kind == "range_from1":
            i = self.fresh("i")
            text = f"for {i} in range(1, {r.choice(['len(x)', 'x.shape[0]'])})"
            inner.loopvars[i] = (1, n - 1)
            inner.env[i] = Var(i, (), None, False, True)
        elif kind == "iter1":
            v = self.fresh("v")
            src = r.choice(["x", "x", "np.tanh(x)"] + (["W[0]", "W[-1]"] if w_ok else []))
            text = f"for {v} in {src}"
            inner.env[v] = Var(v, (), None, False, fixed=True)
        elif kind == "rows":
            v = self.fresh("w")
            text = f"for {v} in W"
            inner.env[v] = Var(v, (n,), "W", False, fixed=True)
        elif kind == "enumerate":
            i, v = self.fresh("i"), self.fresh("v")
            text = f"for {i}, {v} in enumerate(x)"
            inner.loopvars[i] = (0, n - 1)
            inner.env[i] = Var(i, (), None, False, True)
            inner.env[v] = Var(v, (), None, False, fixed=True)
        elif kind == "zip":
            a, b = self.fresh("a"), self.fresh("b")
            lit = "[" + ", ".join(r.choice(["0.5", "1.0", "2.0", "-0.5"]) for _ in range(n)) + "]"
            text = f"for {a}, {b} in zip(x, {r.choice(['W[0]', 'W[1]', 'x[::-1]', 'np.sin(x)', lit])})"
            inner.env[a] = Var(a, (), None, False, fixed=True)
            inner.env[b] = Var(b, (), None, False, fixed=True)
        else:  # pairs i < j
            i, j = self.fresh("i"), self.fresh("j")
            L = None
            text = f"for {i} in range(len(x)) for {j} in range({i} + 1, len(x))"
            inner.loopvars[i] = (0, n - 1)
            inner.loopvars[j] = (1, n - 1)
            inner.env[i] = Var(i, (), None, False, True)
            inner.env[j] = Var(j, (), None, False, True)
            self.tag("comp_nested")
        if allow_filter and r.random() < 0.2:
            self.tag("comp_filter")
            text += f" if {self.scalar_cond(inner, 1).render()}"
            L = None
        self.tag("comprehension")
        return text, inner, L, literal

    def comp_expr(self, ctx: Ctx, shape: tuple, depth: int):
        """A comprehension or generator consumed where it is written, of result `shape`; None
        when no form gives that shape."""
        r = self.r
        if shape == ():
            src = self.comp_source(ctx)
            if src is None:
                return None
            text, inner, L, literal = src
            k = r.random()
            if k < 0.35:
                item = self.expr(inner, (), depth - 1)
                return E(f"sum({{}} {text})", [item])
            if k < 0.6:
                item = self.expr(inner, r.choice([(), (), (self.n,)]), depth - 1)
                return E(f"np.sum([{{}} {text}])", [item])
            if k < 0.8 and L is not None:
                item = self.expr(inner, (), depth - 1)
                return E(f"np.mean([{{}} {text}])", [item])
            if literal and L:
                self.tag("builtin_max")
                item = self.expr(inner, (), depth - 1)
                return E(f"{r.choice(['max', 'min'])}([{{}} {text}])", [item])
            item = self.expr(inner, (), depth - 1)
            return E(f"sum([{{}} {text}])", [item])
        if len(shape) == 1:
            if r.random() < 0.3:
                # a sum of arrays over a comprehension whose length is in the source (unrolled)
                src = self.comp_source(ctx, allow_filter=False, want_len=r.choice([2, 3]))
                if src is not None and src[3]:
                    return E(f"sum({{}} {src[0]})", [self.expr(src[1], shape, depth - 1)])
            src = self.comp_source(ctx, allow_filter=False, want_len=shape[0])
            if src is None:
                return None
            text, inner, L, literal = src
            return E(f"np.array([{{}} {text}])", [self.expr(inner, (), depth - 1)])
        if len(shape) == 2:
            src = self.comp_source(ctx, allow_filter=False, want_len=shape[0])
            if src is None:
                return None
            text, inner, L, literal = src
            fn = r.choice(["np.array", "np.stack"])
            return E(f"{fn}([{{}} {text}])", [self.expr(inner, shape[1:], depth - 1)])
        return None

    def list_use(self, ctx: Ctx, shape: tuple):
        """A use of a list bound to a name (an array where NumPy takes one), of `shape`."""
        r = self.r
        opts = []
        for lv in ctx.lists.values():
            if shape == ():
                opts += [(f"np.sum({lv.name})", 2), (f"np.mean({lv.name})", 1)]
                if lv.item == ():
                    opts += [(f"sum({lv.name})", 2), (f"np.max({lv.name})", 0.5)]
                    if lv.appended:
                        opts += [(f"{lv.name}[-1]", 1), (f"{lv.name}[0]", 1), (f"max({lv.name})", 0.5)]
                        if lv.length > 1:
                            opts += [(f"np.sum(np.tanh({lv.name}[1:]))", 0.5)]
                elif lv.appended:
                    opts += [(f"np.sum(np.square({lv.name}[-1]))", 1)]
            if shape == lv.item and lv.appended:
                opts += [(f"{lv.name}[-1]", 2), (f"{lv.name}[0]", 1)]
                if lv.item == ():
                    opts += [(f"({lv.name}[-1] * (0.1 * len({lv.name})))", 0.5)]
            if shape == (lv.length,) + lv.item:
                opts += [(f"np.array({lv.name})", 3), (f"np.tanh({lv.name})", 1)]
                if lv.item:
                    opts += [(f"np.stack({lv.name})", 1)]
            if lv.item and shape == lv.item:
                opts += [(f"np.sum({lv.name}, axis=0)", 1), (f"np.mean(np.array({lv.name}), axis=0)", 1)]
        if not opts:
            return None
        self.tag("list_use")
        return leaf(wchoice(r, opts)[0])

    def s_deflist(self, ctx: Ctx, depth: int) -> list:
        """`ys = [... for ...]`: a list bound to a name, used later (adjit lowers it where used,
        from the names as they were when it was built)."""
        r = self.r
        src = self.comp_source(ctx, allow_filter=False)
        if src is None or src[2] is None:
            return self.s_assign(ctx, depth)
        text, inner, L, literal = src
        item_shape = r.choice([(), (), (self.n,)])
        item, root = self.expr_r(inner, item_shape, 2)
        if root is not None and r.random() < 0.7:
            item = E("np.tanh({})", [item])  # a fresh value (mostly): the list does not share memory
            root = None
        name = self.fresh("ys")
        ctx.lists[name] = LVar(name, item_shape, L, root)
        self.tag("deferred_list")
        return [Line(name, "=", E(f"[{{}} {text}]", [item]))]

    def s_append(self, ctx: Ctx, depth: int) -> list:
        """`ys = []`, a for loop that appends once per iteration at the top level, a use after.

        An appended item that is a view (a row of an array, a name bound to one) is made a copy or
        a fresh value, except in about 4% of the lists (`append_alias_hazard`, see append_hazard):
        the item stays bare (an array's name, `W[i]`, the `row` of `for row in W`, a view bound in
        the loop) and its base is often written later, after the loop or in it, before or after
        the append, with the list used after that. Python's list holds the appended objects, so a
        write into the base changes its items: adjit must agree with NumPy or give a located
        error (outcome "rejected"), never a value computed from copies."""
        r = self.r
        self.tag("append", "for")
        name = self.fresh("ys")
        # a jump would make the list's length a run-time value: adjit must refuse it (5%)
        inner = ctx.child(loop_depth=ctx.loop_depth + 1, no_jumps=r.random() < 0.95)
        inner.env = {k: v for k, v in inner.env.items() if v.root is None}
        # lists of views likewise: a write later in the loop changes them for the next iteration's reads
        inner.lists = {k: v for k, v in inner.lists.items() if v.root is None}
        rows = [v for v in ctx.env.values() if len(v.shape) == 2 and not v.is_int]
        row_src = None
        if rows and r.random() < 0.2:
            v = r.choice(rows)
            row_src = v
            var = self.fresh("row")
            inner.env[var] = Var(var, v.shape[1:], v.root or v.name, False, fixed=True)
            for k2, v2 in list(inner.env.items()):
                if (v2.root or v2.name) == (v.root or v.name) and v2.writable:
                    inner.env[k2] = replace(v2, writable=False)
            header, trips = v.name, v.shape[0]
        else:
            var, header, lo, hi, trips = self.loop_header(ctx)
            inner.loopvars[var] = (lo, hi)
            inner.env[var] = Var(var, (), None, False, True)
        item_shape = r.choice([(), (), (self.n,), (self.m,)])
        init = []
        if r.random() < 0.25:
            first, root0 = self.expr_r(ctx, item_shape, 1)
            init = [E("({}).copy()", [first]) if root0 is not None else first]
        body = self.block(inner, r.randint(0, 2), max(0, depth - 1)) if r.random() < 0.6 else []
        hazard = self.append_hazard(ctx, inner, var, row_src, init) if r.random() < 0.06 else None
        after = []
        list_root = None
        if hazard is None:
            item, root = self.expr_r(inner, item_shape, 2)
            if root is not None:
                item = E("np.tanh({})", [item]) if r.random() < 0.5 else E("({}).copy()", [item])
            body.append(Line(f"{name}.append", "()", item))
        else:
            pre, item, item_shape, list_root, where = hazard
            # the array written: a name of the loop's context (for a write in the loop), of the
            # function's (after it); a name bound in the loop's body is written in the loop only
            base = (ctx if where == "after_loop" else inner).env.get(list_root)
            if base is not None and (base.root is not None or not base.shape or base.is_int):
                base = None
            if base is not None and where:
                self.tag("append_alias_write")
            body += pre
            write_in = None
            if base is not None and where in ("before", "after_append"):
                write_in = self.hazard_write(inner, base)
            if write_in and where == "before":
                body.append(write_in)
            body.append(Line(f"{name}.append", "()", item))
            if write_in and where == "after_append":
                body.append(write_in)
            if base is not None and where == "after_loop":
                after = [None]  # written below, once the loop's writes are merged
        self.merge(ctx, inner)
        if after:
            after = [self.hazard_write(ctx, ctx.env[list_root])]
        out = [Line(name, "=", E("[{}]", init) if init else leaf("[]")), For(var, header, body, trips)] + after
        lv = LVar(name, item_shape, trips + len(init), list_root, appended=True)
        ctx.lists[name] = lv
        # use it at once, as a scientist does (np.array(xs), sum(losses), ...); a hazard's list is
        # the one used
        shape = r.choice([(), (trips + len(init),) + item_shape])
        if hazard is not None:
            saved, ctx.lists = ctx.lists, {name: lv}
            use = self.list_use(ctx, shape)
            ctx.lists = saved
        else:
            use = self.list_use(ctx, shape)
        if use is not None:
            t = self.fresh("t")
            ctx.env[t] = Var(t, shape)
            out.append(Line(t, "=", use))
        return out

    def append_hazard(self, ctx: Ctx, inner: Ctx, var: str, row_src, init: list):
        """A bare item sharing memory with an array: (statements before the append in the loop,
        the item, its shape, the array it views (a name of ctx, or None), where a write into that
        array goes: "after_loop", "before" or "after_append" the append in the loop, or None);
        None when the loop offers no such item. With initial items, the item's shape must be
        theirs; the generator keeps it simple and offers no hazard then."""
        r = self.r
        if init:
            return None
        opts = []
        if row_src is not None:
            opts.append(("rowvar", 3))
        names = [v for v in inner.env.values() if v.shape and not v.is_int and v.root is None
                 and v.name not in inner.loopvars and v.name != var]
        if names:
            opts += [("name", 2), ("viewname", 2)]
        if [v for v in names if len(v.shape) == 2]:
            opts.append(("indexed", 3))
        if not opts:
            return None
        kind = wchoice(r, opts)[0]
        pre = []
        if kind == "rowvar":
            item, shape, base = leaf(var), row_src.shape[1:], row_src.root or row_src.name
        elif kind == "name":
            v = r.choice(names)
            item, shape, base = leaf(v.name), v.shape, v.name
            self.tag("alias")
        elif kind == "indexed":
            v = r.choice([w for w in names if len(w.shape) == 2])
            item, shape, base = leaf(f"{v.name}[{self.index(inner, v.shape[0])}]"), v.shape[1:], v.name
        else:
            v = r.choice(names)
            rk = self.fresh("r")
            if len(v.shape) == 2:
                if r.random() < 0.7:
                    text, shape = f"{v.name}[{self.index(inner, v.shape[0])}]", v.shape[1:]
                else:
                    text, shape = f"{v.name}[:, {self.index(inner, v.shape[1])}]", (v.shape[0],)
            elif v.shape[0] > 1 and r.random() < 0.6:
                length = r.randrange(1, v.shape[0])
                text, shape = self.slice_text(inner, v.name, v.shape[0], length), (length,)
            else:
                text, shape = v.name, v.shape
            pre = [Line(rk, "=", leaf(text))]
            item, base = leaf(rk), v.name
        where = wchoice(r, [(None, 3), ("after_loop", 3), ("before", 2), ("after_append", 2)])[0]
        self.tag("append_alias_hazard")
        return pre, item, shape, base, where

    def hazard_write(self, ctx: Ctx, v: Var) -> Line:
        """A write into the array `v` (an element, a row, a column, a slice, all of it)."""
        r = self.r
        k = r.random()
        if len(v.shape) == 2:
            if k < 0.4:
                target, shape = f"{v.name}[{self.index(ctx, v.shape[0])}]", v.shape[1:]
            elif k < 0.7:
                target, shape = f"{v.name}[{self.index(ctx, v.shape[0])}, {self.index(ctx, v.shape[1])}]", ()
            else:
                target, shape = f"{v.name}[:, {self.index(ctx, v.shape[1])}]", (v.shape[0],)
        elif k < 0.6:
            target, shape = f"{v.name}[{self.index(ctx, v.shape[0])}]", ()
        elif k < 0.8 and v.shape[0] > 1:
            length = r.randrange(1, v.shape[0])
            target, shape = self.slice_text(ctx, v.name, v.shape[0], length), (length,)
        else:
            target, shape = f"{v.name}[:]", v.shape
        op = r.choice(["=", "=", "+=", "*="])
        e = self.expr(ctx, shape if r.random() < 0.7 else (), 1)
        if op == "*=":
            e = E("(1.0 + 0.5 * np.tanh({}))", [e])
        self.kill_views(ctx, v.name)
        return Line(target, op, e)

    def s_unpack(self, ctx: Ctx, depth: int) -> list:
        """`a, b, c = np.exp(x[:3])`, `r1, r2 = W[:2]`: an array unpacked into names."""
        r = self.r
        x_ok = getattr(ctx.env.get("x"), "shape", None) == (self.n,)
        w_ok = getattr(ctx.env.get("W"), "shape", None) == (self.m, self.n)
        if not (x_ok and w_ok):  # in the helper, or x/W rebound to another shape
            return self.s_assign(ctx, depth)
        self.tag("unpack")
        k = r.choice([2, 3]) if self.n >= 3 else 2
        if r.random() < 0.65:
            src = r.choice([f"x[:{k}]", f"x[-{k}:]", f"W[0, :{k}]"])
            fn = r.choice(["np.exp(0.5 * np.tanh({}))", "np.tanh({})", "{}", "(1.0 + 0.5 * {})"])
            names = [self.fresh(c) for c in "abc"[:k]]
            for nm in names:
                ctx.env[nm] = Var(nm, ())
            return [Line(", ".join(names), "=", E(fn, [leaf(src)]))]
        k = 2
        src = r.choice(["W[:2]", "W[-2:]", "np.tanh(W[:2])", "W[:2] * 0.5"])
        names = [self.fresh("r") for _ in range(k)]
        root = "W" if src.startswith("W[") and not src.endswith("0.5") else None
        for nm in names:
            ctx.env[nm] = Var(nm, (self.n,), root or f"unpacked:{names[0]}", False)
        return [Line(", ".join(names), "=", leaf(src))]

    def mask_cond(self, ctx: Ctx, shape: tuple) -> E:
        """A boolean array of `shape`: a comparison with a threshold, &, |, ~, np.isfinite."""
        r = self.r
        thr = r.choice(["0.0", "0.2", "-0.3", "0.5", "-0.1"])
        op = r.choice([">", "<", ">=", "<="])
        c = E(f"({{}} {op} {thr})", [self.expr(ctx, shape, 1)])
        k = r.random()
        if k < 0.15:
            c = E("({} & {})", [c, E(f"({{}} < 0.8)", [self.expr(ctx, shape, 0)])])
        elif k < 0.25:
            c = E("~{}", [c])
        elif k < 0.3:
            c = E("({} | {})", [c, E("np.isnan({})", [self.expr(ctx, shape, 0)])])
        elif k < 0.35:
            c = E("({} & np.isfinite({}))", [c, self.expr(ctx, shape, 0)])
        return c

    def mask_for(self, ctx: Ctx, shape: tuple, define: bool = True):
        """(text of a mask of `shape` usable twice in one expression, statements defining it)."""
        r = self.r
        named = [k for k, s in ctx.masks.items() if s == shape]
        if named and r.random() < 0.6:
            return r.choice(named), []
        if define and r.random() < 0.5:
            name = self.fresh("mk")
            ctx.masks[name] = shape
            return name, [Line(name, "=", self.mask_cond(ctx, shape))]
        # inline, evaluated twice when used twice (adjit recognises the same mask)
        v = [w for w in ctx.env.values() if w.shape == shape and not w.is_int]
        base = r.choice(v).name if v else self.atom(ctx, shape)[0].render()
        return f"({base} {r.choice(['>', '<'])} {r.choice(['0.0', '0.2', '-0.3'])})", []

    def sel_expr(self, ctx: Ctx, shape: tuple, mask: str, depth: int) -> E:
        """Elementwise arithmetic on selections `a[mask]` by one mask and on numbers."""
        r = self.r
        if depth <= 0 or r.random() < 0.35:
            v = [w for w in ctx.env.values() if w.shape == shape and not w.is_int]
            if v and r.random() < 0.75:
                return leaf(f"{r.choice(v).name}[{mask}]")
            return E(f"({{}})[{mask}]", [self.expr(ctx, shape, 1)])
        k = r.random()
        if k < 0.45:
            fmt, _, t = wchoice(r, UNARY)
            self.tag(t)
            return E(fmt, [self.sel_expr(ctx, shape, mask, depth - 1)])
        if k < 0.8:
            fmt = r.choice(["({} + {})", "({} * {})", "({} - {})", "({} / (2.0 + np.tanh({})))"])
            return E(fmt, [self.sel_expr(ctx, shape, mask, depth - 1) for _ in range(fmt.count("{}"))])
        c = r.choice(["0.5", "2.0", "-1.5"])
        fmt = r.choice([f"({{}} * {c})", f"({{}} - {c})", f"({c} + {{}})", "({}) ** 2"])
        return E(fmt, [self.sel_expr(ctx, shape, mask, depth - 1)])

    def mask_expr(self, ctx: Ctx, shape: tuple, depth: int):
        """A reduction of a boolean-mask selection, of `shape` (a number, or a row for X[keep])."""
        r = self.r
        n, m = self.n, self.m
        self.tag("mask")
        fn = wchoice(r, [("np.sum", 4), ("np.mean", 2), ("np.max", 1), ("np.min", 1)])[0]
        if shape == ():
            src = r.choice([(n,), (n,), (m, n), (m,)])
            mask, _ = self.mask_for(ctx, src, define=False)
            if fn != "np.sum":
                # never an empty selection: NumPy raises on the mean/max/min of one (the program
                # would be invalid) where adjit returns nan/-inf/inf by design; the mask also keeps
                # the largest element of an array of its shape
                v = [w.name for w in ctx.env.values() if w.shape == src and not w.is_int]
                if v:
                    b = r.choice(v)
                    mask = f"({mask} | ({b} >= np.max({b})))"
                    self.tag("mask_nonempty")
                else:
                    fn = "np.sum"
            sel = self.sel_expr(ctx, src, mask, depth - 1)
            if r.random() < 0.2:
                return E("({})." + fn[3:] + "()", [sel])
            return E(fn + "({})", [sel])
        if len(shape) == 1:
            # a row mask: X[keep] reduced over axis 0
            self.tag("row_mask")
            a = m
            v = [w for w in ctx.env.values() if w.shape == (a,) + shape and not w.is_int]
            base = r.choice(v).name if v else None
            if base is None:
                return None
            keep = r.choice([f"{base}[:, 0] > {r.choice(['0.0', '-0.2'])}", f"np.sum({base}, axis=1) > -0.5"])
            if fn != "np.sum":  # never no rows (see above)
                keep = f"({keep}) | ({base}[:, 0] >= np.max({base}[:, 0]))"
                self.tag("mask_nonempty")
            return E(f"{fn}({base}[{keep}], axis=0)", [])
        return None

    def s_mask(self, ctx: Ctx, depth: int) -> list:
        """`mk = x > 0.2`: a named mask, used by later selections."""
        shape = self.r.choice([(self.n,), (self.n,), (self.m, self.n), (self.m,)])
        name = self.fresh("mk")
        line = Line(name, "=", self.mask_cond(ctx, shape))
        ctx.masks[name] = shape
        self.tag("mask")
        return [line]

    def s_maskwrite(self, ctx: Ctx, depth: int) -> list:
        """`h[mask] = v`, `h[h < 0] = 0.0`, `h[mask] *= 2.0`, `h[mask] += v`, read back after."""
        r = self.r
        arrays = self.writable_arrays(ctx)
        if not arrays:
            return self.s_write(ctx, depth)
        v = r.choice(arrays)
        self.tag("mask_write")
        out = []
        if r.random() < 0.3:
            # the array's own values decide (clip by hand)
            mask = f"{v.name} {r.choice(['<', '>'])} {r.choice(['0.0', '0.3', '-0.4'])}"
        else:
            mask, out = self.mask_for(ctx, v.shape)
        k = r.random()
        if k < 0.35:
            rhs, op = leaf(r.choice(["0.0", "0.5", "-1.0"])), "="
        elif k < 0.55:
            rhs, op = leaf(r.choice(["2.0", "0.5", "-1.0"])), "*="
        elif k < 0.75:
            rhs, op = leaf(r.choice(["0.5", "1.0", "-0.3"])), "+="
        else:
            if mask.startswith(v.name + " "):
                mask = f"({mask})"
            rhs, op = self.sel_expr(ctx, v.shape, mask, 1), r.choice(["=", "+="])
        self.kill_views(ctx, v.name)
        out.append(Line(f"{v.name}[{mask}]", op, rhs))
        return out

    def ifexp(self, ctx: Ctx, shape: tuple, depth: int) -> E:
        self.tag("ifexp")
        return E("({} if {} else {})", [self.expr(ctx, shape, depth - 1), self.scalar_cond(ctx, 1),
                                          self.expr(ctx, shape, depth - 1)])

    def builtin(self, ctx: Ctx, shape: tuple, depth: int):
        """Python's sum/max/min over several numbers, an array, or a list literal."""
        r = self.r
        n, m = self.n, self.m
        self.tag("builtin")
        if shape == ():
            k = r.random()
            if k < 0.4:
                fn = r.choice(["max", "min"])
                kids = [self.expr(ctx, (), depth - 1) for _ in range(r.choice([2, 2, 3]))]
                return E(fn + "(" + ", ".join(["{}"] * len(kids)) + ")", kids)
            if k < 0.75:
                fn = r.choice(["sum", "sum", "max", "min"])
                return E(fn + "({})", [self.expr(ctx, r.choice([(n,), (m,)]), depth - 1)])
            kids = [self.expr(ctx, (), depth - 1) for _ in range(r.choice([2, 3]))]
            return E(r.choice(["sum", "max"]) + "([" + ", ".join(["{}"] * len(kids)) + "])", kids)
        if len(shape) == 1:
            # sum over the rows of a matrix: a row
            return E("sum({})", [self.expr(ctx, (r.choice([n, m]),) + shape, depth - 1)])
        return None

    def stat(self, ctx: Ctx, shape: tuple, depth: int):
        """np.prod, np.quantile/np.percentile, np.cov."""
        r = self.r
        n, m = self.n, self.m
        k = r.random()
        if shape == ():
            if k < 0.3:
                self.tag("prod")
                inner = self.expr(ctx, r.choice([(n,), (m,), (m, n)]), depth - 1)
                return E(r.choice(["np.prod({})", "({}).prod()", "np.prod(1.0 + 0.5 * np.tanh({}))"]), [inner])
            if k < 0.7:
                self.tag("quantile")
                inner = self.expr(ctx, r.choice([(n,), (m,), (m, n)]), depth - 1)
                q = r.choice(["0.5", "0.25", "0.9", "0.1", "1.0", "0.0"])
                if r.random() < 0.3:
                    return E(f"np.percentile({{}}, {r.choice(['75', '50', '10', '90.0'])})", [inner])
                if r.random() < 0.2:
                    return E(f"np.sum(np.quantile({{}}, [0.1, {q}, 0.9]))", [inner])
                return E(f"np.quantile({{}}, {q})", [inner])
            self.tag("cov")
            kk = r.random()
            if kk < 0.3:
                return E("np.cov({})", [self.expr(ctx, (n,), depth - 1)])
            if kk < 0.6:
                return E(f"np.sum(np.cov({{}}{r.choice(['', ', bias=True'])}) ** 2)", [self.expr(ctx, (m, n), depth - 1)])
            return E("np.cov({}, rowvar=False)[0, 1]", [self.expr(ctx, (m, n), depth - 1)])
        if len(shape) == 1:
            b = shape[0]
            if k < 0.3:
                self.tag("prod")
                a = r.choice([n, m])
                return E("np.prod({}, axis=0)", [self.expr(ctx, (a, b), depth - 1)])
            if k < 0.7:
                self.tag("quantile")
                a = r.choice([n, m])
                q = r.choice(["0.5", "0.25", "0.75"])
                if r.random() < 0.5:
                    return E(f"np.quantile({{}}, {q}, axis=0)", [self.expr(ctx, (a, b), depth - 1)])
                return E(f"np.percentile({{}}, {r.choice(['30', '60'])}, axis=1)", [self.expr(ctx, (b, a), depth - 1)])
            self.tag("cov")
            if b == n:
                return E("(np.cov({}, rowvar=False) @ {})", [self.expr(ctx, (m, n), depth - 1), self.expr(ctx, (n,), depth - 1)])
            if b == m:
                return E("(np.cov({}) @ {})", [self.expr(ctx, (m, n), depth - 1), self.expr(ctx, (m,), depth - 1)])
            return None
        if len(shape) == 2 and shape[0] == 1:
            self.tag("prod")
            return E("np.prod({}, axis=0, keepdims=True)", [self.expr(ctx, (r.choice([n, m]), shape[1]), depth - 1)])
        return None

    def s_forlist(self, ctx: Ctx, depth: int) -> list:
        """`for w in [W, 0.5 * W]:` / `for c in [0.5, 1.0, 2.0]:` (unrolled when compiled)."""
        r = self.r
        self.tag("for_list", "for")
        if ctx.loop_depth > 0:
            self.tag("nested_loop")
        inner = ctx.child(loop_depth=ctx.loop_depth + 1)
        inner.env = {k: v for k, v in inner.env.items() if v.root is None}
        # lists of views likewise: a write later in the loop changes them for the next iteration's reads
        inner.lists = {k: v for k, v in inner.lists.items() if v.root is None}
        var = self.fresh(r.choice(["c", "w", "p"]))
        inner.no_jumps = r.random() < 0.97  # adjit refuses break/continue in an unrolled loop
        if r.random() < 0.4:
            items = r.sample(["0.5", "1.0", "2.0", "-0.5", "0.1"], r.choice([2, 3]))
            inner.env[var] = Var(var, (), None, False, fixed=True)
            header = "[" + ", ".join(items) + "]"
        else:
            shape = r.choice([s for s in self.shape_choices(ctx) if s] or [(self.n,)])
            kids = []
            for _ in range(r.choice([2, 3])):
                e, root = self.expr_r(ctx, shape, 1)
                if root is not None:
                    # the loop variable is that array: no writes into it inside the loop
                    for k2, v2 in list(inner.env.items()):
                        if (v2.root or v2.name) == root and v2.writable:
                            inner.env[k2] = replace(v2, writable=False)
                kids.append(e)
            inner.env[var] = Var(var, shape, f"listitem:{var}", False, fixed=True)
            header = E("[" + ", ".join(["{}"] * len(kids)) + "]", kids).render()
        body = self.block(inner, r.randint(1, 3), depth - 1)
        self.merge(ctx, inner)
        return [For(var, header, body, 0)]

    # ------------------------------------------------------------------ functions
    def make_helper(self):
        r = self.r
        n, m = self.n, self.m
        pats = [(["a", "b"], [(n,), (n,)], (n,)), (["u", "s"], [(n,), ()], ()),
                (["M", "v"], [(m, n), (n,)], (m,)), (["p", "q"], [(), ()], ())]
        names, shapes, res = r.choice(pats)
        self.helper_sig = (shapes, res)
        ctx = Ctx({nm: Var(nm, s, None if not s else f"param:{nm}", False) for nm, s in zip(names, shapes)}, {},
                  helper=True, written=set(), lists={}, masks={})
        body = self.block(ctx, r.randint(0, 2), 1)
        body.append(Line("return", "", self.expr(ctx, res, 3)))
        self.helper = Func(self.helper_name, names, body)

    def generate(self) -> Program:
        r = self.r
        n, m = self.n, self.m
        params = [Param("x", "array", (n,))]
        if r.random() < 0.8:
            params.append(Param("W", "array", (m, n)))
        if r.random() < 0.4:
            params.append(Param("b", "array", r.choice([(m,), (m, 1)])))
        if r.random() < 0.35:
            params.append(Param("s", r.choice(["scalar", "pyfloat"]) if self.dtype == "float64" else "scalar"))
        self.T = r.choice([2, 3, 4])
        if r.random() < 0.2:
            params.append(Param("T", "int", value=self.T, wrt=False))
            self.tag("int_param")
        for p in params:
            if p.kind != "int" and r.random() < 0.15 and sum(q.wrt for q in params) > 1:
                p.wrt = False
        if self.rw and r.random() < 0.6:
            params.append(Param("d", "array", (n,), wrt=False))  # data: what host.py's lines read
            self.data_params.add("d")
        self.param_names = {p.name for p in params}
        if "W" not in self.param_names:
            self.param_names.add("W")  # loop bounds may say W.shape[0]: give it a W
            params.insert(1, Param("W", "array", (m, n), wrt=r.random() < 0.5 or True))
        if r.random() < 0.35:
            self.make_helper()
        env = {}
        for p in params:
            shape = tuple(p.shape) if p.kind == "array" else ()
            env[p.name] = Var(p.name, shape, None, p.kind == "array", p.kind == "int")
        if "d" in self.data_params and r.random() < 0.85:
            env["d"] = Var("d", (n,), None, False)  # mostly not written by the other statements (they would block hoisting)
        ctx = Ctx(env, {}, written=set(), lists={}, masks={})
        body = []
        feats = []
        if self.features:
            body, feats = self.feature_block(ctx, r.choice([1, 1, 2, 2, 3]))
        if r.random() < 0.6:
            body.append(Line("acc", "=", leaf(r.choice(["0.0", "0.0", "np.sum(x) * 0.1"]))))
            ctx.env["acc"] = Var("acc", ())
        body += self.block(ctx, r.randint(1, 3) if self.features else r.randint(2, 5), 3)
        res = self.result_expr(ctx)
        if feats:
            # a top-level rebinding may have given fe<k> another shape
            res = E("{}" + "".join(f" + 0.3 * {nm}" if ctx.env.get(nm) and ctx.env[nm].shape == () else
                                   f" + 0.3 * np.sum({nm})" for nm in feats), [res])
        body.append(Line("return", "", res))
        if self.dtype == "float32":
            self.tag("float32")
        main = Func("f", [p.name for p in params], body)
        return Program(main, self.helper, params, self.dtype, set(self.tags), self.seed, self.extras, self.prelude,
                       self.mutate)


def shape_text(shape: tuple) -> str:
    if len(shape) == 1:
        return f"{shape[0]}"
    return "(" + ", ".join(map(str, shape)) + ")"


def generate(seed: int, dtype: str | None = None, profile: str = "mixed") -> Program:
    return Generator(seed, dtype, profile).generate()
