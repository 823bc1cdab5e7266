"""Data-parallel gradients and training on Dask (dask.distributed): `pip install -e '.[distributed]'`.

The gradient of a loss that is a sum over examples is the sum of the gradients of its chunks, so a
batch split along its batch axis into chunks that live on the workers gives the full gradient as a
tree of sums of per-chunk `value_and_grad` calls, computed where the chunks are:

    client = distributed.Client(distributed.LocalCluster(n_workers=2, threads_per_worker=1))
    g = adjit.value_and_grad(loss, wrt=(0, 1, 2, 3))
    batches = adjit.distributed.scatter_batches(client, (x, labels), n_chunks=8, axis=(1, 0))
    value, grads = adjit.distributed.value_and_grad_sum(client, g, params, batches, weights="mean")

- `scatter_batches` splits arrays into chunks along their batch axes and scatters them (one future
  per chunk holding the chunk of every array), without Dask's hashing: scattering identical data
  again must not give the same key (Dask would cancel the tasks that depend on the first);
- `value_and_grad_sum`: the (weighted) sum of `g(*params, *chunk)` over the chunks, reduced as a
  fixed tree on the cluster (so the order of the additions, and the result, do not depend on which
  worker finishes first). `weights=None` sums (losses that are sums); `"mean"` weights chunk k by
  n_k / N (losses that are means over the batch); or one number per chunk;
- `Trainer`: a training loop whose parameters and optimizer state (an `adjit.optim` optimizer)
  stay on the cluster: a step is tasks (the chunks' gradients, their tree of sums, the update),
  submitted without waiting, and the client fetches only the losses (and the parameters when
  asked). The update copies the optimizer before stepping it: a task that Dask runs again (after
  a worker was lost) finds its inputs as they were, and nothing is counted twice;
- `value_and_grad_blocks`: the same sum over the blocks of `dask.array`s chunked along the batch
  axis, by `map_blocks`.

Compiled gradients travel as their function and options (compiler/jit/pickling.py): each worker
builds a gradient once, and loads its compiled code from the disk cache when a process has
compiled it before.
"""
from __future__ import annotations

import collections
import copy
import threading
import uuid
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Sequence

import numpy as np

from .runtime.trees import flatten, is_structure, unflatten

__all__ = ["Batches", "split", "scatter_batches", "value_and_grad_sum", "submit_sum", "SumFuture", "Trainer", "StateLost",
           "value_and_grad_blocks",
           "tree_sum"]


# ------------------------------------------------------------------------------------ chunks

def _axes(axis, n: int) -> tuple:
    axes = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,) * n
    if len(axes) != n:
        raise ValueError(f"axis gives {len(axes)} batch axes for {n} arrays")
    return axes


