"""The portal's URL scheme: how listing, page, article and image URLs are built and read.

- listing: ``/{category}``; page N: ``/{category}?p_p_id=101&p_p_lifecycle=0&p_p_state=
  normal&p_p_mode=view&_101_delta=10&_101_cur=N`` (only ``_101_cur`` and ``_101_delta``
  matter, other parameters are ignored);
- article: ``/{category}/-/asset_publisher/{instanceId}/content/{url-title}-{articleId}``;
- body image: ``/documents/20181/{folder}/{name}.jpg/{uuid}?t={epochMs}``;
- listing thumbnail: ``/image/journal/article?img_id={id}&t={epochMs}``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from sample_portal.model import Category

LISTING_PARAMS = "p_p_id=101&p_p_lifecycle=0&p_p_state=normal&p_p_mode=view"
MAX_DELTA = 200
IMAGE_GROUP = 20181
IMAGE_FOLDER_BASE = 1_283_400
JOURNAL_IMAGE_PATH = "/image/journal/article"

_ARTICLE = re.compile(
    r"^/(?P<slug>[a-z0-9-]+)/-/asset_publisher/(?P<instance>[A-Za-z0-9]+)"
    r"/content/(?P<url_title>[a-z0-9-]*?)-?(?P<id>[0-9]+)$"
)
_IMAGE = re.compile(r"^/documents/[0-9]+/[0-9]+/[^/]+\.jpg/[0-9a-f-]{36}$")


def listing_path(category: Category, page: int, delta: int) -> str:
    """Page ``page`` of a category listing, as the pager links it."""
    return f"/{category.slug}?{LISTING_PARAMS}&_101_delta={delta}&_101_cur={page}"


def article_path(category: Category, url_title: str) -> str:
    return f"/{category.slug}/-/asset_publisher/{category.instance_id}/content/{url_title}"


def image_path(folder: int, name: str, uuid: str, uploaded_ms: int) -> str:
    return f"/documents/{IMAGE_GROUP}/{folder}/{name}.jpg/{uuid}?t={uploaded_ms}"


def journal_image_path(image_id: int, uploaded_ms: int) -> str:
    return f"{JOURNAL_IMAGE_PATH}?img_id={image_id}&t={uploaded_ms}"


def article_id_of(path: str) -> tuple[str, str, int] | None:
    """(category slug, instance id, article id) of an article path, or None."""
    match = _ARTICLE.match(path)
    if match is None:
        return None
    return match["slug"], match["instance"], int(match["id"])


def is_image(path: str) -> bool:
    return path == JOURNAL_IMAGE_PATH or _IMAGE.match(path) is not None


def page_and_delta(query: str, default_delta: int) -> tuple[int, int]:
    """The page (``_101_cur``, from 1) and page size (``_101_delta``) a query asks for.

    Invalid or missing values fall back to page 1 and ``default_delta``, as Liferay does.
    """
    params = parse_qs(query, keep_blank_values=True)
    page = _positive(params.get("_101_cur"), 1)
    delta = _positive(params.get("_101_delta"), default_delta)
    return page, delta if delta == default_delta else min(delta, MAX_DELTA)


def _positive(values: list[str] | None, default: int) -> int:
    if not values:
        return default
    try:
        value = int(values[-1])
    except ValueError:
        return default
    return value if value >= 1 else default
