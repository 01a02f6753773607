"""``SamplePortal``: a generated portal's index, ground truth, request log and ``serve()``.

Building a portal only lays out, per article index, its publication minute, category
and article id (three draws of one seeded stream each, a few milliseconds for 10 000
articles). Article text is generated on demand by ``content.generate`` and cached.
Index 0 is the newest article; dates and ids strictly decrease with the index.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import cached_property, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from extractors.dates import DEFAULT_TIMEZONE
from sample_portal import content, district, revisions, urls
from sample_portal.faults import Faults
from sample_portal.model import (
    DAY_START_HOUR,
    MINUTES_PER_DAY,
    Category,
    PortalConfig,
    SampleArticle,
    check_revision,
)
from sample_portal.server import make_server

# Article ids: the newest is just under ID_TOP, each older one 1 to ID_STEP lower.
ID_TOP = 2_000_000
ID_STEP = 7
RELATED = 5

RequestRecord = tuple[float, str, str, int]


def _vietnam() -> tzinfo:
    try:
        return ZoneInfo(DEFAULT_TIMEZONE)
    except ZoneInfoNotFoundError:  # no tz database: Vietnam keeps UTC+7 all year
        return timezone(timedelta(hours=7), "ICT")


VIETNAM = _vietnam()


def today_in_vietnam() -> date:
    return datetime.now(VIETNAM).date()


class SamplePortal:
    """A synthetic district portal: ground truth in Python, pages over HTTP."""

    def __init__(self, config: PortalConfig | None = None) -> None:
        self.config = config or PortalConfig()
        self.end: date = self.config.end or today_in_vietnam()
        self.start: date = self.end - timedelta(days=self.config.days - 1)
        self.categories: tuple[Category, ...] = district.CATEGORIES
        count = self.config.count
        self._malformed = frozenset(i for i in self.config.malformed if 0 <= i < count)
        self._missing = frozenset(i for i in self.config.missing if 0 <= i < count)
        self._minute, self._category, self._id = self._lay_out(count)
        self._by_category: tuple[list[int], ...] = tuple([] for _ in self.categories)
        self._rank = [0] * count
        for i, c in enumerate(self._category):
            self._rank[i] = len(self._by_category[c])
            self._by_category[c].append(i)
        self._cached = lru_cache(maxsize=4096)(self._generate)
        self.faults = Faults()  # switched on by tests: errors, throttling, robots rules
        self._revision = self.config.revision  # flipped by tests between runs
        self._requests: list[RequestRecord] = []
        self._requests_lock = threading.Lock()
        self._in_flight = 0  # requests being answered now, and the most at once
        self._peak_in_flight = 0

    def _lay_out(self, count: int) -> tuple[list[int], list[int], list[int]]:
        """Per index: minute since ``start`` 07:00 (working minutes), category, article id.

        The working minutes of the span are cut into ``count`` equal slots, the oldest
        article in the first; each article takes a seeded minute of its slot. The newest
        is kept on ``end`` and the oldest on ``start``. Each index takes exactly three
        draws, so an article's category and id do not depend on ``count``.
        """
        rng = random.Random(f"{self.config.seed}:index")
        span = self.config.days * MINUTES_PER_DAY
        thresholds = [sum(district.CATEGORY_WEIGHTS[: k + 1]) for k in range(len(self.categories))]
        minutes, categories, ids = [0] * count, [0] * count, [0] * count
        for i in range(count):
            r_minute, r_category, r_id = rng.random(), rng.random(), rng.random()
            k = count - 1 - i
            lo, hi = k * span // count, (k + 1) * span // count
            if i == 0:
                lo = max(lo, span - MINUTES_PER_DAY)
            elif k == 0:
                hi = min(hi, MINUTES_PER_DAY)
            minutes[i] = lo + int(r_minute * (hi - lo))
            categories[i] = next(
                (c for c, t in enumerate(thresholds) if r_category < t), len(thresholds) - 1
            )
            ids[i] = ID_TOP - ID_STEP * i - int(r_id * ID_STEP)
        return minutes, categories, ids

    # -- ground truth -------------------------------------------------------------------

    @property
    def count(self) -> int:
        return self.config.count

    def __len__(self) -> int:
        return self.config.count

    @property
    def category_paths(self) -> list[str]:
        """The listing paths, e.g. ["/tin-tuc-su-kien", "/kinh-te", "/van-hoa-xa-hoi"]."""
        return [c.path for c in self.categories]

    def published_at(self, index: int) -> datetime:
        """When article ``index`` was published as laid out, in revision 1 (cheap: no text
        is generated); ``article(index).published_at`` is the current revision's."""
        minute = self._minute[index]
        day, in_day = divmod(minute, MINUTES_PER_DAY)
        d = self.start + timedelta(days=day)
        hour, minute_of_hour = divmod(in_day, 60)
        return datetime(
            d.year, d.month, d.day, DAY_START_HOUR + hour, minute_of_hour, tzinfo=VIETNAM
        )

    @property
    def revision(self) -> int:
        """What the portal serves now (``sample_portal.revisions``): 1, the articles as
        generated; 2, one edited and one re-dated since. Set it to switch."""
        return self._revision

    @revision.setter
    def revision(self, revision: int) -> None:
        check_revision(revision)
        self._revision = revision

    def article(self, index: int) -> SampleArticle:
        """Article ``index`` (0 = newest) as the current revision has it, generated on
        first use and cached."""
        if not 0 <= index < self.config.count:
            raise IndexError(f"article index {index} out of range 0..{self.config.count - 1}")
        everything = self.__dict__.get("_all")
        article = everything[index] if everything is not None else self._cached(index)
        return revisions.revise(article, self._revision)

    def _generate(self, index: int) -> SampleArticle:
        return content.generate(
            self.config.seed,
            index,
            self.published_at(index),
            self.categories[self._category[index]],
            self._id[index],
            malformed=index in self._malformed,
            missing=index in self._missing,
        )

    @cached_property
    def _all(self) -> tuple[SampleArticle, ...]:
        return tuple(self._generate(i) for i in range(self.config.count))

    @property
    def articles(self) -> list[SampleArticle]:
        """Every article as the current revision has it, newest first, malformed and
        missing ones included (flagged).

        Generates all of them on first use (about 0.1 ms each).
        """
        return [revisions.revise(article, self._revision) for article in self._all]

    def category(self, slug: str) -> Category:
        for category in self.categories:
            if category.slug == slug:
                return category
        raise KeyError(slug)

    def _indices(self, slug: str) -> list[int]:
        return self._by_category[self.categories.index(self.category(slug))]

    def category_indices(self, slug: str) -> list[int]:
        """The indices of a category's articles, newest first (its listing order)."""
        return list(self._indices(slug))

    def category_total(self, slug: str) -> int:
        """How many articles a category lists."""
        return len(self._indices(slug))

    def listing(self, slug: str, page: int = 1, delta: int | None = None) -> list[SampleArticle]:
        """The articles on page ``page`` (from 1) of a category listing; [] past the end."""
        delta = delta or self.config.per_page
        if page < 1:
            return []
        start = (page - 1) * delta
        return [self.article(i) for i in self._indices(slug)[start : start + delta]]

    def page_count(self, slug: str, delta: int | None = None) -> int:
        """How many listing pages a category has at ``delta`` items a page."""
        return -(-self.category_total(slug) // (delta or self.config.per_page))

    def find(self, path: str) -> SampleArticle | None:
        """The article whose path is ``path`` (query ignored), or None."""
        parsed = urls.article_id_of(path.split("?", 1)[0])
        if parsed is None:
            return None
        index = (ID_TOP - parsed[2]) // ID_STEP
        if not 0 <= index < self.config.count or self._id[index] != parsed[2]:
            return None
        article = self.article(index)
        return article if article.path == path.split("?", 1)[0] else None

    def related(self, article: SampleArticle) -> list[SampleArticle]:
        """The "Tin liên quan" box: the next older articles of the same category, topped
        up with newer ones when the category runs out."""
        same = self._by_category[self._category[article.index]]
        rank = self._rank[article.index]
        picks = same[rank + 1 : rank + 1 + RELATED]
        picks += same[max(0, rank - (RELATED - len(picks))) : rank][::-1]
        return [self.article(i) for i in picks]

    # -- requests -----------------------------------------------------------------------

    def record(self, method: str, target: str, status: int) -> None:
        """Log one request; the server calls this before it answers."""
        with self._requests_lock:
            self._requests.append((time.monotonic(), method, target, status))

    @property
    def requests(self) -> list[RequestRecord]:
        """A copy of the log: (monotonic time, method, path with query, status)."""
        with self._requests_lock:
            return list(self._requests)

    def clear_requests(self) -> None:
        """Empty the log and restart ``peak_in_flight`` from the requests in flight now."""
        with self._requests_lock:
            self._requests.clear()
            self._peak_in_flight = self._in_flight

    @contextmanager
    def serving(self) -> Iterator[None]:
        """Count one request as in flight for the block; the server wraps each answer,
        fault delays and body writing included."""
        with self._requests_lock:
            self._in_flight += 1
            self._peak_in_flight = max(self._peak_in_flight, self._in_flight)
        try:
            yield
        finally:
            with self._requests_lock:
                self._in_flight -= 1

    @property
    def in_flight(self) -> int:
        """How many requests are being answered right now."""
        with self._requests_lock:
            return self._in_flight

    @property
    def peak_in_flight(self) -> int:
        """The most requests answered at once since the portal started or
        ``clear_requests``."""
        with self._requests_lock:
            return self._peak_in_flight

    # -- serving --------------------------------------------------------------------------

    @contextmanager
    def serve(self, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
        """Serve the portal from a daemon thread; yields the base URL, e.g.
        "http://127.0.0.1:54321". Port 0 picks a free port."""
        server = make_server(self, host, port)
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"sample-portal-{server.server_address[1]}",
            daemon=True,
        )
        thread.start()
        try:
            yield server.base_url
        finally:
            server.shutdown()
            server.close_connections()
            server.server_close()
            thread.join(timeout=5)
