"""np.convolve and np.correlate of 1-D arrays (issue 12: `np.tanh(np.convolve(signal, w, "valid"))`),
composed of rows: the shorter operand (the kernel, m taps, its length known when the call is
compiled) slides over the zero-padded longer one, one slice-multiply-add per tap, so the
gradient with respect to both is the transposed sum of the same terms.

full: out[k] = sum_j v[j] a[k - j], k in [0, n + m - 1); valid: its middle n - m + 1 entries;
same: max(n, m) entries, starting at (m - 1) // 2. np.correlate(a, v, mode) is np.convolve(a,
v[::-1], mode) for real arrays (with len(a) >= len(v)). An operand whose length is known only when
the function runs (`half = int(3 * fwhm / dnu)` taps) is convolved by the loop over its taps of
libhelpers.convolve, inlined like a user's helper.

The window functions np.hanning, np.hamming, np.blackman, np.bartlett and np.kaiser of a length
known when compiled, computed when the function runs by NumPy's own formulas (`n = arange(1 - M, M,
2)`, `0.5 + 0.5 * cos(pi * n / (M - 1))`, ...): any length (a window computed when compiling is
embedded only up to 256 points), and np.kaiser differentiable in beta."""
from __future__ import annotations

import numpy as np

from ...errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from .base import FormsBase

MAX_TAPS = 256  # a longer kernel: one term per tap would make very long code

FORMS: dict = {
    "convolve": ((np.convolve,), (), "the shorter operand's taps (at most 256, known when compiled) as slice-multiply-"
                                     "adds over the zero-padded longer one: `mode` full, valid or same; with an operand "
                                     "whose length is known only when the function runs (a kernel sized from the data), "
                                     "a loop adding one shifted copy of `a` per tap of `v`, then NumPy's window "
                                     "(frontend/libhelpers.py, inlined)"),
    "correlate": ((np.correlate,), (), "`np.convolve(a, v[::-1], mode)` (len(a) >= len(v); complex operands: "
                                       "the real correlations of the parts, v conjugated, frontend/complexcalls.py)"),
}


_WINDOWS = {"hanning": "0.5 + 0.5 cos(pi n / (M - 1))", "hamming": "0.54 + 0.46 cos(pi n / (M - 1))",
            "blackman": "0.42 + 0.5 cos(pi n / (M - 1)) + 0.08 cos(2 pi n / (M - 1))",
            "bartlett": "where(n <= 0, 1 + n / (M - 1), 1 - n / (M - 1))"}
for _name, _formula in _WINDOWS.items():
    FORMS[_name] = ((getattr(np, _name),), (), f"NumPy's formula when the function runs, n = arange(1 - M, M, 2): "
                                               f"{_formula}; M known when compiled (any length)")
FORMS["kaiser"] = ((np.kaiser,), (), "NumPy's formula when the function runs: i0(beta sqrt(1 - ((n - a) / a)^2)) / "
                                     "i0(beta), n = arange(M), a = (M - 1) / 2; M known when compiled, beta may be "
                                     "computed (differentiable)")


