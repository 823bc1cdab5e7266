"""Twelfth held-out set: twenty-five programs written without reading adjit's docs or source, in domains the
other modules do not cover, the way lab notebooks, course notes and paper appendices write them: parameter
vectors unpacked into names, helpers with keyword defaults, boolean masks and fancy indexing (np.ix_,
np.setdiff1d, rank scatters from argsort), np.where over -inf logits, reductions with axis and keepdims,
broadcasting with None, loops with ifs, while loops (an active-set dispatch, an adaptive Runge-Kutta step
controller), list building, np.pad, np.tile, np.diff with prepend, np.searchsorted, np.linalg (solve,
cholesky, svd, det), scipy.linalg.solve_triangular, scipy.special (gammaln, expit, xlogy) and scipy.stats.

A Richards growth curve with a negative-binomial likelihood, differential-drive odometry calibration, a
rotating-retarder Mueller polarimeter, Eyring reverberation by octave band, thermogravimetric pyrolysis
with three pseudo-components, GARCH(1,1) with Student-t innovations, a mixture cure model with log-logistic
latency, LambdaRank with NDCG swaps, a learned bilateral filter, harmonic label propagation on a graph,
a supervised contrastive loss, a conditional neural process, Titsias' sparse-GP bound, a free-knot natural
cubic spline, non-crossing quantile regression, a finite-volume Darcy residual, Eckhardt's baseflow filter,
Kabsch superposition of conformers, active-set economic dispatch, Lotka-Volterra with an adaptive
Dormand-Prince integrator, Oliver-Pharr nanoindentation, a Nelson-Siegel-Svensson bond curve, skip-gram
with negative sampling, KL-NMF of a spectrogram and cumulative prospect theory.
Written as plain NumPy/SciPy, the way the domain's textbooks, lecture notes and notebooks write them.
"""
import numpy as np
from scipy.linalg import solve_triangular
from scipy.special import expit, gammaln, xlogy
from scipy.stats import norm


# ----------------------------------------------- epidemiology: Richards growth, negative binomial counts
def richards_cumulative(t, r, K, alpha, t0):
    return K / (1.0 + alpha * np.exp(-r * alpha * (t - t0))) ** (1.0 / alpha)


def negbin_logpmf(y, mu, phi):
    return (gammaln(y + phi) - gammaln(phi) - gammaln(y + 1.0)
            + phi * np.log(phi / (phi + mu)) + y * np.log(mu / (phi + mu)))


def richards_nll(theta, days, cases):
    r, log_K, log_alpha, t0, log_phi = theta
    K = np.exp(log_K)
    alpha = np.exp(log_alpha)
    phi = np.exp(log_phi)
    C = richards_cumulative(days, r, K, alpha, t0)
    incidence = np.diff(C, prepend=richards_cumulative(days[0] - 1.0, r, K, alpha, t0))
    incidence = np.maximum(incidence, 1e-8)
    return -np.sum(negbin_logpmf(cases, incidence, phi))


def richards_inputs(rng):
    days = np.arange(60.0)
    true = np.array([0.18, np.log(5000.0), np.log(0.7), 30.0, np.log(20.0)])
    C = richards_cumulative(days, true[0], np.exp(true[1]), np.exp(true[2]), true[3])
    mu = np.diff(C, prepend=richards_cumulative(-1.0, true[0], np.exp(true[1]), np.exp(true[2]), true[3]))
    cases = rng.negative_binomial(20.0, 20.0 / (20.0 + mu)).astype(float)
    return dict(theta=np.array([0.15, np.log(4000.0), np.log(1.0), 28.0, np.log(10.0)]), days=days, cases=cases)


# ----------------------------------------------- robotics: differential-drive odometry calibration
def integrate_odometry(params, ticks_l, ticks_r, ticks_per_rev=2048):
    r_l, r_r, b = params
    x, y, th = 0.0, 0.0, 0.0
    poses = [(x, y, th)]
    for k in range(len(ticks_l)):
        dl = 2.0 * np.pi * r_l * ticks_l[k] / ticks_per_rev
        dr = 2.0 * np.pi * r_r * ticks_r[k] / ticks_per_rev
        ds = 0.5 * (dl + dr)
        dth = (dr - dl) / b
        x += ds * np.cos(th + 0.5 * dth)
        y += ds * np.sin(th + 0.5 * dth)
        th += dth
        poses.append((x, y, th))
    return np.array(poses)


def odometry_loss(params, ticks_l, ticks_r, gt_idx, gt_pose, w_heading=0.5):
    poses = integrate_odometry(params, ticks_l, ticks_r)
    err_xy = poses[gt_idx, :2] - gt_pose[:, :2]
    dth = poses[gt_idx, 2] - gt_pose[:, 2]
    err_th = np.arctan2(np.sin(dth), np.cos(dth))   # wrap to (-pi, pi]
    return np.sum(err_xy ** 2) + w_heading * np.sum(err_th ** 2)


def odometry_inputs(rng):
    n = 120
    v = 0.3 + 0.1 * np.sin(np.arange(n) / 9.0)
    w = 0.4 * np.sin(np.arange(n) / 17.0)
    true = np.array([0.0502, 0.0497, 0.31])
    dl = (v - 0.5 * true[2] * w) * 0.5
    dr = (v + 0.5 * true[2] * w) * 0.5
    ticks_l = np.round(dl / (2 * np.pi * true[0]) * 2048)
    ticks_r = np.round(dr / (2 * np.pi * true[1]) * 2048)
    gt_idx = np.arange(10, n + 1, 10)
    gt_pose = integrate_odometry(true, ticks_l, ticks_r)[gt_idx] + 0.005 * rng.standard_normal((len(gt_idx), 3))
    return dict(params=np.array([0.05, 0.05, 0.30]), ticks_l=ticks_l, ticks_r=ticks_r, gt_idx=gt_idx,
                gt_pose=gt_pose)


# ----------------------------------------------- optics: rotating-retarder Mueller polarimeter
def linear_polarizer(theta):
    c, s = np.cos(2 * theta), np.sin(2 * theta)
    return 0.5 * np.array([[1.0, c, s, 0.0],
                           [c, c * c, c * s, 0.0],
                           [s, c * s, s * s, 0.0],
                           [0.0, 0.0, 0.0, 0.0]])


def retarder(delta, theta):
    c, s = np.cos(2 * theta), np.sin(2 * theta)
    cd, sd = np.cos(delta), np.sin(delta)
    return np.array([[1.0, 0.0, 0.0, 0.0],
                     [0.0, c * c + s * s * cd, c * s * (1 - cd), -s * sd],
                     [0.0, c * s * (1 - cd), s * s + c * c * cd, c * sd],
                     [0.0, s * sd, -c * sd, cd]])


