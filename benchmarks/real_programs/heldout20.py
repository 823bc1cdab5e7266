"""Twentieth held-out set: twenty programs written without running adjit on them and without reading what
it supports, in domains and styles the other modules do not cover, the way research code, lab notebooks and
course notes write them: a 2R2C building zone class stepped under a hysteresis thermostat whose on/off state
is a Python bool flipped by if/elif on the simulated temperature; a single-particle lithium-ion model whose
spherical finite volumes are updated through a flux array written in place (np.diff of concentrations), with
an np.polyval open-circuit voltage and arcsinh Butler-Volmer kinetics read from a module-level dict; Rabi
oscillations of a damped qubit by RK4 on a complex density matrix under a Lindblad equation with .conj().T
jump operators kept in a list; batch expected improvement over a Matern-5/2 GP through
scipy.linalg.cho_factor/cho_solve/solve_triangular and norm.cdf/pdf, with np.triu repulsion between
candidates; an exact entropy-regularised policy gradient on a slippery gridworld (softmax with axis=, an
einsum "sa,sat->st" transition matrix, np.linalg.solve for values and for the transposed occupancy, fancy
indexing of hazard states); leave-one-out KDE bandwidths with np.fill_diagonal on a kernel matrix; a t-SNE
objective whose affinities come from a per-point bisection on the perplexity (np.delete, a boolean column
mask written in place) and whose Student-t kernel has its diagonal zeroed by np.fill_diagonal; a CDS hazard
curve bootstrapped tenor by tenor with a secant while loop over a closure that appends to a Python list of
hazards, then an off-the-run trade marked on it; a Jelinek-Mercer trigram model whose interpolation weights
(softmax rows picked by a count bucket) are scored on text through Counter dicts keyed by tuples; Choo-Siow
marriage matching solved by an IPFP while True loop with a break, scored by a multinomial likelihood over a
dict of counts; Jaakkola-Jordan variational logistic regression with ARD prior variances (np.linalg.inv,
slogdet, a three-operand einsum); Meta-SGD on sinusoid tasks held as a list of dicts, unrolled through
hand-written inner gradient steps with per-parameter learning rates; a hypernetwork class whose task
embedding generates an MLP's weights by np.split at np.cumsum offsets and reshape, with the generator's
parameters in a dict; a soft-rank Spearman loss per query group through np.corrcoef against
scipy.stats.rankdata; EOS-80 seawater density by Horner-free polynomial loops over coefficient tuples, with
thermal-wind velocities from np.gradient with a coordinate array and axis=1 integrated by in-place row
writes; kappa-Koehler critical supersaturations by a vectorised golden-section while loop (np.where
brackets) feeding a sigmoid CCN spectrum; delay-and-sum ultrasound autofocus whose delays are evaluated by
band-limited Fourier interpolation (np.fft.rfft, rfftfreq, a boolean band mask and a complex phase matrix);
PID loop shaping through np.polymul of traced coefficient arrays and np.polyval at complex frequencies, with a
logsumexp peak sensitivity and a boolean low-frequency mask; TOPMODEL over topographic-index classes with a
params dict, boolean-mask writes and an in-place -=; and a Freeverb-style reverb of lowpass-comb and allpass
classes whose delay buffers are written in place sample by sample, matched to an energy-decay curve by a
reversed np.cumsum.

`TRANSFORMS` (run by `python benchmarks/real_programs/heldout20.py`) differentiates some of them the other
ways users ask for: adjit.jacobian (the thermal-wind section in the temperatures), adjit.hvp (the KDE
leave-one-out likelihood in its bandwidths), value_and_grad(has_aux=True) (TOPMODEL with its hydrograph)
and a dict of parameters (the hypernetwork), each checked against central differences.
"""
import numpy as np
from collections import Counter
from scipy.linalg import cho_factor, cho_solve, solve_triangular
from scipy.special import expit, logsumexp, softmax
from scipy.stats import norm, rankdata


# ------------------------------------------------ building physics: 2R2C zone with a hysteresis thermostat
class TwoNodeBuilding:
    """Indoor air (C_i) coupled to the building mass (C_e); the heater is on/off with a dead band."""

    def __init__(self, R_ie, R_ia, C_i, C_e, q_heat=4.0, solar_split=0.3):
        self.R_ie, self.R_ia = R_ie, R_ia
        self.C_i, self.C_e = C_i, C_e
        self.q_heat = q_heat
        self.solar_split = solar_split

    def derivatives(self, Ti, Te, T_out, solar, heating):
        q_ie = (Te - Ti) / self.R_ie
        dTi = (q_ie + (T_out - Ti) / self.R_ia + heating * self.q_heat + self.solar_split * solar) / self.C_i
        dTe = (-q_ie + (1.0 - self.solar_split) * solar) / self.C_e
        return dTi, dTe


def simulate_building(log_params, T_out, solar, setpoint=20.0, band=0.6, dt=0.25):
    R_ie, R_ia, C_i, C_e = np.exp(log_params)
    bldg = TwoNodeBuilding(R_ie, R_ia, C_i, C_e)
    Ti, Te = 18.5, 17.0
    heating = False
    temps, duty = [], []
    for k in range(len(T_out)):
        if Ti < setpoint - band:
            heating = True
        elif Ti > setpoint + band:
            heating = False
        u = 1.0 if heating else 0.0
        dTi, dTe = bldg.derivatives(Ti, Te, T_out[k], solar[k], u)
        Ti = Ti + dt * dTi
        Te = Te + dt * dTe
        temps.append(Ti)
        duty.append(u)
    return np.array(temps), np.array(duty)


def building_loss(log_params, T_out, solar, T_meas, prior_mean):
    temps, _ = simulate_building(log_params, T_out, solar)
    return np.mean((temps - T_meas) ** 2) + 0.05 * np.sum((log_params - prior_mean) ** 2)


def building_inputs(rng, n=96):
    t = np.arange(n) * 0.25
    T_out = 4.0 + 3.0 * np.sin(2 * np.pi * (t - 9.0) / 24.0) + 0.3 * rng.standard_normal(n)
    solar = np.maximum(np.sin(np.pi * (t - 6.0) / 12.0), 0.0) * 2.5
    truth = np.log([1.5, 5.0, 0.8, 8.0])
    temps, _ = simulate_building(truth, T_out, solar)
    return dict(log_params=truth + np.array([0.15, -0.1, 0.1, -0.2]), T_out=T_out, solar=solar,
                T_meas=temps + 0.1 * rng.standard_normal(n), prior_mean=truth)


