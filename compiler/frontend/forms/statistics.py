"""Statistics and polynomials composed of rows: np.std, np.var, np.median, np.diff, np.polyval,
np.cross, np.inner, np.kron (issue 12, item 4)."""
from __future__ import annotations

from .base import FormsBase

# spelling -> (the NumPy objects or method names it matches, what it lowers to)
FORMS: dict = {}


class StatisticsForms(FormsBase):
    pass
