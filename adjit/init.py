"""adjit.init: re-exported from adjit.runtime.init."""
from .runtime.init import *  # noqa: F401,F403
from .runtime.init import __all__  # noqa: F401
