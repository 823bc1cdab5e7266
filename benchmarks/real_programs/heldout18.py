"""Eighteenth held-out set: twenty programs written without running adjit on them and without reading what
it supports, in domains the other modules do not cover, the way research code and course notes write them:
a 1-D ocean mixed layer with surface fluxes, explicit diffusion and a convective-adjustment while loop that
mixes down to the first unstable level found by np.argmax, a sequential chilling/forcing budburst model whose
date is the first crossing of a cumulative sum (np.argmax) refined by linear interpolation, a portal frame by
the direct stiffness method with a FrameElement class and np.ix_ assembly over free dofs, Skiba's W' balance
for a cyclist over a power file iterated by enumerate with an if on the critical power, an unequal-variance
signal-detection ROC likelihood with ordered criteria by a cumsum of exponentials and np.diff of padded
norm.cdf, a molecular-mechanics force field (bonds, angles by arccos of a clip, dihedrals by np.cross and
arctan2, 1-4 and farther Lennard-Jones pairs from np.subtract.outer and np.nonzero, torsion terms from a
dict), EMSR-b protection levels over fares sorted by np.argsort and simulated nested bookings, a tax-benefit
reform scored by the Gini coefficient of np.sort-ed net incomes with bracket taxes by a broadcast np.clip and
behavioural responses from np.searchsorted, diffusion-tensor fits with a batched np.linalg.eigh for
fractional anisotropy and principal-direction coherence, a cable-driven parallel robot's minimum-norm
tensions by np.linalg.lstsq over a trajectory, a borehole geotherm through layered conductivities and
radiogenic heat by np.searchsorted lookups and cumulative sums, a phase-locked loop tracking a chirp with a
wrapped phase error by %, mortgage-backed-security cash flows with a refinancing S-curve and an
option-adjusted spread found by Newton in a while loop, FRAP recoveries by Soumpasis' formula with
scipy.special.i0e/i1e over a list of per-cell dicts, rainflow counting of a scaled load history with a list
used as a stack and Goodman-corrected Basquin damage, a fed-batch bioreactor class integrated by RK4 with a
feed switched on by an if, an arc-length-parameterized Bezier fit by de Casteljau and np.interp, an (s, S)
lost-sales inventory with a lead-time pipeline updated by np.roll and in-place writes on float32 demand, a
Fay-Herriot small-area model with SAR random effects (cholesky, slogdet, inv, np.add.at benchmarking), and a
tabular classifier with embedding lookups written into columns, erf GELU, layer norm with keepdims and
label smoothing on float32 features.

`TRANSFORMS` (run by `python benchmarks/real_programs/heldout18.py`) differentiates some of them the other
ways users ask for: adjit.jacobian (the geotherm's temperatures in the layer conductivities), adjit.hvp (the
ROC likelihood in its criteria), value_and_grad(has_aux=True) (the bioreactor with its trajectory) and a
dict of parameters (the tabular classifier), each checked against central differences.
"""
import numpy as np
from scipy.special import erf, expit, i0e, i1e, logsumexp
from scipy.stats import norm


# ----------------------------------------------- physical oceanography: mixed layer with convective adjustment
RHO0 = 1025.0
CP_SEAWATER = 3990.0


def seawater_density(T, S, alpha=2e-4, beta=7.6e-4, T0=10.0, S0=35.0):
    return RHO0 * (1.0 - alpha * (T - T0) + beta * (S - S0))


def mixed_layer_run(heat_amp, fw_mm_day, log_kappa, T_init, S_init, dz=5.0, n_days=6, dt_hours=3.0):
    T = T_init.copy()
    S = S_init.copy()
    nz = T.shape[0]
    dt = dt_hours * 3600.0
    kappa = np.exp(log_kappa)
    fw = fw_mm_day * 1e-3 / 86400.0  # evaporation minus precipitation, m/s
    n_steps = int(n_days * 24 / dt_hours)
    sst = []
    for step in range(n_steps):
        t_day = step * dt_hours / 24.0
        q_net = heat_amp * np.cos(2 * np.pi * (t_day - 0.5)) - 80.0  # W/m2: diurnal heating, net cooling
        T[0] += q_net * dt / (RHO0 * CP_SEAWATER * dz)
        S[0] += S[0] * fw * dt / dz
        lap_T = np.zeros(nz)
        lap_S = np.zeros(nz)
        lap_T[1:-1] = T[2:] - 2 * T[1:-1] + T[:-2]
        lap_S[1:-1] = S[2:] - 2 * S[1:-1] + S[:-2]
        T += kappa * dt / dz ** 2 * lap_T
        S += kappa * dt / dz ** 2 * lap_S
        rho = seawater_density(T, S)
        n_adjust = 0
        while np.any(np.diff(rho) < 0) and n_adjust < nz:
            k = int(np.argmax(np.diff(rho) < 0))  # first statically unstable interface
            T[:k + 2] = T[:k + 2].mean()
            S[:k + 2] = S[:k + 2].mean()
            rho = seawater_density(T, S)
            n_adjust += 1
        sst.append(T[0])
    return np.array(sst), T


def mixed_layer_loss(heat_amp, fw_mm_day, log_kappa, T_init, S_init, sst_obs, T_final_obs):
    sst, T_final = mixed_layer_run(heat_amp, fw_mm_day, log_kappa, T_init, S_init)
    return np.mean((sst - sst_obs) ** 2) + 0.5 * np.mean((T_final - T_final_obs) ** 2)


def mixed_layer_inputs(rng):
    z = np.arange(20) * 5.0 + 2.5
    T_init = 14.0 + 6.0 / (1.0 + np.exp((z - 30.0) / 6.0))
    S_init = 35.0 + 0.002 * z
    sst, T_final = mixed_layer_run(250.0, 3.0, np.log(2e-4), T_init, S_init)
    return dict(heat_amp=220.0, fw_mm_day=2.0, log_kappa=np.log(1e-4), T_init=T_init, S_init=S_init,
                sst_obs=sst + 0.02 * rng.standard_normal(sst.shape), T_final_obs=T_final)


# ----------------------------------------------- plant phenology: sequential chilling/forcing budburst model
def budburst_day(T_daily, chill_opt, forcing_mid, forcing_slope, log_F_crit, C_req=60.0):
    chill = np.exp(-0.5 * ((T_daily - chill_opt) / 4.0) ** 2)  # chill units per day, bell-shaped
    C = np.cumsum(chill)
    if C[-1] < C_req:
        return float(len(T_daily))
    d_chill = int(np.argmax(C >= C_req))
    forcing = 28.4 / (1.0 + np.exp(-forcing_slope * (T_daily - forcing_mid)))  # Sarvas-type rate
    forcing[:d_chill + 1] = 0.0
    F = np.cumsum(forcing)
    F_crit = np.exp(log_F_crit)
    k = int(np.argmax(F >= F_crit))
    if F[k] < F_crit:
        return float(len(T_daily))
    frac = (F_crit - F[k - 1]) / (F[k] - F[k - 1])  # the crossing between day k-1 and day k
    return (k - 1) + frac


