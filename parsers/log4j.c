/*
 * log4j.c: the layouts of Java logging (log4j, logback, Spring Boot,
 * JBoss) and of Python's logging module: a time, a level word, and a
 * logger or thread around them.
 *
 *   2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.Foo: msg        (Hadoop)
 *   2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0.0.0.0:2181:FastLeaderElection@774] - msg
 *   17/06/09 20:10:40 INFO spark.SecurityManager: msg                       (Spark, 20YY)
 *   2025-01-01 10:00:00,123 ERROR myapp.db: msg                             (Python)
 *   2025-01-01 10:00:00,123 - myapp.db - ERROR - msg                        (Python cookbook)
 *   2025-01-01 10:00:00,123 - ERROR - msg                                   (Python, no name)
 *   2025-01-01 10:00:00.123 [main] INFO  com.example.Foo - msg              (logback)
 *   2025-01-01 10:00:00.123  INFO 4242 --- [main] c.e.DemoApplication : msg (Spring Boot)
 *   2025-01-01 10:00:00,123 INFO  [org.jboss.as] (MSC service thread 1-2) msg (JBoss)
 *
 * The time is ISO 8601 (its zone if it has one, else --assume-tz) or
 * YY/MM/DD or YYYY/MM/DD HH:MM:SS. A line is read only when a level word
 * follows the time and a logger or a [thread] is where the layout puts it:
 * "INFO Connecting to db" alone is left to iso8601. Zookeeper's
 * [thread:Class@line] gives both the thread and the logger (Class).
 * Stack traces that follow a record are its continuation lines.
 */
#include <string.h>

#include "common.h"

struct pos {
	size_t thread, thread_end, logger, logger_end, pid, pid_end, level, level_end, body;
};

/* YY/MM/DD or YYYY/MM/DD, then a blank and HH:MM:SS[.frac]. */
static size_t
slash_time(const char *s, size_t n, struct st_civil *c)
{
	size_t y = n > 2 && s[2] == '/' ? 2 : 4;
	if (n < y + 15 || s[y] != '/' || s[y + 3] != '/' || s[y + 6] != ' ')
		return 0;
	*c = (struct st_civil){0};
	if (st_digits(s, y, y, y, &c->year) != y || st_digits(s + y + 1, 2, 2, 2, &c->mon) != 2 ||
	    st_digits(s + y + 4, 2, 2, 2, &c->day) != 2)
		return 0;
	if (y == 2)
		c->year += 2000;
	size_t k = st_parse_hms(s + y + 7, n - y - 7, c);
	return k ? y + 7 + k : 0;
}

/* The level word at s[i]: letters, a level, then a blank; returns its end or 0. */
static size_t
level_end(const char *s, size_t n, size_t i)
{
	size_t j = i;
	while (j < n && is_alpha(s[j]))
		j++;
	if (j == i || j >= n || s[j] != ' ' || st_level_from_word(s + i, j - i) == ST_LVL_NONE)
		return 0;
	return j;
}

/* The ']' closing the '[' at s[i], brackets nested; 0 when none. */
static size_t
close_bracket(const char *s, size_t n, size_t i)
{
	int depth = 0;
	for (; i < n; i++) {
		if (s[i] == '[') {
			depth++;
		} else if (s[i] == ']' && --depth == 0) {
			return i;
		}
	}
	return 0;
}

/* "- msg" or "-" at the end; returns the message start or 0. */
static size_t
dash_body(const char *s, size_t n, size_t i)
{
	if (i < n && s[i] == '-' && (i + 1 == n || s[i + 1] == ' '))
		return skip_spaces(s, n, i + 1);
	return 0;
}

/* A logger at s[i] ended by ": ", " : " (Spring pads it) or " - "; sets
 * its end and returns the message start, or 0. */
static size_t
logger_body(const char *s, size_t n, size_t i, size_t *end)
{
	size_t j = i;
	while (j < n && s[j] != ' ' && s[j] != ':')
		j++;
	if (j == i)
		return 0;
	*end = j;
	if (j < n && s[j] == ':')
		return j + 1 == n ? n : s[j + 1] == ' ' ? skip_spaces(s, n, j + 1) : 0;
	j = skip_spaces(s, n, j);
	if (j < n && s[j] == ':' && (j + 1 == n || s[j + 1] == ' '))
		return skip_spaces(s, n, j + 1);
	return dash_body(s, n, j);
}

