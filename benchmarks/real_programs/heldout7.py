"""Seventh held-out set: twenty programs written without reading adjit's docs or source, in domains the
other modules do not cover, in the styles of lab notebooks, textbooks and paper appendices: module-level
constants and config dicts, small classes with methods, properties and __call__, dataclasses, helpers
with default and keyword arguments and tuple returns, lists built in loops, while loops with tolerances
and loop-else clauses, in-place slice updates, fancy and boolean indexing, einsum, np.linalg (solve,
cholesky, eigh, lstsq, qr, svd, norm, det, inv, pinv, matrix_power), scipy.special, scipy.stats,
scipy.linalg (expm, solve_triangular, cho_factor/cho_solve), np.fft, complex numbers, sorting, cumsum and
cumprod, np.interp, np.meshgrid, np.digitize binning, np.unique, string options, seeded generators made
inside the function, prints and asserts.

Kuramoto oscillators (order parameter), Heston pricing by the Gil-Pelaez characteristic-function
integral, thin-plate RBF interpolation with a polynomial tail, two-stream radiative transfer through
layered clouds, beta-binomial regression with group effects, TrueSkill-lite rating updates, EEG minimum-norm
source localisation with GCV, a Pacejka-tyre bicycle vehicle model, Muskingum flood routing with
stage-dependent storage, blackbody SED fitting through filter curves with dust extinction, a
consumption-savings model by the endogenous grid method, phased-array beam synthesis, Bateman decay chains
by the matrix exponential, the Dixon-Coles football model, Allen-Cahn phase separation by a
semi-implicit spectral step, SIS on a contact network (NIMFA), chromatographic EMG peak deconvolution,
a degree-corrected stochastic block model, the photovoltaic single-diode model (Lambert W) and Newmark-beta
seismic response of a shear building.
Written as plain NumPy/SciPy, the way the domain's textbooks, lecture notes and notebooks write them.
"""
import math
from dataclasses import dataclass, field

import numpy as np
import scipy.linalg as sla
from scipy.special import betaln, erfc, expit, gammaln, lambertw, logsumexp
from scipy.stats import norm


# ------------------------------------------------------------- nonlinear dynamics: Kuramoto oscillators
class Kuramoto:
    """d theta_i / dt = omega_i + K/N sum_j A_ij sin(theta_j - theta_i)."""

    def __init__(self, omega, coupling, adjacency=None):
        self.omega = omega
        self.coupling = coupling
        n = len(omega)
        self.adjacency = np.ones((n, n)) - np.eye(n) if adjacency is None else adjacency

    @property
    def n(self):
        return len(self.omega)

    def __call__(self, theta):
        diff = theta[None, :] - theta[:, None]
        return self.omega + self.coupling / self.n * np.sum(self.adjacency * np.sin(diff), axis=1)

    @staticmethod
    def order_parameter(theta):
        z = np.mean(np.exp(1j * theta))
        return np.abs(z), np.angle(z)


def rk4_step(f, y, dt):
    k1 = f(y)
    k2 = f(y + 0.5 * dt * k1)
    k3 = f(y + 0.5 * dt * k2)
    k4 = f(y + dt * k3)
    return y + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


def kuramoto_sync_loss(log_k, omega_spread, omega_raw, r_target, dt=0.05, n_steps=120):
    rng = np.random.default_rng(7)
    theta = rng.uniform(-np.pi, np.pi, len(omega_raw))
    model = Kuramoto(omega_spread * omega_raw, np.exp(log_k))
    r_hist = []
    for step in range(n_steps):
        theta = rk4_step(model, theta, dt)
        if step % 10 == 9:
            r, _ = model.order_parameter(theta)
            r_hist.append(r)
    r_hist = np.array(r_hist)
    assert r_hist.shape == r_target.shape
    return np.sum((r_hist - r_target) ** 2)


def kuramoto_inputs(rng):
    return dict(log_k=np.float64(np.log(1.5)), omega_spread=np.float64(0.8),
                omega_raw=rng.standard_normal(16), r_target=np.linspace(0.3, 0.9, 12))


# ------------------------------------------------- finance: Heston pricing by Gil-Pelaez Fourier inversion
@dataclass
class HestonParams:
    kappa: float
    theta: float
    sigma: float
    rho: float
    v0: float

    @property
    def feller_gap(self):
        return 2 * self.kappa * self.theta - self.sigma ** 2


def heston_cf(u, tau, p, r=0.02):
    """Characteristic function of log S_T (Albrecher et al. 'little trap' formulation)."""
    xi = p.kappa - p.sigma * p.rho * 1j * u
    d = np.sqrt(xi ** 2 + p.sigma ** 2 * (u ** 2 + 1j * u))
    g = (xi - d) / (xi + d)
    e = np.exp(-d * tau)
    C = r * 1j * u * tau + p.kappa * p.theta / p.sigma ** 2 * (
        (xi - d) * tau - 2 * np.log((1 - g * e) / (1 - g)))
    D = (xi - d) / p.sigma ** 2 * (1 - e) / (1 - g * e)
    return np.exp(C + D * p.v0)


def heston_call(spot, strike, tau, p, r=0.02, u_max=100.0, n_u=400):
    u = np.linspace(1e-4, u_max, n_u)
    x = np.log(spot)
    k = np.log(strike)
    phi = heston_cf(u, tau, p, r) * np.exp(1j * u * x)
    phi_shift = heston_cf(u - 1j, tau, p, r) * np.exp(1j * (u - 1j) * x)
    fwd = spot * np.exp(r * tau)
    integrand1 = np.real(np.exp(-1j * u * k) * phi_shift / (1j * u * fwd))
    integrand2 = np.real(np.exp(-1j * u * k) * phi / (1j * u))
    P1 = 0.5 + np.trapezoid(integrand1, u) / np.pi
    P2 = 0.5 + np.trapezoid(integrand2, u) / np.pi
    return spot * P1 - strike * np.exp(-r * tau) * P2


def heston_calibration_loss(params, strikes, maturities, market_prices, spot=100.0):
    kappa, theta, sigma = np.exp(params[:3])
    rho = np.tanh(params[3])
    v0 = np.exp(params[4])
    p = HestonParams(kappa, theta, sigma, rho, v0)
    loss = 0.0
    for K, T, c in zip(strikes, maturities, market_prices):
        model = heston_call(spot, K, T, p)
        loss = loss + (model - c) ** 2 / c
    penalty = np.maximum(-p.feller_gap, 0.0) ** 2
    return loss + 10.0 * penalty


