"""A piped run says what it does: one plain line per finished node, with an ETA."""

from __future__ import annotations

import io

import pytest

from reelwright.plan import Plan
from reelwright.progress import PlainLines, Rates, RunProgress


def test_one_line_per_finished_node_with_agent_node_seconds_and_eta() -> None:
    plan = Plan()
    plan.add("series", "series", "writer")
    plan.add("scene:1.1", "scene", "writer", ["series"])
    plan.add("scene:1.2", "scene", "writer", ["series"])
    out = io.StringIO()
    lines = PlainLines(out)
    lines("series", "running", plan)
    assert out.getvalue() == "", "nothing printed until a node finishes"
    plan.node("series")["status"] = "done"
    lines("series", "done", plan)
    lines("scene:1.1", "running", plan)
    lines.started["scene:1.1"] -= 10.0  # as if it ran ten seconds
    plan.node("scene:1.1")["status"] = "done"
    lines("scene:1.1", "done", plan)
    printed = out.getvalue().splitlines()
    assert len(printed) == 2
    assert "writer" in printed[1] and "scene:1.1" in printed[1] and "done" in printed[1]
    assert " 10.0s" in printed[1] and "(2/3 nodes" in printed[1]
    assert "eta 10s" in printed[1], "one scene left, measured at ten seconds a scene"


def test_eta_prices_unmeasured_model_nodes_as_slow_and_media_nodes_as_shared() -> None:
    plan = Plan()
    plan.add("scene:1.1", "scene", "writer", status="done")
    plan.add("shotlist:1.1", "shotlist", "director")
    plan.add("frame:1.1.1", "frame", "cinematographer")
    plan.add("frame:1.1.2", "frame", "cinematographer")
    rates = Rates()
    assert rates.eta(plan) is None, "no ETA before anything was measured"
    rates.add("scene", 40.0)
    rates.add("frame", 2.0)
    assert rates.eta(plan) == 40.0 + (2.0 + 2.0) / 2


def test_a_piped_run_gets_plain_lines_and_a_terminal_gets_the_bar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("REELWRIGHT_PROGRESS", raising=False)
    monkeypatch.setattr("sys.stderr", io.StringIO())  # not a terminal
    assert RunProgress().plain is not None
    assert RunProgress(enabled=True).plain is None