def phenology_loss(chill_opt, forcing_mid, forcing_slope, log_F_crit, temps, observed_doy, start_doy=274):
    pred = []
    for year in range(temps.shape[0]):
        d = budburst_day(temps[year], chill_opt, forcing_mid, forcing_slope, log_F_crit)
        pred.append(start_doy + d - 365)
    pred = np.array(pred)
    resid = pred - observed_doy
    return np.sqrt(np.mean(resid ** 2)) + 0.01 * (forcing_slope - 0.2) ** 2


def phenology_inputs(rng):
    n_years, n_days = 8, 240
    day = np.arange(n_days)
    temps = np.empty((n_years, n_days))
    for y in range(n_years):
        offset = rng.normal(0.0, 1.5)
        temps[y] = 9.0 + offset - 11.0 * np.sin(2 * np.pi * (day + 20) / 365.0) + 2.5 * rng.standard_normal(n_days)
    obs = np.array([274 + budburst_day(temps[y], 5.0, 12.0, 0.25, np.log(250.0)) - 365 for y in range(n_years)])
    return dict(chill_opt=4.0, forcing_mid=13.0, forcing_slope=0.2, log_F_crit=np.log(230.0), temps=temps,
                observed_doy=obs + rng.normal(0.0, 2.0, n_years))


# ----------------------------------------------- structural engineering: portal frame by direct stiffness
class FrameElement:
    def __init__(self, n1, n2, nodes, E, A, I):
        self.n1, self.n2 = n1, n2
        dx, dy = nodes[n2] - nodes[n1]
        self.L = np.hypot(dx, dy)
        self.c, self.s = dx / self.L, dy / self.L
        self.E, self.A, self.I = E, A, I

    @property
    def dofs(self):
        return np.array([3 * self.n1, 3 * self.n1 + 1, 3 * self.n1 + 2,
                         3 * self.n2, 3 * self.n2 + 1, 3 * self.n2 + 2])

    def k_global(self):
        L, EA, EI = self.L, self.E * self.A, self.E * self.I
        k = np.array([
            [EA / L, 0, 0, -EA / L, 0, 0],
            [0, 12 * EI / L ** 3, 6 * EI / L ** 2, 0, -12 * EI / L ** 3, 6 * EI / L ** 2],
            [0, 6 * EI / L ** 2, 4 * EI / L, 0, -6 * EI / L ** 2, 2 * EI / L],
            [-EA / L, 0, 0, EA / L, 0, 0],
            [0, -12 * EI / L ** 3, -6 * EI / L ** 2, 0, 12 * EI / L ** 3, -6 * EI / L ** 2],
            [0, 6 * EI / L ** 2, 2 * EI / L, 0, -6 * EI / L ** 2, 4 * EI / L],
        ])
        c, s = self.c, self.s
        R = np.array([[c, s, 0], [-s, c, 0], [0, 0, 1.0]])
        T = np.zeros((6, 6))
        T[:3, :3] = R
        T[3:, 3:] = R
        return T.T @ k @ T


def portal_frame_loss(log_I, nodes, connectivity, loads, fixed_dofs, E=210e9, steel_cost=2e3):
    n_dof = 3 * len(nodes)
    K = np.zeros((n_dof, n_dof))
    volume = 0.0
    for e, (a, b) in enumerate(connectivity):
        I = np.exp(log_I[e])
        A = 0.8 * np.sqrt(I)  # section family: area grows with sqrt of the second moment
        el = FrameElement(a, b, nodes, E, A, I)
        d = el.dofs
        K[np.ix_(d, d)] += el.k_global()
        volume += A * el.L
    free = np.ones(n_dof, dtype=bool)
    free[fixed_dofs] = False
    u = np.zeros(n_dof)
    u[free] = np.linalg.solve(K[np.ix_(free, free)], loads[free])
    compliance = loads @ u
    sway = u[3 * 1]  # horizontal displacement at the left eave
    return compliance + steel_cost * volume + 1e4 * sway ** 2


def portal_frame_inputs(rng):
    nodes = np.array([[0.0, 0.0], [0.0, 5.0], [6.0, 6.5], [12.0, 5.0], [12.0, 0.0]])
    connectivity = [(0, 1), (1, 2), (2, 3), (3, 4)]
    loads = np.zeros(15)
    loads[3] = 12e3  # wind at the eave
    loads[7] = -40e3  # ridge load
    loads[4], loads[10] = -15e3, -15e3
    fixed = np.array([0, 1, 2, 12, 13, 14])
    return dict(log_I=np.log(np.array([8e-5, 5e-5, 5e-5, 8e-5]) * (1 + 0.1 * rng.standard_normal(4))),
                nodes=nodes, connectivity=connectivity, loads=loads, fixed_dofs=fixed)


# ----------------------------------------------- exercise physiology: Skiba W' balance over a power file
def w_balance(power, CP, W_prime, dt=1.0):
    w = W_prime
    out = np.empty(len(power))
    for i, p in enumerate(power):
        if p > CP:
            w -= (p - CP) * dt
        else:
            w = W_prime - (W_prime - w) * np.exp(-(CP - p) * dt / W_prime)
        out[i] = w
    return out


def rpe_fit_loss(CP, W_prime, rpe_coef, power, t_rpe, rpe):
    wbal = w_balance(power, CP, W_prime)
    depletion = 1.0 - wbal[t_rpe] / W_prime
    pred = rpe_coef[0] + rpe_coef[1] * depletion + rpe_coef[2] * depletion ** 2
    exhausted = np.minimum(wbal, 0.0)
    return np.mean((pred - rpe) ** 2) + 1e-6 * np.sum(exhausted ** 2)


def wbal_inputs(rng):
    t = np.arange(300)
    power = 180.0 + 40.0 * rng.standard_normal(300)
    for start in (40, 120, 200):
        power[start:start + 30] += 220.0  # 30-s intervals above CP
    t_rpe = np.arange(20, 300, 20)
    w = w_balance(power, 250.0, 18000.0)
    rpe = 8.0 + 6.0 * (1.0 - w[t_rpe] / 18000.0) + 0.3 * rng.standard_normal(len(t_rpe))
    return dict(CP=240.0, W_prime=16000.0, rpe_coef=np.array([7.5, 5.0, 1.0]), power=power, t_rpe=t_rpe,
                rpe=rpe)


# ----------------------------------------------- memory research: unequal-variance signal detection ROC
def ordered_criteria(crit_raw):
    return np.cumsum(np.concatenate([crit_raw[:1], np.exp(crit_raw[1:])]))


def uvsd_nll(d_prime, log_sigma_old, crit_raw, old_counts, new_counts, prior_sd=1.0):
    c = ordered_criteria(crit_raw)  # 5 criteria -> 6 confidence bins, "sure new" ... "sure old"
    sigma = np.exp(log_sigma_old)
    n_subj = old_counts.shape[0]
    p_new_cum = norm.cdf(c)
    p_old_cum = norm.cdf((c[None, :] - d_prime[:, None]) / sigma)
    p_new = np.diff(np.r_[0.0, p_new_cum, 1.0])
    p_old = np.diff(np.hstack([np.zeros((n_subj, 1)), p_old_cum, np.ones((n_subj, 1))]), axis=1)
    ll = np.sum(new_counts * np.log(p_new[None, :])) + np.sum(old_counts * np.log(p_old))
    auc = norm.cdf(d_prime / np.sqrt(1 + sigma ** 2))
    log_prior = -0.5 * np.sum((d_prime - d_prime.mean()) ** 2) / prior_sd ** 2
    return -(ll + log_prior) / n_subj + 0.1 * np.var(auc)


