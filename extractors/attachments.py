"""Documents linked from the body: .pdf, .doc(x), .xls(x), .ppt(x), .zip, .rar."""

from __future__ import annotations

from bs4 import Tag

from extractors.blocks import text_of
from extractors.records import Attachment
from extractors.text import clean
from extractors.urls import absolute, extension

ATTACHMENT_KINDS = frozenset({"pdf", "doc", "docx", "xls", "xlsx", "zip", "rar", "ppt", "pptx"})


def extract_attachments(container: Tag, base_url: str) -> list[Attachment]:
    """The document links of `container` in order, each URL once."""
    found: list[Attachment] = []
    seen: set[str] = set()
    for link in container.find_all("a", href=True):
        url = absolute(str(link["href"]), base_url)
        if url is None or url in seen:
            continue
        kind = extension(url)
        if kind not in ATTACHMENT_KINDS:
            continue
        seen.add(url)
        label = text_of(link) or clean(str(link.get("title") or "")) or None
        found.append(Attachment(len(found) + 1, url, label, kind))
    return found
