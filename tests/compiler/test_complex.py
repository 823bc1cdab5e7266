"""Complex numbers in differentiated programs (compiler/frontend/complexvals.py, complexcalls.py):
each complex value is a pair of real IR values, so values are NumPy's and gradients follow from
the real rules. Values and gradients against NumPy and central differences, forward mode, the
real programs' shapes (biquad, FIR, AC power flow, VQE), and the located refusals."""
from functools import reduce

import numpy as np
import pytest

import adjit
from adjit import AdjitError
from tests.conftest import family_tests, fd_check, run_grad, run_jvp


def arith(x, y):
    z = x + 2j * y
    w = z * z.conj() + z / (1.5 - 0.5j * x) - (3 + 1j) * z + 1 / z
    return np.sum(w.real + 2 * w.imag)


def exp_abs_angle(x, y):
    z = np.exp(1j * x) * (x + 1j)
    return np.sum(np.abs(z) + np.angle(x + 1j * y) + np.abs(x - 2j * y) ** 2 + np.angle(z, deg=True) / 90)


def sqrt_log(x, y):
    z = x + 1j * (y + 0.5)
    return np.sum(np.sqrt(z).imag + np.log(z).real + np.log10(z).imag + np.real(np.sqrt(-z)) + np.log2(z * 1j).imag)


def powers(x, y):
    z = 0.5 * x + 1j * y
    return np.sum((z ** 3).real + (z ** -2).imag + np.imag(z ** 0.5) + np.real(2.0 ** (1j * x)) + np.real(z ** 0))


def trig_where(x, y):
    z = x - 1j * y
    w = np.where(x > 0.5, np.sin(z), np.cos(z) * 2)
    return np.sum(w.real * w.imag) + np.sum(np.square(z).imag)


def products(x, y):
    a = np.reshape(x + 1j * y, (2, 3))
    b = np.reshape(np.exp(1j * y), (3, 2))
    m = a @ b + np.kron(a[:, :2], np.eye(2)) [:2, :2] + np.outer(a[0], b[:, 1])[:2, :2]
    v = np.vdot(a, a) + np.dot(a[1], b[:, 0]) + np.einsum("ij,jk->ik", a, b)[0, 1]
    return np.sum(np.abs(m)) + v.real + np.inner(a[0], a[1]).imag + (a.T @ a.conj())[1, 2].imag


def shapes(x, y):
    z = np.reshape(x + 1j * y, (2, 3))
    s = np.mean(z, axis=0) + z.sum(axis=0) + z.T[:, 1] + z.reshape(-1)[::2] + np.cumsum(z[0])
    t = np.stack([z[0], 2 * z[1]]) + np.concatenate([z[:, :1], z[:, 1:]], axis=1)
    u = np.array([[z[0, 0], 1.0], [1j, z[1, 2]]])
    return np.sum(s.real - s.imag) + np.abs(t).sum() + np.sum(u.imag) + z.shape[0] + len(z) + z.ndim


def writes(x, y):
    H = np.zeros(len(x), dtype=complex)
    for k in range(len(x)):
        H[k] = np.exp(1j * x[k]) * y[k]
    H[0] += 1j * x[1]
    H[1:3] = H[1:3] * (1 - 1j)
    G = np.ones_like(H) * 2
    G -= H
    return np.sum(np.abs(H) + G.imag)


def carried(x, y):
    z = 1.0 + 0j
    for k in range(len(x)):
        z = z * (x[k] + 1j * y[k]) / 2
    w = x[0] + 0j
    for k in range(3):
        if x[k] > 0.5:
            w = w * 1j + y[k]
        else:
            w = w.conj() - 1j
    return z.real + z.imag ** 2 + w.real - w.imag


def thin_film(x, y):  # B, C = M @ v: a complex vector unpacked into names
    M = np.zeros((2, 2), dtype=complex)
    M[0, 0] = np.cos(x[0]); M[1, 1] = np.cos(2 * x[0]); M[0, 1] = 1j * np.sin(x[0]) / y[1]; M[1, 0] = 1j * y[1] * np.sin(x[0])
    B, C = M @ np.array([1.0, y[1]])
    return np.abs((B - C) / (B + 2 * C)) ** 2


