"""Eleventh held-out set: twenty-five programs written without reading adjit's docs or source, in domains the
other modules do not cover, the way lab notebooks, textbooks and paper appendices write them: module-level
constant tables (line lists, delayed-neutron groups, Antoine constants, amino-acid alphabets), helpers with
keyword defaults and tuple returns, loops and ifs, while loops with tolerances (a Fourier series summed to a
tolerance, standard-step and bubble-point iterations, Newton on Cournot first-order conditions and on a
catenary parameter, the Laplace-approximation mode finder), list building, masks and fancy indexing,
np.maximum.at and np.add.at segment softmax over an edge list, np.bincount with weights, np.digitize,
np.searchsorted, np.triu_indices, einsum, mixed fancy/slice indexing, np.fft, complex exponentials,
np.convolve, np.gradient, np.interp, np.linalg.solve in a time loop, np.linalg.cholesky with
scipy.linalg.cho_solve, scipy.special (expit, logsumexp, gammaln), scipy.stats (norm, binom) and
math.factorial.

Positive-degree-day glacier mass balance, Terzaghi consolidation with secondary compression, line-by-line
gas absorption with an instrument function, a standard-step backwater profile behind a weir, Sellmeier
dispersion of an ultrashort pulse, minimum-snap trajectory time allocation, Cressie's weighted variogram
fit, piecewise-exponential survival, a graph attention network, a masked autoregressive flow, the
importance-weighted autoencoder bound, space-time ETAS for aftershocks, radio-interferometer visibilities,
Reed-Frost household chain binomials, NRTL vapour-liquid equilibrium, a Cournot oligopoly, Tsodyks-Markram
short-term synaptic plasticity, transmission-line catenaries, a DICE-style climate-economy model, a JONSWAP
wave spectrum by Whittle likelihood, an electric-vehicle drive cycle, reactor point kinetics with six
delayed groups, a mixed logit with Halton draws, Gaussian-process classification by Laplace's method and a
soft Needleman-Wunsch alignment learning a substitution matrix.
Written as plain NumPy/SciPy, the way the domain's textbooks, lecture notes and notebooks write them.
"""
import math
from itertools import combinations

import numpy as np
from scipy.linalg import cho_solve
from scipy.special import expit, gammaln, logsumexp
from scipy.stats import binom, norm


# ----------------------------------------------- glaciology: positive-degree-day mass balance
BAND_ELEV = np.array([2450.0, 2650.0, 2850.0, 3050.0, 3250.0])
BAND_AREA = np.array([0.8, 1.6, 2.1, 1.4, 0.6])   # km^2
STATION_ELEV = 2100.0


def expected_pdd(temp, sigma):
    """Calov & Greve (2005): E[max(T, 0)] for T ~ N(temp, sigma^2), per day."""
    z = temp / sigma
    return sigma * norm.pdf(z) + temp * norm.cdf(z)


def band_balance(params, temp_station, precip_station, z, lapse=-0.0065, sigma=2.5, t_snow=1.0,
                 refreeze_frac=0.4):
    ddf_snow, ddf_ice, precip_grad = params
    dz = z - STATION_ELEV
    temp = temp_station + lapse * dz
    precip = precip_station * (1.0 + precip_grad * dz / 1000.0)
    snow_frac = np.clip(0.5 * (t_snow + 1.0 - temp), 0.0, 1.0)   # rain/snow transition over 2 K
    snowpack = 0.0
    accumulation = 0.0
    melt_total = 0.0
    for d in range(len(temp)):
        snowfall = precip[d] * snow_frac[d]
        snowpack += snowfall
        accumulation += snowfall
        pdd = expected_pdd(temp[d], sigma)
        potential = ddf_snow * pdd
        if potential <= snowpack:
            melt = potential
            snowpack -= potential
        else:
            leftover_pdd = pdd - snowpack / ddf_snow   # the snow is gone: the rest melts ice
            melt = snowpack + ddf_ice * leftover_pdd
            snowpack = 0.0
        melt_total += melt
    refreeze = refreeze_frac * min(melt_total, accumulation)
    return (accumulation - melt_total + refreeze) / 1000.0   # m w.e.


def glacier_mb_loss(params, temp_station, precip_station, band_obs, glacier_obs):
    balances = []
    for z in BAND_ELEV:
        balances.append(band_balance(params, temp_station, precip_station, z))
    balances = np.array(balances)
    glacier_wide = np.sum(balances * BAND_AREA) / np.sum(BAND_AREA)
    return np.sum((balances - band_obs) ** 2) + 4.0 * (glacier_wide - glacier_obs) ** 2


def glacier_inputs(rng):
    days = np.arange(365)
    temp = 2.0 - 9.0 * np.cos(2 * np.pi * (days - 15) / 365) + 2.0 * rng.standard_normal(365)
    precip = rng.gamma(0.6, 6.0, 365)
    true = np.array([3.5, 7.0, 0.6])
    obs = np.array([band_balance(true, temp, precip, z) for z in BAND_ELEV])
    obs = obs + 0.05 * rng.standard_normal(len(obs))
    return dict(params=np.array([3.0, 8.0, 0.5]), temp_station=temp, precip_station=precip,
                band_obs=obs, glacier_obs=np.sum(obs * BAND_AREA) / np.sum(BAND_AREA))


# ----------------------------------------------- geotechnics: Terzaghi consolidation, secondary compression
def terzaghi_degree(Tv, tol=1e-12, max_terms=400):
    """Average degree of consolidation, U = 1 - sum 2/M^2 exp(-M^2 Tv), M = pi (2m + 1) / 2."""
    U = 1.0
    m = 0
    while m < max_terms:
        M = 0.5 * np.pi * (2 * m + 1)
        term = 2.0 / M ** 2 * np.exp(-M ** 2 * Tv)
        U -= term
        if term < tol:
            break
        m += 1
    return U


def settlement_curve(theta, times, load=80.0, H_layer=6.0, drainage="double"):
    cv = np.exp(theta[0])        # m^2/day
    mv = np.exp(theta[1])        # 1/kPa
    c_alpha = np.exp(theta[2])   # secondary compression per log cycle
    s_immediate = theta[3]
    H_dr = H_layer / 2 if drainage == "double" else H_layer
    s_primary = mv * load * H_layer
    t_end_primary = 1.129 * H_dr ** 2 / cv          # time to U = 95 %
    out = np.zeros(len(times))
    for k in range(len(times)):
        Tv = cv * times[k] / H_dr ** 2
        s = s_immediate + s_primary * terzaghi_degree(Tv)
        if times[k] > t_end_primary:
            s += c_alpha * H_layer * np.log10(times[k] / t_end_primary)
        out[k] = s
    return out


def consolidation_loss(theta, times, settlement_obs):
    pred = settlement_curve(theta, times)
    return 1e4 * np.mean((pred - settlement_obs) ** 2)


def consolidation_inputs(rng):
    times = np.geomspace(0.3, 2000.0, 40)
    true = np.array([np.log(0.08), np.log(4e-4), np.log(3e-3), 0.01])
    obs = settlement_curve(true, times) + 0.002 * rng.standard_normal(40)
    return dict(theta=true + np.array([0.2, -0.1, 0.15, 0.003]), times=times, settlement_obs=obs)


# ----------------------------------------------- spectroscopy: line-by-line absorption, instrument function
# nu0 (cm^-1), S(296 K) (cm/molecule), gamma_air (cm^-1/atm), n_air, E'' (cm^-1): a CO-like band segment
LINE_LIST = np.array([
    [2139.43, 3.2e-19, 0.068, 0.71, 57.7],
    [2143.27, 3.9e-19, 0.066, 0.70, 34.6],
    [2147.08, 4.3e-19, 0.064, 0.70, 17.3],
    [2150.86, 4.0e-19, 0.063, 0.69, 5.8],
    [2158.30, 2.6e-19, 0.065, 0.70, 3.8],
    [2162.00, 3.6e-19, 0.066, 0.71, 11.5],
    [2165.60, 4.1e-19, 0.068, 0.72, 23.1],
    [2169.20, 3.8e-19, 0.069, 0.72, 38.4],
])
C2 = 1.4387769   # cm K
K_BOLTZ = 1.380649e-23


