"""Sixteenth held-out set: twenty-five programs written without running adjit on them and without reading
what it supports, in domains the other modules do not cover, the way research code and course notes write
them: a Gompertz-Makeham life table with a Poisson offset and an annuity by cumprod, Cole-Cole dielectric
spectra with a complex power, hyperspectral unmixing by the spectral angle, a nonlinear 1-D finite-element
heat problem assembled by np.add.at and solved by Newton in a while loop, rays through a GRIN lens by RK4
with a nested right-hand side, HIV viral dynamics with censoring at the detection limit, Kelly betting with
leverage penalties, discrete-time survival on a person-period table made by np.repeat, deep hedging with
an entropic risk, Robertson's stiff kinetics by implicit Euler with inner Newton iterations, pure-pursuit
path tracking with np.argmin/np.nonzero look-ahead, population decoding with von Mises tuning curves, PPML
gravity trade with country-name index dicts, stereo matching by a soft-argmin cost volume, spherical-harmonic
relighting, a Prophet-style changepoint trend, a Gaussian-wake wind farm, a ZOOPS motif model over ragged
DNA strings, a dynamic-range compressor with an attack/release envelope and a soft knee, the GHK simulator
for a multinomial probit, ArcFace margins, set-transformer pooling with padding masks, a batched-molecule
GNN with segment sums, diatomic phonon dispersion by a complex Hermitian eigvalsh, and a Holling type III
functional response with prey depletion.

`TRANSFORMS` (run by `python benchmarks/real_programs/heldout16.py`) differentiates some of them the other
ways users ask for: adjit.jacobian (a GRIN lens's ray-transfer matrix, a FEM sensitivity matrix),
adjit.hvp (Kelly), value_and_grad(has_aux=True) (Prophet with its components), a dict of parameters
(ArcFace) and a dataclass of parameters (Gompertz-Makeham), each checked against central differences.
"""
from dataclasses import dataclass

import numpy as np
from scipy.special import expit, gammaln, logsumexp, softmax, xlog1py, xlogy
from scipy.stats import norm


# ----------------------------------------------- actuarial: Gompertz-Makeham mortality, Poisson offset, annuity
def gompertz_makeham_loss(log_a, log_b, log_c, deaths, exposure, ages, rate=0.03, target_annuity=13.0):
    a, b, c = np.exp(log_a), np.exp(log_b), np.exp(log_c)
    mu = c + a * np.exp(b * (ages - 40))
    eta = np.log(mu) + np.log(exposure)  # offset: log exposure
    ll = np.sum(deaths * eta - np.exp(eta) - gammaln(deaths + 1))
    x = np.arange(65, 111)
    H = c + (a / b) * (np.exp(b * (x + 1 - 40)) - np.exp(b * (x - 40)))  # one-year integrated hazard
    surv = np.cumprod(np.exp(-H))
    surv = np.concatenate([[1.0], surv[:-1]])
    v = (1 + rate) ** -np.arange(len(x))
    annuity = np.sum(surv * v)
    return -ll / len(ages) + 0.5 * (annuity - target_annuity) ** 2


def gompertz_inputs(rng):
    ages = np.arange(40.0, 96.0, 5.0)
    exposure = np.linspace(20000, 3000, len(ages))
    mu = 2e-4 + 1e-3 * np.exp(0.09 * (ages - 40))
    deaths = rng.poisson(mu * exposure).astype(float)
    return dict(log_a=np.log(8e-4), log_b=np.log(0.1), log_c=np.log(3e-4), deaths=deaths, exposure=exposure,
                ages=ages)


# ----------------------------------------------- dielectric spectroscopy: Cole-Cole plus Debye plus dc conduction
EPS0 = 8.854e-12


def cole_cole(omega, eps_inf, d_eps, tau, alpha):
    return eps_inf + d_eps / (1 + (1j * omega * tau) ** (1 - alpha))


def dielectric_fit_loss(theta, omega, eps_meas):
    eps_inf, log_d1, log_tau1, a_raw, log_d2, log_tau2, log_sigma = theta
    alpha = expit(a_raw)
    eps = cole_cole(omega, eps_inf, np.exp(log_d1), np.exp(log_tau1), alpha)
    eps = eps + np.exp(log_d2) / (1 + 1j * omega * np.exp(log_tau2))
    eps = eps - 1j * np.exp(log_sigma) / (EPS0 * omega)
    resid = (eps - eps_meas) / np.abs(eps_meas)
    return np.sum(resid.real ** 2 + resid.imag ** 2)


def dielectric_inputs(rng):
    omega = 2 * np.pi * np.logspace(2, 8, 30)
    true = np.array([4.0, np.log(30.0), np.log(1e-5), 0.0, np.log(8.0), np.log(1e-7), np.log(1e-9)])
    eps_inf, ld1, lt1, ar, ld2, lt2, ls = true
    eps = cole_cole(omega, eps_inf, np.exp(ld1), np.exp(lt1), expit(ar)) + np.exp(ld2) / (1 + 1j * omega * np.exp(lt2))
    eps = eps - 1j * np.exp(ls) / (EPS0 * omega)
    eps = eps * (1 + 0.01 * rng.standard_normal(30) + 0.01j * rng.standard_normal(30))
    theta0 = true + np.array([0.3, 0.1, 0.2, 0.4, -0.1, 0.3, 0.2])
    return dict(theta=theta0, omega=omega, eps_meas=eps)


# ----------------------------------------------- remote sensing: hyperspectral unmixing by the spectral angle
def unmixing_loss(logits, log_E, Y, lam=0.05, grid=(5, 6)):
    A = softmax(logits, axis=1)  # abundances, sum to one per pixel
    E = np.exp(log_E)  # endmember spectra, positive
    Yhat = A @ E
    cos = np.sum(Yhat * Y, axis=1) / (np.linalg.norm(Yhat, axis=1) * np.linalg.norm(Y, axis=1))
    sam = np.arccos(np.clip(cos, -1.0, 1.0))
    Agrid = A.reshape(grid[0], grid[1], -1)
    tv = np.sum(np.diff(Agrid, axis=0) ** 2) + np.sum(np.diff(Agrid, axis=1) ** 2)
    return np.mean(sam) + np.mean((Yhat - Y) ** 2) + lam * tv / A.shape[0]


def unmixing_inputs(rng):
    bands, m, n = 12, 3, 30
    wl = np.linspace(0, 1, bands)
    E = np.stack([0.2 + 0.6 * wl, 0.8 - 0.5 * wl, 0.4 + 0.3 * np.sin(6 * wl)])
    A = rng.dirichlet(np.ones(m), size=n)
    Y = A @ E + 0.01 * rng.standard_normal((n, bands))
    return dict(logits=0.3 * rng.standard_normal((n, m)), log_E=np.log(E) + 0.1 * rng.standard_normal((m, bands)), Y=Y)


