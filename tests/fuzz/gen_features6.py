"""The `--profile features` snippets of the sixth semantics hunt (2026-12-03): where NumPy's meaning
is easy to get subtly wrong and the other generators write little. NumPy scalars promoting as
NumPy 2 does (`x * np.int64(3)` of a float32 `x` is float64, `np.int32`, `np.float32(c) * x`),
integer floor division and remainders of negatives (`//`, `%`, np.floor_divide, np.mod,
np.remainder, np.fmod, np.divmod, by negative divisors), booleans in arithmetic, rounding whose
result's sign shows (np.copysign of np.round/np.rint/np.trunc/np.ceil of values near 0),
np.clip with array bounds and at a bound, reductions over negative axes and tuples of axes with
keepdims, in-place updates that broadcast or overlap (`A += x`, `a[1:] += a[:-1]`, `a[::2] *= c`),
argsort/argmax ties, the truth of a list built by .append (`if r:`, `not r`), and complex
division, exp and sqrt near the axes (a zero part of either sign). Each binds a scalar `fe<k>`
from x (n,) and W (m, n), as gen_features.py's do; arrays written are copies, never the
arguments."""
from __future__ import annotations

FEATURES6 = [
    ("npscalar", 2), ("intdiv", 2), ("boolarith", 1), ("roundsign", 1.5), ("cliparr", 1.5), ("axes", 2),
    ("inplacebc", 2), ("ties", 1.5), ("listtruth", 1.5), ("cxaxes", 1.5),
]


def pool(others: list) -> list:
    """The snippets the profile draws from: the others' and these, or with ADJIT_FUZZ_FEATURES=6
    (a directed campaign) these alone."""
    import os

    return FEATURES6 if os.environ.get("ADJIT_FUZZ_FEATURES") == "6" else others + FEATURES6