def lorentz(nu, nu0, gamma):
    return gamma / np.pi / ((nu - nu0) ** 2 + gamma ** 2)


def absorption_coefficient(nu, T, p_atm, lines=LINE_LIST, T_ref=296.0):
    k = np.zeros_like(nu)
    for row in lines:
        nu0, S_ref, g_air, n_air, E_low = row
        S = S_ref * (T_ref / T) ** 1.5 * np.exp(-C2 * E_low * (1.0 / T - 1.0 / T_ref))
        S *= (1 - np.exp(-C2 * nu0 / T)) / (1 - np.exp(-C2 * nu0 / T_ref))
        gamma = g_air * p_atm * (T_ref / T) ** n_air
        k += S * lorentz(nu, nu0, gamma)
    return k


def cell_transmission(params, nu, path_cm=10.0, p_atm=1.0, fwhm=0.4):
    T, log_ppm, base0, base1 = params
    x = np.exp(log_ppm) * 1e-6
    n_density = x * p_atm * 101325.0 / (K_BOLTZ * T) * 1e-6     # molecules / cm^3
    tau = absorption_coefficient(nu, T, p_atm) * n_density * path_cm
    trans = np.exp(-tau) * (base0 + base1 * (nu - nu.mean()))
    dnu = nu[1] - nu[0]
    half = int(3 * fwhm / dnu)
    grid = dnu * np.arange(-half, half + 1)
    sig = fwhm / (2 * np.sqrt(2 * np.log(2)))
    kernel = np.exp(-0.5 * (grid / sig) ** 2)
    kernel /= kernel.sum()
    return np.convolve(trans, kernel, mode="same")


def absorption_fit_loss(params, nu, spectrum):
    model = cell_transmission(params, nu)
    inner = slice(20, len(nu) - 20)   # the convolution's edges are not trusted
    return 1e3 * np.sum((model[inner] - spectrum[inner]) ** 2)


def absorption_inputs(rng):
    nu = np.linspace(2132.0, 2176.0, 600)
    true = np.array([305.0, np.log(2500.0), 0.98, 2e-4])
    spec = cell_transmission(true, nu) + 0.002 * rng.standard_normal(600)
    return dict(params=np.array([296.0, np.log(2000.0), 1.0, 0.0]), nu=nu, spectrum=spec)


# ----------------------------------------------- open-channel hydraulics: standard-step backwater profile
G = 9.81


def section_props(y, b, z):
    """Trapezoidal channel: area, wetted perimeter, top width."""
    A = (b + z * y) * y
    P = b + 2.0 * y * np.sqrt(1.0 + z * z)
    T = b + 2.0 * z * y
    return A, P, T


def friction_slope(Q, y, n, b, z):
    A, P, _ = section_props(y, b, z)
    R = A / P
    return (n * Q / (A * R ** (2.0 / 3.0))) ** 2


def specific_head(Q, y, bed, b, z):
    A, _, _ = section_props(y, b, z)
    return bed + y + Q ** 2 / (2 * G * A ** 2)


def standard_step(Q, y_down, stations, bed, n, b, z, tol=1e-10, max_iter=60):
    """March upstream from a downstream control, solving the energy equation section by section."""
    depths = [y_down]
    y = y_down
    for i in range(len(stations) - 1, 0, -1):
        dx = stations[i] - stations[i - 1]
        H_down = specific_head(Q, y, bed[i], b, z)
        Sf_down = friction_slope(Q, y, n, b, z)
        y_up = y + 0.01    # first guess: about the same depth
        for it in range(max_iter):
            Sf_up = friction_slope(Q, y_up, n, b, z)
            resid = specific_head(Q, y_up, bed[i - 1], b, z) - H_down - 0.5 * (Sf_up + Sf_down) * dx
            A, P, T = section_props(y_up, b, z)
            froude2 = Q ** 2 * T / (G * A ** 3)
            step = resid / (1.0 - froude2 + 0.5 * dx * (10.0 / 3.0) * Sf_up * T / A)   # wide-channel dSf/dy
            y_up = y_up - step
            if abs(step) < tol:
                break
        depths.append(y_up)
        y = y_up
    return np.array(depths[::-1])


def backwater_loss(params, stations, bed, gauge_idx, gauge_stage, weir_crest=1.8, weir_length=12.0,
                   b=10.0, z=1.5):
    n, Q = params
    head = (Q / (1.84 * weir_length)) ** (2.0 / 3.0)      # sharp-crested weir rating
    y_down = weir_crest + head
    depths = standard_step(Q, y_down, stations, bed, n, b, z)
    stage = bed + depths
    return 100.0 * np.sum((stage[gauge_idx] - gauge_stage) ** 2)


def backwater_inputs(rng):
    stations = np.linspace(0.0, 3000.0, 31)
    bed = 12.0 - 0.0008 * stations + 0.05 * np.sin(stations / 300.0)
    gauge_idx = np.array([0, 5, 11, 17, 23, 28])
    true = np.array([0.032, 48.0])
    depths = standard_step(true[1], 1.8 + (true[1] / (1.84 * 12.0)) ** (2 / 3), stations, bed, true[0], 10.0, 1.5)
    obs = (bed + depths)[gauge_idx] + 0.005 * rng.standard_normal(6)
    return dict(params=np.array([0.028, 44.0]), stations=stations, bed=bed, gauge_idx=gauge_idx, gauge_stage=obs)


# ----------------------------------------------- ultrafast optics: Sellmeier dispersion of a short pulse
C_LIGHT = 299792458.0


def sellmeier_index(lam_um, B, C):
    lam2 = lam_um ** 2
    n2 = 1.0
    for Bi, Ci in zip(B, C):
        n2 = n2 + Bi * lam2 / (lam2 - Ci)
    return np.sqrt(n2)


def propagate_pulse(field_t, dt, length_m, B, C, lam0_um=1.03):
    """Linear propagation in the retarded frame: spectral phase k(w) L minus its carrier and group-delay terms."""
    n = len(field_t)
    f = np.fft.fftfreq(n, dt)                   # offsets from the carrier, Hz
    nu0 = C_LIGHT / (lam0_um * 1e-6)
    lam_um = C_LIGHT / (nu0 + f) * 1e6
    k = 2 * np.pi * (nu0 + f) * sellmeier_index(lam_um, B, C) / C_LIGHT
    k0 = k[0]
    k1 = (k[1] - k[-1]) / (2 * 2 * np.pi * f[1])   # dk/dw at the carrier
    phase = (k - k0 - k1 * 2 * np.pi * f) * length_m
    spectrum = np.fft.fft(field_t) * np.exp(1j * phase)
    return np.fft.ifft(spectrum)


def sellmeier_pulse_loss(B, C, field_in, intensity_out, dt=2e-15, length_m=0.02):
    out = propagate_pulse(field_in, dt, length_m, B, C)
    model = np.abs(out) ** 2
    return 1e3 * np.sum((model - intensity_out) ** 2)


def sellmeier_inputs(rng):
    n = 256
    t = (np.arange(n) - n / 2) * 2e-15
    field = np.exp(-(t / 25e-15) ** 2) * np.exp(1j * 2e26 * t ** 2)     # slightly chirped 30 fs pulse
    B_true = np.array([1.03961212, 0.231792344, 1.01046945])           # BK7
    C = np.array([0.00600069867, 0.0200179144, 103.560653])
    obs = np.abs(propagate_pulse(field, 2e-15, 0.02, B_true, C)) ** 2 + 1e-3 * rng.standard_normal(n)
    return dict(B=B_true * np.array([1.05, 0.9, 1.02]), C=C, field_in=field, intensity_out=obs)


# ----------------------------------------------- robotics: minimum-snap trajectory, time allocation
DEG = 7      # septic segments
N_COEF = DEG + 1


def snap_cost_matrix(T):
    """Q[i, j] = integral over [0, T] of d4(t^i) d4(t^j)."""
    Q = np.zeros((N_COEF, N_COEF))
    for i in range(4, N_COEF):
        for j in range(4, N_COEF):
            ci = math.factorial(i) / math.factorial(i - 4)
            cj = math.factorial(j) / math.factorial(j - 4)
            p = i + j - 7
            Q[i, j] = ci * cj * T ** p / p
    return Q


