"""Tenth held-out set: twenty-five programs written without reading adjit's docs or source, in domains the
other modules do not cover, the way lab notebooks, textbooks and paper appendices write them: module-level
constant tables, event lists and parameter dicts, precomputed system matrices, helpers with keyword
defaults and tuple returns, loops and ifs, while loops with tolerances (SCF, secant shooting, Newton on a
charge balance, Vincenty's iteration, method of successive averages, Sinkhorn with an early break),
list building, masks and fancy indexing, in-place masked updates (including -inf), np.add.at, np.bincount,
np.polyfit, np.unique, np.ix_, np.indices, np.triu_indices, np.tile/np.hstack, np.interp, np.trapezoid,
np.linalg (solve, slogdet, norm), scipy.linalg (eigh of a pencil, solve_banded, cho_factor/cho_solve),
scipy.special.logsumexp,
scipy.stats.norm (logcdf, logpdf) and string tokenisation against a vocabulary dict.

Room acoustics (image-source impulse response, Schroeder decay, T60 by a line fit), a two-compartment PK
model with a bolus/infusion dosing event table and M3 handling of BLQ samples, Cox regression with
time-varying covariates in counting-process form, IBM Model 1 word alignment, confirmatory factor
analysis (the ML discrepancy), batch-hard triplet metric learning, unbalanced (KL-relaxed) optimal
transport, a Chebyshev collocation boundary-value problem, MUSCL finite volumes with a minmod limiter,
Stommel's two-box thermohaline model (a hysteresis sweep), an acid-base titration curve, Paris-law
fatigue crack growth under a block spectrum, the Almost Ideal Demand System, a passive cable neuron,
a Hill-type muscle-tendon unit, a Mogi volcanic source seen by InSAR, the Banister fitness-fatigue model,
logit stochastic user equilibrium, transmission CT with a Poisson likelihood, Hartree-Fock helium in a
Gaussian basis, a two-tower recommender with logQ correction, Falkner-Skan boundary layers by shooting,
the EKV MOSFET model, ODP chain-ladder claims reserving and Vincenty geodesic network adjustment.
Written as plain NumPy/SciPy, the way the domain's textbooks, lecture notes and notebooks write them.
"""
import math

import numpy as np
from scipy.linalg import cho_factor, cho_solve, eigh, solve_banded
from scipy.special import logsumexp
from scipy.stats import norm


# ----------------------------------------------- room acoustics: image sources, Schroeder decay, T60
SPEED_OF_SOUND = 343.0
FS_RIR = 4000.0
ROOM = np.array([6.0, 4.5, 3.0])
SOURCE = np.array([1.3, 2.1, 1.5])
MIC = np.array([4.6, 1.4, 1.2])


def image_source_rir(room, src, mic, beta, order=3, n_samples=500):
    """Allen & Berkley's image method for a shoebox; beta = wall pressure reflection coefficients
    (x0, x1, y0, y1, z0, z1). Integer-sample delays, 1/(4 pi r) spreading."""
    delays = []
    amps = []
    for nx in range(-order, order + 1):
        for ny in range(-order, order + 1):
            for nz in range(-order, order + 1):
                for qx in (0, 1):
                    for qy in (0, 1):
                        for qz in (0, 1):
                            img = np.array([(1 - 2 * qx) * src[0] + 2 * nx * room[0],
                                            (1 - 2 * qy) * src[1] + 2 * ny * room[1],
                                            (1 - 2 * qz) * src[2] + 2 * nz * room[2]])
                            r = np.sqrt(np.sum((img - mic) ** 2))
                            k = int(round(r / SPEED_OF_SOUND * FS_RIR))
                            if k >= n_samples:
                                continue
                            refl = (beta[0] ** abs(nx - qx) * beta[1] ** abs(nx)
                                    * beta[2] ** abs(ny - qy) * beta[3] ** abs(ny)
                                    * beta[4] ** abs(nz - qz) * beta[5] ** abs(nz))
                            delays.append(k)
                            amps.append(refl / (4 * np.pi * r))
    h = np.zeros(n_samples)
    np.add.at(h, np.array(delays), np.array(amps))
    return h


def schroeder_t60(h, fs=FS_RIR, upper_db=-5.0, lower_db=-15.0):
    """T60 from the Schroeder backward-integrated energy decay curve, a line fitted between two levels."""
    edc = np.cumsum(h[::-1] ** 2)[::-1]
    edc_db = 10.0 * np.log10(edc / edc[0])
    t = np.arange(len(h)) / fs
    sel = (edc_db <= upper_db) & (edc_db >= lower_db)
    slope, intercept = np.polyfit(t[sel], edc_db[sel], 1)
    return -60.0 / slope


def sabine_t60(room, beta):
    V = np.prod(room)
    areas = np.array([room[1] * room[2], room[1] * room[2], room[0] * room[2], room[0] * room[2],
                      room[0] * room[1], room[0] * room[1]])
    alpha = 1.0 - beta ** 2
    return 0.161 * V / np.sum(areas * alpha)


def rir_absorption_fit(beta, t60_measured):
    h = image_source_rir(ROOM, SOURCE, MIC, beta)
    t60 = schroeder_t60(h)
    prior = np.sum((beta - 0.8) ** 2)
    return (t60 - t60_measured) ** 2 + 0.1 * (sabine_t60(ROOM, beta) - t60_measured) ** 2 + 0.01 * prior


def rir_inputs(rng):
    return dict(beta=0.82 + 0.05 * rng.random(6), t60_measured=0.3)


# ------------------------------------------ pharmacometrics: two-compartment PK with a dosing event table
# (time h, amount mg, route, infusion duration h) per subject
DOSING = {
    "s01": [(0.0, 500.0, "bolus", 0.0), (12.0, 250.0, "infusion", 2.0), (24.0, 250.0, "infusion", 2.0)],
    "s02": [(0.0, 750.0, "infusion", 1.0), (24.0, 750.0, "infusion", 1.0)],
    "s03": [(0.0, 400.0, "bolus", 0.0), (8.0, 400.0, "bolus", 0.0), (16.0, 400.0, "bolus", 0.0),
            (24.0, 400.0, "infusion", 4.0)],
}
WEIGHT = {"s01": 62.0, "s02": 85.0, "s03": 74.0}
SAMPLE_TIMES = np.array([0.5, 1.0, 2.0, 4.0, 6.0, 11.5, 13.0, 14.5, 20.0, 25.0, 27.0, 30.0, 36.0, 48.0])
LLOQ = 0.5  # mg/L


def two_cmt_coefficients(cl, v1, q, v2):
    """Macro-constants (alpha, beta) and unit-dose coefficients (A, B) of the two-compartment model."""
    k10, k12, k21 = cl / v1, q / v1, q / v2
    s = k10 + k12 + k21
    root = np.sqrt(s * s - 4.0 * k10 * k21)
    alpha = 0.5 * (s + root)
    beta = 0.5 * (s - root)
    A = (alpha - k21) / (v1 * (alpha - beta))
    B = (k21 - beta) / (v1 * (alpha - beta))
    return alpha, beta, A, B


def predict_concentration(t, doses, cl, v1, q, v2):
    alpha, beta, A, B = two_cmt_coefficients(cl, v1, q, v2)
    conc = np.zeros_like(t)
    for t0, amt, route, dur in doses:
        dt = t - t0
        if route == "bolus":
            after = dt >= 0
            conc[after] += amt * (A * np.exp(-alpha * dt[after]) + B * np.exp(-beta * dt[after]))
        elif route == "infusion":
            rate = amt / dur
            during = (dt > 0) & (dt <= dur)
            post = dt > dur
            for lam, coef in ((alpha, A), (beta, B)):
                conc[during] += rate * coef / lam * (1.0 - np.exp(-lam * dt[during]))
                conc[post] += (rate * coef / lam * (1.0 - np.exp(-lam * dur))
                               * np.exp(-lam * (dt[post] - dur)))
        else:
            raise ValueError("unknown route " + route)
    return conc


