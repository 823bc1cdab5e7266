"""Small programs for what the eighth held-out corpus (benchmarks/real_programs/heldout8.py) found
adjit refusing; each written as a NumPy user writes it. test_heldout8.py runs them."""
import numpy as np
from scipy.special import comb, exp1, expi


# ------------------------------------------- a tuple default joined to a tuple literal (crop stages)
def tuple_default_concat(kc, x, stages=(3, 4, 2)):
    bounds = np.cumsum((0,) + stages)
    days = np.arange(bounds[-1] + 1)
    kc_day = np.interp(days, bounds, np.concatenate([kc, kc[-1:]]))
    return np.sum(kc_day * x[: len(days)]) + len(stages + (1,)) * kc[0]


def tuple_argument_concat(w, sizes):
    edges = (0,) + sizes + (sizes[0],)
    return np.sum(w * np.cumsum(edges)[1:]) + w[0] * len(sizes * 2)


# ------------------------------------------- a row written from a tuple of numbers (Wilson-Cowan trace)
def row_from_tuple(w, n=6):
    trace = np.zeros((n, 2))
    E, I = 0.1, 0.05
    for t in range(n):
        E, I = E + 0.2 * np.tanh(w[0] * E - w[1] * I), I + 0.1 * np.tanh(w[2] * E)
        trace[t] = E, I
    trace[0, :] = [w[0], 1.0]
    return np.sum(trace[:, 0] * trace[:, 1]) + np.sum(trace ** 2)


# ------------------------------------------- scipy.special.comb of an int array (NMR multiplets)
def comb_pascal_rows(J, x):
    lines = np.array([0.0])
    weights = np.array([1.0])
    for Jk, n in [(J[0], 2), (J[1], 3)]:
        offsets = (np.arange(n + 1) - n / 2.0) * Jk
        pascal = comb(n, np.arange(n + 1))
        lines = (lines[:, None] + offsets[None, :]).ravel()
        weights = (weights[:, None] * pascal[None, :]).ravel()
    spectrum = np.sum(weights[:, None] / (1 + (x[None, :] - lines[:, None]) ** 2), axis=0)
    return np.sum(spectrum ** 2) + np.sum(comb(4, np.arange(-1, 7)) * J[0])


# ------------------------------------------- the exponential integrals (Theis well function)
def theis_exp1(log_T, log_S, r, t):
    T, S = np.exp(log_T), np.exp(log_S)
    u = r[:, None] ** 2 * S / (4 * T * t[None, :])
    s = 100.0 / (4 * np.pi * T) * exp1(u)
    return np.sum(s ** 2) + expi(0.5 + S) + exp1(T)


# ------------------------------------------- a helper taking **kwargs, passed on with ** (RK4 with options)
def _rhs(y, a, b=1.0):
    return -a * y + b * np.sin(np.roll(y, 1))


def _rk4(f, y, dt, **kw):
    k1 = f(y, **kw)
    k2 = f(y + 0.5 * dt * k1, **kw)
    k3 = f(y + 0.5 * dt * k2, **kw)
    k4 = f(y + dt * k3, **kw)
    return y + dt * (k1 + 2 * k2 + 2 * k3 + k4) / 6


def _scaled(x, scale=1.0, **extra):
    out = scale * x
    if "shift" in extra:
        out = out + extra["shift"]
    return np.sum(out ** 2) + len(extra)


def kwargs_helper_rk4(y0, log_p):
    a, b = np.exp(log_p)
    y = y0.copy()
    for _ in range(4):
        y = _rk4(_rhs, y, 0.1, a=a, b=b)
    opts = {"scale": a, "shift": y0[0]}
    return np.sum(y ** 2) + _scaled(y, **opts) + _scaled(y, shift=b, other=1.0)


# ------------------------------------------- a new axis on a boolean-mask selection (distance sampling)
def masked_newaxis_outer(beta, d, size, w=60.0):
    keep = d <= w
    x = d[keep]
    sigma = np.exp(beta[0] + beta[1] * np.log(size[keep]))
    mids = np.linspace(0.5, w - 0.5, 30)
    esw = np.sum(np.exp(-mids[None, :] ** 2 / (2 * sigma[:, None] ** 2)), axis=1)  # one per selected row
    ll = -x ** 2 / (2 * sigma ** 2) - np.log(esw)
    return -np.sum(ll) + np.sum(1.0 / esw)


