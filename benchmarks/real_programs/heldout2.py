"""Second held-out set: thirty programs written without reading adjit's docs or source, in domains the
other modules do not cover.

Quaternion inverse kinematics, Morse clusters with a switching cutoff, conceptual rainfall-runoff,
age-structured SEIR, ARMA, heteroskedastic probit, Cox with Efron ties, hierarchical models, lens ray
tracing, FIR design, multi-resolution STFT losses, graph convolution, planar and RealNVP flows, BPR,
CRF and CTC, LQR rollouts, an energy-balance climate model, basket-option Greeks, cotangent mesh
fairing, anisotropic kriging, call-centre staffing, PK/PD, Elo ratings, radial-velocity orbits,
1-D full-waveform inversion, Leslie matrices, item response theory and zero-inflated counts.
Written as plain NumPy/SciPy, the way the domain's textbooks and notebooks write them.
"""
import math

import numpy as np
import scipy.linalg
from scipy.spatial.distance import pdist, squareform
from scipy.special import expit, gammaln, logsumexp
from scipy.stats import cauchy, norm


# ------------------------------------------------------------------- robotics: quaternion IK
def quat_mul(q, r):
    w0, x0, y0, z0 = q
    w1, x1, y1, z1 = r
    return np.array([w0 * w1 - x0 * x1 - y0 * y1 - z0 * z1,
                     w0 * x1 + x0 * w1 + y0 * z1 - z0 * y1,
                     w0 * y1 - x0 * z1 + y0 * w1 + z0 * x1,
                     w0 * z1 + x0 * y1 - y0 * x1 + z0 * w1])


def quat_conj(q):
    return q * np.array([1.0, -1.0, -1.0, -1.0])


def quat_rotate(q, v):
    qv = np.concatenate([[0.0], v])
    return quat_mul(quat_mul(q, qv), quat_conj(q))[1:]


def axis_angle_to_quat(axis, angle):
    axis = axis / np.linalg.norm(axis)
    return np.concatenate([[np.cos(angle / 2)], np.sin(angle / 2) * axis])


def quaternion_ik(joint_angles, link_offsets, axes, target_pos, target_quat):
    """Pose error of a 6-joint serial manipulator, forward kinematics by quaternion products."""
    q = np.array([1.0, 0.0, 0.0, 0.0])
    p = np.zeros(3)
    for j in range(len(joint_angles)):
        q = quat_mul(q, axis_angle_to_quat(axes[j], joint_angles[j]))
        p = p + quat_rotate(q, link_offsets[j])
    pos_err = np.sum((p - target_pos) ** 2)
    rot_err = 1.0 - np.dot(q, target_quat) ** 2      # q and -q are the same rotation
    return pos_err + 0.5 * rot_err + 1e-3 * np.sum(joint_angles ** 2)


def quaternion_ik_inputs(rng):
    axes = np.array([[0, 0, 1], [0, 1, 0], [0, 1, 0], [1, 0, 0], [0, 1, 0], [1, 0, 0]], dtype=float)
    offsets = np.array([[0, 0, 0.3], [0.4, 0, 0], [0.35, 0, 0], [0.1, 0, 0], [0.08, 0, 0], [0.05, 0, 0]])
    tq = np.array([0.9, 0.1, 0.3, -0.2])
    return dict(joint_angles=np.array([0.3, -0.5, 0.8, 0.1, -0.3, 0.2]) + 0.05 * rng.standard_normal(6),
                link_offsets=offsets + 0.01 * rng.standard_normal((6, 3)), axes=axes,
                target_pos=np.array([0.45, 0.2, 0.55]), target_quat=tq / np.linalg.norm(tq))


# ------------------------------------------------------------- chemistry: Morse with switching
def morse_cluster_energy(positions, D_e, a, r_e, r_on=2.5, r_cut=3.2):
    """Morse pair potential for a small cluster with a CHARMM-style switching function."""
    n = len(positions)
    i, j = np.triu_indices(n, k=1)
    diff = positions[i] - positions[j]
    r = np.sqrt(np.sum(diff ** 2, axis=1))
    V = D_e * (1.0 - np.exp(-a * (r - r_e))) ** 2 - D_e
    s = np.ones_like(r)
    mid = (r > r_on) & (r < r_cut)
    rm = r[mid]
    s[mid] = (r_cut ** 2 - rm ** 2) ** 2 * (r_cut ** 2 + 2 * rm ** 2 - 3 * r_on ** 2) / (r_cut ** 2 - r_on ** 2) ** 3
    s[r >= r_cut] = 0.0
    return np.sum(V * s)


def morse_inputs(rng):
    g = np.array([[x, y, z] for x in range(3) for y in range(2) for z in range(2)], dtype=float) * 1.15
    return dict(positions=g + 0.08 * rng.standard_normal(g.shape), D_e=0.35, a=1.6, r_e=1.1)


# --------------------------------------------------------------- hydrology: HBV-style bucket model
def hbv_simulate(params, precip, temp, pet):
    tt, cfmax, fc, lp, beta, k0, k1, k2, uzl, perc = params
    snow, sm, suz, slz = 0.0, 0.5 * fc, 5.0, 10.0
    q_sim = []
    for t in range(len(precip)):
        if temp[t] < tt:
            snow = snow + precip[t]
            rain = 0.0
        else:
            rain = precip[t]
        melt = min(cfmax * max(temp[t] - tt, 0.0), snow)
        snow = snow - melt
        inflow = rain + melt
        recharge = inflow * (sm / fc) ** beta
        sm = sm + inflow - recharge
        if sm > fc:
            recharge += sm - fc
            sm = fc
        et = pet[t] * min(sm / (lp * fc), 1.0)
        sm = max(sm - et, 0.0)
        suz = suz + recharge
        to_lower = min(perc, suz)
        suz = suz - to_lower
        slz = slz + to_lower
        q0 = k0 * max(suz - uzl, 0.0)
        q1 = k1 * suz
        q2 = k2 * slz
        suz = suz - q0 - q1
        slz = slz - q2
        q_sim.append(q0 + q1 + q2)
    return np.array(q_sim)


def hbv_nse_loss(params, precip, temp, pet, q_obs, warmup=20):
    """1 - Nash-Sutcliffe efficiency of simulated daily discharge after a warm-up period."""
    q_sim = hbv_simulate(params, precip, temp, pet)[warmup:]
    q = q_obs[warmup:]
    return np.sum((q_sim - q) ** 2) / np.sum((q - q.mean()) ** 2)


def hbv_inputs(rng):
    days = np.arange(150)
    temp = -4.0 + 10.0 * np.sin(2 * np.pi * (days - 40) / 365 * 2.0) + 2.0 * rng.standard_normal(150)
    precip = rng.gamma(0.6, 6.0, 150) * (rng.random(150) < 0.55)
    pet = np.clip(0.5 + 0.15 * temp, 0.05, None)
    true = np.array([0.0, 3.0, 150.0, 0.7, 2.0, 0.15, 0.06, 0.02, 15.0, 1.5])
    q_obs = hbv_simulate(true, precip, temp, pet) * np.exp(0.1 * rng.standard_normal(150))
    guess = np.array([0.3, 2.5, 170.0, 0.65, 2.3, 0.12, 0.07, 0.025, 13.0, 1.3])
    return dict(params=guess, precip=precip, temp=temp, pet=pet, q_obs=q_obs)