def deriv_row(t, r):
    """Row that maps coefficients to the r-th derivative at time t."""
    row = np.zeros(N_COEF)
    for i in range(r, N_COEF):
        row[i] = math.factorial(i) / math.factorial(i - r) * t ** (i - r)
    return row


def min_snap_1d(waypoints, durations, cont_order=4):
    m = len(durations)
    nv = m * N_COEF
    H = np.zeros((nv, nv))
    for s in range(m):
        H[s * N_COEF:(s + 1) * N_COEF, s * N_COEF:(s + 1) * N_COEF] = snap_cost_matrix(durations[s])
    rows, rhs = [], []
    for s in range(m):
        r0 = np.zeros(nv)
        r0[s * N_COEF:(s + 1) * N_COEF] = deriv_row(0.0, 0)
        rows.append(r0)
        rhs.append(waypoints[s])
        r1 = np.zeros(nv)
        r1[s * N_COEF:(s + 1) * N_COEF] = deriv_row(durations[s], 0)
        rows.append(r1)
        rhs.append(waypoints[s + 1])
    for r in range(1, 4):                       # at rest at both ends
        a = np.zeros(nv)
        a[:N_COEF] = deriv_row(0.0, r)
        rows.append(a)
        rhs.append(0.0)
        e = np.zeros(nv)
        e[(m - 1) * N_COEF:] = deriv_row(durations[-1], r)
        rows.append(e)
        rhs.append(0.0)
    for s in range(m - 1):                      # continuity of derivatives 1..cont_order at the knots
        for r in range(1, cont_order + 1):
            c = np.zeros(nv)
            c[s * N_COEF:(s + 1) * N_COEF] = deriv_row(durations[s], r)
            c[(s + 1) * N_COEF:(s + 2) * N_COEF] = -deriv_row(0.0, r)
            rows.append(c)
            rhs.append(0.0)
    A = np.array(rows)
    b = np.array(rhs)
    nc = A.shape[0]
    kkt = np.zeros((nv + nc, nv + nc))
    kkt[:nv, :nv] = 2 * H
    kkt[:nv, nv:] = A.T
    kkt[nv:, :nv] = A
    sol = np.linalg.solve(kkt, np.concatenate([np.zeros(nv), b]))
    coef = sol[:nv]
    return coef @ H @ coef


def min_snap_time_loss(log_T, waypoints_xyz, time_weight=50.0):
    T = np.exp(log_T)
    cost = 0.0
    for axis in range(waypoints_xyz.shape[1]):
        cost += min_snap_1d(waypoints_xyz[:, axis], T)
    return cost + time_weight * np.sum(T)


def min_snap_inputs(rng):
    wp = np.array([[0.0, 0.0, 1.0], [2.0, 1.0, 1.5], [4.0, 0.5, 2.0], [5.0, 3.0, 1.2], [3.0, 5.0, 1.0]])
    return dict(log_T=np.log(np.array([1.5, 1.8, 2.2, 2.0])) + 0.05 * rng.standard_normal(4), waypoints_xyz=wp)


# ----------------------------------------------- geostatistics: Cressie's weighted least-squares variogram
def empirical_variogram(coords, z, bin_edges):
    i, j = np.triu_indices(len(z), k=1)
    h = np.sqrt(np.sum((coords[i] - coords[j]) ** 2, axis=1))
    half_sq = 0.5 * (z[i] - z[j]) ** 2
    nb = len(bin_edges) - 1
    b = np.digitize(h, bin_edges) - 1
    ok = (b >= 0) & (b < nb)
    counts = np.bincount(b[ok], minlength=nb)
    gamma = np.bincount(b[ok], weights=half_sq[ok], minlength=nb) / np.maximum(counts, 1)
    lag = np.bincount(b[ok], weights=h[ok], minlength=nb) / np.maximum(counts, 1)
    return lag, gamma, counts


def spherical_model(h, nugget, psill, a):
    hr = h / a
    return np.where(h < a, nugget + psill * (1.5 * hr - 0.5 * hr ** 3), nugget + psill)


def cressie_variogram_loss(params, z, coords, bin_edges):
    nugget, psill, log_range = params
    lag, gamma_hat, counts = empirical_variogram(coords, z, bin_edges)
    model = spherical_model(lag, nugget, psill, np.exp(log_range))
    keep = counts >= 30
    w = counts[keep] / model[keep] ** 2
    return np.sum(w * (gamma_hat[keep] - model[keep]) ** 2) / np.sum(counts[keep])


def variogram_inputs(rng):
    n = 150
    coords = rng.uniform(0, 100, size=(n, 2))
    d = np.sqrt(((coords[:, None, :] - coords[None, :, :]) ** 2).sum(-1))
    hr = np.minimum(d / 35.0, 1.0)
    cov = 1.5 * (1 - (1.5 * hr - 0.5 * hr ** 3)) + 0.3 * np.eye(n)
    z = np.linalg.cholesky(cov) @ rng.standard_normal(n) + 10.0
    edges = np.linspace(0.0, 70.0, 15) + 0.37
    edges[0] = 0.0
    return dict(params=np.array([0.25, 1.4, np.log(30.0)]), z=z, coords=coords, bin_edges=edges)


# ----------------------------------------------- survival: piecewise-exponential hazard with a smoothing prior
CUTS = np.array([0.0, 30.0, 90.0, 180.0, 365.0, 730.0])


def pwe_nll(beta, log_lambda, time, event, X, smooth=2.0):
    eta = X @ beta
    interval = np.searchsorted(CUTS, time, side="right") - 1
    widths = np.diff(CUTS)
    hazard = np.exp(log_lambda)
    nll = 0.0
    for i in range(len(time)):
        k = interval[i]
        exposure = np.zeros(len(widths))
        exposure[:k] = widths[:k]
        exposure[k] = time[i] - CUTS[k]
        cum_hazard = np.sum(hazard * exposure) * np.exp(eta[i])
        nll += cum_hazard
        if event[i]:
            nll -= log_lambda[k] + eta[i]
    nll += 0.5 * smooth * np.sum(np.diff(log_lambda) ** 2)
    return nll


def pwe_inputs(rng):
    n = 200
    X = np.column_stack([rng.standard_normal(n), rng.integers(0, 2, n), rng.uniform(-1, 1, n)])
    eta = X @ np.array([0.5, -0.7, 0.3])
    t = rng.exponential(300.0 / np.exp(eta))
    c = rng.uniform(50, 720, n)
    time = np.minimum(t, c)
    event = (t <= c).astype(int)
    return dict(beta=np.array([0.3, -0.5, 0.1]), log_lambda=np.log(np.full(5, 1 / 300.0)),
                time=time, event=event, X=X)


# ----------------------------------------------- graph learning: graph attention over an edge list
def gat_layer(H, W, a_src, a_dst, src, dst, n_nodes, slope=0.2):
    Z = H @ W
    e = Z[src] @ a_src + Z[dst] @ a_dst
    e = np.where(e > 0, e, slope * e)                 # LeakyReLU
    e_max = np.full(n_nodes, -np.inf)
    np.maximum.at(e_max, dst, e)                      # per-destination max for a stable softmax
    w = np.exp(e - e_max[dst])
    denom = np.zeros(n_nodes)
    np.add.at(denom, dst, w)
    alpha = w / denom[dst]
    out = np.zeros((n_nodes, Z.shape[1]))
    np.add.at(out, dst, alpha[:, None] * Z[src])
    return out


def gat_loss(W1, a1_src, a1_dst, W2, a2_src, a2_dst, X, src, dst, labels, train_idx):
    n = X.shape[0]
    h = gat_layer(X, W1, a1_src, a1_dst, src, dst, n)
    h = np.where(h > 0, h, np.exp(h) - 1.0)           # ELU
    logits = gat_layer(h, W2, a2_src, a2_dst, src, dst, n)
    logp = logits - logsumexp(logits, axis=1, keepdims=True)
    return -np.mean(logp[train_idx, labels[train_idx]]) + 5e-4 * (np.sum(W1 ** 2) + np.sum(W2 ** 2))


