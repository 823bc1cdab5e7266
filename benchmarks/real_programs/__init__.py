"""Fifty real gradient programs, written the way a scientist writes NumPy without knowing adjit.

Each module holds plain-NumPy scalar objectives and a list PROGRAMS of entries
`dict(name=..., f=..., inputs=make_inputs, wrt=(argument names))`; `make_inputs(rng)` returns a dict
of the function's arguments (float64 arrays of small, realistic sizes). `benchmarks/real_programs.py`
runs them under adjit and HIPS autograd and checks both against finite differences.
"""
MODULES = ("ml", "stats", "physics", "finance", "misc")
