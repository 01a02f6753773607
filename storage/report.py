"""What ``bulletin report`` shows, as queries: one function per section of the report.

Every section is filtered alike by a ``Scope``: one source (or all), and the articles
dated from a day on (from 00:00 of that day in the portals' timezone; an undated article
is then left out). Failures carry no article date: ``since`` keeps those last seen from
that day on. Months are the portals' months (``extractors.dates.DEFAULT_TIMEZONE``).

Each section is a ``Table``: its columns and its rows, in the order the report shows
them (the chart draws one mark per row). No HTML here: ``bulletin.report_page`` draws
them.

Failures are grouped by stage and by the kind of their reason (``failure_kind``): the
reason's leading words, before its first ``:`` or ``(``, without the "gave up after N
attempts: " a given-up page's reason starts with nor the " after N attempts" a fetch's
retries end it with. So "connection error (ConnectError: [Errno 111] ...)" and
"connection error (ReadError: ...)" are one kind, "connection error"; "HTTP 404 Not
Found" and "HTTP 503 Service Unavailable" are two.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from extractors.dates import DEFAULT_TIMEZONE
from storage.warehouse import GAVE_UP

TOP = 15  # rows of the "most cited" and "most quoted" sections
KIND_WIDTH = 60  # characters of a failure kind; a longer one is cut with "…"


@dataclass(frozen=True, slots=True)
class Scope:
    """What a report covers: one source (None: all), articles dated from ``since`` on."""

    source: str | None = None
    since: date | None = None

    def params(self) -> dict[str, Any]:
        since_at = (
            datetime.combine(self.since, time.min, tzinfo=ZoneInfo(DEFAULT_TIMEZONE))
            if self.since
            else None
        )
        return {"source": self.source, "since": since_at}


@dataclass(frozen=True, slots=True)
class Table:
    """One section's data: column names and rows."""

    columns: tuple[str, ...]
    rows: tuple[tuple[Any, ...], ...] = ()

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[Any]:
        i = self.columns.index(name)
        return [row[i] for row in self.rows]


@dataclass(frozen=True, slots=True)
class Overview:
    """The articles in scope: how many, how many undated, the first and last date."""

    articles: int
    undated: int
    first: datetime | None
    last: datetime | None


@dataclass(frozen=True, slots=True)
class Report:
    """Every section of a report, for one scope. ``unit`` is the one whose values
    ``values`` holds: the one asked for (``unit_given``), else ``top_unit`` (None when no
    value in scope has a unit). The ranked sections hold their first ``limit`` rows."""

    scope: Scope
    limit: int
    unit_given: bool
    overview: Overview
    articles: Table
    figures: Table
    documents: Table
    officials: Table
    unit: str | None
    values: Table
    failures: Table


# The articles in scope, as ``a``; the params are ``Scope.params()``.
IN_SCOPE = (
    "($source IS NULL OR a.source = $source) AND ($since IS NULL OR a.published_at >= $since)"
)
_MONTH = f"strftime(timezone('{DEFAULT_TIMEZONE}', a.published_at), '%Y-%m')"


def _table(
    con: duckdb.DuckDBPyConnection, query: str, params: dict[str, Any], columns: Sequence[str]
) -> Table:
    rows = con.execute(query, params).fetchall()
    return Table(tuple(columns), tuple(tuple(row) for row in rows))


def overview(con: duckdb.DuckDBPyConnection, scope: Scope) -> Overview:
    row = con.execute(
        "SELECT count(*), count(*) FILTER (WHERE a.published_at IS NULL), "
        f"min(a.published_at), max(a.published_at) FROM articles a WHERE {IN_SCOPE}",
        scope.params(),
    ).fetchone()
    assert row is not None  # an aggregate always has its row
    return Overview(int(row[0]), int(row[1]), row[2], row[3])


def articles_per_month(con: duckdb.DuckDBPyConnection, scope: Scope) -> Table:
    """Dated articles per month and source."""
    return _table(
        con,
        f"SELECT {_MONTH} AS month, a.source, count(*) AS articles FROM articles a "
        f"WHERE {IN_SCOPE} AND a.published_at IS NOT NULL GROUP BY ALL ORDER BY month, source",
        scope.params(),
        ("month", "source", "articles"),
    )


def figures_per_month(con: duckdb.DuckDBPyConnection, scope: Scope) -> Table:
    """Figures (images) of the dated articles, per month and source of their article."""
    return _table(
        con,
        f"SELECT {_MONTH} AS month, a.source, count(*) AS figures, "
        "count(DISTINCT a.article_id) AS articles "
        f"FROM figures f JOIN articles a USING (article_id) "
        f"WHERE {IN_SCOPE} AND a.published_at IS NOT NULL GROUP BY ALL ORDER BY month, source",
        scope.params(),
        ("month", "source", "figures", "articles"),
    )


def cited_documents(con: duckdb.DuckDBPyConnection, scope: Scope, limit: int = TOP) -> Table:
    """The documents cited by the most articles: number, type, issuer, articles."""
    return _table(
        con,
        "SELECT d.number, d.type_name, d.issuer_code AS issuer, "
        "count(DISTINCT d.article_id) AS articles "
        f"FROM doc_refs d JOIN articles a USING (article_id) WHERE {IN_SCOPE} "
        "GROUP BY ALL ORDER BY articles DESC, number, type_name NULLS LAST, issuer NULLS LAST "
        "LIMIT $limit",
        {**scope.params(), "limit": limit},
        ("number", "type_name", "issuer", "articles"),
    )


