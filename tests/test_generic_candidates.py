"""Issue 17, class 1: the generic extractor's choice of container, on pages of our own.

A short article must win over a cookie-consent dialog, a comment thread or a header
mega-menu with more prose than it has; a candidate that prunes to nothing gives way to the
next one; hidden prose is read only when nothing visible holds any.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from extractors import extract
from extractors.generic import Candidate, explain

URL = "https://news.example.org/2025/05/short-story"
SHORT_STORY = [
    "The district council met on Monday to approve the new bridge over the river.",
    "Work starts in June and should end before the rainy season next year.",
    "Residents asked for a footpath, and the council agreed to add one.",
]
STORY_HTML = "".join(f"<p>{line}</p>" for line in SHORT_STORY)


def _long(label: str, count: int) -> list[str]:
    return [
        f"{label} paragraph {n} runs on at length about terms, choices and the fine print "
        f"that hardly anyone reads, and then it goes on a while longer still."
        for n in range(1, count + 1)
    ]


def _page(before: str = "", article: str = STORY_HTML, after: str = "") -> str:
    return (
        "<html><head><title>Bridge approved</title></head><body>"
        f"{before}<div class='main-column'><h1>Bridge approved</h1>"
        f"<div class='story'>{article}</div></div>{after}</body></html>"
    )


def _body(html: str) -> list[str]:
    return extract(html, URL).body_text.split("\n\n")


def _paragraphs(label: str) -> str:
    return "".join(f"<p>{line}</p>" for line in _long(label, 6))


@pytest.mark.parametrize(
    ("before", "after"),
    [
        # a cookie-consent dialog (by class), a dialog by role, a comment thread
        ("", f"<div class='cookie-consent-banner'><div>{_paragraphs('Cookie policy')}</div></div>"),
        (f"<div role='dialog'><div class='inner'>{_paragraphs('Privacy notice')}</div></div>", ""),
        (
            "",
            "<section id='comments'><ol class='thread'>"
            + "".join(
                f"<li class='item'><article class='comment-body'><p>{line}</p></article></li>"
                for line in _long("Reader comment", 6)
            )
            + "</ol></section>",
        ),
        # hidden prose is read last: never over a visible article
        ("", f"<div style='display: none'><div>{_paragraphs('Hidden copy')}</div></div>"),
    ],
    ids=["cookie-dialog", "role-dialog", "comment-thread", "hidden"],
)
def test_more_prose_that_is_no_article_loses_to_a_short_story(before: str, after: str) -> None:
    assert _body(_page(before=before, after=after)) == SHORT_STORY


def _mega_menu(card_summary: str) -> str:
    cards = "".join(
        f"<a class='menu-card' href='/topic-{n}'><div class='card-title'>Topic {n} of the "
        f"month</div><div class='card-text'>{card_summary}</div></a>"
        for n in range(1, 13)
    )
    return f"<header class='site-header'><div class='mega'>{cards}</div></header>"


def test_teaser_cards_inside_links_of_a_header_count_as_links() -> None:
    summary = "A summary of this topic's best stories, with a few words on each of them."
    html = _page(before=_mega_menu(summary))
    assert _body(html) == SHORT_STORY


def test_a_long_link_left_open_around_the_article_is_still_prose() -> None:
    # The other side of MAX_LINKED_BLOCKS: an <a> with more text than any teaser card
    # (an unclosed link wrapping the page) does not turn the article into link text.
    story = [f"{line} It was noted again for the record." for line in SHORT_STORY * 4]
    html = (
        "<html><head><title>Bridge approved</title></head><body>"
        "<a href='/'><div class='page'><h1>Bridge approved</h1>"
        + "".join(f"<p>{line}</p>" for line in story)
        + "</div></a><div class='links'>"
        + "".join(f"<p><a href='/{n}'>Another headline number {n} here</a></p>" for n in range(4))
        + "</div></body></html>"
    )
    assert _body(html) == story


def test_a_menu_left_open_around_the_article_still_holds_it() -> None:
    # A menu's class marks it away, unless it holds the page's <main> (unclosed markup).
    html = (
        "<html><head><title>Bridge approved</title></head><body>"
        "<div class='site-menu'><ul class='header__menu-items'><li><a href='/a'>Home</a></li>"
        f"<li><main><h1>Bridge approved</h1><div class='story'>{STORY_HTML}</div></main>"
        "</li></ul></div></body></html>"
    )
    assert _body(html) == SHORT_STORY


def test_a_candidate_that_prunes_to_nothing_gives_way_to_the_next() -> None:
    # The best candidate is the box of appeals (the page's link list costs <body> its
    # rank); pruned, it holds nothing, and the story is the next candidate.
    assert [c.path for c in _ranking(_appeals_page())][:2] == [
        "body > div.wrap",
        "body > div.wrap > div.newsletter",
    ]
    assert _body(_appeals_page()) == SHORT_STORY


def test_hidden_prose_is_read_when_nothing_visible_has_any() -> None:
    hidden = _long("Terms", 3)
    html = (
        "<html><head><title>Terms</title></head><body><h1>Terms</h1>"
        "<div hidden><div class='terms'>"
        + "".join(f"<p>{line}</p>" for line in hidden)
        + "</div></div></body></html>"
    )
    assert _body(html) == hidden


def _linked_list_page(intro: int, note: int) -> str:
    """`intro` paragraphs over 40 linked items (each mostly link: no paragraph), beside a
    box of `note` paragraphs."""
    entries = "".join(
        f"<li><a href='https://courses.example.com/{n}'>Course number {n} at Example "
        f"University</a> (free)</li>"
        for n in range(1, 41)
    )
    paragraphs = "".join(f"<p>{line}</p>" for line in INTRO[:intro])
    box = "".join(f"<p>{line}</p>" for line in NOTE[:note])
    return (
        "<html><head><title>Free courses</title></head><body><div class='page'>"
        f"<h1>Free courses</h1><div class='entry'>{paragraphs}<ul>{entries}</ul></div>"
        f"<div class='note'>{box}</div></div></body></html>"
    )


INTRO = [
    f"Part {n} of the introduction says how we found and tested each free course."
    for n in range(1, 7)
]
NOTE = [
    f"Note {n}: the courses change often, so check the terms before you enrol."
    for n in (1, 2, 3, 4)
]
COURSES = [f"Course number {n} at Example University (free)" for n in range(1, 41)]


def test_an_article_of_short_linked_items_is_not_cut_to_a_fragment() -> None:
    # The entry scores below zero (its items are mostly links), and the note box that
    # scores holds under FRAGMENT of the page's paragraphs: the smallest element holding
    # MAJORITY of them (the page) is taken instead.
    assert _body(_linked_list_page(intro=6, note=2)) == [*INTRO, *COURSES]


def test_a_best_candidate_with_enough_of_the_page_is_kept() -> None:
    # The other side of FRAGMENT: a box with 2 of the page's 5 paragraphs is no fragment.
    assert _body(_linked_list_page(intro=3, note=2)) == NOTE[:2]


# The structural-noise pass: a <header>, <footer>, <nav>, <aside> or <form> goes, unless it
# holds most of the page's paragraphs and holds, or sits in, a landmark of the article.

DISCLAIMER = "".join(f"<p>{line}</p>" for line in _long("Disclaimer", 8))


def test_a_footer_with_a_long_disclaimer_is_dropped() -> None:
    html = (
        "<html><head><title>Bridge approved</title></head><body>"
        f"<main><h1>Bridge approved</h1><div class='story'>{STORY_HTML}</div></main>"
        f"<footer class='site-footer'><div class='legal'>{DISCLAIMER}</div></footer>"
        "</body></html>"
    )
    assert _body(html) == SHORT_STORY


def test_a_header_section_inside_main_holding_the_article_is_kept() -> None:
    # A page builder names the article's section <header>; it sits in <main>.
    story = _long("Story", 8)
    html = (
        "<html><head><title>Bridge approved</title></head><body><main>"
        "<header class='section-title'><h1>Bridge approved</h1></header>"
        "<header class='section-body'><div class='rich-text'>"
        + "".join(f"<p>{line}</p>" for line in story)
        + "</div></header></main></body></html>"
    )
    assert _body(html) == story


def test_a_header_holding_under_the_share_is_dropped_even_in_main() -> None:
    # The other side of HOLDS_ARTICLE: a header section with a third of the prose.
    html = (
        "<html><head><title>Bridge approved</title></head><body><main>"
        f"<header class='promo'><div>{''.join(f'<p>{x}</p>' for x in _long('Promo', 4))}</div>"
        f"</header><h1>Bridge approved</h1><div class='story'>"
        + "".join(f"<p>{line}</p>" for line in _long("Story", 8))
        + "</div></main></body></html>"
    )
    assert _body(html) == _long("Story", 8)


def _appeals_page() -> str:
    appeals = "".join(
        f"<div class='{kind}'>" + "".join(f"<p>{line}</p>" for line in _long(kind, 3)) + "</div>"
        for kind in ("newsletter", "sponsor", "donate")  # each under KEEP_SHARE of the box
    )
    links = "".join(
        f"<a href='/section-{n}'>Section of the site number {n}</a> " for n in range(40)
    )
    return _page(before=f"<div class='wrap'>{appeals}</div><div class='links'>{links}</div>")


def _ranking(html: str) -> list[Candidate]:
    return explain(BeautifulSoup(html, "lxml"))


def test_max_tries_bounds_the_candidates_tried(monkeypatch: pytest.MonkeyPatch) -> None:
    # The other side of MAX_TRIES: allowed one candidate, the page whose best candidate
    # prunes to nothing has no body.
    from extractors import ExtractionError, generic

    monkeypatch.setattr(generic, "MAX_TRIES", 1)
    with pytest.raises(ExtractionError, match="no body text found"):
        _body(_appeals_page())


def test_majority_picks_the_smallest_element_holding_that_share(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The entry holds 76% of the page's paragraphs: under a MAJORITY above that, the
    # whole page (with the note box) is taken instead.
    from extractors import generic

    monkeypatch.setattr(generic, "MAJORITY", 0.8)
    assert _body(_linked_list_page(intro=6, note=2)) == [*INTRO, *COURSES, *NOTE[:2]]