/* [thread:Class@line] (Zookeeper): split the bracket's content. */
static void
split_zk(const char *s, struct pos *p)
{
	size_t e = p->thread_end, at = e;
	while (at > p->thread && is_digit(s[at - 1]))
		at--;
	if (at == e || at == p->thread || s[at - 1] != '@')
		return;
	at--;
	for (size_t k = at; k > p->thread; k--) {
		if (s[k - 1] == ':') {
			p->logger = k;
			p->logger_end = at;
			p->thread_end = k - 1;
			return;
		}
	}
}

/* What follows "LEVEL " at s[i]; 0 or ST_ENOMATCH. */
static int
after_level(const char *s, size_t n, size_t i, struct pos *p)
{
	i = skip_spaces(s, n, i);
	if (i < n && is_digit(s[i])) {
		/* Spring Boot: pid --- [app] [thread] logger : msg */
		p->pid = i;
		while (i < n && is_digit(s[i]))
			i++;
		p->pid_end = i;
		i = skip_spaces(s, n, i);
		if (i + 3 > n || memcmp(s + i, "---", 3) != 0)
			return ST_ENOMATCH;
		i = skip_spaces(s, n, i + 3);
		while (i < n && s[i] == '[') {
			size_t e = close_bracket(s, n, i);
			if (e == 0)
				return ST_ENOMATCH;
			p->thread = skip_spaces(s, n, i + 1);
			p->thread_end = e;
			i = skip_spaces(s, n, e + 1);
		}
		p->logger = i;
		p->body = logger_body(s, n, i, &p->logger_end);
		return p->body ? 0 : ST_ENOMATCH;
	}
	if (i < n && s[i] == '[') {
		size_t e = close_bracket(s, n, i);
		if (e == 0)
			return ST_ENOMATCH;
		size_t b = i + 1;
		i = skip_spaces(s, n, e + 1);
		if ((p->body = dash_body(s, n, i)) != 0) {
			/* [thread] - msg, or Zookeeper's [thread:Class@line] - msg */
			p->thread = b;
			p->thread_end = e;
			split_zk(s, p);
			return 0;
		}
		if (i < n && s[i] == '(') {
			/* JBoss: [logger] (thread) msg */
			const char *c = memchr(s + i, ')', n - i);
			if (c == NULL)
				return ST_ENOMATCH;
			p->logger = b;
			p->logger_end = e;
			p->thread = i + 1;
			p->thread_end = (size_t)(c - s);
			p->body = skip_spaces(s, n, p->thread_end + 1);
			return 0;
		}
		p->thread = b;
		p->thread_end = e;
	} else if ((p->body = dash_body(s, n, i)) != 0) {
		return 0; /* LEVEL - msg (Python's "%(levelname)s - %(message)s") */
	}
	p->logger = i;
	p->body = logger_body(s, n, i, &p->logger_end);
	return p->body ? 0 : ST_ENOMATCH;
}

