"""Mock OpenAI images generation and audio speech endpoints, billed at the listed prices."""

from __future__ import annotations

import base64
import io
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
from PIL import Image

from reelwright.tools.hosted.pricing import image_price, speech_price

from .base import MockHandler, MockState, serve

API_KEY = "sk-media-test-secret-0123456789"
VOICES = {
    "alloy",
    "ash",
    "ballad",
    "coral",
    "echo",
    "fable",
    "nova",
    "onyx",
    "sage",
    "shimmer",
    "verse",
}


def _png(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    pixels = rng.integers(
        0, 255, size=(768, 512, 3), dtype=np.uint8
    )  # 2:3, as gpt-image's 1024x1536
    buf = io.BytesIO()
    Image.fromarray(pixels).save(buf, format="PNG")
    return buf.getvalue()


def _wav(seconds: float, rate: int = 24_000) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    tone = (0.3 * np.sin(2 * np.pi * 180 * t) * 32767).astype(np.int16)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(tone.tobytes())
    return buf.getvalue()


class OpenAIMediaHandler(MockHandler):
    def _error(self, status: int, code: str, message: str) -> None:
        self.send_json(status, {"error": {"message": message, "type": "invalid_request_error",
                                          "param": None, "code": code}})  # fmt: skip

    def do_POST(self) -> None:  # noqa: N802
        self.state.auth.append(self.headers.get("Authorization", ""))
        if self.headers.get("Authorization") != f"Bearer {API_KEY}":
            self._error(401, "invalid_api_key", "Incorrect API key provided")
            return
        body = self.body()
        if self.state.first_create_limited():
            self._error(429, "rate_limit_exceeded", "Rate limit reached for requests")
            return
        if self.route == "/v1/images/generations":
            if "FORBIDDEN-SCENE" in body.get("prompt", ""):
                self._error(400, "content_policy_violation", "Your request was rejected")
                return
            task = self.state.new_task(body, 0, "")
            self.state.bill(task, image_price("openai-images", body["model"]))
            data = [{"b64_json": base64.b64encode(_png(len(self.state.creates))).decode()}]
            self.send_json(200, {"created": 0, "data": data})
        elif self.route == "/v1/audio/speech":
            if body.get("voice") not in VOICES or not body.get("input"):
                self._error(400, "invalid_value", "voice or input")
                return
            task = self.state.new_task(body, 0, "")
            self.state.bill(task, speech_price("openai-speech", body["model"], len(body["input"])))
            self.send_bytes(_wav(0.4 + len(body["input"]) / 15.0), "audio/wav")
        else:
            self._error(404, "not_found", self.route)


@contextmanager
def openai_media_mock(files: Path, **options: object) -> Iterator[MockState]:
    with serve(OpenAIMediaHandler, MockState("openai", files, **options)) as state:  # type: ignore[arg-type]
        yield state


def env(state: MockState) -> dict[str, str]:
    base = f"{state.base_url}/v1"
    return {"OPENAI_IMAGES_API_KEY": API_KEY, "OPENAI_IMAGES_BASE_URL": base,
            "OPENAI_SPEECH_API_KEY": API_KEY, "OPENAI_SPEECH_BASE_URL": base}  # fmt: skip