# ------------------------------------------------------------ epidemiology: age-structured SEIR
def seir_age_nll(log_beta, log_sigma, log_gamma, logit_rho, contact, pop, cases, dt=0.25):
    """Poisson likelihood of reported daily cases per age group; Euler steps of an age-structured SEIR."""
    beta = np.exp(log_beta)          # susceptibility per age group
    sigma, gamma = np.exp(log_sigma), np.exp(log_gamma)
    rho = 1.0 / (1.0 + np.exp(-logit_rho))
    n_age = len(pop)
    E = np.full(n_age, 5.0)
    I = np.full(n_age, 5.0)
    S = pop - E - I
    R = np.zeros(n_age)
    steps = int(round(1.0 / dt))
    daily = []
    for day in range(cases.shape[0]):
        incidence = np.zeros(n_age)
        for _ in range(steps):
            force = beta * (contact @ (I / pop))
            new_exposed = force * S * dt
            new_infectious = sigma * E * dt
            new_recovered = gamma * I * dt
            S = S - new_exposed
            E = E + new_exposed - new_infectious
            I = I + new_infectious - new_recovered
            R = R + new_recovered
            incidence = incidence + new_infectious
        daily.append(rho * incidence)
    mu = np.array(daily)
    return -np.sum(cases * np.log(mu) - mu - gammaln(cases + 1))


def seir_inputs(rng):
    contact = np.array([[8.0, 3.0, 2.0, 0.5], [3.0, 10.0, 4.0, 1.0], [2.0, 4.0, 6.0, 1.5], [0.5, 1.0, 1.5, 3.0]]) / 10
    pop = np.array([2.0e5, 3.0e5, 3.5e5, 1.5e5])
    lb_true = np.log(np.array([0.35, 0.45, 0.4, 0.3]))
    beta, sigma, gamma, rho = np.exp(lb_true), 1 / 3.0, 1 / 5.0, 0.3
    E = np.full(4, 5.0)
    I = np.full(4, 5.0)
    S = pop - E - I
    cases = []
    for day in range(50):
        inc = np.zeros(4)
        for _ in range(4):
            ne = beta * (contact @ (I / pop)) * S * 0.25
            ni = sigma * E * 0.25
            nr = gamma * I * 0.25
            S, E, I = S - ne, E + ne - ni, I + ni - nr
            inc += ni
        cases.append(rng.poisson(rho * inc))
    return dict(log_beta=lb_true + 0.05 * rng.standard_normal(4), log_sigma=np.log(0.3), log_gamma=np.log(0.22),
                logit_rho=-0.7, contact=contact, pop=pop, cases=np.array(cases, dtype=float))


# -------------------------------------------------------------------- econometrics: ARMA(p, q)
def arma_css_nll(phi, theta, mu, log_sigma, y):
    """Conditional-sum-of-squares Gaussian likelihood of an ARMA(p, q) model."""
    p, q = len(phi), len(theta)
    n = len(y)
    start = max(p, q)
    eps = np.zeros(n)
    for t in range(start, n):
        ar = np.dot(phi, y[t - p:t][::-1] - mu)
        ma = np.dot(theta, eps[t - q:t][::-1])
        eps[t] = y[t] - mu - ar - ma
    resid = eps[start:]
    sigma2 = np.exp(2 * log_sigma)
    m = len(resid)
    return 0.5 * m * np.log(2 * np.pi * sigma2) + 0.5 * np.sum(resid ** 2) / sigma2


def arma_inputs(rng):
    n = 200
    e = rng.standard_normal(n + 50)
    y = np.zeros(n + 50)
    for t in range(2, n + 50):
        y[t] = 0.5 * y[t - 1] - 0.2 * y[t - 2] + e[t] + 0.4 * e[t - 1]
    return dict(phi=np.array([0.45, -0.15]), theta=np.array([0.35]), mu=0.1, log_sigma=0.05, y=1.0 + y[50:])


# ----------------------------------------------------------- econometrics: heteroskedastic probit
def het_probit_nll(beta, gamma, X, Z, y):
    """Harvey's heteroskedastic probit: P(y=1) = Phi(x'b / exp(z'g))."""
    scale = np.exp(Z @ gamma)
    index = X @ beta / scale
    ll = y * norm.logcdf(index) + (1 - y) * norm.logcdf(-index)
    return -np.sum(ll)


def probit_inputs(rng):
    n = 300
    X = np.column_stack([np.ones(n), rng.standard_normal((n, 3))])
    Z = rng.standard_normal((n, 2))
    latent = X @ np.array([0.3, 1.0, -0.7, 0.4]) + np.exp(Z @ np.array([0.3, -0.2])) * rng.standard_normal(n)
    return dict(beta=np.array([0.2, 0.8, -0.5, 0.3]), gamma=np.array([0.1, -0.1]), X=X, Z=Z,
                y=(latent > 0).astype(float))


# ------------------------------------------------------------------ survival: Cox with Efron ties
def cox_efron_nll(beta, X, time, event, l2=0.01):
    """Negative Cox partial log-likelihood, Efron's approximation for tied event times."""
    eta = X @ beta
    risk = np.exp(eta)
    nll = 0.0
    for t in np.unique(time[event == 1]):
        at_risk = time >= t
        dead = (time == t) & (event == 1)
        d = int(dead.sum())
        risk_set = risk[at_risk].sum()
        tie_risk = risk[dead].sum()
        nll -= eta[dead].sum()
        for l in range(d):
            nll += np.log(risk_set - l / d * tie_risk)
    return nll + l2 * np.sum(beta ** 2)


def cox_inputs(rng):
    n = 80
    X = rng.standard_normal((n, 4))
    true_time = rng.exponential(1.0 / np.exp(X @ np.array([0.5, -0.4, 0.0, 0.3])))
    censor = rng.exponential(1.5, n)
    time = np.ceil(np.minimum(true_time, censor) * 8) / 8      # recorded on a coarse grid: many ties
    event = (true_time <= censor).astype(int)
    return dict(beta=0.1 * rng.standard_normal(4), X=X, time=time, event=event)


# -------------------------------------------------------------- Bayesian: hierarchical (8 schools)
def eight_schools_neg_logpost(mu, log_tau, theta_tilde, y, sigma):
    """Non-centred eight-schools posterior with a half-Cauchy(0, 5) prior on tau (log-tau scale)."""
    tau = np.exp(log_tau)
    theta = mu + tau * theta_tilde
    lp = norm.logpdf(mu, 0.0, 5.0)
    lp += np.log(2.0) + cauchy.logpdf(tau, 0.0, 5.0) + log_tau    # half-Cauchy + Jacobian
    lp += np.sum(norm.logpdf(theta_tilde, 0.0, 1.0))
    lp += np.sum(norm.logpdf(y, theta, sigma))
    return -lp


