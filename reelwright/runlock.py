"""One writer per run: make, resume, revise and undo hold the run's lock while they work.

Without it, a `resume` started while the run's `make` is still going runs the
same nodes again (and a paid model is paid twice). The lock is fcntl.flock on
`.lock` in the run folder: the kernel lets go of it when the process dies, so a
kill -9 never leaves a run locked. The file also says who holds it, for the message.
"""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from reelwright.errors import UserError

LOCK_NAME = ".lock"


class RunInUse(UserError):
    """Another process is writing this run."""


@contextmanager
def hold(run_path: Path, command: str) -> Iterator[None]:
    """Hold the run's lock for the body, or refuse at once with who holds it."""
    path = Path(run_path) / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunInUse(_refusal(Path(run_path), fd, command)) from None
        holder = {
            "pid": os.getpid(),
            "command": command,
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _refusal(run_path: Path, fd: int, command: str) -> str:
    try:
        holder = json.loads(os.pread(fd, 4096, 0).decode() or "{}")
    except (OSError, ValueError):
        holder = {}
    who = (
        f"`{holder.get('command', '?')}` (pid {holder.get('pid', '?')}, since "
        f"{holder.get('since', '?')})"
        if holder
        else "another process"
    )
    return (
        f"run {run_path.name} is in use by {who}; {command} refused so no work is done "
        "twice. Wait for it to finish or stop it, then try again."
    )
