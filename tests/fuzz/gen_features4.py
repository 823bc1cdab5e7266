"""The `--profile features` snippets for the constructs of the two days before the third hunt
(2026-12-02) that gen_features3.py does not write: np.unravel_index / ravel_multi_index,
np.resize, np.partition, math.floor/ceil, reductions with dtype= / initial= / where=, tolist,
a boolean mask among ints and slices (read and written), np.diff with prepend/append, sparse
meshgrids, np.isin, np.apply_along_axis, np.histogram, np.gradient, scipy.linalg's structured
matrices (also of a 2-D argument), np.rot90 / flips, sorted/max with key=, np.fmod / modf,
np.nanmedian / nanquantile, helpers that write their argument in place, np.ndindex /
ndenumerate, gaussian_filter1d along an axis. Each binds a scalar `fe<k>` from x (n,) and
W (m, n), as gen_features.py's do."""
from __future__ import annotations

FEATURES4 = [
    ("unravel", 1.5), ("resize", 1), ("partition", 1), ("floorceil", 1), ("reducekw", 2), ("tolist", 1),
    ("maskmix", 2.5), ("diffpa", 1.5), ("sparsegrid", 1), ("isin", 1), ("alongaxis", 1.5), ("histogram", 1.5),
    ("npgradient", 1.5), ("structured", 2), ("rotflip", 1), ("keysort", 1.5), ("fmodf", 1), ("nanstats", 1.5),
    ("procedure", 2), ("ndloops", 1.5), ("gauss1d", 1),
]


