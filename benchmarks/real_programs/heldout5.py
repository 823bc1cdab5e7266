"""Fifth held-out set: thirty programs written without reading adjit's docs or source, in domains the
other modules do not cover, and deliberately in the styles the first four sets used little: module-level
constant arrays and config dicts, small classes and dataclasses, helpers with default arguments, loops
that append to lists, while loops with convergence checks, in-place updates on slices, multi-operand
einsum, fancy and boolean indexing, complex phasors, np.fft, asserts, prints and string options.

Weibull series systems (competing risks), a Nash-cascade unit hydrograph, room modes, DH-parameter
forward kinematics, Phong shading, a lid-driven cavity (vorticity-stream function), heat-exchanger
NTU sizing, LWR traffic with a Godunov flux, metapopulation SIR with commuting, Hardy-Weinberg with
inbreeding plus backcross linkage, the Rasch model, Glicko-1 ratings, generalized Bass diffusion, the
Heckman selection likelihood, a Thevenin battery model, great-circle trilateration, seismic rays in
layered media, crystallographic structure factors, Fraunhofer PSFs through a Zernike pupil,
Butler-Volmer polarization, growing-degree-day crop growth, Ogden rubber, constant-acceleration Kalman
tracking, the HMM Baum-Welch E-step, spectral-clustering eigengaps, the Harris corner response,
discrete LQR by Riccati iteration, Jackson queueing networks, RLC nodal analysis with phasors and a
pseudo-spectral Burgers solver.
Written as plain NumPy/SciPy, the way the domain's textbooks, lecture notes and notebooks write them.
"""
import math
from dataclasses import dataclass

import numpy as np
import scipy.linalg
from scipy import constants
from scipy.signal import convolve2d
from scipy.special import expit, gammaln, logsumexp
from scipy.stats import binom, gamma, norm, poisson, weibull_min


# ------------------------------------------------------- reliability: Weibull series system, competing risks
COMPONENTS = ("bearing", "seal", "motor")


def series_system_nll(log_shape, log_scale, times, failed_component, censored):
    """System fails at the first component failure; the failing component is recorded (or censored)."""
    k = np.exp(log_shape)
    lam = np.exp(log_scale)
    assert k.shape == (len(COMPONENTS),), f"expected {len(COMPONENTS)} shapes, got {k.shape}"
    nll = 0.0
    for j, name in enumerate(COMPONENTS):
        # every unit survived component j up to its time ...
        nll -= np.sum(weibull_min.logsf(times, k[j], scale=lam[j]))
        # ... and the units that failed by component j contribute its hazard
        mask = (failed_component == j) & ~censored
        z = times[mask] / lam[j]
        log_h = np.log(k[j] / lam[j]) + (k[j] - 1.0) * np.log(z)
        nll -= np.sum(log_h)
    return nll


def series_inputs(rng):
    n = 150
    shapes = np.array([1.5, 2.5, 0.9])
    scales = np.array([8.0, 12.0, 20.0])
    draws = scales * rng.weibull(shapes, size=(n, 3))
    t = draws.min(axis=1)
    comp = draws.argmin(axis=1)
    cens_time = rng.uniform(3.0, 15.0, size=n)
    censored = cens_time < t
    t = np.where(censored, cens_time, t)
    return dict(log_shape=np.log([1.3, 2.0, 1.1]), log_scale=np.log([7.0, 10.0, 15.0]), times=t,
                failed_component=comp, censored=censored)


# ------------------------------------------------------------ hydrology: Nash-cascade unit hydrograph
CATCHMENT = {"area_km2": 120.0, "dt_hours": 1.0, "baseflow": 2.0, "runoff_coef": 0.35}


def nash_uh(n, k, length=48, dt=1.0):
    t = (np.arange(length) + 0.5) * dt
    uh = gamma.pdf(t, a=n, scale=k) * dt
    return uh / uh.sum()


def hydrograph_loss(log_n, log_k, rain, q_obs):
    n = np.exp(log_n)
    k = np.exp(log_k)
    uh = nash_uh(n, k, dt=CATCHMENT["dt_hours"])
    effective = rain * CATCHMENT["runoff_coef"]
    q_sim = np.convolve(effective, uh)[: len(rain)]
    q_sim = q_sim * CATCHMENT["area_km2"] / (3.6 * CATCHMENT["dt_hours"]) + CATCHMENT["baseflow"]
    nse = 1.0 - np.sum((q_sim - q_obs) ** 2) / np.sum((q_obs - q_obs.mean()) ** 2)
    return 1.0 - nse


def hydrograph_inputs(rng):
    rain = np.zeros(96)
    rain[5:9] = [4.0, 10.0, 6.0, 2.0]
    rain[40:43] = [3.0, 8.0, 5.0]
    rain[70:72] = [6.0, 2.0]
    uh = nash_uh(3.0, 4.0)
    q = np.convolve(rain * 0.35, uh)[:96] * 120.0 / 3.6 + 2.0
    q_obs = q * np.exp(0.05 * rng.standard_normal(96))
    return dict(log_n=np.log(2.5), log_k=np.log(5.0), rain=rain, q_obs=q_obs)


# ----------------------------------------------------------------- acoustics: room modes (complex response)
class Room:
    def __init__(self, dims, c=343.0, max_order=3, rt60=0.5):
        self.dims = np.asarray(dims, dtype=float)
        self.c = c
        n = np.arange(max_order + 1)
        nx, ny, nz = np.meshgrid(n, n, n, indexing="ij")
        modes = np.stack([nx.ravel(), ny.ravel(), nz.ravel()], axis=1)
        self.modes = modes[1:]  # drop the (0, 0, 0) mode
        self.delta = 6.91 / rt60  # Sabine: 60 dB decay

    def mode_frequencies(self):
        return self.c / 2.0 * np.sqrt(np.sum((self.modes / self.dims) ** 2, axis=1))

    def mode_shapes(self, pos):
        return np.prod(np.cos(np.pi * self.modes * pos / self.dims), axis=1)

    def response_db(self, src, rcv, freqs):
        wm = 2 * np.pi * self.mode_frequencies()
        w = 2 * np.pi * freqs
        num = self.mode_shapes(src) * self.mode_shapes(rcv)
        H = np.sum(num[None, :] / (wm[None, :] ** 2 - w[:, None] ** 2 + 2j * self.delta * w[:, None]), axis=1)
        return 20 * np.log10(np.abs(H))


def room_flatness(src, rcv, dims, freqs):
    room = Room(dims)
    spl = room.response_db(src, rcv, freqs)
    return np.var(spl)


def room_inputs(rng):
    return dict(src=np.array([0.7, 1.1, 0.4]), rcv=np.array([2.6, 2.2, 1.2]), dims=np.array([5.2, 4.1, 2.7]),
                freqs=np.linspace(30.0, 120.0, 40))


# ------------------------------------------------------------------ robotics: DH forward kinematics (PUMA)
DH_TABLE = np.array([  # a, alpha, d (theta is the joint variable)
    [0.0, np.pi / 2, 0.67],
    [0.43, 0.0, 0.0],
    [0.02, -np.pi / 2, 0.15],
    [0.0, np.pi / 2, 0.43],
    [0.0, -np.pi / 2, 0.0],
    [0.0, 0.0, 0.06],
])


def dh_transform(a, alpha, d, theta):
    ct, st = np.cos(theta), np.sin(theta)
    ca, sa = math.cos(alpha), math.sin(alpha)
    return np.array([
        [ct, -st * ca, st * sa, a * ct],
        [st, ct * ca, -ct * sa, a * st],
        [0.0, sa, ca, d],
        [0.0, 0.0, 0.0, 1.0],
    ])


def forward_kinematics(q, dh=DH_TABLE):
    T = np.eye(4)
    joints = []
    for i, (a, alpha, d) in enumerate(dh):
        T = T @ dh_transform(a, alpha, d, q[i])
        joints.append(T[:3, 3])
    return T, np.array(joints)


