"""Thirteenth held-out set: twenty-five programs written without reading adjit's docs or source, in domains
the other modules do not cover, the way model zoos, course notes and paper appendices write them: patchify
by reshape/transpose, multi-head attention by einsum, np.split into q/k/v, np.nonzero edge lists with
np.add.at aggregation, sliding_window_view convolutions and reshape max-pooling, np.roll stencils, Cox-de
Boor recursion with ifs on knot values, numpy.polynomial.hermite_e, scipy.linalg.cho_factor/cho_solve,
np.linalg.eigvals of a constant matrix, take_along_axis gathers, lists as L-BFGS histories with pop(0),
reversed loops, dicts of quote slices keyed by maturity, ragged lists of sentences, flat parameter vectors
unflattened by a dict of shapes, in-place slice updates of field arrays.

A vision-transformer block on patches, SchNet continuous-filter convolutions, an input-output HMM in log
space, a bearings-only extended Kalman filter, a spectral-mixture GP, Gray-Scott reaction-diffusion, a
rational-quadratic spline flow, an unrolled L-BFGS for hyperparameters, a Poisson GAM on Cox-de Boor
B-splines, sphere tracing of a smooth-union SDF, SVI volatility slices, the Stillinger-Weber potential, a
PCFG inside algorithm, polynomial chaos for robust design, Tukey-biweight IRLS, an SE(3) pose graph, a
WaveNet stack, a tiny U-Net, capsule routing by agreement, a neural cellular automaton, an echo-state
network with a ridge readout, 1-D FDTD permittivity inversion, the social-force crowd model, a DDPM
denoising loss and PPO's clipped surrogate with GAE.
"""
from math import factorial

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.polynomial import hermite_e as H
from scipy.linalg import cho_factor, cho_solve
from scipy.special import erf, expit, log_softmax, logsumexp, softmax
from scipy.stats import norm


