"""A planted cut: the issue's episode 1 in small, for the editor's pacing tests."""

from __future__ import annotations

from pathlib import Path

from reelwright.agents.pacing import EditLine, EditShot


def _shot(
    sid: str, seconds: float, media: tuple[Path, Path], lines: int = 0, **kw: object
) -> EditShot:
    clip, tone = media
    spoken = [
        EditLine(line_id=f"{sid}.{k}", path=tone, seconds=1.5, text=f"line {sid}.{k}")
        for k in range(lines)
    ]
    return EditShot(
        shot_id=sid, scene_id=sid.rsplit(".", 1)[0], clip=clip, duration=seconds, lines=spoken, **kw
    )


def planted(media: tuple[Path, Path]) -> list[EditShot]:
    """Episode 1 as the issue measured it: a 2.5 s wide shot and a 6 s close-up of
    someone listening to nobody before the first line, then 17 s of nothing mid-scene."""
    return [
        _shot("1.1.1", 2.5, media, hook=True),
        _shot("1.1.2", 6.0, media),
        _shot("1.1.3", 3.0, media, lines=1),
        _shot("1.1.4", 4.0, media, lines=1),  # 1.75 s hold after its line
        _shot("1.2.1", 6.0, media),
        _shot("1.2.2", 6.0, media),
        _shot("1.2.3", 5.0, media),
        _shot("1.2.4", 3.5, media, lines=1),
        _shot("1.2.5", 2.2, media, lines=1, cliffhanger=True),
    ]
