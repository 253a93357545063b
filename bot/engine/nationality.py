"""Questions that state the candidate's nationality: "Ich bin Schweizer. Kann ich teilnehmen?",
"Can I apply as a US citizen?", "Je suis belge.", "Soy mexicana.".

Neither the postings nor the programme information say anything about nationality, so
such a question is answered from the catalogue's nationality topic (honestly: not stated,
ask BFIO) rather than from whatever else its words share ("apply" is not the question).
"""

from __future__ import annotations

import re

from bot.engine import cues

TOPIC = "nationality"
# Word starts of nationalities, folded (accents stripped), in the four languages; enough for
# the candidates BFIO hears from, and a nationality not listed here still finds the topic by
# its keywords ("citizenship", "Staatsangehörigkeit").
_DEMONYMS = (
    r"german|deutsche?r?|swiss|schweizer\w*|suisse|suiza|suizo|austrian|osterreicher\w*|"
    r"autrichien\w*|austriac\w*|belgian|belgier\w*|belge|belga|dutch|niederlander\w*|"
    r"neerlandais\w*|holandes\w*|french|franzose|franzosin|francais\w*|frances\w*|italian\w*|"
    r"italiener\w*|italien\w*|italiano|italiana|spanish|spanier\w*|espagnol\w*|espanol\w*|"
    r"portugues\w*|polish|pole|polin|polonais\w*|polaco|polaca|british|brite|britin|"
    r"britannique|britanico|britanica|irish|american|amerikaner\w*|americain\w*|"
    r"estadounidense|canadian|kanadier\w*|canadien\w*|canadiense|mexican\w*|mexikaner\w*|"
    r"mexicain\w*|mexicano|mexicana|brazilian|brasilianer\w*|bresilien\w*|brasileno|brasilena|"
    r"argentin\w*|colombian\w*|kolumbianer\w*|chilen\w*|peruan\w*|indian|inder|inderin|indien|"
    r"indienne|chinese|chinois\w*|chino|china|japanese|japaner\w*|japonais\w*|japones\w*|"
    r"turkish|turke|turkin|turc|turque|turco|turca|nigerian\w*|kenyan\w*|ghanaian|"
    r"jamaican\w*|jamaikaner\w*|jamaicain\w*|jamaicano|jamaicana"
)
_STATED = re.compile(
    r"\b(?:i'?m|i am|ich bin|je suis|soy)\s+(?:a\s+|an\s+|une?\s+)?(?:" + _DEMONYMS + r")\b"
    r"|\b(?:as|als|en tant que|como)\s+(?:an?\s+|une?\s+)?(?:[a-z]+\s+){0,2}"
    r"(?:citizen|national|staatsburger\w*|citoyen\w*|ciudadan[oa])\b"
    r"|\b(?:citizen|citoyen\w*|ciudadan[oa]|staatsburger\w*) (?:of|de|der|des|aus)\b"
)

# The question asks whether the candidate may take part (not "how long is it?").
_MAY_APPLY = re.compile(
    r"\b(?:apply|applying|eligib\w*|qualif\w*|allowed|join|bewerb\w*|teilnehm\w*|infrage|"
    r"berechtigt|zugelassen|mitmachen|candidat\w*|postul\w*|admis\w*|particip\w*|elegible)\b"
)


def asks_as_national(question: str) -> bool:
    """Whether the candidate states a nationality or citizenship ("I'm Swiss", "as a US
    citizen", "Je suis belge") and asks whether they may apply."""
    text = cues.folded(question)
    return bool(_MAY_APPLY.search(text)) and bool(_STATED.search(text))  # the cheap one first