# ----------------------------------------------- finite elements: 1-D heat with k(T), np.add.at assembly, Newton
def fem_heat_solve(k0, beta, q, L=1.0, T_left=0.0, tol=1e-12, max_iter=30):
    n_el = len(q)
    nodes = np.linspace(0.0, L, n_el + 1)
    conn = np.stack([np.arange(n_el), np.arange(1, n_el + 1)], axis=1)
    n = n_el + 1
    T = np.full(n, T_left)
    free = np.arange(1, n)  # Dirichlet on the left, insulated on the right
    it = 0
    while it < max_iter:
        K = np.zeros((n, n))
        Kt = np.zeros((n, n))
        F = np.zeros(n)
        for e, (i, j) in enumerate(conn):
            h = nodes[j] - nodes[i]
            Tm = 0.5 * (T[i] + T[j])
            k = k0 * (1 + beta * Tm)
            ke = k / h * np.array([[1.0, -1.0], [-1.0, 1.0]])
            idx = np.array([i, j])
            np.add.at(K, (idx[:, None], idx[None, :]), ke)
            np.add.at(F, idx, q[e] * h / 2 * np.ones(2))
            grad_T = (T[j] - T[i]) / h
            np.add.at(Kt, (idx[:, None], idx[None, :]), ke + 0.5 * k0 * beta * grad_T * np.array([[-1.0, -1.0], [1.0, 1.0]]))
        R = K @ T - F
        dT = np.linalg.solve(Kt[np.ix_(free, free)], -R[free])
        T[free] += dT
        it += 1
        if np.max(np.abs(dT)) < tol:
            break
    return nodes, T


def fem_inverse_loss(k0, beta, q, obs_idx, T_obs):
    nodes, T = fem_heat_solve(k0, beta, q)
    misfit = np.sum((T[obs_idx] - T_obs) ** 2)
    return misfit + 1e-3 * np.sum(np.diff(q) ** 2)


def fem_inputs(rng):
    q_true = 5.0 + 2.0 * np.sin(np.linspace(0, 3, 8))
    _, T = fem_heat_solve(1.2, 0.3, q_true)
    obs_idx = np.array([2, 4, 6, 8])
    return dict(k0=1.0, beta=0.2, q=q_true + 0.5 * rng.standard_normal(8), obs_idx=obs_idx,
                T_obs=T[obs_idx] + 0.01 * rng.standard_normal(4))


# ----------------------------------------------- optics: rays through a GRIN rod lens, RK4 on the ray equation
def grin_ray(x0, u0, A, n0=1.6, length=2.0, steps=40):
    def rhs(state):
        x, p = state
        s = np.sqrt(1 - A * x ** 2)
        n = n0 * s
        dndx = -n0 * A * x / s
        return np.array([p, (1 + p ** 2) * dndx / n])

    h = length / steps
    s = np.array([x0, u0])
    path = [s]
    for _ in range(steps):
        k1 = rhs(s)
        k2 = rhs(s + 0.5 * h * k1)
        k3 = rhs(s + 0.5 * h * k2)
        k4 = rhs(s + h * k3)
        s = s + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        path.append(s)
    return np.array(path)


def grin_focus_loss(A, x_in, back_focus=0.6):
    exits = []
    for x0 in x_in:
        path = grin_ray(x0, 0.0, A)
        exits.append(path[-1])
    exits = np.stack(exits)
    spot = exits[:, 0] + back_focus * exits[:, 1]  # free-space propagation to the image plane
    return np.sum(spot ** 2) / np.sum(x_in ** 2)


def grin_inputs(rng):
    return dict(A=0.5, x_in=np.linspace(-0.3, 0.3, 7))


def grin_exit_ray(ray, A):
    return grin_ray(ray[0], ray[1], A)[-1]


# ----------------------------------------------- virology: target-cell-limited HIV model, censored viral loads
def hiv_rhs(y, beta, delta, p, eff, lam=100.0, d=0.1, c=3.0):
    T, I, V = y
    infect = (1 - eff) * beta * T * V
    return np.array([lam - d * T - infect, infect - delta * I, p * I - c * V])


def hiv_nll(log_beta, log_delta, log_p, logit_eff, t_obs, log10_v, lod=50.0, sd=0.25, dt=0.05, c=3.0):
    beta, delta, p = np.exp(log_beta), np.exp(log_delta), np.exp(log_p)
    eff = expit(logit_eff)
    lam, d = 100.0, 0.1
    T = c * delta / (beta * p)  # pre-treatment steady state
    I = (lam - d * T) / delta
    V = p * I / c
    y = np.array([T, I, V])
    n_steps = int(round(t_obs[-1] / dt))
    traj = [y]
    for _ in range(n_steps):
        k1 = hiv_rhs(y, beta, delta, p, eff)
        k2 = hiv_rhs(y + 0.5 * dt * k1, beta, delta, p, eff)
        k3 = hiv_rhs(y + 0.5 * dt * k2, beta, delta, p, eff)
        k4 = hiv_rhs(y + dt * k3, beta, delta, p, eff)
        y = y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        traj.append(y)
    traj = np.array(traj)
    idx = np.round(t_obs / dt).astype(int)
    pred = np.log10(traj[idx, 2])
    censored = log10_v <= np.log10(lod)
    ll = np.sum(norm.logpdf(log10_v[~censored], pred[~censored], sd))
    ll += np.sum(norm.logcdf((np.log10(lod) - pred[censored]) / sd))
    return -ll


def hiv_inputs(rng):
    t_obs = np.array([0.5, 1.0, 2.0, 3.0, 5.0, 7.0, 10.0, 14.0])
    v = np.array([3.1, 2.9, 2.5, 2.2, 1.8, 1.6, 1.69897, 1.69897])  # the last two at the detection limit
    return dict(log_beta=np.log(2e-5), log_delta=np.log(0.5), log_p=np.log(100.0), logit_eff=2.0, t_obs=t_obs,
                log10_v=v + 0.05 * rng.standard_normal(8) * (v > 1.7))


# ----------------------------------------------- betting: Kelly growth with leverage and short-sale penalties
def kelly_objective(w, R, probs, max_lev=1.5, mu_pen=50.0, w_prev=None):
    growth = probs @ np.log1p(R @ w)
    lev = np.sum(np.abs(w))
    pen = mu_pen * np.maximum(lev - max_lev, 0.0) ** 2
    short = mu_pen * np.sum(np.minimum(w, 0.0) ** 2)
    turnover = 0.0 if w_prev is None else 0.5 * np.sum((w - w_prev) ** 2)
    return -growth + pen + short + turnover


