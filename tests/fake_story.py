"""A coherent scripted story for end-to-end tests: every reply the agents ask for.

Replies are keyed "Schema@node" so concurrent scenes each get their own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from reelwright.agents.season import part_ranges, wants_season

EN_CAST = [
    {
        "name": "Lin Hai",
        "age": 19,
        "gender": "male",
        "role": "protagonist",
        "want": "to save his mother",
        "flaw": "reckless pride",
        "secret": "he sold the family net",
        "look": "lean young fisherman, short black hair, yellow raincoat, rope burn on left hand",
        "voice": "short blunt sentences",
    },
    {
        "name": "Mei",
        "age": 47,
        "gender": "female",
        "role": "mother",
        "want": "to keep her son ashore",
        "flaw": "hides her illness",
        "secret": "she is sick",
        "look": "weathered face, grey bun, blue cotton jacket, jade bracelet",
        "voice": "soft, teasing, proverbs",
    },
]
ZH_CAST = [
    {
        "name": "林海",
        "age": 19,
        "gender": "male",
        "role": "主角",
        "want": "救母亲",
        "flaw": "逞强",
        "secret": "他卖掉了家里的渔网",
        "look": "瘦削的年轻渔夫，黑色短发，黄色雨衣",
        "voice": "说话简短直接",
    },
    {
        "name": "梅姨",
        "age": 47,
        "gender": "female",
        "role": "母亲",
        "want": "让儿子留在岸上",
        "flaw": "隐瞒病情",
        "secret": "她病了",
        "look": "饱经风霜的脸，灰色发髻，蓝色棉袄",
        "voice": "温柔，爱说俗语",
    },
]
EN_SCENES = [
    (
        "The storm is coming and I am going out anyway.",
        "Please stay, my son. The sea took your father.",
        "I will bring back the medicine money, I promise.",
        "You always were the stubborn one.",
    ),
    (
        "Where did you hide the pills, Mother?",
        "They are only herbs for my old knees.",
        "Herbs do not cost a month of fish.",
        "Do not count my coins, boy.",
    ),
    (
        "The harbour master closed the pier at noon.",
        "Then the boats stay tied, and so do you.",
        "Old Chen is taking his trawler out at dusk.",
        "Chen is a fool with a bigger boat.",
    ),
    (
        "I sold the net to pay the doctor.",
        "You sold your father's net?",
        "It was that or watch you cough blood.",
        "Then we both kept a secret.",
    ),
    (
        "The radio says the wind will turn by midnight.",
        "Wind turns, men drown, mothers wait.",
        "Not this time. I checked the engine twice.",
        "Take the jade bracelet. It will bring luck.",
    ),
    (
        "I can see the lighthouse from here.",
        "Come home before the tide, my brave son.",
        "Mother, the engine just died.",
        "Lin Hai? Answer me, Lin Hai!",
    ),
]
EN_SCENES += [
    (
        "The coast guard found Chen's trawler drifting.",
        "Was anyone on board?",
        "Only his hat, caught on the winch.",
        "Then the sea is hungry this year.",
    ),
    (
        "I rowed to the rocks to wait for the tide.",
        "Your shirt is soaked through.",
        "The lighthouse keeper lent me a flare.",
        "Keep it dry under your coat.",
    ),
    (
        "The doctor wants the money by Friday.",
        "Friday is three tides away.",
        "I know a cove where the mackerel run.",
        "Your father knew that cove too.",
    ),
    (
        "Mother, why is your bracelet on the table?",
        "I meant to pawn it this morning.",
        "Put it back on your wrist.",
        "It is only a stone on a string.",
    ),
    (
        "The engine turns over on the second pull.",
        "Listen to it cough like old Wu.",
        "It will hold until the harbour lights.",
        "Then bring it home slowly.",
    ),
    (
        "A boat is circling the buoy with no lights.",
        "Stay on the radio with me.",
        "I can read the name on its hull.",
        "Say the name, Lin Hai. Say it.",
    ),
]
ZH_SCENES = [
    (
        "风暴要来了，我还是要出海。",
        "求你别去，大海带走了你父亲。",
        "我一定把药钱带回来。",
        "你从小就这么倔。",
    ),
    (
        "妈，你把药藏在哪儿了？",
        "那只是治膝盖的草药。",
        "草药可不值一个月的鱼钱。",
        "别数我的钱，孩子。",
    ),
    (
        "港务长中午就封了码头。",
        "那船就拴着，你也一样。",
        "陈伯黄昏要开拖网船出去。",
        "陈伯是个有大船的傻子。",
    ),
    (
        "我把渔网卖了给医生付钱。",
        "你卖了你爸的渔网？",
        "不卖就只能看着你咳血。",
        "那我们都藏了秘密。",
    ),
    (
        "收音机说半夜风会转向。",
        "风转了，人淹了，娘在等。",
        "这次不会，我检查了两遍发动机。",
        "带上这只玉镯，保平安。",
    ),
    (
        "我在这儿能看见灯塔了。",
        "涨潮前回家，我勇敢的儿子。",
        "妈，发动机熄火了。",
        "林海？回答我，林海！",
    ),
]
EMOTIONS = [
    "determined",
    "worried",
    "suspicious",
    "evasive",
    "frustrated",
    "firm",
    "hopeful",
    "dismissive",
    "ashamed",
    "shocked",
    "desperate",
    "resigned",
    "hopeful",
    "afraid",
    "confident",
    "tender",
    "relieved",
    "loving",
    "afraid",
    "afraid",
]
ZH_EMOTIONS = [
    "坚定",
    "担心",
    "怀疑",
    "回避",
    "沮丧",
    "坚决",
    "希望",
    "不屑",
    "羞愧",
    "震惊",
    "绝望",
    "无奈",
    "希望",
    "害怕",
    "自信",
    "温柔",
    "欣慰",
    "慈爱",
    "害怕",
    "害怕",
]
EN_ACTIONS = [
    "Wind rattles the shutters while {a} packs his gear by lamp light.",
    "{b} hides a paper packet under the rice jar as {a} walks in.",
    "Rain hammers the pier; a chain is padlocked across the boat ramp.",
    "{a} empties his pockets onto the table: a receipt and a few coins.",
    "{a} tunes the old radio; static crackles between weather reports.",
    "Night. Black waves lift the small boat; the lighthouse blinks far away.",
]
ZH_ACTIONS = [
    "海风拍打着窗板，{a}借着灯光收拾渔具。",
    "{b}把一包纸药藏到米缸下面，{a}推门进来。",
    "暴雨砸在码头上，一条铁链锁住了下水坡道。",
    "{a}把口袋里的东西倒在桌上：一张收据和几枚硬币。",
    "{a}调着旧收音机，天气预报之间夹着杂音。",
    "夜里，黑浪托起小船，远处的灯塔一明一灭。",
]
BEATS_EN = [
    "He decides to sail despite the warning.",
    "He finds out she is hiding medicine.",
    "The pier is closed and he looks for another boat.",
    "He confesses he sold the net.",
    "They hear the storm forecast and say goodbye.",
    "At sea, the engine fails.",
]
EN_ACTIONS += [
    "A coast guard cutter tows a listing trawler past the pier.",
    "{a} crouches on black rocks as the tide climbs toward his boots.",
    "{b} counts coins into a tin while {a} sharpens a gutting knife.",
    "{b}'s jade bracelet lies beside a pawn ticket on the table.",
    "{a} yanks the starter cord; the outboard coughs blue smoke.",
    "A dark boat circles the harbour buoy without running lights.",
]
BEATS_EN += [
    "They learn Chen's boat came back empty.",
    "He waits out the tide on the rocks.",
    "The doctor sets a deadline.",
    "He finds her bracelet ready for the pawn shop.",
    "The engine starts at last.",
    "A dark boat appears at the buoy.",
]
BEATS_ZH = [
    "他不顾警告决定出海。",
    "他发现母亲在藏药。",
    "码头封了，他另找船。",
    "他承认卖掉了渔网。",
    "他们听到风暴预报后道别。",
    "海上发动机熄火了。",
]


# Long series (English): past the handwritten scenes, lines, actions and beats are built
# from five word lists of prime lengths, indexed by a running number. Two texts agree in a
# slot only when their numbers differ by a multiple of its length, so any two of the
# first 7,429 agree in at most two of five slots: distinct enough for the repeat check.
_SLOTS = (
    [
        "mend",
        "haul",
        "count",
        "tie",
        "scrub",
        "paint",
        "carry",
        "check",
        "weigh",
        "hide",
        "fold",
        "lift",
        "drag",
        "patch",
        "sort",
        "coil",
        "guard",
    ],
    [
        "the torn sail",
        "a crate of crabs",
        "the rusty anchor",
        "the spare oars",
        "a bucket of bait",
        "the cracked lantern",
        "a coil of rope",
        "the leaking hull",
        "a basket of clams",
        "the spare propeller",
        "a jar of salt",
        "the dented kettle",
        "a tin of paint",
        "the old ledger",
        "a sack of rice",
        "the winch handle",
        "the bilge pump",
        "a pair of boots",
        "the tide chart",
    ],
    [
        "by the slipway",
        "near the ice house",
        "behind the tackle shed",
        "on the sea wall",
        "beside the fuel pump",
        "under the pier",
        "at the fish market",
        "by the boat yard",
        "near the breakwater",
        "inside the tackle shop",
        "by the chapel steps",
        "on the jetty",
        "near the salt pans",
        "behind the cannery",
        "at the ferry ramp",
        "by the mussel beds",
        "under the crane",
        "near the dry dock",
        "beside the lobster pots",
        "on the shingle",
        "by the signal mast",
        "near the rope walk",
        "at the old quay",
    ],
    [
        "so the gulls stay away",
        "because the harbour fee is due",
        "for the widow next door",
        "while the kettle boils",
        "as the wind picks up",
        "so the cousins can help",
        "because the buyer is waiting",
        "as the ferry horn sounds",
        "for the spring market",
        "while the dogs bark",
        "so the paint can dry",
        "because the crane is free",
        "as the gulls circle",
        "for the school repairs",
        "while the tide is out",
        "so nobody trips",
        "because the mayor asked",
        "as the rain eases",
        "for the festival boats",
        "while the radio hums",
        "so the rust stops",
        "because the hull must float",
        "as the bells ring",
        "for the new apprentice",
        "while the crabs sleep",
        "so the ledger balances",
        "because the gulls stole one",
        "as the clouds break",
        "for luck",
    ],
    [
        "quietly",
        "with steady hands",
        "without a word",
        "humming an old song",
        "with both arms",
        "slowly",
        "in a hurry",
        "with great care",
        "stubbornly",
        "with a grin",
        "carefully",
        "with clenched teeth",
        "half asleep",
        "patiently",
        "with the last of the glue",
        "with a borrowed knife",
        "one piece at a time",
        "with wet gloves",
        "in small steps",
        "with a frown",
        "without complaint",
        "with a shrug",
        "like his father did",
        "with cold fingers",
        "very gently",
        "in silence",
        "with a borrowed hammer",
        "before the others",
        "with a sigh",
        "with the old tools",
        "slowly and surely",
    ],
)


def _made_up(n: int) -> tuple[str, str, str, str, str]:
    picked = (words[(n * 7 + k) % len(words)] for k, words in enumerate(_SLOTS))
    verb, thing, place, why, how = picked
    return verb, thing, place, why, how


def _line(n: int) -> str:
    verb, thing, place, why, how = _made_up(n)
    return f"I will {verb} {thing} {place} {how}, {why}."


def _action(n: int, a: str, b: str) -> str:
    verb, thing, place, why, how = _made_up(n + 3000)
    return f"{a} and {b} {verb} {thing} {place} {how}, {why}."


def _beat(n: int) -> str:
    verb, thing, place, why, how = _made_up(n + 6000)
    return f"They {verb} {thing} {place} {how}, {why}."


def _handwritten(episode: int, number: int) -> bool:
    """The 12 handwritten English scenes cover scenes 1-3 of episodes 1-4."""
    return episode <= 4 and number <= 3


def bible(lang: str) -> dict[str, Any]:
    zh = lang == "zh"
    return {
        "title": "怒海归途" if zh else "The Raging Sea",
        "logline": "渔夫之子为救母亲出海搏命。"
        if zh
        else "A fisherman's son braves a storm to save his mother.",
        "genre": "家庭剧" if zh else "family drama",
        "tone": "紧张而温情" if zh else "tense and tender",
        "characters": ZH_CAST if zh else EN_CAST,
        "locations": [
            {"name": "渔村小屋" if zh else "Fishing Hut", "look": "weathered wood, lamp light"},
            {"name": "码头" if zh else "Harbour", "look": "wet stone pier, grey sea"},
        ],
        "arc": "他出海，她隐瞒病情，真相在风暴中揭开。"
        if zh
        else "He goes to sea, she hides her illness, the storm reveals the truth.",
        "relations": [
            {
                "a": (ZH_CAST if zh else EN_CAST)[1]["name"],
                "kind": "mother",
                "b": (ZH_CAST if zh else EN_CAST)[0]["name"],
            }
        ],
    }


def outline(lang: str, episode: int, scenes: int) -> dict[str, Any]:
    """The model's compact outline (OutlineDraft): code turns it into the plan."""
    zh = lang == "zh"
    cast = [c["name"] for c in (ZH_CAST if zh else EN_CAST)]
    hut, harbour = ("渔村小屋", "码头") if zh else ("Fishing Hut", "Harbour")
    tense = "紧张" if zh else "tense"
    beats = []
    for s in range(1, scenes + 1):
        beats.append(
            {
                "location": hut if s % 2 else harbour,
                "interior": bool(s % 2),
                "hour": 21 if s == scenes else 6 + 2 * s,
                "characters": cast,
                "beat": _pick(BEATS_ZH if zh else BEATS_EN, episode, s, 3)
                if zh or _handwritten(episode, s)
                else _beat(episode * 10 + s),
                "turn": "母亲终于让步" if zh else f"the mother gives way in turn {s}",
                "feelings": [{"name": n, "start": tense, "end": tense} for n in cast],
                "reveal": "",
                "gives": [],
                "hurt": [],
                "dies": [],
            }
        )
    return {
        "title": f"第{episode}集" if zh else f"Episode {episode}",
        "hook": "雷声中小船翻覆。" if zh else "A boat capsizes in the thunder.",
        "cliffhanger": "无线电里传来求救声。" if zh else "A mayday crackles on the radio.",
        "scenes": beats,
    }


