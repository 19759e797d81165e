import json

from dreamforge.services.export import campaign_digest, campaign_to_json, campaign_to_markdown


def test_markdown_lists_party(campaign, party):
    page = campaign_to_markdown(campaign)

    assert page.startswith("# The Sunless Citadel\n")
    assert "- **Pip** -- level 3 halfling rogue (played by Tom)" in page


def test_json_backup(campaign, party):
    text = campaign_to_json(campaign)

    data = json.loads(text)
    assert data["name"] == "The Sunless Citadel"
    assert [c["name"] for c in data["characters"]] == ["Brakka", "Ilyana", "Pip", "Sister Mara"]
    assert '\n  "name": "The Sunless Citadel"' in text  # human-readable backups


def test_digest_for_recap_email(campaign, party):
    digest = campaign_digest(campaign)

    assert "characters" not in digest
    assert digest["dungeon_master"] == "Morgan"
    assert digest["party"][0] == "Brakka (fighter 3)"
