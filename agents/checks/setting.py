"""The words against the plan: place, hour, secrets, planned feelings and the scene's size.

Time words and places are only read where they set the scene (a sentence that opens
"At midnight," or "在码头上，", "Kai stands on the pier"), so a line that only mentions
midnight or looks toward the harbour is not an alarm.
"""

from __future__ import annotations

import math
import re

from ..coverage import lines_short, voiced_seconds
from ..craft import label_valence
from ..schemas import Issue, StoryView
from .plan_view import ScenePlan, planned
from .text import CJK_RE, Names, issue, item_tokens, sentence_around

HourRange = tuple[int, int]
TIME_WORDS_EN: dict[str, HourRange] = {
    "midnight": (23, 1), "dawn": (4, 7), "daybreak": (4, 7), "sunrise": (4, 7),
    "first light": (4, 7), "morning": (5, 11), "noon": (11, 13), "midday": (11, 13),
    "afternoon": (12, 17), "dusk": (17, 20), "sunset": (17, 20), "twilight": (17, 20),
    "evening": (17, 22), "night": (19, 5), "nightfall": (18, 21), "moonlight": (19, 5),
    "broad daylight": (7, 18),
}  # fmt: skip
TIME_WORDS_ZH: dict[str, HourRange] = {
    "午夜": (23, 1), "半夜": (23, 3), "深夜": (22, 3), "凌晨": (0, 5), "黎明": (4, 7),
    "拂晓": (4, 7), "清晨": (5, 8), "日出": (4, 7), "早上": (5, 10), "早晨": (5, 10),
    "上午": (7, 11), "中午": (11, 13), "正午": (11, 13), "下午": (12, 17), "傍晚": (17, 20),
    "黄昏": (17, 20), "日落": (17, 20), "晚上": (18, 23), "夜里": (19, 5), "夜晚": (19, 5),
    "夜色": (19, 5), "月光": (19, 5), "光天化日": (7, 18),
}  # fmt: skip
_EN_SET_OPEN = (
    r"(?:^|[.!?]\s+)(?:(?:It is|It's|Later that|Late at|Deep in the|In the|At|By|This)\s+)?"
)
_EN_NOT_NOW = re.compile(r"\b(last|yesterday|tomorrow|every|since|until|till|next)\s+$", re.I)
_ZH_NOT_NOW = ("昨", "明", "每", "等到", "直到", "前")
_EN_PLACE_VERBS = r"(?:is|are|stands|stand|sits|sit|waits|wait|arrives|arrive|lands|kneels|lies)"
TIME_TOLERANCE = 1  # hours either side of a time word's range


def in_range(hour: int, span: HourRange) -> bool:
    lo, hi = (span[0] - TIME_TOLERANCE) % 24, (span[1] + TIME_TOLERANCE) % 24
    return lo <= hour <= hi if lo <= hi else hour >= lo or hour <= hi


def time_words(text: str) -> list[tuple[str, int, int]]:
    """(word, start, end) of time words that set the scene in an action text."""
    found = []
    if CJK_RE.search(text):
        for word in sorted(TIME_WORDS_ZH, key=len, reverse=True):
            for m in re.finditer(re.escape(word), text):
                before = text[max(0, m.start() - 2) : m.start()]
                opening = re.search(r"(?:^|[。！？；\n])[^。！？；\n]{0,3}$", text[: m.start()])
                setting = opening or before.endswith(("已是", "到了", "正值", "时值"))
                if setting and not before.endswith(_ZH_NOT_NOW):
                    found.append((word, m.start(), m.end()))
        return found
    for word in sorted(TIME_WORDS_EN, key=len, reverse=True):
        pattern = rf"{_EN_SET_OPEN}(?:\w+\s+){{0,2}}({word})\b"
        for m in re.finditer(pattern, text, re.IGNORECASE):
            if not _EN_NOT_NOW.search(text[: m.start(1)]):
                found.append((word, m.start(1), m.end(1)))
    return found


def check_time_words(story: StoryView, names: Names) -> list[Issue]:
    """The action says midnight (or 清晨 ...) but the plan sets the scene at another hour."""
    out: list[Issue] = []
    for sp in planned(story, names):
        hour = sp.scene.ledger.hour
        table = TIME_WORDS_ZH if CJK_RE.search(sp.scene.action) else TIME_WORDS_EN
        for word, start, end in time_words(sp.scene.action):
            span = table[word.lower()] if word.lower() in table else table[word]
            if in_range(hour, span):
                continue
            fix = (
                f"The plan sets {sp.sid} at {hour:02d}:00 ({sp.scene.time_of_day}); "
                f"'{word}' says otherwise: change the time word to fit the hour."
            )
            evidence = sentence_around(sp.scene.action, start, end)
            out.append(issue(sp.sid, "time_mismatch", "medium", evidence, fix))
            break
    return out


def place_match(text: str, place: str) -> re.Match[str] | None:
    p = re.escape(place)
    if CJK_RE.search(place):
        opening = rf"(?:^|[。！？；\n])(?:在|回到|来到|到了)?{p}(?:上|里|边|中|外|前)?[，,]"
        inside = rf"(?:站在|坐在|跪在|躺在|来到|回到|到了|身在){p}"
        return re.search(opening, text) or re.search(inside, text)
    opening = (
        rf"(?:^|[.!?]\s+)(?:Back\s+)?(?:At|In|Inside|On|Aboard|Outside|Across)\s+(?:the\s+)?{p}\b"
    )
    stands = rf"\b{_EN_PLACE_VERBS}\s+(?:\w+\s+)?(?:at|in|on|inside|aboard)\s+(?:the\s+)?{p}\b"
    return re.search(opening, text, re.I) or re.search(stands, text, re.I)


