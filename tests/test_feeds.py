"""Sitemaps, sitemap indexes, RSS and Atom as listings; entity refusal; the portal's feeds."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from extractors import ExtractionError, Listing, ListingItem, parse_listing
from extractors.feeds import ENTITIES_REFUSED, looks_like_feed, parse_feed
from sample_portal import PortalConfig, SamplePortal

ICT = timezone(timedelta(hours=7))
JST = timezone(timedelta(hours=9))
SITE = "https://ubnd.donglam.test"


def offsets(listing: Listing) -> list[timedelta | None]:
    """The UTC offsets as written (equality of aware datetimes ignores them)."""
    return [i.published_at.utcoffset() if i.published_at else None for i in listing.items]


# -- sitemaps -------------------------------------------------------------------------------

NEWS_SITEMAP = """<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"
        xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
  <url>
    <loc>https://ubnd.donglam.test/tin-tuc/khai-mac-le-hoi-hoa-ban</loc>
    <lastmod>2026-11-21T09:00:00+07:00</lastmod>
    <news:news>
      <news:publication><news:name>Đồng Lâm</news:name><news:language>vi</news:language>
      </news:publication>
      <news:publication_date>2026-11-20T08:30:00+07:00</news:publication_date>
      <news:title>Khai mạc Lễ hội hoa ban   năm 2026</news:title>
    </news:news>
    <image:image><image:loc>https://cdn.donglam.test/anh/le-hoi.jpg</image:loc></image:image>
  </url>
  <url>
    <loc> /kinh-te/gia-lua-tang </loc>
    <lastmod>2026-11-19</lastmod>
  </url>
  <url>
    <loc>https://ubnd.donglam.test/tin-tuc/khai-mac-le-hoi-hoa-ban</loc>
    <lastmod>2026-11-22T10:00:00Z</lastmod>
  </url>
  <url>
    <loc>https://ubnd.donglam.test/van-hoa/giai-bong-da</loc>
    <lastmod>2026-11-18T01:15:00Z</lastmod>
  </url>
  <url><lastmod>2026-11-18</lastmod></url>
</urlset>
""".encode()


def test_news_sitemap_items_prefer_news_date_and_title() -> None:
    listing = parse_feed(NEWS_SITEMAP, f"{SITE}/sitemap/tin-tuc.xml")
    assert listing == Listing(
        url=f"{SITE}/sitemap/tin-tuc.xml",
        items=(
            ListingItem(
                url=f"{SITE}/tin-tuc/khai-mac-le-hoi-hoa-ban",
                title="Khai mạc Lễ hội hoa ban năm 2026",
                published_at=datetime(2026, 11, 20, 8, 30, tzinfo=ICT),
            ),
            ListingItem(
                url=f"{SITE}/kinh-te/gia-lua-tang",
                title=None,
                published_at=datetime(2026, 11, 19, tzinfo=ICT),
            ),
            ListingItem(
                url=f"{SITE}/van-hoa/giai-bong-da",
                title=None,
                published_at=datetime(2026, 11, 18, 1, 15, tzinfo=UTC),
            ),
        ),
        next_url=None,
        feeds=(),
    )
    assert offsets(listing) == [timedelta(hours=7), timedelta(hours=7), timedelta(0)]


def test_sitemap_without_namespace_and_a_date_only_lastmod_in_the_given_timezone() -> None:
    data = b"""<urlset><url><loc>https://a.test/bai-1</loc><lastmod>2026-11-19</lastmod></url>
    <url><loc>https://a.test/bai-2</loc><lastmod>2026-11-19T07:45:00</lastmod></url></urlset>"""
    listing = parse_feed(data, "https://a.test/sitemap.xml", timezone="Asia/Tokyo")
    assert listing == Listing(
        url="https://a.test/sitemap.xml",
        items=(
            ListingItem("https://a.test/bai-1", None, datetime(2026, 11, 19, tzinfo=JST)),
            ListingItem("https://a.test/bai-2", None, datetime(2026, 11, 19, 7, 45, tzinfo=JST)),
        ),
        next_url=None,
    )
    assert offsets(listing) == [timedelta(hours=9), timedelta(hours=9)]


