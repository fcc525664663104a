"""report.html: what a reader checks, on real runs (clean, revised and failed, gated, broken)."""

from __future__ import annotations

import html
import json
import os
import random
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from support.real_run import CRITIC_FIX, HOSTILE, NOTE, ReportRuns

from reelwright.events import EVENT_TYPES, read_events
from reelwright.report import JS, write_report
from reelwright.report.calls import diff_html

RAW = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]


def plan_nodes(run: Path) -> list[dict[str, Any]]:
    return json.loads((run / "plan.json").read_text(encoding="utf-8"))["nodes"]  # type: ignore[no-any-return]


def events(run: Path, type_: str | None = None) -> list[dict[str, Any]]:
    return [e for e in read_events(run / "events.jsonl") if type_ in (None, e["type"])]


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def test_the_real_runs_cover_every_event_type(report_runs: ReportRuns) -> None:
    """A new kind of event fails here until the report tests make a run that writes it."""
    seen = {e["type"] for run in (report_runs.revised, report_runs.gated) for e in events(run)}
    assert seen == set(EVENT_TYPES)
    with Image.open(report_runs.revised / "frames" / "shot_1_1_1.png") as frame:
        assert frame.size == (1080, 1920)


def test_report_shows_title_counts_rounds_and_sections(report_runs: ReportRuns) -> None:
    run = report_runs.revised
    out = write_report(run)
    assert out == run / "report.html"
    page = out.read_text(encoding="utf-8")
    nodes = plan_nodes(run)
    title = next(n for n in nodes if n["id"] == "series")["payload"]["title"]
    assert HOSTILE in title and f"<h1>{esc(title)}</h1>" in page
    assert f'data-stat="nodes"><small>nodes</small><b>{len(nodes)}</b>' in page
    rounds, revisions = events(run, "critique"), events(run, "revision")
    assert revisions and revisions[0]["target"] == "scene:1.1"
    assert f"{len(rounds)} critique rounds, {len(revisions)} revision." in page
    assert "critique:series round 1: 1 issue<" in page
    assert "critique:series round 2: 0 issues<" in page
    assert esc(CRITIC_FIX) in page and "motivation" in page
    assert 'class="del">' in page and 'class="add">' in page and "<mark>" in page
    # the revision's diff: the critic quoted a line, so the writer mended that line
    assert "<mark>Listen. </mark>" in page and "<mark>wind</mark>" in page
    for section in (
        "overview",
        "timeline",
        "plan",
        "agents",
        "critique",
        "emotion",
        "storyboard",
        "episodes",
        "revisions",
        "files",
    ):
        assert f'<section id="{section}">' in page and f'href="#{section}"' in page
    assert page.count('<details class="call"') == len(events(run, "llm_call"))
    board = page[page.index('<section id="storyboard">') :]
    board = board[: board.index("</section>")]
    assert 'src="frames/shot_1_1_1.png"' in board  # in shot order
    assert board.index("shot_1_1_2.png") < board.index("shot_1_2_1.png")
    assert board.count("<img ") == len([n for n in nodes if n["kind"] == "shot"])
    assert 'aria-label="emotional curve, episode 1"' in page and "target (outline)" in page
    assert '<source src="episode_01.mp4"' in page or 'src="episode_01.mp4"' in page
    failed = next(n for n in nodes if n["status"] == "failed")
    assert failed["id"] == "critique:series"
    assert "<h3>Failed nodes (1)</h3>" in page and esc(failed["error"].split("\n")[0]) in page
    assert esc(NOTE) in page and "<b>v0</b>" in page
    assert 'href="versions/v0/plan.json"' in page
    assert "differs from now: scene:1.3" in page
    assert "flowchart LR" in page  # Mermaid source, collapsed
    assert out.stat().st_mode & 0o777 == 0o644
    assert page.count("<svg") >= 2  # plan graph and the episode's curve


def test_a_gated_run_says_it_stopped_for_review(report_runs: ReportRuns) -> None:
    page = write_report(report_runs.gated).read_text(encoding="utf-8")
    assert "Stopped for review after the bible" in page
    assert '<span class="status review">review</span>' in page
    assert "The Raging Sea" in page and "No critique yet." in page


def test_model_and_user_text_is_only_ever_escaped(report_runs: ReportRuns) -> None:
    page = write_report(report_runs.revised).read_text(encoding="utf-8")
    for raw in RAW:
        assert raw not in page
        assert esc(raw) in page
    assert page.count("<script") == 1 and f"<script>{JS}</script>" in page
    assert not re.search(r"<img[^>]*onerror", page, re.IGNORECASE)
    csp = esc("script-src 'sha256-")
    assert "Content-Security-Policy" in page and csp in page


def test_payload_paths_outside_the_run_are_never_linked(done_copy: Path, tmp_path: Path) -> None:
    run = done_copy
    plan = json.loads((run / "plan.json").read_text("utf-8"))
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"x")
    for node in plan["nodes"]:
        if node["id"] == "frame:1.1.1":
            node["payload"]["path"] = "../../secret.png"
        if node["id"] == "frame:1.2.1":
            node["payload"]["path"] = str(secret)
        if node["id"] == "frame:1.3.1":
            node["payload"]["path"] = "javascript:alert(1)"
    (run / "plan.json").write_text(json.dumps(plan), "utf-8")
    page = write_report(run).read_text("utf-8")
    assert "secret.png" not in page and "javascript:" not in page
    assert page.count("no frame") == 3