def pk_event_nll(theta, log_sigma, observed):
    """Population-typical fit with allometric weight scaling, a combined error model and Beal's M3
    likelihood for samples below the limit of quantification (observed == 0 means BLQ)."""
    cl_pop, v1_pop, q_pop, v2_pop = np.exp(theta)
    sd_add, sd_prop = np.exp(log_sigma)
    nll = 0.0
    for i, sid in enumerate(sorted(DOSING)):
        wt = WEIGHT[sid] / 70.0
        cl = cl_pop * wt ** 0.75
        q = q_pop * wt ** 0.75
        v1 = v1_pop * wt
        v2 = v2_pop * wt
        pred = predict_concentration(SAMPLE_TIMES, DOSING[sid], cl, v1, q, v2)
        sd = np.sqrt(sd_add ** 2 + (sd_prop * pred) ** 2)
        y = observed[i]
        blq = y <= 0.0
        nll -= np.sum(norm.logpdf(y[~blq], loc=pred[~blq], scale=sd[~blq]))
        nll -= np.sum(norm.logcdf((LLOQ - pred[blq]) / sd[blq]))
    return nll


def pk_event_inputs(rng):
    theta = np.log(np.array([5.0, 20.0, 8.0, 40.0]))
    obs = []
    for sid in sorted(DOSING):
        wt = WEIGHT[sid] / 70.0
        c = predict_concentration(SAMPLE_TIMES, DOSING[sid], 4.5 * wt ** 0.75, 22.0 * wt, 7.0 * wt ** 0.75, 45.0 * wt)
        y = c * (1 + 0.1 * rng.standard_normal(c.shape)) + 0.2 * rng.standard_normal(c.shape)
        y[y < LLOQ] = 0.0
        obs.append(y)
    obs = np.array(obs)
    obs[0, 0] = 0.0  # a pre-peak sample reported BLQ
    return dict(theta=theta + 0.05 * rng.standard_normal(4), log_sigma=np.log(np.array([0.3, 0.12])),
                observed=obs)


# ------------------------------------------- survival: Cox regression, time-varying covariates (start, stop]
def cox_tv_nll(beta, start, stop, event, x_fixed, x_dose, l2=0.01):
    """Breslow partial likelihood over counting-process rows; the third covariate is x_fixed * log(t)
    (a time-varying effect, evaluated at each event time for every row at risk)."""
    event_times = np.unique(stop[event == 1])
    nll = 0.0
    for t in event_times:
        at_risk = (start < t) & (stop >= t)
        died = (stop == t) & (event == 1)
        z = np.column_stack([x_fixed, x_dose, x_fixed * np.log(t)])
        eta = z @ beta
        nll -= np.sum(eta[died]) - np.sum(died) * logsumexp(eta[at_risk])
    return nll + l2 * np.dot(beta, beta)


def cox_tv_inputs(rng):
    n_subj = 40
    start, stop, event, xf, xd = [], [], [], [], []
    for i in range(n_subj):
        age = rng.standard_normal()
        t_end = np.round(rng.exponential(8.0) + 0.5, 1)
        cuts = np.sort(np.round(rng.uniform(0.2, t_end, size=rng.integers(0, 3)), 1))
        edges = np.unique(np.concatenate([[0.0], cuts, [t_end]]))
        died = rng.random() < 0.7
        for a, b in zip(edges[:-1], edges[1:]):
            start.append(a)
            stop.append(b)
            event.append(1.0 if (died and b == t_end) else 0.0)
            xf.append(age)
            xd.append(rng.uniform(0.0, 2.0))  # dose level in this interval
    return dict(beta=np.array([0.3, -0.4, 0.1]), start=np.array(start), stop=np.array(stop),
                event=np.array(event), x_fixed=np.array(xf), x_dose=np.array(xd))


# --------------------------------------------------------------- computational linguistics: IBM Model 1
BITEXT = [
    ("das haus ist klein", "the house is small"),
    ("das haus ist alt", "the house is old"),
    ("das buch ist klein", "the book is small"),
    ("ein buch", "a book"),
    ("ein altes haus", "an old house"),
    ("das kleine buch ist alt", "the small book is old"),
    ("ich lese das buch", "i read the book"),
    ("ich sehe ein haus", "i see a house"),
]
SRC_VOCAB = {w: i for i, w in enumerate(sorted({w for f, _ in BITEXT for w in f.split()}))}
TGT_VOCAB = {w: i + 1 for i, w in enumerate(sorted({w for _, e in BITEXT for w in e.split()}))}
TGT_VOCAB["NULL"] = 0


def ibm1_nll(logits, l2=1e-3):
    """-log p(f | e) under IBM Model 1 with t(f | e) = softmax over the foreign vocabulary of logits[e]."""
    t = np.exp(logits - logsumexp(logits, axis=1, keepdims=True))  # rows: English words (NULL first)
    total = 0.0
    for f_sent, e_sent in BITEXT:
        f_ids = [SRC_VOCAB[w] for w in f_sent.split()]
        e_ids = [0] + [TGT_VOCAB[w] for w in e_sent.split()]
        probs = t[np.ix_(e_ids, f_ids)]  # (l + 1, m)
        total -= np.sum(np.log(probs.sum(axis=0) / len(e_ids)))
    return total + l2 * np.sum(logits ** 2)


def ibm1_inputs(rng):
    return dict(logits=0.3 * rng.standard_normal((len(TGT_VOCAB), len(SRC_VOCAB))))


# ------------------------------------------------- psychometrics: confirmatory factor analysis (ML fit)
FACTOR_OF_ITEM = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2])  # nine items, three factors, simple structure
MARKERS = [0, 3, 6]


def implied_covariance(free_loadings, log_psi, phi_raw):
    p, k = len(FACTOR_OF_ITEM), 3
    Lam = np.zeros((p, k))
    free = [i for i in range(p) if i not in MARKERS]
    Lam[free, FACTOR_OF_ITEM[free]] = free_loadings
    Lam[MARKERS, np.arange(k)] = 1.0
    # factor covariance: variances exp(.), correlations tanh(.)
    var = np.exp(phi_raw[:3])
    r = np.tanh(phi_raw[3:])
    R = np.eye(k)
    R[0, 1] = R[1, 0] = r[0]
    R[0, 2] = R[2, 0] = r[1]
    R[1, 2] = R[2, 1] = r[2]
    sd = np.sqrt(var)
    Phi = R * np.outer(sd, sd)
    return Lam @ Phi @ Lam.T + np.diag(np.exp(log_psi))


def cfa_discrepancy(free_loadings, log_psi, phi_raw, S, n_obs=300):
    """(N - 1) F_ML = (N - 1) [log|Sigma| + tr(S Sigma^-1) - log|S| - p]: the chi-square statistic."""
    Sigma = implied_covariance(free_loadings, log_psi, phi_raw)
    sign, logdet = np.linalg.slogdet(Sigma)
    _, logdet_s = np.linalg.slogdet(S)
    p = S.shape[0]
    F = logdet + np.trace(np.linalg.solve(Sigma, S)) - logdet_s - p
    return (n_obs - 1) * F


def cfa_inputs(rng):
    load = np.array([0.8, 1.2, 0.9, 1.1, 0.7, 1.3])
    Sigma = implied_covariance(load, np.log(0.4 + 0.3 * rng.random(9)), np.array([0.1, -0.2, 0.0, 0.4, 0.3, 0.2]))
    X = rng.multivariate_normal(np.zeros(9), Sigma, size=300)
    S = np.cov(X, rowvar=False)
    return dict(free_loadings=np.ones(6), log_psi=np.log(0.5 * np.ones(9)), phi_raw=np.zeros(6), S=S)


