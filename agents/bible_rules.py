"""The bible's relations and ages, repaired in code so they fit each other and the premise.

A small model made "the young fisherman" 30 and his mother 40. Relations are named
in the bible ("Mei is Lin Hai's mother"), normalised to a fixed set of kinds, made to
agree with the characters' genders, and ages are moved into the range each relation
and the premise's words ("young", "old", 年轻, 年迈) allow.
"""

from __future__ import annotations

import re

from .checks.text import Names
from .craft import age_gap, relation_kind, relation_kinds
from .schemas import Bible, Character, Relation

YOUNG = re.compile(
    r"\b(young|teen|teenage|teenager|boy|girl|kid|student)\b|年轻|少年|少女|小伙|女孩|男孩"
)
OLD = re.compile(
    r"\b(old|elderly|aging|ageing|aged|retired|grandmother|grandfather)\b|年迈|老人|老太|老汉|老头"
)
YOUNG_AGES, OLD_AGES = (17, 26), (60, 85)


def lead(bible: Bible) -> Character:
    """The protagonist: the character whose role says so, else the first."""
    for c in bible.characters:
        if re.search(r"protagonist|hero|lead|主角|主人公", c.role, re.IGNORECASE):
            return c
    return bible.characters[0]


def _gendered(kind: str, gender: str) -> str:
    """The kind of the same group that fits a gender: a male 'mother' is a father."""
    kinds = relation_kinds()
    spec = kinds[kind]
    if not spec["gender"] or gender not in ("male", "female") or spec["gender"] == gender:
        return kind
    for other, s in kinds.items():
        if s["group"] == spec["group"] and s["gender"] == gender:
            return other
    return kind


def _premise_ages(premise: str) -> tuple[int, int] | None:
    text = premise.lower()
    young, old = YOUNG.search(text), OLD.search(text)
    if young and (not old or young.start() < old.start()):
        return YOUNG_AGES
    if old:
        return OLD_AGES
    return None


def repair_bible(bible: Bible, premise: str) -> tuple[Bible, list[str]]:
    """Relations normalised and ages fitted; returns the bible and a note per repair."""
    names = Names(bible)
    by_name = {c.name: c for c in bible.characters}
    notes: list[str] = []
    relations: list[Relation] = []
    seen: set[tuple[str, str]] = set()
    for rel in bible.relations:
        a, b = names.resolve(rel.a), names.resolve(rel.b)
        kind = relation_kind(rel.kind)
        if not a or not b or a == b or kind is None or (a, b) in seen:
            notes.append(f"dropped relation {rel.a} {rel.kind} {rel.b}")
            continue
        fitted = _gendered(kind, by_name[a].gender)
        if fitted != kind:
            notes.append(f"{a} is {by_name[a].gender}: {kind} of {b} becomes {fitted}")
        seen.add((a, b))
        relations.append(Relation(a=a, kind=fitted, b=b))
    hero = lead(bible)
    relations += roles_as_relations(bible, hero, relations, notes)
    fixed = {hero.name}
    ages = _premise_ages(premise)
    if ages and not ages[0] <= hero.age <= ages[1]:
        new = max(ages[0], min(ages[1], hero.age)) if hero.age > 0 else ages[0]
        notes.append(f"the premise makes {hero.name} {ages[0]}-{ages[1]}: age {hero.age} -> {new}")
        hero.age = new
    for _ in range(2):  # twice, so a chain (grandmother -> mother -> son) settles
        for rel in relations:
            gap = age_gap(rel.kind)
            if gap is None:
                continue
            elder, other = by_name[rel.a], by_name[rel.b]
            diff = elder.age - other.age
            if gap[0] <= diff <= gap[1]:
                continue
            target = _target_gap(gap, diff)
            if elder.name in fixed and other.name not in fixed:
                old_age, other.age = other.age, max(1, elder.age - target)
                notes.append(
                    f"{other.name} ({rel.a} is their {rel.kind}): age {old_age} -> {other.age}"
                )
                fixed.add(other.name)
            else:
                old_age, elder.age = elder.age, max(1, other.age + target)
                notes.append(
                    f"{elder.name} is {other.name}'s {rel.kind}: age {old_age} -> {elder.age}"
                )
                fixed.add(elder.name)
    bible.relations = relations
    return bible, notes


def roles_as_relations(
    bible: Bible, hero: Character, relations: list[Relation], notes: list[str]
) -> list[Relation]:
    """A role that is a kin word ("mother", 母亲) with no relation given: kin of the lead.

    Small models often leave `relations` empty but write the role; the role is the fact.
    """
    related = {r.a for r in relations} | {r.b for r in relations}
    added = []
    for c in bible.characters:
        if c.name == hero.name or c.name in related:
            continue
        words = re.findall(r"[a-z]+|[\u4e00-\u9fff]+", c.role.lower())
        kind = next((k for w in words if (k := relation_kind(w))), None)
        if kind and relation_kinds()[kind]["family"]:
            kind = _gendered(kind, c.gender)
            notes.append(f"{c.name}'s role '{c.role}': {c.name} is {hero.name}'s {kind}")
            added.append(Relation(a=c.name, kind=kind, b=hero.name))
    return added


def _target_gap(gap: tuple[int, int], diff: int) -> int:
    """A typical age gap inside the allowed range, near the side the model erred on."""
    lo, hi = gap
    if lo < 0 < hi:  # siblings, spouses: just bring them into range
        return max(lo, min(hi, diff))
    if lo > 0:  # a parent: about 26 years older, or a little under the maximum
        return lo + 10 if diff < lo else hi - 5
    return hi - 10 if diff > hi else lo + 5  # a child


def relations_brief(bible: Bible) -> str:
    """One line for a prompt: "Mei is Lin Hai's mother; Rook is Kai's creditor"."""
    return "; ".join(f"{r.a} is {r.b}'s {r.kind}" for r in bible.relations) or "(none given)"
