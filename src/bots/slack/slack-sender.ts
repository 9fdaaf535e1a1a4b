// Posts alerts to Slack channels for the notifier: Block Kit plus charts in one message, within Slack's limits.
import type { WebClient } from '@slack/web-api';
import { AppError } from '../../errors.js';
import type { Logger } from '../../log.js';
import type { ChatSender, Destination } from '../../notify/notifier.js';
import type { Reply } from '../core/reply.js';
import { toSlackMessage } from './block-kit.js';
import type { SlackBots } from './slack-bots.js';
import { TOKEN_REFUSED_REASON, type SlackBot } from './slack-installations.repo.js';
import {
  CHANNEL_GONE_ERRORS,
  MAY_HAVE_POSTED_ERRORS,
  TOKEN_ERRORS,
  slackErrorCode,
  slackRetryAfter,
} from './slack-errors.js';

/**
 * A send gives up after this long, waits for Slack's `Retry-After` included, so a live notifier never holds a
 * claimed delivery past the ledger's stale-claim time (2 minutes), after which another process may take it over.
 */
export const SLACK_SEND_DEADLINE_MS = 60_000;
/**
 * Slack serves apps outside its Marketplace conversations.history at most 15 messages a page and one call a
 * minute per workspace (2025 terms), so a retried delivery reads one page: the messages around its previous try
 * (history comes newest first, so the window's end matters as much as its start).
 */
const HISTORY_PAGE = 15;
/** A previous try posted, if at all, within its send deadline of when it was claimed or gave up. */
const PREVIOUS_TRY_MARGIN_MS = SLACK_SEND_DEADLINE_MS + 30_000;
/** conversations.join refusals that mean "invite the app"; anything else is classified like a failed post. */
const CANNOT_JOIN = new Set(['method_not_supported_for_channel_type', 'missing_scope']);
const METADATA_EVENT = 'ddd_alert';

export interface SlackSenderDeps {
  /** One client without a token: every call names the workspace's token. */
  client: WebClient;
  bots: SlackBots;
  log: Logger;
}

/** files.completeUploadExternal answers with file ids, not the message ts: they identify the post instead. */
const filesMessageId = (files: readonly { id?: string }[]): string =>
  `files:${files.map((file) => file.id ?? '?').join(',')}`;

const permanent = (code: string, message: string, userMessage: string, cause?: unknown) =>
  new AppError(code, message, { kind: 'permanent', userMessage, cause });

