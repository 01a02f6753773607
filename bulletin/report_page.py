"""The report of ``bulletin report`` as one HTML page that opens offline.

``render`` draws each section of a ``storage.report.Report`` as a plotly chart with its
data table beside it; a section with no rows says so in a sentence instead of drawing an
empty chart. plotly.js comes from the ``plotly`` package and is written into the page's
head once; each chart is a ``<div>`` and the short script that draws it into that div.
The page loads nothing from anywhere (no ``src`` or ``href`` to another file), so it
opens offline; it is UTF-8, its text is escaped, and its fonts are a stack with
Vietnamese glyphs on every common system.

Each chart draws one mark (a bar or a point) per row of its table: ``summary`` says how
many, for the command's line; the browser test counts them in the drawn page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

import plotly.graph_objects as go
import plotly.io as pio
from plotly.offline import get_plotlyjs

from extractors.dates import DEFAULT_TIMEZONE
from storage.report import Report, Table

FONTS = (
    '"Noto Sans", "Segoe UI", Roboto, "Helvetica Neue", Arial, "Liberation Sans", '
    '"DejaVu Sans", sans-serif'
)
CONFIG = {"displaylogo": False, "responsive": True}  # no link to plotly's site
CHART_HEIGHT = 360  # pixels; a horizontal bar chart grows with its rows
BAR_HEIGHT = 26
LOCAL = ZoneInfo(DEFAULT_TIMEZONE)

CSS = f"""
body {{ font-family: {FONTS}; margin: 1.5rem 2rem; color: #1f2933; line-height: 1.4; }}
h1 {{ margin-bottom: 0.2rem; }}
.scope {{ color: #52606d; margin-top: 0; }}
section {{ margin-top: 2rem; border-top: 1px solid #d9e2ec; }}
.intro {{ color: #52606d; max-width: 60rem; }}
.pair {{ display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 1.5rem;
         align-items: start; }}
@media (max-width: 1000px) {{ .pair {{ grid-template-columns: minmax(0, 1fr); }} }}
.data {{ max-height: 420px; overflow: auto; border: 1px solid #d9e2ec; }}
table {{ border-collapse: collapse; width: 100%; font-size: 0.9rem; }}
th, td {{ padding: 0.25rem 0.5rem; border-bottom: 1px solid #e4e7eb; text-align: left;
          vertical-align: top; overflow-wrap: anywhere; }}
th {{ position: sticky; top: 0; background: #f0f4f8; white-space: nowrap; }}
td.n {{ text-align: right; white-space: nowrap; }}
td.t {{ white-space: nowrap; }}
.empty {{ font-style: italic; color: #52606d; }}
"""


@dataclass(frozen=True, slots=True)
class Section:
    """One part of the page: its chart (built from its table) and what it says when empty."""

    key: str  # the chart's div is id="chart-<key>"
    name: str  # in the command's summary line
    mark: str  # what the chart draws per row: "bars" or "points"
    title: str
    intro: str
    table: Table
    empty: str
    figure: Callable[[Table], go.Figure]


def sections(report: Report) -> list[Section]:
    """The page's sections, in order."""
    unit = report.unit
    if unit is None:
        values_title, values_intro = "Quoted values over time", ""
        values_empty = "No value with a unit is quoted in the articles in range."
    else:
        values_title = f"Values quoted in “{unit}” over time"
        chosen = (
            "the unit chosen with --unit"
            if report.unit_given
            else "the unit quoted most in range; choose another with --unit"
        )
        values_intro = (
            f"Unit: “{unit}” ({chosen}). One point per value an article quotes in that "
            "unit, at the article's date."
        )
        values_empty = f"No value in “{unit}” is quoted in the articles in range."
    return [
        Section(
            "articles",
            "articles per month",
            "bars",
            "Articles per month",
            "Dated articles per source and month (the portals' time zone).",
            report.articles,
            "No dated article in range.",
            lambda t: _monthly(t, "articles"),
        ),
        Section(
            "figures",
            "figures per month",
            "bars",
            "Figures per month",
            "Images (figures) of the dated articles, per source and the month of their "
            "article; the table also counts the articles that have them.",
            report.figures,
            "No figure in the dated articles in range.",
            lambda t: _monthly(t, "figures"),
        ),
        Section(
            "documents",
            "cited documents",
            "bars",
            "Most cited documents",
            "The documents cited by the most articles in range (the first "
            f"{report.limit}): number, type, issuer.",
            report.documents,
            "No article in range cites a document.",
            lambda t: _ranked(
                [_document_label(*row[:2]) for row in t.rows], t.column("articles"), "articles"
            ),
        ),
        Section(
            "officials",
            "quoted officials",
            "bars",
            "Most quoted officials",
            "The officials quoted in the most articles in range (the first "
            f"{report.limit}), with the title they are given most often.",
            report.officials,
            "No official is quoted in the articles in range.",
            lambda t: _ranked(t.column("name"), t.column("articles"), "articles"),
        ),
        Section(
            "values",
            f"values in “{unit}”" if unit is not None else "values",
            "points",
            values_title,
            values_intro,
            report.values,
            values_empty,
            _points,
        ),
        Section(
            "failures",
            "failures",
            "bars",
            "Failures by stage and reason",
            "What could not be ingested (last failed in range), grouped by stage and the "
            "kind of reason: a reason's leading words, before its first “:” or “(”, "
            "without “gave up after N attempts: ” and “after N attempts”. “given up” "
            "counts the pages no run will retry; “latest” is the latest reason in full.",
            report.failures,
            "No failure recorded in range.",
            lambda t: _ranked(
                [f"{stage}: {kind}" for stage, kind, *_ in t.rows], t.column("failures"), "pages"
            ),
        ),
    ]


def summary(report: Report) -> str:
    """What each chart draws, in a line: "articles per month 4 bars, ..., failures none"."""
    return ", ".join(
        f"{s.name} {len(s.table)} {s.mark}" if s.table.rows else f"{s.name} none"
        for s in sections(report)
    )


def render(report: Report, *, written_at: datetime, warehouse: str) -> str:
    """The whole page."""
    scope = report.scope
    overview = report.overview
    span = (
        f", dated from {_cell(overview.first)} to {_cell(overview.last)}"
        if overview.first is not None
        else ""
    )
    undated = f" ({overview.undated} undated: in no month)" if overview.undated else ""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>bulletin report</title>",
        f"<style>{CSS}</style>",
        f'<script type="text/javascript">{get_plotlyjs()}</script>',
        "</head>",
        "<body>",
        "<h1>bulletin report</h1>",
        '<p class="scope">'
        + escape(
            f"Source: {scope.source or 'all sources'} · articles dated from: "
            f"{scope.since.isoformat() if scope.since else 'any day'} · warehouse: "
            f"{warehouse} · written {_cell(written_at)} · times in {DEFAULT_TIMEZONE}"
        )
        + "</p>",
        f"<p>{escape(f'{overview.articles:,} articles in range{undated}{span}.')}</p>",
    ]
    parts += [_section(s) for s in sections(report)]
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _section(section: Section) -> str:
    head = f'<section id="{section.key}">\n<h2>{escape(section.title)}</h2>\n'
    if section.intro:
        head += f'<p class="intro">{escape(section.intro)}</p>\n'
    if not section.table.rows:
        return head + f'<p class="empty">{escape(section.empty)}</p>\n</section>'
    chart = pio.to_html(
        section.figure(section.table),
        include_plotlyjs=False,  # once, in the head
        full_html=False,
        div_id=f"chart-{section.key}",
        config=CONFIG,
    )
    return (
        head
        + f'<div class="pair">\n<div class="chart">{chart}</div>\n'
        + f'<div class="data">{_html_table(section.table)}</div>\n</div>\n</section>'
    )


def _html_table(table: Table) -> str:
    head = "".join(f"<th>{escape(c.replace('_', ' '))}</th>" for c in table.columns)
    rows = "".join(
        "<tr>"
        + "".join(f'<td class="{_cell_class(v)}">{escape(_cell(v))}</td>' for v in row)
        + "</tr>\n"
        for row in table.rows
    )
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>"


def _cell_class(value: Any) -> str:
    """ "n" for a number (right-aligned), "t" for a time (not wrapped)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return "n"
    return "t" if isinstance(value, datetime) else ""


def _cell(value: Any) -> str:
    """A value as the tables show it: dates in the portals' time zone, numbers grouped."""
    if value is None:
        return "—"
    if isinstance(value, datetime):
        return value.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, float):
        if value.is_integer():
            return f"{int(value):,}"
        return f"{value:,.3f}".rstrip("0").rstrip(".")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


def _document_label(number: str, type_name: str | None) -> str:
    return f"{type_name} {number}" if type_name else number


def _layout(**more: Any) -> dict[str, Any]:
    return {
        "template": "plotly_white",
        "font": {"family": FONTS},
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},  # the top: room for the tool bar
        "height": CHART_HEIGHT,
        **more,
    }


def _monthly(table: Table, measure: str) -> go.Figure:
    """Bars per month, one trace (colour) per source."""
    figure = go.Figure(layout=_layout(barmode="group"))
    by_source: dict[str, list[tuple[str, Any]]] = {}
    for row in table.rows:
        record = dict(zip(table.columns, row, strict=True))
        by_source.setdefault(record["source"], []).append((record["month"], record[measure]))
    for source, points in by_source.items():
        figure.add_bar(x=[m for m, _ in points], y=[n for _, n in points], name=source)
    figure.update_xaxes(type="category", categoryorder="category ascending", automargin=True)
    figure.update_yaxes(
        title_text=measure, automargin=True, rangemode="tozero", **_counting(table.column(measure))
    )
    return figure


def _counting(counts: list[Any]) -> dict[str, Any]:
    """An axis of counts: ticks at whole numbers only (plotly puts 0.5 between 0 and 1)."""
    return {"dtick": 1} if max(counts, default=0) <= 10 else {}


def _ranked(labels: list[str], counts: list[Any], measure: str) -> go.Figure:
    """Horizontal bars, the first row on top; each label once."""
    unique = _unique(labels)
    figure = go.Figure(
        go.Bar(y=unique, x=counts, orientation="h", hovertemplate="%{y}: %{x}<extra></extra>"),
        layout=_layout(height=max(CHART_HEIGHT // 2, 60 + BAR_HEIGHT * len(labels))),
    )
    figure.update_yaxes(type="category", autorange="reversed", automargin=True)
    figure.update_xaxes(
        title_text=measure, automargin=True, rangemode="tozero", **_counting(counts)
    )
    return figure


def _points(table: Table) -> go.Figure:
    """One point per value, at its article's date (local time, which plotly.js draws as
    given: it has no time zones)."""
    when = [_cell(t) for t in table.column("published_at")]
    figure = go.Figure(
        go.Scatter(
            x=when,
            y=table.column("value"),
            text=table.column("title"),
            mode="markers",
            hovertemplate="%{x}: %{y}<br>%{text}<extra></extra>",
        ),
        layout=_layout(),
    )
    figure.update_xaxes(type="date", automargin=True)
    figure.update_yaxes(automargin=True)
    return figure


def _unique(labels: list[str]) -> list[str]:
    """``labels`` with a repeat numbered ("… (2)"): bars on one category would overlap."""
    seen: dict[str, int] = {}
    out = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        out.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return out
