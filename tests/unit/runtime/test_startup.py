"""Start-up settles the imported objects once, out of the collector's way."""

from __future__ import annotations

import subprocess
import sys


def test_the_cli_freezes_what_its_imports_made_once() -> None:
    code = (
        "import gc\n"
        "from autoviz_core.runtime.startup import settle_after_imports\n"
        "import autoviz_core.pipeline\n"
        "settle_after_imports(); first = gc.get_freeze_count()\n"
        "junk = [[i] for i in range(1000)]\n"
        "settle_after_imports(); print(first > 100_000, gc.get_freeze_count() == first)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True", "True"]
