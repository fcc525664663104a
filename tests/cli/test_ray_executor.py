"""--executor ray renders an episode byte for byte as the local executor does.

One episode is planned and rendered through the stub endpoint with the local
executor; its media files are moved aside, every media node is invalidated, and
the same run renders again with Ray (2 CPUs, as on CI). Then the files a user
gets are compared byte for byte, and no model call was made the second time.

The story is Chinese (espeak-ng voices); the English Piper voices are seeded per line
and reproduce too (tests/tools/test_tts.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cli_helpers import run_cli
from fake_story import story_script
from media_compare import decoded_md5, forget_media, media_files
from openai_stub import openai_stub

from reelwright import pipeline
from reelwright.events import read_events
from reelwright.recipe import DRAMA
from reelwright.store import RunDir

ray = pytest.importorskip("ray")


def test_ray_renders_the_same_episode_as_the_local_executor(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = tmp_path / "runs"
    script = story_script(episodes=1, lang="zh")
    with openai_stub(script["replies"]) as (url, state):
        env = {"OPENAI_BASE_URL": url, "OPENAI_API_KEY": "sk-stub"}
        result = run_cli(
            "make", "年轻渔夫为救母亲与怒海搏斗", "--episodes", "1", "--episode-seconds", "30",
            "--llm", "openai:stub-model", "--runs-dir", str(runs), env=env,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-3000:]
        run = RunDir(Path(result.stdout.strip().splitlines()[-1]))
        local = media_files(run.path)
        assert "episode_01.mp4" in local and any(k.startswith("clips/") for k in local)

        local_mp4 = decoded_md5(run.path / "episode_01.mp4")
        media = forget_media(run)
        calls_before = len(state.requests)
        events_before = sum(1 for _ in read_events(run.events_path))

        monkeypatch.setenv("OPENAI_BASE_URL", url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-stub")
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
        try:
            settings = run.settings().model_copy(update={"executor": "ray"})
            outcome = pipeline.execute(run, settings, DRAMA)
        finally:
            ray.shutdown()
        assert outcome.ok, outcome.failed
        assert len(state.requests) == calls_before  # model work stayed done

    remote = media_files(run.path)
    assert remote.keys() == local.keys()
    # every frame, clip, voiced line, subtitle, timeline file and the episode MP4 itself,
    # byte for byte (the cut once ended wherever a frame cap caught the audio encoder)
    assert remote == local
    assert decoded_md5(run.path / "episode_01.mp4") == local_mp4
    after = run.load_plan()
    assert all(after.node(n)["status"] == "done" for n in media)
    new = list(read_events(run.events_path))[events_before:]
    done = {e["node"] for e in new if e["type"] == "node_done"}
    assert set(media) <= done  # every media node ran again, under Ray
    tools = [e for e in new if e["type"] == "tool_call"]
    assert {e["node"] for e in tools} >= set(after.ids("frame"))  # worker events came back
