"""Fourth held-out set: thirty programs written without reading adjit's docs or source, in domains the
other modules do not cover.

Integrated Michaelis-Menten progress curves (Lambert W), ordinal (cumulative-logit) regression,
factorization machines, SimCLR's NT-Xent loss, nested logit, a Gaussian copula with exponential margins,
Dirichlet-multinomial regression, the LDA variational bound, RBM free energy, a Heisenberg chain with a
Dzyaloshinskii-Moriya term, Lennard-Jones molecular dynamics with periodic boundaries, spring-mass cloth,
2-D truss finite elements, shallow water with a Rusanov flux, point-to-plane ICP, Merton jump-diffusion
calibration, GloVe, cart-pole multiple shooting, thin-film transfer matrices, a transit light curve,
earthquake location, FaST-LMM REML, Hodgkin-Huxley, Levinson-Durbin LPC, Peng-Robinson Z factors,
renewal-equation R_t, Tobit regression, a conv/batch-norm net through sliding windows, top-2
mixture-of-experts gating and a 1-D Schroedinger eigenproblem.
Written as plain NumPy/SciPy, the way the domain's textbooks, notebooks and Stack Overflow answers write them.
"""
import math
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.special import digamma, expit, gammaln, lambertw, logsumexp, softmax
from scipy.stats import gamma, norm, poisson


# ------------------------------------------------- enzyme kinetics: integrated Michaelis-Menten (Lambert W)
def mm_progress_nll(log_vmax, log_km, t, S0s, obs, sigma=0.05):
    """Schnell-Mendoza closed form S(t) = Km W((S0/Km) exp((S0 - Vmax t)/Km)), several initial S0."""
    Vmax = np.exp(log_vmax)
    Km = np.exp(log_km)
    total = 0.0
    for j, S0 in enumerate(S0s):
        arg = (S0 / Km) * np.exp((S0 - Vmax * t) / Km)
        S = Km * lambertw(arg).real
        resid = (obs[j] - S) / sigma
        total += 0.5 * np.sum(resid ** 2)
    return total


def mm_inputs(rng):
    t = np.linspace(0.0, 3.0, 15)
    S0s = np.array([0.5, 1.0, 2.0])
    obs = []
    for S0 in S0s:
        S = 0.5 * lambertw((S0 / 0.5) * np.exp((S0 - 1.0 * t) / 0.5)).real
        obs.append(S + 0.02 * rng.standard_normal(t.size))
    return dict(log_vmax=0.1, log_km=-0.5, t=t, S0s=S0s, obs=np.array(obs))


# ------------------------------------------------------- ordinal regression: cumulative logit with cutpoints
def ordinal_logit_nll(beta, raw_cuts, X, y):
    # ordered cutpoints: first one free, the rest via cumulative exp increments
    cuts = np.concatenate([raw_cuts[:1], raw_cuts[0] + np.cumsum(np.exp(raw_cuts[1:]))])
    eta = X @ beta
    cdf = expit(cuts[None, :] - eta[:, None])
    n = len(y)
    cdf = np.hstack([np.zeros((n, 1)), cdf, np.ones((n, 1))])
    probs = cdf[np.arange(n), y + 1] - cdf[np.arange(n), y]
    return -np.sum(np.log(probs))


def ordinal_inputs(rng):
    n, p = 120, 3
    X = rng.standard_normal((n, p))
    eta = X @ np.array([0.8, -0.5, 0.3])
    cuts = np.array([-1.0, 0.2, 1.3])
    u = rng.logistic(size=n)
    y = np.searchsorted(cuts, eta + u)
    return dict(beta=np.array([0.5, -0.2, 0.1]), raw_cuts=np.array([-0.8, 0.1, 0.0]), X=X, y=y)


# ------------------------------------------------------------------ recommender: factorization machine
@dataclass
class FMConfig:
    reg_w: float = 1e-3
    reg_v: float = 1e-3
    task: str = "classification"


def fm_loss(w0, w, V, X, y, cfg=FMConfig()):
    """Rendle's O(kn) pairwise-interaction identity."""
    linear = w0 + X @ w
    interactions = 0.5 * np.sum((X @ V) ** 2 - (X ** 2) @ (V ** 2), axis=1)
    yhat = linear + interactions
    if cfg.task == "classification":
        loss = np.mean(np.logaddexp(0.0, -y * yhat))
    else:
        loss = np.mean((y - yhat) ** 2)
    return loss + cfg.reg_w * np.sum(w ** 2) + cfg.reg_v * np.sum(V ** 2)


def fm_inputs(rng):
    n_users, n_items, n = 8, 10, 60
    users = rng.integers(0, n_users, n)
    items = rng.integers(0, n_items, n)
    X = np.zeros((n, n_users + n_items + 1))
    X[np.arange(n), users] = 1.0
    X[np.arange(n), n_users + items] = 1.0
    X[:, -1] = rng.random(n)  # a real-valued context feature
    y = np.where(rng.random(n) < 0.5, 1.0, -1.0)
    d = X.shape[1]
    return dict(w0=0.1, w=0.1 * rng.standard_normal(d), V=0.1 * rng.standard_normal((d, 4)), X=X, y=y,
                cfg=FMConfig(reg_w=1e-3, reg_v=1e-2))


# -------------------------------------------------------- self-supervised learning: SimCLR NT-Xent
def nt_xent_loss(W, X1, X2, temperature=0.5):
    z1 = np.tanh(X1 @ W)
    z2 = np.tanh(X2 @ W)
    z = np.concatenate([z1, z2], axis=0)
    z = z / np.linalg.norm(z, axis=1, keepdims=True)
    sim = z @ z.T / temperature
    n = z1.shape[0]
    sim[np.eye(2 * n, dtype=bool)] = -np.inf  # mask self-similarity
    positives = np.concatenate([np.arange(n, 2 * n), np.arange(n)])
    log_prob = sim[np.arange(2 * n), positives] - logsumexp(sim, axis=1)
    return -np.mean(log_prob)


def ntxent_inputs(rng):
    n, d, k = 12, 6, 5
    base = rng.standard_normal((n, d))
    return dict(W=0.4 * rng.standard_normal((d, k)), X1=base + 0.1 * rng.standard_normal((n, d)),
                X2=base + 0.1 * rng.standard_normal((n, d)))


