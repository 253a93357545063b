"""Turning a posting's plain text into a YAML skeleton that staff review and complete.

The texts come from BFIO's job board: a few "Label: value" lines of general
information, then headed parts ("Duties and Responsibilities", "Learning Elements", …)
holding paragraphs and bullet lists. Known headings become catalogue topics, bullets
become `points`, paragraphs `text`, short titles above a list `sections`. Whatever the
importer cannot place goes into a `# UNSORTED — review:` comment, so nothing is lost;
parts whose heading got lost (a language list, `Professionalism: …` competencies) are
placed by what they say (`import_sections`). The typed facts the content supports are
proposed for staff to confirm (`import_facts`).

The skeleton is a starting point, not a finished file: it is valid YAML and follows the
`Posting` schema as far as the text allows; `jpo-bot validate` shows what is left to do.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from typing import Any

import yaml

from bot.knowledge.import_facts import propose_facts, render_facts
from bot.knowledge.import_sections import competency, list_topic, rerouted

SCHEMA_HEADER = "# yaml-language-server: $schema=../schema/posting.schema.json"
UNSORTED_HEADER = "# UNSORTED — review:"

_GENERAL = "general information"

# Headings seen in JPO postings, matched in full against the lower-cased line without
# its trailing colon. Order matters: the first match wins.
_HEADINGS: tuple[tuple[str, str], ...] = (
    (r"general information", _GENERAL),
    (r"background( information)?( on .+)?|organi[sz]ational (setting|context)", "background"),
    (r"why is (the )?jpo (requested|needed|requested/needed)\??|purpose( of the \w+)?", "purpose"),
    (r"(content and methodology of (the )?)?supervision", "supervision"),
    (
        r"duties(,| and)? (and )?responsibilities.*|duties|responsibilities|main tasks"
        r"|tasks|functions",
        "duties",
    ),
    (r"output expectations|expected outputs?|outputs?", "outputs"),
    (r"missions?( and costs of travel.*)?|(costs of )?travel.*", "travel"),
    (r"(training and )?learning elements|training( and learning)?( opportunities)?", "training"),
    (
        r"qualifications?( and experience)?( and competencies)?|education( and qualifications)?",
        "qualifications",
    ),
    (r"work(ing)? experience|professional experience|experience", "work_experience"),
    (r"languages?( skills| requirements)?", "languages"),
    (r"(required |other )?skills( and (experience|competencies))?|(core )?competencies", "skills"),
    (r"living conditions( at (the )?duty station)?", "living_conditions"),
)

# "Label: value" lines of the general information and the posting fields they fill.
_LABELS: tuple[tuple[str, str], ...] = (
    (r"(job |post )?title", "title"),
    (r"organi[sz]ation|agency", "organisation"),
    (r"unit|department|division|section", "unit"),
    (r"(country and )?duty station|location|country", "duty_station"),
    (r"duration( of (the )?assignment)?", "duration"),
)

# Lines of the job board's page around the posting (German), never posting content.
_BOARD_LINES = re.compile(
    r"stellenmarkt für fachkräfte|bitte senden sie|alle informationen finden sie"
    r"|büro führungskräfte zu internationalen|programm beigeordnete sachverständige",
)

_BULLET = re.compile(r"^\s*(?:[•▪◦●·]|[-*–](?=\s))\s*")
_LABEL_LINE = re.compile(r"^(?P<label>[A-Za-z][A-Za-z &/()-]{0,40}?)\s*:\s*(?P<value>\S.*)$")
_ORGANISATION_LINE = re.compile(r"^[A-Z][A-Z/&]{1,11}\s+[-–—]\s+\S.*$")
_ACRONYM_DEFINED = re.compile(r"\b([A-Z]{3,})\s*\((?:[Tt]he\s+)?([A-Z][^()]{5,})\)")

_NOTE_ON_EXPERIENCE = re.compile(r"\bwork experience\b", re.IGNORECASE)

_MAX_HEADING_WORDS = 12
_MAX_SECTION_WORDS = 6


@dataclass
class _Draft:
    """What the text says on one topic, gathered in reading order."""

    paragraphs: list[str] = field(default_factory=list)
    points: list[str] = field(default_factory=list)
    sections: list[tuple[str, list[str]]] = field(default_factory=list)

    def as_content(self) -> dict[str, Any]:
        content: dict[str, Any] = {}
        if self.paragraphs:
            content["text"] = "\n\n".join(self.paragraphs)
        if self.points:
            content["points"] = list(self.points)
        if any(points for _, points in self.sections):
            content["sections"] = [
                {"title": title, "points": list(points)}
                for title, points in self.sections
                if points  # a title whose points all went to another topic
            ]
        return content


@dataclass
class _Block:
    """Consecutive non-blank lines and the number of blank lines above them."""

    lines: list[str]
    blank_before: int


def import_posting(text: str, posting_id: str, *, source: str = "") -> str:
    """Returns a `Posting`-shaped YAML skeleton for the posting `text`."""
    reader = _Reader()
    reader.read(_blocks(text))
    return _render(posting_id, source, reader)


def _blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    lines: list[str] = []
    blank = 0
    for raw in text.replace("\xa0", " ").splitlines():
        line = raw.strip()
        if not line:
            lines, blank = [], blank + 1
            continue
        if not lines:
            blocks.append(_Block(lines, blank))
        lines.append(line)
        blank = 0
    return blocks


def _collapse(text: str) -> str:
    return " ".join(text.split())


def _heading(line: str) -> str | None:
    """The topic a heading line stands for (or the general-information marker)."""
    if len(line.split()) > _MAX_HEADING_WORDS or line.endswith("."):
        return None
    key = _collapse(line.casefold()).rstrip(" :")
    for pattern, topic in _HEADINGS:
        if re.fullmatch(pattern, key):
            return topic
    return None


def _label(line: str) -> tuple[str, str] | None:
    """The posting field and value of a general-information line like `Unit: …`."""
    match = _LABEL_LINE.match(line)
    if match is None:
        return None
    label = _collapse(match["label"].casefold())
    for pattern, name in _LABELS:
        if re.fullmatch(pattern, label):
            return name, _collapse(match["value"])
    return None


def _is_prose(line: str) -> bool:
    return line.endswith((".", "!", "?", ";")) or len(line) >= 100


def _point(line: str) -> str:
    return _collapse(_BULLET.sub("", line)).rstrip(" ;,")


class _Reader:
    """Walks the blocks once, sorting each into a topic, a field or the unsorted pile."""

    def __init__(self) -> None:
        self.fields: dict[str, str] = {}
        self.drafts: dict[str, _Draft] = {}
        self.unsorted: list[str] = []
        self.topic: str | None = None
        self.section: list[str] | None = None
        self.mode = "preamble"  # preamble | general | topic | unsorted
        self.last = ""  # kind of the last block: heading | text | bullets

    def read(self, blocks: list[_Block]) -> None:
        for index, block in enumerate(blocks):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            self._block(block, following)

    def _block(self, block: _Block, following: _Block | None) -> None:
        first = block.lines[0]
        if _BOARD_LINES.match(first.casefold()):
            self._to_unsorted(block.lines, mode="unsorted")
            return
        heading = _heading(first)
        if heading is not None:
            self._start(heading, first)
            if block.lines[1:]:  # text right below its heading, without a blank line
                self._block(_Block(block.lines[1:], 0), following)
            return
        if self.mode in ("preamble", "general"):
            self._general(block)
            return
        if self._competencies(block):
            return
        lost_heading = self.mode == "unsorted" or (
            self.last == "bullets" and block.blank_before >= 2
        )
        if lost_heading and self._placed_list(block):
            self._content(block.lines)
        elif lost_heading:
            # A list after a wider gap has lost its heading; only a clear list is placed.
            self._to_unsorted(block.lines, mode="unsorted")
        elif self._is_section_title(block, following):
            self._start_section(first)
        else:
            self._content(block.lines)

    def _start(self, heading: str, line: str) -> None:
        if heading == _GENERAL:
            self.mode, self.topic, self.section = "general", None, None
        elif heading == self.topic and self.mode == "topic":
            self._start_section(line)  # "Learning elements:" inside "Training and …"
        else:
            self.mode, self.topic, self.section = "topic", heading, None
            self.drafts.setdefault(heading, _Draft())
        self.last = "heading"

    def _start_section(self, line: str) -> None:
        assert self.topic is not None
        self.section = []
        self.drafts[self.topic].sections.append((_collapse(line).rstrip(" :"), self.section))
        self.last = "heading"

    def _is_section_title(self, block: _Block, following: _Block | None) -> bool:
        """A short line above a list; `The JPO will:` is a lead-in, `Field Work` a title."""
        line = block.lines[0]
        if len(block.lines) > 1 or line.endswith((".", ";", ",")) or _BULLET.match(line):
            return False
        words = line.rstrip(":").split()
        if len(words) > _MAX_SECTION_WORDS:
            return False
        title_case = all(word[0].isupper() for word in words if len(word) > 3)
        if line.endswith(":") and not title_case:
            return False
        return following is not None and bool(_BULLET.match(following.lines[0]))

    def _placed_list(self, block: _Block) -> bool:
        """Starts the topic of a headless list whose lines clearly name one (`languages`)."""
        if not _BULLET.match(block.lines[0]):
            return False
        points = [_point(line) for line in block.lines if _BULLET.match(line)]
        topic = list_topic(points)
        if topic is None:
            return False
        self.mode, self.topic, self.section = "topic", topic, None
        self.drafts.setdefault(topic, _Draft())
        return True

    def _competencies(self, block: _Block) -> bool:
        """`Professionalism: Ability to …` paragraphs become sections of `skills`."""
        found = [competency(line) for line in block.lines]
        if not all(found):
            return False
        draft = self.drafts.setdefault("skills", _Draft())
        for title, points in (item for item in found if item):
            draft.sections.append((title, points))
        self.mode, self.topic, self.section, self.last = "topic", "skills", None, "text"
        return True

    def _content(self, lines: list[str]) -> None:
        assert self.topic is not None
        draft = self.drafts[self.topic]
        paragraph: list[str] = []
        target: list[str] | None = None
        for line in lines:
            if _BULLET.match(line):
                target = self._points_for(line)
                target.append(_point(line))
            elif target is not None:  # a bullet's text wrapped onto the next line
                target[-1] = f"{target[-1]} {_point(line)}"
            else:
                paragraph.append(line)
        if paragraph:
            draft.paragraphs.append(_collapse(" ".join(paragraph)))
        self.last = "bullets" if target is not None else "text"

    def _points_for(self, line: str) -> list[str]:
        """The point list of the topic a requirement names: a degree listed under
        "Required Skills and Experience" is a qualification."""
        assert self.topic is not None
        topic = rerouted(self.topic, _point(line))
        if topic == self.topic and self.section is not None:
            return self.section
        return self.drafts.setdefault(topic, _Draft()).points

    def _general(self, block: _Block) -> None:
        leftover: list[str] = []
        for line in block.lines:
            labelled = _label(line)
            if labelled is not None:
                self.fields.setdefault(*labelled)
            elif self.mode == "general" and _ORGANISATION_LINE.match(line):
                self.fields.setdefault("organisation", _collapse(line))
            elif self.mode == "general" and _is_prose(line) and _NOTE_ON_EXPERIENCE.search(line):
                # The job board's note on the programme's experience rule.
                draft = self.drafts.setdefault("work_experience", _Draft())
                draft.paragraphs.append(_collapse(line))
            elif self.mode == "preamble" and _is_prose(line) and not self.drafts:
                self.drafts.setdefault("overview", _Draft()).paragraphs.append(_collapse(line))
            else:
                leftover.append(line)
        if leftover:
            self._to_unsorted(leftover)

    def _to_unsorted(self, lines: list[str], *, mode: str | None = None) -> None:
        self.unsorted.append("\n".join(lines))
        if mode is not None:
            self.mode, self.topic, self.section = mode, None, None
        self.last = "text"


# --- rendering ----------------------------------------------------------------------


class _Dumper(yaml.SafeDumper):
    """Indents lists under their key and folds long texts, like the curated files."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def dump_yaml(value: Any) -> str:
    """`value` as YAML in the style of the curated files."""
    return yaml.dump(value, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=80)


