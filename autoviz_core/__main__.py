"""Entry point of `python -m autoviz_core`."""

import sys

from autoviz_core.cli import main

sys.exit(main())
