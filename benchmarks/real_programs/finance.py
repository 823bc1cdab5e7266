"""Quantitative finance: option pricing, path simulation, portfolios, volatility models."""
import math

import numpy as np
from scipy.special import erf
from scipy.stats import norm


def black_scholes_calibration(sigma, S, K, T, r, market_prices):
    """Squared pricing error of European calls, the normal CDF written with erf."""
    def N(x):
        return 0.5 * (1 + erf(x / np.sqrt(2)))

    d1 = (np.log(S / K) + (r + 0.5 * sigma ** 2) * T) / (sigma * np.sqrt(T))
    d2 = d1 - sigma * np.sqrt(T)
    call = S * N(d1) - K * np.exp(-r * T) * N(d2)
    return np.sum((call - market_prices) ** 2)


def bs_inputs(rng):
    K = np.linspace(80, 120, 9)
    return dict(sigma=np.full(9, 0.2) + 0.02 * rng.random(9), S=100.0, K=K, T=0.5, r=0.01,
                market_prices=np.maximum(100.0 - K, 0) + 5.0)


def black_scholes_norm_cdf(S, sigma, K, T, r):
    """A call book's value with scipy.stats.norm.cdf, as finance code usually writes it."""
    d1 = (np.log(S / K) + (r + sigma ** 2 / 2) * T) / (sigma * np.sqrt(T))
    d2 = d1 - sigma * np.sqrt(T)
    prices = S * norm.cdf(d1) - K * np.exp(-r * T) * norm.cdf(d2)
    return prices.sum()


def bs_cdf_inputs(rng):
    return dict(S=100.0, sigma=0.25, K=np.linspace(90, 110, 5), T=np.array([0.25, 0.5, 1.0, 1.5, 2.0]), r=0.02)


def heston_paths(params, S0, Z1, Z2, strike, T=1.0):
    """Euler simulation of the Heston model with fixed normal draws; the call price by Monte Carlo."""
    kappa, theta, xi, rho, v0 = params
    n_paths, n_steps = Z1.shape
    dt = T / n_steps
    S = np.full(n_paths, S0)
    v = np.full(n_paths, v0)
    for t in range(n_steps):
        W1 = Z1[:, t]
        W2 = rho * Z1[:, t] + np.sqrt(1 - rho ** 2) * Z2[:, t]
        v_pos = np.maximum(v, 0.0)
        S = S * np.exp(-0.5 * v_pos * dt + np.sqrt(v_pos * dt) * W1)
        v = v + kappa * (theta - v_pos) * dt + xi * np.sqrt(v_pos * dt) * W2
    payoff = np.maximum(S - strike, 0.0)
    return np.mean(payoff)


def heston_inputs(rng):
    return dict(params=np.array([2.0, 0.04, 0.3, -0.7, 0.04]), S0=100.0, Z1=rng.standard_normal((200, 12)),
                Z2=rng.standard_normal((200, 12)), strike=100.0)


def portfolio_mean_variance(weights, returns, risk_aversion=3.0):
    w = np.exp(weights) / np.sum(np.exp(weights))
    mu = returns.mean(axis=0)
    cov = np.cov(returns, rowvar=False)
    return -(w @ mu) + 0.5 * risk_aversion * w @ cov @ w


def portfolio_inputs(rng):
    return dict(weights=np.zeros(6), returns=0.01 + 0.05 * rng.standard_normal((60, 6)))


def garch_nll(omega, alpha, beta, returns):
    n = len(returns)
    sigma2 = np.zeros(n)
    sigma2[0] = np.var(returns)
    for t in range(1, n):
        sigma2[t] = omega + alpha * returns[t - 1] ** 2 + beta * sigma2[t - 1]
    return 0.5 * np.sum(np.log(2 * math.pi * sigma2) + returns ** 2 / sigma2)


def garch_inputs(rng):
    return dict(omega=0.05, alpha=0.1, beta=0.85, returns=rng.standard_normal(50))


def asian_option(sigma, r, S0, K, Z, T=1.0):
    n_paths, n_steps = Z.shape
    dt = T / n_steps
    increments = (r - 0.5 * sigma ** 2) * dt + sigma * math.sqrt(dt) * Z
    log_paths = np.log(S0) + np.cumsum(increments, axis=1)
    average = np.exp(log_paths).mean(axis=1)
    return math.exp(-r * T) * np.mean(np.maximum(average - K, 0))


def asian_inputs(rng):
    return dict(sigma=0.3, r=0.02, S0=100.0, K=95.0, Z=rng.standard_normal((100, 20)))


def nelson_siegel(beta, log_tau, maturities, yields):
    tau = np.exp(log_tau)
    x = maturities / tau
    loading1 = (1 - np.exp(-x)) / x
    loading2 = loading1 - np.exp(-x)
    fitted = beta[0] + beta[1] * loading1 + beta[2] * loading2
    return np.sum((fitted - yields) ** 2)


def ns_inputs(rng):
    m = np.array([0.25, 0.5, 1, 2, 3, 5, 7, 10, 20, 30], dtype=float)
    return dict(beta=np.array([0.04, -0.02, 0.01]), log_tau=np.log(2.0), maturities=m,
                yields=0.03 + 0.01 * np.log1p(m) / 4 + 0.001 * rng.standard_normal(10))


def cvar_portfolio(w, scenarios, alpha=0.95):
    """Smoothed expected shortfall of a long-only portfolio (softplus in place of the hinge)."""
    w = np.abs(w) / np.sum(np.abs(w))
    losses = -scenarios @ w
    var = np.quantile(losses, alpha)
    excess = np.log1p(np.exp(50 * (losses - var))) / 50
    return var + np.mean(excess) / (1 - alpha)


def cvar_inputs(rng):
    return dict(w=rng.uniform(0.5, 1.5, 5), scenarios=0.02 * rng.standard_normal((100, 5)))


PROGRAMS = [
    dict(name="black_scholes_erf", f=black_scholes_calibration, inputs=bs_inputs, wrt=("sigma",)),
    dict(name="black_scholes_norm_cdf", f=black_scholes_norm_cdf, inputs=bs_cdf_inputs, wrt=("S", "sigma", "K", "T")),
    dict(name="heston_paths", f=heston_paths, inputs=heston_inputs, wrt=("params",)),
    dict(name="portfolio_mean_variance", f=portfolio_mean_variance, inputs=portfolio_inputs, wrt=("weights",)),
    dict(name="garch_nll", f=garch_nll, inputs=garch_inputs, wrt=("omega", "alpha", "beta")),
    dict(name="asian_option_mc", f=asian_option, inputs=asian_inputs, wrt=("sigma", "r", "S0")),
    dict(name="nelson_siegel", f=nelson_siegel, inputs=ns_inputs, wrt=("beta", "log_tau")),
    dict(name="cvar_portfolio", f=cvar_portfolio, inputs=cvar_inputs, wrt=("w",)),
]
