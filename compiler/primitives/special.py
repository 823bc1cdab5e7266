"""Elementwise rows of the special and inverse functions: arcsin, arccos, the inverse hyperbolics,
logaddexp, hypot, erf/erfc, lgamma/gammaln, scipy.special's expit/logit/xlogy (issue 12, item 4)."""
from __future__ import annotations