def eight_schools_inputs(rng):
    return dict(mu=4.4, log_tau=1.2, theta_tilde=0.5 * rng.standard_normal(8),
                y=np.array([28.0, 8.0, -3.0, 7.0, -1.0, 1.0, 18.0, 12.0]),
                sigma=np.array([15.0, 10.0, 16.0, 11.0, 9.0, 11.0, 10.0, 18.0]))


# ----------------------------------------------------------------------- optics: ray tracing
def refract(d, n_hat, eta):
    """Vector Snell's law; n_hat points against the incoming direction d."""
    cos_i = -np.sum(n_hat * d, axis=1)
    k = 1.0 - eta ** 2 * (1.0 - cos_i ** 2)
    return eta * d + (eta * cos_i - np.sqrt(k))[:, None] * n_hat


def intersect_sphere(origin, d, z_vertex, curvature):
    R = 1.0 / curvature
    center = np.array([0.0, 0.0, z_vertex + R])
    oc = origin - center
    b = np.sum(oc * d, axis=1)
    c = np.sum(oc ** 2, axis=1) - R ** 2
    t = -b - np.sign(R) * np.sqrt(b ** 2 - c)
    point = origin + t[:, None] * d
    normal = (point - center) / R
    return point, normal


def lens_spot_size(curv, thickness, z_image, pupil, wavelengths):
    """RMS spot radius of a singlet over three wavelengths (Cauchy dispersion), real ray trace."""
    total = 0.0
    for lam in wavelengths:
        n_glass = 1.5046 + 0.0042 / lam ** 2
        origin = np.column_stack([pupil, np.full(len(pupil), -10.0)])
        d = np.tile([0.0, 0.0, 1.0], (len(pupil), 1))
        p1, n1 = intersect_sphere(origin, d, 0.0, curv[0])
        d1 = refract(d, n1, 1.0 / n_glass)
        p2, n2 = intersect_sphere(p1, d1, thickness, curv[1])
        d2 = refract(d1, n2, n_glass)
        t = (z_image - p2[:, 2]) / d2[:, 2]
        xy = p2[:, :2] + t[:, None] * d2[:, :2]
        total += np.mean(np.sum(xy ** 2, axis=1))
    return np.sqrt(total / len(wavelengths))


def lens_inputs(rng):
    r = np.sqrt(np.linspace(0.05, 1.0, 6)) * 6.0
    ang = np.linspace(0, 2 * np.pi, 7)[:-1]
    pupil = np.array([[ri * np.cos(a), ri * np.sin(a)] for ri in r for a in ang])
    return dict(curv=np.array([0.021, -0.018]) + 0.0005 * rng.standard_normal(2), thickness=5.0, z_image=52.0,
                pupil=pupil, wavelengths=np.array([0.486, 0.588, 0.656]))


# ---------------------------------------------------------------- signal processing: FIR design
def fir_design_loss(h_half, freqs, desired, weights):
    """Weighted least-squares magnitude design of a linear-phase (symmetric) FIR low-pass filter."""
    h = np.concatenate([h_half, h_half[::-1]])
    n = np.arange(len(h))
    H = np.exp(-1j * np.outer(freqs, n)) @ h
    mag = np.abs(H)
    err = weights * (mag - desired) ** 2
    return np.sum(err) / len(freqs) + 1e-4 * np.sum(h ** 2)


def fir_inputs(rng):
    freqs = np.linspace(0.0, np.pi, 128)
    desired = (freqs <= 0.3 * np.pi).astype(float)
    weights = np.where(freqs <= 0.3 * np.pi, 1.0, np.where(freqs >= 0.4 * np.pi, 10.0, 0.0))
    taps = 16
    m = np.arange(2 * taps) - (2 * taps - 1) / 2
    ideal = 0.3 * np.sinc(0.3 * m) * np.hamming(2 * taps)
    return dict(h_half=ideal[:taps] + 0.005 * rng.standard_normal(taps), freqs=freqs, desired=desired,
                weights=weights)


# ------------------------------------------------------- signal processing: multi-resolution STFT
def frame_signal(x, frame_len, hop):
    n_frames = 1 + (len(x) - frame_len) // hop
    idx = np.arange(frame_len)[None, :] + hop * np.arange(n_frames)[:, None]
    return x[idx]


def harmonic_plus_noise(amps, f0, decay, noise_gain, sr=8000, n=512):
    t = np.arange(n) / sr
    x = np.zeros(n)
    for k in range(len(amps)):
        x += amps[k] * np.sin(2 * np.pi * (k + 1) * f0 * t)
    noise = np.random.default_rng(1234).uniform(-1.0, 1.0, n)
    return x * np.exp(-decay * t) + noise_gain * noise


def stft_loss(amps, f0, decay, noise_gain, target, fft_sizes=(32, 64, 128)):
    """DDSP-style multi-resolution spectral loss of a harmonic-plus-noise synthesiser against a recording."""
    x = harmonic_plus_noise(amps, f0, decay, noise_gain)
    loss = 0.0
    for n_fft in fft_sizes:
        hop = n_fft // 4
        win = np.hanning(n_fft)
        X = np.abs(np.fft.rfft(frame_signal(x, n_fft, hop) * win, axis=1))
        T = np.abs(np.fft.rfft(frame_signal(target, n_fft, hop) * win, axis=1))
        sc = np.linalg.norm(T - X) / np.linalg.norm(T)
        log_mag = np.mean((np.log(X + 1e-7) - np.log(T + 1e-7)) ** 2)
        loss += sc + log_mag
    return loss / len(fft_sizes)


def stft_inputs(rng):
    amps_true = np.array([1.0, 0.6, 0.4, 0.25, 0.15, 0.1])
    target = harmonic_plus_noise(amps_true, 220.0, 3.0, 0.0) + 0.01 * rng.standard_normal(512)
    return dict(amps=amps_true * (1 + 0.2 * rng.standard_normal(6)), f0=223.0, decay=2.5, noise_gain=0.02,
                target=target)


# ----------------------------------------------------------------------- graph neural network
def gcn_loss(W1, b1, W2, A, X, labels, train_mask, weight_decay=5e-4):
    """Two-layer Kipf & Welling GCN, cross-entropy on the labelled nodes."""
    A_hat = A + np.eye(A.shape[0])
    deg = A_hat.sum(axis=1)
    D_inv_sqrt = np.diag(1.0 / np.sqrt(deg))
    A_norm = D_inv_sqrt @ A_hat @ D_inv_sqrt
    H = np.maximum(A_norm @ X @ W1 + b1, 0.0)
    logits = A_norm @ H @ W2
    logits = logits - logits.max(axis=1, keepdims=True)
    log_probs = logits - np.log(np.exp(logits).sum(axis=1, keepdims=True))
    nll = -log_probs[np.arange(len(labels)), labels]
    return nll[train_mask].mean() + weight_decay * np.sum(W1 ** 2)


