"""scipy.signal.detrend / savgol_filter / medfilt and scipy.ndimage.uniform_filter / uniform_filter1d,
written with what adjit has rules for (frontend/signalforms.py routes the calls here): detrend as
the mean and the least-squares slope against SciPy's regressor; savgol_filter as the sum of SciPy's
own coefficients (asked of SciPy when the call is compiled) over shifted slices, its 'interp' edges
as SciPy's edge matrices (a few constants times a Chebyshev basis the code computes) applied to
the first and last windows; uniform_filter1d as a moving mean over the input padded
as ndimage's `mode` says; medfilt as the middle of the sorted windows of the zero-padded input (the
gradient flows to the selected element). Options are known when compiled; values equal SciPy's to
rounding, in SciPy's dtypes."""
from __future__ import annotations

import functools

import numpy as np

from ..errors import AdjitTypeError, ArgumentError, ShapeError, UnsupportedSyntaxError

FILTERS = {"signal": ("detrend", "savgol_filter", "medfilt"), "ndimage": ("uniform_filter", "uniform_filter1d")}
_TAPS = 256  # the most taps a tap-by-tap sum is written with
# savgol_filter's modes (ndimage.convolve1d's) as np.pad's
_SAVGOL_PAD = {"mirror": "reflect", "nearest": "edge", "constant": "constant", "wrap": "wrap"}


def lower(low, kind, args, kwargs, node, pad_modes):
    label = f"scipy.{kind}"
    name = kind.split(".")[1]
    call = lambda f, *a, **k: low.call_value(f, list(a), k, node)  # noqa: E731
    if name == "detrend":
        return _detrend(low, label, args, kwargs, node, call)
    if name == "savgol_filter":
        return _savgol(low, label, args, kwargs, node, call)
    if name == "medfilt":
        return _medfilt(low, label, args, kwargs, node, call)
    return _uniform(low, name, label, args, kwargs, node, call, pad_modes)


def _array(low, x, node):
    return low.array_like(x, node)


def _floats(low, x, label, node):
    """x as SciPy filters it: float32 and float64 as they are, other real dtypes as float64."""
    dt = x.type.dtype
    if dt in ("float32", "float64"):
        return x
    if not (dt.startswith("int") or dt.startswith("uint") or dt == "bool"):
        raise low.err(AdjitTypeError, f"{label} of a {dt} array is not supported", node,
                      hint="pass a float64 or float32 array: x.astype(float)")
    return low.b.emit("astype", [x], dtype="float64")


def _shaped(low, v, axis, rank):
    """A 1-D value along `axis` of a rank-`rank` array (ones elsewhere), for broadcasting."""
    n = low._extent(v, 0, None, "a filter")
    return low._reshape(v, tuple(n if k == axis else 1 for k in range(rank)))


