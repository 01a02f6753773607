"""The sources file: which portals to ingest, where their listings are, how to read them.

A malformed file raises ``SourcesError`` naming the file, the entry and the field, in
one line. Values may use ``${VAR}`` or ``${VAR:-default}`` to read the environment.

Light on purpose: the command line loads the sources file to check its input before it
starts any run, so this module imports neither BeautifulSoup nor httpx nor Prefect (the
profile names are ``extractors.profile_names``, not ``extractors.profiles``, which loads
the parser).
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

from bulletin.errors import SourcesError
from extractors.dates import DEFAULT_TIMEZONE
from extractors.profile_names import PROFILE_NAMES
from flows.crawling.origins import normalized_origin
from flows.crawling.timeouts import DEFAULT_TIMEOUTS, Timeouts

__all__ = [
    "PROFILE_NAMES",
    "Source",
    "Sources",
    "SourcesError",
    "default_sources_path",
    "load_sources",
]

# The names of ``extractors.profiles.PROFILES`` (a test holds them equal), without
# loading BeautifulSoup to read them.
_ENV = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}")
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_FIELDS = {
    "name",
    "base_url",
    "listings",
    "profile",
    "timezone",
    "start_date",
    "initial_lookback_days",
    "max_pages",
    "enabled",
    "allow_private",
    "rate",
    "concurrency",
    "timeouts",
    "max_depth",
    "retry_backoff",
    "max_error_rate",
    "parse_timeout",
    "obey_robots",
    "allowed_hosts",
    "description",
    "front",
}


@dataclass(frozen=True, slots=True)
class Source:
    """One portal: its base URL, listing pages, CMS family (profile) and timezone."""

    name: str
    base_url: str
    listings: tuple[str, ...]
    profile: str = "auto"
    timezone: str = DEFAULT_TIMEZONE
    start_date: date | None = None
    initial_lookback_days: int = 30
    max_pages: int = 50
    enabled: bool = True
    allow_private: bool = False
    rate: float = 1.0  # requests per second to the host; 0 is no limit
    concurrency: int = 2  # requests in flight to the host at once
    timeouts: Timeouts = DEFAULT_TIMEOUTS
    max_depth: int = 3  # sitemap indexes nested deeper than this are not read
    retry_backoff: float = 3600.0  # seconds before a failed page's first retry; doubles
    max_error_rate: float = 0.5  # a run whose pages failed more than this fails its flow
    parse_timeout: float = 30.0  # seconds to parse and extract a page; past it, it failed
    obey_robots: bool = True
    allowed_hosts: tuple[str, ...] = ()  # beyond those of base_url and the listings
    description: str | None = None
    front: str | None = None  # a page that shows every listing's newest articles
    listing_urls: tuple[str, ...] = field(default=(), compare=False)

    @property
    def extractor_profile(self) -> str | None:
        """The profile name to force, or None to detect it from the markup."""
        return None if self.profile == "auto" else self.profile

    @property
    def front_url(self) -> str | None:
        """``front`` as a URL (a path is read against ``base_url``)."""
        return urljoin(self.base_url + "/", self.front) if self.front else None

    @property
    def hosts(self) -> frozenset[str]:
        """Every origin the source's requests may go to (redirects included): those of
        its base URL, listings and front page, and its ``allowed_hosts`` as written (see
        ``flows.crawling.origins.allowed_origins`` for what a bare host allows)."""
        urls = (self.base_url, *self.listing_urls, *filter(None, [self.front_url]))
        named = {normalized_origin(u) for u in urls}
        return frozenset(named | {h.lower() for h in self.allowed_hosts})

    def first_run_since(self, now: datetime) -> datetime:
        """How far back a source's first nightly run reaches."""
        tz = ZoneInfo(self.timezone)
        if self.start_date is not None:
            return datetime.combine(self.start_date, datetime.min.time(), tzinfo=tz)
        return now.astimezone(tz) - timedelta(days=self.initial_lookback_days)


