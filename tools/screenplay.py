"""Screenplay model and its exports: Fountain, FDX and PDF.

Our own pydantic model is the source of truth; Fountain is rendered from it, and screenplain
parses that Fountain to write FDX and PDF, so all three files always agree. Nothing here knows
about agents or the plan.

Chinese needs care (research/ecosystem.md section 1): screenplain only recognises upper-case
cues and INT/EXT headings, so Chinese cues are forced with `@` and headings with `.`; and the
bundled Courier Prime has no CJK glyphs, so the PDF is set in a CJK font (see `cjk_pdf_font`).
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, Field, StringConstraints, model_validator
from screenplain.export import fdx as fdx_export
from screenplain.parsers import fountain as fountain_parser
from screenplain.types import Action, Dialog, DualDialog, Screenplay, Slug

from .fonts import FontNotFound, cjk_font_path

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Lang = Literal["en", "zh"]


class ScriptLine(BaseModel):
    """One spoken line: who says it, an optional acting note, and the words."""

    speaker: NonEmpty
    parenthetical: str = ""
    text: NonEmpty


class ScriptScene(BaseModel):
    """A scene: heading ("INT. KITCHEN - NIGHT" / "内景 厨房 - 夜"), action, then dialogue."""

    heading: NonEmpty
    action: str = ""
    lines: list[ScriptLine] = Field(default_factory=list)


class Script(BaseModel):
    """One episode's screenplay."""

    title: NonEmpty
    episode: int = Field(ge=1)
    author: str = "reelwright"
    lang: Lang
    scenes: list[ScriptScene]
    transitions: list[str] = Field(
        default_factory=list,
        description="transitions[i] is written after scenes[i] ('CUT TO:'); '' or missing: none",
    )

    @model_validator(mode="after")
    def _transitions_fit(self) -> Script:
        if len(self.transitions) > len(self.scenes):
            raise ValueError("more transitions than scenes")
        return self


# ---------------------------------------------------------------- Fountain text

_SLUG_RE = re.compile(r"^(INT|EXT|EST|INT\.?/EXT\.?|I/E)[ .]", re.IGNORECASE)
_NATURAL_CUE_RE = re.compile(r"^[A-Z][A-Z0-9 .'\-]*(\s\([A-Z0-9 .'\-]+\))?$")
_NATURAL_TRANSITION_RE = re.compile(r"^[A-Z0-9 .'\-]+ TO:$")
_LEADING_PAREN_RE = re.compile(r"^(\([^()]*\))\s*(.+)$")
_FOUNTAIN_MARKS = tuple("!@#.=>~[^")


def _clean(text: str) -> str:
    """Drop control characters (they break FDX's XML) and normalise line ends and tabs."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", "    ")
    return "".join(c for c in text if c == "\n" or unicodedata.category(c) != "Cc")


def _escape(text: str) -> str:
    """Keep text literal: `\\*` stops emphasis and boneyard `/* */`; `[[` would start a note."""
    return _clean(text).replace("*", "\\*").replace("[[", "[ [")


def _one_line(text: str) -> str:
    return " ".join(_escape(text).split())


def _is_plain_action(lines: list[str], expected: list[str]) -> bool:
    """Whether screenplain reads these lines, alone between blank lines, as this action."""
    parsed = fountain_parser.parse_lines(["Title: x", "", *lines, ""]).paragraphs
    return (
        len(parsed) == 1
        and isinstance(parsed[0], Action)
        and not parsed[0].centered
        and [str(s) for s in parsed[0].lines] == expected
    )


def _action_block(paragraph: list[str]) -> list[str]:
    """An action paragraph, forced with `!` where it could read as a cue, heading, transition.

    screenplain strips one leading `!` from every action line, so such lines get a second one.
    """
    lines = [f"!{ln}" if ln.startswith("!") else ln for ln in paragraph]
    first = paragraph[0]
    shouting = any(c.isalpha() for c in first) and first.isupper()
    expected = [ln.replace("\\*", "*") for ln in paragraph]
    if not lines[0].startswith("!") and (
        first.startswith(_FOUNTAIN_MARKS) or shouting or not _is_plain_action(lines, expected)
    ):
        lines[0] = "!" + lines[0]
    return lines


def _action_paragraphs(action: str) -> Iterator[list[str]]:
    for block in re.split(r"\n\s*\n", _escape(action)):
        if lines := [line.strip() for line in block.split("\n") if line.strip()]:
            yield lines


def _heading(heading: str, lang: Lang) -> str:
    text = _one_line(heading).lstrip(".").strip() or "."
    if lang == "en":
        text = text.upper()
        if _SLUG_RE.match(text):
            return text
    return "." + text


def _cue(speaker: str, lang: Lang) -> str:
    name = _one_line(speaker).lstrip("@").rstrip("^").strip()
    if lang == "en":
        name = name.upper()
        if _NATURAL_CUE_RE.match(name) and not name.endswith("TO:"):
            return name
    return "@" + name


def _dialogue_lines(line: ScriptLine) -> list[str]:
    out: list[str] = []
    note = _one_line(line.parenthetical).strip("()（） ")
    if note:
        out.append(f"({note})")
    for raw in _escape(line.text).split("\n"):
        text = raw.strip()
        match = _LEADING_PAREN_RE.match(text)
        if match:  # "(beat) Go." -> a parenthetical line, then the words
            out.extend(match.groups())
        elif text:
            out.append(text)
    return out


def _transition(text: str, lang: Lang) -> str:
    line = _one_line(text).lstrip(">").rstrip("<").strip()
    if lang == "en":
        line = line.upper()
        if _NATURAL_TRANSITION_RE.match(line):
            return line
    return "> " + line


def _title_page(script: Script) -> list[str]:
    episode = f"第{script.episode}集" if script.lang == "zh" else f"Episode {script.episode}"
    credit = "编剧" if script.lang == "zh" else "Written by"
    page = ["Title:", f"    {_one_line(script.title)}", f"    {episode}", f"Credit: {credit}"]
    if script.author.strip():
        page.append(f"Author: {_one_line(script.author)}")
    page.append(f"Language: {script.lang}")
    return page


def to_fountain(script: Script) -> str:
    """Render the script as Fountain that screenplain (and Highland, Fade In) read back exactly."""
    out = _title_page(script)
    for index, scene in enumerate(script.scenes):
        out += ["", _heading(scene.heading, script.lang)]
        for paragraph in _action_paragraphs(scene.action):
            out += ["", *_action_block(paragraph)]
        for line in scene.lines:
            out += ["", _cue(line.speaker, script.lang), *_dialogue_lines(line)]
        if index < len(script.transitions) and script.transitions[index].strip():
            out += ["", _transition(script.transitions[index], script.lang)]
    return "\n".join(out) + "\n"


def parse_fountain(text: str) -> Screenplay:
    """screenplain's reading of Fountain text."""
    return fountain_parser.parse(io.StringIO(text))