# ----------------------------------------------- vision: a ViT block on image patches
def layer_norm(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def gelu(x):
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def patchify(images, p):
    B, H_, W_, C = images.shape
    x = images.reshape(B, H_ // p, p, W_ // p, p, C).transpose(0, 1, 3, 2, 4, 5)
    return x.reshape(B, -1, p * p * C)


def multi_head_attention(x, W_qkv, W_o, n_heads):
    B, T, D = x.shape
    dh = D // n_heads
    q, k, v = np.split(x @ W_qkv, 3, axis=-1)
    q, k, v = [t.reshape(B, T, n_heads, dh).transpose(0, 2, 1, 3) for t in (q, k, v)]
    scores = np.einsum("bhqd,bhkd->bhqk", q, k) / np.sqrt(dh)
    weights = softmax(scores, axis=-1)
    out = np.einsum("bhqk,bhkd->bhqd", weights, v)
    return out.transpose(0, 2, 1, 3).reshape(B, T, D) @ W_o


def vit_loss(W_embed, W_qkv, W_o, images, labels, cls_token, pos_embed, ln, W_mlp1, W_mlp2, W_head,
             patch=4, n_heads=2):
    tokens = patchify(images, patch) @ W_embed
    B, T, D = tokens.shape
    cls = np.tile(cls_token, (B, 1, 1))
    x = np.concatenate([cls, tokens], axis=1) + pos_embed[None, :T + 1]
    x = x + multi_head_attention(layer_norm(x, ln["g1"], ln["b1"]), W_qkv, W_o, n_heads)
    x = x + gelu(layer_norm(x, ln["g2"], ln["b2"]) @ W_mlp1) @ W_mlp2
    logits = x[:, 0, :] @ W_head
    logp = log_softmax(logits, axis=-1)
    return -np.mean(logp[np.arange(B), labels])


def vit_inputs(rng):
    B, D, n_cls = 6, 8, 3
    images = rng.standard_normal((B, 8, 8, 1))
    s = 0.3
    return dict(W_embed=s * rng.standard_normal((16, D)), W_qkv=s * rng.standard_normal((D, 3 * D)),
                W_o=s * rng.standard_normal((D, D)), images=images, labels=rng.integers(0, n_cls, B),
                cls_token=s * rng.standard_normal((1, 1, D)), pos_embed=s * rng.standard_normal((5, D)),
                ln=dict(g1=np.ones(D), b1=np.zeros(D), g2=1.0 + 0.1 * rng.standard_normal(D), b2=np.zeros(D)),
                W_mlp1=s * rng.standard_normal((D, 16)), W_mlp2=s * rng.standard_normal((16, D)),
                W_head=s * rng.standard_normal((D, n_cls)))


# ----------------------------------------------- chemistry: SchNet continuous-filter convolutions
def rbf_expand(d, centers, gamma=10.0):
    return np.exp(-gamma * (d[:, None] - centers[None, :]) ** 2)


def cosine_cutoff(d, rc):
    return np.where(d < rc, 0.5 * (np.cos(np.pi * d / rc) + 1.0), 0.0)


def shifted_softplus(x):
    return np.logaddexp(x, 0.0) - np.log(2.0)


def schnet_energy(positions, species, embed, W_filter, W_atom, w_out, cutoff=2.5):
    n = len(positions)
    diff = positions[:, None, :] - positions[None, :, :]
    dist = np.sqrt(np.sum(diff ** 2, axis=-1) + np.eye(n))
    src, dst = np.nonzero((dist < cutoff) & ~np.eye(n, dtype=bool))
    d = dist[src, dst]
    centers = np.linspace(0.0, cutoff, W_filter.shape[2])
    e = rbf_expand(d, centers)
    fcut = cosine_cutoff(d, cutoff)
    h = embed[species]
    for t in range(W_filter.shape[0]):
        filt = shifted_softplus(e @ W_filter[t].T) * fcut[:, None]
        messages = h[src] * filt
        agg = np.zeros_like(h)
        np.add.at(agg, dst, messages)
        h = h + shifted_softplus(agg @ W_atom[t])
    return np.sum(h @ w_out)


def schnet_loss(positions, W_filter, species, embed, W_atom, w_out, E_ref):
    return (schnet_energy(positions, species, embed, W_filter, W_atom, w_out) - E_ref) ** 2


def schnet_inputs(rng):
    n, F, K = 8, 6, 8
    while True:
        pos = rng.uniform(0.0, 2.6, (n, 3))
        d = np.linalg.norm(pos[:, None] - pos[None], axis=-1)[np.triu_indices(n, 1)]
        if d.min() > 0.6 and np.abs(d - 2.5).min() > 0.05:
            break
    return dict(positions=pos, W_filter=0.3 * rng.standard_normal((2, F, K)), species=rng.integers(0, 3, n),
                embed=rng.standard_normal((3, F)), W_atom=0.3 * rng.standard_normal((2, F, F)),
                w_out=rng.standard_normal(F), E_ref=-3.0)


# ----------------------------------------------- time series: input-output HMM in log space
def iohmm_nll(W_trans, mu, log_sigma, log_pi0, u, y):
    T = len(y)
    sigma = np.exp(log_sigma)
    log_alpha = log_pi0 - logsumexp(log_pi0) + norm.logpdf(y[0], mu, sigma)
    for t in range(1, T):
        logits = np.einsum("ijk,k->ij", W_trans, u[t])
        log_A = logits - logsumexp(logits, axis=1, keepdims=True)
        log_alpha = logsumexp(log_alpha[:, None] + log_A, axis=0) + norm.logpdf(y[t], loc=mu, scale=sigma)
    return -logsumexp(log_alpha)


def iohmm_inputs(rng):
    T, K = 60, 3
    u = np.column_stack([np.ones(T), np.sin(np.arange(T) / 5.0)])
    states = np.zeros(T, dtype=int)
    for t in range(1, T):
        states[t] = states[t - 1] if rng.random() < 0.8 else rng.integers(0, K)
    y = np.array([-2.0, 0.0, 2.5])[states] + 0.5 * rng.standard_normal(T)
    return dict(W_trans=0.5 * rng.standard_normal((K, K, 2)) + 2.0 * np.eye(K)[:, :, None] * np.array([1.0, 0.0]),
                mu=np.array([-1.5, 0.2, 2.0]), log_sigma=np.log(np.array([0.6, 0.6, 0.6])),
                log_pi0=np.zeros(K), u=u, y=y)


# ----------------------------------------------- tracking: bearings-only extended Kalman filter
def ekf_bearings_nll(log_q, log_r, x0, bearings, sensors, dt=1.0):
    F = np.array([[1.0, 0.0, dt, 0.0], [0.0, 1.0, 0.0, dt], [0.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0]])
    q = np.exp(log_q)
    Q = q * np.array([[dt ** 3 / 3, 0, dt ** 2 / 2, 0], [0, dt ** 3 / 3, 0, dt ** 2 / 2],
                      [dt ** 2 / 2, 0, dt, 0], [0, dt ** 2 / 2, 0, dt]])
    R = np.exp(2 * log_r)
    x = x0.copy()
    P = np.diag([1.0, 1.0, 0.1, 0.1])
    nll = 0.0
    for k, z in enumerate(bearings):
        x = F @ x
        P = F @ P @ F.T + Q
        sx, sy = sensors[k]
        dx, dy = x[0] - sx, x[1] - sy
        r2 = dx ** 2 + dy ** 2
        H_ = np.array([[-dy / r2, dx / r2, 0.0, 0.0]])
        innov = (z - np.arctan2(dy, dx) + np.pi) % (2 * np.pi) - np.pi
        S = (H_ @ P @ H_.T)[0, 0] + R
        K = (P @ H_.T / S).ravel()
        x = x + K * innov
        P = (np.eye(4) - np.outer(K, H_)) @ P
        nll += 0.5 * (np.log(2 * np.pi * S) + innov ** 2 / S)
    return nll


def ekf_inputs(rng):
    n = 40
    x = np.array([10.0, 5.0, -0.3, 0.2])
    sensors = np.column_stack([np.linspace(0.0, 8.0, n), 2.0 * np.sin(np.linspace(0, 3, n))])
    z = []
    for k in range(n):
        x = np.array([x[0] + x[2], x[1] + x[3], x[2], x[3]]) + np.concatenate([[0, 0], 0.02 * rng.standard_normal(2)])
        z.append(np.arctan2(x[1] - sensors[k, 1], x[0] - sensors[k, 0]) + 0.02 * rng.standard_normal())
    return dict(log_q=np.log(0.01), log_r=np.log(0.03), x0=np.array([9.5, 5.5, -0.25, 0.15]),
                bearings=np.array(z), sensors=sensors)


# ----------------------------------------------- Gaussian processes: spectral mixture kernel
def spectral_mixture_kernel(x1, x2, weights, means, variances):
    tau = x1[:, None] - x2[None, :]
    K = np.zeros_like(tau)
    for w, m, v in zip(weights, means, variances):
        K += w * np.exp(-2 * np.pi ** 2 * tau ** 2 * v) * np.cos(2 * np.pi * tau * m)
    return K


def sm_gp_nlml(hyp, t, y, Q=2):
    log_w, log_mu, log_v = hyp[:Q], hyp[Q:2 * Q], hyp[2 * Q:3 * Q]
    noise = np.exp(hyp[-1])
    K = spectral_mixture_kernel(t, t, np.exp(log_w), np.exp(log_mu), np.exp(log_v)) + noise * np.eye(len(t))
    c, low = cho_factor(K, lower=True)
    alpha = cho_solve((c, low), y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(c))) + 0.5 * len(t) * np.log(2 * np.pi)


def sm_gp_inputs(rng):
    t = np.sort(rng.uniform(0.0, 10.0, 50))
    y = np.sin(2 * np.pi * 0.3 * t) + 0.5 * np.cos(2 * np.pi * 1.1 * t) + 0.1 * rng.standard_normal(50)
    hyp = np.array([np.log(0.8), np.log(0.4), np.log(0.25), np.log(1.0), np.log(0.01), np.log(0.02), np.log(0.05)])
    return dict(hyp=hyp, t=t, y=y)


# ----------------------------------------------- pattern formation: Gray-Scott reaction-diffusion
def laplacian(Z):
    return (np.roll(Z, 1, axis=0) + np.roll(Z, -1, axis=0) + np.roll(Z, 1, axis=1) + np.roll(Z, -1, axis=1)
            - 4 * Z)


def gray_scott(params, U0, V0, steps=150, dt=1.0):
    Du, Dv, F, k = params
    U, V = U0.copy(), V0.copy()
    for _ in range(steps):
        UVV = U * V * V
        U = U + dt * (Du * laplacian(U) - UVV + F * (1 - U))
        V = V + dt * (Dv * laplacian(V) + UVV - (F + k) * V)
    return U, V


def gray_scott_loss(params, U0, V0, V_obs):
    _, V = gray_scott(params, U0, V0)
    return np.mean((V - V_obs) ** 2)


def gray_scott_inputs(rng):
    n = 24
    U0, V0 = np.ones((n, n)), np.zeros((n, n))
    U0[10:14, 10:14], V0[10:14, 10:14] = 0.5, 0.25
    V0 += 0.02 * rng.random((n, n))
    _, V_obs = gray_scott(np.array([0.16, 0.08, 0.035, 0.065]), U0, V0)
    return dict(params=np.array([0.15, 0.075, 0.04, 0.06]), U0=U0, V0=V0, V_obs=V_obs)


# ----------------------------------------------- density estimation: rational-quadratic spline flow
def rq_spline(x, w_logits, h_logits, d_raw, bound=3.0):
    """Monotone rational-quadratic spline (Durkan et al. 2019) on [-bound, bound], identity outside."""
    N, K = w_logits.shape
    widths = softmax(w_logits, axis=-1) * 2 * bound
    heights = softmax(h_logits, axis=-1) * 2 * bound
    derivs = np.concatenate([np.ones((N, 1)), np.logaddexp(0.0, d_raw) + 1e-3, np.ones((N, 1))], axis=-1)
    xk = np.concatenate([np.full((N, 1), -bound), -bound + np.cumsum(widths, axis=-1)], axis=-1)
    yk = np.concatenate([np.full((N, 1), -bound), -bound + np.cumsum(heights, axis=-1)], axis=-1)
    inside = np.abs(x) < bound
    xc = np.clip(x, -bound + 1e-9, bound - 1e-9)
    idx = np.clip(np.sum(xc[:, None] >= xk[:, 1:], axis=1), 0, K - 1)[:, None]
    x_lo = np.take_along_axis(xk, idx, axis=1)[:, 0]
    y_lo = np.take_along_axis(yk, idx, axis=1)[:, 0]
    w = np.take_along_axis(widths, idx, axis=1)[:, 0]
    h = np.take_along_axis(heights, idx, axis=1)[:, 0]
    d0 = np.take_along_axis(derivs, idx, axis=1)[:, 0]
    d1 = np.take_along_axis(derivs, idx + 1, axis=1)[:, 0]
    s = h / w
    xi = (xc - x_lo) / w
    den = s + (d0 + d1 - 2 * s) * xi * (1 - xi)
    y = y_lo + h * (s * xi ** 2 + d0 * xi * (1 - xi)) / den
    dydx = s ** 2 * (d1 * xi ** 2 + 2 * s * xi * (1 - xi) + d0 * (1 - xi) ** 2) / den ** 2
    return np.where(inside, y, x), np.where(inside, np.log(dydx), 0.0)


def coupling_layer(x, W1, b1, W2, b2, flip, n_bins=5):
    x_cond, x_trans = (x[:, 1], x[:, 0]) if flip else (x[:, 0], x[:, 1])
    hidden = np.tanh(x_cond[:, None] @ W1 + b1)
    out = hidden @ W2 + b2
    w, h, d = out[:, :n_bins], out[:, n_bins:2 * n_bins], out[:, 2 * n_bins:]
    y, logdet = rq_spline(x_trans, w, h, d)
    z = np.column_stack([y, x_cond]) if flip else np.column_stack([x_cond, y])
    return z, logdet


def spline_flow_nll(W1a, W2a, W1b, W2b, data, b1a, b2a, b1b, b2b):
    z, ld1 = coupling_layer(data, W1a, b1a, W2a, b2a, flip=False)
    z, ld2 = coupling_layer(z, W1b, b1b, W2b, b2b, flip=True)
    log_pz = -0.5 * np.sum(z ** 2, axis=1) - np.log(2 * np.pi)
    return -np.mean(log_pz + ld1 + ld2)


def spline_flow_inputs(rng):
    n, hid, out = 64, 8, 3 * 5 - 1
    a = rng.standard_normal(n)
    data = np.column_stack([a, 0.5 * a ** 2 - 1.0 + 0.3 * rng.standard_normal(n)])
    return dict(W1a=0.5 * rng.standard_normal((1, hid)), W2a=0.3 * rng.standard_normal((hid, out)),
                W1b=0.5 * rng.standard_normal((1, hid)), W2b=0.3 * rng.standard_normal((hid, out)), data=data,
                b1a=0.1 * rng.standard_normal(hid), b2a=np.zeros(out), b1b=0.1 * rng.standard_normal(hid),
                b2b=np.zeros(out))


# ----------------------------------------------- hyperparameter learning: unrolled L-BFGS
def logistic_loss_grad(w, X, y, lam):
    z = X @ w
    loss = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * np.sum(lam * w * w)
    grad = X.T @ (expit(z) - y) / len(y) + lam * w
    return loss, grad


def two_loop(g, s_hist, y_hist):
    q = g.copy()
    alphas = []
    for s, yv in zip(reversed(s_hist), reversed(y_hist)):
        rho = 1.0 / (yv @ s)
        a = rho * (s @ q)
        q = q - a * yv
        alphas.append((rho, a))
    gamma = (s_hist[-1] @ y_hist[-1]) / (y_hist[-1] @ y_hist[-1]) if s_hist else 1.0
    r = gamma * q
    for (s, yv), (rho, a) in zip(zip(s_hist, y_hist), reversed(alphas)):
        b = rho * (yv @ r)
        r = r + s * (a - b)
    return r


def lbfgs_validation_loss(log_lam, X_train, y_train, X_val, y_val, n_iter=12, m=4, step=1.0):
    lam = np.exp(log_lam)
    w = np.zeros(X_train.shape[1])
    s_hist, y_hist = [], []
    _, g = logistic_loss_grad(w, X_train, y_train, lam)
    for it in range(n_iter):
        d = -two_loop(g, s_hist, y_hist)
        w_new = w + step * d
        _, g_new = logistic_loss_grad(w_new, X_train, y_train, lam)
        s_hist.append(w_new - w)
        y_hist.append(g_new - g)
        if len(s_hist) > m:
            s_hist.pop(0)
            y_hist.pop(0)
        w, g = w_new, g_new
    val_loss, _ = logistic_loss_grad(w, X_val, y_val, 0.0)
    return val_loss


def lbfgs_inputs(rng):
    n, p = 80, 6
    X = rng.standard_normal((2 * n, p))
    w_true = np.array([1.5, -1.0, 0.0, 0.5, 0.0, 0.0])
    y = (rng.random(2 * n) < expit(X @ w_true)).astype(float)
    return dict(log_lam=np.log(np.full(p, 0.1)), X_train=X[:n], y_train=y[:n], X_val=X[n:], y_val=y[n:])


# ----------------------------------------------- epidemiology: Poisson GAM on Cox-de Boor B-splines
def bspline_basis(x, knots, degree):
    B = [((knots[i] <= x) & (x < knots[i + 1])).astype(float) for i in range(len(knots) - 1)]
    for p in range(1, degree + 1):
        B_new = []
        for i in range(len(knots) - p - 1):
            left = 0.0 if knots[i + p] == knots[i] else (x - knots[i]) / (knots[i + p] - knots[i]) * B[i]
            right = (0.0 if knots[i + p + 1] == knots[i + 1]
                     else (knots[i + p + 1] - x) / (knots[i + p + 1] - knots[i + 1]) * B[i + 1])
            B_new.append(left + right)
        B = B_new
    return np.column_stack(B)


def poisson_gam_loss(coef, intercept, x, counts, exposure, knots, smooth=1.0, degree=3):
    Bm = bspline_basis(x, knots, degree)
    eta = intercept + Bm @ coef + np.log(exposure)
    mu = np.exp(eta)
    nll = np.sum(mu - counts * eta)
    return nll + smooth * np.sum(np.diff(coef, n=2) ** 2)


def gam_inputs(rng):
    n = 120
    x = np.sort(rng.uniform(0.0, 10.0, n))
    knots = np.concatenate([[0.0] * 3, np.linspace(0.0, 10.0, 7), [10.0] * 3])
    exposure = rng.uniform(50, 150, n)
    counts = rng.poisson(exposure * 0.01 * np.exp(np.sin(x / 2.0)))
    n_basis = len(knots) - 3 - 1
    return dict(coef=0.1 * rng.standard_normal(n_basis), intercept=np.log(0.01), x=x, counts=counts.astype(float),
                exposure=exposure, knots=knots)


# ----------------------------------------------- graphics: sphere tracing a smooth-union SDF
def smooth_min(a, b, k=0.2):
    h = np.clip(0.5 + 0.5 * (b - a) / k, 0.0, 1.0)
    return b * (1 - h) + a * h - k * h * (1 - h)


def scene_sdf(p, centers, radii):
    d = np.linalg.norm(p - centers[0], axis=-1) - radii[0]
    for c, r in zip(centers[1:], radii[1:]):
        d = smooth_min(d, np.linalg.norm(p - c, axis=-1) - r)
    return d


def render_sdf(centers, radii, light_dir, width=16, height=16, n_steps=40, eps=1e-3):
    ys, xs = np.meshgrid(np.linspace(-1, 1, height), np.linspace(-1, 1, width), indexing="ij")
    dirs = np.stack([xs, ys, np.full_like(xs, 1.5)], axis=-1).reshape(-1, 3)
    dirs = dirs / np.linalg.norm(dirs, axis=-1, keepdims=True)
    origin = np.array([0.0, 0.0, -3.0])
    t = np.zeros(len(dirs))
    for _ in range(n_steps):
        t = t + scene_sdf(origin + t[:, None] * dirs, centers, radii)
    p = origin + t[:, None] * dirs
    d = scene_sdf(p, centers, radii)
    normal = np.stack([scene_sdf(p + eps * e, centers, radii) - scene_sdf(p - eps * e, centers, radii)
                       for e in np.eye(3)], axis=-1)
    normal /= np.linalg.norm(normal, axis=-1, keepdims=True)
    diffuse = np.maximum(normal @ light_dir, 0.0)
    coverage = expit(-d / 0.01)
    return (coverage * (0.1 + 0.9 * diffuse)).reshape(height, width)


def sdf_render_loss(centers, radii, target, light_dir):
    return np.mean((render_sdf(centers, radii, light_dir) - target) ** 2)


def sdf_inputs(rng):
    light = np.array([0.4, -0.6, -0.7])
    light = light / np.linalg.norm(light)
    true_c = np.array([[-0.5, 0.1, 1.0], [0.45, -0.2, 1.2], [0.0, 0.5, 0.8]])
    true_r = np.array([0.7, 0.6, 0.45])
    target = render_sdf(true_c, true_r, light)
    return dict(centers=true_c + 0.05 * rng.standard_normal((3, 3)), radii=true_r * 0.95, target=target,
                light_dir=light)


# ----------------------------------------------- derivatives: SVI volatility slices, Black-76 prices
def svi_total_variance(k, a, b, rho, m, sigma):
    return a + b * (rho * (k - m) + np.sqrt((k - m) ** 2 + sigma ** 2))


def black76_call(F, K, T, vol, df):
    sd = vol * np.sqrt(T)
    d1 = (np.log(F / K) + 0.5 * sd ** 2) / sd
    d2 = d1 - sd
    return df * (F * norm.cdf(d1) - K * norm.cdf(d2))


def svi_calibration_loss(raw, quotes, forwards, rates, calendar_weight=10.0):
    loss = 0.0
    atm_w = []
    for j, (T, sl) in enumerate(sorted(quotes.items())):
        a, log_b, rho_raw, m, log_sigma = raw[j]
        b, rho, sigma = np.exp(log_b), np.tanh(rho_raw), np.exp(log_sigma)
        K = sl["strike"]
        k = np.log(K / forwards[T])
        w = svi_total_variance(k, a, b, rho, m, sigma)
        vol = np.sqrt(np.maximum(w, 1e-8) / T)
        model = black76_call(forwards[T], K, T, vol, np.exp(-rates[T] * T))
        loss += np.sum(((model - sl["price"]) / sl["vega"]) ** 2)
        atm_w.append(svi_total_variance(0.0, a, b, rho, m, sigma))
    for w_prev, w_next in zip(atm_w[:-1], atm_w[1:]):
        loss += calendar_weight * max(0.0, w_prev - w_next) ** 2
    return loss


def svi_inputs(rng):
    quotes, forwards, rates = {}, {}, {}
    true = {0.25: (0.01, 0.1, -0.4, 0.0, 0.1), 0.5: (0.02, 0.1, -0.35, 0.02, 0.15), 1.0: (0.04, 0.1, -0.3, 0.05, 0.2)}
    for T, (a, b, rho, m, s) in true.items():
        F, r = 100.0 * np.exp(0.02 * T), 0.02
        K = F * np.exp(np.linspace(-0.3, 0.3, 9))
        vol = np.sqrt(svi_total_variance(np.log(K / F), a, b, rho, m, s) / T)
        price = black76_call(F, K, T, vol, np.exp(-r * T))
        sd = vol * np.sqrt(T)
        vega = np.exp(-r * T) * F * norm.pdf((np.log(F / K) + 0.5 * sd ** 2) / sd) * np.sqrt(T)
        quotes[T] = dict(strike=K, price=price * (1 + 0.002 * rng.standard_normal(9)), vega=vega)
        forwards[T], rates[T] = F, r
    raw = np.array([[0.012, np.log(0.09), -0.3, 0.01, np.log(0.12)], [0.018, np.log(0.11), -0.3, 0.0, np.log(0.14)],
                    [0.045, np.log(0.09), -0.25, 0.04, np.log(0.22)]])
    return dict(raw=raw, quotes=quotes, forwards=forwards, rates=rates)


# ----------------------------------------------- materials: Stillinger-Weber silicon cluster
SW_SI = dict(epsilon=2.1683, sigma=2.0951, a=1.8, lam=21.0, gamma=1.2, A=7.049556277, B=0.6022245584, p=4,
             cos0=-1.0 / 3.0)


def stillinger_weber_energy(pos, prm=SW_SI):
    eps, sig, a = prm["epsilon"], prm["sigma"], prm["a"]
    n = len(pos)
    E2, E3 = 0.0, 0.0
    for i in range(n):
        for j in range(n):
            if j == i:
                continue
            rij = pos[j] - pos[i]
            dij = np.linalg.norm(rij) / sig
            if dij >= a:
                continue
            if j > i:
                E2 += prm["A"] * eps * (prm["B"] * dij ** (-prm["p"]) - 1.0) * np.exp(1.0 / (dij - a))
            for k in range(j + 1, n):
                if k == i:
                    continue
                rik = pos[k] - pos[i]
                dik = np.linalg.norm(rik) / sig
                if dik >= a:
                    continue
                cos_jik = rij @ rik / (np.linalg.norm(rij) * np.linalg.norm(rik))
                E3 += (prm["lam"] * eps * (cos_jik - prm["cos0"]) ** 2
                       * np.exp(prm["gamma"] / (dij - a) + prm["gamma"] / (dik - a)))
    return E2 + E3


def sw_cluster_loss(pos, E_target):
    return (stillinger_weber_energy(pos) - E_target) ** 2 + stillinger_weber_energy(pos)


def sw_inputs(rng):
    base = 5.431 * np.array([[0, 0, 0], [0.25, 0.25, 0.25], [0.5, 0.5, 0], [0.75, 0.75, 0.25],
                             [0.5, 0, 0.5], [0.75, 0.25, 0.75], [0, 0.5, 0.5], [0.25, 0.75, 0.75]])
    return dict(pos=base + 0.05 * rng.standard_normal(base.shape), E_target=-20.0)


# ----------------------------------------------- NLP: PCFG inside algorithm (CNF) over a ragged corpus
def inside_log_prob(sentence, log_bin, log_lex, root=0):
    n = len(sentence)
    N = log_bin.shape[0]
    chart = np.full((n, n + 1, N), -np.inf)
    for i, w in enumerate(sentence):
        chart[i, i + 1] = log_lex[:, w]
    for span in range(2, n + 1):
        for i in range(n - span + 1):
            j = i + span
            scores = [logsumexp(log_bin + chart[i, k][None, :, None] + chart[k, j][None, None, :], axis=(1, 2))
                      for k in range(i + 1, j)]
            chart[i, j] = logsumexp(np.stack(scores), axis=0)
    return chart[0, n, root]


def pcfg_nll(binary_logits, lexical_logits, corpus):
    N = binary_logits.shape[0]
    all_rules = np.concatenate([binary_logits.reshape(N, -1), lexical_logits], axis=1)
    log_norm = logsumexp(all_rules, axis=1)
    log_bin = binary_logits - log_norm[:, None, None]
    log_lex = lexical_logits - log_norm[:, None]
    return -sum(inside_log_prob(s, log_bin, log_lex) for s in corpus)


def pcfg_inputs(rng):
    N, V = 3, 5
    corpus = [rng.integers(0, V, n) for n in (3, 4, 5, 4, 6, 3)]
    return dict(binary_logits=0.5 * rng.standard_normal((N, N, N)), lexical_logits=0.5 * rng.standard_normal((N, V)),
                corpus=corpus)


# ----------------------------------------------- uncertainty quantification: polynomial chaos, robust design
def oscillator_amplitude(xi, theta, omega=1.5):
    k = theta[0] * np.exp(0.2 * xi)
    c = theta[1]
    return 1.0 / np.sqrt((k - omega ** 2) ** 2 + (c * omega) ** 2)


def pce_coefficients(theta, order=6, n_quad=12):
    nodes, weights = H.hermegauss(n_quad)
    weights = weights / np.sqrt(2 * np.pi)
    y = oscillator_amplitude(nodes, theta)
    coefs = []
    for n in range(order + 1):
        e = np.zeros(n + 1)
        e[n] = 1.0
        psi = H.hermeval(nodes, e)
        coefs.append(np.sum(weights * y * psi) / factorial(n))
    return np.array(coefs)


def pce_robust_design_loss(theta, target_mean, target_std, xi_check, order=6):
    c = pce_coefficients(theta, order)
    mean = c[0]
    var = sum(c[n] ** 2 * factorial(n) for n in range(1, order + 1))
    surrogate_error = np.mean((H.hermeval(xi_check, c) - oscillator_amplitude(xi_check, theta)) ** 2)
    return (mean - target_mean) ** 2 + (np.sqrt(var) - target_std) ** 2 + 10.0 * surrogate_error


def pce_inputs(rng):
    return dict(theta=np.array([3.2, 0.8]), target_mean=0.9, target_std=0.12, xi_check=rng.standard_normal(20))


# ----------------------------------------------- robust statistics: Tukey biweight IRLS, MAD scale
def irls_tukey(X, y, c, n_iter=8):
    beta = np.linalg.lstsq(X, y, rcond=None)[0]
    for _ in range(n_iter):
        r = y - X @ beta
        s = np.median(np.abs(r - np.median(r))) / 0.6745
        u = r / (c * s)
        w = np.where(np.abs(u) < 1, (1 - u ** 2) ** 2, 0.0)
        WX = X * w[:, None]
        beta = np.linalg.solve(X.T @ WX, WX.T @ y)
    return beta


def tukey_test_loss(log_c, y, X, X_test, y_test):
    beta = irls_tukey(X, y, np.exp(log_c))
    return np.mean((X_test @ beta - y_test) ** 2)


def tukey_inputs(rng):
    n = 60
    x = rng.uniform(-2, 2, n)
    X = np.column_stack([np.ones(n), x, x ** 2])
    y = 1.0 + 0.5 * x - 0.3 * x ** 2 + 0.2 * rng.standard_normal(n)
    y[rng.choice(n, 6, replace=False)] += rng.choice([-1, 1], 6) * rng.uniform(2, 4, 6)
    xt = np.linspace(-2, 2, 30)
    return dict(log_c=np.log(4.685), y=y, X=X, X_test=np.column_stack([np.ones(30), xt, xt ** 2]),
                y_test=1.0 + 0.5 * xt - 0.3 * xt ** 2)


# ----------------------------------------------- robotics: SE(3) pose graph with so(3) exp/log maps
def hat(w):
    return np.array([[0.0, -w[2], w[1]], [w[2], 0.0, -w[0]], [-w[1], w[0], 0.0]])


def so3_exp(w):
    theta = np.linalg.norm(w)
    if theta < 1e-8:
        return np.eye(3) + hat(w)
    K = hat(w / theta)
    return np.eye(3) + np.sin(theta) * K + (1 - np.cos(theta)) * K @ K


def so3_log(R):
    cos_t = np.clip((np.trace(R) - 1) / 2, -1.0, 1.0)
    theta = np.arccos(cos_t)
    vee = np.array([R[2, 1] - R[1, 2], R[0, 2] - R[2, 0], R[1, 0] - R[0, 1]])
    if theta < 1e-8:
        return vee / 2
    return theta / (2 * np.sin(theta)) * vee


def pose_graph_3d_loss(rotvecs, translations, edges, meas_R, meas_t, w_rot=10.0):
    Rs = [so3_exp(w) for w in rotvecs]
    loss = 0.0
    for (i, j), Rm, tm in zip(edges, meas_R, meas_t):
        R_rel = Rs[i].T @ Rs[j]
        t_rel = Rs[i].T @ (translations[j] - translations[i])
        r_rot = so3_log(Rm.T @ R_rel)
        loss += w_rot * r_rot @ r_rot + np.sum((t_rel - tm) ** 2)
    return loss + np.sum(rotvecs[0] ** 2) + np.sum(translations[0] ** 2)


def pose_graph_3d_inputs(rng):
    n = 6
    rv = 0.3 * rng.standard_normal((n, 3))
    rv[0] = 0.0
    tr = np.cumsum(rng.standard_normal((n, 3)), axis=0)
    tr[0] = 0.0
    edges = np.array([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5], [0, 2], [1, 4], [2, 5]])
    Rt = [so3_exp(w) for w in rv]
    meas_R = np.array([Rt[i].T @ Rt[j] @ so3_exp(0.02 * rng.standard_normal(3)) for i, j in edges])
    meas_t = np.array([Rt[i].T @ (tr[j] - tr[i]) + 0.05 * rng.standard_normal(3) for i, j in edges])
    return dict(rotvecs=rv + 0.05 * rng.standard_normal((n, 3)), translations=tr + 0.1 * rng.standard_normal((n, 3)),
                edges=edges, meas_R=meas_R, meas_t=meas_t)


