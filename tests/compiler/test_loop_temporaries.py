"""Loop bodies with small temporaries (issue 14, the multi-layer recurrent cell): an add into a
row of a gradient (`dW[l] += np.outer(dz, x)`, `db[l] += dz`) is a member of the loop computing
its value (passes/fusion.fusable_row_adds), so the outer product is never stored, and nothing
that reads the row's array as it was may be reordered past the write; the loop nests' arrays are
made once per call when nothing holds them past their iteration (passes/loopbuffers.py)."""
import re

import numpy as np

import adjit
from conftest import fd_check

R = np.random.default_rng(14)


def layers(W, b, xs):
    """A stack of tanh layers per step, each layer's weights a row of W (L, H, H)."""
    L = W.shape[0]
    h = np.zeros((L, W.shape[1]))
    loss = 0.0
    for t in range(xs.shape[0]):
        x = xs[t]
        for l in range(L):
            h[l] = np.tanh(W[l] @ x + b[l] + 0.5 * h[l])
            x = h[l]
        loss = loss + np.sum(x * x)
    return loss


def _layers_args(L=2, H=3, T=4):
    return (R.standard_normal((L, H, H)) * 0.6, R.standard_normal((L, H)) * 0.1, R.standard_normal((T, H)))


def test_outer_product_adds_into_the_weight_row_where_it_is_computed():
    args = _layers_args()
    g = adjit.grad(layers, wrt=(0, 1))
    low = g.source(*args, lowered=True)
    body = low[low.index("def layers_grad("):]
    # one rank-1 update loop, its row index checked once before it
    assert re.search(r"\n( +)(_rk\w*) = _ixw\(_k_1, 2, 0\)\n\1for _i0 .*\n.*\n +dW_1\[\2, _i0, _i1\] \+= ", body), body
    assert "_i1] = " not in body, body  # no (H, H) temporary of the outer product
    fd_check(layers, args, (0, 1), g(*args))


def rows_read_before_written(W, v):
    """Each row's update reads the row itself and the previous one: the write must stay after them."""
    B = W * 1.0
    for l in range(1, B.shape[0]):
        B[l] += np.outer(v, v) * B[l] + np.outer(B[l - 1, 0] * v, v)
    return np.sum(np.sin(B))


def rows_old_values_used_after(W, v):
    """Each row's old values, read after the write into it."""
    B = W * 1.0
    s = 0.0
    for l in range(B.shape[0]):
        old = B[l] * 2.0
        B[l] += np.outer(v, np.cos(v))
        s = s + np.sum(old * B[l])
    return s


def test_row_adds_that_read_the_array_keep_their_order():
    W, v = R.standard_normal((3, 2, 2)), R.standard_normal(2)
    for fun in (rows_read_before_written, rows_old_values_used_after):
        g = adjit.grad(fun, wrt=(0, 1))
        fd_check(fun, (W, v), (0, 1), g(W, v))


def test_loop_temporaries_are_made_once_per_call():
    """The layer step's elementwise temporaries (passes/loopbuffers.py): one array each, made at the
    top of the function, none inside the loops."""
    args = _layers_args()
    low = adjit.grad(layers, wrt=(0, 1)).source(*args, lowered=True)
    body = low[low.index("def layers_grad("):]
    top, loops = body.split("# --- forward sweep ---", 1)
    assert "# loop temporaries: made once, reused by every iteration" in top, body
    assert re.search(r"\n    _d\w* = _alloc\.empty\(\(3,\), np\.float64\)", top), body
    assert "_alloc.empty((_" not in loops, body  # no array of a loop's extent made per iteration


def carried(x):
    """An elementwise result carried to the next iteration: its array lives on."""
    y = x
    for k in range(3):
        y = np.sin(y) * 0.5 + x
    return np.sum(y * y)


def listed(x):
    """Each iteration's result kept in a list: every entry needs its own array."""
    rows = []
    for k in range(3):
        rows.append(np.tanh(x * (k + 1.0)))
    return np.sum(np.stack(rows) ** 3)


