// Slack stand-in: the Web API methods for identity, messages, channels and users, with Slack's refusals.
import type { MethodSpec, StandinCore, TeamCall } from './core.js';
import { parseMessageContent, parseMetadata } from './messages.js';
import { historyMessage } from './posts.js';
import { ChannelPostLimiter, RateLimited } from './rate-limits.js';
import { SlackApiError, booleanArg, stringArg } from './wire.js';
import { tsToMicros, type ChannelState, type TeamState } from './workspaces.js';

export interface WebApiOptions {
  /** Per-channel chat.postMessage bucket; undefined switches the limit off. */
  postLimit: { burst: number; perSecond: number } | undefined;
  /**
   * Marketplace-approved apps keep Tier 3 and `limit` ≤ 999 for conversations.history; since 2025 other apps get
   * Tier 1 (1 call a minute) and at most 15 messages a page.
   */
  marketplaceApproved: boolean;
}

function optionalThreadTs(args: Record<string, unknown>): string | undefined {
  const threadTs = stringArg(args, 'thread_ts');
  if (threadTs === undefined || threadTs === '') return undefined;
  if (tsToMicros(threadTs) === undefined) throw new SlackApiError('invalid_thread_ts');
  return threadTs;
}

function channelObject(channel: ChannelState, team: TeamState): Record<string, unknown> {
  return {
    id: channel.id,
    name: channel.name,
    is_channel: !channel.isPrivate && !channel.isIm,
    is_group: channel.isPrivate && !channel.isIm,
    is_im: channel.isIm,
    is_private: channel.isPrivate,
    is_archived: channel.archived,
    is_member: channel.botIsMember,
    created: channel.createdSeconds,
    context_team_id: team.workspace.teamId,
  };
}

function parseTsArg(args: Record<string, unknown>, key: string, error: string): bigint | undefined {
  const value = stringArg(args, key);
  if (value === undefined || value === '') return undefined;
  const micros = tsToMicros(value);
  if (micros === undefined) throw new SlackApiError(error);
  return micros;
}

/** Slack's cursors are base64 of `next_ts:<microseconds>`: the newest message the next page starts from. */
function decodeCursor(cursor: string | undefined): bigint | undefined {
  if (!cursor) return undefined;
  const match = /^next_ts:(\d+)$/.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  if (!match?.[1]) throw new SlackApiError('invalid_cursor');
  return BigInt(match[1]);
}

