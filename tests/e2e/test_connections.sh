#!/usr/bin/env bash
# Connections the psql way: a bare database name, -h -p -U -d (and long
# forms), the PG* variables alone, a password asked on a terminal (no echo,
# never printed) and the clear error without one; TLS.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() {
	pg_start || return 1
	pg_createdb app
	pg_psql -d app <<-'SQL'
		CREATE TYPE vis AS ENUM ('public', 'private');
		CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL UNIQUE, v vis DEFAULT 'public');
		INSERT INTO users VALUES (1, 'a@x', 'public'), (2, 'b@x', 'private');
	SQL
	PLAN=$T/plan
	mkdir -p "$PLAN"
	cat >"$PLAN/plan.json" <<-'JSON'
		{"name": "conn", "sources": {"app": {"tables": ["users"]}},
		 "steps": [{"name": "s1", "sql": "s1.sql"}]}
	JSON
	echo "UPDATE users SET email = email || '.org';" >"$PLAN/s1.sql"
	export PLAN
}

teardown_file() { pg_stop; }

# on_tty PASSWORD CMD...: runs CMD on a pseudo-terminal (util-linux
# script), types PASSWORD once the prompt shows, prints the transcript.
on_tty() {
	local pw=$1 i rc
	shift
	if [[ $pw == - ]]; then # nothing to type
		rc=0
		script -qefc "$*" out.log </dev/null >/dev/null 2>&1 || rc=$?
		tr -d '\r' <out.log
		rm -f out.log
		return $rc
	fi
	mkfifo in
	script -qefc "$*" out.log <in >/dev/null 2>&1 &
	local spid=$!
	exec 3>in
	for i in $(seq 200); do
		grep -q "Password for user" out.log 2>/dev/null && break
		sleep 0.05
	done
	printf '%s\n' "$pw" >&3
	exec 3>&-
	rc=0
	wait $spid || rc=$?
	tr -d '\r' <out.log
	rm -f in out.log
	return $rc
}

rows() { "$DRYDOCK" status "$1" | grep -c 'app.users *2'; }

t_bare_database_name() {
	run dd snapshot --plan "$PLAN" --source app -o s.db
	assert_status 0
	assert_eq 1 "$(rows s.db)"
	assert_out_not_contains 'missing "="'
}

t_pg_variables_alone() {
	PGDATABASE=app run dd snapshot --plan "$PLAN" -o s.db
	assert_status 0
	"$DRYDOCK" status s.db >st.txt
	grep -q "dbname=app" st.txt || fail "status does not name database app: $(cat st.txt)"
}

t_psql_options_short_and_long() {
	run dd snapshot --plan "$PLAN" -h "$PGHOST" -p "$PGPORT" -U postgres -d app -o s.db
	assert_status 0
	PGPORT=1 run dd snapshot --plan "$PLAN" --host "$PGHOST" --port "$PGPORT" --username postgres --dbname app -o s2.db
	assert_status 0
	# -p wins over PGPORT: a wrong port in the option fails
	run dd snapshot --plan "$PLAN" -p 1 -d app -o s3.db
	assert_status 3
	assert_err_contains "cannot connect to source 'app'"
	assert_no_file s3.db
}

t_no_password_without_terminal_is_a_clear_error() {
	run dd snapshot --plan "$PLAN" -h 127.0.0.1 -p "$PGPORT" -d app -o s.db </dev/null
	assert_status 3
	assert_err_contains "fe_sendauth: no password supplied"
	assert_err_contains "hint: The server asks for a password: set PGPASSWORD"
	assert_no_file s.db
}

t_password_prompt_on_terminal() {
	local out
	out=$(on_tty "$DD_PG_PASSWORD" "$DRYDOCK" snapshot --plan "$PLAN" -h 127.0.0.1 -p "$PGPORT" -d app -o "$T/s.db") ||
		fail "snapshot with a typed password failed: $out"
	[[ $out == *"Password for user postgres: "* ]] || fail "no prompt: $out"
	[[ $out != *"$DD_PG_PASSWORD"* ]] || fail "the password was echoed or printed: $out"
	assert_eq 1 "$(rows s.db)"
	if strings s.db | grep -q "$DD_PG_PASSWORD"; then fail "password in the staging file"; fi
}

t_wrong_password_on_terminal() {
	local out rc=0
	out=$(on_tty "not-$DD_PG_PASSWORD" "$DRYDOCK" snapshot --plan "$PLAN" -h 127.0.0.1 -p "$PGPORT" -d app -o "$T/s.db") || rc=$?
	assert_eq 3 "$rc"
	[[ $out == *"password authentication failed"* ]] || fail "no server error: $out"
	[[ $out == *"The password typed was refused"* ]] || fail "no hint: $out"
	[[ $out != *"not-$DD_PG_PASSWORD"* ]] || fail "the password was printed: $out"
}

