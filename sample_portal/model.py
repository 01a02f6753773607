"""The sample portal's public records: its configuration and the ground truth of an article.

Everything here is a frozen dataclass that tests and benchmarks compare against what an
extractor returns, so field values are exactly the text a perfect extractor would produce.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

# Articles are published between 07:00 and 17:59 local time: 660 minutes a day.
DAY_START_HOUR = 7
MINUTES_PER_DAY = 11 * 60
MAX_COUNT = 250_000
REVISIONS = (1, 2)  # what the portal serves: its articles as generated, or edited since


@dataclass(frozen=True, slots=True)
class PortalConfig:
    """What to generate: ``count`` articles over ``days`` dates ending ``end`` (newest).

    ``end`` None means today in Vietnam (``extractors.dates.DEFAULT_TIMEZONE``), resolved
    once when the portal is built.
    ``malformed`` articles are listed but their page is truncated inside ``<head>``;
    ``missing`` articles are listed but their page answers 404. Out-of-range indices in
    either are ignored. ``revision`` is what the portal serves first (``revisions``: 1,
    the articles as generated; 2, one edited and one re-dated since).
    """

    count: int = 60
    days: int = 90
    end: date | None = None
    seed: int = 0
    per_page: int = 10
    malformed: tuple[int, ...] = (7,)
    missing: tuple[int, ...] = (13,)
    revision: int = 1

    def __post_init__(self) -> None:
        object.__setattr__(self, "malformed", tuple(int(i) for i in self.malformed))
        object.__setattr__(self, "missing", tuple(int(i) for i in self.missing))
        if not 0 <= self.count <= MAX_COUNT:
            raise ValueError(f"count must be between 0 and {MAX_COUNT}, got {self.count}")
        if self.days < 1:
            raise ValueError(f"days must be at least 1, got {self.days}")
        if self.per_page < 1:
            raise ValueError(f"per_page must be at least 1, got {self.per_page}")
        check_revision(self.revision)
        if self.count > self.days * MINUTES_PER_DAY:
            raise ValueError(
                f"{self.count} articles do not fit in {self.days} days at one per minute "
                f"between 07:00 and 17:59; raise days to at least "
                f"{-(-self.count // MINUTES_PER_DAY)}"
            )


def check_revision(revision: int) -> None:
    """ValueError for a revision the portal does not have."""
    if revision not in REVISIONS:
        known = ", ".join(map(str, REVISIONS))
        raise ValueError(f"revision must be one of {known}, got {revision}")


@dataclass(frozen=True, slots=True)
class Category:
    """A listing page of the portal: ``/{slug}``, one Asset Publisher instance."""

    slug: str
    name: str
    instance_id: str

    @property
    def path(self) -> str:
        return f"/{self.slug}"


@dataclass(frozen=True, slots=True)
class SampleFigure:
    """An image of the body: ``path`` is its ``src`` (absolute path with ``?t=``).

    ``caption`` excludes the photo credit, which is ``credit`` (the name after "Ảnh:").
    ``style`` is how the page marks the caption: "centred" (image paragraph, then an
    italic centred paragraph), "table" (``table.image-table`` caption row) or "figure"
    (``figure.image``/``figcaption``).
    """

    path: str
    caption: str
    credit: str | None
    style: str

    @property
    def caption_text(self) -> str:
        """The caption as printed on the page, credit included."""
        return f"{self.caption} (Ảnh: {self.credit})" if self.credit else self.caption


@dataclass(frozen=True, slots=True)
class SampleArticle:
    """Ground truth for one article page, index 0 being the newest.

    ``paragraphs`` are the body paragraphs as an ideal extractor returns them: no lead,
    no captions, no byline. ``doc_refs``, ``officials`` and ``numbers`` list the facts
    quoted in the lead and body, in order of appearance; each string occurs verbatim.
    """

    index: int
    path: str
    article_id: int
    category_slug: str
    category_name: str
    title: str
    published_at: datetime
    lead: str
    paragraphs: tuple[str, ...]
    figures: tuple[SampleFigure, ...]
    author: str
    unit: str
    doc_refs: tuple[str, ...] = ()
    officials: tuple[tuple[str, str], ...] = ()
    numbers: tuple[str, ...] = ()
    malformed: bool = False
    missing: bool = False

    @property
    def byline(self) -> str:
        """The closing line of the body, "Name (Unit)"."""
        return f"{self.author} ({self.unit})"

    @property
    def body_text(self) -> str:
        """The paragraphs joined by blank lines."""
        return "\n\n".join(self.paragraphs)

    def url(self, base_url: str) -> str:
        """The absolute URL of the page on a server at ``base_url``."""
        return base_url.rstrip("/") + self.path
