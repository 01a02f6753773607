"""Crawling: everything that talks HTTP to a portal. The fetcher (``fetcher``) holds a
run's client and, per source, each host's manners (``politeness``), what a request may
reach (``origins``, ``guard``) and how long it may take (``timeouts``); ``client``
fetches one URL through them; ``discover`` walks a source's listings for article links;
``urls`` reads and canonicalizes links. No Prefect here."""
