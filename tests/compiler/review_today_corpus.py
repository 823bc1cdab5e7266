"""Programs for test_review_today.py (an adversarial review of the day's features): kept out of the
test module so that asserts in them are never rewritten by pytest."""
import numpy as np


def outer_else_inner_else_break(v, t):
    """A break in the inner loop's `else:` breaks the outer loop: the outer `else:` must not run."""
    s = 0.0
    for r in range(3):
        for i in range(v.shape[0]):
            if v[i] > t + r:
                s = s + v[i]
                break
        else:
            s = s * 2.0
            break
        s = s + np.tanh(v[r])
    else:
        s = s + 100.0 * v[0]
    return s


def inner_else_return(v, t):
    """A return in the inner loop's `else:` leaves the outer loop too."""
    s = 0.0
    for r in range(3):
        for i in range(v.shape[0]):
            if v[i] > t + r:
                s = s + v[i]
                break
        else:
            return s * 3.0
        s = s + np.tanh(v[r])
    return s


def for_else_in_while_else(v, t):
    s = 0.0
    n = 0
    while n < 4:
        n += 1
        for i in range(v.shape[0]):
            if v[i] * n > t:
                s += v[i]
                break
        else:
            s += 10.0 * v[1]
            break
        s = s * 1.1
    else:
        s = s - v[2]
    return s


def gumbel_far_tails(x, loc, scale):
    """gumbel_r/gumbel_l where exp(-z) (exp(z)) overflows: pdf, cdf and sf are exactly 0 or 1 there,
    their derivatives 0 (were 0 * inf = NaN)."""
    import scipy.stats as st

    return (np.sum(st.gumbel_r.pdf(x, loc=loc, scale=scale) + st.gumbel_r.cdf(x, loc, scale)
                   + st.gumbel_r.logsf(x, loc, scale) + st.gumbel_r.sf(x, loc, scale))
            + np.sum(st.gumbel_l.pdf(-x, loc=loc, scale=scale) + st.gumbel_l.sf(-x, loc, scale)
                     + st.gumbel_l.logcdf(-x, loc, scale) + st.gumbel_l.cdf(-x, loc, scale)))


def lambertw_extremes(x, y):
    """W0 near the largest double (Halley's terms overflowed: 702.632 for 702.641 at 1e308), W-1 of
    subnormals (ZeroDivisionError), both within rounding below -1/e (NaN where the check passed)."""
    import scipy.special

    return np.sum(np.real(scipy.special.lambertw(x))) + np.sum(scipy.special.lambertw(y, -1).real)
