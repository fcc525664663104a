"""The diffusers backends run end to end on tiny random pipelines built here.

Each pipeline is saved to disk and loaded back by the backend through the same
from_pretrained / load_ip_adapter calls a real model takes; nothing touches the Hub
(tokenizers are written from code, not downloaded as diffusers' own tests do).
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

pytestmark = pytest.mark.diffusers
torch = pytest.importorskip("torch")
diffusers = pytest.importorskip("diffusers")
transformers = pytest.importorskip("transformers")
imageio_ffmpeg = pytest.importorskip("imageio_ffmpeg")

from reelwright.tools.diffusion.image import BackendUnavailable, DiffusersImageBackend  # noqa: E402
from reelwright.tools.diffusion.video import (  # noqa: E402
    DiffusersVideoBackend,
    retime,
    write_mp4,
)
from reelwright.tools.media import ClipRequest, Figure, FrameRequest, SheetRequest  # noqa: E402

torch.set_num_threads(1)  # tiny models: threads only add contention

# -- tiny components --------------------------------------------------------------


def _byte_chars() -> list[str]:
    """GPT-2's byte-to-unicode table: the base alphabet of a CLIP BPE vocabulary."""
    bs = [*range(ord("!"), ord("~") + 1), *range(ord("¡"), ord("¬") + 1)]
    bs += range(ord("®"), ord("ÿ") + 1)
    cs, n = list(bs), 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return [chr(c) for c in cs]


