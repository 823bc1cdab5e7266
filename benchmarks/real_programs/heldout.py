"""Held-out programs: written after adjit passed the other five modules, in domains they do not cover.

Robotics, vision, imaging, GPs, Bayesian evidence, neural ODEs, RNN/Transformer language models, graphs,
kinetics, pharmacology, option trees, risk parity, paired comparisons, epidemics, sparse coding,
clustering, mixtures, smoothing, cross-validation, contact mechanics, meshes, optimal transport.
Written as plain NumPy/SciPy, without regard to what adjit supports.
"""
import numpy as np
import scipy.linalg
from scipy.spatial.distance import cdist
from scipy.special import gammaln, logsumexp


# ---------------------------------------------------------------------------------- robotics
def planar_arm_fk(theta, lengths, target):
    """Inverse-kinematics objective for a planar serial arm."""
    angles = np.cumsum(theta)
    x = np.cumsum(lengths * np.cos(angles))
    y = np.cumsum(lengths * np.sin(angles))
    ee = np.array([x[-1], y[-1]])
    err = ee - target
    # keep the intermediate joints above the floor
    floor_penalty = np.sum(np.exp(-5.0 * y[:-1]))
    return err @ err + 0.01 * floor_penalty + 1e-3 * np.sum(theta ** 2)


def arm_inputs(rng):
    return dict(theta=np.array([0.6, 0.3, -0.2, 0.4, 0.1]) + 0.05 * rng.standard_normal(5),
                lengths=np.array([1.0, 0.8, 0.6, 0.4, 0.3]), target=np.array([1.2, 1.9]))


# --------------------------------------------------------------------------- camera calibration
def rodrigues(r):
    theta = np.linalg.norm(r)
    k = r / theta
    K = np.array([[0, -k[2], k[1]],
                  [k[2], 0, -k[0]],
                  [-k[1], k[0], 0]])
    return np.eye(3) + np.sin(theta) * K + (1 - np.cos(theta)) * K @ K


def camera_calibration(intr, rvecs, tvecs, board, observed):
    """Zhang-style calibration: reprojection error of a checkerboard seen from several views."""
    fx, fy, cx, cy, k1, k2 = intr
    total = 0.0
    for v in range(len(rvecs)):
        R = rodrigues(rvecs[v])
        Pc = board @ R.T + tvecs[v]
        xn = Pc[:, 0] / Pc[:, 2]
        yn = Pc[:, 1] / Pc[:, 2]
        r2 = xn ** 2 + yn ** 2
        distortion = 1 + k1 * r2 + k2 * r2 ** 2
        u = fx * xn * distortion + cx
        w = fy * yn * distortion + cy
        res = np.stack([u, w], axis=1) - observed[v]
        total += np.sum(res ** 2)
    return total / len(rvecs)


def calibration_inputs(rng):
    gx, gy = np.meshgrid(np.arange(4) * 0.1, np.arange(3) * 0.1)
    board = np.column_stack([gx.ravel(), gy.ravel(), np.zeros(gx.size)])
    intr_true = np.array([800.0, 790.0, 320.0, 240.0, -0.1, 0.02])
    rv_true = np.array([[0.1, -0.2, 0.05], [-0.15, 0.1, 0.2], [0.2, 0.25, -0.1]])
    tv_true = np.array([[-0.1, -0.1, 1.5], [0.0, -0.05, 1.8], [-0.2, 0.0, 1.6]])
    obs = []
    for v in range(3):
        t = rv_true[v]
        th = np.linalg.norm(t)
        k = t / th
        K = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
        R = np.eye(3) + np.sin(th) * K + (1 - np.cos(th)) * K @ K
        P = board @ R.T + tv_true[v]
        xn, yn = P[:, 0] / P[:, 2], P[:, 1] / P[:, 2]
        r2 = xn ** 2 + yn ** 2
        d = 1 + intr_true[4] * r2 + intr_true[5] * r2 ** 2
        obs.append(np.column_stack([intr_true[0] * xn * d + intr_true[2], intr_true[1] * yn * d + intr_true[3]])
                   + 0.5 * rng.standard_normal((len(board), 2)))
    return dict(intr=intr_true * (1 + 0.01 * rng.standard_normal(6)), rvecs=rv_true + 0.02 * rng.standard_normal((3, 3)),
                tvecs=tv_true + 0.02 * rng.standard_normal((3, 3)), board=board, observed=np.array(obs))


# ------------------------------------------------------------------------------ Matérn GP
def gp_matern52_nll(log_ls, log_sf, log_noise, X, y):
    ls, sf2, noise = np.exp(log_ls), np.exp(2 * log_sf), np.exp(2 * log_noise)
    d = cdist(X, X)
    r = np.sqrt(5.0) * d / ls
    K = sf2 * (1 + r + r ** 2 / 3.0) * np.exp(-r)
    K = K + noise * np.eye(len(y))
    alpha = np.linalg.solve(K, y)
    sign, logdet = np.linalg.slogdet(K)
    return 0.5 * y @ alpha + 0.5 * logdet + 0.5 * len(y) * np.log(2 * np.pi)


