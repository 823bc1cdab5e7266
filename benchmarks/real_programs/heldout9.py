"""Ninth held-out set: twenty-five programs written without reading adjit's docs or source, in domains the
other modules do not cover, the way lab notebooks, textbooks and paper appendices write them: module-level
constant tables and parameter dicts, dataclasses and NamedTuples, small classes, helpers with keyword
defaults, loops and ifs, while loops with tolerances (Newton, secant, fixed points, Gauss-Newton, power
iteration, Hardy-Cross corrections), comprehensions, masks, fancy indexing, in-place updates, np.linalg
(solve, lstsq, inv, matrix_power, eigvals), scipy.special (j0/j1/k0/k1, i0e, gammaln, expit, logsumexp),
scipy.stats (binom, norm), scipy.optimize.brentq, scipy.linalg.solve_continuous_lyapunov,
scipy.interpolate.CubicSpline, scipy.signal.lfilter, scipy.integrate.simpson, np.polynomial (hermgauss,
chebval), np.add.reduceat, np.fft, complex moduli, string options and f-strings in asserts.

Swap-curve bootstrapping with key-rate risk, a Wright-Fisher HMM of ancient-DNA allele counts, Rietveld
powder-diffraction refinement, two-link arm dynamics, a New Keynesian DSGE by undetermined coefficients,
Love-wave dispersion by Brent's method, LP01 modes of a step-index fibre, Goel-Okumoto software
reliability growth, mean value analysis of a closed queueing network, a PI-controlled boost converter,
adiabatic flame temperatures from NASA polynomials, the Intelligent Driver Model for a platoon, an
integral projection model, a post-Newtonian gravitational-wave chirp, a Prony series with WLF shifting,
Monin-Obukhov similarity, a Moog ladder filter, H2 state feedback by a Lyapunov equation, a GRU character
language model, Ross-Macdonald malaria with seasonal vectors, Green-Ampt infiltration, a population PK
model by Gauss-Hermite quadrature, GNSS pseudorange positioning, MRI T1 mapping with a Rician likelihood
and Hardy-Cross pipe-network design.
"""
import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
from scipy.integrate import simpson
from scipy.interpolate import CubicSpline
from scipy.linalg import solve_continuous_lyapunov
from scipy.optimize import brentq
from scipy.signal import lfilter
from scipy.special import expit, gammaln, i0e, j0, j1, k0, k1, logsumexp
from scipy.stats import binom, norm


# ------------------------------------------------- fixed income: swap-curve bootstrap, key-rate risk
@dataclass
class Swap:
    tenor: float
    rate: float
    freq: int = 2


SWAP_TENORS = [1.0, 2.0, 3.0, 5.0, 7.0, 10.0]
BOND_BOOK = [(0.030, 4.5), (0.045, 8.0), (0.020, 2.5), (0.050, 10.0), (0.0375, 6.0)]  # (coupon, maturity)


def payment_times(tenor, freq):
    n = int(round(tenor * freq))
    return np.arange(1, n + 1) / freq


def bootstrap_curve(swaps, tol=1e-13, max_iter=50):
    """Log discount factors at the swap tenors, log-linear in between, each pillar by Newton so the swap is at par."""
    pillars = [0.0]
    log_dfs = [0.0]
    for sw in swaps:
        times = payment_times(sw.tenor, sw.freq)
        x = log_dfs[-1] - sw.rate * (sw.tenor - pillars[-1])
        for it in range(max_iter):
            dfs = np.exp(np.interp(times, np.array(pillars + [sw.tenor]), np.array(log_dfs + [x])))
            f = sw.rate * np.sum(dfs) / sw.freq + dfs[-1] - 1.0
            w = np.clip((times - pillars[-1]) / (sw.tenor - pillars[-1]), 0.0, 1.0)
            dfdx = sw.rate / sw.freq * np.sum(dfs * w) + dfs[-1]
            step = f / dfdx
            x -= step
            if abs(step) < tol:
                break
        pillars.append(sw.tenor)
        log_dfs.append(x)
    return np.array(pillars), np.array(log_dfs)


def bond_price(coupon, maturity, pillars, log_dfs, freq=2, face=100.0):
    dfs = np.exp(np.interp(payment_times(maturity, freq), pillars, log_dfs))
    return face * (coupon / freq * dfs.sum() + dfs[-1])


def key_rate_loss(par_rates, spread, holdings, smooth=1e4):
    swaps = [Swap(t, r + spread) for t, r in zip(SWAP_TENORS, par_rates)]
    pillars, log_dfs = bootstrap_curve(swaps)
    forwards = -np.diff(log_dfs) / np.diff(pillars)
    pv = 0.0
    for (coupon, maturity), n in zip(BOND_BOOK, holdings):
        pv += n * bond_price(coupon, maturity, pillars, log_dfs)
    return pv / 100.0 + smooth * np.sum(np.diff(forwards) ** 2)


def key_rate_inputs(rng):
    return dict(par_rates=np.array([0.031, 0.033, 0.034, 0.036, 0.037, 0.039]) + 0.001 * rng.standard_normal(6),
                spread=np.float64(0.0005), holdings=np.array([10.0, -4.0, 6.0, 3.0, -2.0]))


# ------------------------------------------------- population genetics: Wright-Fisher HMM, ancient DNA
class Sample(NamedTuple):
    generation: int
    n_reads: int
    n_derived: int


ANCIENT_SAMPLES = [Sample(0, 12, 1), Sample(20, 10, 2), Sample(35, 14, 4), Sample(60, 9, 4), Sample(80, 16, 9),
                   Sample(100, 11, 7)]


def wf_transition(N, s, h=0.5):
    i = np.arange(N + 1)
    p = i / N
    w_AA, w_Aa, w_aa = 1 + s, 1 + h * s, 1.0
    mean_w = p ** 2 * w_AA + 2 * p * (1 - p) * w_Aa + (1 - p) ** 2 * w_aa
    p_sel = (p ** 2 * w_AA + p * (1 - p) * w_Aa) / mean_w
    return binom.pmf(i[None, :], N, p_sel[:, None])


def wright_fisher_nll(sel, logit_p0, N=30, samples=ANCIENT_SAMPLES):
    s, h = sel
    T = wf_transition(N, s, h)
    freqs = np.arange(N + 1) / N
    alpha = binom.pmf(np.arange(N + 1), N, expit(logit_p0))
    loglik = 0.0
    last = 0
    for smp in samples:
        gap = smp.generation - last
        if gap > 0:
            alpha = alpha @ np.linalg.matrix_power(T, gap)
        alpha = alpha * binom.pmf(smp.n_derived, smp.n_reads, freqs)
        c = alpha.sum()
        loglik += np.log(c)
        alpha = alpha / c
        last = smp.generation
    return -loglik + 0.5 * (s / 0.1) ** 2 + 0.5 * ((h - 0.5) / 0.3) ** 2


def wright_fisher_inputs(rng):
    return dict(sel=np.array([0.04, 0.4]), logit_p0=np.float64(-2.0))


# ------------------------------------------------- crystallography: Rietveld powder refinement (rock salt)
WAVELENGTH = 1.5406  # Cu K-alpha1, angstrom
CROMER_MANN = {  # a1..a4, b1..b4, c
    "Na+": (3.2565, 3.9362, 1.3998, 1.0032, 2.6671, 6.1153, 0.2001, 14.039, 0.404),
    "Cl-": (18.2915, 7.2084, 6.5337, 2.3386, 0.0066, 1.1717, 19.5424, 60.4486, -16.378),
}


def cubic_reflections(max_index=4):
    seen = {}
    for h in range(-max_index, max_index + 1):
        for k in range(-max_index, max_index + 1):
            for l in range(-max_index, max_index + 1):
                if (h, k, l) == (0, 0, 0):
                    continue
                if len({h % 2, k % 2, l % 2}) > 1:  # face-centred: h, k, l unmixed
                    continue
                key = tuple(sorted((abs(h), abs(k), abs(l)), reverse=True))
                seen[key] = seen.get(key, 0) + 1
    return sorted(seen.items(), key=lambda kv: sum(i * i for i in kv[0]))


REFLECTIONS = cubic_reflections()


def form_factor(ion, s):
    a1, a2, a3, a4, b1, b2, b3, b4, c = CROMER_MANN[ion]
    return a1 * np.exp(-b1 * s ** 2) + a2 * np.exp(-b2 * s ** 2) + a3 * np.exp(-b3 * s ** 2) + \
        a4 * np.exp(-b4 * s ** 2) + c


def pseudo_voigt(x, center, fwhm, eta):
    g = np.sqrt(4 * np.log(2) / np.pi) / fwhm * np.exp(-4 * np.log(2) * (x - center) ** 2 / fwhm ** 2)
    lor = 2 / (np.pi * fwhm) / (1 + 4 * (x - center) ** 2 / fwhm ** 2)
    return eta * lor + (1 - eta) * g


