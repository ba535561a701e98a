#!/usr/bin/env bash
# The HTML report as a person sees it: opened in headless Chromium (Debian's
# `chromium`, installed by `scripts/install-deps.sh browser`), screenshot
# taken and DOM dumped; the charts and the key numbers must be there.
# Skips when /usr/bin/chromium is absent; installs nothing itself.
source "$(dirname "$0")/../lib/testlib.sh"

CHROMIUM=${DD_CHROMIUM:-/usr/bin/chromium}

# browser ARGS...: headless Chromium with a throwaway profile, no network
# services, no sandbox (tests may run as root in containers).
browser() {
	local profile rc=0
	profile=$(mktemp -d "${TMPDIR:-/tmp}/dd-chromium.XXXXXX")
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--disable-quic --user-data-dir="$profile" "$@" 2>"$T/chromium.log" || rc=$?
	rm -rf "$profile"
	return $rc
}

setup_file() {
	export W=$T/shared
	mkdir -p "$W/fix/app" "$W/plan"
	cat >"$W/fix/fixture.json" <<'EOF'
{"drydock_fixture": 1,
 "sources": [{"name": "app", "snapshot_at": "2026-01-01 00:00:00+00",
  "tables": [
   {"name": "accounts", "file": "app/accounts.jsonl", "rows": 6,
    "columns": [{"name": "id", "type": "integer"}, {"name": "plan", "type": "text"},
                {"name": "seats", "type": "integer"}],
    "constraints": [{"name": "accounts_pkey", "type": "primary key", "columns": ["id"]}]},
   {"name": "invoices", "file": "app/invoices.jsonl", "rows": 4,
    "columns": [{"name": "id", "type": "integer"}, {"name": "account_id", "type": "integer"},
                {"name": "amount", "type": "numeric(10,2)"}],
    "constraints": [{"name": "invoices_pkey", "type": "primary key", "columns": ["id"]}]},
   {"name": "regions", "file": "app/regions.jsonl", "rows": 2,
    "columns": [{"name": "code", "type": "text"}],
    "constraints": [{"name": "regions_pkey", "type": "primary key", "columns": ["code"]}]}
  ]}]}
EOF
	for i in 1 2 3 4 5 6; do
		echo "{\"id\":$i,\"plan\":\"basic\",\"seats\":$((i * 2))}"
	done >"$W/fix/app/accounts.jsonl"
	for i in 1 2 3 4; do
		echo "{\"id\":$i,\"account_id\":$i,\"amount\":\"1$i.50\"}"
	done >"$W/fix/app/invoices.jsonl"
	printf '%s\n' '{"code":"eu"}' '{"code":"us"}' >"$W/fix/app/regions.jsonl"
	cat >"$W/plan/plan.json" <<'EOF'
{"name": "billing-v2", "description": "Move basic accounts to the team plan; drop paid-off invoices.",
 "sources": {"app": {"tables": ["accounts", "invoices", "regions"]}},
 "steps": [{"name": "team plan", "sql": "team.sql"}, {"name": "invoices", "sql": "inv.sql"}]}
EOF
	echo "UPDATE accounts SET plan = 'team', seats = seats + 1 WHERE id <= 4;
INSERT INTO accounts VALUES (7, 'team <b>new</b>', 3);" >"$W/plan/team.sql"
	echo "DELETE FROM invoices WHERE id > 2;" >"$W/plan/inv.sql"
	dd -q snapshot --plan "$W/plan" --fixture "$W/fix" -o "$W/s.db" >/dev/null
	dd -q run "$W/s.db" --plan "$W/plan" --no-check >/dev/null # checks are planted below
	h=$(sqlite3 "$W/s.db" 'SELECT hash FROM dd_changeset')
	sqlite3 "$W/s.db" "
INSERT INTO dd_check_run VALUES (1, '2026-01-02T00:00:00Z', 1, '$h', 'all', 1, 0, 1);
INSERT INTO dd_check_result VALUES (1, 1, 'fk invoices_account_id_fkey', 'builtin', 'error', 'pass', 0, '[]', NULL, 1);
INSERT INTO dd_check_result VALUES (1, 2, 'no deletes from invoices', 'gate', 'error', 'fail', 2, '[[\"3\"],[\"4\"]]', NULL, 1);"
	dd -q report "$W/s.db" -o "$W/r" >/dev/null
}

