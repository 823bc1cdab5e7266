"""Small programs for what the eleventh held-out corpus (benchmarks/real_programs/heldout11.py) found
adjit refusing or getting wrong; each written as a NumPy user writes it. test_heldout11.py runs them."""
import numpy as np


# ------------------------ a number that the loop's first iteration makes an array (Sellmeier's sum)
def sellmeier_zip(x, B, C):
    lam2 = x ** 2
    n2 = 1.0
    for Bi, Ci in zip(B, C):
        n2 = n2 + Bi * lam2 / (lam2 - Ci)
    return np.sum(np.sqrt(n2))


def basis_sum_augmented(x, w):
    total = 0
    for k in range(3):
        total += w[k] * x ** k
    return np.sum(total ** 2)


def outer_accumulator_with_if(x, w):
    acc = 0.0
    for k in range(1, 4):
        if w[k - 1] > 0:
            acc = acc + w[k - 1] * np.outer(x, x ** k)
        else:
            acc = acc - np.outer(x, x) * w[k - 1]
    return np.sum(np.tanh(acc))


def nested_peel(x, w):
    s = 0.0
    for i in range(2):
        inner = 0.0
        for j in range(3):
            inner = inner + w[j] * np.sin(x * (i + j + 1))
        s = s + (i + 1) * inner ** 2
    return np.sum(s)


def first_assigned_in_loop(x, w):
    y = 0.0
    for k in range(len(w)):
        y = y * 0.5 + w[k] * x
        last = y[0]
    return np.sum(y) + last


# ---------------------------------- np.bincount of boolean-mask selections (an empirical variogram's bins)
def binned_semivariance(z, h, edges):
    nb = len(edges) - 1
    b = np.digitize(h, edges) - 1
    ok = (b >= 0) & (b < nb)
    counts = np.bincount(b[ok], minlength=nb)
    gamma = np.bincount(b[ok], weights=0.5 * z[ok] ** 2, minlength=nb) / np.maximum(counts, 1)
    return np.sum(gamma * np.arange(1, nb + 1))


def bincount_selected_positional(w, idx):
    keep = w > 0.1
    return np.sum(np.bincount(idx[keep], w[keep] ** 2, 4) * np.array([1.0, 2.0, 3.0, 4.0]))


# ------------------------ np.maximum.at / minimum.at / multiply.at (a segment softmax over an edge list)
def segment_softmax_maximum_at(e, dst):
    n = 4
    e_max = np.full(n, -np.inf)
    np.maximum.at(e_max, dst, e)
    w = np.exp(e - e_max[dst])
    den = np.zeros(n)
    np.add.at(den, dst, w)
    return np.sum((w / den[dst]) * np.arange(len(e)))


def rows_min_multiply_at(e, dst):
    dst = dst % 3
    m = np.zeros(3)
    np.maximum.at(m, dst, e ** 2)
    p = np.ones((3, 2))
    np.multiply.at(p, dst, np.stack([e, e + 1.0], axis=1))
    q = np.full((2, 3), 5.0)
    np.minimum.at(q, (dst % 2, dst), e)
    return np.sum(m * np.array([1.0, 2.0, 3.0])) + np.sum(p) + np.sum(q ** 2)


# ------------------------------------- list(x) grown by .append (a spike train and its recovery probe)
def list_of_array_appended(x, isi):
    t = list(np.arange(4) * isi[0])
    t.append(t[-1] + 5.0)
    return np.sum(np.exp(-np.array(t) * x[0]))


def list_of_array_appended_in_loops(x, isi):
    t = list(np.arange(4) * isi[0])
    t[0] = t[0] + x[1]
    for k in range(2):
        t.append(t[-1] + 5.0 * x[1])
    k = 0
    while k < int(isi[1]):
        t.append(t[-1] * 0.5)
        k += 1
    return np.sum(np.exp(-np.array(t) * x[0]))


# ------------------- a module-level table of tuples indexed by an int computed at run time (SPANS[s])
SPANS = [(0.0, 0.0, 280.0, 12.0), (280.0, 12.0, 620.0, 5.0), (620.0, 5.0, 900.0, 20.0)]
GAINS = [[1.0, 2], [0.5, 3], [2.0, 1]]


