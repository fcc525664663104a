"""Images and voices through OpenAI-compatible endpoints (OpenAI, or any gateway that speaks it).

- `--images openai-images:MODEL`: POST {base}/images/generations `{model, prompt, size, n}`;
  the reply's `data[0]` holds `b64_json` (gpt-image) or a `url`. The picture is fitted
  (cover) to the frame size the cut needs.
- `--voices openai-speech:MODEL`: POST {base}/audio/speech `{model, input, voice,
  instructions, response_format}`; the reply is the audio itself. `instructions` (the line's
  emotion and the character's way of speaking) go only to models that take them.

Keys: OPENAI_IMAGES_API_KEY / OPENAI_SPEECH_API_KEY, else OPENAI_API_KEY; base URLs
likewise (OPENAI_IMAGES_BASE_URL, OPENAI_SPEECH_BASE_URL, else OPENAI_BASE_URL).
"""

from __future__ import annotations

import base64
import io
import tempfile
from collections.abc import Mapping
from pathlib import Path

import httpx
from PIL import Image
from PIL.Image import Resampling

from reelwright.tools.ffmpeg import run_ffmpeg
from reelwright.tools.hosted.http import ServiceClient, ServiceError, classify_status, env_key
from reelwright.tools.hosted.pricing import (
    image_price,
    image_size,
    round_usd,
    speech_price,
    speech_takes_instructions,
)
from reelwright.tools.media import FrameRequest, SheetRequest, SpokenLine, VoiceRequest

DEFAULT_BASE = "https://api.openai.com/v1"
# The built-in voices, split so each gender cycles through its own before repeating.
VOICES = {
    "male": ["onyx", "echo", "ash", "fable", "ballad", "verse"],
    "female": ["nova", "shimmer", "coral", "sage", "alloy"],
    "other": ["alloy", "sage", "verse", "fable"],
}


def classify(service: str) -> object:
    def check(response: httpx.Response) -> ServiceError | None:
        if response.status_code < 400:
            return None
        try:
            error = response.json().get("error") or {}
        except (ValueError, AttributeError):
            error = {}
        code = str(error.get("code") or error.get("type") or "")
        detail = f"{code} {error.get('message', '')}".strip() or f"HTTP {response.status_code}"
        if code in ("content_policy_violation", "moderation_blocked"):
            return ServiceError(service, "refused", detail)
        if code == "insufficient_quota":
            return ServiceError(service, "quota", detail)
        return ServiceError(service, classify_status(response.status_code), detail)

    return check


def _client(service: str, prefix: str, env: Mapping[str, str], flag: str) -> ServiceClient:
    key = env_key((f"{prefix}_API_KEY", "OPENAI_API_KEY"), flag, dict(env))
    base = env.get(f"{prefix}_BASE_URL") or env.get("OPENAI_BASE_URL") or DEFAULT_BASE
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    return ServiceClient(
        service,
        base,
        lambda: headers,
        classify(service),  # type: ignore[arg-type]
        backoff=float(env.get("REELWRIGHT_BACKOFF", "1.0")),
    )


def _gender(gender: str) -> str:
    g = gender.strip().lower()
    if g in ("f", "female", "woman", "girl", "女", "女性"):
        return "female"
    if g in ("m", "male", "man", "boy", "男", "男性"):
        return "male"
    return "other"


