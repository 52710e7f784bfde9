#!/usr/bin/env bash
# Runs one user-management job of the user-management workflow with identity-ops.
#
#   identity-ops-job.sh JOB MODE REPORT_DIR
#
# JOB is one of the workflow's choices; MODE is `dry-run` (identity-ops --dry-run: reads the pool,
# changes nothing) or `apply` (--yes: the run was approved through the environment). The pool id
# comes from IDENTITY_OPS_POOL_ID, the region from the AWS credentials step. The JSON report and
# any file the job writes land in REPORT_DIR, which the workflow uploads as an artifact; a short
# summary goes to the job summary.
set -euo pipefail

job="$1"
mode="$2"
out="$3"
ops="${IDENTITY_OPS:-.venv/bin/identity-ops}"
mkdir -p "$out"

case "$mode" in
  dry-run) run_flags=(--dry-run) ;;
  apply) run_flags=(--yes) ;;
  *) echo "::error::mode must be dry-run or apply, not '$mode'" >&2; exit 2 ;;
esac

# The import file must be a file committed to this repository: a relative path that stays inside
# the checkout (no absolute paths, no `..` escapes, no symlinks out).
repository_file() {
  local path="$1" resolved
  if [ -z "$path" ]; then
    echo "::error::import-users needs the 'file' input: a CSV or JSONL file in this repository" >&2
    return 2
  fi
  case "$path" in
    /*) echo "::error::file '$path' must be relative to the repository root" >&2; return 2 ;;
  esac
  # Containment is checked before existence, so an escape is named as such wherever the
  # checkout sits (`../../etc/passwd` may or may not exist above it).
  resolved="$(realpath -m -- "$path")"
  case "$resolved" in
    "$(pwd -P)"/*) ;;
    *) echo "::error::file '$path' resolves outside the repository" >&2; return 2 ;;
  esac
  if [ ! -f "$resolved" ]; then
    echo "::error::file '$path' does not exist in this repository" >&2
    return 2
  fi
  printf '%s\n' "$path"
}

report="$out/$job-$mode.json"
case "$job" in
  import-users)
    file="$(repository_file "${IMPORT_FILE:-}")"
    extension="${file##*.}"
    "$ops" users import "$file" "${run_flags[@]}" --output json \
      --failed-rows "$out/failed-rows.$extension" >"$report"
    ;;
  disable-inactive-users)
    days="${INACTIVE_DAYS:-90}"
    "$ops" users disable-inactive --days "$days" "${run_flags[@]}" --output json >"$report"
    ;;
  analytics-report)
    "$ops" report analytics "${run_flags[@]}" --output json >"$report"
    ;;
  enforce-mfa)
    "$ops" mfa enforce "${run_flags[@]}" --output json >"$report"
    ;;
  export-backup)
    "$ops" users export "${run_flags[@]}" --output json --format csv \
      --out "$out/users-backup.csv" >"$report"
    ;;
  *)
    echo "::error::unknown job '$job'" >&2
    exit 2
    ;;
esac

{
  echo "### identity-ops $job ($mode)"
  echo
  echo '```json'
  head -c 60000 "$report"
  echo
  echo '```'
} >>"${GITHUB_STEP_SUMMARY:-/dev/null}"
echo "identity-ops $job ($mode): report in $report"
