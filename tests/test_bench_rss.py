"""``bench.rss.peak_rss_kb``: what a benchmark child reports is its own peak, not the
high-water mark of the process that started it (which ``ru_maxrss`` carries across fork
and exec)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

from bench.rss import peak_rss_kb

ROOT = Path(__file__).resolve().parents[1]
MB = 1024  # KiB

# A child as the benchmarks start theirs (subprocess, a fresh interpreter): it holds
# argv[1] MB, then reports its own peak (bench.rss) and, for contrast, its ru_maxrss.
CHILD = """
import json, resource, sys
from bench.rss import peak_rss_kb
held = b"\\x01" * (int(sys.argv[1]) << 20)
print(json.dumps([peak_rss_kb(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss]))
"""

# A parent that holds 300 MB (written, so resident), then starts a small child and one
# that allocates 200 MB.
PARENT = """
import json, subprocess, sys
from bench.rss import peak_rss_kb

def child(mb):
    command = [sys.executable, "-c", sys.argv[1], str(mb)]
    return json.loads(subprocess.run(command, capture_output=True, check=True).stdout)

held = b"\\x01" * (300 << 20)
print(json.dumps({"parent": peak_rss_kb(), "small": child(0), "large": child(200)}))
"""


def run_parent() -> dict[str, Any]:
    """Run PARENT in a session of its own; whatever happens, nothing of it outlives this."""
    process = subprocess.Popen(
        [sys.executable, "-c", PARENT, CHILD],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=30)
    except BaseException:  # the parent is not reaped yet: its group is still its own
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise
    assert process.returncode == 0, err
    found: dict[str, Any] = json.loads(out)
    return found


def test_a_child_reports_its_own_peak_not_its_parents() -> None:
    found = run_parent()
    parent = found["parent"]
    (small, small_ru), (large, large_ru) = found["small"], found["large"]
    assert parent >= 300 * MB
    # the small child: an interpreter and bench.rss, tens of MB at most
    assert small < 60 * MB, (small, parent)
    # the large one: its own 200 MB, not the parent's 300 MB on top
    assert 200 * MB <= large < 280 * MB, (large, parent)
    # why the helper: ru_maxrss of the very same children carries the parent's mark
    assert small_ru >= 300 * MB and large_ru >= 300 * MB, (small_ru, large_ru)


def test_a_live_process_by_pid() -> None:
    own = peak_rss_kb()
    assert peak_rss_kb(os.getpid()) >= own > 0