def polarimeter_loss(params, S_in, angles, intensity):
    delta, ret_offset, pol_offset, gain = params
    predicted = []
    for a in angles:
        M = linear_polarizer(pol_offset) @ retarder(delta, a + ret_offset)
        S_out = M @ S_in
        predicted.append(gain * S_out[0])
    predicted = np.array(predicted)
    dop = np.sqrt(S_in[1] ** 2 + S_in[2] ** 2 + S_in[3] ** 2) / S_in[0]
    return np.mean((predicted - intensity) ** 2) + 0.1 * max(dop - 1.0, 0.0) ** 2


def polarimeter_inputs(rng):
    angles = np.linspace(0.0, np.pi, 36, endpoint=False)
    true = np.array([np.radians(91.0), 0.02, -0.015, 1.03])
    S_true = np.array([1.0, 0.3, -0.4, 0.5])
    I = np.array([true[3] * (linear_polarizer(true[2]) @ retarder(true[0], a + true[1]) @ S_true)[0]
                  for a in angles])
    return dict(params=np.array([np.pi / 2, 0.0, 0.0, 1.0]), S_in=np.array([1.0, 0.2, -0.3, 0.4]),
                angles=angles, intensity=I + 0.002 * rng.standard_normal(len(angles)))


# ----------------------------------------------- room acoustics: Eyring reverberation per octave band
OCTAVES = np.array([125.0, 250.0, 500.0, 1000.0, 2000.0, 4000.0])
SURFACES = {"floor": 180.0, "ceiling": 180.0, "walls": 320.0, "seating": 140.0}


def air_attenuation(f, humidity=50.0):
    """Power attenuation coefficient m (1/m), a fit to ISO 9613-1 at 20 C."""
    return 5.5e-4 * (50.0 / humidity) * (f / 1000.0) ** 1.7


def eyring_t60(alpha, areas, volume, f):
    S = np.sum(areas)
    mean_alpha = np.sum(areas[:, None] * alpha, axis=0) / S
    return 0.161 * volume / (-S * np.log(1.0 - mean_alpha) + 4.0 * air_attenuation(f) * volume)


def reverb_loss(logit_alpha, audience_gain, t60_empty, t60_occupied, volume=2400.0, smooth=0.05):
    alpha = expit(logit_alpha)
    areas = np.array(list(SURFACES.values()))
    t_empty = eyring_t60(alpha, areas, volume, OCTAVES)
    occupied = alpha.copy()
    seat = list(SURFACES).index("seating")
    occupied[seat] = np.minimum(alpha[seat] + np.exp(audience_gain), 0.99)
    t_occ = eyring_t60(occupied, areas, volume, OCTAVES)
    fit = np.sum(np.log(t_empty / t60_empty) ** 2) + np.sum(np.log(t_occ / t60_occupied) ** 2)
    return fit + smooth * np.sum(np.diff(logit_alpha, axis=1) ** 2)


def reverb_inputs(rng):
    alpha = np.array([[0.02, 0.03, 0.03, 0.04, 0.05, 0.05],
                      [0.15, 0.30, 0.55, 0.70, 0.70, 0.65],
                      [0.10, 0.08, 0.06, 0.05, 0.05, 0.05],
                      [0.45, 0.60, 0.72, 0.80, 0.80, 0.75]])
    areas = np.array(list(SURFACES.values()))
    t_e = eyring_t60(alpha, areas, 2400.0, OCTAVES)
    occ = alpha.copy()
    occ[3] = np.minimum(occ[3] + 0.12, 0.99)
    t_o = eyring_t60(occ, areas, 2400.0, OCTAVES)
    noise = lambda: np.exp(0.02 * rng.standard_normal(6))
    return dict(logit_alpha=np.full((4, 6), -1.0), audience_gain=np.log(0.1), t60_empty=t_e * noise(),
                t60_occupied=t_o * noise())


# ----------------------------------------------- chemical kinetics: TGA of biomass, three pseudo-components
R_GAS = 8.314


def tga_curve(params, T, heating_rate=10.0 / 60.0, char_yield=0.2):
    log_A = params[0:3]
    E = params[3:6] * 1e3           # kJ/mol -> J/mol
    order = params[6:9]
    frac = np.exp(params[9:12]) / np.sum(np.exp(params[9:12]))
    conv = np.zeros(3)
    mass = [1.0]
    for k in range(1, len(T)):
        dT = T[k] - T[k - 1]
        rate = np.exp(log_A) / heating_rate * np.exp(-E / (R_GAS * T[k - 1])) * (1.0 - conv) ** order
        conv = np.minimum(conv + rate * dT, 1.0)
        mass.append(1.0 - (1.0 - char_yield) * np.sum(frac * conv))
    return np.array(mass)


def tga_loss(params, T, mass_obs, dtg_weight=50.0):
    m = tga_curve(params, T)
    dtg = -np.gradient(m, T)
    dtg_obs = -np.gradient(mass_obs, T)
    return np.sum((m - mass_obs) ** 2) + dtg_weight * np.sum((dtg - dtg_obs) ** 2)


def tga_inputs(rng):
    T = np.linspace(400.0, 850.0, 226)
    true = np.array([11.0, 17.0, 2.5, 150.0, 195.0, 60.0, 1.0, 1.0, 1.5, 0.0, 0.7, -0.4])
    m = tga_curve(true, T)
    start = true + np.array([0.3, -0.4, 0.2, 4.0, -5.0, 3.0, 0.1, -0.1, 0.1, 0.1, -0.1, 0.1])
    return dict(params=start, T=T, mass_obs=m + 5e-4 * rng.standard_normal(len(T)))


# ----------------------------------------------- econometrics: GARCH(1,1) with Student-t innovations
def garch_t_nll(theta, returns):
    mu, log_omega, persistence_logit, share_logit, log_nu_minus_2 = theta
    omega = np.exp(log_omega)
    persistence = expit(persistence_logit)
    alpha = persistence * expit(share_logit)
    beta = persistence - alpha
    nu = 2.0 + np.exp(log_nu_minus_2)
    eps = returns - mu
    T = len(returns)
    sigma2 = np.empty(T)
    sigma2[0] = np.var(returns)
    for t in range(1, T):
        sigma2[t] = omega + alpha * eps[t - 1] ** 2 + beta * sigma2[t - 1]
    ll = (gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * np.log(np.pi * (nu - 2) * sigma2)
          - (nu + 1) / 2 * np.log1p(eps ** 2 / ((nu - 2) * sigma2)))
    return -np.sum(ll)


