"""Small programs for the third batch of fuzzer gaps (valid NumPy that adjit refused with a located
error); test_gaps3.py runs them through the lowered module as plain Python (no Numba compile)."""
import numpy as np


# ---------------------------------------------------------- max/min/sum of a comprehension of run-time length
def fold_deferred_list(W, x):
    ys = [np.sum(row * x) for row in W]
    return max(ys) + 2.0 * min(ys) + sum(ys)


def fold_generator(W, x):
    return max(np.sum(row * x) for row in W) - min([np.sum(np.sin(row) * x) for row in W])


def fold_filtered(W, x):
    ys = [np.sum(row * x) for row in W if row[0] > 0]
    return max(ys)


def fold_rows(W, x):
    ys = [row * x for row in W]
    return max(ys)


# ---------------------------------------------------------- a walrus inside a filtered comprehension
def walrus_static_filter(x):
    ys = [y * x[0] for v in (0.3, 1.2, 0.9) if (y := v * 2) > 1]
    return sum(ys) * y


def walrus_run_time_filter(x):
    return sum([y for v in (x[0], x[1], x[2]) if (y := v * 2) > 1])


def walrus_carried(W, x):
    y = 0.5
    t = sum([y * 3 for v in W[0] if (y := v * x[0]) > 0.1])
    return t + y


def walrus_read_after_deferred(x):
    ys = [y * 3 for k in range(3) if (y := x[k] ** 2) > 0.5]
    return sum(ys) + y


def filtered_list_used(x):
    ys = [v * 2 for v in x if v > 0]
    s = ys[0] + ys[-1] * len(ys) + (1.0 if ys else 0.0) + np.sum(ys)
    for k, y in enumerate(ys):
        s += k * y ** 2
    return s


def stacked_filtered(X):
    return np.sum(np.stack([r * 2 for r in X if r[0] > 0], axis=1) * np.arange(3.0)[:, None])


def max_default(x):
    out = []
    for v in x:
        if v < 1.0:
            out.append(v)
    ys = [v for v in x if v > 0]
    return (max(out, default=0.0) + min([v ** 2 for v in x if v > 0.3], default=-1.0)
            + max(ys, key=lambda v: (v - 0.5) ** 2, default=0.0) + max([], default=x[0]))


def max_default_several(x):
    return max(x[0], x[1], default=0.0)


def scalar_newaxis(x):
    s = np.sum(x ** 2)
    return (np.sum(np.dot(x, x)[None] * x) + np.sum(s[None, None] * np.ones((2, 2))) + s[...] * 2
            + np.sum(s[..., None] * x) + np.sum(np.float64(3.0)[None] * x))


def ufunc_out(X):
    Y = np.zeros_like(X)
    np.add(Y, X ** 2, out=Y)
    for i in range(X.shape[0]):
        np.tanh(X[i], out=Y[i, :])
    np.clip(Y, -0.5, 0.5, out=Y)
    c = np.empty_like(X)
    c = np.multiply(X, Y, out=c)
    z = np.zeros(X.shape[1])
    np.multiply(X[0], 3.0, out=z, where=X[0] > 0)
    np.exp(z, out=z)
    C = np.empty((X.shape[0], X.shape[0]))
    np.matmul(X, Y.T, out=C)
    return np.sum(Y * X) + np.sum(c) + np.sum(z) + np.sum(C ** 2)


def ufunc_out_fancy(x):
    a = np.zeros((2, 4))
    np.exp(x, out=a[[0, 1]])
    return np.sum(a)


def ufunc_out_cast(x):
    k = np.zeros(4, dtype=np.int64)
    np.add(x, 1.0, out=k)
    return np.sum(x * k)


def bool_list_index(X):
    y = X[0].copy()
    y[[True, False, True]] = 0.0
    y[[False, True, True]] += 1.0
    return np.sum(X[1][[True, False, True]] ** 2) + np.sum(X[:, [True, False, True]] ** 3) + np.sum(y * X[0])


def bool_list_index_short(X):
    return np.sum(X[0][[True, False]])


def ufunc_out_expression(x):
    np.exp(x, out=x + 1.0)
    return np.sum(x)


def ufunc_out_number(x):
    s = 0.0
    np.exp(x[0], out=s)
    return s