def kelly_inputs(rng):
    n_scen, n_assets = 40, 4
    R = 0.05 + 0.25 * rng.standard_normal((n_scen, n_assets))
    R = np.clip(R, -0.6, 1.0)
    probs = rng.dirichlet(np.ones(n_scen))
    return dict(w=np.array([0.6, 0.7, -0.1, 0.4]), R=R, probs=probs, max_lev=1.5, mu_pen=50.0,
                w_prev=np.array([0.25, 0.25, 0.25, 0.25]))


# ----------------------------------------------- survival: discrete-time hazard on a person-period table
def discrete_survival_nll(beta, alpha, X, time, event):
    n = len(time)
    rows = np.repeat(np.arange(n), time)
    period = np.concatenate([np.arange(t) for t in time])
    y = np.zeros(len(rows))
    last = np.cumsum(time) - 1
    y[last[event == 1]] = 1.0
    eta = alpha[period] + X[rows] @ beta
    return -np.sum(y * eta - np.logaddexp(0.0, eta)) / n


def discrete_survival_inputs(rng):
    n, p, n_periods = 25, 3, 6
    X = rng.standard_normal((n, p))
    time = rng.integers(1, n_periods + 1, size=n)
    event = (rng.uniform(size=n) < 0.7).astype(int)
    return dict(beta=0.3 * rng.standard_normal(p), alpha=np.linspace(-2.0, -1.0, n_periods), X=X, time=time,
                event=event)


# ----------------------------------------------- quantitative finance: deep hedging with an entropic risk
def hedge_ratio(params, logm, ttm):
    W1, b1, W2, b2 = params
    z = np.stack([logm, ttm], axis=-1)
    h = np.tanh(z @ W1 + b1)
    return expit(h @ W2 + b2)[..., 0]


def deep_hedging_risk(W1, b1, W2, b2, Z, S0=100.0, K=100.0, sigma=0.2, T=0.25, cost=1e-3, lam=1.0):
    n_paths, n_steps = Z.shape
    dt = T / n_steps
    S = S0 * np.exp(np.cumsum(-0.5 * sigma ** 2 * dt + sigma * np.sqrt(dt) * Z, axis=1))
    S = np.concatenate([np.full((n_paths, 1), S0), S], axis=1)
    pnl = np.zeros(n_paths)
    delta_prev = np.zeros(n_paths)
    for t in range(n_steps):
        delta = hedge_ratio((W1, b1, W2, b2), np.log(S[:, t] / K), np.full(n_paths, T - t * dt))
        pnl += delta * (S[:, t + 1] - S[:, t]) - cost * np.abs(delta - delta_prev) * S[:, t]
        delta_prev = delta
    pnl -= cost * np.abs(delta_prev) * S[:, -1]
    pnl -= np.maximum(S[:, -1] - K, 0.0)
    return np.log(np.mean(np.exp(-lam * pnl))) / lam


def deep_hedging_inputs(rng):
    H = 6
    return dict(W1=0.5 * rng.standard_normal((2, H)), b1=0.1 * rng.standard_normal(H),
                W2=0.5 * rng.standard_normal((H, 1)), b2=np.zeros(1), Z=rng.standard_normal((64, 10)))


# ----------------------------------------------- chemical kinetics: Robertson's stiff system, implicit Euler
def robertson_rhs(y, k):
    k1, k2, k3 = k
    return np.array([-k1 * y[0] + k3 * y[1] * y[2],
                     k1 * y[0] - k2 * y[1] ** 2 - k3 * y[1] * y[2],
                     k2 * y[1] ** 2])


def robertson_jac(y, k):
    k1, k2, k3 = k
    return np.array([[-k1, k3 * y[2], k3 * y[1]],
                     [k1, -2 * k2 * y[1] - k3 * y[2], -k3 * y[1]],
                     [0.0, 2 * k2 * y[1], 0.0]])


def implicit_euler(y0, k, t_grid, tol=1e-13, max_newton=25):
    ys = [y0]
    y = y0
    for n in range(1, len(t_grid)):
        h = t_grid[n] - t_grid[n - 1]
        z = y.copy()
        for it in range(max_newton):
            G = z - y - h * robertson_rhs(z, k)
            J = np.eye(3) - h * robertson_jac(z, k)
            dz = np.linalg.solve(J, -G)
            z = z + dz
            if np.linalg.norm(dz) < tol * (1 + np.linalg.norm(z)):
                break
        y = z
        ys.append(y)
    return np.array(ys)


def robertson_fit_loss(log_k, obs_idx, y_obs):
    k = np.exp(log_k)
    t_grid = np.concatenate([[0.0], np.logspace(-4, 2, 25)])
    ys = implicit_euler(np.array([1.0, 0.0, 0.0]), k, t_grid)
    pred = ys[obs_idx]
    scale = np.array([1.0, 1e4, 1.0])
    return np.sum(((pred - y_obs) * scale) ** 2)


def robertson_inputs(rng):
    k_true = np.array([0.04, 3e7, 1e4])
    t_grid = np.concatenate([[0.0], np.logspace(-4, 2, 25)])
    ys = implicit_euler(np.array([1.0, 0.0, 0.0]), k_true, t_grid)
    obs_idx = np.array([5, 10, 15, 20, 25])
    return dict(log_k=np.log(k_true) + np.array([0.2, -0.3, 0.25]), obs_idx=obs_idx,
                y_obs=ys[obs_idx] * (1 + 0.01 * rng.standard_normal((5, 3))))


# ----------------------------------------------- robotics: pure-pursuit tracking of a kinematic bicycle
def pure_pursuit_cost(log_gain, log_ld0, path, L=2.5, v=5.0, dt=0.05, steps=100):
    x, y, yaw = 0.0, -1.0, 0.0
    cte = []
    steer = []
    for _ in range(steps):
        ld = np.exp(log_ld0) + np.exp(log_gain) * v
        d = np.hypot(path[:, 0] - x, path[:, 1] - y)
        nearest = np.argmin(d)
        ahead = np.nonzero((np.arange(len(path)) >= nearest) & (d >= ld))[0]
        j = ahead[0] if len(ahead) > 0 else len(path) - 1
        tx, ty = path[j]
        alpha = np.arctan2(ty - y, tx - x) - yaw
        delta = np.arctan2(2 * L * np.sin(alpha), ld)
        x += v * np.cos(yaw) * dt
        y += v * np.sin(yaw) * dt
        yaw += v / L * np.tan(delta) * dt
        cte.append(d[nearest])
        steer.append(delta)
    cte = np.array(cte)
    steer = np.array(steer)
    return np.mean(cte ** 2) + 0.1 * np.mean(np.diff(steer) ** 2) / dt


