"""Site knowledge as data: one `Profile` of CSS selectors per CMS family, and how to pick one.

Adding a portal of a known family takes no code; a new family is one more `Profile` here.
Every selector tuple is tried in order; the code applying them lives in the other modules.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bs4 import BeautifulSoup

from extractors.css import any_matches, select_any, select_ordered


@dataclass(frozen=True, slots=True)
class Profile:
    """The selectors of one CMS family (empty tuple: use the generic strategies only)."""

    name: str
    signature: tuple[str, ...] = ()  # any match on an article page identifies the family
    title: tuple[str, ...] = ()
    date: tuple[str, ...] = ()
    # elements whose `content`/`datetime` attribute holds the date, tried before `date`
    # (a precise meta tag beats a visible date given to the minute)
    date_attr: tuple[str, ...] = ()
    lead: tuple[str, ...] = ()
    body: tuple[str, ...] = ()  # of the matches of a selector, the one with most text wins
    byline: tuple[str, ...] = ()
    boilerplate: tuple[str, ...] = ()  # dropped from the body container before reading it
    category: tuple[str, ...] = ()  # breadcrumb items; the last one is the category
    html_title_category: bool = False  # `<title>` is "{article} - {category} - {site}"
    listing_item: tuple[str, ...] = ()
    item_link: tuple[str, ...] = ()  # within an item
    item_date: tuple[str, ...] = ()  # within an item
    next_page: tuple[str, ...] = ()  # pager buttons (`li` or `a`), read with the labels below
    # regular expressions for listing-page markup cut before parsing: furniture that grows
    # with the site (a menu of every page number) and holds no item or pager button
    listing_cuts: tuple[str, ...] = ()


# Boilerplate dropped from every body container, whatever the family.
COMMON_BOILERPLATE: tuple[str, ...] = (
    "nav",
    "aside",
    "footer",
    "form",
    "button",
    "select",
    "input",
    "textarea",
    "iframe",
    "object",
    "embed",
    "svg",
    "canvas",
    "#skip-to-content",
    ".breadcrumb",
    ".breadcrumbs",
    "ul.related_asset_list",
    ".related_asset",
    ".related-news",
    ".tin-lien-quan",
    ".asset-control-detail",
    ".print-action",
    ".mailto-action",
    ".taglib-social-bookmarks",
    ".taglib-page-iterator",
    ".portlet-polls-display",
    ".social-share",
    ".share-buttons",
)

# Whole paragraphs that are page furniture, compared case-folded without "|" and spaces.
BOILERPLATE_TEXTS: frozenset[str] = frozenset(
    {
        "về đầu trang",
        "đầu trang",
        "truy cập nội dung luôn",
        "skip to content",
        "in bài viết",
        "in bài",
        "bản in",
        "print",
        "send email",
        "gửi email",
        "gửi bài viết",
        "chia sẻ",
        "share",
        "thăm dò ý kiến",
        "quay lại",
        "trở về",
        "back",
        "lên đầu trang",
        "đăng nhập",
    }
)

# Headings after which the rest of a body is related news, not the article.
RELATED_HEADINGS: frozenset[str] = frozenset(
    {
        "tin liên quan",
        "other news",
        "tin khác",
        "các tin khác",
        "bài viết liên quan",
        "tin cùng chuyên mục",
        "related news",
        "related articles",
        "xem thêm",
        "tin đã đưa",
        "các tin đã đưa",
        "tin bài liên quan",
        "bài liên quan",
    }
)

# The start of a heading that may open what comes after an article: teasers for other
# pages, an author box, a share or sign-up prompt. The body is cut there only near its
# end, or when what follows is link-dense (see body.TEASER_LINKS, body.TEASER_END).
_RELATED_START = re.compile(
    r"(related|more (from|on|in|about|stories|articles|posts|news|to read|like this)|"
    r"you (may|might|will) (also )?(like|enjoy|be interested)|read (next|this next)|"
    r"recommended|most popular|popular (posts|articles|stories)|"
    r"recent (posts|articles|stories|blogs)|"
    r"latest (posts|articles|stories|news|blogs|insights)|trending|further reading|"
    r"see also|other (news|articles|stories|posts)|up next|about the author|"
    r"share this( article| post| story)?|like this|(sign up|subscribe) (for|to)|"
    r"tin (liên quan|khác|cùng|mới)|bài (viết )?(liên quan|khác|cùng)|xem thêm|đọc thêm)\b"
)
MAX_RELATED_HEADING = 60  # characters: longer is a sentence, not a heading


def is_related_heading(key: str) -> bool:
    """Whether casefolded block text reads like a heading over what follows an article."""
    return len(key) <= MAX_RELATED_HEADING and _RELATED_START.match(key) is not None


# Pager labels: the "next" button, and the "previous" button it follows.
NEXT_LABELS: frozenset[str] = frozenset(
    {
        "tiếp",
        "tiếp theo",
        "trang sau",
        "sau",
        "next",
        "next page",
        "»",
        "›",
        ">",
        ">>",
    }
)
PREVIOUS_LABELS: frozenset[str] = frozenset(
    {
        "trước",
        "trang trước",
        "previous",
        "prev",
        "«",
        "‹",
        "<",
        "<<",
    }
)

_LIFERAY_BOILERPLATE = (
    "#header",
    "#navigation",
    "#footer",
    ".footer-wrapper",
    ".portlet-polls-display",
    ".asset-control-detail",
    ".related_asset",
    "ul.related_asset_list",
    ".asset-metadata",
    ".taglib-ratings",
    ".taglib-discussion",
    ".asset-links",
    ".lfr-meta-actions",
    ".subscribe-action",
    ".taglib-social-bookmarks",
)
_LIFERAY_ITEM = (".asset-abstract",)
_LIFERAY_ITEM_LINK = ("h3.asset-title a", ".asset-title a", ".asset_title a")
_LIFERAY_ITEM_DATE = (".assetPublishDate", ".asset-publish-date")
_LIFERAY_NEXT = (
    ".taglib-page-iterator ul.pager.lfr-pagination-buttons li",
    ".taglib-page-iterator .pager li",
)
# The page iterator's drop-down lists every page of the listing: 1 MB at 5,000 pages.
_LIFERAY_CUTS = (r'<ul class="dropdown-menu lfr-menu-list[^"]*"[^>]*>.*?</ul\s*>',)

LIFERAY_61 = Profile(
    name="liferay-6.1",
    signature=(".asset_title span", ".asset-publish-date span", ".assetdesc-text"),
    title=(".asset-full-content .asset_title span", ".asset_title span"),
    date=(".asset-publish-date span", ".asset-publish-date"),
    lead=(".assetdesc-text",),
    body=(".asset-full-content .asset-content", ".asset-full-content"),
    byline=("p.view-content-author", ".asset-author"),
    boilerplate=_LIFERAY_BOILERPLATE,
    category=(".breadcrumb li", ".dd_chuyenmuc span"),
    html_title_category=True,
    listing_item=_LIFERAY_ITEM,
    item_link=_LIFERAY_ITEM_LINK,
    item_date=_LIFERAY_ITEM_DATE,
    next_page=_LIFERAY_NEXT,
    listing_cuts=_LIFERAY_CUTS,
)

LIFERAY_62 = Profile(
    name="liferay-6.2",
    signature=(
        ".portlet-boundary_101_",
        ".asset-full-content",
        ".journal-content-article",
        ".portlet-boundary_56_",
        "#skip-to-content",
    ),
    title=(
        ".asset-full-content-title",
        ".asset-full-content .header-title",
        ".portlet-boundary_101_ h1",
        "h1.header-title",
    ),
    date=(
        ".portlet-boundary_101_ .assetPublishDate",
        ".assetPublishDate",
        ".asset-full-content .asset-publish-date",
    ),
    lead=(".sapo-wrapper p.sapo", ".sapo-wrapper"),
    body=(
        ".asset-full-content .journal-content-article",
        ".portlet-boundary_101_ .journal-content-article",
        ".asset-full-content .asset-content",
        "#main-content .journal-content-article",
        ".journal-content-article",
        ".asset-full-content",
    ),
    byline=("p.view-content-author", ".asset-author"),
    boilerplate=(
        *_LIFERAY_BOILERPLATE,
        ".sapo-wrapper",
        ".asset-full-content-title",
        ".assetPublishDate",
    ),
    category=(".breadcrumb li", ".dd_chuyenmuc span"),
    html_title_category=True,
    listing_item=_LIFERAY_ITEM,
    item_link=_LIFERAY_ITEM_LINK,
    item_date=_LIFERAY_ITEM_DATE,
    next_page=_LIFERAY_NEXT,
    listing_cuts=_LIFERAY_CUTS,
)

# Listing template of songcong.thainguyen.gov.vn and quangngai.gov.vn (details are Liferay).
BOX_NEWS = Profile(
    name="box-news",
    signature=("div.box-news-xx",),
    title=(".asset-full-content-title", "h1.title-detail", "h1"),
    date=(".assetPublishDate", "p.date_post", "span.span-date"),
    lead=(".sapo-wrapper p.sapo", "div.hot-news-sapo-x"),
    body=LIFERAY_62.body,
    byline=("p.view-content-author",),
    boilerplate=(*_LIFERAY_BOILERPLATE, "div.box-news-xx"),
    category=(".breadcrumb li",),
    html_title_category=True,
    listing_item=("div.box-news-xx",),
    item_link=("h2.h2-title-xx a",),
    item_date=("div.hot-news-tol p.date_post", "span.span-date"),
    next_page=(*_LIFERAY_NEXT, ".pagination li", "ul.pager li"),
)

# VnExpress and the news sites built like it (fck_detail editor markup): the lead is
# `p.description`, paragraphs are `p.Normal`, photos are `figure` (or the older
# `table.tplCaption`) with a `p.Image` caption ending "Ảnh: X", and the byline is
# `p.author_mail` or a closing right-aligned bold `p.Normal`.
VNEXPRESS = Profile(
    name="vnexpress",
    signature=("article.fck_detail", ".fck_detail p.Normal", "p.author_mail"),
    title=("h1.title-detail", "h1.title_news_detail", "h1.title-news"),
    date_attr=(
        'meta[itemprop="datePublished"]',
        'meta[name="pubdate"]',
        'meta[property="article:published_time"]',
    ),
    date=(".header-content span.date", "span.date", ".date-time", ".time"),
    lead=("p.description", ".sidebar-1 .description", "h2.description"),
    body=("article.fck_detail", ".fck_detail"),
    byline=("p.author_mail strong", "p.author_mail", ".author_mail"),
    boilerplate=(
        "[data-component-type]",
        ".box-tinlienquanv2",
        ".box_brief_info",
        ".box_embed_video_parent",
        ".box-tag",
        ".tags",
        ".social_pin",
        ".list-news",
        ".banner-ads",
        "#article-end ~ *",
    ),
    category=("ul.breadcrumb li",),
    listing_item=("article.item-news", ".item-news"),
    item_link=("h3.title-news a", "h2.title-news a", ".title-news a", "h3 a", "h2 a"),
    item_date=(".time-count span", ".time-public", "span.time"),
    next_page=("#pagination a", ".pagination a", "a.next-page", "a.btn-page.next-page"),
)

GENERIC = Profile(
    name="generic",
    date=(
        ".post-date",
        ".publish-date",
        ".published",
        ".entry-date",
        ".article-date",
        ".ngay-dang",
        ".date",
        ".datetime",
    ),
    title=("h1",),
    lead=("p.sapo", ".sapo", ".article-sapo", "p.description", "h2.sapo"),
    byline=(".author", ".article-author", "[rel=author]", ".byline"),
    boilerplate=(
        "header",
        ".related",
        ".comments",
        "#comments",
        ".share",
        ".tags",
        ".advertisement",
        ".ads",
        ".banner",
    ),
    category=(".breadcrumb li", ".breadcrumbs li", "nav[aria-label=breadcrumb] li"),
    listing_item=("article", ".news-item", ".item-news", "li.news", ".list-news li"),
    item_link=("h2 a", "h3 a", "h4 a", "a.title", "a"),
    item_date=("time", ".date", ".time", ".post-date"),
    next_page=("a[rel=next]", "link[rel=next]", ".pagination li", ".pager li", "ul.paging li"),
)

# Detection order: most specific signature first; `generic` always matches.
PROFILES: dict[str, Profile] = {
    p.name: p for p in (LIFERAY_61, LIFERAY_62, BOX_NEWS, VNEXPRESS, GENERIC)
}


def cut_listing_markup(text: str, profile: Profile | None = None) -> str:
    """``text`` without the listing cuts of ``profile`` (of every profile when it is not
    known yet: each cut matches only its family's markup)."""
    for pattern in _cuts(profile.name if profile is not None else None):
        text = pattern.sub("", text)
    return text


@functools.cache
def _cuts(name: str | None) -> tuple[re.Pattern[str], ...]:
    chosen = [PROFILES[name]] if name is not None else list(PROFILES.values())
    patterns = dict.fromkeys(c for p in chosen for c in p.listing_cuts)
    return tuple(re.compile(c, re.DOTALL | re.IGNORECASE) for c in patterns)


def get_profile(name: str) -> Profile:
    """The profile called `name`; ValueError names the known ones."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(f"unknown profile {name!r}; known: {', '.join(PROFILES)}") from None


def detect_article_profile(soup: BeautifulSoup) -> Profile:
    """The first profile whose signature the page's markup shows (else `generic`)."""
    signatures = [s for profile in PROFILES.values() for s in profile.signature]
    found = select_ordered(soup, dict.fromkeys(signatures))
    if found:
        for profile in PROFILES.values():
            if profile.signature and any_matches(found, profile.signature):
                return profile
    return GENERIC


def detect_listing_profile(soup: BeautifulSoup) -> Profile:
    """The first profile whose listing items the page holds (else `generic`)."""
    for profile in PROFILES.values():
        if profile is not GENERIC and select_any(soup, profile.listing_item) is not None:
            return profile
    return GENERIC
