# shellcheck shell=bash
# Throwaway PostgreSQL 15 servers for tests and benchmarks.  Source it:
#
#   source tests/lib/pg.sh
#   pg_start || exit 1     # quiet; on failure prints the server log, returns 1
#   pg_trap                # stop + clean up on EXIT/INT/TERM
#   pg_createdb app
#   pg_psql -d app -c 'create table t (id int)'
#   pg_stop                # safe to call more than once
#
# The server listens on a unix socket inside its own temp dir and on
# 127.0.0.1 at a random port in 20000-60000; nothing else.  Local (socket)
# connections are trusted; TCP connections need scram-sha-256 with user
# postgres and password $DD_PG_PASSWORD, so password handling can be tested
# through $DD_PG_TCP_URL.  fsync, full_page_writes and synchronous_commit are
# off (and shared_buffers is 16MB: a new backend and DROP DATABASE cost less
# with less shared memory): never put data you care about in it.
#
# pg_start exports:
#   PGHOST PGPORT PGUSER PGDATABASE   libpq defaults pointing at the server
#                                     (socket dir, port, postgres, postgres)
#   DD_PG_DIR        temp dir holding everything (data/, server.log, socket)
#   DD_PG_DATA       data directory
#   DD_PG_LOG        server log file
#   DD_PG_URL        postgresql://postgres@/postgres?host=$PGHOST&port=$PGPORT
#   DD_PG_TCP_URL    postgresql://postgres@127.0.0.1:$PGPORT/postgres
#                    (needs a password: PGPASSWORD=$DD_PG_PASSWORD)
#   DD_PG_PASSWORD   the postgres user's password (for TCP connections)
# and unsets PGPASSWORD, PGHOSTADDR, PGSERVICE and other libpq variables
# that could redirect or alter connections.
#
# When run as root the server binaries run as the `postgres` user through
# runuser (PostgreSQL refuses to run as root) and the temp dir is owned by it.
#
# Settings: DD_PG_BINDIR (default /usr/lib/postgresql/15/bin, else the
# directory of `initdb` on PATH); DD_PG_TEMPLATE (pg_template_make): a data
# directory made by initdb that pg_start copies instead of running initdb.  Written to be safe under set -euo pipefail.

if [[ -z ${DD_PG_BINDIR:-} ]]; then
	if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
		DD_PG_BINDIR=/usr/lib/postgresql/15/bin
	elif command -v initdb >/dev/null 2>&1; then
		DD_PG_BINDIR=$(dirname "$(command -v initdb)")
	else
		DD_PG_BINDIR=/usr/lib/postgresql/15/bin
	fi
fi

_pg_dir_owned=0	# 1 when pg_start created DD_PG_DIR and pg_stop removes it

