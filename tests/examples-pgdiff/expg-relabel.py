#!/usr/bin/env python3
"""expg-relabel.py KNOWN IN OUT [IN OUT ...]: renames the new UUIDs of
sorted "table<TAB>COPY row" lines, each IN to its OUT.

A UUID is new when it is not in KNOWN (one a line): the databases did not
hold it before the steps ran and the two sides did not both compute it, so
a step drew it (gen_random_uuid(): random in PostgreSQL, seeded in
drydock).  Every file is renamed by the same rule, so two are equal
exactly when one is the other with its new UUIDs renamed one-to-one:

  repeat until every new UUID has a name: mask the unnamed new UUIDs of
  the lines that still hold one as "new-?" (named ones read "new-N"),
  sort, and walk the lines whose masked text is unique, naming their
  unnamed UUIDs new-1, new-2, ... in order of appearance; when no masked
  line is unique, name those of the first line.

OUT: the lines with every new UUID replaced by its name, sorted.
"""
import re
import sys

UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')


def relabel(known, lines):
    names = {}

    def masked(line):
        return UUID.sub(lambda m: m.group(0) if m.group(0) in known
                        else names.get(m.group(0), 'new-?'), line)

    def unnamed(line):
        return [u for u in UUID.findall(line) if u not in known and u not in names]

    pending = [l for l in lines if unnamed(l)]
    while pending:
        view = sorted((masked(l), l) for l in pending)
        counts = {}
        for m, _ in view:
            counts[m] = counts.get(m, 0) + 1
        picks = [l for m, l in view if counts[m] == 1] or [view[0][1]]
        for l in picks:
            for u in unnamed(l):
                names[u] = 'new-%d' % (len(names) + 1)
        pending = [l for l in pending if unnamed(l)]
    return sorted(masked(l) for l in lines)


def main():
    known = set(l.strip() for l in open(sys.argv[1]))
    args = sys.argv[2:]
    for i in range(0, len(args), 2):
        with open(args[i]) as f:
            lines = [l.rstrip('\n') for l in f]
        with open(args[i + 1], 'w') as f:
            f.write(''.join(l + '\n' for l in relabel(known, lines)))


main()
