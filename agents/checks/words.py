"""The words against the plan: who is addressed, who is mourned, who is named, who is kin.

The ledger is built from the plan, so a defect the model writes only into the words
(a line calling to someone who is not there, a line mourning someone who speaks later,
a stranger walking into the action, "my brother" to a creditor) must be found here.
English and Chinese phrasing; each pattern errs on the side of silence.
"""

from __future__ import annotations

import re

from ..craft import relation_kind, relation_kinds, relation_words
from ..schemas import Issue, StoryView
from .ledger import _offscreen
from .plan_view import planned
from .text import CJK_RE, Names, issue, sentence_around

_VOC_END = "[,，!！?？.。…]"
_DEATH_EN = (
    r"(?:{n})(?:'s)?\s+(?:is|was)\s+(?:dead|gone forever|killed|murdered)",
    r"(?:{n})\s+(?:died|drowned|passed away|is no more)",
    r"(?:{n})'s\s+(?:funeral|grave|death|corpse|dead body|ashes|coffin)",
    r"(?:killed|buried|murdered|mourn|mourning|mourned)\s+(?:{n})\b",
    r"\blate\s+(?:{n})\b",
    r"(?:rest in peace|RIP),?\s+(?:{n})\b",
)
_DEATH_ZH = (
    r"(?:{n})(?:已经|早就|早已)?(?:死了|去世|过世|走了|不在了|遇难|牺牲)",
    r"(?:{n})的(?:葬礼|坟|墓|遗体|尸体|遗像|骨灰|灵位)",
    r"(?:杀了|埋了|害死了?|悼念|祭奠)(?:{n})",
)
_NOT_NAMES = frozenset(
    "i i'm i'll i've i'd a an the he she they we you it his her their our my your its this "
    "that these those there here then now yes no not well listen look please okay ok oh hey "
    "god lord sir madam miss mister mr mrs ms doctor doc captain boss mom mum mother dad father "
    "son daughter brother sister grandma grandpa uncle aunt honey darling dear baby sweetheart "
    "kid boy girl man woman friend everyone everybody someone somebody nobody anyone come go "
    "wait stop run help thanks thank sorry hello hi goodbye bye what why who where when how "
    "and but or so if as at in on by for of to from with into onto over under after before "
    "monday tuesday wednesday thursday friday saturday sunday january february march april "
    "may june july august september october november december christmas easter heaven hell "
    "earth moon sun english chinese america american china mama papa don't can't won't never "
    "always just maybe all every each one two three four five six seven eight nine ten "
    "however yeah yep nope regardless indeed today tonight tomorrow yesterday still besides "
    "anyway meanwhile instead otherwise sure right fine alright great good ah uh um hmm huh "
    "wow damn again also once first next last later soon here then though although because "
    "perhaps sometimes honestly seriously look okay whatever meanwhile afterwards".split()
)


def _name_like(word: str, known: set[str]) -> bool:
    """A capitalised word that could be a person's name (not an adverb, not a known word)."""
    low = word.lower()
    if low in _NOT_NAMES or low in known:
        return False
    return not ((low.endswith("ly") and len(low) >= 6) or low.endswith(("ing", "ed", "'s")))


_ZH_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋"
    "蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段"
    "雷钱汤尹黎易常武乔贺赖龚文"
)
_ZH_ACTS = tuple(
    "猛地 一把 走进 走到 走过 推开 推门 冲进 冲出 站在 站起 转身 说道 喊道 大喊 慢慢 坐在 坐下 "
    "拿起 看着 盯着 抓住 举起 扔下 拉住 低头 抬头 点头 摇头 冷笑 哭着 笑着 跪在 跑向 跑进".split()
)
_ZH_NAME = re.compile(
    rf"(?:^|(?<=[。！？；，\n]))((?:老|小)?[{_ZH_SURNAMES}][\u4e00-\u9fff]{{1,2}})"
)


def _forms_pattern(forms: list[str]) -> str:
    return "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))


def _vocative(text: str, form: str) -> bool:
    """Whether a line calls to `form`: at its start before a comma or mark, or at its end."""
    f = re.escape(form)
    if CJK_RE.search(form):
        return re.search(rf"(?:^|[。！？，])\s*{f}\s*[，！？。…]", text) is not None
    start = rf"(?:^|[.!?]\s+)(?:Oh,?\s+|Hey,?\s+)?{f}\s*[,!?]"
    end = rf",\s*{f}\s*[.!?…]*\s*$"
    middle = rf",\s*{f}\s*[,!?]"
    return any(re.search(p, text) for p in (start, end, middle))