def spectra(x, y):  # np.fft / scipy.fft as DFT products (frontend/fft.py)
    import scipy.fft as sf
    X = np.fft.fft(x * y[0])
    R = np.fft.rfft(x * np.hanning(x.size))
    back = np.fft.irfft(R * np.exp(-0.3 * np.arange(R.size)))
    z = np.fft.ifft(X * 1j)
    M = np.stack([x, x ** 2 + 0.05])
    Y = sf.fft(M, axis=0, norm="ortho") + np.fft.ifft2(np.fft.fft2(M * y[1]) * 1j)
    padded = np.sum(np.abs(np.fft.fft2(M, s=(3, 8)))) + np.sum(np.fft.irfft(np.fft.rfft(x, n=9)[:3], n=7) ** 2)
    return (np.sum(np.abs(X) ** 2 * np.fft.fftfreq(x.size, d=0.1) ** 2) + np.sum(np.abs(R)) + np.sum(back ** 3)
            + np.sum(z.real * np.arange(x.size)) + np.sum(np.abs(np.fft.fftshift(X)) * np.arange(x.size))
            + np.sum(np.abs(Y) ** 2) + padded)


_PARTS = [(1, 2, "R"), (2, 0, "C"), (2, 0, "R")]  # a global list of records zipped with an array: unrolled


def nodal(x, y):  # a complex nodal admittance matrix solved (the real system of twice the size)
    Y = np.zeros((2, 2), dtype=complex)
    Y[0, 0] += 1.0 / 50.0
    for (a, b, kind), val in zip(_PARTS, x[:3] + 1.0):
        adm = 1.0 / val if kind == "R" else 1j * 3.0 * val
        if a > 0:
            Y[a - 1, a - 1] += adm
        if b > 0:
            Y[b - 1, b - 1] += adm
        if a > 0 and b > 0:
            Y[a - 1, b - 1] -= adm
            Y[b - 1, a - 1] -= adm
    V = np.linalg.solve(Y, np.array([1.0 / 50.0, 0.0]) * y[0] + 0.1j * y[1])
    return np.abs(V[-1]) + np.sum(np.linalg.solve(Y, np.eye(2) * y[2]).imag)


def _rotation(t):
    return np.array([[np.exp(-0.5j * t), 0], [0, np.exp(0.5j * t)]]) @ \
        np.array([[np.cos(t / 2), -np.sin(t / 2)], [np.sin(t / 2), np.cos(t / 2)]], dtype=complex)


def vqe(thetas, H):
    psi = np.zeros(4, dtype=complex)
    psi[0] = 1.0
    for layer in range(thetas.shape[0]):
        U = reduce(np.kron, [_rotation(thetas[layer, q]) for q in range(2)])
        psi = U @ psi
        psi = np.array([1.0, 1.0, 1.0, -1.0]) * psi
    return np.real(np.conj(psi) @ H @ psi) + np.vdot(psi, psi).real


def biquad(params, w, target):
    z1 = np.exp(-1j * w)
    H = np.exp(params[0]) * np.ones_like(z1)
    for s in range(2):
        r, t = params[1 + 2 * s], params[2 + 2 * s]
        num = 1 - 2 * r * np.cos(t) * z1 + r ** 2 * z1 ** 2
        H = H * num / (1 - 0.5 * z1)
    return np.mean((20 * np.log10(np.abs(H)) - target) ** 2)


def fir(h, freqs):
    H = np.exp(-1j * np.outer(freqs, np.arange(len(h)))) @ h
    return np.sum((np.abs(H) - 0.5) ** 2)


def _two_node(v, w):
    Y = np.zeros((2, 2), dtype=complex)
    Y[0, 0] += 1.0 / v[0] + 1j * w * v[1]
    Y[1, 1] += 1.0 / v[2]
    Y[0, 1] -= 1j * w * v[1]
    Y[1, 0] -= 1j * w * v[1]
    return np.linalg.solve(Y, np.array([1.0 + 0j, 0.0]))[-1]