t_html_report_renders_in_chromium() {
	[[ -x $CHROMIUM ]] || fail "no $CHROMIUM (make test installs it: scripts/install-deps.sh browser)"
	url="file://$W/r/report.html"
	browser --window-size=1280,2000 --screenshot="$T/shot.png" "$url" ||
		fail "chromium failed to take a screenshot: $(tail -5 "$T/chromium.log")"
	assert_file_exists "$T/shot.png"
	size=$(stat -c %s "$T/shot.png")
	((size > 30000)) || fail "screenshot is suspiciously small ($size bytes)"
	# PNG signature and the requested width in the IHDR chunk
	[[ $(head -c 8 "$T/shot.png" | od -An -tx1 | tr -d ' \n') == 89504e470d0a1a0a ]] || fail "not a PNG"
	width=$(od -An -tu1 -j16 -N4 "$T/shot.png" | awk '{print $1*16777216+$2*65536+$3*256+$4}')
	assert_eq 1280 "$width" "screenshot width"
	[[ -n ${DD_KEEP_SCREENSHOT:-} ]] && cp "$T/shot.png" "$DD_KEEP_SCREENSHOT"
	true
}

# report_dom: the report's DOM after Chromium ran its page, in ./dom.html;
# one Chromium for the tests that read it (a start costs seconds of CPU)
report_dom() {
	if [[ ! -s $W/dom.html ]]; then
		browser --dump-dom "file://$W/r/report.html" >"$W/dom.tmp" || return 1
		mv "$W/dom.tmp" "$W/dom.html"
	fi
	cp "$W/dom.html" dom.html
}

t_html_dom_has_charts_and_numbers() {
	[[ -x $CHROMIUM ]] || fail "no $CHROMIUM (make test installs it: scripts/install-deps.sh browser)"
	report_dom || fail "chromium failed to dump the DOM: $(tail -5 "$T/chromium.log")"
	[[ -s dom.html ]] || fail "empty DOM"
	# one before/after chart per table, with bars, plus the overview
	assert_eq 3 "$(grep -o '<svg class="chart"' dom.html | wc -l)" "per-table charts"
	assert_eq 1 "$(grep -o '<svg class="overview"' dom.html | wc -l)" "overview chart"
	(($(grep -o '<rect class="bar-' dom.html | wc -l) >= 8)) || fail "charts have no bars"
	grep -q 'data-table="accounts" data-before="6" data-after="7"' dom.html || fail "accounts chart numbers"
	grep -q 'data-table="invoices" data-before="4" data-after="2"' dom.html || fail "invoices chart numbers"
	grep -q 'data-table="regions" data-before="2" data-after="2"' dom.html || fail "regions chart numbers"
	# header: plan, hash, status; strip: the counts
	h=$(sqlite3 "$W/s.db" 'SELECT hash FROM dd_changeset')
	grep -q "<span class=\"mono hash\" id=\"hash\">$h</span>" dom.html || fail "hash not in the header"
	grep -q '<h1 id="plan">billing-v2</h1>' dom.html || fail "plan name not in the header"
	grep -q 'data-status="checks failed"' dom.html || fail "status badge"
	for kv in 'inserts">.*>1<' 'updates">.*>4<' 'deletes">.*>2<'; do
		grep -Eq "data-k=\"$kv" dom.html || fail "strip number $kv"
	done
	grep -Eq 'data-k="tables">.*class="value ">2<' dom.html || fail "tables changed"
	# per changed column counts and the sampled rows, values escaped
	grep -q '<tr data-column="plan"><td class="mono">plan</td><td class="num">4</td>' dom.html || fail "column plan count"
	grep -q '<tr data-column="seats"><td class="mono">seats</td><td class="num">4</td>' dom.html || fail "column seats count"
	grep -q 'team &lt;b&gt;new&lt;/b&gt;' dom.html || fail "inserted value not shown escaped"
	grep -q '<b>new</b>' dom.html && fail "a value was rendered as markup"
	# the differing part of an updated value is marked: seats 2 -> 3
	grep -q '<td class="v old"><mark>2</mark></td><td class="v new"><mark>3</mark></td>' dom.html ||
		fail "changed value not highlighted"
	# checks with violating keys; step timings
	grep -q 'no deletes from invoices' dom.html || fail "gate missing"
	grep -q '<table class="grid steps">' dom.html || fail "no step timings"
	grep -q '<script' dom.html && fail "the page has a script"
	true
}

