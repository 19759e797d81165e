"""Attacks the read-only `fixpoint mcp` server with the official Python MCP
client, as a hostile client would: options where paths belong, and links
that lead out of the project. Every attack must be a tool error (or serve
nothing of what lies outside), and nothing outside may change.

    python attacks.py FIXPOINT PROJECT PYTHON OUTSIDE

The project has a recorded run, `shop/linked` (a link to OUTSIDE),
`shop/secret.py` (a link to OUTSIDE/secret.py) and `.cursor/rules/leak.mdc`
(a link to OUTSIDE/secret.mdc). Prints a line per check; exits 1 on the first
that fails.
"""

import asyncio
import json
import os
import sys

from mcp import Client, StdioServerParameters

FIXPOINT, PROJECT, PYTHON, OUTSIDE = sys.argv[1:5]
SECRETS = ("outside-secret-0451", "outside-rule-0451")


def check(condition, what, detail=""):
    print(("ok   " if condition else "FAIL ") + what + (f": {detail}" if detail and not condition else ""))
    if not condition:
        sys.exit(1)


def text_of(result):
    return " ".join(getattr(block, "text", "") for block in result.content)


async def attacks():
    server = StdioServerParameters(command=FIXPOINT, args=["mcp", "--project", PROJECT, "--python", PYTHON], cwd=PROJECT)
    async with Client(server, mode="legacy") as client:
        for paths, why in [
            ([f"--basetemp={OUTSIDE}/victim"], "starts with `-`"),
            ([f"--junitxml={OUTSIDE}/out.xml"], "starts with `-`"),
            (["-p", "no:cacheprovider"], "starts with `-`"),
            (["tests/test_orders.py", "--rootdir=/"], "starts with `-`"),
            ([f"{OUTSIDE}/victim"], "is outside the project"),
            (["shop/linked/secret.py"], "leads outside the project through the symbolic link `shop/linked`"),
            (["./.git/config"], ".git"),
        ]:
            result = await client.call_tool("run_tests", {"paths": paths})
            check(result.is_error and why in text_of(result), f"run_tests refuses {paths}", text_of(result))
        result = await client.call_tool("run_tests", {"keyword": f"--basetemp={OUTSIDE}/victim"})
        check(result.is_error and "starts with `-`" in text_of(result), "a -k expression is no option", text_of(result))
        check(os.path.exists(f"{OUTSIDE}/victim/keep.txt"), "pytest deleted nothing outside")
        check(not os.path.exists(f"{OUTSIDE}/out.xml"), "pytest wrote nothing outside")

        run = (await client.call_tool("run_tests", {"paths": ["./tests/"]})).structured_content
        check(run is not None and run["total"] == 1, "a path typed as `./tests/` still runs", run)

        for paths in (["shop"], ["shop/secret.py"], ["."]):
            result = await client.call_tool("pack_context", {"paths": paths})
            served = json.dumps(result.structured_content) + text_of(result)
            check(not any(secret in served for secret in SECRETS), f"pack_context {paths} serves nothing from outside",
                  served[:300])
        result = await client.call_tool("pack_context", {"paths": ["shop/linked"]})
        check(result.is_error or not any(s in json.dumps(result.structured_content) for s in SECRETS),
              "pack_context of a linked directory serves nothing from outside", text_of(result))

        rules = (await client.call_tool("list_rules", {})).structured_content
        check(all(rule["name"] != "leak" for rule in rules["rules"]), "a rule linked from outside is not listed", rules)
        try:
            contents = (await client.read_resource("fixpoint://rules/leak")).contents[0].text
            check(not any(secret in contents for secret in SECRETS), "resources/read serves nothing from outside", contents)
        except Exception as error:  # noqa: BLE001 - an MCP error is the refusal
            check(not any(secret in str(error) for secret in SECRETS), "resources/read refuses the linked rule", str(error))


asyncio.run(attacks())
print("all attacks refused")
