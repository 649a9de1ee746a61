#!/usr/bin/env bash
# The "Run resilint" step of action.yml. Inputs arrive as INPUT_* environment variables.
# The SARIF run decides the exit status; the log and the step summary come from two more
# runs with the same arguments, which the result cache makes cheap.
set -o pipefail

resilint="$RUNNER_TEMP/resilint-venv/bin/resilint"
python="$RUNNER_TEMP/resilint-venv/bin/python"

fail() {
  echo "::error title=resilint::$1"
  exit 2
}

case "$INPUT_FORMAT" in
  github | text | none) ;;
  *) fail "format must be github, text or none, not '$INPUT_FORMAT'" ;;
esac

read -ra patterns <<<"$INPUT_PATHS"
read -ra extra <<<"$INPUT_ARGS"
options=(--no-progress)
if [[ -n "$INPUT_CONFIG" ]]; then options+=(--config "$INPUT_CONFIG"); fi
if [[ -n "$INPUT_FAIL_ON" && "$INPUT_FAIL_ON" != never ]]; then options+=(--fail-on "$INPUT_FAIL_ON"); fi
if [[ -n "$INPUT_BASELINE" ]]; then options+=(--baseline "$INPUT_BASELINE"); fi
case "$INPUT_ONLY_NEW" in
  "" | false) ;;
  true)
    [[ -n "$PULL_REQUEST_BASE" ]] || fail "only-new: true needs a pull_request event; name a revision instead"
    options+=(--new-from-rev "$PULL_REQUEST_BASE")
    ;;
  *) options+=(--new-from-rev "$INPUT_ONLY_NEW") ;;
esac
options+=("${extra[@]}")

mkdir -p "$(dirname "$INPUT_SARIF_FILE")" || exit 2
"$resilint" check --format sarif -o "$INPUT_SARIF_FILE" "${options[@]}" -- "${patterns[@]}"
status=$?
if [[ $status -gt 1 ]]; then
  exit "$status"
fi

findings=$("$python" -c 'import json, sys; print(len(json.load(open(sys.argv[1]))["runs"][0]["results"]))' \
  "$INPUT_SARIF_FILE") || exit 2
{
  echo "sarif-file=$INPUT_SARIF_FILE"
  echo "findings=$findings"
} >>"$GITHUB_OUTPUT"

if [[ "$INPUT_FORMAT" != none ]]; then
  "$resilint" check --format "$INPUT_FORMAT" "${options[@]}" -- "${patterns[@]}" 2>/dev/null
fi
"$resilint" check --format markdown "${options[@]}" -- "${patterns[@]}" >>"$GITHUB_STEP_SUMMARY" 2>/dev/null

if [[ "$INPUT_FAIL_ON" == never ]]; then
  exit 0
fi
exit "$status"