def powder_pattern(two_theta, cell, zero, caglioti, eta, scale, b_iso, bg_heights, bg_anchors):
    U, V, W = caglioti
    y = CubicSpline(bg_anchors, bg_heights)(two_theta)
    for (h, k, l), mult in REFLECTIONS:
        d = cell / math.sqrt(h * h + k * k + l * l)
        if WAVELENGTH / (2 * d) >= 1.0:
            continue
        theta = np.arcsin(WAVELENGTH / (2 * d))
        center = np.degrees(2 * theta) + zero
        if center > two_theta[-1] + 2.0:
            continue
        s = np.sin(theta) / WAVELENGTH
        sign = 1.0 if h % 2 == 0 else -1.0
        F = 4 * (form_factor("Na+", s) + sign * form_factor("Cl-", s)) * np.exp(-b_iso * s ** 2)
        lp = (1 + np.cos(2 * theta) ** 2) / (np.sin(theta) ** 2 * np.cos(theta))
        fwhm = np.sqrt(U * np.tan(theta) ** 2 + V * np.tan(theta) + W)
        y = y + scale * mult * lp * F ** 2 * pseudo_voigt(two_theta, center, fwhm, eta)
    return y


def rietveld_chi2(cell, zero, caglioti, eta, scale, b_iso, bg_heights, two_theta, counts,
                  bg_anchors=(20.0, 45.0, 70.0, 95.0, 120.0)):
    model = powder_pattern(two_theta, cell, zero, caglioti, eta, scale, b_iso, bg_heights, np.array(bg_anchors))
    weights = 1.0 / np.maximum(counts, 1.0)
    return np.sum(weights * (counts - model) ** 2) / (len(counts) - 12)


def rietveld_inputs(rng):
    tt = np.linspace(20.0, 100.0, 801)
    truth = powder_pattern(tt, 5.6402, 0.02, np.array([0.01, -0.005, 0.004]), 0.4, 2e-3, 1.1,
                           np.array([60.0, 40.0, 30.0, 28.0, 30.0]), np.array([20.0, 45.0, 70.0, 95.0, 120.0]))
    counts = rng.poisson(np.maximum(truth, 0.0)).astype(float)
    return dict(cell=np.float64(5.639), zero=np.float64(0.01), caglioti=np.array([0.012, -0.004, 0.0045]),
                eta=np.float64(0.45), scale=np.float64(1.9e-3), b_iso=np.float64(1.0),
                bg_heights=np.array([55.0, 42.0, 31.0, 27.0, 29.0]), two_theta=tt, counts=counts)


# ------------------------------------------------------- robotics: two-link arm, Lagrangian dynamics
class TwoLinkArm:
    def __init__(self, m=(1.2, 0.8), l=(0.35, 0.30), damping=0.05, g=9.81):
        self.m1, self.m2 = m
        self.l1, self.l2 = l
        self.lc1, self.lc2 = l[0] / 2, l[1] / 2
        self.I1, self.I2 = m[0] * l[0] ** 2 / 12, m[1] * l[1] ** 2 / 12
        self.damping = damping
        self.g = g

    def mass_matrix(self, q):
        c2 = np.cos(q[1])
        m11 = self.I1 + self.I2 + self.m1 * self.lc1 ** 2 + self.m2 * (self.l1 ** 2 + self.lc2 ** 2
                                                                     + 2 * self.l1 * self.lc2 * c2)
        m12 = self.I2 + self.m2 * (self.lc2 ** 2 + self.l1 * self.lc2 * c2)
        m22 = self.I2 + self.m2 * self.lc2 ** 2
        return np.array([[m11, m12], [m12, m22]])

    def bias(self, q, dq):
        h = self.m2 * self.l1 * self.lc2 * np.sin(q[1])
        coriolis = np.array([-h * (2 * dq[0] * dq[1] + dq[1] ** 2), h * dq[0] ** 2])
        g1 = (self.m1 * self.lc1 + self.m2 * self.l1) * self.g * np.cos(q[0]) + \
            self.m2 * self.lc2 * self.g * np.cos(q[0] + q[1])
        g2 = self.m2 * self.lc2 * self.g * np.cos(q[0] + q[1])
        return coriolis + np.array([g1, g2]) + self.damping * dq

    def tip(self, q):
        return np.array([self.l1 * np.cos(q[0]) + self.l2 * np.cos(q[0] + q[1]),
                         self.l1 * np.sin(q[0]) + self.l2 * np.sin(q[0] + q[1])])


ARM = TwoLinkArm()


def reach_loss(torque_knots, target, q0=(-1.2, 0.6), duration=1.0, dt=2e-3, effort=1e-3):
    n_knots = torque_knots.shape[0]
    knot_t = np.linspace(0.0, duration, n_knots)
    q = np.array(q0, dtype=float)
    dq = np.zeros(2)
    energy = 0.0
    for step in range(int(round(duration / dt))):
        t = step * dt
        tau = np.array([np.interp(t, knot_t, torque_knots[:, j]) for j in range(2)])
        ddq = np.linalg.solve(ARM.mass_matrix(q), tau - ARM.bias(q, dq))
        dq = dq + dt * ddq
        q = q + dt * dq
        energy += dt * np.dot(tau, tau)
    miss = ARM.tip(q) - target
    return np.sum(miss ** 2) + 0.1 * np.sum(dq ** 2) + effort * energy


def reach_inputs(rng):
    knots = np.column_stack([np.linspace(9.0, 5.0, 6), np.linspace(2.5, 1.0, 6)]) + 0.2 * rng.standard_normal((6, 2))
    return dict(torque_knots=knots, target=np.array([0.30, 0.35]))


# ------------------------------------------------------------ macroeconomics: New Keynesian DSGE
CALIBRATION = {"beta": 0.99, "sigma_eps_v": 0.25, "sigma_eps_r": 0.5}
VAR_HORIZON = 12


def nk_policy_coefficients(rho, sigma, kappa, phi_pi, phi_x, beta):
    """Undetermined coefficients x_t = psi_x z_t, pi_t = psi_pi z_t for an AR(1) shock z (policy v or demand r)."""
    A = np.array([[(1 - rho) * sigma + phi_x, phi_pi - rho],
                  [-kappa, 1 - beta * rho]])
    b_policy = np.array([-1.0, 0.0])
    b_demand = np.array([1.0, 0.0])
    return np.linalg.solve(A, b_policy), np.linalg.solve(A, b_demand)


def dsge_irf_loss(theta, irf_target, weights, calib=CALIBRATION):
    sigma, kappa, phi_pi, phi_x = np.exp(theta[:4])
    rho_v, rho_r = expit(theta[4:6])
    beta = calib["beta"]
    assert kappa > 0 and sigma > 0, f"bad structural parameters sigma={sigma}, kappa={kappa}"
    psi_v, _ = nk_policy_coefficients(rho_v, sigma, kappa, phi_pi, phi_x, beta)
    _, psi_r = nk_policy_coefficients(rho_r, sigma, kappa, phi_pi, phi_x, beta)
    horizon = np.arange(VAR_HORIZON)
    loss = 0.0
    for name, psi, rho, sd in (("policy", psi_v, rho_v, calib["sigma_eps_v"]),
                               ("demand", psi_r, rho_r, calib["sigma_eps_r"])):
        z = sd * rho ** horizon
        x, pi = psi[0] * z, psi[1] * z
        i_rate = phi_pi * pi + phi_x * x + (z if name == "policy" else 0.0)
        model = np.stack([x, 4 * pi, 4 * i_rate])  # annualised inflation and rate
        loss += np.sum(weights[name] * (model - irf_target[name]) ** 2)
    det_term = (phi_pi - 1) * kappa + (1 - beta) * phi_x  # Taylor principle margin
    return loss - 0.01 * np.log(det_term)


def dsge_inputs(rng):
    true = np.array([np.log(1.0), np.log(0.1), np.log(1.5), np.log(0.125), 0.0, 1.5])
    targets = {}
    sigma, kappa, phi_pi, phi_x = np.exp(true[:4])
    rho_v, rho_r = expit(true[4:6])
    psi_v, _ = nk_policy_coefficients(rho_v, sigma, kappa, phi_pi, phi_x, 0.99)
    _, psi_r = nk_policy_coefficients(rho_r, sigma, kappa, phi_pi, phi_x, 0.99)
    h = np.arange(VAR_HORIZON)
    for name, psi, rho, sd in (("policy", psi_v, rho_v, 0.25), ("demand", psi_r, rho_r, 0.5)):
        z = sd * rho ** h
        i_rate = phi_pi * psi[1] * z + phi_x * psi[0] * z + (z if name == "policy" else 0.0)
        targets[name] = np.stack([psi[0] * z, 4 * psi[1] * z, 4 * i_rate]) + 0.01 * rng.standard_normal((3, 12))
    weights = {"policy": np.ones((3, 12)), "demand": np.ones((3, 12)) / np.arange(1, 13)}
    return dict(theta=true + 0.1 * rng.standard_normal(6), irf_target=targets, weights=weights)