# -------------------------------------------------------------------- discrete choice: nested logit
def nested_logit_nll(beta, log_lambda, X, choice, spec):
    """X: obs x alternatives x features; spec['nests'] lists the alternatives of each nest."""
    V = np.einsum("nak,k->na", X, beta)
    lam = np.exp(log_lambda)
    n = V.shape[0]
    inclusive = []
    for m, alts in enumerate(spec["nests"]):
        inclusive.append(logsumexp(V[:, alts] / lam[m], axis=1))
    IV = np.array(inclusive).T
    log_denom = logsumexp(lam[None, :] * IV, axis=1)
    logP = np.zeros_like(V)
    for m, alts in enumerate(spec["nests"]):
        logP[:, alts] = V[:, alts] / lam[m] - IV[:, m:m + 1] + lam[m] * IV[:, m:m + 1] - log_denom[:, None]
    return -np.sum(logP[np.arange(n), choice])


def nested_logit_inputs(rng):
    n, A, k = 100, 5, 3
    X = rng.standard_normal((n, A, k))
    U = np.einsum("nak,k->na", X, np.array([1.0, -0.5, 0.3])) + rng.gumbel(size=(n, A))
    return dict(beta=np.array([0.6, -0.3, 0.1]), log_lambda=np.array([-0.3, -0.6]), X=X,
                choice=np.argmax(U, axis=1), spec={"nests": [[0, 1], [2, 3, 4]], "name": "car/transit"})


# ------------------------------------------------------------- dependence modelling: Gaussian copula
def gaussian_copula_nll(chol_params, log_rates, data):
    """Exponential margins, Gaussian copula; correlation from a row-normalised Cholesky factor."""
    d = data.shape[1]
    L = np.zeros((d, d))
    L[np.tril_indices(d)] = chol_params
    L[np.diag_indices(d)] = np.exp(np.diag(L))
    L = L / np.linalg.norm(L, axis=1, keepdims=True)
    R = L @ L.T
    rates = np.exp(log_rates)
    u = 1.0 - np.exp(-rates * data)
    z = norm.ppf(u)
    Rinv = np.linalg.inv(R)
    sign, logdet = np.linalg.slogdet(R)
    quad = np.einsum("ni,ij,nj->n", z, Rinv - np.eye(d), z)
    ll_copula = -0.5 * len(data) * logdet - 0.5 * np.sum(quad)
    ll_margins = np.sum(np.log(rates) - rates * data)
    return -(ll_copula + ll_margins)


def copula_inputs(rng):
    n, d = 80, 3
    C = np.array([[1.0, 0.5, 0.2], [0.5, 1.0, -0.3], [0.2, -0.3, 1.0]])
    z = rng.standard_normal((n, d)) @ np.linalg.cholesky(C).T
    rates = np.array([1.0, 2.0, 0.5])
    data = -np.log(1.0 - norm.cdf(z)) / rates
    return dict(chol_params=0.2 * rng.standard_normal(6), log_rates=np.log(rates) + 0.1, data=data)


# ------------------------------------------------------- overdispersed counts: Dirichlet-multinomial
def dm_regression_nll(B, X, counts):
    alpha = np.exp(X @ B)
    A = alpha.sum(axis=1)
    N = counts.sum(axis=1)
    ll = (gammaln(A) - gammaln(N + A)
          + np.sum(gammaln(counts + alpha) - gammaln(alpha), axis=1)
          + gammaln(N + 1) - np.sum(gammaln(counts + 1), axis=1))
    return -ll.sum()


def dm_inputs(rng):
    n, p, K = 40, 2, 4
    X = np.column_stack([np.ones(n), rng.standard_normal(n)])
    B = np.array([[0.5, 1.0, 0.2, -0.3], [0.4, -0.2, 0.1, 0.3]])
    counts = np.zeros((n, K))
    for i in range(n):
        pr = rng.dirichlet(np.exp(X[i] @ B))
        counts[i] = rng.multinomial(30, pr)
    return dict(B=0.1 * rng.standard_normal((p, K)), X=X, counts=counts)


# ------------------------------------------------------------- topic models: LDA variational bound
def lda_neg_elbo(log_gamma, log_lam, counts, alpha=0.1, eta=0.01):
    """Hoffman et al.'s approx_bound with the optimal phi computed per document."""
    gam = np.exp(log_gamma)
    lam = np.exp(log_lam)
    D, V = counts.shape
    K = lam.shape[0]
    Elog_theta = digamma(gam) - digamma(gam.sum(axis=1, keepdims=True))
    Elog_beta = digamma(lam) - digamma(lam.sum(axis=1))[:, None]
    elbo = 0.0
    for d in range(D):
        ids = np.nonzero(counts[d])[0]
        cts = counts[d, ids]
        log_phi = Elog_theta[d][:, None] + Elog_beta[:, ids]
        phi = np.exp(log_phi - logsumexp(log_phi, axis=0))
        elbo += np.sum(cts * np.sum(phi * (log_phi - np.log(phi)), axis=0))
    elbo += np.sum((alpha - gam) * Elog_theta) + np.sum(gammaln(gam)) - np.sum(gammaln(gam.sum(axis=1)))
    elbo += D * (gammaln(K * alpha) - K * gammaln(alpha))
    elbo += np.sum((eta - lam) * Elog_beta) + np.sum(gammaln(lam)) - np.sum(gammaln(lam.sum(axis=1)))
    elbo += K * (gammaln(V * eta) - V * gammaln(eta))
    return -elbo


def lda_inputs(rng):
    D, V, K = 8, 20, 3
    topics = rng.dirichlet(np.full(V, 0.3), size=K)
    counts = np.zeros((D, V))
    for d in range(D):
        theta = rng.dirichlet(np.full(K, 0.5))
        counts[d] = rng.multinomial(40, theta @ topics)
    return dict(log_gamma=np.log(rng.uniform(1.0, 10.0, (D, K))), log_lam=np.log(rng.uniform(0.5, 5.0, (K, V))),
                counts=counts)


# -------------------------------------------------------- energy-based models: RBM free energy (CD)
def rbm_cd_objective(W, b_vis, c_hid, v_data, v_model, l2=1e-4):
    def free_energy(v):
        wx_b = v @ W + c_hid
        hidden_term = np.sum(np.log(1 + np.exp(wx_b)), axis=1)
        return -v @ b_vis - hidden_term

    return np.mean(free_energy(v_data)) - np.mean(free_energy(v_model)) + l2 * np.sum(W ** 2)


def rbm_inputs(rng):
    nv, nh = 12, 6
    return dict(W=0.1 * rng.standard_normal((nv, nh)), b_vis=0.05 * rng.standard_normal(nv),
                c_hid=0.05 * rng.standard_normal(nh),
                v_data=(rng.random((30, nv)) < 0.3).astype(float),
                v_model=(rng.random((30, nv)) < 0.5).astype(float))


