#!/usr/bin/env bash
# Push with the target's triggers on (the default) against a real
# PostgreSQL: a BEFORE UPDATE trigger stamping updated_at and a tsvector
# kept by tsvector_update_trigger.  The push is accepted, says which
# columns the triggers set, and keeps in the ledger what the target
# really holds, so a rollback restores the before-image exactly and its
# conflict check compares with what the triggers wrote.
# --disable-triggers turns off the tables' own triggers only: a row
# pointing at a missing parent is still refused.
source "$(dirname "$0")/../lib/testlib.sh"
source "$TESTLIB_DIR/pg.sh"
source "$TESTLIB_DIR/exlib.sh"

TABLES=(authors articles comments)

setup_file() {
	pg_start || return 1
	pg_createdb src
	pg_psql -d src >/dev/null <<-'SQL'
		CREATE TABLE authors (id int PRIMARY KEY, name text NOT NULL);
		CREATE TABLE articles (id int PRIMARY KEY, author_id int NOT NULL REFERENCES authors (id),
		    title text NOT NULL, body text, tsv tsvector,
		    updated_at timestamptz NOT NULL DEFAULT '2000-01-01 00:00:00+00');
		CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS
		    $$ BEGIN NEW.updated_at := clock_timestamp(); RETURN NEW; END $$;
		CREATE TRIGGER articles_stamp BEFORE UPDATE ON articles
		    FOR EACH ROW EXECUTE FUNCTION stamp();
		CREATE TRIGGER articles_tsv BEFORE INSERT OR UPDATE ON articles
		    FOR EACH ROW EXECUTE FUNCTION tsvector_update_trigger(tsv, 'pg_catalog.english', title, body);
		CREATE TABLE comments (id int PRIMARY KEY, article_id int NOT NULL REFERENCES articles (id),
		    author_id int NOT NULL REFERENCES authors (id), body text);
		INSERT INTO authors VALUES (1, 'Ann'), (2, 'Bob');
		INSERT INTO articles (id, author_id, title, body) VALUES
		    (1, 1, 'Old title', 'first body'), (2, 2, 'Second', 'more text');
		INSERT INTO comments VALUES (5, 2, 1, 'hi');
	SQL
	FIX=$T/fix
	mkdir -p "$FIX/plan"
	# authors is not in the plan: its foreign keys are unverifiable offline
	cat >"$FIX/plan/plan.json" <<-'JSON'
		{"name": "retitle", "dialect": "sqlite",
		 "sources": {"app": {"tables": ["articles", "comments"]}},
		 "steps": [{"name": "retitle", "sql": "retitle.sql"}]}
	JSON
	cat >"$FIX/plan/retitle.sql" <<-'SQL'
		UPDATE articles SET title = 'New title' WHERE id = 1;
		INSERT INTO articles (id, author_id, title, body, updated_at)
		  VALUES (3, 2, 'Third', 'fresh words', '2000-01-01 00:00:00+00');
		INSERT INTO comments VALUES (10, 3, 2, 'nice');
	SQL
	dd -q snapshot --plan "$FIX/plan" --source "$(pg_url src)" -o "$FIX/s.db"
	dd -q run "$FIX/s.db" --plan "$FIX/plan" >/dev/null || true # unverifiable keys: warnings
	dd -q approve "$FIX/s.db" --by "e2e tester"
	export FIX
}

teardown_file() { pg_stop; }

newdb() { pg_psql -d postgres -c "CREATE DATABASE \"$1\" TEMPLATE src STRATEGY FILE_COPY" >/dev/null; }

t_triggers_fire_and_the_ledger_keeps_what_they_wrote() {
	newdb t_trig
	local before
	before=$(pg_data t_trig "${TABLES[@]}")
	cp "$FIX/s.db" s.db
	run dd push s.db --target "$(pg_url t_trig)" --yes
	assert_status 0
	assert_out_contains "pushed change set"
	assert_err_contains "articles.tsv set by trigger articles_stamp, articles_tsv on 2 rows; the ledger keeps what the target holds"
	assert_err_contains "articles.updated_at set by trigger articles_stamp, articles_tsv on 1 row"
	# the triggers did what they do in production
	assert_eq "t|t" "$(pgq t_trig "SELECT updated_at > '2020-01-01', tsv = to_tsvector('english', 'New title first body')
		FROM articles WHERE id = 1")"
	assert_eq "'fresh':2 'third':1 'word':3" "$(pgq t_trig "SELECT tsv FROM articles WHERE id = 3")"
	# the ledger's after-image is what the target holds
	assert_eq "t" "$(pgq t_trig "SELECT bool_and(l.n_updated_at = a.updated_at AND l.n_tsv = a.tsv)
		FROM drydock.ledger_1_1 AS l JOIN articles AS a ON a.id = l.n_id")"
	# the rollback compares with that (no conflict) and restores the before-image exactly
	run dd rollback s.db --target "$(pg_url t_trig)" --yes
	assert_status 0
	assert_eq "$before" "$(pg_data t_trig "${TABLES[@]}")" "row for row, stamps and tsvector included"
	assert_eq "O O" "$(pgq t_trig "SELECT string_agg(tgenabled::text, ' ' ORDER BY tgname) FROM pg_trigger
		WHERE tgrelid = 'articles'::regclass AND NOT tgisinternal")" "the triggers are on again"
}

