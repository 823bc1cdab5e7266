"""Test rows of the special primitives (merged into primitive_cases.CASES): primitive name -> list of
(function, args maker, wrt)."""
import math

import numpy as np

from primitive_cases import normal, positive, away_from_zero  # noqa: F401

CASES: dict = {}
