"""The run caps glibc's malloc arenas, so worker threads do not each keep a heap."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

SCRIPT = """
import ctypes, threading, sys
from reelwright.tools.memory import fewer_malloc_arenas
if sys.argv[1] == "cap":
    assert fewer_malloc_arenas()
start = threading.Barrier(8)
def work():
    start.wait()
    for _ in range(200):
        bytearray(200_000)  # image-sized buffers from many threads at once
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
ctypes.CDLL(None).malloc_stats()  # one "Arena N:" block per arena, on stderr
"""


def arenas(mode: str) -> int:
    env = {"PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, mode], capture_output=True, text=True, env=env, check=True
    )
    return out.stderr.count("Arena ")


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="a glibc setting")
def test_worker_threads_share_at_most_two_arenas() -> None:
    assert arenas("cap") <= 2
    assert arenas("free") > 2, "without the cap the same threads spread over more arenas"


def test_a_users_own_setting_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    from reelwright.tools.memory import fewer_malloc_arenas

    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")
    assert fewer_malloc_arenas() is False
