"""Fifteenth held-out set: twenty-five programs written without running adjit on them, the way research code
and course notes write them: a heat-equation PINN with finite-difference residuals, ARD kernel ridge with
cdist-style broadcasting, a drag shooting problem whose Euler loop breaks at impact, a local-linear-trend
Kalman likelihood whose Cholesky sits in try/except, an HMM forward pass in log space, unbalanced Sinkhorn with
a tolerance break, monotone quantile regression with the pinball loss, Huber/Tukey robust regression chosen
by a string, a mixture density network with a params dict, planar and radial flows as a list of (kind, params)
tuples, a GP with a jittered Cholesky fallback, SIMP topology optimisation with np.ix_ assembly, a mean-field
Potts free energy with np.roll, a neural ODE integrated by RK4, a soft rasteriser of triangles, a CVaR
portfolio with np.sort, a Cox partial likelihood by reversed cumsum, causal linear attention by cumsum of
outer products, a GCN with np.add.at and np.bincount degrees, PCA by np.linalg.eig, an elastic-net with a
terms dict filled under ifs and an iter/next batch loader, a pharmacokinetic dosing queue of (time, dose)
tuples popped in a while loop, soft-DTW, a leapfrog energy error, and Lennard-Jones with the minimum image.
"""
import numpy as np
from scipy.spatial.distance import cdist
from scipy.special import expit, logsumexp, softmax


# ----------------------------------------------- PINN: heat equation residual by finite differences on a grid
def mlp_tanh(params, X):
    h = X
    for W, b in params[:-1]:
        h = np.tanh(h @ W + b)
    W, b = params[-1]
    return h @ W + b


def heat_pinn_loss(W1, b1, W2, b2, W3, b3, kappa=0.1, nx=12, nt=10, dx=None):
    params = [(W1, b1), (W2, b2), (W3, b3)]
    x = np.linspace(0.0, 1.0, nx)
    t = np.linspace(0.0, 0.5, nt)
    dx = x[1] - x[0] if dx is None else dx
    dt = t[1] - t[0]
    XX, TT = np.meshgrid(x, t, indexing="ij")
    pts = np.stack([XX.ravel(), TT.ravel()], axis=1)
    u = mlp_tanh(params, pts)[:, 0].reshape(nx, nt)
    u_t = (u[1:-1, 2:] - u[1:-1, :-2]) / (2 * dt)
    u_xx = (u[2:, 1:-1] - 2 * u[1:-1, 1:-1] + u[:-2, 1:-1]) / dx ** 2
    residual = u_t - kappa * u_xx
    ic = u[:, 0] - np.sin(np.pi * x)
    bc = np.concatenate([u[0, :], u[-1, :]])
    losses = {"pde": np.mean(residual ** 2), "ic": np.mean(ic ** 2), "bc": np.mean(bc ** 2)}
    weights = {"pde": 1.0, "ic": 10.0, "bc": 10.0}
    return sum(weights[k] * v for k, v in losses.items())


def heat_pinn_inputs(rng):
    H = 8
    return dict(W1=rng.standard_normal((2, H)) * 0.8, b1=np.zeros(H), W2=rng.standard_normal((H, H)) * 0.4,
                b2=np.zeros(H), W3=rng.standard_normal((H, 1)) * 0.4, b3=np.zeros(1))


# ----------------------------------------------- kernel methods: ARD kernel ridge with broadcasting distances
def ard_rbf(X, Y, lengthscales, variance):
    diff = X[:, None, :] / lengthscales - Y[None, :, :] / lengthscales
    return variance * np.exp(-0.5 * np.sum(diff ** 2, axis=-1))


def kernel_ridge_validation(log_ls, log_var, log_noise, X_tr, y_tr, X_va, y_va):
    ls, var, noise = np.exp(log_ls), np.exp(log_var), np.exp(log_noise)
    K = ard_rbf(X_tr, X_tr, ls, var)
    alpha = np.linalg.solve(K + noise * np.eye(len(X_tr)), y_tr)
    pred = ard_rbf(X_va, X_tr, ls, var) @ alpha
    D = cdist(X_va, X_tr, "sqeuclidean")  # nearest training point, for a distance-weighted penalty
    w = np.exp(-D.min(axis=1))
    return np.mean(w * (pred - y_va) ** 2) + 1e-3 * np.sum(log_ls ** 2)


def kernel_ridge_inputs(rng):
    d = 3
    X = rng.uniform(-1, 1, (40, d))
    Xv = rng.uniform(-1, 1, (15, d))
    f = lambda Z: np.sin(2 * Z[:, 0]) + 0.5 * Z[:, 1] ** 2  # noqa: E731
    return dict(log_ls=np.log(np.array([0.7, 0.9, 1.3])), log_var=0.0, log_noise=np.log(0.05),
                X_tr=X, y_tr=f(X) + 0.05 * rng.standard_normal(40), X_va=Xv, y_va=f(Xv))