t_rollback_sees_a_later_change_as_a_conflict() {
	newdb t_later
	cp "$FIX/s.db" s.db
	run dd push s.db --target "$(pg_url t_later)" --yes
	assert_status 0
	# the application edits the pushed row afterwards (and its trigger stamps it)
	pgq t_later "UPDATE articles SET body = 'edited by the app' WHERE id = 1" >/dev/null
	run dd rollback s.db --target "$(pg_url t_later)" --yes
	assert_status 1
	assert_out_contains "conflict: articles [\"1\"] (update): the row changed since the push"
	assert_out_contains "body"
	assert_eq "edited by the app" "$(pgq t_later "SELECT body FROM articles WHERE id = 1")"
}

t_disable_triggers_turns_off_only_the_tables_own_triggers() {
	newdb t_off
	# a trigger disabled before the push stays disabled after it
	pgq t_off "CREATE TRIGGER articles_idle BEFORE UPDATE ON articles FOR EACH ROW EXECUTE FUNCTION stamp();
		ALTER TABLE articles DISABLE TRIGGER articles_idle" >/dev/null
	cp "$FIX/s.db" s.db
	run dd plan s.db --no-data --disable-triggers
	assert_status 0
	assert_out_contains "EXECUTE format('ALTER TABLE %s DISABLE TRIGGER %I', r.rel, r.tgname)"
	assert_out_not_contains "session_replication_role"
	# a trigger the snapshot did not see is drift, benign
	run dd push s.db --target "$(pg_url t_off)" --yes --disable-triggers
	assert_status 3
	assert_err_contains "detail: table articles: trigger 'articles_idle' is not in the snapshot: CREATE TRIGGER articles_idle BEFORE UPDATE ON public.articles FOR EACH ROW EXECUTE FUNCTION stamp() (disabled) (benign)"
	run dd push s.db --target "$(pg_url t_off)" --yes --disable-triggers --allow-drift
	assert_status 0
	assert_err_not_contains "set by trigger"
	# the change set's values, untouched by the stamp and the tsvector trigger
	assert_eq "2000-01-01 00:00:00+00|" "$(pgq t_off "SELECT updated_at, tsv FROM articles WHERE id = 3")"
	assert_eq "articles_idle D|articles_stamp O|articles_tsv O" "$(pgq t_off "SELECT string_agg(tgname || ' ' || tgenabled::text,
		'|' ORDER BY tgname) FROM pg_trigger WHERE tgrelid = 'articles'::regclass AND NOT tgisinternal")"
	run dd rollback s.db --target "$(pg_url t_off)" --yes
	assert_status 0
	assert_eq "$(pg_data src "${TABLES[@]}")" "$(pg_data t_off "${TABLES[@]}")"
}

t_disable_triggers_keeps_foreign_keys_enforced() {
	newdb t_orphan
	# the parent the new rows point at is gone from this target (authors is
	# not in the plan: nothing offline could know)
	pgq t_orphan "DELETE FROM comments WHERE article_id = 2; DELETE FROM articles WHERE id = 2;
		DELETE FROM authors WHERE id = 2" >/dev/null
	local before
	before=$(pg_data t_orphan "${TABLES[@]}")
	cp "$FIX/s.db" s.db
	run dd push s.db --target "$(pg_url t_orphan)" --yes --disable-triggers
	assert_status 3
	assert_err_contains "violates foreign key constraint \"articles_author_id_fkey\""
	assert_err_contains "Nothing was applied"
	assert_eq "$before" "$(pg_data t_orphan "${TABLES[@]}")"
	assert_eq "O O" "$(pgq t_orphan "SELECT string_agg(tgenabled::text, ' ' ORDER BY tgname) FROM pg_trigger
		WHERE tgrelid = 'articles'::regclass AND NOT tgisinternal")"
	# and with the triggers on, the same
	run dd push s.db --target "$(pg_url t_orphan)" --yes
	assert_status 3
	assert_err_contains "violates foreign key constraint"
}