def gat_inputs(rng):
    n, d, hdim, c = 40, 6, 8, 3
    labels = rng.integers(0, c, n)
    edges = set()
    for i in range(n):
        for j in range(n):
            if i != j and rng.random() < (0.25 if labels[i] == labels[j] else 0.03):
                edges.add((i, j))
                edges.add((j, i))
    edges = sorted(edges) + [(i, i) for i in range(n)]      # self loops
    src = np.array([e[0] for e in edges])
    dst = np.array([e[1] for e in edges])
    X = rng.standard_normal((n, d)) + np.eye(c)[labels] @ rng.standard_normal((c, d))
    return dict(W1=0.3 * rng.standard_normal((d, hdim)), a1_src=0.3 * rng.standard_normal(hdim),
                a1_dst=0.3 * rng.standard_normal(hdim), W2=0.3 * rng.standard_normal((hdim, c)),
                a2_src=0.3 * rng.standard_normal(c), a2_dst=0.3 * rng.standard_normal(c),
                X=X, src=src, dst=dst, labels=labels, train_idx=np.arange(0, n, 2))


# ----------------------------------------------- density estimation: masked autoregressive flow (MADE layers)
def made_masks(D, H, hidden_degrees):
    in_degrees = np.arange(1, D + 1)
    M_in = (hidden_degrees[:, None] >= in_degrees[None, :]).astype(float)    # (H, D)
    M_out = (in_degrees[:, None] > hidden_degrees[None, :]).astype(float)   # (D, H)
    return M_in, M_out


def made_layer(x, W_in, b_in, W_mu, W_alpha, b_mu, b_alpha, M_in, M_out):
    h = np.tanh(x @ (W_in * M_in).T + b_in)
    mu = h @ (W_mu * M_out).T + b_mu
    alpha = np.tanh(h @ (W_alpha * M_out).T + b_alpha)    # bounded log-scales
    u = (x - mu) * np.exp(-alpha)
    return u, -np.sum(alpha, axis=1)


def maf_nll(layers, x, hidden_degrees):
    D = x.shape[1]
    M_in, M_out = made_masks(D, len(hidden_degrees), hidden_degrees)
    log_det = np.zeros(x.shape[0])
    u = x
    for l in range(layers.shape[0]):
        W_in, b_in, W_mu, W_alpha, b_mu, b_alpha = unpack_made(layers[l], D, len(hidden_degrees))
        u, ld = made_layer(u, W_in, b_in, W_mu, W_alpha, b_mu, b_alpha, M_in, M_out)
        log_det += ld
        u = u[:, ::-1]                                      # reverse the order between layers
    log_base = -0.5 * np.sum(u ** 2, axis=1) - 0.5 * D * np.log(2 * np.pi)
    return -np.mean(log_base + log_det)


def unpack_made(theta, D, H):
    sizes = [H * D, H, D * H, D * H, D, D]
    parts = []
    start = 0
    for s in sizes:
        parts.append(theta[start:start + s])
        start += s
    W_in, b_in, W_mu, W_alpha, b_mu, b_alpha = parts
    return W_in.reshape(H, D), b_in, W_mu.reshape(D, H), W_alpha.reshape(D, H), b_mu, b_alpha


def maf_inputs(rng):
    n, D, H = 120, 3, 10
    x1 = rng.standard_normal(n)
    x2 = 0.5 * x1 ** 2 + 0.3 * rng.standard_normal(n)
    x3 = np.sin(x2) + 0.2 * rng.standard_normal(n)
    x = np.column_stack([x1, x2, x3])
    size = H * D + H + 2 * D * H + 2 * D
    return dict(layers=0.2 * rng.standard_normal((2, size)), x=x,
                hidden_degrees=np.array([1, 2, 1, 2, 1, 2, 1, 2, 1, 2]))


# ----------------------------------------------- variational inference: the importance-weighted autoencoder bound
def iwae_loss(enc_W, enc_b, dec_W, dec_b, x, eps):
    N, K, L = eps.shape
    h = x @ enc_W + enc_b
    mu, logvar = h[:, :L], h[:, L:]
    z = mu[:, None, :] + np.exp(0.5 * logvar)[:, None, :] * eps          # (N, K, L)
    logits = np.einsum("nkl,ld->nkd", z, dec_W) + dec_b
    log_px = np.sum(x[:, None, :] * logits - np.logaddexp(0.0, logits), axis=2)
    log_pz = -0.5 * np.sum(z ** 2, axis=2) - 0.5 * L * np.log(2 * np.pi)
    log_qz = -0.5 * np.sum(eps ** 2 + logvar[:, None, :] + np.log(2 * np.pi), axis=2)
    log_w = log_px + log_pz - log_qz
    return -np.mean(logsumexp(log_w, axis=1) - np.log(K))


def iwae_inputs(rng):
    N, D, L, K = 30, 16, 3, 8
    protos = rng.random((4, D)) < 0.3
    x = (protos[rng.integers(0, 4, N)] ^ (rng.random((N, D)) < 0.05)).astype(float)
    return dict(enc_W=0.1 * rng.standard_normal((D, 2 * L)), enc_b=np.zeros(2 * L),
                dec_W=0.1 * rng.standard_normal((L, D)), dec_b=np.zeros(D), x=x,
                eps=rng.standard_normal((N, K, L)))


# ----------------------------------------------- seismology: space-time ETAS aftershock likelihood
M_REF = 3.0


def etas_nll(theta, t, x, y, mag, T_end):
    mu = np.exp(theta[0])              # background events / day over the region
    K = np.exp(theta[1])
    alpha = np.exp(theta[2])
    c = np.exp(theta[3])
    p = 1.0 + np.exp(theta[4])
    d = np.exp(theta[5])               # km^2
    q = 1.0 + np.exp(theta[6])
    area = 100.0 * 100.0
    n = len(t)
    loglik = 0.0
    for i in range(n):
        lam = mu / area
        for j in range(i):
            dt = t[i] - t[j]
            r2 = (x[i] - x[j]) ** 2 + (y[i] - y[j]) ** 2
            productivity = K * np.exp(alpha * (mag[j] - M_REF))
            g = (p - 1) / c * (1 + dt / c) ** (-p)
            f = (q - 1) / (np.pi * d) * (1 + r2 / d) ** (-q)
            lam += productivity * g * f
        loglik += np.log(lam)
    integral = mu * T_end
    for j in range(n):
        productivity = K * np.exp(alpha * (mag[j] - M_REF))
        integral += productivity * (1 - (1 + (T_end - t[j]) / c) ** (1 - p))
    return -(loglik - integral)


def etas_inputs(rng):
    n = 90
    t = np.sort(rng.uniform(0, 60.0, n))
    t[1:8] = t[0] + np.cumsum(rng.exponential(0.3, 7))
    t = np.sort(t)
    x = rng.uniform(0, 100, n)
    y = rng.uniform(0, 100, n)
    x[1:8] = x[0] + 2 * rng.standard_normal(7)
    y[1:8] = y[0] + 2 * rng.standard_normal(7)
    mag = M_REF + rng.exponential(1 / np.log(10), n)
    mag[0] = 5.8
    theta = np.array([np.log(1.0), np.log(0.2), np.log(1.5), np.log(0.01), np.log(0.1), np.log(2.0), np.log(0.5)])
    return dict(theta=theta, t=t, x=x, y=y, mag=mag, T_end=60.0)


# ----------------------------------------------- radio astronomy: interferometer visibilities of Gaussian sources
ARCSEC = np.pi / (180.0 * 3600.0)
ANTENNAS_ENU = np.array([[0.0, 0.0, 0.0], [120.0, 35.0, 0.5], [-80.0, 150.0, 1.0], [250.0, -90.0, 0.2],
                         [-200.0, -160.0, 1.5], [60.0, 310.0, 0.8]])   # metres


def uvw_tracks(hour_angles, dec, lat, wavelength):
    u_all, v_all = [], []
    for a, b in combinations(range(len(ANTENNAS_ENU)), 2):
        e, n_, up = (ANTENNAS_ENU[b] - ANTENNAS_ENU[a]) / wavelength
        X = -np.sin(lat) * n_ + np.cos(lat) * up          # equatorial baseline components
        Y = e
        Z = np.cos(lat) * n_ + np.sin(lat) * up
        for H in hour_angles:
            u_all.append(np.sin(H) * X + np.cos(H) * Y)
            v_all.append(-np.sin(dec) * np.cos(H) * X + np.sin(dec) * np.sin(H) * Y + np.cos(dec) * Z)
    return np.array(u_all), np.array(v_all)


