"""Creating, finding and archiving campaigns."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dreamforge.models import Campaign, Character, Encounter
from dreamforge.schemas.campaign import CampaignCreate


class CampaignNotFound(LookupError):
    """No campaign with the requested id."""


class CampaignArchived(RuntimeError):
    """The campaign is archived and can no longer be changed."""


def create_campaign(session: Session, data: CampaignCreate) -> Campaign:
    """Create a campaign from validated input and flush it to get an id."""
    campaign = Campaign(name=data.name, dungeon_master=data.dungeon_master, setting=data.setting)
    session.add(campaign)
    session.flush()
    return campaign


def get_campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise CampaignNotFound(campaign_id)
    return campaign


def list_campaigns(session: Session, *, include_archived: bool = False) -> list[Campaign]:
    """All campaigns, alphabetically; archived ones only when asked for."""
    query = select(Campaign).order_by(Campaign.name)
    if not include_archived:
        query = query.where(Campaign.archived_at.is_(None))
    return list(session.scalars(query))


def rename_campaign(session: Session, campaign: Campaign, new_name: str) -> Campaign:
    if campaign.is_archived:
        raise CampaignArchived(campaign.name)
    campaign.name = new_name.strip()
    session.flush()
    return campaign


def archive_campaign(session: Session, campaign: Campaign) -> Campaign:
    """Archive a campaign; archiving twice keeps the original timestamp."""
    if not campaign.is_archived:
        campaign.archived_at = datetime.now(timezone.utc)
        session.flush()
    return campaign


def campaign_summary(session: Session, campaign: Campaign) -> dict[str, object]:
    """Headline numbers for the campaign dashboard."""
    character_count = session.scalar(
        select(func.count(Character.id)).where(Character.campaign_id == campaign.id)
    )
    encounter_count = session.scalar(
        select(func.count(Encounter.id)).where(Encounter.campaign_id == campaign.id)
    )
    levels = campaign.party_levels
    return {
        "name": campaign.name,
        "characters": character_count or 0,
        "encounters": encounter_count or 0,
        "average_level": round(sum(levels) / len(levels), 1) if levels else 0.0,
    }