def matern_inputs(rng):
    X = rng.uniform(0, 5, (15, 2))
    y = np.sin(X[:, 0]) * np.cos(X[:, 1]) + 0.1 * rng.standard_normal(15)
    return dict(log_ls=0.2, log_sf=0.0, log_noise=-1.5, X=X, y=y)


# -------------------------------------------------------------------------------- imaging
def poisson_blend(u, src, tgt, mask):
    """Gradient-domain blending: the pixels inside `mask` follow the source image's gradients."""
    img = tgt.copy()
    img[mask] = u
    gx_img = img[:, 1:] - img[:, :-1]
    gy_img = img[1:, :] - img[:-1, :]
    gx_src = np.diff(src, axis=1)
    gy_src = np.diff(src, axis=0)
    return np.sum((gx_img - gx_src) ** 2) + np.sum((gy_img - gy_src) ** 2)


def poisson_inputs(rng):
    yy, xx = np.mgrid[0:10, 0:10]
    src = np.exp(-((xx - 4.5) ** 2 + (yy - 4.5) ** 2) / 8.0)
    tgt = 0.3 * rng.random((10, 10))
    mask = np.zeros((10, 10), dtype=bool)
    mask[2:8, 2:8] = True
    return dict(u=tgt[mask] + 0.1 * rng.standard_normal(mask.sum()), src=src, tgt=tgt, mask=mask)


def horn_schunck(U, V, I1, I2, alpha=0.5):
    """Horn–Schunck optical-flow energy: brightness constancy plus flow smoothness."""
    Iy, Ix = np.gradient(I1)
    It = I2 - I1
    data = np.sum((Ix * U + Iy * V + It) ** 2)
    Uy, Ux = np.gradient(U)
    Vy, Vx = np.gradient(V)
    smooth = np.sum(Ux ** 2 + Uy ** 2 + Vx ** 2 + Vy ** 2)
    return data + alpha ** 2 * smooth


def horn_schunck_inputs(rng):
    yy, xx = np.mgrid[0:7, 0:7].astype(float)
    I1 = np.sin(0.7 * xx) * np.cos(0.5 * yy) + 0.05 * rng.standard_normal((7, 7))
    I2 = np.sin(0.7 * (xx - 0.3)) * np.cos(0.5 * (yy - 0.2))
    return dict(U=0.1 * rng.standard_normal((7, 7)), V=0.1 * rng.standard_normal((7, 7)), I1=I1, I2=I2)


# ------------------------------------------------------------------------- smoothing spline
def smoothing_spline(f, knots, xdata, ydata, lam=0.1):
    """Penalised regression on a grid: piecewise-linear fit plus a second-difference roughness penalty."""
    fit = np.interp(xdata, knots, f)
    h = knots[1] - knots[0]
    roughness = np.sum(np.diff(f, n=2) ** 2) / h ** 3
    return np.sum((ydata - fit) ** 2) + lam * roughness


def spline_smoothing_inputs(rng):
    knots = np.linspace(0, 1, 20)
    xdata = np.sort(rng.uniform(0.01, 0.99, 60))
    ydata = np.sin(2 * np.pi * xdata) + 0.2 * rng.standard_normal(60)
    return dict(f=np.sin(2 * np.pi * knots) + 0.1 * rng.standard_normal(20), knots=knots, xdata=xdata, ydata=ydata)


# ------------------------------------------------------------------- Bayesian linear regression
def bayes_linreg_evidence(log_alpha, log_beta, x, t, degree=5):
    """Negative log evidence of Bishop's Bayesian polynomial regression (PRML eq. 3.86)."""
    alpha, beta = np.exp(log_alpha), np.exp(log_beta)
    Phi = np.vander(x, degree + 1, increasing=True)
    N, M = Phi.shape
    A = alpha * np.eye(M) + beta * Phi.T @ Phi
    A_inv = np.linalg.inv(A)
    m_N = beta * A_inv @ Phi.T @ t
    E = beta / 2 * np.sum((t - Phi @ m_N) ** 2) + alpha / 2 * m_N @ m_N
    log_ev = (M / 2 * np.log(alpha) + N / 2 * np.log(beta) - E - 0.5 * np.log(np.linalg.det(A))
              - N / 2 * np.log(2 * np.pi))
    return -log_ev


def evidence_inputs(rng):
    x = rng.uniform(-1, 1, 25)
    t = np.sin(np.pi * x) + 0.2 * rng.standard_normal(25)
    return dict(log_alpha=np.log(0.5), log_beta=np.log(20.0), x=x, t=t)


# -------------------------------------------------------------------- sparse logistic regression
def smooth_abs(w, eps=1e-4):
    return np.sqrt(w * w + eps)


def l1_logistic(w, b, X, y, lam=0.05):
    """y in {-1, +1}; L1 penalty through a smooth absolute value."""
    margins = y * (X @ w + b)
    loss = np.mean(np.logaddexp(0, -margins))
    return loss + lam * np.sum(smooth_abs(w))


