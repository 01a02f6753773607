"""Issue 17, classes 5-9: what the generic extractor prunes inside the article's
container, and what it must leave there."""

from __future__ import annotations

import pytest

from extractors import extract

URL = "https://news.example.org/2025/05/bridge"
STORY = [
    f"Paragraph {n} of the story tells readers what happened at the bridge and why."
    for n in range(1, 6)
]
STORY_HTML = "".join(f"<p>{line}</p>" for line in STORY)


def _body(inside: str, *, before: str = "") -> list[str]:
    html = (
        "<html><head><title>Bridge</title></head><body><main><h1>Bridge</h1>"
        f"<div class='post-body'>{before}{STORY_HTML}{inside}</div></main></body></html>"
    )
    return extract(html, URL).body_text.split("\n\n")


APPEAL = (
    "<p>Our reporting depends on readers like you, who keep the newsroom going every "
    "single month.</p><p>Join today and get every story, newsletter and event for less.</p>"
)


@pytest.mark.parametrize(
    "marker",
    [
        "paywall-box",  # a paywall's offer
        "subscription-offer",
        "newsletter-signup",  # sign-ups
        "donate-appeal",  # donations
        "membership-cta",  # memberships
        "about-the-author",  # author boxes
        "author-box",
        "affiliate-disclosure",
        "form-consent",  # a form's consent text
        "legal-disclaimer",
        "most-read-carousel",  # teasers by name
    ],
)
def test_appeals_and_author_boxes_are_pruned(marker: str) -> None:
    assert _body(f"<div class='{marker}'>{APPEAL}</div>") == STORY


def test_an_appeal_holding_most_of_the_article_is_kept() -> None:
    # The other side of KEEP_SHARE: a marked block with most of the container's prose
    # wraps the article (a template that names the whole story "paywall-content").
    html = (
        "<html><head><title>Bridge</title></head><body><main><h1>Bridge</h1>"
        f"<div class='post-body'><div class='paywall-content'>{STORY_HTML}</div>"
        f"<p>{STORY[0]}</p></div></main></body></html>"
    )
    assert extract(html, URL).body_text.split("\n\n") == [*STORY, STORY[0]]


# Class 4: hidden content. A hidden block goes when it copies text the reader sees, or
# holds data rather than prose; other hidden text (a collapsed answer) is the article's.

COPY = " ".join(STORY)


@pytest.mark.parametrize(
    "hidden",
    [
        f"<div itemprop='articleBody' style='display:none'>{COPY}</div>",  # microdata copy
        f"<div class='d-none'><p>{STORY[2]}</p></div>",  # a small-screen duplicate
        f"<div hidden><p>{STORY[0]}</p></div>",
        "<div aria-hidden='true'>https://cdn.example.org/a.js https://cdn.example.org/b.js "
        "https://cdn.example.org/c.js</div>",  # a list of script URLs
        '<div style=\'visibility: hidden\'>{"player": {"autoplay": false, "volume": 0.5, '
        '"ads": true}}</div>',  # JSON configuration
    ],
    ids=["microdata-copy", "responsive-duplicate", "hidden-attribute", "script-urls", "json"],
)
def test_hidden_copies_and_data_are_dropped(hidden: str) -> None:
    assert _body(hidden) == STORY


@pytest.mark.parametrize(
    "answer",
    [
        "<div class='faq-answer hidden'><p>Yes: the bridge stays open to cyclists during "
        "the works, on the north side.</p></div>",
        "<div hidden><p>Transcript: the mayor said the bridge will open in the spring of "
        "next year.</p></div>",
    ],
    ids=["collapsed-answer", "transcript"],
)
def test_hidden_text_found_nowhere_else_is_kept(answer: str) -> None:
    assert _body(answer) == [*STORY, answer.split("<p>")[1].split("</p>")[0]]


def test_hidden_text_shorter_than_a_paragraph_is_left_alone() -> None:
    # MIN_PARAGRAPH: a short hidden label repeated on the page is no copy of the article.
    assert _body("<p>Bridge facts</p><div aria-hidden='true'><p>Bridge facts</p></div>") == [
        *STORY,
        "Bridge facts",
        "Bridge facts",
    ]


