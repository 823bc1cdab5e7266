"""The public callable's machinery: `CompiledFunction` (binding a call's arguments, the
specialization memo, the front key and the full key, building and loading a specialization,
`source` and `ir`) and `Specialization` (one compiled module).

A call checks its arguments (count, dtypes, shapes through the whole program) in Python before
any compiled loop runs; the check is memoized per tuple of argument shapes.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
import types
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from .. import frontend, timing
from ..errors import AdjitError, AdjitTypeError, ArgumentError, InternalCompilerError, UnsupportedSyntaxError
from ..ir import Function, print_function
from ...runtime import cachedir, cachelock, simd
from . import frontkey, guards, llvmopt, modules, sharedargs, tiering
from .arguments import _FUNCTIONS, _layout, _shape_key, callee_of, leaf_avals, leaf_wrt, replayed, resolve_wrt, trees_of, unconsumed
from .frontkey import _args_key, _dependencies
from .modules import (_LOCK, _MODULES, STATS, _load_module, _preload, _read_text, _signature_text, _store_module,
                      _write_atomic, module_text)
from .workspace import _with_workspace, without_functions, workspace_args

# codegen, reverse, forward and the passes are imported when a specialization is first built
# (not by `import adjit`, and not at all by a process whose calls all hit the cache).
# The fingerprint and the cache directory are read through their modules (frontkey._FINGERPRINT,
# modules.cache_dir()), so that replacing them there reaches every key and every build.


@dataclass
class Specialization:
    """One compiled module: the gradient (and forward) entry points and their sources."""

    key: str
    signature: str
    module_path: Path
    entry: Callable
    forward: Callable
    readable_path: Path
    result_dtype: str = "float64"
    compile_seconds: float = 0.0
    loaded_from_disk: bool = False
    front_hit: bool = False  # found through the front key: the IR pipeline did not run
    out_tree: object = None  # a structured result's tree (frontend/structout.py): adjit/outputs.py rebuilds it
    hazards: tuple = ()  # arguments that may not share memory (sharedargs.py)
    cheap: bool = False  # the readable adjoint may answer while Numba compiles (tiering.py)

    def __post_init__(self):
        # A compiled function whose temporaries come from a workspace takes two more arguments;
        # entry/forward supply them (see _with_workspace), the Numba dispatchers stay reachable.
        self.entry_dispatcher, self.forward_dispatcher = self.entry, self.forward
        pool: list = []
        self.entry = sharedargs.guarded(_with_workspace(self.entry_dispatcher, pool), self.hazards)
        self.forward = sharedargs.guarded(_with_workspace(self.forward_dispatcher, pool), self.hazards)

    @property
    def readable(self) -> str:
        return _read_text(self.readable_path)

    @property
    def lowered(self) -> str:
        return _read_text(self.module_path)


def _plain_call(callee, parsed, args: tuple) -> bool:
    """Whether `args` are one per parameter of a plain function (no partial, no bound method),
    each a real array of at least one dimension in native byte order: then binding them gives
    them back as they are (arguments.bind), and a call skips its checks (2-3 µs of a 190 µs hvp)."""
    if callee.prefix or callee.kwargs or callee.objects or len(args) != len(parsed.param_names) or parsed.star:
        return False
    for a in args:
        if type(a) is not np.ndarray or a.ndim == 0 or a.dtype.kind not in "fiub" or not a.dtype.isnative:
            return False
    return True


class CompiledFunction:
    """A user function turned into a compiled transformation (value_and_grad or jvp) of it.

    Calls are specialized per argument signature; `source(*args)` shows the generated code."""

    # mode -> the suffix of the generated entry point's name
    ENTRY = {"value_and_grad": "_grad", "jvp": "_jvp", "vjp": "_vjp", "grad_jvp": "_grad_jvp", "vjp_jvp": "_vjp_jvp"}

    def __init__(self, fun: Callable, wrt, mode: str = "value_and_grad", checkpoint=None, parallel: bool = False,
                 wrt_fwd=None, has_aux: bool = False):
        """mode: "value_and_grad" (value and gradient of a scalar), "jvp" (value and a directional
        derivative, tangents of `wrt` as extra arguments), "vjp" (value and the vector-Jacobian
        product with a cotangent of the result's shape as a last extra argument), "grad_jvp"
        (forward over reverse: the value, the gradient wrt `wrt`, and their directional
        derivatives along tangents of `wrt_fwd`: Hessian-vector products), "vjp_jvp" (forward over
        the vjp: any result, its cotangent parameters before the tangents of `wrt_fwd`: the
        Hessian of a non-scalar function, adjit/second.py). has_aux: the function
        returns (value, aux), aux an array, a number or a tuple of them, returned after the
        derivatives as they are (value_and_grad and vjp)."""
        if mode not in self.ENTRY:
            raise ArgumentError(f"unknown transformation mode {mode!r}")
        self.fun = fun
        self._given = (wrt, wrt_fwd)  # as given, for pickling (__reduce__)
        self.parallel = bool(parallel)
        if checkpoint not in (None, "sqrt") and not (isinstance(checkpoint, int) and checkpoint >= 1):
            raise ArgumentError(f"checkpoint must be None, 'sqrt' or a segment length >= 1, not {checkpoint!r}")
        self.checkpoint = checkpoint
        # a transformation transformed again (grad(grad(f)), jvp(grad(f)), any depth): its code is
        # the primal code here (frontend/nested.py); the innermost function gives the parameters
        self.nested = getattr(fun, "__adjit_nested__", None) if getattr(fun, "__adjit_transform__", None) else None
        if self.nested is not None:
            self.callee = self.nested["callee"]
            self.parsed = self.nested["parsed"]
        else:
            self.callee = callee_of(fun)  # a function, functools.partial, bound method (arguments.py)
            self.parsed = frontend.parse(self.callee.fn)
        self.name = self.parsed.name + _nest_suffix(fun)  # f_grad for grad(f) transformed again
        if os.environ.get("NUMBA_DISABLE_JIT", "0").strip() not in ("", "0"):
            raise AdjitError("NUMBA_DISABLE_JIT is set, and adjit compiles every gradient with Numba",
                             self.parsed.loc(self.parsed.node),
                             hint="unset NUMBA_DISABLE_JIT; to step through the gradient in Python, run the "
                                  "NumPy source that g.source(*args) prints")
        self.mode = mode
        self.single = isinstance(wrt, (int, str))
        skip = len(self.callee.prefix)
        self.wrt = resolve_wrt(self.parsed, wrt, skip)
        self.wrt_fwd = resolve_wrt(self.parsed, wrt_fwd, skip) if mode in ("grad_jvp", "vjp_jvp") else []
        self.has_aux = bool(has_aux)
        if self.has_aux and mode not in ("value_and_grad", "vjp", "jvp", "grad_jvp", "vjp_jvp"):
            raise ArgumentError(f"has_aux is supported by grad, value_and_grad, vjp, jvp, jacobian and hessian, "
                                f"not by {mode}")
        if mode in ("grad_jvp", "vjp_jvp") and checkpoint is not None:
            raise ArgumentError("checkpointing is not supported under forward-over-reverse (hvp, hessian, grad of grad)",
                                hint="leave checkpoint out")
        # statements NumPy runs before the compiled code (frontend/host.py): the compiled function
        # is lowered from `kernel`, which takes their results as extra parameters
        self.host = None
        if self.nested is None:
            from ..frontend.host import plan_or_none

            self.host = plan_or_none(self.parsed, {self.parsed.param_names[k] for k in set(self.wrt) | set(self.wrt_fwd)})
            from ..frontend import captures  # global and closure arrays: parameters read on every call

            self.host = captures.plan_or_none(self.parsed, self.host)
        else:  # grad(grad(f)): f's global and closure arrays, parameters after its own (nested.lower_transformed)
            from ..frontend import captures

            self.host = captures.plan_or_none(self.parsed, None)
        self.kernel = self.host.kernel if self.host is not None else self.parsed
        self._by_shapes: OrderedDict = OrderedDict()
        self._guards = None  # the global and closure constants the specializations were built with
        self._specs: dict[str, Specialization] = {}
        self.__name__ = getattr(fun, "__name__", "f")
        self.__doc__ = getattr(fun, "__doc__", None)
        self.__wrapped__ = fun

    # -- calling
    def _bind(self, args: tuple, kwargs: dict) -> tuple:
        if not kwargs and self.host is None and _plain_call(self.callee, self.parsed, args):
            return args  # what callee.bind gives for these arguments, without its per-argument checks
        bound = self.callee.bind(self.parsed, args, kwargs)
        if self.host is None:
            return bound
        return with_host_values(self, bound, args, kwargs)

    def specialize(self, *args, **kwargs) -> Specialization:
        return self._spec_for(self._bind(args, kwargs))

    def _spec_for(self, args: tuple) -> Specialization:
        key = _shape_key(args)
        if self._guards and not guards.holds(self._guards):  # a global constant changed (jit/guards.py)
            self._by_shapes.clear()
            self._guards = None
        spec = self._by_shapes.get(key)
        fns = [a for a in args if isinstance(a, types.FunctionType)]  # a def passed in: what it reads, guarded
        if spec is not None and (not fns or guards.holds(spec.arg_guards)):
            return spec
        if self._guards is None:
            self._guards = guards.snapshot(self.parsed.fn, self._self_classes())
        if llvmopt.level() is not None:  # ADJIT_OPT: the generated code's LLVM level (llvmopt.py)
            llvmopt.install()
        with _LOCK:
            with timing.profile(f"{self.parsed.name} ({self.mode}), {self.parsed.filename}:{self.parsed.firstline}"):
                spec = self._build(args)
                if fns or any(isinstance(a, _FUNCTIONS) for a in args):  # np.tanh passed: None in its place
                    without_functions(spec, args, _FUNCTIONS)
                # ADJIT_TIMING: compile the entry point now, so that the profile holds Numba's time
                timing.compile_now(spec.entry_dispatcher if timing._STACK else None, self._entry_args(spec, args))
            if spec.cheap and not getattr(spec.entry_dispatcher, "overloads", True) and \
                    not hasattr(spec.entry, "first_tier") and not timing._STACK and tiering.enabled():
                tiering.first_tier(spec, self._entry_args(spec, args), self.entry_name)  # NumPy while Numba compiles
            spec.arg_guards = [g for f in fns for g in guards.snapshot(f)]
            self._by_shapes[key] = spec
            if len(self._by_shapes) > 256:
                self._by_shapes.popitem(last=False)
        return spec

    def _lower(self, args: tuple):
        kernel = self.kernel  # the user's function, or with its hoisted statements' results as parameters
        avals, names = leaf_avals(kernel, args)  # structured arguments: one per leaf (arguments.py)
        leaf_wrt(kernel, args, sorted(set(self.wrt) | set(self.wrt_fwd)), avals)  # floats, or a located error
        STATS["lowered"] += 1
        from ..frontend import nested

        nested.TRANSFORMS.setdefault("value_and_grad", _inner_gradient)  # gradients called inside: inlined
        nested.TRANSFORMS.setdefault("transpose", _transpose_rule)  # a custom_jvp rule under reverse mode
        with timing.phase("frontend: source -> IR"):
            if self.nested is not None:
                primal, builder = nested.lower_transformed(self.nested, kernel, avals, trees_of(args), names)
                _check_transformed_again(self, primal)
            else:
                primal, builder = frontend.lower(kernel, avals, trees_of(args), names)
        primal.wrt_leaves = leaf_wrt(kernel, args, self.wrt, avals)
        primal.wrt_fwd_leaves = leaf_wrt(kernel, args, self.wrt_fwd, avals) if self.wrt_fwd else []
        if self.has_aux:
            _split_aux(primal)
        return primal, builder

    def _build(self, args: tuple) -> Specialization:
        """The specialization for these arguments: through the front key when a process has built
        it before (no IR pipeline), else by lowering and then the cache keyed by the printed IR."""
        with timing.phase("cache: front key, lookup, load"):
            front = self._front_key(args)
            spec = self._from_front(front, args) if front is not None else None
        if spec is not None:
            return spec
        # A miss is built under the cache directory's inter-process lock (runtime/cachelock.py):
        # a process that waited finds the entry another one just built, and writing and evicting
        # never interleave.
        with cachelock.locked(modules.cache_dir()):
            if front is not None:
                spec = self._from_front(front, args)
                if spec is not None:
                    return spec
            spec = self._build_full(args)
            if front is not None:
                self._write_front(front, spec)
        return spec

    def _self_classes(self) -> tuple:
        """The classes of a bound method's self (a callable object's): read when compiled (self.scale)."""
        c = self.callee
        return tuple(type(c.prefix[k]) for k in c.objects if k < len(c.prefix))

    def _front_key(self, args: tuple) -> str | None:
        """A key computable without the IR: the function's source and place, what it reads
        (globals, closure cells, called functions, recursively), the compiler's fingerprint,
        the options and the arguments' dtypes, shapes and layouts."""
        deps = _dependencies(self.parsed.fn, self._self_classes())
        if deps is None or any(isinstance(a, _FUNCTIONS) for a in args):  # a function argument: keyed by identity
            return None
        text = "\n".join([frontkey._FINGERPRINT, np.__version__, simd.ISA, self.mode, _nest_key(self.fun),
                          repr(self.wrt), repr(self.wrt_fwd), repr(self.has_aux),
                          repr(self.checkpoint), repr(self.parallel), *_opt_key(), self.parsed.filename,
                          str(self.parsed.firstline),
                          self.parsed.name,  # two lambdas of one line share their place and source text
                          self.parsed.source, deps, _args_key(args)])
        return hashlib.sha256(text.encode()).hexdigest()[:24]

    def _front_path(self, front: str) -> Path | None:
        directory = modules.cache_dir()
        return None if directory is None else directory / f"{self.name}_{front}.front.json"

    def _from_front(self, front: str, args: tuple) -> Specialization | None:
        t0 = time.perf_counter()
        name = self.name
        try:
            front_path = self._front_path(front)
            if front_path is None:  # compiling in memory
                return None
            entry = json.loads(front_path.read_text(encoding="utf-8"))
            digest = entry["key"]
            if not (isinstance(digest, str) and digest.isalnum()):
                return None
            spec = self._specs.get(digest)
            if spec is not None:
                return spec
            stem = f"{name}_{digest}"
            modname = f"adjit_generated_{stem}"
            module = _MODULES.get(modname)
            from_disk = module is None
            if from_disk:
                module_path = front_path.with_name(f"{stem}.py")
                if not front_path.with_name(f"{stem}.readable.py").exists():
                    return None
                module = _load_module(module_path, modname, digest, (self.entry_name, name))
            module_path = Path(module.__file__)
            readable_path = module_path.with_name(f"{stem}.readable.py")
            spec = Specialization(digest, entry["signature"], module_path, getattr(module, self.entry_name),
                                  getattr(module, name), readable_path, entry["result_dtype"],
                                  time.perf_counter() - t0, from_disk, True, frontkey.tree_from_json(entry),
                                  sharedargs.from_json(entry.get("hazards")))
        except Exception:  # missing, stale or damaged: the full path decides (and rebuilds)
            return None
        cachedir.protect(stem)
        cachedir.touch(front_path, readable_path)  # least recently used goes first (cachedir.evict)
        _MODULES[modname] = module
        self._specs[digest] = spec
        STATS["front_hits"] += 1
        if self.mode in ("value_and_grad", "grad_jvp", "jvp"):
            _preload(spec.entry_dispatcher, self._entry_args(spec, args))
        return spec

    def _write_front(self, front: str, spec: Specialization) -> None:
        entry = {"key": spec.key, "signature": spec.signature, "result_dtype": spec.result_dtype,
                 "hazards": sharedargs.to_json(spec.hazards)}
        path = self._front_path(front)
        if path is None or path.parent != spec.module_path.parent:  # in memory, or the directory changed
            return
        if not frontkey.tree_to_json(spec.out_tree, entry):  # a NamedTuple or dataclass returned: no front entry
            return
        try:
            _write_atomic(path, json.dumps(entry))
            cachedir.note_write(path.parent)
        except OSError:  # a read-only cache still works, through the full path
            pass

    def _build_full(self, args: tuple) -> Specialization:
        primal, builder = self._lower(args)
        cheap = tiering.cheap(primal)  # (before generate: its passes rewrite the primal)
        layouts = [_layout(a) for a in args]  # one per leaf
        sig = _signature_text(primal, layouts)
        ir_text = print_function(primal)
        # The key hashes the generated code itself: code that bakes in an extent (a concatenate's
        # split points in its VJP, a zeros of static shape) differs between sizes and so gets a
        # module of its own, while size-generic code is shared by every size (the IR and the
        # signature alone left sizes out, and a second size reused the first one's split points).
        readable, lowered = self.generate(args, primal, builder)
        code = "\n".join(readable[0] + readable[1] + lowered[0] + lowered[1])
        digest = hashlib.sha256("\n".join([frontkey._FINGERPRINT, simd.ISA, self.mode, _nest_key(self.fun), repr(self.wrt), repr(self.wrt_fwd), repr(self.has_aux),
                                           repr(self.checkpoint), repr(self.parallel), *_opt_key(), self.parsed.filename,
                                           self.parsed.source, ir_text, sig, code,
                                           repr(primal.out_tree)]).encode()).hexdigest()[:20]
        spec = self._specs.get(digest)
        if spec is not None:
            return spec
        t0 = time.perf_counter()
        name = self.name
        stem = f"{name}_{digest}"
        modname = f"adjit_generated_{stem}"
        names = (self.entry_name, name)
        directory = modules.cache_dir()
        module = _MODULES.get(modname)
        from_disk = False
        if module is None and directory is not None:
            module_path = directory / f"{stem}.py"
            readable_path = directory / f"{stem}.readable.py"
            if module_path.exists() and readable_path.exists():
                try:
                    module = _load_module(module_path, modname, digest, names)
                    from_disk = True
                    cachedir.protect(stem)
                    cachedir.touch(readable_path)
                except Exception:  # a damaged entry is deleted and rebuilt, never trusted
                    module = None
                    with cachelock.locked(directory):
                        cachedir.discard_entry(directory, stem)
        if module is None:
            title = f"{self.parsed.filename}:{self.parsed.firstline} ({name})"  # escaped by module_text
            shown = sig
            if self.host is not None:  # what NumPy computes before this code (frontend/host.py)
                shown += "".join(f"\n{h}: {rest[0]}" if len(rest) == 1 else
                                 f"\n{h}: computed by NumPy before this code, on every call, by line {loc.line}: "
                                 f"{loc.stmt}" for h, (loc, *rest) in zip(self.host.hidden, self.host.checks))
            with timing.phase("module: write, import"):
                module = _store_module(stem, modname, digest,
                                       module_text(title, shown, digest, readable[0], readable[1], False),
                                       module_text(title, shown, digest, lowered[0], lowered[1], True, self.parallel),
                                       names)
        module_path = Path(module.__file__)
        readable_path = module_path.with_name(f"{stem}.readable.py")
        _MODULES[modname] = module
        spec = Specialization(digest, sig, module_path, getattr(module, self.entry_name),
                              getattr(module, name), readable_path, primal.results[0].type.dtype,
                              time.perf_counter() - t0, from_disk, out_tree=primal.out_tree,
                              hazards=tuple(getattr(primal, "param_hazards", ())), cheap=cheap)
        self._specs[digest] = spec
        if from_disk and self.mode in ("value_and_grad", "grad_jvp", "jvp"):
            _preload(spec.entry_dispatcher, self._entry_args(spec, args))
        return spec

    def _entry_args(self, spec: Specialization, args: tuple) -> tuple:
        """The entry's arguments as its call will pass them, for loading or compiling it early: an
        hvp's (grad_jvp) and a jvp's entry also take a tangent like each argument they differentiate
        along (transforms._like makes each tangent C-ordered of its primal's shape and dtype); a
        guess that misses only costs the early load (modules._preload), and the call then goes
        through Numba."""
        along = {"grad_jvp": self.wrt_fwd, "jvp": self.wrt}.get(self.mode, ())
        tangents = tuple(args[k] for k in along if k < len(args))
        args = tuple(None if isinstance(a, _FUNCTIONS) else a for a in args)  # as without_functions passes them
        return args + tangents + workspace_args(spec.entry_dispatcher)

    @property
    def entry_name(self) -> str:
        return self.name + self.ENTRY[self.mode]

    def transform(self, primal: Function, builder) -> Function:
        """The transformed IR of `primal` for this mode (a new function; `primal` stays as it is)."""
        from .. import forward, reverse
        from ..passes.spent import spend

        wrt, wrt_fwd = primal.wrt_leaves, primal.wrt_fwd_leaves  # parameter positions: leaves (_lower)
        check_differentiable(primal, builder, wrt, self.mode != "jvp")
        if self.mode == "value_and_grad":
            return reverse.value_and_grad(primal, builder, wrt, self.checkpoint)
        if self.mode == "vjp":
            fn, n_out = _output_leaves(primal)  # a tuple returned: one cotangent per leaf
            return reverse.vjp(fn, builder, wrt, self.checkpoint, n_out)
        n_aux = len(primal.results) - 1 if self.has_aux else 0  # has_aux: passed through, last (_split_aux)
        if self.mode == "grad_jvp":  # (a custom_vjp rule applied once: its fwd and bwd differentiated as code)
            grad = spend(reverse.value_and_grad(primal, builder, wrt))
            check_differentiable(grad, builder, wrt_fwd, False)
            return forward.jvp(grad, builder, wrt_fwd, all_results=True, passthrough=n_aux)
        if self.mode == "vjp_jvp":  # (*leaves, *gradients, *their tangents, *aux): forward over the vjp
            fn, n_out = _output_leaves(primal)
            pull = spend(reverse.vjp(fn, builder, wrt, None, n_out))
            check_differentiable(pull, builder, wrt_fwd, False)
            return forward.jvp(pull, builder, wrt_fwd, all_results=True, passthrough=n_aux)
        return forward.jvp(primal, builder, wrt, passthrough=n_aux)

    def generate(self, args: tuple, primal: Function, builder) -> tuple:
        """(readable functions, helpers), (lowered functions, helpers) for these arguments."""
        from .. import codegen
        from ..passes.pipeline import lower, optimize

        try:  # the transformations leave `primal` as it is (they work on a clone of it)
            with timing.phase(f"AD: {self.mode}"):
                transformed = self.transform(primal, builder)
            transformed = optimize(transformed)
            primal = optimize(primal)
        except AdjitError:
            raise
        except Exception as e:  # a bug in a pass: say so, with the IR
            raise InternalCompilerError(f"{type(e).__name__}: {e}", print_function(primal)) from e
        out = []
        for lowered in (False, True):  # the lowered rendering gets the lowering passes' IR (a copy)
            f_ir, g_ir = (lower(primal), lower(transformed)) if lowered else (primal, transformed)
            with timing.phase("codegen: lowered" if lowered else "codegen: readable"):
                f = codegen.render(f_ir, self.name, lowered, self.parsed.name, self.parallel)
                g = codegen.render(g_ir, self.entry_name, lowered, self.parsed.name, self.parallel)
            helpers = sorted(set(f.helpers) | set(g.helpers))
            out.append(([f.source, g.source], helpers))
        return out[0], out[1]

    # -- inspection
    def source(self, *args, lowered: bool = False, **kwargs) -> str:
        """The generated Python source (forward and adjoint) for these example arguments."""
        args, kwargs = unconsumed(args, kwargs)
        spec = self.specialize(*args, **kwargs)
        return spec.lowered if lowered else spec.readable

    def ir(self, *args, adjoint: bool = False, **kwargs) -> str:
        """The printed IR for these example arguments: the primal function, or with adjoint=True
        the optimized transformed function (forward sweep + reverse sweep) that codegen renders."""
        from ..passes.pipeline import optimize

        primal, builder = self._lower(self._bind(*unconsumed(args, kwargs)))
        if not adjoint:
            return print_function(primal)
        return print_function(optimize(self.transform(primal, builder)))

    @property
    def signatures(self) -> list[str]:
        """The argument signatures compiled so far."""
        return [s.signature for s in self._specs.values()]

    def __reduce__(self):
        """Pickled as the function (by reference, or its source and the globals it reads) and the
        options, never compiled state: see pickling.py."""
        from . import pickling

        wrt, wrt_fwd = self._given
        return pickling.reduce(self, CompiledFunction, (self.fun, wrt, self.mode, self.checkpoint, self.parallel,
                                                        wrt_fwd, self.has_aux))


