"""Nineteenth held-out set: twenty programs written without running adjit on them and without reading what
it supports, in domains and styles the other modules do not cover, the way research code and course notes
write them: a pre-norm causal multi-head attention block whose q, k, v come from np.split and whose heads are
made by reshape, np.swapaxes and np.moveaxis; a batch-norm MLP class whose running mean and variance live in a
state dict updated per minibatch and used in eval mode; SVI smiles priced by Black-76 with norm.cdf under
Durrleman butterfly and calendar penalties (np.maximum of np.diff over stacked slices); an American put by
Crank-Nicolson with scipy.linalg.solve_banded, early exercise by np.maximum and quotes read by np.interp;
Madgwick attitude filtering of a simulated IMU with a quaternion product helper and np.stack of a list
history; a bathtub hazard by np.piecewise with lambdas over age bands and survival by np.cumprod; the
Jiles-Atherton hysteresis model with a Langevin function guarded by a double np.where and a branch on the
sign of dH; McCall job search by value-function iteration in a while loop with a tolerance; Goertzel
detection of DTMF tones by a second-order recursion over samples; Paczynski microlensing with per-site
blending solved by np.linalg.solve over a dict of sites; the Bergman minimal glucose model with meals and
boluses in a while loop, scored by np.nanmean against CGM readings with dropouts; a Bahdanau-attention
seq2seq decoder over a ragged list of sentences; knowledge distillation with mixup partners by np.flip
and scipy.special.log_softmax at a temperature; a microwave sounder's brightness temperatures through a
reversed np.cumsum of optical depth with an np.ediff1d smoothness prior; sediment settling velocities by
np.select drag regimes in a damped fixed point with a Rouse profile and Meyer-Peter-Mueller bedload; a
discrete LQR tuned through a Riccati iteration written with np.linalg.multi_dot and a saturated rollout;
2-D Gaussian splatting with covariances by einsum, depth order by np.argsort and transmittance by
np.cumprod; LFM pulse compression by complex np.correlate with a softened peak-sidelobe level; a
conditional drawdown portfolio with np.maximum.accumulate; and a Plackett-Luce model of horse races with
denominators by a reversed np.logaddexp.accumulate over a ragged list of races.

`TRANSFORMS` (run by `python benchmarks/real_programs/heldout19.py`) differentiates some of them the other
ways users ask for: adjit.jacobian (the sounder's brightness temperatures in the temperature profile),
adjit.hvp (the race likelihood in its coefficients), value_and_grad(has_aux=True) (the glucose model with
its trajectory) and a dict of parameters (the batch-norm MLP), each checked against central differences.
"""
import numpy as np
from numpy.linalg import multi_dot
from scipy.linalg import solve_banded
from scipy.special import expit, gammaln, log_softmax, logsumexp, softmax
from scipy.stats import norm


# ----------------------------------------------- transformer: pre-norm causal multi-head attention, np.split heads
def layer_norm(x, gamma, beta, eps=1e-5):
    mu = x.mean(axis=-1, keepdims=True)
    var = x.var(axis=-1, keepdims=True)
    return gamma * (x - mu) / np.sqrt(var + eps) + beta


def stable_softmax(z, axis=-1):
    z = z - z.max(axis=axis, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=axis, keepdims=True)


def causal_mha(x, Wqkv, Wo, n_heads):
    B, T, D = x.shape
    dh = D // n_heads
    qkv = x @ Wqkv
    q, k, v = np.split(qkv, 3, axis=-1)

    def heads(t):
        return np.swapaxes(t.reshape(B, T, n_heads, dh), 1, 2)  # (B, H, T, dh)

    q, k, v = heads(q), heads(k), heads(v)
    scores = q @ np.swapaxes(k, -1, -2) / np.sqrt(dh)
    causal = np.tril(np.ones((T, T), dtype=bool))
    scores = np.where(causal, scores, -1e9)
    att = stable_softmax(scores, axis=-1)
    out = np.moveaxis(att @ v, 1, 2).reshape(B, T, D)
    return out @ Wo


def transformer_regression_loss(Wqkv, Wo, ln1_g, ln1_b, ln2_g, ln2_b, W_ff1, W_ff2, w_head, x, y, n_heads=2):
    h = x + causal_mha(layer_norm(x, ln1_g, ln1_b), Wqkv, Wo, n_heads)
    f = layer_norm(h, ln2_g, ln2_b)
    h = h + np.maximum(f @ W_ff1, 0.0) @ W_ff2
    pred = h[:, -1, :] @ w_head  # predict from the last position
    return np.mean((pred - y) ** 2)


def transformer_inputs(rng):
    B, T, D, F = 4, 6, 8, 16
    return dict(Wqkv=0.3 * rng.standard_normal((D, 3 * D)), Wo=0.3 * rng.standard_normal((D, D)),
                ln1_g=np.ones(D) + 0.1 * rng.standard_normal(D), ln1_b=0.1 * rng.standard_normal(D),
                ln2_g=np.ones(D), ln2_b=np.zeros(D), W_ff1=0.3 * rng.standard_normal((D, F)),
                W_ff2=0.3 * rng.standard_normal((F, D)), w_head=0.3 * rng.standard_normal(D),
                x=rng.standard_normal((B, T, D)), y=rng.standard_normal(B))


# ----------------------------------------------- batch norm with running statistics in a state dict
class BatchNormMLP:
    def __init__(self, params, momentum=0.1, eps=1e-5):
        self.p = params
        self.momentum = momentum
        self.eps = eps
        width = params["W1"].shape[1]
        self.state = {"running_mean": np.zeros(width), "running_var": np.ones(width)}

    def forward(self, x, training=True):
        z = x @ self.p["W1"] + self.p["b1"]
        if training:
            mu = z.mean(axis=0)
            var = z.var(axis=0)
            n = z.shape[0]
            m = self.momentum
            self.state["running_mean"] = (1 - m) * self.state["running_mean"] + m * mu
            self.state["running_var"] = (1 - m) * self.state["running_var"] + m * var * n / (n - 1)
        else:
            mu, var = self.state["running_mean"], self.state["running_var"]
        zn = (z - mu) / np.sqrt(var + self.eps) * self.p["gamma"] + self.p["beta"]
        return np.tanh(zn) @ self.p["W2"] + self.p["b2"]


def cross_entropy(logits, labels):
    return np.mean(logsumexp(logits, axis=1) - logits[np.arange(len(labels)), labels])