def test_sitemap_index_lists_child_sitemaps_newest_lastmod_first() -> None:
    data = b"""<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>https://a.test/sitemap/cu.xml</loc><lastmod>2026-10-01</lastmod></sitemap>
  <sitemap><loc>/sitemap/khong-ngay.xml</loc></sitemap>
  <sitemap><loc>https://a.test/sitemap/moi.xml</loc>
    <lastmod>2026-11-20T08:00:00+07:00</lastmod></sitemap>
  <sitemap><loc>https://a.test/sitemap/giua.xml</loc>
    <lastmod>2026-11-20T00:30:00Z</lastmod></sitemap>
  <sitemap><loc>https://a.test/sitemap/cu.xml</loc><lastmod>2026-10-01</lastmod></sitemap>
</sitemapindex>"""
    assert parse_feed(data, "https://a.test/sitemap.xml") == Listing(
        url="https://a.test/sitemap.xml",
        items=(),
        next_url=None,
        feeds=(
            "https://a.test/sitemap/moi.xml",  # 08:00 in Hanoi
            "https://a.test/sitemap/giua.xml",  # 00:30 UTC, 07:30 in Hanoi
            "https://a.test/sitemap/cu.xml",
            "https://a.test/sitemap/khong-ngay.xml",
        ),
    )


def test_sitemap_index_without_lastmods_keeps_document_order() -> None:
    data = b"""<sitemapindex><sitemap><loc>https://a.test/s/b.xml</loc></sitemap>
    <sitemap><loc>https://a.test/s/a.xml</loc></sitemap></sitemapindex>"""
    listing = parse_feed(data, "https://a.test/sitemap.xml")
    assert listing == Listing(
        url="https://a.test/sitemap.xml",
        items=(),
        next_url=None,
        feeds=("https://a.test/s/b.xml", "https://a.test/s/a.xml"),
    )


# -- RSS and Atom ---------------------------------------------------------------------------

RSS = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"
     xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
  <title>Kinh tế - Cổng thông tin điện tử huyện Đồng Lâm</title>
  <link>https://ubnd.donglam.test/kinh-te</link>
  <atom:link href="https://ubnd.donglam.test/rss/kinh-te" rel="self"
             type="application/rss+xml"/>
  <item>
    <title><![CDATA[Giá lúa tăng & nông dân phấn khởi]]></title>
    <link>https://ubnd.donglam.test/kinh-te/gia-lua-tang</link>
    <dc:creator>Hoàng Minh</dc:creator>
    <pubDate>Fri, 20 Nov 2026 08:30:00 +0700</pubDate>
    <content:encoded><![CDATA[<p>Nội dung</p>]]></content:encoded>
  </item>
  <item>
    <title>Hợp tác xã chè Tân Hòa</title>
    <guid isPermaLink="true">/kinh-te/hop-tac-xa-che</guid>
    <pubDate>Thu, 19 Nov 2026 02:00:00 GMT</pubDate>
  </item>
  <item>
    <title>Không có liên kết</title>
    <guid isPermaLink="false">tin-12345</guid>
  </item>
  <item>
    <title>Chợ phiên cuối tuần</title>
    <link>kinh-te/cho-phien</link>
    <guid>https://ubnd.donglam.test/kinh-te/cho-phien-guid</guid>
    <pubDate>18/11/2026 15:20</pubDate>
  </item>
  <item>
    <title>Giá lúa tăng (bản trùng)</title>
    <link>https://ubnd.donglam.test/kinh-te/gia-lua-tang</link>
  </item>
  <item><guid>https://ubnd.donglam.test/kinh-te/chi-guid</guid></item>
