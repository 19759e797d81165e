"""Tiny command line front-end: ``python -m dreamforge roll 2d6+3``."""

from __future__ import annotations

import argparse
import sys

from dreamforge import __version__, dice


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="dreamforge", description=__doc__)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    roll_cmd = commands.add_parser("roll", help="roll dice, e.g. 2d6+3")
    roll_cmd.add_argument("notation", nargs="+")
    args = parser.parse_args(argv)

    if args.command == "roll":
        for notation in args.notation:
            try:
                result = dice.roll(notation)
            except dice.DiceNotationError as exc:
                print(f"error: {exc}", file=sys.stderr)
                return 2
            faces = ", ".join(str(face) for face in result.faces)
            print(f"{result.expression}: [{faces}] = {result.total}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
