"""Sizes and compiled code: a module is shared by every size its code does not depend on, and
code that bakes in an extent (a concatenate's split points in its VJP, a zeros of static shape in
a slice's VJP) is never reused for another size, in one process or from the disk cache."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np

import adjit
from adjit.compiler import jit

from conftest import fd_check, import_source

CONCAT = '''
import numpy as np


def f(x, y):
    z = np.concatenate((x, y))
    return np.sum(np.tanh(z) * np.arange(z.shape[0]))


def rows(W, b, x):
    z = W @ x + b
    H = x.shape[0] // 2
    return np.sum(np.tanh(z[:H]) * z[H:2 * H] ** 2) + np.sum(np.exp(-z[2 * H:]))
'''


def _expected(x, y):
    z = np.concatenate((x, y))
    w = np.arange(z.shape[0]) * (1 - np.tanh(z) ** 2)
    return w[:x.shape[0]], w[x.shape[0]:]


def test_concatenate_split_points_follow_the_sizes(tmp_path):
    """In this process, then in a second one from the disk cache this one filled: the second at
    another size does not reuse the first one's code (it computes that size first, then one of
    this process's sizes: found on disk, so the other size's lookup had this process's entries to
    wrongly reuse). One process instead of two each compiling (the suite's budget)."""
    mod = import_source(tmp_path, "sizes_concat", CONCAT)
    g = adjit.grad(mod.f, wrt=(0, 1))
    for n in (14, 3, 14, 5):
        x, y = np.linspace(-1, 1, n), np.linspace(0, 2, n + 1)
        dx, dy = g(x, y)
        ex, ey = _expected(x, y)
        assert dx.shape == x.shape and dy.shape == y.shape
        np.testing.assert_allclose(dx, ex, rtol=1e-12)
        np.testing.assert_allclose(dy, ey, rtol=1e-12)

    script = textwrap.dedent('''
        import sys
        import numpy as np
        import adjit
        from adjit.compiler import jit
        jit.frontkey._FINGERPRINT = sys.argv[1]  # this process's: its keys even if compiler/ was edited since
        import sizes_concat
        g = adjit.grad(sizes_concat.f, wrt=(0, 1))
        for n in (6, 14):
            x, y = np.linspace(-1, 1, n), np.linspace(0, 2, n + 1)
            dx, dy = g(x, y)
            z = np.concatenate((x, y))
            w = np.arange(z.shape[0]) * (1 - np.tanh(z) ** 2)
            ok = dx.shape == x.shape and bool(np.allclose(dx, w[:n])) and bool(np.allclose(dy, w[n:]))
            print(n, ok, g._compiled.specialize(x, y).front_hit)
    ''')
    env = dict(os.environ, PYTHONPATH=str(tmp_path) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    out = subprocess.run([sys.executable, "-c", script, jit._FINGERPRINT], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["6 True False", "14 True True"], out.stdout


def test_slices_of_a_product_at_two_sizes(tmp_path):
    mod = import_source(tmp_path, "sizes_rows", CONCAT)
    g = adjit.grad(mod.rows, wrt=(0, 1, 2))
    rng = np.random.default_rng(2)
    for H in (4, 2, 3):
        args = (rng.standard_normal((3 * H, 2 * H)) * 0.3, rng.standard_normal(3 * H) * 0.1, rng.standard_normal(2 * H))
        fd_check(mod.rows, args, (0, 1, 2), g(*args))


def test_size_generic_code_is_one_module_for_every_size(tmp_path):
    mod = import_source(tmp_path, "sizes_generic", "import numpy as np\n\n\ndef f(x):\n    return np.sum(np.tanh(x) ** 2)\n")
    g = adjit.grad(mod.f)
    for n in (600, 1000, 5000):  # (a short axis, under fusion's strip length, is another loop form)
        g(np.linspace(-1, 1, n))
    assert len(g._compiled._specs) == 1