# ----------------------------------------------- ballistics: shooting with drag, the Euler loop stops at impact
def projectile_range(v0, angle, drag, dt=0.01, g=9.81, max_steps=2000):
    pos = np.array([0.0, 0.0])
    vel = v0 * np.array([np.cos(angle), np.sin(angle)])
    prev = pos
    for step in range(max_steps):
        speed = np.sqrt(vel @ vel)
        acc = -drag * speed * vel + np.array([0.0, -g])
        prev = pos
        pos = pos + dt * vel
        vel = vel + dt * acc
        if pos[1] < 0.0:
            break
    frac = prev[1] / (prev[1] - pos[1])  # interpolate the impact point between the last two steps
    return prev[0] + frac * (pos[0] - prev[0])


def shooting_loss(v0, angle, drag, target=25.0):
    x_hit = projectile_range(v0, angle, drag)
    return (x_hit - target) ** 2 + 0.01 * v0 ** 2


def shooting_inputs(rng):
    return dict(v0=18.0, angle=0.7, drag=0.02)


# ----------------------------------------------- time series: local linear trend Kalman filter likelihood
def kalman_loglik(log_q, log_r, y):
    q_level, q_slope = np.exp(log_q)
    r = np.exp(log_r)
    F = np.array([[1.0, 1.0], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    Q = np.diag([q_level, q_slope])
    m = np.array([y[0], 0.0])
    P = np.eye(2) * 10.0
    ll = 0.0
    for t in range(1, len(y)):
        m = F @ m
        P = F @ P @ F.T + Q
        S = H @ P @ H.T + r
        try:
            L = np.linalg.cholesky(S)
        except np.linalg.LinAlgError:
            return -np.inf
        v = y[t] - H @ m
        Sinv = np.linalg.inv(S)
        K = P @ H.T @ Sinv
        m = m + (K @ v)
        P = (np.eye(2) - K @ H) @ P
        ll += -0.5 * (np.log(2 * np.pi) + 2 * np.sum(np.log(np.diag(L))) + v @ Sinv @ v)
    return ll


def kalman_neg_loglik(log_q, log_r, y):
    return -kalman_loglik(log_q, log_r, y)


def kalman_inputs(rng):
    n = 60
    slope = np.cumsum(0.02 * rng.standard_normal(n))
    level = np.cumsum(slope + 0.1 * rng.standard_normal(n))
    return dict(log_q=np.log(np.array([0.01, 0.0004])), log_r=np.log(0.1), y=level + 0.3 * rng.standard_normal(n))


# ----------------------------------------------- HMM: forward algorithm in log space, Gaussian emissions
def hmm_neg_loglik(trans_logits, init_logits, means, log_sd, obs):
    log_A = trans_logits - logsumexp(trans_logits, axis=1, keepdims=True)
    log_pi = init_logits - logsumexp(init_logits)
    sd = np.exp(log_sd)
    log_B = -0.5 * ((obs[:, None] - means[None, :]) / sd) ** 2 - np.log(sd) - 0.5 * np.log(2 * np.pi)
    log_alpha = log_pi + log_B[0]
    for t in range(1, len(obs)):
        log_alpha = logsumexp(log_alpha[:, None] + log_A, axis=0) + log_B[t]
    return -logsumexp(log_alpha)


def hmm_inputs(rng):
    K, T = 3, 80
    means = np.array([-2.0, 0.0, 2.5])
    states = [0]
    for _ in range(T - 1):
        states.append(states[-1] if rng.uniform() < 0.85 else int(rng.integers(0, K)))
    obs = means[np.array(states)] + 0.6 * rng.standard_normal(T)
    return dict(trans_logits=2.0 * np.eye(K) + 0.1 * rng.standard_normal((K, K)), init_logits=np.zeros(K),
                means=means + 0.3 * rng.standard_normal(K), log_sd=np.log(0.7) * np.ones(K), obs=obs)


# ----------------------------------------------- optimal transport: unbalanced Sinkhorn with KL marginals
def unbalanced_sinkhorn(a, b, C, eps=0.05, rho=1.0, n_iter=500, tol=1e-9):
    K = np.exp(-C / eps)
    u, v = np.ones_like(a), np.ones_like(b)
    fi = rho / (rho + eps)
    for it in range(n_iter):
        u_prev = u
        u = (a / (K @ v)) ** fi
        v = (b / (K.T @ u)) ** fi
        if np.max(np.abs(u - u_prev)) < tol:
            break
    P = u[:, None] * K * v[None, :]
    kl = lambda p, q: np.sum(p * np.log(p / q) - p + q)  # noqa: E731
    return np.sum(P * C) + rho * kl(P.sum(1), a) + rho * kl(P.sum(0), b) + eps * kl(P.ravel(), np.outer(a, b).ravel())


def unbalanced_ot_loss(X, Y, wx, wy):
    C = cdist(X, Y, metric="sqeuclidean")
    return unbalanced_sinkhorn(wx, wy, C / C.max())


def unbalanced_ot_inputs(rng):
    X = rng.standard_normal((12, 2))
    Y = rng.standard_normal((15, 2)) + np.array([1.0, 0.5])
    wx = rng.uniform(0.5, 1.5, 12)
    wy = rng.uniform(0.5, 1.5, 15)
    return dict(X=X, Y=Y, wx=wx / wx.sum(), wy=1.2 * wy / wy.sum())


# ----------------------------------------------- quantile regression: pinball loss, non-crossing quantiles
def pinball(y, q, tau):
    r = y - q
    return np.mean(np.maximum(tau * r, (tau - 1) * r))


def quantile_net_loss(W, b0, log_gaps, X, y, taus=(0.1, 0.5, 0.9)):
    base = X @ W + b0
    gaps = np.log1p(np.exp(log_gaps))  # softplus: increasing quantiles never cross
    offsets = np.concatenate([[0.0], np.cumsum(gaps)])
    Q = base[:, None] + offsets[None, :]
    total = 0.0
    for j, tau in enumerate(taus):
        total += pinball(y, Q[:, j], tau)
    return total


def quantile_inputs(rng):
    n, d = 120, 4
    X = rng.standard_normal((n, d))
    y = X @ np.array([1.0, -0.5, 0.3, 0.0]) + (0.5 + 0.5 * np.abs(X[:, 0])) * rng.standard_normal(n)
    return dict(W=0.1 * rng.standard_normal(d), b0=-0.8, log_gaps=np.array([0.2, 0.3]), X=X, y=y)


# ----------------------------------------------- robust regression: Huber or Tukey biweight, chosen by name
def robust_rho(r, c, kind):
    a = np.abs(r)
    if kind == "huber":
        return np.where(a <= c, 0.5 * r ** 2, c * (a - 0.5 * c))
    elif kind == "tukey":
        inside = (c ** 2 / 6) * (1 - (1 - (r / c) ** 2) ** 3)
        return np.where(a <= c, inside, c ** 2 / 6)
    raise ValueError(kind)


def robust_regression_loss(beta, X, y, kind="tukey", c=4.685):
    r = y - X @ beta
    scale = 1.4826 * np.median(np.abs(r - np.median(r)))
    loss = np.sum(robust_rho(r / scale, c, kind))
    loss += np.sum(robust_rho(r / scale, 1.345, "huber"))
    return loss


def robust_inputs(rng):
    n = 80
    X = np.column_stack([np.ones(n), rng.standard_normal(n), rng.uniform(-1, 1, n)])
    y = X @ np.array([0.5, 2.0, -1.0]) + 0.3 * rng.standard_normal(n)
    y[::9] += rng.choice([-6.0, 6.0], size=len(y[::9]))
    return dict(beta=np.array([0.4, 1.7, -0.8]), X=X, y=y)


# ----------------------------------------------- mixture density network with a parameter dict
def mdn_forward(params, x, n_comp):
    h = np.tanh(x[:, None] * params["W1"] + params["b1"])
    out = h @ params["W2"] + params["b2"]
    logit_pi, mu, log_sigma = out[:, :n_comp], out[:, n_comp:2 * n_comp], out[:, 2 * n_comp:]
    return logit_pi, mu, np.clip(log_sigma, -5.0, 5.0)


def mdn_nll(W1, b1, W2, b2, x, y, n_comp=3):
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    logit_pi, mu, log_sigma = mdn_forward(params, x, n_comp)
    log_pi = logit_pi - logsumexp(logit_pi, axis=1, keepdims=True)
    z = (y[:, None] - mu) / np.exp(log_sigma)
    log_comp = log_pi - 0.5 * z ** 2 - log_sigma - 0.5 * np.log(2 * np.pi)
    return -np.mean(logsumexp(log_comp, axis=1))


def mdn_inputs(rng):
    n, H, K = 100, 10, 3
    y = rng.uniform(-1, 1, n)
    x = y + 0.3 * np.sin(3 * np.pi * y) + 0.05 * rng.standard_normal(n)  # inverse problem: multimodal
    return dict(W1=rng.standard_normal(H), b1=0.5 * rng.standard_normal(H), W2=0.3 * rng.standard_normal((H, 3 * K)),
                b2=np.zeros(3 * K), x=x, y=y)


# ----------------------------------------------- normalizing flows: planar and radial layers as (kind, params) tuples
def planar(z, u, w, b):
    wu = w @ u
    u_hat = u + (-1 + np.log1p(np.exp(wu)) - wu) * w / (w @ w)  # keeps the layer invertible
    a = z @ w + b
    f = z + np.outer(np.tanh(a), u_hat)
    psi = (1 - np.tanh(a) ** 2)[:, None] * w
    return f, np.log(np.abs(1 + psi @ u_hat))


def radial(z, z0, log_alpha, beta_raw):
    alpha = np.exp(log_alpha)
    beta = -alpha + np.log1p(np.exp(beta_raw))
    d = z.shape[1]
    diff = z - z0
    r = np.linalg.norm(diff, axis=1)
    h = 1.0 / (alpha + r)
    f = z + beta * h[:, None] * diff
    logdet = (d - 1) * np.log1p(beta * h) + np.log1p(beta * h - beta * r * h ** 2)
    return f, logdet


def flow_kl_loss(U, Wp, bp, Z0, log_alphas, beta_raws, eps):
    layers = []
    for k in range(len(bp)):
        layers.append(("planar", (U[k], Wp[k], bp[k])))
        layers.append(("radial", (Z0[k], log_alphas[k], beta_raws[k])))
    z = eps
    log_q = -0.5 * np.sum(eps ** 2, axis=1) - np.log(2 * np.pi)
    for kind, p in layers:
        if kind == "planar":
            z, ld = planar(z, *p)
        else:
            z, ld = radial(z, *p)
        log_q = log_q - ld
    # target: a banana-shaped density
    log_p = -0.5 * (z[:, 0] ** 2 / 4.0 + (z[:, 1] - 0.5 * z[:, 0] ** 2) ** 2)
    return np.mean(log_q - log_p)


def flow_inputs(rng):
    K = 3
    return dict(U=0.5 * rng.standard_normal((K, 2)), Wp=0.5 * rng.standard_normal((K, 2)), bp=0.1 * rng.standard_normal(K),
                Z0=0.5 * rng.standard_normal((K, 2)), log_alphas=np.zeros(K), beta_raws=0.1 * rng.standard_normal(K),
                eps=rng.standard_normal((64, 2)))


# ----------------------------------------------- Gaussian process: Matern 5/2 marginal likelihood, jitter on failure
def matern52(X, ls, var):
    r = np.sqrt(np.sum((X[:, None, :] - X[None, :, :]) ** 2, axis=-1) + 1e-12) / ls
    return var * (1 + np.sqrt(5) * r + 5.0 / 3.0 * r ** 2) * np.exp(-np.sqrt(5) * r)


def gp_neg_mll(log_ls, log_var, log_noise, X, y):
    K = matern52(X, np.exp(log_ls), np.exp(log_var)) + np.exp(log_noise) * np.eye(len(y))
    jitter = 0.0
    for _ in range(5):
        try:
            L = np.linalg.cholesky(K + jitter * np.eye(len(y)))
            break
        except np.linalg.LinAlgError:
            jitter = 1e-8 if jitter == 0.0 else jitter * 10
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * len(y) * np.log(2 * np.pi)


def gp_inputs(rng):
    X = rng.uniform(0, 5, (30, 1))
    return dict(log_ls=0.0, log_var=0.0, log_noise=np.log(0.01), X=X, y=np.sin(X[:, 0]) + 0.1 * rng.standard_normal(30))


# ----------------------------------------------- topology optimisation: SIMP compliance of a 2-D truss-like grid
def bar_element(xy_i, xy_j, E):
    d = xy_j - xy_i
    L = np.sqrt(d @ d)
    c, s = d / L
    k = E / L * np.array([[c * c, c * s], [c * s, s * s]])
    return np.block([[k, -k], [-k, k]])


def simp_compliance(dens, nodes, elems, fixed_dofs, load, p=3.0, vol_frac=0.5):
    rho = expit(dens)
    n_dof = 2 * len(nodes)
    K = np.zeros((n_dof, n_dof))
    for e, (i, j) in enumerate(elems):
        ke = bar_element(nodes[i], nodes[j], 1e-3 + rho[e] ** p)
        dofs = np.array([2 * i, 2 * i + 1, 2 * j, 2 * j + 1])
        K[np.ix_(dofs, dofs)] += ke
    free = np.array([d for d in range(n_dof) if d not in fixed_dofs])
    u = np.zeros(n_dof)
    u[free] = np.linalg.solve(K[np.ix_(free, free)], load[free])
    compliance = load @ u
    return compliance + 10.0 * (np.mean(rho) - vol_frac) ** 2


def simp_inputs(rng):
    nx, ny = 4, 2
    nodes = np.array([[x, y] for y in range(ny + 1) for x in range(nx + 1)], dtype=float)
    idx = lambda x, y: y * (nx + 1) + x  # noqa: E731
    elems = []
    for y in range(ny + 1):
        for x in range(nx + 1):
            if x < nx:
                elems.append((idx(x, y), idx(x + 1, y)))
            if y < ny:
                elems.append((idx(x, y), idx(x, y + 1)))
            if x < nx and y < ny:
                elems.append((idx(x, y), idx(x + 1, y + 1)))
                elems.append((idx(x + 1, y), idx(x, y + 1)))
    fixed = [0, 1, 2 * idx(0, ny), 2 * idx(0, ny) + 1]
    load = np.zeros(2 * len(nodes))
    load[2 * idx(nx, 0) + 1] = -1.0
    return dict(dens=0.3 * rng.standard_normal(len(elems)), nodes=nodes, elems=elems, fixed_dofs=fixed, load=load)


# ----------------------------------------------- statistical physics: mean-field Potts free energy with np.roll
def potts_free_energy(logits, field, J=1.0, T=1.5):
    m = softmax(logits, axis=-1)  # (L, L, q) site marginals
    energy = 0.0
    for axis in (0, 1):
        energy -= J * np.sum(m * np.roll(m, 1, axis=axis))
    energy -= np.sum(field * m)
    entropy = -np.sum(m * np.log(m + 1e-12))
    return energy - T * entropy


def potts_inputs(rng):
    L, q = 8, 3
    return dict(logits=0.5 * rng.standard_normal((L, L, q)), field=0.2 * rng.standard_normal((L, L, q)))


# ----------------------------------------------- neural ODE: RK4 through an MLP vector field
def vector_field(params, y, t):
    W1, b1, W2, b2 = params
    h = np.tanh(y @ W1 + b1 + t)
    return h @ W2 + b2


def rk4(params, y0, t0, t1, n_steps):
    h = (t1 - t0) / n_steps
    ys = [y0]
    y, t = y0, t0
    for _ in range(n_steps):
        k1 = vector_field(params, y, t)
        k2 = vector_field(params, y + 0.5 * h * k1, t + 0.5 * h)
        k3 = vector_field(params, y + 0.5 * h * k2, t + 0.5 * h)
        k4 = vector_field(params, y + h * k3, t + h)
        y = y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        t = t + h
        ys.append(y)
    return np.array(ys)


def neural_ode_loss(W1, b1, W2, b2, y0, targets, steps_per_obs=4):
    params = (W1, b1, W2, b2)
    n_obs = len(targets)
    traj = rk4(params, y0, 0.0, 0.1 * n_obs * steps_per_obs, n_obs * steps_per_obs)
    obs = traj[steps_per_obs::steps_per_obs]
    return np.mean((obs - targets) ** 2)


def neural_ode_inputs(rng):
    H, n_obs = 16, 6
    t = 0.4 * np.arange(1, n_obs + 1)
    targets = np.stack([np.cos(t), -np.sin(t)], axis=1)
    return dict(W1=0.5 * rng.standard_normal((2, H)), b1=np.zeros(H), W2=0.3 * rng.standard_normal((H, 2)),
                b2=np.zeros(2), y0=np.array([1.0, 0.0]), targets=targets)


# ----------------------------------------------- differentiable rendering: soft rasterisation of triangles
def soft_raster(verts, faces, depths, colors, res=16, sigma=0.02, gamma=0.1):
    xs = (np.arange(res) + 0.5) / res
    px = np.stack(np.meshgrid(xs, xs), axis=-1).reshape(-1, 2)  # (P, 2)
    coverage, zs = [], []
    for f, tri in enumerate(faces):
        a, b, c = verts[tri[0]], verts[tri[1]], verts[tri[2]]
        d = np.inf * np.ones(len(px))
        inside = np.ones(len(px))
        for p0, p1 in [(a, b), (b, c), (c, a)]:
            e = p1 - p0
            n = np.array([e[1], -e[0]]) / np.linalg.norm(e)
            sd = (px - p0) @ n
            inside = inside * expit(sd / sigma)
        coverage.append(inside)
        zs.append(depths[f] * np.ones(len(px)))
    cov = np.array(coverage)  # (F, P)
    w = cov * np.exp(-np.array(zs) / gamma)
    w_bg = np.exp(-1.0 / gamma)
    img = (w.T @ colors + w_bg * 1.0) / (w.sum(axis=0)[:, None] + w_bg)
    return img


def soft_raster_loss(verts, depths, faces, colors, target):
    img = soft_raster(verts, faces, depths, colors)
    return np.mean((img - target) ** 2)


def soft_raster_inputs(rng):
    verts = np.array([[0.2, 0.2], [0.8, 0.25], [0.5, 0.8], [0.1, 0.7], [0.9, 0.75]])
    faces = [(0, 1, 2), (0, 2, 3), (1, 4, 2)]
    colors = np.array([[1.0, 0.2, 0.2], [0.2, 1.0, 0.2], [0.2, 0.2, 1.0]])
    target = rng.uniform(0, 1, (16 * 16, 3))
    return dict(verts=verts + 0.02 * rng.standard_normal(verts.shape), depths=np.array([0.3, 0.5, 0.4]), faces=faces,
                colors=colors, target=target)


# ----------------------------------------------- finance: mean-CVaR portfolio with turnover costs
def portfolio_objective(logits, returns, w_prev, alpha=0.9, risk_aversion=2.0, cost=0.002):
    w = np.exp(logits) / np.sum(np.exp(logits))
    port = returns @ w
    losses = np.sort(-port)
    k = int(np.ceil((1 - alpha) * len(losses)))
    cvar = np.mean(losses[-k:])
    turnover = np.sum(np.sqrt((w - w_prev) ** 2 + 1e-8))
    return -np.mean(port) + risk_aversion * cvar + cost * turnover


def portfolio_inputs(rng):
    T, n = 250, 6
    mu = np.array([0.0004, 0.0002, 0.0006, 0.0001, 0.0003, 0.0005])
    A = 0.01 * rng.standard_normal((n, n))
    returns = mu + rng.standard_normal((T, n)) @ A.T
    return dict(logits=0.1 * rng.standard_normal(n), returns=returns, w_prev=np.ones(n) / n)


# ----------------------------------------------- survival: Cox partial likelihood (Breslow ties) by reversed cumsum
def cox_neg_partial_loglik(beta, X, time, event, l2=0.01):
    order = np.argsort(-time)  # descending time: risk set of i is everyone up to i
    eta = X[order] @ beta
    ev = event[order]
    log_risk = np.log(np.cumsum(np.exp(eta)))
    return -np.sum((eta - log_risk)[ev == 1]) / np.sum(ev) + l2 * beta @ beta


def cox_inputs(rng):
    n, d = 150, 5
    X = rng.standard_normal((n, d))
    true = np.array([0.8, -0.5, 0.0, 0.3, 0.0])
    t = rng.exponential(np.exp(-X @ true))
    c = rng.exponential(1.5, n)
    return dict(beta=0.1 * rng.standard_normal(d), X=X, time=np.minimum(t, c), event=(t <= c).astype(int))


# ----------------------------------------------- attention variant: causal linear attention by running sums
def elu1(x):
    return np.where(x > 0, x + 1.0, np.exp(x))


def linear_attention(x, Wq, Wk, Wv):
    Q, K, V = elu1(x @ Wq), elu1(x @ Wk), x @ Wv
    S = np.cumsum(np.einsum("ti,tj->tij", K, V), axis=0)  # running sum of k v^T
    z = np.cumsum(K, axis=0)
    num = np.einsum("ti,tij->tj", Q, S)
    den = np.sum(Q * z, axis=-1, keepdims=True)
    return num / den


def linear_attention_loss(Wq, Wk, Wv, Wout, x, y):
    h = x + linear_attention(x, Wq, Wk, Wv)
    pred = h[:, :] @ Wout
    return np.mean((pred[:-1] - y[1:]) ** 2)


def linear_attention_inputs(rng):
    T, D = 20, 6
    x = rng.standard_normal((T, D))
    return dict(Wq=0.3 * rng.standard_normal((D, D)), Wk=0.3 * rng.standard_normal((D, D)),
                Wv=0.3 * rng.standard_normal((D, D)), Wout=0.3 * rng.standard_normal((D, 1)), x=x,
                y=np.sin(np.cumsum(x[:, :1], axis=0)))


# ----------------------------------------------- graph neural network: GCN message passing with np.add.at
def gcn_layer(H, W, src, dst, n_nodes, bias=None):
    deg = np.bincount(dst, minlength=n_nodes) + 1.0
    norm = 1.0 / np.sqrt(deg[src] * deg[dst])
    msg = (H[src] @ W) * norm[:, None]
    out = (H @ W) / deg[:, None]  # self loop
    np.add.at(out, dst, msg)
    return out + (0.0 if bias is None else bias)


def gcn_node_classification(W1, b1, W2, X, edges, labels, train_mask):
    src = np.concatenate([edges[:, 0], edges[:, 1]])
    dst = np.concatenate([edges[:, 1], edges[:, 0]])
    n = X.shape[0]
    H = np.maximum(gcn_layer(X, W1, src, dst, n, b1), 0.0)
    logits = gcn_layer(H, W2, src, dst, n)
    logp = logits - logsumexp(logits, axis=1, keepdims=True)
    idx = np.where(train_mask)[0]
    return -np.mean(logp[idx, labels[idx]])


def gcn_inputs(rng):
    n, d, H, C = 20, 5, 8, 3
    edges = np.array([(i, j) for i in range(n) for j in range(i + 1, n) if rng.uniform() < 0.15])
    return dict(W1=0.4 * rng.standard_normal((d, H)), b1=0.1 * rng.standard_normal(H), W2=0.4 * rng.standard_normal((H, C)),
                X=rng.standard_normal((n, d)), edges=edges, labels=rng.integers(0, C, n), train_mask=rng.uniform(size=n) < 0.6)


# ----------------------------------------------- PCA via np.linalg.eig of the covariance: reconstruction error
def pca_reconstruction(X, k=2):
    Xc = X - X.mean(axis=0)
    C = Xc.T @ Xc / (len(X) - 1)
    vals, vecs = np.linalg.eig(C)
    idx = np.argsort(vals)[::-1]
    V = vecs[:, idx[:k]]
    X_hat = Xc @ V @ V.T
    explained = np.sum(vals[idx[:k]]) / np.sum(vals)
    return np.mean((Xc - X_hat) ** 2) - 0.1 * explained


def pca_inputs(rng):
    Z = rng.standard_normal((50, 2))
    A = np.array([[2.0, 0.3, 0.1, -0.5], [0.0, 1.0, -0.7, 0.2]])
    return dict(X=Z @ A + 0.2 * rng.standard_normal((50, 4)))


# ----------------------------------------------- elastic net logistic regression: terms dict, iter/next loader
def logistic_elastic_net(w, X, y, config):
    batches = iter(np.array_split(np.arange(len(y)), config["n_batches"]))
    warm = next(batches)
    terms = {}
    z = X[warm] @ w
    terms["warmup"] = np.mean(np.logaddexp(0.0, z) - y[warm] * z)
    data = 0.0
    for b in batches:
        z = X[b] @ w
        data = data + np.sum(np.logaddexp(0.0, z) - y[b] * z)
    terms["data"] = data / len(y)
    if config["l2"] > 0:
        terms["l2"] = 0.5 * config["l2"] * np.sum(w[1:] ** 2)
    if config["l1"] > 0:
        terms["l1"] = config["l1"] * np.sum(np.sqrt(w[1:] ** 2 + config.get("smooth", 1e-6)))
    if config.get("verbose", False):
        print({k: float(v) for k, v in terms.items()})
    return sum(terms.values())


def elastic_net_inputs(rng):
    n, d = 90, 6
    X = np.column_stack([np.ones(n), rng.standard_normal((n, d - 1))])
    y = (rng.uniform(size=n) < expit(X @ np.array([0.2, 1.0, -1.0, 0.0, 0.5, 0.0]))).astype(float)
    return dict(w=0.1 * rng.standard_normal(d), X=X, y=y, config={"n_batches": 4, "l2": 0.1, "l1": 0.05, "smooth": 1e-4})


# ----------------------------------------------- pharmacokinetics: a dosing queue of (time, dose) events
def pk_concentrations(log_ke, log_ka, log_V, doses, sample_times):
    ke, ka, V = np.exp(log_ke), np.exp(log_ka), np.exp(log_V)
    events = sorted([(t, d) for t, d in doses])
    gut, central, t_now = 0.0, 0.0, 0.0
    out = []
    samples = list(sample_times)
    while samples:
        t_next = samples[0]
        if events and events[0][0] <= t_next:
            t_next, dose = events.pop(0)
        else:
            dose = None
            samples.pop(0)
        dt = t_next - t_now
        # one-compartment with first-order absorption, solved exactly over dt
        g_new = gut * np.exp(-ka * dt)
        central = central * np.exp(-ke * dt) + gut * ka / (ka - ke) * (np.exp(-ke * dt) - np.exp(-ka * dt))
        gut = g_new
        t_now = t_next
        if dose is not None:
            gut = gut + dose
        else:
            out.append(central / V)
    return np.array(out)


def pk_loss(log_ke, log_ka, log_V, doses, sample_times, observed):
    pred = pk_concentrations(log_ke, log_ka, log_V, doses, sample_times)
    return np.sum((np.log(pred) - np.log(observed)) ** 2)


def pk_inputs(rng):
    doses = [(0.0, 100.0), (12.0, 100.0), (24.0, 150.0)]
    sample_times = [1.0, 2.0, 4.0, 8.0, 13.0, 16.0, 25.0, 30.0, 36.0]
    true = pk_concentrations(np.log(0.15), np.log(1.2), np.log(30.0), doses, sample_times)
    return dict(log_ke=np.log(0.1), log_ka=np.log(1.0), log_V=np.log(25.0), doses=doses, sample_times=sample_times,
                observed=true * np.exp(0.05 * rng.standard_normal(len(true))))


# ----------------------------------------------- time-series alignment: soft-DTW with a Python double loop
def softmin(a, b, c, gamma):
    vals = np.array([a, b, c]) / -gamma
    return -gamma * logsumexp(vals)


def soft_dtw(x, y, gamma=0.1):
    D = (x[:, None] - y[None, :]) ** 2
    n, m = D.shape
    R = np.full((n + 1, m + 1), np.inf)
    R[0, 0] = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            R[i, j] = D[i - 1, j - 1] + softmin(R[i - 1, j - 1], R[i - 1, j], R[i, j - 1], gamma)
    return R[n, m]


def soft_dtw_barycenter_loss(z, series):
    return sum(soft_dtw(z, s) for s in series) / len(series)


def soft_dtw_inputs(rng):
    t = np.linspace(0, 2 * np.pi, 14)
    series = [np.sin(t + s) + 0.05 * rng.standard_normal(14) for s in (0.0, 0.3, -0.2)]
    return dict(z=0.5 * np.sin(t) + 0.1 * rng.standard_normal(14), series=series)


# ----------------------------------------------- HMC: energy error of leapfrog, tuned through the step size
def banana_potential_and_grad(q, b=0.5):
    x, y = q[0], q[1]
    u = 0.5 * x ** 2 / 4.0 + 0.5 * (y - b * x ** 2) ** 2
    g = np.array([x / 4.0 - 2 * b * x * (y - b * x ** 2), y - b * x ** 2])
    return u, g


def leapfrog_energy_error(log_step, q0s, p0s, n_leap=10):
    eps = np.exp(log_step)
    total = 0.0
    for q0, p0 in zip(q0s, p0s):
        q, p = q0.copy(), p0.copy()
        u0, g = banana_potential_and_grad(q)
        h0 = u0 + 0.5 * p @ p
        p = p - 0.5 * eps * g
        for i in range(n_leap):
            q = q + eps * p
            u, g = banana_potential_and_grad(q)
            if i != n_leap - 1:
                p = p - eps * g
        p = p - 0.5 * eps * g
        dH = u + 0.5 * p @ p - h0
        accept = min(1.0, np.exp(-dH))
        total += (accept - 0.65) ** 2
    return total / len(q0s)


def leapfrog_inputs(rng):
    return dict(log_step=np.log(0.3), q0s=rng.standard_normal((6, 2)), p0s=rng.standard_normal((6, 2)))


# ----------------------------------------------- molecular simulation: Lennard-Jones, minimum image and cutoff
def lj_energy(pos, box, eps=1.0, sig=1.0, rc=2.5):
    diff = pos[:, None, :] - pos[None, :, :]
    diff = diff - box * np.round(diff / box)  # minimum image
    r2 = np.sum(diff ** 2, axis=-1)
    n = len(pos)
    iu = np.triu_indices(n, k=1)
    r2 = r2[iu]
    sr6 = (sig ** 2 / r2) ** 3
    e = 4 * eps * (sr6 ** 2 - sr6)
    e_cut = 4 * eps * ((sig / rc) ** 12 - (sig / rc) ** 6)
    return np.sum(np.where(r2 < rc ** 2, e - e_cut, 0.0))


def lj_relax_loss(pos, box):
    return lj_energy(pos, box) / len(pos)


def lj_inputs(rng):
    n_side, box = 3, 4.5
    g = (np.arange(n_side) + 0.5) * box / n_side
    pos = np.array([[x, y, z] for x in g for y in g for z in g])
    return dict(pos=pos + 0.05 * rng.standard_normal(pos.shape), box=box)


PROGRAMS = [
    dict(name="heat_pinn_fd_residual", f=heat_pinn_loss, inputs=heat_pinn_inputs, wrt=("W1", "b1", "W2", "W3")),
    dict(name="ard_kernel_ridge_broadcast", f=kernel_ridge_validation, inputs=kernel_ridge_inputs,
         wrt=("log_ls", "log_var", "log_noise")),
    dict(name="drag_shooting_break", f=shooting_loss, inputs=shooting_inputs, wrt=("v0", "angle", "drag")),
    dict(name="kalman_local_trend_try", f=kalman_neg_loglik, inputs=kalman_inputs, wrt=("log_q", "log_r")),
    dict(name="hmm_forward_logspace", f=hmm_neg_loglik, inputs=hmm_inputs,
         wrt=("trans_logits", "init_logits", "means", "log_sd")),
    dict(name="unbalanced_sinkhorn_tol", f=unbalanced_ot_loss, inputs=unbalanced_ot_inputs, wrt=("X", "wx")),
    dict(name="noncrossing_quantile_pinball", f=quantile_net_loss, inputs=quantile_inputs, wrt=("W", "b0", "log_gaps")),
    dict(name="robust_tukey_huber_mad", f=robust_regression_loss, inputs=robust_inputs, wrt=("beta",)),
    dict(name="mixture_density_network", f=mdn_nll, inputs=mdn_inputs, wrt=("W1", "b1", "W2", "b2")),
    dict(name="planar_radial_flow_tuples", f=flow_kl_loss, inputs=flow_inputs,
         wrt=("U", "Wp", "bp", "Z0", "log_alphas", "beta_raws")),
    dict(name="gp_matern_cholesky_jitter", f=gp_neg_mll, inputs=gp_inputs, wrt=("log_ls", "log_var", "log_noise")),
    dict(name="simp_truss_ix_assembly", f=simp_compliance, inputs=simp_inputs, wrt=("dens",)),
    dict(name="potts_meanfield_roll", f=potts_free_energy, inputs=potts_inputs, wrt=("logits", "field")),
    dict(name="neural_ode_rk4_list", f=neural_ode_loss, inputs=neural_ode_inputs, wrt=("W1", "b1", "W2", "b2", "y0")),
    dict(name="soft_rasterizer_triangles", f=soft_raster_loss, inputs=soft_raster_inputs, wrt=("verts", "depths")),
    dict(name="cvar_portfolio_sort", f=portfolio_objective, inputs=portfolio_inputs, wrt=("logits",)),
    dict(name="cox_partial_likelihood_cumsum", f=cox_neg_partial_loglik, inputs=cox_inputs, wrt=("beta",)),
    dict(name="causal_linear_attention", f=linear_attention_loss, inputs=linear_attention_inputs,
         wrt=("Wq", "Wk", "Wv", "Wout")),
    dict(name="gcn_add_at_bincount", f=gcn_node_classification, inputs=gcn_inputs, wrt=("W1", "b1", "W2")),
    dict(name="pca_eig_reconstruction", f=pca_reconstruction, inputs=pca_inputs, wrt=("X",)),
    dict(name="elastic_net_terms_dict_iter", f=logistic_elastic_net, inputs=elastic_net_inputs, wrt=("w",)),
    dict(name="pk_dosing_queue_pop", f=pk_loss, inputs=pk_inputs, wrt=("log_ke", "log_ka", "log_V")),
    dict(name="soft_dtw_barycenter", f=soft_dtw_barycenter_loss, inputs=soft_dtw_inputs, wrt=("z",)),
    dict(name="hmc_leapfrog_step_size", f=leapfrog_energy_error, inputs=leapfrog_inputs, wrt=("log_step",)),
    dict(name="lennard_jones_min_image", f=lj_relax_loss, inputs=lj_inputs, wrt=("pos",)),
]
