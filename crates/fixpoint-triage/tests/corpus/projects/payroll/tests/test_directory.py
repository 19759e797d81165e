from datetime import date

import pytest

from payroll import directory


def test_names(staff):
    assert directory.names(staff) == ["ann lee", "bo chen", "cy diaz"]


def test_load_directory_names(fixtures_dir):
    staff = directory.load_directory(fixtures_dir / "directory.json")
    assert directory.names(staff) == ["ann lee", "bo chen"]


def test_load_2024_directory(fixtures_dir):
    staff = directory.load_directory(fixtures_dir / "staff_2024.json")
    assert len(staff) == 42


def test_get_director(staff):
    director = directory.get_employee(staff, 100)
    assert director.grade == "G7"


def test_sorted_names(staff):
    assert directory.sorted_names(staff) == ["Ann Lee", "Bo Chen", "Cy Diaz"]
