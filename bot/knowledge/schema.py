"""The shape of the knowledge files, as pydantic models.

Three kinds of file share these models:
- `topics.yaml`: the topic catalogue shared by all postings (ids, titles, example
  phrasings, keywords) and a small glossary that maps German, French and Spanish
  words onto the English words the postings are written in;
- `programme.yaml`: facts that hold for the whole JPO programme (BFIO programme
  information), organised by the same topic ids;
- `postings/<id>.yaml`: one posting, its aliases and its content by topic.

The JSON Schema of each model is written to `knowledge/schema/` so that editors
offer completion and flag mistakes while staff type.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Lang = Literal["en", "de", "fr", "es"]
LANGS: tuple[Lang, ...] = ("en", "de", "fr", "es")

TOPIC_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
POSTING_ID_PATTERN = r"^[a-z][a-z0-9-]*$"
# Ids travel in Telegram button data (at most 64 bytes: "v1:t:<posting>:<topic>").
MAX_POSTING_ID = 32
MAX_TOPIC_ID = 24


class _Strict(BaseModel):
    """Base for every knowledge model: unknown fields are errors, instances are frozen."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _no_blank(items: tuple[str, ...], what: str) -> tuple[str, ...]:
    for item in items:
        if not item.strip():
            raise ValueError(f"an empty {what} is not allowed")
    return items


class Texts(_Strict):
    """A short text in each language; English is required, the others fall back to it."""

    en: str = Field(min_length=1)
    de: str | None = None
    fr: str | None = None
    es: str | None = None

    def get(self, lang: str) -> str:
        """Returns the text in `lang`, or the English one where that language is missing."""
        return getattr(self, lang, None) or self.en


class Phrasings(_Strict):
    """Example questions in each language; they teach the matcher how people ask."""

    en: tuple[str, ...] = ()
    de: tuple[str, ...] = ()
    fr: tuple[str, ...] = ()
    es: tuple[str, ...] = ()

    def all(self) -> tuple[str, ...]:
        return self.en + self.de + self.fr + self.es

    @model_validator(mode="after")
    def _no_empty_phrasing(self) -> Phrasings:
        _no_blank(self.all(), "example phrasing")
        return self


class Topic(_Strict):
    """One entry of the topic catalogue."""

    id: str = Field(
        pattern=TOPIC_ID_PATTERN,
        max_length=MAX_TOPIC_ID,
        description="Stable id used in all files.",
    )
    scope: Literal["posting", "programme"] = Field(
        default="posting",
        description="`posting`: the answer depends on the posting (ask which one if unknown). "
        "`programme`: answered from programme.yaml, no posting needed.",
    )
    title: Texts
    keywords: tuple[str, ...] = Field(
        default=(),
        description="Words and short phrases (any language) that signal this topic.",
    )
    examples: Phrasings = Field(default_factory=Phrasings)
    related: tuple[str, ...] = Field(
        default=(), description="Topic ids offered as follow-ups after this topic's answer."
    )
    broad: bool = Field(
        default=False,
        description="A long, general answer (duties, skills): a passage of the posting that "
        "names the detail asked about is shown instead of the whole topic.",
    )

    @field_validator("keywords")
    @classmethod
    def _keywords_not_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _no_blank(value, "keyword")


class Catalogue(_Strict):
    """The file `topics.yaml`."""

    topics: tuple[Topic, ...] = Field(min_length=1)
    glossary: dict[str, str] = Field(
        default_factory=dict,
        description="Word in German/French/Spanish (or a synonym) -> the English word(s) "
        "the postings use, so questions in any language find posting content.",
    )
    overview_topic: str | None = Field(
        default=None,
        pattern=TOPIC_ID_PATTERN,
        description="The topic shown when a question names a posting and asks nothing else; "
        "its passages summarise the others and are not searched for details.",
    )

    @model_validator(mode="after")
    def _overview_exists(self) -> Catalogue:
        overview = self.overview_topic
        if overview is not None and overview not in {t.id for t in self.topics}:
            raise ValueError(f"overview_topic `{overview}` is not a topic of the catalogue")
        return self


class Section(_Strict):
    """A titled sub-list inside a topic, e.g. 'Communication & Outreach' under duties."""

    title: str = Field(min_length=1)
    points: tuple[str, ...] = Field(min_length=1)

    @field_validator("points")
    @classmethod
    def _points_not_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _no_blank(value, "point")


class Content(_Strict):
    """What a posting (or the programme) says on one topic: a text and/or bullet points."""

    text: str | None = Field(default=None, description="A paragraph, quoted or condensed.")
    points: tuple[str, ...] = Field(default=(), description="Bullet points, as in the posting.")
    sections: tuple[Section, ...] = Field(default=(), description="Titled sub-lists.")

    @field_validator("points")
    @classmethod
    def _points_not_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _no_blank(value, "point")

    @model_validator(mode="after")
    def _not_empty(self) -> Content:
        if not (self.text or self.points or self.sections):
            raise ValueError("an answer needs a text, points or sections; remove the empty topic")
        return self


