"""Peak RSS of one process, its own alone: what every benchmark child reports.

``getrusage(RUSAGE_SELF).ru_maxrss`` is not that. On Linux it lives in the process's
signal struct, which survives ``execve``, and ``execve`` folds into it the high-water
mark of the address space it replaces: after ``vfork`` (``subprocess`` uses it) the
parent's peak, after ``fork`` the parent's RSS at the fork. So a child started by a
parent that once held 2.7 GB reports 2.7 GB however little it used; ``RUSAGE_CHILDREN``
and ``wait4``'s usage are a maximum over such figures. ``VmHWM`` in ``/proc/<pid>/status``
is the high-water mark of the process's current address space, which ``execve`` creates
afresh. It is gone once the process has exited, so a child reads its own just before it
exits and reports it (``bench.portal_process`` and ``bench.crawl`` put it in their JSON
reports).
"""

from __future__ import annotations

from pathlib import Path


def peak_rss_kb(pid: int | None = None) -> int:
    """The peak RSS, in KiB, of this process (or of the live process ``pid``) since its
    last ``execve``: its ``VmHWM``, shared pages included, its children excluded."""
    status = Path(f"/proc/{'self' if pid is None else pid}/status")
    for line in status.read_text(encoding="ascii", errors="replace").splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])  # "VmHWM:     12345 kB"
    raise RuntimeError(f"{status} has no VmHWM line (a zombie or a kernel thread?)")
