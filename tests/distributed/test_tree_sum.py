"""adjit.distributed sums per-chunk results in the gradient's structure: NamedTuple and dataclass
parameters (issue 13) as well as dicts, lists and tuples (no cluster: the sum and scaling alone)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pytest

from adjit.distributed import _scale, _sum_results, tree_sum


@dataclass
class Params:
    W: object
    b: object


class Pair(NamedTuple):
    W: object
    b: object


def test_dataclass_and_namedtuple_results_sum_and_scale():
    """value_and_grad_sum of a loss whose parameters are a dataclass raised TypeError (the
    chunk's weight multiplied the dataclass; the sum added two of them)."""
    W, b = np.arange(6.0).reshape(3, 2), np.array([1.0, -2.0])
    for cls in (Params, Pair):
        r1 = (2.0, (cls(W, b), {"n": [b, None]}))
        r2 = (3.0, (cls(2 * W, -b), {"n": [3 * b, None]}))
        v, (g, d) = _sum_results(_scale(r1, 0.5), _scale(r2, 0.25))
        assert type(g) is cls and v == pytest.approx(1.75)
        np.testing.assert_allclose(g.W, 0.5 * W + 0.5 * W)
        np.testing.assert_allclose(g.b, 0.25 * b)
        np.testing.assert_allclose(d["n"][0], 0.5 * b + 0.75 * b)
        assert d["n"][1] is None
    with pytest.raises(ValueError, match="different structures"):
        tree_sum(Params(W, b), Pair(W, b))
    with pytest.raises(ValueError, match="different structures"):
        tree_sum({"a": W, "b": b}, {"b": b, "a": W})