# ----------------------------------------------- audio: a WaveNet stack of gated dilated causal convolutions
N_CH, N_CLASSES, DILATIONS = 4, 8, (1, 2, 4, 8)
WAVENET_SHAPES = {"W_in": (N_CH, N_CLASSES)}
for _l in range(len(DILATIONS)):
    WAVENET_SHAPES.update({f"filter{_l}": (N_CH, N_CH, 2), f"gate{_l}": (N_CH, N_CH, 2), f"res{_l}": (N_CH, N_CH),
                           f"skip{_l}": (N_CH, N_CH)})
WAVENET_SHAPES["W_out"] = (N_CLASSES, N_CH)


def unflatten(theta, shapes):
    params, offset = {}, 0
    for name, shape in shapes.items():
        size = int(np.prod(shape))
        params[name] = theta[offset:offset + size].reshape(shape)
        offset += size
    return params


def causal_dilated_conv(x, W, dilation):
    T = x.shape[1]
    x_pad = np.pad(x, ((0, 0), (dilation, 0)))
    return W[:, :, 0] @ x_pad[:, :T] + W[:, :, 1] @ x_pad[:, dilation:dilation + T]


def wavenet_nll(theta, x_onehot, targets):
    params = unflatten(theta, WAVENET_SHAPES)
    h = params["W_in"] @ x_onehot
    skip = 0.0
    for layer, d in enumerate(DILATIONS):
        z = (np.tanh(causal_dilated_conv(h, params[f"filter{layer}"], d))
             * expit(causal_dilated_conv(h, params[f"gate{layer}"], d)))
        skip = skip + params[f"skip{layer}"] @ z
        h = h + params[f"res{layer}"] @ z
    out = params["W_out"] @ np.maximum(skip, 0.0)
    logp = out - logsumexp(out, axis=0, keepdims=True)
    return -np.mean(logp[targets, np.arange(len(targets))])


