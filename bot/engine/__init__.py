"""The pure core: normalise a question, match it against the knowledge, decide and build the reply.

Nothing here imports Telegram, SQLite, cryptography or the question log; every channel
(Telegram, terminal chat, `jpo-bot ask`) calls the same `Assistant`.
"""
