"""The plan as the word checks read it: each scene's beat and the story state around it."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from reelwright import ids

from ..schemas import EpisodeView, Scene, SceneBeat, StoryView
from .text import Names, scenes_in_order


@dataclass
class ScenePlan:
    """One scene with its beat (None for a scene the outline does not cover) and who is dead."""

    episode: EpisodeView
    sid: str
    scene: Scene
    beat: SceneBeat | None
    dead_before: set[str]
    index: int

    @property
    def present(self) -> set[str]:
        return set(self.scene.ledger.present)

    def lines(self) -> list[str]:
        return [line.text for line in self.scene.lines]


def beat_of(episode: EpisodeView, sid: str) -> SceneBeat | None:
    number = ids.parse(sid).scene
    scenes = episode.outline.scenes
    return scenes[number - 1] if 0 < number <= len(scenes) else None


def planned(story: StoryView, names: Names) -> Iterator[ScenePlan]:
    """Scenes in story order with their beats; the dead are those the plan or ledger killed."""
    dead: set[str] = set()
    for index, (episode, sid, scene) in enumerate(scenes_in_order(story)):
        beat = beat_of(episode, sid)
        yield ScenePlan(episode, sid, scene, beat, set(dead), index)
        dead |= {names.ident(c.name) for c in scene.ledger.characters if c.status == "dead"}
        if beat is not None:
            dead |= {names.ident(n) for n in beat.dies}
