"""Sixth held-out set: thirty programs written without reading adjit's docs or source, in domains the
other modules do not cover, in the styles of lab notebooks and textbooks: module-level constants and
config dicts, dataclasses and NamedTuples, helpers with default arguments and tuple returns, lists built
in loops, while loops with tolerances, in-place slice updates, fancy and boolean indexing, einsum,
np.linalg, scipy.special / scipy.stats, np.fft, complex numbers, sorting, binning, string options and
dict parameters.

Farquhar photosynthesis (A/Ci curves), van Genuchten-Mualem soil hydraulics, linear wave dispersion by
Newton (bathymetry inversion), a down-and-out barrier option by Monte Carlo with a Brownian-bridge
correction, Tweedie GLM insurance pricing with exposure offsets, T5 relative-position attention,
Lorenz-96 4D-Var, muffler transmission loss by acoustic transfer matrices, Black-Litterman allocation,
a stochastic-volatility particle filter with systematic resampling, a von Mises mixture, supernova
cosmology (luminosity distance), Cormack-Jolly-Seber capture-recapture, a psychometric function with
lapses, an age-structured fish stock assessment, Rachford-Rice flash, Gaussian beams through ABCD
matrices, Welch spectra of an AR(2) process, log-mel spectrogram matching, PID tuning (ITAE),
elastoplastic return mapping, a D2Q9 lattice Boltzmann fluid, BLP demand by contraction mapping,
Lee-Carter mortality, a CAR disease-mapping model, Holt-Winters smoothing, RotatE knowledge-graph
embeddings, GIoU + focal detection loss with hard-negative mining, tight-binding band fitting (complex
eigh) and Helmholtz-coil uniformity by Biot-Savart.
Written as plain NumPy/SciPy, the way the domain's textbooks, lecture notes and notebooks write them.
"""
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.integrate import cumulative_trapezoid
from scipy.special import expit, gammaln, i0e, logsumexp
from scipy.stats import binom, norm


# -------------------------------------------------- plant physiology: Farquhar-von Caemmerer-Berry A/Ci
O2_MMOL = 210.0
R_GAS = 8.314e-3  # kJ / mol / K
# Bernacchi et al. (2001): value at 25 C and activation energy (kJ/mol)
KINETICS_25C = {"Kc": (404.9, 79.43), "Ko": (278.4, 36.38), "gamma_star": (42.75, 37.83)}


def arrhenius(value25, ea, leaf_temp_c):
    tk = leaf_temp_c + 273.15
    return value25 * np.exp(ea * (tk - 298.15) / (298.15 * R_GAS * tk))


def farquhar_assimilation(ci, vcmax, jmax, rd, temp_c, theta=0.7, par=1500.0, alpha=0.3):
    kc = arrhenius(*KINETICS_25C["Kc"], temp_c)
    ko = arrhenius(*KINETICS_25C["Ko"], temp_c)
    gs = arrhenius(*KINETICS_25C["gamma_star"], temp_c)
    wc = vcmax * (ci - gs) / (ci + kc * (1 + O2_MMOL / ko))
    # electron transport: non-rectangular hyperbola in light
    b = alpha * par + jmax
    j = (b - np.sqrt(b ** 2 - 4 * theta * alpha * par * jmax)) / (2 * theta)
    wj = j * (ci - gs) / (4 * ci + 8 * gs)
    # smooth co-limitation instead of a hard minimum
    beta = 0.98
    s = wc + wj
    gross = (s - np.sqrt(s ** 2 - 4 * beta * wc * wj)) / (2 * beta)
    return gross - rd


def aci_fit_loss(log_params, ci_obs, a_obs, leaf_temp):
    vcmax, jmax, rd = np.exp(log_params)
    pred = farquhar_assimilation(ci_obs, vcmax, jmax, rd, leaf_temp)
    resid = pred - a_obs
    return 0.5 * np.sum(resid ** 2) / len(a_obs)


def aci_inputs(rng):
    ci = np.tile(np.array([50, 100, 150, 200, 300, 400, 600, 800, 1000, 1200], float), 3)
    temps = np.repeat([20.0, 25.0, 30.0], 10)
    a = farquhar_assimilation(ci, 60.0, 110.0, 1.2, temps) + 0.3 * rng.standard_normal(30)
    return dict(log_params=np.log([50.0, 95.0, 1.0]), ci_obs=ci, a_obs=a, leaf_temp=temps)


# --------------------------------------------------------------- soil physics: van Genuchten-Mualem
@dataclass
class SoilHorizon:
    name: str
    theta_r: float
    theta_s: float


HORIZONS = [SoilHorizon("Ap", 0.05, 0.45), SoilHorizon("Bt", 0.08, 0.40), SoilHorizon("C", 0.03, 0.35)]


def van_genuchten_theta(h, theta_r, theta_s, alpha, n):
    m = 1.0 - 1.0 / n
    se = (1.0 + (alpha * np.abs(h)) ** n) ** (-m)
    return np.where(h < 0, theta_r + (theta_s - theta_r) * se, theta_s)


def mualem_k(se, ks, n, tortuosity=0.5):
    m = 1.0 - 1.0 / n
    return ks * se ** tortuosity * (1.0 - (1.0 - se ** (1.0 / m)) ** m) ** 2


def retention_loss(log_alpha, log_n_minus_1, log_ks, heads, theta_obs, k_obs):
    loss = 0.0
    unsat = heads < 0
    for i, hz in enumerate(HORIZONS):
        alpha = np.exp(log_alpha[i])
        n = 1.0 + np.exp(log_n_minus_1[i])
        theta = van_genuchten_theta(heads, hz.theta_r, hz.theta_s, alpha, n)
        loss += np.mean((theta - theta_obs[i]) ** 2)
        se = (theta - hz.theta_r) / (hz.theta_s - hz.theta_r)
        k = mualem_k(se[unsat], np.exp(log_ks[i]), n)
        loss += 0.01 * np.mean((np.log10(k) - np.log10(k_obs[i][unsat])) ** 2)
    return loss


def retention_inputs(rng):
    heads = -np.logspace(0, 4, 15)
    heads = np.concatenate([[5.0, 0.0], heads])  # ponded and saturated readings
    true = [(0.02, 1.6, 30.0), (0.01, 1.3, 5.0), (0.05, 2.2, 80.0)]
    th, ks = [], []
    for hz, (a, n, k) in zip(HORIZONS, true):
        t = van_genuchten_theta(heads, hz.theta_r, hz.theta_s, a, n)
        se = (t - hz.theta_r) / (hz.theta_s - hz.theta_r)
        th.append(t + 0.005 * rng.standard_normal(len(heads)))
        kk = np.full(len(heads), k)
        kk[heads < 0] = mualem_k(se[heads < 0], k, n)
        ks.append(kk * np.exp(0.1 * rng.standard_normal(len(heads))))
    return dict(log_alpha=np.log([0.03, 0.02, 0.04]), log_n_minus_1=np.log([0.5, 0.4, 1.0]),
                log_ks=np.log([20.0, 8.0, 50.0]), heads=heads, theta_obs=np.array(th), k_obs=np.array(ks))


# ------------------------------------------------------------- coastal: wave dispersion, bathymetry
G = 9.81


