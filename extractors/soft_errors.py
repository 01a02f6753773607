"""Soft errors: a page that came with HTTP 200 but is not the page asked for.

Servers under load answer with a maintenance or error page, a login wall or an empty
JavaScript shell, and often with status 200. Such a page must be a failure (retried
later), never an article, and never a listing that "has no more links".

``soft_error`` looks at what a person would: a title (the ``<title>`` or the first
``<h1>``) that is nothing but an error phrase, a short page whose text says it is an
error, a password field on a page with little text. Each rule is bounded by the text of
the whole page, so a real portal page *about* an error or a maintenance ("Thông báo bảo
trì hệ thống …") is never one: it carries the portal's menus and footer.
"""

from __future__ import annotations

import re
import unicodedata

from bs4 import BeautifulSoup

from extractors.text import clean

# A title segment that is only one of these is an error page's title.
_ERROR_TITLE = re.compile(
    r"""^(?:
        (?:error|http\s+error|lỗi|error\s+page|trang\s+lỗi)(?:\s*:?\s*[45]\d{2})?
      | [45]\d{2}(?:\s*[-:]?\s*[a-z ]+)?
      | (?:[45]\d{2}\s+)?(?:service|server|website|site)\s+(?:is\s+)?(?:temporarily\s+)?unavailable
      | (?:[45]\d{2}\s+)?(?:bad\s+gateway|gateway\s+time-?\s?out|internal\s+server\s+error
            |(?:page\s+|file\s+)?not\s+found|forbidden|access\s+denied|unauthori[sz]ed
            |too\s+many\s+requests|request\s+rejected)
      | (?:an\s+)?error\s+(?:has\s+)?occurred
      | (?:(?:the\s+)?(?:site|website)\s+(?:is\s+)?)?(?:under|down\s+for)\s+maintenance
      | maintenance(?:\s+mode)?
      | (?:log\s*in|sign\s*in)(?:\s+required)?
      | (?:trang|hệ\s+thống|website|cổng\s+thông\s+tin(?:\s+điện\s+tử)?)?\s*
            đang\s+(?:được\s+)?(?:bảo\s+trì|nâng\s+cấp)
      | bảo\s+trì(?:\s+hệ\s+thống)?
      | (?:trang\s+)?không\s+tìm\s+thấy(?:\s+trang)?(?:\s+yêu\s+cầu)?
      | trang\s+(?:không\s+tồn\s+tại|bạn\s+tìm\s+không\s+tồn\s+tại)
      | (?:truy\s+cập\s+bị\s+từ\s+chối|từ\s+chối\s+truy\s+cập)
      | đăng\s+nhập(?:\s+hệ\s+thống)?
      | (?:hệ\s+thống\s+)?(?:đang\s+bận|quá\s+tải)
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_TITLE_SEPARATORS = re.compile(r"\s+[|\-–—:»/]+\s+|\s*::\s*|\s*\|\s*")
# Sentences only an error page says of itself.
_ERROR_TEXT = re.compile(
    r"""service\s+(?:is\s+)?(?:temporarily\s+)?unavailable
      | temporarily\s+unable\s+to\s+service
      | (?:is\s+)?(?:currently\s+)?(?:under|down\s+for)\s+(?:scheduled\s+)?maintenance
      | the\s+requested\s+(?:url|resource|page)\s+(?:was\s+not|could\s+not\s+be)\s+found
      | (?:enable|turn\s+on)\s+javascript
      | please\s+(?:log|sign)\s+in
      | đang\s+(?:được\s+)?(?:bảo\s+trì|nâng\s+cấp)
      | không\s+tìm\s+thấy\s+trang
      | trang\s+(?:bạn\s+)?(?:yêu\s+cầu|tìm)\s+không\s+tồn\s+tại
      | (?:vui\s+lòng|bạn\s+cần|hãy)\s+đăng\s+nhập
      | (?:bật|kích\s+hoạt)\s+javascript
      | hệ\s+thống\s+(?:đang\s+)?(?:bận|quá\s+tải)
      | (?:xin\s+)?vui\s+lòng\s+(?:quay\s+lại|truy\s+cập\s+lại)\s+sau""",
    re.IGNORECASE | re.VERBOSE,
)

# What a page may hold of text and still be judged by each rule.
ERROR_TITLE_MAX_TEXT = 2000  # an error title with more text than this is an article
ERROR_TEXT_MAX_TEXT = 600  # a page that says it is an error, in no more than this
LOGIN_MAX_TEXT = 1000  # a password field on a page with no more text than this


def soft_error(soup: BeautifulSoup) -> str | None:
    """Why the page is an error page rather than the one asked for, or None.

    Each rule is bounded by the text of the whole page (its visible text, scripts and
    styles left out): a portal's real pages carry menus and footers, an error page
    carries a sentence or two.
    """
    text = visible_text(soup)
    size = len(text)
    if size <= ERROR_TITLE_MAX_TEXT:
        for title in (_tag_text(soup, "title"), _tag_text(soup, "h1")):
            if title and _is_error_title(title):
                return f"soft error: an error page (title {_quoted(title)})"
    if size <= ERROR_TEXT_MAX_TEXT:
        match = _ERROR_TEXT.search(text)
        if match:
            return f"soft error: an error page ({_quoted(match.group(0))})"
    if size <= LOGIN_MAX_TEXT and soup.find("input", attrs={"type": "password"}) is not None:
        return "soft error: a login wall (a password field and little text)"
    return None


def visible_text(soup: BeautifulSoup) -> str:
    """The page's text as a reader sees it, whitespace folded: the ``<body>`` (or the
    whole page, without one). ``parse_document`` keeps scripts, styles and comments out
    of the tree."""
    root = soup.body or soup
    return _folded(root.get_text(" "))


def _is_error_title(title: str) -> bool:
    folded = _folded(title).strip(" .!")
    if not folded:
        return False
    return any(
        _ERROR_TITLE.match(part.strip(" .!")) for part in [folded, *_TITLE_SEPARATORS.split(folded)]
    )


def _tag_text(soup: BeautifulSoup, name: str) -> str | None:
    tag = soup.find(name)
    return clean(tag.get_text(" ")) if tag is not None else None


def _folded(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split())


def _quoted(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")
