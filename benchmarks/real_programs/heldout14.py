"""Fourteenth held-out set: twenty-five programs written without running adjit on them, in domains the other
modules do not cover, the way research code and course notes write them: Stan-style unconstraining transforms
with log-Jacobians built by in-place writes, lists of per-link dicts in a recursive Newton-Euler pass, entropic
Gromov-Wasserstein with log-domain Sinkhorn, clustered frailty likelihoods over np.unique groups, a plucked
string whose delay line is indexed by int(delay) of a differentiated delay, force-density form finding with an
incidence matrix filled from an edge list, V-trace returns, FISTA with block soft-thresholding over ragged
groups, a coalescent skyline with an int lineage counter, a Glow flow with LU 1x1 convolutions, an ensemble
Kalman filter on Lorenz-63, a PINN whose derivatives are propagated by hand, a selective state-space scan, a
Sampson epipolar error, a trinomial Bermudan lattice, an MPNN with per-edge matrices, a Hess-Smith panel method,
NeRF volume rendering with cumprod transmittance, linear blend skinning over a joint tree, Vasicek large-pool
CDO tranches, Ewald sums with complex structure factors, MaxEnt species distributions with hinge features,
prototypical networks over episodes, rotary grouped-query attention, and an NLMS echo canceller.
"""
import numpy as np
from scipy.spatial.distance import cdist
from scipy.special import erfc, expit, gammaln, log_softmax, logsumexp, softmax
from scipy.stats import multivariate_normal, norm


# ----------------------------------------------- Bayesian: Stan-style LKJ transform for varying slopes
def unconstrain_slices(sizes):
    out, start = {}, 0
    for name, size in sizes.items():
        out[name] = slice(start, start + size)
        start += size
    return out


def lkj_corr_cholesky(y, K):
    """Stan's cholesky_corr transform: canonical partial correlations z = tanh(y), rows on the unit sphere."""
    z = np.tanh(y)
    L = np.zeros((K, K))
    L[0, 0] = 1.0
    log_jac = np.sum(np.log1p(-z ** 2))
    k = 0
    for i in range(1, K):
        sum_sq = 0.0
        for j in range(i):
            L[i, j] = z[k] * np.sqrt(1.0 - sum_sq)
            log_jac += 0.5 * np.log(1.0 - sum_sq)
            sum_sq += L[i, j] ** 2
            k += 1
        L[i, i] = np.sqrt(1.0 - sum_sq)
    return L, log_jac


def varying_slopes_neg_logdensity(theta, x, y, group, sizes, eta=2.0):
    sl = unconstrain_slices(sizes)
    p = {name: theta[s] for name, s in sl.items()}
    K = len(p["mu"])
    tau = np.exp(p["log_tau"])
    sigma = np.exp(p["log_sigma"][0])
    L, log_jac = lkj_corr_cholesky(p["corr"], K)
    Z = p["z"].reshape(-1, K)
    coefs = p["mu"] + (Z @ L.T) * tau
    X = np.stack([np.ones_like(x), x, x ** 2], axis=1)
    pred = np.sum(X * coefs[group], axis=1)
    lp = -len(y) * np.log(sigma) - 0.5 * np.sum((y - pred) ** 2) / sigma ** 2
    lp += -0.5 * np.sum(Z ** 2) - 0.5 * np.sum(p["mu"] ** 2) / 10.0 ** 2
    lp += np.sum(-np.log1p((tau / 2.5) ** 2)) + np.sum(p["log_tau"])
    lp += -np.log1p(sigma ** 2) + np.log(sigma)
    for i in range(1, K):
        lp += (K - i - 1 + 2.0 * (eta - 1.0)) * np.log(L[i, i])
    return -(lp + log_jac)


def varying_slopes_inputs(rng):
    J, K, n = 6, 3, 60
    group = rng.integers(0, J, n)
    x = rng.uniform(-1, 1, n)
    true = np.array([1.0, -0.5, 0.3]) + 0.4 * rng.standard_normal((J, K))
    y = np.sum(np.stack([np.ones(n), x, x ** 2], axis=1) * true[group], axis=1) + 0.2 * rng.standard_normal(n)
    sizes = {"mu": K, "log_tau": K, "log_sigma": 1, "corr": K * (K - 1) // 2, "z": J * K}
    theta = 0.3 * rng.standard_normal(sum(sizes.values()))
    return dict(theta=theta, x=x, y=y, group=group, sizes=sizes)


# ----------------------------------------------- robotics: recursive Newton-Euler inverse dynamics
def rot_x(a):
    c, s = np.cos(a), np.sin(a)
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def rot_z(q):
    c, s = np.cos(q), np.sin(q)
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def rnea(q, qd, qdd, links, gravity=9.81):
    n = len(q)
    z = np.array([0.0, 0.0, 1.0])
    w, wd, vd = np.zeros(3), np.zeros(3), np.array([0.0, 0.0, gravity])
    Rs, Fs, Ns = [], [], []
    for i in range(n):
        lk = links[i]
        R = rot_x(lk["alpha"]) @ rot_z(q[i])
        Rt = R.T
        p = lk["offset"]
        vd = Rt @ (np.cross(wd, p) + np.cross(w, np.cross(w, p)) + vd)
        wd = Rt @ wd + np.cross(Rt @ w, qd[i] * z) + qdd[i] * z
        w = Rt @ w + qd[i] * z
        c = lk["com"]
        vcd = np.cross(wd, c) + np.cross(w, np.cross(w, c)) + vd
        I = lk["inertia"]
        Fs.append(lk["mass"] * vcd)
        Ns.append(I @ wd + np.cross(w, I @ w))
        Rs.append(R)
    tau = np.zeros(n)
    f, nt = np.zeros(3), np.zeros(3)
    for i in reversed(range(n)):
        if i + 1 < n:
            f_child = Rs[i + 1] @ f
            nt = Ns[i] + Rs[i + 1] @ nt + np.cross(links[i]["com"], Fs[i]) + np.cross(links[i + 1]["offset"], f_child)
            f = f_child + Fs[i]
        else:
            nt = Ns[i] + np.cross(links[i]["com"], Fs[i])
            f = Fs[i]
        tau[i] = nt[2]
    return tau


def rnea_identification_loss(log_mass, com, q, qd, qdd, tau_meas, alphas, offsets, inertia_diag):
    links = [dict(alpha=alphas[i], offset=offsets[i], com=com[i], mass=np.exp(log_mass[i]),
                  inertia=np.diag(inertia_diag[i])) for i in range(len(alphas))]
    loss = 0.0
    for t in range(q.shape[0]):
        tau = rnea(q[t], qd[t], qdd[t], links)
        loss += np.sum((tau - tau_meas[t]) ** 2)
    return loss / q.shape[0]


def rnea_inputs(rng):
    n, T = 3, 12
    alphas = np.array([0.0, np.pi / 2, 0.0])
    offsets = np.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.3], [0.5, 0.0, 0.0]])
    inertia_diag = np.array([[0.02, 0.02, 0.01], [0.05, 0.05, 0.01], [0.03, 0.03, 0.005]])
    t = np.linspace(0, 1, T)
    q = np.stack([0.5 * np.sin(2 * t + k) for k in range(n)], axis=1)
    qd = np.stack([np.cos(2 * t + k) for k in range(n)], axis=1)
    qdd = np.stack([-2 * np.sin(2 * t + k) for k in range(n)], axis=1)
    true_links = [dict(alpha=alphas[i], offset=offsets[i], com=np.array([0.2, 0.0, 0.0]) * (i + 1),
                       mass=[2.0, 1.5, 1.0][i], inertia=np.diag(inertia_diag[i])) for i in range(n)]
    tau_meas = np.array([rnea(q[k], qd[k], qdd[k], true_links) for k in range(T)]) + 0.01 * rng.standard_normal((T, n))
    return dict(log_mass=np.log([1.5, 1.2, 1.3]), com=0.15 * rng.standard_normal((n, 3)), q=q, qd=qd, qdd=qdd,
                tau_meas=tau_meas, alphas=alphas, offsets=offsets, inertia_diag=inertia_diag)


