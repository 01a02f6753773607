"""What the portal answers to a request target: route, render, and encode one response.

Independent of sockets, so the same function serves HTTP and in-process tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote, urlsplit

from sample_portal import feeds, render, traps, urls
from sample_portal.jpeg import JPEG

if TYPE_CHECKING:
    from sample_portal.portal import SamplePortal

HTML = "text/html;charset=UTF-8"
HOME_ITEMS = 5


class Response(NamedTuple):
    status: int
    content_type: str
    body: bytes
    headers: tuple[tuple[str, str], ...] = ()


def _html(status: int, page: str) -> Response:
    return Response(status, HTML, page.encode("utf-8"))


def respond(portal: SamplePortal, target: str, host: str | None) -> Response:
    """The response to ``GET target``; ``host`` (the Host header) makes absolute URLs."""
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    if len(path) > 1:
        path = path.rstrip("/") or "/"
    origin = f"http://{host or 'localhost'}"

    if path == "/":
        boxes = [(c, portal.listing(c.slug, 1, HOME_ITEMS)) for c in portal.categories]
        return _html(200, render.home_page(boxes, origin + "/"))
    if path == "/robots.txt":
        return Response(200, "text/plain;charset=UTF-8", portal.faults.robots_txt().encode())
    if urls.is_image(path):
        return Response(200, "image/jpeg", JPEG)
    feed = feeds.render(portal, path, origin)  # /sitemap.xml, /sitemap/{slug}.xml, /rss/{slug}
    if feed is not None:
        return Response(200, *feed)
    for category in portal.categories:
        if path == category.path:
            return _listing(portal, category.slug, parts.query, origin)
    if traps.is_section(path):  # the crawler-trap section, /(en/)*tong-hop
        return _html(200, traps.section_page(portal, parts.query, origin + traps.SECTION.path))
    article = portal.find(traps.unalias(path))
    if article is None or article.missing:
        return _html(404, render.not_found_page(origin + target))
    page = render.article_page(article, origin + article.path, portal.related(article))
    return _html(200, render.truncated(page) if article.malformed else page)


def _listing(portal: SamplePortal, slug: str, query: str, origin: str) -> Response:
    category = portal.category(slug)
    page, delta = urls.page_and_delta(query, portal.config.per_page)
    items = portal.listing(slug, page, delta)
    total = portal.category_total(slug)
    html = render.listing_page(
        category, items, page=page, delta=delta, total=total, canonical=origin + category.path
    )
    return _html(200, html)
