"""Words the API answers with that pages show translated (statuses, roles, methods):
listed here so that the catalogs carry them."""

from __future__ import annotations


def _(message: str) -> str:
    return message


WORDS = (
    # solicitation statuses and facets
    _("open"), _("closing"), _("closed"), _("awarded"), _("unsuccessful"), _("cancelled"), _("draft"),
    _("opened"), _("published"), _("under_evaluation"),
    # methods
    _("direct"), _("limited"), _("selective"),
    # vendor and bid statuses
    _("submitted"), _("approved"), _("rejected"), _("expired"), _("withdrawn"), _("replaced"), _("active"), _("pending"), _("verified"),
    # roles
    _("vendor"), _("buyer"), _("evaluator"), _("finance"), _("auditor"), _("admin"),
)