def test_temporaries_that_outlive_their_iteration_keep_new_arrays():
    x = R.standard_normal(5)
    for fun in (carried, listed):
        g = adjit.grad(fun)
        fd_check(fun, (x,), (0,), (g(x),))


def inner_in_branch(W, xs):
    """A layer loop that runs only at some steps: its tapes' trips are not known before the loop."""
    x = xs[0]
    for t in range(xs.shape[0]):
        if xs[t, 0] > 0:
            for l in range(W.shape[0]):
                x = np.tanh(W[l] @ x)
    return np.sum(x)


def test_nested_loop_tapes_are_made_for_every_push_at_the_first():
    """A layer loop's row tapes inside a time loop (issue 14): made with room for T * L rows at the
    first push, not grown by doubling (control.py); not when the inner loop is in a branch."""
    args = _layers_args()
    low = adjit.grad(layers, wrt=(0, 1)).source(*args, lowered=True)
    assert re.search(r"push_row1\(_tape\w+, _n_tape\w+, \w+, len\(range\(0, _t1, 1\)\) \* len\(range\(0, L, 1\)\)\)", low), low
    W, xs = R.standard_normal((2, 3, 3)) * 0.6, R.standard_normal((5, 3))
    xs[:, 0] = [1.0, -1.0, 1.0, 1.0, -1.0]
    g = adjit.grad(inner_in_branch, wrt=(0,))
    low = g.source(W, xs, lowered=True)
    assert re.search(r"push_row1\(_tape\w+, _n_tape\w+, \w+, 0\)", low), low
    fd_check(inner_in_branch, (W, xs), (0,), g(W, xs))


def carried_product(W, x):
    """A product carried to the next iteration, where it is an operand again."""
    for k in range(3):
        x = np.sin(W @ x) + W @ x
    return np.sum(x * x)


def test_products_in_loops_write_into_one_array_when_they_die_there():
    """W[l] @ x of a layer step is written into an array made once (passes/loopbuffers.py,
    runtime/linalg.matmul_into); a product that outlives its iteration keeps a new array."""
    args = _layers_args()
    low = adjit.grad(layers, wrt=(0, 1)).source(*args, lowered=True)
    top = low[low.index("def layers_grad("):].split("# --- forward sweep ---", 1)[0]
    buf = re.search(r"\n    (_p\w*) = _alloc\.empty\(\(3,\), np\.float64\)", top)
    assert buf and f"_la.matmul_into(W[l], x_1, {buf.group(1)})" in low, low
    W, x = R.standard_normal((4, 4)) * 0.5, R.standard_normal(4)
    g = adjit.grad(carried_product, wrt=(0, 1))
    fd_check(carried_product, (W, x), (0, 1), g(W, x))


def made_per_step(W, xs):
    """np.zeros, np.concatenate, and in the adjoint the copy of a row read before it is zeroed,
    each dying in its iteration (`old` is a view: NumPy reads h[1] as written)."""
    h = np.zeros((2, 3))
    loss = 0.0
    for t in range(xs.shape[0]):
        z = np.concatenate((xs[t], h[0]))
        old = h[1]
        h[1] = np.tanh(W @ z)
        e = np.zeros(3)
        e[t % 3] = 1.0
        loss = loss + np.sum(old * h[1]) + np.sum(e * z[:3]) + z[t % 3]
        h[0] = 0.5 * h[1]
    return loss


def kept_per_step(W, xs):
    """The same arrays kept past their iteration (carried on, yielded by a branch): new arrays."""
    h, z, acc = np.zeros(3), np.zeros(6), np.zeros(3)
    for t in range(xs.shape[0]):
        z = np.concatenate((xs[t] * h[0], z[:3]))
        h = np.tanh(W @ z)
        e = np.zeros(3)
        e[t % 3] = 1.0
        acc = e if t == 1 else acc + e * h
    return np.sum(z ** 2) + np.sum(acc * acc)


