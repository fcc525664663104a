"""Screenplay exports: what a writer opening the files in Highland, Final Draft or a PDF viewer
would check. Fountain is read back with screenplain, FDX as XML, PDF with poppler's pdftotext."""

from __future__ import annotations

import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError
from screenplain.types import Action, Dialog, Slug, Transition

from reelwright.tools.screenplay import (
    Script,
    ScriptLine,
    ScriptScene,
    cjk_pdf_font,
    parse_fountain,
    read_fountain_counts,
    to_fountain,
    write_all,
    write_pdf,
)

TRICKY_ACTION = [
    "CUT TO:",
    "THE DOOR BURSTS OPEN.\nWind howls in.",
    "INT. this line is action, not a heading",
    "> not centered <",
    "#1 is not a section",
    "=== not a page break",
    "!Bang. A *star* /* not a boneyard */ stays.",
    ".45 calibre shells on the floor.",
]


def english() -> Script:
    return Script(
        title="The Raging Sea",
        episode=1,
        lang="en",
        scenes=[
            ScriptScene(
                heading="int. fisherman's hut - night",
                action="Rain hammers the roof. ARJUN (20s) mends a net.\n\n"
                + "\n\n".join(TRICKY_ACTION),
                lines=[
                    ScriptLine(
                        speaker="Arjun", parenthetical="quietly", text="The boats are back."
                    ),
                    ScriptLine(speaker="Mother", text="(coughs) Not all of them."),
                ],
            ),
            ScriptScene(
                heading="EXT. HARBOUR - DAWN",
                action="The sea is flat and grey.",
                lines=[
                    ScriptLine(speaker="Arjun", text="I'm going out anyway."),
                    ScriptLine(speaker="Zoë", parenthetical="(shouting)", text="Wait!"),
                ],
            ),
        ],
        transitions=["smash cut to:"],
    )


def chinese() -> Script:
    return Script(
        title="怒海",
        episode=2,
        lang="zh",
        scenes=[
            ScriptScene(
                heading="内景 渔家小屋 - 夜",
                action="暴雨敲打屋顶。阿海（二十岁）在补网，母亲望着窗外翻滚的海浪，一言不发。",
                lines=[
                    ScriptLine(speaker="阿海", parenthetical="低声", text="娘，船都回来了。"),
                    ScriptLine(speaker="母亲", text="不是全部。你爹的船还在海上，已经三天了！"),
                ],
            ),
            ScriptScene(
                heading="外景 码头 - 黎明",
                action="海面平静，灰蒙蒙一片。",
                lines=[ScriptLine(speaker="阿海", text="我还是要出海。")],
            ),
        ],
        transitions=["切至："],
    )


def speakers(script: Script) -> list[str]:
    return [str(p.character) for p in parse_fountain(to_fountain(script)) if isinstance(p, Dialog)]


def test_english_fountain_reads_back_as_two_scenes_and_four_cues(tmp_path: Path) -> None:
    paths = write_all(english(), tmp_path, "episode_01")
    assert read_fountain_counts(paths["fountain"]) == (2, 4)
    assert speakers(english()) == ["ARJUN", "MOTHER", "ARJUN", "ZOË"]
    paragraphs = list(parse_fountain(paths["fountain"].read_text(encoding="utf-8")))
    slugs = [str(p.line) for p in paragraphs if isinstance(p, Slug)]
    assert slugs == ["INT. FISHERMAN'S HUT - NIGHT", "EXT. HARBOUR - DAWN"]
    assert [str(p.line) for p in paragraphs if isinstance(p, Transition)] == ["SMASH CUT TO:"]
    mother = next(p for p in paragraphs if isinstance(p, Dialog) and str(p.character) == "MOTHER")
    assert [(paren, str(text)) for paren, text in mother.blocks] == [
        (True, "(coughs)"),
        (False, "Not all of them."),
    ]


def test_chinese_fountain_forces_cues_and_headings(tmp_path: Path) -> None:
    paths = write_all(chinese(), tmp_path, "episode_02")
    text = paths["fountain"].read_text(encoding="utf-8")
    assert ".内景 渔家小屋 - 夜" in text.splitlines()
    assert "@阿海" in text.splitlines()
    assert read_fountain_counts(paths["fountain"]) == (2, 3)
    assert speakers(chinese()) == ["阿海", "母亲", "阿海"]
    paragraphs = list(parse_fountain(text))
    assert [str(p.line) for p in paragraphs if isinstance(p, Slug)] == [
        "内景 渔家小屋 - 夜",
        "外景 码头 - 黎明",
    ]
    assert [str(p.line) for p in paragraphs if isinstance(p, Transition)] == ["切至："]


