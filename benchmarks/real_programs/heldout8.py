"""Eighth held-out set: twenty-five programs written without reading adjit's docs or source, in domains the
other modules do not cover, the way lab notebooks, textbooks and paper appendices write them: module-level
constant tables and parameter dicts, small classes, helpers with defaults and keyword arguments, loops and
ifs, while loops with tolerances (Newton, fixed points, Furness balancing, blade-element iterations),
comprehensions, boolean masks, fancy indexing and in-place updates, np.linalg (eigh, solve, inv, lstsq),
scipy.special (exp1, expit, comb, logsumexp) and scipy.stats.norm, np.convolve, np.gradient, np.interp,
einsum, cumsum, sorting, clip, where, reshape and transpose, np.roll, complex impedances, np.fft.

Loewe drug-synergy surfaces (Newton on the combination index), line-transect distance sampling
(hazard-rate detection), Hueckel molecular-orbital theory, NMR multiplet fitting with phase correction,
1-D magnetotelluric impedance recursion, Talwani polygon gravity inversion, shallow-ice glacier flow,
FAO-56 Penman-Monteith crop evapotranspiration, tidal harmonic analysis, strong gravitational lensing of
a Sersic source, Leontief input-output footprints, stochastic frontier analysis, the KMV credit model,
Wilson-Cowan neural populations, a Poisson GLM of spike trains on a raised-cosine basis, Debye-Einstein
heat capacities, the repressilator, Theis well tests with image wells, a doubly-constrained gravity trip
model, blade-element-momentum wind-turbine design, Q-learning choice models, non-stationary GEV extremes,
Chan-Vese segmentation, soft decision-tree ensembles and projectile flight with quadratic drag.
"""
import math

import numpy as np
from scipy.special import comb, exp1, expit, logsumexp
from scipy.stats import norm


# ------------------------------------------------------- pharmacology: Loewe additivity drug synergy
def hill(dose, ec50, h, emax=1.0):
    return emax * dose ** h / (ec50 ** h + dose ** h)


def loewe_effect(da, db, drug_a, drug_b, tol=1e-12, max_iter=100):
    """Effect E at which da / Da(E) + db / Db(E) = 1, Newton in u = logit(E)."""
    a = da / drug_a["ec50"]
    b = db / drug_b["ec50"]
    ha, hb = drug_a["h"], drug_b["h"]
    u = 0.0
    for it in range(max_iter):
        ci = a * np.exp(-u / ha) + b * np.exp(-u / hb)
        dci = -a / ha * np.exp(-u / ha) - b / hb * np.exp(-u / hb)
        step = np.log(ci) / (dci / ci)
        u = u - step
        if abs(step) < tol:
            break
    return expit(u)


def synergy_fit_loss(log_ec50, log_hill, doses_a, doses_b, response, e0=0.02):
    drug_a = {"ec50": np.exp(log_ec50[0]), "h": np.exp(log_hill[0])}
    drug_b = {"ec50": np.exp(log_ec50[1]), "h": np.exp(log_hill[1])}
    loss = 0.0
    bliss = []
    for i, da in enumerate(doses_a):
        for j, db in enumerate(doses_b):
            if da == 0 and db == 0:
                pred = e0
            elif db == 0:
                pred = e0 + (1 - e0) * hill(da, drug_a["ec50"], drug_a["h"])
            elif da == 0:
                pred = e0 + (1 - e0) * hill(db, drug_b["ec50"], drug_b["h"])
            else:
                pred = e0 + (1 - e0) * loewe_effect(da, db, drug_a, drug_b)
                ea = hill(da, drug_a["ec50"], drug_a["h"])
                eb = hill(db, drug_b["ec50"], drug_b["h"])
                bliss.append(response[i, j] - (ea + eb - ea * eb))
            loss += (response[i, j] - pred) ** 2
    excess = np.array(bliss)
    return loss + 0.01 * np.mean(excess ** 2)


def synergy_inputs(rng):
    doses = np.array([0.0, 0.1, 0.3, 1.0, 3.0])
    resp = np.clip(0.1 + 0.8 * (doses[:, None] + doses[None, :]) / (1 + doses[:, None] + doses[None, :])
                   + 0.02 * rng.standard_normal((5, 5)), 0.01, 0.99)
    return dict(log_ec50=np.log([0.5, 0.8]), log_hill=np.log([1.2, 0.9]), doses_a=doses, doses_b=doses,
                response=resp)


# ------------------------------------------------- ecology: line-transect distance sampling, hazard rate
def half_normal(x, sigma, b=None):
    return np.exp(-x ** 2 / (2 * sigma ** 2))


def hazard_rate(x, sigma, b):
    return 1.0 - np.exp(-(x / sigma) ** (-b))


DETECTION = {"half_normal": half_normal, "hazard_rate": hazard_rate}


def distance_sampling_nll(beta, log_b, distances, cluster_size, w=60.0, key="hazard_rate", n_grid=200):
    keep = distances <= w
    x = distances[keep]
    size = cluster_size[keep]
    sigma = np.exp(beta[0] + beta[1] * np.log(size))  # detection scale grows with cluster size
    b = np.exp(log_b)
    g = DETECTION[key]
    edges = np.linspace(0.0, w, n_grid + 1)
    mids = 0.5 * (edges[1:] + edges[:-1])
    dx = edges[1] - edges[0]
    esw = np.sum(g(mids[None, :], sigma[:, None], b), axis=1) * dx  # effective strip half-width
    ll = np.log(g(x, sigma, b)) - np.log(esw)
    density = np.sum(1.0 / esw) / (2 * 12.0)  # animals per km of transect, L = 12 km
    return -np.sum(ll) + 0.5 * (np.log(density) - 1.0) ** 2


def distance_inputs(rng):
    d = np.abs(rng.normal(0, 25, 60))
    d[::13] += 40.0  # a few beyond truncation
    return dict(beta=np.array([np.log(18.0), 0.2]), log_b=np.float64(np.log(2.5)), distances=d,
                cluster_size=rng.integers(1, 6, 60).astype(float))


# ------------------------------------------------------------ quantum chemistry: Hueckel MO theory
class HuckelMolecule:
    def __init__(self, name, n_atoms, bonds, n_pi, hetero=None):
        self.name = name
        self.n_atoms = n_atoms
        self.bonds = bonds
        self.n_pi = n_pi
        self.hetero = hetero or {}  # atom -> kind

    def hamiltonian(self, alpha, beta, h, k):
        H = np.zeros((self.n_atoms, self.n_atoms))
        for atom in range(self.n_atoms):
            kind = self.hetero.get(atom)
            H[atom, atom] = alpha + (h[kind] * beta if kind is not None else 0.0)
        for i, j in self.bonds:
            kinds = [self.hetero.get(i), self.hetero.get(j)]
            kind = next((x for x in kinds if x is not None), None)
            H[i, j] = H[j, i] = beta * (k[kind] if kind is not None else 1.0)
        return H

    def solve(self, alpha, beta, h, k):
        evals, evecs = np.linalg.eigh(self.hamiltonian(alpha, beta, h, k))
        n_occ = self.n_pi // 2
        homo, lumo = evals[n_occ - 1], evals[n_occ]
        e_pi = 2 * np.sum(evals[:n_occ])
        return homo, lumo, e_pi, evecs[:, :n_occ]


MOLECULES = [
    HuckelMolecule("butadiene", 4, [(0, 1), (1, 2), (2, 3)], 4),
    HuckelMolecule("benzene", 6, [(i, (i + 1) % 6) for i in range(6)], 6),
    HuckelMolecule("pyridine", 6, [(i, (i + 1) % 6) for i in range(6)], 6, {0: "N"}),
    HuckelMolecule("acrolein", 4, [(0, 1), (1, 2), (2, 3)], 4, {3: "O"}),
    HuckelMolecule("styrene", 8, [(i, (i + 1) % 6) for i in range(6)] + [(0, 6), (6, 7)], 8),
]