t_diff_html_side_by_side_in_chromium() {
	[[ -x $CHROMIUM ]] || fail "no $CHROMIUM (make test installs it: scripts/install-deps.sh browser)"
	# B: another plan name (with markup in it) and one insert fewer in accounts
	jq '.comparable.plan.name = "<script>alert(1)</script>" | .comparable.tables.accounts.inserts = 0' \
		"$W/r/report.json" >b.json
	run dd diff "$W/r/report.json" b.json --html --ignore timings,context
	assert_status 1
	cp "$T/out" diff.html
	browser --dump-dom "file://$T/diff.html" >dom.html ||
		fail "chromium failed to dump the DOM: $(tail -5 "$T/chromium.log")"
	grep -q '<span class="badge b-bad" data-equal="false">2 differences</span>' dom.html || fail "no count of differences"
	grep -q 'ignored: context, timings' dom.html || fail "ignored parts not said"
	# side by side: accounts' inserts marked as differing, its updates not
	row=$(grep -o '<tr data-table="accounts">.*' dom.html | sed 's,</tr>.*,,')
	assert_eq 2 "$(grep -o 'class="num d" data-k="inserts"' <<<"$row" | wc -l)" "marked inserts of A and B"
	assert_eq 2 "$(grep -o 'class="num" data-k="updates">4<' <<<"$row" | wc -l)" "updates of A and B"
	grep -q '<tr data-kind="changed"><td>plan</td>' dom.html || fail "plan difference not listed"
	grep -q '&lt;script&gt;alert(1)&lt;/script&gt;' dom.html || fail "the plan name is not escaped"
	grep -q '<script' dom.html && fail "the page has a script"
	# equal reports say so; --json and --html together are refused
	run dd diff "$W/r/report.json" "$W/r/report.json" --html
	assert_status 0
	assert_out_contains 'data-equal="true">equal</span>'
	run dd diff "$W/r/report.json" b.json --html --json
	assert_status 2
}

t_html_failures_come_first() {
	[[ -x $CHROMIUM ]] || fail "no $CHROMIUM (make test installs it: scripts/install-deps.sh browser)"
	report_dom || fail "chromium failed to dump the DOM: $(tail -5 "$T/chromium.log")"
	# the first block of the rendered page says what blocks approval
	first=$(grep -o '<section class="[^"]*"\|<header class="hero"' dom.html | head -1)
	assert_eq '<section class="blockers bl-bad"' "$first" "first block of the page"
	blk=$(sed 's/<header class="hero".*//' dom.html)
	[[ $blk == *'Blocks approval: error-severity checks failed'* ]] || fail "no blocking reason first"
	[[ $blk == *'no deletes from invoices</b>'* && $blk == *'<td class="num">2</td>'* ]] ||
		fail "the failed gate and its count are not in the first block"
	[[ $blk == *'<td class="v">3</td>'* ]] || fail "no sample key in the first block"
}

run_tests
