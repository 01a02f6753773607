"""The portal's feeds: a sitemap index, a Google News sitemap per category, and RSS 2.0.

- ``/sitemap.xml``: a sitemap index, one ``/sitemap/{slug}.xml`` per category, each with
  the category's newest article date as ``<lastmod>``;
- ``/sitemap/{slug}.xml``: every article of the category, newest first, with
  ``<lastmod>`` and ``<news:news>`` (publication date with +07:00, title);
- ``/rss/{slug}``: RSS 2.0 of the category's newest ``RSS_ITEMS`` articles.

Missing articles are listed like the others: a portal lists what its index holds.
"""

from __future__ import annotations

import re
from email.utils import format_datetime
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape, quoteattr

from sample_portal.district import SITE_NAME

if TYPE_CHECKING:
    from sample_portal.model import Category
    from sample_portal.portal import SamplePortal

SITEMAP_INDEX_PATH = "/sitemap.xml"
SITEMAP_TYPE = "application/xml; charset=UTF-8"
RSS_TYPE = "application/rss+xml; charset=UTF-8"
RSS_ITEMS = 20

_SITEMAP = re.compile(r"^/sitemap/([a-z0-9-]+)\.xml$")
_RSS = re.compile(r"^/rss/([a-z0-9-]+)$")
_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'
_SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
_NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def sitemap_path(category: Category) -> str:
    return f"/sitemap/{category.slug}.xml"


def rss_path(category: Category) -> str:
    return f"/rss/{category.slug}"


def render(portal: SamplePortal, path: str, origin: str) -> tuple[str, bytes] | None:
    """(Content-Type, body) of the feed at ``path``; None when ``path`` is no feed."""
    if path == SITEMAP_INDEX_PATH:
        return SITEMAP_TYPE, sitemap_index(portal, origin).encode("utf-8")
    for pattern, content_type, page in (
        (_SITEMAP, SITEMAP_TYPE, category_sitemap),
        (_RSS, RSS_TYPE, category_rss),
    ):
        match = pattern.match(path)
        if match and match[1] in {c.slug for c in portal.categories}:
            return content_type, page(portal, match[1], origin).encode("utf-8")
    return None


def sitemap_index(portal: SamplePortal, origin: str) -> str:
    entries = []
    for category in portal.categories:
        indices = portal.category_indices(category.slug)
        lastmod = (
            f"<lastmod>{portal.published_at(indices[0]).isoformat()}</lastmod>" if indices else ""
        )
        loc = escape(origin + sitemap_path(category))
        entries.append(f"<sitemap><loc>{loc}</loc>{lastmod}</sitemap>\n")
    return f"{_DECLARATION}<sitemapindex {_SITEMAP_NS}>\n{''.join(entries)}</sitemapindex>\n"


def category_sitemap(portal: SamplePortal, slug: str, origin: str) -> str:
    entries = []
    for index in portal.category_indices(slug):
        article = portal.article(index)
        published = article.published_at.isoformat()
        entries.append(
            f"<url><loc>{escape(origin + article.path)}</loc><lastmod>{published}</lastmod>"
            "<news:news><news:publication>"
            f"<news:name>{escape(SITE_NAME)}</news:name><news:language>vi</news:language>"
            f"</news:publication><news:publication_date>{published}</news:publication_date>"
            f"<news:title>{escape(article.title)}</news:title></news:news></url>\n"
        )
    return f"{_DECLARATION}<urlset {_SITEMAP_NS} {_NEWS_NS}>\n{''.join(entries)}</urlset>\n"


def category_rss(portal: SamplePortal, slug: str, origin: str) -> str:
    category = portal.category(slug)
    articles = [portal.article(i) for i in portal.category_indices(slug)[:RSS_ITEMS]]
    items = []
    for article in articles:
        url = escape(origin + article.path)
        items.append(
            f"<item><title>{escape(article.title)}</title><link>{url}</link>"
            f'<guid isPermaLink="true">{url}</guid>'
            f"<pubDate>{format_datetime(article.published_at)}</pubDate></item>\n"
        )
    built = ""
    if articles:
        built = f"<lastBuildDate>{format_datetime(articles[0].published_at)}</lastBuildDate>\n"
    return (
        f'{_DECLARATION}<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">\n'
        f"<channel>\n<title>{escape(f'{category.name} - {SITE_NAME}')}</title>\n"
        f"<link>{escape(origin + category.path)}</link>\n"
        f"<description>{escape(f'Tin mới nhất mục {category.name}')}</description>\n"
        "<language>vi</language>\n"
        f'<atom:link href={quoteattr(origin + rss_path(category))} rel="self"'
        ' type="application/rss+xml"/>\n'
        f"{built}{''.join(items)}</channel>\n</rss>\n"
    )