def wavenumber(omega, depth, tol=1e-12, max_iter=50):
    """Solve omega^2 = g k tanh(k h) by Newton from the deep-water guess."""
    k = omega ** 2 / G
    k = k / np.sqrt(np.tanh(k * depth))
    it = 0
    while True:
        f = G * k * np.tanh(k * depth) - omega ** 2
        df = G * np.tanh(k * depth) + G * k * depth / np.cosh(k * depth) ** 2
        step = f / df
        k = k - step
        it += 1
        if np.max(np.abs(step)) < tol or it >= max_iter:
            break
    return k


def bathymetry_inversion(depths, periods, celerity_obs):
    omega = 2 * np.pi / periods
    speeds = []
    for j in range(len(depths)):
        k = wavenumber(omega, depths[j])
        speeds.append(omega / k)
    c = np.array(speeds)  # (stations, periods)
    misfit = np.sum((c - celerity_obs) ** 2)
    smooth = np.sum(np.diff(depths) ** 2)
    return misfit + 0.1 * smooth


def bathymetry_inputs(rng):
    true_depth = np.linspace(2.0, 15.0, 8)
    periods = np.array([4.0, 6.0, 8.0, 10.0, 12.0])
    omega = 2 * np.pi / periods
    c = np.array([omega / wavenumber(omega, h) for h in true_depth])
    return dict(depths=true_depth * (1 + 0.1 * rng.standard_normal(8)), periods=periods,
                celerity_obs=c + 0.05 * rng.standard_normal(c.shape))


# --------------------------------------------------------- finance: barrier option, Brownian bridge MC
@dataclass(frozen=True)
class BarrierSpec:
    strike: float = 100.0
    barrier: float = 85.0
    maturity: float = 1.0
    kind: str = "down-and-out"


def barrier_call_mc(s0, sigma, r, z, spec=BarrierSpec()):
    n_paths, n_steps = z.shape
    dt = spec.maturity / n_steps
    log_inc = (r - 0.5 * sigma ** 2) * dt + sigma * np.sqrt(dt) * z
    log_s = np.log(s0) + np.cumsum(log_inc, axis=1)
    s = np.exp(log_s)
    s_prev = np.hstack([np.full((n_paths, 1), s0), s[:, :-1]])
    # probability the continuous path stayed above the barrier between monitoring dates
    lb = math.log(spec.barrier)
    p_stay = 1.0 - np.exp(-2.0 * (np.log(s_prev) - lb) * (np.log(s) - lb) / (sigma ** 2 * dt))
    p_stay = np.where((s > spec.barrier) & (s_prev > spec.barrier), p_stay, 0.0)
    survival = np.prod(p_stay, axis=1)
    payoff = np.maximum(s[:, -1] - spec.strike, 0.0)
    if spec.kind == "down-and-out":
        value = payoff * survival
    elif spec.kind == "down-and-in":
        value = payoff * (1.0 - survival)
    else:
        raise ValueError(f"unknown barrier kind {spec.kind!r}")
    return np.exp(-r * spec.maturity) * value.mean()


def barrier_inputs(rng):
    return dict(s0=np.float64(100.0), sigma=np.float64(0.25), r=np.float64(0.03),
                z=rng.standard_normal((2000, 12)))


# -------------------------------------------------------- insurance: Tweedie GLM with exposure offset
RATING_FACTORS = {
    "region": ["north", "south", "east", "west"],
    "vehicle": ["small", "medium", "large"],
    "age_band": ["18-25", "26-40", "41-65", "65+"],
}
AGE_EDGES = [26, 41, 66]


def tweedie_deviance(y, mu, p=1.5):
    return 2 * (np.power(y, 2 - p) / ((1 - p) * (2 - p)) - y * np.power(mu, 1 - p) / (1 - p)
                + np.power(mu, 2 - p) / (2 - p))


def tweedie_pricing_loss(intercept, coefs, levels, driver_age, exposure, claims, power=1.5, l2=0.1):
    levels = dict(levels)
    levels["age_band"] = np.digitize(driver_age, AGE_EDGES)
    eta = np.full(len(exposure), intercept) + np.log(exposure)
    start = 0
    for factor, names in RATING_FACTORS.items():
        k = len(names)
        beta = coefs[start:start + k]
        eta += beta[levels[factor]]
        start += k
    mu = np.exp(eta)
    dev = tweedie_deviance(claims, mu, power)
    return dev.sum() / exposure.sum() + l2 * np.sum(coefs ** 2)


def tweedie_inputs(rng):
    n = 400
    region = rng.integers(0, 4, n)
    vehicle = rng.integers(0, 3, n)
    age = rng.uniform(18, 85, n)
    exposure = rng.uniform(0.2, 1.0, n)
    lam = exposure * np.exp(-2.0 + 0.3 * region - 0.2 * vehicle)
    counts = rng.poisson(lam)
    claims = np.array([rng.gamma(2.0, 500.0, c).sum() for c in counts]) / 1000.0
    return dict(intercept=np.float64(-1.0), coefs=0.1 * rng.standard_normal(11),
                levels={"region": region, "vehicle": vehicle}, driver_age=age, exposure=exposure,
                claims=claims)


# --------------------------------------------------------- NLP: T5-style relative position attention
def relative_position_bucket(rel, num_buckets=16, max_distance=64, bidirectional=True):
    ret = np.zeros_like(rel)
    n = -rel
    if bidirectional:
        num_buckets //= 2
        ret += (n < 0).astype(np.int64) * num_buckets
        n = np.abs(n)
    else:
        n = np.maximum(n, 0)
    max_exact = num_buckets // 2
    is_small = n < max_exact
    large = max_exact + (np.log(np.maximum(n, 1) / max_exact) / np.log(max_distance / max_exact)
                         * (num_buckets - max_exact)).astype(np.int64)
    large = np.minimum(large, num_buckets - 1)
    ret += np.where(is_small, n, large)
    return ret


def t5_attention_loss(x, wq, wk, wv, bias_table, target):
    T, d = x.shape
    n_heads = bias_table.shape[1]
    dh = wq.shape[1] // n_heads
    pos = np.arange(T)
    buckets = relative_position_bucket(pos[None, :] - pos[:, None])
    bias = bias_table[buckets]  # (T, T, H)
    q = (x @ wq).reshape(T, n_heads, dh)
    k = (x @ wk).reshape(T, n_heads, dh)
    v = (x @ wv).reshape(T, n_heads, dh)
    scores = np.einsum("thd,shd->hts", q, k) + bias.transpose(2, 0, 1)
    scores -= scores.max(axis=-1, keepdims=True)
    att = np.exp(scores)
    att /= att.sum(axis=-1, keepdims=True)
    out = np.einsum("hts,shd->thd", att, v).reshape(T, -1)
    return np.mean((out - target) ** 2)


def t5_inputs(rng):
    T, d, H = 24, 16, 4
    return dict(x=rng.standard_normal((T, d)), wq=rng.standard_normal((d, d)) / 4,
                wk=rng.standard_normal((d, d)) / 4, wv=rng.standard_normal((d, d)) / 4,
                bias_table=0.1 * rng.standard_normal((16, H)), target=rng.standard_normal((T, d)))


# ------------------------------------------------------------------ data assimilation: Lorenz-96 4D-Var
F_FORCING = 8.0


def l96_tendency(x, forcing=F_FORCING):
    return (np.roll(x, -1) - np.roll(x, 2)) * np.roll(x, 1) - x + forcing


