"""Starts pytest the way its `pytest` console script does, with fixpoint's plugin.

Running this file puts its own directory (which holds only fixpoint's plugin)
first on sys.path, exactly where the console script puts its bin directory, so
the project's imports resolve as they do under a plain `pytest`.
"""
import sys

try:
    import pytest
except ImportError as error:  # reported by fixpoint as one clear line
    sys.stderr.write("fixpoint: pytest is not importable: %s\n" % error)
    sys.exit(97)

raise SystemExit(pytest.main())
