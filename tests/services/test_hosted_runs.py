"""One-episode runs through each mock service: real footage and voices, paid once, on budget.

The model is the OpenAI-compatible stub; video, images and speech are local mocks of the
services' public APIs on 127.0.0.1. Each run is checked the way a user would: a playable
9:16 episode as long as its shot list, clips that are the service's files, one paid task
per clip, the estimate against what the service billed, and no key in the run folder.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import PREMISE, run_cli
from fake_story import story_script
from mocks import hailuo, kling, openai_media, seedance
from mocks.base import MockState
from openai_stub import openai_stub

from reelwright.plan import Plan
from reelwright.plan_store import load_plan
from reelwright.tools.ffmpeg import probe

SECONDS = 20
LLM_KEY = "sk-stub-secret-key-0123456789"
ESTIMATE = re.compile(r"^estimate: \$(\d+\.\d+)", re.M)


def make_args(runs: Path, *extra: str) -> list[str]:
    return [
        "make",
        PREMISE,
        "--episodes",
        "1",
        "--episode-seconds",
        str(SECONDS),
        "--llm",
        "openai:stub-model",
        "--runs-dir",
        str(runs),
        *extra,
    ]


def base_env(url: str) -> dict[str, str]:
    return {
        "OPENAI_BASE_URL": url,
        "OPENAI_API_KEY": LLM_KEY,
        "REELWRIGHT_POLL_S": "0.05",
        "REELWRIGHT_BACKOFF": "0.01",
    }


def run_folder(result: subprocess.CompletedProcess[str]) -> Path:
    return Path(result.stdout.strip().splitlines()[-1])


def check_episode(run: Path) -> list[dict[str, str]]:
    """A playable 9:16 episode exactly as long as its shot list."""
    rows = list(csv.DictReader((run / "shots" / "episode_01.csv").open()))
    info = probe(run / "episode_01.mp4", exact=True)
    assert (info.width, info.height) == (1080, 1920)
    assert info.video_codec == "h264" and info.audio_codec == "aac"
    total = sum(float(r["duration"]) for r in rows)
    assert abs(info.duration - total) <= 1 / 30 + 1e-3, (info.duration, total)
    return rows


def check_clips(run: Path, state: MockState, refused: int = 0) -> Plan:
    """Every clip is a file the service made, from its own task, submitted exactly once
    (plus one new task for each the service refused)."""
    plan = Plan.load(run / "plan.json")
    clips = plan.ids("clip")
    assert clips and all(plan.node(c)["status"] == "done" for c in clips)
    task_ids = [plan.payload(c)["task"]["task_id"] for c in clips]
    assert len(set(task_ids)) == len(clips) == len(state.creates) - refused, "one per clip"
    assert set(task_ids) == {t for t, task in state.tasks.items() if not task.fail}
    assert len(state.billed_tasks) == len(clips), "a refused task is not billed"
    for clip in clips:
        task = plan.payload(clip)["task"]
        served = state.files / f"clip_{task['billed_seconds']}s.mp4"
        assert (run / plan.payload(clip)["path"]).read_bytes() == served.read_bytes()
        assert task["state"] == "succeeded" and task["price_usd"] > 0
    return plan


def no_secrets(run: Path, secrets: list[str]) -> None:
    for path in run.rglob("*"):
        if path.is_file() and path.suffix in {".json", ".jsonl", ".toml", ".md", ".html", ".csv"}:
            text = path.read_text(encoding="utf-8", errors="ignore")
            for secret in secrets:
                assert secret not in text, (path, secret[:6])


def test_kling_with_openai_images_and_speech(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    with (
        openai_stub(story_script(episodes=1)["replies"]) as (url, _),
        kling.kling_mock(tmp_path / "files") as video,
        openai_media.openai_media_mock(tmp_path / "media") as media,
    ):
        env = {**base_env(url), **kling.env(video), **openai_media.env(media)}
        result = run_cli(
            *make_args(
                runs,
                "--video",
                "kling",
                "--images",
                "openai-images:gpt-image-1",
                "--voices",
                "openai-speech:gpt-4o-mini-tts",
                "--yes",
            ),
            env=env,
        )
        assert result.returncode == 0, result.stderr[-3000:]
        run = run_folder(result)
        check_episode(run)
        plan = check_clips(run, video)
        assert video.rejected == 1, "the first create met a 429 and was retried"
        speech = [b for b in media.creates if "input" in b]
        images = [b for b in media.creates if "prompt" in b]
        assert len(speech) == len(plan.ids("line"))
        assert len(images) == len(plan.ids("frame")) + len(plan.ids("character"))
        voices: dict[str, set[str]] = {}
        for line in plan.ids("line"):
            payload = plan.payload(line)
            voices.setdefault(payload["speaker"], set()).add(payload["voice"]["voice"])
            assert "Emotion:" in payload["voice"]["instructions"]
        assert all(len(v) == 1 for v in voices.values()), "one voice per character"
        assert len({next(iter(v)) for v in voices.values()}) == len(voices)
        billed = video.billed_usd + media.billed_usd
        printed = [float(x) for x in ESTIMATE.findall(result.stderr)]
        assert printed, result.stderr[-2000:]
        assert abs(printed[-1] - billed) <= 0.1 * billed, (printed, billed)
        print(
            f"\nkling+images+speech: estimate ${printed[-1]:.4f}, mocks billed ${billed:.4f}, "
            f"{len(plan.ids('clip'))} clips, {len(images)} images, {len(speech)} lines"
        )
        shown = run_cli("runs", "show", run.name, "--runs-dir", str(runs))
        spent = float(re.search(r"spent\s+\$(\d+\.\d+)", shown.stdout).group(1))  # type: ignore[union-attr]
        assert abs(spent - billed) < 0.01
        assert "kling" in shown.stdout and "openai-speech" in shown.stdout
        report = (run / "report.html").read_text(encoding="utf-8")
        assert "Spent on paid services" in report and "video:kling" in report
    no_secrets(run, [LLM_KEY, kling.SECRET_KEY, kling.ACCESS_KEY, openai_media.API_KEY])


def test_budget_below_estimate_stops_before_paying_then_finishes(tmp_path: Path) -> None:
    """Also: a clip the service refuses fails alone, with the reason; resume makes it again."""
    runs = tmp_path / "runs"
    with (
        openai_stub(story_script(episodes=1)["replies"]) as (url, _),
        seedance.seedance_mock(tmp_path / "files", refuse_nth=3) as video,
    ):
        env = {**base_env(url), **seedance.env(video)}
        result = run_cli(
            *make_args(runs, "--video", "seedance", "--budget", "0.05", "--yes"), env=env
        )
        assert result.returncode == 3, result.stderr[-2000:]
        assert "stopped before the first paid call" in result.stderr
        assert "budget of $0.05" in result.stderr
        assert not video.creates and not video.rejected, "nothing was sent"
        run = run_folder(result)
        ask = run_cli("resume", run.name, "--runs-dir", str(runs), "--budget", "50", env=env)
        assert ask.returncode == 3 and "--yes to agree to" in ask.stderr, ask.stderr[-2000:]
        assert ESTIMATE.search(ask.stderr) and not video.creates, "not without a yes"
        again = run_cli("resume", run.name, "--runs-dir", str(runs), "--yes", env=env)
        assert again.returncode == 1, again.stderr[-3000:]
        assert "OutputVideoSensitiveContentDetected" in again.stderr, again.stderr[-2000:]
        plan = Plan.load(run / "plan.json")
        failed = [n for n in plan.ids() if plan.node(n)["status"] == "failed"]
        assert len(failed) == 1 and failed[0].startswith("clip:")
        done = [c for c in plan.ids("clip") if plan.node(c)["status"] == "done"]
        assert len(done) == len(plan.ids("clip")) - 1, "the other clips were made"
        last = run_cli("resume", run.name, "--runs-dir", str(runs), "--yes", env=env)
        assert last.returncode == 0, last.stderr[-3000:]
        check_episode(run)
        check_clips(run, video, refused=1)
        printed = [float(x) for x in ESTIMATE.findall(result.stderr)]
        assert abs(printed[-1] - video.billed_usd) <= 0.1 * video.billed_usd
        print(
            f"\nseedance: estimate ${printed[-1]:.4f}, mock billed ${video.billed_usd:.4f}, "
            f"{len(video.creates)} creates for {len(video.billed_tasks)} clips (1 refused)"
        )
    no_secrets(run, [LLM_KEY, seedance.API_KEY])


def _submitted(run: Path) -> int:
    """Clip tasks saved as submitted in the live plan (the SQLite store, while it runs)."""
    try:
        plan = load_plan(run)
    except Exception:  # the store is being created, or the run not yet saved
        return 0
    return sum(1 for n in plan.iter_nodes() if (n.get("partial") or {}).get("state") == "submitted")


def test_kill_9_while_tasks_pending_then_resume_submits_nothing_twice(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    with (
        openai_stub(story_script(episodes=1)["replies"]) as (url, _),
        hailuo.hailuo_mock(tmp_path / "files", task_seconds=4.0) as video,
    ):
        env = {**os.environ, **base_env(url), **hailuo.env(video)}
        args = make_args(runs, "--video", "hailuo", "--yes")
        proc = subprocess.Popen(
            [sys.executable, "-m", "reelwright.cli", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
        )
        deadline = time.monotonic() + 300
        run: Path | None = None
        while time.monotonic() < deadline and proc.poll() is None:
            found = [p for p in runs.glob("*") if p.is_dir()] if runs.exists() else []
            if found and _submitted(found[0]) >= 2:
                run = found[0]
                break
            time.sleep(0.05)
        assert run is not None, "no clip task was pending"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        pending = _submitted(run)
        submitted_before = len(video.creates)
        assert pending >= 1 and submitted_before >= pending
        result = run_cli("resume", run.name, "--runs-dir", str(runs), "--yes", env=env)
        assert result.returncode == 0, result.stderr[-3000:]
        check_episode(run)
        check_clips(run, video)
        print(
            f"\nhailuo kill -9: {pending} tasks pending at the kill, {submitted_before} created "
            f"before it, {len(video.creates)} created in all for {len(video.tasks)} clips"
        )
    no_secrets(run, [LLM_KEY, hailuo.API_KEY])


def test_unknown_outcome_is_reported_not_resubmitted(tmp_path: Path) -> None:
    """A create whose reply never came is not sent again unless the user says so."""
    from PIL import Image

    from reelwright.tools.media import ClipRequest
    from reelwright.tools.video import MemoryCheckpoint, UnknownOutcome, make_hosted
    from reelwright.tools.video.tasks import fingerprint

    Image.new("RGB", (1080, 1920), (30, 60, 90)).save(tmp_path / "f.png")
    req = ClipRequest(
        shot_id="1.1.1",
        frame_path=tmp_path / "f.png",
        prompt="a boat at dawn",
        duration=2.4,
        width=1080,
        height=1920,
    )
    with kling.kling_mock(tmp_path / "files", rate_limit_first=False) as state:
        env: dict[str, Any] = {**kling.env(state), "REELWRIGHT_BACKOFF": "0.01"}
        checkpoint = MemoryCheckpoint()
        backend = make_hosted("kling", None, env, poll_interval=0.05)
        billed, price = backend.quote(req)
        assert billed == 5 and price == pytest.approx(0.28)
        checkpoint.save(
            {
                "service": "kling",
                "model": "kling-v2-1",
                "state": "submitting",
                "request": fingerprint(req, "kling-v2-1", 5),
                "billed_seconds": 5,
                "price_usd": price,
                "submitted_at": "t",
            }
        )
        with pytest.raises(UnknownOutcome, match="resubmit-unknown"):
            backend.render(req, tmp_path / "a.mp4", checkpoint)
        assert not state.creates
        again = make_hosted("kling", None, env, poll_interval=0.05, resubmit_unknown=True)
        again.render(req, tmp_path / "a.mp4", checkpoint)
        assert len(state.creates) == 1 and checkpoint.data["state"] == "succeeded"  # type: ignore[index]
        refused = req.model_copy(
            update={"prompt": "FORBIDDEN-SCENE in the storm", "shot_id": "1.1.2"}
        )
        with pytest.raises(Exception, match="refused"):
            again.render(refused, tmp_path / "b.mp4", MemoryCheckpoint())
