"""NumPy spellings the frontend lowers by composing rows of the primitives table (a mixin of the
Lowerer's expressions): shapes and views (`len(x)`, `.ravel()`, `np.swapaxes`, `np.moveaxis`,
`np.squeeze`, `np.atleast_2d`, `...` and `np.newaxis` in an index), and building and joining
arrays (`np.array([[c, -s], [s, c]])`, `np.stack`, `np.concatenate`, `np.hstack`, `np.vstack`,
`np.split`, `np.eye`, `np.tri`, `np.tril`, `np.triu`, `np.diag`, `np.diagonal`, `np.trace`,
`np.roll`, `np.linspace`, `np.full_like`).

`FORMS` is the one list of them: spelling -> what it lowers to. docs/gen_supported.py prints it.
Each lowering follows NumPy's semantics (shapes, dtypes, views vs copies: a view is made of view
rows, a copy of rows that make new arrays); what cannot be supported is a located error naming
the construct and a rewrite."""
from __future__ import annotations

import sys

from ...primitives.table import object_ids
from .base import FormsBase
from .arranging import FORMS as _ARRANGING, ArrangingForms
from .assorted import FORMS as _ASSORTED, AssortedForms
from .building import FORMS as _BUILDING, BuildingForms
from .common import FORMS as _COMMON, CommonForms
from .differences import FORMS as _DIFFERENCES, DifferenceForms
from .distributions import FORMS as _DISTRIBUTIONS, DistributionForms
from .eigen import FORMS as _EIGEN, EigenForms
from .everyday import FORMS as _EVERYDAY, EverydayForms
from .incomplete import FORMS as _INCOMPLETE, IncompleteForms
from .linalg import FORMS as _LINALG, LinalgForms
from .matrix_equations import FORMS as _MATRIX_EQUATIONS, MatrixEquationForms
from .polynomials import FORMS as _POLYNOMIALS, PolynomialForms
from .pseudo import FORMS as _PSEUDO, PseudoForms
from .scipy_linalg import FORMS as _SCIPY_LINALG, ScipyLinalgForms
from .setops import FORMS as _SETOPS, SetForms
from .signal import FORMS as _SIGNAL, SignalForms
from .spatial import FORMS as _SPATIAL, SpatialForms
from .special import FORMS as _SPECIAL, SpecialForms
from .special_more import FORMS as _SPECIAL_MORE, MoreSpecialForms
from .statistics import FORMS as _STATISTICS, StatisticsForms
from .views import FORMS as _VIEWS, ViewForms

# spelling -> (the NumPy objects or method names it matches, what it lowers to); read by the
# Lowerer (FUNCTIONS, METHODS below) and by docs/gen_supported.py. Each module of this package
# contributes its own part; a new module adds its dict here and its mixin to NumpyForms.
FORMS = {**_VIEWS, **_BUILDING, **_STATISTICS, **_SPECIAL, **_INCOMPLETE, **_LINALG, **_PSEUDO, **_DISTRIBUTIONS, **_SIGNAL, **_SCIPY_LINALG, **_EVERYDAY, **_ARRANGING, **_SPATIAL, **_COMMON, **_ASSORTED, **_DIFFERENCES, **_POLYNOMIALS, **_SPECIAL_MORE, **_MATRIX_EQUATIONS, **_SETOPS, **_EIGEN}
METHODS = {m: name for name, (_, ms, _) in FORMS.items() for m in ms}
_FUNCTIONS: dict = {}
_PENDING: list = [None]  # modules of Lazy entries not imported when _FUNCTIONS was built


def FUNCTIONS() -> dict:
    """id(function object) -> form name, for the objects whose modules are imported (a Lazy entry,
    scipy.special.logsumexp, joins once scipy.special is)."""
    pending = _PENDING[0]
    if pending is None or pending and any(m in sys.modules for m in pending):
        names = [(obj, name) for name, (objs, _, _) in FORMS.items() for obj in objs]
        ids, _PENDING[0] = object_ids([obj for obj, _ in names])
        _FUNCTIONS.clear()
        _FUNCTIONS.update({i: names[k][1] for i, k in ids.items()})
    return _FUNCTIONS


class NumpyForms(ViewForms, BuildingForms, StatisticsForms, SpecialForms, IncompleteForms, LinalgForms, PseudoForms, DistributionForms, SignalForms, ScipyLinalgForms,
                 EverydayForms, ArrangingForms, SpatialForms, CommonForms, AssortedForms, DifferenceForms, PolynomialForms, MoreSpecialForms, MatrixEquationForms, SetForms, EigenForms, FormsBase):
    """Mixin of the Lowerer: `numpy_form` lowers a call of a spelling in FORMS."""
    FUNCTIONS = staticmethod(FUNCTIONS)
    METHODS = METHODS
