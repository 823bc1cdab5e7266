"""New processes without a new interpreter each: a server process imports NumPy, Numba and adjit
once and runs every script it is sent in a child forked from it (the suite's budget: a fresh
`python -c` paid about 0.6 s of CPU for those imports before doing anything, and the cache,
start-up and preload tests start dozens).

A child is a new process as far as adjit is concerned: the server only imports the modules
(`import adjit` reads no cache directory, compiles and loads nothing: checked before every fork),
so a child finds no cache directory chosen, no generated module loaded, no Numba code compiled or
loaded, and the same sys.modules as a fresh `python -c "import adjit; ..."`. What a new
interpreter reads at start-up is emulated where it varies per run (PYTHONPATH, sys.argv, the
working directory, PYTHONDONTWRITEBYTECODE); anything else read at start-up (NUMBA_CACHE_DIR,
NUMBA_OPT, PYTHONWARNINGS...) must be the server's: a run asking for another value is refused.

    server = Procs(env)            # the server process, started with that environment
    r = server.run(code, *argv, env=..., cwd=...)      # as subprocess.run([python, "-c", code, *argv])
    r = server.run(None, path, *argv)                   # as subprocess.run([python, path, *argv])
    rs = server.run_all([dict(code=..., args=[...]), ...])  # started together, each its own process
    server.close()

Each result has .returncode, .stdout, .stderr and .cpu (the child's CPU seconds). The children's
CPU time is the server's (it waits for them) and the server's is the test's that closes it (it
waits for the server): ADJIT_TEST_CPU_LOG counts them, a module-scoped server's in the module's
last test."""
from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from types import SimpleNamespace

# read by the interpreter or by an imported module at start-up: must be the server's
_STARTUP_PREFIXES = ("PYTHON", "NUMBA_")
_EMULATED = ("PYTHONPATH", "PYTHONDONTWRITEBYTECODE")


