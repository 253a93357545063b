"""Editing the knowledge from the bot: add an FAQ entry or an example wording, undo an edit.

Every edit
- changes only what it adds: the new entry is spliced into the file's text
  (`yaml_splice`), so comments, key order, quoting and the `# yaml-language-server`
  line stay as staff wrote them;
- is checked with the whole folder by the loader before the file is replaced: a change
  that would not load is refused with each problem as `file:line:col: message`, and the
  file is left untouched;
- replaces the file atomically, keeping its permissions;
- is recorded in the journal (`edit_journal`: `.edits/` in the knowledge folder) with
  its author's pseudonymous key and the UTC time, so that `undo` can take it back.

The running bot picks the changed file up like any edit (or at once with a reload).
FAQ entries added here carry `source: bfio_staff`: the answer is BFIO's, not the
posting's.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.knowledge.checks import CATALOGUE_FILE
from bot.knowledge.edit_journal import (
    Edit,
    EditKind,
    Recorded,
    locked,
    new_edit_id,
    read_all,
    record,
    write_atomically,
)
from bot.knowledge.edit_revert import revert
from bot.knowledge.loader import POSTINGS_DIR, PROGRAMME_FILE, check_knowledge
from bot.knowledge.schema import LANGS, MAX_TOPIC_ID, POSTING_ID_PATTERN, TOPIC_ID_PATTERN
from bot.knowledge.yaml_reader import compose
from bot.knowledge.yaml_splice import (
    Insertion,
    SpliceError,
    Value,
    Word,
    add_to_mapping,
    append_to_list,
    apply,
)
from bot.knowledge.yaml_splice import mapping_keys as keys_of

__all__ = [
    "STAFF_SOURCE",
    "Edit",
    "EditRefused",
    "add_example",
    "add_examples",
    "add_faq",
    "list_edits",
    "undo",
]

STAFF_SOURCE = "bfio_staff"
_BOM = "\ufeff"


class EditRefused(Exception):
    """The edit was not made; `.problems` says why, one line each (`file:line:col: …`)."""

    def __init__(self, problems: Sequence[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        super().__init__("\n".join(self.problems))


def add_faq(
    folder: Path,
    posting_id: str | None,
    question: str,
    answer: str,
    lang: str,
    *,
    author: str,
    topic: str,
    keywords: Sequence[str],
) -> Edit:
    """Adds an FAQ entry from BFIO staff to a posting's file (None: to programme.yaml).

    `keywords` are the words a question must contain for the entry to apply
    (`bot.engine.faq_terms.faq_terms` proposes them and the topic from the question).
    """
    question, answer = _text(question, "question"), _text(answer, "answer")
    words = tuple(dict.fromkeys(w for w in (_clean(k) for k in keywords) if w))
    if not words:
        raise EditRefused(["an FAQ entry needs at least one keyword"])
    _check_id(topic, TOPIC_ID_PATTERN, "topic")
    _check_lang(lang)
    relative = _faq_file(folder, posting_id)

    def change(text: str, root: MappingNode) -> tuple[str, str]:
        faq_id = _faq_id(question, _faq_ids(root))
        entry: dict[str, Value] = {
            "id": Word(faq_id),
            "topic": Word(topic),
            "source": Word(STAFF_SOURCE),
            "questions": {lang: [question]},
            "keywords": list(words),
            "answer": answer,
        }
        faq = keys_of(root).get("faq")
        if isinstance(faq, SequenceNode):
            insertion = append_to_list(text, faq, entry)
        elif faq is None:
            insertion = add_to_mapping(text, root, "faq", [entry])
        else:
            raise SpliceError("`faq` is not a list of entries")
        return apply(text, insertion), f"added FAQ `{faq_id}` ({lang}): {_short(question)}"

    return _edit(folder, relative, "add_faq", author, change)


def add_example(folder: Path, topic_id: str, wording: str, lang: str, *, author: str) -> Edit:
    """Adds an example wording in `lang` to a topic of `topics.yaml`."""
    return add_examples(folder, topic_id, [(wording, lang)], author=author)


def add_examples(
    folder: Path, topic_id: str, wordings: Sequence[tuple[str, str]], *, author: str
) -> Edit:
    """Adds example wordings, each `(wording, lang)`, to a topic of `topics.yaml`: one edit.

    Wordings the topic has already are left out; refused when none is left.
    """
    _check_id(topic_id, TOPIC_ID_PATTERN, "topic")
    new = list(dict.fromkeys((_text(wording, "wording"), lang) for wording, lang in wordings))
    for _, lang in new:
        _check_lang(lang)
    if not new:
        raise EditRefused(["there is no wording to add"])

    def change(text: str, root: MappingNode) -> tuple[str, str]:
        added: list[tuple[str, str]] = []
        for wording, lang in new:
            topic = _topic_node(root, topic_id)
            if wording in _examples_of(topic):
                continue
            text = apply(text, _example_insertion(text, topic, topic_id, wording, lang))
            root = _recompose(text)
            added.append((wording, lang))
        if not added:
            quoted = "; ".join(f"“{_short(wording)}”" for wording, _ in new)
            raise _Conflict(f"{quoted}: already an example of topic `{topic_id}`")
        langs = ", ".join(dict.fromkeys(lang for _, lang in added))
        what = _short(added[0][0]) + (f" (+{len(added) - 1} more)" if len(added) > 1 else "")
        return text, f"added example ({langs}) to topic `{topic_id}`: {what}"

    return _edit(folder, Path(CATALOGUE_FILE), "add_example", author, change)


def _example_insertion(
    text: str, topic: MappingNode, topic_id: str, wording: str, lang: str
) -> Insertion:
    examples = keys_of(topic).get("examples")
    if examples is None:
        return add_to_mapping(text, topic, "examples", {lang: [wording]}, before=_AFTER_EXAMPLES)
    if not isinstance(examples, MappingNode):
        raise SpliceError(f"the examples of topic `{topic_id}` are not a mapping by language")
    return _add_wording(text, examples, wording, lang, topic_id)


def _examples_of(topic: MappingNode) -> set[str]:
    examples = keys_of(topic).get("examples")
    if not isinstance(examples, MappingNode):
        return set()
    return {
        value
        for node in keys_of(examples).values()
        if isinstance(node, SequenceNode)
        for item in node.value
        if (value := _scalar(item)) is not None
    }


def _recompose(text: str) -> MappingNode:
    root = compose(text)
    if not isinstance(root, MappingNode):
        raise SpliceError("the edited text no longer reads as YAML")
    return root


# Keys that come after `examples` in a topic, so a new `examples` goes before them.
_AFTER_EXAMPLES = ("related", "broad")


def undo(folder: Path, edit_id: str, *, author: str) -> Edit:
    """Takes an edit back; refused when it was undone already or the file changed in its way."""
    target = next((r for r in read_all(folder) if r.edit.id == edit_id), None)
    if target is None:
        raise EditRefused([f"there is no edit `{_short(edit_id, 40)}` in the journal"])

    def change(text: str, root: MappingNode) -> tuple[str, str]:
        # Checked under the edit lock, so two admins undoing at once cannot both succeed.
        undone = next((r.edit.id for r in read_all(folder) if r.edit.undoes == edit_id), None)
        if undone is not None:
            raise _Conflict(f"edit {edit_id} was undone already (by edit {undone})")
        restored = revert(text, target.before, target.after)
        if restored is None:
            raise _Conflict(
                f"{target.edit.file} changed since edit {edit_id} in a way that conflicts "
                "with it; undo the later edits first or edit the file by hand"
            )
        return restored, f"undid {edit_id}: {target.edit.summary}"

    return _edit(folder, Path(target.edit.file), "undo", author, change, undoes=edit_id)


def list_edits(folder: Path) -> list[Edit]:
    """Every edit in the journal, oldest first."""
    return [recorded.edit for recorded in read_all(folder)]


# --- one edit, start to end ------------------------------------------------------------

Change = Callable[[str, MappingNode], tuple[str, str]]


class _Conflict(Exception):
    """The change cannot be made to the file as it is now (one line for the admin)."""


def _edit(
    folder: Path,
    relative: Path,
    kind: EditKind,
    author: str,
    change: Change,
    *,
    undoes: str | None = None,
) -> Edit:
    """Reads the file, makes the change, checks the folder with it, writes and records it."""
    folder = Path(folder)
    if not author.strip():
        raise EditRefused(["an edit needs its author's key"])
    path = folder / relative
    with locked(folder):
        try:
            data = path.read_bytes()
            text = data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise EditRefused([f"{path}:1:1: cannot read the file ({error})"]) from error
        bom = _BOM if text.startswith(_BOM) else ""
        body = text.removeprefix(_BOM)
        root = compose(body)
        if not isinstance(root, MappingNode):
            raise EditRefused([f"{path}:1:1: the file must load before it can be edited"])
        try:
            new_body, summary = change(body, root)
        except (SpliceError, _Conflict) as error:
            raise EditRefused([f"{path}: {error}"]) from error
        new_data = (bom + new_body).encode("utf-8")
        problems = _problems_with(folder, relative, new_data)
        if problems:
            raise EditRefused(problems)
        if path.read_bytes() != data:  # a hand edit landed meanwhile: do not overwrite it
            raise EditRefused([f"{path}: the file changed while the edit was made; try again"])
        write_atomically(path, new_data)
        now = datetime.now(UTC)
        edit = Edit(
            new_edit_id(folder, now), kind, relative.as_posix(), author, now, summary, undoes
        )
        record(folder, Recorded(edit, text, bom + new_body))
    return edit


def _problems_with(folder: Path, relative: Path, data: bytes) -> list[str]:
    """Every problem of the folder were the file `relative` to hold `data`.

    The check runs on a shadow folder of links to the real files (and the new file
    itself), so the real folder is never touched by an edit that does not load.
    """
    shadow = Path(tempfile.mkdtemp(prefix="jpo-bot-edit-"))
    try:
        _link_folder(folder, shadow)
        (shadow / relative).unlink(missing_ok=True)
        (shadow / relative).write_bytes(data)
        _, problems = check_knowledge(shadow)
        return [_real_path(str(problem), shadow, folder) for problem in problems]
    finally:
        shutil.rmtree(shadow, ignore_errors=True)


def _link_folder(folder: Path, shadow: Path) -> None:
    for name in (CATALOGUE_FILE, PROGRAMME_FILE):
        if (folder / name).exists():
            os.symlink(os.path.realpath(folder / name), shadow / name)
    postings = folder / POSTINGS_DIR
    if postings.is_dir():
        (shadow / POSTINGS_DIR).mkdir()
        for path in postings.iterdir():
            os.symlink(os.path.realpath(path), shadow / POSTINGS_DIR / path.name)


def _real_path(problem: str, shadow: Path, folder: Path) -> str:
    return problem.replace(str(shadow), str(folder), 1)


# --- finding places -------------------------------------------------------------------


def _topic_node(root: MappingNode, topic_id: str) -> MappingNode:
    topics = keys_of(root).get("topics")
    if isinstance(topics, SequenceNode):
        for item in topics.value:
            if isinstance(item, MappingNode) and _scalar(keys_of(item).get("id")) == topic_id:
                return item
    raise _Conflict(f"there is no topic `{topic_id}` in {CATALOGUE_FILE}")


def _add_wording(
    text: str, examples: MappingNode, wording: str, lang: str, topic_id: str
) -> Insertion:
    existing = keys_of(examples).get(lang)
    if existing is None:
        later = LANGS[LANGS.index(lang) + 1 :]  # the canonical order: en, de, fr, es
        return add_to_mapping(text, examples, lang, [wording], before=later)
    if not isinstance(existing, SequenceNode):
        raise SpliceError(f"the `{lang}` examples of topic `{topic_id}` are not a list")
    return append_to_list(text, existing, wording)


def _faq_file(folder: Path, posting_id: str | None) -> Path:
    if posting_id is None:
        return Path(PROGRAMME_FILE)
    _check_id(posting_id, POSTING_ID_PATTERN, "posting")
    relative = Path(POSTINGS_DIR) / f"{posting_id}.yaml"
    if not (Path(folder) / relative).is_file():
        raise EditRefused([f"there is no posting `{posting_id}` ({relative} is missing)"])
    return relative


def _faq_ids(root: MappingNode) -> set[str]:
    faq = keys_of(root).get("faq")
    if not isinstance(faq, SequenceNode):
        return set()
    return {
        value
        for item in faq.value
        if isinstance(item, MappingNode) and (value := _scalar(keys_of(item).get("id")))
    }


def _faq_id(question: str, taken: set[str]) -> str:
    """An id from the question's first words (`staff_is_there_a_salary`), unique in the file."""
    ascii_text = unicodedata.normalize("NFKD", question).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    base = "staff"
    for word in words:
        if len(f"{base}_{word}") > MAX_TOPIC_ID - 3:
            break
        base = f"{base}_{word}"
    candidate, number = base, 2
    while candidate in taken:
        candidate, number = f"{base}_{number}", number + 1
    return candidate


def _scalar(node: Node | None) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


# --- checking what comes in -----------------------------------------------------------


def _text(value: str, what: str) -> str:
    cleaned = _clean(value)
    if not cleaned:
        raise EditRefused([f"the {what} is empty"])
    try:
        cleaned.encode("utf-8")
    except UnicodeEncodeError as error:
        raise EditRefused([f"the {what} is not valid text"]) from error
    return cleaned


def _clean(value: str) -> str:
    # The loader strips every text; the stored text is the one candidates will see.
    return value.strip()


def _check_id(value: str, pattern: str, what: str) -> None:
    if not re.fullmatch(pattern, value):
        raise EditRefused([f"`{_short(value, 40)}` is not a {what} id"])


def _check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise EditRefused(
            [f"`{_short(lang, 10)}` is not a language of the knowledge ({', '.join(LANGS)})"]
        )


def _short(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