def quoted_officials(con: duckdb.DuckDBPyConnection, scope: Scope, limit: int = TOP) -> Table:
    """The officials quoted in the most articles: name, the title they are given most
    often (the first in alphabetical order among equals), articles, quotes."""
    return _table(
        con,
        f"""
        WITH quoted AS (
            SELECT p.name, p.title, p.article_id FROM people p JOIN articles a USING (article_id)
            WHERE p.quoted AND {IN_SCOPE}
        ), titles AS (
            SELECT name, title FROM quoted GROUP BY name, title
            QUALIFY row_number() OVER (PARTITION BY name ORDER BY count(*) DESC, title) = 1
        )
        SELECT q.name, t.title, count(DISTINCT q.article_id) AS articles, count(*) AS quotes
        FROM quoted q JOIN titles t USING (name)
        GROUP BY ALL ORDER BY articles DESC, quotes DESC, name LIMIT $limit
        """,
        {**scope.params(), "limit": limit},
        ("name", "title", "articles", "quotes"),
    )


def top_unit(con: duckdb.DuckDBPyConnection, scope: Scope) -> str | None:
    """The unit of the most values quoted in the dated articles in scope (the first in
    alphabetical order among equals); None when none has a unit."""
    row = con.execute(
        "SELECT s.unit FROM stats s JOIN articles a USING (article_id) "
        f"WHERE {IN_SCOPE} AND a.published_at IS NOT NULL AND s.unit IS NOT NULL "
        "GROUP BY s.unit ORDER BY count(*) DESC, s.unit LIMIT 1",
        scope.params(),
    ).fetchone()
    return None if row is None else str(row[0])


def unit_values(con: duckdb.DuckDBPyConnection, scope: Scope, unit: str | None) -> Table:
    """Every value quoted in ``unit`` by a dated article in scope, by the article's date:
    published_at, value, the phrase, the article's title."""
    return _table(
        con,
        "SELECT a.published_at, s.value, s.text, a.title FROM stats s "
        f"JOIN articles a USING (article_id) WHERE {IN_SCOPE} "
        "AND a.published_at IS NOT NULL AND s.unit = $unit "
        "ORDER BY a.published_at, a.article_id, s.ordinal",
        {**scope.params(), "unit": unit},
        ("published_at", "value", "text", "title"),
    )


# The prefix record_failures gives a given-up page's reason, with any number of attempts.
_GAVE_UP = re.compile("^" + re.escape(GAVE_UP).replace(re.escape("{attempts}"), r"\d+"))
_RETRIED = re.compile(r" after \d+ attempts$")


def failure_kind(reason: str) -> str:
    """A reason's kind: its leading words (see the module's docstring)."""
    said = _GAVE_UP.sub("", reason)
    kind = _RETRIED.sub("", re.split(r"[:(]", said, maxsplit=1)[0].strip()) or said.strip()
    return kind if len(kind) <= KIND_WIDTH else kind[: KIND_WIDTH - 1] + "…"


def failures_by_kind(con: duckdb.DuckDBPyConnection, scope: Scope) -> Table:
    """Failures per stage and kind of reason (``failure_kind``), the most first: stage,
    reason (the kind), failures, of which given up, and the latest reason in full."""
    rows = con.execute(
        "SELECT stage, reason, count(*), max(last_failed_at) FROM failures "
        "WHERE ($source IS NULL OR source = $source) "
        "AND ($since IS NULL OR last_failed_at >= $since) GROUP BY ALL",
        scope.params(),
    ).fetchall()
    groups: dict[tuple[str, str], list[Any]] = {}
    for stage, reason, count, last in rows:
        group = groups.setdefault((stage, failure_kind(reason)), [0, 0, None, ""])
        group[0] += count
        group[1] += count if _GAVE_UP.match(reason) else 0
        if group[2] is None or (last, reason) > (group[2], group[3]):
            group[2], group[3] = last, reason
    ordered = sorted(groups.items(), key=lambda item: (-item[1][0], item[0]))
    return Table(
        ("stage", "reason", "failures", "given_up", "latest"),
        tuple(
            (stage, kind, n, given_up, latest)
            for (stage, kind), (n, given_up, _, latest) in ordered
        ),
    )


def gather(
    con: duckdb.DuckDBPyConnection, scope: Scope, unit: str | None = None, limit: int = TOP
) -> Report:
    """Every section of the report; ``unit`` defaults to ``top_unit``."""
    shown = unit if unit is not None else top_unit(con, scope)
    return Report(
        scope=scope,
        limit=limit,
        unit_given=unit is not None,
        overview=overview(con, scope),
        articles=articles_per_month(con, scope),
        figures=figures_per_month(con, scope),
        documents=cited_documents(con, scope, limit),
        officials=quoted_officials(con, scope, limit),
        unit=shown,
        values=unit_values(con, scope, shown),
        failures=failures_by_kind(con, scope),
    )