</channel>
</rss>
""".encode()


def test_rss_items_with_extra_namespaces() -> None:
    listing = parse_feed(RSS, f"{SITE}/rss/kinh-te")
    assert listing == Listing(
        url=f"{SITE}/rss/kinh-te",
        items=(
            ListingItem(
                url=f"{SITE}/kinh-te/gia-lua-tang",
                title="Giá lúa tăng & nông dân phấn khởi",
                published_at=datetime(2026, 11, 20, 8, 30, tzinfo=ICT),
            ),
            ListingItem(
                url=f"{SITE}/kinh-te/hop-tac-xa-che",
                title="Hợp tác xã chè Tân Hòa",
                published_at=datetime(2026, 11, 19, 2, 0, tzinfo=UTC),
            ),
            ListingItem(
                url=f"{SITE}/rss/kinh-te/cho-phien",
                title="Chợ phiên cuối tuần",
                published_at=datetime(2026, 11, 18, 15, 20, tzinfo=ICT),
            ),
            ListingItem(url=f"{SITE}/kinh-te/chi-guid", title=None, published_at=None),
        ),
        next_url=None,
    )
    assert offsets(listing) == [timedelta(hours=7), timedelta(0), timedelta(hours=7), None]


ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://ubnd.donglam.test/">
  <title>Văn hóa - Xã hội</title>
  <link rel="self" href="https://ubnd.donglam.test/atom/van-hoa"/>
  <updated>2026-11-20T10:00:00+07:00</updated>
  <entry>
    <title type="html">Giải bóng đá &lt;b&gt;thiếu niên&lt;/b&gt; &amp;amp; nhi đồng</title>
    <link rel="enclosure" href="/anh/bong-da.jpg"/>
    <link rel="alternate" type="text/html" href="van-hoa/giai-bong-da"/>
    <id>tag:donglam.test,2026:1</id>
    <published>2026-11-20T09:00:00+07:00</published>
    <updated>2026-11-21T09:00:00+07:00</updated>
  </entry>
  <entry>
    <title>Ngày hội đại đoàn kết</title>
    <link href="https://ubnd.donglam.test/van-hoa/ngay-hoi"/>
    <updated>2026-11-19T14:00:00</updated>
  </entry>
  <entry>
    <title>Chỉ có ảnh</title>
    <link rel="enclosure" href="https://ubnd.donglam.test/anh/anh.jpg"/>
  </entry>
  <entry><title>Không liên kết</title></entry>
</feed>
""".encode()


def test_atom_entries() -> None:
    listing = parse_feed(ATOM, f"{SITE}/atom/van-hoa")
    assert listing == Listing(
        url=f"{SITE}/atom/van-hoa",
        items=(
            ListingItem(
                url=f"{SITE}/van-hoa/giai-bong-da",
                title="Giải bóng đá thiếu niên & nhi đồng",
                published_at=datetime(2026, 11, 20, 9, 0, tzinfo=ICT),
            ),
            ListingItem(
                url=f"{SITE}/van-hoa/ngay-hoi",
                title="Ngày hội đại đoàn kết",
                published_at=datetime(2026, 11, 19, 14, 0, tzinfo=ICT),
            ),
            ListingItem(url=f"{SITE}/anh/anh.jpg", title="Chỉ có ảnh", published_at=None),
        ),
        next_url=None,
    )


# -- refused documents ----------------------------------------------------------------------


def billion_laughs() -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rss [\n' + "\n".join(entities) + "\n]>\n"
        "<rss><channel><item><title>&lol9;</title><link>https://a.test/x</link></item>"
        "</channel></rss>"
    ).encode()


def external_entity(secret: Path, encoding: str = "utf-8") -> bytes:
    return (
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        f'<!DOCTYPE urlset [<!ENTITY xxe SYSTEM "{secret.as_uri()}">]>\n'
        "<urlset><url><loc>https://a.test/&xxe;</loc></url></urlset>"
    ).encode(encoding)


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text("MAT-KHAU-BI-MAT-42")
    return path


