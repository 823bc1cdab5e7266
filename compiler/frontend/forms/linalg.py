"""Linear algebra composed of rows: `np.dot`, `np.einsum`, `np.tensordot`, `np.linalg.norm`, and the
matrix functions whose NumPy spelling needs more than one row or a cast (`np.linalg.solve`,
`np.linalg.slogdet` and `np.linalg.eigh`, which return a pair, `np.linalg.eigvalsh`), and those of
singular values (`np.linalg.svd`, `svdvals`, `cond`, the norms 2, -2 and 'nuc': rows of
primitives/matfuncs.py).

einsum is planned when the call is compiled (the subscripts are a constant): a label repeated in
one operand is a `diagonal`, a label no other operand and not the output names is a `sum`, and the
operands are contracted left to right, each pair by one (batched) `matmul` of their `transpose`d and
`reshape`d views: labels both keep are batch axes, labels both drop the inner dimension. So its
derivatives are those of the rows. tensordot and np.dot of stacks are einsums."""
from __future__ import annotations

import math
import string

import numpy as np

from ... import shapes as S
from ...errors import AdjitTypeError, ShapeError, UnsupportedSyntaxError
from ...ir import Value
from ..values import Undefined, _is_number
from .base import FormsBase

# spelling -> (the NumPy objects or method names it matches, what it lowers to)
FORMS = {
    "dot": ((np.dot,), ("dot",), "`mul` with a number, `matmul` when `b` is 1-D or 2-D, else a `tensordot` "
                                 "over the last axis of `a` and the second-to-last of `b`"),
    "einsum": ((np.einsum,), (),
               "subscripts known when the call is compiled (explicit `->`, implicit, `...`): `diagonal` for a "
               "repeated label, `sum` for a label only one operand has, then pairwise (batched) `matmul` of "
               "`transpose`d and `reshape`d operands (`mul` and `sum` for integers); `optimize=` is accepted and "
               "ignored"),
    "tensordot": ((np.tensordot,), (), "an `einsum`: `axes` an int or a pair of axis lists"),
    "norm": ((np.linalg.norm,), (),
             "vectors: `ord` None/2 `sqrt(sum(x * x))`, 1 `sum(abs)`, inf/-inf `max`/`min` of `abs`, 0 the count "
             "of nonzeros, other p (negative too) `sum(abs(x) ** p) ** (1 / p)`; matrices (`axis` a pair, or "
             "2-D): None/'fro', 1/-1, inf/-inf, and "
             "2/-2/'nuc' from the singular values (`svd_s`: the largest, the smallest, their sum; one matrix, "
             "distinct singular values for the gradient of 2/-2); `axis`, `keepdims`. The gradient at 0 is the "
             "subgradient 0 (not NaN)"),
    "solve": ((np.linalg.solve,), (), "the `solve` row, both operands cast to their common float dtype"),
    "det": ((np.linalg.det,), (), "the `det` row; of a stack of 2x2 or 3x3 matrices (`F` of shape (..., 2, 2)), "
                                  "the cofactor expansion elementwise over the stack"),
    "inv": ((np.linalg.inv,), (), "the `inv` row; of a stack of 2x2 or 3x3 matrices, the adjugate over the "
                                  "determinant elementwise over the stack"),
    "slogdet": ((np.linalg.slogdet,), (), "the pair (`slogdet_sign`, `slogdet`): unpack it "
                                          "(`sign, logdet = np.linalg.slogdet(a)`)"),
    "eigh": ((np.linalg.eigh,), (), "the pair (`eigh_w`, `eigh_v`), eigenvalues ascending; distinct eigenvalues "
                                    "for the gradient; the lower triangle is read (`UPLO='L'`), or with `UPLO='U'` the upper one (of the "
                                    "matrix with its last two axes swapped)"),
    "eigvalsh": ((np.linalg.eigvalsh,), (), "`eigh_w`"),
    "cholesky": ((np.linalg.cholesky,), (), "the `cholesky` row (the lower triangle read); `upper=True` (NumPy 2): the "
                                            "row of the matrix with its last two axes swapped, swapped back (the upper "
                                            "triangle read, as NumPy does)"),
    "svd": ((np.linalg.svd,), (), "`compute_uv=False`: `svd_s`; else the triple (`svd_u`, `svd_s`, `svd_vh`), thin "
                                  "(`full_matrices=False`, or a square matrix); distinct singular values for the "
                                  "gradient of the singular vectors"),
    "svdvals": ((np.linalg.svdvals,), (), "`svd_s`"),
    "cond": ((np.linalg.cond,), (), "`p` None/2/-2: a ratio of singular values (`svd_s`); other `p`: "
                                    "`norm(x, p) * norm(inv(x), p)`"),
}

