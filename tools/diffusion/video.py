"""Image-to-video from local diffusers weights: the `diffusers` video backend.

Supports the image-conditioned Wan, LTX-Video and CogVideoX pipelines (and their
text-to-video siblings as a logged fallback). The model's clip is retimed to the
shot: exactly round(duration * fps) frames at the requested size, written as
H.264 yuv420p by the ffmpeg binary that imageio-ffmpeg ships.
"""

from __future__ import annotations

import inspect
import logging
import math
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image

from reelwright.tools.media import ClipRequest

from . import (
    BackendUnavailable,
    LazyPipeline,
    accepts,
    fit_exact,
    generation_size,
    import_torch_diffusers,
    pick_device,
    read_model_index,
    seeded_generator,
)

log = logging.getLogger(__name__)

# Frame rates the families were trained at, used to time the generated clip.
NATIVE_FPS = {"Wan": 16, "LTX": 25, "CogVideoX": 8}
MIN_SPEED = 0.5  # stretch a short clip to at most 2x slow motion, then hold its last frame


def retime(n_src: int, src_fps: float, n_dst: int, dst_fps: float) -> list[int]:
    """Source frame index for each output frame.

    The clip plays at its native speed; if it is shorter than the shot it is slowed
    (down to MIN_SPEED) and then its last frame is held. Looping would jump back to
    the keyframe, which reads as a cut; holding reads as a settle.
    """
    if n_src < 1 or n_dst < 1:
        raise ValueError("retime needs at least one source and one output frame")
    natural, target = n_src / src_fps, n_dst / dst_fps
    speed = 1.0 if natural >= target else max(MIN_SPEED, natural / target)
    return [min(n_src - 1, int(math.floor(i / dst_fps * src_fps * speed))) for i in range(n_dst)]


def write_mp4(frames: Iterable[np.ndarray], out: Path, width: int, height: int, fps: int) -> Path:
    """Pipe raw RGB frames to ffmpeg (argument list, no shell) as H.264 yuv420p."""
    if width % 2 or height % 2:
        raise ValueError(f"H.264 yuv420p needs even dimensions, got {width}x{height}")
    try:
        import imageio_ffmpeg
    except ImportError as exc:
        raise BackendUnavailable("imageio-ffmpeg is missing; pip install imageio-ffmpeg") from exc
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    cmd = [
        imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error",
        "-f", "rawvideo", "-pix_fmt", "rgb24", "-s", f"{width}x{height}", "-r", str(fps),
        "-i", "-", "-an", "-c:v", "libx264", "-preset", "veryfast", "-crf", "16",
        "-pix_fmt", "yuv420p", "-movflags", "+faststart", str(out),
    ]  # fmt: skip
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=err)
        assert proc.stdin is not None
        try:
            for frame in frames:
                proc.stdin.write(np.ascontiguousarray(frame, dtype=np.uint8).tobytes())
        except BrokenPipeError:
            pass  # ffmpeg died; its stderr says why
        finally:
            proc.stdin.close()
        rc = proc.wait()
        if rc != 0:
            err.seek(0)
            raise RuntimeError(f"ffmpeg failed ({rc}) writing {out}: {err.read().decode()[-2000:]}")
    return out


def _family(class_name: str) -> str:
    return next((f for f in NATIVE_FPS if class_name.startswith(f)), "")


def _patch(config: Any, name: str) -> int:
    value = getattr(config, name, None) or 1
    return int(value[-1] if isinstance(value, list | tuple) else value)