def pure_pursuit_inputs(rng):
    s = np.linspace(0, 30, 301)
    path = np.stack([s, 2.0 * np.sin(s / 5.0)], axis=1)
    return dict(log_gain=np.log(0.3), log_ld0=np.log(1.2), path=path)


# ----------------------------------------------- neuroscience: population decoding with von Mises tuning curves
def tuning(theta, prefs, gains, log_kappa, base=0.5):
    return base + gains[None, :] * np.exp(np.exp(log_kappa) * (np.cos(theta[:, None] - prefs[None, :]) - 1))


def decoding_loss(gains, log_kappa, prefs, counts, theta_true, dt=0.2):
    grid = np.linspace(-np.pi, np.pi, 72, endpoint=False)
    rates = tuning(grid, prefs, gains, log_kappa) * dt  # (G, N)
    ll = counts @ np.log(rates).T - np.sum(rates, axis=1)[None, :]  # (trials, G)
    post = softmax(ll, axis=1)
    est = np.arctan2(post @ np.sin(grid), post @ np.cos(grid))
    err = 1 - np.cos(est - theta_true)
    kappa = np.exp(log_kappa)
    f = tuning(theta_true, prefs, gains, log_kappa) * dt
    df = -(f - 0.5 * dt) * kappa * np.sin(theta_true[:, None] - prefs[None, :])
    fisher = np.sum(df ** 2 / f, axis=1)
    return np.mean(err) - 0.01 * np.mean(np.log(fisher)) + 1e-4 * np.sum(gains ** 2)


def decoding_inputs(rng):
    N, trials = 12, 20
    prefs = np.linspace(-np.pi, np.pi, N, endpoint=False)
    gains = 20.0 + 5.0 * rng.uniform(size=N)
    theta_true = rng.uniform(-np.pi, np.pi, trials)
    rates = tuning(theta_true, prefs, gains, np.log(2.0)) * 0.2
    return dict(gains=gains, log_kappa=np.log(1.5), prefs=prefs, counts=rng.poisson(rates).astype(float),
                theta_true=theta_true)


# ----------------------------------------------- trade: PPML gravity with exporter/importer effects by name
COUNTRIES = ["AUS", "BRA", "CHN", "DEU", "IND", "JPN", "USA"]


def ppml_gravity_loss(beta, fe_exp, fe_imp, trade, log_dist, contig, pairs):
    index = {c: i for i, c in enumerate(COUNTRIES)}
    o = np.array([index[a] for a, b in pairs])
    d = np.array([index[b] for a, b in pairs])
    fe_imp_full = np.concatenate([[0.0], fe_imp])  # the first importer is the reference
    eta = fe_exp[o] + fe_imp_full[d] + beta[0] * log_dist + beta[1] * contig
    mu = np.exp(eta)
    return np.sum(mu - trade * eta) / len(trade)


def ppml_inputs(rng):
    pairs = [(a, b) for a in COUNTRIES for b in COUNTRIES if a != b]
    n = len(pairs)
    log_dist = rng.uniform(6.5, 9.5, n)
    contig = (rng.uniform(size=n) < 0.15).astype(float)
    eta = 1.0 + 0.5 * rng.standard_normal(n) - 0.9 * (log_dist - 8) + 0.5 * contig
    trade = rng.poisson(np.exp(eta)).astype(float)
    return dict(beta=np.array([-0.7, 0.3]), fe_exp=0.2 * rng.standard_normal(7), fe_imp=0.2 * rng.standard_normal(6),
                trade=trade, log_dist=log_dist - 8.0, contig=contig, pairs=pairs)


# ----------------------------------------------- stereo vision: cost volume and soft-argmin disparity
def stereo_loss(W, b, left, right, disp_gt, max_disp=4):
    def features(img):
        padded = np.pad(img, ((0, 0), (1, 1)), mode="edge")
        patches = np.stack([padded[:, :-2], padded[:, 1:-1], padded[:, 2:]], axis=-1)  # (H, W, 3)
        return np.tanh(patches @ W + b)

    fl, fr = features(left), features(right)
    H, Wd, C = fl.shape
    cost = np.full((max_disp, H, Wd), 4.0)  # no match left of the image border
    for d in range(max_disp):
        if d == 0:
            cost[0] = np.sum((fl - fr) ** 2, axis=-1)
        else:
            cost[d, :, d:] = np.sum((fl[:, d:] - fr[:, :-d]) ** 2, axis=-1)
    prob = softmax(-cost, axis=0)
    disp = np.sum(prob * np.arange(max_disp)[:, None, None], axis=0)
    diff = disp - disp_gt
    valid = disp_gt > 0
    smooth_l1 = np.where(np.abs(diff) < 1, 0.5 * diff ** 2, np.abs(diff) - 0.5)
    return np.mean(smooth_l1[valid])


def stereo_inputs(rng):
    H, Wd = 6, 14
    right = rng.uniform(size=(H, Wd + 3))
    disp_gt = np.where(np.arange(Wd)[None, :] < 7, 1, 2) * np.ones((H, 1))
    left = np.zeros((H, Wd))
    for r in range(H):
        for c in range(Wd):
            left[r, c] = right[r, c + 3 - int(disp_gt[r, c])]
    right = right[:, 3:]
    disp_gt[:, :2] = 0  # unknown at the border
    return dict(W=0.8 * rng.standard_normal((3, 4)), b=0.1 * rng.standard_normal(4), left=left, right=right,
                disp_gt=disp_gt)


# ----------------------------------------------- graphics: spherical-harmonic relighting with per-material albedo
A_HAT = np.array([np.pi] + [2 * np.pi / 3] * 3 + [np.pi / 4] * 5)


def sh_basis(n):
    x, y, z = n[:, 0], n[:, 1], n[:, 2]
    return np.stack([0.282095 * np.ones_like(x), 0.488603 * y, 0.488603 * z, 0.488603 * x,
                     1.092548 * x * y, 1.092548 * y * z, 0.315392 * (3 * z ** 2 - 1), 1.092548 * x * z,
                     0.546274 * (x ** 2 - y ** 2)], axis=1)