# ------------------------------------------------- magnetism: classical Heisenberg chain with a DM term
def spin_chain_energy(theta, phi, J=1.0, D=(0.0, 0.0, 0.3), h=(0.0, 0.0, 0.1), K=0.05):
    S = np.stack([np.sin(theta) * np.cos(phi), np.sin(theta) * np.sin(phi), np.cos(theta)], axis=1)
    S_next = np.roll(S, -1, axis=0)
    exchange = -J * np.sum(S * S_next)
    dm = np.sum(np.cross(S, S_next) @ np.asarray(D))
    zeeman = -np.dot(S.sum(axis=0), np.asarray(h))
    anisotropy = -K * np.sum(S[:, 2] ** 2)
    return exchange + dm + zeeman + anisotropy


def spin_chain_inputs(rng):
    n = 24
    return dict(theta=rng.uniform(0.3, 2.8, n), phi=np.linspace(0, 2 * np.pi, n, endpoint=False) + 0.1 * rng.standard_normal(n))


# ------------------------------------------ molecular dynamics: Lennard-Jones, periodic box, minimum image
def lj_forces(pos, box, rc=2.5):
    n = pos.shape[0]
    dr = pos[:, None, :] - pos[None, :, :]
    dr = dr - box * np.round(dr / box)
    r2 = np.sum(dr ** 2, axis=-1)
    r2[np.arange(n), np.arange(n)] = 1.0
    mask = (r2 < rc ** 2) & ~np.eye(n, dtype=bool)
    inv6 = np.where(mask, 1.0 / r2 ** 3, 0.0)
    fmag = 24.0 * (2.0 * inv6 ** 2 - inv6) / r2
    forces = np.sum(fmag[:, :, None] * dr, axis=1)
    shift = 4.0 * (rc ** -12 - rc ** -6)
    energy = 0.5 * np.sum(np.where(mask, 4.0 * (inv6 ** 2 - inv6) - shift, 0.0))
    return forces, energy


def md_temperature_loss(x0, v0, box, target_T=0.8, n_steps=25, dt=0.004):
    x = x0.copy()
    v = v0.copy()
    f, pe = lj_forces(x, box)
    for _ in range(n_steps):
        v += 0.5 * dt * f
        x += dt * v
        x = x % box
        f, pe = lj_forces(x, box)
        v += 0.5 * dt * f
    n, dim = x.shape
    T = np.sum(v ** 2) / (dim * (n - 1))
    return (T - target_T) ** 2 + 0.01 * pe / n


def md_inputs(rng):
    side, box = 4, 5.0
    g = (np.arange(side) + 0.5) * box / side
    X, Y = np.meshgrid(g, g)
    x0 = np.column_stack([X.ravel(), Y.ravel()]) + 0.08 * rng.standard_normal((side * side, 2))
    v0 = rng.standard_normal((side * side, 2))
    v0 -= v0.mean(axis=0)
    return dict(x0=x0, v0=v0, box=box)


# ------------------------------------------------------------ graphics: spring-mass cloth, pinned corners
class SpringSystem:
    def __init__(self, edges, rest, k, damping):
        self.i = edges[:, 0]
        self.j = edges[:, 1]
        self.rest = rest
        self.k = k
        self.damping = damping

    def forces(self, x, v):
        d = x[self.j] - x[self.i]
        length = np.linalg.norm(d, axis=1)
        dirn = d / length[:, None]
        rel_v = np.sum((v[self.j] - v[self.i]) * dirn, axis=1)
        fs = (self.k * (length - self.rest) + self.damping * rel_v)[:, None] * dirn
        F = np.zeros_like(x)
        np.add.at(F, self.i, fs)
        np.add.at(F, self.j, -fs)
        return F


def cloth_drape_loss(log_k, wind, x0, edges, edge_type, pinned, target, n_steps=40, dt=0.01, mass=0.05):
    rest = np.linalg.norm(x0[edges[:, 1]] - x0[edges[:, 0]], axis=1)
    k = np.exp(log_k)[edge_type]
    springs = SpringSystem(edges, rest, k, damping=0.02)
    x = x0.copy()
    v = np.zeros_like(x0)
    gravity = np.array([0.0, 0.0, -9.81])
    for _ in range(n_steps):
        F = springs.forces(x, v) + mass * gravity + 0.01 * wind
        v = v + dt * F / mass
        v[pinned] = 0.0
        x = x + dt * v
    free = ~pinned
    return np.sum((x[free] - target[free]) ** 2)


def cloth_inputs(rng):
    n = 5
    ii, jj = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
    x0 = np.column_stack([jj.ravel() * 0.1, np.zeros(n * n), -ii.ravel() * 0.1])
    idx = lambda r, c: r * n + c  # noqa: E731
    edges, types = [], []
    for r in range(n):
        for c in range(n):
            if c + 1 < n:
                edges.append((idx(r, c), idx(r, c + 1))); types.append(0)
            if r + 1 < n:
                edges.append((idx(r, c), idx(r + 1, c))); types.append(0)
            if r + 1 < n and c + 1 < n:
                edges.append((idx(r, c), idx(r + 1, c + 1))); types.append(1)
                edges.append((idx(r, c + 1), idx(r + 1, c))); types.append(1)
    pinned = np.zeros(n * n, dtype=bool)
    pinned[[0, n - 1]] = True
    target = x0 + np.array([0.0, 0.03, -0.05]) + 0.01 * rng.standard_normal(x0.shape)
    return dict(log_k=np.log(np.array([40.0, 15.0])), wind=np.array([0.5, 1.0, 0.0]), x0=x0,
                edges=np.array(edges), edge_type=np.array(types), pinned=pinned, target=target)


# -------------------------------------------------------------- structures: 2-D truss stiffness method
def truss_compliance(areas, nodes, members, fixed_dofs, loads, E=200e3, vol_weight=0.01):
    n_dof = 2 * nodes.shape[0]
    K = np.zeros((n_dof, n_dof))
    lengths = []
    for e, (i, j) in enumerate(members):
        dx = nodes[j, 0] - nodes[i, 0]
        dy = nodes[j, 1] - nodes[i, 1]
        L = math.hypot(dx, dy)
        c, s = dx / L, dy / L
        B = np.array([-c, -s, c, s])
        ke = E * areas[e] / L * np.outer(B, B)
        dofs = np.array([2 * i, 2 * i + 1, 2 * j, 2 * j + 1])
        K[np.ix_(dofs, dofs)] += ke
        lengths.append(L)
    free = np.setdiff1d(np.arange(n_dof), fixed_dofs)
    u = np.zeros(n_dof)
    u[free] = np.linalg.solve(K[np.ix_(free, free)], loads[free])
    compliance = loads @ u
    volume = np.dot(areas, np.array(lengths))
    return compliance + vol_weight * volume