def rk4(x, dt):
    k1 = l96_tendency(x)
    k2 = l96_tendency(x + 0.5 * dt * k1)
    k3 = l96_tendency(x + 0.5 * dt * k2)
    k4 = l96_tendency(x + dt * k3)
    return x + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def fourdvar_cost(x0, xb, obs, obs_idx, b_inv_diag, r_var=0.5, dt=0.05, steps_between=4):
    jb = 0.5 * np.sum(b_inv_diag * (x0 - xb) ** 2)
    x = x0.copy()
    jo = 0.0
    for t in range(obs.shape[0]):
        for _ in range(steps_between):
            x = rk4(x, dt)
        innov = obs[t] - x[obs_idx]
        jo += 0.5 * np.dot(innov, innov) / r_var
    return jb + jo


def l96_inputs(rng):
    n = 20
    truth = F_FORCING + rng.standard_normal(n)
    for _ in range(100):
        truth = rk4(truth, 0.05)
    obs_idx = np.arange(0, n, 2)
    x = truth.copy()
    obs = []
    for _ in range(5):
        for _ in range(4):
            x = rk4(x, 0.05)
        obs.append(x[obs_idx] + 0.7 * rng.standard_normal(len(obs_idx)))
    xb = truth + 0.5 * rng.standard_normal(n)
    return dict(x0=xb.copy(), xb=xb, obs=np.array(obs), obs_idx=obs_idx, b_inv_diag=np.full(n, 4.0))


# ------------------------------------------------------- acoustics: muffler by transfer (four-pole) matrices
RHO_AIR, C_AIR = 1.21, 343.0


def duct_matrix(k, length, area):
    z = RHO_AIR * C_AIR / area
    return np.array([[np.cos(k * length), 1j * z * np.sin(k * length)],
                     [1j * np.sin(k * length) / z, np.cos(k * length)]])


def transmission_loss(freqs, lengths, radii, inlet_radius=0.025):
    a_in = np.pi * inlet_radius ** 2
    z0 = RHO_AIR * C_AIR / a_in
    tl = np.empty(len(freqs))
    for i, f in enumerate(freqs):
        k = 2 * np.pi * f / C_AIR
        T = np.eye(2, dtype=complex)
        for L, r in zip(lengths, radii):
            T = T @ duct_matrix(k, L, np.pi * r ** 2)
        A, B = T[0, 0], T[0, 1]
        C, D = T[1, 0], T[1, 1]
        tl[i] = 20 * np.log10(0.5 * np.abs(A + B / z0 + C * z0 + D))
    return tl


def muffler_design_loss(lengths, radii, freqs, target_tl):
    tl = transmission_loss(freqs, lengths, radii)
    too_long = np.maximum(lengths - 0.5, 0.0)
    return np.mean((tl - target_tl) ** 2) + 10.0 * np.sum(too_long ** 2)


def muffler_inputs(rng):
    freqs = np.linspace(50, 1500, 40)
    return dict(lengths=np.array([0.1, 0.3, 0.05, 0.25, 0.1]), radii=np.array([0.025, 0.08, 0.025, 0.07, 0.025]),
                freqs=freqs, target_tl=np.full(40, 15.0))


# -------------------------------------------------------------------------- portfolio: Black-Litterman
class BLPosterior(NamedTuple):
    mean: np.ndarray
    cov: np.ndarray


def black_litterman_posterior(sigma, w_mkt, P, Q, omega_diag, delta=2.5, tau=0.05):
    pi = delta * sigma @ w_mkt  # implied equilibrium returns
    ts = tau * sigma
    omega = np.diag(omega_diag)
    M = np.linalg.inv(np.linalg.inv(ts) + P.T @ np.linalg.inv(omega) @ P)
    mu = M @ (np.linalg.solve(ts, pi) + P.T @ np.linalg.solve(omega, Q))
    return BLPosterior(mu, sigma + M)


def bl_allocation_loss(view_returns, log_conf, returns_hist, w_mkt, P, w_target):
    sigma = np.cov(returns_hist, rowvar=False)
    omega_diag = np.exp(log_conf) * np.diag(P @ (0.05 * sigma) @ P.T)
    post = black_litterman_posterior(sigma, w_mkt, P, view_returns, omega_diag)
    w = np.linalg.solve(2.5 * post.cov, post.mean)
    w = w / np.sum(w)
    return np.sum((w - w_target) ** 2)


def bl_inputs(rng):
    n = 6
    A = rng.standard_normal((n, n)) * 0.02
    rets = rng.standard_normal((250, n)) @ A + 0.0004
    w_mkt = np.array([0.3, 0.2, 0.15, 0.15, 0.1, 0.1])
    P = np.array([[1, -1, 0, 0, 0, 0], [0, 0, 1, 0, 0, -1], [0.5, 0.5, -0.5, -0.5, 0, 0]], float)
    return dict(view_returns=np.array([0.002, 0.001, 0.0005]), log_conf=np.zeros(3), returns_hist=rets,
                w_mkt=w_mkt, P=P, w_target=np.array([0.25, 0.15, 0.2, 0.15, 0.15, 0.1]))


# ---------------------------------------------------- econometrics: stochastic volatility particle filter
def sv_particle_filter_nll(mu, atanh_phi, log_sigma_eta, y, eps, u):
    phi = np.tanh(atanh_phi)
    sigma_eta = np.exp(log_sigma_eta)
    T, N = eps.shape
    h = mu + sigma_eta / np.sqrt(1 - phi ** 2) * eps[0]
    loglik = 0.0
    for t in range(T):
        if t > 0:
            h = mu + phi * (h - mu) + sigma_eta * eps[t]
        logw = norm.logpdf(y[t], loc=0.0, scale=np.exp(h / 2))
        m = logw.max()
        w = np.exp(logw - m)
        loglik += m + np.log(w.mean())
        w /= w.sum()
        # systematic resampling with a fixed uniform per step
        positions = (np.arange(N) + u[t]) / N
        idx = np.searchsorted(np.cumsum(w), positions)
        idx = np.minimum(idx, N - 1)
        h = h[idx]
    return -loglik


def sv_inputs(rng):
    T, N = 30, 64
    h = np.zeros(T)
    h[0] = -1.0
    for t in range(1, T):
        h[t] = -1.0 + 0.9 * (h[t - 1] + 1.0) + 0.3 * rng.standard_normal()
    y = np.exp(h / 2) * rng.standard_normal(T)
    return dict(mu=np.float64(-0.8), atanh_phi=np.float64(np.arctanh(0.85)), log_sigma_eta=np.float64(np.log(0.35)),
                y=y, eps=rng.standard_normal((T, N)), u=rng.uniform(size=T))


# -------------------------------------------------------------------- directional stats: von Mises mixture
def vonmises_mixture_nll(mu_xy, log_kappa, logits, angles):
    mu = np.angle(mu_xy[:, 0] + 1j * mu_xy[:, 1])  # mean directions from unconstrained 2-vectors
    kappa = np.exp(log_kappa)
    log_pi = logits - logsumexp(logits)
    # log I0(k) = log(i0e(k)) + k
    log_norm = -np.log(2 * np.pi) - (np.log(i0e(kappa)) + kappa)
    comp = kappa[None, :] * np.cos(angles[:, None] - mu[None, :]) + log_norm + log_pi
    return -np.sum(logsumexp(comp, axis=1))


def vonmises_inputs(rng):
    a = np.concatenate([rng.vonmises(0.5, 4.0, 120), rng.vonmises(2.8, 8.0, 80), rng.vonmises(-2.0, 2.0, 60)])
    return dict(mu_xy=np.array([[1.0, 0.3], [-0.9, 0.4], [-0.4, -0.9]]), log_kappa=np.log([3.0, 5.0, 1.5]),
                logits=np.zeros(3), angles=a)


