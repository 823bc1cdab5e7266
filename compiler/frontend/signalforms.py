"""scipy.signal and scipy.ndimage calls written with what adjit has rules for: signal.lfilter (the
direct-form recurrence, frontend/libhelpers.py, inlined), signal.convolve / fftconvolve /
oaconvolve / correlate (np.convolve and np.correlate of 1-D inputs, convolve2d / correlate2d of
2-D ones: the same sums, whatever `method` computes them with), and ndimage.gaussian_filter /
gaussian_filter1d (separable sums of the Gaussian weights SciPy uses over the input padded as
its `mode` says); scipy.linalg's structured matrices toeplitz / circulant / hankel / block_diag
(gathers of their arguments at index arithmetic, joins with zeros); signal.detrend / savgol_filter /
medfilt and ndimage.uniform_filter / uniform_filter1d in frontend/filterforms.py. SciPy is imported
only for a program that calls it (test_startup.py)."""
from __future__ import annotations

import functools

import numpy as np

from ..errors import ArgumentError, UnsupportedSyntaxError
from . import filterforms

_SIGNAL = ("lfilter", "convolve", "fftconvolve", "oaconvolve", "correlate")
_NDIMAGE = ("gaussian_filter", "gaussian_filter1d")
_LINALG = ("toeplitz", "circulant", "hankel", "block_diag")
# ndimage's boundary modes as np.pad's
_PAD_MODES = {"reflect": "symmetric", "mirror": "reflect", "nearest": "edge", "wrap": "wrap", "constant": "constant",
              "grid-wrap": "wrap", "grid-mirror": "symmetric", "grid-constant": "constant"}


def which(func) -> str | None:
    """"signal.<name>" or "ndimage.<name>" for the functions above, else None."""
    module = getattr(func, "__module__", None) or ""
    name = getattr(func, "__name__", "")
    if module.startswith("scipy.signal") and name in _SIGNAL + filterforms.FILTERS["signal"]:
        return f"signal.{name}"
    if module.startswith("scipy.ndimage") and name in _NDIMAGE + filterforms.FILTERS["ndimage"]:
        return f"ndimage.{name}"
    if module.startswith("scipy.linalg") and name in _LINALG:
        return f"linalg.{name}"
    return None


def lower(low, kind: str, func, args, kwargs, node):
    call = lambda f, *a, **k: low.call_value(f, list(a), k, node)  # noqa: E731
    label = f"scipy.{kind}"
    if kind.split(".")[1] in filterforms.FILTERS.get(kind.split(".")[0], ()):
        return filterforms.lower(low, kind, args, kwargs, node, _PAD_MODES)
    if kind == "signal.lfilter":
        from . import libhelpers

        b, a, x, axis, zi = low.bind_args(label, ("b", "a", "x", "axis", "zi"), args, kwargs, node, axis=-1, zi=None)
        x = low.array_like(x, node) if isinstance(x, tuple) else low.value(x, node)
        if zi is not None or x.type.kind != "array" or x.type.rank != 1 or low.static(axis, node, "axis") not in (0, -1):
            raise low.err(UnsupportedSyntaxError, f"{label} of a 1-D signal without `zi` is supported", node,
                          hint="filter each row in a loop: np.stack([lfilter(b, a, row) for row in X])")
        return low.inline(libhelpers.lfilter, [b, a, x], {}, node)
    if kind.startswith("signal."):
        name = kind.split(".")[1]
        in1, in2, mode, method = low.bind_args(label, ("in1", "in2", "mode", "method"), args, kwargs, node,
                                               mode="full", method="auto")
        from .complexvals import is_complex

        if is_complex(in1) or is_complex(in2):  # complex operands (complexcalls.py): in2 conjugated for correlate
            return _complex_1d(low, name, label, in1, in2, mode, call, node)
        v1 = low.array_like(in1, node) if isinstance(in1, tuple) else low.value(in1, node)
        v2 = low.array_like(in2, node) if isinstance(in2, tuple) else low.value(in2, node)
        ranks = {low._rank(v1), low._rank(v2)}
        if ranks == {1}:  # the full sum (correlate: with in2 reversed), then SciPy's part of it for `mode`
            m, n = low._extent(v1, 0, node, label), low._extent(v2, 0, node, label)
            if mode not in ("full", "same", "valid"):
                raise low.err(ArgumentError, f"{label}: mode must be 'full', 'same' or 'valid'", node)
            k = call(np.flip, v2) if name == "correlate" else v2
            full = call(np.convolve, v1, k, mode="full")
            if mode == "full":
                return full
            start = (n - 1) // 2 if mode == "same" else min(m, n) - 1
            size = m if mode == "same" else abs(m - n) + 1
            return low._slice(full, 0, start, start + size)
        if ranks == {2}:
            import scipy.signal

            f = scipy.signal.correlate2d if name == "correlate" else scipy.signal.convolve2d
            return low._conv2d(f, [v1, v2], {"mode": mode}, node)  # calls.py
        raise low.err(UnsupportedSyntaxError, f"{label} of two 1-D or two 2-D arrays is supported", node)
    if kind.startswith("linalg."):
        return _structured(low, kind.split(".")[1], label, args, kwargs, node, call)
    return _gaussian(low, kind, label, args, kwargs, node, call)