def heston_inputs(rng):
    strikes = np.array([80.0, 90.0, 100.0, 110.0, 120.0, 90.0, 100.0, 110.0])
    mats = np.array([0.5, 0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0])
    true = HestonParams(2.0, 0.04, 0.3, -0.7, 0.05)
    prices = np.array([heston_call(100.0, K, T, true) for K, T in zip(strikes, mats)])
    prices = prices * (1 + 0.01 * rng.standard_normal(len(prices)))
    return dict(params=np.array([np.log(1.5), np.log(0.05), np.log(0.4), np.arctanh(-0.5), np.log(0.04)]),
                strikes=strikes, maturities=mats, market_prices=prices)


# ------------------------------------------ scattered-data interpolation: thin-plate RBF with polynomial
RBF_KERNELS = {
    "thin_plate": lambda r, eps: r ** 2 * np.log(r + 1e-12),
    "gaussian": lambda r, eps: np.exp(-(eps * r) ** 2),
    "multiquadric": lambda r, eps: np.sqrt(1 + (eps * r) ** 2),
}


def rbf_fit(centers, values, kernel="thin_plate", eps=1.0, smoothing=0.0):
    phi = RBF_KERNELS[kernel]
    n = len(centers)
    r = np.linalg.norm(centers[:, None, :] - centers[None, :, :], axis=-1)
    A = np.zeros((n + 3, n + 3))
    A[:n, :n] = phi(r, eps) + smoothing * np.eye(n)
    P = np.column_stack([np.ones(n), centers])
    A[:n, n:] = P
    A[n:, :n] = P.T
    rhs = np.concatenate([values, np.zeros(3)])
    coef = np.linalg.solve(A, rhs)
    return coef[:n], coef[n:], A


def rbf_eval(x, centers, w, poly, kernel="thin_plate", eps=1.0):
    r = np.linalg.norm(x[:, None, :] - centers[None, :, :], axis=-1)
    return RBF_KERNELS[kernel](r, eps) @ w + poly[0] + x @ poly[1:]


def rbf_terrain_loss(heights, log_smoothing, centers, grid_truth, kernel="thin_plate"):
    w, poly, A = rbf_fit(centers, heights, kernel=kernel, smoothing=np.exp(log_smoothing))
    gx, gy = np.meshgrid(np.linspace(0, 1, 9), np.linspace(0, 1, 9))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    pred = rbf_eval(grid, centers, w, poly, kernel=kernel)
    misfit = np.mean((pred - grid_truth) ** 2)
    bending = w @ A[:len(w), :len(w)] @ w
    logdet_term = np.log(np.abs(np.linalg.det(A[:len(w), :len(w)] + np.eye(len(w)))))
    return misfit + 1e-3 * bending + 1e-3 * logdet_term


def rbf_inputs(rng):
    centers = rng.uniform(0, 1, (20, 2))
    f = lambda p: np.sin(3 * p[:, 0]) * np.cos(2 * p[:, 1]) + p[:, 0]
    gx, gy = np.meshgrid(np.linspace(0, 1, 9), np.linspace(0, 1, 9))
    grid = np.stack([gx.ravel(), gy.ravel()], axis=1)
    return dict(heights=f(centers) + 0.05 * rng.standard_normal(20), log_smoothing=np.float64(np.log(1e-3)),
                centers=centers, grid_truth=f(grid))


# --------------------------------------------------- atmospheric physics: two-stream radiative transfer
MU0 = 0.6  # cosine of the solar zenith angle
SURFACE_ALBEDO = 0.15


def layer_two_stream(tau, omega, g):
    """Reflectance and transmittance of a homogeneous layer (Meador-Weaver, Eddington-like)."""
    gamma1 = (7 - omega * (4 + 3 * g)) / 4
    gamma2 = -(1 - omega * (4 - 3 * g)) / 4
    k = np.sqrt(gamma1 ** 2 - gamma2 ** 2)
    denom = k * np.cosh(k * tau) + gamma1 * np.sinh(k * tau)
    R = gamma2 * np.sinh(k * tau) / denom
    T = k / denom
    return R, T


def adding_matrix(R, T):
    """Transfer matrix for (up, down) diffuse fluxes across a layer."""
    return np.array([[1 / T, -R / T], [R / T, T - R * R / T]])


def column_albedo(taus, omegas, gs, n_sub=4, albedo_sfc=SURFACE_ALBEDO):
    M = np.eye(2)
    direct = np.cumprod(np.exp(-taus / MU0))
    for tau, om, g in zip(taus, omegas, gs):
        R, T = layer_two_stream(tau / n_sub, om, g)
        M = np.linalg.matrix_power(adding_matrix(R, T), n_sub) @ M
    # boundary conditions: downward flux 1 at top, reflection at the surface
    # [F_up_bot, F_dn_bot] = M [F_up_top, F_dn_top]; F_up_bot = a F_dn_bot
    A = np.array([[M[0, 0] - albedo_sfc * M[1, 0], 0.0], [M[1, 0], -1.0]])
    b = np.array([albedo_sfc * M[1, 1] - M[0, 1], -M[1, 1]])
    f_up_top, f_dn_bot = np.linalg.solve(A, b)
    return f_up_top, f_dn_bot, direct[-1]


def cloud_retrieval_loss(log_tau, omega_logit, asym, obs):
    taus = np.exp(log_tau)
    omegas = 0.9999 * expit(omega_logit)
    loss = 0.0
    for band in range(obs.shape[0]):
        alb, trans, direct = column_albedo(taus * (1 + 0.1 * band), omegas - 0.01 * band, asym)
        loss = loss + (alb - obs[band, 0]) ** 2 + (trans + direct - obs[band, 1]) ** 2
    return loss


def cloud_inputs(rng):
    obs = np.array([[0.45, 0.5], [0.43, 0.5], [0.40, 0.52]]) + 0.01 * rng.standard_normal((3, 2))
    return dict(log_tau=np.log(np.array([0.3, 2.0, 5.0, 0.5])), omega_logit=np.array([3.0, 6.0, 7.0, 4.0]),
                asym=np.array([0.7, 0.85, 0.85, 0.75]), obs=obs)


# -------------------------------------------------------- biostatistics: beta-binomial with group effects
def beta_binomial_logpmf(k, n, a, b):
    log_choose = gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
    return log_choose + betaln(k + a, n - k + b) - betaln(a, b)


