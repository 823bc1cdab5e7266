"""The `--profile features` snippets for what landed on 2026-12-02 (morning): itertools loops,
np.insert/np.delete, np.vectorize, scipy.signal/ndimage, chained index writes, np.linalg of stacks,
np.polynomial's series, `with np.errstate` and a `raise` on a run-time path, in-place sort/fill.
Each binds a scalar `fe<k>` from x (n,) and W (m, n), as gen_features.py's do."""
from __future__ import annotations

FEATURES3 = [
    ("itertools", 3), ("insdel", 3), ("vectorize", 2.5), ("signal", 2.5), ("chainwrite", 2), ("stacklinalg", 2),
    ("series", 1.5), ("errstate", 1.5), ("sortfill", 2),
]


class Features3Mixin:
    def ft_itertools(self, k):
        r, n, m = self.r, self.n, self.m
        return r.choice([[f"fe{k} = 0.0", f"for i, j in itertools.combinations(range({n}), 2):",
                          f"    fe{k} += (x[i] - x[j]) ** 2 * (i + 1)"],
                         [f"fe{k} = 0.0", "for a, b in itertools.combinations(W, 2):",
                          f"    fe{k} += np.sum(np.tanh(a * b))"],
                         [f"fe{k} = sum(x[i] * W[j % {m}, i] for i, j in itertools.permutations(range({n}), 2))"],
                         [f"fe{k} = 0.0", f"for i, j in itertools.product(range({m}), range({n})):",
                          f"    fe{k} += W[i, j] * x[j] * (i - j)"],
                         [f"fe{k} = 0.0", f"for (i, j), v in np.ndenumerate(W):", f"    fe{k} += v * x[j] * (i + 1)"],
                         [f"fe{k} = sum(a * b for a, b in itertools.product(x[:2], repeat=2))"]])

    def ft_insdel(self, k):
        r, n, m = self.r, self.n, self.m
        pos = r.choice([0, 1, -1, -n, n, -2 if n > 1 else 0])
        return r.choice([[f"ins{k} = np.insert(x, {pos}, {r.choice(['x[0] * 2.0', '0.5', 'W[0, :2]'])})",
                          f"fe{k} = np.sum(ins{k} * np.arange(ins{k}.shape[0]))"],
                         [f"ins{k} = np.insert(W, {r.choice([0, 1, -1, m])}, {r.choice(['0.3', 'x'])}, axis=0)",
                          f"fe{k} = np.sum(ins{k} * np.arange(ins{k}.size).reshape(ins{k}.shape))"],
                         [f"dl{k} = np.delete(W, {r.choice([0, -1, '[0, -1]' if n > 1 else '0'])}, axis=1)",
                          f"fe{k} = np.sum(dl{k} ** 2 * np.arange(dl{k}.size).reshape(dl{k}.shape))"],
                         [f"dl{k} = np.delete(x, {r.choice([0, -1])})", f"fe{k} = np.sum(np.tanh(dl{k}) * np.arange(dl{k}.size))"]])

    def ft_vectorize(self, k):
        r = self.r
        return r.choice([[f"vz{k} = np.vectorize(lambda a: a * a if a > 0 else 0.5 * a)",
                          f"fe{k} = np.sum(vz{k}(x) * np.arange(x.shape[0]))"],
                         [f"def pw{k}(a, b):", "    if a > b:", "        return a - b", "    return 0.0",
                          f"fe{k} = np.sum(np.vectorize(pw{k})(W, x))"],
                         [f"fe{k} = np.sum(np.vectorize(lambda a: 0 if a < 0 else a ** 2, otypes=[float])(x))"]])

    def ft_signal(self, k):
        r, n = self.r, self.n
        mode = r.choice(["full", "same", "valid"])
        return r.choice([[f"lf{k} = scipy.signal.lfilter([0.5, {self._c(-0.5, 0.5)}], [1.0, {self._c(-0.6, 0.6)}], x)",
                          f"fe{k} = np.sum(lf{k} * np.arange(lf{k}.shape[0]))"],
                         [f"cv{k} = scipy.signal.{r.choice(['convolve', 'correlate', 'fftconvolve'])}(x, "
                          f"{r.choice(['W[0, :2]', 'np.array([0.25, 0.5, 0.25])', 'W[0]'])}, mode={mode!r})",
                          f"fe{k} = np.sum(cv{k} * np.arange(cv{k}.shape[0]))"],
                         [f"gf{k} = scipy.ndimage.gaussian_filter(W, {r.choice(['0.7', '(0.5, 1.2)'])}, "
                          f"mode={r.choice(['reflect', 'nearest', 'wrap', 'mirror', 'constant'])!r})",
                          f"fe{k} = np.sum(gf{k} * np.arange(gf{k}.size).reshape(gf{k}.shape))"]])

    def ft_chainwrite(self, k):
        r, n, m = self.r, self.n, self.m
        return [f"cw{k} = W.copy()", f"for i in range({m}):", f"    cw{k}[i][{r.randrange(n)}] = x[{r.randrange(n)}] * (i + 1)",
                f"cw{k}[{m - 1}][0] += x[0] ** 2", f"fe{k} = np.sum(cw{k} * np.arange(cw{k}.size).reshape(cw{k}.shape))"]

    def ft_stacklinalg(self, k):
        r, n = self.r, self.n
        make = f"st{k} = np.stack([np.outer(x, x) + (j + 1.5) * np.eye({n}) for j in range(2)])"
        return r.choice([[make, f"fe{k} = np.sum(np.linalg.inv(st{k})) + np.sum(np.linalg.slogdet(st{k})[1])"],
                         [make, f"fe{k} = np.sum(np.linalg.solve(st{k}, x) * np.arange(1.0, {n + 1}.0))"],
                         [make, f"fe{k} = np.sum(np.linalg.eigvalsh(st{k}) ** 2) + np.sum(np.linalg.det(st{k}))"]])

    def ft_series(self, k):
        r = self.r
        fam = r.choice(["polynomial.polyval", "chebyshev.chebval", "legendre.legval", "hermite.hermval",
                        "hermite_e.hermeval", "laguerre.lagval"])
        return [f"fe{k} = np.sum(np.polynomial.{fam}(np.tanh(x), W[0, :3] if W.shape[1] >= 3 else W[0]))"]

    def ft_errstate(self, k):
        r = self.r
        return [f"with np.errstate(divide='ignore', invalid='ignore'):", f"    rt{k} = np.where(x != 0, np.sin(x) / x, 1.0)",
                f"if not np.isfinite(rt{k}).all():", "    raise ValueError('not finite')",
                f"fe{k} = np.sum(rt{k} ** 2)"]

    def ft_sortfill(self, k):
        r = self.r
        return r.choice([[f"sf{k} = W.copy()", f"sf{k}.sort(axis={r.choice([0, 1])})",
                          f"fe{k} = np.sum(sf{k} * np.arange(sf{k}.size).reshape(sf{k}.shape))"],
                         [f"sf{k} = W.copy()", f"sf{k}[0].sort()", f"sf{k}[-1].fill({self._c(-1, 1)})",
                          f"fe{k} = np.sum(sf{k} * np.arange(sf{k}.size).reshape(sf{k}.shape))"],
                         [f"fe{k} = sum(v * (i + 1) for i, v in enumerate(np.sort(x).tolist()))"]])
