"""JPO posting assistant: answers candidates' questions about BFIO's JPO postings."""

__version__ = "0.1.0"
