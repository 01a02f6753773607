"""The crawler-trap section ``/tong-hop`` ("Tin tổng hợp"): its layout, its pages, and
the aliases under which the server answers the article links it prints.

This module owns the section's ground truth (``trap_articles``, ``trap_layout``), its
HTML (composed from ``render``'s Liferay 6.2 listing pieces) and the path rules that
``routes`` asks it about (``is_section``, ``unalias``). The section is not one of
``portal.categories`` and no page links to it, so a normal crawl never sees it.

Layout. The section lists ``trap_articles(portal)``: the ``COUNT`` (12) newest articles
that are neither missing nor malformed, newest first, ``PER_PAGE`` (4) a page, so 3
pages (``_101_delta`` may change the page size, as on the category listings). Article
``k`` (0-based over the section) is listed twice in a row, as spellings
``SPELLINGS[2k % 5]`` then ``SPELLINGS[(2k + 1) % 5]`` of its path ``P``:

- ``plain``: ``P``;
- ``jsessionid``: ``P;jsessionid=<session_id(portal)>`` (32 upper-case hex digits);
- ``noise``: ``P?p_p_id=101&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view``;
- ``redirect``: ``P?redirect=%2Ftong-hop`` (a parameter canonicalization keeps);
- ``web-guest``: ``/web/guest`` + ``P`` (Liferay's site-prefixed alias).

So page 1 reads: 0 plain, 0 jsessionid, 1 noise, 1 redirect, 2 web-guest, 2 plain,
3 jsessionid, 3 noise, then the loop item. Every page ends with the loop item: title
``LOOP_TITLE``, dated like the page's last article, href ``en/tong-hop`` (relative, no
leading slash), and every path ``/tong-hop``, ``/en/tong-hop``, ``/en/en/tong-hop``, ...
answers the same page, so following it grows the path forever. The server answers every
spelling with the byte-identical page of ``P`` (whose canonical link is ``P``).

The pager always offers "Tiếp" (next, ``_101_cur`` + 1): it claims one more result
than the requested page can hold, and a page past the last one shows the last page's
items again, as Liferay's SearchContainer does. A portal with no such articles shows an
empty section (no loop item) with the same endless pager.
"""

from __future__ import annotations

import hashlib
import math
import re
from dataclasses import replace
from typing import TYPE_CHECKING

from sample_portal import district, render, urls
from sample_portal.model import Category, SampleArticle

if TYPE_CHECKING:
    from sample_portal.portal import SamplePortal

SECTION = Category("tong-hop", "Tin tổng hợp", "Th6gRp3NwQ8z")
COUNT = 12
PER_PAGE = 4
PLID = 10_310
SITE_PREFIX = "/web/guest"
NOISE_QUERY = "?" + urls.LISTING_PARAMS
REDIRECT_QUERY = "?redirect=%2Ftong-hop"
LOOP_HREF = "en/tong-hop"
LOOP_TITLE = "Tin tổng hợp (English)"
LOOP_LEAD = "Bản tiếng Anh của chuyên mục Tin tổng hợp trên Cổng thông tin điện tử huyện."
LOOP_ID = 10_319  # ends in 9: the item has no thumbnail (see render._listing_item)
SPELLINGS = ("plain", "jsessionid", "noise", "redirect", "web-guest")

_SECTION_PATH = re.compile(r"^(?:/en)*/tong-hop$")
_SESSION_IN_PATH = re.compile(r";jsessionid=[^/]*", re.IGNORECASE)
_NO_RESULTS = '<div class="alert alert-info"> Không có kết quả nào. </div>\n'


def session_id(portal: SamplePortal) -> str:
    """The ``jsessionid`` the section's links carry: 32 hex digits, fixed per seed."""
    digest = hashlib.sha256(f"{portal.config.seed}:jsessionid".encode()).hexdigest()
    return digest[:32].upper()


