"""The eligibility self-check: the candidate's own words against each posting's facts."""

from __future__ import annotations

import pytest

from bot.engine.conversation import Assistant
from bot.engine.eligibility import check_reply, is_self_check
from bot.engine.profile import read_profile
from bot.engine.render import render_plain
from bot.engine.state import ChatState
from bot.knowledge.base import KnowledgeBase

UNEP = "unep-car-rcu"
UNESCO = "unesco-clt"
YEAR = 2026


def lead(kb: KnowledgeBase, question: str, postings: tuple[str, ...], lang: str = "en") -> str:
    return check_reply(kb, question, postings, lang, YEAR).answer.lead or ""


def test_one_year_of_experience_is_not_yet_with_the_programme_reason(kb: KnowledgeBase) -> None:
    text = lead(kb, "I have a Master's in cultural management and 1 year of experience.", (UNESCO,))
    assert text == (
        "Not yet: the programme asks for 2 years of work experience after your first degree; "
        "you mention one year."
    )


def test_a_bachelor_is_not_enough_where_a_masters_is_asked(kb: KnowledgeBase) -> None:
    text = lead(kb, "Bachelor 2019, seit 2020 bei einer Umwelt-NGO – reicht das?", (UNEP,), "de")
    assert text.startswith("Noch nicht: die Ausschreibung verlangt einen Masterabschluss")
    assert "Sie nennen einen Bachelorabschluss" in text


def test_experience_before_university_does_not_count(kb: KnowledgeBase) -> None:
    question = (
        "I worked 4 years before going to university and finished my Master's in natural "
        "sciences last month."
    )
    assert read_profile(question, YEAR).after_first_degree is False
    text = lead(kb, question, (UNEP,))
    assert text.startswith("Not yet: the programme asks for 2 years")
    assert "no experience after your first degree" in text


def test_a_fitting_profile_is_yes_as_far_as_the_posting_says(kb: KnowledgeBase) -> None:
    question = "BSc Biology 2019, MSc Environmental Management 2021, working since 2019."
    assert lead(kb, question, (UNEP,)) == "Yes, as far as the posting says."


def test_what_is_not_stated_is_named_as_missing_never_assumed(kb: KnowledgeBase) -> None:
    text = lead(kb, "I have a Master's in computer science. Can I apply?", (UNESCO,))
    assert text.startswith("Can't tell yet:")
    assert "whether computer science counts depends on BFIO's review" in text
    assert "you do not mention your years of work experience" in text


def test_enough_years_without_saying_when_is_a_yes_with_its_one_condition(
    kb: KnowledgeBase,
) -> None:
    text = lead(
        kb, "Master in International Relations, drei Jahre Berufserfahrung.", (UNESCO,), "de"
    )
    assert text == (
        "Ja, soweit die Ausschreibung es sagt, sofern davon 2 Jahre nach Ihrem ersten "
        "Abschluss liegen (nur diese zählen)."
    )


def test_the_timing_condition_joins_the_other_missing_facts_when_something_else_is_missing(
    kb: KnowledgeBase,
) -> None:
    text = lead(kb, "I have a Master's and 3 years of experience. Eligible?", (UNESCO,))
    assert text.startswith("Can't tell yet: you do not mention your field of study")
    assert "whether your experience came after your first degree" in text


@pytest.mark.parametrize(
    ("field", "posting"),
    [
        ("marine biology", UNEP),
        ("Meeresbiologie", UNEP),
        ("sociología", UNESCO),
        ("history of art", UNESCO),
        ("gestión ambiental", UNEP),
        ("sciences naturelles", UNEP),
    ],
)
def test_a_discipline_of_a_family_the_posting_names_fits(
    kb: KnowledgeBase, field: str, posting: str
) -> None:
    question = f"I have a Master's in {field} and 3 years of experience after my bachelor."
    assert lead(kb, question, (posting,)) == "Yes, as far as the posting says."


def test_an_ma_in_capitals_is_a_masters_but_french_ma_is_my(kb: KnowledgeBase) -> None:
    assert read_profile("I have an MA in cultural policy", YEAR).degree == "master"
    assert read_profile("I have an MA in cultural policy", YEAR).fields == ("cultural policy",)
    assert read_profile("après ma licence en droit", YEAR).degree == "bachelor"


def test_years_at_a_workplace_are_work_experience(kb: KnowledgeBase) -> None:
    assert read_profile("Master, 4 years at a foreign ministry", YEAR).years == 4
    assert read_profile("Master, 3 Jahre bei einer NGO", YEAR).years == 3