def uvsd_inputs(rng):
    n_subj = 6
    d_true = rng.normal(1.2, 0.3, n_subj)
    c_true = np.array([-0.8, -0.3, 0.2, 0.7, 1.3])
    sig = 1.25
    p_new = np.diff(np.r_[0.0, norm.cdf(c_true), 1.0])
    p_old = np.diff(np.hstack([np.zeros((n_subj, 1)), norm.cdf((c_true - d_true[:, None]) / sig),
                               np.ones((n_subj, 1))]), axis=1)
    new_counts = rng.multinomial(150 * n_subj, p_new).astype(float)
    old_counts = np.array([rng.multinomial(150, p) for p in p_old], dtype=float)
    return dict(d_prime=np.full(n_subj, 1.0), log_sigma_old=0.1, crit_raw=np.array([-0.5, -0.7, -0.7, -0.7, -0.5]),
                old_counts=old_counts, new_counts=new_counts)


# ----------------------------------------------- computational chemistry: a small molecular-mechanics force field
FF = {
    "kb": 310.0, "r0": 1.526,
    "ka": 40.0, "theta0": np.deg2rad(109.5),
    "torsion_terms": {1: (0.2, 0.0), 2: (0.25, np.pi), 3: (0.18, 0.0)},
    "eps": 0.11, "sigma": 3.4,
}


def dihedral_angles(x, quads):
    b0 = x[quads[:, 0]] - x[quads[:, 1]]
    b1 = x[quads[:, 2]] - x[quads[:, 1]]
    b2 = x[quads[:, 3]] - x[quads[:, 2]]
    b1n = b1 / np.linalg.norm(b1, axis=1, keepdims=True)
    v = b0 - np.einsum("ij,ij->i", b0, b1n)[:, None] * b1n
    w = b2 - np.sum(b2 * b1n, axis=1, keepdims=True) * b1n
    xx = np.einsum("ij,ij->i", v, w)
    yy = np.einsum("ij,ij->i", np.cross(b1n, v), w)
    return np.arctan2(yy, xx)


def mm_energy(coords, ff=FF):
    n = coords.shape[0]
    idx = np.arange(n)
    bonds = np.stack([idx[:-1], idx[1:]], axis=1)
    angles = np.stack([idx[:-2], idx[1:-1], idx[2:]], axis=1)
    quads = np.stack([idx[:-3], idx[1:-2], idx[2:-1], idx[3:]], axis=1)
    r = np.linalg.norm(coords[bonds[:, 0]] - coords[bonds[:, 1]], axis=1)
    e_bond = np.sum(ff["kb"] * (r - ff["r0"]) ** 2)
    u = coords[angles[:, 0]] - coords[angles[:, 1]]
    v = coords[angles[:, 2]] - coords[angles[:, 1]]
    cos_t = np.sum(u * v, axis=1) / (np.linalg.norm(u, axis=1) * np.linalg.norm(v, axis=1))
    theta = np.arccos(np.clip(cos_t, -1.0, 1.0))
    e_angle = np.sum(ff["ka"] * (theta - ff["theta0"]) ** 2)
    phi = dihedral_angles(coords, quads)
    e_tors = 0.0
    for mult, (Vn, gamma) in ff["torsion_terms"].items():
        e_tors += np.sum(0.5 * Vn * (1 + np.cos(mult * phi - gamma)))
    sep = np.abs(np.subtract.outer(idx, idx))
    ii, jj = np.nonzero((sep >= 3) & (idx[:, None] < idx[None, :]))
    d = np.linalg.norm(coords[ii] - coords[jj], axis=1)
    scale = np.where(sep[ii, jj] == 3, 0.5, 1.0)  # 1-4 pairs scaled by one half
    sr6 = (ff["sigma"] / d) ** 6
    e_lj = np.sum(scale * 4 * ff["eps"] * (sr6 ** 2 - sr6))
    return e_bond + e_angle + e_tors + e_lj


def mm_inputs(rng):
    n = 8
    coords = np.zeros((n, 3))
    for i in range(n):  # an all-trans zig-zag chain, then jiggled
        coords[i] = [1.26 * i, 0.89 * (i % 2), 0.0]
    coords += 0.08 * rng.standard_normal(coords.shape)
    return dict(coords=coords)


# ----------------------------------------------- airline revenue management: EMSR-b and nested booking limits
def emsrb_protection(fares, mu, sigma):
    order = np.argsort(-fares)  # highest fare first
    f, m, s = fares[order], mu[order], sigma[order]
    protect = []
    for j in range(len(f) - 1):
        agg_mu = m[:j + 1].sum()
        agg_sd = np.sqrt(np.sum(s[:j + 1] ** 2))
        agg_fare = np.sum(f[:j + 1] * m[:j + 1]) / agg_mu
        protect.append(agg_mu + agg_sd * norm.ppf(1.0 - f[j + 1] / agg_fare))
    return np.array(protect), order


def emsrb_revenue_loss(fares, log_mu, log_sigma, z, capacity=120):
    mu, sigma = np.exp(log_mu), np.exp(log_sigma)
    protect, order = emsrb_protection(fares, mu, sigma)
    f, m, s = fares[order], mu[order], sigma[order]
    demand = np.maximum(m[None, :] + s[None, :] * z, 0.0)  # (n_sims, n_classes), classes by fare
    remaining = np.full(z.shape[0], float(capacity))
    revenue = np.zeros(z.shape[0])
    for j in range(len(f) - 1, -1, -1):  # the lowest fare books first
        limit = remaining - (protect[j - 1] if j > 0 else 0.0)
        sold = np.minimum(demand[:, j], np.maximum(limit, 0.0))
        revenue += f[j] * sold
        remaining -= sold
    load_factor = 1.0 - remaining.mean() / capacity
    return -revenue.mean() / 1000.0 + 5.0 * (load_factor - 0.85) ** 2


def emsrb_inputs(rng):
    return dict(fares=np.array([320.0, 510.0, 180.0, 260.0]), log_mu=np.log([35.0, 15.0, 60.0, 40.0]),
                log_sigma=np.log([10.0, 6.0, 18.0, 12.0]), z=rng.standard_normal((400, 4)))


# ----------------------------------------------- public finance: tax-benefit reform scored by the Gini coefficient
def net_income(gross, rates, thresholds, basic_income, taper):
    widths = np.diff(np.append(thresholds, np.inf))
    in_band = np.clip(gross[:, None] - thresholds[None, :], 0.0, widths[None, :])
    tax = in_band @ rates
    benefit = np.maximum(basic_income - taper * gross, 0.0)
    return gross - tax + benefit


def gini(x):
    xs = np.sort(x)
    n = len(xs)
    cum = np.cumsum(xs)
    return (n + 1 - 2 * np.sum(cum) / cum[-1]) / n


