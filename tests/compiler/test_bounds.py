"""Bounds checks of the lowered code (compiled by Numba without its own bounds checking): no
index ever reads or writes out of bounds. Affine indices of `for` loops are checked once before the
loop, every other index where it is used; negative indices wrap as in NumPy; out of range raises
IndexError with NumPy's message. The reproducers that used to crash the process run in a
subprocess, so a segfault fails the test instead of killing pytest."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import adjit
from conftest import fd_check

HERE = os.path.dirname(__file__)


# ------------------------------------------------------------------------------ the reproducers
def shifted_product(x):
    n = x.shape[0]
    s = 0.0
    for i in range(n):
        s = s + x[i + 1] * x[i]
    return s


def far_read(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + x[i * 100000000]
    return s


def far_write(x):
    y = np.zeros(3)
    for i in range(x.shape[0]):
        y[i * 10000000] = x[i]
    return np.sum(y * y)


def short_buffer(x):
    y = np.zeros(2)
    for i in range(x.shape[0]):
        y[i] = x[i]
    return np.sum(y * y)


def scan(x):
    i = 0
    while x[i] > 0:
        i = i + 1
    return x[0] * i


def table_rows(obs, M):
    s = 0.0
    for i in range(obs.shape[0]):
        k = obs[i, 0]
        s = s + np.sum(M[k] * M[k])
    return s


def table_write(obs, v):
    y = np.zeros((3, 2))
    for i in range(obs.shape[0]):
        y[obs[i]] = v[i]
    return np.sum(y * y)


# ------------------------------------------------------------------------------ in-range cases
def wrapped_neighbour(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + x[i - 1] * x[i]
    return s


def stepped(x, a, b, step):
    s = 0.0
    for i in range(a, b, step):
        s = s + x[2 * i + 1] * x[i]
    return s


def nested(A):
    s = 0.0
    for i in range(A.shape[0] - 1):
        for j in range(A.shape[1]):
            s = s + A[i + 1, j] * A[i, A.shape[1] - 1 - j]
    return s


def guarded(x):
    s = 0.0
    for i in range(x.shape[0]):
        if i + 1 < x.shape[0]:
            s = s + x[i + 1] * x[i]
    return s


def windows(x, L):
    s = 0.0
    for j in range(x.shape[0] - L + 1):
        s = s + np.sum(np.tanh(x[j:j + L]))
    return s


def clipped_windows(x, L):
    s = 0.0
    for j in range(x.shape[0]):
        s = s + np.sum(np.tanh(x[j:j + L]))
    return s


def tanh_tails(x):
    s = 0.0
    for j in range(x.shape[0]):
        s = s + np.sum(np.tanh(x[j:]))
    return s


def tails(x):
    s = 0.0
    for i in range(x.shape[0] + 2):
        s = s + np.sum(x[i:])
    return s


def _run(tmp_path, name: str, call: str) -> subprocess.CompletedProcess:
    script = textwrap.dedent(f"""
        import sys, numpy as np, adjit
        sys.path[:0] = [{HERE!r}, {os.path.dirname(HERE)!r}]
        from test_bounds import {name}
        try:
            {call}
        except IndexError as e:
            print("IndexError:", e)
        else:
            print("NO ERROR")
    """)
    path = tmp_path / f"{name}.py"
    path.write_text(script)
    return subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=300)


CRASHERS = [
    ("shifted_product", "adjit.grad(shifted_product)(np.arange(5.))", "index 5 is out of bounds for axis 0 with size 5"),
    ("far_read", "adjit.grad(far_read)(np.arange(5.))", "index 100000000 is out of bounds for axis 0 with size 5"),
    ("far_read", "adjit.grad(far_read).forward(np.arange(5.))", "index 100000000 is out of bounds for axis 0 with size 5"),
    ("far_write", "adjit.grad(far_write)(np.arange(5.))", "index 10000000 is out of bounds for axis 0 with size 3"),
    ("far_write", "adjit.grad(far_write).forward(np.arange(5.))", "index 10000000 is out of bounds for axis 0 with size 3"),
    ("short_buffer", "g = adjit.grad(short_buffer)\n"
                     "            for _ in range(2000):\n"
                     "                try:\n"
                     "                    g(np.arange(200.))\n"
                     "                except IndexError:\n"
                     "                    pass\n"
                     "            g(np.arange(200.))", "index 2 is out of bounds for axis 0 with size 2"),
    ("scan", "adjit.grad(scan)(np.ones(5))", "index 5 is out of bounds for axis 0 with size 5"),
    ("scan", "adjit.grad(scan).forward(np.ones(5))", "index 5 is out of bounds for axis 0 with size 5"),
    ("table_rows", "adjit.grad(table_rows, wrt=('M',))(np.array([[0], [3]]), np.ones((3, 2)))",
     "index 3 is out of bounds for axis 0 with size 3"),
    ("table_write", "adjit.grad(table_write, wrt=('v',))(np.array([0, -4]), np.ones((2, 2)))",
     "index -4 is out of bounds for axis 0 with size 3"),
]


@pytest.mark.parametrize("name, call, message", CRASHERS, ids=[f"{c[0]}-{k}" for k, c in enumerate(CRASHERS)])
def test_out_of_bounds_raises_index_error_instead_of_crashing(tmp_path, name, call, message):
    out = _run(tmp_path, name, call)
    assert out.returncode == 0, f"crashed with {out.returncode}: {out.stderr[-2000:]}"
    assert f"IndexError: {message}" in out.stdout, out.stdout + out.stderr[-2000:]


def test_numpy_raises_the_same_messages():
    for f, args, message in [(shifted_product, (np.arange(5.),), "index 5 is out of bounds for axis 0 with size 5"),
                             (short_buffer, (np.arange(200.),), "index 2 is out of bounds for axis 0 with size 2"),
                             (scan, (np.ones(5),), "index 5 is out of bounds for axis 0 with size 5")]:
        with pytest.raises(IndexError, match=re.escape(message)):
            f(*args)


def test_index_error_leaves_the_function_usable():
    g = adjit.grad(short_buffer)
    for _ in range(3):
        with pytest.raises(IndexError):
            g(np.arange(200.))
    x = np.array([1.5, -2.0])
    np.testing.assert_allclose(g(x), 2 * x)


# ------------------------------------------------------------------------------ affine proofs
def _loop_bodies(src: str) -> list[str]:
    """The text of every `for` loop (its header and indented body) in a lowered function."""
    lines = src.splitlines()
    out = []
    for k, line in enumerate(lines):
        if line.lstrip().startswith("for "):
            ind = len(line) - len(line.lstrip())
            body = [line]
            for nxt in lines[k + 1:]:
                if nxt.strip() and len(nxt) - len(nxt.lstrip()) <= ind:
                    break
                body.append(nxt)
            out.append("\n".join(body))
    return out


def _function(src: str, name: str) -> str:
    return src[src.index(f"def {name}("):]


@pytest.mark.parametrize("fun, args", [
    (wrapped_neighbour, (np.arange(5.),)),
    (stepped, (np.arange(12.), 1, 5, 2)),
    (nested, (np.arange(12.).reshape(3, 4),)),
])
def test_affine_indices_are_checked_once_before_the_loop(fun, args):
    g = adjit.grad(fun, wrt=(0,))
    src = g.source(*args, lowered=True)
    body = _function(src, f"{fun.__name__}_grad")
    assert "_bounds.in_bounds_over(" in body
    for loop in _loop_bodies(body):
        assert "_ix(" not in loop, loop  # no check inside any loop, forward or reverse
    np.testing.assert_allclose(g.forward(*args), fun(*args))


def test_affine_checks_cover_each_access_and_sit_before_the_loop():
    src = _function(adjit.grad(shifted_product).source(np.arange(6.), lowered=True), "shifted_product_grad")
    lines = src.splitlines()
    first_loop = next(k for k, line in enumerate(lines) if line.strip().startswith("for i in range"))
    checks = [k for k, line in enumerate(lines) if "_bounds.in_bounds_over(" in line]
    assert checks and min(checks) < first_loop
    assert any("i + 1 on axis 0 of x" in lines[k] for k in checks)


@pytest.mark.parametrize("fun, args, message", [
    (shifted_product, (np.arange(5.),), "index 5 is out of bounds for axis 0 with size 5"),
    (stepped, (np.arange(9.), 1, 6, 2), "index 11 is out of bounds for axis 0 with size 9"),
    (stepped, (np.arange(9.), 0, -7, -1), "index -11 is out of bounds for axis 0 with size 9"),
    (nested, (np.arange(12.).reshape(2, 6)[:, :5].copy(),), None),
])
def test_affine_out_of_range_raises_before_the_loop(fun, args, message):
    g = adjit.grad(fun, wrt=(0,))
    try:
        expected = fun(*args)
    except IndexError as e:
        assert message is None or str(e) == message
        with pytest.raises(IndexError, match=re.escape(str(e))):
            g(*args)
        with pytest.raises(IndexError, match=re.escape(str(e))):
            g.forward(*args)
    else:
        assert message is None
        np.testing.assert_allclose(g.forward(*args), expected)


def overflowing(x):
    s = 0.0
    for i in range(x.shape[0]):
        s = s + x[i * 4611686018427387904]
    return s


def test_affine_index_that_overflows_int64_is_still_checked():
    # i * 2**62 wraps in int64 (0, 2**62, -2**63, -2**62, 0): not monotone, so every index is checked
    g = adjit.grad(overflowing)
    with pytest.raises(IndexError, match="index 4611686018427387904 is out of bounds for axis 0 with size 5"):
        g(np.arange(5.))


def test_empty_range_checks_nothing():
    g = adjit.grad(stepped, wrt=(0,))
    x = np.arange(3.)
    (dx,) = g(x, 10, 5, 1)  # no iteration: x[21] is never taken
    np.testing.assert_array_equal(dx, np.zeros(3))
    (dx,) = g(x, 5, 10, -1)
    np.testing.assert_array_equal(dx, np.zeros(3))


def test_guarded_access_is_checked_where_it_is_used_not_before_the_loop():
    x = np.arange(1., 6.)
    g = adjit.grad(guarded)
    src = _function(g.source(x, lowered=True), "guarded_grad")
    assert any("_ix(" in loop for loop in _loop_bodies(src))
    fd_check(guarded, [x], [0], [g(x)])  # no IndexError: the last i never reads x[i + 1]


# ------------------------------------------------------------------------------ wrap-around and data
def test_negative_indices_wrap_as_in_numpy():
    x = np.arange(1., 6.)
    g = adjit.grad(wrapped_neighbour)
    assert g.forward(x) == pytest.approx(wrapped_neighbour(x))
    fd_check(wrapped_neighbour, [x], [0], [g(x)])


def test_data_driven_indices_wrap_and_raise():
    M = np.arange(6.).reshape(3, 2)
    g = adjit.grad(table_rows, wrt=("M",))
    obs = np.array([[0], [-1], [2], [-3]])
    (dM,) = g(obs, M)
    fd_check(table_rows, [obs, M], [1], [dM])
    for bad in (3, -4, 100):
        with pytest.raises(IndexError, match=f"index {bad} is out of bounds for axis 0 with size 3"):
            g(np.array([[0], [bad]]), M)
        with pytest.raises(IndexError, match=f"index {bad} is out of bounds for axis 0 with size 3"):
            g.forward(np.array([[0], [bad]]), M)


def test_data_driven_index_writes_are_checked():
    v = np.arange(1., 5.).reshape(2, 2)
    g = adjit.grad(table_write, wrt=("v",))
    (dv,) = g(np.array([2, -3]), v)
    fd_check(table_write, [np.array([2, -3]), v], [1], [dv])
    src = g.source(np.array([2, -3]), v, lowered=True)
    assert "_ix(" in src
    with pytest.raises(IndexError, match="index 3 is out of bounds for axis 0 with size 3"):
        g(np.array([0, 3]), v)


def test_gradients_of_checked_loops_match_finite_differences():
    rng = np.random.default_rng(0)
    for fun, args in [(wrapped_neighbour, [rng.standard_normal(5)]),
                      (stepped, [rng.standard_normal(12), 1, 5, 2]),
                      (stepped, [rng.standard_normal(12), 5, -1, -2]),
                      (nested, [rng.standard_normal((3, 4))])]:
        g = adjit.grad(fun, wrt=(0,))
        grads = g(*args)
        fd_check(fun, args, [0], grads if isinstance(grads, tuple) else [grads])


# ------------------------------------------------------------------------------ slices
def test_slices_with_computed_bounds_clip_as_in_numpy():
    x = np.linspace(-1.0, 1.0, 7)
    g = adjit.grad(windows, wrt=(0,))
    assert g.forward(x, 3) == pytest.approx(windows(x, 3))
    fd_check(windows, [x, 3], [0], list(g(x, 3)))
    t = adjit.grad(tails)
    assert t.forward(x) == pytest.approx(tails(x))
    fd_check(tails, [x], [0], [t(x)])


def test_clipped_windows_raise_rather_than_overrun():
    x = np.linspace(-1.0, 1.0, 7)
    g = adjit.grad(clipped_windows, wrt=(0,))
    try:
        value = g.forward(x, 3)
    except ValueError:
        pass  # a window of run-time extent checked against its expected extent
    else:
        assert value == pytest.approx(clipped_windows(x, 3))
    with pytest.raises(ValueError):
        g(x, 3)


def test_recorded_values_of_changing_extent_go_on_a_ragged_tape():
    x = np.linspace(-1.0, 1.0, 7)
    g = adjit.grad(tanh_tails)
    assert g.forward(x) == pytest.approx(tanh_tails(x))
    # the reverse sweep records tanh of each tail, one element shorter each iteration: a ragged
    # tape in compiled code (tests/compiler/test_ragged_tapes.py), exact against the closed form
    assert "grow_flat" in g.source(x, lowered=True)
    t = np.tanh(x)
    np.testing.assert_allclose(g(x), np.arange(1, 8) * (1 - t * t), rtol=1e-12)
