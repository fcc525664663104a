"""How many threads the embedded model takes: the free cores, read from the kernel."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import pytest

from reelwright.tools.llm.local import busy_elsewhere, threads_beside


def test_runnable_threads_besides_the_reader_are_counted(tmp_path: Path) -> None:
    loadavg = tmp_path / "loadavg"
    loadavg.write_text("1.90 1.20 0.80 3/612 4242\n")
    assert busy_elsewhere(loadavg, samples=3) == 2
    loadavg.write_text("0.01 0.02 0.00 1/600 4242\n")
    assert busy_elsewhere(loadavg, samples=3) == 0


def test_an_unreadable_count_reads_as_idle(tmp_path: Path) -> None:
    assert busy_elsewhere(tmp_path / "missing", samples=2) == 0
    (tmp_path / "odd").write_text("garbage\n")
    assert busy_elsewhere(tmp_path / "odd", samples=2) == 0


def test_the_model_takes_every_core_alone_and_the_free_ones_beside_work() -> None:
    assert threads_beside(2, 0) == 2
    assert threads_beside(2, 1) == 1
    assert threads_beside(2, 5) == 1, "never fewer than one"
    assert threads_beside(8, 3) == 5


def test_each_call_sets_the_free_cores_on_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    from reelwright.tools.llm import local

    monkeypatch.delenv("REELWRIGHT_LLM_THREADS", raising=False)
    monkeypatch.delenv("REELWRIGHT_LLM_THREADS_BATCH", raising=False)
    monkeypatch.setattr(local.os, "cpu_count", lambda: 2)
    set_to: list[tuple[int, int]] = []
    model = SimpleNamespace(_ctx=SimpleNamespace(set_n_threads=lambda n, b: set_to.append((n, b))))
    backend = local.LocalLlamaBackend()
    monkeypatch.setattr(local, "busy_elsewhere", lambda: 1)
    backend._fit_threads(model)
    assert set_to == [(1, 1)] and backend.threads == 1
    monkeypatch.setattr(local, "busy_elsewhere", lambda: 0)
    backend._fit_threads(model)
    assert set_to[-1] == (2, 2) and backend.threads == 2
    backend._fit_threads(object())  # a llama-cpp-python without the call: threads kept
    assert backend.threads == 2


def test_a_fixed_thread_count_is_never_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    from reelwright.tools.llm import local

    monkeypatch.setenv("REELWRIGHT_LLM_THREADS", "2")
    monkeypatch.setenv("REELWRIGHT_LLM_THREADS_BATCH", "2")
    monkeypatch.setattr(local, "busy_elsewhere", lambda: 5)
    backend = local.LocalLlamaBackend()
    model = SimpleNamespace(_ctx=SimpleNamespace(set_n_threads=lambda n, b: pytest.fail("set")))
    backend._fit_threads(model)
    assert backend.threads == 2
