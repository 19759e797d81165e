import pytest

from dreamforge.schemas.campaign import CampaignCreate, CampaignRead


def test_create_accepts_dm_alias():
    data = CampaignCreate(name="Tomb of Annihilation", dm="Jess")
    assert data.dungeon_master == "Jess"
    assert data.setting is None


def test_create_accepts_field_name():
    data = CampaignCreate(name="Tomb of Annihilation", dungeon_master="Jess", setting="Chult")
    assert data.dungeon_master == "Jess"


def test_name_is_required():
    with pytest.raises(ValidationError):
        CampaignCreate(dm="Jess")


def test_read_from_model_includes_party(campaign, party):
    payload = CampaignRead.model_validate(campaign)

    assert payload.name == "The Sunless Citadel"
    assert [c.name for c in payload.characters] == ["Brakka", "Ilyana", "Pip", "Sister Mara"]


def test_read_serialises_dates_as_iso_strings(campaign):
    dumped = CampaignRead.model_validate(campaign).model_dump(mode="json")
    assert dumped["created_at"].startswith(str(campaign.created_at.year))
    assert dumped["archived_at"] is None