def mend_replies(lang: str, count: int) -> dict[str, list[Any]]:
    """What the writer says when a scene comes back: a new line, new action, more lines."""
    zh = lang == "zh"
    a, b = (c["name"] for c in (ZH_CAST if zh else EN_CAST)[:2])
    if zh:
        said = [(a, "风浪再大，我也要把你带回家。", "坚定"),
                (b, "那就答应我，天亮前回来。", "害怕"), (a, "我答应你。", "温柔")]  # fmt: skip
        line, action = ("你听，风停了一下。", "紧张"), "雨打在窗上，油灯摇晃。"
    else:
        said = [(a, "Whatever the sea does, I bring you home.", "determined"),
                (b, "Then promise me you are back by dawn.", "afraid"),
                (a, "I promise.", "tender")]  # fmt: skip
        line, action = (
            ("Listen. The wind dropped for a moment.", "tense"),
            "Rain hammers the glass.",
        )
    more = [{"speaker": who, "text": text, "emotion": feel} for who, text, feel in said]
    return {
        "LineFix": [{"text": line[0], "emotion": line[1]}] * count,
        "ActionFix": [{"action": action}] * count,
        "MoreLines": [{"lines": more}] * count,
    }


def season(lang: str, episodes: int) -> dict[str, Any]:
    """The model's season (SeasonDraft): a goal and a turn for each part of the series."""
    zh = lang == "zh"
    parts = []
    for i in range(1, len(part_ranges(episodes)) + 1):
        if zh:
            parts.append({"goal": f"第{i}部分：阿海要保住渔船", "turn": f"第{i}次风暴夺走了渔网"})
        else:
            goal = f"Part {i}: Hai fights to keep the boat"
            parts.append({"goal": goal, "turn": f"Storm {i} takes the nets"})
    return {"parts": parts}