# ----------------------------------------------------- metric learning: batch-hard soft-margin triplets
def batch_hard_triplet(W, X, labels, eps=1e-12):
    """Hermans et al. (2017): for every anchor the farthest positive and the nearest negative."""
    emb = np.tanh(X @ W)
    emb = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    sq = np.sum(emb ** 2, axis=1)
    d2 = sq[:, None] + sq[None, :] - 2.0 * emb @ emb.T
    dist = np.sqrt(np.maximum(d2, 0.0) + eps)
    same = labels[:, None] == labels[None, :]
    not_self = ~np.eye(len(labels), dtype=bool)
    pos_mask = same & not_self
    hardest_pos = np.max(np.where(pos_mask, dist, 0.0), axis=1)
    hardest_neg = np.min(np.where(same, np.inf, dist), axis=1)
    return np.mean(np.log1p(np.exp(hardest_pos - hardest_neg)))


def triplet_inputs(rng):
    labels = np.repeat(np.arange(4), 4).astype(float)
    centers = rng.standard_normal((4, 10))
    X = centers[labels.astype(int)] + 0.7 * rng.standard_normal((16, 10))
    return dict(W=0.3 * rng.standard_normal((10, 5)), X=X, labels=labels)


# ---------------------------------------------------- optimal transport: unbalanced Sinkhorn (KL marginals)
def unbalanced_sinkhorn(x, a, y, b, eps=0.05, rho=1.0, n_iter=500, tol=1e-10):
    """Log-domain scaling iterations for KL-relaxed marginals (Chizat et al. 2018); returns the primal cost."""
    C = np.sum((x[:, None, :] - y[None, :, :]) ** 2, axis=-1)
    tau = rho / (rho + eps)
    f = np.zeros(len(a))
    g = np.zeros(len(b))
    for it in range(n_iter):
        f_old = f.copy()
        f = -tau * eps * logsumexp((g[None, :] - C) / eps + np.log(b)[None, :], axis=1)
        g = -tau * eps * logsumexp((f[:, None] - C) / eps + np.log(a)[:, None], axis=0)
        if np.max(np.abs(f - f_old)) < tol:
            break
    logP = (f[:, None] + g[None, :] - C) / eps + np.log(a)[:, None] + np.log(b)[None, :]
    P = np.exp(logP)
    m1 = P.sum(axis=1)
    m2 = P.sum(axis=0)

    def kl(m, ref):
        return np.sum(m * np.log(m / ref) - m + ref)

    return np.sum(P * C) + rho * kl(m1, a) + rho * kl(m2, b) + eps * kl(P.ravel(), np.outer(a, b).ravel())


def uot_inputs(rng):
    x = rng.standard_normal((12, 2)) * 0.5
    y = rng.standard_normal((15, 2)) * 0.5 + np.array([0.4, -0.2])
    return dict(x=x, a=np.full(12, 1.0 / 12), y=y, b=rng.dirichlet(np.ones(15)) * 1.3)


# ------------------------------------------------------- spectral methods: Chebyshev collocation BVP
def cheb(N):
    """Trefethen, Spectral Methods in MATLAB, program cheb.m."""
    if N == 0:
        return np.zeros((1, 1)), np.array([1.0])
    x = np.cos(np.pi * np.arange(N + 1) / N)
    c = np.hstack([2.0, np.ones(N - 1), 2.0]) * (-1.0) ** np.arange(N + 1)
    X = np.tile(x, (N + 1, 1)).T
    dX = X - X.T
    D = np.outer(c, 1.0 / c) / (dX + np.eye(N + 1))
    D = D - np.diag(np.sum(D, axis=1))
    return D, x


def chebyshev_bvp_misfit(coef, u_obs, N=24):
    """u'' - k(x) u = -exp(x) on [-1, 1], u(-1) = 0, u(1) = 1, k(x) = exp(c0 + c1 x + c2 x^2); fit k to
    observations of u at every third interior node, plus the Clenshaw-Curtis-like trapezoid energy."""
    D, x = cheb(N)
    D2 = D @ D
    k = np.exp(coef[0] + coef[1] * x + coef[2] * x ** 2)
    L = D2 - np.diag(k)
    rhs = -np.exp(x)
    # Dirichlet rows: x[0] = 1, x[N] = -1
    L[0, :] = 0.0
    L[0, 0] = 1.0
    rhs[0] = 1.0
    L[N, :] = 0.0
    L[N, N] = 1.0
    rhs[N] = 0.0
    u = np.linalg.solve(L, rhs)
    idx = np.arange(1, N, 3)
    resid = u[idx] - u_obs
    energy = np.trapezoid(u[::-1] ** 2, x[::-1])
    return np.sum(resid ** 2) + 1e-3 * energy


def chebyshev_inputs(rng):
    D, x = cheb(24)
    idx = np.arange(1, 24, 3)
    u_obs = 0.5 * (1 + x[idx]) + 0.05 * np.sin(np.pi * x[idx]) + 0.005 * rng.standard_normal(len(idx))
    return dict(coef=np.array([0.2, 0.1, -0.3]), u_obs=u_obs)


# ------------------------------------------ finite volumes: MUSCL advection-diffusion with a minmod limiter
def minmod(a, b):
    return 0.5 * (np.sign(a) + np.sign(b)) * np.minimum(np.abs(a), np.abs(b))


def muscl_rhs(c, u, D, dx):
    """Periodic cells; limited linear reconstruction, upwind interface flux, central diffusion."""
    slope = minmod(c - np.roll(c, 1), np.roll(c, -1) - c)
    left = c + 0.5 * slope                 # state at the right face of cell i, from the left
    right = np.roll(c - 0.5 * slope, -1)   # the same face, from cell i + 1
    if u >= 0:
        flux = u * left
    else:
        flux = u * right
    flux = flux - D * (np.roll(c, -1) - c) / dx
    return -(flux - np.roll(flux, 1)) / dx


def tracer_release_misfit(params, sensor_obs, n_cells=64, n_steps=120, length=1.0):
    u, log_D, amp = params
    D = np.exp(log_D)
    dx = length / n_cells
    xc = (np.arange(n_cells) + 0.5) * dx
    c = amp * np.exp(-((xc - 0.3) / 0.05) ** 2)
    dt = 0.4 * dx / (abs(u) + 2 * D / dx)
    sensors = [20, 35, 50]
    misfit = 0.0
    k = 0
    for n in range(n_steps):
        c1 = c + dt * muscl_rhs(c, u, D, dx)  # Heun (SSP-RK2)
        c = 0.5 * (c + c1 + dt * muscl_rhs(c1, u, D, dx))
        if (n + 1) % 20 == 0:
            misfit += np.sum((c[sensors] - sensor_obs[k]) ** 2)
            k += 1
    return misfit


def muscl_inputs(rng):
    obs = np.abs(0.2 + 0.1 * rng.standard_normal((6, 3)))
    return dict(params=np.array([0.6, np.log(2e-3), 1.0]), sensor_obs=obs)


# ------------------------------------------------ ocean toy model: Stommel's two-box thermohaline circulation
def stommel_steady(eta1, eta2, eta3, x0, dt=0.01, tol=1e-9, max_steps=20000):
    """Cessi's (1994) non-dimensional Stommel model, integrated to steady state:
    dT/dt = eta1 - T (1 + |T - S|),  dS/dt = eta2 - S (eta3 + |T - S|)."""
    T, S = x0
    for step in range(max_steps):
        q = abs(T - S)
        dT = eta1 - T * (1.0 + q)
        dS = eta2 - S * (eta3 + q)
        T = T + dt * dT
        S = S + dt * dS
        if abs(dT) + abs(dS) < tol:
            break
    return T, S


def stommel_hysteresis_loss(params, forcing, q_obs):
    """Sweep the freshwater forcing eta2 up, continuing each steady state from the last one."""
    eta1, eta3 = params
    state = (eta1, 0.0)
    loss = 0.0
    for i, eta2 in enumerate(forcing):
        T, S = stommel_steady(eta1, eta2, eta3, state)
        q = T - S
        loss += (q - q_obs[i]) ** 2
        state = (T, S)
    return loss


def stommel_inputs(rng):
    forcing = np.linspace(0.2, 0.8, 5)
    return dict(params=np.array([3.0, 0.3]), forcing=forcing,
                q_obs=np.array([1.9, 1.7, 1.5, 1.25, 1.0]) + 0.02 * rng.standard_normal(5))


