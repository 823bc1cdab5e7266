"""IR -> Python source: the readable rendering (array-level NumPy) and the lowered one (fused loop
nests, as handed to Numba). `emitter` renders statements; `loops` renders fusion groups."""
from .emitter import Rendering, render

__all__ = ["Rendering", "render"]
