from ledgerkit.exporters.xlsx import to_workbook


def test_workbook_has_rows():
    workbook = to_workbook([["Cash", 10]])
    assert workbook.active.max_row == 1
