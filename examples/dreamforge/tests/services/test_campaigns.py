import json
from datetime import datetime, timezone
from pathlib import Path

from dreamforge.schemas.campaign import CampaignCreate
from dreamforge.services import campaigns

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


def _create(session, name, dm="Morgan"):
    return campaigns.create_campaign(session, CampaignCreate(name=name, dm=dm))


def test_create_campaign(session):
    campaign = _create(session, "Storm King's Thunder")

    assert campaign.id is not None
    assert campaigns.get_campaign(session, campaign.id) is campaign


def test_create_campaign_from_sample_file(session):
    payload = CampaignCreate.model_validate(json.loads((DATA_DIR / "sample_campaign.json").read_text()))
    campaign = campaigns.create_campaign(session, payload)

    assert campaign.dungeon_master == "Rosa"
    assert campaign.setting == "Sword Coast"


def test_list_campaigns_hides_archived(session):
    _create(session, "Waterdeep: Dragon Heist")
    old = _create(session, "Hoard of the Dragon Queen")
    old.archived_at = datetime(2023, 1, 1, tzinfo=timezone.utc)
    session.flush()

    assert [c.name for c in campaigns.list_campaigns(session)] == ["Waterdeep: Dragon Heist"]
    assert len(campaigns.list_campaigns(session, include_archived=True)) == 2


def test_rename_campaign_trims_name(session, campaign):
    campaigns.rename_campaign(session, campaign, "  The Sunless Citadel (2e)  ")
    assert campaign.name == "The Sunless Citadel (2e)"


def test_archive_campaign(session, campaign):
    campaigns.archive_campaign(session, campaign)

    assert campaign.is_archived
    assert campaigns.list_campaigns(session) == []


def test_campaign_summary(session, campaign_factory):
    campaign = campaign_factory(name="Rime of the Frostmaiden", characters=3)

    summary = campaigns.campaign_summary(session, campaign)

    assert summary["characters"] == 3
    assert summary["encounters"] == 0
    assert summary["average_level"] == 1.0
