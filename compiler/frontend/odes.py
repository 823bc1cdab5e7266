"""scipy.integrate.solve_ivp(fun, t_span, y0, method='RK45', t_eval=..., args=..., rtol, atol,
max_step) inside a differentiated function (fitting an ODE model's parameters to data).

The value: SciPy's RK45 (Dormand-Prince 5(4)) as SciPy runs it, written below in plain NumPy
(`rk45`, adjit's own code following the algorithm of Hairer, Norsett and Wanner that SciPy
implements: the same tableau, initial step selection, error norm, step-size factors (safety 0.9,
0.2 to 10), the same accepted steps, and the same 4th-order interpolant at `t_eval`), lowered
like any helper with the user's `fun` inlined. Its values are SciPy's bit for bit on the
programs tried (an oscillator, the chaotic Lorenz system over 670 steps, 14457 with RK23, 111 with
DOP853; readable
and compiled), the error norm computed as SciPy's (sqrt of a dot product); at t_eval, to an ulp
(SciPy evaluates a step's points as one matrix product).

The derivative: of that computation, step-size control included (discretize-then-differentiate),
so it is the exact derivative of the numbers solve_ivp returns wherever the sequence of accepted
and rejected steps does not change, which is what central differences of the same program see.

method='RK23' is the same code with SciPy's Bogacki-Shampine tableau (error estimator order 2, a cubic
interpolant), method='DOP853' with SciPy's coefficients (read from scipy.integrate._ivp as data), its
error norm of the 5th- and 3rd-order estimates, and at t_eval its three extra stages and 7th-order
interpolant. Refused with a located error: other methods (Radau, BDF, LSODA), `dense_output`,
`events`, `vectorized`, `first_step`, and integration backwards in time. The result is an
`IvpResult` with `t`, `y` (n x len(t_eval); without t_eval, every accepted step, a length known
when it runs: `sol.y[:, -1]` is the final state), `success`, `status` and `message`; a failure (a step size below SciPy's
minimum) raises where SciPy would return success=False."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..errors import UnsupportedSyntaxError
from ..ir import Value

_C = np.array([0.0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1.0])
_A = np.array([[0.0, 0.0, 0.0, 0.0, 0.0],
               [1 / 5, 0.0, 0.0, 0.0, 0.0],
               [3 / 40, 9 / 40, 0.0, 0.0, 0.0],
               [44 / 45, -56 / 15, 32 / 9, 0.0, 0.0],
               [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729, 0.0],
               [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656]])
_B = np.array([35 / 384, 0.0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84])
_E = np.array([-71 / 57600, 0.0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40])
_P = np.array([[1.0, -8048581381 / 2820520608, 8663915743 / 2820520608, -12715105075 / 11282082432],
               [0.0, 0.0, 0.0, 0.0],
               [0.0, 131558114200 / 32700410799, -68118460800 / 10900136933, 87487479700 / 32700410799],
               [0.0, -1754552775 / 470086768, 14199869525 / 1410260304, -10690763975 / 1880347072],
               [0.0, 127303824393 / 49829197408, -318862633887 / 49829197408, 701980252875 / 199316789632],
               [0.0, -282668133 / 205662961, 2019193451 / 616988883, -1453857185 / 822651844],
               [0.0, 40617522 / 29380423, -110615467 / 29380423, 69997945 / 29380423]])
_RK23 = (np.array([0.0, 1 / 2, 3 / 4]), np.array([[0.0, 0.0], [1 / 2, 0.0], [0.0, 3 / 4]]),
         np.array([2 / 9, 1 / 3, 4 / 9]), np.array([5 / 72, -1 / 12, -1 / 9, 1 / 8]),
         np.array([[1.0, -4 / 3, 5 / 9], [0.0, 1.0, -2 / 3], [0.0, 4 / 3, -8 / 9], [0.0, -1.0, 1.0]]))
_NONE = np.zeros((1, 1))  # RK45 and RK23 have no extra stages


def _dop853():
    from scipy.integrate._ivp import dop853_coefficients as d  # SciPy's coefficients, read as data

    n = d.N_STAGES
    return (d.C[:n], d.A[:n, :n], d.B, np.stack([d.E5, d.E3]), d.D, d.A[n + 1:], d.C[n + 1:], 7)


_METHODS = {"RK45": (_C, _A, _B, _E, _P, _NONE, _NONE[0], 4), "RK23": (*_RK23, _NONE, _NONE[0], 2),
            "DOP853": None}  # tableau, extra stages, error estimator order
_DONE = "The solver successfully reached the end of the integration interval."


class IvpResult(NamedTuple):
    """What solve_ivp returns that a differentiated program reads (SciPy's OdeResult fields)."""
    t: np.ndarray
    y: np.ndarray
    success: bool
    status: int
    message: str


def _rms(x):  # SciPy's norm: np.linalg.norm(x) / x.size ** 0.5, NumPy's norm being sqrt(x.dot(x))
    return np.sqrt(np.dot(x, x)) / x.shape[0] ** 0.5


def rk45(fun, t0, tf, y0, t_eval, args, rtol, atol, max_step, tableau, order):
    """Over 80 lines: SciPy's step loop in one piece (its initial step, retries, error norms and
    interpolants), so that it reads line for line as the algorithm SciPy runs.
    SciPy's RK45 (or RK23: another tableau and error estimator order; DOP853) from t0 to tf (tf > t0):
    (t, y), the solution at each point of t_eval (ascending, in [t0, tf]; y of shape (len(y0),
    len(t_eval))), or with t_eval None at t0 and every accepted step (a length known when it runs).
    tableau: (C, A, B, E, P) as SciPy's class has them; order: its error estimator's."""
    c, a, b, e, p, ax, cx = tableau  # DOP853: e holds E5 and E3, p is D, ax and cx its extra stages
    stages = b.shape[0]
    dop = len(e.shape) == 2
    exponent = -1 / (order + 1)
    assert tf > t0, "solve_ivp: adjit integrates forward in time only (t_span[1] > t_span[0])"
    rtol = max(rtol, 100 * 2.220446049250313e-16)
    y = np.asarray(y0, dtype=float) * 1.0
    f = np.asarray(fun(t0, y, *args), dtype=float)
    interval = tf - t0  # the initial step, as SciPy selects it
    scale = atol + np.abs(y) * rtol
    d0 = _rms(y / scale)
    d1 = _rms(f / scale)
    h0 = 1e-6 if d0 < 1e-5 or d1 < 1e-5 else 0.01 * d0 / d1
    h0 = min(h0, interval)
    f1 = np.asarray(fun(t0 + h0, y + h0 * f, *args), dtype=float)
    d2 = _rms((f1 - f) / scale) / h0
    h1 = max(1e-6, h0 * 1e-3) if d1 <= 1e-15 and d2 <= 1e-15 else (0.01 / max(d1, d2)) ** (1 / (order + 1))
    h_abs = min(100 * h0, h1, interval, max_step)
    if not np.all(np.isfinite(y)):  # SciPy's ValueErrors, where SciPy raises them
        raise ValueError("All components of the initial state `y0` must be finite.")
    if t_eval is not None:
        if np.any(t_eval < t0) or np.any(t_eval > tf):
            raise ValueError("Values in `t_eval` are not within `t_span`.")
        if np.any(t_eval[1:] <= t_eval[:-1]):
            raise ValueError("Values in `t_eval` are not properly sorted.")
    m = t_eval.shape[0] if t_eval is not None else 0
    out = np.zeros((y.shape[0], m))
    ts = [t0 * 1.0]  # without t_eval: every step's time and state, as SciPy returns them
    ys = [y]
    K = np.zeros((stages + 1 + (ax.shape[0] if dop else 0), y.shape[0]))
    i = 0
    t = t0 * 1.0
    while t < tf:
        # SciPy's 10 * (nextafter(t, inf) - t); 2 ** floor(log2 t) is the float's binade
        min_step = 10 * 2.0 ** (np.floor(np.log2(abs(t))) - 52) if t != 0 else 5e-323
        h_abs = max_step if h_abs > max_step else (min_step if h_abs < min_step else h_abs)
        accepted = False
        rejected = False
        while not accepted:
            assert h_abs >= min_step, "solve_ivp: the step size became too small (SciPy returns success=False here)"
            t_new = min(t + h_abs, tf)
            h = t_new - t
            h_abs = abs(h)
            K[0] = f
            for s in range(1, stages):
                K[s] = np.asarray(fun(t + c[s] * h, y + np.dot(K[:s].T, a[s, :s]) * h, *args), dtype=float)
            y_new = y + h * np.dot(K[:stages].T, b)
            f_new = np.asarray(fun(t + h, y_new, *args), dtype=float)
            K[stages] = f_new
            scale = atol + np.maximum(np.abs(y), np.abs(y_new)) * rtol
            if dop:  # SciPy's DOP853 norm: |h| |err5|^2 / sqrt((|err5|^2 + 0.01 |err3|^2) n)
                err5 = np.dot(K[:stages + 1].T, e[0]) / scale
                err3 = np.dot(K[:stages + 1].T, e[1]) / scale
                n5 = np.sqrt(np.dot(err5, err5)) ** 2
                n3 = np.sqrt(np.dot(err3, err3)) ** 2
                err = 0.0 if n5 == 0 and n3 == 0 else abs(h) * n5 / np.sqrt((n5 + 0.01 * n3) * y.shape[0])
            else:
                err = _rms(np.dot(K[:stages + 1].T, e) * h / scale)
            if err < 1:
                factor = 10.0 if err == 0 else min(10.0, 0.9 * err ** exponent)
                h_abs = h_abs * (min(1.0, factor) if rejected else factor)
                accepted = True
            else:
                h_abs = h_abs * max(0.2, 0.9 * err ** exponent)
                rejected = True
        if t_eval is None:
            ts.append(t_new)
            ys.append(y_new)
        elif dop and i < m and t_eval[i] <= t_new:  # DOP853's interpolant: three more stages, then F
            for s in range(stages + 1, K.shape[0]):
                K[s] = np.asarray(fun(t + cx[s - stages - 1] * h, y + np.dot(K[:s].T, ax[s - stages - 1, :s]) * h,
                                      *args), dtype=float)
            dy = y_new - y
            F = np.zeros((3 + p.shape[0], y.shape[0]))
            F[0] = dy
            F[1] = h * K[0] - dy
            F[2] = 2 * dy - h * (f_new + K[0])
            F[3:] = h * np.dot(p, K)
            while i < m and t_eval[i] <= t_new:
                x = (t_eval[i] - t) / h
                acc = np.zeros(y.shape[0])
                for r in range(F.shape[0]):  # F reversed, times x and 1 - x in turn
                    acc = (acc + F[F.shape[0] - 1 - r]) * (x if r % 2 == 0 else 1 - x)
                out[:, i] = acc + y
                i += 1
        elif not dop:
            Q = np.dot(K.T, p)  # the step's interpolant at the points of t_eval in (t, t_new]
            while i < m and t_eval[i] <= t_new:
                x = (t_eval[i] - t) / h
                powers = np.zeros(p.shape[1])  # x, x^2, ...: SciPy's cumprod of x
                v = 1.0
                for j in range(p.shape[1]):
                    v = v * x
                    powers[j] = v
                out[:, i] = h * np.dot(Q, powers) + y
                i += 1
        t, y, f = t_new, y_new, f_new
    if t_eval is None:
        return np.array(ts), np.array(ys).T
    return t_eval * 1.0, out


def is_solve_ivp(func) -> bool:
    return getattr(func, "__name__", None) == "solve_ivp" and \
        (getattr(func, "__module__", "") or "").startswith("scipy.integrate")


_OPTIONS = ("method", "t_eval", "dense_output", "events", "vectorized", "args", "rtol", "atol", "max_step",
            "first_step")


def lower_solve_ivp(low, args, kwargs, node):
    """`solve_ivp(...)` in Lowerer `low`: rk45 inlined, its result an IvpResult."""
    names = ("fun", "t_span", "y0") + _OPTIONS
    if len(args) > 3:
        kwargs = {**dict(zip(names[3:], args[3:])), **kwargs}
        args = args[:3]
    bad = [k for k in kwargs if k not in _OPTIONS]
    if bad:
        raise low.err(UnsupportedSyntaxError, f"solve_ivp: the option {bad[0]}= is not supported", node,
                      hint="RK45's options adjit replays: t_eval, args, rtol, atol, max_step")
    fun, t_span, y0 = (list(args) + [None] * 3)[:3]
    o = {"method": "RK45", "t_eval": None, "dense_output": False, "events": None, "vectorized": False, "args": (),
         "rtol": 1e-3, "atol": 1e-6, "max_step": np.inf, "first_step": None, **kwargs}
    method = o["method"]
    if not isinstance(method, str) or method not in _METHODS:
        raise low.err(UnsupportedSyntaxError, f"solve_ivp(method={method!r}): adjit replays SciPy's RK45, RK23 "
                      "and DOP853 steps only", node, hint="use method='RK45' (the default); a stiff system needs an implicit method adjit does "
                                 "not have: write its steps as a loop, or give the solver a rule with @adjit.custom_vjp")
    for flag, default in (("dense_output", False), ("events", None), ("vectorized", False), ("first_step", None)):
        if o[flag] is not default and o[flag] != default:
            raise low.err(UnsupportedSyntaxError, f"solve_ivp({flag}=...) is not supported", node,
                          hint="leave it at its default; read the solution at t_eval")
    if type(t_span).__name__ == "BuiltList" and isinstance(t_span.array, Value):
        t_span = t_span.array
    if isinstance(t_span, Value) and t_span.type.kind == "array" and low.b.aval(t_span).shape == (2,):
        t_span = tuple(low.unpack(t_span, 2, node))  # an array (t0, tf)
    if not isinstance(t_span, tuple) or len(t_span) != 2:
        raise low.err(UnsupportedSyntaxError, "solve_ivp: t_span must be a pair (t0, tf) written as a tuple or list",
                      node)
    fargs = o["args"]  # SciPy unpacks it: `args=tuple(p)` or an array p is its items
    if type(fargs).__name__ == "BuiltList" and isinstance(fargs.array, Value):  # tuple(p), list(p) of an array
        fargs = fargs.array
    if isinstance(fargs, Value) and fargs.type.kind in ("tuple", "array"):
        n = len(fargs.type.elems) if fargs.type.kind == "tuple" else low.b.aval(fargs).shape[0]
        fargs = tuple(low.unpack(fargs, n, node)) if n is not None else (fargs,)
    elif isinstance(fargs, list):
        fargs = tuple(fargs)
    if not isinstance(fargs, tuple):
        raise low.err(UnsupportedSyntaxError, f"solve_ivp: `args` ({type(fargs).__name__}) must be a tuple (SciPy unpacks it into fun's "
                      "arguments)", node, hint="args=(k,) for one parameter")
    t_eval = None if o["t_eval"] is None else low.value(low.array_like(o["t_eval"], node), node)
    low.at(node)
    try:
        *arrays, order = _METHODS[method] or _dop853()
    except (ImportError, AttributeError):  # SciPy moved its private coefficients module
        raise low.err(UnsupportedSyntaxError, f"solve_ivp(method={method!r}): this SciPy's DOP853 coefficients "
                      "could not be read", node, hint="use method='RK45'") from None
    tableau = tuple(low.compiled_constant(v, node, f"{method}'s tableau") for v in arrays)
    t, y = low.unpack(low.call_value(rk45, [fun, t_span[0], t_span[1], low.array_like(y0, node), t_eval, fargs,
                                            o["rtol"], o["atol"], o["max_step"], tableau, order], {}, node), 2, node)
    return IvpResult(t, y, True, 0, _DONE)
