"""Every word a user reads, in Spanish."""

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
    language_name="Español",
    phrases=Phrases(
        not_stated="La convocatoria no indica nada al respecto. Consulte a {contact}.",
        not_stated_programme=(
            "La información del programa no indica nada al respecto. Consulte a {contact}."
        ),
        clarify_heading="¿A qué puesto se refiere?",
        clarify_text="La respuesta depende del puesto. Elija uno:",
        fallback_heading="Solo puedo ayudar con los puestos JPO",
        fallback_text=(
            "Respondo preguntas sobre estos puestos JPO: funciones, requisitos, "
            "idiomas, formación, duración, lugar de destino, condiciones de vida y "
            "solicitud."
        ),
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
        elsewhere=(
            "La convocatoria elegida ({posting}) no lo menciona; la respuesta de arriba "
            "es de la convocatoria del título."
        ),
        only_posting="Solo esta convocatoria lo indica; {others}: no se indica.",
        not_stated_short="La convocatoria no indica nada al respecto.",
        detail_not_stated=(
            "La convocatoria no menciona «{words}»; arriba, lo que dice sobre el tema."
        ),
    ),
    ui=UiTexts(
        greeting=(
            "¡Hola, {name}! 👋 Respondo preguntas sobre los puestos de Junior "
            "Professional Officer (JPO) que publica el BFIO.\n"
            "\n"
            "Elija un puesto abajo o pregunte con sus propias palabras; por ejemplo, "
            "<i>«¿Cuánto dura la asignación?»</i>"
        ),
        greeting_posting=(
            "¡Hola, {name}! 👋 Este es el puesto que ha abierto. Pregúnteme lo que quiera sobre él."
        ),
        unknown_posting_link=(
            "No conozco ese puesto (o ya no existe). Estos son los puestos sobre los "
            "que puedo informarle:"
        ),
        help_intro=(
            "<b>En qué puedo ayudarle</b>\n"
            "Pregunte con sus propias palabras sobre un puesto JPO, en español (para "
            "los temas más comunes), en inglés o en alemán: funciones, requisitos, "
            "lugar de destino, duración, cómo presentar la solicitud … Si una pregunta "
            "depende del puesto, le pregunto a cuál se refiere. Lo que una convocatoria "
            "no indica se lo digo con franqueza y le remito al BFIO como contacto."
        ),
        help_commands_title="<b>Comandos</b>",
        help_groups="En un grupo, mencióneme o responda a uno de mis mensajes.",
        privacy=(
            "<b>Privacidad</b>\n"
            "<b>Qué se guarda</b>, para mejorar las respuestas: de cada pregunta que "
            "envía o botón que pulsa, su texto (cifrado), la hora, el tipo de respuesta "
            "que recibió, el puesto y el tema a los que se refería, la puntuación de "
            "coincidencia, las etiquetas de los botones ofrecidos, el idioma, cuánto "
            "tardó la respuesta y la versión de los conocimientos, y el 👍 o 👎 que da a una "
            "respuesta. Las respuestas en sí "
            "no se guardan. De este chat, para recordarlo: el puesto y el idioma "
            "elegidos, los idiomas de sus tres últimos mensajes, los temas y puestos de la "
            "última respuesta, una pregunta que espera a que elija un puesto (cifrada), y sus "
            "respuestas a las preguntas de /check (título, años de experiencia, nivel de inglés, "
            "campo), guardadas solo aquí, no en los registros de preguntas. Todo "
            "se guarda bajo una clave seudónima de este chat, nunca bajo su ID de "
            "Telegram ni su nombre.\n"
            "<b>Durante cuánto tiempo:</b> los registros de preguntas y botones se "
            "borran a los {days} días; el puesto y el idioma del chat, tras {days} días "
            "sin uso.\n"
            "<b>Cómo borrarlo:</b> envíe /forget en su chat privado conmigo y confirme: "
            "los registros y el puesto y el idioma del chat se borran al instante.\n"
            "Preguntas sobre sus datos: el BFIO, contacto del programa JPO."
        ),
        non_text="Solo puedo leer texto. Escriba su pregunta, por favor. 🙂",
        error="Lo siento, algo ha fallado por mi parte. Vuelva a intentarlo en un momento.",
        unknown_command="No conozco ese comando. /help muestra lo que puedo hacer.",
        language_prompt="Elija su idioma:",
        language_set="A partir de ahora respondo en español.",
        stale_button=(
            "Ese botón pertenece a una versión anterior de este chat. Estos son los "
            "puestos actuales:"
        ),
        stale_button_toast="Este botón está desactualizado.",
        storage_trouble=(
            "(No pude guardar su elección; quizá tenga que elegir de nuevo más tarde.)"
        ),
        fair_use=(
            "Está enviando mensajes más rápido de lo que puedo responderlos. Espere "
            "un minuto y vuelva a preguntar, por favor."
        ),
        rate_helpful="👍",
        rate_unhelpful="👎",
        rate_thanks="¡Gracias por su opinión!",
        rate_already="Ya valoró esta respuesta. ¡Gracias!",
        rate_failed="Lo sentimos, no se pudo guardar su valoración.",
    ),
    forget=ForgetTexts(
        ask=(
            "¿Borrar todo lo que este bot ha guardado sobre este chat: sus preguntas "
            "registradas y el puesto elegido? No se puede deshacer."
        ),
        yes="Sí, borrar",
        no="No",
        done="Hecho: {n} elemento(s) borrado(s).",
        kept="No se ha borrado nada.",
        failed="No se pudo borrar. Vuelva a intentar /forget más tarde.",
        private="Envíe /forget en su chat privado con el bot.",
    ),
    commands=CommandTexts(
        start="Empezar y elegir un puesto",
        postings="Mostrar los puestos",
        topics="Temas del puesto elegido",
        check="Comprobar mi elegibilidad, cuatro preguntas breves",
        language="Cambiar el idioma",
        privacy="Qué se guarda y cómo borrarlo",
        forget="Borrar mis datos guardados",
        help="Cómo funciona este bot",
    ),
    terminal=TerminalTexts(
        help=(
            "Comandos: /postings  /topics  /lang en|de|fr|es  /help  /quit\n"
            "/check: cuatro preguntas sobre su elegibilidad\n"
            "Escriba una pregunta o el número de una sugerencia."
        ),
        language_set="idioma: {lang}",
    ),
    smalltalk=SmallTalkTexts(
        greeting="¡Hola! 👋",
        thanks="¡De nada!",
        ack="Me alegra poder ayudar.",
        goodbye="¡Adiós y mucha suerte con su solicitud!",
        who=(
            "Soy el asistente de los puestos JPO, un bot que responde a partir de las ofertas"
            " que publica BFIO."
        ),
        bot="Sí, soy un bot, no una persona: respondo a partir de las ofertas que publica BFIO.",
        hint=(
            "Pregúnteme por un puesto JPO con sus propias palabras: funciones, requisitos, "
            "idiomas, duración, lugar de destino o solicitud. Por ejemplo: «¿Qué idiomas "
            "necesito?»"
        ),
    ),
    check=CheckTexts(
        intro=(
            "Cuatro preguntas breves; luego comparo sus respuestas con cada puesto. "
            "Quedan en el estado de este chat hasta que envíe /forget."
        ),
        ask_degree="1/4 ¿Qué título universitario tiene?",
        ask_years=(
            "2/4 ¿Cuántos años de experiencia laboral tiene después de su primer título "
            "universitario? El programa pide {years}, contados después del primer título."
        ),
        ask_english="3/4 ¿Qué nivel de inglés tiene?",
        ask_field="4/4 ¿En qué campo es su título?",
        bachelor="Grado / bachelor",
        master="Máster o superior",
        no_degree="Aún ninguno",
        no_years="Ninguno",
        more_years="3 o más",
        fluent="Fluido",
        working="Buen nivel",
        basic="Básico",
        other_field="Otro campo",
        private="La comprobación de elegibilidad funciona en su chat privado con el bot.",
        your_answers="Sus respuestas: {answers}.",
        apply_heading="Cómo postular",
    ),
    inbox=InboxTexts(
        add_example="Añadir como ejemplo de «{topic}»",
        other_topic="Otro tema…",
        dismiss="Descartar",
        pick_topic="¿De qué tema tratan estas preguntas?",
        added="Añadidas como ejemplos de «{topic}» (cambio {edit}; deshacer: jpo-bot undo {edit}).",
        not_reloaded="El conocimiento no se ha recargado: envíe /reload para ver por qué.",
        answered_now="Cómo se responden ahora:",
        answer_line="• «{wording}»: {status}, tema {topic}, puntuación {score}",
        refused="No añadido:",
        dismissed="Descartadas: estas preguntas ya no aparecen en /unanswered.",
        gone=(
            "Estas preguntas ya no están en la lista de preguntas sin respuesta; envíe "
            "/unanswered de nuevo."
        ),
    ),
)

