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

from .gen_features3 import FEATURES3
from .gen_features4 import FEATURES4
from .gen_features5 import FEATURES5
from .gen_features10 import pool
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
            kind = wchoice(self.r, pool(FEATURES + FEATURES2 + FEATURES3 + FEATURES4 + FEATURES5))[0]
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


# ---------------------------------------------------------------------------------- today's batch
# Everyday Python and NumPy/SciPy that adjit learnt after the first features campaign: a class
# statement inside f, getattr/hasattr, f-string keys, isclose/allclose branches (with inf),
# lru_cache helpers, a generator seeded in f, nested loop else with breaks, asserts (and assert
# False in a for-else that a break skips), scipy.stats weibull_min/rayleigh/gumbel_r/gumbel_l/lomax,
# lambertw (W0 and W-1), x ** p with zeros in x, complex comprehensions, selections of selections,
# list methods and dict copies, np.piecewise/choose/ediff1d/float_power, simpson, math.fsum,
# logaddexp.reduce, digitize/isin as ints/bools, and two closures of one factory whose defaults or
# cells change between the oracle's two calls.
FEATURES2 = [
    ("localclass", 3), ("getattrs", 2), ("fstrings", 1.5), ("isclose", 2.5), ("lrucache", 2),
    ("rngseed", 2), ("loopelse2", 3), ("assertelse", 2.5), ("stats2", 3.5), ("lambertw", 2.5),
    ("powzero", 2.5), ("complexcomp", 2), ("selsel", 3), ("listmeth", 3), ("dictcopy", 2),
    ("piecewise", 2), ("choose", 1.5), ("ediff", 1.5), ("floatpow", 1.5), ("simpson", 2),
    ("fsum", 1.5), ("lae", 1.5), ("digitize", 2), ("twoclosures", 3), ("staticm", 1.5),
]


