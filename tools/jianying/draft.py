"""Write a JianYing (剪映) / CapCut draft folder for a cut, with pyJianYingDraft.

pyJianYingDraft 0.3.1 (Apache-2.0, pure Python, runs offline on Linux and macOS; only
its export automation needs Windows) writes `draft_content.json` in the plain-JSON
layout JianYing Pro reads: its authors test 5.9 and 10.8 (6+ encrypts the files it
saves itself but still opens plain ones). CapCut desktop reads the same layout.

The folder holds its media (`materials/video`, `materials/audio`), referenced through
JianYing's draft-path placeholder so the folder can be moved into the editor's drafts
directory on another machine; `draft_meta_info.json` lists the media for the editor's
media panel. Timing is in integer microseconds, from the same whole frames as the
.otio and the MP4: V1 one segment per shot, A1/A2 one per voiced line, T1 one text
segment per line at the line's time.
"""

from __future__ import annotations

import json
import shutil
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from reelwright.tools.errors import ToolError
from reelwright.tools.timeline import TimelineShot, line_frames, shot_frames

PLACEHOLDER = "##_draftpath_placeholder_0E685133-18CE-45ED-8CB8-2904A212EC80_##"
TARGETS = "JianYing Pro 5.9 to 10.8 (plain draft_content.json), CapCut desktop"
_SUFFIX_KIND = {".png": "photo", ".jpg": "photo", ".jpeg": "photo"}


class DraftUnavailable(ToolError):
    """pyJianYingDraft (or its media reader) is not installed."""


def us(frame: int, fps: int) -> int:
    """A frame's time in integer microseconds; consecutive segments share boundaries."""
    return round(frame * 1_000_000 / fps)


def _library() -> Any:
    try:
        import pyJianYingDraft as draft
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise DraftUnavailable(
            "no JianYing draft written: pip install pyjianyingdraft==0.3.1"
        ) from exc
    return draft


def _copy(src: Path, folder: Path, sub: str, copied: dict[Path, Path]) -> Path:
    """Copy a media file into the draft once; same name, different file gets a suffix."""
    src = Path(src).resolve()
    if src in copied:
        return copied[src]
    dest_dir = folder / "materials" / sub
    dest_dir.mkdir(parents=True, exist_ok=True)
    dest = dest_dir / src.name
    n = 1
    while dest.exists():
        dest = dest_dir / f"{src.stem}_{n}{src.suffix}"
        n += 1
    shutil.copy2(src, dest)
    copied[src] = dest
    return dest


