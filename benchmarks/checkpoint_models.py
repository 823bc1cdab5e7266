"""A long simulation for the checkpointing measurement: 8 coupled damped pendulums, explicit Euler."""
import numpy as np


def coupled_pendulums(k, c, coupling, x0, n):
    x = x0 * 1.0
    v = np.zeros(x0.shape[0])
    dt = 1e-3
    total = 0.0
    for i in range(n):
        spring = coupling * x
        acc = -k * np.sin(x) - c * v - spring + coupling * np.mean(x)
        x = x + dt * v
        v = v + dt * acc
        total = total + np.sum(x * x) * dt
    return total