def model_visibilities(sources, u, v):
    V = np.zeros(len(u), dtype=complex)
    for k in range(sources.shape[0]):
        flux, l_as, m_as, log_fwhm = sources[k]
        l, m = l_as * ARCSEC, m_as * ARCSEC
        sigma = np.exp(log_fwhm) * ARCSEC / (2 * np.sqrt(2 * np.log(2)))
        envelope = np.exp(-2 * np.pi ** 2 * sigma ** 2 * (u ** 2 + v ** 2))
        V += flux * envelope * np.exp(-2j * np.pi * (u * l + v * m))
    return V


def visibility_chi2(sources, u, v, vis_obs, noise=0.05):
    resid = model_visibilities(sources, u, v) - vis_obs
    return np.sum(resid.real ** 2 + resid.imag ** 2) / noise ** 2 / len(u)


def visibility_inputs(rng):
    H = np.linspace(-1.0, 1.0, 12)
    u, v = uvw_tracks(H, dec=np.deg2rad(-30.0), lat=np.deg2rad(-23.0), wavelength=0.21)
    true = np.array([[1.2, 0.0, 0.0, np.log(20.0)], [0.6, 45.0, -30.0, np.log(40.0)], [0.3, -60.0, 25.0, np.log(15.0)]])
    vis = model_visibilities(true, u, v)
    vis = vis + 0.05 * (rng.standard_normal(len(u)) + 1j * rng.standard_normal(len(u)))
    return dict(sources=true + np.array([0.05, 2.0, -2.0, 0.1]) * rng.standard_normal(true.shape), u=u, v=v,
                vis_obs=vis)


# ----------------------------------------------- epidemiology: Reed-Frost chain binomials in households
def reed_frost_loglik(theta, sizes, chains):
    """chains[h, g] = cases in generation g of household h (generation 0: the primary cases)."""
    q_community = np.exp(-np.exp(theta[0]))      # probability of escaping community infection
    q_contact = expit(-theta[1])                 # probability of escaping one infectious housemate
    loglik = 0.0
    for h in range(len(sizes)):
        S = sizes[h] - chains[h, 0]
        I = chains[h, 0]
        g = 1
        while I > 0 and S > 0 and g < chains.shape[1]:
            p_inf = 1.0 - q_community * q_contact ** I
            new = chains[h, g]
            loglik += binom.logpmf(new, S, p_inf)
            S -= new
            I = new
            g += 1
    return -loglik


def reed_frost_inputs(rng):
    H, G_max = 60, 6
    sizes = rng.integers(2, 7, H)
    chains = np.zeros((H, G_max), dtype=int)
    for h in range(H):
        chains[h, 0] = 1
        S, I = sizes[h] - 1, 1
        for g in range(1, G_max):
            if I == 0 or S == 0:
                break
            new = rng.binomial(S, 1 - np.exp(-0.05) * 0.7 ** I)
            chains[h, g] = new
            S -= new
            I = new
    return dict(theta=np.array([np.log(0.04), 0.0]), sizes=sizes, chains=chains)


# ----------------------------------------------- chemical thermodynamics: NRTL bubble points, ethanol-water
ANTOINE = {"ethanol": (8.20417, 1642.89, 230.300), "water": (8.07131, 1730.63, 233.426)}   # mmHg, degC


def p_sat(T_c, species):
    A, B, C = ANTOINE[species]
    return 10.0 ** (A - B / (C + T_c))


def nrtl_gammas(x1, T_c, params, alpha=0.3):
    a12, b12, a21, b21 = params
    T = T_c + 273.15
    tau12 = a12 + b12 / T
    tau21 = a21 + b21 / T
    G12 = np.exp(-alpha * tau12)
    G21 = np.exp(-alpha * tau21)
    x2 = 1.0 - x1
    ln_g1 = x2 ** 2 * (tau21 * (G21 / (x1 + x2 * G21)) ** 2 + tau12 * G12 / (x2 + x1 * G12) ** 2)
    ln_g2 = x1 ** 2 * (tau12 * (G12 / (x2 + x1 * G12)) ** 2 + tau21 * G21 / (x1 + x2 * G21) ** 2)
    return np.exp(ln_g1), np.exp(ln_g2)


def bubble_point(x1, P_mmhg, params, T0=85.0, tol=1e-10, max_iter=50):
    """Bubble temperature by the secant method on the summed partial pressures."""
    def excess(T):
        g1, g2 = nrtl_gammas(x1, T, params)
        return x1 * g1 * p_sat(T, "ethanol") + (1 - x1) * g2 * p_sat(T, "water") - P_mmhg
    T_old, T = T0, T0 - 2.0
    f_old = excess(T_old)
    for _ in range(max_iter):
        f = excess(T)
        T_new = T - f * (T - T_old) / (f - f_old)
        T_old, f_old = T, f
        T = T_new
        if abs(T - T_old) < tol:
            break
    g1, _ = nrtl_gammas(x1, T, params)
    y1 = x1 * g1 * p_sat(T, "ethanol") / P_mmhg
    return T, y1


def vle_loss(params, x_liq, T_obs, y_obs, P_mmhg=760.0):
    loss = 0.0
    for k in range(len(x_liq)):
        T, y1 = bubble_point(x_liq[k], P_mmhg, params)
        loss += ((T - T_obs[k]) / 0.2) ** 2 + ((y1 - y_obs[k]) / 0.005) ** 2
    return loss / len(x_liq)


def vle_inputs(rng):
    x = np.array([0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9])
    true = np.array([-0.8, 246.0, 3.46, -586.0])
    pts = [bubble_point(xi, 760.0, true) for xi in x]
    T_obs = np.array([p[0] for p in pts]) + 0.1 * rng.standard_normal(len(x))
    y_obs = np.array([p[1] for p in pts]) + 0.003 * rng.standard_normal(len(x))
    return dict(params=true + np.array([0.1, -10.0, -0.1, 15.0]), x_liq=x, T_obs=T_obs, y_obs=y_obs)


# ----------------------------------------------- industrial organisation: Cournot equilibrium by Newton
def inverse_demand(Q, A, eta):
    return A * Q ** (-1.0 / eta)


def cournot_equilibrium(marg_cost, slope_cost, A, eta, q0, tol=1e-12, max_iter=50):
    """Solve P(Q) + q_i P'(Q) - c_i - d_i q_i = 0 for every firm i."""
    q = q0.copy()
    n = len(q)
    for it in range(max_iter):
        Q = np.sum(q)
        P = inverse_demand(Q, A, eta)
        dP = -P / (eta * Q)
        d2P = -dP * (1.0 / eta + 1.0) / Q
        F = P + q * dP - marg_cost - slope_cost * q
        J = np.empty((n, n))
        for i in range(n):
            for j in range(n):
                J[i, j] = dP + q[i] * d2P
            J[i, i] += dP - slope_cost[i]
        step = np.linalg.solve(J, F)
        q -= step
        if np.max(np.abs(step)) < tol:
            break
    return q


def cournot_loss(log_cost, log_eta, shares_obs, price_obs, A=120.0, slope_cost=np.array([0.02, 0.03, 0.02, 0.05])):
    c = np.exp(log_cost)
    eta = np.exp(log_eta)
    q = cournot_equilibrium(c, slope_cost, A, eta, q0=np.full(len(c), 10.0))
    Q = q.sum()
    shares = q / Q
    price = inverse_demand(Q, A, eta)
    return np.sum((shares - shares_obs) ** 2) / 1e-4 + ((price - price_obs) / price_obs) ** 2 / 1e-4


def cournot_inputs(rng):
    true_c, true_eta = np.log(np.array([8.0, 9.5, 10.0, 12.0])), np.log(1.6)
    q = cournot_equilibrium(np.exp(true_c), np.array([0.02, 0.03, 0.02, 0.05]), 120.0, np.exp(true_eta),
                            np.full(4, 10.0))
    shares = q / q.sum() + 0.003 * rng.standard_normal(4)
    price = inverse_demand(q.sum(), 120.0, np.exp(true_eta)) * (1 + 0.01 * rng.standard_normal())
    return dict(log_cost=true_c + 0.05 * rng.standard_normal(4), log_eta=true_eta + 0.05,
                shares_obs=shares, price_obs=price)


