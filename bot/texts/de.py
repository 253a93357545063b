"""Every word a user reads, in German."""

from __future__ import annotations

from bot.texts.catalogue import (
    CheckTexts,
    CommandTexts,
    DigestTexts,
    ForgetTexts,
    InboxTexts,
    LeadTexts,
    Phrases,
    SmallTalkTexts,
    TerminalTexts,
    Texts,
    UiTexts,
)

TEXTS = Texts(
    language_name="Deutsch",
    phrases=Phrases(
        not_stated="Dazu sagt die Ausschreibung nichts. Bitte wenden Sie sich an {contact}.",
        not_stated_programme=(
            "Dazu habe ich keine Programminformationen. Bitte wenden Sie sich an {contact}."
        ),
        clarify_heading="Welche Stelle meinen Sie?",
        clarify_text="Die Antwort hängt von der Stelle ab. Bitte wählen Sie eine aus:",
        fallback_heading="Ich helfe nur bei den JPO-Stellen",
        fallback_text=(
            "Ich beantworte Fragen zu diesen JPO-Ausschreibungen: Aufgaben, "
            "Voraussetzungen, Sprachen, Weiterbildung, Dauer, Dienstort, "
            "Lebensbedingungen und Bewerbung. Fragen Sie zum Beispiel: „Welche Sprachen "
            "brauche ich?“"
        ),
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
        elsewhere=(
            "Die gewählte Ausschreibung ({posting}) erwähnt das nicht; die Antwort oben "
            "stammt aus der Ausschreibung in der Überschrift."
        ),
        only_posting="Nur diese Ausschreibung nennt das; {others}: keine Angabe.",
        not_stated_short="Keine Angabe in der Ausschreibung.",
        detail_not_stated=(
            "„{words}“ erwähnt die Ausschreibung nicht; oben steht, was sie zum Thema sagt."
        ),
    ),
    ui=UiTexts(
        greeting=(
            "Hallo {name}! 👋 Ich beantworte Fragen zu den Stellen für Junior "
            "Professional Officers (JPO), die das BFIO ausschreibt.\n"
            "\n"
            "Wählen Sie unten eine Stelle oder fragen Sie einfach in eigenen Worten — "
            "zum Beispiel <i>„Wie lange dauert der Einsatz?“</i>"
        ),
        greeting_posting=(
            "Hallo {name}! 👋 Hier ist die Stelle, die Sie geöffnet haben. Fragen Sie mich dazu."
        ),
        unknown_posting_link=(
            "Diese Stelle kenne ich nicht (mehr). Zu diesen Stellen kann ich Auskunft geben:"
        ),
        help_intro=(
            "<b>Wobei ich helfe</b>\n"
            "Fragen Sie in eigenen Worten, auf Deutsch oder Englisch, zu einer "
            "JPO-Stelle: Aufgaben, Anforderungen, Dienstort, Dauer, Bewerbung … Braucht "
            "eine Frage eine Stelle, frage ich nach, welche Sie meinen. Was eine "
            "Ausschreibung nicht sagt, sage ich Ihnen offen und nenne das BFIO als "
            "Ansprechpartner."
        ),
        help_commands_title="<b>Befehle</b>",
        help_groups=(
            "In einer Gruppe erwähnen Sie mich oder antworten auf eine meiner Nachrichten."
        ),
        privacy=(
            "<b>Datenschutz</b>\n"
            "<b>Was gespeichert wird</b>, um die Antworten zu verbessern: zu jeder "
            "Frage, die Sie senden, und jeder Schaltfläche, die Sie tippen, der Text "
            "(verschlüsselt), die Uhrzeit, die Art der Antwort, die betroffene Stelle "
            "und das Thema, der Trefferwert, die Beschriftungen der angebotenen "
            "Schaltflächen, die Sprache, die Antwortzeit und die Version des "
            "Wissensstands sowie das 👍 oder 👎, das Sie einer Antwort geben. Die "
            "Antworten selbst werden nicht gespeichert. Zu diesem "
            "Chat, damit ich ihn mir merke: die gewählte Stelle und Sprache, die Sprachen "
            "Ihrer letzten drei Nachrichten, Themen und Stellen der letzten Antwort und eine "
            "Frage, die auf die Wahl einer Stelle wartet (verschlüsselt), sowie Ihre Antworten "
            "auf die Fragen von /check (Abschluss, Jahre Berufserfahrung, Englischniveau, "
            "Fachrichtung), die nur hier stehen, nicht in den Einträgen zu Fragen. Alles steht "
            "unter einem pseudonymen Schlüssel dieses Chats, nie unter Ihrer "
            "Telegram-ID oder Ihrem Namen.\n"
            "<b>Wie lange:</b> Die Einträge zu Fragen und Schaltflächen werden nach "
            "{days} Tagen gelöscht, Stelle und Sprache des Chats nach {days} Tagen ohne "
            "Nutzung.\n"
            "<b>Wie Sie löschen:</b> Senden Sie /forget im privaten Chat mit mir und "
            "bestätigen Sie: Die Einträge sowie Stelle und Sprache des Chats werden "
            "sofort gelöscht.\n"
            "Fragen zu Ihren Daten: das BFIO, Ansprechpartner des JPO-Programms."
        ),
        non_text="Ich kann nur Text lesen. Bitte tippen Sie Ihre Frage. 🙂",
        error=(
            "Entschuldigung, bei mir ist etwas schiefgegangen. Bitte versuchen Sie es "
            "gleich noch einmal."
        ),
        unknown_command="Diesen Befehl kenne ich nicht. /help zeigt, was ich kann.",
        language_prompt="Wählen Sie Ihre Sprache:",
        language_set="Ab jetzt antworte ich auf Deutsch.",
        stale_button=(
            "Diese Schaltfläche stammt aus einer älteren Version dieses Chats. Hier "
            "sind die aktuellen Stellen:"
        ),
        stale_button_toast="Diese Schaltfläche ist veraltet.",
        storage_trouble=(
            "(Ich konnte Ihre Wahl nicht speichern; eventuell müssen Sie später neu wählen.)"
        ),
        fair_use=(
            "Sie senden Nachrichten schneller, als ich sie beantworten kann. Bitte "
            "warten Sie eine Minute und fragen Sie dann erneut."
        ),
        rate_helpful="👍",
        rate_unhelpful="👎",
        rate_thanks="Danke für Ihre Rückmeldung!",
        rate_already="Sie haben diese Antwort schon bewertet. Danke!",
        rate_failed="Ihre Bewertung konnte leider nicht gespeichert werden.",
    ),
    forget=ForgetTexts(
        ask=(
            "Alles löschen, was dieser Bot zu diesem Chat gespeichert hat: Ihre "
            "protokollierten Fragen und die gewählte Stelle? Das lässt sich nicht "
            "rückgängig machen."
        ),
        yes="Ja, löschen",
        no="Nein",
        done="Erledigt: {n} gespeicherte Einträge gelöscht.",
        kept="Es wurde nichts gelöscht.",
        failed="Das Löschen ist leider fehlgeschlagen. Bitte später erneut /forget senden.",
        private="Bitte senden Sie /forget im privaten Chat mit dem Bot.",
    ),
    commands=CommandTexts(
        start="Starten und eine Stelle wählen",
        postings="Die Stellen anzeigen",
        topics="Themen der gewählten Stelle",
        check="Meine Eignung prüfen, vier kurze Fragen",
        language="Sprache ändern",
        privacy="Was gespeichert wird, wie man es löscht",
        forget="Meine gespeicherten Daten löschen",
        help="So funktioniert dieser Bot",
    ),
    terminal=TerminalTexts(
        help=(
            "Befehle: /postings  /topics  /lang en|de|fr|es  /help  /quit\n"
            "/check: vier Fragen zu Ihrer Eignung\n"
            "Tippen Sie eine Frage oder die Nummer eines Vorschlags."
        ),
        language_set="Sprache: {lang}",
    ),
    smalltalk=SmallTalkTexts(
        greeting="Hallo! 👋",
        thanks="Gern geschehen!",
        ack="Freut mich, wenn es hilft.",
        goodbye="Auf Wiedersehen und viel Erfolg bei Ihrer Bewerbung!",
        who=(
            "Ich bin der Assistent für die JPO-Ausschreibungen, ein Bot, der aus den "
            "Ausschreibungstexten von BFIO antwortet."
        ),
        bot="Ja, ich bin ein Bot, kein Mensch: Ich antworte aus den Ausschreibungstexten von BFIO.",
        hint=(
            "Fragen Sie mich in Ihren eigenen Worten nach einer JPO-Ausschreibung: Aufgaben, "
            "Voraussetzungen, Sprachen, Dauer, Dienstort oder Bewerbung. Zum Beispiel: "
            "„Welche Sprachen brauche ich?“"
        ),
    ),
    check=CheckTexts(
        intro=(
            "Vier kurze Fragen, dann vergleiche ich Ihre Antworten mit jeder Stelle. "
            "Sie bleiben im Zustand dieses Chats, bis Sie /forget senden."
        ),
        ask_degree="1/4 Welchen Hochschulabschluss haben Sie?",
        ask_years=(
            "2/4 Wie viele Jahre Berufserfahrung haben Sie nach Ihrem ersten "
            "Hochschulabschluss? Das Programm verlangt {years}, gezählt ab dem ersten Abschluss."
        ),
        ask_english="3/4 Wie gut ist Ihr Englisch?",
        ask_field="4/4 In welchem Fach ist Ihr Abschluss?",
        bachelor="Bachelor",
        master="Master oder höher",
        no_degree="Noch keinen",
        no_years="Keine",
        more_years="3 oder mehr",
        fluent="Fließend",
        working="Gute Kenntnisse",
        basic="Grundkenntnisse",
        other_field="Ein anderes Fach",
        private="Der Eignungscheck funktioniert im privaten Chat mit dem Bot.",
        your_answers="Ihre Antworten: {answers}.",
        apply_heading="Bewerbung",
    ),
    inbox=InboxTexts(
        add_example="Als Beispiel für „{topic}“ hinzufügen",
        other_topic="Anderes Thema…",
        dismiss="Verwerfen",
        pick_topic="Um welches Thema geht es in diesen Fragen?",
        added=(
            "Als Beispiele für „{topic}“ hinzugefügt (Änderung {edit}; rückgängig: jpo-bot "
            "undo {edit})."
        ),
        not_reloaded="Das Wissen wurde nicht neu geladen: /reload zeigt, warum.",
        answered_now="So werden sie jetzt beantwortet:",
        answer_line="• „{wording}“: {status}, Thema {topic}, Wert {score}",
        refused="Nicht hinzugefügt:",
        dismissed="Verworfen: diese Fragen erscheinen nicht mehr unter /unanswered.",
        gone=(
            "Diese Fragen stehen nicht mehr in der Liste der unbeantworteten; senden Sie "
            "/unanswered erneut."
        ),
    ),
)

