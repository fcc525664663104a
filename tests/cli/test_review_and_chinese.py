"""Review gates stop and resume without redoing approved work; a Chinese series end to end."""

from __future__ import annotations

import csv
import subprocess
from collections import Counter
from pathlib import Path

import numpy as np
import srt
from cli_helpers import run_cli, scripted_endpoint
from fake_story import story_script
from PIL import Image

from reelwright.events import read_events
from reelwright.plan import Plan
from reelwright.tools.ffmpeg import run_ffmpeg


def test_review_gates_stop_and_resume(tmp_path: Path) -> None:
    with scripted_endpoint(story_script(episodes=1)) as endpoint:
        _review_gates(tmp_path / "runs", endpoint.llm, endpoint.env)


def _review_gates(runs: Path, llm: str, env: dict[str, str]) -> None:
    made = run_cli(
        "make",
        "A fisherman and the storm",
        "--episodes",
        "1",
        "--episode-seconds",
        "45",
        "--review",
        "--llm",
        llm,
        "--runs-dir",
        str(runs),
        env=env,
    )
    assert made.returncode == 0, made.stderr[-2000:]
    run = Path(made.stdout.strip().splitlines()[-1])
    assert "review after the bible" in made.stderr
    plan = Plan.load(run / "plan.json")
    assert plan.node("series")["status"] == "done"
    assert plan.node("episode:1")["status"] != "done"
    for gate in ("scripts", "shots"):
        resumed = run_cli("resume", run.name, "--runs-dir", str(runs), env=env)
        assert resumed.returncode == 0, resumed.stderr[-2000:]
        assert f"review after the {gate}" in resumed.stderr
    plan = Plan.load(run / "plan.json")
    assert plan.node("critique:series")["status"] == "done"
    assert all(plan.node(s)["status"] == "done" for s in plan.ids("shotlist"))
    assert not plan.ids("cut") or plan.node("cut:1")["status"] != "done"
    final = run_cli("resume", run.name, "--runs-dir", str(runs), env=env)
    assert final.returncode == 0, final.stderr[-2000:]
    assert (run / "episode_01.mp4").exists()
    done = Counter(e["node"] for e in read_events(run / "events.jsonl") if e["type"] == "node_done")
    assert done and max(done.values()) == 1, "nothing approved ran again"
    gates = [e["gate"] for e in read_events(run / "events.jsonl") if e["type"] == "review_gate"]
    assert gates == ["bible", "scripts", "shots"]


def test_chinese_series_end_to_end(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    with scripted_endpoint(story_script(episodes=1, lang="zh")) as endpoint:
        made = _make_chinese(runs, endpoint.llm, endpoint.env)
    _check_chinese(made, tmp_path)


def _make_chinese(runs: Path, llm: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return run_cli(
        "make",
        "年轻渔夫为救母亲与怒海搏斗",
        "--episodes",
        "1",
        "--episode-seconds",
        "45",
        "--llm",
        llm,
        "--runs-dir",
        str(runs),
        env=env,
    )


def _check_chinese(made: subprocess.CompletedProcess[str], tmp_path: Path) -> None:
    assert made.returncode == 0, made.stderr[-2000:]
    run = Path(made.stdout.strip().splitlines()[-1])
    assert 'lang = "zh"' in (run / "run.toml").read_text(encoding="utf-8")
    from reelwright.tools.screenplay import read_fountain_counts

    headings, dialogue = read_fountain_counts(run / "script" / "episode_01.fountain")
    assert headings == 3 and dialogue == 12
    fountain = (run / "script" / "episode_01.fountain").read_text(encoding="utf-8")
    assert "@林海" in fountain and ".内景" in fountain
    cues = list(srt.parse((run / "episode_01.srt").read_text(encoding="utf-8")))
    assert any("风暴" in c.content for c in cues)
    # subtitles are burned in: the caption area differs from the same moment of the raw clip
    rows = list(csv.DictReader((run / "shots" / "episode_01.csv").open(encoding="utf-8")))
    start = 0.0
    for row in rows:
        if row["dialogue"]:
            break
        start += float(row["duration"])
    t = start + 1.0
    shot = row["shot_id"].replace(".", "_")
    burned, raw = tmp_path / "burned.png", tmp_path / "raw.png"
    run_ffmpeg(
        ["-ss", f"{t:.3f}", "-i", str(run / "episode_01.mp4"), "-frames:v", "1", str(burned)]
    )
    run_ffmpeg(
        ["-ss", "1.0", "-i", str(run / "clips" / f"shot_{shot}.mp4"), "-frames:v", "1", str(raw)]
    )
    a = np.asarray(Image.open(burned).convert("L"), dtype=float)
    b = np.asarray(Image.open(raw).convert("L"), dtype=float)
    h = a.shape[0]
    band = slice(int(h * 0.55), int(h * 0.75))
    assert np.abs(a[band] - b[band]).mean() > 3, "subtitle pixels in the caption band"
    assert np.abs(a[int(h * 0.8) :] - b[int(h * 0.8) :]).mean() < 3, "bottom quarter kept clear"