def with_host_values(c: "CompiledFunction", bound: tuple, args: tuple, kwargs: dict) -> tuple:
    """The bound arguments and, after them, what the hoisted statements compute from them
    (frontend/host.py), run by NumPy on every call."""
    from .arguments import Flat, _bind_flat, bind_names

    callee = c.callee  # the prologue runs once (a generator argument's draws are made there); a table of counts
    values = bound if not isinstance(bound, Flat) else \
        bind_names(c.parsed, callee.fn, callee.prefix + tuple(args), {**callee.kwargs, **kwargs})
    extra = tuple(c.host.run(replayed(tuple(values))))  # it makes (a dict): a dict argument's leaves and tree
    if any(isinstance(x, dict) for x in extra):
        return _bind_flat(c.host.kernel, tuple(values) + extra, callee.objects)
    if not isinstance(bound, Flat):
        return bound + extra
    n = len(c.parsed.param_names)
    out = Flat(list(bound) + list(extra))
    out.trees = bound.trees + (None,) * len(extra)
    out.spans = bound.spans + tuple((len(bound) + i, 1) for i in range(len(extra)))
    out.names = bound.names + tuple(c.host.hidden)
    out.texts = bound.texts + tuple(c.host.hidden)
    out.owner = bound.owner + tuple(n + i for i in range(len(extra)))
    return out


