/*
 * stage: the SQLite staging file and the catalog it records.
 *
 * A catalog describes the snapshotted sources: their tables, columns with
 * PostgreSQL types, keys, constraints, indexes and enums.  It is filled by
 * PostgreSQL introspection (pg.c) or a fixture manifest (fixture.c),
 * written into the staging file's dd_* tables (schema/stage.sql) and read
 * back by every later command.
 *
 * Names in the staging file (docs/design.md, "Staging file"):
 *   target table users          ->  users            (working state)
 *                                   dd_pristine__users (immutable snapshot)
 *   table users of source v1    ->  v1__users         (read-only input)
 */
#ifndef DD_STAGE_H
#define DD_STAGE_H

#include <sqlite3.h>
#include "pgtype.h"

/*
 * The staging file's format, in PRAGMA user_version (0: being built) and
 * dd_meta "format_version".  Bumped whenever the catalog tables change
 * shape: 2 added dd_table.key_index (and the catalog columns issue 12
 * added without a bump); a file of an older format is refused by
 * stage_open with "re-snapshot".
 */
#define STAGE_FORMAT_VERSION 2
#define STAGE_APPLICATION_ID 0x44525944 /* "DRYD" */

struct column_meta {
	char *name;
	char *pg_type;      /* format_type() text */
	struct pgtype type;
	int is_enum;
	char *enum_type;    /* enum (element) type name, or NULL */
	int not_null;
	char *default_expr; /* or NULL */
	char *identity;     /* "a", "d" or NULL */
	char *sequence;     /* owned sequence, or NULL */
	char *masked;       /* masking rule applied at snapshot, or NULL */
	char *generated;    /* GENERATED ALWAYS AS (expr) STORED: expr as
			       pg_get_expr() prints it; default_expr is NULL */
	/* set on working catalogs by schema changes (schemachange.c): */
	int added;          /* added by a schema change of the plan */
	char *base_value;   /* added: the value PostgreSQL gives existing rows
			       (a constant default as text), or NULL */
};

struct constraint_meta {
	char *name;
	char kind;          /* p f u c x */
	char **columns;
	int ncolumns;
	char *ref_schema, *ref_table; /* foreign keys */
	char **ref_columns;
	int nref_columns;
	char on_update, on_delete;    /* a r c n d, or 0 */
	char *definition;
};

struct index_meta {
	char *name;
	char *definition;
};

struct table_meta {
	char *source;
	char *name;
	char *stage_name;
	char *pristine_name; /* NULL for tables of non-target sources */
	char *row_filter;
	long long row_count;
	long long est_rows;  /* estimate for progress; not stored */
	struct column_meta *cols;
	int ncols;
	int *pk;             /* indexes into cols: the primary key, else the
				declared key; npk 0: no key (read-only) */
	int npk;
	char **declared_key; /* no primary key: the plan's "key" columns, which
				pk then holds (docs/snapshot.md); stored */
	int ndeclared_key;
	char *key_index;     /* the declared key is this unique index's columns
				(no primary key, no plan "key": snapshot.c), or
				NULL; stored */
	struct constraint_meta *cons;
	int ncons;
	struct index_meta *idx;
	int nidx;
	char *file;          /* fixture rows file, relative; not stored */
	int partitioned;     /* a partitioned parent: its rows are every partition's;
				stored */
	char **ancestors;    /* "schema.name" of the partitioned tables above it
				(nearest first); not stored */
	int nancestors;
	int ndomain_cols;    /* columns whose type is a domain (pg_describe_table);
				not stored */
	/* set on working catalogs by schema changes (schemachange.c): */
	int created;         /* created by a create_table change */
	int dropped;         /* dropped by a drop_table change */
};

struct enum_meta {
	char *source;
	char *name;
	char **labels;
	int nlabels;
};

/*
 * A sequence a target table's column takes values from: named in a
 * column's default (nextval('...')), behind an identity column, or OWNED
 * BY a column.  Its state at snapshot is what runs start from, so an
 * INSERT that takes the default gets PostgreSQL's next value.
 */
struct sequence_meta {
	char *source;
	char *schema;         /* PostgreSQL schema of the sequence */
	char *name;           /* sequence name, unquoted */
	long long last_value; /* as read at snapshot */
	int is_called;        /* 0: the next nextval returns last_value itself */
	long long increment, min_value, max_value, start_value;
	int cycle;
};

struct source_meta {
	char *name;
	int is_target;
	char *schema;
	char *origin;         /* "postgres" or "fixture" */
	char *identity;
	char *server_version;
	char *snapshot_at;
	char *domains;        /* JSON: the domains its snapshotted columns use
			       * ([{"name", "base", "not_null", "default",
			       * "checks": [{"name", "definition"}]}]; default
			       * is PostgreSQL text or null, absent in files
			       * made before drydock 0.9), or NULL when not
			       * recorded; stored as dd_meta "domains:NAME" */
	char *rules;          /* JSON: the enabled rules of its snapshotted tables
			       * ([{"table", "name", "event": "INSERT" | "UPDATE" |
			       * "DELETE" | "SELECT", "definition"}]), or NULL;
			       * stored as dd_meta "rules:NAME" */
	char *datestyle;      /* the server's DateStyle for a new session
			       * ("ISO, MDY"), whose field order steps' date
			       * input is read with; NULL for fixtures without
			       * one and files made before drydock recorded it;
			       * stored as
			       * dd_meta "datestyle:NAME" */
	char *lc_numeric;     /* the server's lc_numeric ("C", "de_DE.UTF-8"),
			       * whose characters to_char's D, G and S print;
			       * NULL when not recorded; dd_meta
			       * "lc_numeric:NAME" */
};

