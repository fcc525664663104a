"""Seedance through Volcengine Ark: the content-generation tasks API.

API: POST /contents/generations/tasks with `{model, content: [text, image_url]}`, where the
text carries the prompt and its parameters (`--ratio 9:16 --duration 5 --resolution 720p`)
and the image is the first frame (`role: first_frame`); GET /contents/generations/tasks/{id}
answers `{status: queued|running|succeeded|failed|cancelled|expired, content: {video_url},
usage: {completion_tokens}, error: {code, message}}`. Auth: `Authorization: Bearer ARK_API_KEY`.
Errors are `{error: {code, message}}` with an HTTP status. Billing is per output token.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from reelwright.tools.hosted.http import ServiceClient, ServiceError, classify_status, env_key
from reelwright.tools.hosted.pricing import video_model
from reelwright.tools.media import ClipRequest

from .tasks import HostedVideoBackend, Poll, frame_jpeg_b64

DEFAULT_BASE = "https://ark.cn-beijing.volces.com/api/v3"
_REFUSED_MARK = "SensitiveContent"
_QUOTA = {"QuotaExceeded", "AccountOverdueError", "ServiceNotOpen", "ModelNotOpen"}


def classify(response: httpx.Response) -> ServiceError | None:
    if response.status_code < 400:
        return None
    try:
        error = response.json().get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    code, message = str(error.get("code", "")), str(error.get("message", ""))
    detail = f"{code} {message}".strip() or f"HTTP {response.status_code}"
    if _REFUSED_MARK in code:
        return ServiceError("seedance", "refused", detail)
    if code in _QUOTA:
        return ServiceError("seedance", "quota", detail)
    if response.status_code == 429 or code.startswith("RateLimit"):
        return ServiceError("seedance", "rate_limited", detail)
    return ServiceError("seedance", classify_status(response.status_code), detail)


class SeedanceBackend(HostedVideoBackend):
    name = "seedance"

    def submit(self, req: ClipRequest, billed: int) -> tuple[str, str]:
        ratio = "9:16" if req.height > req.width else "16:9"
        params = f"--ratio {ratio} --duration {billed} --resolution {self.model.resolution}"
        content: list[dict[str, object]] = [{"type": "text", "text": f"{req.prompt} {params}"}]
        if req.frame_path.is_file():
            url = "data:image/jpeg;base64," + frame_jpeg_b64(req.frame_path)
            content.append({"type": "image_url", "image_url": {"url": url}, "role": "first_frame"})
        body = {"model": self.model.model, "content": content}
        data = self.client.json("POST", "/contents/generations/tasks", json=body, creates=True)
        if not data.get("id"):
            raise ServiceError(self.name, "server", "no task id in the reply")
        return str(data["id"]), "tasks"

    def poll(self, task_id: str, endpoint: str) -> Poll:
        data = self.client.json("GET", f"/contents/generations/tasks/{task_id}")
        status = data.get("status")
        if status == "succeeded":
            usage = data.get("usage") or {}
            tokens = usage.get("completion_tokens")
            return Poll(
                status="succeeded",
                url=(data.get("content") or {}).get("video_url"),
                tokens=int(tokens) if tokens is not None else None,
            )
        if status in ("failed", "cancelled", "expired"):
            error = data.get("error") or {}
            reason = f"{error.get('code', status)} {error.get('message', '')}".strip()
            return Poll(status="failed", reason=reason)
        return Poll(status="running")


def make(model: str | None, env: Mapping[str, str], **options: object) -> SeedanceBackend:
    key = env_key(("ARK_API_KEY",), "--video seedance", dict(env))
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    client = ServiceClient(
        "seedance",
        env.get("ARK_BASE_URL", DEFAULT_BASE),
        lambda: headers,
        classify,
        backoff=float(env.get("REELWRIGHT_BACKOFF", "1.0")),
    )
    return SeedanceBackend(video_model("seedance", model), client, **options)  # type: ignore[arg-type]
