"""``python -m aiinfra.probe``: the probe without the rest of the CLI (a GPU node needs only torch and pydantic)."""

import sys

from aiinfra.probe.cli import main

sys.exit(main())