def _opt_key() -> list:
    """ADJIT_OPT in the keys, when set (llvmopt.py); nothing otherwise: the keys stay as they were."""
    text = llvmopt.key_text()
    return [text] if text else []


def _split_aux(fn: Function) -> None:
    """has_aux: the function returns the tuple (value, aux); its results become value and the aux
    parts (the leaves of aux: an array or number, or a tuple, list, dict, NamedTuple or dataclass of
    them, nested; none for aux None), so the transformations differentiate the value and pass the
    aux parts through (adjit/outputs.py rebuilds aux from fn.out_tree)."""
    from ..ir import Op, walk

    result, tree = fn.results[0], fn.out_tree
    producer = next((n for n in walk(fn.body) if isinstance(n, Op) and n.out is result and n.prim == "tuple"), None)
    pair = len(producer.inputs) == 2 if producer is not None and tree is None else tree is not None and \
        tree[0] in ("tuple", "list") and len(tree[1]) == 2 and tree[1][0][0] != "static"  # aux None: no input
    if producer is None or not pair:
        raise AdjitTypeError("has_aux=True: the function must return a pair (value, aux) once, at its end",
                             fn.result_loc, hint="return loss, aux")
    fn.results = [producer.inputs[0]] + [x for aux in producer.inputs[1:] for x in _tuple_leaves(fn, aux, "aux")]


