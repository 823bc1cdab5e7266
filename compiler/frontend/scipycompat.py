"""SciPy functions written with the NumPy and scipy.special adjit lowers, inlined at a user's call as
npcompat.py's NumPy 2 spellings are (each follows SciPy's documented meaning; what it does not cover
is a located error from the definition's check). Imported once a program's SciPy module is
(npcompat.DEFINITIONS looks it up then): `import adjit` never imports SciPy
(tests/compiler/test_startup.py); `scipy.special` is read only where scipy.stats has loaded it.

`scipy.special.softplus`, `scipy.stats.entropy`, `scipy.stats.zscore`, `scipy.linalg.eigvalsh`."""
from __future__ import annotations

import numpy as np
import scipy


def softplus(x):
    return np.logaddexp(0.0, x)  # SciPy's definition


def entropy(pk, qk=None, base=None, axis=0, nan_policy="propagate", keepdims=False):
    if nan_policy != "propagate" or keepdims:
        raise ValueError("nan_policy='propagate' and keepdims=False only")
    pk = pk / np.sum(pk, axis=axis, keepdims=True)  # SciPy normalizes both distributions
    if qk is None:
        s = np.sum(scipy.special.entr(pk), axis=axis)
    else:
        qk = qk / np.sum(qk, axis=axis, keepdims=True)
        s = np.sum(scipy.special.rel_entr(pk, qk), axis=axis)
    if base is not None:
        s = s / np.log(base)
    return s


def zscore(a, axis=0, ddof=0, nan_policy="propagate"):
    if nan_policy != "propagate":
        raise ValueError("nan_policy='propagate' only")
    if axis is None:
        return (a - np.mean(a)) / np.std(a, ddof=ddof)
    return (a - np.mean(a, axis=axis, keepdims=True)) / np.std(a, axis=axis, ddof=ddof, keepdims=True)


def eigvalsh(a, b=None, *, lower=True, overwrite_a=False, overwrite_b=False, type=1, check_finite=True,
             subset_by_index=None, subset_by_value=None, driver=None):
    if b is not None or subset_by_index is not None or subset_by_value is not None or type != 1:
        raise ValueError("the standard problem only (no b, type or subsets)")
    return np.linalg.eigvalsh(a, UPLO="L" if lower else "U")


# (module, name, definition): looked up once the module is imported
SPELLINGS = [("scipy.special", "softplus", softplus), ("scipy.stats", "entropy", entropy),
             ("scipy.stats", "zscore", zscore), ("scipy.linalg", "eigvalsh", eigvalsh)]
