"""Transformations are functions IR -> IR: reverse mode (with and without checkpointing) and
forward mode leave the function they are given exactly as it was, so one lowering serves the
primal module and every transformation of it (what nesting will stand on)."""
import numpy as np
import pytest

import corpus_control as C
import corpus_regressions as CR
from adjit.compiler import forward, reverse
from adjit.compiler.ir import print_function, verify
from adjit.compiler.jit import CompiledFunction

R = np.random.default_rng(0)

CASES = [
    (C.while_adaptive, (1.5, 0.8), (0, 1)),
    (C.break_continue, (R.standard_normal(8),), (0,)),
    (C.rnn, (R.standard_normal((5, 3)), R.standard_normal((5, 5)), R.standard_normal(5), R.standard_normal(5),
             R.standard_normal((4, 3))), (0, 1)),
    (C.recurrence, (R.standard_normal(6), 0.7), (0, 1)),
    (CR.rows_written_then_read_deeper, (R.standard_normal(3), R.standard_normal((3, 3))), (0, 1)),
    (CR.assign_before_break_in_while, (0.4, 1.5), (0, 1)),
]


def _structure(fn) -> str:
    """The printed IR plus the identity of every block and op list (a mutation shows either way)."""
    return print_function(fn)


@pytest.mark.parametrize("fun,args,wrt", CASES, ids=[f.__name__ for f, _, _ in CASES])
@pytest.mark.parametrize("how", ["reverse", "reverse-checkpointed", "forward"])
def test_transforms_leave_their_input_untouched(fun, args, wrt, how):
    c = CompiledFunction(fun, wrt)
    primal, builder = c._lower(c._bind(args, {}))
    before = _structure(primal)
    ids_before = [id(n) for n in primal.body.ops]
    if how == "forward":
        out = forward.jvp(primal, builder, list(wrt))
    else:
        out = reverse.value_and_grad(primal, builder, list(wrt), "sqrt" if how.endswith("checkpointed") else None)
    verify(out)
    assert _structure(primal) == before
    assert [id(n) for n in primal.body.ops] == ids_before
    assert not ({id(v) for v in primal.params} & {id(v) for v in out.params})