def dh_ik_objective(q, target_pos, target_R, w_rot=0.5, min_height=0.3):
    T, joints = forward_kinematics(q)
    pos_err = T[:3, 3] - target_pos
    rot_err = 3.0 - np.trace(target_R.T @ T[:3, :3])
    low = joints[:, 2] < min_height
    height_pen = np.sum(np.where(low, (min_height - joints[:, 2]) ** 2, 0.0))
    return pos_err @ pos_err + w_rot * rot_err + 10.0 * height_pen


def dh_inputs(rng):
    q_true = np.array([0.3, -0.5, 0.4, 0.2, 0.6, -0.3])
    T, _ = forward_kinematics(q_true)
    return dict(q=q_true + 0.15 * rng.standard_normal(6), target_pos=T[:3, 3], target_R=T[:3, :3])


# ----------------------------------------------------------------- graphics: Phong shading, inverse rendering
LIGHTS = [
    dict(pos=np.array([2.0, 3.0, 4.0]), color=np.array([1.0, 0.9, 0.8])),
    dict(pos=np.array([-3.0, 1.0, 2.0]), color=np.array([0.3, 0.4, 0.6])),
]


@dataclass
class Material:
    ka: float = 0.1
    kd: float = 0.7
    ks: float = 0.4
    shininess: float = 12.0


def normalize(v, axis=-1, eps=1e-12):
    return v / (np.linalg.norm(v, axis=axis, keepdims=True) + eps)


def shade(points, normals, albedo, eye, mat=Material()):
    N = normalize(normals)
    V = normalize(eye - points)
    color = mat.ka * albedo * np.ones_like(points)
    for light in LIGHTS:
        L = normalize(light["pos"] - points)
        ndotl = np.sum(N * L, axis=1)
        diffuse = np.maximum(ndotl, 0.0)
        R = 2 * ndotl[:, None] * N - L
        spec = np.maximum(np.sum(R * V, axis=1), 0.0) ** mat.shininess
        spec = np.where(ndotl > 0, spec, 0.0)
        color += light["color"] * (mat.kd * diffuse[:, None] * albedo + mat.ks * spec[:, None])
    return np.clip(color, 0.0, 1.0)


def phong_fit_loss(albedo, normals, points, eye, target):
    img = shade(points, normals, albedo, eye)
    return np.mean((img - target) ** 2)


def phong_inputs(rng):
    n = 40
    points = rng.uniform(-1, 1, size=(n, 3)) * np.array([1.0, 1.0, 0.1])
    normals = np.array([0.0, 0.0, 1.0]) + 0.3 * rng.standard_normal((n, 3))
    eye = np.array([0.0, -1.0, 5.0])
    target = shade(points, normals, np.array([0.6, 0.4, 0.3]), eye)
    return dict(albedo=np.array([0.5, 0.5, 0.5]), normals=normals + 0.05 * rng.standard_normal((n, 3)),
                points=points, eye=eye, target=target)


# ----------------------------------------------------- fluids: lid-driven cavity, vorticity-stream function
def cavity_step(psi, omega, lid, nu, dx, dt, n_jacobi=15):
    for _ in range(n_jacobi):  # Jacobi sweeps for lap(psi) = -omega
        psi_new = psi.copy()
        psi_new[1:-1, 1:-1] = 0.25 * (psi[2:, 1:-1] + psi[:-2, 1:-1] + psi[1:-1, 2:] + psi[1:-1, :-2]
                                      + dx * dx * omega[1:-1, 1:-1])
        psi = psi_new
    omega = omega.copy()
    omega[0, :] = -2.0 * psi[1, :] / dx ** 2  # bottom wall (Thom)
    omega[-1, :] = -2.0 * psi[-2, :] / dx ** 2 - 2.0 * lid / dx  # moving lid
    omega[:, 0] = -2.0 * psi[:, 1] / dx ** 2
    omega[:, -1] = -2.0 * psi[:, -2] / dx ** 2
    u = (psi[2:, 1:-1] - psi[:-2, 1:-1]) / (2 * dx)
    v = -(psi[1:-1, 2:] - psi[1:-1, :-2]) / (2 * dx)
    lap = (omega[2:, 1:-1] + omega[:-2, 1:-1] + omega[1:-1, 2:] + omega[1:-1, :-2] - 4 * omega[1:-1, 1:-1]) / dx ** 2
    adv = u * (omega[1:-1, 2:] - omega[1:-1, :-2]) / (2 * dx) + v * (omega[2:, 1:-1] - omega[:-2, 1:-1]) / (2 * dx)
    omega[1:-1, 1:-1] += dt * (nu * lap - adv)
    return psi, omega


def cavity_loss(lid, log_nu, psi_target, n_steps=30, dt=0.004):
    n = psi_target.shape[0]
    dx = 1.0 / (n - 1)
    nu = np.exp(log_nu)
    psi = np.zeros((n, n))
    omega = np.zeros((n, n))
    for step in range(n_steps):
        psi, omega = cavity_step(psi, omega, lid, nu, dx, dt)
    return 1e4 * np.sum((psi - psi_target) ** 2)


def cavity_inputs(rng):
    n = 13
    x = np.linspace(0, 1, n)
    lid_true = 16 * x ** 2 * (1 - x) ** 2
    psi_t = np.zeros((n, n))
    om = np.zeros((n, n))
    for _ in range(30):
        psi_t, om = cavity_step(psi_t, om, lid_true, 0.05, 1.0 / (n - 1), 0.004)
    return dict(lid=lid_true + 0.1 * rng.standard_normal(n) * np.sin(np.pi * x), log_nu=np.log(0.04),
                psi_target=psi_t)


# ------------------------------------------------------------------ heat exchangers: effectiveness-NTU
FLUIDS = {"water": {"cp": 4180.0}, "oil": {"cp": 2100.0}, "air": {"cp": 1005.0}, "glycol": {"cp": 3500.0}}
DUTIES = [  # hot fluid, cold fluid, hot flow kg/s, T_hot_in, T_cold_in, required duty W, arrangement
    ("oil", "water", 1.2, 140.0, 20.0, 1.1e5, "counterflow"),
    ("water", "air", 0.8, 90.0, 15.0, 6.0e4, "crossflow_unmixed"),
    ("glycol", "water", 2.0, 70.0, 10.0, 1.6e5, "parallel"),
]


def effectiveness(ntu, cr, arrangement="counterflow"):
    if arrangement == "counterflow":
        if abs(cr - 1.0) < 1e-9:
            return ntu / (1 + ntu)
        e = np.exp(-ntu * (1 - cr))
        return (1 - e) / (1 - cr * e)
    elif arrangement == "parallel":
        return (1 - np.exp(-ntu * (1 + cr))) / (1 + cr)
    elif arrangement == "crossflow_unmixed":
        return 1 - np.exp(ntu ** 0.22 / cr * (np.exp(-cr * ntu ** 0.78) - 1))
    raise ValueError(f"unknown arrangement {arrangement!r}")


def exchanger_cost(log_UA, m_cold, ua_price=0.8, pump_price=50.0):
    total = 0.0
    for i, (hot, cold, m_hot, th, tc, duty, arr) in enumerate(DUTIES):
        C_hot = m_hot * FLUIDS[hot]["cp"]
        C_cold = m_cold[i] * FLUIDS[cold]["cp"]
        C_min, C_max = min(C_hot, C_cold), max(C_hot, C_cold)
        ntu = np.exp(log_UA[i]) / C_min
        eps = effectiveness(ntu, C_min / C_max, arr)
        Q = eps * C_min * (th - tc)
        total += ((Q - duty) / 1e4) ** 2 + ua_price * np.exp(log_UA[i]) / 1e3 + pump_price * m_cold[i] ** 2
    return total


def exchanger_inputs(rng):
    return dict(log_UA=np.log([2500.0, 1800.0, 6000.0]), m_cold=np.array([0.9, 2.5, 1.0]))


# ------------------------------------------------------------------- traffic: LWR model, Godunov scheme
ROAD = {"length_km": 2.0, "n_cells": 40, "rho_max": 150.0}


def greenshields(rho, vf, rho_max=ROAD["rho_max"]):
    return vf * rho * (1 - rho / rho_max)


