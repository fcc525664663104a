"""Text-to-image from local diffusers weights: the `diffusers` image backend.

torch and diffusers are imported only when a pipeline is first needed, so the
storyboard default works on machines without them; using this backend there
raises BackendUnavailable with the install line instead of an ImportError.
Nothing here reaches the Hugging Face Hub: every load is `local_files_only`.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from PIL import Image

from reelwright.tools.media import FrameRequest, SheetRequest

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

SINGLE_FILE_SUFFIXES = {".safetensors", ".ckpt", ".pt", ".pth"}


class DiffusersImageBackend(LazyPipeline):
    """Frames and character sheets from a local text-to-image pipeline (SD, SDXL, ...)."""

    name = "diffusers"

    def __init__(
        self,
        model_path: Path,
        *,
        steps: int = 25,
        guidance: float = 6.0,
        device: str | None = None,
        ip_adapter: Path | None = None,
        ip_adapter_weight: str | None = None,
        ip_adapter_scale: float = 0.6,
        config: Path | None = None,
        max_area: int | None = None,
    ) -> None:
        """model_path: a diffusers folder, or a single .safetensors/.ckpt file with `config`
        (a local diffusers folder with model_index.json; diffusers would otherwise fetch
        configs from the Hub). ip_adapter: an IP-Adapter weight file, or a folder plus
        ip_adapter_weight (relative path); its CLIP image encoder is read from an
        `image_encoder` folder beside the weight file. max_area caps the generated pixel
        count (the result is upscaled to the request), for models trained small."""
        self.model_path = Path(model_path)
        self.steps = steps
        self.guidance = guidance
        self.device = device
        self.ip_adapter = Path(ip_adapter) if ip_adapter else None
        self.ip_adapter_weight = ip_adapter_weight
        self.ip_adapter_scale = ip_adapter_scale
        self.config = Path(config) if config else None
        self.max_area = max_area
        self._ip_loaded = False
        super().__init__()

    # -- loading -----------------------------------------------------------------

    def _load(self) -> Any:
        torch, diffusers = import_torch_diffusers()
        device = pick_device(torch, self.device)
        dtype = torch.float16 if device.startswith("cuda") else torch.float32
        path = self.model_path
        if not path.exists():
            raise BackendUnavailable(f"diffusers model not found: {path}")
        if path.is_dir():
            pipe = self._load_folder(diffusers, path, dtype)
        elif path.suffix.lower() in SINGLE_FILE_SUFFIXES:
            pipe = self._load_single_file(diffusers, path, dtype)
        else:
            raise BackendUnavailable(
                f"{path}: expected a diffusers folder or a "
                f"{'/'.join(sorted(SINGLE_FILE_SUFFIXES))} checkpoint"
            )
        if self.ip_adapter is not None:
            self._ip_loaded = self._load_ip_adapter(pipe)
        pipe = pipe.to(device)
        if hasattr(pipe, "set_progress_bar_config"):
            pipe.set_progress_bar_config(disable=True)
        log.info("diffusers image pipeline %s loaded on %s", type(pipe).__name__, device)
        return pipe

    @staticmethod
    def _load_folder(diffusers: Any, path: Path, dtype: Any) -> Any:
        read_model_index(path)
        try:
            return diffusers.AutoPipelineForText2Image.from_pretrained(
                str(path), local_files_only=True, dtype=dtype
            )
        except ValueError as exc:
            # AutoPipeline knows only the common families; anything else loads as itself.
            log.info(
                "AutoPipelineForText2Image declined %s (%s); using DiffusionPipeline", path, exc
            )
            return diffusers.DiffusionPipeline.from_pretrained(
                str(path), local_files_only=True, dtype=dtype
            )

    def _load_single_file(self, diffusers: Any, path: Path, dtype: Any) -> Any:
        if self.config is None:
            raise BackendUnavailable(
                f"{path.name} is a single-file checkpoint: pass config=<local diffusers folder "
                "with model_index.json> for its architecture (e.g. the model's original "
                "diffusers repo without weights); reelwright never fetches configs from the Hub"
            )
        index = read_model_index(self.config)
        class_name = index.get("_class_name", "")
        pipe_cls = getattr(diffusers, class_name, None)
        if pipe_cls is None or not hasattr(pipe_cls, "from_single_file"):
            raise BackendUnavailable(
                f"{self.config}: pipeline {class_name!r} cannot load single-file checkpoints"
            )
        return pipe_cls.from_single_file(
            str(path), config=str(self.config), local_files_only=True, dtype=dtype
        )

    def _load_ip_adapter(self, pipe: Any) -> bool:
        """Attach the IP-Adapter from local files; False (with a warning) where unsupported."""
        if not hasattr(pipe, "load_ip_adapter") or not accepts(pipe.__call__, "ip_adapter_image"):
            log.warning(
                "%s does not support IP-Adapter; ignoring %s", type(pipe).__name__, self.ip_adapter
            )
            return False
        assert self.ip_adapter is not None
        if self.ip_adapter.is_file():
            root, weight = self.ip_adapter.parent, self.ip_adapter.name
        elif self.ip_adapter.is_dir() and self.ip_adapter_weight:
            root, weight = self.ip_adapter, self.ip_adapter_weight
        else:
            raise BackendUnavailable(
                f"IP-Adapter {self.ip_adapter}: give a weight file, or a folder and "
                "ip_adapter_weight (its path inside the folder)"
            )
        rel = Path(weight)
        subfolder = rel.parent.as_posix() if rel.parent != Path(".") else ""
        if not (root / rel).is_file():
            raise BackendUnavailable(f"IP-Adapter weights not found: {root / rel}")
        try:
            pipe.load_ip_adapter(
                str(root), subfolder=subfolder, weight_name=rel.name, local_files_only=True
            )
        except (OSError, ValueError) as exc:
            raise BackendUnavailable(
                f"IP-Adapter {root / rel} did not load ({exc}); its CLIP image encoder must be "
                f"in {root / subfolder / 'image_encoder'}"
            ) from exc
        pipe.set_ip_adapter_scale(self.ip_adapter_scale)
        return True

    # -- rendering ---------------------------------------------------------------

    def render(self, req: FrameRequest, out: Path) -> Path:
        """One shot's keyframe, seeded by the shot so reruns repeat it."""
        reference = req.figures[0].reference_image if req.figures else None
        return self._generate(
            prompt=req.prompt,
            negative=req.negative_prompt,
            width=req.width,
            height=req.height,
            seed=req.seed,
            reference=reference,
            out=out,
        )

    def render_sheet(self, req: SheetRequest, out: Path) -> Path:
        """A front/side/back reference sheet, later fed back as IP-Adapter input."""
        return self._generate(
            prompt=f"character sheet, front view, side view, back view, {req.look}",
            negative=req.negative_prompt,
            width=req.width,
            height=req.height,
            seed=req.seed,
            reference=req.figure.reference_image,
            out=out,
        )

    def _generate(
        self,
        *,
        prompt: str,
        negative: str,
        width: int,
        height: int,
        seed: int,
        reference: Path | None,
        out: Path,
    ) -> Path:
        torch, _ = import_torch_diffusers()
        pipe = self.pipeline()
        multiple = max(8, int(getattr(pipe, "vae_scale_factor", 8) or 8))
        gen_w, gen_h = generation_size(width, height, multiple, self.max_area)
        call = pipe.__call__
        kwargs: dict[str, Any] = {
            "prompt": prompt,
            "width": gen_w,
            "height": gen_h,
            "num_inference_steps": self.steps,
            "guidance_scale": self.guidance,
            "generator": seeded_generator(torch, seed),
        }
        if negative and accepts(call, "negative_prompt"):
            kwargs["negative_prompt"] = negative
        with self._lock:  # one pipeline, one call at a time: the IP scale is shared state
            if self._ip_loaded:
                kwargs["ip_adapter_image"] = self._ip_image(pipe, reference)
            with torch.inference_mode():
                image = pipe(**kwargs).images[0]
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        fit_exact(image, width, height).save(out, format="PNG")
        return out

    def _ip_image(self, pipe: Any, reference: Path | None) -> Image.Image:
        """The reference image at the configured scale; without one, a neutral image at
        scale 0, because a UNet with an IP-Adapter attached insists on image embeds."""
        if reference is not None and Path(reference).is_file():
            pipe.set_ip_adapter_scale(self.ip_adapter_scale)
            with Image.open(reference) as img:
                return img.convert("RGB")
        if reference is not None:
            log.warning("reference image %s missing; rendering without it", reference)
        pipe.set_ip_adapter_scale(0.0)
        return Image.new("RGB", (224, 224), (127, 127, 127))
