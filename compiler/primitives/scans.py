"""Rows along an axis: cumulative sums and products, sorting (issue 12, item 4)."""
from __future__ import annotations
