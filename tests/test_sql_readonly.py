"""`bulletin sql` writes nothing: not the warehouse, not its packs, no other file.

One small warehouse (an article with a figure and a stat, two archived bodies in a pack)
is built once; every hostile statement then goes through the real command line, and
the whole temporary folder (the warehouse, its `.raw` packs, a HOME that DuckDB would
keep secrets and extensions in) plus a second folder a COPY could aim at must be byte
for byte as they were.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from bulletin.cli import main
from extractors.facts import extract_facts
from extractors.records import Article, Figure
from storage.warehouse import save_articles, save_bodies, writing

ICT = timezone(timedelta(hours=7))
T0 = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)
BODY = "Thực hiện Kế hoạch số 45/KH-UBND ngày 2/3/2026, huyện có 18/22 xã đạt chuẩn."
ROOT = Path(__file__).resolve().parents[1]

REFUSED = "is refused: only queries run here, and they read the warehouse and no other file"
NO_FILE = (
    "refused, no file but the warehouse is open here: Permission Error: "
    'Cannot access file "{}" - file system operations are disabled by configuration'
)
LOCKED = (
    "refused, no setting can change here: Invalid Input Error: "
    'Cannot change configuration option "{}" - the configuration has been locked'
)


@dataclass(frozen=True, slots=True)
class Warehouse:
    db: Path  # the warehouse file
    home: Path  # HOME while `bulletin sql` runs: where DuckDB keeps ~/.duckdb
    roots: tuple[Path, ...]  # every folder that must not change
    elsewhere: Path  # a folder apart from the warehouse's, for COPY and EXPORT to aim at

    @property
    def raw(self) -> Path:
        return Path(f"{self.db}.raw")

    def fill(self, template: str) -> str:
        return template.format(db=self.db, raw=self.raw, elsewhere=self.elsewhere)


def snapshot(roots: tuple[Path, ...]) -> dict[str, tuple[str, int, str]]:
    """Every folder and file under ``roots``: kind, size and sha256 by path."""
    seen: dict[str, tuple[str, int, str]] = {}
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_dir():
                seen[str(path)] = ("dir", 0, "")
            else:
                data = path.read_bytes()
                seen[str(path)] = ("file", len(data), hashlib.sha256(data).hexdigest())
    return seen


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Warehouse]:
    top = tmp_path_factory.mktemp("sql-readonly")
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    db = top / "warehouse.duckdb"
    home = top / "home"
    home.mkdir()
    article = Article(
        url="http://p.test/a",
        canonical_url="http://p.test/a",
        title="Hội nghị tập huấn",
        published_at=datetime(2026, 10, 30, 14, 5, tzinfo=ICT),
        lead=None,
        body_text=BODY,
        author="Minh Anh",
        figures=(Figure(1, "http://p.test/1.jpg", "Quang cảnh", "Minh Anh", None),),
        profile="liferay-6.2",
    )
    facts = extract_facts(None, BODY)
    article = replace(article, stats=facts.stats, doc_refs=facts.doc_refs, people=facts.people)
    with writing(db) as con:
        save_articles(con, "s", [article], now=T0)
        save_bodies(con, {"h1": b"<html>mot</html>", "h2": b"<html>hai</html>"}, now=T0)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(home))
        yield Warehouse(db, home, (top, elsewhere), elsewhere)


@pytest.fixture
def untouched(warehouse: Warehouse) -> Iterator[Warehouse]:
    """The warehouse; the test fails if any file or folder under its roots changed."""
    before = snapshot(warehouse.roots)
    top = warehouse.db.parent
    assert sorted(before) == [
        str(top / "home"),
        str(top / "warehouse.duckdb"),
        str(top / "warehouse.duckdb.lock"),
        str(top / "warehouse.duckdb.raw"),
        str(top / "warehouse.duckdb.raw" / "pack-00001.zz"),
        str(top / "warehouse.duckdb.raw" / "packs.lock"),
    ]
    yield warehouse
    assert snapshot(warehouse.roots) == before


def sql(w: Warehouse, query: str, *options: str) -> int:
    return main(["sql", "--db", str(w.db), *options, w.fill(query)])


HOSTILE = [
    pytest.param(
        "USE memory; DETACH warehouse; ATTACH '{db}' AS w2; UPDATE w2.articles SET title = 'X'",
        f"USE {REFUSED}",
        id="detach-attach-update",
    ),
    pytest.param("DETACH warehouse", f"DETACH {REFUSED}", id="detach"),
    pytest.param("ATTACH '{db}' AS w2 (READ_WRITE)", f"ATTACH {REFUSED}", id="attach-warehouse"),
    pytest.param(
        "ATTACH '{elsewhere}/new.duckdb' AS n; CREATE TABLE n.t AS SELECT 1",
        f"ATTACH {REFUSED}",
        id="attach-new-file",
    ),
    pytest.param("ATTACH ':memory:' AS m", f"ATTACH {REFUSED}", id="attach-memory"),
    pytest.param("SELECT 1; DROP TABLE w2.aliases; ATTACH '{db}'", f"ATTACH {REFUSED}", id="late"),
    pytest.param(
        "COPY (SELECT 'x') TO '{raw}/pack-00001.zz'", f"COPY {REFUSED}", id="copy-over-a-pack"
    ),
    pytest.param("/* hush */ COPY (SELECT 1) TO '{db}'", f"COPY {REFUSED}", id="copy-over-db"),
    pytest.param("COPY articles TO '{elsewhere}/a.csv'", f"COPY {REFUSED}", id="copy-elsewhere"),
    pytest.param("COPY articles FROM '{elsewhere}/a.csv'", f"COPY {REFUSED}", id="copy-from"),
    pytest.param("EXPORT DATABASE '{elsewhere}/dump'", f"EXPORT {REFUSED}", id="export"),
    pytest.param("INSTALL httpfs", f"INSTALL {REFUSED}", id="install"),
    pytest.param("LOAD httpfs", f"LOAD {REFUSED}", id="load"),
    pytest.param("UPDATE EXTENSIONS", f"this kind of statement {REFUSED}", id="update-ext"),
    pytest.param("SET enable_external_access = true", f"SET {REFUSED}", id="set-access"),
    pytest.param("SET temp_directory = '{elsewhere}'", f"SET {REFUSED}", id="set-temp"),
    pytest.param("RESET lock_configuration", f"RESET {REFUSED}", id="reset-lock"),
    pytest.param("-- a comment\nUSE system", f"USE {REFUSED}", id="use"),
    pytest.param(
        "PRAGMA profiling_output = '{elsewhere}/p.json'", f"PRAGMA {REFUSED}", id="pragma-set"
    ),
    pytest.param("PREPARE p AS SELECT 1", f"PREPARE {REFUSED}", id="prepare"),
    pytest.param("EXECUTE p", f"EXECUTE {REFUSED}", id="execute"),
    pytest.param("SET VARIABLE x = 1", f"SET {REFUSED}", id="variable"),
    # What passes the statement check, and QUERY_ONLY stops in DuckDB:
    pytest.param(
        "IMPORT DATABASE '{elsewhere}'", NO_FILE.format("{elsewhere}/schema.sql"), id="import"
    ),
    pytest.param(
        "SELECT * FROM read_csv('/etc/passwd', sep = ':')",
        NO_FILE.format("/etc/passwd"),
        id="read-csv",
    ),
    pytest.param(
        "SELECT * FROM read_blob('{raw}/pack-00001.zz')",
        NO_FILE.format("{raw}/pack-00001.zz"),
        id="read-pack",
    ),
    pytest.param("FROM glob('{elsewhere}/*')", NO_FILE.format("{elsewhere}/*"), id="glob"),
    pytest.param(
        "EXPLAIN ANALYZE COPY (SELECT 1) TO '{elsewhere}/e.csv'",
        NO_FILE.format("{elsewhere}/e.csv"),
        id="explain-analyze-copy",
    ),
    pytest.param("PRAGMA enable_profiling", LOCKED.format("enable_profiling"), id="profiling"),
    pytest.param(
        "CALL enable_logging(storage = 'file', storage_path = '{elsewhere}/log')",
        LOCKED.format("enable_logging"),
        id="logging-to-file",
    ),
    pytest.param(
        "CREATE PERSISTENT SECRET s (TYPE http, BEARER_TOKEN 'x')",
        "refused, no secret can be stored on disk here",
        id="persistent-secret",
    ),
]


@pytest.mark.parametrize(("query", "error"), HOSTILE)
def test_a_statement_that_would_write_or_reach_past_the_warehouse_is_refused(
    untouched: Warehouse, capsys: pytest.CaptureFixture[str], query: str, error: str
) -> None:
    assert sql(untouched, query) == 2
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == ("", f"bulletin sql: {untouched.fill(error)}\n")


@pytest.mark.parametrize(
    ("query", "statement"),
    [
        ("DELETE FROM articles", "DELETE"),
        ("UPDATE articles SET title = 'X'", "UPDATE"),
        ("DROP TABLE aliases", "DROP"),
        ("INSERT INTO aliases SELECT * FROM aliases", "INSERT"),
        ("CREATE TABLE t AS SELECT 1", "CREATE"),
        ("ALTER TABLE articles ADD COLUMN x INTEGER", "ALTER"),
        ("TRUNCATE figures", "DELETE"),
    ],
)
def test_a_write_to_the_warehouse_is_refused_by_duckdb_as_before(
    untouched: Warehouse, capsys: pytest.CaptureFixture[str], query: str, statement: str
) -> None:
    assert sql(untouched, query) == 1
    assert capsys.readouterr().err == (
        f'bulletin sql: Invalid Input Error: Cannot execute statement of type "{statement}" '
        'on database "warehouse" which is attached in read-only mode!\n'
    )


@pytest.mark.parametrize(
    "query",
    [
        "CHECKPOINT",
        "FORCE CHECKPOINT",
        "VACUUM",
        "ANALYZE",
        "BEGIN; SELECT 1; COMMIT",
        "CREATE TEMP TABLE t AS SELECT 1",
        "CREATE SECRET s (TYPE http, BEARER_TOKEN 'x')",
    ],
)
def test_what_runs_but_writes_nothing(
    untouched: Warehouse, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    """A checkpoint or vacuum of a read-only file, and temporary objects in memory."""
    assert sql(untouched, query) == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("query", ["", "   ", "-- nothing", "/* nothing */", ";"])
def test_empty_sql_is_one_line_and_exit_2(
    untouched: Warehouse, capsys: pytest.CaptureFixture[str], query: str
) -> None:
    assert sql(untouched, query) == 2
    assert capsys.readouterr() == (
        "",
        "bulletin sql: no SQL statement to run (the query is empty or only comments)\n",
    )


def test_queries_still_answer(untouched: Warehouse, capsys: pytest.CaptureFixture[str]) -> None:
    assert sql(untouched, "SELECT title, published_at, author FROM articles") == 0
    assert capsys.readouterr().out.splitlines() == [
        "+-------------------+---------------------------+----------+",
        "| title             | published_at              | author   |",
        "+-------------------+---------------------------+----------+",
        "| Hội nghị tập huấn | 2026-10-30T14:05:00+07:00 | Minh Anh |",
        "+-------------------+---------------------------+----------+",
        "(1 row)",
    ]
    query = (
        "SELECT a.title, s.value, s.total, s.unit, f.caption, "
        "(SELECT count(*) FROM raw_pages WHERE pack IS NOT NULL) AS packed "
        "FROM articles a JOIN article_stats s ON s.url = a.url "
        "JOIN figures f ON f.article_id = a.article_id"
    )
    assert sql(untouched, query, "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == [
        {
            "title": "Hội nghị tập huấn",
            "value": 18.0,
            "total": 22.0,
            "unit": "xã",
            "caption": "Quang cảnh",
            "packed": 2,
        }
    ]
    assert sql(untouched, "SHOW TABLES; SELECT 1 AS one", "--format", "csv") == 0
    assert capsys.readouterr().out == "one\n1\n"


def test_the_lockdown_is_in_force(untouched: Warehouse, capsys: pytest.CaptureFixture[str]) -> None:
    names = [
        "enable_external_access",
        "lock_configuration",
        "temp_directory",
        "allow_persistent_secrets",
        "allow_community_extensions",
        "autoinstall_known_extensions",
        "autoload_known_extensions",
        "TimeZone",
    ]
    query = (
        "SELECT name, value FROM duckdb_settings() "
        f"WHERE name IN ({', '.join(repr(n) for n in names)}) ORDER BY name"
    )
    assert sql(untouched, query, "--format", "json") == 0
    assert json.loads(capsys.readouterr().out) == [
        {"name": "TimeZone", "value": "Asia/Ho_Chi_Minh"},
        {"name": "allow_community_extensions", "value": "false"},
        {"name": "allow_persistent_secrets", "value": "false"},
        {"name": "autoinstall_known_extensions", "value": "false"},
        {"name": "autoload_known_extensions", "value": "false"},
        {"name": "enable_external_access", "value": "false"},
        {"name": "lock_configuration", "value": "true"},
        {"name": "temp_directory", "value": ""},
    ]


def test_the_installed_command_refuses_detach_and_attach(untouched: Warehouse) -> None:
    """The console script, in a process of its own, with nothing of pytest's around it."""
    script = Path(sys.executable).with_name("bulletin")
    attack = untouched.fill(
        "USE memory; DETACH warehouse; ATTACH '{db}' AS w2; UPDATE w2.articles SET title = 'X'"
    )
    done = subprocess.run(
        [str(script), "sql", "--db", str(untouched.db), attack],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=untouched.elsewhere,
        env={**os.environ, "HOME": str(untouched.home)},
        check=False,
    )
    assert (done.returncode, done.stdout, done.stderr) == (2, "", f"bulletin sql: USE {REFUSED}\n")


