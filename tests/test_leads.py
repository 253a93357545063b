"""Direct answers: the lead a candidate reads first, built from the postings' typed facts."""

from __future__ import annotations

import dataclasses
import re
from html.parser import HTMLParser
from string import Formatter

import pytest

from bot.engine.conversation import Assistant
from bot.engine.render import render_html, render_plain
from bot.engine.state import ChatState
from bot.knowledge.schema import LANGS
from bot.texts import LEADS

UNEP = "unep-car-rcu"
UNESCO = "unesco-clt"


def lead(assistant: Assistant, question: str, lang: str = "en") -> str:
    reply = assistant.ask(question, ChatState(lang=lang)).reply
    return reply.answer.lead or ""


@pytest.mark.parametrize(
    ("question", "lang", "expected"),
    [
        # yes / no in all four languages
        ("Is Spanish required for the Jamaica job?", "en", "No — "),
        ("Do I need a Master's degree for the UNESCO position?", "en", "Yes — "),
        ("Will I have to travel in the Jamaica job?", "en", "Yes — "),
        ("Kann ich die Stelle in Kingston verlängern?", "de", "Ja – "),
        ("Muss ich für die Stelle in Kingston Spanisch können?", "de", "Nein – "),
        ("Reicht ein Bachelor für die UNEP-Stelle?", "de", "Nein – "),
        ("Le poste UNESCO exige-t-il le français ?", "fr", "Non — "),
        ("¿Se requiere francés para el puesto de la UNESCO?", "es", "No: "),
        ("¿Es obligatorio el inglés para el puesto en Jamaica?", "es", "Sí: "),
    ],
)
def test_a_yes_no_question_starts_with_yes_or_no_in_the_users_language(
    assistant: Assistant, question: str, lang: str, expected: str
) -> None:
    assert lead(assistant, question, lang).startswith(expected)


def test_the_language_lead_names_each_language_with_its_level(assistant: Assistant) -> None:
    assert lead(assistant, "Is Spanish required for the Jamaica job?") == (
        "No — English is essential; Spanish or French is an asset."
    )
    assert lead(assistant, "Muss ich für die Stelle in Kingston Spanisch können?", "de") == (
        "Nein – Englisch ist unerlässlich; Spanisch oder Französisch ist von Vorteil."
    )


def test_duration_is_answered_from_its_fact(assistant: Assistant) -> None:
    assert lead(assistant, "How long is the assignment in Kingston?") == (
        "2 years, with a possible extension by one year."
    )


def test_a_fact_the_posting_is_silent_on_is_not_stated_never_guessed(
    assistant: Assistant,
) -> None:
    text = lead(assistant, "Will I have to travel for the UNESCO job?")
    assert text.startswith("Not stated — the posting does not say;")
    assert "BFIO" in text
    assert lead(assistant, "How long is the UNESCO assignment?").startswith(
        "The posting does not say"
    )


def test_experience_before_the_first_degree_does_not_count(assistant: Assistant) -> None:
    text = lead(assistant, "Does work experience from before my bachelor's count for the JPO?")
    assert text.startswith("No — only experience after the first university degree")


def test_a_detail_the_posting_calls_an_asset_is_not_a_requirement(assistant: Assistant) -> None:
    text = lead(assistant, "Is post graduate training in Proposal Writing required for UNEP?")
    assert text.startswith("No — the posting calls it an asset")


def test_a_topic_without_facts_gets_no_lead(assistant: Assistant) -> None:
    assert lead(assistant, "What are the living conditions in Kingston?") == ""


def test_the_lead_comes_first_and_the_quote_unfolds_in_telegram(assistant: Assistant) -> None:
    answer = assistant.ask("Is Spanish required for the Jamaica job?", ChatState()).reply.answer
    plain = render_plain(answer)
    assert plain.startswith("No — English is essential")
    assert "Working knowledge of Spanish and/or French is an asset" in plain
    html = render_html(answer)
    assert html.startswith("<b>No — English is essential")
    assert "<blockquote expandable>" in html and html.endswith("</blockquote>")
    _assert_balanced(html)


def _assert_balanced(html: str) -> None:
    """Every tag Telegram's HTML parser sees is closed in order."""
    stack: list[str] = []

    class Parser(HTMLParser):
        def handle_starttag(self, tag: str, attrs: object) -> None:
            stack.append(tag)

        def handle_endtag(self, tag: str) -> None:
            assert stack.pop() == tag

    Parser().feed(html)
    assert stack == []


