#!/usr/bin/env bash
# make demo: the avatars migration (seed 000) end to end.
#
#   part 1, offline: snapshot the bundled fixture, run, check --fix, read the
#           change set, write the report — no database needed;
#   part 2, live: a throwaway PostgreSQL loaded with the same data; snapshot
#           it, run the same plan, diff the two reports (equal), approve,
#           push, verify, roll back, verify the target is as before.
#
# Part 2 needs PostgreSQL server binaries; without them the demo says so and
# stops after part 1.  Everything happens under a temp folder.
set -euo pipefail
cd "$(dirname "$0")/.."
DD=${DRYDOCK:-build/drydock}
# a transcript, not a session: no pager stopping it for a key press
export DRYDOCK_PAGER=${DRYDOCK_PAGER-cat}
W=$(mktemp -d)
cleanup() { [[ -n ${DD_PG_DIR:-} ]] && pg_stop; rm -rf "$W"; }
trap cleanup EXIT
# bold headings on a terminal, unless NO_COLOR is set (no-color.org)
if [[ -t 1 && -z ${NO_COLOR:-} ]]; then
	say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
	say() { printf '\n== %s\n' "$*"; }
fi
# each command as the shell would take it back: quoted, so pasting works
show() { printf '$'; printf ' %q' "$@"; printf '\n'; "$@"; }
PLAN=examples/avatars
# the same seed and clock in both dry runs, so their change sets can match
FIXED=(--seed demo --clock "2026-01-15 09:00:00")

say "1. snapshot the fixture into a staging file"
show "$DD" snapshot --plan $PLAN --fixture fixtures/avatars -o "$W/fixture.db"
show "$DD" status "$W/fixture.db"

say "2. run the plan offline: schema changes, steps in batches of 100 users, checks"
show "$DD" run "$W/fixture.db" --plan $PLAN "${FIXED[@]}"
show "$DD" log "$W/fixture.db"

say "3. the two warnings have fixes in the plan: run them as recorded steps, check again"
show "$DD" check "$W/fixture.db" --fix

say "4. the change set, row by row (first rows), and the report"
show "$DD" changes "$W/fixture.db" --table users --limit 2
show "$DD" report "$W/fixture.db" -o "$W/report-fixture"

if ! [[ -x /usr/lib/postgresql/15/bin/initdb ]] && ! command -v initdb >/dev/null 2>&1; then
	say "no PostgreSQL server binaries here: the live part (push, rollback) is skipped"
	exit 0
fi

say "5. a throwaway PostgreSQL with the same data (fixtures/sql/avatars.sql)"
source tests/lib/pg.sh
pg_start
pg_createdb app
pg_psql -d app -f fixtures/sql/avatars.sql >/dev/null
URL="postgresql://postgres@/app?host=$PGHOST&port=$PGPORT"
echo "target: $URL"

say "6. snapshot the live database and dry-run the same plan"
show "$DD" snapshot --plan $PLAN --source "$URL" -o "$W/live.db"
show "$DD" -q run "$W/live.db" --plan $PLAN "${FIXED[@]}"
show "$DD" -q check "$W/live.db" --fix
show "$DD" report "$W/live.db" -o "$W/report-live"

say "7. the fixture rehearsal and the live dry run agree"
show "$DD" diff "$W/report-fixture/report.json" "$W/report-live/report.json" --ignore timings,context

say "8. approve, look at the exact SQL, push"
show "$DD" approve "$W/live.db" --by "demo" --note "rehearsed on the fixture"
"$DD" plan "$W/live.db" >"$W/push.sql"
awk '!/^--/ && NF && n++ < 20' "$W/push.sql"
echo "... ($(wc -l <"$W/push.sql") lines in all: drydock plan prints every statement push sends)"
before=$(pg_psql -d app -At -c "SELECT count(*) FROM avatars")
show "$DD" push "$W/live.db" --target "$URL" --yes

say "9. the target now: every user has an active avatar"
pg_psql -d app -c "SELECT count(*) AS users, count(active_avatar_id) AS with_avatar,
	(SELECT count(*) FROM avatars) AS avatars,
	(SELECT count(*) FROM posts WHERE avatar_id IS NULL) AS posts_without_avatar FROM users"
show "$DD" history --target "$URL"

say "10. roll back, and the target is as it was"
show "$DD" rollback "$W/live.db" --target "$URL" --yes
after=$(pg_psql -d app -At -c "SELECT count(*) FROM avatars")
pg_psql -d app -c "SELECT count(*) AS users, count(active_avatar_id) AS with_avatar,
	(SELECT count(*) FROM avatars) AS avatars FROM users"
[[ $before == "$after" ]] || { echo "rollback left $after avatars, expected $before" >&2; exit 1; }
say "done"
