"""Property-based tests: hypothesis builds random straight-line and looping programs from a small
grammar, writes them to a module, and adjit's gradient must match central differences."""
import importlib.util
import itertools
import re
import sys

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import adjit
from conftest import fd_check

UNARY = ["np.tanh({})", "np.sin({})", "np.exp(0.3 * {})", "np.log1p({} * {})", "np.sqrt(1.0 + {} * {})",
         "np.arctan({})", "np.cosh(0.5 * {})", "-{}", "np.square({})", "np.maximum({}, 0.2)"]
BINARY = ["({} + {})", "({} - {})", "({} * {})", "({} / (1.5 + np.tanh({}) ** 2))"]
_counter = itertools.count()


@st.composite
def expressions(draw, depth=3):
    if depth == 0 or draw(st.booleans()) and depth < 3:
        return draw(st.sampled_from(["x", "w", "x * w", "0.5 * x"]))
    if draw(st.booleans()):
        inner = draw(expressions(depth=depth - 1))
        return draw(st.sampled_from(UNARY)).replace("{}", f"({inner})")
    a = draw(expressions(depth=depth - 1))
    b = draw(expressions(depth=depth - 1))
    template = draw(st.sampled_from(BINARY))
    return template.format(a, b, b) if template.count("{}") == 3 else template.format(a, b)


@st.composite
def programs(draw):
    body = draw(expressions())
    loop = draw(st.booleans())
    reduce_ = draw(st.sampled_from(["np.sum({})", "np.mean({})", "np.sum({} * {})"]))
    red = reduce_.replace("{}", "h")
    if loop:
        steps = draw(st.integers(1, 3))
        step = re.sub(r"\bx\b", "h", body)
        src = (f"def f(x, w):\n    h = x\n    for i in range({steps}):\n"
               f"        h = 0.5 * h + 0.5 * ({step})\n    return {red}\n")
    else:
        src = f"def f(x, w):\n    h = {body}\n    return {red}\n"
    return src


def load(src: str):
    name = f"_adjit_prop_{next(_counter)}"
    path = adjit_tmp / f"{name}.py"
    path.write_text("import numpy as np\n\n" + src)
    spec = importlib.util.spec_from_file_location(name, path)
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return mod.f


adjit_tmp = None


def setup_module(module):
    import tempfile
    from pathlib import Path

    module.adjit_tmp = Path(tempfile.mkdtemp(prefix="adjit-prop-"))


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(programs(), st.integers(0, 2**16))
def test_random_programs_match_finite_differences(src, seed):
    f = load(src)
    rng = np.random.default_rng(seed)
    x, w = rng.uniform(-1, 1, 5), rng.uniform(-1, 1, 5)
    with np.errstate(all="ignore"):
        value = f(x, w)
    if not np.isfinite(value):
        return
    grads = adjit.grad(f, wrt=(0, 1))(x, w)
    fd_check(f, (x, w), (0, 1), grads, rtol=1e-5)
