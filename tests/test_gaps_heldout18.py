"""What the eighteenth held-out corpus found (benchmarks/real_programs/heldout18.py), as small programs
written the way its programs are: a frame's stiffness matrix reduced to its free dofs by
`K[np.ix_(free, free)]` with a boolean `free` was refused ('np.ix_ takes 1-D sequences of ints'); a dict
made by a comprehension (`params = {name: np.exp(v) for name, v in zip(names, log_params)}`) could not be
written (`params["P_max"] = 90.0`: 'the dict 'the dict' is an argument, read-only'); `for x in
turning_points(series)` over a boolean-mask selection was 'for loops run over range(...), an array's first
axis, ...' (it is an array in NumPy), and rainflow's list used as a stack (`stack.pop()`, `stack[-1]` in a
while loop) gave messages that named no rewrite. Gradients against central differences, forward mode
against reverse (the lowered module run as plain Python)."""
import numpy as np
import pytest

import adjit
from tests.conftest import family_tests, run_grad


def _stiffness(d):
    n = d.shape[0]
    return np.diag(d) + 0.1 * np.outer(d, d) + 0.05 * np.ones((n, n))


def _frame_args():
    return [np.array([2.0, 3.0, 1.5, 4.0, 2.5]), np.array([0, 3]), np.array([1.0, -2.0, 0.5, 3.0, 1.0])]


# ------------------------------------------------ the block a boolean mask selects on both axes
def solve_free_dofs(d, fixed, loads):
    K = _stiffness(d)
    free = np.ones(d.shape[0], dtype=bool)
    free[fixed] = False
    u = np.zeros(d.shape[0])
    u[free] = np.linalg.solve(K[np.ix_(free, free)], loads[free])
    R = K @ u - loads  # reactions at the supports
    return loads @ u + np.sum(u ** 2) + np.sum(R[~free] ** 2)


def rows_then_columns(d, fixed, loads):
    K = _stiffness(d)
    free = np.ones(d.shape[0], dtype=bool)
    free[fixed] = False
    Kff = K[free][:, free]
    uf = np.linalg.solve(Kff, loads[free])
    sign, logdet = np.linalg.slogdet(Kff)
    return uf @ loads[free] + sign * logdet + 0.01 * np.linalg.det(Kff)


def factored_block(d, fixed, loads):
    K = _stiffness(d)
    free = ~np.isin(np.arange(d.shape[0]), fixed)
    Kff = K[np.ix_(free, free)]
    L = np.linalg.cholesky(Kff)
    z = np.linalg.solve(L, loads[free])
    x = np.linalg.solve(L.T, z)
    Kinv = np.linalg.inv(2.0 * Kff - 0.5 * Kff)
    return z @ z + 2 * np.sum(np.log(np.diag(L))) + np.sum((Kinv @ loads[free]) * loads[free]) \
        + 0.1 * np.sum((Kff @ x) * x) + np.sum(np.linalg.solve(Kff @ Kff, loads[free]))


def mask_from_values(d, loads):
    K = _stiffness(d)
    keep = d > 2.2  # a mask the data decide
    u = np.zeros(d.shape[0])
    u[keep] = np.linalg.solve(K[np.ix_(keep, keep)], loads[keep])
    return np.sum(u * loads)


def block_copy_and_columns(d, F, m):
    K = _stiffness(d)
    Kff = K[np.ix_(m, m)]
    K[0, 0] = 100.0  # NumPy's block is a copy: the write does not reach it
    U = np.zeros_like(F)
    U[m] = np.linalg.solve(Kff, F[m])  # several right-hand sides
    return np.linalg.det(Kff) + np.linalg.det(K) + np.sum(U ** 2 * np.arange(1.0, 3.0))