def truss_inputs(rng):
    # a Pratt truss: bottom chord 0..4, top chord 5..7
    nodes = np.array([[0, 0], [1000, 0], [2000, 0], [3000, 0], [4000, 0],
                      [1000, 800], [2000, 800], [3000, 800]], dtype=float)
    nodes[5:, 1] += 30 * rng.standard_normal(3)
    members = np.array([[0, 1], [1, 2], [2, 3], [3, 4], [5, 6], [6, 7], [0, 5], [7, 4],
                        [1, 5], [2, 6], [3, 7], [5, 2], [7, 2]])
    loads = np.zeros(16)
    loads[[3, 5, 7]] = -1e4
    return dict(areas=rng.uniform(80, 150, len(members)), nodes=nodes, members=members,
                fixed_dofs=np.array([0, 1, 9]), loads=loads)


# ------------------------------------------------ hydraulics: 1-D shallow water, Rusanov flux, Manning
def shallow_water_misfit(bump, log_n, obs, gauges, cfg):
    g, dx, dt, nx = cfg["g"], cfg["dx"], cfg["dt"], cfg["nx"]
    x = (np.arange(nx) + 0.5) * dx
    h = cfg["depth"] + bump[0] * np.exp(-((x - bump[1]) / bump[2]) ** 2)
    hu = np.zeros(nx)
    manning = np.exp(log_n)
    series = []
    for step in range(cfg["steps"]):
        hg = np.concatenate([h[:1], h, h[-1:]])          # reflective walls via ghost cells
        qg = np.concatenate([-hu[:1], hu, -hu[-1:]])
        u = qg / hg
        c = np.sqrt(g * hg)
        F1 = qg
        F2 = qg * u + 0.5 * g * hg ** 2
        a = np.maximum(np.abs(u[:-1]) + c[:-1], np.abs(u[1:]) + c[1:])
        flux_h = 0.5 * (F1[:-1] + F1[1:]) - 0.5 * a * (hg[1:] - hg[:-1])
        flux_q = 0.5 * (F2[:-1] + F2[1:]) - 0.5 * a * (qg[1:] - qg[:-1])
        h = h - dt / dx * (flux_h[1:] - flux_h[:-1])
        hu = hu - dt / dx * (flux_q[1:] - flux_q[:-1])
        hu = hu / (1.0 + dt * g * manning ** 2 * np.abs(hu) / h ** (7.0 / 3.0))
        if step % cfg["every"] == 0:
            series.append(h[gauges])
    pred = np.array(series)
    return np.mean((pred - obs) ** 2)


def shallow_water_inputs(rng):
    cfg = dict(g=9.81, dx=10.0, dt=0.5, nx=50, depth=2.0, steps=60, every=5)
    gauges = np.array([5, 20, 35, 44])
    obs = 2.0 + 0.01 * rng.standard_normal((12, 4))
    return dict(bump=np.array([0.3, 183.0, 40.0]), log_n=np.log(0.03), obs=obs, gauges=gauges, cfg=cfg)


# ---------------------------------------------------------- 3-D registration: point-to-plane ICP objective
def rodrigues(r):
    theta = np.linalg.norm(r)
    if theta < 1e-12:
        return np.eye(3)
    k = r / theta
    Kx = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.eye(3) + np.sin(theta) * Kx + (1 - np.cos(theta)) * Kx @ Kx


def icp_point_to_plane(pose, src, dst, normals, scale=0.05):
    R = rodrigues(pose[:3])
    t = pose[3:]
    moved = src @ R.T + t
    d2 = np.sum((moved[:, None, :] - dst[None, :, :]) ** 2, axis=2)
    nn = np.argmin(d2, axis=1)
    r = np.einsum("ij,ij->i", moved - dst[nn], normals[nn])
    return np.sum(scale ** 2 * np.log1p((r / scale) ** 2))  # Cauchy-robust


def icp_inputs(rng):
    u, v = np.meshgrid(np.linspace(-1, 1, 8), np.linspace(-1, 1, 8))
    z = 0.3 * np.sin(2 * u) * np.cos(v)
    dst = np.column_stack([u.ravel(), v.ravel(), z.ravel()])
    nrm = np.column_stack([-0.6 * np.cos(2 * u.ravel()) * np.cos(v.ravel()),
                           0.3 * np.sin(2 * u.ravel()) * np.sin(v.ravel()), np.ones(64)])
    nrm /= np.linalg.norm(nrm, axis=1, keepdims=True)
    src = dst[rng.choice(64, 30, replace=False)] + 0.01 * rng.standard_normal((30, 3))
    return dict(pose=np.array([0.02, -0.015, 0.03, 0.01, -0.02, 0.015]), src=src, dst=dst, normals=nrm)


# ------------------------------------------------------ derivatives pricing: Merton jump-diffusion series
def bs_call(S, K, T, r, sigma):
    d1 = (np.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * np.sqrt(T))
    d2 = d1 - sigma * np.sqrt(T)
    return S * norm.cdf(d1) - K * np.exp(-r * T) * norm.cdf(d2)


def merton_call(S, K, T, r, sigma, lam, mu_j, delta_j, tol=1e-12, max_terms=60):
    kappa = np.exp(mu_j + 0.5 * delta_j ** 2) - 1.0
    lam_p = lam * (1 + kappa)
    price = 0.0
    n = 0
    while n < max_terms:
        sigma_n = np.sqrt(sigma ** 2 + n * delta_j ** 2 / T)
        r_n = r - lam * kappa + n * np.log(1 + kappa) / T
        weight = np.exp(-lam_p * T) * (lam_p * T) ** n / math.factorial(n)
        price += weight * bs_call(S, K, T, r_n, sigma_n)
        if n > 3 and weight < tol:
            break
        n += 1
    return price


def merton_calibration(params, S, strikes, maturities, market, r=0.02):
    sigma, lam, mu_j, delta_j = params
    err = 0.0
    for K, T, p in zip(strikes, maturities, market):
        err += (merton_call(S, K, T, r, sigma, lam, mu_j, delta_j) - p) ** 2
    return err


