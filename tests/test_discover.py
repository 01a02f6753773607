"""Discovery against the sample portal over HTTP: where the walk stops, what it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from flows.crawling.client import make_client
from flows.crawling.discover import Archived, discover
from flows.crawling.fetcher import Fetcher
from flows.sources import Source, load_sources
from storage.errors import StorageError

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
SINCE = datetime(2026, 11, 1, tzinfo=HCM)


@pytest.fixture
def source(portal, tmp_path: Path, write_sources: Callable) -> Source:
    """The sample portal's source, as a sources file has it."""
    _, base_url = portal
    return load_sources(write_sources(tmp_path, base_url)).get("sample")


def listing_requests(sample, before: int) -> list[str]:
    return [path for _, _, path, _ in sample.requests[before:]]


def test_walks_every_page_newest_first(portal, source: Source) -> None:
    sample, base_url = portal
    with make_client() as client:
        found = discover(Fetcher(client), source)
    assert [item.url for item in found.items] == [
        base_url + a.path
        for slug in ("tin-tuc-su-kien", "kinh-te", "van-hoa-xa-hoi")
        for a in sample.articles
        if a.category_slug == slug
    ]
    assert [item.published_at for item in found.items[:2]] == [
        a.published_at for a in sample.articles if a.category_slug == "tin-tuc-su-kien"
    ][:2]
    assert found.failures == []
    assert [p.kind for p in found.pages] == ["listing"] * 7  # 3 + 2 + 2 pages of 10


def test_stops_at_since_and_at_a_page_of_known_urls(portal, source: Source) -> None:
    sample, base_url = portal
    news = [a for a in sample.articles if a.category_slug == "tin-tuc-su-kien"]
    with make_client() as client:
        found = discover(Fetcher(client), source, since=SINCE)
        assert {i.url for i in found.items} == {
            base_url + a.path for a in sample.articles if a.published_at >= SINCE
        }
        assert len(found.pages) == 3  # page 1 of each listing reaches past `since`

        known = {base_url + a.path for a in news[:10]}
        mark = len(sample.requests)
        found = discover(Fetcher(client), source, known=known)
        first_pages = listing_requests(sample, mark)
    # The news listing stops after its first page (all known); the others walk on.
    assert sum(p.startswith("/tin-tuc-su-kien") for p in first_pages) == 1
    assert "/tin-tuc-su-kien" in first_pages
    assert not {i.url for i in found.items} & known


def test_a_missing_listing_is_a_failure_and_the_others_go_on(
    portal, tmp_path: Path, write_sources: Callable
) -> None:
    sample, base_url = portal
    path = write_sources(tmp_path, base_url, extra_listing="/khong-ton-tai")
    source = load_sources(path).get("sample")
    with make_client() as client:
        found = discover(Fetcher(client), source, since=datetime(2026, 11, 15, tzinfo=HCM))
    assert [(f.url, f.stage, f.reason, f.last_status) for f in found.failures] == [
        (base_url + "/khong-ton-tai", "discover", "HTTP 404 Not Found", 404)
    ]
    assert [i.url for i in found.items] == [
        base_url + a.path
        for slug in ("tin-tuc-su-kien", "kinh-te", "van-hoa-xa-hoi")
        for a in sample.articles
        if a.category_slug == slug and a.published_at >= datetime(2026, 11, 15, tzinfo=HCM)
    ]


def test_an_unchanged_first_page_costs_one_conditional_request_read_from_the_archive(
    portal, source: Source
) -> None:
    sample, base_url = portal
    with make_client() as client:
        first = discover(Fetcher(client), source, since=SINCE)
        archived = {
            p.url: Archived(first.bodies[p.content_hash].unpacked, p.content_type, (p.etag, None))
            for p in first.pages
            if p.content_hash
        }
        mark = len(sample.requests)
        again = discover(Fetcher(client), source, since=SINCE, archived=archived)
        known = {item.url for item in first.items}
        mark_known = len(sample.requests)
        quiet = discover(Fetcher(client), source, since=SINCE, archived=archived, known=known)
    assert all(a.validators[0].startswith('"') for a in archived.values())
    # The 304s are read from the archive: the same links as before, no body sent again.
    assert [item.url for item in again.items] == [item.url for item in first.items]
    assert again.bodies == {}
    assert [(p.url, p.status, p.content_hash) for p in again.pages] == [
        (url, 304, None) for url in source.listing_urls
    ]
    # (the three listings are walked side by side: their requests come in any order)
    assert sorted((path, status) for _, _, path, status in sample.requests[mark:mark_known]) == [
        (path, 304) for path in ("/kinh-te", "/tin-tuc-su-kien", "/van-hoa-xa-hoi")
    ]
    assert quiet.items == []
    assert len(sample.requests) - mark_known == 3


