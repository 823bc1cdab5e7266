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

_METRICS = ("euclidean", "sqeuclidean", "cityblock", "chebyshev", "minkowski", "cosine", "correlation")

FORMS: dict = {
    "cdist": ((Lazy("scipy.spatial.distance", "cdist"),), (),
              "the distance of every row of `XA` to every row of `XB`, `(a[:, None] - b[None])` reduced over the last "
              "axis: metric 'euclidean' (`sqrt` with the derivative 0 at 0), 'sqeuclidean', 'cityblock', 'chebyshev', "
              "'minkowski' (`p`), 'cosine', 'correlation'"),
    "pdist": ((Lazy("scipy.spatial.distance", "pdist"),), (),
              "the distances of the pairs `i < j` (gathers at `np.triu_indices(n, 1)`), the metrics of cdist"),
    "squareform": ((Lazy("scipy.spatial.distance", "squareform"),), (),
                   "a condensed vector of `n (n - 1) / 2` distances written at `(i, j)` and `(j, i)`, `i < j`, "
                   "of `np.zeros((n, n))`; a square matrix to its condensed vector only with `checks=False`"),
}


class SpatialForms(FormsBase):
    def _pairs(self, n: int, node):
        return self.tri_indices(np.triu_indices, [n, 1], {}, node, "np.triu_indices")

    def _observations(self, x, node, label, name):
        x = self.value(x, node)
        if x.type.kind != "array" or x.type.rank != 2:
            raise self.err(ShapeError, f"{label}: {name} must be a 2-D array of observations", node)
        # SciPy computes every metric in double precision (float32 observations give float64 distances)
        return x if x.type.dtype == "float64" else self.b.emit("astype", [x], dtype="float64")

    def _metric(self, label, metric, p, node):
        if not isinstance(metric, str) or metric not in _METRICS:
            raise self.err(UnsupportedSyntaxError, f"{label}: metric={metric!r} is not supported", node,
                           hint="supported: " + ", ".join(repr(m) for m in _METRICS) + "; or write the distance "
                                "with NumPy: a[:, None] - b[None]")
        if metric == "minkowski" and (isinstance(p, bool) or not isinstance(p, (int, float)) or not p >= 1):
            raise self.err(UnsupportedSyntaxError, f"{label}: p={p!r} must be a number >= 1 known when compiled",
                           node)

    def _distance(self, u, v, axis: int, metric: str, p):
        """The metric between u and v (broadcast against each other) along `axis`, as SciPy defines it."""
        red = lambda prim, t: self.b.emit(prim, [t], axis=(axis,), keepdims=False)  # noqa: E731
        if metric in ("cosine", "correlation"):
            if metric == "correlation":  # the cosine distance of the centred rows
                u = self.b.emit("sub", [u, self.b.emit("mean", [u], axis=(axis,), keepdims=True)])
                v = self.b.emit("sub", [v, self.b.emit("mean", [v], axis=(axis,), keepdims=True)])
            uv = red("sum", self.b.emit("mul", [u, v]))
            nu, nv = (self.b.emit("sqrt", [red("sum", self.b.emit("mul", [t, t]))]) for t in (u, v))
            return self.b.emit("sub", [self.b.const(1.0), self.b.emit("div", [uv, self.b.emit("mul", [nu, nv])])])
        diff = self.b.emit("sub", [u, v])
        if metric in ("euclidean", "sqeuclidean") or metric == "minkowski" and p == 2:
            sq = red("sum", self.b.emit("mul", [diff, diff]))
            return sq if metric == "sqeuclidean" else self._safe_root(sq, 2)
        a = self.b.emit("abs", [diff])
        if metric == "minkowski" and p == math.inf:  # SciPy's p = inf is the Chebyshev distance
            return red("max", a)
        if metric == "minkowski" and p != 1:
            return self._safe_root(red("sum", self.b.emit("pow", [a, self.b.const(float(p))])), float(p))
        return red("sum" if metric in ("cityblock", "minkowski") else "max", a)

    def form_cdist(self, label, args, kwargs, node):
        a, b, metric, p = self.bind_args(label, ("XA", "XB", "metric", "p"), args, kwargs, node, metric="euclidean",
                                         p=2)
        self._metric(label, metric, p, node)
        a, b = self._observations(a, node, label, "XA"), self._observations(b, node, label, "XB")
        # the derivative 0 at a distance 0 (cdist(X, X)'s diagonal is 0 whatever X is), as np.linalg.norm
        return self._distance(self.b.emit("expand_dims", [a], axis=(1,)), self.b.emit("expand_dims", [b], axis=(0,)),
                              2, metric, p)

    def form_pdist(self, label, args, kwargs, node):
        x, metric, p = self.bind_args(label, ("X", "metric", "p"), args, kwargs, node, metric="euclidean", p=2)
        self._metric(label, metric, p, node)
        x = self._observations(x, node, label, "X")
        n = self._extent(x, 0, node, label)
        rows, cols = self._pairs(n, node)
        index = (("array", 1), _FULL)
        return self._distance(self.b.emit("gather", [x, rows], index=index), self.b.emit("gather", [x, cols], index=index),
                              1, metric, p)

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
