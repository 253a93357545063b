"""What a question asks beyond its topic: yes or no, which language, which degree, both postings.

Small word lists in the four languages, matched on the folded text (lower case, accents
stripped). They only shape the direct answer; the topic and posting still come from the
matcher, so a cue that misfires cannot change what content is shown.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.engine.text import fold

# A yes/no question opens with a verb (English, German, Spanish) or uses French inversion.
_YES_NO_START = re.compile(
    r"^(?:and |so |also |und |et |y |also,? )?(?:"
    r"is|are|am|do|does|did|can|could|will|would|should|must|may|might|shall|has|have|need|"
    r"isn't|aren't|don't|doesn't|"
    r"muss|musst|mussen|brauche|brauchst|braucht|brauchen|gibt|ist|sind|kann|kannst|konnen|"
    r"reicht|reichen|wird|werde|werden|habe|hat|darf|durfen|soll|sollte|zahlt|zahlen|gilt|"
    r"benotige|benotigt|setzt|verlangt|verlangen|dauert|dauern|bietet|arbeitet|arbeite|bekomme|"
    r"bekommt|umfasst|beinhaltet|erwartet|liegt|geht|steht|"
    r"est-ce|est ce|faut-il|y a-t-il|puis-je|dois-je|peut-on|"
    r"es|son|se|hay|puedo|necesito|tengo|cuenta|cuentan|requiere|exige|exigen|debo|incluye|"
    r"habra|hace falta|piden|pide|dura|ofrece|tiene|tengo que|trabaja|basta|bastan|suffit|"
    r"est-il|est-elle|faut il"
    r")\b"
)
# "¿Ambos puestos exigen un máster?", "¿El francés es obligatorio?": the subject comes first,
# and without a question word the question still asks yes or no.
_BOTH_FIRST = re.compile(
    r"^(?:ambos|ambas|los dos|las dos|both|(?:el|la|los|las) .*\b(?:es|son|esta|estan))\b"
)
_QUESTION_WORD = re.compile(
    r"\b(?:what|which|where|who|whom|how|when|why|donde|cual|cuales|quien|quienes|como|cuando|"
    r"cuanto|cuanta|cuantos|cuantas)\b"
)
_FRENCH_INVERSION = re.compile(r"\w-(?:t-)?(?:il|ils|elle|elles|on|je)\b")

NUMBER_WORDS = {
    "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0,
    "zwei": 2.0, "drei": 3.0, "vier": 4.0,
    "deux": 2.0, "trois": 3.0, "quatre": 4.0,
    "dos": 2.0, "tres": 3.0, "cuatro": 4.0,
}  # fmt: skip
LANGUAGES: dict[str, tuple[str, ...]] = {
    "English": ("english", "englisch", "anglais", "ingles"),
    "Spanish": ("spanish", "spanisch", "espagnol", "espanol", "castellano"),
    "French": ("french", "franzosisch", "francais", "frances"),
    "German": ("german", "deutsch", "allemand", "aleman"),
    "Portuguese": ("portuguese", "portugiesisch", "portugais", "portugues"),
    "Arabic": ("arabic", "arabisch", "arabe"),
    "Russian": ("russian", "russisch", "russe", "ruso"),
    "Chinese": ("chinese", "chinesisch", "chinois", "chino"),
}
DEGREES: dict[str, tuple[str, ...]] = {
    "doctorate": (
        "phd",
        "doctorate",
        "doktor",
        "doktortitel",
        "doktorgrad",
        "promotion",
        "doctorat",
        "doctorado",
    ),
    "master": (
        "master",
        "masters",
        "masterabschluss",
        "masterstudium",
        "msc",
        "m.sc",
        "magister",
        "maitrise",
        "maestria",
        "postgraduate degree",
        "advanced degree",
        "advanced university degree",
    ),
    "bachelor": (
        "bachelor",
        "bachelors",
        "bachelorabschluss",
        "bsc",
        "b.sc",
        "ba",
        "licence",
        "licenciatura",
        "grado",
    ),
}
# German compounds count too ("Spanischkenntnisse", "Englischniveau"): long forms may open a word.
_LANGUAGE_PATTERNS = {
    name: re.compile(r"\b(?:" + "|".join(f if len(f) >= 7 else f + r"\b" for f in forms) + ")")
    for name, forms in LANGUAGES.items()
}
_DEGREE_PATTERNS = {
    level: re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(f) for f in forms) + r")(?:'?s)?\b")
    for level, forms in DEGREES.items()
}
# "MA", "M.A.", "MBA", "LL.M.", "MPP": read in capitals only, since French "ma" is "my".
_MASTER_SHORT = re.compile(r"(?<![\w.])(?:M\.?A\.?|MBA|LL\.?M\.?|MPhil|MPA|MPP)(?![\w])")
_EXTENSION = re.compile(r"\b(extend|extension|extended|renew|verlanger|prolong|prorrog|prorroga)")
_BEFORE = re.compile(
    r"\b(before|prior to|vor dem|vor der|vor meinem|vor meiner|avant|antes|anterior|previa)\b"
)
_COMPARE = re.compile(
    r"\b(which one|which of|which posting|which job|which position|which post|both|the two|"
    r"each of the|difference|differ|compar\w*|versus|vs|beide|beiden|welche der|welcher der|"
    r"welche stelle|welcher job|jeweils|die zwei|den zwei|quel poste|que puesto|cual puesto|"
    r"unterschied|vergleich\w*|les deux|des deux|chacun des|chacune des|lequel|laquelle|"
    r"difference entre|los dos|las dos|ambos|ambas|cual de|diferencia)\b"
)
_REQUIREMENTS = re.compile(
    r"\b(requirements?|required|prerequisites?|criteria|what do i need|voraussetzungen|"
    r"anforderungen|was brauche ich|exigences|conditions|prerequis|requisitos|que necesito)\b"
)
_ASSET_WORDS = re.compile(
    r"\b(asset|advantage|plus|bonus|vorteil|vorteilhaft|atout|avantage|ventaja|valora|"
    # "Would a certificate help?", "Ist das hilfreich?", "est-ce utile ?", "¿ayudaría?"
    r"help|helps|helpful|useful|hilfreich|nutzlich|hilft|utile|aide|ayuda|ayudaria|util)\b"
)
# A question word that names the fact on its own, even when no topic matches:
# "Where are the two posts?" asks for the duty station, "Which one lasts longer?" the duration.
_FACT_ASKED = {
    "duty_station": re.compile(
        r"\b(where|wo|wohin|ou se (?:trouvent|trouve|situent|situe)|ou sont|donde|"
        r"en que (?:ciudad|pais))\b"
    ),
    "duration": re.compile(
        r"\b(how long|longer|wie lange?|langer|dauert|dauern|combien de temps|dure|duree|"
        r"cuanto (?:tiempo|dura)|dura mas|duracion)\b"
    ),
}
_NEGATIVE = re.compile(r"\b(problem|issue|probleme|problema)\b")
# A negation just before a language: "no English", "kein Englisch", "pas l'anglais".
_NEGATION_WORDS = (
    r"no|not|don't|dont|without|kein|keine|nicht|ohne|pas|sans|sin|ni|nada|hardly|barely|kaum|"
    r"peu"
)
# A weak command of a language, said after it: "English is only basic", "Englisch ist schwach".
_WEAK_WORDS = (
    r"basic|weak|poor|limited|schwach|gering|grundkenntnisse|faible|basique|limite|notions|"
    r"basico|debil|limitado"
)
_WEAK = r"\b(?:{forms})\w*\b(?:\s+\S+){{0,3}}\s+(?:" + _WEAK_WORDS + r")\b"
_NEGATED = r"\b(?:" + _NEGATION_WORDS + r")\b(?:\s+\S+){{0,2}}\s+(?:{forms})\b"


@lru_cache(maxsize=4096)
def folded(question: str) -> str:
    """The question folded once; each cue asks for it again (about five times a question)."""
    return " ".join(fold(question).replace("¿", " ").replace("¡", " ").split())


def is_yes_no(question: str) -> bool:
    """A question that asks for a yes or a no ("Is Spanish required?", "Kann ich …?").

    Any sentence may ask it: "I speak only English. Is that a problem?"
    """
    for part in re.split(r"[.?!;]\s+|,\s+(?=and |und |et |y )", folded(question)):
        if _YES_NO_START.match(part.strip()) or _FRENCH_INVERSION.search(part):
            return True
        if _BOTH_FIRST.match(part.strip()) and not _QUESTION_WORD.search(part):
            return True
    return False


def asks_if_problem(question: str) -> bool:
    """'Is that a problem?': a yes would mean the candidate falls short."""
    return bool(_NEGATIVE.search(folded(question)))


def negated_language(question: str, language: str) -> bool:
    """The question denies the language or calls it weak ("I don't speak English", "kein
    Englisch", "my English is only basic", "mi inglés es básico")."""
    forms = "|".join(LANGUAGES.get(language, (language.lower(),)))
    text = folded(question)
    return bool(
        re.search(_NEGATED.format(forms=forms), text) or re.search(_WEAK.format(forms=forms), text)
    )


def languages_named(question: str) -> tuple[str, ...]:
    """The languages a question names, by their English names, in catalogue order."""
    text = folded(question)
    return tuple(name for name, pattern in _LANGUAGE_PATTERNS.items() if pattern.search(text))


def degree_named(question: str) -> str | None:
    """The highest degree level a question names ('master', 'bachelor', 'doctorate')."""
    text = folded(question)
    return next(
        (
            level
            for level, pattern in _DEGREE_PATTERNS.items()
            if pattern.search(text) or (level == "master" and _MASTER_SHORT.search(question))
        ),
        None,
    )


def asks_requirements(question: str) -> bool:
    """'What are the requirements?': degree, experience and languages together."""
    return bool(_REQUIREMENTS.search(folded(question)))


def asks_asset(question: str) -> bool:
    """'Is Spanish an asset?', 'von Vorteil', 'un atout': a yes means it counts in one's favour."""
    return bool(_ASSET_WORDS.search(folded(question)))


def numbers(question: str) -> set[float]:
    """The numbers a question names, as digits or words ('zwei Jahre', 'two years')."""
    text = folded(question)
    found = {float(n) for n in re.findall(r"\b\d+(?:\.\d+)?\b", text)}
    words = set(re.findall(r"[a-z]+", text))
    return found | {value for word, value in NUMBER_WORDS.items() if word in words}


def asks_extension(question: str) -> bool:
    return bool(_EXTENSION.search(folded(question)))


def asks_before_degree(question: str) -> bool:
    return bool(_BEFORE.search(folded(question)))


def is_comparison(question: str) -> bool:
    """'Which of the two …', 'both', 'difference between', 'beide', 'les deux', 'los dos'."""
    return bool(_COMPARE.search(folded(question)))


def fact_asked(question: str) -> str | None:
    """The typed fact a question word asks for ("where …?": the duty station), if any."""
    text = folded(question)
    return next((name for name, pattern in _FACT_ASKED.items() if pattern.search(text)), None)
