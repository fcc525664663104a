"""Shot-list invariants the director enforces whatever the model proposed."""

from __future__ import annotations

from fake_story import scene

from reelwright.agents.director import coverage_plan, coverage_problems, enforce
from reelwright.agents.schemas import Scene, Shot, ShotList


def shot(lines: list[int], duration: float = 3.0, who: str = "Lin Hai") -> Shot:
    return Shot(
        size="MS",
        angle="eye level",
        move="static",
        lens_mm=500,
        duration=duration,
        characters=[
            {"name": who, "position": "center"},  # type: ignore[list-item]
            {"name": "Stranger", "position": "left"},
        ],  # type: ignore[list-item]
        description="x",
        performance="x",
        emotion="x",
        lines=lines,
    )


def test_every_line_covered_exactly_once_in_order() -> None:
    sc = Scene.model_validate(scene("en", 1, 1))
    proposed = ShotList(shots=[shot([2, 1]), shot([2]), shot([]), shot([9])])
    assert coverage_problems(proposed, 4)
    fixed = enforce(proposed, sc, budget=15.0, lang="en")
    covered = [n for s in fixed.shots for n in s.lines]
    assert sorted(covered) == [1, 2, 3, 4] and len(covered) == 4
    firsts = [min(s.lines) for s in fixed.shots if s.lines]
    assert firsts == sorted(firsts), "shots follow the dialogue"
    assert all(14 <= s.lens_mm <= 135 for s in fixed.shots)
    names = {c.name for s in fixed.shots for c in s.characters}
    assert "Stranger" not in names, "nobody outside the scene is on screen"


def test_durations_fit_the_budget_and_cover_speech() -> None:
    sc = Scene.model_validate(scene("en", 1, 2))
    fixed = enforce(
        ShotList(shots=[shot([1]), shot([2]), shot([3]), shot([4])]), sc, budget=14.0, lang="en"
    )
    total = sum(s.duration for s in fixed.shots)
    assert abs(total - 14.0) <= 1.4
    assert all(1.5 <= s.duration <= 6.0 for s in fixed.shots)


def test_fallback_coverage_is_a_real_shot_list() -> None:
    sc = Scene.model_validate(scene("zh", 1, 3))
    plan = coverage_plan(sc)
    assert plan.shots[0].size == "WS" and not plan.shots[0].lines
    assert not coverage_problems(plan, len(sc.lines))
    assert len({s.size for s in plan.shots}) >= 3, "not one size repeated: no slideshow"
