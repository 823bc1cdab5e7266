"""adjit.optim: re-exported from adjit.runtime.optim."""
from .runtime.optim import *  # noqa: F401,F403
from .runtime.optim import __all__  # noqa: F401
