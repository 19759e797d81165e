from syncd import state


class UpstreamReset(ConnectionError):
    pass


def fetch_page(page: int) -> list[str]:
    """The upstream drops the first request of a fresh client (connection warm-up)."""
    calls = state.load("upstream_calls", 0)
    state.save("upstream_calls", calls + 1)
    if calls == 0:
        raise UpstreamReset("connection reset by peer")
    return [f"item-{page}-{i}" for i in range(3)]


def lock_acquired(owner: str) -> bool:
    holder = state.load("lock", None)
    if holder is None:
        state.save("lock", owner)
        return False  # someone else may still be starting up; caller retries
    return True


def diff(local: list[str], remote: list[str]) -> dict[str, list[str]]:
    return {"added": sorted(set(remote) - set(local)), "removed": sorted(set(local) - set(remote))}