def tax_reform_loss(rates, basic_income, taper, gross0, thresholds, elasticity=0.25, revenue_target=None):
    band = np.searchsorted(thresholds, gross0, side="right") - 1
    mtr = rates[band] + np.where(basic_income - taper * gross0 > 0, taper, 0.0)
    gross = gross0 * ((1.0 - mtr) / (1.0 - 0.25)) ** elasticity  # taxable-income response to the marginal rate
    net = net_income(gross, rates, thresholds, basic_income, taper)
    revenue = np.sum(gross - net)
    if revenue_target is None:
        revenue_target = 0.22 * np.sum(gross0)
    return gini(net) + 10.0 * ((revenue - revenue_target) / np.sum(gross0)) ** 2


def tax_inputs(rng):
    gross0 = np.exp(rng.normal(np.log(32.0), 0.7, 300))  # thousands
    return dict(rates=np.array([0.0, 0.2, 0.4, 0.45]), basic_income=3.0, taper=0.15, gross0=gross0,
                thresholds=np.array([0.0, 12.5, 50.0, 150.0]))


# ----------------------------------------------- neuroimaging: diffusion tensors, batched eigh for FA
def tensors_from_params(p):
    n_vox = p.shape[0]
    L = np.zeros((n_vox, 3, 3))
    L[:, 0, 0] = np.exp(p[:, 0])
    L[:, 1, 1] = np.exp(p[:, 1])
    L[:, 2, 2] = np.exp(p[:, 2])
    L[:, 1, 0] = p[:, 3]
    L[:, 2, 0] = p[:, 4]
    L[:, 2, 1] = p[:, 5]
    return 1e-3 * L @ np.transpose(L, (0, 2, 1))


def dti_loss(p, log_S0, signals, bvecs, bvals, fa_prior=0.55, lam=0.05, mu=0.02):
    D = tensors_from_params(p)
    adc = np.einsum("gi,vij,gj->vg", bvecs, D, bvecs)
    pred = np.exp(log_S0)[:, np.newaxis] * np.exp(-bvals[np.newaxis, :] * adc)
    evals, evecs = np.linalg.eigh(D)
    md = evals.mean(axis=1, keepdims=True)
    fa = np.sqrt(1.5 * np.sum((evals - md) ** 2, axis=1) / np.sum(evals ** 2, axis=1))
    e1 = evecs[:, :, -1]  # principal direction per voxel
    coherence = np.sum(e1[:-1] * e1[1:], axis=1) ** 2  # neighbours along the tract, sign-free
    return (np.mean((pred - signals) ** 2) + lam * np.mean((fa - fa_prior) ** 2)
            - mu * np.mean(coherence))


def dti_inputs(rng):
    n_dirs, n_vox = 20, 8
    g = rng.standard_normal((n_dirs, 3))
    bvecs = g / np.linalg.norm(g, axis=1, keepdims=True)
    bvals = np.where(np.arange(n_dirs) < 10, 1000.0, 2000.0)
    p_true = np.column_stack([np.full(n_vox, 0.35), np.full(n_vox, -0.2), np.full(n_vox, -0.3),
                              0.3 * rng.standard_normal((n_vox, 3))])
    D = tensors_from_params(p_true)
    sig = np.exp(-bvals[None, :] * np.einsum("gi,vij,gj->vg", bvecs, D, bvecs))
    p0 = p_true + 0.1 * rng.standard_normal(p_true.shape)
    return dict(p=p0, log_S0=np.zeros(n_vox), signals=sig + 0.01 * rng.standard_normal(sig.shape),
                bvecs=bvecs, bvals=bvals)


# ----------------------------------------------- robotics: cable-driven parallel robot, minimum-norm tensions
FRAME_ANCHORS = np.array([[-2.0, -1.5, 3.0], [2.0, -1.5, 3.0], [2.0, 1.5, 3.0], [-2.0, 1.5, 3.0],
                          [-2.0, -1.5, 0.0], [2.0, -1.5, 0.0], [2.0, 1.5, 0.0], [-2.0, 1.5, 0.0]])


def rot_zyx(yaw, pitch, roll):
    cz, sz, cy, sy, cx, sx = np.cos(yaw), np.sin(yaw), np.cos(pitch), np.sin(pitch), np.cos(roll), np.sin(roll)
    Rz = np.array([[cz, -sz, 0.0], [sz, cz, 0.0], [0.0, 0.0, 1.0]])
    Ry = np.array([[cy, 0.0, sy], [0.0, 1.0, 0.0], [-sy, 0.0, cy]])
    Rx = np.array([[1.0, 0.0, 0.0], [0.0, cx, -sx], [0.0, sx, cx]])
    return Rz @ Ry @ Rx


def cable_tensions(pose, attach, mass=12.0, g=9.81):
    pos = pose[:3]
    R = rot_zyx(*pose[3:])
    b = (R @ attach.T).T
    l = FRAME_ANCHORS - (pos + b)
    lengths = np.linalg.norm(l, axis=1)
    u = l / lengths[:, None]
    A = np.vstack([u.T, np.cross(b, u).T])  # 6 x 8 structure matrix
    wrench = np.array([0.0, 0.0, mass * g, 0.0, 0.0, 0.0])
    t, *_ = np.linalg.lstsq(A, wrench, rcond=None)
    return t, lengths


def cable_design_loss(attach, trajectory, t_min=20.0):
    tensions = []
    total_len = 0.0
    for pose in trajectory:
        t, lengths = cable_tensions(pose, attach)
        tensions.append(t)
        total_len += lengths.sum()
    T = np.stack(tensions)
    slack = np.maximum(t_min - T, 0.0)
    return np.mean(T ** 2) / 1e3 + 10.0 * np.mean(slack ** 2) + 1e-3 * total_len


def cable_inputs(rng):
    attach = np.array([[-0.2, -0.15, 0.1], [0.2, -0.15, 0.1], [0.2, 0.15, 0.1], [-0.2, 0.15, 0.1],
                       [-0.2, -0.15, -0.1], [0.2, -0.15, -0.1], [0.2, 0.15, -0.1], [-0.2, 0.15, -0.1]])
    s = np.linspace(0, 1, 12)
    trajectory = [np.array([0.8 * np.cos(2 * np.pi * si), 0.5 * np.sin(2 * np.pi * si), 1.5 + 0.3 * si,
                            0.2 * si, 0.05, -0.05]) for si in s]
    return dict(attach=attach + 0.01 * rng.standard_normal(attach.shape), trajectory=trajectory)


# ----------------------------------------------- geothermics: borehole geotherm through layered rocks
def geotherm(z_obs, q0, log_k, A_heat, layer_tops, T_surface=10.0, n_grid=300):
    k_layers = np.exp(log_k)
    zf = np.linspace(0.0, z_obs.max(), n_grid)
    layer = np.searchsorted(layer_tops, zf, side="right") - 1
    k = k_layers[layer]
    A = A_heat[layer] * 1e-6  # uW/m3 -> W/m3
    dz = np.diff(zf)
    q = q0 - np.concatenate([[0.0], np.cumsum(0.5 * (A[1:] + A[:-1]) * dz)])  # heat flow falls with depth
    grad_T = q / k
    T = T_surface + np.concatenate([[0.0], np.cumsum(0.5 * (grad_T[1:] + grad_T[:-1]) * dz)])
    return np.interp(z_obs, zf, T)


