"""The Telegram adapter's pure pieces: callback codec, message splitting, keyboards, texts,
and what its logs may say.

Where Telegram's own rules decide (HTML parsing, length after parsing, callback size),
the checks go through the fake Bot API server's validators, so a unit test and the
end-to-end tests judge by the same rules.
"""

from __future__ import annotations

import io
import logging
import re
from typing import Any, cast

import pytest
from telegram import Bot
from telegram.error import BadRequest, TelegramError

from bot.engine.answers import SelectPosting, ShowFaq, ShowTopic, Suggestion
from bot.engine.render import render_html
from bot.telegram import callbacks
from bot.telegram.app import RedactToken
from bot.telegram.callbacks import ChooseLanguage, ConfirmForget, decode, encode, is_forget_answer
from bot.telegram.keyboards import (
    MAX_BUTTONS,
    MAX_LABEL_LENGTH,
    language_keyboard,
    short_label,
    suggestions_keyboard,
)
from bot.telegram.menu import COMMANDS, UI_LANGS, help_text, menu_commands
from bot.telegram.messages import MAX_MESSAGE_LENGTH, send_reply, split_html, visible_length
from bot.texts import ui_texts
from tests.fake_bot_api import ApiError, _checked_markup, parse_html, utf16_length

# --- callback data ---

ACTIONS = [
    ShowTopic("unep-car-rcu", "duration"),
    ShowTopic(None, "eligibility"),
    ShowFaq("unesco-clt", "salary_band"),
    ShowFaq(None, "how_to_apply"),
    SelectPosting("unesco-clt"),
    ChooseLanguage("de"),
    ConfirmForget(delete=True),
    ConfirmForget(delete=False),
    callbacks.RateAnswer("AbC-12_xyz89", helpful=True),
    callbacks.RateAnswer("AbC-12_xyz89", helpful=False),
    callbacks.InboxAction("add", "0123456789", "living_conditions"),
    callbacks.InboxAction("other", "abcdef0123"),
    callbacks.InboxAction("dismiss", "abcdef0123"),
]


@pytest.mark.parametrize("action", ACTIONS, ids=repr)
def test_every_action_survives_a_round_trip(action: callbacks.ButtonAction) -> None:
    data = encode(action)
    assert decode(data) == action
    assert len(data.encode()) <= callbacks.MAX_CALLBACK_BYTES
    assert data.startswith(callbacks.VERSION + ":")


def test_encoding_refuses_data_over_64_bytes() -> None:
    with pytest.raises(callbacks.CallbackDataTooLong):
        encode(ShowTopic("a" * 40, "b" * 30))


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "v0:t:unesco-clt:duration",  # an older format
        "v2:p:unesco-clt",  # a newer one
        "v1",
        "v1:",
        "v1:x:unesco-clt",  # unknown kind
        "v1:t:unesco-clt",  # missing field
        "v1:t:unesco-clt:duration:extra",
        "v1:p:",
        "v1:p:-",  # "no posting" is not a posting to select
        "v1:p:UNESCO",  # ids are lower case
        "v1:p:unesco clt",
        "v1:t:unesco-clt:<script>",
        "v1:l:deutsch",
        "v1:p:" + "a" * 80,  # over 64 bytes
        b"v1:p:unesco-clt",  # not a str
        "start",  # a payload from some other bot version
        "v1:forget:maybe",
        "v1:forget:yes:extra",
        "\ud800",  # a lone surrogate: valid JSON, not text
        "v1:p:unesco\udc00clt",
        "v1:forget:\udfff",
        "v1:u:a:0123456789",  # an inbox "add" without its topic
        "v1:u:d:0123456789:duration",  # a dismissal names no topic
        "v1:u:a:ABCDEF0123:duration",  # group keys are lower-case hex
        "v1:u:a:0123:duration",
        "v1:u:x:0123456789",
        "v1:u:a:0123456789:Duration",
    ],
)
def test_decoding_rejects_unknown_old_or_forged_data(data: object) -> None:
    assert decode(data) is None


def test_the_forget_buttons_keep_the_data_old_chats_carry() -> None:
    # Confirmation buttons sent before the codec knew them must still work.
    assert encode(ConfirmForget(delete=True)) == "v1:forget:yes"
    assert encode(ConfirmForget(delete=False)) == "v1:forget:no"
    assert is_forget_answer("v1:forget:yes") and is_forget_answer("v1:forget:no")
    assert not is_forget_answer("v1:forget:maybe")
    assert not is_forget_answer("v1:l:de")


