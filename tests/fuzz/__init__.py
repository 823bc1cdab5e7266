"""A differential fuzzer for adjit: random programs in the supported subset, run through adjit's
readable, lowered and compiled gradients and its forward mode, compared with NumPy and finite
differences; failures are shrunk into regression cases. See docs/reliability.md."""
