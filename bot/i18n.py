"""The engine's own words in each language: framing around the postings' content.

The postings are written in English; a German (French, Spanish) question gets headings,
notes and suggestions in its language around that content.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.knowledge.schema import Lang


@dataclass(frozen=True, slots=True)
class Phrases:
    """One language's framing texts; `{…}` fields are filled by the engine."""

    not_stated: str
    not_stated_programme: str
    clarify_heading: str
    clarify_text: str
    fallback_heading: str
    fallback_text: str
    empty_heading: str
    empty_text: str
    too_long_note: str
    did_you_mean_heading: str
    did_you_mean_text: str
    programme_block: str
    programme_heading: str
    found_in: str
    postings_heading: str
    postings_text: str
    topics_heading: str
    topics_text: str
    full_topic: str
    elsewhere: str
    only_posting: str
    not_stated_short: str
    detail_not_stated: str


PHRASES: dict[Lang, Phrases] = {
    "en": Phrases(
        not_stated="The posting does not say anything about this. Please ask {contact}.",
        not_stated_programme="The programme information I have does not cover this. "
        "Please ask {contact}.",
        clarify_heading="Which posting do you mean?",
        clarify_text="Your question depends on the posting. Please choose one:",
        fallback_heading="I can only help with the JPO postings",
        fallback_text="I answer questions about these JPO postings: duties, eligibility, "
        "languages, training, duration, duty station, living conditions and how to apply. "
        "Ask me, for example, “Which languages do I need?”",
        empty_heading="Please type a question",
        empty_text="For example: “What would I do in the UNEP job?”",
        too_long_note="Your message was long; I read its first part.",
        did_you_mean_heading="Did you mean …?",
        did_you_mean_text="I am not sure which of these you are asking about:",
        programme_block="JPO programme (BFIO programme information)",
        programme_heading="JPO programme",
        found_in="From “{topic}”",
        postings_heading="JPO postings",
        postings_text="Choose a posting to ask about:",
        topics_heading="{posting}: topics",
        topics_text="What would you like to know?",
        full_topic="All of “{topic}”",
        elsewhere="The posting you selected ({posting}) does not mention this; "
        "the answer above is from the posting named in its heading.",
        only_posting="Only this posting states it; {others}: not stated.",
        not_stated_short="The posting does not say.",
        detail_not_stated="The posting does not mention “{words}”; "
        "above is what it says on this topic.",
    ),
    "de": Phrases(
        not_stated="Dazu sagt die Ausschreibung nichts. Bitte wenden Sie sich an {contact}.",
        not_stated_programme="Dazu habe ich keine Programminformationen. "
        "Bitte wenden Sie sich an {contact}.",
        clarify_heading="Welche Stelle meinen Sie?",
        clarify_text="Die Antwort hängt von der Stelle ab. Bitte wählen Sie eine aus:",
        fallback_heading="Ich helfe nur bei den JPO-Stellen",
        fallback_text="Ich beantworte Fragen zu diesen JPO-Ausschreibungen: Aufgaben, "
        "Voraussetzungen, Sprachen, Weiterbildung, Dauer, Dienstort, Lebensbedingungen und "
        "Bewerbung. Fragen Sie zum Beispiel: „Welche Sprachen brauche ich?“",
        empty_heading="Bitte stellen Sie eine Frage",
        empty_text="Zum Beispiel: „Was wären meine Aufgaben bei UNEP?“",
        too_long_note="Ihre Nachricht war lang; ich habe den ersten Teil gelesen.",
        did_you_mean_heading="Meinten Sie …?",
        did_you_mean_text="Ich bin nicht sicher, wonach Sie fragen:",
        programme_block="JPO-Programm (Programminformation des BFIO)",
        programme_heading="JPO-Programm",
        found_in="Aus „{topic}“",
        postings_heading="JPO-Stellen",
        postings_text="Wählen Sie eine Stelle aus:",
        topics_heading="{posting}: Themen",
        topics_text="Was möchten Sie wissen?",
        full_topic="„{topic}“ ganz",
        elsewhere="Die gewählte Ausschreibung ({posting}) erwähnt das nicht; "
        "die Antwort oben stammt aus der Ausschreibung in der Überschrift.",
        only_posting="Nur diese Ausschreibung nennt das; {others}: keine Angabe.",
        not_stated_short="Keine Angabe in der Ausschreibung.",
        detail_not_stated="„{words}“ erwähnt die Ausschreibung nicht; "
        "oben steht, was sie zum Thema sagt.",
    ),
    "fr": Phrases(
        not_stated="L'offre ne le précise pas. Veuillez vous adresser au {contact}.",
        not_stated_programme="Les informations sur le programme ne le précisent pas. "
        "Veuillez vous adresser au {contact}.",
        clarify_heading="De quel poste parlez-vous ?",
        clarify_text="La réponse dépend du poste. Choisissez-en un :",
        fallback_heading="Je ne peux aider que pour les postes JPO",
        fallback_text="Je réponds aux questions sur ces postes JPO : tâches, conditions, "
        "langues, formation, durée, lieu d'affectation, conditions de vie et candidature.",
        empty_heading="Veuillez poser une question",
        empty_text="Par exemple : « Quelles langues faut-il ? »",
        too_long_note="Votre message était long ; j'en ai lu le début.",
        did_you_mean_heading="Vouliez-vous dire … ?",
        did_you_mean_text="Je ne suis pas sûr de ce que vous demandez :",
        programme_block="Programme JPO (information du BFIO)",
        programme_heading="Programme JPO",
        found_in="Extrait de « {topic} »",
        postings_heading="Postes JPO",
        postings_text="Choisissez un poste :",
        topics_heading="{posting} : thèmes",
        topics_text="Que voulez-vous savoir ?",
        full_topic="« {topic} » en entier",
        elsewhere="L'offre choisie ({posting}) ne le mentionne pas ; "
        "la réponse ci-dessus vient de l'offre nommée dans le titre.",
        only_posting="Seule cette offre le précise ; {others} : non précisé.",
        not_stated_short="L'offre ne le précise pas.",
        detail_not_stated="L'offre ne mentionne pas « {words} » ; "
        "ci-dessus, ce qu'elle dit sur ce thème.",
    ),
    "es": Phrases(
        not_stated="La convocatoria no lo indica. Consulte a {contact}.",
        not_stated_programme="La información del programa no lo indica. Consulte a {contact}.",
        clarify_heading="¿A qué puesto se refiere?",
        clarify_text="La respuesta depende del puesto. Elija uno:",
        fallback_heading="Solo puedo ayudar con los puestos JPO",
        fallback_text="Respondo preguntas sobre estos puestos JPO: funciones, requisitos, "
        "idiomas, formación, duración, lugar de destino, condiciones de vida y solicitud.",
        empty_heading="Escriba una pregunta",
        empty_text="Por ejemplo: «¿Qué idiomas se necesitan?»",
        too_long_note="Su mensaje era largo; he leído la primera parte.",
        did_you_mean_heading="¿Quiso decir …?",
        did_you_mean_text="No estoy seguro de qué pregunta:",
        programme_block="Programa JPO (información del BFIO)",
        programme_heading="Programa JPO",
        found_in="De «{topic}»",
        postings_heading="Puestos JPO",
        postings_text="Elija un puesto:",
        topics_heading="{posting}: temas",
        topics_text="¿Qué desea saber?",
        full_topic="«{topic}» completo",
        elsewhere="La convocatoria elegida ({posting}) no lo menciona; "
        "la respuesta de arriba es de la convocatoria del título.",
        only_posting="Solo esta convocatoria lo indica; {others}: no se indica.",
        not_stated_short="La convocatoria no lo indica.",
        detail_not_stated="La convocatoria no menciona «{words}»; "
        "arriba, lo que dice sobre el tema.",
    ),
}


def phrases(lang: str) -> Phrases:
    """The framing texts of a language, English where it is not supported."""
    return PHRASES.get(lang, PHRASES["en"])  # type: ignore[call-overload]
