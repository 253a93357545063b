"""Telegram-only user interface strings, per language, and the one table of commands.

The engine writes the answers; this catalogue holds what only the Telegram door says
(greeting, help, privacy, notes). Templates are trusted HTML; every value filled into
them is escaped by `fill`, because Telegram rejects a message with a stray `<` or `&`.
The command table feeds both `/help` and `set_my_commands`, so they cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Literal

UiLang = Literal["en", "de"]
UI_LANGS: tuple[UiLang, ...] = ("en", "de")
LANGUAGE_NAMES: dict[UiLang, str] = {"en": "English", "de": "Deutsch"}


def ui_lang(lang: str | None) -> UiLang:
    """The catalogue language for a chat language: German stays German, all else English."""
    return "de" if lang == "de" else "en"


def fill(template: str, **values: object) -> str:
    """Fills a trusted HTML template with escaped values."""
    return template.format(
        **{key: escape(str(value), quote=False) for key, value in values.items()}
    )


@dataclass(frozen=True, slots=True)
class Command:
    """One bot command: its name, its description per language, and whether the menu shows it."""

    name: str
    en: str
    de: str
    in_menu: bool = True

    def description(self, lang: UiLang) -> str:
        return self.de if lang == "de" else self.en


# Order matters: it is the order of the command menu and of the list in /help.
COMMANDS: tuple[Command, ...] = (
    Command("start", "Start and choose a posting", "Starten und eine Stelle wählen"),
    Command("postings", "Show the postings", "Die Stellen anzeigen"),
    Command("topics", "Topics of the chosen posting", "Themen der gewählten Stelle"),
    Command("language", "Change the language", "Sprache ändern"),
    Command(
        "privacy", "What is stored and how to delete it", "Was gespeichert wird, wie man es löscht"
    ),
    Command("forget", "Delete my stored data", "Meine gespeicherten Daten löschen"),
    Command("help", "How this bot works", "So funktioniert dieser Bot"),
)


@dataclass(frozen=True, slots=True)
class UiTexts:
    """Every Telegram-only string of one language (HTML templates, placeholders in braces)."""

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


_EN = UiTexts(
    greeting=(
        "Hello {name}! 👋 I answer questions about the Junior Professional Officer (JPO) "
        "postings that BFIO advertises.\n\n"
        "Choose a posting below, or just ask in your own words — for example "
        "<i>“How long is the assignment?”</i>"
    ),
    greeting_posting="Hello {name}! 👋 Here is the posting you opened. Ask me anything about it.",
    unknown_posting_link=(
        "I don't know that posting (any more). Here are the postings I can tell you about:"
    ),
    help_intro=(
        "<b>How I can help</b>\n"
        "Ask about a JPO posting in your own words, in English or German: duties, "
        "requirements, duty station, duration, how to apply … When a question needs a "
        "posting, I ask which one you mean. What a posting does not say, I tell you honestly "
        "and name BFIO as the contact."
    ),
    help_commands_title="<b>Commands</b>",
    help_groups="In a group, mention me or reply to one of my messages.",
    # Exactly what the question log keeps: no more and no less (test_telegram_units checks).
    privacy=(
        "<b>Privacy</b>\n"
        "<b>What is stored</b>, to improve the answers: for each question you send or "
        "button you press, its text (encrypted), the time, the kind of answer it got, the "
        "posting and topic it was about, the match score, the labels of the buttons "
        "offered, the language, how long the answer took and the knowledge version. The "
        "answers themselves are not stored. For this chat, so that I remember it: the "
        "selected posting and language, and a question waiting for you to choose a posting "
        "(encrypted). All of it is filed under a pseudonymous key of this chat, never "
        "your Telegram id or name.\n"
        "<b>For how long:</b> the records of questions and buttons are deleted after {days} "
        "days, the chat's posting and language after {days} days without use.\n"
        "<b>How to delete it:</b> send /forget in your private chat with me and confirm: "
        "the records and the chat's posting and language are deleted at once.\n"
        "Questions about your data: BFIO, the JPO programme's contact."
    ),
    non_text="I can only read text. Please type your question. 🙂",
    error="Sorry, something went wrong on my side. Please try again in a moment.",
    unknown_command="I don't know that command. /help lists what I can do.",
    language_prompt="Choose your language:",
    language_set="From now on I answer in English.",
    stale_button=(
        "That button belongs to an older version of this chat. Here are the current postings:"
    ),
    stale_button_toast="This button is out of date.",
    storage_trouble="(I could not save your choice; you may need to choose again later.)",
)

_DE = UiTexts(
    greeting=(
        "Hallo {name}! 👋 Ich beantworte Fragen zu den Stellen für Junior Professional "
        "Officers (JPO), die das BFIO ausschreibt.\n\n"
        "Wählen Sie unten eine Stelle oder fragen Sie einfach in eigenen Worten — zum "
        "Beispiel <i>„Wie lange dauert der Einsatz?“</i>"
    ),
    greeting_posting=(
        "Hallo {name}! 👋 Hier ist die Stelle, die Sie geöffnet haben. Fragen Sie mich dazu."
    ),
    unknown_posting_link=(
        "Diese Stelle kenne ich nicht (mehr). Zu diesen Stellen kann ich Auskunft geben:"
    ),
    help_intro=(
        "<b>Wobei ich helfe</b>\n"
        "Fragen Sie in eigenen Worten, auf Deutsch oder Englisch, zu einer JPO-Stelle: "
        "Aufgaben, Anforderungen, Dienstort, Dauer, Bewerbung … Braucht eine Frage eine "
        "Stelle, frage ich nach, welche Sie meinen. Was eine Ausschreibung nicht sagt, sage "
        "ich Ihnen offen und nenne das BFIO als Ansprechpartner."
    ),
    help_commands_title="<b>Befehle</b>",
    help_groups="In einer Gruppe erwähnen Sie mich oder antworten auf eine meiner Nachrichten.",
    privacy=(
        "<b>Datenschutz</b>\n"
        "<b>Was gespeichert wird</b>, um die Antworten zu verbessern: zu jeder Frage, die "
        "Sie senden, und jeder Schaltfläche, die Sie tippen, der Text (verschlüsselt), die "
        "Uhrzeit, die Art der Antwort, die betroffene Stelle und das Thema, der "
        "Trefferwert, die Beschriftungen der angebotenen Schaltflächen, die Sprache, die "
        "Antwortzeit und die Version des Wissensstands. Die Antworten selbst werden nicht "
        "gespeichert. Zu diesem Chat, damit ich ihn mir merke: die gewählte Stelle und "
        "Sprache und eine Frage, die auf die Wahl einer Stelle wartet (verschlüsselt). "
        "Alles steht unter einem pseudonymen Schlüssel dieses Chats, nie unter Ihrer "
        "Telegram-ID oder Ihrem Namen.\n"
        "<b>Wie lange:</b> Die Einträge zu Fragen und Schaltflächen werden nach {days} "
        "Tagen gelöscht, Stelle und Sprache des Chats nach {days} Tagen ohne Nutzung.\n"
        "<b>Wie Sie löschen:</b> Senden Sie /forget im privaten Chat mit mir und bestätigen "
        "Sie: Die Einträge sowie Stelle und Sprache des Chats werden sofort gelöscht.\n"
        "Fragen zu Ihren Daten: das BFIO, Ansprechpartner des JPO-Programms."
    ),
    non_text="Ich kann nur Text lesen. Bitte tippen Sie Ihre Frage. 🙂",
    error=(
        "Entschuldigung, bei mir ist etwas schiefgegangen. Bitte versuchen Sie es gleich "
        "noch einmal."
    ),
    unknown_command="Diesen Befehl kenne ich nicht. /help zeigt, was ich kann.",
    language_prompt="Wählen Sie Ihre Sprache:",
    language_set="Ab jetzt antworte ich auf Deutsch.",
    stale_button=(
        "Diese Schaltfläche stammt aus einer älteren Version dieses Chats. Hier sind die "
        "aktuellen Stellen:"
    ),
    stale_button_toast="Diese Schaltfläche ist veraltet.",
    storage_trouble=(
        "(Ich konnte Ihre Wahl nicht speichern; eventuell müssen Sie später neu wählen.)"
    ),
)

CATALOGUE: dict[UiLang, UiTexts] = {"en": _EN, "de": _DE}


def texts(lang: str | None) -> UiTexts:
    """The catalogue of a chat language (German, or English for every other language)."""
    return CATALOGUE[ui_lang(lang)]


def help_text(lang: str | None) -> str:
    """The /help message, its command list written from `COMMANDS`."""
    ui = texts(lang)
    lines = [
        f"/{command.name} – {escape(command.description(ui_lang(lang)), quote=False)}"
        for command in COMMANDS
    ]
    return "\n\n".join(
        [ui.help_intro, ui.help_commands_title + "\n" + "\n".join(lines), ui.help_groups]
    )


def menu_commands(lang: UiLang) -> list[tuple[str, str]]:
    """The (command, description) pairs `set_my_commands` registers for one language."""
    return [(command.name, command.description(lang)) for command in COMMANDS if command.in_menu]
