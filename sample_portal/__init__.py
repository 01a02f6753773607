"""A deterministic sample of a Vietnamese district portal (Liferay 6.2), served locally.

``SamplePortal(PortalConfig(...))`` holds the ground truth (``articles``, ``article(i)``)
and ``serve()`` puts it on a local HTTP server in the markup of real Liferay 6.2
government portals, for end-to-end tests and benchmarks of the crawler and extractors.

Modules: ``model`` (records), ``district`` (the fictional district), ``topics`` (text
templates), ``content`` (article generator), ``urls`` (URL scheme), ``render`` (HTML),
``jpeg`` (image bytes), ``feeds`` (sitemaps and RSS), ``traps`` (the crawler-trap
section ``/tong-hop``), ``routes`` (request to response), ``portal`` (index, ground
truth, ``serve``), ``faults`` (errors, throttling, broken bodies and robots rules tests
switch on), ``server`` (HTTP, ``serve_forever``, ``main``).
"""

from sample_portal.faults import Fault
from sample_portal.model import PortalConfig, SampleArticle, SampleFigure
from sample_portal.portal import SamplePortal
from sample_portal.server import main, serve_forever

__all__ = [
    "Fault",
    "PortalConfig",
    "SampleArticle",
    "SampleFigure",
    "SamplePortal",
    "main",
    "serve_forever",
]