# ----------------------------------------------- synaptic physiology: Tsodyks-Markram short-term plasticity
def tm_amplitudes(spike_times, U, tau_rec, tau_fac, A):
    """Markram et al. (1998): u jumps by U (1 - u) at each spike, R is depleted by u R and recovers."""
    amps = []
    u = U
    R = 1.0
    for k in range(len(spike_times)):
        if k > 0:
            dt = spike_times[k] - spike_times[k - 1]
            R = 1.0 - (1.0 - R) * np.exp(-dt / tau_rec)
            u_decayed = u * np.exp(-dt / tau_fac)
            u = u_decayed + U * (1.0 - u_decayed)
        amps.append(A * u * R)
        R = R - u * R
    return np.array(amps)


def protocol_times(rate_hz, n_pulses=8, recovery_ms=500.0):
    isi = 1000.0 / rate_hz
    t = list(np.arange(n_pulses) * isi)
    t.append(t[-1] + recovery_ms)
    return np.array(t)


def stp_loss(theta, amps_obs, rates=(10.0, 20.0, 50.0)):
    U = expit(theta[0])
    tau_rec = np.exp(theta[1])
    tau_fac = np.exp(theta[2])
    A = np.exp(theta[3])
    loss = 0.0
    for c, rate in enumerate(rates):
        pred = tm_amplitudes(protocol_times(rate), U, tau_rec, tau_fac, A)
        loss += np.sum((pred - amps_obs[c]) ** 2)
    return loss


def stp_inputs(rng):
    true = np.array([-1.4, np.log(450.0), np.log(60.0), np.log(2.0)])
    obs = np.array([tm_amplitudes(protocol_times(r), expit(true[0]), np.exp(true[1]), np.exp(true[2]),
                                  np.exp(true[3])) for r in (10.0, 20.0, 50.0)])
    obs = obs + 0.02 * rng.standard_normal(obs.shape)
    return dict(theta=true + np.array([0.2, -0.2, 0.3, 0.1]), amps_obs=obs)


# ----------------------------------------------- power lines: catenaries of a multi-span line
SPANS = [(0.0, 0.0, 280.0, 12.0), (280.0, 12.0, 620.0, 5.0), (620.0, 5.0, 900.0, 20.0)]   # (x_a, z_a, x_b, z_b)
W_CABLE = 15.6   # N/m


def catenary_parameter(L, h, S, a0=200.0, tol=1e-12, max_iter=100):
    """Solve sqrt(S^2 - h^2) = 2 a sinh(L / 2a) for the catenary parameter a by Newton's method."""
    target = np.sqrt(S ** 2 - h ** 2)
    a = a0
    for _ in range(max_iter):
        s = np.sinh(L / (2 * a))
        f = 2 * a * s - target
        df = 2 * s - L / a * np.cosh(L / (2 * a))
        a_new = a - f / df
        if abs(a_new - a) < tol * a:
            a = a_new
            break
        a = a_new
    return a


def catenary_height(x, x_a, z_a, x_b, z_b, a):
    L = x_b - x_a
    h = z_b - z_a
    x0 = x_a + L / 2 - a * np.arcsinh(h / (2 * a * np.sinh(L / (2 * a))))   # lowest point
    return z_a + a * (np.cosh((x - x0) / a) - np.cosh((x_a - x0) / a))


def catenary_loss(lengths, survey_x, survey_z, span_of_point, tension_weight=1e-6):
    a_all = []
    for s, (x_a, z_a, x_b, z_b) in enumerate(SPANS):
        a_all.append(catenary_parameter(x_b - x_a, z_b - z_a, lengths[s]))
    loss = 0.0
    for k in range(len(survey_x)):
        s = span_of_point[k]
        x_a, z_a, x_b, z_b = SPANS[s]
        loss += (catenary_height(survey_x[k], x_a, z_a, x_b, z_b, a_all[s]) - survey_z[k]) ** 2
    for s in range(len(SPANS) - 1):      # suspension insulators: horizontal tensions should balance
        loss += tension_weight * (W_CABLE * (a_all[s] - a_all[s + 1])) ** 2
    return loss


def catenary_inputs(rng):
    true_len = np.array([282.0, 343.5, 283.2])
    xs, zs, span = [], [], []
    for s, (x_a, z_a, x_b, z_b) in enumerate(SPANS):
        a = catenary_parameter(x_b - x_a, z_b - z_a, true_len[s])
        for x in np.linspace(x_a + 20, x_b - 20, 6):
            xs.append(x)
            zs.append(catenary_height(x, x_a, z_a, x_b, z_b, a) + 0.05 * rng.standard_normal())
            span.append(s)
    return dict(lengths=true_len + np.array([0.3, -0.4, 0.2]), survey_x=np.array(xs), survey_z=np.array(zs),
                span_of_point=np.array(span))


# ----------------------------------------------- climate economics: a DICE-style integrated assessment
N_PERIODS = 20     # five-year steps
PHI_CARBON = np.array([[0.88, 0.196, 0.0], [0.12, 0.797, 0.001465], [0.0, 0.007, 0.998535]])


def exogenous_paths(n=N_PERIODS):
    pop, tfp, sigma, f_ex = [7403.0], [5.115], [0.35], []
    g_a, g_sig = 0.076, -0.0152
    for t in range(1, n):
        pop.append(pop[-1] * (11500.0 / pop[-1]) ** 0.134)
        tfp.append(tfp[-1] / (1.0 - g_a * np.exp(-0.005 * 5 * t)))
        sigma.append(sigma[-1] * np.exp(g_sig * 5 * (0.999 ** (5 * t))))
    for t in range(n):
        f_ex.append(0.5 + min(0.5, 0.5 * t / 17))
    return np.array(pop), np.array(tfp), np.array(sigma), np.array(f_ex)


POP, TFP, SIGMA_CO2, F_EX = exogenous_paths()


def dice_neg_welfare(mu_logit, s_logit, gamma=0.3, delta=0.1, elasmu=1.45, rho=0.015, psi=0.00236,
                     theta2=2.6, c1=0.1005, c3=0.088, c4=0.025, fco22x=3.6813, t2xco2=3.1):
    mu = expit(mu_logit)
    s = 0.15 + 0.15 * expit(s_logit)
    K = 223.0
    M = np.array([851.0, 460.0, 1740.0])
    T_at, T_lo = 1.1, 0.27
    welfare = 0.0
    for t in range(N_PERIODS):
        L = POP[t]
        Y = TFP[t] * K ** gamma * (L / 1000.0) ** (1 - gamma)
        E = SIGMA_CO2[t] * (1 - mu[t]) * Y + 2.6 * 0.885 ** t
        damage = 1.0 / (1.0 + psi * T_at ** 2)
        theta1 = 550.0 * (1 - 0.025) ** t * SIGMA_CO2[t] / theta2 / 1000.0
        Q = damage * (1.0 - theta1 * mu[t] ** theta2) * Y
        I = s[t] * Q
        c = 1000.0 * (Q - I) / L
        U = (c ** (1 - elasmu) - 1) / (1 - elasmu) - 1
        welfare += L * U / (1 + rho) ** (5 * t)
        K = (1 - delta) ** 5 * K + 5 * I
        M = PHI_CARBON @ M + np.array([5 * E / 3.666, 0.0, 0.0])
        F = fco22x * np.log2(M[0] / 588.0) + F_EX[t]
        T_at_new = T_at + c1 * (F - fco22x / t2xco2 * T_at - c3 * (T_at - T_lo))
        T_lo = T_lo + c4 * (T_at - T_lo)
        T_at = T_at_new
    return -welfare / 1e4


def dice_inputs(rng):
    return dict(mu_logit=np.linspace(-2.0, 1.0, N_PERIODS) + 0.1 * rng.standard_normal(N_PERIODS),
                s_logit=0.1 * rng.standard_normal(N_PERIODS))


