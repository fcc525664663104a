"""Repairs a small model can make: one line, the action, or the lines a thin scene lacks.

Asked to rewrite a whole scene "so that it passes the checks", the 1.5B model copies
it back word for word (measured on the fisherman premise: 6 rewrites, 0 issues fixed).
Asked for one new line, new action, or the next three lines, it writes them. So code
finds what each issue points at (the quoted line, the action, the scene's length),
asks for that piece only and splices it in. An issue that points at nothing smaller
than the scene (an open critic's "motivation") still gets the whole-scene rewrite.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, Field

from reelwright.context import AgentContext
from reelwright.tools.errors import ModelBehaviorError

from .checks.story import repeats
from .checks.text import Names, has_cjk, named
from .common import ask, language_problems
from .coverage import MAX_ADDED, lines_short
from .craft import one_word
from .scene_draft import narrates, resolve, spoken
from .schemas import Issue, LineDraft, Scene, SceneBeat, SceneDraft, counted, spoken_by

Piece = Literal["line", "action", "more"]
# Kinds a scene fixes by growing: more lines, every speaker in them.
GROW = frozenset({"thin_scene", "short_of_material", "no_tail_line"})


class LineFix(BaseModel):
    text: str = Field(description="The new line: one breath, 6 to 12 words (empty: cut it)")
    emotion: str = Field(description="One word")


class ActionFix(BaseModel):
    action: str = Field(description="What we see, present tense, two or three sentences")


class MoreLines(BaseModel):
    lines: list[LineDraft] = Field(min_length=1, max_length=MAX_ADDED)


def _norm(text: str) -> str:
    return " ".join(spoken(text)[0].casefold().split()).strip(" \"'“”「」.!?。！？")


def targets_of(issue: Issue, scene: Scene, grow: int) -> list[tuple[Piece, int]] | None:
    """What the issue points at: ("line", index) for each line it names (every later
    copy of a repeat), ("action", 0) or ("more", count). None: nothing smaller than
    the whole scene."""
    if issue.kind == "near_duplicate":
        quote = _quote(issue)
        hits = [i for i, ln in enumerate(scene.lines) if quote and quote in _norm(ln.text)]
        if len(hits) > 1:
            return [("line", i) for i in hits[1:]]
    target = target_of(issue, scene, grow)
    return None if target is None else [target]


def _quote(issue: Issue) -> str:
    """The issue's evidence as line words: no "Name:" cue, normalised."""
    quote = issue.evidence
    for colon in (":", "："):
        if colon in quote[:30]:
            quote = quote.split(colon, 1)[-1]
            break
    return _norm(quote)


def target_of(issue: Issue, scene: Scene, grow: int) -> tuple[Piece, int] | None:
    """What the issue points at: ("line", index), ("action", 0) or ("more", count), where
    `grow` is how many lines a short scene lacks. None: nothing smaller than the scene.
    """
    if issue.kind in GROW:
        return "more", 1 if issue.kind == "no_tail_line" else max(2, grow)
    quote = _quote(issue)
    if len(quote) < 2:
        return None
    hits = [i for i, ln in enumerate(scene.lines) if quote in _norm(ln.text)]
    if hits:  # a repeat is the later line; anything else, the first that says it
        return "line", hits[-1] if issue.kind == "near_duplicate" else hits[0]
    if quote in _norm(scene.action):
        return "action", 0
    return None


