"""The two ADBench objectives issue 12 names, written the vectorised NumPy way, differentiated as
written: a Gaussian mixture model's negative log-likelihood (a `np.tril_indices` scatter into
the lower triangles Q, a batched product by `np.einsum`, `scipy.special.logsumexp` over the
components) and bundle adjustment's reprojection error (gathers of camera and point rows per
observation, Rodrigues rotation with `np.cross`, radial distortion).

Rows: adjit's compiled gradient; a hand-written Numba gradient (gmm_ba_numba.py: one fused pass,
the adjoint derived by hand); the NumPy objective alone (what one forward pass costs, no
gradient); JAX jit(grad) of the same code in jax.numpy and PyTorch eager autograd of the same code
in torch, when installed. Every gradient is checked against adjit's before anything is timed.

    python benchmarks/bench_gmm_ba.py [--quick] [--out PATH]
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time

import common

common.pin_threads()

import numpy as np  # noqa: E402
from scipy.special import logsumexp  # noqa: E402

import adjit  # noqa: E402
import gmm_ba_numba  # noqa: E402


# ------------------------------------------------------------------------------------ GMM
def gmm_objective(alphas, means, icf, x, wishart_gamma, wishart_m):
    n, d = x.shape
    k = alphas.shape[0]
    log_diag = icf[:, :d]
    Q = np.zeros((k, d, d))
    rows, cols = np.tril_indices(d, -1)
    Q[:, rows, cols] = icf[:, d:]
    Q = Q + np.exp(log_diag)[:, :, None] * np.eye(d)
    xc = x[:, None, :] - means[None, :, :]
    Qx = np.einsum("kij,nkj->nki", Q, xc)
    inner = alphas[None, :] + np.sum(log_diag, axis=1)[None, :] - 0.5 * np.sum(Qx ** 2, axis=2)
    lse = np.sum(logsumexp(inner, axis=1))
    prior = 0.5 * wishart_gamma ** 2 * (np.sum(np.exp(log_diag) ** 2) + np.sum(icf[:, d:] ** 2)) \
        - wishart_m * np.sum(log_diag)
    return -n * d * 0.5 * np.log(2 * np.pi) + lse - n * logsumexp(alphas) + prior


def gmm_jax(jnp, jlse):
    def f(alphas, means, icf, x, wishart_gamma, wishart_m):
        n, d = x.shape
        k = alphas.shape[0]
        log_diag = icf[:, :d]
        rows, cols = np.tril_indices(d, -1)
        Q = jnp.zeros((k, d, d)).at[:, rows, cols].set(icf[:, d:])
        Q = Q + jnp.exp(log_diag)[:, :, None] * jnp.eye(d)
        xc = x[:, None, :] - means[None, :, :]
        Qx = jnp.einsum("kij,nkj->nki", Q, xc)
        inner = alphas[None, :] + jnp.sum(log_diag, axis=1)[None, :] - 0.5 * jnp.sum(Qx ** 2, axis=2)
        prior = 0.5 * wishart_gamma ** 2 * (jnp.sum(jnp.exp(log_diag) ** 2) + jnp.sum(icf[:, d:] ** 2)) \
            - wishart_m * jnp.sum(log_diag)
        return -n * d * 0.5 * np.log(2 * np.pi) + jnp.sum(jlse(inner, axis=1)) - n * jlse(alphas) + prior
    return f


def gmm_torch(torch):
    def f(alphas, means, icf, x, wishart_gamma, wishart_m):
        n, d = x.shape
        k = alphas.shape[0]
        log_diag = icf[:, :d]
        rows, cols = np.tril_indices(d, -1)
        Q = torch.zeros((k, d, d), dtype=x.dtype)
        Q[:, rows, cols] = icf[:, d:]
        Q = Q + torch.exp(log_diag)[:, :, None] * torch.eye(d, dtype=x.dtype)
        xc = x[:, None, :] - means[None, :, :]
        Qx = torch.einsum("kij,nkj->nki", Q, xc)
        inner = alphas[None, :] + torch.sum(log_diag, dim=1)[None, :] - 0.5 * torch.sum(Qx ** 2, dim=2)
        prior = 0.5 * wishart_gamma ** 2 * (torch.sum(torch.exp(log_diag) ** 2) + torch.sum(icf[:, d:] ** 2)) \
            - wishart_m * torch.sum(log_diag)
        return -n * d * 0.5 * np.log(2 * np.pi) + torch.sum(torch.logsumexp(inner, dim=1)) \
            - n * torch.logsumexp(alphas, dim=0) + prior
    return f


def gmm_data(n, d, k, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(k), rng.standard_normal((k, d)), 0.3 * rng.standard_normal((k, d + d * (d - 1) // 2)),
            rng.standard_normal((n, d)), 1.0, 0.0)


# ------------------------------------------------------------------------------ bundle adjustment
def rodrigues_rotate(rot, X):
    theta = np.sqrt(np.sum(rot ** 2, axis=1))[:, None]
    w = rot / theta
    c, s = np.cos(theta), np.sin(theta)
    return X * c + np.cross(w, X) * s + w * np.sum(w * X, axis=1)[:, None] * (1 - c)


def project(cams, X):
    Xcam = rodrigues_rotate(cams[:, 0:3], X - cams[:, 3:6])
    p = Xcam[:, :2] / Xcam[:, 2:3]
    rsq = np.sum(p ** 2, axis=1)[:, None]
    distortion = 1 + cams[:, 9:10] * rsq + cams[:, 10:11] * rsq ** 2
    return p * distortion * cams[:, 6:7] + cams[:, 7:9]


def ba_objective(cams, X, w, obs, feats):
    proj = project(cams[obs[:, 0]], X[obs[:, 1]])
    reproj = w[:, None] * (proj - feats)
    return np.sum(reproj ** 2) + np.sum((1 - w ** 2) ** 2)


def ba_jax(jnp):
    def rot(r, X):
        theta = jnp.sqrt(jnp.sum(r ** 2, axis=1))[:, None]
        w = r / theta
        c, s = jnp.cos(theta), jnp.sin(theta)
        return X * c + jnp.cross(w, X) * s + w * jnp.sum(w * X, axis=1)[:, None] * (1 - c)

    def f(cams, X, w, obs, feats):
        cs, Xs = cams[obs[:, 0]], X[obs[:, 1]]
        Xcam = rot(cs[:, 0:3], Xs - cs[:, 3:6])
        p = Xcam[:, :2] / Xcam[:, 2:3]
        rsq = jnp.sum(p ** 2, axis=1)[:, None]
        proj = p * (1 + cs[:, 9:10] * rsq + cs[:, 10:11] * rsq ** 2) * cs[:, 6:7] + cs[:, 7:9]
        return jnp.sum((w[:, None] * (proj - feats)) ** 2) + jnp.sum((1 - w ** 2) ** 2)
    return f


def ba_torch(torch):
    def rot(r, X):
        theta = torch.sqrt(torch.sum(r ** 2, dim=1))[:, None]
        w = r / theta
        c, s = torch.cos(theta), torch.sin(theta)
        return X * c + torch.linalg.cross(w, X) * s + w * torch.sum(w * X, dim=1)[:, None] * (1 - c)

    def f(cams, X, w, obs, feats):
        cs, Xs = cams[obs[:, 0]], X[obs[:, 1]]
        Xcam = rot(cs[:, 0:3], Xs - cs[:, 3:6])
        p = Xcam[:, :2] / Xcam[:, 2:3]
        rsq = torch.sum(p ** 2, dim=1)[:, None]
        proj = p * (1 + cs[:, 9:10] * rsq + cs[:, 10:11] * rsq ** 2) * cs[:, 6:7] + cs[:, 7:9]
        return torch.sum((w[:, None] * (proj - feats)) ** 2) + torch.sum((1 - w ** 2) ** 2)
    return f


def ba_data(n_cams, n_pts, n_obs, seed=1):
    rng = np.random.default_rng(seed)
    cams = 0.1 * rng.standard_normal((n_cams, 11))
    cams[:, 6] = 1.0
    X = rng.standard_normal((n_pts, 3))
    X[:, 2] += 5.0
    w = rng.uniform(0.5, 1.0, n_obs)
    obs = np.stack([rng.integers(0, n_cams, n_obs), rng.integers(0, n_pts, n_obs)], axis=1)
    return cams, X, w, obs, rng.standard_normal((n_obs, 2))


def check(f, g, args, wrt, count=30):
    """The compiled gradient against central differences on `count` coordinates of each argument."""
    grads = g(*args)
    worst = 0.0
    for j, k in enumerate(wrt):
        A = args[k]
        for idx in list(np.ndindex(A.shape))[:count]:
            up = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
            dn = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
            up[k][idx] += 1e-6
            dn[k][idx] -= 1e-6
            num = (f(*up) - f(*dn)) / 2e-6
            worst = max(worst, abs(grads[j][idx] - num) / max(1.0, abs(num)))
    return worst


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    common.add_common_args(ap)
    ns = ap.parse_args(argv)
    target = 0.3 if ns.quick else 1.0
    peers, notes = common.load_peers(("jax", "torch"), ns.threads)
    jax, torch = peers.get("jax"), peers.get("torch")
    lines = ["## ADBench objectives, vectorised NumPy: GMM and bundle adjustment", "",
             "Peers: " + "; ".join(notes), ""]
    load0, t0 = os.getloadavg(), time.time()
    results = common.Results("gmm_ba", ns.threads)
    gmm_sizes = [(1000, 10, 5)] if ns.quick else [(1000, 10, 5), (10000, 10, 25)]
    ba_sizes = [(20, 500, 2000)] if ns.quick else [(20, 500, 2000), (100, 5000, 30000)]
    cases = [(f"GMM n={n} d={d} K={k}", gmm_objective, gmm_data(n, d, k), (0, 1, 2), gmm_jax, gmm_torch,
              gmm_ba_numba.gmm_grad) for n, d, k in gmm_sizes]
    cases += [(f"BA cams={c} points={p} obs={o}", ba_objective, ba_data(c, p, o), (0, 1, 2), ba_jax, ba_torch,
               gmm_ba_numba.ba_grad) for c, p, o in ba_sizes]
    for label, f, args, wrt, make_jax, make_torch, numba_grad in cases:
        g = adjit.grad(f, wrt=wrt)
        err = check(f, g, args, wrt)
        ref = g(*args)
        fns = {"adjit": lambda: g(*args), "hand-written Numba": lambda: numba_grad(*args),
               "NumPy objective alone (no gradient)": lambda: f(*args)}
        others = {"hand-written Numba": numba_grad(*args)}
        if jax is not None:
            jf = make_jax(jax.numpy, jax.scipy.special.logsumexp) if make_jax is gmm_jax else make_jax(jax.numpy)
            jg = jax.jit(jax.grad(jf, argnums=wrt))
            jargs = [jax.device_put(a) if isinstance(a, np.ndarray) else a for a in args]
            fns["JAX jit(grad)"] = lambda: jax.block_until_ready(jg(*jargs))
            others["JAX jit(grad)"] = [np.asarray(t) for t in jg(*jargs)]
        if torch is not None:
            tf = make_torch(torch)
            targs = [torch.from_numpy(a.copy()) if isinstance(a, np.ndarray) else a for a in args]
            params = [targs[k].requires_grad_() for k in wrt]
            assert tuple(wrt) == tuple(range(len(wrt)))  # the differentiated arguments come first
            _, vg, _ = common.torch_closures(torch, tf, params, tuple(targs[len(wrt):]))
            fns["PyTorch"] = vg
            others["PyTorch"] = [t.numpy() for t in torch.autograd.grad(tf(*targs), params)]
        for name, grads in others.items():  # every peer computes the same gradient before it is timed
            worst = max(common.rel_err(np.asarray(a), b) for a, b in zip(grads, ref))
            if not worst < 1e-8:
                raise SystemExit(f"{label}: {name}'s gradient differs from adjit's (relative error {worst:.1e})")
        t = common.time_calls(fns, target=target)
        base = t["adjit"].median
        lines += [f"### {label}", "", f"adjit against central differences (30 coordinates per argument): "
                  f"worst relative error {err:.1e}; every other gradient agrees with adjit's to 1e-8", "",
                  "| implementation | time | / adjit |", "|---|---:|---:|"]
        lines += [f"| {k} | {common.fmt_time(v.median)} | {v.median / base:.2f}× |" for k, v in t.items()]
        lines.append("")
        peer = min((k for k in t if k in ("JAX jit(grad)", "PyTorch")), key=lambda k: t[k].median, default=None)
        if peer is not None:  # the target: no slower than the fastest of JAX jit(grad) and PyTorch
            ratio = base / t[peer].median
            lines += [f"adjit / fastest of JAX and PyTorch ({peer}): **{ratio:.2f}×** "
                      f"{'✓' if ratio <= 1.0 else '✗'}; adjit / hand-written Numba: "
                      f"{base / t['hand-written Numba'].median:.2f}×", ""]
        results.add(label, [{"name": k, "median": v.median} for k, v in t.items()])
    load1 = os.getloadavg()
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             cwd=os.path.dirname(os.path.abspath(__file__))).stdout.strip()
    except OSError:
        rev = "?"
    lines += [f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime(t0))} at `{rev}`, {ns.threads} thread(s), "
              f"in {time.time() - t0:.0f} s; load average (1 min) {load0[0]:.1f} at the start, {load1[0]:.1f} at the "
              f"end on {os.cpu_count()} logical CPUs: ratios compare rows of one run, not runs.", ""]
    common.emit("\n".join(lines), ns.out)
    results.write(ns.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
