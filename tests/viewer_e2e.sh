#!/bin/bash
# viewer_e2e.sh: end-to-end tests of the interactive viewer (strata view),
# driven through tmux.
#
#   bash tests/viewer_e2e.sh BUILD/strata SOURCE_DIR
#
# Each case starts the viewer in a detached 120x40 tmux session of its own,
# on a private server (tmux -L strata-test-PID -f /dev/null), so a user's
# tmux and its configuration are never touched. Keys go in with send-keys;
# the screen comes back with capture-pane -p and is polled until what is
# expected shows (10 s at most); no check waits a fixed time. The viewer runs
# under a small sh script that sends its standard error to a file and then
# prints "VIEWER-DONE <status>", so quitting, the exit status, the messages
# printed once the screen is given back, and sanitizer reports (with
# -DSTRATA_SANITIZE=ON) are all checked. Bookmarks go to a --state file in
# the temporary directory: nothing is written beside the sources.
#
# The first failure ends the script (status 1) with what was expected and a
# dump of the screen. Exits 77 (skipped) when tmux is not installed. The
# cases at the end check bugs found when this was written, so that a failure
# there does not hide the cases before them.

# The cases' command lines are single-quoted on purpose (sh expands them in
# the pane); cleanup runs from the EXIT trap.
# shellcheck disable=SC2016,SC2317
set -u

BIN=${1:-}
SRC=${2:-}
if [ -z "$BIN" ] || [ ! -x "$BIN" ] || [ ! -d "$SRC/fixtures/incidents" ]; then
	echo "usage: viewer_e2e.sh STRATA_BINARY SOURCE_DIR" >&2
	exit 2
fi
if ! command -v tmux >/dev/null 2>&1; then
	echo "viewer_e2e.sh: tmux is not installed (scripts/install-deps installs it); skipped"
	exit 77
