"""The generic extractor's strategies, on small hand-written pages: title, date, body."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
import soupsieve
from bs4 import BeautifulSoup

from extractors import extract
from extractors.css import select_all, select_ordered
from extractors.dates import parse_vn_datetime
from extractors.document import strip_early

ICT = timezone(timedelta(hours=7))
URL = "https://news.example.org/story"
PARAGRAPHS = "".join(
    f"<p>Paragraph {n} of the story tells readers what happened and why it matters.</p>"
    for n in range(1, 6)
)


def page(head: str = "", before: str = "", after: str = "", body: str = PARAGRAPHS) -> str:
    return (
        f"<html><head>{head}</head><body><header><a href='/'>Example News</a></header>"
        f"<main>{before}<h1>The headline as shown</h1>{after}<article>{body}</article></main>"
        "<footer><p>Copyright Example News, all rights reserved, since 1999.</p></footer>"
        "</body></html>"
    )


# Titles: the headline as the page shows it, not the metadata with the site's name.


def test_title_is_the_h1_that_the_metadata_names() -> None:
    head = (
        "<title>The headline as shown | Example News</title>"
        '<meta property="og:title" content="The Headline As Shown – Example News">'
    )
    assert extract(page(head), URL).title == "The headline as shown"


def test_title_skips_a_logo_h1_in_the_header() -> None:
    html = page("<title>The headline as shown - Example News</title>").replace(
        "<a href='/'>Example News</a>", "<h1>Example News</h1>"
    )
    assert extract(html, URL).title == "The headline as shown"


def test_title_from_og_title_without_the_site_name() -> None:
    head = (
        '<meta property="og:title" content="Budget passes after long debate | Example News">'
        '<meta property="og:site_name" content="Example News">'
    )
    html = page(head).replace("<h1>The headline as shown</h1>", "")
    assert extract(html, URL).title == "Budget passes after long debate"


def test_title_prefers_a_lone_h1_to_a_different_og_title() -> None:
    head = '<meta property="og:title" content="SEO title, written for search engines">'
    assert extract(page(head), URL).title == "The headline as shown"


def test_title_keeps_the_metadata_spelling_of_the_same_words() -> None:
    # The template set the heading in capitals and typographic quotes; the metadata has
    # the words as typed.
    head = '<meta property="og:title" content="Tips for the year\'s best gardens">'
    html = page(head).replace(
        "<h1>The headline as shown</h1>", "<h1>TIPS FOR THE YEAR\u2019S BEST GARDENS</h1>"
    )
    assert extract(html, URL).title == "Tips for the year's best gardens"


def test_title_heading_without_the_site_name() -> None:
    head = (
        '<meta property="og:title" content="Best exhibitions of 2025 – Artpaper">'
        '<meta property="og:site_name" content="Artpaper">'
    )
    html = page(head).replace(
        "<h1>The headline as shown</h1>", "<h1>Best exhibitions of 2025 – Artpaper</h1>"
    )
    assert extract(html, URL).title == "Best exhibitions of 2025"


@pytest.mark.parametrize(
    ("og_title", "title"),
    [
        ("Top 5 payroll tools in 2026 | Example", "Top 5 payroll tools in 2026"),  # the domain
        ("Top 5 payroll tools in 2026 | Exampled", "Top 5 payroll tools in 2026 | Exampled"),
    ],
)
def test_title_without_a_suffix_naming_the_domain(og_title: str, title: str) -> None:
    html = page(f'<meta property="og:title" content="{og_title}">').replace(
        "<h1>The headline as shown</h1>", ""
    )
    assert extract(html, "https://www.example.com/blog/payroll").title == title


def test_a_heading_repeated_for_small_screens_is_still_the_lone_h1() -> None:
    head = '<meta property="og:title" content="SEO title, written for search engines">'
    html = page(head).replace(
        "<h1>The headline as shown</h1>",
        "<h1 class='d-md-none'>The headline as shown</h1><h1>The headline as shown</h1>",
    )
    assert extract(html, URL).title == "The headline as shown"


def test_og_title_cut_where_a_heading_of_the_page_ends() -> None:
    head = '<meta property="og:title" content="Budget passes after long debate - Politics - Daily">'
    html = page(head).replace(
        "<h1>The headline as shown</h1>", "<h2>Budget passes after long debate</h2>"
    )
    assert extract(html, URL).title == "Budget passes after long debate"


# Dates: metadata, the dateline by the title, modification dates, the URL.


def test_json_ld_graph_date_keeps_its_offset() -> None:
    head = (
        '<script type="application/ld+json">{"@graph": [{"@type": "WebSite", "name": "X"},'
        '{"@type": "BlogPosting", "datePublished": "2025-12-18T21:46:01-05:00"}]}</script>'
    )
    published = extract(page(head), URL).published_at
    assert published == datetime(2025, 12, 18, 21, 46, 1, tzinfo=timezone(timedelta(hours=-5)))
    assert published is not None and published.isoformat() == "2025-12-18T21:46:01-05:00"


def test_meta_tag_date() -> None:
    head = '<meta name="parsely-pub-date" content="2024-03-05T08:00:00Z">'
    published = extract(page(head), URL).published_at
    assert published is not None and published.isoformat() == "2024-03-05T08:00:00+00:00"


def test_dateline_after_the_title() -> None:
    after = "<div class='meta'><span>By Jane Roe</span> · <span>December 16, 2025</span></div>"
    assert extract(page(after=after), URL).published_at == datetime(2025, 12, 16, tzinfo=ICT)


def test_dateline_before_the_title_day_first() -> None:
    before = "<div class='when'>Thứ Sáu, 06/05/2022 - 14:56</div>"
    published = extract(page(before=before), URL).published_at
    assert published == datetime(2022, 5, 6, 14, 56, tzinfo=ICT)


def test_a_publication_date_beats_an_update_by_the_title() -> None:
    after = "<p>Updated: January 2, 2026</p><p>December 22, 2022</p>"
    assert extract(page(after=after), URL).published_at == datetime(2022, 12, 22, tzinfo=ICT)


def test_an_update_alone_by_the_title_is_taken() -> None:
    after = "<p>Last updated: 2025-02-22</p>"
    assert extract(page(after=after), URL).published_at == datetime(2025, 2, 22, tzinfo=ICT)


def test_shown_date_wins_over_metadata_a_day_apart() -> None:
    head = '<meta property="article:published_time" content="2025-12-19T02:41:41+00:00">'
    after = "<p>December 18, 2025</p>"
    published = extract(page(head, after=after), URL).published_at
    assert published == datetime(2025, 12, 18, tzinfo=ICT)


def test_metadata_wins_over_a_shown_date_far_apart() -> None:
    head = '<meta property="article:published_time" content="2024-10-15T18:50:03+00:00">'
    after = "<p>Recorded on August 19, 2025</p>"
    published = extract(page(head, after=after), URL).published_at
    assert published == datetime(2024, 10, 15, 18, 50, 3, tzinfo=UTC)


def test_modified_date_when_nothing_else() -> None:
    head = '<meta property="article:modified_time" content="2023-01-02T10:00:00+07:00">'
    assert extract(page(head), URL).published_at == datetime(2023, 1, 2, 10, tzinfo=ICT)


def test_date_from_the_url_last() -> None:
    url = "https://blog.example.org/2024/05/06/a-post/"
    assert extract(page(), url).published_at == datetime(2024, 5, 6, tzinfo=ICT)


def test_no_date_warns() -> None:
    article = extract(page(), URL)
    assert article.published_at is None
    assert article.warnings == ("published_at: no date found",)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("May 6, 2022", datetime(2022, 5, 6, tzinfo=ICT)),
        ("6 May 2022", datetime(2022, 5, 6, tzinfo=ICT)),
        ("Dec. 19th 2025", datetime(2025, 12, 19, tzinfo=ICT)),
        ("19 Dec, 2025", datetime(2025, 12, 19, tzinfo=ICT)),
        ("Posted on September 1st, 2023 at 3:05 pm", datetime(2023, 9, 1, 15, 5, tzinfo=ICT)),
        ("17. Mai 2021", datetime(2021, 5, 17, tzinfo=ICT)),
        ("6 de mayo de 2022", datetime(2022, 5, 6, tzinfo=ICT)),
        ("06/05/2022", datetime(2022, 5, 6, tzinfo=ICT)),
    ],
)
def test_month_names_settle_the_order(text: str, expected: datetime) -> None:
    assert parse_vn_datetime(text) == expected


@pytest.mark.parametrize("text", ["10/31/2024", "May 2022", "Mar 5"])
def test_no_month_first_guess(text: str) -> None:
    assert parse_vn_datetime(text) is None


def test_keep_offset() -> None:
    parsed = parse_vn_datetime("2025-10-20T13:08:55-07:00", keep_offset=True)
    assert parsed is not None and parsed.isoformat() == "2025-10-20T13:08:55-07:00"
    converted = parse_vn_datetime("2025-10-20T13:08:55-07:00")
    assert converted is not None and converted.isoformat() == "2025-10-21T03:08:55+07:00"


# Body: the container of a page builder's article, without its furniture.


def test_body_spans_a_page_builders_sibling_blocks() -> None:
    blocks = "".join(
        f"<div class='elementor-element elementor-widget elementor-widget-text-editor'>"
        f"<div class='elementor-widget-container'><p>Section {n} explains one more part of "
        f"the topic at some length, for readers.</p></div></div>"
        for n in range(1, 5)
    )
    sidebar = (
        "<div class='widget widget_recent_entries'><ul>"
        + "".join(f"<li><a href='/p{n}'>Another post title number {n}</a></li>" for n in range(6))
        + "</ul></div>"
    )
    html = (
        "<html><head><title>A guide</title></head><body><div class='elementor'>"
        "<section class='elementor-section'><div class='elementor-container'>"
        f"<h1>A guide</h1>{blocks[: len(blocks) // 2]}</div></section>"
        f"<section class='elementor-section'><div class='elementor-container'>"
        f"{blocks[len(blocks) // 2 :]}</div></section></div>"
        f"<div class='sidebar'>{sidebar}</div></body></html>"
    )
    body = extract(html, URL).body_text.split("\n\n")
    assert body == [
        f"Section {n} explains one more part of the topic at some length, for readers."
        for n in range(1, 5)
    ]


def test_share_box_and_comments_are_pruned() -> None:
    body = (
        PARAGRAPHS + "<div class='share-buttons'><a href='/fb'>Share on Facebook</a></div>"
        "<div class='comments'><p>Great article, thanks a lot for writing it!</p></div>"
    )
    text = extract(page(body=body), URL).body_text
    assert text.split("\n\n") == [
        f"Paragraph {n} of the story tells readers what happened and why it matters."
        for n in range(1, 6)
    ]


# Parsing: what never holds text is cut before the tree is built.


def test_strip_early_keeps_json_ld_and_cuts_scripts() -> None:
    markup = (
        '<head><script type="application/ld+json">{"a": 1}</script><script>var x = "<p>";'
        "</script><style>p{}</style></head><body><!-- <p>old</p> --><svg-icon>kept</svg-icon>"
        "<svg><text>drawn</text></svg><p>text</p></body>"
    )
    stripped, json_ld = strip_early(markup)
    assert json_ld == ['{"a": 1}']
    assert "<p>text</p>" in stripped and "<svg-icon>kept</svg-icon>" in stripped
    for gone in ("var x", "p{}", "old", "drawn"):
        assert gone not in stripped


@pytest.mark.parametrize(
    "selector",
    [
        "p",
        ".a",
        "#main",
        "div.a p",
        "div > p",
        "[class*=ti]",
        'meta[name="date"]',
        "a[rel~=author]",
        "section .a.b",
        "p:not(.a)",
    ],
)
def test_index_selection_matches_soupsieve(selector: str) -> None:
    soup = BeautifulSoup(
        "<html><head><meta name='date' content='x'></head><body><div id='main' class='a'>"
        "<p class='a b'>1</p><section><div><p class='a b'>2</p></div>"
        "<p class='title'>3</p></section><a rel='author nofollow'>me</a></div></body></html>",
        "lxml",
    )
    assert select_all(soup, selector) == soupsieve.select(selector, soup)
    body = soup.body
    assert body is not None
    assert select_ordered(body, [selector]) == soupsieve.select(selector, body)


# Body precision: teasers for other pages after (or around) the article.

STORY = [
    f"Paragraph {n} of the story tells readers what happened and why it matters."
    for n in range(1, 6)
]


def _cards(site: str, count: int = 4) -> str:
    return "".join(
        f"<div class='card card-{n}'><h3><a href='{site}/story-{n}'>Another story {n}</a></h3>"
        f"<p>A line of summary about the other story number {n}, to tempt readers.</p></div>"
        for n in range(1, count + 1)
    )


def test_a_run_of_teaser_cards_to_the_same_site_is_dropped() -> None:
    body = PARAGRAPHS + f"<div class='grid'>{_cards('https://www.example.org')}</div>"
    assert extract(page(body=body), URL).body_text.split("\n\n") == STORY


def test_a_round_up_of_other_sites_pages_is_kept() -> None:
    body = PARAGRAPHS + f"<div class='grid'>{_cards('https://elsewhere.example.com')}</div>"
    text = extract(page(body=body), URL).body_text.split("\n\n")
    assert text == STORY + [  # the linked headlines too: links to other sites are no menu
        line
        for n in range(1, 5)
        for line in (
            f"Another story {n}",
            f"A line of summary about the other story number {n}, to tempt readers.",
        )
    ]


def test_two_cards_are_no_run() -> None:
    body = PARAGRAPHS + f"<div class='grid'>{_cards('/news', count=2)}</div>"
    text = extract(page(body=body), URL).body_text.split("\n\n")
    assert text == STORY + [
        "A line of summary about the other story number 1, to tempt readers.",
        "A line of summary about the other story number 2, to tempt readers.",
    ]


def _teasers(count: int) -> str:
    return "".join(
        f"<p><a href='/other-{n}'>Another headline, number {n}</a> a few words</p>"
        for n in range(count)
    )


def test_a_related_heading_over_teasers_ends_the_body() -> None:
    body = PARAGRAPHS + "<h2>More from Example News</h2>" + _teasers(4)
    assert extract(page(body=body), URL).body_text.split("\n\n") == STORY


def test_a_related_heading_with_the_story_going_on_is_kept() -> None:
    body = (
        PARAGRAPHS[: len(PARAGRAPHS) // 2]
        + "<h2>More on the budget</h2>"
        + _teasers(2)
        + PARAGRAPHS[len(PARAGRAPHS) // 2 :]
    )
    text = extract(page(body=body), URL).body_text.split("\n\n")
    assert "More on the budget" in text
    assert text[-1] == STORY[-1]


def test_an_author_box_heading_near_the_end_ends_the_body() -> None:
    body = PARAGRAPHS + "<h3>About the author</h3><p>Jane writes about the city.</p>"
    assert extract(page(body=body), URL).body_text.split("\n\n") == STORY


# Body recall: article text that is not made of long paragraphs.


MENU = (
    "<div class='links'>"
    + "".join(f"<a href='/section-{n}'>Section number {n} of the site</a> " for n in range(12))
    + "</div>"
)


def test_a_table_of_short_cells_is_article_text() -> None:
    rows = "".join(f"<tr><td>City {n}</td><td>{n}.5%</td></tr>" for n in range(1, 21))
    html = (
        "<html><head><title>Markets</title></head><body><h1>Markets</h1>"
        "<div class='story'><p>The hottest markets this year, ranked by our study team.</p>"
        f"<table>{rows}</table></div>{MENU}"
        "<div class='note'><p>Each company featured here was selected by our own team.</p>"
        "<p>The companies listed here may pay us when readers click on their links.</p></div>"
        "</body></html>"
    )
    text = extract(html, URL).body_text.split("\n\n")
    assert text == ["The hottest markets this year, ranked by our study team."] + [
        cell for n in range(1, 21) for cell in (f"City {n}", f"{n}.5%")
    ]


def test_definitions_are_article_text() -> None:
    terms = "".join(
        f"<dt>Wine {n}</dt><dd>Still wine from grapes of kind {n}, light or bold.</dd>"
        for n in range(1, 8)
    )
    html = (
        "<html><head><title>Wines</title></head><body><h1>Wines</h1>"
        f"<div class='post'><p>Wines come in five groups, as the list below shows.</p>"
        f"<dl>{terms}</dl></div>{MENU}"
        "<div class='bio'><p>Written by a writer of wine books and a teacher of wine.</p>"
        "<p>She co-founded this site to help people learn about wine.</p></div>"
        "</body></html>"
    )
    text = extract(html, URL).body_text.split("\n\n")
    assert text == ["Wines come in five groups, as the list below shows."] + [
        line
        for n in range(1, 8)
        for line in (f"Wine {n}", f"Still wine from grapes of kind {n}, light or bold.")
    ]


def test_a_header_wrapping_the_article_is_not_dropped_as_boilerplate() -> None:
    story = "".join(
        f"<p>Paragraph {n} of the guide explains one more step of the job, with care.</p>"
        for n in range(1, 21)
    )
    html = (
        "<html><head><title>A guide</title></head><body><div class='wrapper'>"
        f"<header class='section-post'><h1>A guide</h1>{story}</header>"
        "<div class='faq'><p>Is this a question that readers often ask us?</p>"
        "<p>Yes, and here is the answer that we give them.</p></div>"
        "</div></body></html>"
    )
    assert extract(html, URL).body_text.split("\n\n") == [
        f"Paragraph {n} of the guide explains one more step of the job, with care."
        for n in range(1, 21)
    ] + [
        "Is this a question that readers often ask us?",
        "Yes, and here is the answer that we give them.",
    ]
