"""Which of a file's columns is which Hashplan field (issue #14 item 10): the column-mapping step.

A sheet an operator kept for years says "Site", "Qty", "PO date". A mapping gives each of the
file's columns a Hashplan field, or "" to ignore it; it is a list in the file's column order
(two columns may share a title). The import dialog shows it with one combo box a column and
remembers it per header set (header_key); the CLI takes it as --map "Qty=units". No Qt here.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

from desktop.errors import ValidationError
from desktop.services.batch_format import HEADER, KNOWN_COLUMNS, REQUIRED_COLUMNS, TOTAL_COLUMN
from desktop.services.human_headers import human_title, machine_name

IGNORE = ""
# The fields a column can be mapped to, in the batch format's order.
FIELDS: tuple[str, ...] = tuple(c for c in (*HEADER, TOTAL_COLUMN, "data_center_capacity_mw") if c in KNOWN_COLUMNS)
Mapping = list[str]  # one field (or IGNORE) per column of the file

# Titles operators use for the fields (compared without case, spaces, dots or dashes).
_SYNONYMS = {
    "data_center": ("site", "sitename", "datacenter", "dc", "facility", "location", "farm"),
    "miner_model": ("model", "miner", "machine", "minertype", "asic", "hardware"),
    "units": ("qty", "quantity", "count", "machines", "miners", "unitcount", "numberofunits"),
    "ordered_on": ("orderdate", "podate", "ordered", "purchasedate", "dateordered", "purchased"),
    "expected_on": ("eta", "expected", "expecteddate", "deliverydate", "due", "duedate", "arrival"),
    "unit_price_usd": ("price", "unitprice", "priceperunit", "unitcost", "costperunit", "priceusd"),
    "total_cost_usd": ("total", "totalcost", "totalprice", "amount", "cost", "lottotal"),
    "status": ("stage", "state"),
    "supplier": ("vendorname", "seller", "reseller", "broker"),
    "deployed_units": ("deployed", "unitsdeployed", "live", "hashing"),
    "deployed_on": ("deploydate", "deploymentdate", "datedeployed", "livedate"),
    "notes": ("note", "comment", "comments", "remarks", "memo"),
    "ths_per_unit": ("ths", "hashrate", "terahash", "th/s"),
    "watts_per_unit": ("watts", "power", "w", "powerw"),
    "id": ("batchid", "batch", "batchno", "batchnumber"),
}
_BY_SYNONYM = {word: field for field, words in _SYNONYMS.items() for word in words}
_SQUEEZE = re.compile(r"[\s._\-()#]+")


def _squeezed(title: str) -> str:
    return _SQUEEZE.sub("", title.strip().lstrip("\ufeff").casefold())


def header_key(header: Sequence[str]) -> str:
    """Names a header set, whatever its case and spacing: the key a mapping is remembered by."""
    normal = "\x1f".join(" ".join(str(h).split()).casefold() for h in header)
    return hashlib.sha256(normal.encode("utf-8")).hexdigest()[:20]


def field_label(field: str) -> str:
    """How a field reads in the combo box: "Units (units)", "(ignore this column)"."""
    return "(ignore this column)" if field == IGNORE else f"{human_title(field)} ({field})"


def is_hashplan_header(header: Sequence[str]) -> bool:
    """Every titled column is one of Hashplan's (machine names or an XLSX export's titles)."""
    return all(machine_name(str(h)) in KNOWN_COLUMNS for h in header if str(h).strip())


def suggest(header: Sequence[str]) -> Mapping:
    """A first mapping: Hashplan's own names, then common titles ("Qty" -> units); each field once."""
    mapping: Mapping = []
    used: set[str] = set()
    for title in header:
        name = machine_name(str(title))
        field = name if name in KNOWN_COLUMNS else _BY_SYNONYM.get(_squeezed(str(title)), IGNORE)
        if field in used:
            field = IGNORE
        used.add(field)
        mapping.append(field)
    return mapping


def fit(header: Sequence[str], remembered: Sequence[str] | None) -> Mapping:
    """A remembered mapping if it still fits this header (same width, known fields), else a suggestion."""
    known = remembered is not None and all(f in FIELDS or f == IGNORE for f in remembered)
    if remembered is not None and known and len(remembered) == len(header):
        return list(remembered)
    return suggest(header)