# ---------------------------------------------------------------- cosmology: supernova distance moduli
C_KMS = 299792.458


def luminosity_distance(z, h0, omega_m, n_grid=400):
    zg = np.linspace(0.0, z.max() * 1.01, n_grid)
    ez = np.sqrt(omega_m * (1 + zg) ** 3 + (1 - omega_m))
    chi = cumulative_trapezoid(1.0 / ez, zg, initial=0.0)
    return (1 + z) * C_KMS / h0 * np.interp(z, zg, chi)


def supernova_chi2(h0, omega_m, abs_mag, z, m_obs, m_err):
    dl = luminosity_distance(z, h0, omega_m)
    mu = 5 * np.log10(dl) + 25.0
    return np.sum(((m_obs - mu - abs_mag) / m_err) ** 2)


def supernova_inputs(rng):
    z = np.sort(rng.uniform(0.01, 1.4, 60))
    mu = 5 * np.log10(luminosity_distance(z, 70.0, 0.3)) + 25
    err = rng.uniform(0.1, 0.2, 60)
    return dict(h0=np.float64(68.0), omega_m=np.float64(0.27), abs_mag=np.float64(-19.2), z=z,
                m_obs=mu - 19.3 + err * rng.standard_normal(60), m_err=err)


# ------------------------------------------------------ ecology: Cormack-Jolly-Seber capture-recapture
def cjs_nll(logit_phi, logit_p, histories):
    phi = expit(logit_phi)  # survival over interval t -> t+1
    p = expit(logit_p)  # recapture probability at occasion t+1
    n, T = histories.shape
    chi = np.ones(T)  # probability of never being seen again after occasion t
    for t in range(T - 2, -1, -1):
        chi[t] = (1 - phi[t]) + phi[t] * (1 - p[t]) * chi[t + 1]
    ll = 0.0
    for i in range(n):
        seen = np.flatnonzero(histories[i])
        first, last = seen[0], seen[-1]
        for t in range(first, last):
            ll += np.log(phi[t])
            ll += np.log(p[t]) if histories[i, t + 1] else np.log(1 - p[t])
        ll += np.log(chi[last])
    return -ll


def cjs_inputs(rng):
    n, T = 60, 7
    hist = np.zeros((n, T), dtype=np.int64)
    for i in range(n):
        first = rng.integers(0, T - 1)
        hist[i, first] = 1
        alive = True
        for t in range(first + 1, T):
            alive = alive and rng.uniform() < 0.8
            if alive and rng.uniform() < 0.6:
                hist[i, t] = 1
    return dict(logit_phi=np.full(T - 1, 1.0), logit_p=np.full(T - 1, 0.2), histories=hist)


# ------------------------------------------------------- psychophysics: Weibull psychometric with lapses
def psychometric(x, alpha, beta, gamma=0.5, lam=0.02):
    return gamma + (1 - gamma - lam) * (1 - np.exp(-(x / alpha) ** beta))


def psychometric_nll(log_alpha, log_beta, logit_lapse, contrast, n_trials, n_correct, condition):
    lam = 0.1 * expit(logit_lapse)  # lapse rate bounded in (0, 0.1)
    nll = 0.0
    for c in np.unique(condition):
        sel = condition == c
        p = psychometric(contrast[sel], np.exp(log_alpha[c]), np.exp(log_beta), lam=lam)
        nll -= binom.logpmf(n_correct[sel], n_trials[sel], p).sum()
    return nll


def psychometric_inputs(rng):
    contrast = np.tile(np.logspace(-2, -0.5, 8), 3)
    condition = np.repeat(np.arange(3), 8)
    thresholds = np.array([0.05, 0.08, 0.12])
    p = psychometric(contrast, thresholds[condition], 3.0, lam=0.03)
    n_trials = np.full(24, 40)
    return dict(log_alpha=np.log([0.06, 0.07, 0.1]), log_beta=np.log(2.5), logit_lapse=np.float64(-1.0),
                contrast=contrast, n_trials=n_trials, n_correct=rng.binomial(n_trials, p), condition=condition)


# ------------------------------------------------------------ fisheries: age-structured stock assessment
AGES = np.arange(1, 11)
LIFE_HISTORY = dict(linf=80.0, k_growth=0.25, t0=-0.5, a_wl=1e-5, b_wl=3.0, m=0.2, a50=3.0, slope=1.5)


def weight_at_age(ages, lh=LIFE_HISTORY):
    length = lh["linf"] * (1 - np.exp(-lh["k_growth"] * (ages - lh["t0"])))
    return lh["a_wl"] * length ** lh["b_wl"]


def stock_assessment_nll(log_r0, steepness_logit, log_f, index_obs, log_q, sigma_index=0.2):
    lh = LIFE_HISTORY
    h = 0.2 + 0.8 * expit(steepness_logit)
    r0 = np.exp(log_r0)
    n_years, n_ages = len(log_f), len(AGES)
    sel = 1 / (1 + np.exp(-lh["slope"] * (AGES - lh["a50"])))
    w = weight_at_age(AGES)
    mat = sel
    n0 = r0 * np.exp(-lh["m"] * (AGES - 1))
    n0[-1] /= 1 - np.exp(-lh["m"])  # plus group
    ssb0 = np.sum(n0 * w * mat)
    N = np.zeros((n_years + 1, n_ages))
    N[0] = n0
    pred_index = []
    for y in range(n_years):
        z = lh["m"] + np.exp(log_f[y]) * sel
        ssb = np.sum(N[y] * w * mat)
        pred_index.append(np.sum(N[y] * w * sel))
        N[y + 1, 0] = 4 * h * r0 * ssb / (ssb0 * (1 - h) + ssb * (5 * h - 1))  # Beverton-Holt
        N[y + 1, 1:] = N[y, :-1] * np.exp(-z[:-1])
        N[y + 1, -1] += N[y, -1] * np.exp(-z[-1])
    pred = np.exp(log_q) * np.array(pred_index)
    resid = np.log(index_obs) - np.log(pred)
    return 0.5 * np.sum(resid ** 2) / sigma_index ** 2


def stock_inputs(rng):
    log_f = np.log(np.linspace(0.05, 0.5, 20))
    idx = np.exp(-2.0) * 1000 * np.exp(-np.linspace(0, 1.2, 20)) * np.exp(0.2 * rng.standard_normal(20))
    return dict(log_r0=np.log(1000.0), steepness_logit=np.float64(1.0), log_f=log_f + 0.1 * rng.standard_normal(20),
                index_obs=idx, log_q=np.float64(-8.0))


# -------------------------------------------------------------- chemical engineering: Rachford-Rice flash
PC_BAR = np.array([45.99, 48.72, 42.48, 37.96, 33.70])  # methane, ethane, propane, n-butane, n-pentane
TC_K = np.array([190.6, 305.3, 369.8, 425.1, 469.7])
ACENTRIC = np.array([0.012, 0.100, 0.152, 0.200, 0.252])


def wilson_k(p_bar, t_k):
    return PC_BAR / p_bar * np.exp(5.373 * (1 + ACENTRIC) * (1 - TC_K / t_k))


