"""Polynomial coefficients and objects, as NumPy computes them:

- `np.polyder(p, m=1)`, `np.polyint(p, m=1, k=0)` of coefficients highest power first;
  `numpy.polynomial.polynomial.polyder(c, m=1, scl=1)` / `polyint(c, m=1, k=0, lbnd=0, scl=1)` of
  coefficients lowest power first: multiplications and divisions by the powers (differentiable in
  the coefficients), for a coefficient vector of a length known when compiled.
- `np.polymul(a1, a2)`: the convolution of the coefficients (np.convolve's full product), after
  NumPy's trimming of leading zeros: known zeros are trimmed when compiled; a leading coefficient
  computed at run time is checked to be nonzero (NumPy would trim it and return a shorter array).
  `np.polyadd(a1, a2)` / `np.polysub(a1, a2)`: the shorter operand padded with leading zeros.
  A poly1d operand gives a poly1d, as in NumPy.
- `np.poly1d(c)` and `numpy.polynomial.Polynomial(c)` made in the function: objects holding their
  coefficients; calling one is np.polyval / polynomial.polyval; `.deriv(m)`, `.integ(m)` make
  new ones; `.coeffs`/`.c`/`.coef` and `.order`/`.degree()` read them. A Polynomial with another
  domain or window maps x first (off + scl x), as NumPy does. Roots (`poly1d(r, r=True)`,
  `.roots`), fitting and arithmetic between the objects are located errors."""
from __future__ import annotations

import numpy as np

from ...errors import AdjitTypeError, UnsupportedSyntaxError
from ...ir import Value
from .base import FormsBase

_P = np.polynomial.polynomial

FORMS: dict = {
    "polyder": ((np.polyder,), (), "`p[:-1] * [n-1, ..., 1]`, `m` times (highest power first)"),
    "polyint": ((np.polyint,), (), "`[p / [n, ..., 1], k]`, `m` times"),
    "P_polyder": ((_P.polyder,), (), "`c[1:] * [1, ..., n-1] * scl`, `m` times (lowest power first)"),
    "P_polyint": ((_P.polyint,), (), "`[k - value at lbnd, c / [1, ..., n] * scl]`, `m` times"),
    "polymul": ((np.polymul,), (), "np.convolve of the coefficients after NumPy's trimming of leading zeros "
                                   "(a leading coefficient computed at run time is checked nonzero)"),
    "polyadd": ((np.polyadd,), (), "the shorter coefficients padded with leading zeros, then added"),
    "polysub": ((np.polysub,), (), "the shorter coefficients padded with leading zeros, then subtracted"),
    "poly1d": ((np.poly1d,), (), "an object of the coefficients: calling it is `np.polyval`; `.deriv`, "
                                 "`.integ`, `.coeffs`, `.order`"),
    "Polynomial": ((np.polynomial.Polynomial,), (), "an object of the coefficients: calling it is "
                                                    "`polynomial.polyval` of `off + scl x` (domain/window); "
                                                    "`.deriv`, `.integ`, `.coef`, `.degree()`"),
}


class PolyObject:
    """A poly1d or Polynomial made in the function; `high` says which power comes first."""

    def __init__(self, coef: Value, high: bool, mapping, n: int):
        self.coef, self.high, self.mapping, self.n = coef, high, mapping, n
        self.__name__ = "a np.poly1d" if high else "a numpy.polynomial.Polynomial"

    # attributes NumPy programs read (the frontend reads them with getattr)
    @property
    def coeffs(self):
        return self.coef

    c = coefficients = coeffs

    @property
    def order(self):
        return self.n - 1

    # methods: lowered by PolynomialForms.poly_method (the frontend calls them through pybuiltins)
    def deriv(self, *args, **kwargs):
        raise NotImplementedError

    def integ(self, *args, **kwargs):
        raise NotImplementedError

    def degree(self, *args, **kwargs):
        raise NotImplementedError


