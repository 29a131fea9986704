"""Entry point of `python -m autoviz_core`; the installed `autoviz` command calls the same main."""

import sys

from autoviz_core.cli import main

sys.exit(main())