def bn_params_loss(params, x, y, x_val, y_val, batch_size=16):
    net = BatchNormMLP(params)
    losses = []
    for start in range(0, len(x), batch_size):
        logits = net.forward(x[start:start + batch_size])
        losses.append(cross_entropy(logits, y[start:start + batch_size]))
    val = cross_entropy(net.forward(x_val, training=False), y_val)
    return sum(losses) / len(losses) + 0.5 * val


def batchnorm_loss(W1, b1, gamma, beta, W2, b2, x, y, x_val, y_val):
    return bn_params_loss(dict(W1=W1, b1=b1, gamma=gamma, beta=beta, W2=W2, b2=b2), x, y, x_val, y_val)


def batchnorm_inputs(rng):
    d, width, n_cls = 5, 12, 3
    centers = 2.0 * rng.standard_normal((n_cls, d))
    y = rng.integers(0, n_cls, 64)
    x = centers[y] + rng.standard_normal((64, d))
    y_val = rng.integers(0, n_cls, 24)
    x_val = centers[y_val] + rng.standard_normal((24, d))
    return dict(W1=0.4 * rng.standard_normal((d, width)), b1=np.zeros(width), gamma=np.ones(width),
                beta=np.zeros(width), W2=0.4 * rng.standard_normal((width, n_cls)), b2=np.zeros(n_cls),
                x=x, y=y, x_val=x_val, y_val=y_val)


# ----------------------------------------------- volatility surface: SVI slices priced by Black-76
def svi_w(k, a, b, rho, m, sigma):
    return a + b * (rho * (k - m) + np.sqrt((k - m) ** 2 + sigma ** 2))


def durrleman_g(k, a, b, rho, m, sigma):
    root = np.sqrt((k - m) ** 2 + sigma ** 2)
    w = a + b * (rho * (k - m) + root)
    w1 = b * (rho + (k - m) / root)
    w2 = b * sigma ** 2 / root ** 3
    return (1 - k * w1 / (2 * w)) ** 2 - w1 ** 2 / 4 * (1 / w + 0.25) + w2 / 2


def black76_call(F, K, w, df):
    sd = np.sqrt(w)
    d1 = (np.log(F / K) + 0.5 * w) / sd
    d2 = d1 - sd
    return df * (F * norm.cdf(d1) - K * norm.cdf(d2))


def svi_calibration_loss(raw, slices, k_grid=np.linspace(-0.6, 0.6, 25), penalty=50.0):
    loss = 0.0
    w_grid = []
    for i, sl in enumerate(slices):
        a, b, rho, m, sigma = raw[i, 0], np.exp(raw[i, 1]), np.tanh(raw[i, 2]), raw[i, 3], np.exp(raw[i, 4])
        k = np.log(sl["strikes"] / sl["forward"])
        w = svi_w(k, a, b, rho, m, sigma)
        model = black76_call(sl["forward"], sl["strikes"], w, sl["df"])
        loss += np.sum(sl["weights"] * (model - sl["price"]) ** 2)
        g = durrleman_g(k_grid, a, b, rho, m, sigma)
        loss += penalty * np.sum(np.maximum(0.0, -g) ** 2)
        w_grid.append(svi_w(k_grid, a, b, rho, m, sigma))
    calendar = np.diff(np.stack(w_grid), axis=0)
    return loss + penalty * np.sum(np.maximum(0.0, -calendar) ** 2)


def svi_inputs(rng):
    expiries = [0.25, 0.5, 1.0, 2.0]
    true = np.array([[0.01, np.log(0.08), np.arctanh(-0.4), 0.02, np.log(0.2)],
                     [0.02, np.log(0.09), np.arctanh(-0.35), 0.03, np.log(0.25)],
                     [0.04, np.log(0.10), np.arctanh(-0.3), 0.04, np.log(0.3)],
                     [0.08, np.log(0.11), np.arctanh(-0.25), 0.05, np.log(0.35)]])
    slices = []
    for i, T in enumerate(expiries):
        F = 100.0 * np.exp(0.01 * T)
        strikes = F * np.exp(np.linspace(-0.4, 0.3, 9))
        a, b, rho, m, sigma = true[i, 0], np.exp(true[i, 1]), np.tanh(true[i, 2]), true[i, 3], np.exp(true[i, 4])
        w = svi_w(np.log(strikes / F), a, b, rho, m, sigma)
        price = black76_call(F, strikes, w, np.exp(-0.03 * T)) * (1 + 0.01 * rng.standard_normal(9))
        slices.append(dict(T=T, forward=F, strikes=strikes, df=np.exp(-0.03 * T), price=price,
                           weights=1.0 / (1.0 + price)))
    return dict(raw=true + np.array([0.002, 0.05, 0.05, 0.01, 0.05]) * rng.standard_normal(true.shape), slices=slices)


# ----------------------------------------------- American put by Crank-Nicolson with solve_banded
def cn_american_put(sigma0, skew, r, K, T, S0, S_max=300.0, n_S=80, n_t=40):
    S = np.linspace(0.0, S_max, n_S + 1)
    dt = T / n_t
    payoff = np.maximum(K - S, 0.0)
    V = payoff.copy()
    j = np.arange(1, n_S)
    sig = sigma0 * (S[1:-1] / S0) ** skew  # local volatility
    alpha = 0.25 * dt * (sig ** 2 * j ** 2 - r * j)
    beta = -0.5 * dt * (sig ** 2 * j ** 2 + r)
    gamma = 0.25 * dt * (sig ** 2 * j ** 2 + r * j)
    ab = np.zeros((3, n_S - 1))
    ab[0, 1:] = -gamma[:-1]
    ab[1, :] = 1 - beta
    ab[2, :-1] = -alpha[1:]
    for step in range(n_t):
        rhs = alpha * V[:-2] + (1 + beta) * V[1:-1] + gamma * V[2:]
        rhs[0] += alpha[0] * K
        inner = solve_banded((1, 1), ab, rhs)
        V = np.concatenate([[K], inner, [0.0]])
        V = np.maximum(V, payoff)  # early exercise
    return S, V


def american_calibration_loss(log_sigma, skew, quotes, r=0.03, S0=100.0):
    errors = []
    for K, T, price in quotes:
        S, V = cn_american_put(np.exp(log_sigma), skew, r, K, T, S0)
        errors.append(np.interp(S0, S, V) - price)
    errors = np.array(errors)
    return np.mean(errors ** 2)


def american_inputs(rng):
    quotes = []
    for K, T in [(90.0, 0.5), (100.0, 0.5), (110.0, 1.0), (100.0, 1.0)]:
        S, V = cn_american_put(0.25, -0.4, 0.03, K, T, 100.0)
        quotes.append((K, T, float(np.interp(100.0, S, V)) + 0.02 * rng.standard_normal()))
    return dict(log_sigma=np.log(0.22), skew=-0.3, quotes=quotes)