def _tuple_leaves(fn: Function, v, what: str = "the result") -> list:
    """The arrays and numbers a (nested) tuple value holds, in order: the leaves of a structured
    result (frontend/structout.py builds it of `tuple` ops)."""
    from ..ir import Op, walk

    producers = {n.out.id: n for n in walk(fn.body) if isinstance(n, Op) and n.prim == "tuple"}

    def leaves(v) -> list:
        if v.type is not None and v.type.kind == "tuple":
            op = producers.get(v.id)
            if op is None:
                raise AdjitTypeError(f"{what} has type {v.type}, a tuple adjit cannot take apart here",
                                     fn.result_loc, hint="return the tuple's items as a tuple literal, (a, b)")
            return [x for i in op.inputs for x in leaves(i)]
        if v.type is None or v.type.kind not in ("array", "scalar"):
            raise AdjitTypeError(f"{what} holds a {v.type}; a structured result must hold arrays and numbers",
                                 fn.result_loc)
        return [v]
    return leaves(v)


def _output_leaves(fn: Function) -> tuple:
    """(fn, 1) for an array or number result; for a structured result (a tuple, list, dict,
    NamedTuple or dataclass returned, nested), a shallow copy of fn whose first results are its
    leaves in order, and their number (vjp of a structured output: transforms.vjp flattens the
    cotangent the same way)."""
    import copy

    result = fn.results[0]
    if result.type is None or result.type.kind != "tuple":
        return fn, 1
    out = _tuple_leaves(fn, result)
    if not out:
        raise AdjitTypeError("the result holds no array or number: there is nothing to differentiate", fn.result_loc)
    split = copy.copy(fn)
    split.results = out + list(fn.results[1:])
    return split, len(out)