class Features4Mixin:
    def _weights(self, name: str) -> str:
        return f"np.arange({name}.size).reshape({name}.shape)"

    def ft_unravel(self, k):
        r, n, m = self.r, self.n, self.m
        order = r.choice(["C", "F"])
        return r.choice([[f"ui{k}, uj{k} = np.unravel_index(np.argmax(W), W.shape, order={order!r})",
                          f"fe{k} = W[ui{k}, uj{k}] * (ui{k} + 1) + x[uj{k}] * (uj{k} - ui{k})"],
                         [f"ui{k}, uj{k} = np.unravel_index(np.array([0, {m * n - 1}, {r.randrange(m * n)}]), "
                          f"({m}, {n}))", f"fe{k} = np.sum(W[ui{k}, uj{k}] * (ui{k} + 2 * uj{k} + 1))"],
                         [f"rm{k} = np.ravel_multi_index(({r.randrange(m)}, np.argmin(x)), ({m}, {n}), order={order!r})",
                          f"fe{k} = {'W.T' if order == 'F' else 'W'}.ravel()[rm{k}] * (rm{k} + 1)"]])

    def ft_resize(self, k):
        r, n = self.r, self.n
        size = r.choice([2, n + 1, 2 * n + 1, (2, n + 2)])
        return [f"rs{k} = np.resize(np.sin(x), {size})", f"fe{k} = np.sum(rs{k} * {self._weights(f'rs{k}')})"]

    def ft_partition(self, k):
        r, n = self.r, self.n
        kth = r.choice([0, 1, -1, n - 1])
        return r.choice([[f"pt{k} = np.partition(x * W[0], {kth})", f"fe{k} = pt{k}[{kth}] * 2.0 + np.sum(pt{k}[:{kth}] if {kth} > 0 else 0.0)"],
                         [f"ap{k} = np.argpartition(x, {kth})", f"fe{k} = x[ap{k}[{kth}]] * 3.0"],
                         [f"pt{k} = np.partition(W, {r.choice([0, -1])}, axis={r.choice([0, -1, None])})",
                          f"fe{k} = np.sum(pt{k}.ravel()[:1]) + np.max(pt{k})"]])

    def ft_floorceil(self, k):
        r, n = self.r, self.n
        f = r.choice(["floor", "ceil", "trunc"])
        return [f"fc{k} = math.{f}(x[0] * {self._c(1, 4)} + {self._c(-2, 2)})",
                f"fe{k} = x[fc{k} % {n}] * fc{k} + W[0, abs(fc{k}) % {n}]"]

    def ft_reducekw(self, k):
        r = self.r
        axis = r.choice(["None", "0", "1", "-1"])
        return r.choice([[f"fe{k} = np.sum(np.max(W, axis={axis}, initial={self._c()}) * 1.0) + np.min(x, initial={self._c()})"],
                         [f"fe{k} = np.sum(np.sum(W, axis={axis}, initial={self._c()}, keepdims=True) * W[0])"],
                         [f"fe{k} = np.sum(W.sum(axis={axis}, dtype=np.float64)) + x.mean(dtype=np.float64)"],
                         [f"fe{k} = np.sum(np.sum(W, axis={axis}, where=W > {self._c()})) + np.mean(x, where=x < {self._c(0.5, 1)})"],
                         [f"fe{k} = np.sum(np.prod(W, axis={axis}, dtype=np.float64)) + np.mean(W, axis={axis}).sum()"]])

    def ft_tolist(self, k):
        r = self.r
        return r.choice([[f"tl{k} = x.tolist()", f"fe{k} = sum(v * v * (i + 1) for i, v in enumerate(tl{k}))"],
                         [f"tl{k} = W.tolist()", f"fe{k} = tl{k}[-1][0] * tl{k}[0][-1] + sum(tl{k}[0])"]])

    def ft_maskmix(self, k):
        r, n, m = self.r, self.n, self.m
        i, c = r.randrange(m), self._c()
        return r.choice([[f"mm{k} = x > {c}", f"fe{k} = np.sum(W[{i}, mm{k}] ** 2) + np.sum(W[:, mm{k}] * 0.5)"],
                         [f"mm{k} = x > {c}", f"mw{k} = W.copy()", f"mw{k}[{i}, mm{k}] = {self._c()}",
                          f"mw{k}[:, mm{k}] *= x[0]", f"fe{k} = np.sum(mw{k} * {self._weights(f'mw{k}')})"],
                         [f"mm{k} = W[:, 0] > {c}", f"mw{k} = W.copy()", f"mw{k}[mm{k}, {r.randrange(n)}] += x[1]",
                          f"fe{k} = np.sum(mw{k} * {self._weights(f'mw{k}')}) + np.sum(W[mm{k}, -1])"],
                         [f"mm{k} = x > {c}", f"mw{k} = W.copy()", f"mw{k}[{i}, mm{k}] = 2.0 * mw{k}[{i}, mm{k}] + 1.0",
                          f"fe{k} = np.sum(mw{k} ** 2)"]])

    def ft_diffpa(self, k):
        r = self.r
        return r.choice([[f"df{k} = np.diff(x, prepend={r.choice(['0.5', 'x[0]', 'x[-1:] * 2.0'])}, "
                          f"append={r.choice(['x[0] * 3.0', '-1.0', 'x[:2]'])})",
                          f"fe{k} = np.sum(df{k} * np.arange(df{k}.shape[0]))"],
                         [f"df{k} = np.diff(W, axis={r.choice([0, 1, -1])}, n={r.choice([1, 2])}, prepend=0.0)",
                          f"fe{k} = np.sum(df{k} * {self._weights(f'df{k}')})"]])

    def ft_sparsegrid(self, k):
        r = self.r
        ij = r.choice(["xy", "ij"])
        return [f"ga{k}, gb{k} = np.meshgrid(x, W[0, :2], sparse=True, indexing={ij!r})",
                f"gg{k} = np.sin(ga{k}) * gb{k} + ga{k} ** 2", f"fe{k} = np.sum(gg{k} * {self._weights(f'gg{k}')})"]

    def ft_isin(self, k):
        r, n = self.r, self.n
        return r.choice([[f"mi{k} = np.isin(np.arange({n}) % 3, [0, {r.randrange(3)}], invert={r.choice([True, False])})",
                          f"fe{k} = np.sum(np.where(mi{k}, x, x ** 2))"],
                         [f"mi{k} = np.isin(np.round(x * 2.0) / 2.0, np.array([-0.5, 0.0, 0.5]))",
                          f"fe{k} = np.sum(x * mi{k})"]])

    def ft_alongaxis(self, k):
        r = self.r
        ax = r.choice([0, 1, -1])
        return r.choice([[f"aa{k} = np.apply_along_axis(lambda v: np.sum(v ** 2) - v[0], {ax}, W)",
                          f"fe{k} = np.sum(aa{k} * np.arange(aa{k}.shape[0]))"],
                         [f"aa{k} = np.apply_along_axis(np.cumsum, {ax}, W)",
                          f"fe{k} = np.sum(aa{k} * {self._weights(f'aa{k}')})"],
                         [f"aa{k} = np.apply_along_axis(lambda v: v[:2] * v[-1], {ax}, W)",
                          f"fe{k} = np.sum(aa{k} * {self._weights(f'aa{k}')})"]])

    def ft_histogram(self, k):
        r = self.r
        bins = r.choice(["3", "4", "np.array([-1.0, -0.2, 0.3, 1.0])"])
        return r.choice([[f"hc{k}, he{k} = np.histogram(x, bins={bins})",
                          f"fe{k} = np.sum(hc{k} * np.arange(hc{k}.shape[0])) * x[0] + np.sum(he{k} ** 2)"],
                         [f"hc{k}, he{k} = np.histogram(np.arange(x.shape[0]) * 1.0, bins={bins}, weights=x)",
                          f"fe{k} = np.sum(hc{k} * np.arange(hc{k}.shape[0]))"],
                         [f"hc{k}, he{k} = np.histogram(x, bins={bins}, range=(-1.0, 1.0), density=True)",
                          f"fe{k} = np.sum(hc{k} * np.arange(hc{k}.shape[0])) + np.sum(he{k})"]])

    def ft_npgradient(self, k):
        r = self.r
        return r.choice([[f"ng{k} = np.gradient(x, {r.choice(['0.5', 'np.cumsum(np.arange(1.0, x.shape[0] + 1.0))'])}"
                          f"{r.choice(['', ', edge_order=2'])})", f"fe{k} = np.sum(ng{k} * np.arange(ng{k}.shape[0]))"],
                         [f"ng{k} = np.gradient(W, axis={r.choice([0, 1, -1])})" if self.m > 1 else f"ng{k} = np.gradient(W, axis=1)",
                          f"fe{k} = np.sum(ng{k} * {self._weights(f'ng{k}')})"]])

    def ft_structured(self, k):
        r = self.r
        which = r.choice(["sla.toeplitz(x)", "sla.toeplitz(x, W[0, :2])", "sla.circulant(x)", "sla.hankel(x)",
                          "sla.hankel(x, W[0])", "sla.block_diag(W, x[:2], 0.5)", "sla.toeplitz(W)", "sla.circulant(W)",
                          "sla.toeplitz(W, x)"])
        self._gl("import scipy.linalg as sla")
        return [f"sm{k} = {which}", f"fe{k} = np.sum(np.tanh(sm{k}) * {self._weights(f'sm{k}')})"]

    def ft_rotflip(self, k):
        r = self.r
        return [f"rf{k} = {r.choice(['np.rot90(W)', 'np.rot90(W, 2)', 'np.rot90(W, -1)', 'np.rot90(W, 3, axes=(1, 0))', 'np.fliplr(W)', 'np.flipud(W)'])}",
                f"fe{k} = np.sum(rf{k} * {self._weights(f'rf{k}')})"]

    def ft_keysort(self, k):
        r = self.r
        key = r.choice(["abs", "lambda v: (v - 0.2) ** 2", "lambda v: -v"])
        return r.choice([[f"ks{k} = sorted([x[0], x[1], x[-1], W[0, 0]], key={key}, reverse={r.choice([True, False])})",
                          f"fe{k} = ks{k}[0] + 2.0 * ks{k}[1] + 3.0 * ks{k}[-1]"],
                         [f"fe{k} = max([x[0], x[1], W[-1, 0]], key={key}) - 2.0 * min([x[-1], x[1]], key={key})"]])

    def ft_fmodf(self, k):
        r = self.r
        return r.choice([[f"fe{k} = np.sum(np.fmod(x * {self._c(2, 5)}, {r.choice(['1.5', '-1.5', 'W[0]'])}) * np.arange(x.shape[0]))"],
                         [f"mf{k}, mi{k} = np.modf(W * {self._c(1, 4)})", f"fe{k} = np.sum(mf{k} * mi{k}) + np.sum(mf{k} ** 2)"],
                         [f"fe{k} = np.sum(np.fmod(np.arange(-3, 3), 4) * x[0])"]])

    def ft_nanstats(self, k):
        r = self.r
        q = self._c(0.05, 0.95)
        return [f"nw{k} = np.where(W > {self._c(0, 1.2)}, np.nan, W)",
                r.choice([f"ns{k} = np.nanmedian(nw{k}, axis={r.choice([0, 1])})",
                          f"ns{k} = np.nanquantile(nw{k}, {q}, axis={r.choice([0, 1])})",
                          f"ns{k} = np.nanpercentile(nw{k}, {float(q) * 100:.1f}, axis=1)"]),
                f"fe{k} = np.sum(np.where(np.isnan(ns{k}), 0.0, ns{k}) * np.arange(1, ns{k}.shape[0] + 1))"]

    def ft_procedure(self, k):
        r, n = self.r, self.n
        self._gl(f"def bump{k}(a, i, v):\n    a[i] += v\n")
        self._gl(f"def scale{k}(a, s):\n    a *= s\n")
        return r.choice([[f"pr{k} = x.copy()", f"bump{k}(pr{k}, {r.randrange(n)}, W[0, 0] * 2.0)", f"scale{k}(pr{k}, x[1])",
                          f"fe{k} = np.sum(pr{k} * np.arange({n}))"],
                         [f"pr{k} = W.copy()", f"for i in range(W.shape[0]):", f"    bump{k}(pr{k}, i, x * (i + 1))",
                          f"fe{k} = np.sum(pr{k} * {self._weights(f'pr{k}')})"]])

    def ft_ndloops(self, k):
        r = self.r
        return r.choice([[f"fe{k} = 0.0", f"for (i, j), v in np.ndenumerate(W):", f"    fe{k} += v * x[j] * (i - j + 0.5)"],
                         [f"fe{k} = 0.0", "for i, j in np.ndindex(W.shape):", f"    fe{k} += np.tanh(W[i, j] * x[j]) * (i + 1)"]])

    def ft_gauss1d(self, k):
        r = self.r
        return [f"gd{k} = scipy.ndimage.gaussian_filter1d(W, {self._c(0.5, 2)}, axis={r.choice([0, 1, -1])}, "
                f"mode={r.choice(['reflect', 'nearest', 'wrap', 'mirror', 'constant'])!r})",
                f"fe{k} = np.sum(gd{k} * {self._weights(f'gd{k}')})"]
