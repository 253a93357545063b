"""Comparisons: one reply, posting by posting, led by a verdict from the typed facts."""

from __future__ import annotations

import pytest

from bot.engine.conversation import Assistant
from bot.engine.render import render_plain
from bot.engine.state import ChatState

UNEP = "unep-car-rcu"
UNESCO = "unesco-clt"


def ask(assistant: Assistant, question: str, lang: str = "en"):
    return assistant.ask(question, ChatState(lang=lang)).reply


def test_which_of_the_two_needs_spanish_is_neither(assistant: Assistant) -> None:
    reply = ask(assistant, "Which of the two postings needs Spanish?")
    assert reply.status == "answered"
    assert set(reply.postings) == {UNEP, UNESCO}
    assert reply.answer.lead == "Neither posting requires Spanish."
    text = render_plain(reply.answer)
    assert "Spanish or French is an asset" in text
    assert "another official language of UNESCO is an asset" in text


def test_both_require_a_masters_answers_yes_in_french_and_english(assistant: Assistant) -> None:
    assert ask(assistant, "Do both jobs require a Master's?").answer.lead == (
        "Yes — both postings require a Master's degree."
    )
    lead = ask(assistant, "Les deux postes exigent-ils l'anglais ?", "fr").answer.lead or ""
    assert lead.startswith("Oui — les deux postes exigent l'anglais")


def test_a_posting_that_is_silent_says_not_stated(assistant: Assistant) -> None:
    reply = ask(assistant, "Which of the two assignments lasts longer?")
    assert set(reply.postings) == {UNEP, UNESCO}
    lead = reply.answer.lead or ""
    assert "2 years, with a possible extension by one year" in lead
    assert "UNESCO – Culture Sector: The posting does not say" in lead
    assert "The posting does not say." in render_plain(reply.answer)


def test_a_detail_only_one_posting_names_is_credited_to_it(assistant: Assistant) -> None:
    reply = ask(assistant, "Which posting involves social media?")
    assert reply.answer.lead == "Only UNEP – Kingston, Jamaica mentions it."
    assert "Facebook" in render_plain(reply.answer)


def test_a_named_field_points_to_the_posting_that_lists_it(assistant: Assistant) -> None:
    reply = ask(assistant, "I have a Master's in International Relations. Which job fits?")
    assert (
        reply.answer.lead == "UNESCO – Culture Sector names your field (international relations)."
    )


def test_the_difference_between_the_two_jobs_shows_each_overview(assistant: Assistant) -> None:
    reply = ask(assistant, "What's the difference between the two jobs?")
    assert set(reply.postings) == {UNEP, UNESCO}
    text = render_plain(reply.answer)
    assert "Cartagena" in text and "Culture" in text


def test_which_posting_values_a_language_as_an_asset(assistant: Assistant) -> None:
    reply = ask(assistant, "Bei welcher der beiden Stellen ist Spanisch von Vorteil?", "de")
    assert reply.answer.lead == "Nur UNEP – Kingston, Jamaika erwähnt das."


def test_compare_and_each_of_the_two_in_any_form_ask_for_a_comparison(
    assistant: Assistant,
) -> None:
    for question, lang in (
        ("Comparez les exigences linguistiques des deux postes, s'il vous plaît.", "fr"),
        ("Quelles compétences informatiques pour chacun des deux postes ?", "fr"),
        ("Vergleiche bitte die Sprachanforderungen der Stellen.", "de"),
    ):
        reply = assistant.ask(question, ChatState(lang=lang)).reply
        assert reply.status == "answered", question
        assert set(reply.postings) == {"unep-car-rcu", "unesco-clt"}, question


def test_one_rare_word_only_one_posting_names_gives_the_verdict(assistant: Assistant) -> None:
    reply = ask(assistant, "Which of the postings has a training budget?")
    assert reply.answer.lead == "Only UNEP – Kingston, Jamaica mentions it."
    assert "training budget" in render_plain(reply.answer)


def test_a_comparison_with_the_subject_first_still_answers_yes(assistant: Assistant) -> None:
    reply = ask(assistant, "¿Las dos ofertas piden un máster?", "es")
    assert reply.answer.lead is not None and reply.answer.lead.startswith("Sí")
    reply = ask(assistant, "Both postings ask for a Master's degree?")
    assert reply.answer.lead == "Yes — both postings require a Master's degree."