def godunov_flux(rho_l, rho_r, vf, rho_max=ROAD["rho_max"]):
    rho_c = rho_max / 2
    demand = np.where(rho_l < rho_c, greenshields(rho_l, vf), greenshields(rho_c, vf))
    supply = np.where(rho_r > rho_c, greenshields(rho_r, vf), greenshields(rho_c, vf))
    return np.minimum(demand, supply)


def lwr_detector_loss(rho0, vf, inflow, detector_cells, counts, n_steps=60, dt_h=0.5 / 3600):
    dx = ROAD["length_km"] / ROAD["n_cells"]
    rho = rho0.copy()
    flows = []
    for step in range(n_steps):
        padded = np.concatenate([[inflow], rho, [rho[-1]]])
        F = godunov_flux(padded[:-1], padded[1:], vf)
        rho = rho - dt_h / dx * (F[1:] - F[:-1])
        flows.append(F[detector_cells])
    flows = np.array(flows)
    return np.sum((flows.mean(axis=0) - counts) ** 2) / 1e4


def lwr_inputs(rng):
    x = np.linspace(0, 1, ROAD["n_cells"])
    rho0 = 30 + 60 * np.exp(-((x - 0.6) / 0.1) ** 2) + 3 * rng.standard_normal(ROAD["n_cells"])
    return dict(rho0=rho0, vf=95.0, inflow=40.0, detector_cells=np.array([5, 15, 25, 35]),
                counts=np.array([2400.0, 2300.0, 2600.0, 2500.0]))


# ------------------------------------------------------------ epidemiology: metapopulation SIR, commuting
def metapop_sir_nll(log_beta, log_gamma, mobility, pop, cases, seed_patch=0, days=40, substeps=4):
    n = len(pop)
    beta = np.exp(log_beta)
    gamma_ = np.exp(log_gamma)
    S = pop.astype(float).copy()
    I = np.zeros(n)
    I[seed_patch] = 10.0
    S[seed_patch] -= 10.0
    eff_pop = mobility.T @ pop  # people present in each patch during the day
    daily = []
    dt = 1.0 / substeps
    for day in range(days):
        new_today = np.zeros(n)
        for _ in range(substeps):
            # force of infection on residents of i: they visit j, meet infectious from k who also visit j
            lam = np.einsum("ij,j,kj,k->i", mobility, beta / eff_pop, mobility, I)
            inf = lam * S * dt
            S = S - inf
            I = I + inf - gamma_ * I * dt
            new_today += inf
        daily.append(new_today)
    daily = np.array(daily)
    return -np.sum(poisson.logpmf(cases, daily + 1e-3))


def metapop_inputs(rng):
    n = 5
    pop = np.array([50000, 20000, 30000, 10000, 15000])
    M = 0.05 * rng.uniform(size=(n, n))
    np.fill_diagonal(M, 0.0)
    np.fill_diagonal(M, 1.0 - M.sum(axis=1))
    beta = np.array([0.45, 0.4, 0.5, 0.35, 0.42])
    S = pop.astype(float).copy()
    I = np.zeros(n)
    I[0] = 10.0
    S[0] -= 10.0
    eff = M.T @ pop
    daily = []
    for day in range(40):
        tot = np.zeros(n)
        for _ in range(4):
            lam = M @ ((beta / eff) * (M.T @ I))
            inf = lam * S * 0.25
            S, I = S - inf, I + inf - 0.2 * I * 0.25
            tot += inf
        daily.append(tot)
    cases = rng.poisson(np.array(daily))
    return dict(log_beta=np.log(beta * 0.9), log_gamma=np.log(0.22), mobility=M, pop=pop, cases=cases)


# --------------------------------------------------- genetics: Hardy-Weinberg with inbreeding, linkage
def hwe_linkage_nll(logit_p, logit_F, logit_2theta, genotype_counts, recomb, n_meioses):
    """Genotype counts (loci x [AA, Aa, aa]) under inbreeding F, plus backcross recombinant counts."""
    p = expit(logit_p)
    q = 1 - p
    F = expit(logit_F)
    probs = np.stack([p ** 2 + F * p * q, 2 * p * q * (1 - F), q ** 2 + F * p * q], axis=1)
    n = genotype_counts.sum(axis=1)
    ll = np.sum(gammaln(n + 1)) - np.sum(gammaln(genotype_counts + 1)) + np.sum(genotype_counts * np.log(probs))
    theta = 0.5 * expit(logit_2theta)  # recombination fraction in (0, 1/2)
    ll += np.sum(binom.logpmf(recomb, n_meioses, theta))
    return -ll


def hwe_inputs(rng):
    L = 6
    p = rng.uniform(0.2, 0.8, L)
    F = 0.08
    probs = np.stack([p ** 2 + F * p * (1 - p), 2 * p * (1 - p) * (1 - F), (1 - p) ** 2 + F * p * (1 - p)], 1)
    counts = np.array([rng.multinomial(200, pr) for pr in probs])
    theta = np.array([0.05, 0.12, 0.3, 0.22, 0.4])
    n_meioses = np.full(5, 120)
    return dict(logit_p=np.log(p / (1 - p)) + 0.1, logit_F=-2.0, logit_2theta=np.zeros(5),
                genotype_counts=counts, recomb=rng.binomial(n_meioses, theta), n_meioses=n_meioses)


# ---------------------------------------------------------- psychometrics: Rasch model, missing responses
def rasch_jml(theta, b_free, responses, prior_sd=2.0):
    n_persons, n_items = responses.shape
    b = np.append(b_free, -np.sum(b_free))  # sum-to-zero identification
    person_idx = np.repeat(np.arange(n_persons), n_items)
    item_idx = np.tile(np.arange(n_items), n_persons)
    x = responses.ravel()
    observed = ~np.isnan(x)
    eta = theta[person_idx[observed]] - b[item_idx[observed]]
    xo = x[observed]
    ll = np.sum(xo * eta - np.logaddexp(0.0, eta))
    ll += np.sum(norm.logpdf(theta, 0.0, prior_sd))
    return -ll


def rasch_inputs(rng):
    P, I = 60, 10
    theta = rng.standard_normal(P)
    b = np.linspace(-1.5, 1.5, I)
    X = (rng.uniform(size=(P, I)) < expit(theta[:, None] - b[None, :])).astype(float)
    X[rng.uniform(size=(P, I)) < 0.1] = np.nan
    return dict(theta=0.5 * theta, b_free=np.zeros(I - 1), responses=X)


# ----------------------------------------------------------------------- sports: Glicko-1 rating periods
Q_GLICKO = math.log(10) / 400


def g_rd(rd):
    return 1.0 / np.sqrt(1.0 + 3.0 * Q_GLICKO ** 2 * rd ** 2 / math.pi ** 2)


def glicko_expected(r, r_opp, rd_opp):
    return 1.0 / (1.0 + 10 ** (-g_rd(rd_opp) * (r - r_opp) / 400))


def glicko_season_loss(init_ratings, log_c, home, away, score, period, rd0=200.0):
    n_players = len(init_ratings)
    r = init_ratings.copy()
    rd = np.full(n_players, rd0)
    c = np.exp(log_c)
    loss = 0.0
    for t in sorted(set(period.tolist())):
        rd = np.minimum(np.sqrt(rd ** 2 + c ** 2), 350.0)
        in_t = period == t
        h, a, s = home[in_t], away[in_t], score[in_t]
        # predictive log loss before the period's update
        p_home = 1.0 / (1.0 + 10 ** (-g_rd(np.sqrt(rd[h] ** 2 + rd[a] ** 2)) * (r[h] - r[a]) / 400))
        loss -= np.sum(s * np.log(p_home) + (1 - s) * np.log(1 - p_home))
        new_r = r.copy()
        new_rd = rd.copy()
        for i in range(n_players):
            mine = (h == i) | (a == i)
            if not np.any(mine):
                continue
            opp = np.where(h[mine] == i, a[mine], h[mine])
            s_i = np.where(h[mine] == i, s[mine], 1 - s[mine])
            E = glicko_expected(r[i], r[opp], rd[opp])
            gj = g_rd(rd[opp])
            d2 = 1.0 / (Q_GLICKO ** 2 * np.sum(gj ** 2 * E * (1 - E)))
            denom = 1.0 / rd[i] ** 2 + 1.0 / d2
            new_r[i] = r[i] + Q_GLICKO / denom * np.sum(gj * (s_i - E))
            new_rd[i] = np.sqrt(1.0 / denom)
        r, rd = new_r, new_rd
    return loss