def test_zeros_joins_and_row_copies_in_loops_are_made_once():
    """np.zeros / np.concatenate of vectors / the copy of a view before an in-place write into its
    base, inside a loop and dead at its end, fill an array made once per call (loopbuffers.py);
    kept in a list or carried, each keeps a new array. Compiled, against central differences."""
    W, xs = R.standard_normal((3, 6)) * 0.5, R.standard_normal((5, 3))
    g = adjit.grad(made_per_step, wrt=(0, 1))
    low = g.source(W, xs, lowered=True)
    body = low[low.index("def made_per_step_grad("):].split("# --- forward sweep ---", 1)[1]
    assert "_alloc.refill(_p" in body and "_concat2_into(" in body and "_alloc.copy_into1(dh[" in body, low
    assert not re.search(r"\n +\w+ = np\.concatenate\(", body) and ".copy()" not in body.split("# --- reverse sweep ---")[0], low
    fd_check(made_per_step, (W, xs), (0, 1), g(W, xs))
    g = adjit.grad(kept_per_step, wrt=(0, 1))
    low = g.source(W, xs, lowered=True)
    assert "_concat2_into(" not in low and "_alloc.refill(" not in low, low
    fd_check(kept_per_step, (W, xs), (0, 1), g(W, xs))


def slice_adds(a, b):
    """Adds into slices of one array (steps, reversed, from the end, overlapping regions, of itself)."""
    z = np.zeros(8)
    z[1:7:2] += np.sin(a[:3])
    z[::-1] += np.cos(b) * 2.0
    z[-3:] += a[:3] * b[:3]
    z[0:4] += a[:4] ** 2
    z[2:6] += b[2:6] * 3.0
    z[1:] += z[:-1]  # the value read from the buffer written (its adjoint: dz[::-1] += dz)
    z += z[::-1] * 0.5
    return np.sum(z * np.arange(1.0, 9.0) ** 2)


def gate_steps(W, xs):
    """A recurrent cell's gates as slices of one product: their adjoint adds into slices of zeros."""
    h = np.zeros(3)
    s = 0.0
    for t in range(xs.shape[0]):
        z = W @ np.concatenate((xs[t], h))
        i, f = 1.0 / (1.0 + np.exp(-z[:3])), 1.0 / (1.0 + np.exp(-z[3:6]))
        h = z[9:] ** 2 * np.tanh(f * h + i * np.tanh(z[6:9]))
        s = s + np.sum(h * h)
    return s


def test_adds_into_slices_join_the_loop_computing_them():
    """An add into a slice of an array (x[a:b] += v, v computed elementwise: the adjoint of a slice
    or a join) is a member of v's loop (fusion.fusable_row_adds), and adds into slices of one
    array chain into one loop (additions commute: unitgraph.reads_reduction). Compiled, against
    central differences."""
    W, xs = R.standard_normal((12, 5)) * 0.5, R.standard_normal((4, 2))
    g = adjit.grad(gate_steps, wrt=(0, 1))
    low = g.source(W, xs, lowered=True)
    rev = low[low.index("# --- reverse sweep ---"):]
    adds = [m for m in re.finditer(r"\n +(_d\w+)\[_i0(?: \+ (\d+))?\] \+= ", rev)]
    assert sorted(int(m.group(2) or 0) for m in adds) == [0, 3, 6, 9], rev  # the four gates' adds
    assert len({m.group(1) for m in adds}) == 1 and "for " not in rev[adds[0].start():adds[-1].start()], rev  # one loop
    fd_check(gate_steps, (W, xs), (0, 1), g(W, xs))
    a, b = R.standard_normal(8), R.standard_normal(8)
    g = adjit.grad(slice_adds, wrt=(0, 1))
    fd_check(slice_adds, (a, b), (0, 1), g(a, b))
