/*
 * entity.c: the entity vocabulary (see strata/entity.h): type names and
 * adding a value to a fixed-size set without allocating.
 */
#include <string.h>

#include "strata/entity.h"
#include "strata/util.h"

static const char *const type_names[ST_ENT_COUNT] = {
	[ST_ENT_NAMESPACE] = "namespace", [ST_ENT_WORKLOAD] = "workload",
	[ST_ENT_POD] = "pod",             [ST_ENT_CONTAINER] = "container",
	[ST_ENT_HOST] = "host",           [ST_ENT_SERVICE] = "service",
	[ST_ENT_UNIT] = "unit",           [ST_ENT_PATH] = "path",
	[ST_ENT_FILE] = "file",           [ST_ENT_CONFIGMAP] = "configmap",
	[ST_ENT_SECRET] = "secret",       [ST_ENT_FLAG] = "flag",
	[ST_ENT_IP] = "ip",               [ST_ENT_PORT] = "port",
	[ST_ENT_DATABASE] = "database",   [ST_ENT_RESOURCE] = "resource",
	[ST_ENT_PACKAGE] = "package",     [ST_ENT_IMAGE] = "image",
};

const char *
st_entity_type_name(enum st_entity_type t)
{
	return (unsigned)t < ST_ENT_COUNT ? type_names[t] : "entity";
}

bool
st_entities_add(struct st_entities *es, enum st_entity_type t, const char *v, size_t n)
{
	if (n == 0)
		return true;
	for (unsigned i = 0; i < es->n; i++)
		if (es->e[i].type == t && es->e[i].len == n &&
		    memcmp(es->bytes + es->e[i].off, v, n) == 0)
			return true; /* said already */
	if (es->n == ST_ENTITIES_MAX || n > 0xffff || es->used + n + 1 > sizeof(es->bytes))
		return false;
	struct st_entity *e = &es->e[es->n++];
	e->type = (uint8_t)t;
	e->off = (uint16_t)es->used;
	e->len = (uint16_t)n;
	memcpy(es->bytes + es->used, v, n);
	es->bytes[es->used + n] = '\0';
	es->used += n + 1;
	return true;
}