def test_broken_and_partial_runs_still_render(done_copy: Path, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    page = write_report(empty).read_text("utf-8")
    assert "not started" in page and "No node has started yet." in page

    # what a kill leaves: the log's first lines, the last one torn mid-write
    lines = (done_copy / "events.jsonl").read_text("utf-8").splitlines()
    (done_copy / "events.jsonl").write_text("\n".join(lines[:60]) + "\n", "utf-8")
    with (done_copy / "events.jsonl").open("a", encoding="utf-8") as fh:
        fh.write(lines[60][:40])
    page = write_report(done_copy).read_text("utf-8")
    assert "incomplete" in page and "bar unfinished" in page

    plan = json.loads((done_copy / "plan.json").read_text("utf-8"))
    for node in plan["nodes"]:
        if node["kind"] in ("scene", "shot", "episode"):
            node["payload"] = "not an object"
        if node["kind"] == "critique":
            node["payload"] = {"rounds": "x", "final_issues": [1, None]}
    plan["edges"].append({"source": "cut:1", "target": "series"})  # a cycle
    (done_copy / "plan.json").write_text(json.dumps(plan), "utf-8")
    shutil.rmtree(done_copy / "frames")
    page = write_report(done_copy).read_text("utf-8")
    assert "could not be drawn" not in page
    assert "no frame" in page and 'aria-label="emotional curve, episode 1"' in page

    (done_copy / "plan.json").write_text("{not json", "utf-8")
    (done_copy / "events.jsonl").write_text("", "utf-8")
    page = write_report(done_copy).read_text("utf-8")
    assert "plan.json unreadable" in page and "The plan is empty." in page


def _junk(rnd: random.Random, depth: int = 0) -> object:
    roll = rnd.random()
    if depth > 2 or roll < 0.4:
        return rnd.choice(
            [None, 0, 7, -3.5, 1e308, "x<y>", "", True, "2025-03-01T09:00:00", [], {}, RAW[1]]
        )
    if roll < 0.7:
        return [_junk(rnd, depth + 1) for _ in range(rnd.randint(0, 3))]
    keys = ["path", "text", "name", "feels", "valence", "kind", "node", "detail", "lines"]
    return {rnd.choice(keys): _junk(rnd, depth + 1) for _ in range(rnd.randint(0, 4))}


def _mutate(rnd: random.Random, obj: object, p: float) -> None:
    if isinstance(obj, dict):
        items = list(obj.items())
    else:
        items = list(enumerate(obj)) if isinstance(obj, list) else []
    for key, value in items:
        if rnd.random() < p:
            obj[key] = _junk(rnd)  # type: ignore[index]
        else:
            _mutate(rnd, value, p)


def test_mangled_payloads_and_events_never_break_a_section(
    revised_copy: Path, tmp_path: Path
) -> None:
    """Fields of the wrong type anywhere (a model wrote them, or a tool did) still render."""
    base = revised_copy
    rnd = random.Random(7)
    for trial in range(25):
        plan = json.loads((base / "plan.json").read_text("utf-8"))
        events = [json.loads(x) for x in (base / "events.jsonl").read_text("utf-8").splitlines()]
        _mutate(rnd, plan["nodes"], 0.05)
        _mutate(rnd, events, 0.03)
        run = tmp_path / f"t{trial}"
        run.mkdir()
        (run / "plan.json").write_text(json.dumps(plan), "utf-8")
        (run / "events.jsonl").write_text("\n".join(json.dumps(e) for e in events), "utf-8")
        page = write_report(run).read_text("utf-8")
        assert "could not be drawn" not in page, trial
        assert RAW[1] not in page


def test_diff_marks_removed_added_and_changed_words() -> None:
    out = diff_html(
        '{\n "text": "You will pay",\n "a": 1\n}', '{\n "text": "You will <b>go",\n "a": 1\n}'
    )
    assert '<div class="del">- &quot;text&quot;: &quot;You will <mark>pay</mark>' in out
    assert "<mark>&lt;b&gt;go</mark>" in out and "<b>go" not in out
    assert "No textual change" in diff_html("same", "same")


def _chromium() -> str | None:
    return shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
    )


@pytest.mark.skipif(
    _chromium() is None and not os.environ.get("CI"),
    reason="no chromium (Debian: apt-get install chromium; setup.sh test installs it)",
)
def test_report_renders_in_headless_chromium(report_runs: ReportRuns, tmp_path: Path) -> None:
    run = report_runs.revised
    page = write_report(run)
    shot = tmp_path / "shot.png"
    base = [
        str(_chromium()),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
        f"--user-data-dir={tmp_path / 'profile'}",
        "--window-size=1280,2400",
    ]
    subprocess.run(
        [*base, f"--screenshot={shot}", page.as_uri()],
        check=False,
        capture_output=True,
        timeout=180,
    )
    assert shot.is_file(), "chromium wrote no screenshot"
    with Image.open(shot) as image:
        colours = image.convert("RGB").resize((320, 600)).getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 50, "the screenshot is blank"
    dom = subprocess.run(
        [*base, "--virtual-time-budget=2000", "--dump-dom", page.as_uri()],
        check=False,
        capture_output=True,
        timeout=180,
        text=True,
    ).stdout
    nodes = len(plan_nodes(run))
    assert 'data-js="ready"' in dom  # our script ran under the page's CSP
    assert "The Raging Sea" in dom and f"<b>{nodes}</b>" in dom
    assert "critique:series round 1: 1 issue" in dom
    assert '<img src="x"' not in dom and "<script>alert" not in dom
    assert HOSTILE not in dom