class Faq(_Strict):
    """A short answer to a fine-grained question candidates ask."""

    id: str = Field(
        pattern=TOPIC_ID_PATTERN, max_length=MAX_TOPIC_ID, description="Unique within its file."
    )
    topic: str = Field(pattern=TOPIC_ID_PATTERN, description="The catalogue topic it belongs to.")
    questions: Phrasings = Field(description="How candidates ask it, per language.")
    keywords: tuple[str, ...] = Field(
        min_length=1,
        description="Words that must be in a question for this entry to apply (any language).",
    )
    answer: str = Field(min_length=1)
    source: Literal["bfio_staff"] | None = Field(
        default=None,
        description="`bfio_staff`: the answer was given by BFIO staff (added from the bot with "
        "'Add to knowledge'), not taken from the posting text or the programme information.",
    )

    @model_validator(mode="after")
    def _has_question(self) -> Faq:
        if not self.questions.all():
            raise ValueError("an FAQ entry needs at least one question")
        return self


class _Fact(_Strict):
    """A fact the posting decides; `quote` is the sentence of the content it comes from."""

    quote: str = Field(
        min_length=1,
        description="The sentence (or clause) of this file's content the fact comes from, "
        "word for word; `jpo-bot validate` checks that it is there and agrees with the fact.",
    )


class DurationFact(_Fact):
    """How long the assignment lasts."""

    years: float = Field(gt=0, description="The assignment's length in years.")
    extension_years: float | None = Field(
        default=None, gt=0, description="A possible extension in years; leave out if none is named."
    )


class DutyStationFact(_Fact):
    """Where the JPO works."""

    city: str = Field(min_length=1)
    country: str = Field(min_length=1)


LanguageLevel = Literal["required", "essential", "asset"]


class LanguageFact(_Fact):
    """One language the posting names and how much it counts."""

    language: str = Field(
        min_length=1,
        description="The language as the posting names it, in English ('Spanish', or "
        "'another official language of UNESCO').",
    )
    level: LanguageLevel = Field(
        description="`required`: asked for; `essential`: called essential; `asset`: an advantage."
    )


DegreeLevel = Literal["bachelor", "master", "doctorate"]


class DegreeFact(_Fact):
    """The university degree the posting asks for."""

    level: DegreeLevel
    fields: tuple[str, ...] = Field(
        min_length=1, description="The fields as the posting names them."
    )
    related_fields: bool = Field(
        default=False, description="The posting also accepts a related or similar field."
    )


class ExperienceFact(_Fact):
    """The work experience the posting (or the programme) asks for."""

    min_years: float = Field(gt=0)


class CountedAfterFact(_Fact):
    """The programme rule on which experience counts."""

    degree: Literal["first_degree"] = Field(
        description="Experience is counted after this degree (`first_degree`: the first "
        "university degree, usually a bachelor's)."
    )


class SupervisionFact(_Fact):
    """Whom the JPO reports to."""

    supervisor: str = Field(min_length=1, description="As the posting names it ('the Director').")


class TravelFact(_Fact):
    """Whether the assignment involves travel (missions, meetings elsewhere)."""

    travel: bool
    what: str = Field(min_length=1, description="What the travel is for, in the posting's words.")


FactName = Literal[
    "duration", "duty_station", "languages", "degree", "work_experience", "supervision", "travel"
]


class Facts(_Strict):
    """What a posting decides, as typed fields next to its quoted content."""

    duration: DurationFact | None = None
    duty_station: DutyStationFact | None = None
    languages: tuple[LanguageFact, ...] = ()
    degree: DegreeFact | None = None
    work_experience: ExperienceFact | None = None
    supervision: SupervisionFact | None = None
    travel: TravelFact | None = None
    not_stated: tuple[FactName, ...] = Field(
        default=(),
        description="Facts the posting is silent on (the bot then answers 'not stated').",
    )

    @model_validator(mode="after")
    def _stated_or_not(self) -> Facts:
        for name in self.not_stated:
            if getattr(self, name):
                raise ValueError(f"`{name}` is filled in and also listed in `not_stated`")
        return self


class ProgrammeRules(_Strict):
    """The programme's eligibility rules, exactly as BFIO publishes them with the postings."""

    work_experience: ExperienceFact | None = None
    experience_counted_after: CountedAfterFact | None = None


class Programme(_Strict):
    """The file `programme.yaml`: BFIO programme information, valid for every posting."""

    source: str = Field(description="Where these programme facts come from.")
    contact: Texts = Field(description="Who answers what the postings do not say.")
    topics: dict[str, Content] = Field(default_factory=dict)
    faq: tuple[Faq, ...] = ()
    rules: ProgrammeRules = Field(
        default_factory=ProgrammeRules, description="Eligibility rules as typed facts."
    )


class Posting(_Strict):
    """One file in `postings/`: one JPO posting."""

    id: str = Field(
        pattern=POSTING_ID_PATTERN,
        max_length=MAX_POSTING_ID,
        description="Must equal the file name.",
    )
    title: str = Field(min_length=1, description="The post's title as published.")
    organisation: str = Field(min_length=1)
    unit: str | None = None
    name: Texts = Field(description="Short name shown to candidates, e.g. 'UNEP – Kingston'.")
    source: str = Field(description="The posting text this file was curated from.")
    aliases: tuple[str, ...] = Field(
        min_length=1,
        description="Words and phrases candidates use for this posting: organisation, unit, "
        "city, country, convention, subject (any language).",
    )
    topics: dict[str, Content] = Field(min_length=1)
    faq: tuple[Faq, ...] = ()
    facts: Facts = Field(default_factory=Facts, description="What the posting decides, typed.")

    @field_validator("aliases")
    @classmethod
    def _aliases_not_blank(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return _no_blank(value, "alias")


SCHEMA_MODELS: dict[str, type[BaseModel]] = {
    "topics.schema.json": Catalogue,
    "programme.schema.json": Programme,
    "posting.schema.json": Posting,
}