def prescribed_displacements(d, f, ubar):
    K = _stiffness(d)
    fixed = np.array([0, 3])
    free = np.ones(d.shape[0], dtype=bool)
    free[fixed] = False
    u = np.zeros(d.shape[0])
    u[~free] = ubar[~free]
    u[free] = np.linalg.solve(K[np.ix_(free, free)], f[free] - K[np.ix_(free, ~free)] @ u[~free])  # two masks
    R = K[np.ix_(fixed, free)] @ u[free] + K[np.ix_(fixed, fixed)] @ ubar[fixed]  # an int array and a mask
    return np.sum(u ** 2) + np.sum(R ** 2) + np.sum(K[free][:, ~free].T @ u[free]) \
        + np.sum(f[free] @ K[np.ix_(free, fixed)])


# ------------------------------------------------ a dict made by a comprehension, then written
def dict_comprehension_written(log_params, x):
    names = ["mu_max", "Ks"]
    params = {name: np.exp(v) for name, v in zip(names, log_params)}
    params["P_max"] = 90.0
    params["Ks"] = params["Ks"] * 2.0
    return np.sum(params["mu_max"] * x / (params["Ks"] + x) * (1 - x / params["P_max"]))


# ------------------------------------------------ a loop over a boolean-mask selection (turning points)
def turning_point_stack(scf, loads):
    x = scf * loads
    d = np.diff(x)
    keep = np.ones(len(x), dtype=bool)
    keep[1:-1] = d[:-1] * d[1:] < 0
    stack = np.zeros(len(x))  # the stack the located error's hint names: an array and a counter
    top = 0
    total = 0.0
    for v in x[keep]:
        stack[top] = v
        top += 1
        while top >= 3:
            X = abs(stack[top - 1] - stack[top - 2])
            Y = abs(stack[top - 2] - stack[top - 3])
            if X < Y:
                break
            total += Y ** 3
            stack[top - 3] = stack[top - 1]
            top -= 2
    for i in range(top - 1):
        total += 0.5 * abs(stack[i + 1] - stack[i]) ** 3
    return total


# ------------------------------------------------ np.linalg.eigh / eigvalsh with UPLO='U' (found by probes; was refused)
def eigh_upper(a):
    A = a[:, None, None] * np.array([[2.0, 0.3, 0.1], [9.0, 1.0, 0.2], [9.0, 9.0, 3.0]]) + np.eye(3)
    w, V = np.linalg.eigh(A, UPLO="U")  # the 9.0s below the diagonal are not read
    return np.sum(w * np.arange(3)) + np.sum(V[:, :, -1] ** 4) + np.sum(np.linalg.eigvalsh(A[0], "U") ** 2)


def eigvalsh_upper_long(a):  # a stack of more than 64 matrices: a loop (morenumpy._looped_linalg)
    t = np.linspace(0.1, 2.0, 70)
    A = np.zeros((70, 2, 2))
    A[:, 0, 0] = a[0] * t
    A[:, 0, 1] = a[1]
    A[:, 1, 0] = 99.0  # not read with UPLO='U'
    A[:, 1, 1] = 2.0 + t
    return np.sum(np.linalg.eigvalsh(A, UPLO="U")[:, 0])


CASES = [
    (solve_free_dofs, _frame_args),
    (rows_then_columns, _frame_args),
    (factored_block, _frame_args),
    (mask_from_values, lambda: [_frame_args()[0], _frame_args()[2]]),
    (prescribed_displacements, lambda: [_frame_args()[0], _frame_args()[2], np.array([0.1, 0.0, 0.0, -0.2, 0.0])],
     (0, 1, 2)),
    (block_copy_and_columns, lambda: [_frame_args()[0], np.arange(10.0).reshape(5, 2) / 3,
                                      np.array([True, False, True, True, False])], (0, 1)),
    (eigh_upper, lambda: [np.array([1.0, 1.5, 0.7])]),
    (eigvalsh_upper_long, lambda: [np.array([1.0, 0.4])]),
    (dict_comprehension_written, lambda: [np.array([-0.8, 0.2]), np.linspace(0.5, 20.0, 6)]),
    (turning_point_stack, lambda: [np.array(2.0), np.sin(np.linspace(0, 12, 30)) * np.linspace(1, 2, 30)]),
]
IDS = [c[0].__name__ for c in CASES]

