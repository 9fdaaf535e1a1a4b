// Event-driven waits on the demo's stand-ins: resolve once a matching message arrives, fail after a timeout.
import type { DiscordStandin, StandinMessage } from '../fakes/discord-standin.server.js';
import type { SlackPost, SlackStandin } from '../fakes/slack-standin.server.js';

/** Waits for more items in a stand-in's growing log until one matches `predicate`. */
async function waitForMatch<T>(
  items: readonly T[],
  waitForCount: (count: number, timeoutMs: number) => Promise<unknown>,
  predicate: (item: T) => boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!items.some(predicate)) {
    await waitForCount(items.length + 1, Math.max(1, deadline - Date.now()));
  }
}

/** Resolves once the Slack stand-in shows a post matching `predicate`. */
export const waitForSlack = (
  slack: SlackStandin,
  predicate: (post: SlackPost) => boolean,
  timeoutMs = 30_000,
) => waitForMatch(slack.posts, (count, ms) => slack.waitForPosts(count, ms), predicate, timeoutMs);

/** Resolves once the Discord stand-in has received a message matching `predicate`. */
export const waitFor = (
  discord: DiscordStandin,
  predicate: (message: StandinMessage) => boolean,
  timeoutMs = 30_000,
) => waitForMatch(discord.messages, (count, ms) => discord.waitForMessages(count, ms), predicate, timeoutMs);