t_disable_triggers_needs_the_tables_owner() {
	newdb t_owner
	pg_psql -d t_owner >/dev/null <<-'SQL'
		CREATE ROLE tr_writer LOGIN;
		GRANT ALL ON ALL TABLES IN SCHEMA public TO tr_writer;
		GRANT CREATE ON DATABASE t_owner TO tr_writer;
	SQL
	cp "$FIX/s.db" s.db
	run dd push s.db --target "$(pg_url t_owner)&user=tr_writer" --yes --disable-triggers
	assert_status 3
	assert_err_contains "must be owner of table articles"
	assert_err_contains "Nothing was applied"
	run dd push s.db --target "$(pg_url t_owner)&user=tr_writer" --yes
	assert_status 0
}

# A NOT NULL column filled by a BEFORE INSERT trigger: PostgreSQL checks
# NOT NULL after the BEFORE triggers, so an INSERT leaving the column out
# succeeds on the server.  drydock runs no trigger offline and cannot know
# the value: the step is refused with PostgreSQL's message, the trigger
# named and what to do; a step that writes a value goes through, the
# target's trigger overwrites it as on PostgreSQL, and the ledger keeps
# what it wrote, so the rollback is exact.
t_not_null_column_filled_by_a_before_insert_trigger() {
	pg_createdb slugs
	pg_psql -d slugs >/dev/null <<-'SQL'
		CREATE TABLE tag (id int PRIMARY KEY, name text NOT NULL, slug text NOT NULL);
		CREATE FUNCTION slugify() RETURNS trigger LANGUAGE plpgsql AS
		    $$ BEGIN NEW.slug := lower(NEW.name); RETURN NEW; END $$;
		CREATE TRIGGER tag_slug BEFORE INSERT ON tag FOR EACH ROW EXECUTE FUNCTION slugify();
		INSERT INTO tag (id, name) VALUES (1, 'One');
	SQL
	pg_psql -d postgres -c 'CREATE DATABASE slugs_oracle TEMPLATE slugs STRATEGY FILE_COPY' >/dev/null
	pg_psql -d postgres -c 'CREATE DATABASE slugs_target TEMPLATE slugs STRATEGY FILE_COPY' >/dev/null
	# PostgreSQL: the statement without the column succeeds
	pgq slugs_oracle "INSERT INTO tag (id, name) VALUES (2, 'Two')" >/dev/null
	assert_eq "1|One|one
2|Two|two" "$(pgq slugs_oracle 'SELECT * FROM tag ORDER BY id')"
	mkdir -p p
	echo '{"name": "slugs", "sources": {"app": {"tables": ["tag"]}}, "steps": [{"name": "s", "sql": "s.sql"}]}' >p/plan.json
	echo "INSERT INTO tag (id, name) VALUES (2, 'Two');" >p/s.sql
	dd -q snapshot --plan p --source "$(pg_url slugs)" -o s.db
	run dd run s.db --plan p
	assert_status 3
	assert_err_contains 'null value in column "slug" of relation "tag" violates not-null constraint'
	assert_err_contains "detail: PostgreSQL checks NOT NULL after the BEFORE triggers, and table tag has one that may fill the column on the target; drydock runs no trigger offline."
	assert_err_contains "detail: CREATE TRIGGER tag_slug BEFORE INSERT ON public.tag FOR EACH ROW EXECUTE FUNCTION slugify()"
	assert_err_contains "hint: Write a value for the column in the step"
	# a value written offline: the trigger on the target decides, as on PostgreSQL
	echo "INSERT INTO tag (id, name, slug) VALUES (2, 'Two', 'pending');" >p/s.sql
	run dd run s.db --plan p
	assert_status 0
	dd -q approve s.db --by tester
	run dd push s.db --target "$(pg_url slugs_target)" --yes --allow-drift
	assert_status 0
	assert_err_contains "tag.slug set by trigger tag_slug on 1 row"
	assert_eq "$(pgq slugs_oracle 'SELECT * FROM tag ORDER BY id')" "$(pgq slugs_target 'SELECT * FROM tag ORDER BY id')"
	run dd rollback s.db --target "$(pg_url slugs_target)" --yes
	assert_status 0
	assert_eq "1|One|one" "$(pgq slugs_target 'SELECT * FROM tag ORDER BY id')"
}

run_tests
