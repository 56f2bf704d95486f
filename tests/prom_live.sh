#!/bin/sh
# prom_live.sh: prometheus:// sources against a real Prometheus.
#
#   sh tests/prom_live.sh BUILD/strata
#
# Starts Debian's prometheus-node-exporter and prometheus on free ports of
# 127.0.0.1 (a temporary TSDB and a config that scrapes the exporter every
# second), waits for the first scrape, then checks: an instant-looking
# query over the last hour (up), a query_range of node_load1 over a
# --since window at step=2s, a query without __name__ (rate), a bad query
# (Prometheus' error said, status 1), and print -f: new samples arrive as
# Prometheus scrapes, none twice; when Prometheus stops the failure is an
# error event and said once, when it is back strata says so, and at the
# end the failed queries are counted (status 1: the series have holes).
# Everything it starts it stops. Exit 77 (skipped) only when the
# binaries are missing (scripts/install-deps installs them); python3
# reads the JSON.

BIN=$1
if [ ! -x "$BIN" ]; then
	echo "usage: prom_live.sh STRATA_BINARY" >&2
	exit 2
fi
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
PROM=$(command -v prometheus)
NE=$(command -v prometheus-node-exporter)
if [ -z "$PROM" ] || [ -z "$NE" ]; then
	echo "prom_live: prometheus and prometheus-node-exporter are not installed (scripts/install-deps installs them): skipped"
	exit 77
fi
command -v python3 >/dev/null 2>&1 || { echo "prom_live.sh needs python3" >&2; exit 2; }

