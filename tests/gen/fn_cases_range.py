"""range cases for fn_cases.py."""


def define(g):
    g.case("range", "1", "1")
