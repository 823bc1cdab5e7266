"""Seventeenth held-out set: twenty programs written without running adjit on them and without reading
what it supports, in domains the other modules do not cover, the way research code and course notes write
them: propofol pharmacokinetics with an effect site and a BIS Hill model under bolus and infusion events,
an ARMA(1,1) state-space Kalman likelihood that skips missing gauge readings, a superbee-limited
finite-volume river spill with np.roll fluxes, an intrinsic-coregionalization multi-output GP built by
np.kron, kagome bands from a batched complex eigvalsh over a k-grid, a Kremer-Grest bead-spring polymer
with np.triu_indices and a WCA cutoff mask, ALiBi causal attention for load forecasting, a multi-site field
trial's random-intercept likelihood from np.bincount and np.add.at group sums, time-warped growth curves
through np.interp, an adaptive-lasso ISTA while loop with an early exit differentiated in its penalty,
index tracking with np.cov, a rail track as an Euler-Bernoulli beam on a Winkler foundation assembled by
slices, a hurdle Poisson with np.log1p and np.expm1, magnetometer calibration through np.arctan2 and
np.angle wrapping, a learned FIR filter after a moving-average baseline by np.convolve, microscopy
deconvolution with np.apply_along_axis blurs and a Huber total variation, a PCB heat spreader by
flux-form slice updates, a mixture of regressions through logsumexp with b=, a matrix-product-state
transverse-field Ising energy by chains of np.einsum, and a rate-constant surrogate MLP whose layers are
looked up in a dict by f-string keys.

`TRANSFORMS` (run by `python benchmarks/real_programs/heldout17.py`) differentiates some of them the other
ways users ask for: adjit.jacobian (the beam's deflections in its stiffnesses), adjit.hvp (the hurdle
Poisson), value_and_grad(has_aux=True) (the Kalman filter with its filtered states) and a dict of parameters
(the MLP), each checked against central differences.
"""
import numpy as np
from scipy.special import gammaln, logsumexp, softmax
from scipy.stats import norm