# ------------------------------------------------ electrochemistry: single-particle battery model, spherical FV
CELL = dict(F=96485.0, R_gas=8.314, T=298.15, c_max=1.0, ocv_coeffs=np.array([-1.2, 2.1, -1.5, 0.9, 3.4]))


def spm_voltage(log_D, log_k0, log_R_film, current, dt=5.0, n_r=12, c0=0.35):
    D = np.exp(log_D)          # scaled diffusivity D / R_p^2, 1/s
    k0 = np.exp(log_k0)
    R_film = np.exp(log_R_film)
    r_f = np.linspace(0.0, 1.0, n_r + 1)
    dr = r_f[1] - r_f[0]
    vol = (r_f[1:] ** 3 - r_f[:-1] ** 3) / 3.0
    area = r_f ** 2
    c = np.full(n_r, c0)
    thermal = 2 * CELL["R_gas"] * CELL["T"] / CELL["F"]
    V = np.zeros(len(current))
    for k, I in enumerate(current):
        flux = np.zeros(n_r + 1)
        flux[1:-1] = -D * area[1:-1] * np.diff(c) / dr
        flux[-1] = 1.5e-4 * I         # lithium leaves the particle on discharge
        c = c - dt * (flux[1:] - flux[:-1]) / vol
        c_s = c[-1]
        i0 = k0 * np.sqrt(c_s * (CELL["c_max"] - c_s))
        eta = thermal * np.arcsinh(I / (2.0 * i0))
        V[k] = np.polyval(CELL["ocv_coeffs"], c_s) - eta - I * R_film
    return V


def battery_loss(log_D, log_k0, log_R_film, current, V_meas):
    V = spm_voltage(log_D, log_k0, log_R_film, current)
    return np.sqrt(np.mean((V - V_meas) ** 2))


def battery_inputs(rng, n=240):
    t = np.arange(n) * 5.0
    current = np.where((t % 400.0) < 250.0, -1.0, 0.2)   # charge pulses (negative) with light discharge rests
    current = current * (1 + 0.02 * rng.standard_normal(n))
    V = spm_voltage(np.log(4e-4), np.log(2.0), np.log(0.05), current)
    return dict(log_D=np.log(3e-4), log_k0=np.log(1.5), log_R_film=np.log(0.07), current=current,
                V_meas=V + 0.002 * rng.standard_normal(n))


# ------------------------------------------------ open quantum systems: Rabi oscillations under a Lindblad equation
SX = np.array([[0.0, 1.0], [1.0, 0.0]], dtype=complex)
SZ = np.array([[1.0, 0.0], [0.0, -1.0]], dtype=complex)
SM = np.array([[0.0, 0.0], [1.0, 0.0]], dtype=complex)   # |e> = index 0 decays to |g> = index 1


def lindblad_rhs(rho, H, c_ops):
    out = -1j * (H @ rho - rho @ H)
    for L in c_ops:
        Ld = L.conj().T
        out = out + L @ rho @ Ld - 0.5 * (Ld @ L @ rho + rho @ Ld @ L)
    return out


def rabi_trace(log_rates, delta, n_steps=200, dt=0.05, stride=5):
    omega, gamma1, gamma_phi = np.exp(log_rates)
    H = 0.5 * delta * SZ + 0.5 * omega * SX
    c_ops = [np.sqrt(gamma1) * SM, np.sqrt(gamma_phi / 2.0) * SZ]
    rho = np.zeros((2, 2), dtype=complex)
    rho[1, 1] = 1.0
    pops = []
    for n in range(n_steps):
        k1 = lindblad_rhs(rho, H, c_ops)
        k2 = lindblad_rhs(rho + 0.5 * dt * k1, H, c_ops)
        k3 = lindblad_rhs(rho + 0.5 * dt * k2, H, c_ops)
        k4 = lindblad_rhs(rho + dt * k3, H, c_ops)
        rho = rho + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)
        if (n + 1) % stride == 0:
            pops.append(np.real(np.trace(rho @ (SZ + np.eye(2)) / 2.0)))
    return np.array(pops)


def rabi_fit_loss(log_rates, delta, p_obs, readout_fidelity=0.97):
    p = rabi_trace(log_rates, delta)
    p_meas = readout_fidelity * p + (1 - readout_fidelity) * (1 - p)
    return np.sum((p_meas - p_obs) ** 2)


def rabi_inputs(rng):
    p = rabi_trace(np.log([2.0, 0.1, 0.05]), 0.3)
    return dict(log_rates=np.log([1.8, 0.15, 0.08]), delta=0.2, p_obs=p + 0.01 * rng.standard_normal(p.size))


# ------------------------------------------------ Bayesian optimisation: batch expected improvement, Matern-5/2 GP
def matern52(XA, XB, ls, var):
    d = np.sqrt(np.sum(((XA[:, None, :] - XB[None, :, :]) / ls) ** 2, axis=-1) + 1e-12)
    s5 = np.sqrt(5.0) * d
    return var * (1.0 + s5 + s5 ** 2 / 3.0) * np.exp(-s5)


def expected_improvement(X_cand, X_train, y_train, log_hyp, xi=0.01):
    ls, var, noise = np.exp(log_hyp[:2]), np.exp(log_hyp[2]), np.exp(log_hyp[3])
    y_mean = y_train.mean()
    K = matern52(X_train, X_train, ls, var) + noise * np.eye(len(X_train))
    c, low = cho_factor(K, lower=True)
    alpha = cho_solve((c, low), y_train - y_mean)
    Ks = matern52(X_cand, X_train, ls, var)
    mu = y_mean + Ks @ alpha
    v = solve_triangular(c, Ks.T, lower=True)
    sigma = np.sqrt(np.maximum(var - np.sum(v ** 2, axis=0), 1e-12))
    imp = y_train.min() - mu - xi
    z = imp / sigma
    return imp * norm.cdf(z) + sigma * norm.pdf(z)


def batch_ei_loss(X_cand, log_hyp, X_train, y_train, repulsion=0.5):
    ei = expected_improvement(X_cand, X_train, y_train, log_hyp)
    diff = X_cand[:, None, :] - X_cand[None, :, :]
    close = np.exp(-np.sum(diff ** 2, axis=-1) / 0.05)
    return -np.sum(np.log(ei + 1e-9)) + repulsion * np.sum(np.triu(close, k=1))


def bo_inputs(rng):
    X_train = rng.uniform(0, 1, size=(12, 2))
    y_train = np.sin(6 * X_train[:, 0]) * np.cos(4 * X_train[:, 1]) + 0.05 * rng.standard_normal(12)
    return dict(X_cand=rng.uniform(0.1, 0.9, size=(4, 2)), log_hyp=np.log([0.3, 0.4, 0.5, 1e-3]),
                X_train=X_train, y_train=y_train)