def sh_relight_loss(coeffs, log_albedo, normals_raw, observed, labels):
    n = normals_raw / np.linalg.norm(normals_raw, axis=1, keepdims=True)
    B = sh_basis(n)
    irradiance = np.einsum("pk,k,kc->pc", B, A_HAT, coeffs)
    albedo = np.exp(log_albedo)[labels]
    rgb = albedo * irradiance
    pred = np.clip(rgb, 1e-4, None) ** (1 / 2.2)
    return np.mean((pred - observed) ** 2) + 1e-3 * np.sum(coeffs[4:] ** 2)


def sh_inputs(rng):
    P = 40
    normals = rng.standard_normal((P, 3))
    normals[:, 2] = np.abs(normals[:, 2]) + 0.5
    labels = rng.integers(0, 3, P)
    coeffs = np.zeros((9, 3))
    coeffs[0] = [0.8, 0.75, 0.7]
    coeffs[2] = [0.4, 0.35, 0.3]
    coeffs[3] = [0.1, 0.0, -0.1]
    n = normals / np.linalg.norm(normals, axis=1, keepdims=True)
    albedo = np.array([[0.8, 0.5, 0.3], [0.3, 0.6, 0.7], [0.5, 0.5, 0.5]])
    rgb = albedo[labels] * np.einsum("pk,k,kc->pc", sh_basis(n), A_HAT, coeffs)
    observed = np.clip(rgb, 1e-4, None) ** (1 / 2.2) + 0.01 * rng.standard_normal((P, 3))
    return dict(coeffs=coeffs + 0.05 * rng.standard_normal((9, 3)), log_albedo=np.log(albedo) + 0.1, normals_raw=normals,
                observed=observed, labels=labels)


# ----------------------------------------------- forecasting: Prophet-style changepoint trend plus seasonality
def prophet_components(k, m, delta, beta, t, changepoints, period=7.0):
    A = (t[:, None] >= changepoints[None, :]).astype(float)
    gamma = -changepoints * delta
    trend = (k + A @ delta) * t + (m + A @ gamma)
    order = len(beta) // 2
    n = np.arange(1, order + 1)
    X = np.concatenate([np.cos(2 * np.pi * n[None, :] * t[:, None] / period),
                        np.sin(2 * np.pi * n[None, :] * t[:, None] / period)], axis=1)
    return trend, X @ beta


def prophet_loss(k, m, delta, beta, log_sigma, t, y, changepoints, tau=0.05):
    trend, season = prophet_components(k, m, delta, beta, t, changepoints)
    sigma = np.exp(log_sigma)
    nll = 0.5 * np.sum(((y - trend - season) / sigma) ** 2) + len(y) * log_sigma
    prior = np.sum(np.abs(delta)) / tau + 0.5 * np.sum(beta ** 2) / 100 + 0.5 * (k ** 2 + m ** 2) / 25
    return nll + prior


def prophet_with_aux(k, m, delta, beta, log_sigma, t, y, changepoints):
    trend, season = prophet_components(k, m, delta, beta, t, changepoints)
    loss = prophet_loss(k, m, delta, beta, log_sigma, t, y, changepoints)
    return loss, {"trend": trend, "season": season, "rmse": np.sqrt(np.mean((y - trend - season) ** 2))}


def prophet_inputs(rng):
    t = np.linspace(0, 1, 60)
    cps = np.linspace(0.1, 0.8, 6)
    y = 0.5 * t + 0.8 * np.maximum(t - 0.5, 0) + 0.2 * np.sin(2 * np.pi * t / 7.0 * 1.0) + 0.05 * rng.standard_normal(60)
    return dict(k=0.4, m=0.02, delta=0.1 * rng.standard_normal(6), beta=0.05 * rng.standard_normal(6),
                log_sigma=np.log(0.1), t=t * 30.0 / 30.0, y=y, changepoints=cps)


# ----------------------------------------------- wind energy: Gaussian-wake farm layout over a wind rose
def farm_power(xy, wind_dir_deg, U=8.0, D=1.0, k=0.06, ct=0.8):
    th = np.deg2rad(wind_dir_deg)
    rot = np.array([[np.cos(th), np.sin(th)], [-np.sin(th), np.cos(th)]])
    p = xy @ rot.T  # downwind, crosswind
    dx = p[None, :, 0] - p[:, None, 0]  # dx[i, j]: how far j is downstream of i
    dy = p[None, :, 1] - p[:, None, 1]
    downstream = dx > 0
    dxp = np.where(downstream, dx, 1.0)
    sigma = k * dxp + D / np.sqrt(8)
    deficit = (1 - np.sqrt(1 - ct / (8 * sigma ** 2 / D ** 2))) * np.exp(-dy ** 2 / (2 * sigma ** 2))
    deficit = np.where(downstream, deficit, 0.0)
    u = U * (1 - np.clip(np.sum(deficit, axis=0), 0.0, 0.9))
    return np.sum(u ** 3) / (len(xy) * U ** 3)


def farm_layout_loss(xy, dirs, freqs, min_spacing=2.0):
    aep = sum(f * farm_power(xy, d) for d, f in zip(dirs, freqs))
    diff = xy[:, None, :] - xy[None, :, :]
    iu = np.triu_indices(len(xy), k=1)
    dist = np.sqrt(np.sum(diff ** 2, axis=-1))[iu]
    penalty = np.sum(np.maximum(min_spacing - dist, 0.0) ** 2)
    return -aep + 10.0 * penalty


def farm_inputs(rng):
    g = np.arange(3) * 3.0
    xy = np.array([[a, b] for a in g for b in g]) + 0.3 * rng.standard_normal((9, 2))
    xy[4] = xy[3] + np.array([1.5, 0.3])  # two turbines closer than the minimum spacing
    return dict(xy=xy, dirs=[270.0, 300.0, 0.0, 90.0], freqs=[0.4, 0.25, 0.2, 0.15])


# ----------------------------------------------- bioinformatics: ZOOPS motif model over ragged DNA strings
BASES = "ACGT"


def one_hot(seq):
    lookup = {b: i for i, b in enumerate(BASES)}
    idx = np.array([lookup[c] for c in seq])
    return np.eye(4)[idx]


def zoops_nll(pwm_logits, prior_logit, seqs, background=(0.3, 0.2, 0.2, 0.3)):
    logp = pwm_logits - logsumexp(pwm_logits, axis=1, keepdims=True)  # (w, 4)
    w = logp.shape[0]
    log_bg = np.log(np.asarray(background))
    gamma = expit(prior_logit)
    total = 0.0
    for s in seqs:
        X = one_hot(s)
        L = len(s)
        bg = X @ log_bg
        scores = np.array([np.sum(X[i:i + w] * logp) - np.sum(bg[i:i + w]) for i in range(L - w + 1)])
        log_motif = np.log(gamma) - np.log(L - w + 1) + logsumexp(scores)
        total += np.sum(bg) + np.logaddexp(np.log1p(-gamma), log_motif)
    return -total / len(seqs)