# ------------------------------------------------------ analytical chemistry: a polyprotic titration curve
KW = 1.0e-14


def acid_fractions(h, Ka):
    """alpha_i = [H_{n-i}A^{i-}] / C_A for an n-protic acid at [H+] = h."""
    n = len(Ka)
    cum = np.concatenate([[1.0], np.cumprod(Ka)])
    terms = np.array([h ** (n - i) * cum[i] for i in range(n + 1)])
    return terms / np.sum(terms)


def titration_ph(v_base, pKa, c_acid, c_base, v_acid=25.0, tol=1e-12, max_iter=100):
    """pH after adding v_base mL of NaOH: Newton on the charge balance in log10[H+]."""
    Ka = 10.0 ** (-pKa)
    n = len(Ka)
    ca = c_acid * v_acid / (v_acid + v_base)
    na = c_base * v_base / (v_acid + v_base)
    x = -7.0
    for it in range(max_iter):
        h = 10.0 ** x
        alpha = acid_fractions(h, Ka)
        charge = h + na - KW / h - ca * np.dot(np.arange(n + 1), alpha)
        # d/dx of the same expression (log10 derivative), by hand
        mean_i = np.dot(np.arange(n + 1), alpha)
        mean_i2 = np.dot(np.arange(n + 1) ** 2, alpha)
        dmean_dlnh = -(mean_i2 - mean_i ** 2)
        dcharge = np.log(10.0) * (h + KW / h - ca * dmean_dlnh)
        step = charge / dcharge
        step = min(max(step, -1.0), 1.0)  # at most one pH unit per Newton step
        x = x - step
        if abs(step) < tol:
            break
    return -x


def titration_fit_loss(pKa, log_conc, volumes, ph_measured):
    c_acid, c_base = np.exp(log_conc)
    ph = np.array([titration_ph(v, pKa, c_acid, c_base) for v in volumes])
    return np.sum((ph - ph_measured) ** 2)


def titration_inputs(rng):
    volumes = np.linspace(1.0, 40.0, 14)
    ph = np.array([titration_ph(v, np.array([2.15, 7.2, 12.35]), 0.05, 0.1) for v in volumes])
    return dict(pKa=np.array([2.1, 7.3, 12.2]), log_conc=np.log(np.array([0.052, 0.098])), volumes=volumes,
                ph_measured=ph + 0.01 * rng.standard_normal(len(volumes)))


# ------------------------------------------------------------ fracture mechanics: Paris-law fatigue growth
PLATE_WIDTH = 0.2     # m, centre-cracked tension panel
K_IC = 60.0           # MPa sqrt(m)
BLOCKS = [            # (stress range MPa, R ratio, cycles) repeated in this order
    (80.0, 0.1, 20000),
    (120.0, 0.3, 5000),
    (60.0, 0.5, 40000),
]
INSPECTIONS = np.array([1.0e5, 2.0e5, 3.0e5, 4.0e5, 5.0e5])


def geometry_factor(a, W=PLATE_WIDTH):
    """Feddersen's secant correction for a centre crack of half-length a."""
    return np.sqrt(1.0 / np.cos(np.pi * a / W))


def crack_growth(a0, log_C, m, gamma, n_sub=20):
    """Integrate da/dN = C dK_eff^m block by block (Walker: dK_eff = dK / (1 - R)^(1 - gamma)) with RK2
    in n_sub sub-steps per block; record a at the inspection cycles (linear in between)."""
    C = np.exp(log_C)
    a = a0
    N = 0.0
    hist_N = [0.0]
    hist_a = [a0]
    while N < INSPECTIONS[-1]:
        for d_sigma, R, cycles in BLOCKS:
            dN = cycles / n_sub
            for k in range(n_sub):
                def rate(a_):
                    dK = geometry_factor(a_) * d_sigma * np.sqrt(np.pi * a_)
                    return C * (dK / (1.0 - R) ** (1.0 - gamma)) ** m
                a_mid = a + 0.5 * dN * rate(a)
                a = a + dN * rate(a_mid)
                N += dN
                k_max = geometry_factor(a) * d_sigma / (1.0 - R) * np.sqrt(np.pi * a)
                if k_max >= K_IC:
                    return np.array(hist_N + [N]), np.array(hist_a + [a]), True
            hist_N.append(N)
            hist_a.append(a)
    return np.array(hist_N), np.array(hist_a), False


def fatigue_fit_loss(theta, a_measured, a0=0.004):
    log_C, m, gamma = theta
    N_hist, a_hist, failed = crack_growth(a0, log_C, m, gamma)
    if failed:
        return 1e6
    a_pred = np.interp(INSPECTIONS, N_hist, a_hist)
    return np.sum(np.log(a_pred / a_measured) ** 2)


def fatigue_inputs(rng):
    a = np.array([0.0052, 0.0068, 0.0091, 0.0124, 0.0172]) * np.exp(0.03 * rng.standard_normal(5))
    return dict(theta=np.array([np.log(3.0e-12), 3.0, 0.6]), a_measured=a)


# ---------------------------------------------------------- demand systems: the Almost Ideal Demand System
def aids_shares(alpha, gamma_upper, beta, log_p, log_x, alpha0=0.0):
    """Deaton & Muellbauer (1980): w_i = a_i + sum_j g_ij log p_j + b_i log(x / P), translog P, with
    adding-up, homogeneity and symmetry imposed (n goods; the last good's parameters implied)."""
    n = log_p.shape[1]
    a = np.append(alpha, 1.0 - np.sum(alpha))
    b = np.append(beta, -np.sum(beta))
    G = np.zeros((n - 1, n - 1))
    iu = np.triu_indices(n - 1)
    G[iu] = gamma_upper
    G = G + G.T - np.diag(np.diag(G))
    # homogeneity: rows sum to zero, so the last column is minus the others; symmetry fills the last row
    Gfull = np.zeros((n, n))
    Gfull[:n - 1, :n - 1] = G
    Gfull[:n - 1, n - 1] = -G.sum(axis=1)
    Gfull[n - 1, :] = Gfull[:, n - 1]
    Gfull[n - 1, n - 1] = -Gfull[n - 1, :n - 1].sum()
    log_P = alpha0 + log_p @ a + 0.5 * np.einsum("ti,ij,tj->t", log_p, Gfull, log_p)
    return a[None, :] + log_p @ Gfull.T + np.outer(log_x - log_P, b)


def aids_concentrated_nll(alpha, gamma_upper, beta, log_p, log_x, shares):
    """Concentrated Gaussian log-likelihood of the first n - 1 share equations (SUR)."""
    W = aids_shares(alpha, gamma_upper, beta, log_p, log_x)
    E = (shares - W)[:, :-1]
    T = E.shape[0]
    Omega = E.T @ E / T
    sign, logdet = np.linalg.slogdet(Omega)
    return 0.5 * T * logdet


def aids_inputs(rng):
    T, n = 60, 4
    log_p = 0.2 * rng.standard_normal((T, n))
    log_x = 3.0 + 0.3 * rng.standard_normal(T)
    alpha = np.array([0.3, 0.25, 0.2])
    gu = np.array([0.05, -0.02, -0.01, 0.04, -0.015, 0.03])
    beta = np.array([-0.05, 0.02, 0.01])
    shares = aids_shares(alpha, gu, beta, log_p, log_x) + 0.01 * rng.standard_normal((T, n))
    return dict(alpha=alpha + 0.01, gamma_upper=gu * 0.8, beta=beta * 0.9, log_p=log_p, log_x=log_x,
                shares=shares)


