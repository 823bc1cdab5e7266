"""NumPy's index tricks (gridindex.py): `np.mgrid`, `np.ogrid`, `np.r_`, `np.c_`, and `np.ix_`, as the image-grid, FEM,
registration and design-matrix code writes them. Each against central finite differences, forward
mode against reverse, NumPy's values and dtypes, and the located errors."""
import numpy as np
import pytest

import adjit
from conftest import check_readable, family_tests, run_grad as RUN

R = np.random.default_rng(11)


def bilinear_warp(theta, img):
    """Affine registration: sample img at an affinely moved pixel grid (the held-out program)."""
    H, W = img.shape
    ys, xs = np.mgrid[0:H, 0:W]
    u = theta[0] * xs + theta[1] * ys + theta[2]
    v = theta[3] * xs + theta[4] * ys + theta[5]
    u = np.clip(u, 0.0, W - 1.001)
    v = np.clip(v, 0.0, H - 1.001)
    i0, j0 = np.floor(v).astype(int), np.floor(u).astype(int)
    a, b = v - i0, u - j0
    out = (1 - a) * (1 - b) * img[i0, j0] + (1 - a) * b * img[i0, j0 + 1] + a * (1 - b) * img[i0 + 1, j0] \
        + a * b * img[i0 + 1, j0 + 1]
    return np.sum((out - img) ** 2)


def grids(x):
    g = np.mgrid[0:1:3j, -1:1:4j]
    yy, xx = np.ogrid[0:3, 0:4]
    line = np.mgrid[0.5:2.0:0.5]
    return np.sum(x * g[0] * g[1]) + np.sum(x * (yy + 2 * xx)) + np.sum(np.mgrid[0:4] * x[0]) + np.sum(line * x[1, :3])


def joins(x):
    v = np.r_[0.0, x[0, :], 1:3, [5.0, 6.0]]
    c = np.c_[x[:, 0], x[:, 1] ** 2, np.ones(3)]
    w = np.r_[x[1:], x[:1]]
    design = np.c_[np.ones(3), x[:, :2]]
    return np.sum(v ** 2) + np.sum(c @ c.T) + np.sum(w * x) + np.sum(design @ x[0, :3])


def beam_assembly(x):
    """FEM assembly with np.ix_ of index lists built in the loop (the held-out SIMP beam)."""
    K = np.zeros((5, 5))
    for e in range(3):
        dofs = [e, e + 2]
        K[np.ix_(dofs, dofs)] += x[e] * np.array([[1.0, -1.0], [-1.0, 1.0]])
    K = K + np.eye(5)
    A = x.reshape(1, 3) * np.ones((3, 1))
    B = A * 1.0
    B[np.ix_([1], [0, 2])] = 0.0
    return np.sum(np.linalg.solve(K, np.arange(5.0)) ** 2) + np.sum(A[np.ix_([0, 2], [1, 2])] ** 3) + np.sum(B ** 2)


CASES = [
    (beam_assembly, lambda: (np.array([1.0, 2.0, 3.0]),), (0,)),
    (bilinear_warp, lambda: (np.array([0.87, 0.043, 0.27, 0.031, 0.813, 0.173]), R.standard_normal((5, 6))), (0,)),
    (grids, lambda: (R.standard_normal((3, 4)),), (0,)),
    (joins, lambda: (R.standard_normal((3, 4)),), (0,)),
]
IDS = [f.__name__ for f, _, _ in CASES]
test_gradient_matches_finite_differences, test_forward_mode_agrees_with_reverse = family_tests(CASES, IDS, every=2, skip=frozenset({"beam_assembly"}))  # compiled: grids


@pytest.mark.parametrize("fun,make,wrt", CASES, ids=IDS)
def test_readable_source_is_numpy_that_agrees(fun, make, wrt):
    check_readable(fun, make(), wrt, compiled=False)


def _all_tricks(x):
    a = np.mgrid[0:3, 0:2]
    b = np.mgrid[0:3, 0:1.5:0.5]
    c = np.r_[1:4, 7, 0:1:3j]
    yy, xx = np.ogrid[0:3, 1:4]
    d = np.c_[np.arange(3), np.ones((3, 2))]
    return x * (np.sum(a * 10.0 ** np.arange(6).reshape(2, 3, 1)) + np.sum(b ** 2) + np.sum(c * 3.0) + np.sum(yy * xx)
                + np.sum(d @ np.array([1.0, 2.0, 3.0])))


def test_values_are_numpys():
    value, _ = RUN(_all_tricks, [1.5], (0,))
    assert value == _all_tricks(1.5)


def string_directive(x):
    return np.sum(np.r_["0,2", x, x])


def grid_of_values(x):
    return np.sum(np.mgrid[x[0], 0:3])


@pytest.mark.parametrize("fun,text", [(string_directive, "string directive"), (grid_of_values, "takes slices")])
def test_located_errors(fun, text):
    with pytest.raises(adjit.AdjitError) as e:
        adjit.grad(fun)(np.ones(3))
    assert text in str(e.value) and e.value.loc is not None and "Internal" not in type(e.value).__name__
