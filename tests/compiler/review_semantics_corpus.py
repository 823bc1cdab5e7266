"""Programs for test_review_semantics.py: NumPy semantics that adjit once computed differently
(silent wrong values found by a hunt through aliasing, dtypes, ties, shapes and Python semantics)."""
import numpy as np


# -- booleans: NumPy's `b + c` is `b | c`, `b * c` is `b & c`; Python's True + True is 2

def bool_add_self(x):
    b = x > 0
    return np.sum(x * (b + b))


def bool_add_two(x):
    b = x > 0
    c = x < 1
    return np.sum(x * (b + c)) + np.sum(x * np.add(b, c))


def bool_add_inplace(x):
    b = x > 0
    b += x < 1
    return np.sum(x * b)


def bool_elements_add(x):
    b = x > 0
    s = 0.0
    for i in range(x.shape[0]):
        s = s + x[i] * (b[i] + b[i]) + x[i] * (b[i] * (x[i] < 1))
    return s


def bool_count_sum(x):
    b = x > 0
    return np.sum(x * np.sum(b + b)) + np.sum(x * (b ** 2)) + np.sum(x * (b ^ (x < 1)))


def python_bools_add(a, b):
    return a * ((a > 0) + (b > 0)) + b * ((a > 0) * (b < 5))


def bool_subtract(x):
    b = x > 0
    return np.sum(x * (b - (x < 1)))


# -- a comparison of comparisons: `(a > 0) != b` inlined into a fused loop lost its parentheses

def compare_of_compares(x):
    b = x > 0
    return np.sum(x * (b != (x < 1))) + np.sum(x * ((x > 0.5) == (x < 2)))


# -- forward mode through an integer cast: the tangent of an integer is zero

def astype_int_tangent(x):
    return np.sum(x * (x * 3.3).astype(int)) + x[1] * int(x[2] * 3) + np.sum(x * (x * 3).astype(np.int32) / 2)


# -- a list changed in place through another name (Python's list is one object)

def list_alias_iadd(x):
    l = [x[0], x[1]]
    l2 = l
    l2 += [x[3]]
    return len(l) * x[4] + l[-1]


def list_alias_imul(x):
    l = [x[0], x[1]]
    l2 = l
    l2 *= 2
    return len(l) * x[4] + l[-1]


def list_item_iadd(x):
    rows = [[x[0]], [x[1]]]
    r = rows[0]
    r += [x[2]]
    return len(rows[0]) * x[4] + rows[0][-1]


def list_for_target_append(x):
    l = [x[0], x[1]]
    for v in [l]:
        v.append(x[2])
    return len(l) * x[4]


def list_helper_returns_its_argument(x):
    def same(l):
        return l

    l = [x[0]]
    m = same(l)
    m.append(x[1])
    return len(l) * x[4]


def list_iadd_fresh(x):
    acc = []
    for i in range(3):
        acc += [x[i] * 2]
    t = (x[0],)
    u = t
    u += (x[1],)
    m = acc[:]
    m += [x[3]]
    return sum(acc) + len(acc) * x[4] + len(t) * x[2] + u[-1] + len(m) * x[3]


# -- int32 arithmetic wraps at 32 bits in NumPy (Numba computes int32 scalars in int64)

def int32_wraps(x):
    k = np.array([2**30, 2**30, 5, 6, 7, 8], dtype=np.int32)
    s = np.sum(x * (k + k)) + np.sum(x * (k * 2**2))
    for i in range(6):
        s = s + x[i] * (k[i] + k[i])
    return s


# -- np.argmax / np.argmin of an array holding NaN: NumPy answers the first NaN

def argmax_nan(x):
    A = x[:4].reshape(2, 2)
    return x[np.argmax(x)] + x[np.argmin(x)] + np.sum(np.argmax(A, axis=0) * x[:2]) + x[A.argmin()]


# -- Python's max/min compare with `>`/`<`, which a NaN never satisfies; NumPy's propagate NaN

def python_max_min_nan(x):
    m = -np.inf
    for v in x:
        m = max(m, v)
    return max(x) + min(x) + m + max(x[2], x[1]) + min(x[3], x[1]) + max(v * 2 for v in x)


def quantile_nan(x):
    return np.quantile(x, 0.25) + np.sum(np.percentile(x.reshape(1, 5), [10, 90], axis=1)) + np.quantile(x, x[0] * 0.5)


# -- `~` of integers is NumPy's bitwise invert (-k - 1), of Python ints and bools Python's (~True is -2)

def invert_integers(x, a=1.5):
    k = np.array([-7, -3, 0, 2, 5, 9])
    k32 = k.astype(np.int32)
    b = x > 0
    s = 0.0
    for i in range(6):
        s += x[i] * ~k[i]
    return (np.sum(x * ~k) + np.sum(x * ~k32) + x[0] * ~3 + x[1] * ~True + x[2] * ~np.isnan(a) + np.sum(x[~b])
            + x[3] * ~(a > 1.0) + s)


# -- np.where of scalars in a fused loop: a bool or int32 branch cast to the float result

def scalar_where_branch_types(x):
    c = np.array([True, False, True, True, False, False])
    k32 = np.array([-7, -3, 0, 2, 5, 9], dtype=np.int32)
    k = np.array([-7, -3, 0, 2, 5, 9])
    b = x > 0.3
    return (np.sum(x * ((c - np.where(c > 0, b, x)) / 3)) + np.sum(x * -np.where(c, 0.5, c))
            + np.sum(x * (np.abs(-np.where(k32 > 0, x, k32)) ** k)))


# -- a reverse sweep accumulating a cotangent into a reversed view of itself (`dy[::-1] += dy`)

def reversed_self_accumulation(x):
    A = x.reshape(2, 3)
    w = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    return (np.sum((x + x[::-1]) * np.array([0.3, -1.1, 0.7, 1.3, 0.2, -0.4])) + np.sum((A + A[:, ::-1]) * w)
            + np.sum((A + A[::-1]) * w))


def row_from_its_reverse(x):
    A = x.reshape(2, 3).copy()
    A[0] += A[0][::-1]
    A[1] += A[0]
    return np.sum(A * np.array([[0.3, -1.1, 0.7], [1.3, 0.2, -0.4]]))


def sin_of_a_mask(x):
    b = x > 0
    return np.sum(x * np.sin(b))


def transposed_cotangent_into_its_reverse(x):
    # dA = d.T; dA[::-1, ::-1] += d in the reverse sweep: one buffer, written while read
    A = x.reshape(3, 3)
    M = np.array([[0.3, -1.1, 0.7], [1.3, 0.2, -0.4], [0.5, 0.9, -0.8]])
    B = A[::-1, ::-1] + A.T
    return np.sum(M @ B) + np.sum((M @ B) * B)


def int32_sums_in_int64(x):
    k = np.array([2**29, 2**29, 5, 6], dtype=np.int32)
    t = np.sum(k)
    return x[0] * (t + t) + x[1] * (np.cumsum(k)[-1] * 2) + x[2] * (k.sum() * 4) + x[3] * np.sum(k * 2)


def max_of_booleans(x):
    b = x > 0
    return x[0] * (np.max(b) + np.max(b)) + x[1] * (np.min(b) * 3) + np.sum(x * (b.max() + b))