# ------------------------------------------------------ neuroscience: a passive cable (compartmental) neuron
def cable_response(log_params, n_comp=30, dt=0.05, n_steps=200, i_amp=0.2):
    """Soma (compartment 0) plus a tapering dendrite, backward Euler with a tridiagonal (banded) solve.
    Units: um, ms, mV, nA; log_params = log(Rm [kOhm cm^2], Ri [Ohm cm], Cm [uF/cm^2])."""
    Rm, Ri, Cm = np.exp(log_params)
    length = 800.0
    dx = length / n_comp
    diam = np.linspace(3.0, 0.8, n_comp)
    area = np.pi * diam * dx * 1e-8                        # cm^2
    area[0] += 4.0 * np.pi * (10.0e-4) ** 2                # a 20 um soma lumped in
    g_leak = area / (Rm * 1e3) * 1e6                       # uS
    cap = Cm * area * 1e3                                  # nF
    d_face = 0.5 * (diam[:-1] + diam[1:])
    g_axial = np.pi * (d_face * 1e-4) ** 2 / 4.0 / (Ri * dx * 1e-4) * 1e6  # uS between neighbours
    ab = np.zeros((3, n_comp))
    diag = cap / dt + g_leak
    diag[:-1] += g_axial
    diag[1:] += g_axial
    ab[1] = diag
    ab[0, 1:] = -g_axial
    ab[2, :-1] = -g_axial
    v = np.zeros(n_comp)
    soma, tip = [], []
    for n in range(n_steps):
        inj = np.zeros(n_comp)
        if 20 <= n < 120:
            inj[0] = i_amp
        v = solve_banded((1, 1), ab, cap / dt * v + inj)
        soma.append(v[0])
        tip.append(v[-1])
    return np.array(soma), np.array(tip)


def cable_fit_loss(log_params, v_soma, v_tip):
    soma, tip = cable_response(log_params)
    return np.mean((soma - v_soma) ** 2) + 4.0 * np.mean((tip - v_tip) ** 2)


def cable_inputs(rng):
    true = np.log(np.array([20.0, 150.0, 1.0]))
    s, t = cable_response(true)
    return dict(log_params=true + 0.1 * rng.standard_normal(3), v_soma=s + 0.05 * rng.standard_normal(s.shape),
                v_tip=t + 0.02 * rng.standard_normal(t.shape))


# ---------------------------------------------------------- biomechanics: a Hill-type muscle-tendon unit
MUSCLE = dict(f_max=1500.0, l_opt=0.10, l_slack=0.25, v_max=10.0, penn=0.15, tau_act=0.015, tau_deact=0.05)


def force_length(l_norm, width=0.45):
    return np.exp(-((l_norm - 1.0) / width) ** 2)


def passive_force(l_norm, k_pe=4.0):
    if l_norm <= 1.0:
        return 0.0
    return k_pe * (l_norm - 1.0) ** 2


def tendon_force(strain, toe=0.01, k_toe=1786.0):
    """Quadratic toe region, then linear with the same slope (normalised to 1 at 3.3 % strain)."""
    if strain <= 0.0:
        return 0.0
    if strain < toe:
        return k_toe * strain ** 2
    return k_toe * toe ** 2 + 2.0 * k_toe * toe * (strain - toe)


def inverse_force_velocity(fv, a_f=0.25, ecc=1.5):
    """Normalised fibre velocity (lengthening > 0) from the force-velocity multiplier (Hill hyperbola
    when shortening; an eccentric branch with the same slope at isometric)."""
    if fv < 1.0:
        return (fv - 1.0) / (1.0 + fv / a_f)
    fv = min(fv, 0.95 * ecc + 0.049)
    return 0.1 * (fv - 1.0) / (ecc - fv)


def muscle_simulate(params, excitation, mt_length, dt=0.0005):
    """Explicit Euler on activation and fibre length (1 ms steps ring: the tendon is stiff)."""
    f_max, l_opt, l_slack = params[0], params[1], params[2]
    p = MUSCLE
    cos_a = np.cos(p["penn"])
    a = 0.01
    l_f = l_opt
    forces = []
    for k in range(len(excitation)):
        u = excitation[k]
        tau = p["tau_act"] if u > a else p["tau_deact"]
        a = a + dt * (u - a) / tau
        l_t = mt_length[k] - l_f * cos_a
        f_t = tendon_force(l_t / l_slack - 1.0)
        l_n = l_f / l_opt
        f_ce = f_t / cos_a - passive_force(l_n)
        fv = f_ce / (a * force_length(l_n) + 1e-6)
        v = inverse_force_velocity(fv)
        l_f = l_f + dt * v * p["v_max"] * l_opt
        forces.append(f_max * f_t)
    return np.array(forces)


def muscle_fit_loss(params, excitation, mt_length, force_measured):
    F = muscle_simulate(params, excitation, mt_length)
    return np.mean((F - force_measured) ** 2) / 1e4


def muscle_inputs(rng):
    t = np.arange(600) * 0.0005
    excitation = np.clip(0.05 + 0.6 * (t > 0.05) * (t < 0.2), 0.0, 1.0)
    mt = 0.345 + 0.004 * np.sin(2 * np.pi * 3.0 * t)
    params = np.array([1500.0, 0.10, 0.25])
    F = muscle_simulate(params, excitation, mt) + 5.0 * rng.standard_normal(t.shape)
    return dict(params=np.array([1400.0, 0.102, 0.2495]), excitation=excitation, mt_length=mt, force_measured=F)


# ----------------------------------------------------- volcano geodesy: a Mogi source seen by InSAR
LOOK = np.array([-0.62, -0.11, 0.78])   # ground-to-satellite unit vector (east, north, up), ascending track
POISSON = 0.25


def mogi_displacement(x, y, src):
    """Surface displacement (east, north, up) of a point pressure source: src = (x0, y0, depth, dV)."""
    x0, y0, d, dV = src
    dx = x - x0
    dy = y - y0
    R3 = (dx ** 2 + dy ** 2 + d ** 2) ** 1.5
    c = (1.0 - POISSON) * dV / np.pi
    return np.stack([c * dx / R3, c * dy / R3, c * d / R3], axis=1)


def insar_mogi_misfit(src_km, x, y, los_obs, corr_length=5.0, sigma=0.005):
    """Generalised least squares with an exponential covariance; a planar orbital ramp profiled out by lstsq."""
    src = src_km * np.array([1e3, 1e3, 1e3, 1e6])
    u = mogi_displacement(x, y, src)
    los = u @ LOOK
    d = np.sqrt((x[:, None] - x[None, :]) ** 2 + (y[:, None] - y[None, :]) ** 2) / 1e3
    Cd = sigma ** 2 * np.exp(-d / corr_length) + 1e-8 * np.eye(len(x))
    cf = cho_factor(Cd, lower=True)
    G = np.column_stack([np.ones_like(x), x / 1e4, y / 1e4])
    r = los_obs - los
    Wr = cho_solve(cf, r)
    WG = cho_solve(cf, G)
    ramp = np.linalg.solve(G.T @ WG, G.T @ Wr)
    res = r - G @ ramp
    return 0.5 * res @ cho_solve(cf, res)


def insar_inputs(rng):
    x = rng.uniform(-15e3, 15e3, 60)
    y = rng.uniform(-15e3, 15e3, 60)
    true = np.array([1.2e3, -0.8e3, 4.5e3, 6e6])
    los = mogi_displacement(x, y, true) @ LOOK + 0.01 + 2e-7 * x + 0.003 * rng.standard_normal(60)
    return dict(src_km=np.array([1.0, -0.5, 4.0, 5.0]), x=x, y=y, los_obs=los)


# ----------------------------------------------- sports science: Banister fitness-fatigue, variable dose-response
def banister_performance(loads, p0, k1, tau1, k3, tau2, tau3):
    """Busso (2003): fatigue gain k2 itself grows with recent load (k2(t) = k3 * sum w e^{-(t-s)/tau3})."""
    n = len(loads)
    fitness = 0.0
    fatigue = 0.0
    k2_state = 0.0
    perf = np.zeros(n)
    d1, d2, d3 = np.exp(-1.0 / tau1), np.exp(-1.0 / tau2), np.exp(-1.0 / tau3)
    for t in range(n):
        perf[t] = p0 + k1 * fitness - k3 * k2_state * fatigue
        fitness = fitness * d1 + loads[t]
        k2_state = k2_state * d3 + loads[t]
        fatigue = fatigue * d2 + loads[t]
    return perf