def check_addressed(story: StoryView, names: Names) -> list[Issue]:
    """A line calls to a character who is not in the scene (absent_actor), or who is dead."""
    out: list[Issue] = []
    for sp in planned(story, names):
        present = {names.ident(p) for p in sp.scene.ledger.present}
        flagged: set[str] = set()
        for line in sp.scene.lines:
            if _offscreen(line.speaker, line.parenthetical):
                continue
            speaker = names.ident(line.speaker)
            for who in names.full:
                if who in flagged or who == speaker:
                    continue
                here = who in present and who not in sp.dead_before
                if here or not any(_vocative(line.text, f) for f in names.forms(who)):
                    continue
                flagged.add(who)
                why = "died earlier" if who in sp.dead_before else f"is not in {sp.sid}"
                fix = (
                    f"{line.speaker} calls to {who}, who {why}: address someone present "
                    f"({', '.join(sp.scene.ledger.present)}) or make it a phone call."
                )
                out.append(issue(sp.sid, "absent_actor", "high", line.text, fix))
    return out


def _death_claims(text: str, forms: list[str]) -> re.Match[str] | None:
    alt = _forms_pattern(forms)
    patterns = _DEATH_ZH if CJK_RE.search(alt) else _DEATH_EN
    for pattern in patterns:
        m = re.search(pattern.format(n=alt), text, re.IGNORECASE)
        if m:
            return m
    return None


def check_status_words(story: StoryView, names: Names) -> list[Issue]:
    """The words say a character is dead or mourned while the plan keeps them alive."""
    out: list[Issue] = []
    for sp in planned(story, names):
        dying_here = {names.ident(n) for n in (sp.beat.dies if sp.beat else [])}
        dying_here |= {
            names.ident(c.name) for c in sp.scene.ledger.characters if c.status == "dead"
        }
        texts = [line.text for line in sp.scene.lines] + [sp.scene.action]
        for who in names.full:
            if who in sp.dead_before or who in dying_here:
                continue
            for text in texts:
                m = _death_claims(text, names.forms(who))
                if m is None:
                    continue
                evidence = (
                    text
                    if text is not sp.scene.action
                    else sentence_around(text, m.start(), m.end())
                )
                fix = (
                    f"Per the plan {who} is alive here (and later): cut the words that say "
                    "they are dead, or change the plan before writing the death."
                )
                out.append(issue(sp.sid, "status_contradiction", "high", evidence, fix))
                break
    return out


def _known_words(story: StoryView, names: Names) -> set[str]:
    words = {w.lower() for n in names.full for f in names.forms(n) for w in f.split()}
    for loc in story.bible.locations:
        words |= {w.lower() for w in re.findall(r"[A-Za-z']+", loc.name)}
    return words


def _stranger_en(text: str, known: set[str], in_action: bool) -> str | None:
    """A capitalised name that is no bible character: a vocative, or mid-sentence in action."""
    for m in re.finditer(r"(?:^|[.!?]\s+)([A-Z][a-z]+)\s*[,!]\s", text):
        rest = re.match(r"[^.!?]*[.!?]?", text[m.end() :])
        sentence = rest.group(0) if rest else ""
        spoken_to = "!" in sentence or "?" in sentence or re.search(r"\byou(r)?\b", sentence, re.I)
        if spoken_to and _name_like(m.group(1), known):
            return m.group(1)
    end = re.search(r",\s*([A-Z][a-z]+)\s*[.!?]*\s*$", text)
    if end and _name_like(end.group(1), known):
        return end.group(1)
    if not in_action:
        return None
    verb = r"(?= (?:[a-z]+ly )?[a-z]{2,}s\b(?<!ss)(?<!us)(?<!is))"
    for m in re.finditer(rf"(?<=[a-z,;] )([A-Z][a-z]+(?: [A-Z][a-z]+)?){verb}", text):
        before = text[: m.start()].split()[-1:]
        article = before and before[0].lower() in ("the", "a", "an", "of", "to", "in", "on", "at")
        if not article and _name_like(m.group(1).split()[0], known):
            return m.group(1)
    for m in re.finditer(rf"(?:^|[.!?]\s+)([A-Z][a-z]+ [A-Z][a-z]+){verb}", text):
        first, last = m.group(1).split()
        if _name_like(first, known) and _name_like(last, known):
            return m.group(1)
    return None


def _stranger_zh(text: str, names: Names, in_action: bool) -> str | None:
    """A surname-led name opening a sentence: called to (王强，) or acting (王强猛地推门)."""
    known = {f for n in names.full for f in names.forms(n)}
    kin = set(relation_words("zh"))
    for m in _ZH_NAME.finditer(text):
        start = m.start(1)
        for size in (2, 3):
            name = text[start : start + size + (1 if text[start] in "老小" else 0)]
            after = text[start + len(name) : start + len(name) + 2]
            if any(name.startswith(k) or k.startswith(name) for k in known) or name in kin:
                break
            if name[-1] == name[-2]:  # 高高, 慢慢: a doubled word, not a name
                break
            calls = not in_action and after[:1] in ("，", "！")
            if calls or (in_action and after.startswith(_ZH_ACTS)):
                return name
    return None