# ----------------------------------------------- ocean waves: a JONSWAP spectrum by Whittle likelihood
def jonswap(f, Hs, Tp, gamma):
    """Goda's (1988) parameterisation in terms of significant wave height and peak period."""
    fp = 1.0 / Tp
    sigma = np.where(f <= fp, 0.07, 0.09)
    r = np.exp(-(f - fp) ** 2 / (2 * sigma ** 2 * fp ** 2))
    beta = 0.0624 / (0.230 + 0.0336 * gamma - 0.185 / (1.9 + gamma)) * (1.094 - 0.01915 * np.log(gamma))
    return beta * Hs ** 2 * Tp ** -4 * f ** -5 * np.exp(-1.25 * (Tp * f) ** -4) * gamma ** r


def welch_periodogram(eta, fs, seg_len=256):
    n_seg = (len(eta) - seg_len // 2) // (seg_len // 2)
    window = np.hanning(seg_len)
    scale = 1.0 / (fs * np.sum(window ** 2))
    acc = np.zeros(seg_len // 2 + 1)
    count = 0
    for k in range(n_seg):
        seg = eta[k * seg_len // 2: k * seg_len // 2 + seg_len]
        if len(seg) < seg_len:
            break
        seg = seg - seg.mean()
        X = np.fft.rfft(seg * window)
        acc += 2 * scale * np.abs(X) ** 2
        count += 1
    return np.fft.rfftfreq(seg_len, 1.0 / fs), acc / count


def jonswap_whittle(log_params, eta, fs=2.0, f_lo=0.05, f_hi=0.45):
    Hs, Tp, gamma = np.exp(log_params)
    freqs, I = welch_periodogram(eta, fs)
    sel = (freqs >= f_lo) & (freqs <= f_hi)
    S = jonswap(freqs[sel], Hs, Tp, gamma)
    return np.sum(np.log(S) + I[sel] / S)


def jonswap_inputs(rng):
    fs, n = 2.0, 4096
    t = np.arange(n) / fs
    f = np.linspace(0.03, 0.6, 400)
    df = f[1] - f[0]
    amp = np.sqrt(2 * jonswap(f, 2.5, 9.0, 3.3) * df)
    phase = rng.uniform(0, 2 * np.pi, len(f))
    eta = (amp[None, :] * np.cos(2 * np.pi * f[None, :] * t[:, None] + phase[None, :])).sum(axis=1)
    return dict(log_params=np.log(np.array([2.2, 9.6, 2.5])), eta=eta)


# ----------------------------------------------- vehicle engineering: an electric vehicle over a drive cycle
LOAD_PTS = np.array([0.0, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0])
ETA_MOTOR = np.array([0.70, 0.80, 0.86, 0.91, 0.94, 0.95, 0.94, 0.92])
SOC_PTS = np.array([0.0, 0.1, 0.2, 0.4, 0.6, 0.8, 0.9, 1.0])
OCV_CELL = np.array([3.0, 3.35, 3.5, 3.62, 3.75, 3.95, 4.05, 4.18])
P_MOTOR_MAX, P_REGEN_MAX, P_AUX = 150e3, 60e3, 600.0
N_SERIES, R_PACK, CAPACITY_AH = 96, 0.09, 180.0


def battery_current(params, speed, grade, dt=1.0, mass=1650.0, rho_air=1.2, eta_driveline=0.97):
    cda, crr, eta_regen = params
    acc = np.gradient(speed, dt)
    force = mass * acc + 0.5 * rho_air * cda * speed ** 2 + crr * mass * G * np.cos(grade) + mass * G * np.sin(grade)
    p_wheel = force * speed
    soc = 0.85
    current = np.zeros(len(speed))
    for k in range(len(speed)):
        p = p_wheel[k]
        eta_m = np.interp(abs(p) / P_MOTOR_MAX, LOAD_PTS, ETA_MOTOR)
        if p >= 0:
            p_batt = p / (eta_m * eta_driveline)
        else:
            p_batt = max(p * eta_m * eta_driveline * eta_regen, -P_REGEN_MAX)
        p_batt += P_AUX
        v_oc = N_SERIES * np.interp(soc, SOC_PTS, OCV_CELL)
        i = (v_oc - np.sqrt(v_oc ** 2 - 4 * R_PACK * p_batt)) / (2 * R_PACK)
        soc -= i * dt / (3600.0 * CAPACITY_AH)
        current[k] = i
    return current


def ev_fit_loss(params, speed, grade, current_obs):
    return np.mean((battery_current(params, speed, grade) - current_obs) ** 2)


def ev_inputs(rng):
    t = np.arange(600.0)
    speed = np.zeros(600)
    for start, dur, v in [(10, 120, 14.0), (150, 200, 24.0), (380, 60, 8.0), (460, 120, 31.0)]:
        ramp = np.clip((t - start) / 15.0, 0, 1) * np.clip((start + dur - t) / 12.0, 0, 1)
        speed += v * ramp
    speed += 0.3 * np.sin(t / 7.0) * (speed > 1)
    grade = 0.02 * np.sin(t / 90.0)
    true = np.array([0.62, 0.0095, 0.75])
    obs = battery_current(true, speed, grade) + 0.5 * rng.standard_normal(600)
    return dict(params=np.array([0.7, 0.011, 0.7]), speed=speed, grade=grade, current_obs=obs)


# ----------------------------------------------- reactor physics: point kinetics, six delayed groups, feedback
BETA_FRACTION = np.array([0.000215, 0.001424, 0.001274, 0.002568, 0.000748, 0.000273]) / 0.006502
DECAY_CONST = np.array([0.0124, 0.0305, 0.111, 0.301, 1.14, 3.01])


def point_kinetics(theta, rho_ext, dt=0.1, tau_cool=12.0):
    beta_tot = np.exp(theta[0])
    Lam = np.exp(theta[1])
    alpha_T = np.exp(theta[2])       # reactivity per kelvin
    heat_cap = np.exp(theta[3])      # kelvin per unit-power second
    beta = beta_tot * BETA_FRACTION
    n = 1.0
    C = beta / (Lam * DECAY_CONST)   # equilibrium precursors
    dT = 0.0
    power = []
    I7 = np.eye(7)
    for k in range(len(rho_ext)):
        rho = rho_ext[k] - alpha_T * dT
        A = np.zeros((7, 7))
        A[0, 0] = (rho - beta_tot) / Lam
        A[0, 1:] = DECAY_CONST
        A[1:, 0] = beta / Lam
        A[1:, 1:] = -np.diag(DECAY_CONST)
        x = np.linalg.solve(I7 - dt * A, np.concatenate(([n], C)))      # backward Euler
        n, C = x[0], x[1:]
        dT += dt * (heat_cap * (n - 1.0) - dT / tau_cool)
        power.append(n)
    return np.array(power)


def kinetics_loss(theta, rho_ext, power_obs):
    return np.sum((np.log(point_kinetics(theta, rho_ext)) - np.log(power_obs)) ** 2)


def kinetics_inputs(rng):
    t = np.arange(400) * 0.1
    rho = np.where(t > 2.0, 0.0012, 0.0) - np.where(t > 25.0, 0.0015, 0.0)
    true = np.array([np.log(0.0065), np.log(4e-5), np.log(2e-4), np.log(1.5)])
    obs = point_kinetics(true, rho) * np.exp(0.01 * rng.standard_normal(400))
    return dict(theta=true + np.array([0.05, 0.2, -0.1, 0.1]), rho_ext=rho, power_obs=obs)


# ----------------------------------------------- discrete choice: mixed logit, simulated likelihood, Halton draws
def halton(n, base):
    seq = np.zeros(n)
    for i in range(n):
        f, r, k = 1.0, 0.0, i + 1
        while k > 0:
            f /= base
            r += f * (k % base)
            k //= base
        seq[i] = r
    return seq


def mixed_logit_sll(theta, X, choice, draws):
    N, J, K = X.shape
    mean = theta[:K]
    sd = np.exp(theta[K:])
    beta = mean + sd * draws                              # (N, R, K)
    util = np.einsum("njk,nrk->nrj", X, beta)
    util -= util.max(axis=2, keepdims=True)
    prob = np.exp(util) / np.exp(util).sum(axis=2, keepdims=True)
    p_chosen = prob[np.arange(N), :, choice]              # (N, R)
    return -np.sum(np.log(p_chosen.mean(axis=1)))


def mixed_logit_inputs(rng):
    N, J, K, R = 150, 4, 3, 50
    X = rng.standard_normal((N, J, K))
    primes = [2, 3, 5]
    draws = np.stack([norm.ppf(halton(N * R + 10, primes[k])[10:]).reshape(N, R) for k in range(K)], axis=2)
    b = np.array([1.0, -0.5, 0.8]) + np.array([0.5, 0.3, 0.0]) * rng.standard_normal((N, 1, K))
    u = np.einsum("njk,nrk->nj", X, b) + rng.gumbel(size=(N, J))
    return dict(theta=np.array([0.8, -0.4, 0.6, np.log(0.4), np.log(0.4), np.log(0.2)]), X=X,
                choice=np.argmax(u, axis=1), draws=draws)


# ----------------------------------------------- Gaussian-process classification: Laplace's method
def gpc_laplace_neg_evidence(log_params, X, y, tol=1e-10, max_iter=100):
    """Rasmussen & Williams, Algorithms 3.1-3.2 (logistic likelihood, y in {-1, +1})."""
    ell, sf = np.exp(log_params)
    n = len(y)
    sq = np.sum(X ** 2, axis=1)
    d2 = sq[:, None] + sq[None, :] - 2 * X @ X.T
    K = sf ** 2 * np.exp(-0.5 * np.maximum(d2, 0.0) / ell ** 2) + 1e-8 * np.eye(n)
    t = (y + 1) / 2
    f = np.zeros(n)
    for it in range(max_iter):
        pi = expit(f)
        W = pi * (1 - pi)
        sW = np.sqrt(W)
        B = np.eye(n) + sW[:, None] * K * sW[None, :]
        L = np.linalg.cholesky(B)
        b = W * f + (t - pi)
        a = b - sW * cho_solve((L, True), sW * (K @ b))
        f_new = K @ a
        if np.max(np.abs(f_new - f)) < tol:
            f = f_new
            break
        f = f_new
    pi = expit(f)
    W = pi * (1 - pi)
    sW = np.sqrt(W)
    L = np.linalg.cholesky(np.eye(n) + sW[:, None] * K * sW[None, :])
    a = t - pi
    log_lik = -np.sum(np.logaddexp(0.0, -y * f))
    return 0.5 * a @ K @ a - log_lik + np.sum(np.log(np.diag(L)))


def gpc_inputs(rng):
    n = 40
    X = rng.uniform(-3, 3, size=(n, 2))
    p = expit(2.0 * np.sin(X[:, 0]) + X[:, 1])
    y = np.where(rng.random(n) < p, 1.0, -1.0)
    return dict(log_params=np.log(np.array([1.2, 1.5])), X=X, y=y)


# ----------------------------------------------- bioinformatics: soft Needleman-Wunsch, learning substitutions
AMINO = "ACDEFGHIKLMNPQRSTVWY"
HOMOLOGS = [("MKTAYIAKQRQISFVK", "MKTAYLAKQRQISFIK"), ("GSHMLEDPVAGKTV", "GSHMIEDPVSGKTV"),
            ("PEPTIDEKLNRW", "PEPSIDEKLNKW"), ("HEAGAWGHEE", "HEAGAWGYEE")]
DECOYS = [("MKTAYIAKQRQISFVK", "WCRDNHLEPGFSTQYA"), ("GSHMLEDPVAGKTV", "YRNWQCFKEITSMA"),
          ("PEPTIDEKLNRW", "ACYWFHGMQSRT"), ("HEAGAWGHEE", "PAWHEAEGCS")]


def encode(seq):
    return np.array([AMINO.index(ch) for ch in seq])


PAIRS_POS = [(encode(a), encode(b)) for a, b in HOMOLOGS]
PAIRS_NEG = [(encode(a), encode(b)) for a, b in DECOYS]


def soft_nw_score(S, a, b, gap, gamma=0.5):
    n, m = len(a), len(b)
    D = np.zeros((n + 1, m + 1))
    D[1:, 0] = gap * np.arange(1, n + 1)
    D[0, 1:] = gap * np.arange(1, m + 1)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            options = np.array([D[i - 1, j - 1] + S[a[i - 1], b[j - 1]], D[i - 1, j] + gap, D[i, j - 1] + gap])
            D[i, j] = gamma * logsumexp(options / gamma)
    return D[n, m]


def alignment_margin_loss(S_raw, gap, margin=5.0, l2=0.01):
    S = 0.5 * (S_raw + S_raw.T)
    loss = 0.0
    for (a, b), (c, d) in zip(PAIRS_POS, PAIRS_NEG):
        gain = soft_nw_score(S, a, b, gap) - soft_nw_score(S, c, d, gap)
        loss += np.logaddexp(0.0, margin - gain)
    return loss + l2 * np.sum(S ** 2)


def alignment_inputs(rng):
    return dict(S_raw=np.eye(20) * 2.0 - 0.5 + 0.1 * rng.standard_normal((20, 20)), gap=-1.5)


PROGRAMS = [
    dict(name="pdd_glacier_mass_balance", f=glacier_mb_loss, inputs=glacier_inputs, wrt=("params",)),
    dict(name="terzaghi_consolidation_series", f=consolidation_loss, inputs=consolidation_inputs, wrt=("theta",)),
    dict(name="line_by_line_absorption_cell", f=absorption_fit_loss, inputs=absorption_inputs, wrt=("params",)),
    dict(name="standard_step_backwater", f=backwater_loss, inputs=backwater_inputs, wrt=("params",)),
    dict(name="sellmeier_pulse_fft", f=sellmeier_pulse_loss, inputs=sellmeier_inputs, wrt=("B",)),
    dict(name="minimum_snap_time_allocation", f=min_snap_time_loss, inputs=min_snap_inputs, wrt=("log_T",)),
    dict(name="cressie_variogram_bincount", f=cressie_variogram_loss, inputs=variogram_inputs, wrt=("params", "z")),
    dict(name="piecewise_exponential_survival", f=pwe_nll, inputs=pwe_inputs, wrt=("beta", "log_lambda")),
    dict(name="gat_edge_softmax_maximum_at", f=gat_loss, inputs=gat_inputs,
         wrt=("W1", "a1_src", "a1_dst", "W2", "a2_src", "a2_dst")),
    dict(name="maf_made_masks", f=maf_nll, inputs=maf_inputs, wrt=("layers",)),
    dict(name="iwae_bound_einsum", f=iwae_loss, inputs=iwae_inputs, wrt=("enc_W", "enc_b", "dec_W", "dec_b")),
    dict(name="etas_space_time", f=etas_nll, inputs=etas_inputs, wrt=("theta",)),
    dict(name="interferometer_visibilities", f=visibility_chi2, inputs=visibility_inputs, wrt=("sources",)),
    dict(name="reed_frost_households", f=reed_frost_loglik, inputs=reed_frost_inputs, wrt=("theta",)),
    dict(name="nrtl_bubble_point_secant", f=vle_loss, inputs=vle_inputs, wrt=("params",)),
    dict(name="cournot_newton_equilibrium", f=cournot_loss, inputs=cournot_inputs, wrt=("log_cost", "log_eta")),
    dict(name="tsodyks_markram_stp", f=stp_loss, inputs=stp_inputs, wrt=("theta",)),
    dict(name="catenary_multispan_newton", f=catenary_loss, inputs=catenary_inputs, wrt=("lengths",)),
    dict(name="dice_climate_economy", f=dice_neg_welfare, inputs=dice_inputs, wrt=("mu_logit", "s_logit")),
    dict(name="jonswap_whittle_welch", f=jonswap_whittle, inputs=jonswap_inputs, wrt=("log_params",)),
    dict(name="ev_drive_cycle_current", f=ev_fit_loss, inputs=ev_inputs, wrt=("params",)),
    dict(name="point_kinetics_delayed_groups", f=kinetics_loss, inputs=kinetics_inputs, wrt=("theta",)),
    dict(name="mixed_logit_halton", f=mixed_logit_sll, inputs=mixed_logit_inputs, wrt=("theta",)),
    dict(name="gpc_laplace_newton", f=gpc_laplace_neg_evidence, inputs=gpc_inputs, wrt=("log_params",)),
    dict(name="soft_needleman_wunsch", f=alignment_margin_loss, inputs=alignment_inputs, wrt=("S_raw", "gap")),
]
