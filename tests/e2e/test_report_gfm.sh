#!/usr/bin/env bash
# The Markdown report as a pull request shows it: rendered by cmark-gfm
# (GitHub's fork of cmark, Debian's `cmark-gfm`, installed by
# `scripts/install-deps.sh test`) with GitHub's extensions (tables,
# autolinks, strikethrough, the tag filter) and raw HTML kept, as GitHub
# keeps <details>.  Every Markdown table must come out as one HTML table
# with every row and cell; the failures come first; no local path shows.
source "$(dirname "$0")/../lib/testlib.sh"

# gfm FILE: FILE rendered as GitHub renders a comment
gfm() { cmark-gfm --unsafe -e table -e autolink -e strikethrough -e tagfilter "$1"; }

setup_file() {
	# a fresh dry run of v1-to-v2 (failed checks, replaced rows, JSON
	# columns), as scripts/golden-reports.sh does it
	export W=$T/shared
	mkdir -p "$W"
	cd "$REPO" || return 1
	dd -q snapshot --plan examples/v1-to-v2 --fixture fixtures/v1-to-v2 -o "$W/s.db" >/dev/null || return 1
	# failed checks (exit 1) are what the report is about
	dd -q run "$W/s.db" --plan examples/v1-to-v2 >/dev/null || (($? == 1)) || return 1
	dd -q check "$W/s.db" >/dev/null || (($? == 1)) || return 1
	dd -q report "$W/s.db" -o "$W/r" >/dev/null || return 1
	cd - >/dev/null || return 1
}

# check_rendering MD: the structural checks of one Markdown report
check_rendering() {
	local md=$1 html
	html=$(basename "$(dirname "$md")").html
	gfm "$md" >"$html" || fail "cmark-gfm failed on $md"
	# every table line of the Markdown is a row of an HTML table: a broken
	# table (a stray pipe, a missing separator) renders as a paragraph
	local rows trs
	rows=$(grep -c '^|' "$md" || true)
	seps=$(grep -c '^|[-:|]*$' "$md" || true)
	trs=$(grep -c '<tr>' "$html" || true)
	assert_eq "$((rows - seps))" "$trs" "table rows of $md rendered as <tr>"
	grep -q '^<p>|' "$html" && fail "a table of $md renders as text: $(grep -m1 '^<p>|' "$html")"
	# every row has as many cells as its header (GFM drops extra cells
	# silently, so an unescaped pipe in a value would lose text)
	python3 - "$md" <<'PY' || fail "a row of $md has the wrong number of cells"
import re, sys
cells = None
for n, line in enumerate(open(sys.argv[1], encoding="utf-8"), 1):
    line = line.rstrip("\n")
    if not line.startswith("|"):
        cells = None
        continue
    # pipes inside code spans count in GFM tables too, so only \| is literal
    k = len(re.findall(r"(?<!\\)\|", line))
    if cells is None:
        cells = k
    elif k != cells:
        print(f"{sys.argv[1]}:{n}: {k - 1} cells, header has {cells - 1}: {line[:120]}", file=sys.stderr)
        sys.exit(1)
PY
	# <details> and <summary> pass through as GitHub keeps them, balanced
	assert_eq "$(grep -c '<details>' "$md" || true)" "$(grep -c '<details>' "$html" || true)" "details in $md"
	assert_eq "$(grep -c '<details>' "$html" || true)" "$(grep -c '</details>' "$html" || true)" "details closed in $md"
	# no path of the machine that made it
	grep -E -q '(/work/|/tmp/|/home/|/root/)' "$html" && fail "$md shows a local path: $(grep -E -o '[^ ]*(/work/|/tmp/|/home/|/root/)[^ <]*' "$html" | head -1)"
	# a comment GitHub takes
	(($(wc -c <"$md") < 65536)) || fail "$md is over 65,536 characters"
}

t_gfm_renders_every_golden_report() {
	local md n=0
	for md in "$REPO"/reports/*/report.md "$REPO"/reports/*/*/report.md; do
		[[ -f $md ]] || continue
		check_rendering "$md"
		n=$((n + 1))
	done
	((n >= 5)) || fail "only $n golden Markdown reports found"
}

t_gfm_failures_come_first() {
	check_rendering "$W/r/report.md"
	# the first section after the title says what blocks approval, and
	# names the failing check with its sample key
	first=$(grep -m1 '^<h2>' r.html)
	[[ $first == *'Blocks approval'* ]] || fail "the first section is not the blockers: $first"
	awk '/<h2>/ { n++ } n == 1' r.html >blockers.html
	grep -q '<td><strong>session_drills_have_v2_uuid</strong>' blockers.html || fail "failing check not in the blockers"
	grep -q '86da4eea-af2a-4307-b0f5-03cf6c94c475' blockers.html || fail "no sample key in the blockers"
	# the tables section is a real table with the replaced column
	grep -q '<th align="right">replaced</th>' r.html || fail "no replaced column"
	grep -q '<summary>users: 0 updates, 34 inserts, 0 deletes, 26 replaced</summary>' r.html ||
		fail "users samples summary not rendered"
}

t_gfm_escapes_markdown_in_values() {
	# values that are Markdown syntax stay text: a pipe, emphasis, a tag
	cp "$W/s.db" e.db
	sqlite3 e.db "UPDATE dd_change SET new_row = json_set(new_row, '\$[2]', 'a|b *c* <img src=x> _d_') WHERE tbl = 'users' AND op = 'I'"
	dd -q report e.db -o e --format md >/dev/null || fail "report failed"
	check_rendering e/report.md
	grep -q '<img' e.html && fail "a value became an image tag"
	grep -q 'a|b \*c\* &lt;img src=x&gt; _d_' e.html || fail "the value is not shown as text: $(grep -m1 'a|b\|a\\|b' e.html)"
}

run_tests