# ----------------------------------------------- attitude estimation: Madgwick filter on a simulated IMU
def quat_mul(p, q):
    w1, x1, y1, z1 = p
    w2, x2, y2, z2 = q
    return np.array([w1 * w2 - x1 * x2 - y1 * y2 - z1 * z2,
                     w1 * x2 + x1 * w2 + y1 * z2 - z1 * y2,
                     w1 * y2 - x1 * z2 + y1 * w2 + z1 * x2,
                     w1 * z2 + x1 * y2 - y1 * x2 + z1 * w2])


def quat_conj(q):
    return q * np.array([1.0, -1.0, -1.0, -1.0])


def madgwick_update(q, gyro, acc, beta, dt):
    q_dot = 0.5 * quat_mul(q, np.concatenate(([0.0], gyro)))
    a = acc / np.linalg.norm(acc)
    w, x, y, z = q
    f = np.array([2 * (x * z - w * y) - a[0],
                  2 * (w * x + y * z) - a[1],
                  2 * (0.5 - x ** 2 - y ** 2) - a[2]])
    J = np.array([[-2 * y, 2 * z, -2 * w, 2 * x],
                  [2 * x, 2 * w, 2 * z, 2 * y],
                  [0.0, -4 * x, -4 * y, 0.0]])
    step = J.T @ f
    step = step / np.linalg.norm(step)
    q = q + (q_dot - beta * step) * dt
    return q / np.linalg.norm(q)


def attitude_loss(beta, gyro_bias, gyro, acc, q_ref, dt=0.02):
    q = np.array([1.0, 0.0, 0.0, 0.0])
    history = []
    for g, a in zip(gyro, acc):
        q = madgwick_update(q, g - gyro_bias, a, beta, dt)
        history.append(q)
    Q = np.stack(history)
    dots = np.sum(Q * q_ref, axis=1)
    return np.mean(1.0 - dots ** 2)


def attitude_inputs(rng, n=150, dt=0.02):
    t = np.arange(n) * dt
    omega = np.stack([0.8 * np.sin(1.3 * t), 0.5 * np.cos(0.7 * t), 0.3 * np.sin(0.4 * t + 1.0)], axis=1)
    q = np.array([1.0, 0.0, 0.0, 0.0])
    q_ref, acc = [], []
    for w in omega:
        q = q + 0.5 * quat_mul(q, np.concatenate(([0.0], w))) * dt
        q = q / np.linalg.norm(q)
        q_ref.append(q)
        g_body = quat_mul(quat_conj(q), quat_mul(np.array([0.0, 0.0, 0.0, 1.0]), q))[1:]
        acc.append(g_body + 0.02 * rng.standard_normal(3))
    bias = np.array([0.02, -0.015, 0.01])
    gyro = omega + bias + 0.01 * rng.standard_normal(omega.shape)
    return dict(beta=0.1, gyro_bias=np.array([0.01, -0.01, 0.0]), gyro=gyro, acc=np.array(acc),
                q_ref=np.array(q_ref))


# ----------------------------------------------- reliability: bathtub hazard by np.piecewise, grouped failures
def bathtub_hazard(age, theta):
    infant, decay, base, onset, wear = theta[0], theta[1], theta[2], theta[3], theta[4]
    return np.piecewise(age, [age < onset, age >= onset],
                        [lambda a: np.exp(base) + np.exp(infant - np.exp(decay) * a),
                         lambda a: np.exp(base) + np.exp(infant - np.exp(decay) * a)
                         + np.exp(wear) * (a - onset) ** 2])


def grouped_failure_nll(theta, edges, failures, censored):
    mids = 0.5 * (edges[:-1] + edges[1:])
    widths = np.diff(edges)
    h = bathtub_hazard(mids, theta)
    q = 1.0 - np.exp(-h * widths)  # conditional failure probability per interval
    S = np.cumprod(1.0 - q)
    S_start = np.concatenate(([1.0], S[:-1]))
    ll = np.sum(failures * np.log(S_start * q)) + np.sum(censored * np.log(S))
    return -ll / np.sum(failures + censored)


def bathtub_inputs(rng):
    edges = np.concatenate((np.linspace(0.0, 1.0, 6), np.linspace(1.5, 12.0, 22)))
    theta_true = np.array([np.log(0.3), np.log(2.0), np.log(0.02), 6.3, np.log(0.01)])
    mids = 0.5 * (edges[:-1] + edges[1:])
    q = 1.0 - np.exp(-bathtub_hazard(mids, theta_true) * np.diff(edges))
    S_start = np.concatenate(([1.0], np.cumprod(1.0 - q)[:-1]))
    n = 5000
    failures = rng.poisson(n * S_start * q).astype(float)
    censored = rng.poisson(40.0, size=len(q)).astype(float)
    return dict(theta=theta_true + np.array([0.1, -0.1, 0.05, 0.37, 0.1]), edges=edges, failures=failures,
                censored=censored)


# ----------------------------------------------- magnetics: Jiles-Atherton hysteresis loop
MU0 = 4e-7 * np.pi


def langevin(x):
    small = np.abs(x) < 1e-4
    x_safe = np.where(small, 1.0, x)
    return np.where(small, x / 3.0, 1.0 / np.tanh(x_safe) - 1.0 / x_safe)


def langevin_prime(x):
    small = np.abs(x) < 1e-4
    x_safe = np.where(small, 1.0, x)
    return np.where(small, 1.0 / 3.0, 1.0 / x_safe ** 2 - 1.0 / np.sinh(x_safe) ** 2)


def jiles_atherton(H, p):
    Ms, a, k, c, alpha = p["Ms"], p["a"], p["k"], p["c"], p["alpha"]
    M = 0.0
    out = [M]
    for i in range(1, len(H)):
        dH = H[i] - H[i - 1]
        delta = 1.0 if dH > 0 else -1.0
        He = H[i - 1] + alpha * M
        Man = Ms * langevin(He / a)
        dMan = Ms / a * langevin_prime(He / a)
        dMirr = (Man - M) / (delta * k - alpha * (Man - M))
        if (Man - M) * dH < 0:  # no irreversible change against the anhysteretic
            dMirr = 0.0
        dM = ((1 - c) * dMirr + c * dMan) / (1 - alpha * c * dMan)
        M = M + dM * dH
        out.append(M)
    return np.array(out)


def hysteresis_loss(log_p, H, B_obs):
    names = ("Ms", "a", "k", "c", "alpha")
    p = {name: np.exp(log_p[i]) for i, name in enumerate(names)}
    M = jiles_atherton(H, p)
    B = MU0 * (H + M)
    return np.mean((B - B_obs) ** 2)