# ------------------------------------------------ reinforcement learning: exact entropy-regularised policy gradient
def gridworld(rng, side=4, n_actions=4, slip=0.1):
    nS = side * side
    P = np.zeros((nS, n_actions, nS))
    moves = [(-1, 0), (1, 0), (0, -1), (0, 1)]
    for s in range(nS):
        r, c = divmod(s, side)
        for a, (dr, dc) in enumerate(moves):
            r2, c2 = min(max(r + dr, 0), side - 1), min(max(c + dc, 0), side - 1)
            P[s, a, r2 * side + c2] += 1.0 - slip
            P[s, a, :] += slip / nS
    R = -0.05 * np.ones((nS, n_actions))
    R[nS - 1, :] = 1.0
    R[rng.choice(nS - 2, size=3, replace=False) + 1, :] -= 0.5
    return P, R


def soft_policy_value(theta, P, R, mu0, gamma=0.92, tau=0.05):
    nS = P.shape[0]
    pi = softmax(theta, axis=1)
    P_pi = np.einsum("sa,sat->st", pi, P)
    r_pi = np.sum(pi * R, axis=1) - tau * np.sum(pi * np.log(pi), axis=1)
    V = np.linalg.solve(np.eye(nS) - gamma * P_pi, r_pi)
    occupancy = np.linalg.solve((np.eye(nS) - gamma * P_pi).T, mu0)
    return mu0 @ V, occupancy


def mdp_loss(theta, P, R, mu0, hazard_states, budget=0.4):
    value, occ = soft_policy_value(theta, P, R, mu0)
    risk = np.sum(occ[hazard_states])
    return -value + 5.0 * np.maximum(risk - budget, 0.0) ** 2


def mdp_inputs(rng):
    P, R = gridworld(rng)
    mu0 = np.zeros(16)
    mu0[:4] = 0.25
    return dict(theta=0.3 * rng.standard_normal((16, 4)), P=P, R=R, mu0=mu0, hazard_states=np.array([5, 6, 9]))


# ------------------------------------------------ nonparametrics: leave-one-out KDE bandwidths
def loo_kde_nll(log_h, X):
    n, d = X.shape
    h = np.exp(log_h)
    Z = X / h
    sq = np.sum(Z ** 2, axis=1)
    D2 = sq[:, None] + sq[None, :] - 2.0 * Z @ Z.T
    K = np.exp(-0.5 * np.maximum(D2, 0.0))
    np.fill_diagonal(K, 0.0)
    dens = K.sum(axis=1) / ((n - 1) * np.prod(h) * (2 * np.pi) ** (d / 2))
    return -np.mean(np.log(dens))


def kde_inputs(rng):
    X = np.concatenate([rng.normal([0, 0, 0], [1.0, 0.5, 2.0], size=(40, 3)),
                        rng.normal([3, 1, -2], [0.5, 0.5, 0.5], size=(20, 3))])
    return dict(log_h=np.log([0.6, 0.4, 0.9]), X=X)


# ------------------------------------------------ visualisation: t-SNE objective with a perplexity search
def pairwise_sq(A):
    s = np.sum(A ** 2, axis=1)
    return np.maximum(s[:, None] + s[None, :] - 2 * A @ A.T, 0.0)


def perplexity_affinities(D2, perplexity=6.0, tol=1e-6, max_iter=80):
    n = D2.shape[0]
    P = np.zeros((n, n))
    target = np.log(perplexity)
    for i in range(n):
        beta, lo, hi = 1.0, -np.inf, np.inf
        d = np.delete(D2[i], i)
        for _ in range(max_iter):
            p = np.exp(-d * beta)
            sum_p = p.sum()
            H = np.log(sum_p) + beta * np.sum(d * p) / sum_p
            diff = H - target
            if abs(diff) < tol:
                break
            if diff > 0:
                lo = beta
                beta = beta * 2 if hi == np.inf else (beta + hi) / 2
            else:
                hi = beta
                beta = beta / 2 if lo == -np.inf else (beta + lo) / 2
        P[i, np.arange(n) != i] = p / sum_p
    return P


def tsne_kl(Y, X, perplexity=6.0, exaggeration=1.0):
    n = X.shape[0]
    P = perplexity_affinities(pairwise_sq(X), perplexity)
    P = np.maximum((P + P.T) / (2 * n), 1e-12) * exaggeration
    num = 1.0 / (1.0 + pairwise_sq(Y))
    np.fill_diagonal(num, 0.0)
    Q = np.maximum(num / num.sum(), 1e-12)
    return np.sum(P * np.log(P / Q))


def tsne_inputs(rng):
    X = np.concatenate([rng.normal(m, 0.3, size=(8, 5)) for m in (0.0, 2.0, -2.0)])
    return dict(Y=rng.standard_normal((24, 2)), X=X)


# ------------------------------------------------ credit: CDS curve bootstrap by secant, an off-the-run mark
def cum_hazard(t, knots, hazards):
    H = np.zeros_like(t)
    prev = 0.0
    for k, lam in zip(knots, hazards):
        H = H + lam * (np.clip(t, prev, k) - prev)
        prev = k
    return H + hazards[-1] * np.maximum(t - knots[-1], 0.0)


def cds_legs(T, knots, hazards, recovery, r=0.02, freq=4):
    pay = np.arange(1, int(round(T * freq)) + 1) / freq
    prev_t = np.concatenate([[0.0], pay[:-1]])
    df = np.exp(-r * pay)
    surv = np.exp(-cum_hazard(pay, knots, hazards))
    surv_prev = np.exp(-cum_hazard(prev_t, knots, hazards))
    accrual = pay - prev_t
    rpv01 = np.sum(accrual * df * 0.5 * (surv + surv_prev))
    protection = (1.0 - recovery) * np.sum(df * (surv_prev - surv))
    return rpv01, protection


def bootstrap_hazards(spreads, recovery, tenors, tol=1e-13, max_iter=60):
    hazards = []
    for j, T in enumerate(tenors):
        knots = list(tenors[: j + 1])

        def gap(lam):
            rpv01, prot = cds_legs(T, knots, hazards + [lam], recovery)
            return prot - spreads[j] * rpv01

        lam0 = spreads[j] / (1.0 - recovery)
        lam1 = 1.2 * lam0
        f0, f1 = gap(lam0), gap(lam1)
        it = 0
        while abs(f1) > tol and it < max_iter:
            lam0, lam1 = lam1, lam1 - f1 * (lam1 - lam0) / (f1 - f0)
            f0, f1 = f1, gap(lam1)
            it += 1
        hazards.append(lam1)
    return hazards


