"""What each red flag means and where its definition comes from.

A flag is a reason to look, never a verdict: many flagged processes are sound (a niche
market can honestly draw a single bid). The thresholds below are this marketplace's
settings, documented beside each definition.
"""

from __future__ import annotations

import msgspec

NOTE = ("A red flag is a reason to look closer, never a finding of wrongdoing: "
        "many flagged processes have a sound explanation.")

CARDINAL = "https://cardinal.readthedocs.io/en/latest/cli/indicators/"
OCP_GUIDE = ("https://www.open-contracting.org/resources/"
             "red-flags-for-integrity-giving-the-green-light-to-open-data-solutions/")

#: submission periods shorter than this many days are short, by procurement method
NORMAL_PERIOD_DAYS = {"open": 15, "selective": 10, "limited": 5}
MANY_ADDENDA = 3
LATE_CHANGE_DAYS = 3
CLOSE_SHARE = 0.01  # within 1 %
DOMINANT_SHARE = 0.5
DOMINANT_MIN_AWARDS = 3
AMENDMENT_SHARE = 0.25
SPLIT_WINDOW_DAYS = 90
#: across agencies, awards each under this value (minor units) that together pass it
SPLIT_VALUE = 350_000_00


class Definition(msgspec.Struct, frozen=True, kw_only=True):
    code: str
    title: str
    definition: str
    source: str
    source_url: str


DEFINITIONS: dict[str, Definition] = {d.code: d for d in (
    Definition(code="single_bid", title="Single bid received",
               definition="An open or selective process whose opening counted exactly one bid.",
               source="cardinal-rs R018 (Single bid received)", source_url=f"{CARDINAL}R/018.html"),
    Definition(code="short_submission_period", title="Short submission period",
               definition="Days from publication to the submission deadline are fewer than the norm for "
               f"the method (open {NORMAL_PERIOD_DAYS['open']}, selective {NORMAL_PERIOD_DAYS['selective']}, "
               f"limited {NORMAL_PERIOD_DAYS['limited']}).",
               source="cardinal-rs R003 (Short notice to bidders)", source_url=f"{CARDINAL}R/003.html"),
    Definition(code="late_changes", title="Many addenda or a late deadline change",
               definition=f"{MANY_ADDENDA} or more addenda, or a deadline changed by an addendum issued "
               f"within {LATE_CHANGE_DAYS} days of the deadline it changed.",
               source="Open Contracting Partnership, Red Flags for Integrity (2016): changes to the "
               "tender during the bidding period", source_url=OCP_GUIDE),
    Definition(code="lowest_bid_disqualified", title="Lowest bid disqualified",
               definition="In a process awarded on lowest price, the lowest counted bid was found "
               "non-responsive or non-responsible.",
               source="cardinal-rs R036 (Lowest bid disqualified)", source_url=f"{CARDINAL}R/036.html"),
    Definition(code="all_but_winner_disqualified", title="All bids except the winner's disqualified",
               definition="Two or more bids were counted and every one but the winner's was disqualified.",
               source="cardinal-rs R035 (All except winning bid disqualified)", source_url=f"{CARDINAL}R/035.html"),
    Definition(code="identical_bid_prices", title="Identical bid prices",
               definition="Different vendors bid exactly the same price.",
               source="cardinal-rs R028 (Identical bid prices)", source_url=f"{CARDINAL}R/028.html"),
    Definition(code="price_close_to_estimate", title="Winning price very close to the estimate",
               definition=f"The awarded value is within {CLOSE_SHARE:.0%} of the published estimate.",
               source="Open Contracting Partnership, Red Flags for Integrity (2016): winning bid very "
               "close to the estimated price", source_url=OCP_GUIDE),
    Definition(code="price_close_to_next_bid", title="Winning price very close to the next bid",
               definition=f"The next-lowest counted bid is within {CLOSE_SHARE:.0%} of the winning price.",
               source="cardinal-rs R024 (Price close to winning bid), with a fixed threshold",
               source_url=f"{CARDINAL}R/024.html"),
    Definition(code="dominant_supplier", title="One vendor wins most of a buyer's awards in a category",
               definition=f"Of an agency's final awards in a commodity family ({DOMINANT_MIN_AWARDS} or more), "
               f"one vendor holds more than {DOMINANT_SHARE:.0%}.",
               source="Open Contracting Partnership, Red Flags for Integrity (2016): a supplier wins "
               "repeatedly", source_url=OCP_GUIDE),
    Definition(code="splitting", title="Possible splitting",
               definition="Within an agency: the splitting check warned at publication. Across agencies: "
               f"one vendor received awards for one commodity family from two or more agencies within "
               f"{SPLIT_WINDOW_DAYS} days, each under {SPLIT_VALUE // 100:,} and together over it.",
               source="Open Contracting Partnership, Red Flags for Integrity (2016): contract splitting",
               source_url=OCP_GUIDE),
    Definition(code="excluded_vendor_awarded", title="Award to a vendor with an exclusion history",
               definition="The winner matched the exclusion list at some time.",
               source="Open Contracting Partnership, Red Flags for Integrity (2016): awards to debarred "
               "or excluded firms", source_url=OCP_GUIDE),
    Definition(code="large_amendments", title="Amendments add more than a quarter of the value",
               definition=f"Approved modifications raised the contract value by more than "
               f"{AMENDMENT_SHARE:.0%} of its value at award.",
               source="Open Contracting Partnership, Red Flags for Integrity (2016): contract "
               "amendments that increase value", source_url=OCP_GUIDE),
    Definition(code="payments_beyond_value", title="Payments beyond the contract value",
               definition="Payments made, less refunds, exceed the contract's current value.",
               source="Open Contracting Partnership, Red Flags for Integrity (2016): payments exceed "
               "the contract value", source_url=OCP_GUIDE),
)}