# ------------------------------------------------------------- seismology: Love-wave dispersion
def love_secular(c, period, beta1, beta2, thickness, mu_ratio):
    omega = 2 * np.pi / period
    s1 = np.sqrt(1 / beta1 ** 2 - 1 / c ** 2)
    s2 = np.sqrt(1 / c ** 2 - 1 / beta2 ** 2)
    return np.sin(omega * thickness * s1) * s1 - mu_ratio * s2 * np.cos(omega * thickness * s1)


def love_phase_velocity(period, beta1, beta2, thickness, rho1=2.7, rho2=3.3):
    mu_ratio = rho2 * beta2 ** 2 / (rho1 * beta1 ** 2)
    omega = 2 * np.pi / period
    inv_sq = 1 / beta1 ** 2 - (np.pi / (2 * omega * thickness)) ** 2
    hi = 1 / np.sqrt(inv_sq) if inv_sq > 1 / beta2 ** 2 else beta2
    return brentq(love_secular, beta1 * (1 + 1e-10), hi * (1 - 1e-10),
                  args=(period, beta1, beta2, thickness, mu_ratio), xtol=1e-14, rtol=1e-14)


def love_dispersion_misfit(log_model, periods, c_obs, c_err=0.02):
    beta1, beta2, thickness = np.exp(log_model)
    pred = np.array([love_phase_velocity(T, beta1, beta2, thickness) for T in periods])
    prior = (beta2 - 4.5) ** 2 / 0.2 ** 2
    return np.sum(((pred - c_obs) / c_err) ** 2) + prior


def love_inputs(rng):
    periods = np.array([5.0, 8.0, 12.0, 16.0, 20.0, 25.0, 30.0, 40.0])
    obs = np.array([love_phase_velocity(T, 3.5, 4.6, 35.0) for T in periods]) + 0.01 * rng.standard_normal(8)
    return dict(log_model=np.log([3.4, 4.5, 32.0]), periods=periods, c_obs=obs)


# ------------------------------------------------------------- photonics: LP01 mode of a step-index fibre
SELLMEIER_SILICA = {"B": (0.6961663, 0.4079426, 0.8974794), "C": (0.0684043, 0.1162414, 9.896161)}  # um


def silica_index(wavelength_um):
    lam2 = wavelength_um ** 2
    n2 = 1.0
    for B, C in zip(SELLMEIER_SILICA["B"], SELLMEIER_SILICA["C"]):
        n2 += B * lam2 / (lam2 - C ** 2)
    return np.sqrt(n2)


def lp01_u(V, tol=1e-13, max_iter=60):
    """Transverse core parameter u of LP01: u J1(u) K0(w) = w K1(w) J0(u), u^2 + w^2 = V^2 (secant method)."""
    def eq(u):
        w = np.sqrt(V ** 2 - u ** 2)
        return u * j1(u) * k0(w) - w * k1(w) * j0(u)

    u0 = 0.5 * min(V, 2.405)
    u1 = 0.9 * min(V, 2.405)
    f0, f1 = eq(u0), eq(u1)
    n = 0
    while abs(u1 - u0) > tol and n < max_iter:
        if f1 == f0:
            break
        u0, u1 = u1, u1 - f1 * (u1 - u0) / (f1 - f0)
        f0, f1 = f1, eq(u1)
        n += 1
    return u1


def fibre_fit_loss(log_radius, na, wavelengths, neff_excess_obs, mfd_obs):
    a = np.exp(log_radius)  # um
    loss = 0.0
    for lam, dn_obs, mfd in zip(wavelengths, neff_excess_obs, mfd_obs):
        n_cl = silica_index(lam)
        n_co = np.sqrt(n_cl ** 2 + na ** 2)
        V = 2 * np.pi / lam * a * na
        assert V < 2.405, f"fibre is multimode at {lam} um (V = {V:.3f})"
        u = lp01_u(V)
        b = 1 - (u / V) ** 2
        n_eff = np.sqrt(n_cl ** 2 + b * (n_co ** 2 - n_cl ** 2))
        mfd_model = 2 * a * (0.65 + 1.619 / V ** 1.5 + 2.879 / V ** 6)  # Marcuse
        loss += ((n_eff - n_cl) * 1e3 - dn_obs) ** 2 + ((mfd_model - mfd) / 0.1) ** 2
    return loss


def fibre_inputs(rng):
    lams = np.array([1.31, 1.40, 1.48, 1.55, 1.625])
    dn, mfd = [], []
    for lam in lams:
        n_cl = silica_index(lam)
        V = 2 * np.pi / lam * 4.1 * 0.12
        u = lp01_u(V)
        b = 1 - (u / V) ** 2
        dn.append((np.sqrt(n_cl ** 2 + b * 0.12 ** 2) - n_cl) * 1e3)
        mfd.append(2 * 4.1 * (0.65 + 1.619 / V ** 1.5 + 2.879 / V ** 6))
    return dict(log_radius=np.float64(np.log(4.0)), na=np.float64(0.118),
                wavelengths=lams, neff_excess_obs=np.array(dn) + 0.01 * rng.standard_normal(5),
                mfd_obs=np.array(mfd) + 0.05 * rng.standard_normal(5))


# ------------------------------------------------- software reliability: NHPP growth models, grouped data
GROWTH_MODELS = {
    "goel_okumoto": lambda t, a, b: a * (1 - np.exp(-b * t)),
    "delayed_s": lambda t, a, b: a * (1 - (1 + b * t) * np.exp(-b * t)),
    "inflection": lambda t, a, b, psi=2.0: a * (1 - np.exp(-b * t)) / (1 + psi * np.exp(-b * t)),
}


def nhpp_nll(log_ab, week_ends, failures, model="goel_okumoto", release=30.0, mission=2.0):
    a, b = np.exp(log_ab)
    m = GROWTH_MODELS[model]
    cum = m(week_ends, a, b)
    expected = np.diff(np.concatenate([[0.0], cum]))
    ll = np.sum(failures * np.log(expected) - expected - gammaln(failures + 1))
    reliability = np.exp(-(m(release + mission, a, b) - m(release, a, b)))
    remaining = a - m(week_ends[-1], a, b)
    return -ll + 10.0 * (reliability - 0.9) ** 2 + 1e-3 * remaining


def nhpp_total_loss(log_ab_go, log_ab_ds, week_ends, failures):
    aic = {}
    for name, p in (("goel_okumoto", log_ab_go), ("delayed_s", log_ab_ds)):
        aic[name] = 2 * nhpp_nll(p, week_ends, failures, model=name) + 2 * len(p)
    w = np.array(list(aic.values()))
    return -logsumexp(-0.5 * w)  # Akaike-weighted evidence


def nhpp_inputs(rng):
    t = np.arange(1, 21, dtype=float)
    lam = np.diff(np.concatenate([[0.0], 140 * (1 - (1 + 0.15 * t) * np.exp(-0.15 * t))]))
    return dict(log_ab_go=np.log([150.0, 0.08]), log_ab_ds=np.log([140.0, 0.16]), week_ends=t,
                failures=rng.poisson(lam).astype(float))


# ------------------------------------------------- performance engineering: MVA of a closed network
STATIONS = [
    {"name": "web", "kind": "queue", "visits": 1.0},
    {"name": "app", "kind": "queue", "visits": 2.0},
    {"name": "db", "kind": "queue", "visits": 3.5},
    {"name": "disk", "kind": "queue", "visits": 1.5},
    {"name": "lan", "kind": "delay", "visits": 4.0},
]


def mean_value_analysis(service, think_time, n_users):
    K = len(STATIONS)
    demand = np.array([st["visits"] for st in STATIONS]) * service
    queue = np.zeros(K)
    history = []
    for n in range(1, n_users + 1):
        resid = np.empty(K)
        for k, st in enumerate(STATIONS):
            resid[k] = demand[k] * (1 + queue[k]) if st["kind"] == "queue" else demand[k]
        R = resid.sum()
        X = n / (think_time + R)
        queue = X * resid
        history.append((X, R))
    return history


def capacity_fit_loss(log_service, log_think, users_measured, tput_obs, resp_obs):
    history = mean_value_analysis(np.exp(log_service), np.exp(log_think), int(users_measured.max()))
    loss = 0.0
    for n, x_obs, r_obs in zip(users_measured, tput_obs, resp_obs):
        X, R = history[int(n) - 1]
        loss += (np.log(X) - np.log(x_obs)) ** 2 + (np.log(R) - np.log(r_obs)) ** 2
    return loss