class Features6Mixin:
    def ft_npscalar(self, k):
        r = self.r
        s = r.choice(["np.int64(3)", "np.int32(-2)", "np.float32(0.7)", "np.float64(1.5)", "np.int64(2 ** 40)"])
        use = r.choice([f"x * {s}", f"x / {s}", f"(x * 1.0).astype(np.float32) * {s}", f"W[0] * {s} + x[:1]"])
        return [f"ns{k} = {use}", f"fe{k} = float(np.sum(ns{k} * np.arange(ns{k}.size))) * 1e-3"]

    def ft_intdiv(self, k):
        r = self.r
        ints = r.choice([f"np.floor(x * {self._c(2, 6)}).astype(int)", f"np.round(W[0] * 4).astype(np.int64)"])
        d = r.choice(["3", "-3", "2", "-2", "np.array([2, -3, 5, -1, 4])[:iv{k}.size]"]).replace("{k}", str(k))
        op = r.choice([f"iv{k} // {d}", f"iv{k} % {d}", f"np.floor_divide(iv{k}, {d})", f"np.mod(iv{k}, {d})",
                       f"np.remainder(iv{k}, {d})", f"np.fmod(iv{k}, {d})", f"np.divmod(iv{k}, {d})[{r.randrange(2)}]"])
        fl = r.choice([f"x // {self._c(0.3, 0.9)}", f"x % -{self._c(0.3, 0.9)}", f"np.fmod(x, {self._c(0.3, 0.9)})",
                       f"np.remainder(W[0], -{self._c(0.3, 0.9)})"])
        return [f"iv{k} = {ints}", f"fe{k} = np.sum(({op}) * x[:iv{k}.size]) + np.sum({fl})"]

    def ft_boolarith(self, k):
        r = self.r
        return r.choice([[f"b{k} = x > {self._c(-0.5, 0.5)}", f"fe{k} = np.sum(x * (b{k} * 2.5 - True)) + np.sum(b{k} / 2)"],
                         [f"b{k} = W[0] < 0.0", f"fe{k} = np.sum(np.cumsum(b{k}) * W[0]) + np.mean(b{k}) * x[0]"],
                         [f"b{k} = x > 0", f"c{k} = x < {self._c(0, 1)}", f"fe{k} = np.sum((b{k} & c{k}) * x + (b{k} ^ c{k}) * x ** 2)"]])

    def ft_roundsign(self, k):
        r = self.r
        f = r.choice(["np.round", "np.rint", "np.trunc", "np.ceil", "np.fix", "np.around"])
        scale = r.choice(["0.3", "0.05", "1.0"])
        return [f"rs{k} = {f}(x * {scale} - {self._c(0.0, 0.3)})",
                f"fe{k} = np.sum(np.copysign(np.arange(1.0, x.size + 1), rs{k})) + np.sum(rs{k} * x)"]

    def ft_cliparr(self, k):
        r, n = self.r, self.n
        lo = r.choice([f"np.linspace(-0.5, 0.2, {n})", "x * 0.0", "-0.3", "None"])
        hi = r.choice([f"np.linspace(0.3, 1.0, {n})", "0.5", "x[::-1]" if lo != "None" else "0.8"])
        return [f"cp{k} = np.clip(x, {lo}, {hi})",
                f"fe{k} = np.sum(cp{k} * x) + np.sum(np.copysign(1.0, np.clip(x * 0.0, 0.0, 1.0)))"]

    def ft_axes(self, k):
        r, n, m = self.r, self.n, self.m
        red = r.choice(["np.sum", "np.mean", "np.max", "np.min", "np.std", "np.var"])
        axis = r.choice(["-1", "-2", "(0, -1)", "(-1, 0)", "(1,)", "None"])
        if red in ("np.std", "np.var") and axis in ("(0, -1)", "(-1, 0)", "None"):
            axis = "-1"
        kd = r.choice(["True", "False"])
        T = f"(W[:, :, None] * x[None, None, :{min(n, 3)}])"
        ax3 = r.choice(["(0, 2)", "-1", "(-3, -2)", "(1, -1)"])
        return [f"rd{k} = {red}(W * x, axis={axis}, keepdims={kd})",
                f"fe{k} = np.sum(rd{k} * np.arange(np.size(rd{k})).reshape(np.shape(rd{k})))"
                f" + np.sum(np.sum({T} ** 2, axis={ax3}, keepdims={kd}))"]

    def ft_inplacebc(self, k):
        r, n, m = self.r, self.n, self.m
        return r.choice([[f"A{k} = W * 1.0", f"A{k} += x", f"A{k} *= W[:1]", f"fe{k} = np.sum(A{k} * {self._weights(f'A{k}')})"],
                         [f"a{k} = x * 1.0", f"a{k}[1:] += a{k}[:-1]", f"fe{k} = np.sum(a{k} * np.arange({n}.0))"],
                         [f"a{k} = x * 1.0", f"a{k}[:-1] -= {self._c()} * a{k}[1:]", f"fe{k} = np.sum(a{k} * np.arange({n}.0))"],
                         [f"a{k} = x * 1.0", f"a{k}[::2] *= {self._c(0.5, 2)}", f"a{k}[::-1] += x",
                          f"fe{k} = np.sum(a{k} ** 2)"],
                         [f"A{k} = W + 0.0", f"A{k}[:, 1:] += A{k}[:, :-1] * {self._c()}", f"A{k}[-1] /= 2.0",
                          f"fe{k} = np.sum(A{k} * {self._weights(f'A{k}')})"]])

    def ft_ties(self, k):
        r, n = self.r, self.n
        t = f"np.round(x * 2) / 2"
        return r.choice([[f"tq{k} = {t}", f"fe{k} = np.sum(np.argsort(tq{k}, kind='stable') * x) + float(np.argmax(tq{k}))"],
                         [f"tq{k} = {t}", f"fe{k} = x[np.argmin(tq{k})] * 2.0 + x[np.argmax(np.abs(tq{k}))]"],
                         [f"tq{k} = np.sort(np.round(W[0] * 2))", f"fe{k} = np.sum(tq{k} * W[0]) + float(np.argmax(W[0] > 0))"]])

    def ft_listtruth(self, k):
        r = self.r
        thr = self._c(-0.5, 1.5)
        use = r.choice([f"fe{k} = (sum(r{k}) if r{k} else 0.0) + (1.0 if not r{k} else 2.0) * x[0]",
                        f"if r{k} and len(r{k}) > 1:\n    fe{k} = r{k}[0] * r{k}[-1]\nelse:\n    fe{k} = np.sum(x) * 0.5"])
        return [f"r{k} = []", f"for v{k} in x:", f"    if v{k} > {thr}:", f"        r{k}.append(v{k} * 2.0)",
                *use.split("\n")]

    def ft_cxaxes(self, k):
        r = self.r
        zero = r.choice(["x[:2] * 0.0", "-(x[:2] * 0.0)", "np.zeros(2)"])
        z = r.choice([f"x[:2] + 1j * ({zero})", f"({zero}) + 1j * x[:2]", f"-(1.0 + x[:2] ** 2) + 1j * ({zero})"])
        f = r.choice([f"np.sqrt(z{k})", f"np.exp(z{k})", f"(1.5 - 0.5j) / (z{k} + 0.25)", f"1.0 / (z{k} - 3.0)"])
        return [f"z{k} = {z}", f"w{k} = {f}", f"fe{k} = np.sum(w{k}.real * x[:2]) + np.sum(w{k}.imag * np.arange(1.0, 3.0))"]
