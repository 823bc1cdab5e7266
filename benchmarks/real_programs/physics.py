"""Physics and simulation: pair potentials, lattices, images, integrators, PDE residuals."""
import numpy as np


def nbody_energy(pos, masses, G=1.0, softening=0.01):
    n = len(masses)
    energy = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            r = np.sqrt(np.sum((pos[i] - pos[j]) ** 2) + softening ** 2)
            energy -= G * masses[i] * masses[j] / r
    return energy


def nbody_inputs(rng):
    return dict(pos=rng.standard_normal((8, 3)), masses=rng.uniform(0.5, 2.0, 8))


def lennard_jones(positions, epsilon=1.0, sigma=1.0):
    diff = positions[:, np.newaxis, :] - positions[np.newaxis, :, :]
    r2 = np.sum(diff ** 2, axis=-1)
    n = positions.shape[0]
    iu = np.triu_indices(n, k=1)
    r2 = r2[iu]
    sr6 = (sigma ** 2 / r2) ** 3
    return np.sum(4 * epsilon * (sr6 ** 2 - sr6))


def lj_inputs(rng):
    grid = np.array([[i, j, k] for i in range(2) for j in range(2) for k in range(2)], dtype=float) * 1.2
    return dict(positions=grid + 0.05 * rng.standard_normal(grid.shape))


def molecular_springs(coords, bonds, rest_lengths, angles, theta0, k_bond=100.0, k_angle=10.0):
    E = 0.0
    for (i, j), r0 in zip(bonds, rest_lengths):
        d = np.linalg.norm(coords[i] - coords[j])
        E += 0.5 * k_bond * (d - r0) ** 2
    for n in range(len(angles)):
        i, j, k = angles[n]
        u = coords[i] - coords[j]
        v = coords[k] - coords[j]
        cos_t = np.dot(u, v) / (np.linalg.norm(u) * np.linalg.norm(v))
        theta = np.arccos(np.clip(cos_t, -1.0, 1.0))
        E += 0.5 * k_angle * (theta - theta0[n]) ** 2
    return E


def springs_inputs(rng):
    coords = np.cumsum(rng.standard_normal((6, 3)), axis=0)
    bonds = np.array([[0, 1], [1, 2], [2, 3], [3, 4], [4, 5]])
    angles = np.array([[0, 1, 2], [1, 2, 3], [2, 3, 4], [3, 4, 5]])
    return dict(coords=coords, bonds=bonds, rest_lengths=np.full(5, 1.5), angles=angles, theta0=np.full(4, 1.9))


def ising_energy(spins, J=1.0, h=0.1):
    """Continuous-spin Ising/XY-like lattice energy with periodic boundaries via np.roll."""
    s = np.tanh(spins)
    neighbours = np.roll(s, 1, axis=0) + np.roll(s, -1, axis=0) + np.roll(s, 1, axis=1) + np.roll(s, -1, axis=1)
    return -0.5 * J * np.sum(s * neighbours) - h * np.sum(s)


def ising_inputs(rng):
    return dict(spins=rng.standard_normal((8, 8)))


def potts_energy(logits, J=1.0):
    """Mean-field Potts model: soft one-hot states per site, neighbour agreement, entropy."""
    p = np.exp(logits - logits.max(axis=-1, keepdims=True))
    p = p / p.sum(axis=-1, keepdims=True)
    agree = np.sum(p * np.roll(p, 1, axis=0)) + np.sum(p * np.roll(p, 1, axis=1))
    entropy = -np.sum(p * np.log(p + 1e-12))
    return -J * agree - entropy


def potts_inputs(rng):
    return dict(logits=rng.standard_normal((5, 5, 3)))


def tv_denoise(u, f, lam=0.1, eps=1e-3):
    dx = np.diff(u, axis=1)
    dy = np.diff(u, axis=0)
    tv = np.sum(np.sqrt(dx[:-1, :] ** 2 + dy[:, :-1] ** 2 + eps ** 2))
    return 0.5 * np.sum((u - f) ** 2) + lam * tv


def tv_inputs(rng):
    f = np.zeros((10, 10))
    f[3:7, 3:7] = 1.0
    f = f + 0.1 * rng.standard_normal((10, 10))
    return dict(u=f.copy(), f=f)


def oscillator_euler(params, x0, v0, observed, dt=0.05):
    k, c = params
    x, v = x0, v0
    xs = []
    for t in range(len(observed)):
        a = -k * x - c * v
        x = x + dt * v
        v = v + dt * a
        xs.append(x)
    xs = np.array(xs)
    return np.sum((xs - observed) ** 2)


def oscillator_inputs(rng):
    t = np.arange(40) * 0.05
    return dict(params=np.array([4.0, 0.3]), x0=1.0, v0=0.0, observed=np.cos(2.1 * t) * np.exp(-0.1 * t))


