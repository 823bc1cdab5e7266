"""Optimisation test functions, geometry, optimal transport, curves, sequences."""
import math
from math import comb

import numpy as np
from scipy.special import logsumexp

BA_NCAMPARAMS = 11
ROT_IDX = 0
C_IDX = 3
F_IDX = 6
X0_IDX = 7
RAD_IDX = 9


def rosenbrock(x):
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2.0) ** 2.0 + (1 - x[:-1]) ** 2.0)


def rosenbrock_inputs(rng):
    return dict(x=rng.uniform(-1, 1, 10))


def ackley(x, a=20, b=0.2, c=2 * np.pi):
    d = len(x)
    term1 = -a * np.exp(-b * np.sqrt(np.sum(x ** 2) / d))
    term2 = -np.exp(np.sum(np.cos(c * x)) / d)
    return term1 + term2 + a + np.e


def ackley_inputs(rng):
    return dict(x=rng.uniform(-2, 2, 6))


def sinkhorn_loss(a_logits, x, y, eps=0.1, n_iters=50):
    a = np.exp(a_logits) / np.sum(np.exp(a_logits))
    b = np.ones(len(y)) / len(y)
    C = np.sum((x[:, None, :] - y[None, :, :]) ** 2, axis=-1)
    K = np.exp(-C / eps)
    u = np.ones_like(a)
    for _ in range(n_iters):
        v = b / (K.T @ u)
        u = a / (K @ v)
    P = u[:, None] * K * v[None, :]
    return np.sum(P * C)


def sinkhorn_inputs(rng):
    return dict(a_logits=np.zeros(8), x=rng.standard_normal((8, 2)) * 0.5, y=rng.standard_normal((9, 2)) * 0.5)


def sinkhorn_log_domain(x, y, eps=0.05, n_iters=30):
    n, m = x.shape[0], y.shape[0]
    C = np.sum((x[:, None, :] - y[None, :, :]) ** 2, axis=2)
    log_a = -np.log(n) * np.ones(n)
    log_b = -np.log(m) * np.ones(m)
    f = np.zeros(n)
    g = np.zeros(m)
    for it in range(n_iters):
        f = -eps * logsumexp((g[None, :] - C) / eps + log_b[None, :], axis=1)
        g = -eps * logsumexp((f[:, None] - C) / eps + log_a[:, None], axis=0)
    return np.sum(f) / n + np.sum(g) / m


def sinkhorn_log_inputs(rng):
    return dict(x=rng.standard_normal((6, 2)) * 0.5, y=rng.standard_normal((7, 2)) * 0.5 + 0.3)


# --- bundle adjustment, ADBench's objective (one observation at a time), NumPy
def rodrigues_rotate_point(rot, X):
    sqtheta = np.sum(np.square(rot))
    if sqtheta != 0.:
        theta = np.sqrt(sqtheta)
        costheta = np.cos(theta)
        sintheta = np.sin(theta)
        theta_inverse = 1. / theta
        w = theta_inverse * rot
        w_cross_X = np.cross(w, X)
        tmp = np.dot(w, X) * (1. - costheta)
        return X * costheta + w_cross_X * sintheta + w * tmp
    else:
        return X + np.cross(rot, X)


def radial_distort(rad_params, proj):
    rsq = np.sum(np.square(proj))
    L = 1. + rad_params[0] * rsq + rad_params[1] * rsq * rsq
    return proj * L


def project(cam, X):
    Xcam = rodrigues_rotate_point(cam[ROT_IDX: ROT_IDX + 3], X - cam[C_IDX: C_IDX + 3])
    distorted = radial_distort(cam[RAD_IDX: RAD_IDX + 2], Xcam[0:2] / Xcam[2])
    return distorted * cam[F_IDX] + cam[X0_IDX: X0_IDX + 2]


def compute_reproj_err(cam, X, w, feat):
    return w * (project(cam, X) - feat)


def ba_adbench(cams, X, w, obs, feats):
    p = obs.shape[0]
    reproj_err = np.empty((p, 2))
    for i in range(p):
        reproj_err[i] = compute_reproj_err(cams[obs[i, 0]], X[obs[i, 1]], w[i], feats[i])
    w_err = 1. - np.square(w)
    return np.sum(reproj_err ** 2) + np.sum(w_err ** 2)


