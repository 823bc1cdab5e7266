"""scipy.interpolate.CubicSpline made in the function and called there, as SciPy computes it:

    s = CubicSpline(x, y, axis=0, bc_type="not-a-knot", extrapolate=None)
    s(x_new, nu=0)

- the slopes at the knots from SciPy's linear system (`_cubic.py`): for n >= 4 points the
  tridiagonal one (2 (dx[i-1] + dx[i]) on the diagonal, dx[i-1] above, dx[i] below, the
  not-a-knot rows at both ends, or a clamped / natural end: `bc_type` 'clamped', 'natural' or
  ((1, v), (2, v)) pairs), solved as a dense `np.linalg.solve`; for 3 points with not-a-knot the
  parabola through them; for 2 the straight line;
- the Hermite coefficients (`CubicHermiteSpline`): t = (s[:-1] + s[1:] - 2 slope) / dx,
  c0 = t / dx, c1 = (slope - s[:-1]) / dx - t, c2 = s[:-1], c3 = y[:-1];
- evaluated as PPoly does: the interval `clip(searchsorted(x, x_new, 'right') - 1, 0, n - 2)`
  (the end pieces extrapolate: SciPy's default), c3 + d (c2 + d (c1 + d c0)) with d = x_new - x[i];
  `nu` = 1, 2, 3 the derivatives; `extrapolate=False`: nan outside [x[0], x[-1]].
Everything is rows (diff, solve, searchsorted, take), so the value is differentiable in y, x and
x_new. x must increase (SciPy's ValueError, checked when the function runs); y's axis 0 holds the
points (other axes are carried along); `axis` other than 0, 'periodic' and a length known only at
run time are located errors."""
from __future__ import annotations

import numpy as np

from ..errors import AdjitTypeError, UnsupportedSyntaxError
from ..ir import Value


def is_cubic_spline(func) -> bool:
    return isinstance(func, type) and func.__name__ == "CubicSpline" and \
        (getattr(func, "__module__", "") or "").startswith("scipy.interpolate")


class CubicSplineValue:
    """A CubicSpline made in the function: its knots and piecewise coefficients, lowered."""

    def __init__(self, x, coeffs, extrapolate):
        self.x, self.coeffs, self.extrapolate = x, coeffs, extrapolate
        self.__name__ = "a CubicSpline object"