def borehole_loss(q0, log_k, A_heat, layer_tops, z_obs, T_obs, z_core, k_core, sigma_T=0.3):
    T_pred = geotherm(z_obs, q0, log_k, A_heat, layer_tops)
    core_layer = np.searchsorted(layer_tops, z_core, side="right") - 1
    nll_T = 0.5 * np.sum(((T_pred - T_obs) / sigma_T) ** 2)
    nll_k = 0.5 * np.sum(((np.log(k_core) - log_k[core_layer]) / 0.15) ** 2)
    prior_A = 0.5 * np.sum((A_heat - 1.0) ** 2)
    return nll_T + nll_k + prior_A


def borehole_inputs(rng):
    layer_tops = np.array([0.0, 300.0, 750.0, 1400.0])
    log_k = np.log([1.6, 2.4, 3.1, 2.7])
    A_heat = np.array([0.8, 1.5, 2.5, 1.0])
    z_obs = np.linspace(50.0, 1950.0, 40)
    T_obs = geotherm(z_obs, 0.068, log_k, A_heat, layer_tops) + 0.3 * rng.standard_normal(40)
    z_core = rng.uniform(0.0, 1950.0, 12)
    k_core = np.exp(log_k[np.searchsorted(layer_tops, z_core, side="right") - 1] + 0.15 * rng.standard_normal(12))
    return dict(q0=0.06, log_k=log_k + 0.1 * rng.standard_normal(4), A_heat=np.ones(4), layer_tops=layer_tops,
                z_obs=z_obs, T_obs=T_obs, z_core=z_core, k_core=k_core)


# ----------------------------------------------- communications: a second-order PLL tracking a chirp
def pll_track(Kp, Ki, rx, fs, f0):
    phase = 0.0
    integ = 0.0
    errors = []
    freqs = []
    for n in range(len(rx)):
        meas = np.angle(rx[n])
        err = (meas - phase + np.pi) % (2 * np.pi) - np.pi  # wrapped phase-detector output
        integ += Ki * err
        f_nco = f0 + Kp * err + integ
        phase += 2 * np.pi * f_nco / fs
        errors.append(err)
        freqs.append(f_nco)
    return np.array(errors), np.array(freqs)


def pll_loss(log_Kp, log_Ki, rx, f_true, fs=1000.0, f0=50.0):
    errors, freqs = pll_track(np.exp(log_Kp), np.exp(log_Ki), rx, fs, f0)
    half = len(rx) // 2
    return np.mean(errors[half:] ** 2) + 1e-4 * np.mean((freqs[half:] - f_true[half:]) ** 2)


def pll_inputs(rng):
    fs, n = 1000.0, 300
    t = np.arange(n) / fs
    f_true = 52.0 + 40.0 * t  # a slow chirp
    theta = 2 * np.pi * np.cumsum(f_true) / fs + 0.3
    rx = np.exp(1j * theta) + 0.05 * (rng.standard_normal(n) + 1j * rng.standard_normal(n))
    return dict(log_Kp=np.log(25.0), log_Ki=np.log(2.0), rx=rx, f_true=f_true)


# ----------------------------------------------- fixed income: MBS cash flows, refinancing S-curve, OAS by Newton
def mbs_cashflows(rate_paths, behaviour, wac=0.055, coupon=0.05, wam=360, horizon=120):
    base, max_refi, slope, thresh = behaviour
    n_paths = rate_paths.shape[0]
    bal = np.ones(n_paths)
    cfs = np.zeros((n_paths, horizon))
    r = wac / 12
    for t in range(horizon):
        incentive = wac - rate_paths[:, t]
        cpr = base + max_refi * expit(slope * (incentive - thresh))
        cpr = cpr * min(t + 1, 30) / 30.0  # PSA seasoning ramp
        smm = 1.0 - (1.0 - cpr) ** (1.0 / 12)
        remaining = wam - t
        scheduled = bal * r / (1.0 - (1.0 + r) ** (-remaining))
        interest = bal * r
        principal = scheduled - interest
        prepay = (bal - principal) * smm
        cfs[:, t] = principal + prepay + bal * coupon / 12
        bal = bal - principal - prepay
    cfs[:, -1] += bal  # priced as a balloon at the horizon
    return cfs


def price_at_spread(cfs, rate_paths, oas):
    disc = np.cumprod(1.0 / (1.0 + (rate_paths + oas) / 12), axis=1)
    return np.mean(np.sum(cfs * disc, axis=1))


def oas_newton(cfs, rate_paths, market_price, tol=1e-12, max_iter=50):
    oas = 0.0
    it = 0
    while it < max_iter:
        disc = np.cumprod(1.0 / (1.0 + (rate_paths + oas) / 12), axis=1)
        months = np.arange(1, rate_paths.shape[1] + 1)
        price = np.mean(np.sum(cfs * disc, axis=1))
        # d disc_t / d oas = -disc_t * sum_{s<=t} 1/(12 (1 + (r_s + oas)/12))
        ddisc = -disc * np.cumsum(1.0 / (12.0 + rate_paths + oas), axis=1)
        dprice = np.mean(np.sum(cfs * ddisc, axis=1))
        step = (price - market_price) / dprice
        oas -= step
        it += 1
        if abs(step) < tol:
            break
    return oas, months


def mbs_oas_loss(behaviour, rate_paths, market_price, target_oas=0.006):
    cfs = mbs_cashflows(rate_paths, behaviour)
    oas, _ = oas_newton(cfs, rate_paths, market_price)
    wal = np.mean(np.sum(cfs * np.arange(1, cfs.shape[1] + 1), axis=1) / np.sum(cfs, axis=1)) / 12
    return 1e4 * (oas - target_oas) ** 2 + 0.01 * (wal - 5.0) ** 2


def mbs_inputs(rng):
    n_paths, horizon = 16, 120
    shocks = 0.002 * rng.standard_normal((n_paths, horizon))
    rate_paths = np.clip(0.045 + np.cumsum(shocks, axis=1), 0.005, None)
    return dict(behaviour=np.array([0.04, 0.35, 120.0, 0.005]), rate_paths=rate_paths, market_price=1.01)


# ----------------------------------------------- cell biology: FRAP recovery, Soumpasis diffusion model
def soumpasis(t, tau_D):
    t_safe = np.where(t > 0, t, 1.0)
    x = 2.0 * tau_D / t_safe
    return np.where(t > 0, i0e(x) + i1e(x), 0.0)  # exp(-x) (I0(x) + I1(x))


def frap_loss(log_D, mobile_logit, F_post, cells, bleach_correct=True):
    D = np.exp(log_D)  # um^2/s
    mobile = expit(mobile_logit)
    total = 0.0
    n_points = 0
    for i, cell in enumerate(cells):
        tau_D = cell["radius"] ** 2 / (4.0 * D)
        f = soumpasis(cell["t"], tau_D)
        F_model = F_post[i] + mobile * (cell["F_pre"] - F_post[i]) * f
        F = cell["F"]
        if bleach_correct:
            F = F * cell["ref_pre"] / cell["ref"]  # acquisition photobleaching, from a reference ROI
        total += np.sum((F_model - F) ** 2)
        n_points += len(F)
    return total / n_points


