"""A generated knowledge folder of many postings, derived from the real ones.

Each generated posting copies a real posting's content under a new id and new aliases,
so the matcher faces as many postings, passages and aliases as a large BFIO catalogue.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
KNOWLEDGE = REPO / "knowledge"


def generate_knowledge(target: Path, count: int) -> Path:
    """Writes `count` postings (plus catalogue and programme) into `target`; returns it."""
    postings_dir = target / "postings"
    postings_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy(KNOWLEDGE / "topics.yaml", target / "topics.yaml")
    shutil.copy(KNOWLEDGE / "programme.yaml", target / "programme.yaml")
    originals = [
        yaml.safe_load(path.read_text(encoding="utf-8"))
        for path in sorted((KNOWLEDGE / "postings").glob("*.yaml"))
    ]
    for number in range(count):
        posting = dict(originals[number % len(originals)])
        posting_id = f"{posting['id']}-{number:04d}"
        posting["id"] = posting_id
        posting["aliases"] = [f"{alias} {number:04d}" for alias in posting["aliases"]]
        posting["name"] = {"en": f"{posting['name']['en']} #{number}"}
        text = yaml.safe_dump(posting, allow_unicode=True, sort_keys=False)
        (postings_dir / f"{posting_id}.yaml").write_text(text, encoding="utf-8")
    return target