def l1_logistic_inputs(rng):
    X = rng.standard_normal((50, 12))
    w_true = np.zeros(12)
    w_true[[1, 4, 7]] = [2.0, -1.5, 1.0]
    y = np.where(X @ w_true + 0.3 * rng.standard_normal(50) > 0, 1.0, -1.0)
    return dict(w=0.1 * rng.standard_normal(12), b=0.05, X=X, y=y)


# -------------------------------------------------------------------------------- neural ODE
def mlp_field(z, W1, b1, W2):
    return W2 @ np.tanh(W1 @ z + b1)


def rk4_step(fun, z, dt, *params):
    k1 = fun(z, *params)
    k2 = fun(z + 0.5 * dt * k1, *params)
    k3 = fun(z + 0.5 * dt * k2, *params)
    k4 = fun(z + dt * k3, *params)
    return z + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


def neural_ode(W1, b1, W2, z0, targets, t_obs, dt=0.1):
    z = z0
    traj = []
    n_steps = int(round(t_obs[-1] / dt))
    obs_steps = set(int(round(t / dt)) for t in t_obs)
    for step in range(1, n_steps + 1):
        z = rk4_step(mlp_field, z, dt, W1, b1, W2)
        if step in obs_steps:
            traj.append(z)
    traj = np.array(traj)
    return np.mean((traj - targets) ** 2)


def neural_ode_inputs(rng):
    t_obs = np.array([0.5, 1.0, 1.5, 2.0])
    th = 0.8 * t_obs
    targets = np.column_stack([np.cos(th), np.sin(th)])
    return dict(W1=0.5 * rng.standard_normal((8, 2)), b1=0.1 * rng.standard_normal(8),
                W2=0.5 * rng.standard_normal((2, 8)), z0=np.array([1.0, 0.0]), targets=targets, t_obs=t_obs)


# --------------------------------------------------------------------------- RNN language model
def rnn_lm_loss(Wxh, Whh, Why, tokens, vocab_size=6):
    X = np.eye(vocab_size)[tokens]          # one-hot rows
    h = np.zeros(Whh.shape[0])
    loss = 0.0
    for t in range(len(tokens) - 1):
        h = np.tanh(Wxh @ X[t] + Whh @ h)
        logits = Why @ h
        probs = np.exp(logits - logits.max())
        probs /= probs.sum()
        loss -= np.log(probs[tokens[t + 1]])
    return loss / (len(tokens) - 1)


def rnn_lm_inputs(rng):
    return dict(Wxh=0.3 * rng.standard_normal((6, 6)), Whh=0.3 * rng.standard_normal((6, 6)),
                Why=0.3 * rng.standard_normal((6, 6)), tokens=rng.integers(0, 6, 15))


# -------------------------------------------------------------------------- Transformer block
def layer_norm(x, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps)


def gelu(x):
    return 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x ** 3)))