def hysteresis_inputs(rng):
    t = np.linspace(0.003, 1.5, 300)
    H = 4000.0 * np.sin(2 * np.pi * t) * (1 + 0.1 * t)
    log_true = np.log(np.array([1.2e6, 900.0, 600.0, 0.15, 1.0e-3]))
    names = ("Ms", "a", "k", "c", "alpha")
    M = jiles_atherton(H, {n: np.exp(log_true[i]) for i, n in enumerate(names)})
    B_obs = MU0 * (H + M) + 0.005 * rng.standard_normal(len(H))
    return dict(log_p=log_true + 0.05 * rng.standard_normal(5), H=H, B_obs=B_obs)


# ----------------------------------------------- labour economics: McCall search by value-function iteration
def beta_binomial_pmf(n, a, b):
    k = np.arange(n + 1)
    log_pmf = (gammaln(n + 1) - gammaln(k + 1) - gammaln(n - k + 1)
               + gammaln(k + a) + gammaln(n - k + b) - gammaln(n + a + b)
               + gammaln(a + b) - gammaln(a) - gammaln(b))
    return np.exp(log_pmf)


def mccall_values(c, beta, w, q, tol=1e-9, max_iter=3000):
    v = w / (1 - beta)
    err = np.inf
    i = 0
    while err > tol and i < max_iter:
        h = c + beta * np.sum(v * q)
        v_new = np.maximum(w / (1 - beta), h)
        err = np.max(np.abs(v_new - v))
        v = v_new
        i += 1
    return v, c + beta * np.sum(v * q)


def mccall_loss(log_c, beta_logit, log_ab, w, mean_wage_obs, duration_obs, smooth=0.5):
    beta = expit(beta_logit)
    q = beta_binomial_pmf(len(w) - 1, np.exp(log_ab[0]), np.exp(log_ab[1]))
    v, h = mccall_values(np.exp(log_c), beta, w, q)
    w_bar = (1 - beta) * h  # reservation wage
    accept = expit((w - w_bar) / smooth)
    p_accept = np.sum(q * accept)
    mean_wage = np.sum(q * accept * w) / p_accept
    duration = 1.0 / p_accept
    return (mean_wage - mean_wage_obs) ** 2 + (np.log(duration) - np.log(duration_obs)) ** 2


def mccall_inputs(rng):
    w = np.linspace(10.0, 60.0, 40)
    return dict(log_c=np.log(25.0), beta_logit=np.log(0.95 / 0.05), log_ab=np.log(np.array([200.0, 100.0]) / 100.0),
                w=w, mean_wage_obs=44.0 + rng.standard_normal(), duration_obs=3.0)


# ----------------------------------------------- telephony: Goertzel detection of DTMF tones
DTMF_ROWS = np.array([697.0, 770.0, 852.0, 941.0])
DTMF_COLS = np.array([1209.0, 1336.0, 1477.0, 1633.0])


def goertzel_powers(x, freqs, fs):
    coeff = 2.0 * np.cos(2.0 * np.pi * freqs / fs)
    s_prev = np.zeros_like(freqs)
    s_prev2 = np.zeros_like(freqs)
    for sample in x:
        s = sample + coeff * s_prev - s_prev2
        s_prev2 = s_prev
        s_prev = s
    return s_prev2 ** 2 + s_prev ** 2 - coeff * s_prev * s_prev2


def dtmf_design_loss(amps, detune, noise, key=(1, 2), fs=8000.0, n=205, target_db=30.0):
    t = np.arange(n) / fs
    f_row = DTMF_ROWS[key[0]] * (1 + detune[0])
    f_col = DTMF_COLS[key[1]] * (1 + detune[1])
    x = amps[0] * np.sin(2 * np.pi * f_row * t) + amps[1] * np.sin(2 * np.pi * f_col * t) + noise
    detector = np.concatenate([DTMF_ROWS, DTMF_COLS])
    P = goertzel_powers(x, detector, fs)
    P_db = 10 * np.log10(P + 1e-9)
    wanted = np.zeros(8, dtype=bool)
    wanted[key[0]] = True
    wanted[4 + key[1]] = True
    twist = P_db[key[0]] - P_db[4 + key[1]]
    margin = P_db[wanted].min() - logsumexp(P_db[~wanted])
    return (margin - target_db) ** 2 + 0.1 * twist ** 2 + 0.01 * np.sum(amps ** 2)


def dtmf_inputs(rng):
    return dict(amps=np.array([0.7, 0.9]), detune=np.array([0.004, -0.006]), noise=0.05 * rng.standard_normal(205))


# ----------------------------------------------- astronomy: Paczynski microlensing with per-site blending
def magnification(u):
    return (u ** 2 + 2) / (u * np.sqrt(u ** 2 + 4))


def microlens_chi2(t0, u0, log_tE, photometry):
    tE = np.exp(log_tE)
    chi2 = 0.0
    for site, d in photometry.items():
        tau = (d["t"] - t0) / tE
        u = np.sqrt(u0 ** 2 + tau ** 2)
        A = magnification(u)
        X = np.column_stack([A, np.ones_like(A)])
        w = 1.0 / d["err"] ** 2
        fs_fb = np.linalg.solve(X.T @ (X * w[:, None]), X.T @ (w * d["flux"]))
        chi2 = chi2 + np.sum(w * (d["flux"] - X @ fs_fb) ** 2)
    return chi2 / 100.0


def microlens_inputs(rng):
    t0, u0, tE = 7500.0, 0.15, 25.0
    photometry = {}
    for site, (n, fs, fb, span) in {"OGLE": (120, 1.0, 0.3, 80.0), "MOA": (90, 0.6, 0.5, 60.0),
                                    "KMTC": (60, 1.4, 0.1, 40.0)}.items():
        t = np.sort(t0 + span * (rng.uniform(size=n) - 0.5))
        A = magnification(np.sqrt(u0 ** 2 + ((t - t0) / tE) ** 2))
        err = 0.01 * (fs + fb) * np.ones(n)
        photometry[site] = dict(t=t, flux=fs * A + fb + err * rng.standard_normal(n), err=err)
    return dict(t0=7501.0, u0=0.17, log_tE=np.log(23.0), photometry=photometry)


# ----------------------------------------------- physiology: Bergman minimal model with meals, CGM dropouts
def meal_appearance(t, meals, tau):
    Ra = 0.0
    for t_meal, carbs in meals:
        if t >= t_meal:
            s = t - t_meal
            Ra = Ra + carbs * 1000.0 * s / tau ** 2 * np.exp(-s / tau)  # mg/min
    return Ra