def write_draft(
    shots: Sequence[TimelineShot],
    out_dir: Path,
    *,
    width: int,
    height: int,
    fps: int = 30,
) -> Path:
    """Write `out_dir` (e.g. episode_01.jianying/) as a draft; return its path.

    The draft is built beside `out_dir` and swapped in, so a failure leaves the last
    good draft in place.
    """
    jy = _library()
    out_dir = Path(out_dir).resolve()
    work = out_dir.with_name(out_dir.name + ".part")
    if work.exists():
        shutil.rmtree(work)
    work.parent.mkdir(parents=True, exist_ok=True)
    script = jy.DraftFolder(str(work.parent)).create_draft(
        work.name, width, height, fps, allow_replace=True
    )
    copied: dict[Path, Path] = {}
    video = script.append_track(jy.TrackSpec(jy.TrackType.video, name="V1"))
    tracks: dict[str, list[Any]] = {"T": [], "A": []}
    materials: dict[Path, Any] = {}

    def material(kind: str, path: Path) -> Any:
        if path not in materials:
            cls = jy.VideoMaterial if kind == "video" else jy.AudioMaterial
            materials[path] = cls(str(path))
        return materials[path]

    def place(segment: Any, letter: str) -> None:
        """On the first track of its kind it fits (overlapping lines stack, as in .otio)."""
        for track in tracks[letter]:
            try:
                script.add_segment(segment, track)
                return
            except jy.exceptions.SegmentOverlap:
                continue
        kind = jy.TrackType.text if letter == "T" else jy.TrackType.audio
        name = f"{letter}{len(tracks[letter]) + 1}"
        tracks[letter].append(script.append_track(jy.TrackSpec(kind, name=name)))
        script.add_segment(segment, tracks[letter][-1])

    for shot, (first, frames) in zip(shots, shot_frames(shots, fps), strict=True):
        clip = material("video", _copy(shot.clip, work, "video", copied))
        target = jy.Timerange(us(first, fps), us(first + frames, fps) - us(first, fps))
        source = jy.Timerange(0, min(target.duration, clip.duration))
        script.add_segment(jy.VideoSegment(clip, target, source_timerange=source, speed=1.0), video)

    style = jy.TextStyle(size=7.0, bold=True, align=1, auto_wrapping=True, max_line_width=0.7)
    placement = jy.ClipSettings(transform_y=-0.42)  # above the bottom quarter's UI
    for first, frames, line, _shot_id in line_frames(shots, fps):
        wav = material("audio", _copy(line.path, work, "audio", copied))
        start, end = us(first, fps), us(first + frames, fps)
        source = jy.Timerange(0, min(end - start, wav.duration))
        place(
            jy.AudioSegment(
                wav, jy.Timerange(start, end - start), source_timerange=source, speed=1.0
            ),
            "A",
        )
        words = line.text.strip() or " "
        place(
            jy.TextSegment(
                words,
                jy.Timerange(start, end - start),
                style=style,
                clip_settings=placement,
                border=jy.TextBorder(width=30.0),
            ),
            "T",
        )
    script.save()
    draft_id = str(uuid.uuid4()).upper()
    _relocate(work, draft_id, out_dir)
    _write_meta(work, out_dir, draft_id, copied, materials, script.duration)
    if out_dir.exists():
        shutil.rmtree(out_dir)
    work.rename(out_dir)
    return out_dir


def _relocate(work: Path, draft_id: str, final: Path) -> None:
    """Media paths through the draft-path placeholder (JianYing resolves it to wherever
    the folder is), and the draft's own id and name."""
    content_path = work / "draft_content.json"
    content = json.loads(content_path.read_text(encoding="utf-8"))
    prefix = str(work) + "/"
    for kind in ("videos", "audios"):
        for m in content["materials"].get(kind, []):
            if str(m.get("path", "")).startswith(prefix):
                m["path"] = f"{PLACEHOLDER}/{m['path'][len(prefix) :]}"
    content["id"] = draft_id
    content["name"] = final.name
    content_path.write_text(json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8")


def _write_meta(
    work: Path,
    final: Path,
    draft_id: str,
    copied: dict[Path, Path],
    materials: dict[Path, Any],
    duration: int,
) -> None:
    """`draft_meta_info.json`: the draft's name, place and length, and its media list."""
    meta_path = work / "draft_meta_info.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    now_us = time.time_ns() // 1000
    items = []
    for dest in copied.values():
        m = materials[dest]
        kind = "music" if dest.parent.name == "audio" else _SUFFIX_KIND.get(dest.suffix, "video")
        rel = dest.relative_to(work).as_posix()
        items.append(
            {
                "create_time": now_us // 1_000_000,
                "duration": int(m.duration),
                "extra_info": dest.name,
                "file_Path": f"{PLACEHOLDER}/{rel}",
                "height": int(getattr(m, "height", 0)),
                "id": str(uuid.uuid4()).upper(),
                "import_time": now_us // 1_000_000,
                "import_time_ms": now_us,
                "item_source": 1,
                "md5": "",
                "metetype": kind,
                "roughcut_time_range": {"duration": int(m.duration), "start": 0},
                "sub_time_range": {"duration": -1, "start": -1},
                "type": 0,
                "width": int(getattr(m, "width", 0)),
            }
        )
    for group in meta["draft_materials"]:
        if group["type"] == 0:
            group["value"] = items
    meta.update(
        {
            "draft_id": draft_id,
            "draft_name": final.name,
            "draft_fold_path": str(final),
            "draft_root_path": str(final.parent),
            "tm_duration": int(duration),
            "tm_draft_create": now_us,
            "tm_draft_modified": now_us,
        }
    )
    meta_path.write_text(json.dumps(meta, ensure_ascii=False, indent=1), encoding="utf-8")
