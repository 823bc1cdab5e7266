"""The `--profile features` snippets of the ninth semantics hunt (2026-12-03): constructs of the
last two sessions. A module-level object whose class defines `__call__` (a layer called as
`layer(x)` and through a method), whose weights or settings the oracle changes between its two
calls; `*args`/`**kwargs` helpers and starred items in displays (`np.array([*x[:2], 1.0])`,
`(*x[:2], v)`); enumerate/zip as values, max/min/sorted(key=) of pairs, sorted(x.tolist());
np.log/np.sqrt of an array with an exact zero at a place no slice or element reads (`l[1:]`,
`l[2]`: the cotangent's zero there must survive log's infinite derivative); np.unique with
return_inverse/counts, set operations and np.bincount of integer arrays computed from the data,
np.concatenate of a list appended in a loop, np.logaddexp.accumulate; list(x).pop/insert/reverse,
a while over a Python list, defaultdict/OrderedDict. Each binds a scalar `fe<k>` from x (n,) and
W (m, n), as gen_features.py's do."""
from __future__ import annotations

from .gen_features8 import pool as _pool8

FEATURES9 = [("callobj", 2.5), ("starargs", 1.5), ("pairs", 2), ("slicezero", 2), ("setops", 2),
             ("listmeth9", 1.5)]


def pool(others: list) -> list:
    """The snippets the profile draws from: the others' and these, or with ADJIT_FUZZ_FEATURES=9
    (a directed campaign) these alone."""
    import os

    if os.environ.get("ADJIT_FUZZ_FEATURES") == "9":
        return FEATURES9
    return _pool8(others) + ([] if os.environ.get("ADJIT_FUZZ_FEATURES") in ("6", "7", "8") else FEATURES9)