def wavenet_inputs(rng):
    T = 48
    size = sum(int(np.prod(s)) for s in WAVENET_SHAPES.values())
    signal = np.sin(np.arange(T + 1) / 3.0) + 0.1 * rng.standard_normal(T + 1)
    mu = 255.0
    q = np.sign(signal) * np.log1p(mu * np.minimum(np.abs(signal), 1.0)) / np.log1p(mu)
    classes = np.clip(((q + 1) / 2 * N_CLASSES).astype(int), 0, N_CLASSES - 1)
    return dict(theta=0.3 * rng.standard_normal(size), x_onehot=np.eye(N_CLASSES)[classes[:-1]].T, targets=classes[1:])


# ----------------------------------------------- segmentation: a tiny U-Net with im2col and max-pooling
def conv2d_same(x, W):
    xp = np.pad(x, ((0, 0), (1, 1), (1, 1)))
    windows = sliding_window_view(xp, (3, 3), axis=(1, 2))
    return np.einsum("chwij,ocij->ohw", windows, W)


def maxpool2(x):
    C, H_, W_ = x.shape
    return x.reshape(C, H_ // 2, 2, W_ // 2, 2).max(axis=(2, 4))


def upsample2(x):
    return x.repeat(2, axis=1).repeat(2, axis=2)


def tiny_unet_loss(W_enc, W_mid, W_dec, W_out, images, masks):
    total = 0.0
    for img, mask in zip(images, masks):
        e = np.maximum(conv2d_same(img[None], W_enc), 0.0)
        m = np.maximum(conv2d_same(maxpool2(e), W_mid), 0.0)
        d = np.concatenate([e, upsample2(m)], axis=0)
        d = np.maximum(conv2d_same(d, W_dec), 0.0)
        logits = np.einsum("chw,c->hw", d, W_out)
        total += np.mean(np.logaddexp(0.0, logits) - mask * logits)
    return total / len(images)


def unet_inputs(rng):
    yy, xx = np.mgrid[0:8, 0:8]
    images, masks = [], []
    for _ in range(3):
        cy, cx, r = rng.uniform(2, 6), rng.uniform(2, 6), rng.uniform(1.5, 2.5)
        m = ((yy - cy) ** 2 + (xx - cx) ** 2 < r ** 2).astype(float)
        images.append(m + 0.3 * rng.standard_normal((8, 8)))
        masks.append(m)
    return dict(W_enc=0.5 * rng.standard_normal((3, 1, 3, 3)), W_mid=0.3 * rng.standard_normal((3, 3, 3, 3)),
                W_dec=0.3 * rng.standard_normal((3, 6, 3, 3)), W_out=rng.standard_normal(3),
                images=np.array(images), masks=np.array(masks))


# ----------------------------------------------- deep learning: capsules with dynamic routing
def squash(s, axis=-1, eps=1e-9):
    n2 = np.sum(s ** 2, axis=axis, keepdims=True)
    return n2 / (1 + n2) * s / np.sqrt(n2 + eps)


def capsule_margin_loss(W, u, labels, n_iter=3, m_plus=0.9, m_minus=0.1, lam=0.5):
    u_hat = np.einsum("ijkl,bil->bijk", W, u)
    B, n_in, n_out, _ = u_hat.shape
    b = np.zeros((B, n_in, n_out))
    for r in range(n_iter):
        c = softmax(b, axis=2)
        s = np.einsum("bij,bijk->bjk", c, u_hat)
        v = squash(s)
        if r < n_iter - 1:
            b = b + np.einsum("bijk,bjk->bij", u_hat, v)
    lengths = np.linalg.norm(v, axis=-1)
    T = np.eye(n_out)[labels]
    L = T * np.maximum(0, m_plus - lengths) ** 2 + lam * (1 - T) * np.maximum(0, lengths - m_minus) ** 2
    return L.sum(axis=1).mean()


def capsule_inputs(rng):
    B, n_in, d_in, n_out, d_out = 5, 6, 4, 3, 4
    return dict(W=0.3 * rng.standard_normal((n_in, n_out, d_out, d_in)), u=squash(rng.standard_normal((B, n_in, d_in))),
                labels=rng.integers(0, n_out, B))


# ----------------------------------------------- artificial life: a neural cellular automaton
SOBEL_X = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]]) / 8.0


