def parse_query(params: dict):
    from profiles.schemas.search_query import SearchQuery

    return SearchQuery(**params)


def search(users: list[str], params: dict) -> list[str]:
    query = parse_query(params)
    return [u for u in users if query.q in u][: query.limit]
