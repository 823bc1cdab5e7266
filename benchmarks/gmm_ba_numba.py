"""Hand-written Numba gradients of the two ADBench objectives in bench_gmm_ba.py, the baseline a
performance engineer would write: one fused pass over the data, the adjoint derived by hand,
no temporaries per data point beyond a few length-d scratch vectors.

- `gmm_grad(alphas, means, icf, x, wishart_gamma, wishart_m)` -> (d alphas, d means, d icf)
- `ba_grad(cams, X, w, obs, feats)` -> (d cams, d X, d w)

Both are checked against adjit's gradient (and adjit's against central differences) by
bench_gmm_ba.py before anything is timed.
"""
from __future__ import annotations

import math

import numba
import numpy as np


@numba.njit(cache=True, fastmath=False)
def gmm_grad(alphas, means, icf, x, wishart_gamma, wishart_m):
    n, d = x.shape
    k = alphas.shape[0]
    # Q_k: lower triangular, diagonal exp(icf[k, :d]), strict lower part icf[k, d:] in
    # np.tril_indices(d, -1) order (row by row)
    Q = np.zeros((k, d, d))
    for c in range(k):
        for i in range(d):
            Q[c, i, i] = math.exp(icf[c, i])
        m = d
        for i in range(d):
            for j in range(i):
                Q[c, i, j] = icf[c, m]
                m += 1
    sum_ld = np.zeros(k)
    for c in range(k):
        s = 0.0
        for i in range(d):
            s += icf[c, i]
        sum_ld[c] = s
    d_alphas = np.zeros(k)
    d_means = np.zeros((k, d))
    dQ = np.zeros((k, d, d))
    d_sumld = np.zeros(k)
    xc = np.empty((k, d))
    Qx = np.empty((k, d))
    inner = np.empty(k)
    for p in range(n):
        mx = -np.inf
        for c in range(k):
            q = 0.0
            for j in range(d):
                xc[c, j] = x[p, j] - means[c, j]
            for i in range(d):
                s = 0.0
                for j in range(i + 1):
                    s += Q[c, i, j] * xc[c, j]
                Qx[c, i] = s
                q += s * s
            inner[c] = alphas[c] + sum_ld[c] - 0.5 * q
            if inner[c] > mx:
                mx = inner[c]
        tot = 0.0
        for c in range(k):
            inner[c] = math.exp(inner[c] - mx)
            tot += inner[c]
        for c in range(k):
            wgt = inner[c] / tot          # d lse / d inner
            d_alphas[c] += wgt
            d_sumld[c] += wgt
            for i in range(d):
                g = -wgt * Qx[c, i]       # d Qx
                for j in range(i + 1):
                    dQ[c, i, j] += g * xc[c, j]
                    d_means[c, j] -= Q[c, i, j] * g
    # - n * logsumexp(alphas)
    mx = -np.inf
    for c in range(k):
        mx = max(mx, alphas[c])
    tot = 0.0
    for c in range(k):
        tot += math.exp(alphas[c] - mx)
    for c in range(k):
        d_alphas[c] -= n * math.exp(alphas[c] - mx) / tot
    g2 = wishart_gamma * wishart_gamma
    d_icf = np.empty_like(icf)
    for c in range(k):
        for i in range(dQ.shape[1]):
            e = Q[c, i, i]
            d_icf[c, i] = dQ[c, i, i] * e + d_sumld[c] + g2 * e * e - wishart_m
        m = d
        for i in range(d):
            for j in range(i):
                d_icf[c, m] = dQ[c, i, j] + g2 * icf[c, m]
                m += 1
    return d_alphas, d_means, d_icf