static int
scan(const char *s, size_t n, struct st_civil *c, struct pos *p)
{
	size_t i = st_parse_iso(s, n, c, false);
	if (i == 0 && (i = slash_time(s, n, c)) == 0)
		return ST_ENOMATCH;
	if (i >= n || s[i] != ' ')
		return ST_ENOMATCH;
	*p = (struct pos){0};
	i = skip_spaces(s, n, i);
	bool dash = false;
	if (i + 1 < n && s[i] == '-' && s[i + 1] == ' ') {
		dash = true;
		i = skip_spaces(s, n, i + 1);
	}
	size_t e;
	if (!dash && i < n && s[i] == '[') {
		/* logback: [thread] LEVEL logger - msg */
		if ((e = close_bracket(s, n, i)) == 0)
			return ST_ENOMATCH;
		p->thread = i + 1;
		p->thread_end = e;
		p->level = skip_spaces(s, n, e + 1);
		if ((p->level_end = level_end(s, n, p->level)) == 0)
			return ST_ENOMATCH;
		p->logger = skip_spaces(s, n, p->level_end);
		p->body = logger_body(s, n, p->logger, &p->logger_end);
		return p->body ? 0 : ST_ENOMATCH;
	}
	p->level = i;
	if ((p->level_end = level_end(s, n, i)) != 0)
		return after_level(s, n, p->level_end, p);
	if (!dash)
		return ST_ENOMATCH;
	/* Python's cookbook: - name - LEVEL - msg */
	p->logger = i;
	while (i < n && s[i] != ' ')
		i++;
	p->logger_end = i;
	if (i == p->logger || i + 3 > n || memcmp(s + i, " - ", 3) != 0)
		return ST_ENOMATCH;
	p->level = i + 3;
	if ((p->level_end = level_end(s, n, p->level)) == 0)
		return ST_ENOMATCH;
	p->body = dash_body(s, n, p->level_end + 1);
	return p->body ? 0 : ST_ENOMATCH;
}

static int
parse(const struct st_timectx *tc, const char *s, size_t n, struct st_draft *d)
{
	struct st_civil c;
	struct pos p;
	if (scan(s, n, &c, &p) < 0 || st_civil_resolve(tc, c, &d->ts) < 0)
		return ST_ENOMATCH;
	d->level = (uint8_t)st_level_from_word(s + p.level, p.level_end - p.level);
	d->body = (uint32_t)p.body;
	d->kind = ST_KIND_LOG;
	return 0;
}

static void
fields(const char *s, size_t n, const struct st_draft *d, struct st_fields *out)
{
	(void)d;
	struct st_civil c;
	struct pos p;
	if (scan(s, n, &c, &p) < 0)
		return;
	/* Spring and others pad the thread name to a column width */
	size_t t = p.thread, te = p.thread_end;
	while (t < te && s[t] == ' ')
		t++;
	while (te > t && s[te - 1] == ' ')
		te--;
	ST_FIELD(out, "thread", s + t, te - t);
	ST_FIELD(out, "logger", s + p.logger, p.logger_end - p.logger);
	ST_FIELD(out, "pid", s + p.pid, p.pid_end - p.pid);
}

static const char *const samples[] = {
	"2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster for application appattempt_14451_0020_000001",
	"2015-07-29 17:41:44,747 - INFO  [QuorumPeer[myid=1]/0:0:0:0:0:0:0:0:2181:FastLeaderElection@774] - Notification time out: 3200",
	"17/06/09 20:10:40 INFO spark.SecurityManager: Changing view acls to: yarn,curi",
	"2025-01-01 10:00:00,123 ERROR myapp.db: connection pool exhausted",
	"2025-01-01 10:00:00,123 - myapp.db - WARNING - retrying in 5 s",
	"2025-01-01 10:00:00,123 - CRITICAL - disk full",
	"2025-01-01 10:00:00.123 [main] DEBUG com.example.Foo - cache warmed",
	"2025-01-01T10:00:00.123+01:00  INFO 4242 --- [           main] c.e.DemoApplication                      : Started DemoApplication in 2.1 seconds",
	"2025-01-01 10:00:00,123 INFO  [org.jboss.as] (MSC service thread 1-2) WFLYSRV0049: WildFly started",
	NULL,
};

static const char *const rejects[] = {
	"2024-12-10T06:00:04Z INFO  Connecting to database...",
	"2017-05-16 00:00:00.008 25746 INFO nova.api [-] an oslo.log line",
	"2016-09-28 04:30:30, Info                  CBS    a CBS line",
	"2025-01-01 10:00:00,123 NOTALEVEL [main] org.example.Foo: msg",
	"2025-01-01 10:00:00,123 INFO [main unclosed thread",
	NULL,
};

const struct st_format st_format_log4j = {
	.name = "log4j",
	.title = "Java (log4j, logback) and Python logging \"2015-10-18 18:01:47,978 INFO [main] org.Foo: msg\"",
	.parse = parse,
	.fields = fields,
	.samples = samples,
	.rejects = rejects,
};
