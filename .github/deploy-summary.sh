#!/usr/bin/env bash
# deploy.yml: say, in the job summary and the log, exactly which commit this job deploys to which stack, and
# what it changes against the commit the stack last got (its `vigil:commit` tag), computed offline.
set -euo pipefail
: "${STACK:?}" "${SHA:?}"
current=$(git rev-parse HEAD)
if [ "$current" != "$SHA" ]; then
  echo "::error::checked out $current, but this run deploys $SHA"
  exit 1
fi
previous=$(pulumi stack tag get vigil:commit --stack "$STACK" 2>/dev/null || true)
{
  echo "### Deploying \`$SHA\` to stack \`$STACK\`"
  echo
  echo "$(git log -1 --format='%s (%an, %cI)' "$SHA")"
  echo
  if [ -n "$previous" ] && git cat-file -e "$previous^{commit}" 2>/dev/null; then
    echo "Changes against \`$previous\`, the commit this stack last got:"
    echo
    set +e
    .venv/bin/python -m vigil diff --stack "$STACK" --base "$previous" --head "$SHA" --format markdown --max-length 60000
    code=$?
    set -e
    [ "$code" != 1 ] || echo "(vigil diff failed: see the log)"
  else
    echo "The stack has no \`vigil:commit\` tag yet (first deploy by this workflow): no diff shown."
  fi
} | tee -a "$GITHUB_STEP_SUMMARY"