def scene_draft(lang: str, episode: int, number: int) -> dict[str, Any]:
    """The model's reply for a scene (SceneDraft): only the action and the lines."""
    full = scene(lang, episode, number)
    return {
        "action": full["action"],
        "lines": [{k: ln[k] for k in ("speaker", "text", "emotion")} for ln in full["lines"]],
    }


def scene(lang: str, episode: int, number: int) -> dict[str, Any]:
    zh = lang == "zh"
    index = _index(episode, number, 3) % len(ZH_SCENES if zh else EN_SCENES)
    texts = (ZH_SCENES if zh else EN_SCENES)[index]
    emotions = (ZH_EMOTIONS if zh else EMOTIONS)[index * 4 % 20 : index * 4 % 20 + 4]
    cast = [c["name"] for c in (ZH_CAST if zh else EN_CAST)]
    action = (ZH_ACTIONS if zh else EN_ACTIONS)[index].format(a=cast[0], b=cast[1])
    if not zh and not _handwritten(episode, number):
        texts = tuple(_line((episode * 10 + number) * 4 + k) for k in range(4))
        action = _action(episode * 10 + number, cast[0], cast[1])
        emotions = ["determined", "hopeful", "firm", "confident"]  # what these words carry
    lines = [
        (cast_names(zh)[k % 2], text, emotions[k % len(emotions)]) for k, text in enumerate(texts)
    ]
    hut, harbour = ("渔村小屋", "码头") if zh else ("Fishing Hut", "Harbour")
    feels = {"label": "tense", "valence": -0.2, "intensity": 0.5}
    return {
        "interior": bool(number % 2),
        "location": hut if number % 2 else harbour,
        "time_of_day": "DAY",
        "action": action,
        "lines": [
            {"speaker": sp, "parenthetical": "", "text": text, "emotion": emo}
            for sp, text, emo in lines
        ],
        "cause": "风暴逼近" if zh else "the storm closes in",
        "ledger": {
            "present": cast,
            "location": hut if number % 2 else harbour,
            "day": episode,
            "hour": 6 + number,
            "characters": [
                {
                    "name": name,
                    "knows": [],
                    "learns": [],
                    "holds": [],
                    "wants": "",
                    "feels": feels,
                    "status": "alive",
                }
                for name in cast
            ],
            "props_used": [],
            "setups_opened": [],
            "setups_paid": [],
        },
    }


