"""The raw archive's bytes: compressed bodies appended to pack files beside the warehouse.

``raw_pages`` keeps one row per body (its content hash, size, and where its bytes lie:
pack, offset, length); the bytes live in ``<warehouse file>.raw/pack-NNNNN.zz``. So the
DuckDB file, and the memory a writer's checkpoint needs, grow with the articles, not with
every page ever fetched. Packs are append-only and written before their rows: bytes whose
row never landed (a crash in between) are never read, and a row always points at bytes
that were flushed to disk. Move or back up the ``.raw`` folder with the warehouse file.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import duckdb

from storage.errors import StorageError

PACK_LIMIT = 1 << 30  # bytes: a pack that would pass it is left, and the next one begun
COMPRESSION = "zlib"


def packs_dir(con: duckdb.DuckDBPyConnection) -> Path | None:
    """The pack folder of the database ``con`` is on; None for an in-memory database
    (whose bodies stay inline in ``raw_pages.body``)."""
    rows = con.execute(
        "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    ).fetchall()
    return Path(f"{rows[0][0]}.raw") if rows and rows[0][0] else None


def compress(body: bytes) -> bytes:
    return zlib.compress(body, 6)


@dataclass(frozen=True, slots=True)
class Packed:
    """A body compressed for the archive as soon as it was fetched, with its size: what
    waits to be saved takes a tenth of the memory (``warehouse.save_bodies`` takes it
    as it is)."""

    blob: bytes
    size: int

    @classmethod
    def of(cls, body: bytes) -> Packed:
        return cls(compress(body), len(body))

    def unpacked(self) -> bytes:
        return zlib.decompress(self.blob)


def decompress(compression: str, blob: bytes, url: str) -> bytes:
    if compression != COMPRESSION:
        raise StorageError(f"raw page of {url}: unknown compression {compression!r}")
    return zlib.decompress(blob)


def append(directory: Path, blobs: Sequence[bytes]) -> list[tuple[str, int, int]]:
    """Append ``blobs`` to the current pack, flushed to disk; return where each one lies
    (pack name, offset, length). Writers take turns on the folder's lock."""
    directory.mkdir(parents=True, exist_ok=True)
    total = sum(map(len, blobs))
    with open(directory / "packs.lock", "a+b") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        name = _current_pack(directory, total)
        with open(directory / name, "ab") as out:
            offset = out.seek(0, os.SEEK_END)
            places = []
            for blob in blobs:
                places.append((name, offset, len(blob)))
                offset += len(blob)
            out.writelines(blobs)
            out.flush()
            os.fsync(out.fileno())
    return places


def _current_pack(directory: Path, incoming: int) -> str:
    """The newest pack while it has room for ``incoming`` more bytes (an empty one
    always has), else the next number."""
    packs = sorted(directory.glob("pack-*.zz"))
    if packs:
        size = packs[-1].stat().st_size
        if size == 0 or size + incoming <= PACK_LIMIT:
            return packs[-1].name
        number = int(packs[-1].stem.removeprefix("pack-")) + 1
    else:
        number = 1
    return f"pack-{number:05d}.zz"


class PackReader:
    """Reads stored bodies back; keeps each pack it opened open until it is closed."""

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory
        self._files: dict[str, int] = {}

    def body(
        self,
        url: str,
        compression: str,
        inline: bytes | None,
        pack: str | None,
        offset: int | None,
        length: int | None,
    ) -> bytes:
        """The body of ``url`` as fetched: from its pack, or inline (rows written before
        packs existed, and in-memory databases)."""
        if pack is None:
            if inline is None:
                raise StorageError(f"raw page of {url}: neither a pack nor an inline body")
            return decompress(compression, inline, url)
        if self.directory is None or offset is None or length is None:
            raise StorageError(f"raw page of {url}: in pack {pack}, but no place given")
        fd = self._files.get(pack)
        if fd is None:
            try:
                fd = self._files[pack] = os.open(self.directory / pack, os.O_RDONLY)
            except OSError as exc:
                raise StorageError(f"raw page of {url}: cannot open its pack: {exc}") from exc
        blob = os.pread(fd, length, offset)
        if len(blob) != length:
            raise StorageError(
                f"raw page of {url}: pack {self.directory / pack} ends before byte "
                f"{offset + length} (truncated or replaced?)"
            )
        return decompress(compression, blob, url)

    def close(self) -> None:
        for fd in self._files.values():
            os.close(fd)
        self._files.clear()

    def __enter__(self) -> PackReader:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def copy_warehouse(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
    """Copy a closed warehouse file with its packs (``<file>.raw``), as a backup must."""
    shutil.copyfile(source, target)
    packs = Path(f"{source}.raw")
    if packs.is_dir():
        shutil.copytree(packs, Path(f"{target}.raw"), dirs_exist_ok=True)