def read_fountain_counts(path: str | Path) -> tuple[int, int]:
    """(scene headings, dialogue blocks) as screenplain reads the file; for tests and checks."""
    screenplay = parse_fountain(Path(path).read_text(encoding="utf-8"))
    headings = sum(isinstance(p, Slug) for p in screenplay)
    dialogues = sum(
        1 if isinstance(p, Dialog) else 2 if isinstance(p, DualDialog) else 0 for p in screenplay
    )
    return headings, dialogues


# ---------------------------------------------------------------- files


def _atomic_write(path: Path, write: Callable[[Path], object]) -> Path:
    """Write through a temp file in the same folder and rename, so a kill never leaves half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_fountain(script: Script, path: str | Path) -> Path:
    text = to_fountain(script)
    return _atomic_write(Path(path), lambda p: p.write_text(text, encoding="utf-8"))


def write_fdx(script: Script, path: str | Path) -> Path:
    """Final Draft XML (also opened by Fade In, WriterSolo, Highland)."""
    screenplay = parse_fountain(to_fountain(script))

    def write(p: Path) -> None:
        with p.open("w", encoding="utf-8") as out:
            fdx_export.to_fdx(screenplay, out)

    return _atomic_write(Path(path), write)


# ---------------------------------------------------------------- PDF fonts


class PdfFont(NamedTuple):
    """The font a CJK PDF is set in; `embedded` is False for the Adobe CID fallback."""

    name: str
    embedded: bool
    source: str


_CID_FALLBACK = "STSong-Light"
_NO_LINE_START = "，！？：；”’》〉」』…—～"
_TRUETYPE_CJK = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


def _font_candidates() -> Iterator[tuple[Path, int]]:
    """CJK font files to try, best first: the project's font, known TrueType ones, fontconfig."""
    try:
        yield cjk_font_path(), -1
    except FontNotFound:
        pass
    for known in _TRUETYPE_CJK:
        yield Path(known), -1
    if shutil.which("fc-list"):
        query = ["fc-list", ":lang=zh", "--format", "%{file}|%{index}|%{fontformat}\n"]
        listing = subprocess.run(query, capture_output=True, text=True, check=False).stdout
        for row in sorted(set(listing.splitlines())):
            file, _, rest = row.partition("|")
            index, _, fmt = rest.partition("|")
            if fmt == "TrueType" and index.isdigit():
                yield Path(file), int(index)


def _register_family(font: Any) -> None:
    """One face serves as regular, bold and italic: Fountain emphasis must not lose glyphs."""
    from reportlab.pdfbase import pdfmetrics

    pdfmetrics.registerFont(font)
    name = font.fontName
    pdfmetrics.registerFontFamily(name, normal=name, bold=name, italic=name, boldItalic=name)


