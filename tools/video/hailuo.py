"""MiniMax Hailuo video generation: create, query, then retrieve the file.

API: POST /v1/video_generation `{model, prompt, first_frame_image, duration, resolution}`
answers `{task_id, base_resp}`; GET /v1/query/video_generation?task_id= answers `{status:
Preparing|Queueing|Processing|Success|Fail, file_id}`; GET /v1/files/retrieve?file_id=
answers `{file: {download_url}}`. Every reply carries `base_resp: {status_code,
status_msg}`; 0 is success, even when the HTTP status is 200. Auth: Bearer MINIMAX_API_KEY.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from reelwright.tools.hosted.http import ServiceClient, ServiceError, classify_status, env_key
from reelwright.tools.hosted.pricing import video_model
from reelwright.tools.media import ClipRequest

from .tasks import HostedVideoBackend, Poll, frame_jpeg_b64

DEFAULT_BASE = "https://api.minimax.io"
_KINDS = {
    1002: "rate_limited",
    1039: "rate_limited",
    1004: "auth",
    2049: "auth",
    1008: "quota",
    1026: "refused",  # sensitive input
    1027: "refused",  # sensitive output
    2013: "bad_request",
    1000: "server",
    1001: "server",
    1013: "server",
}


def classify(response: httpx.Response) -> ServiceError | None:
    try:
        body = response.json()
    except ValueError:
        body = {}
    base = body.get("base_resp") or {} if isinstance(body, dict) else {}
    code = int(base.get("status_code", 0) or 0)
    message = f"{code} {base.get('status_msg', '')}".strip()
    if response.status_code >= 400:
        return ServiceError(
            "hailuo",
            _KINDS.get(code, classify_status(response.status_code)),  # type: ignore[arg-type]
            message if code else f"HTTP {response.status_code}",
        )
    if code:
        return ServiceError("hailuo", _KINDS.get(code, "bad_request"), message)  # type: ignore[arg-type]
    return None


class HailuoBackend(HostedVideoBackend):
    name = "hailuo"

    def submit(self, req: ClipRequest, billed: int) -> tuple[str, str]:
        body: dict[str, object] = {
            "model": self.model.model,
            "prompt": req.prompt[:2000],
            "duration": billed,
            "resolution": self.model.resolution,
            "prompt_optimizer": False,  # the cinematographer's prompt is already specific
        }
        if req.frame_path.is_file():  # the output takes the 9:16 frame's shape
            body["first_frame_image"] = "data:image/jpeg;base64," + frame_jpeg_b64(req.frame_path)
        data = self.client.json("POST", "/v1/video_generation", json=body, creates=True)
        if not data.get("task_id"):
            raise ServiceError(self.name, "server", "no task_id in the reply")
        return str(data["task_id"]), "video_generation"

    def poll(self, task_id: str, endpoint: str) -> Poll:
        try:
            data = self.client.json(
                "GET", "/v1/query/video_generation", params={"task_id": task_id}
            )
        except ServiceError as exc:
            if exc.kind == "refused":  # a failed moderation comes back as the query's error
                return Poll(status="failed", reason=exc.reason)
            raise
        status = data.get("status")
        if status == "Success":
            file_id = data.get("file_id")
            retrieved = self.client.json("GET", "/v1/files/retrieve", params={"file_id": file_id})
            return Poll(status="succeeded", url=(retrieved.get("file") or {}).get("download_url"))
        if status == "Fail":
            base = data.get("base_resp") or {}
            return Poll(
                status="failed", reason=str(data.get("error_message") or base.get("status_msg"))
            )
        return Poll(status="running")


def make(model: str | None, env: Mapping[str, str], **options: object) -> HailuoBackend:
    key = env_key(("MINIMAX_API_KEY",), "--video hailuo", dict(env))
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
    client = ServiceClient(
        "hailuo",
        env.get("MINIMAX_BASE_URL", DEFAULT_BASE),
        lambda: headers,
        classify,
        backoff=float(env.get("REELWRIGHT_BACKOFF", "1.0")),
    )
    return HailuoBackend(video_model("hailuo", model), client, **options)  # type: ignore[arg-type]
