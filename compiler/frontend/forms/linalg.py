"""Linear algebra composed of rows: np.einsum, np.tensordot, np.linalg.norm (issue 12, item 4)."""
from __future__ import annotations

from .base import FormsBase

# spelling -> (the NumPy objects or method names it matches, what it lowers to)
FORMS: dict = {}


class LinalgForms(FormsBase):
    pass
