"""Every word a user reads, in English."""

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
    language_name="English",
    phrases=Phrases(
        not_stated="The posting does not say anything about this. Please ask {contact}.",
        not_stated_programme=(
            "The programme information I have does not say anything about this. "
            "Please ask {contact}."
        ),
        clarify_heading="Which posting do you mean?",
        clarify_text="Your question depends on the posting. Please choose one:",
        fallback_heading="I can only help with the JPO postings",
        fallback_text=(
            "I answer questions about these JPO postings: duties, eligibility, "
            "languages, training, duration, duty station, living conditions and how to "
            "apply. Ask me, for example, “Which languages do I need?”"
        ),
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
        elsewhere=(
            "The posting you selected ({posting}) does not mention this; the answer "
            "above is from the posting named in its heading."
        ),
        only_posting="Only this posting states it; {others}: not stated.",
        not_stated_short="The posting does not say.",
        detail_not_stated=(
            "The posting does not mention “{words}”; above is what it says on this topic."
        ),
    ),
    ui=UiTexts(
        greeting=(
            "Hello {name}! 👋 I answer questions about the Junior Professional Officer "
            "(JPO) postings that BFIO advertises.\n"
            "\n"
            "Choose a posting below, or just ask in your own words — for example "
            "<i>“How long is the assignment?”</i>"
        ),
        greeting_posting=(
            "Hello {name}! 👋 Here is the posting you opened. Ask me anything about it."
        ),
        unknown_posting_link=(
            "I don't know that posting (any more). Here are the postings I can tell you about:"
        ),
        help_intro=(
            "<b>How I can help</b>\n"
            "Ask about a JPO posting in your own words, in English or German: duties, "
            "requirements, duty station, duration, how to apply … When a question needs "
            "a posting, I ask which one you mean. What a posting does not say, I tell "
            "you honestly and name BFIO as the contact."
        ),
        help_commands_title="<b>Commands</b>",
        help_groups="In a group, mention me or reply to one of my messages.",
        privacy=(
            "<b>Privacy</b>\n"
            "<b>What is stored</b>, to improve the answers: for each question you send "
            "or button you press, its text (encrypted), the time, the kind of answer it "
            "got, the posting and topic it was about, the match score, the labels of "
            "the buttons offered, the language, how long the answer took and the "
            "knowledge version, and the 👍 or 👎 you give an answer. The answers "
            "themselves are not stored. For this chat, "
            "so that I remember it: the selected posting and language, the languages of "
            "your last three messages, the topics and postings of the last answer, and a "
            "question waiting for you to choose a posting (encrypted), and your answers to the "
            "/check questions (degree, years of experience, English level, field), which are "
            "kept only here, not in the records of questions. All of it is filed under "
            "a pseudonymous key of this chat, never your Telegram id or name.\n"
            "<b>For how long:</b> the records of questions and buttons are deleted "
            "after {days} days, the chat's posting and language after {days} days "
            "without use.\n"
            "<b>How to delete it:</b> send /forget in your private chat with me and "
            "confirm: the records and the chat's posting and language are deleted at "
            "once.\n"
            "Questions about your data: BFIO, the JPO programme's contact."
        ),
        non_text="I can only read text. Please type your question. 🙂",
        error="Sorry, something went wrong on my side. Please try again in a moment.",
        unknown_command="I don't know that command. /help lists what I can do.",
        language_prompt="Choose your language:",
        language_set="From now on I answer in English.",
        stale_button=(
            "That button belongs to an older version of this chat. Here are the current postings:"
        ),
        stale_button_toast="This button is out of date.",
        storage_trouble="(I could not save your choice; you may need to choose again later.)",
        fair_use=(
            "You are sending messages faster than I can answer them. Please wait a "
            "minute, then ask again."
        ),
        rate_helpful="👍",
        rate_unhelpful="👎",
        rate_thanks="Thanks for your feedback!",
        rate_already="You have already rated this answer. Thank you!",
        rate_failed="Sorry, your rating could not be saved.",
    ),
    forget=ForgetTexts(
        ask=(
            "Delete everything this bot has stored about this chat: your logged "
            "questions and your selected posting? This cannot be undone."
        ),
        yes="Yes, delete",
        no="No",
        done="Done: {n} stored item(s) deleted.",
        kept="Nothing was deleted.",
        failed="Sorry, deleting failed. Please try /forget again later.",
        private="Please send /forget in your private chat with the bot.",
    ),
    commands=CommandTexts(
        start="Start and choose a posting",
        postings="Show the postings",
        topics="Topics of the chosen posting",
        check="Check my eligibility, four short questions",
        language="Change the language",
        privacy="What is stored and how to delete it",
        forget="Delete my stored data",
        help="How this bot works",
    ),
    terminal=TerminalTexts(
        help=(
            "Commands: /postings  /topics  /lang en|de|fr|es  /help  /quit\n"
            "/check: four questions on your eligibility\n"
            "Type a question, or the number of a suggestion."
        ),
        language_set="language: {lang}",
    ),
    smalltalk=SmallTalkTexts(
        greeting="Hello! 👋",
        thanks="You're welcome!",
        ack="Glad to help.",
        goodbye="Goodbye, and good luck with your application!",
        who=(
            "I am the JPO posting assistant, a bot that answers from the posting texts BFIO "
            "publishes."
        ),
        bot="Yes, I am a bot, not a person: I answer from the posting texts BFIO publishes.",
        hint=(
            "Ask me about a JPO posting in your own words: duties, requirements, languages, "
            "duration, duty station or how to apply. For example: “Which languages do I "
            "need?”"
        ),
    ),
    check=CheckTexts(
        intro=(
            "Four short questions, then I compare your answers with each posting. "
            "They stay in this chat's state until you send /forget."
        ),
        ask_degree="1/4 Which university degree do you have?",
        ask_years=(
            "2/4 How many years of work experience do you have after your first university "
            "degree? The programme asks for {years}, counted after the first degree."
        ),
        ask_english="3/4 How good is your English?",
        ask_field="4/4 In which field is your degree?",
        bachelor="Bachelor",
        master="Master or higher",
        no_degree="None yet",
        no_years="None",
        more_years="3 or more",
        fluent="Fluent",
        working="Working knowledge",
        basic="Basic",
        other_field="Another field",
        private="The eligibility check works in your private chat with the bot.",
        your_answers="Your answers: {answers}.",
        apply_heading="How to apply",
    ),
    inbox=InboxTexts(
        add_example="Add as an example of “{topic}”",
        other_topic="Other topic…",
        dismiss="Dismiss",
        pick_topic="Which topic are these questions about?",
        added="Added as examples of “{topic}” (edit {edit}; undo: jpo-bot undo {edit}).",
        not_reloaded="The knowledge was not reloaded: send /reload to see why.",
        answered_now="How they are answered now:",
        answer_line="• “{wording}”: {status}, topic {topic}, score {score}",
        refused="Not added:",
        dismissed="Dismissed: these questions no longer show in /unanswered.",
        gone="These questions are no longer in the unanswered list; send /unanswered again.",
    ),
)