def _register_truetype(path: Path, subfont: int) -> PdfFont | None:
    """Register a TrueType-outline CJK font for embedding; None if ReportLab cannot use it.

    ReportLab's TTFont reads .ttf and .ttc (`subfontIndex`) but not CFF outlines, which is what
    Debian's Noto Sans CJK .ttc has ("postscript outlines are not supported").
    """
    from reportlab.pdfbase.ttfonts import TTFError, TTFont

    indices = [subfont] if subfont >= 0 else list(range(8))
    for index in indices:
        name = f"ReelwrightCJK-{zlib.crc32(f'{path}#{index}'.encode()):08x}"
        try:
            font = TTFont(name, str(path), subfontIndex=index)
        except (TTFError, OSError, IndexError):
            return None  # CFF outlines, or past the last subfont of a .ttc
        if all(ord(c) in font.face.charToGlyph for c in "中文夜景"):
            _register_family(font)
            return PdfFont(name, True, f"{path}#{index}")
    return None


@lru_cache(maxsize=8)
def cjk_pdf_font(font_file: str | None = None) -> PdfFont:
    """Register (once) and name the font CJK PDFs are set in.

    An embeddable TrueType CJK font is used where one exists (`font_file`, then the system's:
    Debian's fonts-wqy-microhei works). Otherwise ReportLab's built-in Adobe CID font
    STSong-Light is used: not embedded, but every PDF reader supplies it (poppler maps it to an
    installed CJK font through fontconfig and poppler-data).
    """
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if font_file is not None:
        found = _register_truetype(Path(font_file), -1)
        if found is None:
            raise ValueError(f"{font_file}: not a TrueType font with CJK glyphs ReportLab can use")
        return found
    for path, index in _font_candidates():
        if path.is_file() and (found := _register_truetype(path, index)):
            return found
    _register_family(UnicodeCIDFont(_CID_FALLBACK))
    return PdfFont(_CID_FALLBACK, False, "ReportLab CID font (Adobe-GB1)")


@lru_cache(maxsize=1)
def _courier_prime_chars() -> frozenset[int]:
    from reportlab.pdfbase import pdfmetrics
    from screenplain.export import pdf as pdf_export

    family = pdf_export.get_courier_prime_settings().family_name
    font = pdfmetrics.getFont(family)
    return frozenset(font.face.charToGlyph)


def _needs_cjk_font(text: str, lang: Lang) -> bool:
    covered = _courier_prime_chars()
    return lang == "zh" or any(ord(c) not in covered for c in text if not c.isspace())


def _pdf_settings(cjk: PdfFont | None, lang: Lang) -> Any:
    """screenplain PDF settings: Courier Prime for Latin scripts, else the CJK font.

    screenplain takes the font as `Settings(font_settings=FontSettings(family))`; the family
    is registered with ReportLab beforehand, so no installed file is touched. CJK text has no
    spaces to break at, so its styles wrap anywhere (`wordWrap="CJK"`), with more leading;
    Chinese scripts go on A4, the paper used there.
    """
    from reportlab.lib import pagesizes
    from screenplain.export import pdf as pdf_export

    if cjk is None:
        return pdf_export.Settings()
    settings = pdf_export.Settings(
        font_size=11,
        line_height=16,
        lines_per_page=41,
        page_size=pagesizes.A4 if lang == "zh" else pagesizes.letter,
        font_settings=pdf_export.FontSettings(cjk.name),
    )
    for attr, value in vars(settings).items():
        if attr.endswith("_style") and hasattr(value, "wordWrap"):
            value.wordWrap = "CJK"
    _teach_kinsoku()
    return settings


def _teach_kinsoku() -> None:
    """Keep full-width ，！？：；” off the start of a line.

    ReportLab's CJK wrapping hangs punctuation that may not start a line, but its list lacks
    these; extending the module's list is the one hook it offers (idempotent, process-wide).
    """
    from reportlab.platypus import paragraph

    missing = "".join(c for c in _NO_LINE_START if c not in paragraph.ALL_CANNOT_START)
    if missing:
        paragraph.ALL_CANNOT_START += missing


def write_pdf(script: Script, path: str | Path, *, cjk_font: str | Path | None = None) -> Path:
    """Screenplay-formatted PDF; `cjk_font` names a TrueType CJK font file to embed."""
    from screenplain.export import pdf as pdf_export

    text = to_fountain(script)
    screenplay = parse_fountain(text)
    cjk = None
    if _needs_cjk_font(text, script.lang):
        cjk = cjk_pdf_font(str(cjk_font) if cjk_font is not None else None)
    settings = _pdf_settings(cjk, script.lang)
    return _atomic_write(
        Path(path), lambda p: pdf_export.to_pdf(screenplay, str(p), settings=settings)
    )


def write_all(
    script: Script, directory: str | Path, stem: str, *, cjk_font: str | Path | None = None
) -> dict[str, Path]:
    """Write `<stem>.fountain`, `.fdx` and `.pdf` into `directory`; keys are the suffixes."""
    base = Path(directory)
    return {
        "fountain": write_fountain(script, base / f"{stem}.fountain"),
        "fdx": write_fdx(script, base / f"{stem}.fdx"),
        "pdf": write_pdf(script, base / f"{stem}.pdf", cjk_font=cjk_font),
    }
