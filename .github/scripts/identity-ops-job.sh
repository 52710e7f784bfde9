#!/usr/bin/env bash
# Runs one user-management job of the user-management workflow with identity-ops.
#
#   identity-ops-job.sh JOB MODE REPORT_DIR
#
# JOB is one of the workflow's choices; MODE is `dry-run` (reads the pool, changes nothing; jobs
# that change users write their plan to REPORT_DIR/plan.jsonl, see docs/plans.md) or `apply` (the
# run was approved through the environment). In `apply` mode a job that changes users applies
# exactly the plan in PLAN_FILE, the one the dry run wrote and the reviewers read (identity-ops
# apply: digest checked, users whose state changed since are refused); it is never recomputed. The pool id
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

# The import file was fetched from the stack's S3 import prefix into IMPORT_DIR (fetch-import.sh):
# the path must stay inside that folder (no absolute paths elsewhere, no `..` escapes, no links out).
import_file() {
  local path="$1" dir="${IMPORT_DIR:-}" resolved
  if [ -z "$dir" ] || [ -z "$path" ]; then
    echo "::error::import-users needs IMPORT_DIR and IMPORT_FILE (the file fetched from S3)" >&2
    return 2
  fi
  resolved="$(realpath -m -- "$path")"
  case "$resolved" in
    "$(realpath -m -- "$dir")"/*) ;;
    *) echo "::error::file '$path' resolves outside the import folder $dir" >&2; return 2 ;;
  esac
  if [ ! -f "$resolved" ]; then
    echo "::error::file '$path' does not exist (was it fetched from the import prefix?)" >&2
    return 2
  fi
  printf '%s\n' "$resolved"
}

report="$out/$job-$mode.json"
# Jobs that change users: their dry run writes the plan that reviewers approve.
plan_flags=("${run_flags[@]}")
if [ "$mode" = dry-run ]; then
  plan_flags=(--dry-run --plan "$out/plan.jsonl")
fi
# Jobs that change users are applied only from the plan the reviewers approved, never recomputed.
case "$job" in
  import-users | disable-inactive-users | cleanup-disabled-users | enforce-mfa)
    if [ "$mode" = apply ]; then
      if [ -z "${PLAN_FILE:-}" ] || [ ! -f "$PLAN_FILE" ]; then
        echo "::error::$job applies only a reviewed plan: PLAN_FILE '${PLAN_FILE:-}' is missing" >&2
        exit 2
      fi
      "$ops" apply "$PLAN_FILE" --yes --output json >"$report"
      job="apply-plan"
    fi
    ;;
esac
case "$job" in
  apply-plan) ;;
  import-users)
    file="$(import_file "${IMPORT_FILE:-}")"
    extension="${file##*.}"
    "$ops" users import "$file" "${plan_flags[@]}" --output json \
      --failed-rows "$out/failed-rows.$extension" >"$report"
    ;;
  disable-inactive-users)
    days="${INACTIVE_DAYS:-90}"
    "$ops" users disable-inactive --days "$days" "${plan_flags[@]}" --output json >"$report"
    ;;
  cleanup-disabled-users)
    days="${DISABLED_DAYS:-90}"
    "$ops" users cleanup --disabled-for-days "$days" "${plan_flags[@]}" --output json >"$report"
    ;;
  analytics-report)
    # Read-only and aggregate (counts, no user rows): the same run in either mode.
    "$ops" report analytics --output json >"$report"
    ;;
  enforce-mfa)
    "$ops" mfa enforce "${plan_flags[@]}" --output json >"$report"
    ;;
  export-backup)
    # An export is every user's data: it is written only by the approved apply job, never by a
    # dry run, whose artifact an unreviewed run would publish.
    if [ "$mode" = dry-run ]; then
      echo '{"export-backup": "runs only after approval: a dry run writes no user data"}' >"$report"
    else
      "$ops" users export --output json --format csv --out "$out/users-backup.csv" >"$report"
    fi
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
