"""Format rules of vendor data: EIN, USPS state, ZIP, commodity codes, documents, dates.

Pure functions raising ``field_error`` so every 422 names the offending field.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from events.vendors import Address, Contact, DocumentRef
from kernel.email import EMAIL
from kernel.errors import field_error

EIN = re.compile(r"^\d{2}-\d{7}$")
# IRS campus prefixes that are never issued (publication of valid EIN prefixes).
_UNISSUED_EIN_PREFIXES = frozenset({"00", "07", "08", "09", "17", "18", "19", "28", "29", "49", "69", "70",
                                     "78", "79", "89", "96", "97"})
ZIP = re.compile(r"^\d{5}(-\d{4})?$")
NIGP = re.compile(r"^\d{5}$")
UNSPSC = re.compile(r"^\d{8}$")
PHONE = re.compile(r"^\+?[0-9 ().-]{7,25}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MEDIA_TYPE = re.compile(r"^[a-z]+/[a-z0-9.+-]+$")
MAX_DOCUMENT_BYTES = 50 * 1024 * 1024

USPS_STATES = frozenset(
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY"
    " NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI UM AA AE AP".split()
)
REVENUE_BANDS = ("under_1m", "1m_5m", "5m_25m", "25m_100m", "over_100m")


def check_tax_id(tax_id: str, field: str = "tax_id") -> str:
    if not EIN.match(tax_id):
        raise field_error(field, "must be a US EIN in the form NN-NNNNNNN")
    if tax_id[:2] in _UNISSUED_EIN_PREFIXES:
        raise field_error(field, f"EIN prefix {tax_id[:2]} is never issued")
    return tax_id


def check_address(address: Address, field: str = "address") -> None:
    if not address.line1.strip():
        raise field_error(f"{field}.line1", "must not be blank")
    if not address.city.strip():
        raise field_error(f"{field}.city", "must not be blank")
    if address.state not in USPS_STATES:
        raise field_error(f"{field}.state", "must be a two-letter USPS state code such as IL")
    if not ZIP.match(address.zip):
        raise field_error(f"{field}.zip", "must be a US ZIP code: 12345 or 12345-6789")


def check_contacts(contacts: Sequence[Contact], field: str = "contacts") -> None:
    for i, contact in enumerate(contacts):
        if not contact.name.strip():
            raise field_error(f"{field}[{i}].name", "must not be blank")
        if not EMAIL.match(contact.email):
            raise field_error(f"{field}[{i}].email", "must be an email address")
        if contact.phone and not PHONE.match(contact.phone):
            raise field_error(f"{field}[{i}].phone", "must be a phone number")


def check_commodity_codes(codes: Sequence[str], field: str = "commodity_codes") -> None:
    seen: set[str] = set()
    for i, code in enumerate(codes):
        if not (NIGP.match(code) or UNSPSC.match(code)):
            raise field_error(f"{field}[{i}]", "must be a 5-digit NIGP or an 8-digit UNSPSC code")
        if code in seen:
            raise field_error(f"{field}[{i}]", f"{code} is listed twice")
        seen.add(code)


def check_size(employees: int, revenue_band: str) -> None:
    if not 0 <= employees <= 10_000_000:
        raise field_error("employees", "must be between 0 and 10,000,000")
    if revenue_band not in REVENUE_BANDS:
        raise field_error("revenue_band", f"must be one of {', '.join(REVENUE_BANDS)}")


def check_documents(documents: Sequence[DocumentRef], field: str = "documents") -> None:
    for i, doc in enumerate(documents):
        if not doc.name.strip():
            raise field_error(f"{field}[{i}].name", "must not be blank")
        if not MEDIA_TYPE.match(doc.media_type):
            raise field_error(f"{field}[{i}].media_type", "must be a media type such as application/pdf")
        if not SHA256.match(doc.sha256):
            raise field_error(f"{field}[{i}].sha256", "must be 64 lower-case hex digits")
        if not 0 < doc.size <= MAX_DOCUMENT_BYTES:
            raise field_error(f"{field}[{i}].size", f"must be 1 to {MAX_DOCUMENT_BYTES} bytes")


def check_dates(effective: date, expiry: date, *, effective_field: str = "effective_date",
                expiry_field: str = "expiry_date") -> None:
    if expiry <= effective:
        raise field_error(expiry_field, f"must be after {effective_field}")


def not_blank(value: str, field: str) -> str:
    if not value.strip():
        raise field_error(field, "must not be blank")
    return value.strip()
