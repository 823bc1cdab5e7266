"""adjit.nn: re-exported from adjit.runtime.nn."""
from .runtime.nn import *  # noqa: F401,F403
from .runtime.nn import __all__  # noqa: F401
