#!/usr/bin/env bash
# Fetches one import file from the stack's S3 import prefix into a private folder of the runner,
# with the read-only planner role (its only S3 right is s3:GetObject on that prefix).
#
#   fetch-import.sh BUCKET PREFIX KEY DEST_DIR
#
# Import files hold people's data: they live in S3 (SSE-KMS), never in the repository, whose
# history would keep them forever. KEY is the object's name under PREFIX, as the person who
# started the run typed it: one plain file name (letters, digits, `.`, `_`, `-`), no path.
set -euo pipefail

bucket="$1"
prefix="$2"
key="$3"
dest="$4"

if [ -z "$bucket" ]; then
  echo "::error::no import bucket: set the environment variable IMPORT_BUCKET (docs/ci.md)" >&2
  exit 2
fi
if [ -z "$key" ]; then
  echo "::error::import-users needs the 'file' input: an object name under s3://$bucket/$prefix" >&2
  exit 2
fi
if ! [[ "$key" =~ ^[A-Za-z0-9_-][A-Za-z0-9._-]*\.(csv|jsonl)$ ]] || [[ "$key" == *..* ]]; then
  echo "::error::file '$key' must be one .csv or .jsonl file name under the import prefix (no path)" >&2
  exit 2
fi

mkdir -p "$dest"
chmod 700 "$dest"
aws s3 cp --only-show-errors "s3://$bucket/$prefix$key" "$dest/$key"
echo "fetched s3://$bucket/$prefix$key"