def clip_tokenizer(folder: Path) -> Any:
    folder.mkdir(parents=True, exist_ok=True)
    vocab = {"<|startoftext|>": 0, "!": 1, "<|endoftext|>": 2}
    for suffix in ("", "</w>"):
        for ch in _byte_chars():
            vocab.setdefault(ch + suffix, len(vocab))
    (folder / "vocab.json").write_text(json.dumps(vocab), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n", encoding="utf-8")
    return transformers.CLIPTokenizer(
        str(folder / "vocab.json"), str(folder / "merges.txt"), model_max_length=77
    )


def t5_tokenizer(folder: Path) -> Any:
    """A Unigram T5 tokenizer from a word list (transformers 5); else the CLIP one."""
    pieces = [("<pad>", 0.0), ("</s>", 0.0), ("<unk>", 0.0), ("▁", -2.0)]
    pieces += [(c, -3.0) for c in "abcdefghijklmnopqrstuvwxyz"]
    pieces += [("▁" + w, -1.0) for w in ("a", "the", "red", "coat", "walks", "rain")]
    try:
        return transformers.T5Tokenizer(vocab=pieces, extra_ids=0, model_max_length=128)
    except (TypeError, ValueError, OSError):
        return clip_tokenizer(folder)


# Tiny configs (diffusers' fast-test sizes, shrunk further): seconds to build and run.
# fmt: off
T5 = dict(vocab_size=600, d_model=32, d_ff=37, d_kv=8, num_heads=4, num_layers=2)
SD_UNET = dict(
    block_out_channels=(8, 16), layers_per_block=1, sample_size=32, in_channels=4,
    out_channels=4, down_block_types=("CrossAttnDownBlock2D", "DownBlock2D"),
    up_block_types=("UpBlock2D", "CrossAttnUpBlock2D"), cross_attention_dim=32,
    norm_num_groups=2, attention_head_dim=4,
)
SD_VAE = dict(
    block_out_channels=[8, 16], in_channels=3, out_channels=3, latent_channels=4,
    down_block_types=["DownEncoderBlock2D"] * 2, up_block_types=["UpDecoderBlock2D"] * 2,
    norm_num_groups=2,
)
CLIP_TEXT = dict(
    bos_token_id=0, eos_token_id=2, pad_token_id=1, hidden_size=32, intermediate_size=37,
    num_attention_heads=4, num_hidden_layers=2, vocab_size=600, projection_dim=32,
)
CLIP_VISION = dict(
    hidden_size=32, projection_dim=32, num_hidden_layers=2, num_attention_heads=4,
    intermediate_size=37, image_size=32, patch_size=4,
)
DDIM = dict(
    beta_start=0.00085, beta_end=0.012, beta_schedule="scaled_linear", clip_sample=False,
    set_alpha_to_one=False, steps_offset=1,
)
LTX_TRANSFORMER = dict(
    in_channels=8, out_channels=8, patch_size=1, patch_size_t=1, num_attention_heads=4,
    attention_head_dim=8, cross_attention_dim=32, num_layers=1, caption_channels=32,
)
LTX_VAE = dict(
    in_channels=3, out_channels=3, latent_channels=8, block_out_channels=(8, 8, 8, 8),
    decoder_block_out_channels=(8, 8, 8, 8), layers_per_block=(1, 1, 1, 1, 1),
    decoder_layers_per_block=(1, 1, 1, 1, 1), spatio_temporal_scaling=(True, True, False, False),
    decoder_spatio_temporal_scaling=(True, True, False, False),
    decoder_inject_noise=(False, False, False, False, False),
    upsample_residual=(False, False, False, False), upsample_factor=(1, 1, 1, 1),
    timestep_conditioning=False, patch_size=1, patch_size_t=1, encoder_causal=True,
    decoder_causal=False,
)
# Wan 2.2-style I2V, no CLIP image encoder: 16 noise + 4 mask + 16 image latent channels.
WAN_TRANSFORMER = dict(
    patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=36,
    out_channels=16, text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True,
    qk_norm="rms_norm_across_heads", rope_max_seq_len=32,
)
WAN_VAE = dict(
    base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
    temperal_downsample=[False, True, True],
)
# CogVideoX 1.0 I2V: learned positional embeddings tie it to one size (64x96 here).
COG_TRANSFORMER = dict(
    num_attention_heads=2, attention_head_dim=16, in_channels=8, out_channels=4, time_embed_dim=2,
    text_embed_dim=32, num_layers=1, sample_width=8, sample_height=12, sample_frames=9,
    patch_size=2, temporal_compression_ratio=4, max_text_seq_length=226,
    use_rotary_positional_embeddings=True, use_learned_positional_embeddings=True,
)
COG_VAE = dict(
    in_channels=3, out_channels=3, down_block_types=("CogVideoXDownBlock3D",) * 4,
    up_block_types=("CogVideoXUpBlock3D",) * 4, block_out_channels=(8, 8, 8, 8),
    latent_channels=4, layers_per_block=1, norm_num_groups=2, temporal_compression_ratio=4,
)
# fmt: on


def build_sd(folder: Path) -> Any:
    torch.manual_seed(0)
    pipe = diffusers.StableDiffusionPipeline(
        unet=diffusers.UNet2DConditionModel(**SD_UNET),
        vae=diffusers.AutoencoderKL(**SD_VAE),
        text_encoder=transformers.CLIPTextModel(transformers.CLIPTextConfig(**CLIP_TEXT)),
        tokenizer=clip_tokenizer(folder / "_tok"),
        scheduler=diffusers.DDIMScheduler(**DDIM),
        safety_checker=None,
        feature_extractor=None,
        image_encoder=None,
        requires_safety_checker=False,
    )
    pipe.save_pretrained(folder)
    return pipe


def build_ip_adapter(unet: Any, folder: Path) -> Path:
    """IP-Adapter weights in the h94 layout, sized for the tiny UNet, plus its image encoder."""
    from safetensors.torch import save_file

    torch.manual_seed(1)
    cross, channels = unet.config.cross_attention_dim, list(unet.config.block_out_channels)
    state, key_id = {}, 1
    for name in unet.attn_processors:  # the loader numbers cross-attention layers 1, 3, 5...
        if name.endswith("attn1.processor"):
            continue
        if name.startswith("mid_block"):
            hidden = channels[-1]
        elif name.startswith("up_blocks"):
            hidden = channels[::-1][int(name[len("up_blocks.")])]
        else:
            hidden = channels[int(name[len("down_blocks.")])]
        for kind in ("to_k_ip", "to_v_ip"):
            state[f"ip_adapter.{key_id}.{kind}.weight"] = torch.randn(hidden, cross)
        key_id += 2
    embed = CLIP_VISION["projection_dim"]
    state["image_proj.proj.weight"] = torch.randn(cross * 4, embed)
    state["image_proj.proj.bias"] = torch.zeros(cross * 4)
    state["image_proj.norm.weight"] = torch.ones(cross)
    state["image_proj.norm.bias"] = torch.zeros(cross)
    folder.mkdir(parents=True, exist_ok=True)
    weight = folder / "ip-adapter_tiny.safetensors"
    save_file(state, str(weight))
    config = transformers.CLIPVisionConfig(**CLIP_VISION)
    encoder = transformers.CLIPVisionModelWithProjection(config)
    encoder.save_pretrained(folder / "image_encoder")
    return weight


def build_ltx(folder: Path, *, image_conditioned: bool = True) -> None:
    torch.manual_seed(0)
    cls = diffusers.LTXImageToVideoPipeline if image_conditioned else diffusers.LTXPipeline
    pipe = cls(
        transformer=diffusers.LTXVideoTransformer3DModel(**LTX_TRANSFORMER),
        vae=diffusers.AutoencoderKLLTXVideo(**LTX_VAE),
        scheduler=diffusers.FlowMatchEulerDiscreteScheduler(),
        text_encoder=transformers.T5EncoderModel(transformers.T5Config(**T5)),
        tokenizer=t5_tokenizer(folder / "_tok"),
    )
    pipe.save_pretrained(folder)


def build_wan(folder: Path) -> None:
    torch.manual_seed(0)
    pipe = diffusers.WanImageToVideoPipeline(
        tokenizer=t5_tokenizer(folder / "_tok"),
        text_encoder=transformers.T5EncoderModel(transformers.T5Config(**T5)),
        vae=diffusers.AutoencoderKLWan(**WAN_VAE),
        scheduler=diffusers.FlowMatchEulerDiscreteScheduler(shift=7.0),
        transformer=diffusers.WanTransformer3DModel(**WAN_TRANSFORMER),
    )
    pipe.save_pretrained(folder)


def build_cogvideox(folder: Path) -> None:
    torch.manual_seed(0)
    pipe = diffusers.CogVideoXImageToVideoPipeline(
        tokenizer=t5_tokenizer(folder / "_tok"),
        text_encoder=transformers.T5EncoderModel(transformers.T5Config(**T5)),
        vae=diffusers.AutoencoderKLCogVideoX(**COG_VAE),
        transformer=diffusers.CogVideoXTransformer3DModel(**COG_TRANSFORMER),
        scheduler=diffusers.CogVideoXDDIMScheduler(),
    )
    pipe.save_pretrained(folder)


@pytest.fixture(scope="module")
def models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tiny_models")
    sd = build_sd(root / "sd")
    ip_weight = build_ip_adapter(sd.unet, root / "ip")
    build_ltx(root / "ltx_i2v")
    build_ltx(root / "ltx_t2v", image_conditioned=False)
    return {
        "sd": root / "sd",
        "ip": ip_weight,
        "ltx": root / "ltx_i2v",
        "ltx_t2v": root / "ltx_t2v",
    }


# -- helpers ----------------------------------------------------------------------


def frame_request(seed: int = 7, width: int = 64, height: int = 112, **extra: Any) -> FrameRequest:
    return FrameRequest(
        shot_id="1.1.1",
        width=width,
        height=height,
        prompt="a woman in a red coat, rain",
        negative_prompt="blurry",
        location="street",
        time_of_day="NIGHT",
        size="MS",
        duration=2.0,
        seed=seed,
        **extra,
    )


def pixels(path: Path) -> np.ndarray:
    with Image.open(path) as img:
        return np.asarray(img.convert("RGB"), dtype=np.int16)


def video(path: Path) -> tuple[dict[str, Any], list[np.ndarray]]:
    reader = imageio_ffmpeg.read_frames(str(path))
    meta = next(reader)
    w, h = meta["size"]
    frames = [np.frombuffer(f, np.uint8).reshape(h, w, 3) for f in reader]
    return meta, frames


def keyframe(tmp_path: Path) -> Path:
    path = tmp_path / "key.png"
    grad = np.linspace(0, 255, 64 * 112 * 3).reshape(112, 64, 3).astype(np.uint8)
    Image.fromarray(grad).save(path)
    return path


# -- image backend ----------------------------------------------------------------


def test_image_from_folder_is_exact_seeded_and_not_blank(
    models: dict[str, Path], tmp_path: Path
) -> None:
    backend = DiffusersImageBackend(models["sd"], steps=2, guidance=6.0)
    assert backend.name == "diffusers"
    a = backend.render(frame_request(seed=7), tmp_path / "a.png")
    b = backend.render(frame_request(seed=7), tmp_path / "b.png")
    c = backend.render(frame_request(seed=8), tmp_path / "c.png")
    assert a == tmp_path / "a.png" and a.is_file()
    with Image.open(a) as img:
        assert img.format == "PNG" and img.size == (64, 112)
    pa = pixels(a)
    assert pa.std() > 1.0, "blank image"
    assert np.array_equal(pa, pixels(b)), "same seed must repeat"
    assert not np.array_equal(pa, pixels(c)), "another seed must differ"


def test_off_grid_size_and_sheet_are_exact(models: dict[str, Path], tmp_path: Path) -> None:
    backend = DiffusersImageBackend(models["sd"], steps=2, max_area=48 * 48)
    frame = backend.render(frame_request(width=70, height=125), tmp_path / "odd" / "f.png")
    with Image.open(frame) as img:
        assert img.size == (70, 125)
    figure = Figure(name="Lin", color=(200, 30, 30), shape=1, position="center")
    sheet_req = SheetRequest(
        name="Lin", look="red coat, short black hair", figure=figure, width=96, height=64, seed=3
    )
    sheet = backend.render_sheet(sheet_req, tmp_path / "sheet.png")
    with Image.open(sheet) as img:
        assert img.size == (96, 64)
    assert pixels(sheet).std() > 1.0


def test_ip_adapter_uses_first_figures_reference(models: dict[str, Path], tmp_path: Path) -> None:
    ref = tmp_path / "ref.png"
    Image.new("RGB", (40, 40), (220, 20, 60)).save(ref)
    backend = DiffusersImageBackend(
        models["sd"], steps=2, ip_adapter=models["ip"], ip_adapter_scale=1.0
    )
    with_ref = frame_request(
        figures=[Figure(name="Lin", color=(1, 2, 3), shape=0, position="left", reference_image=ref)]
    )
    a = backend.render(with_ref, tmp_path / "ref_a.png")
    b = backend.render(frame_request(), tmp_path / "noref.png")  # scale 0, neutral image
    assert backend.pipeline().image_encoder is not None
    assert not np.array_equal(pixels(a), pixels(b)), "reference image had no effect"
    a2 = backend.render(with_ref, tmp_path / "ref_b.png")
    assert np.array_equal(pixels(a), pixels(a2))


def test_ip_adapter_folder_needs_weight_name(models: dict[str, Path]) -> None:
    backend = DiffusersImageBackend(models["sd"], ip_adapter=models["ip"].parent)
    with pytest.raises(BackendUnavailable, match="ip_adapter_weight"):
        backend.pipeline()


def test_single_file_without_config_is_a_clear_error(tmp_path: Path) -> None:
    ckpt = tmp_path / "model.safetensors"
    ckpt.write_bytes(b"\0" * 16)
    with pytest.raises(BackendUnavailable, match="config="):
        DiffusersImageBackend(ckpt).render(frame_request(), tmp_path / "x.png")


def test_single_file_passes_local_config(
    models: dict[str, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A real SD checkpoint is in the original LDM layout, too costly to fake here; this
    checks the call diffusers gets, then renders with the pipeline it returns."""
    seen: dict[str, Any] = {}
    sd_cls = diffusers.StableDiffusionPipeline

    def fake_single_file(cls: Any, path: str, **kwargs: Any) -> Any:
        seen.update(kwargs, path=path)
        return sd_cls.from_pretrained(kwargs["config"], local_files_only=True)

    monkeypatch.setattr(sd_cls, "from_single_file", classmethod(fake_single_file))
    ckpt = tmp_path / "model.safetensors"
    ckpt.write_bytes(b"\0" * 16)
    backend = DiffusersImageBackend(ckpt, config=models["sd"], steps=2)
    out = backend.render(frame_request(), tmp_path / "single.png")
    assert seen["path"] == str(ckpt) and seen["config"] == str(models["sd"])
    assert seen["local_files_only"] is True
    with Image.open(out) as img:
        assert img.size == (64, 112)


def test_missing_model_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(BackendUnavailable, match="not found"):
        DiffusersImageBackend(tmp_path / "nope").pipeline()
    with pytest.raises(BackendUnavailable, match="model_index.json"):
        DiffusersVideoBackend(tmp_path).pipeline()


def test_modules_import_without_torch() -> None:
    code = (
        "import sys; sys.modules['torch'] = None; sys.modules['diffusers'] = None\n"
        "from pathlib import Path\n"
        "from reelwright.tools.diffusion import image as di, video as dv\n"
        "try:\n"
        "    di.DiffusersImageBackend(Path('m')).pipeline()\n"
        "except di.BackendUnavailable as e:\n"
        "    print('unavailable:', e)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "unavailable:" in done.stdout and "diffusers" in done.stdout


# -- video backend ----------------------------------------------------------------


def clip_request(frame: Path, **extra: Any) -> ClipRequest:
    fields: dict[str, Any] = {
        "shot_id": "1.1.1",
        "frame_path": frame,
        "prompt": "she walks",
        "duration": 1.5,
        "fps": 8,
        "width": 64,
        "height": 112,
        "seed": 5,
    }
    fields.update(extra)
    return ClipRequest(**fields)


def test_image_to_video_mp4_has_exact_frames_and_size(
    models: dict[str, Path], tmp_path: Path
) -> None:
    backend = DiffusersVideoBackend(models["ltx"], steps=2)
    assert backend.name == "diffusers"
    req = clip_request(keyframe(tmp_path), duration=1.0)  # LTX at 25 fps: 29 frames made
    out = backend.render(req, tmp_path / "clip.mp4")
    nframes, secs = imageio_ffmpeg.count_frames_and_secs(str(out))
    assert nframes == 8 and secs == pytest.approx(1.0, abs=0.01)
    meta, frames = video(out)
    assert tuple(meta["size"]) == (64, 112) and meta["fps"] == 8
    assert len(frames) == 8 and np.asarray(frames).std() > 1.0
    again = backend.render(req, tmp_path / "again.mp4")
    assert np.array_equal(np.asarray(frames), np.asarray(video(again)[1])), "same seed must repeat"


def test_fixed_frame_count_retimes_to_the_shot(models: dict[str, Path], tmp_path: Path) -> None:
    backend = DiffusersVideoBackend(models["ltx"], steps=2, num_frames=9, guidance=1.0)
    req = clip_request(keyframe(tmp_path), duration=0.7, fps=30, width=96, height=64)
    out = backend.render(req, tmp_path / "short.mp4")
    meta, frames = video(out)
    assert len(frames) == 21 and tuple(meta["size"]) == (96, 64)


def test_text_only_pipeline_falls_back_with_a_log(
    models: dict[str, Path], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    backend = DiffusersVideoBackend(models["ltx_t2v"], steps=2, num_frames=9)
    with caplog.at_level(logging.WARNING, logger="reelwright.tools.diffusion.video"):
        out = backend.render(clip_request(keyframe(tmp_path), duration=0.5), tmp_path / "t2v.mp4")
    assert "no image conditioning" in caplog.text
    assert imageio_ffmpeg.count_frames_and_secs(str(out))[0] == 4


def test_wan_image_to_video(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_wan(tmp_path / "wan")
    wan_module = sys.modules[diffusers.WanImageToVideoPipeline.__module__]
    if not hasattr(wan_module, "ftfy"):
        with pytest.raises(BackendUnavailable, match="ftfy"):
            DiffusersVideoBackend(tmp_path / "wan").pipeline()
        pytest.skip("ftfy not installed: Wan refuses cleanly, as checked")
    backend = DiffusersVideoBackend(tmp_path / "wan", steps=2, num_frames=5)
    out = backend.render(clip_request(keyframe(tmp_path), duration=1.0), tmp_path / "wan.mp4")
    meta, frames = video(out)
    assert len(frames) == 8 and tuple(meta["size"]) == (64, 112)
    monkeypatch.delattr(wan_module, "ftfy")
    with pytest.raises(BackendUnavailable, match="ftfy"):
        DiffusersVideoBackend(tmp_path / "wan").pipeline()


def test_cogvideox_fixed_training_size_is_cover_fitted(tmp_path: Path) -> None:
    build_cogvideox(tmp_path / "cog")
    backend = DiffusersVideoBackend(tmp_path / "cog", steps=2)
    out = backend.render(clip_request(keyframe(tmp_path), duration=1.0), tmp_path / "cog.mp4")
    meta, frames = video(out)
    assert len(frames) == 8 and tuple(meta["size"]) == (64, 112)


def test_retime_plays_native_then_stretches_then_holds() -> None:
    assert retime(10, 10, 5, 10) == [0, 1, 2, 3, 4]  # long clip: native speed, trimmed
    assert retime(4, 8, 8, 8) == [0, 0, 1, 1, 2, 2, 3, 3]  # half length: 2x slow motion
    held = retime(4, 8, 16, 8)  # quarter length: 2x slow, then the last frame held
    assert held[:8] == [0, 0, 1, 1, 2, 2, 3, 3] and set(held[8:]) == {3}
    assert retime(5, 16, 12, 8) == [0, 1, 2, 3, 4, 4, 4, 4, 4, 4, 4, 4]


def test_write_mp4_rejects_odd_sizes(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="even"):
        write_mp4([np.zeros((5, 5, 3), np.uint8)], tmp_path / "x.mp4", 5, 5, 8)