# ------------------------------------------------------------------- transformations transformed again

def _nest_levels(fun) -> list:
    """The transformations `fun` stacks on its innermost function, outermost first (frontend/nested.py)."""
    levels = []
    while getattr(fun, "__adjit_transform__", None) and getattr(fun, "__adjit_nested__", None) is not None:
        spec = fun.__adjit_nested__
        levels.append(spec)
        fun = spec["fun"]
    return levels


def _nest_suffix(fun) -> str:
    """grad(f) transformed again is rendered as `f_grad` (its entry point `f_grad_grad`)."""
    return "_grad" * len(_nest_levels(fun))


def _nest_key(fun) -> str:
    """What the keys must tell apart besides the innermost function: each level's options."""
    return repr([(s["with_value"], tuple(s["wrt"]), s["single"], s["has_aux"]) for s in _nest_levels(fun)])


def _inner_gradient(fn: Function, builder, wrt: list) -> Function:
    """Reverse mode for a gradient called inside the function being lowered (frontend/nested.py)."""
    from .. import reverse
    from ..passes.spent import spend

    check_differentiable(fn, builder, wrt, True)
    return spend(reverse.value_and_grad(fn, builder, wrt))  # differentiated again: passes/spent.py


def _transpose_rule(fn: Function, builder, wrt: list, what: str) -> Function:
    """Reverse mode for a custom_jvp function's rule, transposed (frontend/custom_calls.py)."""
    from ..passes.dce import eliminate_dead_code
    from ..reverse.transpose import transpose_linear

    check_differentiable(fn, builder, wrt, True)
    return transpose_linear(fn, builder, wrt, what, eliminate_dead_code)


