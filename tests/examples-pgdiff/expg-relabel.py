#!/usr/bin/env python3
"""Renames the new UUIDs of sorted "table<TAB>COPY row" lines (stdin).

A UUID is new when it is not in KNOWN (argv[1], one a line): the databases
did not hold it before the steps ran, so a step generated it
(gen_random_uuid(): random in PostgreSQL, seeded in drydock).  Both sides
are renamed by the same rule, so they are equal exactly when one is the
other with its new UUIDs renamed one-to-one:

  repeat: among the lines with unnamed new UUIDs, mask every unnamed one
  as "new-?" (named ones read "new-N"), sort, and name the unnamed UUIDs
  of the first line whose masked text is unique, in the order they appear
  in it; when no masked line is unique, name those of the first line.

Output: the lines with every new UUID replaced by its name, sorted.
"""
import re
import sys

UUID = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')


def main():
    known = set(l.strip() for l in open(sys.argv[1]))
    lines = [l.rstrip('\n') for l in sys.stdin]
    names = {}

    def masked(line):
        return UUID.sub(lambda m: m.group(0) if m.group(0) in known
                        else names.get(m.group(0), 'new-?'), line)

    pending = [l for l in lines if any(u not in known for u in UUID.findall(l))]
    while pending:
        pending = [l for l in pending if any(u not in known and u not in names
                                             for u in UUID.findall(l))]
        if not pending:
            break
        view = sorted((masked(l), l) for l in pending)
        counts = {}
        for m, _ in view:
            counts[m] = counts.get(m, 0) + 1
        pick = next((l for m, l in view if counts[m] == 1), view[0][1])
        for u in UUID.findall(pick):
            if u not in known and u not in names:
                names[u] = 'new-%d' % (len(names) + 1)
    out = sorted(masked(l) for l in lines)
    sys.stdout.write(''.join(l + '\n' for l in out))


main()
