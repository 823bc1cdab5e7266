"""np.fft (and scipy.fft) transforms as products with the DFT matrix, on complexvals.py's pairs.

`np.fft.fft(x)` along the last axis (or `axis=`) is `x @ F` with F[j, k] = exp(-2 pi i jk / n):
the cosine and sine matrices are computed from `(j * k) % n` (exact integers, so every angle is
in [0, 2 pi)), and the product is one real matmul per part. Values agree with NumPy's FFT to
rounding (about 1e-15 relative); derivatives are exact for the product, which is the transform.
O(n^2) work and an n x n matrix per transform, so n is bounded (MAX_N): a longer transform is a
located error. Covered: fft, ifft, rfft, irfft (n= cropping or zero-padding as NumPy does, axis=,
norm= of "backward", "ortho", "forward"), fft2 and ifft2 (s=, axes=: the 1-D transforms along each
axis), fftfreq and rfftfreq (numbers known when compiled). fftn, rfft2 and the Hermitian transforms
are located errors.
"""
from __future__ import annotations

import ast
import math

import numpy as np

from ..errors import AdjitTypeError, UnsupportedSyntaxError
from ..ir import Value
from .values import _is_number

MAX_N = 4096


def _funcs():
    return {np.fft.fft: "fft", np.fft.ifft: "ifft", np.fft.rfft: "rfft", np.fft.irfft: "irfft",
            np.fft.fftfreq: "fftfreq", np.fft.rfftfreq: "rfftfreq", np.fft.fftshift: "fftshift",
            np.fft.ifftshift: "ifftshift"}


def _scipy_fft(func):
    """The name of scipy.fft's function `func` when FFT has it, else None; scipy.fft is imported
    only when a program calls it (importing it with adjit would import scipy.special:
    tests/compiler/test_startup.py)."""
    module = getattr(func, "__module__", None) or ""
    name = getattr(func, "__name__", "")
    if not module.startswith("scipy.fft") or name not in _NAMES:
        return None
    import scipy.fft

    return name if getattr(scipy.fft, name, None) is func else None


FFT = _funcs()
_NAMES = set(FFT.values()) | {"fft2", "ifft2"}
OTHER = {getattr(np.fft, n) for n in ("fftn", "ifftn", "rfft2", "irfft2", "rfftn", "irfftn", "hfft", "ihfft")}
TWO_D = {np.fft.fft2: np.fft.fft, np.fft.ifft2: np.fft.ifft}  # along each of the two axes in turn


def is_fft(func) -> bool:
    try:
        return func in FFT or func in OTHER or func in TWO_D or _scipy_fft(func) is not None
    except TypeError:
        return False


def lower_fft(low, func, args, kwargs, node):
    scipy_name = _scipy_fft(func)
    if scipy_name is not None:  # scipy.fft.rfft: NumPy's of that name (the same transforms and defaults)
        func = getattr(np.fft, scipy_name)
    if func in TWO_D:  # fft2(x, s=None, axes=(-2, -1), norm=None): the 1-D transform along each axis
        x, s, axes, norm = low.bind_args(f"np.fft.{func.__name__}", ("a", "s", "axes", "norm"), args, kwargs, node,
                                         s=None, axes=(-2, -1), norm=None)
        axes = tuple(low.static(axes, node, "axes"))
        sizes = (None,) * len(axes) if s is None else tuple(low.static(s, node, "s"))
        if len(sizes) != len(axes):
            raise low.err(AdjitTypeError, f"np.fft.{func.__name__}: s and axes must have the same length", node)
        for ax, size in reversed(list(zip(axes, sizes))):
            x = _lower_1d(low, TWO_D[func], [x], {"n": size, "axis": ax, "norm": norm}, node)
        return x
    return _lower_1d(low, func, args, kwargs, node)


