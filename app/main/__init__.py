"""The front page and the language switch."""
