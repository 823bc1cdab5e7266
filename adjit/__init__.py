"""adjit: JIT-compiled source-transformation automatic differentiation for NumPy code.

Put `@adjit.grad` on a plain NumPy function; adjit reads its source, builds a static graph IR,
derives the adjoint program, shows it as readable Python, and compiles both passes with Numba.
"""
from .api import grad, stop_gradient, value_and_grad
from .transforms import hessian, hvp, jacfwd, jacobian, jacrev, jvp, linearize, vjp
from .custom import custom_jvp, custom_vjp
from .compiler.errors import (AdjitError, AdjitNameError, AdjitTypeError, ArgumentError,
                               InternalCompilerError, ShapeError, UnsupportedSyntaxError)
from .compiler.jit import VERSION as __version__

__all__ = ["grad", "value_and_grad", "jvp", "vjp", "linearize", "jacobian", "jacfwd", "jacrev", "hessian", "hvp", "stop_gradient", "custom_vjp", "custom_jvp", "AdjitError", "AdjitNameError", "AdjitTypeError", "ArgumentError",
           "InternalCompilerError", "ShapeError", "UnsupportedSyntaxError"]

__all__ += ["check_grad", "GradCheckReport", "optim", "init", "clip", "wait_compiled"]


def wait_compiled(timeout: float | None = None) -> bool:
    """Wait for the gradients this process is compiling in the background (a new gradient's first
    calls run its readable NumPy adjoint while Numba compiles it: compiler/jit/tiering.py), e.g.
    before timing calls; True when none is left. `timeout` in seconds (None: as long as it takes)."""
    from .compiler.jit import tiering

    return tiering.wait(timeout)

# The seed's training toolkit (clip, init, nn, optim) and check_grad are imported on first use,
# which keeps them out of `import adjit`.
_LAZY_MODULES = ("clip", "init", "nn", "optim")
_LAZY_NAMES = {"check_grad": "gradcheck", "GradCheckReport": "gradcheck"}


def __getattr__(name: str):
    import importlib

    if name in _LAZY_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    if name in _LAZY_NAMES:
        value = getattr(importlib.import_module(f"{__name__}.{_LAZY_NAMES[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