def huckel_fit_loss(alpha_beta, hetero_params, ionisation, gap, charge):
    alpha, beta = alpha_beta
    h = {"N": hetero_params[0], "O": hetero_params[1]}
    k = {"N": hetero_params[2], "O": hetero_params[3]}
    loss = 0.0
    for m, mol in enumerate(MOLECULES):
        homo, lumo, e_pi, occ = mol.solve(alpha, beta, h, k)
        loss += (-homo - ionisation[m]) ** 2 + (lumo - homo - gap[m]) ** 2
        if mol.hetero:
            atom = list(mol.hetero)[0]
            q = 1.0 - 2.0 * np.sum(occ[atom] ** 2)  # Coulson charge, one pi electron per atom
            loss += 10.0 * (q - charge[m]) ** 2
    return loss


def huckel_inputs(rng):
    return dict(alpha_beta=np.array([-6.6, -2.6]), hetero_params=np.array([0.5, 1.0, 1.0, 1.0]),
                ionisation=np.array([9.1, 9.2, 9.6, 10.1, 8.5]), gap=np.array([5.7, 6.2, 6.4, 5.9, 4.6]),
                charge=np.array([0.0, 0.0, -0.2, -0.4, 0.0]))


# ------------------------------------------------------------- NMR: multiplet fitting with phasing
SPECTROMETER_MHZ = 80.0  # benchtop instrument


def multiplet(center_ppm, couplings_hz):
    """Lines (ppm) and intensities of a first-order multiplet; couplings: [(J, n_equivalent)]."""
    lines = np.array([center_ppm])
    weights = np.array([1.0])
    for J, n in couplings_hz:
        offsets = (np.arange(n + 1) - n / 2.0) * J / SPECTROMETER_MHZ
        pascal = comb(n, np.arange(n + 1))
        lines = (lines[:, None] + offsets[None, :]).ravel()
        weights = (weights[:, None] * pascal[None, :]).ravel()
    return lines, weights / weights.sum()


def nmr_spectrum(ppm, spins, width_hz, phase0):
    gamma = width_hz / SPECTROMETER_MHZ / 2
    fid = np.zeros(len(ppm), dtype=complex)
    for s in spins:
        lines, w = multiplet(s["shift"], s["J"])
        for line, wi in zip(lines, w):
            fid += s["n_h"] * wi * gamma / (gamma - 1j * (ppm - line))
    return np.real(np.exp(1j * phase0) * fid)


def nmr_fit_loss(shifts, j_couplings, log_width, phase0, ppm, observed):
    spins = [
        dict(shift=shifts[0], J=[(j_couplings[0], 2)], n_h=3),  # CH3 of ethyl: triplet
        dict(shift=shifts[1], J=[(j_couplings[0], 3)], n_h=2),  # CH2: quartet
        dict(shift=shifts[2], J=[(j_couplings[1], 1), (j_couplings[2], 1)], n_h=1),  # dd
    ]
    model = nmr_spectrum(ppm, spins, np.exp(log_width), phase0)
    resid = model - observed
    return 0.5 * np.sum(resid ** 2) / len(ppm)


def nmr_inputs(rng):
    ppm = np.linspace(0.8, 4.4, 400)
    truth = [dict(shift=1.21, J=[(7.1, 2)], n_h=3), dict(shift=3.65, J=[(7.1, 3)], n_h=2),
             dict(shift=2.40, J=[(10.2, 1), (3.5, 1)], n_h=1)]
    obs = nmr_spectrum(ppm, truth, 3.0, 0.05) + 0.02 * rng.standard_normal(400)
    return dict(shifts=np.array([1.22, 3.64, 2.41]), j_couplings=np.array([7.0, 10.0, 3.6]),
                log_width=np.float64(np.log(3.2)), phase0=np.float64(0.0), ppm=ppm, observed=obs)


# ------------------------------------------------------------- geophysics: 1-D magnetotellurics
MU0 = 4e-7 * np.pi


def mt1d_impedance(rho, thick, freqs):
    omega = 2 * np.pi * freqs
    Z = np.sqrt(1j * omega * MU0 * rho[-1])  # half-space at the bottom
    for j in range(len(thick) - 1, -1, -1):
        k = np.sqrt(1j * omega * MU0 / rho[j])
        zj = 1j * omega * MU0 / k
        r = (zj - Z) / (zj + Z)
        e = np.exp(-2 * k * thick[j])
        Z = zj * (1 - r * e) / (1 + r * e)
    return Z


def occam_mt_objective(log10_rho, thick, freqs, log_rho_app_obs, phase_obs, mu=0.3):
    rho = 10.0 ** log10_rho
    Z = mt1d_impedance(rho, thick, freqs)
    omega = 2 * np.pi * freqs
    rho_app = np.abs(Z) ** 2 / (omega * MU0)
    phase = np.degrees(np.arctan2(Z.imag, Z.real))
    misfit = np.sum((np.log10(rho_app) - log_rho_app_obs) ** 2 / 0.05 ** 2) + np.sum(
        (phase - phase_obs) ** 2 / 2.0 ** 2)
    roughness = np.sum(np.diff(log10_rho) ** 2)
    return misfit + mu * roughness


def mt_inputs(rng):
    thick = np.array([200.0, 400.0, 800.0, 1600.0, 3000.0])
    true = np.array([2.0, 1.2, 0.5, 1.5, 2.5, 2.0])
    freqs = np.logspace(-3, 2, 18)
    Z = mt1d_impedance(10.0 ** true, thick, freqs)
    ra = np.log10(np.abs(Z) ** 2 / (2 * np.pi * freqs * MU0)) + 0.03 * rng.standard_normal(18)
    ph = np.degrees(np.angle(Z)) + 1.0 * rng.standard_normal(18)
    return dict(log10_rho=np.full(6, 1.5) + 0.1 * rng.standard_normal(6), thick=thick, freqs=freqs,
                log_rho_app_obs=ra, phase_obs=ph)


# ------------------------------------------------------- geophysics: Talwani 2-D polygon gravity
G_CONST = 6.674e-11


def talwani_gz(x_obs, xv, zv, drho):
    """Vertical attraction (mGal) of a 2-D polygon (vertices clockwise, z down) at stations on z = 0."""
    gz = np.zeros(len(x_obs))
    nv = len(xv)
    for i in range(nv):
        x1, z1 = xv[i] - x_obs, zv[i]
        x2, z2 = xv[(i + 1) % nv] - x_obs, zv[(i + 1) % nv]
        dx, dz = x2 - x1, z2 - z1
        th1, th2 = np.arctan2(z1, x1), np.arctan2(z2, x2)
        r1sq, r2sq = x1 ** 2 + z1 ** 2, x2 ** 2 + z2 ** 2
        cross = x1 * z2 - x2 * z1
        gz += cross / (dx ** 2 + dz ** 2) * (dx * (th1 - th2) + 0.5 * dz * np.log(r2sq / r1sq))
    return 2 * G_CONST * drho * gz * 1e5


def basin_inversion_loss(depths, drho, x_obs, g_obs, top=50.0, x_edges=(-2000.0, 2000.0), smooth=1e-6):
    n = len(depths)
    x_bottom = np.linspace(x_edges[1], x_edges[0], n + 2)[1:-1]
    xv = np.concatenate([[x_edges[0], x_edges[1]], x_bottom])
    zv = np.concatenate([[top, top], top + depths])
    model = talwani_gz(x_obs, xv, zv, drho)
    resid = model - g_obs
    curvature = depths[2:] - 2 * depths[1:-1] + depths[:-2]
    return np.sum(resid ** 2) + smooth * np.sum(curvature ** 2)


