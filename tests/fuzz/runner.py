"""Worker subprocesses: each program runs in a child process, so that a segfault or a hang in
compiled code costs one program, not the campaign.

A worker reads one JSON task per line on stdin and writes one JSON result per line to the file
descriptor the parent gave it (its stdout is redirected to stderr, so prints from Numba or adjit
cannot corrupt the protocol). The parent restarts a worker after `batch` tasks (fresh process per
batch, bounded memory), when it dies (the task in flight is an internal error: crash), and when a
task overruns its timeout (internal error: timeout)."""
from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

_WORKER_CODE = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from tests.fuzz.runner import worker_main; worker_main()"
)


def worker_main():
    """The child's loop (see the module docstring)."""
    import faulthandler

    out = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(2, 1)  # anything printed goes to stderr
    sys.stdout = sys.stderr
    faulthandler.enable()
    from tests.fuzz import oracles

    oracles.ensure_cache_dir()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        task = json.loads(line)
        try:
            res = oracles.check_task(task)
        except BaseException as e:  # a harness failure, never silently ok
            import traceback

            res = {"outcome": "internal", "category": f"harness: {type(e).__name__}: {str(e)[:100]}",
                   "detail": traceback.format_exc()}
        res["id"] = task.get("id")
        out.write(json.dumps(res, default=str) + "\n")
        out.flush()


class Worker:
    """One child process running tasks one at a time."""

    def __init__(self, cache_dir: str, batch: int = 40, log=None):
        self.cache_dir = cache_dir
        self.batch = batch
        self.log = log
        self.proc = None
        self.done = 0
        self.lines: queue.Queue = queue.Queue()

    def _start(self):
        env = dict(os.environ)
        env["ADJIT_CACHE_DIR"] = self.cache_dir
        env["ADJIT_FUZZ_CACHE_DIR"] = self.cache_dir
        env["PYTHONFAULTHANDLER"] = "1"
        stderr = self.log if self.log is not None else subprocess.DEVNULL
        self.proc = subprocess.Popen([sys.executable, "-c", _WORKER_CODE, str(REPO)], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=str(REPO), env=env)
        self.lines = queue.Queue()
        proc, lines = self.proc, self.lines

        def pump():
            for ln in proc.stdout:
                lines.put(ln)
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        self.done = 0

    def stop(self):
        if self.proc is not None:
            try:
                self.proc.stdin.close()
            except Exception:
                pass
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
            self.proc = None

    def kill(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def run(self, task: dict, timeout: float) -> dict:
        if self.proc is None or self.proc.poll() is not None or self.done >= self.batch:
            self.stop()
            self._start()
        t0 = time.perf_counter()
        try:
            self.proc.stdin.write(json.dumps(task) + "\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            self.kill()
            return {"outcome": "internal", "category": "timeout", "detail": f"no result after {timeout:.0f} s",
                    "seconds": time.perf_counter() - t0}
        if line is None:
            self.proc.wait()
            rc = self.proc.returncode
            self.proc = None
            return {"outcome": "internal", "category": f"crash: worker exited with status {rc}",
                    "detail": "the worker process died (see the worker log)", "seconds": time.perf_counter() - t0}
        self.done += 1
        return json.loads(line)


class Pool:
    """J workers fed from one queue of tasks; results come back through a callback, in order of
    completion."""

    def __init__(self, jobs: int = 2, batch: int = 40, cache_dir: str | None = None, log_path: str | None = None):
        self.cache_dir = cache_dir or tempfile.mkdtemp(prefix="adjit-fuzz-cache-")
        self.log = open(log_path, "a") if log_path else None
        self.workers = [Worker(self.cache_dir, batch, self.log) for _ in range(max(1, jobs))]

    def map(self, tasks: list, on_result, timeout_for=lambda t: 120.0, deadline: float | None = None):
        q: queue.Queue = queue.Queue()
        for t in tasks:
            q.put(t)
        lock = threading.Lock()

        def loop(w: Worker):
            while True:
                if deadline is not None and time.time() > deadline:
                    return
                try:
                    t = q.get_nowait()
                except queue.Empty:
                    return
                r = w.run(t, timeout_for(t))
                r.setdefault("id", t.get("id"))
                with lock:
                    on_result(t, r)

        threads = [threading.Thread(target=loop, args=(w,), daemon=True) for w in self.workers]
        for th in threads:
            th.start()
        for th in threads:
            th.join()

    def run_one(self, task: dict, timeout: float = 120.0) -> dict:
        return self.workers[0].run(task, timeout)

    def close(self):
        for w in self.workers:
            w.stop()
        if self.log:
            self.log.close()