def masked_newaxis_rows(X, m):
    sel = X[m > 0]
    outer = sel[:, None, :] * sel[:, :, None]
    return np.sum(outer) + np.sum(sel[..., None, 1] ** 2) + np.sum(sel[:, 0][:, None] * np.ones((1, 4)))


def _draws(n, seed):
    return np.random.default_rng(seed).standard_normal(n)


# ------------------------------------------- module-level objects and their methods (Hueckel molecules)
class _Molecule:
    def __init__(self, n_atoms, bonds, hetero=None):
        self.n_atoms = n_atoms
        self.bonds = bonds
        self.hetero = hetero or {}

    def hamiltonian(self, alpha, beta, h):
        H = np.zeros((self.n_atoms, self.n_atoms))
        for atom in range(self.n_atoms):  # unrolled: the dict is looked up by the iteration's int
            kind = self.hetero.get(atom)
            H[atom, atom] = alpha + (h[kind] * beta if kind is not None else 0.0)
        for i, j in self.bonds:
            H[i, j] = H[j, i] = beta
        return H

    def energies(self, alpha, beta, h):
        return np.linalg.eigvalsh(self.hamiltonian(alpha, beta, h))


_CHAIN = [(0, 1), (1, 2), (2, 3)]
MOLECULES = [_Molecule(4, _CHAIN), _Molecule(4, _CHAIN, {3: "O"}),
             _Molecule(6, [(i, (i + 1) % 6) for i in range(6)], {0: "N"})]


def global_objects_methods(ab, hp):
    h = {"N": hp[0], "O": hp[1]}
    loss = 0.0
    for m, mol in enumerate(MOLECULES):
        e = mol.energies(ab[0], ab[1], h)
        loss += (m + 1) * e[mol.n_atoms // 2 - 1] ** 2
        if mol.hetero:
            atom = list(mol.hetero)[0]
            first = next((k for k in mol.hetero), None)
            loss += (atom + first) * e[0]
    return loss


def truthiness_and_next(x, opts=None):
    opts = opts or {}
    extra = {"a": 2.0} if not opts else opts
    tags = [None, "b", "c"]
    tag = next((t for t in tags if t is not None), "z")
    key = next(iter(extra))
    return np.sum(x) * extra.get("a", 1.0) * (2.0 if tag == "b" else 1.0) + extra.get("q", 0.5) * x[0] + len(key)


# ------------------------------------------- np.gradient with coordinates, per-axis spacings and edge_order=2
def gradient_coordinates(f, log_dx):
    x = np.cumsum(np.exp(log_dx))  # non-uniform, differentiated coordinates
    g1 = np.gradient(f, x)
    g2 = np.gradient(f, x, edge_order=2)
    g3 = np.gradient(f, log_dx[0] ** 2 + 0.5, edge_order=2)
    return np.sum(g1 ** 2) + np.sum(np.sin(g2)) + np.sum(g3 * f)


def gradient_axes(F, x):
    gy, gx = np.gradient(F, 0.5, x)
    return np.sum(gy * gx) + np.sum(np.gradient(F, axis=1) ** 2)


# ------------------------------------------- sum() of array items over an array's entries (a polynomial class)
class _Poly:
    def __init__(self, c):
        self.c = c

    def __call__(self, x):
        return sum(ci * x ** i for i, ci in enumerate(self.c))


def sum_of_array_items(c, x, W):
    p = _Poly(c)
    return np.sum(p(x) ** 2) + np.sum(sum(np.tanh(w * x[:3]) for w in W) ** 2)


# ------------------------------------------- a dict's items written in a loop (optimizer state, a config)
def dict_items_in_loops(p):
    state = {"m": np.zeros(3), "v": np.ones(3), "t": 0}
    for k in range(4):
        g = p * (k + 1)
        state["m"] = 0.9 * state["m"] + 0.1 * g
        state["v"] = 0.99 * state["v"] + 0.01 * g ** 2
        state["t"] += 1
    s = {"x": p[0], "y": p[1], "name": "a"}
    snap = dict(s)
    it = 0
    while it < 5:
        if s["x"] > 0.5:
            s["x"] = s["x"] * 0.8
        else:
            s["x"] = s["x"] + 0.1 * s["y"]
        s["y"] = s["y"] - 0.05 * _dict_read(s)
        it += 1
    return np.sum(state["m"] / np.sqrt(state["v"])) * state["t"] + s["x"] ** 2 + s["y"] + 3 * snap["x"]


def _dict_read(d):
    return d["x"] * 2.0


def dict_copies_and_spread(p):
    o = {"a": p[0], "b": 2.0}
    tot = 0.0
    for i in range(3):
        c = dict(o)
        o["a"] = _ab(**o)
        tot = tot + c["a"]
    return tot + o["a"]


def _ab(a, b):
    return a * b - a ** 2


def dict_rebound_in_loop(p):  # the name bound to a new dict each iteration: unrolled (a known trip count)
    s = {"a": p[0]}
    t = 0.0
    for i in range(3):
        t = t + s["a"]
        s = {"a": s["a"] * 2 + 1.0}
    return t + s["a"]


# ------------------------------------------- global objects that refer to each other (a tree with parent links)
class _Node:
    def __init__(self, w, parent=None):
        self.w = w
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)

    def weight(self, x):
        return self.w * np.sum(x ** 2) + (self.parent.w * x[0] if self.parent is not None else 0.0)


