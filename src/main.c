/*
 * main.c: the command line. Everything else is the core library; this
 * file parses arguments, wraps pcre2 for -e, and calls a front end.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "strata/context-cmd.h"
#include "strata/hints-cmd.h"
#include "strata/context.h"
#include "strata/format.h"
#include "strata/formats-cmd.h"
#include "strata/output.h"
#include "strata/report.h"
#include "strata/run.h"
#include "strata/userfmt.h"
#include "strata/viewer-cmd.h"
#include "strata/util.h"

static const char usage_text[] =
	"usage: strata [COMMAND] [OPTIONS] SOURCE...\n"
	"\n"
	"Merge logs from many sources into one time-ordered timeline.\n"
	"\n"
	"Commands:\n"
	"  view        the interactive timeline (the default on a terminal): it\n"
	"              scrolls, follows, searches, filters, and walks from the\n"
	"              hints (h) to their evidence; keys: H in it, or strata(1)\n"
	"  print       print the merged timeline (the default when standard\n"
	"              output is not a terminal)\n"
	"  stats       say what strata found in each source, and how fast\n"
	"  formats     list the formats; with --explain FILE, show which format\n"
	"              reads each of FILE's first lines, and why others do not\n"
	"  context     list what the configuration files among the sources set\n"
	"              (YAML, Ansible, HCL, INI: indexed, not events), with the\n"
	"              entities of each line; --entity TYPE:VALUE keeps the lines\n"
	"              that meet it (e.g. file:export.sh, workload:session-cache)\n"
	"  hints       rank the changes that most likely explain the symptoms\n"
	"              (errors, exit codes, OOM kills, metric drops and freezes),\n"
	"              with the evidence lines; then the unexplained symptoms\n"
	"  report      write a Markdown postmortem draft: window, sources, what\n"
	"              changed, what broke, likely causes with their evidence,\n"
	"              metric sparklines, a condensed timeline with the viewer's\n"
	"              bookmarks, and the human parts to complete (-o FILE)\n"
	"\n"
	"Sources: files, directories (their files, recursively, in name order;\n"
	"hidden and README files skipped) and - for standard input.\n"
	"http://HOST:PORT/PATH: a metric endpoint (Prometheus text), scraped once,\n"
	"or with -f every --interval; its samples are dated at the scrape.\n"
	"prometheus://HOST:PORT/?query=EXPR[&step=15s]: a Prometheus query over\n"
	"--since/--until (default: the last hour); with -f, polled every step.\n"
	"Saved /api/v1/query_range and /api/v1/query answers (JSON) are read too.\n"
	"\n"
	"Options:\n"
	"  -o, --output FORMAT   text (default) or json (one object per line);\n"
	"                        (report) markdown (default) or json (one document),\n"
	"                        or a FILE to write it to (FILE.json: JSON)\n"
	"  -f, --follow          (print, hints) keep reading: files like tail -F (appends,\n"
	"                        rotation, truncation, files that appear later);\n"
	"                        new events print as they arrive, late ones marked;\n"
	"                        ends on Ctrl-C or SIGTERM (status 0)\n"
	"      --since TIME      only events at or after TIME (RFC 3339 or epoch s)\n"
	"      --until TIME      only events at or before TIME\n"
	"  -e, --regex REGEX     only events whose text matches REGEX (pcre2)\n"
	"  -l, --level LEVEL     only events at LEVEL or above: trace, debug, info,\n"
	"                        notice, warn, error, fatal\n"
	"  -F, --field KEY[=VAL] only events with field KEY (equal to VAL); fields\n"
	"                        are what -o json shows under \"fields\" (repeatable)\n"
	"      --assume-tz ZONE  zone of stamps that carry none: an IANA name\n"
	"                        (Europe/Berlin) or an offset (+05:30); default UTC\n"
	"      --color WHEN      auto (default: on a terminal, unless NO_COLOR is\n"
	"                        set), always or never\n"
	"      --formats FILE    also read the formats defined in FILE (repeatable;\n"
	"                        see also ~/.config/strata/formats/*.format)\n"
	"      --explain FILE    (formats) explain how the formats read FILE\n"
	"  -n, --lines N         (formats --explain) lines to explain; default 10\n"
	"      --entity TYPE:VAL (context) only the entries about that entity\n"
	"                        (repeatable: any of them)\n"
	"      --interval TIME   time between scrapes of http:// sources with -f:\n"
	"                        15s (default), 500ms, 2m, 1h\n"
	"      --unexplained     (hints) list every unexplained symptom (JSON:\n"
	"                        objects with \"cause\":null)\n"
	"      --log FILE        (view) write what would go to standard error to FILE\n"
	"                        (default: shown on the help line, printed on exit)\n"
	"      --state FILE      (view, report) the bookmarks file (default: .strata-state\n"
	"                        beside the first source)\n"
	"  -h, --help            this help\n"
	"  -V, --version         the version\n"
	"\n"
	"Exit status: 0 when every source was read, 1 when one could not be,\n"
	"2 on a usage error (a bad format file too).\n";

enum { OPT_SINCE = 256, OPT_UNTIL, OPT_TZ, OPT_COLOR, OPT_FORMATS, OPT_EXPLAIN, OPT_INTERVAL,
       OPT_ENTITY, OPT_UNEXPLAINED, OPT_LOG, OPT_STATE };
#define FIELD_FILTERS_MAX 32

static const struct option long_opts[] = {
	{"output", required_argument, NULL, 'o'},
	{"follow", no_argument, NULL, 'f'},
	{"since", required_argument, NULL, OPT_SINCE},
	{"until", required_argument, NULL, OPT_UNTIL},
	{"regex", required_argument, NULL, 'e'},
	{"level", required_argument, NULL, 'l'},
	{"assume-tz", required_argument, NULL, OPT_TZ},
	{"color", required_argument, NULL, OPT_COLOR},
	{"colour", required_argument, NULL, OPT_COLOR},
	{"formats", required_argument, NULL, OPT_FORMATS},
	{"field", required_argument, NULL, 'F'},
	{"explain", required_argument, NULL, OPT_EXPLAIN},
	{"lines", required_argument, NULL, 'n'},
	{"interval", required_argument, NULL, OPT_INTERVAL},
	{"entity", required_argument, NULL, OPT_ENTITY},
	{"unexplained", no_argument, NULL, OPT_UNEXPLAINED},
	{"log", required_argument, NULL, OPT_LOG},
	{"state", required_argument, NULL, OPT_STATE},
	{"help", no_argument, NULL, 'h'},
	{"version", no_argument, NULL, 'V'},
	{NULL, 0, NULL, 0},
};

struct regex {
	pcre2_code *code;
	pcre2_match_data *md;
};

static bool
regex_match(void *arg, const char *text, size_t len)
{
	struct regex *re = arg;
	return pcre2_match(re->code, (PCRE2_SPTR)text, len, 0, 0, re->md, NULL) >= 0;
}

static int
usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "strata: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'strata --help'.\n");
	return 2;
}

/* Load and register the user formats; false (problems said) on any problem. */
static bool
load_formats(struct st_userfmts *ufs, const char *const *files, size_t n)
{
	struct st_buf err = {0};
	int rc = st_userfmts_setup(ufs, files, n, &err);
	for (size_t i = 0; i < err.len;) {
		const char *nl = memchr(err.p + i, '\n', err.len - i);
		size_t end = nl ? (size_t)(nl - err.p) : err.len;
		fprintf(stderr, "strata: %.*s\n", (int)(end - i), err.p + i);
		i = end + 1;
	}
	st_buf_free(&err);
	return rc == 0;
}