# Class 8: a related-news heading ends the article only when nothing but teasers follows.


def _related_box(story_after: int) -> str:
    teasers = "".join(
        f"<p><a href='/news/other-{n}'>Another headline of the site, number {n}</a></p>"
        for n in range(1, 4)
    )
    after = "".join(f"<p>{line}</p>" for line in STORY[:story_after])
    return f"<h3>Related news</h3>{teasers}{after}"


def test_an_inline_related_box_is_dropped_and_the_story_goes_on() -> None:
    assert _body(_related_box(story_after=5)) == [*STORY, *STORY]


def test_a_related_heading_with_only_teasers_after_it_ends_the_body() -> None:
    # The other side of TEASER_END: a line after the teasers is not the story going on.
    html = _related_box(story_after=0) + "<p>Short line.</p>"
    assert _body(html) == STORY


# Words of a class: a word of the article's own clears the element, unless furniture
# qualifies that same word.


@pytest.mark.parametrize(
    ("classes", "kept"),
    [
        ("related-content-box", False),  # "related" qualifies "content"
        ("comment-body", False),
        ("entry-content share-enabled", True),  # the article's own word, furniture aside
    ],
)
def test_furniture_words_within_one_class(classes: str, kept: bool) -> None:
    box = f"<div class='{classes}'><p>{STORY[1]} Again.</p></div>"
    assert (_body(box)[-1] == f"{STORY[1]} Again.") is kept


# Class 7: teaser runs with excerpts; class 9: what looks like furniture and is article.


def _cards(count: int, excerpt: str, href: str = "/news/other-{n}") -> str:
    return "".join(
        f"<div class='teaser'><h3><a href='{href.format(n=n)}'>Other story {n}</a></h3>"
        f"<p>{excerpt}</p></div>"
        for n in range(1, count + 1)
    )


SHORT_EXCERPT = "A summary of the other story, long enough to outweigh its linked headline here."
LONG_EXCERPT = " ".join([SHORT_EXCERPT] * 4)


def test_headline_cards_with_excerpts_are_a_teaser_run() -> None:
    # The links are under CARD_LINKS of the cards' text, but each card is a linked
    # headline over a short excerpt.
    assert _body(f"<div class='more'>{_cards(4, SHORT_EXCERPT)}</div>") == STORY


def test_headline_cards_longer_than_a_teaser_are_sections() -> None:
    # The other side of CARD_TEXT: sections of the article under linked headings.
    body = _body(f"<div class='more'>{_cards(4, LONG_EXCERPT)}</div>")
    assert body == STORY + [
        line for n in range(1, 5) for line in (f"Other story {n}", LONG_EXCERPT)
    ]


def test_cards_linking_within_the_page_are_no_teasers() -> None:
    # FAQ entries whose questions are anchors within the page: not a run of teasers.
    answers = [
        f"The answer to question {n} about the bridge, given in a full sentence."
        for n in range(1, 5)
    ]
    items = "".join(
        f"<div class='faq-item'><a href='#q-{n}'>Question {n} about the bridge?</a>"
        f"<p>{answer}</p></div>"
        for n, answer in enumerate(answers, 1)
    )
    assert _body(f"<div class='faq'>{items}</div>") == STORY + answers


def test_an_ad_marked_wrapper_of_article_paragraphs_is_kept() -> None:
    # "ad" is a weak word: the block goes only when it does not read like prose.
    wrapper = f"<div class='ad-slot-wrapper'><p>{STORY[0]} Still the story.</p></div>"
    assert _body(wrapper) == [*STORY, f"{STORY[0]} Still the story."]


def test_an_ad_that_is_no_prose_is_pruned() -> None:
    assert (
        _body("<div class='ad-slot'><a href='/buy'>Buy now</a> <span>50% off</span></div>") == STORY
    )


# Class 9: a page builder's heading widget is the article's subheading.


