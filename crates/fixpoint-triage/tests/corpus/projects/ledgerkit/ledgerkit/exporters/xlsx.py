import openpyxl


def to_workbook(rows: list[list]) -> "openpyxl.Workbook":
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    return workbook
