"""ADJIT_OPT (compiler/jit/llvmopt.py): the LLVM level of adjit's generated code alone. Numba's level
is read while each function compiles (a listener on Numba's compile events records it); never
timed."""
import numba
import numpy as np
from numba.core import config, event

import adjit
from adjit.compiler.jit import llvmopt


def _opt_objective(x, w):
    return np.sum(np.tanh(x * w) ** 2) + np.sum(w)


class _Recorder(event.Listener):
    def __init__(self):
        self.seen = []

    def on_start(self, ev):
        disp = ev.data.get("dispatcher") if isinstance(ev.data, dict) else None
        module = getattr(getattr(disp, "py_func", None), "__module__", None) or ""
        self.seen.append((module, int(config.OPT)))

    def on_end(self, ev):
        pass


def test_adjit_opt_reaches_generated_code_and_no_user_function(monkeypatch, tmp_path):
    monkeypatch.setenv("ADJIT_CACHE_DIR", str(tmp_path))
    outside = int(config.OPT)
    wanted = 2 if outside != 2 else 3
    x, w = np.linspace(-1.0, 1.0, 7), np.cos(np.arange(7.0))
    reference = adjit.grad(_opt_objective, wrt=(0, 1))(x, w)  # at Numba's own level
    monkeypatch.setenv("ADJIT_OPT", str(wanted))
    llvmopt.install()  # before the recorder, so that the recorder sees the level it sets
    recorder = _Recorder()

    @numba.njit
    def users_own(v):
        return v * 2.0 + 1.0

    with event.install_listener("numba:compile", recorder):
        g = adjit.grad(_opt_objective, wrt=(0, 1))
        grads = g(x, w)
        assert users_own(1.5) == 4.0
    assert int(config.OPT) == outside
    generated = [o for m, o in recorder.seen if m.startswith("adjit_generated_")]
    others = [o for m, o in recorder.seen if not m.startswith("adjit_generated_")]
    assert generated and set(generated) == {wanted}, recorder.seen
    assert others and set(others) == {outside}, recorder.seen  # the user's function at least
    for a, b in zip(grads, reference):  # no fast-math: the same gradient at every level
        assert np.array_equal(a, b)
    # another level is another cache entry, never the code compiled at Numba's own level
    spec = g._compiled.specialize(x, w)
    monkeypatch.delenv("ADJIT_OPT")
    assert adjit.grad(_opt_objective, wrt=(0, 1))._compiled.specialize(x, w).key != spec.key