/* --interval: digits and a unit (ms, s, m, h; seconds when none), 1 ms to
 * 24 h. Returns 0 or -1. */
static int
parse_interval(const char *s, uint64_t *ms)
{
	uint64_t v = 0;
	size_t i = 0;
	for (; s[i] >= '0' && s[i] <= '9'; i++) {
		v = v * 10 + (uint64_t)(s[i] - '0');
		if (v > 86400000)
			return -1;
	}
	if (i == 0)
		return -1;
	const char *u = s + i;
	uint64_t mul;
	if (strcmp(u, "ms") == 0)
		mul = 1;
	else if (strcmp(u, "s") == 0 || *u == '\0')
		mul = 1000;
	else if (strcmp(u, "m") == 0)
		mul = 60000;
	else if (strcmp(u, "h") == 0)
		mul = 3600000;
	else
		return -1;
	v *= mul;
	if (v < 1 || v > 86400000)
		return -1;
	*ms = v;
	return 0;
}

/* `strata formats [--explain FILE [-n N]]` */
static int
formats_main(enum st_output output, const char *explain, unsigned lines, const char *tzname)
{
	if (explain == NULL) {
		if (st_formats_list(output, stdout) < 0) {
			fprintf(stderr, "strata: cannot write the output\n");
			return 1;
		}
		return 0;
	}
	struct st_tz *tz = NULL;
	if (tzname && st_tz_load(tzname, &tz) < 0)
		return usage_error("unknown time zone '%s' (an IANA name such as Europe/Berlin, or +HH:MM)",
		                   tzname);
	struct st_explain_opts eo = {.path = explain, .lines = lines, .tz = tz, .output = output};
	int rc = st_formats_explain(&eo, stdout);
	st_tz_free(tz);
	if (rc == -1) {
		fprintf(stderr, "strata: cannot write the output\n");
		return 1;
	}
	if (rc < 0) {
		fprintf(stderr, "strata: %s: %s\n", explain, st_strerror(rc));
		return 1;
	}
	return 0;
}

