"""Writing output files safely: the one writer every command that writes a file goes through.

The rules (docs/cli.md, "Where the output goes"):

- A **regular file** (or a name that does not exist yet) is written under a temporary name in the
  same directory and renamed over the old file when complete, so a failed run leaves no
  half-written file and the old one stays whole until then. A replaced file keeps its
  permissions.
- A **symbolic link** is followed: the file it points to is written (by the same rule), and the
  link itself stays a link.
- A **character device or a FIFO** (``/dev/null``, a named pipe) is written through: opened for
  writing, never replaced, never truncated; nothing is written next to it (no manifest).
- A directory, a block device or a socket is refused, and so is any path that is one of the
  run's own inputs (``score self.csv -o self.csv``) or has a suffix the output cannot have.

Every refusal and every failure to write is an :class:`~.errors.OutputError` (exit code 5) that
names the path, what is wrong and what to do.
"""

from __future__ import annotations

import contextlib
import math
import os
import secrets
import stat
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .errors import OutputError

__all__ = [
    "Destination",
    "destination",
    "fixed_zip",
    "json_dumps",
    "open_output",
    "write_output",
]

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class Destination:
    """Where an output goes, checked: ``path`` as given, ``target`` where the bytes go.

    :ivar stream: the target is a character device or a FIFO, written through (not replaced).
    """

    path: Path
    target: Path
    stream: bool

    @property
    def regular(self) -> bool:
        """Whether the output is (or becomes) a regular file, so a manifest may go next to it."""
        return not self.stream


def destination(
    path: PathLike,
    *,
    inputs: Iterable[PathLike | None] = (),
    suffixes: Sequence[str] | None = None,
    what: str = "the output",
) -> Destination:
    """Check where ``path`` would be written, before any work is done.

    :param inputs: the files the run reads; the output may be none of them.
    :param suffixes: the suffixes ``what`` may have (lower case, with the dot), if restricted.
    :raises OutputError: the path is refused (see the module's rules).
    """
    given = Path(path)
    if suffixes is not None and given.suffix.lower() not in suffixes:
        raise OutputError(
            f"{given}: {what} must end in {' or '.join(suffixes)}, not "
            f"{given.suffix or 'no suffix'}: give a name ending in {suffixes[0]}"
        )
    target = Path(os.path.realpath(given)) if given.is_symlink() else given
    try:
        mode = target.stat().st_mode
    except FileNotFoundError:
        mode = None
    except OSError as error:
        raise _cannot(given, error) from error
    stream = mode is not None and (stat.S_ISCHR(mode) or stat.S_ISFIFO(mode))
    if mode is not None and not stat.S_ISREG(mode) and not stream:
        raise OutputError(f"cannot write {given}: it is {_kind(mode)}; give a file name")
    for source in inputs:
        if source is not None and _same_file(target, Path(source)):
            raise OutputError(
                f"cannot write {given}: it is {source}, an input of this run; "
                "write the output to another file"
            )
    return Destination(given, target, stream)


@contextlib.contextmanager
def open_output(
    path: PathLike | Destination, *, inputs: Iterable[PathLike | None] = ()
) -> Iterator[IO[bytes]]:
    """A binary stream to ``path``: a temporary file renamed over it when the block ends without
    an error (removed otherwise), or the device or FIFO itself.

    :raises OutputError: the path is refused, or cannot be written.
    """
    found = path if isinstance(path, Destination) else destination(path, inputs=inputs)
    if found.stream:
        with _through(found) as stream:
            yield stream
        return
    partial, stream = _partial(found)
    try:
        with stream:
            yield stream
        os.replace(partial, found.target)
    except OSError as error:
        _remove(partial)
        raise _cannot(found.path, error) from error
    except BaseException:
        _remove(partial)
        raise


def write_output(
    path: PathLike | Destination, data: bytes | str, *, inputs: Iterable[PathLike | None] = ()
) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` by the rules of :func:`open_output`; return the
    path as given."""
    found = path if isinstance(path, Destination) else destination(path, inputs=inputs)
    with open_output(found) as stream:
        stream.write(data.encode("utf-8") if isinstance(data, str) else data)
    return found.path


@contextlib.contextmanager
def _through(found: Destination) -> Iterator[IO[bytes]]:
    """Write through to a device or FIFO: opened as it is, never created or truncated."""
    try:
        descriptor = os.open(found.target, os.O_WRONLY)
    except OSError as error:
        raise _cannot(found.path, error) from error
    if stat.S_ISREG(os.fstat(descriptor).st_mode):  # replaced by a file since it was checked
        os.close(descriptor)
        raise OutputError(f"cannot write {found.path}: it changed while the run was working")
    try:
        with os.fdopen(descriptor, "wb") as stream:
            yield stream
    except OSError as error:
        raise _cannot(found.path, error) from error


def _partial(found: Destination) -> tuple[Path, IO[bytes]]:
    """A new temporary file next to the target, with the replaced file's permissions (or the
    ones a new file gets)."""
    target = found.target
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mode = 0o666  # the umask applies, as for any new file
    partial = target.with_name(f".{target.name}.{secrets.token_hex(4)}.partial")
    try:
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        if mode != 0o666:
            os.chmod(descriptor, mode)  # the umask must not narrow a replaced file's mode
    except OSError as error:
        raise _cannot(found.path, error) from error
    return partial, os.fdopen(descriptor, "wb")


def _same_file(target: Path, source: Path) -> bool:
    try:
        return os.path.samefile(target, source)
    except OSError:  # one of them does not exist (yet)
        return os.path.realpath(target) == os.path.realpath(source)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISBLK(mode):
        return "a block device (a disk), which u4ssc never writes to"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _cannot(path: Path, error: OSError) -> OutputError:
    return OutputError(f"cannot write {path}: {error.strerror or error}")


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def json_dumps(value: object, *, indent: int | None = None) -> str:
    """``value`` as strict JSON text: a NaN or infinite number is ``null`` (JSON has neither, and
    strict parsers refuse ``NaN`` and ``Infinity``); numpy scalars are plain numbers."""
    import json

    return json.dumps(_finite(value), indent=indent, ensure_ascii=False, allow_nan=False)


def _finite(value: object) -> object:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(item) for item in value]
    if hasattr(value, "item") and callable(value.item):  # a numpy scalar
        return _finite(value.item())
    return value


#: The time every entry of a zip written by u4ssc carries, and an Office document's own dates.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
DOCUMENT_TIME = "2000-01-01T00:00:00Z"


def fixed_zip(data: bytes) -> bytes:
    """The same zip (an .xlsx file) with every timestamp fixed, including the document's own
    created and modified dates, so the same content always gives the same bytes."""
    import io
    import re
    import zipfile

    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            content = source.read(entry.filename)
            if entry.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rb"\g<1>" + DOCUMENT_TIME.encode() + rb"\g<2>",
                    content,
                )
            fixed = zipfile.ZipInfo(entry.filename, date_time=ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o600 << 16
            target.writestr(fixed, content)
    return out.getvalue()