def test_action_that_looks_like_other_elements_stays_action() -> None:
    paragraphs = list(parse_fountain(to_fountain(english())))
    actions = [
        "\n".join(str(line) for line in p.lines) for p in paragraphs if isinstance(p, Action)
    ]
    assert actions[1:] == [*TRICKY_ACTION, "The sea is flat and grey."]
    assert not any(isinstance(p, Action) and p.centered for p in paragraphs)
    # Only the real transition and the real headings survive as such.
    assert sum(isinstance(p, Transition) for p in paragraphs) == 1
    assert sum(isinstance(p, Slug) for p in paragraphs) == 2


@pytest.mark.parametrize(("make", "scenes", "cues"), [(english, 2, 4), (chinese, 2, 3)])
def test_fdx_is_xml_with_headings_and_characters(
    make: Callable[[], Script], scenes: int, cues: int, tmp_path: Path
) -> None:
    script = make()
    root = ET.parse(write_all(script, tmp_path, "ep")["fdx"]).getroot()
    kinds = [p.get("Type") for p in root.iter("Paragraph")]
    assert root.tag == "FinalDraft"
    assert kinds.count("Scene Heading") == scenes
    assert kinds.count("Character") == cues
    names = [
        "".join(t.text or "" for t in p.iter("Text")).strip()
        for p in root.iter("Paragraph")
        if p.get("Type") == "Character"
    ]
    assert names == speakers(script)


def pdf_text(path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext not installed (Debian poppler-utils) to read the PDF's text")
    if not cjk_pdf_font().embedded and not Path("/usr/share/poppler/cMap/Adobe-GB1").is_dir():
        pytest.skip("the CID font fallback needs Debian poppler-data for text extraction")
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def test_english_pdf_is_a_pdf_in_courier(tmp_path: Path) -> None:
    pdf = write_all(english(), tmp_path, "ep")["pdf"]
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    assert b"CourierPrime" in data
    assert "SMASH CUT TO:" in pdf_text(pdf)


def test_chinese_pdf_carries_chinese_text(tmp_path: Path) -> None:
    pdf = write_all(chinese(), tmp_path, "ep")["pdf"]
    assert pdf.read_bytes().startswith(b"%PDF")
    text = pdf_text(pdf)
    for words in ("怒海", "内景 渔家小屋 - 夜", "阿海", "娘，船都回来了。", "切至："):
        assert words in text


def test_cjk_names_in_an_english_script_switch_the_pdf_font(tmp_path: Path) -> None:
    script = english().model_copy(
        update={
            "scenes": [
                ScriptScene(
                    heading="INT. CAFE - DAY",
                    lines=[
                        ScriptLine(speaker="林夏", text="Hello, 你好."),
                    ],
                )
            ],
            "transitions": [],
        }
    )
    assert speakers(script) == ["林夏"]
    pdf = write_pdf(script, tmp_path / "mixed.pdf")
    assert "你好" in pdf_text(pdf)


TRUETYPE_CJK = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)


def test_a_truetype_cjk_font_is_embedded(tmp_path: Path) -> None:
    font = next((p for p in TRUETYPE_CJK if p.is_file()), None)
    if font is None:
        pytest.skip("no TrueType CJK font installed (Debian fonts-wqy-microhei has one)")
    pdf = write_pdf(chinese(), tmp_path / "embedded.pdf", cjk_font=font)
    assert b"/FontFile2" in pdf.read_bytes()  # an embedded TrueType font program
    assert "娘，船都回来了。" in pdf_text(pdf)


def test_a_font_reportlab_cannot_embed_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "not-a-font.ttf"
    bogus.write_bytes(b"nothing")
    with pytest.raises(ValueError, match="TrueType"):
        write_pdf(chinese(), tmp_path / "x.pdf", cjk_font=bogus)


def test_empty_lines_and_extra_transitions_are_rejected() -> None:
    with pytest.raises(ValidationError):
        ScriptLine(speaker="A", text="  ")
    with pytest.raises(ValidationError):
        Script(title="t", episode=1, lang="en", scenes=[], transitions=["CUT TO:"])