def basin_inputs(rng):
    x_obs = np.linspace(-4000, 4000, 41)
    true_d = 1500 * np.sin(np.linspace(0.15, np.pi - 0.15, 9))
    n = 9
    xb = np.linspace(2000.0, -2000.0, n + 2)[1:-1]
    g = talwani_gz(x_obs, np.concatenate([[-2000.0, 2000.0], xb]), np.concatenate([[50.0, 50.0], 50 + true_d]),
                   -400.0)
    return dict(depths=true_d * 0.8 + 100.0, drho=np.float64(-380.0), x_obs=x_obs,
                g_obs=g + 0.05 * rng.standard_normal(41))


# ------------------------------------------------------------- glaciology: shallow-ice approximation
RHO_ICE, GRAV, GLEN_N = 910.0, 9.81, 3


def sia_step(H, bed, mb, dx, dt, A):
    s = bed + H
    slope = np.diff(s) / dx
    H_stag = 0.5 * (H[1:] + H[:-1])
    D = 2 * A / (GLEN_N + 2) * (RHO_ICE * GRAV) ** GLEN_N * H_stag ** (GLEN_N + 2) * slope ** (GLEN_N - 1)
    q = -D * slope
    H_new = H.copy()
    H_new[1:-1] += dt * (mb[1:-1] - (q[1:] - q[:-1]) / dx)
    return np.maximum(H_new, 0.0)


def glacier_loss(ela, log_A, H0, bed, H_obs, grad_b=0.007, dx=1000.0, dt=2.0, years=300):
    A = np.exp(log_A)
    H = H0.copy()
    for _ in range(int(years / dt)):
        s = bed + H
        mb = np.clip(grad_b * (s - ela), -4.0, 2.0)
        H = sia_step(H, bed, mb, dx, dt, A)
    volume = np.sum(H) * dx
    return np.mean((H - H_obs) ** 2) / 100.0 + (volume / 1e6 - 2.0) ** 2


def glacier_inputs(rng):
    x = np.arange(25) * 1000.0
    bed = 3000.0 - 0.06 * x
    H0 = np.where(x < 14000, 150.0 * np.sqrt(np.maximum(1 - x / 14000, 0)), 0.0)
    H_obs = H0 * 1.1 + rng.normal(0, 5, 25) * (H0 > 0)
    return dict(ela=np.float64(2900.0), log_A=np.float64(np.log(1e-16)), H0=H0, bed=bed, H_obs=H_obs)


# ------------------------------------------------------- agrometeorology: FAO-56 Penman-Monteith
FAO = dict(sigma=4.903e-9, gsc=0.0820, cp=1.013e-3, eps=0.622, lam=2.45)


def sat_vp(T):
    return 0.6108 * np.exp(17.27 * T / (T + 237.3))


def extraterrestrial_radiation(doy, lat_rad):
    dr = 1 + 0.033 * np.cos(2 * np.pi / 365 * doy)
    dec = 0.409 * np.sin(2 * np.pi / 365 * doy - 1.39)
    ws = np.arccos(-np.tan(lat_rad) * np.tan(dec))
    return 24 * 60 / np.pi * FAO["gsc"] * dr * (ws * np.sin(lat_rad) * np.sin(dec)
                                                 + np.cos(lat_rad) * np.cos(dec) * np.sin(ws)), ws


def et0_pm(tmax, tmin, rh, u2, sunshine, doy, lat_deg=41.0, elev=200.0, angstrom=(0.25, 0.50), albedo=0.23):
    T = 0.5 * (tmax + tmin)
    P = 101.3 * ((293 - 0.0065 * elev) / 293) ** 5.26
    psy = FAO["cp"] * P / (FAO["eps"] * FAO["lam"])
    es = 0.5 * (sat_vp(tmax) + sat_vp(tmin))
    ea = es * np.clip(rh, 0, 100) / 100
    delta = 4098 * sat_vp(T) / (T + 237.3) ** 2
    Ra, ws = extraterrestrial_radiation(doy, np.deg2rad(lat_deg))
    N = 24 / np.pi * ws
    Rs = (angstrom[0] + angstrom[1] * sunshine / N) * Ra
    Rso = (0.75 + 2e-5 * elev) * Ra
    Rns = (1 - albedo) * Rs
    Rnl = FAO["sigma"] * 0.5 * ((tmax + 273.16) ** 4 + (tmin + 273.16) ** 4) * (0.34 - 0.14 * np.sqrt(ea)) * (
        1.35 * np.minimum(Rs / Rso, 1.0) - 0.35)
    Rn = Rns - Rnl
    return (0.408 * delta * Rn + psy * 900 / (T + 273) * u2 * (es - ea)) / (delta + psy * (1 + 0.34 * u2))


def crop_et_loss(kc, angstrom_ab, albedo, weather, lysimeter, stages=(15, 25, 30, 20)):
    days = np.arange(len(lysimeter))
    bounds = np.cumsum((0,) + stages)
    kc_day = np.interp(days, [bounds[0], bounds[1], bounds[2], bounds[3], bounds[4]],
                       [kc[0], kc[0], kc[1], kc[1], kc[2]])
    et0 = et0_pm(weather["tmax"], weather["tmin"], weather["rh"], weather["u2"], weather["sun"], weather["doy"],
                 angstrom=(angstrom_ab[0], angstrom_ab[1]), albedo=albedo)
    etc = kc_day * et0
    cum_err = np.cumsum(etc) - np.cumsum(lysimeter)
    return np.mean((etc - lysimeter) ** 2) + 1e-3 * np.mean(cum_err ** 2)


def crop_et_inputs(rng):
    n = 90
    doy = np.arange(120, 120 + n)
    tmax = 24 + 6 * np.sin(np.linspace(0, 3, n)) + rng.normal(0, 2, n)
    weather = dict(tmax=tmax, tmin=tmax - 11 + rng.normal(0, 1, n), rh=np.clip(rng.normal(60, 12, n), 20, 99),
                   u2=np.abs(rng.normal(2.0, 0.6, n)) + 0.3, sun=rng.uniform(4, 11, n), doy=doy)
    lys = 4.0 + np.sin(np.linspace(0, 3, n)) + 0.4 * rng.standard_normal(n)
    return dict(kc=np.array([0.35, 1.15, 0.6]), angstrom_ab=np.array([0.25, 0.5]), albedo=np.float64(0.23),
                weather=weather, lysimeter=lys)


# ------------------------------------------------------------- oceanography: tidal harmonic analysis
CONSTITUENTS = {"M2": 28.9841042, "S2": 30.0, "N2": 28.4397295, "K1": 15.0410686, "O1": 13.9430356}


def harmonic_design(t_hours, speeds_deg):
    cols = [np.ones_like(t_hours)]
    for w in speeds_deg:
        arg = np.deg2rad(w) * t_hours
        cols += [np.cos(arg), np.sin(arg)]
    return np.column_stack(cols)


def tide_gauge_loss(clock_lag_h, drift, t_hours, level, t_predict):
    speeds = list(CONSTITUENTS.values())
    t = t_hours + clock_lag_h
    corrected = level - drift * t_hours / (24 * 365)
    X = harmonic_design(t, speeds)
    coef, *_ = np.linalg.lstsq(X, corrected, rcond=None)
    amps = {name: np.hypot(coef[1 + 2 * i], coef[2 + 2 * i]) for i, name in enumerate(CONSTITUENTS)}
    resid = corrected - X @ coef
    pred = harmonic_design(t_predict, speeds) @ coef
    form_factor = (amps["K1"] + amps["O1"]) / (amps["M2"] + amps["S2"])
    return np.mean(resid ** 2) + 0.01 * (np.max(pred) - 2.0) ** 2 + 0.1 * form_factor