def lotka_volterra_rk4(theta, y0, data, dt=0.1):
    def f(y):
        prey, pred = y[0], y[1]
        alpha, beta, delta, gamma = theta
        return np.array([alpha * prey - beta * prey * pred, delta * prey * pred - gamma * pred])

    y = y0
    loss = 0.0
    for step in range(data.shape[0]):
        k1 = f(y)
        k2 = f(y + dt / 2 * k1)
        k3 = f(y + dt / 2 * k2)
        k4 = f(y + dt * k3)
        y = y + dt / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
        loss += np.sum((np.log(y) - np.log(data[step])) ** 2)
    return loss


def lv_inputs(rng):
    return dict(theta=np.array([1.0, 0.4, 0.3, 0.8]), y0=np.array([2.0, 1.0]),
                data=np.exp(rng.normal(0.5, 0.3, (20, 2))))


def pendulum_leapfrog(q0, p0, length, n_steps=50, dt=0.05, g=9.81):
    q, p = q0, p0
    for _ in range(n_steps):
        p = p - 0.5 * dt * g / length * np.sin(q)
        q = q + dt * p
        p = p - 0.5 * dt * g / length * np.sin(q)
    energy = 0.5 * p ** 2 - g / length * np.cos(q)
    return energy + q ** 2


def pendulum_inputs(rng):
    return dict(q0=0.5, p0=0.1, length=1.3)


def pinn_poisson_1d(w1, b1, w2, x, dx=1e-2):
    """Residual of u'' = -sin(x) for a tiny network u, second derivative by central differences."""
    def u(z):
        return np.tanh(np.outer(z, w1) + b1) @ w2

    u_xx = (u(x + dx) - 2 * u(x) + u(x - dx)) / dx ** 2
    residual = u_xx + np.sin(x)
    bc = u(np.array([0.0, np.pi]))
    return np.mean(residual ** 2) + np.sum(bc ** 2)


def pinn_inputs(rng):
    return dict(w1=rng.standard_normal(6), b1=rng.standard_normal(6), w2=0.3 * rng.standard_normal(6),
                x=np.linspace(0, np.pi, 20))


def heat_equation_inverse(kappa, u0, u_obs, n_steps=40, dt=0.1):
    """Explicit finite differences with a spatially varying diffusivity; fit to an observed profile."""
    u = u0.copy()
    for _ in range(n_steps):
        lap = np.zeros_like(u)
        lap[1:-1] = u[2:] - 2 * u[1:-1] + u[:-2]
        u = u + dt * kappa * lap
    return np.sum((u - u_obs) ** 2)


def heat_inputs(rng):
    x = np.linspace(0, 1, 20)
    return dict(kappa=np.full(20, 0.3) + 0.05 * rng.random(20), u0=np.exp(-50 * (x - 0.5) ** 2),
                u_obs=np.exp(-20 * (x - 0.5) ** 2) * 0.6)


def spring_chain_dynamics(k, masses, x0, target, dt=0.02, steps=30):
    """A chain of masses joined by springs, symplectic Euler, fit the final positions."""
    n = len(masses)
    x = x0.copy()
    v = np.zeros(n)
    for step in range(steps):
        stretch = np.diff(x) - 1.0
        force = np.zeros(n)
        force[:-1] += k * stretch
        force[1:] -= k * stretch
        v = v + dt * force / masses
        x = x + dt * v
    return np.sum((x - target) ** 2)


def chain_inputs(rng):
    return dict(k=np.full(5, 10.0) + rng.random(5), masses=np.ones(6), x0=np.arange(6) * 1.1,
                target=np.arange(6) * 1.0)


PROGRAMS = [
    dict(name="nbody_energy", f=nbody_energy, inputs=nbody_inputs, wrt=("pos", "masses")),
    dict(name="lennard_jones", f=lennard_jones, inputs=lj_inputs, wrt=("positions",)),
    dict(name="molecular_springs", f=molecular_springs, inputs=springs_inputs, wrt=("coords",)),
    dict(name="ising_roll", f=ising_energy, inputs=ising_inputs, wrt=("spins",)),
    dict(name="potts_mean_field", f=potts_energy, inputs=potts_inputs, wrt=("logits",)),
    dict(name="tv_denoise", f=tv_denoise, inputs=tv_inputs, wrt=("u",)),
    dict(name="oscillator_euler", f=oscillator_euler, inputs=oscillator_inputs, wrt=("params", "x0", "v0")),
    dict(name="lotka_volterra_rk4", f=lotka_volterra_rk4, inputs=lv_inputs, wrt=("theta", "y0")),
    dict(name="pendulum_leapfrog", f=pendulum_leapfrog, inputs=pendulum_inputs, wrt=("q0", "p0", "length")),
    dict(name="pinn_poisson_1d", f=pinn_poisson_1d, inputs=pinn_inputs, wrt=("w1", "b1", "w2")),
    dict(name="heat_equation_inverse", f=heat_equation_inverse, inputs=heat_inputs, wrt=("kappa", "u0")),
    dict(name="spring_chain", f=spring_chain_dynamics, inputs=chain_inputs, wrt=("k", "x0")),
]
