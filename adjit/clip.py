"""adjit.clip: re-exported from adjit.runtime.clip."""
from .runtime.clip import *  # noqa: F401,F403
from .runtime.clip import __all__  # noqa: F401