def depthwise_conv3x3(state, kernel):
    out = np.zeros_like(state)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            w = kernel[dy + 1, dx + 1]
            if w != 0:
                out += w * np.roll(np.roll(state, -dy, axis=0), -dx, axis=1)
    return out


def alive_mask(state, threshold=0.1):
    alpha = state[..., 3]
    pooled = np.max(np.stack([np.roll(np.roll(alpha, dy, axis=0), dx, axis=1)
                              for dy in (-1, 0, 1) for dx in (-1, 0, 1)]), axis=0)
    return pooled > threshold


def nca_step(state, W1, b1, W2, update_mask):
    perception = np.concatenate([state, depthwise_conv3x3(state, SOBEL_X), depthwise_conv3x3(state, SOBEL_X.T)],
                                axis=-1)
    hidden = np.maximum(perception @ W1 + b1, 0.0)
    pre_alive = alive_mask(state)
    state = state + (hidden @ W2) * update_mask[..., None]
    alive = pre_alive & alive_mask(state)
    return state * alive[..., None]


def nca_loss(W1, b1, W2, seed_state, target, update_masks):
    state = seed_state
    for mask in update_masks:
        state = nca_step(state, W1, b1, W2, mask)
    return np.mean((state[..., :4] - target) ** 2)


def nca_inputs(rng):
    n, C, hid = 12, 4, 16
    seed = np.zeros((n, n, C))
    seed[5:7, 5:7, 3] = 1.0
    seed[5:7, 5:7, :3] = 0.5
    yy, xx = np.mgrid[0:n, 0:n]
    disc = ((yy - 5.5) ** 2 + (xx - 5.5) ** 2 < 9).astype(float)
    target = np.stack([disc * 0.8, disc * 0.3, disc * 0.1, disc], axis=-1)
    return dict(W1=0.2 * rng.standard_normal((3 * C, hid)), b1=0.05 * rng.standard_normal(hid),
                W2=0.1 * rng.standard_normal((hid, C)), seed_state=seed, target=target,
                update_masks=(rng.random((8, n, n)) < 0.5).astype(float))