def rachford_rice(z, K, tol=1e-12, max_iter=100):
    beta = 0.5
    lo, hi = 1.0 / (1.0 - K.max()), 1.0 / (1.0 - K.min())
    for _ in range(max_iter):
        g = np.sum(z * (K - 1) / (1 + beta * (K - 1)))
        dg = -np.sum(z * (K - 1) ** 2 / (1 + beta * (K - 1)) ** 2)
        new = np.clip(beta - g / dg, lo + 1e-9, hi - 1e-9)
        if abs(new - beta) < tol:
            beta = new
            break
        beta = new
    return beta


def separator_objective(log_p, t_k, feed_logits, vapor_target, y_methane_target):
    z = np.exp(feed_logits) / np.sum(np.exp(feed_logits))
    K = wilson_k(np.exp(log_p), t_k)
    beta = rachford_rice(z, K)
    x = z / (1 + beta * (K - 1))
    y = K * x
    return (beta - vapor_target) ** 2 + (y[0] - y_methane_target) ** 2


def flash_inputs(rng):
    return dict(log_p=np.log(20.0), t_k=np.float64(280.0), feed_logits=np.log([0.5, 0.15, 0.15, 0.1, 0.1]),
                vapor_target=np.float64(0.6), y_methane_target=np.float64(0.8))


# ------------------------------------------------------------------ laser optics: Gaussian beam, ABCD
OPTICAL_TRAIN = [("space", 0.10), ("lens", 0.05), ("space", 0.08), ("lens", -0.03), ("space", 0.15)]
WAVELENGTH = 1064e-9


def abcd(kind, value):
    if kind == "space":
        return np.array([[1.0, value], [0.0, 1.0]])
    elif kind == "lens":
        return np.array([[1.0, 0.0], [-1.0 / value, 1.0]])
    raise ValueError(f"unknown element {kind}")


def propagate_beam(w0, focal_scale, spacing_scale, z0=0.0):
    q = z0 + 1j * np.pi * w0 ** 2 / WAVELENGTH
    lens_i = space_i = 0
    for kind, value in OPTICAL_TRAIN:
        if kind == "lens":
            m = abcd(kind, value * focal_scale[lens_i])
            lens_i += 1
        else:
            m = abcd(kind, value * spacing_scale[space_i])
            space_i += 1
        A, B = m[0]
        C, D = m[1]
        q = (A * q + B) / (C * q + D)
    inv_q = 1 / q
    w = np.sqrt(-WAVELENGTH / (np.pi * inv_q.imag))
    curvature = inv_q.real
    return w, curvature


def beam_expander_loss(focal_scale, spacing_scale, w0, w_target):
    w, curv = propagate_beam(w0, focal_scale, spacing_scale)
    return (w / w_target - 1) ** 2 + 1e-2 * curv ** 2


def beam_inputs(rng):
    return dict(focal_scale=np.array([1.05, 0.97]), spacing_scale=np.array([1.0, 1.1, 1.0]),
                w0=np.float64(0.5e-3), w_target=np.float64(0.6e-3))


# ------------------------------------------------------- signal processing: Welch spectra of an AR(2)
def simulate_ar2(a1, a2, noise):
    x = [0.0, 0.0]
    for e in noise:
        x.append(a1 * x[-1] + a2 * x[-2] + e)
    return np.array(x[2:])


