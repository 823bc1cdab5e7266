"""Third held-out set: thirty programs written without reading adjit's docs or source, in domains the
other modules do not cover.

Affine image registration with bilinear sampling, Hawkes processes, SABR smiles, Crank-Nicolson heat
conduction, SIMP beam topology optimisation, inertial particles in a vortex, a Go-model protein, nuclear-norm
matrix completion, Tikhonov deconvolution, RC-ladder transients, Weibull AFT survival, P-spline GCV, orbit
determination, Almgren-Chriss execution, Plackett-Luce rankings, DLT homographies, the unscented Kalman
filter, Felsenstein pruning, biquad filter design, 2-D pose-graph SLAM, Rust's bus-engine NFXP, Colebrook
pipe sizing, neo-Hookean membranes, NFW rotation curves, a VQE spin chain, maximum-entropy IRL, a soft
rasterizer, drift-diffusion first-passage times, AC power-flow dispatch and occupancy models.
Written as plain NumPy/SciPy, the way the domain's textbooks and notebooks write them.
"""
import math
from functools import reduce

import numpy as np
import scipy.linalg
from scipy.special import expit, logsumexp


# ------------------------------------------------------- imaging: affine registration, bilinear warp
def bilinear_sample(img, x, y):
    h, w = img.shape
    x = np.clip(x, 0, w - 1.001)
    y = np.clip(y, 0, h - 1.001)
    x0 = np.floor(x).astype(int)
    y0 = np.floor(y).astype(int)
    dx = x - x0
    dy = y - y0
    Ia = img[y0, x0]
    Ib = img[y0, x0 + 1]
    Ic = img[y0 + 1, x0]
    Id = img[y0 + 1, x0 + 1]
    return Ia * (1 - dx) * (1 - dy) + Ib * dx * (1 - dy) + Ic * (1 - dx) * dy + Id * dx * dy


def affine_registration_ssd(theta, moving, fixed):
    """Mean squared intensity difference after warping `moving` by a centred affine transform."""
    h, w = fixed.shape
    ys, xs = np.mgrid[0:h, 0:w]
    cx, cy = (w - 1) / 2.0, (h - 1) / 2.0
    A = np.array([[1.0 + theta[0], theta[1]],
                  [theta[2], 1.0 + theta[3]]])
    t = theta[4:6]
    coords = np.stack([xs.ravel() - cx, ys.ravel() - cy])
    warped = A @ coords + t[:, None]
    vals = bilinear_sample(moving, warped[0] + cx, warped[1] + cy).reshape(h, w)
    return np.mean((vals - fixed) ** 2)


def registration_inputs(rng):
    h = w = 24
    ys, xs = np.mgrid[0:h, 0:w]
    img = np.zeros((h, w))
    for _ in range(6):
        cx, cy = rng.uniform(5, 19, 2)
        s = rng.uniform(2.0, 4.0)
        img += rng.uniform(0.5, 1.5) * np.exp(-((xs - cx) ** 2 + (ys - cy) ** 2) / (2 * s ** 2))
    true = np.array([0.05, -0.04, 0.03, -0.02, 0.7, -0.45])
    A = np.array([[1 + true[0], true[1]], [true[2], 1 + true[3]]])
    coords = np.stack([xs.ravel() - 11.5, ys.ravel() - 11.5])
    wp = A @ coords + true[4:6, None]
    fixed = bilinear_sample(img, wp[0] + 11.5, wp[1] + 11.5).reshape(h, w)
    return dict(theta=np.array([0.01, 0.013, -0.007, 0.004, 0.23, -0.17]), moving=img, fixed=fixed)


# --------------------------------------------------------- point processes: self-exciting Hawkes
def hawkes_nll(log_mu, log_alpha, log_beta, times, T):
    """Exponential-kernel Hawkes process, Ozaki's recursion for the excitation sum."""
    mu, alpha, beta = np.exp(log_mu), np.exp(log_alpha), np.exp(log_beta)
    A = 0.0
    loglik = 0.0
    for i in range(len(times)):
        if i > 0:
            A = np.exp(-beta * (times[i] - times[i - 1])) * (1.0 + A)
        lam = mu + alpha * A
        loglik += np.log(lam)
    compensator = mu * T + (alpha / beta) * np.sum(1.0 - np.exp(-beta * (T - times)))
    return -(loglik - compensator)


def hawkes_inputs(rng):
    mu, alpha, beta, T = 0.6, 0.8, 1.5, 150.0
    t, events = 0.0, []
    while True:  # Ogata thinning
        lam_bar = mu + alpha * sum(np.exp(-beta * (t - s)) for s in events[-50:])
        t += rng.exponential(1.0 / lam_bar)
        if t > T:
            break
        lam_t = mu + alpha * sum(np.exp(-beta * (t - s)) for s in events[-50:])
        if rng.random() < lam_t / lam_bar:
            events.append(t)
    return dict(log_mu=np.log(0.5), log_alpha=np.log(0.7), log_beta=np.log(1.7), times=np.array(events), T=T)


# ----------------------------------------------------------------- rates: SABR smile calibration
def sabr_vol(F, K, T, alpha, beta, rho, nu):
    """Hagan et al. (2002) lognormal implied volatility."""
    if abs(F - K) < 1e-12:
        Fb = F ** (1 - beta)
        term = ((1 - beta) ** 2 / 24 * alpha ** 2 / Fb ** 2 + rho * beta * nu * alpha / (4 * Fb)
                + (2 - 3 * rho ** 2) / 24 * nu ** 2)
        return alpha / Fb * (1 + term * T)
    logFK = np.log(F / K)
    FKb = (F * K) ** ((1 - beta) / 2)
    z = nu / alpha * FKb * logFK
    x = np.log((np.sqrt(1 - 2 * rho * z + z ** 2) + z - rho) / (1 - rho))
    denom = FKb * (1 + (1 - beta) ** 2 / 24 * logFK ** 2 + (1 - beta) ** 4 / 1920 * logFK ** 4)
    term = ((1 - beta) ** 2 / 24 * alpha ** 2 / FKb ** 2 + rho * beta * nu * alpha / (4 * FKb)
            + (2 - 3 * rho ** 2) / 24 * nu ** 2)
    return alpha / denom * (z / x) * (1 + term * T)


def sabr_calibration(params, forward, strikes, expiries, market_vols, beta=0.5):
    alpha = np.exp(params[0])
    rho = np.tanh(params[1])
    nu = np.exp(params[2])
    err = 0.0
    for K, T, mv in zip(strikes, expiries, market_vols):
        err += (sabr_vol(forward, K, T, alpha, beta, rho, nu) - mv) ** 2
    return 1e4 * err / len(strikes)


def sabr_inputs(rng):
    F = 0.03
    strikes = np.array([0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.05] * 2)
    expiries = np.repeat([1.0, 5.0], 7)
    true = (0.035, -0.25, 0.45)
    vols = np.array([sabr_vol(F, K, T, true[0], 0.5, true[1], true[2]) for K, T in zip(strikes, expiries)])
    vols = vols + 0.002 * rng.standard_normal(len(vols))
    return dict(params=np.array([np.log(0.03), -0.1, np.log(0.3)]), forward=F, strikes=strikes,
                expiries=expiries, market_vols=vols)


