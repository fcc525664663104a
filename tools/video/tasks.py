"""A paid video task, submitted once: create, save its id, poll, download, check.

The hosted video services all work the same way: POST a task, get an id, poll until it
succeeds or fails, download a short-lived URL. What must never happen is paying twice
for one clip after a crash, so the task's state goes through a `Checkpoint` (the plan
node, saved to disk) at each step:

- `submitting` is saved before the create request. A process killed before the reply
  leaves a task whose outcome is unknown: resume reports it and does not submit again
  unless told to (`resubmit_unknown`).
- `submitted` (with the task id) is saved as soon as the service answers; resume polls.
- `failed` holds the service's reason; resume submits a new task (failures are not billed).
"""

from __future__ import annotations

import base64
import hashlib
import io
import time
from abc import ABC, abstractmethod
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

from PIL import Image
from pydantic import BaseModel, Field

from reelwright.tools.errors import ToolError
from reelwright.tools.ffmpeg import FFmpegError, probe
from reelwright.tools.hosted.http import ServiceClient, ServiceError
from reelwright.tools.hosted.pricing import VideoModel, round_usd
from reelwright.tools.media import ClipRequest

State = Literal["submitting", "submitted", "succeeded", "failed"]


class Checkpoint(Protocol):
    """Where a task's state survives a kill: the clip node in the plan."""

    def load(self) -> dict[str, Any] | None: ...

    def save(self, data: dict[str, Any]) -> None: ...


class MemoryCheckpoint:
    """For direct use of a backend, outside a run."""

    def __init__(self) -> None:
        self.data: dict[str, Any] | None = None

    def load(self) -> dict[str, Any] | None:
        return self.data

    def save(self, data: dict[str, Any]) -> None:
        self.data = dict(data)


class TaskRecord(BaseModel):
    """What the clip node records about its paid task."""

    service: str
    model: str
    request: str = Field(description="Fingerprint of what was asked; another ask, another task")
    state: State
    task_id: str | None = None
    endpoint: str = ""
    billed_seconds: int
    price_usd: float
    submitted_at: str
    reason: str | None = None


class Poll(BaseModel):
    status: Literal["running", "succeeded", "failed"]
    url: str | None = None
    reason: str | None = None
    tokens: int | None = None


class UnknownOutcome(ToolError):
    """A create request may have reached the service, but its reply never came back."""


class StillRunning(ToolError):
    """The task did not finish in the time allowed; resume polls it again."""


class BadResult(ToolError):
    """The downloaded file is not the clip that was asked for."""


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def fingerprint(req: ClipRequest, model: str, billed: int) -> str:
    """Stable across processes: what was asked, not the bytes of a re-rendered plate."""
    key = f"{req.shot_id}|{req.prompt}|{req.move}|{billed}|{req.width}x{req.height}|{model}"
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def frame_jpeg_b64(path: Path, max_side: int = 1280) -> str:
    """The storyboard frame as base64 JPEG, small enough for every service's size limit."""
    with Image.open(path) as im:
        rgb = im.convert("RGB")
    rgb.thumbnail((max_side, max_side))
    buf = io.BytesIO()
    rgb.save(buf, format="JPEG", quality=90)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def check_clip(path: Path, billed: int, width: int, height: int) -> dict[str, Any]:
    """The file opens as video, lasts about what was billed, and has the asked aspect."""
    try:
        info = probe(path)
    except (FFmpegError, FileNotFoundError) as exc:
        raise BadResult(f"{path.name} does not open as video: {exc}") from exc
    if info.video_codec is None or not info.width or not info.height:
        raise BadResult(f"{path.name} has no video stream")
    if info.duration < billed - 0.6:
        raise BadResult(f"{path.name} lasts {info.duration:.2f}s; {billed}s were paid for")
    want, got = width / height, info.width / info.height
    if abs(got - want) / want > 0.03:
        raise BadResult(
            f"{path.name} is {info.width}x{info.height}; the shot asked for {width}:{height}"
        )
    return {"width": info.width, "height": info.height, "seconds": round(info.duration, 3)}


