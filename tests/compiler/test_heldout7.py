"""What the seventh held-out corpus found (benchmarks/real_programs/heldout7.py): its constructs as
small programs (corpus_heldout7.py), and the located errors of what stays refused."""
import numpy as np
import pytest

import adjit
from conftest import family_tests

from corpus_heldout7 import CASES, IDS

test_gradient, test_forward = family_tests(CASES, IDS, every=6)