TREE_ROOT = _Node(2.0)
TREE_KID = _Node(3.0, TREE_ROOT)


def global_objects_linked(x):
    return TREE_KID.weight(x) + TREE_KID.parent.w * x[1] + TREE_ROOT.weight(x)


# ------------------------------------------- np.histogram with weights, density and given edges (binned fits)
def histogram_binned(w, x):
    h, edges = np.histogram(x, bins=4, weights=w ** 2)
    d, e = np.histogram(x, bins=5, density=True)  # through the range: the data's min and max
    c, _ = np.histogram(x, bins=np.array([0.0, 0.3, 0.5, 1.0]), weights=w)
    n, _ = np.histogram(x, bins=3, range=(0.2, 0.8))
    return np.sum(h * np.arange(4)) + np.sum(d * np.arange(5)) + np.sum(e) + np.sum(c ** 2) + np.sum(n * w[:3])


CASES = [  # the first compiles with Numba (the runtime's exp1/expi kernels); the rest run lowered
    (theis_exp1, lambda: (np.log(2.0), np.log(0.3), np.array([1.0, 2.5]), np.array([0.5, 1.0, 3.0])), (0, 1)),
    (tuple_default_concat, lambda: (np.array([0.3, 1.1, 0.6]), np.linspace(1.0, 2.0, 12)), (0, 1)),
    (tuple_argument_concat, lambda: (np.linspace(0.5, 1.5, 4), (2, 3, 1)), (0,)),
    (row_from_tuple, lambda: (np.array([1.2, 0.8, 1.5]),), (0,)),
    (comb_pascal_rows, lambda: (np.array([0.7, 0.3]), np.linspace(-2, 2, 9)), (0, 1)),
    (masked_newaxis_outer, lambda: (np.array([np.log(18.0), 0.2]), np.abs(25 * _draws(20, 1)) + 40 * (np.arange(20) % 5 == 0),
                                    1.0 + np.arange(20) % 4), (0,)),
    (masked_newaxis_rows, lambda: (_draws(18, 2).reshape(6, 3), _draws(6, 3)), (0,)),
    (global_objects_methods, lambda: (np.array([-6.6, -2.6]), np.array([0.5, 1.0])), (0, 1)),
    (truthiness_and_next, lambda: (np.linspace(0.5, 1.5, 3),), (0,)),
    (gradient_coordinates, lambda: (np.sin(np.linspace(0, 3, 7)), np.log(np.linspace(0.5, 1.2, 7))), (0, 1)),
    (gradient_axes, lambda: (np.outer(np.arange(1.0, 5.0), np.linspace(-1, 1, 6)) ** 2,
                             np.cumsum(np.linspace(0.5, 1.2, 6))), (0, 1)),
    (sum_of_array_items, lambda: (np.array([0.5, -1.0, 0.3]), np.linspace(-1, 1, 5), np.arange(12.0).reshape(4, 3) / 10),
     (0, 1, 2)),
    (dict_items_in_loops, lambda: (np.array([0.9, 0.4, -0.3]),), (0,)),
    (dict_copies_and_spread, lambda: (np.array([0.3, -0.5]),), (0,)),
    (dict_rebound_in_loop, lambda: (np.array([0.3, -0.5]),), (0,)),
    (global_objects_linked, lambda: (np.array([0.3, -0.5, 1.1]),), (0,)),
    (histogram_binned, lambda: (np.linspace(-1.0, 1.2, 12), np.random.default_rng(7).uniform(size=12)), (0, 1)),
    (kwargs_helper_rk4, lambda: (np.array([0.5, 1.0, -0.3]), np.log([0.7, 1.3])), (0, 1)),
]
IDS = [c[0].__name__ for c in CASES]