def nested_pairs(X):
    pairs = [X[i] - X[j] for i in range(len(X)) for j in range(i + 1, len(X))]
    return sum(np.sum(p ** 2) for p in pairs) + np.sum(np.array([a * b for a in X[0] for b in X[1]]))


# ---------------------------------------------------------- a NumPy bool known when compiled, as a condition
FLAG = np.bool_(True)
OFF = np.False_


def npbool_global(x):
    y = x * 2 if OFF else x * 3
    while OFF:
        y = y + 1
    if not OFF and FLAG:
        y = y * 2
    if FLAG:
        return np.sum(y ** 2)
    return np.sum(y)


def _npbool_closure():
    on = np.bool_(False)

    def npbool_closure(x):
        if on or not FLAG:
            return np.sum(x)
        return np.sum(x ** 3)
    return npbool_closure


npbool_closure = _npbool_closure()


# ---------------------------------------------------------- np.searchsorted with sorter=
def searchsorted_sorter(a, x):
    idx = np.argsort(a)
    k = np.searchsorted(a, x, side="right", sorter=idx)
    j = np.searchsorted(a, 0.6, "left", np.argsort(a))
    return np.sum(x * k) * j + np.sum(a[idx] ** 2)


def searchsorted_sorter_short(a, x):
    return np.sum(x * np.searchsorted(a, x, sorter=np.array([0, 1])))


def searchsorted_sorter_out_of_range(a, x):
    return np.sum(x * np.searchsorted(a, x, sorter=np.argsort(a) + 1))


# ---------------------------------------------------------- np.pad: statistics, linear_ramp, odd reflection
_WEIGHTS = np.cos(np.arange(120.0))


def _weighted(y):
    return np.sum(y * _WEIGHTS[:y.size].reshape(y.shape))


def pad_statistics(x):
    a = np.pad(x, (2, 3), mode="maximum")
    b = np.pad(x, ((1, 2), (0, 3)), mode="minimum", stat_length=(1, 2))
    c = np.pad(x, 2, mode="mean", stat_length=((1, 2), (3, 1)))
    return _weighted(a) + _weighted(b) * 2.0 + _weighted(c) ** 2


def pad_linear_ramp(x):
    a = np.pad(x, 3, mode="linear_ramp")
    b = np.pad(x, ((2, 1), (3, 2)), mode="linear_ramp", end_values=((1.0, -2.0), (0.5, 3.0)))
    return _weighted(a) + _weighted(b)


def pad_reflect_odd(x):
    a = np.pad(x, 2, mode="reflect", reflect_type="odd")
    b = np.pad(x, (7, 9), mode="reflect", reflect_type="odd")  # wider than the array: NumPy's chunks
    c = np.pad(x, (5, 6), mode="symmetric", reflect_type="odd")
    return _weighted(a) + _weighted(b) - _weighted(c)


# exact NumPy values and dtypes: float32 ramps from a NumPy scalar end value, an int array stays int
# (one result each: the forward mode of a tuple holding an int array is an internal error today)
def pad_ramp_float32(x, xi):
    return np.pad(x.astype(np.float32), (2, 3), mode="linear_ramp", end_values=5.0)


def pad_mean_int(x, xi):
    return np.pad(xi, 2, mode="mean")


def pad_ramp_int(x, xi):
    return np.pad(xi, (3, 4), mode="linear_ramp", end_values=(2, -3))


def pad_constant_int(x, xi):
    return np.pad(xi, 1, constant_values=((1.5, 2.5), (-2.7, 3.0)))


def pad_stat_length_zero(x):
    return np.sum(np.pad(x, 1, mode="maximum", stat_length=0))


def pad_median(x):
    return np.sum(np.pad(x, 1, mode="median"))


def pad_wrong_keyword(x):
    return np.sum(np.pad(x, 1, mode="edge", constant_values=1.0))


def tolist_float32(x, d):
    """x32.tolist() and x32.item() are Python floats (float64), weak: v * 1.1 rounds in float64."""
    s = 0.0
    for v in d.astype(np.float32).tolist():
        s = s + v * 1.1
    k = np.arange(3, dtype=np.int32).tolist()  # Python ints: k[2] * 3e9 does not wrap in int32
    return s * x[0] + d.astype(np.float32)[1:2].item() * 1.3 * x[1] + x[2] * (k[2] * 3000000000)


