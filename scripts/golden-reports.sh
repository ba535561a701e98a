#!/usr/bin/env bash
# Golden reports: the report of each example's dry run, committed under
# reports/<example>/ (report.json, report.md, report.html).
#
#   scripts/golden-reports.sh [--check] [EXAMPLE...]
#
# For each examples/<name>/ and variant examples/<name>/<variant>/ (or the
# names given, such as backfill/to-cloud) whose fixture exists as
# fixtures/<name>/ (a variant's: fixtures/<name>-<variant>/) or
# examples/<name>/fixture/, the dry run is done from
# scratch in build/golden/<name>/ as a user would: snapshot of the fixture,
# run of the plan (default seed and clock, both derived from the fixture's
# snapshot time, so generated UUIDs are the same on every machine),
# `drydock check` when this drydock has it, then `drydock report`.
#
# Without --check the new reports replace reports/<name>/: do that in the
# same commit as a deliberate change to an example.  With --check (what
# `make test` runs) each new report.json is compared with the committed one
# by `drydock diff --ignore timings,context`; any difference fails, and the
# differences are printed with the command that updates the golden files.
#
# Exit status: 0 all equal (or regenerated), 1 a report differs or is
# missing, 2 usage, 3 a dry run failed.  DRYDOCK selects the binary.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
DRYDOCK=${DRYDOCK:-build/drydock}
check=0
names=()
for a in "$@"; do
	case $a in
	--check) check=1 ;;
	-h | --help) sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	-*) echo "golden-reports: unknown option '$a'" >&2; exit 2 ;;
	*) names+=("${a%/}") ;;
	esac
done
[[ -x $DRYDOCK ]] || { echo "golden-reports: no drydock binary at $DRYDOCK (run make)" >&2; exit 3; }

if [[ ${#names[@]} -eq 0 ]]; then
	# examples/<name>/ and their variants examples/<name>/<variant>/
	for d in examples/*/ examples/*/*/; do
		[[ -f $d/plan.json ]] && { d=${d#examples/}; names+=("${d%/}"); }
	done
fi

# A variant's fixture is fixtures/<name>-<variant>/ (fixtures/backfill-to-cloud).
fixture_of() {
	if [[ -f fixtures/$1/fixture.json ]]; then
		echo "fixtures/$1"
	elif [[ -f fixtures/${1//\//-}/fixture.json ]]; then
		echo "fixtures/${1//\//-}"
	elif [[ -f examples/$1/fixture/fixture.json ]]; then
		echo "examples/$1/fixture"
	fi
}

has_check=0
"$DRYDOCK" check --help >/dev/null 2>&1 && has_check=1

rc=0 done_any=0
for name in ${names[@]+"${names[@]}"}; do
	fix=$(fixture_of "$name")
	if [[ -z $fix ]]; then
		echo "golden-reports: $name: no fixture (fixtures/$name/ or examples/$name/fixture/), skipped" >&2
		continue
	fi
	work=build/golden/$name
	rm -rf "$work"
	mkdir -p "$work"
	# relative paths, so the reports' context reads the same on every machine
	# a run that finishes with failed checks exits 1: findings belong in the report
	rrc=0
	"$DRYDOCK" -q snapshot --plan "examples/$name" --fixture "$fix" -o "$work/stage.db" || rrc=3
	((rrc)) || "$DRYDOCK" -q run "$work/stage.db" --plan "examples/$name" >/dev/null || rrc=$?
	if ((rrc > 1)); then
		echo "golden-reports: $name: the dry run failed" >&2
		rc=3
		continue
	fi
	if ((has_check)); then
		# findings (exit 1) belong in the report; only errors stop us
		crc=0
		"$DRYDOCK" -q check "$work/stage.db" >/dev/null || crc=$?
		if ((crc > 1)); then
			echo "golden-reports: $name: drydock check failed (exit $crc)" >&2
			rc=3
			continue
		fi
	fi
	"$DRYDOCK" -q report "$work/stage.db" -o "$work/report"
	done_any=1
	if ((check)); then
		if [[ ! -f reports/$name/report.json ]]; then
			echo "golden-reports: $name: no golden report in reports/$name/" >&2
			echo "  create it with: scripts/golden-reports.sh $name" >&2
			rc=1
			continue
		fi
		drc=0
		"$DRYDOCK" diff "reports/$name/report.json" "$work/report/report.json" \
			--ignore timings,context >"$work/diff.txt" || drc=$?
		if ((drc == 0)); then
			echo "golden report $name: equal"
		else
			echo "golden report $name: differs from reports/$name/report.json" >&2
			sed 's/^/  /' "$work/diff.txt" >&2
			echo "  if the change is deliberate: scripts/golden-reports.sh $name, and commit reports/$name/" >&2
			((drc == 1)) && rc=$((rc > 1 ? rc : 1)) || rc=3
		fi
	else
		mkdir -p "reports/$name"
		cp "$work/report/report.json" "$work/report/report.md" "$work/report/report.html" "reports/$name/"
		echo "golden report $name: written to reports/$name/"
	fi
done
((done_any)) || [[ $rc != 0 ]] || echo "golden-reports: no example with a fixture" >&2
exit $rc
