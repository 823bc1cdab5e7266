"""The Lowerer is a stack of mixins (frontend/lower.py). A method defined by two of them must be a
hook that hands on to the next (`super().name(...)`): a private helper of one mixin that happens to
share a name with another's shadows it for every program (IntegerBits._shift hid forms/special.py's
_shift, and every logsumexp failed)."""
import inspect

from adjit.compiler.frontend.lower import Lowerer


def test_a_method_two_mixins_define_hands_on():
    owners: dict = {}
    for cls in Lowerer.__mro__[1:]:
        if cls is object:
            continue
        for name, value in vars(cls).items():
            if inspect.isfunction(value) and not (name.startswith("__") and name.endswith("__")):
                owners.setdefault(name, []).append(cls)
    clashes = []
    for name, classes in owners.items():
        for cls in classes[:-1]:  # every definition but the last in the MRO must hand on
            if f"super().{name}(" not in inspect.getsource(vars(cls)[name]):
                clashes.append(f"{cls.__module__}.{cls.__name__}.{name} hides "
                               f"{', '.join(c.__module__ + '.' + c.__name__ for c in classes[classes.index(cls) + 1:])}")
    assert not clashes, "; ".join(clashes)