def garch_inputs(rng):
    T = 400
    omega, alpha, beta, nu = 0.05, 0.08, 0.9, 6.0
    r = np.zeros(T)
    s2 = omega / (1 - alpha - beta)
    for t in range(T):
        z = rng.standard_t(nu) * np.sqrt((nu - 2) / nu)
        r[t] = 0.03 + np.sqrt(s2) * z
        s2 = omega + alpha * (r[t] - 0.03) ** 2 + beta * s2
    return dict(theta=np.array([0.0, np.log(0.1), 2.0, -2.0, np.log(5.0)]), returns=r)


# ----------------------------------------------- survival: mixture cure model, log-logistic latency
def cure_nll(params, X, time, event):
    p = X.shape[1]
    gamma = params[:p]
    beta = params[p:2 * p]
    shape = np.exp(params[-1])
    pi_cure = expit(X @ gamma)
    lam = np.exp(-(X @ beta))
    z = (lam * time) ** shape
    S_u = 1.0 / (1.0 + z)
    f_u = shape * lam * (lam * time) ** (shape - 1.0) / (1.0 + z) ** 2
    died = event == 1
    ll_events = np.log(1.0 - pi_cure[died]) + np.log(f_u[died])
    ll_censored = np.log(pi_cure[~died] + (1.0 - pi_cure[~died]) * S_u[~died])
    return -(np.sum(ll_events) + np.sum(ll_censored)) + 0.01 * np.sum(params[:-1] ** 2)


def cure_inputs(rng):
    n = 300
    X = np.column_stack([np.ones(n), rng.standard_normal(n), rng.integers(0, 2, n)])
    cured = rng.random(n) < expit(X @ np.array([-0.5, 0.8, 0.4]))
    lam = np.exp(-(X @ np.array([1.5, -0.3, 0.2])))
    u = rng.random(n)
    t_event = (u / (1 - u)) ** (1 / 1.8) / lam
    t_event[cured] = np.inf
    censor = rng.uniform(1.0, 25.0, n)
    time = np.minimum(t_event, censor)
    event = (t_event <= censor).astype(int)
    return dict(params=np.zeros(7), X=X, time=time, event=event)


# ----------------------------------------------- learning to rank: LambdaRank with NDCG swap weights
def lambdarank_loss(w, queries, sigma=1.0, l2=1e-3):
    total = 0.0
    for X, rel in queries:
        s = X @ w
        n = len(s)
        order = np.argsort(-s)
        ranks = np.empty(n, dtype=int)
        ranks[order] = np.arange(n)
        gains = 2.0 ** rel - 1.0
        disc = 1.0 / np.log2(ranks + 2.0)
        ideal = np.sum(np.sort(gains)[::-1] / np.log2(np.arange(n) + 2.0))
        delta_ndcg = np.abs((gains[:, None] - gains[None, :]) * (disc[:, None] - disc[None, :])) / ideal
        s_diff = s[:, None] - s[None, :]
        better = rel[:, None] > rel[None, :]
        total += np.sum(delta_ndcg[better] * np.logaddexp(0.0, -sigma * s_diff[better]))
    return total / len(queries) + l2 * np.dot(w, w)


def lambdarank_inputs(rng):
    w_true = rng.standard_normal(6)
    queries = []
    for _ in range(5):
        X = rng.standard_normal((12, 6))
        rel = np.clip(np.round(1.5 + X @ w_true * 0.6 + 0.5 * rng.standard_normal(12)), 0, 4)
        queries.append((X, rel))
    return dict(w=0.1 * rng.standard_normal(6), queries=queries)


# ----------------------------------------------- image processing: learning a bilateral filter's widths
def bilateral_filter(img, sigma_s, sigma_r, radius=2):
    H, W = img.shape
    padded = np.pad(img, radius, mode="reflect")
    num = np.zeros_like(img)
    den = np.zeros_like(img)
    for dy in range(-radius, radius + 1):
        for dx in range(-radius, radius + 1):
            shifted = padded[radius + dy:radius + dy + H, radius + dx:radius + dx + W]
            weight = np.exp(-(dx * dx + dy * dy) / (2 * sigma_s ** 2) - (shifted - img) ** 2 / (2 * sigma_r ** 2))
            num += weight * shifted
            den += weight
    return num / den


def bilateral_loss(log_sigmas, noisy_images, clean_images):
    sigma_s, sigma_r = np.exp(log_sigmas)
    err = 0.0
    for noisy, clean in zip(noisy_images, clean_images):
        out = bilateral_filter(noisy, sigma_s, sigma_r)
        err += np.mean((out - clean) ** 2)
    return err / len(noisy_images)


def bilateral_inputs(rng):
    yy, xx = np.mgrid[0:20, 0:20]
    clean1 = (xx > 9).astype(float) + 0.5 * ((xx - 5) ** 2 + (yy - 14) ** 2 < 16)
    clean2 = np.sin(xx / 3.0) * (yy > 6)
    cleans = [clean1, clean2]
    noisy = [c + 0.15 * rng.standard_normal(c.shape) for c in cleans]
    return dict(log_sigmas=np.log(np.array([1.5, 0.3])), noisy_images=noisy, clean_images=cleans)


# ----------------------------------------------- graph learning: harmonic label propagation (Zhu et al. 2003)
def harmonic_label_loss(log_bandwidth, X, labeled_idx, y_labeled, val_idx, y_val):
    n = X.shape[0]
    scaled = X / np.exp(log_bandwidth)
    D2 = np.sum((scaled[:, None, :] - scaled[None, :, :]) ** 2, axis=-1)
    W = np.exp(-D2)
    np.fill_diagonal(W, 0.0)
    L = np.diag(W.sum(axis=1)) - W
    unlabeled = np.setdiff1d(np.arange(n), labeled_idx)
    L_uu = L[np.ix_(unlabeled, unlabeled)]
    L_ul = L[np.ix_(unlabeled, labeled_idx)]
    f_u = np.linalg.solve(L_uu, -L_ul @ y_labeled)
    f = np.zeros(n)
    f[labeled_idx] = y_labeled
    f[unlabeled] = f_u
    p = np.clip(f[val_idx], 1e-6, 1 - 1e-6)
    return -np.mean(y_val * np.log(p) + (1 - y_val) * np.log(1 - p))