/* `strata report`: to standard output, or written to file (through a
 * temporary file renamed over it, so a failed run leaves the old one). */
static int
report_main(struct st_run *r, const struct st_report_opts *ro, const char *file)
{
	if (file == NULL || strcmp(file, "-") == 0) {
		if (st_report(r, ro, stdout) < 0) {
			fprintf(stderr, "strata: cannot write the output\n");
			return -1;
		}
		return 0;
	}
	size_t n = strlen(file) + 32;
	char *tmp = st_xmalloc(n);
	snprintf(tmp, n, "%s.tmp.%ld", file, (long)getpid());
	FILE *f = fopen(tmp, "w");
	if (f == NULL) {
		fprintf(stderr, "strata: %s: cannot write: %s\n", file, strerror(errno));
		free(tmp);
		return -1;
	}
	int rc = st_report(r, ro, f);
	if (fclose(f) != 0)
		rc = -1;
	if (rc == 0 && rename(tmp, file) != 0)
		rc = -1;
	if (rc < 0) {
		fprintf(stderr, "strata: %s: cannot write: %s\n", file, strerror(errno));
		remove(tmp);
	} else {
		fprintf(stderr, "strata: report written to %s\n", file);
	}
	free(tmp);
	return rc;
}

int
main(int argc, char **argv)
{
	enum { CMD_PRINT, CMD_STATS, CMD_FORMATS, CMD_CONTEXT, CMD_HINTS, CMD_VIEW, CMD_REPORT } cmd = CMD_PRINT;
	int first = 1;
	bool explicit_cmd = true;
	if (argc > 1 && strcmp(argv[1], "print") == 0) {
		first = 2;
	} else if (argc > 1 && strcmp(argv[1], "view") == 0) {
		cmd = CMD_VIEW;
		first = 2;
	} else if (argc > 1 && strcmp(argv[1], "stats") == 0) {
		cmd = CMD_STATS;
		first = 2;
	} else if (argc > 1 && strcmp(argv[1], "formats") == 0) {
		cmd = CMD_FORMATS;
		first = 2;
	} else if (argc > 1 && strcmp(argv[1], "context") == 0) {
		cmd = CMD_CONTEXT;
		first = 2;
	} else if (argc > 1 && strcmp(argv[1], "hints") == 0) {
		cmd = CMD_HINTS;
		first = 2;
	} else if (argc > 1 && strcmp(argv[1], "report") == 0) {
		cmd = CMD_REPORT;
		first = 2;
	} else if (argc > 1 && strcmp(argv[1], "help") == 0) {
		fputs(usage_text, stdout);
		return 0;
	} else {
		explicit_cmd = false;
	}
	argv[first - 1] = argv[0];
	argc -= first - 1;
	argv += first - 1;

	struct st_print_opts po = {.output = ST_OUT_TEXT};
	po.filter.since = po.filter.until = ST_TIME_NONE;
	const char *since = NULL, *until = NULL, *tzname = NULL, *pattern = NULL;
	int color = -1; /* auto */
	const char *fmt_files[64], *explain = NULL;
	const char *field_filters[FIELD_FILTERS_MAX];
	size_t nfmt_files = 0;
	long lines = -1;
	uint64_t interval_ms = ST_INTERVAL_DEFAULT_MS;
	int c;
	bool follow = false, unexplained = false, output_set = false;
	const char *log_file = NULL, *state_file = NULL, *report_file = NULL;
	struct st_entities want = {0}; /* context --entity */
	while ((c = getopt_long(argc, argv, "o:e:l:n:F:fhV", long_opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			follow = true;
			break;
		case 'o':
			output_set = true;
			if (cmd == CMD_REPORT && (strcmp(optarg, "markdown") == 0 || strcmp(optarg, "md") == 0))
				po.output = ST_OUT_TEXT;
			else if (cmd == CMD_REPORT && strcmp(optarg, "text") != 0 &&
			         strcmp(optarg, "json") != 0) {
				report_file = optarg; /* a file; its name says JSON or not */
				size_t l = strlen(optarg);
				if (l > 5 && strcmp(optarg + l - 5, ".json") == 0)
					po.output = ST_OUT_JSON;
			} else if (strcmp(optarg, "text") == 0)
				po.output = ST_OUT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				po.output = ST_OUT_JSON;
			else
				return usage_error("unknown output format '%s' (text or json)", optarg);
			break;
		case OPT_SINCE:
			since = optarg;
			break;
		case OPT_UNTIL:
			until = optarg;
			break;
		case 'e':
			pattern = optarg;
			break;
		case 'l':
			po.filter.min_level = (int)st_level_from_word(optarg, strlen(optarg));
			if (po.filter.min_level == ST_LVL_NONE)
				return usage_error("unknown level '%s'", optarg);
			break;
		case 'F':
			if (optarg[0] == '\0' || optarg[0] == '=')
				return usage_error("--field takes KEY or KEY=VALUE, not '%s'", optarg);
			if (po.filter.nfields == FIELD_FILTERS_MAX)
				return usage_error("%s", "more than 32 --field filters");
			field_filters[po.filter.nfields++] = optarg;
			po.filter.fields = field_filters;
			break;
		case OPT_TZ:
			tzname = optarg;
			break;
		case OPT_COLOR:
			if (strcmp(optarg, "auto") == 0)
				color = -1;
			else if (strcmp(optarg, "always") == 0)
				color = 1;
			else if (strcmp(optarg, "never") == 0)
				color = 0;
			else
				return usage_error("--color takes auto, always or never, not '%s'", optarg);
			break;
		case OPT_FORMATS:
			if (nfmt_files == ST_ARRAY_LEN(fmt_files))
				return usage_error("%s", "more than 64 --formats files (put them in one)");
			fmt_files[nfmt_files++] = optarg;
			break;
		case OPT_INTERVAL:
			if (parse_interval(optarg, &interval_ms) < 0)
				return usage_error("--interval takes a duration such as 15s, 500ms or 1m "
				                   "(1ms to 24h), not '%s'",
				                   optarg);
			break;
		case OPT_EXPLAIN:
			explain = optarg;
			break;
		case OPT_ENTITY:
			if (st_entity_parse(optarg, &want) < 0)
				return usage_error("--entity takes TYPE:VALUE (file:export.sh, "
				                   "workload:session-cache, host:..., see strata(1)), not '%s'",
				                   optarg);
			break;
		case OPT_UNEXPLAINED:
			unexplained = true;
			break;
		case OPT_LOG:
			log_file = optarg;
			break;
		case OPT_STATE:
			state_file = optarg;
			break;
		case 'n': {
			char *end;
			lines = strtol(optarg, &end, 10);
			if (*end != '\0' || end == optarg || lines < 1 || lines > 1000000)
				return usage_error("-n takes a number of lines (1 to 1000000), not '%s'", optarg);
			break;
		}
		case 'h':
			fputs(usage_text, stdout);
			return 0;
		case 'V':
			printf("strata %s\n", ST_VERSION);
			return 0;
		default:
			fprintf(stderr, "Try 'strata --help'.\n");
			return 2;
		}
	}
	/* no command: the viewer on a terminal, print elsewhere (or when
	 * print's own options say so) */
	if (!explicit_cmd && !output_set && !follow && !pattern && !since && !until &&
	    po.filter.min_level == ST_LVL_NONE && po.filter.nfields == 0 && isatty(STDOUT_FILENO))
		cmd = CMD_VIEW;
	if (cmd == CMD_VIEW && (output_set || follow || pattern || since || until ||
	                        po.filter.min_level != ST_LVL_NONE || po.filter.nfields))
		return usage_error("%s", "view takes no -o, -f, -e, -l, -F, --since or --until: use its "
		                         "keys (f, l, t; H for help)");
	if (cmd != CMD_VIEW && log_file)
		return usage_error("%s", "--log goes with the viewer (strata view)");
	if (cmd != CMD_VIEW && cmd != CMD_REPORT && state_file)
		return usage_error("%s", "--state goes with the viewer and the report");
	if (cmd == CMD_REPORT && (follow || pattern || po.filter.min_level != ST_LVL_NONE ||
	                          po.filter.nfields))
		return usage_error("%s", "report takes no -f, -e, -l or -F: it reads all the evidence "
		                         "(--since and --until set its window)");
	if (follow && cmd != CMD_PRINT && cmd != CMD_HINTS)
		return usage_error("%s", "-f/--follow goes with the print and hints commands");
	if (unexplained && cmd != CMD_HINTS)
		return usage_error("%s", "--unexplained goes with the hints command");
	if (cmd != CMD_CONTEXT && want.n > 0)
		return usage_error("%s", "--entity goes with the context command");
	if (cmd != CMD_FORMATS && (explain || lines > 0))
		return usage_error("%s", "--explain and -n go with the formats command");
	if (cmd == CMD_FORMATS && (optind < argc || (lines > 0 && !explain)))
		return usage_error("%s", "formats takes no sources: strata formats [--explain FILE [-n N]]");
	if (cmd != CMD_FORMATS && optind >= argc)
		return usage_error("%s", "no sources given (a file, a directory, or - for stdin)");
	/* user formats load before anything is read; a bad one is a usage error */
	struct st_userfmts *ufs = st_userfmts_new();
	bool formats_ok = load_formats(ufs, fmt_files, nfmt_files);
	if (!formats_ok || cmd == CMD_FORMATS) {
		int st = formats_ok ? formats_main(po.output, explain, lines > 0 ? (unsigned)lines : 10,
		                                   tzname)
		                    : 2;
		st_userfmts_free(ufs);
		return st;
	}

	struct st_run run;
	int rc = st_run_init(&run, tzname);
	if (rc == 0)
		st_sources_set_interval(run.sources, interval_ms);
	if (rc < 0) {
		st_userfmts_free(ufs);
		return usage_error("unknown time zone '%s' (an IANA name such as Europe/Berlin, or +HH:MM)",
		                   tzname);
	}
	if (since && st_parse_user_time(since, run.tz, &po.filter.since) < 0) {
		st_run_free(&run);
		st_userfmts_free(ufs);
		return usage_error("--since: cannot read time '%s' (RFC 3339 or epoch seconds)", since);
	}
	if (until && st_parse_user_time(until, run.tz, &po.filter.until) < 0) {
		st_run_free(&run);
		st_userfmts_free(ufs);
		return usage_error("--until: cannot read time '%s' (RFC 3339 or epoch seconds)", until);
	}
	st_sources_set_window(run.sources, po.filter.since, po.filter.until); /* prometheus:// */
	struct regex re = {0};
	if (pattern) {
		int err;
		PCRE2_SIZE off;
		re.code = pcre2_compile((PCRE2_SPTR)pattern, PCRE2_ZERO_TERMINATED,
		                        PCRE2_UTF | PCRE2_MATCH_INVALID_UTF, &err, &off, NULL);
		if (re.code == NULL) {
			PCRE2_UCHAR msg[256];
			pcre2_get_error_message(err, msg, sizeof(msg));
			fprintf(stderr, "strata: -e: %s at offset %zu in '%s'\n", (char *)msg, (size_t)off,
			        pattern);
			st_run_free(&run);
			st_userfmts_free(ufs);
			return 2;
		}
		pcre2_jit_compile(re.code, PCRE2_JIT_COMPLETE); /* falls back to the interpreter */
		re.md = pcre2_match_data_create_from_pattern(re.code, NULL);
		po.filter.match = regex_match;
		po.filter.match_arg = &re;
	}
	if (color < 0) {
		const char *nc = getenv("NO_COLOR");
		color = isatty(STDOUT_FILENO) && (nc == NULL || nc[0] == '\0');
	}
	po.color = color;

	if (cmd == CMD_VIEW)
		st_run_follow(&run); /* files are followed like tail -F */
	if (follow) {
		/* a reader that goes away (| head) is a clean end, seen as EPIPE */
		signal(SIGPIPE, SIG_IGN);
		st_run_follow(&run);
	}
	for (int i = optind; i < argc; i++)
		st_run_add(&run, argv[i]);
	if (!follow && cmd != CMD_VIEW)
		st_run_replay(&run);

	int status = 0;
	if (cmd == CMD_VIEW) {
		struct st_viewer_opts vo = {.log = log_file, .state = state_file,
		                            .sources = (const char *const *)argv + optind,
		                            .nsources = (size_t)(argc - optind)};
		status = st_viewer_main(&run, &vo);
		if (status == 0 && st_sources_failed(run.sources) > 0)
			status = 1;
		st_run_free(&run);
		st_userfmts_free(ufs);
		return status;
	}
	struct st_hints_opts ho = {.output = po.output, .unexplained = unexplained};
	if (cmd == CMD_REPORT) {
		struct st_report_opts ro = {.output = po.output, .since = po.filter.since,
		                            .until = po.filter.until, .state = state_file,
		                            .sources = (const char *const *)argv + optind,
		                            .nsources = (size_t)(argc - optind)};
		if (report_main(&run, &ro, report_file) < 0)
			status = 1;
	} else if (cmd == CMD_HINTS) {
		long n = follow ? st_hints_follow(&run, &ho, stdout) : st_hints_print(&run, &ho, stdout);
		if (n < 0) {
			fprintf(stderr, "strata: cannot write the output\n");
			status = 1;
		}
	} else if (follow) {
		/* after the loop: sources may fail while followed */
		if (st_print_follow(&run, &po, stdout) < 0)
			status = 1;
	} else if (cmd == CMD_CONTEXT) {
		struct st_context_opts co = {.output = po.output, .want = &want};
		if (st_context_print(&run, &co, stdout) < 0) {
			fprintf(stderr, "strata: cannot write the output\n");
			status = 1;
		} else if (st_context_nfiles(st_store_context_get(run.store)) == 0) {
			fprintf(stderr, "strata: no context files among the sources (YAML, Ansible, "
			                "HCL, INI; see strata context in strata(1))\n");
			status = 1;
		}
	} else if (cmd == CMD_STATS) {
		if (st_stats(&run, po.output, stdout) < 0) {
			fprintf(stderr, "strata: cannot write the output\n");
			status = 1;
		}
	} else if (st_print(&run, &po, stdout) < 0) {
		fprintf(stderr, "strata: cannot write the output\n");
		status = 1;
	}
	if (st_sources_failed(run.sources) > 0)
		status = 1;
	if (st_run_pages_lost() > 0) {
		fprintf(stderr,
		        "strata: %lu page%s of text lost: a file shrank while strata was using it "
		        "(that text shows as \\x00 bytes)\n",
		        st_run_pages_lost(), st_run_pages_lost() == 1 ? "" : "s");
		status = 1;
	}
	if (re.code) {
		pcre2_match_data_free(re.md);
		pcre2_code_free(re.code);
	}
	st_run_free(&run);
	st_userfmts_free(ufs);
	return status;
}
