"""Body images with their captions and photo credits, in the three CKEditor caption styles."""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import urlsplit

from bs4 import Tag

from extractors.attrs import class_list
from extractors.blocks import alignment, blocks, text_of
from extractors.css import is_decomposed, page_index, positions_between
from extractors.records import Figure
from extractors.text import clean
from extractors.urls import absolute

MAX_CAPTION = 400  # characters; longer text after an image is body text
_LAZY_SRC = ("data-src", "data-original", "data-lazy-src", "data-srcset", "src", "srcset")
_NOT_A_PHOTO = re.compile(
    r"spacer|icon|logo|pixel|blank\.|1x1|tracking|loading|/common/", re.IGNORECASE
)
_PX = re.compile(r"(width|height)\s*:\s*(\d+(?:\.\d+)?)\s*px", re.IGNORECASE)
_FILE_NAME = re.compile(r"^[\w.-]+\.(?:jpe?g|png|gif|webp|bmp|tiff?)$", re.IGNORECASE)
_MIN_SIDE = 50  # pixels: smaller images are icons, bullets or tracking pixels

# Class words of a caption or credit element, and of a credit.
_CAPTION_CLASS = re.compile(r"caption|credit", re.IGNORECASE)
_CREDIT = re.compile(r"credit", re.IGNORECASE)
FRAME_LEVELS = 3  # how far up from an image its frame (and a named caption) may be

_MINH_HOA = r"Ảnh minh h(?:ọa|oạ)"
_CREDIT_IN_PARENS = re.compile(
    rf"\s*[(\[]\s*(?:(?:{_MINH_HOA}|Ảnh|Nguồn ảnh|Nguồn|Photo)\s*:\s*(?P<who>[^()\[\]]+?)"
    rf"|(?P<illustr>{_MINH_HOA}))\s*[)\]]\s*\.?$"
)
_CREDIT_TRAILING = re.compile(
    rf"(?:^|(?<=[\s.,;:–—-]))(?:(?:{_MINH_HOA}|Ảnh|Nguồn ảnh|Photo)\s*:\s*(?P<who>[^:]+?)"
    rf"|(?P<illustr>{_MINH_HOA}))\s*\.?$"
)


def split_credit(caption: str) -> tuple[str | None, str | None]:
    """(caption, credit): a trailing "Ảnh: X", "(Ảnh: X)" or "Ảnh minh họa" is the credit."""
    caption = clean(caption)
    for pattern in (_CREDIT_IN_PARENS, _CREDIT_TRAILING):
        match = pattern.search(caption)
        if match:
            credit = clean(match.group("who") or match.group("illustr"))
            rest = caption[: match.start()].rstrip(" -–—,;:")
            return (rest or None), (credit or None)
    return (caption or None), None


def extract_figures(container: Tag, base_url: str) -> list[Figure]:
    """The photos of `container` in order; their caption elements are removed from it."""
    figures: list[Figure] = []
    seen: set[str] = set()
    named = _named_captions(container)
    for img in container.find_all("img"):
        if is_decomposed(img):
            continue
        src = image_src(img, base_url)
        if src is None or src in seen or _is_furniture(img, src):
            continue
        seen.add(src)
        alt = clean(str(img.get("alt") or "")) or None
        caption, credit = _caption(img, container, named)
        if caption is None and credit is None:
            fallback = _meaningful(alt) or _meaningful(clean(str(img.get("title") or "")))
            caption, credit = split_credit(fallback) if fallback else (None, None)
        figures.append(Figure(len(figures) + 1, src, caption, credit, alt))
    return figures


def image_src(img: Tag, base_url: str) -> str | None:
    """The real image URL: lazy-loading attributes first, then src, then srcset; then the
    sources of the <picture> it is in."""
    found = _source_url(img, base_url)
    if found is None:
        picture = img.find_parent("picture")
        for source in picture.find_all("source") if picture is not None else ():
            found = _source_url(source, base_url)
            if found is not None:
                break
    return found


def _source_url(tag: Tag, base_url: str) -> str | None:
    for attr in _LAZY_SRC:
        value = tag.get(attr)
        if not isinstance(value, str) or not value.strip():
            continue
        if attr.endswith("srcset"):
            value = value.split(",")[0].strip().split(" ")[0]
        if value.startswith("data:"):
            continue
        return absolute(value, base_url)
    return None


def _is_furniture(img: Tag, src: str) -> bool:
    if _NOT_A_PHOTO.search(urlsplit(src).path):
        return True
    sizes: dict[str, float] = {}
    for attr in ("width", "height"):
        value = str(img.get(attr) or "").strip().removesuffix("px")
        if value.replace(".", "", 1).isdigit():
            sizes[attr] = float(value)
    for name, value in _PX.findall(str(img.get("style") or "")):
        sizes.setdefault(name.lower(), float(value))
    return any(size < _MIN_SIDE for size in sizes.values())


def _meaningful(text: str | None) -> str | None:
    if not text or _FILE_NAME.match(text) or len(text.split()) < 3:
        return None
    return text