def merton_inputs(rng):
    strikes = np.array([80.0, 90.0, 100.0, 110.0, 120.0, 90.0, 100.0, 110.0])
    mats = np.array([0.25, 0.25, 0.25, 0.25, 0.25, 1.0, 1.0, 1.0])
    market = np.array([merton_call(100.0, K, T, 0.02, 0.18, 0.6, -0.1, 0.15) for K, T in zip(strikes, mats)])
    market = market * (1 + 0.01 * rng.standard_normal(len(market)))
    return dict(params=np.array([0.2, 0.4, -0.05, 0.2]), S=100.0, strikes=strikes, maturities=mats, market=market)


# ---------------------------------------------------------------------- word embeddings: GloVe
def glove_loss(W, W_tilde, b, b_tilde, X, x_max=10.0, alpha=0.75):
    rows, cols = np.nonzero(X)
    x = X[rows, cols]
    weight = np.minimum((x / x_max) ** alpha, 1.0)
    diff = np.sum(W[rows] * W_tilde[cols], axis=1) + b[rows] + b_tilde[cols] - np.log(x)
    return 0.5 * np.sum(weight * diff ** 2)


def glove_inputs(rng):
    V, d = 15, 4
    X = rng.poisson(3.0, (V, V)) * (rng.random((V, V)) < 0.5)
    X = (X + X.T).astype(float)
    X[X == 10.0] = 11.0  # keep away from the weighting kink
    return dict(W=0.1 * rng.standard_normal((V, d)), W_tilde=0.1 * rng.standard_normal((V, d)),
                b=np.zeros(V), b_tilde=np.zeros(V), X=X)


# ----------------------------------------------------- optimal control: cart-pole multiple shooting
def cartpole_dynamics(s, u, p):
    x, xd, th, thd = s
    mc, mp, l, g = p["mc"], p["mp"], p["l"], p["g"]
    sin, cos = np.sin(th), np.cos(th)
    denom = mc + mp * sin ** 2
    xdd = (u + mp * sin * (l * thd ** 2 + g * cos)) / denom
    thdd = (-u * cos - mp * l * thd ** 2 * cos * sin - (mc + mp) * g * sin) / (l * denom)
    return np.array([xd, xdd, thd, thdd])


def rk4_step(f, s, u, p, dt):
    k1 = f(s, u, p)
    k2 = f(s + 0.5 * dt * k1, u, p)
    k3 = f(s + 0.5 * dt * k2, u, p)
    k4 = f(s + dt * k3, u, p)
    return s + dt / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)


def cartpole_shooting(controls, nodes, s0, goal, params, dt=0.05, steps_per_segment=5, w_defect=100.0):
    cost = 0.0
    defects = []
    start = s0
    for m in range(nodes.shape[0]):
        s = start
        for k in range(steps_per_segment):
            u = controls[m * steps_per_segment + k]
            s = rk4_step(cartpole_dynamics, s, u, params, dt)
            cost += dt * (0.01 * u ** 2 + 0.1 * s[0] ** 2)
        defects.append(s - nodes[m])
        start = nodes[m]
    D = np.array(defects)
    return cost + w_defect * np.sum(D ** 2) + 10.0 * np.sum((nodes[-1] - goal) ** 2)


def cartpole_inputs(rng):
    M, k = 6, 5
    s0 = np.array([0.0, 0.0, 0.1, 0.0])
    goal = np.zeros(4)
    nodes = np.outer(np.linspace(1, 0, M + 1)[1:], s0) + 0.02 * rng.standard_normal((M, 4))
    return dict(controls=0.5 * rng.standard_normal(M * k), nodes=nodes, s0=s0, goal=goal,
                params={"mc": 1.0, "mp": 0.1, "l": 0.5, "g": 9.81})


# -------------------------------------------------- thin-film optics: characteristic (transfer) matrices
def thin_film_reflectance(thickness, n_layers, n_sub, wavelengths, n0=1.0):
    R = []
    for lam in wavelengths:
        M = np.eye(2, dtype=complex)
        for d, n in zip(thickness, n_layers):
            delta = 2 * np.pi * n * d / lam
            layer = np.array([[np.cos(delta), 1j * np.sin(delta) / n],
                              [1j * n * np.sin(delta), np.cos(delta)]])
            M = M @ layer
        B, C = M @ np.array([1.0, n_sub])
        r = (n0 * B - C) / (n0 * B + C)
        R.append(np.abs(r) ** 2)
    return np.array(R)


def ar_coating_loss(thickness, n_layers, n_sub, wavelengths, weights):
    R = thin_film_reflectance(thickness, n_layers, n_sub, wavelengths)
    return np.sum(weights * R) / np.sum(weights)


def thin_film_inputs(rng):
    wl = np.linspace(400.0, 700.0, 31)
    return dict(thickness=np.array([95.0, 120.0, 70.0, 105.0]) + 5 * rng.standard_normal(4),
                n_layers=np.array([1.38, 2.1, 1.46, 2.3]), n_sub=1.52, wavelengths=wl,
                weights=np.exp(-((wl - 550.0) / 120.0) ** 2))


# ------------------------------------------------ exoplanets: uniform-disk transit light curve (Mandel-Agol)
def transit_flux(t, t0, period, p, a, b):
    phase = 2 * np.pi * (t - t0) / period
    inc = np.arccos(b / a)
    x = a * np.sin(phase)
    y = a * np.cos(phase) * np.cos(inc)
    z = np.sqrt(x ** 2 + y ** 2)
    lam = np.zeros_like(z)
    full = z <= 1 - p
    lam[full] = p ** 2
    part = (z > 1 - p) & (z < 1 + p)
    zz = z[part]
    k0 = np.arccos((p ** 2 + zz ** 2 - 1) / (2 * p * zz))
    k1 = np.arccos((1 - p ** 2 + zz ** 2) / (2 * zz))
    lam[part] = (p ** 2 * k0 + k1 - 0.5 * np.sqrt(4 * zz ** 2 - (1 + zz ** 2 - p ** 2) ** 2)) / np.pi
    return 1.0 - lam


def transit_nll(params, t, flux, sigma, period=3.5):
    t0, p, a, b, f0 = params
    model = f0 * transit_flux(t, t0, period, p, a, b)
    return 0.5 * np.sum(((flux - model) / sigma) ** 2)


def transit_inputs(rng):
    t = np.linspace(-0.15, 0.15, 61) + 0.0013
    clean = transit_flux(t, 0.0, 3.5, 0.1, 10.0, 0.3)
    return dict(params=np.array([0.002, 0.095, 9.5, 0.35, 1.0]), t=t,
                flux=clean + 2e-4 * rng.standard_normal(t.size), sigma=2e-4)


