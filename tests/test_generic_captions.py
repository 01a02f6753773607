"""Issue 17, class 3 and figures: captions leave the body and land in `figures` with their
image; text that only looks like a caption stays in the body."""

from __future__ import annotations

import pytest

from extractors import extract
from extractors.records import Figure

URL = "https://news.example.org/2025/05/bridge"
STORY = [
    f"Paragraph {n} of the story tells readers what happened at the bridge and why."
    for n in range(1, 5)
]
IMG = "https://news.example.org/media/bridge.jpg"


def _read(inside: str) -> tuple[list[str], tuple[Figure, ...]]:
    half = len(STORY) // 2
    html = (
        "<html><head><title>Bridge</title></head><body><main><h1>Bridge</h1><article>"
        + "".join(f"<p>{line}</p>" for line in STORY[:half])
        + inside
        + "".join(f"<p>{line}</p>" for line in STORY[half:])
        + "</article></main></body></html>"
    )
    article = extract(html, URL)
    return article.body_text.split("\n\n"), article.figures


CAPTION = "The new bridge seen from the east bank at dawn"


@pytest.mark.parametrize(
    ("markup", "figure"),
    [
        (  # WordPress caption paragraphs
            f"<div class='wp-caption aligncenter'><img src='{IMG}' alt='Bridge'>"
            f"<p class='wp-caption-text'>{CAPTION}</p></div>",
            Figure(1, IMG, CAPTION, None, "Bridge"),
        ),
        (  # caption and credit <div>s named only by class
            f"<div class='media'><div class='frame'><img src='{IMG}'></div>"
            f"<div class='image-caption'>{CAPTION}</div>"
            "<div class='photo-credit'>Jane Doe</div></div>",
            Figure(1, IMG, CAPTION, "Jane Doe", None),
        ),
        (  # a slideshow repeating its caption short and long
            f"<div class='slide'><img data-src='{IMG}' src='data:image/gif;base64,R0lGOD'>"
            "<div class='caption-short'>The new bridge</div>"
            f"<div class='caption-long'>{CAPTION}</div></div>",
            Figure(1, IMG, CAPTION, None, None),
        ),
        (  # a figcaption beside a <picture>: the image's URL from its sources
            f"<figure><picture><source srcset='{IMG} 1x'><img alt='Bridge'></picture>"
            f"<figcaption>{CAPTION} (Ảnh: Jane Doe)</figcaption></figure>",
            Figure(1, IMG, CAPTION, "Jane Doe", "Bridge"),
        ),
        (  # a figcaption beside a lazy-loaded image
            f"<figure><img class='lazy' data-lazy-src='{IMG}' src='/placeholder.svg'>"
            f"<figcaption>{CAPTION}</figcaption></figure>",
            Figure(1, IMG, CAPTION, None, None),
        ),
    ],
    ids=["wp-caption", "class-named", "slideshow", "picture", "lazy"],
)
def test_a_caption_leaves_the_body_for_its_figure(markup: str, figure: Figure) -> None:
    body, figures = _read(markup)
    assert body == STORY
    assert figures == (figure,)


def test_a_styled_paragraph_after_an_image_is_its_caption() -> None:
    body, figures = _read(f"<p><img src='{IMG}'></p><p><em>{CAPTION}</em></p>")
    assert (body, figures) == (STORY, (Figure(1, IMG, CAPTION, None, None),))


ITALIC = [
    "Editor's note: this story was first published in the spring, and updated since.",
    "It has been read by many of the town's residents, who wrote to us about it.",
]


def test_a_run_of_italic_paragraphs_after_an_image_stays_in_the_body() -> None:
    body, figures = _read(
        f"<p><img src='{IMG}'></p>" + "".join(f"<p><em>{line}</em></p>" for line in ITALIC)
    )
    assert body == [*STORY[:2], *ITALIC, *STORY[2:]]
    assert figures == (Figure(1, IMG, None, None, None),)


def test_a_blockquote_after_an_image_stays_in_the_body() -> None:
    quote = "The bridge changes everything for the villages on the far bank, said the mayor."
    body, figures = _read(
        f"<p><img src='{IMG}'></p><div class='quote'><blockquote>{quote}</blockquote></div>"
    )
    assert body == [*STORY[:2], quote, *STORY[2:]]
    assert figures == (Figure(1, IMG, None, None, None),)


def test_a_long_styled_paragraph_after_an_image_is_body_text() -> None:
    # The other side of MAX_CAPTION.
    long = "A long italic paragraph that reads on and on about the works. " * 8
    body, figures = _read(f"<p><img src='{IMG}'></p><p><em>{long.strip()}</em></p>")
    assert body == [*STORY[:2], long.strip(), *STORY[2:]]
    assert figures == (Figure(1, IMG, None, None, None),)


def test_a_caption_class_beyond_the_image_frame_is_not_its_caption() -> None:
    # The other side of FRAME_LEVELS: a "caption" element four levels up from the image
    # belongs to something else; it stays in the body.
    img = f"<div class='a'><div class='b'><div class='c'><img src='{IMG}'></div></div></div>"
    box = f"<div class='d'>{img}<p class='caption-note'>{CAPTION}</p></div>"
    body, figures = _read(f"<div class='e'>{box}</div>")
    assert figures == (Figure(1, IMG, None, None, None),)
    assert body == [*STORY[:2], CAPTION, *STORY[2:]]


def test_a_caption_class_within_the_image_frame_is_its_caption() -> None:
    img = f"<div class='b'><div class='c'><img src='{IMG}'></div></div>"
    body, figures = _read(f"<div class='d'>{img}<p class='caption-note'>{CAPTION}</p></div>")
    assert figures == (Figure(1, IMG, CAPTION, None, None),)
    assert body == STORY


def test_a_caption_taken_by_a_candidate_passed_over_stays_with_its_figure() -> None:
    # The best candidate is a box whose first block is a related-news heading: it yields
    # no paragraph, but its figure step took the image's caption out of the page. The
    # next candidate (the wrapper) holds the same image; the figure keeps the caption.
    related = [
        f"Long related paragraph {n} that tells another story at length, with many more "
        "words than any line of the story above it has, to weigh more."
        for n in range(1, 5)
    ]
    links = " ".join(f"<a href='/s{n}'>Section {n} of the site</a>" for n in range(1, 13))
    html = (
        "<html><head><title>Bridge</title></head><body><div class='wrapper'>"
        f"<div class='links'>{links}</div><div class='story'>"
        + "".join(f"<p>{line}</p>" for line in STORY[:3])
        + f"</div><div class='box'><figure><img src='{IMG}'><figcaption>{CAPTION}</figcaption>"
        "</figure><h3>Related news</h3>"
        + "".join(f"<p>{line}</p>" for line in related)
        + "</div></div></body></html>"
    )
    article = extract(html, URL)
    # In the wrapper the story goes on past the heading: an inline box, dropped alone.
    assert article.body_text.split("\n\n") == STORY[:3] + related
    assert article.figures == (Figure(1, IMG, CAPTION, None, None),)
