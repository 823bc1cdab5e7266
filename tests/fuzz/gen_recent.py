"""The generator's constructs added since 3cc1dae (a mixin of `generator.Generator`): what adjit
accepts now and the fuzzer did not write before.

* Host hoisting (compiler/frontend/host.py): calls adjit has no rule for (np.unique, np.unwrap,
  np.polyfit, scipy.ndimage/signal/special functions, np.random draws, permutations, argsort,
  digitize, histogram) on data that is not differentiated (the argument `d`, constants), with the
  hazards: the array they read having a differentiated value written into it first (subscript,
  slice, view, alias, `out=`, np.add.at, np.copyto, `+=`, a rebinding, a write in a loop or a
  branch), or the call inside a loop or a branch. Each must be exact or a located error.
* `[None] * n` / `[0.0] * n` lists filled by index (forward, backward, recurrences, a tuple of
  positions, both branches of an if, a while loop), `.append` in while loops and ifs, lists a
  helper returns, list literals of arrays wherever NumPy reads an array, list `+` and `*`.
* `x[mask] = u` / `x[mask] += u` with `u` one value per selected element (a mask known when the
  program is written), row selections through `@`, `.T`, var/std, `len`, `.shape[0]`; `k in xs`.
* scipy.stats distributions' methods with differentiated parameters, inside, near and outside the
  support; a few methods adjit has no rule for (a located error).
* Slices with run-time extents (`v[lag:] * v[:-lag]`), carried arrays that shrink
  (`v = p * v[1:] + q * v[:-1]`).
* Loops over tuple literals and over literal pairs `(array, number)`; np.add.at / np.subtract.at.

The weights come from the generator's profile: "classic" (none of these), "mixed" (the default:
some) or "recent" (mostly these)."""
from __future__ import annotations

from .program import E, For, Func, If, Line, While, leaf

HOST_UNARY = [  # (call on an (n,) array A, result extent: "n", "n-1", "rt" (run-time), "half")
    ("np.unwrap({})", "n"), ("scipy.ndimage.gaussian_filter1d({}, 1.0)", "n"), ("np.unique({})", "rt"),
    ("np.ediff1d({})", "n-1"), ("scipy.signal.detrend({})", "n"), ("np.nancumsum({})", "n"),
    ("scipy.signal.lfilter([1.0, 0.5], [1.0], {})", "n"), ("scipy.special.erfcx({})", "n"),
    ("np.abs(np.fft.rfft({}))", "half"), ("(np.ptp({}) + {})", "n"),
    ("np.polyval(np.polyfit(np.arange({n}.0), {}, 2), np.arange({n}.0))", "n"),
]
SIX = ("logpdf", "pdf", "cdf", "sf", "logcdf", "logsf")
CONT = {  # distribution: (shape parameters, methods, support); the cdfs of gamma/beta/t/chi2 since ebf479b
    "norm": ((), SIX, "R"), "cauchy": ((), SIX, "R"), "laplace": ((), SIX, "R"), "logistic": ((), SIX, "R"),
    "expon": ((), SIX, "+"), "halfnorm": ((), SIX, "+"), "halfcauchy": ((), SIX, "+"),
    "t": (("df",), SIX, "R"), "gamma": (("a",), SIX, "+"), "chi2": (("df",), SIX, "+"),
    "invgamma": (("a",), ("logpdf", "pdf"), "+"), "beta": (("a", "b"), SIX, "01"),
    "lognorm": (("s",), SIX, "+"), "uniform": ((), SIX, "01"),
}
NO_DERIVATIVE_IN_SHAPE = {"gamma", "beta", "t", "chi2"}  # cdf & co: d/dshape is a located error (no_derivative)
NO_RULE_METHODS = ["stats.norm.ppf", "stats.cauchy.ppf", "stats.weibull_min.logpdf", "stats.gamma.ppf"]