def test_billion_laughs_is_refused() -> None:
    with pytest.raises(ExtractionError) as raised:
        parse_feed(billion_laughs(), "https://a.test/rss")
    assert (raised.value.url, raised.value.reason) == ("https://a.test/rss", ENTITIES_REFUSED)
    assert ENTITIES_REFUSED == "feed declares XML entities (not expanded)"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32"])
def test_external_entities_are_refused_unread(secret: Path, encoding: str) -> None:
    # UTF-8 and UTF-16 are refused before parsing, UTF-32 once the DTD is read (unexpanded).
    with pytest.raises(ExtractionError) as raised:
        parse_feed(external_entity(secret, encoding), "https://a.test/sitemap.xml")
    assert raised.value.reason == ENTITIES_REFUSED
    assert "MAT-KHAU" not in str(raised.value)


def test_parameter_entities_are_refused(secret: Path) -> None:
    data = (
        f'<!DOCTYPE rss [<!ENTITY % p SYSTEM "{secret.as_uri()}"> %p;]><rss><channel/></rss>'
    ).encode()
    with pytest.raises(ExtractionError) as raised:
        parse_feed(data, "https://a.test/rss")
    assert raised.value.reason == ENTITIES_REFUSED


def test_a_doctype_without_entities_is_read() -> None:
    data = (
        b'<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN"'
        b' "http://my.netscape.com/publish/formats/rss-0.91.dtd">'
        b"<rss><channel><item><link>https://a.test/x</link></item></channel></rss>"
    )
    assert parse_feed(data, "https://a.test/rss") == Listing(
        url="https://a.test/rss",
        items=(ListingItem("https://a.test/x", None, None),),
        next_url=None,
    )


@pytest.mark.parametrize(
    "data",
    [b"<rss><channel><item></channel></rss>", b"", b"<rss>&nbsp;</rss>", b"<urlset>"],
)
def test_malformed_xml_is_an_extraction_error(data: bytes) -> None:
    with pytest.raises(ExtractionError) as raised:
        parse_feed(data, "https://a.test/rss")
    assert raised.value.reason.startswith("not a well-formed feed: ")


def test_another_root_is_named() -> None:
    data = b'<html xmlns="http://www.w3.org/1999/xhtml"><body/></html>'
    with pytest.raises(ExtractionError) as raised:
        parse_feed(data, "https://a.test/x")
    assert raised.value.reason == "not a sitemap, RSS or Atom feed: root element <html>"


# -- sniffing -------------------------------------------------------------------------------

XHTML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"'
    b' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
    b'<html xmlns="http://www.w3.org/1999/xhtml"><head><title>x</title></head></html>'
)


@pytest.mark.parametrize(
    ("data", "content_type", "expected"),
    [
        (b"<!DOCTYPE html><html><body><rss></rss></body></html>", "text/html", False),
        (b"<html><body>Tin tuc</body></html>", None, False),
        (XHTML, "application/xhtml+xml", False),
        (XHTML, "application/xml", False),
        (XHTML, "text/xml; charset=UTF-8", False),
        (b"<rss version='2.0'><channel/></rss>", "text/html; charset=UTF-8", True),
        (b"  \n<feed xmlns='http://www.w3.org/2005/Atom'/>", None, True),
        (b"<feedback/>", None, False),
        (b"<sitemapindex>", "text/plain", True),
        (b"<ns0:urlset xmlns:ns0='http://www.sitemaps.org/schemas/sitemap/0.9'/>", None, True),
        (
            b'\xef\xbb\xbf<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<?xml-stylesheet type="text/xsl" href="/sitemap.xsl"?>\n'
            b"<!-- generated <by> the portal -->\n<urlset>",
            None,
            True,
        ),
        ("<?xml version='1.0'?><rss/>".encode("utf-16"), None, True),
        (b"<?xml version='1.0'?><rdf:RDF/>", "application/rss+xml", True),
        (b"<?xml version='1.0'?><data/>", "application/xml", True),
        (b"<?xml version='1.0'?><data/>", "text/html", False),
        (b"<!--" + b"x" * 3000 + b"--><urlset/>", None, False),  # root beyond the sniff
        (b"<!--" + b"x" * 3000 + b"--><urlset/>", "Text/XML", True),
        (b"", None, False),
    ],
)
def test_looks_like_feed(data: bytes, content_type: str | None, expected: bool) -> None:
    assert looks_like_feed(data, content_type) is expected


