"""Special functions composed of rows: scipy.special.logsumexp, softmax, log_softmax
(issue 12, item 4)."""
from __future__ import annotations

from .base import FormsBase

# spelling -> (the NumPy objects or method names it matches, what it lowers to)
FORMS: dict = {}


class SpecialForms(FormsBase):
    pass