def bergman_simulate(log_p, meals, boluses, t_end=600.0, dt=2.0, Gb=110.0, Ib=10.0, V=119.0):
    p1, p2, p3, n_clear, tau = np.exp(log_p)
    G, X, I = Gb, 0.0, Ib
    t = 0.0
    trace = []
    while t < t_end - 1e-9:
        for t_bolus, units in boluses:
            if abs(t - t_bolus) < dt / 2:
                I = I + 12.0 * units
        Ra = meal_appearance(t, meals, tau)
        dG = -(p1 + X) * G + p1 * Gb + 0.9 * Ra / V
        dX = -p2 * X + p3 * (I - Ib)
        dI = -n_clear * (I - Ib)
        G, X, I = G + dt * dG, X + dt * dX, I + dt * dI
        t += dt
        trace.append(G)
    return np.array(trace)


def cgm_loss(log_p, meals, boluses, cgm):
    G = bergman_simulate(log_p, meals, boluses)
    return np.nanmean((G - cgm) ** 2) / 100.0


def cgm_inputs(rng):
    meals = [(60.0, 50.0), (300.0, 70.0), (480.0, 30.0)]
    boluses = [(56.0, 5.0), (296.0, 7.0)]
    log_true = np.log(np.array([0.03, 0.025, 1.3e-5, 0.14, 45.0]))
    G = bergman_simulate(log_true, meals, boluses)
    cgm = G + 3.0 * rng.standard_normal(len(G))
    cgm[rng.uniform(size=len(G)) < 0.15] = np.nan  # sensor dropouts
    cgm[100:112] = np.nan
    return dict(log_p=log_true + 0.05 * rng.standard_normal(5), meals=meals, boluses=boluses, cgm=cgm)


# ----------------------------------------------- NLP: Bahdanau-attention seq2seq over ragged sentences
def encode(src, E_src, W_enc, U_enc):
    s = np.zeros(U_enc.shape[0])
    states = []
    for tok in src:
        s = np.tanh(E_src[tok] @ W_enc + s @ U_enc)
        states.append(s)
    return np.stack(states, axis=0)


def seq2seq_nll(E_src, W_enc, U_enc, E_tgt, W_dec, U_dec, C_dec, Wa, Ua, va, W_out, pairs, bos=0):
    total, count = 0.0, 0
    for src, tgt in pairs:
        H = encode(src, E_src, W_enc, U_enc)
        s = H[-1]
        prev = bos
        keys = H @ Wa  # precomputed once per sentence
        for tok in tgt:
            e = np.tanh(keys + s @ Ua) @ va
            alpha = softmax(e)
            ctx = alpha @ H
            s = np.tanh(E_tgt[prev] @ W_dec + s @ U_dec + ctx @ C_dec)
            logits = np.concatenate([s, ctx]) @ W_out
            total = total - log_softmax(logits)[tok]
            count += 1
            prev = tok
    return total / count


def seq2seq_inputs(rng):
    V_src, V_tgt, e, d, a = 12, 10, 6, 8, 5
    pairs = []
    for length in (3, 5, 4, 6, 2):
        src = list(rng.integers(1, V_src, length))
        tgt = [int(t) % (V_tgt - 1) + 1 for t in src[::-1]] + [0]  # reversed copy task, end token 0
        pairs.append((src, tgt))
    return dict(E_src=0.5 * rng.standard_normal((V_src, e)), W_enc=0.4 * rng.standard_normal((e, d)),
                U_enc=0.3 * rng.standard_normal((d, d)), E_tgt=0.5 * rng.standard_normal((V_tgt, e)),
                W_dec=0.4 * rng.standard_normal((e, d)), U_dec=0.3 * rng.standard_normal((d, d)),
                C_dec=0.3 * rng.standard_normal((d, d)), Wa=0.4 * rng.standard_normal((d, a)),
                Ua=0.4 * rng.standard_normal((d, a)), va=0.4 * rng.standard_normal(a),
                W_out=0.4 * rng.standard_normal((2 * d, V_tgt)), pairs=pairs)


# ----------------------------------------------- knowledge distillation with mixup partners and temperature
def student_logits(x, W1, b1, W2, b2):
    z = x @ W1 + b1
    h = np.where(z > 0, z, 0.01 * z)  # leaky ReLU
    return h @ W2 + b2


def distill_loss(W1, b1, W2, b2, x, y, teacher_logits, lam=0.7, T=4.0, alpha=0.6, smoothing=0.1):
    n_cls = teacher_logits.shape[1]
    x_mix = lam * x + (1 - lam) * np.flip(x, axis=0)
    t_mix = lam * teacher_logits + (1 - lam) * np.flip(teacher_logits, axis=0)
    s = student_logits(x_mix, W1, b1, W2, b2)
    p_teacher = softmax(t_mix / T, axis=1)
    kl = np.sum(p_teacher * (log_softmax(t_mix / T, axis=1) - log_softmax(s / T, axis=1)), axis=1).mean() * T ** 2
    onehot = np.eye(n_cls)[y] * (1 - smoothing) + smoothing / n_cls
    targets = lam * onehot + (1 - lam) * np.flip(onehot, axis=0)
    ce = -np.mean(np.sum(targets * log_softmax(s, axis=1), axis=1))
    return alpha * kl + (1 - alpha) * ce


def distill_inputs(rng):
    n, d, h, c = 32, 6, 10, 4
    x = rng.standard_normal((n, d))
    W_teacher = rng.standard_normal((d, c))
    teacher_logits = 2.0 * x @ W_teacher
    y = np.argmax(teacher_logits + 0.5 * rng.standard_normal((n, c)), axis=1)
    return dict(W1=0.4 * rng.standard_normal((d, h)), b1=0.05 * rng.standard_normal(h),
                W2=0.4 * rng.standard_normal((h, c)), b2=np.zeros(c), x=x, y=y, teacher_logits=teacher_logits)


# ----------------------------------------------- remote sensing: microwave sounder, reversed-cumsum optical depth
C1 = 1.191042e-5  # mW/(m2 sr cm^-1) per (cm^-1)^3
C2 = 1.4387770  # cm K


def planck(nu, T):
    return C1 * nu ** 3 / (np.exp(C2 * nu / T) - 1.0)


