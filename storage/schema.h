/*
 * schema.h: the database schema as numbered migration steps (schema.c).
 * Internal to storage/: store.c applies the steps at open.
 */
#ifndef FEEDD_SCHEMA_H
#define FEEDD_SCHEMA_H

/* The version a fully migrated database has (PRAGMA user_version). */
#define SCHEMA_VERSION		7
/* PRAGMA application_id of feedd's databases: "feed" in ASCII. */
#define SCHEMA_APPLICATION_ID	0x66656564

/* The SQL that takes a database from version - 1 to version, or NULL if
 * there is no such step. */
const char	*schema_step(int version);

#endif
