def avatar_for(data: dict):
    from profiles.schemas.avatar import Avatar

    return Avatar.model_validate(data)


def thumbnail(data: dict) -> tuple[int, int]:
    avatar = avatar_for(data)
    return avatar.width // 2, avatar.height // 2