def softmax(z, axis=-1):
    z = z - np.max(z, axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def transformer_block(Wq, Wk, Wv, Wo, W1, W2, x, target):
    """Pre-LN Transformer block: attention + residual, MLP + residual."""
    T, d = x.shape
    h = layer_norm(x)
    q, k, v = h @ Wq, h @ Wk, h @ Wv
    att = softmax(q @ k.T / np.sqrt(d))
    x = x + (att @ v) @ Wo
    h = layer_norm(x)
    x = x + gelu(h @ W1) @ W2
    return np.mean((x - target) ** 2)


def transformer_inputs(rng):
    d = 4
    return dict(Wq=0.5 * rng.standard_normal((d, d)), Wk=0.5 * rng.standard_normal((d, d)),
                Wv=0.5 * rng.standard_normal((d, d)), Wo=0.5 * rng.standard_normal((d, d)),
                W1=0.5 * rng.standard_normal((d, 2 * d)), W2=0.5 * rng.standard_normal((2 * d, d)),
                x=rng.standard_normal((5, d)), target=rng.standard_normal((5, d)))


# --------------------------------------------------------------------------------- graphs
def graph_laplacian_smoothing(x, log_w, y, edges, lam=0.5):
    n = len(x)
    w = np.exp(log_w)
    L = np.zeros((n, n))
    for e, (i, j) in enumerate(edges):
        L[i, i] += w[e]
        L[j, j] += w[e]
        L[i, j] -= w[e]
        L[j, i] -= w[e]
    return np.sum((x - y) ** 2) + lam * x @ L @ x + 0.01 * np.sum(log_w ** 2)


def laplacian_inputs(rng):
    n = 12
    edges = [(i, i + 1) for i in range(n - 1)] + [(0, 5), (3, 9), (2, 11), (6, 10)]
    return dict(x=rng.standard_normal(n), log_w=0.1 * rng.standard_normal(len(edges)),
                y=rng.standard_normal(n), edges=np.array(edges))


def pagerank_loss(logits, adj, target, damping=0.85, n_iter=40):
    """Learn edge preferences so the stationary distribution of a random surfer matches a target."""
    n = adj.shape[0]
    scores = np.where(adj, logits, -np.inf)
    P = np.exp(scores - scores.max(axis=1, keepdims=True))
    P = P / P.sum(axis=1, keepdims=True)
    r = np.ones(n) / n
    for _ in range(n_iter):
        r = (1 - damping) / n + damping * (r @ P)
    return np.sum(target * np.log(target / r))


def pagerank_inputs(rng):
    n = 7
    adj = rng.random((n, n)) < 0.5
    np.fill_diagonal(adj, False)
    adj[np.arange(n), (np.arange(n) + 1) % n] = True
    target = rng.random(n) + 0.5
    return dict(logits=0.3 * rng.standard_normal((n, n)), adj=adj, target=target / target.sum())


# ------------------------------------------------------------------------ Ising mean field
def ising_mean_field_free_energy(J, h, beta=0.7, tol=1e-13, damping=0.5):
    """Naive mean-field free energy; magnetisations from the damped self-consistency iteration."""
    m = np.zeros(len(h))
    diff = 1.0
    it = 0
    while diff > tol and it < 2000:
        m_new = np.tanh(beta * (J @ m + h))
        diff = np.max(np.abs(m_new - m))
        m = damping * m + (1 - damping) * m_new
        it += 1
    field = J @ m + h
    return -np.sum(np.log(2 * np.cosh(beta * field))) / beta + 0.5 * m @ J @ m


def ising_mf_inputs(rng):
    n = 8
    A = 0.15 * rng.standard_normal((n, n))
    J = A + A.T
    np.fill_diagonal(J, 0.0)
    return dict(J=J, h=0.3 * rng.standard_normal(n))


# ----------------------------------------------------------------------- chemical kinetics
def kinetics_euler(log_k, c0, t_obs, c_obs, dt=0.01, t_end=2.0):
    """A + B -> C (k1), C -> A + B (k2), C -> D (k3), explicit Euler; squared error on C and D."""
    k1, k2, k3 = np.exp(log_k)
    A, B, C, D = c0
    t = 0.0
    out = []
    obs_i = 0
    while t < t_end - 1e-12:
        r1 = k1 * A * B
        r2 = k2 * C
        r3 = k3 * C
        A = A + dt * (-r1 + r2)
        B = B + dt * (-r1 + r2)
        C = C + dt * (r1 - r2 - r3)
        D = D + dt * r3
        t += dt
        if obs_i < len(t_obs) and abs(t - t_obs[obs_i]) < dt / 2:
            out.append([C, D])
            obs_i += 1
    pred = np.array(out)
    return np.sum((pred - c_obs) ** 2)


def kinetics_inputs(rng):
    t_obs = np.array([0.25, 0.5, 1.0, 1.5, 2.0])
    c_obs = np.array([[0.30, 0.05], [0.38, 0.15], [0.35, 0.35], [0.28, 0.50], [0.22, 0.62]])
    return dict(log_k=np.log([2.0, 0.3, 0.5]) + 0.1 * rng.standard_normal(3), c0=np.array([1.0, 0.8, 0.0, 0.0]),
                t_obs=t_obs, c_obs=c_obs + 0.01 * rng.standard_normal((5, 2)))


# --------------------------------------------------------------------------- pharmacokinetics
def pk_one_compartment_oral(log_params, dose_times, dose, t, conc_obs):
    """Repeated oral doses, first-order absorption/elimination (Bateman), log-normal error."""
    ka, ke, V, sigma = np.exp(log_params)
    C = np.zeros_like(t)
    for td in dose_times:
        tau = t - td
        contrib = dose * ka / (V * (ka - ke)) * (np.exp(-ke * tau) - np.exp(-ka * tau))
        C = C + np.where(tau > 0, contrib, 0.0)
    resid = np.log(conc_obs) - np.log(C)
    return np.sum(0.5 * (resid / sigma) ** 2 + np.log(sigma))


def pk_inputs(rng):
    t = np.array([0.5, 1, 2, 4, 6, 8, 12.5, 13, 14, 16, 20, 24.5, 26, 30, 36])
    dose_times = np.array([0.0, 12.0, 24.0])
    ka, ke, V = 1.2, 0.15, 30.0
    C = np.zeros_like(t)
    for td in dose_times:
        tau = t - td
        C += np.where(tau > 0, 100 * ka / (V * (ka - ke)) * (np.exp(-ke * np.maximum(tau, 0)) - np.exp(-ka * np.maximum(tau, 0))), 0)
    conc = C * np.exp(0.1 * rng.standard_normal(len(t)))
    return dict(log_params=np.log([1.0, 0.12, 28.0, 0.15]), dose_times=dose_times, dose=100.0, t=t, conc_obs=conc)


# ------------------------------------------------------------------------------- finance
def american_put_binomial(sigma, r, S0=100.0, K=105.0, T=1.0, n_steps=60):
    """Cox–Ross–Rubinstein tree with early exercise."""
    dt = T / n_steps
    u = np.exp(sigma * np.sqrt(dt))
    d = 1 / u
    p = (np.exp(r * dt) - d) / (u - d)
    disc = np.exp(-r * dt)
    j = np.arange(n_steps + 1)
    S = S0 * u ** j * d ** (n_steps - j)
    V = np.maximum(K - S, 0.0)
    for i in range(n_steps - 1, -1, -1):
        j = np.arange(i + 1)
        S = S0 * u ** j * d ** (i - j)
        cont = disc * (p * V[1:] + (1 - p) * V[:-1])
        V = np.maximum(K - S, cont)
    return V[0]


def binomial_inputs(rng):
    return dict(sigma=0.25 + 0.01 * rng.random(), r=0.03 + 0.001 * rng.random())


def risk_parity(logits, cov):
    """Equal risk contribution: squared pairwise differences of the risk contributions."""
    w = np.exp(logits) / np.sum(np.exp(logits))
    sigma_p = np.sqrt(w @ cov @ w)
    rc = w * (cov @ w) / sigma_p
    n = len(w)
    return sum((rc[i] - rc[j]) ** 2 for i in range(n) for j in range(i + 1, n))


def risk_parity_inputs(rng):
    A = rng.standard_normal((6, 6))
    vols = np.array([0.1, 0.15, 0.2, 0.25, 0.12, 0.3])
    corr = A @ A.T + 6 * np.eye(6)
    d = np.sqrt(np.diag(corr))
    corr = corr / np.outer(d, d)
    return dict(logits=0.2 * rng.standard_normal(6), cov=corr * np.outer(vols, vols))


# ------------------------------------------------------------------------ paired comparisons
def bradley_terry_davidson(skills, home, log_nu, home_idx, away_idx, outcome):
    """Davidson's tie-aware Bradley–Terry with home advantage; outcome 1 home win, 0 away win, 0.5 draw."""
    nu = np.exp(log_nu)
    a = np.exp(skills[home_idx] + home)
    b = np.exp(skills[away_idx])
    tie = nu * np.sqrt(a * b)
    denom = a + b + tie
    ll = np.where(outcome == 1, np.log(a / denom), np.where(outcome == 0, np.log(b / denom), np.log(tie / denom)))
    # skills are identified only up to a constant: pin their mean with a weak prior
    return -np.sum(ll) + 0.5 * np.sum(skills ** 2) + 10.0 * np.mean(skills) ** 2


def bt_inputs(rng):
    n_teams, n_games = 8, 60
    home_idx = rng.integers(0, n_teams, n_games)
    away_idx = (home_idx + rng.integers(1, n_teams, n_games)) % n_teams
    u = rng.random(n_games)
    outcome = np.where(u < 0.45, 1.0, np.where(u < 0.8, 0.0, 0.5))
    return dict(skills=0.3 * rng.standard_normal(n_teams), home=0.2, log_nu=-0.5,
                home_idx=home_idx, away_idx=away_idx, outcome=outcome)


# ----------------------------------------------------------------------------- epidemics
def sir_poisson_nll(log_beta, log_gamma, cases, N=10000.0, I0=10.0, dt=0.25):
    """SIR integrated with Heun's method (RK2); daily new infections Poisson-distributed."""
    beta, gamma = np.exp(log_beta), np.exp(log_gamma)

    def rhs(s, i):
        new_inf = beta * s * i / N
        return -new_inf, new_inf - gamma * i

    S, I = N - I0, I0
    steps_per_day = int(1 / dt)
    nll = 0.0
    for day in range(len(cases)):
        S_start = S
        for _ in range(steps_per_day):
            dS1, dI1 = rhs(S, I)
            dS2, dI2 = rhs(S + dt * dS1, I + dt * dI1)
            S = S + 0.5 * dt * (dS1 + dS2)
            I = I + 0.5 * dt * (dI1 + dI2)
        lam = S_start - S
        nll += lam - cases[day] * np.log(lam) + gammaln(cases[day] + 1)
    return nll


def sir_inputs(rng):
    cases = rng.poisson(np.array([4, 6, 8, 11, 15, 20, 26, 34, 44, 56, 70, 86, 103, 120, 135, 146, 150, 148]))
    return dict(log_beta=np.log(0.45), log_gamma=np.log(0.15), cases=cases.astype(float))


# ------------------------------------------------------------------------- heat kernel
def heat_kernel_smoothing(log_t, signal, L, noisy):
    """Diffuse a signal on a graph by exp(-t L) and match a noisy observation."""
    H = scipy.linalg.expm(-np.exp(log_t) * L)
    smoothed = H @ signal
    return np.sum((smoothed - noisy) ** 2)


def heat_kernel_inputs(rng):
    n = 10
    A = np.zeros((n, n))
    for i in range(n):
        A[i, (i + 1) % n] = A[(i + 1) % n, i] = 1.0
    A[0, 5] = A[5, 0] = 1.0
    L = np.diag(A.sum(axis=1)) - A
    return dict(log_t=np.log(0.4), signal=rng.standard_normal(n), L=L, noisy=rng.standard_normal(n))


# ---------------------------------------------------------------------------- sparse coding
def soft_threshold(x, t):
    return np.sign(x) * np.maximum(np.abs(x) - t, 0.0)


def ista_dictionary(D, X, lam=0.1, n_iter=30):
    """Unrolled ISTA sparse codes; reconstruction loss as a function of the dictionary."""
    D = D / np.linalg.norm(D, axis=0)
    step = 1.0 / np.linalg.norm(D, 2) ** 2
    Z = np.zeros((D.shape[1], X.shape[1]))
    for _ in range(n_iter):
        Z = soft_threshold(Z - step * D.T @ (D @ Z - X), step * lam)
    return 0.5 * np.sum((D @ Z - X) ** 2) + lam * np.sum(np.abs(Z))


def ista_inputs(rng):
    return dict(D=rng.standard_normal((8, 12)), X=rng.standard_normal((8, 6)))


# ---------------------------------------------------------------------------- clustering
def soft_kmeans(C, X, temperature=0.5):
    d2 = ((X[:, None, :] - C[None, :, :]) ** 2).sum(-1)
    soft_min = -temperature * logsumexp(-d2 / temperature, axis=1)
    return soft_min.mean()


def kmeans_inputs(rng):
    centers = np.array([[0, 0], [3, 0], [0, 3], [3, 3.0]])
    X = np.concatenate([c + 0.5 * rng.standard_normal((15, 2)) for c in centers])
    return dict(C=centers + 0.5 * rng.standard_normal((4, 2)), X=X)


def gmm_em_q(logits, means, chol_params, X, resp):
    """EM's expected complete-data log-likelihood Q(θ; θ_old), responsibilities given, one component at a time."""
    K, d = means.shape
    log_w = logits - logsumexp(logits)
    tril = np.tril_indices(d)
    Q = 0.0
    for k in range(K):
        L = np.zeros((d, d))
        L[tril] = chol_params[k]
        L[np.diag_indices(d)] = np.exp(np.diag(L))
        Sigma = L @ L.T
        diff = X - means[k]
        maha = np.sum(diff * np.linalg.solve(Sigma, diff.T).T, axis=1)
        logdet = 2 * np.sum(np.log(np.diag(L)))
        log_pdf = -0.5 * (maha + logdet + d * np.log(2 * np.pi))
        Q += np.sum(resp[:, k] * (log_w[k] + log_pdf))
    return -Q


def gmm_em_inputs(rng):
    K, d, n = 3, 2, 40
    X = np.concatenate([rng.standard_normal((14, d)) + [0, 0], rng.standard_normal((13, d)) + [4, 0],
                        rng.standard_normal((13, d)) + [0, 4]])
    r = rng.random((n, K)) + 0.1
    return dict(logits=0.1 * rng.standard_normal(K), means=np.array([[0.2, 0.1], [3.8, 0.2], [0.1, 3.9]]),
                chol_params=0.1 * rng.standard_normal((K, d * (d + 1) // 2)), X=X, resp=r / r.sum(axis=1, keepdims=True))


def mdn_nll(W1, b1, W2, b2, x, y, n_comp=3):
    """Mixture density network: x -> (mixture logits, means, log scales) of a 1-D Gaussian mixture."""
    h = np.tanh(np.outer(x, W1) + b1)
    out = h @ W2 + b2
    logit_pi, mu, log_s = np.split(out, 3, axis=1)
    log_pi = logit_pi - logsumexp(logit_pi, axis=1, keepdims=True)
    z = (y[:, None] - mu) / np.exp(log_s)
    log_comp = -0.5 * z ** 2 - log_s - 0.5 * np.log(2 * np.pi)
    return -np.mean(logsumexp(log_pi + log_comp, axis=1))


def mdn_inputs(rng):
    x = rng.uniform(-1, 1, 40)
    y = np.where(rng.random(40) < 0.5, np.sin(3 * x), -np.sin(3 * x)) + 0.1 * rng.standard_normal(40)
    return dict(W1=rng.standard_normal(10), b1=0.1 * rng.standard_normal(10), W2=0.3 * rng.standard_normal((10, 9)),
                b2=np.zeros(9), x=x, y=y)


# ------------------------------------------------------------------------- Kalman smoother
def rts_smoother_loss(log_q, log_r, obs, truth, dt=0.5):
    """Constant-velocity Kalman filter + Rauch–Tung–Striebel smoother; loss on smoothed positions."""
    q, r = np.exp(log_q), np.exp(log_r)
    F = np.array([[1.0, dt], [0.0, 1.0]])
    H = np.array([[1.0, 0.0]])
    Q = q * np.array([[dt ** 3 / 3, dt ** 2 / 2], [dt ** 2 / 2, dt]])
    R = np.array([[r]])
    x = np.array([obs[0], 0.0])
    P = np.eye(2)
    xs_f, Ps_f, xs_p, Ps_p = [], [], [], []
    for z in obs:
        xp = F @ x
        Pp = F @ P @ F.T + Q
        S = H @ Pp @ H.T + R
        Kg = Pp @ H.T @ np.linalg.inv(S)
        x = xp + (Kg @ (np.array([z]) - H @ xp)).ravel()
        P = (np.eye(2) - Kg @ H) @ Pp
        xs_p.append(xp)
        Ps_p.append(Pp)
        xs_f.append(x)
        Ps_f.append(P)
    xs = [None] * len(obs)
    xs[-1] = xs_f[-1]
    for k in reversed(range(len(obs) - 1)):
        C = Ps_f[k] @ F.T @ np.linalg.inv(Ps_p[k + 1])
        xs[k] = xs_f[k] + C @ (xs[k + 1] - xs_p[k + 1])
    pos = np.array([s[0] for s in xs])
    return np.mean((pos - truth) ** 2)


def rts_inputs(rng):
    t = np.arange(20) * 0.5
    truth = 2 * np.sin(0.3 * t) + 0.2 * t
    return dict(log_q=np.log(0.1), log_r=np.log(0.5), obs=truth + 0.6 * rng.standard_normal(20), truth=truth)


# ---------------------------------------------------------------------- cross-validation
def ridge_cv_error(log_lam, feat_scale, X, y, n_folds=5, seed=0):
    """k-fold cross-validated ridge error as a function of the regularisation and a feature rescaling."""
    Xs = X * feat_scale
    n, p = Xs.shape
    perm = np.random.default_rng(seed).permutation(n)
    folds = np.array_split(perm, n_folds)
    err = 0.0
    for test_idx in folds:
        train = np.ones(n, dtype=bool)
        train[test_idx] = False
        Xtr, ytr = Xs[train], y[train]
        w = np.linalg.solve(Xtr.T @ Xtr + np.exp(log_lam) * np.eye(p), Xtr.T @ ytr)
        err += np.sum((Xs[test_idx] @ w - y[test_idx]) ** 2)
    return err / n


def ridge_cv_inputs(rng):
    X = rng.standard_normal((30, 6))
    y = X @ np.array([1.0, -0.5, 0.0, 0.3, 0.0, 2.0]) + 0.5 * rng.standard_normal(30)
    return dict(log_lam=0.0, feat_scale=1.0 + 0.1 * rng.standard_normal(6), X=X, y=y)


# ----------------------------------------------------------------- contact / collisions
def bouncing_springs(k, v0, x0, masses, target, wall=1.0, dt=0.01, n_steps=150, restitution=0.9):
    """Masses on springs in a box [-wall, wall]; wall collisions reflect position and velocity."""
    x, v = x0.copy(), v0.copy()
    for _ in range(n_steps):
        stretch = np.diff(x) - 0.3
        f = np.zeros_like(x)
        f[:-1] += k * stretch
        f[1:] -= k * stretch
        v = v + dt * f / masses
        x = x + dt * v
        hit_hi = x > wall
        hit_lo = x < -wall
        x = np.where(hit_hi, 2 * wall - x, np.where(hit_lo, -2 * wall - x, x))
        v = np.where(hit_hi | hit_lo, -restitution * v, v)
    return np.sum((x - target) ** 2)


def bouncing_inputs(rng):
    x0 = np.array([-0.6, -0.3, 0.0, 0.3, 0.6])
    return dict(k=np.array([8.0, 10.0, 12.0, 9.0]), v0=np.array([1.5, -0.5, 2.0, 1.0, 3.0]) + 0.1 * rng.standard_normal(5),
                x0=x0, masses=np.array([1.0, 1.2, 0.8, 1.0, 0.9]), target=np.array([-0.5, -0.2, 0.1, 0.4, 0.7]))


# ---------------------------------------------------------------------------------- meshes
def mesh_energy(verts, faces, rest_verts, k_area=1.0, k_edge=0.5):
    """Membrane energy of a triangle mesh: area preservation per face plus edge springs."""
    def areas(V):
        a, b, c = V[faces[:, 0]], V[faces[:, 1]], V[faces[:, 2]]
        return 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)

    edges = np.concatenate([faces[:, [0, 1]], faces[:, [1, 2]], faces[:, [2, 0]]])
    edges = np.unique(np.sort(edges, axis=1), axis=0)
    length = np.linalg.norm(verts[edges[:, 0]] - verts[edges[:, 1]], axis=1)
    rest_length = np.linalg.norm(rest_verts[edges[:, 0]] - rest_verts[edges[:, 1]], axis=1)
    e_area = k_area * np.sum((areas(verts) - areas(rest_verts)) ** 2)
    e_edge = k_edge * np.sum((length - rest_length) ** 2)
    return e_area + e_edge


def mesh_inputs(rng):
    gx, gy = np.meshgrid(np.arange(3.0), np.arange(3.0))
    rest = np.column_stack([gx.ravel(), gy.ravel(), np.zeros(9)])
    faces = []
    for i in range(2):
        for j in range(2):
            v = i * 3 + j
            faces += [[v, v + 1, v + 4], [v, v + 4, v + 3]]
    return dict(verts=rest + 0.1 * rng.standard_normal((9, 3)), faces=np.array(faces), rest_verts=rest)


# ------------------------------------------------------------------------ optimal transport
def sliced_wasserstein(A, b, Z, data, directions):
    """Fit an affine generator x = A z + b to data by the sliced 2-Wasserstein distance."""
    gen = Z @ A.T + b
    total = 0.0
    for theta in directions:
        theta = theta / np.linalg.norm(theta)
        p_gen = np.sort(gen @ theta)
        p_dat = np.sort(data @ theta)
        total += np.mean((p_gen - p_dat) ** 2)
    return total / len(directions)


def sliced_inputs(rng):
    Z = rng.standard_normal((40, 2))
    data = rng.standard_normal((40, 2)) @ np.array([[1.5, 0.3], [0.0, 0.5]]) + [1.0, -1.0]
    return dict(A=np.eye(2) + 0.1 * rng.standard_normal((2, 2)), b=0.1 * rng.standard_normal(2), Z=Z, data=data,
                directions=rng.standard_normal((8, 2)))


PROGRAMS = [
    dict(name="planar_arm_fk", f=planar_arm_fk, inputs=arm_inputs, wrt=("theta", "lengths")),
    dict(name="camera_calibration", f=camera_calibration, inputs=calibration_inputs, wrt=("intr", "rvecs", "tvecs")),
    dict(name="gp_matern52_cdist", f=gp_matern52_nll, inputs=matern_inputs, wrt=("log_ls", "log_sf", "log_noise")),
    dict(name="poisson_blend", f=poisson_blend, inputs=poisson_inputs, wrt=("u",)),
    dict(name="horn_schunck", f=horn_schunck, inputs=horn_schunck_inputs, wrt=("U", "V")),
    dict(name="smoothing_spline_interp", f=smoothing_spline, inputs=spline_smoothing_inputs, wrt=("f",)),
    dict(name="bayes_linreg_evidence", f=bayes_linreg_evidence, inputs=evidence_inputs, wrt=("log_alpha", "log_beta")),
    dict(name="l1_logistic_smooth_abs", f=l1_logistic, inputs=l1_logistic_inputs, wrt=("w", "b")),
    dict(name="neural_ode_rk4", f=neural_ode, inputs=neural_ode_inputs, wrt=("W1", "b1", "W2")),
    dict(name="rnn_lm_onehot", f=rnn_lm_loss, inputs=rnn_lm_inputs, wrt=("Wxh", "Whh", "Why")),
    dict(name="transformer_block", f=transformer_block, inputs=transformer_inputs,
         wrt=("Wq", "Wk", "Wv", "Wo", "W1", "W2")),
    dict(name="graph_laplacian_loops", f=graph_laplacian_smoothing, inputs=laplacian_inputs, wrt=("x", "log_w")),
    dict(name="pagerank_masked_softmax", f=pagerank_loss, inputs=pagerank_inputs, wrt=("logits",)),
    dict(name="ising_mean_field_while", f=ising_mean_field_free_energy, inputs=ising_mf_inputs, wrt=("J", "h")),
    dict(name="kinetics_euler_while", f=kinetics_euler, inputs=kinetics_inputs, wrt=("log_k", "c0")),
    dict(name="pk_oral_multidose", f=pk_one_compartment_oral, inputs=pk_inputs, wrt=("log_params",)),
    dict(name="american_put_binomial", f=american_put_binomial, inputs=binomial_inputs, wrt=("sigma", "r")),
    dict(name="risk_parity_pairs", f=risk_parity, inputs=risk_parity_inputs, wrt=("logits",)),
    dict(name="bradley_terry_davidson", f=bradley_terry_davidson, inputs=bt_inputs, wrt=("skills", "home", "log_nu")),
    dict(name="sir_heun_poisson", f=sir_poisson_nll, inputs=sir_inputs, wrt=("log_beta", "log_gamma")),
    dict(name="heat_kernel_expm", f=heat_kernel_smoothing, inputs=heat_kernel_inputs, wrt=("log_t", "signal")),
    dict(name="ista_unrolled", f=ista_dictionary, inputs=ista_inputs, wrt=("D",)),
    dict(name="soft_kmeans", f=soft_kmeans, inputs=kmeans_inputs, wrt=("C",)),
    dict(name="gmm_em_q_loops", f=gmm_em_q, inputs=gmm_em_inputs, wrt=("logits", "means", "chol_params")),
    dict(name="mixture_density_network", f=mdn_nll, inputs=mdn_inputs, wrt=("W1", "b1", "W2", "b2")),
    dict(name="rts_smoother", f=rts_smoother_loss, inputs=rts_inputs, wrt=("log_q", "log_r")),
    dict(name="ridge_cv_folds", f=ridge_cv_error, inputs=ridge_cv_inputs, wrt=("log_lam", "feat_scale")),
    dict(name="bouncing_springs_where", f=bouncing_springs, inputs=bouncing_inputs, wrt=("k", "v0")),
    dict(name="mesh_membrane_energy", f=mesh_energy, inputs=mesh_inputs, wrt=("verts",)),
    dict(name="sliced_wasserstein_sort", f=sliced_wasserstein, inputs=sliced_inputs, wrt=("A", "b")),
]