def banister_fit_loss(log_params, p0, loads, test_days, test_scores):
    k1, tau1, k3, tau2, tau3 = np.exp(log_params)
    perf = banister_performance(loads, p0, k1, tau1, k3, tau2, tau3)
    resid = perf[test_days.astype(int)] - test_scores
    return np.sum(resid ** 2)


def banister_inputs(rng):
    days = 120
    loads = np.where(np.arange(days) % 7 == 6, 0.0, rng.gamma(4.0, 15.0, days))
    loads[84:91] *= 0.3  # taper week
    test_days = np.arange(6, days, 9).astype(float)
    true = np.log(np.array([0.05, 40.0, 2e-5, 8.0, 4.0]))
    perf = banister_performance(loads, 500.0, *np.exp(true))
    return dict(log_params=true + 0.05 * rng.standard_normal(5), p0=500.0, loads=loads, test_days=test_days,
                test_scores=perf[test_days.astype(int)] + 2.0 * rng.standard_normal(len(test_days)))


# ---------------------------------------------- transportation: logit stochastic user equilibrium (MSA)
# links: (from, to, free-flow minutes, capacity veh/h)
LINKS = [(0, 1, 8.0, 1800.0), (0, 2, 12.0, 2400.0), (1, 2, 3.0, 1200.0), (1, 3, 11.0, 1800.0),
         (2, 3, 7.0, 2400.0), (2, 4, 13.0, 1500.0), (3, 4, 5.0, 2000.0), (1, 4, 20.0, 1000.0)]
# OD pairs and their paths as link lists
PATHS = {
    (0, 3): [[0, 3], [0, 2, 4], [1, 4]],
    (0, 4): [[0, 3, 6], [1, 5], [1, 4, 6], [0, 7], [0, 2, 5]],
    (1, 4): [[3, 6], [7], [2, 5], [2, 4, 6]],
}
COUNTED_LINKS = [0, 1, 4, 6]


def bpr(flow, t0, cap, a=0.15, b=4.0):
    return t0 * (1.0 + a * (flow / cap) ** b)


def sue_link_flows(demand, theta=0.3, n_iter=200, tol=1e-8):
    t0 = np.array([l[2] for l in LINKS])
    cap = np.array([l[3] for l in LINKS])
    n_links = len(LINKS)
    x = np.zeros(n_links)
    for k in range(1, n_iter + 1):
        cost = bpr(x, t0, cap)
        y = np.zeros(n_links)
        for od_index, (od, paths) in enumerate(PATHS.items()):
            path_cost = np.array([cost[p].sum() for p in paths])
            share = np.exp(-theta * (path_cost - path_cost.min()))
            share /= share.sum()
            for p, s in zip(paths, share):
                y[p] += demand[od_index] * s
        step = (y - x) / k
        x = x + step
        if k > 1 and np.max(np.abs(step)) < tol:
            break
    return x


def od_estimation_loss(log_demand, counts, prior_demand):
    demand = np.exp(log_demand)
    x = sue_link_flows(demand)
    return np.sum((x[COUNTED_LINKS] - counts) ** 2) / 1e4 + np.sum((demand / prior_demand - 1.0) ** 2)


def od_inputs(rng):
    true = np.array([1500.0, 2200.0, 900.0])
    x = sue_link_flows(true)
    return dict(log_demand=np.log(true * (1 + 0.1 * rng.standard_normal(3))),
                counts=x[COUNTED_LINKS] * (1 + 0.03 * rng.standard_normal(4)), prior_demand=true * 1.1)


# ----------------------------------------------------- tomography: transmission CT, Poisson likelihood
def parallel_beam_matrix(n_pix, n_angles, n_det, n_samp=None):
    """System matrix by sampling each ray at half-pixel steps with bilinear weights (pixel size 1)."""
    if n_samp is None:
        n_samp = 2 * n_pix
    A = np.zeros((n_angles * n_det, n_pix * n_pix))
    angles = np.linspace(0.0, np.pi, n_angles, endpoint=False)
    det = (np.arange(n_det) - (n_det - 1) / 2.0) * (n_pix / n_det)
    s = np.linspace(-n_pix / 2.0, n_pix / 2.0, n_samp)
    ds = s[1] - s[0]
    c0 = (n_pix - 1) / 2.0
    for ia, th in enumerate(angles):
        for idet, u in enumerate(det):
            px = u * np.cos(th) - s * np.sin(th) + c0
            py = u * np.sin(th) + s * np.cos(th) + c0
            i0 = np.floor(px).astype(int)
            j0 = np.floor(py).astype(int)
            fx = px - i0
            fy = py - j0
            row = ia * n_det + idet
            for di, dj, w in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)), (0, 1, (1 - fx) * fy),
                              (1, 1, fx * fy)):
                ii = i0 + di
                jj = j0 + dj
                ok = (ii >= 0) & (ii < n_pix) & (jj >= 0) & (jj < n_pix)
                A[row] += np.bincount(jj[ok] * n_pix + ii[ok], weights=w[ok] * ds, minlength=n_pix * n_pix)
    return A


CT_N = 16
CT_SYSTEM = parallel_beam_matrix(CT_N, 12, 20)


def ct_penalized_nll(mu, counts, blank=1e4, beta=0.5, delta=0.01):
    """Poisson transmission log-likelihood (Lange-Fessler) + Huber roughness on neighbouring pixels."""
    line = CT_SYSTEM @ mu.ravel()
    expected = blank * np.exp(-line)
    nll = np.sum(expected + counts * line)
    img = mu.reshape(CT_N, CT_N)
    diffs = [np.diff(img, axis=0).ravel(), np.diff(img, axis=1).ravel()]
    penalty = 0.0
    for d in diffs:
        a = np.abs(d)
        penalty += np.sum(np.where(a <= delta, 0.5 * d ** 2, delta * (a - 0.5 * delta)))
    return nll + beta * penalty / delta


def ct_inputs(rng):
    yy, xx = np.mgrid[0:CT_N, 0:CT_N]
    phantom = 0.02 * (((xx - 7.5) ** 2 + (yy - 7.5) ** 2) < 36) + 0.01 * (((xx - 9) ** 2 + (yy - 6) ** 2) < 5)
    counts = rng.poisson(1e4 * np.exp(-CT_SYSTEM @ phantom.ravel())).astype(float)
    return dict(mu=0.015 + 0.002 * rng.standard_normal((CT_N, CT_N)), counts=counts)


# --------------------------------------------------- quantum chemistry: restricted Hartree-Fock helium
def helium_hf_energy(log_alpha, tol=1e-12, max_iter=100):
    """Thijssen, Computational Physics ch. 4: He ground state in four s-type Gaussians exp(-alpha r^2);
    SCF on the single doubly-occupied orbital, generalized eigenproblem F C = E S C each cycle."""
    alpha = np.exp(log_alpha)
    ap = alpha[:, None] + alpha[None, :]
    S = (np.pi / ap) ** 1.5
    T = 3.0 * np.pi ** 1.5 * np.outer(alpha, alpha) / ap ** 2.5
    V = -2.0 * 2.0 * np.pi / ap                      # Z = 2
    h = T + V
    Q = 2.0 * np.pi ** 2.5 / (ap[:, :, None, None] * ap[None, None, :, :]
                              * np.sqrt(ap[:, :, None, None] + ap[None, None, :, :]))
    C = np.ones(len(alpha))
    C = C / np.sqrt(C @ S @ C)
    energy_old = 0.0
    for it in range(max_iter):
        F = h + np.einsum("prqs,r,s->pq", Q, C, C)
        eps, vecs = eigh(F, S)
        C = vecs[:, 0]
        energy = 2.0 * C @ h @ C + np.einsum("prqs,p,q,r,s->", Q, C, C, C, C)
        if abs(energy - energy_old) < tol:
            break
        energy_old = energy
    return energy


