"""The shape of a language's catalogue: every word a user reads, in typed, frozen sections.

Each language module (`en`, `de`, `fr`, `es`) fills one `Texts`; a test checks that
every language has every entry, with the same placeholders and the same HTML tags as
English. Placeholders are `{name}` fields; UI texts are trusted HTML templates whose
values `fill` escapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape


@dataclass(frozen=True, slots=True)
class Phrases:
    """The engine's framing around the postings' content; `{…}` fields are filled by the engine."""

    not_stated: str
    not_stated_programme: str
    clarify_heading: str
    clarify_text: str
    fallback_heading: str
    fallback_text: str
    empty_heading: str
    empty_text: str
    too_long_note: str
    did_you_mean_heading: str
    did_you_mean_text: str
    programme_block: str
    programme_heading: str
    found_in: str
    postings_heading: str
    postings_text: str
    topics_heading: str
    topics_text: str
    full_topic: str
    elsewhere: str
    only_posting: str
    not_stated_short: str
    detail_not_stated: str


@dataclass(frozen=True, slots=True)
class UiTexts:
    """What only the Telegram door says (HTML templates, placeholders in braces)."""

    greeting: str
    greeting_posting: str
    unknown_posting_link: str
    help_intro: str
    help_commands_title: str
    help_groups: str
    privacy: str
    non_text: str
    error: str
    unknown_command: str
    language_prompt: str
    language_set: str
    stale_button: str
    stale_button_toast: str
    storage_trouble: str
    fair_use: str
    rate_helpful: str  # the 👍 / 👎 buttons under an answer
    rate_unhelpful: str
    rate_thanks: str  # replaces them once pressed (button label and toast, plain text)
    rate_already: str  # toast for a second press on the same answer
    rate_failed: str  # toast when the log could not keep the rating


@dataclass(frozen=True, slots=True)
class ForgetTexts:
    """The /forget flow: the question, its two buttons and the outcomes (plain text)."""

    ask: str
    yes: str
    no: str
    done: str
    kept: str
    failed: str
    private: str


@dataclass(frozen=True, slots=True)
class CheckTexts:
    """The guided eligibility check (/check): its questions and choices (plain text)."""

    intro: str
    ask_degree: str
    ask_years: str
    ask_english: str
    ask_field: str
    bachelor: str
    master: str
    no_degree: str
    no_years: str
    more_years: str
    fluent: str
    working: str
    basic: str
    other_field: str
    private: str
    your_answers: str
    apply_heading: str


@dataclass(frozen=True, slots=True)
class CommandTexts:
    """The description of each candidate command, for /help and the command menu."""

    start: str
    postings: str
    topics: str
    check: str
    language: str
    privacy: str
    forget: str
    help: str


@dataclass(frozen=True, slots=True)
class TerminalTexts:
    """What only the terminal chat says (plain text)."""

    help: str
    language_set: str


@dataclass(frozen=True, slots=True)
class SmallTalkTexts:
    """Short replies to greetings, thanks and the like, each above the same hint (plain text)."""

    greeting: str
    thanks: str
    ack: str
    goodbye: str
    who: str
    bot: str
    hint: str


@dataclass(frozen=True, slots=True)
class Texts:
    """One language's whole catalogue."""

    language_name: str  # the language's name in itself, for the language buttons
    phrases: Phrases
    ui: UiTexts
    forget: ForgetTexts
    commands: CommandTexts
    terminal: TerminalTexts
    smalltalk: SmallTalkTexts
    check: CheckTexts
    inbox: InboxTexts


@dataclass(frozen=True, slots=True)
class InboxTexts:
    """The admins' buttons under /unanswered and their replies (plain text, `{…}` fields)."""

    add_example: str  # button: add the group's wordings as examples of the suggested topic
    other_topic: str  # button: choose another topic
    dismiss: str  # button: hide the group
    pick_topic: str
    added: str
    not_reloaded: str
    answered_now: str
    answer_line: str
    refused: str
    dismissed: str
    gone: str  # alert: the group's questions are no longer unanswered


def fill(template: str, **values: object) -> str:
    """Fills a trusted HTML template with escaped values (Telegram rejects a stray `<`)."""
    return template.format(
        **{key: escape(str(value), quote=False) for key, value in values.items()}
    )


@dataclass(frozen=True, slots=True)
class LeadTexts:
    """The direct answers built from the postings' typed facts (`bot.engine.leads`).

    Fact values (languages, countries, degree levels) are stored in English; `names`
    gives each its word in this language (missing ones stay in English).
    """

    yes: str
    no: str
    not_stated: str
    yes_no: str
    ask_bfio: str
    join_or: str
    join_and: str
    level_required: str
    level_essential: str
    level_asset: str
    lang_not_asked: str
    duration: str
    duration_extension: str
    one_year: str
    years: str
    duty_station: str
    degree: str
    degree_related: str
    bachelor: str
    master: str
    doctorate: str
    degree_asked: str
    experience_min: str
    experience_rule: str
    experience_before: str
    supervision: str
    travel: str
    mentioned: str
    asset_only: str
    compare_line: str
    neither: str
    both: str
    only: str
    a_degree: str
    field_named: str
    mentions_only: str
    mentions_all: str
    mentions_none: str
    eligible_yes: str
    eligible_not_yet: str
    eligible_cant_tell: str
    reason_experience: str
    reason_degree_level: str
    reason_field: str
    reason_english: str
    reason_no_degree: str
    none_after: str
    check_heading: str
    more_points: str
    asks_heading: str
    missing: str
    missing_degree: str
    missing_experience: str
    missing_after_degree: str
    provided_after_degree: str
    missing_field: str
    bfio_decides: str
    names: tuple[tuple[str, str], ...]
    reason_degree_pending: str
    ask_bfio_programme: str

    def name(self, english: str) -> str:
        """A fact value's word in this language (English where the catalogue has none)."""
        return dict(self.names).get(english, english)


@dataclass(frozen=True, slots=True)
class DigestTexts:
    """The admins' daily digest (`bot.questionlog.digest_view`), plain text."""

    heading: str
    questions: str
    no_questions: str
    shares: str
    unhelpful: str
    new_groups: str
    no_new_groups: str
    group_line: str
    more_groups: str
    bounded: str
    pending_handoffs: str  # shown only by a log that keeps hand-offs to staff
    alert: str
