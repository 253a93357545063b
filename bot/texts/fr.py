"""Every word a user reads, in French."""

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
    language_name="Français",
    phrases=Phrases(
        not_stated="L'offre ne précise pas ce point. Veuillez vous adresser au {contact}.",
        not_stated_programme=(
            "Les informations sur le programme ne précisent pas ce point. Veuillez vous "
            "adresser au {contact}."
        ),
        clarify_heading="De quel poste parlez-vous ?",
        clarify_text="La réponse dépend du poste. Choisissez-en un :",
        fallback_heading="Je ne peux aider que pour les postes JPO",
        fallback_text=(
            "Je réponds aux questions sur ces postes JPO : tâches, conditions, langues, "
            "formation, durée, lieu d'affectation, conditions de vie et candidature."
        ),
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
        elsewhere=(
            "L'offre choisie ({posting}) ne le mentionne pas ; la réponse ci-dessus "
            "vient de l'offre nommée dans le titre."
        ),
        only_posting="Seule cette offre le précise ; {others} : non précisé.",
        not_stated_short="L'offre ne précise pas ce point.",
        detail_not_stated=(
            "L'offre ne mentionne pas « {words} » ; ci-dessus, ce qu'elle dit sur ce thème."
        ),
    ),
    ui=UiTexts(
        greeting=(
            "Bonjour {name} ! 👋 Je réponds aux questions sur les postes de Junior "
            "Professional Officer (JPO) que le BFIO publie.\n"
            "\n"
            "Choisissez un poste ci-dessous, ou posez simplement votre question avec "
            "vos propres mots — par exemple <i>« Combien de temps dure l'affectation ? "
            "»</i>"
        ),
        greeting_posting=(
            "Bonjour {name} ! 👋 Voici le poste que vous avez ouvert. Posez-moi vos "
            "questions à son sujet."
        ),
        unknown_posting_link=(
            "Je ne connais pas (ou plus) ce poste. Voici les postes sur lesquels je "
            "peux vous renseigner :"
        ),
        help_intro=(
            "<b>Comment je peux vous aider</b>\n"
            "Posez vos questions sur un poste JPO avec vos propres mots, en français "
            "(pour les thèmes courants), en anglais ou en allemand : tâches, conditions "
            "requises, lieu d'affectation, durée, candidature … Si une question dépend "
            "du poste, je vous demande lequel vous voulez dire. Ce qu'une offre ne "
            "précise pas, je vous le dis franchement et vous indique le BFIO comme "
            "contact."
        ),
        help_commands_title="<b>Commandes</b>",
        help_groups="Dans un groupe, mentionnez-moi ou répondez à l'un de mes messages.",
        privacy=(
            "<b>Confidentialité</b>\n"
            "<b>Ce qui est enregistré</b>, pour améliorer les réponses : pour chaque "
            "question que vous envoyez ou chaque bouton sur lequel vous appuyez, son "
            "texte (chiffré), l'heure, le type de réponse obtenu, le poste et le thème "
            "concernés, le score de correspondance, les libellés des boutons proposés, "
            "la langue, le temps mis pour répondre et la version des connaissances, ainsi "
            "que le 👍 ou 👎 que vous donnez à une réponse. Les réponses elles-mêmes ne "
            "sont pas enregistrées. Pour cette conversation, "
            "afin que je m'en souvienne : le poste et la langue choisis, les langues de vos "
            "trois derniers messages, les sujets et postes de la dernière réponse, et une "
            "question en attente du choix d'un poste (chiffrée), ainsi que vos réponses aux "
            "questions de /check (diplôme, années d'expérience, niveau d'anglais, domaine), "
            "gardées seulement ici, pas dans les enregistrements des questions. Le tout est classé "
            "sous une clé pseudonyme de cette conversation, jamais sous votre "
            "identifiant Telegram ni votre nom.\n"
            "<b>Pendant combien de temps :</b> les enregistrements des questions et des "
            "boutons sont supprimés après {days} jours, le poste et la langue de la "
            "conversation après {days} jours sans utilisation.\n"
            "<b>Comment les supprimer :</b> envoyez /forget dans votre conversation "
            "privée avec moi et confirmez : les enregistrements ainsi que le poste et "
            "la langue de la conversation sont supprimés immédiatement.\n"
            "Questions sur vos données : le BFIO, contact du programme JPO."
        ),
        non_text="Je ne sais lire que du texte. Veuillez écrire votre question. 🙂",
        error="Désolé, un problème est survenu de mon côté. Veuillez réessayer dans un instant.",
        unknown_command="Je ne connais pas cette commande. /help indique ce que je sais faire.",
        language_prompt="Choisissez votre langue :",
        language_set="Désormais, je réponds en français.",
        stale_button=(
            "Ce bouton appartient à une version antérieure de cette conversation. Voici "
            "les postes actuels :"
        ),
        stale_button_toast="Ce bouton n'est plus à jour.",
        storage_trouble=(
            "(Je n'ai pas pu enregistrer votre choix ; il faudra peut-être choisir à "
            "nouveau plus tard.)"
        ),
        fair_use=(
            "Vous envoyez des messages plus vite que je ne peux y répondre. Veuillez "
            "patienter une minute, puis reposez votre question."
        ),
        rate_helpful="👍",
        rate_unhelpful="👎",
        rate_thanks="Merci pour votre avis !",
        rate_already="Vous avez déjà évalué cette réponse. Merci !",
        rate_failed="Désolé, votre évaluation n'a pas pu être enregistrée.",
    ),
    forget=ForgetTexts(
        ask=(
            "Supprimer tout ce que ce bot a enregistré sur cette conversation : vos "
            "questions enregistrées et le poste choisi ? Cette action est définitive."
        ),
        yes="Oui, supprimer",
        no="Non",
        done="C'est fait : {n} élément(s) supprimé(s).",
        kept="Rien n'a été supprimé.",
        failed="La suppression a échoué. Veuillez réessayer /forget plus tard.",
        private="Veuillez envoyer /forget dans votre conversation privée avec le bot.",
    ),
    commands=CommandTexts(
        start="Démarrer et choisir un poste",
        postings="Afficher les postes",
        topics="Thèmes du poste choisi",
        check="Vérifier mon éligibilité, quatre questions courtes",
        language="Changer de langue",
        privacy="Ce qui est enregistré et comment le supprimer",
        forget="Supprimer mes données enregistrées",
        help="Comment fonctionne ce bot",
    ),
    terminal=TerminalTexts(
        help=(
            "Commandes : /postings  /topics  /lang en|de|fr|es  /help  /quit\n"
            "/check : quatre questions sur votre éligibilité\n"
            "Tapez une question, ou le numéro d'une suggestion."
        ),
        language_set="langue : {lang}",
    ),
    smalltalk=SmallTalkTexts(
        greeting="Bonjour ! 👋",
        thanks="Avec plaisir !",
        ack="Ravi d'avoir pu aider.",
        goodbye="Au revoir, et bonne chance pour votre candidature !",
        who=(
            "Je suis l'assistant des postes JPO, un bot qui répond à partir des offres "
            "publiées par BFIO."
        ),
        bot=(
            "Oui, je suis un bot, pas une personne : je réponds à partir des offres publiées "
            "par BFIO."
        ),
        hint=(
            "Posez-moi vos questions sur un poste JPO avec vos propres mots : tâches, "
            "conditions, langues, durée, lieu d'affectation ou candidature. Par exemple : « "
            "Quelles langues faut-il ? »"
        ),
    ),
    check=CheckTexts(
        intro=(
            "Quatre questions courtes, puis je compare vos réponses à chaque poste. "
            "Elles restent dans l'état de cette conversation jusqu'à ce que vous envoyiez /forget."
        ),
        ask_degree="1/4 Quel diplôme universitaire avez-vous ?",
        ask_years=(
            "2/4 Combien d'années d'expérience professionnelle avez-vous après votre premier "
            "diplôme universitaire ? Le programme demande {years}, comptées après le premier "
            "diplôme."
        ),
        ask_english="3/4 Quel est votre niveau d'anglais ?",
        ask_field="4/4 Dans quel domaine est votre diplôme ?",
        bachelor="Licence / bachelor",
        master="Master ou plus",
        no_degree="Pas encore",
        no_years="Aucune",
        more_years="3 ou plus",
        fluent="Courant",
        working="Bonne connaissance",
        basic="Notions",
        other_field="Un autre domaine",
        private=(
            "La vérification de l'éligibilité se fait dans votre conversation privée avec le bot."
        ),
        your_answers="Vos réponses : {answers}.",
        apply_heading="Comment postuler",
    ),
    inbox=InboxTexts(
        add_example="Ajouter comme exemple de « {topic} »",
        other_topic="Autre thème…",
        dismiss="Écarter",
        pick_topic="De quel thème parlent ces questions ?",
        added=(
            "Ajoutées comme exemples de « {topic} » (modification {edit} ; annuler : "
            "jpo-bot undo {edit})."
        ),
        not_reloaded=(
            "Les connaissances n'ont pas été rechargées : envoyez /reload pour savoir pourquoi."
        ),
        answered_now="Leurs réponses maintenant :",
        answer_line="• « {wording} » : {status}, thème {topic}, score {score}",
        refused="Non ajouté :",
        dismissed="Écartées : ces questions n'apparaissent plus dans /unanswered.",
        gone=(
            "Ces questions ne sont plus dans la liste des questions sans réponse ; renvoyez "
            "/unanswered."
        ),
    ),
)