def gcn_inputs(rng):
    n, f, hdim, c = 30, 8, 12, 3
    labels = rng.integers(0, c, n)
    same = labels[:, None] == labels[None, :]
    A = (rng.random((n, n)) < np.where(same, 0.25, 0.04)).astype(float)
    A = np.triu(A, 1)
    A = A + A.T
    X = rng.standard_normal((n, f)) + 0.8 * np.eye(c)[labels] @ rng.standard_normal((c, f))
    return dict(W1=0.3 * rng.standard_normal((f, hdim)), b1=0.1 * rng.standard_normal(hdim),
                W2=0.3 * rng.standard_normal((hdim, c)), A=A, X=X, labels=labels, train_mask=rng.random(n) < 0.6)


# -------------------------------------------------------------------- normalizing flows: planar
def ring_log_density(z):
    """Unnormalised 'U1'-style target of Rezende & Mohamed: a ring with two lobes."""
    r = np.linalg.norm(z, axis=1)
    u = 0.5 * ((r - 2.0) / 0.4) ** 2
    u -= np.log(np.exp(-0.5 * ((z[:, 0] - 2.0) / 0.6) ** 2) + np.exp(-0.5 * ((z[:, 0] + 2.0) / 0.6) ** 2))
    return -u


def planar_flow_kl(us, ws, bs, n_samples=200):
    """Reverse KL (up to a constant) of K planar flows against the ring target, base samples fixed."""
    np.random.seed(0)
    z0 = np.random.randn(n_samples, 2)
    z = z0
    log_det = np.zeros(n_samples)
    for k in range(len(us)):
        u, w, b = us[k], ws[k], bs[k]
        wu = w @ u
        u_hat = u + (-1.0 + np.log1p(np.exp(wu)) - wu) * w / (w @ w)     # keeps the flow invertible
        a = np.tanh(z @ w + b)
        psi = np.outer(1.0 - a ** 2, w)
        log_det += np.log(np.abs(1.0 + psi @ u_hat))
        z = z + np.outer(a, u_hat)
    log_q0 = -0.5 * np.sum(z0 ** 2, axis=1) - np.log(2 * np.pi)
    return np.mean(log_q0 - log_det - ring_log_density(z))


def planar_inputs(rng):
    return dict(us=0.8 * rng.standard_normal((4, 2)), ws=0.8 * rng.standard_normal((4, 2)),
                bs=0.2 * rng.standard_normal(4))


# ------------------------------------------------------------------- normalizing flows: RealNVP
def realnvp_nll(W1, b1, Ws, bs, Wt, bt, x):
    """Negative log-likelihood of 2-D data under affine coupling layers with alternating masks."""
    log_det = np.zeros(len(x))
    z = x
    for l in range(W1.shape[0]):
        mask = np.array([1.0, 0.0]) if l % 2 == 0 else np.array([0.0, 1.0])
        z_masked = z * mask
        h = np.tanh(z_masked @ W1[l] + b1[l])
        s = np.tanh(h @ Ws[l] + bs[l]) * (1 - mask)
        t = (h @ Wt[l] + bt[l]) * (1 - mask)
        z = z_masked + (1 - mask) * (z * np.exp(s) + t)
        log_det += s.sum(axis=1)
    log_pz = -0.5 * np.sum(z ** 2, axis=1) - np.log(2 * np.pi)
    return -np.mean(log_pz + log_det)


def realnvp_inputs(rng):
    n = 128
    th = rng.uniform(0, np.pi, n)
    upper = rng.random(n) < 0.5
    x = np.where(upper[:, None], np.column_stack([np.cos(th), np.sin(th)]),
                 np.column_stack([1 - np.cos(th), 0.5 - np.sin(th)]))
    x = x + 0.1 * rng.standard_normal((n, 2))
    L, H = 4, 8
    return dict(W1=0.5 * rng.standard_normal((L, 2, H)), b1=0.1 * rng.standard_normal((L, H)),
                Ws=0.3 * rng.standard_normal((L, H, 2)), bs=np.zeros((L, 2)),
                Wt=0.3 * rng.standard_normal((L, H, 2)), bt=np.zeros((L, 2)), x=x)


# ---------------------------------------------------------------------- recommender: BPR-MF
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def bpr_loss(U, V, item_bias, users, pos_items, neg_items, reg=0.01):
    """Bayesian personalised ranking on (user, preferred item, other item) triples."""
    u = U[users]
    x_pos = np.sum(u * V[pos_items], axis=1) + item_bias[pos_items]
    x_neg = np.sum(u * V[neg_items], axis=1) + item_bias[neg_items]
    x_uij = x_pos - x_neg
    loss = -np.sum(np.log(sigmoid(x_uij)))
    penalty = reg * (np.sum(u ** 2) + np.sum(V[pos_items] ** 2) + np.sum(V[neg_items] ** 2)
                     + np.sum(item_bias[pos_items] ** 2) + np.sum(item_bias[neg_items] ** 2))
    return (loss + penalty) / len(users)


def bpr_inputs(rng):
    n_users, n_items, k, n_triples = 20, 30, 4, 200
    true_u = rng.standard_normal((n_users, k))
    true_v = rng.standard_normal((n_items, k))
    users = rng.integers(0, n_users, n_triples)
    a, b = rng.integers(0, n_items, n_triples), rng.integers(0, n_items, n_triples)
    b = np.where(a == b, (b + 1) % n_items, b)
    prefer_a = np.sum(true_u[users] * true_v[a], axis=1) > np.sum(true_u[users] * true_v[b], axis=1)
    return dict(U=0.1 * rng.standard_normal((n_users, k)), V=0.1 * rng.standard_normal((n_items, k)),
                item_bias=np.zeros(n_items), users=users,
                pos_items=np.where(prefer_a, a, b), neg_items=np.where(prefer_a, b, a))


# ------------------------------------------------------------------------ NLP: linear-chain CRF
def crf_sentence_nll(emissions, transitions, start, end, tags):
    T = len(tags)
    score = start[tags[0]] + emissions[0, tags[0]]
    for t in range(1, T):
        score += transitions[tags[t - 1], tags[t]] + emissions[t, tags[t]]
    score += end[tags[-1]]
    alpha = start + emissions[0]
    for t in range(1, T):
        alpha = logsumexp(alpha[:, None] + transitions, axis=0) + emissions[t]
    return logsumexp(alpha + end) - score


def crf_nll(W_emit, transitions, start, end, features, tags, lengths):
    """Linear-chain CRF tagger over a padded batch of sentences of different lengths."""
    total = 0.0
    for b in range(len(lengths)):
        T = lengths[b]
        emissions = features[b, :T] @ W_emit
        total += crf_sentence_nll(emissions, transitions, start, end, tags[b, :T])
    return total / len(lengths)


def crf_inputs(rng):
    B, Tmax, F, K = 6, 12, 7, 4
    lengths = rng.integers(5, Tmax + 1, B)
    return dict(W_emit=0.3 * rng.standard_normal((F, K)), transitions=0.2 * rng.standard_normal((K, K)),
                start=0.1 * rng.standard_normal(K), end=0.1 * rng.standard_normal(K),
                features=rng.standard_normal((B, Tmax, F)), tags=rng.integers(0, K, (B, Tmax)), lengths=lengths)


