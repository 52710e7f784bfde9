// The pull-request workflow's comments (`actions/github-script` loads this file with `require`
// from the checked-out repository): one comment per marker, created on the first run and updated
// on every later push, so a pull request carries one gate comment and one cloud-preview comment
// per stack however often it is pushed. Tested with node: tests/delivery/test_pr_comment.py.
'use strict';

// GitHub refuses a comment body over 65,536 characters ("body is too long"); reports are cut
// below that with a pointer to the run, whose artifacts and summary keep them whole.
const BODY_LIMIT = 65000;

/** The address of this workflow run, for "see the run" links. */
function runUrl(context) {
  return `${context.serverUrl}/${context.repo.owner}/${context.repo.repo}/actions/runs/${context.runId}`;
}

/** `text` as is when it fits in `limit` characters, else cut there with `note` after it. */
function truncated(text, limit, note) {
  return text.length > limit ? `${text.slice(0, limit)}\n\n… ${note}\n` : text;
}

/**
 * Creates or updates this pull request's comment that starts with `marker`. Only a comment a bot
 * wrote is updated: a person quoting the marker keeps their comment.
 */
async function upsertComment({ github, context, marker, body }) {
  const { owner, repo } = context.repo;
  const issue_number = context.payload.pull_request.number;
  const full = `${marker}\n${body}`;
  const comments = await github.paginate(github.rest.issues.listComments, {
    owner,
    repo,
    issue_number,
    per_page: 100,
  });
  const mine = comments.find(
    (c) => c.user && c.user.type === 'Bot' && c.body && c.body.startsWith(marker),
  );
  if (mine) {
    await github.rest.issues.updateComment({ owner, repo, comment_id: mine.id, body: full });
  } else {
    await github.rest.issues.createComment({ owner, repo, issue_number, body: full });
  }
}

module.exports = { BODY_LIMIT, runUrl, truncated, upsertComment };