def capacity_inputs(rng):
    service = np.array([0.004, 0.006, 0.005, 0.008, 0.002])
    users = np.array([1, 5, 10, 20, 40, 60, 80])
    hist = mean_value_analysis(service, 1.0, 80)
    x = np.array([hist[n - 1][0] for n in users]) * np.exp(0.02 * rng.standard_normal(7))
    r = np.array([hist[n - 1][1] for n in users]) * np.exp(0.02 * rng.standard_normal(7))
    return dict(log_service=np.log(service * 1.2), log_think=np.float64(0.1), users_measured=users,
                tput_obs=x, resp_obs=r)


# ------------------------------------------------- power electronics: PI-controlled boost converter
@dataclass
class BoostConverter:
    L: float = 220e-6
    C: float = 470e-6
    r_L: float = 0.08
    v_in: float = 12.0
    v_ref: float = 24.0


def boost_rhs(state, duty, converter, load):
    i_L, v_C = state
    di = (converter.v_in - (1 - duty) * v_C - converter.r_L * i_L) / converter.L
    dv = ((1 - duty) * i_L - v_C / load) / converter.C
    return np.array([di, dv])


def boost_tuning_loss(gains, t_end=0.03, dt=3e-6, loads=(12.0, 6.0), converter=BoostConverter()):
    kp, ki = np.exp(gains)
    state = np.array([2.0, converter.v_in])
    integ = 0.0
    itae = 0.0
    losses = 0.0
    n = int(t_end / dt)
    for k in range(n):
        t = k * dt
        load = loads[0] if t < t_end / 2 else loads[1]
        err = converter.v_ref - state[1]
        duty = np.clip(0.5 + kp * err + ki * integ, 0.05, 0.95)
        integ += err * dt
        k1 = boost_rhs(state, duty, converter, load)
        k2 = boost_rhs(state + 0.5 * dt * k1, duty, converter, load)
        state = state + dt * k2  # midpoint rule
        itae += t * err ** 2 * dt
        losses += converter.r_L * state[0] ** 2 * dt
    return 1e3 * itae + losses


def boost_inputs(rng):
    return dict(gains=np.log([0.004, 4.0]))


# ------------------------------------------------------- combustion: adiabatic flame temperature
NASA7 = {  # (low: 200-1000 K, high: 1000-6000 K), GRI-Mech 3.0
    "CH4": ([5.14987613, -1.36709788e-2, 4.91800599e-5, -4.84743026e-8, 1.66693956e-11, -1.02466476e4, -4.64130376],
            [7.4851495e-2, 1.33909467e-2, -5.73285809e-6, 1.22292535e-9, -1.0181523e-13, -9.46834459e3, 1.8437318e1]),
    "O2": ([3.78245636, -2.99673416e-3, 9.84730201e-6, -9.68129509e-9, 3.24372837e-12, -1.06394356e3, 3.65767573],
           [3.28253784, 1.48308754e-3, -7.57966669e-7, 2.09470555e-10, -2.16717794e-14, -1.08845772e3, 5.45323129]),
    "N2": ([3.298677, 1.4082404e-3, -3.963222e-6, 5.641515e-9, -2.444854e-12, -1.0208999e3, 3.950372],
           [2.92664, 1.4879768e-3, -5.68476e-7, 1.0097038e-10, -6.753351e-15, -9.227977e2, 5.980528]),
    "CO2": ([2.35677352, 8.98459677e-3, -7.12356269e-6, 2.45919022e-9, -1.43699548e-13, -4.83719697e4, 9.90105222],
            [3.85746029, 4.41437026e-3, -2.21481404e-6, 5.23490188e-10, -4.72084164e-14, -4.8759166e4, 2.27163806]),
    "H2O": ([4.19864056, -2.0364341e-3, 6.52040211e-6, -5.48797062e-9, 1.77197817e-12, -3.02937267e4, -8.49032208e-1],
            [3.03399249, 2.17691804e-3, -1.64072518e-7, -9.7041987e-11, 1.68200992e-14, -3.00042971e4, 4.9667701]),
}
R_GAS = 8.314462618


def coeffs(species, T):
    low, high = NASA7[species]
    return np.array(low if T < 1000.0 else high)


def enthalpy_RT(species, T):
    a = coeffs(species, T)
    return a[0] + a[1] * T / 2 + a[2] * T ** 2 / 3 + a[3] * T ** 3 / 4 + a[4] * T ** 4 / 5 + a[5] / T


def cp_R(species, T):
    a = coeffs(species, T)
    return a[0] + a[1] * T + a[2] * T ** 2 + a[3] * T ** 3 + a[4] * T ** 4


def mixture_enthalpy(moles, T):
    return sum(n * enthalpy_RT(sp, T) * R_GAS * T for sp, n in moles.items())


def adiabatic_flame_temperature(phi, T0, heat_loss=0.0, tol=1e-10):
    """CH4 + (2/phi)(O2 + 3.76 N2), lean, complete combustion; Newton on the enthalpy balance."""
    o2 = 2.0 / phi
    reactants = {"CH4": 1.0, "O2": o2, "N2": 3.76 * o2}
    products = {"CO2": 1.0, "H2O": 2.0, "O2": o2 - 2.0, "N2": 3.76 * o2}
    h_target = (1 - heat_loss) * mixture_enthalpy(reactants, T0) + heat_loss * mixture_enthalpy(products, T0)
    T = 2000.0
    while True:
        f = mixture_enthalpy(products, T) - h_target
        cp = sum(n * cp_R(sp, T) * R_GAS for sp, n in products.items())
        dT = f / cp
        T -= dT
        if abs(dT) < tol:
            return T


def burner_design_loss(phis, preheat, heat_loss):
    temps = np.array([adiabatic_flame_temperature(phi, preheat, heat_loss) for phi in phis])
    nox_index = np.sum(np.exp(-38370.0 / temps)) * 1e8  # Zeldovich activation
    stability = np.sum(np.log(phis - 0.5))  # lean blow-off margin
    return nox_index - 0.1 * stability + 1e-6 * np.sum((temps - 1900.0) ** 2)


def burner_inputs(rng):
    return dict(phis=np.array([0.62, 0.7, 0.78, 0.85]), preheat=np.float64(450.0), heat_loss=np.float64(0.08))


# ------------------------------------------------------- traffic: Intelligent Driver Model platoon
IDM_DEFAULTS = dict(v0=30.0, T=1.5, s0=2.0, a=1.0, b=1.5, delta=4, length=5.0)


def idm_acceleration(v, gap, dv, v0, T, s0, a, b, delta=4):
    s_star = s0 + v * T + v * dv / (2 * np.sqrt(a * b))
    return a * (1 - (v / v0) ** delta - (s_star / gap) ** 2)


def simulate_platoon(leader_x, leader_v, x0, v0s, params, dt=0.1):
    p = {**IDM_DEFAULTS, **params}
    n_steps = len(leader_x)
    x = np.array(x0, dtype=float)
    v = np.array(v0s, dtype=float)
    gaps = np.zeros((n_steps, len(x)))
    for k in range(n_steps):
        ahead_x = np.concatenate([[leader_x[k]], x[:-1]])
        ahead_v = np.concatenate([[leader_v[k]], v[:-1]])
        gap = ahead_x - x - p["length"]
        gaps[k] = gap
        acc = idm_acceleration(v, gap, v - ahead_v, p["v0"], p["T"], p["s0"], p["a"], p["b"], p["delta"])
        x = x + v * dt + 0.5 * acc * dt ** 2
        v = v + acc * dt
    return gaps


def idm_calibration_loss(log_params, leader_x, leader_v, x0, v_init, gaps_obs):
    names = ("v0", "T", "s0", "a", "b")
    params = {k: np.exp(lp) for k, lp in zip(names, log_params)}
    gaps = simulate_platoon(leader_x, leader_v, x0, v_init, params)
    rmspe = np.sqrt(np.mean(((gaps - gaps_obs) / gaps_obs) ** 2))
    return rmspe


def idm_inputs(rng):
    dt, n = 0.1, 400
    t = np.arange(n) * dt
    lv = 20.0 + 5.0 * np.sin(2 * np.pi * t / 25.0) - 3.0 * np.exp(-((t - 20.0) / 4.0) ** 2)
    lx = 100.0 + np.cumsum(lv) * dt
    x0 = np.array([75.0, 50.0, 25.0, 0.0])
    v_init = np.full(4, 20.0)
    truth = dict(v0=32.0, T=1.2, s0=2.5, a=1.3, b=2.0)
    g = simulate_platoon(lx, lv, x0, v_init, truth)
    return dict(log_params=np.log([30.0, 1.4, 2.2, 1.1, 1.8]), leader_x=lx, leader_v=lv, x0=x0, v_init=v_init,
                gaps_obs=g * (1 + 0.01 * rng.standard_normal(g.shape)))