# The direct answers built from the postings' typed facts (bot.engine.leads).
LEADS = LeadTexts(
    yes="Yes",
    no="No",
    not_stated="Not stated",
    yes_no="{answer} — {detail}",
    ask_bfio="the posting does not say; {contact} can tell you",
    join_or=" or ",
    join_and=" and ",
    level_required="{language} is required",
    level_essential="{language} is essential",
    level_asset="{language} is an asset",
    lang_not_asked="the posting does not ask for {language}",
    duration="{years}",
    duration_extension="{years}, with a possible extension by {extension}",
    one_year="one year",
    years="{n} years",
    duty_station="{city}, {country}",
    degree="a {level} in {fields}",
    degree_related="{degree} or a related field",
    bachelor="Bachelor's degree",
    master="Master's degree",
    doctorate="doctorate",
    degree_asked="the posting asks for {degree}",
    experience_min="at least {years} of work experience",
    experience_rule=(
        "the programme counts experience after the first university degree (usually a bachelor's)"
    ),
    experience_before=(
        "only experience after the first university degree (usually a bachelor's) counts"
    ),
    supervision="the JPO reports to {supervisor}",
    travel="the JPO will take part in {what}",
    mentioned="the posting names it",
    asset_only="the posting calls it an asset, not a requirement",
    compare_line="{posting}: {detail}",
    neither="Neither posting requires {what}",
    both="Both postings require {what}",
    only="Only {posting} requires {what}",
    a_degree="a {level}",
    field_named="{posting} names your field ({field})",
    mentions_only="Only {posting} mentions it",
    mentions_all="Both postings mention it",
    mentions_none="Neither posting mentions it by name",
    eligible_yes="Yes, as far as the posting says",
    eligible_not_yet="Not yet",
    eligible_cant_tell="Can't tell yet",
    reason_experience=(
        "the programme asks for {years} of work experience after your first degree; you "
        "mention {have}"
    ),
    reason_degree_level="the posting asks for {degree}; you mention a {have}",
    reason_field=(
        "the posting asks for {fields} or a related field; whether {field} counts "
        "depends on BFIO's review"
    ),
    reason_english="{level}",
    reason_no_degree="the posting asks for {degree}; you have no university degree yet",
    none_after="no experience after your first degree",
    more_points="{n} more points in the full section.",
    check_heading="Eligibility check",
    asks_heading="What the posting and the programme ask",
    missing="you do not mention {what}",
    missing_degree="your degree",
    missing_experience="your years of work experience",
    missing_after_degree=(
        "whether your experience came after your first degree (only experience after it counts)"
    ),
    provided_after_degree="provided {years} of it came after your first degree (only that counts)",
    missing_field="your field of study",
    bfio_decides="BFIO decides on eligibility: ask {contact} or send them your application.",
    names=(),
    reason_degree_pending="the posting asks for {degree}; yours is not finished yet",
    ask_bfio_programme="the programme information does not say; {contact} can tell you",
)

DIGEST = DigestTexts(
    heading="Daily digest for {day} ({zone})",
    questions="Questions: {questions} from {chats} chats",
    no_questions="No questions that day.",
    shares="Answered {answered} · not stated {not_stated} · fallback {fallback}",
    unhelpful="👎 on that day's answers: {count}",
    new_groups="New unanswered groups: {count}",
    no_new_groups="No new unanswered groups.",
    group_line="{number}. {count}× “{example}” (likely {posting} / {topic})",
    more_groups="… and {count} more: /unanswered lists them all.",
    bounded=(
        "Only the newest unanswered questions were grouped: a group may be older than it looks."
    ),
    pending_handoffs="Hand-offs waiting for staff: {count}",
    alert=(
        "⚠️ Fallback rate {rate} over the last 7 days ({questions} questions), against "
        "{previous_rate} in the 7 days before ({previous_questions} questions)."
    ),
)
