"""`python -m bot` is the same as the `jpo-bot` command."""

from bot.cli import main

raise SystemExit(main())
