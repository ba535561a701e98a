#!/usr/bin/env bash
# Named time zones in PostgreSQL-SQL steps (issue 11): timestamp AT TIME
# ZONE 'Europe/Paris', timestamptz AT TIME ZONE, date_trunc(unit, tstz,
# zone) and make_timestamptz(..., zone) read the tz database
# PostgreSQL itself reads (Debian: /usr/share/zoneinfo).  PostgreSQL 15 is
# the oracle: for every zone it lists and instants around the transitions
# (spring-forward gaps, fall-back overlaps, LMT before 1900, the POSIX rule
# after the last listed transition, the 400-year repeat after 2400), the
# server computes the conversions into the table before the snapshot, and
# the step computes them again offline: every row must agree.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() {
	pg_start || return 1
	pg_createdb app
	pg_psql -d app >/dev/null <<-'SQL'
		CREATE TABLE tz (id serial PRIMARY KEY, zone text NOT NULL, loc timestamp NOT NULL,
		                 utc timestamptz NOT NULL, want_utc timestamptz, want_loc timestamp,
		                 got_utc timestamptz, got_loc timestamp,
		                 want_day timestamptz, want_hour timestamptz, want_make timestamptz,
		                 got_day timestamptz, got_hour timestamptz, got_make timestamptz);
		SET TIME ZONE 'UTC';
		INSERT INTO tz (zone, loc, utc)
		SELECT z.name, (d + t)::timestamp, (d + t)::timestamp AT TIME ZONE 'UTC'
		FROM pg_timezone_names z,
		     unnest(ARRAY[1850, 1975, 2024, 2090, 2801]) y,
		     unnest(ARRAY['03-10', '03-31', '04-07', '10-06', '10-27', '11-03']) md,
		     LATERAL (SELECT make_date(y, split_part(md, '-', 1)::int, split_part(md, '-', 2)::int) AS d) dd,
		     unnest(ARRAY[interval '00:30', '01:30', '02:30', '03:30']) t
		WHERE z.name NOT LIKE 'posix/%' AND z.name NOT LIKE 'right/%';
		UPDATE tz SET want_utc = loc AT TIME ZONE zone, want_loc = utc AT TIME ZONE zone,
		              want_day = date_trunc('day', utc, zone), want_hour = date_trunc('hour', utc, zone),
		              want_make = make_timestamptz(extract(year FROM loc)::int, extract(month FROM loc)::int,
		                                           extract(day FROM loc)::int, extract(hour FROM loc)::int,
		                                           extract(minute FROM loc)::int, 0, zone);
	SQL
	FIX=$T/fix
	mkdir -p "$FIX/p"
	cat >"$FIX/p/plan.json" <<-'EOF'
		{"name": "zones", "sources": {"app": {"tables": ["tz"]}},
		 "steps": [{"name": "convert", "sql": "convert.sql"}]}
	EOF
	cat >"$FIX/p/convert.sql" <<-'SQL'
		UPDATE tz SET got_utc = loc AT TIME ZONE zone, got_loc = utc AT TIME ZONE zone,
		              got_day = date_trunc('day', utc, zone), got_hour = date_trunc('hour', utc, zone),
		              got_make = make_timestamptz(extract(year FROM loc)::int, extract(month FROM loc)::int,
		                                          extract(day FROM loc)::int, extract(hour FROM loc)::int,
		                                          extract(minute FROM loc)::int, 0, zone);
	SQL
	dd -q snapshot --plan "$FIX/p" --source app -o "$FIX/s.db"
}

# the snapshot and the plan, here
fixture() {
	cp -r "$FIX/p" p
	cp "$FIX/s.db" s.db
}
teardown_file() { pg_stop; }

t_every_zone_converts_as_postgresql_does() {
	local rows zones
	rows=$(pg_psql -d app -Atc "SELECT count(*) FROM tz")
	zones=$(pg_psql -d app -Atc "SELECT count(DISTINCT zone) FROM tz")
	[[ $zones -gt 300 && $rows -gt 30000 ]] || fail "only $zones zones, $rows rows"
	fixture
	run dd run s.db --plan p
	assert_status 0
	assert_eq "$rows" "$(sqlite3 s.db "SELECT count(*) FROM tz WHERE got_utc IS want_utc AND got_loc IS want_loc AND got_day IS want_day AND got_hour IS want_hour AND got_make IS want_make")"
	# not vacuous: the zones differ from UTC and among themselves
	[[ $(sqlite3 s.db "SELECT count(DISTINCT got_utc) FROM tz") -gt 5000 ]] || fail "too few distinct results"
}

t_a_gap_and_an_overlap_take_postgresql_offsets() {
	fixture
	echo "UPDATE tz SET got_utc = loc AT TIME ZONE zone WHERE zone = 'America/New_York';" >p/convert.sql
	run dd run s.db --plan p
	assert_status 0
	# 02:30 does not exist in New York on 2024-03-10 (the offset before,
	# -05, is taken); 01:30 happens twice on 2024-11-03 (the one after, -05)
	assert_eq "2024-03-10 07:30:00+00|2024-11-03 06:30:00+00" \
		"$(sqlite3 s.db "SELECT group_concat(got_utc, '|') FROM (SELECT got_utc FROM tz WHERE zone = 'America/New_York' AND loc IN ('2024-03-10 02:30:00', '2024-11-03 01:30:00') ORDER BY loc)")"
}

t_named_zones_elsewhere_and_unknown_names_are_refused() {
	fixture
	echo "UPDATE tz SET got_loc = (utc::timetz AT TIME ZONE 'Europe/Paris')::time + date '2000-01-01';" >p/convert.sql
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains "time zone \"Europe/Paris\" is not supported by drydock here"
	echo "UPDATE tz SET got_loc = utc AT TIME ZONE 'Mars/Base';" >p/convert.sql
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains "time zone \"Mars/Base\" not recognized"
	# a zone read from a column that names no zone stops the step as in PostgreSQL
	echo "UPDATE tz SET got_loc = utc AT TIME ZONE (zone || 'x') WHERE id = 1;" >p/convert.sql
	run dd run s.db --plan p
	assert_status 3
	assert_err_matches "time zone \".*x\" not recognized"
}

run_tests
