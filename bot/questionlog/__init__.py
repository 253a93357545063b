"""The question log: what candidates asked, how the bot answered, and each chat's state.

One module per concern; import from the module, not from this package (so that the
views and the web view never load aiosqlite or cryptography)::

    records     QuestionRecord, LoggedQuestion, Count, LogStats, UnansweredGroup,
                LogHealth, LOW_SCORE and the errors (StoreError and its subclasses)
    interface   QuestionLog: the protocol every adapter uses
    startup     open_question_log(settings): SQLite, or in memory when the file fails;
                open_store(settings, read_only=...): the SQLite store for the CLI
    store       Store: the SQLite log (write-behind queue, chat states, deletion)
    memory      MemoryQuestionLog: the bounded in-memory log
    opening     connecting to the file: pragmas, secrets check, migrations, in order
    migrations  the named migrations, their checksums and the runner
    keys        the two secrets: keygen, parsing, chat keys, fingerprints
    queries     the SQLite admin queries (figures, unanswered, recent, export)
    grouping    grouping unanswered wordings (rapidfuzz)
    views       the admin views as text, CSV and JSON
    digest      the daily digest: its periods, figures, new groups and fallback alert
    digest_queries
                the digest's SQLite queries (DigestQueries: the store's read side)
    digest_view the digest as plain text, in a catalogue language
    web         the read-only Datasette web view
"""