@numba.njit(cache=True, fastmath=False)
def ba_grad(cams, X, w, obs, feats):
    d_cams = np.zeros_like(cams)
    d_X = np.zeros_like(X)
    d_w = np.empty_like(w)
    Y = np.empty(3)
    u = np.empty(3)
    Xc = np.empty(3)
    a = np.empty(3)
    dY = np.empty(3)
    du = np.empty(3)
    for o in range(obs.shape[0]):
        ci, pi = obs[o, 0], obs[o, 1]
        for t in range(3):
            Y[t] = X[pi, t] - cams[ci, 3 + t]
        theta = math.sqrt(cams[ci, 0] ** 2 + cams[ci, 1] ** 2 + cams[ci, 2] ** 2)
        for t in range(3):
            u[t] = cams[ci, t] / theta
        c, s = math.cos(theta), math.sin(theta)
        uY = u[0] * Y[0] + u[1] * Y[1] + u[2] * Y[2]
        cr0 = u[1] * Y[2] - u[2] * Y[1]
        cr1 = u[2] * Y[0] - u[0] * Y[2]
        cr2 = u[0] * Y[1] - u[1] * Y[0]
        Xc[0] = Y[0] * c + cr0 * s + u[0] * uY * (1 - c)
        Xc[1] = Y[1] * c + cr1 * s + u[1] * uY * (1 - c)
        Xc[2] = Y[2] * c + cr2 * s + u[2] * uY * (1 - c)
        p0, p1 = Xc[0] / Xc[2], Xc[1] / Xc[2]
        rsq = p0 * p0 + p1 * p1
        k1, k2, f = cams[ci, 9], cams[ci, 10], cams[ci, 6]
        dist = 1 + k1 * rsq + k2 * rsq * rsq
        e0 = p0 * dist * f + cams[ci, 7] - feats[o, 0]
        e1 = p1 * dist * f + cams[ci, 8] - feats[o, 1]
        wo = w[o]
        # reverse: sum((w e)^2) + (1 - w^2)^2
        d_w[o] = 2 * wo * (e0 * e0 + e1 * e1) - 4 * wo * (1 - wo * wo)
        g0, g1 = 2 * wo * wo * e0, 2 * wo * wo * e1       # d proj
        d_cams[ci, 7] += g0
        d_cams[ci, 8] += g1
        d_cams[ci, 6] += (g0 * p0 + g1 * p1) * dist
        ddist = (g0 * p0 + g1 * p1) * f
        d_cams[ci, 9] += ddist * rsq
        d_cams[ci, 10] += ddist * rsq * rsq
        drsq = ddist * (k1 + 2 * k2 * rsq)
        dp0 = g0 * dist * f + 2 * p0 * drsq
        dp1 = g1 * dist * f + 2 * p1 * drsq
        a[0], a[1] = dp0 / Xc[2], dp1 / Xc[2]
        a[2] = -(dp0 * p0 + dp1 * p1) / Xc[2]              # d Xcam
        au = a[0] * u[0] + a[1] * u[1] + a[2] * u[2]
        # Xcam = Y c + (u x Y) s + u (u.Y)(1 - c)
        dY[0] = c * a[0] + s * (a[1] * u[2] - a[2] * u[1]) + (1 - c) * au * u[0]
        dY[1] = c * a[1] + s * (a[2] * u[0] - a[0] * u[2]) + (1 - c) * au * u[1]
        dY[2] = c * a[2] + s * (a[0] * u[1] - a[1] * u[0]) + (1 - c) * au * u[2]
        du[0] = s * (Y[1] * a[2] - Y[2] * a[1]) + (1 - c) * (au * Y[0] + uY * a[0])
        du[1] = s * (Y[2] * a[0] - Y[0] * a[2]) + (1 - c) * (au * Y[1] + uY * a[1])
        du[2] = s * (Y[0] * a[1] - Y[1] * a[0]) + (1 - c) * (au * Y[2] + uY * a[2])
        dc = a[0] * Y[0] + a[1] * Y[1] + a[2] * Y[2] - au * uY
        ds = a[0] * cr0 + a[1] * cr1 + a[2] * cr2
        dtheta = -s * dc + c * ds
        dur = du[0] * u[0] + du[1] * u[1] + du[2] * u[2]
        for t in range(3):   # u = r / theta, theta = |r|
            d_cams[ci, t] += (du[t] - dur * u[t]) / theta + dtheta * u[t]
            d_cams[ci, 3 + t] -= dY[t]
            d_X[pi, t] += dY[t]
    return d_cams, d_X, d_w
