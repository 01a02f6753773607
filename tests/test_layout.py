"""The layout's rules that a test can hold: no module is named after a standard-library
module (``flows/http.py`` once shadowed ``http`` in a worker's parsing processes, whose
``sys.path`` holds the flow's folder), and the layers that must not import Prefect do
not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("bulletin", "flows", "extractors", "storage", "sample_portal", "bench")


def test_no_module_is_named_after_a_standard_library_module() -> None:
    modules = {
        path.stem if path.name != "__init__.py" else path.parent.name
        for package in PACKAGES
        for path in (ROOT / package).rglob("*.py")
    }
    assert modules >= {"client", "fetcher", "run", "plans"}  # the walk found the tree
    assert sorted(modules & sys.stdlib_module_names) == []


def test_the_plain_layers_import_no_prefect() -> None:
    code = (
        "import sys, extractors, storage.warehouse, flows.crawling.discover, "
        "flows.ingest.run, flows.ingest.reparse, sample_portal; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'prefect'))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    assert done.stdout.strip() == "[]"