def tolist_rows_float32(X, d):
    s = 0.0
    for row in (d[:, None] * np.ones(2)).astype(np.float32).tolist():
        for v in row:
            s = s + v * 1.1 * X[0]
    return s


def enumerate_pairs(x):
    """enumerate as a value: list(enumerate(x)), reversed(list(...)), max/min/sorted of its pairs by key."""
    s = 0.0
    for i, v in reversed(list(enumerate(x))):
        s = s * 0.5 + v * i
    i, v = max(enumerate(x), key=lambda t: t[1])
    j, u = min(zip(x, x ** 2), key=lambda p: p[1])
    for k, (m, w) in enumerate(sorted(enumerate(x, start=1), key=lambda t: -t[1])):
        s = s + k * w + m * 0.1
    x32 = np.ones(2, dtype=np.float32)
    return s + v * 2 + i * x[0] + j * u + (x32 * i).dtype.itemsize  # i a Python int: x32 * i is float32


def logaddexp_accumulate(x, X):
    """np.logaddexp.accumulate / logaddexp2's along an axis: a running log-sum-exp (linrec)."""
    return np.sum(np.logaddexp.accumulate(x) * np.arange(1, x.size + 1)) \
        + np.sum(np.logaddexp2.accumulate(X * 300.0, axis=1) ** 2) * 1e-5 + np.sum(np.logaddexp.accumulate(X.T))


def logaddexp_accumulate_value(x, xi):
    return np.logaddexp.accumulate(x * 1.0)


def while_over_list(x):
    """`while stack:` / `while len(xs) < 5:` over a list whose length is known when compiled: unrolled."""
    total, stack = 0.0, [x[0], x[1]]
    while stack:
        v = stack.pop()
        total += v * v
    layers, h = [x[:2], x[1:]], np.ones(2)
    while layers:
        h = np.tanh(h * layers.pop())
    xs = [x[0]]
    while len(xs) < 5:
        xs.append(xs[-1] * 0.5 + x[1])
    return total + np.sum(h) + sum(xs)


EDGES = [(0, 1), (1, 2), (2, 0), (0, 2)]


def dict_kinds_and_sorted_lists(x):
    """collections.defaultdict(float) / OrderedDict made in the function, with keys known when
    compiled (a missing key reads factory()); sorted() of x.tolist() or list(x): Python's numbers."""
    import collections

    deg = collections.defaultdict(float)
    for i, j in EDGES:
        deg[i] += x[j] ** 2
    seen = deg[2]  # a read adds the key, as Python's __missing__ does
    od = collections.OrderedDict()
    od["a"] = x[0]
    od["b"] = x[1] * 2
    xs = sorted(x.tolist())
    ys = sorted(list(x), reverse=True)
    return sum(deg.values()) + len(deg) * seen + sum(od.values()) + xs[0] * xs[-1] + ys[0] * 2


def list_of_array_popped(x):
    """stack = list(x[:3]), ys = x.tolist() (lists of a known length made of an array): pop/insert/reverse as Python's."""
    stack, s = list(x[:3]), 0.0
    stack.insert(0, x[0] * 2)
    stack.reverse()
    while stack:
        v = stack.pop()
        if v > 0:
            s += v
    ys = x.tolist()
    ys.pop(1)
    ys.insert(1, x[2] * 3)
    return s + sum(ys) * ys[0]


def starred_displays_and_empty(x):
    """(*a, v), [*a, v, *[b, c]], np.array([*a, 0.5]): the items spliced in; np.array([]) and
    np.array([], dtype=int) are NumPy's empty arrays."""
    t = (*x[:2], x[2])
    xs = [*x[1:3], 1.0, *[x[0], x[2]]]
    a = np.array([*x[:2], 0.5])
    e, k = np.array([]), np.array([], dtype=int)
    return t[0] * t[2] + t[1] + sum(v * v for v in xs) + np.sum(np.concatenate([e, a]) ** 2) + e.size + k.dtype.itemsize


def zip_strict_lengths(x):
    return sum(a * b for a, b in list(zip(x, x[1:], strict=True)))


def defaultdict_list(x):
    import collections

    d = collections.defaultdict(list)
    return x[0]


def while_list_too_long(x):
    xs, s = [x[0]], 0.0
    while len(xs) < 300:
        xs.append(x[0])
    return sum(xs)