# ------------------------------------------------------------- ecology: integral projection model
MESH = dict(L=0.5, U=12.0, m=60)


def ipm_kernel(growth, surv, fec, mesh=MESH):
    h = (mesh["U"] - mesh["L"]) / mesh["m"]
    z = mesh["L"] + (np.arange(mesh["m"]) + 0.5) * h
    mu = growth[0] + growth[1] * z
    sd = np.exp(growth[2])
    G = norm.pdf(z[:, None], loc=mu[None, :], scale=sd) * h  # G[z', z]
    s = expit(surv[0] + surv[1] * z)
    p_flower = expit(fec[0] + fec[1] * z)
    seeds = np.exp(fec[2] + fec[3] * np.log(z))
    recruit = norm.pdf(z, loc=1.2, scale=0.4) * h
    P = G * s[None, :]
    F = np.outer(recruit, p_flower * seeds * 0.02)
    return z, P + F


def dominant_eigen(K, tol=1e-12, max_iter=2000):
    w = np.ones(K.shape[0]) / K.shape[0]
    lam = 1.0
    for it in range(max_iter):
        w_new = K @ w
        lam_new = w_new.sum()
        w_new /= lam_new
        if abs(lam_new - lam) < tol * lam_new:
            return lam_new, w_new
        w, lam = w_new, lam_new
    return lam, w


def ipm_loss(growth, surv, fec, size_t, size_t1, alive, lam_obs=1.02):
    z, K = ipm_kernel(growth, surv, fec)
    lam, w = dominant_eigen(K)
    lived = alive == 1
    mu = growth[0] + growth[1] * size_t[lived]
    ll_growth = np.sum(norm.logpdf(size_t1[lived], loc=mu, scale=np.exp(growth[2])))
    p_s = expit(surv[0] + surv[1] * size_t)
    ll_surv = np.sum(np.where(lived, np.log(p_s), np.log1p(-p_s)))
    mean_size = simpson(z * w, x=z) / simpson(w, x=z)
    return -ll_growth - ll_surv + 50.0 * (np.log(lam) - np.log(lam_obs)) ** 2 + 0.1 * (mean_size - 3.0) ** 2


def ipm_inputs(rng):
    n = 150
    size = rng.uniform(0.8, 10.0, n)
    alive = (rng.uniform(size=n) < expit(-1.0 + 0.5 * size)).astype(int)
    size1 = 0.8 + 0.85 * size + np.exp(-0.2) * rng.standard_normal(n)
    return dict(growth=np.array([0.7, 0.86, -0.15]), surv=np.array([-0.9, 0.48]),
                fec=np.array([-4.0, 0.8, 1.0, 1.2]), size_t=size, size_t1=size1, alive=alive)


# ------------------------------------------------------- astronomy: gravitational-wave chirp, TaylorF2
MTSUN_S = 4.925491025543576e-06  # G M_sun / c^3 in seconds


def aligo_psd(f, f0=215.0):
    x = f / f0
    return 1e-49 * (x ** -4.14 - 5 * x ** -2 + 111 * (1 - x ** 2 + 0.5 * x ** 4) / (1 + 0.5 * x ** 2))


def taylorf2(f, chirp_mass, eta, t_c, phi_c, amp):
    M = chirp_mass * eta ** (-3 / 5) * MTSUN_S
    v = (np.pi * M * f) ** (1 / 3)
    psi = 2 * np.pi * f * t_c - phi_c - np.pi / 4 + 3 / (128 * eta * v ** 5) * (
        1 + (3715 / 756 + 55 / 9 * eta) * v ** 2 - 16 * np.pi * v ** 3)
    return amp * f ** (-7 / 6) * np.exp(-1j * psi)


def inner(a, b, psd, df):
    return 4 * df * np.real(np.sum(a * np.conj(b) / psd))


def gw_loglike(chirp_params, data, freqs, eta_prior=(0.22, 0.02)):
    chirp_mass, eta, t_c, phi_c, log_amp = chirp_params
    psd = aligo_psd(freqs)
    df = freqs[1] - freqs[0]
    h = taylorf2(freqs, chirp_mass, eta, t_c, phi_c, np.exp(log_amp))
    r = data - h
    snr_series = np.abs(np.fft.ifft(data * np.conj(h) / psd)) * 4 * df * len(freqs)
    peak = snr_series.max() / np.sqrt(inner(h, h, psd, df))
    return 0.5 * inner(r, r, psd, df) + 0.5 * ((eta - eta_prior[0]) / eta_prior[1]) ** 2 - 0.01 * peak


def gw_inputs(rng):
    freqs = np.arange(30.0, 200.0, 0.5)
    true = (1.2, 0.24, 0.01, 0.3, np.log(3e-23))
    h = taylorf2(freqs, *true[:4], np.exp(true[4]))
    sd = np.sqrt(aligo_psd(freqs) / (4 * 0.5)) / np.sqrt(2)
    data = h + sd * (rng.standard_normal(len(freqs)) + 1j * rng.standard_normal(len(freqs)))
    return dict(chirp_params=np.array([1.2 + 1e-5, 0.235, 0.0101, 0.28, np.log(2.9e-23)]), data=data, freqs=freqs)


# ------------------------------------------------------- polymer rheology: Prony series with WLF shifts
TEMPERATURES_C = {"T-20": -20.0, "T0": 0.0, "T25": 25.0, "T50": 50.0}
T_REF = 25.0
RELAX_TIMES = np.logspace(-5, 2, 8)


def wlf_shift(T, C1, C2, T_ref=T_REF):
    return 10.0 ** (-C1 * (T - T_ref) / (C2 + T - T_ref))


def complex_modulus(omega, E_inf, E_i, tau=RELAX_TIMES):
    iwt = 1j * omega[:, None] * tau[None, :]
    return E_inf + np.sum(E_i[None, :] * iwt / (1 + iwt), axis=1)


def dma_master_curve_loss(log_E, wlf, omega, storage_obs, loss_obs, ridge=1e-3):
    E_inf = np.exp(log_E[0])
    E_i = np.exp(log_E[1:])
    C1, C2 = wlf
    total = 0.0
    for key, T in TEMPERATURES_C.items():
        aT = wlf_shift(T, C1, C2)
        E_star = complex_modulus(omega * aT, E_inf, E_i)
        total += np.sum((np.log(E_star.real) - np.log(storage_obs[key])) ** 2)
        total += np.sum((np.log(E_star.imag) - np.log(loss_obs[key])) ** 2)
    return total + ridge * np.sum(np.diff(log_E[1:]) ** 2)


def dma_inputs(rng):
    omega = 2 * np.pi * np.logspace(-1, 1.5, 10)
    true_E = np.log([3.0, 40.0, 120.0, 300.0, 500.0, 350.0, 150.0, 50.0, 10.0])  # MPa
    st, lo = {}, {}
    for key, T in TEMPERATURES_C.items():
        E = complex_modulus(omega * wlf_shift(T, 8.86, 101.6), np.exp(true_E[0]), np.exp(true_E[1:]))
        st[key] = E.real * np.exp(0.02 * rng.standard_normal(10))
        lo[key] = E.imag * np.exp(0.02 * rng.standard_normal(10))
    return dict(log_E=true_E + 0.1 * rng.standard_normal(9), wlf=np.array([9.0, 100.0]), omega=omega,
                storage_obs=st, loss_obs=lo)


# ------------------------------------------------------- boundary-layer meteorology: Monin-Obukhov
KARMAN, GRAVITY = 0.4, 9.81


def psi_m(zeta):
    with np.errstate(invalid="ignore"):
        x = (1 - 16 * zeta) ** 0.25
        unstable = 2 * np.log((1 + x) / 2) + np.log((1 + x ** 2) / 2) - 2 * np.arctan(x) + np.pi / 2
    return np.where(zeta < 0, unstable, -5 * zeta)


def psi_h(zeta):
    with np.errstate(invalid="ignore"):
        y = (1 - 16 * zeta) ** 0.5
        unstable = 2 * np.log((1 + y) / 2)
    return np.where(zeta < 0, unstable, -5 * zeta)