@pytest.mark.parametrize(
    "question",
    [
        "Master in international relations, 4 years at a ministry. Would I be a fit for UNESCO?",
        "Master Umweltwissenschaften, 3 Jahre Erfahrung – passe ich für Kingston?",
        "hab nen master in kulturpolitik und 2,5 jahre berufserfahrung. passt das für unesco?",
        "master en sciences naturelles, 1 an d'expérience, c'est bon pour la jamaïque ?",
    ],
)
def test_asking_whether_one_fits_is_a_self_check(question: str) -> None:
    assert is_self_check(question, YEAR)


def test_a_missing_required_language_is_a_reason(kb: KnowledgeBase) -> None:
    question = "MSc Natural Sciences, 3 years after my bachelor, I speak Spanish and French."
    text = lead(kb, question, (UNEP,))
    assert text == "Not yet: English is essential."


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_every_check_ends_with_bfio_decides(assistant: Assistant, lang: str) -> None:
    question = (
        "I have a Master's in international relations and 3 years of experience. Can I apply?"
    )
    reply = assistant.ask(question, ChatState(lang=lang)).reply
    assert set(reply.postings) == {UNEP, UNESCO}
    text = render_plain(reply.answer)
    assert text.rstrip().endswith(reply.answer.note or "")
    assert "BFIO" in (reply.answer.note or "")


def test_a_plain_question_is_not_a_self_check() -> None:
    assert not is_self_check("Do I need a Master's degree for the UNESCO position?", YEAR)
    assert not is_self_check("Does experience from before my bachelor's count?", YEAR)
    assert is_self_check("J'ai 18 mois d'expérience après ma licence. Est-ce suffisant ?", YEAR)


def test_a_field_named_in_other_words_or_languages_still_fits(kb: KnowledgeBase) -> None:
    question = "Master in Umweltmanagement, drei Jahre Berufserfahrung nach dem Bachelor."
    assert lead(kb, question, (UNEP,), "de") == "Ja, soweit die Ausschreibung es sagt."
    question = "Master's in cultural policy, 2.5 years after my bachelor's."
    assert lead(kb, question, (UNESCO,)) == "Yes, as far as the posting says."


def test_weak_english_is_not_yet_where_english_is_essential(kb: KnowledgeBase) -> None:
    question = "MSc Natural Sciences, 3 years after my bachelor, but my English is only basic."
    assert lead(kb, question, (UNEP,)) == "Not yet: English is essential."


def test_a_nationality_is_not_a_language_the_candidate_speaks() -> None:
    profile = read_profile("I'm German, I have a Master's and 3 years of experience.", YEAR)
    assert profile.languages == ()
    assert read_profile("Ich bin Deutsche und spreche Englisch.", YEAR).languages == ("English",)


def test_no_work_experience_is_zero_years_and_not_yet(kb: KnowledgeBase) -> None:
    question = "I have a Master's in cultural policy but no work experience yet."
    profile = read_profile(question, YEAR)
    assert profile.years == 0.0
    assert profile.fields == ("cultural policy",)
    assert lead(kb, question, (UNESCO,)).startswith("Not yet")


@pytest.mark.parametrize(
    "question",
    [
        "Three years of work since my bachelor's.",
        "Tres años de experiencia después de la licenciatura.",
        "Zwei Jahre Berufserfahrung seit dem Bachelor.",
    ],
)
def test_experience_since_the_first_degree_counts_as_after_it(question: str) -> None:
    assert read_profile(question, YEAR).after_first_degree is True


def test_spanish_e_before_a_language_does_not_start_a_field() -> None:
    profile = read_profile("Tengo una licenciatura e inglés fluido.", YEAR)
    assert profile.fields == ()
    assert profile.languages == ("English",)


@pytest.mark.parametrize(
    ("question", "posting", "lang"),
    [
        (
            "I have a Master's in marine biology and 3 years of experience after my bachelor's.",
            UNEP,
            "en",
        ),
        ("Master in Meeresbiologie, 30 Monate Berufserfahrung nach dem Bachelor.", UNEP, "de"),
        (
            "Ich habe einen Master in Soziologie und zwei Jahre Erfahrung nach dem Bachelor.",
            UNESCO,
            "de",
        ),
    ],
)
def test_a_discipline_of_a_broad_field_the_posting_lists_fits(
    kb: KnowledgeBase, question: str, posting: str, lang: str
) -> None:
    # Marine biology is a natural science (UNEP), sociology a social science (UNESCO).
    assert lead(kb, question, (posting,), lang) in (
        "Yes, as far as the posting says.",
        "Ja, soweit die Ausschreibung es sagt.",
    )