def harmonic_inputs(rng):
    n = 60
    y = (rng.random(n) < 0.5).astype(float)
    X = np.column_stack([y * 2.0 + 0.8 * rng.standard_normal(n), rng.standard_normal(n),
                         0.5 * y + rng.standard_normal(n)])
    perm = rng.permutation(n)
    labeled_idx = np.sort(perm[:12])
    val_idx = np.sort(perm[12:30])
    return dict(log_bandwidth=np.zeros(3), X=X, labeled_idx=labeled_idx, y_labeled=y[labeled_idx],
                val_idx=val_idx, y_val=y[val_idx])


# ----------------------------------------------- representation learning: supervised contrastive loss
def supcon_loss(W, X, labels, temperature=0.2):
    Z = np.tanh(X @ W)
    Z = Z / np.linalg.norm(Z, axis=1, keepdims=True)
    sim = Z @ Z.T / temperature
    n = len(labels)
    self_mask = np.eye(n, dtype=bool)
    pos_mask = (labels[:, None] == labels[None, :]) & ~self_mask
    logits = np.where(self_mask, -np.inf, sim)
    logits_max = np.max(logits, axis=1, keepdims=True)
    shifted = logits - logits_max
    log_prob = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))
    n_pos = pos_mask.sum(axis=1)
    mean_log_pos = np.sum(np.where(pos_mask, log_prob, 0.0), axis=1) / np.maximum(n_pos, 1)
    has_pos = n_pos > 0
    return -np.mean(mean_log_pos[has_pos])


def supcon_inputs(rng):
    labels = np.array([0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 4])
    centers = rng.standard_normal((5, 10))
    X = centers[labels] + 0.7 * rng.standard_normal((len(labels), 10))
    return dict(W=0.3 * rng.standard_normal((10, 6)), X=X, labels=labels)


# ----------------------------------------------- meta-learning: a conditional neural process
def relu(x):
    return np.maximum(x, 0.0)


def cnp_nll(enc_W1, enc_b1, enc_W2, dec_W1, dec_b1, dec_W2, tasks):
    total = 0.0
    for xc, yc, xt, yt in tasks:
        context = np.concatenate([xc[:, None], yc[:, None]], axis=1)
        r = np.mean(relu(context @ enc_W1 + enc_b1) @ enc_W2, axis=0)
        dec_in = np.hstack([xt[:, None], np.tile(r, (len(xt), 1))])
        out = relu(dec_in @ dec_W1 + dec_b1) @ dec_W2
        mu, raw_sigma = out[:, 0], out[:, 1]
        sigma = 0.05 + 0.95 * np.log1p(np.exp(raw_sigma))
        total += np.sum(norm.logpdf(yt, loc=mu, scale=sigma))
    return -total / len(tasks)


def cnp_inputs(rng):
    tasks = []
    for _ in range(4):
        amp, phase = rng.uniform(0.5, 2.0), rng.uniform(0, np.pi)
        xc = rng.uniform(-3, 3, 8)
        xt = rng.uniform(-3, 3, 10)
        tasks.append((xc, amp * np.sin(xc + phase), xt, amp * np.sin(xt + phase)))
    h = 16
    return dict(enc_W1=0.5 * rng.standard_normal((2, h)), enc_b1=np.zeros(h), enc_W2=0.3 * rng.standard_normal((h, 8)),
                dec_W1=0.3 * rng.standard_normal((9, h)), dec_b1=np.zeros(h),
                dec_W2=0.3 * rng.standard_normal((h, 2)), tasks=tasks)


# ----------------------------------------------- Gaussian processes: Titsias' sparse variational bound
def rbf_kernel(A, B, lengthscale, variance):
    d2 = np.sum(A ** 2, axis=1)[:, None] + np.sum(B ** 2, axis=1)[None, :] - 2.0 * A @ B.T
    return variance * np.exp(-0.5 * d2 / lengthscale ** 2)


def sgpr_neg_elbo(log_params, Z, X, y, jitter=1e-6):
    lengthscale, variance, noise = np.exp(log_params)
    N = X.shape[0]
    M = Z.shape[0]
    Kuu = rbf_kernel(Z, Z, lengthscale, variance) + jitter * np.eye(M)
    Kuf = rbf_kernel(Z, X, lengthscale, variance)
    L = np.linalg.cholesky(Kuu)
    A = solve_triangular(L, Kuf, lower=True) / np.sqrt(noise)
    AAT = A @ A.T
    B = np.eye(M) + AAT
    LB = np.linalg.cholesky(B)
    c = solve_triangular(LB, A @ y, lower=True) / np.sqrt(noise)
    elbo = (-0.5 * N * np.log(2 * np.pi) - np.sum(np.log(np.diag(LB))) - 0.5 * N * np.log(noise)
            - 0.5 * np.dot(y, y) / noise + 0.5 * np.dot(c, c)
            - 0.5 * N * variance / noise + 0.5 * np.trace(AAT))
    return -elbo


def sgpr_inputs(rng):
    X = np.sort(rng.uniform(-4, 4, (80, 1)), axis=0)
    y = np.sin(2 * X[:, 0]) + 0.3 * X[:, 0] + 0.1 * rng.standard_normal(80)
    Z = np.linspace(-3.5, 3.5, 8)[:, None] + 0.1 * rng.standard_normal((8, 1))
    return dict(log_params=np.log(np.array([1.0, 1.0, 0.1])), Z=Z, X=X, y=y)


# ----------------------------------------------- curve fitting: a free-knot natural cubic spline
def natural_spline_moments(xk, yk):
    n = len(xk)
    h = np.diff(xk)
    A = np.zeros((n, n))
    rhs = np.zeros(n)
    A[0, 0] = 1.0
    A[-1, -1] = 1.0
    for i in range(1, n - 1):
        A[i, i - 1] = h[i - 1]
        A[i, i] = 2.0 * (h[i - 1] + h[i])
        A[i, i + 1] = h[i]
        rhs[i] = 6.0 * ((yk[i + 1] - yk[i]) / h[i] - (yk[i] - yk[i - 1]) / h[i - 1])
    return np.linalg.solve(A, rhs)


def spline_eval(x, xk, yk, M):
    idx = np.clip(np.searchsorted(xk, x) - 1, 0, len(xk) - 2)
    h = xk[idx + 1] - xk[idx]
    a = (xk[idx + 1] - x) / h
    b = (x - xk[idx]) / h
    return a * yk[idx] + b * yk[idx + 1] + ((a ** 3 - a) * M[idx] + (b ** 3 - b) * M[idx + 1]) * h ** 2 / 6.0