def helium_inputs(rng):
    return dict(log_alpha=np.log(np.array([0.298073, 1.242567, 5.782948, 38.47497])) + 0.1 * rng.standard_normal(4))


# --------------------------------------------- recommender systems: two-tower retrieval, in-batch logQ softmax
def tower(x, W1, b1, W2):
    hdn = np.maximum(x @ W1 + b1, 0.0)
    out = hdn @ W2
    return out / np.linalg.norm(out, axis=1, keepdims=True)


def two_tower_loss(Wu1, bu1, Wu2, Wi1, bi1, Wi2, user_x, item_x, item_ids, item_freq, temperature=0.1):
    """Yi et al. (2019): in-batch sampled softmax, logits corrected by log of the sampling probability;
    a repeated item in the batch is not a negative for the other rows that clicked it."""
    u = tower(user_x, Wu1, bu1, Wu2)
    v = tower(item_x, Wi1, bi1, Wi2)
    logits = u @ v.T / temperature
    logits = logits - np.log(item_freq[item_ids.astype(int)])[None, :]
    B = len(item_ids)
    same_item = item_ids[:, None] == item_ids[None, :]
    logits[same_item & ~np.eye(B, dtype=bool)] = -np.inf
    log_p = logits - logsumexp(logits, axis=1, keepdims=True)
    return -np.mean(np.diag(log_p))


def two_tower_inputs(rng):
    B, du, di, h, k = 12, 8, 6, 16, 4
    item_ids = rng.integers(0, 20, B).astype(float)
    item_ids[5] = item_ids[2]  # a popular item twice in the batch
    freq = rng.dirichlet(np.ones(20))
    return dict(Wu1=0.3 * rng.standard_normal((du, h)), bu1=0.1 * rng.standard_normal(h),
                Wu2=0.3 * rng.standard_normal((h, k)), Wi1=0.3 * rng.standard_normal((di, h)),
                bi1=0.1 * rng.standard_normal(h), Wi2=0.3 * rng.standard_normal((h, k)),
                user_x=rng.standard_normal((B, du)), item_x=rng.standard_normal((20, di))[item_ids.astype(int)],
                item_ids=item_ids, item_freq=freq)


# ----------------------------------------------------- fluid mechanics: Falkner-Skan boundary layers
def falkner_skan_rhs(f, beta):
    return np.array([f[1], f[2], -f[0] * f[2] - beta * (1.0 - f[1] ** 2)])


def falkner_skan_shoot(fpp0, beta, eta_max=8.0, n=160):
    h = eta_max / n
    f = np.array([0.0, 0.0, fpp0])
    profile = [f[1]]
    for i in range(n):
        k1 = falkner_skan_rhs(f, beta)
        k2 = falkner_skan_rhs(f + 0.5 * h * k1, beta)
        k3 = falkner_skan_rhs(f + 0.5 * h * k2, beta)
        k4 = falkner_skan_rhs(f + h * k3, beta)
        f = f + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        profile.append(f[1])
    return f, np.array(profile)


def falkner_skan_solve(beta, guess=0.5, tol=1e-10, max_iter=30):
    """Secant iteration on f''(0) until f'(eta_max) = 1."""
    s0, s1 = guess, guess + 0.1
    r0 = falkner_skan_shoot(s0, beta)[0][1] - 1.0
    for it in range(max_iter):
        f_end, profile = falkner_skan_shoot(s1, beta)
        r1 = f_end[1] - 1.0
        if abs(r1) < tol:
            break
        s0, s1, r0 = s1, s1 - r1 * (s1 - s0) / (r1 - r0), r1
    return s1, profile


def boundary_layer_loss(betas, cf_measured, H_measured, eta_max=8.0):
    """Wall shear f''(0) and shape factor H = delta* / theta at each station against measurements."""
    loss = 0.0
    eta = np.linspace(0.0, eta_max, 161)
    for i, beta in enumerate(betas):
        fpp0, u = falkner_skan_solve(beta)
        delta_star = np.trapezoid(1.0 - u, eta)
        theta = np.trapezoid(u * (1.0 - u), eta)
        loss += (fpp0 - cf_measured[i]) ** 2 + 0.1 * (delta_star / theta - H_measured[i]) ** 2
    return loss


def boundary_layer_inputs(rng):
    return dict(betas=np.array([0.0, 0.1, 0.3]), cf_measured=np.array([0.47, 0.59, 0.78]),
                H_measured=np.array([2.59, 2.45, 2.3]))


# ----------------------------------------------------------- device modelling: the EKV MOSFET model
def ekv_drain_current(vg, vd, params, vs=0.0, temp=300.0):
    """EKV 2.6 long-channel core with mobility reduction and channel-length modulation."""
    vt0, n_slope, log_beta, theta, lam = params
    ut = 1.380649e-23 * temp / 1.602176634e-19
    beta = np.exp(log_beta)
    vp = (vg - vt0) / n_slope
    i_spec = 2.0 * n_slope * beta * ut ** 2 / (1.0 + theta * np.maximum(vg - vt0, 0.0))
    i_f = np.log1p(np.exp((vp - vs) / (2.0 * ut))) ** 2
    i_r = np.log1p(np.exp((vp - vd) / (2.0 * ut))) ** 2
    return i_spec * (i_f - i_r) * (1.0 + lam * vd)


def ekv_fit_loss(params, vg_grid, vd_grid, id_measured):
    VG, VD = np.meshgrid(vg_grid, vd_grid, indexing="ij")
    i_model = ekv_drain_current(VG, VD, params)
    return np.mean((np.log(i_model) - np.log(id_measured)) ** 2)


def ekv_inputs(rng):
    vg = np.linspace(0.2, 1.8, 9)
    vd = np.array([0.05, 0.1, 0.4, 0.9, 1.5])
    true = np.array([0.45, 1.3, np.log(4e-4), 0.3, 0.05])
    VG, VD = np.meshgrid(vg, vd, indexing="ij")
    i_meas = ekv_drain_current(VG, VD, true) * np.exp(0.02 * rng.standard_normal(VG.shape))
    return dict(params=np.array([0.5, 1.25, np.log(3e-4), 0.25, 0.04]), vg_grid=vg, vd_grid=vd,
                id_measured=i_meas)


# ------------------------------------------------------- actuarial: over-dispersed Poisson chain ladder
def odp_chain_ladder_loss(log_row, log_col, triangle):
    """Renshaw-Verrall: incremental claims C_ij ~ ODP(exp(a_i + b_j)), cells i + j < n observed; the
    deviance plus the squared relative gap between the GLM reserve and the chain-ladder reserve."""
    n = triangle.shape[0]
    i_idx, j_idx = np.indices((n, n))
    observed = (i_idx + j_idx) < n
    b = np.concatenate([[0.0], log_col])
    mu = np.exp(log_row[:, None] + b[None, :])
    y = np.where(observed, triangle, 0.0)
    dev_cells = 2.0 * (np.where(y > 0, y * np.log(y / mu), 0.0) - (y - mu))
    deviance = np.sum(dev_cells[observed])
    reserve_glm = np.sum(mu[~observed])
    cum = np.cumsum(y, axis=1)
    factors = []
    for j in range(n - 1):
        rows = np.arange(n - j - 1)
        factors.append(cum[rows, j + 1].sum() / cum[rows, j].sum())
    latest = np.array([cum[i, n - 1 - i] for i in range(n)])
    ultimate = latest.copy()
    for i in range(1, n):
        ultimate[i] = latest[i] * np.prod(factors[n - 1 - i:])
    reserve_cl = np.sum(ultimate - latest)
    return deviance / 1e3 + (reserve_glm / reserve_cl - 1.0) ** 2


