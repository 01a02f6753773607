"""`bulletin report` (issue 18, item 4): one HTML file that opens offline, from a small
warehouse of known rows: each section's whole table, --source and --since, the sentence
an empty section says instead of a chart, and a page that loads nothing from anywhere.
(tests/test_report_browser.py draws the demo warehouse's report in Chromium.)"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from plotly.offline import get_plotlyjs

from bulletin.cli import main
from bulletin.report_page import CONFIG
from extractors.facts import DocRef, Person, Stat
from extractors.records import Article, Figure
from storage.records import Failure
from storage.report import Report, Scope, Table, failure_kind, gather
from storage.warehouse import connect, record_failures, save_articles, writing

ICT = timezone(timedelta(hours=7))
T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
CHAIRMAN = "Chủ tịch UBND huyện"


def _stat(n: int, value: float, unit: str, text: str) -> Stat:
    return Stat(n, value, None, None, unit, "=", None, text, f"Đạt {text}.", "body", 0, 1)


def _doc(n: int, number: str, code: str, name: str, issuer: str) -> DocRef:
    return DocRef(n, number, code, name, issuer, None, None, True, 1, number, "body", 0, 1)


def _person(n: int, name: str, title: str, quoted: bool) -> Person:
    return Person(n, name, title, quoted, None, f"{title} {name} cho biết.", "body", 0, 1)


def _article(
    source: str,
    key: str,
    published: datetime | None,
    figures: int,
    stats: tuple[Stat, ...],
    docs: tuple[DocRef, ...],
    people: tuple[Person, ...],
) -> Article:
    url = f"http://{source}.test/{key}"
    return Article(
        url=url,
        canonical_url=url,
        title=f"Tin {key} của {source}",
        published_at=published,
        lead=None,
        body_text=f"Nội dung bài {key}.",
        figures=tuple(Figure(i, f"{url}/{i}.jpg", f"Ảnh {i}") for i in range(1, figures + 1)),
        profile="liferay-6.2",
        stats=stats,
        doc_refs=docs,
        people=people,
    )


A1 = datetime(2026, 9, 5, 9, 0, tzinfo=ICT)
A2 = datetime(2026, 10, 1, 0, 30, tzinfo=ICT)  # still 30 September in UTC: an October article
B1 = datetime(2026, 10, 15, 14, 0, tzinfo=ICT)
RESOLUTION = ("35-NQ/TW", "NQ", "Nghị quyết", "TW")
DECISION = ("123/QĐ-UBND", "QĐ", "Quyết định", "UBND")
REFUSED = "connection error (ConnectError: [Errno 111] Connection refused) after 3 attempts"
RESET = "connection error (ReadError: peer closed connection) after 3 attempts"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "warehouse.duckdb"
    vonhai = [
        _article(
            "vonhai",
            "a1",
            A1,
            2,
            (_stat(1, 95.0, "%", "95%"), _stat(2, 12.0, "hộ", "12 hộ")),
            (_doc(1, *RESOLUTION),),
            (
                _person(1, "Nguyễn Văn An", CHAIRMAN, True),
                _person(2, "Lê Thị Bình", "Bí thư Huyện ủy", False),
            ),
        ),
        _article(
            "vonhai",
            "a2",
            A2,
            1,
            (_stat(1, 80.5, "%", "80,5%"),),
            (_doc(1, *RESOLUTION), _doc(2, *DECISION)),
            (_person(1, "Nguyễn Văn An", "Chủ tịch UBND huyện Võ Nhai", True),),
        ),
        _article(  # undated: counted in the totals, in no month, in every other section
            "vonhai",
            "a3",
            None,
            1,
            (_stat(1, 50.0, "%", "50%"),),
            (_doc(1, *RESOLUTION),),
            (_person(1, "Nguyễn Văn An", CHAIRMAN, True),),
        ),
    ]
    donghy = [
        _article(
            "donghy",
            "b1",
            B1,
            0,
            (_stat(1, 70.0, "%", "70%"), _stat(2, 3.0, "hộ", "3 hộ"), _stat(3, 4.0, "hộ", "4 hộ")),
            (_doc(1, *DECISION),),
            (
                _person(1, "Trần Văn Cường", "Phó Chủ tịch UBND huyện", True),
                _person(2, "Trần Văn Cường", "Phó Chủ tịch UBND huyện", True),
            ),
        )
    ]
    with writing(path) as con:
        save_articles(con, "vonhai", vonhai, now=T0)
        save_articles(con, "donghy", donghy, now=T0)
        record_failures(
            con,
            [
                Failure("http://vonhai.test/x1", "vonhai", "fetch", "HTTP 404 Not Found", 404),
                Failure("http://vonhai.test/x2", "vonhai", "fetch", REFUSED),
            ],
            now=T0,
        )
        # given up at its first recorded attempt
        record_failures(
            con,
            [Failure("http://vonhai.test/x3", "vonhai", "fetch", RESET)],
            now=T0 + timedelta(hours=1),
            max_attempts=1,
        )
        record_failures(
            con,
            [Failure("http://donghy.test/x4", "donghy", "extract", "no title found", 200)],
            now=datetime(2026, 9, 1, tzinfo=UTC),
        )
    return path


@pytest.fixture
def sources(sources_naming: Callable[..., Path]) -> Path:
    return sources_naming("vonhai", "donghy")


def _report(db: Path, sources: Path, out: Path, *options: str) -> int:
    """``bulletin report`` of ``db`` to ``out``: its exit status."""
    return main(["report", "--db", str(db), "--sources", str(sources), "--out", str(out), *options])


def _gather(db: Path, scope: Scope, unit: str | None = None) -> Report:
    con = connect(db, read_only=True)
    try:
        return gather(con, scope, unit)
    finally:
        con.close()


def _rows(table: Table) -> list[tuple[object, ...]]:
    return list(table.rows)


def test_every_section_of_the_whole_warehouse(db: Path) -> None:
    report = _gather(db, Scope())
    assert (report.overview.articles, report.overview.undated) == (4, 1)
    assert (report.overview.first, report.overview.last) == (A1, B1)
    assert report.articles.columns == ("month", "source", "articles")
    assert _rows(report.articles) == [
        ("2026-09", "vonhai", 1),
        ("2026-10", "donghy", 1),
        ("2026-10", "vonhai", 1),
    ]
    assert report.figures.columns == ("month", "source", "figures", "articles")
    assert _rows(report.figures) == [("2026-09", "vonhai", 2, 1), ("2026-10", "vonhai", 1, 1)]
    assert report.documents.columns == ("number", "type_name", "issuer", "articles")
    assert _rows(report.documents) == [
        ("35-NQ/TW", "Nghị quyết", "TW", 3),
        ("123/QĐ-UBND", "Quyết định", "UBND", 2),
    ]
    assert report.officials.columns == ("name", "title", "articles", "quotes")
    assert _rows(report.officials) == [
        ("Nguyễn Văn An", CHAIRMAN, 3, 3),  # the title given most often
        ("Trần Văn Cường", "Phó Chủ tịch UBND huyện", 1, 2),
    ]  # Lê Thị Bình is named, never quoted
    # "%" and "hộ" are quoted 3 times each in dated articles: the first alphabetically
    assert (report.unit, report.unit_given) == ("%", False)
    assert report.values.columns == ("published_at", "value", "text", "title")
    assert _rows(report.values) == [
        (A1, 95.0, "95%", "Tin a1 của vonhai"),
        (A2, 80.5, "80,5%", "Tin a2 của vonhai"),
        (B1, 70.0, "70%", "Tin b1 của donghy"),
    ]
    assert report.failures.columns == ("stage", "reason", "failures", "given_up", "latest")
    assert _rows(report.failures) == [
        ("fetch", "connection error", 2, 1, f"gave up after 1 attempts: {RESET}"),
        ("extract", "no title found", 1, 0, "no title found"),
        ("fetch", "HTTP 404 Not Found", 1, 0, "HTTP 404 Not Found"),
    ]


def test_one_source_and_a_first_day(db: Path) -> None:
    donghy = _gather(db, Scope(source="donghy"))
    assert _rows(donghy.articles) == [("2026-10", "donghy", 1)]
    assert _rows(donghy.figures) == []
    assert _rows(donghy.documents) == [("123/QĐ-UBND", "Quyết định", "UBND", 1)]
    assert _rows(donghy.officials) == [("Trần Văn Cường", "Phó Chủ tịch UBND huyện", 1, 2)]
    assert donghy.unit == "hộ"  # 2 values against 1 in "%"
    assert _rows(donghy.values) == [
        (B1, 3.0, "3 hộ", "Tin b1 của donghy"),
        (B1, 4.0, "4 hộ", "Tin b1 của donghy"),
    ]
    assert _rows(donghy.failures) == [("extract", "no title found", 1, 0, "no title found")]

    # From 1 October (00:00 in Vietnam): a2 (00:30) and b1; the undated a3 is out, and
    # so is the failure last seen in September.
    october = _gather(db, Scope(since=date(2026, 10, 1)), unit="hộ")
    assert (october.overview.articles, october.overview.undated) == (2, 0)
    assert _rows(october.articles) == [("2026-10", "donghy", 1), ("2026-10", "vonhai", 1)]
    assert _rows(october.documents) == [
        ("123/QĐ-UBND", "Quyết định", "UBND", 2),
        ("35-NQ/TW", "Nghị quyết", "TW", 1),
    ]
    assert _rows(october.officials) == [  # one article each: the more quotes first
        ("Trần Văn Cường", "Phó Chủ tịch UBND huyện", 1, 2),
        ("Nguyễn Văn An", "Chủ tịch UBND huyện Võ Nhai", 1, 1),
    ]
    assert (october.unit, october.unit_given) == ("hộ", True)
    assert [row[1] for row in october.values.rows] == [3.0, 4.0]
    assert [row[:4] for row in october.failures.rows] == [
        ("fetch", "connection error", 2, 1),
        ("fetch", "HTTP 404 Not Found", 1, 0),
    ]


@pytest.mark.parametrize(
    ("reason", "kind"),
    [
        ("HTTP 404 Not Found", "HTTP 404 Not Found"),
        ("HTTP 503 Service Unavailable after 3 attempts", "HTTP 503 Service Unavailable"),
        ("HTTP 503 Service Unavailable (Retry-After 600 s)", "HTTP 503 Service Unavailable"),
        (f"gave up after 3 attempts: {REFUSED}", "connection error"),
        ("timeout (ReadTimeout) after 3 attempts", "timeout"),
        ("soft error: an error page (title 'Service Unavailable')", "soft error"),
        ("crawler trap: path of 12 segments", "crawler trap"),
        ("no title found", "no title found"),
        (": odd", ": odd"),
        ("x" * 70, "x" * 59 + "…"),
    ],
)
def test_failure_kinds(reason: str, kind: str) -> None:
    assert failure_kind(reason) == kind


def test_the_command_writes_one_self_contained_page(
    db: Path, sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert _report(db, sources, out) == 0
    printed = capsys.readouterr()
    assert printed.err == ""
    assert printed.out == (
        f"report: {out} ({out.stat().st_size:,} bytes): articles per month 3 bars, "
        "figures per month 2 bars, cited documents 2 bars, quoted officials 2 bars, "
        "values in “%” 3 points, failures 3 bars\n"
    )
    raw = out.read_bytes()
    text = raw.decode("utf-8")  # UTF-8, whole
    assert "Nguyễn Văn An".encode() in raw and "Quyết định".encode() in raw
    page = BeautifulSoup(text, "lxml")
    assert page.find("meta", charset=True)["charset"].lower() == "utf-8"  # type: ignore[index]
    # Self-contained: no script, style sheet, image or frame from anywhere, the
    # scripts inline, plotly.js once for all the charts.
    assert [tag.name for tag in page.find_all(src=True)] == []
    assert page.find_all("link") == []
    assert [a for a in page.find_all(href=True) if not a["href"].startswith("#")] == []
    scripts = page.find_all("script")
    assert len(scripts) == 1 + 6  # plotly.js, then one per chart
    assert text.count(get_plotlyjs()) == 1
    assert text.count("plotly.js v") == 1
    assert CONFIG["displaylogo"] is False
    charts = [div["id"] for div in page.select("div.plotly-graph-div")]
    assert charts == [
        "chart-articles",
        "chart-figures",
        "chart-documents",
        "chart-officials",
        "chart-values",
        "chart-failures",
    ]
    # Each chart's data beside it, as the report shows it.
    assert _shown(page, "documents") == [
        ["number", "type name", "issuer", "articles"],
        ["35-NQ/TW", "Nghị quyết", "TW", "3"],
        ["123/QĐ-UBND", "Quyết định", "UBND", "2"],
    ]
    assert _shown(page, "values") == [
        ["published at", "value", "text", "title"],
        ["2026-09-05 09:00", "95", "95%", "Tin a1 của vonhai"],
        ["2026-10-01 00:30", "80.5", "80,5%", "Tin a2 của vonhai"],
        ["2026-10-15 14:00", "70", "70%", "Tin b1 của donghy"],
    ]
    assert _shown(page, "failures")[1] == [
        "fetch",
        "connection error",
        "2",
        "1",
        f"gave up after 1 attempts: {RESET}",
    ]
    heading = page.select_one("#values h2")
    assert heading is not None and heading.get_text() == "Values quoted in “%” over time"
    assert "4 articles in range (1 undated: in no month)" in page.get_text()


def _shown(page: BeautifulSoup, key: str) -> list[list[str]]:
    """The table of section ``key``: its header and rows, as text."""
    return [
        [cell.get_text() for cell in row.find_all(["th", "td"])]
        for row in page.select(f"#{key} table tr")
    ]


def test_source_and_since_reach_the_page(
    db: Path, sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "donghy.html"
    assert _report(db, sources, out, "--source", "donghy", "--since", "2026-10-01") == 0
    assert capsys.readouterr().out.endswith(
        "articles per month 1 bars, figures per month none, cited documents 1 bars, "
        "quoted officials 1 bars, values in “hộ” 2 points, failures none\n"
    )
    page = BeautifulSoup(out.read_text(encoding="utf-8"), "lxml")
    assert "Source: donghy · articles dated from: 2026-10-01" in page.get_text()
    assert [div["id"] for div in page.select("div.plotly-graph-div")] == [
        "chart-articles",
        "chart-documents",
        "chart-officials",
        "chart-values",
    ]
    assert _empty(page) == {
        "figures": "No figure in the dated articles in range.",
        "failures": "No failure recorded in range.",
    }


def _empty(page: BeautifulSoup) -> dict[str, str]:
    """What each empty section says, by section."""
    return {
        str(p.find_parent("section")["id"]): p.get_text()  # type: ignore[index]
        for p in page.select("p.empty")
    }


def test_empty_sections_say_so_and_draw_nothing(
    db: Path, sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "empty.html"
    assert _report(db, sources, out, "--since", "2027-01-01") == 0
    assert capsys.readouterr().out.endswith(
        "articles per month none, figures per month none, cited documents none, "
        "quoted officials none, values none, failures none\n"
    )
    page = BeautifulSoup(out.read_text(encoding="utf-8"), "lxml")
    assert page.select("div.plotly-graph-div") == []
    assert len(page.find_all("script")) == 1  # plotly.js alone
    assert _empty(page) == {
        "articles": "No dated article in range.",
        "figures": "No figure in the dated articles in range.",
        "documents": "No article in range cites a document.",
        "officials": "No official is quoted in the articles in range.",
        "values": "No value with a unit is quoted in the articles in range.",
        "failures": "No failure recorded in range.",
    }
    assert "0 articles in range." in page.get_text()
    # A unit asked for that no article quotes: said so, by name.
    assert _report(db, sources, out, "--unit", "lượt khách") == 0
    capsys.readouterr()
    page = BeautifulSoup(out.read_text(encoding="utf-8"), "lxml")
    assert _empty(page) == {
        "values": "No value in “lượt khách” is quoted in the articles in range."
    }


def test_bad_input_is_refused_in_one_line(
    db: Path, sources: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.html"
    assert _report(db, sources, out, "--source", "nope") == 2
    assert capsys.readouterr().err == (
        f"bulletin report: {sources}: unknown source(s) nope; known: vonhai, donghy\n"
    )
    with pytest.raises(SystemExit) as parsed:  # refused by the parser, as every --since
        _report(db, sources, out, "--since", "2026-13-01")
    assert parsed.value.code == 2
    assert capsys.readouterr().err == (
        "bulletin report: --since: expected a date YYYY-MM-DD, got '2026-13-01'\n"
    )
    assert not out.exists()


def test_an_out_that_cannot_be_written_is_refused(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--db", str(db), "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"bulletin report: --out: {tmp_path} is a directory\n"
    missing = tmp_path / "no" / "r.html"
    assert main(["report", "--db", str(db), "--out", str(missing)]) == 2
    assert capsys.readouterr().err == (
        f"bulletin report: --out: no directory {missing.parent} to write r.html in\n"
    )
    assert main(["report", "--db", str(tmp_path / "none.duckdb")]) == 2
    assert capsys.readouterr().err.startswith("bulletin report: no warehouse at ")
