"""The message catalogue of every command, one module per language, keyed by stable codes
(looked up through :func:`mktplan.i18n.message`; tests/test_messages.py checks both hold the
same keys and placeholders)."""
