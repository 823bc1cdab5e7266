"""The `--profile features` snippets of the tenth semantics hunt (2026-12-03): views and aliasing
written the way scientists write NumPy, and names bound to library functions. A view of a local
copy bound to a name and written in place (`v = y[1:]; v *= c`, `y[::-1][:2] += ...`, a column of
a 2-D copy, a reshape of a copy), then the base read; overlapping strided updates
(`y[::2] += y[1::2]`, `y[1:] -= y[:-1]`); `x.flatten()` written (a copy, unlike ravel); ufuncs with
`out=` a slice or the array itself (NumPy computes as if the inputs were copied first) and
np.copyto into a row; a module-level name (a global, a class attribute, a dict entry) bound to a
NumPy function that the oracle rebinds to another between its two calls (`ACT = np.tanh`, then
`np.sin`); reductions with negative and tuple axes, ddof, keepdims, np.linalg.norm with ord and
axis, np.diff(n=, axis=), np.take_along_axis, np.einsum with ellipsis. Each binds a scalar
`fe<k>` from x (n,) and W (m, n), as gen_features.py's do; arrays written are copies, never the
arguments. `overlapcopy` assigns a view of an array into an overlapping region of it (other steps,
through a transpose): NumPy copies element by element in its own order there, which adjit must
either match or refuse (d1636b5)."""
from __future__ import annotations

from .gen_features9 import pool as _pool9

FEATURES10 = [("viewname", 2.5), ("stridedupd", 2), ("flatcopy", 1), ("outslice", 2), ("libglobal", 2.5),
              ("axes10", 2.5), ("overlapcopy", 2.5)]

_FUNCS = ["np.tanh", "np.sin", "np.cos", "np.arctan", "np.exp", "np.square", "np.abs", "np.negative"]


def pool(others: list) -> list:
    """The snippets the profile draws from: the others' and these, or with ADJIT_FUZZ_FEATURES=10
    (a directed campaign) these alone."""
    import os

    if os.environ.get("ADJIT_FUZZ_FEATURES") == "10":
        return FEATURES10
    return _pool9(others) + ([] if os.environ.get("ADJIT_FUZZ_FEATURES") in ("6", "7", "8", "9") else FEATURES10)


