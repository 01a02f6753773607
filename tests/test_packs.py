"""The raw archive's packs: bodies beside the warehouse, rows that say where they lie."""

from __future__ import annotations

import hashlib
import os
import zlib
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from storage import packs
from storage.errors import StorageError
from storage.migrations import MIGRATIONS, migrate
from storage.records import Page
from storage.schemas import CHILDREN
from storage.warehouse import (
    ArchivedPage,
    StoredPage,
    archived_listing_pages,
    archived_pages,
    connect,
    save_bodies,
    save_pages,
)

T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)


def page(n: int) -> tuple[str, str, bytes]:
    """URL, content hash and body of the ``n``-th page."""
    body = f"<html><body><p>Bản tin số {n} của huyện Võ Nhai</p></body></html>".encode()
    return f"http://p.test/tin/{n}", hashlib.sha256(body).hexdigest(), body


def archive(con: duckdb.DuckDBPyConnection, numbers: range) -> dict[str, bytes]:
    """Save pages ``numbers`` (bodies and fetch log); return their bodies by URL."""
    pages = [page(n) for n in numbers]
    save_bodies(con, {digest: body for _, digest, body in pages}, now=T0)
    save_pages(
        con,
        [Page(url, "s", "article", 200, T0, len(body), d, "text/html") for url, d, body in pages],
    )
    return {url: body for url, _, body in pages}


def test_bodies_go_to_a_pack_beside_the_warehouse_and_read_back(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    bodies = archive(con, range(3))
    rows = con.execute(
        "SELECT pack, pack_offset, pack_length, body IS NULL, size FROM raw_pages "
        "ORDER BY pack_offset"
    ).fetchall()
    pack = tmp_path / "w.duckdb.raw" / "pack-00001.zz"
    lengths = [len(zlib.compress(b, 6)) for b in bodies.values()]
    assert rows == [
        ("pack-00001.zz", sum(lengths[:k]), lengths[k], True, len(body))
        for k, body in enumerate(bodies.values())
    ]
    assert pack.stat().st_size == sum(lengths)
    assert archived_pages(con, list(bodies)) == {
        url: ArchivedPage(body, "text/html", None, None) for url, body in bodies.items()
    }
    # A body archived already is neither written nor stored again.
    archive(con, range(3))
    assert pack.stat().st_size == sum(lengths)
    assert con.execute("SELECT count(*) FROM raw_pages").fetchone() == (3,)
    con.close()


def test_listing_pages_come_back_without_their_bodies_which_are_read_on_demand(
    tmp_path: Path,
) -> None:
    con = connect(tmp_path / "w.duckdb")
    articles = archive(con, range(2))  # article pages: not listings, first in the pack
    base = sum(len(zlib.compress(body, 6)) for body in articles.values())
    listings = {
        f"http://p.test/tin-tuc?p={n}": f"<ul><li>trang {n}</li></ul>".encode() for n in (1, 2)
    }
    digests = {url: hashlib.sha256(body).hexdigest() for url, body in listings.items()}
    save_bodies(con, {digests[url]: body for url, body in listings.items()}, now=T0)
    save_pages(
        con,
        [
            Page(url, "s", "listing", 200, T0, len(body), digests[url], "text/html", f'"e{n}"')
            for n, (url, body) in enumerate(listings.items())
        ],
    )
    found = archived_listing_pages(con, "s")
    first, second = (len(zlib.compress(body, 6)) for body in listings.values())
    directory = tmp_path / "w.duckdb.raw"
    assert found == {
        "http://p.test/tin-tuc?p=1": StoredPage(
            "http://p.test/tin-tuc?p=1",
            "text/html",
            '"e0"',
            None,
            ("zlib", None, "pack-00001.zz", base, first),
            directory,
        ),
        "http://p.test/tin-tuc?p=2": StoredPage(
            "http://p.test/tin-tuc?p=2",
            "text/html",
            '"e1"',
            None,
            ("zlib", None, "pack-00001.zz", base + first, second),
            directory,
        ),
    }
    assert {url: listing.read() for url, listing in found.items()} == listings
    assert archived_listing_pages(con, "other") == {}
    con.close()


def test_a_full_pack_is_left_for_the_next_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    con = connect(tmp_path / "w.duckdb")
    monkeypatch.setattr(packs, "PACK_LIMIT", 100)  # one compressed body fits, not two
    bodies = {}
    for n in range(3):
        bodies |= archive(con, range(n, n + 1))
    assert sorted(p.name for p in (tmp_path / "w.duckdb.raw").glob("pack-*")) == [
        "pack-00001.zz",
        "pack-00002.zz",
        "pack-00003.zz",
    ]
    assert con.execute("SELECT pack, pack_offset FROM raw_pages ORDER BY pack").fetchall() == [
        ("pack-00001.zz", 0),
        ("pack-00002.zz", 0),
        ("pack-00003.zz", 0),
    ]
    assert {u: p.body for u, p in archived_pages(con, list(bodies)).items()} == bodies
    con.close()


def test_an_in_memory_warehouse_keeps_its_bodies_inline() -> None:
    con = duckdb.connect()
    migrate(con)
    bodies = archive(con, range(2))
    assert con.execute("SELECT count(*) FROM raw_pages WHERE pack IS NULL").fetchone() == (2,)
    assert {u: p.body for u, p in archived_pages(con, list(bodies)).items()} == bodies


def test_bodies_archived_before_packs_stay_inline_and_readable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w.duckdb"
    url, digest, body = page(0)
    monkeypatch.setattr("storage.migrations.MIGRATIONS", MIGRATIONS[:9])
    # ... whose writer had no search index (migration 13)
    monkeypatch.setattr("storage.schemas.OF_ARTICLE", CHILDREN)
    with connect(path) as old:
        old.execute(
            "INSERT INTO raw_pages VALUES (?, 'zlib', ?, ?, ?)",
            [digest, len(body), zlib.compress(body), T0],
        )
        save_pages(old, [Page(url, "s", "article", 200, T0, len(body), digest, "text/html")])
    monkeypatch.undo()
    con = connect(path)
    newer = archive(con, range(1, 2))
    assert {u: p.body for u, p in archived_pages(con, [url, *newer]).items()} == {
        url: body,
        **newer,
    }
    assert con.execute("SELECT count(*) FROM raw_pages WHERE pack IS NULL").fetchone() == (1,)
    con.close()


def test_a_truncated_pack_is_a_clear_error(tmp_path: Path) -> None:
    con = connect(tmp_path / "w.duckdb")
    bodies = archive(con, range(2))
    pack = tmp_path / "w.duckdb.raw" / "pack-00001.zz"
    os.truncate(pack, pack.stat().st_size - 5)
    with pytest.raises(StorageError, match=r"raw page of http://p.test/tin/1: pack .* ends"):
        archived_pages(con, list(bodies))
    os.remove(pack)
    with pytest.raises(StorageError, match="raw page of http://p.test/tin/.: cannot open its pack"):
        archived_pages(con, list(bodies))
    con.close()


def test_a_copy_of_the_warehouse_takes_its_packs(tmp_path: Path) -> None:
    with connect(tmp_path / "w.duckdb") as con:
        bodies = archive(con, range(2))
    packs.copy_warehouse(tmp_path / "w.duckdb", tmp_path / "copy.duckdb")
    with connect(tmp_path / "copy.duckdb", read_only=True) as copy:
        assert {u: p.body for u, p in archived_pages(copy, list(bodies)).items()} == bodies