def cast_names(zh: bool) -> list[str]:
    return [c["name"] for c in (ZH_CAST if zh else EN_CAST)]


def _index(episode: int, number: int, scenes: int) -> int:
    return ((episode - 1) * scenes + number - 1) % 12


def _pick(items: list[str], episode: int, number: int, scenes: int) -> str:
    return items[_index(episode, number, scenes) % len(items)]


def shotlist(lang: str, n_lines: int = 4) -> dict[str, Any]:
    zh = lang == "zh"
    a, b = [c["name"] for c in (ZH_CAST if zh else EN_CAST)]
    shots = [
        {
            "size": "WS",
            "angle": "high",
            "move": "push in",
            "lens_mm": 24,
            "duration": 2.5,
            "characters": [{"name": a, "position": "left"}, {"name": b, "position": "right"}],
            "description": "the hut in the storm",
            "performance": "still",
            "emotion": "dread",
            "lines": [],
            "transition": "cut",
        },
    ]
    sizes = ["MCU", "CU", "MS", "ECU"]
    for n in range(1, n_lines + 1):
        who = a if n % 2 else b
        shots.append(
            {
                "size": sizes[n % 4],
                "angle": "eye level",
                "move": "static" if n % 2 else "pan",
                "lens_mm": 50,
                "duration": 3.0,
                "characters": [{"name": who, "position": "center"}],
                "description": f"{who} speaks",
                "performance": "restrained",
                "emotion": "tension",
                "lines": [n],
                "transition": "dissolve" if n == 2 else "cut",
            }
        )
    return {"shots": shots}