def frap_inputs(rng):
    cells = []
    F_post = []
    for radius in (0.8, 1.0, 1.3, 1.6):
        t = np.concatenate([[0.0], np.geomspace(0.05, 30.0, 40)])
        fp = 0.25 + 0.05 * rng.standard_normal()
        F_true = fp + 0.8 * (1.0 - fp) * soumpasis(t, radius ** 2 / (4.0 * 0.5))
        ref = np.exp(-0.004 * t)
        cells.append(dict(radius=radius, t=t, F_pre=1.0, ref_pre=1.0, ref=ref,
                          F=F_true * ref + 0.01 * rng.standard_normal(t.shape)))
        F_post.append(fp)
    return dict(log_D=np.log(0.3), mobile_logit=1.0, F_post=np.array(F_post) + 0.02, cells=cells)


# ----------------------------------------------- fatigue: rainflow counting and Miner's rule
def turning_points(x):
    d = np.diff(x)
    keep = np.ones(len(x), dtype=bool)
    keep[1:-1] = d[:-1] * d[1:] < 0
    return x[keep]


def rainflow(series):
    stack = []
    cycles = []  # (range, mean, count)
    for x in turning_points(series):
        stack.append(x)
        while len(stack) >= 3:
            X = abs(stack[-1] - stack[-2])
            Y = abs(stack[-2] - stack[-3])
            if X < Y:
                break
            if len(stack) == 3:
                cycles.append((Y, 0.5 * (stack[-2] + stack[-3]), 0.5))
                stack.pop(0)
            else:
                cycles.append((Y, 0.5 * (stack[-2] + stack[-3]), 1.0))
                last = stack.pop()
                stack.pop()
                stack.pop()
                stack.append(last)
    for i in range(len(stack) - 1):
        cycles.append((abs(stack[i + 1] - stack[i]), 0.5 * (stack[i + 1] + stack[i]), 0.5))
    return cycles


def miner_damage(scf, log_C, m, loads, Su=620.0):
    stress = scf * loads  # nominal load history (MPa) times the stress concentration factor
    D = 0.0
    for rng_, mean, count in rainflow(stress):
        Sa = 0.5 * rng_
        Sa_eq = Sa / (1.0 - mean / Su)  # Goodman mean-stress correction
        N = np.exp(log_C) * Sa_eq ** (-m)
        D += count / N
    return D


def fatigue_loss(scf, log_C, m, histories, blocks_to_failure):
    loss = 0.0
    for loads, n_blocks in zip(histories, blocks_to_failure):
        D_block = miner_damage(scf, log_C, m, loads)
        loss += np.log(D_block * n_blocks) ** 2  # Miner: failure at D = 1
    return loss / len(histories)


def fatigue_inputs(rng):
    histories = []
    for amp in (60.0, 80.0, 100.0):
        h = 40.0 + amp * np.sin(np.linspace(0, 6 * np.pi, 25)) + 25.0 * rng.standard_normal(25)
        histories.append(h)
    true = [miner_damage(2.1, np.log(2e12), 3.2, h) for h in histories]
    blocks = np.array([1.0 / d for d in true]) * np.exp(0.2 * rng.standard_normal(3))
    return dict(scf=2.0, log_C=np.log(1e12), m=3.0, histories=histories, blocks_to_failure=blocks)


# ----------------------------------------------- bioprocess engineering: fed-batch fermentation by RK4
class FedBatch:
    def __init__(self, params, feed_rate, t_feed=8.0, S_feed=400.0):
        self.p = params
        self.feed_rate = feed_rate
        self.t_feed = t_feed
        self.S_feed = S_feed

    def rhs(self, t, y):
        X, S, P, V = y
        S = np.maximum(S, 0.0)
        inhibition = np.clip(1.0 - P / self.p["P_max"], 0.0, None)
        mu = self.p["mu_max"] * S / (self.p["Ks"] + S) * inhibition
        F = self.feed_rate if t >= self.t_feed else 0.0
        D = F / V
        dX = mu * X - D * X
        dS = -mu * X / self.p["Yxs"] + D * (self.S_feed - S)
        dP = self.p["Ypx"] * mu * X - D * P
        return np.array([dX, dS, dP, F])


def rk4_step(f, t, y, h):
    k1 = f(t, y)
    k2 = f(t + h / 2, y + h / 2 * k1)
    k3 = f(t + h / 2, y + h / 2 * k2)
    k4 = f(t + h, y + h * k3)
    return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def simulate_fedbatch(log_params, feed_rate, y0, t_end=30.0, h=0.25):
    names = ["mu_max", "Ks", "Yxs", "Ypx"]
    params = {name: np.exp(v) for name, v in zip(names, log_params)}
    params["P_max"] = 90.0
    model = FedBatch(params, feed_rate)
    y = np.asarray(y0, dtype=float)
    traj = [y]
    t = 0.0
    for _ in range(int(round(t_end / h))):
        y = rk4_step(model.rhs, t, y, h)
        t += h
        traj.append(y)
    return np.stack(traj)


def fedbatch_loss(log_params, feed_rate, y0, obs_idx, X_obs, P_obs):
    traj = simulate_fedbatch(log_params, feed_rate, y0)
    X = traj[obs_idx, 0]
    P = traj[obs_idx, 2]
    return np.mean((X - X_obs) ** 2) + np.mean((P - P_obs) ** 2) / 4.0


def fedbatch_inputs(rng):
    y0 = [0.2, 30.0, 0.0, 1.0]  # g/L biomass, g/L glucose, g/L product, L
    true = np.log([0.45, 1.2, 0.5, 2.0])
    traj = simulate_fedbatch(true, 0.02, y0)
    obs_idx = np.arange(8, 121, 8)
    return dict(log_params=true + 0.1 * rng.standard_normal(4), feed_rate=0.02, y0=y0, obs_idx=obs_idx,
                X_obs=traj[obs_idx, 0] + 0.1 * rng.standard_normal(len(obs_idx)),
                P_obs=traj[obs_idx, 2] + 0.3 * rng.standard_normal(len(obs_idx)))


# ----------------------------------------------- CAD: arc-length Bezier fit by de Casteljau
def de_casteljau(ctrl, t):
    P = np.repeat(ctrl[np.newaxis, :, :], len(t), axis=0)  # (m, n, 2)
    for _ in range(ctrl.shape[0] - 1):
        P = (1 - t)[:, None, None] * P[:, :-1] + t[:, None, None] * P[:, 1:]
    return P[:, 0]


def arclength_samples(ctrl, n_samples, n_fine=200):
    tf = np.linspace(0.0, 1.0, n_fine)
    pts = de_casteljau(ctrl, tf)
    seg = np.linalg.norm(np.diff(pts, axis=0), axis=1)
    s = np.concatenate([[0.0], np.cumsum(seg)])
    s_target = np.linspace(0.0, s[-1], n_samples)
    t_u = np.interp(s_target, s, tf)
    return de_casteljau(ctrl, t_u), s[-1]