@pytest.mark.parametrize(
    ("widget", "kept"),
    [
        ("<h2>The second part of the works</h2>", True),
        # under HEADING_SHARE of the block is the heading: a widget of short lines
        ("<h2>The second part of the works</h2><span>Share this</span>", False),
    ],
)
def test_a_heading_widget_is_a_subheading(widget: str, kept: bool) -> None:
    block = f"<div class='elementor-widget elementor-widget-heading'>{widget}</div>"
    assert (_body(block)[-1] == "The second part of the works") is kept


# Class 5: what a container that climbs past the article pulls in.


def _feed_page(items: int) -> str:
    feed = "".join(
        f"<div class='feed-item'><h3><a href='/news/{n}'>Other story {n}</a></h3>"
        f"<p>{SHORT_EXCERPT}</p></div>"
        for n in range(1, items + 1)
    )
    return (
        "<html><head><title>Bridge</title></head><body><div class='wrapper'>"
        f"<main><h1>Bridge</h1><div class='story'>{STORY_HTML}</div></main>"
        f"<div class='latest'>{feed}</div></div></body></html>"
    )


def test_a_sibling_feed_of_teasers_with_summaries_leaves_the_body() -> None:
    # The feed's summaries are prose: the container climbs to the wrapper holding both,
    # and the feed goes as a run of headline cards.
    assert extract(_feed_page(4), URL).body_text.split("\n\n") == STORY


def test_a_feed_with_more_prose_than_the_article_stays() -> None:
    # The other side of KEEP_SHARE: a run holding most of the container's prose is kept
    # (a catalogue page's cards are its content). A known limit for a short article
    # beside a long feed.
    body = extract(_feed_page(6), URL).body_text.split("\n\n")
    assert body == STORY + [SHORT_EXCERPT] * 6


@pytest.mark.parametrize("marker", ["right-rail", "claim-review"])
def test_side_rails_and_claim_boxes_are_pruned(marker: str) -> None:
    box = f"<div class='{marker}'><p>{STORY[0]} A box beside it.</p><p>{STORY[1]}</p></div>"
    assert _body(box) == STORY


def test_hidden_prose_with_a_url_in_it_is_no_list_of_urls() -> None:
    # The other side of URL_SHARE: a sentence that names one address is prose.
    line = "The full report is at https://council.example.org/report for anyone to read."
    assert _body(f"<div hidden><p>{line}</p></div>") == [*STORY, line]


@pytest.mark.parametrize(("count", "dropped"), [(3, True), (2, False)])  # CARD_RUN
def test_headline_cards_sharing_no_class_are_a_teaser_run(count: int, dropped: bool) -> None:
    cards = "".join(
        f"<article><h3><a href='/news/other-{n}'>Other story {n}</a></h3>"
        f"<p>{SHORT_EXCERPT}</p></article>"
        for n in range(1, count + 1)
    )
    body = _body(f"<section>{cards}</section>")
    assert body == (STORY if dropped else STORY + [SHORT_EXCERPT] * count)


# Class 6: an FAQ block after the article's own element is the site's, not the story's.

QA = [
    "How do I sign up for the service that this site sells to its readers?",
    "You fill in the form on our pricing page, and we call you back within a day.",
]
FAQ_HTML = "<div class='faq-section'>" + "".join(f"<p>{line}</p>" for line in QA) + "</div>"


def _faq_page(inside_article: bool) -> str:
    article = f"<article>{STORY_HTML}{FAQ_HTML if inside_article else ''}</article>"
    after = "" if inside_article else FAQ_HTML
    return (
        "<html><head><title>Bridge</title></head><body><main><h1>Bridge</h1>"
        f"<div class='page-body'>{article}{after}</div></main></body></html>"
    )


def test_an_faq_block_after_the_article_is_dropped() -> None:
    assert extract(_faq_page(inside_article=False), URL).body_text.split("\n\n") == STORY


def test_an_faq_block_inside_the_article_is_kept() -> None:
    body = extract(_faq_page(inside_article=True), URL).body_text.split("\n\n")
    assert body == STORY + QA
