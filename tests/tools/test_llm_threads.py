"""How many threads the embedded model takes: the free cores, read from the kernel."""

from __future__ import annotations

from pathlib import Path

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
