"""The `--profile features` snippets for the afternoon's constructs of 2026-12-02 (the generators
wrote none of them before): item writes into Python lists (literals, lists grown by .append,
comprehensions, slices, swaps, writes in unrolled loops and through an item, `hs[0][i] = v`),
writes through named views (`r = Wc[i]; r[j] = v`, `top = Wc[:2, :2]; top += ...`, chained
`Wc[1:3][0] = v`, views of views), NumPy 2's spellings (np.vecdot of complex vectors,
np.unstack, np.cumulative_sum/prod with include_initial, matrix_norm / vector_norm), cdist and
pdist metrics (minkowski p = inf, float32 observations), np.average(returned=True), shape tuples
sliced and joined, and complex values whose zero parts carry a sign (np.angle(a - 1j * b) on the
negative real axis). Each binds a scalar `fe<k>` from x (n,) and W (m, n), as gen_features.py's
do; arrays written are copies, never the arguments."""
from __future__ import annotations

FEATURES5 = [
    ("listwrite", 3), ("listloop", 2), ("viewwrite", 3), ("chainview", 1.5), ("np2", 2), ("spatial", 1.5),
    ("avgret", 1), ("shapeslice", 1), ("signedzero", 1.5),
]


class Features5Mixin:
    def ft_listwrite(self, k):
        r, n = self.r, self.n
        i, j = r.randrange(-3, 3), r.randrange(-3, 3)
        build = r.choice([f"hs{k} = [x[0], x[{n - 1}] * 2.0, np.tanh(x[1])]",
                          f"hs{k} = [x[:2], x[1:3] * {self._c()}, np.sin(x[-2:])]",
                          f"hs{k} = []\nfor q{k} in range(3):\n    hs{k}.append(np.tanh(x[q{k}] * {self._c(0.5, 2)}))",
                          f"hs{k} = [x[q{k}] ** 2 + {self._c()} for q{k} in range(3)]"])
        write = r.choice([f"hs{k}[{i}] = hs{k}[{j}] * {self._c(0.5, 2)} + x[{r.randrange(n)}]",
                          f"hs{k}[{i}] += hs{k}[{j}]",
                          f"hs{k}[{i}], hs{k}[{j}] = hs{k}[{j}], hs{k}[{i}] * 2.0",
                          f"hs{k}[1:2] = [x[0] * 3.0, x[1]]\nhs{k}[-1] = hs{k}[0] - hs{k}[1]",
                          f"hs{k}[0:0] = [x[{r.randrange(n)}]]"])
        return build.split("\n") + write.split("\n") + \
            [f"fe{k} = sum(np.sum(h{k}) * (c{k} + 1) for c{k}, h{k} in enumerate(hs{k}))"]

    def ft_listloop(self, k):
        r, n = self.r, self.n
        return r.choice([[f"ws{k} = [W[0] * 1.0, W[-1] + 0.5, x * 2.0]",
                          f"for q{k} in range(len(ws{k})):", f"    ws{k}[q{k}] = np.cos(ws{k}[q{k}]) * (q{k} + 1)",
                          f"fe{k} = np.sum(ws{k}[0] * ws{k}[2]) + np.sum(ws{k}[1])"],
                         [f"ps{k} = [x[:2] * 1.0, x[-2:] + 1.0]",
                          f"for q{k}, p{k} in enumerate(ps{k}):", f"    ps{k}[q{k}] = p{k} / (1.0 + np.sum(p{k} * p{k}))",
                          f"fe{k} = np.sum(ps{k}[0] * ps{k}[1])"],
                         [f"vs{k} = [x[0], x[1], x[2]]", f"for w{k} in [{self._c(0.3, 1)}, 2.0]:",
                          f"    vs{k}[0] = vs{k}[0] * w{k} + vs{k}[2]", f"    if vs{k}[0] > {self._c(0, 1.5)}:",
                          f"        break", f"fe{k} = vs{k}[0] + 2.0 * vs{k}[1] + 3.0 * vs{k}[2]"],
                         [f"ac{k} = [0.0] * 3", f"for q{k} in range({n}):", f"    ac{k}[q{k} % 3] += x[q{k}]",
                          f"fe{k} = ac{k}[0] * ac{k}[1] + ac{k}[2]"],
                         [f"rs{k} = [np.zeros({n}), x * 2.0]", f"for q{k} in range({min(n, 3)}):",
                          f"    rs{k}[0][q{k}] = x[q{k}] * W[0, q{k}]", f"rs{k}[1][1:3] = x[:2] ** 2",
                          f"fe{k} = np.sum(rs{k}[0] * rs{k}[1])"]])

    def ft_viewwrite(self, k):
        r, n, m = self.r, self.n, self.m
        i, j = r.randrange(-m, m), r.randrange(-n, n)
        view = r.choice([f"Wc{k}[{i}]", f"Wc{k}[:, {j}]", f"Wc{k}[{i}, 1:]", f"Wc{k}[::-1]", f"Wc{k}[:2, :2]",
                         f"Wc{k}.T"])
        write = r.choice([f"v{k}[{r.choice([0, -1])}] = {self._c()}", f"v{k} += {self._c()}",
                          f"v{k} *= x[{r.randrange(n)}]", f"v{k}[...] = np.tanh(v{k})", f"v{k}[:] = 0.5 * v{k}[:]"])
        read = r.choice(["", f" + np.sum(v{k}) * 2.0", f" + np.sum(v{k} * v{k})"])
        return [f"Wc{k} = W * {self._c(0.5, 1.5)}", f"v{k} = {view}", *write.split("\n"),
                f"fe{k} = np.sum(Wc{k} * {self._weights(f'Wc{k}')}){read}"]

    def ft_chainview(self, k):
        r, n, m = self.r, self.n, self.m
        return r.choice([[f"Wc{k} = W * 1.0", f"Wc{k}[1:][0] = x * {self._c()}",
                          f"fe{k} = np.sum(Wc{k} * {self._weights(f'Wc{k}')})"],
                         [f"Wc{k} = W + 0.0", f"u{k} = Wc{k}[:, 1:]", f"t{k} = u{k}[{r.randrange(m)}]",
                          f"t{k}[0] = x[0] * 3.0", f"fe{k} = np.sum(Wc{k} * {self._weights(f'Wc{k}')})"],
                         [f"xc{k} = x * 1.0", f"h{k} = xc{k}[::-1]", f"h{k}[1:3] += 1.0",
                          f"fe{k} = np.sum(xc{k} * np.arange({n}.0))"]])

    def ft_np2(self, k):
        r, n, m = self.r, self.n, self.m
        return r.choice([[f"a{k} = x[:2] + 1j * x[-2:]", f"vd{k} = np.vecdot(a{k}, a{k} * (1 - 2j))",
                          f"fe{k} = vd{k}.real + 2.0 * vd{k}.imag"],
                         [f"fe{k} = np.sum(np.vecdot(W, W[::-1]) * np.arange({m}.0))"],
                         [f"us{k} = np.unstack(W)", f"fe{k} = np.sum(us{k}[0] * us{k}[-1])"],
                         [f"cs{k} = np.cumulative_sum(W, axis={r.choice([0, 1, -1])}, include_initial={r.choice([True, False])})",
                          f"fe{k} = np.sum(cs{k} * {self._weights(f'cs{k}')})"],
                         [f"fe{k} = np.linalg.matrix_norm(W, ord={r.choice(['1', 'np.inf', repr('fro')])}) + "
                          f"np.sum(np.linalg.vector_norm(W, axis={r.choice([0, 1])}, ord={r.choice(['1', '2', 'np.inf'])}))"]])

    def ft_spatial(self, k):
        r, m = self.r, self.m
        metric = r.choice(["euclidean", "sqeuclidean", "cityblock", "chebyshev", "cosine", "correlation", "minkowski"])
        p = f", p={r.choice(['1', '3', 'np.inf', '2.5'])}" if metric == "minkowski" else ""
        return [f"from scipy.spatial.distance import cdist as cd{k}, pdist as pd{k}",
                f"D{k} = cd{k}(W{r.choice(['', '.astype(np.float32)'])}, W[::-1] + 0.3, {metric!r}{p})",
                f"fe{k} = np.sum(D{k} * {self._weights(f'D{k}')}) + np.sum(pd{k}(W, {metric!r}{p}) * np.arange({m * (m - 1) // 2}.0))"]

    def ft_avgret(self, k):
        r, n, m = self.r, self.n, self.m
        axis = r.choice([0, 1])
        w = r.choice(["", f", weights=np.arange(1.0, {(m if axis == 0 else n) + 1})"])
        return [f"av{k}, sw{k} = np.average(W, axis={axis}{w}, returned=True)",
                f"fe{k} = np.sum(av{k} * sw{k}) + np.sum(av{k})"]

    def ft_shapeslice(self, k):
        r, n, m = self.r, self.n, self.m
        return r.choice([[f"Z{k} = np.zeros(W.shape[:-1] + (2,)) + W[:, :1]", f"fe{k} = np.sum(Z{k} * {self._weights(f'Z{k}')})"],
                         [f"a{k}, b{k} = W.shape", f"fe{k} = np.sum(W.reshape(a{k} * b{k}) * np.arange({m * n}.0))"],
                         [f"fe{k} = np.sum(W.T.reshape(W.shape[::-1]) * W.T) + len(W.shape[1:])"]])

    def ft_signedzero(self, k):
        r, n = self.r, self.n
        zero = r.choice([f"x[:2] * 0.0", f"np.minimum(x[:2], 0.0) * 0.0", f"np.zeros(2)"])
        z = r.choice([f"-(1.5 + x[:2] ** 2) - 1j * ({zero})", f"(-(1.5 + x[:2] ** 2) + 1j * ({zero})) * 2.0",
                      f"np.conj(-(1.5 + x[:2] ** 2) + 0j)"])
        f = r.choice([f"np.angle(z{k})", f"np.sqrt(z{k}).imag", f"np.log(z{k}).imag", f"(z{k} ** 0.5).imag"])
        return [f"z{k} = {z}", f"fe{k} = np.sum({f} * x[:2])"]
