/*
 * http.c: HTTP 5xx responses in access logs, read from the status field
 * of the formats that give one (access: Apache and nginx; haproxy), and
 * of JSON and logfmt request logs.
 *
 *   10.1.2.3 - - [22/Jan/2019:03:56:14 +0330] "GET /api/orders HTTP/1.1" 503 99
 *   {"ts":"...","method":"GET","path":"/api/orders","status":502,...}
 *
 * The access formats give a 5xx line level error, so only those lines
 * are read for their fields; the JSON and logfmt rules wait for a needle
 * ("status":5, status=5) before they read any field.
 */
#include "strata/classify.h"

#define DETAIL "{@status} {@method} {@path}||{@status} {@request}||{@status}"

static const struct st_rule rules[] = {
	{
		.name = "http-5xx-access",
		.kind = ST_RULE_SYMPTOM,
		.format = "access,haproxy",
		.min_level = ST_LVL_ERROR,
		.field = "status",
		.pattern = "^(?<status>5\\d\\d)$",
		.type = "http-5xx",
		.detail = DETAIL,
	},
	{
		.name = "http-5xx-structured",
		.kind = ST_RULE_SYMPTOM,
		.format = "json,logfmt",
		.needle = "\"status\":5|\"status\": 5|status=5|\"status_code\":5|\"status_code\": 5|"
		          "status_code=5|\"statusCode\":5|\"statusCode\": 5|\"status\":\"5",
		.field = "status,status_code,statusCode",
		.pattern = "^(?<status>5\\d\\d)$",
		.type = "http-5xx",
		.detail = "{status} {@method} {@path}||{status} {@method} {@url}||{status} {@uri}||"
		          "{status}",
	},
	{0},
};

const struct st_rule_family st_rules_http = {"http", rules};
