"""Campaign export: JSON for backups, Markdown for the session notes wiki."""

from __future__ import annotations

from typing import Any

from dreamforge.models import Campaign
from dreamforge.schemas.campaign import CampaignRead


def campaign_to_json(campaign: Campaign) -> str:
    """Pretty-printed JSON backup of a campaign and its party."""
    return CampaignRead.model_validate(campaign).json(indent=2)


def campaign_digest(campaign: Campaign) -> dict[str, Any]:
    """Flat summary used by the weekly recap e-mail."""
    data = CampaignRead.model_validate(campaign).dict(exclude={"characters"})
    data["party"] = [f"{c.name} ({c.character_class} {c.level})" for c in campaign.characters]
    return data


def campaign_to_markdown(campaign: Campaign) -> str:
    """Markdown page for the campaign wiki."""
    lines = [f"# {campaign.name}", "", f"*Dungeon Master:* {campaign.dungeon_master}"]
    if campaign.setting:
        lines.append(f"*Setting:* {campaign.setting}")
    lines += ["", "## Party", ""]
    if campaign.characters:
        lines += [
            f"- **{c.name}** -- level {c.level} {c.race} {c.character_class}"
            + (f" (played by {c.player_name})" if c.player_name else "")
            for c in campaign.characters
        ]
    else:
        lines.append("_No characters yet._")
    return "\n".join(lines) + "\n"
