"""The code under test: the history test edits VALUE between runs."""

VALUE = 1