@pytest.mark.parametrize("lang", LANGS)
def test_every_lead_phrase_is_written_with_the_placeholders_of_english(lang: str) -> None:
    english, texts = LEADS["en"], LEADS[lang]
    for field in dataclasses.fields(english):
        if field.name == "names":
            continue
        value, reference = getattr(texts, field.name), getattr(english, field.name)
        assert isinstance(value, str) and value.strip(), field.name
        assert _fields(value) == _fields(reference), field.name
    assert not re.search(
        r"[<>]", " ".join(str(getattr(texts, f.name)) for f in dataclasses.fields(texts))
    )


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(template) if name}


@pytest.mark.parametrize(
    ("question", "lang", "expected"),
    [
        ("Sind Spanischkenntnisse bei der UNEP-Stelle von Vorteil?", "de", "Ja – "),
        ("Dauert der UNEP-Einsatz in Kingston zwei Jahre?", "de", "Ja – "),
        ("Does the Kingston assignment last three years?", "en", "No — "),
        ("Are two years of work experience mandatory for JPO applicants?", "en", "Yes — "),
    ],
)
def test_a_yes_no_question_checked_against_a_fact(
    assistant: Assistant, question: str, lang: str, expected: str
) -> None:
    assert lead(assistant, question, lang).startswith(expected)


def test_a_detail_the_posting_names_is_a_yes_with_its_quote(assistant: Assistant) -> None:
    text = lead(assistant, "Is there a mid-term performance report in the Jamaica position?")
    assert text.startswith("Yes — the posting names it: “")
    assert "mid-term" in text


def test_hardly_any_english_is_a_no_where_english_is_required(assistant: Assistant) -> None:
    text = lead(assistant, "I speak French but hardly any English. Could I apply for UNESCO?")
    assert text.startswith("No — English is required")


@pytest.mark.parametrize(
    ("question", "lang", "starts"),
    [
        ("Can I work remotely for the UNESCO job?", "en", "Not stated — the posting does not say"),
        ("Gibt es bei der UNEP-Stelle einen Umzugszuschuss?", "de", "Nicht angegeben"),
        ("What is the salary at UNESCO?", "en", "The posting does not say"),
    ],
)
def test_a_topic_without_facts_that_the_posting_leaves_unsaid_still_leads_with_not_stated(
    assistant: Assistant, question: str, lang: str, starts: str
) -> None:
    reply = assistant.ask(question, ChatState(lang=lang)).reply
    assert reply.status == "not_stated"
    assert reply.answer.lead is not None and reply.answer.lead.startswith(starts)
    assert "BFIO" in reply.answer.lead


def test_a_split_compound_finds_the_bullet_that_names_it_as_an_asset(
    assistant: Assistant,
) -> None:
    question = "Muss ich für Kingston eine Weiterbildung in Projektmanagement haben?"
    text = lead(assistant, question, "de")
    assert text.startswith("Nein")
    assert "Project Management" in text


def test_an_unsaid_topic_is_never_answered_yes_from_a_bullet_sharing_a_word(
    assistant: Assistant,
) -> None:
    reply = assistant.ask(
        "Does the Kingston post come with accommodation provided?", ChatState(lang="en")
    ).reply
    assert reply.status == "not_stated"
    assert reply.answer.lead is not None
    assert reply.answer.lead.startswith("Not stated — the posting does not say")


def test_asking_for_a_doctorate_where_a_masters_is_asked_is_no(assistant: Assistant) -> None:
    assert lead(assistant, "Brauche ich für UNEP einen Doktortitel?", "de").startswith("Nein")


def test_a_postings_overview_leads_with_its_facts_at_a_glance(assistant: Assistant) -> None:
    assert lead(assistant, "Tell me about the Jamaica job") == (
        "Duty station: Kingston, Jamaica. Duration and extension: 2 years, with a possible "
        "extension by one year. Education and qualifications: a Master's degree in "
        "Environmental Management or Natural Sciences or a related field. Languages: English "
        "is essential; Spanish or French is an asset."
    )


@pytest.mark.parametrize(
    ("question", "lang", "master"),
    [
        ("Tell me everything about the UNESCO position.", "en", "Master's degree"),
        ("Cuéntame todo sobre el puesto de la UNESCO.", "es", "máster"),
        ("Parlez-moi du poste à l'UNESCO.", "fr", "master"),
        ("Fass mir bitte die UNESCO-Ausschreibung kurz zusammen", "de", "Masterabschluss"),
    ],
)
def test_asking_for_everything_about_a_posting_gives_its_overview(
    assistant: Assistant, question: str, lang: str, master: str
) -> None:
    reply = assistant.ask(question, ChatState(lang=lang)).reply
    assert reply.status == "answered"
    assert reply.posting == UNESCO
    assert reply.topic == "overview"
    assert master in (reply.answer.lead or "")