# ----------------------------------------------- optimal transport: entropic Gromov-Wasserstein
def sinkhorn_log(p, q, M, eps, n_iter=30):
    f, g = np.zeros(len(p)), np.zeros(len(q))
    for _ in range(n_iter):
        f = eps * np.log(p) - eps * logsumexp((g[None, :] - M) / eps, axis=1)
        g = eps * np.log(q) - eps * logsumexp((f[:, None] - M) / eps, axis=0)
    return np.exp((f[:, None] + g[None, :] - M) / eps)


def gromov_wasserstein_loss(X, Y, eps=0.05, outer=5):
    C1 = cdist(X, X, "sqeuclidean")
    C2 = cdist(Y, Y, "sqeuclidean")
    C1 = C1 / C1.max()
    C2 = C2 / C2.max()
    n, m = len(X), len(Y)
    p, q = np.full(n, 1.0 / n), np.full(m, 1.0 / m)
    const = np.outer((C1 ** 2) @ p, np.ones(m)) + np.outer(np.ones(n), (C2 ** 2) @ q)
    T = np.outer(p, q)
    for _ in range(outer):
        tens = const - 2.0 * C1 @ T @ C2.T
        T = sinkhorn_log(p, q, tens, eps)
    tens = const - 2.0 * C1 @ T @ C2.T
    return np.sum(tens * T)


def gw_inputs(rng):
    ang = np.linspace(0, 2 * np.pi, 7, endpoint=False)
    Y = np.stack([np.cos(ang), np.sin(ang), 0.3 * np.cos(2 * ang)], axis=1)
    return dict(X=rng.standard_normal((8, 2)), Y=Y)


# ----------------------------------------------- survival: shared gamma frailty with a Weibull baseline
def frailty_nll(beta, log_k, log_lam, log_theta, t, event, X, cluster):
    k, lam, theta = np.exp(log_k), np.exp(log_lam), np.exp(log_theta)
    eta = X @ beta
    log_h = np.log(k) - np.log(lam) + (k - 1) * np.log(t / lam) + eta
    H = (t / lam) ** k * np.exp(eta)
    ll = 0.0
    for j in np.unique(cluster):
        m = cluster == j
        d = event[m].sum()
        ll += np.sum(event[m] * log_h[m])
        ll += gammaln(1 / theta + d) - gammaln(1 / theta) + d * np.log(theta)
        ll -= (1 / theta + d) * np.log1p(theta * H[m].sum())
    return -ll


def frailty_inputs(rng):
    n, n_clusters = 80, 12
    cluster = rng.integers(0, n_clusters, n)
    X = rng.standard_normal((n, 2))
    u = rng.gamma(2.0, 0.5, n_clusters)
    t_event = 2.0 * (-np.log(rng.uniform(size=n)) / (u[cluster] * np.exp(X @ np.array([0.5, -0.3])))) ** (1 / 1.5)
    c = rng.uniform(0.5, 4.0, n)
    return dict(beta=np.array([0.2, 0.0]), log_k=0.2, log_lam=0.5, log_theta=-0.5, t=np.minimum(t_event, c),
                event=(t_event <= c).astype(float), X=X, cluster=cluster)


# ----------------------------------------------- audio DSP: Karplus-Strong with a fractional delay
def pluck(delay, rho, brightness, excitation, n_samples):
    L = int(delay)
    frac = delay - L
    y = np.zeros(n_samples)
    y[:len(excitation)] = excitation
    s_prev = 0.0
    for n in range(L + 1, n_samples):
        s = (1.0 - frac) * y[n - L] + frac * y[n - L - 1]
        y[n] += rho * (brightness * s + (1.0 - brightness) * s_prev)
        s_prev = s
    return y


def log_spectrum(y):
    Y = np.fft.rfft(y * np.hanning(len(y)))
    return np.log(np.abs(Y) ** 2 + 1e-8)


def karplus_strong_fit(delay, rho, brightness, excitation, target_logspec, n_samples=256):
    spec = log_spectrum(pluck(delay, rho, brightness, excitation, n_samples))
    return np.mean((spec - target_logspec) ** 2)


def karplus_inputs(rng):
    excitation = rng.uniform(-1, 1, 24)
    target = log_spectrum(pluck(20.6, 0.97, 0.6, excitation, 256))
    return dict(delay=20.37, rho=0.95, brightness=0.5, excitation=excitation, target_logspec=target)


# ----------------------------------------------- structures: force-density form finding of a cable net
def form_find(log_q, edges, n_nodes, fixed, xyz_fixed, loads):
    q = np.exp(log_q)
    C = np.zeros((len(edges), n_nodes))
    for e, (i, j) in enumerate(edges):
        C[e, i] = 1.0
        C[e, j] = -1.0
    free = np.setdiff1d(np.arange(n_nodes), fixed)
    Cf, Cx = C[:, free], C[:, fixed]
    Q = np.diag(q)
    D = Cf.T @ Q @ Cf
    rhs = loads[free] - Cf.T @ Q @ Cx @ xyz_fixed
    xyz = np.zeros((n_nodes, 3))
    xyz[fixed] = xyz_fixed
    xyz[free] = np.linalg.solve(D, rhs)
    return xyz, C


def cable_net_loss(log_q, target_z, edges, n_nodes, fixed, xyz_fixed, loads):
    xyz, C = form_find(log_q, edges, n_nodes, fixed, xyz_fixed, loads)
    lengths = np.linalg.norm(C @ xyz, axis=1)
    forces = np.exp(log_q) * lengths
    return np.sum((xyz[:, 2] - target_z) ** 2) + 1e-3 * np.var(forces)


