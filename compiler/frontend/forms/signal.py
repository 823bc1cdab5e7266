"""np.convolve and np.correlate of 1-D arrays (issue 12: `np.tanh(np.convolve(signal, w, "valid"))`),
composed of rows: the shorter operand (the kernel, m taps, its length known when the call is
compiled) slides over the zero-padded longer one, one slice-multiply-add per tap, so the
gradient with respect to both is the transposed sum of the same terms.

full: out[k] = sum_j v[j] a[k - j], k in [0, n + m - 1); valid: its middle n - m + 1 entries;
same: max(n, m) entries, starting at (m - 1) // 2. np.correlate(a, v, mode) is np.convolve(a,
v[::-1], mode) for real arrays (with len(a) >= len(v))."""
from __future__ import annotations

import numpy as np

from ...errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from .base import FormsBase

MAX_TAPS = 256  # a longer kernel: one term per tap would make very long code

FORMS: dict = {
    "convolve": ((np.convolve,), (), "the shorter operand's taps (at most 256, known when compiled) as slice-multiply-"
                                     "adds over the zero-padded longer one: `mode` full, valid or same"),
    "correlate": ((np.correlate,), (), "`np.convolve(a, v[::-1], mode)` (real arrays, len(a) >= len(v))"),
}


class SignalForms(FormsBase):
    def _conv(self, label, a, v, mode, node):
        a, v = self.value(a, node), self.value(v, node)
        if a.type.rank != 1 or v.type.rank != 1:
            raise self.err(ShapeError, f"{label} takes two 1-D arrays", node)
        if mode not in ("full", "valid", "same"):
            raise self.err(UnsupportedSyntaxError, f"{label}: mode must be 'full', 'valid' or 'same', not {mode!r}",
                           node)
        n, m = self._shape(a)[0], self._shape(v)[0]
        if n is None or m is None:
            raise self.err(UnsupportedSyntaxError, f"{label}: the lengths must be known when the call is compiled",
                           node)
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