def check_differentiable(fn: Function, builder, wrt: list, reverse_mode: bool) -> None:
    """What a transformation cannot differentiate exactly is a located error, never a wrong
    derivative: a value pushed on the tape of an inlined gradient (reverse mode cannot follow a
    tape from its pop back to its push; forward mode carries a companion tape)."""
    from ..activity import varied_values
    from ..ir import Op, walk

    tapes = getattr(builder, "nested_tapes", None) or {}
    if not tapes:
        return
    varied = varied_values(fn, {fn.params[k].id for k in wrt})
    for n in walk(fn.body):
        if not isinstance(n, Op) or not n.inputs or n.inputs[0].id not in varied:
            continue
        if reverse_mode and n.prim == "tape_push" and n.attrs["tape"] in tapes:
            loc, label = tapes[n.attrs["tape"]]
            raise TapedGradientError(
                f"the gradient code of {label}, differentiated here in reverse mode, records values on a tape "
                "(a loop that carries a value it differentiates, or a branch on the data), and reverse mode "
                "cannot differentiate a tape again", loc,
                hint="differentiate the caller in forward mode (adjit.jvp, adjit.jacfwd), or take second "
                     "derivatives of the helper itself with adjit.hvp / adjit.hessian (forward over reverse)")


class TapedGradientError(UnsupportedSyntaxError):
    """Reverse mode over a gradient whose code pops values off a tape (check_differentiable);
    grad(grad(f)) catches it and takes the second derivative by forward over reverse instead."""


def _check_transformed_again(c: "CompiledFunction", primal: Function) -> None:
    """grad of a gradient needs a scalar (as in JAX): a located error that names the way out."""
    if c.mode not in ("value_and_grad", "grad_jvp") or c.has_aux:
        return
    t = primal.results[0].type
    if t.kind == "scalar" or (t.kind == "array" and t.ndim == 0):
        return
    inner = c.nested
    what = ", ".join(f"'{c.parsed.param_names[k]}'" for k in inner["wrt"])
    raise AdjitTypeError(f"grad of a gradient: the inner {'value_and_grad' if inner['with_value'] else 'grad'} "
                         f"(with respect to {what}) returns {t}, not a scalar, so it has no gradient",
                         c.parsed.loc(c.parsed.node),
                         hint="use adjit.hessian(f) for the matrix of second derivatives, adjit.hvp(f) for a "
                              "Hessian-vector product, or adjit.jacobian(adjit.grad(f))")
