#!/bin/bash
# A stand-in `claude` that costs next to nothing, for timing the action around it: it stamps when it starts and ends
# (bash's $EPOCHREALTIME, no fork), reads the prompt, and prints a prepared stream-json transcript.
#
#   BENCH_STAMPS      file that gets "version|start|end <epoch seconds with microseconds>" lines appended
#   BENCH_TRANSCRIPT  the stream-json lines to print for an iteration
if [ "$1" = "--version" ]; then
  [ -n "$BENCH_STAMPS" ] && echo "version $EPOCHREALTIME" >>"$BENCH_STAMPS"
  echo '9.9.9 (Claude Code bench stand-in)'
  exit 0
fi
[ -n "$BENCH_STAMPS" ] && echo "start $EPOCHREALTIME" >>"$BENCH_STAMPS"
cat >/dev/null
cat "$BENCH_TRANSCRIPT"
[ -n "$BENCH_STAMPS" ] && echo "end $EPOCHREALTIME" >>"$BENCH_STAMPS"
exit 0
