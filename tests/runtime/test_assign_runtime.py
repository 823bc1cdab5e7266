"""runtime/assign.py: `overlaps` is NumPy's may_share_memory bound (byte ranges of the elements,
strides of either sign), and `unshared` copies exactly when it says so."""
import numpy as np

from adjit.runtime import assign


def test_overlaps_is_numpys_bound():
    x = np.arange(24.0).reshape(4, 6)
    cases = [(x[0], x[1]), (x[0], x[0, 2:]), (x[:, 0], x[:, 1]), (x[::-1, 0], x[0]), (x[:, ::-1], x[3, 5:]),
             (x.T, x[1]), (np.ones(3), np.ones(3)), (x[1:2, 1:2], x[0]), (x[0, :0], x[0]), (x[::-2, ::-3], x[1, 2:3])]
    for a, b in cases:
        assert assign.overlaps(a, b) == np.may_share_memory(a, b), (a.shape, a.strides, b.shape, b.strides)
        kept = assign.unshared(a, b)
        assert (kept is b) == (not np.may_share_memory(a, b))
        np.testing.assert_array_equal(kept, b)
