"""Which messages the bot's handlers take: questions, other messages, commands.

In a private chat every text is a question; in a group only one that mentions the bot or
replies to one of its messages. Edits of old messages are never questions again.
`bot.telegram.routing` registers the handlers with these filters.
"""

from __future__ import annotations

from telegram import Message, MessageEntity
from telegram.ext import filters


class AddressedToBot(filters.MessageFilter):
    """A message that mentions the bot or replies to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        reply = message.reply_to_message
        if reply is not None and reply.from_user is not None and reply.from_user.id == bot.id:
            return True
        mention = f"@{bot.username}".lower()
        entities = message.parse_entities(
            [MessageEntity.MENTION]
        ) or message.parse_caption_entities([MessageEntity.MENTION])
        return any(text.lower() == mention for text in entities.values())


ADDRESSED = AddressedToBot()
PRIVATE = filters.ChatType.PRIVATE
GROUPS = filters.ChatType.GROUPS
NEW_MESSAGE = filters.UpdateType.MESSAGE  # edits of old messages are not questions again
QUESTION = NEW_MESSAGE & filters.TEXT & ~filters.COMMAND & (PRIVATE | (GROUPS & ADDRESSED))
NON_TEXT = (
    NEW_MESSAGE
    & (
        filters.Sticker.ALL
        | filters.PHOTO
        | filters.VOICE
        | filters.AUDIO
        | filters.VIDEO
        | filters.VIDEO_NOTE
        | filters.ANIMATION
        | filters.Document.ALL
        | filters.LOCATION
        | filters.CONTACT
    )
    & (PRIVATE | (GROUPS & ADDRESSED))
)
COMMAND = NEW_MESSAGE & filters.COMMAND
