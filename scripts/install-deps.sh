#!/usr/bin/env bash
# Make sure the Debian packages drydock needs are installed.
#
#   scripts/install-deps.sh [PROFILE...]      (default profile: build)
#
# Profiles (each includes the one before it, except browser):
#   build    libcjson-dev libpg-query-dev libgmp-dev pkg-config
#   test     build + libcmocka-dev sqlite3 jq (the end-to-end tests read
#            JSON with it) python3 (the examples' differential test pairs
#            new UUIDs with it) cmark-gfm (the Markdown report rendered
#            as GitHub renders a pull-request comment) zsh (completion)
#            openssl (a certificate for the TLS test)
#   bench    test + sqlite3-tools (sqldiff)
#   browser  chromium
#
# Assumes gcc, make, PostgreSQL 15 server binaries, libpq-dev, libsqlite3-dev
# and uuid-dev are already present.  Silent when nothing is missing.  When
# something is missing: as root it is installed with apt-get; otherwise the
# missing packages are listed on stderr and the script exits 1.
set -euo pipefail

usage() {
	echo "usage: $0 [build|test|bench|browser]..." >&2
	exit 2
}

pkgs=()
add() {
	local p q
	for p in "$@"; do
		for q in ${pkgs[@]+"${pkgs[@]}"}; do
			[[ $q == "$p" ]] && continue 2
		done
		pkgs+=("$p")
	done
}

profile_pkgs() {
	case $1 in
	build) add libcjson-dev libpg-query-dev libgmp-dev pkg-config ;;
	test) profile_pkgs build; add libcmocka-dev sqlite3 jq python3 zsh cmark-gfm openssl ;;
	bench) profile_pkgs test; add sqlite3-tools ;;
	browser) add chromium ;;
	-h | --help) usage ;;
	*) echo "drydock: unknown dependency profile '$1'" >&2; usage ;;
	esac
}

[[ $# -gt 0 ]] || set -- build
for profile in "$@"; do
	profile_pkgs "$profile"
done

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

list="${missing[*]}"
if [[ $(id -u) -ne 0 ]]; then
	echo "drydock: missing packages: $list" >&2
	echo "hint: run 'sudo apt-get install -y $list'" >&2
	exit 1
fi

echo "drydock: installing $list" >&2
log=$(mktemp "${TMPDIR:-/tmp}/drydock-apt.XXXXXX")
trap 'rm -f "$log"' EXIT
export DEBIAN_FRONTEND=noninteractive
# apt is chatty even with -qq (dpkg's unpacking lines); keep its output and
# show it only if something goes wrong.
if ! apt-get update -qq >"$log" 2>&1 ||
	! apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$log" 2>&1; then
	cat "$log" >&2
	echo "drydock: failed to install: $list" >&2
	exit 1
fi