def glicko_inputs(rng):
    n, n_periods, per = 8, 5, 8
    strength = rng.normal(1500, 150, n)
    home, away, score, period = [], [], [], []
    for t in range(n_periods):
        for _ in range(per):
            i, j = rng.choice(n, 2, replace=False)
            p = 1 / (1 + 10 ** (-(strength[i] - strength[j]) / 400))
            home.append(i)
            away.append(j)
            score.append(float(rng.uniform() < p))
            period.append(t)
    return dict(init_ratings=np.full(n, 1500.0) + rng.normal(0, 30, n), log_c=np.log(40.0), home=np.array(home),
                away=np.array(away), score=np.array(score), period=np.array(period))


# ---------------------------------------------------------------- marketing: generalized Bass diffusion
def bass_cdf(t_eff, p, q):
    e = np.exp(-(p + q) * t_eff)
    return (1 - e) / (1 + (q / p) * e)


def bass_nll(theta, price, adv, sales, verbose=False):
    log_p, log_q, log_m, b_price, b_adv, log_sigma = theta
    p, q, m = np.exp(log_p), np.exp(log_q), np.exp(log_m)
    if verbose:
        print(f"p={p:.4f} q={q:.4f} m={m:.0f}")
    t = np.arange(1, len(sales) + 1)
    # Bass-Krishnan-Jain: effective time shifted by log price and advertising changes
    x = t + b_price * np.log(price / price[0]) + b_adv * np.log(adv / adv[0])
    F = bass_cdf(x, p, q)
    F_prev = np.concatenate([[0.0], F[:-1]])
    pred = m * (F - F_prev)
    return -np.sum(norm.logpdf(np.log(sales), np.log(pred), np.exp(log_sigma)))


def bass_inputs(rng):
    T = 24
    t = np.arange(1, T + 1)
    price = 100 * np.exp(-0.02 * t)
    adv = 10 + 2 * np.sin(t / 3.0) + 0.1 * t
    x = t - 0.8 * np.log(price / price[0]) + 0.3 * np.log(adv / adv[0])
    F = bass_cdf(x, 0.01, 0.35)
    sales = 5000 * np.diff(np.concatenate([[0.0], F])) * np.exp(0.05 * rng.standard_normal(T))
    theta = np.array([np.log(0.015), np.log(0.3), np.log(4500.0), -0.5, 0.2, np.log(0.1)])
    return dict(theta=theta, price=price, adv=adv, sales=sales)


# --------------------------------------------------- econometrics: Heckman sample-selection likelihood
def inverse_mills(z):
    return np.exp(norm.logpdf(z) - norm.logcdf(z))


def heckman_nll(gamma_, beta, log_sigma, atanh_rho, Z, X, y, selected):
    sigma = np.exp(log_sigma)
    rho = np.tanh(atanh_rho)
    zg = Z @ gamma_
    ll = np.sum(norm.logcdf(-zg[~selected]))
    resid = (y[selected] - X[selected] @ beta) / sigma
    a = (zg[selected] + rho * resid) / np.sqrt(1 - rho ** 2)
    ll += np.sum(norm.logcdf(a) + norm.logpdf(resid) - log_sigma)
    return -ll


def heckman_inputs(rng):
    n = 200
    Z = np.column_stack([np.ones(n), rng.standard_normal((n, 2))])
    X = Z[:, :2].copy()
    u = rng.multivariate_normal([0, 0], [[1, 0.5], [0.5, 1]], size=n)
    selected = Z @ np.array([0.3, 1.0, -0.7]) + u[:, 0] > 0
    y = X @ np.array([1.0, 2.0]) + 0.8 * u[:, 1]
    y = np.where(selected, y, 0.0)
    # two-step start: probit-ish gamma, OLS with the inverse Mills ratio as a regressor
    g0 = np.array([0.2, 0.8, -0.5])
    lam = inverse_mills(Z[selected] @ g0)
    coef = np.linalg.lstsq(np.column_stack([X[selected], lam]), y[selected], rcond=None)[0]
    return dict(gamma_=g0, beta=coef[:2], log_sigma=np.log(0.9), atanh_rho=0.3, Z=Z, X=X, y=y, selected=selected)


# -------------------------------------------------- energy: Thevenin equivalent-circuit battery model
class TheveninCell:
    def __init__(self, ocv_coeffs, r0, r1, c1, capacity_ah):
        self.ocv_coeffs = ocv_coeffs
        self.r0, self.r1, self.c1 = r0, r1, c1
        self.capacity_as = capacity_ah * 3600.0

    def ocv(self, soc):
        return np.polyval(self.ocv_coeffs, soc)

    def simulate(self, current, dt, soc0=0.9):
        tau = self.r1 * self.c1
        a = np.exp(-dt / tau)
        v_rc = 0.0
        soc = soc0
        volts = []
        for i_k in current:
            volts.append(self.ocv(soc) - self.r0 * i_k - v_rc)
            v_rc = a * v_rc + self.r1 * (1 - a) * i_k
            soc = soc - i_k * dt / self.capacity_as
        return np.array(volts)


def battery_fit_loss(log_r, ocv_coeffs, current, v_meas, dt=1.0):
    r0, r1, c1 = np.exp(log_r)
    cell = TheveninCell(ocv_coeffs, r0, r1, c1, capacity_ah=2.5)
    v = cell.simulate(current, dt)
    return np.mean((v - v_meas) ** 2) * 1e4


