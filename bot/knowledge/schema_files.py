"""The JSON Schema files in `knowledge/schema/`, generated from the pydantic models.

Editors (VS Code with the YAML extension, via the `yaml-language-server` header of each
file) read them to offer completion and flag mistakes while staff type. They are
generated, never edited: `jpo-bot schema` rewrites them, `jpo-bot schema --check` fails
when they no longer match the models.
"""

from __future__ import annotations

import json
from pathlib import Path

from bot.knowledge.schema import SCHEMA_MODELS


def render_schemas() -> dict[str, str]:
    """File name -> JSON text of each model's schema, stable for version control."""
    return {
        name: json.dumps(model.model_json_schema(), indent=2, sort_keys=True, ensure_ascii=False)
        + "\n"
        for name, model in SCHEMA_MODELS.items()
    }


def write_schemas(directory: Path) -> list[Path]:
    """Writes every schema file into `directory` (created if needed); returns their paths."""
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in render_schemas().items():
        path = directory / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_schemas(directory: Path) -> list[str]:
    """Names of the schema files in `directory` that are missing or differ from the models."""
    stale = []
    for name, text in render_schemas().items():
        path = directory / name
        try:
            current = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current != text:
            stale.append(name)
    return stale