class DiffusersVideoBackend(LazyPipeline):
    """Moves a keyframe with a local image-to-video model (Wan, LTX-Video, CogVideoX)."""

    name = "diffusers"

    def __init__(
        self,
        model_path: Path,
        *,
        steps: int = 30,
        device: str | None = None,
        num_frames: int | None = None,
        guidance: float | None = None,
        negative_prompt: str = "",
        model_fps: int | None = None,
        max_area: int | None = None,
        cpu_offload: bool = False,
    ) -> None:
        """num_frames: frames to generate (snapped to the model's 4k+1 / 8k+1 grid); by
        default just enough for the shot, capped at the pipeline's own default length.
        guidance: None keeps the pipeline's default. model_fps: the model's native rate
        (default by family: Wan 16, LTX 25, CogVideoX 8). max_area: pixel budget of the
        generated clip (default: the pipeline's default size); the result is upscaled.
        cpu_offload: accelerate's model offload, for GPUs smaller than the model."""
        self.model_path = Path(model_path)
        self.steps = steps
        self.device = device
        self.num_frames = num_frames
        self.guidance = guidance
        self.negative_prompt = negative_prompt
        self.model_fps = model_fps
        self.max_area = max_area
        self.cpu_offload = cpu_offload
        super().__init__()

    # -- loading -----------------------------------------------------------------

    def _load(self) -> Any:
        torch, diffusers = import_torch_diffusers()
        path = self.model_path
        if not path.is_dir():
            raise BackendUnavailable(f"diffusers video model must be a diffusers folder: {path}")
        class_name = read_model_index(path).get("_class_name", "")
        pipe_cls = getattr(diffusers, class_name, None)
        if pipe_cls is None:
            raise BackendUnavailable(
                f"{path}: diffusers {diffusers.__version__} has no {class_name}"
            )
        if not _family(class_name):
            log.warning("%s is not Wan, LTX or CogVideoX; trying it anyway", class_name)
        self._check_text_cleaner(pipe_cls)
        device = pick_device(torch, self.device)
        dtype = torch.float32
        if device.startswith("cuda"):
            # These families are trained in bf16; fp16 overflows in their text encoders.
            dtype = torch.bfloat16 if torch.cuda.is_bf16_supported() else torch.float16
        pipe = pipe_cls.from_pretrained(str(path), local_files_only=True, dtype=dtype)
        if self.cpu_offload and device.startswith("cuda"):
            pipe.enable_model_cpu_offload()
        else:
            pipe = pipe.to(device)
        if hasattr(pipe, "set_progress_bar_config"):
            pipe.set_progress_bar_config(disable=True)
        if not accepts(pipe.__call__, "image"):
            log.warning(
                "%s has no image conditioning: clips will be text-to-video from the prompt, "
                "not moved from the keyframe",
                class_name,
            )
        log.info("diffusers video pipeline %s loaded on %s", class_name, device)
        return pipe

    @staticmethod
    def _check_text_cleaner(pipe_cls: Any) -> None:
        """Wan cleans prompts with ftfy and fails mid-call without it; fail early instead."""
        module = sys.modules.get(pipe_cls.__module__)
        if (
            module is not None
            and "is_ftfy_available" in vars(module)
            and "ftfy" not in vars(module)
        ):
            raise BackendUnavailable(f"{pipe_cls.__name__} needs ftfy: pip install ftfy")

    # -- geometry ----------------------------------------------------------------

    def _plan(self, pipe: Any, req: ClipRequest) -> tuple[int, int, int, float]:
        """Generated width, height, frame count and native fps for this shot."""
        family = _family(type(pipe).__name__)
        params = inspect.signature(pipe.__call__).parameters
        tconf: Any = getattr(getattr(pipe, "transformer", None), "config", None)
        spatial = int(
            getattr(pipe, "vae_scale_factor_spatial", None)
            or getattr(pipe, "vae_spatial_compression_ratio", None)
            or 8
        )
        temporal = int(
            getattr(pipe, "vae_scale_factor_temporal", None)
            or getattr(pipe, "vae_temporal_compression_ratio", None)
            or 4
        )
        multiple = spatial * _patch(tconf, "patch_size")
        if family == "LTX":
            multiple = math.lcm(multiple, 32)  # LTX checks divisibility by 32 itself
        if family == "CogVideoX" and getattr(tconf, "use_learned_positional_embeddings", False):
            # CogVideoX 1.0 I2V only works at its training size; fit_exact crops afterwards.
            gen_w, gen_h = tconf.sample_width * spatial, tconf.sample_height * spatial
        else:
            area = self.max_area or _default_area(params, tconf, spatial)
            gen_w, gen_h = generation_size(req.width, req.height, multiple, area)
        fps = self.model_fps or self._native_fps(family, params, tconf)
        max_frames = params["num_frames"].default if "num_frames" in params else 49
        wanted = self.num_frames or min(math.ceil(req.duration * fps) + 1, int(max_frames or 49))
        frames = max(1, math.ceil((wanted - 1) / temporal)) * temporal + 1
        return gen_w, gen_h, frames, float(fps)

    @staticmethod
    def _native_fps(family: str, params: Any, tconf: Any) -> int:
        for name in ("frame_rate", "fps"):
            if name in params and isinstance(params[name].default, int):
                return int(params[name].default)
        if family == "CogVideoX" and getattr(tconf, "patch_size_t", None):
            return 16  # CogVideoX 1.5
        return NATIVE_FPS.get(family, 16)

    # -- rendering ---------------------------------------------------------------

    def render(self, req: ClipRequest, out: Path) -> Path:
        """The shot's clip from its keyframe, retimed to exactly round(duration * fps) frames."""
        torch, _ = import_torch_diffusers()
        pipe = self.pipeline()
        gen_w, gen_h, n_frames, native_fps = self._plan(pipe, req)
        call = pipe.__call__
        kwargs: dict[str, Any] = {
            "prompt": req.prompt or "subtle natural motion",
            "width": gen_w,
            "height": gen_h,
            "num_frames": n_frames,
            "num_inference_steps": self.steps,
            "generator": seeded_generator(torch, req.seed),
            "output_type": "np",
        }
        if accepts(call, "image"):
            with Image.open(req.frame_path) as img:
                kwargs["image"] = fit_exact(img, gen_w, gen_h)
        if self.guidance is not None:
            kwargs["guidance_scale"] = self.guidance
        if self.negative_prompt and accepts(call, "negative_prompt"):
            kwargs["negative_prompt"] = self.negative_prompt
        if accepts(call, "frame_rate"):
            kwargs["frame_rate"] = int(native_fps)
        log.info(
            "%s: %d frames at %dx%d for %.2fs", req.shot_id, n_frames, gen_w, gen_h, req.duration
        )
        with self._lock, torch.inference_mode():
            video = pipe(**kwargs).frames[0]
        frames = _to_uint8(video)
        n_out = max(1, round(req.duration * req.fps))
        order = retime(len(frames), native_fps, n_out, req.fps)
        return write_mp4(
            _resized(frames, order, req.width, req.height), out, req.width, req.height, req.fps
        )


