"""Run ``studygen`` commands as a fresh process would, without paying a fresh start each time.

One server child per test worker sets the memory limit, imports studygen and WeasyPrint
once, then forks a new process for every command: each command gets its own copy of the
address space (a crash, a leak or a runaway stays in it), its own working directory,
environment, standard input (empty), output and error, and is killed after the guard.
What comes back is what ``subprocess.run`` would give: the exit code (minus the signal
number when killed) and the output followed by the error stream.

Run as a script, this file is the server: it reads one JSON request per line on its
standard input and answers one JSON line on its standard output.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO, Any

REPO = Path(__file__).resolve().parent.parent


class ForkServer:
    """The client side: ``run(folder, args, env, guard)`` → ``(exit code, stdout + stderr)``.

    ``memory_limit`` is the address space each command may map (0: no limit).
    """

    def __init__(self, memory_limit: int = 0) -> None:
        self.memory_limit = memory_limit
        self.process: subprocess.Popen[str] | None = None

    def _start(self) -> subprocess.Popen[str]:
        environment = {**os.environ, "PYTHONPATH": str(REPO)}
        command = [sys.executable, __file__, str(self.memory_limit)]
        return subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=environment
        )

    def run(
        self, cwd: Path, args: tuple[str, ...] | list[str], env: dict[str, str], guard: float
    ) -> tuple[int, str]:
        """``studygen ARGS`` in ``cwd`` with ``env`` added, stopped after ``guard`` seconds."""
        self.start(cwd, args, env, guard)
        return self.finish()

    def start(
        self, cwd: Path, args: tuple[str, ...] | list[str], env: dict[str, str], guard: float
    ) -> int:
        """Start a command as ``run`` does; its process id (for a test that signals it)."""
        if self.process is None or self.process.poll() is not None:
            self.process = self._start()
        assert self.process.stdin
        request = {"cwd": str(cwd), "args": list(args), "env": env, "guard": guard}
        self.process.stdin.write(json.dumps(request) + "\n")
        self.process.stdin.flush()
        pid: int = self._answer()["pid"]
        return pid

    def finish(self) -> tuple[int, str]:
        """The exit code and output of the command started last, once it has ended."""
        result = self._answer()
        return result["code"], result["stdout"] + result["stderr"]

    def _answer(self) -> dict[str, Any]:
        assert self.process and self.process.stdout
        answer = self.process.stdout.readline()
        if not answer:  # the server itself died: the next command starts another
            self.process.wait()
            raise RuntimeError(f"the fork server ended with {self.process.returncode}")
        result: dict[str, Any] = json.loads(answer)
        return result

    def close(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # between commands: nothing of its own to finish
            self.process.wait()


def running(pid: int) -> bool:
    """Whether the command started as ``pid`` is still running."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# --- the server ------------------------------------------------------------------------------


def _preload() -> None:
    """What every build imports, so forked commands start with it in place."""
    import importlib
    import pkgutil

    import weasyprint  # noqa: F401

    import studygen.build
    import studygen.cli  # noqa: F401
    import studygen.outputs
    import studygen.sources

    for package in (studygen.outputs, studygen.sources):
        for module in pkgutil.iter_modules(package.__path__, package.__name__ + "."):
            importlib.import_module(module.name)


def _command(request: dict[str, Any], stdout: IO[bytes], stderr: IO[bytes]) -> None:
    """In the forked child: become ``studygen ARGS`` run in ``cwd``; never returns."""
    code = 1
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(stdout.fileno(), 1)
        os.dup2(stderr.fileno(), 2)
        os.chdir(request["cwd"])
        os.environ.update(request["env"])
        sys.argv = ["studygen", *request["args"]]
        from studygen.cli import main

        main()
        code = 0
    except SystemExit as stop:  # as the interpreter turns it into an exit code
        if stop.code is None:
            code = 0
        elif isinstance(stop.code, int):
            code = stop.code
        else:
            print(stop.code, file=sys.stderr)
    except BaseException:  # as an uncaught exception ends a fresh interpreter
        import traceback

        traceback.print_exc()
    finally:
        atexit._run_exitfuncs()  # as a fresh interpreter does on its way out
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(Exception):  # closed or broken: nothing left to save
                stream.flush()
        os._exit(code)


def _serve(memory_limit: int) -> None:
    if memory_limit:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    _preload()
    for line in sys.stdin:
        request = json.loads(line)
        with tempfile.TemporaryFile() as stdout, tempfile.TemporaryFile() as stderr:
            sys.stdout.flush()
            sys.stderr.flush()
            pid = os.fork()
            if pid == 0:
                _command(request, stdout, stderr)
            _answer({"pid": pid})
            guard = request["guard"]
            deadline = time.monotonic() + guard
            while True:
                done, status = os.waitpid(pid, os.WNOHANG)
                if done:
                    break
                if time.monotonic() > deadline:
                    os.kill(pid, 9)
                    _, status = os.waitpid(pid, 0)
                    stderr.write(f"\n[stopped by the test's guard after {guard} s]\n".encode())
                    break
                time.sleep(0.005)
            texts = []
            for stream in (stdout, stderr):
                stream.seek(0)
                texts.append(stream.read().decode("utf-8", "replace"))
        _answer({"code": os.waitstatus_to_exitcode(status), "stdout": texts[0], "stderr": texts[1]})


def _answer(answer: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(answer) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    sys.path[0] = ""  # as for ``python -c``: the working directory, not this folder
    _serve(int(sys.argv[1]))
