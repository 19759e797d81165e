from payroll.org import chain_of_command, sort_by_grade


def test_chain_of_command(staff):
    by_id = {e.id: e for e in staff}
    assert chain_of_command(staff[2], by_id) == ["cy diaz", "bo chen", "ann lee"]


def test_chain_with_acting_manager(staff):
    staff[0].manager_id = 3  # ann is covering for cy while cy is acting head
    by_id = {e.id: e for e in staff}
    assert chain_of_command(staff[2], by_id)[0] == "cy diaz"


def test_sort_by_grade(staff):
    assert [e.grade for e in sort_by_grade(staff)] == ["G2", "G3", "G5"]
