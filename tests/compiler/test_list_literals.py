"""Lists and tuples as Python and NumPy read them (issue 12, the held-out corpus heldout2.py):
`+` joins and `* n` repeats lists (also in a loop that carries a list, unrolled when compiled:
CTC's extended label sequence), a list against an array is NumPy's elementwise operator on
np.asarray of it, a list literal wherever NumPy reads an array (`np.tile([0.0, 0.0, 1.0], (n, 1))`,
`np.concatenate([[0.0], flux, [0.0]])`), `np.add.at` / `np.subtract.at` as statements, and pure
library calls on numbers known when compiled (`math.factorial(k)`). Gradients against central
finite differences, forward mode against reverse mode; what cannot be lowered is a located error."""
import math

import numpy as np
import pytest
import scipy.special

import adjit
from conftest import family_tests

R = np.random.default_rng(12)


def ctc_loss(logits, label, blank=0):
    """CTC's forward recursion over the extended label sequence, built as the paper writes it; the
    recursion's lists are carried by loops unrolled when compiled (their trip counts are shapes)."""
    ext = [blank]
    for c in label:
        ext += [c, blank]
    S = len(ext)
    logp = logits - np.log(np.sum(np.exp(logits), axis=1, keepdims=True))
    alpha = [logp[0, ext[0]], logp[0, ext[1]]] + [-1e30 for _ in range(S - 2)]
    for t in range(1, logits.shape[0]):
        new = []
        for s in range(S):
            a = alpha[s]
            if s >= 1:
                a = np.logaddexp(a, alpha[s - 1])
            if s >= 2:
                a = np.where((ext[s] != blank) & (ext[s] != ext[s - 2]), np.logaddexp(a, alpha[s - 2]), a)
            new = new + [a + logp[t, ext[s]]]
        alpha = new
    return -np.logaddexp(alpha[S - 1], alpha[S - 2])


def joins(w):
    """`+` joins lists, `+=` extends one, `* n` repeats one; a list against an array is elementwise;
    a shape joined with a tuple is a longer shape."""
    ext = [0] + [1, 0]
    a = [1.0]
    a += [2.0, w[2]]
    b = [w[0], 1.0] * 2
    xs = [w[1] * 2.0, w[3]]
    ys = [w[0]]
    zs = xs + ys
    s = w[ext[1]] * 2.0 + a[1] * a[2] + b[2] * b[0] + np.sum(np.array(zs) ** 2)
    s = s + np.sum(([1.0, -2.0, 0.5, 3.0] - w) ** 2) + np.sum(w / (0.5, 1.5, 2.5, 3.5))
    col = np.reshape(w, w.shape + (1,))
    return s + np.sum(col @ [[1.0, 2.0]])


def carried_pair(w):
    """A pair rebound from its own items in every iteration (read in the loop and after it)."""
    p = (w[0], w[1])
    s = 0.0
    for i in range(4):
        p = (p[1], p[0] * 0.5 + p[1] * w[i])
        s = s + p[0]
    return s + p[1]


def indexed_when_run(w, idx):
    """A list literal indexed at positions computed when the function runs (item k of its array):
    numbers, arrays of one shape, in a loop over an int array; and at known positions."""
    xs = [w[0], 2.0, w[1] * 3.0]
    ys = [w, w * 2.0]
    s = xs[-1] + xs[True]
    for j in idx:
        s = s + xs[j] * np.sum(ys[j % 2] ** 2)
    return s


def previous_none(x):
    """`prev = None` before the loop, the previous item after the first iteration (the loop is
    unrolled: its index is a Python int, so `i > 0` is decided when compiled)."""
    prev = None
    s = 0.0
    for i in range(x.shape[0]):
        if i > 0:
            s = s + (x[i] - prev) ** 2
        prev = x[i]
    return s


def closure_reads(x):
    """A nested function reading a list the loop rebinds: it reads the list of that iteration."""
    hist = [x[0]]

    def last():
        return hist[-1]

    s = 0.0
    for i in range(1, 4):
        s = s + last() * x[i]
        hist = hist + [x[i] * 2.0]
    return s