def beta_binomial_nll(beta, log_phi, group_effects, X, successes, trials, clinic):
    labels, idx = np.unique(clinic, return_inverse=True)
    eta = X @ beta + group_effects[idx]
    mu = expit(eta)
    phi = np.exp(log_phi)  # precision
    a = mu * phi
    b = (1 - mu) * phi
    ll = beta_binomial_logpmf(successes, trials, a, b).sum()
    prior = -0.5 * np.sum(group_effects ** 2) / 0.5 ** 2
    return -(ll + prior) / len(successes)


def beta_binomial_inputs(rng):
    n = 150
    X = np.column_stack([np.ones(n), rng.standard_normal((n, 2))])
    clinic = rng.choice(np.array([3, 7, 11, 19, 23]), n)
    trials = rng.integers(5, 30, n).astype(float)
    p = expit(X @ np.array([-0.5, 0.8, -0.3]) + 0.1 * (clinic % 4))
    successes = rng.binomial(trials.astype(int), rng.beta(p * 8, (1 - p) * 8)).astype(float)
    return dict(beta=np.zeros(3), log_phi=np.float64(1.0), group_effects=np.zeros(5), X=X,
                successes=successes, trials=trials, clinic=clinic)


# ----------------------------------------------------------------- sports / games: TrueSkill-lite updates
TS_CONFIG = {"mu0": 25.0, "draw_margin": 0.0, "dynamic_factor": 25.0 / 300}


def v_win(t, eps=0.0):
    return norm.pdf(t - eps) / norm.cdf(t - eps)


def w_win(t, eps=0.0):
    v = v_win(t, eps)
    return v * (v + t - eps)


class RatingTable:
    def __init__(self, n_players, sigma0, mu0=TS_CONFIG["mu0"]):
        self.mu = np.full(n_players, mu0)
        self.sigma2 = np.full(n_players, sigma0 ** 2)

    def win_prob(self, i, j, beta):
        c = np.sqrt(2 * beta ** 2 + self.sigma2[i] + self.sigma2[j])
        return norm.cdf((self.mu[i] - self.mu[j]) / c)

    def update(self, winner, loser, beta, tau=TS_CONFIG["dynamic_factor"]):
        self.sigma2[winner] = self.sigma2[winner] + tau ** 2
        self.sigma2[loser] = self.sigma2[loser] + tau ** 2
        c2 = 2 * beta ** 2 + self.sigma2[winner] + self.sigma2[loser]
        c = np.sqrt(c2)
        t = (self.mu[winner] - self.mu[loser]) / c
        v, w = v_win(t), w_win(t)
        self.mu[winner] = self.mu[winner] + self.sigma2[winner] / c * v
        self.mu[loser] = self.mu[loser] - self.sigma2[loser] / c * v
        self.sigma2[winner] = self.sigma2[winner] * (1 - self.sigma2[winner] / c2 * w)
        self.sigma2[loser] = self.sigma2[loser] * (1 - self.sigma2[loser] / c2 * w)


def trueskill_log_loss(log_beta, log_sigma0, matches, times):
    order = np.argsort(times, kind="stable")
    table = RatingTable(int(matches.max()) + 1, np.exp(log_sigma0))
    beta = np.exp(log_beta)
    nll = 0.0
    for m in order:
        a, b, a_won = matches[m]
        p = table.win_prob(a, b, beta)
        if a_won == 1:
            nll = nll - np.log(p)
            table.update(a, b, beta)
        else:
            nll = nll - np.log(1 - p)
            table.update(b, a, beta)
    return nll / len(order)


def trueskill_inputs(rng):
    skill = rng.normal(25, 5, 8)
    pairs = np.array([rng.choice(8, 2, replace=False) for _ in range(60)])
    won = (skill[pairs[:, 0]] + rng.normal(0, 4, 60) > skill[pairs[:, 1]] + rng.normal(0, 4, 60)).astype(int)
    return dict(log_beta=np.float64(np.log(4.0)), log_sigma0=np.float64(np.log(8.0)),
                matches=np.column_stack([pairs, won]), times=rng.uniform(0, 100, 60))


# ------------------------------------------------ neuroimaging: EEG minimum-norm localisation with GCV
def dipole_leadfield(sources, sensors, conductivity=0.33):
    """Infinite-medium potential of unit radial dipoles at `sources` seen at `sensors`."""
    d = sensors[:, None, :] - sources[None, :, :]
    r = np.linalg.norm(d, axis=-1)
    orient = sources / np.linalg.norm(sources, axis=1, keepdims=True)
    return np.einsum("sdk,dk->sd", d, orient) / (4 * np.pi * conductivity * r ** 3)


def average_reference(L):
    return L - L.mean(axis=0, keepdims=True)


def eeg_gcv_objective(source_scale, log_lambda, sources_unit, sensors, eeg):
    L = average_reference(dipole_leadfield(source_scale * sources_unit, sensors))
    lam = np.exp(log_lambda)
    U, s, Vt = np.linalg.svd(L, full_matrices=False)
    filt = s ** 2 / (s ** 2 + lam)
    fitted = U @ (filt[:, None] * (U.T @ eeg))
    resid = eeg - fitted
    n = eeg.shape[0]
    gcv = n * np.sum(resid ** 2) / (n - np.sum(filt)) ** 2
    # minimum-norm estimate through the regularised normal equations
    c, low = sla.cho_factor(L @ L.T + lam * np.eye(n))
    J = L.T @ sla.cho_solve((c, low), eeg)
    power = np.sum(J ** 2, axis=1)
    focality = np.sort(power)[-3:].sum() / power.sum()
    return gcv - 0.1 * focality


def eeg_inputs(rng):
    sensors = rng.standard_normal((24, 3))
    sensors = 0.1 * sensors / np.linalg.norm(sensors, axis=1, keepdims=True)
    src = rng.standard_normal((30, 3))
    src = src / np.linalg.norm(src, axis=1, keepdims=True)
    L = average_reference(dipole_leadfield(0.07 * src, sensors))
    J = np.zeros((30, 5))
    J[[2, 17], :] = rng.standard_normal((2, 5)) * 1e-3
    eeg = L @ J
    eeg = eeg + 0.05 * eeg.std() * rng.standard_normal(eeg.shape)
    return dict(source_scale=np.float64(0.065), log_lambda=np.float64(np.log(1e-2 * np.sum(L ** 2) / 24)),
                sources_unit=src, sensors=sensors, eeg=eeg / eeg.std())


