"""Writes through views, NumPy's meaning (tests/compiler/test_view_writes.py): a name bound to a
basic-index view (`r = B[1]`, `top = B[:3, :3]`, `r = y[::-1]`) and written, in straight-line code,
branches and loops over a range; chained writes whose first bracket is a slice (`y[1:4][0] = v`)."""
import numpy as np


def chained_slices(A):
    B = A.copy()
    B[1:3][0] = 5.0
    B[:, 1][2] = A[0, 0] * 7.0
    B[1][1:3] = A[0, :2]
    B[::2][1:] *= 3.0
    return np.sum(B * A)


def named_row(A):
    B = A.copy()
    r = B[1]
    r[2] = 0.0
    r *= 2.0
    B[1, 0] = 9.0 * A[0, 0]
    r[1] = 3.0
    return np.sum(B * A) + np.sum(r * A[2])


def named_block(A):
    B = np.zeros((4, 4))
    top = B[:3, :3]
    top += A[:, :3]
    top[0, 0] = A[0, 3]
    np.fill_diagonal(top, A[0, :3].sum() + top[1, 1])
    return np.sum(B ** 2)


def pieces(A):
    out = np.zeros(10)
    first = out[:4]
    first[:] = A[0]
    second = out[4:]
    second[:] = A[1, :3].repeat(2)
    rev = out[::-1]
    rev[0] = A[2, 2]
    rev[1:3] *= A[2, :2]
    return np.sum(out * np.arange(10.0))


def in_branches(A):
    B = A.copy()
    r = B[:, 1]
    if A[0, 0] > 0:
        r += 1.0
    else:
        r[0] = A[1, 1] * 3
    return np.sum(B ** 2)


def in_loops(A):
    B = np.zeros((3, 4))
    for i, a in enumerate(A):
        row = B[i]
        row[:] = a * 2
        row[1:] += a[:-1]
    C = A.copy()
    for j in range(1, 4):
        c = C[:, j]
        c -= C[:, j - 1] * 0.5
    return np.sum(B * A) + np.sum(C ** 2)


# ---- refused (located): NumPy's meaning would need the view followed further
def view_read_after_rebind(A):
    B = A.copy()
    r = B[1]
    r[0] = 5.0
    B = B * 2
    return np.sum(r * A[0]) + np.sum(B)


def view_of_a_view(x):
    y = x.copy()
    a = y[1:]
    b = a[::2]
    b[0] = 9.0
    return np.sum(y * x) + np.sum(a)


def view_read_after_base_written(A):
    """A view read after its array was written in place (`r = W[0]; W += ...; W[1, 1] = ...`):
    NumPy's r sees the new values (was the located error 'writing into W would also change r')."""
    W = A * 1.0
    r = W[0]
    col = W[:, 1]
    W += 0.5 * W
    W[1, 1] = A[0, 0] ** 2
    return np.sum(r * A[1]) + np.sum(col ** 2)


def second_names_written(A):
    """`B = np.asarray(x)` and `g = h` are the same array: writes through either name are seen
    through the other (was the located error 'writing into B would also change x')."""
    x = np.tanh(A[0])
    B = np.asarray(x)
    B[0] = np.sum(A[1])
    C = np.array(x, copy=None)  # no copy needed: x itself (np.array(x) would be a copy)
    C[1] = C[1] * 2.0
    D = np.array(x)
    D[2] = 0.0
    h = A * 2.0
    g = h
    g += 1.0
    g[0, 0] = x[1]
    return np.sum(x ** 2) + np.sum(B) + np.sum(h * A)


def alias_of_a_view(A):  # w = v reads B[1:3] after the write through v (was a located error)
    B = A.copy()
    v = B[1:3]
    w = v
    v[0] = 1.0
    return np.sum(w * A[:2])
