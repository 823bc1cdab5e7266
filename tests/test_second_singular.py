"""Second derivatives of np.linalg.det where the matrix is singular (issue 13): the gradient
(the cofactor matrix, runtime/linalg.cofactor) was exact there, but its derivative divided by
det(a), so the Hessian, hvp and grad of grad were nan. Now runtime/linalg.cofactor_jvp (through
the SVD, no division): checked against second differences, hvp = hessian @ v, reverse mode
three times, batched tangents against one hvp per element; the third derivative (which
still divides) at a regular matrix against differences of the Hessian."""
import numpy as np

import adjit


def f(A, x):
    return np.linalg.det(A * x) + np.sum(np.tanh(A) * x)


def second_differences(fun, A, eps=1e-4):
    n = A.size
    H = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            Ei, Ej = np.zeros(n), np.zeros(n)
            Ei[i], Ej[j] = eps, eps
            Ei, Ej = Ei.reshape(A.shape), Ej.reshape(A.shape)
            H[i, j] = (fun(A + Ei + Ej) - fun(A + Ei - Ej) - fun(A - Ei + Ej) + fun(A - Ei - Ej)) / (4 * eps * eps)
    return H


def test_hessian_of_det_at_singular_matrices():
    x = np.array([0.5, 1.5, 2.0])
    for A in (np.arange(1.0, 10.0).reshape(3, 3),  # rank 2
              np.outer([1.0, 2.0, -1.0], [0.5, 1.0, 3.0]),  # rank 1
              np.diag([1.0, 0.0, 2.0])):
        h = adjit.hessian(f)
        H = h(A, x)
        assert np.all(np.isfinite(H))
        ref = second_differences(lambda M: f(M, x), A)
        assert np.max(np.abs(H.reshape(9, 9) - ref)) < 1e-6 * max(1.0, np.max(np.abs(ref)))
        h.batched = False  # one hvp per element: the same numbers as the batched tangents
        assert np.allclose(h(A, x), H, rtol=1e-13, atol=1e-13)
        v = np.random.default_rng(0).standard_normal(A.shape)
        assert np.allclose(adjit.hvp(f)(A, x, v).ravel(), H.reshape(9, 9) @ v.ravel(), rtol=1e-12, atol=1e-12)


def test_grad_of_grad_of_det_at_a_singular_point_and_the_third_derivative():
    def h(a):  # det = a^3 - 2a: singular at a = 0
        return np.linalg.det(np.array([[a, 1.0, 0.0], [1.0, a, 1.0], [0.0, 1.0, a]]))

    assert adjit.grad(adjit.grad(h))(0.0) == 0.0
    assert np.isclose(adjit.grad(adjit.grad(h))(0.7), 4.2, rtol=1e-13)
    assert np.isclose(adjit.grad(adjit.grad(adjit.grad(h)))(0.7), 6.0, rtol=1e-13)  # reverse, three times

    def g3(A):
        return np.linalg.det(A) ** 2

    B = np.array([[2.0, 1.0, 0.3], [0.1, 3.0, 0.5], [0.4, 0.2, 1.5]])
    T = adjit.jacfwd(adjit.hessian(g3))(B)
    eps = 1e-5
    ref = np.zeros(T.shape)
    for idx in np.ndindex(3, 3):
        E = np.zeros((3, 3))
        E[idx] = eps
        ref[..., idx[0], idx[1]] = (adjit.hessian(g3)(B + E) - adjit.hessian(g3)(B - E)) / (2 * eps)
    assert np.max(np.abs(T - ref)) < 1e-8 * np.max(np.abs(ref))
