#!/usr/bin/env bash
# wrk.sh — the side-by-side wrk comparison of the README's performance
# table: mockteamtailor serve (in memory, and with --state) against the bare
# net/http servers in bench/bare, same load, interleaved rounds, medians.
#
#   bench/wrk.sh [-d SECONDS] [-n RUNS] [-w SECONDS] [--no-state] [--prism]
#                [--stored N] [-- run-peer-bench options]
#
# Builds the mock from this checkout, starts it on free loopback ports,
# creates the partner result every request updates, runs
# bench/run-peer-bench.sh (without Prism unless --prism is given) and stops
# what it started. Needs wrk, curl, ss and /usr/bin/time.
#
# --stored N first fills both mocks with N more results (creates over the
# API, wrk -c8, the rate printed), restarts the --state mock and prints its
# start-up time, then measures updates and also creates (POST) with 8
# connections (-- -c C overrides), the store growing from N.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DUR=8 RUNS=3 WARM=2 STATE=1 PRISM=0 STORED=0
declare -a PASS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -d) DUR="$2"; shift 2 ;;
    -n) RUNS="$2"; shift 2 ;;
    -w) WARM="$2"; shift 2 ;;
    --no-state) STATE=0; shift ;;
    --prism) PRISM=1; shift ;;
    --stored) STORED="${2:-}"; shift; [[ $# -gt 0 ]] && shift ;;
    --) shift; PASS=("$@"); break ;;
    -h|--help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "wrk.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
[[ "$STORED" =~ ^[0-9]+$ ]] && (( STORED <= 10000000 )) || { echo "wrk.sh: --stored wants a count of results, 0..10000000" >&2; exit 2; }
W="$(mktemp -d -t mtt-wrk.XXXXXX)"
declare -a PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$W"; }
trap cleanup EXIT
( cd "$ROOT" && go build -trimpath -o "$W/mockteamtailor" ./cmd/mockteamtailor )

free_port() {
  local p
  for _ in $(seq 1 200); do
    p=$(( 20000 + RANDOM % 40000 ))
    [[ -z "$(ss -ltnH "sport = :$p" 2>/dev/null)" ]] && { echo "$p"; return; }
  done
  echo "wrk.sh: no free port" >&2; exit 2
}

# run_mock NAME PORT [serve flags...]: starts the mock on PORT and waits
# until it answers; sets PID.
run_mock() {
  local name="$1" port="$2"; shift 2
  "$W/mockteamtailor" serve --listen "127.0.0.1:$port" --api-key perf-key --webhook-secret perf-secret-123456 \
    --partner-id 99 --seed 7 --partner-base-url http://127.0.0.1:9 "$@" >>"$W/$name.out" 2>>"$W/$name.err" &
  PID=$!
  PIDS+=("$PID")
  for _ in $(seq 1 600); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && return 0
    kill -0 "$PID" 2>/dev/null || break
    sleep 0.05
  done
  cat "$W/$name.err" >&2; echo "wrk.sh: $name did not start" >&2; exit 1
}

# start_mock NAME [serve flags...]: starts the mock, creates a result, sets URL.
start_mock() {
  local name="$1"; shift
  local port; port=$(free_port)
  run_mock "$name" "$port" "$@"
  local id
  id=$(curl -s -X POST "http://127.0.0.1:$port/partner/v1/partner-results" \
    -H 'Authorization: Token perf-key' -H 'X-Api-Version: 20180828' \
    -H 'Content-Type: application/vnd.api+json' \
    -d '{"data":{"type":"partner-results","attributes":{"status":"sent","candidate-id":1}}}' |
    sed -E 's/^\{"data":\{"id":"([^"]+)".*/\1/')
  [[ "$id" =~ ^[A-Za-z0-9-]+$ ]] || { cat "$W/$name.err" >&2; echo "wrk.sh: $name did not create a result" >&2; exit 1; }
  URL="http://127.0.0.1:$port/partner/v1/partner-results/$id"
}

# count URL: the number of partner results the mock at URL holds.
count() {
  curl -s "${1%/partner-results/*}/partner-results?page%5Bsize%5D=1" \
    -H 'Authorization: Token perf-key' -H 'X-Api-Version: 20180828' |
    sed -nE 's/.*"record-count":([0-9]+).*/\1/p'
}

# fill NAME URL: creates STORED results in the mock at URL with wrk (two
# threads of four connections, each thread stopping after its half) and
# prints the rate.
fill() {
  local name="$1" url="${2%/partner-results/*}/partner-results" before n t0 t1 wpid
  before=$(count "$2")
  t0=$(date +%s.%N)
  BENCH_BODY="$HERE/bodies/create.json" BENCH_TOKEN=perf-key BENCH_METHOD=POST BENCH_STOP=$(( (STORED + 1) / 2 )) \
    wrk -t2 -c8 -d3600s --timeout 5s -s "$HERE/partner-result.lua" "$url" >"$W/fill-$name.txt" 2>&1 &
  wpid=$!
  while :; do
    sleep 0.5
    n=$(count "$2")
    [[ -n "$n" ]] && (( n - before >= STORED )) && break
    kill -0 "$wpid" 2>/dev/null || { cat "$W/fill-$name.txt" >&2; echo "wrk.sh: filling $name stopped at ${n:-?} results" >&2; exit 1; }
  done
  t1=$(date +%s.%N)
  kill -INT "$wpid" 2>/dev/null || true
  wait "$wpid" 2>/dev/null || true
  grep -q 'Non-2xx' "$W/fill-$name.txt" && { cat "$W/fill-$name.txt" >&2; echo "wrk.sh: $name refused creates while filling" >&2; exit 1; }
  awk -v n="$((n - before))" -v a="$t0" -v b="$t1" -v name="$name" \
    'BEGIN { printf "   %-12s filled with %d results in %.1f s: %.0f creates/s (wrk -c8, the store growing from 0)\n", name, n, b - a, n / (b - a) }'
}

declare -a TARGETS=() COLLECTIONS=()
start_mock mock; TARGETS+=("mock=$URL"); ID="${URL##*/}"
if (( STATE )); then
  # The same --seed gives the same first result id, so one body (whose
  # data.id must match the URL) fits both.
  start_mock mock-state --state "$W/state.json"; TARGETS+=("mock-state=$URL")
  STATE_PID=$PID
  [[ "${URL##*/}" == "$ID" ]] || { echo "wrk.sh: the two mocks created different ids" >&2; exit 1; }
fi
declare -a OPTS=(-d "$DUR" -n "$RUNS" -w "$WARM" -k perf-key -i "$ID")
(( PRISM )) || OPTS+=(--no-prism)
if (( STORED > 0 )); then
  echo "== filling each mock with $STORED results"
  for t in "${TARGETS[@]}"; do fill "${t%%=*}" "${t#*=}"; done
  if (( STATE )); then
    # A restart replays the snapshot and the log: the start-up a sandbox
    # kept across restarts pays.
    url="${TARGETS[1]#*=}"; port="${url#http://127.0.0.1:}"; port="${port%%/*}"
    before=$(count "$url")
    kill -TERM "$STATE_PID"; wait "$STATE_PID" 2>/dev/null || true
    du -sb "$W"/state.json* | awk '{ s += $1 } END { printf "   state folder after the fill: %.1f MB\n", s / 1e6 }'
    t0=$(date +%s.%N)
    run_mock mock-state "$port" --state "$W/state.json"
    t1=$(date +%s.%N)
    after=$(count "$url")
    [[ "$after" == "$before" ]] || { echo "wrk.sh: mock-state held $before results before the restart and ${after:-?} after" >&2; exit 1; }
    awk -v a="$t0" -v b="$t1" -v n="$after" 'BEGIN { printf "   mock-state   restarted with %d results, answering after %.2f s\n", n, b - a }'
  fi
  OPTS+=(-c 8)
  for t in "${TARGETS[@]}"; do COLLECTIONS+=("${t%%/partner-results/*}/partner-results"); done
fi
"$HERE/run-peer-bench.sh" "${OPTS[@]}" "${PASS[@]}" "${TARGETS[@]}"
if (( STORED > 0 )); then
  echo "== creates, the store growing from $STORED results"
  "$HERE/run-peer-bench.sh" "${OPTS[@]}" --no-bare-work -m POST -b "$HERE/bodies/create.json" "${PASS[@]}" "${COLLECTIONS[@]}"
fi