# ------------------------------------------------------------------ seismology: hypocentre location
def locate_events(hypos, t0s, log_v, stations, arrivals, picked, eps=0.01):
    v = np.exp(log_v)
    total = 0.0
    for e in range(hypos.shape[0]):
        d = np.sqrt(np.sum((stations - hypos[e]) ** 2, axis=1))
        pred = t0s[e] + d / v
        r = (arrivals[e] - pred)[picked[e]]
        total = total + np.sum(np.sqrt(r ** 2 + eps ** 2))
    return total


def quake_inputs(rng):
    n_st, n_ev = 10, 4
    stations = np.column_stack([rng.uniform(-30, 30, (n_st, 2)), np.zeros(n_st)])
    true = np.column_stack([rng.uniform(-10, 10, (n_ev, 2)), rng.uniform(5, 15, n_ev)])
    t0 = rng.uniform(0, 5, n_ev)
    arrivals = t0[:, None] + np.linalg.norm(stations[None] - true[:, None], axis=2) / 6.0
    arrivals += 0.02 * rng.standard_normal(arrivals.shape)
    picked = rng.random((n_ev, n_st)) < 0.85
    return dict(hypos=true + rng.standard_normal(true.shape), t0s=t0 + 0.1, log_v=np.log(5.8),
                stations=stations, arrivals=arrivals, picked=picked)


# ------------------------------------------------------ statistical genetics: FaST-LMM likelihood
def lmm_neg_loglik(log_delta, y, X, K):
    """Lippert et al. (2011): rotate by the kinship eigenvectors, then everything is diagonal."""
    S, U = np.linalg.eigh(K)
    S = np.maximum(S, 1e-10)
    delta = np.exp(log_delta)
    Uy = U.T @ y
    UX = U.T @ X
    D = S + delta
    XtDX = UX.T @ (UX / D[:, None])
    XtDy = UX.T @ (Uy / D)
    beta = np.linalg.solve(XtDX, XtDy)
    r = Uy - UX @ beta
    n = len(y)
    sigma2 = np.sum(r ** 2 / D) / n
    return 0.5 * (n * np.log(2 * np.pi * sigma2) + np.sum(np.log(D)) + n)


def lmm_inputs(rng):
    n, m = 40, 100
    G = rng.binomial(2, rng.uniform(0.1, 0.5, m), (n, m)).astype(float)
    G = (G - G.mean(axis=0)) / (G.std(axis=0) + 1e-9)
    K = G @ G.T / m
    X = np.column_stack([np.ones(n), rng.standard_normal(n)])
    y = X @ np.array([1.0, 0.5]) + np.linalg.cholesky(K + 0.5 * np.eye(n)) @ rng.standard_normal(n)
    return dict(log_delta=0.2, y=y, X=X, K=K)


# ---------------------------------------------------------------- neuroscience: Hodgkin-Huxley neuron
def hh_rates(V):
    an = 0.01 * (V + 55.0) / (1.0 - np.exp(-(V + 55.0) / 10.0))
    bn = 0.125 * np.exp(-(V + 65.0) / 80.0)
    am = 0.1 * (V + 40.0) / (1.0 - np.exp(-(V + 40.0) / 10.0))
    bm = 4.0 * np.exp(-(V + 65.0) / 18.0)
    ah = 0.07 * np.exp(-(V + 65.0) / 20.0)
    bh = 1.0 / (1.0 + np.exp(-(V + 35.0) / 10.0))
    return an, bn, am, bm, ah, bh


def hh_voltage_fit(log_g, I_amp, obs_idx, V_obs, dt=0.025, t_end=15.0):
    gNa, gK, gL = np.exp(log_g)
    ENa, EK, EL, Cm = 50.0, -77.0, -54.387, 1.0
    V = -65.0
    an, bn, am, bm, ah, bh = hh_rates(V)
    n, m, h = an / (an + bn), am / (am + bm), ah / (ah + bh)
    t = 0.0
    trace = []
    while t < t_end:
        I_ext = I_amp if 1.0 <= t < 11.0 else 0.0
        an, bn, am, bm, ah, bh = hh_rates(V)
        INa = gNa * m ** 3 * h * (V - ENa)
        IK = gK * n ** 4 * (V - EK)
        IL = gL * (V - EL)
        V = V + dt * (I_ext - INa - IK - IL) / Cm
        n += dt * (an * (1 - n) - bn * n)
        m += dt * (am * (1 - m) - bm * m)
        h += dt * (ah * (1 - h) - bh * h)
        trace.append(V)
        t += dt
    trace = np.array(trace)
    return np.mean((trace[obs_idx] - V_obs) ** 2)


def hh_inputs(rng):
    obs_idx = np.arange(0, 590, 10)
    true = np.log(np.array([120.0, 36.0, 0.3]))
    # the observations come from the same simulator at the true conductances, plus noise
    V = -65.0
    an, bn, am, bm, ah, bh = hh_rates(V)
    n, m, h = an / (an + bn), am / (am + bm), ah / (ah + bh)
    trace, t = [], 0.0
    gNa, gK, gL = np.exp(true)
    while t < 15.0:
        I_ext = 10.0 if 1.0 <= t < 11.0 else 0.0
        an, bn, am, bm, ah, bh = hh_rates(V)
        dV = (I_ext - gNa * m ** 3 * h * (V - 50.0) - gK * n ** 4 * (V + 77.0) - gL * (V + 54.387))
        V = V + 0.025 * dV
        n += 0.025 * (an * (1 - n) - bn * n)
        m += 0.025 * (am * (1 - m) - bm * m)
        h += 0.025 * (ah * (1 - h) - bh * h)
        trace.append(V)
        t += 0.025
    V_obs = np.array(trace)[obs_idx] + 1.0 * rng.standard_normal(obs_idx.size)
    return dict(log_g=true + np.array([0.05, -0.04, 0.1]), I_amp=10.0, obs_idx=obs_idx, V_obs=V_obs)


# ---------------------------------------------------- speech: LPC via the Levinson-Durbin recursion
def levinson_durbin(r, order):
    a = np.zeros(order + 1)
    a[0] = 1.0
    E = r[0]
    ks = []
    for i in range(1, order + 1):
        acc = r[i] + np.dot(a[1:i], r[i - 1:0:-1])
        k = -acc / E
        a_new = a.copy()
        a_new[1:i] = a[1:i] + k * a[i - 1:0:-1]
        a_new[i] = k
        a = a_new
        E = E * (1 - k * k)
        ks.append(k)
    return a, E, np.array(ks)


