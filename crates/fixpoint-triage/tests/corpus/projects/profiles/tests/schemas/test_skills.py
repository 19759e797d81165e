from profiles.schemas.skills import SkillList


def test_skills_list():
    assert SkillList(skills=["python", "sql"]).skills == ["python", "sql"]