def ba_inputs(rng):
    n_cams, n_pts, n_obs = 3, 8, 20
    cams = 0.1 * rng.standard_normal((n_cams, 11))
    cams[:, 6] = 1.0
    X = rng.standard_normal((n_pts, 3))
    X[:, 2] += 5.0
    obs = np.stack([rng.integers(0, n_cams, n_obs), rng.integers(0, n_pts, n_obs)], axis=1)
    return dict(cams=cams, X=X, w=rng.uniform(0.5, 1.0, n_obs), obs=obs, feats=rng.standard_normal((n_obs, 2)))


def ba_vectorized(cams, X, w, obs, feats):
    cam = cams[obs[:, 0]]
    pts = X[obs[:, 1]]
    rot = cam[:, ROT_IDX:ROT_IDX + 3]
    theta = np.linalg.norm(rot, axis=1, keepdims=True)
    axis = rot / theta
    P = pts - cam[:, C_IDX:C_IDX + 3]
    cos, sin = np.cos(theta), np.sin(theta)
    Prot = P * cos + np.cross(axis, P) * sin + axis * np.sum(axis * P, axis=1, keepdims=True) * (1 - cos)
    proj = Prot[:, :2] / Prot[:, 2, np.newaxis]
    rsq = np.sum(proj ** 2, axis=1)
    L = 1 + cam[:, RAD_IDX] * rsq + cam[:, RAD_IDX + 1] * rsq ** 2
    proj = proj * (L * cam[:, F_IDX])[:, None] + cam[:, X0_IDX:X0_IDX + 2]
    err = w[:, None] * (proj - feats)
    return np.sum(err ** 2) + np.sum((1 - w ** 2) ** 2)


def spline_fit(coeffs, knots_y, x, y):
    """A cubic polynomial trend plus a piecewise-linear correction through np.interp-free hat functions."""
    trend = np.polyval(coeffs, x)
    knots = np.linspace(x.min(), x.max(), len(knots_y))
    h = knots[1] - knots[0]
    hats = np.maximum(0, 1 - np.abs(x[:, None] - knots[None, :]) / h)
    fit = trend + hats @ knots_y
    return np.mean((fit - y) ** 2) + 1e-2 * np.sum(np.diff(knots_y, n=2) ** 2)


def spline_inputs(rng):
    x = np.sort(rng.uniform(-1, 1, 30))
    return dict(coeffs=np.array([0.1, -0.2, 0.3, 0.0]), knots_y=np.zeros(6), x=x, y=np.sin(3 * x))


def bezier_fit(ctrl, t, targets):
    n = len(ctrl) - 1
    curve = np.zeros((len(t), 2))
    for k in range(n + 1):
        basis = comb(n, k) * t ** k * (1 - t) ** (n - k)
        curve += basis[:, None] * ctrl[k]
    return np.sum((curve - targets) ** 2)


def bezier_inputs(rng):
    t = np.linspace(0, 1, 15)
    return dict(ctrl=rng.standard_normal((4, 2)), t=t, targets=np.stack([t, np.sin(3 * t)], axis=1))


def chamfer_distance(points, target):
    d = np.linalg.norm(points[:, None, :] - target[None, :, :], axis=-1)
    return d.min(axis=1).mean() + d.min(axis=0).mean()


def chamfer_inputs(rng):
    return dict(points=rng.standard_normal((10, 3)), target=rng.standard_normal((12, 3)))


def soft_dtw(x, y, gamma=0.1):
    n, m = len(x), len(y)
    D = (x[:, None] - y[None, :]) ** 2
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            r = np.array([R[i - 1, j - 1], R[i - 1, j], R[i, j - 1]])
            softmin = -gamma * logsumexp(-r / gamma)
            R[i, j] = D[i - 1, j - 1] + softmin
    return R[n, m]


def soft_dtw_inputs(rng):
    return dict(x=np.sin(np.linspace(0, 3, 10)) + 0.1 * rng.standard_normal(10), y=np.sin(np.linspace(0.3, 3.3, 8)))


