"""report.html: what a reader checks, on a full run, a hostile run and broken runs."""

from __future__ import annotations

import html
import json
import os
import random
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from support.sample_run import HOSTILE, make_sample_run

from reelwright.agents.cinematographer import ShotPlan
from reelwright.agents.critics import CritiqueReport
from reelwright.agents.schemas import Bible, Outline, Scene, ShotList
from reelwright.events import EVENT_TYPES
from reelwright.recipe import KINDS
from reelwright.report import JS, write_report
from reelwright.report.calls import diff_html

RAW = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>"]
SCHEMAS = {
    "series": Bible,
    "episode": Outline,
    "scene": Scene,
    "shotlist": ShotList,
    "shot": ShotPlan,
    "critique": CritiqueReport,
}


@pytest.fixture
def run(tmp_path: Path) -> Path:
    return make_sample_run(
        tmp_path / "20250301-090000-sea", hostile=True, fail_clip=True, review_gate=True
    )


def plan_nodes(run: Path) -> list[dict[str, object]]:
    return json.loads((run / "plan.json").read_text(encoding="utf-8"))["nodes"]  # type: ignore[no-any-return]


def test_sample_run_has_every_event_type_and_schema_true_payloads(run: Path) -> None:
    events = [json.loads(line) for line in (run / "events.jsonl").read_text("utf-8").splitlines()]
    assert {e["type"] for e in events} == set(EVENT_TYPES)
    kinds = set()
    for node in plan_nodes(run):
        kinds.add(node["kind"])
        schema = SCHEMAS.get(str(node["kind"]))
        if schema is not None:
            schema.model_validate(node["payload"])
    assert set(KINDS) <= kinds
    with Image.open(run / "frames" / "shot_1_1_1.png") as frame:
        assert frame.size == (180, 320)


def test_report_shows_title_counts_rounds_and_sections(run: Path) -> None:
    out = write_report(run)
    assert out == run / "report.html"
    page = out.read_text(encoding="utf-8")
    nodes = plan_nodes(run)
    title = next(n for n in nodes if n["id"] == "series")["payload"]["title"]  # type: ignore[index]
    assert f"<h1>{html.escape(title, quote=True)}</h1>" in page
    assert f'data-stat="nodes"><small>nodes</small><b>{len(nodes)}</b>' in page
    assert "4 critique rounds, 1 revision." in page
    assert "critique:series round 1: 2 issues" in page
    assert "critique:series round 2: 0 issues" in page
    assert "emotion_jump" in page and "Give Kai a beat of silence" in page
    assert 'class="del">' in page and 'class="add">' in page and "<mark>" in page
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
    assert page.count('<details class="call"') == sum(
        1
        for line in (run / "events.jsonl").read_text("utf-8").splitlines()
        if json.loads(line)["type"] == "llm_call"
    )
    assert 'src="frames/shot_1_1_1.png"' in page  # storyboard, in shot order
    assert page.index("shot_1_1_2.png") < page.index("shot_1_2_1.png")
    assert 'aria-label="emotional curve, episode 2"' in page and "target (outline)" in page
    assert "Kai Moana" in page and "RuntimeError: ffmpeg exited with status 1" in page
    assert "make the mother his older sister" in page and "<b>v0</b>" in page
    assert 'href="versions/v0/plan.json"' in page
    assert "1 node differs from now: series" in page
    assert "flowchart LR" in page  # Mermaid source, collapsed
    assert "Stopped for review after the scripts" in page
    assert out.stat().st_mode & 0o777 == 0o644
    assert page.count("<svg") >= 3  # plan graph and one curve per episode


def test_model_and_user_text_is_only_ever_escaped(run: Path) -> None:
    page = write_report(run).read_text(encoding="utf-8")
    for raw in RAW:
        assert raw not in page
    assert html.escape(RAW[0], quote=True) in page
    assert html.escape(RAW[1], quote=True) in page
    assert page.count("<script") == 1 and f"<script>{JS}</script>" in page
    assert not re.search(r"<img[^>]*onerror", page, re.IGNORECASE)
    csp = html.escape("script-src 'sha256-", quote=True)
    assert "Content-Security-Policy" in page and csp in page


def test_payload_paths_outside_the_run_are_never_linked(tmp_path: Path) -> None:
    run = make_sample_run(tmp_path / "r", shots_per_scene=1)
    plan = json.loads((run / "plan.json").read_text("utf-8"))
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"x")
    for node in plan["nodes"]:
        if node["id"] == "frame:1.1.1":
            node["payload"]["path"] = "../secret.png"
        if node["id"] == "frame:1.2.1":
            node["payload"]["path"] = str(secret)
        if node["id"] == "frame:1.3.1":
            node["payload"]["path"] = "javascript:alert(1)"
    (run / "plan.json").write_text(json.dumps(plan), "utf-8")
    page = write_report(run).read_text("utf-8")
    assert "secret.png" not in page and "javascript:" not in page
    assert page.count("no frame") == 3


def test_broken_and_partial_runs_still_render(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    page = write_report(empty).read_text("utf-8")
    assert "not started" in page and "No node has started yet." in page

    killed = make_sample_run(tmp_path / "killed", max_events=60)
    with (killed / "events.jsonl").open("a", encoding="utf-8") as fh:
        fh.write('{"ts": "2025-03-01T09:00:40.000+00:00", "type": "node_do')  # torn line
    page = write_report(killed).read_text("utf-8")
    assert "incomplete" in page and "bar unfinished" in page

    broken = make_sample_run(tmp_path / "broken", frames=False)
    plan = json.loads((broken / "plan.json").read_text("utf-8"))
    for node in plan["nodes"]:
        if node["kind"] in ("scene", "shot", "episode"):
            node["payload"] = "not an object"
        if node["kind"] == "critique":
            node["payload"] = {"rounds": "x", "final_issues": [1, None]}
    plan["edges"].append({"source": "cut:1", "target": "series"})  # a cycle
    (broken / "plan.json").write_text(json.dumps(plan), "utf-8")
    page = write_report(broken).read_text("utf-8")
    assert "could not be drawn" not in page
    assert "no frame" in page and 'aria-label="emotional curve, episode 1"' in page

    (broken / "plan.json").write_text("{not json", "utf-8")
    (broken / "events.jsonl").write_text("", "utf-8")
    page = write_report(broken).read_text("utf-8")
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


def test_mangled_payloads_and_events_never_break_a_section(tmp_path: Path) -> None:
    """Fields of the wrong type anywhere (a model wrote them, or a tool did) still render."""
    base = make_sample_run(tmp_path / "base", shots_per_scene=2)
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
def test_report_renders_in_headless_chromium(run: Path, tmp_path: Path) -> None:
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
    assert "Salt and Thunder" in dom and f"<b>{nodes}</b>" in dom
    assert "critique:series round 1: 2 issues" in dom
    assert '<img src="x"' not in dom and "<script>alert" not in dom
    assert HOSTILE not in dom
