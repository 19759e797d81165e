from profiles.schemas.plan import FreePlan, TeamPlan


def test_free_plan_has_one_seat():
    assert FreePlan().seats == 1


def test_team_plan_kind():
    assert TeamPlan().kind == "team"
