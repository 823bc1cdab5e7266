"""More of the generator's recent constructs (a mixin of `generator.Generator`, see gen_recent.py):
masked assignment of one value per selected element, row selections through `@`, `.T`,
var/std and `len`, membership tests, scipy.stats distributions with differentiated parameters,
run-time extents and shrinking carried arrays, loops over tuple literals and literal pairs, and
np.add.at / np.subtract.at."""
from __future__ import annotations

from .gen_recent import CONT, NO_DERIVATIVE_IN_SHAPE, NO_RULE_METHODS
from .program import E, For, If, Line, leaf


class RecentMixin2:
    # ------------------------------------------------------------------ 3. masks and membership
    def s_maskassign(self, ctx, depth: int) -> list:
        """`h[mk] = u` / `h[mk] += u`, u one value per selected element of a mask known when the
        program is written (so the count is), or a row mask with the selected rows."""
        r = self.r
        n, m = self.n, self.m
        arrays = [v for v in self.writable_arrays(ctx) if v.shape in ((n,), (m, n))]
        out = []
        if not arrays or r.random() < 0.3:
            h = self.fresh("h")
            shape = r.choice([(n,), (m, n)])
            out.append(Line(h, "=", E("({}) * 1.0", [self.expr(ctx, shape, 1)])))
            ctx.env[h] = self.Var(h, shape)
            v = ctx.env[h]
        else:
            v = r.choice(arrays)
        L = v.shape[0]
        bits = [r.random() < 0.5 for _ in range(L)]
        if not any(bits):
            bits[r.randrange(L)] = True
        cnt = sum(bits)
        k = r.random()
        if k < 0.4:
            mask = "np.array([" + ", ".join(map(str, bits)) + "])"
        elif k < 0.7:
            step = r.choice([2, 3])
            mask = f"np.arange({L}) % {step} == 0"
            cnt = len(range(0, L, step))
        else:
            mask = f"np.arange({L}) >= {L - cnt}"
        mk = self.fresh("mk")
        out.append(Line(mk, "=", leaf(mask)))
        self.tag("mask_assign_array")
        ushape = (cnt,) + v.shape[1:]
        u = self.expr(ctx, ushape, 2)
        if r.random() < 0.3:
            u = E("({}) * 2.0", [leaf(f"{v.name}[{mk}]")]) if r.random() < 0.5 else u
        elif r.random() < 0.15:
            # a view of the target itself: NumPy copies a forward view first, but writes element
            # by element from a reversed one (its result then depends on the order it copies in)
            self.tag("mask_assign_self_view")
            u = leaf(r.choice([f"{v.name}[::-1][:{cnt}]", f"{v.name}[:{cnt}]", f"{v.name}[{L - cnt}:]"]))
        op = r.choice(["=", "=", "+=", "-="])
        self.kill_views(ctx, v.name)
        out.append(Line(f"{v.name}[{mk}]", op, u))
        return out

    def s_selection(self, ctx, depth: int) -> list:
        """A row selection `A = X[keep]` (never empty, two rows where std needs them) used through
        `@`, `.T`, var/std, means over the kept axis, `len` and `.shape[0]`; or a 1-D one."""
        r = self.r
        n, m = self.n, self.m
        mats = [v for v in ctx.env.values() if v.shape == (m, n) and not v.is_int]
        t = self.fresh("t")
        self.tag("selection")
        if mats and r.random() < 0.7:
            X = r.choice(mats).name
            c = r.randrange(n)
            col = f"{X}[:, {c}]"
            keep = f"({col} > {r.choice(['0.0', '0.2', '-0.3'])}) | ({col} >= np.max({col})) | ({col} <= np.min({col}))"
            A = self.fresh("A")
            uses = [f"np.sum({A}.T @ {A})", f"np.sum(({A} @ {{}}) ** 2)", f"np.sum({{}} @ {A}.T)", f"{A}.var()",
                    f"np.sum(np.var({A}, axis=0) * {{}})", f"np.sum({A}.std(axis=0))", f"np.sum({A}.mean(axis=0) ** 2)",
                    f"len({A}) * 0.1 + np.sum({A})", f"np.sum({A}) / {A}.shape[0]", f"np.sum(np.tanh({A}.T) * ({{}})[:, None])",
                    f"np.sum(np.std({A}, axis=1, ddof=0))"]
            use = r.choice(uses)
            kids = [self.vec(ctx) for _ in range(use.count("{}"))]
            ctx.env[t] = self.Var(t, ())
            return [Line(A, "=", leaf(f"{X}[{keep}]")), Line(t, "=", E(use, kids))]
        vs = [v for v in ctx.env.values() if v.shape == (n,) and not v.is_int]
        x = r.choice(vs).name if vs else "x"
        if x not in ctx.env:
            return []
        keep = f"({x} > 0.1) | ({x} >= np.max({x})) | ({x} <= np.min({x}))"
        use = r.choice([f"np.var({x}[{keep}])", f"np.std({x}[{keep}])", f"len({x}[{x} > 0.2]) * np.sum({x})",
                        f"np.sum({x}[{keep}] ** 2) / len({x}[{keep}])", f"{x}[{keep}].var() + {x}[{keep}].mean()"])
        ctx.env[t] = self.Var(t, ())
        return [Line(t, "=", leaf(use))]

    def s_member(self, ctx, depth: int) -> list:
        """`if i in (1, 3):` / `not in [0, 2]` / `in range(...)` / `in <host int array>` in a loop,
        `0.5 in np.round(...)` on data."""
        r = self.r
        n = self.n
        self.tag("membership")
        acc = [v for v in ctx.env.values() if v.shape == () and not v.is_int and v.root is None
               and v.name not in ctx.loopvars and not v.fixed]
        if not acc:
            a = self.fresh("t")
            ctx.env[a] = self.Var(a, ())
            pre = [Line(a, "=", leaf("0.0"))]
        else:
            a = r.choice(acc).name
            pre = []
        if r.random() < 0.25:
            vs = [v for v in ctx.env.values() if v.shape == (n,) and not v.is_int]
            x = r.choice(vs).name if vs else None
            if x is not None:
                cond = f"{r.choice(['0.5', '-0.5', '0.0'])} {r.choice(['in', 'not in'])} np.round({x} * 2.0) / 2.0"
                return pre + [If(leaf(cond), [Line(a, "=", E(f"{a} + {{}}", [self.expr(ctx, (), 2)]))])]
        i = self.fresh("i")
        inner = ctx.child(loop_depth=ctx.loop_depth + 1)
        inner.env = {k: v for k, v in inner.env.items() if v.root is None}
        inner.lists = {k: v for k, v in inner.lists.items() if v.root is None}
        inner.loopvars[i] = (0, n - 1)
        inner.env[i] = self.Var(i, (), None, False, True)
        coll = r.choice([f"({r.randrange(n)}, {r.randrange(n)})", f"[{r.randrange(n)}, {r.randrange(n)}]",
                         f"range(1, {n}, 2)", f"range({n} - 1, 0, -2)"])
        idx = [p for p, (length, hi) in self.idx_arrays.items()]
        if idx and r.random() < 0.4:
            coll = r.choice(idx)
            self.tag("membership_host")
        word = r.choice(["in", "not in"])
        body = [If(leaf(f"{i} {word} {coll}"), [Line(a, "=", E(f"{a} + {{}}", [self.expr(inner, (), 2)]))],
                   [Line(a, "=", E(f"{a} * 0.9 + {{}}", [self.expr(inner, (), 1)]))] if r.random() < 0.4 else [])]
        self.merge(ctx, inner)
        return pre + [For(i, f"range({n})", body, n)]

    # ------------------------------------------------------------------ 4. distributions
    def pos(self, ctx, depth: int) -> E:
        r = self.r
        return E(r.choice(["(1.0 + np.square({}))", "np.exp(0.3 * np.tanh({}))", "(1.5 + np.tanh({}))"]),
                 [self.expr(ctx, (), depth)]) if r.random() < 0.7 else leaf(r.choice(["1.3", "0.7", "2.5"]))

    def dist_expr(self, ctx, shape: tuple, depth: int):
        """`stats.<dist>.<method>(x, shape params, loc, scale)` with differentiated parameters, of
        `shape` (a number: summed), with x inside, near or (for pdf/cdf/sf) outside the support."""
        r = self.r
        n = self.n
        d = max(0, depth - 1)
        xs = shape if shape else r.choice([(n,), ()])
        self.tag("distribution")
        if r.random() < 0.2 and len(xs) <= 1:
            return self.discrete_expr(ctx, shape, xs, d)
        if r.random() < 0.1:
            return self.incomplete_expr(ctx, shape, xs, d)
        if r.random() < 0.03:
            self.tag("distribution_no_rule")  # a located error
            e = E(f"{r.choice(NO_RULE_METHODS)}(0.5 + 0.4 * np.tanh({{}}), 2.0)", [self.expr(ctx, xs, d)])
            return E("np.sum({})", [e]) if shape != xs else e
        name = r.choice(sorted(CONT))
        shapes, methods, support = CONT[name]
        method = r.choice(methods)
        self.tag("dist_" + name)
        x = self.expr(ctx, xs, d)
        logm = method.startswith("log")
        k = r.random()
        if support == "+":
            if logm or k < 0.6:
                x = E(r.choice(["(np.abs({}) + 0.05)", "np.exp(0.5 * np.tanh({}))", "(0.01 + np.square({}))"]), [x])
            elif k < 0.8:
                self.tag("dist_boundary")
                x = E("np.maximum({}, 0.0)", [x]) if method in ("cdf", "sf") or name == "expon" else x
            else:
                self.tag("dist_outside")  # negative x: pdf 0, cdf 0, sf 1
        elif support == "01":
            if logm or k < 0.75:
                x = E("(0.5 + 0.45 * np.tanh({}))", [x])
            else:
                self.tag("dist_outside")
        params = []
        const_shape = name in NO_DERIVATIVE_IN_SHAPE and method not in ("logpdf", "pdf") and r.random() < 0.6
        for s in shapes:
            params.append(r.choice(["1.5", "2.5", "0.8"]) if const_shape else self.pos(ctx, d).render())
        if shapes and name in NO_DERIVATIVE_IN_SHAPE and method not in ("logpdf", "pdf") and not const_shape:
            self.tag("dist_shape_no_derivative")  # a located error where the shape carries a derivative
        kw = r.random()
        if kw < 0.4:
            if r.random() < 0.5 and support == "R":
                params.append(f"loc={self.expr(ctx, (), d).render()}")
            params.append(f"scale={self.pos(ctx, d).render()}")
        elif kw < 0.7 and support == "R":
            params += [self.expr(ctx, (), d).render(), self.pos(ctx, d).render()]
        prefix = r.choice(["stats.", "stats.", "scipy.stats."])
        call = E(f"{prefix}{name}.{method}({{}}{''.join(', ' + p.replace('{', '{{').replace('}', '}}') for p in params)})", [x])
        return E("np.sum({})", [call]) if shape != xs else call

    def incomplete_expr(self, ctx, shape: tuple, xs: tuple, d: int) -> E:
        """scipy.special.gammainc/gammaincc/betainc/betaincc (since ebf479b): d/dx exact, a shape
        operand carrying a derivative a located error."""
        r = self.r
        fn = r.choice(["gammainc", "gammaincc", "betainc", "betaincc"])
        self.tag("special_" + fn)
        shp = lambda: self.pos(ctx, d) if r.random() < 0.3 else leaf(r.choice(["1.5", "2.5", "0.7"]))  # noqa: E731
        x = self.expr(ctx, xs, d)
        if fn.startswith("gamma"):
            call = E(f"scipy.special.{fn}({{}}, np.abs({{}}) + 0.05)", [shp(), x])
        else:
            call = E(f"scipy.special.{fn}({{}}, {{}}, 0.5 + 0.45 * np.tanh({{}}))", [shp(), shp(), x])
        return E("np.sum({})", [call]) if shape != xs else call

    def discrete_expr(self, ctx, shape: tuple, xs: tuple, d: int) -> E:
        r = self.r
        L = xs[0] if xs else 1
        ks = "np.arange(" + str(L) + ") % 3" if xs else str(r.randrange(4))
        kind = r.choice(["poisson", "binom", "bernoulli", "nbinom"])
        self.tag("dist_" + kind)
        method = r.choice(["logpmf", "pmf"])
        prob = E("(0.5 + 0.45 * np.tanh({}))", [self.expr(ctx, (), d)])
        if kind == "poisson":
            call = E(f"stats.poisson.{method}({ks}, {{}})", [self.pos(ctx, d)])
        elif kind == "binom":
            call = E(f"stats.binom.{method}({ks}, {r.choice([3, 4, 6])}, {{}})", [prob])
        elif kind == "bernoulli":
            ks = f"np.arange({L}) % 2" if xs else str(r.randrange(2))
            call = E(f"stats.bernoulli.{method}({ks}, {{}})", [prob])
        else:
            call = E(f"stats.nbinom.{method}({ks}, {{}}, {{}})", [self.pos(ctx, d), prob])
        if not xs:
            return call if shape == () else E("({} + 0.0 * {})", [call, self.expr(ctx, shape, 0)])
        return E("np.sum({})", [call]) if shape != xs else call

    # ------------------------------------------------------------------ 5. run-time extents
    def s_rtextent(self, ctx, depth: int) -> list:
        """`for lag in range(1, L): s += np.sum(v[lag:] * v[:-lag])` and other slices whose bounds
        are a loop index: extents known only when the program runs."""
        r = self.r
        n = self.n
        self.tag("rt_extent", "for")
        acc = [v for v in ctx.env.values() if v.shape == () and not v.is_int and v.root is None
               and v.name not in ctx.loopvars and not v.fixed]
        pre = []
        if acc:
            a = r.choice(acc).name
        else:
            a = self.fresh("t")
            ctx.env[a] = self.Var(a, ())
            pre = [Line(a, "=", leaf("0.0"))]
        lag = self.fresh("lag")
        inner = ctx.child(loop_depth=ctx.loop_depth + 1)
        inner.env = {k: v for k, v in inner.env.items() if v.root is None}
        inner.lists = {k: v for k, v in inner.lists.items() if v.root is None}
        L = r.randint(2, n - 1)
        inner.loopvars[lag] = (1, L - 1)
        inner.env[lag] = self.Var(lag, (), None, False, True)
        vs = [v.name for v in ctx.env.values() if v.shape == (n,) and not v.is_int]
        v = r.choice(vs) if vs else None
        w = r.choice(vs) if vs else None
        if v is None:
            return self.s_assign(ctx, depth)
        form = r.choice([f"np.sum({v}[{lag}:] * {w}[:-{lag}])", f"np.sum({v}[{lag}:] * {v}[:{n} - {lag}]) ** 2",
                         f"np.sum(({v}[:{n} - {lag}] - {w}[{lag}:]) ** 2)", f"np.sum(np.tanh({v}[{lag}:]) * {w}[{lag}:])",
                         f"np.mean({v}[{lag}:] ** 2)", f"np.sum({v}[:-{lag}] * {v}[{lag}:] * {lag})"])
        body = [Line(a, "=", E(f"{a} + {{}}", [leaf(form)]))]
        if r.random() < 0.3:
            body += self.block(inner, 1, max(0, depth - 1))
        self.merge(ctx, inner)
        header = f"range(1, {L})" if r.random() < 0.7 else f"range({L} - 1, 0, -1)"
        return pre + [For(lag, header, body, L - 1)]

    def s_shrink(self, ctx, depth: int) -> list:
        """A carried array whose extent shrinks by one per iteration (a binomial tree)."""
        r = self.r
        n = self.n
        self.tag("shrink_carry", "for")
        v = self.fresh("v")
        i = self.fresh("i")
        p = self.expr(ctx, (), 1) if r.random() < 0.6 else leaf("0.55")
        q = E("(1.0 - {})", [p]) if r.random() < 0.5 else leaf("0.45")
        out = [Line(v, "=", E("({}) * 1.0", [self.vec(ctx, 2)]))]
        k = r.random()
        if k < 0.5:
            step = E(f"{{}} * {v}[1:] + {{}} * {v}[:-1]", [p, q])
            loop = For(i, f"range({n - 1})", [Line(v, "=", step)], n - 1)
        else:
            step = E(f"0.97 * ({{}} * {v}[1:{i} + 1] + {{}} * {v}[:{i}])", [p, q])
            loop = For(i, f"range({n - 1}, 0, -1)", [Line(v, "=", step)], n - 1)
        if r.random() < 0.4:
            self.tag("shrink_carry_max")
            loop.body.append(Line(v, "=", E(f"np.maximum({v}, {{}})", [self.expr(ctx, (), 0)])))
        t = self.fresh("t")
        ctx.env[t] = self.Var(t, ())
        return out + [loop, Line(t, "=", leaf(f"{v}[0]"))]

    # ------------------------------------------------------------------ 6. static loops, np.add.at
    def s_forpairs(self, ctx, depth: int) -> list:
        """`for c in (0.5, 2.0):`, `for a, c in [(x, 0.5), (2.0 * x, 1.0)]:` (unrolled)."""
        r = self.r
        self.tag("for_static", "for")
        inner = ctx.child(loop_depth=ctx.loop_depth + 1, no_jumps=True)
        inner.env = {k: v for k, v in inner.env.items() if v.root is None}
        inner.lists = {k: v for k, v in inner.lists.items() if v.root is None}
        c = self.fresh("c")
        if r.random() < 0.4:
            items = r.sample(["0.5", "1.0", "2.0", "-0.5", "0.1"], r.choice([2, 3]))
            inner.env[c] = self.Var(c, (), None, False, fixed=True)
            header, var = "(" + ", ".join(items) + ",)", c
        else:
            shape = r.choice([s for s in self.shape_choices(ctx) if s] or [(self.n,)])
            a = self.fresh("a")
            pairs = []
            for _ in range(r.choice([2, 3])):
                e = self.expr(ctx, shape, 1)
                pairs.append(f"({e.render()}, {r.choice(['0.5', '1.0', '-0.3'])})")
            for k2, v2 in list(inner.env.items()):  # the items may be views: nothing written in the loop
                if v2.writable:
                    inner.env[k2] = self.Var(v2.name, v2.shape, v2.root, False, v2.is_int, v2.fixed)
            inner.env[a] = self.Var(a, shape, f"listitem:{a}", False, fixed=True)
            inner.env[c] = self.Var(c, (), None, False, fixed=True)
            header, var = r.choice(["[", "("]) + ", ".join(pairs) + r.choice(["]", ",)"]).replace(",)]", ")]"), f"{a}, {c}"
            if header.startswith("[") and header.endswith(",)"):
                header = header[:-2] + "]"
            if header.startswith("(") and header.endswith("]"):
                header = header[:-1] + ",)"
            self.tag("for_pairs")
        body = self.block(inner, r.randint(1, 2), max(0, depth - 1))
        self.merge(ctx, inner)
        return [For(var, header, body, 0)]

    def s_addat(self, ctx, depth: int) -> list:
        """np.add.at / np.subtract.at with repeated indices into a writable array."""
        r = self.r
        n, m = self.n, self.m
        arrays = [v for v in self.writable_arrays(ctx) if len(v.shape) in (1, 2)]
        out = []
        if not arrays or r.random() < 0.3:
            h = self.fresh("h")
            shape = r.choice([(n,), (m, n)])
            out.append(Line(h, "=", leaf(f"np.zeros({shape[0] if len(shape) == 1 else shape})")))
            ctx.env[h] = self.Var(h, shape)
            v = ctx.env[h]
        else:
            v = r.choice(arrays)
        self.tag("add_at")
        k = r.choice([2, 3, 4])
        idx0 = [r.randrange(-v.shape[0], v.shape[0]) for _ in range(k)]
        fn = "np.add.at" if r.random() < 0.75 else "np.subtract.at"
        if len(v.shape) == 1:
            form = r.random()
            if form < 0.6:
                text = f"{v.name}, np.array({idx0}), {{}}"
                vals = self.expr(ctx, (k,), 2)
            elif form < 0.8:
                text = f"{v.name}, {idx0}, {{}}"
                vals = self.expr(ctx, (k,), 2)
            else:
                text = f"{v.name}, {idx0[0]}, {{}}"
                vals = self.expr(ctx, (), 2)
        else:
            idx1 = [r.randrange(v.shape[1]) for _ in range(k)]
            if r.random() < 0.6:
                text = f"{v.name}, (np.array({idx0}), np.array({idx1})), {{}}"
                vals = self.expr(ctx, (k,), 2)
            else:
                text = f"{v.name}, np.array({idx0}), {{}}"
                vals = self.expr(ctx, (k, v.shape[1]) if r.random() < 0.5 else (v.shape[1],), 2)
        self.kill_views(ctx, v.name)
        out.append(Line(fn, "()", E(text, [vals])))
        return out

    def s_aliascall(self, ctx, depth: int) -> list:
        """A call that returns its argument itself, or a copy, by NumPy's rules (np.asarray,
        np.array(copy=None/False/True), astype(copy=False) of the same or another dtype, a
        reshape, np.copy), then a write of a differentiated value into the result and a read of
        the argument: NumPy sees the write exactly when no copy was made."""
        r = self.r
        arrays = [v for v in self.writable_arrays(ctx) if len(v.shape) == 1]
        if not arrays:
            return []
        v = r.choice(arrays)
        other = "float32" if self.dtype == "float64" else "float64"
        call, shares = r.choice([
            (f"np.asarray({v.name})", True), (f"np.array({v.name}, copy=None)", True), (f"np.array({v.name})", False),
            (f"np.array({v.name}, copy=True)", False), (f"{v.name}.astype(np.{self.dtype}, copy=False)", True),
            (f"{v.name}.astype(np.{self.dtype})", False), (f"{v.name}.astype(np.{other}, copy=False)", False),
            (f"np.copy({v.name})", False), (f"{v.name}.reshape(-1)", True), (f"np.asarray({v.name}, dtype=np.{self.dtype})", True)])
        self.tag("alias_call", "alias_call_shares" if shares else "alias_call_copies")
        B = self.fresh("B")
        t = self.fresh("t")
        out = [Line(B, "=", leaf(call)), Line(f"{B}[{r.randrange(v.shape[0])}]", "=", self.expr(ctx, (), 1))]
        e = E(f"np.sum({v.name} ** 2) + np.sum({B})", [])
        self.kill_views(ctx, v.name)
        ctx.env[t] = self.Var(t, ())
        return out + [Line(t, "=", e)]