def welch_psd(x, fs=1.0, nperseg=64, overlap=0.5):
    step = int(nperseg * (1 - overlap))
    win = np.hanning(nperseg)
    t = np.arange(nperseg)
    A = np.vstack([t, np.ones(nperseg)]).T  # linear detrend per segment
    psd = np.zeros(nperseg // 2 + 1)
    count = 0
    for start in range(0, len(x) - nperseg + 1, step):
        seg = x[start:start + nperseg]
        coef, *_ = np.linalg.lstsq(A, seg, rcond=None)
        seg = seg - A @ coef
        spec = np.fft.rfft(seg * win)
        psd += np.abs(spec) ** 2
        count += 1
    psd /= count * fs * np.sum(win ** 2)
    psd[1:-1] *= 2
    return np.fft.rfftfreq(nperseg, 1 / fs), psd


def ar2_spectral_match(ar_coefs, noise, target_log_psd):
    x = simulate_ar2(ar_coefs[0], ar_coefs[1], noise)
    _, psd = welch_psd(x)
    return np.mean((np.log(psd[1:]) - target_log_psd[1:]) ** 2)


def ar2_inputs(rng):
    noise = rng.standard_normal(512)
    _, psd = welch_psd(simulate_ar2(1.2, -0.6, noise))
    return dict(ar_coefs=np.array([1.0, -0.5]), noise=noise, target_log_psd=np.log(psd))


# ------------------------------------------------------------------- audio: log-mel spectrogram matching
def hz_to_mel(f):
    return 2595.0 * np.log10(1.0 + f / 700.0)


def mel_to_hz(m):
    return 700.0 * (10 ** (m / 2595.0) - 1.0)


def mel_filterbank(n_mels, n_fft, sr, fmin=0.0, fmax=None):
    fmax = fmax or sr / 2
    hz = mel_to_hz(np.linspace(hz_to_mel(fmin), hz_to_mel(fmax), n_mels + 2))
    fft_freqs = np.fft.rfftfreq(n_fft, 1 / sr)
    fb = np.zeros((n_mels, len(fft_freqs)))
    for m in range(1, n_mels + 1):
        left, center, right = hz[m - 1], hz[m], hz[m + 1]
        up = (fft_freqs - left) / (center - left)
        down = (right - fft_freqs) / (right - center)
        fb[m - 1] = np.maximum(0, np.minimum(up, down))
    return fb


def additive_synth(amps, f0, sr, n):
    t = np.arange(n) / sr
    harmonics = np.arange(1, len(amps) + 1)
    return np.sum(amps[:, None] * np.sin(2 * np.pi * f0 * harmonics[:, None] * t[None, :]), axis=0)


def log_mel_loss(log_amps, log_f0, target_logmel, sr=8000.0, n=2048, frame=256):
    x = additive_synth(np.exp(log_amps), np.exp(log_f0), sr, n)
    frames = x.reshape(-1, frame) * np.hanning(frame)
    spec = np.abs(np.fft.rfft(frames, axis=1)) ** 2
    fb = mel_filterbank(24, frame, sr)
    logmel = np.log(spec @ fb.T + 1e-6)
    return np.mean((logmel - target_logmel) ** 2)


def mel_inputs(rng):
    amps = np.array([1.0, 0.5, 0.3, 0.2, 0.1])
    x = additive_synth(amps, 220.0, 8000.0, 2048)
    frames = x.reshape(-1, 256) * np.hanning(256)
    target = np.log(np.abs(np.fft.rfft(frames, axis=1)) ** 2 @ mel_filterbank(24, 256, 8000.0).T + 1e-6)
    return dict(log_amps=np.log(amps * np.exp(0.2 * rng.standard_normal(5))), log_f0=np.log(225.0),
                target_logmel=target)


# ---------------------------------------------------------------------------- control: PID tuning by ITAE
PLANT = {"wn": 2.0, "zeta": 0.3, "gain": 1.5}


def pid_itae(gains, dt=0.01, t_end=6.0, u_max=5.0, setpoint=1.0):
    kp, ki, kd = gains
    n = int(round(t_end / dt))
    y, ydot = 0.0, 0.0
    integ = 0.0
    prev_err = setpoint
    cost = 0.0
    for i in range(n):
        err = setpoint - y
        integ += err * dt
        deriv = (err - prev_err) / dt
        u = kp * err + ki * integ + kd * deriv
        if abs(u) > u_max:
            integ -= err * dt  # conditional integration (anti-windup)
        u = np.clip(u, -u_max, u_max)
        yddot = PLANT["wn"] ** 2 * (PLANT["gain"] * u - y) - 2 * PLANT["zeta"] * PLANT["wn"] * ydot
        ydot += yddot * dt
        y += ydot * dt
        prev_err = err
        cost += (i * dt) * abs(err) * dt
    return cost + 0.001 * (kp ** 2 + ki ** 2 + kd ** 2)


def pid_inputs(rng):
    return dict(gains=np.array([1.2, 0.8, 0.15]))


# -------------------------------------------------------------- solid mechanics: 1-D return mapping
def return_mapping_1d(strain_path, E, sigma_y, H):
    eps_p = 0.0
    alpha = 0.0
    stresses = []
    for eps in strain_path:
        trial = E * (eps - eps_p)
        f = abs(trial) - (sigma_y + H * alpha)
        if f > 0:
            dgamma = f / (E + H)
            sign = np.sign(trial)
            eps_p += dgamma * sign
            alpha += dgamma
            stress = trial - E * dgamma * sign
        else:
            stress = trial
        stresses.append(stress)
    return np.array(stresses)


def plasticity_fit(log_E, log_sy, log_H, strain_path, stress_obs):
    s = return_mapping_1d(strain_path, np.exp(log_E), np.exp(log_sy), np.exp(log_H))
    return np.mean((s - stress_obs) ** 2) / 1e4


def plasticity_inputs(rng):
    strain = np.concatenate([np.linspace(0, 0.004, 21), np.linspace(0.004, -0.003, 36)[1:],
                             np.linspace(-0.003, 0.005, 41)[1:]]) + 1.37e-5
    s = return_mapping_1d(strain, 200e3, 250.0, 2e3)
    return dict(log_E=np.log(190e3), log_sy=np.log(240.0), log_H=np.log(2.5e3), strain_path=strain,
                stress_obs=s + 2.0 * rng.standard_normal(len(s)))


# ------------------------------------------------------------------ CFD: D2Q9 lattice Boltzmann (BGK)
C_VECS = np.array([[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1], [1, 1], [-1, 1], [-1, -1], [1, -1]])
W_LBM = np.array([4 / 9] + [1 / 9] * 4 + [1 / 36] * 4)


def equilibrium(rho, ux, uy):
    feq = np.empty((9,) + rho.shape)
    usq = ux ** 2 + uy ** 2
    for i, (cx, cy) in enumerate(C_VECS):
        cu = 3 * (cx * ux + cy * uy)
        feq[i] = W_LBM[i] * rho * (1 + cu + 0.5 * cu ** 2 - 1.5 * usq)
    return feq


def macroscopic(f):
    rho = f.sum(axis=0)
    ux = np.einsum("i,ixy->xy", C_VECS[:, 0], f) / rho
    uy = np.einsum("i,ixy->xy", C_VECS[:, 1], f) / rho
    return rho, ux, uy


def lbm_decay_loss(ux0, uy0, log_tau_minus_half, target_ux, steps=15):
    tau = 0.5 + np.exp(log_tau_minus_half)
    f = equilibrium(np.ones_like(ux0), ux0, uy0)
    for _ in range(steps):
        rho, ux, uy = macroscopic(f)
        f += -(f - equilibrium(rho, ux, uy)) / tau
        for i in range(9):
            f[i] = np.roll(f[i], shift=(C_VECS[i, 0], C_VECS[i, 1]), axis=(0, 1))
    _, ux, _ = macroscopic(f)
    return np.mean((ux - target_ux) ** 2) * 1e4


def lbm_inputs(rng):
    n = 16
    X, Y = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    ux0 = 0.05 * np.sin(2 * np.pi * Y / n)  # shear wave
    uy0 = 0.01 * np.sin(2 * np.pi * X / n)
    return dict(ux0=ux0 + 0.002 * rng.standard_normal((n, n)), uy0=uy0, log_tau_minus_half=np.log(0.3),
                target_ux=0.6 * ux0)


# --------------------------------------------------------- IO economics: BLP random-coefficients logit
def blp_shares(delta, x2, sigma, nu):
    mu = x2 @ (sigma[:, None] * nu)  # (J, R) individual deviations
    eu = np.exp(delta[:, None] + mu)
    return np.mean(eu / (1 + eu.sum(axis=0, keepdims=True)), axis=1)


def blp_gmm_objective(log_sigma, shares_obs, x1, x2, z, nu, tol=1e-13):
    sigma = np.exp(log_sigma)
    delta = np.log(shares_obs) - np.log(1 - shares_obs.sum())  # plain logit start
    err = 1.0
    while err > tol:
        new = delta + np.log(shares_obs) - np.log(blp_shares(delta, x2, sigma, nu))
        err = np.max(np.abs(new - delta))
        delta = new
    W = np.linalg.inv(z.T @ z)
    beta = np.linalg.solve(x1.T @ z @ W @ z.T @ x1, x1.T @ z @ W @ z.T @ delta)
    xi = delta - x1 @ beta
    g = z.T @ xi
    return g @ W @ g


def blp_inputs(rng):
    J, R = 12, 100
    price = rng.uniform(1, 3, J)
    quality = rng.standard_normal(J)
    x1 = np.column_stack([np.ones(J), price, quality])
    x2 = np.column_stack([price, quality])
    z = np.column_stack([np.ones(J), quality, rng.standard_normal(J), rng.standard_normal(J)])
    nu = rng.standard_normal((2, R))
    delta = -1.0 - 0.8 * price + 0.5 * quality + 0.2 * rng.standard_normal(J)
    shares = blp_shares(delta, x2, np.array([0.3, 0.5]), nu)
    return dict(log_sigma=np.log([0.4, 0.4]), shares_obs=shares, x1=x1, x2=x2, z=z, nu=nu)


# ------------------------------------------------------------------ demography: Lee-Carter mortality
def lee_carter_nll(a, b_raw, k_raw, deaths, exposure, drift_weight=10.0):
    b = b_raw / b_raw.sum()  # identifiability: sum(b) = 1, sum(k) = 0
    k = k_raw - k_raw.mean()
    log_m = a[:, None] + np.outer(b, k)
    mu = exposure * np.exp(log_m)
    nll = np.sum(mu - deaths * np.log(mu) + gammaln(deaths + 1))
    dk = np.diff(k)
    return nll + drift_weight * np.sum((dk - dk.mean()) ** 2)


def lee_carter_inputs(rng):
    ages, years = 12, 20
    a = np.linspace(-7, -2, ages)
    b = np.full(ages, 1 / ages)
    k = np.linspace(5, -5, years)
    exposure = rng.uniform(5e4, 1e5, (ages, years))
    deaths = rng.poisson(exposure * np.exp(a[:, None] + np.outer(b, k))).astype(float)
    return dict(a=a + 0.05 * rng.standard_normal(ages), b_raw=b * (1 + 0.1 * rng.standard_normal(ages)),
                k_raw=k + 0.3 * rng.standard_normal(years), deaths=deaths, exposure=exposure)


# ---------------------------------------------------------------- spatial epidemiology: CAR disease map
def grid_adjacency(nx, ny):
    n = nx * ny
    W = np.zeros((n, n))
    for i in range(nx):
        for j in range(ny):
            idx = i * ny + j
            if i + 1 < nx:
                W[idx, idx + ny] = W[idx + ny, idx] = 1
            if j + 1 < ny:
                W[idx, idx + 1] = W[idx + 1, idx] = 1
    return W


W_GRID = grid_adjacency(5, 5)


def car_neg_log_post(phi, logit_rho, log_tau, beta, counts, expected, covariate):
    rho = 0.99 * expit(logit_rho)
    D = np.diag(W_GRID.sum(axis=1))
    Q = np.exp(log_tau) * (D - rho * W_GRID)
    log_prior = 0.5 * np.log(np.linalg.det(Q)) - 0.5 * phi @ Q @ phi
    eta = np.log(expected) + beta[0] + beta[1] * covariate + phi
    loglik = np.sum(counts * eta - np.exp(eta) - gammaln(counts + 1))
    hyper = -0.5 * log_tau ** 2 - 0.5 * np.sum(beta ** 2) / 10.0
    return -(loglik + log_prior + hyper)


def car_inputs(rng):
    expected = rng.uniform(5, 30, 25)
    cov = rng.standard_normal(25)
    counts = rng.poisson(expected * np.exp(0.1 + 0.3 * cov))
    return dict(phi=0.1 * rng.standard_normal(25), logit_rho=np.float64(0.5), log_tau=np.float64(0.0),
                beta=np.array([0.0, 0.2]), counts=counts, expected=expected, covariate=cov)


# ------------------------------------------------------------- forecasting: Holt-Winters additive
def holt_winters_sse(params, y, season=12, init="simple"):
    alpha, beta, gamma = expit(params)
    if init == "simple":
        level = np.mean(y[:season])
        trend = (np.mean(y[season:2 * season]) - level) / season
        seasonals = list(y[:season] - level)
    else:
        raise NotImplementedError(init)
    sse = 0.0
    for t in range(len(y)):
        s = seasonals[t % season]
        yhat = level + trend + s
        err = y[t] - yhat
        sse += err ** 2
        new_level = alpha * (y[t] - s) + (1 - alpha) * (level + trend)
        trend = beta * (new_level - level) + (1 - beta) * trend
        seasonals[t % season] = gamma * (y[t] - new_level) + (1 - gamma) * s
        level = new_level
    return sse / len(y)


def holt_winters_inputs(rng):
    t = np.arange(72)
    y = 100 + 0.5 * t + 10 * np.sin(2 * np.pi * t / 12) + 2 * rng.standard_normal(72)
    return dict(params=np.array([-1.0, -2.0, -1.5]), y=y)


# ---------------------------------------------------------------- knowledge graphs: RotatE embeddings
def rotate_margin_loss(ent_re, ent_im, rel_phase, triples, neg_tails, margin=6.0):
    ent = ent_re + 1j * ent_im
    h = ent[triples[:, 0]]
    r = np.exp(1j * rel_phase[triples[:, 1]])
    t = ent[triples[:, 2]]
    hr = h * r
    d_pos = np.sum(np.abs(hr - t), axis=1)
    d_neg = np.sum(np.abs(hr[:, None, :] - ent[neg_tails]), axis=2)
    pos_term = -np.logaddexp(0.0, -(margin - d_pos))  # log sigmoid
    neg_term = np.mean(-np.logaddexp(0.0, -(d_neg - margin)), axis=1)
    return -np.mean(pos_term + neg_term)


def rotate_inputs(rng):
    n_ent, n_rel, d, B, K = 30, 4, 8, 40, 5
    triples = np.column_stack([rng.integers(0, n_ent, B), rng.integers(0, n_rel, B), rng.integers(0, n_ent, B)])
    return dict(ent_re=0.5 * rng.standard_normal((n_ent, d)), ent_im=0.5 * rng.standard_normal((n_ent, d)),
                rel_phase=rng.uniform(-np.pi, np.pi, (n_rel, d)), triples=triples,
                neg_tails=rng.integers(0, n_ent, (B, K)))


# ------------------------------------------------------- object detection: GIoU + focal, hard negatives
ANCHOR_SIZES = np.array([[16.0, 16.0], [32.0, 32.0], [64.0, 32.0]])


def decode_boxes(centers, wh, deltas):
    cx = centers[:, 0] + deltas[:, 0] * wh[:, 0]
    cy = centers[:, 1] + deltas[:, 1] * wh[:, 1]
    w = wh[:, 0] * np.exp(deltas[:, 2])
    h = wh[:, 1] * np.exp(deltas[:, 3])
    return np.stack([cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], axis=1)


def giou(a, b):
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    iw = np.clip(np.minimum(a[:, 2], b[:, 2]) - np.maximum(a[:, 0], b[:, 0]), 0, None)
    ih = np.clip(np.minimum(a[:, 3], b[:, 3]) - np.maximum(a[:, 1], b[:, 1]), 0, None)
    inter = iw * ih
    union = area_a + area_b - inter
    cw = np.maximum(a[:, 2], b[:, 2]) - np.minimum(a[:, 0], b[:, 0])
    ch = np.maximum(a[:, 3], b[:, 3]) - np.minimum(a[:, 1], b[:, 1])
    enclosing = cw * ch
    return inter / union - (enclosing - union) / enclosing


def detection_loss(deltas, cls_logits, centers, anchor_kind, gt_boxes, labels, alpha=0.25, gamma=2.0,
                   neg_ratio=3):
    wh = ANCHOR_SIZES[anchor_kind]
    boxes = decode_boxes(centers, wh, deltas)
    pos = labels >= 0
    n_pos = max(int(pos.sum()), 1)
    box_loss = np.sum(1.0 - giou(boxes[pos], gt_boxes[pos]))
    p = expit(cls_logits)
    onehot = np.zeros_like(p)
    onehot[np.flatnonzero(pos), labels[pos]] = 1.0
    pt = np.where(onehot == 1, p, 1 - p)
    at = np.where(onehot == 1, alpha, 1 - alpha)
    focal = -at * (1 - pt) ** gamma * np.log(pt)
    per_anchor = focal.sum(axis=1)
    neg_losses = np.sort(per_anchor[~pos])[::-1][: neg_ratio * n_pos]  # hard-negative mining
    return (box_loss + per_anchor[pos].sum() + neg_losses.sum()) / n_pos


def detection_inputs(rng):
    n, C = 60, 4
    centers = rng.uniform(0, 128, (n, 2))
    kind = rng.integers(0, 3, n)
    labels = np.where(rng.uniform(size=n) < 0.25, rng.integers(0, C, n), -1)
    wh = ANCHOR_SIZES[kind]
    gt_deltas = 0.2 * rng.standard_normal((n, 4))
    gt = decode_boxes(centers, wh, gt_deltas)
    return dict(deltas=0.1 * rng.standard_normal((n, 4)), cls_logits=rng.standard_normal((n, C)) - 2.0,
                centers=centers, anchor_kind=kind, gt_boxes=gt, labels=labels)


# ----------------------------------------------------- condensed matter: tight-binding trimer chain bands
def bloch_hamiltonian(k, onsite, t_intra, t_inter):
    H = np.diag(onsite).astype(complex)
    H[0, 1] = H[1, 0] = -t_intra[0]
    H[1, 2] = H[2, 1] = -t_intra[1]
    H[2, 0] += -t_inter * np.exp(1j * k)
    H[0, 2] += -t_inter * np.exp(-1j * k)
    return H


def band_fit_loss(onsite, hoppings, kpts, bands_obs, weight_obs):
    loss = 0.0
    for i, k in enumerate(kpts):
        H = bloch_hamiltonian(k, onsite, hoppings[:2], hoppings[2])
        evals, evecs = np.linalg.eigh(H)
        loss += np.sum((evals - bands_obs[i]) ** 2)
        # orbital character of the lowest band on site 0 (gauge invariant)
        loss += (np.abs(evecs[0, 0]) ** 2 - weight_obs[i]) ** 2
    return loss / len(kpts)


def band_inputs(rng):
    kpts = np.linspace(-np.pi, np.pi, 13)[:-1] + 0.05
    onsite, hop = np.array([0.0, 0.4, -0.3]), np.array([1.0, 0.7, 0.5])
    bands, weights = [], []
    for k in kpts:
        e, v = np.linalg.eigh(bloch_hamiltonian(k, onsite, hop[:2], hop[2]))
        bands.append(e)
        weights.append(np.abs(v[0, 0]) ** 2)
    return dict(onsite=np.array([0.1, 0.3, -0.2]), hoppings=np.array([0.9, 0.8, 0.45]), kpts=kpts,
                bands_obs=np.array(bands) + 0.01 * rng.standard_normal((12, 3)), weight_obs=np.array(weights))


# ------------------------------------------------------ magnetostatics: coil uniformity by Biot-Savart
MU0 = 4e-7 * np.pi


class Coil(NamedTuple):
    radius: float
    z: float
    current: float


def loop_segments(radius, z0, n_seg=36):
    phi = np.linspace(0, 2 * np.pi, n_seg + 1)
    pts = np.stack([radius * np.cos(phi), radius * np.sin(phi), np.full_like(phi, z0)], axis=1)
    return pts[:-1], pts[1:]


def biot_savart(points, starts, ends, current):
    dl = ends - starts
    mid = 0.5 * (starts + ends)
    r = points[:, None, :] - mid[None, :, :]
    rn = np.linalg.norm(r, axis=2)
    dB = MU0 * current / (4 * np.pi) * np.cross(dl[None, :, :], r) / rn[..., None] ** 3
    return dB.sum(axis=1)


def coil_uniformity(radii, positions, currents, probe_r, probe_z, b_target=1e-3):
    coils = [Coil(r, z, i) for r, z, i in zip(radii, positions, currents)]
    R, Z = np.meshgrid(probe_r, probe_z)
    pts = np.stack([R.ravel(), np.zeros(R.size), Z.ravel()], axis=1)
    B = np.zeros_like(pts)
    for coil in coils:
        s, e = loop_segments(coil.radius, coil.z)
        B += biot_savart(pts, s, e, coil.current)
    bz = B[:, 2]
    return np.std(bz) / np.mean(bz) + (np.mean(bz) / b_target - 1) ** 2


def coil_inputs(rng):
    return dict(radii=np.array([0.1, 0.1]), positions=np.array([-0.055, 0.045]), currents=np.array([90.0, 85.0]),
                probe_r=np.linspace(0.0, 0.03, 4), probe_z=np.linspace(-0.03, 0.03, 5))


PROGRAMS = [
    dict(name="farquhar_aci_star_args", f=aci_fit_loss, inputs=aci_inputs, wrt=("log_params",)),
    dict(name="van_genuchten_dataclass_horizons", f=retention_loss, inputs=retention_inputs,
         wrt=("log_alpha", "log_n_minus_1", "log_ks")),
    dict(name="wave_dispersion_newton_while", f=bathymetry_inversion, inputs=bathymetry_inputs, wrt=("depths",)),
    dict(name="barrier_option_bridge_mc", f=barrier_call_mc, inputs=barrier_inputs, wrt=("s0", "sigma", "r")),
    dict(name="tweedie_glm_dict_levels", f=tweedie_pricing_loss, inputs=tweedie_inputs, wrt=("intercept", "coefs")),
    dict(name="t5_relative_position_attention", f=t5_attention_loss, inputs=t5_inputs,
         wrt=("x", "wq", "bias_table")),
    dict(name="lorenz96_4dvar", f=fourdvar_cost, inputs=l96_inputs, wrt=("x0",)),
    dict(name="muffler_transfer_matrix_complex", f=muffler_design_loss, inputs=muffler_inputs,
         wrt=("lengths", "radii")),
    dict(name="black_litterman_namedtuple", f=bl_allocation_loss, inputs=bl_inputs, wrt=("view_returns", "log_conf")),
    dict(name="sv_particle_filter_searchsorted", f=sv_particle_filter_nll, inputs=sv_inputs,
         wrt=("mu", "atanh_phi", "log_sigma_eta")),
    dict(name="von_mises_mixture_i0e", f=vonmises_mixture_nll, inputs=vonmises_inputs,
         wrt=("mu_xy", "log_kappa", "logits")),
    dict(name="supernova_cumtrapz_interp", f=supernova_chi2, inputs=supernova_inputs,
         wrt=("h0", "omega_m", "abs_mag")),
    dict(name="cormack_jolly_seber", f=cjs_nll, inputs=cjs_inputs, wrt=("logit_phi", "logit_p")),
    dict(name="psychometric_lapse_binom", f=psychometric_nll, inputs=psychometric_inputs,
         wrt=("log_alpha", "log_beta", "logit_lapse")),
    dict(name="fish_stock_age_structured", f=stock_assessment_nll, inputs=stock_inputs,
         wrt=("log_r0", "steepness_logit", "log_f", "log_q")),
    dict(name="rachford_rice_flash_newton", f=separator_objective, inputs=flash_inputs,
         wrt=("log_p", "t_k", "feed_logits")),
    dict(name="gaussian_beam_abcd_complex", f=beam_expander_loss, inputs=beam_inputs,
         wrt=("focal_scale", "spacing_scale")),
    dict(name="welch_psd_lstsq_detrend", f=ar2_spectral_match, inputs=ar2_inputs, wrt=("ar_coefs",)),
    dict(name="log_mel_filterbank", f=log_mel_loss, inputs=mel_inputs, wrt=("log_amps", "log_f0")),
    dict(name="pid_itae_antiwindup", f=pid_itae, inputs=pid_inputs, wrt=("gains",)),
    dict(name="elastoplastic_return_mapping", f=plasticity_fit, inputs=plasticity_inputs,
         wrt=("log_E", "log_sy", "log_H")),
    dict(name="lattice_boltzmann_d2q9", f=lbm_decay_loss, inputs=lbm_inputs, wrt=("ux0", "log_tau_minus_half")),
    dict(name="blp_contraction_gmm", f=blp_gmm_objective, inputs=blp_inputs, wrt=("log_sigma",)),
    dict(name="lee_carter_poisson", f=lee_carter_nll, inputs=lee_carter_inputs, wrt=("a", "b_raw", "k_raw")),
    dict(name="car_disease_map_det", f=car_neg_log_post, inputs=car_inputs,
         wrt=("phi", "logit_rho", "log_tau", "beta")),
    dict(name="holt_winters_list_seasonals", f=holt_winters_sse, inputs=holt_winters_inputs, wrt=("params",)),
    dict(name="rotate_kg_complex", f=rotate_margin_loss, inputs=rotate_inputs,
         wrt=("ent_re", "ent_im", "rel_phase")),
    dict(name="giou_focal_hard_negatives", f=detection_loss, inputs=detection_inputs, wrt=("deltas", "cls_logits")),
    dict(name="tight_binding_complex_eigh", f=band_fit_loss, inputs=band_inputs, wrt=("onsite", "hoppings")),
    dict(name="helmholtz_biot_savart_cross", f=coil_uniformity, inputs=coil_inputs,
         wrt=("radii", "positions", "currents")),
]