# ---------------------------------------------------- vehicle dynamics: bicycle model with Pacejka tyres
@dataclass
class Vehicle:
    mass: float = 1500.0
    yaw_inertia: float = 2500.0
    a: float = 1.2   # CG to front axle
    b: float = 1.5   # CG to rear axle
    mu: float = 1.0
    tyre: dict = field(default_factory=lambda: {"B": 10.0, "C": 1.9, "E": 0.97})

    @property
    def wheelbase(self):
        return self.a + self.b

    def axle_loads(self, g=9.81):
        fz_f = self.mass * g * self.b / self.wheelbase
        return fz_f, self.mass * g - fz_f


def magic_formula(alpha, fz, B, C, D_mu, E):
    D = D_mu * fz
    Ba = B * alpha
    return D * np.sin(C * np.arctan(Ba - E * (Ba - np.arctan(Ba))))


def lateral_rhs(state, steer, veh, vx, stiff_scale):
    vy, r = state
    alpha_f = steer - np.arctan2(vy + veh.a * r, vx)
    alpha_r = -np.arctan2(vy - veh.b * r, vx)
    fz_f, fz_r = veh.axle_loads()
    tp = veh.tyre
    Fyf = magic_formula(alpha_f, fz_f, tp["B"] * stiff_scale[0], tp["C"], veh.mu, tp["E"])
    Fyr = magic_formula(alpha_r, fz_r, tp["B"] * stiff_scale[1], tp["C"], veh.mu, tp["E"])
    dvy = (Fyf * np.cos(steer) + Fyr) / veh.mass - vx * r
    dr = (veh.a * Fyf * np.cos(steer) - veh.b * Fyr) / veh.yaw_inertia
    return np.array([dvy, dr])


def lane_change_loss(stiff_scale, mu, yaw_obs, vx=20.0, dt=0.01, integrator="heun"):
    veh = Vehicle(mu=mu)
    state = np.zeros(2)
    t = np.arange(len(yaw_obs)) * dt
    steer = np.clip(0.08 * np.sin(2 * np.pi * 0.5 * t), -0.06, 0.06)
    yaw = []
    for k in range(len(t)):
        f0 = lateral_rhs(state, steer[k], veh, vx, stiff_scale)
        if integrator == "euler":
            state = state + dt * f0
        elif integrator == "heun":
            pred = state + dt * f0
            state = state + 0.5 * dt * (f0 + lateral_rhs(pred, steer[k], veh, vx, stiff_scale))
        else:
            raise ValueError(integrator)
        yaw.append(state[1])
    return np.mean((np.array(yaw) - yaw_obs) ** 2) * 100


def vehicle_inputs(rng):
    n = 200
    veh = Vehicle(mu=0.9)
    state = np.zeros(2)
    t = np.arange(n) * 0.01
    steer = np.clip(0.08 * np.sin(2 * np.pi * 0.5 * t), -0.06, 0.06)
    obs = []
    for k in range(n):
        state = state + 0.01 * lateral_rhs(state, steer[k], veh, 20.0, np.array([1.1, 0.9]))
        obs.append(state[1])
    return dict(stiff_scale=np.array([1.0, 1.0]), mu=np.float64(1.0),
                yaw_obs=np.array(obs) + 0.002 * rng.standard_normal(n))


# ---------------------------------------------- hydrology: Muskingum routing with stage-dependent storage
FLOW_BANDS = np.array([50.0, 150.0, 400.0])  # m3/s: low flow, in-bank, bankfull, floodplain


def muskingum_coefficients(K, X, dt):
    denom = 2 * K * (1 - X) + dt
    c0 = (dt - 2 * K * X) / denom
    c1 = (dt + 2 * K * X) / denom
    c2 = (2 * K * (1 - X) - dt) / denom
    return c0, c1, c2


def route_reach(inflow, K_bands, X, dt=1.0):
    band = np.digitize(inflow, FLOW_BANDS)
    outflow = [inflow[0]]
    for t in range(1, len(inflow)):
        c0, c1, c2 = muskingum_coefficients(K_bands[band[t]], X, dt)
        outflow.append(c0 * inflow[t] + c1 * inflow[t - 1] + c2 * outflow[-1])
    return np.array(outflow)


def nash_sutcliffe(sim, obs):
    return 1 - np.sum((sim - obs) ** 2) / np.sum((obs - obs.mean()) ** 2)


def muskingum_loss(log_K, x_logit, lateral_frac, inflow, obs_outflow):
    K = np.exp(log_K)
    X = 0.5 * expit(x_logit)
    q = inflow * (1 + lateral_frac)
    for reach in range(2):  # two identical reaches in series
        q = route_reach(q, K, X)
    peak_err = (q.max() - obs_outflow.max()) / obs_outflow.max()
    return (1 - nash_sutcliffe(q, obs_outflow)) + peak_err ** 2


def muskingum_inputs(rng):
    t = np.arange(96.0)
    inflow = 30 + 500 * (t / 20) ** 3 * np.exp(-3 * (t / 20 - 1))
    K_true = np.array([6.0, 5.0, 4.0, 7.0])
    q = inflow * 1.05
    for _ in range(2):
        q = route_reach(q, K_true, 0.2)
    return dict(log_K=np.log([5.0, 5.0, 5.0, 5.0]), x_logit=np.float64(0.0), lateral_frac=np.float64(0.0),
                inflow=inflow, obs_outflow=q * (1 + 0.02 * rng.standard_normal(96)))


# ------------------------------------------- astronomy: modified blackbody SED through filter curves
H_PLANCK = 6.62607015e-34
K_BOLTZ = 1.380649e-23
C_LIGHT = 2.99792458e8
# (wavelength in micron, A_lambda / A_V): a coarse Milky-Way-like extinction curve
EXTINCTION_TABLE = np.array([[0.35, 1.58], [0.45, 1.32], [0.55, 1.0], [0.65, 0.82], [0.9, 0.48],
                             [1.25, 0.28], [1.65, 0.18], [2.2, 0.11], [3.6, 0.05], [8.0, 0.03],
                             [24.0, 0.02], [70.0, 0.005], [160.0, 0.001], [500.0, 0.0]])
FILTERS = {"J": (1.25, 0.15), "K": (2.2, 0.3), "W3": (12.0, 3.0), "W4": (22.0, 4.0),
           "P70": (70.0, 20.0), "P160": (160.0, 50.0), "S250": (250.0, 60.0), "S500": (500.0, 120.0)}


def planck_nu(nu, T):
    x = H_PLANCK * nu / (K_BOLTZ * T)
    return 2 * H_PLANCK * nu ** 3 / C_LIGHT ** 2 / np.expm1(x)


