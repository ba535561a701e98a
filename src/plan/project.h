/*
 * project: the optional project file, drydock.json, holding the defaults
 * that keep daily commands short (README, "Project file"):
 *
 *   {"$schema": ".../project.schema.json",
 *    "plan": "plans/avatars", "stage": "build/avatars.db",
 *    "source": "dev", "target": "dev",
 *    "targets": {"dev": "service=app_dev",
 *                "prod": {"conninfo": "host=db.example.com dbname=app"}}}
 *
 * project_load() reads and validates a file against
 * schema/project.schema.json (unknown keys are errors, with "did you
 * mean"), refuses a target holding a password (the file is meant to be
 * committed: ~/.pgpass, PGPASSWORD or pg_service.conf hold passwords), and
 * resolves the paths in it against the file's own folder, never the
 * current one.  project_find() is the lookup: drydock.json in the current
 * folder or the nearest parent, as git finds .git.  Which file a command
 * uses (--project, DRYDOCK_PROJECT, --no-project) is the command layer's
 * choice (commands.h).
 */
#ifndef DD_PROJECT_H
#define DD_PROJECT_H

#define PROJECT_FILE_NAME "drydock.json"

struct project_target {
	char *name;        /* its key in "targets" */
	char *conninfo;    /* what libpq gets: the string, or service='NAME' */
	char *description; /* or NULL */
};

/* One entry of "source": a plan source and the target it is read from. */
struct project_source {
	char *name;   /* the plan's source name; NULL for "source": "NAME" (the only source) */
	char *target; /* a name in targets */
};

struct project {
	char *path;   /* the file, as found or given */
	char *dir;    /* its folder: "." or "../.." when found, else as given */
	char *plan;   /* the plan folder, resolved against dir, or NULL */
	char *stage;  /* the staging file, resolved against dir, or NULL */
	char *target; /* the default target's name, or NULL */
	struct project_source *sources; /* "source", or none */
	int nsources;
	struct project_target *targets; /* "targets", in the file's order */
	int ntargets;
};

/*
 * Parses text (the file at path) into p.  Every problem is reported
 * (error, detail, hint naming the file) and -1 returned; p is then empty.
 */
int project_parse(const char *text, const char *path, struct project *p);
/* Reads path and parses it.  0 or -1, reported. */
int project_load(const char *path, struct project *p);
/*
 * The nearest drydock.json: in the current folder, else its parent, and
 * so on up to the root, as a path relative to the current folder
 * ("drydock.json", "../../drydock.json"); NULL when there is none.
 */
char *project_find(void);
/* The target named name, or NULL. */
const struct project_target *project_target(const struct project *p, const char *name);
/* "dev, prod": the targets' names, for messages (allocated). */
char *project_target_names(const struct project *p);
void project_free(struct project *p);

#endif
