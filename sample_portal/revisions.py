"""The portal's revisions: what an editor changed on it between two visits of a crawler.

Revision 1 serves the articles as generated. Revision 2 is the same portal a little
later: article EDITED has its title and one body paragraph edited, and article REDATED
has its publication date corrected, a day earlier. Their URLs stay as they were (Liferay
keeps an article's URL title when the title is edited), so a crawler that fetches them
again finds the same article changed. Tests flip ``SamplePortal.revision`` between two
runs; ``bulletin sample-portal --revision 2`` serves revision 2.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sample_portal.model import SampleArticle

EDITED = 3  # the index of the article whose title and body are edited in revision 2
REDATED = 4  # ... and of the one whose publication date moves
TITLE_EDIT = " (cập nhật)"  # added to the edited article's title
ADDED_SENTENCE = "Số liệu trên được cập nhật theo báo cáo mới nhất của các xã, thị trấn."
EDITED_PARAGRAPH = 1  # the paragraph the sentence is added to (or the last, if fewer)
REDATED_BY = timedelta(days=-1)


def revise(article: SampleArticle, revision: int) -> SampleArticle:
    """``article`` as the portal serves it in ``revision`` (the same object when that
    revision does not change it)."""
    if revision < 2:
        return article
    if article.index == EDITED:
        paragraphs = list(article.paragraphs)
        at = min(EDITED_PARAGRAPH, len(paragraphs) - 1)
        paragraphs[at] = f"{paragraphs[at]} {ADDED_SENTENCE}"
        return replace(article, title=article.title + TITLE_EDIT, paragraphs=tuple(paragraphs))
    if article.index == REDATED:
        return replace(article, published_at=article.published_at + REDATED_BY)
    return article