class Splines:
    """The Lowerer's scipy.interpolate.CubicSpline."""

    def _bc(self, bc, node):
        """One end's condition: 'not-a-knot', or (order, value) with order 1 or 2."""
        if bc == "not-a-knot":
            return bc
        if bc == "clamped":
            return (1, 0.0)
        if bc == "natural":
            return (2, 0.0)
        if isinstance(bc, tuple) and len(bc) == 2 and self.static(bc[0], node, "bc_type's order") in (1, 2):
            return (self.static(bc[0], node, "bc_type's order"), bc[1])
        raise self.err(UnsupportedSyntaxError, f"CubicSpline(bc_type={bc!r}) is not supported", node,
                       hint="'not-a-knot', 'clamped', 'natural' or ((1, value), (2, value)) pairs")

    def make_cubic_spline(self, args, kwargs, node) -> CubicSplineValue:
        """(Over 80 lines: SciPy's three systems (2, 3 and n points) and its end conditions, written
        out as SciPy writes them, so that each row can be read against _cubic.py.)"""
        x, y, axis, bc_type, extrapolate = self.bind_args(
            "CubicSpline", ("x", "y", "axis", "bc_type", "extrapolate"), args, kwargs, node, axis=0,
            bc_type="not-a-knot", extrapolate=None)
        if self.static(axis, node, "axis") not in (0, None):
            raise self.err(UnsupportedSyntaxError, "CubicSpline(axis=...) other than 0", node,
                           hint="np.moveaxis(y, axis, 0) first, and move the result's axis back")
        bcs = bc_type if isinstance(bc_type, tuple) and len(bc_type) == 2 and not isinstance(bc_type[0], int) \
            else (bc_type, bc_type)
        if any(b == "periodic" for b in bcs):
            raise self.err(UnsupportedSyntaxError, "CubicSpline(bc_type='periodic') is not supported", node,
                           hint="'not-a-knot', 'clamped' or 'natural'")
        start, end = (self._bc(b, node) for b in bcs)
        extrapolate = True if extrapolate is None else self.static(extrapolate, node, "extrapolate")
        if extrapolate == "periodic":
            raise self.err(UnsupportedSyntaxError, "CubicSpline(extrapolate='periodic') is not supported", node)
        x, y = self.value(self.array_like(x, node), node), self.value(self.array_like(y, node), node)
        if x.type.kind != "array" or x.type.rank != 1 or y.type.kind != "array":
            raise self.err(AdjitTypeError, "CubicSpline takes a 1-D x and an array y", node)
        x, y = (v if v.type.dtype in ("float32", "float64") else self.b.emit("astype", [v], dtype="float64")
                for v in (x, y))
        n = self._shape(x)[0]
        if n is None or self._shape(y)[0] != n:
            raise self.err(AdjitTypeError, "CubicSpline: x and y must have one length, known when the call is "
                           "compiled", node)
        if n < 2:
            raise self.err(AdjitTypeError, "CubicSpline: `x` must contain at least 2 elements (SciPy raises "
                           "ValueError)", node)
        emit, const = self.b.emit, self.b.const

        def call(f, *a, **kw):
            return self.call_value(f, list(a), kw, node)

        def at(v, k):
            return self._take(v, 0, k)

        rest = y.type.rank - 1
        dx = call(np.diff, x)
        self.at(node)
        emit("check", [call(np.all, emit("gt", [dx, const(0.0)]))], exc="ValueError",
             msg="`x` must be strictly increasing sequence.")
        dxr = call(np.reshape, dx, (n - 1,) + (1,) * rest) if rest else dx
        slope = emit("div", [call(np.diff, y, axis=0), dxr])
        if n == 2:
            start = (1, at(slope, 0)) if start == "not-a-knot" else start
            end = (1, at(slope, 0)) if end == "not-a-knot" else end

        def row(v):  # one row of b (y's trailing shape) as a (1, ...) block
            v = self.value(v, node)
            if v.type.kind == "scalar" and rest:
                v = emit("broadcast_to", [v, emit("tuple", [const(d) for d in self._shape(y)[1:]])])
            return call(np.expand_dims, v, 0)

        three = lambda a, b: emit("mul", [const(3.0), emit("add", [a, b])])  # noqa: E731
        if n == 3 and start == "not-a-knot" and end == "not-a-knot":
            d0, d1 = at(dx, 0), at(dx, 1)
            zero, one = const(0.0), const(1.0)
            A = call(np.array, ((one, one, zero), (d1, emit("mul", [const(2.0), emit("add", [d0, d1])]), d0),
                                (zero, one, one)))
            b = call(np.concatenate, (row(emit("mul", [const(2.0), at(slope, 0)])),
                                      row(three(emit("mul", [at(dxr, 0), at(slope, 1)]),
                                                emit("mul", [at(dxr, 1), at(slope, 0)]))),
                                      row(emit("mul", [const(2.0), at(slope, 1)]))))
        else:
            main = emit("mul", [const(2.0), emit("add", [self._lane(dx, 0, None, -1), self._lane(dx, 0, 1, None)])])
            upper, lower = self._lane(dx, 0, None, -1), self._lane(dx, 0, 1, None)
            mid = three(emit("mul", [self._lane(dxr, 0, 1, None), self._lane(slope, 0, None, -1)]),
                        emit("mul", [self._lane(dxr, 0, None, -1), self._lane(slope, 0, 1, None)])) if n > 2 else None
            if start == "not-a-knot":
                d = emit("sub", [at(x, 2), at(x, 0)])
                m0, u0 = at(dx, 1), d
                b0 = emit("div", [emit("add", [emit("mul", [emit("mul", [emit("add", [at(dxr, 0), emit(
                    "mul", [const(2.0), d])]), at(dxr, 1)]), at(slope, 0)]), emit("mul", [emit(
                        "mul", [at(dxr, 0), at(dxr, 0)]), at(slope, 1)])]), d])
            elif start[0] == 1:
                m0, u0, b0 = const(1.0), const(0.0), start[1]
            else:
                m0, u0 = emit("mul", [const(2.0), at(dx, 0)]), at(dx, 0)
                b0 = emit("add", [emit("mul", [emit("mul", [const(-0.5), self.value(start[1], node)]),
                                               emit("mul", [at(dx, 0), at(dx, 0)])]),
                                  emit("mul", [const(3.0), emit("sub", [at(y, 1), at(y, 0)])])])
            if end == "not-a-knot":
                d = emit("sub", [at(x, n - 1), at(x, n - 3)])
                mn, ln = at(dx, n - 3), d
                bn = emit("div", [emit("add", [emit("mul", [emit("mul", [at(dxr, n - 2), at(dxr, n - 2)]),
                                                            at(slope, n - 3)]),
                                               emit("mul", [emit("mul", [emit("add", [emit("mul", [const(2.0), d]),
                                                                                      at(dxr, n - 2)]),
                                                                         at(dxr, n - 3)]), at(slope, n - 2)])]), d])
            elif end[0] == 1:
                mn, ln, bn = const(1.0), const(0.0), end[1]
            else:
                mn, ln = emit("mul", [const(2.0), at(dx, n - 2)]), at(dx, n - 2)
                bn = emit("add", [emit("mul", [emit("mul", [const(0.5), self.value(end[1], node)]),
                                               emit("mul", [at(dx, n - 2), at(dx, n - 2)])]),
                                  emit("mul", [const(3.0), emit("sub", [at(y, n - 1), at(y, n - 2)])])])
            one = (1,)
            main = call(np.concatenate, (call(np.reshape, self.value(m0, node), one), main,
                                         call(np.reshape, self.value(mn, node), one)))
            upper = call(np.concatenate, (call(np.reshape, self.value(u0, node), one), upper))
            lower = call(np.concatenate, (lower, call(np.reshape, self.value(ln, node), one)))
            A = emit("add", [call(np.diag, main), emit("add", [call(np.diag, upper, 1), call(np.diag, lower, -1)])])
            b = call(np.concatenate, tuple(p for p in (row(b0), mid, row(bn)) if p is not None))
        s = call(np.linalg.solve, A, b)
        t = emit("div", [emit("sub", [emit("add", [self._lane(s, 0, None, -1), self._lane(s, 0, 1, None)]),
                                      emit("mul", [const(2.0), slope])]), dxr])
        c0 = emit("div", [t, dxr])
        c1 = emit("sub", [emit("div", [emit("sub", [slope, self._lane(s, 0, None, -1)]), dxr]), t])
        return CubicSplineValue(x, (c0, c1, self._lane(s, 0, None, -1), self._lane(y, 0, None, -1)), bool(extrapolate))

    def call_cubic_spline(self, f: CubicSplineValue, args, kwargs, node):
        q, nu, extrapolate = self.bind_args("a CubicSpline object", ("x", "nu", "extrapolate"), args, kwargs, node,
                                            nu=0, extrapolate=None)
        nu = self.static(nu, node, "nu")
        if nu not in (0, 1, 2, 3):
            raise self.err(UnsupportedSyntaxError, f"a CubicSpline's derivative of order {nu!r}", node,
                           hint="nu = 0, 1, 2 or 3")
        extrapolate = f.extrapolate if extrapolate is None else bool(self.static(extrapolate, node, "extrapolate"))
        q = self.value(self.array_like(q, node), node)
        if q.type.dtype not in ("float32", "float64"):
            q = self.b.emit("astype", [q], dtype="float64")
        emit, const = self.b.emit, self.b.const
        n = self._shape(f.x)[0]
        qrank = q.type.rank if q.type.kind == "array" else 0
        trailing = f.coeffs[0].type.rank - 1

        def along(v):  # a value of q's shape against the coefficients' trailing axes
            return emit("expand_dims", [v], axis=tuple(range(qrank, qrank + trailing))) if trailing else v

        i = self.call_value(np.clip, [emit("sub", [self.call_value(np.searchsorted, [f.x, q], {"side": "right"}, node),
                                                   const(1)]), const(0), const(n - 2)], {}, node)
        d = along(emit("sub", [q, self.call_value(np.take, [f.x, i], {}, node)]))
        c = [self.call_value(np.take, [ck, i], {"axis": 0}, node) for ck in f.coeffs]
        # the polynomial c0 d^3 + c1 d^2 + c2 d + c3 and its derivatives, Horner's way
        scaled = {0: (c[0], c[1], c[2], c[3]), 1: (None, emit("mul", [const(3.0), c[0]]),
                                                   emit("mul", [const(2.0), c[1]]), c[2]),
                  2: (None, None, emit("mul", [const(6.0), c[0]]), emit("mul", [const(2.0), c[1]])),
                  3: (None, None, None, emit("mul", [const(6.0), c[0]]))}[nu]
        out = None
        for ck in scaled:
            if ck is None:
                continue
            out = ck if out is None else emit("add", [emit("mul", [out, d]), ck])
        if extrapolate:
            return out
        first, last = self.call_value(np.take, [f.x, const(0)], {}, node), self.call_value(np.take, [f.x, const(n - 1)],
                                                                                          {}, node)
        outside = along(emit("logical_or", [emit("lt", [q, first]), emit("gt", [q, last])]))
        return emit("where", [outside, const(np.nan), out])
