"""What an element's class, id and attributes say it is: page furniture, a weak sign of
it, the article's own block, or what is never the article (an overlay, a comment thread,
a menu, a hidden block)."""

from __future__ import annotations

import re
from functools import lru_cache

from bs4 import Tag

from extractors.attrs import class_list

# Class or id words of page furniture, always pruned unless they hold much of the article.
_NEGATIVE = re.compile(
    r"comment|footer|masthead|menu|\bnav|sidebar|side-bar|related|share|social|"
    r"sponsor|breadcrumb|cookie|popup|modal|newsletter|subscribe|"
    r"\btags?\b|pagination|pager|login|\bpoll|vote|lien-?quan|tin-?khac|"
    r"other-?news|most-?read|recommend|promo|author-?bio|byline|"
    # appeals and author boxes: paywalls, sign-ups, donations, memberships, disclosures
    r"paywall|subscription|sign-?up|donat|membership|upsell|"
    r"about-?(?:the-?)?author|author-?(?:box|info|card|details|profile|about)|"
    r"disclosure|disclaimer|"
    # side rails and fact-check claim boxes beside the article
    r"\brail\b|\bclaim-?(?:box|review)|"
    r"consent|gdpr|\bopt-?in\b",  # a form's consent text
    re.IGNORECASE,
)
# Words that page builders also give to the blocks an article is made of ("elementor-
# widget", "widget-type-rich_text"): pruned only when the block reads like furniture.
_WEAK_NEGATIVE = re.compile(r"widget|banner|search|rating|hidden|\bads?\b|advert", re.IGNORECASE)
_POSITIVE = re.compile(
    r"article|\bbody|content|entry|\bmain|\bpost|story|detail|chi-?tiet|noi-?dung|fck_detail",
    re.IGNORECASE,
)
# Class or id words of what is never the article, nor holds it: overlays (cookie consent,
# popups), comment threads and menus. An element so marked, and all it holds, is no
# candidate, however much prose it has.
AWAY_WORDS = re.compile(
    r"(?:^|(?<!has-)(?<!no-)(?<=[-_\s])|(?<=[a-z])(?=[A-Z]))"  # a word's start
    r"(?i:cookie|consent|gdpr|pop-?up|modal|comment(?!ary|ator)|disqus|mega-?menu|menu|"
    r"promo-?bar)"
)
AWAY_ROLES = frozenset({"dialog", "alertdialog", "navigation", "menu", "menubar", "tooltip"})
HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
FAQ_WORD = re.compile(r"(?:^|[-_])faq", re.IGNORECASE)  # "faq", "schema-faq", "FAQ_container"
HIDING_CLASSES = ("hidden", "d-none", "hide", "is-hidden", "invisible", "visually-hidden")


def marker(tag: Tag) -> str:
    attrs = tag.attrs
    if not attrs.get("class") and not attrs.get("id"):
        return ""  # the usual element: nothing to split nor join
    classes = class_list(tag)
    ident = tag.get("id")
    if not classes and not ident:
        return ""
    return " ".join([*classes, str(ident or "")]).strip()


def is_furniture(tag: Tag) -> bool:
    """Whether class or id names page furniture (footer, menu, share box, related news)."""
    return furniture_words(marker(tag)) == STRONG


STRONG, WEAK = 2, 1


@lru_cache(maxsize=4096)
def furniture_words(marker: str) -> int:
    """What a class-and-id string says of its element: STRONG furniture (`_NEGATIVE`),
    WEAK (`_WEAK_NEGATIVE`: page builders' words) or 0. A word of the article's own
    ("entry-content") clears it, unless furniture qualifies that same word
    ("related-content", "comment-body")."""
    strongest = 0
    for word in marker.split():
        if _NEGATIVE.search(word):
            strongest = STRONG
        elif _WEAK_NEGATIVE.search(word):
            strongest = max(strongest, WEAK)
        elif _POSITIVE.search(word):
            return 0
    return strongest


def attr_text(tag: Tag, name: str) -> str:
    """An attribute's value in lower case ("" when missing, or when the tag was decomposed)."""
    attrs = tag.__dict__.get("attrs")
    return str(attrs.get(name) or "").strip().lower() if attrs else ""


def hides(tag: Tag, *, counting_hidden: bool = True) -> bool:
    """Whether an element's markup hides it: `aria-hidden="true"`, an inline style
    (display:none, visibility:hidden) and, with `counting_hidden`, the `hidden`
    attribute."""
    attrs = tag.__dict__.get("attrs") or {}
    return (
        (counting_hidden and "hidden" in attrs)
        or attr_text(tag, "aria-hidden") == "true"
        or HIDDEN_STYLE.search(attr_text(tag, "style")) is not None
    )
