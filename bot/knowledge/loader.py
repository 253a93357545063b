"""Loading the knowledge folder into a validated, immutable `KnowledgeBase`.

Layout: `<dir>/topics.yaml`, `<dir>/programme.yaml`, `<dir>/postings/<id>.yaml`.

`load_knowledge` returns the snapshot or raises `KnowledgeError` (and nothing else);
`check_knowledge` returns the snapshot (when all is well) and every `Problem` found,
each pointing at a file, line and column, in words BFIO staff understand.

This module runs the steps; each lives in its own module:
- `yaml_reader`: YAML events to dicts, lists and texts; duplicates, anchors, tags, sizes;
- `source`: one file's bytes and text, and the line of any field in it;
- `problems`: `Problem`, `KnowledgeError` and the wording of every mistake;
- `checks`: what only shows across files (unknown topics, clashing aliases, …);
- `limits`: the bounds that keep a file from exhausting memory or time;
- `drafts`: warnings about `TODO` and `UNSORTED` left from drafting.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from pydantic import BaseModel, ValidationError

from bot.knowledge.base import KnowledgeBase
from bot.knowledge.checks import CATALOGUE_FILE, Loaded, cross_check, normalise_alias, refs
from bot.knowledge.fact_checks import fact_problems
from bot.knowledge.limits import MAX_DEPTH, MAX_POSTINGS, MAX_PROBLEMS_PER_FILE
from bot.knowledge.problems import KnowledgeError, Loc, Problem, did_you_mean, error_message
from bot.knowledge.schema import Catalogue, Posting, Programme
from bot.knowledge.source import Source, parse, read_source
from bot.knowledge.yaml_reader import NOTHING

PROGRAMME_FILE = "programme.yaml"
POSTINGS_DIR = "postings"

__all__ = [
    "CATALOGUE_FILE",
    "POSTINGS_DIR",
    "PROGRAMME_FILE",
    "KnowledgeError",
    "Problem",
    "check_knowledge",
    "did_you_mean",
    "knowledge_files",
    "load_knowledge",
    "normalise_alias",
]


def load_knowledge(directory: Path) -> KnowledgeBase:
    """Loads and validates the folder; raises KnowledgeError listing every problem."""
    knowledge, problems = check_knowledge(directory)
    if knowledge is None:
        raise KnowledgeError(problems)
    return knowledge


def check_knowledge(
    directory: Path, *, posting_file: Path | None = None
) -> tuple[KnowledgeBase | None, list[Problem]]:
    """Validates the folder; returns the snapshot (None if anything is wrong) and all problems.

    With `posting_file`, that file is checked as one of the folder's postings, in place
    of the posting file of the same name (a draft kept elsewhere, or one being edited).
    """
    run = _Run(Path(directory), posting_file)
    knowledge = run.load()
    return knowledge, run.sorted_problems()


def knowledge_files(directory: Path) -> list[Path]:
    """The files a folder's knowledge is read from: catalogue, programme, postings by name."""
    folder = Path(directory) / POSTINGS_DIR
    postings = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    return [Path(directory) / CATALOGUE_FILE, Path(directory) / PROGRAMME_FILE, *postings]


