from testutils import build_rows

from ledgerkit.exporters.csv_export import to_csv


def test_csv_line_count():
    assert to_csv(build_rows(3)).count("\n") == 3
