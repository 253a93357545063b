"""A Datasette plugin that turns every `chat` cell of the log into a link to its conversation.

`jpo-bot admin-web` loads this folder with `--plugins-dir` (see login_throttle.py), so
this file needs only the standard library and Datasette. Datasette links only absolute
URLs by itself; a chat's page is `/log/conversation?chat=<digits>` (the canned query
`conversation`), so the plugin renders the cell as that link, escaped.
"""

from typing import Any
from urllib.parse import urlencode

DATABASE = "log"
COLUMN = "chat"
QUERY = "conversation"


def conversation_link(value: str, base: str = "/") -> str:
    """The HTML of a link from a chat's digits to its conversation page."""
    import html

    href = f"{base}{DATABASE}/{QUERY}?{urlencode({COLUMN: value})}"
    return f'<a href="{html.escape(href)}">{html.escape(value)}</a>'


try:
    from datasette import hookimpl
    from markupsafe import Markup
except ImportError:  # imported by the bot's tests without the `admin` extra
    pass
else:

    @hookimpl
    def render_cell(value: Any, column: str, database: str, datasette: Any) -> Any:
        """Links a `chat` cell of the log to its conversation; other cells are left alone."""
        if column != COLUMN or database != DATABASE or not isinstance(value, str) or not value:
            return None
        return Markup(conversation_link(value, datasette.setting("base_url") or "/"))