def odp_inputs(rng):
    n = 8
    a = np.log(1000.0 * (1 + 0.05 * np.arange(n)))
    b = np.log(np.array([1.0, 0.8, 0.5, 0.3, 0.15, 0.08, 0.04, 0.02]))
    tri = rng.poisson(np.exp(a[:, None] + b[None, :])).astype(float)
    tri[0, 7] = 0.0  # nothing paid in the last development year of the oldest accident year
    i_idx, j_idx = np.indices((n, n))
    tri[(i_idx + j_idx) >= n] = np.nan
    return dict(log_row=a + 0.05 * rng.standard_normal(n), log_col=b[1:] + 0.05 * rng.standard_normal(n - 1),
                triangle=tri)


# ------------------------------------------------------------- geodesy: Vincenty network adjustment
WGS84_A = 6378137.0
WGS84_F = 1.0 / 298.257223563


def vincenty_inverse(lat1, lon1, lat2, lon2, tol=1e-12, max_iter=200):
    """Geodesic distance (m) on the WGS84 ellipsoid, Vincenty (1975); degrees in."""
    a = WGS84_A
    f = WGS84_F
    b = (1 - f) * a
    L = math.radians(1.0) * (lon2 - lon1)
    U1 = np.arctan((1 - f) * np.tan(np.radians(lat1)))
    U2 = np.arctan((1 - f) * np.tan(np.radians(lat2)))
    sinU1, cosU1 = np.sin(U1), np.cos(U1)
    sinU2, cosU2 = np.sin(U2), np.cos(U2)
    lam = L
    for _ in range(max_iter):
        sin_lam, cos_lam = np.sin(lam), np.cos(lam)
        sin_sigma = np.sqrt((cosU2 * sin_lam) ** 2 + (cosU1 * sinU2 - sinU1 * cosU2 * cos_lam) ** 2)
        if sin_sigma == 0:
            return 0.0  # coincident points
        cos_sigma = sinU1 * sinU2 + cosU1 * cosU2 * cos_lam
        sigma = np.arctan2(sin_sigma, cos_sigma)
        sin_alpha = cosU1 * cosU2 * sin_lam / sin_sigma
        cos2_alpha = 1 - sin_alpha ** 2
        cos_2sm = cos_sigma - 2 * sinU1 * sinU2 / cos2_alpha if cos2_alpha != 0 else 0.0
        C = f / 16 * cos2_alpha * (4 + f * (4 - 3 * cos2_alpha))
        lam_prev = lam
        lam = L + (1 - C) * f * sin_alpha * (sigma + C * sin_sigma * (cos_2sm + C * cos_sigma * (-1 + 2 * cos_2sm ** 2)))
        if abs(lam - lam_prev) < tol:
            break
    u2 = cos2_alpha * (a ** 2 - b ** 2) / b ** 2
    A = 1 + u2 / 16384 * (4096 + u2 * (-768 + u2 * (320 - 175 * u2)))
    B = u2 / 1024 * (256 + u2 * (-128 + u2 * (74 - 47 * u2)))
    d_sigma = B * sin_sigma * (cos_2sm + B / 4 * (cos_sigma * (-1 + 2 * cos_2sm ** 2)
                                                  - B / 6 * cos_2sm * (-3 + 4 * sin_sigma ** 2) * (-3 + 4 * cos_2sm ** 2)))
    return b * A * (sigma - d_sigma)


BASELINES = [(0, 1), (0, 2), (1, 2), (1, 3), (2, 3), (2, 4), (3, 4), (0, 4), (1, 4)]
FIXED = {0: (47.3769, 8.5417)}   # a control point held fixed (Zurich-ish)


def geodetic_network_loss(coords, distances, sigma_m=0.02, sigma_fix=1e-6):
    """Weighted least squares of measured geodesic baselines; coords = (lat, lon) per station in degrees."""
    lat = coords[:, 0]
    lon = coords[:, 1]
    loss = 0.0
    for k, (i, j) in enumerate(BASELINES):
        s = vincenty_inverse(lat[i], lon[i], lat[j], lon[j])
        loss += ((s - distances[k]) / sigma_m) ** 2
    for i, (la, lo) in FIXED.items():
        loss += ((lat[i] - la) / sigma_fix) ** 2 + ((lon[i] - lo) / sigma_fix) ** 2
    return 1e-6 * loss


def geodetic_inputs(rng):
    true = np.array([[47.3769, 8.5417], [47.5596, 7.5886], [46.9480, 7.4474], [46.2044, 6.1432],
                     [46.0037, 8.9511]])
    d = np.array([vincenty_inverse(*true[i], *true[j]) for i, j in BASELINES]) + 0.02 * rng.standard_normal(9)
    return dict(coords=true + 1e-5 * rng.standard_normal(true.shape), distances=d)


PROGRAMS = [
    dict(name="image_source_rir_t60", f=rir_absorption_fit, inputs=rir_inputs, wrt=("beta",)),
    dict(name="two_cmt_pk_dosing_events_m3", f=pk_event_nll, inputs=pk_event_inputs, wrt=("theta", "log_sigma")),
    dict(name="cox_time_varying_counting", f=cox_tv_nll, inputs=cox_tv_inputs, wrt=("beta",)),
    dict(name="ibm_model1_alignment", f=ibm1_nll, inputs=ibm1_inputs, wrt=("logits",)),
    dict(name="cfa_ml_discrepancy", f=cfa_discrepancy, inputs=cfa_inputs, wrt=("free_loadings", "log_psi", "phi_raw")),
    dict(name="batch_hard_triplet_loss", f=batch_hard_triplet, inputs=triplet_inputs, wrt=("W",)),
    dict(name="unbalanced_sinkhorn_kl", f=unbalanced_sinkhorn, inputs=uot_inputs, wrt=("x", "b")),
    dict(name="chebyshev_collocation_bvp", f=chebyshev_bvp_misfit, inputs=chebyshev_inputs, wrt=("coef",)),
    dict(name="muscl_minmod_tracer", f=tracer_release_misfit, inputs=muscl_inputs, wrt=("params",)),
    dict(name="stommel_box_hysteresis", f=stommel_hysteresis_loss, inputs=stommel_inputs, wrt=("params",)),
    dict(name="polyprotic_titration_newton", f=titration_fit_loss, inputs=titration_inputs, wrt=("pKa", "log_conc")),
    dict(name="paris_law_block_fatigue", f=fatigue_fit_loss, inputs=fatigue_inputs, wrt=("theta",)),
    dict(name="aids_demand_system_sur", f=aids_concentrated_nll, inputs=aids_inputs,
         wrt=("alpha", "gamma_upper", "beta")),
    dict(name="passive_cable_banded", f=cable_fit_loss, inputs=cable_inputs, wrt=("log_params",)),
    dict(name="hill_muscle_tendon", f=muscle_fit_loss, inputs=muscle_inputs, wrt=("params",)),
    dict(name="mogi_insar_gls_ramp", f=insar_mogi_misfit, inputs=insar_inputs, wrt=("src_km",)),
    dict(name="banister_fitness_fatigue", f=banister_fit_loss, inputs=banister_inputs, wrt=("log_params", "p0")),
    dict(name="logit_sue_od_estimation", f=od_estimation_loss, inputs=od_inputs, wrt=("log_demand",)),
    dict(name="transmission_ct_poisson_huber", f=ct_penalized_nll, inputs=ct_inputs, wrt=("mu",)),
    dict(name="helium_hartree_fock_scf", f=helium_hf_energy, inputs=helium_inputs, wrt=("log_alpha",)),
    dict(name="two_tower_logq_softmax", f=two_tower_loss, inputs=two_tower_inputs,
         wrt=("Wu1", "bu1", "Wu2", "Wi1", "bi1", "Wi2")),
    dict(name="falkner_skan_shooting", f=boundary_layer_loss, inputs=boundary_layer_inputs, wrt=("betas",)),
    dict(name="ekv_mosfet_iv_fit", f=ekv_fit_loss, inputs=ekv_inputs, wrt=("params",)),
    dict(name="odp_chain_ladder_reserve", f=odp_chain_ladder_loss, inputs=odp_inputs, wrt=("log_row", "log_col")),
    dict(name="vincenty_network_adjustment", f=geodetic_network_loss, inputs=geodetic_inputs, wrt=("coords",)),
]