def test_encoding_refuses_text_that_is_not_utf8() -> None:
    with pytest.raises(callbacks.CallbackDataTooLong):
        encode(ChooseLanguage("\ud800"))


def test_decoding_does_not_check_that_the_posting_exists() -> None:
    # Existence is the handler's business: the codec cannot know the current knowledge.
    assert decode("v1:p:no-such-posting") == SelectPosting("no-such-posting")


# --- splitting ---


def test_a_short_message_is_one_part_unchanged() -> None:
    assert split_html("<b>Duration</b>\n\nTwo years.") == ["<b>Duration</b>\n\nTwo years."]


def test_length_is_measured_after_parsing() -> None:
    # 4000 `&amp;` are 20,000 characters of HTML but 4000 characters to Telegram.
    text = "&amp;" * 4000
    assert visible_length(text) == 4000
    assert split_html(text) == [text]


def test_characters_outside_the_bmp_count_twice() -> None:
    assert visible_length("🙂") == 2 == utf16_length("🙂")
    parts = split_html("🙂" * 3000)
    assert len(parts) == 2
    assert all(visible_length(part) <= MAX_MESSAGE_LENGTH for part in parts)


def test_splits_fall_on_paragraph_boundaries() -> None:
    paragraphs = [f"<b>Point {i}</b>\n" + "word " * 150 for i in range(20)]
    text_html = "\n\n".join(p.strip() for p in paragraphs)
    parts = split_html(text_html)
    assert len(parts) > 1
    for part in parts:
        assert part.startswith("<b>Point ")
        assert part.endswith("word")
        parse_html(part)  # each part parses on its own
    assert "\n\n".join(parts) == text_html


def test_a_10000_character_answer_becomes_valid_messages_with_nothing_lost() -> None:
    from bot.engine.answers import Answer, Block

    answer = Answer(
        heading='Duties & <responsibilities> of the "JPO"',
        text="Tom & Jerry say I <3 UNEP. " * 40,
        points=tuple(f"Duty {i}: a < b && c > d, see 'annex'" for i in range(200)),
        blocks=(Block("Requirements & skills", tuple(f"skill {i} <strong>" for i in range(150))),),
        note="Ask BFIO if <anything> is unclear.",
    )
    text_html = render_html(answer)
    assert visible_length(text_html) > 10_000
    parts = split_html(text_html)
    visible_parts = []
    for part in parts:
        visible = parse_html(part)  # raises as Telegram would on broken HTML
        assert 0 < utf16_length(visible) <= MAX_MESSAGE_LENGTH
        visible_parts.append(visible)
    whole = parse_html(text_html)
    assert _words(" ".join(visible_parts)) == _words(whole)


def test_a_tag_running_through_a_cut_is_closed_and_reopened() -> None:
    text_html = "<i>" + ("long " * 2000).strip() + "</i>"
    parts = split_html(text_html)
    assert len(parts) == 3
    for part in parts:
        assert part.startswith("<i>") and part.endswith("</i>")
        parse_html(part)


def test_a_word_longer_than_a_message_is_cut_without_breaking_an_entity() -> None:
    text_html = "x" * 3000 + "&amp;" * 3000
    parts = split_html(text_html)
    for part in parts:
        parse_html(part)
        assert visible_length(part) <= MAX_MESSAGE_LENGTH
    assert sum(visible_length(part) for part in parts) == 6000


def test_never_splits_inside_a_tag() -> None:
    text_html = ('<a href="https://example.org/a-very-long-path">link</a> ' * 400).strip()
    for part in split_html(text_html):
        assert part.count("<") == part.count(">")
        parse_html(part)


@pytest.mark.parametrize("limit", [10, 50, 100])
def test_small_limits_hold_too(limit: int) -> None:
    text_html = render_html_sample()
    for part in split_html(text_html, limit=limit):
        assert visible_length(part) <= limit
        parse_html(part)


def render_html_sample() -> str:
    from bot.engine.answers import Answer

    return render_html(
        Answer(heading="Kingston & <Cartagena>", points=("one & two", "three < four") * 5)
    )


