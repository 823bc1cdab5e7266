"""Calls on complex values (complexvals.py's pairs): NumPy's functions expanded into real ones on
the parts (np.exp, np.abs, np.angle, np.sqrt, np.log, np.tanh, np.prod, np.polyval, ...), linear maps
applied to each part (np.sum, np.reshape, ...), joins and creation with a complex dtype, the multilinear products
(A @ B, np.kron, np.einsum: one real product per choice of parts), np.vdot, np.linalg.solve and
eigvalsh (real matrices of twice the size), and functools.reduce.
A mixin of the Lowerer, entered from the hand-offs of Expressions.call (numpy_form, prim_call,
distribution_call); anything else given a complex value is a located error naming it."""
from __future__ import annotations

import ast
import builtins
import functools
import itertools
import math
import operator
import types

import numpy as np

from .. import primitives as P
from ..errors import AdjitTypeError, UnsupportedSyntaxError
from ..ir import Value
from .complexvals import ComplexPair, _get, _part, complex_part_dtype, holds_complex, is_complex
from .values import _is_number


def _static(x) -> bool:
    return x is None or _is_number(x) or isinstance(x, (complex, np.complexfloating, str)) or \
        type(x) is tuple and all(_static(e) for e in x)


_EXPANDED = {np.exp: "exp", np.abs: "abs", builtins.abs: "abs", np.angle: "angle", np.real: "real",
             np.imag: "imag", np.conj: "conj", np.conjugate: "conj", np.sqrt: "sqrt", np.log: "log",
             np.log10: "log10", np.log2: "log2", np.square: "square", np.sin: "sin", np.cos: "cos",
             np.negative: "neg", np.positive: "pos", np.add: "add", np.subtract: "sub", np.multiply: "mul",
             np.divide: "div", np.power: "pow", np.matmul: "multi", np.dot: "multi", np.outer: "multi",
             np.kron: "multi", np.inner: "multi", np.tensordot: "multi", np.einsum: "multi", np.vdot: "vdot",
             np.where: "where", complex: "complex", np.complex128: "complex", np.complex64: "complex",
             functools.reduce: "reduce", np.iscomplexobj: "iscomplexobj", np.linalg.solve: "solve",
             np.linalg.eigvalsh: "eigvalsh", np.sinh: "sinh", np.cosh: "cosh", np.tanh: "tanh", np.tan: "tan", np.prod: "prod",
             np.convolve: "multi", np.correlate: "correlate", np.polyval: "polyval"}


# the same linear map applied to each part (the other arguments real: axes, shapes, counts)


_LINEAR = {np.sum, np.mean, np.cumsum, np.transpose, np.reshape, np.ravel, np.squeeze, np.expand_dims, np.flip,
           np.fliplr, np.flipud, np.roll, np.diff, np.trace, np.diag, np.diagonal, np.swapaxes, np.moveaxis,
           np.broadcast_to, np.tile, np.repeat, np.triu, np.tril, np.copy, np.atleast_1d, np.atleast_2d}


# joins: every item made complex, each part joined


_JOINS = {np.concatenate, np.stack, np.vstack, np.hstack, np.column_stack, np.array, np.asarray}


_SHAPES = {builtins.len, np.shape, np.size, np.ndim}


_CREATE = {np.zeros: "zeros", np.ones: "ones", np.empty: "zeros", np.full: "full", np.eye: "eye",
           np.identity: "eye", np.zeros_like: "zeros_like", np.ones_like: "ones_like", np.empty_like: "zeros_like",
           np.full_like: "full_like"}


_PY_OPS = {operator.add: ast.Add, operator.sub: ast.Sub, operator.mul: ast.Mult, operator.truediv: ast.Div,
           operator.matmul: ast.MatMult, operator.pow: ast.Pow}


def _name_of(func) -> str:
    name = getattr(func, "__name__", None) or type(func).__name__
    mod = getattr(func, "__module__", None) or ("numpy" if isinstance(func, np.ufunc) else "")
    sub = mod.split(".")[1] if mod.count(".") and mod.startswith("numpy.") else ""
    if sub in ("linalg", "fft", "random", "polynomial"):  # np.linalg.eigh, not np.eigh
        return f"np.{sub}.{name}"
    return f"np.{name}" if mod.startswith("numpy") else name


