"""The clean English fixture series, 'Salt and Thunder' (see fixtures_story)."""

from __future__ import annotations

from reelwright.agents.schemas import StoryView

from .fixtures_build import beat, character, line, scene, state, with_plan


def clean_story_en() -> StoryView:
    """English: 'Salt and Thunder', 2 episodes x 3 scenes."""
    kai, lena, rook = "Kai Moana", "Lena Moana", "Rook Varga"
    debt, sick, survived = "the debt is due in three days", "Lena is sick", "Kai survived the storm"
    paid, deadline, storm = (
        "Kai paid the debt",
        "Rook's three-day deadline",
        "the storm warning on the radio",
    )
    harbor, house, sea = "Harbor", "Moana House", "Open Sea"
    bible = {
        "title": "Salt and Thunder",
        "logline": "A young fisherman sails into a storm to pay his sick mother's debt.",
        "genre": "family drama",
        "tone": "raw, salty, hopeful",
        "arc": "Kai grows from a proud, reckless son into the man who saves his mother's house.",
        "characters": [
            character(
                kai,
                22,
                "male",
                "protagonist",
                "save the family house",
                "reckless pride",
                "he gambled away the boat insurance",
                "sunburnt face, black curls, yellow oilskin",
                "short, stubborn sentences",
            ),
            character(
                lena,
                51,
                "female",
                "mother",
                "keep her son safe",
                "hides her pain",
                "she signed the debt",
                "grey braid, blue shawl, tired eyes",
                "soft and teasing",
            ),
            character(
                rook,
                45,
                "male",
                "creditor",
                "own the harbor lots",
                "greed",
                "he sabotaged Kai's father's boat",
                "slicked hair, camel coat, gold ring",
                "smooth, polite menace",
            ),
        ],
        "relations": [
            {"a": lena, "kind": "mother", "b": kai},
            {"a": rook, "kind": "creditor", "b": kai},
        ],
        "locations": [
            {"name": harbor, "look": "wet planks, rusty cranes, grey light"},
            {"name": house, "look": "small kitchen, blue tiles, steam"},
            {"name": sea, "look": "black waves, white foam, lightning"},
        ],
    }
    ep1_scenes = {
        "scene:1.1": scene(
            (harbor, False, "DAWN", 1, 5),
            "Gulls scream over the harbor. Kai hauls a torn fishing net onto the dock. "
            "Rook steps out of a black car, twisting his gold ring.",
            [
                line("Rook", "Three days, Kai. Three days, or the house is mine.", "contempt"),
                line("Kai", "You'll get your money. Now get off my dock.", "angry"),
                line(
                    "Rook",
                    "Your father said the same thing, right before the sea took him.",
                    "contempt",
                ),
                line("Kai", "Don't you dare talk about him.", "angry"),
            ],
            [
                state(
                    kai,
                    ("angry", -0.6, 0.7),
                    knows=[debt],
                    learns=[debt],
                    holds=["fishing net"],
                    wants="pay the debt",
                ),
                state(
                    rook, ("smug", 0.4, 0.3), knows=[debt], holds=["gold ring"], wants="the house"
                ),
            ],
            cause="Rook arrives at dawn to demand the debt.",
            props_used=["fishing net", "gold ring"],
            setups_opened=[deadline],
        ),
        "scene:1.2": scene(
            (house, True, "DAY", 1, 12),
            "Steam rises from a pot of fish soup. "
            "Lena hides a bloodied handkerchief in her sleeve. "
            "Kai slams his cap on the table and sees the red stain.",
            [
                line("Lena", "Sit down, my boy. The soup is hot.", "tender"),
                line(
                    "Kai",
                    "Mom, you're coughing blood. How long have you been hiding this?",
                    "afraid",
                ),
                line("Lena", "Only since spring. The doctor says it can be treated.", "hopeful"),
                line(
                    "Kai", "The radio says a storm is coming. Nobody will sail tomorrow.", "worried"
                ),
                line("Lena", "Then nobody will catch the big tuna. Nobody but a fool.", "teasing"),
            ],
            [
                state(
                    kai, ("afraid", -0.7, 0.8), knows=[debt, sick], learns=[sick], wants="save her"
                ),
                state(
                    lena,
                    ("tender", 0.3, 0.5),
                    knows=[sick, debt],
                    holds=["bloodied handkerchief"],
                    wants="keep Kai ashore",
                ),
            ],
            cause="Kai finds the bloodied handkerchief.",
            props_used=["bloodied handkerchief"],
            setups_opened=[storm],
        ),
        "scene:1.3": scene(
            (harbor, False, "NIGHT", 1, 21),
            "Rain lashes the empty harbor. Kai unties his boat with shaking hands. "
            "Rook watches from under a black umbrella.",
            [
                line("Rook", "Sailing tonight? The sea will save me the paperwork.", "amused"),
                line(
                    "Kai",
                    "If I come back with the tuna, you get paid and you leave us alone.",
                    "determined",
                ),
                line("Rook", "And if you don't come back, the house is mine anyway.", "contempt"),
                line("Kai", "Then start praying, Rook. Because I'm coming back.", "determined"),
            ],
            [
                state(
                    kai,
                    ("determined", -0.2, 0.9),
                    knows=[debt, sick],
                    holds=["boat key"],
                    wants="catch the tuna",
                ),
                state(
                    rook, ("amused", 0.5, 0.3), knows=[debt], holds=["gold ring", "black umbrella"]
                ),
            ],
            props_used=["boat key", "black umbrella"],
        ),
    }
    ep2_scenes = {
        "scene:2.1": scene(
            (sea, False, "NIGHT", 2, 2),
            "Black waves tower over the little boat. Kai grips the wheel as the radio crackles. "
            "A huge tuna thrashes in the net.",
            [
                line("Kai", "Hold together, old girl! Just one more wave!", "desperate"),
                line("Kai", "I've got you! I've got the big one!", "joyful"),
                line("Kai", "Hang on, Mom. I'm coming home.", "hopeful"),
            ],
            [
                state(
                    kai,
                    ("joyful", 0.6, 0.9),
                    knows=[debt, sick],
                    holds=["boat key", "radio", "giant tuna"],
                    wants="get home alive",
                ),
            ],
            cause="Kai hooks the giant tuna in the heart of the storm.",
            props_used=["radio", "giant tuna"],
            setups_paid=[storm],
        ),
        "scene:2.2": scene(
            (harbor, False, "DAWN", 2, 6),
            "Dawn breaks over the harbor. Kai drags the giant tuna onto the dock. Lena hurries "
            "down the pier in her blue shawl. Rook counts the cash with a thin smile.",
            [
                line("Lena", "Kai! Oh, thank God, you're alive!", "relieved"),
                line(
                    "Kai", "The buyers paid double for the tuna. Here is every cent, Rook.", "proud"
                ),
                line("Rook", "Every cent. How disappointing.", "bitter"),
                line("Kai", "Now leave my dock, and never come near my mother again.", "angry"),
            ],
            [
                state(
                    kai, ("proud", 0.7, 0.8), knows=[debt, sick], holds=["boat key"], wants="rest"
                ),
                state(lena, ("relieved", 0.8, 0.9), knows=[sick, survived], learns=[survived]),
                state(
                    rook,
                    ("bitter", -0.5, 0.6),
                    knows=[debt, paid],
                    learns=[paid],
                    holds=["gold ring", "envelope of cash"],
                ),
            ],
            cause="Kai comes back alive and pays the debt in full.",
            props_used=["giant tuna", "envelope of cash"],
            setups_paid=[deadline],
        ),
        "scene:2.3": scene(
            (house, True, "DAY", 2, 13),
            "Sunlight fills the little kitchen. Lena pours two bowls of soup. "
            "Kai sets a new bottle of medicine beside her bowl.",
            [
                line("Kai", "The doctor says you start the treatment tomorrow.", "calm"),
                line("Lena", "Thank you, my brave boy. Come here.", "tender"),
                line("Kai", "I'm home now, Mom. And the house is ours.", "happy"),
                line("Lena", "Then eat your soup while it's warm.", "tender"),
            ],
            [
                state(kai, ("happy", 0.8, 0.5), knows=[debt, sick], holds=["medicine bottle"]),
                state(lena, ("tender", 0.7, 0.5), knows=[sick, survived]),
            ],
            props_used=["medicine bottle"],
        ),
    }
    outline1 = {
        "title": "The Debt",
        "hook": "Rook's gold ring taps Kai's boat: three days, or the house is his.",
        "cliffhanger": "Kai pushes his boat into the black storm as the harbor lights vanish.",
        "scenes": [
            beat(
                harbor,
                False,
                "DAWN",
                [kai, rook],
                "Rook gives Kai three days to pay his father's debt.",
                "Kai swears he will pay.",
                ("anger", -0.6),
            ),
            beat(
                house,
                True,
                "DAY",
                [kai, lena],
                "Kai finds out his mother is coughing blood.",
                "Kai decides to fish in the storm.",
                ("fear", -0.6),
            ),
            beat(
                harbor,
                False,
                "NIGHT",
                [kai, rook],
                "Kai sails into the storm while Rook mocks him.",
                "There is no way back.",
                ("dread", -0.4),
            ),
        ],
    }
    outline2 = {
        "title": "The Storm",
        "hook": "A wave the size of a house rises over Kai's tiny boat.",
        "cliffhanger": "A black car stops outside the Moana House, and Rook is smiling.",
        "scenes": [
            beat(
                sea,
                False,
                "NIGHT",
                [kai],
                "Alone in the storm, Kai lands a giant tuna.",
                "He can pay.",
                ("awe", 0.4),
            ),
            beat(
                harbor,
                False,
                "DAWN",
                [kai, lena, rook],
                "Kai returns and pays Rook every cent.",
                "The debt is gone.",
                ("triumph", 0.7),
            ),
            beat(
                house,
                True,
                "DAY",
                [kai, lena],
                "Mother and son share soup and new medicine.",
                "The family is safe, for now.",
                ("warmth", 0.8),
            ),
        ],
    }
    return with_plan(
        StoryView.model_validate(
            {
                "lang": "en",
                "bible": bible,
                "episodes": [
                    {"number": 1, "outline": outline1, "scenes": ep1_scenes},
                    {"number": 2, "outline": outline2, "scenes": ep2_scenes},
                ],
            }
        )
    )
