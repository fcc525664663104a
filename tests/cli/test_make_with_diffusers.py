"""`make --images diffusers --image-model PATH`: the real diffusers path, end to end.

A tiny randomly initialised Stable Diffusion pipeline (with an IP-Adapter) is built
and saved in the test, then loaded from that folder by the CLI as a user's weights
would be: reference sheets, seeded frames per shot, and the edit on top.
"""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
from cli_helpers import run_cli, scripted_endpoint
from fake_story import story_script

pytest.importorskip("diffusers")
pytestmark = pytest.mark.diffusers


def builders() -> object:
    path = Path(__file__).resolve().parents[1] / "tools" / "test_diffusion.py"
    spec = importlib.util.spec_from_file_location("tiny_diffusion_builders", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_make_with_local_diffusers_weights(tmp_path: Path) -> None:
    from PIL import Image

    tiny = builders()
    sd = tiny.build_sd(tmp_path / "sd")  # type: ignore[attr-defined]
    ip_weight = tiny.build_ip_adapter(sd.unet, tmp_path / "ip")  # type: ignore[attr-defined]
    runs = tmp_path / "runs"
    with scripted_endpoint(story_script(episodes=1)) as endpoint:
        made = run_cli(
            "make",
            "A fisherman and the storm",
            "--episodes",
            "1",
            "--episode-seconds",
            "45",
            "--aspect",
            "16:9",
            "--images",
            "diffusers",
            "--image-model",
            str(tmp_path / "sd"),
            "--ip-adapter",
            str(ip_weight),
            "--image-steps",
            "2",
            "--image-max-pixels",
            str(96 * 64),
            "--llm",
            endpoint.llm,
            "--runs-dir",
            str(runs),
            env={"HF_HUB_OFFLINE": "1", **endpoint.env},
        )
    assert made.returncode == 0, made.stderr[-3000:]
    run = Path(made.stdout.strip().splitlines()[-1])
    frames = sorted((run / "frames").glob("shot_*.png"))
    assert len(frames) >= 10
    for path in frames[:3]:
        with Image.open(path) as image:
            assert image.size == (1920, 1080)
            assert max(image.convert("L").getextrema()) > min(image.convert("L").getextrema())
    sheets = list((run / "frames" / "characters").glob("*.png"))
    assert len(sheets) == 2
    calls = [json.loads(line) for line in (run / "events.jsonl").read_text().splitlines()]
    tools = {e.get("tool") for e in calls if e["type"] == "tool_call"}
    assert "image:diffusers" in tools
    assert (run / "episode_01.mp4").exists()
