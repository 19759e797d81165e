import json
from pathlib import Path

from orders.quotes import Quote


def quote_to_dict(quote: Quote) -> dict:
    return quote.dict(exclude={"customer_email"})


def quote_from_payload(payload: dict) -> Quote:
    return Quote.parse_obj(payload)


def revise(quote: Quote, **changes) -> Quote:
    return quote.copy(update=changes)


def quote_schema_title() -> str:
    return Quote.schema()["title"]


def export_pretty(quote: Quote) -> str:
    return quote.json(indent=2)


def load_quote(path: Path) -> Quote:
    return Quote.model_validate(json.loads(path.read_text()))


def field_names() -> list[str]:
    return list(Quote.__fields__)
