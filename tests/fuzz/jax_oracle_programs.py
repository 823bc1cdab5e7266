"""The programs tests/fuzz/jax_oracle.py runs through adjit and JAX (NumPy as ``np``).

Each is written once; ``jax_globals()`` rebuilds every ``f_*`` function over globals in which
``np`` is ``jax.numpy`` (the grad helpers and custom rules rebuilt as JAX's), so both sides run the
same code. Not collected by pytest.
"""
from __future__ import annotations

import dataclasses
import types
from typing import NamedTuple

import numpy as np

import adjit

try:
    import jax
    import jax.numpy as jnp
    jax.config.update("jax_enable_x64", True)
except ImportError:  # pragma: no cover
    jax = jnp = None


class Pair(NamedTuple):
    a: object
    b: object


# --- programs (NumPy as np) -------------------------------------------------------------------

def f_scalar(x):
    return np.sum(np.sin(x) * x ** 2)


def f_two(x, y):
    return np.sum(np.tanh(x * y[0]) + x ** 3) * np.sum(y ** 2)


def f_three(x, y, z):
    return np.sum(x * np.exp(y)) * z


def f_aux(x, y):
    v = np.sum(np.sin(x) * y)
    return v, {"s": np.cos(x) * 2.0, "n": v * 3.0}


def f_aux_arr(x):
    return np.sum(x ** 2), x * 2.0


def f_vec(x):
    return np.sin(x) * np.sum(x)


def f_vec2(x, y):
    return np.outer(x, y) + np.sin(x)[:, None]


def f_v2m(x):
    return np.outer(x, np.cos(x))


def f_m2v(A):
    return np.sum(A ** 2, axis=1) * A[:, 0]


def f_tuple_out(x, y):
    return np.sin(x) * y[0], np.sum(x * y)


def f_dict_out(x):
    return {"b": np.sum(x ** 2), "a": x * np.cos(x)}


def f_dict_in(p, x):
    return np.tanh(p["W"] @ x + p["b"])


def f_dict_loss(p, x):
    return np.sum(np.tanh(p["W"] @ x + p["b"]) ** 2)


def f_nt_loss(p, x):
    return np.sum(p.a * x ** 2) + np.sum(np.sin(p.b))


def f_list_loss(ps, x):
    return np.sum(ps[0] * x) * np.sum(ps[1] ** 2)


def f_zero_d(x):
    return x ** 3 * np.sin(x)


def f_scal2(x, y):
    return x ** 2 * y + np.sin(x * y)


d_f_scalar = adjit.grad(f_scalar)


def f_uses_grad(x):
    return np.sum(d_f_scalar(x) ** 2) + np.sum(x)


def f_int_arg(x, n):
    return np.sum(x ** 2) * n


def f_mat(W, x):
    return np.sum(np.tanh(W @ x) ** 2)


def f_const(x, y):
    return np.sum(y ** 2)


def f_ident(x):
    return x


def f_one_elem(x):
    return np.sum(x * x, keepdims=True)


def f_aux_mixed(x):
    return np.sum(x ** 2), {"n": 3, "v": [x[0], None], "t": (x * 2.0,)}


def f_int_out(x):
    return np.sin(x), np.arange(3)


def f_list_out(x):
    return [np.sin(x), np.sum(x)]


def f_nt_out(x):
    return Pair(np.sin(x), np.sum(x ** 2))


def f_f32_mix(x, w):
    return np.sum(x * w)


def f_where(x):
    return np.sum(np.where(x > 0, x ** 2, -x))


def f_max(x):
    return np.max(x ** 2) + np.sum(np.abs(x))


def f_scal_vec(s, x):
    return s * np.sin(x)


def f_nested_in(p, x):
    return np.sum(p["l"][0] * x) * np.sum(p["l"][1]["c"] ** 2) + p["s"] * x[0]



def f_scal_in(s, u):
    return s ** 2 * np.sum(np.sin(u)) + np.sum(u ** 3) * s


v_f_zero_d = adjit.value_and_grad(f_zero_d)


def f_uses_vag(u):
    return v_f_zero_d(u)[1] * u


def f_int3(x):
    return f_int_arg(x, 3)


d_f_two = adjit.grad(f_two, argnums=(0, 1))


def f_uses_grad2(x, y):
    gx, gy = d_f_two(x, y)
    return np.sum(gx * x) + np.sum(gy ** 2)