def _lower_1d(low, func, args, kwargs, node):
    """A call of one of FFT's 1-D functions, lowered by `low` (the Lowerer).

    (Over 80 lines: the frequency and shift helpers, then the transforms' shared argument checks
    and the four DFT products, each a few lines.)"""
    if func in OTHER or func not in FFT:
        raise low.err(UnsupportedSyntaxError, f"`np.fft.{func.__name__}` is not supported by adjit (fft, ifft, "
                      "rfft, irfft along one axis, and fft2, ifft2, are)", node,
                      hint="apply the 1-D transform along each axis in turn")
    kind = FFT[func]
    label = f"np.fft.{kind}"
    if kind in ("fftfreq", "rfftfreq"):
        n, d = low.bind_args(label, ("n", "d"), args, kwargs, node, d=1.0)
        n = int(low.static(n, node, "n of fftfreq"))
        freqs = (np.fft.fftfreq if kind == "fftfreq" else np.fft.rfftfreq)(n, d if _is_number(d) else 1.0)
        out = low._build(tuple(float(f) for f in freqs), node)
        return out if _is_number(d) else low.binop(ast.Div, out, d, node)
    if kind in ("fftshift", "ifftshift"):
        x, axes = low.bind_args(label, ("x", "axes"), args, kwargs, node, axes=None)
        parts = list(low.cx_array_parts(x, node))
        first = next(p for p in parts if isinstance(p, Value))
        rank = first.type.rank
        axes = tuple(range(rank)) if axes is None else (axes,) if _is_number(axes) else tuple(axes)
        for a in axes:
            size = low.b.aval(first).shape[a]
            if size is None:
                raise low.err(UnsupportedSyntaxError, f"{label} of an axis whose length is known only when the "
                              "function runs", node)
            shift = size // 2 if kind == "fftshift" else -(size // 2)
            parts = [None if p is None else low.call_value(np.roll, [p, shift], {"axis": a}, node) for p in parts]
        return low.cx(*parts) if parts[1] is not None else parts[0]
    x, n, axis, norm = low.bind_args(label, ("a", "n", "axis", "norm"), args, kwargs, node, n=None, axis=-1,
                                     norm=None)
    axis = low.static(axis, node, "axis")
    norm = "backward" if norm is None else norm
    if norm not in ("backward", "ortho", "forward"):
        raise low.err(AdjitTypeError, f"{label}: norm must be 'backward', 'ortho' or 'forward', not {norm!r}", node)
    re, im = low.cx_full(x, node) if not isinstance(x, Value) else (x, None)
    re = low.value(re, node)
    rank = re.type.rank if re.type.kind == "array" else 0
    if rank == 0:
        raise low.err(AdjitTypeError, f"{label} of a number (NumPy needs at least one dimension)", node)
    ax = axis % rank
    m = low.b.aval(re).shape[ax]
    if m is None:
        raise low.err(UnsupportedSyntaxError, f"{label} of an axis whose length is known only when the function runs",
                      node)
    if kind == "irfft":
        n = 2 * (m - 1) if n is None else int(low.static(n, node, "n"))
    else:
        n = m if n is None else int(low.static(n, node, "n"))
    want = n // 2 + 1 if kind == "irfft" else n
    if want != m and 0 < want:  # NumPy crops the input, or pads it with zeros, to the length the transform takes
        re, im = (None if p is None else _fit(low, p, ax, m, want, node) for p in (re, im))
        m = want
    if n > MAX_N or n < 1:
        raise low.err(UnsupportedSyntaxError, f"{label} of length {n}: adjit computes a transform as a product with "
                      f"the n x n DFT matrix, up to n = {MAX_N}", node)
    if ax != rank - 1:  # along the last axis, moved back after
        re = low.call_value(np.moveaxis, [re, ax, -1], {}, node)
        im = None if im is None else low.call_value(np.moveaxis, [im, ax, -1], {}, node)
    inverse = kind in ("ifft", "irfft")
    scale = {"backward": 1.0 / n if inverse else 1.0, "ortho": 1.0 / math.sqrt(n),
             "forward": 1.0 if inverse else 1.0 / n}[norm]
    cols = n // 2 + 1 if kind == "rfft" else n
    C, S = _dft_matrices(low, n, m if kind == "irfft" else n, cols, node)
    mm = lambda a, b: low.b.emit("matmul", [a, b])  # noqa: E731
    sgn = 1.0 if inverse else -1.0  # exp(sgn * 2 pi i jk / n) = C + sgn * i S
    if kind == "irfft":  # Hermitian: the real part of the full inverse, the middle terms counted twice
        w = np.full(m, 2.0)
        w[0] = 1.0
        if n % 2 == 0:
            w[-1] = 1.0
        wv = low._build(tuple(float(v) for v in w), node)
        a = low.b.emit("mul", [re, wv])
        out = mm(a, C)
        if im is not None:
            out = low.b.emit("sub", [out, mm(low.b.emit("mul", [im, wv]), S)])
        out = low.b.emit("mul", [out, low.b.const(scale)])
        return low.call_value(np.moveaxis, [out, -1, ax], {}, node) if ax != rank - 1 else out
    out_re = mm(re, C)
    out_im = low.b.emit("mul", [mm(re, S), low.b.const(sgn)])
    if im is not None:  # (a + ib)(C + sgn i S) = aC - sgn bS + i(bC + sgn aS)
        out_re = low.b.emit("sub", [out_re, low.b.emit("mul", [mm(im, S), low.b.const(sgn)])])
        out_im = low.b.emit("add", [out_im, mm(im, C)])
    if scale != 1.0:
        out_re, out_im = (low.b.emit("mul", [p, low.b.const(scale)]) for p in (out_re, out_im))
    if ax != rank - 1:
        out_re, out_im = (low.call_value(np.moveaxis, [p, -1, ax], {}, node) for p in (out_re, out_im))
    return low.cx(out_re, out_im)


def _fit(low, p, ax, m, want, node):
    """p cropped to, or padded with zeros at the end to, `want` along axis ax (of extent m)."""
    if want < m:
        index = (("slice", None, None, None),) * ax + (("slice", 1, 2, None),)
        return low.b.emit("getitem", [p, low.b.const(0), low.b.const(want)], index=index)
    widths = tuple((0, want - m) if k == ax else (0, 0) for k in range(p.type.rank))
    return low.call_value(np.pad, [p, widths], {}, node)


def _dft_matrices(low, n, rows, cols, node):
    """cos and sin of 2 pi (j * k mod n) / n for j < rows, k < cols, as IR values (computed by
    the compiled code from integers, so every angle is exact before its cosine)."""
    emit = low.b.emit
    j = emit("reshape", [emit("arange", [low.b.const(0), low.b.const(rows), low.b.const(1)]),
                         low.value((rows, 1), node)])
    k = emit("arange", [low.b.const(0), low.b.const(cols), low.b.const(1)])
    jk = emit("mod", [emit("mul", [j, k]), low.b.const(n)])
    ang = emit("mul", [emit("astype", [jk], dtype="float64"), low.b.const(2.0 * math.pi / n)])
    return emit("cos", [ang]), emit("sin", [ang])