def surface_fluxes(wind, dtheta, theta_mean, z, z0, z0h, tol=1e-10, max_iter=200):
    L = np.where(dtheta < 0, -50.0, 50.0)  # first guess from the sign of the temperature difference
    it = 0
    while True:
        u_star = KARMAN * wind / (np.log(z / z0) - psi_m(z / L) + psi_m(z0 / L))
        theta_star = KARMAN * dtheta / (np.log(z / z0h) - psi_h(z / L) + psi_h(z0h / L))
        L_new = theta_mean * u_star ** 2 / (KARMAN * GRAVITY * theta_star)
        it += 1
        if np.max(np.abs(L_new - L) / np.abs(L)) < tol or it >= max_iter:
            return u_star, theta_star, L_new
        L = L_new


def roughness_fit_loss(log_z0, log_ratio, wind, dtheta, theta_mean, u_star_obs, heat_flux_obs, z=10.0):
    z0 = np.exp(log_z0)
    z0h = z0 * np.exp(log_ratio)
    u_star, theta_star, L = surface_fluxes(wind, dtheta, theta_mean, z, z0, z0h)
    H = -1.2 * 1005.0 * u_star * theta_star  # W m-2
    return np.sum((u_star - u_star_obs) ** 2 / 0.02 ** 2) + np.sum((H - heat_flux_obs) ** 2 / 10.0 ** 2)


def roughness_inputs(rng):
    wind = np.array([3.0, 5.0, 7.5, 2.5, 4.0, 6.0, 8.0, 3.5])
    dtheta = np.array([-2.0, -1.5, -0.8, 1.2, 0.8, 0.5, -1.0, 1.5])  # theta(z) - theta_surface
    theta_mean = np.full(8, 290.0)
    u, ts, _ = surface_fluxes(wind, dtheta, theta_mean, 10.0, 0.05, 0.005)
    return dict(log_z0=np.float64(np.log(0.04)), log_ratio=np.float64(np.log(0.12)), wind=wind, dtheta=dtheta,
                theta_mean=theta_mean, u_star_obs=u + 0.01 * rng.standard_normal(8),
                heat_flux_obs=-1.2 * 1005 * u * ts + 5 * rng.standard_normal(8))


# ------------------------------------------------------------------ audio DSP: Moog ladder filter
SAMPLE_RATE = 16000


def moog_ladder(x, cutoff_hz, resonance, drive=1.0):
    g = 1 - np.exp(-2 * np.pi * cutoff_hz / SAMPLE_RATE)
    stages = np.zeros(4)
    y = np.zeros_like(x)
    for n in range(len(x)):
        u = np.tanh(drive * x[n] - 4 * resonance * stages[3])
        for k in range(4):
            inp = u if k == 0 else stages[k - 1]
            stages[k] += g * (np.tanh(inp) - np.tanh(stages[k]))
        y[n] = stages[3]
    return y


def log_spectrum(y, n_fft=512, pre_emphasis=0.95):
    y = lfilter([1.0, -pre_emphasis], [1.0], y)
    frame = y[-n_fft:] * np.hanning(n_fft)
    return np.log(np.abs(np.fft.rfft(frame)) ** 2 + 1e-8)


def synth_match_loss(log_cutoff, resonance, log_drive, target_spec, f0=110.0, n=1536):
    t = np.arange(n) / SAMPLE_RATE
    saw = 2 * (t * f0 - np.floor(t * f0 + 0.5))
    y = moog_ladder(saw, np.exp(log_cutoff), resonance, drive=np.exp(log_drive))
    spec = log_spectrum(y)
    return np.mean((spec - target_spec) ** 2)


def synth_inputs(rng):
    n, f0 = 1536, 110.0
    t = np.arange(n) / SAMPLE_RATE
    saw = 2 * (t * f0 - np.floor(t * f0 + 0.5))
    target = log_spectrum(moog_ladder(saw, 900.0, 0.6, 1.5)) + 0.05 * rng.standard_normal(257)
    return dict(log_cutoff=np.float64(np.log(800.0)), resonance=np.float64(0.55), log_drive=np.float64(0.3),
                target_spec=target)


# ------------------------------------------------------- control: H2-optimal state feedback (Lyapunov)
# (note, after the first run: adjit refuses np.linalg.eigvals below, a general matrix's complex eigenvalues;
# the program is left as written)
def two_mass_spring(k=1.0, m1=1.0, m2=0.5, c=0.02):
    A = np.array([[0, 0, 1, 0],
                  [0, 0, 0, 1],
                  [-k / m1, k / m1, -c / m1, c / m1],
                  [k / m2, -k / m2, c / m2, -c / m2]])
    B_u = np.array([[0.0], [0.0], [1 / m1], [0.0]])
    B_w = np.array([[0.0], [0.0], [0.0], [1 / m2]])  # disturbance force on the second mass
    return A, B_u, B_w


def h2_cost(K, r_weight=0.1, q_weights=(1.0, 10.0, 0.1, 0.1)):
    A, B_u, B_w = two_mass_spring()
    K = K.reshape(1, -1)
    A_cl = A - B_u @ K
    poles = np.linalg.eigvals(A_cl)
    assert np.all(poles.real < 0), f"closed loop unstable: max Re = {poles.real.max():.3g}"
    C_z = np.vstack([np.diag(np.sqrt(q_weights)), -np.sqrt(r_weight) * K])
    P = solve_continuous_lyapunov(A_cl, -B_w @ B_w.T)  # controllability Gramian
    h2 = np.trace(C_z @ P @ C_z.T)
    margin = -np.max(poles.real)
    return h2 + 0.01 / margin


def h2_inputs(rng):
    return dict(K=np.array([9.0, 0.5, 4.0, 6.0]) + 0.05 * rng.standard_normal(4))


# ------------------------------------------------------- NLP: GRU character language model, tied weights
CORPUS_TEXT = "the cat sat on the mat. the dog sat on the log. a cat and a dog met."
VOCAB = sorted(set(CORPUS_TEXT))
CHAR_TO_ID = {ch: i for i, ch in enumerate(VOCAB)}


def gru_cell(x, h, W, U, b):
    z = expit(W[0] @ x + U[0] @ h + b[0])
    r = expit(W[1] @ x + U[1] @ h + b[1])
    h_tilde = np.tanh(W[2] @ x + U[2] @ (r * h) + b[2])
    return (1 - z) * h + z * h_tilde


def char_lm_loss(E, W, U, b, text=CORPUS_TEXT, bptt=32, temperature=1.0):
    ids = [CHAR_TO_ID[ch] for ch in text]
    hidden = E.shape[1]
    h = np.zeros(hidden)
    nll = 0.0
    count = 0
    for t in range(len(ids) - 1):
        if t % bptt == 0:
            h = np.zeros(hidden)  # truncate like the training loop does
        h = gru_cell(E[ids[t]], h, W, U, b)
        logits = E @ h / temperature  # output layer tied to the embedding
        nll += logsumexp(logits) - logits[ids[t + 1]]
        count += 1
    return nll / count + 1e-4 * (np.sum(W ** 2) + np.sum(U ** 2))


def char_lm_inputs(rng):
    V, d = len(VOCAB), 6
    return dict(E=0.3 * rng.standard_normal((V, d)), W=0.3 * rng.standard_normal((3, d, d)),
                U=0.3 * rng.standard_normal((3, d, d)), b=0.1 * rng.standard_normal((3, d)))


# ------------------------------------------------------- epidemiology: Ross-Macdonald malaria, seasonal
DAYS_PER_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
MALARIA_FIXED = {"b": 0.3, "c": 0.5, "r": 1 / 120, "g": 1 / 10, "n": 10.0, "population": 50000}


def mosquito_density(day, m0, amp, peak_day=200.0):
    return m0 * (1 + amp * np.cos(2 * np.pi * (day - peak_day) / 365.0))


def malaria_incidence(m0, amp, a, years=3, p=MALARIA_FIXED):
    Ih, Im = 0.1, 0.02
    daily = []
    for day in range(365 * years):
        m = mosquito_density(day, m0, amp)
        foi = m * a * p["b"] * Im
        new_h = foi * (1 - Ih)
        dIm = a * p["c"] * Ih * np.exp(-p["g"] * p["n"]) * (1 - Im) - p["g"] * Im
        Ih += new_h - p["r"] * Ih
        Im += dIm
        daily.append(new_h * p["population"])
    daily = np.array(daily)
    starts = np.cumsum([0] + DAYS_PER_MONTH * years)[:-1]
    return np.add.reduceat(daily, starts)


def malaria_nll(log_m0, logit_amp, log_a, log_report, cases):
    monthly = malaria_incidence(np.exp(log_m0), expit(logit_amp), np.exp(log_a))
    mu = np.exp(log_report) * monthly
    k = 20.0  # negative-binomial overdispersion
    ll = gammaln(cases + k) - gammaln(k) - gammaln(cases + 1) + k * np.log(k / (k + mu)) + \
        cases * np.log(mu / (k + mu))
    return -np.sum(ll)


