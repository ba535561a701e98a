#!/usr/bin/env bash
# Personal data: masking rules applied during snapshot, and fixture subsets
# that keep referential integrity.  Uses the avatars fixture; no server.
source "$(dirname "$0")/../lib/testlib.sh"

FX=$REPO/fixtures/avatars

masked_plan() { # JSON for the users table entry, and for posts
	mkdir -p p
	cat >p/plan.json <<EOF2
{"name": "masked", "dialect": "sqlite", "sources": {"app": {"tables": [
	$1, "avatars", ${2:-"\"posts\""}, "follows"]}}}
EOF2
}

USERS_MASK='{"name": "users", "mask": {"id": "hash", "email": "email", "display_name": "name", "bio": "null"}}'
POSTS_MASK='{"name": "posts", "mask": {"user_id": "hash", "body": {"constant": "(masked)"}}}'

t_masking_replaces_personal_data() {
	masked_plan "$USERS_MASK" "$POSTS_MASK"
	echo "a-long-secret-for-tests" >secret
	run dd snapshot --plan p --fixture "$FX" -o s.db --mask-secret-file secret
	assert_status 0
	assert_err_contains "personal data masked"
	# no original email or name is left anywhere in the file
	local email name
	email=$(head -1 "$FX/app/users.jsonl" | sed 's/.*"email":"\([^"]*\)".*/\1/')
	name=$(head -1 "$FX/app/users.jsonl" | sed 's/.*"display_name":"\([^"]*\)".*/\1/')
	if grep -a -q -F "$email" s.db; then fail "an original email is in the staging file"; fi
	if grep -a -q -F "$name" s.db; then fail "an original name is in the staging file"; fi
	if grep -a -q -F "a-long-secret-for-tests" s.db; then fail "the secret is in the staging file"; fi
	assert_eq 240 "$(sqlite3 s.db "SELECT count(*) FROM dd_pristine__users WHERE email LIKE 'u%@example.invalid'")"
	assert_eq 240 "$(sqlite3 s.db "SELECT count(DISTINCT email) FROM dd_pristine__users")"
	assert_eq 0 "$(sqlite3 s.db "SELECT count(*) FROM dd_pristine__users WHERE bio IS NOT NULL")"
	assert_eq 600 "$(sqlite3 s.db "SELECT count(*) FROM dd_pristine__posts WHERE body = '(masked)'")"
	# hashed keys still join: every post finds its (masked) author
	assert_eq 600 "$(sqlite3 s.db "SELECT count(*) FROM dd_pristine__posts p JOIN dd_pristine__users u ON u.id = p.user_id")"
	assert_eq "email" "$(sqlite3 s.db "SELECT masked FROM dd_column WHERE tbl = 'users' AND name = 'email'")"
	run dd status s.db
	assert_out_contains "personal data masked in 6 columns"
}

t_masking_is_deterministic_per_secret() {
	masked_plan "$USERS_MASK"
	DRYDOCK_MASK_SECRET=one dd -q snapshot --plan p --fixture "$FX" -o a.db
	DRYDOCK_MASK_SECRET=one dd -q snapshot --plan p --fixture "$FX" -o b.db
	DRYDOCK_MASK_SECRET=two dd -q snapshot --plan p --fixture "$FX" -o c.db
	local qa qb qc
	qa=$(sqlite3 a.db "SELECT group_concat(email) FROM (SELECT email FROM dd_pristine__users ORDER BY email)")
	qb=$(sqlite3 b.db "SELECT group_concat(email) FROM (SELECT email FROM dd_pristine__users ORDER BY email)")
	qc=$(sqlite3 c.db "SELECT group_concat(email) FROM (SELECT email FROM dd_pristine__users ORDER BY email)")
	assert_eq "$qa" "$qb" "the same secret gave other masked values"
	[[ $qa != "$qc" ]] || fail "another secret gave the same masked values"
}

t_masked_fixture_stays_masked() {
	masked_plan "$USERS_MASK"
	DRYDOCK_MASK_SECRET=one dd -q snapshot --plan p --fixture "$FX" -o s.db
	dd -q fixture export s.db -o fx
	assert_file_exists fx/fixture.json
	grep -q '"masked": "email"' fx/fixture.json || fail "the manifest does not record the masking"
	# snapshotting the masked fixture again needs no secret and keeps the marks
	masked_plan '"users"'
	run dd snapshot --plan p --fixture fx -o s2.db
	assert_status 0
	assert_eq "email" "$(sqlite3 s2.db "SELECT masked FROM dd_column WHERE tbl = 'users' AND name = 'email'")"
}

t_masking_refusals() {
	masked_plan "$USERS_MASK"
	run dd snapshot --plan p --fixture "$FX" -o s.db
	assert_status 3
	assert_err_contains "needs a secret"
	assert_err_contains "--mask-secret-file"
	assert_no_file s.db
	masked_plan '{"name": "users", "mask": {"display_name": "null"}}'
	run dd snapshot --plan p --fixture "$FX" -o s.db
	assert_status 3
	assert_err_contains "\"null\" on a NOT NULL column"
	masked_plan '{"name": "users", "mask": {"nosuch": "null"}}'
	run dd snapshot --plan p --fixture "$FX" -o s.db
	assert_status 3
	assert_err_contains "mask of column 'nosuch': the table has no such column"
	masked_plan '{"name": "users", "mask": {"created_at": {"constant": "yesterday-ish"}}}'
	run dd snapshot --plan p --fixture "$FX" -o s.db
	assert_status 3
	assert_err_contains "mask of column 'created_at'"
	masked_plan '{"name": "users", "mask": {"created_at": "hash"}}'
	DRYDOCK_MASK_SECRET=x run dd snapshot --plan p --fixture "$FX" -o s.db
	assert_status 3
	assert_err_contains "\"hash\" works on text, uuid and integer columns"
	masked_plan '{"name": "users", "mask": {"email": "scramble"}}'
	run dd snapshot --plan p --fixture "$FX" -o s.db
	assert_status 3
	assert_err_contains "sources.app.tables[0].mask.email: must be one of \"hash\", \"email\""
}

t_subset_keeps_referential_integrity() {
	masked_plan '"users"'
	dd -q snapshot --plan p --fixture "$FX" -o s.db
	run dd fixture export s.db -o sub --rows 10
	assert_status 0
	assert_eq 10 "$(wc -l <sub/app/posts.jsonl)"
	local users
	users=$(wc -l <sub/app/users.jsonl)
	[[ $users -gt 10 ]] || fail "no referenced users were pulled in ($users users)"
	dd -q snapshot --plan p --fixture sub -o sub.db
	assert_eq 0 "$(sqlite3 sub.db "SELECT count(*) FROM dd_pristine__posts p WHERE NOT EXISTS (SELECT 1 FROM dd_pristine__users u WHERE u.id = p.user_id)")"
	assert_eq 0 "$(sqlite3 sub.db "SELECT count(*) FROM dd_pristine__posts p WHERE p.avatar_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM dd_pristine__avatars a WHERE a.id = p.avatar_id)")"
	assert_eq 0 "$(sqlite3 sub.db "SELECT count(*) FROM dd_pristine__follows f WHERE NOT EXISTS (SELECT 1 FROM dd_pristine__users u WHERE u.id = f.follower_user_id)")"
	assert_eq "$users" "$(sqlite3 sub.db 'SELECT count(*) FROM dd_pristine__users')"
}

run_tests