def takes(count: int = 8) -> dict[str, Any]:
    """The director's compact reply: a look per laid-out shot (extra entries are dropped)."""
    looks = [
        ["MS", "high", "push in", "the hut shakes in the storm", "braced"],
        ["CU", "eye level", "static", "rain streaks the window behind him", "jaw set"],
        ["MCU", "low", "static", "lamp light on her tired face", "soft, pleading"],
        ["ECU", "eye level", "push in", "his knuckles white on the rope", "holds it in"],
    ]
    return {"shots": [looks[i % len(looks)] for i in range(count)]}


def story_script(
    episodes: int = 1, lang: str = "en", scenes: int = 3, delay_s: float = 0.0, concurrency: int = 4
) -> dict[str, Any]:
    replies: dict[str, list[Any]] = {
        "Bible@series": [bible(lang)],
        # enough for the critique's rounds and one more after a scene the cut sent back
        "CriticReport": [{"issues": []}] * (8 * episodes),
        "PlanVerdict": [{"answer": "no", "quote": "", "fact": ""}] * (4 * scenes * episodes),
        # the same looks for every scene, so keyed by schema alone (no node tag needed)
        "Takes": [takes()] * (2 * episodes * scenes),
        # a scene sent back is mended piece by piece (agents/mend.py): keyed by schema alone
        **mend_replies(lang, 2 * episodes * scenes),
    }
    if wants_season(episodes):
        replies["SeasonDraft@season"] = [season(lang, episodes)]
    for ep in range(1, episodes + 1):
        replies[f"OutlineDraft@episode:{ep}"] = [outline(lang, ep, scenes)]
        for s in range(1, scenes + 1):
            # the second answers a whole-scene rewrite (a scene the cut finds too long)
            replies[f"SceneDraft@scene:{ep}.{s}"] = [scene_draft(lang, ep, s)] * 2
    return {"delay_s": delay_s, "concurrency": concurrency, "replies": replies}


def write_script(path: Path, **kwargs: Any) -> Path:
    path.write_text(json.dumps(story_script(**kwargs), ensure_ascii=False), encoding="utf-8")
    return path


def outline_plan(lang: str, episode: int, scenes: int) -> dict[str, Any]:
    """The stored outline (the plan the writer's code builds from the model's draft)."""
    from reelwright.agents.craft import pick_craft  # noqa: I001
    from reelwright.agents.schemas import Bible, OutlineDraft
    from reelwright.agents.story_plan import build_outline
    from reelwright.agents.writer import nearest_location  # first: it sets the import order

    story_bible = Bible.model_validate(bible(lang))
    draft = OutlineDraft.model_validate(outline(lang, episode, scenes))
    craft = pick_craft(lang, episode, episode, scenes)
    locations = [loc.name for loc in story_bible.locations]
    built, _ = build_outline(draft, story_bible, craft, [], locations, nearest_location)
    return built.model_dump(mode="json")