class RecentMixin:
    """New statement and expression kinds; `recent_stmt_opts` and `recent_expr` hook them in."""

    # ------------------------------------------------------------------ hooks
    def recent_stmt_opts(self, ctx, depth: int) -> list:
        w = self.rw
        if not w:
            return []
        top = ctx.loop_depth == 0 and not ctx.in_branch and not ctx.helper
        opts = [("nonelist", 0.6 * w), ("maskassign", 0.5 * w), ("addat", 0.4 * w), ("member", 0.4 * w),
                ("rtextent", 0.5 * w), ("shrink", 0.35 * w if top else 0), ("forpairs", 0.35 * w if depth > 0 else 0),
                ("selection", 0.4 * w), ("host", (2.0 if top else 0.15) * w if not ctx.helper else 0),
                ("appendwhile", 0.4 * w if depth > 0 else 0), ("listhelper", 0.3 * w if top and not self.extras else 0),
                ("aliascall", 0.25 * w)]
        return [o for o in opts if o[1] > 0]

    def recent_expr(self, ctx, shape: tuple, depth: int):
        r = self.r
        k = r.random()
        if shape == () and self.idx_arrays and k < 0.2:
            return self.gather_expr(ctx, depth)
        if shape == () and k > 0.9:
            return self.comp_reduce_expr(ctx, depth)
        if k < 0.4:
            return self.dist_expr(ctx, shape, depth)
        if k < 0.8:
            return self.literal_expr(ctx, shape, depth)
        if shape == () and self.idx_arrays:
            return self.gather_expr(ctx, depth)
        return self.literal_expr(ctx, shape, depth)

    def comp_reduce_expr(self, ctx, depth: int):
        """np.mean/np.sum/np.var/np.max of a comprehension whose items are arrays (over rows, zip,
        enumerate, a range, filtered): NumPy reduces over every element of every item."""
        r = self.r
        src = self.comp_source(ctx)
        if src is None:
            return None
        text, inner, L, literal = src
        item = self.expr(inner, r.choice([(self.n,), (self.m,), (2, self.n)]), max(0, depth - 1))
        fn = r.choice(["np.mean", "np.mean", "np.sum", "np.var", "np.max", "np.average"])
        if L is None and fn != "np.sum":
            return None  # a filter may keep nothing: NumPy raises (invalid)
        self.tag("comp_reduce_array_items")
        return E(f"{fn}([{{}} {text}])", [item])

    def vec(self, ctx, depth: int = 1, length: int | None = None) -> E:
        return self.expr(ctx, (length or self.n,), depth)

    # ------------------------------------------------------------------ 1. host hoisting
    def s_host(self, ctx, depth: int) -> list:
        r = self.r
        top = ctx.loop_depth == 0 and not ctx.in_branch and not ctx.helper
        self.tag("host")
        if not top:
            self.tag("host_in_block")  # not hoisted: a located error (AdjitNameError), never a value
        k = r.random()
        if k < 0.45:
            return self.host_hazard(ctx, top)
        if k < 0.7:
            return self.host_index(ctx, top)
        if k < 0.9 or not top:
            return self.host_draw(ctx)
        return self.host_loop(ctx, depth)

    def data_src(self, ctx) -> str:
        if "d" in ctx.env and ctx.env["d"].shape == (self.n,) and "d" in self.data_params:
            return "d"
        return f"np.linspace(-0.8, 0.9, {self.n})"

    def host_hazard(self, ctx, top: bool) -> list:
        """`A = <data>`; maybe a write of a differentiated value into it; a call adjit has no rule
        for on A (or its transpose or reversal); its result used, and A used."""
        r = self.r
        n = self.n
        A = self.fresh("A")
        src = self.data_src(ctx)
        init = r.choice([f"{src}.copy()", f"{src} * 1.0", f"np.zeros({n})", f"np.linspace(0.1, 0.9, {n})"])
        direct = r.random() < 0.12
        if direct:  # computed from a differentiated value: never hoisted
            self.tag("host_direct")
            out = [Line(A, "=", E(r.choice(["({}) * 1.0", "{} + 0.0", "np.tanh({})"]), [self.vec(ctx)]))]
        else:
            out = [Line(A, "=", leaf(init))]
        ctx.env[A] = self.Var(A, (n,))
        w = r.random()
        tainted = w < 0.55
        if tainted:
            self.tag("host_tainted")
            out += self.host_write(ctx, A)
        elif w < 0.75:
            out.append(Line(f"{A}[{r.randrange(n)}]", "=", leaf("0.5")))  # a write of a constant: still hoisted
        fmt, ext = r.choice(HOST_UNARY)
        fmt = fmt.replace("{n}", str(n))
        arg = r.choice([A, A, A, f"{A}[::-1]", f"{A}.T"])
        u = self.fresh("u")
        out.append(Line(u, "=", E(fmt, [leaf(arg)] * fmt.count("{}"))))
        t = self.fresh("t")
        use = r.choice([f"np.sum({u} ** 2)", f"np.sum(np.tanh({u}))", f"np.sum({u} * {u})"])
        if ext == "n" and r.random() < 0.5:
            use = E(f"np.sum({u} * {{}})", [self.vec(ctx)]).render()
        out.append(Line(t, "=", leaf(use) if isinstance(use, str) else use))
        ctx.env[t] = self.Var(t, ())
        if ext == "n" and top and r.random() < 0.3:
            # the hoisted array written afterwards (the compiled code's extra parameter)
            self.tag("host_result_written")
            out.append(Line(f"{u}[{r.randrange(n)}]", "=", self.expr(ctx, (), 1)))
            out.append(Line(t, "=", E(f"{t} + np.sum({u} ** 2)", [])))
        return out

    def host_write(self, ctx, A: str) -> list:
        """A write of a differentiated value into A (the ways test_host_hazards.py crosses)."""
        r = self.r
        n = self.n
        j = r.randrange(n)
        k = r.randint(1, n - 1)
        kind = r.choice(["elem", "slice", "addat", "copyto", "alias", "view", "out", "iadd", "elem_iadd", "rebind",
                         "loop", "branch"])
        self.tag("host_write_" + kind)
        B = self.fresh("B")
        if kind == "elem":
            return [Line(f"{A}[{j}]", "=", self.expr(ctx, (), 1))]
        if kind == "slice":
            return [Line(f"{A}[:{k}]", "=", self.expr(ctx, (k,), 1))]
        if kind == "addat":
            return [Line("np.add.at", "()", E(f"{A}, np.array([0, 0, {n - 1}]), {{}}", [self.expr(ctx, (3,), 1)]))]
        if kind == "copyto":
            return [Line("np.copyto", "()", E(f"{A}, {{}}", [self.vec(ctx)]))]
        if kind == "alias":
            return [Line(B, "=", leaf(A)), Line(f"{B}[{j}]", "=", self.expr(ctx, (), 1))]
        if kind == "view":
            return [Line(B, "=", leaf(f"{A}[1:]")), Line(f"{B}[0]", "=", self.expr(ctx, (), 1))]
        if kind == "out":
            return [Line("np.tanh", "()", E(f"{{}}, out={A}", [self.vec(ctx)]))]
        if kind == "iadd":
            return [Line(A, "+=", self.vec(ctx))]
        if kind == "elem_iadd":
            return [Line(f"{A}[{j}]", "+=", self.expr(ctx, (), 1))]
        if kind == "rebind":
            return [Line(A, "=", E(f"{A} + {{}}", [self.vec(ctx)]))]
        if kind == "loop":
            i = self.fresh("i")
            inner = ctx.child(loop_depth=ctx.loop_depth + 1)
            inner.loopvars[i] = (0, k - 1)
            inner.env[i] = self.Var(i, (), None, False, True)
            return [For(i, f"range({k})", [Line(f"{A}[{i}]", "=", self.expr(inner, (), 1))], k)]
        return [If(self.scalar_cond(ctx, 1), [Line(f"{A}[{j}]", "=", self.expr(ctx, (), 1))])]

    def host_index(self, ctx, top: bool) -> list:
        """Integer arrays NumPy computes (a permutation, argsort, unique positions, digitize),
        used to gather from differentiated arrays; kept for later gathers when bound at the top."""
        r = self.r
        n = self.n
        src = self.data_src(ctx)
        p = self.fresh("p")
        k = r.random()
        if k < 0.25:
            text, length, hi = f"np.argsort({src})", n, n
        elif k < 0.45:
            size = str(n)
            if getattr(ctx.env.get("x"), "shape", None) == (n,):
                size = r.choice([str(n), "x.shape[0]", "len(x)"])
            text, length, hi = f"np.random.default_rng({r.randrange(100)}).permutation({size})", n, n
        elif k < 0.65:
            text, length, hi = f"np.unique((np.abs({src}) * {n}).astype(np.int64) % {n})", None, n
        elif k < 0.8:
            text, length, hi = f"np.digitize({src}, [-0.5, 0.0, 0.5])", n, "digitize"  # 0..3
        elif k < 0.9:
            text, length, hi = f"np.histogram({src}, bins={n}, range=(-1.0, 1.0))[0] % {n}", n, n
        else:
            text, length, hi = f"np.sort(np.array([{', '.join(str(r.randrange(n)) for _ in range(n))}]))", n, n
        self.tag("host_index")
        out = [Line(p, "=", leaf(text))]
        if top:
            self.idx_arrays[p] = (length, hi)
        out.append(self.gather_line(ctx, p, length, hi))
        return out

    def gather_line(self, ctx, p: str, length, hi: int) -> Line:
        t = self.fresh("t")
        e = self.gather_of(ctx, p, length, hi, 1)
        ctx.env[t] = self.Var(t, ())
        return Line(t, "=", e)

    def gather_of(self, ctx, p: str, length, hi: int, depth: int) -> E:
        r = self.r
        n = self.n
        if hi == "digitize":
            return E(f"np.sum(np.array([0.5, -1.0, 1.5, 2.0])[{p}] * {{}})", [self.vec(ctx, depth)])
        if length == n and r.random() < 0.5:
            return E(f"np.sum(({{}})[{p}] * {{}})", [self.vec(ctx, depth), self.vec(ctx, depth)])
        if r.random() < 0.3 and self.m > 1:
            return E(f"np.sum(np.tanh(({{}})[:, {p}]))", [self.expr(ctx, (self.m, n), depth)])
        return E(f"np.sum(np.tanh(({{}})[{p}]) ** 2)", [self.vec(ctx, depth)])

    def gather_expr(self, ctx, depth: int) -> E:
        p = self.r.choice(sorted(self.idx_arrays))
        length, hi = self.idx_arrays[p]
        self.tag("host_index_use")
        return self.gather_of(ctx, p, length, hi, depth - 1)

    def host_draw(self, ctx) -> list:
        """Random draws (a seeded generator, the legacy seed) and SciPy calls on data."""
        r = self.r
        n, m = self.n, self.m
        z = self.fresh("z")
        k = r.random()
        shape = (n,)
        if k < 0.3:
            g = self.fresh("rng")
            size = r.choice([f"{n}", f"({m}, {n})"])
            shape = (n,) if size == f"{n}" else (m, n)
            out = [Line(g, "=", leaf(f"np.random.default_rng({r.randrange(50)})")),
                   Line(z, "=", leaf(f"{g}.{r.choice(['normal', 'standard_normal'])}(size={size})"))]
            if r.random() < 0.4:  # a second draw from the same generator: the prologue keeps the order
                z2 = self.fresh("z")
                out.append(Line(z2, "=", leaf(f"{g}.uniform(-1.0, 1.0, size={n})")))
                ctx.env[z2] = self.Var(z2, (n,))
        elif k < 0.5:
            out = [Line("np.random.seed", "()", leaf(str(r.randrange(50)))), Line(z, "=", leaf(f"np.random.randn({n})"))]
        elif k < 0.7:
            size = str(n)
            if getattr(ctx.env.get("x"), "shape", None) == (n,):
                size = r.choice([str(n), "x.shape[0]", "len(x)", "x.shape", "x.size"])  # shapes only: still hoisted
            out = [Line(z, "=", leaf(f"np.random.default_rng({r.randrange(50)}).normal(size={size})"))]
        else:
            fn = r.choice(["scipy.special.erfcx(np.abs({}))", "scipy.ndimage.gaussian_filter1d({}, 1.0)",
                           "np.unwrap({})", "scipy.special.zeta(2.0 + np.abs({}))", "np.sort({})"])
            out = [Line(z, "=", leaf(fn.format(self.data_src(ctx))))]
        self.tag("host_draw")
        ctx.env[z] = self.Var(z, shape)
        return out

    def host_loop(self, ctx, depth: int) -> list:
        """A top-level loop over what NumPy computes: `for t in np.unique(np.round(d, 1)):`."""
        r = self.r
        src = self.data_src(ctx)
        v = self.fresh("q")
        self.tag("host_loop", "for")
        inner = ctx.child(loop_depth=ctx.loop_depth + 1)
        inner.env = {k: val for k, val in inner.env.items() if val.root is None}
        inner.lists = {}
        inner.env[v] = self.Var(v, (), None, False, fixed=True)
        body = [Line("acc" if "acc" in ctx.env else self.fresh("t"), "=", E(
            f"{'acc + ' if 'acc' in ctx.env else ''}np.sum(np.where(np.round({src}, 1) == {v}, {{}}, 0.0))",
            [self.vec(inner)]))]
        if body[0].lhs != "acc":
            body[0].expr = E("0.0 + {}", [body[0].expr])
        body += self.block(inner, r.randint(0, 1), max(0, depth - 1))
        self.merge(ctx, inner)
        return [For(v, f"np.unique(np.round({src}, 1))", body, 0)]

    # ------------------------------------------------------------------ 2. lists
    def s_nonelist(self, ctx, depth: int) -> list:
        """`xs = [None] * L` (or `[0.0] * L`) filled by index, in some order, then used."""
        r = self.r
        n, m = self.n, self.m
        L = r.choice([n, m, 2, 3])
        item = r.choice([(), (n,), (n,), (m,)])
        name = self.fresh("xs")
        k = self.fresh("k")
        inner = ctx.child(loop_depth=ctx.loop_depth + 1, no_jumps=True)
        inner.env = {kk: v for kk, v in inner.env.items() if v.root is None}
        inner.lists = {kk: v for kk, v in inner.lists.items() if v.root is None}
        inner.loopvars[k] = (0, L - 1)
        inner.env[k] = self.Var(k, (), None, False, True)
        prev = E(f"{name}[{k} - 1]")
        self.tag("none_list")

        def item_expr(c, extra=None):
            e = self.expr(c, item, 2)
            if extra is not None:
                e = E("0.5 * {} + {}", [extra, e]) if r.random() < 0.6 else E("np.tanh({} + {})", [extra, e])
            return E("({}) * 1.0", [e]) if r.random() < 0.3 else e

        init = "[None]" if item or r.random() < 0.5 else "[0.0]"
        out = [Line(name, "=", leaf(f"{init} * {L}"))]
        kind = r.choice(["forward", "backward", "recur", "recur_back", "tuple", "branches", "while"])
        self.tag("none_list_" + kind)
        if kind == "forward":
            out.append(For(k, f"range({L})", [Line(f"{name}[{k}]", "=", item_expr(inner))], L))
        elif kind == "backward":
            out.append(For(k, f"range({L} - 1, -1, -1)", [Line(f"{name}[{k}]", "=", item_expr(inner))], L))
        elif kind == "recur":
            inner.loopvars[k] = (1, L - 1)
            out.append(Line(f"{name}[0]", "=", item_expr(ctx)))
            out.append(For(k, f"range(1, {L})", [Line(f"{name}[{k}]", "=", item_expr(inner, prev))], L - 1))
        elif kind == "recur_back":
            inner.loopvars[k] = (0, L - 2)
            out.append(Line(f"{name}[-1]", "=", item_expr(ctx)))
            out.append(For(k, f"range({L} - 2, -1, -1)",
                           [Line(f"{name}[{k}]", "=", item_expr(inner, E(f"{name}[{k} + 1]")))], L - 1))
        elif kind == "tuple":
            order = list(range(L))
            r.shuffle(order)
            out.append(For(k, "(" + ", ".join(map(str, order)) + ",)", [Line(f"{name}[{k}]", "=", item_expr(inner))], L))
        elif kind == "branches":
            body = [If(self.scalar_cond(inner, 1), [Line(f"{name}[{k}]", "=", item_expr(inner))],
                       [Line(f"{name}[{k}]", "=", item_expr(inner))])]
            out.append(For(k, f"range({L})", body, L))
        else:
            c = self.fresh("c")
            wi = ctx.child(loop_depth=ctx.loop_depth + 1, no_jumps=True)
            wi.env = dict(inner.env)
            wi.loopvars[c] = (1, L)
            wi.env[c] = self.Var(c, (), None, False, True)
            del wi.env[k]
            wi.loopvars.pop(k, None)
            out.append(While(c, leaf(f"{c} < {L}"), [Line(f"{name}[{c} - 1]", "=", item_expr(wi))]))
            ctx.env[c] = self.Var(c, (), None, False, True)
        self.merge(ctx, inner)
        from .generator import LVar
        ctx.lists[name] = LVar(name, item, L, None, appended=True)
        t = self.fresh("t")
        ctx.env[t] = self.Var(t, ())
        uses = [f"np.sum(np.array({name}) ** 2)", f"np.sum({name}[-1])", f"np.sum({name}[0]) * len({name})"]
        if item:
            uses += [f"np.sum(np.stack({name}) * 0.5)", f"np.sum(sum({name}))", f"np.sum({name}[1:][0])"]
        else:
            uses += [f"sum({name})", f"max({name})"]
        return out + [Line(t, "=", leaf(r.choice(uses)))]

    def s_appendwhile(self, ctx, depth: int) -> list:
        """`.append` inside a while loop, often under an `if` (a run-time length): used at once."""
        r = self.r
        n = self.n
        name = self.fresh("ys")
        c = self.fresh("c")
        limit = r.choice([2, 3, 4])
        item = r.choice([(), (n,)])
        inner = ctx.child(loop_depth=ctx.loop_depth + 1, no_jumps=True)
        inner.env = {k: v for k, v in inner.env.items() if v.root is None}
        inner.lists = {}
        inner.loopvars[c] = (1, limit)
        inner.env[c] = self.Var(c, (), None, False, True)
        self.tag("append_while")
        e = self.expr(inner, item, 2)
        app = Line(f"{name}.append", "()", E("({}) * 1.0", [e]) if item else e)
        guarded = r.random() < 0.6
        body = self.block(inner, r.randint(0, 1), max(0, depth - 1))
        if guarded:
            self.tag("append_in_if")
            body.append(If(self.scalar_cond(inner, 1), [app]))
        else:
            body.append(app)
        self.merge(ctx, inner)
        first = self.expr(ctx, item, 1)
        out = [Line(name, "=", E("[{}]", [E("({}) * 1.0", [first]) if item else first])), While(c, leaf(f"{c} < {limit}"), body)]
        ctx.env[c] = self.Var(c, (), None, False, True)
        t = self.fresh("t")
        ctx.env[t] = self.Var(t, ())
        use = r.choice([f"np.sum(np.array({name}) ** 2) + 0.1 * len({name})", f"np.sum({name}[-1]) * np.sum({name}[0])",
                        f"np.mean(np.array({name}))"])
        return out + [Line(t, "=", leaf(use))]

    def s_listhelper(self, ctx, depth: int) -> list:
        """A helper that builds a list (append, `[None] * n`, a comprehension) and returns it."""
        r = self.r
        n, m = self.n, self.m
        fname = "build"
        kind = r.choice(["append", "none", "comp", "while"])
        c = r.choice(["0.5", "1.5", "-0.7"])
        if kind == "append":
            body = [Line("ys", "=", leaf("[]")), For("row", "X", [Line("ys.append", "()", leaf("np.tanh(row * c)"))], m)]
        elif kind == "none":
            body = [Line("ys", "=", leaf("[None] * X.shape[0]")),
                    For("i", "range(X.shape[0])", [Line("ys[i]", "=", leaf("np.sin(X[i] + c * i)"))], m)]
        elif kind == "comp":
            body = [Line("ys", "=", leaf("[np.tanh(X[i] * c) for i in range(len(X))]"))]
        else:
            body = [Line("ys", "=", leaf("[X[0] * c]")),
                    While("j", leaf("j < X.shape[0] - 1"), [Line("ys.append", "()", leaf("ys[-1] * 0.5 + X[j]"))])]
        body.append(Line("return", "", leaf("ys")))
        self.extras.append(Func(fname, ["X", "c"], body))
        self.tag("list_helper", "list_helper_" + kind)
        mats = [v for v in ctx.env.values() if v.shape == (m, n) and not v.is_int]
        arg = r.choice(mats).name if mats else "W"
        if arg == "W" and ctx.env.get("W") is None:
            return []
        name = self.fresh("ys")
        out = [Line(name, "=", E(f"{fname}({{}}, {c if r.random() < 0.5 else self.expr(ctx, (), 1).render()})",
                                 [E("({}) * 1.0", [leaf(arg)])]))]
        from .generator import LVar
        ctx.lists[name] = LVar(name, (n,), m, None, appended=True)
        t = self.fresh("t")
        ctx.env[t] = self.Var(t, ())
        uses = [f"np.sum(np.array({name}) ** 2) * len({name})", f"np.sum({name}[-1] * {name}[0])",
                f"np.sum(np.stack({name}))"]
        if r.random() < 0.15:
            self.tag("list_join_returned")  # Python joins: a located error or Python's value
            uses = [f"np.sum(np.array({name} + {name}) ** 2)", f"np.sum(np.array({name} * 2))"]
        return out + [Line(t, "=", leaf(r.choice(uses)))]

    def literal_expr(self, ctx, shape: tuple, depth: int):
        """A list (or tuple) literal where NumPy reads an array; list + and *."""
        r = self.r
        n = self.n
        d = depth - 1
        self.tag("list_literal")
        consts = lambda k: ", ".join(r.choice(["0.5", "1.0", "-0.5", "2.0", "0.25"]) for _ in range(k))  # noqa: E731
        if shape == ():
            k = r.random()
            if k < 0.2:
                s = r.choice([(n,), (self.m,), ()])
                return E(r.choice(["np.sum([{}, {}])", "np.mean([{}, {}])", "np.max([{}, {}])"]),
                         [self.expr(ctx, s, d), self.expr(ctx, s, d)])
            if k < 0.35:
                return E(f"np.dot([{consts(n)}], {{}})", [self.vec(ctx, d)])
            if k < 0.5:
                return E("np.sum(np.concatenate([[{}], {}, [1.0]]) ** 2)", [self.expr(ctx, (), d), self.vec(ctx, d)])
            if k < 0.6:
                return E("np.sum(np.diff([{}, 1.0, {}]) ** 2)", [self.expr(ctx, (), d), self.expr(ctx, (), d)])
            if k < 0.75:
                self.tag("list_ops")
                return E("np.sum(np.array([{}, 0.5] * 2 + [{}]) ** 2)", [self.expr(ctx, (), d), self.expr(ctx, (), d)])
            if k < 0.85:
                self.tag("list_ops")
                return E(f"([{{}}, 1.0] + [{{}}])[{r.choice([0, 2, -1])}]", [self.expr(ctx, (), d), self.expr(ctx, (), d)])
            return E(f"np.interp({{}}, [-3.0, 0.0, 3.0], [{consts(3)}])", [self.expr(ctx, (), d)])
        if len(shape) == 1:
            L = shape[0]
            k = r.random()
            if k < 0.25 and L <= 5:
                return E("np.array([" + ", ".join(["{}"] * L) + "])", [self.expr(ctx, (), d) for _ in range(L)])
            if k < 0.4:
                return E(f"([{consts(L)}] - {{}})", [self.expr(ctx, shape, d)])
            if k < 0.5:
                return E(f"({{}} / ({', '.join(r.choice(['0.5', '1.5', '2.5']) for _ in range(L))},))", [self.expr(ctx, shape, d)])
            if k < 0.6:
                return E(f"np.clip({{}}, [{consts(L)}], 2.0)", [self.expr(ctx, shape, d)])
            if k < 0.75:
                return E(r.choice(["np.sum([{}, {}], axis=0)", "np.mean([{}, {}], axis=0)", "np.stack([{}, {}])[1]"]),
                         [self.expr(ctx, shape, d), self.expr(ctx, shape, d)])
            if k < 0.85 and L > 1:
                return E("np.concatenate([[{}], {}])", [self.expr(ctx, (), d), self.expr(ctx, (L - 1,), d)])
            return E(f"np.tile([{consts(L)}], (2, 1))[0] * {{}}", [self.expr(ctx, shape, d)])
        if len(shape) == 2 and shape[0] in (2, 3):
            rows = [self.expr(ctx, shape[1:], d) for _ in range(shape[0])]
            return E(r.choice(["np.array", "np.stack", "np.vstack"]) + "([" + ", ".join(["{}"] * shape[0]) + "])", rows)
        if len(shape) == 2:
            return E(f"(np.tile([{consts(shape[1])}], ({shape[0]}, 1)) * {{}})", [self.expr(ctx, shape, d)])
        return None
