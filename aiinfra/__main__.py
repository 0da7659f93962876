"""Allow ``python -m aiinfra``."""

from aiinfra.cli import main

raise SystemExit(main())