def test_where_and_how_long_compare_the_duty_station_and_duration(assistant: Assistant) -> None:
    where = ask(assistant, "Wo liegen die zwei Stellen?", "de")
    assert where.topic == "duty_station"
    assert where.answer.lead == (
        "UNEP – Kingston, Jamaika: Kingston, Jamaika; "
        "UNESCO – Kultursektor: Keine Angabe in der Ausschreibung."
    )
    longer = ask(assistant, "¿Cuál de los dos dura más tiempo?", "es")
    assert longer.topic == "duration"
    assert longer.answer.lead is not None and "2 años" in longer.answer.lead


def test_a_detail_only_an_faq_entry_names_is_credited_to_its_posting(
    assistant: Assistant,
) -> None:
    # No bullet shares the Spanish words, but UNEP's FAQ entry on the training budget does.
    reply = ask(assistant, "¿Cuál de los dos puestos ofrece un presupuesto de formación?", "es")
    assert set(reply.postings) == {UNEP, UNESCO}
    assert reply.answer.lead == "Solo PNUMA – Kingston, Jamaica lo menciona."
    unep = reply.answer.blocks[list(reply.postings).index(UNEP)]
    assert any("training budget" in point for point in unep.points)
    assert not any(point.startswith("Yes.") for point in unep.points)


@pytest.mark.parametrize(
    ("question", "lang", "silent"),
    [
        ("Lequel des deux postes dure le plus longtemps ?", "fr", "ne précise pas"),
        ("¿Cuál de los dos puestos dura más?", "es", "no indica"),
    ],
)
def test_a_silent_posting_in_a_comparison_says_it_does_not_state_it(
    assistant: Assistant, question: str, lang: str, silent: str
) -> None:
    reply = ask(assistant, question, lang)
    assert set(reply.postings) == {UNEP, UNESCO}
    assert silent in (reply.answer.lead or "")
    assert silent in render_plain(reply.answer)


def test_a_comparison_on_tied_topics_compares_the_one_with_typed_facts(
    assistant: Assistant,
) -> None:
    reply = ask(assistant, "Which of the two jobs involves travel?")
    assert reply.topic == "travel"
    assert (reply.answer.lead or "").startswith("UNEP – Kingston, Jamaica: the JPO will take part")
    assert "UNESCO – Culture Sector: The posting does not say" in (reply.answer.lead or "")


def test_a_comparison_naming_a_language_compares_the_languages(assistant: Assistant) -> None:
    reply = ask(assistant, "Verlangen beide Ausschreibungen sehr gute Englischkenntnisse?", "de")
    assert reply.topic == "languages"
    assert reply.answer.lead == "Ja – beide Stellen verlangen Englisch."


def test_a_comparison_compares_the_topic_asked_not_the_overview(assistant: Assistant) -> None:
    reply = ask(assistant, "Vergleiche die Lernelemente der beiden Stellen.", "de")
    assert reply.topic == "training"
    assert set(reply.postings) == {UNEP, UNESCO}


def test_which_one_lasts_longer_is_a_duration_comparison_with_a_score(
    assistant: Assistant,
) -> None:
    reply = ask(assistant, "Welche Stelle dauert länger?", "de")
    assert reply.topic == "duration"
    assert reply.score >= 70.0
    assert "2 Jahre" in (reply.answer.lead or "")


@pytest.mark.parametrize(
    ("first", "follow_up", "lang", "expected"),
    [
        (
            "¿Quién supervisa al JPO en Kingston?",
            "¿Y en la UNESCO? Compáralos.",
            "es",
            ("the Coordinator", "the Director"),
        ),
        (
            "Erzähl mir was über die UNESCO-Stelle",
            "Und was ist bei der UNEP-Stelle anders?",
            "de",
            ("Culture Sector", "Environment Programme"),
        ),
    ],
)
def test_asking_to_compare_after_an_answer_compares_its_topic(
    assistant: Assistant, first: str, follow_up: str, lang: str, expected: tuple[str, ...]
) -> None:
    state = assistant.ask(first, ChatState(lang=lang)).state
    reply = assistant.ask(follow_up, state).reply
    assert reply.status == "answered"
    assert set(reply.postings) == {UNEP, UNESCO}
    text = render_plain(reply.answer)
    assert all(part in text for part in expected)