def test_a_warehouse_with_writes_still_in_its_log_is_read_and_left_as_it_is(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Between a run's short writes the latest rows are only in `<file>.wal`: a query
    sees them, and neither the log nor the file changes (no checkpoint, no replay)."""
    db = tmp_path / "warehouse.duckdb"
    first = Article("http://p.test/1", "http://p.test/1", "Tin một", T0, None, "Một.")
    second = replace(first, url="http://p.test/2", canonical_url="http://p.test/2", title="Tin hai")
    with writing(db) as con:
        save_articles(con, "s", [first], now=T0)
    with writing(db, checkpoint=False) as con:
        save_articles(con, "s", [second], now=T0)
    before = snapshot((tmp_path,))
    assert sorted(Path(p).name for p in before) == [
        "warehouse.duckdb",
        "warehouse.duckdb.lock",
        "warehouse.duckdb.wal",
    ]
    query = "SELECT title FROM articles ORDER BY url"
    assert main(["sql", "--db", str(db), "--format", "csv", query]) == 0
    assert capsys.readouterr().out == "title\nTin một\nTin hai\n"
    assert main(["sql", "--db", str(db), f"COPY (SELECT 1) TO '{db}.wal'"]) == 2
    assert capsys.readouterr().err == f"bulletin sql: COPY {REFUSED}\n"
    assert main(["sql", "--db", str(db), "CHECKPOINT"]) == 0
    assert snapshot((tmp_path,)) == before