class Features9Mixin:
    def ft_callobj(self, k):
        r, n, m = self.r, self.n, self.m
        self._gl(f"class Cell{k}:\n    GAIN = {self._c(0.3, 1.2)}\n\n    def __init__(self, w, b):\n        self.w = w\n"
                 f"        self.b = b\n        self.k = {self._c(0.5, 2)}\n\n    def __call__(self, v):\n"
                 f"        return np.tanh(self.w @ v + self.b) * self.k * self.GAIN\n\n"
                 f"    def energy(self, v):\n        return np.sum(self(v) ** 2)")
        self._gl(f"CELL{k} = Cell{k}(np.linspace({self._c(-1, 0)}, {self._c(0, 1)}, {m * n}).reshape({m}, {n}), "
                 f"np.zeros({m}))")
        self._mut(r.choice([f"CELL{k}.b[{r.randrange(m)}] = {self._c()}", f"CELL{k}.k = {self._c(-2, -0.3)}",
                            f"CELL{k}.w = CELL{k}.w * {self._c(0.2, 1.5)}", f"Cell{k}.GAIN = {self._c(1.5, 3)}",
                            f"CELL{k}.w[0, 0] = {self._c()}"]))
        return r.choice([f"fe{k} = CELL{k}.energy(x) + np.sum(CELL{k}(x * 0.5))",
                         f"fe{k} = float(np.sum(CELL{k}(x)) * CELL{k}.k)",
                         f"cl{k} = [CELL{k}, CELL{k}]\nfe{k} = sum(np.sum(c(x)) for c in cl{k})"]).split("\n")

    def ft_starargs(self, k):
        r = self.r
        self._gl(f"def sa{k}(*vs, scale=1.0, **kw):\n    s = 0.0\n    for v in vs:\n        s = s + np.sum(v ** 2)\n"
                 f"    return s * scale + kw.get('bias', 0.0)")
        return r.choice([
            [f"fe{k} = sa{k}(x, x[:2], x[0]) + sa{k}(*[x, W[0]], scale=0.5)"],
            [f"pt{k} = (x[:1], x[1:])", f"fe{k} = sa{k}(*pt{k}, bias=x[0]) + sa{k}(**{{'scale': 2.0}})"],
            [f"st{k} = np.array([*x[:2], 1.0])", f"fe{k} = np.sum(st{k} * np.arange(3.0)) + st{k}[-1] * x[0]"],
            [f"tu{k} = (*x[:2], x[-1] * 2)", f"fe{k} = tu{k}[0] * tu{k}[2] + tu{k}[1] ** 2"],
            [f"li{k} = [*x[1:3], x[0] * 2, *[x[0], W[0, 0]]]", f"fe{k} = sum(li{k}) * li{k}[2] + len(li{k})"],
            [f"em{k} = np.array([])", f"fe{k} = np.sum(np.concatenate([em{k}, x]) ** 2) + em{k}.size"]])

    def ft_pairs(self, k):
        r = self.r
        return r.choice([
            [f"pr{k} = list(enumerate(x))", f"fe{k} = sum(i * v ** 2 for i, v in pr{k})"],
            [f"pz{k} = list(zip(x, x[::-1] * 1.3))", f"fe{k} = sum(a * b for a, b in pz{k}) + pz{k}[1][0] * pz{k}[0][1]"],
            [f"bm{k} = max(enumerate(x), key=lambda p: p[1])", f"fe{k} = bm{k}[1] * 2 + bm{k}[0]"],
            [f"bn{k} = min(zip(x, W[0]), key=lambda t: t[0] + t[1])", f"fe{k} = bn{k}[0] * bn{k}[1]"],
            [f"so{k} = sorted(x.tolist())", f"fe{k} = so{k}[0] * so{k}[-1] + so{k}[1]"],
            [f"sr{k} = sorted(list(x), key=lambda v: -v)", f"fe{k} = sr{k}[0] - 2 * sr{k}[1]"],
            [f"sz{k} = sorted(zip(x, range(len(x))), key=lambda p: p[0])", f"fe{k} = sz{k}[0][0] * sz{k}[0][1] + sz{k}[-1][0]"],
            [f"it{k} = x[:1].item()", f"tl{k} = x.tolist()", f"fe{k} = it{k} * tl{k}[-1] + tl{k}[1] * 1.1"]])

    def ft_slicezero(self, k):
        r, n = self.r, self.n
        fn = r.choice(["np.log", "np.sqrt", "np.arctanh"])
        pos = r.choice(["np.abs(x) * 0.5 + 0.1", "x * x + 0.2"]) if fn != "np.arctanh" else "np.tanh(x) * 0.5"
        read = r.choice([f"np.sum(sl{k}[1:] * x[:-1])", f"sl{k}[{r.randint(1, n - 1)}] * 0.5 + np.sum(sl{k}[1::2])",
                         f"np.sum(sl{k}[1:] ** 2) + sl{k}[-1]", f"np.sum(np.diff(sl{k}[1:]))"])
        return [f"sz{k} = {pos}", f"sz{k}[0] = {'1.0' if fn == 'np.arctanh' else '0.0'}",
                "with np.errstate(divide='ignore', invalid='ignore'):", f"    sl{k} = {fn}(sz{k})",
                f"fe{k} = {read}"]

    def ft_setops(self, k):
        r, n = self.r, self.n
        ks = f"np.floor(np.abs(x) * {r.choice([2, 3])}).astype(np.int64) % {n}"
        return r.choice([
            [f"sk{k} = {ks}", f"su{k}, si{k} = np.unique(sk{k}, return_inverse=True)",
             f"fe{k} = np.sum(np.bincount(si{k}, weights=x) ** 2) + su{k}.size * x[0]"],
            [f"sk{k} = {ks}", f"su{k}, sc{k} = np.unique(sk{k}, return_counts=True)",
             f"fe{k} = np.sum(x[su{k}] * sc{k})"],
            [f"sk{k} = {ks}", f"sd{k} = np.setdiff1d(np.arange({n}), sk{k})",
             f"fe{k} = np.sum(x[sd{k}]) * 2 + np.sum(x[np.union1d(sk{k}, [0])] ** 2) + np.sum(x[np.intersect1d(sk{k}, [1, 2])])"],
            [f"sk{k} = {ks}", f"fe{k} = np.sum(x * np.bincount(sk{k}, minlength=len(x))[:len(x)])"],
            [f"ps{k} = []", f"for i in range({r.randint(1, 3)}):", f"    ps{k}.append(x[i:i + 2] * (i + 1))",
             f"fe{k} = np.sum(np.concatenate(ps{k}) ** 2)"],
            [f"fe{k} = np.sum(np.logaddexp.accumulate(x) * np.arange(1.0, {n + 1}))"]])

    def ft_listmeth9(self, k):
        r = self.r
        return r.choice([
            [f"sq{k} = list(x)", f"fe{k} = 0.0", f"while sq{k}:", f"    fe{k} = fe{k} * 0.5 + sq{k}.pop()"],
            [f"ys{k} = list(x)", f"ys{k}.insert(1, x[0] * 3)", f"ys{k}.reverse()", f"ys{k}.pop(0)",
             f"fe{k} = ys{k}[0] * 2 + ys{k}[1] * 3 + ys{k}[-1]"],
            [f"wl{k} = [x[0], x[1] * 2, W[0, 0]]", f"iw{k} = 0", f"fe{k} = 0.0", f"while iw{k} < len(wl{k}):",
             f"    fe{k} = fe{k} + wl{k}[iw{k}] * (iw{k} + 1)", f"    iw{k} += 1"],
            [f"dd{k} = collections.defaultdict(float)", f"for i in range(len(x)):", f"    dd{k}[i % 2] += x[i] ** 2",
             f"fe{k} = dd{k}[0] * dd{k}[1] + dd{k}[5]"],
            [f"od{k} = collections.OrderedDict()", f"od{k}['b'] = x[0]", f"od{k}['a'] = x[1] * 2",
             f"fe{k} = sum((i + 1) * v for i, v in enumerate(od{k}.values()))"]])