def sweep_comprehension(v, freqs):
    """np.array of a comprehension of complex items over an array (run-time length): a complex
    array filled as its two real parts."""
    H = np.array([_two_node(v, 2 * np.pi * f) for f in freqs])
    G = np.array([np.exp(1j * f * v[0]) * v[1] for f in freqs])
    return np.mean(np.abs(H) ** 2) + np.mean(np.angle(H) ** 2) + np.sum(G.real * G.imag)


def power_flow(Vm, theta, Ybus, S_load):
    V = Vm * np.exp(1j * theta)
    S = V * np.conj(Ybus @ V)
    S_gen = np.zeros(len(Vm), dtype=complex)
    S_gen[np.array([0, 1])] = Vm[:2] + 1j * theta[:2]
    mismatch = S - (S_gen - S_load)
    return np.sum(np.real(mismatch) ** 2 + np.imag(mismatch) ** 2)


def _xy():
    r = np.random.default_rng(3)
    return [r.uniform(0.2, 1.2, 6), r.uniform(0.2, 1.2, 6)]


def _ybus():
    r = np.random.default_rng(4)
    Y = r.standard_normal((3, 3)) + 1j * r.standard_normal((3, 3))
    return [1.0 + 0.02 * r.standard_normal(3), 0.1 * r.standard_normal(3), Y + Y.T, np.array([0.1j, 0.2 + 0.1j, 0.3])]


def _hamiltonian():
    X = np.array([[0, 1], [1, 0]], dtype=complex)
    Z = np.array([[1, 0], [0, -1]], dtype=complex)
    return -np.kron(Z, Z) - 0.7 * (np.kron(X, np.eye(2)) + np.kron(np.eye(2), X)) + 0.1j * np.kron(X, Z) \
        - 0.1j * np.kron(X, Z).T


CASES = [(arith, _xy, (0, 1)), (exp_abs_angle, _xy, (0, 1)), (sqrt_log, _xy, (0, 1)), (powers, _xy, (0, 1)),
         (trig_where, _xy, (0, 1)), (products, _xy, (0, 1)), (shapes, _xy, (0, 1)), (writes, _xy, (0, 1)),
         (carried, _xy, (0, 1)), (thin_film, _xy, (0, 1)), (spectra, _xy, (0, 1)),
         (nodal, _xy, (0, 1)),
         (biquad, lambda: [np.array([0.1, 0.8, 1.0, 0.5, 2.0]), np.linspace(0.1, 3.0, 16), np.zeros(16)], (0,)),
         (fir, lambda: [np.linspace(0.1, 0.5, 5), np.linspace(0.0, 3.0, 12)], (0,)),
         (sweep_comprehension, lambda: [np.array([1.1, 0.7, 1.3]), np.linspace(0.5, 2.0, 7)], (0,))]
IDS = [c[0].__name__ for c in CASES]
test_gradient, test_forward = family_tests(CASES, IDS, every=len(CASES))  # one Numba compile: arith


def _lowered(fun, args, wrt, mode, extra=()):
    """The lowered module of `mode` run as plain Python (conftest's run_grad / run_jvp) on the
    arguments as the driver binds them: a complex array is two real leaves."""
    import re

    from adjit.compiler.jit import CompiledFunction, workspace_args

    c = CompiledFunction(fun, tuple(wrt), mode=mode)
    text = re.sub(r"^_jit = numba\.njit\(.*\)$", "_jit = lambda fn: fn", c.source(*args, lowered=True), flags=re.M)
    ns: dict = {"__name__": "adjit_test_complex_lowered"}
    exec(compile(text, "<lowered>", "exec"), ns)
    f = ns[c.entry_name]
    return f(*c._bind(tuple(args), {}), *extra, *workspace_args(f))


@pytest.mark.parametrize("fun,make,wrt", [
    (vqe, lambda: [0.3 * np.random.default_rng(5).standard_normal((2, 2)), _hamiltonian()], (0,)),
    (power_flow, _ybus, (0, 1))], ids=["vqe", "power_flow"])
