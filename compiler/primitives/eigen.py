"""Eigenvalues of a general real matrix (`np.linalg.eigvals`, the values of `np.linalg.eig`): two rows,
`eig_re` and `eig_im`, the real and imaginary parts in LAPACK's order (the frontend holds them as a
complex pair, frontend/complexvals.py), both computed by runtime/eigen.py (LAPACK's dgeev, as NumPy
calls it: the same values in the same order; CSE merges repeated calls of a part).

With A = V diag(w) V^-1, dw_i = (V^-1 dA V)_ii: the rules are four rows computed with the
eigenvectors, `eig_bar_re` / `eig_bar_im` (the cotangent of A, Re and Im of V^-T diag(g) V^T) and
`eig_dot_re` / `eig_dot_im` (Re and Im of diag(V^-1 dA V)). Exact where A is diagonalizable with
distinct eigenvalues (V^-1 exists; a repeated eigenvalue makes the derivative of each one
undefined). The rule rows are linear in g and dA, so their derivatives in those are each other;
in A (a second derivative of the eigenvalues: grad of grad, hessian, hvp) they are a located error,
never a zero."""
from __future__ import annotations

from .. import shapes as S
from ..errors import UnsupportedSyntaxError
from .linalg import _square
from .table import npx, primitive


def _values_abstract(x, **_):
    n = _square(x, "np.linalg.eigvals")
    return S.make("float64", (n,))


def _same_as_first(x, *rest, **_):
    return S.make("float64", tuple(x.shape))


def _one_per_eigenvalue(x, y, **_):
    return S.make("float64", tuple(x.shape)[:1])


def _second_order(*_args, **_kw):
    raise UnsupportedSyntaxError("a second derivative of np.linalg.eigvals / np.linalg.eig's eigenvalues (grad of "
                                 "grad, hessian, hvp) is not supported",
                                 hint="differentiate the eigenvalues once, or use np.linalg.eigvalsh for a symmetric "
                                      "matrix (its second derivatives are supported)")


def _rule_row(name, readable, abstract):
    """A rule row: linear in its second input (its JVP is itself at that input's tangent); any
    derivative in the matrix (and any reverse-mode one) is a second derivative of the eigenvalues."""
    def jvp(t, y, a, v):
        if t[0] is not None:
            _second_order()
        return getattr(npx, name)(a, t[1])

    def vjp(g, y, a, v):
        _second_order()

    primitive(name, abstract, params=("a", "v"), readable=readable, vjp=vjp, jvp=jvp)


primitive("eig_re", _values_abstract, params=("a",), readable="np.linalg.eig({0})[0].real", lowered="_eig.eig_re({0})",
          vjp=lambda g, y, a: (npx.eig_bar_re(a, g),), jvp=lambda t, y, a: npx.eig_dot_re(a, t[0]))
primitive("eig_im", _values_abstract, params=("a",), readable="np.linalg.eig({0})[0].imag", lowered="_eig.eig_im({0})",
          vjp=lambda g, y, a: (npx.eig_bar_im(a, g),), jvp=lambda t, y, a: npx.eig_dot_im(a, t[0]))
_rule_row("eig_bar_re", "_eig.bar_re({0}, {1})", _same_as_first)
_rule_row("eig_bar_im", "_eig.bar_im({0}, {1})", _same_as_first)
_rule_row("eig_dot_re", "_eig.dot_re({0}, {1})", _one_per_eigenvalue)
_rule_row("eig_dot_im", "_eig.dot_im({0}, {1})", _one_per_eigenvalue)
