"""Kling (Kuaishou) video generation: text-to-video and image-to-video tasks.

API: POST /v1/videos/image2video (or text2video), GET /v1/videos/{endpoint}/{task_id}.
Auth: the access key and secret key sign a short-lived HS256 JWT (iss = access key,
exp = now + 30 min, nbf = now - 5 s) sent as `Authorization: Bearer <jwt>`.
Replies are `{code, message, request_id, data}`; code 0 is success.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Mapping

import httpx

from reelwright.tools.hosted.http import ServiceClient, ServiceError, classify_status, env_key
from reelwright.tools.hosted.pricing import video_model
from reelwright.tools.media import ClipRequest

from .tasks import HostedVideoBackend, Poll, frame_jpeg_b64

DEFAULT_BASE = "https://api-singapore.klingai.com"
TOKEN_SECONDS = 1800

# Kling's documented error codes, by what the pipeline does about them.
_AUTH = range(1000, 1100)
_QUOTA = range(1100, 1200)  # account in arrears, resource pack used up or expired
_REFUSED = {1301}  # the content security policy
_RATE = {1302, 1303, 1304}  # rate, concurrency, IP limits


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def jwt_hs256(access_key: str, secret_key: str, now: float | None = None) -> str:
    """The token Kling asks for, signed with hmac/hashlib (no JWT library needed)."""
    now = time.time() if now is None else now
    header = {"alg": "HS256", "typ": "JWT"}
    payload = {"iss": access_key, "exp": int(now) + TOKEN_SECONDS, "nbf": int(now) - 5}
    signing = ".".join(
        _b64url(json.dumps(part, separators=(",", ":")).encode()) for part in (header, payload)
    )
    signature = hmac.new(secret_key.encode(), signing.encode(), hashlib.sha256).digest()
    return f"{signing}.{_b64url(signature)}"


class _Tokens:
    """A JWT reused until five minutes before it expires."""

    def __init__(self, access_key: str, secret_key: str) -> None:
        self._ak, self._sk = access_key, secret_key
        self._token, self._expires = "", 0.0
        self._lock = threading.Lock()

    def headers(self) -> dict[str, str]:
        with self._lock:
            if time.time() > self._expires - 300:
                self._token = jwt_hs256(self._ak, self._sk)
                self._expires = time.time() + TOKEN_SECONDS
            return {"Authorization": f"Bearer {self._token}", "Content-Type": "application/json"}


def classify(response: httpx.Response) -> ServiceError | None:
    try:
        body = response.json()
    except ValueError:
        body = {}
    code = body.get("code") if isinstance(body, dict) else None
    message = str(body.get("message", "")) if isinstance(body, dict) else ""
    if response.status_code < 400 and code in (0, None):
        return None
    if code in _REFUSED:
        return ServiceError("kling", "refused", f"{code} {message}")
    if code in _RATE:
        return ServiceError("kling", "rate_limited", f"{code} {message}")
    if isinstance(code, int) and code in _QUOTA:
        return ServiceError("kling", "quota", f"{code} {message}")
    if isinstance(code, int) and code in _AUTH:
        return ServiceError("kling", "auth", f"{code} {message}")
    kind = classify_status(response.status_code) if response.status_code >= 400 else "bad_request"
    return ServiceError("kling", kind, f"{code} {message}".strip())


class KlingBackend(HostedVideoBackend):
    name = "kling"

    def submit(self, req: ClipRequest, billed: int) -> tuple[str, str]:
        body: dict[str, object] = {
            "model_name": self.model.model,
            "mode": self.model.mode or "std",
            "duration": str(billed),
            "prompt": req.prompt[:2500],
            "cfg_scale": 0.5,
        }
        if req.frame_path.is_file():
            endpoint = "image2video"  # the output follows the 9:16 frame
            body["image"] = frame_jpeg_b64(req.frame_path)  # raw base64, no data: prefix
        else:
            endpoint = "text2video"
            body["aspect_ratio"] = "9:16" if req.height > req.width else "16:9"
        data = self.client.json("POST", f"/v1/videos/{endpoint}", json=body, creates=True)
        task_id = (data.get("data") or {}).get("task_id")
        if not task_id:
            raise ServiceError(self.name, "server", f"no task_id in reply {data.get('request_id')}")
        return str(task_id), endpoint

    def poll(self, task_id: str, endpoint: str) -> Poll:
        data = self.client.json("GET", f"/v1/videos/{endpoint}/{task_id}").get("data") or {}
        status = data.get("task_status")
        if status == "succeed":
            videos = (data.get("task_result") or {}).get("videos") or [{}]
            return Poll(status="succeeded", url=videos[0].get("url"))
        if status == "failed":
            return Poll(status="failed", reason=data.get("task_status_msg"))
        return Poll(status="running")


def make(model: str | None, env: Mapping[str, str], **options: object) -> KlingBackend:
    ak = env_key(("KLING_ACCESS_KEY",), "--video kling", dict(env))
    sk = env_key(("KLING_SECRET_KEY",), "--video kling", dict(env))
    tokens = _Tokens(ak, sk)
    client = ServiceClient(
        "kling",
        env.get("KLING_BASE_URL", DEFAULT_BASE),
        tokens.headers,
        classify,
        backoff=float(env.get("REELWRIGHT_BACKOFF", "1.0")),
    )
    return KlingBackend(video_model("kling", model), client, **options)  # type: ignore[arg-type]
