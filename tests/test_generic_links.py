"""Issue 17, class 2: which link-dense blocks of a generic body are navigation.

A block more than MAX_LINK_DENSITY links is dropped only when most of its link text
(SITE_LINKS) leads within the page's site; links to other sites are the article's
references, a bare URL is text, and a linked heading over prose is a subheading.
"""

from __future__ import annotations

import pytest

from extractors import extract

URL = "https://news.example.org/2025/05/reading-list"
STORY = [
    f"Paragraph {n} of the story tells readers what happened and why it matters."
    for n in range(1, 5)
]


def _body(extra: str) -> list[str]:
    html = (
        "<html><head><title>Reading list</title></head><body><main>"
        "<h1>Reading list</h1><article>"
        + "".join(f"<p>{line}</p>" for line in STORY)
        + extra
        + "</article></main></body></html>"
    )
    return extract(html, URL).body_text.split("\n\n")


def _list(site: str, count: int = 4) -> str:
    return (
        "<ul>"
        + "".join(
            f"<li><a href='{site}/item-{n}'>A linked title, number {n}</a></li>"
            for n in range(1, count + 1)
        )
        + "</ul>"
    )


TITLES = [f"A linked title, number {n}" for n in range(1, 5)]


def test_a_list_of_links_within_the_site_is_navigation() -> None:
    assert _body(_list("https://www.example.org")) == STORY


def test_a_list_of_linked_titles_on_other_sites_is_the_article() -> None:
    assert _body(_list("https://books.example.com")) == STORY + TITLES


@pytest.mark.parametrize(
    ("linked_words", "kept"),
    [(4, True), (12, False)],  # below and above MAX_LINK_DENSITY, links within the site
)
def test_link_density_threshold(linked_words: int, kept: bool) -> None:
    link = " ".join(["word"] * linked_words)
    line = f"Some plain words of text <a href='/x'>{link}</a>"
    assert (_body(f"<p>{line}</p>")[-1] != STORY[-1]) is kept


@pytest.mark.parametrize(
    ("local_words", "other_words", "kept"),
    [(3, 9, True), (9, 3, False)],  # under and over SITE_LINKS of the link text local
)
def test_site_links_threshold(local_words: int, other_words: int, kept: bool) -> None:
    local = " ".join(["home"] * local_words)
    other = " ".join(["away"] * other_words)
    line = f"<p>See <a href='/a'>{local}</a> <a href='https://other.example.net/b'>{other}</a></p>"
    assert (_body(line)[-1] != STORY[-1]) is kept


def test_see_also_references_to_other_sites_are_kept() -> None:
    line = (
        "<p>See also: <a href='https://journal.example.net/paper-2024'>The effect of "
        "bridges on river towns, a study</a></p>"
    )
    assert _body(line) == STORY + ["See also: The effect of bridges on river towns, a study"]


def test_a_long_paragraph_of_linked_book_titles_is_kept() -> None:
    books = ", ".join(
        f"<a href='https://shop.example.com/book-{n}'>Book title number {n}</a>"
        for n in range(1, 9)
    )
    text = ", ".join(f"Book title number {n}" for n in range(1, 9))
    assert _body(f"<p>{books}</p>") == STORY + [text]


def test_a_bare_url_line_is_text_even_within_the_site() -> None:
    url = "https://news.example.org/reports/2025-annual.pdf"
    assert _body(f"<p><a href='{url}'>{url}</a></p>") == STORY + [url]


@pytest.mark.parametrize(
    ("after", "kept"),
    [
        ("This section explains at some length what the second part of the report says now.", True),
        ("Short line after it.", False),  # under PROSE_AFTER_HEADING: no subheading
    ],
)
def test_a_linked_subheading_over_prose_is_kept(after: str, kept: bool) -> None:
    body = _body(f"<h2><a href='/reports/part-2'>The second part</a></h2><p>{after}</p>")
    assert body == STORY + (["The second part"] if kept else []) + [after]
