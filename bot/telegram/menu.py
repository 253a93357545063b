"""The one table of the candidates' commands: it writes /help and the command menus.

Descriptions come from each language's catalogue (`bot.texts`), so /help and the menu
registered with `set_my_commands` cannot drift apart, in any language.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from bot.texts import LANGS, texts_for

# The languages with a catalogue, hence a command menu and a button in /language.
UI_LANGS: tuple[str, ...] = LANGS


@dataclass(frozen=True, slots=True)
class Command:
    """One bot command and whether the menu shows it; its description is in the catalogue."""

    name: str
    in_menu: bool = True

    def description(self, lang: str | None) -> str:
        return str(getattr(texts_for(lang).commands, self.name))


# Order matters: it is the order of the command menu and of the list in /help.
COMMANDS: tuple[Command, ...] = tuple(
    Command(name)
    for name in ("start", "postings", "topics", "check", "language", "privacy", "forget", "help")
)


def help_text(lang: str | None) -> str:
    """The /help message, its command list written from `COMMANDS`."""
    ui = texts_for(lang).ui
    lines = [
        f"/{command.name} – {escape(command.description(lang), quote=False)}"
        for command in COMMANDS
    ]
    return "\n\n".join(
        [ui.help_intro, ui.help_commands_title + "\n" + "\n".join(lines), ui.help_groups]
    )


def menu_commands(lang: str) -> list[tuple[str, str]]:
    """The (command, description) pairs `set_my_commands` registers for one language."""
    return [(command.name, command.description(lang)) for command in COMMANDS if command.in_menu]
