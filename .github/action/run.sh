#!/usr/bin/env bash
# run.sh — the script of the ttconformance GitHub Action (action.yml at the
# repository's root). It runs the Teamtailor partner conformance suite,
# writes the verdict to the job summary ($GITHUB_STEP_SUMMARY), annotates
# each failed check (::error title=<check>::<problem and fix>), each warning
# (::warning) and each known failure of the baseline (::notice), and sets
# the step's outputs ($GITHUB_OUTPUT): exit-code, verdict, passed, failed,
# warnings, errors, skipped, known-failures, stale-baseline, reports.
#
# It always exits 0 once the suite ran, so that the reports are uploaded;
# the action's last step fails the job by exit-code. It exits 2 itself when
# it cannot run the suite at all.
#
# Inputs come as environment variables (what action.yml passes):
#   INPUT_BASE_URL, INPUT_API_KEY, INPUT_WEBHOOK_SECRET (required)
#   INPUT_CAPABILITIES      space- or comma-separated: verifies-signatures assessment bulk actions requires-api-token
#   INPUT_ACTIVATION_FIELDS comma-separated key=value (--activation-field)
#   INPUT_PROVIDER_KEY, INPUT_API_TOKEN, INPUT_BASELINE, INPUT_STRICT (true/false)
#   INPUT_REPORTS           folder of the reports (default ttconformance-reports)
#   INPUT_ARGS              more ttconformance flags, split on spaces (quotes are not
#                           interpreted: --label-filter !bulk, not '!bulk')
#   INPUT_VERSION           the release to download when there is no ttconformance
#                           (default latest); INPUT_RELEASE_URL where releases are
#   TTCONFORMANCE_BIN       a ttconformance binary to run instead
# The ttconformance run is, in order: $TTCONFORMANCE_BIN if set; the
# action's own cmd/ttconformance built with go, when the workflow runs in
# this repository (uses: ./) or version is "source"; else the release
# archive for this runner, checked against the release's checksums.txt.
set -euo pipefail

die() { echo "::error title=ttconformance action::$*"; echo "ttconformance action: $*" >&2; exit 2; }

# esc escapes a workflow command's message; escprop a property (title).
esc() { local s="$1"; s="${s//'%'/%25}"; s="${s//$'\r'/%0D}"; s="${s//$'\n'/%0A}"; printf '%s' "$s"; }
escprop() { local s; s="$(esc "$1")"; s="${s//:/%3A}"; s="${s//,/%2C}"; printf '%s' "$s"; }

command -v jq >/dev/null 2>&1 || die "jq is needed (it is on GitHub's runners; apt-get install jq elsewhere)"
[ -n "${INPUT_BASE_URL:-}" ] || die "the base-url input is required: the partner's BASE_URL"
[ -n "${INPUT_API_KEY:-}" ] || die "the api-key input is required"
[ -n "${INPUT_WEBHOOK_SECRET:-}" ] || die "the webhook-secret input is required"
: "${GITHUB_OUTPUT:=/dev/null}" "${GITHUB_STEP_SUMMARY:=/dev/null}"

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The suite binary.
bin="${TTCONFORMANCE_BIN:-}"
workspace="$(cd "${GITHUB_WORKSPACE:-/nonexistent}" 2>/dev/null && pwd || true)"
if [ -z "$bin" ] && { [ "${INPUT_VERSION:-}" = source ] || [ "$repo" = "$workspace" ]; }; then
  command -v go >/dev/null 2>&1 || die "building ttconformance from source needs go"
  echo "building ttconformance from $repo"
  (cd "$repo" && CGO_ENABLED=0 go build -trimpath -o "$work/" ./cmd/ttconformance) || die "go build ./cmd/ttconformance failed"
  bin="$work/ttconformance"