fi
case $BIN in /*) ;; *) BIN=$(pwd)/$BIN ;; esac
SRC=$(cd "$SRC" && pwd)
export LC_ALL=C.UTF-8 # ${#line} counts characters, not bytes

T=$(mktemp -d "${TMPDIR:-/tmp}/strata-ve.XXXXXX") || exit 2
case "$BIN$SRC$T" in
*"'"*)
	echo "viewer_e2e.sh: paths with a single quote are not supported" >&2
	exit 2
	;;
esac
SOCK=strata-test-$$
tm() { tmux -L "$SOCK" -f /dev/null "$@"; }
STOPPED= # the tmux server's pid while it is stopped (case "stall")
SOCKET=  # its socket file
cleanup() {
	[ -n "$STOPPED" ] && kill -CONT "$STOPPED" 2>/dev/null
	exec 3>&- 2>/dev/null
	tm kill-server >/dev/null 2>&1
	[ -n "$SOCKET" ] && rm -f "$SOCKET"
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 2' INT TERM
# one server for all the cases, kept while no session runs (a server that
# exits with its last session races with the next new-session)
tm start-server \; set -g exit-empty off || { echo "cannot start a tmux server" >&2; exit 2; }
SOCKET=$(tm display -p '#{socket_path}' 2>/dev/null)

JOB=$SRC/fixtures/incidents/job-succeeded-wrong
DATA=$SRC/tests/data/viewer
W=120 H=40
ROWS=$((H - 3)) # timeline rows: then the density strip, the status, the help line
SESS=           # the case's tmux session (named after the case)
CASE=           # the case, for messages and its files in $T
PASSED=()

# ---- reporting ----

screen() { tm capture-pane -p -t "$SESS" 2>/dev/null; }

# fail MESSAGE: say what failed, show the screen and the viewer's stderr, stop.
fail() {
	echo "FAIL [$CASE]: $*"
	echo "---- screen ($(tm display -p -t "$SESS" '#{pane_width}x#{pane_height}' 2>/dev/null)) ----"
	screen | sed 's/^/|/'
	echo "---- end of screen ----"
	if [ -s "$T/$CASE.err" ]; then
		echo "---- the viewer's standard error ----"
		head -40 "$T/$CASE.err"
	fi
	[ ${#PASSED[@]} -gt 0 ] && echo "cases passed before: ${PASSED[*]}"
	exit 1
}

# ---- reading the screen ----

# The status line: "N events | ..." or "N of M events | ...".
status_line() { screen | grep -E '^ [0-9,]+ (of [0-9,]+ )?events( |$)' | tail -1; }
# The bottom line: the help, the prompt or the last message.
bottom_line() { screen | tail -1; }
# The timeline rows, when no panel is open: all but the last three lines.
timeline_rows() { screen | head -n -3; }
# Line N (1-based) of the screen.
screen_line() { screen | sed -n "${1}p"; }

# wait_for WHAT REGEX DESCRIPTION: poll until WHAT (screen, status, bottom,
# or a line number) matches the extended regular expression; 10 s at most.
wait_for() {
	local what=$1 re=$2 desc=$3 i got
	for ((i = 0; i < ${WAIT_TENTHS:-100}; i++)); do
		case $what in
		screen) got=$(screen) ;;
		status) got=$(status_line) ;;
		bottom) got=$(bottom_line) ;;
		*) got=$(screen_line "$what") ;;
		esac
		if printf '%s\n' "$got" | grep -qE -- "$re"; then
			return 0
		fi
		sleep 0.1
	done
	[ "$what" -eq "$what" ] 2>/dev/null && what="line $what"
	fail "$desc: the $what never matched /$re/ in $((${WAIT_TENTHS:-100} / 10)) s"
}

# wait_gone WHAT REGEX DESCRIPTION: poll until WHAT no longer matches.
wait_gone() {
	local what=$1 re=$2 desc=$3 i got
	for ((i = 0; i < 100; i++)); do
		case $what in
		screen) got=$(screen) ;;
		status) got=$(status_line) ;;
		bottom) got=$(bottom_line) ;;
		esac
		printf '%s\n' "$got" | grep -qE -- "$re" || return 0
		sleep 0.1
	done
	fail "$desc: the $what still matches /$re/ after 10 s"
}

# Escape a literal string for grep -E.
re_quote() { printf '%s' "$1" | sed 's/[][\.*^$+?(){}|/]/\\&/g'; }

# short_time 2024-12-10T07:05:00.000Z: the timeline's "12-10 07:05:00.000"
short_time() { printf '%s %s' "${1:5:5}" "${1:11:12}"; }

# ---- running the viewer ----

# start NAME BODY: start a case in a new session. BODY is sh text that runs
# the viewer; it may use $BIN, $STATE (this case's state file), $T, $JOB and
# $DATA. Its standard error goes to $T/NAME.err; "VIEWER-DONE <status>"
# follows on the screen when it ends.
start() {
	CASE=$1
	SESS=$1
	{
		echo "unset COLORTERM NO_COLOR"
		echo "TERM=tmux-256color XDG_CONFIG_HOME='$T/config'"
		echo "export TERM XDG_CONFIG_HOME"
		echo "BIN='$BIN' STATE='$T/$CASE.state' T='$T' JOB='$JOB' DATA='$DATA'"
		echo "{"
		printf '%s\n' "$2"
		echo "} 2>'$T/$CASE.err'"
		echo 'echo "VIEWER-DONE $?"'
		echo 'sleep 30'
	} >"$T/$CASE.sh"
	tm new-session -d -s "$SESS" -x "$W" -y "$H" "sh '$T/$CASE.sh'" || fail "tmux new-session failed"
}

# keys KEY...: tmux key names (Enter, Up, PageDown, Escape, C-c...) or keys.
keys() { tm send-keys -t "$SESS" "$@"; }
# type_text TEXT: literal text, for the prompts.
type_text() { tm send-keys -t "$SESS" -l -- "$1"; }

# quit: q ends the viewer with status 0, no sanitizer report on its standard
# error; the session is closed.
quit() {
	keys q
	wait_for screen "^VIEWER-DONE [0-9]+" "q ends the viewer"
	screen | grep -q "^VIEWER-DONE 0\$" || fail "the viewer's exit status is not 0"
	no_sanitizer_report
	tm kill-session -t "$SESS" 2>/dev/null
}

no_sanitizer_report() {
	if grep -qE 'runtime error:|Sanitizer|AddressSanitizer|LeakSanitizer' "$T/$CASE.err" 2>/dev/null; then
		fail "sanitizer report on the viewer's standard error"
	fi
}

pass() {
	PASSED+=("$CASE")
	echo "ok - $CASE"
}

# ---- the selection, checked against strata print ----

# strata print of the case's sources, one event a line: $T/print.txt
PRINT=
NEV=0
print_of() {
	"$BIN" print "$@" >"$T/print.txt" 2>/dev/null || fail "strata print $* failed"
	PRINT=$T/print.txt
	NEV=$(wc -l <"$PRINT")
}
# time_of I: the time of event I (0-based) in the print.
time_of() { sed -n "$(($1 + 1))p" "$PRINT" | cut -d' ' -f1; }
# index_of REGEX [K]: the index (0-based) of the Kth (1-based) event whose
# print line matches.
index_of() { grep -nE -- "$1" "$PRINT" | sed -n "${2:-1}p" | cut -d: -f1 | awk '{print $1 - 1}'; }

# expect_sel I DESCRIPTION: the status line comes to show event I selected
# (its percentage and time) among all NEV events.
expect_sel() {
	local i=$1 pct=100
	[ "$NEV" -gt 1 ] && pct=$((i * 100 / (NEV - 1)))
	wait_for status "^ $NEV events \\| $pct% \\| $(re_quote "$(time_of "$i")") " "$2 (event $i of $NEV)"
}

# ==== 1. scroll: opens at the end, following; g, j, k, b, space, G ====

print_of "$JOB"
[ "$NEV" -gt $((ROWS + 2)) ] || fail "the fixture $JOB has only $NEV events"
start scroll '"$BIN" view --state "$STATE" "$JOB"'
expect_sel $((NEV - 1)) "opens on the last event"
wait_for status '\| FOLLOW( |$)' "follows (files stay live)"
# the screen ends with the last event, and starts ROWS events before it
rows=$(timeline_rows)
[[ "$(sed -n "${ROWS}p" <<<"$rows")" == *"$(short_time "$(time_of $((NEV - 1)))")"* ]] ||
	fail "the last timeline row is not the last event"
[[ "$(sed -n 1p <<<"$rows")" == *"$(short_time "$(time_of $((NEV - ROWS)))")"* ]] ||
	fail "the first timeline row is not event $((NEV - ROWS))"
keys g
expect_sel 0 "g goes to the first event"
wait_for status '\| 0% \|.*\| paused( |$)' "g turns follow off"
wait_for 1 "^. $(re_quote "$(short_time "$(time_of 0)")") " "g shows the first event on top"
keys j
expect_sel 1 "j moves down one"
keys Down
expect_sel 2 "Down moves down one"
keys G
expect_sel $((NEV - 1)) "G goes to the last event"
wait_for status '\| FOLLOW( |$)' "G turns follow on again"
keys k
expect_sel $((NEV - 2)) "k moves up one"
wait_for status '\| paused( |$)' "k turns follow off"
keys b
expect_sel $((NEV - 2 - ROWS)) "b goes up a page ($ROWS rows)"
keys Space
expect_sel $((NEV - 2)) "Space goes down a page"
keys F
wait_for status '\| FOLLOW( |$)' "F turns follow on"
expect_sel $((NEV - 1)) "F goes to the end"
quit
pass

# ==== 2. search (NO_COLOR=1): / Enter selects the match, n N, no match ====

start search 'NO_COLOR=1 "$BIN" view --state "$STATE" "$JOB"'
expect_sel $((NEV - 1)) "opens on the last event"
# NO_COLOR: no colour at all, attributes only (the status line in reverse)
colours=$(tm capture-pane -p -e -t "$SESS" | grep -cE $'\e\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m')
[ "$colours" -eq 0 ] || fail "NO_COLOR=1: $colours lines have colour sequences"
tm capture-pane -p -e -t "$SESS" | grep -qE $'\e\\[([0-9;]*;)?7(;[0-9;]*)?m' ||
	fail "NO_COLOR=1: nothing is drawn in reverse video (the status line should be)"
keys g
expect_sel 0 "g"
keys /
wait_for bottom '^/$' "/ opens the search prompt"
type_text 'Rolled up'
wait_for bottom '^/Rolled up$' "the prompt shows what is typed"
keys Enter
first=$(index_of ' Rolled up ' 1)
second=$(index_of ' Rolled up ' 2)
expect_sel "$first" "/Rolled up Enter selects the first match"
wait_for status '\| /Rolled up( |$)' "the status line shows the search"
keys n
expect_sel "$second" "n goes to the next match"
keys N
expect_sel "$first" "N goes back to the previous match"
keys /
wait_for bottom '^/$' "/ opens the search prompt again"
type_text 'zzz-no-such-text'
keys Enter
wait_for bottom 'no more matches' "a search without a match says so"
expect_sel "$first" "a search without a match does not move"
quit
pass

# ==== 3. filters (TERM=xterm): f in, x out, X clears ====

start filter 'TERM=xterm "$BIN" view --state "$STATE" "$JOB"'
expect_sel $((NEV - 1)) "opens on the last event"
# 8 colours: colours, but none of the 256-colour palette
tm capture-pane -p -e -t "$SESS" | grep -q $'\e\\[[0-9;]*38;5;' &&
	fail "TERM=xterm: 256-colour sequences on an 8-colour terminal"
tm capture-pane -p -e -t "$SESS" | grep -qE $'\e\\[([0-9;]*;)?3[0-7](;[0-9;]*)?m' ||
	fail "TERM=xterm: no colour at all"
keys f
wait_for bottom '^filter in: ?$' "f opens the filter prompt"
type_text 'rollup-job'
keys Enter
n_in=$(grep -ci 'rollup-job' "$PRINT") # smart case: lower case matches any case
wait_for status "^ $n_in of $NEV events .*\\| in:rollup-job( |\$)" "f rollup-job keeps its $n_in events"
rows=$(timeline_rows | grep -v '^ *$')
[ "$(wc -l <<<"$rows")" -eq $((n_in < ROWS ? n_in : ROWS)) ] || fail "f: not $n_in rows on the screen"
grep -vqi 'rollup-job' <<<"$rows" && fail "f rollup-job: a row without rollup-job is shown"
keys x
wait_for bottom '^filter out: ?$' "x opens the filter-out prompt"
type_text 'Rolled'
keys Enter
n_out=$(grep -i 'rollup-job' "$PRINT" | grep -vc 'Rolled')
wait_for status "^ $n_out of $NEV events .*\\| in:rollup-job \\| out:Rolled( |\$)" \
	"x Rolled leaves $n_out events"
rows=$(timeline_rows | grep -v '^ *$')
[ "$(wc -l <<<"$rows")" -eq $((n_out < ROWS ? n_out : ROWS)) ] || fail "x: not $n_out rows on the screen"
grep -q 'Rolled' <<<"$rows" && fail "x Rolled: a row with Rolled is still shown"
grep -vqi 'rollup-job' <<<"$rows" && fail "x Rolled: a row without rollup-job is shown"
keys X
wait_for status "^ $NEV events \\| " "X shows all the events again"
wait_for bottom '^filters cleared' "X says the filters are cleared"
status_line | grep -qE '\| (in|out):' && fail "X: filters still on the status line"
quit
pass

# ==== 4. hints: h, Enter jumps to the cause, Tab to the effect ====

start hints '"$BIN" view --state "$STATE" "$JOB"'
expect_sel $((NEV - 1)) "opens on the last event"
wait_for status '\| [0-9]+ hints? \(h\)' "the status line counts the hints"
keys h
wait_for screen '^ hints: [0-9]+ ranked' "h opens the hints panel"
keys Enter
wait_for bottom '^cause events\.log:21$' "Enter in the hints panel jumps to the cause"
expect_sel "$(index_of '^2024-12-08T05:59:58\.000Z +events\.log ')" "the cause is selected"
wait_for status '\| 2024-12-08T05:59:58\.000Z \|.*\| paused( |$)' "the cause's time"
screen | grep -qE '^◆ 12-08 05:59:58\.000 events\.log ' || fail "the cause's row has no change mark (◆)"
keys Tab
wait_for bottom '^effect analytics\.prom:10$' "Tab goes to the effect"
wait_for status '\| 2024-12-08T00:00:00\.000Z \|' "the effect's time"
screen | grep -qE '^! 12-08 00:00:00\.000 analytics\.prom .*revenue' ||
	fail "the effect's row has no hint mark (!)"
# the evidence lines: two lines of context files (not events), then a
# metric sample found by its source and line (no time in the evidence)
keys Tab
wait_for bottom 'analytics-config-staging\.yaml:10 is a line of a context file' "Tab walks to the evidence"
keys Tab Tab
wait_for bottom '^evidence analytics\.prom:9$' "an evidence line's event is found by its source and line"
wait_for status '\| 2024-12-07T00:00:00\.000Z \|' "the evidence's time"
keys BTab BTab BTab
wait_for bottom '^effect analytics\.prom:10$' "Shift-Tab walks back to the effect"
keys Escape
wait_gone screen '^ hints: ' "Esc closes the hints panel"
wait_for status '\| 2024-12-08T00:00:00\.000Z \|' "closing the panel keeps the selection"
quit
pass

# ==== 5. follow: lines appended to a file show; paused, they do not move ====

LIVE=$T/live.log
for ((i = 0; i < 60; i++)); do
	printf '2024-05-01T10:00:%02dZ INFO line %d\n' "$i" "$i"
done >"$LIVE"
start follow '"$BIN" view --state "$STATE" "$T/live.log"'
wait_for status '^ 60 events \| 100% \| 2024-05-01T10:00:59\.000Z \| 1 source[^|]* \| FOLLOW' \
	"opens on the last line, following the file"
echo '2024-05-01T10:01:00Z INFO appended 60' >>"$LIVE"
wait_for status '^ 61 events \| 100% \| 2024-05-01T10:01:00\.000Z .*\| FOLLOW' "an appended line is followed"
wait_for "$ROWS" 'appended 60' "the appended line shows on the last row"
keys k
wait_for status '^ 61 events \| 98% \| 2024-05-01T10:00:59\.000Z .*\| paused' "k pauses"
top=$(screen_line 1)
for ((i = 61; i < 65; i++)); do
	printf '2024-05-01T10:01:%02dZ INFO appended %d\n' $((i - 60)) "$i" >>"$LIVE"
done
wait_for status '^ 65 events \| ' "lines appended while paused are read"
status_line | grep -qE '\| 2024-05-01T10:00:59\.000Z \|.*\| paused' ||
	fail "lines appended while paused moved the selection"
[ "$(screen_line 1)" = "$top" ] || fail "lines appended while paused scrolled the screen"
screen | grep -q 'appended 64' && fail "lines appended while paused are on the screen"
keys G
wait_for status '^ 65 events \| 100% \| 2024-05-01T10:01:04\.000Z .*\| FOLLOW' "G goes to the end and follows"
wait_for "$ROWS" 'appended 64' "G shows the appended lines"
quit
pass

# ==== 5b. a live hint: a symptom appended after a change is ranked ====

mkdir -p "$T/livehint"
printf '[2025-01-01T10:00:00Z] ansible | TASK [Setup] ok: [web-9]\n[2025-01-01T10:05:00Z] ansible | TASK [Deploy app binary] changed: [web-9]\n' \
	>"$T/livehint/changes.log"
printf '2025-01-01T10:01:00+0000 web-9 systemd[1]: Started app.service.\n' >"$T/livehint/journal.log"
start livehint '"$BIN" view --state "$STATE" "$T/livehint/"'
wait_for status '^ 3 events \| .*\| FOLLOW' "opens on the two sources, following"
status_line | grep -qE '[0-9]+ hints? \(h\)' && fail "a hint before its symptom"
printf '2025-01-01T10:06:00+0000 web-9 systemd[1]: app.service: Main process exited, code=exited, status=126/n/a\n' \
	>>"$T/livehint/journal.log"
wait_for status '^ 4 events \| .*\| 1 hint \(h\)' "the appended symptom is ranked with its cause"
keys h
wait_for screen '^   cause  \(change\) changes\.log:2: TASK \[Deploy app binary\]' "the hint names the change"
quit
pass

# ==== 6. resize: the screen is laid out again at the new size ====

print_of "$JOB"
start resize '"$BIN" view --state "$STATE" "$JOB"'
expect_sel $((NEV - 1)) "opens on the last event"
tm resize-window -t "$SESS" -x 80 -y 20 || fail "tmux resize-window failed"
wait_for 19 "^ $NEV events \\| 100% \\| " "the status line moves to line 19 of 20"
lines=$(screen)
[ "$(wc -l <<<"$lines")" -eq 20 ] || fail "the pane is not 20 lines high"
while IFS= read -r l; do
	[ "${#l}" -le 80 ] || fail "a line is longer than 80 columns: $l"
done <<<"$lines"
[[ "$(sed -n 17p <<<"$lines")" == *"$(short_time "$(time_of $((NEV - 1)))")"* ]] ||
	fail "after the resize the last event is not on the last timeline row (17)"
[[ "$(sed -n 20p <<<"$lines")" == "q quit"* ]] || fail "the help line is not on line 20"
# tiny, then back: all laid out again, nothing left of the small screen
tm resize-window -t "$SESS" -x 12 -y 3
wait_for 2 '^ [0-9]' "the status line on a 12x3 screen"
tm resize-window -t "$SESS" -x "$W" -y "$H"
wait_for $((H - 1)) "^ $NEV events \\| 100% \\| " "the status line is back on line $((H - 1))"
[ "$(timeline_rows | grep -c '^. [0-9][0-9]-[0-9][0-9] ')" -eq "$ROWS" ] ||
	fail "after growing again, not $ROWS timeline rows"
quit
pass

# ==== 7. quit: the terminal is given back as it was ====

start quit 's0=$(stty -g)
"$BIN" view --state "$STATE" "$DATA/app.log"
rc=$?
[ "$(stty -g)" = "$s0" ] && echo TTY-RESTORED
(exit $rc)'
wait_for status '^ 6 events \| 100% ' "the viewer opens"
[ "$(tm display -p -t "$SESS" '#{alternate_on}')" = 1 ] || fail "the viewer is not on the alternate screen"
keys q
wait_for screen '^VIEWER-DONE 0$' "q ends the viewer with status 0"
screen | grep -q '^TTY-RESTORED$' || fail "the terminal modes (stty -g) differ after q"
[ "$(tm display -p -t "$SESS" '#{alternate_on}')" = 0 ] || fail "q did not leave the alternate screen"
[ "$(tm display -p -t "$SESS" '#{cursor_flag}')" = 1 ] || fail "the cursor is still hidden after q"
[ "$(tm display -p -t "$SESS" '#{mouse_any_flag}')" = 0 ] || fail "mouse reporting is still on after q"
screen | grep -q ' events | ' && fail "the viewer's screen is still shown after q"
no_sanitizer_report
tm kill-session -t "$SESS"
pass

# ==== 8. standard input as a source; keys still come from the tty ====

start stdin 'printf "%s\n" "2024-03-01T08:00:00Z INFO from-stdin one" "2024-03-01T08:00:01Z WARN from-stdin two" "2024-03-01T08:00:02Z ERROR from-stdin three" | "$BIN" view --state "$STATE" -'
wait_for status '^ 3 events \| [0-9]+% \| 2024-03-01T08:00:0[0-2]\.000Z \| 1 source( |$)' \
	"the 3 lines of stdin, read to the end"
rows=$(timeline_rows)
[ "$(grep -c 'from-stdin' <<<"$rows")" -eq 3 ] || fail "the stdin lines are not all shown"
grep -qE '^  03-01 08:00:01\.000 .* WARN +2024-03-01T08:00:01Z WARN from-stdin two' <<<"$rows" ||
	fail "the second stdin line is not shown as a WARN event"
keys G
wait_for status '^ 3 events \| 100% \| 2024-03-01T08:00:02\.000Z ' "G works with stdin a source"
keys g
wait_for status '^ 3 events \| 0% \| 2024-03-01T08:00:00\.000Z ' "g works with stdin a source"
keys C-c
wait_for screen '^VIEWER-DONE 0$' "Ctrl-C ends the viewer with status 0"
no_sanitizer_report
tm kill-session -t "$SESS"
pass

# stdin still open: its lines come while the user moves
mkfifo "$T/in.fifo" || fail "mkfifo failed"
exec 3<>"$T/in.fifo" # read-write: never blocks; the viewer sees EOF once it is closed
echo '2024-03-01T08:00:00Z INFO piped one' >&3
start stdin-live '"$BIN" view --state "$STATE" - <"$T/in.fifo"'
wait_for status '^ 1 events? \| 100% \| 2024-03-01T08:00:00\.000Z \| 1 source[^|]* \| FOLLOW' \
	"stdin open: live and followed"
echo '2024-03-01T08:00:05Z INFO piped two' >&3
wait_for status '^ 2 events \| 100% \| 2024-03-01T08:00:05\.000Z ' "a line written later to stdin"
keys k
wait_for status '^ 2 events \| 0% .*\| paused' "k with stdin open"
exec 3>&- # EOF
wait_for status '^ 2 events \| 0% \| 2024-03-01T08:00:00\.000Z \| 1 source( \||$)' \
	"stdin closed: no longer live"
quit
pass

# ==== 9. a missing file: the viewer opens; the message is printed after q ====

start missing '"$BIN" view --state "$STATE" "$DATA/app.log" "$T/late.log"'
wait_for status '^ 6 events \| 100% \| 2024-06-01T09:00:12\.000Z \| 2 sources' "opens with the file that exists"
wait_for bottom 'late\.log: no such file' "the bottom line tells of the missing file"
wait_for status '\| 1 message( |$)' "the status line counts the message"
# it is waited for: once it appears, its lines come
echo '2024-06-01T09:00:13Z ERROR late file arrived' >"$T/late.log"
wait_for status '^ 7 events \| 100% \| 2024-06-01T09:00:13\.000Z ' "the file, created later, is read"
wait_for screen '^. 06-01 09:00:13\.000 late\.log +ERROR +.*late file arrived' "its line is shown"
quit
grep -q 'late\.log: no such file or directory' "$T/$CASE.err" ||
	fail "the message about the missing file is not on standard error after q"
pass

# ==== 10. level, sources panel, detail pane, help screen ====

print_of "$DATA/app.log" "$DATA/db.log"
start panels '"$BIN" view --state "$STATE" "$DATA/app.log" "$DATA/db.log"'
expect_sel $((NEV - 1)) "opens on the last event"
keys l
wait_for bottom '^level: info' "l: info"
wait_for status "^ $NEV events .*\\| level>=info" "all the events are info or above"
keys l
n=$(grep -cE '^\S+ +\S+ +(WARN|ERROR) ' "$PRINT")
wait_for status "^ $n of $NEV events .*\\| level>=warn" "l: warn and above"
rows=$(timeline_rows | grep -v '^ *$')
grep -vqE '^. [0-9-]+ [0-9:.]+ +\S+ +(WARN|ERROR) ' <<<"$rows" && fail "level>=warn: a row below warn is shown"
keys l
n=$(grep -cE '^\S+ +\S+ +ERROR ' "$PRINT")
wait_for status "^ $n of $NEV events .*\\| level>=error" "l: error and above"
keys l
wait_for status "^ $NEV events \\| " "l: all again"
status_line | grep -q 'level>=' && fail "l back to all: the level is still on the status line"
# sources: hide app.log
keys s
wait_for screen '^ sources ' "s opens the sources panel"
wait_for screen '^ \[x\] +6 events +iso8601 .*app\.log' "the panel lists app.log"
keys Space
n=$(grep -c ' db\.log ' "$PRINT")
wait_for status "^ $n of $NEV events .*\\| 1 hidden" "Space hides app.log"
wait_for screen '^ \[ \] +6 events .*app\.log' "the panel shows app.log hidden"
screen | head -n $((ROWS / 2)) | grep -q 'app\.log' && fail "app.log rows are shown while it is hidden"
keys Space
wait_for status "^ $NEV events \\| " "Space shows app.log again"
keys Escape
# detail of the selected (last) event
keys G Enter
wait_for screen '^ event ' "Enter opens the detail pane"
wait_for screen "^ time +2024-06-01T09:00:12" "the detail shows the time"
wait_for screen "^ source +.*app\\.log:6\$" "the detail shows the source and line"
wait_for screen '^ level +error' "the detail shows the level"
wait_for screen '^ text$' "the detail shows the text"
keys Escape
keys H
wait_for 1 '^ strata: keys' "H opens the help screen"
keys q # closes the help, does not quit
wait_for status "^ $NEV events \\| " "q closes the help screen"
screen | grep -q '^VIEWER-DONE' && fail "q on the help screen quit the viewer"
quit
pass

# ==== 11. time jump and bookmarks, saved to the --state file ====

print_of "$DATA/app.log"
beside=$(stat -c '%s %Y' "$DATA/.strata-state" 2>/dev/null) # a user's own run may have left one
start marks '"$BIN" view --state "$T/marks.state" "$DATA/app.log"'
expect_sel $((NEV - 1)) "opens on the last event"
keys t
wait_for bottom '^time \(RFC 3339' "t opens the time prompt"
type_text '09:00:07'
keys Enter
expect_sel 3 "t 09:00:07 selects the event at that time"
keys m
wait_for bottom '^note: ?$' "m asks for a note"
type_text 'first failure'
keys Enter
wait_for bottom '^bookmarked: first failure' "m saves the bookmark"
wait_for screen '^\* 06-01 09:00:07\.000 ' "the bookmarked row has the * mark"
grep -q 'first failure' "$T/marks.state" || fail "the note is not in the state file"
keys G
expect_sel $((NEV - 1)) "G"
keys "'"
expect_sel 3 "' goes to the bookmark"
quit
[ "$(stat -c '%s %Y' "$DATA/.strata-state" 2>/dev/null)" = "$beside" ] ||
	fail "with --state, a state file was written beside the sources ($DATA/.strata-state)"
pass
start marks-again '"$BIN" view --state "$T/marks.state" "$DATA/app.log"'
expect_sel $((NEV - 1)) "opens on the last event"
wait_for screen '^\* 06-01 09:00:07\.000 ' "the bookmark is restored from the state file"
keys "'"
expect_sel 3 "' goes to the restored bookmark"
keys Enter
wait_for screen '^ bookmark +first failure' "the detail shows the note"
quit
# the report's timeline shows the bookmark the viewer saved, with its note
"$BIN" report --state "$T/marks.state" "$DATA/app.log" >"$T/report.md" 2>"$T/report.err" ||
	fail "strata report with the viewer's state file failed: $(cat "$T/report.err")"
grep -Eq '^\| [0-9-]+ 09:00:07Z +\| bookmark +\| `app\.log:4` +\| `first failure — ' "$T/report.md" ||
	fail "the report's timeline lacks the viewer's bookmark: $(grep -A12 '^## Timeline' "$T/report.md")"
pass

# ==== 12. SIGTERM: the terminal is restored, the signal is told ====

start sigterm '"$BIN" view --state "$STATE" "$DATA/app.log"'
wait_for status '^ 6 events \| 100% ' "the viewer opens"
sh_pid=$(tm display -p -t "$SESS" '#{pane_pid}')
st_pid=$(ps -o pid= --ppid "$sh_pid" | tr -d ' ' | head -1)
[ -n "$st_pid" ] || fail "cannot find the viewer's process (child of $sh_pid)"
kill -TERM "$st_pid"
wait_for screen '^VIEWER-DONE [0-9]+$' "SIGTERM ends the viewer"
[ "$(tm display -p -t "$SESS" '#{alternate_on}')" = 0 ] || fail "SIGTERM: the alternate screen is not left"
[ "$(tm display -p -t "$SESS" '#{cursor_flag}')" = 1 ] || fail "SIGTERM: the cursor is still hidden"
grep -q 'stopped by signal 15' "$T/$CASE.err" || fail "SIGTERM: no 'stopped by signal 15' on standard error"
no_sanitizer_report
tm kill-session -t "$SESS"
pass

# ==== Known bugs at the time of writing: last, so the cases above run anyway ====

# 13. frames bigger than the terminal takes at once: a screen of long rows
# (about 5 KB a frame), then a terminal that stalls (a slow ssh link; here
# the tmux server stopped for 1.5 s while the followed file grows and every
# row moves): the screen is whole and current once the terminal reads again.
for ((i = 0; i < 60; i++)); do
	printf '2024-05-01T10:00:%02dZ INFO line %d with some text to make a frame bigger than a tty buffer\n' "$i" "$i"
done >"$T/stall.log"
# whole rows: "  05-01 10:00:59.000 stall.log INFO  2024-05-01T10:00:59Z INFO line..."
whole_rows() {
	timeline_rows | grep -cE '^  05-01 10:0[01]:[0-9]{2}\.000 stall\.log INFO  2024-05-01T10:0[01]:[0-9]{2}Z INFO (line|appended) [0-9]+,? .{40}'
}
start stall '"$BIN" view --state "$STATE" "$T/stall.log"'
wait_for status '^ 60 events \| 100% \| 2024-05-01T10:00:59\.000Z \| 1 source[^|]* \| FOLLOW' \
	"a first screen of $ROWS long rows is drawn whole (status line)"
[ "$(whole_rows)" -eq "$ROWS" ] || fail "a first screen of long rows: not all $ROWS rows are whole"
STOPPED=$(tm display -p '#{pid}')
kill -STOP "$STOPPED"
for ((i = 1; i <= 30; i++)); do
	printf '2024-05-01T10:01:%02dZ INFO appended %d, every row of the screen moves up one row\n' "$i" "$i" >>"$T/stall.log"
	sleep 0.05
done
kill -CONT "$STOPPED"
STOPPED=
wait_for status '^ 90 events \| 100% \| 2024-05-01T10:01:30\.000Z \| 1 source[^|]* \| FOLLOW' \
	"after the terminal stalled: the status line is whole and current"
wait_for "$ROWS" '^  05-01 10:01:30\.000 stall\.log INFO  2024-05-01T10:01:30Z INFO appended 30, ' \
	"after the terminal stalled: the last row is the last line, whole"
[ "$(whole_rows)" -eq "$ROWS" ] || fail "after the terminal stalled: not all $ROWS timeline rows are whole"
quit
pass

# 14. a source that has ended before the first screen: the viewer still
# opens on the newest event (strata(1): follow is "on when the viewer opens")
start stdin-end 'printf "%s\n" "2024-03-01T08:00:00Z INFO a" "2024-03-01T08:00:01Z INFO b" | "$BIN" view --state "$STATE" -'
wait_for status '^ 2 events \| [0-9]+% \| ' "stdin read"
WAIT_TENTHS=20 wait_for status '^ 2 events \| 100% \| 2024-03-01T08:00:01\.000Z ' \
	"stdin ended before the first screen: the viewer opens on the last event"
quit
pass

# 15. the live count: the status line never says more sources are live than
# there are ("1 source (2 live)" for one followed file)
for src in "$DATA/app.log" "$JOB"; do
	start live-count '"$BIN" view --state "$STATE" "'"$src"'"'
	wait_for status '^ [0-9]+ events \| 100% \| .*\| FOLLOW' "the viewer opens on $src"
	st=$(status_line)
	if [[ $st =~ \|\ ([0-9]+)\ sources?\ \(([0-9]+)\ live\) ]] && ((BASH_REMATCH[2] > BASH_REMATCH[1])); then
		fail "$src: more sources live than there are: ${BASH_REMATCH[0]#| }"
	fi
	quit
done
pass

# 16. Ctrl-L redraws the whole screen (the help line says so), e.g. after
# another program wrote over it: here text written to the pane's tty
start redraw '"$BIN" view --state "$STATE" "$DATA/app.log"'
wait_for status '^ 6 events \| 100% ' "the viewer opens"
pty=$(tm display -p -t "$SESS" '#{pane_tty}')
[ -w "$pty" ] || fail "cannot write to the pane's tty $pty"
printf '\033[20;10HSCRIBBLED over the timeline\033[%d;3HSCRIBBLED over the status' "$((H - 1))" >"$pty"
wait_for screen 'SCRIBBLED over the status' "the text written to the tty shows"
keys C-l
wait_gone screen 'SCRIBBLED' "Ctrl-L redraws the whole screen"
wait_for status '^ 6 events \| 100% \| 2024-06-01T09:00:12\.000Z ' "the status line after Ctrl-L"
quit
pass

echo "all ${#PASSED[@]} viewer cases passed: ${PASSED[*]}"
exit 0