def test_parse_listing_reads_feed_bytes_as_a_feed() -> None:
    url = f"{SITE}/rss/kinh-te"
    assert parse_listing(RSS, url) == parse_feed(RSS, url)
    assert parse_listing(NEWS_SITEMAP, url, content_type="application/xml") == parse_feed(
        NEWS_SITEMAP, url
    )


# -- the sample portal's feeds over HTTP ----------------------------------------------------


@pytest.fixture(scope="module")
def sample() -> SamplePortal:
    return SamplePortal(PortalConfig(count=30, end=date(2026, 11, 20)))


@pytest.fixture(scope="module")
def served(sample: SamplePortal) -> Iterator[tuple[str, httpx.Client]]:
    with sample.serve() as base_url, httpx.Client(base_url=base_url, timeout=10) as http:
        yield base_url, http


def expected_items(sample: SamplePortal, base_url: str, slug: str) -> tuple[ListingItem, ...]:
    return tuple(
        ListingItem(base_url + a.path, a.title, a.published_at)
        for a in (sample.article(i) for i in sample.category_indices(slug))
    )


def test_portal_sitemap_index(sample: SamplePortal, served: tuple[str, httpx.Client]) -> None:
    base_url, http = served
    response = http.get("/sitemap.xml")
    assert (response.status_code, response.headers["content-type"]) == (
        200,
        "application/xml; charset=UTF-8",
    )
    newest_first = sorted(
        sample.categories,
        key=lambda c: sample.article(sample.category_indices(c.slug)[0]).published_at,
        reverse=True,
    )
    index = parse_feed(response.content, f"{base_url}/sitemap.xml")
    assert index == Listing(
        url=f"{base_url}/sitemap.xml",
        items=(),
        next_url=None,
        feeds=tuple(f"{base_url}/sitemap/{c.slug}.xml" for c in newest_first),
    )
    assert len(index.feeds) == 3
    assert (
        parse_listing(response.content, index.url, content_type=response.headers["content-type"])
        == index
    )


def test_portal_category_sitemaps(sample: SamplePortal, served: tuple[str, httpx.Client]) -> None:
    base_url, http = served
    missing = sample.article(13)
    assert missing.missing
    for category in sample.categories:
        url = f"{base_url}/sitemap/{category.slug}.xml"
        response = http.get(url)
        assert response.headers["content-type"] == "application/xml; charset=UTF-8"
        listing = parse_feed(response.content, url)
        assert listing == Listing(
            url=url, items=expected_items(sample, base_url, category.slug), next_url=None
        )
        assert set(offsets(listing)) == {timedelta(hours=7)}
        assert (
            parse_listing(response.content, url, content_type=response.headers["content-type"])
            == listing
        )
        if category.slug == missing.category_slug:  # listed although its page is a 404
            assert base_url + missing.path in {item.url for item in listing.items}


def test_portal_rss(sample: SamplePortal, served: tuple[str, httpx.Client]) -> None:
    base_url, http = served
    for category in sample.categories:
        url = f"{base_url}/rss/{category.slug}"
        response = http.get(url)
        assert response.headers["content-type"] == "application/rss+xml; charset=UTF-8"
        expected = expected_items(sample, base_url, category.slug)
        assert 0 < len(expected) <= 20
        assert parse_feed(response.content, url) == Listing(url=url, items=expected, next_url=None)


def test_portal_unknown_feed_is_not_found(served: tuple[str, httpx.Client]) -> None:
    _, http = served
    assert http.get("/sitemap/khong-co.xml").status_code == 404
    assert http.get("/rss/khong-co").status_code == 404