def f_loop(x):
    h = x
    for _ in range(3):
        h = np.tanh(h * 1.5 + 0.1)
    return np.sum(h ** 2)


def f_loop_vec(x):
    h = x
    s = 0.0
    for k in range(3):
        h = np.sin(h) * x
        s = s + np.sum(h)
    return h * s



@dataclasses.dataclass
class Params:
    w: object
    c: object


def f_dc_loss(p, x):
    return np.sum(np.sin(p.w * x)) * p.c


def f_aux_same(x):
    y = np.sin(x)
    return np.sum(y), y


def f_sq_out(x):
    return x ** 2


def f_mv(W, x):
    return np.tanh(W @ x)


def f_pow_int(x, n):
    return np.sum(x ** n)


def f_cvjp_struct(x, y):
    return c_mul(x, y) * 2.0


def f_uses_cvjp_loop(x, y):
    s = 0.0
    for k in range(2):
        s = s + np.sum(c_mul(x, y) ** 2)
    return s



def f_max_tie(x):
    return np.max(x) * 2.0


def f_min_tie_axis(A):
    return np.sum(np.min(A, axis=0) ** 2)


def f_maximum_tie(x, y):
    return np.sum(np.maximum(x, y) * np.arange(1.0, 5.0))


def f_relu0(x):
    return np.sum(np.maximum(x, 0.0) ** 1 * x)


def f_abs0(x):
    return np.sum(np.abs(x) * 3.0)


def f_clip_edge(x):
    return np.sum(np.clip(x, -1.0, 1.0) * 2.0)


def f_sort_tie(x):
    return np.sum(np.sort(x) * np.arange(1.0, 5.0))


def f_norm0(x):
    return np.sqrt(np.sum(x ** 2) + 1.0) + np.linalg.norm(x - x)


def f_where_eq(x):
    return np.sum(np.where(x >= 0.5, x ** 2, x * 3.0))


def f_amax_keep(A):
    return np.sum(A / np.max(A, axis=1, keepdims=True))


# custom rules

@adjit.custom_vjp
def c_mul(x, y):
    return x * y


def c_mul_fwd(x, y):
    return x * y, {"xy": (x, y), "k": 2.0}


def c_mul_bwd(res, g):
    x, y = res["xy"]
    return g * y, g * x


c_mul.defvjp(c_mul_fwd, c_mul_bwd)


def f_uses_cvjp(x, y):
    return np.sum(np.sin(c_mul(x, y)))


@adjit.custom_jvp
def c_sp(x):
    return np.log(1 + np.exp(x))


def c_sp_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return c_sp(x), t / (1 + np.exp(-x))


c_sp.defjvp(c_sp_jvp)


def f_uses_cjvp(x):
    return np.sum(np.tanh(c_sp(x * 2.0)))


# --- the JAX twins -----------------------------------------------------------------------------

def jax_globals():
    g = dict(globals())
    g["np"] = jnp
    if not hasattr(Params, "_jax_registered"):
        jax.tree_util.register_dataclass(Params, data_fields=["w", "c"], meta_fields=[])
        Params._jax_registered = True
    for name, val in list(globals().items()):
        if isinstance(val, types.FunctionType) and val.__module__ == __name__ and name.startswith("f_"):
            g[name] = types.FunctionType(val.__code__, g, name, val.__defaults__, val.__closure__)
    g["d_f_scalar"] = jax.grad(g["f_scalar"])
    g["d_f_two"] = jax.grad(g["f_two"], argnums=(0, 1))
    g["v_f_zero_d"] = jax.value_and_grad(g["f_zero_d"])
    # custom rules, rebuilt as JAX's
    c_mul_j = jax.custom_vjp(lambda x, y: x * y)
    c_mul_j.defvjp(lambda x, y: (x * y, {"xy": (x, y), "k": 2.0}),
                   lambda res, gg: (gg * res["xy"][1], gg * res["xy"][0]))
    g["c_mul"] = c_mul_j
    c_sp_j = jax.custom_jvp(lambda x: jnp.log(1 + jnp.exp(x)))

    @c_sp_j.defjvp
    def _j(primals, tangents):
        (x,), (t,) = primals, tangents
        return c_sp_j(x), t / (1 + jnp.exp(-x))
    g["c_sp"] = c_sp_j
    return g