# -------------------------------------------------------------------------- NLP: CTC forward
def ctc_loss(W, b, features, label, blank=0):
    """Connectionist temporal classification negative log-likelihood (Graves 2006 alpha recursion)."""
    logits = features @ W + b
    log_probs = logits - logsumexp(logits, axis=1, keepdims=True)
    ext = [blank]
    for c in label:
        ext += [c, blank]
    S, T = len(ext), len(log_probs)
    NEG = -1e30                                          # log(0)
    alpha = np.full(S, NEG)
    alpha[0] = log_probs[0, ext[0]]
    alpha[1] = log_probs[0, ext[1]]
    for t in range(1, T):
        new = np.full(S, NEG)
        for s in range(S):
            a = alpha[s]
            if s > 0:
                a = np.logaddexp(a, alpha[s - 1])
            if s > 1 and ext[s] != blank and ext[s] != ext[s - 2]:
                a = np.logaddexp(a, alpha[s - 2])
            new[s] = a + log_probs[t, ext[s]]
        alpha = new
    return -np.logaddexp(alpha[S - 1], alpha[S - 2])


def ctc_inputs(rng):
    return dict(W=0.4 * rng.standard_normal((8, 5)), b=np.zeros(5), features=rng.standard_normal((24, 8)),
                label=[3, 1, 1, 4, 2])


# ------------------------------------------------------------------------ control: LQR rollout
def lqr_rollout_cost(K, A, B, Q, R, x0s, noise, u_max=2.0):
    """Average quadratic cost of a saturated linear state-feedback policy over noisy rollouts."""
    total = 0.0
    for i in range(len(x0s)):
        x = x0s[i]
        for t in range(noise.shape[1]):
            u = np.clip(-K @ x, -u_max, u_max)
            total += x @ Q @ x + u @ R @ u
            x = A @ x + B @ u + noise[i, t]
        total += 10.0 * x @ Q @ x
    return total / len(x0s)


def lqr_inputs(rng):
    dt = 0.05
    A = np.array([[1, dt, 0, 0], [0, 1, -0.1 * dt, 0], [0, 0, 1, dt], [0, 0, 2.0 * dt, 1]])
    B = np.array([[0.0], [dt], [0.0], [-0.5 * dt]])
    return dict(K=np.array([[-1.0, -1.8, -12.0, -3.0]]) + 0.1 * rng.standard_normal((1, 4)), A=A, B=B,
                Q=np.diag([1.0, 0.1, 5.0, 0.1]), R=np.array([[0.05]]), x0s=0.3 * rng.standard_normal((5, 4)),
                noise=0.002 * rng.standard_normal((5, 60, 4)))


# ---------------------------------------------------------- climate: 1-D energy-balance model
def ebm_equilibrium(params, x_edges, n_steps=400, dt=0.05, heat_capacity=10.0, S0=1365.0):
    """Budyko-Sellers diffusive EBM on x = sin(latitude); smooth ice-albedo feedback; explicit Euler."""
    log_D, A, B, a_ice, a_ocean = params
    D = np.exp(log_D)
    x = 0.5 * (x_edges[1:] + x_edges[:-1])
    dx = x_edges[1] - x_edges[0]
    insolation = S0 / 4 * (1 - 0.482 * 0.5 * (3 * x ** 2 - 1))
    T = np.full(len(x), 10.0)
    for _ in range(n_steps):
        albedo = a_ice + (a_ocean - a_ice) * 0.5 * (1 + np.tanh((T + 10.0) / 5.0))
        asr = insolation * (1 - albedo)
        olr = A + B * T
        flux = D * (1 - x_edges[1:-1] ** 2) * np.diff(T) / dx
        flux = np.concatenate([[0.0], flux, [0.0]])
        T = T + dt / heat_capacity * (asr - olr + np.diff(flux) / dx)
    return T


def ebm_misfit(params, x_edges, T_obs):
    T = ebm_equilibrium(params, x_edges)
    return np.mean((T - T_obs) ** 2)


def ebm_inputs(rng):
    x_edges = np.linspace(-1, 1, 21)
    x = 0.5 * (x_edges[1:] + x_edges[:-1])
    T_obs = 29.0 - 45.0 * x ** 2 + 1.0 * rng.standard_normal(20)
    return dict(params=np.array([np.log(0.55), 205.0, 2.1, 0.62, 0.3]), x_edges=x_edges, T_obs=T_obs)


# ------------------------------------------------------------- finance: basket option Greeks (MC)
def basket_call_mc(spot, vols, rho, r, weights, strike, T=1.0, n_paths=4000, seed=7):
    """Monte Carlo price of a European basket call; its gradient gives delta, vega and rho."""
    n = len(spot)
    corr = np.eye(n)
    iu = np.triu_indices(n, 1)
    corr[iu] = rho
    corr[(iu[1], iu[0])] = rho
    L = scipy.linalg.cholesky(corr, lower=True)
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n_paths, n))
    W = Z @ L.T
    ST = spot * np.exp((r - 0.5 * vols ** 2) * T + vols * np.sqrt(T) * W)
    basket = ST @ weights
    payoff = np.maximum(basket - strike, 0.0)
    return np.exp(-r * T) * payoff.mean()


def basket_inputs(rng):
    return dict(spot=np.array([100.0, 95.0, 110.0]), vols=np.array([0.2, 0.25, 0.3]),
                rho=np.array([0.5, 0.3, 0.4]), r=0.03, weights=np.array([0.4, 0.3, 0.3]), strike=100.0)


# ------------------------------------------------------------- graphics: cotangent mesh fairing
def cotan(a, b):
    return np.sum(a * b, axis=1) / np.linalg.norm(np.cross(a, b), axis=1)


def cotan_fairing_energy(verts, faces, noisy, lam=0.5):
    """Cotangent-Laplacian Dirichlet energy (assembled by scatter-add) plus fidelity to the scanned mesh."""
    n = len(verts)
    i, j, k = faces[:, 0], faces[:, 1], faces[:, 2]
    vi, vj, vk = verts[i], verts[j], verts[k]
    cot_i = cotan(vj - vi, vk - vi)       # angle at i, opposite edge (j, k)
    cot_j = cotan(vk - vj, vi - vj)
    cot_k = cotan(vi - vk, vj - vk)
    W = np.zeros((n, n))
    np.add.at(W, (j, k), 0.5 * cot_i)
    np.add.at(W, (k, j), 0.5 * cot_i)
    np.add.at(W, (k, i), 0.5 * cot_j)
    np.add.at(W, (i, k), 0.5 * cot_j)
    np.add.at(W, (i, j), 0.5 * cot_k)
    np.add.at(W, (j, i), 0.5 * cot_k)
    L = np.diag(W.sum(axis=1)) - W
    dirichlet = 0.5 * np.trace(verts.T @ L @ verts)
    return dirichlet + lam * np.sum((verts - noisy) ** 2)