# Run a server binary (initdb, pg_ctl) as a user PostgreSQL accepts.
_pg_srv() {
	if [[ $(id -u) -eq 0 ]]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

# As root, hand files to the postgres user.
_pg_own() {
	if [[ $(id -u) -eq 0 ]]; then
		chown postgres: "$@"
	fi
}

_pg_psql_bin() {
	if [[ -x $DD_PG_BINDIR/psql ]]; then
		printf '%s\n' "$DD_PG_BINDIR/psql"
	else
		printf 'psql\n'
	fi
}

# Percent-encode a string for a URI query value (keeps A-Za-z0-9 / . _ ~ -).
_pg_uri_escape() {
	local s=$1 out="" c i
	for ((i = 0; i < ${#s}; i++)); do
		c=${s:i:1}
		case $c in
		[A-Za-z0-9/._~-]) out+=$c ;;
		*) out+=$(printf '%%%02X' "'$c") ;;
		esac
	done
	printf '%s\n' "$out"
}

_pg_port_busy() {
	# True if something already listens on TCP port $1 (best effort).
	command -v ss >/dev/null 2>&1 || return 1
	ss -Htln "sport = :$1" 2>/dev/null | grep -q .
}

_pg_fail() {
	echo "pg_start: $*" >&2
	if [[ -n ${DD_PG_LOG:-} && -s $DD_PG_LOG ]]; then
		echo "--- last lines of $DD_PG_LOG:" >&2
		tail -n 30 "$DD_PG_LOG" >&2
	fi
	pg_stop
	return 1
}

# _pg_initdb DIR DATA: initdb into DATA (DIR: a dir the server user may
# write, for the password file).  Prints initdb's output on failure.
_pg_initdb() {
	local dir=$1 data=$2 out rc=0
	# initdb insists on a superuser password when host auth is scram.
	(umask 077 && printf '%s\n' "$DD_PG_PASSWORD" >"$dir/pwfile")
	_pg_own "$dir/pwfile"
	out=$(_pg_srv "$DD_PG_BINDIR/initdb" -D "$data" -U postgres \
		--auth-local=trust --auth-host=scram-sha-256 --pwfile="$dir/pwfile" \
		--no-sync -E UTF8 --locale=C 2>&1) || rc=$?
	rm -f "$dir/pwfile"
	((rc == 0)) || printf '%s\n' "$out" | tail -n 30 >&2
	return $rc
}

# pg_template_make: initdb once into a new temp dir and export it as
# DD_PG_TEMPLATE, so that every pg_start after it (in this shell and its
# children) copies that data directory instead of running initdb.
# tests/run-e2e.sh does it once per run; pg_template_drop removes it.
pg_template_make() {
	local dir
	export DD_PG_PASSWORD=${DD_PG_PASSWORD:-drydock-test-pw}
	dir=$(mktemp -d /tmp/dd-pgtpl.XXXXXX) || return 1
	chmod 755 "$dir"
	_pg_own "$dir"
	if ! _pg_initdb "$dir" "$dir/data"; then
		rm -rf "$dir"
		return 1
	fi
	printf '%s\n' "$DD_PG_PASSWORD" >"$dir/password"
	export DD_PG_TEMPLATE=$dir
}

pg_template_drop() {
	[[ -n ${DD_PG_TEMPLATE:-} && -f $DD_PG_TEMPLATE/password ]] && rm -rf "$DD_PG_TEMPLATE"
	unset DD_PG_TEMPLATE
}

# The template is used only when it is complete and was made with the
# password this server is to have.
_pg_template_usable() {
	[[ -n ${DD_PG_TEMPLATE:-} && -f $DD_PG_TEMPLATE/data/PG_VERSION &&
		-f $DD_PG_TEMPLATE/password &&
		$(<"$DD_PG_TEMPLATE/password") == "$DD_PG_PASSWORD" ]]
}

# pg_start [DIR]: initialise and start a server in DIR (default: a new
# mktemp -d dir under ${TMPDIR:-/tmp}).  A DIR that did not exist yet is
# removed again by pg_stop; an existing one is left, minus what pg_start put
# there.  Prints nothing on success.
pg_start() {
	local dir=${1:-} base port try started=0 out
	if [[ -n ${DD_PG_DIR:-} && -e ${DD_PG_DATA:-/nonexistent}/postmaster.pid ]]; then
		echo "pg_start: a server is already running in $DD_PG_DIR (pg_stop first)" >&2
		return 1
	fi
	if [[ ! -x $DD_PG_BINDIR/initdb || ! -x $DD_PG_BINDIR/pg_ctl ]]; then
		echo "pg_start: no PostgreSQL server binaries in $DD_PG_BINDIR (set DD_PG_BINDIR)" >&2
		return 1
	fi

	if [[ -z $dir ]]; then
		base=${TMPDIR:-/tmp}
		# The socket path (dir/.s.PGSQL.NNNNN) must fit in sun_path (107
		# bytes), and as root the postgres user must be able to reach the
		# dir; fall back to /tmp if TMPDIR does not allow either.
		# 107 - len("/dd-pg.XXXXXX") - len("/.s.PGSQL.65535") = 79
		if ((${#base} > 79)); then
			base=/tmp
		fi
		dir=$(mktemp -d "$base/dd-pg.XXXXXX") || return 1
		chmod 755 "$dir"
		_pg_own "$dir"
		if [[ $(id -u) -eq 0 ]] && ! runuser -u postgres -- test -w "$dir/." 2>/dev/null; then
			rmdir "$dir"
			dir=$(mktemp -d /tmp/dd-pg.XXXXXX) || return 1
		fi
		_pg_dir_owned=1
	else
		if [[ ! -e $dir ]]; then
			mkdir -p "$dir" || return 1
			_pg_dir_owned=1
		else
			_pg_dir_owned=0
		fi
		dir=$(cd "$dir" && pwd) || return 1
		if [[ -e $dir/data ]]; then
			echo "pg_start: $dir/data already exists" >&2
			return 1
		fi
	fi
	chmod 755 "$dir"
	_pg_own "$dir"

	export DD_PG_DIR=$dir
	export DD_PG_DATA=$dir/data
	export DD_PG_LOG=$dir/server.log
	export DD_PG_PASSWORD=${DD_PG_PASSWORD:-drydock-test-pw}

	if _pg_template_usable; then
		# a copy of the run's initdb output (0.4 s instead of 1.5 s)
		if ! out=$(_pg_srv cp -a "$DD_PG_TEMPLATE/data" "$DD_PG_DATA" 2>&1); then
			printf '%s\n' "$out" >&2
			_pg_fail "copying the template $DD_PG_TEMPLATE failed"
			return 1
		fi
	elif ! _pg_initdb "$dir" "$DD_PG_DATA"; then
		_pg_fail "initdb failed"
		return 1
	fi
	printf "include = 'drydock_test.conf'\n" >>"$DD_PG_DATA/postgresql.conf"

	for ((try = 0; try < 20; try++)); do
		port=$((20000 + (RANDOM * 32768 + RANDOM) % 40001))
		_pg_port_busy "$port" && continue
		cat >"$DD_PG_DATA/drydock_test.conf" <<-EOF
			port = $port
			listen_addresses = '127.0.0.1'
			unix_socket_directories = '$dir'
			unix_socket_permissions = 0777
			max_connections = 50
			shared_buffers = 16MB
			fsync = off
			full_page_writes = off
			synchronous_commit = off
			logging_collector = off
			log_line_prefix = '%m [%p] '
		EOF
		: >"$DD_PG_LOG"
		_pg_own "$DD_PG_DATA/drydock_test.conf" "$DD_PG_LOG"
		if _pg_srv "$DD_PG_BINDIR/pg_ctl" -D "$DD_PG_DATA" -l "$DD_PG_LOG" \
			-w -t 30 -s start >/dev/null 2>&1; then
			started=1
			break
		fi
		# Lost a race for the port: try another one.  Anything else is fatal.
		if grep -q 'could not bind\|Address already in use' "$DD_PG_LOG" 2>/dev/null; then
			continue
		fi
		break
	done
	if ((started == 0)); then
		_pg_fail "server did not start (data dir $DD_PG_DATA)"
		return 1
	fi

	unset PGHOSTADDR PGSERVICE PGSERVICEFILE PGPASSWORD PGOPTIONS PGSSLMODE \
		PGREQUIRESSL PGTARGETSESSIONATTRS PGCHANNELBINDING PGGSSENCMODE PGREQUIREAUTH
	export PGHOST=$dir PGPORT=$port PGUSER=postgres PGDATABASE=postgres
	DD_PG_URL="postgresql://postgres@/postgres?host=$(_pg_uri_escape "$dir")&port=$port"
	export DD_PG_URL
	export DD_PG_TCP_URL="postgresql://postgres@127.0.0.1:$port/postgres"
	return 0
}

# True while process $1 exists and is not a zombie (an exited postmaster
# stays a zombie until init reaps it, which can take a while).
_pg_alive() {
	local stat
	kill -0 "$1" 2>/dev/null || return 1
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	stat=${stat##*) }
	[[ ${stat%% *} != Z ]]
}

# pg_stop: stop the server immediately and remove what pg_start created.
# Safe to call twice, or without a server.
pg_stop() {
	local dir=${DD_PG_DIR:-} data=${DD_PG_DATA:-} pid i
	[[ -n $dir ]] || return 0
	if [[ -n $data && -f $data/postmaster.pid ]]; then
		pid=$(head -n 1 "$data/postmaster.pid" 2>/dev/null || true)
		_pg_srv "$DD_PG_BINDIR/pg_ctl" -D "$data" -m immediate -w -t 10 -s stop \
			>/dev/null 2>&1 || true
		# pg_ctl returns once postmaster.pid is gone; wait for the process
		# itself, and kill that postmaster (ours, by pid) if it lingers.
		if [[ $pid =~ ^[0-9]+$ ]]; then
			for ((i = 0; i < 100; i++)); do
				_pg_alive "$pid" || break
				((i == 50)) && kill -KILL "$pid" 2>/dev/null
				sleep 0.02
			done
		fi
	fi
	if ((_pg_dir_owned)); then
		rm -rf "$dir"
	else
		rm -rf "$data" "$dir/server.log" "$dir/pwfile" "$dir"/.s.PGSQL.*
	fi
	_pg_dir_owned=0
	unset DD_PG_DIR DD_PG_DATA DD_PG_LOG DD_PG_URL DD_PG_TCP_URL
	return 0
}

# _pg_trap_add SIG CMD: run CMD before whatever trap SIG already has.
_pg_trap_add() {
	local sig=$1 cmd=$2 old
	old=$(trap -p "$sig")
	if [[ -n $old ]]; then
		eval "set -- $old" # -> trap -- 'old command' SIG
		old=$3
	fi
	case $old in
	*"$cmd"*) return 0 ;; # already installed
	"") trap -- "$cmd" "$sig" ;;
	*) trap -- "$cmd; $old" "$sig" ;;
	esac
}

# pg_trap: call pg_stop on EXIT, INT and TERM (keeping existing traps).
pg_trap() {
	_pg_trap_add EXIT pg_stop
	if [[ -z $(trap -p INT) ]]; then
		trap 'pg_stop; exit 130' INT
	else
		_pg_trap_add INT pg_stop
	fi
	if [[ -z $(trap -p TERM) ]]; then
		trap 'pg_stop; exit 143' TERM
	else
		_pg_trap_add TERM pg_stop
	fi
}

# pg_psql ARGS...: psql against the server, quiet, stopping at the first error.
pg_psql() {
	"$(_pg_psql_bin)" -X -q -v ON_ERROR_STOP=1 "$@"
}

# pg_createdb NAME: create a database (owned by postgres).
# STRATEGY FILE_COPY: about half the server CPU of PostgreSQL 15's default
# (WAL_LOG) for the small databases tests make; its checkpoints cost little
# with fsync off.  Tests copying a template database say it too.
pg_createdb() {
	local name=${1:?pg_createdb: database name required}
	pg_psql -d postgres -c "CREATE DATABASE \"${name//\"/\"\"}\" STRATEGY FILE_COPY"
}
