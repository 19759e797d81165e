"""The plan's stories through `fixpoint mcp`, with the official Python MCP
client: every story is a resource, a story reads as its Markdown, the
`work-next-story` prompt returns the open story with the largest impact and
its context, and a story URI is never a path.

    python plan.py FIXPOINT PROJECT PYTHON NEXT TRIED

NEXT is the story the prompt must return; TRIED a story whose status is
In Progress. Prints one line per check and exits 1 on the first that fails.
"""

import asyncio
import json
import sys

from mcp import Client, StdioServerParameters

FIXPOINT, PROJECT, PYTHON, NEXT, TRIED = sys.argv[1:6]


def check(condition, what, detail=""):
    print(("ok   " if condition else "FAIL ") + what + (f": {detail}" if detail and not condition else ""))
    if not condition:
        sys.exit(1)


async def main():
    with open(f"{PROJECT}/.ai/plan.json") as file:
        planned = {story["id"]: story for story in json.load(file)["stories"]}
    params = StdioServerParameters(command=FIXPOINT, args=["mcp", "--project", PROJECT, "--python", PYTHON],
                                   cwd=PROJECT)
    async with Client(params, mode="legacy") as client:
        resources = {str(r.uri): r for r in (await client.list_resources()).resources}
        listed = {uri.removeprefix("fixpoint://stories/") for uri in resources if uri.startswith("fixpoint://stories/")}
        check(listed == set(planned), "every story is a resource", sorted(listed ^ set(planned)))
        tried = resources[f"fixpoint://stories/{TRIED}"]
        check(tried.description.endswith(": In Progress"), "a story's status is in its description", tried.description)
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
        check("fixpoint://stories/{id}" in templates, "the story template is listed", templates)
        text = (await client.read_resource(f"fixpoint://stories/{TRIED}")).contents[0].text
        with open(f"{PROJECT}/.ai/stories/{TRIED}.md") as file:
            check(text == file.read(), "a story reads as its file")
        for hostile in ["../../../../etc/passwd", "..%2F..%2Fplan.json", "P000000", "../plan.json"]:
            try:
                await client.read_resource(f"fixpoint://stories/{hostile}")
                check(False, f"stories/{hostile} is refused")
            except Exception as error:  # noqa: BLE001 - any MCP error will do
                check("no story" in str(error), f"stories/{hostile} is refused", str(error))

        prompts = {p.name for p in (await client.list_prompts()).prompts}
        check("work-next-story" in prompts, "work-next-story is listed", prompts)
        prompt = (await client.get_prompt("work-next-story", {})).messages[0].content.text
        check(f"# {NEXT}: " in prompt, "the prompt returns the open story with the largest impact", prompt[:400])
        story = planned[NEXT]
        check(all(f"`{test}`" in prompt for test in story["tests"]), "with its acceptance tests")
        first = next(t for t in story["tests"] if t not in story["passing"])
        check("## Context of its first failing test" in prompt and first in prompt.split("## Context")[1],
              "and the context of its first failing test", prompt[-600:])
    print("all checks passed")


asyncio.run(main())
