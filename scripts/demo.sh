#!/usr/bin/env bash
# make demo: the avatars migration (seed 000) end to end on its bundled
# fixture.  Everything happens under a temp folder; nothing is left behind.
set -euo pipefail
cd "$(dirname "$0")/.."
DD=${DRYDOCK:-build/drydock}
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

say "1. snapshot the fixture into a staging file"
show "$DD" snapshot --plan examples/avatars --fixture fixtures/avatars -o "$W/avatars.db"
show "$DD" status "$W/avatars.db"

say "2. run the plan offline: schema changes, then steps in batches of 100 users"
show "$DD" run "$W/avatars.db" --plan examples/avatars
show "$DD" log "$W/avatars.db"

say "3. the checks (the run printed what failed): fix what the plan's fixes can, check again"
show "$DD" check "$W/avatars.db" --fix

say "4. the change set, row by row (first rows)"
show "$DD" changes "$W/avatars.db" --table users --limit 3
show "$DD" changes "$W/avatars.db" --table avatars --op I --limit 2

say "done: the staging file is reproducible — run it again and the hash is the same"
show "$DD" -q run "$W/avatars.db" --plan examples/avatars --no-check