# ------------------------------------------------- heat transfer: Crank-Nicolson conductivity inversion
def heat_cn_misfit(log_kappa, u0, obs, sensors, dx=0.05, dt=0.002, every=5):
    """Recover a spatially varying conductivity from interior temperature sensors."""
    kappa = np.exp(log_kappa)              # at the n + 1 cell interfaces
    n = len(u0)
    main = -(kappa[:-1] + kappa[1:]) / dx ** 2
    off = kappa[1:-1] / dx ** 2
    L = np.diag(main) + np.diag(off, 1) + np.diag(off, -1)
    I = np.eye(n)
    A = I - 0.5 * dt * L
    B = I + 0.5 * dt * L
    u = u0.copy()
    misfit = 0.0
    for k in range(obs.shape[0] * every):
        u = np.linalg.solve(A, B @ u)
        if (k + 1) % every == 0:
            misfit += np.sum((u[sensors] - obs[(k + 1) // every - 1]) ** 2)
    smooth = np.sum(np.diff(log_kappa) ** 2)
    return misfit + 1e-3 * smooth


def heat_cn_inputs(rng):
    n = 19
    x = np.linspace(0.05, 0.95, n)
    u0 = np.exp(-((x - 0.4) / 0.12) ** 2) + 0.5 * np.exp(-((x - 0.75) / 0.08) ** 2)
    xi = np.linspace(0, 1, n + 1)
    true = np.log(0.8 + 0.6 * np.sin(2 * np.pi * xi) ** 2)
    sensors = np.array([2, 5, 8, 11, 14, 17])
    kappa = np.exp(true)
    L = (np.diag(-(kappa[:-1] + kappa[1:])) + np.diag(kappa[1:-1], 1) + np.diag(kappa[1:-1], -1)) / 0.05 ** 2
    A, B = np.eye(n) - 0.001 * L, np.eye(n) + 0.001 * L
    u, obs = u0.copy(), []
    for k in range(40):
        u = np.linalg.solve(A, B @ u)
        if (k + 1) % 5 == 0:
            obs.append(u[sensors] + 0.002 * rng.standard_normal(len(sensors)))
    return dict(log_kappa=np.zeros(n + 1) + 0.05 * rng.standard_normal(n + 1), u0=u0, obs=np.array(obs),
                sensors=sensors)


# ------------------------------------------------------- structures: SIMP compliance of a cantilever
def beam_element_stiffness(L):
    return np.array([[12, 6 * L, -12, 6 * L],
                     [6 * L, 4 * L ** 2, -6 * L, 2 * L ** 2],
                     [-12, -6 * L, 12, -6 * L],
                     [6 * L, 2 * L ** 2, -6 * L, 4 * L ** 2]]) / L ** 3


def beam_simp_compliance(logits, loads, length=1.0, E=1.0, I0=1.0, penal=3.0, volfrac=0.5):
    """Euler-Bernoulli cantilever, element stiffness scaled by a SIMP density, plus a volume penalty."""
    n_el = len(logits)
    rho = expit(logits)
    Le = length / n_el
    ke = beam_element_stiffness(Le)
    ndof = 2 * (n_el + 1)
    K = np.zeros((ndof, ndof))
    for e in range(n_el):
        dofs = [2 * e, 2 * e + 1, 2 * e + 2, 2 * e + 3]
        EI = E * I0 * (1e-3 + rho[e] ** penal)
        K[np.ix_(dofs, dofs)] += EI * ke
    free = np.arange(2, ndof)                  # clamped at x = 0
    u = np.zeros(ndof)
    u[free] = np.linalg.solve(K[np.ix_(free, free)], loads[free])
    compliance = loads @ u
    return compliance + 50.0 * (np.mean(rho) - volfrac) ** 2


def beam_inputs(rng):
    n_el = 10
    loads = np.zeros(2 * (n_el + 1))
    loads[-2] = -1.0
    loads[2 * 5] = -0.5
    return dict(logits=0.3 * rng.standard_normal(n_el), loads=loads)


# ------------------------------------------------ fluid mechanics: Stokes-drag particles in a vortex
def particle_tracking_loss(log_tau, log_U, x0, obs, k=np.pi, g=0.3, dt=0.02, every=10):
    """Inertial particles in a Taylor-Green cell flow, semi-implicit drag, fitted to tracked positions."""
    tau = np.exp(log_tau)
    U = np.exp(log_U)
    x = x0.copy()
    v = np.zeros_like(x0)
    positions = []
    for step in range(obs.shape[0] * every):
        uf = U * np.sin(k * x[:, 0]) * np.cos(k * x[:, 1])
        vf = -U * np.cos(k * x[:, 0]) * np.sin(k * x[:, 1])
        fluid = np.stack([uf, vf], axis=1)
        v = (v + dt * (fluid / tau + np.array([0.0, -g]))) / (1.0 + dt / tau)
        x = x + dt * v
        if (step + 1) % every == 0:
            positions.append(x)
    traj = np.array(positions)
    return np.sum((traj - obs) ** 2)


def particle_inputs(rng):
    x0 = rng.uniform(0.1, 0.9, (12, 2))
    tau, U, k, g, dt = 0.15, 0.8, np.pi, 0.3, 0.02
    x, v, obs = x0.copy(), np.zeros_like(x0), []
    for step in range(80):
        fluid = np.stack([U * np.sin(k * x[:, 0]) * np.cos(k * x[:, 1]),
                          -U * np.cos(k * x[:, 0]) * np.sin(k * x[:, 1])], axis=1)
        v = (v + dt * (fluid / tau + np.array([0.0, -g]))) / (1.0 + dt / tau)
        x = x + dt * v
        if (step + 1) % 10 == 0:
            obs.append(x + 0.003 * rng.standard_normal(x.shape))
    return dict(log_tau=np.log(0.2), log_U=np.log(0.7), x0=x0, obs=np.array(obs))


# --------------------------------------------------------- biophysics: Go-model protein energy
def go_model_energy(coords, native_contacts, native_dist, b0, theta0, phi0, sigma_rep=4.0):
    """Bonds, angles, dihedrals and a 12-10 native-contact potential (Clementi-style Go model)."""
    b = coords[1:] - coords[:-1]
    bond_len = np.linalg.norm(b, axis=1)
    E_bond = 100.0 * np.sum((bond_len - b0) ** 2)

    u1 = -b[:-1] / bond_len[:-1, None]
    u2 = b[1:] / bond_len[1:, None]
    cos_t = np.sum(u1 * u2, axis=1)
    theta = np.arccos(cos_t)
    E_angle = 20.0 * np.sum((theta - theta0) ** 2)

    b1, b2, b3 = b[:-2], b[1:-1], b[2:]
    n1 = np.cross(b1, b2)
    n2 = np.cross(b2, b3)
    m1 = np.cross(n1, b2 / np.linalg.norm(b2, axis=1, keepdims=True))
    phi = np.arctan2(np.sum(m1 * n2, axis=1), np.sum(n1 * n2, axis=1))
    E_dihed = np.sum(1.0 - np.cos(phi - phi0) + 0.5 * (1.0 - np.cos(3 * (phi - phi0))))

    n = len(coords)
    i, j = np.triu_indices(n, k=4)
    r = np.linalg.norm(coords[i] - coords[j], axis=1)
    native = native_contacts[i, j]
    s = native_dist[i, j]
    E_native = np.sum(np.where(native, 5 * (s / r) ** 12 - 6 * (s / r) ** 10, 0.0))
    E_rep = np.sum(np.where(native, 0.0, (sigma_rep / r) ** 12))
    return E_bond + E_angle + E_dihed + E_native + E_rep


def go_model_inputs(rng):
    n = 16
    t = np.arange(n) * np.deg2rad(100.0)
    native = np.stack([2.3 * np.cos(t), 2.3 * np.sin(t), 1.5 * np.arange(n)], axis=1)
    D = np.linalg.norm(native[:, None] - native[None], axis=2)
    contacts = (D < 6.5) & (np.abs(np.arange(n)[:, None] - np.arange(n)[None]) >= 4)
    b = native[1:] - native[:-1]
    bl = np.linalg.norm(b, axis=1)
    theta0 = np.arccos(np.sum(-b[:-1] * b[1:], axis=1) / (bl[:-1] * bl[1:]))
    n1, n2 = np.cross(b[:-2], b[1:-1]), np.cross(b[1:-1], b[2:])
    m1 = np.cross(n1, b[1:-1] / bl[1:-1, None])
    phi0 = np.arctan2(np.sum(m1 * n2, axis=1), np.sum(n1 * n2, axis=1))
    return dict(coords=native + 0.15 * rng.standard_normal(native.shape), native_contacts=contacts,
                native_dist=D, b0=bl.mean(), theta0=theta0, phi0=phi0)


# ------------------------------------------------- recommender: matrix completion, nuclear norm
def matrix_completion(X, M, mask, lam=0.5):
    """Soft-impute objective: observed squared error plus a smoothed nuclear norm."""
    resid = (X - M) * mask
    s = np.linalg.svd(X, compute_uv=False)
    nuclear = np.sum(np.sqrt(s ** 2 + 1e-6))
    return 0.5 * np.sum(resid ** 2) + lam * nuclear


def completion_inputs(rng):
    m, n, r = 14, 10, 3
    M = rng.standard_normal((m, r)) @ rng.standard_normal((r, n))
    mask = (rng.random((m, n)) < 0.6).astype(float)
    X0 = M * mask + 0.1 * rng.standard_normal((m, n))
    return dict(X=X0, M=M * mask, mask=mask)


# ----------------------------------------------- signal processing: Tikhonov deconvolution, PSF width
def gaussian_psf(log_width, half=7):
    t = np.arange(-half, half + 1)
    k = np.exp(-0.5 * (t / np.exp(log_width)) ** 2)
    return k / k.sum()


def tikhonov_deconvolution(x, log_width, y, lam=0.05):
    psf = gaussian_psf(log_width)
    pred = np.convolve(x, psf, mode="same")
    data = np.sum((pred - y) ** 2)
    reg = lam * np.sum(np.diff(x, n=2) ** 2)
    return data + reg


def deconvolution_inputs(rng):
    n = 90
    x = np.zeros(n)
    x[15:25] = 1.0
    x[40] = 2.0
    x[55:75] = np.linspace(0, 1.5, 20)
    y = np.convolve(x, gaussian_psf(np.log(2.5)), mode="same") + 0.01 * rng.standard_normal(n)
    return dict(x=y + 0.05 * rng.standard_normal(n), log_width=np.log(2.0), y=y)


# ------------------------------------------------------- circuits: RC ladder, backward Euler transient
def rc_ladder_response(log_R, log_C, t, vin):
    R = np.exp(log_R)
    C = np.exp(log_C)
    n = len(R)
    G = np.zeros((n, n))
    for i in range(n):
        g = 1.0 / R[i]
        G[i, i] += g
        if i > 0:
            G[i - 1, i - 1] += g
            G[i, i - 1] -= g
            G[i - 1, i] -= g
    dt = t[1] - t[0]
    Cm = np.diag(C) / dt
    lu, piv = scipy.linalg.lu_factor(Cm + G)
    v = np.zeros(n)
    out = [0.0]
    for k in range(1, len(t)):
        rhs = Cm @ v
        rhs[0] += vin[k] / R[0]
        v = scipy.linalg.lu_solve((lu, piv), rhs)
        out.append(v[-1])
    return np.array(out)


def rc_ladder_fit(log_R, log_C, t, vin, v_meas):
    v = rc_ladder_response(log_R, log_C, t, vin)
    return np.sum((v - v_meas) ** 2) + 1e-3 * np.sum((log_R - log_R.mean()) ** 2)


def rc_ladder_inputs(rng):
    t = np.linspace(0, 5e-3, 150)
    vin = np.where(t > 2e-4, 1.0, 0.0) + 0.3 * np.sin(2 * np.pi * 800 * t)
    log_R = np.log(np.array([1000.0, 2200.0, 1500.0, 3300.0, 1000.0]))
    log_C = np.log(np.array([100e-9, 47e-9, 220e-9, 100e-9, 68e-9]))
    v_meas = rc_ladder_response(log_R, log_C, t, vin) + 0.002 * rng.standard_normal(len(t))
    return dict(log_R=log_R + 0.1 * rng.standard_normal(5), log_C=log_C + 0.1 * rng.standard_normal(5),
                t=t, vin=vin, v_meas=v_meas)


# --------------------------------------------------------------- survival: Weibull AFT with censoring
def weibull_aft_nll(beta, log_sigma, X, time, event):
    sigma = np.exp(log_sigma)
    z = (np.log(time) - X @ beta) / sigma
    obs = event == 1
    ll_event = -np.log(sigma) - np.log(time[obs]) + z[obs] - np.exp(z[obs])
    ll_cens = -np.exp(z[~obs])
    return -(np.sum(ll_event) + np.sum(ll_cens))


def weibull_inputs(rng):
    n = 200
    X = np.column_stack([np.ones(n), rng.standard_normal(n), rng.integers(0, 2, n)])
    w = np.log(rng.exponential(size=n))              # standard minimum extreme value
    T = np.exp(X @ np.array([2.0, 0.4, -0.6]) + 0.7 * w)
    C = rng.exponential(12.0, n)
    return dict(beta=np.array([1.8, 0.3, -0.5]), log_sigma=np.log(0.8), X=X, time=np.minimum(T, C),
                event=(T <= C).astype(int))


# ----------------------------------------------------------- smoothing: P-spline with GCV criterion
def bspline_basis(x, knots, degree=3):
    """Cox-de Boor recursion, one column per basis function."""
    B = np.array([(x >= knots[i]) & (x < knots[i + 1]) for i in range(len(knots) - 1)], dtype=float).T
    for d in range(1, degree + 1):
        Bn = np.zeros((len(x), len(knots) - d - 1))
        for i in range(len(knots) - d - 1):
            left = (x - knots[i]) / (knots[i + d] - knots[i]) * B[:, i]
            right = (knots[i + d + 1] - x) / (knots[i + d + 1] - knots[i + 1]) * B[:, i + 1]
            Bn[:, i] = left + right
        B = Bn
    return B


def pspline_gcv(log_lam, y, B):
    """Generalised cross-validation score of an Eilers-Marx P-spline (second-order difference penalty)."""
    n, k = B.shape
    D = np.diff(np.eye(k), n=2, axis=0)
    lam = np.exp(log_lam)
    A = B.T @ B + lam * D.T @ D
    H = B @ np.linalg.solve(A, B.T)
    fitted = H @ y
    rss = np.sum((y - fitted) ** 2)
    edf = np.trace(H)
    return n * rss / (n - edf) ** 2


def pspline_inputs(rng):
    x = np.sort(rng.uniform(0, 1, 80))
    y = np.sin(8 * x) * np.exp(-x) + 0.15 * rng.standard_normal(80)
    dk = 1.0 / 12
    knots = np.arange(-3, 16) * dk
    return dict(log_lam=np.log(2.0), y=y, B=bspline_basis(x, knots))


# ----------------------------------------------- astrodynamics: angles-only orbit determination
def orbit_angles_loss(r0, v0, obs_times_idx, ra_obs, dec_obs, observer, mu=1.0, dt=0.01):
    """Two-body orbit from optical right ascension / declination, velocity-Verlet propagation."""
    r, v = r0.copy(), v0.copy()
    acc = -mu * r / np.linalg.norm(r) ** 3
    n_steps = obs_times_idx[-1] + 1
    loss = 0.0
    j = 0
    for k in range(n_steps):
        if k == obs_times_idx[j]:
            rel = r - observer
            ra = np.arctan2(rel[1], rel[0])
            dec = np.arcsin(rel[2] / np.linalg.norm(rel))
            dra = np.arctan2(np.sin(ra - ra_obs[j]), np.cos(ra - ra_obs[j]))
            loss += dra ** 2 * np.cos(dec_obs[j]) ** 2 + (dec - dec_obs[j]) ** 2
            j += 1
        v_half = v + 0.5 * dt * acc
        r = r + dt * v_half
        acc = -mu * r / np.linalg.norm(r) ** 3
        v = v_half + 0.5 * dt * acc
    return 1e4 * loss


def orbit_inputs(rng):
    r0, v0 = np.array([1.0, 0.1, 0.05]), np.array([-0.05, 0.95, 0.2])
    observer = np.array([0.2, -0.1, 0.0])
    idx = np.arange(0, 300, 20)
    r, v, ra, dec = r0.copy(), v0.copy(), [], []
    acc = -r / np.linalg.norm(r) ** 3
    j = 0
    for k in range(idx[-1] + 1):
        if k == idx[j]:
            rel = r - observer
            ra.append(np.arctan2(rel[1], rel[0]))
            dec.append(np.arcsin(rel[2] / np.linalg.norm(rel)))
            j += 1
        vh = v + 0.005 * acc
        r = r + 0.01 * vh
        acc = -r / np.linalg.norm(r) ** 3
        v = vh + 0.005 * acc
    ra = np.array(ra) + 1e-4 * rng.standard_normal(len(idx))
    dec = np.array(dec) + 1e-4 * rng.standard_normal(len(idx))
    return dict(r0=r0 + 0.01 * rng.standard_normal(3), v0=v0 + 0.01 * rng.standard_normal(3),
                obs_times_idx=idx, ra_obs=ra, dec_obs=dec, observer=observer)


# ------------------------------------------- market microstructure: Almgren-Chriss with power impact
def almgren_chriss_cost(holdings, X=1e5, T=1.0, sigma=0.3, eta=2e-4, gamma=2.5e-7, alpha=0.6,
                        risk_aversion=1e-6, max_rate=3e5):
    """Expected shortfall plus risk aversion times variance of a liquidation schedule."""
    x = np.concatenate([[X], holdings, [0.0]])
    N = len(x) - 1
    tau = T / N
    n = -np.diff(x)                      # shares sold in each interval (positive here)
    rate = n / tau
    permanent = 0.5 * gamma * X ** 2
    temporary = eta * np.sum(n * rate ** alpha)
    variance = sigma ** 2 * tau * np.sum(x[1:] ** 2)
    over = np.log1p(np.exp((rate - max_rate) / 1e4))
    return permanent + temporary + risk_aversion * variance + 1e-2 * np.sum(over ** 2)


def almgren_inputs(rng):
    N = 20
    lin = np.linspace(1e5, 0, N + 1)[1:-1]
    return dict(holdings=lin * (1 + 0.05 * rng.standard_normal(N - 1)))


# ------------------------------------------------------ preferences: Plackett-Luce partial rankings
def plackett_luce_nll(skills, rankings, prior=0.1):
    nll = prior * np.sum(skills ** 2)
    for ranking, shown in rankings:
        remaining = list(shown)
        for item in ranking:
            nll -= skills[item] - logsumexp(skills[remaining])
            remaining.remove(item)
    return nll


def plackett_luce_inputs(rng):
    n_items = 12
    true = rng.normal(0, 1, n_items)
    rankings = []
    for _ in range(60):
        shown = list(rng.choice(n_items, size=rng.integers(4, 8), replace=False))
        gumbel = true[shown] + rng.gumbel(size=len(shown))
        order = [shown[i] for i in np.argsort(-gumbel)]
        rankings.append((order[:rng.integers(2, 4)], shown))
    return dict(skills=0.1 * rng.standard_normal(n_items), rankings=rankings)


# ----------------------------------------------------- geometric vision: DLT homography through SVD
def normalise_points(pts):
    c = pts.mean(axis=0)
    d = np.sqrt(np.sum((pts - c) ** 2, axis=1)).mean()
    s = np.sqrt(2) / d
    T = np.array([[s, 0, -s * c[0]], [0, s, -s * c[1]], [0, 0, 1.0]])
    ph = np.column_stack([pts, np.ones(len(pts))]) @ T.T
    return ph, T


def homography_dlt(src, dst):
    """Hartley-normalised direct linear transform: the right singular vector of the smallest value."""
    p, T1 = normalise_points(src)
    q, T2 = normalise_points(dst)
    rows = []
    for (x, y, w), (u, v, t) in zip(p, q):
        rows.append([0, 0, 0, -t * x, -t * y, -t * w, v * x, v * y, v * w])
        rows.append([t * x, t * y, t * w, 0, 0, 0, -u * x, -u * y, -u * w])
    A = np.array(rows)
    _, _, Vt = np.linalg.svd(A)
    Hn = Vt[-1].reshape(3, 3)
    H = np.linalg.inv(T2) @ Hn @ T1
    return H / H[2, 2]


def homography_transfer_error(dst, src, test_src, test_dst):
    H = homography_dlt(src, dst)
    ph = np.column_stack([test_src, np.ones(len(test_src))]) @ H.T
    proj = ph[:, :2] / ph[:, 2:]
    return np.sum((proj - test_dst) ** 2)


def homography_inputs(rng):
    H = np.array([[1.1, 0.05, 3.0], [-0.08, 0.95, -2.0], [1e-3, -5e-4, 1.0]])

    def apply(P):
        ph = np.column_stack([P, np.ones(len(P))]) @ H.T
        return ph[:, :2] / ph[:, 2:]
    src = rng.uniform(0, 100, (8, 2))
    test = rng.uniform(0, 100, (10, 2))
    return dict(dst=apply(src) + 0.3 * rng.standard_normal((8, 2)), src=src, test_src=test,
                test_dst=apply(test))


# ------------------------------------------------------------- tracking: unscented Kalman filter
def ukf_sigma_points(m, P, lam):
    n = len(m)
    S = np.linalg.cholesky((n + lam) * P)
    pts = [m]
    for i in range(n):
        pts.append(m + S[:, i])
    for i in range(n):
        pts.append(m - S[:, i])
    return np.array(pts)


def pendulum_step(x, dt=0.05, g=9.81):
    return np.array([x[0] + dt * x[1], x[1] - dt * g * np.sin(x[0])])


def ukf_nll(log_q, log_r, ys, m0, P0, alpha=1.0, kappa=1.0):
    """Negative log-likelihood of a pendulum's horizontal bob position by the unscented filter."""
    n = 2
    lam = alpha ** 2 * (n + kappa) - n
    Wm = np.full(2 * n + 1, 0.5 / (n + lam))
    Wm[0] = lam / (n + lam)
    Wc = Wm.copy()
    Q = np.exp(log_q) * np.array([[0.05 ** 3 / 3, 0.05 ** 2 / 2], [0.05 ** 2 / 2, 0.05]])
    R = np.exp(log_r)
    m, P = m0, P0
    nll = 0.0
    for y in ys:
        X = ukf_sigma_points(m, P, lam)
        Xp = np.array([pendulum_step(x) for x in X])
        m = Wm @ Xp
        dX = Xp - m
        P = (Wc[:, None] * dX).T @ dX + Q
        X = ukf_sigma_points(m, P, lam)
        Z = np.sin(X[:, 0])
        z = Wm @ Z
        S = np.sum(Wc * (Z - z) ** 2) + R
        C = (Wc[:, None] * (X - m)).T @ (Z - z)
        K = C / S
        innov = y - z
        m = m + K * innov
        P = P - S * np.outer(K, K)
        nll += 0.5 * (np.log(2 * np.pi * S) + innov ** 2 / S)
    return nll


def ukf_inputs(rng):
    x = np.array([1.2, 0.0])
    ys = []
    for _ in range(40):
        x = pendulum_step(x) + np.array([0.0, 0.05 * rng.standard_normal()])
        ys.append(np.sin(x[0]) + 0.1 * rng.standard_normal())
    return dict(log_q=np.log(0.05), log_r=np.log(0.02), ys=np.array(ys), m0=np.array([1.0, 0.0]),
                P0=np.diag([0.1, 0.1]))


# -------------------------------------------------------- phylogenetics: Felsenstein pruning, GTR
TREE = ((("human", "chimp"), "gorilla"), ("orangutan", "gibbon"))


def gtr_rate_matrix(exch, pi):
    S = np.zeros((4, 4))
    iu = np.triu_indices(4, 1)
    S[iu] = exch
    S = S + S.T
    Q = S * pi[None, :]
    Q = Q - np.diag(Q.sum(axis=1))
    return Q / -np.sum(pi * np.diag(Q))


def prune(node, Q, branch, tips, counter):
    """Conditional likelihoods at `node` (sites x 4); branch lengths taken in postorder."""
    if isinstance(node, str):
        return tips[node]
    partial = 1.0
    for child in node:
        L = prune(child, Q, branch, tips, counter)
        t = branch[counter[0]]
        counter[0] += 1
        P = scipy.linalg.expm(Q * t)
        partial = partial * (L @ P.T)
    return partial


def felsenstein_nll(log_branch, log_exch, pi, tips):
    Q = gtr_rate_matrix(np.exp(log_exch), pi)
    root = prune(TREE, Q, np.exp(log_branch), tips, [0])
    return -np.sum(np.log(root @ pi))


def felsenstein_inputs(rng):
    n_sites = 60
    names = ["human", "chimp", "gorilla", "orangutan", "gibbon"]
    anc = rng.integers(0, 4, n_sites)
    tips = {}
    for k, name in enumerate(names):
        seq = anc.copy()
        flip = rng.random(n_sites) < 0.08 + 0.04 * k
        seq[flip] = rng.integers(0, 4, flip.sum())
        tips[name] = np.eye(4)[seq]
    return dict(log_branch=np.log(rng.uniform(0.03, 0.2, 8)), log_exch=0.2 * rng.standard_normal(6),
                pi=np.array([0.3, 0.2, 0.2, 0.3]), tips=tips)


# ------------------------------------------------------------ audio: biquad cascade magnitude fit
def biquad_response(params, w):
    """Gain and two second-order sections in polar form (poles inside the unit circle by construction)."""
    z1 = np.exp(-1j * w)
    H = np.exp(params[0]) * np.ones_like(z1)
    for s in range(2):
        rz, tz, rp, tp = params[1 + 4 * s: 5 + 4 * s]
        rz = expit(rz)
        rp = 0.98 * expit(rp)
        num = 1 - 2 * rz * np.cos(tz) * z1 + rz ** 2 * z1 ** 2
        den = 1 - 2 * rp * np.cos(tp) * z1 + rp ** 2 * z1 ** 2
        H = H * num / den
    return H


def biquad_fit(params, w, target_db):
    H = biquad_response(params, w)
    mag_db = 20 * np.log10(np.abs(H))
    return np.mean((mag_db - target_db) ** 2)


def biquad_inputs(rng):
    w = np.linspace(0.01, np.pi - 0.01, 128)
    target = 6.0 * np.exp(-((w - 0.6) / 0.15) ** 2) - 4.0 * np.exp(-((w - 2.0) / 0.3) ** 2)
    return dict(params=np.array([0.0, 1.5, 0.9, 2.0, 0.6, 1.2, 2.1, 1.0, 1.9]) + 0.05 * rng.standard_normal(9),
                w=w, target_db=target)


# --------------------------------------------------------------- robotics: 2-D pose-graph SLAM
def wrap_angle(a):
    return np.arctan2(np.sin(a), np.cos(a))


def pose_graph_error(poses, edges, info_t=100.0, info_r=400.0):
    err = 1e3 * np.sum(poses[0] ** 2)          # anchor the first pose at the origin
    for i, j, dx, dy, dth in edges:
        xi, yi, thi = poses[i]
        xj, yj, thj = poses[j]
        c, s = np.cos(thi), np.sin(thi)
        ex = c * (xj - xi) + s * (yj - yi) - dx
        ey = -s * (xj - xi) + c * (yj - yi) - dy
        eth = wrap_angle(thj - thi - dth)
        err += info_t * (ex ** 2 + ey ** 2) + info_r * eth ** 2
    return err


def pose_graph_inputs(rng):
    n = 16
    true = []
    for k in range(n):
        a = 2 * np.pi * k / n
        true.append([3 * np.cos(a), 3 * np.sin(a), a + np.pi / 2])
    true = np.array(true)
    edges = []
    pairs = [(k, k + 1) for k in range(n - 1)] + [(n - 1, 0), (0, 8), (4, 12)]
    for i, j in pairs:
        d = true[j, :2] - true[i, :2]
        c, s = np.cos(true[i, 2]), np.sin(true[i, 2])
        meas = [c * d[0] + s * d[1], -s * d[0] + c * d[1], wrap_angle(true[j, 2] - true[i, 2])]
        meas = np.array(meas) + np.array([0.02, 0.02, 0.01]) * rng.standard_normal(3)
        edges.append((i, j, meas[0], meas[1], meas[2]))
    init = true + np.array([0.1, 0.1, 0.05]) * rng.standard_normal((n, 3))
    init[0] = [0.01, -0.02, 0.03]
    return dict(poses=init, edges=edges)


# ------------------------------------------------ structural econometrics: Rust (1987) bus engines
def rust_nfxp_nll(theta, states, decisions, p=(0.35, 0.55, 0.1), beta=0.75, n_states=40, tol=1e-13):
    """Nested fixed point: solve the expected value function by successive approximation, then logit."""
    theta1, RC = theta[0], theta[1]
    x = np.arange(n_states)
    cost = 1e-3 * theta1 * x
    P = np.zeros((n_states, n_states))
    for s in range(n_states):
        for jump, pj in enumerate(p):
            P[s, min(s + jump, n_states - 1)] += pj
    EV = np.zeros(n_states)
    diff = 1.0
    while diff > tol:
        keep = -cost + beta * EV
        replace = -RC + beta * EV[0]
        EV_new = P @ np.logaddexp(keep, replace)
        diff = np.max(np.abs(EV_new - EV))
        EV = EV_new
    keep = -cost + beta * EV
    replace = -RC + beta * EV[0]
    prob_replace = expit(replace - keep)
    pr = prob_replace[states]
    return -np.sum(decisions * np.log(pr) + (1 - decisions) * np.log(1 - pr))


def rust_inputs(rng):
    states = rng.integers(0, 40, 400)
    pr = expit(-10.0 + 1e-3 * 60.0 * states * 10)
    decisions = (rng.random(400) < pr).astype(float)
    return dict(theta=np.array([45.0, 9.0]), states=states, decisions=decisions)


# ------------------------------------------------------- hydraulics: Colebrook pipe sizing
def colebrook_flow(D, L, head, roughness=4.5e-5, nu=1e-6, g=9.81, iters=40):
    """Velocity in a pipe under a fixed head: Darcy-Weisbach with Colebrook-White, by fixed point."""
    f = 0.02
    V = np.sqrt(2 * g * head * D / (f * L))
    for _ in range(iters):
        Re = V * D / nu
        f = (-2.0 * np.log10(roughness / (3.7 * D) + 2.51 / (Re * np.sqrt(f)))) ** -2
        V = np.sqrt(2 * g * head * D / (f * L))
    return V * np.pi * D ** 2 / 4


def pipe_network_cost(log_D, lengths, head, demand, unit_cost=800.0, penalty=1e6):
    D = np.exp(log_D)
    total = 0.0
    capital = 0.0
    for d, L in zip(D, lengths):
        total = total + colebrook_flow(d, L, head)
        capital = capital + unit_cost * L * d ** 1.5
    return capital + penalty * (total - demand) ** 2


def pipe_inputs(rng):
    return dict(log_D=np.log(np.array([0.15, 0.2, 0.12])) + 0.02 * rng.standard_normal(3),
                lengths=np.array([800.0, 1200.0, 650.0]), head=25.0, demand=0.12)


# ------------------------------------------------------- solid mechanics: neo-Hookean membrane
def grid_mesh(nx, ny, lx, ly):
    xs, ys = np.meshgrid(np.linspace(0, lx, nx), np.linspace(0, ly, ny), indexing="ij")
    X = np.stack([xs.ravel(), ys.ravel()], axis=1)
    tris = []
    for i in range(nx - 1):
        for j in range(ny - 1):
            a, b, c, d = i * ny + j, (i + 1) * ny + j, (i + 1) * ny + j + 1, i * ny + j + 1
            tris += [[a, b, c], [a, c, d]]
    return X, np.array(tris)


def neo_hookean_energy(x, X, tris, traction, fixed, mu=1.0, lam=4.0):
    Dm = np.stack([X[tris[:, 1]] - X[tris[:, 0]], X[tris[:, 2]] - X[tris[:, 0]]], axis=2)
    Ds = np.stack([x[tris[:, 1]] - x[tris[:, 0]], x[tris[:, 2]] - x[tris[:, 0]]], axis=2)
    area = 0.5 * np.abs(np.linalg.det(Dm))
    F = Ds @ np.linalg.inv(Dm)
    J = np.linalg.det(F)
    I1 = np.sum(F ** 2, axis=(1, 2))
    logJ = np.log(J)
    W = 0.5 * mu * (I1 - 2) - mu * logJ + 0.5 * lam * logJ ** 2
    external = -np.sum(traction * x)
    pin = 1e3 * np.sum((x[fixed] - X[fixed]) ** 2)
    return np.sum(area * W) + external + pin


def neo_hookean_inputs(rng):
    X, tris = grid_mesh(6, 4, 2.0, 1.0)
    traction = np.zeros_like(X)
    right = np.isclose(X[:, 0], 2.0)
    traction[right, 0] = 0.2
    fixed = np.where(np.isclose(X[:, 0], 0.0))[0]
    x = X * np.array([1.05, 0.98]) + 0.01 * rng.standard_normal(X.shape)
    return dict(x=x, X=X, tris=tris, traction=traction, fixed=fixed)


# --------------------------------------------------------- astronomy: NFW halo rotation curve
G_KPC = 4.30091e-6      # kpc (km/s)^2 / Msun
RHO_CRIT = 136.0        # Msun / kpc^3 (h = 0.7)


def nfw_velocity_sq(r, M200, c):
    r200 = (3 * M200 / (4 * np.pi * 200 * RHO_CRIT)) ** (1.0 / 3.0)
    x = r / r200

    def m(y):
        return np.log(1 + y) - y / (1 + y)
    return G_KPC * M200 / r * m(c * x) / m(c)


def rotation_curve_nll(params, r, v_obs, v_err, v_disk, v_gas):
    log10_M200, log10_c, log_ml = params
    M200 = 10.0 ** log10_M200
    c = 10.0 ** log10_c
    v2 = nfw_velocity_sq(r, M200, c) + np.exp(log_ml) * v_disk ** 2 + np.abs(v_gas) * v_gas
    v_model = np.sqrt(v2)
    chi2 = np.sum(((v_model - v_obs) / v_err) ** 2)
    # Dutton & Maccio (2014) concentration-mass relation, 0.11 dex scatter
    c_pred = 0.905 - 0.101 * (log10_M200 - 12 + np.log10(0.7))
    prior = ((log10_c - c_pred) / 0.11) ** 2 + ((log_ml - np.log(0.5)) / 0.25) ** 2
    return 0.5 * (chi2 + prior)


def rotation_inputs(rng):
    r = np.linspace(0.5, 25.0, 30)
    v_disk = 120 * np.sqrt(r / 3.0) * np.exp(-r / 6.0)
    v_gas = 30 * (1 - np.exp(-r / 8.0)) - 5 * np.exp(-r)
    v_true = np.sqrt(nfw_velocity_sq(r, 10 ** 11.8, 10 ** 1.0) + 0.5 * v_disk ** 2 + np.abs(v_gas) * v_gas)
    v_err = 3.0 + 0.05 * v_true
    return dict(params=np.array([11.5, 0.9, np.log(0.6)]), r=r, v_obs=v_true + v_err * rng.standard_normal(30),
                v_err=v_err, v_disk=v_disk, v_gas=v_gas)


# --------------------------------------------------------- quantum: VQE for a transverse-field Ising chain
PAULI_X = np.array([[0, 1], [1, 0]], dtype=complex)
PAULI_Z = np.array([[1, 0], [0, -1]], dtype=complex)
EYE2 = np.eye(2, dtype=complex)


def op_on(op, site, n):
    return reduce(np.kron, [op if k == site else EYE2 for k in range(n)])


def tfim_hamiltonian(n, J=1.0, h=0.7):
    H = np.zeros((2 ** n, 2 ** n), dtype=complex)
    for k in range(n - 1):
        H -= J * op_on(PAULI_Z, k, n) @ op_on(PAULI_Z, k + 1, n)
    for k in range(n):
        H -= h * op_on(PAULI_X, k, n)
    return H


def ry(t):
    return np.array([[np.cos(t / 2), -np.sin(t / 2)], [np.sin(t / 2), np.cos(t / 2)]], dtype=complex)


def rz(t):
    return np.array([[np.exp(-0.5j * t), 0], [0, np.exp(0.5j * t)]])


def vqe_energy(thetas, H):
    n_layers, n = thetas.shape[0], thetas.shape[1]
    dim = 2 ** n
    psi = np.zeros(dim, dtype=complex)
    psi[0] = 1.0
    bits = (np.arange(dim)[:, None] >> np.arange(n)[::-1]) & 1
    cz_phase = np.prod(np.where(bits[:, :-1] & bits[:, 1:], -1.0, 1.0), axis=1)
    for layer in range(n_layers):
        U = reduce(np.kron, [rz(thetas[layer, q, 1]) @ ry(thetas[layer, q, 0]) for q in range(n)])
        psi = U @ psi
        psi = cz_phase * psi
    return np.real(np.conj(psi) @ H @ psi)


def vqe_inputs(rng):
    return dict(thetas=0.3 * rng.standard_normal((3, 4, 2)), H=tfim_hamiltonian(4))


# ----------------------------------------------- inverse RL: maximum-entropy IRL on a gridworld
def gridworld_transitions(size):
    moves = [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)]
    T = np.zeros((size * size, len(moves)), dtype=int)
    for r in range(size):
        for c in range(size):
            for a, (dr, dc) in enumerate(moves):
                rr = min(max(r + dr, 0), size - 1)
                cc = min(max(c + dc, 0), size - 1)
                T[r * size + c, a] = rr * size + cc
    return T


def maxent_irl_nll(w, features, T, demos, gamma=0.9, iters=60):
    """Soft value iteration for a linear reward, then the demonstrations' log-likelihood."""
    reward = features @ w
    V = np.zeros(len(reward))
    for _ in range(iters):
        Q = reward[:, None] + gamma * V[T]
        V = logsumexp(Q, axis=1)
    Q = reward[:, None] + gamma * V[T]
    log_pi = Q - V[:, None]
    nll = 0.0
    for traj in demos:
        for s, a in traj:
            nll -= log_pi[s, a]
    return nll + 0.01 * np.sum(w ** 2)


def irl_inputs(rng):
    size = 5
    T = gridworld_transitions(size)
    rr, cc = np.divmod(np.arange(size * size), size)
    features = np.stack([rr / 4, cc / 4, ((rr == 4) & (cc == 4)).astype(float),
                         ((rr == 2) & (cc == 1)).astype(float)], axis=1)
    demos = []
    for _ in range(12):
        s, traj = int(rng.integers(0, 10)), []
        for _ in range(8):
            r, c = divmod(s, size)
            a = 2 if (r < 4 and rng.random() < 0.6) else (4 if c < 4 else 0)
            traj.append((s, a))
            s = int(T[s, a])
        demos.append(traj)
    return dict(w=np.array([0.2, 0.1, 0.5, -0.3]), features=features, T=T, demos=demos)


# ----------------------------------------------------- graphics: soft rasterizer of discs
def render_discs(centers, log_radii, colors, size=32, sharpness=0.5):
    ys, xs = np.mgrid[0:size, 0:size] + 0.5
    img = np.full((size, size), 0.1)
    for k in range(len(centers)):
        d = np.sqrt((xs - centers[k, 0]) ** 2 + (ys - centers[k, 1]) ** 2)
        coverage = expit((np.exp(log_radii[k]) - d) / sharpness)
        img = img * (1 - coverage) + colors[k] * coverage
    return img


def soft_raster_loss(centers, log_radii, colors, target):
    return np.mean((render_discs(centers, log_radii, colors) - target) ** 2)


def raster_inputs(rng):
    c = np.array([[8.3, 9.1], [20.7, 12.4], [15.2, 22.6], [25.1, 25.3], [6.6, 24.2]])
    r = np.log(np.array([5.0, 6.5, 4.2, 3.3, 4.8]))
    col = np.array([0.9, 0.4, 0.7, 0.2, 0.6])
    target = render_discs(c, r, col)
    return dict(centers=c + rng.normal(0, 1.0, c.shape), log_radii=r + 0.1 * rng.standard_normal(5),
                colors=col + 0.1 * rng.standard_normal(5), target=target)


# ---------------------------------------- cognitive science: drift-diffusion first-passage density
def wiener_density_lower(t, v, a, w, k_small=8, k_large=25):
    """Navarro & Fuss (2009): small-time series for short normalised times, large-time otherwise."""
    u = t / a ** 2
    if u < 1.0:
        s = 0.0
        for k in range(-(k_small // 2), k_small // 2 + 1):
            s += (w + 2 * k) * np.exp(-(w + 2 * k) ** 2 / (2 * u))
        f0 = s / np.sqrt(2 * np.pi * u ** 3)
    else:
        s = 0.0
        for k in range(1, k_large + 1):
            s += k * np.exp(-k ** 2 * np.pi ** 2 * u / 2) * np.sin(k * np.pi * w)
        f0 = np.pi * s
    return f0 * np.exp(-v * a * w - v ** 2 * t / 2) / a ** 2


def ddm_nll(v, log_a, logit_w, t0, rts, choices):
    a = np.exp(log_a)
    w = expit(logit_w)
    nll = 0.0
    for rt, c in zip(rts, choices):
        if c == 1:   # upper boundary: reflect drift and start point
            dens = wiener_density_lower(rt - t0, -v, a, 1 - w)
        else:
            dens = wiener_density_lower(rt - t0, v, a, w)
        nll -= np.log(dens)
    return nll


def ddm_inputs(rng):
    v, a, w, t0, dt = 0.8, 1.4, 0.45, 0.25, 1e-3
    rts, choices = [], []
    for _ in range(120):
        x, t = a * w, 0.0
        while 0 < x < a:
            x += v * dt + np.sqrt(dt) * rng.standard_normal()
            t += dt
        rts.append(t + t0)
        choices.append(1 if x >= a else 0)
    return dict(v=0.6, log_a=np.log(1.3), logit_w=0.1, t0=0.2, rts=np.array(rts), choices=np.array(choices))


# ------------------------------------------------------- power systems: AC power-flow dispatch
def ac_dispatch_objective(Vm, theta_rest, Pg, Qg, Ybus, gen_bus, S_load, cost_a, cost_b, rho=1e3):
    """Generator cost plus a quadratic penalty on the complex power balance at every bus."""
    theta = np.concatenate([[0.0], theta_rest])
    V = Vm * np.exp(1j * theta)
    S_inj = V * np.conj(Ybus @ V)
    S_gen = np.zeros(len(Vm), dtype=complex)
    S_gen[gen_bus] = Pg + 1j * Qg
    mismatch = S_inj - (S_gen - S_load)
    cost = np.sum(cost_a * Pg ** 2 + cost_b * Pg)
    voltage = np.sum((Vm - 1.0) ** 2)
    return cost + rho * np.sum(np.real(mismatch) ** 2 + np.imag(mismatch) ** 2) + 10.0 * voltage


def ac_dispatch_inputs(rng):
    lines = [(0, 1, 0.02 + 0.06j), (0, 2, 0.08 + 0.24j), (1, 2, 0.06 + 0.18j), (1, 3, 0.06 + 0.18j),
             (2, 3, 0.01 + 0.03j), (3, 4, 0.08 + 0.24j), (1, 4, 0.04 + 0.12j)]
    n = 5
    Y = np.zeros((n, n), dtype=complex)
    for i, j, z in lines:
        y = 1 / z
        Y[i, i] += y + 0.015j
        Y[j, j] += y + 0.015j
        Y[i, j] -= y
        Y[j, i] -= y
    S_load = np.array([0.0, 0.2 + 0.1j, 0.45 + 0.15j, 0.4 + 0.05j, 0.6 + 0.1j])
    return dict(Vm=1.0 + 0.02 * rng.standard_normal(n), theta_rest=-0.05 * rng.random(n - 1),
                Pg=np.array([0.9, 0.8]), Qg=np.array([0.2, 0.1]), Ybus=Y, gen_bus=np.array([0, 1]),
                S_load=S_load, cost_a=np.array([0.11, 0.085]), cost_b=np.array([5.0, 1.2]))


# -------------------------------------------------------- ecology: site occupancy with imperfect detection
def occupancy_nll(beta, alpha, X_site, W_visit, y):
    """MacKenzie et al. (2002) single-season occupancy model."""
    psi = expit(X_site @ beta)
    p = expit(W_visit @ alpha)                         # sites x visits
    detected = y.sum(axis=1) > 0
    lik_hist = np.prod(p ** y * (1 - p) ** (1 - y), axis=1)
    lik = np.where(detected, psi * lik_hist, psi * lik_hist + (1 - psi))
    return -np.sum(np.log(lik))


def occupancy_inputs(rng):
    n_sites, n_visits = 80, 5
    X = np.column_stack([np.ones(n_sites), rng.standard_normal(n_sites)])
    W = np.stack([np.ones((n_sites, n_visits)), rng.standard_normal((n_sites, n_visits))], axis=2)
    z = rng.random(n_sites) < expit(X @ np.array([0.3, 1.0]))
    p = expit(W @ np.array([-0.2, 0.7]))
    y = ((rng.random((n_sites, n_visits)) < p) & z[:, None]).astype(float)
    return dict(beta=np.array([0.1, 0.8]), alpha=np.array([0.0, 0.5]), X_site=X, W_visit=W, y=y)


PROGRAMS = [
    dict(name="affine_registration_bilinear", f=affine_registration_ssd, inputs=registration_inputs,
         wrt=("theta",)),
    dict(name="hawkes_exp_kernel", f=hawkes_nll, inputs=hawkes_inputs, wrt=("log_mu", "log_alpha", "log_beta")),
    dict(name="sabr_hagan_smile", f=sabr_calibration, inputs=sabr_inputs, wrt=("params",)),
    dict(name="crank_nicolson_conductivity", f=heat_cn_misfit, inputs=heat_cn_inputs, wrt=("log_kappa", "u0")),
    dict(name="beam_simp_compliance", f=beam_simp_compliance, inputs=beam_inputs, wrt=("logits",)),
    dict(name="stokes_drag_particles", f=particle_tracking_loss, inputs=particle_inputs,
         wrt=("log_tau", "log_U", "x0")),
    dict(name="go_model_protein", f=go_model_energy, inputs=go_model_inputs, wrt=("coords",)),
    dict(name="matrix_completion_nuclear", f=matrix_completion, inputs=completion_inputs, wrt=("X",)),
    dict(name="tikhonov_deconvolution", f=tikhonov_deconvolution, inputs=deconvolution_inputs,
         wrt=("x", "log_width")),
    dict(name="rc_ladder_lu_transient", f=rc_ladder_fit, inputs=rc_ladder_inputs, wrt=("log_R", "log_C")),
    dict(name="weibull_aft_censored", f=weibull_aft_nll, inputs=weibull_inputs, wrt=("beta", "log_sigma")),
    dict(name="pspline_gcv", f=pspline_gcv, inputs=pspline_inputs, wrt=("log_lam", "y")),
    dict(name="orbit_angles_verlet", f=orbit_angles_loss, inputs=orbit_inputs, wrt=("r0", "v0")),
    dict(name="almgren_chriss_power_impact", f=almgren_chriss_cost, inputs=almgren_inputs, wrt=("holdings",)),
    dict(name="plackett_luce_partial", f=plackett_luce_nll, inputs=plackett_luce_inputs, wrt=("skills",)),
    dict(name="homography_dlt_svd", f=homography_transfer_error, inputs=homography_inputs, wrt=("dst",)),
    dict(name="unscented_kalman_pendulum", f=ukf_nll, inputs=ukf_inputs, wrt=("log_q", "log_r")),
    dict(name="felsenstein_gtr_expm", f=felsenstein_nll, inputs=felsenstein_inputs, wrt=("log_branch", "log_exch")),
    dict(name="biquad_cascade_complex", f=biquad_fit, inputs=biquad_inputs, wrt=("params",)),
    dict(name="pose_graph_slam_2d", f=pose_graph_error, inputs=pose_graph_inputs, wrt=("poses",)),
    dict(name="rust_bus_nfxp_while", f=rust_nfxp_nll, inputs=rust_inputs, wrt=("theta",)),
    dict(name="colebrook_pipe_sizing", f=pipe_network_cost, inputs=pipe_inputs, wrt=("log_D",)),
    dict(name="neo_hookean_membrane", f=neo_hookean_energy, inputs=neo_hookean_inputs, wrt=("x",)),
    dict(name="nfw_rotation_curve", f=rotation_curve_nll, inputs=rotation_inputs, wrt=("params",)),
    dict(name="vqe_tfim_complex", f=vqe_energy, inputs=vqe_inputs, wrt=("thetas",)),
    dict(name="maxent_irl_gridworld", f=maxent_irl_nll, inputs=irl_inputs, wrt=("w",)),
    dict(name="soft_rasterizer_discs", f=soft_raster_loss, inputs=raster_inputs,
         wrt=("centers", "log_radii", "colors")),
    dict(name="ddm_wiener_fpt", f=ddm_nll, inputs=ddm_inputs, wrt=("v", "log_a", "logit_w", "t0")),
    dict(name="ac_power_flow_dispatch", f=ac_dispatch_objective, inputs=ac_dispatch_inputs,
         wrt=("Vm", "theta_rest", "Pg", "Qg")),
    dict(name="occupancy_detection", f=occupancy_nll, inputs=occupancy_inputs, wrt=("beta", "alpha")),
]