def test_a_fact_asked_of_a_postings_overview_is_its_lead(assistant: Assistant) -> None:
    assert lead(assistant, "where is the unep job") == "Kingston, Jamaica."


def test_reading_everything_again_is_no_request_for_everything(assistant: Assistant) -> None:
    state = assistant.ask("What degree does the UNESCO post require?", ChatState()).state
    farewell = "Thanks, that was helpful. I will read everything again tonight. Goodbye!"
    assert assistant.ask(farewell, state).reply.status == "smalltalk"


def test_a_number_that_counts_no_years_decides_no_duration(assistant: Assistant) -> None:
    # A salary question landing on the duration gets the fact, never "No — 2 years".
    text = lead(assistant, "Is the JPO in Kingston paid more than 5,000 dollars a month?")
    assert not text.startswith(("No", "Yes"))
    assert lead(assistant, "Dauert die Stelle in Kingston 3 Jahre?", "de").startswith("Nein – 2")


def test_experience_before_the_first_degree_is_a_no_in_spanish(assistant: Assistant) -> None:
    question = "¿Cuenta la experiencia laboral anterior a mi primer título universitario?"
    assert lead(assistant, question, "es").startswith("No: solo cuenta la experiencia")


def test_needing_work_experience_is_a_yes_with_the_minimum(assistant: Assistant) -> None:
    text = lead(assistant, "Brauche ich für die Stelle in Kingston Berufserfahrung?", "de")
    assert text.startswith("Ja – mindestens 2 Jahre Berufserfahrung")
    # Which experience counts is the programme rule, not a yes.
    question = "Is work experience after my master required for UNEP?"
    assert not lead(assistant, question).startswith("Yes")


def test_nada_de_ingles_denies_the_essential_english(assistant: Assistant) -> None:
    question = "Solo hablo español y francés, nada de inglés. ¿Puedo aplicar al puesto de Jamaica?"
    assert lead(assistant, question, "es").startswith("No: inglés es esencial")


@pytest.mark.parametrize(
    ("question", "lang", "degree"),
    [
        (
            "Welche Voraussetzungen gibt es für die Stelle in Jamaika?",
            "de",
            "Einen Masterabschluss",
        ),
        ("Quelles sont les conditions requises pour le poste en Jamaïque ?", "fr", "Un master"),
    ],
)
def test_the_requirements_of_a_named_posting_are_its_degree_experience_and_languages(
    assistant: Assistant, question: str, lang: str, degree: str
) -> None:
    reply = assistant.ask(question, ChatState(lang=lang)).reply
    assert (reply.posting, reply.topic) == (UNEP, "qualifications")
    assert (reply.answer.lead or "").startswith(degree)


def test_the_living_conditions_are_no_requirements_question(assistant: Assistant) -> None:
    reply = assistant.ask("Quelles sont les conditions de vie en Jamaïque ?", ChatState(lang="fr"))
    assert reply.reply.topic == "living_conditions"


def test_a_programme_topic_nobody_states_says_the_programme_information_is_silent(
    assistant: Assistant,
) -> None:
    assert lead(assistant, "Is there an age limit?").startswith(
        "Not stated — the programme information does not say;"
    )
    german = lead(assistant, "Ich bin Schweizer. Kann ich am JPO-Programm teilnehmen?", "de")
    assert german.startswith("Nicht angegeben – die Programminformationen sagen dazu nichts;")


def test_the_qualifications_asked_for_lead_with_degree_experience_and_languages(
    assistant: Assistant,
) -> None:
    text = lead(assistant, "Quelles sont les qualifications demandées pour le poste UNESCO ?", "fr")
    assert text.startswith("Un master en cultural policies")
    assert "L'anglais est exigé" in text


def test_steht_in_der_ausschreibung_asks_yes_or_no(assistant: Assistant) -> None:
    question = "Steht in der UNEP-Ausschreibung, ob eine Wohnung gestellt wird?"
    assert lead(assistant, question, "de").startswith("Nicht angegeben – ")


