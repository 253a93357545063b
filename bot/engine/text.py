"""Text normalisation shared by the knowledge index and the questions it matches.

Questions arrive with typos, umlauts or none, accents, hyphenated German compounds
and punctuation; knowledge arrives in tidy English. Both sides go through the same
steps so that "Sprachkenntnisse?", "langauges" and "Idiomas" meet the same words.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_NON_WORD = re.compile(r"[^0-9a-z]+")

# Function words and fillers in the four languages. They carry no topic by themselves;
# keywords that happen to be stop words (where, why, wo) are still matched, weakly.
STOP_WORDS: frozenset[str] = frozenset(
    """
    a about above after again all also am an and any are as at be been being both but by
    can could did do does doing for from had has have having he her here him his how i if
    in into is it its just me more most my no nor not of off on once only or other our out
    over own same she should so some such than that the their them then there these they
    this those through to too under until up very was we were what when where which while
    who whom why will with would you your yours s t d ll m re ve please hi hey thanks thank
    there there's whats what's im i'm ok okay really much many get got give let like know
    want wanted need needed needs lot lots kind sort type exactly actually also any
    job jobs post posts position positions posting postings role roles vacancy vacancies jpo jpos
    work working part one ones thing things question questions tell say said
    der die das den dem des ein eine einen einem einer eines und oder aber ich du er sie es
    wir ihr mir mich dir dich mein meine meinen meinem meiner sein seine ist sind war waren
    bin bist wird werden wurde würde würden wäre wären kann können könnte muss müssen soll
    sollen darf dürfen habe hast hat haben gibt gib es auch noch schon nur sehr wie was wer
    wo wann warum welche welcher welches welchen welchem im in am an auf aus bei mit nach von
    vor zu zum zur für über unter um als ob dass wenn denn dann so da hier dort mal bitte
    stelle stellen job jobs position rolle arbeit arbeiten brauche brauchen benötige gefragt
    verlangt erwartet nicht kein keine keinen man viel viele etwas alle
    le la les un une des du de d l et ou mais je tu il elle nous vous ils elles mon ma mes
    ton ta tes son sa ses est sont suis être avoir ai as a ont y en au aux pour par sur dans
    avec sans que qui quoi quel quelle quels quelles comment ce cet cette ces se ne pas plus
    faut il-faut poste postes emploi travail s'il
    el los las uno una unos unas y o pero yo tú él ella nosotros ustedes ellos mi mis tu tus
    su sus es son soy ser estar está están hay del al para por con sin que quién quien qué
    cuál cual cuáles cuales cómo como se no sí en lo le les puesto puestos trabajo empleo
    necesito necesita necesitan requiere requieren
    dear team hello hallo hola bonjour salut good morning afternoon evening hope doing
    well thank thanks thankyou regards kind best wishes cheers many advance appreciate
    wondering wonder curious interested interest could would kindly explain sehr geehrte
    damen herren liebes liebe guten tag morgen vielen dank voraus freundliche grusse gruss
    danke interessiere frage fragen eigentlich genau merci beaucoup cordialement madame
    monsieur gracias saludos muchas cordiales estimado estimados buenas buenos dias
    uberhaupt eigentlich genau wichtig important importante exactly anything something
    sieht aussehen aus ort lauft laufen geht gehen steht stehen macht machen mache tun tut
    bekomme bekommen kriege erhalte erhalten gemacht dazu kurze kurz
    offre annonce ausschreibung stellenausschreibung stellenangebot convocatoria oferta
    vacante advert announcement apres selon saber puedo puede podria gerade jetzt
    expected required sought exige exigee exigees attendu attendue
    attendus requerido requerida requeridos exigido exigida exigidos
    """.split()
)


def fold(text: str) -> str:
    """Lower-cases and strips accents: 'Jamaïque' -> 'jamaique', 'Größe' -> 'grosse'."""
    if text.isascii():  # most questions: nothing to decompose, and casefold is lower
        return text.lower()
    text = text.casefold().replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    # ASCII letters never combine: only the others are looked up.
    return "".join(ch for ch in decomposed if ch < "\x80" or not unicodedata.combining(ch))


@lru_cache(maxsize=65536)
def tokens(text: str) -> tuple[str, ...]:
    """The folded words of a text; punctuation and hyphens separate words."""
    return tuple(word for word in _NON_WORD.split(fold(text)) if word)


def sorted_words(text: str) -> str:
    """The words of a tokenised text in sorted order: rapidfuzz's token_sort_ratio is the
    ratio of these, so a text compared again and again is sorted once."""
    return " ".join(sorted(text.split()))


def starts_a_word(word: str, text: str) -> bool:
    """Whether `word` starts a word of `text`: `re.search(rf"\\b{re.escape(word)}", text)`
    for a word that begins with a letter or digit, without compiling a pattern per word."""
    if not word or not _is_word_character(word[0]):
        return re.search(rf"\b{re.escape(word)}", text) is not None
    start = text.find(word)
    while start >= 0:
        if start == 0 or not _is_word_character(text[start - 1]):
            return True
        start = text.find(word, start + 1)
    return False


def _is_word_character(character: str) -> bool:
    return character.isalnum() or character == "_"  # what re's \w matches


_FOLDED_STOP_WORDS = frozenset(fold(word) for word in STOP_WORDS)


def is_stop_word(token: str) -> bool:
    return token in _FOLDED_STOP_WORDS


def max_typos(token: str) -> int:
    """How many edits a word of this length may carry and still be recognised."""
    if len(token) <= 4:
        return 0
    if len(token) <= 7:
        return 1
    return 2