def split(arrays: Sequence[np.ndarray], n_chunks: int | None = None, chunk_size: int | None = None,
          axis=0) -> list[tuple]:
    """The arrays cut along their batch axes (`axis`: one for all, or one per array) into chunks:
    a list with one tuple of contiguous arrays per chunk. Give `n_chunks` (sizes differing by at
    most one) or `chunk_size` (the last chunk takes the rest)."""
    arrays = [np.asarray(a) for a in arrays]
    if not arrays:
        raise ValueError("no arrays to split")
    axes = _axes(axis, len(arrays))
    n = arrays[0].shape[axes[0]]
    for a, ax in zip(arrays, axes):
        if a.shape[ax] != n:
            raise ValueError(f"the arrays do not have the same batch size: {a.shape[ax]} (axis {ax}) and {n}")
    if (n_chunks is None) == (chunk_size is None):
        raise ValueError("give exactly one of n_chunks and chunk_size")
    if chunk_size is not None:
        if chunk_size < 1:
            raise ValueError(f"chunk_size must be >= 1, not {chunk_size}")
        bounds = list(range(0, n, chunk_size)) + [n]
    else:
        if not 1 <= n_chunks <= max(n, 1):
            raise ValueError(f"n_chunks must be between 1 and the batch size {n}, not {n_chunks}")
        bounds = [k * n // n_chunks for k in range(n_chunks + 1)]
    chunks = []
    for lo, hi in zip(bounds[:-1], bounds[1:]):
        chunks.append(tuple(np.ascontiguousarray(np.take(a, np.arange(lo, hi), axis=ax)) if a.ndim > 1
                            else np.ascontiguousarray(a[lo:hi]) for a, ax in zip(arrays, axes)))
    return chunks


@dataclass
class Batches:
    """Chunks of a batch on the cluster: `futures[k]` holds chunk k's tuple of arrays, of
    `sizes[k]` examples."""

    futures: list
    sizes: list

    @property
    def total(self) -> int:
        return sum(self.sizes)

    def __len__(self) -> int:
        return len(self.futures)

    def weights(self, weights) -> list[float]:
        """One factor per chunk: None -> 1 (a sum), "mean" -> n_k / N, or the numbers given."""
        if weights is None:
            return [1.0] * len(self)
        if isinstance(weights, str):
            if weights != "mean":
                raise ValueError(f"weights must be None, 'mean' or one number per chunk, not {weights!r}")
            return [n / self.total for n in self.sizes]
        weights = [float(w) for w in weights]
        if len(weights) != len(self):
            raise ValueError(f"{len(weights)} weights for {len(self)} chunks")
        return weights


def scatter_batches(client, arrays: Sequence[np.ndarray], n_chunks: int | None = None,
                    chunk_size: int | None = None, axis=0, replicas: int = 1) -> Batches:
    """Split `arrays` (see `split`) and scatter the chunks over the workers, round robin, one future
    per chunk. `hash=False`: each scatter makes new keys. `replicas` > 1 keeps that many copies of
    each chunk (on different workers), so a step survives the loss of a worker; the cluster's
    Active Memory Manager must then be off (it removes extra copies: a warning says so)."""
    chunks = split(arrays, n_chunks, chunk_size, axis)
    futures = client.scatter(chunks, hash=False)
    if replicas > 1:
        if client.amm.running():
            warnings.warn("the cluster's Active Memory Manager removes the extra copies of scattered chunks: start "
                          "the cluster with distributed.scheduler.active-memory-manager.start=False (or call "
                          "client.amm.stop()) to keep replicas", RuntimeWarning, stacklevel=2)
        client.replicate(futures, n=replicas)
    return Batches(list(futures), [_chunk_size(c, _axes(axis, len(c))) for c in chunks])


def _chunk_size(chunk: tuple, axes: tuple) -> int:
    return int(np.shape(chunk[0])[axes[0]])


# ------------------------------------------------------------------------- sums of results

def tree_sum(a, b):
    """a + b through tuples, lists, dicts, NamedTuples, dataclasses and their nesting (None + None
    is None): the sum of two results of a gradient (runtime/trees.py's structures, as JAX's)."""
    if a is None and b is None:
        return None
    if is_structure(a) or is_structure(b):
        if not (is_structure(a) and is_structure(b)):
            raise ValueError("results of different structures cannot be summed")
        (la, ta, _), (lb, tb, _) = flatten(a), flatten(b)
        if ta != tb:
            raise ValueError("results of different structures cannot be summed")
        return unflatten(ta, [x + y for x, y in zip(la, lb)])
    if a is None or b is None:
        raise ValueError("results of different structures cannot be summed")
    return a + b


def _scale(r, w: float):
    if w == 1.0 or r is None:
        return r
    if is_structure(r):  # dicts, lists, tuples, NamedTuples, dataclasses, nested
        leaves, tree, _ = flatten(r)
        return unflatten(tree, [x * w for x in leaves])
    return r * w


def _chunk_result(g, params, chunk, w: float):
    """One chunk's task: w * g(*params, *chunk)."""
    return _scale(g(*params, *chunk), w)


def _sum_results(*results):
    total = results[0]
    for r in results[1:]:
        total = tree_sum(total, r)
    return total


def _tree(client, futures: list, fan_in: int, keep: list):
    """The futures summed in a fixed tree of `_sum_results` tasks, `fan_in` at a time; every
    future made is added to `keep`."""
    if fan_in < 2:
        raise ValueError(f"fan_in must be >= 2, not {fan_in}")
    level = list(futures)
    while len(level) > 1:
        level = [level[i] if len(level[i:i + fan_in]) == 1 else
                 client.submit(_sum_results, *level[i:i + fan_in], pure=False)
                 for i in range(0, len(level), fan_in)]
        keep += level
    return level[0]


class SumFuture:
    """The pending result of value_and_grad_sum(..., sync=False). It holds every future of the
    computation until the result is fetched: after a worker is lost, Dask recomputes what that
    worker held from them (a future released early would be forgotten, and the sum cancelled)."""

    def __init__(self, future, keep: list):
        self.future, self._keep = future, keep

    def result(self, timeout=None):
        out = self.future.result(timeout=timeout)
        self._keep = []
        return out

    def done(self) -> bool:
        return self.future.done()


def _compiled_here() -> None:
    """A gradient compiling in this process's background (the first tier, compiler/jit/tiering.py)
    is waited for before it is shipped: the workers then load its code from the disk cache."""
    from .compiler.jit import tiering

    tiering.wait()


def submit_sum(client, g, params, batches: Batches, weights=None, fan_in: int = 4) -> SumFuture:
    """The pending weighted sum of `g(*params, *chunk)` over the chunks (see
    value_and_grad_sum); `params` may be a future of the tuple of parameters."""
    ws = batches.weights(weights)
    _compiled_here()
    parts = [client.submit(_chunk_result, g, params, chunk, w, pure=False)
             for chunk, w in zip(batches.futures, ws)]
    keep = [params, *parts]
    return SumFuture(_tree(client, parts, fan_in, keep), keep)


def value_and_grad_sum(client, g: Callable, params: Sequence, batches: Batches, weights=None,
                       fan_in: int = 4, sync: bool = True):
    """The (weighted) sum over the chunks of `g(*params, *chunk)`: for `g = adjit.value_and_grad(loss,
    wrt=...)`, the value and gradients of the loss on the whole batch when the loss is a sum over
    examples (weights=None), or a mean (weights="mean"). The per-chunk calls run where the chunks
    are; their results are summed as a fixed tree on the cluster. `sync=False` returns a
    SumFuture (`.result()`). Parameters given as arrays are scattered to every worker. Every part of
    g's result is summed with its chunk's weight: with has_aux, the aux parts too."""
    if not _is_future(params):  # on every worker: the step survives the loss of one
        [params] = client.scatter([tuple(params)], hash=False, broadcast=True)
    total = submit_sum(client, g, params, batches, weights, fan_in)
    return total.result() if sync else total


def _is_future(x) -> bool:
    return type(x).__name__ == "Future" and hasattr(x, "key")


# ----------------------------------------------------------------------------------- training

def _params_of(opt) -> tuple:
    """The arguments the gradient takes the parameters as: the optimizer's list in order, or its
    dict as one structured argument."""
    return (opt.params,) if isinstance(opt.params, dict) else tuple(opt.params)


# A Trainer's state lives in its workers' memory (one replica per worker process, all equal),
# advanced by the step tasks themselves: the task of step k first applies update k (from the
# partial sums of step k - 1, summed in a fixed order, so every replica computes the same numbers)
# unless this worker has applied it already, then computes its chunks' partial sum. A step is one
# task per worker, depending on the previous step's tasks: the gradients travel (an all-gather),
# the parameters and moments never do. A task run again (on another worker, after one was lost)
# finds the state already at its step and only recomputes its chunks: nothing is applied twice.
_LOCAL: dict = {}
_LOCAL_LOCK = threading.Lock()


class _Local:
    def __init__(self, optimizer):
        self.optimizer = copy.deepcopy(optimizer)
        self.step = 0  # updates applied
        self.losses: list[float] = []  # the loss of each step, before its update


class StateLost(RuntimeError):
    """A Trainer's state is not where a step needs it (a worker was lost, or joined late)."""


def _advance(tid: str, init, step: int, partials: tuple) -> _Local:
    """This worker's replica of trainer `tid`, brought to `step` updates."""
    with _LOCAL_LOCK:
        local = _LOCAL.get(tid)
        if local is None:
            if step != 0:
                raise StateLost(f"this worker holds no state of the training (step {step}): it joined after "
                                "training began, or its state was dropped")
            local = _LOCAL[tid] = _Local(init)
        if local.step == step - 1:
            value, grads = _sum_results(*partials)
            local.optimizer.step(_as_grads(local.optimizer, grads))
            value = value[0] if isinstance(value, tuple) else value  # has_aux: (value, aux)
            local.losses.append(float(value))
            local.step = step
        elif local.step != step:
            raise StateLost(f"a task of step {step} ran again after this worker's state had moved on to step "
                            f"{local.step} (every copy of an earlier result was lost)")
        return local


def _as_grads(optimizer, grads):
    """g's gradients in the optimizer's container: a tuple (or one array, for one parameter) as a
    list, a structure as it is."""
    if isinstance(optimizer.params, list):
        return list(grads) if isinstance(grads, (tuple, list)) else [grads]
    return grads


def _step_task(tid: str, init, step: int, g, chunks: list, weights: list, *partials):
    """Step `step` of trainer `tid` on this worker: update `step`, then the weighted sum of g over `chunks`."""
    local = _advance(tid, init, step, partials)
    params = _params_of(local.optimizer)
    return _sum_results(*[_scale(g(*params, *chunk), w) for chunk, w in zip(chunks, weights)])


def _fetch_task(tid: str, init, step: int, *partials):
    local = _advance(tid, init, step, partials)
    return copy.deepcopy(local.optimizer), list(local.losses)


def _drop(tid: str) -> None:
    with _LOCAL_LOCK:
        _LOCAL.pop(tid, None)


class Trainer:
    """Data-parallel training on a Dask cluster, the parameters and optimizer state kept there.

    `optimizer`: an `adjit.optim` optimizer built on the initial parameters (a list: the first
    arguments of `g`, in order; or a dict: `g`'s first argument, a structure); `g`:
    `adjit.value_and_grad` of the loss with `wrt` the parameters, returning the gradients in the
    optimizer's order; `batches`: from `scatter_batches` (the same data every step: full-batch
    training). `weights` as in value_and_grad_sum ("mean" for a loss that averages over the batch).

    Each worker holding chunks keeps a replica of the optimizer; a step is one task per such
    worker (update, then its chunks' gradients summed), submitted without waiting: `step()`
    returns at once. `run(n)` runs n steps and fetches their losses once, at the end; `params()`
    and `optimizer()` fetch the current state. `close()` frees the replicas."""

    def __init__(self, client, g: Callable, optimizer, batches: Batches, weights=None):
        if getattr(optimizer, "_tree", None) is not None or not isinstance(optimizer.params, (list, dict)):
            raise ValueError("Trainer takes an optimizer over a list of arrays (g's first arguments) or a flat dict "
                             "of arrays (g's first argument), not a nested structure")
        self.client, self.batches = client, batches
        weights = batches.weights(weights)
        _compiled_here()
        self.id = uuid.uuid4().hex
        [self._g] = client.scatter([g], hash=False, broadcast=True)  # unpickled once per worker
        [self._init] = client.scatter([optimizer], hash=False, broadcast=True)
        where = client.who_has(batches.futures)
        roles: dict = {}  # worker -> (chunk futures, weights), in chunk order
        for future, w in zip(batches.futures, weights):
            holders = sorted(where.get(future.key, ())) or [None]
            chunks, ws = roles.setdefault(holders[0], ([], []))
            chunks.append(future)
            ws.append(w)
        self._roles = list(roles.items())
        self._partials: list = []
        # the futures of the last steps stay referenced: after a worker is lost, Dask can rerun its
        # tasks of the unfinished step on another worker (whose replica is one step behind them)
        self._recent: collections.deque = collections.deque(maxlen=4)
        self.steps = 0

    def _pin(self, worker) -> dict:
        return {} if worker is None else {"workers": [worker], "allow_other_workers": True}

    def step(self) -> None:
        """Submit one step (nothing waits)."""
        c, k = self.client, self.steps
        self._partials = [c.submit(_step_task, self.id, self._init, k, self._g, chunks, ws, *self._partials,
                                   pure=False, **self._pin(worker))
                          for worker, (chunks, ws) in self._roles]
        self._recent.append(self._partials)
        self.steps += 1

    def run(self, n_steps: int) -> list[float]:
        """Run n steps; returns their losses (each before its update), fetched once at the end."""
        start = self.steps
        for _ in range(n_steps):
            self.step()
        return self.loss_values()[start:]

    def _fetch(self):
        future = self.client.submit(_fetch_task, self.id, self._init, self.steps, *self._partials, pure=False,
                                    **self._pin(self._roles[0][0]))
        try:
            return future.result()
        except StateLost:
            raise
        except Exception as e:  # a worker lost with data no other worker holds, a task failing
            raise StateLost(f"training step {self.steps - 1} could not complete: {type(e).__name__}: {e}") from e

    def loss_values(self) -> list[float]:
        """The losses of every step so far (waits for the last step)."""
        return self._fetch()[1]

    def params(self):
        """The current parameters, fetched from the cluster (a list, or the dict)."""
        return self._fetch()[0].params

    def optimizer(self):
        """The current optimizer (parameters and moments), fetched from the cluster: a new
        Trainer built on it continues the training."""
        return self._fetch()[0]

    def close(self) -> None:
        """Free the workers' replicas of the state."""
        self.client.run(_drop, self.id)
        self._partials = []
        self._recent.clear()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ----------------------------------------------------------------------------- dask.array

def _flat(result) -> np.ndarray:
    value, grads = result
    grads = grads if isinstance(grads, tuple) else (grads,)
    return np.concatenate([np.atleast_1d(np.asarray(value, dtype=np.float64))] +
                          [np.asarray(g, dtype=np.float64).reshape(-1) for g in grads])


def value_and_grad_blocks(g: Callable, params: Sequence, *arrays, axis=0, weights=None, compute: bool = True):
    """The recipe for `dask.array`: the sum over the blocks of `g(*params, *blocks)` by
    `map_blocks`, for arrays chunked along their batch axis (`axis`: one for all, or one per
    array) and not along any other. `g` is `adjit.value_and_grad` with `wrt` covering the
    parameters, in order; each block's (value, gradients) is flattened into one row, the rows summed
    by dask.array (its own tree reduction) and unflattened into (value, a tuple of gradients).
    weights: None (sum) or "mean".
    compute=False returns the lazy dask array of the flat sum and the function unflattening it."""
    import dask.array as da

    if weights not in (None, "mean"):
        raise ValueError(f"weights must be None or 'mean' here, not {weights!r}")
    params = tuple(params)
    axes = _axes(axis, len(arrays))
    n_total = arrays[0].shape[axes[0]]
    chunks = arrays[0].chunks[axes[0]]
    for a, ax in zip(arrays, axes):
        if a.chunks[ax] != chunks:
            raise ValueError("the arrays must be chunked alike along their batch axes")
        if any(len(c) != 1 for i, c in enumerate(a.chunks) if i != ax):
            raise ValueError(f"an array of shape {a.shape} is chunked along an axis other than its batch axis {ax}")
    # the batch axis moved last in every array: map_blocks then aligns the arrays' blocks on it
    moved = [da.moveaxis(a, ax, -1) for a, ax in zip(arrays, axes)]
    shapes = [np.shape(p) for p in params]
    length = 1 + sum(int(np.prod(s)) for s in shapes)
    ndim = max(a.ndim for a in moved)

    def fn(*blocks):
        own = [np.ascontiguousarray(np.moveaxis(b, -1, ax)) for b, ax in zip(blocks, axes)]
        w = own[0].shape[axes[0]] / n_total if weights == "mean" else 1.0
        flat = _flat(_scale(g(*params, *own), w))
        if flat.shape != (length,):  # never misaligned rows: g's gradients must be the parameters'
            raise ValueError(f"g returned {flat.size - 1} gradient entries for parameters of {length - 1}: its wrt "
                             "must be exactly the parameters, in order")
        return flat

    rows = da.map_blocks(fn, *moved, drop_axis=list(range(ndim - 1)), chunks=((length,) * len(chunks),),
                         dtype=np.float64)
    total = rows.reshape((len(chunks), length)).sum(axis=0)

    def unflatten(flat):
        flat = np.asarray(flat)
        out, at = [], 1
        for p, s in zip(params, shapes):
            size = int(np.prod(s))
            out.append(flat[at:at + size].reshape(s).astype(np.result_type(p), copy=False))
            at += size
        return float(flat[0]), tuple(out)

    if not compute:
        return total, unflatten
    return unflatten(total.compute())
