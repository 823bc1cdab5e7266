"""The `--profile features` snippets of the eighth semantics hunt (2026-12-03): integers narrower
than 64 bits (a module-level uint8/int8/int16/uint16 array or a NumPy scalar of one, whose
array arithmetic wraps at its width in NumPy and whose sums are (u)int64; no scalar
arithmetic that overflows, which NumPy warns of), np.select with Python
numbers among its choices (promoted with the others at once: float32 stays float32), Python ints
to a negative power (a float in Python, `i ** -1` of a loop counter), a value read by two
np.where's / np.fmax / np.fmin of different conditions at a point where its derivative is
infinite (np.log of an exact 0: the masked zero must survive the sum of the two cotangents), and
augmented writes NumPy's same-kind casting allows (`k[0] += 1.5` of an int array, ints into a float
view, True into booleans). Each binds a scalar `fe<k>` from x (n,) and W (m, n), as
gen_features.py's do; arrays written are copies, never the arguments."""
from __future__ import annotations

from .gen_features7 import pool as _pool7

FEATURES8 = [("narrowint", 2), ("selectnum", 1.5), ("negpow", 1.5), ("twomask", 2), ("samekind", 1.5)]


def pool(others: list) -> list:
    """The snippets the profile draws from: the others' and these (gen_features7.py's rule for its
    own), or with ADJIT_FUZZ_FEATURES=8 (a directed campaign) these alone."""
    import os

    if os.environ.get("ADJIT_FUZZ_FEATURES") == "8":
        return FEATURES8
    return _pool7(others) + ([] if os.environ.get("ADJIT_FUZZ_FEATURES") in ("6", "7") else FEATURES8)


class Features8Mixin:
    def ft_narrowint(self, k):
        r, n = self.r, self.n
        dt = r.choice(["uint8", "int8", "int16", "uint16"])
        vals = [r.choice([200, 100, 250, 7, 128, 255, 30000, 60000, 3]) for _ in range(n)]
        self._gl(f"_NI{k} = np.array({vals}).astype(np.{dt})")
        self._gl(f"_NS{k} = np.{dt}({r.choice([100, 120] if dt == 'int8' else [100, 200, 120])})")
        use = r.choice([f"_NI{k} + 100", f"_NI{k} * _NI{k}", f"_NI{k} - _NI{k}[::-1]", f"-_NI{k}",
                        f"_NI{k} * 2 + _NS{k}", f"(_NS{k} // 2 + 1) * _NI{k}", f"np.maximum(_NI{k}, _NS{k}) + 10"])
        red = r.choice([f"np.sum(x * ({use}))", f"np.sum(x[:2] * ({use})[:2]) + x[0] * np.sum({use}) * 1e-3",
                        f"x[-1] * (np.max({use}) // 2) + np.sum(x * ({use}).astype(np.float64)) * 1e-2"])
        return [f"fe{k} = float({red}) * 1e-3"]

    def ft_selectnum(self, k):
        r = self.r
        xs = r.choice(["x", "(x * 1.0).astype(np.float32)", "W[0]"])
        ch = r.choice([f"[sv{k}, 2]", f"[sv{k} * 2.0, 1]", f"[3, sv{k}]", f"[sv{k}, True]"])
        dflt = r.choice(["0.5", "0", "-1.5"])
        return [f"sv{k} = {xs}",
                f"sy{k} = np.select([sv{k} > {self._c(0, 0.6)}, sv{k} < {self._c(-0.6, 0)}], {ch}, {dflt})",
                f"fe{k} = np.sum(sy{k} * sv{k}) * 0.5 + sy{k}.dtype.itemsize * 0.01"]

    def ft_negpow(self, k):
        r = self.r
        return r.choice([
            [f"np{k} = 0.0", f"for i{k} in range(1, 4):", f"    np{k} = np{k} + x[i{k} % x.shape[0]] * i{k} ** -{r.randint(1, 2)}",
             f"fe{k} = np{k}"],
            [f"kp{k} = int(abs(x[0]) * 10) + 1", f"fe{k} = x[-1] * pow(kp{k}, -2) + x[0] * kp{k} ** -1 + x[1] * 2 ** kp{k} * 1e-3"],
            [f"fe{k} = sum(x[j{k}] * (j{k} + 1) ** -1 for j{k} in range(x.shape[0]))"]])

    def ft_twomask(self, k):
        r = self.r
        z = f"np.where(x > {self._c(0.0, 0.3)}, x, 0.0)"  # exact zeros where the derivative of log is inf
        pick = r.choice([f"np.fmax(tl{k}, -2.0)", f"np.fmin(-tl{k}, 3.0)",
                         f"np.where(tz{k} > 0, tl{k}, 0.0) + np.where(tz{k} > {self._c(0.4, 0.9)}, tl{k} * 2, 0.0)",
                         f"np.maximum(tl{k}, -4.0) + np.where(tz{k} > 0.5, tl{k}, 1.0)",
                         f"np.clip(tl{k}, -3.0, None) * 0.5 + np.fmax(tl{k}, -1.0)"])
        return [f"tz{k} = {z}", "with np.errstate(divide='ignore'):", f"    tl{k} = np.log(tz{k})",
                f"fe{k} = np.sum({pick})"]

    def ft_samekind(self, k):
        r = self.r
        return r.choice([
            [f"sk{k} = np.arange(x.shape[0])", f"sk{k}[0] += {self._c(0.5, 2.5)}", f"sk{k}[1:] += 2",
             f"fe{k} = np.sum(sk{k} * x)"],
            [f"sf{k} = x * 1.0", f"sf{k}[1:3] += np.arange(2)", f"sf{k}[::2] *= np.int64(3)", f"fe{k} = np.sum(sf{k} * x)"],
            [f"sb{k} = x > 0", f"sb{k}[1:] += True", f"sb{k} |= x < -0.5", f"fe{k} = np.sum(sb{k} * x)"],
            [f"si{k} = np.floor(x * 5).astype(np.int32)", f"si{k} += np.int32(7)", f"si{k}[-1] -= 1.5",
             f"fe{k} = np.sum(si{k} * x)"]])