def cable_net_inputs(rng):
    n = 5
    idx = np.arange(n * n).reshape(n, n)
    edges = np.array([(idx[i, j], idx[i, j + 1]) for i in range(n) for j in range(n - 1)]
                     + [(idx[i, j], idx[i + 1, j]) for i in range(n - 1) for j in range(n)])
    gx, gy = np.meshgrid(np.linspace(0, 1, n), np.linspace(0, 1, n))
    boundary = (gx == 0) | (gx == 1) | (gy == 0) | (gy == 1)
    fixed = np.flatnonzero(boundary.ravel())
    xyz_fixed = np.stack([gx.ravel(), gy.ravel(), 0.2 * np.sin(np.pi * gx.ravel()) * (gy.ravel() > 0.5)], axis=1)[fixed]
    loads = np.zeros((n * n, 3))
    loads[:, 2] = -0.05
    target_z = -0.1 * np.sin(np.pi * gx.ravel()) * np.sin(np.pi * gy.ravel())
    return dict(log_q=0.2 * rng.standard_normal(len(edges)), target_z=target_z, edges=edges, n_nodes=n * n,
                fixed=fixed, xyz_fixed=xyz_fixed, loads=loads)


# ----------------------------------------------- reinforcement learning: IMPALA's V-trace targets
def vtrace(behaviour_logp, target_logp, rewards, values, bootstrap, discounts, rho_bar=1.0, c_bar=1.0):
    rhos = np.exp(target_logp - behaviour_logp)
    clipped_rho = np.minimum(rho_bar, rhos)
    cs = np.minimum(c_bar, rhos)
    values_next = np.append(values[1:], bootstrap)
    deltas = clipped_rho * (rewards + discounts * values_next - values)
    acc = 0.0
    vs_minus_v = np.zeros_like(values)
    for t in reversed(range(len(rewards))):
        acc = deltas[t] + discounts[t] * cs[t] * acc
        vs_minus_v[t] = acc
    vs = vs_minus_v + values
    pg_adv = clipped_rho * (rewards + discounts * np.append(vs[1:], bootstrap) - values)
    return vs, pg_adv


def impala_loss(W_pi, w_v, obs, actions, rewards, dones, behaviour_logp, gamma=0.97, c_baseline=0.5, c_ent=0.01):
    logits = obs @ W_pi
    logp_all = logits - logsumexp(logits, axis=1, keepdims=True)
    target_logp = logp_all[np.arange(len(actions)), actions]
    values = obs @ w_v
    discounts = gamma * (1.0 - dones)
    vs, pg_adv = vtrace(behaviour_logp, target_logp, rewards, values[:-1], values[-1], discounts)
    pg_loss = -np.sum(pg_adv * target_logp)
    baseline_loss = 0.5 * np.sum((vs - values[:-1]) ** 2)
    entropy = -np.sum(np.exp(logp_all) * logp_all)
    return pg_loss + c_baseline * baseline_loss - c_ent * entropy


def impala_inputs(rng):
    T, d, n_act = 40, 4, 3
    obs = rng.standard_normal((T + 1, d))
    W_b = 0.4 * rng.standard_normal((d, n_act))
    logits = obs[:-1] @ W_b
    p = softmax(logits, axis=1)
    actions = np.array([rng.choice(n_act, p=pi) for pi in p])
    dones = (rng.uniform(size=T) < 0.05).astype(float)
    return dict(W_pi=W_b + 0.3 * rng.standard_normal((d, n_act)), w_v=0.1 * rng.standard_normal(d), obs=obs,
                actions=actions, rewards=rng.standard_normal(T), dones=dones,
                behaviour_logp=np.log(p[np.arange(T), actions]))


# ----------------------------------------------- sparse regression: group lasso by unrolled FISTA
def block_soft_threshold(v, t):
    norm_v = np.linalg.norm(v)
    if norm_v <= t:
        return np.zeros_like(v)
    return (1.0 - t / norm_v) * v


def group_lasso_fista(X, y, groups, lam, n_iter=40):
    n, p = X.shape
    step = n / np.linalg.norm(X, 2) ** 2
    w = np.zeros(p)
    z = w.copy()
    t = 1.0
    for it in range(n_iter):
        v = z - step * X.T @ (X @ z - y) / n
        w_new = np.zeros(p)
        for g in groups:
            w_new[g] = block_soft_threshold(v[g], step * lam * np.sqrt(len(g)))
        t_new = (1.0 + np.sqrt(1.0 + 4.0 * t * t)) / 2.0
        z = w_new + (t - 1.0) / t_new * (w_new - w)
        w, t = w_new, t_new
    return w


def group_lasso_validation(log_lam, X_tr, y_tr, X_val, y_val, groups):
    w = group_lasso_fista(X_tr, y_tr, groups, np.exp(log_lam))
    return np.mean((X_val @ w - y_val) ** 2)


def group_lasso_inputs(rng):
    sizes = [3, 2, 4, 1, 2]
    groups = []
    start = 0
    for s in sizes:
        groups.append(np.arange(start, start + s))
        start += s
    p = start
    w_true = np.zeros(p)
    w_true[groups[0]] = [1.0, -0.5, 0.8]
    w_true[groups[2]] = [0.4, 0.3, -0.6, 0.2]
    X = rng.standard_normal((60, p))
    y = X @ w_true + 0.5 * rng.standard_normal(60)
    return dict(log_lam=np.log(0.15), X_tr=X[:40], y_tr=y[:40], X_val=X[40:], y_val=y[40:], groups=groups)


