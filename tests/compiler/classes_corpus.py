"""Classes made inside differentiated functions (test_classes.py): plain classes with __init__,
methods, properties and inheritance; dataclasses and NamedTuples built from their fields."""
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np


class Springs:
    def __init__(self, k, rest=1.0):
        self.k = k
        self.rest = rest
        self.n = 0

    def stretch(self, x):
        return np.abs(np.diff(x)) - self.rest

    def energy(self, x):
        return 0.5 * np.sum(self.k * self.stretch(x) ** 2)

    @property
    def stiffness(self):
        return self.k * 2.0


class Damped(Springs):
    def __init__(self, k, c):
        super().__init__(k, 0.5)
        self.c = c

    def energy(self, x):
        return Springs.energy(self, x) + self.c * np.sum(x ** 2)


@dataclass
class Gauss:
    mu: float
    sigma: float = 1.0

    def logpdf(self, x):
        return -0.5 * np.sum(((x - self.mu) / self.sigma) ** 2) - x.size * np.log(self.sigma)


class Pair(NamedTuple):
    a: float
    b: float


def springs(k, x):
    s = Springs(k, rest=0.9)
    return s.energy(x) + s.stiffness * x[0]


def damped(k, x):
    return Damped(k, 0.3).energy(x)


def gauss(mu, x):
    g = Gauss(mu, sigma=2.0)
    return g.logpdf(x) + Gauss(mu).logpdf(x[:2])


def pair(k, x):
    p = Pair(k, b=x[1])
    a, b = p
    return a * b + p.a * np.sum(x)


class Branchy:
    def __init__(self, k):
        if k > 0:
            self.k = k
        else:
            self.k = -k


def branchy(k, x):
    return Branchy(k).k * np.sum(x)


class Stateful:
    def __init__(self, k):
        self.k = k

    def step(self, x):
        self.k = self.k * 2
        return self.k * np.sum(x)


def stateful(k, x):
    return Stateful(k).step(x)


def defined_inside(k, x):
    """A class statement inside the function (made by Python when compiled), a __call__ method,
    a class attribute, a subclass of a module-level class, and a dataclass defined there too."""
    from dataclasses import dataclass

    class Layer:
        scale = 0.5

        def __init__(self, w):
            self.w = w

        def __call__(self, v):
            return np.tanh(self.w * v) * self.scale

    class Stiffer(Springs):
        def energy(self, pos):
            return 2.0 * super().energy(pos)

    @dataclass
    class Box:
        lo: float
        hi: float = 3.0

        def clip(self, v):
            return np.clip(v, self.lo, self.hi)

    layer = Layer(k)
    return np.sum(layer(x)) + Stiffer(k, 1.0).energy(x) + np.sum(Box(0.5).clip(x) * k)


def reads_the_functions_names(k, x):
    n = 2.0

    class Scaled:
        def f(self, v):
            return v * n

    return np.sum(Scaled().f(x)) * k


def local_subclass(k, x):
    class Base:
        def __init__(self, w):
            self.w = w

        def f(self, v):
            return self.w * v

    class Twice(Base):
        def f(self, v):
            return 2.0 * super().f(v)

    return np.sum(Twice(k).f(x))


class Oscillators:
    def __init__(self, k):
        self.k = k

    @staticmethod
    def order(theta):
        return np.abs(np.mean(np.cos(theta))) + 0.1

    @classmethod
    def unit(cls, theta):
        return cls.order(theta) * 2.0

    def energy(self, theta):
        return self.k * self.order(theta) + self.unit(theta)


def static_through_instance(k, x):
    """A @staticmethod or @classmethod called through an instance (self.order(theta)): no self."""
    model = Oscillators(k)
    return model.order(x) + model.energy(x) + Oscillators.order(x * 2.0) + Oscillators.unit(x)


def local_base_by_name(k, x):
    class Base:
        def __init__(self, w):
            self.w = w

        def apply(self, v):
            return self.w * v

    class Child(Base):
        def apply(self, v):
            return Base.apply(self, v) + np.tanh(v)

    return np.sum(Child(k).apply(x))


# -- objects made at module level and called: a layer's __call__, a model's method reading the
# module's arrays, class attribute arrays (read when the function runs, as NumPy reads them)
SCALE = np.array([1.0, 2.0, 0.5, 1.5])


class Dense:
    def __init__(self, W, act=np.tanh):
        self.W = W
        self.act = act

    def __call__(self, x):
        return self.act(x @ self.W) * SCALE[: self.W.shape[1]]


class MLP:
    BIAS = np.array([0.1, -0.2])

    def __init__(self):
        self.layers = [Dense(np.full((4, 3), 0.2)), Dense(np.full((3, 2), 0.3), act=np.sin)]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x + self.BIAS

    def loss(self, k, x):
        return np.mean(self(x * k) ** 2) + np.sum(MLP.BIAS) * k


MODEL = MLP()


def global_model_method(k, x):
    return MODEL.loss(k, x)


def global_model_called(k, x):
    return np.sum(MODEL(x[None, :] * k))


def layer_made_inside(k, x):
    d = Dense(np.outer(x, x[:3]) * k * 0.05)
    return np.sum(d(x))