def spline_fit_loss(yk, inner_knots, x, y, x_lo=0.0, x_hi=10.0, lam=1e-3):
    xk = np.concatenate(([x_lo], np.sort(inner_knots), [x_hi]))
    M = natural_spline_moments(xk, yk)
    resid = y - spline_eval(x, xk, yk, M)
    roughness = np.sum((M[:-1] ** 2 + M[:-1] * M[1:] + M[1:] ** 2) * np.diff(xk)) / 3.0
    return np.sum(resid ** 2) + lam * roughness


def spline_inputs(rng):
    x = np.sort(rng.uniform(0.0, 10.0, 120))
    y = np.tanh(2.0 * (x - 4.0)) + 0.3 * np.sin(1.5 * x) + 0.05 * rng.standard_normal(120)
    inner = np.array([2.1, 3.4, 4.6, 6.3, 8.2])
    return dict(yk=np.interp(np.concatenate(([0.0], inner, [10.0])), x, y), inner_knots=inner, x=x, y=y)


# ----------------------------------------------- statistics: non-crossing quantile regression
TAUS = np.array([0.1, 0.25, 0.5, 0.75, 0.9])


def smoothed_check(u, tau, h=0.05):
    """The check loss rho_tau(u) = u (tau - 1[u < 0]) with |u| Huberized near zero."""
    abs_smooth = np.where(np.abs(u) <= h, u ** 2 / (2 * h) + h / 2, np.abs(u))
    return 0.5 * abs_smooth + (tau - 0.5) * u


def quantile_reg_loss(B, X, y, penalty=20.0):
    Q = X @ B                          # (n, n_tau)
    U = y[:, None] - Q
    fit = np.mean(np.sum(smoothed_check(U, TAUS[None, :]), axis=1))
    crossing = np.maximum(Q[:, :-1] - Q[:, 1:], 0.0)
    return fit + penalty * np.mean(crossing ** 2)


def quantile_inputs(rng):
    n = 200
    x = rng.uniform(0, 5, n)
    y = 1.0 + 0.5 * x + (0.2 + 0.3 * x) * rng.standard_normal(n)
    X = np.column_stack([np.ones(n), x, x ** 2 / 10.0])
    B = np.tile(np.array([[1.0], [0.5], [0.0]]), (1, len(TAUS))) + 0.1 * rng.standard_normal((3, len(TAUS)))
    return dict(B=B, X=X, y=y)


# ----------------------------------------------- PDE inversion: finite-volume Darcy residual
def darcy_residual(log_k, p, q, dx):
    k = np.exp(log_k)
    kx = 2.0 * k[:, 1:] * k[:, :-1] / (k[:, 1:] + k[:, :-1])     # harmonic means on faces
    ky = 2.0 * k[1:, :] * k[:-1, :] / (k[1:, :] + k[:-1, :])
    flux_x = -kx * (p[:, 1:] - p[:, :-1]) / dx
    flux_y = -ky * (p[1:, :] - p[:-1, :]) / dx
    div = np.zeros_like(p)
    div[:, :-1] += flux_x
    div[:, 1:] -= flux_x
    div[:-1, :] += flux_y
    div[1:, :] -= flux_y
    return div / dx - q


def darcy_loss(log_k, p, p_obs, obs_mask, q, dx=0.1, w_data=100.0, beta=1e-2):
    r = darcy_residual(log_k, p, q, dx)
    physics = np.sum(r[1:-1, 1:-1] ** 2)
    data = np.sum(((p - p_obs) * obs_mask) ** 2)
    reg = np.sum(np.diff(log_k, axis=0) ** 2) + np.sum(np.diff(log_k, axis=1) ** 2)
    return physics * dx ** 2 + w_data * data + beta * reg


def darcy_inputs(rng):
    ny, nx = 10, 12
    yy, xx = np.mgrid[0:ny, 0:nx]
    p = 1.0 - xx / (nx - 1) + 0.05 * np.sin(yy / 2.0)
    q = np.zeros((ny, nx))
    q[5, 3] = 0.5
    q[3, 9] = -0.5
    mask = (rng.random((ny, nx)) < 0.3).astype(float)
    return dict(log_k=0.1 * rng.standard_normal((ny, nx)), p=p + 0.01 * rng.standard_normal((ny, nx)),
                p_obs=p, obs_mask=mask, q=q)


# ----------------------------------------------- hydrology: Eckhardt baseflow filter against tracer separation
def eckhardt_filter(Q, a, bfi_max):
    b = np.empty_like(Q)
    b[0] = bfi_max * Q[0]
    for t in range(1, len(Q)):
        b[t] = ((1 - bfi_max) * a * b[t - 1] + (1 - a) * bfi_max * Q[t]) / (1 - a * bfi_max)
        if b[t] > Q[t]:
            b[t] = Q[t]
    return b


def baseflow_loss(theta, Q, tracer_baseflow, w_recession=1.0):
    a = expit(theta[0])
    bfi_max = expit(theta[1])
    b = eckhardt_filter(Q, a, bfi_max)
    sampled = ~np.isnan(tracer_baseflow)
    tracer_err = np.mean((np.log(b[sampled]) - np.log(tracer_baseflow[sampled])) ** 2)
    # on days of pure recession, baseflow should decay at the filter constant
    receding = np.zeros(len(Q), dtype=bool)
    receding[2:] = (Q[2:] < Q[1:-1]) & (Q[1:-1] < Q[:-2])
    ratio = b[1:][receding[1:]] / b[:-1][receding[1:]]
    return tracer_err + w_recession * np.mean((ratio - a) ** 2)


def baseflow_inputs(rng):
    n = 200
    Q = np.zeros(n)
    base, quick = 2.0, 0.0
    for t in range(n):
        rain = rng.gamma(0.3, 8.0) if rng.random() < 0.2 else 0.0
        quick = 0.6 * quick + 0.7 * rain
        base = 0.98 * base + 0.05 * rain
        Q[t] = base + quick
    tracer = np.full(n, np.nan)
    days = np.arange(5, n, 9)
    tracer[days] = np.minimum(Q[days] * 0.97, (0.55 * Q[days] + 0.4 * np.mean(Q)) * (1 + 0.05 * rng.standard_normal(len(days))))
    return dict(theta=np.array([3.0, 0.0]), Q=Q, tracer_baseflow=tracer)


# ----------------------------------------------- structural biology: Kabsch superposition of conformers
def kabsch_rmsd(P, Q, weights):
    w = weights / np.sum(weights)
    Pc = P - w @ P
    Qc = Q - w @ Q
    H = (Pc * w[:, None]).T @ Qc
    U, S, Vt = np.linalg.svd(H)
    d = np.sign(np.linalg.det(Vt.T @ U.T))
    D = np.diag([1.0, 1.0, d])
    R = Vt.T @ D @ U.T
    diff = Pc @ R.T - Qc
    return np.sqrt(np.sum(w * np.sum(diff ** 2, axis=1)))