export function createSlackSender({ client, bots, log }: SlackSenderDeps): ChatSender {
  /** Per workspace: no call before this time (ms), set by Slack's Retry-After. */
  const notBefore = new Map<string, number>();

  /** Runs one Web API call, waiting out Slack's rate limits for this workspace until the deadline. */
  async function call<T>(teamId: string, deadline: number, run: () => Promise<T>): Promise<T> {
    for (;;) {
      if (Date.now() > deadline) {
        throw new AppError('slack_send_deadline', `Slack send to ${teamId} ran past its deadline`, {
          kind: 'transient',
        });
      }
      const wait = (notBefore.get(teamId) ?? 0) - Date.now();
      if (wait > 0) {
        if (Date.now() + wait > deadline) {
          throw new AppError(
            'slack_rate_limited',
            `Slack rate limit for ${teamId} outlasts the send deadline`,
            {
              kind: 'rate-limited',
              retryAfterSeconds: Math.ceil(wait / 1000),
            },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
      try {
        return await run();
      } catch (error) {
        const retryAfter = slackRetryAfter(error);
        if (retryAfter === undefined) throw error;
        notBefore.set(teamId, Math.max(notBefore.get(teamId) ?? 0, Date.now() + retryAfter * 1000));
        log.warn({ team: teamId, retryAfter }, 'Slack rate limit: waiting');
      }
    }
  }

  /**
   * The id of a message an earlier try of this delivery posted (its answer lost), found by its nonce. A rate
   * limit here is not waited out (a minute per workspace): the delivery goes back to the ledger for later,
   * since posting without knowing could post twice.
   */
  async function earlierPost(bot: SlackBot, channel: string, nonce: string, previousAttemptAt: Date) {
    const seconds = (ms: number) => String(Math.floor(ms / 1000));
    try {
      const history = await client.conversations.history({
        token: bot.botToken,
        channel,
        limit: HISTORY_PAGE,
        include_all_metadata: true,
        oldest: seconds(previousAttemptAt.getTime() - PREVIOUS_TRY_MARGIN_MS),
        latest: seconds(previousAttemptAt.getTime() + PREVIOUS_TRY_MARGIN_MS),
      });
      const found = history.messages?.find((message) => {
        const payload = message.metadata?.event_payload ?? {};
        return (
          ('nonce' in payload && payload.nonce === nonce) ||
          message.files?.some((file) => file.name?.startsWith(`${nonce}-`))
        );
      });
      if (!found && history.has_more)
        log.warn({ channel, nonce }, 'busy channel: an earlier try beyond one history page would be missed');
      if (!found) return undefined;
      // The id the first try would have recorded: its file ids for a chart post, else the message ts.
      return found.files?.length ? filesMessageId(found.files) : found.ts;
    } catch (error) {
      const retryAfter = slackRetryAfter(error);
      if (retryAfter !== undefined) {
        throw new AppError('slack_rate_limited', `history of ${channel} is rate limited`, {
          kind: 'rate-limited',
          retryAfterSeconds: retryAfter,
          cause: error,
        });
      }
      // Refused (not in the channel, token): the post itself meets the same refusal and classifies it.
      log.warn({ err: error, channel }, 'could not check Slack history for an earlier try');
      return undefined;
    }
  }

  async function post(bot: SlackBot, channel: string, reply: Reply, nonce: string, deadline: number) {
    const { text, blocks } = toSlackMessage(reply);
    const images = [reply.image, ...(reply.moreImages ?? [])].flatMap((image) => (image ? [image] : []));
    if (images.length === 0) {
      const posted = await call(bot.teamId, deadline, () =>
        client.chat.postMessage({
          token: bot.botToken,
          channel,
          text,
          blocks,
          unfurl_links: false,
          metadata: { event_type: METADATA_EVENT, event_payload: { nonce } },
        }),
      );
      return posted.ts ?? '';
    }
    // One message holding the blocks and every chart (files.completeUploadExternal takes blocks but no
    // metadata, so the nonce rides in the file names, where a retried delivery can find it).
    const uploaded = await call(bot.teamId, deadline, () =>
      client.filesUploadV2({
        token: bot.botToken,
        channel_id: channel,
        blocks,
        file_uploads: images.map((image) => ({
          file: image.png,
          filename: `${nonce}-${image.filename}`,
          title: image.description,
          alt_text: image.description,
        })),
      }),
    );
    const files = uploaded.files.flatMap((completion) => completion.files ?? []);
    return filesMessageId(files);
  }

  /** not_in_channel: a public channel can be joined by the bot itself; a private one needs an /invite. */
  async function joinOrExplain(bot: SlackBot, channel: string, deadline: number): Promise<void> {
    try {
      await call(bot.teamId, deadline, () => client.conversations.join({ token: bot.botToken, channel }));
      return;
    } catch (error) {
      const code = slackErrorCode(error);
      // A rate limit, a 5xx or a refused token is not "the channel is private": the caller classifies those.
      if (!code || !CANNOT_JOIN.has(code)) throw error;
      log.info({ channel, reason: code }, 'could not join the Slack channel');
    }
    const hint = `Alerts for <#${channel}> are paused: the app is not in that channel. Type \`/invite @DataDrivenDota\` there, then \`/dota subscribe\` again.`;
    if (bot.installerUserId) {
      // Best effort: the channel itself cannot hear from us, so the person who installed the app is told.
      await client.chat
        .postMessage({ token: bot.botToken, channel: bot.installerUserId, text: hint })
        .catch((error: unknown) => log.warn({ err: error }, 'could not send the invite hint'));
    }
    throw permanent(
      'slack_not_in_channel',
      `the Slack app is not in channel ${channel}`,
      'The app is not in this channel: type /invite @DataDrivenDota in it, then subscribe again.',
    );
  }

  return {
    platform: 'slack',
    async send(destination: Destination, reply) {
      const { channelId, guildId, nonce, previousAttemptAt } = destination;
      const deadline = Date.now() + SLACK_SEND_DEADLINE_MS;
      const bot = await installedBot(guildId);
      if (bot.pausedReason) throw permanent('slack_paused', bot.pausedReason, bot.pausedReason);
      // Set only when an earlier attempt may have posted (see the ledger): one refused outright did not.
      if (previousAttemptAt) {
        const ts = await earlierPost(bot, channelId, nonce, previousAttemptAt);
        if (ts) return { messageId: ts };
      }
      try {
        try {
          return { messageId: await post(bot, channelId, reply, nonce, deadline) };
        } catch (error) {
          if (slackErrorCode(error) !== 'not_in_channel') throw error;
          await joinOrExplain(bot, channelId, deadline);
          return { messageId: await post(bot, channelId, reply, nonce, deadline) };
        }
      } catch (error) {
        throw await classify(error, bot, channelId);
      }
    },
  };

  /**
   * The workspace's bot. Not installed, or sealed with another key: the workspace pauses with the reason a
   * reinstall clears, so its alerts resume by themselves once an admin reinstalls.
   */
  async function installedBot(guildId: string | null): Promise<SlackBot> {
    let bot: SlackBot | undefined;
    try {
      bot = await bots.botFor(guildId);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== 'slack_installation_unreadable') throw error;
      log.error({ err: error, team: guildId }, 'Slack installation unreadable: the workspace must reinstall');
    }
    if (bot) return bot;
    const reason = guildId ? await bots.pause(guildId) : TOKEN_REFUSED_REASON;
    throw permanent(
      'slack_not_installed',
      `no usable Slack installation for workspace ${guildId ?? '(unknown)'}`,
      reason,
    );
  }

  async function classify(error: unknown, bot: SlackBot, channel: string): Promise<unknown> {
    if (error instanceof AppError) return error;
    const code = slackErrorCode(error);
    if (code && TOKEN_ERRORS.has(code)) {
      const reason = await bots.pause(bot.teamId);
      return permanent(
        'slack_token_refused',
        `Slack refused the token of workspace ${bot.teamId}: ${code}`,
        reason,
        error,
      );
    }
    if (code && CHANNEL_GONE_ERRORS.has(code)) {
      return permanent(
        'slack_channel_gone',
        `Slack channel ${channel} refused the post: ${code}`,
        'This Slack channel was deleted or archived, or the app can no longer see it.',
        error,
      );
    }
    // 5xx, timeouts, and anything else: retried with backoff by the ledger, failed after its attempts. An error
    // answer (ok: false) means nothing was posted, except those Slack documents as possibly half done; those, a
    // 5xx or a timeout may hide a post that went through.
    return new AppError(
      'slack_send_failed',
      `post to Slack channel ${channel} failed: ${code ?? String(error)}`,
      {
        kind: 'transient',
        unsent: code !== undefined && !MAY_HAVE_POSTED_ERRORS.has(code),
        cause: error,
      },
    );
  }
}