def mend(
    ctx: AgentContext,
    current: Scene,
    issues: list[Issue],
    *,
    beat: SceneBeat,
    names: Names,
    lang: str,
    budget: float,
    round_no: int,
    common: dict[str, Any],
) -> SceneDraft | None:
    """The scene with each located issue fixed piece by piece, as a draft (None: a
    rewrite of the whole scene is needed)."""
    targets: dict[tuple[Piece, int], list[Issue]] = {}
    grow = lines_short(current.lines, budget, lang)  # measured as the director lays it out
    for issue in issues:
        pieces = targets_of(issue, current, grow)
        if pieces is None:
            return None
        for target in pieces:
            targets.setdefault(target, []).append(issue)
    lines = [
        LineDraft(speaker=ln.speaker, text=ln.text, emotion=ln.emotion) for ln in current.lines
    ]
    action = current.action
    shared = {
        "characters": common["characters"],
        "facts": common["facts"],
        "language_rule": common["language_rule"],
    }
    asker = _Asker(ctx, beat, names, lang, shared, common["speakers"])
    order = {"line": 0, "action": 1, "more": 2}  # lines are added last: indices hold
    more, more_problem = 0, ""
    for k, ((piece, n), found) in enumerate(sorted(targets.items(), key=lambda t: order[t[0][0]])):
        problem = "; ".join(f'"{i.evidence}" ({i.kind}): {i.fix}' for i in found)
        seed = 100 * round_no + k
        if piece == "line" and all(i.kind == "near_duplicate" for i in found):
            # A repeat's obvious fix is to cut it: asked to rewrite one, the 1.5B model
            # paraphrased it or narrated (10 calls for 5 repeats, measured). A scene the
            # cuts leave short grows below, in one call that writes new lines.
            ctx.emit("tool_call", tool="mend:cut_repeat", args={"line": n + 1}, seconds=0,
                     result=lines[n].text[:300])  # fmt: skip
            lines[n] = LineDraft(speaker=lines[n].speaker, text="", emotion=lines[n].emotion)
        elif piece == "line":
            lines[n] = asker.fix_line(n, lines, action, problem, seed)
        elif piece == "action":
            old = _norm(action)
            action = ask(
                ctx,
                "writer_fix_action",
                ActionFix,
                check=lambda r, o=old: _action_problems(r.action, o, beat, names, lang),
                keep_near_miss=True,
                max_tokens=160,
                seed_offset=seed,
                action=action,
                problem=problem,
                beat=beat.beat,
                facts=common["facts"],
                language_rule=common["language_rule"],
            ).action
        else:
            more, more_problem = n, problem
    lines = [ln for ln in lines if _norm(ln.text)]
    short = lines_short(lines, budget, lang)
    if short and not more_problem:
        more_problem = f"the scene is short of its {budget:.0f} s: add about {short} lines"
    more = min(MAX_ADDED, max(more, short))
    if more:
        lines = asker.grow(lines, action, more, more_problem, 100 * round_no + 50)
    return SceneDraft(action=action, lines=[ln for ln in lines if _norm(ln.text)])


@dataclass(frozen=True)
class _Asker:
    """What every piece's request shares: the node, the scene's plan and its prompt words."""

    ctx: AgentContext
    beat: SceneBeat
    names: Names
    lang: str
    shared: dict[str, Any]  # characters, facts, language rule
    speakers: str

    def fix_line(
        self, n: int, lines: list[LineDraft], action: str, problem: str, seed: int
    ) -> LineDraft:
        """Line n rewritten to fix `problem`; empty words (cut) when no reply fixes it."""
        beat, names, lang = self.beat, self.names, self.lang
        others = {_norm(ln.text) for ln in lines}
        try:
            fix = ask(
                self.ctx,
                "writer_fix_line",
                LineFix,
                check=lambda r: _line_problems(
                    r.text, r.emotion, others, action, beat, names, lang
                ),
                max_tokens=150,
                seed_offset=seed,
                scene=_text(action, lines),
                number=n + 1,
                speaker=lines[n].speaker,
                problem=problem,
                turn=beat.turn or "(none)",
                **self.shared,
            )
        except ModelBehaviorError as exc:
            # No good line came back: the line goes. A line against the plan is better
            # cut than kept; a scene left thin is grown after the fixes.
            fix = LineFix(text="", emotion="calm")
            self.ctx.emit("tool_call", tool="mend:cut_line", args={"line": n + 1}, seconds=0,
                          result=str(exc)[:300])  # fmt: skip
        return LineDraft(speaker=lines[n].speaker, text=fix.text, emotion=fix.emotion)

    def grow(
        self, lines: list[LineDraft], action: str, count: int, problem: str, seed: int
    ) -> list[LineDraft]:
        """The scene's lines with up to `count` new ones after them (only good ones kept)."""
        beat, names, lang = self.beat, self.names, self.lang
        more = ask(
            self.ctx,
            "writer_more_lines",
            counted(MoreLines, "lines", count, count + 1, spoken_by(tuple(beat.characters))),
            check=lambda r: _more_problems(r.lines, lines, action, beat, names, lang),
            keep_near_miss=True,
            max_tokens=60 + 45 * count,
            seed_offset=seed,
            scene=_text(action, lines),
            count=count,
            problem=problem,
            beat=beat.beat,
            turn=beat.turn or "(none)",
            speakers=self.speakers,
            **self.shared,
        )
        # a near miss keeps only its good lines: no one absent, no repeats, no narration
        had = list(lines)
        for ln in more.lines:
            if not _more_problems([ln], had, action, beat, names, lang):
                had.append(ln)
        return had