def bezier_fit_loss(inner_ctrl, endpoints, targets, lam=0.01):
    ctrl = np.vstack([endpoints[0], inner_ctrl, endpoints[1]])
    pts, length = arclength_samples(ctrl, len(targets))
    curvature_proxy = np.sum(np.diff(ctrl, n=2, axis=0) ** 2)
    return np.mean(np.sum((pts - targets) ** 2, axis=1)) + lam * length + 1e-3 * curvature_proxy


def bezier_inputs(rng):
    theta = np.linspace(0.0, np.pi * 0.9, 25)
    targets = np.column_stack([3.0 * np.cos(theta), 2.0 * np.sin(theta)]) + 0.02 * rng.standard_normal((25, 2))
    endpoints = np.array([targets[0], targets[-1]])
    inner = np.array([[3.2, 1.5], [1.0, 2.8], [-1.5, 2.5], [-2.9, 1.2]]) + 0.1 * rng.standard_normal((4, 2))
    return dict(inner_ctrl=inner, endpoints=endpoints, targets=targets)


# ----------------------------------------------- operations: (s, S) policy, lost sales, lead-time pipeline
def inventory_cost(log_s, log_gap, demand, lead_time=3, h=0.5, p=4.0, K=30.0, temp=6.0):
    s = np.exp(log_s)
    S = s + np.exp(log_gap)
    on_hand = S
    pipeline = np.zeros(lead_time)
    cost = 0.0
    lost_total = 0.0
    for t in range(len(demand)):
        on_hand += pipeline[0]  # the order placed lead_time days ago arrives
        pipeline = np.roll(pipeline, -1)
        pipeline[-1] = 0.0
        sales = np.minimum(on_hand, demand[t])
        lost = demand[t] - sales
        on_hand -= sales
        position = on_hand + pipeline.sum()
        w = expit((s - position) / temp)  # smoothed "order when position < s"
        pipeline[-1] += w * (S - position)
        cost += h * on_hand + p * lost + K * w
        lost_total += lost
    fill_rate = 1.0 - lost_total / demand.sum()
    return cost / len(demand) + 50.0 * np.maximum(0.95 - fill_rate, 0.0) ** 2


def inventory_inputs(rng):
    day = np.arange(150)
    demand = rng.gamma(4.0, (10.0 + 3.0 * np.sin(2 * np.pi * day / 7)) / 4.0).astype(np.float32)
    return dict(log_s=np.log(45.0), log_gap=np.log(40.0), demand=demand)


# ----------------------------------------------- survey statistics: Fay-Herriot small areas with SAR effects
def sar_precision(W, rho):
    n = W.shape[0]
    B = np.eye(n) - rho * W
    return B.T @ B


def fay_herriot_loss(log_s2u, rho_raw, y, X, D, W, region, pop_share, region_direct):
    n = len(y)
    s2u = np.exp(log_s2u)
    rho = 0.95 * np.tanh(rho_raw)
    G = s2u * np.linalg.inv(sar_precision(W, rho))
    V = G + np.diag(D)
    L = np.linalg.cholesky(V)
    Xw = np.linalg.solve(L, X)
    yw = np.linalg.solve(L, y)
    XtVX = Xw.T @ Xw
    beta = np.linalg.solve(XtVX, Xw.T @ yw)
    r = y - X @ beta
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, r))
    _, logdet_XtVX = np.linalg.slogdet(XtVX)
    reml = 0.5 * (2 * np.sum(np.log(np.diag(L))) + logdet_XtVX + r @ alpha)
    eblup = X @ beta + G @ alpha
    region_est = np.zeros(region_direct.shape[0])
    np.add.at(region_est, region, pop_share * eblup)  # benchmark to the regions' direct estimates
    return reml / n + 2.0 * np.sum((region_est - region_direct) ** 2)


def fay_herriot_inputs(rng):
    side = 5
    n = side * side
    W = np.zeros((n, n))
    for i in range(side):
        for j in range(side):
            a = i * side + j
            for di, dj in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                if 0 <= i + di < side and 0 <= j + dj < side:
                    W[a, (i + di) * side + (j + dj)] = 1.0
    W = W / W.sum(axis=1, keepdims=True)
    X = np.column_stack([np.ones(n), rng.standard_normal(n)])
    D = rng.uniform(0.2, 0.8, n)
    u = np.linalg.solve(np.eye(n) - 0.5 * W, 0.6 * rng.standard_normal(n))
    theta = X @ np.array([2.0, 0.7]) + u
    y = theta + np.sqrt(D) * rng.standard_normal(n)
    region = np.arange(n) // 5
    sizes = rng.uniform(1.0, 3.0, n)
    pop_share = sizes / np.bincount(region, weights=sizes)[region]
    region_direct = np.bincount(region, weights=pop_share * theta) + 0.05 * rng.standard_normal(5)
    return dict(log_s2u=np.log(0.3), rho_raw=0.4, y=y, X=X, D=D, W=W, region=region, pop_share=pop_share,
                region_direct=region_direct)


# ----------------------------------------------- tabular deep learning: embeddings, GELU, layer norm, float32
def gelu(x):
    return 0.5 * x * (1.0 + erf(x / np.sqrt(2.0)))


