// Event-driven waits on the demo's stand-ins: resolve once a matching message arrives, fail after a timeout.
import type { DiscordStandin, StandinMessage } from '../fakes/discord-standin.server.js';
import type { SlackPost, SlackStandin } from '../fakes/slack-standin.server.js';

/** Resolves once the Slack stand-in shows a post matching `predicate`. */
export async function waitForSlack(
  slack: SlackStandin,
  predicate: (post: SlackPost) => boolean,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!slack.posts.some(predicate)) {
    await slack.waitForPosts(slack.posts.length + 1, Math.max(1, deadline - Date.now()));
  }
}

/** Resolves once a message matching `predicate` has arrived (event-driven through the stand-in). */
export async function waitFor(
  discord: DiscordStandin,
  predicate: (message: StandinMessage) => boolean,
  timeoutMs = 30_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!discord.messages.some(predicate)) {
    await discord.waitForMessages(discord.messages.length + 1, Math.max(1, deadline - Date.now()));
  }
}