def sed_model(wave_um, log_T, beta, log_amp, log_T_star, log_amp_star, av):
    nu = C_LIGHT / (wave_um * 1e-6)
    dust = np.exp(log_amp) * (nu / 1e12) ** beta * planck_nu(nu, np.exp(log_T)) * 1e20
    star = np.exp(log_amp_star) * planck_nu(nu, np.exp(log_T_star)) * 1e20
    a_lambda = av * np.interp(wave_um, EXTINCTION_TABLE[:, 0], EXTINCTION_TABLE[:, 1])
    return dust + star * 10 ** (-0.4 * a_lambda)


def synthetic_photometry(theta, band):
    center, width = FILTERS[band]
    w = np.linspace(center - width, center + width, 41)
    response = np.clip(1 - ((w - center) / width) ** 2, 0, None)
    flux = sed_model(w, *theta)
    return np.trapezoid(flux * response, w) / np.trapezoid(response, w)


def sed_chi2(theta, observed, errors):
    model = np.array([synthetic_photometry(theta, b) for b in FILTERS])
    return np.sum(((np.log(model) - np.log(observed)) / errors) ** 2)


def sed_inputs(rng):
    true = np.array([np.log(25.0), 1.8, np.log(2.0), np.log(4000.0), np.log(1e-8), 1.5])
    obs = np.array([synthetic_photometry(true, b) for b in FILTERS])
    return dict(theta=np.array([np.log(30.0), 1.5, np.log(1.0), np.log(3500.0), np.log(2e-8), 1.0]),
                observed=obs * np.exp(0.05 * rng.standard_normal(len(obs))), errors=np.full(len(obs), 0.05))


# ------------------------------------------ macroeconomics: consumption-savings by endogenous grid method
ECON = {"r": 0.03, "sigma": 2.0, "a_max": 20.0, "n_grid": 40}


def crra_marginal(c, sigma):
    return c ** (-sigma)


def tauchen_two_state(rho, sd):
    p = 0.5 * (1 + rho)
    P = np.array([[p, 1 - p], [1 - p, p]])
    y = np.exp(np.array([-sd, sd]) / np.sqrt(1 - rho ** 2 + 1e-12) * 0.5)
    return y / y.mean(), P


def egm_policy(beta, y, P, tol=1e-7, max_iter=500, verbose=False):
    r, sigma = ECON["r"], ECON["sigma"]
    a_grid = np.linspace(0.0, ECON["a_max"], ECON["n_grid"])
    c = np.stack([r * a_grid + y[s] for s in range(2)])  # consume income initially
    it = 0
    while it < max_iter:
        emu = P @ crra_marginal(c, sigma)
        c_endo = (beta * (1 + r) * emu) ** (-1 / sigma)
        m_endo = c_endo + a_grid[None, :]
        c_new = np.empty_like(c)
        for s in range(2):
            cash = (1 + r) * a_grid + y[s]
            c_new[s] = np.interp(cash, m_endo[s], c_endo[s])
            constrained = cash < m_endo[s, 0]
            c_new[s, constrained] = cash[constrained]
        err = np.max(np.abs(c_new - c))
        c = c_new
        it += 1
        if err < tol:
            if verbose:
                print(f"EGM converged in {it} iterations")
            break
    else:
        print("EGM did not converge")
    return a_grid, c


def savings_moment_loss(beta_logit, income_rho, target_wealth_income, T=300):
    beta = 0.9 + 0.09 * expit(beta_logit)
    y, P = tauchen_two_state(income_rho, 0.4)
    a_grid, c = egm_policy(beta, y, P)
    rng = np.random.default_rng(2024)
    u = rng.uniform(size=(T, 50))
    a = np.zeros(50)
    s = np.zeros(50, dtype=int)
    wealth = []
    for t in range(T):
        cash = (1 + ECON["r"]) * a + y[s]
        cons = np.where(s == 0, np.interp(a, a_grid, c[0]), np.interp(a, a_grid, c[1]))
        a = np.maximum(cash - cons, 0.0)
        s = np.where(u[t] < P[s, 0], 0, 1)
        if t >= T // 2:
            wealth.append(a.mean())
    ratio = np.mean(wealth) / y.mean()
    return (ratio - target_wealth_income) ** 2


def savings_inputs(rng):
    return dict(beta_logit=np.float64(0.5), income_rho=np.float64(0.9),
                target_wealth_income=np.float64(2.0 + 0.1 * rng.standard_normal()))


# ------------------------------------------------------- antennas: phased-array beam pattern synthesis
ARRAY = {"n_elements": 12, "spacing_wl": 0.5, "steer_deg": 20.0, "null_deg": [-40.0, 55.0]}


def array_factor(weights, angles_deg, spacing=ARRAY["spacing_wl"]):
    n = np.arange(len(weights))
    k_d = 2 * np.pi * spacing
    phase = k_d * np.outer(np.sin(np.deg2rad(angles_deg)), n)
    return np.exp(1j * phase) @ weights


def beam_synthesis_loss(log_amp, phase, smooth=0.05):
    w = np.exp(log_amp) * np.exp(1j * phase)
    angles = np.linspace(-90, 90, 361)
    af = array_factor(w, angles)
    power = np.abs(af) ** 2
    power_db = 10 * np.log10(power / power.max() + 1e-12)
    main = np.argmax(power)
    steer_idx = np.argmin(np.abs(angles - ARRAY["steer_deg"]))
    mainlobe = np.abs(angles - angles[main]) < 10.0
    sidelobes = power_db[~mainlobe]
    # soft maximum of the sidelobe level
    psll = smooth * logsumexp(sidelobes / smooth)
    null_af = array_factor(w, np.array(ARRAY["null_deg"]))
    null_pen = np.sum(np.abs(null_af) ** 2) / power[steer_idx]
    return psll + 10 * null_pen - power_db[steer_idx]


def beam_inputs(rng):
    n = ARRAY["n_elements"]
    steer = np.deg2rad(ARRAY["steer_deg"])
    phase = -2 * np.pi * 0.5 * np.arange(n) * np.sin(steer)
    return dict(log_amp=0.1 * rng.standard_normal(n), phase=phase + 0.05 * rng.standard_normal(n))


# --------------------------------------------------- nuclear physics: Bateman decay chains via expm
CHAIN = ["Mo-99", "Tc-99m", "Tc-99"]
BRANCHING = {("Mo-99", "Tc-99m"): 0.876, ("Mo-99", "Tc-99"): 0.124, ("Tc-99m", "Tc-99"): 1.0}
LN2 = math.log(2)