def fairing_inputs(rng):
    m = 5
    gx, gy = np.meshgrid(np.arange(m, dtype=float), np.arange(m, dtype=float))
    base = np.column_stack([gx.ravel(), gy.ravel(), 0.3 * np.sin(gx.ravel()) * np.cos(gy.ravel())])
    faces = []
    for r in range(m - 1):
        for c in range(m - 1):
            v = r * m + c
            faces += [[v, v + 1, v + m + 1], [v, v + m + 1, v + m]]
    noisy = base + 0.05 * rng.standard_normal(base.shape)
    return dict(verts=noisy + 0.02 * rng.standard_normal(base.shape), faces=np.array(faces), noisy=noisy)


# ------------------------------------------------------------ geostatistics: anisotropic kriging
def kriging_neg_reml(log_range, log_sill, log_nugget, angle, log_ratio, coords, z, trend):
    """Restricted likelihood of an exponential covariance with geometric anisotropy and a linear trend."""
    c, s = np.cos(angle), np.sin(angle)
    rot = np.array([[c, s], [-s, c]])
    scaled = coords @ rot.T / np.array([1.0, np.exp(log_ratio)])
    h = squareform(pdist(scaled))
    K = np.exp(log_sill) * np.exp(-h / np.exp(log_range)) + np.exp(log_nugget) * np.eye(len(z))
    cf = scipy.linalg.cho_factor(K, lower=True)
    Ki_X = scipy.linalg.cho_solve(cf, trend)
    Ki_z = scipy.linalg.cho_solve(cf, z)
    XtKiX = trend.T @ Ki_X
    beta = np.linalg.solve(XtKiX, trend.T @ Ki_z)
    resid = z - trend @ beta
    logdet_K = 2 * np.sum(np.log(np.diag(cf[0])))
    sign, logdet_X = np.linalg.slogdet(XtKiX)
    quad = resid @ scipy.linalg.cho_solve(cf, resid)
    return 0.5 * (logdet_K + logdet_X + quad)


def kriging_inputs(rng):
    n = 40
    coords = rng.uniform(0, 10, (n, 2))
    trend = np.column_stack([np.ones(n), coords])
    z = 2.0 + 0.3 * coords[:, 0] - 0.1 * coords[:, 1] + np.sin(coords[:, 0] * 0.8 + 0.3 * coords[:, 1])
    z = z + 0.1 * rng.standard_normal(n)
    return dict(log_range=np.log(2.5), log_sill=np.log(0.6), log_nugget=np.log(0.05), angle=0.4, log_ratio=-0.3,
                coords=coords, z=z, trend=trend)


# --------------------------------------------------------------------- queueing: Erlang-C staffing
def erlang_c(servers, load):
    """Probability that an arriving call waits in an M/M/c queue with offered load lambda/mu."""
    below = sum(load ** k / math.factorial(k) for k in range(servers))
    top = load ** servers / math.factorial(servers) * servers / (servers - load)
    return top / (below + top)


def call_centre_cost(log_mu, arrivals, servers, wage=4.0, wait_cost=60.0):
    """Hourly cost of a call centre: waiting time (Erlang C) against the cost of faster service."""
    total = 0.0
    for h in range(len(arrivals)):
        mu = np.exp(log_mu[h])
        pw = erlang_c(int(servers[h]), arrivals[h] / mu)
        wq = pw / (servers[h] * mu - arrivals[h])
        total += wait_cost * arrivals[h] * wq + wage * servers[h] * mu ** 2
    return total


def call_centre_inputs(rng):
    arrivals = np.array([20.0, 35.0, 60.0, 80.0, 75.0, 50.0, 40.0, 25.0])
    servers = np.array([4, 6, 9, 12, 11, 8, 7, 5])
    mu = arrivals / servers * (1.25 + 0.1 * rng.random(8))
    return dict(log_mu=np.log(mu), arrivals=arrivals, servers=servers)


# -------------------------------------------------------------- pharmacology: 2-compartment PK/PD
def pkpd_nll(log_theta, dose_times, doses, obs_times, conc_obs, effect_obs):
    """IV-bolus two-compartment PK (bi-exponential), sigmoid-Emax (Hill) PD; log-normal and normal errors."""
    CL, V1, Q, V2, EC50, Emax, hill, E0, sigma_c, sigma_e = np.exp(log_theta)
    k10, k12, k21 = CL / V1, Q / V1, Q / V2
    bsum = k10 + k12 + k21
    disc = np.sqrt(bsum ** 2 - 4 * k10 * k21)
    alpha, beta = (bsum + disc) / 2, (bsum - disc) / 2
    A = (alpha - k21) / (V1 * (alpha - beta))
    B = (k21 - beta) / (V1 * (alpha - beta))
    conc = np.zeros(len(obs_times))
    for td, dose in zip(dose_times, doses):
        dt = obs_times - td
        after = dt > 0
        conc[after] += dose * (A * np.exp(-alpha * dt[after]) + B * np.exp(-beta * dt[after]))
    effect = E0 + Emax * conc ** hill / (EC50 ** hill + conc ** hill)
    nll_pk = np.sum(np.log(sigma_c) + 0.5 * ((np.log(conc_obs) - np.log(conc)) / sigma_c) ** 2)
    nll_pd = np.sum(np.log(sigma_e) + 0.5 * ((effect_obs - effect) / sigma_e) ** 2)
    return nll_pk + nll_pd


def pkpd_inputs(rng):
    true = np.log(np.array([5.0, 20.0, 8.0, 40.0, 1.5, 80.0, 1.8, 10.0, 0.15, 4.0]))
    dose_times, doses = np.array([0.0, 12.0, 24.0]), np.array([100.0, 100.0, 50.0])
    obs_times = np.sort(np.concatenate([rng.uniform(0.2, 36.0, 24), [0.5, 1.0, 2.0]]))
    CL, V1, Q, V2, EC50, Emax, hill, E0, sc, se = np.exp(true)
    k10, k12, k21 = CL / V1, Q / V1, Q / V2
    bs = k10 + k12 + k21
    dsc = np.sqrt(bs ** 2 - 4 * k10 * k21)
    al, be = (bs + dsc) / 2, (bs - dsc) / 2
    conc = np.zeros(len(obs_times))
    for td, d in zip(dose_times, doses):
        dt = obs_times - td
        m = dt > 0
        conc[m] += d * ((al - k21) * np.exp(-al * dt[m]) + (k21 - be) * np.exp(-be * dt[m])) / (V1 * (al - be))
    eff = E0 + Emax * conc ** hill / (EC50 ** hill + conc ** hill)
    return dict(log_theta=true + 0.05 * rng.standard_normal(10), dose_times=dose_times, doses=doses,
                obs_times=obs_times, conc_obs=conc * np.exp(sc * rng.standard_normal(len(conc))),
                effect_obs=eff + se * rng.standard_normal(len(conc)))


# ------------------------------------------------------------------------- sports: Elo ratings
def elo_log_loss(init_ratings, log_k, home_adv, home, away, outcome):
    """Predictive log loss of sequential Elo updates over a season (draws count as half a win)."""
    ratings = init_ratings.copy()
    k = np.exp(log_k)
    loss = 0.0
    for g in range(len(outcome)):
        h, a = home[g], away[g]
        diff = ratings[h] + home_adv - ratings[a]
        p_home = 1.0 / (1.0 + 10.0 ** (-diff / 400.0))
        y = outcome[g]
        loss -= y * np.log(p_home) + (1 - y) * np.log(1 - p_home)
        ratings[h] += k * (y - p_home)
        ratings[a] -= k * (y - p_home)
    prior = np.sum((init_ratings - 1500.0) ** 2) / (2 * 200.0 ** 2)
    return loss / len(outcome) + prior / len(outcome)