test_gradient, test_forward = family_tests(CASES, IDS, every=4, skip=frozenset(IDS))


# ------------------------------------------------ what stays refused: located, naming the rewrite
def two_masks(d, fixed, loads):
    K = _stiffness(d)
    free = np.ones(d.shape[0], dtype=bool)
    free[fixed] = False
    return np.sum(np.linalg.solve(K[np.ix_(free, ~free)], loads[free]))


def block_summed(d, fixed, loads):
    K = _stiffness(d)
    free = np.ones(d.shape[0], dtype=bool)
    free[fixed] = False
    return np.sum(K[np.ix_(free, free)])


def block_indexed(d, fixed, loads):
    K = _stiffness(d)
    free = np.ones(d.shape[0], dtype=bool)
    free[fixed] = False
    return K[np.ix_(free, free)][0, 0]


def block_written(d, fixed, loads):
    K = _stiffness(d)
    free = np.ones(d.shape[0], dtype=bool)
    free[fixed] = False
    K[np.ix_(free, free)] += 1.0
    return np.sum(K)


def block_returned(d, fixed, loads):
    K = _stiffness(d)
    free = np.ones(d.shape[0], dtype=bool)
    free[fixed] = False
    return K[np.ix_(free, free)]  # was an AttributeError ('MaskedSquare' object has no attribute 'hint')


def block_carried(d, fixed, loads):
    K = _stiffness(d)
    free = np.ones(d.shape[0], dtype=bool)
    free[fixed] = False
    A = K[np.ix_(free, free)]
    for _ in range(2):
        A = A @ A
    return np.linalg.det(A)  # was "'A' is assigned only inside the loop; assign it before the loop"


def list_stack(scf, loads):
    x = scf * loads
    stack = [x[0]]
    total = 0.0
    for v in x[1:][x[1:] > -10.0]:
        stack.append(v)
        while len(stack) >= 3:
            total += abs(stack[-2] - stack[-3])
            last = stack.pop()
            stack.pop()
            stack.append(last)
    return total


def rows_of_selection(w, X):
    total = 0.0
    for row in X[X[:, 0] > 0]:
        total += row @ w
    return total


@pytest.mark.parametrize("fun,match", [(two_masks, "two different boolean masks"),
                                       (block_summed, "adjit takes np.linalg.solve"),
                                       (block_written, "writing into the block"),
                                       (block_indexed, "keep the full shape"),
                                       (block_returned, "shape known only when the function runs"),
                                       (block_carried, "selection changed inside the loop"),
                                       (list_stack, "int counter"),
                                       (rows_of_selection, "if not mask")])
def test_refusals_are_located_and_name_the_rewrite(fun, match):
    args = [np.array(1.5), np.linspace(-1, 1, 6)] if fun is list_stack else \
        [np.array([0.5, -0.3]), np.arange(-5.0, 5.0).reshape(5, 2)] if fun is rows_of_selection else _frame_args()
    with pytest.raises(adjit.AdjitError, match=match) as info:
        run_grad(fun, args, (0,))
    assert "test_gaps_heldout18.py:" in str(info.value)  # located at the user's line


def test_block_rewrite_in_the_hint_is_the_same_program():
    """The full-shape rewrite the refusals name computes what the block solve does."""
    d, fixed, loads = _frame_args()
    K = _stiffness(d)
    free = np.ones(5, dtype=bool)
    free[fixed] = False
    Kp = np.where(free[:, None] & free[None, :], K, np.eye(5))
    u = np.linalg.solve(Kp, np.where(free, loads, 0.0))
    u_ref = np.zeros(5)
    u_ref[free] = np.linalg.solve(K[np.ix_(free, free)], loads[free])
    assert np.allclose(u, u_ref, rtol=1e-13, atol=1e-15)
    assert np.isclose(np.linalg.slogdet(Kp)[1], np.linalg.slogdet(K[np.ix_(free, free)])[1], rtol=1e-13)