class Procs:
    def __init__(self, env: dict | None = None, imports: tuple = ("numpy", "adjit")):
        self.env = dict(os.environ if env is None else env)
        # its own process group: a child that hangs past a timeout is killed with the server
        self.proc = subprocess.Popen([sys.executable, __file__, *imports], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=self.env,
                                     start_new_session=True)

    def run(self, code: str | None, *args, env: dict | None = None, cwd=None, timeout: float = 300):
        return self.run_all([dict(code=code, args=list(args), env=env, cwd=cwd)], timeout)[0]

    def run_all(self, runs: list, timeout: float = 300) -> list:
        reqs = []
        for r in runs:
            env = {k: str(v) for k, v in (self.env if r.get("env") is None else r["env"]).items()}
            for k in set(env) | set(self.env):
                if k.startswith(_STARTUP_PREFIXES) and k not in _EMULATED and env.get(k) != self.env.get(k):
                    raise ValueError(f"{k} is read at start-up: start a server with it ({env.get(k)!r})")
            reqs.append({"code": r.get("code"), "args": [str(a) for a in r.get("args", ())], "env": env,
                         "cwd": None if r.get("cwd") is None else str(r["cwd"])})
        try:
            self.proc.stdin.write(json.dumps(reqs) + "\n")
            self.proc.stdin.flush()
            line = _readline(self.proc.stdout, timeout)
        except (OSError, TimeoutError):
            self._kill()
            raise
        if not line:
            self._kill()
            raise RuntimeError(f"the process server ended: {self.proc.stderr.read()[-3000:]}")
        return [SimpleNamespace(**r) for r in json.loads(line)]

    def _kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)  # the server and any child it is waiting for
        except OSError:
            pass
        self.proc.wait()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self._kill()
        self.proc.stdout.close()
        self.proc.stderr.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _readline(stream, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while not select.select([stream], [], [], max(0.0, deadline - time.monotonic()))[0]:
        if time.monotonic() >= deadline:
            raise TimeoutError(f"no answer from the process server in {timeout} s")
    return stream.readline()


# ------------------------------------------------------------------------------------ the server


def _pristine() -> None:
    """What the children rely on: importing left adjit's process state untouched."""
    from adjit.compiler import jit
    from adjit.runtime import cachedir

    assert not cachedir._UNUSABLE and not cachedir._FALLBACK and not cachedir._MEMORY, "a cache dir was chosen"
    assert not any(jit.STATS.values()) and not jit.modules._MODULES, jit.STATS
    assert "numba.np.arraymath" not in sys.modules, "Numba's target was refreshed at import"


def _become(req: dict, out: str, err: str, base_path: list, reply: int):
    """In the forked child: the process state `python [-c code | path] args` starts with; the
    script's code and its __main__ module."""
    import importlib
    import types

    os.close(reply)
    fd = os.open(os.devnull, os.O_RDONLY)
    os.dup2(fd, 0)
    for path, target in ((out, 1), (err, 2)):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        os.dup2(fd, target)
        os.close(fd)
    os.environ.clear()
    os.environ.update(req["env"])
    if req["cwd"]:
        os.chdir(req["cwd"])
    sys.dont_write_bytecode = bool(os.environ.get("PYTHONDONTWRITEBYTECODE"))
    extra = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    main = types.ModuleType("__main__")
    if req["code"] is None:
        path = os.path.abspath(req["args"][0])
        sys.argv = [req["args"][0], *req["args"][1:]]
        with open(path, encoding="utf-8") as f:
            code = compile(f.read(), path, "exec")
        main.__file__ = path
        first = os.path.dirname(path)
    else:
        sys.argv = ["-c", *req["args"]]
        code = compile(req["code"], "<string>", "exec")
        first = ""
    sys.path[:] = [first, *extra, *base_path]
    importlib.invalidate_caches()
    sys.modules["__main__"] = main
    return code, main


def _child(req: dict, out: str, err: str, base_path: list, reply: int) -> None:
    """In the forked child: run the script as its own process would; never returns."""
    import atexit
    import traceback

    rc = 1
    try:
        code, main = _become(req, out, err, base_path, reply)
        try:
            exec(code, main.__dict__)
            rc = 0
        except SystemExit as e:
            rc = e.code if isinstance(e.code, int) else (0 if e.code is None else 1)
            if not isinstance(e.code, (int, type(None))):
                print(e.code, file=sys.stderr)
        except BaseException:
            traceback.print_exc()
        atexit._run_exitfuncs()  # as an interpreter does at its end, after an uncaught error too
    except BaseException:
        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(rc)


def _serve(imports: list) -> None:
    import importlib
    import tempfile

    here = os.path.dirname(os.path.abspath(__file__))
    own = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    base_path = [p for p in sys.path[1:] if p not in own and p != here]
    for name in imports:
        importlib.import_module(name)
    reply = os.fdopen(os.dup(1), "w")
    scratch = tempfile.mkdtemp(prefix="adjit-procserver-")
    try:
        for line in sys.stdin:
            reqs = json.loads(line)
            if "adjit" in imports:
                _pristine()
            sys.stdout.flush()
            sys.stderr.flush()
            running = []
            for k, req in enumerate(reqs):
                out, err = os.path.join(scratch, f"{k}.out"), os.path.join(scratch, f"{k}.err")
                pid = os.fork()
                if pid == 0:
                    _child(req, out, err, base_path, reply.fileno())
                running.append((pid, out, err))
            results = []
            for pid, out, err in running:
                _, status, usage = os.wait4(pid, 0)
                texts = []
                for path in (out, err):
                    with open(path, encoding="utf-8", errors="replace") as f:
                        texts.append(f.read())
                    os.unlink(path)
                results.append({"returncode": os.waitstatus_to_exitcode(status), "stdout": texts[0],
                                "stderr": texts[1], "cpu": usage.ru_utime + usage.ru_stime})
            reply.write(json.dumps(results) + "\n")
            reply.flush()
    finally:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    _serve(sys.argv[1:])
