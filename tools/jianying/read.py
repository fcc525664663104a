"""Read a JianYing / CapCut draft folder back: its segments, their media and text.

A schema of our own over the public draft layout (`draft_content.json`: tracks of
segments that name a material by id, times as integer microseconds in
`target_timerange`; `draft_meta_info.json`: the media list), so a draft can be checked
against the .otio of the same cut without the editor that will open it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, StrictInt

from reelwright.tools.errors import ToolError

from .draft import PLACEHOLDER


class DraftError(ToolError):
    """A draft folder that an editor could not open as written."""


class TimeRange(BaseModel):
    start: StrictInt = Field(ge=0)
    duration: StrictInt = Field(gt=0)


SegmentKind = Literal["video", "audio", "text"]


class DraftSegment(BaseModel):
    kind: SegmentKind
    track: str
    start_us: int
    duration_us: int
    source_us: int = Field(description="Microseconds of the material used")
    media: Path | None = Field(default=None, description="The file, resolved inside the draft")
    text: str = ""

    @property
    def end_us(self) -> int:
        return self.start_us + self.duration_us


class Draft(BaseModel):
    name: str
    width: int
    height: int
    fps: float
    duration_us: int
    segments: list[DraftSegment]
    media: list[Path] = Field(description="The media panel's list (draft_meta_info.json)")

    def of(self, kind: str) -> list[DraftSegment]:
        return sorted((s for s in self.segments if s.kind == kind), key=lambda s: s.start_us)


def _resolve(folder: Path, path: str) -> Path:
    if path.startswith(PLACEHOLDER + "/"):
        return folder / path[len(PLACEHOLDER) + 1 :]
    if path.startswith("##_draftpath_placeholder_"):
        return folder / path.split("_##/", 1)[1]
    return Path(path)


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise DraftError(f"not a draft: {path.name} missing in {path.parent}") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DraftError(f"{path} is not plain JSON (an encrypted draft?): {exc}") from exc
    if not isinstance(data, dict):
        raise DraftError(f"{path} does not hold a JSON object")
    return data


def read_draft(folder: Path) -> Draft:
    """Parse a draft; every segment's material must exist, every file must be inside."""
    folder = Path(folder)
    content = _load(folder / "draft_content.json")
    meta = _load(folder / "draft_meta_info.json")
    mats = content.get("materials", {})
    by_id: dict[str, tuple[SegmentKind, dict[str, Any]]] = {}
    kinds: list[tuple[SegmentKind, str]] = [
        ("video", "videos"),
        ("audio", "audios"),
        ("text", "texts"),
    ]
    for kind, key in kinds:
        for m in mats.get(key, []):
            by_id[m["id"]] = (kind, m)
    segments = []
    for track in content.get("tracks", []):
        for seg in track.get("segments", []):
            target = TimeRange.model_validate(seg["target_timerange"])
            if seg["material_id"] not in by_id:
                raise DraftError(f"segment {seg.get('id')} names no material")
            kind, m = by_id[seg["material_id"]]
            if kind != track["type"]:
                raise DraftError(f"a {kind} material on the {track['type']} track {track['name']}")
            media, words, source = None, "", target.duration
            if kind == "text":
                words = json.loads(m["content"])["text"]
            else:
                source = TimeRange.model_validate(seg["source_timerange"]).duration
                media = _resolve(folder, m["path"])
                if not media.is_file():
                    raise DraftError(f"media of {track['name']} missing: {m['path']}")
                if source > int(m["duration"]):
                    raise DraftError(f"segment {seg.get('id')} uses more than its material")
            segments.append(
                DraftSegment(
                    kind=kind,
                    track=track["name"],
                    start_us=target.start,
                    duration_us=target.duration,
                    source_us=source,
                    media=media,
                    text=words,
                )
            )
    listed = [
        _resolve(folder, item["file_Path"])
        for group in meta.get("draft_materials", [])
        for item in group.get("value", [])
    ]
    canvas = content.get("canvas_config", {})
    return Draft(
        name=str(meta.get("draft_name", "")),
        width=int(canvas.get("width", 0)),
        height=int(canvas.get("height", 0)),
        fps=float(content.get("fps", 0)),
        duration_us=int(content.get("duration", 0)),
        segments=segments,
        media=listed,
    )
