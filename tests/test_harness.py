"""The suite's own harness (tests/conftest.py): its loader runs most generated modules as Python in
the pytest process, and never in a script a test starts, which may import a test module (and with it
conftest) to reach a function and must run that function compiled, as a user's process does."""
import subprocess
import sys
import textwrap
from pathlib import Path

from adjit.compiler.jit import modules

TESTS = Path(__file__).resolve().parent


def test_the_loader_is_installed_in_the_pytest_process():
    assert getattr(modules._load_module, "compile_all", None) is not None


def test_a_script_importing_conftest_compiles_as_a_user_does():
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(TESTS)!r})
        import conftest  # noqa: F401
        from adjit.compiler.jit import modules
        print("LOADER", getattr(modules._load_module, "compile_all", None) is None)
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert "LOADER True" in out.stdout, out.stderr[-2000:]