# The direct answers built from the postings' typed facts (bot.engine.leads).
LEADS = LeadTexts(
    yes="Ja",
    no="Nein",
    not_stated="Nicht angegeben",
    yes_no="{answer} – {detail}",
    ask_bfio="die Ausschreibung sagt dazu nichts; {contact} kann Auskunft geben",
    join_or=" oder ",
    join_and=" und ",
    level_required="{language} wird verlangt",
    level_essential="{language} ist unerlässlich",
    level_asset="{language} ist von Vorteil",
    lang_not_asked="die Ausschreibung verlangt kein {language}",
    duration="{years}",
    duration_extension="{years}, Verlängerung um {extension} möglich",
    one_year="ein Jahr",
    years="{n} Jahre",
    duty_station="{city}, {country}",
    degree="einen {level} in {fields}",
    degree_related="{degree} oder einem verwandten Fach",
    bachelor="Bachelorabschluss",
    master="Masterabschluss",
    doctorate="Doktorat",
    degree_asked="die Ausschreibung verlangt {degree}",
    experience_min="mindestens {years} Berufserfahrung",
    experience_rule=(
        "das Programm zählt Berufserfahrung nach dem ersten Hochschulabschluss (meist Bachelor)"
    ),
    experience_before=(
        "nur Berufserfahrung nach dem ersten Hochschulabschluss (meist Bachelor) zählt"
    ),
    supervision="Vorgesetzte/r: {supervisor}",
    travel="die Ausschreibung nennt Teilnahme an: {what}",
    mentioned="die Ausschreibung nennt das",
    asset_only="die Ausschreibung nennt das als Vorteil, nicht als Voraussetzung",
    compare_line="{posting}: {detail}",
    neither="Keine der beiden Stellen verlangt {what}",
    both="Beide Stellen verlangen {what}",
    only="Nur {posting} verlangt {what}",
    a_degree="einen {level}",
    field_named="{posting} nennt Ihr Fach ({field})",
    mentions_only="Nur {posting} erwähnt das",
    mentions_all="Beide Stellen erwähnen das",
    mentions_none="Keine der beiden Stellen erwähnt das ausdrücklich",
    eligible_yes="Ja, soweit die Ausschreibung es sagt",
    eligible_not_yet="Noch nicht",
    eligible_cant_tell="Noch nicht zu sagen",
    reason_experience=(
        "das Programm verlangt {years} Berufserfahrung nach dem ersten Abschluss; Sie nennen {have}"
    ),
    reason_degree_level="die Ausschreibung verlangt {degree}; Sie nennen einen {have}",
    reason_field=(
        "die Ausschreibung verlangt {fields} oder ein verwandtes Fach; ob {field} "
        "zählt, hängt von der Prüfung durch BFIO ab"
    ),
    reason_english="{level}",
    reason_no_degree=(
        "die Ausschreibung verlangt {degree}; Sie haben noch keinen Hochschulabschluss"
    ),
    none_after="keine Erfahrung nach dem ersten Abschluss",
    more_points="{n} weitere Punkte im ganzen Abschnitt.",
    check_heading="Eignungs-Check",
    asks_heading="Was Ausschreibung und Programm verlangen",
    missing="Sie nennen nicht {what}",
    missing_degree="Ihren Abschluss",
    missing_experience="Ihre Jahre an Berufserfahrung",
    missing_after_degree=(
        "ob Ihre Erfahrung nach dem ersten Abschluss liegt (es zählt nur Erfahrung danach)"
    ),
    provided_after_degree=(
        "sofern davon {years} nach Ihrem ersten Abschluss liegen (nur diese zählen)"
    ),
    missing_field="Ihr Studienfach",
    bfio_decides=(
        "Über die Eignung entscheidet BFIO: fragen Sie {contact} oder senden Sie dort "
        "Ihre Bewerbung ein."
    ),
    names=(
        ("English", "Englisch"),
        ("Spanish", "Spanisch"),
        ("French", "Französisch"),
        ("German", "Deutsch"),
        ("Jamaica", "Jamaika"),
        ("another official language of UNESCO", "eine weitere Amtssprache der UNESCO"),
    ),
    reason_degree_pending=(
        "die Ausschreibung verlangt {degree}; Ihr Abschluss ist noch nicht abgeschlossen"
    ),
    ask_bfio_programme="die Programminformationen sagen dazu nichts; {contact} kann Auskunft geben",
)

DIGEST = DigestTexts(
    heading="Tagesbericht für {day} ({zone})",
    questions="Fragen: {questions} aus {chats} Chats",
    no_questions="An diesem Tag keine Fragen.",
    shares="Beantwortet {answered} · nicht angegeben {not_stated} · nicht verstanden {fallback}",
    unhelpful="👎 auf die Antworten dieses Tages: {count}",
    new_groups="Neue unbeantwortete Gruppen: {count}",
    no_new_groups="Keine neuen unbeantworteten Gruppen.",
    group_line="{number}. {count}× „{example}“ (vermutlich {posting} / {topic})",
    more_groups="… und {count} weitere: /unanswered listet alle.",
    bounded=(
        "Nur die neuesten unbeantworteten Fragen wurden gruppiert: Eine Gruppe kann älter "
        "sein, als sie aussieht."
    ),
    pending_handoffs="Weitergaben, die auf das Team warten: {count}",
    alert=(
        "⚠️ Anteil nicht verstandener Fragen in den letzten 7 Tagen {rate} ({questions} "
        "Fragen), gegenüber {previous_rate} in den 7 Tagen davor ({previous_questions} "
        "Fragen)."
    ),
)