def _detrend(low, label, args, kwargs, node, call):
    """detrend(data, axis=-1, type='linear', bp=0): data - mean; for 'linear' also minus the slope
    against SciPy's regressor t = arange(1, N + 1) / N, centred: with a = 2i + 1 - N (N * the centred t,
    twice), the least-squares trend is mean + a * sum(a * data) / sum(a^2), sum(a^2) = N (N^2 - 1) / 3."""
    data, axis, typ, bp, _ = low.bind_args(label, ("data", "axis", "type", "bp", "overwrite_data"), args, kwargs,
                                           node, axis=-1, type="linear", bp=0, overwrite_data=False)
    if typ not in ("linear", "l", "constant", "c"):
        raise low.err(ArgumentError, f"{label}: type must be 'linear' or 'constant' (SciPy raises ValueError)", node)
    if not (isinstance(bp, (int, float, np.integer)) and not isinstance(bp, bool) and bp == 0):
        raise low.err(UnsupportedSyntaxError, f"{label} with break points (bp=) is not supported", node,
                      hint="detrend each piece and join them: np.concatenate([detrend(x[..., :k]), "
                           "detrend(x[..., k:])], axis=-1) is detrend(x, bp=[k])")
    x = _array(low, data, node)
    rank = low._rank(x)
    if rank == 0:
        raise low.err(ShapeError, f"{label} of a 0-d array: SciPy raises an error (no axis {axis})", node)
    ax = low._axis(axis, rank, node)
    if typ in ("constant", "c"):  # NumPy's dtype for data - mean (ints: float64)
        return low.b.emit("sub", [x, call(np.mean, x, axis=ax, keepdims=True)])
    x = _floats(low, x, label, node)
    n = low._extent(x, ax, node, label)
    if n <= 1:  # SciPy's fit passes through every point: zeros (an empty array stays empty)
        return low.b.emit("sub", [x, x])
    dt = x.type.dtype
    a = low.b.emit("astype", [call(np.arange, 1 - n, n, 2)], dtype=dt)  # 2i + 1 - N
    a = _shaped(low, a, ax, rank)
    slope = low.b.emit("div", [call(np.sum, low.b.emit("mul", [a, x]), axis=ax, keepdims=True),
                               low.b.const(float(n * (n * n - 1) // 3))])
    centred = low.b.emit("sub", [x, call(np.mean, x, axis=ax, keepdims=True)])
    return low.b.emit("sub", [centred, low.b.emit("mul", [a, slope])])


_FULL_EDGE = 1024  # the most constants an 'interp' edge matrix is written out with


def _basis(window: int, r: int) -> list:
    """Chebyshev polynomials T_0..T_{r-1} at the window's points mapped to [-1, 1], as the compiled
    code computes them (the same operations in the same order)."""
    t = np.arange(window) * (2.0 / (window - 1)) - 1.0
    cols = [np.ones(window), t]
    while len(cols) < r:
        cols.append(2.0 * t * cols[-1] - cols[-2])
    return cols[:r]


@functools.lru_cache(maxsize=64)
def _savgol_probe(window: int, polyorder: int, deriv: int, delta: float):
    """SciPy's savgol_filter of unit impulses, float64: (lo, hi, the interior coefficients of x[i + d]
    for d in [-lo, hi], the left and right 'interp' edges). An edge is SciPy's (h, window) matrix as
    ("basis", H) with H @ _basis(window, polyorder + 1) equal to it to rounding (its rows are
    polynomials of degree polyorder in the position: h (polyorder + 1) constants), else ("full", E)
    when E is small (SciPy's own fit off by more than 1e-12 from any polynomial: polyorder 8 or more),
    else the basis if within 1e-9 (SciPy's error), else None."""
    import warnings

    import scipy.signal

    lo, hi = (window - 1) // 2, window // 2
    m = window + 1
    rows = scipy.signal.savgol_filter(np.eye(2 * m + 1), window, polyorder, deriv=deriv, delta=delta, axis=0,
                                      mode="constant")[m]
    outside = np.concatenate([rows[:m - lo], rows[m + hi + 1:]])
    assert not outside.any(), "savgol_filter's window is not where adjit places it"
    coeffs = tuple(float(c) for c in rows[m - lo:m + hi + 1])
    h = window // 2
    if h == 0:
        return lo, hi, coeffs, None, None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # SciPy's RankWarning for a high polyorder
        edges = scipy.signal.savgol_filter(np.eye(window), window, polyorder, deriv=deriv, delta=delta, axis=0,
                                           mode="interp")
    basis = np.stack(_basis(window, min(polyorder + 1, window)))

    def edge(e):  # the residual past 1e-12 is SciPy's own fit's error (a high polyorder): the basis is exact
        coef = np.linalg.lstsq(basis.T, e.T, rcond=None)[0].T
        off = np.abs(coef @ basis - e).max() / max(np.abs(e).max(), 1.0)
        if off <= 1e-12 or (e.size > _FULL_EDGE and off <= 1e-9):
            return "basis", coef
        return ("full", e) if e.size <= _FULL_EDGE else None

    return lo, hi, coeffs, edge(edges[:h]), edge(edges[window - h:])


def _savgol(low, label, args, kwargs, node, call):
    """savgol_filter(x, window_length, polyorder, deriv=0, delta=1.0, axis=-1, mode='interp', cval=0.0):
    y[i] = sum_d c_d x[i + d] with SciPy's coefficients c over x padded as `mode` says; for 'interp'
    the first and last window_length // 2 outputs are SciPy's edge matrices times the first and last
    windows (the polynomial fits SciPy evaluates there)."""
    names = ("x", "window_length", "polyorder", "deriv", "delta", "axis", "mode", "cval")
    x, window, order, deriv, delta, axis, mode, cval = low.bind_args(label, names, args, kwargs, node, deriv=0,
                                                                     delta=1.0, axis=-1, mode="interp", cval=0.0)
    window, order = low.static(window, node, "window_length"), low.static(order, node, "polyorder")
    deriv, delta = low.static(deriv, node, "deriv"), low.static(delta, node, "delta")
    if mode not in ("interp",) + tuple(_SAVGOL_PAD):
        raise low.err(ArgumentError, f"{label}: mode must be 'mirror', 'constant', 'nearest', 'wrap' or 'interp' "
                      "(SciPy raises ValueError)", node)
    x = _floats(low, _array(low, x, node), label, node)
    rank = low._rank(x)
    if rank == 0:
        raise low.err(ShapeError, f"{label} of a 0-d array: SciPy raises an error", node)
    ax = low._axis(axis, rank, node)
    if not isinstance(window, int) or window > _TAPS:
        raise low.err(UnsupportedSyntaxError, f"{label}: window_length must be an int of at most {_TAPS} "
                      f"(the taps adjit writes out), not {window!r}", node)
    try:
        import scipy.signal

        scipy.signal.savgol_coeffs(window, order, deriv=deriv, delta=delta)  # SciPy's own checks
        lo, hi, coeffs, left, right = _savgol_probe(window, order, deriv, float(delta))
    except (ValueError, TypeError) as e:
        raise low.err(ArgumentError, f"{label}: {e} (SciPy raises {type(e).__name__})", node) from None
    n = low._extent(x, ax, node, label)
    emit, const = low.b.emit, low.b.const

    def taps(src, start, length):  # sum_d c_d src[start + d : start + d + length] along ax
        acc = None
        for k, c in enumerate(coeffs):
            term = emit("mul", [low._slice(src, ax, start - lo + k, start - lo + k + length), const(c)])
            acc = term if acc is None else emit("add", [acc, term])
        return acc

    if mode != "interp":
        pad = tuple((lo, hi) if k == ax else (0, 0) for k in range(rank))
        extra = {"constant_values": cval} if mode == "constant" else {}
        return taps(call(np.pad, x, pad, mode=_SAVGOL_PAD[mode], **extra), lo, n)
    if n < window:
        raise low.err(ShapeError, f"{label}: if mode is 'interp', window_length ({window}) must be less than or "
                      f"equal to the size of x along the axis ({n}); SciPy raises ValueError", node,
                      hint="use a shorter window, or another mode (mode='nearest')")
    h = window // 2
    if h and (left is None or right is None):
        raise low.err(UnsupportedSyntaxError, f"{label}: mode='interp' with polyorder={order} over a window of "
                      f"{window}: SciPy's edge fit there is ill-conditioned (it warns RankWarning) and its "
                      "edge matrices too large to write out", node,
                      hint="use a lower polyorder or a shorter window, or mode='nearest' / 'mirror'")
    if not h:
        return taps(x, 0, n)
    parts = [_edge(low, left, low._slice(x, ax, 0, window), ax, call)]
    if n - 2 * h > 0:
        parts.append(taps(x, h, n - 2 * h))
    parts.append(_edge(low, right, low._slice(x, ax, n - window, n), ax, call))
    return call(np.concatenate, tuple(parts), axis=ax)


def _edge(low, edge, win, ax, call):
    """SciPy's edge matrix (h, w) applied along axis ax of win (extent w there): an (.., h, ..) array.
    ("basis", H): H (h, r) times the Chebyshev basis (r, w) computed here; ("full", E): E itself."""
    kind, m = edge
    emit, const = low.b.emit, low.b.const
    mat = low.array_like(tuple(tuple(float(v) for v in row) for row in m), None)
    if kind == "basis":
        r, w = m.shape[1], low._extent(win, ax, None, "savgol_filter")
        t = emit("sub", [emit("mul", [call(np.arange, w), const(2.0 / (w - 1))]), const(1.0)])
        cols = [call(np.ones, w), t]
        while len(cols) < r:
            cols.append(emit("sub", [emit("mul", [emit("mul", [const(2.0), t]), cols[-1]]), cols[-2]]))
        mat = call(np.matmul, mat, call(np.stack, tuple(cols[:r]), axis=0))
    if mat.type.dtype != win.type.dtype:
        mat = emit("astype", [mat], dtype=win.type.dtype)
    out = call(np.tensordot, mat, win, axes=((1,), (ax,)))  # (h, other axes in order)
    return out if ax == 0 else call(np.moveaxis, out, 0, ax)


def _uniform(low, name, label, args, kwargs, node, call, pad_modes):
    """uniform_filter1d(input, size, axis=-1, output=None, mode='reflect', cval=0.0, origin=0) and
    uniform_filter(input, size=3, output=None, mode='reflect', cval=0.0, origin=0, *, axes=None): along
    each axis (sizes of 1 skipped, as SciPy does), the mean of `size` values of the input padded as
    `mode` says, the window starting size // 2 + origin before each point."""
    one = name.endswith("1d")
    names = ("input", "size", "axis", "output", "mode", "cval", "origin") if one else \
        ("input", "size", "output", "mode", "cval", "origin", "axes")
    defaults = dict(axis=-1, output=None, mode="reflect", cval=0.0, origin=0) if one else \
        dict(size=3, output=None, mode="reflect", cval=0.0, origin=0, axes=None)
    b = dict(zip(names, low.bind_args(label, names, args, kwargs, node, **defaults)))
    x = _array(low, b["input"], node)
    if x.type.dtype not in ("float32", "float64"):  # SciPy truncates its running sum to the integer dtype
        raise low.err(AdjitTypeError, f"{label} of a {x.type.dtype} array is not supported (SciPy returns that "
                      "dtype, truncating its running mean)", node, hint="pass floats: input.astype(float)")
    if b["output"] is not None:
        raise low.err(UnsupportedSyntaxError, f"{label}: output= is not supported (use the returned array)", node)
    rank = low._rank(x)
    if one:
        axes = [low._axis(b["axis"], rank, node)]
    else:
        given = low.static(b["axes"], node, "axes")
        given = tuple(range(rank)) if given is None else (given,) if isinstance(given, int) else given
        axes = [low._axis(a, rank, node, "axes") for a in given]
        if len(set(axes)) != len(axes):
            raise low.err(ArgumentError, f"{label}: axes must be unique (SciPy raises ValueError)", node)
    k = len(axes)

    def per_axis(v, what):
        if isinstance(v, (tuple, list)):
            if len(v) != k:
                raise low.err(ArgumentError, f"{label}: {what} needs one entry per axis ({k}); SciPy raises "
                              "RuntimeError", node)
            return list(v)
        return [v] * k

    sizes = [low.static(s, node, "size") for s in per_axis(low.static(b["size"], node, "size"), "size")]
    origins = [low.static(o, node, "origin") for o in per_axis(low.static(b["origin"], node, "origin"), "origin")]
    modes = per_axis(b["mode"], "mode")
    out = x
    for ax, size, origin, mode in zip(axes, sizes, origins, modes):
        if not isinstance(size, int) or size < 1 and one:
            raise low.err(ArgumentError, f"{label}: size must be a positive int known when compiled, not {size!r}",
                          node)
        if size <= 1 and not one:  # SciPy filters only along the axes of sizes above 1
            continue
        if not isinstance(origin, int) or not 0 <= size // 2 + origin < size:
            raise low.err(ArgumentError, f"{label}: invalid origin {origin!r} for size {size} (SciPy raises "
                          "ValueError)", node)
        if mode not in pad_modes:
            raise low.err(UnsupportedSyntaxError, f"{label}: mode={mode!r} is not supported (one of "
                          + ", ".join(sorted(pad_modes)) + ")", node)
        out = _moving_mean(low, out, ax, size, size // 2 + origin, pad_modes[mode], b["cval"], node, call, label)
    return out if out is not x else low.b.emit("astype", [x], dtype=x.type.dtype)  # a copy, as SciPy's


def _moving_mean(low, x, ax, size, left, pad_mode, cval, node, call, label):
    n = low._extent(x, ax, node, label)
    rank = low._rank(x)
    pad = tuple((left, size - 1 - left) if k == ax else (0, 0) for k in range(rank))
    extra = {"constant_values": cval} if pad_mode == "constant" else {}
    padded = call(np.pad, x, pad, mode=pad_mode, **extra) if size > 1 else x
    emit = low.b.emit
    if size <= _TAPS:
        acc = low._slice(padded, ax, 0, n)
        for j in range(1, size):
            acc = emit("add", [acc, low._slice(padded, ax, j, j + n)])
    else:  # a running sum: the differences of the cumulative sum (SciPy's own is a running sum too)
        zero = tuple((1, 0) if k == ax else (0, 0) for k in range(rank))
        c = call(np.cumsum, call(np.pad, padded, zero), axis=ax)
        acc = emit("sub", [low._slice(c, ax, size, size + n), low._slice(c, ax, 0, n)])
    return emit("div", [acc, low.b.const(float(size))])


def _medfilt(low, label, args, kwargs, node, call):
    """medfilt(volume, kernel_size=None): the middle of the sorted values of each window (odd sizes,
    3 by default) of the volume padded with zeros, as SciPy's rank filter computes it."""
    from numpy.lib.stride_tricks import sliding_window_view

    volume, ks = low.bind_args(label, ("volume", "kernel_size"), args, kwargs, node, kernel_size=None)
    x = _array(low, volume, node)
    dt = x.type.dtype
    if not (dt in ("float32", "float64") or dt.startswith("int") or dt.startswith("uint")):
        raise low.err(AdjitTypeError, f"{label}: dtype={dt} is not supported by medfilt (SciPy raises ValueError)",
                      node)
    if low._rank(x) == 0:
        x = low._reshape(x, (1,))
    rank = low._rank(x)
    ks = low.static(ks, node, "kernel_size")
    ks = [3] * rank if ks is None else [ks] * rank if isinstance(ks, int) else list(ks)
    if len(ks) != rank or not all(isinstance(k, int) for k in ks):
        raise low.err(ArgumentError, f"{label}: kernel_size must be an int or one int per axis ({rank})", node)
    if any(k % 2 != 1 for k in ks):
        raise low.err(ArgumentError, f"{label}: each element of kernel_size should be odd (SciPy raises "
                      "ValueError)", node)
    shape = [low._extent(x, a, node, label) for a in range(rank)]
    padded = call(np.pad, x, tuple((k // 2, k // 2) for k in ks))
    windows = call(sliding_window_view, padded, tuple(ks))
    size = int(np.prod(ks))
    flat = low._reshape(windows, tuple(shape) + (size,))
    middle = low._slice(call(np.sort, flat, axis=-1), rank, size // 2, size // 2 + 1)
    return low._reshape(middle, tuple(shape))
