/*
 * network.c: connections that fail: refused, reset, timed out, names that
 * do not resolve, hosts that cannot be reached, TLS that does not verify.
 *
 *   error="dial tcp 10.96.14.21:6379: connect: connection refused"
 *   Failed to execute query on orders table: connection to 10.0.50.11:5432 refused
 *   read tcp 10.0.0.1:4455->10.0.0.2:6379: read: connection reset by peer
 *   upstream timed out (110: Connection timed out) while reading response header
 *   dial tcp: lookup db.internal on 10.96.0.10:53: no such host
 *   tls: failed to verify certificate: x509: certificate signed by unknown authority
 *
 * The detail is the peer (host:port) or name when the line gives it.
 * Settings ("timeout=30s", "connect timeout: 5") are not timeouts.
 */
#include "strata/classify.h"

#define TARGET "[\\w.:\\[\\]-]+"

static const struct st_rule rules[] = {
	{
		.name = "connection-refused",
		.kind = ST_RULE_SYMPTOM,
		.needle = "refused",
		.pattern = "(?i)(?:dial (?:tcp|udp)[46]? (?<target>[^\\s:]+:\\d+): connect: connection refused|"
		           "\\bconnect(?:ion)? to (?<target>" TARGET "?)(?: \\([^)]*\\))? "
		           "(?:was |has been )?refused|"
		           "\\(111: connection refused\\)[^\\n]*?upstream: \"(?<target>[^\"]+)\"|"
		           "\\beconnrefused (?<target>" TARGET ")|"
		           "\\bconnection refused|\\beconnrefused)",
		.type = "connection-refused",
		.detail = "{target}",
	},
	{
		.name = "connection-reset",
		.kind = ST_RULE_SYMPTOM,
		.needle = "connection reset|ECONNRESET",
		.pattern = "(?i)(?:(?:read|write) (?:tcp|udp)[46]? [^\\s>]+->(?<target>[^\\s:]+:\\d+): "
		           "[^\\n]*?connection reset|\\bconnection reset(?: by peer)?|\\beconnreset)",
		.type = "connection-reset",
		.detail = "{target}",
	},
	{
		.name = "timeout",
		.kind = ST_RULE_SYMPTOM,
		.needle = "timed out|deadline exceeded|ETIMEDOUT|i/o timeout|read timeout|"
		          "write timeout|connect timeout|connection timeout|request timeout|"
		          "gateway timeout|handshake timeout|socket timeout|upstream timeout",
		.pattern = "(?i)(?:dial (?:tcp|udp)[46]? (?<target>[^\\s:]+:\\d+): i/o timeout|"
		           "\\b(?:connection|operation|read|request|upstream|connect|handshake|socket)"
		           "\\s+timed\\s+out|\\btimed out (?:waiting|after|while|connecting)|"
		           "\\bi/o timeout|\\bcontext deadline exceeded|\\betimedout|"
		           "\\b(?:read|write|connect|connection|request|gateway|handshake|socket|upstream) "
		           "timeout\\b(?![=:]?\\s*\\d))",
		.type = "timeout",
		.detail = "{target}",
	},
	{
		.name = "dns-failure",
		.kind = ST_RULE_SYMPTOM,
		.needle = "no such host|not known|name resolution|resolve host|NXDOMAIN|ENOTFOUND",
		.pattern = "(?i)(?:\\blookup (?<host>[^\\s:]+)(?: on \\S+)?: no such host|"
		           "\\bno such host|(?<host>[\\w.-]+): name or service not known|"
		           "\\bname or service not known|\\btemporary failure in name resolution|"
		           "\\bcould not resolve host:? (?<host>[\\w.-]+)|\\bnxdomain\\b|"
		           "\\bgetaddrinfo enotfound (?<host>[\\w.-]+))",
		.type = "dns",
		.detail = "{host:lower}",
	},
	{
		.name = "host-unreachable",
		.kind = ST_RULE_SYMPTOM,
		.needle = "No route to host|unreachable|EHOSTUNREACH|ENETUNREACH",
		.pattern = "(?i)\\b(?:no route to host|network is unreachable|ehostunreach|enetunreach)",
		.type = "unreachable",
	},
	{
		.name = "tls-failure",
		.kind = ST_RULE_SYMPTOM,
		.needle = "x509: |certificate verify failed|CERTIFICATE_VERIFY_FAILED|"
		          "SSL certificate problem|PKIX path|handshake failure|bad certificate|"
		          "certificate has expired",
		.pattern = "\\bx509: (?<why>[^\\n\"]+)|"
		           "(?:\\[SSL: CERTIFICATE_VERIFY_FAILED\\]\\s*)?certificate verify failed"
		           "(?::\\s*(?<why>[^\\n\"(]+))?|"
		           "CERTIFICATE_VERIFY_FAILED|SSL certificate problem: (?<why>[^\\n\"]+)|"
		           "PKIX path building failed|tls: (?<why>handshake failure|bad certificate)|"
		           "certificate has expired",
		.type = "tls",
		.detail = "{why}",
	},
	{0},
};

const struct st_rule_family st_rules_network = {"network", rules};
