"""Replaces one `## ` section of docs/benchmarks.md, keeping the others."""
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = "# Benchmarks\n\nfixpoint against the tools a user would pick instead, measured in one run.\n"


def replace_section(heading: str, body: str) -> None:
    section = heading + "\n\n" + body.strip("\n") + "\n"
    text = DOCS.read_text() if DOCS.exists() else HEADER
    if heading in text:
        before, _, rest = text.partition(heading)
        following = rest.find("\n## ")
        text = before + section + (rest[following:] if following != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    DOCS.write_text(text)