_LETTERS = set(string.ascii_letters)


class LinalgForms(FormsBase):
    # ---------------------------------------------------------------- helpers
    def _float_matrix(self, x, node, label):
        """An operand of a matrix function as a float array (ints as float64, as NumPy computes)."""
        v = self.value(x, node)
        if v.type.kind == "array" and v.type.dtype not in ("float32", "float64"):
            v = self.b.emit("astype", [v], dtype="float64")
        return v

    def _option(self, x, node, what):
        """A constant argument that may be a string (ord='fro', UPLO='L')."""
        return x if isinstance(x, str) else self.static(x, node, what)

    def _static_dims(self, x, node, what):
        return tuple(self._extent(x, k, node, what) for k in range(self._rank(x)))

    # ---------------------------------------------------------------- np.dot, np.tensordot
    def form_dot(self, label, args, kwargs, node):
        a, b = self.bind_args(label, ("a", "b"), args, kwargs, node)
        va, vb = self.value(a, node), self.value(b, node)
        if _is_number(a) or _is_number(b) or self._rank(va) == 0 or self._rank(vb) == 0:
            return self.b.emit("mul", [va, vb])
        if self._rank(vb) <= 2:  # NumPy's dot is matmul here (a of any rank)
            return self.b.emit("matmul", [va, vb])
        ra, rb = self._rank(va), self._rank(vb)
        return self._tensordot(va, vb, [ra - 1], [rb - 2], node, label)

    def form_tensordot(self, label, args, kwargs, node):
        a, b, axes = self.bind_args(label, ("a", "b", "axes"), args, kwargs, node, axes=2)
        va, vb = self.value(a, node), self.value(b, node)
        ra, rb = self._rank(va), self._rank(vb)
        axes = self.static(axes, node, "axes")
        if isinstance(axes, (int, np.integer)):
            if not 0 <= axes <= min(ra, rb):
                raise self.err(ShapeError, f"np.tensordot: axes={axes} for arrays of {ra} and {rb} dimensions", node)
            xa, xb = list(range(ra - axes, ra)), list(range(axes))
        elif isinstance(axes, (tuple, list)) and len(axes) == 2:
            xa, xb = ([ax] if isinstance(ax, (int, np.integer)) else list(ax) for ax in axes)
            if len(xa) != len(xb):
                raise self.err(ShapeError, "np.tensordot: shape-mismatch for sum (the two axis lists differ in "
                                           "length)", node)
            xa = [self._axis(k, ra, node) for k in xa]
            xb = [self._axis(k, rb, node) for k in xb]
        else:
            raise self.err(UnsupportedSyntaxError, "np.tensordot: axes must be an int or a pair of axis lists", node)
        return self._tensordot(va, vb, xa, xb, node, "np.tensordot")

    def _tensordot(self, va, vb, xa, xb, node, label):
        ra, rb = self._rank(va), self._rank(vb)
        la = [("a", k) for k in range(ra)]
        lb = [("b", k) for k in range(rb)]
        for i, j in zip(xa, xb):
            lb[j] = la[i]
        out = [lab for k, lab in enumerate(la) if k not in xa] + [lab for k, lab in enumerate(lb) if k not in xb]
        return self._einsum([va, vb], [la, lb], out, node, label)

    # ---------------------------------------------------------------- np.einsum
    def form_einsum(self, label, args, kwargs, node):
        label = "np.einsum"
        for k in kwargs:
            if k != "optimize":
                raise self.err(UnsupportedSyntaxError, f"{label}: argument '{k}' is not supported", node,
                               hint="only optimize= (ignored: adjit plans the contraction itself)")
        if not args or not isinstance(args[0], str):
            raise self.err(UnsupportedSyntaxError, f"{label} needs its subscripts as a string constant first "
                                                   "(the operand-list form einsum(a, [0, 1], ...) is not supported)",
                           node, hint="write np.einsum('ij,jk->ik', a, b)")
        ops = [self.value(a, node) for a in args[1:]]
        if not ops:
            raise self.err(ShapeError, f"{label}: no operands", node)
        ins, out = self._einsum_parse(args[0], [self._rank(v) for v in ops], node)
        return self._einsum(ops, ins, out, node, label)

    def _einsum_parse(self, spec, ranks, node):
        """The labels of each operand and of the output: letters, and ('...', k) for the k-th axis from
        the right of the broadcast ellipsis."""
        s = spec.replace(" ", "")
        explicit = "->" in s
        lhs, rhs = s.split("->", 1) if explicit else (s, None)
        terms = lhs.split(",")
        if len(terms) != len(ranks):
            raise self.err(ShapeError, f"np.einsum: {len(terms)} operand subscripts in {spec!r} for {len(ranks)} "
                                       "operands", node)
        ins, ell = [], 0
        for k, (term, r) in enumerate(zip(terms, ranks)):
            labs, e = self._einsum_term(term, r, spec, node, f"operand {k}")
            ins.append(labs)
            ell = max(ell, e)
        if explicit:
            out, e = self._einsum_term(rhs, None, spec, node, "the output")
            if e and ell == 0:
                out = [lab for lab in out if lab[0] != "..."]
            elif not e and ell:
                raise self.err(ShapeError, "np.einsum: output has more dimensions than subscripts given in einstein "
                                           "sum, but no '...' ellipsis provided to broadcast the extra dimensions",
                               node)
            elif e:
                k = out.index(("...", 0))
                out[k:k + 1] = [("...", j) for j in range(ell, 0, -1)]
            seen = [lab for labs in ins for lab in labs]
            for lab in out:
                if lab[0] != "..." and lab not in seen:
                    raise self.err(ShapeError, f"np.einsum: output subscript '{lab}' does not appear in the "
                                               "operands' subscripts", node)
                if out.count(lab) > 1:
                    raise self.err(ShapeError, f"np.einsum: output subscript '{lab}' appears more than once", node)
        else:
            letters = [lab for labs in ins for lab in labs if lab[0] != "..."]
            out = [("...", j) for j in range(ell, 0, -1)] + sorted(x for x in set(letters) if letters.count(x) == 1)
        return ins, out

    def _einsum_term(self, term, rank, spec, node, what):
        """The labels of one term; `rank` None for the output (its ellipsis expanded by the caller)."""
        if term.count("...") > 1 or "." in term.replace("...", ""):
            raise self.err(UnsupportedSyntaxError, f"np.einsum: invalid subscripts {spec!r} ('.' only as one "
                                                   "'...' per term)", node)
        bad = [c for c in term.replace("...", "") if c not in _LETTERS]
        if bad:
            raise self.err(UnsupportedSyntaxError, f"np.einsum: invalid subscript '{bad[0]}' in {spec!r}: "
                                                   "subscripts are letters a-z, A-Z (and '...')", node)
        head, dots, tail = term.partition("...")
        if rank is None:
            return list(head) + ([("...", 0)] if dots else []) + list(tail), bool(dots)
        named = len(head) + len(tail)
        if not dots and named != rank or dots and named > rank:
            raise self.err(ShapeError, f"np.einsum: {what} has {rank} dimensions, but its subscripts '{term}' "
                                       f"name {named}", node, hint="'...' stands for the axes not named")
        e = rank - named if dots else 0
        return list(head) + [("...", j) for j in range(e, 0, -1)] + list(tail), e

    def _einsum(self, ops, ins, out, node, label):
        """Contract operands `ops` labelled `ins` into the labels `out`."""
        dims: dict = {}
        xs = []
        for k, (x, labs) in enumerate(zip(ops, ins)):
            shape = self._static_dims(x, node, label)
            x, labs = self._einsum_diagonals(x, list(labs), shape, node, label)
            for lab, d in zip(labs, self._shape(x)):
                if dims.get(lab, 1) not in (1, d) and d != 1:
                    raise self.err(ShapeError, f"{label}: operands could not be broadcast together: the axes labelled "
                                               f"{_name(lab)} have extents {dims[lab]} and {d}", node)
                dims[lab] = d if dims.get(lab, 1) == 1 else dims[lab]
            xs.append([x, labs])
        ints = any(x.type.dtype not in ("float32", "float64") for x, _ in xs)
        # a label only this operand has, and not the output: summed first
        for k, item in enumerate(xs):
            others = [lab for j, (_, labs) in enumerate(xs) if j != k for lab in labs] + list(out)
            item[0], item[1] = self._einsum_sum(item[0], item[1], [lab for lab in item[1] if lab not in others])
        # an axis of extent 1 where another operand has more: broadcast (NumPy's einsum broadcasts)
        for item in xs:
            x, labs = item
            shape = self._shape(x)
            full = tuple(dims[lab] for lab in labs)
            if shape != full:
                item[0] = self.b.emit("broadcast_to", [x, self._const_shape(full)])
        x, labs = xs[0]
        for k in range(1, len(xs)):
            y, ylabs = xs[k]
            keep = set(out) | {lab for _, later in xs[k + 1:] for lab in later}
            x, labs = self._einsum_pair(x, labs, y, ylabs, keep, dims, ints)
        x, labs = self._einsum_sum(x, labs, [lab for lab in labs if lab not in out])
        perm = tuple(labs.index(lab) for lab in out)
        if perm != tuple(range(len(perm))):
            x = self.b.emit("transpose", [x], axes=perm)
        return x

    def _einsum_diagonals(self, x, labs, shape, node, label):
        """A label repeated in one operand: the diagonal of those axes (as the last axis)."""
        while True:
            rep = next((lab for lab in labs if labs.count(lab) > 1), None)
            if rep is None:
                return x, labs
            p = labs.index(rep)
            q = labs.index(rep, p + 1)
            shape = self._shape(x)
            if shape[p] != shape[q]:
                raise self.err(ShapeError, f"{label}: dimensions in an operand for collapsing index {_name(rep)} "
                                           f"don't match ({shape[p]} != {shape[q]})", node)
            perm = tuple(k for k in range(len(labs)) if k not in (p, q)) + (p, q)
            if perm != tuple(range(len(labs))):
                x = self.b.emit("transpose", [x], axes=perm)
            x = self.b.emit("diagonal", [x], offset=0)
            labs = [labs[k] for k in perm[:-2]] + [rep]

    def _einsum_sum(self, x, labs, drop):
        if not drop:
            return x, labs
        axes = tuple(k for k, lab in enumerate(labs) if lab in drop)
        return self.b.emit("sum", [x], axis=axes, keepdims=False), [lab for lab in labs if lab not in drop]

    def _einsum_pair(self, x, xl, y, yl, keep, dims, ints):
        """x (labels xl) times y (labels yl), summed over the labels both have and `keep` lacks."""
        x, xl = self._einsum_sum(x, xl, [lab for lab in xl if lab not in yl and lab not in keep])
        y, yl = self._einsum_sum(y, yl, [lab for lab in yl if lab not in xl and lab not in keep])
        batch = [lab for lab in xl if lab in yl and lab in keep]
        inner = [lab for lab in xl if lab in yl and lab not in keep]
        left = [lab for lab in xl if lab not in yl]
        right = [lab for lab in yl if lab not in xl]
        if not inner or ints:  # no contraction (or integers, which BLAS lacks): a broadcast product, summed
            every = batch + left + right + inner
            xe = self._arrange(x, xl, batch + left + inner, every)
            ye = self._arrange(y, yl, batch + right + inner, every)
            prod = self.b.emit("mul", [xe, ye])
            return self._einsum_sum(prod, every, inner)
        ext = lambda labs: [dims[lab] for lab in labs]  # noqa: E731
        size = lambda labs: math.prod(ext(labs))  # noqa: E731
        lead = ext(batch)
        # x as (batch..., L, K) and y as (batch..., K, R); a 1-D operand without batch axes
        xa = self._grouped(x, xl, batch + left + inner, lead + ([size(left)] if left or batch else []) + [size(inner)])
        ya = self._grouped(y, yl, batch + inner + right, lead + [size(inner)] + ([size(right)] if right or batch else []))
        z = self.b.emit("matmul", [xa, ya])
        labs = batch + left + right
        if list(self._shape(z)) != ext(labs):
            z = self._reshape(z, ext(labs))
        return z, labs

    def _arrange(self, x, labs, order, every):
        """x transposed to `order`, with axes of extent 1 for the labels of `every` it lacks, in place."""
        if self._rank(x) == 0:  # a number broadcasts as it is
            return x
        perm = tuple(labs.index(lab) for lab in order)
        if perm != tuple(range(len(perm))):
            x = self.b.emit("transpose", [x], axes=perm)
        missing = tuple(k for k, lab in enumerate(every) if lab not in order)
        if missing:
            x = self.b.emit("expand_dims", [x], axis=missing)
        return x

    def _grouped(self, x, labs, order, dims):
        perm = tuple(labs.index(lab) for lab in order)
        if perm != tuple(range(len(perm))):
            x = self.b.emit("transpose", [x], axes=perm)
        if list(self._shape(x)) != list(dims):
            x = self._reshape(x, dims)
        return x

    # ---------------------------------------------------------------- np.linalg.norm
    def form_norm(self, label, args, kwargs, node):
        label = "np.linalg.norm"
        x, ord_, axis, keepdims = self.bind_args(label, ("x", "ord", "axis", "keepdims"), args, kwargs, node,
                                                 ord=None, axis=None, keepdims=False)
        x = self.value(x, node)
        if x.type.kind != "array":
            x = self.b.emit("stack", [x], axis=0) if x.type.kind == "scalar" else x
        if x.type.dtype not in ("float32", "float64"):
            x = self.b.emit("astype", [x], dtype="float64")
        ord_ = self._option(ord_, node, "ord")
        axis = self.static(axis, node, "axis")
        keepdims = bool(self.static(keepdims, node, "keepdims"))
        r = self._rank(x)
        if axis is None:
            if ord_ is None or ord_ == "fro" and r == 2:  # the 2-norm of the raveled array
                return self._vector_norm(x, None, tuple(range(r)), keepdims, node)
            if r == 1:
                return self._vector_norm(x, ord_, (0,), keepdims, node)
            if r == 2:
                return self._matrix_norm(x, ord_, (0, 1), keepdims, node)
            raise self.err(ShapeError, f"{label}: improper number of dimensions to norm ({r}-D with ord={ord_!r})",
                           node, hint="name the axes: axis=(-2, -1) for matrices")
        axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
        axes = tuple(self._axis(a, r, node) for a in axes)
        if len(axes) == 1:
            return self._vector_norm(x, ord_, axes, keepdims, node)
        if len(axes) == 2 and axes[0] != axes[1]:
            return self._matrix_norm(x, ord_, axes, keepdims, node)
        raise self.err(ShapeError, f"{label}: improper number of axes {axis!r}", node)

    def _safe_root(self, s, p):
        """s ** (1 / p) with derivative 0 where s == 0 (the subgradient, instead of inf * 0 = NaN)."""
        zero = self.b.emit("eq", [s, self.b.const(0.0)])
        safe = self.b.emit("where", [zero, self.b.const(1.0), s])
        root = self.b.emit("sqrt", [safe]) if p == 2 else self.b.emit("pow", [safe, self.b.const(1.0 / p)])
        return self.b.emit("where", [zero, self.b.const(0.0), root])

    def _vector_norm(self, x, ord_, axes, keepdims, node):
        if isinstance(ord_, str) or isinstance(ord_, bool):
            raise self.err(ShapeError, f"np.linalg.norm: invalid norm order {ord_!r} for vectors", node)
        red = lambda prim, v: self.b.emit(prim, [v], axis=axes, keepdims=keepdims)  # noqa: E731
        if ord_ is None or ord_ == 2:
            return self._safe_root(red("sum", self.b.emit("mul", [x, x])), 2)
        absx = self.b.emit("abs", [x])
        if ord_ == 1:
            return red("sum", absx)
        if ord_ == math.inf:
            return red("max", absx)
        if ord_ == -math.inf:
            return red("min", absx)
        if ord_ == 0:
            nz = self.b.emit("astype", [self.b.emit("ne", [x, self.b.const(0.0)])], dtype=x.type.dtype)
            return red("sum", nz)
        if ord_ < 0:  # NumPy's sum(|x| ** p) ** (1 / p): 0 if an entry is 0 (inf ** (1 / p))
            return self.b.emit("pow", [red("sum", self.b.emit("pow", [absx, self.b.const(float(ord_))])),
                                       self.b.const(1.0 / ord_)])
        return self._safe_root(red("sum", self.b.emit("pow", [absx, self.b.const(float(ord_))])), float(ord_))

    def _matrix_norm(self, x, ord_, axes, keepdims, node):
        r0, r1 = axes
        if ord_ is None or ord_ == "fro":
            return self._safe_root(self.b.emit("sum", [self.b.emit("mul", [x, x])], axis=tuple(sorted(axes)),
                                               keepdims=keepdims), 2)
        if ord_ in (1, -1, math.inf, -math.inf) and not isinstance(ord_, bool):
            # 1: the largest column sum of |x| (sum over the rows axis); inf: the largest row sum
            inner, outer = (r0, r1) if ord_ in (1, -1) else (r1, r0)
            s = self.b.emit("sum", [self.b.emit("abs", [x])], axis=(inner,), keepdims=True)
            m = self.b.emit("max" if ord_ > 0 else "min", [s], axis=(outer,), keepdims=True)
            if keepdims:
                return m
            return self.b.emit("sum", [m], axis=tuple(sorted(axes)), keepdims=False)  # drops the two 1-long axes
        if ord_ in (2, -2, "nuc") and not isinstance(ord_, bool):
            return self._singular_norm(x, ord_, axes, keepdims, node)
        raise self.err(ShapeError, f"np.linalg.norm: invalid norm order {ord_!r} for matrices", node,
                       hint="None, 'fro', 'nuc', 1, -1, 2, -2, inf or -inf")

    def _singular_norm(self, x, ord_, axes, keepdims, node):
        """ord 2 (the largest singular value), -2 (the smallest) or 'nuc' (their sum) of one matrix."""
        if self._rank(x) != 2:
            raise self.err(UnsupportedSyntaxError, f"np.linalg.norm: ord={ord_!r} of a stack of matrices "
                                                   f"({self._rank(x)}-D) is not supported", node,
                           hint="loop over the matrices (singular values are computed one matrix at a time)")
        if 0 in self._shape(x):  # NumPy: 0 for 2 and 'nuc', an error for -2 (LAPACK takes no empty matrix)
            if ord_ == -2:
                raise self.err(ShapeError, "np.linalg.norm: zero-size array to reduction operation minimum which has "
                                           "no identity (ord=-2 of an empty matrix)", node)
            zero = self.b.emit("zeros", [self._const_shape((1, 1))], dtype=x.type.dtype)
            return zero if keepdims else self.b.emit("sum", [zero], axis=(0, 1), keepdims=False)
        s = self.b.emit("svd_s", [x])  # the transpose (axis=(1, 0)) has the same singular values
        k = self._shape(s)[0]
        if ord_ == "nuc":
            return self.b.emit("sum", [self.b.emit("expand_dims", [s], axis=(0,)) if keepdims else s],
                               axis=(1,) if keepdims else (0,), keepdims=keepdims)
        # descending: s[0] is the largest, s[k - 1] the smallest
        if not keepdims:
            return self.b.emit("getitem", [s, self.b.const(0 if ord_ == 2 else -1 if k is None else k - 1)],
                               index=(("int", 1),))
        if ord_ == 2 or k is not None:
            first = self._slice(s, 0, 0, 1) if ord_ == 2 else self._slice(s, 0, k - 1, k)
        else:  # s[-1:]
            first = self.b.emit("getitem", [s, self.b.const(-1)], index=(("slice", 1, None, None),))
        return self.b.emit("expand_dims", [first], axis=(0,))

    # ---------------------------------------------------------------- matrix functions
    def form_solve(self, label, args, kwargs, node):
        a, b = self.bind_args("np.linalg.solve", ("a", "b"), args, kwargs, node)
        va = self._float_matrix(a, node, label)
        vb = self._float_matrix(b, node, label)
        dt = S.promote(va.type, vb.type).dtype
        va, vb = (v if v.type.dtype == dt else self.b.emit("astype", [v], dtype=dt) for v in (va, vb))
        return self.b.emit("solve", [va, vb])

    def form_slogdet(self, label, args, kwargs, node):
        (a,) = self.bind_args("np.linalg.slogdet", ("a",), args, kwargs, node)
        va = self._float_matrix(a, node, label)
        if self._small_stack(va):  # (..., 2, 2) or (..., 3, 3): from the closed-form determinant
            d = self._stack_det(va)
            return self.b.emit("sign", [d]), self.b.emit("log", [self.b.emit("abs", [d])])
        return self.b.emit("slogdet_sign", [va]), self.b.emit("slogdet", [va])

    # ------------------------------------------------- stacks of small matrices (mechanics, graphics)
    def _small_stack(self, v) -> bool:
        shape = self._shape(v)
        return len(shape) > 2 and shape[-1] == shape[-2] and shape[-1] in (2, 3)

    def _entry(self, v, i: int, j: int):
        r = self._rank(v)
        index = tuple(("slice", None, None, None) for _ in range(r - 2)) + (("int", 1), ("int", 2))
        return self.b.emit("getitem", [v, self.b.const(i), self.b.const(j)], index=index)

    def _stack_det(self, v):
        e, mul, sub, add = self._entry, (lambda a, b: self.b.emit("mul", [a, b])), \
            (lambda a, b: self.b.emit("sub", [a, b])), (lambda a, b: self.b.emit("add", [a, b]))
        if self._shape(v)[-1] == 2:
            return sub(mul(e(v, 0, 0), e(v, 1, 1)), mul(e(v, 0, 1), e(v, 1, 0)))
        minor = lambda i0, i1, j0, j1: sub(mul(e(v, i0, j0), e(v, i1, j1)), mul(e(v, i0, j1), e(v, i1, j0)))  # noqa: E731
        return add(sub(mul(e(v, 0, 0), minor(1, 2, 1, 2)), mul(e(v, 0, 1), minor(1, 2, 0, 2))),
                   mul(e(v, 0, 2), minor(1, 2, 0, 1)))

    def form_det(self, label, args, kwargs, node):
        (a,) = self.bind_args("np.linalg.det", ("a",), args, kwargs, node)
        va = self._float_matrix(a, node, label)
        return self._stack_det(va) if self._small_stack(va) else self.b.emit("det", [va])

    def form_inv(self, label, args, kwargs, node):
        (a,) = self.bind_args("np.linalg.inv", ("a",), args, kwargs, node)
        va = self._float_matrix(a, node, label)
        if not self._small_stack(va):
            return self.b.emit("inv", [va])
        e, n = self._entry, self._shape(va)[-1]
        mul, sub = (lambda a, b: self.b.emit("mul", [a, b])), (lambda a, b: self.b.emit("sub", [a, b]))
        if n == 2:
            cof = [[e(va, 1, 1), self.b.emit("neg", [e(va, 0, 1)])], [self.b.emit("neg", [e(va, 1, 0)]), e(va, 0, 0)]]
        else:  # adj[i][j] = cofactor of (j, i)
            def cofactor(r, c):
                rs, cs = [k for k in range(3) if k != r], [k for k in range(3) if k != c]
                m = sub(mul(e(va, rs[0], cs[0]), e(va, rs[1], cs[1])), mul(e(va, rs[0], cs[1]), e(va, rs[1], cs[0])))
                return m if (r + c) % 2 == 0 else self.b.emit("neg", [m])
            cof = [[cofactor(j, i) for j in range(3)] for i in range(3)]
        r = self._rank(va)
        rows = [self.b.emit("stack", row, axis=r - 2) for row in cof]
        adj = self.b.emit("stack", rows, axis=r - 2)
        det = self._stack_det(va)
        det = self.b.emit("expand_dims", [self.b.emit("expand_dims", [det], axis=(r - 2,))], axis=(r - 1,))
        return self.b.emit("div", [adj, det])

    def _uplo_matrix(self, label, args, kwargs, node):
        """The matrix (or stack) whose lower triangle eigh reads: UPLO='U' reads a's upper triangle, which is
        the lower triangle of a with its last two axes swapped (the same symmetric matrix)."""
        a, uplo = self.bind_args(label, ("a", "UPLO"), args, kwargs, node, UPLO="L")
        uplo = self._option(uplo, node, "UPLO")
        if uplo not in ("L", "U"):
            raise self.err(AdjitTypeError, f"{label}: UPLO must be 'L' or 'U', not {uplo!r}", node)
        va = self._float_matrix(a, node, label)
        if uplo == "U":
            r = self._rank(va)
            va = self.b.emit("transpose", [va], axes=tuple(range(r - 2)) + (r - 1, r - 2))
        return va

    def form_cholesky(self, label, args, kwargs, node):
        a, upper = self.bind_args("np.linalg.cholesky", ("a", "upper"), args, kwargs, node, upper=False)
        if not self.static(upper, node, "upper"):
            return self.b.emit("cholesky", [self._float_matrix(a, node, label)])
        va = self._uplo_matrix(label, (a,), {"UPLO": "U"}, node)
        r = self._rank(va)
        return self.b.emit("transpose", [self.b.emit("cholesky", [va])], axes=tuple(range(r - 2)) + (r - 1, r - 2))

    def form_eigh(self, label, args, kwargs, node):
        va = self._uplo_matrix("np.linalg.eigh", args, kwargs, node)
        return self.b.emit("eigh_w", [va]), self.b.emit("eigh_v", [va])

    def form_eigvalsh(self, label, args, kwargs, node):
        return self.b.emit("eigh_w", [self._uplo_matrix("np.linalg.eigvalsh", args, kwargs, node)])

    # ---------------------------------------------------------------- singular values (primitives/matfuncs.py)
    def _one_matrix(self, a, node, label):
        v = self._float_matrix(a, node, label)
        if self._rank(v) != 2:
            hint = "loop over the matrices" if self._rank(v) > 2 else None
            raise self.err(ShapeError if self._rank(v) < 2 else UnsupportedSyntaxError,
                           f"{label} takes one matrix (a 2-D array) here, got a {self._rank(v)}-D array", node, hint=hint)
        if 0 in self._shape(v):
            raise self.err(UnsupportedSyntaxError, f"{label} of an empty matrix {self._shape(v)} is not supported "
                                                   "(LAPACK, as Numba binds it, takes no empty matrix)", node)
        return v

    def form_svd(self, label, args, kwargs, node):
        label = "np.linalg.svd"
        a, full, uv, hermitian = self.bind_args(label, ("a", "full_matrices", "compute_uv", "hermitian"), args, kwargs,
                                                node, full_matrices=True, compute_uv=True, hermitian=False)
        if self.static(hermitian, node, "hermitian"):
            raise self.err(UnsupportedSyntaxError, f"{label}: hermitian=True is not supported (NumPy then reads one "
                                                   "triangle, through eigh)", node,
                           hint="drop hermitian=True: a symmetric matrix has the same singular values")
        v = self._one_matrix(a, node, label)
        if not self.static(uv, node, "compute_uv"):
            return self.b.emit("svd_s", [v])
        m, n = self._shape(v)
        if self.static(full, node, "full_matrices") and m is None and n is not None:
            # rows known only at run time (a DLT matrix stacked from correspondences): compiled for a
            # matrix at least as tall as wide, checked where it runs; U is padded, Vh and s are the thin ones
            v = self.b.emit("require_tall", [v])
            why = ("is the U of np.linalg.svd(full_matrices=True) of a matrix with more rows than columns: its "
                   f"columns beyond {n} are not unique, so they have no derivative; pass full_matrices=False")
            return Undefined("U", why), self.b.emit("svd_s", [v]), self.b.emit("svd_vh", [v])
        if self.static(full, node, "full_matrices") and m != n:
            if m is None or n is None:
                shape = f"{'m' if m is None else m}x{'n' if n is None else n}"
                raise self.err(UnsupportedSyntaxError, f"{label}: full_matrices=True of a {shape} matrix whose shape is "
                                                       "known only when the function runs: the columns of U (rows of "
                                                       "Vh) beyond min(m, n) are not unique, so they have no "
                                                       "derivative", node, hint="pass full_matrices=False")
            # the factor that full_matrices pads (U of a tall matrix, Vh of a wide one) is not unique: a
            # name that says so if read; the other factor and s are the thin SVD's (the DLT's null vector Vh[-1])
            why = (f"is the {'U' if m > n else 'Vh'} of np.linalg.svd(full_matrices=True) of a {m}x{n} matrix: its "
                   f"{'columns' if m > n else 'rows'} beyond {min(m, n)} are not unique, so they have no derivative; "
                   "pass full_matrices=False")
            u = Undefined("U", why) if m > n else self.b.emit("svd_u", [v])
            vh = Undefined("Vh", why) if m < n else self.b.emit("svd_vh", [v])
            return u, self.b.emit("svd_s", [v]), vh
        return self.b.emit("svd_u", [v]), self.b.emit("svd_s", [v]), self.b.emit("svd_vh", [v])

    def form_svdvals(self, label, args, kwargs, node):
        (a,) = self.bind_args("np.linalg.svdvals", ("x",), args, kwargs, node)
        return self.b.emit("svd_s", [self._one_matrix(a, node, "np.linalg.svdvals")])

    def form_cond(self, label, args, kwargs, node):
        label = "np.linalg.cond"
        x, p = self.bind_args(label, ("x", "p"), args, kwargs, node, p=None)
        p = self._option(p, node, "p")
        v = self._one_matrix(x, node, label)
        if p is None or p in (2, -2) and not isinstance(p, bool):
            big = self._singular_norm(v, 2, (0, 1), False, node)
            small = self._singular_norm(v, -2, (0, 1), False, node)
            return self.b.emit("div", [small, big] if p == -2 else [big, small])
        m, n = self._shape(v)
        if m is not None and n is not None and m != n:
            raise self.err(ShapeError, f"{label}: Last 2 dimensions of the array must be square (p={p!r})", node)
        norm = lambda y: self._matrix_norm(y, p, (0, 1), False, node)  # noqa: E731
        return self.b.emit("mul", [norm(v), norm(self.b.emit("inv", [v]))])


def _name(lab) -> str:
    if isinstance(lab, str):
        return f"'{lab}'"
    return "'...'" if lab[0] == "..." else f"axis {lab[1]} of {lab[0]}"  # tensordot's operands a, b
