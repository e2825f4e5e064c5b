"""Sizes as the README states them: decimal megabytes (``--max-bytes 50000000`` is "50 MB")."""
from __future__ import annotations

KB = 1000
MB = 1000 * KB
#: Largest file or response read, in bytes (``--max-bytes``).
DEFAULT_MAX_BYTES = 50 * MB


def size_text(n: int) -> str:
    """A measured size, rounded: "200.0 MB", "512 bytes"."""
    return f"{n / MB:.1f} MB" if n >= MB // 10 else f"{n} bytes"


def limit_text(n: int) -> str:
    """A limit, exactly as given: "50 MB", "100 kB", "4096 bytes"."""
    if n >= MB and n % MB == 0:
        return f"{n // MB} MB"
    if n >= KB and n % KB == 0:
        return f"{n // KB} kB"
    return f"{n} bytes"
