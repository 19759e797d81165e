from collections import Mapping

DEFAULT_CHART = {
    "1000": "Cash",
    "1200": "Debtors",
    "2100": "Creditors",
    "4000": "Sales",
}


def account_name(chart: Mapping, code: str) -> str:
    return chart[code]