def _text(action: str, lines: list[LineDraft]) -> str:
    """The scene as the model reads it back (the form of `scene_draft.script_text`)."""
    said = "\n".join(
        f"{i}. {ln.speaker} ({ln.emotion}): {ln.text}" for i, ln in enumerate(lines, 1)
    )
    return f"ACTION: {action}\n{said}"


def _echoes(text: str, action: str) -> bool:
    """Whether a line mostly repeats the action's words (narration, not speech)."""
    said, seen = set(_norm(text).split()), set(_norm(action).split())
    if has_cjk(text):
        said, seen = set(_norm(text)), set(_norm(action))
    return len(said) >= 3 and len(said & seen) >= 0.7 * len(said)


def _line_problems(
    text: str, emotion: str, others: set[str], action: str, beat: SceneBeat, names: Names, lang: str
) -> list[str]:
    problems = _absent(text, beat, names)
    if _echoes(text, action) or narrates(text, None, names):
        problems.append("the line repeats the action: write words the character says aloud")
    if _norm(text) and (_norm(text) in others or repeats(text, sorted(others))):
        problems.append("the line repeats one already in the scene: write a new one")
    if not one_word(emotion):
        problems.append("emotion must be one word such as afraid")
    return problems + language_problems([text], lang, "the line")  # type: ignore[arg-type]


def _absent(text: str, beat: SceneBeat, names: Names) -> list[str]:
    """Problems for characters a text names who are not in the scene."""
    away = sorted(named(text, names) - set(beat.characters))
    return [f"{who} is not in this scene: name only {', '.join(beat.characters)}" for who in away]


def _action_problems(action: str, old: str, beat: SceneBeat, names: Names, lang: str) -> list[str]:
    problems = [] if _norm(action) and _norm(action) != old else ["write new action"]
    problems += _absent(action, beat, names)
    return problems + language_problems([action], lang, "the action")  # type: ignore[arg-type]


def _more_problems(
    new: list[LineDraft],
    lines: list[LineDraft],
    action: str,
    beat: SceneBeat,
    names: Names,
    lang: str,
) -> list[str]:
    said = {_norm(ln.text) for ln in lines}
    cast = beat.characters
    problems = []
    for i, ln in enumerate(new, 1):
        problems += [f"lines.{i}: {p}" for p in _absent(ln.text, beat, names)]
        if _echoes(ln.text, action) or narrates(ln.text, None, names):
            problems.append(f"lines.{i} repeats the action: write words said aloud")
        if resolve(names, ln.speaker) not in cast:
            problems.append(f"lines.{i}.speaker {ln.speaker!r} is not here: {', '.join(cast)}")
        if _norm(ln.text) in said or repeats(ln.text, sorted(said)):
            problems.append(f"lines.{i} repeats a line already in the scene")
        said.add(_norm(ln.text))
    return problems + language_problems([ln.text for ln in new], lang, "the lines")  # type: ignore[arg-type]
