"""The generator's `--profile features` (a mixin of `generator.Generator`): the constructs adjit
learnt last and the other profiles barely write, each as a small statement group at the top of
`f` that binds a scalar `fe<k>` (added into the result, and usable by the statements after it).

* Module-level globals read by `f` and by module-level helpers: numeric arrays (passed as
  parameters, read on every call), numbers, tuples, lists and dicts of parameters, a global
  class attribute; each such program has a `mutate` snippet that the oracle runs between two
  complete checks (oracles.check_task: the same `value_and_grad` object is asked again after the
  global changed, and must agree with NumPy's second answer, never return the stale one).
* Closures over arrays (a module-level factory, and a `def` inside `f`), dict and list
  comprehensions, objects of module-level classes made inside `f` (`__init__`, methods,
  `@property`), dataclasses and NamedTuples of arrays handed to helpers.
* Complex arithmetic (`np.exp(1j * x)`, `abs`, `angle`, `real`, `imag`, `conj`, powers, sqrt,
  log), `np.fft.fft/ifft/rfft/irfft` with `n=`, `np.pad` modes, `np.select`, `np.searchsorted`,
  `np.bincount(weights=)`, `np.add.at`, `np.maximum.accumulate`, masks as subscripts (`x[m]`
  reductions, `x[idx[m]]`), the walrus, chained comparisons, starred unpacking, `sorted`, `map`,
  `divmod`, `while True` with `break`, `for`/`while` loops with an `else:`, `assert` on computed
  values inside loops, integer bit operators, `np.float64`/`np.float32` constants."""
from __future__ import annotations

from .program import Raw

FEATURES = [  # (method, weight)
    ("global_array", 3), ("global_const", 2), ("global_struct", 2), ("global_helper", 2),
    ("closure", 2), ("dictcomp", 1.5), ("listcomp", 1), ("klass", 2), ("dataclass", 2),
    ("complex", 3), ("fft", 2.5), ("pad", 2), ("select", 1), ("searchsorted", 1), ("bincount", 1.5),
    ("addat", 1), ("maxacc", 1.5), ("masksub", 2), ("idxmask", 1.5), ("walrus", 1), ("chained", 1),
    ("starred", 1), ("sortedmap", 1.5), ("divmod", 1), ("whiletrue", 1.5), ("loopelse", 2.5),
    ("assertloop", 2), ("bitops", 1.5), ("npconst", 1.5),
]


