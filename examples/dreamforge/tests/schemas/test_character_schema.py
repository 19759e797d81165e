import pytest
from pydantic import ValidationError

from dreamforge.schemas.character import CharacterCreate, CharacterRead


def test_create_normalises_class_name():
    data = CharacterCreate(name="Pip", character_class=" Rogue ")
    assert data.character_class == "rogue"
    assert data.level == 1


def test_create_rejects_unknown_class():
    with pytest.raises(ValidationError, match="unknown character class"):
        CharacterCreate(name="Zed", character_class="gunslinger")


@pytest.mark.parametrize("level", [0, 21])
def test_create_rejects_level_out_of_range(level):
    with pytest.raises(ValidationError):
        CharacterCreate(name="Pip", character_class="rogue", level=level)


def test_read_from_model(party):
    sheet = CharacterRead.model_validate(party[0])

    assert sheet.name == "Brakka"
    assert sheet.proficiency_bonus == 2
    assert sheet.current_hit_points == 31