def test_a_field_after_my_masters_is_in_is_read() -> None:
    profile = read_profile("My Master's is in social anthropology.", YEAR)
    assert profile.fields == ("social anthropology",)


def test_a_masters_still_being_studied_for_is_not_yet(kb: KnowledgeBase) -> None:
    question = (
        "I'm a Master's student in cultural policy graduating next year, with three years of "
        "work experience after my bachelor's. Can I apply?"
    )
    assert read_profile(question, YEAR).pending is True
    assert lead(kb, question, (UNESCO,)) == (
        "Not yet: the posting asks for a Master's degree in cultural policies, international "
        "relations or social and human sciences or a related field; yours is not finished yet."
    )


def test_ich_bin_opens_a_self_check_in_german() -> None:
    question = (
        "Ich bin Deutsche, habe einen Master in Internationalen Beziehungen und zwei Jahre "
        "Berufserfahrung nach dem Bachelor. Komme ich für die UNESCO-Stelle infrage?"
    )
    assert is_self_check(question, YEAR)


def test_a_field_in_spanish_words_fits_the_postings_english_field(kb: KnowledgeBase) -> None:
    question = (
        "Tengo una maestría en gestión ambiental, 3 años de experiencia después de la "
        "licenciatura e inglés fluido. ¿Cumplo?"
    )
    assert lead(kb, question, (UNEP,), "es") == "Sí, según lo que dice la oferta."


def test_work_done_then_after_the_degree_counts_as_after_it() -> None:
    question = "MSc in Meeresbiologie, danach zwei Jahre bei einer Umwelt-NGO, Bachelor davor."
    profile = read_profile(question, YEAR)
    assert profile.after_first_degree is True
    assert profile.fields == ("meeresbiologie",)


def test_an_ma_in_capitals_is_a_masters_and_french_ma_is_not() -> None:
    profile = read_profile("I have an MA in cultural policy and 3 years of experience.", YEAR)
    assert (profile.degree, profile.fields) == ("master", ("cultural policy",))
    french = read_profile("J'ai ma licence et 2 ans d'expérience.", YEAR)
    assert (french.degree, french.fields) == ("bachelor", ())


def test_experience_of_unknown_timing_says_only_later_experience_counts(
    kb: KnowledgeBase,
) -> None:
    question = "Ich habe einen Master in Kulturwissenschaften und drei Jahre Berufserfahrung."
    text = lead(kb, question, (UNESCO,), "de")
    assert text.startswith("Ja, soweit die Ausschreibung es sagt, sofern davon 2 Jahre")
    assert "nach Ihrem ersten Abschluss liegen (nur diese zählen)" in text
    field_unsaid = lead(
        kb, "Ich habe einen Master und drei Jahre Berufserfahrung.", (UNESCO,), "de"
    )
    assert field_unsaid.startswith("Noch nicht zu sagen:")
    assert "es zählt nur Erfahrung danach" in field_unsaid


def test_the_check_lists_the_languages_it_checked(kb: KnowledgeBase) -> None:
    question = (
        "Master in Kulturmanagement, 3 Jahre Berufserfahrung, aber Englisch nur "
        "Grundkenntnisse – kann ich mich bei der UNESCO bewerben?"
    )
    reply = check_reply(kb, question, (UNESCO,), "de", YEAR)
    assert reply.answer.lead == "Noch nicht: Englisch wird verlangt."
    assert "Englisch wird verlangt; eine weitere Amtssprache" in render_plain(reply.answer)


def test_natural_sciences_in_french_fit_the_natural_sciences_asked(kb: KnowledgeBase) -> None:
    question = "J'ai un master en sciences naturelles et 3 ans d'expérience après ma licence."
    assert lead(kb, question, (UNEP,), "fr") == "Oui, d'après l'offre."


def test_exp_short_for_experience_counts_the_years(kb: KnowledgeBase) -> None:
    question = "j'ai juste une licence et 5 ans d'exp, je peux postuler au pnue ?"
    assert read_profile(question, YEAR).years == 5
    assert is_self_check(question, YEAR)
    assert lead(kb, question, (UNEP,), "fr").startswith("Pas encore")