@pytest.mark.parametrize(
    ("question", "lang", "start"),
    [
        ("does my internship during my bachelor count towards the work experience?", "en", "No — "),
        ("Zählt mein Praktikum während des Bachelors als Berufserfahrung?", "de", "Nein – "),
        ("¿Hace falta experiencia laboral para ser JPO?", "es", "Sí: al menos 2 años"),
    ],
)
def test_experience_yes_no_questions_are_answered_from_the_programme_rule(
    assistant: Assistant, question: str, lang: str, start: str
) -> None:
    assert lead(assistant, question, lang).startswith(start)


def test_how_much_experience_is_answered_with_the_minimum_not_a_yes(assistant: Assistant) -> None:
    text = lead(assistant, "Combien d'années d'expérience faut-il pour être JPO ?", "fr")
    assert text.startswith("Au moins 2 ans d'expérience professionnelle")


@pytest.mark.parametrize(
    ("question", "lang", "start"),
    [
        ("Is the UNEP job in Jamaica?", "en", "Yes — Kingston, Jamaica."),
        ("Ist die UNEP-Stelle in Kingston?", "de", "Ja"),
        ("Le poste du PNUE est-il basé à Kingston ?", "fr", "Oui"),
        ("¿El puesto del PNUMA está en Jamaica?", "es", "Sí"),
    ],
)
def test_a_yes_no_question_naming_the_duty_station_is_answered_yes(
    assistant: Assistant, question: str, lang: str, start: str
) -> None:
    assert lead(assistant, question, lang).startswith(start)


def test_a_yes_no_question_naming_the_posting_by_its_place_is_no_duty_station_yes(
    assistant: Assistant,
) -> None:
    # "Jamaica" names the posting here; the question does not ask where it is.
    assert not lead(assistant, "Is the Jamaica job interesting?").startswith("Yes")


@pytest.mark.parametrize(
    ("question", "start"),
    [
        ("¿El francés es obligatorio para el puesto del PNUMA?", "No"),
        ("¿Basta con una licenciatura para el puesto de Kingston?", "No"),
    ],
)
def test_a_spanish_question_with_the_subject_first_or_basta_is_answered_yes_or_no(
    assistant: Assistant, question: str, start: str
) -> None:
    assert lead(assistant, question, "es").startswith(start)


@pytest.mark.parametrize(
    ("question", "lang", "start"),
    [
        ("Is knowledge of UNESCO's Culture Programme a must?", "en", "No — the posting calls it"),
        ("La connaissance du Programme Culture de l'UNESCO est-elle obligatoire ?", "fr", "Non"),
    ],
)
def test_a_required_question_on_an_asset_bullet_of_the_experience_list_is_no(
    assistant: Assistant, question: str, lang: str, start: str
) -> None:
    found = lead(assistant, question, lang)
    assert found.startswith(start)
    assert "Culture Programme would be an asset" in found


def test_a_question_on_the_years_of_experience_keeps_the_experience_lead(
    assistant: Assistant,
) -> None:
    assert lead(assistant, "Do I need two years of experience for UNESCO?").startswith(
        "Yes — at least 2 years"
    )


def test_a_required_question_on_a_duty_bullet_gets_no_yes(assistant: Assistant) -> None:
    # A duty that names social media makes no experience in it a requirement.
    found = lead(assistant, "Is social media experience required for the UNEP job?")
    assert not found.startswith("Yes")


def test_a_required_question_on_a_detail_the_posting_calls_an_asset_is_no(
    assistant: Assistant,
) -> None:
    found = lead(
        assistant,
        "Une formation en gestion de projet est-elle obligatoire pour le poste PNUE ?",
        "fr",
    )
    assert found.startswith("Non")
    assert "Project Management" in found


def test_a_yes_no_question_on_a_detail_of_the_experience_bullet_quotes_it(
    assistant: Assistant,
) -> None:
    found = lead(assistant, "Does the UNEP post ask for experience at national level?")
    assert found.startswith("Yes — the posting names it")
    assert "national" in found


def test_a_detail_listed_beside_the_degree_is_answered_by_its_bullet_not_the_degree(
    assistant: Assistant,
) -> None:
    # The degree fact answers questions about the degree; the asset bullet beside it
    # answers questions about itself, whichever topic the question lands on.
    required = lead(assistant, "Is post-graduate training in proposal writing required for UNEP?")
    assert required.startswith("No")
    assert "Proposal Writing" in required
    helps = lead(assistant, "Would a postgrad certificate in project management help for UNEP?")
    assert helps.startswith("Yes")
    degree = lead(assistant, "Do I need a Master's degree for the UNEP job?")
    assert degree.startswith("Yes") and "Master" in degree
