"""The sample portal's revisions: revision 2 is the same portal with one article edited
(title and a paragraph) and another re-dated, at the same URLs; revision 1, the default,
serves what it always served, and a portal flips between them while it serves."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import httpx
import pytest

from bulletin.cli.parser import build_parser as bulletin_parser
from sample_portal import PortalConfig, SamplePortal
from sample_portal.revisions import ADDED_SENTENCE, EDITED, REDATED, TITLE_EDIT
from sample_portal.server import build_parser, config_from_args

END = date(2026, 11, 20)


def test_revision_2_edits_one_article_and_redates_another_and_nothing_else() -> None:
    portal = SamplePortal(PortalConfig(end=END))
    assert portal.revision == 1
    before = portal.articles
    portal.revision = 2
    after = portal.articles
    edited, redated = before[EDITED], before[REDATED]
    paragraphs = list(edited.paragraphs)
    paragraphs[1] += " " + ADDED_SENTENCE
    assert after[EDITED] == replace(
        edited, title=edited.title + TITLE_EDIT, paragraphs=tuple(paragraphs)
    )
    assert after[REDATED] == replace(redated, published_at=redated.published_at - timedelta(days=1))
    others = [i for i in range(len(before)) if i not in (EDITED, REDATED)]
    assert [after[i] for i in others] == [before[i] for i in others]
    assert portal.article(EDITED) == after[EDITED]
    portal.revision = 1
    assert portal.articles == before


def test_the_edited_pages_are_served_at_the_same_urls_and_flip_back() -> None:
    portal = SamplePortal(PortalConfig(end=END))
    edited, redated = portal.article(EDITED), portal.article(REDATED)
    targets = [edited.path, redated.path, f"/{redated.category_slug}", "/"]
    with portal.serve() as base_url, httpx.Client(base_url=base_url) as http:
        first = [http.get(t) for t in targets]
        portal.revision = 2
        second = [http.get(t) for t in targets]
        portal.revision = 1
        third = [http.get(t) for t in targets]
    assert [r.status_code for r in first + second] == [200] * 8
    assert [r.content for r in third] == [r.content for r in first]
    assert all(a.content != b.content for a, b in zip(first, second, strict=True))
    assert edited.title + TITLE_EDIT in second[0].text and ADDED_SENTENCE in second[0].text
    assert ADDED_SENTENCE not in first[0].text
    moved = redated.published_at - timedelta(days=1)
    assert f"{moved:%d-%m-%Y %H:%M}" in second[1].text  # the article page's date
    assert f"Ngày đăng {moved:%d/%m/%Y}" in second[2].text  # the listing's


def test_a_revision_the_portal_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match="revision must be one of 1, 2, got 3"):
        PortalConfig(revision=3)
    portal = SamplePortal(PortalConfig(count=5, end=END, revision=2))
    assert portal.revision == 2
    with pytest.raises(ValueError, match="got 0"):
        portal.revision = 0
    assert portal.revision == 2


def test_both_command_lines_serve_a_revision() -> None:
    assert config_from_args(build_parser().parse_args(["--revision", "2"])).revision == 2
    assert config_from_args(build_parser().parse_args([])).revision == 1
    args = bulletin_parser().parse_args(["sample-portal", "--revision", "2"])
    assert args.revision == 2