def decay_matrix(half_lives_h):
    lam = LN2 / half_lives_h
    n = len(CHAIN)
    A = np.zeros((n, n))
    A[np.arange(n), np.arange(n)] = -lam
    for (parent, daughter), br in BRANCHING.items():
        i, j = CHAIN.index(parent), CHAIN.index(daughter)
        A[j, i] += br * lam[i]
    return A, lam


def activity_curve(log_half_lives, n0, times):
    A, lam = decay_matrix(np.exp(log_half_lives))
    out = []
    for t in times:
        N = sla.expm(A * t) @ n0
        out.append(lam * N)
    return np.array(out)


def generator_fit_loss(log_half_lives, log_n0_mo, measured_tc, times, efficiency=0.9):
    n0 = np.array([np.exp(log_n0_mo), 0.0, 0.0])
    act = activity_curve(log_half_lives, n0, times)
    counts = efficiency * act[:, 1]
    return np.sum((np.log(counts) - np.log(measured_tc)) ** 2)


def bateman_inputs(rng):
    times = np.array([1.0, 3.0, 6.0, 12.0, 24.0, 36.0, 48.0, 72.0])
    true = np.log([65.94, 6.01, 211100.0 * 8766])
    act = activity_curve(true, np.array([1e3, 0.0, 0.0]), times)
    return dict(log_half_lives=true + np.array([0.1, -0.1, 0.0]), log_n0_mo=np.float64(np.log(800.0)),
                measured_tc=0.9 * act[:, 1] * np.exp(0.02 * rng.standard_normal(8)), times=times)


# ---------------------------------------------------------------- sports analytics: Dixon-Coles model
def dc_tau(x, y, lam, mu, rho):
    return np.where((x == 0) & (y == 0), 1 - lam * mu * rho,
           np.where((x == 0) & (y == 1), 1 + lam * rho,
           np.where((x == 1) & (y == 0), 1 + mu * rho,
           np.where((x == 1) & (y == 1), 1 - rho, 1.0))))


def dixon_coles_nll(attack, defence, home_adv, rho_raw, home, away, hg, ag, days_ago, xi=0.0065):
    attack = attack - attack.mean()  # identifiability
    lam = np.exp(attack[home] - defence[away] + home_adv)
    mu = np.exp(attack[away] - defence[home])
    rho = 0.2 * np.tanh(rho_raw)
    tau = dc_tau(hg, ag, lam, mu, rho)
    ll = (np.log(np.maximum(tau, 1e-10)) + hg * np.log(lam) - lam - gammaln(hg + 1)
          + ag * np.log(mu) - mu - gammaln(ag + 1))
    weights = np.exp(-xi * days_ago)
    return -np.sum(weights * ll) / np.sum(weights)


def dixon_coles_inputs(rng):
    n_teams, n_games = 10, 180
    home = rng.integers(0, n_teams, n_games)
    away = (home + rng.integers(1, n_teams, n_games)) % n_teams
    att, dfn = 0.3 * rng.standard_normal(n_teams), 0.3 * rng.standard_normal(n_teams)
    hg = rng.poisson(np.exp(att[home] - dfn[away] + 0.25)).astype(float)
    ag = rng.poisson(np.exp(att[away] - dfn[home])).astype(float)
    return dict(attack=np.zeros(n_teams), defence=np.zeros(n_teams), home_adv=np.float64(0.1),
                rho_raw=np.float64(-0.3), home=home, away=away, hg=hg, ag=ag,
                days_ago=np.sort(rng.uniform(0, 365, n_games))[::-1].copy())


# ------------------------------------------- materials: Allen-Cahn phase separation, semi-implicit FFT
def allen_cahn_energy(u, eps, dx):
    ux = (np.roll(u, -1, axis=0) - u) / dx
    uy = (np.roll(u, -1, axis=1) - u) / dx
    return np.sum(0.25 * (u ** 2 - 1) ** 2 + 0.5 * eps ** 2 * (ux ** 2 + uy ** 2)) * dx * dx


def allen_cahn_run(u0, eps, dt=0.05, n_steps=40, L=2 * np.pi, tol=1e-6):
    n = u0.shape[0]
    k = np.fft.fftfreq(n, d=L / n) * 2 * np.pi
    kx, ky = np.meshgrid(k, k, indexing="ij")
    k2 = kx ** 2 + ky ** 2
    u = u0.copy()
    energies = [allen_cahn_energy(u, eps, L / n)]
    converged = False
    for step in range(n_steps):
        nonlin = u - u ** 3
        u_hat = (np.fft.fft2(u) + dt * np.fft.fft2(nonlin)) / (1 + dt * eps ** 2 * k2)
        u = np.real(np.fft.ifft2(u_hat))
        energies.append(allen_cahn_energy(u, eps, L / n))
        if abs(energies[-1] - energies[-2]) < tol:
            converged = True
            break
    else:
        converged = False
    return u, np.array(energies), converged


def allen_cahn_loss(u0, log_eps, target_fraction=0.4):
    u, energies, converged = allen_cahn_run(u0, np.exp(log_eps))
    phase_fraction = np.mean(0.5 * (1 + np.tanh(5 * u)))
    assert np.all(np.isfinite(energies))
    return energies[-1] + 10 * (phase_fraction - target_fraction) ** 2


def allen_cahn_inputs(rng):
    return dict(u0=0.1 * rng.standard_normal((16, 16)), log_eps=np.float64(np.log(0.15)))


# ----------------------------------------------- network epidemiology: SIS on a contact network (NIMFA)
def random_contact_network(n, p_within=0.3, p_between=0.05, seed=11):
    rng = np.random.default_rng(seed)
    community = np.arange(n) % 3
    prob = np.where(community[:, None] == community[None, :], p_within, p_between)
    upper = np.triu(rng.uniform(size=(n, n)) < prob, k=1)
    return (upper | upper.T).astype(float), community


def nimfa_sis_loss(log_beta, log_delta, vaccinated_frac, prevalence_obs, n_nodes=30, dt=0.1, n_steps=150):
    A, community = random_contact_network(n_nodes)
    beta, delta = np.exp(log_beta), np.exp(log_delta)
    susceptible_scale = 1 - vaccinated_frac[community]
    p = np.full(n_nodes, 0.02)
    p[:3] = 0.3
    prevalence = []
    for t in range(n_steps):
        infection = beta * susceptible_scale * (1 - p) * (A @ p)
        p = p + dt * (infection - delta * p)
        p = np.clip(p, 0.0, 1.0)
        if t % 15 == 14:
            prevalence.append(p.mean())
    # epidemic threshold: tau_c = 1 / lambda_max(diag(s) A)
    S = np.diag(np.sqrt(susceptible_scale))
    lam_max = np.linalg.eigh(S @ A @ S)[0][-1]
    r_eff = beta / delta * lam_max
    return np.sum((np.array(prevalence) - prevalence_obs) ** 2) + 0.01 * (r_eff - 1.5) ** 2


