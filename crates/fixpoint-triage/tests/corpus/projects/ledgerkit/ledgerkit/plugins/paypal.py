NAME = "paypal"


def fetch(since: str) -> list[dict]:
    return []