def lpc_match_loss(amps, phases, freqs, a_target, order=6, N=128):
    n = np.arange(N)
    frame = np.zeros(N)
    for A, f, ph in zip(amps, freqs, phases):
        frame += A * np.sin(2 * np.pi * f * n + ph)
    frame = frame * np.hamming(N) + 0.05 * np.cos(0.9 * n)
    r = np.array([np.sum(frame[k:] * frame[:N - k]) for k in range(order + 1)])
    a, E, ks = levinson_durbin(r, order)
    return np.sum((a - a_target) ** 2) + 0.01 * np.log(E / r[0]) + 0.1 * np.sum(ks ** 4)


def lpc_inputs(rng):
    return dict(amps=np.array([1.0, 0.6, 0.3]) + 0.05 * rng.standard_normal(3), phases=rng.uniform(0, 2 * np.pi, 3),
                freqs=np.array([0.03, 0.11, 0.23]), a_target=np.array([1.0, -1.2, 0.9, -0.4, 0.2, -0.1, 0.05]))


# ------------------------------------------------------- thermodynamics: Peng-Robinson Z factor (np.roots)
def pr_z_factor(T, P, Tc, Pc, omega, phase="vapor", R=8.314):
    kappa = 0.37464 + 1.54226 * omega - 0.26992 * omega ** 2
    alpha = (1 + kappa * (1 - np.sqrt(T / Tc))) ** 2
    a = 0.45724 * R ** 2 * Tc ** 2 / Pc * alpha
    b = 0.07780 * R * Tc / Pc
    A = a * P / (R * T) ** 2
    B = b * P / (R * T)
    coeffs = [1.0, -(1.0 - B), A - 3 * B ** 2 - 2 * B, -(A * B - B ** 2 - B ** 3)]
    roots = np.roots(coeffs)
    real = roots[np.abs(roots.imag) < 1e-8].real
    real = real[real > B]
    return real.max() if phase == "vapor" else real.min()


def pr_fit(params, T_data, P_data, Z_data):
    Tc, Pc, omega = params[0] * 100.0, params[1] * 1e6, params[2]
    err = 0.0
    for T, P, Z in zip(T_data, P_data, Z_data):
        err += (pr_z_factor(T, P, Tc, Pc, omega) - Z) ** 2
    return err


def pr_inputs(rng):
    T = np.array([220.0, 250.0, 280.0, 300.0, 250.0, 300.0])
    P = np.array([2e6, 4e6, 6e6, 8e6, 1e6, 3e6])
    Z = np.array([pr_z_factor(Ti, Pi, 190.6, 4.599e6, 0.011) for Ti, Pi in zip(T, P)])
    return dict(params=np.array([1.95, 4.4, 0.02]), T_data=T, P_data=P, Z_data=Z + 0.002 * rng.standard_normal(6))


# ------------------------------------------------ epidemiology: renewal equation, time-varying R_t
def renewal_nll(log_R, log_si_scale, cases, si_shape=2.0, rw_sd=0.1, max_si=15):
    scale = np.exp(log_si_scale)
    s = np.arange(1, max_si + 1)
    w = gamma.cdf(s + 0.5, si_shape, scale=scale) - gamma.cdf(s - 0.5, si_shape, scale=scale)
    w = w / w.sum()
    T = len(cases)
    pressure = np.concatenate([[cases[0]], np.convolve(cases, w)[:T - 1]])
    mu = np.exp(log_R) * pressure
    ll = np.sum(poisson.logpmf(cases[1:], mu[1:]))
    prior = -0.5 * np.sum(np.diff(log_R) ** 2) / rw_sd ** 2
    return -(ll + prior)


def renewal_inputs(rng):
    T = 40
    R = 1.5 * np.exp(-np.linspace(0, 1.2, T))
    s = np.arange(1, 16)
    w = gamma.cdf(s + 0.5, 2.0, scale=2.5) - gamma.cdf(s - 0.5, 2.0, scale=2.5)
    w /= w.sum()
    cases = [10.0]
    for t in range(1, T):
        past = np.array(cases[::-1][:15])
        lam = R[t] * np.sum(w[:len(past)] * past)
        cases.append(float(rng.poisson(lam) + 1))
    return dict(log_R=np.log(R) + 0.05 * rng.standard_normal(T), log_si_scale=np.log(2.2), cases=np.array(cases))


# --------------------------------------------------------------- econometrics: Tobit (censored) regression
def tobit_nll(beta, log_sigma, X, y, lower=0.0):
    sigma = np.exp(log_sigma)
    xb = X @ beta
    censored = y <= lower
    ll = np.where(censored, norm.logcdf((lower - xb) / sigma), norm.logpdf((y - xb) / sigma) - log_sigma)
    return -np.sum(ll)


def tobit_inputs(rng):
    n = 150
    X = np.column_stack([np.ones(n), rng.standard_normal((n, 2))])
    y = np.maximum(X @ np.array([0.5, 1.0, -0.7]) + 0.8 * rng.standard_normal(n), 0.0)
    return dict(beta=np.array([0.3, 0.8, -0.5]), log_sigma=-0.1, X=X, y=y)


# ----------------------------------------------------- vision: conv + batch norm through sliding windows
def conv_bn_net_loss(W, gamma_bn, beta_bn, W_fc, images, labels, eps=1e-5):
    patches = sliding_window_view(images, (3, 3), axis=(2, 3))  # N, C, H', W', 3, 3
    conv = np.einsum("nchwij,fcij->nfhw", patches, W)
    mu = conv.mean(axis=(0, 2, 3), keepdims=True)
    var = conv.var(axis=(0, 2, 3), keepdims=True)
    z = (conv - mu) / np.sqrt(var + eps)
    z = gamma_bn[None, :, None, None] * z + beta_bn[None, :, None, None]
    a = np.maximum(z, 0.0)
    pooled = a.mean(axis=(2, 3))
    logits = pooled @ W_fc
    logp = logits - logsumexp(logits, axis=1, keepdims=True)
    return -np.mean(logp[np.arange(len(labels)), labels])


def conv_inputs(rng):
    N, F, n_cls = 6, 4, 3
    return dict(W=0.3 * rng.standard_normal((F, 1, 3, 3)), gamma_bn=1.0 + 0.1 * rng.standard_normal(F),
                beta_bn=0.1 * rng.standard_normal(F), W_fc=0.5 * rng.standard_normal((F, n_cls)),
                images=rng.standard_normal((N, 1, 8, 8)), labels=rng.integers(0, n_cls, N))