# ----------------------------------------------- population genetics: a heterochronous coalescent skyline
def skyline_log_posterior(log_ne, log_prec, event_times, event_is_sample, per_group):
    ne = np.exp(log_ne)
    lineages = 0
    n_coal = 0
    t_prev = 0.0
    ll = 0.0
    for i in range(len(event_times)):
        g = min(n_coal // per_group, len(ne) - 1)
        dt = event_times[i] - t_prev
        if lineages >= 2:
            ll -= lineages * (lineages - 1) / 2.0 / ne[g] * dt
        if event_is_sample[i]:
            lineages += 1
        else:
            ll += np.log(lineages * (lineages - 1) / 2.0 / ne[g])
            lineages -= 1
            n_coal += 1
        t_prev = event_times[i]
    prec = np.exp(log_prec)
    lp = 0.5 * (len(ne) - 1) * log_prec - 0.5 * prec * np.sum(np.diff(log_ne) ** 2)
    lp += log_prec - prec / 10.0
    return -(ll + lp)


def skyline_inputs(rng):
    sample_times = np.sort(np.concatenate([np.zeros(8), rng.uniform(0.0, 1.0, 6)]))
    events, active, t = [], 0, 0.0
    pending = list(sample_times)
    while pending or active > 1:
        rate = active * (active - 1) / 2.0 / (1.0 + t)
        wait = rng.exponential(1.0 / rate) if rate > 0 else np.inf
        if pending and pending[0] <= t + wait:
            t = pending.pop(0)
            events.append((t, True))
            active += 1
        else:
            t = t + wait
            events.append((t, False))
            active -= 1
    times = np.array([e[0] for e in events])
    is_sample = np.array([e[1] for e in events])
    return dict(log_ne=np.zeros(4), log_prec=1.0, event_times=times, event_is_sample=is_sample, per_group=4)


# ----------------------------------------------- normalizing flows: Glow with actnorm and LU 1x1 convolutions
def invconv_weight(P, L_raw, U_raw, log_s, sign_s):
    d = len(log_s)
    L = np.tril(L_raw, k=-1) + np.eye(d)
    U = np.triu(U_raw, k=1) + np.diag(sign_s * np.exp(log_s))
    return P @ L @ U


def affine_coupling(x, W1, b1, W2):
    half = x.shape[1] // 2
    xa, xb = x[:, :half], x[:, half:]
    st = np.tanh(xa @ W1 + b1) @ W2
    log_scale = np.tanh(st[:, :half])
    yb = xb * np.exp(log_scale) + st[:, half:]
    return np.concatenate([xa, yb], axis=1), np.sum(log_scale, axis=1)


def glow_nll(an_bias, an_logs, L_raw, U_raw, log_s, W1, b1, W2, x, perms, signs):
    z = x
    logdet = np.zeros(len(x))
    for k in range(len(an_bias)):
        z = (z + an_bias[k]) * np.exp(an_logs[k])
        logdet = logdet + np.sum(an_logs[k])
        W = invconv_weight(np.eye(x.shape[1])[perms[k]], L_raw[k], U_raw[k], log_s[k], signs[k])
        z = z @ W.T
        logdet = logdet + np.sum(log_s[k])
        z, ld = affine_coupling(z, W1[k], b1[k], W2[k])
        logdet = logdet + ld
    log_pz = np.sum(norm.logpdf(z), axis=1)
    return -np.mean(log_pz + logdet)


def glow_inputs(rng):
    K, d, h, n = 3, 4, 8, 64
    u = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([np.cos(u), np.sin(u), 0.5 * np.cos(2 * u), u / np.pi - 1], axis=1) + 0.05 * rng.standard_normal((n, d))
    return dict(an_bias=0.1 * rng.standard_normal((K, d)), an_logs=0.1 * rng.standard_normal((K, d)),
                L_raw=0.2 * rng.standard_normal((K, d, d)), U_raw=0.2 * rng.standard_normal((K, d, d)),
                log_s=0.1 * rng.standard_normal((K, d)), W1=0.3 * rng.standard_normal((K, d // 2, h)),
                b1=np.zeros((K, h)), W2=0.3 * rng.standard_normal((K, h, d)), x=x,
                perms=np.array([rng.permutation(d) for _ in range(K)]), signs=np.sign(rng.standard_normal((K, d))))


# ----------------------------------------------- data assimilation: ensemble Kalman filter on Lorenz-63
def lorenz63(X, p):
    s, r, b = p
    x, y, z = X[:, 0], X[:, 1], X[:, 2]
    return np.stack([s * (y - x), x * (r - z) - y, x * y - b * z], axis=1)


def rk4_step(X, p, dt):
    k1 = lorenz63(X, p)
    k2 = lorenz63(X + 0.5 * dt * k1, p)
    k3 = lorenz63(X + 0.5 * dt * k2, p)
    k4 = lorenz63(X + dt * k3, p)
    return X + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


def enkf_neg_loglik(log_params, X0, obs, obs_noise, H, R, dt=0.01, n_sub=5):
    p = np.exp(log_params)
    X = X0.copy()
    ll = 0.0
    for t in range(len(obs)):
        for _ in range(n_sub):
            X = rk4_step(X, p, dt)
        Y = X @ H.T
        y_mean = Y.mean(axis=0)
        S = np.cov(Y, rowvar=False) + R
        ll += multivariate_normal.logpdf(obs[t], mean=y_mean, cov=S)
        Pxy = (X - X.mean(axis=0)).T @ (Y - y_mean) / (len(X) - 1)
        K = Pxy @ np.linalg.inv(S)
        X = X + (obs[t] + obs_noise[t] - Y) @ K.T
    return -ll


def enkf_inputs(rng):
    N, T = 12, 15
    p_true = np.array([10.0, 28.0, 8.0 / 3.0])
    H = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    R = 0.5 * np.eye(2)
    x = np.array([[1.0, 1.0, 20.0]])
    obs = []
    for t in range(T):
        for _ in range(5):
            x = rk4_step(x, p_true, 0.01)
        obs.append(x[0] @ H.T + np.sqrt(0.5) * rng.standard_normal(2))
    X0 = np.array([1.0, 1.0, 20.0]) + rng.standard_normal((N, 3))
    return dict(log_params=np.log([9.0, 27.0, 2.5]), X0=X0, obs=np.array(obs),
                obs_noise=np.sqrt(0.5) * rng.standard_normal((T, N, 2)), H=H, R=R)


# ----------------------------------------------- physics-informed: viscous Burgers with hand-propagated derivatives
def mlp_with_derivatives(params, t, x):
    """u(t, x) and u_t, u_x, u_xx, pushed through the tanh layers by the chain rule."""
    h = np.stack([t, x], axis=1)
    h_t = np.tile([1.0, 0.0], (len(t), 1))
    h_x = np.tile([0.0, 1.0], (len(t), 1))
    h_xx = np.zeros_like(h)
    for l, (W, b) in enumerate(params):
        z = h @ W + b
        z_t, z_x, z_xx = h_t @ W, h_x @ W, h_xx @ W
        if l == len(params) - 1:
            return z[:, 0], z_t[:, 0], z_x[:, 0], z_xx[:, 0]
        a = np.tanh(z)
        da = 1.0 - a ** 2
        h, h_t, h_x, h_xx = a, da * z_t, da * z_x, -2.0 * a * da * z_x ** 2 + da * z_xx


def burgers_pinn_loss(W1, b1, W2, b2, W3, b3, t_col, x_col, x_init, t_bnd, nu=0.01 / np.pi):
    params = [(W1, b1), (W2, b2), (W3, b3)]
    u, u_t, u_x, u_xx = mlp_with_derivatives(params, t_col, x_col)
    residual = u_t + u * u_x - nu * u_xx
    u0, _, _, _ = mlp_with_derivatives(params, np.zeros_like(x_init), x_init)
    left, _, _, _ = mlp_with_derivatives(params, t_bnd, -np.ones_like(t_bnd))
    right, _, _, _ = mlp_with_derivatives(params, t_bnd, np.ones_like(t_bnd))
    return (np.mean(residual ** 2) + np.mean((u0 + np.sin(np.pi * x_init)) ** 2)
            + np.mean(left ** 2) + np.mean(right ** 2))


def burgers_inputs(rng):
    h = 10
    return dict(W1=rng.standard_normal((2, h)) / np.sqrt(2), b1=np.zeros(h), W2=rng.standard_normal((h, h)) / np.sqrt(h),
                b2=np.zeros(h), W3=rng.standard_normal((h, 1)) / np.sqrt(h), b3=np.zeros(1),
                t_col=rng.uniform(0, 1, 40), x_col=rng.uniform(-1, 1, 40), x_init=np.linspace(-1, 1, 15),
                t_bnd=np.linspace(0, 1, 8))


# ----------------------------------------------- sequence models: a selective state-space scan (Mamba-style)
def softplus(x):
    return np.logaddexp(0.0, x)


def selective_scan(u, A_log, W_delta, b_delta, W_B, W_C, D):
    A = -np.exp(A_log)
    h = np.zeros_like(A)
    ys = []
    for t in range(u.shape[0]):
        delta = softplus(u[t] @ W_delta + b_delta)
        B = u[t] @ W_B
        C = u[t] @ W_C
        h = np.exp(delta[:, None] * A) * h + (delta[:, None] * B[None, :]) * u[t][:, None]
        ys.append(h @ C + D * u[t])
    return np.array(ys)


def ssm_loss(A_log, W_delta, b_delta, W_B, W_C, D, u, target):
    y = selective_scan(u, A_log, W_delta, b_delta, W_B, W_C, D)
    return np.mean((y - target) ** 2)


def ssm_inputs(rng):
    T, d, N = 30, 4, 6
    u = np.cumsum(rng.standard_normal((T, d)), axis=0) / 5.0
    return dict(A_log=np.log(np.tile(np.arange(1, N + 1, dtype=float), (d, 1))),
                W_delta=0.3 * rng.standard_normal((d, d)), b_delta=np.full(d, -1.0),
                W_B=0.3 * rng.standard_normal((d, N)), W_C=0.3 * rng.standard_normal((d, N)), D=np.ones(d), u=u,
                target=np.roll(u, 2, axis=0))


# ----------------------------------------------- structure from motion: Sampson error of a relative pose
def skew(v):
    return np.array([[0, -v[2], v[1]], [v[2], 0, -v[0]], [-v[1], v[0], 0]])


def rodrigues(r):
    theta = np.linalg.norm(r)
    if theta < 1e-8:
        return np.eye(3) + skew(r)
    K = skew(r / theta)
    return np.eye(3) + np.sin(theta) * K + (1 - np.cos(theta)) * K @ K


def sampson_loss(rvec, t_dir, pts1, pts2, K_cam, scale=1.0):
    R = rodrigues(rvec)
    t = t_dir / np.linalg.norm(t_dir)
    E = skew(t) @ R
    K_inv = np.linalg.inv(K_cam)
    F = K_inv.T @ E @ K_inv
    x1 = np.hstack([pts1, np.ones((len(pts1), 1))])
    x2 = np.hstack([pts2, np.ones((len(pts2), 1))])
    Fx1 = x1 @ F.T
    Ftx2 = x2 @ F
    num = np.sum(x2 * Fx1, axis=1) ** 2
    den = Fx1[:, 0] ** 2 + Fx1[:, 1] ** 2 + Ftx2[:, 0] ** 2 + Ftx2[:, 1] ** 2
    return np.sum(np.log1p(num / den / scale ** 2))


def sampson_inputs(rng):
    K_cam = np.array([[500.0, 0.0, 320.0], [0.0, 500.0, 240.0], [0.0, 0.0, 1.0]])
    P = np.column_stack([rng.uniform(-2, 2, 30), rng.uniform(-2, 2, 30), rng.uniform(4, 8, 30)])
    r_true, t_true = np.array([0.05, -0.1, 0.02]), np.array([1.0, 0.1, 0.05])
    P2 = P @ rodrigues(r_true).T + t_true
    proj = lambda Q: (Q @ K_cam.T)[:, :2] / Q[:, 2:]
    return dict(rvec=r_true + 0.02 * rng.standard_normal(3), t_dir=t_true + 0.1 * rng.standard_normal(3),
                pts1=proj(P) + 0.5 * rng.standard_normal((30, 2)), pts2=proj(P2) + 0.5 * rng.standard_normal((30, 2)),
                K_cam=K_cam)


# ----------------------------------------------- option Greeks: a trinomial lattice for a Bermudan put
def bermudan_put_trinomial(S0, sigma, r, K=100.0, T=1.0, n_steps=60, exercise_steps=(15, 30, 45)):
    dt = T / n_steps
    dx = sigma * np.sqrt(3.0 * dt)
    nu = r - 0.5 * sigma ** 2
    a = (sigma ** 2 * dt + nu ** 2 * dt ** 2) / dx ** 2
    pu = 0.5 * (a + nu * dt / dx)
    pd = 0.5 * (a - nu * dt / dx)
    pm = 1.0 - pu - pd
    disc = np.exp(-r * dt)
    j = np.arange(-n_steps, n_steps + 1)
    V = np.maximum(K - S0 * np.exp(j * dx), 0.0)
    for step in range(n_steps - 1, -1, -1):
        V = disc * (pu * V[2:] + pm * V[1:-1] + pd * V[:-2])
        if step in exercise_steps:
            j = np.arange(-step, step + 1)
            V = np.maximum(V, K - S0 * np.exp(j * dx))
    return V[0]


def bermudan_inputs(rng):
    return dict(S0=97.3, sigma=0.23, r=0.031)


# ----------------------------------------------- graph networks: MPNN with an edge network and a GRU update
def mpnn_graph_energy(node_feat, edge_index, edge_feat, W_e1, W_e2, W_z, U_z, W_h, U_h, w_out, steps=3):
    n, d = node_feat.shape
    src, dst = edge_index[:, 0], edge_index[:, 1]
    A = (np.tanh(edge_feat @ W_e1) @ W_e2).reshape(-1, d, d)
    h = node_feat.copy()
    for _ in range(steps):
        msg = np.einsum("eij,ej->ei", A, h[src])
        m = np.zeros_like(h)
        np.add.at(m, dst, msg)
        z = expit(m @ W_z + h @ U_z)
        h_tilde = np.tanh(m @ W_h + h @ U_h)
        h = (1.0 - z) * h + z * h_tilde
    return np.sum(softplus(h @ w_out))


def mpnn_loss(W_e1, W_e2, W_z, U_z, W_h, U_h, w_out, graphs):
    loss = 0.0
    for g in graphs:
        e = mpnn_graph_energy(g["x"], g["edges"], g["edge_attr"], W_e1, W_e2, W_z, U_z, W_h, U_h, w_out)
        loss += (e - g["y"]) ** 2
    return loss / len(graphs)


def mpnn_inputs(rng):
    d, de, hid = 4, 3, 6
    graphs = []
    for n in (5, 7, 6):
        pairs = [(i, j) for i in range(n) for j in range(n) if i != j and rng.uniform() < 0.4]
        edges = np.array(pairs)
        graphs.append(dict(x=rng.standard_normal((n, d)), edges=edges, edge_attr=rng.standard_normal((len(edges), de)),
                           y=float(n)))
    s = 0.3
    return dict(W_e1=s * rng.standard_normal((de, hid)), W_e2=s * rng.standard_normal((hid, d * d)),
                W_z=s * rng.standard_normal((d, d)), U_z=s * rng.standard_normal((d, d)),
                W_h=s * rng.standard_normal((d, d)), U_h=s * rng.standard_normal((d, d)),
                w_out=s * rng.standard_normal(d), graphs=graphs)


# ----------------------------------------------- aerodynamics: Hess-Smith panel method on a NACA 4-digit section
def naca4(m, p, t, n_half=20):
    beta = np.linspace(0.0, np.pi, n_half + 1)
    x = 0.5 * (1.0 - np.cos(beta))
    yt = 5 * t * (0.2969 * np.sqrt(x) - 0.1260 * x - 0.3516 * x ** 2 + 0.2843 * x ** 3 - 0.1036 * x ** 4)
    yc = np.where(x < p, m / p ** 2 * (2 * p * x - x ** 2), m / (1 - p) ** 2 * (1 - 2 * p + 2 * p * x - x ** 2))
    dyc = np.where(x < p, 2 * m / p ** 2 * (p - x), 2 * m / (1 - p) ** 2 * (p - x))
    th = np.arctan(dyc)
    xu, yu = x - yt * np.sin(th), yc + yt * np.cos(th)
    xl, yl = x + yt * np.sin(th), yc - yt * np.cos(th)
    return np.concatenate([xl[::-1], xu[1:]]), np.concatenate([yl[::-1], yu[1:]])


def hess_smith_cl(X, Y, alpha):
    n = len(X) - 1
    xm, ym = 0.5 * (X[:-1] + X[1:]), 0.5 * (Y[:-1] + Y[1:])
    length = np.hypot(X[1:] - X[:-1], Y[1:] - Y[:-1])
    theta = np.arctan2(Y[1:] - Y[:-1], X[1:] - X[:-1])
    A = np.zeros((n + 1, n + 1))
    b = np.zeros(n + 1)
    for i in range(n):
        for j in range(n):
            if i == j:
                log_r, beta = 0.0, np.pi
            else:
                r1 = np.hypot(xm[i] - X[j], ym[i] - Y[j])
                r2 = np.hypot(xm[i] - X[j + 1], ym[i] - Y[j + 1])
                log_r = np.log(r2 / r1)
                beta = np.arctan2((ym[i] - Y[j + 1]) * (xm[i] - X[j]) - (xm[i] - X[j + 1]) * (ym[i] - Y[j]),
                                  (xm[i] - X[j + 1]) * (xm[i] - X[j]) + (ym[i] - Y[j + 1]) * (ym[i] - Y[j]))
            s, c = np.sin(theta[i] - theta[j]), np.cos(theta[i] - theta[j])
            A[i, j] = (s * log_r + c * beta) / (2 * np.pi)
            A[i, n] += (c * log_r - s * beta) / (2 * np.pi)
            if i == 0 or i == n - 1:
                A[n, j] += (s * beta - c * log_r) / (2 * np.pi)
                A[n, n] += (s * log_r + c * beta) / (2 * np.pi)
        b[i] = np.sin(theta[i] - alpha)
    b[n] = -np.cos(theta[0] - alpha) - np.cos(theta[n - 1] - alpha)
    sol = np.linalg.solve(A, b)
    return 2.0 * sol[n] * np.sum(length)


def airfoil_design_loss(camber, thickness, alpha, cl_target=0.8):
    X, Y = naca4(camber, 0.4, thickness)
    cl = hess_smith_cl(X, Y, alpha)
    return (cl - cl_target) ** 2 + 10.0 * (thickness - 0.12) ** 2 + alpha ** 2


def airfoil_inputs(rng):
    return dict(camber=0.03, thickness=0.1, alpha=0.05)


# ----------------------------------------------- neural rendering: NeRF volume rendering along rays
def positional_encoding(x, n_freq):
    feats = [x]
    for k in range(n_freq):
        feats.append(np.sin(2.0 ** k * np.pi * x))
        feats.append(np.cos(2.0 ** k * np.pi * x))
    return np.concatenate(feats, axis=-1)


def render_rays(net, origins, dirs, near=2.0, far=6.0, n_samples=16, n_freq=3):
    t = np.linspace(near, far, n_samples)
    pts = origins[:, None, :] + dirs[:, None, :] * t[None, :, None]
    h = softplus(positional_encoding(pts, n_freq) @ net["W1"] + net["b1"])
    out = h @ net["W2"] + net["b2"]
    sigma = softplus(out[..., 0])
    rgb = expit(out[..., 1:])
    delta = np.append(np.diff(t), 1e10)
    alpha = 1.0 - np.exp(-sigma * delta)
    trans = np.cumprod(1.0 - alpha + 1e-10, axis=-1)
    trans = np.concatenate([np.ones((len(origins), 1)), trans[:, :-1]], axis=-1)
    weights = alpha * trans
    color = np.sum(weights[..., None] * rgb, axis=1)
    depth = np.sum(weights * t, axis=1)
    return color, depth


def nerf_loss(W1, b1, W2, b2, origins, dirs, target_rgb, target_depth):
    net = {"W1": W1, "b1": b1, "W2": W2, "b2": b2}
    color, depth = render_rays(net, origins, dirs)
    return np.mean((color - target_rgb) ** 2) + 0.01 * np.mean((depth - target_depth) ** 2)


def nerf_inputs(rng):
    R, h = 10, 16
    origins = np.tile([0.0, 0.0, -4.0], (R, 1)) + 0.1 * rng.standard_normal((R, 3))
    dirs = np.column_stack([0.2 * rng.standard_normal((R, 2)), np.ones(R)])
    dirs /= np.linalg.norm(dirs, axis=1, keepdims=True)
    return dict(W1=0.3 * rng.standard_normal((21, h)), b1=np.zeros(h), W2=0.3 * rng.standard_normal((h, 4)),
                b2=np.array([-1.0, 0.0, 0.0, 0.0]), origins=origins, dirs=dirs, target_rgb=rng.uniform(size=(R, 3)),
                target_depth=np.full(R, 4.0))


# ----------------------------------------------- character animation: linear blend skinning over a joint tree
def quat_to_mat(q):
    w, x, y, z = q / np.linalg.norm(q)
    return np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                     [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                     [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])


def skin(quats, weight_logits, rest_joints, parents, rest_verts):
    n_j = len(parents)
    G = [None] * n_j
    for j in range(n_j):
        T = np.eye(4)
        T[:3, :3] = quat_to_mat(quats[j])
        p = parents[j]
        if p < 0:
            T[:3, 3] = rest_joints[j]
            G[j] = T
        else:
            T[:3, 3] = rest_joints[j] - rest_joints[p]
            G[j] = G[p] @ T
    A = []
    for j in range(n_j):
        Aj = G[j].copy()
        Aj[:3, 3] -= G[j][:3, :3] @ rest_joints[j]
        A.append(Aj)
    A = np.stack(A)
    W = softmax(weight_logits, axis=1)
    verts_h = np.hstack([rest_verts, np.ones((len(rest_verts), 1))])
    blended = np.einsum("vj,jab->vab", W, A)
    return np.einsum("vab,vb->va", blended, verts_h)[:, :3]


def skinning_fit_loss(quats, weight_logits, rest_joints, parents, rest_verts, scan):
    posed = skin(quats, weight_logits, rest_joints, parents, rest_verts)
    return np.sum((posed - scan) ** 2) + 0.1 * np.sum((np.sum(quats ** 2, axis=1) - 1.0) ** 2)


def skinning_inputs(rng):
    parents = [-1, 0, 1, 1, 3]
    rest_joints = np.array([[0.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.0, 2.0, 0.0], [0.5, 1.8, 0.0], [1.0, 1.8, 0.0]])
    rest_verts = rest_joints[rng.integers(0, 5, 30)] + 0.2 * rng.standard_normal((30, 3))
    d = np.linalg.norm(rest_verts[:, None, :] - rest_joints[None, :, :], axis=-1)
    quats_true = np.array([1.0, 0.0, 0.0, 0.0]) + 0.2 * rng.standard_normal((5, 4))
    scan = skin(quats_true, -4.0 * d, rest_joints, parents, rest_verts) + 0.01 * rng.standard_normal((30, 3))
    return dict(quats=np.array([1.0, 0.0, 0.0, 0.0]) + 0.05 * rng.standard_normal((5, 4)), weight_logits=-3.0 * d,
                rest_joints=rest_joints, parents=parents, rest_verts=rest_verts, scan=scan)


# ----------------------------------------------- credit: Vasicek large-pool CDO tranches
def pool_loss_cdf(x, pd, rho, lgd):
    dr = np.clip(x / lgd, 1e-12, 1 - 1e-12)
    return norm.cdf((np.sqrt(1.0 - rho) * norm.ppf(dr) - norm.ppf(pd)) / np.sqrt(rho))


def tranche_expected_loss(attach, detach, pd, rho, lgd, n_grid=200):
    x = np.linspace(attach, detach, n_grid)
    return np.trapezoid(1.0 - pool_loss_cdf(x, pd, rho, lgd), x)


def cdo_calibration_loss(index_spread, rho, tranches, quotes, recovery=0.4, maturity=5.0):
    lgd = 1.0 - recovery
    pd = 1.0 - np.exp(-index_spread / lgd * maturity)
    loss = 0.0
    for name, (a, d) in tranches.items():
        el = tranche_expected_loss(a, d, pd, rho, lgd)
        spread = el / (d - a) / maturity * 1e4
        loss += (spread / quotes[name] - 1.0) ** 2
    return loss


def cdo_inputs(rng):
    tranches = {"equity": (0.0, 0.03), "mezz": (0.03, 0.07), "senior": (0.07, 0.15)}
    quotes = {"equity": 900.0, "mezz": 200.0, "senior": 40.0}
    return dict(index_spread=0.01, rho=0.25, tranches=tranches, quotes=quotes)


# ----------------------------------------------- electrostatics: Ewald summation in a cubic box
def ewald_energy(pos, charges, box, alpha=1.2, r_cut=1.6, k_max=2):
    n = len(pos)
    e_real = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            d = pos[i] - pos[j]
            d -= box * np.round(d / box)
            r = np.linalg.norm(d)
            if r < r_cut:
                e_real += charges[i] * charges[j] * erfc(alpha * r) / r
    volume = box ** 3
    e_recip = 0.0
    for kx in range(-k_max, k_max + 1):
        for ky in range(-k_max, k_max + 1):
            for kz in range(-k_max, k_max + 1):
                if kx == 0 and ky == 0 and kz == 0:
                    continue
                k = 2 * np.pi * np.array([kx, ky, kz]) / box
                k2 = k @ k
                S = np.sum(charges * np.exp(1j * (pos @ k)))
                e_recip += 2 * np.pi / volume * np.exp(-k2 / (4 * alpha ** 2)) / k2 * np.abs(S) ** 2
    e_self = -alpha / np.sqrt(np.pi) * np.sum(charges ** 2)
    return e_real + e_recip + e_self


def ewald_fit_loss(pos, charges, box):
    e = ewald_energy(pos, charges, box)
    return e + 0.5 * np.sum(charges ** 2) + np.sum(np.sum(pos, axis=0) ** 2)


def ewald_inputs(rng):
    grid = np.array([[i, j, k] for i in range(2) for j in range(2) for k in range(2)], dtype=float)
    pos = 1.6 * grid + 0.8 + 0.15 * rng.standard_normal((8, 3))
    charges = np.array([1.0, -1.0, -1.0, 1.0, -1.0, 1.0, 1.0, -1.0]) * (1.0 + 0.1 * rng.standard_normal(8))
    return dict(pos=pos, charges=charges, box=3.2)


# ----------------------------------------------- ecology: MaxEnt species distribution with hinge features
def maxent_features(env, thresholds):
    feats = [env, env ** 2]
    for k in range(env.shape[1]):
        for th in thresholds[k]:
            feats.append(np.maximum(env[:, k] - th, 0.0)[:, None])
    return np.hstack(feats)


def maxent_loss(lam, env_presence, env_background, thresholds, beta_reg=0.05):
    Fb = maxent_features(env_background, thresholds)
    Fp = maxent_features(env_presence, thresholds)
    mu, sd = Fb.mean(axis=0), Fb.std(axis=0)
    Fb, Fp = (Fb - mu) / sd, (Fp - mu) / sd
    log_z = logsumexp(Fb @ lam) - np.log(len(Fb))
    return -(np.mean(Fp @ lam) - log_z) + beta_reg * np.sum(np.sqrt(lam ** 2 + 1e-6))


def maxent_inputs(rng):
    env_bg = rng.standard_normal((300, 3))
    suit = expit(2.0 * env_bg[:, 0] - env_bg[:, 1] ** 2)
    presence = env_bg[rng.choice(300, 40, p=suit / suit.sum())] + 0.05 * rng.standard_normal((40, 3))
    thresholds = [np.array([-1.0, 0.0, 1.0]), np.array([-0.5, 0.5]), np.array([0.0])]
    return dict(lam=0.1 * rng.standard_normal(12), env_presence=presence, env_background=env_bg,
                thresholds=thresholds)


# ----------------------------------------------- few-shot learning: prototypical networks over episodes
def embed(x, W1, b1, W2):
    return np.tanh(x @ W1 + b1) @ W2


def protonet_loss(W1, b1, W2, episodes):
    total = 0.0
    for ep in episodes:
        zs = embed(ep["support"], W1, b1, W2)
        zq = embed(ep["query"], W1, b1, W2)
        classes = np.unique(ep["support_labels"])
        protos = np.stack([zs[ep["support_labels"] == c].mean(axis=0) for c in classes])
        d = ((zq[:, None, :] - protos[None, :, :]) ** 2).sum(-1)
        logp = log_softmax(-d, axis=1)
        idx = np.searchsorted(classes, ep["query_labels"])
        total += -np.mean(logp[np.arange(len(zq)), idx])
    return total / len(episodes)


def protonet_inputs(rng):
    d, h, e = 5, 8, 4
    centers = 2.0 * rng.standard_normal((10, d))
    episodes = []
    for ways in (3, 4):
        cls = rng.choice(10, ways, replace=False)
        s_lab = np.repeat(cls, 3)
        q_lab = np.repeat(cls, 2)
        episodes.append(dict(support=centers[s_lab] + rng.standard_normal((len(s_lab), d)), support_labels=s_lab,
                             query=centers[q_lab] + rng.standard_normal((len(q_lab), d)), query_labels=q_lab))
    return dict(W1=0.4 * rng.standard_normal((d, h)), b1=np.zeros(h), W2=0.4 * rng.standard_normal((h, e)),
                episodes=episodes)


# ----------------------------------------------- language models: rotary embeddings with grouped-query attention
def rope(x, positions, base=10000.0):
    d = x.shape[-1]
    inv_freq = 1.0 / base ** (np.arange(0, d, 2) / d)
    ang = positions[:, None] * inv_freq[None, :]
    cos, sin = np.cos(ang), np.sin(ang)
    x1, x2 = x[..., 0::2], x[..., 1::2]
    out = np.empty_like(x)
    out[..., 0::2] = x1 * cos - x2 * sin
    out[..., 1::2] = x1 * sin + x2 * cos
    return out


def rms_norm(x, g, eps=1e-6):
    return x / np.sqrt(np.mean(x ** 2, axis=-1, keepdims=True) + eps) * g


def gqa_block(x, Wq, Wk, Wv, Wo, g, n_heads=4, n_kv=2):
    T, D = x.shape
    dh = D // n_heads
    h = rms_norm(x, g)
    q = (h @ Wq).reshape(T, n_heads, dh).transpose(1, 0, 2)
    k = (h @ Wk).reshape(T, n_kv, dh).transpose(1, 0, 2)
    v = (h @ Wv).reshape(T, n_kv, dh).transpose(1, 0, 2)
    pos = np.arange(T)
    q, k = rope(q, pos), rope(k, pos)
    k = np.repeat(k, n_heads // n_kv, axis=0)
    v = np.repeat(v, n_heads // n_kv, axis=0)
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(dh)
    mask = np.triu(np.ones((T, T), dtype=bool), k=1)
    att = softmax(np.where(mask, -np.inf, scores), axis=-1)
    out = (att @ v).transpose(1, 0, 2).reshape(T, D)
    return x + out @ Wo


def gqa_lm_loss(emb, Wq, Wk, Wv, Wo, g, tokens):
    x = gqa_block(emb[tokens[:-1]], Wq, Wk, Wv, Wo, g)
    logits = rms_norm(x, g) @ emb.T
    logp = log_softmax(logits, axis=-1)
    return -np.mean(logp[np.arange(len(tokens) - 1), tokens[1:]])


def gqa_inputs(rng):
    V, D, T = 20, 16, 12
    s = 0.25
    return dict(emb=s * rng.standard_normal((V, D)), Wq=s * rng.standard_normal((D, D)),
                Wk=s * rng.standard_normal((D, D // 2)), Wv=s * rng.standard_normal((D, D // 2)),
                Wo=s * rng.standard_normal((D, D)), g=np.ones(D), tokens=rng.integers(0, V, T + 1))


# ----------------------------------------------- acoustic echo cancellation: an NLMS adaptive filter
def nlms_residual_db(log_mu, w0, far_end, mic, order=8, delta=1e-3):
    mu = np.exp(log_mu)
    w = w0.copy()
    buf = np.zeros(order)
    err = np.zeros(len(mic))
    for n in range(len(mic)):
        buf = np.roll(buf, 1)
        buf[0] = far_end[n]
        e = mic[n] - w @ buf
        w = w + mu * e * buf / (buf @ buf + delta)
        err[n] = e
    return 10.0 * np.log10(np.mean(err[len(mic) // 2:] ** 2))


def nlms_inputs(rng):
    n, order = 200, 8
    far = rng.standard_normal(n)
    h = np.exp(-np.arange(order) / 2.0) * rng.standard_normal(order)
    mic = np.convolve(far, h)[:n] + 0.05 * rng.standard_normal(n)
    return dict(log_mu=np.log(0.3), w0=np.zeros(order), far_end=far, mic=mic)


PROGRAMS = [
    dict(name="lkj_varying_slopes_stan", f=varying_slopes_neg_logdensity, inputs=varying_slopes_inputs, wrt=("theta",)),
    dict(name="rnea_link_dicts_identification", f=rnea_identification_loss, inputs=rnea_inputs, wrt=("log_mass", "com")),
    dict(name="entropic_gromov_wasserstein", f=gromov_wasserstein_loss, inputs=gw_inputs, wrt=("X",)),
    dict(name="gamma_frailty_weibull_unique", f=frailty_nll, inputs=frailty_inputs,
         wrt=("beta", "log_k", "log_lam", "log_theta")),
    dict(name="karplus_strong_int_delay", f=karplus_strong_fit, inputs=karplus_inputs, wrt=("delay", "rho", "brightness")),
    dict(name="force_density_cable_net", f=cable_net_loss, inputs=cable_net_inputs, wrt=("log_q",)),
    dict(name="impala_vtrace", f=impala_loss, inputs=impala_inputs, wrt=("W_pi", "w_v")),
    dict(name="group_lasso_fista_ragged", f=group_lasso_validation, inputs=group_lasso_inputs, wrt=("log_lam",)),
    dict(name="coalescent_skyline_lineages", f=skyline_log_posterior, inputs=skyline_inputs, wrt=("log_ne", "log_prec")),
    dict(name="glow_lu_invconv", f=glow_nll, inputs=glow_inputs, wrt=("an_bias", "an_logs", "L_raw", "U_raw", "log_s", "W2")),
    dict(name="enkf_lorenz63_params", f=enkf_neg_loglik, inputs=enkf_inputs, wrt=("log_params",)),
    dict(name="burgers_pinn_manual_tangents", f=burgers_pinn_loss, inputs=burgers_inputs, wrt=("W1", "b1", "W2", "W3")),
    dict(name="selective_ssm_scan", f=ssm_loss, inputs=ssm_inputs, wrt=("A_log", "W_delta", "b_delta", "W_B", "W_C")),
    dict(name="sampson_epipolar_rodrigues", f=sampson_loss, inputs=sampson_inputs, wrt=("rvec", "t_dir")),
    dict(name="bermudan_trinomial_greeks", f=bermudan_put_trinomial, inputs=bermudan_inputs, wrt=("S0", "sigma", "r")),
    dict(name="mpnn_edge_network_gru", f=mpnn_loss, inputs=mpnn_inputs, wrt=("W_e1", "W_e2", "W_z", "W_h", "w_out")),
    dict(name="hess_smith_panel_naca", f=airfoil_design_loss, inputs=airfoil_inputs, wrt=("camber", "thickness", "alpha")),
    dict(name="nerf_volume_rendering", f=nerf_loss, inputs=nerf_inputs, wrt=("W1", "b1", "W2", "b2")),
    dict(name="linear_blend_skinning_tree", f=skinning_fit_loss, inputs=skinning_inputs, wrt=("quats", "weight_logits")),
    dict(name="vasicek_cdo_tranches_ppf", f=cdo_calibration_loss, inputs=cdo_inputs, wrt=("index_spread", "rho")),
    dict(name="ewald_sum_complex_structure", f=ewald_fit_loss, inputs=ewald_inputs, wrt=("pos", "charges")),
    dict(name="maxent_hinge_features", f=maxent_loss, inputs=maxent_inputs, wrt=("lam",)),
    dict(name="prototypical_episodes", f=protonet_loss, inputs=protonet_inputs, wrt=("W1", "b1", "W2")),
    dict(name="rope_gqa_causal_lm", f=gqa_lm_loss, inputs=gqa_inputs, wrt=("emb", "Wq", "Wk", "Wv", "Wo", "g")),
    dict(name="nlms_echo_canceller", f=nlms_residual_db, inputs=nlms_inputs, wrt=("log_mu", "w0")),
]
