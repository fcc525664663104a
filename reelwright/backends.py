"""Backends by name: the model, image, video and voice backends a run's settings ask for.

The only place that turns `--llm`, `--images`, `--video` and `--voices` into objects; each
backend's module is imported only when it is chosen, so an unused SDK is never loaded.
"""

from __future__ import annotations

import os
from pathlib import Path

from reelwright.errors import UserError
from reelwright.settings import RunSettings, check_llm_spec
from reelwright.spending import hosted_video
from reelwright.store import RunDir
from reelwright.tools.llm import LLM, ChatBackend, GenerationSettings, ResponseCache
from reelwright.tools.media import ImageBackend, VideoBackend, VoiceBackend


def make_backend(spec: str, seed: int) -> ChatBackend:
    check_llm_spec(spec)
    kind, _, rest = spec.partition(":")
    if kind == "local":
        from reelwright.tools.llm.local import LocalLlamaBackend

        return LocalLlamaBackend(Path(rest) if rest else None, seed=seed)
    from reelwright.tools.llm.openai_compat import OpenAIBackend, check_reachable

    concurrency = os.environ.get("REELWRIGHT_LLM_CONCURRENCY", "8")
    if not concurrency.isdigit() or int(concurrency) < 1:
        raise UserError(
            f"REELWRIGHT_LLM_CONCURRENCY must be a whole number >= 1, not {concurrency!r}"
        )
    backend = OpenAIBackend(rest, concurrency=int(concurrency))
    check_reachable(backend.base_url)
    return backend


def make_llm(run: RunDir, settings: RunSettings, backend: ChatBackend | None = None) -> LLM:
    return LLM(
        backend or make_backend(settings.llm, settings.seed),
        cache=ResponseCache(run.cache_path),
        settings=GenerationSettings(seed=settings.seed),
        backoff_base=float(os.environ.get("REELWRIGHT_BACKOFF", "1.0")),
    )


def make_images(settings: RunSettings) -> ImageBackend:
    if settings.images.startswith("openai-images:"):
        from reelwright.tools.hosted.openai_media import make_images as hosted_images

        return hosted_images(settings.images.split(":", 1)[1], os.environ)
    if settings.images == "diffusers":
        if not settings.image_model:
            raise UserError("--images diffusers needs --image-model PATH (local weights)")
        from reelwright.tools.diffusion.image import DiffusersImageBackend

        return DiffusersImageBackend(
            Path(settings.image_model),
            steps=settings.image_steps,
            max_area=settings.image_max_pixels,
            ip_adapter=Path(settings.ip_adapter) if settings.ip_adapter else None,
        )
    from reelwright.tools.storyboard import StoryboardBackend

    return StoryboardBackend()


def make_video(settings: RunSettings) -> VideoBackend:
    if hosted_video(settings):
        from reelwright.tools.video import make_hosted

        return make_hosted(
            settings.video,
            settings.video_model,
            os.environ,
            resubmit_unknown=settings.resubmit_unknown,
            poll_interval=float(os.environ.get("REELWRIGHT_POLL_S", "5")),
        )
    if settings.video == "diffusers":
        if not settings.video_model:
            raise UserError("--video diffusers needs --video-model PATH (local weights)")
        from reelwright.tools.diffusion.video import DiffusersVideoBackend

        return DiffusersVideoBackend(Path(settings.video_model))
    from reelwright.tools.animatic import AnimaticBackend

    return AnimaticBackend()


def make_voices(settings: RunSettings) -> VoiceBackend:
    if settings.voices.startswith("openai-speech:"):
        from reelwright.tools.hosted.openai_media import make_voices as hosted_voices

        return hosted_voices(settings.voices.split(":", 1)[1], os.environ)
    from reelwright.tools.tts import OfflineVoices

    return OfflineVoices()