# ------------------------------------------------------------- deep learning: top-2 mixture of experts
def moe_loss(W_gate, W_experts, b_experts, X, Y, k=2, aux_weight=0.01):
    E = W_gate.shape[1]
    logits = X @ W_gate
    topk = np.argsort(logits, axis=1)[:, -k:]
    top_logits = np.take_along_axis(logits, topk, axis=1)
    gates = np.exp(top_logits - top_logits.max(axis=1, keepdims=True))
    gates /= gates.sum(axis=1, keepdims=True)
    expert_out = np.tanh(np.einsum("nd,edh->neh", X, W_experts) + b_experts[None])
    chosen = np.take_along_axis(expert_out, topk[:, :, None], axis=1)
    pred = np.sum(gates[:, :, None] * chosen, axis=1)
    mse = np.mean((pred - Y) ** 2)
    probs = softmax(logits, axis=1)
    frac = np.bincount(topk.ravel(), minlength=E) / topk.size
    aux = E * np.sum(frac * probs.mean(axis=0))
    return mse + aux_weight * aux


def moe_inputs(rng):
    n, d, E, h = 32, 5, 4, 3
    X = rng.standard_normal((n, d))
    Y = np.tanh(X[:, :h]) + 0.1 * rng.standard_normal((n, h))
    return dict(W_gate=0.5 * rng.standard_normal((d, E)), W_experts=0.3 * rng.standard_normal((E, d, h)),
                b_experts=0.1 * rng.standard_normal((E, h)), X=X, Y=Y)


# --------------------------------------------------- quantum mechanics: 1-D Schroedinger, finite differences
def schrodinger_loss(params, x, target_gap, target_x):
    a, b, c = params
    dx = x[1] - x[0]
    n = len(x)
    V = a * x ** 4 - b * x ** 2 + c * x
    main = 1.0 / dx ** 2 + V
    off = -0.5 / dx ** 2 * np.ones(n - 1)
    H = np.diag(main) + np.diag(off, 1) + np.diag(off, -1)
    E, psi = np.linalg.eigh(H)
    gap = E[1] - E[0]
    rho = psi[:, 0] ** 2
    mean_x = np.sum(rho * x)
    return (gap - target_gap) ** 2 + (mean_x - target_x) ** 2 + 0.1 * E[0]


def schrodinger_inputs(rng):
    return dict(params=np.array([0.5, 2.0, 0.3]) + 0.02 * rng.standard_normal(3), x=np.linspace(-4, 4, 60),
                target_gap=0.8, target_x=-0.5)


PROGRAMS = [
    dict(name="michaelis_menten_lambertw", f=mm_progress_nll, inputs=mm_inputs, wrt=("log_vmax", "log_km")),
    dict(name="ordinal_logit_cutpoints", f=ordinal_logit_nll, inputs=ordinal_inputs, wrt=("beta", "raw_cuts")),
    dict(name="factorization_machine_dataclass", f=fm_loss, inputs=fm_inputs, wrt=("w0", "w", "V")),
    dict(name="simclr_nt_xent", f=nt_xent_loss, inputs=ntxent_inputs, wrt=("W",)),
    dict(name="nested_logit_dict_spec", f=nested_logit_nll, inputs=nested_logit_inputs, wrt=("beta", "log_lambda")),
    dict(name="gaussian_copula_exp_margins", f=gaussian_copula_nll, inputs=copula_inputs,
         wrt=("chol_params", "log_rates")),
    dict(name="dirichlet_multinomial_reg", f=dm_regression_nll, inputs=dm_inputs, wrt=("B",)),
    dict(name="lda_variational_bound", f=lda_neg_elbo, inputs=lda_inputs, wrt=("log_gamma", "log_lam")),
    dict(name="rbm_free_energy_cd", f=rbm_cd_objective, inputs=rbm_inputs, wrt=("W", "b_vis", "c_hid")),
    dict(name="heisenberg_dm_chain", f=spin_chain_energy, inputs=spin_chain_inputs, wrt=("theta", "phi")),
    dict(name="md_lj_periodic_verlet", f=md_temperature_loss, inputs=md_inputs, wrt=("x0", "v0")),
    dict(name="cloth_springs_class_addat", f=cloth_drape_loss, inputs=cloth_inputs, wrt=("log_k", "wind")),
    dict(name="truss_2d_stiffness", f=truss_compliance, inputs=truss_inputs, wrt=("areas", "nodes")),
    dict(name="shallow_water_rusanov", f=shallow_water_misfit, inputs=shallow_water_inputs, wrt=("bump", "log_n")),
    dict(name="icp_point_to_plane", f=icp_point_to_plane, inputs=icp_inputs, wrt=("pose",)),
    dict(name="merton_jump_while", f=merton_calibration, inputs=merton_inputs, wrt=("params",)),
    dict(name="glove_cooccurrence", f=glove_loss, inputs=glove_inputs, wrt=("W", "W_tilde", "b", "b_tilde")),
    dict(name="cartpole_multiple_shooting", f=cartpole_shooting, inputs=cartpole_inputs, wrt=("controls", "nodes")),
    dict(name="thin_film_transfer_matrix", f=ar_coating_loss, inputs=thin_film_inputs, wrt=("thickness",)),
    dict(name="transit_light_curve_masks", f=transit_nll, inputs=transit_inputs, wrt=("params",)),
    dict(name="earthquake_location", f=locate_events, inputs=quake_inputs, wrt=("hypos", "t0s", "log_v")),
    dict(name="fastlmm_eigh_reml", f=lmm_neg_loglik, inputs=lmm_inputs, wrt=("log_delta", "y")),
    dict(name="hodgkin_huxley_while", f=hh_voltage_fit, inputs=hh_inputs, wrt=("log_g",)),
    dict(name="levinson_durbin_lpc", f=lpc_match_loss, inputs=lpc_inputs, wrt=("amps", "phases")),
    dict(name="peng_robinson_np_roots", f=pr_fit, inputs=pr_inputs, wrt=("params",)),
    dict(name="renewal_rt_gamma_si", f=renewal_nll, inputs=renewal_inputs, wrt=("log_R", "log_si_scale")),
    dict(name="tobit_censored", f=tobit_nll, inputs=tobit_inputs, wrt=("beta", "log_sigma")),
    dict(name="conv_bn_sliding_window", f=conv_bn_net_loss, inputs=conv_inputs,
         wrt=("W", "gamma_bn", "beta_bn", "W_fc")),
    dict(name="moe_top2_gating", f=moe_loss, inputs=moe_inputs, wrt=("W_gate", "W_experts", "b_experts")),
    dict(name="schrodinger_fd_eigh", f=schrodinger_loss, inputs=schrodinger_inputs, wrt=("params",)),
]