def _words(text: str) -> list[str]:
    return re.findall(r"\S+", text)


# --- keyboards ---


def _suggestions(*labels: str) -> tuple[Suggestion, ...]:
    return tuple(
        Suggestion(label, ShowTopic("unesco-clt", f"t{i}")) for i, label in enumerate(labels)
    )


def test_short_labels_share_rows_long_ones_stand_alone() -> None:
    markup = suggestions_keyboard(
        _suggestions("Duration", "Salary", "Requirements and qualifications", "Duty station")
    )
    assert markup is not None
    rows = [[button.text for button in row] for row in markup.inline_keyboard]
    assert rows == [["Duration", "Salary"], ["Requirements and qualifications"], ["Duty station"]]


def test_labels_are_cut_to_a_readable_length() -> None:
    label = short_label("What the posting says about the working languages and their levels")
    assert len(label) <= MAX_LABEL_LENGTH
    assert label.endswith("…")


def test_no_suggestions_means_no_keyboard() -> None:
    assert suggestions_keyboard(()) is None


def test_a_suggestion_whose_data_is_too_long_is_left_out() -> None:
    suggestions = (
        Suggestion("Fine", SelectPosting("unesco-clt")),
        Suggestion("Too long", ShowFaq("p" * 40, "f" * 40)),
    )
    markup = suggestions_keyboard(suggestions)
    assert markup is not None
    assert [b.text for row in markup.inline_keyboard for b in row] == ["Fine"]


def test_many_suggestions_are_capped() -> None:
    markup = suggestions_keyboard(_suggestions(*(f"Topic {i}" for i in range(30))))
    assert markup is not None
    assert sum(len(row) for row in markup.inline_keyboard) == MAX_BUTTONS


def test_keyboards_pass_telegrams_checks() -> None:
    for markup in (
        suggestions_keyboard(_suggestions("Duration", "A label " * 10)),
        language_keyboard(),
    ):
        assert markup is not None
        _checked_markup(markup.to_dict())


def test_the_fake_rejects_what_telegram_rejects() -> None:
    with pytest.raises(ApiError, match="BUTTON_DATA_INVALID"):
        _checked_markup({"inline_keyboard": [[{"text": "x", "callback_data": "y" * 65}]]})
    for bad in ("I <3 UNEP", "<b>open", "<br>", "Tom & Jerry", "&nbsp;", "<b>x</i>"):
        with pytest.raises(ApiError, match="can't parse entities"):
            parse_html(bad)


def test_language_buttons_decode_to_language_choices() -> None:
    decoded = [decode(b.callback_data) for row in language_keyboard().inline_keyboard for b in row]
    assert decoded == [ChooseLanguage(lang) for lang in UI_LANGS]


# --- texts ---


@pytest.mark.parametrize("lang", UI_LANGS)
def test_every_ui_text_is_valid_telegram_html(lang: str) -> None:
    ui = ui_texts(lang)
    for name in ui.__dataclass_fields__:
        template = getattr(ui, name)
        parse_html(template.format(name="Ana", days=365))


@pytest.mark.parametrize("lang", UI_LANGS)
def test_help_lists_every_command_of_the_table(lang: str) -> None:
    text_html = help_text(lang)
    parse_html(text_html)
    for command in COMMANDS:
        assert f"/{command.name} " in text_html


def test_the_menu_comes_from_the_same_table_in_every_language() -> None:
    english = menu_commands("en")
    assert {"start", "help", "privacy"} <= {name for name, _ in english}
    for lang in UI_LANGS:
        menu = menu_commands(lang)
        assert [name for name, _ in menu] == [name for name, _ in english]
        assert all(1 <= len(description) <= 256 for _, description in menu)


@pytest.mark.parametrize(
    ("code", "expected"),
    [("de", "de"), ("en", "en"), ("fr", "fr"), ("es", "es"), (None, "en"), ("it", "en")],
)
def test_each_language_gets_its_own_texts_and_any_other_english(
    code: str | None, expected: str
) -> None:
    assert ui_texts(code) is ui_texts(expected)
    assert len({ui_texts(lang).language_set for lang in UI_LANGS}) == len(UI_LANGS)


