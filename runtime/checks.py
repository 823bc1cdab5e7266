"""Run-time tests of whether a LAPACK call raises (imported by generated code as `_chk`): the
condition a `try: ... except np.linalg.LinAlgError:` handler stands for (frontend/trystmt.py).

Each calls the routine the compiled code calls (np.linalg.cholesky: potrf; np.linalg.inv: getrf,
the factorization np.linalg.solve and inv share, singular exactly where one of them raises) and
says whether it raised, so the branch taken is the one Python takes, NaN inputs included. Numba
functions, callable from Python too (the lowered module run as plain Python)."""
from __future__ import annotations

import numba
import numpy as np


@numba.njit(cache=True, nogil=True)
def cholesky_ok(a):
    """Whether np.linalg.cholesky(a) returns (False where it raises LinAlgError)."""
    try:
        np.linalg.cholesky(a)
        return True
    except Exception:  # noqa: BLE001 - Numba catches only `Exception`: the LinAlgError of a failed potrf
        return False


@numba.njit(cache=True, nogil=True)
def lu_ok(a):
    """Whether np.linalg.inv(a) (and np.linalg.solve(a, b)) returns: False for an exactly singular a."""
    try:
        np.linalg.inv(a)
        return True
    except Exception:  # noqa: BLE001
        return False
