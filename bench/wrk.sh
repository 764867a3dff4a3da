#!/usr/bin/env bash
# wrk.sh — the side-by-side wrk comparison of the README's performance
# table: mockteamtailor serve (in memory, and with --state) against the bare
# net/http servers in bench/bare, same load, interleaved rounds, medians.
#
#   bench/wrk.sh [-d SECONDS] [-n RUNS] [-w SECONDS] [--no-state] [-- run-peer-bench options]
#
# Builds the mock from this checkout, starts it on free loopback ports,
# creates the partner result every request updates, runs
# bench/run-peer-bench.sh (without Prism unless --prism is given) and stops
# what it started. Needs wrk, curl, ss and /usr/bin/time.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/.." && pwd)"
DUR=8 RUNS=3 WARM=2 STATE=1 PRISM=0
declare -a PASS=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    -d) DUR="$2"; shift 2 ;;
    -n) RUNS="$2"; shift 2 ;;
    -w) WARM="$2"; shift 2 ;;
    --no-state) STATE=0; shift ;;
    --prism) PRISM=1; shift ;;
    --) shift; PASS=("$@"); break ;;
    -h|--help) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "wrk.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
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

# start_mock NAME [serve flags...]: starts the mock, creates a result, sets URL.
start_mock() {
  local name="$1"; shift
  local port; port=$(free_port)
  "$W/mockteamtailor" serve --listen "127.0.0.1:$port" --api-key perf-key --webhook-secret perf-secret-123456 \
    --partner-id 99 --seed 7 --partner-base-url http://127.0.0.1:9 "$@" >"$W/$name.out" 2>"$W/$name.err" &
  PIDS+=($!)
  for _ in $(seq 1 300); do
    curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.1
  done
  local id
  id=$(curl -s -X POST "http://127.0.0.1:$port/partner/v1/partner-results" \
    -H 'Authorization: Token perf-key' -H 'X-Api-Version: 20180828' \
    -H 'Content-Type: application/vnd.api+json' \
    -d '{"data":{"type":"partner-results","attributes":{"status":"sent","candidate-id":1}}}' |
    sed -E 's/^\{"data":\{"id":"([^"]+)".*/\1/')
  [[ "$id" =~ ^[A-Za-z0-9-]+$ ]] || { cat "$W/$name.err" >&2; echo "wrk.sh: $name did not create a result" >&2; exit 1; }
  URL="http://127.0.0.1:$port/partner/v1/partner-results/$id"
}

declare -a TARGETS=()
start_mock mock; TARGETS+=("mock=$URL"); ID="${URL##*/}"
if (( STATE )); then
  # The same --seed gives the same first result id, so one body (whose
  # data.id must match the URL) fits both.
  start_mock mock-state --state "$W/state.json"; TARGETS+=("mock-state=$URL")
  [[ "${URL##*/}" == "$ID" ]] || { echo "wrk.sh: the two mocks created different ids" >&2; exit 1; }
fi
declare -a OPTS=(-d "$DUR" -n "$RUNS" -w "$WARM" -k perf-key -i "$ID")
(( PRISM )) || OPTS+=(--no-prism)
"$HERE/run-peer-bench.sh" "${OPTS[@]}" "${PASS[@]}" "${TARGETS[@]}"