def layer_norm(x, g, b, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return g * (x - mu) / np.sqrt(var + eps) + b


def tabular_forward(params, x_num, x_cat):
    n = x_num.shape[0]
    tables = [params["emb_store"], params["emb_weekday"]]
    width = x_num.shape[1] + sum(t.shape[1] for t in tables)
    H = np.zeros((n, width))
    H[:, :x_num.shape[1]] = x_num
    col = x_num.shape[1]
    for j, table in enumerate(tables):
        H[:, col:col + table.shape[1]] = table[x_cat[:, j]]
        col += table.shape[1]
    h = gelu(layer_norm(H @ params["W1"] + params["b1"], params["ln_g"], params["ln_b"]))
    return h @ params["W2"] + params["b2"]


def tabular_params_loss(params, x_num, x_cat, y, keep_mask, smoothing=0.1, wd=1e-4):
    logits = tabular_forward(params, x_num, x_cat) * keep_mask  # a fixed dropout mask on the logits
    n_cls = logits.shape[1]
    target = (1.0 - smoothing) * np.eye(n_cls)[y] + smoothing / n_cls
    log_p = logits - logsumexp(logits, axis=1, keepdims=True)
    ce = -np.mean(np.sum(target * log_p, axis=1))
    return ce + wd * sum(np.sum(params[k] ** 2) for k in ("W1", "W2"))


def tabular_loss(emb_store, emb_weekday, W1, b1, ln_g, ln_b, W2, b2, x_num, x_cat, y, keep_mask):
    params = dict(emb_store=emb_store, emb_weekday=emb_weekday, W1=W1, b1=b1, ln_g=ln_g, ln_b=ln_b, W2=W2, b2=b2)
    return tabular_params_loss(params, x_num, x_cat, y, keep_mask)


def tabular_inputs(rng):
    n, n_num, n_store, n_cls = 64, 3, 6, 3
    x_num = rng.standard_normal((n, n_num)).astype(np.float32)
    x_cat = np.column_stack([rng.integers(0, n_store, n), rng.integers(0, 7, n)])
    score = x_num[:, 0] - 0.5 * x_num[:, 1] + 0.3 * (x_cat[:, 1] >= 5)
    y = np.digitize(score, [-0.5, 0.5])
    d_in = n_num + 3 + 2
    return dict(emb_store=0.3 * rng.standard_normal((n_store, 3)), emb_weekday=0.3 * rng.standard_normal((7, 2)),
                W1=0.4 * rng.standard_normal((d_in, 8)), b1=np.zeros(8), ln_g=np.ones(8), ln_b=np.zeros(8),
                W2=0.4 * rng.standard_normal((8, n_cls)), b2=np.zeros(n_cls), x_num=x_num, x_cat=x_cat, y=y,
                keep_mask=(rng.uniform(size=(n, n_cls)) > 0.1).astype(np.float32) / np.float32(0.9))


PROGRAMS = [
    dict(name="ocean_mixed_layer_convective", f=mixed_layer_loss, inputs=mixed_layer_inputs,
         wrt=("heat_amp", "fw_mm_day", "log_kappa")),
    dict(name="phenology_chill_forcing_argmax", f=phenology_loss, inputs=phenology_inputs,
         wrt=("chill_opt", "forcing_mid", "forcing_slope", "log_F_crit")),
    dict(name="portal_frame_stiffness_class", f=portal_frame_loss, inputs=portal_frame_inputs, wrt=("log_I",)),
    dict(name="cycling_wprime_balance", f=rpe_fit_loss, inputs=wbal_inputs, wrt=("CP", "W_prime", "rpe_coef")),
    dict(name="uvsd_roc_ordered_criteria", f=uvsd_nll, inputs=uvsd_inputs,
         wrt=("d_prime", "log_sigma_old", "crit_raw")),
    dict(name="molecular_mechanics_dihedrals", f=mm_energy, inputs=mm_inputs, wrt=("coords",)),
    dict(name="emsrb_nested_bookings", f=emsrb_revenue_loss, inputs=emsrb_inputs,
         wrt=("fares", "log_mu", "log_sigma")),
    dict(name="tax_benefit_gini_sort", f=tax_reform_loss, inputs=tax_inputs, wrt=("rates", "basic_income", "taper")),
    dict(name="dti_batched_eigh_fa", f=dti_loss, inputs=dti_inputs, wrt=("p", "log_S0")),
    dict(name="cable_robot_lstsq_tensions", f=cable_design_loss, inputs=cable_inputs, wrt=("attach",)),
    dict(name="borehole_geotherm_searchsorted", f=borehole_loss, inputs=borehole_inputs,
         wrt=("q0", "log_k", "A_heat")),
    dict(name="pll_chirp_wrapped_phase", f=pll_loss, inputs=pll_inputs, wrt=("log_Kp", "log_Ki")),
    dict(name="mbs_oas_newton_while", f=mbs_oas_loss, inputs=mbs_inputs, wrt=("behaviour",)),
    dict(name="frap_soumpasis_bessel", f=frap_loss, inputs=frap_inputs, wrt=("log_D", "mobile_logit", "F_post")),
    dict(name="rainflow_miner_stack", f=fatigue_loss, inputs=fatigue_inputs, wrt=("scf", "log_C", "m")),
    dict(name="fedbatch_rk4_class", f=fedbatch_loss, inputs=fedbatch_inputs, wrt=("log_params",)),
    dict(name="bezier_arclength_interp", f=bezier_fit_loss, inputs=bezier_inputs, wrt=("inner_ctrl",)),
    dict(name="inventory_sS_roll_float32", f=inventory_cost, inputs=inventory_inputs, wrt=("log_s", "log_gap")),
    dict(name="fay_herriot_sar_add_at", f=fay_herriot_loss, inputs=fay_herriot_inputs, wrt=("log_s2u", "rho_raw")),
    dict(name="tabular_embeddings_gelu_float32", f=tabular_loss, inputs=tabular_inputs,
         wrt=("emb_store", "emb_weekday", "W1", "b1", "ln_g", "ln_b", "W2", "b2")),
]


# ================================================ the other transforms: jacobian, hvp, has_aux, dict params
try:  # imported as benchmarks/real_programs.py's module, or run as a script
    from .checks import _close, _fd, run_checks
except ImportError:
    from checks import _close, _fd, run_checks


def check_geotherm_jacobian(adjit):
    a = borehole_inputs(np.random.default_rng(12))
    J = adjit.jacobian(geotherm, argnums=2)(a["z_obs"], a["q0"], a["log_k"], a["A_heat"], a["layer_tops"])
    return _close(J, _fd(lambda x: geotherm(a["z_obs"], a["q0"], x, a["A_heat"], a["layer_tops"]), a["log_k"]))


def check_roc_hvp(adjit):
    a = uvsd_inputs(np.random.default_rng(12))
    args = (a["d_prime"], a["log_sigma_old"], a["crit_raw"], a["old_counts"], a["new_counts"])
    v = np.array([0.3, -0.2, 0.5, 0.1, -0.4])
    hv = adjit.hvp(uvsd_nll, argnums=2)(*args, v)
    grad = adjit.grad(uvsd_nll, wrt=2)
    return _close(hv, _fd(lambda c: grad(args[0], args[1], c, *args[3:]), args[2]) @ v, rtol=1e-5)


def fedbatch_with_traj(log_params, feed_rate, y0, obs_idx, X_obs, P_obs):
    return fedbatch_loss(log_params, feed_rate, y0, obs_idx, X_obs, P_obs), simulate_fedbatch(log_params, feed_rate, y0)


def check_fedbatch_aux(adjit):
    a = fedbatch_inputs(np.random.default_rng(12))
    args = (a["log_params"], a["feed_rate"], a["y0"], a["obs_idx"], a["X_obs"], a["P_obs"])
    (loss, traj), g = adjit.value_and_grad(fedbatch_with_traj, has_aux=True)(*args)
    fd = _fd(lambda p: fedbatch_loss(p, *args[1:]), args[0])
    return bool(np.isclose(loss, fedbatch_loss(*args)) and _close(traj, simulate_fedbatch(*args[:3]))
                and _close(g, fd))


def check_tabular_dict(adjit):
    a = tabular_inputs(np.random.default_rng(12))
    names = ("emb_store", "emb_weekday", "W1", "b1", "ln_g", "ln_b", "W2", "b2")
    params = {k: a[k] for k in names}
    rest = (a["x_num"], a["x_cat"], a["y"], a["keep_mask"])
    g = adjit.grad(tabular_params_loss)(params, *rest)
    ok = True
    for name in params:
        def f(x, name=name):
            return tabular_params_loss(dict(params, **{name: x}), *rest)
        ok = ok and _close(g[name], _fd(f, params[name]))
    return ok


TRANSFORMS = [check_geotherm_jacobian, check_roc_hvp, check_fedbatch_aux, check_tabular_dict]


if __name__ == "__main__":  # the other transforms, each in turn: pass, wrong, or the error's first line
    run_checks(TRANSFORMS)
