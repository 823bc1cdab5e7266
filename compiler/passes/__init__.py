"""IR-to-IR passes: each a plain function pass(fn) -> fn."""
