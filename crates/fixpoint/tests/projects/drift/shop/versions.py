# Written for packaging 21: LegacyVersion was removed in packaging 22.
from packaging.version import LegacyVersion, Version


def parse(text: str):
    try:
        return Version(text)
    except ValueError:
        return LegacyVersion(text)
