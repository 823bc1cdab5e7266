"""Python source -> IR: reads a function with inspect + ast, resolves every name, and lowers the
supported subset into typed SSA ops; anything outside the subset is rejected here with a caret.

Two stages: `parse` (at decoration: syntax checks) and `lower` (per argument signature: names,
types and, when the call's shapes are known, a full shape check).
"""
from __future__ import annotations

from .lower import Lowerer, lower
from .parse import ParsedFunction, assigned_names, parse

__all__ = ["parse", "lower", "ParsedFunction", "Lowerer", "assigned_names"]
