"""Where export files go: a zip archive or a folder, with a sha256 and size for each."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, TextIO

BUFFER = 1 << 16


class _Tracker(io.RawIOBase):
    """Passes bytes through to ``target`` while hashing and counting them."""

    def __init__(self, target: BinaryIO) -> None:
        super().__init__()
        self.target = target
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data) -> int:
        view = memoryview(data)
        self.target.write(view)
        self.sha256.update(view)
        self.size += len(view)
        return len(view)

    def close(self) -> None:
        if not self.closed:
            self.target.close()
        super().close()


@dataclass
class FileInfo:
    """What the manifest says about one file."""

    sha256: str
    bytes: int


@dataclass
class Sink:
    """Base: ``open(name)`` gives a text stream; ``files`` collects hashes and sizes."""

    files: dict[str, FileInfo] = field(default_factory=dict)

    def _target(self, name: str) -> BinaryIO:
        raise NotImplementedError

    @contextmanager
    def open(self, name: str) -> Iterator[TextIO]:
        """A UTF-8 text stream (newline='' for csv) for one file of the export."""
        tracker = _Tracker(self._target(name))
        text = io.TextIOWrapper(io.BufferedWriter(tracker, BUFFER), encoding="utf-8", newline="")
        try:
            yield text
        finally:
            text.close()
        self.files[name] = FileInfo(tracker.sha256.hexdigest(), tracker.size)

    def close(self) -> None:
        """Finish the output."""


class ZipSink(Sink):
    """Files streamed into a zip archive written to ``fileobj`` (seekable or not)."""

    def __init__(self, fileobj: BinaryIO, compresslevel: int = 6) -> None:
        super().__init__()
        self.zip = zipfile.ZipFile(
            fileobj, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
        )

    def _target(self, name: str) -> BinaryIO:
        return self.zip.open(name, "w", force_zip64=True)

    def close(self) -> None:
        self.zip.close()


class DirSink(Sink):
    """Files written into a folder (the CLI)."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)

    def _target(self, name: str) -> BinaryIO:
        return open(self.folder / name, "wb")