# ----------------------------------------------- reservoir computing: echo-state network, ridge readout
def esn_states(u, W_in, W_res, leak, input_scale, washout):
    x = np.zeros(W_res.shape[0])
    states = []
    for t, ut in enumerate(u):
        pre = input_scale * W_in @ np.array([1.0, ut]) + W_res @ x
        x = (1 - leak) * x + leak * np.tanh(pre)
        if t >= washout:
            states.append(np.concatenate(([1.0], x)))
    return np.array(states)


def esn_validation_nrmse(log_params, u_train, y_train, u_val, y_val, W_in, W_res, washout=20):
    leak = expit(log_params[0])
    input_scale = np.exp(log_params[1])
    ridge = np.exp(log_params[2])
    rho = np.exp(log_params[3])
    W = W_res * rho / np.max(np.abs(np.linalg.eigvals(W_res)))
    X = esn_states(u_train, W_in, W, leak, input_scale, washout)
    W_out = np.linalg.solve(X.T @ X + ridge * np.eye(X.shape[1]), X.T @ y_train[washout:])
    pred = esn_states(u_val, W_in, W, leak, input_scale, washout) @ W_out
    target = y_val[washout:]
    return np.sqrt(np.mean((pred - target) ** 2)) / np.std(target)


def esn_inputs(rng):
    n, T = 20, 250
    u = np.sin(np.arange(T) * 0.2) + 0.3 * np.sin(np.arange(T) * 0.031)
    y = np.roll(u, 3) ** 2
    W_res = rng.standard_normal((n, n)) * (rng.random((n, n)) < 0.3)
    return dict(log_params=np.array([0.0, np.log(0.5), np.log(1e-3), np.log(0.9)]), u_train=u[:150], y_train=y[:150],
                u_val=u[150:], y_val=y[150:], W_in=rng.uniform(-1, 1, (n, 2)), W_res=W_res)