def test_postings_named_one_by_one_are_compared_with_a_lead(assistant: Assistant) -> None:
    reply = ask(assistant, "Which degree do I need for UNESCO and which for UNEP?")
    assert set(reply.postings) == {UNEP, UNESCO}
    lead = reply.answer.lead or ""
    assert "UNESCO – Culture Sector: a Master's degree in cultural policies" in lead
    assert "UNEP – Kingston, Jamaica: a Master's degree in Environmental Management" in lead


def test_a_programme_rule_in_a_comparison_comes_with_what_the_posting_lists(
    assistant: Assistant,
) -> None:
    reply = ask(assistant, "¿Qué experiencia piden en cada uno de los dos puestos?", "es")
    unesco = reply.answer.blocks[list(reply.postings).index(UNESCO)]
    assert unesco.points[0].startswith("Al menos 2 años de experiencia laboral")
    assert "Knowledge of international public administration" in unesco.points


def test_which_posting_covers_a_topic_is_told_by_the_topics_content(
    assistant: Assistant,
) -> None:
    reply = ask(assistant, "Which of the two postings says anything about living conditions?")
    assert reply.answer.lead == "Only UNEP – Kingston, Jamaica mentions it."
    assert "Human Development Index" in render_plain(reply.answer)


def test_which_posting_fits_a_field_named_in_german_compares_both(assistant: Assistant) -> None:
    # "Kulturpolitik" points to UNESCO, but the question chooses among the postings.
    reply = ask(assistant, "Welche Stelle passt besser zu einem Master in Kulturpolitik?", "de")
    assert set(reply.postings) == {UNEP, UNESCO}
    assert reply.answer.lead == "UNESCO – Kultursektor nennt Ihr Fach (kulturpolitik)."


def test_a_comparison_of_language_requirements_compares_the_languages(
    assistant: Assistant,
) -> None:
    reply = ask(assistant, "Comparez les exigences linguistiques des deux postes.", "fr")
    assert reply.topic == "languages"
    assert "l'anglais est essentiel" in (reply.answer.lead or "")


@pytest.mark.parametrize(
    ("question", "lang", "lead"),
    [
        ("Do both jobs require office software skills?", "en", "Yes — both postings"),
        ("Which of the two postings asks for computer skills?", "en", "Both postings"),
        ("Les deux postes exigent-ils des compétences en informatique ?", "fr", "Oui"),
    ],
)
def test_a_comparison_checks_every_posting_for_the_asked_thing_in_any_of_its_words(
    assistant: Assistant, question: str, lang: str, lead: str
) -> None:
    # UNEP says "MS Office Suite", UNESCO "standard office software": both ask for it.
    reply = ask(assistant, question, lang)
    assert set(reply.postings) == {UNEP, UNESCO}
    assert (reply.answer.lead or "").startswith(lead)
    unep = reply.answer.blocks[list(reply.postings).index(UNEP)]
    assert any("MS Office" in point for point in unep.points)


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("whats the difference between the unesco and unep jobs", "en"),
        ("Quelle est la différence entre les deux postes ?", "fr"),
        ("Was ist der Unterschied zwischen den beiden Stellen?", "de"),
    ],
)
def test_an_open_comparison_compares_the_overviews_with_each_postings_summary(
    assistant: Assistant, question: str, lang: str
) -> None:
    reply = ask(assistant, question, lang)
    assert reply.topic == "overview"
    assert set(reply.postings) == {UNEP, UNESCO}
    lead = reply.answer.lead or ""
    assert "United Nations Environment Programme" in lead and "Culture Sector (CLT)" in lead
    assert "Kingston" in lead
    assert "Cartagena" in render_plain(reply.answer)


def test_a_difference_in_one_topic_compares_that_topic(assistant: Assistant) -> None:
    reply = ask(assistant, "What is the difference in duration between the two jobs?")
    assert reply.topic == "duration"


def test_a_comparison_naming_degrees_with_the_two_compares_the_degrees(
    assistant: Assistant,
) -> None:
    # "zwei" counts the postings, "Abschlüsse" are degrees: no duration comparison.
    reply = ask(assistant, "Welche Abschlüsse verlangen die zwei Stellen jeweils?", "de")
    assert reply.topic == "qualifications"
    assert "Master" in (reply.answer.lead or "")


def test_synonyms_come_from_the_best_faq_entry_only(assistant: Assistant) -> None:
    # UNESCO's entry on media queries shares "media" but its "member states" is no synonym.
    reply = ask(assistant, "Which of the two jobs mentions social media work?")
    assert reply.answer.lead == "Only UNEP – Kingston, Jamaica mentions it."