def nimfa_inputs(rng):
    return dict(log_beta=np.float64(np.log(0.3)), log_delta=np.float64(np.log(0.8)),
                vaccinated_frac=np.array([0.1, 0.3, 0.2]),
                prevalence_obs=np.linspace(0.1, 0.35, 10) + 0.01 * rng.standard_normal(10))


# --------------------------------------------- analytical chemistry: EMG peak deconvolution (VarPro)
def emg_peak(t, center, sigma, tau):
    """Exponentially modified Gaussian with unit area."""
    z = (t - center) / sigma
    arg = (sigma / tau - z) / np.sqrt(2)
    return np.exp(0.5 * (sigma / tau) ** 2 - (t - center) / tau) / (2 * tau) * erfc(arg)


def chromatogram_design(t, centers, log_sigma, log_tau, baseline_order=2):
    order = np.argsort(centers)
    cols = [emg_peak(t, centers[i], np.exp(log_sigma[i]), np.exp(log_tau[i])) for i in order]
    span = (t - t.min()) / (t.max() - t.min())
    for p in range(baseline_order + 1):
        cols.append(span ** p)
    return np.column_stack(cols), order


def chromatography_varpro(centers, log_sigma, log_tau, t, signal):
    Phi, order = chromatogram_design(t, centers, log_sigma, log_tau)
    Q, R = np.linalg.qr(Phi)
    coef = sla.solve_triangular(R, Q.T @ signal)
    resid = signal - Phi @ coef
    sorted_centers = np.sort(centers)
    overlap = np.sum(np.exp(-np.diff(sorted_centers) ** 2 / 0.05))
    return resid @ resid + 0.1 * overlap


def chromatography_inputs(rng):
    t = np.linspace(0, 10, 300)
    c = np.array([2.5, 3.1, 6.0, 7.2])
    sig = np.log([0.15, 0.2, 0.25, 0.2])
    tau = np.log([0.3, 0.4, 0.6, 0.5])
    Phi, _ = chromatogram_design(t, c, sig, tau)
    sig_obs = Phi @ np.array([3.0, 1.5, 2.0, 1.0, 0.05, 0.02, -0.01]) + 0.01 * rng.standard_normal(300)
    return dict(centers=c + np.array([0.1, -0.1, 0.05, 0.1]), log_sigma=sig + 0.1, log_tau=tau - 0.1,
                t=t, signal=sig_obs)


# -------------------------------------------------- network science: degree-corrected stochastic blocks
def softmax_rows(z):
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def dcsbm_neg_elbo(membership_logits, log_omega, A):
    Q = softmax_rows(membership_logits)
    degree = A.sum(axis=1)
    theta = degree / degree.mean()
    omega = np.exp(log_omega)
    omega = 0.5 * (omega + omega.T)
    rate = theta[:, None] * theta[None, :] * np.einsum("ik,kl,jl->ij", Q, omega, Q)
    mask = ~np.eye(len(A), dtype=bool)
    ll = np.sum((A * np.log(rate) - rate)[mask]) / 2
    entropy = -np.sum(Q * np.log(Q + 1e-12))
    pi = Q.mean(axis=0)
    prior = np.sum(Q @ np.log(pi))
    return -(ll + entropy + prior) / len(A)


def dcsbm_inputs(rng):
    n, k = 40, 3
    z = rng.integers(0, k, n)
    theta = rng.lognormal(0, 0.4, n)
    omega = np.full((k, k), 0.05) + np.eye(k) * 0.4
    A = rng.poisson(np.outer(theta, theta) * omega[z][:, z])
    A = np.triu(A, 1)
    A = (A + A.T).astype(float)
    return dict(membership_logits=0.5 * rng.standard_normal((n, k)),
                log_omega=np.log(np.full((k, k), 0.1) + 0.1 * np.eye(k)), A=A)


# ----------------------------------------------------- photovoltaics: single-diode model via Lambert W
Q_E = 1.602176634e-19
CELL = {"n_series": 36, "temp_c": 25.0}


def thermal_voltage(temp_c=CELL["temp_c"], n_series=CELL["n_series"]):
    return n_series * K_BOLTZ * (temp_c + 273.15) / Q_E


def diode_current(v, iph, log_i0, log_rs, log_rsh, ideality):
    """Explicit I(V) of the single-diode model (Jain & Kapoor 2004)."""
    i0, rs, rsh = np.exp(log_i0), np.exp(log_rs), np.exp(log_rsh)
    nvt = ideality * thermal_voltage()
    x = rs * i0 * rsh / (nvt * (rs + rsh)) * np.exp(rsh * (rs * (iph + i0) + v) / (nvt * (rs + rsh)))
    w = lambertw(x).real
    return (rsh * (iph + i0) - v) / (rs + rsh) - nvt / rs * w


def pv_fit_loss(params, v_meas, i_meas, weight_mpp=0.5):
    iph, log_i0, log_rs, log_rsh, ideality = params
    i_model = diode_current(v_meas, iph, log_i0, log_rs, log_rsh, ideality)
    power = v_meas * i_model
    k = np.argmax(v_meas * i_meas)
    mpp_err = (power[k] - v_meas[k] * i_meas[k]) / (v_meas[k] * i_meas[k])
    return np.mean((i_model - i_meas) ** 2) + weight_mpp * mpp_err ** 2


def pv_inputs(rng):
    v = np.linspace(0.0, 20.0, 40)
    true = np.array([5.0, np.log(1e-8), np.log(0.3), np.log(300.0), 1.2])
    i = diode_current(v, *true)
    keep = i > 0
    return dict(params=np.array([4.8, np.log(5e-9), np.log(0.25), np.log(250.0), 1.25]),
                v_meas=v[keep], i_meas=i[keep] + 0.01 * rng.standard_normal(keep.sum()))


