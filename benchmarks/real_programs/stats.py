"""Statistics: likelihoods, mixtures, variational objectives, state-space models, embeddings."""
import math

import numpy as np
from scipy.linalg import cho_factor, cho_solve
from scipy.special import gammaln, logsumexp, multigammaln
from scipy.stats import norm


def gp_neg_log_marginal_likelihood(log_params, X, y):
    lengthscale, signal_var, noise_var = np.exp(log_params)
    sqdist = np.sum(X ** 2, 1)[:, None] + np.sum(X ** 2, 1)[None, :] - 2 * X @ X.T
    K = signal_var * np.exp(-0.5 * sqdist / lengthscale ** 2) + noise_var * np.eye(len(X))
    L = np.linalg.cholesky(K)
    alpha = np.linalg.solve(L.T, np.linalg.solve(L, y))
    n = len(y)
    return 0.5 * y @ alpha + np.sum(np.log(np.diag(L))) + 0.5 * n * np.log(2 * np.pi)


def gp_inputs(rng):
    X = rng.uniform(-2, 2, (15, 2))
    return dict(log_params=np.array([0.0, 0.0, -2.0]), X=X, y=np.sin(X[:, 0]) + 0.1 * rng.standard_normal(15))


def gp_slogdet(log_ls, log_sf, log_sn, X, y):
    diff = X[:, np.newaxis, :] - X[np.newaxis, :, :]
    r2 = np.sum((diff / np.exp(log_ls)) ** 2, axis=-1)
    K = np.exp(2 * log_sf) * np.exp(-0.5 * r2) + np.exp(2 * log_sn) * np.eye(X.shape[0])
    sign, logdet = np.linalg.slogdet(K)
    return 0.5 * y @ np.linalg.solve(K, y) + 0.5 * logdet


def gp_ard_inputs(rng):
    X = rng.standard_normal((12, 3))
    return dict(log_ls=np.zeros(3), log_sf=0.0, log_sn=-1.0, X=X, y=rng.standard_normal(12))


def poisson_regression(beta, X, counts):
    eta = X @ beta
    mu = np.exp(eta)
    return -np.sum(counts * eta - mu - gammaln(counts + 1))


def poisson_inputs(rng):
    X = rng.standard_normal((50, 4))
    beta = 0.3 * rng.standard_normal(4)
    return dict(beta=beta, X=X, counts=rng.poisson(np.exp(X @ beta)).astype(float))


def negative_binomial_nll(beta, log_r, X, y):
    r = np.exp(log_r)
    mu = np.exp(X @ beta)
    ll = (gammaln(y + r) - gammaln(r) - gammaln(y + 1)
          + r * np.log(r / (r + mu)) + y * np.log(mu / (r + mu)))
    return -ll.sum()


def negbin_inputs(rng):
    X = rng.standard_normal((40, 3))
    return dict(beta=0.2 * rng.standard_normal(3), log_r=0.5, X=X, y=rng.poisson(2.0, 40).astype(float))


# --- ADBench GMM, the PyTorch module translated to NumPy line by line (torch.X -> np.X)
def adb_logsumexp(x):
    mx = np.max(x)
    emx = np.exp(x - mx)
    return np.log(sum(emx)) + mx


def adb_logsumexpvec(x):
    mx = np.max(x, 1)
    lset = logsumexp(np.transpose(x) - mx, 0)
    return np.transpose(lset + mx)


def log_gamma_distrib(a, p):
    return multigammaln(a, p)


def sqsum(x):
    return sum(x ** 2)


def log_wishart_prior(p, wishart_gamma, wishart_m, sum_qs, Qdiags, icf):
    n = p + wishart_m + 1
    k = icf.shape[0]
    out = np.sum(0.5 * wishart_gamma * wishart_gamma
                 * (np.sum(Qdiags ** 2, axis=1) + np.sum(icf[:, p:] ** 2, axis=1)) - wishart_m * sum_qs)
    C = n * p * (math.log(wishart_gamma / math.sqrt(2)))
    return out - k * (C - log_gamma_distrib(0.5 * n, p))


def constructL(d, icf):
    constructL.Lparamidx = d

    def make_L_col(i):
        nelems = d - i - 1
        col = np.concatenate([np.zeros(i + 1), icf[constructL.Lparamidx:(constructL.Lparamidx + nelems)]])
        constructL.Lparamidx += nelems
        return col

    columns = [make_L_col(i) for i in range(d)]
    return np.stack(columns, -1)


def Qtimesx(Qdiag, L, x):
    f = np.einsum('ijk,mik->mij', L, x)
    return Qdiag * x + f


