"""The cut's pacing in the report and in `runs show`: figures before and after, fixes,
what was sent back (escaped), and old runs' plain issue lists."""

from __future__ import annotations

from pathlib import Path

from support.planted_cut import planted

from reelwright.agents.pacing import pacing_pass
from reelwright.agents.sendback import pacing_payload
from reelwright.report.pacing import pacing_html, pacing_lines


def _payload() -> dict[str, object]:
    _, result = pacing_pass(
        planted((Path("clip.png"), Path("line.wav"))),
        target=30.0,
        fps=30,
        short_of_material={"1.1": "<two> lines"},
    )
    return pacing_payload(result, result.after)


def test_html_shows_before_after_fixes_and_send_backs() -> None:
    html = pacing_html(_payload())
    assert "<table" in html and "first spoken line" in html
    assert "8.75 s" in html and "2.52 s" in html  # planned, then as cut
    assert "shorten_silent" in html and "scene:1.1" in html and "writer" in html
    assert "&lt;two&gt; lines" in html and "<two>" not in html


def test_runs_show_lines_and_old_runs() -> None:
    lines = pacing_lines("cut:1", _payload())
    assert lines[0].startswith("pacing   cut:1") and "planned" in lines[0]
    assert any("first spoken line" in line and "8.75 s" in line for line in lines)
    assert any(line.startswith("  sent back to writer: scene:1.1") for line in lines)
    old = [{"kind": "hook_late", "detail": "hook starts at 5.0s"}]
    assert "hook_late" in pacing_html(old)
    assert pacing_lines("cut:1", old) == ["pacing   cut:1: hook_late hook starts at 5.0s"]
    assert pacing_html(None) == "" and pacing_lines("cut:1", {}) == []