# The direct answers built from the postings' typed facts (bot.engine.leads).
LEADS = LeadTexts(
    yes="Oui",
    no="Non",
    not_stated="Non précisé",
    yes_no="{answer} — {detail}",
    ask_bfio="l'offre ne précise pas ce point ; {contact} peut vous renseigner",
    join_or=" ou ",
    join_and=" et ",
    level_required="{language} est exigé",
    level_essential="{language} est essentiel",
    level_asset="{language} est un atout",
    lang_not_asked="l'offre n'exige pas {language}",
    duration="{years}",
    duration_extension="{years}, prolongation possible d'{extension}",
    one_year="un an",
    years="{n} ans",
    duty_station="{city}, {country}",
    degree="un {level} en {fields}",
    degree_related="{degree} ou un domaine apparenté",
    bachelor="diplôme de licence",
    master="master",
    doctorate="doctorat",
    degree_asked="l'offre demande {degree}",
    experience_min="au moins {years} d'expérience professionnelle",
    experience_rule=(
        "le programme compte l'expérience acquise après le premier diplôme "
        "universitaire (en général la licence)"
    ),
    experience_before=(
        "seule l'expérience acquise après le premier diplôme universitaire (en général "
        "la licence) compte"
    ),
    supervision="le JPO est placé sous la supervision de : {supervisor}",
    travel="le JPO participera à : {what}",
    mentioned="l'offre le mentionne",
    asset_only="l'offre le présente comme un atout, pas comme une exigence",
    compare_line="{posting} : {detail}",
    neither="Aucun des deux postes n'exige {what}",
    both="Les deux postes exigent {what}",
    only="Seul {posting} exige {what}",
    a_degree="un {level}",
    field_named="{posting} cite votre domaine ({field})",
    mentions_only="Seul {posting} le mentionne",
    mentions_all="Les deux postes le mentionnent",
    mentions_none="Aucun des deux postes ne le mentionne explicitement",
    eligible_yes="Oui, d'après l'offre",
    eligible_not_yet="Pas encore",
    eligible_cant_tell="Impossible à dire pour l'instant",
    reason_experience=(
        "le programme demande {years} d'expérience professionnelle après le premier "
        "diplôme ; vous en indiquez {have}"
    ),
    reason_degree_level="l'offre demande {degree} ; vous indiquez un {have}",
    reason_field=(
        "l'offre demande {fields} ou un domaine apparenté ; la prise en compte de "
        "{field} dépend de l'examen du BFIO"
    ),
    reason_english="{level}",
    reason_no_degree="l'offre demande {degree} ; vous n'avez pas encore de diplôme universitaire",
    none_after="aucune expérience après votre premier diplôme",
    more_points="{n} autres points dans la section complète.",
    check_heading="Vérification de l'éligibilité",
    asks_heading="Ce que demandent l'offre et le programme",
    missing="vous n'indiquez pas {what}",
    missing_degree="votre diplôme",
    missing_experience="vos années d'expérience professionnelle",
    missing_after_degree=(
        "si votre expérience date d'après votre premier diplôme (seule celle-ci compte)"
    ),
    provided_after_degree=(
        "à condition que {years} de cette expérience soient postérieurs à votre premier diplôme "
        "(seule celle-ci compte)"
    ),
    missing_field="votre domaine d'études",
    bfio_decides=(
        "C'est le BFIO qui décide de l'éligibilité : posez votre question à {contact} "
        "ou envoyez-lui votre candidature."
    ),
    names=(
        ("English", "l'anglais"),
        ("Spanish", "l'espagnol"),
        ("French", "le français"),
        ("German", "l'allemand"),
        ("Jamaica", "Jamaïque"),
        ("another official language of UNESCO", "une autre langue officielle de l'UNESCO"),
    ),
    reason_degree_pending="l'offre demande {degree} ; vous ne l'avez pas encore obtenu",
    ask_bfio_programme="le programme ne précise pas ce point ; {contact} peut vous renseigner",
)

DIGEST = DigestTexts(
    heading="Bilan quotidien du {day} ({zone})",
    questions="Questions : {questions} venant de {chats} conversations",
    no_questions="Aucune question ce jour-là.",
    shares="Répondues {answered} · non précisées {not_stated} · non comprises {fallback}",
    unhelpful="👎 sur les réponses de ce jour : {count}",
    new_groups="Nouveaux groupes sans réponse : {count}",
    no_new_groups="Aucun nouveau groupe sans réponse.",
    group_line="{number}. {count}× « {example} » (probablement {posting} / {topic})",
    more_groups="… et {count} de plus : /unanswered les liste tous.",
    bounded=(
        "Seules les questions sans réponse les plus récentes ont été groupées : un groupe "
        "peut être plus ancien qu'il n'y paraît."
    ),
    pending_handoffs="Transmissions en attente de l'équipe : {count}",
    alert=(
        "⚠️ Taux de questions non comprises sur les 7 derniers jours : {rate} ({questions} "
        "questions), contre {previous_rate} les 7 jours précédents ({previous_questions} "
        "questions)."
    ),
)
