"""Per-call overhead of the diffusers backends, on the tiny pipelines the tests build.

With a tiny model the denoising is nearly free, so what is left is what the backend
itself costs per shot: loading (once), prompt encoding, VAE, resize/crop, PNG save,
retiming and the H.264 encode. The model's own share is measured by timing the
pipeline's __call__, so "backend" is the part a real model does not change.

    .venv/bin/python bench/bench_diffusion.py [--repeat 5] [--threads 2]
"""

from __future__ import annotations

import argparse
import functools
import importlib.util
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[1]


def _tiny_builders() -> Any:
    """The test module's builders, so the bench measures exactly what CI runs."""
    path = ROOT / "tests" / "tools" / "test_diffusion.py"
    spec = importlib.util.spec_from_file_location("_tiny_diffusion", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _time_model_calls(pipe: Any, spent: list[float]) -> None:
    """Wrap the pipeline class's __call__ (signature kept) to record model time."""
    cls = type(pipe)
    original = getattr(cls, "__wrapped_for_bench__", cls.__call__)

    @functools.wraps(original)
    def timed(self: Any, *args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return original(self, *args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    timed.__wrapped_for_bench__ = original  # type: ignore[attr-defined]
    cls.__call__ = timed


def _measure(
    label: str, backend: Any, render: Callable[[int], Path], repeat: int
) -> tuple[str, float, float, float]:
    start = time.perf_counter()
    pipe = backend.pipeline()
    load = time.perf_counter() - start
    spent: list[float] = []
    _time_model_calls(pipe, spent)
    render(-1)  # warm-up: first call pays for lazy kernels and caches
    spent.clear()
    start = time.perf_counter()
    for i in range(repeat):
        render(i)
    per_call = (time.perf_counter() - start) / repeat
    model = sum(spent) / repeat
    return label, load, per_call, per_call - model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    import torch

    torch.set_num_threads(args.threads)
    tiny = _tiny_builders()
    from reelwright.tools.diffusion.image import DiffusersImageBackend
    from reelwright.tools.diffusion.video import DiffusersVideoBackend
    from reelwright.tools.media import ClipRequest

    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        start = time.perf_counter()
        tiny.build_sd(tmp / "sd")
        tiny.build_ltx(tmp / "ltx")
        print(f"built tiny SD + LTX pipelines in {time.perf_counter() - start:.2f}s")
        key = tiny.keyframe(tmp)

        for w, h in ((64, 112), (1080, 1920)):
            image = DiffusersImageBackend(tmp / "sd", steps=2, max_area=64 * 112)

            def draw(i: int, w: int = w, h: int = h, image: Any = image) -> Path:
                req = tiny.frame_request(seed=i, width=w, height=h)
                return image.render(req, tmp / f"img_{w}_{i}.png")

            rows.append(
                _measure(f"image {w}x{h} PNG (64x112 gen, 2 steps)", image, draw, args.repeat)
            )

        for w, h, fps in ((64, 112, 8), (1080, 1920, 30)):
            video = DiffusersVideoBackend(tmp / "ltx", steps=2, num_frames=9, max_area=64 * 128)

            def move(i: int, w: int = w, h: int = h, fps: int = fps, video: Any = video) -> Path:
                req = ClipRequest(shot_id="1.1.1", frame_path=key, prompt="she walks",
                                  duration=3.0, fps=fps, width=w, height=h, seed=i)  # fmt: skip
                return video.render(req, tmp / f"clip_{w}_{i}.mp4")

            label = f"video {w}x{h} 3s@{fps} MP4 (9 gen frames)"
            rows.append(_measure(label, video, move, args.repeat))

    print(f"\n{'call':<46} {'load s':>8} {'s/call':>8} {'backend s':>10}")
    for label, load, per_call, own in rows:
        print(f"{label:<46} {load:8.3f} {per_call:8.3f} {own:10.3f}")
    print(f"(torch {torch.__version__}, {args.threads} threads, mean of {args.repeat} calls; "
          "'backend' = s/call minus the pipeline's own __call__)")  # fmt: skip


if __name__ == "__main__":
    main()