@dataclass(frozen=True, slots=True)
class Sources:
    """All the sources of one file, by name, in file order."""

    path: Path
    by_name: dict[str, Source]

    def select(self, names: list[str] | None = None) -> list[Source]:
        """The named sources (all enabled ones when ``names`` is empty)."""
        if not names:
            return [s for s in self.by_name.values() if s.enabled]
        unknown = [n for n in names if n not in self.by_name]
        if unknown:
            raise SourcesError(
                f"{self.path}: unknown source(s) {', '.join(unknown)}; "
                f"known: {', '.join(self.by_name)}"
            )
        return [self.by_name[n] for n in names]

    def get(self, name: str) -> Source:
        return self.select([name])[0]


def default_sources_path() -> Path:
    """``$BULLETIN_SOURCES``, else ./sources.yaml, else the file shipped with the project."""
    env = os.environ.get("BULLETIN_SOURCES")
    if env:
        return Path(env)
    local = Path("sources.yaml")
    if local.exists():
        return local
    return Path(__file__).resolve().parents[1] / "sources.yaml"


def load_sources(path: str | os.PathLike[str] | None = None) -> Sources:
    """Read and validate a sources file."""
    p = Path(path) if path else default_sources_path()
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError(f"{p}: cannot read sources file: {exc.strerror or exc}") from exc
    try:
        doc = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SourcesError(f"{p}: not valid YAML: {_yaml_problem(exc)}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("sources"), list):
        raise SourcesError(f"{p}: expected a mapping with a 'sources:' list")
    defaults = doc.get("defaults") or {}
    if not isinstance(defaults, dict):
        raise SourcesError(f"{p}: 'defaults' must be a mapping")
    by_name: dict[str, Source] = {}
    for index, entry in enumerate(doc["sources"], start=1):
        source = _parse_entry(p, index, entry, defaults)
        if source.name in by_name:
            raise SourcesError(f"{p}: source #{index} ({source.name}): field 'name': duplicate")
        by_name[source.name] = source
    return Sources(path=p, by_name=by_name)


def _yaml_problem(exc: yaml.YAMLError) -> str:
    """PyYAML's error in one line: the problem and where (its own text spans several)."""
    problem = getattr(exc, "problem", None)
    mark = getattr(exc, "problem_mark", None)
    if problem is None:
        return " ".join(str(exc).split())
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
    return f"{problem}{where}"


def _number(value: Any) -> bool:
    """A finite int or float, not a bool (YAML reads ``.nan`` and ``.inf`` as floats)."""
    return not isinstance(value, bool) and isinstance(value, int | float) and math.isfinite(value)


def _expand(value: Any) -> Any:
    if isinstance(value, str):
        return _ENV.sub(lambda m: os.environ.get(m.group(1)) or (m.group(2) or ""), value)
    if isinstance(value, list):
        return [_expand(v) for v in value]
    return value


def _parse_entry(path: Path, index: int, entry: Any, defaults: dict[str, Any]) -> Source:
    label = f"source #{index}"

    def fail(fieldname: str, problem: str) -> SourcesError:
        return SourcesError(f"{path}: {label}: field '{fieldname}': {problem}")

    if not isinstance(entry, dict):
        raise SourcesError(f"{path}: {label}: expected a mapping, got {type(entry).__name__}")
    raw = {**defaults, **entry}
    for key in raw:
        if key not in _FIELDS:
            raise fail(str(key), f"unknown field (known: {', '.join(sorted(_FIELDS))})")
    data = {k: _expand(v) for k, v in raw.items()}

    name = data.get("name")
    if not isinstance(name, str) or not _NAME.match(name):
        raise fail("name", "required; lowercase letters, digits, '-' or '_'")
    label = f"source #{index} ({name})"

    base_url = data.get("base_url")
    if not isinstance(base_url, str) or urlsplit(base_url).scheme not in ("http", "https"):
        raise fail("base_url", f"required; an http(s) URL, got {base_url!r}")
    if not urlsplit(base_url).netloc:
        raise fail("base_url", f"has no host: {base_url!r}")
    base_url = base_url.rstrip("/")

    listings = data.get("listings")
    if isinstance(listings, str):
        listings = [listings]
    if not isinstance(listings, list) or not listings:
        raise fail("listings", "required; a non-empty list of listing paths or URLs")
    for item in listings:
        if not isinstance(item, str) or not item.strip():
            raise fail("listings", f"each listing must be a path or URL, got {item!r}")

    profile = data.get("profile", "auto")
    known_profiles = ("auto", *PROFILE_NAMES)
    if profile not in known_profiles:
        raise fail("profile", f"unknown profile {profile!r} (known: {', '.join(known_profiles)})")

    timezone = data.get("timezone", DEFAULT_TIMEZONE)
    try:
        ZoneInfo(str(timezone))
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise fail("timezone", f"unknown timezone {timezone!r}") from exc

    start_date = data.get("start_date")
    if isinstance(start_date, str):
        try:
            start_date = date.fromisoformat(start_date)
        except ValueError as exc:
            raise fail("start_date", f"expected YYYY-MM-DD, got {start_date!r}") from exc
    if start_date is not None and not isinstance(start_date, date):
        raise fail("start_date", f"expected YYYY-MM-DD, got {start_date!r}")

    ints = {}
    for key, default, minimum in (
        ("initial_lookback_days", 30, 0),
        ("max_pages", 50, 1),
        ("concurrency", 2, 1),
        ("max_depth", 3, 0),
    ):
        value = data.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
            raise fail(key, f"expected a whole number >= {minimum}, got {value!r}")
        ints[key] = value

    flags = {}
    rate = data.get("rate", 1.0)
    if not _number(rate) or rate < 0:
        raise fail("rate", f"expected requests per second >= 0 (0: no limit), got {rate!r}")

    backoff = data.get("retry_backoff", 3600.0)
    if not _number(backoff) or backoff < 0:
        raise fail("retry_backoff", f"expected seconds >= 0, got {backoff!r}")

    timeouts = _timeouts(data.get("timeouts"), fail)

    error_rate = data.get("max_error_rate", 0.5)
    if not _number(error_rate) or not 0 <= error_rate <= 1:
        raise fail("max_error_rate", f"expected a share from 0 to 1, got {error_rate!r}")

    parse_timeout = data.get("parse_timeout", 30.0)
    if not _number(parse_timeout) or parse_timeout <= 0:
        raise fail("parse_timeout", f"expected seconds > 0, got {parse_timeout!r}")

    for key, default in (("enabled", True), ("allow_private", False), ("obey_robots", True)):
        value = data.get(key, default)
        if not isinstance(value, bool):
            raise fail(key, f"expected true or false, got {value!r}")
        flags[key] = value

    allowed_hosts = data.get("allowed_hosts") or []
    if not isinstance(allowed_hosts, list) or not all(
        isinstance(h, str) and h and "/" not in h for h in allowed_hosts
    ):
        raise fail("allowed_hosts", f"expected a list of host names, got {allowed_hosts!r}")

    front = data.get("front")
    if front is not None and (not isinstance(front, str) or not front.strip()):
        raise fail("front", f"expected a path or URL, got {front!r}")

    description = data.get("description")
    return Source(
        name=name,
        base_url=base_url,
        listings=tuple(listings),
        profile=profile,
        timezone=str(timezone),
        start_date=start_date,
        initial_lookback_days=ints["initial_lookback_days"],
        max_pages=ints["max_pages"],
        enabled=flags["enabled"],
        allow_private=flags["allow_private"],
        rate=float(rate),
        concurrency=ints["concurrency"],
        timeouts=timeouts,
        max_depth=ints["max_depth"],
        retry_backoff=float(backoff),
        max_error_rate=float(error_rate),
        parse_timeout=float(parse_timeout),
        obey_robots=flags["obey_robots"],
        allowed_hosts=tuple(allowed_hosts),
        description=str(description) if description is not None else None,
        front=front,
        listing_urls=tuple(urljoin(base_url + "/", item) for item in listings),
    )


def _timeouts(value: Any, fail: Callable[[str, str], SourcesError]) -> Timeouts:
    """``timeouts: {connect: 10, read: 20, total: 60}``, any key left out at its default."""
    if value is None:
        return DEFAULT_TIMEOUTS
    if not isinstance(value, dict) or not set(value) <= {"connect", "read", "total"}:
        raise fail("timeouts", f"expected a mapping of connect, read, total, got {value!r}")
    seconds = {}
    for key, given in value.items():
        if not _number(given) or given <= 0:
            raise fail("timeouts", f"{key}: expected seconds > 0, got {given!r}")
        seconds[key] = float(given)
    return replace(DEFAULT_TIMEOUTS, **seconds)
