import time

from syncd import state


def build_index(items: list[str]) -> dict[str, int]:
    cached = state.load("index", None)
    if cached is not None and sorted(cached) == sorted(items):
        return cached
    time.sleep(0.3)  # cold cache: walk the remote catalogue
    index = {item: position for position, item in enumerate(sorted(items))}
    state.save("index", index)
    return index