def brightness_temps(T_prof, log_q_scale, p_levels, nu, k0, T_surf=288.0, eps_s=0.95):
    p_mid = 0.5 * (p_levels[:-1] + p_levels[1:])
    dp = np.abs(np.diff(p_levels))
    T_mid = 0.5 * (T_prof[:-1] + T_prof[1:])
    q = 0.01 * np.exp(log_q_scale) * (p_mid / 1000.0) ** 3
    k_abs = k0[:, None] * (p_mid / 1000.0)[None, :] * (296.0 / T_mid) ** 0.7
    dtau = k_abs * (0.2 + q) * dp  # (channel, layer), layers ordered surface -> top
    tau_above = np.cumsum(dtau[:, ::-1], axis=1)[:, ::-1]  # from each layer's bottom to the top
    tau_levels = np.concatenate([tau_above, np.zeros((len(nu), 1))], axis=1)
    trans = np.exp(-tau_levels)
    weighting = np.diff(trans, axis=1)
    radiance = np.sum(weighting * planck(nu[:, None], T_mid), axis=1) + eps_s * trans[:, 0] * planck(nu, T_surf)
    return C2 * nu / np.log(1.0 + C1 * nu ** 3 / radiance)


def sounder_retrieval_loss(T_prof, log_q_scale, p_levels, nu, k0, Tb_obs, T_prior, sigma=0.3, smooth=2.0):
    Tb = brightness_temps(T_prof, log_q_scale, p_levels, nu, k0)
    misfit = np.sum(((Tb - Tb_obs) / sigma) ** 2)
    roughness = np.sum(np.ediff1d(np.ediff1d(T_prof)) ** 2)
    return 0.5 * misfit + smooth * roughness + 0.01 * np.sum((T_prof - T_prior) ** 2) + 0.5 * log_q_scale ** 2


def sounder_inputs(rng):
    p_levels = np.geomspace(1000.0, 10.0, 25)
    z = -7.0 * np.log(p_levels / 1000.0)
    T_true = np.where(z < 11.0, 288.0 - 6.5 * z, 216.5 + 1.0 * (z - 11.0))
    nu = np.linspace(1.7, 2.0, 8)  # cm^-1 (50-60 GHz)
    k0 = np.geomspace(0.0002, 0.02, 8)
    Tb_obs = brightness_temps(T_true, 0.2, p_levels, nu, k0) + 0.3 * rng.standard_normal(8)
    T_prior = 288.0 - 5.0 * np.clip(z, 0, 12) + 0.5 * np.clip(z - 12, 0, None)
    return dict(T_prof=T_prior + rng.standard_normal(25), log_q_scale=0.0, p_levels=p_levels, nu=nu, k0=k0,
                Tb_obs=Tb_obs, T_prior=T_prior)


# ----------------------------------------------- sediment transport: settling regimes by np.select, Rouse, MPM
def settling_velocity(d, R=1.65, nu=1e-6, g=9.81, tol=1e-12, max_iter=200):
    w = R * g * d ** 2 / (18 * nu)  # Stokes guess
    for it in range(max_iter):
        Re = w * d / nu
        Cd = np.select([Re < 0.5, Re < 1000.0],
                       [24.0 / Re, 24.0 / Re * (1 + 0.15 * Re ** 0.687)], default=0.44)
        w_new = np.sqrt(4 * R * g * d / (3 * Cd))
        if np.max(np.abs(w_new - w) / w) < tol:
            w = w_new
            break
        w = 0.5 * w + 0.5 * w_new
    return w


def rouse_profile(z, h, a, w_s, u_star, kappa=0.41):
    P = w_s / (kappa * u_star)
    return (((h - z) / z) * (a / (h - a))) ** P[:, None]


def sediment_loss(frac_logits, log_d, theta_c, stages, z_obs, conc_obs, bedload_obs, R=1.65, g=9.81):
    frac = softmax(frac_logits)
    d = np.exp(log_d)
    w_s = settling_velocity(d)
    loss = 0.0
    for i, (h, u_star) in enumerate(stages):
        conc_ref = frac * 1e-3 * np.exp(-d / 1e-3)
        profile = np.sum(conc_ref[:, None] * rouse_profile(z_obs * h, h, 0.05 * h, w_s, u_star), axis=0)
        loss += np.mean((np.log(profile) - np.log(conc_obs[i])) ** 2)
        shields = u_star ** 2 / (R * g * d)
        qb = np.sum(frac * 8.0 * np.maximum(shields - theta_c, 0.0) ** 1.5 * np.sqrt(R * g * d ** 3))
        loss += (np.log(qb) - np.log(bedload_obs[i])) ** 2
    return loss


def sediment_inputs(rng):
    stages = [(1.0, 0.05), (1.5, 0.07), (2.5, 0.09), (3.0, 0.12)]
    z_obs = np.linspace(0.1, 0.9, 7)
    true = dict(frac_logits=np.array([0.0, 0.5, 0.2, -0.5]), log_d=np.log([1.5e-4, 3e-4, 6e-4, 1.2e-3]),
                theta_c=0.045)
    frac = softmax(true["frac_logits"])
    d = np.exp(true["log_d"])
    w_s = settling_velocity(d)
    conc, qb = [], []
    for h, u_star in stages:
        conc_ref = frac * 1e-3 * np.exp(-d / 1e-3)
        prof = np.sum(conc_ref[:, None] * rouse_profile(z_obs * h, h, 0.05 * h, w_s, u_star), axis=0)
        conc.append(prof * np.exp(0.05 * rng.standard_normal(len(z_obs))))
        shields = u_star ** 2 / (1.65 * 9.81 * d)
        qb.append(np.sum(frac * 8.0 * np.maximum(shields - 0.045, 0) ** 1.5 * np.sqrt(1.65 * 9.81 * d ** 3)))
    return dict(frac_logits=true["frac_logits"] + 0.1 * rng.standard_normal(4),
                log_d=true["log_d"] + 0.05 * rng.standard_normal(4), theta_c=0.05, stages=stages, z_obs=z_obs,
                conc_obs=np.array(conc), bedload_obs=np.array(qb) * np.exp(0.05 * rng.standard_normal(4)))


# ----------------------------------------------- control: discrete LQR by Riccati iteration (multi_dot), saturated
def dlqr(A, B, Q, R, tol=1e-10, max_iter=1000):
    P = Q.copy()
    for _ in range(max_iter):
        K = np.linalg.solve(R + multi_dot([B.T, P, B]), multi_dot([B.T, P, A]))
        P_new = Q + multi_dot([A.T, P, A]) - multi_dot([A.T, P, B, K])
        if np.max(np.abs(P_new - P)) < tol * np.max(np.abs(P)):
            P = P_new
            break
        P = P_new
    K = np.linalg.solve(R + multi_dot([B.T, P, B]), multi_dot([B.T, P, A]))
    return K, P


