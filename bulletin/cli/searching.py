"""``bulletin search``: the articles for a query typed without diacritics, best first,
each with a snippet (``storage.search``). Reads the warehouse; imports no Prefect."""

from __future__ import annotations

import argparse

from bulletin.errors import InputError

COLUMNS = ("rank", "score", "published_at", "source", "title", "snippet", "url", "article_id")


def search(args: argparse.Namespace) -> int:
    from bulletin.cli.output import FORMATS
    from storage.search import EmptyQuery
    from storage.search import search as find
    from storage.warehouse import connect

    con = connect(args.db, read_only=True)
    try:
        hits = find(
            con,
            " ".join(args.query),
            source=args.source,
            since=args.since,
            until=args.until,
            limit=args.limit,
        )
    except EmptyQuery as exc:
        raise InputError(str(exc)) from None
    finally:
        con.close()
    rows = [[getattr(hit, c) for c in COLUMNS] for hit in hits]
    print(FORMATS[args.format](COLUMNS, rows))
    return 0
