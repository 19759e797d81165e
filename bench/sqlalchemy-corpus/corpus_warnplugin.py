"""A pytest plugin the corpus loads with `-p corpus_warnplugin` under SQLAlchemy 1.4
(with SQLALCHEMY_WARN_20=1 and `-W always::sqlalchemy.exc.RemovedIn20Warning`): it
collects every RemovedIn20Warning pytest records (collection and tests) by the file
and line it points to (SQLAlchemy 1.4 skips its own frames, so that is the first
caller outside sqlalchemy and alembic) and writes them, one JSON object a line with
the number of hits, to the file named by CORPUS_WARNINGS_OUT when the session ends."""

import json
import os

_SITES = {}


def pytest_warning_recorded(warning_message, when, nodeid, location):
    if warning_message.category.__name__ not in ("RemovedIn20Warning", "MovedIn20Warning"):
        return
    key = (str(warning_message.filename), warning_message.lineno)
    site = _SITES.get(key)
    if site is None:
        message = str(warning_message.message).split("\n")[0]
        message = message.split(" (Background on SQLAlchemy 2.0")[0][:300]
        site = _SITES[key] = {"file": key[0], "line": key[1], "message": message, "hits": 0, "first": nodeid or when}
    site["hits"] += 1


def pytest_sessionfinish(session, exitstatus):
    out = os.environ.get("CORPUS_WARNINGS_OUT")
    if not out:
        return
    with open(out, "w") as f:
        for site in _SITES.values():
            f.write(json.dumps(site) + "\n")
