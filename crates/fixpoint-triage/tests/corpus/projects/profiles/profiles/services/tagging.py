def normalise_tags(raw: list[str]):
    from profiles.schemas.tags import TagSet

    return TagSet(tags=sorted({tag.strip().lower() for tag in raw}))
