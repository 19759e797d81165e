from profiles.records import UserRecord
from profiles.schemas.user import UserOut


def to_public(record: UserRecord) -> UserOut:
    return UserOut.model_validate(record)


def to_public_legacy(record: UserRecord) -> UserOut:
    return UserOut.from_orm(record)


def public_profiles(records: list[UserRecord]) -> list[dict]:
    return [to_public(record).model_dump() for record in records]


def default_avatar_url(username: str) -> str:
    from profiles.config import get_settings

    return f"{get_settings().avatar_base_url}/{username}.png"