export function webApiMethods(core: StandinCore, options: WebApiOptions): Record<string, MethodSpec> {
  const { world, log } = core;
  const postLimiter = options.postLimit
    ? new ChannelPostLimiter(core.now, options.postLimit.burst, options.postLimit.perSecond)
    : undefined;
  const historyMax = options.marketplaceApproved ? 999 : 15;
  const historyDefault = options.marketplaceApproved ? 100 : 15;

  function postMessage({ args, team }: TeamCall) {
    const channel = world.resolveChannel(team, stringArg(args, 'channel'));
    const limited = postLimiter?.take(`${team.workspace.teamId}:${channel.id}`);
    if (limited && !limited.allowed) throw new RateLimited(limited.retryAfterSeconds);
    world.assertCanPost(channel);
    const content = parseMessageContent(args, { requireContent: true });
    const metadata = parseMetadata(args);
    const threadTs = optionalThreadTs(args);
    const ts = world.nextTs(channel.id);
    log.record({
      via: 'chat.postMessage',
      teamId: team.workspace.teamId,
      channelId: channel.id,
      ts,
      ...(threadTs ? { threadTs } : {}),
      ...(content.text !== undefined ? { text: content.text } : {}),
      ...(content.blocks ? { blocks: content.blocks } : {}),
      files: [],
      ...(metadata ? { metadata } : {}),
    });
    return {
      channel: channel.id,
      ts,
      message: {
        type: 'message',
        text: content.text ?? '',
        user: team.workspace.botUserId,
        bot_id: team.workspace.botId,
        app_id: core.appId,
        ts,
        team: team.workspace.teamId,
        ...(content.blocks ? { blocks: content.blocks } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
        ...(metadata ? { metadata } : {}),
      },
    };
  }

  function postEphemeral({ args, team }: TeamCall) {
    const channel = world.resolveChannel(team, stringArg(args, 'channel'));
    const userId = stringArg(args, 'user');
    const user = userId === undefined ? undefined : team.users.get(userId);
    if (!user || user.isBot) throw new SlackApiError('user_not_in_channel');
    world.assertCanPost(channel);
    const content = parseMessageContent(args, { requireContent: true });
    const threadTs = optionalThreadTs(args);
    const ts = world.nextTs(channel.id);
    log.record({
      via: 'chat.postEphemeral',
      teamId: team.workspace.teamId,
      channelId: channel.id,
      ts,
      ...(threadTs ? { threadTs } : {}),
      ...(content.text !== undefined ? { text: content.text } : {}),
      ...(content.blocks ? { blocks: content.blocks } : {}),
      files: [],
      userId: user.id,
    });
    return { message_ts: ts };
  }

  function join({ args, team }: TeamCall) {
    const channelId = stringArg(args, 'channel');
    const channel = channelId === undefined ? undefined : team.channels.get(channelId);
    if (!channel) throw new SlackApiError('channel_not_found');
    if (channel.isPrivate || channel.isIm) throw new SlackApiError('method_not_supported_for_channel_type');
    if (channel.archived) throw new SlackApiError('is_archived');
    const already = channel.botIsMember;
    channel.botIsMember = true;
    return {
      channel: channelObject(channel, team),
      ...(already
        ? { warning: 'already_in_channel', response_metadata: { warnings: ['already_in_channel'] } }
        : {}),
    };
  }

  function history({ args, team }: TeamCall) {
    const channelId = stringArg(args, 'channel');
    const channel = channelId === undefined ? undefined : team.channels.get(channelId);
    if (!channel) throw new SlackApiError('channel_not_found');
    if (!channel.botIsMember) throw new SlackApiError('not_in_channel');
    const oldest = parseTsArg(args, 'oldest', 'invalid_ts_oldest') ?? 0n;
    const latest = parseTsArg(args, 'latest', 'invalid_ts_latest');
    const inclusive = booleanArg(args, 'inclusive');
    const cursorTs = decodeCursor(stringArg(args, 'cursor'));
    const requested = Number(stringArg(args, 'limit') ?? historyDefault);
    const limit = Math.min(
      historyMax,
      Number.isFinite(requested) && requested > 0 ? requested : historyDefault,
    );
    const matching = log.channelHistory(team.workspace.teamId, channel.id).filter((post) => {
      const micros = tsToMicros(post.ts) ?? 0n;
      const afterOldest = inclusive ? micros >= oldest : micros > oldest;
      const beforeLatest = latest === undefined || (inclusive ? micros <= latest : micros < latest);
      return afterOldest && beforeLatest && (cursorTs === undefined || micros <= cursorTs);
    });
    const page = matching.slice(0, limit);
    const next = matching[limit];
    const context = { botId: team.workspace.botId, botUserId: team.workspace.botUserId, appId: core.appId };
    const includeMetadata = booleanArg(args, 'include_all_metadata');
    return {
      messages: page.map((post) => historyMessage(post, context, includeMetadata)),
      has_more: next !== undefined,
      pin_count: 0,
      ...(next
        ? {
            response_metadata: {
              next_cursor: Buffer.from(`next_ts:${String(tsToMicros(next.ts))}`).toString('base64'),
            },
          }
        : {}),
    };
  }

  function usersInfo({ args, team }: TeamCall) {
    const userId = stringArg(args, 'user');
    const user = userId === undefined ? undefined : team.users.get(userId);
    if (!user) throw new SlackApiError('user_not_found');
    return {
      user: {
        id: user.id,
        team_id: team.workspace.teamId,
        name: user.name,
        deleted: false,
        real_name: user.name,
        is_admin: user.isAdmin,
        is_owner: user.isOwner,
        is_primary_owner: user.isPrimaryOwner,
        is_restricted: false,
        is_ultra_restricted: false,
        is_bot: user.isBot,
        is_app_user: false,
        profile: { real_name: user.name, display_name: user.name, team: team.workspace.teamId },
      },
    };
  }

  function authTest({ team }: TeamCall) {
    return {
      url: `https://${team.domain}.slack.com/`,
      team: team.workspace.teamName,
      user: 'datadrivendota',
      team_id: team.workspace.teamId,
      user_id: team.workspace.botUserId,
      bot_id: team.workspace.botId,
      is_enterprise_install: false,
    };
  }

  return {
    'auth.test': { auth: 'bot', json: true, handle: authTest },
    'chat.postMessage': { auth: 'bot', json: true, handle: postMessage },
    'chat.postEphemeral': { auth: 'bot', json: true, tier: 4, handle: postEphemeral },
    'conversations.join': { auth: 'bot', json: true, tier: 3, handle: join },
    'conversations.history': {
      auth: 'bot',
      json: false,
      tier: options.marketplaceApproved ? 3 : 1,
      handle: history,
    },
    'users.info': { auth: 'bot', json: false, tier: 4, handle: usersInfo },
  };
}