def _complex_1d(low, name, label, in1, in2, mode, call, node):
    """signal.convolve / correlate of 1-D operands, one of them complex: SciPy's part for `mode` of
    np.convolve(in1, in2, "full"), correlate's with conj(in2[::-1]) (expanded on the parts)."""
    from .complexvals import ComplexPair, is_complex

    parts = [low.cx_full(x, node)[0] if is_complex(x) else low.value(x, node) for x in (in1, in2)]
    if any(low._rank(v) != 1 for v in parts) or mode not in ("full", "same", "valid"):
        raise low.err(UnsupportedSyntaxError, f"{label} of complex values: two 1-D arrays, mode 'full', 'same' or "
                      "'valid'", node)
    m, n = (low._extent(v, 0, node, label) for v in parts)
    k = in2
    if name == "correlate":
        k = call(np.flip, in2)
        k = call(np.conj, k) if is_complex(k) else k
    full = call(np.convolve, in1, k, mode="full")
    if mode == "full":
        return full
    start = (n - 1) // 2 if mode == "same" else min(m, n) - 1
    size = m if mode == "same" else abs(m - n) + 1
    re, im = low.cx_full(full, node)
    return ComplexPair(low._slice(re, 0, start, start + size), low._slice(im, 0, start, start + size))


def _structured(low, name, label, args, kwargs, node, call):
    """toeplitz(c, r=None): T[i, j] = c[i - j] below the diagonal, r[j - i] above (r = c by default);
    circulant(c): C[i, j] = c[(i - j) mod n]; hankel(c, r=None): H[i, j] = c[i + j] while i + j < m,
    then r[i + j - m + 1] (r = zeros); block_diag(*arrs): the blocks on the diagonal, zeros elsewhere."""
    vec = lambda v: low.b.emit("reshape", [low.array_like(v, node) if isinstance(v, tuple) else low.value(v, node),  # noqa: E731
                                           low._const_shape((-1,))])
    emit, const = low.b.emit, low.b.const
    if name == "block_diag":
        if kwargs:
            raise low.err(ArgumentError, f"{label} takes the blocks only", node)
        blocks = []
        for v in args:
            b = low.array_like(v, node) if isinstance(v, tuple) else low.value(v, node)
            if low._rank(b) == 0:
                b = low._reshape(b, (1, 1))
            elif low._rank(b) == 1:
                b = low._reshape(b, (1, low._extent(b, 0, node, label)))
            elif low._rank(b) != 2:
                raise low.err(ArgumentError, f"{label} takes arrays of at most two dimensions", node)
            blocks.append(b)
        dt = blocks[0].type.dtype
        for b in blocks[1:]:
            dt = np.result_type(dt, b.type.dtype).name
        widths = [low._extent(b, 1, node, label) for b in blocks]
        rows = []
        for k, b in enumerate(blocks):
            h = low._extent(b, 0, node, label)
            parts = [call(np.zeros, (h, sum(widths[:k])), dtype=dt)] if k else []
            parts.append(b if b.type.dtype == dt else emit("astype", [b], dtype=dt))
            if k < len(blocks) - 1:
                parts.append(call(np.zeros, (h, sum(widths[k + 1:])), dtype=dt))
            rows.append(parts[0] if len(parts) == 1 else call(np.concatenate, tuple(parts), axis=1))
        return rows[0] if len(rows) == 1 else call(np.concatenate, tuple(rows), axis=0)
    names = ("c",) if name == "circulant" else ("c", "r")
    bound = low.bind_args(label, names, args, kwargs, node, **({} if name == "circulant" else {"r": None}))
    # SciPy (toeplitz and circulant from 1.17, hankel from 1.19) reads a 2-D or higher argument as a
    # batch of vectors along its last axis (..., m) -> (..., m, n), the batch axes of c and r broadcast;
    # before, it ravels it: asked of the installed SciPy, as NumPy's semantics are read from NumPy
    batch = _batches(name)
    arr = lambda v: low.array_like(v, node) if isinstance(v, tuple) else low.value(v, node)  # noqa: E731
    prep = lambda v: (low._reshape(arr(v), (1,)) if low._rank(arr(v)) == 0 else arr(v)) if batch else vec(v)  # noqa: E731
    c = prep(bound[0])
    m = low._extent(c, low._rank(c) - 1, node, label)
    r = None if name == "circulant" or bound[1] is None else prep(bound[1])
    n = m if r is None else low._extent(r, low._rank(r) - 1, node, label)
    i = low._reshape(call(np.arange, m), (m, 1))
    j = low._reshape(call(np.arange, n), (1, n))
    take = lambda v, idx: call(np.take, v, idx, axis=-1)  # noqa: E731  (one (m, n) matrix per vector)
    if name == "circulant":
        return take(c, emit("mod", [emit("sub", [i, j]), const(m)]))
    if name == "toeplitz":
        r = c if r is None else r
        d = emit("sub", [i, j])
        below = take(c, emit("maximum", [d, const(0)]))
        above = take(r, emit("maximum", [emit("neg", [d]), const(0)]))
        return emit("where", [emit("ge", [d, const(0)]), below, above])
    s = emit("add", [i, j])  # hankel
    first = take(c, emit("minimum", [s, const(m - 1)]))
    if r is None:  # zeros of c's dtype (SciPy's hankel of ints is ints)
        return emit("where", [emit("lt", [s, const(m)]), first, emit("astype", [const(0)], dtype=c.type.dtype)])
    second = take(r, emit("minimum", [emit("maximum", [emit("sub", [s, const(m - 1)]), const(0)]), const(n - 1)]))
    return emit("where", [emit("lt", [s, const(m)]), first, second])