class HostedVideoBackend(ABC):
    """VideoBackend for a task-based service; subclasses speak the service's dialect."""

    name: str = "hosted"
    paid = True
    resumable = True

    def __init__(
        self,
        model: VideoModel,
        client: ServiceClient,
        *,
        poll_interval: float = 5.0,
        max_wait: float = 900.0,
        resubmit_unknown: bool = False,
    ) -> None:
        self.model = model
        self.client = client
        self.poll_interval = poll_interval
        self.max_wait = max_wait
        self.resubmit_unknown = resubmit_unknown

    # --- what each service implements -------------------------------------------------

    @abstractmethod
    def submit(self, req: ClipRequest, billed: int) -> tuple[str, str]:
        """Create the task; return (task id, endpoint to poll it on)."""

    @abstractmethod
    def poll(self, task_id: str, endpoint: str) -> Poll: ...

    # --- the shared flow ---------------------------------------------------------------

    def quote(self, req: ClipRequest) -> tuple[int, float]:
        """Billed seconds and the listed price of the clip for this shot."""
        billed = self.model.billed_seconds(req.duration)
        return billed, round_usd(self.model.price(billed))

    def committed(self, req: ClipRequest, checkpoint: Checkpoint | None) -> bool:
        """True when a task for this request was already created (its money is spent)."""
        saved = checkpoint.load() if checkpoint else None
        billed = self.model.billed_seconds(req.duration)
        return bool(
            saved
            and saved.get("request") == fingerprint(req, self.model.model, billed)
            and saved.get("state") in ("submitted", "succeeded")
        )

    def render(self, req: ClipRequest, out: Path, checkpoint: Checkpoint | None = None) -> Path:
        checkpoint = checkpoint or MemoryCheckpoint()
        record = self._task(req, checkpoint)
        deadline = time.monotonic() + self.max_wait
        while True:
            assert record.task_id is not None
            result = self.poll(record.task_id, record.endpoint)
            if result.status == "failed":
                reason = result.reason or "the service gave no reason"
                self._save(checkpoint, record, state="failed", reason=reason)
                raise ServiceError(self.name, "refused", f"task {record.task_id} failed: {reason}")
            if result.status == "succeeded":
                break
            if time.monotonic() > deadline:
                raise StillRunning(
                    f"{self.name} task {record.task_id} still running after "
                    f"{self.max_wait:.0f}s; resume polls it again (it is not submitted twice)"
                )
            time.sleep(self.poll_interval)
        if result.tokens is not None:
            record.price_usd = round_usd(self.model.price(record.billed_seconds, result.tokens))
        self._save(checkpoint, record, state="succeeded")
        if not result.url:
            raise ServiceError(
                self.name, "server", f"task {record.task_id} succeeded without a URL"
            )
        self.client.download(result.url, out)
        check_clip(out, record.billed_seconds, req.width, req.height)
        return out

    def _task(self, req: ClipRequest, checkpoint: Checkpoint) -> TaskRecord:
        """The task to poll: the saved one, or a new one (saved before and after creating)."""
        billed = self.model.billed_seconds(req.duration)
        key = fingerprint(req, self.model.model, billed)
        saved = checkpoint.load()
        if saved and saved.get("request") == key:
            record = TaskRecord.model_validate(saved)
            if record.state in ("submitted", "succeeded") and record.task_id:
                return record
            if record.state == "submitting" and not self.resubmit_unknown:
                raise UnknownOutcome(
                    f"{self.name}: a task for shot {req.shot_id} was being created at "
                    f"{record.submitted_at} when the run stopped, and its id never came back. "
                    f"It may exist (and be billed): check the {self.name} console, then resume "
                    "with --resubmit-unknown to create it again"
                )
        record = TaskRecord(
            service=self.name,
            model=self.model.model,
            request=key,
            state="submitting",
            billed_seconds=billed,
            price_usd=round_usd(self.model.price(billed)),
            submitted_at=utc_now(),
        )
        checkpoint.save(record.model_dump())
        try:
            task_id, endpoint = self.submit(req, billed)
        except ServiceError as exc:
            if exc.kind == "network":  # the request may have arrived: the outcome is unknown
                raise UnknownOutcome(
                    f"{self.name}: creating the task for shot {req.shot_id} got no reply "
                    f"({exc.reason}); resume reports it, --resubmit-unknown creates it again"
                ) from exc
            self._save(checkpoint, record, state="failed", reason=exc.reason)
            raise
        record.task_id, record.endpoint = task_id, endpoint
        self._save(checkpoint, record, state="submitted")
        return record

    @staticmethod
    def _save(checkpoint: Checkpoint, record: TaskRecord, **changes: Any) -> None:
        for key, value in changes.items():
            setattr(record, key, value)
        checkpoint.save(record.model_dump())