fi
if [ -z "$bin" ]; then
  version="${INPUT_VERSION:-latest}"
  base="${INPUT_RELEASE_URL:-https://github.com/mockteamtailor/mockteamtailor/releases}"
  if [ "$version" = latest ]; then
    version="$(curl -fsSLI -o /dev/null -w '%{url_effective}' "$base/latest")" || die "cannot find the latest release at $base/latest"
    version="${version##*/}"
  fi
  os="$(uname -s | tr '[:upper:]' '[:lower:]')"
  case "$(uname -m)" in x86_64|amd64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; *) die "no release for $(uname -m)" ;; esac
  name="mockteamtailor_${version}_${os}_${arch}.tar.gz"
  echo "downloading $name from $base/download/$version"
  curl -fsSL -o "$work/$name" "$base/download/$version/$name" || die "cannot download $base/download/$version/$name"
  curl -fsSL -o "$work/checksums.txt" "$base/download/$version/checksums.txt" || die "cannot download the release's checksums.txt"
  (cd "$work" && grep "  $name\$" checksums.txt | sha256sum -c -) || die "$name does not match the release's checksums.txt"
  tar -xzf "$work/$name" -C "$work"
  bin="$work/${name%.tar.gz}/ttconformance"
fi
"$bin" --version

# The run. Keys go through the environment, never the command line.
reports="${INPUT_REPORTS:-ttconformance-reports}"
mkdir -p "$reports"
args=(--json-report "$reports/conformance.json" --junit-report "$reports/conformance.xml" --html-report "$reports/conformance.html")
for cap in ${INPUT_CAPABILITIES//,/ }; do
  case "$cap" in
    verifies-signatures|assessment|bulk|actions|requires-api-token) args+=("--$cap") ;;
    *) die "capabilities: unknown capability \"$cap\" (verifies-signatures, assessment, bulk, actions, requires-api-token)" ;;
  esac
done
[ -n "${INPUT_BASELINE:-}" ] && args+=(--baseline "$INPUT_BASELINE")
[ "${INPUT_STRICT:-false}" = true ] && args+=(--strict)
# shellcheck disable=SC2206 # extra flags are split on spaces, as documented (no globbing, no quotes)
set -f
[ -n "${INPUT_ARGS:-}" ] && args+=(${INPUT_ARGS})
set +f
export TTCONF_BASE_URL="$INPUT_BASE_URL" TTCONF_API_KEY="$INPUT_API_KEY" TTCONF_WEBHOOK_SECRET="$INPUT_WEBHOOK_SECRET"
[ -n "${INPUT_PROVIDER_KEY:-}" ] && export TTCONF_PROVIDER_KEY="$INPUT_PROVIDER_KEY"
[ -n "${INPUT_ACTIVATION_FIELDS:-}" ] && export TTCONF_ACTIVATION_FIELD="$INPUT_ACTIVATION_FIELDS"
[ -n "${INPUT_API_TOKEN:-}" ] && export TTCONF_API_TOKEN="$INPUT_API_TOKEN"
echo "::add-mask::$INPUT_API_KEY"
echo "::add-mask::$INPUT_WEBHOOK_SECRET"

set +e
"$bin" "${args[@]}" 2>&1 | tee "$reports/console.txt"
code=${PIPESTATUS[0]}
set -e
echo "ttconformance exit status: $code"

json="$reports/conformance.json"
{
  echo "exit-code=$code"
  echo "reports=$reports"
} >>"$GITHUB_OUTPUT"
if [ ! -s "$json" ]; then
  # Bad settings: the suite stopped before any check (its message is above).
  msg="$(tail -n 5 "$reports/console.txt")"
  echo "::error title=ttconformance::$(esc "$msg")"
  echo "verdict=ERROR" >>"$GITHUB_OUTPUT"
  { echo "## Teamtailor conformance: ERROR"; echo; echo '```'; echo "$msg"; echo '```'; } >>"$GITHUB_STEP_SUMMARY"
  exit 0
fi

verdict="$(jq -r 'if '"$code"' == 0 then "PASS" elif '"$code"' == 1 then "FAIL" else "ERROR" end' "$json")"
line="$(grep '^ttconformance ' "$reports/console.txt" | tail -n 1 || true)"

