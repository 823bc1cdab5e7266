"""`njit_plain`: `numba.njit(cache=True, ...)` for runtime helpers that generated code calls, typed
on the plain types of their arguments; with `apart=True`, also called by symbol from generated code
instead of linked into it.

**Plain types.** Numba types a call from compiled code on the caller's types of its arguments, and
a constant is a literal there (`Literal[int](0)`, `UniTuple(Literal[int](56), 1)`): a plain njit
function called with one compiles (and caches) a copy per distinct value. Worse, Numba's type
inference resolves a call as soon as its arguments' types are known, so a counter that starts at 0
and grows in a loop (a tape's `_n_tape_v1 = 0` ... `+= 1`) is first seen as `Literal[int](0)` and
the helper is compiled for that too before the loop's `int64` reaches the call: the LSTM gradient's
empty cache compiled `tape.push_row1` four times, where one copy serves them all (issue 14). A
helper decorated here types every call on `types.unliteral` of its arguments.

**Apart (called by symbol).** Numba links a callee's whole LLVM module into every caller, where
LLVM optimizes it again and emits its machine code again: in the seed network's gradient more than
half of the final module was the allocation and matrix-product helpers' code, compiled anew in
every program (issue 14). A generated function (module `adjit_generated_...`) instead calls an
`apart` helper through an external symbol with a stable name, `adjit$<module>$<function>$<argument
types, mangled>`, bound (`llvmlite.binding.add_symbol`) to the helper's machine code, which is
compiled or loaded from Numba's cache once per process; anything else calling it links it as
before. A call costs a few ns more than inlined code and loses what constant arguments would fold,
so only helpers whose work dwarfs that, and which generated code calls mostly outside its loops,
are apart (`alloc.take`, `linalg.matmul_into`, and `linalg.matmul` of two matrices; a
matrix-vector product, a recurrent cell's step, stays linked, as does `alloc.full`, whose zeros
LLVM forwards into the loop that accumulates into them when it is inlined).

A generated function's cached machine code names those symbols. Before Numba loads any cached code
(`_guard`, installed on Numba's two cache rebuild functions when this module is imported), every
such name in it is bound, its helper loaded from Numba's cache for the signature the name encodes
(`_bind`); a name that cannot be bound makes the load a cache miss (the function is compiled
again). Loaded unbound, the call would jump to address 0.
"""
from __future__ import annotations

import importlib
import re
import sys
import threading

from numba.core import registry, types

PREFIX = "adjit$"
_GENERATED = "adjit_generated_"  # in the (mangled) name of every function of a generated module
_NAME = re.compile(rb"adjit\$[A-Za-z0-9_.$]+")
_SYMBOLS: dict = {}  # stable name -> (address, the helper's code library: kept alive for the process)
_LOCK = threading.RLock()
_GUARDED: list = []  # [True] once Numba's cache rebuilds are guarded, [False] if they cannot be


class UnliteralDispatcher(registry.CPUDispatcher):
    """A Numba dispatcher whose calls from compiled code are typed (and compiled, and cached) on
    the plain types of their arguments: a constant 56 is an int64, a tuple of constants a tuple of
    int64."""

    def get_call_template(self, args, kws):
        return super().get_call_template([types.unliteral(a) for a in args],
                                         {k: types.unliteral(v) for k, v in kws.items()})


class ApartDispatcher(UnliteralDispatcher):
    """An UnliteralDispatcher whose compiled signatures generated code calls by symbol (see the
    module docstring): each overload, once compiled or loaded, is bound to its stable name; with
    `when` (a predicate on the argument types), only the signatures it accepts."""

    when = None

    def add_overload(self, cres):
        super().add_overload(cres)
        try:
            if self.when is None or self.when(tuple(cres.signature.args)):
                _call_by_symbol(self, cres)
        except Exception:  # Numba's internals differ: generated code links the helper, as before
            pass


def njit_plain(fn=None, apart=False, cache=True, **options):
    """`numba.njit(cache=cache, nogil=True, **options)(fn)`, typed as UnliteralDispatcher types its
    calls; with `apart` (True, or a predicate on the argument types choosing the signatures), called
    by symbol from generated code (ApartDispatcher). Usable bare (`@njit_plain`) or with options
    (`@njit_plain(apart=True)`). The parts of a cut generated function are apart too
    (runtime/outline.part): each compiled once, on its own, never linked into its caller."""
    def decorate(f):
        targetoptions = {"nopython": True, "nogil": True}
        targetoptions.update(options)
        dispatcher = (ApartDispatcher if apart else UnliteralDispatcher)(f, targetoptions=targetoptions)
        if callable(apart):
            dispatcher.when = apart
        if cache:
            dispatcher.enable_caching()
        return dispatcher

    return decorate if fn is None else decorate(fn)


def symbol_name(dispatcher, args) -> str:
    """The stable name of `dispatcher`'s compiled code for argument types `args`: the same in every
    process (Numba's own symbol names carry a per-process counter)."""
    from numba.core.itanium_mangler import mangle_args

    f = dispatcher.py_func
    return f"{PREFIX}{f.__module__}${f.__qualname__}${mangle_args(tuple(args))}"