def tide_inputs(rng):
    t = np.arange(0, 24 * 30, 1.0)
    amps = [1.2, 0.4, 0.25, 0.35, 0.25]
    level = 0.1 + sum(a * np.cos(np.deg2rad(w) * (t + 0.3) - ph) for a, w, ph in
                      zip(amps, CONSTITUENTS.values(), [0.3, 1.0, 2.0, 0.5, 1.5]))
    level = level + 0.05 * rng.standard_normal(len(t)) + 0.02 * t / (24 * 365)
    return dict(clock_lag_h=np.float64(0.1), drift=np.float64(0.0), t_hours=t, level=level,
                t_predict=np.arange(0, 24 * 60, 0.5) + 24 * 400)


# ------------------------------------------------------- astrophysics: strong lensing, Sersic source
def sersic_b(n):
    return 2 * n - 1.0 / 3 + 4.0 / (405 * n) + 46.0 / (25515 * n ** 2)


def sersic(x, y, amp, r_eff, n, q, phi, xc=0.0, yc=0.0):
    c, s = np.cos(phi), np.sin(phi)
    xr = c * (x - xc) + s * (y - yc)
    yr = -s * (x - xc) + c * (y - yc)
    r = np.sqrt(q * xr ** 2 + yr ** 2 / q + 1e-8)
    return amp * np.exp(-sersic_b(n) * ((r / r_eff) ** (1.0 / n) - 1))


def sis_shear_deflection(x, y, theta_e, g1, g2):
    r = np.hypot(x, y)
    ax = theta_e * x / r + g1 * x + g2 * y
    ay = theta_e * y / r + g2 * x - g1 * y
    return ax, ay