def elo_inputs(rng):
    n_teams = 10
    strength = rng.normal(1500, 120, n_teams)
    home, away, outcome = [], [], []
    for rnd in range(2):
        for i in range(n_teams):
            for j in range(n_teams):
                if i != j and rng.random() < 0.5:
                    p = 1 / (1 + 10 ** (-(strength[i] + 50 - strength[j]) / 400))
                    u = rng.random()
                    home.append(i)
                    away.append(j)
                    outcome.append(1.0 if u < p - 0.1 else (0.5 if u < p + 0.1 else 0.0))
    return dict(init_ratings=1500.0 + 30 * rng.standard_normal(n_teams), log_k=np.log(20.0), home_adv=40.0,
                home=np.array(home), away=np.array(away), outcome=np.array(outcome))


# ------------------------------------------------------------- astronomy: radial-velocity orbit
def solve_kepler(M, e, tol=1e-12, max_iter=50):
    E = M + e * np.sin(M)
    for _ in range(max_iter):
        dE = (E - e * np.sin(E) - M) / (1 - e * np.cos(E))
        E = E - dE
        if np.max(np.abs(dE)) < tol:
            break
    return E


def rv_nll(params, t, rv, rv_err):
    """Keplerian radial-velocity curve of a single planet with a jitter term (Gaussian likelihood)."""
    log_P, tp, secosw, sesinw, log_K, gamma, log_jit = params
    P, K = np.exp(log_P), np.exp(log_K)
    e = secosw ** 2 + sesinw ** 2
    omega = np.arctan2(sesinw, secosw)
    M = 2 * np.pi * (t - tp) / P
    E = solve_kepler(M, e)
    nu = 2 * np.arctan2(np.sqrt(1 + e) * np.sin(E / 2), np.sqrt(1 - e) * np.cos(E / 2))
    model = K * (np.cos(nu + omega) + e * np.cos(omega)) + gamma
    var = rv_err ** 2 + np.exp(2 * log_jit)
    return 0.5 * np.sum((rv - model) ** 2 / var + np.log(2 * np.pi * var))


def rv_inputs(rng):
    t = np.sort(rng.uniform(0, 120, 40))
    true = np.array([np.log(17.3), 3.1, 0.45, 0.3, np.log(35.0), -2.0, np.log(2.0)])
    P, e, w = np.exp(true[0]), true[2] ** 2 + true[3] ** 2, np.arctan2(true[3], true[2])
    M = 2 * np.pi * (t - true[1]) / P
    E = M.copy()
    for _ in range(60):
        E = E - (E - e * np.sin(E) - M) / (1 - e * np.cos(E))
    nu = 2 * np.arctan2(np.sqrt(1 + e) * np.sin(E / 2), np.sqrt(1 - e) * np.cos(E / 2))
    rv_err = rng.uniform(1.5, 3.0, 40)
    rv = np.exp(true[4]) * (np.cos(nu + w) + e * np.cos(w)) + true[5] + rv_err * rng.standard_normal(40)
    return dict(params=true + np.array([0.002, 0.1, 0.03, -0.03, 0.05, 0.5, 0.1]), t=t, rv=rv, rv_err=rv_err)


# --------------------------------------------------------- geophysics: 1-D full-waveform inversion
def ricker(t, f0):
    a = (np.pi * f0 * (t - 1.2 / f0)) ** 2
    return (1 - 2 * a) * np.exp(-a)


def wave_1d(velocity, src, receivers, nt, dx, dt, f0):
    n = len(velocity)
    wavelet = ricker(np.arange(nt) * dt, f0)
    damp = np.ones(n)
    damp[:10] = np.exp(-(0.015 * (10 - np.arange(10))) ** 2)     # sponge layers at both ends
    damp[-10:] = damp[:10][::-1]
    u_prev = np.zeros(n)
    u = np.zeros(n)
    traces = []
    for it in range(nt):
        lap = np.zeros(n)
        lap[1:-1] = (u[2:] - 2 * u[1:-1] + u[:-2]) / dx ** 2
        u_next = 2 * u - u_prev + (velocity * dt) ** 2 * lap
        u_next[src] += wavelet[it] * dt ** 2 / dx
        u_next = u_next * damp
        u_prev, u = u * damp, u_next
        traces.append(u[receivers])
    return np.array(traces)


def fwi_misfit(log_velocity, observed, src, receivers, nt=300, dx=10.0, dt=0.002, f0=15.0):
    """Normalised L2 waveform misfit of a 1-D acoustic model (leapfrog finite differences)."""
    pred = wave_1d(np.exp(log_velocity), src, receivers, nt, dx, dt, f0)
    return 0.5 * np.sum((pred - observed) ** 2) / np.sum(observed ** 2)


def fwi_inputs(rng):
    n = 80
    v_true = np.full(n, 1800.0)
    v_true[35:55] = 2300.0
    v_true[55:] = 2000.0
    receivers = np.array([5, 12, 20, 28])
    observed = wave_1d(v_true, 15, receivers, 300, 10.0, 0.002, 15.0)
    v0 = 1800.0 + 300.0 * np.linspace(0, 1, n) + 20.0 * rng.standard_normal(n)
    return dict(log_velocity=np.log(v0), observed=observed, src=15, receivers=receivers)


# ----------------------------------------------------------------- ecology: Leslie matrix model
def leslie_fit(logit_surv, log_fec, n0, counts, growth_prior=10.0):
    """Poisson fit of age-class counts to a projected Leslie model, prior pulling lambda towards 1."""
    surv = 1.0 / (1.0 + np.exp(-logit_surv))
    fec = np.exp(log_fec)
    k = len(fec)
    L = np.zeros((k, k))
    L[0, :] = fec
    L[np.arange(1, k), np.arange(k - 1)] = surv
    n = n0
    nll = 0.0
    for year in range(len(counts)):
        n = L @ n
        nll -= np.sum(counts[year] * np.log(n) - n)
    lam = np.max(np.abs(np.linalg.eigvals(L)))
    return nll + growth_prior * (lam - 1.0) ** 2


def leslie_inputs(rng):
    surv = np.array([0.5, 0.7, 0.8, 0.6])
    fec = np.array([0.0, 0.8, 1.2, 1.0, 0.6])
    L = np.zeros((5, 5))
    L[0] = fec
    L[np.arange(1, 5), np.arange(4)] = surv
    n0 = np.array([120.0, 60.0, 40.0, 30.0, 15.0])
    n, counts = n0, []
    for year in range(15):
        n = L @ n
        counts.append(rng.poisson(n))
    return dict(logit_surv=np.log(surv / (1 - surv)) + 0.1 * rng.standard_normal(4),
                log_fec=np.log(fec + 0.05) + 0.1 * rng.standard_normal(5), n0=n0,
                counts=np.array(counts, dtype=float))