# The direct answers built from the postings' typed facts (bot.engine.leads).
LEADS = LeadTexts(
    yes="Sí",
    no="No",
    not_stated="No se indica",
    yes_no="{answer}: {detail}",
    ask_bfio="la oferta no indica nada al respecto; {contact} puede informarle",
    join_or=" o ",
    join_and=" y ",
    level_required="se requiere {language}",
    level_essential="{language} es esencial",
    level_asset="{language} es una ventaja",
    lang_not_asked="la oferta no exige {language}",
    duration="{years}",
    duration_extension="{years}, con posible prórroga de {extension}",
    one_year="un año",
    years="{n} años",
    duty_station="{city}, {country}",
    degree="un {level} en {fields}",
    degree_related="{degree} o un campo afín",
    bachelor="título de grado",
    master="máster",
    doctorate="doctorado",
    degree_asked="la oferta pide {degree}",
    experience_min="al menos {years} de experiencia laboral",
    experience_rule=(
        "el programa cuenta la experiencia adquirida después del primer título "
        "universitario (normalmente el grado)"
    ),
    experience_before=(
        "solo cuenta la experiencia adquirida después del primer título universitario "
        "(normalmente el grado)"
    ),
    supervision="el JPO trabaja bajo la supervisión de: {supervisor}",
    travel="el JPO participará en: {what}",
    mentioned="la oferta lo menciona",
    asset_only="la oferta lo considera una ventaja, no un requisito",
    compare_line="{posting}: {detail}",
    neither="Ninguno de los dos puestos exige {what}",
    both="Ambos puestos exigen {what}",
    only="Solo {posting} exige {what}",
    a_degree="un {level}",
    field_named="{posting} menciona su campo ({field})",
    mentions_only="Solo {posting} lo menciona",
    mentions_all="Ambos puestos lo mencionan",
    mentions_none="Ninguno de los dos puestos lo menciona expresamente",
    eligible_yes="Sí, según lo que dice la oferta",
    eligible_not_yet="Todavía no",
    eligible_cant_tell="No se puede saber aún",
    reason_experience=(
        "el programa pide {years} de experiencia laboral después del primer título; "
        "usted indica {have}"
    ),
    reason_degree_level="la oferta pide {degree}; usted indica un {have}",
    reason_field=(
        "la oferta pide {fields} o un campo afín; si {field} cuenta depende de la revisión de BFIO"
    ),
    reason_english="{level}",
    reason_no_degree="la oferta pide {degree}; aún no tiene un título universitario",
    none_after="ninguna experiencia después de su primer título",
    more_points="{n} puntos más en la sección completa.",
    check_heading="Comprobación de requisitos",
    asks_heading="Lo que piden la oferta y el programa",
    missing="no indica {what}",
    missing_degree="su título",
    missing_experience="sus años de experiencia laboral",
    missing_after_degree=(
        "si su experiencia es posterior a su primer título (solo cuenta la experiencia posterior)"
    ),
    provided_after_degree=(
        "siempre que {years} de ella sean posteriores a su primer título (solo esa cuenta)"
    ),
    missing_field="su campo de estudio",
    bfio_decides="La elegibilidad la decide BFIO: pregunte a {contact} o envíele su candidatura.",
    names=(
        ("English", "inglés"),
        ("Spanish", "español"),
        ("French", "francés"),
        ("German", "alemán"),
        ("another official language of UNESCO", "otro idioma oficial de la UNESCO"),
    ),
    reason_degree_pending="la oferta pide {degree}; aún no lo ha terminado",
    ask_bfio_programme=(
        "la información del programa no indica nada al respecto; {contact} puede informarle"
    ),
)

DIGEST = DigestTexts(
    heading="Resumen diario del {day} ({zone})",
    questions="Preguntas: {questions} de {chats} chats",
    no_questions="Ninguna pregunta ese día.",
    shares="Respondidas {answered} · no indicadas {not_stated} · no entendidas {fallback}",
    unhelpful="👎 en las respuestas de ese día: {count}",
    new_groups="Nuevos grupos sin respuesta: {count}",
    no_new_groups="Ningún grupo nuevo sin respuesta.",
    group_line="{number}. {count}× «{example}» (probablemente {posting} / {topic})",
    more_groups="… y {count} más: /unanswered los muestra todos.",
    bounded=(
        "Solo se agruparon las preguntas sin respuesta más recientes: un grupo puede ser más "
        "antiguo de lo que parece."
    ),
    pending_handoffs="Derivaciones pendientes del equipo: {count}",
    alert=(
        "⚠️ Tasa de preguntas no entendidas en los últimos 7 días: {rate} ({questions} "
        "preguntas), frente a {previous_rate} en los 7 días anteriores ({previous_questions} "
        "preguntas)."
    ),
)