t_no_password_option_never_prompts() {
	local out rc=0
	out=$(on_tty - "$DRYDOCK" snapshot --plan "$PLAN" -w -h 127.0.0.1 -p "$PGPORT" -d app -o "$T/s.db") || rc=$?
	assert_eq 3 "$rc"
	[[ $out != *"Password for user"* ]] || fail "-w prompted: $out"
	[[ $out == *"no password supplied"* ]] || fail "no error: $out"
}

t_history_takes_the_same_options() {
	run dd history -d app
	assert_status 0
	assert_out_contains "no drydock ledger"
	PGDATABASE=app run dd history --json
	assert_status 0
	assert_eq "[]" "$(cat "$T/out")"
}

# tls_on: the server takes TLS on TCP (a self-signed certificate), and logs
# each connection with its encryption
tls_on() {
	[[ -f $DD_PG_DATA/server.key ]] && return 0
	openssl req -new -x509 -nodes -days 2 -subj /CN=localhost -newkey rsa:2048 \
		-keyout "$DD_PG_DATA/server.key" -out "$DD_PG_DATA/server.crt" >/dev/null 2>&1 ||
		fail "openssl could not make a certificate"
	chmod 600 "$DD_PG_DATA/server.key"
	chown postgres: "$DD_PG_DATA/server.key" "$DD_PG_DATA/server.crt" 2>/dev/null || true
	pg_psql -c "ALTER SYSTEM SET ssl = on" -c "ALTER SYSTEM SET log_connections = on" \
		-c "SELECT pg_reload_conf()" >/dev/null
}

t_tls_snapshot_run_and_push() {
	# a snapshot and a push with sslmode=require: rows of up to 100 kB
	# (wider than a TLS record, 26 MB in all) through the snapshot's reader,
	# which leaves its last wait to libpq (copypipe.c: only libpq sees what
	# TLS holds back), and the push's COPY and statements
	tls_on
	pg_psql -d app -c "CREATE TABLE docs (id int PRIMARY KEY, body text);
		INSERT INTO docs SELECT g, repeat(md5(g::text), 100 * (1 + g % 32))
		FROM generate_series(1, 500) g" >/dev/null
	mkdir -p tlsplan
	cat >tlsplan/plan.json <<-'JSON'
		{"name": "tls", "sources": {"app": {"tables": ["users", "docs"]}},
		 "steps": [{"name": "s1", "sql": "s1.sql"}]}
	JSON
	echo "UPDATE users SET email = email || '.org';" >tlsplan/s1.sql
	local url="postgresql://postgres@127.0.0.1:$PGPORT/app?sslmode=require" from
	run dd snapshot --plan tlsplan --source app -o sock.db
	assert_status 0
	from=$(stat -c %s "$DD_PG_LOG")
	PGPASSWORD=$DD_PG_PASSWORD run dd snapshot --plan tlsplan --source "$url" -o tls.db
	assert_status 0
	assert_err_contains "app.docs: 500 rows"
	local q="SELECT id, body FROM dd_pristine__docs ORDER BY id"
	assert_eq "$(sqlite3 tls.db "$q" | md5sum)" "$(sqlite3 sock.db "$q" | md5sum)" "docs read over TLS"
	assert_eq "$(sqlite3 tls.db "SELECT sum(length(body)) FROM dd_pristine__docs")" \
		"$(pg_psql -d app -At -c "SELECT sum(length(body)) FROM docs")" "the bodies' length"
	run dd run tls.db --plan tlsplan
	assert_status 0
	sqlite3 tls.db "INSERT INTO dd_check_run (at, run, changeset_hash, phase, errors, warnings, passed)
		SELECT 'test', run, hash, 'all', 0, 0, 1 FROM dd_changeset"
	run dd approve tls.db --by Ann
	assert_status 0
	PGPASSWORD=$DD_PG_PASSWORD run dd push tls.db --target "$url" --yes
	assert_status 0
	assert_eq "a@x.org b@x.org" "$(pg_psql -d app -At -c "SELECT string_agg(email, ' ' ORDER BY id) FROM users")" \
		"pushed over TLS"
	# both went over TLS: every connection of theirs says so
	local auth
	auth=$(tail -c +"$((from + 1))" "$DD_PG_LOG" | grep -a "connection authorized: user=postgres database=app application_name=drydock")
	[[ $(grep -c . <<<"$auth") -ge 2 ]] || fail "drydock's connections are not in the log: $auth"
	assert_eq "$(grep -c "SSL enabled" <<<"$auth")" "$(grep -c . <<<"$auth")" "drydock's connections with TLS"
	pg_psql -d app -c "UPDATE users SET email = replace(email, '.org', ''); DROP TABLE docs" >/dev/null
}

t_database_given_twice_is_a_usage_error() {
	run dd history --target app -d app
	assert_status 2
	assert_err_contains "the database is given twice"
}

run_tests
