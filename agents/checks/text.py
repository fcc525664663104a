"""Shared text tools for the code checks: names, normalising, fuzzy matching, evidence.

Kept free of any model or network so every check is exact, cheap and repeatable.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterator
from difflib import SequenceMatcher

from ..schemas import Bible, EpisodeView, Issue, Scene, StoryView

CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_PAREN_RE = re.compile(r"[(（\[].*?[)）\]]")
_WORD_RE = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOP = frozenset(
    "a an the of to in on at by for from with and or his her their its my your our "
    "this that these those some one old new".split()
)


def has_cjk(text: str) -> bool:
    return CJK_RE.search(text) is not None


def cjk_share(text: str) -> float:
    """Share of CJK among the letters and digits of a text (0 when it has none)."""
    chars = [c for c in text if c.isalnum()]
    if not chars:
        return 0.0
    return sum(1 for c in chars if CJK_RE.match(c)) / len(chars)


def norm(text: str) -> str:
    """Casefold, drop punctuation and symbols, collapse spaces: for equality tests."""
    kept = [
        " " if unicodedata.category(c)[0] in "PSZ" else c
        for c in unicodedata.normalize("NFKC", text).casefold()
    ]
    return " ".join("".join(kept).split())


def item_tokens(text: str) -> set[str]:
    """Content tokens of a short item (a prop, a setup): words in English, bigrams in Chinese."""
    flat = norm(text).replace("’", "'")
    if has_cjk(flat):
        chars = "".join(c for c in flat if not c.isspace() and c not in "的了是在个把")
        grams = {chars[i : i + 2] for i in range(len(chars) - 1)}
        return grams or {chars}
    words = set()
    for word in _WORD_RE.findall(flat):
        word = word.removesuffix("'s")
        if word in _STOP:
            continue
        if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return words


def same_item(a: str, b: str) -> bool:
    """Whether two short items name the same thing ("the boat key" ~ "boat key")."""
    na, nb = norm(a), norm(b)
    if not na or not nb:
        return False
    if na == nb:
        return True
    ta, tb = item_tokens(a), item_tokens(b)
    if not ta or not tb:
        return False
    shared = len(ta & tb)
    small = min(len(ta), len(tb))
    return shared >= min(2, small) and shared / small >= 0.6


def same_fact(a: str, b: str) -> bool:
    """Facts match only when nearly identical: "X is alive" must not match "X is dead"."""
    na, nb = norm(a), norm(b)
    if not na or not nb:
        return False
    return na == nb or (
        min(len(na), len(nb)) >= 12 and SequenceMatcher(None, na, nb).ratio() >= 0.9
    )


def ngrams(text: str, n: int) -> set[str]:
    return {text[i : i + n] for i in range(max(1, len(text) - n + 1))}


class Names:
    """The bible's characters and the short forms a script may use for them."""

    def __init__(self, bible: Bible) -> None:
        self.full = [c.name for c in bible.characters]
        self._alias: dict[str, str | None] = {self.key(n): n for n in self.full}
        self._forms: dict[str, list[str]] = {}
        shorts: dict[str, set[str]] = {}
        for name in self.full:
            forms = [name.strip()]
            parts = name.split()
            if len(parts) > 1:
                forms.append(parts[0])
            elif has_cjk(name) and len(name.strip()) >= 3:
                forms.append(name.strip()[1:])  # the given name: 林秀兰 -> 秀兰
            self._forms[name] = forms
            for form in forms[1:]:
                shorts.setdefault(self.key(form), set()).add(name)
        for key, owners in shorts.items():
            if key not in self._alias:
                self._alias[key] = owners.pop() if len(owners) == 1 else None  # None: shared

    @staticmethod
    def key(name: str) -> str:
        """Cue text without extensions like (V.O.), casefolded."""
        return norm(_PAREN_RE.sub(" ", name))

    def resolve(self, name: str) -> str | None:
        """The bible name a cue refers to, or None when it is not (uniquely) a character."""
        return self._alias.get(self.key(name))

    def known(self, name: str) -> bool:
        return self.key(name) in self._alias

    def forms(self, canonical: str) -> list[str]:
        """Full name first, then the short form, as they would be written in action text."""
        return self._forms.get(canonical, [canonical])

    def ident(self, name: str) -> str:
        """A stable identity: the bible name when known, else the cue's own key."""
        return self.resolve(name) or self.key(name)


def scenes_in_order(story: StoryView) -> Iterator[tuple[EpisodeView, str, Scene]]:
    """Episode 1's scenes in order, then episode 2's, and so on."""
    for episode in sorted(story.episodes, key=lambda e: e.number):
        for sid, scene in episode.scenes.items():
            yield episode, sid, scene


def episode_node(episode: EpisodeView) -> str:
    return f"episode:{episode.number}"


def dumps(value: object) -> str:
    """The JSON form evidence is quoted from (json.dumps default separators, no ASCII escapes)."""
    return json.dumps(value, ensure_ascii=False)


def artifact_text(story: StoryView, node: str) -> str:
    """The text an issue's evidence can be found in: the scene or outline as JSON plus its script.

    Whitespace-insensitive search also finds the same quotes in indented JSON.
    """
    for episode in story.episodes:
        if node == episode_node(episode):
            return dumps(episode.outline.model_dump(mode="json"))
        scene = episode.scenes.get(node)
        if scene is not None:
            lines = " ".join(f"{line.speaker}: {line.text}" for line in scene.lines)
            return f"{scene.action} {lines} " + dumps(scene.model_dump(mode="json"))
    raise KeyError(node)


def located(evidence: str, text: str) -> bool:
    """Whether a quote occurs in a text, ignoring differences in whitespace."""
    quote = " ".join(evidence.split())
    return bool(quote) and quote in " ".join(text.split())


def sentence_around(text: str, start: int, end: int) -> str:
    """The sentence of `text` holding span [start, end), verbatim, for evidence."""
    left = max((text.rfind(p, 0, start) for p in ".!?。！？\n"), default=-1)
    rights = [i for i in (text.find(p, end) for p in ".!?。！？\n") if i >= 0]
    right = min(rights) + 1 if rights else len(text)
    return text[left + 1 : right].strip()


def issue(node: str, kind: str, severity: str, evidence: str, fix: str) -> Issue:
    return Issue.model_validate(
        {
            "node": node,
            "kind": kind,
            "severity": severity,
            "evidence": evidence,
            "fix": fix,
            "source": "code",
        }
    )


PLACEHOLDERS = frozenset(
    "nothing none nobody no one noone unknown n/a na null nil empty someone everyone all "
    "narrator crowd 无 没有 无人 未知 空 所有人 大家 旁白".split()
)


def placeholder(text: str) -> bool:
    flat = norm(text)
    return not flat or flat in PLACEHOLDERS or flat.replace(" ", "") in PLACEHOLDERS


def named(text: str, names: Names) -> set[str]:
    """The bible characters a text names, by full or short form."""
    found = set()
    for name in names.full:
        for form in names.forms(name):
            if CJK_RE.search(form):
                hit = form in text
            else:
                hit = re.search(rf"\b{re.escape(form)}\b", text, re.I) is not None
            if hit:
                found.add(name)
                break
    return found
