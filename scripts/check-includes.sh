#!/bin/sh
# check-includes: fails when a file under src/ includes a header of a module
# it may not depend on.  The allowed directions are drawn in
# docs/architecture.md; the table below is the same drawing, one line per
# module: the module (its folder under src/) and the modules whose headers
# it may include.  src/main.c counts as the command layer.
#
# Also refused: a module's internal header (NAME_int.h) included from
# another folder, two headers with one base name (includes are by bare name,
# so the second would be unreachable), an include of a header that is not
# in src/ (quotes are for drydock's own headers), and a command calling
# another command's cmd_*() function.
#
# Usage: scripts/check-includes.sh [SRCDIR]   (default src)
set -eu
src=${1:-src}

rules='
util:    util
stage:   util stage
plan:    util stage plan
pg:      util stage pg
sql:     util stage plan sql
fixture: util stage plan fixture
run:     util stage plan sql run
push:    util stage plan pg run push
report:  util stage plan run report
snapshot: util stage plan pg fixture snapshot
cmd:     util stage plan pg sql fixture snapshot run push report cmd
main:    cmd util
'

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# header base name -> module (one awk for every file: a process per file
# or per include took seconds)
find "$src" -name '*.h' | sort | awk -v src="$src" '{
	n = split($0, p, "/"); d = substr($0, 1, length($0) - length(p[n]) - 1)
	if (d == src) m = "main"; else { k = split(d, q, "/"); m = q[k] }
	print p[n], m, $0
}' > "$tmp/headers"

fail=0
dups=$(awk '{print $1}' "$tmp/headers" | sort | uniq -d)
if [ -n "$dups" ]; then
	for d in $dups; do
		echo "check-includes: header name '$d' is used twice:" \
			$(awk -v n="$d" '$1 == n {print $3}' "$tmp/headers") >&2
	done
	fail=1
fi

find "$src" -name '*.[ch]' | sort > "$tmp/files"
# every file's includes: "FILE LINE HEADER" (the last quoted name of the line)
# shellcheck disable=SC2046  # one word per file
grep -n -H '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' $(cat "$tmp/files") /dev/null |
	sed 's/^\([^:]*\):\([0-9]*\):.*"\([^"]*\)".*/\1 \2 \3/' > "$tmp/incs" || true
# the rules, the headers, the files, then their includes: in the files' order,
# a module without a rule once per file, then the file's include errors
printf '%s\n' "$rules" | awk -v src="$src" '
	function module(f,    n, p, d, k, q) {
		n = split(f, p, "/"); d = substr(f, 1, length(f) - length(p[n]) - 1)
		if (d == src) return "main"
		k = split(d, q, "/"); return q[k]
	}
	FILENAME == "-" { if (NF) { m = $1; sub(/:$/, "", m); $1 = ""; allowed[m] = $0 } ; next }
	FILENAME ~ /headers$/ { if (!($1 in hmod)) hmod[$1] = $2; next }
	FILENAME ~ /files$/ { order[++nf] = $0; next }
	{ incs[$1] = incs[$1] $2 " " $3 "\n" }
	END {
		for (i = 1; i <= nf; i++) {
			f = order[i]; m = module(f)
			if (!(m in allowed) || allowed[m] ~ /^[ \t]*$/) {
				printf "check-includes: %s: module '\''%s'\'' has no line in scripts/check-includes.sh and docs/architecture.md\n", f, m > "/dev/stderr"
				bad = 1; print f > nocheck; continue
			}
			na = split(allowed[m], al, " ")
			nl = split(incs[f], lines, "\n")
			for (j = 1; j < nl; j++) {
				split(lines[j], li, " "); line = li[1]; inc = li[2]
				if (!(inc in hmod)) {
					printf "%s:%s: includes \"%s\", which is not a header under %s/\n", f, line, inc, src > "/dev/stderr"
					bad = 1; continue
				}
				hm = hmod[inc]
				if (inc ~ /_int\.h$/ && hm != m) {
					printf "%s:%s: \"%s\" is internal to module '\''%s'\''\n", f, line, inc, hm > "/dev/stderr"
					bad = 1; continue
				}
				ok = 0
				for (a = 1; a <= na; a++) if (al[a] == hm) ok = 1
				if (!ok) {
					printf "%s:%s: module '\''%s'\'' may not include \"%s\" (module '\''%s'\''); allowed: %s\n", f, line, m, inc, hm, allowed[m] > "/dev/stderr"
					bad = 1
				}
			}
		}
		exit bad
	}' nocheck="$tmp/nocheck" - "$tmp/headers" "$tmp/files" "$tmp/incs" || fail=1
touch "$tmp/nocheck"

# A command calls library functions, never another command.
for f in $(cat "$tmp/files"); do
	case "$f" in
	"$src"/cmd/cmd_*.c)
		grep -qxF "$f" "$tmp/nocheck" && continue
		self=$(basename "$f" .c)
		calls=$(grep -n '\bcmd_[a-z_]*[[:space:]]*(' "$f" |
			grep -v "\b$self[[:space:]]*(" || true)
		if [ -n "$calls" ]; then
			printf '%s\n' "$calls" | sed "s|^|$f:|; s|\$|  <- a command calls another command|" >&2
			fail=1
		fi
		;;
	esac
done

if [ $fail != 0 ]; then
	echo "check-includes: include directions violated (see docs/architecture.md)" >&2
	exit 1
fi
echo "check-includes: $(wc -l < "$tmp/files") files follow docs/architecture.md"
