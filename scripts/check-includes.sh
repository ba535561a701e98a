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

# header base name -> module
find "$src" -name '*.h' | sort | while read -r h; do
	d=$(dirname "$h")
	if [ "$d" = "$src" ]; then m=main; else m=$(basename "$d"); fi
	printf '%s %s %s\n' "$(basename "$h")" "$m" "$h"
done > "$tmp/headers"

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
while read -r f; do
	d=$(dirname "$f")
	if [ "$d" = "$src" ]; then m=main; else m=$(basename "$d"); fi
	allowed=$(printf '%s\n' "$rules" | awk -v m="$m" '$1 == m":" {$1=""; print}')
	if [ -z "$allowed" ]; then
		echo "check-includes: $f: module '$m' has no line in scripts/check-includes.sh and docs/architecture.md" >&2
		fail=1
		continue
	fi
	grep -n '^[[:space:]]*#[[:space:]]*include[[:space:]]*"' "$f" |
	sed 's/^\([0-9]*\):.*"\([^"]*\)".*/\1 \2/' > "$tmp/incs" || true
	while read -r line inc; do
		hm=$(awk -v n="$inc" '$1 == n {print $2; exit}' "$tmp/headers")
		if [ -z "$hm" ]; then
			echo "$f:$line: includes \"$inc\", which is not a header under $src/" >&2
			fail=1
			continue
		fi
		# NAME_int.h is what the files of one module share: its own folder only
		case "$inc" in
		*_int.h)
			if [ "$hm" != "$m" ]; then
				echo "$f:$line: \"$inc\" is internal to module '$hm'" >&2
				fail=1
				continue
			fi
			;;
		esac
		ok=0
		for a in $allowed; do [ "$a" = "$hm" ] && ok=1; done
		if [ $ok = 0 ]; then
			echo "$f:$line: module '$m' may not include \"$inc\" (module '$hm'); allowed: $allowed" >&2
			fail=1
		fi
	done < "$tmp/incs"
	# A command calls library functions, never another command.
	case "$f" in
	"$src"/cmd/cmd_*.c)
		self=$(basename "$f" .c)
		calls=$(grep -n '\bcmd_[a-z_]*[[:space:]]*(' "$f" |
			grep -v "\b$self[[:space:]]*(" || true)
		if [ -n "$calls" ]; then
			printf '%s\n' "$calls" | sed "s|^|$f:|; s|\$|  <- a command calls another command|" >&2
			fail=1
		fi
		;;
	esac
done < "$tmp/files"

if [ $fail != 0 ]; then
	echo "check-includes: include directions violated (see docs/architecture.md)" >&2
	exit 1
fi
echo "check-includes: $(wc -l < "$tmp/files") files follow docs/architecture.md"