# One annotation per failed check (and per warning, known failure, stale
# baseline entry, check not judged): the problem and the fix, and the root
# cause when one explains the check. jq writes them as lines
# "<level>\t<title>\t<message>", the message's newlines as spaces.
jq -r '
  . as $r
  | def cause($id): [$r.causes[] | select(.checks | index($id))] | first;
    def line($reason; $prefix): [$reason | split("\n")[] | select(startswith($prefix))] | first // "" | ltrimstr($prefix);
    def flat: gsub("[\t\r\n]+"; " ");
    ( .checks[]
      | select($r.setup == null)   # no check ran: the setup error below says why, once
      | select(.outcome == "fail" or .outcome == "warning" or .outcome == "error")
      | line(.reason; "Problem: ") as $p | line(.reason; "Fix: ") as $f | cause(.id) as $c
      | [ (if .baselined then "notice" elif .outcome == "warning" then "warning" else "error" end),
          .id,
          ( (if .baselined then "known failure (baseline: " + .baselined + "). " else "" end)
            + (if $p != "" then $p else (.reason | split("\n") | first // "") end)
            + (if $f != "" then ". Fix: " + $f else "" end)
            + (if $c then ". Root cause: " + $c.title + "; fix: " + $c.fix else "" end)
            + " (" + .level + "; docs/protocol.md " + .section + ")" ) ]
      | map(flat) | join("\t") ),
    ( (.baseline.stale // [])[] | ["error", "baseline " + (split(":")[0]), "stale baseline entry: " + .] | map(flat) | join("\t") ),
    ( (.unjudged // [])[] | ["error", "not judged " + (split(":")[0]), "not judged (the run does not pass): " + .] | map(flat) | join("\t") ),
    ( if .setup then ["error", "ttconformance", .setup.message] | map(flat) | join("\t") else empty end )
' "$json" >"$work/annotations.tsv"
while IFS=$'\t' read -r level title msg; do
  echo "::$level title=$(escprop "$title")::$(esc "$msg")"
done <"$work/annotations.tsv"

# Outputs and the job summary.
jq -r '.summary as $s | "passed=\($s.passed)\nfailed=\($s.failed - ($s.baselinedFailures // 0))\nwarnings=\($s.warnings)\nerrors=\($s.errors)\nskipped=\($s.skipped)\nknown-failures=\(($s.baselinedFailures // 0) + ($s.baselinedWarnings // 0))\nstale-baseline=\((.baseline.stale // []) | length)"' "$json" >>"$GITHUB_OUTPUT"
echo "verdict=$verdict" >>"$GITHUB_OUTPUT"
{
  echo "## Teamtailor conformance: $verdict"
  echo
  echo "Partner \`$(jq -r .baseUrl "$json")\` · exit status $code"
  echo
  [ -n "$line" ] && { echo '```'; echo "$line"; echo '```'; echo; }
  jq -r '.summary as $s | "| passed | failed | warnings | errors | skipped | known failures | stale baseline entries |\n|---:|---:|---:|---:|---:|---:|---:|\n| \($s.passed) | \($s.failed - ($s.baselinedFailures // 0)) | \($s.warnings) | \($s.errors) | \($s.skipped) | \(($s.baselinedFailures // 0) + ($s.baselinedWarnings // 0)) | \((.baseline.stale // []) | length) |"' "$json"
  echo
  if [ -s "$work/annotations.tsv" ]; then
    echo "| | check | problem and fix |"
    echo "|---|---|---|"
    while IFS=$'\t' read -r level title msg; do
      icon=":x:"; [ "$level" = warning ] && icon=":warning:"; [ "$level" = notice ] && icon=":information_source:"
      msg="${msg//|/\\|}"
      echo "| $icon | \`$title\` | $msg |"
    done <"$work/annotations.tsv"
    echo
  fi
  echo "Reports: \`$reports/\` (conformance.json, conformance.xml, conformance.html, console.txt)."
} >>"$GITHUB_STEP_SUMMARY"
exit 0
