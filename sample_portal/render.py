"""Liferay 6.2 markup of the sample portal's pages: home, listing, article, not found.

The class names and nesting are those of real Liferay 6.2 government portals (Asset
Publisher portlet 101, polls portlet 59, site map portlet 85, the ``taglib-page-iterator``
pager); the text, scripts and styles are this project's own. Pure functions: records in,
one ``str`` of HTML out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape
from urllib.parse import quote

from sample_portal import district, urls
from sample_portal.model import Category, SampleArticle, SampleFigure
from sample_portal.text import fmt_article_date, fmt_listing_date, shorten

THEME = "/donglam-theme"
POLL_ID = "59_INSTANCE_Pq8sLm3VnR2d"
LINKS_ID = "2_WAR_portallienketportlet_INSTANCE_Wz5tHc1QaK7e"
SITE_MAP_ID = "85_INSTANCE_Rm2kXb9DsF4g"
WEBLINKS = (
    ("https://chinhphu.vn", "Cổng thông tin điện tử Chính phủ"),
    ("https://thainguyen.gov.vn", "Cổng thông tin điện tử tỉnh Thái Nguyên"),
    ("https://baothainguyen.vn", "Báo Thái Nguyên điện tử"),
)
POLL_QUESTION = "Bạn quan tâm nhất đến nội dung nào trên Cổng thông tin điện tử huyện?"
POLL_CHOICES = ("Tin tức - Sự kiện", "Chính sách, pháp luật", "Thủ tục hành chính")
SUMMARY_CHARS = 200
DESCRIPTION_CHARS = 160


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)


# -- the page frame --------------------------------------------------------------------


def _head(title: str, canonical: str, description: str, keywords: str, plid: int) -> str:
    portal_url = canonical.split("/", 3)
    base = "/".join(portal_url[:3])
    return (
        "<head>\n"
        f"<title>{_text(title)}</title>\n"
        '<meta content="text/html; charset=utf-8" http-equiv="content-type"/>\n'
        f'<meta content="{_attr(description)}" lang="vi-VN" name="description"/>\n'
        f'<meta content="{_attr(keywords)}" lang="vi-VN" name="keywords"/>\n'
        f'<link href="{THEME}/images/favicon.ico" rel="Shortcut Icon"/>\n'
        f'<link href="{_attr(canonical)}" rel="canonical"/>\n'
        f'<link class="lfr-css-file" href="{THEME}/css/main.css?browserId=other&amp;'
        'themeId=donglam_WAR_donglamtheme&amp;languageId=vi_VN&amp;b=6205" '
        'rel="stylesheet" type="text/css"/>\n'
        '<link href="/html/portlet/asset_publisher/css/main.css?browserId=other&amp;'
        'languageId=vi_VN&amp;b=6205" rel="stylesheet" type="text/css"/>\n'
        '<script type="text/javascript">var Liferay={Browser:{},ThemeDisplay:{'
        'getCompanyId:function(){return"10154"},'
        f'getPlid:function(){{return"{plid}"}},'
        f'getPortalURL:function(){{return"{base}"}},'
        'getLanguageId:function(){return"vi_VN"}}};'
        "var themeDisplay=Liferay.ThemeDisplay;</script>\n"
        '<style type="text/css">#p_p_id_101_ .asset-full-content{font-family:Arial;'
        "text-align:justify}.footleft h3{text-transform:uppercase}</style>\n"
        "</head>\n"
    )


def _navigation(current: str | None) -> str:
    items = [("/", "Trang chủ", current is None)]
    items += [(c.path, c.name, c.slug == current) for c in district.CATEGORIES]
    lis = "".join(
        f'<li class="{"selected" if selected else ""}"> <a href="{href}">{_text(name)}</a> </li>'
        for href, name, selected in items
    )
    return (
        '<nav id="navigation" role="navigation"> <div id="menu"> <div class="center clearfix">'
        f' <ul class="navi"> {lis} </ul> <div class="nav-search"> <input class="txtTimKiem"'
        ' id="txtTimKiem" name="search" type="text" value="Nhập từ khóa tìm kiếm"/> </div>'
        " </div> </div> </nav>\n"
    )


def _portlet(portlet_id: str, css: str, title: str, body: str) -> str:
    boundary = portlet_id.split("_INSTANCE_")[0]
    return (
        f'<div class="portlet-boundary portlet-boundary_{boundary}_ portlet-static '
        f'portlet-static-end {css}" id="p_p_id_{portlet_id}_">'
        f' <span id="p_{portlet_id}"></span> <section class="portlet" id="portlet_{portlet_id}">'
        ' <header class="portlet-topper"> <h1 class="portlet-title">'
        f' <span class="portlet-title-text">{_text(title)}</span> </h1> </header>'
        ' <div class="portlet-content"> <div class="portlet-content-container" style="">'
        f' <div class="portlet-body">\n{body}\n</div> </div> </div> </section> </div>\n'
    )


def _right_column(current: str | None) -> str:
    current_attr = ' class="current"'
    site_map = (
        "<ul>"
        + "".join(
            f'<li><a{current_attr if c.slug == current else ""} href="{c.path}">'
            f" {_text(c.name)}</a></li>"
            for c in district.CATEGORIES
        )
        + "</ul>"
    )
    ns = f"_{POLL_ID}_"
    choices = "".join(
        f'<label class="radio" for="{ns}choice{k}"> <input class="field" id="{ns}choice{k}"'
        f' name="{ns}choiceId" type="radio" value="{41208 + k}"/>'
        f" <strong>{'abc'[k]}.</strong> {_text(choice)} </label>"
        for k, choice in enumerate(POLL_CHOICES)
    )
    poll = (
        f'<form action="/?p_p_id={POLL_ID}&amp;p_p_lifecycle=1&amp;p_p_state=normal"'
        f' class="form" id="{ns}fm" method="post" name="{ns}fm">'
        f' <input name="{ns}questionId" type="hidden" value="41207"/> {_text(POLL_QUESTION)}'
        f' <fieldset class="fieldset"> <div class="control-group field-wrapper"> {choices}'
        ' </div> <button class="btn btn-primary" type="submit"> Bình chọn </button>'
        ' <button class="btn" type="button"> Kết quả </button> </fieldset> </form>'
    )
    options = "".join(f'<option value="{href}"> {_text(name)} </option>' for href, name in WEBLINKS)
    links = (
        '<div class="weblink-client-wrapper"> <select class="aui-field-select"'
        f' id="_{LINKS_ID}_selectWeblink" onchange="openSelectedWeblink(this.value);">'
        f' <option value="#"> Chọn liên kết </option> {options} </select> </div>'
    )
    return (
        '<div class="portlet-column portlet-column-last span3" id="column-2">'
        ' <div class="portlet-dropzone portlet-column-content portlet-column-content-last"'
        ' id="layout-column_column-2">\n'
        + _portlet(SITE_MAP_ID, "portlet-site-map", "Chuyên mục", site_map)
        + _portlet(POLL_ID, "portlet-polls-display", "THĂM DÒ Ý KIẾN", poll)
        + _portlet(LINKS_ID, "weblink-client-portlet", "Liên kết website", links)
        + "</div> </div>\n"
    )


def _footer() -> str:
    lines = "".join(f"<p>{_text(line)}</p>" for line in district.footer_lines())
    return (
        '<div class="footer-wrapper"> <div class="clearfix" id="footer"> <p class="vetrang">'
        '<a href="#">| Về đầu trang |</a><a href="/c/portal/login"> Đăng nhập |</a></p>'
        f' <div class="footleft"> <h3>{_text(district.SITE_NAME.upper())}</h3> {lines}'
        " </div> </div> </div>\n"
    )


def _breadcrumb(label: str) -> str:
    return (
        '<div class="portlet-boundary portlet-boundary_ddlk_WAR_pointportalddlkportlet_ '
        'portlet-static portlet-static-end portlet-borderless ddlk-portlet" '
        'id="p_p_id_ddlk_WAR_pointportalddlkportlet_INSTANCE_Tb6pYw2NcE8h_">'
        ' <div class="portlet-borderless-container" style=""> <div class="portlet-body">'
        ' <div class="dd_chuyenmuc"> <span class="trangchu"><a href="/">Trang chủ</a></span>'
        f' <span class="tintuc"><p>{_text(label)}</p></span> </div> </div> </div> </div>\n'
    )


def _page(
    *,
    title: str,
    canonical: str,
    description: str,
    keywords: str,
    current: str | None,
    main: str,
    plid: int,
) -> str:
    return (
        '<!DOCTYPE html>\n<html class="aui ltr" dir="ltr" lang="vi-VN">\n'
        + _head(title, canonical, description, keywords, plid)
        + '<body class="yui3-skin-sam controls-visible signed-out public-page site">\n'
        '<a href="#main-content" id="skip-to-content">Truy cập nội dung luôn</a>\n'
        '<div class="body">\n<div id="header"> <div class="banner"> <a class="logo" href="/"'
        f' title="{_attr(district.SITE_NAME)}"><img alt="{_attr(district.SITE_NAME)}"'
        f' src="{THEME}/images/banner.png"/></a> <div class="egov_date">'
        ' <div id="point_portal_egov_date"></div> </div> </div> </div>\n'
        + _navigation(current)
        + '<div id="main">\n<div class="donglam" id="main-content" role="main">\n'
        '<div class="portlet-layout row-fluid">\n'
        '<div class="portlet-column portlet-column-first span9" id="column-1">\n'
        '<div class="portlet-dropzone portlet-column-content portlet-column-content-first"'
        ' id="layout-column_column-1">\n'
        + main
        + "</div>\n</div>\n"
        + _right_column(current)
        + "</div>\n</div>\n</div>\n"
        + _footer()
        + "</div>\n"
        '<script type="text/javascript">function openSelectedWeblink(a){if(a!="#")'
        '{window.open(a,"_blank")}}</script>\n'
        "</body>\n</html>\n"
    )


def _asset_publisher(body: str) -> str:
    return (
        '<div class="portlet-boundary portlet-boundary_101_ portlet-static portlet-static-end'
        ' portlet-borderless portlet-asset-publisher" id="p_p_id_101_">\n<span id="p_101"></span>'
        '\n<div class="portlet-borderless-container" style="">\n<div class="portlet-body">\n'
        f"{body}</div>\n</div>\n</div>\n"
    )


# -- article page ----------------------------------------------------------------------


def _figure(figure: SampleFigure) -> str:
    src = _attr(figure.path)
    caption = _text(figure.caption_text)
    if figure.style == "centred":
        return (
            f'<p style="text-align: center;"><img alt="" src="{src}"'
            ' style="width: 600px; height: 400px;"/></p>\n'
            f'<p style="text-align: center;"><em>{caption}</em></p>\n'
        )
    if figure.style == "table":
        return (
            '<table align="center" border="0" cellpadding="1" cellspacing="1"'
            ' class="image-table" style="width: 600px;"><tbody>\n'
            f'<tr><td><img alt="" src="{src}" style="width: 600px; height: 400px;"/></td></tr>\n'
            '<tr><td style="text-align: center;"><span style="font-size:12px;">'
            f"<em>{caption}</em></span></td></tr>\n</tbody></table>\n"
        )
    return (
        f'<figure class="image"><img alt="{_attr(figure.caption)}" height="400" src="{src}"'
        f' width="600"/><figcaption>{caption}</figcaption></figure>\n'
    )


def _body(article: SampleArticle) -> str:
    """The journal article: figure 1 before the first paragraph, figure k after paragraph
    k-1, then the byline."""
    parts: list[str] = []
    figures = list(article.figures)
    if figures:
        parts.append(_figure(figures.pop(0)))
    for paragraph in article.paragraphs:
        parts.append(f'<p style="text-align: justify;">{_text(paragraph)}</p>\n')
        if figures:
            parts.append(_figure(figures.pop(0)))
    parts.extend(_figure(f) for f in figures)
    parts.append(f'<p style="text-align: right;"><strong>{_text(article.byline)}</strong></p>\n')
    return "".join(parts)


def article_page(article: SampleArticle, canonical: str, related: Sequence[SampleArticle]) -> str:
    """The full page of an article, canonical being its absolute URL."""
    related_items = "".join(
        f'<li><a href="{_attr(r.path)}">{_text(r.title)}</a></li>' for r in related
    )
    mail = f"mailto:?subject={quote(article.title)}&amp;body={quote(canonical, safe='')}"
    content = (
        "<div>\n"
        f'<div class="asset-full-content-title">{_text(article.title)}</div>\n'
        '<div class="assetPublishDate block_timer">\n\t\t\t'
        f"{fmt_article_date(article.published_at)}\n</div>\n"
        '<div class="asset-full-content show-asset-title">\n'
        f'<div class="asset-content" id="_101_{article.article_id}">\n'
        '<div class="sapo-wrapper clearfix">\n'
        f'<p class="sapo"><strong>{_text(article.lead)}</strong></p>\n</div>\n'
        '<div class="journal-content-article">\n' + _body(article) + "</div> </div> </div>\n"
        '<div class="asset-control-detail"> <span class="print-action"> <a class="taglib-icon"'
        ' href="javascript:_101_printPage_0();" id="_101_printAsset"> <img alt=""'
        f' src="{THEME}/images/spacer.png"/> <span class="taglib-text">Print</span> </a> </span>'
        f' <span class="mailto-action"> <a class="taglib-icon" href="{mail}" id="_101_mailAsset">'
        ' <span class="taglib-text">Send email</span> </a> </span> </div>\n'
        '<div class="related_asset"> <div class="related_asset_title">Tin liên quan</div>'
        f' <ul class="related_asset_list">{related_items}</ul> </div>\n'
        "</div>\n"
    )
    return _page(
        title=f"{article.title} - {article.category_name} - {district.SITE_NAME}",
        canonical=canonical,
        description=shorten(article.lead, DESCRIPTION_CHARS),
        keywords=f"{article.category_name.lower()}, {district.DISTRICT.lower()}",
        current=article.category_slug,
        main=_breadcrumb(article.category_name) + _asset_publisher(content),
        plid=article.article_id,
    )


def truncated(page: str) -> str:
    """A page cut inside ``<head>``, before its title: what a broken upstream returns."""
    return page[: page.index("<title>")]


# -- listing page ----------------------------------------------------------------------


def _listing_item(article: SampleArticle) -> str:
    path = _attr(article.path)
    image = ""
    if article.article_id % 10 < 7:  # most articles carry a small image, as on real portals
        uploaded_ms = int(article.published_at.timestamp()) * 1000
        thumb = _attr(urls.journal_image_path(article.article_id - 1, uploaded_ms))
        image = f'<div class="asset-image"> <a href="{path}"><img alt="" src="{thumb}"/></a> </div>'
    return (
        '<div class="asset-bounddary">\n<div class="asset-abstract ">\n'
        f'<div class="asset-content normal-news">\n{image}\n'
        '<div class="asset-content-custom" style="margin-left: 0">\n'
        f'<h3 class="asset-title"> <a href="{path}">{_text(article.title)}</a> </h3>\n'
        '<div class="assetPublishDate block_timer">\n'
        f"Ngày đăng {fmt_listing_date(article.published_at)}\n</div>\n"
        f'<div class="asset-summary">\n{_text(shorten(article.lead, SUMMARY_CHARS))}\n</div>\n'
        '</div>\n</div>\n<div class="asset-metadata"> </div>\n</div>\n</div>\n'
    )


def _pager_link(label: str, css: str, href: str | None) -> str:
    if href is None:
        return (
            f'<li class="disabled{css}"> <a href="javascript:;" target="_self"> {label} </a> </li>'
        )
    return f'<li class="{css}"> <a href="{_attr(href)}" target="_self"> {label} </a> </li>'


def _pager(category: Category, page: int, delta: int, total: int, shown: int) -> str:
    pages = -(-total // delta)

    def link(n: int) -> str:
        return urls.listing_path(category, n, delta)

    menu = "".join(
        f'<li class="custom-paging" role="presentation"> <a class=" taglib-icon"'
        f' href="{_attr(link(n))}" id="_101_pageMenu_{n}" role="menuitem">'
        f' <span class="taglib-text-icon">{n}</span> </a> </li>'
        for n in range(1, pages + 1)
    )
    if shown:
        start = (page - 1) * delta + 1
        results = (
            f'<small class="search-results"> Hiển thị {start} - {start + shown - 1}'
            f" of {total} kết quả. </small>"
        )
    else:
        results = ""
    buttons = (
        _pager_link("&larr; Đầu tiên", " first", link(1) if page > 1 else None)
        + _pager_link("Trước", "", link(min(page - 1, pages)) if page > 1 else None)
        + _pager_link("Tiếp", "", link(page + 1) if page < pages else None)
        + _pager_link("Cuối cùng &rarr;", " last", link(pages) if page < pages else None)
    )
    return (
        '<div class="taglib-page-iterator" id="_101_ocerSearchContainerPageIterator">'
        ' <div class="clearfix lfr-pagination"> <div class="lfr-pagination-config">'
        ' <div class="lfr-pagination-page-selector"> <div class="btn-group lfr-icon-menu'
        ' current-page-menu custom-paging"><a class="dropdown-toggle direction-down'
        f' max-display-items-15 btn" href="javascript:;" id="_101_pageMenu" title=" {page} ">'
        f'<span class="lfr-icon-menu-text"> {page} </span><i class="caret"></i> </a>'
        f'<ul class="dropdown-menu lfr-menu-list direction-down"> {menu} </ul></div> </div>'
        ' <div class="lfr-pagination-delta-selector"> <div style="margin-right: 5px"> Trang'
        f" </div> </div> </div> {results}"
        f' <ul class="pager lfr-pagination-buttons"> {buttons} </ul> </div> </div>\n'
    )


def listing_page(
    category: Category,
    items: Sequence[SampleArticle],
    *,
    page: int,
    delta: int,
    total: int,
    canonical: str,
) -> str:
    """Page ``page`` of a category listing; ``items`` may be empty (page out of range)."""
    body = ['<div class="subscribe-action"> </div>\n']
    body.extend(_listing_item(a) for a in items)
    if not items:
        body.append('<div class="alert alert-info"> Không có kết quả nào. </div>\n')
    if total > delta:
        body.append(_pager(category, page, delta, total, len(items)))
    return _page(
        title=f"{category.name} - {district.SITE_NAME}",
        canonical=canonical,
        description=f"{category.name} - {district.SITE_NAME}",
        keywords=f"{category.name.lower()}, {district.DISTRICT.lower()}",
        current=category.slug,
        main=_breadcrumb(category.name) + _asset_publisher("".join(body)),
        plid=10_300 + district.CATEGORIES.index(category),
    )


# -- home and not found ----------------------------------------------------------------


def home_page(boxes: Iterable[tuple[Category, Sequence[SampleArticle]]], canonical: str) -> str:
    """The home page: the newest titles of each category, in Liferay's title-list style."""
    main = []
    for category, articles in boxes:
        items = "".join(
            f'<li class="title-list"> <a href="{_attr(a.path)}">{_text(a.title)}</a>'
            f' <span class="date">({a.published_at:%d/%m/%Y})</span> </li>'
            for a in articles
        )
        body = (
            f'<ul class="title-list">{items}</ul>\n'
            f'<div class="asset-more"> <a href="{category.path}">Xem tiếp »</a> </div>'
        )
        main.append(
            _portlet(
                f"101_INSTANCE_{category.instance_id}",
                "portlet-asset-publisher",
                category.name,
                body,
            )
        )
    return _page(
        title=f"Trang chủ - {district.SITE_NAME}",
        canonical=canonical,
        description=district.SITE_NAME,
        keywords=f"{district.DISTRICT.lower()}, {district.PROVINCE.lower()}",
        current=None,
        main="".join(main),
        plid=10_299,
    )


def not_found_page(url: str) -> str:
    """Liferay's status page for a resource that does not exist."""
    main = (
        '<div class="portlet-msg-error" id="status"> <div class="status-body">'
        ' <h3 class="alert alert-error"> Không tìm thấy </h3>'
        " <p>Không tìm thấy tài nguyên được yêu cầu.</p>"
        f' <div class="url">{_text(url)}</div> </div> </div>\n'
    )
    return _page(
        title=f"Không tìm thấy - {district.SITE_NAME}",
        canonical=url,
        description=district.SITE_NAME,
        keywords=district.DISTRICT.lower(),
        current=None,
        main=main,
        plid=10_298,
    )