def table_rows_at_run_time(x, idx):
    s = 0.0
    for k in range(len(idx)):
        xa, za, xb, zb = SPANS[idx[k]]
        row = SPANS[idx[k]] + (x[k],)
        g, n = GAINS[idx[k]]
        s += x[k] ** 2 * (xb - xa) / 100.0 + za * row[4] + g * x[k] ** n
    return s


# ------------------ np.convolve with a kernel whose length is computed from the data (an instrument line shape)
def convolve_kernel_sized_from_data(x, fwhm, dnu):
    half = int(3 * fwhm[0] / dnu[0])
    grid = dnu[0] * np.arange(-half, half + 1)
    k = np.exp(-0.5 * (grid / fwhm[1]) ** 2)
    k /= k.sum()
    y = np.convolve(np.sin(x) * x, k, mode="same")
    z = np.convolve(x, k, "valid")
    return np.sum(y[2:-2] ** 2 * np.arange(len(y) - 4)) + np.sum(z ** 3) + np.sum(np.convolve(k, x[:3]))


# ------------------------------------------ slice objects bound to names (inner = slice(20, n - 20))
def slice_objects(x, k):
    inner = slice(2, len(x) - 2)
    every = slice(None, None, 2)
    lo = slice(int(k[0]), int(k[0]) + 3)
    y = x[inner] ** 2
    z = np.zeros_like(x)
    z[every] = x[every] * 3.0
    w = x.reshape(2, 5)[:, slice(1, 4)]
    return np.sum(y) + np.sum(z ** 2) + np.sum(x[lo] ** 3) + np.sum(w * 2) + np.sum(x[slice(3)])


CASES = [
    (sellmeier_zip, lambda: (np.linspace(0.5, 1.5, 7), np.array([1.03, 0.23, 1.01]),
                             np.array([0.006, 0.02, 103.5])), (0, 1)),
    (basis_sum_augmented, lambda: (np.linspace(-1.0, 1.5, 5), np.array([0.3, -0.7, 0.4])), (0, 1)),
    (outer_accumulator_with_if, lambda: (np.array([0.2, -0.4, 0.6]), np.array([0.5, -0.3, 0.8])), (0, 1)),
    (nested_peel, lambda: (np.linspace(0.1, 0.9, 4), np.array([0.5, -0.3, 0.8])), (0, 1)),
    (first_assigned_in_loop, lambda: (np.linspace(0.1, 0.9, 4), np.array([0.5, -0.3, 0.8])), (0, 1)),
    (binned_semivariance, lambda: (np.sin(np.arange(30.0)), np.linspace(0.0, 10.0, 30), np.linspace(1.0, 9.0, 5)),
     (0,)),
    (bincount_selected_positional, lambda: (np.array([0.5, -0.2, 0.9, 0.3, 0.05, 1.2]), np.array([0, 3, 1, 3, 2, 0])),
     (0,)),
    (segment_softmax_maximum_at, lambda: (np.array([0.3, -0.5, 1.2, 0.7, 0.1, -0.9]), np.array([0, 1, 1, 2, 3, 2])),
     (0,)),
    (list_of_array_appended, lambda: (np.array([0.3, 0.8]), np.array([0.7, 3.0])), (0, 1)),
    (list_of_array_appended_in_loops, lambda: (np.array([0.3, 0.8]), np.array([0.7, 3.5])), (0, 1)),
    (table_rows_at_run_time, lambda: (np.array([0.5, 0.2, -0.3]), np.array([2, 0, 1])), (0,)),
    (convolve_kernel_sized_from_data, lambda: (np.linspace(0.0, 3.0, 12), np.array([0.25, 0.2]), np.array([0.1])),
     (0, 1)),
    (convolve_kernel_sized_from_data, lambda: (np.linspace(0.0, 3.0, 12), np.array([0.55, 0.3]), np.array([0.1])),
     (0, 1)),
    (slice_objects, lambda: (np.linspace(0.1, 1.0, 10), np.array([4.5])), (0,)),
    (rows_min_multiply_at, lambda: (np.array([0.3, -0.5, 1.2, 0.7, 0.1, -0.9]), np.array([0, 1, 1, 2, 3, 2])),
     (0,)),
]

IDS = [f"{c[0].__name__}_{k}" for k, c in enumerate(CASES)]