def _represent_text(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = ">" if len(text) > 80 or "\n" in text else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


_Dumper.add_representer(str, _represent_text)


def _render(posting_id: str, source: str, reader: _Reader) -> str:
    fields = reader.fields
    topics = _topics(reader)
    organisation = fields.get("organisation") or _organisation_from_text(reader)
    document: dict[str, Any] = {
        "id": posting_id,
        "title": fields.get("title", ""),
        "organisation": organisation,
    }
    if fields.get("unit"):
        document["unit"] = fields["unit"]
    document["name"] = {"en": _short_name(organisation, fields.get("duty_station", ""))}
    document["source"] = source
    document["aliases"] = _aliases(organisation, fields.get("unit", ""), fields)
    facts = propose_facts(fields, topics)
    body = [
        dump_yaml(document).rstrip("\n"),
        *render_facts(facts, dump_yaml),
        dump_yaml({"topics": topics}).rstrip("\n"),
    ]
    header = _header(source, document, bool(facts))
    return "\n".join([*header, *body, *_unsorted(reader)]) + "\n"


def _topics(reader: _Reader) -> dict[str, dict[str, Any]]:
    fields = reader.fields
    topics: dict[str, dict[str, Any]] = {}
    if "overview" in reader.drafts:
        topics["overview"] = reader.drafts["overview"].as_content()
    if fields.get("organisation") or fields.get("unit"):
        topics["organisation"] = {"text": _organisation_text(fields)}
    for key in ("duty_station", "duration"):
        if fields.get(key):
            topics[key] = {"text": fields[key]}
    for topic, draft in reader.drafts.items():
        content = draft.as_content()
        if topic != "overview" and content:
            topics[topic] = content
    return topics


def _organisation_text(fields: dict[str, str]) -> str:
    unit = f"Unit: {fields['unit']}" if fields.get("unit") else ""
    return ". ".join(part for part in (fields.get("organisation", ""), unit) if part)


def _organisation_from_text(reader: _Reader) -> str:
    """`UNESCO – The United Nations …` from a definition like `UNESCO (The United …)`."""
    overview = " ".join(reader.drafts["overview"].paragraphs) if "overview" in reader.drafts else ""
    match = _ACRONYM_DEFINED.search(overview)
    return f"{match[1]} – {match[2].strip()}" if match else ""


def _short_name(organisation: str, duty_station: str) -> str:
    acronym = re.split(r"\s+[-–—]\s+", organisation, maxsplit=1)[0]
    city = duty_station.split(",")[0].strip()
    return " – ".join(part for part in (acronym, city) if part)


def _aliases(organisation: str, unit: str, fields: dict[str, str]) -> list[str]:
    """Names, acronyms and places from the general information, each listed once."""
    candidates = re.split(r"\s+[-–—]\s+", organisation) if organisation else []
    for part in _split_outside_parentheses(unit):
        candidates.append(re.sub(r"\s*\([^)]*\)", "", part))
        candidates.extend(re.findall(r"\(([^)]+)\)", part))
    candidates.extend(fields.get("duty_station", "").split(","))
    aliases: list[str] = []
    for candidate in (_collapse(c) for c in candidates):
        if candidate and candidate.casefold() not in {a.casefold() for a in aliases}:
            aliases.append(candidate)
    return aliases


def _split_outside_parentheses(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        depth += (char == "(") - (char == ")")
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [part.strip() for part in [*parts, current] if part.strip()]


def _header(source: str, document: dict[str, Any], facts: bool) -> list[str]:
    todo = [f"`{key}` is empty" for key in ("title", "organisation") if not document[key]]
    if not document["name"]["en"]:
        todo.append("`name` is empty")
    todo.append(
        "aliases: derived from organisation, unit and duty station; add the words "
        "candidates use (abbreviations, names in German/French/Spanish, subjects)"
    )
    todo.append("name: add `de`, `fr` and `es`")
    if facts:
        todo.append("facts: proposed from the text; confirm each against its quote")
    todo.append("compare each topic with the posting text and move the UNSORTED text below")
    lines = [
        SCHEMA_HEADER,
        "#",
        f"# Imported from {source or 'a posting text'} by `jpo-bot import`; check it against",
        "# the posting, then run `jpo-bot validate`.",
        "# TODO:",
    ]
    for item in todo:
        lines.extend(
            textwrap.wrap(item, width=86, initial_indent="#   - ", subsequent_indent="#     ")
        )
    return [*lines, ""]


def _unsorted(reader: _Reader) -> list[str]:
    title = _collapse(reader.fields.get("title", "")).casefold()
    # The job board repeats the title above the general information; that is no loss.
    chunks = [chunk for chunk in reader.unsorted if _collapse(chunk).casefold() != title]
    if not chunks:
        return []
    lines = ["", UNSORTED_HEADER]
    for number, chunk in enumerate(chunks):
        if number:
            lines.append("#")
        for line in map(_collapse, chunk.splitlines()):
            lines.extend(
                textwrap.wrap(line, width=86, initial_indent="#   ", subsequent_indent="#   ")
            )
    return lines