class Features10Mixin:
    def ft_viewname(self, k):
        r, n, m = self.r, self.n, self.m
        c = self._c(0.3, 1.7)
        return r.choice([
            [f"vy{k} = x * 1.0", f"vv{k} = vy{k}[1:]", f"vv{k} *= {c}", f"fe{k} = np.sum(vy{k} ** 2) + vy{k}[0]"],
            [f"vy{k} = x * 1.0", f"vv{k} = vy{k}[::-1]", f"vv{k}[:2] += x[:2] * {c}",
             f"fe{k} = np.sum(vy{k} * np.arange(1.0, {n + 1}.0))"],
            [f"vY{k} = W.copy()", f"vc{k} = vY{k}[:, {r.randrange(n)}]", f"vc{k} -= {c} * vY{k}[:, 0].copy()",
             f"fe{k} = np.sum(vY{k} * W)"],
            [f"vY{k} = W * 1.0", f"vr{k} = vY{k}.reshape(-1)", f"vr{k}[{r.randrange(m * n)}] = {c}",
             f"fe{k} = np.sum(np.sin(vY{k}))"],
            [f"vY{k} = W * 1.0", f"vY{k}[{r.randrange(m)}] += vY{k}[{r.randrange(m)}] * {c}",
             f"fe{k} = np.sum(vY{k} ** 2)"],
            [f"vy{k} = x * 1.0", f"vv{k} = vy{k}[{r.randrange(n)}:]", f"vv{k}[...] = np.tanh(vv{k})",
             f"fe{k} = np.sum(vy{k} * x)"]])

    def ft_stridedupd(self, k):
        r, n = self.r, self.n
        op = r.choice(["+=", "-=", "*="])
        return r.choice([
            [f"sy{k} = x * 1.0", f"sy{k}[::2][:{n // 2}] {op} sy{k}[1::2][:{n // 2}]", f"fe{k} = np.sum(sy{k} ** 2)"],
            [f"sy{k} = x * 1.0", f"sy{k}[1:] {op} sy{k}[:-1]", f"fe{k} = np.sum(sy{k} * np.arange({n}.0))"],
            [f"sy{k} = x * 1.0", f"sy{k}[:-1] {op} sy{k}[1:] * {self._c()}", f"fe{k} = np.sum(np.sin(sy{k}))"],
            [f"sY{k} = W * 1.0", f"sY{k}[1:] {op} sY{k}[:-1] * {self._c()}", f"fe{k} = np.sum(sY{k} ** 2)"],
            [f"sY{k} = W * 1.0", f"sY{k}[:, 1:] {op} sY{k}[:, :-1]", f"fe{k} = np.sum(sY{k} * W)"]])

    def ft_flatcopy(self, k):
        r = self.r
        src = r.choice(["W", "W.T", "W[:, ::-1]"])
        return [f"fc{k} = {src}.flatten()", f"fc{k}[1:] += fc{k}[:-1] * {self._c()}",
                f"fe{k} = np.sum(fc{k} ** 2) + np.sum({src} * W.sum())"]

    def ft_outslice(self, k):
        r, n = self.r, self.n
        h = n // 2
        return r.choice([
            [f"oy{k} = x * 1.0", f"np.add(oy{k}[1:], oy{k}[:-1], out=oy{k}[1:])", f"fe{k} = np.sum(oy{k} ** 2)"],
            [f"oy{k} = x * 1.0", f"np.multiply(oy{k}[:{h}], oy{k}[{n - h}:], out=oy{k}[{n - h}:])",
             f"fe{k} = np.sum(oy{k} * x)"],
            [f"oy{k} = x * 1.0", f"{r.choice(_FUNCS[:4])}(oy{k}[::2], out=oy{k}[::2])", f"fe{k} = np.sum(oy{k} * x)"],
            [f"oy{k} = np.zeros_like(x)", f"np.clip(x, {self._c(-0.9, -0.1)}, {self._c(0.1, 0.9)}, out=oy{k})",
             f"fe{k} = np.sum(oy{k} * x)"],
            [f"oY{k} = W * 1.0", f"np.copyto(oY{k}[0], W[-1] * {self._c()})", f"fe{k} = np.sum(oY{k} ** 2)"],
            [f"oy{k} = x * 1.0", f"np.add(oy{k}, oy{k}[::-1], out=oy{k})", f"fe{k} = np.sum(oy{k} * np.arange({n}.0))"]])

    def ft_libglobal(self, k):
        r = self.r
        f1, f2 = r.sample(_FUNCS[:5], 2)
        how = r.random()
        if how < 0.4:
            self._gl(f"ACT{k} = {f1}")
            self._mut(f"ACT{k} = {f2}")
            use = f"ACT{k}"
        elif how < 0.7:
            self._gl(f"class Acts{k}:\n    f = staticmethod({f1})")
            self._mut(f"Acts{k}.f = staticmethod({f2})")
            use = f"Acts{k}.f"
        else:
            self._gl(f"ACTS{k} = {{'a': {f1}, 'b': np.tanh}}")
            self._mut(f"ACTS{k}['a'] = {f2}")
            use = f"ACTS{k}['a']"
        return r.choice([[f"fe{k} = np.sum({use}(x * 0.5) ** 2)"],
                         [f"fe{k} = np.sum({use}(W @ x * 0.3))"],
                         [f"la{k} = {use}", f"fe{k} = np.sum(la{k}(x[::-1]) * x)"]])

    def ft_axes10(self, k):
        r, n = self.r, self.n
        return r.choice([
            [f"fe{k} = np.sum(np.var(W, axis=-1, ddof=1)) + np.sum(np.std(W, axis=0, keepdims=True) * W)"],
            [f"fe{k} = np.sum(np.mean(W, axis=(0, -1), keepdims=True) * W) + np.sum(W.sum(axis=-2) ** 2)"],
            [f"fe{k} = np.sum(np.linalg.norm(W + 2.0, ord={r.choice([1, 2, 3, 'np.inf'])}, axis={r.choice([0, -1])}))"],
            [f"fe{k} = np.sum(np.diff(W, n={r.choice([1, 2]) if n > 2 else 1}, axis=-1) ** 2) + np.sum(np.diff(x, prepend=0.0) * x)"],
            [f"ta{k} = np.argsort(W, axis=-1)", f"fe{k} = np.sum(np.take_along_axis(W, ta{k}, axis=-1) * np.arange({n}.0))"],
            [f"fe{k} = np.einsum('...j,j->...', W, x).sum() + np.einsum('ij,ij->i', W, W).sum()"],
            [f"fe{k} = np.sum(np.cumsum(W, axis=-1) * W) + np.sum(np.cumprod(W * 0.5 + 1.0, axis=0)[-1])"],
            [f"fe{k} = np.sum(np.where(W[:, :1] > 0, W, W * W)) + np.sum(np.clip(W, W[:1] - 0.1, 0.5 + W[:1] * 0.0 + 0.2))"]])

    def ft_overlapcopy(self, k):
        r, n, m = self.r, self.n, self.m
        if r.random() < 0.6:
            while True:  # two slices of x's axis of one length, the value's at another step or direction
                sd, ss = r.choice([1, 1, 2, -1]), r.choice([1, 2, -1, -2, 3])
                a, b = r.randrange(n), r.randrange(n)
                dpos, spos = list(range(n))[a::sd], list(range(n))[b::ss]
                ln = min(len(dpos), len(spos))
                if ln >= 2:
                    break
            def text(start, step, ln):
                stop = start + step * ln
                return f"{start}:{'' if stop < 0 else stop}:{step}"
            return [f"oc{k} = x * 1.0", f"oc{k}[{text(a, sd, ln)}] = oc{k}[{text(b, ss, ln)}]",
                    f"fe{k} = np.sum(oc{k} * np.arange(1.0, {n + 1}.0))"]
        q = min(m, n)
        i, j = r.randrange(q), r.randrange(q)
        return r.choice([[f"oC{k} = W * 1.0", f"oC{k}[{i}, :{q}] = oC{k}.T[{j}, :{q}]", f"fe{k} = np.sum(oC{k} * W)"],
                         [f"oC{k} = W * 1.0", f"oC{k}[{i}, :{q}] = oC{k}[:{q}, {j}]", f"fe{k} = np.sum(oC{k} * W)"],
                         [f"oC{k} = W * 1.0", f"oT{k} = oC{k}.T", f"oC{k}[:{q}, {i}] = oT{k}[:{q}, {j}][::-1]",
                          f"fe{k} = np.sum(oC{k} ** 2)"]])
