from pydantic import BaseModel, conlist


class SkillList(BaseModel):
    skills: conlist(str, min_items=1, max_items=5)
