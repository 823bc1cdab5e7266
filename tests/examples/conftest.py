"""Loading an example script as a module, for the example tests (each sets EXAMPLE to its path)."""
import importlib.util
import sys

import pytest


def load_script(path):
    spec = importlib.util.spec_from_file_location(f"{path.stem}_example", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def example(request):
    """The example script named by the test module's EXAMPLE, imported once per module."""
    return load_script(request.module.EXAMPLE)