class SignalForms(FormsBase):
    def _window_length(self, label, M, node):
        m = self.static_int(M) if not isinstance(M, float) else (int(M) if float(M).is_integer() else None)
        if m is None:
            raise self.err(UnsupportedSyntaxError, f"{label}: the window's length must be known when the call is "
                           "compiled", node, hint="pass the length as a default argument or compute it from shapes")
        return m

    def _window(self, name, label, M, node, beta=None):
        m = self._window_length(label, M, node)
        self.at(node)
        b = self.b
        if m < 1:
            return b.emit("zeros", [b.emit("tuple", [b.const(0)])], dtype="float64")
        if m == 1:
            return b.emit("ones", [b.emit("tuple", [b.const(1)])], dtype="float64")
        if name == "kaiser":
            n = b.emit("astype", [b.emit("arange", [b.const(0), b.const(m), b.const(1)])], dtype="float64")
            alpha = (m - 1) / 2.0
            r = b.emit("div", [b.emit("sub", [n, b.const(alpha)]), b.const(alpha)])
            beta = self.value(beta, node)
            arg = b.emit("mul", [beta, b.emit("sqrt", [b.emit("sub", [b.const(1), b.emit("mul", [r, r])])])])
            return b.emit("div", [b.emit("i0", [arg]), b.emit("i0", [beta])])
        n = b.emit("astype", [b.emit("arange", [b.const(1 - m), b.const(m), b.const(2)])], dtype="float64")
        den = float(m - 1)
        if name == "bartlett":
            q = b.emit("div", [n, b.const(den)])
            return b.emit("where", [b.emit("le", [n, b.const(0)]), b.emit("add", [b.const(1), q]),
                                    b.emit("sub", [b.const(1), q])])
        cos1 = b.emit("cos", [b.emit("div", [b.emit("mul", [b.const(np.pi), n]), b.const(den)])])
        if name in ("hanning", "hamming"):
            c0, c1 = (0.5, 0.5) if name == "hanning" else (0.54, 0.46)
            return b.emit("add", [b.const(c0), b.emit("mul", [b.const(c1), cos1])])
        cos2 = b.emit("cos", [b.emit("div", [b.emit("mul", [b.const(2.0 * np.pi), n]), b.const(den)])])
        return b.emit("add", [b.emit("add", [b.const(0.42), b.emit("mul", [b.const(0.5), cos1])]),
                              b.emit("mul", [b.const(0.08), cos2])])

    def form_hanning(self, label, args, kwargs, node):
        (M,) = self.bind_args(label, ("M",), args, kwargs, node)
        return self._window("hanning", label, M, node)

    def form_hamming(self, label, args, kwargs, node):
        (M,) = self.bind_args(label, ("M",), args, kwargs, node)
        return self._window("hamming", label, M, node)

    def form_blackman(self, label, args, kwargs, node):
        (M,) = self.bind_args(label, ("M",), args, kwargs, node)
        return self._window("blackman", label, M, node)

    def form_bartlett(self, label, args, kwargs, node):
        (M,) = self.bind_args(label, ("M",), args, kwargs, node)
        return self._window("bartlett", label, M, node)

    def form_kaiser(self, label, args, kwargs, node):
        M, beta = self.bind_args(label, ("M", "beta"), args, kwargs, node)
        return self._window("kaiser", label, M, node, beta=beta)

    def _conv(self, label, a, v, mode, node):
        a, v = self.value(a, node), self.value(v, node)
        if a.type.rank != 1 or v.type.rank != 1:
            raise self.err(ShapeError, f"{label} takes two 1-D arrays", node)
        if mode not in ("full", "valid", "same"):
            raise self.err(UnsupportedSyntaxError, f"{label}: mode must be 'full', 'valid' or 'same', not {mode!r}",
                           node)
        n, m = self._shape(a)[0], self._shape(v)[0]
        if n is None or m is None:  # a kernel of a length computed from the data: the loop over its taps
            from .. import libhelpers

            a, v = (x if x.type.dtype == "float64" else self.b.emit("astype", [x], dtype="float64") for x in (a, v))
            return self.inline(libhelpers.convolve, [a, v, mode], {}, node)
        if n == 0 or m == 0:
            raise self.err(ShapeError, f"{label}: an operand is empty", node)
        if m > n:  # convolution commutes: the shorter operand is the kernel
            a, v, n, m = v, a, m, n
        if m > MAX_TAPS:
            raise self.err(UnsupportedSyntaxError, f"{label} with both operands longer than {MAX_TAPS}", node,
                           hint="use np.fft, through @adjit.custom_vjp")
        a, v = (x if x.type.dtype in ("float32", "float64") else self.b.emit("astype", [x], dtype="float64")
                for x in (a, v))
        self.at(node)
        pad = self.b.emit("zeros", [self.b.emit("tuple", [self.b.const(m - 1)])], dtype="float64")
        padded = self.b.emit("concatenate", [pad, a, pad], axis=0) if m > 1 else a
        total = n + m - 1
        start, length = {"full": (0, total), "valid": (m - 1, n - m + 1), "same": ((m - 1) // 2, n)}[mode]
        out = None
        for j in range(m):  # out[k] = sum_j v[j] padded[start + k + m - 1 - j]
            lo = start + m - 1 - j
            window = self._slice(padded, 0, lo, lo + length)
            tap = self.b.emit("getitem", [v, self.b.const(j)], index=(("int", 1),))
            term = self.b.emit("mul", [window, tap])
            out = term if out is None else self.b.emit("add", [out, term])
        return out

    def form_convolve(self, label, args, kwargs, node):
        a, v, mode = self.bind_args(label, ("a", "v", "mode"), args, kwargs, node, mode="full")
        return self._conv(label, a, v, mode, node)

    def form_correlate(self, label, args, kwargs, node):
        a, v, mode = self.bind_args(label, ("a", "v", "mode"), args, kwargs, node, mode="valid")
        a, v = self.value(a, node), self.value(v, node)
        if v.type.rank != 1 or a.type.rank != 1:
            raise self.err(ShapeError, f"{label} takes two 1-D arrays", node)
        n, m = self._shape(a)[0], self._shape(v)[0]
        if n is None or m is None or m > n:
            raise self.err(UnsupportedSyntaxError, f"{label}: len(a) >= len(v), both known when the call is compiled",
                           node, hint="swap the operands and reverse the result")
        rev = self.b.emit("getitem", [v, self.b.const(-1)], index=(("slice", None, None, 1),))  # v[::-1]
        return self._conv(label, a, rev, mode, node)
