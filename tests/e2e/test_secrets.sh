#!/usr/bin/env bash
# Secrets: a whole migration over password-authenticated TCP, then every
# artifact it made — staging file, reports, fixture, logs, every message,
# the target's ledger, a conflict report, the process list of a push
# stopped at a fault point — is searched for the password.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"

setup_file() {
	pg_start || return 1
	pg_createdb app
	pg_psql -d app -f "$REPO/fixtures/sql/avatars.sql" >/dev/null
}
teardown_file() { pg_stop; }

PLAN=$REPO/examples/avatars
URL() { echo "postgresql://postgres:$DD_PG_PASSWORD@127.0.0.1:$PGPORT/app"; }
KV() { echo "host=127.0.0.1 port=$PGPORT dbname=app user=postgres password=$DD_PG_PASSWORD"; }

no_password_in() { # FILES/DIRS...
	local hits
	hits=$(grep -r -a -l -F -- "$DD_PG_PASSWORD" "$@" 2>/dev/null || true)
	[[ -z $hits ]] || fail "the password is in: $hits"
}

t_no_secret_in_any_artifact() {
	[[ ${#DD_PG_PASSWORD} -ge 8 ]] || fail "the test server's password is too short to search for"
	local log=all.log
	{
		dd snapshot --plan "$PLAN" --source "$(URL)" -o s.db
		dd run s.db --plan "$PLAN" || true
		dd check s.db --fix
		dd status s.db
		dd status s.db --json
		dd log s.db --json
		dd changes s.db --limit 5
		dd report s.db -o rep
		dd fixture export s.db -o fx --rows 20
		dd approve s.db --by tester
		dd plan s.db
		dd push s.db --target "$(KV)" --yes
		dd history --target "$(URL)"
		dd rollback s.db --target "$(URL)" --yes
	} >"$log" 2>&1
	grep -q "rolled back push" "$log" || fail "the migration did not go through: $(tail -5 "$log")"
	# failures print connection details too: none may show the password
	run dd snapshot --plan "$PLAN" --source "postgresql://postgres:$DD_PG_PASSWORD@127.0.0.1:1/app" -o x.db
	assert_status 3
	assert_err_contains "drydock: error: cannot connect"
	cat "$T/out" "$T/err" >>"$log"
	run dd snapshot --plan "$PLAN" --source "postgresql://postgres:wrong$DD_PG_PASSWORD@127.0.0.1:$PGPORT/app" -o x.db
	assert_status 3
	assert_err_contains "drydock: error: cannot connect"
	assert_err_contains "password authentication failed"
	cat "$T/out" "$T/err" >>"$log"
	run dd push s.db --target "host=127.0.0.1 port=$PGPORT dbname=nosuch user=postgres password=$DD_PG_PASSWORD" --yes
	assert_status 3
	assert_err_contains "drydock: error: cannot connect"
	assert_err_contains 'database "nosuch" does not exist'
	cat "$T/out" "$T/err" >>"$log"
	no_password_in "$T"
	# the target's ledger (and everything else drydock created there)
	pg_dump -h "$PGHOST" -p "$PGPORT" -U postgres -n drydock app >ledger.sql
	grep -q "ledger" ledger.sql || fail "no ledger in the target"
	no_password_in ledger.sql
	# PostgreSQL's own view of the sessions never held it either
	no_password_in "$DD_PG_LOG"
}

t_no_secret_in_the_process_list() {
	dd -q snapshot --plan "$PLAN" --source "$(URL)" -o s.db
	dd -q run s.db --plan "$PLAN" || true
	dd -q check s.db --fix || true
	dd -q approve s.db --by tester
	# the push stops itself once connected, before it takes its lock
	# (DD_FAULT ...:stop): its command line is read there, then it goes on
	DD_FAULT=push.before_lock:stop "$DRYDOCK" push s.db --target "$(KV)" --yes >push.log 2>&1 &
	local pusher=$! cmd st=0
	wait_stopped "$pusher"
	cmd=$(tr '\0' ' ' <"/proc/$pusher/cmdline")
	kill -CONT "$pusher"
	wait "$pusher" || st=$?
	assert_eq 0 "$st" "the push failed after it was continued: $(cat push.log)"
	grep -q "pushed change set" push.log || fail "the push did not finish: $(cat push.log)"
	[[ $cmd == *push* ]] || fail "not the push's command line: $cmd"
	[[ $cmd != *"$DD_PG_PASSWORD"* ]] || fail "the password shows in the process list: $cmd"
	[[ $cmd == *"password=xxxx"* ]] || fail "the password was not scrubbed from: $cmd"
	no_password_in push.log
}

run_tests
