"""`extract()`: one article page (bytes or text) and its URL in, one `Article` out."""

from __future__ import annotations

from extractors.blocks import text_of
from extractors.body import read_body
from extractors.dates import DEFAULT_TZ, to_tz
from extractors.document import parse_document
from extractors.errors import ExtractionError
from extractors.fields import (
    detect_language,
    extract_canonical,
    extract_category,
    extract_lead,
    extract_published_at,
    extract_title,
)
from extractors.profiles import Profile, detect_article_profile, get_profile
from extractors.records import Article


def extract(
    html: bytes | str, url: str, *, profile: str | None = None, timezone: str = DEFAULT_TZ
) -> Article:
    """Read an article page; `profile` forces a CMS family by name (else detected).

    Raises ExtractionError (naming the URL) for empty, non-HTML, title-less or body-less
    pages; a missing optional field is None, and a date that cannot be read adds a warning.
    """
    doc = parse_document(html, url)
    chosen: Profile = get_profile(profile) if profile else detect_article_profile(doc.soup)
    warnings: list[str] = []
    title = extract_title(doc, chosen)
    if not title:
        raise ExtractionError(url, "no title found")
    published_at = extract_published_at(doc, chosen, to_tz(timezone), warnings)
    lead_tag = extract_lead(doc, chosen)
    lead = text_of(lead_tag) or None if lead_tag is not None else None
    canonical_url = extract_canonical(doc)
    category = extract_category(doc, chosen, title)
    body = read_body(doc, chosen, title=title, lead=lead, warnings=warnings)
    if not body.paragraphs:
        raise ExtractionError(url, "no body text found")
    body_text = "\n\n".join(body.paragraphs)
    return Article(
        url=url,
        canonical_url=canonical_url,
        title=title,
        published_at=published_at,
        lead=lead,
        body_text=body_text,
        author=body.byline.author,
        source_unit=body.byline.source_unit,
        figures=body.figures,
        attachments=body.attachments,
        category=category,
        language=detect_language(doc, " ".join((title, lead or "", body_text))),
        profile=chosen.name,
        warnings=tuple(warnings),
    )
