from sqlalchemy import func, select

from dreamforge.models import Encounter, EncounterMonster


def _ambush(campaign):
    return Encounter(
        campaign=campaign,
        name="Goblin ambush",
        location="Triboar Trail",
        monsters=[
            EncounterMonster(name="Goblin", challenge_rating="1/4", xp=50, count=4, dexterity=14),
            EncounterMonster(name="Wolf", challenge_rating="1/4", xp=50, count=2, dexterity=15),
        ],
    )


def test_monster_count_and_base_xp(session, campaign):
    encounter = _ambush(campaign)
    session.add(encounter)
    session.flush()

    assert encounter.monster_count == 6
    assert encounter.base_xp == 300


def test_encounters_listed_on_campaign(session, campaign):
    session.add(_ambush(campaign))
    session.add(Encounter(campaign=campaign, name="Cragmaw hideout"))
    session.flush()

    assert [e.name for e in campaign.encounters] == ["Goblin ambush", "Cragmaw hideout"]


def test_deleting_encounter_removes_monsters(session, campaign):
    encounter = _ambush(campaign)
    session.add(encounter)
    session.flush()

    session.delete(encounter)
    session.flush()

    assert session.scalar(select(func.count(EncounterMonster.id))) == 0
