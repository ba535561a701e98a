/*
 * jsonutil: the small cJSON helpers every module shares, so no module
 * keeps its own copy: members by key (NULL-safe), typed members with
 * defaults, and the one canonical key order.
 */
#ifndef DD_JSONUTIL_H
#define DD_JSONUTIL_H

#include <cjson/cJSON.h>

/* Member key of object o (case-sensitive), or NULL; o may be NULL. */
cJSON *jget(const cJSON *o, const char *key);
/* A string member, or NULL when absent or not a string. */
const char *jstr(const cJSON *o, const char *key);
const char *jstr_or(const cJSON *o, const char *key, const char *dflt);
double jnum_or(const cJSON *o, const char *key, double dflt);
/* A boolean member, or dflt when absent or not a boolean. */
int jbool(const cJSON *o, const char *key, int dflt);

/*
 * Sorts every object's members by key (byte order), recursively, in
 * place.  Stable: members with equal keys keep their order, so a hash over
 * the printed text is the same on every platform and every run.
 */
void json_sort_keys(cJSON *item);

/*
 * v as the --json outputs and reports print JSON: two-space indentation,
 * integers as integers, a final newline.  Freed with free().
 */
char *json_print_pretty(const cJSON *v);

#endif
