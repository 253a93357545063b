"""What a candidate says about themselves: degree, field, years of experience, languages.

"I have a Master's in cultural management and 1 year of work experience", "Bachelor 2019,
seit 2020 bei einer Umwelt-NGO", "18 mois d'expérience après ma licence". Only what the
message states is kept; anything it does not state stays None, so the eligibility check
can say what is missing instead of assuming.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.engine import cues

_NUMBER_WORDS = {
    "one": 1, "a": 1, "an": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "ein": 1, "einem": 1, "einen": 1, "eineinhalb": 1.5, "zwei": 2, "drei": 3, "vier": 4,
    "funf": 5, "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
    "uno": 1, "dos": 2, "tres": 3, "cuatro": 4, "cinco": 5,
}  # fmt: skip
_NUMBER = r"(\d+(?:[.,]\d+)?|" + "|".join(_NUMBER_WORDS) + r")"
_YEARS = re.compile(_NUMBER + r"\s*(?:years?|yrs?|jahre?n?|ans?|annees?|anos?)\b")
_MONTHS = re.compile(_NUMBER + r"\s*(?:months?|monate?n?|mois|meses?)\b")
_SINCE = re.compile(r"\b(?:since|seit|depuis|desde)\s+((?:19|20)\d\d)\b")
_EXPERIENCE = re.compile(
    r"(experience|worked|working|work|berufserfahrung|erfahrung|gearbeitet|arbeite|"
    r"experience|travaille|experiencia|trabajo|trabajado|seit|since|depuis|desde|ngo|"
    r"after|nach|apres|despues|\bexp\b)"
    # "4 years at a foreign ministry", "3 Jahre bei einer NGO", "2 ans chez …"
    r"|"
    + _NUMBER
    + r"\s*(?:years?|yrs?|jahre?n?|ans?|anos?)\s+(?:at|as|with|bei|als|chez|comme|como|en una?)\b"
)
_AFTER_FIRST = re.compile(
    r"\b(after (?:my |the |obtaining (?:my |the )?)?(?:first degree|bachelor|bsc|ba|graduat)|"
    r"nach (?:dem|meinem) (?:ersten )?(?:abschluss|bachelor|studium)|"
    r"apres (?:ma|mon|la|le) (?:licence|premier diplome|bachelor)|"
    r"despues (?:de mi|de la|del) (?:grado|primer titulo|licenciatura|bachelor)|"
    r"since (?:my |the )?(?:first degree|bachelor|bsc|ba\b|graduat)|"
    r"seit (?:dem|meinem) (?:ersten )?(?:abschluss|bachelor)|"
    r"depuis (?:ma|mon|la|le) (?:licence|premier diplome|bachelor)|"
    r"desde (?:mi|la|el) (?:grado|primer titulo|licenciatura|bachelor))"
)
# "No work experience yet" states a number: zero.
_NO_EXPERIENCE = re.compile(
    r"\b(no (?:work |professional |relevant )?experience|"
    r"keine (?:berufs)?erfahrung|aucune experience|pas (?:encore )?d'experience|"
    r"sin experiencia|ninguna experiencia)"
)
# "I'm German", "Ich bin Deutsche": a nationality, not a language the candidate speaks.
_NATIONALITY = re.compile(
    r"\b(?:i'?m|i am|ich bin|je suis|soy)\s+(?:a\s+)?[a-z]+\b"
    r"(?=\s*(?:[,.;]|and\b|und\b|et\b|y\b|citizen|staatsburger|national))"
)
_BEFORE_STUDY = re.compile(
    r"\b(before (?:going to |starting |my |i went to )?(?:university|college|studies|studying|"
    r"my degree|my bachelor)|vor (?:dem|meinem) studium|avant (?:mes|l') ?etudes|"
    r"antes de (?:la universidad|mis estudios|estudiar))"
)
_DEGREE_YEAR = re.compile(
    r"\b(bachelor|bsc|b\.sc|ba|licence|licenciatura)\S*\s+(?:[a-z]+\s+){0,3}((?:19|20)\d\d)\b"
)
# Words that end (or cannot start) a field of study named after a degree.
_FIELD_STOP = (
    r"(?:and|und|et|y|e|but|aber|mais|pero|with|mit|avec|con|from|for|fur|pour|para|qualify|qualifies|count|counts|"
    r"at|bei|enough|reicht|last|this|is|ist|est|es|degree|degrees|abschluss|diplome|titulo|"
    r"student|students|graduating|"
    r"\d+)\b"
)
_FIELD = re.compile(
    r"\b(?:ma(?=\s+in\b)|master|masters|msc|m\.sc|magister|maitrise|maestria|bachelor|bachelors|bsc|b\.sc|"
    r"licence|licenciatura|degree|abschluss|diplome|titulo)(?:'s)?\s+"
    r"(?:(?:is|was|ist|war|est|es)\s+)?(?:(?:in|en|de|im|in der)\s+)?"
    r"(?!" + _FIELD_STOP + r")([a-z' -]+?)"
    r"(?=\s+" + _FIELD_STOP + r"|[,.;?!]|$)"
)
# "a Master's student", "graduating next year": the degree named is still to come.
_PENDING = re.compile(
    r"\b(?:(?:master'?s?|msc|bachelor'?s?) student|student (?:in|of|for) (?:a |my )?master"
    r"|studying for (?:a |my )?(?:master|msc|degree)|graduating|will graduate"
    r"|masterstudent\w*|im masterstudium|studiere (?:im|einen) master|schliesse .{0,40}ab"
    r"|etudiante? en master|en cours de master|estudiante de (?:master|maestria)"
    r"|estoy (?:cursando|estudiando) (?:un |el |mi )?(?:master|maestria))"
)
# "MA"/"M.A." in capitals (French "ma" is "my") names a Master's field: "MA in history".
_MASTER_OF_ARTS = re.compile(r"\b(?:MA|M\.A\.)(?=[\s,.;]|$)")
# Work said to follow a degree: "MSc in …, danach zwei Jahre", "a BA, then three years".
_THEN = re.compile(
    r"\b(?:master|masters|msc|ma|bachelor|bsc|ba|degree|abschluss|studium|licence|diplome|"
    r"titulo|grado|maestria)\b[^.;]{0,60}?\b(?:danach|anschliessend|then|afterwards|ensuite|"
    r"puis|luego|despues)\b"
)
_NOT_A_FIELD = {
    "davor",
    "danach",
    "before",
    "after",
    "then",
    "and",
    "from",
    "in",
    "of",
    "last",
    "this",
    "the",
    "a",
    "is",
    "s",
}


@dataclass(frozen=True, slots=True)
class Profile:
    """What the candidate stated; None where the message says nothing."""

    degree: str | None = None  # 'bachelor' | 'master' | 'doctorate' | 'none' (none yet)
    fields: tuple[str, ...] = ()
    years: float | None = None  # of work experience
    after_first_degree: bool | None = None  # True: after it, False: before studying
    languages: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()  # languages the candidate denies or calls weak
    pending: bool = False  # the degree named is still being studied for

    @property
    def stated(self) -> int:
        return sum(x is not None for x in (self.degree, self.years)) + bool(self.fields)


def read_profile(question: str, this_year: int) -> Profile:
    """The candidate's profile as far as the message states it."""
    text = cues.folded(_MASTER_OF_ARTS.sub("master", question))
    years, after = _experience(text, this_year)
    if after is None and _THEN.search(text):
        after = True  # "MSc …, danach zwei Jahre …": the work came after the degree
    if _BEFORE_STUDY.search(text):
        after = False
    spoken = _NATIONALITY.sub(" ", text)
    return Profile(
        degree=cues.degree_named(question),  # "MA" in capitals included
        fields=_fields(text),
        years=years,
        after_first_degree=after,
        languages=cues.languages_named(spoken),
        weak=tuple(
            lang for lang in cues.languages_named(spoken) if cues.negated_language(spoken, lang)
        ),
        pending=bool(_PENDING.search(text)),
    )


def _experience(text: str, this_year: int) -> tuple[float | None, bool | None]:
    """Years of work experience and whether they are said to follow the first degree."""
    after = True if _AFTER_FIRST.search(text) else None
    if since := _SINCE.search(text):
        start = int(since.group(1))
        degree = _DEGREE_YEAR.search(text)
        if degree is not None:
            after = start >= int(degree.group(2))
        return float(max(this_year - start, 0)), after
    if _NO_EXPERIENCE.search(text):
        return 0.0, after
    if not _EXPERIENCE.search(text):
        return None, after
    for pattern, per_year in ((_YEARS, 1.0), (_MONTHS, 12.0)):
        if found := pattern.search(text):
            return _number(found.group(1)) / per_year, after
    return None, after


def _number(word: str) -> float:
    return float(_NUMBER_WORDS.get(word, 0)) or float(word.replace(",", "."))


def _fields(text: str) -> tuple[str, ...]:
    """Every field of study named after a degree ("MSc Environmental Management")."""
    found = (f.group(1).strip(" '-") for f in _FIELD.finditer(text))
    return tuple(f for f in found if f and f not in _NOT_A_FIELD and not f.startswith("s "))