def spellings(portal: SamplePortal, article: SampleArticle) -> dict[str, str]:
    """Each spelling of ``SPELLINGS`` of the article's path, by name."""
    path = article.path
    return {
        "plain": path,
        "jsessionid": f"{path};jsessionid={session_id(portal)}",
        "noise": path + NOISE_QUERY,
        "redirect": path + REDIRECT_QUERY,
        "web-guest": SITE_PREFIX + path,
    }


def trap_articles(portal: SamplePortal) -> list[SampleArticle]:
    """The articles the section lists, newest first: the ground truth a crawler should
    store once each."""
    picked: list[SampleArticle] = []
    for index in range(portal.count):
        if len(picked) == COUNT:
            break
        article = portal.article(index)
        if not (article.missing or article.malformed):
            picked.append(article)
    return picked


def trap_layout(portal: SamplePortal, delta: int = PER_PAGE) -> list[list[str]]:
    """Per real page, the item hrefs as the page prints them (attribute values, unescaped)."""
    return [[item.path for item in items] for _, items in _pages(portal, delta)]


def is_section(path: str) -> bool:
    """Whether ``path`` (unquoted, no trailing slash) is the section: ``/(en/)*tong-hop``."""
    return _SECTION_PATH.match(path) is not None


def unalias(path: str) -> str:
    """``path`` without ``;jsessionid=…`` and without a leading ``/web/guest``."""
    path = _SESSION_IN_PATH.sub("", path)
    if path.startswith(SITE_PREFIX + "/"):
        path = path[len(SITE_PREFIX) :]
    return path


def section_page(portal: SamplePortal, query: str, canonical: str) -> str:
    """The section page a query asks for (``_101_cur``, ``_101_delta``); past the last
    page, the last page's items under the requested page number."""
    page, delta = urls.page_and_delta(query, PER_PAGE)
    pages = _pages(portal, delta)
    articles, items = pages[min(page, len(pages)) - 1]
    body = ['<div class="subscribe-action"> </div>\n']
    body.extend(render._listing_item(item) for item in items)
    if not items:
        body.append(_NO_RESULTS)
    total = max(len(trap_articles(portal)), page * delta + 1)  # always a next page
    body.append(render._pager(SECTION, page, delta, total, len(articles)))
    return render._page(
        title=f"{SECTION.name} - {district.SITE_NAME}",
        canonical=canonical,
        description=f"{SECTION.name} - {district.SITE_NAME}",
        keywords=f"{SECTION.name.lower()}, {district.DISTRICT.lower()}",
        current=SECTION.slug,
        main=render._breadcrumb(SECTION.name) + render._asset_publisher("".join(body)),
        plid=PLID,
    )


def _pages(
    portal: SamplePortal, delta: int
) -> list[tuple[list[SampleArticle], list[SampleArticle]]]:
    """Per real page (at least one): its articles, and its items as records whose
    ``path`` is the href printed."""
    articles = trap_articles(portal)

    def spelled(article: SampleArticle, k: int) -> SampleArticle:
        return replace(article, path=spellings(portal, article)[SPELLINGS[k % len(SPELLINGS)]])

    pages: list[tuple[list[SampleArticle], list[SampleArticle]]] = []
    for start in range(0, max(1, math.ceil(len(articles) / delta) * delta), delta):
        on_page = articles[start : start + delta]
        items: list[SampleArticle] = []
        for k, article in enumerate(on_page, start):
            items += [spelled(article, 2 * k), spelled(article, 2 * k + 1)]
        if on_page:
            items.append(_loop_item(on_page[-1]))
        pages.append((on_page, items))
    return pages


def _loop_item(anchor: SampleArticle) -> SampleArticle:
    """The relative link that grows the path, dated like ``anchor``."""
    return replace(
        anchor,
        index=-1,
        path=LOOP_HREF,
        article_id=LOOP_ID,
        category_slug=SECTION.slug,
        category_name=SECTION.name,
        title=LOOP_TITLE,
        lead=LOOP_LEAD,
        paragraphs=(),
        figures=(),
    )