# What /privacy must say: each item bot.questionlog.store keeps, and that the answers are not kept.
PRIVACY_FACTS: dict[str, tuple[str, ...]] = {
    "en": (
        "its text (encrypted)",
        "the time",
        "the kind of answer",
        "posting and topic",
        "match score",
        "labels of the buttons",
        "the language",
        "how long the answer took",
        "knowledge version",
        "answers themselves are not stored",
        "selected posting and language",
        "pseudonymous key",
        "after 30 days",
        "/forget",
    ),
    "de": (
        "der Text (verschlüsselt)",
        "die Uhrzeit",
        "die Art der Antwort",
        "Stelle und das Thema",
        "Trefferwert",
        "Beschriftungen der angebotenen Schaltflächen",
        "die Sprache",
        "Antwortzeit",
        "Version des Wissensstands",
        "Antworten selbst werden nicht gespeichert",
        "gewählte Stelle und Sprache",
        "pseudonymen Schlüssel",
        "nach 30 Tagen",
        "/forget",
    ),
    "fr": (
        "son texte (chiffré)",
        "l'heure",
        "le type de réponse",
        "le poste et le thème",
        "score de correspondance",
        "libellés des boutons proposés",
        "la langue",
        "le temps mis pour répondre",
        "version des connaissances",
        "réponses elles-mêmes ne sont pas enregistrées",
        "le poste et la langue choisis",
        "clé pseudonyme",
        "après 30 jours",
        "/forget",
    ),
    "es": (
        "su texto (cifrado)",
        "la hora",
        "el tipo de respuesta",
        "puesto y el tema",
        "puntuación de coincidencia",
        "etiquetas de los botones ofrecidos",
        "el idioma",
        "cuánto tardó la respuesta",
        "versión de los conocimientos",
        "respuestas en sí no se guardan",
        "puesto y el idioma elegidos",
        "clave seudónima",
        "a los 30 días",
        "/forget",
    ),
}


@pytest.mark.parametrize("lang", UI_LANGS)
def test_privacy_names_exactly_what_is_stored_for_how_long_and_how_to_delete_it(
    lang: str,
) -> None:
    privacy = parse_html(ui_texts(lang).privacy.format(days=30))
    missing = [fact for fact in PRIVACY_FACTS[lang] if fact not in privacy]
    assert not missing
    assert "answers I give" not in privacy and "meine Antworten" not in privacy


# --- logs ---

TOKEN = "123456789:AAsecret-token-that-must-stay-out-of-logs"


@pytest.fixture
def redacted_log() -> Any:
    """A logger whose one handler has the token filter, and the text it wrote."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactToken(TOKEN))
    logger = logging.getLogger("tests.redact")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    try:
        yield logger, stream
    finally:
        logger.removeHandler(handler)


def test_the_token_is_redacted_from_messages_arguments_and_tracebacks(
    redacted_log: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, stream = redacted_log
    url = f"https://api.telegram.org/bot{TOKEN}/getUpdates"
    try:
        raise TelegramError(f"Conflict on {url}")
    except TelegramError as error:
        logger.exception("polling failed")  # the token in the traceback only
        logger.warning("polling failed: %s", error)  # in an argument
        logger.error("polling failed", exc_info=error)
    logger.info(f"GET {url}")  # in the message itself
    written = stream.getvalue()
    assert TOKEN not in written
    assert written.count("<token>") == 4
    assert "Traceback" in written and "TelegramError: Conflict on" in written


async def test_a_rejected_html_part_is_logged_by_length_and_telegrams_error_only(
    caplog: pytest.LogCaptureFixture,
) -> None:
    class RejectingBot:
        """Refuses HTML as Telegram does for a rendering bug; takes plain text."""

        def __init__(self) -> None:
            self.sent: list[dict[str, Any]] = []

        async def send_message(self, **params: Any) -> None:
            if params.get("parse_mode") is not None:
                raise BadRequest("Can't parse entities: unsupported start tag at byte offset 6")
            self.sent.append(params)

    bot = RejectingBot()
    part = "Hello Zebedee! <b>Duties</b>"
    await send_reply(cast(Bot, bot), 987_654_321, part)
    assert [params["text"] for params in bot.sent] == ["Hello Zebedee! Duties"]
    [record] = [r for r in caplog.records if r.levelno >= logging.ERROR]
    message = record.getMessage()
    assert f"{len(part)} characters" in message and "parse entities" in message
    assert "Zebedee" not in message and "987654321" not in message