def test_complex_data_arguments(fun, make, wrt):
    args = make()
    out = _lowered(fun, args, wrt, "value_and_grad")
    assert np.isclose(out[0], fun(*args), rtol=1e-12)
    fd_check(fun, args, wrt, out[1:])
    v = [np.random.default_rng(k).standard_normal(np.shape(args[i])) for k, i in enumerate(wrt)]
    value, tangent = _lowered(fun, args, wrt, "jvp", extra=v)
    assert np.isclose(value, fun(*args), rtol=1e-12)
    assert np.isclose(tangent, sum(np.sum(g * t) for g, t in zip(out[1:], v)), rtol=1e-9, atol=1e-12)


def test_source_reads_as_real_parts():
    src = adjit.grad(fir).source(*CASES[-1][1]())
    code = [line for line in src.splitlines() if not line.lstrip().startswith("#")]
    assert "    H_re = np.cos(_t0) @ h" in code and "    H_im = np.sin(_t0) @ h" in code
    assert not any("1j" in line or "complex" in line for line in code)


def test_hessian_and_jvp():
    x, y = _xy()
    H = adjit.hessian(fir)(x[:4], y)
    h = 1e-5
    g = lambda x: run_grad(fir, [x, y], (0,))[1][0]  # noqa: E731
    fd = np.array([(g(x[:4] + h * e) - g(x[:4] - h * e)) / (2 * h) for e in np.eye(4)])
    np.testing.assert_allclose(H, fd, rtol=1e-5, atol=1e-7)
    v = np.linspace(-1, 1, 6)
    value, tangent = run_jvp(arith, (x, y), (0,), (v,))
    assert np.isclose(value, arith(x, y))
    assert np.isclose(tangent, (arith(x + h * v, y) - arith(x - h * v, y)) / (2 * h), rtol=1e-6)


def _complex_wrt(Y):
    return np.sum(np.abs(Y))


def _complex_return(x):
    return np.sum(x) * 1j


def _eig(x):
    return np.sum(np.linalg.eigvals(np.outer(x, x) * 1j).real)


def _fft(x):
    return np.sum(np.abs(np.fft.fftn(np.outer(x, x) + 0j)))


def _compare(x):
    z = x + 1j
    return np.sum(np.where(z > 0, x, 0.0))


def _maximum(x):
    return np.sum(np.maximum(x * 1j, 0.0).real)


def _sort(x):
    return np.sum(np.sort(x * 1j).imag)


@pytest.mark.parametrize("fun,args,wrt,says", [
    (_complex_wrt, [np.ones(3) + 1j], 0, "complex and differentiated"),
    (_complex_return, [np.ones(3)], 0, "must be real"),
    (_eig, [np.ones(3)], 0, "complex"),
    (_fft, [np.ones(3)], 0, "np.fft.fftn"),
    (_compare, [np.ones(3)], 0, "complex"),
    (_maximum, [np.ones(3)], 0, "complex"),
    (_sort, [np.ones(3)], 0, "complex"),
], ids=["wrt", "return", "eig", "fft", "compare", "maximum", "sort"])
def test_located_errors(fun, args, wrt, says):
    with pytest.raises(AdjitError) as e:
        adjit.grad(fun, wrt=wrt)(*args)
    assert says in str(e.value) and e.value.loc is not None


def test_complex_data_argument_scalar_and_float32():
    def f(x, c, Y):
        return np.sum(np.abs(Y @ (x * c)))

    x = np.array([0.5, 1.5])
    Y = (np.eye(2) + 1j * np.ones((2, 2))).astype(np.complex64)
    g = adjit.grad(f)(x, 2 - 1j, Y)
    h = 1e-3
    fd = np.array([(f(x + h * e, 2 - 1j, Y) - f(x - h * e, 2 - 1j, Y)) / (2 * h) for e in np.eye(2)])
    np.testing.assert_allclose(g, fd, rtol=1e-3)