def gmm_adbench(alphas, means, icf, x, wishart_gamma, wishart_m):
    n = x.shape[0]
    d = x.shape[1]
    Qdiags = np.exp(icf[:, :d])
    sum_qs = np.sum(icf[:, :d], 1)
    Ls = np.stack([constructL(d, curr_icf) for curr_icf in icf])
    xcentered = np.stack(tuple(x[i] - means for i in range(n)))
    Lxcentered = Qtimesx(Qdiags, Ls, xcentered)
    sqsum_Lxcentered = np.sum(Lxcentered ** 2, 2)
    inner_term = alphas + sum_qs - 0.5 * sqsum_Lxcentered
    lse = adb_logsumexpvec(inner_term)
    slse = np.sum(lse)
    CONSTANT = -n * d * 0.5 * math.log(2 * math.pi)
    return CONSTANT + slse - n * adb_logsumexp(alphas) \
        + log_wishart_prior(d, wishart_gamma, wishart_m, sum_qs, Qdiags, icf)


def gmm_inputs(rng):
    k, d, n = 3, 3, 10
    return dict(alphas=rng.standard_normal(k), means=rng.standard_normal((k, d)),
                icf=0.3 * rng.standard_normal((k, d + d * (d - 1) // 2)), x=rng.standard_normal((n, d)),
                wishart_gamma=1.0, wishart_m=0)


def gmm_vectorized(alphas, means, icf, x, wishart_gamma, wishart_m):
    n, d = x.shape
    K = len(alphas)
    Q = np.zeros((K, d, d))
    rows, cols = np.triu_indices(d, 1)
    idx = np.arange(d)
    for k in range(K):
        Q[k, idx, idx] = np.exp(icf[k, :d])
    Q[:, cols, rows] = icf[:, d:]
    diff = x[:, np.newaxis, :] - means[np.newaxis, :, :]
    Qdiff = np.einsum('kij,nkj->nki', Q, diff)
    mahal = np.sum(Qdiff ** 2, axis=-1)
    log_det = np.sum(icf[:, :d], axis=1)
    log_w = alphas - logsumexp(alphas)
    ll = logsumexp(log_w + log_det - 0.5 * mahal, axis=1)
    prior = 0.5 * wishart_gamma ** 2 * np.sum(Q ** 2) - wishart_m * np.sum(log_det)
    return -np.sum(ll) + 0.5 * n * d * np.log(2 * np.pi) + prior


def mixture_1d(logits, mu, log_sigma, data):
    log_pi = logits - logsumexp(logits)
    sigma = np.exp(log_sigma)
    z = (data[:, None] - mu[None, :]) / sigma
    log_comp = -0.5 * z ** 2 - log_sigma - 0.5 * np.log(2 * np.pi)
    return -np.sum(logsumexp(log_pi + log_comp, axis=1))


def mixture_inputs(rng):
    data = np.concatenate([rng.normal(-2, 0.5, 20), rng.normal(1, 1.0, 30)])
    return dict(logits=np.zeros(3), mu=np.array([-1.0, 0.0, 1.0]), log_sigma=np.zeros(3), data=data)


def vae_elbo(W_enc, W_mu, W_logvar, W_dec, x, eps):
    h = np.tanh(x @ W_enc)
    mu = h @ W_mu
    logvar = h @ W_logvar
    z = mu + np.exp(0.5 * logvar) * eps
    logits = z @ W_dec
    recon = np.sum(x * logits - np.logaddexp(0, logits), axis=1)
    kl = -0.5 * np.sum(1 + logvar - mu ** 2 - np.exp(logvar), axis=1)
    return -np.mean(recon - kl)


def vae_inputs(rng):
    return dict(W_enc=0.3 * rng.standard_normal((8, 6)), W_mu=0.3 * rng.standard_normal((6, 2)),
                W_logvar=0.3 * rng.standard_normal((6, 2)), W_dec=0.3 * rng.standard_normal((2, 8)),
                x=(rng.random((10, 8)) < 0.5).astype(float), eps=rng.standard_normal((10, 2)))


def bayes_logreg_elbo(mean, log_std, X, y, eps, prior_std=1.0):
    """Mean-field Gaussian ELBO for Bayesian logistic regression, Monte Carlo with fixed noise."""
    S = eps.shape[0]
    std = np.exp(log_std)
    total = 0.0
    for s in range(S):
        w = mean + std * eps[s]
        logits = X @ w
        loglik = np.sum(y * logits - np.log1p(np.exp(logits)))
        logprior = -0.5 * np.sum(w ** 2) / prior_std ** 2
        total += loglik + logprior
    entropy = np.sum(log_std) + 0.5 * len(mean) * (1 + np.log(2 * np.pi))
    return -(total / S + entropy)


def bayes_logreg_inputs(rng):
    return dict(mean=0.1 * rng.standard_normal(4), log_std=-np.ones(4), X=rng.standard_normal((30, 4)),
                y=(rng.random(30) < 0.5).astype(float), eps=rng.standard_normal((5, 4)))


def tsne_kl(Y, P):
    n = Y.shape[0]
    sum_Y = np.sum(np.square(Y), 1)
    num = 1 / (1 + np.add(np.add(-2 * np.dot(Y, Y.T), sum_Y).T, sum_Y))
    num[range(n), range(n)] = 0.0
    Q = num / np.sum(num)
    Q = np.maximum(Q, 1e-12)
    return np.sum(P * np.log(P / Q))


def tsne_inputs(rng):
    n = 15
    X = rng.standard_normal((n, 5))
    D = np.sum((X[:, None] - X[None]) ** 2, -1)
    P = np.exp(-D)
    np.fill_diagonal(P, 0.0)
    P = P / P.sum(axis=1, keepdims=True)
    P = (P + P.T) / (2 * n)
    P = np.maximum(P, 1e-12)
    return dict(Y=rng.standard_normal((n, 2)), P=P)


def kalman_loglik(log_q, log_r, a, ys):
    """Local-level model x_t = a x_{t-1} + w, y_t = x_t + v: negative log-likelihood by the Kalman filter."""
    q = np.exp(log_q)
    r = np.exp(log_r)
    m, P = 0.0, 1.0
    nll = 0.0
    for y in ys:
        m_pred = a * m
        P_pred = a * a * P + q
        S = P_pred + r
        v = y - m_pred
        nll += 0.5 * (np.log(2 * np.pi * S) + v ** 2 / S)
        K = P_pred / S
        m = m_pred + K * v
        P = (1 - K) * P_pred
    return nll


def kalman_inputs(rng):
    x = np.cumsum(0.3 * rng.standard_normal(30))
    return dict(log_q=-1.0, log_r=-1.0, a=0.9, ys=x + 0.3 * rng.standard_normal(30))


def kalman_mv(A, log_q, C, ys):
    """Multivariate Kalman filter likelihood with matrices."""
    d = A.shape[0]
    Q = np.exp(log_q) * np.eye(d)
    R = 0.1 * np.eye(ys.shape[1])
    m = np.zeros(d)
    P = np.eye(d)
    nll = 0.0
    for t in range(ys.shape[0]):
        m = A @ m
        P = A @ P @ A.T + Q
        S = C @ P @ C.T + R
        v = ys[t] - C @ m
        Sinv = np.linalg.inv(S)
        nll = nll + 0.5 * (np.log(np.linalg.det(S)) + v @ Sinv @ v)
        K = P @ C.T @ Sinv
        m = m + K @ v
        P = (np.eye(d) - K @ C) @ P
    return nll


def kalman_mv_inputs(rng):
    return dict(A=np.array([[0.9, 0.1], [0.0, 0.8]]), log_q=-2.0, C=rng.standard_normal((2, 2)),
                ys=rng.standard_normal((12, 2)))


def hmm_forward(log_pi, log_A, log_B, obs):
    """Negative log-likelihood of an observation sequence by the forward algorithm in log space."""
    log_pi = log_pi - logsumexp(log_pi)
    log_A = log_A - logsumexp(log_A, axis=1, keepdims=True)
    log_B = log_B - logsumexp(log_B, axis=1, keepdims=True)
    alpha = log_pi + log_B[:, obs[0]]
    for t in range(1, len(obs)):
        alpha = logsumexp(alpha[:, None] + log_A, axis=0) + log_B[:, obs[t]]
    return -logsumexp(alpha)


def hmm_inputs(rng):
    return dict(log_pi=rng.standard_normal(3), log_A=rng.standard_normal((3, 3)), log_B=rng.standard_normal((3, 4)),
                obs=rng.integers(0, 4, 15))


def huber_regression(w, X, y, delta=1.0):
    r = y - X @ w
    a = np.abs(r)
    loss = np.where(a <= delta, 0.5 * r ** 2, delta * (a - 0.5 * delta))
    return loss.sum()


def huber_inputs(rng):
    X = rng.standard_normal((40, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + rng.standard_cauchy(40)
    return dict(w=np.array([0.3, 0.2, -0.1]), X=X, y=y)


def quantile_regression(w, b, X, y, taus=(0.1, 0.5, 0.9)):
    total = 0.0
    for j, tau in enumerate(taus):
        r = y - (X @ w[:, j] + b[j])
        total = total + np.mean(np.maximum(tau * r, (tau - 1) * r))
    return total


def quantile_inputs(rng):
    X = rng.standard_normal((30, 2))
    return dict(w=0.1 * rng.standard_normal((2, 3)), b=np.zeros(3), X=X, y=X[:, 0] + rng.standard_normal(30))


def student_t_regression(w, log_scale, log_nu, X, y):
    nu = np.exp(log_nu)
    s = np.exp(log_scale)
    r = (y - X @ w) / s
    ll = (gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * np.log(nu * np.pi) - log_scale
          - (nu + 1) / 2 * np.log1p(r ** 2 / nu))
    return -np.sum(ll)


def student_t_inputs(rng):
    X = rng.standard_normal((30, 3))
    return dict(w=0.1 * rng.standard_normal(3), log_scale=0.0, log_nu=1.0, X=X, y=rng.standard_t(3, 30))



def gp_cho_solve(log_params, X, y):
    """GP negative log marginal likelihood the way scikit-learn writes it: cho_factor and cho_solve."""
    ls, sf2, sn2 = np.exp(log_params[0]), np.exp(log_params[1]), np.exp(log_params[2])
    d2 = cdist_sq(X, X)
    K = sf2 * np.exp(-0.5 * d2 / ls ** 2) + sn2 * np.eye(X.shape[0])
    c, low = cho_factor(K, lower=True)
    alpha = cho_solve((c, low), y)
    return 0.5 * y.dot(alpha) + np.log(np.diag(c)).sum() + 0.5 * len(y) * np.log(2 * np.pi)


def cdist_sq(A, B):
    return ((A[:, None, :] - B[None, :, :]) ** 2).sum(-1)


def kde_bandwidth(log_h, data, query):
    """Leave-nothing-out log-likelihood of query points under a Gaussian KDE, scipy.stats.norm.logpdf."""
    h = np.exp(log_h)
    logk = norm.logpdf(query[:, None], loc=data[None, :], scale=h)
    return -np.sum(logsumexp(logk, axis=1) - np.log(len(data)))


def kde_inputs(rng):
    return dict(log_h=np.log(0.5), data=rng.standard_normal(30), query=rng.standard_normal(10))


def masked_regression(W, X, Y):
    """Missing targets are NaN: the loss over the observed ones, by boolean indexing."""
    pred = X @ W
    observed = ~np.isnan(Y)
    return np.mean((pred[observed] - Y[observed]) ** 2)


def masked_inputs(rng):
    Y = rng.standard_normal((20, 3))
    Y[rng.random((20, 3)) < 0.2] = np.nan
    return dict(W=0.3 * rng.standard_normal((4, 3)), X=rng.standard_normal((20, 4)), Y=Y)


PROGRAMS = [
    dict(name="gp_nlml_cholesky", f=gp_neg_log_marginal_likelihood, inputs=gp_inputs, wrt=("log_params",)),
    dict(name="gp_ard_slogdet", f=gp_slogdet, inputs=gp_ard_inputs, wrt=("log_ls", "log_sf", "log_sn")),
    dict(name="poisson_regression", f=poisson_regression, inputs=poisson_inputs, wrt=("beta",)),
    dict(name="negbin_regression", f=negative_binomial_nll, inputs=negbin_inputs, wrt=("beta", "log_r")),
    dict(name="gmm_adbench", f=gmm_adbench, inputs=gmm_inputs, wrt=("alphas", "means", "icf")),
    dict(name="gmm_vectorized", f=gmm_vectorized, inputs=gmm_inputs, wrt=("alphas", "means", "icf")),
    dict(name="mixture_1d", f=mixture_1d, inputs=mixture_inputs, wrt=("logits", "mu", "log_sigma")),
    dict(name="vae_elbo", f=vae_elbo, inputs=vae_inputs, wrt=("W_enc", "W_mu", "W_logvar", "W_dec")),
    dict(name="bayes_logreg_elbo", f=bayes_logreg_elbo, inputs=bayes_logreg_inputs, wrt=("mean", "log_std")),
    dict(name="tsne_kl", f=tsne_kl, inputs=tsne_inputs, wrt=("Y",)),
    dict(name="kalman_local_level", f=kalman_loglik, inputs=kalman_inputs, wrt=("log_q", "log_r", "a")),
    dict(name="kalman_multivariate", f=kalman_mv, inputs=kalman_mv_inputs, wrt=("A", "log_q", "C")),
    dict(name="hmm_forward", f=hmm_forward, inputs=hmm_inputs, wrt=("log_pi", "log_A", "log_B")),
    dict(name="huber_regression", f=huber_regression, inputs=huber_inputs, wrt=("w",)),
    dict(name="quantile_regression", f=quantile_regression, inputs=quantile_inputs, wrt=("w", "b")),
    dict(name="student_t_regression", f=student_t_regression, inputs=student_t_inputs, wrt=("w", "log_scale", "log_nu")),
    dict(name="gp_cho_solve", f=gp_cho_solve, inputs=gp_inputs, wrt=("log_params",)),
    dict(name="kde_bandwidth", f=kde_bandwidth, inputs=kde_inputs, wrt=("log_h",)),
    dict(name="masked_regression", f=masked_regression, inputs=masked_inputs, wrt=("W",)),
]