class OpenAIImages:
    """ImageBackend on the images generation API."""

    paid = True

    def __init__(self, model: str, client: ServiceClient) -> None:
        self.model = model
        self.name = f"openai-images:{model}"
        self.client = client
        self.size = image_size("openai-images", model)

    def price(self) -> float:
        return round_usd(image_price("openai-images", self.model))

    def _generate(self, prompt: str, size: str, out: Path, width: int, height: int) -> Path:
        body = {"model": self.model, "prompt": prompt[:4000], "size": size, "n": 1}
        data = self.client.json("POST", "/images/generations", json=body, creates=True)
        items = data.get("data") or [{}]
        if items[0].get("b64_json"):
            raw = base64.b64decode(items[0]["b64_json"])
        elif items[0].get("url"):
            with tempfile.TemporaryDirectory() as tmp:
                raw = self.client.download(items[0]["url"], Path(tmp) / "image").read_bytes()
        else:
            raise ServiceError(self.name, "server", "no image in the reply")
        try:
            with Image.open(io.BytesIO(raw)) as im:
                picture = im.convert("RGB")
        except OSError as exc:
            raise ServiceError(self.name, "server", f"the image does not open: {exc}") from exc
        scale = max(width / picture.width, height / picture.height)
        cw, ch = width / scale, height / scale
        x0, y0 = (picture.width - cw) / 2, (picture.height - ch) / 2
        fitted = picture.resize((width, height), Resampling.LANCZOS, box=(x0, y0, x0 + cw, y0 + ch))
        out.parent.mkdir(parents=True, exist_ok=True)
        fitted.save(out, format="PNG")
        return out

    def render(self, req: FrameRequest, out: Path) -> Path:
        prompt = req.prompt
        if req.negative_prompt:
            prompt += f". Avoid: {req.negative_prompt}"
        return self._generate(prompt, self.size, out, req.width, req.height)

    def render_sheet(self, req: SheetRequest, out: Path) -> Path:
        prompt = (
            f"Character reference sheet of {req.name}: the same person seen from the front, "
            f"the side and the back, full body, plain light background. {req.look}"
        )
        w, h = (int(v) for v in self.size.split("x"))
        return self._generate(prompt, f"{max(w, h)}x{min(w, h)}", out, req.width, req.height)


class OpenAISpeech:
    """VoiceBackend on the audio speech API: one built-in voice per character."""

    paid = True

    def __init__(self, model: str, client: ServiceClient) -> None:
        self.model = model
        self.name = f"openai-speech:{model}"
        self.client = client
        self.instructions = speech_takes_instructions("openai-speech", model)

    def price(self, text: str) -> float:
        return round_usd(speech_price("openai-speech", self.model, len(text)))

    def voice_for(self, req: VoiceRequest) -> str:
        """The character's voice, from its index in the bible: the same in every episode."""
        table = VOICES[_gender(req.gender)]
        return table[req.character_index % len(table)]

    def speak(self, req: VoiceRequest, out: Path) -> SpokenLine:
        from reelwright.tools.tts import finish_line  # tts loads Piper lazily; keep it so

        voice = self.voice_for(req)
        body: dict[str, object] = {
            "model": self.model,
            "input": req.text[:4096],
            "voice": voice,
            "response_format": "wav",
        }
        said = ""
        if self.instructions:
            parts = [
                f"Emotion: {req.emotion}." if req.emotion else "",
                f"Character: {req.voice_description}." if req.voice_description else "",
            ]
            said = " ".join(p for p in parts if p)
            if said:
                body["instructions"] = said
        response = self.client.request("POST", "/audio/speech", json=body, creates=True)
        with tempfile.TemporaryDirectory(prefix="rw-speech-") as tmp:
            got = Path(tmp) / "reply.audio"
            got.write_bytes(response.content)
            raw = Path(tmp) / "raw.wav"
            try:  # decode whatever came (a streamed WAV header, or mp3 from a gateway)
                run_ffmpeg(["-i", str(got), "-ac", "1", "-c:a", "pcm_s16le", str(raw)])
            except Exception as exc:
                raise ServiceError(
                    self.name, "server", f"the audio does not decode: {exc}"
                ) from exc
            out.parent.mkdir(parents=True, exist_ok=True)
            seconds = finish_line(raw, out)
        return SpokenLine(
            seconds=seconds,
            engine="openai-speech",
            voice={"model": self.model, "voice": voice, "instructions": said},
            characters=len(req.text),
        )


def make_images(model: str, env: Mapping[str, str]) -> OpenAIImages:
    image_price("openai-images", model)  # an unpriced model is refused before anything runs
    return OpenAIImages(model, _client("openai-images", "OPENAI_IMAGES", env, "--images"))


def make_voices(model: str, env: Mapping[str, str]) -> OpenAISpeech:
    speech_price("openai-speech", model, 0)
    return OpenAISpeech(model, _client("openai-speech", "OPENAI_SPEECH", env, "--voices"))
