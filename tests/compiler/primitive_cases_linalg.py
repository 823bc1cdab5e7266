"""Test rows of the linalg primitives (merged into primitive_cases.CASES): primitive name -> list of
(function, args maker, wrt). Matrices are well conditioned (random + n*I), symmetric positive
definite ones for cholesky and eigh (distinct eigenvalues), random ones for expm (norm about 2) and
the SVD (distinct singular values; the singular vectors enter squared, free of their signs); arguments that are matrices are
perturbed entry by entry by the finite differences, so the lower-triangle semantics of cholesky and
eigh (what LAPACK reads) is checked too."""
import math

import numpy as np
import scipy.linalg

from primitive_cases import R, normal, positive, away_from_zero  # noqa: F401


def general(n):
    return R.standard_normal((n, n)) + n * np.eye(n)


def spd(n):
    b = R.standard_normal((n, n))
    return b @ b.T + np.diag(np.arange(1.0, n + 1.0))


def matmul_batched(a, b, u): return np.sum(u * (a @ b))
def matmul_batched_vec(v, a, w, u): return np.sum(u * (v @ a)) + np.sum((a @ w) ** 2)
def solve_vec(a, b, u): return np.sum(u * np.linalg.solve(a, b))
def solve_mat(a, b, u): return np.sum(u * np.linalg.solve(a, b) ** 2)
def inv_(a, u): return np.sum(u * np.linalg.inv(a))
def det_(a): return np.linalg.det(a) + np.linalg.det(a @ a) * 0.01
def slogdet_(a, b):
    s, l = np.linalg.slogdet(a)
    t, m = np.linalg.slogdet(-b)  # det < 0: sign -1
    return s * l + t * m ** 2
def cholesky_(a, u): return np.sum(u * np.linalg.cholesky(a))
def cholesky_sym(b, u): return np.sum(u * np.linalg.cholesky(b @ b.T + 4.0 * np.eye(4)) ** 2)
def eigh_w_(a, u):
    w, v = np.linalg.eigh(a)
    return np.sum(u * w) + np.sum(np.linalg.eigvalsh(a) ** 2)
def eigh_v_(a, u):
    w, v = np.linalg.eigh(a)
    return np.sum(u * v ** 2) + np.sum(w * np.abs(v[0]))

def eig_re_(a, u): return np.sum(u * np.linalg.eigvals(a).real)
def eig_im_(a, u):  # a rotation-like part: two conjugate pairs
    w, _ = np.linalg.eig(a)
    return np.sum(u * w.imag) + np.sum(np.abs(w))


def rotation_like(n):
    b = R.standard_normal((n, n))
    return b - b.T + 0.3 * R.standard_normal((n, n))


def expm_(a, u): return np.sum(u * scipy.linalg.expm(a))
def expm_frechet_(a, e, u): return np.sum(u * scipy.linalg.expm_frechet(a, e, compute_expm=False) ** 2)
def svd_s_(a, u): return np.sum(u * np.linalg.svd(a, compute_uv=False) ** 2)
def svd_u_(a, u):  # sign-free: squares (a tall matrix: U's rule has its (I - U U^T) term)
    U, s, Vh = np.linalg.svd(a, full_matrices=False)
    return np.sum(u * U ** 2)
def svd_vh_(a, u):  # a wide matrix: Vh's rule has its (I - V V^T) term
    U, s, Vh = np.linalg.svd(a, full_matrices=False)
    return np.sum(u * Vh ** 2)


def pinv_(a, b, u):  # a tall and a wide matrix: both projection terms of the rule
    return np.sum(u * np.linalg.pinv(a)) + np.sum(np.linalg.pinv(b, rtol=None) ** 2)


def qr_(a, u, w):
    """The reduced QR of a tall and of a square matrix (Householder signs fixed around a full-rank one)."""
    q, r = np.linalg.qr(a)
    return np.sum(u * q) + np.sum(w * r) + np.sum(np.linalg.qr(a[:3], mode="r") ** 2)


CASES: dict = {
    **{name: [(qr_, lambda: (normal(5, 3), normal(5, 3), normal(3, 3)), (0,))] for name in ("qr_q", "qr_r")},
    "matmul": [(matmul_batched, lambda: (normal(2, 1, 3, 4), normal(5, 4, 2), normal(2, 5, 3, 2)), (0, 1)),
               (matmul_batched_vec, lambda: (normal(3), normal(2, 3, 4), normal(4), normal(2, 4)), (0, 1, 2))],
    "solve": [(solve_vec, lambda: (general(4), normal(4), normal(4)), (0, 1)),
              (solve_mat, lambda: (general(3), normal(3, 2), normal(3, 2)), (0, 1))],
    "inv": [(inv_, lambda: (general(4), normal(4, 4)), (0,))],
    "det": [(det_, lambda: (general(3),), (0,))],
    "slogdet": [(slogdet_, lambda: (general(4), general(3)), (0, 1))],
    "cholesky": [(cholesky_, lambda: (spd(4), normal(4, 4)), (0,)),
                 (cholesky_sym, lambda: (normal(4, 4), normal(4, 4)), (0,))],
    "eigh_w": [(eigh_w_, lambda: (spd(4), normal(4)), (0,))],
    "eigh_v": [(eigh_v_, lambda: (spd(4), normal(4, 4)), (0,))],
    "eig_re": [(eig_re_, lambda: (general(4), normal(4)), (0,))],
    "eig_im": [(eig_im_, lambda: (rotation_like(4), normal(4)), (0,))],
    "expm": [(expm_, lambda: (normal(3, 3) * 0.7, normal(3, 3)), (0,))],
    "expm_frechet": [(expm_frechet_, lambda: (normal(3, 3) * 0.7, normal(3, 3), normal(3, 3)), (0, 1))],
    "svd_s": [(svd_s_, lambda: (normal(4, 3), normal(3)), (0,))],
    "svd_u": [(svd_u_, lambda: (normal(4, 3), normal(4, 3)), (0,))],
    "pinv": [(pinv_, lambda: (normal(5, 3), normal(2, 4), normal(3, 5)), (0, 1))],
    "svd_vh": [(svd_vh_, lambda: (normal(2, 4), normal(2, 4)), (0,))],
}