def check_wrong_place(story: StoryView, names: Names) -> list[Issue]:
    """The action sets the scene in another bible location than its heading's."""
    out: list[Issue] = []
    for sp in planned(story, names):
        here = sp.scene.location
        here_words = set(here.lower().split())
        for loc in story.bible.locations:
            if loc.name == here or set(loc.name.lower().split()) <= here_words:
                continue
            m = place_match(sp.scene.action, loc.name)
            if m is None:
                continue
            fix = (
                f"{sp.sid} happens at {here}: set the action there, or move the scene "
                f"to {loc.name} in the plan."
            )
            evidence = sentence_around(sp.scene.action, m.start(), m.end())
            out.append(issue(sp.sid, "wrong_place", "medium", evidence, fix))
            break
    return out


def _secret_tokens(secret: str, names: Names) -> set[str]:
    name_words = {w.lower() for n in names.full for f in names.forms(n) for w in f.split()}
    return {t for t in item_tokens(secret) if t not in name_words and len(t) > 1}


def _says_secret(text: str, secret: set[str], cjk: bool) -> bool:
    if not secret:
        return False
    shared = len(secret & item_tokens(text))
    need = max(3, math.ceil(0.5 * len(secret))) if cjk else max(2, math.ceil(0.6 * len(secret)))
    return shared >= min(need, len(secret))


def check_secret_early(story: StoryView, names: Names) -> list[Issue]:
    """A character's bible secret is spoken before the scene the plan reveals it in."""
    scenes = list(planned(story, names))
    out: list[Issue] = []
    for c in story.bible.characters:
        reveal_at = next(
            (sp.index for sp in scenes if sp.beat and c.name in sp.beat.reveals), len(scenes)
        )
        secret = _secret_tokens(c.secret, names)
        cjk = CJK_RE.search(c.secret) is not None
        for sp in scenes[:reveal_at]:
            for text in [line.text for line in sp.scene.lines] + [sp.scene.action]:
                if not _says_secret(text, secret, cjk):
                    continue
                when = (
                    f"the plan reveals it in {scenes[reveal_at].sid}"
                    if reveal_at < len(scenes)
                    else "the plan never reveals it"
                )
                fix = (
                    f"This speaks {c.name}'s secret ({c.secret}) too early: {when}. Cut it or hint."
                )
                out.append(issue(sp.sid, "secret_early", "high", text, fix))
                break
    return out


PLAN_STRONG = 0.5  # a planned feeling at least this far from neutral, start and end
LABELS_AGAINST = 0.4  # the mean of a speaker's labels at least this far the other way


def _direction(sp: ScenePlan, who: str) -> int:
    """+1 or -1 when the plan holds the character on one side all scene; 0 otherwise."""
    if sp.beat is None:
        return 0
    for f in sp.beat.feelings:
        if f.name == who:
            lo = min(abs(f.start_valence), abs(f.end_valence))
            if lo >= PLAN_STRONG and f.start_valence * f.end_valence > 0:
                return 1 if f.end_valence > 0 else -1
    return 0


def check_emotion_off_plan(story: StoryView, names: Names) -> list[Issue]:
    """A speaker's emotion labels, taken together, point the other way from the plan.

    One line against the plan is often right (proud, and angry at the man he beat);
    a speaker whose every label goes the other way is playing another scene.
    """
    out: list[Issue] = []
    for sp in planned(story, names):
        by_speaker: dict[str, list[tuple[float, str]]] = {}
        for line in sp.scene.lines:
            who = names.resolve(line.speaker)
            if who:
                by_speaker.setdefault(who, []).append((label_valence(line.emotion), line.text))
        for who, labelled in by_speaker.items():
            direction = _direction(sp, who)
            mean = sum(v for v, _ in labelled) / len(labelled)
            if direction == 0 or mean * direction > -LABELS_AGAINST:
                continue
            plan = next(f for f in sp.beat.feelings if f.name == who)  # type: ignore[union-attr]
            against = next(t for v, t in labelled if v * direction < 0)
            fix = (
                f"The plan has {who} {plan.start} -> {plan.end} here, but {who}'s lines are "
                "labelled the other way: play the planned feeling, or change the plan."
            )
            out.append(issue(sp.sid, "emotion_off_plan", "medium", against, fix))
    return out


def check_thin_scene(story: StoryView, names: Names) -> list[Issue]:
    """One speaker where two or more are present, or speech that cannot fill the scene's time
    (measured as the director will lay it out, so a scene passed here is not short there)."""
    out: list[Issue] = []
    for sp in planned(story, names):
        lines = sp.scene.lines
        if not lines:
            continue
        present = {names.ident(p) for p in sp.scene.ledger.present} - sp.dead_before
        speakers = {names.ident(line.speaker) for line in lines}
        problems = []
        if len(present) >= 2 and len(speakers) < 2:
            problems.append(
                f"only {lines[0].speaker} speaks though {', '.join(sorted(present))} are there: "
                "give the others lines"
            )
        if story.episode_seconds > 0:
            budget = story.episode_seconds / len(sp.episode.outline.scenes)
            if more := lines_short(lines, budget, story.lang):
                problems.append(
                    f"the lines voice in about {voiced_seconds(lines, story.lang):.0f} s of "
                    f"a {budget:.0f} s scene: add about {more} lines"
                )
        if problems:
            out.append(issue(sp.sid, "thin_scene", "medium", lines[0].text, "; ".join(problems)))
    return out