def battery_inputs(rng):
    T = 120
    current = np.where((np.arange(T) // 20) % 2 == 0, 2.0, -0.5) + 0.1 * rng.standard_normal(T)
    coeffs = np.array([0.5, -0.8, 0.9, 3.3])
    cell = TheveninCell(coeffs, 0.03, 0.02, 1500.0, 2.5)
    v = cell.simulate(current, 1.0) + 0.002 * rng.standard_normal(T)
    return dict(log_r=np.log([0.025, 0.03, 1000.0]), ocv_coeffs=coeffs + 0.02, current=current, v_meas=v)


# ----------------------------------------------------------------- geodesy: great-circle trilateration
EARTH_RADIUS_KM = 6371.0


def haversine(lat1, lon1, lat2, lon2):
    dlat = lat2 - lat1
    dlon = lon2 - lon1
    a = np.sin(dlat / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def initial_bearing(lat1, lon1, lat2, lon2):
    y = np.sin(lon2 - lon1) * np.cos(lat2)
    x = np.cos(lat1) * np.sin(lat2) - np.sin(lat1) * np.cos(lat2) * np.cos(lon2 - lon1)
    return np.arctan2(y, x)


def trilateration_loss(emitters_deg, stations_deg, ranges_km, bearings_rad, sigma_km=2.0, sigma_rad=0.02):
    st = np.radians(stations_deg)
    total = 0.0
    for (lat_d, lon_d), rng_obs, brg_obs in zip(emitters_deg, ranges_km, bearings_rad):
        lat, lon = map(math.radians, (lat_d, lon_d))
        d = haversine(st[:, 0], st[:, 1], lat, lon)
        b = initial_bearing(st[:, 0], st[:, 1], lat, lon)
        dbrg = np.angle(np.exp(1j * (b - brg_obs)))  # wrap to (-pi, pi]
        total += np.sum(((d - rng_obs) / sigma_km) ** 2) + np.sum((dbrg / sigma_rad) ** 2)
    return total


def trilateration_inputs(rng):
    stations = np.array([[48.1, 11.6], [47.3, 8.5], [50.1, 8.7], [49.4, 12.9], [46.9, 10.2]])
    truth = np.array([[48.7, 9.9], [49.2, 11.1], [47.8, 12.2]])
    st = np.radians(stations)
    ranges, bearings = [], []
    for lat, lon in np.radians(truth):
        ranges.append(haversine(st[:, 0], st[:, 1], lat, lon) + 1.0 * rng.standard_normal(5))
        bearings.append(initial_bearing(st[:, 0], st[:, 1], lat, lon) + 0.01 * rng.standard_normal(5))
    return dict(emitters_deg=truth + 0.2 * rng.standard_normal(truth.shape), stations_deg=stations,
                ranges_km=np.array(ranges), bearings_rad=np.array(bearings))


# ------------------------------------------------------- seismology: reflection rays in layered media
def offset_and_time(p, v, h):
    cos_t = np.sqrt(1 - (p * v) ** 2)
    x = np.sum(2 * h * p * v / cos_t)
    t = np.sum(2 * h / (v * cos_t))
    dx = np.sum(2 * h * v / cos_t ** 3)  # dX/dp
    return x, t, dx


def shoot_ray(x_target, v, h, tol=1e-10, max_iter=50):
    vmax = np.max(v)
    p = math.sin(math.atan(x_target / (2 * float(np.sum(h))))) / float(vmax)
    it = 0
    while True:
        x, t, dx = offset_and_time(p, v, h)
        resid = x - x_target
        if abs(resid) < tol or it >= max_iter:
            break
        p_new = p - resid / dx
        if p_new * vmax >= 1.0:
            p_new = 0.5 * (p + 1.0 / vmax)
        p = p_new
        it += 1
    return t


def layered_traveltime_misfit(log_v, h, offsets, t_obs):
    v = np.exp(log_v)
    t_pred = np.array([shoot_ray(x, v, h) for x in offsets])
    return np.sum((t_pred - t_obs) ** 2) * 1e6


def seismic_inputs(rng):
    v = np.array([1.5, 2.2, 3.0])
    h = np.array([0.4, 0.6, 0.8])
    offsets = np.linspace(0.2, 4.0, 10)
    t = np.array([shoot_ray(x, v, h) for x in offsets]) + 0.002 * rng.standard_normal(10)
    return dict(log_v=np.log(v) + np.array([0.05, -0.05, 0.03]), h=h, offsets=offsets, t_obs=t)


# --------------------------------------------------- crystallography: structure factors, complex sums
CROMER_MANN = {  # a1..a4, b1..b4, c
    "Na": ([4.7626, 3.1736, 1.2674, 1.1128], [3.285, 8.8422, 0.3136, 129.424], 0.676),
    "Cl": ([11.4604, 7.1962, 6.2556, 1.6455], [0.0104, 1.1662, 18.5194, 47.7784], -9.5574),
}


def form_factor(element, s2):
    a, b, c = CROMER_MANN[element]
    return sum(ai * np.exp(-bi * s2) for ai, bi in zip(a, b)) + c


def structure_factor_loss(frac, log_B, log_scale, hkl, I_obs, species=("Na", "Cl", "Na", "Cl"), a_cell=5.64):
    s2 = np.sum(hkl ** 2, axis=1) / (4 * a_cell ** 2)  # (sin theta / lambda)^2, cubic cell
    F = np.zeros(len(hkl), dtype=complex)
    for j, el in enumerate(species):
        f = form_factor(el, s2) * np.exp(-np.exp(log_B[j]) * s2)
        F += f * np.exp(2j * np.pi * (hkl @ frac[j]))
    I_calc = np.exp(log_scale) * np.abs(F) ** 2
    return np.sum((np.sqrt(I_calc) - np.sqrt(I_obs)) ** 2) / np.sum(I_obs)


def crystal_inputs(rng):
    r = np.arange(-3, 4)
    h, k, l = np.meshgrid(r, r, r, indexing="ij")
    hkl = np.stack([h.ravel(), k.ravel(), l.ravel()], axis=1).astype(float)
    hkl = hkl[(np.abs(hkl).sum(axis=1) > 0) & (hkl[:, 0] >= 0)][:60]
    frac_true = np.array([[0.0, 0.0, 0.0], [0.5, 0.5, 0.5], [0.5, 0.5, 0.0], [0.0, 0.0, 0.5]])
    frac_true = frac_true + 0.03 * rng.standard_normal((4, 3))
    F = np.zeros(len(hkl), dtype=complex)
    s2 = np.sum(hkl ** 2, axis=1) / (4 * 5.64 ** 2)
    for j, el in enumerate(("Na", "Cl", "Na", "Cl")):
        F += form_factor(el, s2) * np.exp(-1.0 * s2) * np.exp(2j * np.pi * hkl @ frac_true[j])
    I_obs = 2.0 * np.abs(F) ** 2 + 1.0
    return dict(frac=frac_true + 0.01 * rng.standard_normal((4, 3)), log_B=np.zeros(4), log_scale=np.log(1.5),
                hkl=hkl, I_obs=I_obs)


# ------------------------------------------------------ optics: Fraunhofer PSF through a Zernike pupil
def zernike_basis(rho, phi):
    return np.stack([
        2 * rho ** 2 - 1,  # defocus
        rho ** 2 * np.cos(2 * phi),  # astigmatism
        rho ** 2 * np.sin(2 * phi),
        (3 * rho ** 3 - 2 * rho) * np.cos(phi),  # coma
        (3 * rho ** 3 - 2 * rho) * np.sin(phi),
    ])


def psf_phase_retrieval(coeffs, psf_obs, n_pupil=24, pad=2):
    x = np.linspace(-1, 1, n_pupil)
    X, Y = np.meshgrid(x, x)
    rho = np.sqrt(X ** 2 + Y ** 2)
    phi = np.arctan2(Y, X)
    aperture = rho <= 1.0
    phase = np.tensordot(coeffs, zernike_basis(rho, phi), axes=1)
    pupil = np.where(aperture, np.exp(1j * phase), 0.0)
    N = pad * n_pupil
    field = np.fft.fftshift(np.fft.fft2(pupil, s=(N, N)))
    psf = np.abs(field) ** 2
    psf = psf / psf.sum()
    return np.sum((psf - psf_obs) ** 2) * 1e6


def psf_inputs(rng):
    true = np.array([0.4, -0.3, 0.2, 0.25, -0.1])
    x = np.linspace(-1, 1, 24)
    X, Y = np.meshgrid(x, x)
    rho, phi = np.sqrt(X ** 2 + Y ** 2), np.arctan2(Y, X)
    pupil = np.where(rho <= 1, np.exp(1j * np.tensordot(true, zernike_basis(rho, phi), axes=1)), 0)
    psf = np.abs(np.fft.fftshift(np.fft.fft2(pupil, s=(48, 48)))) ** 2
    return dict(coeffs=true + 0.1 * rng.standard_normal(5), psf_obs=psf / psf.sum())


# ------------------------------------------------------ electrochemistry: Butler-Volmer polarization
F_CONST = constants.physical_constants["Faraday constant"][0]
R_GAS = constants.R
T_CELL = 298.15
F_RT = F_CONST / (R_GAS * T_CELL)


def bv_current(eta, i0, alpha):
    return i0 * (np.exp(alpha * F_RT * eta) - np.exp(-(1 - alpha) * F_RT * eta))


def solve_overpotential(i, i0, alpha, tol=1e-12, max_iter=100):
    eta = np.arcsinh(i / (2 * i0)) / (0.5 * F_RT)  # symmetric guess
    n_iter = 0
    while n_iter < max_iter:
        f = bv_current(eta, i0, alpha) - i
        df = i0 * F_RT * (alpha * np.exp(alpha * F_RT * eta) + (1 - alpha) * np.exp(-(1 - alpha) * F_RT * eta))
        step = f / df
        eta = eta - step
        n_iter += 1
        if abs(step) < tol:
            break
    else:
        print("Newton did not converge:", i, eta)
    return eta


def polarization_loss(log_i0, alpha, log_R, currents, v_meas, e_eq=1.2):
    i0 = np.exp(log_i0)
    R = np.exp(log_R)
    v = []
    for i in currents:
        eta = solve_overpotential(i, i0, alpha)
        v.append(e_eq + eta + i * R)
    v = np.array(v)
    return np.sum((v - v_meas) ** 2) * 1e4


def polarization_inputs(rng):
    currents = np.linspace(-0.8, 1.5, 12)
    v = np.array([1.2 + solve_overpotential(i, 0.05, 0.6) + i * 0.08 for i in currents])
    return dict(log_i0=np.log(0.04), alpha=0.55, log_R=np.log(0.1), currents=currents,
                v_meas=v + 0.001 * rng.standard_normal(12))


# ---------------------------------------------------------------- agriculture: growing degree days
CROP = {"t_upper": 30.0, "lai_max": 5.0, "harvest_index": 0.45, "gdd_half": 700.0}


def daily_gdd(tmin, tmax, t_base, t_upper=CROP["t_upper"]):
    tavg = (np.minimum(tmax, t_upper) + np.maximum(tmin, t_base)) / 2.0
    return np.maximum(tavg - t_base, 0.0)


def crop_yield_loss(t_base, log_rue, growth_rate, tmin, tmax, radiation, yields_obs, k_ext=0.6):
    rue = np.exp(log_rue)
    preds = []
    for s in range(tmin.shape[0]):
        gdd = np.cumsum(daily_gdd(tmin[s], tmax[s], t_base))
        lai = CROP["lai_max"] / (1 + np.exp(-growth_rate * (gdd - CROP["gdd_half"])))
        intercepted = radiation[s] * (1 - np.exp(-k_ext * lai))
        biomass = rue * np.sum(intercepted)
        preds.append(CROP["harvest_index"] * biomass)
    preds = np.array(preds)
    return np.mean((preds - yields_obs) ** 2) / 1e4


def crop_inputs(rng):
    S, D = 6, 120
    day = np.arange(D)
    tmean = 14 + 10 * np.sin(np.pi * day / D)[None, :] + rng.normal(0, 1.0, (S, 1))
    tmin = tmean - 5 + rng.normal(0, 1.5, (S, D))
    tmax = tmean + 5 + rng.normal(0, 1.5, (S, D))
    rad = 18 + 6 * rng.uniform(size=(S, D))
    y = []
    for s in range(S):
        gdd = np.cumsum(daily_gdd(tmin[s], tmax[s], 8.0))
        lai = 5.0 / (1 + np.exp(-0.01 * (gdd - 700.0)))
        y.append(0.45 * 2.8 * np.sum(rad[s] * (1 - np.exp(-0.6 * lai))))
    return dict(t_base=9.3, log_rue=np.log(2.5), growth_rate=0.008, tmin=tmin, tmax=tmax, radiation=rad,
                yields_obs=np.array(y) * (1 + 0.03 * rng.standard_normal(S)))


# ------------------------------------------------------------- materials: Ogden hyperelastic rubber
STRESS_MODES = {
    "uniaxial": lambda lam, mu, a: mu * (lam ** (a - 1) - lam ** (-a / 2 - 1)),
    "equibiaxial": lambda lam, mu, a: mu * (lam ** (a - 1) - lam ** (-2 * a - 1)),
    "pure_shear": lambda lam, mu, a: mu * (lam ** (a - 1) - lam ** (-a - 1)),
}


def ogden_nominal_stress(stretch, mu, alpha, mode="uniaxial"):
    if mode not in STRESS_MODES:
        raise KeyError(f"mode must be one of {sorted(STRESS_MODES)}, got {mode}")
    P = np.zeros_like(stretch)
    for mu_p, a_p in zip(mu, alpha):
        P = P + STRESS_MODES[mode](stretch, mu_p, a_p)
    return P


def ogden_fit(mu, alpha, data):
    loss = 0.0
    for mode, (stretch, stress) in data.items():
        pred = ogden_nominal_stress(stretch, mu, alpha, mode)
        loss += np.sum(((pred - stress) / (stress + 0.05)) ** 2)
    return loss


def ogden_inputs(rng):
    mu_t, a_t = np.array([0.63, 0.0012, -0.01]), np.array([1.3, 5.0, -2.0])
    data = {}
    for mode, top in (("uniaxial", 6.0), ("equibiaxial", 4.0), ("pure_shear", 4.5)):
        lam = np.linspace(1.1, top, 12)
        data[mode] = (lam, ogden_nominal_stress(lam, mu_t, a_t, mode) * (1 + 0.02 * rng.standard_normal(12)))
    return dict(mu=np.array([0.5, 0.002, -0.02]), alpha=np.array([1.5, 4.8, -1.8]), data=data)


# -------------------------------------------------- signal: constant-acceleration Kalman tracking (class)
class ConstantAccelerationKF:
    def __init__(self, dt, q, r, dim=2):
        F1 = np.array([[1.0, dt, 0.5 * dt ** 2], [0.0, 1.0, dt], [0.0, 0.0, 1.0]])
        G = np.array([[dt ** 3 / 6], [dt ** 2 / 2], [dt]])
        self.F = np.kron(np.eye(dim), F1)
        self.Q = q * np.kron(np.eye(dim), G @ G.T)
        self.H = np.kron(np.eye(dim), np.array([[1.0, 0.0, 0.0]]))
        self.R = r * np.eye(dim)
        self.n = 3 * dim

    def neg_log_likelihood(self, zs, x0, P0):
        x, P = x0, P0
        total = 0.0
        for z in zs:
            x = self.F @ x
            P = self.F @ P @ self.F.T + self.Q
            y = z - self.H @ x
            S = self.H @ P @ self.H.T + self.R
            L = np.linalg.cholesky(S)
            w = scipy.linalg.solve_triangular(L, y, lower=True)
            total += 0.5 * w @ w + np.sum(np.log(np.diag(L))) + len(z) * 0.5 * np.log(2 * np.pi)
            cf = scipy.linalg.cho_factor(S)
            K = scipy.linalg.cho_solve(cf, self.H @ P).T
            x = x + K @ y
            P = (np.eye(self.n) - K @ self.H) @ P
        return total


def kf_tracking_nll(log_q, log_r, zs, dt=0.1):
    kf = ConstantAccelerationKF(dt, np.exp(log_q), np.exp(log_r))
    x0 = np.zeros(6)
    x0[0], x0[3] = zs[0]
    return kf.neg_log_likelihood(zs[1:], x0, np.eye(6) * 10.0)


def kf_inputs(rng):
    T, dt = 50, 0.1
    t = np.arange(T) * dt
    pos = np.stack([3 * np.sin(0.8 * t) + 0.5 * t ** 2, 2 * np.cos(0.5 * t)], axis=1)
    return dict(log_q=np.log(2.0), log_r=np.log(0.05), zs=pos + 0.2 * rng.standard_normal((T, 2)))


# ----------------------------------------------------------- NLP/speech: HMM Baum-Welch E-step (scaled)
def hmm_forward_backward(pi, A, B):
    T, K = B.shape
    alpha = np.zeros((T, K))
    c = np.zeros(T)
    alpha[0] = pi * B[0]
    c[0] = alpha[0].sum()
    alpha[0] /= c[0]
    for t in range(1, T):
        alpha[t] = (alpha[t - 1] @ A) * B[t]
        c[t] = alpha[t].sum()
        alpha[t] /= c[t]
    beta = np.ones((T, K))
    for t in reversed(range(T - 1)):
        beta[t] = A @ (B[t + 1] * beta[t + 1]) / c[t + 1]
    return alpha, beta, c


def hmm_em_objective(logits_A, mu, log_sigma, obs, pi=None):
    K = len(mu)
    A = np.exp(logits_A - logsumexp(logits_A, axis=1, keepdims=True))
    if pi is None:
        pi = np.full(K, 1.0 / K)
    B = norm.pdf(obs[:, None], loc=mu[None, :], scale=np.exp(log_sigma)[None, :])
    alpha, beta, c = hmm_forward_backward(pi, A, B)
    loglik = np.sum(np.log(c))
    gamma_ = alpha * beta
    xi = np.einsum("ti,ij,tj,tj->tij", alpha[:-1], A, B[1:], beta[1:]) / c[1:, None, None]
    # expected complete-data log-likelihood (the M-step's Q), evaluated at the current parameters
    Q = (np.sum(gamma_[0] * np.log(pi)) + np.sum(xi * np.log(A)[None]) + np.sum(gamma_ * np.log(B)))
    return -loglik - 0.01 * Q


def hmm_inputs(rng):
    T = 80
    A = np.array([[0.9, 0.08, 0.02], [0.1, 0.8, 0.1], [0.05, 0.15, 0.8]])
    means = np.array([-2.0, 0.0, 2.5])
    s = [0]
    for _ in range(T - 1):
        s.append(rng.choice(3, p=A[s[-1]]))
    obs = means[np.array(s)] + 0.7 * rng.standard_normal(T)
    return dict(logits_A=np.log(A) + 0.1 * rng.standard_normal((3, 3)), mu=means + 0.2, log_sigma=np.log([0.8] * 3),
                obs=obs)


# ------------------------------------------------------------- graphs: spectral clustering eigengap
def spectral_eigengap_loss(log_sigma, feature_w, X, k=3):
    Xw = X * feature_w
    sq = np.sum(Xw ** 2, axis=1)
    D2 = sq[:, None] + sq[None, :] - 2 * Xw @ Xw.T
    W = np.exp(-D2 / (2 * np.exp(2 * log_sigma)))
    np.fill_diagonal(W, 0.0)
    d = W.sum(axis=1)
    d_isqrt = 1.0 / np.sqrt(d)
    L_sym = np.eye(len(X)) - d_isqrt[:, None] * W * d_isqrt[None, :]
    evals = np.linalg.eigvalsh(L_sym)
    gap = evals[k] - evals[k - 1]
    return -np.log(gap) + np.sum(evals[:k]) + 0.1 * np.sum((feature_w - 1) ** 2)


def spectral_inputs(rng):
    centers = np.array([[0, 0, 0], [3, 0, 1], [0, 3, -1]])
    X = np.concatenate([c + 0.6 * rng.standard_normal((12, 3)) for c in centers])
    X[:, 2] += 2 * rng.standard_normal(36)  # a noisy feature
    return dict(log_sigma=np.log(1.0), feature_w=np.array([1.0, 1.0, 0.7]), X=X)


# -------------------------------------------------------------------- vision: Harris corner response
SOBEL_X = np.array([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], dtype=float) / 8.0
SOBEL_Y = SOBEL_X.T


def gaussian_kernel(size=5, sigma=1.0):
    ax = np.arange(size) - (size - 1) / 2
    g = np.exp(-ax ** 2 / (2 * sigma ** 2))
    k2 = np.outer(g, g)
    return k2 / k2.sum()


def harris_response(img, k=0.05, window=gaussian_kernel()):
    Ix = convolve2d(img, SOBEL_X, mode="same", boundary="symm")
    Iy = convolve2d(img, SOBEL_Y, mode="same", boundary="symm")
    Sxx = convolve2d(Ix * Ix, window, mode="same", boundary="symm")
    Syy = convolve2d(Iy * Iy, window, mode="same", boundary="symm")
    Sxy = convolve2d(Ix * Iy, window, mode="same", boundary="symm")
    return Sxx * Syy - Sxy ** 2 - k * (Sxx + Syy) ** 2


def harris_adversarial(img, clean, keypoints, lam=10.0, temp=0.01):
    """Suppress the corner response at known keypoints while staying close to the clean image."""
    R = harris_response(img)
    rows, cols = keypoints[:, 0], keypoints[:, 1]
    at_kp = R[rows, cols]
    soft_max_kp = temp * logsumexp(at_kp / temp)
    return soft_max_kp + lam * np.mean((img - clean) ** 2)


def harris_inputs(rng):
    n = 20
    img = np.zeros((n, n))
    img[5:14, 6:15] = 1.0
    img = convolve2d(img, gaussian_kernel(3, 0.7), mode="same", boundary="symm")
    R = harris_response(img)
    flat = np.argsort(R.ravel())[::-1][:4]
    kp = np.stack(np.unravel_index(flat, R.shape), axis=1)
    return dict(img=img + 0.02 * rng.standard_normal((n, n)), clean=img, keypoints=kp)


# ---------------------------------------------------------------- control: discrete LQR, Riccati iteration
def discretize(A_c, B_c, dt):
    n, m = B_c.shape
    M = np.zeros((n + m, n + m))
    M[:n, :n] = A_c * dt
    M[:n, n:] = B_c * dt
    E = scipy.linalg.expm(M)
    return E[:n, :n], E[:n, n:]


def riccati_iteration(A, B, Q, R, tol=1e-9, max_iter=500, verbose=False):
    P = Q.copy()
    for it in range(max_iter):
        BtP = B.T @ P
        K = scipy.linalg.solve(R + BtP @ B, BtP @ A)
        P_next = Q + A.T @ P @ (A - B @ K)
        diff = np.max(np.abs(P_next - P))
        P = P_next
        if diff < tol:
            if verbose:
                print(f"Riccati converged in {it} iterations")
            break
    return P, K


def lqr_design_cost(log_k, log_c, log_r, x0s, mass=1.0, dt=0.05):
    k, c = np.exp(log_k), np.exp(log_c)
    A_c = np.array([[0.0, 1.0], [-k / mass, -c / mass]])
    B_c = np.array([[0.0], [1.0 / mass]])
    A, B = discretize(A_c, B_c, dt)
    Q = np.diag([10.0, 1.0])
    R = np.array([[np.exp(log_r)]])
    P, K = riccati_iteration(A, B, Q, R)
    cost = np.mean(np.einsum("ni,ij,nj->n", x0s, P, x0s))
    return cost + 0.5 * k + 2.0 * c + 0.1 * np.sum(K ** 2)


def lqr_inputs(rng):
    return dict(log_k=np.log(2.0), log_c=np.log(0.3), log_r=np.log(0.1), x0s=rng.standard_normal((8, 2)))


# ---------------------------------------------------------------- queueing: Jackson network design
STATIONS = ["triage", "lab", "imaging", "consult"]
EXTERNAL_ARRIVALS = np.array([4.0, 0.5, 0.3, 0.0])  # per hour
ROUTE_MASK = np.array([  # allowed transitions (the last column is "exit")
    [0, 1, 1, 1, 1],
    [0, 0, 1, 1, 1],
    [0, 1, 0, 1, 1],
    [0, 0, 0, 0, 1],
], dtype=bool)


def jackson_cost(log_mu, route_logits, wait_cost=60.0, server_cost=None):
    if server_cost is None:
        server_cost = {name: 5.0 for name in STATIONS}
    mu = np.exp(log_mu)
    logits = np.where(ROUTE_MASK, route_logits, -np.inf)
    R = np.exp(logits - logsumexp(logits, axis=1, keepdims=True))
    P = R[:, :-1]
    lam = np.linalg.solve(np.eye(len(STATIONS)) - P.T, EXTERNAL_ARRIVALS)
    rho = lam / mu
    assert np.all(rho < 1), f"unstable network: utilisations {rho}"
    L = rho / (1 - rho)
    sojourn = np.sum(L) / np.sum(EXTERNAL_ARRIVALS)  # Little's law
    staffing = sum(server_cost[name] * m for name, m in zip(STATIONS, mu))
    return wait_cost * sojourn + staffing


def jackson_inputs(rng):
    return dict(log_mu=np.log([6.0, 5.0, 3.0, 6.5]), route_logits=0.3 * rng.standard_normal((4, 5)))


# -------------------------------------------------------------- circuits: RLC nodal analysis with phasors
# (node a, node b, kind); node 0 is ground; node 1 is driven through the source resistor
COMPONENTS_RLC = [
    (1, 2, "R"), (2, 0, "C"), (2, 3, "L"), (3, 0, "C"), (3, 4, "R"), (4, 0, "C"), (4, 0, "R"),
]


def admittance(kind, value, w):
    if kind == "R":
        return 1.0 / value
    if kind == "C":
        return 1j * w * value
    if kind == "L":
        return 1.0 / (1j * w * value)
    raise ValueError(f"unknown component {kind}")


def transfer_function(values, w, r_source=50.0, n_nodes=4):
    Y = np.zeros((n_nodes, n_nodes), dtype=complex)
    I = np.zeros(n_nodes, dtype=complex)
    Y[0, 0] += 1.0 / r_source  # Norton source into node 1
    I[0] = 1.0 / r_source
    for (a, b, kind), val in zip(COMPONENTS_RLC, values):
        y = admittance(kind, val, w)
        if a > 0:
            Y[a - 1, a - 1] += y
        if b > 0:
            Y[b - 1, b - 1] += y
        if a > 0 and b > 0:
            Y[a - 1, b - 1] -= y
            Y[b - 1, a - 1] -= y
    V = np.linalg.solve(Y, I)
    return V[-1]


def filter_fit_loss(log_values, freqs, mag_db_target, phase_target):
    values = np.exp(log_values)
    H = np.array([transfer_function(values, 2 * np.pi * f) for f in freqs])
    mag_db = 20 * np.log10(np.abs(H))
    phase_err = np.angle(H * np.exp(-1j * phase_target))
    return np.mean((mag_db - mag_db_target) ** 2) + np.mean(phase_err ** 2)


def filter_inputs(rng):
    true = np.array([50.0, 1e-7, 1e-4, 2e-7, 20.0, 1e-7, 1000.0])
    freqs = np.logspace(3, 5.5, 30)
    H = np.array([transfer_function(true, 2 * np.pi * f) for f in freqs])
    return dict(log_values=np.log(true) + 0.1 * rng.standard_normal(7), freqs=freqs,
                mag_db_target=20 * np.log10(np.abs(H)), phase_target=np.angle(H))


# ---------------------------------------------------- PDEs: pseudo-spectral viscous Burgers (rfft, RK4)
def burgers_rhs(u, nu, k, dealias):
    u_hat = np.fft.rfft(u)
    ux = np.fft.irfft(1j * k * u_hat * dealias, n=len(u))
    uxx = np.fft.irfft(-(k ** 2) * u_hat, n=len(u))
    return -u * ux + nu * uxx


def burgers_loss(modes, log_nu, u_target, n=64, dt=0.01, n_steps=40):
    x = 2 * np.pi * np.arange(n) / n
    k = np.fft.rfftfreq(n, d=1.0 / n)
    dealias = k < (2.0 / 3.0) * (n / 2)
    u = np.zeros(n)
    for m, a in enumerate(modes, start=1):
        u += a * np.sin(m * x)
    nu = np.exp(log_nu)
    for _ in range(n_steps):
        k1 = burgers_rhs(u, nu, k, dealias)
        k2 = burgers_rhs(u + 0.5 * dt * k1, nu, k, dealias)
        k3 = burgers_rhs(u + 0.5 * dt * k2, nu, k, dealias)
        k4 = burgers_rhs(u + dt * k3, nu, k, dealias)
        u = u + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return np.sum((u - u_target) ** 2) / n


def burgers_inputs(rng):
    true = np.array([1.0, 0.4, -0.2])
    n = 64
    x = 2 * np.pi * np.arange(n) / n
    k = np.fft.rfftfreq(n, d=1.0 / n)
    dealias = k < (2.0 / 3.0) * (n / 2)
    u = sum(a * np.sin(m * x) for m, a in enumerate(true, start=1))
    for _ in range(40):
        k1 = burgers_rhs(u, 0.05, k, dealias)
        k2 = burgers_rhs(u + 0.005 * k1, 0.05, k, dealias)
        k3 = burgers_rhs(u + 0.005 * k2, 0.05, k, dealias)
        k4 = burgers_rhs(u + 0.01 * k3, 0.05, k, dealias)
        u = u + 0.01 / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
    return dict(modes=true + 0.1 * rng.standard_normal(3), log_nu=np.log(0.07), u_target=u)


PROGRAMS = [
    dict(name="weibull_series_competing", f=series_system_nll, inputs=series_inputs, wrt=("log_shape", "log_scale")),
    dict(name="nash_unit_hydrograph", f=hydrograph_loss, inputs=hydrograph_inputs, wrt=("log_n", "log_k")),
    dict(name="room_modes_class_complex", f=room_flatness, inputs=room_inputs, wrt=("src", "rcv")),
    dict(name="dh_forward_kinematics", f=dh_ik_objective, inputs=dh_inputs, wrt=("q",)),
    dict(name="phong_shading_dataclass", f=phong_fit_loss, inputs=phong_inputs, wrt=("albedo", "normals")),
    dict(name="lid_driven_cavity", f=cavity_loss, inputs=cavity_inputs, wrt=("lid", "log_nu")),
    dict(name="heat_exchanger_ntu", f=exchanger_cost, inputs=exchanger_inputs, wrt=("log_UA", "m_cold")),
    dict(name="lwr_traffic_godunov", f=lwr_detector_loss, inputs=lwr_inputs, wrt=("rho0", "vf")),
    dict(name="metapop_sir_einsum", f=metapop_sir_nll, inputs=metapop_inputs, wrt=("log_beta", "log_gamma")),
    dict(name="hardy_weinberg_linkage", f=hwe_linkage_nll, inputs=hwe_inputs,
         wrt=("logit_p", "logit_F", "logit_2theta")),
    dict(name="rasch_missing_repeat_tile", f=rasch_jml, inputs=rasch_inputs, wrt=("theta", "b_free")),
    dict(name="glicko_rating_periods", f=glicko_season_loss, inputs=glicko_inputs, wrt=("init_ratings", "log_c")),
    dict(name="generalized_bass_diffusion", f=bass_nll, inputs=bass_inputs, wrt=("theta",)),
    dict(name="heckman_selection_mle", f=heckman_nll, inputs=heckman_inputs,
         wrt=("gamma_", "beta", "log_sigma", "atanh_rho")),
    dict(name="battery_thevenin_class", f=battery_fit_loss, inputs=battery_inputs, wrt=("log_r", "ocv_coeffs")),
    dict(name="great_circle_trilateration", f=trilateration_loss, inputs=trilateration_inputs, wrt=("emitters_deg",)),
    dict(name="seismic_layered_newton_while", f=layered_traveltime_misfit, inputs=seismic_inputs, wrt=("log_v",)),
    dict(name="crystal_structure_factors", f=structure_factor_loss, inputs=crystal_inputs,
         wrt=("frac", "log_B", "log_scale")),
    dict(name="fraunhofer_zernike_fft2", f=psf_phase_retrieval, inputs=psf_inputs, wrt=("coeffs",)),
    dict(name="butler_volmer_while_else", f=polarization_loss, inputs=polarization_inputs,
         wrt=("log_i0", "alpha", "log_R")),
    dict(name="crop_growing_degree_days", f=crop_yield_loss, inputs=crop_inputs,
         wrt=("t_base", "log_rue", "growth_rate")),
    dict(name="ogden_modes_dict_lambdas", f=ogden_fit, inputs=ogden_inputs, wrt=("mu", "alpha")),
    dict(name="kalman_const_accel_class", f=kf_tracking_nll, inputs=kf_inputs, wrt=("log_q", "log_r")),
    dict(name="hmm_baum_welch_estep", f=hmm_em_objective, inputs=hmm_inputs, wrt=("logits_A", "mu", "log_sigma")),
    dict(name="spectral_clustering_eigengap", f=spectral_eigengap_loss, inputs=spectral_inputs,
         wrt=("log_sigma", "feature_w")),
    dict(name="harris_corner_convolve2d", f=harris_adversarial, inputs=harris_inputs, wrt=("img",)),
    dict(name="lqr_riccati_expm", f=lqr_design_cost, inputs=lqr_inputs, wrt=("log_k", "log_c", "log_r")),
    dict(name="jackson_network_routing", f=jackson_cost, inputs=jackson_inputs, wrt=("log_mu", "route_logits")),
    dict(name="rlc_nodal_phasors", f=filter_fit_loss, inputs=filter_inputs, wrt=("log_values",)),
    dict(name="burgers_pseudospectral_rfft", f=burgers_loss, inputs=burgers_inputs, wrt=("modes", "log_nu")),
]