struct catalog {
	struct source_meta *sources;
	int nsources;
	struct table_meta *tables;
	int ntables;
	struct enum_meta *enums;
	int nenums;
	struct sequence_meta *seqs;
	int nseqs;
};

/*
 * String vectors (column and label lists): n strings in a NULL-terminated
 * array.  strv_from_cjson() reads a JSON array of strings (NULL reads as
 * empty); on anything else it returns -1 with *v NULL and *n 0.
 * strv_from_json() does the same from JSON text.
 */
struct cJSON;
void strv_free(char **v, int n);
int strv_from_cjson(const struct cJSON *a, char ***v, int *n);
int strv_from_json(const char *json, char ***v, int *n);

/*
 * The catalog structs have one owner: this module allocates them (the
 * catalog_add_* and table_add_* functions) and frees them, whole or one
 * member at a time (a schema change dropping a column or a constraint).
 * Each *_free() releases what the struct points to and zeroes it.
 */
void catalog_free(struct catalog *cat);
/* A new zeroed member at the end; table_add_index takes ownership of name and definition. */
struct column_meta *table_add_column(struct table_meta *t);
struct constraint_meta *table_add_constraint(struct table_meta *t);
void table_add_index(struct table_meta *t, char *name, char *definition);
void table_meta_free(struct table_meta *t);
void column_meta_free(struct column_meta *c);
void constraint_meta_free(struct constraint_meta *c);
void index_meta_free(struct index_meta *x);
struct source_meta *catalog_add_source(struct catalog *cat);
struct table_meta *catalog_add_table(struct catalog *cat);
struct enum_meta *catalog_add_enum(struct catalog *cat);
struct sequence_meta *catalog_add_sequence(struct catalog *cat);
struct table_meta *catalog_find_table(struct catalog *cat, const char *source,
				      const char *name);
struct source_meta *catalog_find_source(struct catalog *cat, const char *name);
struct source_meta *catalog_target(struct catalog *cat);
const struct enum_meta *catalog_find_enum(const struct catalog *cat,
					  const char *source, const char *name);
int table_column_index(const struct table_meta *t, const char *name);
/*
 * Makes the declared key (a table without a primary key) the table's pk.
 * -1 when it names a column the table does not have.
 */
int table_set_declared_key(struct table_meta *t);
/* Fills stage_name and pristine_name from the naming rule above. */
void table_set_stage_names(struct table_meta *t, int is_target);
/* Parses each column's pg_type into its struct pgtype. */
void table_parse_types(struct table_meta *t);

/*
 * Creates a new staging file at path (which must not exist), with the
 * bookkeeping schema, tuned for a bulk load.  The caller loads data and
 * calls stage_finish_create().
 */
int stage_create(const char *path, sqlite3 **out);
/* Commits, restores safe pragmas, closes and fsyncs the file.  Closes db
 * whether it succeeds or not. */
int stage_finish_create(sqlite3 *db, const char *path);

/*
 * Opens an existing staging file, checking that it is one and that its
 * format version is one this drydock reads.  readonly opens it read-only.
 */
int stage_open(const char *path, int readonly, sqlite3 **out);
void stage_close(sqlite3 *db);

int stage_write_catalog(sqlite3 *db, const struct catalog *cat);
int stage_read_catalog(sqlite3 *db, struct catalog *cat);
/* The staging table a snapshot fills with t's rows: the pristine copy, or
 * the table itself for a read-only (non-target) source. */
const char *stage_table_name(const struct table_meta *t);
/* Creates the SQLite table for t under name (typeless columns + PK). */
int stage_create_table(sqlite3 *db, const struct table_meta *t,
		       const char *name);
/* The same in the connection's temp database (its own file). */
int stage_create_temp_table(sqlite3 *db, const struct table_meta *t, const char *name);
/* The column that is the table's rowid (a single integer key), or -1. */
int stage_rowid_column(const struct table_meta *t);
/* A prepared INSERT of every column of t into table name. */
int stage_prepare_insert(sqlite3 *db, const struct table_meta *t,
			 const char *name, sqlite3_stmt **out);
/* The same for nrows rows a step: row k's columns are parameters k * ncols + 1 on. */
int stage_prepare_insert_rows(sqlite3 *db, const struct table_meta *t,
			      const char *name, int nrows, sqlite3_stmt **out);

int stage_set_meta(sqlite3 *db, const char *key, const char *value);
/* Returns a newly allocated value, or NULL when the key is absent. */
char *stage_get_meta(sqlite3 *db, const char *key);

/* Runs SQL, reporting failures with error(); returns 0 or -1. */
int stage_exec(sqlite3 *db, const char *sql);
/*
 * While p is given and active, long statements on db redraw it
 * (progress_tick) so a phase that is one big query still shows its time;
 * NULL stops.  Costs nothing when progress is off.
 */
struct progress;
void stage_watch_progress(sqlite3 *db, struct progress *p);
/* Reports the database's last error under a one-line message. */
int stage_error(sqlite3 *db, const char *what);

/* The bookkeeping schema embedded from schema/stage.sql. */
extern const char schema_stage_sql[];

#endif