def check_names_in_words(story: StoryView, names: Names) -> list[Issue]:
    """A name in the words that is no bible character (extras must stay unnamed: "a nurse")."""
    known = _known_words(story, names)
    out: list[Issue] = []
    for sp in planned(story, names):
        texts = [(line.text, False) for line in sp.scene.lines] + [(sp.scene.action, True)]
        for text, in_action in texts:
            if CJK_RE.search(text):
                name = _stranger_zh(text, names, in_action)
            else:
                name = _stranger_en(text, known, in_action)
            if name is None:
                continue
            fix = (
                f"'{name}' is not in the bible ({', '.join(names.full)}): use a bible "
                "character, or leave the extra unnamed (a nurse, a guard)."
            )
            evidence = sentence_around(text, text.find(name), text.find(name) + len(name))
            out.append(issue(sp.sid, "unknown_name", "medium", evidence or text, fix))
            break
    return out


def _kin_of(story: StoryView, names: Names) -> dict[tuple[str, str], set[str]]:
    """(speaker, other) -> the relation groups `other` has to `speaker`, both directions."""
    kinds = relation_kinds()
    out: dict[tuple[str, str], set[str]] = {}
    for rel in story.bible.relations:
        a, b = names.resolve(rel.a), names.resolve(rel.b)
        if not a or not b or rel.kind not in kinds:
            continue
        out.setdefault((b, a), set()).add(kinds[rel.kind]["group"])
        out.setdefault((a, b), set()).add(kinds[kinds[rel.kind]["inverse"]]["group"])
    return out


_EN_MY = re.compile(
    r"\b(?:you(?:'re| are)|(?P<name>[A-Z][\w'-]*(?: [A-Z][\w'-]*)?) is) my (?P<word>[a-z]+)\b"
)
_EN_VOC = re.compile(
    r"(?:^|[.!?]\s+)(?P<word>[A-Z][a-z]+)\s*[,!]|,\s*(?P<end>[A-Z][a-z]+)\s*[.!?]*\s*$"
)
_ZH_MY = re.compile(
    r"(?:你是|(?P<name>[\u4e00-\u9fff]{2,3})是)我(?:的)?(?P<word>[\u4e00-\u9fff]{1,3})"
)
_ZH_VOC = re.compile(r"^(?P<word>[\u4e00-\u9fff]{1,2})[，！]")


def _claims(text: str) -> list[tuple[str | None, str]]:
    """(named person or None for "you"/a vocative, relation kind) stated in a line."""
    out: list[tuple[str | None, str]] = []
    zh = CJK_RE.search(text) is not None
    my_re, voc_re = (_ZH_MY, _ZH_VOC) if zh else (_EN_MY, _EN_VOC)
    for m in my_re.finditer(text):
        word = m.group("word")
        kind = _zh_kind(word) if zh else relation_kind(word)
        if kind:
            out.append((m.group("name"), kind))
    for m in voc_re.finditer(text):
        word = m.group("word") or (m.groupdict().get("end") or "")
        kind = (_zh_kind(word) if zh else relation_kind(word)) if word else None
        if kind and relation_kinds()[kind]["family"]:
            out.append(("@vocative", kind))
    return out


def _zh_kind(word: str) -> str | None:
    for form, kind in relation_words("zh").items():
        if word.startswith(form) and len(word) - len(form) <= 1:
            return kind
    return None


def check_relation_words(story: StoryView, names: Names) -> list[Issue]:
    """A line states a family tie ("my brother", "妈，") that the bible's relations deny."""
    if not story.bible.relations:
        return []
    kin = _kin_of(story, names)
    groups = {k: v["group"] for k, v in relation_kinds().items()}
    out: list[Issue] = []
    for sp in planned(story, names):
        present = [names.ident(p) for p in sp.scene.ledger.present]
        for line in sp.scene.lines:
            speaker = names.resolve(line.speaker)
            if speaker is None:
                continue
            others = [p for p in present if p != speaker]
            for named, kind in _claims(line.text):
                group = groups[kind]
                if named == "@vocative":  # "Mom," -- somebody in the bible must be that to them
                    holders = [o for o in names.full if group in kin.get((speaker, o), set())]
                    if holders:
                        continue
                    target = "anyone in the bible"
                else:
                    other = (
                        names.resolve(named) if named else (others[0] if len(others) == 1 else None)
                    )
                    if other is None or group in kin.get((speaker, other), set()):
                        continue
                    if not relation_kinds()[kind]["family"] and not kin.get((speaker, other)):
                        continue
                    target = other
                fix = (
                    f"The bible does not make {target} {speaker}'s {kind}: "
                    "change the words to the bible's relation (or the bible)."
                )
                out.append(issue(sp.sid, "relation_mismatch", "medium", line.text, fix))
                break
    return out
