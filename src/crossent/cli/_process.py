"""What the command's own process asks of the C allocator.

explain and identify run each implementation on blocks of a few MiB of rows,
freeing and allocating the same few blocks thousands of times. glibc hands the
freed top of its heaps back to the system each time, and the next block then
faults the same pages in again, zeroed. On 64 × 100,000 float32 logits, when
nothing reproduces the observed number, that was 540,000 page faults and 1.3 s of
system time in a 1.9 s command. Keeping 64 MiB at the top of each heap brings it
to 26,000 faults and 1.2 s in all, with the same peak memory (the pages were in
use at the peak anyway). Only the command sets this: a library has no business
tuning its host's allocator.
"""

from __future__ import annotations

import ctypes
import platform
import sys

__all__ = ["TOP_PAD", "keep_heap_top"]

#: Bytes glibc keeps at the top of a heap when it frees (and asks for beyond each
#: request when it grows one).
TOP_PAD = 64 << 20

_M_TOP_PAD = -2  # mallopt's parameter number for it (glibc's malloc.h)


def keep_heap_top() -> bool:
    """Ask glibc to keep :data:`TOP_PAD` bytes at the top of its heaps; whether it
    did (False on other C libraries and systems, where nothing is changed)."""
    if not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc":
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # pragma: no cover - glibc always has it
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_TOP_PAD, TOP_PAD))