def zoops_inputs(rng):
    motif = "TATAAT"
    seqs = []
    for i in range(8):
        L = int(rng.integers(14, 22))
        s = "".join(rng.choice(list(BASES), size=L))
        if i % 3 != 2:
            pos = int(rng.integers(0, L - len(motif)))
            s = s[:pos] + motif + s[pos + len(motif):]
        seqs.append(s)
    return dict(pwm_logits=0.3 * rng.standard_normal((6, 4)), prior_logit=0.5, seqs=seqs)


# ----------------------------------------------- audio: dynamic-range compressor, attack/release and soft knee
def compress(x, threshold_db, ratio, knee_db, attack, release, makeup_db, fs=8000):
    a_att = np.exp(-1.0 / (attack * fs))
    a_rel = np.exp(-1.0 / (release * fs))
    env = 0.0
    out = np.zeros_like(x)
    for n in range(len(x)):
        level = abs(x[n])
        if level > env:
            env = a_att * env + (1 - a_att) * level
        else:
            env = a_rel * env + (1 - a_rel) * level
        over = 20 * np.log10(env + 1e-9) - threshold_db
        if 2 * over < -knee_db:
            gain_db = 0.0
        elif 2 * abs(over) <= knee_db:
            gain_db = (1 / ratio - 1) * (over + knee_db / 2) ** 2 / (2 * knee_db)
        else:
            gain_db = (1 / ratio - 1) * over
        out[n] = x[n] * 10 ** ((gain_db + makeup_db) / 20)
    return out


def compressor_fit_loss(threshold_db, log_ratio, makeup_db, x, target):
    y = compress(x, threshold_db, 1 + np.exp(log_ratio), 6.0, 0.002, 0.03, makeup_db)
    return 100.0 * np.mean((y - target) ** 2)


def compressor_inputs(rng):
    n = 400
    t = np.arange(n) / 8000
    amp = np.where(t < 0.02, 0.1, 0.8) * np.where(t > 0.04, 0.3, 1.0)
    x = amp * np.sin(2 * np.pi * 440 * t) + 0.01 * rng.standard_normal(n)
    target = compress(x, -18.0, 4.0, 6.0, 0.002, 0.03, 3.0)
    return dict(threshold_db=-15.0, log_ratio=np.log(2.0), makeup_db=1.0, x=x, target=target)


# ----------------------------------------------- econometrics: GHK simulator for a three-alternative probit
def ghk_probit_nll(beta, l_params, X, choice, uniforms):
    L = np.zeros((3, 3))
    L[np.tril_indices(3)] = l_params
    L[0, 0] = 1.0  # scale normalisation
    Sigma = L @ L.T
    nll = 0.0
    for i in range(X.shape[0]):
        c = choice[i]
        others = [k for k in range(3) if k != c]
        M = np.zeros((2, 3))
        for r, k in enumerate(others):
            M[r, k] = 1.0
            M[r, c] = -1.0
        mu = M @ (X[i] @ beta)
        C = np.linalg.cholesky(M @ Sigma @ M.T)
        u = uniforms[i]
        p1 = norm.cdf(-mu[0] / C[0, 0])
        eta1 = norm.ppf(u[:, 0] * p1)
        p2 = norm.cdf((-mu[1] - C[1, 0] * eta1) / C[1, 1])
        nll -= np.log(np.mean(p1 * p2))
    return nll / X.shape[0]


def ghk_inputs(rng):
    n, K, R = 20, 2, 30
    X = rng.standard_normal((n, 3, K))
    choice = rng.integers(0, 3, n)
    return dict(beta=np.array([0.8, -0.5]), l_params=np.array([1.0, 0.3, 0.9, -0.2, 0.4, 1.1]), X=X, choice=choice,
                uniforms=rng.uniform(0.01, 0.99, (n, R, 2)))


# ----------------------------------------------- face recognition: ArcFace additive angular margin
def arcface_loss(W_emb, W_cls, X, labels, s=16.0, m=0.3):
    emb = X @ W_emb
    emb = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    Wn = W_cls / np.linalg.norm(W_cls, axis=0, keepdims=True)
    cos = np.clip(emb @ Wn, -1 + 1e-7, 1 - 1e-7)
    theta = np.arccos(cos)
    onehot = np.zeros_like(cos)
    onehot[np.arange(len(labels)), labels] = 1.0
    target = np.where(theta + m < np.pi, np.cos(theta + m), cos - m * np.sin(m))
    logits = s * np.where(onehot == 1, target, cos)
    logits -= logits.max(axis=1, keepdims=True)
    logp = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    return -np.mean(logp[np.arange(len(labels)), labels])


def arcface_dict_loss(params, X, labels):
    return arcface_loss(params["emb"], params["cls"], X, labels)


def arcface_inputs(rng):
    n, d_in, d, C = 24, 6, 4, 5
    labels = rng.integers(0, C, n)
    centers = rng.standard_normal((C, d_in))
    X = centers[labels] + 0.5 * rng.standard_normal((n, d_in))
    return dict(W_emb=0.5 * rng.standard_normal((d_in, d)), W_cls=rng.standard_normal((d, C)), X=X, labels=labels)


# ----------------------------------------------- set learning: pooling by multi-head attention with padding masks
def pma_pool(X, lengths, S, Wq, Wk, Wv, n_heads=2):
    B, N, D = X.shape
    mask = np.arange(N)[None, :] < lengths[:, None]
    Q = S @ Wq
    K = X @ Wk
    V = X @ Wv
    dh = D // n_heads
    Qh = Q.reshape(-1, n_heads, dh).transpose(1, 0, 2)
    Kh = K.reshape(B, N, n_heads, dh).transpose(0, 2, 1, 3)
    Vh = V.reshape(B, N, n_heads, dh).transpose(0, 2, 1, 3)
    scores = np.einsum("hkd,bhnd->bhkn", Qh, Kh) / np.sqrt(dh)
    scores = np.where(mask[:, None, None, :], scores, -1e9)
    attn = softmax(scores, axis=-1)
    out = np.einsum("bhkn,bhnd->bhkd", attn, Vh)
    return out.transpose(0, 2, 1, 3).reshape(B, -1, D)


def set_regression_loss(S, Wq, Wk, Wv, w_out, X, lengths, y):
    pooled = pma_pool(X, lengths, S, Wq, Wk, Wv)
    h = pooled.reshape(len(X), -1)
    pred = np.tanh(h) @ w_out
    return np.mean((pred - y) ** 2)