# ----------------------------------------------- electromagnetics: 1-D FDTD permittivity inversion
def fdtd_1d(eps_r, n_steps, src_pos, probe_pos, courant=0.5):
    Ez = np.zeros(len(eps_r))
    Hy = np.zeros(len(eps_r))
    record = []
    for n in range(n_steps):
        Hy[:-1] += courant * (Ez[1:] - Ez[:-1])
        Ez[1:] += courant / eps_r[1:] * (Hy[1:] - Hy[:-1])
        Ez[src_pos] += np.exp(-((n - 30.0) / 10.0) ** 2)
        record.append(Ez[probe_pos])
    return np.array(record)


def fdtd_inversion_loss(log_eps, observed, src_pos=5, probe_pos=8, n_steps=200, smooth=1e-2):
    eps_r = 1.0 + np.exp(log_eps)
    trace = fdtd_1d(eps_r, n_steps, src_pos, probe_pos)
    return np.sum((trace - observed) ** 2) + smooth * np.sum(np.diff(log_eps) ** 2)


def fdtd_inputs(rng):
    nz = 60
    true = np.full(nz, np.log(0.01))
    true[25:40] = np.log(3.0)
    obs = fdtd_1d(1.0 + np.exp(true), 200, 5, 8) + 1e-3 * rng.standard_normal(200)
    guess = np.full(nz, np.log(0.01))
    guess[22:42] = np.log(2.0)
    return dict(log_eps=guess + 0.05 * rng.standard_normal(nz), observed=obs)


# ----------------------------------------------- crowd dynamics: Helbing's social-force model
def social_force_rollout(params, pos0, vel0, goals, walls_y=(0.0, 4.0), dt=0.1, n_steps=40):
    A, B, tau, v0 = np.exp(params)
    pos, vel = pos0.copy(), vel0.copy()
    n = len(pos)
    traj = [pos]
    for _ in range(n_steps):
        to_goal = goals - pos
        e = to_goal / np.linalg.norm(to_goal, axis=1, keepdims=True)
        f_drive = (v0 * e - vel) / tau
        diff = pos[:, None, :] - pos[None, :, :]
        dist = np.sqrt((diff ** 2).sum(-1) + np.eye(n))
        f_rep = A * np.exp(-dist / B)[..., None] * diff / dist[..., None]
        f_rep[np.arange(n), np.arange(n)] = 0.0
        f_wall = np.zeros_like(pos)
        for yw in walls_y:
            dy = pos[:, 1] - yw
            f_wall[:, 1] += A * np.exp(-np.abs(dy) / B) * np.sign(dy)
        vel = vel + dt * (f_drive + f_rep.sum(axis=1) + f_wall)
        speed = np.linalg.norm(vel, axis=1, keepdims=True)
        vel = np.where(speed > 1.3 * v0, vel * 1.3 * v0 / speed, vel)
        pos = pos + dt * vel
        traj.append(pos)
    return np.array(traj)


def social_force_loss(params, pos0, vel0, goals, observed):
    return np.mean((social_force_rollout(params, pos0, vel0, goals) - observed) ** 2)


def social_force_inputs(rng):
    n = 6
    pos0 = np.column_stack([rng.uniform(0, 3, n), rng.uniform(0.5, 3.5, n)])
    pos0[3:, 0] += 7.0
    goals = np.column_stack([np.where(np.arange(n) < 3, 12.0, -2.0), rng.uniform(0.5, 3.5, n)])
    vel0 = 0.5 * (goals - pos0) / np.linalg.norm(goals - pos0, axis=1, keepdims=True)
    true = np.log(np.array([2.0, 0.3, 0.5, 1.3]))
    obs = social_force_rollout(true, pos0, vel0, goals) + 0.01 * rng.standard_normal((41, n, 2))
    return dict(params=np.log(np.array([1.5, 0.35, 0.6, 1.2])), pos0=pos0, vel0=vel0, goals=goals, observed=obs)


# ----------------------------------------------- generative models: DDPM denoising loss, min-SNR weights
def timestep_embedding(t, dim=8, max_period=100.0):
    half = dim // 2
    freqs = np.exp(-np.log(max_period) * np.arange(half) / half)
    args = t[:, None] * freqs[None, :]
    return np.concatenate([np.cos(args), np.sin(args)], axis=-1)