def array_likes(w):
    """A list literal wherever NumPy reads an array, as np.asarray of it."""
    n = 3
    T = np.tile([0.0, 0.5, 1.0], (n, 1))
    s = np.sum(T * w[:3])
    s = s + np.dot([1.0, 2.0], w[:2]) + np.sum(np.clip(w, [0.0, 0.1, 0.2, 0.3], 2.0))
    s = s + np.sum(np.linalg.solve([[2.0, 1.0], [1.0, 3.0]], w[:2]))
    s = s + np.interp(w[0], [-3.0, 0.0, 3.0], [1.0, 2.0, 0.0]) + np.sum(np.zeros_like([1.0, 2.0]) + w[1])
    s = s + np.einsum("i,i->", [w[0], 1.0], w[:2]) + np.sum(np.diff([w[0], 1.0, w[2]]) ** 2)
    return s + np.mean([w[1], w[2] ** 2]) + np.sum(np.cumsum([w[0], w[3], 1.0]))


def nested_lists(flux, a, axis):
    """Lists inside np.concatenate / np.stack / np.array are arrays, as np.asarray makes them:
    ghost cells of a finite-volume flux, a quaternion from an angle and an axis."""
    padded = np.concatenate([[0.0], flux, [0.0]])
    div = padded[1:] - padded[:-1]
    q = np.concatenate([[np.cos(a / 2)], np.sin(a / 2) * axis])
    M = np.array([[0.0, 1.0], flux[:2]])
    P = np.stack([[1.0, -1.0], flux[1:3]])
    V = np.vstack([[0.5, 0.5, 0.5], axis])
    return np.sum(div ** 2) + np.sum(q * np.arange(1.0, 5.0)) + np.sum(M @ P) + np.sum(V ** 2)


def scatter(W, vals, x):
    """np.add.at with duplicated indices (each adds), a tuple of index arrays, a list of rows, and
    np.subtract.at of a number at one index."""
    j = np.array([0, 0, 1, 2, 0])
    k = np.array([1, 1, 2, 0, 1])
    G = W * 1.0
    np.add.at(G, (j, k), vals)
    a = np.zeros(4)
    np.add.at(a, np.array([3, -1, 0, 3]), x)
    np.add.at(G, [2, 2], x[:3])
    np.subtract.at(a, 1, vals[0] * 2.0)
    return np.sum(np.sin(G)) + np.sum(a ** 2)


def _expect_normal(g, n=5):
    """E[g(Z)], Z ~ N(0, 1), by Gauss-Hermite quadrature: nodes and weights computed when compiled
    (an array constant; in a helper, so not a top-level line that NumPy runs before the code)."""
    x, h = np.polynomial.hermite.hermgauss(n)
    return np.sum(h * g(np.sqrt(2.0) * x)) / np.sqrt(np.pi)


def when_compiled(w, k=4):
    """Pure library calls on numbers known when compiled, evaluated then: a default argument, a
    shape, a literal."""
    n = w.shape[0]
    s = w[0] * math.factorial(k) + w[1] * scipy.special.binom(n, 2) + math.log(math.gamma(3.5)) * w[2]
    return s + _expect_normal(lambda z: np.tanh(w[3] * z + math.erf(0.3)))


CASES = [
    (joins, lambda: (R.standard_normal(4),)),
    (carried_pair, lambda: (R.standard_normal(4),)),
    (previous_none, lambda: (R.standard_normal(5),)),
    (closure_reads, lambda: (R.standard_normal(4),)),
    (ctc_loss, lambda: (R.standard_normal((4, 3)), np.array([2, 1, 1]), 0)),  # skips closed and open
    (array_likes, lambda: (R.standard_normal(4),)),
    (indexed_when_run, lambda: (R.standard_normal(3), np.array([2, 0, -1, 1]))),
    (nested_lists, lambda: (R.standard_normal(4), 0.7, R.standard_normal(3)), (0, 1, 2)),
    (when_compiled, lambda: (R.standard_normal(4), 4)),
    (scatter, lambda: (R.standard_normal((3, 3)), R.standard_normal(5), R.standard_normal(4)), (0, 1, 2)),
]
IDS = [c[0].__name__ for c in CASES]
test_gradient_matches_finite_differences, test_forward_mode_agrees_with_reverse = family_tests(
    CASES, IDS, skip=frozenset(IDS))  # the generated code run as Python: it holds only rows compiled elsewhere