def procrustes_rotation(angle, shift, A, B):
    c, s = np.cos(angle), np.sin(angle)
    R = np.array([[c, -s], [s, c]])
    return np.sum((A @ R.T + shift - B) ** 2)


def procrustes_inputs(rng):
    A = rng.standard_normal((10, 2))
    return dict(angle=0.3, shift=np.zeros(2), A=A, B=A @ np.array([[0.8, -0.6], [0.6, 0.8]]).T + 0.5)


def logdet_barrier(X, C, A, b, t=10.0):
    """Interior-point objective of a small SDP: t <C, X> - log det X + penalty on linear constraints."""
    S = 0.5 * (X + X.T)
    penalty = 0.0
    for i in range(len(b)):
        penalty += (np.trace(A[i] @ S) - b[i]) ** 2
    sign, logdet = np.linalg.slogdet(S)
    return t * np.trace(C @ S) - logdet + 10 * penalty


def logdet_inputs(rng):
    M = rng.standard_normal((4, 4))
    return dict(X=np.eye(4) + 0.1 * (M + M.T), C=np.eye(4), A=rng.standard_normal((2, 4, 4)), b=np.array([1.0, -0.5]))


def eigen_spread(W, X):
    """Spectral penalty: the gap between the largest and smallest eigenvalues of a feature covariance."""
    F = np.tanh(X @ W)
    cov = F.T @ F / F.shape[0]
    evals = np.linalg.eigvalsh(cov)
    return evals[-1] - evals[0] + np.sum(evals ** 2)


def eigen_inputs(rng):
    return dict(W=0.5 * rng.standard_normal((5, 3)), X=rng.standard_normal((20, 5)))



def softplus(z):
    return z if z > 30 else math.log1p(math.exp(z))


def smooth_svm(w, b, X, y, C=1.0):
    """Primal SVM with a softplus hinge, written sample by sample."""
    loss = 0.5 * np.dot(w, w)
    for i in range(len(y)):
        margin = y[i] * (np.dot(X[i], w) + b)
        loss += C * softplus(1 - margin)
    return loss


def svm_inputs(rng):
    X = rng.standard_normal((25, 3))
    return dict(w=0.1 * rng.standard_normal(3), b=0.0, X=X, y=np.sign(X[:, 0] + 0.3 * rng.standard_normal(25)))


PROGRAMS = [
    dict(name="rosenbrock", f=rosenbrock, inputs=rosenbrock_inputs, wrt=("x",)),
    dict(name="ackley", f=ackley, inputs=ackley_inputs, wrt=("x",)),
    dict(name="sinkhorn", f=sinkhorn_loss, inputs=sinkhorn_inputs, wrt=("a_logits", "x")),
    dict(name="sinkhorn_log_domain", f=sinkhorn_log_domain, inputs=sinkhorn_log_inputs, wrt=("x", "y")),
    dict(name="ba_adbench", f=ba_adbench, inputs=ba_inputs, wrt=("cams", "X", "w")),
    dict(name="ba_vectorized", f=ba_vectorized, inputs=ba_inputs, wrt=("cams", "X", "w")),
    dict(name="spline_polyval", f=spline_fit, inputs=spline_inputs, wrt=("coeffs", "knots_y")),
    dict(name="bezier_fit", f=bezier_fit, inputs=bezier_inputs, wrt=("ctrl",)),
    dict(name="chamfer_distance", f=chamfer_distance, inputs=chamfer_inputs, wrt=("points",)),
    dict(name="soft_dtw", f=soft_dtw, inputs=soft_dtw_inputs, wrt=("x", "y")),
    dict(name="procrustes_rotation", f=procrustes_rotation, inputs=procrustes_inputs, wrt=("angle", "shift")),
    dict(name="sdp_logdet_barrier", f=logdet_barrier, inputs=logdet_inputs, wrt=("X",)),
    dict(name="eigen_spread", f=eigen_spread, inputs=eigen_inputs, wrt=("W",)),
    dict(name="smooth_svm", f=smooth_svm, inputs=svm_inputs, wrt=("w", "b")),
]
