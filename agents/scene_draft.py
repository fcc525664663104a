"""A scene draft (action and lines from the model) checked, tidied and joined to its plan.

The model writes words only. Code resolves speaker names, cuts lines too long for one
breath, turns "Fear (valence -1.0)" into "fear", and adds the ledger from the plan, so
the director, cinematographer and editor keep reading `scene.ledger.present`.
"""

from __future__ import annotations

import re

from .checks.text import Names, has_cjk, placeholder
from .common import language_problems
from .craft import one_word
from .schemas import Bible, DialogueLine, Ledger, Scene, SceneBeat, SceneDraft
from .story_plan import breath_limit

MAX_LINES = 12
# An acting note the model wrote into the words, "[fearful]" or "(softly)" at either
# end (it copies the "text [emotion]" form it is shown in a revision): never spoken.
_TAG = r"[\[(（【]\s*([^\]\)）】]{1,24}?)\s*[\])）】]"
_TAG_END = re.compile(rf"\s*{_TAG}\s*$")
_TAG_START = re.compile(rf"^\s*{_TAG}\s*")


# The "Name (emotion): " cue a model copies from a revision prompt into the words.
_CUE_COPY = re.compile(r"^\s*[^\W\d][\w .'-]{0,24}\s*[(（][^)）]{1,20}[)）]\s*[:：]\s*")


def narrates(text: str, speaker: str | None, names: Names) -> bool:
    """Whether a line is stage direction about its own speaker ("Charlie takes a deep
    breath" in Charlie's mouth): the name, then a third-person verb. With no speaker,
    about anyone ("Sarah explains that ...", "She adds, ..."): a stricter test for
    words a repair wrote than for a first draft, where "Mom wants you home" is speech."""
    if has_cjk(text):
        return False
    who = names.forms(speaker) if speaker else [f for n in names.full for f in names.forms(n)]
    for form in [*who, *([] if speaker else ["He", "She", "They"])]:
        m = re.match(rf"{re.escape(form)}\s+([a-z]+)\b", text.strip())
        verb = m.group(1) if m else ""
        if verb.endswith("s") and not verb.endswith("ss") and verb not in ("is", "was", "has"):
            return True
    return False


def spoken(text: str) -> tuple[str, str]:
    """The words to speak and subtitle, and the acting note found around them ("")."""
    note = ""
    cue = _CUE_COPY.match(text)
    if cue:
        text = text[cue.end() :]
    while m := _TAG_END.search(text):  # "[pride] [calm]": a tag added each round
        note = m.group(1)  # the innermost, the first the words were given, wins
        text = text[: m.start()]
    while m := _TAG_START.search(text):
        note = note or m.group(1)
        text = text[m.end() :]
    return text.strip(), note


_SPLIT = re.compile(r"(?<=[.!?。！？…])\s*")


def resolve(names: Names, text: str) -> str | None:
    """The bible name meant by a cue such as 'Hannah (35)', 'Kai' or 'James: 35; wants...'."""
    found = names.resolve(text)
    if found:
        return found
    stripped = text.strip()
    for name in sorted(names.full, key=len, reverse=True):
        if stripped.startswith(name) and not stripped[len(name) : len(name) + 1].isalnum():
            return name
    return None


def draft_problems(
    draft: SceneDraft, bible: Bible, beat: SceneBeat, lang: str, min_lines: int
) -> list[str]:
    """What a repair retry can fix: speakers not in the scene, one voice, too few lines."""
    names = Names(bible)
    cast = beat.characters
    problems = []
    speakers = set()
    for i, line in enumerate(draft.lines, 1):
        who = resolve(names, line.speaker)
        if who is None or who not in cast:
            problems.append(
                f"lines.{i}.speaker {line.speaker!r} is not here; speakers: {', '.join(cast)}"
            )
        else:
            speakers.add(who)
        if not one_word(line.emotion):
            problems.append(f"lines.{i}.emotion must be one word such as afraid")
    if len(cast) >= 2 and len(speakers) < 2:
        problems.append(f"every character here speaks: {', '.join(cast)}, not only one of them")
    if len(draft.lines) < min_lines:
        problems.append(f"write at least {min_lines} lines, not {len(draft.lines)}")
    texts = [line.text for line in draft.lines] + [draft.action]
    return problems + language_problems(texts, lang, "the scene")  # type: ignore[arg-type]


def split_breath(text: str) -> list[str]:
    """A line too long for one breath, cut at its sentence ends (at most two pieces kept)."""
    if breath_limit(text):
        return [text]
    parts = [p for p in _SPLIT.split(text) if p.strip()]
    if len(parts) < 2:
        return [text]
    first: list[str] = []
    rest = list(parts)
    while rest and (not first or breath_limit(" ".join([*first, rest[0]]))):
        first.append(rest.pop(0))
    joiner = "" if has_cjk(text) else " "
    out = [joiner.join(first)]
    if rest:
        out.append(joiner.join(rest))
    return out


def to_scene(draft: SceneDraft, beat: SceneBeat, ledger: Ledger, bible: Bible) -> Scene:
    """The stored scene: the draft's words, the plan's heading and cause, the plan's ledger."""
    names = Names(bible)
    lines: list[DialogueLine] = []
    action_extra: list[str] = []
    for line in draft.lines:
        if placeholder(line.text):
            continue
        speaker = resolve(names, line.speaker) or line.speaker.strip()
        text, note = spoken(line.text)
        for form in (f for n in names.full for f in names.forms(n)):
            if re.match(rf"{re.escape(form)}\s*[:：]", text):  # "Sarah: ..." copied as words
                text = re.sub(rf"^{re.escape(form)}\s*[:：]\s*", "", text)
                break
        if not text:
            continue
        if narrates(text, speaker, names):  # "Charlie takes a deep breath", said by Charlie
            action_extra.append(text)
            continue
        emotion = one_word(line.emotion) or one_word(note) or "neutral"
        for piece in split_breath(text):
            lines.append(DialogueLine(speaker=speaker, text=piece, emotion=emotion))
    if not lines:
        lines = [DialogueLine(speaker=beat.characters[0], text="...", emotion="neutral")]
    return Scene(
        interior=beat.interior,
        location=beat.location,
        time_of_day=beat.time_of_day,
        action=" ".join([spoken(draft.action)[0] or draft.action.strip(), *action_extra]),
        lines=lines[:MAX_LINES],
        cause=beat.turn,
        ledger=ledger,
    )


def script_text(scene: Scene) -> str:
    """The scene as a model reads it back: action, then one line per spoken line."""
    lines = "\n".join(
        f"{i}. {ln.speaker} ({ln.emotion}): {ln.text}" for i, ln in enumerate(scene.lines, 1)
    )
    return f"ACTION: {scene.action}\n{lines}"
