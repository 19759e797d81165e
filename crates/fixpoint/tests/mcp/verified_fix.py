"""Drives `fixpoint mcp --allow-writes` with the official Python MCP client
through a verified fix, the server started in a directory outside the project
(as an editor starts it): tool paths are the project's, `.`, `./app`, `app/`
select the same files, and `fix` with `apply` keeps what the tests confirm
and takes back the file whose fix breaks a passing test.

    python verified_fix.py FIXPOINT PROJECT PYTHON ELSEWHERE

The project is tests/projects/verify with a recorded run. Prints one line per
check and exits 1 on the first that fails.
"""

import asyncio
import pathlib
import sys

from mcp import Client, StdioServerParameters

FIXPOINT, PROJECT, PYTHON, ELSEWHERE = sys.argv[1:5]


def check(condition, what, detail=""):
    print(("ok   " if condition else "FAIL ") + what + (f": {detail}" if detail and not condition else ""))
    if not condition:
        sys.exit(1)


def structured(result):
    text = " ".join(getattr(block, "text", "") for block in result.content)
    check(not result.is_error, "the call succeeded", text)
    return result.structured_content


async def main():
    server = StdioServerParameters(
        command=FIXPOINT,
        args=["mcp", "--project", PROJECT, "--python", PYTHON, "--allow-writes"],
        cwd=ELSEWHERE,
    )
    async with Client(server) as client:
        whole = structured(await client.call_tool("fix", {}))
        check(whole["files"] == ["app/coins.py", "app/loot.py"], "a dry run plans both files", whole["files"])
        for paths in (["."], ["./app"], ["app/"], [str(pathlib.Path(PROJECT) / "app")]):
            planned = structured(await client.call_tool("fix", {"paths": paths}))
            check(planned["files"] == whole["files"] and planned["diff"] == whole["diff"],
                  f"paths {paths} select what the whole project does", planned["files"])
        tests_only = await client.call_tool("fix", {"paths": ["tests"]})
        check(tests_only.is_error or structured(tests_only)["files"] == [], "paths ['tests'] select no fixable file")
        outside = await client.call_tool("fix", {"paths": ["../"]})
        check(outside.is_error, "a path that leaves the project is refused")
        ignored = structured(await client.call_tool("fix", {"ignore": ["missing-import"]}))
        check(ignored["files"] == [] and ignored["fixes"] == 0, "the caller's ignore is heard", ignored)
        unknown = await client.call_tool("fix", {"select": ["FP099"]})
        check(unknown.is_error and "unknown fixer `FP099`" in " ".join(getattr(b, "text", "") for b in unknown.content),
              "an unknown fixer is a tool error that names it")

        applied = structured(await client.call_tool("fix", {"apply": True}))
        check(applied["applied"] is True and applied["journal_id"], "fix applied through the journal", applied)
        check(applied["taken_back"] == ["app/loot.py"], "the fix that broke a passing test was taken back",
              applied["taken_back"])
        loot = (pathlib.Path(PROJECT) / "app/loot.py").read_text()
        coins = (pathlib.Path(PROJECT) / "app/coins.py").read_text()
        check(loot == "def value():\n    return Decimal(1)\n", "app/loot.py is as it was", loot)
        check(coins.startswith("from decimal import Decimal\n"), "app/coins.py keeps its fix", coins)

        run = structured(await client.call_tool("run_tests", {}))
        check((run["passed"], run["failing"]) == (3, 1), "the next run: one more passes, none broken", run["summary"])

        undone = structured(await client.call_tool("undo", {}))
        check(undone["files"] == ["app/coins.py"], "undo takes back what was kept", undone)
    print("all checks passed")


asyncio.run(main())