def test_scatter_source_reads_as_numpy():
    src = adjit.grad(scatter, wrt=(0, 1, 2)).source(R.standard_normal((3, 3)), R.standard_normal(5), np.ones(4))
    assert "np.add.at(G, (j, k), vals)" in src


# ------------------------------------------------------------------ located errors

def grow_runtime(w, idx):
    ext = [0]
    for i in range(idx[0]):
        ext += [i]
    return w[ext[-1]]


def grow_long(w, idx):
    ext = []
    for i in range(300):
        ext = ext + [w[0] * i]
    return ext[-1]


def carried_break(w, idx):
    mode = "a"
    s = 0.0
    for i in range(3):
        if mode == "b":
            break
        s = s + w[i]
        mode = "b"
    return s


def list_minus_list(w, idx):
    return np.sum(w[0] * ([1.0] - [2.0]))


def list_plus_number(w, idx):
    return w[0] * ([1.0] + 1.0)[0]


def list_plus_scalar(w, idx):
    return np.sum([1.0, 2.0] + w[0])


def multiply_at(w, idx):  # np.divide.at: the ufuncs' .at but add, subtract, multiply, maximum, minimum
    a = w * 1.0
    np.divide.at(a, idx, 2.0)
    return np.sum(a)


def shuffled(w, idx):
    a = w * 1.0
    np.random.shuffle(a)
    return np.sum(a)


def printed(w, idx):
    print(w)
    return np.sum(w)


def factorial_runtime(w, idx):
    s = 0.0
    for k in range(w.shape[0]):
        s = s + w[k] / math.factorial(k)
    return s


def mixed_kinds(w, idx):
    xs = [1, 2.0, w[0]]
    return xs[idx[0]]


def ragged(w, idx):
    return np.sum(np.array([[0.0, 1.0], w]))


@pytest.mark.parametrize("fun,text", [
    (grow_runtime, "runs a number of times known only when the function runs"),
    (grow_long, "(at most 256), and this one runs 300 times"),
    (carried_break, "break, continue, return and else inside it are not supported"),
    (list_minus_list, "unsupported operand type(s) for -: 'list' and 'list'"),
    (list_plus_number, "Python raises TypeError (a list + a number)"),
    (list_plus_scalar, "adjit cannot tell which this is"),
    (multiply_at, "`np.divide.at` is not supported by adjit"),
    (shuffled, "`np.random.shuffle(...)` as a statement: adjit has no rule for it"),
    (mixed_kinds, "must hold items of one kind (ints, floats, or arrays of one shape), not floats, ints"),
    (ragged, "an array of a list whose items have different shapes ((2,), (4,))"),
], ids=["grow-runtime", "grow-long", "carried-break", "list-minus-list", "list-plus-number", "list-plus-scalar",
        "multiply-at", "shuffle-statement", "mixed-kinds", "ragged"])
def test_located_errors(fun, text):
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(fun).source(np.arange(4.0), np.array([2, 1, 1]))
    assert text in str(e.value) and "test_list_literals.py:" in str(e.value)
    assert not isinstance(e.value, adjit.InternalCompilerError)


def test_print_is_skipped_with_a_warning():
    with pytest.warns(RuntimeWarning, match=r"test_list_literals.py:\d+: print\(...\) is skipped"):
        src = adjit.grad(printed).source(np.arange(4.0), np.array([2, 1, 1]))
    assert "print(" not in src


def test_factorial_of_a_run_time_int():
    """math.factorial(k) at a loop index: float(k!) (forms/incomplete.py; tests/compiler/test_incomplete.py)."""
    g = adjit.grad(factorial_runtime)(np.arange(4.0), np.array([2, 1, 1]))
    np.testing.assert_array_equal(g, [1.0, 1.0, 0.5, 1 / 6])
