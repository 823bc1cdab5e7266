"""Python source -> IR: reads a function with inspect + ast, resolves every name, and lowers the
supported subset into typed SSA ops; anything outside the subset is rejected here with a caret.

Two stages: `parse` (at decoration: syntax checks) and `lower` (per argument signature: names,
types and, when the call's shapes are known, a full shape check).

`lower` and `Lowerer` are imported on first use: the lowering mixins, the forms and the
primitives table are about 80 modules that a process whose calls all find their compiled code in
the cache never needs. They are properties of this package's module (`_Frontend`), so that the
names stay the function and the class, as the eager import made them, even though the import
system binds a submodule as its package's attribute when it loads it (`frontend.lower`, the
function, and `frontend/lower.py`, the module, share a name).
"""
from __future__ import annotations

import sys
import types

from .parse import ParsedFunction, assigned_names, parse

__all__ = ["parse", "lower", "ParsedFunction", "Lowerer", "assigned_names"]

_SET: dict = {}  # a value assigned to `lower` or `Lowerer` by a caller (a test replacing it)


def _from_lower(name: str):
    if name in _SET:
        return _SET[name]
    import importlib

    return getattr(importlib.import_module(f"{__name__}.lower"), name)


def _keep(name: str, value) -> None:
    if not isinstance(value, types.ModuleType):  # the import system binding the submodule: ignored
        _SET[name] = value


class _Frontend(types.ModuleType):
    lower = property(lambda self: _from_lower("lower"), lambda self, v: _keep("lower", v),
                     lambda self: _SET.pop("lower", None))
    Lowerer = property(lambda self: _from_lower("Lowerer"), lambda self, v: _keep("Lowerer", v),
                       lambda self: _SET.pop("Lowerer", None))


sys.modules[__name__].__class__ = _Frontend