def cds_mark_loss(spreads, recovery, tenors, trade_T=4.0, coupon=0.01, notional=1e7):
    hazards = bootstrap_hazards(spreads, recovery, tenors)
    rpv01, prot = cds_legs(trade_T, list(tenors), hazards, recovery)
    return notional * (prot - coupon * rpv01) / 1e4


def cds_inputs(rng):
    tenors = (1.0, 2.0, 3.0, 5.0, 7.0)
    return dict(spreads=np.array([0.0060, 0.0075, 0.0090, 0.0110, 0.0122]) * (1 + 0.02 * rng.standard_normal(5)),
                recovery=0.4, tenors=tenors)


# ------------------------------------------------ language modelling: Jelinek-Mercer trigram with bucketed lambdas
TRAIN_TEXT = """the cat sat on the mat . the dog sat on the log . a cat saw the dog . the dog saw a cat on the mat .
a bird sat on the dog . the cat and the dog sat on a log . the bird saw the cat . a dog and a bird sat ."""
TEST_TEXT = "the bird sat on the mat . a cat sat on the log . the dog saw the bird on a mat ."


def ngram_counts(text):
    toks = ["<s>", "<s>"] + text.split()
    uni = Counter(toks)
    bi = Counter(zip(toks[:-1], toks[1:]))
    tri = Counter(zip(toks[:-2], toks[1:-1], toks[2:]))
    return {"uni": uni, "bi": bi, "tri": tri, "total": len(toks), "vocab": sorted(set(toks))}