def _call_by_symbol(dispatcher, cres) -> None:
    """Bind `cres`'s machine code to its stable name and make calls from generated code use it."""
    if cres.objectmode or not _guard():
        return
    from llvmlite import binding as ll
    from numba.core.base import OverloadSelector

    name = symbol_name(dispatcher, cres.signature.args)
    address = cres.library.get_pointer_to_function(cres.fndesc.llvm_func_name)
    if not address:
        return
    with _LOCK:
        ll.add_symbol(name, address)
        _SYMBOLS[name] = (address, cres.library)
    impl = _caller(cres.fndesc, cres.library, name)
    selector = OverloadSelector()
    selector.append(impl, impl.signature)
    dispatcher.targetctx._defns[cres.entry_point] = selector


def _caller(fndesc, library, name):
    """The lowering of a call of one compiled helper: by `name` from a generated function, else as
    Numba's own (numba.core.imputils.user_function: the helper's library linked into the caller's)."""
    from numba.core import cgutils
    from numba.core.imputils import fix_returning_optional, impl_ret_new_ref

    def imp(context, builder, sig, args):
        if _GENERATED in builder.function.name:
            fnty = context.call_conv.get_function_type(fndesc.restype, fndesc.argtypes)
            func = cgutils.get_or_insert_function(builder.module, fnty, name)
            context.call_conv.decorate_function(func, fndesc.args, fndesc.argtypes, noalias=fndesc.noalias)
        else:
            context.add_linking_libs([library])
            func = context.declare_function(builder.module, fndesc)
        status, retval = context.call_conv.call_function(builder, func, fndesc.restype, fndesc.argtypes, args)
        with cgutils.if_unlikely(builder, status.is_error):
            context.call_conv.return_status_propagate(builder, status)
        assert sig.return_type == fndesc.restype
        retval = fix_returning_optional(context, builder, sig, status, retval)
        return impl_ret_new_ref(context, builder, fndesc.restype, retval)

    imp.signature = fndesc.argtypes
    imp.libs = ()
    return imp


def _guard() -> bool:
    """Install, once per process (when this module is imported), the check that binds the stable
    names cached machine code uses before Numba loads it (False, and nothing is called by symbol,
    when Numba's cache is not laid out as expected)."""
    if _GUARDED:
        return _GUARDED[0]
    with _LOCK:
        if _GUARDED:
            return _GUARDED[0]
        try:
            from numba.core import caching

            for cls, whole in ((caching.CompileResultCacheImpl, False), (caching.CodeLibraryCacheImpl, True)):
                original = cls.rebuild
                if getattr(original, "_adjit_guard", False):
                    continue

                def rebuild(self, target_context, payload, _original=original, _whole=whole):
                    if not bind_names(payload if _whole else payload[0]):
                        return None  # a cache miss: Numba compiles the function again
                    return _original(self, target_context, payload)

                rebuild._adjit_guard = True
                cls.rebuild = rebuild
            _GUARDED.append(True)
        except Exception:
            _GUARDED.append(False)
        return _GUARDED[0]


def bind_names(libdata) -> bool:
    """Bind every stable name the serialized code library `libdata` (Numba's `(name, kind, data)`)
    uses; False when one cannot be bound (or the code cannot be read): it must not be loaded."""
    try:
        _, kind, data = libdata
        code = data[0] if kind == "object" else data
        if not isinstance(code, (bytes, bytearray)):
            return True
        if PREFIX.encode() not in code:
            return True
        if kind != "object":  # names in bitcode are not delimited: never loaded with such a name
            return False
        return all(_bind(n.decode("ascii")) for n in set(_NAME.findall(code)))
    except Exception:
        return False


_guard()  # at import: a generated module imports this (through alloc) before any of its code can load


def _bind(name: str) -> bool:
    """Bind one stable name: its helper compiled or loaded in this process already, else loaded
    from Numba's cache for the signature the name encodes. Only adjit's runtime modules are looked
    in."""
    if name in _SYMBOLS:
        return True
    parts = name.split("$")
    if len(parts) != 4 or parts[0] != PREFIX[:-1]:
        return False
    _, modname, qualname, _ = parts
    if not all(p.isidentifier() for p in modname.split(".")) or not qualname.isidentifier():
        return False
    if modname.startswith(_GENERATED):  # a part of a cut generated function: its module is loaded
        module = sys.modules.get(modname)
    elif modname.startswith("adjit.runtime."):
        module = sys.modules.get(modname) or importlib.import_module(modname)
    else:
        return False
    dispatcher = getattr(module, qualname, None)
    if not isinstance(dispatcher, ApartDispatcher):
        return False
    from numba.core import sigutils

    from .preload import load_cached

    with _LOCK:
        for args in list(dispatcher.overloads):
            if symbol_name(dispatcher, args) == name:
                return name in _SYMBOLS
        try:
            index = dispatcher._cache._cache_file._load_index()
        except Exception:
            return False
        for key in list(index):
            sig = key[0] if isinstance(key, tuple) and key else None
            try:
                args, _ = sigutils.normalize_signature(sig)
            except Exception:
                continue
            if symbol_name(dispatcher, args) == name:
                load_cached(dispatcher, sig)
                break
        return name in _SYMBOLS