class Features2Mixin:
    def ft_localclass(self, k):
        r, n = self.r, self.n
        s = r.choice(["x[0]", "0.5", "np.sum(W) * 0.1", "np.tanh(x[1])"])
        lines = [f"class L{k}:", f"    K = {self._c(0.2, 1.2)}",
                 "    def __init__(self, w, s):", "        self.w = w", "        self.s = s * 2.0",
                 "    def apply(self, v):", "        return np.tanh(self.w @ v) * self.s * self.K",
                 "    def __call__(self, v):", "        return np.sum(self.apply(v)) + self.s ** 2"]
        kind = r.randrange(4)
        if kind == 0:
            lines += [f"class S{k}(L{k}):", "    def apply(self, v):",
                      f"        return L{k}.apply(self, v) * 0.5 + self.K"]
        elif kind == 1:
            lines += [f"class S{k}(L{k}):", "    def __init__(self, w, s):",
                      f"        L{k}.__init__(self, w * 0.5, s)", "        self.b = s + 1.0",
                      "    def __call__(self, v):", f"        return L{k}.__call__(self, v) * self.b"]
        elif kind == 2:
            lines += [f"class S{k}(L{k}):", "    K = -0.25",
                      "    def extra(self, v):", "        return np.sum(v * self.w[0]) + self.K"]
        else:
            lines += [f"class S{k}(L{k}):", "    def apply(self, v):",
                      "        return super().apply(v) + 0.1"]
        use = r.choice([f"fe{k} = S{k}(W, {s})(x) + L{k}(W, 0.3)(x * 0.5)",
                        f"o{k} = S{k}(W, {s})\nfe{k} = o{k}(x) + np.sum(o{k}.apply(W[0] if {n} == W.shape[1] else x))",
                        f"o{k} = S{k}(W, {s})\nfe{k} = np.sum(o{k}.apply(x)) * o{k}.s + o{k}.K"])
        if kind == 2 and r.random() < 0.5:
            use = f"o{k} = S{k}(W, {s})\nfe{k} = o{k}(x) + o{k}.extra(x)"
        return lines + use.split("\n")

    def ft_getattrs(self, k):
        r = self.r
        fn = r.choice(["tanh", "sin", "cos", "exp", "arctan", "square", "log1p"])
        arg = "np.abs(x) * 0.5" if fn == "log1p" else "x * 0.5"
        lines = [f"class G{k}:", f"    a = {self._c(0.2, 1.5)}", "    def __init__(self, v):", "        self.v = v"]
        lines += [f"g{k} = G{k}({r.choice(['x[0]', 'np.sum(x ** 2)', 'W[0, 0] * 2.0'])})",
                  f"fe{k} = np.sum(getattr(np, {fn!r})({arg})) * getattr(g{k}, 'a', 2.0)",
                  f"fe{k} += getattr(g{k}, 'v', 0.0) * x[1] + getattr(g{k}, {r.choice(['b', 'c'])!r}, {self._c()}) * x[0]"]
        lines += r.choice([[f"if hasattr(g{k}, 'v'):", f"    fe{k} = fe{k} * 0.5 + g{k}.v"],
                           [f"if hasattr(g{k}, 'zz'):", f"    fe{k} = fe{k} * 100.0", "else:", f"    fe{k} = fe{k} - x[0]"],
                           [f"fe{k} += (1.0 if hasattr(np, 'tanh') else 0.0) * x[1]"]])
        return lines

    def ft_fstrings(self, k):
        r, n = self.r, self.n
        return r.choice([[f"d{k} = {{}}", f"for i in range({n}):", f"    d{k}[f'w{{i}}'] = x[i] * (i + 1.0)",
                          f"fe{k} = d{k}['w0'] * d{k}[f'w{{{n} - 1}}'] + sum(d{k}.values())"],
                         [f"tag{k} = f'layer_{{{r.randint(1, 12)}}}'", f"d{k} = {{tag{k}: x[0], 'b': x[1]}}",
                          f"fe{k} = d{k}[tag{k}] * len(tag{k}) + d{k}['b'] * len(f'{{tag{k}}}_x')"],
                         [f"d{k} = {{f'k{{j}}': np.tanh(W[j % W.shape[0]]) for j in range(3)}}",
                          f"fe{k} = np.sum(d{k}['k1'] * x) + len(d{k}) * np.sum(d{k}[f'k{{2}}'])"]])

    def ft_isclose(self, k):
        r, n = self.r, self.n
        return r.choice([
            [f"a{k} = np.where(x > {self._c(-0.5, 0.5)}, np.inf, x)",
             f"m{k} = np.isclose(a{k}, np.inf)", f"fe{k} = np.sum(np.where(m{k}, x ** 2, np.sin(x)))"],
            [f"b{k} = np.array([{', '.join(r.choice(['1.0', 'np.inf', '-np.inf', '0.5']) for _ in range(n))}])",
             f"if np.allclose(np.round(x * 0.0) + 1.0, b{k}):", f"    fe{k} = np.sum(x) * 2.0", "else:",
             f"    fe{k} = np.sum(x ** 2)"],
            [f"if np.isclose(x[0], x[0] + {r.choice(['1e-12', '1e-3', '0.5'])}):", f"    fe{k} = x[0] * 3.0", "else:",
             f"    fe{k} = np.tanh(x[0])"],
            [f"c{k} = np.isclose(x, {self._c()}, atol={r.choice(['0.2', '0.5', '1e-8'])})",
             f"fe{k} = np.sum(np.where(c{k}, x, W[0] * x)) + np.sum(c{k}) * 0.1"],
            [f"if np.allclose(x, x * (1.0 + 1e-12)) and not np.isclose(np.inf, {r.choice(['1e308', '-np.inf', 'np.inf'])}):",
             f"    fe{k} = np.sum(x * W[0])", "else:", f"    fe{k} = np.sum(x) - 1.0"],
            [f"if np.allclose(np.array([1.0, 2.0]), np.array([1.0, {r.choice(['np.inf', '2.0', '2.0 + 1e-9'])}])):",
             f"    fe{k} = np.sum(x)", "else:", f"    fe{k} = np.sum(x ** 3)"],
        ])

    def ft_lrucache(self, k):
        r = self.r
        deco = r.choice(["@functools.lru_cache(maxsize=None)", "@functools.lru_cache", "@functools.cache",
                         "@functools.lru_cache(maxsize=4)"])
        self._gl(f"{deco}\ndef lc{k}(m, c=0.5):\n    return sum(c ** i / (i + 1.0) for i in range(m))")
        if r.random() < 0.5:
            self._gl(f"{deco}\ndef lt{k}(m):\n    return tuple(np.linspace(-1.0, 1.0, m))")
            return [f"fe{k} = lc{k}({r.randint(1, 5)}) * np.sum(x) + sum(c * v for c, v in zip(lt{k}(x.shape[0]), x))"]
        return [f"fe{k} = 0.0", f"for i in range(1, 4):", f"    fe{k} += lc{k}(i, {self._c(0.1, 0.9)}) * x[i % x.shape[0]]",
                f"fe{k} += lc{k}(2) * np.sum(W)"]

    def ft_rngseed(self, k):
        r, n = self.r, self.n
        seed = r.choice([3, 0, 42])
        lines = [f"rng{k} = np.random.default_rng({seed})"]
        lines += r.choice([[f"eps{k} = rng{k}.normal(size={n})", f"fe{k} = np.sum(x * eps{k}) + np.sum(np.exp(0.1 * eps{k}) * x ** 2)"],
                           [f"eps{k} = rng{k}.normal(size=x.shape)", f"u{k} = rng{k}.uniform(-1.0, 1.0, size=W.shape)",
                            f"fe{k} = np.sum(x * eps{k}) + np.sum(W * u{k})"],
                           [f"fe{k} = 0.0", "for _ in range(2):", f"    e = rng{k}.standard_normal({n})",
                            f"    fe{k} += np.sum(np.tanh(x + 0.1 * e))"],
                           [f"eps{k} = rng{k}.normal(0.5, 2.0, size=({self.m}, {n}))", f"fe{k} = np.sum(W * eps{k}) + eps{k}[0, 0] * x[0]"]])
        return lines

    def ft_loopelse2(self, k):
        r, n, m = self.r, self.n, self.m
        t1, t2 = self._c(-0.3, 0.9), self._c(-0.5, 2.0)
        return r.choice([
            [f"fe{k} = 0.0", f"for i in range({m}):", f"    for j in range({n}):", f"        if W[i, j] > {t1}:",
             "            break", f"        fe{k} += W[i, j] * x[j]", "    else:", f"        fe{k} += 1.0",
             f"        if fe{k} > {t2}:", "            break", "        continue", f"    fe{k} = fe{k} * 0.5",
             "else:", f"    fe{k} -= x[0]"],
            [f"fe{k} = 0.0", f"for i in range({m}):", f"    j = 0", f"    while j < {n}:", f"        if x[j] * W[i, j] > {t1}:",
             "            break", f"        fe{k} += np.tanh(x[j])", "        j += 1", "    else:",
             f"        fe{k} += W[i, 0]", f"        break", f"    fe{k} += x[j % {n}] * 0.3", "else:", f"    fe{k} *= 2.0"],
            [f"fe{k} = 0.0", f"hit{k} = -1", f"for i in range({n}):", f"    for j in range(i):",
             f"        if x[i] + x[j] > {t1}:", f"            hit{k} = i", "            break", "    else:",
             f"        fe{k} += x[i]", "        continue", "    break", "else:", f"    fe{k} += 10.0 * x[0]",
             f"fe{k} += hit{k} * x[-1]"],
            [f"fe{k} = 0.0", f"for i in range({m}):", f"    for j in range({n}):", f"        fe{k} += W[i, j] * x[j]",
             f"        if fe{k} > {t2}:", "            break", "    else:", f"        for q in range(2):",
             f"            if q > 0 and fe{k} < {t1}:", "                break", f"            fe{k} += x[q]",
             "        else:", f"            fe{k} *= 0.9"],
        ])

    def ft_assertelse(self, k):
        r, n = self.r, self.n
        thr = self._c(-0.5, 0.8)
        return r.choice([
            [f"fe{k} = 0.0", f"for i in range({n}):", f"    fe{k} += x[i] ** 2", f"    if i == {n - 1} or x[i] > {thr}:",
             "        break", "else:", "    assert False, 'unreachable'"],
            [f"fe{k} = 0.0", f"for i in range({self.m}):", f"    for j in range({n}):", f"        if j == {n - 1} or W[i, j] > {thr}:",
             f"            fe{k} += W[i, j] * x[j]", "            break", "    else:", "        assert False",
             f"assert fe{k} == fe{k}"],
            [f"s{k} = np.sum(x ** 2)", f"assert s{k} >= 0.0, f'negative {{s{k}}}'", f"assert np.all(np.isfinite(x)), 'finite'",
             f"fe{k} = np.sqrt(s{k} + 1.0)", f"assert fe{k} >= 1.0"],
            [f"fe{k} = 0.0", f"j{k} = 0", f"while True:", f"    fe{k} += x[j{k}]", f"    j{k} += 1", f"    if j{k} >= {n}:",
             "        break", f"assert j{k} == {n}", f"for i in range({n}):", f"    if i >= 0:", "        break", "else:",
             "    assert False, 'no break'"],
        ])

    def ft_stats2(self, k):
        r, n = self.r, self.n
        dist = r.choice(["weibull_min", "rayleigh", "gumbel_r", "gumbel_l", "lomax"])
        meth = r.choice(["logpdf", "cdf", "sf", "logsf", "pdf", "logcdf"])
        pre = r.choice(["stats.", "scipy.stats."])
        z = r.choice(["np.abs(x) + 0.2", "x * 2.0 + 3.0", "np.exp(W[0])"]) if dist in ("weibull_min", "rayleigh", "lomax") \
            else r.choice(["x * 3.0", "x", "W[0] * 5.0 - 1.0", "x * 30.0"])
        loc = r.choice(["", ", loc=0.0", ", loc=0.05 * np.tanh(W[0, 1])", ", loc=-0.1 + 0.0 * x[0]"])
        scale = r.choice(["", ", scale=np.exp(0.3 * W[0, 0])", ", scale=1.5 + x[1] ** 2", ", scale=0.7"])
        shape = "" if dist in ("rayleigh", "gumbel_r", "gumbel_l") else \
            r.choice(["1.0 + x[0] ** 2", "np.exp(0.5 * W[-1, -1])", "2.5", "0.5 + np.abs(x[1])"])
        args = (f"{shape}" if shape else "") + loc + scale
        if shape and r.random() < 0.5:
            args = "c=" + args
        return [f"z{k} = {z}", f"v{k} = {pre}{dist}.{meth}(z{k}{', ' if args and not args.startswith(',') else ''}{args})",
                f"fe{k} = np.sum(np.where(np.isfinite(v{k}), v{k}, 0.0)) * 0.3"]

    def ft_lambertw(self, k):
        r = self.r
        opts = [[f"u{k} = np.abs(x) * 2.0 - 0.3", f"fe{k} = np.sum(scipy.special.lambertw(u{k}).real)"],
                [f"u{k} = -0.36 * (0.05 + 0.9 / (1.0 + np.exp(-x)))", f"fe{k} = np.sum(scipy.special.lambertw(u{k}, -1).real)"],
                [f"u{k} = -0.3 * np.exp(-np.abs(x) * {r.choice(['1.0', '5.0', '20.0'])})",
                 f"fe{k} = np.sum(scipy.special.lambertw(u{k}, k=-1).real) + np.sum(scipy.special.lambertw(u{k}).real)"],
                [f"fe{k} = scipy.special.lambertw(np.exp(x[0]) * {r.choice(['1.0', '10.0', '1e3'])}).real * x[1]"],
                [f"u{k} = W[0] * 0.3", f"fe{k} = np.sum(np.real(scipy.special.lambertw(u{k}, 0)) * x)"]]
        return r.choice(opts)

    def ft_powzero(self, k):
        r, n = self.r, self.n
        p = r.choice(["1.5 + x[0] ** 2", "2.0 + W[0, 0]", "np.exp(W[0, 1]) + 1.0", "0.5 + 0.2 * x[1] ** 2", "3.0 * (1.0 + 0.1 * x[0])"])
        base = r.choice([f"np.where(x > {self._c(-0.5, 0.5)}, np.abs(x), 0.0)", f"np.linspace(0.0, 2.0, {n})",
                         f"np.maximum(x, 0.0)", f"np.arange({n}) * 0.5"])
        return r.choice([[f"p{k} = {p}", f"fe{k} = np.sum(({base}) ** p{k})"],
                         [f"p{k} = {p}", f"fe{k} = np.sum(np.power({base}, p{k}) * W[0, :{n}] if {n} <= W.shape[1] else np.power({base}, p{k}))"]])

    def ft_complexcomp(self, k):
        r = self.r
        item = r.choice(["v * 1j + 0.5", "np.exp(1j * v)", "complex(0.3, 1.0) * v", "v + 2j", "(v + 1j) ** 2"])
        over = r.choice(["x", "W[0]", "np.tanh(x)"])
        use = r.choice([f"np.sum(np.abs(zc{k}) ** 2)", f"np.sum(zc{k}.imag * x[:zc{k}.shape[0]] if zc{k}.shape[0] == x.shape[0] else zc{k}.imag)",
                        f"np.sum(np.angle(zc{k} + 3.0))", f"np.sum((zc{k} * zc{k}.conj()).real)", f"np.abs(np.sum(zc{k}))"])
        return [f"zc{k} = np.array([{item} for v in {over}])", f"fe{k} = {use}"]

    def ft_selsel(self, k):
        r = self.r
        hsrc = r.choice(["np.round(x * 3.0)", "np.floor(W[0] * 2.0)", "np.round(np.tanh(x) * 2.0)"])
        thr = self._c(-0.6, 0.4)
        cmp_ = r.choice(["== 1", "== 2", "> 0", "!= 0", "<= -1"])
        lines = [f"h{k} = {hsrc}", f"m{k} = x > {thr}"]
        lines += r.choice([[f"fe{k} = np.sum(x[m{k}][h{k}[m{k}] {cmp_}]) + np.sum(h{k}[m{k}] {cmp_}) * 0.1"],
                           [f"sel{k} = h{k}[m{k}] {cmp_}", f"fe{k} = np.sum(x[m{k}][~sel{k}] ** 2)",
                            f"if np.any(sel{k}):", f"    fe{k} += np.sum(x[m{k}][sel{k}] * 2.0)"],
                           [f"if np.any(h{k}[m{k}] {cmp_}):", f"    fe{k} = np.sum(np.tanh(x[m{k}]))", "else:",
                            f"    fe{k} = np.sum(x) * 0.5", f"fe{k} += np.sum(W[0][m{k}][h{k}[m{k}] {cmp_}]) if W.shape[1] == x.shape[0] else 0.0"],
                           [f"fe{k} = np.sum(x[m{k}][h{k}[m{k}] {cmp_}] * h{k}[m{k}][h{k}[m{k}] {cmp_}]) + float(np.all(h{k}[m{k}] {cmp_}))"]])
        return lines

    def ft_listmeth(self, k):
        r = self.r
        lines = [f"xs{k} = [x[0], x[1], W[0, 0] * 2.0]"]
        if r.random() < 0.2:  # changed through a second name (case_016)
            return lines + [f"ys{k} = xs{k}", r.choice([f"ys{k}.append(x[2 % x.shape[0]] * 3.0)", f"ys{k}.pop()",
                                                         f"ys{k}.insert(0, x[1] * 2.0)", f"ys{k}.extend([x[0], 1.0])"]),
                            f"fe{k} = sum(v * (i + 1.0) for i, v in enumerate(xs{k})) + sum(ys{k}) * 0.5"]
        ops = r.sample([f"xs{k}.insert(1, x[2] * 3.0)", f"xs{k}.extend([x[0] * 0.5, W[-1, -1]])", f"xs{k}.append(np.tanh(x[1]))",
                        f"xs{k}.extend(x[:2])", f"xs{k}.reverse()", f"xs{k}.insert(0, 1.5)", f"xs{k}.extend((0.25, x[1]))"], r.randint(1, 3))
        lines += ops
        lines += r.choice([[f"last{k} = xs{k}.pop()", f"fe{k} = sum(xs{k}) + last{k} * 2.0"],
                           [f"first{k} = xs{k}.pop(0)", f"fe{k} = sum(xs{k}[1:]) * first{k} + xs{k}[-1]"],
                           [f"xs{k}.insert(1, 7.0)", f"xs{k}.remove(7.0)", f"fe{k} = sum(v * (i + 1.0) for i, v in enumerate(xs{k}))"],
                           [f"fe{k} = sum(xs{k}[::-1][:2]) + sum(xs{k}[1::2]) * 0.5 + len(xs{k}) * xs{k}[0]"],
                           [f"mid{k} = xs{k}.pop(1)", f"xs{k}.insert(len(xs{k}), mid{k} * 2.0)", f"fe{k} = xs{k}[-1] + np.sum(np.array(xs{k}) ** 2)"]])
        return lines

    def ft_dictcopy(self, k):
        r = self.r
        lines = [f"d{k} = {{'a': x[0], 'b': {self._c()}, 'c': np.sum(W)}}"]
        lines += r.choice([[f"d2{k} = dict(d{k})", f"d2{k}['a'] = x[1] * 3.0", f"d2{k}['e'] = np.tanh(x[0])"],
                           [f"d2{k} = d{k}.copy()", f"d2{k}['b'] = d{k}['a'] ** 2"],
                           [f"d2{k} = {{**d{k}, 'b': x[1]}}", f"d2{k}['c'] = d2{k}['c'] * 0.5"],
                           [f"d2{k} = dict(d{k}, b=x[1] * 2.0)", f"d2{k}['a'] = d2{k}['b'] - d{k}['a']"],
                           [f"d2{k} = d{k}", f"d2{k}['a'] = x[1] * 3.0"]])  # a second name (case_016)
        lines += [f"fe{k} = d{k}['a'] + d{k}['b'] * 2.0 + d{k}['c'] * 0.1 + sum(v * 0.5 for v in d2{k}.values()) + d2{k}['a'] * d2{k}['b']"]
        return lines

    def ft_piecewise(self, k):
        r = self.r
        t = self._c(-0.5, 0.5)
        return r.choice([[f"pw{k} = np.piecewise(x, [x < {t}, x >= {t}], [lambda v: v ** 2, lambda v: np.sin(v)])",
                          f"fe{k} = np.sum(pw{k})"],
                         [f"pw{k} = np.piecewise(x, [x < {t}], [lambda v: np.exp(v), 0.5])", f"fe{k} = np.sum(pw{k} * x)"],
                         [f"pw{k} = np.piecewise(x, [x < -0.3, x > 0.3], [lambda v: -v, lambda v: v * 2.0, lambda v: v ** 3])",
                          f"fe{k} = np.sum(pw{k})"],
                         [f"pw{k} = np.piecewise(W[0], [W[0] > {t}], [np.tanh])", f"fe{k} = np.sum(pw{k} * 3.0)"]])

    def ft_choose(self, k):
        r, n = self.r, self.n
        idx = r.choice([f"np.array({[r.randrange(3) for _ in range(n)]})", "np.digitize(x, [-0.3, 0.3])", "(x > 0).astype(int)"])
        return [f"ch{k} = np.choose({idx}, [x, x ** 2, np.sin(x) * 2.0])",
                f"fe{k} = np.sum(ch{k} * np.arange(1.0, {n + 1}.0))"]

    def ft_ediff(self, k):
        r = self.r
        extra = r.choice(["", ", to_end=x[0]", ", to_begin=np.array([1.0, x[1]])", ", to_begin=0.5, to_end=[x[0], 2.0]"])
        return [f"ed{k} = np.ediff1d({r.choice(['x', 'W', 'np.tanh(x) * 2.0'])}{extra})",
                f"fe{k} = np.sum(ed{k} ** 2) + np.sum(ed{k} * np.arange(ed{k}.shape[0]))"]

    def ft_floatpow(self, k):
        r = self.r
        return r.choice([[f"fe{k} = np.sum(np.float_power(np.abs(x) + 0.5, W[0]))"],
                         [f"fe{k} = np.sum(np.float_power(x, 2)) + np.sum(np.float_power(2.0, x))"],
                         [f"fe{k} = np.sum(np.float_power(np.abs(W) + 0.1, {self._c(0.5, 3)}))"],
                         [f"fe{k} = float(np.float_power(x[0] ** 2 + 1.0, x[1]))"]])

    def ft_simpson(self, k):
        r, n = self.r, self.n
        y = r.choice(["np.tanh(x)", "x ** 2", "W[0] * x if W.shape[1] == x.shape[0] else x", "np.exp(x)"])
        how = r.choice(["", ", dx=0.5", f", x=np.linspace(0.0, 1.0, {n})", f", x=np.array({sorted(round(r.uniform(0, 2), 3) for _ in range(n))})",
                        ", x=np.cumsum(np.abs(x) + 0.1)"])
        return [f"fe{k} = scipy.integrate.simpson({y}{how})"]

    def ft_fsum(self, k):
        r = self.r
        big = "1e8" if self.dtype == "float64" else "1e2"  # float32: the reverse sweep's partial sums round (seed 9602 #118)
        return r.choice([[f"fe{k} = math.fsum(x) * 2.0 + math.fsum([x[0], W[0, 0], 0.1])"],
                         [f"fe{k} = math.fsum([x[0] * {big}, x[1], -x[0] * {big}])"],
                         [f"fe{k} = math.fsum(v ** 2 for v in x) + math.fsum(W[0])"]])

    def ft_lae(self, k):
        r = self.r
        return r.choice([[f"fe{k} = np.logaddexp.reduce(x)"],
                         [f"fe{k} = np.sum(np.logaddexp.reduce(W, axis={r.choice([0, 1, -1])}))"],
                         [f"fe{k} = np.logaddexp.reduce(x * 300.0) * 0.01 + np.logaddexp2.reduce(W[0])"],
                         [f"fe{k} = np.logaddexp.reduce(np.array([x[0], -np.inf, x[1]]))"]])

    def ft_digitize(self, k):
        r, n = self.r, self.n
        bins = r.choice(["[-0.5, 0.0, 0.5]", "np.array([-0.3, 0.3])", "[0.5, 0.0, -0.5]"])
        right = r.choice(["", ", right=True"])
        return r.choice([[f"di{k} = np.digitize(x, {bins}{right})", f"coef{k} = np.array([0.3, -0.7, 1.1, 0.2])",
                          f"fe{k} = np.sum(coef{k}[di{k}] * x) + np.sum(di{k}) * 0.1"],
                         [f"di{k} = np.digitize(x, {bins}{right})", f"ok{k} = np.isin(di{k}, [1, 2])",
                          f"fe{k} = np.sum(np.where(ok{k}, x, -x)) + np.sum(ok{k})"],
                         [f"ok{k} = np.isin(np.arange({n}), [0, {n - 1}])", f"fe{k} = np.sum(x[ok{k}]) + np.sum(W[0][~ok{k}[:W.shape[1]]] if W.shape[1] == {n} else 0.0)"],
                         [f"ok{k} = np.isin(np.round(x * 2.0), np.array([0.0, 1.0]), invert={r.choice(['True', 'False'])})",
                          f"fe{k} = np.sum(x * ok{k}) + float(np.any(ok{k}))"]])

    def ft_twoclosures(self, k):
        r, n = self.r, self.n
        kind = r.randrange(3)
        if kind == 0:
            self._gl(f"def mk{k}(c):\n    def h(v, s=c):\n        return np.sum(np.tanh(v * s))\n    return h")
            self._gl(f"HA{k} = mk{k}({self._c(0.2, 1.5)})\nHB{k} = mk{k}({self._c(0.2, 1.5)})")
            self._mut(r.choice([f"HB{k}.__defaults__ = ({self._c(-1.5, -0.2)},)", f"HA{k}.__defaults__ = ({self._c(-1.5, -0.2)},)"]))
        elif kind == 1:
            self._gl(f"def mk{k}(c):\n    def h(v, s=1.0):\n        return np.sum(np.tanh(v * c)) * s\n    return h")
            self._gl(f"HA{k} = mk{k}({self._c(0.2, 1.5)})\nHB{k} = mk{k}({self._c(0.2, 1.5)})")
            self._mut(r.choice([f"HB{k}.__closure__[0].cell_contents = {self._c(-1.5, -0.2)}",
                                f"HA{k}.__defaults__ = ({self._c(-1.5, -0.2)},)", f"HB{k}.__kwdefaults__ = None; HB{k}.__defaults__ = (2.0,)"]))
        else:
            self._gl(f"HL{k} = [lambda v, s=s: np.sum(v * s) + s for s in ({self._c()}, {self._c()})]\nHA{k}, HB{k} = HL{k}")
            self._mut(r.choice([f"HL{k}[1].__defaults__ = ({self._c()},)", f"HA{k}.__defaults__ = ({self._c()},)"]))
        return [f"fe{k} = HA{k}(x) + HB{k}(W[0]) * 2.0 + HB{k}(x)"]

    def ft_staticm(self, k):
        """Static methods called through the class, the instance and self (case_015: self bound)."""
        r = self.r
        body = (f"class SM{k}:\n    C = {self._c(0.2, 1.2)}\n\n    def __init__(self, v):\n        self.v = v\n\n"
                f"    @staticmethod\n    def off(a, b=0.5):\n        return b * 2.0\n\n"
                f"    @staticmethod\n    def sq(u):\n        return np.sum(u ** 2)\n\n"
                f"    def total(self):\n        return self.sq(self.v) * self.C + self.off(self.v[0])")
        if r.random() < 0.5:
            self._gl(body)
            lines = []
        else:
            lines = [ln[0:] for ln in body.split("\n") if ln.strip()]
        return lines + [f"o{k} = SM{k}({r.choice(['x', 'np.tanh(x)', 'W[0]'])})",
                        f"fe{k} = o{k}.total() + SM{k}.sq(x) * 0.5 + o{k}.off(x[1], x[0]) + SM{k}.off(x[0])"]
