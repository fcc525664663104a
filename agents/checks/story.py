"""Story-shape checks: hooks and cliffhangers, emotional jumps, repetition, language.

These catch what small models get wrong most: placeholder hooks, feelings that flip
without a cause, the same sentence written twice, and English lines in a Chinese run.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from difflib import SequenceMatcher

from ..schemas import Feeling, Issue, StoryView
from .text import (
    CJK_RE,
    Names,
    cjk_share,
    dumps,
    episode_node,
    has_cjk,
    issue,
    ngrams,
    norm,
    same_item,
    scenes_in_order,
)

_PLACEHOLDERS = frozenset(
    "tbd todo tba tbc na n a none null nil hook cliffhanger placeholder xxx x empty unknown "
    "待定 无 暂无 略 钩子 悬念 未定 空 待补充".split()
)
RESOLVED_VALENCE = 0.6  # every character at least this happy at an episode's end
DUPLICATE_SIMILARITY = 0.85
EXACT_MIN_SIZE = 5  # words (2 Chinese characters a word) before an exact repeat counts
FUZZY_MIN_SIZE = 6  # words before a near (not exact) repeat counts


def _trivial(text: str) -> bool:
    """Empty, a placeholder, or too short to hook anyone."""
    flat = norm(text)
    if not flat or flat in _PLACEHOLDERS or flat.replace(" ", "") in _PLACEHOLDERS:
        return True
    cjk = len(CJK_RE.findall(flat))
    letters = sum(1 for c in flat if c.isalpha() and not CJK_RE.match(c))
    return cjk < 3 and letters < 6


def _quote_field(field: str, value: str) -> str:
    """Evidence for an outline field: its JSON form when empty, else its text."""
    return f'"{field}": {dumps(value)}' if not value.strip() else value.strip()


def check_hooks(story: StoryView, names: Names) -> list[Issue]:
    """Empty or placeholder hooks and cliffhangers, and a middle episode that ends resolved."""
    out: list[Issue] = []
    episodes = sorted(story.episodes, key=lambda e: e.number)
    opened: list[str] = []
    paid: list[str] = []
    for k, episode in enumerate(episodes):
        node, outline = episode_node(episode), episode.outline
        if _trivial(outline.hook):
            fix = (
                "Write a concrete hook: an image or line in the first 3 seconds that poses "
                "a threat or a question."
            )
            out.append(issue(node, "missing_hook", "high", _quote_field("hook", outline.hook), fix))
        if _trivial(outline.cliffhanger):
            fix = (
                "Write a cliffhanger: an unresolved moment in the last shot (a threat, a "
                "reveal, a choice)."
            )
            evidence = _quote_field("cliffhanger", outline.cliffhanger)
            out.append(issue(node, "missing_cliffhanger", "high", evidence, fix))
        for scene in episode.scenes.values():
            opened += scene.ledger.setups_opened
            paid += scene.ledger.setups_paid
        last = list(episode.scenes.items())[-1] if episode.scenes else None
        if last is None or k == len(episodes) - 1 or _trivial(outline.cliffhanger):
            continue
        sid, scene = last
        feelings = [c.feels.valence for c in scene.ledger.characters]
        still_open = [s for s in opened if not any(same_item(s, p) for p in paid)]
        if feelings and min(feelings) >= RESOLVED_VALENCE and not still_open:
            fix = (
                f"{sid} resolves everything (all happy, no open setup): end the episode on "
                "the cliffhanger instead, with a new threat or an open question."
            )
            out.append(issue(node, "missing_cliffhanger", "high", outline.cliffhanger, fix))
    return out


def _jump(a: Feeling, b: Feeling) -> float:
    return abs(b.valence - a.valence) + abs(b.intensity - a.intensity) / 2


def check_emotion_jump(story: StoryView, names: Names, threshold: float = 0.9) -> list[Issue]:
    """A character's feeling swings past the threshold between scenes with no cause beat."""
    last: dict[str, tuple[str, Feeling]] = {}
    out: list[Issue] = []
    for _, sid, scene in scenes_in_order(story):
        for state in scene.ledger.characters:
            who = names.ident(state.name)
            before = last.get(who)
            last[who] = (sid, state.feels)
            if before is None or scene.cause.strip():
                continue
            size = _jump(before[1], state.feels)
            if size > threshold:
                fix = (
                    f"{state.name} goes from {before[1].label} ({before[0]}) to "
                    f"{state.feels.label} with no cause: write the cause beat into {sid} "
                    "(Scene.cause and the action), or soften the change."
                )
                evidence = dumps(state.feels.model_dump(mode="json"))
                out.append(issue(sid, "emotion_jump", "medium", evidence, fix))
    return out