@functools.lru_cache(maxsize=None)
def _batches(name: str) -> bool:
    """Whether the installed SciPy's scipy.linalg.<name> treats a 2-D argument as a batch of vectors
    (a 3-D result) rather than raveling it (a 2-D one)."""
    import warnings

    import scipy.linalg

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return np.ndim(getattr(scipy.linalg, name)(np.ones((2, 2)))) == 3


def _gaussian(low, kind, label, args, kwargs, node, call):
    """ndimage.gaussian_filter(input, sigma, order=0, mode='reflect', cval=0.0, truncate=4.0) and
    gaussian_filter1d(input, sigma, axis=-1, ...): along each axis, the sum of the padded input's
    shifted slices weighted by SciPy's kernel exp(-x^2 / (2 sigma^2)) / sum, x in [-r, r],
    r = int(truncate sigma + 0.5)."""
    one = kind.endswith("1d")
    names = ("input", "sigma", "axis", "order", "output", "mode", "cval", "truncate", "radius") if one else \
        ("input", "sigma", "order", "output", "mode", "cval", "truncate", "radius", "axes")
    bound = dict(zip(names, low.bind_args(label, names, args, kwargs, node, axis=-1, order=0, output=None,
                                           mode="reflect", cval=0.0, truncate=4.0, radius=None, axes=None)))
    x = low.array_like(bound["input"], node) if isinstance(bound["input"], tuple) else low.value(bound["input"], node)
    rank = low._rank(x)
    if low.static(bound["order"], node, "order") != 0 or bound["output"] is not None or bound["radius"] is not None \
            or (not one and bound["axes"] is not None):
        raise low.err(UnsupportedSyntaxError, f"{label}: order=0 without output=, radius= or axes= is supported", node)
    mode, truncate = bound["mode"], low.static(bound["truncate"], node, "truncate")
    if mode not in _PAD_MODES:
        raise low.err(UnsupportedSyntaxError, f"{label}: mode={mode!r} is not supported (one of "
                      + ", ".join(sorted(_PAD_MODES)) + ")", node)
    sigma = low.static(bound["sigma"], node, "sigma")
    if one:
        axes = [low._axis(bound["axis"], rank, node)]
        sigmas = [sigma]
    else:
        axes = list(range(rank))
        sigmas = list(sigma) if isinstance(sigma, tuple) else [sigma] * rank
        if len(sigmas) != rank:
            raise low.err(ArgumentError, f"{label}: one sigma per axis ({rank})", node)
    out = x
    if not x.type.dtype.startswith("float"):
        out = low.b.emit("astype", [x], dtype="float64")
    for axis, s in zip(axes, sigmas):
        if not isinstance(s, (int, float)) or s < 0:
            raise low.err(ArgumentError, f"{label}: sigma must be a non-negative number known when compiled", node)
        if s == 0:
            continue
        r = int(truncate * float(s) + 0.5)
        t = np.arange(-r, r + 1, dtype=np.float64)
        w = np.exp(-0.5 / (float(s) * float(s)) * t * t)
        w = w / w.sum()
        n = low._extent(out, axis, node, label)
        pad = [(0, 0)] * rank
        pad[axis] = (r, r)
        extra = {"constant_values": bound["cval"]} if _PAD_MODES[mode] == "constant" else {}
        padded = call(np.pad, out, tuple(pad), mode=_PAD_MODES[mode], **extra)
        acc = None
        for j in range(2 * r + 1):
            term = low.b.emit("mul", [low._slice(padded, axis, j, j + n), low.b.const(float(w[j]))])
            acc = term if acc is None else low.b.emit("add", [acc, term])
        out = acc
    return out if out is not x else low.b.emit("astype", [x], dtype=x.type.dtype)
