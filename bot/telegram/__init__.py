"""The Telegram adapter: handlers, keyboards, message splitting and the application builder.

Everything Telegram-specific lives here; the engine in `bot.engine.conversation` never imports
`telegram`. `build_application` (in `bot.telegram.app`) wires the pieces together.
"""