class _Run:
    """Reads, validates and cross-checks one knowledge folder, collecting every problem."""

    def __init__(self, directory: Path, posting_file: Path | None = None) -> None:
        self.directory = directory
        self.posting_file = posting_file
        self.problems: list[Problem] = []
        self.file_digests: list[tuple[str, bytes]] = []
        self.file_order: dict[Path, int] = {}
        self.topic_ids: set[str] | None = None

    def load(self) -> KnowledgeBase | None:
        if not self.directory.is_dir():
            self.problems.append(
                Problem(self.directory, 1, 1, "the knowledge folder does not exist")
            )
            return None
        catalogue = self._load_file(self.directory / CATALOGUE_FILE, Catalogue)
        if catalogue is not None:
            self.topic_ids = {tid for tid, _ in catalogue.refs.catalogue if tid}
        programme = self._load_file(self.directory / PROGRAMME_FILE, Programme)
        postings = [
            loaded
            for path in self._posting_paths()
            if (loaded := self._load_file(path, Posting)) is not None
        ]
        self.problems.extend(cross_check(catalogue, programme, postings, self.topic_ids))
        if self.problems or catalogue is None or programme is None:
            return None
        return KnowledgeBase(
            catalogue=catalogue.model,
            programme=programme.model,
            postings={loaded.model.id: loaded.model for loaded in postings},
            version=self._version(),
        )

    def sorted_problems(self) -> list[Problem]:
        """Problems in file order (catalogue, programme, postings by name), then by line."""
        last = len(self.file_order)
        return sorted(
            self.problems,
            key=lambda p: (self.file_order.get(p.file, last), str(p.file), p.line, p.col),
        )

    def _posting_paths(self) -> list[Path]:
        folder = self.directory / POSTINGS_DIR
        if not folder.is_dir():
            message = "the postings folder is missing; create it with one `<id>.yaml` per posting"
            self.problems.append(Problem(folder, 1, 1, message))
            return []
        # Editors and file managers leave hidden files (`.#x.yaml`, `._x.yaml`) behind.
        visible = sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith("."))
        for path in visible:
            if path.suffix == ".yml":
                message = f"this file is not loaded: rename it to `{path.stem}.yaml`"
                self.problems.append(Problem(path, 1, 1, message))
        paths = [path for path in visible if path.suffix == ".yaml"]
        if self.posting_file is not None:
            paths = [p for p in paths if p.name != self.posting_file.name] + [self.posting_file]
        if not paths:
            message = "the postings folder holds no postings (`<id>.yaml` files)"
            self.problems.append(Problem(folder, 1, 1, message))
        if len(paths) > MAX_POSTINGS:
            message = (
                f"the postings folder holds {len(paths):,} postings; the limit is "
                f"{MAX_POSTINGS:,}: move closed postings out of it"
            )
            self.problems.append(Problem(folder, 1, 1, message))
            return []
        return paths

    def _load_file(self, path: Path, model: type[BaseModel]) -> Loaded | None:
        """Reads, parses and validates one file; None when it could not even be parsed."""
        self.file_order.setdefault(path, len(self.file_order))
        if not path.is_file():
            what = "topic catalogue" if model is Catalogue else "programme facts file"
            self.problems.append(Problem(path, 1, 1, f"the {what} `{path.name}` is missing"))
            return None
        problems_before = len(self.problems)
        try:
            loaded = self._parse_and_validate(path, model)
        except RecursionError:  # a safety net: nesting is capped while reading
            message = f"the file is nested too deeply (the limit is {MAX_DEPTH} levels)"
            self.problems.append(Problem(path, 1, 1, message))
            return None
        except MemoryError:
            message = "the file needs more memory than this computer has; make it smaller"
            self.problems.append(Problem(path, 1, 1, message))
            return None
        if loaded is not None and len(self.problems) == problems_before:
            loaded.source.release()
        return loaded

    def _parse_and_validate(self, path: Path, model: type[BaseModel]) -> Loaded | None:
        file_problems: list[Problem] = []
        read = read_source(path, file_problems)
        if read is None:
            self.problems.extend(file_problems)
            return None
        data, source = read
        self.file_digests.append((self._name(path), hashlib.sha256(data).digest()))
        if source is None:
            self.problems.extend(file_problems)
            return None
        parsed = parse(source, file_problems)
        if parsed is NOTHING:
            self.problems.extend(file_problems)
            return None
        unworded = 0
        try:
            validated = model.model_validate(parsed)
        except ValidationError as error:
            unworded = self._report_validation(source, model, error, file_problems)
            validated = None
        if validated is not None:
            file_problems.extend(fact_problems(validated, source))
        self.problems.extend(_capped(file_problems, unworded, source))
        return Loaded(source, refs(parsed, model), validated)

    def _name(self, path: Path) -> str:
        """The path inside the folder (the file's own name for a posting checked from elsewhere)."""
        try:
            return path.relative_to(self.directory).as_posix()
        except ValueError:
            return f"{POSTINGS_DIR}/{path.name}"

    def _report_validation(
        self,
        source: Source,
        model: type[BaseModel],
        error: ValidationError,
        problems: list[Problem],
    ) -> int:
        """Words the file's validation errors up to the cap; returns how many were not worded.

        Wording costs a "did you mean" each; capping it keeps a file of 32,000 unknown
        keys as fast to check as any other.
        """
        topic_ids = self.topic_ids or set()
        errors = error.errors(include_url=False)
        room = max(MAX_PROBLEMS_PER_FILE - len(problems), 0)
        for details in errors[:room]:
            loc: Loc = tuple(details["loc"])
            message = error_message(model, details, topic_ids)
            problems.append(source.problem(loc, message, missing=details["type"] == "missing"))
        return max(len(errors) - room, 0)

    def _version(self) -> str:
        """sha256 over each file's relative path and the sha256 of its bytes, in path order.

        Hashing each file as it is read keeps no file's bytes in memory.
        """
        digest = hashlib.sha256()
        for name, file_digest in sorted(self.file_digests):
            digest.update(name.encode() + b"\0" + file_digest)
        return digest.hexdigest()[:12]


def _capped(problems: list[Problem], unworded: int, source: Source) -> list[Problem]:
    """The first problems of one file in full, and one line counting the rest."""
    more = max(len(problems) - MAX_PROBLEMS_PER_FILE, 0) + unworded
    if not more:
        return problems
    shown = sorted(problems[:MAX_PROBLEMS_PER_FILE], key=lambda p: (p.line, p.col))
    message = (
        f"… and {more:,} more problems in this file; fix the {MAX_PROBLEMS_PER_FILE} above "
        "and check again"
    )
    return [*shown, Problem(source.path, source.last_line, 1, message)]