class ComplexCalls:
    """The Lowerer's calls given or making complex values (see the module docstring)."""

    def array_args(self, func, args, kwargs, node, params=None):
        if holds_complex(tuple(args)) or holds_complex(tuple(kwargs.values())):
            return args, kwargs  # np.asarray of a list of complex items: expand() below
        return super().array_args(func, args, kwargs, node, params)

    def _involved(self, func, args, kwargs) -> bool:
        return holds_complex(tuple(args)) or holds_complex(tuple(kwargs.values())) or \
            complex_part_dtype(kwargs.get("dtype")) is not None or \
            any(complex_part_dtype(a) is not None for a in args if isinstance(a, (type, np.dtype)))

    def numpy_form(self, func, args, kwargs, node):
        if self._involved(func, args, kwargs):
            return self.complex_call(func, args, kwargs, node)
        return super().numpy_form(func, args, kwargs, node)

    def prim_call(self, prim, func, args, kwargs, node):
        if self._involved(func, args, kwargs):
            return self.complex_call(func, args, kwargs, node)
        return super().prim_call(prim, func, args, kwargs, node)

    def distribution_call(self, func, args, kwargs, node):
        if _get(_EXPANDED, func) in ("real", "imag", "conj", "angle", "vdot", "complex", "reduce", "iscomplexobj") \
                or self._involved(func, args, kwargs):
            return self.complex_call(func, args, kwargs, node)
        return super().distribution_call(func, args, kwargs, node)

    def cx_refused(self, what: str, node):
        return self.err(UnsupportedSyntaxError, f"{what} of a complex value is not supported: adjit computes with "
                        "complex numbers as pairs of real arrays and has no expansion of it", node,
                        hint="write it with the parts (z.real, z.imag), or with the operations adjit expands: + - * / "
                             "**, @, np.exp, np.abs, np.angle, np.conj, np.sqrt, np.log, np.sin, np.tanh, np.sum, np.prod, "
                             "np.outer, np.kron")

    def complex_call(self, func, args, kwargs, node):
        """A NumPy (or builtin) call given a complex value or making one."""
        args = list(args)
        if all(_static(a) for a in args + list(kwargs.values())) and _get(_EXPANDED, func) != "reduce":
            try:
                out = func(*args, **kwargs)
            except Exception as e:  # noqa: BLE001 - NumPy's own error, located
                raise self.err(AdjitTypeError, f"{_name_of(func)}: {e}", node) from None
            if isinstance(out, (np.generic, complex, float, int, bool)):
                return out.item() if isinstance(out, np.complexfloating) else out  # np.float64 keeps 1 / 0.0 = inf
        kind = _get(_EXPANDED, func)
        if kind is not None:
            return self.expand(kind, args, kwargs, node, func)
        if _get(_SHAPES, func):
            return super().numpy_form(func, [self.cx_full(args[0], node)[0]] + args[1:], kwargs, node) \
                if id(func) in self.FUNCTIONS() else self.prim_call(self._prim(func), func,
                                                                   [self.cx_full(args[0], node)[0]], kwargs, node)
        if _get(_LINEAR, func) and args and is_complex(args[0]) and not holds_complex(tuple(args[1:]) + tuple(kwargs.values())):
            return self.cx(*(self._linear(func, p, args[1:], kwargs, node) for p in self.cx_array_parts(args[0], node)))
        if _get(_JOINS, func) or _get(_CREATE, func):
            return self.cx_create(func, args, kwargs, node)
        raise self.cx_refused(f"`{_name_of(func)}`", node)

    def cx_solve(self, args, kwargs, node):
        """np.linalg.solve(A, b) with a complex A or b (one matrix): the real system of twice the size,
        [[Ar, -Ai], [Ai, Ar]] [xr; xi] = [br; bi], solved by the real rule."""
        if len(args) != 2 or kwargs:
            raise self.cx_refused("np.linalg.solve (two arguments)", node)
        (ar, ai), (br, bi) = (self.cx_full(a, node) for a in args)
        if ar.type.rank != 2 or br.type.rank not in (1, 2):
            raise self.cx_refused("np.linalg.solve of a stack of matrices", node)
        n = self.b.aval(ar).shape[0]
        if n is None:
            raise self.cx_refused("np.linalg.solve of a matrix whose size is known only at run time", node)
        cat = lambda parts, axis: self.call_value(np.concatenate, [tuple(parts)], {"axis": axis}, node)  # noqa: E731
        M = cat([cat([ar, self.b.emit("neg", [ai])], 1), cat([ai, ar], 1)], 0)
        x = self.call_value(np.linalg.solve, [M, cat([br, bi], 0)], {}, node)
        return self.cx(self._slice_rows(x, 0, n), self._slice_rows(x, n, 2 * n))

    def cx_eigvalsh(self, args, kwargs, node):
        """np.linalg.eigvalsh(H) of a complex H (a matrix or a stack; UPLO='L', NumPy's default: H's lower
        triangle, the imaginary part of its diagonal ignored): the real symmetric [[A, -B], [B, A]],
        A = Re H and B the antisymmetric matrix of Im H's strict lower triangle, has each eigenvalue
        of that Hermitian matrix twice; every other one of its ascending eigenvalues. The derivative
        is the real rule's, exact: a change of H changes the real matrix within its structure, and
        v^T dM v is the same for every unit v of a doubled eigenvalue's plane (u^H dH u)."""
        if len(args) != 1 or any(k != "UPLO" or v != "L" for k, v in kwargs.items()):
            raise self.cx_refused("np.linalg.eigvalsh with UPLO='U'", node)
        ar, ai = self.cx_full(args[0], node)
        r = ar.type.rank  # a stack of matrices (r > 2): each one's, as NumPy
        if r < 2:
            raise self.cx_refused("np.linalg.eigvalsh of a complex value of fewer than two dimensions", node)
        lower = self.call_value(np.tril, [ai, -1], {}, node)
        b = self.b.emit("sub", [lower, self.b.emit("transpose", [lower], axes=tuple(range(r - 2)) + (r - 1, r - 2))])
        cat = lambda parts, axis: self.call_value(np.concatenate, [tuple(parts)], {"axis": axis}, node)  # noqa: E731
        M = cat([cat([ar, self.b.emit("neg", [b])], r - 1), cat([b, ar], r - 1)], r - 2)
        w = (self._stacked_linalg if r > 2 else self.call_value)(np.linalg.eigvalsh, [M], {}, node)
        index = (("slice", None, None, None),) * (r - 2) + (("slice", 1, None, 2),)
        return self.b.emit("getitem", [w, self.b.const(0), self.b.const(2)], index=index)

    def _slice_rows(self, x, start, stop):
        index = (("slice", 1, 2, None),) + (("slice", None, None, None),) * (x.type.rank - 1)
        return self.b.emit("getitem", [x, self.b.const(start), self.b.const(stop)], index=index)

    def _linear(self, func, part, rest, kwargs, node):
        if part is None:
            return None
        return self.call_value(func, [part] + list(rest), kwargs, node)

    def call_value(self, func, args, kwargs, node):
        """func(*args) on lowered arguments, as a call of it lowers (forms, primitives, helpers)."""
        from .expressions import _library, _sources
        from .values import LocalFunction

        if isinstance(func, LocalFunction):
            return self.inline_local(func, args, kwargs, node)
        if _get(_PY_OPS, func) and len(args) == 2 and not kwargs:
            return self.binop(_PY_OPS[func], args[0], args[1], node)
        if id(func) in self.FUNCTIONS():
            return self.numpy_form(func, args, kwargs, node)
        prim = _sources().get(id(func))
        if prim is not None:
            args, kwargs = self.array_args(func, args, kwargs, node, P.PRIMITIVES[prim].params)
            return self.prim_call(prim, func, args, kwargs, node)
        if _get(_EXPANDED, func):
            return self.complex_call(func, args, kwargs, node)
        if isinstance(func, types.FunctionType) and not _library(func):
            return self.inline(func, args, kwargs, node)
        raise self.err(UnsupportedSyntaxError, f"{_name_of(func)} cannot be called here", node)

    def expand(self, kind, args, kwargs, node, func=None):
        """Over 80 lines: one short expansion per NumPy function, in one table-like dispatch."""
        p = lambda op, x, y: self._p(op, x, y, node)  # noqa: E731
        f = lambda fn, x: self._f(fn, x, node)  # noqa: E731
        if kind == "reduce":
            return self.fold(args, kwargs, node)
        if kind == "solve":
            return self.cx_solve(args, kwargs, node)
        if kind == "eigvalsh":
            return self.cx_eigvalsh(args, kwargs, node)
        if kind == "prod":
            return self.cx_prod(args, kwargs, node)
        if kind == "polyval":
            return self.cx_polyval(args, kwargs, node)
        if kind == "multi":
            ops = tuple(range(1, len(args))) if func is np.einsum else (0, 1)
            return self.multilinear(func, args, ops, kwargs, node)
        if kind == "correlate":  # sum_n a[n + k] conj(v[n]): the real correlation of a and conj(v), bilinear
            if len(args) < 2:
                raise self.err(AdjitTypeError, "np.correlate takes two arrays", node)
            conj_v = self.expand("conj", [args[1]], {}, node) if is_complex(args[1]) else args[1]
            return self.multilinear(func, [args[0], conj_v] + list(args[2:]), (0, 1), kwargs, node)
        if kind == "complex":
            if len(args) > 2 or kwargs or any(isinstance(a, Value) and a.type.kind != "scalar" for a in args):
                raise self.err(AdjitTypeError, f"{_name_of(func)}() takes one or two numbers here", node)
            re, im = (list(args) + [None])[:2]
            if not is_complex(re) and not is_complex(im):  # Python's complex(a, b) sets the parts, -0.0 kept
                return self.cx(re, im)
            return self.binop(ast.Add, re, self.binop(ast.Mult, 1j, 0.0 if im is None else im, node), node)
        if kind == "iscomplexobj":
            return holds_complex(tuple(args))
        if kind == "where":
            if len(args) != 3 or kwargs or is_complex(args[0]):
                raise self.cx_refused("np.where (its condition, or a one-argument np.where)", node)
            parts = [self.cx_parts(a) for a in args[1:]]
            return self.cx(*(None if x is None and y is None else self.call_value(
                np.where, [args[0], 0.0 if x is None else x, 0.0 if y is None else y], {}, node)
                for x, y in zip(*parts)))
        if kind in ("add", "sub", "mul", "div", "pow"):
            if len(args) != 2 or kwargs:
                raise self.cx_refused(f"np.{func.__name__} with more than two arguments", node)
            op = {"add": ast.Add, "sub": ast.Sub, "mul": ast.Mult, "div": ast.Div, "pow": ast.Pow}[kind]
            return self.binop(op, args[0], args[1], node)
        if kind == "vdot":
            if len(args) != 2 or kwargs:
                raise self.err(AdjitTypeError, "np.vdot takes two arrays", node)
            real = not any(is_complex(x) for x in args)  # np.vdot of real arrays is real: the dot of the ravels
            a, b = (self._linear_all(np.ravel, x, node) for x in args)
            out = self.cx_sum(self.binop(ast.Mult, self.expand("conj", [a], {}, node), b, node), node)
            if real and isinstance(out, ComplexPair) and out.im is None:
                return out.re
            return out
        if len(args) != 1 or set(kwargs) - ({"deg"} if kind == "angle" else set()):
            raise self.cx_refused(f"`{_name_of(func)}` with these arguments", node)
        z = args[0]
        a, b = self.cx_parts(z)
        if not is_complex(z):  # np.real(x), np.imag(x), np.conj(x), np.angle(x) of a real x
            x = self.value(z, node)
            if kind in ("real", "conj"):
                return x
            if kind == "imag":
                return self._zeros_like(x)
            if kind == "angle":
                out = self.b.emit("stop_gradient", [self.prim_call("arctan2", np.arctan2, (0.0, x), {}, node)])
                return self.binop(ast.Mult, out, 180 / math.pi, node) if kwargs.get("deg") else out
            return self.call_value(func, [x], kwargs, node)
        if kind in ("real", "imag"):
            return self.cx_full(z, node)[0 if kind == "real" else 1]
        if kind == "conj":
            return self.cx(a, self._neg(b))
        if kind in ("neg", "pos"):
            return self.cx(self._neg(a), self._neg(b)) if kind == "neg" else z
        if kind == "square":
            return self.binop(ast.Mult, z, z, node)
        if kind == "exp":  # exp(±0 + ib) is (cos b, sin b) exactly: a zero real part (-1j * t's) costs nothing
            same = isinstance(b, Value) and (not isinstance(a, Value) or self.b.aval(a).shape == self.b.aval(b).shape)
            ea = 1.0 if a is None or same and self._zero_sign(a) is not None else f(np.exp, a)
            if b is None:
                return self.cx(ea, None)
            im = p("*", ea, f(np.sin, b))
            if isinstance(ea, Value) and isinstance(b, Value) and self._zero_sign(b) is None:
                # exp(inf + 0j) is inf + 0j (C99, NumPy), where inf * sin(0) is nan: b itself there
                # (only where exp(a) is inf, so the derivative in b stays exp(a) cos(b) elsewhere)
                at_inf = self.b.emit("logical_and", [self.value(self.call_value(np.isinf, [ea], {}, node), node),
                                                     self.b.emit("eq", [b, self.value(0.0, node)])])
                im = self.call_value(np.where, [at_inf, b, im], {}, node)
            return self.cx(p("*", ea, f(np.cos, b)), im)
        if kind in ("sin", "cos"):
            a = 0.0 if a is None else a
            if b is None:  # cosh(+0) = 1, sinh(+0) = +0: the imaginary part a zero of NumPy's sign
                if kind == "sin":
                    return self.cx(f(np.sin, a), p("*", f(np.cos, a), None))
                return self.cx(f(np.cos, a), self._neg(p("*", f(np.sin, a), None)))
            if kind == "sin":
                return self.cx(p("*", f(np.sin, a), f(np.cosh, b)), p("*", f(np.cos, a), f(np.sinh, b)))
            return self.cx(p("*", f(np.cos, a), f(np.cosh, b)), self._neg(p("*", f(np.sin, a), f(np.sinh, b))))
        if kind in ("sinh", "cosh", "tanh", "tan"):
            return self.cx_hyperbolic(kind, 0.0 if a is None else a, b, node)
        r = self.cx_abs(a, b, node)
        if kind == "abs":
            return r
        if kind == "sqrt":
            return self.cx_sqrt(a, b, r, node)
        theta = self.prim_call("arctan2", np.arctan2, (0.0 if b is None else b, 0.0 if a is None else a), {}, node)
        if kind == "angle":
            return self.binop(ast.Mult, theta, 180 / math.pi, node) if kwargs.get("deg") else theta
        scale = {"log": 1.0, "log10": 1 / math.log(10), "log2": 1 / math.log(2)}[kind]
        out = self.cx(f(np.log, r), theta)
        return out if scale == 1.0 else self.cx_scale(out, scale, node)

    def cx_prod(self, args, kwargs, node):
        """np.prod of a complex value (axis None or one axis of a length known when compiled, at most
        64): the complex products of the items along it in order, as NumPy's loop multiplies."""
        if len(args) > 2 or set(kwargs) - {"axis"}:
            raise self.cx_refused("np.prod with these arguments", node)
        z, axis = args[0], self.static(kwargs.get("axis", args[1] if len(args) > 1 else None), node, "axis")
        if not is_complex(z):
            return self.call_value(np.prod, [self.value(z, node)], {"axis": axis}, node)
        if axis is None:
            z, axis = self.call_value(np.ravel, [z], {}, node), 0
        a, b = self.cx_full(z, node)
        axis = axis + a.type.rank if axis < 0 else axis
        n = self.b.aval(a).shape[axis] if 0 <= axis < a.type.rank else None
        if n is None or n > 64:
            raise self.cx_refused("np.prod of a complex value along more than 64 items or a run-time number of items",
                                  node)
        take = lambda x, k: self.b.emit("getitem", [x, self.b.const(k)],  # noqa: E731
                                        index=(("slice", None, None, None),) * axis + (("int", 1),))
        out = self.cx(1.0, None) if n == 0 else self.cx(take(a, 0), take(b, 0))
        for k in range(1, n):
            out = self.binop(ast.Mult, out, self.cx(take(a, k), take(b, k)), node)
        return out

    def cx_polyval(self, args, kwargs, node):
        """np.polyval(p, x) with a complex p or x (a frequency response at s = 1j * w): NumPy's
        Horner loop `y = y * x + p[k]` in complex arithmetic, for p a list or a 1-D array of a length
        known when compiled (at most 64)."""
        names = ("p", "x")[len(args):]
        if len(args) > 2 or set(kwargs) != set(names):
            raise self.cx_refused("np.polyval with these arguments", node)
        p, x = list(args) + [kwargs[k] for k in names]
        if isinstance(p, (list, tuple)):
            items = list(p)
        else:
            re, im = self.cx_full(p, node, zero=False) if is_complex(p) else (self.value(p, node), None)
            n = self.b.aval(re).shape[0] if re.type.kind == "array" and re.type.rank == 1 else None
            if n is None or n > 64:
                raise self.cx_refused("np.polyval of coefficients not a 1-D array of at most 64 known items", node)
            take = lambda v, k: None if v is None else self.b.emit(  # noqa: E731
                "getitem", [v, self.b.const(k)], index=(("int", 1),))
            items = [self.cx(take(re, k), take(im, k)) if im is not None else take(re, k) for k in range(n)]
        if not items:
            raise self.err(AdjitTypeError, "np.polyval: no coefficients", node)
        y = self.binop(ast.Add, self.binop(ast.Mult, x, 0.0, node), items[0], node) if len(items) == 1 else items[0]
        for c in items[1:]:
            y = self.binop(ast.Add, self.binop(ast.Mult, y, x, node), c, node)
        return y

    def cx_hyperbolic(self, kind, a, b, node):
        """sinh, cosh: (sinh a cos b, cosh a sin b), (cosh a cos b, sinh a sin b). tanh: (tanh 2a,
        sin 2b sech 2a) / (1 + cos 2b sech 2a), NumPy's (sinh 2a + i sin 2b) / (cosh 2a + cos 2b)
        divided through by cosh 2a, so a large |a| gives NumPy's +-1 (not inf / inf), and sech
        written 2e / (1 + e^2), e = exp(-|2a|), so its derivative there is 0, not 0 * inf; tan(z)
        the same with the parts' roles swapped (tan(a + ib) = (sin 2a + i sinh 2b) / (cos 2a + cosh 2b))."""
        p = lambda op, x, y: self._p(op, x, y, node)  # noqa: E731
        f = lambda fn, x: self._f(fn, x, node)  # noqa: E731
        if kind in ("sinh", "cosh"):
            sh, ch = f(np.sinh, a), f(np.cosh, a)
            if b is None:  # sin(+0) = +0: the imaginary part a zero of NumPy's sign
                return self.cx(sh if kind == "sinh" else ch, p("*", ch if kind == "sinh" else sh, None))
            cb, sb = f(np.cos, b), f(np.sin, b)
            return self.cx(p("*", sh, cb), p("*", ch, sb)) if kind == "sinh" else \
                self.cx(p("*", ch, cb), p("*", sh, sb))
        u, v = (a, 0.0 if b is None else b) if kind == "tanh" else (0.0 if b is None else b, a)
        u2, v2 = p("*", u, 2.0), p("*", v, 2.0)
        e = f(np.exp, self._neg(f(np.abs, u2)))
        sech = p("/", p("*", e, 2.0), p("+", p("*", e, e), 1.0))
        den = p("+", p("*", f(np.cos, v2), sech), 1.0)
        t, s = p("/", f(np.tanh, u2), den), p("/", p("*", f(np.sin, v2), sech), den)
        return self.cx(t, s) if kind == "tanh" else self.cx(s, t)

    def cx_sqrt(self, a, b, r, node):
        """The principal square root as C99 and NumPy compute it: t = sqrt((|a| + |z|) / 2), then
        (t, b / 2t) where a >= 0 and (|b| / 2t, copysign(t, b)) where a < 0 (|a| written a and -a
        on the two sides, so that the derivative at a = 0 is the analytic one), so a negative real
        number's root has the real part 0 exactly (the polar form's cos(pi / 2) is 6e-17), and
        the infinities are NumPy's: sqrt(x + inf j) = inf + inf j, sqrt(inf + 0j) = inf + 0j,
        sqrt(-inf + yj) = 0 + inf j, sqrt(±0 + 0j) = 0 + 0j (np.sqrt(x + 0j) of a negative x is
        0 + sqrt(-x) j exactly). Two parts known when compiled are NumPy's root of the number."""
        if not isinstance(a, Value) and not isinstance(b, Value):
            v = complex(np.sqrt(np.complex128(complex(0.0 if a is None else a, 0.0 if b is None else b))))
            return self.cx(_part(v.real), _part(v.imag))
        a, b = (x if isinstance(x, Value) else self.value(0.0 if x is None else x, node) for x in (a, b))
        call = lambda fn, *xs: self.value(self.call_value(fn, list(xs), {}, node), node)  # noqa: E731
        # |a| as a on the right and -a on the left: abs's derivative 0 at a = 0 would make the
        # derivative in a of sqrt(0 + bj) 0
        half_sum = lambda op: self.binop(ast.Mult, self.binop(op, r, a, node), 0.5, node)  # noqa: E731
        t, tl = call(np.sqrt, half_sum(ast.Add)), call(np.sqrt, half_sum(ast.Sub))
        right = self.b.emit("ge", [a, self.value(0.0, node)])
        inf_b = call(np.isinf, b)
        # |b| as copysign(1, b) * b: on the negative real axis (b = ±0) the derivative is the one
        # from b's side (NumPy's root is the limit from that side), not abs's 0
        abs_b = self.binop(ast.Mult, call(np.copysign, 1.0, b), b, node)
        re = call(np.where, right, t, self.binop(ast.Div, abs_b, self.binop(ast.Mult, tl, 2.0, node), node))
        im = call(np.where, right, self.binop(ast.Div, b, self.binop(ast.Mult, t, 2.0, node), node),
                  call(np.copysign, tl, b))
        zero = self.b.emit("eq", [r, self.value(0.0, node)])
        # at 0 the imaginary part is b itself (0 / 0 otherwise); b - (r - r) / 2 keeps the derivative
        # there what it is (none: nan from |z|'s), not b's 1
        im_zero = self.binop(ast.Sub, b, self.binop(ast.Mult, self.binop(ast.Sub, r, r, node), 0.5, node), node)
        im = call(np.where, self.b.emit("logical_or", [inf_b, zero]), call(np.where, zero, im_zero, b), im)
        return self.cx(call(np.where, inf_b, np.inf, re), im)

    def cx_abs(self, a, b, node):
        if a is None or b is None:
            return self._f(np.abs, b if a is None else a, node)
        r = self.prim_call("hypot", np.hypot, (a, b), {}, node)
        if isinstance(r, Value):
            self.b.__dict__.setdefault("cx_abs", {})[r.id] = (a, b)
        return r

    def cx_sum(self, z, node):
        return self.cx(*(self._linear(np.sum, part, (), {}, node) for part in self.cx_array_parts(z, node)))

    def _linear_all(self, func, x, node):
        return self.cx(*(self._linear(func, part, (), {}, node) for part in self.cx_array_parts(x, node))) \
            if is_complex(x) else self.call_value(func, [x], {}, node)

    def multilinear(self, func, args, operands: tuple, kwargs, node):
        """func linear in each argument at `operands` (A @ B, np.kron, np.einsum): the sum over the
        choices of a part per complex operand, i^(number of imaginary parts chosen) each."""
        parts = [self.cx_array_parts(args[k], node) if is_complex(args[k]) else (args[k], None) for k in operands]
        acc = [None, None]
        for choice in itertools.product((0, 1), repeat=len(operands)):
            chosen = [pr[c] for pr, c in zip(parts, choice)]
            if any(x is None for x in chosen):
                continue
            call = list(args)
            for k, x in zip(operands, chosen):
                call[k] = x
            term = self.call_value(func, call, kwargs, node)
            n_im = sum(choice)
            slot, sign = n_im % 2, (-1) ** (n_im // 2)
            acc[slot] = self._p("+" if sign > 0 else "-", acc[slot], term, node) if acc[slot] is not None \
                else (term if sign > 0 else self._neg(term))
        return self.cx(*acc)

    def cx_create(self, func, args, kwargs, node):
        """np.zeros(n, dtype=complex) and the like; np.array / np.stack / np.concatenate of complex items."""
        kw = dict(kwargs)
        dt = complex_part_dtype(kw.get("dtype")) or "float64"
        if "dtype" in kw:
            kw["dtype"] = dt if complex_part_dtype(kw["dtype"]) else kw["dtype"]
        args = [dt if isinstance(a, (type, np.dtype)) and complex_part_dtype(a) else a for a in args]
        kind = _get(_CREATE, func)
        if kind in ("zeros", "ones", "eye"):
            re = self.call_value(func, args, kw, node)
            return self.cx(re, self._zeros_like(re))
        if kind == "full":
            shape, fill = args[0], (args[1] if len(args) > 1 else kw.pop("fill_value"))
            fr, fi = self.cx_parts(fill)
            return self.cx(*(self.call_value(np.full, [shape, 0.0 if x is None else x] + args[2:], kw, node)
                             for x in (fr, fi)))
        if kind in ("zeros_like", "ones_like", "full_like"):
            like = self.cx_full(args[0], node)[0] if is_complex(args[0]) else args[0]
            if kind == "full_like":
                fr, fi = self.cx_parts(args[1] if len(args) > 1 else kw.pop("fill_value"))
                return self.cx(*(self.call_value(func, [like, 0.0 if x is None else x] + args[2:], kw, node)
                                 for x in (fr, fi)))
            if not is_complex(args[0]) and not complex_part_dtype(kwargs.get("dtype")):
                return self.call_value(func, [like] + args[1:], kw, node)
            re = self.call_value(func, [like] + args[1:], kw, node)
            return self.cx(re, self._zeros_like(re))
        # joins: each part of each item (a real item's imaginary part: zeros of its shape)
        first = args[0]

        def part(x, k):
            if type(x) is tuple:
                return tuple(part(e, k) for e in x)
            if is_complex(x) and isinstance(x, ComplexPair):
                return self.cx_full(x, node)[k]
            if is_complex(x):
                return self.cx_parts(x)[k] or 0.0
            if k == 0:
                return x
            return 0.0 if _is_number(x) else self._zeros_like(self.value(x, node))

        return self.cx(*(self.call_value(func, [part(first, k)] + args[1:], kw, node) for k in (0, 1)))

    def fold(self, args, kwargs, node):
        """functools.reduce(f, items[, initial]) over a list or tuple of a length known when compiled, or
        the rows of an array of at most 256 (known when compiled), unrolled."""
        if len(args) >= 2 and type(args[1]).__name__ == "DeferredList":  # reduce(f, [g(r) for r in P]): NumPy's array
            args = [args[0], self.deferred(args[1], None, node)] + list(args[2:])
        if len(args) >= 2 and isinstance(args[1], Value) and args[1].type.kind == "array" and args[1].type.rank \
                and isinstance(self.b.aval(args[1]).shape[0], int) and self.b.aval(args[1]).shape[0] <= 256:
            self.at(node)  # over an array of a length known when compiled: its rows (items), unrolled
            rows = tuple(self.b.emit("getitem", [args[1], self.b.const(k)], index=(("int", 1),))
                         for k in range(self.b.aval(args[1]).shape[0]))
            args = [args[0], rows] + list(args[2:])
        if kwargs or not 2 <= len(args) <= 3 or type(args[1]) is not tuple or not (args[1] or len(args) == 3):
            raise self.err(UnsupportedSyntaxError, "functools.reduce is supported over a non-empty list, tuple or "
                           "array (at most 256 items) of a length known when the call is compiled", node,
                           hint="write the loop")
        func, items = args[0], list(args[1])
        acc = args[2] if len(args) == 3 else items.pop(0)
        for item in items:
            acc = self.call_value(func, [acc, item], {}, node)
        return acc