# ----------------------------------------------- anaesthesia: propofol 3-compartment PK, effect site, BIS
def propofol_bis(log_k, log_ke0, log_ec50, gamma, boluses, infusion, t_obs, dt=0.1, V1=4.27):
    k10, k12, k21, k13, k31 = np.exp(log_k)
    ke0 = np.exp(log_ke0)
    ec50 = np.exp(log_ec50)
    n_steps = int(round(t_obs[-1] / dt)) + 1
    a1 = a2 = a3 = 0.0
    ce = 0.0
    next_bolus = 0
    k_obs = 0
    pred = []
    for step in range(n_steps):
        t = step * dt
        while next_bolus < len(boluses) and boluses[next_bolus][0] <= t + 1e-9:
            a1 += boluses[next_bolus][1]
            next_bolus += 1
        if t < 10 * len(infusion):
            rate = infusion[int(t // 10)]  # mg/min, a new rate every 10 min
        else:
            rate = 0.0
        c1 = a1 / V1
        if k_obs < len(t_obs) and abs(t - t_obs[k_obs]) < 1e-6:
            effect = ce ** gamma / (ec50 ** gamma + ce ** gamma)
            pred.append(97.7 * (1.0 - effect))
            k_obs += 1
        da1 = rate - (k10 + k12 + k13) * a1 + k21 * a2 + k31 * a3
        da2 = k12 * a1 - k21 * a2
        da3 = k13 * a1 - k31 * a3
        dce = ke0 * (c1 - ce)
        a1 += dt * da1
        a2 += dt * da2
        a3 += dt * da3
        ce += dt * dce
    return np.array(pred)


def propofol_bis_loss(log_k, log_ke0, log_ec50, gamma, boluses, infusion, t_obs, bis_obs):
    pred = propofol_bis(log_k, log_ke0, log_ec50, gamma, boluses, infusion, t_obs)
    return np.mean((pred - bis_obs) ** 2)


def propofol_inputs(rng):
    log_k = np.log([0.384, 0.375, 0.196, 0.041, 0.0035])
    t_obs = np.arange(1.0, 41.0, 1.0)
    boluses = [(0.0, 140.0), (15.0, 30.0)]
    infusion = np.array([8.0, 6.0, 5.0, 0.0])
    bis = propofol_bis(log_k, np.log(0.3), np.log(3.0), 2.0, boluses, infusion, t_obs)
    return dict(log_k=log_k, log_ke0=np.log(0.456), log_ec50=np.log(3.4), gamma=2.4, boluses=boluses,
                infusion=infusion, t_obs=t_obs, bis_obs=bis + 2.0 * rng.standard_normal(len(t_obs)))


# ----------------------------------------------- hydrology: ARMA(1,1) Kalman likelihood with gauge outages
def arma11_kalman_nll(phi_raw, theta, log_sigma, y, return_states=False):
    phi = np.tanh(phi_raw)  # stationary
    sigma2 = np.exp(2 * log_sigma)
    T = np.array([[phi, 1.0], [0.0, 0.0]])
    R = np.array([1.0, theta])
    Q = sigma2 * np.outer(R, R)
    Z = np.array([1.0, 0.0])
    a = np.zeros(2)
    # stationary initial covariance: vec(P) = (I - T kron T)^-1 vec(Q)
    P = np.linalg.solve(np.eye(4) - np.kron(T, T), Q.ravel()).reshape(2, 2)
    nll = 0.0
    n_used = 0
    states = []
    for t in range(len(y)):
        if not np.isnan(y[t]):
            F = Z @ P @ Z
            v = y[t] - Z @ a
            K = P @ Z / F
            a = a + K * v
            P = P - np.outer(K, K) * F
            nll += 0.5 * (np.log(2 * np.pi * F) + v ** 2 / F)
            n_used += 1
        states.append(a[0])
        a = T @ a
        P = T @ P @ T.T + Q
    if return_states:
        return nll / n_used, np.array(states)
    return nll / n_used


def arma11_inputs(rng):
    n = 60
    e = 0.4 * rng.standard_normal(n + 1)
    y = np.zeros(n)
    for t in range(1, n):
        y[t] = 0.7 * y[t - 1] + e[t + 1] + 0.3 * e[t]
    y[[7, 8, 21, 40, 41, 42]] = np.nan  # gauge outages
    return dict(phi_raw=0.5, theta=0.1, log_sigma=np.log(0.5), y=y)


# ----------------------------------------------- environmental: river spill, finite volumes with a superbee limiter
def superbee(r):
    return np.maximum(0.0, np.maximum(np.minimum(2.0 * r, 1.0), np.minimum(r, 2.0)))


def advect_spill(c0, u, k_decay, dx=1.0, dt=0.4, steps=30):
    c = c0.copy()
    nu = u * dt / dx
    for _ in range(steps):
        d_up = c - np.roll(c, 1)
        d_dn = np.roll(c, -1) - c
        r = np.where(np.abs(d_dn) > 1e-12, d_up / np.where(np.abs(d_dn) > 1e-12, d_dn, 1.0), 0.0)
        flux = u * (c + 0.5 * (1.0 - nu) * superbee(r) * d_dn)  # at the face i + 1/2
        c = c - dt / dx * (flux - np.roll(flux, 1)) - dt * k_decay * c
    return c


def spill_loss(c0, u, k_decay, c_obs, sensors):
    c = advect_spill(c0, u, k_decay)
    return np.sum((c[sensors] - c_obs) ** 2) + 1e-3 * np.sum(np.diff(c0) ** 2)


def spill_inputs(rng):
    x = np.arange(40.0)
    c_true = 0.05 + np.exp(-0.5 * ((x - 8.0) / 2.5) ** 2)
    sensors = np.arange(10, 40, 3)
    c_obs = advect_spill(c_true, 1.1, 0.01)[sensors] + 0.01 * rng.standard_normal(len(sensors))
    return dict(c0=c_true + 0.05 * rng.standard_normal(40), u=1.0, k_decay=0.02, c_obs=c_obs, sensors=sensors)


# ----------------------------------------------- air quality: intrinsic coregionalization GP via np.kron
def icm_gp_nll(log_ell, W, log_kappa, log_noise, t, Y):
    n, p = Y.shape
    d2 = (t[:, None] - t[None, :]) ** 2
    Kt = np.exp(-0.5 * d2 / np.exp(2 * log_ell))
    B = W @ W.T + np.diag(np.exp(log_kappa))
    K = np.kron(B, Kt) + np.exp(2 * log_noise) * np.eye(n * p)
    y = Y.T.ravel()  # station-major, matching kron(B, Kt)
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * n * p * np.log(2 * np.pi)


def icm_inputs(rng):
    t = np.linspace(0, 10, 14)
    base = np.sin(0.8 * t)
    Y = np.stack([base, 0.6 * base + 0.2, -0.4 * base + 0.3 * np.cos(t)], axis=1) + 0.1 * rng.standard_normal((14, 3))
    return dict(log_ell=np.log(1.5), W=np.array([[1.0], [0.5], [-0.3]]) + 0.1 * rng.standard_normal((3, 1)),
                log_kappa=np.log(np.array([0.1, 0.1, 0.2])), log_noise=np.log(0.15), t=t, Y=Y)


# ----------------------------------------------- condensed matter: kagome bands, batched complex eigvalsh
def kagome_bands(t1, phi, onsite, kpts):
    a1 = np.array([1.0, 0.0])
    a2 = np.array([0.5, np.sqrt(3) / 2])
    a3 = a2 - a1
    nk = len(kpts)
    H = np.zeros((nk, 3, 3), dtype=complex)
    hop = -2 * t1 * np.exp(1j * phi / 3)
    H[:, 0, 1] = hop * np.cos(kpts @ a1 / 2)
    H[:, 0, 2] = hop * np.cos(kpts @ a2 / 2)
    H[:, 1, 2] = hop * np.cos(kpts @ a3 / 2)
    H[:, 1, 0] = np.conj(H[:, 0, 1])
    H[:, 2, 0] = np.conj(H[:, 0, 2])
    H[:, 2, 1] = np.conj(H[:, 1, 2])
    for s in range(3):
        H[:, s, s] = onsite[s]
    return np.linalg.eigvalsh(H)  # (nk, 3), ascending


def kagome_arpes_loss(t1, phi, onsite, kpts, E_obs, mu=-0.5, kT=0.05):
    E = kagome_bands(t1, phi, onsite, kpts)
    fermi = 1.0 / (np.exp((E - mu) / kT) + 1.0)
    band_energy = np.sum(fermi * E) / len(kpts)
    return np.mean((E - E_obs) ** 2) + 0.01 * band_energy


def kagome_inputs(rng):
    kpts = rng.uniform(-3, 3, size=(24, 2))
    E_obs = kagome_bands(1.0, 0.4, np.array([0.0, 0.15, -0.1]), kpts) + 0.02 * rng.standard_normal((24, 3))
    return dict(t1=0.9, phi=0.3, onsite=np.array([0.05, 0.1, -0.05]), kpts=kpts, E_obs=E_obs)


# ----------------------------------------------- polymer physics: Kremer-Grest bead-spring chain
def kremer_grest_energy(pos, k_fene=30.0, R0=1.5, eps=1.0, sigma=1.0):
    bonds = pos[1:] - pos[:-1]
    r2 = np.sum(bonds ** 2, axis=1)
    e_fene = -0.5 * k_fene * R0 ** 2 * np.sum(np.log(1.0 - r2 / R0 ** 2))
    i, j = np.triu_indices(len(pos), k=1)
    d = pos[i] - pos[j]
    r = np.sqrt(np.sum(d ** 2, axis=1))
    rc = 2 ** (1 / 6) * sigma
    close = r < rc
    sr6 = (sigma / r[close]) ** 6
    e_wca = np.sum(4 * eps * (sr6 ** 2 - sr6) + eps)
    return e_fene + e_wca


def polymer_loss(pos, target_rg2=2.0):
    rg2 = np.mean(np.sum((pos - pos.mean(axis=0)) ** 2, axis=1))
    return kremer_grest_energy(pos) + 10.0 * (rg2 - target_rg2) ** 2


def polymer_inputs(rng):
    steps = rng.standard_normal((11, 3))
    steps = 0.97 * steps / np.linalg.norm(steps, axis=1, keepdims=True)
    pos = np.vstack([np.zeros(3), np.cumsum(steps, axis=0)])
    return dict(pos=pos + 0.02 * rng.standard_normal(pos.shape))


# ----------------------------------------------- energy forecasting: ALiBi causal attention, two heads
def alibi_attention_forecast_loss(Wq, Wk, Wv, Wo, w_head, x, y, n_heads=2):
    T, d = x.shape
    dh = Wq.shape[1] // n_heads
    q = (x @ Wq).reshape(T, n_heads, dh).transpose(1, 0, 2)
    k = (x @ Wk).reshape(T, n_heads, dh).transpose(1, 0, 2)
    v = (x @ Wv).reshape(T, n_heads, dh).transpose(1, 0, 2)
    scores = q @ k.transpose(0, 2, 1) / np.sqrt(dh)  # (H, T, T)
    pos = np.arange(T)
    dist = pos[None, :] - pos[:, None]  # j - i, <= 0 on the causal side
    slopes = 2.0 ** (-8.0 * np.arange(1, n_heads + 1) / n_heads)
    scores = scores + slopes[:, None, None] * dist[None, :, :]
    causal = np.triu(np.ones((T, T), dtype=bool), k=1)
    scores = np.where(causal, -1e30, scores)
    attn = softmax(scores, axis=-1)
    ctx = (attn @ v).transpose(1, 0, 2).reshape(T, n_heads * dh)
    h = x + np.tanh(ctx @ Wo)
    pred = h @ w_head  # next hour's load from each prefix
    return np.mean((pred[:-1] - y[1:]) ** 2)


def alibi_inputs(rng):
    T, d = 16, 4
    hours = np.arange(T)
    load = 1.0 + 0.4 * np.sin(2 * np.pi * hours / 24) + 0.05 * rng.standard_normal(T)
    x = np.stack([load, np.sin(2 * np.pi * hours / 24), np.cos(2 * np.pi * hours / 24), np.ones(T)], axis=1)
    s = 0.3
    return dict(Wq=s * rng.standard_normal((d, 4)), Wk=s * rng.standard_normal((d, 4)),
                Wv=s * rng.standard_normal((d, 4)), Wo=s * rng.standard_normal((4, d)),
                w_head=s * rng.standard_normal(d), x=x, y=load)


# ----------------------------------------------- agronomy: multi-site trial, random site intercepts by group sums
def multisite_trial_nll(mu, beta, log_tau, log_sigma, yields, site, nitrogen):
    n_sites = site.max() + 1
    resid = yields - mu - beta * nitrogen
    counts = np.bincount(site, minlength=n_sites)
    sums = np.zeros(n_sites)
    np.add.at(sums, site, resid)
    sq = np.bincount(site, weights=resid ** 2, minlength=n_sites)
    tau2, s2 = np.exp(2 * log_tau), np.exp(2 * log_sigma)
    # per site: resid ~ N(0, s2 I + tau2 11'), by the matrix determinant lemma and Sherman-Morrison
    logdet = (counts - 1) * np.log(s2) + np.log(s2 + counts * tau2)
    quad = (sq - tau2 * sums ** 2 / (s2 + counts * tau2)) / s2
    shrunk = tau2 * sums / (s2 + counts * tau2)  # BLUPs of the site effects
    return 0.5 * np.sum(logdet + quad) + 0.5 * len(yields) * np.log(2 * np.pi) + 0.01 * np.sum(shrunk ** 2)


def multisite_inputs(rng):
    sizes = np.array([3, 7, 2, 5, 9, 4, 6])
    site = np.repeat(np.arange(len(sizes)), sizes)
    rng.shuffle(site)
    nitrogen = rng.uniform(0, 2, len(site))
    effects = 0.5 * rng.standard_normal(len(sizes))
    yields = 5.0 + 0.8 * nitrogen + effects[site] + 0.3 * rng.standard_normal(len(site))
    return dict(mu=4.5, beta=0.5, log_tau=np.log(0.4), log_sigma=np.log(0.5), yields=yields, site=site,
                nitrogen=nitrogen)


# ----------------------------------------------- microbiology: time-warped growth curves through np.interp
def growth_warp_loss(log_rate, shift, template, t_knots, t, curves):
    loss = 0.0
    for i in range(len(curves)):
        tw = np.exp(log_rate[i]) * (t - shift[i])
        pred = np.interp(tw, t_knots, template)
        loss += np.sum((pred - curves[i]) ** 2)
    smooth = np.sum(np.diff(template, n=2) ** 2)
    return loss / len(curves) + 0.1 * smooth


def growth_inputs(rng):
    t_knots = np.linspace(0, 24, 13)
    logistic = 1.2 / (1 + np.exp(-(t_knots - 10) / 1.8))
    t = np.linspace(0.3, 23.7, 30)
    rates, shifts = np.array([1.0, 0.8, 1.2, 0.9]), np.array([0.0, 1.5, -1.0, 2.2])
    curves = np.array([np.interp(r * (t - s), t_knots, logistic) for r, s in zip(rates, shifts)])
    curves = curves + 0.02 * rng.standard_normal(curves.shape)
    return dict(log_rate=np.log(rates) + 0.05 * rng.standard_normal(4), shift=shifts + 0.2 * rng.standard_normal(4),
                template=logistic + 0.03 * rng.standard_normal(13), t_knots=t_knots, t=t, curves=curves)


# ----------------------------------------------- genomics: adaptive-lasso logistic ISTA, early exit, tuned penalty
def adaptive_lasso_validation(log_lam, log_pen, X_tr, y_tr, X_val, y_val, step=0.5, tol=1e-7, max_iter=400):
    lam = np.exp(log_lam) * np.exp(log_pen)  # per-marker penalties
    w = np.zeros(X_tr.shape[1])
    it = 0
    while it < max_iter:
        p = 1.0 / (1.0 + np.exp(-(X_tr @ w)))
        grad = X_tr.T @ (p - y_tr) / len(y_tr)
        z = w - step * grad
        w_new = np.sign(z) * np.maximum(np.abs(z) - step * lam, 0.0)
        if np.max(np.abs(w_new - w)) < tol:
            w = w_new
            break
        w = w_new
        it += 1
    p_val = 1.0 / (1.0 + np.exp(-(X_val @ w)))
    return -np.mean(y_val * np.log(p_val) + (1 - y_val) * np.log(1 - p_val))


def lasso_inputs(rng):
    n, d = 60, 8
    w_true = np.array([1.5, -1.0, 0.0, 0.0, 0.8, 0.0, 0.0, 0.0])
    X = rng.standard_normal((2 * n, d))
    y = (rng.uniform(size=2 * n) < 1 / (1 + np.exp(-X @ w_true))).astype(float)
    return dict(log_lam=np.log(0.03), log_pen=0.3 * rng.standard_normal(d), X_tr=X[:n], y_tr=y[:n], X_val=X[n:],
                y_val=y[n:])


# ----------------------------------------------- finance: index tracking with np.cov
def index_tracking_loss(w_raw, R, r_index, w_prev, cost=0.002, lam=5.0):
    w = np.exp(w_raw) / np.sum(np.exp(w_raw))
    port = R @ w
    C = np.cov(np.vstack([port, r_index]))
    te_var = C[0, 0] + C[1, 1] - 2 * C[0, 1]
    beta = C[0, 1] / C[1, 1]
    S = np.cov(R, rowvar=False)
    risk = w @ S @ w
    turnover = np.sum(np.abs(w - w_prev))
    return 252 * te_var + lam * (beta - 1.0) ** 2 + cost * turnover + 0.1 * risk


def tracking_inputs(rng):
    T, n = 80, 6
    f = 0.01 * rng.standard_normal(T)
    R = np.outer(f, rng.uniform(0.6, 1.4, n)) + 0.005 * rng.standard_normal((T, n))
    r_index = R @ np.full(n, 1 / n) + 0.002 * rng.standard_normal(T)
    return dict(w_raw=0.2 * rng.standard_normal(n), R=R, r_index=r_index, w_prev=np.full(n, 1 / n) + 0.01 * np.arange(n) - 0.025)


# ----------------------------------------------- railway: Euler-Bernoulli beam on a Winkler foundation
def track_deflection(log_EI, log_k, loads, L=12.0):
    n_el = len(log_EI)
    h = L / n_el
    ndof = 2 * (n_el + 1)
    K = np.zeros((ndof, ndof))
    k = np.exp(log_k)
    for e in range(n_el):
        EI = np.exp(log_EI[e])
        kb = EI / h ** 3 * np.array([[12, 6 * h, -12, 6 * h],
                                     [6 * h, 4 * h ** 2, -6 * h, 2 * h ** 2],
                                     [-12, -6 * h, 12, -6 * h],
                                     [6 * h, 2 * h ** 2, -6 * h, 4 * h ** 2]])
        kf = k * h / 420 * np.array([[156, 22 * h, 54, -13 * h],
                                     [22 * h, 4 * h ** 2, 13 * h, -3 * h ** 2],
                                     [54, 13 * h, 156, -22 * h],
                                     [-13 * h, -3 * h ** 2, -22 * h, 4 * h ** 2]])
        K[2 * e:2 * e + 4, 2 * e:2 * e + 4] += kb + kf
    F = np.zeros(ndof)
    F[0::2] = loads
    u = np.linalg.solve(K, F)
    return u[0::2]  # vertical deflections at the nodes


def track_stiffness_loss(log_EI, log_k, loads, measured_mm):
    w = track_deflection(log_EI, log_k, loads)
    return np.sum((1000 * w - measured_mm) ** 2) + 0.01 * np.sum(np.diff(log_EI) ** 2)


def track_inputs(rng):
    n_el = 8
    loads = np.zeros(n_el + 1)
    loads[3], loads[6] = -80.0, -80.0  # two axles, kN
    log_EI_true = np.log(6000.0) + 0.3 * np.sin(np.arange(n_el))
    meas = 1000 * track_deflection(log_EI_true, np.log(8e4), loads) + 0.01 * rng.standard_normal(n_el + 1)
    return dict(log_EI=np.full(n_el, np.log(6000.0)), log_k=np.log(7e4), loads=loads, measured_mm=meas)


# ----------------------------------------------- fisheries ecology: hurdle Poisson catch per haul
def hurdle_poisson_nll(gamma, beta, Z, X, y, log_effort):
    zero = y == 0
    eta0 = Z @ gamma  # logit P(catch > 0)
    log_p_pos = -np.log1p(np.exp(-eta0))
    log_p_zero = -np.log1p(np.exp(eta0))
    eta = X @ beta + log_effort
    lam = np.exp(eta)
    # zero-truncated Poisson for the positive hauls: log(1 - exp(-lam)) = log(-expm1(-lam))
    ll_pos = log_p_pos + y * eta - lam - gammaln(y + 1) - np.log(-np.expm1(-lam))
    ll = np.where(zero, log_p_zero, ll_pos)
    return -np.sum(ll) / len(y)


def hurdle_inputs(rng):
    n = 50
    depth = rng.uniform(-1, 1, n)
    temp = rng.uniform(-1, 1, n)
    Z = np.stack([np.ones(n), depth], axis=1)
    X = np.stack([np.ones(n), depth, temp], axis=1)
    log_effort = np.log(rng.uniform(0.5, 2.0, n))
    pos = rng.uniform(size=n) < 1 / (1 + np.exp(-(0.3 + 1.0 * depth)))
    lam = np.exp(0.8 + 0.4 * depth - 0.3 * temp + log_effort)
    counts = rng.poisson(lam)
    counts = np.where(counts == 0, 1, counts)
    y = np.where(pos, counts, 0).astype(float)
    return dict(gamma=np.array([0.1, 0.5]), beta=np.array([0.5, 0.2, 0.0]), Z=Z, X=X, y=y, log_effort=log_effort)


# ----------------------------------------------- navigation: magnetometer hard/soft-iron calibration by heading
def compass_calibration_loss(hard_iron, soft, mag_raw, heading_true, declination=0.05):
    A = np.array([[1.0 + soft[0], soft[1]], [soft[1], 1.0 + soft[2]]])
    m = (mag_raw - hard_iron) @ A.T
    heading = np.arctan2(-m[:, 1], m[:, 0]) + declination
    err = np.angle(np.exp(1j * (heading - heading_true)))  # wrapped to (-pi, pi]
    mean_err = np.arctan2(np.mean(np.sin(err)), np.mean(np.cos(err)))  # circular mean bias
    field = np.hypot(m[:, 0], m[:, 1])
    return np.mean(err ** 2) + mean_err ** 2 + 0.1 * np.mean((field - np.mean(field)) ** 2)


def compass_inputs(rng):
    psi = np.linspace(-np.pi, np.pi, 36, endpoint=False) + 0.05
    true_dir = np.stack([np.cos(psi - 0.05), -np.sin(psi - 0.05)], axis=1)
    A_true = np.array([[1.1, 0.08], [0.08, 0.9]])
    mag_raw = true_dir @ np.linalg.inv(A_true).T + np.array([0.3, -0.2]) + 0.005 * rng.standard_normal((36, 2))
    return dict(hard_iron=np.array([0.25, -0.15]), soft=np.array([0.05, 0.0, -0.05]), mag_raw=mag_raw,
                heading_true=np.angle(np.exp(1j * psi)))


# ----------------------------------------------- wearables: learned FIR after a moving-average baseline
def fir_denoise_loss(taps, gain, signal, target, win=15):
    baseline = np.convolve(signal, np.ones(win) / win, mode="same")
    detrended = signal - baseline
    filtered = gain * np.convolve(detrended, taps, mode="same")
    energy = np.convolve(filtered ** 2, np.ones(5) / 5, mode="valid")  # short-time energy envelope
    target_energy = np.convolve(target ** 2, np.ones(5) / 5, mode="valid")
    return np.mean((filtered - target) ** 2) + 0.1 * np.mean((energy - target_energy) ** 2) \
        + 1e-3 * np.sum(np.diff(taps) ** 2)


def fir_inputs(rng):
    n = 120
    t = np.arange(n) / 50.0
    clean = np.sin(2 * np.pi * 1.8 * t) * (1 + 0.3 * np.sin(2 * np.pi * 0.2 * t))
    drift = 0.8 * t + 0.5 * np.sin(2 * np.pi * 0.05 * t)
    signal = clean + drift + 0.2 * rng.standard_normal(n)
    return dict(taps=np.hanning(9) / np.sum(np.hanning(9)) + 0.01 * rng.standard_normal(9), gain=1.0,
                signal=signal, target=clean)


# ----------------------------------------------- microscopy: deconvolution, separable blur, Huber total variation
def gaussian_kernel(sigma, radius=3):
    x = np.arange(-radius, radius + 1)
    g = np.exp(-0.5 * (x / sigma) ** 2)
    return g / g.sum()


def deconvolution_energy(u, observed, psf_sigma=1.2, lam=0.05, delta=0.05):
    g = gaussian_kernel(psf_sigma)
    blurred = np.apply_along_axis(lambda row: np.convolve(row, g, mode="same"), 1, u)
    blurred = np.apply_along_axis(lambda col: np.convolve(col, g, mode="same"), 0, blurred)
    dx = np.diff(u, axis=1, append=u[:, -1:])
    dy = np.diff(u, axis=0, append=u[-1:, :])
    mag = np.sqrt(dx ** 2 + dy ** 2 + 1e-12)
    huber = np.where(mag < delta, 0.5 * mag ** 2 / delta, mag - 0.5 * delta)
    return 0.5 * np.sum((blurred - observed) ** 2) + lam * np.sum(huber)


def deconvolution_inputs(rng):
    img = np.zeros((10, 10))
    img[2:5, 3:8] = 1.0
    img[6:9, 1:4] = 0.6
    g = gaussian_kernel(1.2)
    obs = np.apply_along_axis(lambda r: np.convolve(r, g, mode="same"), 1, img)
    obs = np.apply_along_axis(lambda c: np.convolve(c, g, mode="same"), 0, obs) + 0.02 * rng.standard_normal((10, 10))
    return dict(u=obs + 0.05 * rng.standard_normal((10, 10)), observed=obs)


# ----------------------------------------------- electronics cooling: PCB heat spreader, flux-form slice updates
def pcb_temperature(log_k, power, chip_mask, steps=120, dt=0.1, h_conv=0.05, T_amb=25.0):
    k = np.exp(log_k)
    T = np.full(k.shape, T_amb)
    kx = 0.5 * (k[:, 1:] + k[:, :-1])  # face conductivities
    ky = 0.5 * (k[1:, :] + k[:-1, :])
    for _ in range(steps):
        fx = kx * (T[:, 1:] - T[:, :-1])
        fy = ky * (T[1:, :] - T[:-1, :])
        div = np.zeros_like(T)
        div[:, :-1] += fx
        div[:, 1:] -= fx
        div[:-1, :] += fy
        div[1:, :] -= fy
        T = T + dt * (div + power * chip_mask - h_conv * (T - T_amb))
    return T


def pcb_hotspot_loss(log_k, power, chip_mask, k_mean_target=1.0, temp=0.5):
    T = pcb_temperature(log_k, power, chip_mask)
    soft_max = temp * logsumexp(T.ravel() / temp)
    return soft_max + 20.0 * (np.mean(np.exp(log_k)) - k_mean_target) ** 2


def pcb_inputs(rng):
    chip = np.zeros((10, 10))
    chip[2:4, 2:4] = 1.0
    chip[6:8, 5:8] = 0.7
    return dict(log_k=0.2 * rng.standard_normal((10, 10)), power=2.0, chip_mask=chip)


# ----------------------------------------------- pharmacogenomics: mixture of linear regressions, logsumexp(b=)
def mixture_regression_nll(logit_pi, B, log_s, X, y):
    pi = softmax(logit_pi)
    mu = X @ B.T  # (n, K) component means
    s = np.exp(log_s)
    ll = norm.logpdf(y[:, None], loc=mu, scale=s)
    return -np.sum(logsumexp(ll, axis=1, b=pi)) / len(y)


def mixture_regression_inputs(rng):
    n = 60
    dose = rng.uniform(0, 2, n)
    X = np.stack([np.ones(n), dose], axis=1)
    responder = rng.uniform(size=n) < 0.4
    y = np.where(responder, 0.5 + 2.0 * dose, 0.2 + 0.3 * dose) + 0.25 * rng.standard_normal(n)
    return dict(logit_pi=np.array([0.2, -0.1]), B=np.array([[0.4, 1.8], [0.3, 0.4]]), log_s=np.log([0.3, 0.3]),
                X=X, y=y)


# ----------------------------------------------- quantum many-body: MPS energy of the transverse-field Ising chain
def tfim_mpo(h, J):
    I = np.eye(2)
    X = np.array([[0.0, 1.0], [1.0, 0.0]])
    Zp = np.array([[1.0, 0.0], [0.0, -1.0]])
    W = np.zeros((3, 3, 2, 2))
    W[0, 0] = I
    W[1, 0] = Zp
    W[2, 0] = -h * X
    W[2, 1] = -J * Zp
    W[2, 2] = I
    return W


def mps_energy(A, h=1.0, J=1.0):
    L, D = A.shape[0], A.shape[1]
    W = tfim_mpo(h, J)
    edge = np.ones(D)
    env = np.einsum("a,w,c->awc", edge, np.array([0.0, 0.0, 1.0]), edge)
    norm_env = np.einsum("a,c->ac", edge, edge)
    for i in range(L):
        env = np.einsum("awc,asb->wcsb", env, A[i])
        env = np.einsum("wcsb,wvst->cbvt", env, W)
        env = np.einsum("cbvt,ctd->bvd", env, A[i])
        norm_env = np.einsum("ac,asb,csd->bd", norm_env, A[i], A[i])
    energy = np.einsum("bvd,b,v,d->", env, edge, np.array([1.0, 0.0, 0.0]), edge)
    norm2 = np.einsum("bd,b,d->", norm_env, edge, edge)
    return energy / norm2


def mps_inputs(rng):
    L, D = 6, 3
    A = np.zeros((L, D, 2, D))
    A[:, :, 0, :] = np.eye(D) * 0.9  # near the product state |up...>
    return dict(A=A + 0.2 * rng.standard_normal((L, D, 2, D)))


# ----------------------------------------------- combustion: rate-constant surrogate MLP with a dict of layers
def mlp_forward(params, x, n_layers):
    h = x
    for i in range(n_layers - 1):
        h = np.tanh(h @ params[f"W{i}"] + params[f"b{i}"])
    return h @ params[f"W{n_layers - 1}"] + params[f"b{n_layers - 1}"]


def rate_surrogate_params_loss(params, T, P, log_rate, weight_decay=1e-4):
    x = np.stack([1000.0 / T, np.log(P)], axis=1)
    x = (x - x.mean(axis=0)) / x.std(axis=0)
    pred = mlp_forward(params, x, len(params) // 2).ravel()
    l2 = sum(np.sum(v ** 2) for k, v in params.items() if k.startswith("W"))
    return np.mean((pred - log_rate) ** 2) + weight_decay * l2


def rate_surrogate_loss(W0, b0, W1, b1, W2, b2, T, P, log_rate):
    params = {"W0": W0, "b0": b0, "W1": W1, "b1": b1, "W2": W2, "b2": b2}
    return rate_surrogate_params_loss(params, T, P, log_rate)


def rate_surrogate_inputs(rng):
    n = 40
    T = rng.uniform(800, 2000, n)
    P = np.exp(rng.uniform(np.log(0.1), np.log(10.0), n))
    k_inf = 1e13 * np.exp(-20000 / T)
    k0 = 1e16 * np.exp(-15000 / T) * P
    log_rate = np.log(k_inf * k0 / (k_inf + k0))  # Lindemann falloff
    log_rate = (log_rate - log_rate.mean()) / log_rate.std()
    return dict(W0=0.5 * rng.standard_normal((2, 8)), b0=np.zeros(8), W1=0.5 * rng.standard_normal((8, 8)),
                b1=np.zeros(8), W2=0.5 * rng.standard_normal((8, 1)), b2=np.zeros(1), T=T, P=P, log_rate=log_rate)


PROGRAMS = [
    dict(name="propofol_effect_site_bis", f=propofol_bis_loss, inputs=propofol_inputs,
         wrt=("log_k", "log_ke0", "log_ec50", "gamma")),
    dict(name="arma11_kalman_missing", f=arma11_kalman_nll, inputs=arma11_inputs, wrt=("phi_raw", "theta", "log_sigma")),
    dict(name="river_spill_superbee_fv", f=spill_loss, inputs=spill_inputs, wrt=("c0", "u", "k_decay")),
    dict(name="icm_multioutput_gp_kron", f=icm_gp_nll, inputs=icm_inputs,
         wrt=("log_ell", "W", "log_kappa", "log_noise")),
    dict(name="kagome_batched_eigvalsh", f=kagome_arpes_loss, inputs=kagome_inputs, wrt=("t1", "phi", "onsite")),
    dict(name="kremer_grest_polymer_triu", f=polymer_loss, inputs=polymer_inputs, wrt=("pos",)),
    dict(name="alibi_causal_attention", f=alibi_attention_forecast_loss, inputs=alibi_inputs,
         wrt=("Wq", "Wk", "Wv", "Wo", "w_head")),
    dict(name="multisite_trial_bincount", f=multisite_trial_nll, inputs=multisite_inputs,
         wrt=("mu", "beta", "log_tau", "log_sigma")),
    dict(name="growth_curve_interp_warp", f=growth_warp_loss, inputs=growth_inputs,
         wrt=("log_rate", "shift", "template")),
    dict(name="adaptive_lasso_ista_while", f=adaptive_lasso_validation, inputs=lasso_inputs, wrt=("log_lam", "log_pen")),
    dict(name="index_tracking_cov", f=index_tracking_loss, inputs=tracking_inputs, wrt=("w_raw",)),
    dict(name="rail_winkler_beam_slices", f=track_stiffness_loss, inputs=track_inputs, wrt=("log_EI", "log_k")),
    dict(name="hurdle_poisson_log1p_expm1", f=hurdle_poisson_nll, inputs=hurdle_inputs, wrt=("gamma", "beta")),
    dict(name="compass_arctan2_calibration", f=compass_calibration_loss, inputs=compass_inputs,
         wrt=("hard_iron", "soft")),
    dict(name="fir_moving_average_convolve", f=fir_denoise_loss, inputs=fir_inputs, wrt=("taps", "gain")),
    dict(name="microscopy_huber_tv_apply_along", f=deconvolution_energy, inputs=deconvolution_inputs, wrt=("u",)),
    dict(name="pcb_heat_flux_slices", f=pcb_hotspot_loss, inputs=pcb_inputs, wrt=("log_k", "power")),
    dict(name="mixture_regression_logsumexp_b", f=mixture_regression_nll, inputs=mixture_regression_inputs,
         wrt=("logit_pi", "B", "log_s")),
    dict(name="mps_tfim_einsum_chain", f=mps_energy, inputs=mps_inputs, wrt=("A",)),
    dict(name="rate_surrogate_dict_mlp", f=rate_surrogate_loss, inputs=rate_surrogate_inputs,
         wrt=("W0", "b0", "W1", "b1", "W2", "b2")),
]


# ================================================ the other transforms: jacobian, hvp, has_aux, dict params
try:  # imported as benchmarks/real_programs.py's module, or run as a script
    from .checks import _close, _fd, run_checks
except ImportError:
    from checks import _close, _fd, run_checks


def check_track_jacobian(adjit):
    a = track_inputs(np.random.default_rng(12))
    J = adjit.jacobian(track_deflection)(a["log_EI"], a["log_k"], a["loads"])
    return _close(J, _fd(lambda x: track_deflection(x, a["log_k"], a["loads"]), a["log_EI"]))


def check_hurdle_hvp(adjit):
    a = hurdle_inputs(np.random.default_rng(12))
    args = (a["gamma"], a["beta"], a["Z"], a["X"], a["y"], a["log_effort"])
    v = np.array([0.3, -0.2, 0.5])
    hv = adjit.hvp(hurdle_poisson_nll, argnums=1)(*args, v)
    grad = adjit.grad(hurdle_poisson_nll, wrt=1)
    return _close(hv, _fd(lambda b: grad(args[0], b, *args[2:]), args[1]) @ v, rtol=1e-5)


def arma11_with_states(phi_raw, theta, log_sigma, y):
    nll, states = arma11_kalman_nll(phi_raw, theta, log_sigma, y, return_states=True)
    return nll, {"filtered": states}


def check_kalman_aux(adjit):
    a = arma11_inputs(np.random.default_rng(12))
    (nll, aux), g = adjit.value_and_grad(arma11_with_states, wrt=(0, 1), has_aux=True)(
        a["phi_raw"], a["theta"], a["log_sigma"], a["y"])
    ref_nll, ref_states = arma11_kalman_nll(a["phi_raw"], a["theta"], a["log_sigma"], a["y"], return_states=True)
    fd0 = _fd(lambda p: arma11_kalman_nll(float(p), a["theta"], a["log_sigma"], a["y"]), np.array(a["phi_raw"]))
    fd1 = _fd(lambda p: arma11_kalman_nll(a["phi_raw"], float(p), a["log_sigma"], a["y"]), np.array(a["theta"]))
    return bool(np.isclose(nll, ref_nll) and _close(aux["filtered"], ref_states) and _close(g[0], fd0)
                and _close(g[1], fd1))


def check_mlp_dict(adjit):
    a = rate_surrogate_inputs(np.random.default_rng(12))
    params = {k: a[k] for k in ("W0", "b0", "W1", "b1", "W2", "b2")}
    g = adjit.grad(rate_surrogate_params_loss)(params, a["T"], a["P"], a["log_rate"])
    ok = True
    for name in params:
        def f(x, name=name):
            return rate_surrogate_params_loss(dict(params, **{name: x}), a["T"], a["P"], a["log_rate"])
        ok = ok and _close(g[name], _fd(f, params[name]))
    return ok


TRANSFORMS = [check_track_jacobian, check_hurdle_hvp, check_kalman_aux, check_mlp_dict]


if __name__ == "__main__":  # the other transforms, each in turn: pass, wrong, or the error's first line
    run_checks(TRANSFORMS)