def consensus_structure_loss(coords, frames, weights, bond_length=3.8, k_bond=10.0):
    msd = sum(kabsch_rmsd(coords, F, weights) ** 2 for F in frames) / len(frames)
    bonds = np.linalg.norm(coords[1:] - coords[:-1], axis=1)
    return msd + k_bond * np.mean((bonds - bond_length) ** 2)


def kabsch_inputs(rng):
    n = 14
    t = np.arange(n)
    base = np.column_stack([2.3 * np.cos(1.75 * t), 2.3 * np.sin(1.75 * t), 1.5 * t])
    frames = []
    for _ in range(5):
        angle = rng.uniform(0, 2 * np.pi)
        c, s = np.cos(angle), np.sin(angle)
        Rz = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
        frames.append((base + 0.3 * rng.standard_normal((n, 3))) @ Rz.T + rng.standard_normal(3))
    return dict(coords=base + 0.2 * rng.standard_normal((n, 3)), frames=frames,
                weights=np.where(np.arange(n) % 4 == 0, 2.0, 1.0))


# ----------------------------------------------- power systems: economic dispatch by the active-set rule
def dispatch_active_set(a, b, pmin, pmax, demand, max_iter=20):
    n = len(a)
    free = np.ones(n, dtype=bool)
    p = np.zeros(n)
    it = 0
    while it < max_iter:
        fixed = np.sum(p[~free])
        lam = (demand - fixed + np.sum(b[free] / (2 * a[free]))) / np.sum(1.0 / (2 * a[free]))
        p_try = (lam - b) / (2 * a)
        too_high = free & (p_try > pmax)
        too_low = free & (p_try < pmin)
        if not np.any(too_high | too_low):
            break
        # fix only the side that is violated more; the other may come back within bounds
        over = np.sum(np.where(too_high, p_try - pmax, 0.0))
        under = np.sum(np.where(too_low, pmin - p_try, 0.0))
        if over >= under:
            p[too_high] = pmax[too_high]
            free = free & ~too_high
        else:
            p[too_low] = pmin[too_low]
            free = free & ~too_low
        it += 1
    return np.where(free, (lam - b) / (2 * a), p), lam


def dispatch_cost_loss(cost_params, demands, price_obs, pmin, pmax):
    n = len(pmin)
    a = np.exp(cost_params[:n])
    b = cost_params[n:]
    err = 0.0
    cost = 0.0
    for D, price in zip(demands, price_obs):
        p, lam = dispatch_active_set(a, b, pmin, pmax, D)
        cost += np.sum(a * p ** 2 + b * p)
        err += (lam - price) ** 2
    return err + 1e-6 * cost


def dispatch_inputs(rng):
    pmin = np.array([50.0, 40.0, 20.0, 10.0, 10.0])
    pmax = np.array([400.0, 300.0, 200.0, 120.0, 80.0])
    a = np.array([0.008, 0.010, 0.012, 0.02, 0.03])
    b = np.array([18.0, 19.0, 20.0, 21.5, 22.0])
    demands = np.array([300.0, 450.0, 620.0, 780.0, 900.0, 1010.0])
    prices = np.array([dispatch_active_set(a, b, pmin, pmax, D)[1] for D in demands])
    return dict(cost_params=np.concatenate([np.log(a * 1.2), b - 1.0]), demands=demands,
                price_obs=prices + 0.2 * rng.standard_normal(len(demands)), pmin=pmin, pmax=pmax)


