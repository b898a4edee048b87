"""Spend by the report's first grouping, as an SVG a browser opens directly: one bar per
group (the largest 20), its amount and share written beside it, and each category's
concentration when the chart is by category."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from events.base import Money
from kernel.money import fmt
from projections.spend.report import SpendReport

_WIDTH, _ROW, _TOP, _LEFT, _PLOT = 900, 30, 70, 220, 440
_SVG = "http://www.w3.org/2000/svg"
MAX_BARS = 20


def _text(parent: ET.Element, x: float, y: float, text: str, **attrs: str) -> None:
    node = ET.SubElement(parent, "text", {"x": f"{x:.1f}", "y": f"{y:.1f}", **attrs})
    node.text = text


def render_chart(report: SpendReport) -> str:
    dimension = report.group_by[0] if report.group_by else None
    rows = sorted(report.rows, key=lambda r: -r.amount)[:MAX_BARS]
    hhi = {c.category: c for c in report.concentration}
    largest = max([r.amount for r in rows if r.amount > 0] or [1])
    height = _TOP + _ROW * max(len(rows), 1) + 60
    svg = ET.Element("svg", {"xmlns": _SVG, "width": str(_WIDTH), "height": str(height),
                             "viewBox": f"0 0 {_WIDTH} {height}", "role": "img",
                             "font-family": "Helvetica, Arial, sans-serif", "font-size": "13"})
    who = report.agency or "All agencies"
    title = f"Spend by {dimension or 'total'}: {who}, {report.period_from} to {report.period_to}"
    ET.SubElement(svg, "title").text = title
    _text(svg, 20, 28, title, **{"font-size": "16", "font-weight": "bold"})
    total = fmt(Money(amount=report.totals.amount, currency=report.currency))
    _text(svg, 20, 50, f"Total {total} in {report.totals.payments:,} payments to {report.totals.vendors:,} vendors",
          fill="#444")
    plot = ET.SubElement(svg, "g", {"class": "plot"})
    if not rows:
        _text(plot, _LEFT, _TOP + 20, "No spend in this period.", fill="#666")
    for i, row in enumerate(rows):
        y = _TOP + i * _ROW
        label = "total" if dimension is None else str(getattr(row, dimension))
        width = _PLOT * max(row.amount, 0) / largest
        _text(plot, _LEFT - 10, y + 16, label, **{"text-anchor": "end", "class": "label"})
        ET.SubElement(plot, "rect", {"class": "bar", "data-group": label, "data-amount": str(row.amount),
                                     "x": str(_LEFT), "y": str(y + 3), "width": f"{width:.1f}", "height": "20",
                                     "fill": "#2a7ab8"})
        figure = fmt(Money(amount=row.amount, currency=report.currency))
        if row.share_percent is not None:
            figure += f" ({row.share_percent:.1f}%)"
        if dimension == "category" and label in hhi:
            figure += f"; HHI {hhi[label].hhi:,.0f} ({hhi[label].level})"
        _text(plot, _LEFT + _PLOT + 12, y + 16, figure, **{"class": "value"})
    _text(svg, 20, height - 14, "Principal paid, net of refunds. HHI: sum of squared vendor shares (0-10,000).",
          fill="#666", **{"font-size": "11"})
    return ET.tostring(svg, encoding="unicode", xml_declaration=False)