# ------------------------------------------ structural dynamics: Newmark-beta response of a shear building
class ShearBuilding:
    def __init__(self, storey_masses, storey_stiffness, damping_ratio=0.05):
        self.m = storey_masses
        self.k = storey_stiffness
        self.zeta = damping_ratio

    @property
    def mass_matrix(self):
        return np.diag(self.m)

    @property
    def stiffness_matrix(self):
        n = len(self.k)
        K = np.zeros((n, n))
        for i in range(n):
            K[i, i] += self.k[i]
            if i + 1 < n:
                K[i, i] += self.k[i + 1]
                K[i, i + 1] -= self.k[i + 1]
                K[i + 1, i] -= self.k[i + 1]
        return K

    def modes(self):
        L = np.linalg.cholesky(self.mass_matrix)
        Kt = sla.solve_triangular(L, sla.solve_triangular(L, self.stiffness_matrix, lower=True).T, lower=True)
        w2, phi = np.linalg.eigh(Kt)
        return np.sqrt(w2), sla.solve_triangular(L.T, phi, lower=False)

    def rayleigh_damping(self):
        omega, _ = self.modes()
        w1, w2 = omega[0], omega[1]
        a0, a1 = np.linalg.pinv(0.5 * np.array([[1 / w1, w1], [1 / w2, w2]])) @ np.array([self.zeta, self.zeta])
        return a0 * self.mass_matrix + a1 * self.stiffness_matrix


def newmark(building, ground_acc, dt, gamma=0.5, beta=0.25):
    M, K, C = building.mass_matrix, building.stiffness_matrix, building.rayleigh_damping()
    n = len(building.m)
    iota = np.ones(n)
    u, v = np.zeros(n), np.zeros(n)
    a = np.linalg.solve(M, -M @ iota * ground_acc[0] - C @ v - K @ u)
    K_eff_inv = np.linalg.inv(K + gamma / (beta * dt) * C + M / (beta * dt ** 2))
    roof = []
    for ag in ground_acc[1:]:
        p = -M @ iota * ag
        rhs = (p + M @ (u / (beta * dt ** 2) + v / (beta * dt) + (0.5 / beta - 1) * a)
               + C @ (gamma / (beta * dt) * u + (gamma / beta - 1) * v + dt * (0.5 * gamma / beta - 1) * a))
        u_new = K_eff_inv @ rhs
        a_new = (u_new - u) / (beta * dt ** 2) - v / (beta * dt) - (0.5 / beta - 1) * a
        v = v + dt * ((1 - gamma) * a + gamma * a_new)
        u, a = u_new, a_new
        roof.append(a[-1] + ag)
    return np.array(roof)


def building_identification_loss(log_k, log_zeta, ground_acc, roof_obs, dt=0.02):
    building = ShearBuilding(np.array([2.0e5, 2.0e5, 1.5e5]), np.exp(log_k), np.exp(log_zeta))
    roof = newmark(building, ground_acc, dt)
    omega, _ = building.modes()
    freq_prior = np.sum((omega / (2 * np.pi) - np.array([1.5, 4.0, 6.0])) ** 2) * 1e-3
    return np.mean((roof - roof_obs) ** 2) + freq_prior


def building_inputs(rng):
    t = np.arange(250) * 0.02
    ag = np.sin(2 * np.pi * 1.3 * t) * np.exp(-0.5 * t) + 0.3 * rng.standard_normal(250)
    b = ShearBuilding(np.array([2.0e5, 2.0e5, 1.5e5]), np.array([4.0e7, 3.5e7, 2.5e7]), 0.04)
    roof = newmark(b, ag, 0.02)
    return dict(log_k=np.log([3.5e7, 3.5e7, 3.0e7]), log_zeta=np.float64(np.log(0.05)), ground_acc=ag,
                roof_obs=roof + 0.02 * rng.standard_normal(len(roof)))


PROGRAMS = [
    dict(name="kuramoto_class_call_rk4", f=kuramoto_sync_loss, inputs=kuramoto_inputs,
         wrt=("log_k", "omega_spread", "omega_raw")),
    dict(name="heston_gil_pelaez_complex", f=heston_calibration_loss, inputs=heston_inputs, wrt=("params",)),
    dict(name="rbf_thin_plate_meshgrid_det", f=rbf_terrain_loss, inputs=rbf_inputs,
         wrt=("heights", "log_smoothing")),
    dict(name="two_stream_matrix_power", f=cloud_retrieval_loss, inputs=cloud_inputs,
         wrt=("log_tau", "omega_logit", "asym")),
    dict(name="beta_binomial_unique_groups", f=beta_binomial_nll, inputs=beta_binomial_inputs,
         wrt=("beta", "log_phi", "group_effects")),
    dict(name="trueskill_lite_class_updates", f=trueskill_log_loss, inputs=trueskill_inputs,
         wrt=("log_beta", "log_sigma0")),
    dict(name="eeg_min_norm_gcv_cho", f=eeg_gcv_objective, inputs=eeg_inputs,
         wrt=("source_scale", "log_lambda")),
    dict(name="pacejka_bicycle_dataclass", f=lane_change_loss, inputs=vehicle_inputs, wrt=("stiff_scale", "mu")),
    dict(name="muskingum_digitize_bands", f=muskingum_loss, inputs=muskingum_inputs,
         wrt=("log_K", "x_logit", "lateral_frac")),
    dict(name="blackbody_sed_filters_interp", f=sed_chi2, inputs=sed_inputs, wrt=("theta",)),
    dict(name="consumption_egm_while_else", f=savings_moment_loss, inputs=savings_inputs,
         wrt=("beta_logit", "income_rho")),
    dict(name="phased_array_complex_softmax", f=beam_synthesis_loss, inputs=beam_inputs, wrt=("log_amp", "phase")),
    dict(name="bateman_chain_expm", f=generator_fit_loss, inputs=bateman_inputs,
         wrt=("log_half_lives", "log_n0_mo")),
    dict(name="dixon_coles_nested_where", f=dixon_coles_nll, inputs=dixon_coles_inputs,
         wrt=("attack", "defence", "home_adv", "rho_raw")),
    dict(name="allen_cahn_fft2_for_else", f=allen_cahn_loss, inputs=allen_cahn_inputs, wrt=("u0", "log_eps")),
    dict(name="nimfa_sis_network_eigh", f=nimfa_sis_loss, inputs=nimfa_inputs,
         wrt=("log_beta", "log_delta", "vaccinated_frac")),
    dict(name="emg_varpro_qr_triangular", f=chromatography_varpro, inputs=chromatography_inputs,
         wrt=("centers", "log_sigma", "log_tau")),
    dict(name="dcsbm_einsum_softmax", f=dcsbm_neg_elbo, inputs=dcsbm_inputs,
         wrt=("membership_logits", "log_omega")),
    dict(name="pv_single_diode_lambertw", f=pv_fit_loss, inputs=pv_inputs, wrt=("params",)),
    dict(name="newmark_shear_building_modes", f=building_identification_loss, inputs=building_inputs,
         wrt=("log_k", "log_zeta")),
]
