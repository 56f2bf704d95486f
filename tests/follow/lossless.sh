#!/bin/sh
# lossless.sh: `strata print -f` under rotation at 50,000 lines/s loses and
# duplicates nothing.
#
#   lossless.sh STRATA WRITER [SCENARIO...]
#
# Scenarios (all by default):
#   rotate  follow one path, DIR/app.log: 150,000 lines at 50,000 lines/s
#           (3 s), renamed to app.log.K every 2 MB and copied-and-truncated
#           once (after seq 75,000; the copy is app.log.ct, not followed:
#           strata must find it and read the lines it had not read yet).
#   dir100  follow a directory that starts empty: 100 files written
#           round-robin, 1,500 lines each at 50,000 lines/s in all (3 s),
#           each renamed to fNNN.log.K every 64 KB (~200 files by the end,
#           all in the followed directory: a renamed file must not be read
#           again, its new namesake must be read from its start).
#           f000.log is also copied-and-truncated once (after seq 750) to
#           f000.log.ct, in the followed directory: a copy must not be
#           read as a new file (its lines would come out twice).
#
# Each: start the follower, run the writer (tests/follow/writer.c) to the
# end, wait (polling) until the follower's output holds every file's last
# line, stop it with SIGTERM (it must exit, 10 s deadline), then
# tests/follow/check.py checks every line came out once and in order per
# file (every line, once; --ct-race allows tail -F the
# copytruncate race it has).
# Pass/fail does not depend on timing, with one generous bound: following
# means printing while running, so the last lines must come out before the
# SIGTERM, at most 60 s after the writer ends and never 10 s without output.
#
# Exit 77 (CTest: skipped) when strata has no --follow.
# FOLLOWER=tail runs GNU `tail -F` instead of strata (to check the harness
# itself: tail cannot follow a directory, so dir100 then names the 100 files).
# KEEP=1 keeps the work directory.
set -u
STRATA=$1
WRITER=$2
shift 2
HERE=$(cd "$(dirname "$0")" && pwd)
FOLLOWER=${FOLLOWER:-strata}
SCENARIOS=${*:-rotate dir100}

if [ "$FOLLOWER" = strata ] && ! "$STRATA" print --help 2>&1 | grep -q -- '--follow'; then
	echo "lossless: $STRATA has no print --follow yet: skipped"
	exit 77
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/strata-lossless.XXXXXX") || exit 1
FPID=
cleanup() {
	[ -n "$FPID" ] && kill -KILL "$FPID" 2>/dev/null
	[ "${KEEP:-0}" = 1 ] && echo "lossless: kept $WORK" || rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

fail() {
	echo "FAIL [$SC]: $*"
	[ -s "$D/err" ] && grep -v ": new file; following it$" "$D/err" | sed "s/^/  follower stderr: /" | head -20
	exit 1
}

# Wait for the follower to print the last line of every file: give up after
# 60 s, or after 10 s without a new byte of output.
wait_for_last() {
	sed -n 's/^\([^ ]*\) [0-9]* \([0-9]*\) .*/seq=\2 file=\1 pad=/p' "$D/manifest" >"$D/want"
	nwant=$(wc -l <"$D/want")
	i=0
	still=0
	size=-1
	while :; do
		have=$(grep -o -F -f "$D/want" "$D/out" 2>/dev/null | sort -u | wc -l)
		[ "$have" -ge "$nwant" ] && return 0
		kill -0 "$FPID" 2>/dev/null || fail "the follower exited early (status: $(wait "$FPID"; echo $?))"
		now=$(wc -c <"$D/out")
		if [ "$now" = "$size" ]; then still=$((still + 1)); else still=0; fi
		size=$now
		i=$((i + 1))
		if [ $i -ge 600 ] || [ $still -ge 100 ]; then
			echo "lossless [$SC]: after $((i / 10)) s ($((still / 10)) s without output) the output" \
				"holds the last line of $have of $nwant files; stopping the follower"
			return 1
		fi
		sleep 0.1
	done
}

stop_follower() {
	kill -TERM "$FPID" 2>/dev/null
	i=0
	while kill -0 "$FPID" 2>/dev/null; do
		i=$((i + 1))
		[ $i -ge 100 ] && fail "the follower did not exit within 10 s of SIGTERM"
		sleep 0.1
	done
	wait "$FPID"
	st=$?
	FPID=
	# strata: 0 after a SIGTERM; tail: killed by it (128 + 15)
	if [ "$FOLLOWER" = strata ] && [ $st -ne 0 ]; then
		fail "strata exited with $st after SIGTERM"
	fi
}

start_follower() { # PATH...
	if [ "$FOLLOWER" = tail ]; then
		tail -q -F -n +1 -s 0.05 "$@" >"$D/out" 2>"$D/err" &
	else
		"$STRATA" print -f -o json "$@" >"$D/out" 2>"$D/err" &
	fi
	FPID=$!
}

RAW=
[ "$FOLLOWER" = tail ] && RAW="--raw --ct-race"
for SC in $SCENARIOS; do
	D=$WORK/$SC
	mkdir -p "$D/logs"
	case $SC in
	rotate)
		: >"$D/logs/app.log"
		start_follower "$D/logs/app.log"
		"$WRITER" -d "$D/logs" -c 150000 -r 50000 -R 2000000 -t 75000 -m "$D/manifest" ||
			fail "the writer failed"
		;;
	dir100)
		if [ "$FOLLOWER" = tail ]; then
			set --
			n=0
			while [ $n -lt 100 ]; do
				set -- "$@" "$D/logs/$(printf 'f%03d.log' $n)"
				n=$((n + 1))
			done
			start_follower "$@"
		else
			start_follower "$D/logs"
		fi
		"$WRITER" -d "$D/logs" -n 100 -c 1500 -r 50000 -R 65536 -t 750 -m "$D/manifest" ||
			fail "the writer failed"
		;;
	*)
		echo "lossless: unknown scenario $SC"
		exit 2
		;;
	esac
	live=1
	wait_for_last || live=0
	stop_follower
	python3 "$HERE/check.py" "$D/manifest" "$D/out" $RAW >"$D/check" 2>&1
	st=$?
	sed "s/^/[$SC] /" "$D/check"
	[ $st -eq 0 ] || fail "check failed (see above)"
	[ $live = 1 ] || fail "the last lines came out only when the follower was stopped"
	echo "ok [$SC]"
done
exit 0