def _default_area(params: Any, tconf: Any, spatial: int) -> int | None:
    """The pixel count the pipeline generates by default: what the model was trained at."""
    width = params["width"].default if "width" in params else None
    height = params["height"].default if "height" in params else None
    if isinstance(width, int) and isinstance(height, int):
        return width * height
    if tconf is not None and getattr(tconf, "sample_width", None):
        return int(tconf.sample_width * spatial * tconf.sample_height * spatial)
    return None


def _to_uint8(video: Any) -> list[np.ndarray]:
    """Pipeline output (float 0..1 array, tensor or PIL list) as HxWx3 uint8 frames."""
    if isinstance(video, list) and video and isinstance(video[0], Image.Image):
        return [np.asarray(f.convert("RGB")) for f in video]
    arr = np.asarray(video.float().cpu() if hasattr(video, "cpu") else video)
    if arr.dtype != np.uint8:
        arr = (np.clip(arr, 0.0, 1.0) * 255.0).round().astype(np.uint8)
    return [arr[i] for i in range(arr.shape[0])]


def _resized(
    frames: list[np.ndarray], order: list[int], width: int, height: int
) -> Iterable[np.ndarray]:
    """Frames in playback order at the exact output size, each source frame resized once."""
    cache: dict[int, np.ndarray] = {}
    for i in order:
        if i not in cache:
            cache = {i: np.asarray(fit_exact(Image.fromarray(frames[i]), width, height))}
        yield cache[i]
