from sqlalchemy import select

from dreamforge import dice
from models.roll_log import RollLog


def test_rolls_are_logged_per_campaign(session, campaign, rng):
    result = dice.roll("1d20", rng)
    session.add(RollLog(campaign=campaign, roller="Pip", notation="1d20", total=result.total))
    session.flush()

    logged = session.scalars(select(RollLog).where(RollLog.campaign_id == campaign.id)).all()
    assert [log.total for log in logged] == [result.total]
    assert logged[0].rolled_at is not None


def test_roll_log_reads_naturally():
    log = RollLog(roller="Brakka", notation="2d6+3", total=11)
    assert str(log) == "Brakka rolled 2d6+3: 11"
