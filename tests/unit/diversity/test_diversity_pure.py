"""Pure parts of diversity reporting: periods, categories, access, CSV and the chart."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET
from datetime import date

import pytest

from kernel.context import Actor
from kernel.errors import Forbidden
from projections.commodity import category_of
from projections.diversity.access import report_agency
from projections.diversity.chart import render_chart
from projections.diversity.csv_export import COLUMNS, report_csv
from projections.diversity.figures import whole_months
from projections.diversity.report import NOTES, DiversityReport, ReportRow

SVG = "{http://www.w3.org/2000/svg}"


def test_whole_months_inside_a_period():
    assert whole_months(date(2026, 1, 1), date(2026, 12, 31)) == (date(2026, 1, 1), date(2027, 1, 1))
    assert whole_months(date(2026, 1, 15), date(2026, 3, 10)) == (date(2026, 2, 1), date(2026, 3, 1))
    assert whole_months(date(2026, 1, 15), date(2026, 2, 20)) is None
    assert whole_months(date(2026, 2, 1), date(2026, 2, 28)) == (date(2026, 2, 1), date(2026, 3, 1))


def test_category_is_the_first_two_digits_of_the_first_code():
    assert category_of(["72141100", "43211503"]) == "72"
    assert category_of(["913-41"]) == "91"
    assert category_of([]) == ""


def test_who_may_read_which_agency():
    assert report_agency(Actor(sub="a", role="admin"), None) is None
    assert report_agency(Actor(sub="a", role="auditor"), "x") == "x"
    assert report_agency(Actor(sub="b", role="buyer", agency="x"), None) == "x"
    assert report_agency(Actor(sub="f", role="finance", agency="x"), "x") == "x"
    with pytest.raises(Forbidden):
        report_agency(Actor(sub="b", role="buyer", agency="x"), "y")
    with pytest.raises(Forbidden):
        report_agency(Actor(sub="v", role="vendor", vendor="v1"), None)
    with pytest.raises(Forbidden):
        report_agency(Actor(sub="b", role="buyer"), None)


def _row(program: str, name: str, certified: int, goal: float | None) -> ReportRow:
    utilization = round(100 * certified / 50_000, 2)
    return ReportRow(group="all", program=program, program_name=name, spend_total=50_000, spend_certified=certified,
                     utilization_percent=utilization, goal_percent=goal,
                     difference_percent=None if goal is None else round(utilization - goal, 2),
                     award_total=0, award_certified=0, award_utilization_percent=None, bids_total=0,
                     bids_certified=0, wins_certified=0, win_rate_percent=None, certified_vendors=1)


REPORT = DiversityReport(
    agency="ag1", agency_name="City <of> Example & Co", period_from=date(2026, 1, 1), period_to=date(2026, 6, 30),
    currency="USD", group_by="program", notes=NOTES,
    rows=[_row("MBE", "Minority Business Enterprise", 12_500, 15.0), _row("WBE", "Women Business Enterprise", 2_000, 10.0),
          _row("DBE", "Disadvantaged Business Enterprise", 0, None), _row("ALL", "All certified vendors", 14_000, None)])


def test_the_chart_has_a_labelled_bar_and_goal_marker_per_program():
    svg = ET.fromstring(render_chart(REPORT))
    bars = {r.get("data-program"): r for r in svg.iter(f"{SVG}rect") if r.get("class") == "bar"}
    goals = {g.get("data-program"): float(g.get("data-goal")) for g in svg.iter(f"{SVG}line")
             if g.get("class") == "goal"}
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert set(bars) == {"MBE", "WBE"}  # DBE has neither spend nor goal
    assert float(bars["MBE"].get("width")) > float(bars["WBE"].get("width")) > 0
    assert bars["MBE"].get("fill") != bars["WBE"].get("fill")  # 25 % meets 15 %; 4 % misses 10 %
    assert goals == {"MBE": 15.0, "WBE": 10.0}
    assert "Minority Business Enterprise (MBE)" in texts and "25.0% of 15.0% goal" in texts
    assert any("City <of> Example & Co" in (t or "") for t in texts)  # escaped in the markup, intact when parsed


def test_csv_has_a_line_per_row_with_every_figure():
    lines = list(csv.DictReader(io.StringIO(report_csv(REPORT))))
    assert list(lines[0]) == list(COLUMNS)
    assert [line["program"] for line in lines] == ["MBE", "WBE", "DBE", "ALL"]
    assert lines[0]["utilization_percent"] == "25.0" and lines[0]["difference_percent"] == "10.0"
    assert lines[2]["goal_percent"] == "" and lines[0]["from"] == "2026-01-01"