def lqr_tuning_loss(log_q, log_r, A, B, x0s, W_perf, horizon=60, u_max=1.5):
    Q = np.diag(np.exp(log_q))
    R = np.diag(np.exp(log_r))
    K, _ = dlqr(A, B, Q, R)
    cost = 0.0
    for x0 in x0s:
        x = x0
        for _ in range(horizon):
            u = np.clip(-K @ x, -u_max, u_max)
            cost = cost + x @ W_perf @ x + 0.1 * u @ u
            x = A @ x + B @ u
    return cost / len(x0s)


def lqr_inputs(rng):
    dt = 0.05
    A = np.eye(4) + dt * np.array([[0, 1, 0, 0], [0, -0.1, 0.5, 0], [0, 0, 0, 1], [0, 0, 4.0, -0.2]])
    B = dt * np.array([[0, 0], [1.0, 0.2], [0, 0], [0.3, 1.0]])
    x0s = [0.2 * rng.standard_normal(4) for _ in range(3)]
    return dict(log_q=np.zeros(4), log_r=np.zeros(2), A=A, B=B, x0s=x0s, W_perf=np.diag([1.0, 0.1, 2.0, 0.1]))


# ----------------------------------------------- graphics: 2-D Gaussian splatting with depth-sorted compositing
def rotations(theta):
    c, s = np.cos(theta), np.sin(theta)
    return np.stack([np.stack([c, -s], axis=-1), np.stack([s, c], axis=-1)], axis=-2)  # (N, 2, 2)


def splat_render(means, log_scales, thetas, color_logits, opacity_logits, depths, H=12, W=12):
    R = rotations(thetas)
    S2 = np.exp(2 * log_scales)
    cov = np.einsum('nij,nj,nkj->nik', R, S2, R)
    prec = np.linalg.inv(cov)
    ys, xs = np.meshgrid(np.arange(H) + 0.5, np.arange(W) + 0.5, indexing='ij')
    pix = np.stack([xs, ys], axis=-1).reshape(-1, 2)
    d = pix[None, :, :] - means[:, None, :]
    mahal = np.einsum('npi,nij,npj->np', d, prec, d)
    alpha = expit(opacity_logits)[:, None] * np.exp(-0.5 * mahal)
    alpha = np.minimum(alpha, 0.99)
    order = np.argsort(depths)
    alpha = alpha[order]
    colors = expit(color_logits)[order]
    trans = np.cumprod(np.concatenate([np.ones((1, alpha.shape[1])), 1 - alpha[:-1]], axis=0), axis=0)
    img = np.einsum('np,nc->pc', trans * alpha, colors)
    return img.reshape(H, W, 3)


def splat_loss(means, log_scales, thetas, color_logits, opacity_logits, depths, target):
    img = splat_render(means, log_scales, thetas, color_logits, opacity_logits, depths)
    return np.mean((img - target) ** 2)


def splat_inputs(rng, n=6):
    means = rng.uniform(2.0, 10.0, (n, 2))
    log_scales = np.log(rng.uniform(1.0, 2.5, (n, 2)))
    thetas = rng.uniform(0, np.pi, n)
    color_logits = rng.standard_normal((n, 3))
    opacity_logits = rng.standard_normal(n) + 1.0
    depths = rng.uniform(1.0, 5.0, n)
    target = splat_render(means + 0.5 * rng.standard_normal((n, 2)), log_scales, thetas, color_logits + 0.3,
                          opacity_logits, depths)
    return dict(means=means, log_scales=log_scales, thetas=thetas, color_logits=color_logits,
                opacity_logits=opacity_logits, depths=depths, target=target)


# ----------------------------------------------- radar: LFM pulse compression with a mismatched window
def lfm_chirp(n, bw_frac):
    t = np.arange(n) - (n - 1) / 2
    return np.exp(1j * np.pi * bw_frac * t ** 2 / n)


def taper(n, coeffs):
    k = np.arange(n)
    ph = 2 * np.pi * k / (n - 1)
    return coeffs[0] - coeffs[1] * np.cos(ph) + coeffs[2] * np.cos(2 * ph)


def sidelobe_loss(coeffs, bw_frac, n=48, mainlobe=3, sharpness=40.0):
    tx = lfm_chirp(n, bw_frac)
    ref = tx * taper(n, coeffs)
    corr = np.correlate(tx, ref, mode='full')
    p = np.abs(corr) ** 2
    c = n - 1  # zero lag
    peak = p[c]
    side = np.concatenate([p[:c - mainlobe], p[c + mainlobe + 1:]]) / peak
    psl_db = 10 * np.log10(side)
    soft_psl = logsumexp(sharpness * psl_db / 10) * 10 / sharpness
    mismatch_db = -10 * np.log10(peak / (n * np.sum(np.abs(ref) ** 2)))
    return soft_psl + 2.0 * mismatch_db


def sidelobe_inputs(rng):
    return dict(coeffs=np.array([0.54, 0.46, 0.0]) + 0.01 * rng.standard_normal(3), bw_frac=0.8)


# ----------------------------------------------- finance: conditional drawdown with np.maximum.accumulate
def drawdown_loss(logits, returns, risk_aversion=3.0, level=0.9):
    w = softmax(logits)
    port = returns @ w
    wealth = np.cumprod(1.0 + port)
    peak = np.maximum.accumulate(wealth)
    drawdown = 1.0 - wealth / peak
    k = int(np.ceil(level * len(drawdown)))
    cdar = np.sort(drawdown)[k:].mean()
    ann_return = wealth[-1] ** (252.0 / len(port)) - 1.0
    return -ann_return + risk_aversion * cdar + 0.01 * np.sum(logits ** 2)


def drawdown_inputs(rng, T=500, n=5):
    mu = np.array([0.0004, 0.0003, 0.0005, 0.0002, 0.0001])
    vol = np.array([0.012, 0.009, 0.016, 0.006, 0.003])
    corr = 0.3 * np.ones((n, n)) + 0.7 * np.eye(n)
    L = np.linalg.cholesky(corr)
    returns = mu + (rng.standard_normal((T, n)) @ L.T) * vol
    return dict(logits=0.3 * rng.standard_normal(n), returns=returns)


# ----------------------------------------------- sports: Plackett-Luce horse races by logaddexp.accumulate
def race_nll(beta, jockey, races, places=3):
    nll = 0.0
    for race in races:
        strength = race["X"] @ beta + jockey[race["jockey"]]
        s = strength[race["finish"]]  # in finishing order
        log_denoms = np.logaddexp.accumulate(s[::-1])[::-1]
        nll = nll - np.sum(s[:places] - log_denoms[:places])
    return nll / len(races) + 0.05 * np.sum(jockey ** 2)