# ----------------------------------------------------------- psychometrics: 2PL IRT (marginal ML)
def irt_2pl_marginal_nll(log_a, b, responses, n_quad=21):
    """Marginal likelihood of the two-parameter logistic IRT model, ability integrated by Gauss-Hermite."""
    nodes, weights = np.polynomial.hermite.hermgauss(n_quad)
    theta = np.sqrt(2.0) * nodes
    log_w = np.log(weights / np.sqrt(np.pi))
    a = np.exp(log_a)
    logits = a[None, :] * (theta[:, None] - b[None, :])          # (quadrature, items)
    log_p = -np.logaddexp(0.0, -logits)
    log_q = -np.logaddexp(0.0, logits)
    ll = responses @ log_p.T + (1 - responses) @ log_q.T          # (persons, quadrature)
    return -np.sum(logsumexp(ll + log_w, axis=1))


def irt_inputs(rng):
    n_persons, n_items = 200, 10
    a_true = np.exp(0.3 * rng.standard_normal(n_items))
    b_true = np.linspace(-1.5, 1.5, n_items)
    ability = rng.standard_normal(n_persons)
    p = 1 / (1 + np.exp(-a_true * (ability[:, None] - b_true)))
    return dict(log_a=0.1 * rng.standard_normal(n_items), b=b_true + 0.2 * rng.standard_normal(n_items),
                responses=(rng.random((n_persons, n_items)) < p).astype(float))


# --------------------------------------------------------- count data: zero-inflated Poisson
def zip_nll(beta, gamma, X, Z, y):
    """Zero-inflated Poisson regression (Lambert 1992): structural zeros with probability expit(Z g)."""
    lam = np.exp(X @ beta)
    pi = expit(Z @ gamma)
    zero = y == 0
    ll_zero = np.log(pi[zero] + (1 - pi[zero]) * np.exp(-lam[zero]))
    pos = ~zero
    ll_pos = np.log(1 - pi[pos]) + y[pos] * np.log(lam[pos]) - lam[pos] - gammaln(y[pos] + 1)
    return -(np.sum(ll_zero) + np.sum(ll_pos))


def zip_inputs(rng):
    n = 250
    X = np.column_stack([np.ones(n), rng.standard_normal((n, 2))])
    Z = np.column_stack([np.ones(n), rng.standard_normal(n)])
    structural = rng.random(n) < expit(Z @ np.array([-0.5, 1.0]))
    y = np.where(structural, 0, rng.poisson(np.exp(X @ np.array([1.0, 0.5, -0.3]))))
    return dict(beta=np.array([0.8, 0.4, -0.2]), gamma=np.array([-0.3, 0.8]), X=X, Z=Z, y=y.astype(float))


PROGRAMS = [
    dict(name="quaternion_ik", f=quaternion_ik, inputs=quaternion_ik_inputs, wrt=("joint_angles", "link_offsets")),
    dict(name="morse_switching_cutoff", f=morse_cluster_energy, inputs=morse_inputs,
         wrt=("positions", "D_e", "a", "r_e")),
    dict(name="hbv_rainfall_runoff", f=hbv_nse_loss, inputs=hbv_inputs, wrt=("params",)),
    dict(name="seir_age_structured", f=seir_age_nll, inputs=seir_inputs,
         wrt=("log_beta", "log_sigma", "log_gamma", "logit_rho")),
    dict(name="arma_css", f=arma_css_nll, inputs=arma_inputs, wrt=("phi", "theta", "mu", "log_sigma")),
    dict(name="het_probit_norm_logcdf", f=het_probit_nll, inputs=probit_inputs, wrt=("beta", "gamma")),
    dict(name="cox_efron_ties", f=cox_efron_nll, inputs=cox_inputs, wrt=("beta",)),
    dict(name="eight_schools_noncentered", f=eight_schools_neg_logpost, inputs=eight_schools_inputs,
         wrt=("mu", "log_tau", "theta_tilde")),
    dict(name="lens_raytrace_snell", f=lens_spot_size, inputs=lens_inputs, wrt=("curv", "thickness", "z_image")),
    dict(name="fir_linear_phase_design", f=fir_design_loss, inputs=fir_inputs, wrt=("h_half",)),
    dict(name="stft_multires_loss", f=stft_loss, inputs=stft_inputs, wrt=("amps", "f0", "decay", "noise_gain")),
    dict(name="gcn_node_classification", f=gcn_loss, inputs=gcn_inputs, wrt=("W1", "b1", "W2")),
    dict(name="planar_flow_kl", f=planar_flow_kl, inputs=planar_inputs, wrt=("us", "ws", "bs")),
    dict(name="realnvp_moons", f=realnvp_nll, inputs=realnvp_inputs, wrt=("W1", "b1", "Ws", "bs", "Wt", "bt")),
    dict(name="bpr_matrix_factorization", f=bpr_loss, inputs=bpr_inputs, wrt=("U", "V", "item_bias")),
    dict(name="crf_forward_padded", f=crf_nll, inputs=crf_inputs, wrt=("W_emit", "transitions", "start", "end")),
    dict(name="ctc_alpha_recursion", f=ctc_loss, inputs=ctc_inputs, wrt=("W", "b")),
    dict(name="lqr_saturated_rollout", f=lqr_rollout_cost, inputs=lqr_inputs, wrt=("K",)),
    dict(name="energy_balance_climate", f=ebm_misfit, inputs=ebm_inputs, wrt=("params",)),
    dict(name="basket_option_greeks", f=basket_call_mc, inputs=basket_inputs, wrt=("spot", "vols", "rho", "r")),
    dict(name="cotan_mesh_fairing", f=cotan_fairing_energy, inputs=fairing_inputs, wrt=("verts",)),
    dict(name="kriging_anisotropic_reml", f=kriging_neg_reml, inputs=kriging_inputs,
         wrt=("log_range", "log_sill", "log_nugget", "angle", "log_ratio")),
    dict(name="erlang_c_staffing", f=call_centre_cost, inputs=call_centre_inputs, wrt=("log_mu",)),
    dict(name="pkpd_two_compartment_hill", f=pkpd_nll, inputs=pkpd_inputs, wrt=("log_theta",)),
    dict(name="elo_season", f=elo_log_loss, inputs=elo_inputs, wrt=("init_ratings", "log_k", "home_adv")),
    dict(name="kepler_radial_velocity", f=rv_nll, inputs=rv_inputs, wrt=("params",)),
    dict(name="fwi_acoustic_1d", f=fwi_misfit, inputs=fwi_inputs, wrt=("log_velocity",)),
    dict(name="leslie_matrix_eigvals", f=leslie_fit, inputs=leslie_inputs, wrt=("logit_surv", "log_fec")),
    dict(name="irt_2pl_gauss_hermite", f=irt_2pl_marginal_nll, inputs=irt_inputs, wrt=("log_a", "b")),
    dict(name="zero_inflated_poisson", f=zip_nll, inputs=zip_inputs, wrt=("beta", "gamma")),
]
