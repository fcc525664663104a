"""Continuity and emotion checks in code: exact, free, and run before any model critic.

`run_checks` walks the series in story order (episode 1's scenes, then episode 2's)
and returns issues that name a node ("scene:1.2" or "episode:1"), quote evidence found
verbatim in that node's text (see `artifact_text`), and say how to fix it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import get_args

from ..schemas import CodeKind, Issue, StoryView
from .ledger import (
    check_absent_actor,
    check_knowledge_order,
    check_prop_not_held,
    check_setup_unpaid,
    check_time_backwards,
    check_unknown_name,
)
from .sentiment import check_sentiment
from .setting import (
    check_emotion_off_plan,
    check_secret_early,
    check_thin_scene,
    check_time_words,
    check_wrong_place,
)
from .story import (
    check_emotion_jump,
    check_hooks,
    check_near_duplicate,
    check_wrong_language,
)
from .text import Names, artifact_text, episode_node, located
from .words import check_addressed, check_names_in_words, check_relation_words, check_status_words

__all__ = ["CODE_KINDS", "Check", "artifact_text", "checks", "located", "run_checks"]

Check = Callable[[StoryView, Names], list[Issue]]

# The issue kinds the code checks raise, in the order they are run.
CODE_KINDS: tuple[str, ...] = get_args(CodeKind)


def checks(*, emotion_jump: float = 0.9) -> dict[str, Check]:
    """Each check by name, so a benchmark can time them one by one."""
    return {
        "absent_actor": check_absent_actor,
        "knowledge_order": check_knowledge_order,
        "prop_not_held": check_prop_not_held,
        "unknown_name": check_unknown_name,
        "time_backwards": check_time_backwards,
        "setup_unpaid": check_setup_unpaid,
        "hooks": check_hooks,
        "emotion_jump": partial(check_emotion_jump, threshold=emotion_jump),
        "sentiment_mismatch": check_sentiment,
        "near_duplicate": check_near_duplicate,
        "wrong_language": check_wrong_language,
        "addressed": check_addressed,
        "names_in_words": check_names_in_words,
        "status_words": check_status_words,
        "secret_early": check_secret_early,
        "wrong_place": check_wrong_place,
        "time_words": check_time_words,
        "relation_words": check_relation_words,
        "emotion_off_plan": check_emotion_off_plan,
        "thin_scene": check_thin_scene,
    }


def _node_order(story: StoryView) -> dict[str, int]:
    order: dict[str, int] = {}
    for episode in sorted(story.episodes, key=lambda e: e.number):
        order[episode_node(episode)] = len(order)
        for sid in episode.scenes:
            order[sid] = len(order)
    return order


def run_checks(story: StoryView, *, emotion_jump: float = 0.9) -> list[Issue]:
    """All code checks over the series; issues sorted by node in story order, then by check.

    `emotion_jump` is the largest |valence change| + |intensity change| / 2 a character
    may show between their consecutive scenes without a cause beat.
    """
    names = Names(story.bible)
    found: list[Issue] = []
    for check in checks(emotion_jump=emotion_jump).values():
        found += check(story, names)
    seen: set[tuple[str, str, str]] = set()
    unique = []
    for item in found:
        key = (item.node, item.kind, item.evidence)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    order = _node_order(story)
    return sorted(unique, key=lambda i: order.get(i.node, len(order)))
