"""The `--profile features` snippets of the seventh semantics hunt (2026-12-03): Python's int(),
float() and round() of NumPy scalars (weak under NEP 50: a float32 array times int(v) stays
float32), np.maximum/np.minimum at signed-zero ties (NumPy's second operand), np.linalg.det of
singular matrices (its derivative, the cofactor matrix, is finite), hand-written norms at a zero
vector (`np.sqrt(np.sum(d ** 2))`, np.mean, `d @ d`: np.linalg.norm's subgradient 0), two gathers
of one array read through views (`a = W[i]; b = W[j]; a[:, :2] - b[:, :2]`), duplicate indices in
writes (`y[i] = v` last write wins, `y[i] += v` once per index), a module-level helper writing into
its argument in place called in a loop, and data-dependent loops carrying arrays. Each binds a
scalar `fe<k>` from x (n,) and W (m, n), as gen_features.py's do; arrays written are copies,
never the arguments."""
from __future__ import annotations

from .gen_features6 import pool as _pool6

FEATURES7 = [
    ("pyconv", 1.5), ("maxzero", 1.5), ("detsing", 2), ("handnorm", 2), ("gathers2", 2), ("dupidx", 2),
    ("helpermut", 1.5), ("dataloop", 1.5),
]


def pool(others: list) -> list:
    """The snippets the profile draws from: the others' and these (gen_features6.py's rule for its
    own), or with ADJIT_FUZZ_FEATURES=7 (a directed campaign) these alone."""
    import os

    if os.environ.get("ADJIT_FUZZ_FEATURES") == "7":
        return FEATURES7
    return _pool6(others) + ([] if os.environ.get("ADJIT_FUZZ_FEATURES") == "6" else FEATURES7)


class Features7Mixin:
    def ft_pyconv(self, k):
        r = self.r
        conv = r.choice([f"int(x[0] * {self._c(3, 9)})", "float(x[-1])", f"round(W[0, 0] * {self._c(2, 6)})"])
        use = r.choice([f"(x * 1.0).astype(np.float32) * {conv}", f"x * {conv}",
                        f"(np.floor(x * 7).astype(np.int32) + {conv}) * x"])
        return [f"pc{k} = {use}", f"fe{k} = np.sum(pc{k} * np.arange(1.0, pc{k}.size + 1)) * 0.1"]

    def ft_maxzero(self, k):
        r = self.r
        a, b = r.choice([("x * 0.0", "-(x * 0.0)"), ("-(x * 0.0)", "x * 0.0"), ("x * 0.0", "0.0"), ("-0.0", "x * 0.0")])
        f = r.choice(["np.maximum", "np.minimum"])
        return [f"mz{k} = {f}({a}, {b})",
                f"fe{k} = np.sum(np.copysign(1.0, mz{k}) * x) + np.sum({f}(x, {self._c(-0.5, 0.5)}) * x)"]

    def ft_detsing(self, k):
        r, n = self.r, self.n
        M = r.choice([f"np.stack([x[:3], 2.0 * x[:3], W[0, :3] * x[:3]])",
                      f"np.outer(x[:3], W[0, :3])",
                      f"np.stack([x[:2], x[:2] * {self._c(0.5, 2)}])",
                      f"np.diag(x[:3] - x[0]) + np.outer(x[:3], x[:3]) * 0.0"])
        return [f"dm{k} = {M}", f"fe{k} = np.linalg.det(dm{k}) + np.linalg.det(dm{k} + np.eye(dm{k}.shape[0])) * 0.5"]

    def ft_handnorm(self, k):
        r, m = self.r, self.m
        zero = r.choice(["x - x", "x * 0.0", "W[0] - W[0]"])
        R = f"W * (np.arange({m}) > 0)[:, None]"  # its first row 0
        use = r.choice([f"np.sqrt(np.sum(hd{k} ** 2)) + np.sqrt(np.mean(x ** 2))",
                        f"np.sqrt(hd{k} @ hd{k}) * {self._c(0.5, 2)} + np.sqrt(np.sum(np.square(x)) / 2.0)",
                        f"np.sum(np.sqrt(np.sum(({R}) ** 2, axis=1))) + np.sqrt(np.sum(hd{k} * hd{k}))",
                        f"(np.sum(hd{k} ** 2) / {self._c(1, 3)}) ** 0.5 + np.sum(np.sqrt(({R})[:, 0] ** 2 + ({R})[:, -1] ** 2))"])
        return [f"hd{k} = {zero}", f"fe{k} = {use}"]

    def ft_gathers2(self, k):
        r, n, m = self.r, self.n, self.m
        i = [r.randrange(m) for _ in range(4)]
        j = [r.randrange(m) for _ in range(4)]
        use = r.choice([f"np.sum((ga{k}[:, :2] - gb{k}[:, :2]) ** 2 * ga{k}[:, -1:])",
                        f"np.sum(ga{k}[:, 0] * gb{k}[:, 1]) + np.sum(ga{k}[:, 1:] ** 2 - gb{k}[:, :-1])",
                        f"np.sum((ga{k}[:, ::2] - gb{k}[:, ::2]) ** 2) + np.sum(ga{k}[-1] * gb{k}[0])"])
        return [f"ga{k} = W[np.array({i})]", f"gb{k} = W[np.array({j})]", f"fe{k} = {use}"]

    def ft_dupidx(self, k):
        r, n = self.r, self.n
        idx = [r.randrange(n) for _ in range(2)] + [0]  # a repeated index: NumPy's last write wins,
        op = r.choice(["=", "+=", "*=", "-="])  # and `+=` adds once per index (not np.add.at)
        val = r.choice([f"x[:3] * {self._c()}", f"{self._c()}", f"x[::-1][:3] ** 2"])
        return [f"dy{k} = x * 1.0", f"dy{k}[np.array({idx})] {op} {val}",
                f"fe{k} = np.sum(dy{k} * np.arange(1.0, {n + 1}.0))"]

    def ft_helpermut(self, k):
        r = self.r
        self._gl(f"def _step{k}(v, g):\n    v *= {self._c(0.5, 0.95)}\n    v += g")
        g = r.choice([f"x * i{k}", f"np.tanh(x) * (i{k} + 1)", "x[::-1] * 0.5"])
        return [f"hv{k} = np.zeros_like(x)", f"for i{k} in range({r.randint(2, 4)}):", f"    _step{k}(hv{k}, {g})",
                f"fe{k} = np.sum(hv{k} * x)"]

    def ft_dataloop(self, k):
        r = self.r
        return r.choice([
            [f"dl{k} = x * 1.0", f"it{k} = 0", f"while np.sum(dl{k} ** 2) < {self._c(2, 6)} and it{k} < 8:",
             f"    dl{k} = dl{k} * 1.3 + 0.1", f"    it{k} += 1", f"fe{k} = np.sum(dl{k} * x)"],
            [f"dl{k} = x * 0.5", f"for i{k} in range(6):", f"    dl{k} = np.tanh(dl{k} + x * 0.3)",
             f"    if dl{k}[0] > {self._c(0.2, 0.8)}:", f"        break", "else:", f"    dl{k} = dl{k} * 2.0",
             f"fe{k} = np.sum(dl{k} ** 2)"],
            [f"sl{k} = 0.0", f"for v{k} in W[0]:", f"    if v{k} < {self._c(-0.8, 0.0)}:", f"        continue",
             f"    sl{k} = sl{k} * 0.5 + v{k} ** 2", f"fe{k} = sl{k} + np.sum(x) * 0.1"]])