def set_inputs(rng):
    B, N, D, k = 5, 7, 4, 2
    lengths = np.array([7, 3, 5, 1, 6])
    X = rng.standard_normal((B, N, D))
    y = np.array([X[b, :lengths[b]].sum() for b in range(B)]) / 4
    return dict(S=rng.standard_normal((k, D)), Wq=0.5 * rng.standard_normal((D, D)), Wk=0.5 * rng.standard_normal((D, D)),
                Wv=0.5 * rng.standard_normal((D, D)), w_out=0.5 * rng.standard_normal(k * D), X=X, lengths=lengths, y=y)


# ----------------------------------------------- chemistry ML: batched molecular graphs, mean/std aggregation
def gnn_batch_loss(W_msg, W_upd, w_out, node_feat, edges, edge_feat, batch, y):
    src, dst = edges[:, 0], edges[:, 1]
    h = node_feat
    n_graphs = batch.max() + 1
    deg = np.bincount(dst, minlength=len(h)).astype(float)
    for layer in range(W_msg.shape[0]):
        m = np.tanh(np.concatenate([h[src], edge_feat], axis=1) @ W_msg[layer])
        agg = np.zeros((len(h), m.shape[1]))
        np.add.at(agg, dst, m)
        sq = np.zeros_like(agg)
        np.add.at(sq, dst, m ** 2)
        mean = agg / np.maximum(deg, 1)[:, None]
        std = np.sqrt(np.maximum(sq / np.maximum(deg, 1)[:, None] - mean ** 2, 0.0) + 1e-5)
        h = np.tanh(np.concatenate([h, mean, std], axis=1) @ W_upd[layer])
    pooled = np.zeros((n_graphs, h.shape[1]))
    np.add.at(pooled, batch, h)
    readout = pooled / np.bincount(batch)[:, None]
    return np.mean((readout @ w_out - y) ** 2)


def gnn_batch_inputs(rng):
    H, E = 4, 2
    sizes = [4, 6, 5]
    edges, batch, start = [], [], 0
    for g, n in enumerate(sizes):
        for i in range(n - 1):  # a chain plus one ring closure
            edges += [(start + i, start + i + 1), (start + i + 1, start + i)]
        edges += [(start, start + n - 1), (start + n - 1, start)]
        batch += [g] * n
        start += n
    edges = np.array(edges)
    return dict(W_msg=0.5 * rng.standard_normal((2, H + E, H)), W_upd=0.5 * rng.standard_normal((2, 3 * H, H)),
                w_out=rng.standard_normal(H), node_feat=rng.standard_normal((start, H)), edges=edges,
                edge_feat=rng.standard_normal((len(edges), E)), batch=np.array(batch), y=np.array([0.5, -0.2, 0.1]))


# ----------------------------------------------- solid state: diatomic-chain phonons by a complex Hermitian eigvalsh
def diatomic_dispersion(C1, C2, m1, m2, qs, a=1.0):
    freqs = []
    for q in qs:
        off = -(C1 + C2 * np.exp(-1j * q * a)) / np.sqrt(m1 * m2)
        D = np.array([[(C1 + C2) / m1, off], [np.conj(off), (C1 + C2) / m2]])
        w2 = np.linalg.eigvalsh(D)
        freqs.append(np.sqrt(np.abs(w2)))
    return np.array(freqs)


def phonon_fit_loss(log_C, log_m2, qs, measured):
    C1, C2 = np.exp(log_C)
    f = diatomic_dispersion(C1, C2, 1.0, np.exp(log_m2), qs)
    return np.sum((f - measured) ** 2)


def phonon_inputs(rng):
    qs = np.linspace(0.2, np.pi, 9)
    measured = diatomic_dispersion(1.0, 1.6, 1.0, 2.5, qs) + 0.01 * rng.standard_normal((9, 2))
    return dict(log_C=np.log(np.array([1.2, 1.4])), log_m2=np.log(2.0), qs=qs, measured=measured)


# ----------------------------------------------- ecology: Holling type III functional response with prey depletion
def prey_remaining(N0, a, h, T=24.0, steps=48):
    dt = T / steps

    def rate(n):
        return -a * n ** 2 / (1 + a * h * n ** 2)

    N = N0.astype(float)
    for _ in range(steps):
        k1 = rate(N)
        k2 = rate(N + 0.5 * dt * k1)
        k3 = rate(N + 0.5 * dt * k2)
        k4 = rate(N + dt * k3)
        N = N + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return N


def functional_response_nll(log_a, log_h, N0, eaten):
    a, h = np.exp(log_a), np.exp(log_h)
    p = np.clip((N0 - prey_remaining(N0, a, h)) / N0, 1e-9, 1 - 1e-9)
    ll = gammaln(N0 + 1) - gammaln(eaten + 1) - gammaln(N0 - eaten + 1) + xlogy(eaten, p) + xlog1py(N0 - eaten, -p)
    return -np.sum(ll)


def holling_inputs(rng):
    N0 = np.repeat(np.array([2, 5, 10, 20, 40, 80]), 3)
    p = (N0 - prey_remaining(N0, 0.01, 0.2)) / N0
    return dict(log_a=np.log(0.02), log_h=np.log(0.15), N0=N0, eaten=rng.binomial(N0, p).astype(float))


