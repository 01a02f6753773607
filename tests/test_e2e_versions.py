"""End to end, article versions (issue 18, item 3): the sample portal over real HTTP,
ingested by the real Prefect flows; then the portal edits one article and re-dates
another (revision 2). The nightly run does not fetch known articles again, so it keeps
no version; a backfill with ``refetch`` over the portal's range does: both articles
keep their first version in article_versions, the latest is in articles, no other
article gets a version, and `bulletin history` shows what changed."""

from __future__ import annotations

import io
from contextlib import redirect_stdout
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import PORTAL_END
from search_index import assert_index_up_to_date

from bulletin.cli import main
from bulletin.cli.output import format_table
from flows.backfill import backfill
from flows.nightly import nightly
from sample_portal import PortalConfig, SampleArticle, SamplePortal
from sample_portal.revisions import EDITED, REDATED
from storage.runs import RUN_COUNTS
from storage.warehouse import connect

pytestmark = pytest.mark.slow

Row = dict[str, Any]
KEPT = ("article_id", "content_hash", "title", "lead", "body_text", "published_at")


def rows(db: Path, query: str) -> list[Row]:
    """The rows of ``query`` on the warehouse, whole, as column -> value."""
    con = connect(db, read_only=True)
    try:
        cursor = con.execute(query)
        columns = [d[0] for d in cursor.description or ()]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()


def articles(db: Path) -> dict[str, Row]:
    """Every article's row, whole, by URL."""
    return {row["url"]: row for row in rows(db, "SELECT * FROM articles")}


def article_versions(db: Path) -> list[Row]:
    return rows(db, "SELECT * FROM article_versions ORDER BY version, title")


def text_of(article: SampleArticle) -> Row:
    """What a perfect extraction stores of a sample article's text and date."""
    return {
        "title": article.title,
        "lead": article.lead,
        "body_text": article.body_text,
        "published_at": article.published_at,
    }


def run_counts(result: dict[str, object]) -> dict[str, object]:
    return {k: result[k] for k in RUN_COUNTS}


def test_a_refetch_keeps_the_first_version_of_an_edited_and_a_redated_article(
    prefect_harness: None, tmp_path: Path, write_sources: Any
) -> None:
    portal = SamplePortal(PortalConfig(end=PORTAL_END))
    old_edited, old_redated = portal.article(EDITED), portal.article(REDATED)
    with portal.serve(host="127.0.0.1", port=0) as base_url:
        sources = str(write_sources(tmp_path, base_url))
        db = tmp_path / "w.duckdb"
        first = nightly(sources=["sample"], db=str(db), sources_file=sources)
        assert (first["new"], first["failed"]) == (58, 2)
        before = articles(db)

        portal.revision = 2
        new_edited, new_redated = portal.article(EDITED), portal.article(REDATED)
        quiet = nightly(sources=["sample"], db=str(db), sources_file=sources)
        assert (quiet["discovered"], quiet["new"], quiet["updated"]) == (0, 0, 0)
        assert article_versions(db) == []  # known articles are not fetched again
        assert articles(db) == before

        refetched = backfill(
            source="sample",
            date_from=portal.start,
            date_to=portal.end,
            db=str(db),
            sources_file=sources,
            refetch=True,
        )
    assert run_counts(refetched) == {
        "discovered": 60,
        "fetched": 60,
        "new": 0,
        "updated": 2,
        "unchanged": 56,
        "failed": 2,  # the sample portal's broken pages, fetched again
    }
    after = articles(db)
    edited_url, redated_url = base_url + old_edited.path, base_url + new_redated.path
    assert old_edited.path == new_edited.path and old_redated.path == new_redated.path
    changed = {edited_url, redated_url}
    # Every other article is as it was, row for row (its page changed when it listed
    # the edited title in its related box, its extracted content did not).
    assert {u: r for u, r in after.items() if u not in changed} == {
        u: r for u, r in before.items() if u not in changed
    }
    # Version 1 of each is the row stored before, the latest is in articles.
    assert article_versions(db) == sorted(
        [
            {
                **{column: before[url][column] for column in KEPT},
                "version": 1,
                "seen_at": before[url]["updated_at"],
                "replaced_at": after[url]["updated_at"],
            }
            for url in changed
        ],
        key=lambda version: version["title"],
    )
    for url, old, new in (
        (edited_url, old_edited, new_edited),
        (redated_url, old_redated, new_redated),
    ):
        assert {column: before[url][column] for column in text_of(old)} == text_of(old)
        assert {column: after[url][column] for column in text_of(new)} == text_of(new)
        assert after[url]["first_seen_at"] == before[url]["first_seen_at"]
        assert after[url]["updated_at"] > before[url]["updated_at"]
    assert new_redated.published_at == old_redated.published_at - timedelta(days=1)
    # The search index follows the edit: "cập nhật" is in the edited title now.
    from storage.search import search

    con = connect(db, read_only=True)
    try:
        assert_index_up_to_date(con)
        found = [(h.url, h.title) for h in search(con, '"cap nhat"', limit=5)]
    finally:
        con.close()
    assert found[0] == (edited_url, new_edited.title)

    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["history", edited_url, "--db", str(db)]) == 0
    table = format_table(
        ("version", "seen_at", "published_at", "content_hash"),
        [
            (
                n,
                row["updated_at"].replace(microsecond=0),
                row["published_at"],
                row["content_hash"][:12],
            )
            for n, row in ((1, before[edited_url]), (2, after[edited_url]))
        ],
    )
    assert out.getvalue().splitlines() == [
        f"article {after[edited_url]['article_id']}: {edited_url} (2 versions; the last is "
        "the one stored)",
        *table.splitlines(),
        "",
        "version 1 → 2",
        "  title: Tập huấn kỹ năng số cho Tổ công nghệ số cộng đồng xã Phúc Lộc {+(cập nhật)+}",
        "  body_text: … không có hồ sơ quá hạn. "
        "{+Số liệu trên được cập nhật theo báo cáo mới nhất của các xã, thị trấn.+} ¶ "
        "Hạ tầng số tiếp tục …",
    ]
    # The re-dated one, asked by its article_id: only its date changed.
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["history", after[redated_url]["article_id"], "--db", str(db)]) == 0
    moved = (old_redated.published_at.isoformat(), new_redated.published_at.isoformat())
    assert out.getvalue().splitlines()[-2:] == [
        "version 1 → 2",
        f"  published_at: {moved[0]} → {moved[1]}",
    ]