def _within(tag: Tag | None, container: Tag) -> bool:
    return tag is not None and (tag is container or container in tag.parents)


def _caption(img: Tag, container: Tag, named: list[int]) -> tuple[str | None, str | None]:
    """The (caption, credit) of `img`: by figure/figcaption, by class name, by image table,
    or the styled paragraph after it; the caption's elements leave the body."""
    figure = img.find_parent("figure")
    if _within(figure, container) and figure is not None:
        figcaption = figure.find("figcaption")
        if figcaption is not None:
            text = text_of(figcaption)
            figcaption.decompose()
            return split_credit(text) if text else (None, None)
    found = _named_caption(img, container, named) if named else None
    if found is not None:
        return found
    row = img.find_parent("tr")
    styled = (
        _table_caption(img, row)
        if _within(row, container) and row is not None
        else _paragraph_caption(img, container)
    )
    return split_credit(styled) if styled else (None, None)


def _named_captions(container: Tag) -> list[int]:
    """Page-index positions (ascending) of the elements with a caption or credit class."""
    index = page_index(container)
    return sorted(
        position
        for name, positions in index.by_class.items()
        if _is_caption_class(name)
        for position in positions
    )


@lru_cache(maxsize=4096)
def _is_caption_class(name: str) -> bool:
    return _CAPTION_CLASS.search(name) is not None


def _named_caption(
    img: Tag, container: Tag, named: list[int]
) -> tuple[str | None, str | None] | None:
    """A caption and a credit named by class ("wp-caption-text", "photo-credit") in the
    image's frame: the smallest element around it, up to FRAME_LEVELS up, that has them
    (`named`: the positions of such elements). A slideshow's short and long forms of one
    caption give the longer one."""
    index = page_index(container)
    frame = img.parent
    for _ in range(FRAME_LEVELS):
        if frame is None or frame is container or not _within(frame, container):
            return None
        start = index.order.get(id(frame), -1)
        inside = [
            index.tags[p]
            for p in (positions_between(named, start, index.last[start]) if start >= 0 else ())
        ]
        marked = [t for t in inside if not is_decomposed(t) and t.find("img") is None]
        if marked:
            outer = [t for t in marked if not any(o in t.parents for o in marked)]
            captions = [text_of(t) for t in outer if not _CREDIT.search(_classes(t))]
            credits = [text_of(t) for t in outer if _CREDIT.search(_classes(t))]
            for tag in outer:
                tag.decompose()
            caption, credit = split_credit(max(captions, key=len, default=""))
            return caption, next((c for c in credits if c), None) or credit
        frame = frame.parent
    return None


def _classes(tag: Tag) -> str:
    return " ".join(class_list(tag))


def _table_caption(img: Tag, row: Tag) -> str | None:
    """An image row followed by a short text row (class image-table or not)."""
    if clean(row.get_text()):
        return None  # a layout table with text beside the image, not an image table
    following = row.find_next_sibling("tr")
    if following is None or following.find("img") is not None:
        return None
    cells = row.find_all(["td", "th"], recursive=False)
    caption_cells = following.find_all(["td", "th"], recursive=False)
    target: Tag = following
    if len(cells) > 1 and len(cells) == len(caption_cells):
        cell = img.find_parent(["td", "th"])
        for index, candidate in enumerate(cells):
            if candidate is cell:
                target = caption_cells[index]
    text = text_of(target)
    if not text or len(text) > MAX_CAPTION:
        return None
    target.decompose()
    return text


def _paragraph_caption(img: Tag, container: Tag) -> str | None:
    """A paragraph holding only the image, then a centred or italic short paragraph."""
    holder = img.find_parent(["p", "div", "center"])
    if holder is None or not _within(holder, container) or holder is container:
        return None
    own = blocks(holder, limit=3)  # more than two is never a caption: no need to read on
    if own:  # text beside the image: a caption inside the same paragraph, if it is styled
        if len(own) <= 2 and all(b.emphasized or b.align == "center" for b in own):
            text = " ".join(b.text for b in own)
            if len(text) <= MAX_CAPTION:
                for string in list(holder.find_all(string=True)):
                    string.extract()
                return text
        return None
    following = holder.find_next_sibling()
    if (
        following is None
        or following.name not in ("p", "div")
        or following.find(["img", "blockquote", "q"])
    ):
        return None
    text = " ".join(b.text for b in blocks(following))
    if not text or len(text) > MAX_CAPTION or not _styled(following):
        return None
    after = following.find_next_sibling()
    if after is not None and after.name == following.name and _styled(after):
        return None  # a run of styled paragraphs is a quote or a note, not a caption
    following.decompose()
    return text


def _styled(paragraph: Tag) -> bool:
    """Whether a paragraph is centred or all in italics or bold, as captions are."""
    parts = blocks(paragraph)
    return bool(parts) and (
        (alignment(paragraph) or "") == "center" or all(b.emphasized for b in parts)
    )
