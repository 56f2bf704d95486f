/*
 * entity.h: the things a human matches evidence on, as typed strings.
 *
 * An entity is a type and a value, written "type:value" wherever it is
 * shown (JSON "entities":["namespace:analytics","configmap:analytics-config",
 * "workload:daily-rollup","host:prod-batch-01","file:export.sh",...]).
 * Values are normalised so that the same thing said two ways compares
 * equal: workload names lose their pod/ReplicaSet hash suffixes
 * (session-cache-7f4b8d9c65-xk2mv -> session-cache), a path also gives its
 * basename as a file entity, host names are lower-cased.
 *
 * Extractors (src/entities.c for events, src/context.c for context files)
 * write into a caller's st_entities: fixed capacity, values copied into its
 * own byte buffer, so extraction never allocates.
 */
#ifndef STRATA_ENTITY_H
#define STRATA_ENTITY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum st_entity_type {
	ST_ENT_NAMESPACE,
	ST_ENT_WORKLOAD,  /* deployment, statefulset, job, daemonset, pod's owner */
	ST_ENT_POD,
	ST_ENT_CONTAINER,
	ST_ENT_HOST,
	ST_ENT_SERVICE,
	ST_ENT_UNIT,      /* systemd unit */
	ST_ENT_PATH,      /* absolute or relative file path */
	ST_ENT_FILE,      /* a path's basename */
	ST_ENT_CONFIGMAP,
	ST_ENT_SECRET,
	ST_ENT_FLAG,      /* feature flag */
	ST_ENT_IP,
	ST_ENT_PORT,
	ST_ENT_DATABASE,
	ST_ENT_RESOURCE,  /* terraform resource address, k8s kind/name not above */
	ST_ENT_PACKAGE,
	ST_ENT_IMAGE,
	ST_ENT_COUNT
};

#define ST_ENTITIES_MAX 32
#define ST_ENTITIES_BYTES 1024

struct st_entity {
	uint8_t type;      /* enum st_entity_type */
	uint16_t off, len; /* value in st_entities.bytes */
};

struct st_entities {
	unsigned n;
	struct st_entity e[ST_ENTITIES_MAX];
	size_t used;
	char bytes[ST_ENTITIES_BYTES];
};

/* "namespace", "workload", ... */
const char *st_entity_type_name(enum st_entity_type t);

/* Add an entity (copied, deduplicated); false when full. */
bool st_entities_add(struct st_entities *es, enum st_entity_type t, const char *v, size_t n);

static inline const char *
st_entity_value(const struct st_entities *es, unsigned i)
{
	return es->bytes + es->e[i].off;
}

#endif