T=$(mktemp -d "${TMPDIR:-/tmp}/strata-prom.XXXXXX") || exit 2
NE_PID=""
PROM_PID=""
ST_PID=""
cleanup() {
	for p in $ST_PID $PROM_PID $NE_PID; do
		kill "$p" 2>/dev/null
	done
	for p in $ST_PID $PROM_PID $NE_PID; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

PASS=0
FAIL=0
check() {
	_desc=$1
	shift
	if "$@"; then
		PASS=$((PASS + 1))
	else
		FAIL=$((FAIL + 1))
		echo "FAIL: $_desc"
	fi
}
# run strata: stdout in $OUT, stderr in $ERR, status in $RC; a crash or a
# sanitizer report fails
OUT=$T/out
ERR=$T/err
st() {
	"$BIN" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	if [ "$RC" -ge 128 ] || grep -q -E 'runtime error:|Sanitizer' "$ERR"; then
		FAIL=$((FAIL + 1))
		echo "FAIL: strata $*: status $RC"
		head -20 "$ERR" | sed 's/^/    /'
	fi
}
status_is() { [ "$RC" -eq "$1" ]; }
err_has() { grep -q -F -e "$1" "$ERR"; }
free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
# wait_for SECONDS COMMAND...: until the command succeeds
wait_for() {
	_n=$(($1 * 10))
	shift
	while [ $_n -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.1
		_n=$((_n - 1))
	done
	"$@"
}
# the number of samples of query up that Prometheus holds now
api_up() {
	python3 - "$1" <<'PY'
import json, sys, urllib.request
r = json.load(urllib.request.urlopen("http://127.0.0.1:%s/api/v1/query?query=up" % sys.argv[1], timeout=2))
ok = [s for s in r["data"]["result"] if s["value"][1] == "1"]
sys.exit(0 if ok else 1)
PY
}

NEP=$(free_port)
PP=$(free_port)
cat >"$T/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ['127.0.0.1:$NEP']
EOF
start_prometheus() {
	"$PROM" --config.file="$T/prometheus.yml" --storage.tsdb.path="$T/data" \
		--web.listen-address="127.0.0.1:$PP" >>"$T/prometheus.log" 2>&1 &
	PROM_PID=$!
}
"$NE" --web.listen-address="127.0.0.1:$NEP" >"$T/ne.log" 2>&1 &
NE_PID=$!
start_prometheus
T0=$(date +%s)
if ! wait_for 40 api_up "$PP"; then
	echo "FAIL: Prometheus did not scrape the exporter within 40 s"
	tail -20 "$T/prometheus.log" | sed 's/^/    /'
	exit 1
fi
TUP=$(date +%s) # a scrape exists before this second ends
sleep 6 # a few scrapes to query

cat >"$T/chk.py" <<'PY'
import json, sys, time, datetime
# FILE NAME MIN STEP_MS [SINCE]: at least MIN metric events named NAME, read
# as prometheus, dated by their samples (the text's last word, in ms), on
# the step's grid, at SINCE (epoch s) or later and not after now; per
# series, times strictly increasing (no sample twice)
path, name, least, step = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
since = float(sys.argv[5]) if len(sys.argv) > 5 else time.time() - 3600 - 60
evs = [json.loads(l) for l in open(path, encoding="utf-8")]
ms = [e for e in evs if e["kind"] == "metric"]
if len(ms) < least:
    sys.exit("%d metric events, want %d or more" % (len(ms), least))
last = {}
for e in ms:
    if e["format"] != "prometheus":
        sys.exit("not read as prometheus: %r" % e)
    series, value, t = e["text"].rsplit(" ", 2)
    if not series.startswith(name):
        sys.exit("not named %s: %r" % (name, e["text"]))
    t = int(t)
    ts = datetime.datetime.strptime(e["ts"], "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=datetime.timezone.utc)
    if round(ts.timestamp() * 1000) != t:
        sys.exit("dated %s, its sample at %d ms" % (e["ts"], t))
    if t % step != 0:
        sys.exit("%d ms is not on the %d ms grid" % (t, step))
    if t < since * 1000 or t > (time.time() + 2) * 1000:
        sys.exit("%s is outside the window" % e["ts"])
    if series in last and t <= last[series]:
        sys.exit("%s at %d after %d: a sample twice or out of order" % (series, t, last[series]))
    last[series] = t
    float(value)
PY

# node_load1 since the scrapes began, every 2 s
st print -o json --since "$T0" "prometheus://127.0.0.1:$PP/?query=node_load1&step=2s"
check "node_load1: status $RC" status_is 0
check "node_load1: samples every 2 s since --since" python3 "$T/chk.py" "$OUT" node_load1 2 2000 "$T0"
# stats: one source, format prometheus
st stats "prometheus://127.0.0.1:$PP/?query=node_load1&step=2s"
check "stats: prometheus" grep -q -E '^\?query=node_load1&step=2s +prometheus ' "$OUT"
# no __name__: named after the query
st print -o json --since "$T0" "prometheus://127.0.0.1:$PP/?query=rate(node_cpu_seconds_total[10s])&step=1s"
check "rate: status $RC" status_is 0
check "rate: named after the query" python3 "$T/chk.py" "$OUT" 'rate_node_cpu_seconds_total_10s{cpu="' 1 1000 "$T0"
# the same query, percent-encoded
st print -o json --since "$T0" "prometheus://127.0.0.1:$PP/?query=rate%28node_cpu_seconds_total%5B10s%5D%29&step=1s"
check "rate, percent-encoded: the same" python3 "$T/chk.py" "$OUT" 'rate_node_cpu_seconds_total_10s{cpu="' 1 1000 "$T0"
# a bad query: Prometheus' own words
st print "prometheus://127.0.0.1:$PP/?query=sum(up"
check "bad query: status $RC" status_is 1
check "bad query: said" err_has "query failed: bad_data: "
check "bad query: the HTTP status" err_has "(HTTP status 400)"

# -f: new samples as Prometheus scrapes, none twice; Prometheus stopped
# and started again
SINCE=$(($(date +%s) - 2))
"$BIN" print -f -o json --since "$SINCE" "prometheus://127.0.0.1:$PP/?query=up&step=1s" >"$T/f.out" 2>"$T/f.err" &
ST_PID=$!
count_after() { # FILE SECONDS: samples later than SECONDS (epoch)
	python3 -c '
import json, sys
n = sum(1 for l in open(sys.argv[1]) if json.loads(l)["kind"] == "metric" and int(json.loads(l)["text"].rsplit(" ", 1)[1]) > float(sys.argv[2]) * 1000)
print(n)' "$1" "$2"
}
has_new() { [ "$(count_after "$T/f.out" "$1")" -ge "$2" ]; }
START=$(date +%s)
check "-f: new samples arrive" wait_for 20 has_new "$START" 4
kill "$PROM_PID"
wait "$PROM_PID" 2>/dev/null
PROM_PID=""
check "-f: Prometheus gone: said" wait_for 10 grep -q "query failed: connection refused (trying again every step)" "$T/f.err"
check "-f: Prometheus gone: an error event" wait_for 5 grep -q '"level":"error","format":null,"text":"query of prometheus://127.0.0.1:'"$PP"'/?query=up&step=1s failed: connection refused"' "$T/f.out"
start_prometheus
check "-f: Prometheus back: said" wait_for 40 grep -q "query works again (after [0-9]* failed)" "$T/f.err"
BACK=$(date +%s)
check "-f: samples again" wait_for 20 has_new "$BACK" 2
kill -INT "$ST_PID"
wait "$ST_PID"
RC=$?
ST_PID=""
check "-f: SIGINT: status $RC, 1: queries failed" status_is 1
check "-f: refused said once" [ "$(grep -c 'query failed: connection refused' "$T/f.err")" -eq 1 ]
check "-f: the failed queries counted at the end" \
	grep -q -E "/\?query=up&step=1s: [0-9]+ of [0-9]+ queries failed \(the last: connection refused\)" "$T/f.err"
check "-f: no sanitizer report" sh -c "! grep -q -E 'runtime error:|Sanitizer' '$T/f.err'"
grep '"kind":"metric"' "$T/f.out" >"$T/f.metrics"
check "-f: every sample once, in order, on the 1 s grid" python3 "$T/chk.py" "$T/f.metrics" up 6 1000 "$SINCE"

# the last hour (the default window) of up, at the default step (15 s):
# once a point of the 15 s grid is past the first scrape
G=$(((TUP / 15 + 1) * 15 + 1))
while [ "$(date +%s)" -lt $G ]; do
	sleep 0.2
done
st print -o json "prometheus://127.0.0.1:$PP/?query=up"
check "up: status $RC" status_is 0
check "up: quiet" [ ! -s "$ERR" ]
check "up: metric events on the 15 s grid" python3 "$T/chk.py" "$OUT" 'up{instance="127.0.0.1:'"$NEP"'",job="node"}' 1 15000

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
