from ledgerkit.exporters.csv_export import to_csv
from tests.utils.builders import build_rows


def test_csv_has_header_free_rows():
    assert to_csv(build_rows(2)).splitlines() == ["acct-0,0", "acct-1,10"]
