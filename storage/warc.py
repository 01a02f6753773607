"""WARC export of the raw archive, so that other tools can read what we fetched.

Each page with an archived body becomes one ``response`` record: its URL, its fetch time,
an HTTP status line and the headers we keep (Content-Type, ETag, Last-Modified), and the
body as it was served.
"""

from __future__ import annotations

import io
import os
from datetime import UTC, datetime
from http import HTTPStatus

import duckdb
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage import packs
from storage.warehouse import RAW_BODY_COLUMNS


def _warc_date(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def export_warc(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike[str],
    *,
    source: str | None = None,
) -> int:
    """Write the archived pages (of one source) to a WARC file; gzip it when the name
    ends in .gz. Returns the number of records."""
    directory = packs.packs_dir(con)  # before the query: another one would end its result
    cursor = con.execute(
        f"""
        SELECT p.url, p.status, p.fetched_at, p.content_type, p.etag, p.last_modified,
               {RAW_BODY_COLUMNS}
        FROM pages p JOIN raw_pages r USING (content_hash)
        WHERE ($source IS NULL OR p.source = $source)
        ORDER BY p.fetched_at, p.url
        """,
        {"source": source},
    )
    count = 0
    with (
        open(path, "wb") as out,
        packs.PackReader(directory) as reader,
    ):
        writer = WARCWriter(out, gzip=str(path).endswith(".gz"))
        while rows := cursor.fetchmany(1000):  # a thousand bodies in memory at most
            for url, status, fetched_at, ctype, etag, modified, *stored in rows:
                code = status if status and status != 304 else 200
                headers = [
                    (name, value)
                    for name, value in (
                        ("Content-Type", ctype),
                        ("ETag", etag),
                        ("Last-Modified", modified),
                    )
                    if value
                ]
                http = StatusAndHeaders(
                    f"{code} {HTTPStatus(code).phrase}", headers, protocol="HTTP/1.1"
                )
                record = writer.create_warc_record(
                    url,
                    "response",
                    payload=io.BytesIO(reader.body(url, *stored)),
                    http_headers=http,
                    warc_headers_dict={"WARC-Date": _warc_date(fetched_at)},
                )
                writer.write_record(record)
                count += 1
    return count
