"""The JSON Schema files editors use: generated from the models, never stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.cli import main
from bot.knowledge.schema import SCHEMA_MODELS
from bot.knowledge.schema_files import render_schemas, stale_schemas, write_schemas

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "knowledge" / "schema"


def test_committed_schemas_match_the_models() -> None:
    stale = stale_schemas(SCHEMA_DIR)

    assert stale == [], f"knowledge/schema is stale ({', '.join(stale)}): run `jpo-bot schema`"


def test_every_model_has_a_schema_file_with_stable_json() -> None:
    rendered = render_schemas()

    assert set(rendered) == set(SCHEMA_MODELS)
    for name, text in rendered.items():
        assert text.endswith("}\n")
        schema = json.loads(text)
        assert schema["title"] == SCHEMA_MODELS[name].__name__
        assert text == json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_posting_schema_forbids_unknown_fields() -> None:
    schema = json.loads(render_schemas()["posting.schema.json"])

    assert schema["additionalProperties"] is False
    assert {"id", "title", "aliases", "topics"} <= set(schema["required"])


def test_write_schemas_writes_what_render_schemas_returns(tmp_path: Path) -> None:
    written = write_schemas(tmp_path / "schema")

    assert sorted(path.name for path in written) == sorted(SCHEMA_MODELS)
    assert {path.name: path.read_text(encoding="utf-8") for path in written} == render_schemas()
    assert stale_schemas(tmp_path / "schema") == []


def test_edited_or_missing_schema_is_stale(tmp_path: Path) -> None:
    directory = tmp_path / "schema"
    write_schemas(directory)
    (directory / "posting.schema.json").write_text("{}\n", encoding="utf-8")
    (directory / "topics.schema.json").unlink()

    assert stale_schemas(directory) == ["topics.schema.json", "posting.schema.json"]


def test_schema_check_fails_on_a_stale_schema_and_says_what_to_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_schemas(tmp_path / "knowledge" / "schema")
    (tmp_path / "knowledge" / "schema" / "programme.schema.json").write_text("{}\n")

    code = main(["schema", "--check", "--dir", "knowledge"])

    out = capsys.readouterr().out
    assert code == 1
    assert "knowledge/schema/programme.schema.json" in out
    assert "run `jpo-bot schema`" in out


def test_schema_command_repairs_a_stale_schema(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "knowledge" / "schema").mkdir(parents=True)
    (tmp_path / "knowledge" / "schema" / "programme.schema.json").write_text("{}\n")

    assert main(["schema", "--dir", "knowledge"]) == 0
    assert main(["schema", "--check", "--dir", "knowledge"]) == 0
    capsys.readouterr()
