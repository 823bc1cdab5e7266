"""NumPy 2's array-API spellings (compiler/frontend/npcompat.py: adjit's definitions inlined for
NumPy's objects) against NumPy's values and central differences; and `(1,) * n`, a tuple repeated,
which a list's `[x] * n` slots had taken (Numba then refused the generated code)."""
import numpy as np
import pytest

from adjit.compiler.errors import ShapeError
from tests.conftest import check_against_fd, check_forward, run_grad

A = np.array([[0.7, -0.4, 1.1], [-0.9, 0.5, 0.2], [0.6, 0.3, -0.8]])


def transposes_and_dots(A):
    return np.sum(np.permute_dims(A[None], (1, 2, 0)) * np.matrix_transpose(A)[:, :, None]) \
        + np.sum(np.vecdot(A, A[::-1])) + np.sum(np.linalg.vecdot(A, A, axis=0)) \
        + np.sum(np.linalg.matrix_transpose(A) @ np.linalg.matmul(A, A)) + np.sum(np.linalg.outer(A[0], A[1])) \
        + np.sum(np.linalg.cross(A[0], A[2])) + np.sum(np.linalg.tensordot(A, A, axes=1))


def cumulative(A):
    x = A[0]
    return np.sum(np.cumulative_sum(x) * np.arange(3.0)) + np.sum(np.cumulative_prod(x, include_initial=True)) \
        + np.sum(np.cumulative_sum(A, axis=1, include_initial=True) ** 2) + np.sum(np.astype(x, np.float64) ** 2)


def norms(A):
    return np.linalg.matrix_norm(A) + np.linalg.vector_norm(A) + np.sum(np.linalg.vector_norm(A, axis=1, ord=1)) \
        + np.linalg.trace(A) + np.sum(np.linalg.diagonal(A) ** 2) + np.linalg.matrix_norm(A, ord="nuc") \
        + np.linalg.vector_norm(A, keepdims=True).sum() + np.sum(np.linalg.svdvals(A) ** 2)


def unstacked(A):
    return sum(np.sum(r * (i + 1)) for i, r in enumerate(np.unstack(A, axis=1)))


def repeated_tuple(A):
    n = np.sum(A ** 2)
    shape = (1,) * A.ndim
    return np.sum(np.reshape(n, shape) * A) + np.sum(np.ones((2,) * 2) @ A[:2]) + len(shape)


@pytest.mark.parametrize("fun", [transposes_and_dots, cumulative, norms, unstacked, repeated_tuple],
                         ids=lambda f: f.__name__)
def test_numpy2_spellings(fun):
    check_against_fd(fun, (A.copy(),), (0,), compiled=fun is repeated_tuple)  # one compiled: the suite's budget
    check_forward(fun, (A.copy(),), (0,), compiled=False)


def _no_axis(A):
    return np.sum(np.cumulative_sum(A))


def test_a_definitions_check_is_located_at_the_call():
    with pytest.raises(ShapeError, match="np.cumulative_sum: axis must be given") as e:
        run_grad(_no_axis, (A,), (0,))
    assert "test_numpy2_spellings.py" in str(e.value)