# ----------------------------------------------- population ecology: Lotka-Volterra, adaptive Dormand-Prince
DP_C = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0, 1.0])
DP_A = [[],
        [1 / 5],
        [3 / 40, 9 / 40],
        [44 / 45, -56 / 15, 32 / 9],
        [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
        [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
        [35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84]]
DP_B5 = np.array([35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84, 0.0])
DP_B4 = np.array([5179 / 57600, 0.0, 7571 / 16695, 393 / 640, -92097 / 339200, 187 / 2100, 1 / 40])


def lotka_volterra(y, theta):
    alpha, beta, delta, gamma = theta
    prey, pred = y
    return np.array([alpha * prey - beta * prey * pred, delta * prey * pred - gamma * pred])


def dopri_solve(theta, y0, t_obs, rtol=1e-6, atol=1e-8, h0=0.05):
    y = y0.copy()
    t = 0.0
    h = h0
    out = []
    for t_next in t_obs:
        while t < t_next - 1e-12:
            h = min(h, t_next - t)
            k = []
            for s in range(7):
                yi = y.copy()
                for j in range(s):
                    yi = yi + h * DP_A[s][j] * k[j]
                k.append(lotka_volterra(yi, theta))
            K = np.array(k)
            y5 = y + h * DP_B5 @ K
            y4 = y + h * DP_B4 @ K
            scale = atol + rtol * np.maximum(np.abs(y), np.abs(y5))
            err = np.sqrt(np.mean(((y5 - y4) / scale) ** 2))
            if err <= 1.0:
                t = t + h
                y = y5
            if err == 0.0:
                h = 5.0 * h
            else:
                h = h * min(5.0, max(0.2, 0.9 * err ** (-0.2)))
        out.append(y)
    return np.array(out)


def lv_loss(log_theta, log_y0, t_obs, counts_obs):
    traj = dopri_solve(np.exp(log_theta), np.exp(log_y0), t_obs)
    return np.sum((np.log(traj) - np.log(counts_obs)) ** 2)


def lv_inputs(rng):
    t_obs = np.linspace(1.0, 20.0, 20)
    true = np.array([1.1, 0.4, 0.1, 0.4])
    traj = dopri_solve(true, np.array([10.0, 5.0]), t_obs)
    return dict(log_theta=np.log(true * np.array([1.05, 0.95, 1.04, 0.97])), log_y0=np.log(np.array([9.0, 5.5])),
                t_obs=t_obs, counts_obs=traj * np.exp(0.05 * rng.standard_normal(traj.shape)))


# ----------------------------------------------- materials: Oliver-Pharr nanoindentation, area function
def oliver_pharr(h, P, unload_params, area_coeffs, eps=0.75, beta=1.034):
    log_alpha, h_f, m = unload_params
    i_max = np.argmax(P)
    h_max, P_max = h[i_max], P[i_max]
    unloading = (np.arange(len(h)) > i_max) & (P > 0.2 * P_max)
    model = np.exp(log_alpha) * np.clip(h - h_f, 0.0, None) ** m
    fit = np.sum((model[unloading] - P[unloading]) ** 2) / P_max ** 2
    S = m * np.exp(log_alpha) * (h_max - h_f) ** (m - 1)
    h_c = h_max - eps * P_max / S
    C0, C1, C2 = area_coeffs
    A = C0 * h_c ** 2 + C1 * h_c + C2 * np.sqrt(h_c)
    E_r = np.sqrt(np.pi) / (2 * beta) * S / np.sqrt(A)
    H = P_max / A
    return fit, E_r, H


def nanoindentation_loss(unload_params, area_coeffs, curves, E_ref=69.6, w_modulus=0.01):
    total = 0.0
    for k, (h, P) in enumerate(curves):
        fit, E_r, H = oliver_pharr(h, P, unload_params[k], area_coeffs)
        total += fit + w_modulus * (E_r - E_ref) ** 2
    return total


def nanoindentation_inputs(rng):
    curves = []
    starts = []
    for depth in (0.3, 0.5, 0.8):        # micrometres; loads in mN
        hl = np.linspace(0.0, depth, 40)
        Pl = 180.0 * hl ** 2
        Pmax = Pl[-1]
        hf = 0.75 * depth
        alpha = Pmax / (depth - hf) ** 1.4
        hu = np.linspace(depth, hf, 40)[1:]
        Pu = alpha * (hu - hf) ** 1.4
        h = np.concatenate([hl, hu])
        P = np.concatenate([Pl, Pu]) + 0.01 * Pmax * rng.standard_normal(len(hl) + len(hu))
        curves.append((h, P))
        starts.append([np.log(alpha) + 0.1, hf - 0.01, 1.35])
    return dict(unload_params=np.array(starts), area_coeffs=np.array([24.5, 0.8, 0.05]), curves=curves)


# ----------------------------------------------- fixed income: Nelson-Siegel-Svensson from bond prices
BONDS = [(0.5, 1.0), (1.25, 2.0), (2.0, 3.0), (2.5, 5.0), (3.0, 7.0), (3.25, 10.0), (3.5, 15.0), (3.75, 20.0),
         (4.0, 30.0)]   # (annual coupon %, maturity in years)


def nss_zero_rate(t, beta, tau):
    b0, b1, b2, b3 = beta
    tau1, tau2 = tau
    x1 = t / tau1
    x2 = t / tau2
    f1 = (1 - np.exp(-x1)) / x1
    return b0 + b1 * f1 + b2 * (f1 - np.exp(-x1)) + b3 * ((1 - np.exp(-x2)) / x2 - np.exp(-x2))


def bond_pricing_loss(beta, log_tau, prices, freq=2):
    tau = np.exp(log_tau)
    err = 0.0
    for (coupon, maturity), price in zip(BONDS, prices):
        times = np.arange(maturity, 0.0, -1.0 / freq)[::-1]
        cash = np.full(len(times), coupon / freq)
        cash[-1] += 100.0
        z = nss_zero_rate(times, beta, tau) / 100.0
        model = np.sum(cash * np.exp(-z * times))
        duration = np.sum(times * cash * np.exp(-z * times)) / model
        err += ((model - price) / duration) ** 2
    return err


def bond_inputs(rng):
    beta_true = np.array([4.2, -3.5, 1.5, 2.0])
    tau_true = np.array([1.8, 9.0])
    prices = []
    for coupon, maturity in BONDS:
        times = np.arange(maturity, 0.0, -0.5)[::-1]
        cash = np.full(len(times), coupon / 2)
        cash[-1] += 100.0
        z = nss_zero_rate(times, beta_true, tau_true) / 100.0
        prices.append(np.sum(cash * np.exp(-z * times)) + 0.02 * rng.standard_normal())
    return dict(beta=np.array([4.0, -3.0, 1.0, 1.0]), log_tau=np.log(np.array([2.0, 8.0])), prices=np.array(prices))


# ----------------------------------------------- NLP: skip-gram with negative sampling
def sgns_loss(W_in, W_out, centers, contexts, negatives, keep_prob):
    v = W_in[centers]                      # (B, d)
    u_pos = W_out[contexts]                # (B, d)
    u_neg = W_out[negatives]               # (B, K, d)
    pos_score = np.sum(v * u_pos, axis=1)
    neg_score = np.einsum("bd,bkd->bk", v, u_neg)
    ll = np.log(expit(pos_score)) + np.sum(np.log(expit(-neg_score)), axis=1)
    weight = keep_prob[centers]             # frequent words are subsampled
    return -np.sum(weight * ll) / np.sum(weight)


def sgns_inputs(rng):
    V, d, B, K = 40, 8, 64, 5
    counts = rng.zipf(1.5, V).astype(float)
    freq = counts / counts.sum()
    keep = np.minimum(1.0, np.sqrt(1e-2 / freq))
    centers = rng.integers(0, V, B)
    contexts = (centers + rng.integers(1, 3, B)) % V
    noise = freq ** 0.75 / np.sum(freq ** 0.75)
    negatives = rng.choice(V, size=(B, K), p=noise)
    return dict(W_in=0.1 * rng.standard_normal((V, d)), W_out=0.1 * rng.standard_normal((V, d)), centers=centers,
                contexts=contexts, negatives=negatives, keep_prob=keep)


# ----------------------------------------------- audio: KL-NMF of a magnitude spectrogram
def kl_nmf_loss(log_W, log_H, V, smooth=0.1, sparsity=0.01):
    W = np.exp(log_W)
    W = W / W.sum(axis=0, keepdims=True)       # each template sums to one
    H = np.exp(log_H)
    V_hat = W @ H + 1e-9
    divergence = np.sum(xlogy(V, V / V_hat) - V + V_hat)
    continuity = np.sum(np.diff(H, axis=1) ** 2 / (np.mean(H ** 2, axis=1, keepdims=True) + 1e-9))
    return divergence + smooth * continuity + sparsity * np.sum(H)


def nmf_inputs(rng):
    F, T, K = 32, 40, 3
    W = rng.gamma(1.0, 1.0, (F, K))
    W[W < 0.4] = 0.0
    H = rng.gamma(0.6, 2.0, (K, T))
    V = W @ H
    V[rng.random(V.shape) < 0.05] = 0.0          # dropped bins
    return dict(log_W=np.log(rng.uniform(0.5, 1.5, (F, K))), log_H=np.log(rng.uniform(0.5, 1.5, (K, T))), V=V)


# ----------------------------------------------- behavioural economics: cumulative prospect theory choices
def cpt_value(x, alpha, loss_aversion):
    return np.where(x >= 0, np.abs(x) ** alpha, -loss_aversion * np.abs(x) ** alpha)


def prelec(p, gamma):
    return np.exp(-(-np.log(p)) ** gamma)


def gamble_utility(x_hi, p_hi, x_lo, alpha, loss_aversion, gamma_gain, gamma_loss):
    """Two-outcome gamble, x_hi with probability p_hi, else x_lo (x_hi > x_lo)."""
    v_hi = cpt_value(x_hi, alpha, loss_aversion)
    v_lo = cpt_value(x_lo, alpha, loss_aversion)
    if x_lo >= 0:      # all gains: rank-dependent weight on the better outcome
        w = prelec(p_hi, gamma_gain)
        return w * v_hi + (1 - w) * v_lo
    elif x_hi <= 0:    # all losses: rank-dependent weight on the worse outcome
        w = prelec(1 - p_hi, gamma_loss)
        return (1 - w) * v_hi + w * v_lo
    else:              # mixed
        return prelec(p_hi, gamma_gain) * v_hi + prelec(1 - p_hi, gamma_loss) * v_lo


def cpt_nll(theta, gambles_a, gambles_b, chose_a):
    alpha = expit(theta[0])
    loss_aversion = np.exp(theta[1])
    gamma_gain = np.exp(theta[2])
    gamma_loss = np.exp(theta[3])
    temperature = np.exp(theta[4])
    nll = 0.0
    for ga, gb, c in zip(gambles_a, gambles_b, chose_a):
        ua = gamble_utility(ga[0], ga[1], ga[2], alpha, loss_aversion, gamma_gain, gamma_loss)
        ub = gamble_utility(gb[0], gb[1], gb[2], alpha, loss_aversion, gamma_gain, gamma_loss)
        p_a = expit((ua - ub) / temperature)
        nll -= c * np.log(p_a) + (1 - c) * np.log(1 - p_a)
    return nll


def cpt_inputs(rng):
    n = 40
    ga, gb, choice = [], [], []
    for _ in range(n):
        kind = rng.integers(0, 3)
        lo, hi = np.sort(rng.choice([-1, 1], 2) * rng.uniform(5, 100, 2)) if kind == 2 else (
            np.sort(rng.uniform(5, 100, 2)) * (1 if kind == 0 else -1))
        lo, hi = min(lo, hi), max(lo, hi)
        p = rng.uniform(0.05, 0.95)
        ga.append(np.array([hi, p, lo]))
        sure = p * hi + (1 - p) * lo + rng.uniform(-10, 10)
        sure = sure if abs(sure) > 1.0 else 1.5
        gb.append(np.array([sure, 0.5, sure]))
        choice.append(float(rng.random() < 0.5))
    return dict(theta=np.array([0.8, np.log(2.0), np.log(0.7), np.log(0.7), np.log(5.0)]),
                gambles_a=np.array(ga), gambles_b=np.array(gb), chose_a=np.array(choice))


PROGRAMS = [
    dict(name="richards_negbin_outbreak", f=richards_nll, inputs=richards_inputs, wrt=("theta",)),
    dict(name="diffdrive_odometry_calibration", f=odometry_loss, inputs=odometry_inputs, wrt=("params",)),
    dict(name="mueller_rotating_retarder", f=polarimeter_loss, inputs=polarimeter_inputs, wrt=("params", "S_in")),
    dict(name="eyring_reverb_octaves", f=reverb_loss, inputs=reverb_inputs, wrt=("logit_alpha", "audience_gain")),
    dict(name="tga_pyrolysis_pseudocomponents", f=tga_loss, inputs=tga_inputs, wrt=("params",)),
    dict(name="garch_student_t", f=garch_t_nll, inputs=garch_inputs, wrt=("theta",)),
    dict(name="mixture_cure_loglogistic", f=cure_nll, inputs=cure_inputs, wrt=("params",)),
    dict(name="lambdarank_ndcg_swaps", f=lambdarank_loss, inputs=lambdarank_inputs, wrt=("w",)),
    dict(name="bilateral_filter_widths", f=bilateral_loss, inputs=bilateral_inputs, wrt=("log_sigmas",)),
    dict(name="harmonic_label_propagation", f=harmonic_label_loss, inputs=harmonic_inputs, wrt=("log_bandwidth",)),
    dict(name="supervised_contrastive", f=supcon_loss, inputs=supcon_inputs, wrt=("W",)),
    dict(name="conditional_neural_process", f=cnp_nll, inputs=cnp_inputs,
         wrt=("enc_W1", "enc_b1", "enc_W2", "dec_W1", "dec_b1", "dec_W2")),
    dict(name="titsias_sparse_gp", f=sgpr_neg_elbo, inputs=sgpr_inputs, wrt=("log_params", "Z")),
    dict(name="free_knot_natural_spline", f=spline_fit_loss, inputs=spline_inputs, wrt=("yk", "inner_knots")),
    dict(name="noncrossing_quantile_regression", f=quantile_reg_loss, inputs=quantile_inputs, wrt=("B",)),
    dict(name="darcy_finite_volume_residual", f=darcy_loss, inputs=darcy_inputs, wrt=("log_k", "p")),
    dict(name="eckhardt_baseflow_filter", f=baseflow_loss, inputs=baseflow_inputs, wrt=("theta",)),
    dict(name="kabsch_consensus_structure", f=consensus_structure_loss, inputs=kabsch_inputs, wrt=("coords",)),
    dict(name="economic_dispatch_active_set", f=dispatch_cost_loss, inputs=dispatch_inputs, wrt=("cost_params",)),
    dict(name="lotka_volterra_dopri_adaptive", f=lv_loss, inputs=lv_inputs, wrt=("log_theta", "log_y0")),
    dict(name="oliver_pharr_nanoindentation", f=nanoindentation_loss, inputs=nanoindentation_inputs,
         wrt=("unload_params", "area_coeffs")),
    dict(name="nelson_siegel_svensson_bonds", f=bond_pricing_loss, inputs=bond_inputs, wrt=("beta", "log_tau")),
    dict(name="skipgram_negative_sampling", f=sgns_loss, inputs=sgns_inputs, wrt=("W_in", "W_out")),
    dict(name="kl_nmf_spectrogram", f=kl_nmf_loss, inputs=nmf_inputs, wrt=("log_W", "log_H")),
    dict(name="cumulative_prospect_theory", f=cpt_nll, inputs=cpt_inputs, wrt=("theta",)),
]