def check_mapping(header: Sequence[str], mapping: Sequence[str]) -> list[str]:
    """Every reason the mapping cannot be used, one sentence each, naming the column."""
    problems: list[str] = []
    if len(mapping) != len(header):
        return [f"row 1: the mapping names {len(mapping)} columns but the file has {len(header)}"]
    first: dict[str, str] = {}
    for title, field in zip(header, mapping, strict=True):
        if field == IGNORE:
            continue
        if field not in FIELDS:
            problems.append(f"row 1, column {title}: '{field}' is not a Hashplan field")
        elif field in first:
            problems.append(f"row 1, column {title}: {human_title(field)} is already column {first[field]}")
        else:
            first[field] = str(title)
    for field in REQUIRED_COLUMNS:
        if field not in first and not (field == "unit_price_usd" and TOTAL_COLUMN in first):
            which = "Unit price (USD) or Total cost (USD)" if field == "unit_price_usd" else human_title(field)
            problems.append(f"row 1: no column is mapped to {which}, which is required")
    return problems


def columns_of(mapping: Sequence[str]) -> dict[str, int]:
    """Field -> the file's column index (ignored columns left out)."""
    return {field: index for index, field in enumerate(mapping) if field != IGNORE}


def parse_map_options(header: Sequence[str], options: Sequence[str]) -> Mapping:
    """The CLI's --map "Their title=field" options over the suggestion (the rest as suggested)."""
    mapping = suggest(header)
    titles = {" ".join(str(h).split()).casefold(): i for i, h in enumerate(header)}
    for option in options:
        title, sep, field = option.rpartition("=")
        if not sep or not title.strip():
            raise ValidationError("--map", f"'{option}' is not TITLE=FIELD (e.g. --map \"Qty=units\")")
        index = titles.get(" ".join(title.split()).casefold())
        if index is None:
            raise ValidationError("--map", f"the file has no column titled '{title.strip()}'")
        field = field.strip().lower()
        if field in ("", "ignore", "-"):
            field = IGNORE
        elif field not in FIELDS:
            raise ValidationError("--map", f"'{field}' is not a Hashplan field (the fields are {', '.join(FIELDS)})")
        if field != IGNORE:  # the field moves here from wherever the suggestion put it
            mapping = [IGNORE if f == field else f for f in mapping]
        mapping[index] = field
    return mapping


def header_columns(header: Sequence[str], mapping: Sequence[str] | None) -> tuple[dict[str, int], list[str]]:
    """Field -> column index, and the header's problems: by the mapping when there is one,
    else by the titles themselves (machine names, or an XLSX export's human titles)."""
    if mapping is not None:
        return columns_of(mapping), check_mapping(header, mapping)
    columns: dict[str, int] = {}
    problems: list[str] = []
    unknown: list[str] = []
    for index, raw in enumerate(header):
        name = machine_name(str(raw))  # "Miner model" (an XLSX export's title) is miner_model
        if not name:
            continue
        if name not in KNOWN_COLUMNS:
            unknown.append(str(raw))
        elif name in columns:
            problems.append(f"row 1, column {name}: appears twice")
        else:
            columns[name] = index
    missing = [
        name
        for name in REQUIRED_COLUMNS
        if name not in columns and not (name == "unit_price_usd" and TOTAL_COLUMN in columns)
    ]
    known = f"the columns are {', '.join(HEADER)}"
    if len(unknown) == 1:
        problems.append(f"row 1, column {unknown[0]}: unknown column ({known})")
    elif unknown:  # an operator's own sheet: one line, not one per column
        problems.append(f"row 1: the columns {', '.join(unknown)} are not Hashplan's ({known})")
    problems.extend(f"row 1, column {name}: the column is missing" for name in missing)
    return columns, problems


def mapping_hint(header: Sequence[str], mapping: Sequence[str]) -> str:
    """The last problem of a file with its own titles: how to say which column is which."""
    pairs = [f'--map "{" ".join(str(t).split())}={f}"' for t, f in zip(header, mapping, strict=True) if f != IGNORE]
    example = f", suggested: {' '.join(pairs)}" if pairs else ""
    return (
        "row 1: these are not Hashplan's column names: map each of your columns to a field "
        f"(the import dialog asks; on the command line, --map TITLE=FIELD{example})"
    )