def interpolated_nll(lam_logits, train_text, test_text, n_buckets=3):
    counts = ngram_counts(train_text)
    uni, bi, tri = counts["uni"], counts["bi"], counts["tri"]
    V = len(counts["vocab"]) + 1
    lam = softmax(lam_logits, axis=1)
    toks = ["<s>", "<s>"] + test_text.split()
    nll = 0.0
    for i in range(2, len(toks)):
        w2, w1, w = toks[i - 2], toks[i - 1], toks[i]
        ctx = bi.get((w2, w1), 0)
        p_tri = tri.get((w2, w1, w), 0) / ctx if ctx > 0 else 0.0
        p_bi = bi.get((w1, w), 0) / uni[w1] if uni.get(w1, 0) > 0 else 0.0
        p_uni = uni.get(w, 0) / counts["total"]
        bucket = min(ctx // 2, n_buckets - 1)
        weights = lam[bucket]
        p = weights[0] * p_tri + weights[1] * p_bi + weights[2] * p_uni + weights[3] / V
        nll = nll - np.log(p)
    return nll / (len(toks) - 2)


def ngram_inputs(rng):
    return dict(lam_logits=0.2 * rng.standard_normal((3, 4)), train_text=TRAIN_TEXT, test_text=TEST_TEXT)


# ------------------------------------------------ family economics: Choo-Siow marriage matching by IPFP
def choo_siow_ipfp(Phi, n_men, m_women, tol=1e-13, max_iter=5000):
    K = np.exp(Phi / 2.0)
    mu_x0, mu_0y = n_men / 2.0, m_women / 2.0
    it = 0
    while True:
        b = K @ np.sqrt(mu_0y)
        s = (-b + np.sqrt(b ** 2 + 4.0 * n_men)) / 2.0
        new_x0 = s ** 2
        b2 = K.T @ np.sqrt(new_x0)
        t = (-b2 + np.sqrt(b2 ** 2 + 4.0 * m_women)) / 2.0
        new_0y = t ** 2
        err = np.max(np.abs(new_x0 - mu_x0)) + np.max(np.abs(new_0y - mu_0y))
        mu_x0, mu_0y = new_x0, new_0y
        it += 1
        if err < tol or it >= max_iter:
            break
    mu = K * np.sqrt(np.outer(mu_x0, mu_0y))
    return mu, mu_x0, mu_0y


def marriage_nll(A, men_traits, women_traits, n_men, m_women, counts):
    Phi = men_traits @ A @ women_traits.T
    mu, mu_x0, mu_0y = choo_siow_ipfp(Phi, n_men, m_women)
    households = mu.sum() + mu_x0.sum() + mu_0y.sum()
    ll = (np.sum(counts["couples"] * np.log(mu / households))
          + np.sum(counts["single_men"] * np.log(mu_x0 / households))
          + np.sum(counts["single_women"] * np.log(mu_0y / households)))
    return -ll / counts["couples"].sum()


def marriage_inputs(rng):
    men_traits = np.column_stack([np.ones(5), np.linspace(-1, 1, 5)])
    women_traits = np.column_stack([np.ones(4), np.linspace(-1, 1, 4)])
    n_men, m_women = rng.uniform(50, 100, 5), rng.uniform(50, 100, 4)
    A_true = np.array([[0.5, 0.1], [0.2, 1.2]])
    mu, mx, my = choo_siow_ipfp(men_traits @ A_true @ women_traits.T, n_men, m_women)
    counts = {"couples": rng.poisson(mu).astype(float) + 1, "single_men": rng.poisson(mx).astype(float) + 1,
              "single_women": rng.poisson(my).astype(float) + 1}
    return dict(A=np.array([[0.3, 0.0], [0.0, 0.8]]), men_traits=men_traits, women_traits=women_traits,
                n_men=n_men, m_women=m_women, counts=counts)


# ------------------------------------------------ variational Bayes: Jaakkola-Jordan logistic regression with ARD
def jj_lambda(xi):
    return np.tanh(xi / 2.0) / (4.0 * xi)


def vb_logistic_neg_elbo(log_prior_var, X, y, n_iter=40):
    n, d = X.shape
    S0 = np.diag(np.exp(log_prior_var))
    S0_inv = np.diag(np.exp(-log_prior_var))
    xi = np.ones(n)
    for _ in range(n_iter):
        lam = jj_lambda(xi)
        SN_inv = S0_inv + 2.0 * (X.T * lam) @ X
        SN = np.linalg.inv(SN_inv)
        mN = SN @ (X.T @ (y - 0.5))
        xi = np.sqrt(np.einsum("ni,ij,nj->n", X, SN + np.outer(mN, mN), X))
    lam = jj_lambda(xi)
    _, logdet_SN = np.linalg.slogdet(SN)
    _, logdet_S0 = np.linalg.slogdet(S0)
    elbo = (0.5 * (logdet_SN - logdet_S0) + 0.5 * mN @ SN_inv @ mN
            + np.sum(np.log(expit(xi)) - xi / 2.0 + lam * xi ** 2))
    return -elbo


def vb_logistic_inputs(rng, n=80, d=4):
    X = np.column_stack([np.ones(n), rng.standard_normal((n, d - 1))])
    y = (rng.uniform(size=n) < expit(X @ np.array([0.3, 1.5, -1.0, 0.0]))).astype(float)
    return dict(log_prior_var=np.zeros(d), X=X, y=y)


# ------------------------------------------------ meta-learning: Meta-SGD on sinusoid tasks with RBF features
def rbf_features(x, centers, width=0.8):
    return np.exp(-0.5 * ((x[:, None] - centers[None, :]) / width) ** 2)


def inner_adapt(w, log_lr, Phi, y, steps=3):
    lr = np.exp(log_lr)
    for _ in range(steps):
        resid = Phi @ w - y
        grad = 2.0 * Phi.T @ resid / len(y)
        w = w - lr * grad
    return w


def meta_sgd_loss(w0, log_lr, tasks, centers):
    total = 0.0
    for task in tasks:
        w = inner_adapt(w0, log_lr, rbf_features(task["x_support"], centers), task["y_support"])
        pred = rbf_features(task["x_query"], centers) @ w
        total += np.mean((pred - task["y_query"]) ** 2)
    return total / len(tasks)


def meta_inputs(rng, n_tasks=5):
    tasks = []
    for _ in range(n_tasks):
        amp, phase = rng.uniform(0.5, 2.0), rng.uniform(0, np.pi)
        xs, xq = rng.uniform(-4, 4, 6), rng.uniform(-4, 4, 10)
        tasks.append({"x_support": xs, "y_support": amp * np.sin(xs + phase),
                      "x_query": xq, "y_query": amp * np.sin(xq + phase)})
    centers = np.linspace(-4, 4, 9)
    return dict(w0=0.1 * rng.standard_normal(9), log_lr=np.full(9, np.log(0.3)), tasks=tasks, centers=centers)


# ------------------------------------------------ hypernetworks: a task embedding generates an MLP's weights
class HyperMLP:
    def __init__(self, params, n_in=2, n_hidden=6, n_out=1):
        self.p = params
        self.shapes = [(n_in, n_hidden), (n_hidden,), (n_hidden, n_out), (n_out,)]

    def target_weights(self, z):
        h = np.tanh(z @ self.p["H1"] + self.p["c1"])
        flat = h @ self.p["H2"] + self.p["c2"]
        sizes = [int(np.prod(s)) for s in self.shapes]
        pieces = np.split(flat, np.cumsum(sizes)[:-1])
        return [piece.reshape(shape) for piece, shape in zip(pieces, self.shapes)]

    def __call__(self, z, x):
        W1, b1, W2, b2 = self.target_weights(z)
        return (np.tanh(x @ W1 + b1) @ W2 + b2)[:, 0]


def hyper_params_loss(params, task_ids, xs, ys, weight_decay=1e-3):
    net = HyperMLP(params)
    loss = 0.0
    for t, x, y in zip(task_ids, xs, ys):
        pred = net(params["emb"][t], x)
        loss += np.mean(np.log1p(np.exp(-y * pred)))
    reg = sum(np.sum(v ** 2) for k, v in params.items() if k.startswith("H"))
    return loss / len(xs) + weight_decay * reg


def hypernet_loss(H1, c1, H2, c2, emb, task_ids, xs, ys):
    return hyper_params_loss(dict(H1=H1, c1=c1, H2=H2, c2=c2, emb=emb), task_ids, xs, ys)


def hypernet_inputs(rng, n_tasks=3, z_dim=3, hid=5):
    n_target = 2 * 6 + 6 + 6 * 1 + 1
    xs, ys = [], []
    for t in range(n_tasks):
        x = rng.standard_normal((15, 2))
        angle = np.pi * t / n_tasks
        ys.append(np.sign(x @ np.array([np.cos(angle), np.sin(angle)]) + 0.1))
        xs.append(x)
    return dict(H1=0.5 * rng.standard_normal((z_dim, hid)), c1=np.zeros(hid),
                H2=0.3 * rng.standard_normal((hid, n_target)), c2=np.zeros(n_target),
                emb=rng.standard_normal((n_tasks, z_dim)), task_ids=[0, 1, 2, 1], xs=xs + [xs[1][::-1]],
                ys=ys + [ys[1][::-1]])


# ------------------------------------------------ learning to rank: a soft-rank Spearman loss per query group
def soft_rank(s, temperature=0.1):
    pair = (s[:, None] - s[None, :]) / temperature
    return 0.5 + np.sum(expit(pair), axis=1)


def spearman_loss(w, X_groups, y_groups, temperature=0.1, l2=1e-2):
    loss = 0.0
    for X, y in zip(X_groups, y_groups):
        r = soft_rank(X @ w, temperature)
        rho = np.corrcoef(r, rankdata(y))[0, 1]
        loss += 1.0 - rho
    return loss / len(X_groups) + l2 * np.dot(w, w)


def spearman_inputs(rng):
    w_true = np.array([1.0, -0.5, 0.25, 0.0])
    Xs = [rng.standard_normal((n, 4)) for n in (8, 12, 10)]
    ys = [X @ w_true + 0.3 * rng.standard_normal(len(X)) for X in Xs]
    return dict(w=0.5 * rng.standard_normal(4), X_groups=Xs, y_groups=ys)


# ------------------------------------------------ physical oceanography: EOS-80 density and thermal-wind shear
EOS80_RHO_W = (999.842594, 6.793952e-2, -9.095290e-3, 1.001685e-4, -1.120083e-6, 6.536332e-9)
EOS80_B = (8.24493e-1, -4.0899e-3, 7.6438e-5, -8.2467e-7, 5.3875e-9)
EOS80_C = (-5.72466e-3, 1.0227e-4, -1.6546e-6)
EOS80_D = 4.8314e-4


def poly_in(coeffs, x):
    out = 0.0
    for k, c in enumerate(coeffs):
        out = out + c * x ** k
    return out


def rho_surface(S, T):
    return poly_in(EOS80_RHO_W, T) + S * poly_in(EOS80_B, T) + S ** 1.5 * poly_in(EOS80_C, T) + EOS80_D * S ** 2


def thermal_wind_velocity(T_sec, S_sec, z, x_km, f=1.0e-4, g=9.81, rho0=1025.0):
    """Velocity across the section, zero at the deepest level (level of no motion); z[0] is the bottom."""
    rho = rho_surface(S_sec, T_sec)
    drho_dx = np.gradient(rho, x_km * 1e3, axis=1)
    shear = -g / (rho0 * f) * drho_dx
    v = np.zeros_like(rho)
    for k in range(1, len(z)):
        v[k, :] = v[k - 1, :] + 0.5 * (shear[k, :] + shear[k - 1, :]) * (z[k] - z[k - 1])
    return v


def section_loss(T_sec, S_sec, z, x_km, v_adcp, T_clim, S_clim):
    v = thermal_wind_velocity(T_sec, S_sec, z, x_km)
    top = v[-3:, :]                          # the ADCP sees only the upper levels
    misfit = np.sum((top - v_adcp) ** 2) / 0.01 ** 2
    prior = np.sum((T_sec - T_clim) ** 2) / 0.5 ** 2 + np.sum((S_sec - S_clim) ** 2) / 0.05 ** 2
    return 0.5 * (misfit + prior)


def section_inputs(rng, nz=8, nx=6):
    z = np.linspace(-1000.0, 0.0, nz)
    x_km = np.array([0.0, 12.0, 25.0, 40.0, 52.0, 70.0])
    T = 4.0 + 14.0 * np.exp(z / 300.0)[:, None] + 1.5 * np.tanh((x_km - 35.0) / 15.0)[None, :] * np.exp(z / 400.0)[:, None]
    S = 34.7 + 0.6 * np.exp(z / 500.0)[:, None] + 0.1 * np.tanh((x_km - 35.0) / 15.0)[None, :]
    v = thermal_wind_velocity(T, S, z, x_km)
    return dict(T_sec=T + 0.2 * rng.standard_normal(T.shape), S_sec=S + 0.02 * rng.standard_normal(S.shape),
                z=z, x_km=x_km, v_adcp=v[-3:, :] + 0.01 * rng.standard_normal((3, nx)), T_clim=T, S_clim=S)


# ------------------------------------------------ cloud physics: kappa-Koehler critical supersaturation, CCN spectrum
A_KELVIN = 2 * 0.072 * 0.018015 / (8.314 * 283.0 * 1000.0)   # m


def koehler(log_r, r_dry, kappa):
    r = np.exp(log_r)
    return (r ** 3 - r_dry ** 3) / (r ** 3 - r_dry ** 3 * (1.0 - kappa)) * np.exp(A_KELVIN / r) - 1.0


def critical_supersaturation(r_dry, kappa, tol=1e-11):
    """Golden-section search for the Koehler maximum in log radius, every bin at once."""
    invphi = (np.sqrt(5.0) - 1.0) / 2.0
    lo, hi = np.log(r_dry) + 0.01, np.log(r_dry) + 7.0
    x1, x2 = hi - invphi * (hi - lo), lo + invphi * (hi - lo)
    f1, f2 = koehler(x1, r_dry, kappa), koehler(x2, r_dry, kappa)
    while np.max(hi - lo) > tol:
        left = f1 > f2
        hi = np.where(left, x2, hi)
        lo = np.where(left, lo, x1)
        x1, x2 = hi - invphi * (hi - lo), lo + invphi * (hi - lo)
        f1, f2 = koehler(x1, r_dry, kappa), koehler(x2, r_dry, kappa)
    return koehler(0.5 * (lo + hi), r_dry, kappa)


def ccn_loss(kappa, log_dg, log_sg, s_env, n_obs, n_total=800.0, width=2e-4):
    edges = np.linspace(np.log(10e-9), np.log(400e-9), 25)
    log_d = 0.5 * (edges[1:] + edges[:-1])
    weights = norm.pdf(log_d, loc=log_dg, scale=np.exp(log_sg)) * np.diff(edges)
    s_c = critical_supersaturation(np.exp(log_d) / 2.0, kappa)
    activated = expit((s_env[:, None] - s_c[None, :]) / width)
    n_ccn = n_total * activated @ weights
    return np.sum((np.log(n_ccn) - np.log(n_obs)) ** 2)


def ccn_inputs(rng):
    s_env = np.array([0.001, 0.002, 0.004, 0.006, 0.01])
    edges = np.linspace(np.log(10e-9), np.log(400e-9), 25)
    log_d = 0.5 * (edges[1:] + edges[:-1])
    w = norm.pdf(log_d, loc=np.log(80e-9), scale=np.log(1.8)) * np.diff(edges)
    s_c = critical_supersaturation(np.exp(log_d) / 2.0, 0.3)
    n_obs = 800.0 * expit((s_env[:, None] - s_c[None, :]) / 2e-4) @ w * np.exp(0.05 * rng.standard_normal(5))
    return dict(kappa=0.4, log_dg=np.log(70e-9), log_sg=np.log(np.log(1.7)), s_env=s_env, n_obs=n_obs)


# ------------------------------------------------ medical ultrasound: delay-and-sum autofocus on sound speed
def band_limited_sample(trace, fs, tau, f_lo=2e6, f_hi=8e6):
    """Evaluate a sampled trace between its samples by its in-band Fourier series (trigonometric interpolation)."""
    spec = np.fft.rfft(trace)
    freqs = np.fft.rfftfreq(len(trace), d=1.0 / fs)
    band = (freqs > f_lo) & (freqs < f_hi)
    phase = np.exp(2j * np.pi * tau[..., None] * freqs[band])
    return 2.0 / len(trace) * np.real(phase @ spec[band])


def das_image(rf, fs, elem_x, c, pix_x, pix_z, apod):
    img = np.zeros((len(pix_z), len(pix_x)))
    for e, xe in enumerate(elem_x):
        d_rx = np.sqrt((pix_x[None, :] - xe) ** 2 + pix_z[:, None] ** 2)
        tau = (pix_z[:, None] + d_rx) / c           # plane-wave transmit at zero angle, then the return path
        img += apod[e] * band_limited_sample(rf[e], fs, tau)
    return img


def autofocus_loss(c, elem_offset, rf, fs, elem_x, pix_x, pix_z):
    apod = np.hanning(len(elem_x) + 2)[1:-1]
    img = das_image(rf, fs, elem_x + 1e-3 * elem_offset, c, pix_x, pix_z, apod)
    energy = np.sum(img ** 2)
    return -np.sum(img ** 4) / energy ** 2 * img.size + np.sum(elem_offset ** 2)


def ultrasound_inputs(rng, n_elem=12, fs=40e6, f0=5e6):
    elem_x = (np.arange(n_elem) - (n_elem - 1) / 2) * 0.3e-3
    t = np.arange(1200) / fs
    scatterers = [(0.0, 12e-3), (1.0e-3, 16e-3), (-1.2e-3, 20e-3)]
    rf = np.zeros((n_elem, t.size))
    for e, xe in enumerate(elem_x):
        for sx, sz in scatterers:
            delay = (sz + np.hypot(sx - xe, sz)) / 1540.0
            rf[e] += np.exp(-((t - delay) * f0 / 0.6) ** 2) * np.cos(2 * np.pi * f0 * (t - delay))
    rf += 0.02 * rng.standard_normal(rf.shape)
    return dict(c=1500.0, elem_offset=0.01 * rng.standard_normal(n_elem), rf=rf, fs=fs, elem_x=elem_x,
                pix_x=np.linspace(-2e-3, 2e-3, 9), pix_z=np.linspace(10e-3, 22e-3, 25))


# ------------------------------------------------ control: PID loop shaping with np.polymul and complex np.polyval
def pid_tf(kp, ki, kd, tf=0.02):
    num = np.array([kp * tf + kd, kp + ki * tf, ki])      # kp + ki/s + kd s/(tf s + 1) over s (tf s + 1)
    den = np.array([tf, 1.0, 0.0])
    return num, den


def loop_shaping_loss(log_gains, plant_num, plant_den, w, Ms_max=1.5, wc=2.0):
    kp, ki, kd = np.exp(log_gains)
    c_num, c_den = pid_tf(kp, ki, kd)
    L_num, L_den = np.polymul(c_num, plant_num), np.polymul(c_den, plant_den)
    s = 1j * w
    L = np.polyval(L_num, s) / np.polyval(L_den, s)
    S = 1.0 / (1.0 + L)
    T = L * S
    Ms = logsumexp(40.0 * np.abs(S)) / 40.0                  # a soft peak sensitivity
    Mt = np.max(np.abs(T))
    low = w < 0.3 * wc
    disturbance = np.mean(np.abs(S[low] * np.polyval(plant_num, s[low]) / np.polyval(plant_den, s[low])))
    crossover = (np.log(np.abs(np.polyval(L_num, 1j * wc) / np.polyval(L_den, 1j * wc)))) ** 2
    return disturbance + 2.0 * np.maximum(Ms - Ms_max, 0.0) ** 2 + 0.1 * Mt + 0.5 * crossover


def loop_inputs(rng):
    plant_num = np.array([1.0])
    plant_den = np.polymul([1.0, 1.0], np.polymul([0.5, 1.0], [0.1, 1.0]))   # three real poles
    return dict(log_gains=np.log([1.5, 0.8, 0.3]) + 0.05 * rng.standard_normal(3), plant_num=plant_num,
                plant_den=plant_den, w=np.logspace(-2, 2, 120))


# ------------------------------------------------ hydrology: TOPMODEL over topographic-index classes
def topmodel_flow(params, precip, pet, ti, frac, dt=1.0):
    m, lnT0, srz_max, td = params["m"], params["lnT0"], params["srz_max"], params["td"]
    lam = np.sum(frac * ti)
    S_bar = params["S0"]
    srz = np.full(len(ti), 0.3 * srz_max)           # root-zone deficit per class
    suz = np.zeros(len(ti))
    flows = []
    for p, e in zip(precip, pet):
        S_loc = np.maximum(S_bar + m * (lam - ti), 0.0)
        srz = srz - p
        excess = np.maximum(-srz, 0.0)
        srz = np.maximum(srz, 0.0)
        srz = np.minimum(srz + e * (1.0 - srz / srz_max), srz_max)
        suz = suz + excess
        sat = S_loc <= suz
        overland = np.zeros(len(ti))
        overland[sat] = suz[sat] - S_loc[sat]
        suz = suz - overland
        drain = suz * (1.0 - np.exp(-dt / (td * (1.0 + S_loc))))
        suz -= drain
        qb = np.exp(lnT0 - lam - S_bar / m) * dt
        S_bar = S_bar - np.sum(frac * drain) + qb
        flows.append(qb + np.sum(frac * overland))
    return np.array(flows)


def topmodel_loss(log_theta, precip, pet, ti, frac, q_obs):
    m, T0, srz_max, td = np.exp(log_theta)
    params = {"m": m, "lnT0": np.log(T0), "srz_max": srz_max, "td": td, "S0": 0.02}
    q = topmodel_flow(params, precip, pet, ti, frac)
    nse = 1.0 - np.sum((q - q_obs) ** 2) / np.sum((q_obs - q_obs.mean()) ** 2)
    return 1.0 - nse


def topmodel_inputs(rng, n=150):
    ti = np.linspace(4.0, 12.0, 9)
    frac = np.exp(-0.5 * ((ti - 7.0) / 1.5) ** 2)
    frac = frac / frac.sum()
    precip = np.where(rng.uniform(size=n) < 0.2, rng.exponential(0.006, n), 0.0)
    pet = 0.0001 * (1 + np.sin(2 * np.pi * np.arange(n) / 24.0))
    truth = np.log([0.02, 2.0, 0.05, 30.0])
    params = {"m": 0.02, "lnT0": np.log(2.0), "srz_max": 0.05, "td": 30.0, "S0": 0.02}
    q = topmodel_flow(params, precip, pet, ti, frac)
    return dict(log_theta=truth + np.array([0.1, -0.2, 0.1, 0.2]), precip=precip, pet=pet, ti=ti, frac=frac,
                q_obs=q * np.exp(0.05 * rng.standard_normal(n)))


# ------------------------------------------------ audio: a Freeverb-style comb/allpass reverb matched to a decay curve
class LowpassComb:
    def __init__(self, delay, feedback, damp):
        self.buf = np.zeros(delay)
        self.idx = 0
        self.feedback = feedback
        self.damp = damp
        self.store = 0.0

    def process(self, x):
        y = self.buf[self.idx]
        self.store = y * (1.0 - self.damp) + self.store * self.damp
        self.buf[self.idx] = x + self.store * self.feedback
        self.idx = (self.idx + 1) % len(self.buf)
        return y


class Allpass:
    def __init__(self, delay, gain=0.5):
        self.buf = np.zeros(delay)
        self.idx = 0
        self.gain = gain

    def process(self, x):
        b = self.buf[self.idx]
        y = -x + b
        self.buf[self.idx] = x + b * self.gain
        self.idx = (self.idx + 1) % len(self.buf)
        return y


def reverb_impulse_response(feedback, damp, n=500, comb_delays=(29, 31, 37, 41), ap_delays=(11, 7)):
    combs = [LowpassComb(d, g, damp) for d, g in zip(comb_delays, feedback)]
    allpasses = [Allpass(d) for d in ap_delays]
    out = np.zeros(n)
    for k in range(n):
        x = 1.0 if k == 0 else 0.0
        y = 0.0
        for comb in combs:
            y = y + comb.process(x)
        for ap in allpasses:
            y = ap.process(y)
        out[k] = y
    return out


def reverb_loss(fb_logits, damp_logit, target_edc_db, marks):
    h = reverb_impulse_response(expit(fb_logits) * 0.98, expit(damp_logit))
    edc = np.cumsum((h ** 2)[::-1])[::-1]
    edc_db = 10.0 * np.log10(edc / edc[0] + 1e-12)
    return np.mean((edc_db[marks] - target_edc_db) ** 2)


def reverb_inputs(rng):
    marks = np.arange(10, 500, 20)
    h = reverb_impulse_response(np.array([0.86, 0.84, 0.85, 0.83]), 0.3)
    edc = np.cumsum((h ** 2)[::-1])[::-1]
    target = 10.0 * np.log10(edc / edc[0] + 1e-12)[marks] + 0.1 * rng.standard_normal(marks.size)
    return dict(fb_logits=np.full(4, 1.2) + 0.1 * rng.standard_normal(4), damp_logit=-0.5, target_edc_db=target,
                marks=marks)


PROGRAMS = [
    dict(name="rc_building_thermostat_class", f=building_loss, inputs=building_inputs, wrt=("log_params",)),
    dict(name="single_particle_battery_fv", f=battery_loss, inputs=battery_inputs,
         wrt=("log_D", "log_k0", "log_R_film")),
    dict(name="lindblad_rabi_rk4_complex", f=rabi_fit_loss, inputs=rabi_inputs, wrt=("log_rates", "delta")),
    dict(name="batch_ei_matern_cho", f=batch_ei_loss, inputs=bo_inputs, wrt=("X_cand", "log_hyp")),
    dict(name="exact_policy_gradient_mdp", f=mdp_loss, inputs=mdp_inputs, wrt=("theta",)),
    dict(name="loo_kde_fill_diagonal", f=loo_kde_nll, inputs=kde_inputs, wrt=("log_h",)),
    dict(name="tsne_perplexity_bisection", f=tsne_kl, inputs=tsne_inputs, wrt=("Y",)),
    dict(name="cds_bootstrap_secant", f=cds_mark_loss, inputs=cds_inputs, wrt=("spreads", "recovery")),
    dict(name="jelinek_mercer_trigram_counter", f=interpolated_nll, inputs=ngram_inputs, wrt=("lam_logits",)),
    dict(name="choo_siow_ipfp_while_true", f=marriage_nll, inputs=marriage_inputs, wrt=("A",)),
    dict(name="jaakkola_jordan_vb_ard", f=vb_logistic_neg_elbo, inputs=vb_logistic_inputs, wrt=("log_prior_var",)),
    dict(name="meta_sgd_task_dicts", f=meta_sgd_loss, inputs=meta_inputs, wrt=("w0", "log_lr")),
    dict(name="hypernetwork_split_reshape", f=hypernet_loss, inputs=hypernet_inputs,
         wrt=("H1", "c1", "H2", "c2", "emb")),
    dict(name="soft_rank_spearman_corrcoef", f=spearman_loss, inputs=spearman_inputs, wrt=("w",)),
    dict(name="eos80_thermal_wind_gradient", f=section_loss, inputs=section_inputs, wrt=("T_sec", "S_sec")),
    dict(name="kohler_golden_section_ccn", f=ccn_loss, inputs=ccn_inputs, wrt=("kappa", "log_dg", "log_sg")),
    dict(name="ultrasound_das_fourier_autofocus", f=autofocus_loss, inputs=ultrasound_inputs,
         wrt=("c", "elem_offset")),
    dict(name="pid_loop_shaping_polymul", f=loop_shaping_loss, inputs=loop_inputs, wrt=("log_gains",)),
    dict(name="topmodel_ti_classes", f=topmodel_loss, inputs=topmodel_inputs, wrt=("log_theta",)),
    dict(name="freeverb_comb_allpass_classes", f=reverb_loss, inputs=reverb_inputs, wrt=("fb_logits", "damp_logit")),
]


# ================================================ the other transforms: jacobian, hvp, has_aux, dict params
try:  # imported as benchmarks/real_programs.py's module, or run as a script
    from .checks import _close, _fd, run_checks
except ImportError:
    from checks import _close, _fd, run_checks


def check_section_jacobian(adjit):
    a = section_inputs(np.random.default_rng(12))
    rest = (a["z"], a["x_km"])
    J = adjit.jacobian(thermal_wind_velocity, argnums=0)(a["T_sec"], a["S_sec"], *rest)
    return _close(J, _fd(lambda T: thermal_wind_velocity(T, a["S_sec"], *rest), a["T_sec"]), rtol=1e-5)


def check_kde_hvp(adjit):
    a = kde_inputs(np.random.default_rng(12))
    v = np.array([0.3, -0.2, 0.5])
    hv = adjit.hvp(loo_kde_nll, argnums=0)(a["log_h"], a["X"], v)
    grad = adjit.grad(loo_kde_nll, wrt=0)
    return _close(hv, _fd(lambda h: grad(h, a["X"]), a["log_h"]) @ v, rtol=1e-5)


def topmodel_with_flows(log_theta, precip, pet, ti, frac, q_obs):
    m, T0, srz_max, td = np.exp(log_theta)
    q = topmodel_flow({"m": m, "lnT0": np.log(T0), "srz_max": srz_max, "td": td, "S0": 0.02}, precip, pet, ti, frac)
    return topmodel_loss(log_theta, precip, pet, ti, frac, q_obs), q


def check_topmodel_aux(adjit):
    a = topmodel_inputs(np.random.default_rng(12))
    args = (a["log_theta"], a["precip"], a["pet"], a["ti"], a["frac"], a["q_obs"])
    (loss, q), g = adjit.value_and_grad(topmodel_with_flows, has_aux=True)(*args)
    fd = _fd(lambda p: topmodel_loss(p, *args[1:]), args[0])
    return bool(np.isclose(loss, topmodel_loss(*args)) and _close(q, topmodel_with_flows(*args)[1]) and _close(g, fd))


def check_hypernet_dict(adjit):
    a = hypernet_inputs(np.random.default_rng(12))
    names = ("H1", "c1", "H2", "c2", "emb")
    params = {k: a[k] for k in names}
    rest = (a["task_ids"], a["xs"], a["ys"])
    g = adjit.grad(hyper_params_loss)(params, *rest)
    ok = True
    for name in params:
        def f(x, name=name):
            return hyper_params_loss(dict(params, **{name: x}), *rest)
        ok = ok and _close(g[name], _fd(f, params[name]))
    return ok


TRANSFORMS = [check_section_jacobian, check_kde_hvp, check_topmodel_aux, check_hypernet_dict]


if __name__ == "__main__":  # the other transforms, each in turn: pass, wrong, or the error's first line
    run_checks(TRANSFORMS)
