from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
import pytest

from dreamforge.models import Campaign, Character


def test_new_campaign_gets_id_and_timestamp(session):
    campaign = Campaign(name="Curse of Strahd", dungeon_master="Morgan")
    session.add(campaign)
    session.flush()

    assert campaign.id is not None
    assert campaign.created_at is not None
    assert not campaign.is_archived


def test_campaign_names_are_unique(session, campaign):
    session.add(Campaign(name=campaign.name, dungeon_master="Someone Else"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_deleting_campaign_deletes_its_characters(session, campaign, party):
    session.delete(campaign)
    session.flush()

    assert session.scalar(select(func.count(Character.id))) == 0


def test_party_levels_follow_creation_order(campaign, party):
    party[2].level = 4
    assert campaign.party_levels == [3, 3, 4, 3]