def ddpm_loss(W1, b1, W2, W_t, x0, t_idx, noise, b2, T=100, beta_start=1e-4, beta_end=0.02, snr_cap=5.0):
    betas = np.linspace(beta_start, beta_end, T)
    alphas_bar = np.cumprod(1.0 - betas)
    ab = alphas_bar[t_idx][:, None]
    x_t = np.sqrt(ab) * x0 + np.sqrt(1 - ab) * noise
    h = np.tanh(x_t @ W1 + timestep_embedding(t_idx.astype(float)) @ W_t + b1)
    eps_pred = h @ W2 + b2
    weight = np.minimum(ab / (1 - ab), snr_cap)
    return np.mean(weight[:, 0] * np.sum((eps_pred - noise) ** 2, axis=1))


def ddpm_inputs(rng):
    n, hid = 64, 16
    s = rng.uniform(1.5 * np.pi, 4.5 * np.pi, n)
    x0 = np.column_stack([s * np.cos(s), s * np.sin(s)]) / 10.0
    return dict(W1=0.5 * rng.standard_normal((2, hid)), b1=np.zeros(hid), W2=0.3 * rng.standard_normal((hid, 2)),
                W_t=0.3 * rng.standard_normal((8, hid)), x0=x0, t_idx=rng.integers(0, 100, n),
                noise=rng.standard_normal((n, 2)), b2=np.zeros(2))


# ----------------------------------------------- reinforcement learning: PPO clipped surrogate with GAE
def gae(rewards, values, dones, gamma=0.99, lam=0.95):
    T = len(rewards)
    adv = np.zeros(T)
    last = 0.0
    for t in reversed(range(T)):
        nonterminal = 1.0 - dones[t]
        delta = rewards[t] + gamma * values[t + 1] * nonterminal - values[t]
        last = delta + gamma * lam * nonterminal * last
        adv[t] = last
    return adv, adv + values[:-1]


def ppo_loss(W_pi, W_v, obs, actions, rewards, dones, logp_old, clip_eps=0.2, c_v=0.5, c_ent=0.01):
    logp_all = log_softmax(obs @ W_pi, axis=1)
    logp = np.take_along_axis(logp_all, actions[:, None], axis=1).squeeze(1)
    values = np.append(obs @ W_v, 0.0)
    adv, returns = gae(rewards, values, dones)
    adv = (adv - adv.mean()) / (adv.std() + 1e-8)
    ratio = np.exp(logp - logp_old)
    surrogate = np.minimum(ratio * adv, np.clip(ratio, 1 - clip_eps, 1 + clip_eps) * adv)
    entropy = -np.sum(np.exp(logp_all) * logp_all, axis=1)
    value_loss = np.mean((values[:-1] - returns) ** 2)
    return -np.mean(surrogate) + c_v * value_loss - c_ent * np.mean(entropy)


def ppo_inputs(rng):
    T, d, n_act = 50, 5, 3
    obs = rng.standard_normal((T, d))
    W_old = 0.3 * rng.standard_normal((d, n_act))
    logits = obs @ W_old
    p = np.exp(logits - logsumexp(logits, axis=1, keepdims=True))
    actions = np.array([rng.choice(n_act, p=pi) for pi in p])
    dones = np.zeros(T)
    dones[[14, 33]] = 1.0
    return dict(W_pi=W_old + 0.1 * rng.standard_normal((d, n_act)), W_v=0.2 * rng.standard_normal(d), obs=obs,
                actions=actions, rewards=rng.standard_normal(T) + (actions == 1), dones=dones,
                logp_old=np.log(p[np.arange(T), actions]))


PROGRAMS = [
    dict(name="vit_patch_attention_einsum", f=vit_loss, inputs=vit_inputs, wrt=("W_embed", "W_qkv", "W_o")),
    dict(name="schnet_nonzero_edges_add_at", f=schnet_loss, inputs=schnet_inputs, wrt=("positions", "W_filter")),
    dict(name="iohmm_log_forward", f=iohmm_nll, inputs=iohmm_inputs, wrt=("W_trans", "mu", "log_sigma")),
    dict(name="ekf_bearings_only_mod", f=ekf_bearings_nll, inputs=ekf_inputs, wrt=("log_q", "log_r", "x0")),
    dict(name="spectral_mixture_gp_cho_factor", f=sm_gp_nlml, inputs=sm_gp_inputs, wrt=("hyp",)),
    dict(name="gray_scott_roll", f=gray_scott_loss, inputs=gray_scott_inputs, wrt=("params",)),
    dict(name="rq_spline_flow_take_along", f=spline_flow_nll, inputs=spline_flow_inputs,
         wrt=("W1a", "W2a", "W1b", "W2b")),
    dict(name="lbfgs_unrolled_hyperopt", f=lbfgs_validation_loss, inputs=lbfgs_inputs, wrt=("log_lam",)),
    dict(name="poisson_gam_cox_de_boor", f=poisson_gam_loss, inputs=gam_inputs, wrt=("coef", "intercept")),
    dict(name="sdf_sphere_tracing", f=sdf_render_loss, inputs=sdf_inputs, wrt=("centers", "radii")),
    dict(name="svi_slices_dict_quotes", f=svi_calibration_loss, inputs=svi_inputs, wrt=("raw",)),
    dict(name="stillinger_weber_cluster", f=sw_cluster_loss, inputs=sw_inputs, wrt=("pos",)),
    dict(name="pcfg_inside_ragged_corpus", f=pcfg_nll, inputs=pcfg_inputs, wrt=("binary_logits", "lexical_logits")),
    dict(name="polynomial_chaos_hermite_e", f=pce_robust_design_loss, inputs=pce_inputs, wrt=("theta",)),
    dict(name="tukey_biweight_irls_median", f=tukey_test_loss, inputs=tukey_inputs, wrt=("log_c", "y")),
    dict(name="se3_pose_graph_so3_log", f=pose_graph_3d_loss, inputs=pose_graph_3d_inputs,
         wrt=("rotvecs", "translations")),
    dict(name="wavenet_unflatten_dilated", f=wavenet_nll, inputs=wavenet_inputs, wrt=("theta",)),
    dict(name="tiny_unet_sliding_maxpool", f=tiny_unet_loss, inputs=unet_inputs,
         wrt=("W_enc", "W_mid", "W_dec", "W_out")),
    dict(name="capsule_dynamic_routing", f=capsule_margin_loss, inputs=capsule_inputs, wrt=("W",)),
    dict(name="neural_cellular_automaton", f=nca_loss, inputs=nca_inputs, wrt=("W1", "b1", "W2")),
    dict(name="echo_state_eigvals_ridge", f=esn_validation_nrmse, inputs=esn_inputs, wrt=("log_params",)),
    dict(name="fdtd_1d_inplace_slices", f=fdtd_inversion_loss, inputs=fdtd_inputs, wrt=("log_eps",)),
    dict(name="social_force_crowd", f=social_force_loss, inputs=social_force_inputs, wrt=("params",)),
    dict(name="ddpm_min_snr_loss", f=ddpm_loss, inputs=ddpm_inputs, wrt=("W1", "b1", "W2", "W_t")),
    dict(name="ppo_gae_clipped", f=ppo_loss, inputs=ppo_inputs, wrt=("W_pi", "W_v")),
]