class PolynomialForms(FormsBase):
    def _coefficients(self, c, node, label) -> Value:
        c = self.value(self.array_like(c, node), node)
        if c.type.kind == "scalar":
            c = self.b.emit("stack", [c], axis=0)
        if c.type.kind != "array" or c.type.rank != 1:
            raise self.err(AdjitTypeError, f"{label}: the coefficients must be a 1-D array or a list", node)
        if c.type.dtype not in ("float32", "float64"):
            c = self.b.emit("astype", [c], dtype="float64")
        self._extent(c, 0, node, label)  # a length known when compiled
        return c

    def _powers(self, start, stop, step, node):
        return self.b.emit("astype", [self.b.emit("arange", [self.value(start, node), self.value(stop, node),
                                                             self.value(step, node)])], dtype="float64")

    def _der(self, c, high, scl, node, label):
        n = self._extent(c, 0, node, label)
        if n <= 1:  # a constant: NumPy's [0.]
            return self.b.emit("mul", [c, self.value(0.0, node)])
        if high:
            out = self.b.emit("mul", [self._lane(c, 0, None, n - 1), self._powers(n - 1, 0, -1, node)])
        else:
            out = self.b.emit("mul", [self._lane(c, 0, 1, None), self._powers(1, n, 1, node)])
        return out if scl == 1 else self.b.emit("mul", [out, self.value(scl, node)])

    def _int(self, c, high, k, lbnd, scl, node, label):
        n = self._extent(c, 0, node, label)
        k = self.value(k, node)
        if high:
            body = self.b.emit("div", [c, self._powers(n, 0, -1, node)])
            return self.b.emit("concatenate", [body, self.b.emit("stack", [self.b.emit("astype", [k], dtype="float64")],
                                                                 axis=0)], axis=0)
        body = self.b.emit("div", [c, self._powers(1, n + 1, 1, node)])
        if scl != 1:
            body = self.b.emit("mul", [body, self.value(scl, node)])
        tail = self.b.emit("concatenate", [self.b.emit("stack", [self.value(0.0, node)], axis=0), body], axis=0)
        at = self._horner(tail, self.value(lbnd, node), False, node, label)
        first = self.b.emit("sub", [self.b.emit("astype", [k], dtype="float64"), at])
        return self.b.emit("concatenate", [self.b.emit("stack", [first], axis=0), body], axis=0)

    def _times(self, m, node):
        m = self.static(m, node, "m")
        if not isinstance(m, int) or m < 0:
            raise self.err(AdjitTypeError, "the order m must be a non-negative int known when compiled", node)
        return m

    def form_polyder(self, label, args, kwargs, node):
        p, m = self.bind_args(label, ("p", "m"), args, kwargs, node, m=1)
        c = self._coefficients(p, node, label)
        for _ in range(self._times(m, node)):
            c = self._der(c, True, 1, node, label)
        return c

    def form_polyint(self, label, args, kwargs, node):
        p, m, k = self.bind_args(label, ("p", "m", "k"), args, kwargs, node, m=1, k=None)
        c = self._coefficients(p, node, label)
        m = self._times(m, node)
        ks = (0.0,) * m if k is None else (k if isinstance(k, tuple) else (k,) * m)
        for j in range(m):
            c = self._int(c, True, ks[j], 0.0, 1, node, label)
        return c

    def form_P_polyder(self, label, args, kwargs, node):
        c, m, scl, axis = self.bind_args(label, ("c", "m", "scl", "axis"), args, kwargs, node, m=1, scl=1, axis=0)
        if self.static(axis, node, "axis") != 0:
            raise self.err(UnsupportedSyntaxError, f"{label}: axis other than 0", node)
        c = self._coefficients(c, node, label)
        for _ in range(self._times(m, node)):
            c = self._der(c, False, scl, node, label)
        return c

    def form_P_polyint(self, label, args, kwargs, node):
        c, m, k, lbnd, scl, axis = self.bind_args(label, ("c", "m", "k", "lbnd", "scl", "axis"), args, kwargs, node,
                                                  m=1, k=(), lbnd=0, scl=1, axis=0)
        if self.static(axis, node, "axis") != 0:
            raise self.err(UnsupportedSyntaxError, f"{label}: axis other than 0", node)
        c = self._coefficients(c, node, label)
        m = self._times(m, node)
        ks = k if isinstance(k, tuple) else (k,)
        ks = tuple(ks) + (0.0,) * (m - len(ks))
        for j in range(m):
            c = self._int(c, False, ks[j], lbnd, scl, node, label)
        return c

    def _poly_operand(self, a, node, label):
        """(coefficients, was a poly1d) of a polymul/polyadd operand."""
        if isinstance(a, PolyObject):
            if not a.high:
                raise self.err(AdjitTypeError, f"{label} takes np.poly1d objects or coefficient arrays", node)
            return a.coef, True
        return self._coefficients(a, node, label), False

    def _lead_trimmed(self, c, node, label):
        """np.poly1d's trim of leading zeros: known zeros go when compiled; a leading coefficient
        computed at run time must be nonzero (else NumPy's product would be shorter)."""
        items, n = self._leading_known(c), self._extent(c, 0, node, label)
        k = 0
        while k < n - 1 and k < len(items) and items[k] == 0:
            k += 1
        if k:
            c = self._lane(c, 0, k, None)
        if k < len(items) and (items[k] != 0 or k == n - 1):
            return c  # a known nonzero leading coefficient (or NumPy's [0.] of all zeros)
        lead = self._take(c, 0, 0)
        self.b.emit("check", [self.b.emit("ne", [lead, self.b.const(0.0)])], exc="ValueError",
                    msg=f"{label}: a leading coefficient is 0 here; NumPy trims it and its product is shorter "
                        "than the one compiled: trim the coefficients (c[1:]) before the call")
        return c

    def _leading_known(self, c) -> list:
        """The numbers written as constants at the front of a 1-D array built from items
        (`np.array([0.0, 1.0, k])`: [0.0, 1.0]), up to the first computed one."""
        producer = next((op for op in reversed(self.b.ops) if c in op.outputs), None)
        out = []
        for x in producer.inputs if producer is not None and producer.prim == "stack" else ():
            made = next((op for op in reversed(self.b.ops) if x in op.outputs), None)
            while made is not None and made.prim == "astype":
                made = next((op for op in reversed(self.b.ops) if made.inputs[0] in op.outputs), None)
            if made is None or made.prim != "const" or not isinstance(made.attrs["value"], (int, float)):
                break
            out.append(made.attrs["value"])
        return out

    def _poly_wrap(self, c, poly, node, label):
        return PolyObject(c, True, (0.0, 1.0), self._extent(c, 0, node, label)) if poly else c

    def form_polymul(self, label, args, kwargs, node):
        a1, a2 = self.bind_args(label, ("a1", "a2"), args, kwargs, node)
        (c1, p1), (c2, p2) = self._poly_operand(a1, node, label), self._poly_operand(a2, node, label)
        c1, c2 = self._lead_trimmed(c1, node, label), self._lead_trimmed(c2, node, label)
        return self._poly_wrap(self._conv(label, c1, c2, "full", node), p1 or p2, node, label)

    def _padded_pair(self, a1, a2, node, label):
        (c1, p1), (c2, p2) = self._poly_operand(a1, node, label), self._poly_operand(a2, node, label)
        n1, n2 = self._extent(c1, 0, node, label), self._extent(c2, 0, node, label)
        if c1.type.dtype != c2.type.dtype:
            c1, c2 = (self.b.emit("astype", [c], dtype="float64") for c in (c1, c2))

        def pad(c, k):
            zeros = self.b.emit("zeros", [self._const_shape((k,))], dtype=c.type.dtype)
            return self.b.emit("concatenate", [zeros, c], axis=0)
        c1, c2 = (pad(c1, n2 - n1), c2) if n2 > n1 else (c1, pad(c2, n1 - n2) if n1 > n2 else c2)
        return c1, c2, p1 or p2

    def form_polyadd(self, label, args, kwargs, node):
        a1, a2 = self.bind_args(label, ("a1", "a2"), args, kwargs, node)
        c1, c2, poly = self._padded_pair(a1, a2, node, label)
        return self._poly_wrap(self.b.emit("add", [c1, c2]), poly, node, label)

    def form_polysub(self, label, args, kwargs, node):
        a1, a2 = self.bind_args(label, ("a1", "a2"), args, kwargs, node)
        c1, c2, poly = self._padded_pair(a1, a2, node, label)
        return self._poly_wrap(self.b.emit("sub", [c1, c2]), poly, node, label)

    def form_poly1d(self, label, args, kwargs, node):
        c, r, variable = self.bind_args(label, ("c_or_r", "r", "variable"), args, kwargs, node, r=False, variable=None)
        if self.static(r, node, "r"):
            raise self.err(UnsupportedSyntaxError, "np.poly1d of roots (r=True)", node,
                           hint="expand the product: np.poly1d([1, -r0]) coefficients by np.convolve")
        if isinstance(c, PolyObject):
            return c
        c = self._coefficients(c, node, label)
        return PolyObject(c, True, (0.0, 1.0), self._extent(c, 0, node, label))

    def form_Polynomial(self, label, args, kwargs, node):
        c, domain, window, symbol = self.bind_args(label, ("coef", "domain", "window", "symbol"), args, kwargs, node,
                                                   domain=None, window=None, symbol="x")
        dom = (-1.0, 1.0) if domain is None else tuple(float(v) for v in self.static(domain, node, "domain"))
        win = (-1.0, 1.0) if window is None else tuple(float(v) for v in self.static(window, node, "window"))
        off, scl = np.polynomial.polyutils.mapparms(dom, win)
        c = self._coefficients(c, node, label)
        return PolyObject(c, False, (float(off), float(scl)), self._extent(c, 0, node, label))

    # -- the objects
    def poly_call(self, p: PolyObject, args, kwargs, node):
        if len(args) != 1 or kwargs:
            raise self.err(AdjitTypeError, f"{p.__name__} takes the points", node)
        x = self.value(self.array_like(args[0], node), node)
        off, scl = p.mapping
        if (off, scl) != (0.0, 1.0):
            x = self.b.emit("add", [self.value(off, node), self.b.emit("mul", [self.value(scl, node), x])])
        return self._horner(p.coef, x, p.high, node, p.__name__)

    def _horner(self, c, x, high: bool, node, label):
        """The polynomial of coefficients c (highest power first when `high`) at x: Horner's scheme,
        as np.polyval and polynomial.polyval compute it."""
        n = self._extent(c, 0, node, label)
        order = range(n) if high else range(n - 1, -1, -1)
        y = None
        for k in order:
            ck = self._take(c, 0, k)
            y = ck if y is None else self.b.emit("add", [self.b.emit("mul", [y, x]), ck])
        if x.type.kind == "array":  # a constant polynomial at an array: an array of x's shape
            y = self.b.emit("add", [y, self.b.emit("mul", [x, self.value(0.0, node)])])
        return y

    def poly_method(self, p: PolyObject, name: str, args, kwargs, node):
        label = f"{'poly1d' if p.high else 'Polynomial'}.{name}"
        if name == "deriv":
            (m,) = self.bind_args(label, ("m",), args, kwargs, node, m=1)
            c = p.coef
            for _ in range(self._times(m, node)):
                c = self._der(c, p.high, 1 if p.high else p.mapping[1], node, label)
            return PolyObject(c, p.high, p.mapping, self._extent(c, 0, node, label))
        if name == "integ":
            m, k = self.bind_args(label, ("m", "k"), args, kwargs, node, m=1, k=0.0 if p.high else ())
            m = self._times(m, node)
            ks = k if isinstance(k, tuple) else (k,) * m
            ks = tuple(ks) + (0.0,) * (m - len(ks))
            c = p.coef
            for j in range(m):
                c = self._int(c, p.high, ks[j], 0.0, 1 if p.high else 1.0 / p.mapping[1], node, label)
            return PolyObject(c, p.high, p.mapping, self._extent(c, 0, node, label))
        if name == "degree" and not args and not kwargs:
            return self._extent(p.coef, 0, node, label) - 1
        raise self.err(UnsupportedSyntaxError, f"{label}() is not supported", node,
                       hint="call the object, or use .deriv()/.integ()/.coef")
