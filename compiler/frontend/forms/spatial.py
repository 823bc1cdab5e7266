"""scipy.spatial.distance's pdist and squareform, composed of rows (issue 12: a kriging likelihood
writes `h = squareform(pdist(scaled))`). pdist gathers the pairs i < j (np.triu_indices(n, 1), n
known when compiled) and takes their distance, so no distance of a point to itself enters: the
diagonal squareform adds is a constant 0 (cdist(X, X) takes its square root at 0 with the
derivative 0, the subgradient, as np.linalg.norm does)."""
from __future__ import annotations

import math

import numpy as np

from ...errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ...primitives.table import Lazy
from .base import _FULL, FormsBase

_METRICS = ("euclidean", "sqeuclidean", "cityblock", "chebyshev")

FORMS: dict = {
    "pdist": ((Lazy("scipy.spatial.distance", "pdist"),), (),
              "the distances of the pairs `i < j` (gathers at `np.triu_indices(n, 1)`), metric 'euclidean' "
              "(`sqrt` with the derivative 0 at 0), 'sqeuclidean', 'cityblock' or 'chebyshev'"),
    "squareform": ((Lazy("scipy.spatial.distance", "squareform"),), (),
                   "a condensed vector of `n (n - 1) / 2` distances written at `(i, j)` and `(j, i)`, `i < j`, "
                   "of `np.zeros((n, n))`; a square matrix to its condensed vector only with `checks=False`"),
}


class SpatialForms(FormsBase):
    def _pairs(self, n: int, node):
        return self.tri_indices(np.triu_indices, [n, 1], {}, node, "np.triu_indices")

    def form_pdist(self, label, args, kwargs, node):
        x, metric = self.bind_args(label, ("X", "metric"), args, kwargs, node, metric="euclidean")
        if not isinstance(metric, str) or metric not in _METRICS:
            raise self.err(UnsupportedSyntaxError, f"{label}: metric={metric!r} is not supported", node,
                           hint="supported: " + ", ".join(repr(m) for m in _METRICS))
        x = self.value(x, node)
        if x.type.kind != "array" or x.type.rank != 2:
            raise self.err(ShapeError, f"{label}: X must be a 2-D array of observations", node)
        if x.type.dtype not in ("float32", "float64"):
            x = self.b.emit("astype", [x], dtype="float64")
        n = self._extent(x, 0, node, label)
        rows, cols = self._pairs(n, node)
        index = (("array", 1), _FULL)
        diff = self.b.emit("sub", [self.b.emit("gather", [x, rows], index=index),
                                   self.b.emit("gather", [x, cols], index=index)])
        if metric in ("euclidean", "sqeuclidean"):
            sq = self.b.emit("sum", [self.b.emit("mul", [diff, diff])], axis=(1,), keepdims=False)
            return sq if metric == "sqeuclidean" else self._safe_root(sq, 2)
        a = self.b.emit("abs", [diff])
        return self.b.emit("sum" if metric == "cityblock" else "max", [a], axis=(1,), keepdims=False)

    def form_squareform(self, label, args, kwargs, node):
        x, force, checks = self.bind_args(label, ("X", "force", "checks"), args, kwargs, node, force="no",
                                          checks=True)
        x = self.value(x, node)
        rank = x.type.rank if x.type.kind == "array" else 0
        if force not in ("no", "tomatrix", "tovector") or (force == "tomatrix" and rank != 1) or \
                (force == "tovector" and rank != 2):
            raise self.err(UnsupportedSyntaxError, f"{label}: force={force!r} for a {rank}-D array", node)
        if rank == 1:
            m = self._extent(x, 0, node, label)
            n = (1 + math.isqrt(1 + 8 * m)) // 2
            if n * (n - 1) // 2 != m:
                raise self.err(ShapeError, f"{label}: a condensed distance vector has n (n - 1) / 2 elements, "
                               f"not {m}", node)
            n = max(n, 1)
            out = self.b.emit("zeros", [self._const_shape((n, n))], dtype=x.type.dtype)
            if m == 0:
                return out
            rows, cols = self._pairs(n, node)
            out = self.b.emit("index_update", [out, x, rows, cols], index=(("array", 2), ("array", 3)))
            return self.b.emit("index_update", [out, x, cols, rows], index=(("array", 2), ("array", 3)))
        if rank == 2:
            if checks is not False:
                raise self.err(UnsupportedSyntaxError, f"{label} of a square matrix checks that it is symmetric "
                               "with a zero diagonal, which depends on the data", node,
                               hint="squareform(D, checks=False), or D[np.triu_indices(n, 1)]")
            n = self._extent(x, 0, node, label)
            rows, cols = self._pairs(n, node)
            return self.b.emit("gather", [x, rows, cols], index=(("array", 1), ("array", 2)))
        raise self.err(AdjitTypeError, f"{label} takes a condensed vector or a square matrix", node)
