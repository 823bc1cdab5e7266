"""adjit: JIT-compiled source-transformation automatic differentiation for NumPy code.

Put `@adjit.grad` on a plain NumPy function; adjit reads its source, builds a static graph IR,
derives the adjoint program, shows it as readable Python, and compiles both passes with Numba.
"""
from .api import grad, stop_gradient, value_and_grad
from .compiler.errors import (AdjitError, AdjitNameError, AdjitTypeError, ArgumentError,
                               InternalCompilerError, ShapeError, UnsupportedSyntaxError)
from .compiler.jit import VERSION as __version__

__all__ = ["grad", "value_and_grad", "stop_gradient", "AdjitError", "AdjitNameError", "AdjitTypeError", "ArgumentError",
           "InternalCompilerError", "ShapeError", "UnsupportedSyntaxError"]

from . import clip, init, nn, optim  # noqa: E402  (the seed's training toolkit)
from .gradcheck import GradCheckReport, check_grad  # noqa: E402

__all__ += ["check_grad", "GradCheckReport", "optim", "init", "clip"]
