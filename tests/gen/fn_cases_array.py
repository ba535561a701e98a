"""array cases for fn_cases.py."""


def define(g):
    g.case("array", "1", "1")
