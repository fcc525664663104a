"""Node ids, built and parsed in this one module.

An id is `kind:key`: `series`, `episode:2`, `scene:2.3`, `shot:2.3.4`, `line:2.3.1`,
`cut:2`, `character:maggie`. Numbered keys are dot-separated and 1-based, so an id
reads as where the artifact sits in the story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SERIES = "series"
SEASON = "season"  # a long series' arc in parts (only where the series is long)
CRITIQUE = "critique:series"


def slugify(name: str) -> str:
    """A readable id fragment; keeps CJK characters, drops punctuation."""
    slug = re.sub(r"[^\w]+", "-", name.strip().lower(), flags=re.UNICODE).strip("-_")
    return slug or "x"


@dataclass(frozen=True)
class NodeRef:
    """A parsed node id."""

    kind: str
    key: str

    @property
    def numbers(self) -> tuple[int, ...]:
        """The numbered key as ints: (2, 3, 4) for `shot:2.3.4`; () for a named key."""
        pieces = self.key.split(".")
        if not self.key or not all(p.isdigit() for p in pieces):
            return ()
        return tuple(int(p) for p in pieces)

    @property
    def episode(self) -> int:
        return self._number(0)

    @property
    def scene(self) -> int:
        return self._number(1)

    @property
    def index(self) -> int:
        """The third number: a shot's, a frame's, a clip's or a line's place in its scene."""
        return self._number(2)

    @property
    def scene_key(self) -> str:
        """`2.3` for any node of scene 2.3 (the scene, its shot list, shots, lines)."""
        return f"{self.episode}.{self.scene}"

    def _number(self, i: int) -> int:
        numbers = self.numbers
        if len(numbers) <= i:
            raise ValueError(f"node id {self.kind}:{self.key} has no number {i + 1}")
        return numbers[i]

    def __str__(self) -> str:
        return f"{self.kind}:{self.key}" if self.key else self.kind


def parse(node_id: str) -> NodeRef:
    kind, _, key = node_id.partition(":")
    return NodeRef(kind, key)


def kind_of(node_id: str) -> str:
    return node_id.partition(":")[0]


def make(kind: str, *numbers: int) -> str:
    return f"{kind}:{'.'.join(str(n) for n in numbers)}"


def episode(ep: int) -> str:
    return make("episode", ep)


def cut(ep: int) -> str:
    return make("cut", ep)


def scene(ep: int, sc: int) -> str:
    return make("scene", ep, sc)


def shotlist(ep: int, sc: int) -> str:
    return make("shotlist", ep, sc)


def shot(ep: int, sc: int, n: int) -> str:
    return make("shot", ep, sc, n)


def frame(ep: int, sc: int, n: int) -> str:
    return make("frame", ep, sc, n)


def clip(ep: int, sc: int, n: int) -> str:
    return make("clip", ep, sc, n)


def line(ep: int, sc: int, n: int) -> str:
    return make("line", ep, sc, n)


def character(name: str) -> str:
    return f"character:{slugify(name)}"


def location(name: str) -> str:
    return f"location:{slugify(name)}"


def as_kind(node_id: str, kind: str) -> str:
    """The same key under another kind: `shot:1.2.3` -> `frame:1.2.3`."""
    return f"{kind}:{parse(node_id).key}"


def prefix(kind: str, *numbers: int) -> str:
    """What every id under a numbered key starts with: prefix('scene', 2) -> 'scene:2.'."""
    return make(kind, *numbers) + "."


def episode_of(node_id: str) -> int:
    return parse(node_id).episode