def malaria_inputs(rng):
    mu = 0.3 * malaria_incidence(8.0, 0.6, 0.25)
    return dict(log_m0=np.float64(np.log(7.0)), logit_amp=np.float64(0.3), log_a=np.float64(np.log(0.26)),
                log_report=np.float64(np.log(0.28)), cases=rng.negative_binomial(20, 20 / (20 + mu)).astype(float))


# ------------------------------------------------------- hydrology: Green-Ampt infiltration, storm events
STORMS = [
    {"intensity": 25.0, "duration": 2.0},  # mm/h, h
    {"intensity": 12.0, "duration": 4.0},
    {"intensity": 45.0, "duration": 0.75},
    {"intensity": 3.0, "duration": 6.0},  # below Ks: no ponding
    {"intensity": 18.0, "duration": 3.0},
]


def green_ampt_cumulative(t, intensity, Ks, psi_dtheta, tol=1e-12):
    """Cumulative infiltration F(t) (mm) under constant rain, with ponding (Mein-Larson)."""
    if intensity <= Ks:
        return intensity * t
    t_p = Ks * psi_dtheta / (intensity * (intensity - Ks))
    if t <= t_p:
        return intensity * t
    F_p = intensity * t_p
    rhs = Ks * (t - t_p) + F_p - psi_dtheta * np.log(1 + F_p / psi_dtheta)
    F = max(F_p, Ks * t)
    err = 1.0
    while err > tol:
        g = F - psi_dtheta * np.log(1 + F / psi_dtheta) - rhs
        dg = 1 - psi_dtheta / (psi_dtheta + F)
        F_new = F - g / dg
        err = abs(F_new - F)
        F = F_new
    return F


def runoff_calibration_loss(log_soil, runoff_obs, storms=STORMS):
    Ks, psi_dtheta = np.exp(log_soil)
    pred = np.zeros(len(storms))
    for j, storm in enumerate(storms):
        rain = storm["intensity"] * storm["duration"]
        pred[j] = rain - green_ampt_cumulative(storm["duration"], storm["intensity"], Ks, psi_dtheta)
    return np.sum((np.sqrt(pred + 1.0) - np.sqrt(runoff_obs + 1.0)) ** 2)


def runoff_inputs(rng):
    obs = np.array([s["intensity"] * s["duration"] - green_ampt_cumulative(s["duration"], s["intensity"], 6.5, 40.0)
                    for s in STORMS])
    return dict(log_soil=np.log([6.0, 45.0]), runoff_obs=np.maximum(obs + 0.3 * rng.standard_normal(5), 0.0))


# ------------------------------------------------------- pharmacometrics: NLME by Gauss-Hermite quadrature
SUBJECTS = [
    {"dose": 100.0, "times": [0.5, 1, 2, 4, 8, 12, 24], "wt": 70.0},
    {"dose": 100.0, "times": [1, 2, 3, 6, 12, 24], "wt": 82.0},
    {"dose": 200.0, "times": [0.5, 1.5, 4, 8, 24], "wt": 64.0},
    {"dose": 200.0, "times": [1, 2, 4, 6, 8, 12, 16, 24], "wt": 91.0},
    {"dose": 50.0, "times": [0.25, 1, 2, 4, 12], "wt": 55.0},
    {"dose": 150.0, "times": [2, 4, 8, 24], "wt": 77.0},
]


def one_compartment_oral(t, dose, CL, V, ka, F=0.9):
    ke = CL / V
    return F * dose * ka / (V * (ka - ke)) * (np.exp(-ke * t) - np.exp(-ka * t))


def population_nll(theta, log_omega, log_sigma, concentrations, n_quad=12):
    CL_pop, V_pop, ka = np.exp(theta)
    omega = np.exp(log_omega)
    sig_add, sig_prop = np.exp(log_sigma)
    nodes, weights = np.polynomial.hermite.hermgauss(n_quad)
    total = 0.0
    for subj, y in zip(SUBJECTS, concentrations):
        t = np.asarray(subj["times"], dtype=float)
        CL_typ = CL_pop * (subj["wt"] / 70.0) ** 0.75
        V_i = V_pop * subj["wt"] / 70.0
        log_terms = np.empty(n_quad)
        for q in range(n_quad):
            eta = np.sqrt(2) * omega * nodes[q]
            pred = one_compartment_oral(t, subj["dose"], CL_typ * np.exp(eta), V_i, ka)
            sd = np.sqrt(sig_add ** 2 + (sig_prop * pred) ** 2)
            log_terms[q] = np.sum(norm.logpdf(y, loc=pred, scale=sd)) + np.log(weights[q] / np.sqrt(np.pi))
        total += logsumexp(log_terms)
    return -total


def population_inputs(rng):
    conc = []
    for subj in SUBJECTS:
        t = np.asarray(subj["times"], dtype=float)
        CL = 5.0 * (subj["wt"] / 70.0) ** 0.75 * np.exp(0.3 * rng.standard_normal())
        c = one_compartment_oral(t, subj["dose"], CL, 40.0 * subj["wt"] / 70.0, 1.1)
        conc.append(c * (1 + 0.1 * rng.standard_normal(len(t))) + 0.05 * rng.standard_normal(len(t)))
    return dict(theta=np.log([4.5, 42.0, 1.0]), log_omega=np.float64(np.log(0.25)),
                log_sigma=np.log([0.08, 0.12]), concentrations=conc)


# ------------------------------------------------------- geodesy: GNSS pseudorange positioning
C_LIGHT = 299792458.0
OMEGA_EARTH = 7.2921151467e-5
SATELLITES = np.array([  # ECEF at transmit time, metres
    [15600e3, 7540e3, 20140e3],
    [18760e3, 2750e3, 18610e3],
    [17610e3, 14630e3, 13480e3],
    [19170e3, 610e3, 18390e3],
    [-2600e3, 14200e3, 22400e3],
    [8400e3, -12500e3, 21900e3],
    [21000e3, -5200e3, 14800e3],
])


def sagnac_rotate(sat, travel_time):
    angle = OMEGA_EARTH * travel_time
    c, s = np.cos(angle), np.sin(angle)
    out = sat.copy()
    out[:, 0] = c * sat[:, 0] + s * sat[:, 1]
    out[:, 1] = -s * sat[:, 0] + c * sat[:, 1]
    return out


def elevation(receiver, sat):
    up = receiver / np.linalg.norm(receiver)
    los = sat - receiver
    los = los / np.linalg.norm(los, axis=1, keepdims=True)
    return np.arcsin(los @ up)


def solve_position(pseudoranges, sats=SATELLITES, tol=1e-6, max_iter=20):
    state = np.array([6371e3, 0.0, 0.0, 0.0])  # x, y, z, c * clock bias
    for it in range(max_iter):
        rx = state[:3]
        geo = np.linalg.norm(sats - rx, axis=1)
        rotated = sagnac_rotate(sats, geo / C_LIGHT)
        rng_ = np.linalg.norm(rotated - rx, axis=1)
        el = elevation(rx, rotated) if it > 0 else np.full(len(sats), np.pi / 4)
        tropo = 2.3 / np.sin(el)
        resid = pseudoranges - (rng_ + state[3] + tropo)
        G = np.hstack([-(rotated - rx) / rng_[:, None], np.ones((len(sats), 1))])
        W = np.diag(np.sin(el) ** 2)
        delta = np.linalg.solve(G.T @ W @ G, G.T @ W @ resid)
        state = state + delta
        if np.linalg.norm(delta[:3]) < tol:
            break
    return state, G


def gnss_bias_sensitivity(sat_clock_us, pseudoranges, truth):
    state, G = solve_position(pseudoranges - C_LIGHT * 1e-6 * sat_clock_us)
    gdop = np.sqrt(np.trace(np.linalg.inv(G.T @ G)))
    return np.sum((state[:3] - truth) ** 2) + 1e-2 * gdop


def gnss_inputs(rng):
    truth = np.array([4.20e6, 0.8e6, 4.70e6])
    truth = truth / np.linalg.norm(truth) * 6371e3
    geo = np.linalg.norm(SATELLITES - truth, axis=1)
    rot = sagnac_rotate(SATELLITES, geo / C_LIGHT)
    rho = np.linalg.norm(rot - truth, axis=1)
    el = elevation(truth, rot)
    pr = rho + 1500.0 + 2.3 / np.sin(el) + 3.0 * rng.standard_normal(len(SATELLITES))
    return dict(sat_clock_us=0.01 * rng.standard_normal(len(SATELLITES)), pseudoranges=pr, truth=truth)


# ------------------------------------------------------- MRI: inversion-recovery T1 mapping, Rician noise
INVERSION_TIMES = np.array([50.0, 150.0, 400.0, 1100.0, 2500.0, 4500.0])  # ms