PROGRAMS = [
    dict(name="gompertz_makeham_annuity", f=gompertz_makeham_loss, inputs=gompertz_inputs,
         wrt=("log_a", "log_b", "log_c")),
    dict(name="cole_cole_dielectric", f=dielectric_fit_loss, inputs=dielectric_inputs, wrt=("theta",)),
    dict(name="hyperspectral_unmixing_sam", f=unmixing_loss, inputs=unmixing_inputs, wrt=("logits", "log_E")),
    dict(name="fem1d_nonlinear_heat_newton", f=fem_inverse_loss, inputs=fem_inputs, wrt=("k0", "beta", "q")),
    dict(name="grin_lens_rk4_rays", f=grin_focus_loss, inputs=grin_inputs, wrt=("A",)),
    dict(name="hiv_viral_dynamics_censored", f=hiv_nll, inputs=hiv_inputs,
         wrt=("log_beta", "log_delta", "log_p", "logit_eff")),
    dict(name="kelly_leverage_penalty", f=kelly_objective, inputs=kelly_inputs, wrt=("w",)),
    dict(name="discrete_time_survival_repeat", f=discrete_survival_nll, inputs=discrete_survival_inputs,
         wrt=("beta", "alpha")),
    dict(name="deep_hedging_entropic", f=deep_hedging_risk, inputs=deep_hedging_inputs, wrt=("W1", "b1", "W2", "b2")),
    dict(name="robertson_implicit_euler", f=robertson_fit_loss, inputs=robertson_inputs, wrt=("log_k",)),
    dict(name="pure_pursuit_argmin", f=pure_pursuit_cost, inputs=pure_pursuit_inputs, wrt=("log_gain", "log_ld0")),
    dict(name="population_decoding_fisher", f=decoding_loss, inputs=decoding_inputs, wrt=("gains", "log_kappa")),
    dict(name="ppml_gravity_name_index", f=ppml_gravity_loss, inputs=ppml_inputs, wrt=("beta", "fe_exp", "fe_imp")),
    dict(name="stereo_soft_argmin", f=stereo_loss, inputs=stereo_inputs, wrt=("W", "b")),
    dict(name="sh_relighting_einsum", f=sh_relight_loss, inputs=sh_inputs, wrt=("coeffs", "log_albedo")),
    dict(name="prophet_changepoints", f=prophet_loss, inputs=prophet_inputs,
         wrt=("k", "m", "delta", "beta", "log_sigma")),
    dict(name="wind_farm_gaussian_wake", f=farm_layout_loss, inputs=farm_inputs, wrt=("xy",)),
    dict(name="zoops_motif_ragged", f=zoops_nll, inputs=zoops_inputs, wrt=("pwm_logits", "prior_logit")),
    dict(name="compressor_soft_knee", f=compressor_fit_loss, inputs=compressor_inputs,
         wrt=("threshold_db", "log_ratio", "makeup_db")),
    dict(name="ghk_probit_simulator", f=ghk_probit_nll, inputs=ghk_inputs, wrt=("beta", "l_params")),
    dict(name="arcface_margin", f=arcface_loss, inputs=arcface_inputs, wrt=("W_emb", "W_cls")),
    dict(name="set_pooling_padding_mask", f=set_regression_loss, inputs=set_inputs, wrt=("S", "Wq", "Wk", "Wv", "w_out")),
    dict(name="gnn_batched_segment_sums", f=gnn_batch_loss, inputs=gnn_batch_inputs, wrt=("W_msg", "W_upd", "w_out")),
    dict(name="phonon_complex_eigvalsh", f=phonon_fit_loss, inputs=phonon_inputs, wrt=("log_C", "log_m2")),
    dict(name="holling_type3_depletion", f=functional_response_nll, inputs=holling_inputs, wrt=("log_a", "log_h")),
]


# ================================================ the other transforms: jacobian, hvp, has_aux, structured params
@dataclass
class GompertzParams:
    log_a: float
    log_b: float
    log_c: float


def gompertz_dataclass_loss(params, deaths, exposure, ages):
    return gompertz_makeham_loss(params.log_a, params.log_b, params.log_c, deaths, exposure, ages)


def fem_temperatures(q, k0=1.0, beta=0.2):
    return fem_heat_solve(k0, beta, q)[1]


try:  # imported as benchmarks/real_programs.py's module, or run as a script
    from .checks import _close, _fd, run_checks
except ImportError:
    from checks import _close, _fd, run_checks


def check_ray_transfer_matrix(adjit):
    ray = np.array([0.1, 0.02])
    J = adjit.jacobian(grin_exit_ray)(ray, 0.5)
    return _close(J, _fd(lambda r: grin_exit_ray(r, 0.5), ray))


def check_fem_sensitivity(adjit):
    q = 5.0 + np.linspace(0, 1, 8)
    J = adjit.jacobian(fem_temperatures)(q)
    return _close(J, _fd(fem_temperatures, q))


def check_kelly_hvp(adjit):
    a = kelly_inputs(np.random.default_rng(12))
    args = (a["R"], a["probs"], a["max_lev"], a["mu_pen"], a["w_prev"])
    v = np.array([0.3, -0.1, 0.2, 0.5])
    hv = adjit.hvp(kelly_objective)(a["w"], *args, v)
    grad = adjit.grad(kelly_objective)
    return _close(hv, _fd(lambda w: grad(w, *args), a["w"]) @ v, rtol=1e-5)


def check_prophet_aux(adjit):
    a = prophet_inputs(np.random.default_rng(12))
    names = ("k", "m", "delta", "beta", "log_sigma", "t", "y", "changepoints")
    args = [a[n] for n in names]
    (loss, aux), grads = adjit.value_and_grad(prophet_with_aux, wrt=("delta", "beta"), has_aux=True)(*args)
    trend, season = prophet_components(*args[:4], args[5], args[7])
    ok = np.isclose(loss, prophet_loss(*args)) and _close(aux["trend"], trend) and _close(aux["season"], season)
    fd_delta = _fd(lambda d: prophet_loss(args[0], args[1], d, *args[3:]), args[2])
    fd_beta = _fd(lambda b: prophet_loss(*args[:3], b, *args[4:]), args[3])
    return bool(ok and _close(grads[0], fd_delta) and _close(grads[1], fd_beta))


def check_arcface_dict(adjit):
    a = arcface_inputs(np.random.default_rng(12))
    params = {"emb": a["W_emb"], "cls": a["W_cls"]}
    g = adjit.grad(arcface_dict_loss)(params, a["X"], a["labels"])
    fd_emb = _fd(lambda W: arcface_loss(W, a["W_cls"], a["X"], a["labels"]), a["W_emb"])
    fd_cls = _fd(lambda W: arcface_loss(a["W_emb"], W, a["X"], a["labels"]), a["W_cls"])
    return _close(g["emb"], fd_emb) and _close(g["cls"], fd_cls)


def check_gompertz_dataclass(adjit):
    a = gompertz_inputs(np.random.default_rng(12))
    p = GompertzParams(a["log_a"], a["log_b"], a["log_c"])
    g = adjit.grad(gompertz_dataclass_loss)(p, a["deaths"], a["exposure"], a["ages"])
    x0 = np.array([p.log_a, p.log_b, p.log_c])
    fd = _fd(lambda x: gompertz_dataclass_loss(GompertzParams(*x), a["deaths"], a["exposure"], a["ages"]), x0)
    return _close(np.array([g.log_a, g.log_b, g.log_c]), fd)


TRANSFORMS = [check_ray_transfer_matrix, check_fem_sensitivity, check_kelly_hvp, check_prophet_aux,
              check_arcface_dict, check_gompertz_dataclass]


if __name__ == "__main__":  # the other transforms, each in turn: pass, wrong, or the error's first line
    run_checks(TRANSFORMS)
