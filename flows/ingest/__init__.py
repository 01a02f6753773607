"""The plain ingest core, with no Prefect import: a run (``run``) discovers, fetches,
parses and saves each source's pages for its plan (``plans``). ``steps`` holds the
fetch, parse and save of one batch, ``parsing`` the parsing processes a run owns,
``days`` and ``health`` the ledger and health rules, ``progress`` what a run reports as
it goes, and ``reparse`` the re-extraction of archived pages. ``flows.tasks`` wraps the
steps in Prefect tasks."""
