"""scipy.special's erfcx, dawsn, ellipk, ellipe, spence, owens_t and the Bessel functions of real
order (jv, yv, iv, kv, ive, kve) on numbers and arrays for generated code (runtime/cspecial2.py's
kernels, the overloads of runtime/special.py); re-exported by runtime/special.py as `_special.<name>`."""
from __future__ import annotations

from . import cspecial2 as _cs2
from .special import _binary, _ternary, _unary

erfcx = _unary("erfcx", _cs2.erfcx_kernel)
dawsn = _unary("dawsn", _cs2.dawsn_kernel)
ellipk = _unary("ellipk", _cs2.ellipk_kernel)
ellipe = _unary("ellipe", _cs2.ellipe_kernel)
spence = _unary("spence", _cs2.spence_kernel)
owens_t = _binary("owens_t", _cs2.owens_t_kernel)
jv = _binary("jv", _cs2.jv_kernel)
yv = _binary("yv", _cs2.yv_kernel)
iv = _binary("iv", _cs2.iv_kernel)
kv = _binary("kv", _cs2.kv_kernel)
ive = _binary("ive", _cs2.ive_kernel)
kve = _binary("kve", _cs2.kve_kernel)
gammaincinv = _binary("gammaincinv", _cs2.gammaincinv_kernel)
gammainccinv = _binary("gammainccinv", _cs2.gammainccinv_kernel)
betaincinv = _ternary("betaincinv", _cs2.betaincinv_kernel)

__all__ = ["erfcx", "dawsn", "ellipk", "ellipe", "spence", "owens_t", "jv", "yv", "iv", "kv", "ive", "kve", "gammaincinv", "gammainccinv",
           "betaincinv"]
