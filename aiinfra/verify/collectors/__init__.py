"""One collector module per OS family: its show commands (``COMMANDS``) and ``collect(raw)``."""