def gaussian_psf(size=7, fwhm=0.15, pix=0.1):
    k = (np.arange(size) - size // 2) * pix
    g = np.exp(-4 * np.log(2) * (k[:, None] ** 2 + k[None, :] ** 2) / fwhm ** 2)
    return g / g.sum()


def lens_chi2(lens, source, image, noise=0.02, n_pix=24, pix=0.1):
    coords = (np.arange(n_pix) - (n_pix - 1) / 2) * pix
    X, Y = np.meshgrid(coords, coords)
    ax, ay = sis_shear_deflection(X, Y, lens[0], lens[1], lens[2])
    model = sersic(X - ax, Y - ay, source[0], source[1], source[2], source[3], source[4], source[5], source[6])
    psf = gaussian_psf()
    half = psf.shape[0] // 2
    padded = np.pad(model, half)
    blurred = np.zeros_like(model)
    for i in range(psf.shape[0]):
        for j in range(psf.shape[1]):
            blurred += psf[i, j] * padded[i:i + n_pix, j:j + n_pix]
    return np.sum(((blurred - image) / noise) ** 2)


def lens_inputs(rng):
    lens_true = np.array([0.8, 0.03, -0.02])
    src_true = np.array([1.0, 0.2, 1.5, 0.8, 0.4, 0.05, -0.03])
    coords = (np.arange(24) - 11.5) * 0.1
    X, Y = np.meshgrid(coords, coords)
    ax, ay = sis_shear_deflection(X, Y, *lens_true)
    img = sersic(X - ax, Y - ay, *src_true)
    from scipy.signal import convolve2d
    img = convolve2d(img, gaussian_psf(), mode="same") + 0.02 * rng.standard_normal((24, 24))
    return dict(lens=lens_true + np.array([0.02, 0.01, 0.01]),
                source=src_true + np.array([0.05, 0.01, 0.1, 0.02, 0.05, 0.01, 0.01]), image=img)


# ------------------------------------------------------------- economics: Leontief input-output
SECTORS = ["agriculture", "mining", "manufacturing", "energy", "construction", "services"]


def leontief_footprint_loss(tech_change, final_demand, Z, x0, emissions, target_output, key_weight=0.5):
    A0 = Z / x0[None, :]
    A = A0 * np.exp(tech_change)[None, :]  # sector-wide input-saving change in each column
    n = len(x0)
    L = np.linalg.inv(np.eye(n) - A)
    x = L @ final_demand
    intensity = emissions / x0
    footprint = np.einsum("i,ij,j->", intensity, L, final_demand)
    multipliers = L.sum(axis=0)
    key = np.argsort(multipliers)[::-1][:3]  # backward-linkage key sectors
    prices = np.linalg.solve(np.eye(n) - A.T, 1 - A0.sum(axis=0))
    loss = np.sum(((x - target_output) / target_output) ** 2)
    loss += key_weight * np.mean(multipliers[key]) + 1e-3 * footprint
    return loss + np.sum((prices - 1) ** 2)


def leontief_inputs(rng):
    n = len(SECTORS)
    x0 = rng.uniform(100, 400, n)
    Z = rng.uniform(0.02, 0.15, (n, n)) * x0[None, :]
    y = x0 - Z.sum(axis=1)
    return dict(tech_change=0.05 * rng.standard_normal(n), final_demand=np.abs(y) + 20, Z=Z, x0=x0,
                emissions=rng.uniform(5, 80, n), target_output=x0 * rng.uniform(0.95, 1.05, n))


# ------------------------------------------------------- econometrics: stochastic frontier analysis
def translog_design(log_k, log_l):
    return np.column_stack([np.ones_like(log_k), log_k, log_l, 0.5 * log_k ** 2, 0.5 * log_l ** 2,
                            log_k * log_l])


def sfa_nll(beta, log_sigma_v, log_sigma_u, log_k, log_l, log_y):
    X = translog_design(log_k, log_l)
    eps = log_y - X @ beta
    sv, su = np.exp(log_sigma_v), np.exp(log_sigma_u)
    sigma = np.sqrt(sv ** 2 + su ** 2)
    lam = su / sv
    ll = np.log(2) - np.log(sigma) + norm.logpdf(eps / sigma) + norm.logcdf(-eps * lam / sigma)
    # JLMS technical efficiency, reported alongside and used to discourage implausibly low scores
    mu_star = -eps * su ** 2 / sigma ** 2
    s_star = su * sv / sigma
    te = norm.cdf(mu_star / s_star - s_star) / norm.cdf(mu_star / s_star) * np.exp(-mu_star + 0.5 * s_star ** 2)
    return -np.sum(ll) + 0.1 * np.sum(np.where(te < 0.5, (0.5 - te) ** 2, 0.0))


def sfa_inputs(rng):
    n = 120
    lk, ll = rng.normal(2, 0.5, n), rng.normal(1.5, 0.4, n)
    beta = np.array([1.0, 0.35, 0.6, 0.02, -0.03, 0.01])
    u = np.abs(rng.normal(0, 0.3, n))
    ly = translog_design(lk, ll) @ beta + rng.normal(0, 0.15, n) - u
    return dict(beta=beta + 0.02 * rng.standard_normal(6), log_sigma_v=np.float64(np.log(0.15)),
                log_sigma_u=np.float64(np.log(0.3)), log_k=lk, log_l=ll, log_y=ly)


# ------------------------------------------------------------- credit risk: the KMV structural model
def merton_equity(V, sigma_v, debt, r, T):
    d1 = (np.log(V / debt) + (r + 0.5 * sigma_v ** 2) * T) / (sigma_v * np.sqrt(T))
    d2 = d1 - sigma_v * np.sqrt(T)
    return V * norm.cdf(d1) - debt * np.exp(-r * T) * norm.cdf(d2), d1, d2


def kmv_assets(equity, sigma_e, debt, r=0.03, T=1.0, tol=1e-12, max_iter=500):
    V = equity + debt
    sigma_v = sigma_e * equity / V
    for it in range(max_iter):
        _, d1, d2 = merton_equity(V, sigma_v, debt, r, T)
        V_new = (equity + debt * np.exp(-r * T) * norm.cdf(d2)) / norm.cdf(d1)
        sigma_new = sigma_e * equity / (norm.cdf(d1) * V_new)
        change = np.max(np.abs(V_new - V) / V) + np.max(np.abs(sigma_new - sigma_v))
        V, sigma_v = V_new, sigma_new
        if change < tol:
            break
    return V, sigma_v


def credit_portfolio_loss(equity, sigma_e, debt, exposure, drift=0.06, lgd=0.45, T=1.0):
    V, sigma_v = kmv_assets(equity, sigma_e, debt)
    dd = (np.log(V / debt) + (drift - 0.5 * sigma_v ** 2) * T) / (sigma_v * np.sqrt(T))
    pd = norm.cdf(-dd)
    expected_loss = np.sum(exposure * lgd * pd)
    return expected_loss + 0.1 * np.sum(dd < 2.0) + np.var(np.log(pd))


def credit_inputs(rng):
    n = 8
    debt = rng.uniform(50, 150, n)
    return dict(equity=debt * rng.uniform(0.6, 2.0, n), sigma_e=rng.uniform(0.3, 0.6, n), debt=debt,
                exposure=rng.uniform(10, 40, n))


# ------------------------------------------------------------- neuroscience: Wilson-Cowan populations
def wc_sigmoid(x, a, theta):
    return 1 / (1 + np.exp(-a * (x - theta))) - 1 / (1 + np.exp(a * theta))


class WilsonCowan:
    def __init__(self, weights, drive, tau_e=10.0, tau_i=20.0, r=1.0):
        self.w_ee, self.w_ei, self.w_ie, self.w_ii = weights
        self.P, self.Q = drive
        self.tau_e, self.tau_i, self.r = tau_e, tau_i, r

    def rates(self, E, I):
        dE = (-E + (1 - self.r * E) * wc_sigmoid(self.w_ee * E - self.w_ei * I + self.P, 1.3, 4.0)) / self.tau_e
        dI = (-I + (1 - self.r * I) * wc_sigmoid(self.w_ie * E - self.w_ii * I + self.Q, 2.0, 3.7)) / self.tau_i
        return dE, dI

    def simulate(self, n_steps, dt=0.5, E0=0.1, I0=0.05):
        trace = np.zeros((n_steps, 2))
        E, I = E0, I0
        for t in range(n_steps):
            dE, dI = self.rates(E, I)
            E, I = E + dt * dE, I + dt * dI
            trace[t] = E, I
        return trace


def wilson_cowan_loss(weights, drive, lfp_obs, n_steps=400):
    model = WilsonCowan(weights, drive)
    trace = model.simulate(n_steps)
    lfp = trace[:, 0] - trace[:, 1]
    lfp = lfp - lfp.mean()
    spectrum = np.abs(np.fft.rfft(lfp)) ** 2
    obs_spec = np.abs(np.fft.rfft(lfp_obs - lfp_obs.mean())) ** 2
    return np.mean((lfp - lfp_obs) ** 2) + 1e-4 * np.sum((np.log1p(spectrum) - np.log1p(obs_spec)) ** 2)


def wilson_cowan_inputs(rng):
    w = np.array([16.0, 12.0, 15.0, 3.0])
    obs = WilsonCowan(w, (1.25, 0.0)).simulate(400)
    lfp = obs[:, 0] - obs[:, 1] + 0.01 * rng.standard_normal(400)
    return dict(weights=w * (1 + 0.03 * rng.standard_normal(4)), drive=np.array([1.2, 0.05]), lfp_obs=lfp)


# ------------------------------------------------------- neuroscience: Poisson GLM of spike trains
def raised_cosine_basis(n_basis, n_lags, log_offset=1.0):
    t = np.arange(n_lags)
    lt = np.log(t + log_offset)
    centres = np.linspace(lt[0], lt[-1], n_basis)
    width = centres[1] - centres[0]
    B = np.zeros((n_lags, n_basis))
    for k, c in enumerate(centres):
        arg = np.clip((lt - c) * np.pi / (2 * width), -np.pi, np.pi)
        B[:, k] = 0.5 * (np.cos(arg) + 1)
    return B


def spike_glm_nll(w_stim, w_hist, bias, stimulus, spikes, dt=0.001, ridge=1.0):
    T = len(spikes)
    k_filter = raised_cosine_basis(len(w_stim), 40) @ w_stim
    h_filter = raised_cosine_basis(len(w_hist), 25) @ w_hist
    drive = np.convolve(stimulus, k_filter)[:T]
    hist = np.convolve(spikes, h_filter)[:T]
    hist = np.concatenate([[0.0], hist[:-1]])  # a spike affects only later bins
    log_rate = bias + drive + hist
    rate = np.exp(log_rate)
    nll = np.sum(rate * dt) - np.sum(spikes * (log_rate + np.log(dt)))
    return nll + ridge * (np.sum(np.diff(w_stim) ** 2) + np.sum(w_hist ** 2))


def spike_glm_inputs(rng):
    T = 2000
    stim = rng.standard_normal(T)
    spikes = (rng.uniform(size=T) < 0.03 * np.exp(0.5 * stim)).astype(float)
    return dict(w_stim=0.1 * rng.standard_normal(6), w_hist=-0.2 * np.abs(rng.standard_normal(4)),
                bias=np.float64(np.log(30.0)), stimulus=stim, spikes=spikes)


# ------------------------------------------------------------- solid state: Debye-Einstein heat capacity
R_GAS = 8.314462618


def debye_cv(T, theta_d, n_quad=400):
    xmax = theta_d / T
    x = np.linspace(1e-8, xmax, n_quad)
    integrand = x ** 4 * np.exp(x) / (np.exp(x) - 1) ** 2
    return 9 * R_GAS * (T / theta_d) ** 3 * np.trapezoid(integrand, x)


def einstein_cv(T, theta_e):
    x = theta_e / T
    return 3 * R_GAS * x ** 2 * np.exp(x) / np.expm1(x) ** 2


def heat_capacity_loss(log_theta_d, log_theta_e, frac, gamma_el, temps, cp_obs):
    theta_d, theta_e = np.exp(log_theta_d), np.exp(log_theta_e)
    model = []
    for T in temps:
        cv = (1 - frac) * debye_cv(T, theta_d) + frac * einstein_cv(T, theta_e) + gamma_el * 1e-3 * T
        model.append(cv)
    model = np.array(model)
    return np.sum(((model - cp_obs) / cp_obs) ** 2)


def heat_capacity_inputs(rng):
    temps = np.array([5, 10, 15, 20, 30, 40, 60, 80, 100, 150, 200, 250, 300], float)
    obs = np.array([(0.8 * debye_cv(T, 340.0) + 0.2 * einstein_cv(T, 180.0) + 0.7e-3 * T) for T in temps])
    return dict(log_theta_d=np.float64(np.log(320.0)), log_theta_e=np.float64(np.log(190.0)),
                frac=np.float64(0.25), gamma_el=np.float64(0.6),
                temps=temps, cp_obs=obs * (1 + 0.02 * rng.standard_normal(len(temps))))


# ------------------------------------------------------------- synthetic biology: the repressilator
def repressilator_rhs(state, alpha, beta, n_hill, alpha0=0.2):
    m, p = state.reshape(2, 3)
    repressor = np.roll(p, 1)  # gene i is repressed by protein i-1
    dm = -m + alpha / (1 + repressor ** n_hill) + alpha0
    dp = -beta * (p - m)
    return np.concatenate([dm, dp])


def rk4(f, y, dt, **kw):
    k1 = f(y, **kw)
    k2 = f(y + 0.5 * dt * k1, **kw)
    k3 = f(y + 0.5 * dt * k2, **kw)
    k4 = f(y + dt * k3, **kw)
    return y + dt * (k1 + 2 * k2 + 2 * k3 + k4) / 6


def repressilator_loss(log_params, y0, fluorescence, dt=0.05, sample_every=10):
    alpha, beta, n_hill = np.exp(log_params)
    y = y0.copy()
    samples = []
    for step in range(len(fluorescence) * sample_every):
        y = rk4(repressilator_rhs, y, dt, alpha=alpha, beta=beta, n_hill=n_hill)
        if (step + 1) % sample_every == 0:
            samples.append(y[3:])
    P = np.array(samples)
    return np.mean((np.log(P) - np.log(fluorescence)) ** 2)


def repressilator_inputs(rng):
    y0 = np.array([1.0, 2.0, 3.0, 1.5, 2.5, 1.0])
    y = y0.copy()
    obs = []
    for step in range(40 * 10):
        y = rk4(repressilator_rhs, y, 0.05, alpha=50.0, beta=0.8, n_hill=2.0)
        if (step + 1) % 10 == 0:
            obs.append(y[3:])
    obs = np.array(obs) * np.exp(0.05 * rng.standard_normal((40, 3)))
    return dict(log_params=np.log([45.0, 0.85, 2.1]), y0=y0, fluorescence=obs)


# ------------------------------------------------------------- hydrogeology: Theis well test
def theis_drawdown(r, t, Q, T, S):
    u = r ** 2 * S / (4 * T * t)
    return Q / (4 * np.pi * T) * exp1(u)


def pumping_test_loss(log_T, log_S, t_obs, obs_wells, drawdown_obs, schedule, boundary_dist=150.0):
    T, S = np.exp(log_T), np.exp(log_S)
    t_start = np.array([s[0] for s in schedule])
    dQ = np.diff(np.concatenate([[0.0], [s[1] for s in schedule]]))
    loss = 0.0
    for k, (name, r) in enumerate(obs_wells.items()):
        r_image = np.sqrt(r ** 2 + 4 * boundary_dist ** 2)  # recharge boundary: image injection well
        active = t_obs[:, None] > t_start[None, :]
        elapsed = np.where(active, t_obs[:, None] - t_start[None, :], 1.0)
        s = theis_drawdown(r, elapsed, dQ[None, :], T, S) - theis_drawdown(r_image, elapsed, dQ[None, :], T, S)
        s = np.sum(np.where(active, s, 0.0), axis=1)
        loss += np.sum((s - drawdown_obs[k]) ** 2)
    return loss


def pumping_inputs(rng):
    t = np.logspace(-3, 0.5, 30)  # days
    wells = {"OW-1": 12.0, "OW-2": 40.0, "OW-3": 95.0}
    sched = [(0.0, 500.0), (0.5, 800.0), (1.5, 300.0)]  # (start day, rate m3/day)
    T0, S0 = 250.0, 2e-4
    obs = []
    for r in wells.values():
        s = np.zeros_like(t)
        q_prev = 0.0
        for t0, q in sched:
            on = t > t0
            dt_ = np.where(on, t - t0, 1.0)
            term = theis_drawdown(r, dt_, q - q_prev, T0, S0) - theis_drawdown(np.sqrt(r ** 2 + 4 * 150.0 ** 2),
                                                                               dt_, q - q_prev, T0, S0)
            s += np.where(on, term, 0.0)
            q_prev = q
        obs.append(s + 0.005 * rng.standard_normal(len(t)))
    return dict(log_T=np.float64(np.log(200.0)), log_S=np.float64(np.log(3e-4)), t_obs=t, obs_wells=wells,
                drawdown_obs=np.array(obs), schedule=sched)


# ------------------------------------------------------- transport planning: doubly-constrained gravity
def furness(origins, destinations, deterrence, tol=1e-10, max_iter=1000):
    b = np.ones(len(destinations))
    a = np.ones(len(origins))
    it = 0
    err = np.inf
    while err > tol and it < max_iter:
        a = 1.0 / (deterrence @ (b * destinations))
        b_new = 1.0 / (deterrence.T @ (a * origins))
        err = np.max(np.abs(b_new - b) / b)
        b = b_new
        it += 1
    return (a * origins)[:, None] * (b * destinations)[None, :] * deterrence


def trip_distribution_loss(beta, log_alpha, origins, destinations, cost, survey_i, survey_j, survey_trips,
                           mean_cost_obs=12.0):
    f = cost ** np.exp(log_alpha) * np.exp(-beta * cost)  # combined power-exponential deterrence (Tanner)
    trips = furness(origins, destinations, f)
    mean_cost = np.sum(trips * cost) / np.sum(trips)
    model = trips[survey_i, survey_j]
    deviance = 2 * np.sum(survey_trips * np.log(survey_trips / model) - (survey_trips - model))
    return deviance + 50.0 * (mean_cost - mean_cost_obs) ** 2


def trip_inputs(rng):
    n = 7
    xy = rng.uniform(0, 20, (n, 2))
    cost = np.sqrt(((xy[:, None, :] - xy[None, :, :]) ** 2).sum(-1)) + 3.0
    O = rng.uniform(200, 900, n)
    D = rng.uniform(200, 900, n)
    D *= O.sum() / D.sum()
    T_true = furness(O, D, cost ** 0.5 * np.exp(-0.12 * cost))
    i = rng.integers(0, n, 15)
    j = rng.integers(0, n, 15)
    return dict(beta=np.float64(0.1), log_alpha=np.float64(np.log(0.6)), origins=O, destinations=D, cost=cost,
                survey_i=i, survey_j=j, survey_trips=rng.poisson(T_true[i, j]).astype(float) + 0.5)


# ------------------------------------------------------- wind energy: blade element momentum design
POLAR = dict(alpha_deg=np.arange(-10.0, 21.0, 1.0))
POLAR["cl"] = np.where(POLAR["alpha_deg"] < 12, 0.35 + 0.11 * POLAR["alpha_deg"], 1.67 - 0.05 * (POLAR["alpha_deg"] - 12))
POLAR["cd"] = 0.008 + 0.0004 * POLAR["alpha_deg"] ** 2


def bem_annulus(r, chord, twist, U, omega, R, B=3, tol=1e-10, max_iter=300, a_c=0.2):
    sigma = B * chord / (2 * np.pi * r)
    a, ap = 0.3, 0.0
    for it in range(max_iter):
        phi = np.arctan2((1 - a) * U, (1 + ap) * omega * r)
        alpha = np.degrees(phi) - twist
        cl = np.interp(alpha, POLAR["alpha_deg"], POLAR["cl"])
        cd = np.interp(alpha, POLAR["alpha_deg"], POLAR["cd"])
        cn = cl * np.cos(phi) + cd * np.sin(phi)
        ct = cl * np.sin(phi) - cd * np.cos(phi)
        F = 2 / np.pi * np.arccos(np.exp(-B * (R - r) / (2 * r * np.sin(phi))))
        K = 4 * F * np.sin(phi) ** 2 / (sigma * cn)
        a_new = 1 / (K + 1)
        if a_new > a_c:  # Spera's Glauert correction
            a_new = 0.5 * (2 + K * (1 - 2 * a_c) - np.sqrt((K * (1 - 2 * a_c) + 2) ** 2 + 4 * (K * a_c ** 2 - 1)))
        ap_new = 1 / (4 * F * np.sin(phi) * np.cos(phi) / (sigma * ct) - 1)
        done = abs(a_new - a) < tol and abs(ap_new - ap) < tol
        a, ap = 0.5 * a + 0.5 * a_new, 0.5 * ap + 0.5 * ap_new
        if done:
            break
    w2 = (U * (1 - a)) ** 2 + (omega * r * (1 + ap)) ** 2
    return 0.5 * 1.225 * w2 * chord * cn, 0.5 * 1.225 * w2 * chord * ct


def turbine_design_loss(twist, chord, U=9.0, tsr=7.0, R=40.0, hub=4.0, thrust_cap=2.2e5):
    r = np.linspace(hub + 2.0, R - 1.0, len(twist))
    omega = tsr * U / R
    normal, tangential = np.zeros(len(r)), np.zeros(len(r))
    for i in range(len(r)):
        normal[i], tangential[i] = bem_annulus(r[i], chord[i], twist[i], U, omega, R)
    thrust = 3 * np.trapezoid(normal, r)
    torque = 3 * np.trapezoid(tangential * r, r)
    power = omega * torque
    penalty = np.maximum(thrust - thrust_cap, 0.0) ** 2
    return -power / 1e6 + 1e-9 * penalty + 1e-3 * np.sum(np.diff(twist, 2) ** 2)


def turbine_inputs(rng):
    r = np.linspace(6.0, 39.0, 10)
    return dict(twist=np.degrees(np.arctan2(2, 3 * 7.0 * r / 40.0)) - 6.0 + 0.3 * rng.standard_normal(10),
                chord=3.2 * (6.0 / r) ** 0.7 + 0.4)


# ------------------------------------------------------- cognitive modelling: Q-learning bandit choices
def q_learning_nll(alpha_logit, log_beta, kappa, choices, rewards, q0=0.5, n_arms=2):
    alpha = expit(alpha_logit)
    beta = np.exp(log_beta)
    Q = np.full(n_arms, q0)
    prev = -1
    nll = 0.0
    for c, r in zip(choices, rewards):
        logits = beta * Q
        if prev >= 0:
            logits[prev] += kappa  # perseveration bonus
        nll -= logits[c] - logsumexp(logits)
        Q[c] += alpha * (r - Q[c])
        prev = c
    return nll


def bandit_group_nll(subject_params, group_mean, data, prior_sd=np.array([1.5, 0.7, 0.5])):
    total = 0.0
    for s, (choices, rewards) in enumerate(data):
        a, b, k = subject_params[s]
        total += q_learning_nll(a, b, k, choices, rewards)
    total += 0.5 * np.sum(((subject_params - group_mean) / prior_sd) ** 2)
    return total


def bandit_inputs(rng):
    data = []
    for s in range(4):
        p_reward = np.array([0.7, 0.3])
        Q = np.full(2, 0.5)
        choices, rewards = [], []
        for t in range(60):
            if t == 30:
                p_reward = p_reward[::-1]
            p = np.exp(3 * Q) / np.exp(3 * Q).sum()
            c = int(rng.uniform() < p[1])
            r = float(rng.uniform() < p_reward[c])
            Q[c] += 0.3 * (r - Q[c])
            choices.append(c)
            rewards.append(r)
        data.append((np.array(choices), np.array(rewards)))
    return dict(subject_params=rng.normal([-0.8, 1.1, 0.2], 0.2, (4, 3)), group_mean=np.array([-0.8, 1.0, 0.2]),
                data=data)


# ------------------------------------------------------------- hydrology: non-stationary GEV extremes
def gev_logpdf(x, mu, sigma, xi):
    z = (x - mu) / sigma
    if abs(xi) < 1e-8:
        return -np.log(sigma) - z - np.exp(-z)
    t = 1 + xi * z
    if np.any(t <= 0):
        return np.full_like(x, -np.inf)
    return -np.log(sigma) - (1 + 1 / xi) * np.log(t) - t ** (-1 / xi)


def return_level(p, mu, sigma, xi):
    y = -np.log(1 - p)
    return mu - sigma / xi * (1 - y ** (-xi))


def gev_trend_loss(theta, years, annual_max, design_year=2050):
    mu0, mu1, log_sigma, xi = theta
    sigma = np.exp(log_sigma)
    mu = mu0 + mu1 * (years - years.mean())
    nll = -np.sum(gev_logpdf(annual_max, mu, sigma, xi))
    nll -= 5 * np.log(0.5 + xi) + 9 * np.log(0.5 - xi)  # Martins-Stedinger geophysical prior on xi
    # probability-plot check on the Gumbel-transformed residuals
    resid = np.log(1 + xi * (annual_max - mu) / sigma) / xi
    ordered = np.sort(resid)
    n = len(ordered)
    plotting = -np.log(-np.log((np.arange(1, n + 1) - 0.44) / (n + 0.12)))
    mu_design = mu0 + mu1 * (design_year - years.mean())
    rl100 = return_level(0.01, mu_design, sigma, xi)
    return nll + 0.5 * np.sum((ordered - plotting) ** 2) + 1e-4 * rl100


def gev_inputs(rng):
    years = np.arange(1961, 2021).astype(float)
    mu = 120 + 0.4 * (years - years.mean())
    u = rng.uniform(size=len(years))
    xi, sigma = 0.1, 25.0
    x = mu + sigma / xi * ((-np.log(u)) ** (-xi) - 1)
    return dict(theta=np.array([118.0, 0.35, np.log(24.0), 0.12]), years=years, annual_max=x)


# ------------------------------------------------------------- image analysis: Chan-Vese level sets
def heaviside(phi, eps=1.0):
    return 0.5 * (1 + 2 / np.pi * np.arctan(phi / eps))


def dirac(phi, eps=1.0):
    return eps / (np.pi * (eps ** 2 + phi ** 2))


def curvature(phi):
    gy, gx = np.gradient(phi)
    norm_ = np.sqrt(gx ** 2 + gy ** 2 + 1e-8)
    nyy, _ = np.gradient(gy / norm_)
    _, nxx = np.gradient(gx / norm_)
    return nxx + nyy


def chan_vese_energy(phi, image, mu=0.2, lam1=1.0, lam2=1.0):
    H = heaviside(phi)
    c1 = np.sum(image * H) / np.sum(H)
    c2 = np.sum(image * (1 - H)) / np.sum(1 - H)
    gy, gx = np.gradient(H)
    length = np.sum(np.sqrt(gx ** 2 + gy ** 2 + 1e-8))
    return mu * length + lam1 * np.sum((image - c1) ** 2 * H) + lam2 * np.sum((image - c2) ** 2 * (1 - H)), c1, c2


def chan_vese_loss(phi0, image, n_iter=8, dt=0.5, mu=0.2):
    phi = phi0.copy()
    for it in range(n_iter):
        _, c1, c2 = chan_vese_energy(phi, image, mu)
        force = mu * curvature(phi) - (image - c1) ** 2 + (image - c2) ** 2
        phi = phi + dt * dirac(phi) * force
    energy, _, _ = chan_vese_energy(phi, image, mu)
    return energy


def chan_vese_inputs(rng):
    n = 20
    yy, xx = np.mgrid[0:n, 0:n]
    disc = ((xx - 9.3) ** 2 + (yy - 10.6) ** 2 < 30).astype(float)
    image = 0.2 + 0.6 * disc + 0.08 * rng.standard_normal((n, n))
    phi0 = 4.0 - np.sqrt((xx - 10.0) ** 2 + (yy - 10.0) ** 2) + 0.1 * rng.standard_normal((n, n))
    return dict(phi0=phi0, image=image)


# ------------------------------------------------------------- machine learning: soft decision forest
class SoftTree:
    def __init__(self, W, b, leaf_logits):
        self.W, self.b, self.leaf_logits = W, b, leaf_logits
        self.depth = int(np.log2(len(b) + 1))

    def routing(self, X):
        n = X.shape[0]
        mu = np.ones((n, 1))
        for level in range(self.depth):
            nodes = np.arange(2 ** level - 1, 2 ** (level + 1) - 1)
            d = expit(X @ self.W[:, nodes] + self.b[nodes])
            mu = np.stack([mu * d, mu * (1 - d)], axis=2).reshape(n, -1)
        return mu

    def predict_proba(self, X):
        leaf = np.exp(self.leaf_logits - logsumexp(self.leaf_logits, axis=1, keepdims=True))
        return self.routing(X) @ leaf


def soft_forest_loss(W, b, leaf_logits, X, y, l2=1e-3):
    n_trees = W.shape[0]
    trees = [SoftTree(W[t], b[t], leaf_logits[t]) for t in range(n_trees)]
    probs = np.mean([tree.predict_proba(X) for tree in trees], axis=0)
    onehot = np.eye(probs.shape[1])[y]
    nll = -np.mean(np.log(np.einsum("nk,nk->n", probs, onehot)))
    return nll + l2 * (np.sum(W ** 2) + np.sum(b ** 2))


def soft_forest_inputs(rng):
    n, d, k, depth, trees = 80, 4, 3, 3, 3
    X = rng.standard_normal((n, d))
    y = np.argmax(X[:, :3] + 0.3 * rng.standard_normal((n, 3)), axis=1)
    n_int, n_leaf = 2 ** depth - 1, 2 ** depth
    return dict(W=0.5 * rng.standard_normal((trees, d, n_int)), b=0.1 * rng.standard_normal((trees, n_int)),
                leaf_logits=0.5 * rng.standard_normal((trees, n_leaf, k)), X=X, y=y)


# ------------------------------------------------------------- sports physics: projectile with drag
def fly(v0, angle_deg, cd, wind=0.0, mass=0.145, diameter=0.074, rho=1.2, h0=1.8, dt=2e-3, g=9.81):
    area = np.pi * diameter ** 2 / 4
    k = 0.5 * rho * cd * area / mass
    theta = np.deg2rad(angle_deg)
    pos = np.array([0.0, h0])
    vel = v0 * np.array([np.cos(theta), np.sin(theta)])
    prev = pos
    while pos[1] > 0.0:
        rel = vel - np.array([wind, 0.0])
        acc = np.array([0.0, -g]) - k * np.linalg.norm(rel) * rel
        prev = pos
        vel = vel + dt * acc
        pos = pos + dt * vel
    frac = prev[1] / (prev[1] - pos[1])
    return prev[0] + frac * (pos[0] - prev[0])


def throw_fit_loss(v0s, cd, wind, throws):
    loss = 0.0
    for v0, (angle, distance) in zip(v0s, throws):
        loss += (fly(v0, angle, cd, wind) - distance) ** 2
    return loss + 10.0 * (cd - 0.35) ** 2


def throw_inputs(rng):
    throws = [(30.0, 62.0), (38.0, 71.0), (45.0, 73.5), (52.0, 66.0)]
    return dict(v0s=np.array([31.0, 32.0, 32.5, 31.5]), cd=np.float64(0.33), wind=np.float64(-1.0), throws=throws)


PROGRAMS = [
    dict(name="loewe_synergy_newton_grid", f=synergy_fit_loss, inputs=synergy_inputs, wrt=("log_ec50", "log_hill")),
    dict(name="distance_sampling_hazard_mask", f=distance_sampling_nll, inputs=distance_inputs,
         wrt=("beta", "log_b")),
    dict(name="huckel_mo_class_eigh", f=huckel_fit_loss, inputs=huckel_inputs, wrt=("alpha_beta", "hetero_params")),
    dict(name="nmr_multiplet_comb_phase", f=nmr_fit_loss, inputs=nmr_inputs,
         wrt=("shifts", "j_couplings", "log_width", "phase0")),
    dict(name="magnetotelluric_1d_complex", f=occam_mt_objective, inputs=mt_inputs, wrt=("log10_rho",)),
    dict(name="talwani_basin_gravity", f=basin_inversion_loss, inputs=basin_inputs, wrt=("depths", "drho")),
    dict(name="shallow_ice_glacier_maximum", f=glacier_loss, inputs=glacier_inputs, wrt=("ela", "log_A")),
    dict(name="penman_monteith_kc_interp", f=crop_et_loss, inputs=crop_et_inputs,
         wrt=("kc", "angstrom_ab", "albedo")),
    dict(name="tidal_harmonics_lstsq_dict", f=tide_gauge_loss, inputs=tide_inputs, wrt=("clock_lag_h", "drift")),
    dict(name="sis_lens_sersic_psf", f=lens_chi2, inputs=lens_inputs, wrt=("lens", "source")),
    dict(name="leontief_io_argsort_einsum", f=leontief_footprint_loss, inputs=leontief_inputs,
         wrt=("tech_change", "final_demand")),
    dict(name="stochastic_frontier_translog", f=sfa_nll, inputs=sfa_inputs,
         wrt=("beta", "log_sigma_v", "log_sigma_u")),
    dict(name="kmv_credit_fixed_point", f=credit_portfolio_loss, inputs=credit_inputs, wrt=("equity", "sigma_e")),
    dict(name="wilson_cowan_class_rfft", f=wilson_cowan_loss, inputs=wilson_cowan_inputs, wrt=("weights", "drive")),
    dict(name="spike_glm_raised_cosine_convolve", f=spike_glm_nll, inputs=spike_glm_inputs,
         wrt=("w_stim", "w_hist", "bias")),
    dict(name="debye_einstein_heat_capacity", f=heat_capacity_loss, inputs=heat_capacity_inputs,
         wrt=("log_theta_d", "log_theta_e", "frac", "gamma_el")),
    dict(name="repressilator_rk4_kwargs_roll", f=repressilator_loss, inputs=repressilator_inputs,
         wrt=("log_params",)),
    dict(name="theis_superposition_exp1", f=pumping_test_loss, inputs=pumping_inputs, wrt=("log_T", "log_S")),
    dict(name="gravity_model_furness_while", f=trip_distribution_loss, inputs=trip_inputs,
         wrt=("beta", "log_alpha")),
    dict(name="bem_wind_turbine_interp_polar", f=turbine_design_loss, inputs=turbine_inputs, wrt=("twist", "chord")),
    dict(name="q_learning_bandit_subjects", f=bandit_group_nll, inputs=bandit_inputs,
         wrt=("subject_params", "group_mean")),
    dict(name="gev_nonstationary_sorted_qq", f=gev_trend_loss, inputs=gev_inputs, wrt=("theta",)),
    dict(name="chan_vese_level_set_gradient", f=chan_vese_loss, inputs=chan_vese_inputs, wrt=("phi0",)),
    dict(name="soft_decision_forest_routing", f=soft_forest_loss, inputs=soft_forest_inputs,
         wrt=("W", "b", "leaf_logits")),
    dict(name="projectile_drag_while_ground", f=throw_fit_loss, inputs=throw_inputs, wrt=("v0s", "cd", "wind")),
]
