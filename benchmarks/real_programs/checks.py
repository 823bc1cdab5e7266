"""Shared by the held-out corpora's checks of the other transformations (jacobian, hvp, has_aux,
structured parameters): central differences along every element, and a relative closeness test."""
from __future__ import annotations

import numpy as np


def _fd(fun, x, h=1e-6):
    """Central differences of fun (any output shape) along every element of float array x."""
    x = np.asarray(x, dtype=float)
    cols = []
    for i in range(x.size):
        e = np.zeros(x.size)
        e[i] = h * (1 + abs(x.flat[i]))
        cols.append((np.asarray(fun(x + e.reshape(x.shape))) - np.asarray(fun(x - e.reshape(x.shape)))) / (2 * e[i]))
    return np.stack(cols, axis=-1).reshape(np.shape(fun(x)) + x.shape)


def _close(a, b, rtol=1e-6):
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and float(np.max(np.abs(a - b))) <= rtol * max(float(np.max(np.abs(b))), 1e-12)


def run_checks(transforms) -> None:
    """A corpus script's main: the other transforms, each in turn (those named on the command line,
    or all): pass, WRONG, or the error's first line (-v: its traceback)."""
    import sys
    import traceback

    import adjit
    only = set(a for a in sys.argv[1:] if a != "-v")
    for check in transforms:
        if only and check.__name__ not in only:
            continue
        try:
            result = "pass" if check(adjit) else "WRONG"
        except Exception as e:  # noqa: BLE001
            result = f"{type(e).__name__}: {str(e).strip().splitlines()[0] if str(e).strip() else ''}"
            if "-v" in sys.argv or not isinstance(e, adjit.AdjitError):
                traceback.print_exc()
        print(f"{check.__name__:28s} {result}", flush=True)
