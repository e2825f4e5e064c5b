"""Claims as HXL-tagged CSV: a header row, then a row of HXL hashtags, then the data.

HXL tools (the HXL Proxy, HDX's charts) find columns by hashtag rather than by name. One column
carries one hashtag, so besides the generic figure (``#indicator+num``) there are columns that
sum across rows: people counted (``#affected+num``) and people killed, wounded or captured
(``#affected+killed`` ...), each holding a claim's lower bound, and never a denial's or a
running total's.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from .figures import PERSON_CATEGORIES, counted_loss, is_summable, lower_bound
from .rows import Row, flatten_row
from .tabular import Chunks, encode_table

#: (column, hashtag) in file order. Core HXL hashtags, with attributes saying which of the
#: claim's parties or dates a column holds.
HXL_COLUMNS: tuple[tuple[str, str], ...] = (
    ("claim_id", "#meta+claim+id"),
    ("claimant", "#org+name+claimant"),
    ("claimant_party", "#org+party+claimant"),
    ("modality", "#meta+modality"),
    ("category", "#indicator+category"),
    ("value", "#indicator+num"),
    ("qualifier", "#indicator+qualifier"),
    ("low", "#indicator+num+low"),
    ("high", "#indicator+num+high"),
    ("people", "#affected+num"),
    ("killed", "#affected+killed"),
    ("wounded", "#affected+injured"),
    ("captured", "#affected+captured"),
    ("subject", "#description+subject"),
    ("subject_party", "#org+party+subject"),
    ("period_kind", "#meta+period_kind"),
    ("period_start", "#date+start"),
    ("period_end", "#date+end"),
    ("published", "#date+reported"),
    ("location", "#loc+name"),
    ("latitude", "#geo+lat"),
    ("longitude", "#geo+lon"),
    ("outlet", "#meta+source"),
    ("url", "#meta+url"),
    ("title", "#meta+title"),
    ("evidence_text", "#description+evidence"),
    ("confidence", "#meta+confidence"),
    ("relay_count", "#meta+relays+num"),
    ("independent_count", "#meta+independent+num"),
    ("first_seen", "#date+first_seen"),
    ("review_status", "#status+review"),
    ("document_id", "#meta+document+id"),
    ("assertion_id", "#meta+assertion+id"),
)
#: Per-category people columns and the category each one holds.
CATEGORY_COLUMNS = {"killed": "killed", "wounded": "wounded", "captured": "captured"}


def encode_hxl(rows: Iterable[Row]) -> Chunks:
    """HXL CSV: names in row 1, hashtags in row 2, one claim per row after them."""
    columns = [column for column, _ in HXL_COLUMNS]
    tags = [tag for _, tag in HXL_COLUMNS]
    return encode_table(rows, columns, to_hxl, extra_header_rows=[tags])


def to_hxl(row: Row) -> dict[str, Any]:
    """One record: the ledger columns plus the people columns (see the module docstring)."""
    record = flatten_row(row, offsets=False)
    counts_people = row["category"] in PERSON_CATEGORIES and is_summable(row)
    record["people"] = lower_bound(row) if counts_people else None
    for column, category in CATEGORY_COLUMNS.items():
        record[column] = counted_loss(row, category)
    return record