class FeaturesMixin:
    """`feature_block(ctx)`: the statements, with the prelude (module-level code) and the
    mutation they need recorded on the generator (`self.prelude`, `self.mutate`)."""

    def feature_block(self, ctx, count: int) -> tuple:
        from .generator import wchoice

        stmts, names = [], []
        for _ in range(count):
            kind = wchoice(self.r, FEATURES)[0]
            k = self.fresh("")
            lines = getattr(self, "ft_" + kind)(k)
            self.tag("ft_" + kind)
            stmts.append(Raw(lines, tags=("ft_" + kind,)))
            names.append(f"fe{k}")
            ctx.env[f"fe{k}"] = self.Var(f"fe{k}", ())
        return stmts, names

    # ------------------------------------------------------------------ helpers
    def _c(self, lo=-0.9, hi=0.9) -> str:
        return f"{self.r.uniform(lo, hi):.3f}"

    def _gl(self, text: str):
        self.prelude.append(text)

    def _mut(self, text: str):
        self.mutate.append(text)

    def _garray(self, k: str, size: int) -> str:
        r = self.r
        name = f"GA{k}"
        dt = "" if r.random() < 0.6 else f", dtype=np.{self.dtype}"
        self._gl(f"{name} = np.linspace({self._c(-1, 0)}, {self._c(0, 1)}, {size}{dt})")
        m = r.random()
        if m < 0.35:
            self._mut(f"{name}[{r.randrange(size)}] = {self._c()}")
        elif m < 0.7:
            self._mut(f"{name} = np.cos(np.arange({size}) * {self._c(0.3, 2)}){'.astype(np.' + self.dtype + ')' if dt else ''}")
        elif m < 0.85:
            self._mut(f"{name} *= {self._c(0.2, 1.5)}")
        else:
            self._mut(f"{name} = np.linspace(-0.3, 0.4, {size + 1})")  # another shape: another specialization
            return name + f"[:{size}]"
        return name

    # ------------------------------------------------------------------ globals
    def ft_global_array(self, k):
        r, n, m = self.r, self.n, self.m
        ga = self._garray(k, n)
        opts = [f"fe{k} = np.sum(np.tanh(x * {ga})) + np.sum(W @ {ga}) * 0.1",
                f"fe{k} = float(np.sum(np.exp(0.3 * np.tanh({ga} - x))))",
                f"fe{k} = 0.0\nfor i in range({n}):\n    fe{k} += {ga}[i] * np.sin(x[i])",
                f"fe{k} = np.sum(np.where({ga} > 0, x, -x) * {ga})"]
        return r.choice(opts).split("\n")

    def ft_global_const(self, k):
        r, n = self.r, self.n
        self._gl(f"GC{k} = {self._c(0.1, 1.5)}")
        self._gl(f"GI{k} = {r.randint(1, n - 1)}")
        mut = r.random()
        if mut < 0.5:
            self._mut(f"GC{k} = {self._c(-1.5, -0.1)}")
        elif mut < 0.8:
            self._mut(f"GI{k} = {r.randint(1, n - 1)}; GC{k} = {self._c(0.1, 2)}")
        else:
            self._mut(f"GC{k} = -0.0 if GC{k} else 0.5")
        opts = [f"fe{k} = GC{k} * np.sum(x[:GI{k}] ** 2) + np.copysign(1.0, GC{k}) * x[0]",
                f"fe{k} = 0.0\nfor i in range(GI{k}):\n    fe{k} = fe{k} * GC{k} + np.tanh(x[i])",
                f"fe{k} = np.sum(np.tanh(W * GC{k})[:, GI{k}])"]
        return r.choice(opts).split("\n")

    def ft_global_struct(self, k):
        r, n = self.r, self.n
        kind = r.choice(["dict", "list", "tuple"])
        if kind == "dict":
            self._gl(f'CFG{k} = {{"a": {self._c()}, "b": {self._c()}, "steps": {r.randint(1, 3)}}}')
            self._mut(r.choice([f'CFG{k}["a"] = {self._c()}', f'CFG{k}["steps"] = {r.randint(1, 3)}',
                                f'CFG{k} = {{"a": 0.25, "b": -0.5, "steps": 2}}']))
            return [f"fe{k} = 0.0", f'for _ in range(CFG{k}["steps"]):',
                    f'    fe{k} = np.tanh(fe{k} * CFG{k}["b"] + np.sum(x) * CFG{k}["a"])',
                    f"fe{k} += sum(v * 0.1 for key, v in CFG{k}.items() if key != \"steps\")"]
        if kind == "list":
            vals = ", ".join(self._c() for _ in range(n))
            self._gl(f"GL{k} = [{vals}]")
            self._mut(r.choice([f"GL{k}[{r.randrange(n)}] = {self._c()}", f"GL{k}.reverse()"]))
            return [f"fe{k} = sum(c * np.tanh(x[i]) for i, c in enumerate(GL{k}))"]
        self._gl(f"GT{k} = ({self._c()}, {self._c()})")
        self._mut(f"GT{k} = ({self._c()}, {self._c()})")
        return [f"a{k}, b{k} = GT{k}", f"fe{k} = np.sum(a{k} * x + b{k} * x ** 2) + GT{k}[1] * np.sum(W)"]

    def ft_global_helper(self, k):
        r, n = self.r, self.n
        ga = self._garray(k, n)
        self._gl(f"GS{k} = {self._c(0.2, 1.2)}")
        if r.random() < 0.5:
            self._mut(f"GS{k} = {self._c(-1.2, -0.2)}")
        if r.random() < 0.15:  # a default bound to a global list, changed in place (case_012: open)
            self._gl(f"GLD{k} = [{self._c()}, {self._c()}]")
            self._gl(f"def gh{k}(v, scale=1.0, coefs=GLD{k}):\n    return np.sum(np.tanh(v * {ga}) * coefs[0]) * scale + coefs[1]")
            self._mut(f"GLD{k}[0] = {self._c()}")
            self.tag("ft_mutable_default")
        else:
            self._gl(f"def gh{k}(v, scale=1.0):\n    return np.sum(np.tanh(v * {ga}) * GS{k}) * scale")
        if r.random() < 0.3:
            self._gl(f"HELPERS{k} = {{'main': gh{k}}}")
            return [f"fe{k} = HELPERS{k}['main'](x) + gh{k}(W[0], scale=0.5)"]
        return [f"fe{k} = gh{k}(x) + gh{k}(W[-1] * 2.0, scale=0.5)"]

    # ------------------------------------------------------------------ closures, comprehensions, classes
    def ft_closure(self, k):
        r, n = self.r, self.n
        if r.random() < 0.5:
            self._gl(f"def make{k}(a, c):\n    def h(v):\n        return np.sum(np.tanh(a * v)) * c\n    return h")
            self._gl(f"HC{k} = make{k}(np.linspace(-0.6, 0.8, {n}), {self._c(0.2, 1.5)})")
            if r.random() < 0.5:
                self._mut(f"HC{k}.__closure__[0].cell_contents[{r.randrange(n)}] = {self._c()}")
            return [f"fe{k} = HC{k}(x) + HC{k}(W[0])"]
        return [f"def inner{k}(v):", f"    return np.sum(v * W[0]) + np.sum(np.tanh(x) * v)",
                f"lam{k} = lambda u: np.sum(u ** 2) * {self._c(0.2, 1)}",
                f"fe{k} = inner{k}(x) + lam{k}(W[-1] - x)"]

    def ft_dictcomp(self, k):
        r, n = self.r, self.n
        names = ("'a'", "'b'", "'c'", "'d'", "'e'")[:n]
        opts = [[f"d{k} = {{nm: x[i] * (i + 1.0) for i, nm in enumerate(({', '.join(names)}))}}",
                 f"fe{k} = sum(d{k}.values()) + d{k}['a'] * d{k}['b']"],
                [f"d{k} = {{i: np.tanh(W[:, i]) for i in range({n})}}",
                 f"fe{k} = sum(np.sum(v) for v in d{k}.values()) + np.sum(d{k}[{r.randrange(n)}] ** 2)"],
                [f"d{k} = {{key: val for key, val in zip(('p', 'q'), (np.sum(x), np.max(x)))}}",
                 f"fe{k} = d{k}['p'] * d{k}['q'] + len(d{k})"]]
        return r.choice(opts)

    def ft_listcomp(self, k):
        r, n = self.r, self.n
        opts = [[f"ys{k} = [np.tanh(x[i]) * W[0, i] for i in range({n}) if i != 1]", f"fe{k} = sum(ys{k})"],
                [f"ys{k} = [np.sum(row * x) for row in W]", f"fe{k} = max(ys{k}) + np.sum(np.array(ys{k}) ** 2)"],
                [f"ys{k} = [[x[i] * W[j, i] for i in range({n})] for j in range({self.m})]",
                 f"fe{k} = np.sum(np.tanh(np.array(ys{k})))"]]
        return r.choice(opts)

    def ft_klass(self, k):
        r = self.r
        self._gl(f"class Lin{k}:\n    RATE = {self._c(0.1, 1)}\n\n    def __init__(self, w, s):\n        self.w = w\n"
                 f"        self.s = s * 2.0\n\n    def apply(self, v):\n        return np.tanh(self.w @ v) * self.s * self.RATE\n\n"
                 f"    @property\n    def norm2(self):\n        return np.sum(self.w ** 2)")
        if r.random() < 0.5:
            self._mut(f"Lin{k}.RATE = {self._c(-1, -0.1)}")
        if r.random() < 0.3:
            self._gl(f"class Sub{k}(Lin{k}):\n    def __init__(self, w, s):\n        super().__init__(w * 0.5, s)\n"
                     f"        self.b = s + 1.0\n\n    def apply(self, v):\n        return super().apply(v) + self.b")
            cls = f"Sub{k}"
        else:
            cls = f"Lin{k}"
        return [f"obj{k} = {cls}(W, {r.choice(['0.5', 'x[0]', 'np.sum(x) * 0.2'])})",
                f"fe{k} = np.sum(obj{k}.apply(x)) + 0.1 * obj{k}.norm2"]

    def ft_dataclass(self, k):
        r = self.r
        if r.random() < 0.6:
            self._gl(f"@dataclasses.dataclass\nclass DP{k}:\n    a: np.ndarray\n    b: float = {self._c()}")
        else:
            self._gl(f"class DP{k}(typing.NamedTuple):\n    a: np.ndarray\n    b: float = {self._c()}")
        self._gl(f"def dpf{k}(p, v):\n    return np.sum(np.tanh(p.a * v)) + p.b * np.sum(v)")
        return [f"p{k} = DP{k}({r.choice(['x * 0.5', 'W[0]', 'np.tanh(x)'])}{r.choice(['', ', x[1]', ', b=np.sum(W) * 0.1'])})",
                f"fe{k} = dpf{k}(p{k}, x) + p{k}.b"]

    # ------------------------------------------------------------------ complex, fft, NumPy calls
    def ft_complex(self, k):
        r, n = self.r, self.n
        z = r.choice([f"np.exp(1j * x)", f"x + 1j * W[0]", f"(0.5 + 0.25j) * x - 1j * np.tanh(W[-1])",
                      f"np.exp(1j * x) * (1.2 - 0.3j) + x"])
        use = r.choice([f"np.sum(np.abs(z{k} + 1.5) ** 2)", f"np.sum(np.real(z{k}) * np.imag(z{k}))",
                        f"np.sum(np.angle(z{k} + 2.0))", f"np.sum((z{k} * np.conj(z{k})).real)",
                        f"np.sum(np.abs(z{k} / (2.0 + 1j * x)))", f"np.sum((z{k} ** 3).imag)",
                        f"np.sum(np.sqrt(z{k} + 2.5).real)", f"np.sum(np.log(z{k} + 2.5).imag)",
                        f"np.abs(np.sum(z{k} * np.exp(-1j * np.arange({n}) * 0.7)) + 3.0)",
                        f"np.sum(z{k}.conj().imag * x)"])
        lines = [f"z{k} = {z}"]
        if r.random() < 0.3:
            lines += [f"for _ in range(2):", f"    z{k} = z{k} * np.exp(0.3j * x) + 0.1"]
        return lines + [f"fe{k} = {use}"]

    def ft_fft(self, k):
        r, n = self.r, self.n
        nn = r.choice([n, n - 1, n + 2, 2 * n])
        opts = [[f"F{k} = np.fft.fft(x, n={nn})", f"fe{k} = np.sum(np.abs(F{k} + 0.5) ** 2) * 0.1"],
                [f"F{k} = np.fft.fft(x * W[0], n={nn})", f"fe{k} = np.sum(np.fft.ifft(F{k} * np.conj(F{k})).real)"],
                [f"R{k} = np.fft.rfft(x, n={nn})", f"fe{k} = np.sum(R{k}.real * np.arange(R{k}.shape[0])) + np.sum(R{k}.imag ** 2)"],
                [f"R{k} = np.fft.rfft(np.tanh(x))", f"fe{k} = np.sum(np.fft.irfft(R{k} * 0.5, n={nn}) * np.arange({nn}))"],
                [f"F{k} = np.fft.fft(W, axis={r.choice([0, 1, -1])})", f"fe{k} = np.sum(np.fft.ifft(F{k}, n={nn}).imag ** 2) + np.sum(F{k}.real)"],
                [f"F{k} = np.fft.fft(x, norm='ortho')", f"fe{k} = np.sum(np.abs(F{k} - 1.0))"]]
        return r.choice(opts)

    def ft_pad(self, k):
        r, n = self.r, self.n
        mode = r.choice(["'constant'", "'edge'", "'reflect'", "'symmetric'", "'wrap'"])
        if r.random() < 0.6:
            a, b = r.randint(0, n - 1), r.randint(0, n - 1)
            return [f"P{k} = np.pad(np.tanh(x), ({a}, {b}), mode={mode})",
                    f"fe{k} = np.sum(P{k} * np.arange(1.0, P{k}.shape[0] + 1.0))"]
        w = f"(({r.randint(0, self.m - 1)}, {r.randint(0, self.m - 1)}), ({r.randint(0, n - 1)}, {r.randint(0, n - 1)}))"
        return [f"P{k} = np.pad(W, {w}, mode={mode})", f"fe{k} = np.sum(P{k} ** 2 * np.arange(P{k}.shape[1]))"]

    def ft_select(self, k):
        return [f"S{k} = np.select([x < {self._c(-0.6, 0)}, x < {self._c(0, 0.6)}], [x ** 2, np.sin(x) * W[0]], default=0.5 * x)",
                f"fe{k} = np.sum(S{k})"]

    def ft_searchsorted(self, k):
        r, n = self.r, self.n
        side = r.choice(["", ", side='right'", ", side='left'"])
        return [f"edges{k} = np.array([-0.5, 0.0, 0.5])", f"j{k} = np.searchsorted(edges{k}, x{side})",
                f"coef{k} = np.array([0.3, -0.7, 1.1, 0.2])", f"fe{k} = np.sum(coef{k}[j{k}] * x) + np.sum(W[0, np.minimum(j{k}, {n - 1})])"]

    def ft_bincount(self, k):
        r, n = self.r, self.n
        idx = [r.randrange(3) for _ in range(n)]
        return [f"bc{k} = np.bincount(np.array({idx}), weights=x * W[0], minlength={r.choice([3, 4])})",
                f"fe{k} = np.sum(np.tanh(bc{k}) * np.arange(1.0, bc{k}.shape[0] + 1.0))"]

    def ft_addat(self, k):
        r, n = self.r, self.n
        idx = [r.randrange(3) for _ in range(n)]
        return [f"acc{k} = np.zeros(3)", f"np.add.at(acc{k}, {r.choice([str(idx), 'np.array(' + str(idx) + ')'])}, np.tanh(x))",
                f"np.add.at(acc{k}, 1, W[0, 0])", f"fe{k} = np.sum(acc{k} ** 2)"]

    def ft_maxacc(self, k):
        r = self.r
        return r.choice([[f"fe{k} = np.sum(np.maximum.accumulate(x) * np.arange(1.0, {self.n + 1}.0))"],
                         [f"fe{k} = np.sum(np.maximum.accumulate(W, axis={r.choice([0, 1])}) ** 2)"],
                         [f"fe{k} = np.sum(np.maximum.accumulate(np.tanh(x) + W[-1]))"]])

    # ------------------------------------------------------------------ masks and indices
    def ft_masksub(self, k):
        r = self.r
        return r.choice([[f"m{k} = x > {self._c(-0.5, 0.3)}", f"fe{k} = np.sum(x[m{k}] ** 2) + np.sum(W[0][m{k}])"],
                         [f"m{k} = (W < {self._c(-0.3, 0.5)}) | (W >= np.max(W))", f"fe{k} = np.mean(W[m{k}]) + np.max(W[m{k}] * 0.5)"],
                         [f"fe{k} = np.sum(np.tanh(x[x < 0.2])) - np.sum(x[np.abs(x) > 0.3])"]])

    def ft_idxmask(self, k):
        r, n = self.r, self.n
        idx = [r.randrange(n) for _ in range(n)]
        mask = r.choice([f"x[:{n}] > {self._c(-0.5, 0.3)}", f"idx{k} % 2 == 0", f"W[0] < 0.2"])
        return [f"idx{k} = np.array({idx})", f"m{k} = ({mask}) | (np.arange({n}) == 0)",
                f"fe{k} = np.sum(np.tanh(x[idx{k}[m{k}]])) + np.sum(W[-1][idx{k}[m{k}]] * 0.5)"]

    # ------------------------------------------------------------------ Python syntax
    def ft_walrus(self, k):
        return [f"if (s{k} := np.sum(x * W[0])) > {self._c(-0.2, 0.2)}:", f"    fe{k} = s{k} * 2.0",
                "else:", f"    fe{k} = s{k} ** 2"]

    def ft_chained(self, k):
        r, n = self.r, self.n
        return r.choice([[f"fe{k} = np.sum(x) if -0.5 < x[0] < 0.5 else np.sum(x ** 2)"],
                         [f"fe{k} = 0.0", f"for i in range({n}):", f"    if 0 < i <= 2 and -0.3 < x[i] < 0.6:",
                          f"        fe{k} += x[i] * W[0, i]"]])

    def ft_starred(self, k):
        r = self.r
        return r.choice([[f"a{k}, *rest{k} = x", f"fe{k} = a{k} * sum(rest{k})"],
                         [f"*init{k}, last{k} = W[0]", f"fe{k} = last{k} ** 2 + sum(v * v for v in init{k})"],
                         [f"first{k}, *mid{k}, last{k} = x", f"fe{k} = first{k} * last{k} + np.sum(np.array(mid{k}) ** 2)"]])

    def ft_sortedmap(self, k):
        r = self.r
        return r.choice([[f"fe{k} = sum(map(lambda u, v: u * v, x, W[0]))"],
                         [f"fe{k} = sorted([x[0], x[1], W[0, 0]], reverse=True)[0] + sorted(x)[-1] * 0.5"],
                         [f"srt{k} = sorted(np.tanh(x))", f"fe{k} = sum(c * v for c, v in zip((1.0, 2.0, 3.0), srt{k}))"],
                         [f"fe{k} = sum(list(map(np.tanh, W[0]))) + max(map(abs, x))"]])

    def ft_divmod(self, k):
        r, n = self.r, self.n
        return r.choice([[f"q{k}, r{k} = divmod(x[0] * 3.0 + 2.0, 0.7)", f"fe{k} = q{k} * x[1] + r{k}"],
                         [f"q{k}, r{k} = divmod({n + 3}, 2)", f"fe{k} = np.sum(x[:r{k} + 1]) * q{k}"],
                         [f"fe{k} = 0.0", f"for i in range({2 * n}):", f"    q, rr = divmod(i, {n})",
                          f"    fe{k} += x[rr] * W[q % {self.m}, rr]"]])

    # ------------------------------------------------------------------ control flow
    def ft_whiletrue(self, k):
        r = self.r
        return [f"v{k} = x.copy()", f"c{k} = 0", "while True:",
                f"    v{k} = np.tanh(v{k}) * 0.9 + W[0] * 0.1", f"    c{k} += 1",
                f"    if c{k} >= {r.randint(1, 4)} or np.sum(v{k}) > {self._c(0.5, 3)}:", "        break",
                f"fe{k} = np.sum(v{k} ** 2) + c{k}"]

    def ft_loopelse(self, k):
        r, n = self.r, self.n
        thr = self._c(0.0, 0.9)
        opts = [[f"fe{k} = 0.0", f"for i in range({n}):", f"    fe{k} += x[i] ** 2", f"    if x[i] > {thr}:",
                 f"        fe{k} = fe{k} * 0.5", "        break", "else:", f"    fe{k} = fe{k} + np.sum(W)"],
                [f"fe{k} = 0.0", f"j{k} = 0", f"while j{k} < {n}:", f"    if np.sum(x[:j{k} + 1]) > {thr}:", "        break",
                 f"    fe{k} += np.tanh(x[j{k}])", f"    j{k} += 1", "else:", f"    fe{k} -= 1.0", f"fe{k} += j{k} * x[0]"],
                [f"fe{k} = 0.0", f"for i in range({self.m}):", f"    for j in range({n}):",
                 f"        if W[i, j] > {thr}:", "            break", "    else:", f"        fe{k} += np.sum(W[i])",
                 "        continue", f"    fe{k} += W[i, j] * x[j]"],
                [f"fe{k} = 0.0", f"for i in range({self.m}):", f"    for j in range({n}):",
                 f"        fe{k} += W[i, j] * x[j]", "    else:", f"        if fe{k} > {thr}:", "            break"]]
        return r.choice(opts)

    def ft_assertloop(self, k):
        r, n = self.r, self.n
        return r.choice([[f"fe{k} = 0.0", f"for i in range({n}):", f"    v = np.tanh(x[i])", "    assert v < 1.0, 'bounded'",
                          f"    fe{k} += v * W[0, i]"],
                         [f"fe{k} = 0.0", f"for row in W:", f"    s = np.sum(row ** 2)", "    assert s >= 0.0, f'negative {s}'",
                          f"    assert np.all(np.abs(row) <= 1.0)", f"    fe{k} += np.sqrt(s + 1.0)"],
                         [f"fe{k} = np.sum(x)", f"assert fe{k} < 100.0", f"fe{k} = fe{k} ** 2"]])

    def ft_bitops(self, k):
        r, n = self.r, self.n
        return r.choice([[f"fe{k} = 0.0", f"for i in range({2 * n}):", f"    sgn = 1.0 - 2.0 * (i & 1)",
                          f"    fe{k} += sgn * x[i >> 1] * W[(i >> 1) % {self.m}, (i << 1) % {n}]"],
                         [f"fe{k} = 0.0", f"for i in range(8):", f"    fe{k} += x[(i & 3) % {n}] * ((i >> 2) + 1)"],
                         [f"t{k} = {n} << 1", f"fe{k} = np.sum(x ** 2) * (t{k} >> 2) + x[(t{k} & 1)]"]])

    def ft_npconst(self, k):
        r = self.r
        return r.choice([[f"fe{k} = np.sum(np.float64({self._c()}) * x) + np.sum(x * np.float32({self._c()}))"],
                         [f"c{k} = np.float32(0.1)", f"fe{k} = np.sum(np.tanh(W * c{k} + x))"],
                         [f"fe{k} = np.sum(np.array([np.float64(0.5), np.float32(1.5)])) * np.sum(x)"],
                         [f"fe{k} = np.sum(x.astype(np.float64) * np.float64({self._c()}))"]])
