from datetime import date

from payroll.run import BacsExporter, PayrollExporter, PayrollRun


def test_add_entry(staff):
    run = PayrollRun("march")
    run.add(staff[0], date(2024, 3, 31))
    assert len(run.entries) == 1


def test_add_without_period(staff):
    run = PayrollRun("april")
    run.add(staff[0])
    assert run.entries


def test_close_year():
    PayrollRun("2023-24").close_year()


def test_default_exporter(staff):
    run = PayrollRun("may")
    assert PayrollExporter().export(run) == ""


def test_bacs_exporter_defaults():
    exporter = BacsExporter()
    assert exporter.sort_code == ""
