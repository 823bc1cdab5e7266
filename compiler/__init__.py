"""The compiler: source -> IR -> adjoint IR -> optimized IR -> Python source -> Numba."""
