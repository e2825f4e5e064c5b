"""Where export bytes go: a file (written beside it first, then moved into place) or a stream."""
from __future__ import annotations

import io
import os
import uuid
from collections.abc import Generator
from pathlib import Path
from typing import BinaryIO

from ...errors import ConfigError


def drain_to_path(chunks: Generator[bytes, None, int], path: Path) -> int:
    """Write every chunk to ``path``; a failed export leaves any earlier file there untouched.

    Raises:
        ConfigError: the file cannot be written (missing folder, no permission, disk full).
    """
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.part")
    try:
        with open(partial, "xb") as stream:
            written = drain_to_stream(chunks, stream)
        os.replace(partial, path)
    except OSError as exc:
        partial.unlink(missing_ok=True)
        raise ConfigError(f"{path}: cannot write the export: {exc.strerror or exc}") from exc
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return written


def drain_to_stream(chunks: Generator[bytes, None, int], stream: BinaryIO) -> int:
    """Write every chunk to ``stream`` (left open) and return the generator's row count."""
    while True:
        try:
            chunk = next(chunks)
        except StopIteration as done:
            stream.flush()
            return int(done.value)
        if chunk:
            stream.write(chunk)


def binary_stream(out: object) -> BinaryIO:
    """``out`` as a binary stream: a text stream with a binary buffer (``sys.stdout``) gives the buffer.

    Raises:
        ConfigError: ``out`` cannot take bytes.
    """
    if isinstance(out, io.TextIOBase):
        buffer = getattr(out, "buffer", None)
        if buffer is None:
            raise ConfigError(f"cannot write an export to the text stream {out!r}: pass a binary stream")
        out.flush()
        return buffer  # type: ignore[no-any-return]
    if not callable(getattr(out, "write", None)):
        raise ConfigError(f"cannot write an export to {type(out).__name__}: pass a path or a binary stream")
    return out  # type: ignore[return-value]