def race_inputs(rng, n_races=25, n_jockeys=12, p=4):
    beta_true = np.array([0.8, -0.5, 0.3, 0.0])
    jockey_true = 0.4 * rng.standard_normal(n_jockeys)
    races = []
    for _ in range(n_races):
        m = int(rng.integers(5, 12))
        X = rng.standard_normal((m, p))
        jk = rng.choice(n_jockeys, m, replace=False)
        s = X @ beta_true + jockey_true[jk]
        finish = np.argsort(-(s + rng.gumbel(size=m)))
        races.append(dict(X=X, jockey=jk, finish=finish))
    return dict(beta=np.zeros(p), jockey=np.zeros(n_jockeys), races=races)


PROGRAMS = [
    dict(name="prenorm_mha_split_swapaxes", f=transformer_regression_loss, inputs=transformer_inputs,
         wrt=("Wqkv", "Wo", "ln1_g", "ln1_b", "ln2_g", "ln2_b", "W_ff1", "W_ff2", "w_head")),
    dict(name="batchnorm_running_stats_dict", f=batchnorm_loss, inputs=batchnorm_inputs,
         wrt=("W1", "b1", "gamma", "beta", "W2", "b2")),
    dict(name="svi_black76_durrleman", f=svi_calibration_loss, inputs=svi_inputs, wrt=("raw",)),
    dict(name="american_put_cn_solve_banded", f=american_calibration_loss, inputs=american_inputs,
         wrt=("log_sigma", "skew")),
    dict(name="madgwick_imu_quaternions", f=attitude_loss, inputs=attitude_inputs, wrt=("beta", "gyro_bias")),
    dict(name="bathtub_piecewise_cumprod", f=grouped_failure_nll, inputs=bathtub_inputs, wrt=("theta",)),
    dict(name="jiles_atherton_hysteresis", f=hysteresis_loss, inputs=hysteresis_inputs, wrt=("log_p",)),
    dict(name="mccall_search_vfi_while", f=mccall_loss, inputs=mccall_inputs, wrt=("log_c", "beta_logit", "log_ab")),
    dict(name="goertzel_dtmf_recursion", f=dtmf_design_loss, inputs=dtmf_inputs, wrt=("amps", "detune")),
    dict(name="microlensing_site_blending", f=microlens_chi2, inputs=microlens_inputs, wrt=("t0", "u0", "log_tE")),
    dict(name="bergman_glucose_nanmean", f=cgm_loss, inputs=cgm_inputs, wrt=("log_p",)),
    dict(name="bahdanau_seq2seq_ragged", f=seq2seq_nll, inputs=seq2seq_inputs,
         wrt=("E_src", "W_enc", "U_enc", "E_tgt", "W_dec", "U_dec", "C_dec", "Wa", "Ua", "va", "W_out")),
    dict(name="distillation_mixup_flip", f=distill_loss, inputs=distill_inputs, wrt=("W1", "b1", "W2", "b2")),
    dict(name="sounder_reversed_cumsum_ediff1d", f=sounder_retrieval_loss, inputs=sounder_inputs,
         wrt=("T_prof", "log_q_scale")),
    dict(name="sediment_select_rouse_mpm", f=sediment_loss, inputs=sediment_inputs,
         wrt=("frac_logits", "log_d", "theta_c")),
    dict(name="dlqr_riccati_multi_dot", f=lqr_tuning_loss, inputs=lqr_inputs, wrt=("log_q", "log_r")),
    dict(name="gaussian_splat_cumprod", f=splat_loss, inputs=splat_inputs,
         wrt=("means", "log_scales", "thetas", "color_logits", "opacity_logits")),
    dict(name="lfm_pulse_compression_correlate", f=sidelobe_loss, inputs=sidelobe_inputs, wrt=("coeffs", "bw_frac")),
    dict(name="cdar_maximum_accumulate", f=drawdown_loss, inputs=drawdown_inputs, wrt=("logits",)),
    dict(name="plackett_luce_races_accumulate", f=race_nll, inputs=race_inputs, wrt=("beta", "jockey")),
]


# ================================================ the other transforms: jacobian, hvp, has_aux, dict params
try:  # imported as benchmarks/real_programs.py's module, or run as a script
    from .checks import _close, _fd, run_checks
except ImportError:
    from checks import _close, _fd, run_checks


def check_sounder_jacobian(adjit):
    a = sounder_inputs(np.random.default_rng(12))
    rest = (a["p_levels"], a["nu"], a["k0"])
    J = adjit.jacobian(brightness_temps, argnums=0)(a["T_prof"], a["log_q_scale"], *rest)
    return _close(J, _fd(lambda T: brightness_temps(T, a["log_q_scale"], *rest), a["T_prof"]))


def check_race_hvp(adjit):
    a = race_inputs(np.random.default_rng(12))
    beta = np.array([0.3, -0.2, 0.1, 0.05])
    v = np.array([0.3, -0.2, 0.5, 0.1])
    hv = adjit.hvp(race_nll, argnums=0)(beta, a["jockey"], a["races"], v)
    grad = adjit.grad(race_nll, wrt=0)
    return _close(hv, _fd(lambda b: grad(b, a["jockey"], a["races"]), beta) @ v, rtol=1e-5)


def cgm_with_trace(log_p, meals, boluses, cgm):
    return cgm_loss(log_p, meals, boluses, cgm), bergman_simulate(log_p, meals, boluses)


def check_cgm_aux(adjit):
    a = cgm_inputs(np.random.default_rng(12))
    args = (a["log_p"], a["meals"], a["boluses"], a["cgm"])
    (loss, trace), g = adjit.value_and_grad(cgm_with_trace, has_aux=True)(*args)
    fd = _fd(lambda p: cgm_loss(p, *args[1:]), args[0])
    return bool(np.isclose(loss, cgm_loss(*args)) and _close(trace, bergman_simulate(*args[:3])) and _close(g, fd))


def check_batchnorm_dict(adjit):
    a = batchnorm_inputs(np.random.default_rng(12))
    names = ("W1", "b1", "gamma", "beta", "W2", "b2")
    params = {k: a[k] for k in names}
    rest = (a["x"], a["y"], a["x_val"], a["y_val"])
    g = adjit.grad(bn_params_loss)(params, *rest)
    ok = True
    for name in params:
        def f(x, name=name):
            return bn_params_loss(dict(params, **{name: x}), *rest)
        ok = ok and _close(g[name], _fd(f, params[name]))
    return ok


TRANSFORMS = [check_sounder_jacobian, check_race_hvp, check_cgm_aux, check_batchnorm_dict]


if __name__ == "__main__":  # the other transforms, each in turn: pass, wrong, or the error's first line
    run_checks(TRANSFORMS)