def _size(flat: str) -> int:
    """Length in English words; two Chinese characters count as one word."""
    return len(CJK_RE.findall(flat)) // 2 if has_cjk(flat) else len(flat.split())


def _similar(a: str, b: str, grams_a: set[str], grams_b: set[str]) -> bool:
    """Equal, or (for longer texts only) close by n-gram Jaccard or SequenceMatcher ratio."""
    if a == b:
        return True
    if min(_size(a), _size(b)) < FUZZY_MIN_SIZE:
        return False  # "Impact in ten seconds." / "Impact in five seconds." is a countdown
    if min(len(a), len(b)) / max(len(a), len(b)) < 0.7:
        return False
    jac = len(grams_a & grams_b) / len(grams_a | grams_b)
    if jac >= DUPLICATE_SIMILARITY:
        return True
    return jac >= 0.4 and SequenceMatcher(None, a, b).ratio() >= DUPLICATE_SIMILARITY


def _duplicates(items: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(node, text) pairs in story order -> (node, text, earlier node) for each repeat.

    Every match needs n-gram Jaccard >= 0.4 (or equal text), so it shares at least
    0.4 of the new text's n-grams: an inverted index finds those candidates without
    comparing each text with every earlier one (an 80-episode series has ~1,000 lines).
    """
    seen: list[tuple[str, str, set[str]]] = []
    index: dict[str, list[int]] = defaultdict(list)
    found: list[tuple[str, str, str]] = []
    for node, text in items:
        flat = norm(text)
        if _size(flat) < EXACT_MIN_SIZE:
            continue  # "Yes." and "走吧。" repeat naturally
        cjk = has_cjk(flat)
        grams = ngrams(flat.replace(" ", "") if cjk else flat, 2 if cjk else 3)
        shared: Counter[int] = Counter()
        for gram in grams:
            shared.update(index[gram])
        need = 0.4 * len(grams)
        candidates = sorted(i for i, n in shared.items() if n >= need)
        match = next(
            (seen[i][0] for i in candidates if _similar(flat, seen[i][1], grams, seen[i][2])),
            None,
        )
        if match is not None:
            found.append((node, text, match))
        for gram in grams:
            index[gram].append(len(seen))
        seen.append((node, flat, grams))
    return found


def repeats(text: str, earlier: list[str]) -> bool:
    """Whether `text` repeats one of `earlier` as the near-duplicate check would say."""
    found = _duplicates([("", t) for t in earlier] + [("new", text)])
    return any(node == "new" for node, _, _ in found)


def check_near_duplicate(story: StoryView, names: Names) -> list[Issue]:
    """Scenes, beats or lines that repeat an earlier one (small models loop)."""
    episodes = sorted(story.episodes, key=lambda e: e.number)
    order = list(scenes_in_order(story))
    groups = {
        "action": [(sid, s.action) for _, sid, s in order],
        "beat": [(episode_node(e), b.beat) for e in episodes for b in e.outline.scenes],
        "line": [(sid, line.text) for _, sid, s in order for line in s.lines],
    }
    out: list[Issue] = []
    for what, items in groups.items():
        for node, text, earlier in _duplicates(items):
            where = "earlier in the same place" if earlier == node else f"in {earlier}"
            fix = f"This {what} repeats one {where}: rewrite it so it moves the story on."
            out.append(issue(node, "near_duplicate", "medium", text, fix))
    return out


def _wrong(text: str, lang: str) -> bool:
    if lang == "zh":
        return not has_cjk(text) and sum(1 for c in text if c.isascii() and c.isalpha()) >= 3
    return cjk_share(text) > 0.5


def check_wrong_language(story: StoryView, names: Names) -> list[Issue]:
    """Dialogue or action in the other language (a small model given Chinese answers in English)."""
    want = "Simplified Chinese" if story.lang == "zh" else "English"
    out: list[Issue] = []
    for _, sid, scene in scenes_in_order(story):
        texts = [("action", scene.action)] + [("line", line.text) for line in scene.lines]
        for what, text in texts:
            if _wrong(text, story.lang):
                fix = f"Rewrite this {what} in {want}, keeping its meaning and emotion."
                out.append(issue(sid, "wrong_language", "high", text, fix))
    return out