def test_a_304_whose_body_the_archive_lost_is_fetched_again_whole(portal, source: Source) -> None:
    sample, base_url = portal

    def lost() -> bytes:
        raise StorageError("raw page: cannot open its pack")

    with make_client() as client:
        first = discover(Fetcher(client), source, since=SINCE)
        archived = {p.url: Archived(lost, p.content_type, (p.etag, None)) for p in first.pages}
        mark = len(sample.requests)
        again = discover(Fetcher(client), source, since=SINCE, archived=archived)
    assert [item.url for item in again.items] == [item.url for item in first.items]
    assert again.failures == [] and again.listing_errors == []
    assert sorted((p.url, p.status) for p in again.pages) == sorted(
        [(url, 304) for url in source.listing_urls] + [(url, 200) for url in source.listing_urls]
    )
    assert sorted((path, status) for _, _, path, status in sample.requests[mark:]) == sorted(
        (path, status)
        for path in ("/kinh-te", "/tin-tuc-su-kien", "/van-hoa-xa-hoi")
        for status in (304, 200)
    )


def test_sitemaps_and_feeds_are_listings_and_nesting_is_bounded(portal, source: Source) -> None:
    sample, base_url = portal
    everything = {base_url + a.path for a in sample.articles}
    news = [base_url + a.path for a in sample.articles if a.category_slug == "tin-tuc-su-kien"]
    with make_client() as client:
        sitemap = replace(source, listing_urls=(base_url + "/sitemap.xml",))
        found = discover(Fetcher(client), sitemap)
        recent = discover(Fetcher(client), sitemap, since=SINCE)
        shallow = discover(Fetcher(client), replace(sitemap, max_depth=0))
        feed = discover(
            Fetcher(client), replace(source, listing_urls=(base_url + "/rss/tin-tuc-su-kien",))
        )
    assert {i.url for i in found.items} == everything
    assert len(found.items) == len(everything)
    assert [p.url for p in found.pages] == [base_url + "/sitemap.xml"] + [
        f"{base_url}/sitemap/{slug}.xml"
        for slug in ("tin-tuc-su-kien", "kinh-te", "van-hoa-xa-hoi")
    ]
    # A sitemap is not in date order: every item is weighed against `since`.
    assert {i.url for i in recent.items} == {
        base_url + a.path for a in sample.articles if a.published_at >= SINCE
    }
    assert shallow.items == []
    assert [(f.stage, f.reason) for f in shallow.failures] == [
        ("discover", "sitemap deeper than max_depth (0)")
    ] * 3
    assert [i.url for i in feed.items] == news[:20]


def test_a_front_page_with_nothing_new_is_the_only_listing_asked_for(
    portal, tmp_path: Path, write_sources: Callable
) -> None:
    sample, base_url = portal
    source = replace(load_sources(write_sources(tmp_path, base_url)).get("sample"), front="/")
    assert source.front_url == base_url + "/"
    with make_client() as client:
        mark = len(sample.requests)
        everything = discover(Fetcher(client), source, stop_at_known=False)  # a backfill walks all
        backfill_requests = listing_requests(sample, mark)
        known = {item.url for item in everything.items}
        mark = len(sample.requests)
        quiet = discover(Fetcher(client), source, known=known)
        quiet_requests = listing_requests(sample, mark)
        # One article the warehouse does not hold: the listings are walked, and the
        # links keep the dates their listing gives them.
        newest = base_url + sample.articles[0].path
        mark = len(sample.requests)
        found = discover(Fetcher(client), source, known=known - {newest})
        walked = listing_requests(sample, mark)
    assert "/" not in backfill_requests and len(backfill_requests) == 7
    assert quiet_requests == ["/"]
    assert quiet.items == [] and quiet.failures == []
    assert [(p.url, p.kind, p.status) for p in quiet.pages] == [(base_url + "/", "listing", 200)]
    # The front page first; then the listings, the news one to its second page (its
    # first one had the new article; the second, all known, stops it).
    assert walked[0] == "/" and sorted(walked[1:]) == [
        "/kinh-te",
        "/tin-tuc-su-kien",
        "/tin-tuc-su-kien?p_p_id=101&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view"
        "&_101_delta=10&_101_cur=2",
        "/van-hoa-xa-hoi",
    ]
    assert [(i.url, i.published_at) for i in found.items] == [
        (newest, sample.articles[0].published_at)
    ]