def ir_magnitude(M0, T1, ti=INVERSION_TIMES, efficiency=1.95):
    return np.abs(M0[..., None] * (1 - efficiency * np.exp(-ti / T1[..., None])))


def rician_loglik(m, nu, sigma):
    x = m * nu / sigma ** 2
    return np.log(m / sigma ** 2) - (m ** 2 + nu ** 2) / (2 * sigma ** 2) + np.log(i0e(x)) + x


def t1_map_loss(log_T1, log_M0, log_sigma, magnitudes, tv_weight=2.0, eps=1e-3):
    T1 = np.exp(log_T1)
    M0 = np.exp(log_M0)
    nu = ir_magnitude(M0, T1)
    ll = rician_loglik(magnitudes, nu, np.exp(log_sigma)).sum()
    dx = np.diff(log_T1, axis=1)[:-1, :]
    dy = np.diff(log_T1, axis=0)[:, :-1]
    tv = np.sum(np.sqrt(dx ** 2 + dy ** 2 + eps))
    return -ll + tv_weight * tv


def t1_inputs(rng):
    n = 8
    yy, xx = np.mgrid[0:n, 0:n]
    T1 = np.where((xx - 3.5) ** 2 + (yy - 3.5) ** 2 < 7, 1400.0, 800.0)
    M0 = 1000.0 + 50 * rng.standard_normal((n, n))
    nu = ir_magnitude(M0, T1)
    sigma = 20.0
    mags = np.abs(nu + sigma * rng.standard_normal(nu.shape) + 1j * sigma * rng.standard_normal(nu.shape))
    return dict(log_T1=np.log(T1 * np.exp(0.05 * rng.standard_normal((n, n)))), log_M0=np.log(M0),
                log_sigma=np.float64(np.log(18.0)), magnitudes=mags)


# ------------------------------------------------------- civil engineering: Hardy-Cross pipe network
PIPES = [  # (from node, to node, length m)
    (0, 1, 300.0), (1, 2, 400.0), (0, 3, 400.0), (1, 4, 300.0), (2, 5, 300.0),
    (3, 4, 300.0), (4, 5, 400.0),
]
LOOPS = [[(0, 1), (3, 1), (5, -1), (2, -1)],  # (pipe, orientation)
         [(1, 1), (4, 1), (6, -1), (3, -1)]]
DEMANDS = np.array([0.0, 0.02, 0.015, 0.01, 0.025, 0.03])  # m3/s, node 0 is the reservoir
INITIAL_FLOWS = np.array([0.06, 0.03, 0.04, 0.01, 0.015, 0.03, 0.015])
TREE = [(0, 1, 1), (1, 2, 1), (2, 3, 1), (3, 4, 1), (4, 5, 1)]  # (pipe, node reached, orientation)


def swamee_jain(Q, D, roughness=0.26e-3, nu=1.0e-6):
    v = np.abs(Q) / (np.pi * D ** 2 / 4)
    Re = v * D / nu
    return 0.25 / np.log10(roughness / (3.7 * D) + 5.74 / Re ** 0.9) ** 2


def head_loss(Q, D, length, g=9.81):
    f = swamee_jain(Q, D)
    area = np.pi * D ** 2 / 4
    return f * length / D * Q * np.abs(Q) / (2 * g * area ** 2)


def hardy_cross(D, tol=1e-12, max_iter=200):
    lengths = np.array([p[2] for p in PIPES])
    Q = INITIAL_FLOWS.copy()
    for it in range(max_iter):
        biggest = 0.0
        for loop in LOOPS:
            idx = np.array([p for p, _ in loop])
            sgn = np.array([s for _, s in loop], dtype=float)
            h = head_loss(Q[idx], D[idx], lengths[idx])
            dQ = -np.sum(sgn * h) / np.sum(2 * np.abs(h) / np.abs(Q[idx]))
            Q[idx] += sgn * dQ
            biggest = max(biggest, abs(dQ))
        if biggest < tol:
            break
    return Q, head_loss(Q, D, lengths)


def network_design_loss(log_D, reservoir_head=60.0, min_pressure=20.0, unit_cost=800.0):
    D = np.exp(log_D)
    Q, h = hardy_cross(D)
    heads = np.zeros(len(DEMANDS))
    heads[0] = reservoir_head
    from_node = {p: a for p, (a, b, _) in enumerate(PIPES)}
    for pipe, node, orient in TREE:
        heads[node] = heads[from_node[pipe]] - orient * h[pipe]
    deficit = min_pressure - heads[1:]
    penalty = np.sum(np.log1p(np.exp(deficit / 0.5)) * 0.5)  # softplus
    cost = unit_cost * sum(L * D[j] ** 1.5 for j, (_, _, L) in enumerate(PIPES))
    return cost / 1e3 + 50.0 * penalty


def network_inputs(rng):
    return dict(log_D=np.log([0.25, 0.2, 0.2, 0.12, 0.15, 0.15, 0.12]) + 0.02 * rng.standard_normal(7))


PROGRAMS = [
    dict(name="swap_bootstrap_key_rate_newton", f=key_rate_loss, inputs=key_rate_inputs, wrt=("par_rates", "spread")),
    dict(name="wright_fisher_hmm_binom", f=wright_fisher_nll, inputs=wright_fisher_inputs, wrt=("sel", "logit_p0")),
    dict(name="rietveld_powder_pseudo_voigt", f=rietveld_chi2, inputs=rietveld_inputs,
         wrt=("cell", "zero", "caglioti", "eta", "scale", "b_iso", "bg_heights")),
    dict(name="two_link_arm_reach_solve", f=reach_loss, inputs=reach_inputs, wrt=("torque_knots", "target")),
    dict(name="nk_dsge_undetermined_coeffs", f=dsge_irf_loss, inputs=dsge_inputs, wrt=("theta",)),
    dict(name="love_wave_dispersion_brentq", f=love_dispersion_misfit, inputs=love_inputs, wrt=("log_model",)),
    dict(name="fibre_lp01_bessel_secant", f=fibre_fit_loss, inputs=fibre_inputs, wrt=("log_radius", "na")),
    dict(name="nhpp_software_reliability_aic", f=nhpp_total_loss, inputs=nhpp_inputs, wrt=("log_ab_go", "log_ab_ds")),
    dict(name="mva_closed_queueing_network", f=capacity_fit_loss, inputs=capacity_inputs,
         wrt=("log_service", "log_think")),
    dict(name="boost_converter_pi_tuning", f=boost_tuning_loss, inputs=boost_inputs, wrt=("gains",)),
    dict(name="adiabatic_flame_nasa7_newton", f=burner_design_loss, inputs=burner_inputs,
         wrt=("phis", "preheat", "heat_loss")),
    dict(name="idm_platoon_calibration", f=idm_calibration_loss, inputs=idm_inputs, wrt=("log_params",)),
    dict(name="integral_projection_power_iter", f=ipm_loss, inputs=ipm_inputs, wrt=("growth", "surv", "fec")),
    dict(name="gw_chirp_taylorf2_matched", f=gw_loglike, inputs=gw_inputs, wrt=("chirp_params",)),
    dict(name="prony_wlf_master_curve", f=dma_master_curve_loss, inputs=dma_inputs, wrt=("log_E", "wlf")),
    dict(name="monin_obukhov_fixed_point", f=roughness_fit_loss, inputs=roughness_inputs,
         wrt=("log_z0", "log_ratio")),
    dict(name="moog_ladder_spectrum_match", f=synth_match_loss, inputs=synth_inputs,
         wrt=("log_cutoff", "resonance", "log_drive")),
    dict(name="h2_feedback_lyapunov", f=h2_cost, inputs=h2_inputs, wrt=("K",)),
    dict(name="gru_char_language_model", f=char_lm_loss, inputs=char_lm_inputs, wrt=("E", "W", "U", "b")),
    dict(name="ross_macdonald_malaria_reduceat", f=malaria_nll, inputs=malaria_inputs,
         wrt=("log_m0", "logit_amp", "log_a", "log_report")),
    dict(name="green_ampt_ponding_newton", f=runoff_calibration_loss, inputs=runoff_inputs, wrt=("log_soil",)),
    dict(name="nlme_pk_gauss_hermite", f=population_nll, inputs=population_inputs,
         wrt=("theta", "log_omega", "log_sigma")),
    dict(name="gnss_pseudorange_gauss_newton", f=gnss_bias_sensitivity, inputs=gnss_inputs, wrt=("sat_clock_us",)),
    dict(name="mri_t1_rician_tv", f=t1_map_loss, inputs=t1_inputs, wrt=("log_T1", "log_M0", "log_sigma")),
    dict(name="hardy_cross_network_design", f=network_design_loss, inputs=network_inputs, wrt=("log_D",)),
]
