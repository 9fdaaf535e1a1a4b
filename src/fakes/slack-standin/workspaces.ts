// Slack stand-in: the workspaces it knows — channels, users, bot tokens — and Slack-shaped ids and message ts.
import { randomBytes } from 'node:crypto';
import { SlackApiError } from './wire.js';

export interface StandinWorkspace {
  teamId: string;
  teamName: string;
  /** The bot token the workspace's installation holds now (a reinstall after a revoke issues a new one). */
  botToken: string;
  botUserId: string;
  botId: string;
  installerUserId: string;
}

export interface StandinChannel {
  id: string;
  name: string;
  isPrivate?: boolean;
  /** Defaults to true: most tests want a channel the app was invited to. */
  botIsMember?: boolean;
  archived?: boolean;
}

export interface StandinUser {
  id: string;
  name?: string;
  isAdmin?: boolean;
  isOwner?: boolean;
}

export interface WorkspaceSpec {
  teamId: string;
  teamName?: string;
  channels?: StandinChannel[];
  users?: StandinUser[];
  installerUserId?: string;
  /** Defaults to true. False: the bot token is only issued by an OAuth install (oauth.v2.access). */
  installed?: boolean;
}

export interface ChannelState {
  id: string;
  name: string;
  isPrivate: boolean;
  isIm: boolean;
  botIsMember: boolean;
  archived: boolean;
  createdSeconds: number;
}

export interface UserState {
  id: string;
  name: string;
  isAdmin: boolean;
  isOwner: boolean;
  isPrimaryOwner: boolean;
  isBot: boolean;
}

export interface TeamState {
  workspace: StandinWorkspace;
  domain: string;
  /** False until installed: no bot token works for the team. */
  installed: boolean;
  channels: Map<string, ChannelState>;
  users: Map<string, UserState>;
  /** user id → the DM channel the bot has with that user. */
  dms: Map<string, string>;
}

const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const SECRET_ALPHABET = `${ID_ALPHABET}abcdefghijklmnopqrstuvwxyz`;

function randomFrom(alphabet: string, length: number): string {
  return Array.from(randomBytes(length), (byte) => alphabet[byte % alphabet.length]).join('');
}

/** A Slack-looking id: a type letter (T, C, U, B, F, D…) and 10 upper-case alphanumerics. */
export function slackId(prefix: string): string {
  return prefix + randomFrom(ID_ALPHABET, 10);
}

function digits(length: number): string {
  return Array.from(randomBytes(length), (byte) => String(byte % 10)).join('');
}

/** `xoxb-<team number>-<bot number>-<24 alphanumerics>`, the shape of a real bot token (no `-` inside a part). */
function botTokenFor(): string {
  return `xoxb-${digits(12)}-${digits(13)}-${randomFrom(SECRET_ALPHABET, 24)}`;
}

export function tsToMicros(ts: string): bigint | undefined {
  const match = /^(\d+)(?:\.(\d{1,6}))?$/.exec(ts);
  if (!match?.[1]) return undefined;
  return BigInt(match[1]) * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0'));
}

export class SlackWorld {
  readonly teams = new Map<string, TeamState>();
  private readonly tokens = new Map<string, { teamId: string; revoked: boolean }>();
  /** Last ts handed out per channel: Slack's ts is unique within a channel, not across them. */
  private readonly lastTsMicros = new Map<string, bigint>();

  constructor(private readonly now: () => number) {}

  addWorkspace(spec: WorkspaceSpec): StandinWorkspace {
    if (this.teams.has(spec.teamId)) throw new Error(`workspace ${spec.teamId} already exists`);
    const installerUserId = spec.installerUserId ?? slackId('U');
    const workspace: StandinWorkspace = {
      teamId: spec.teamId,
      teamName: spec.teamName ?? `Team ${spec.teamId}`,
      botToken: '',
      botUserId: slackId('U'),
      botId: slackId('B'),
      installerUserId,
    };
    const team: TeamState = {
      workspace,
      domain: spec.teamId.toLowerCase(),
      installed: false,
      channels: new Map(),
      users: new Map(),
      dms: new Map(),
    };
    this.teams.set(spec.teamId, team);
    for (const user of spec.users ?? []) this.addUser(team, user);
    if (!team.users.has(installerUserId)) this.addUser(team, { id: installerUserId, name: 'installer' });
    team.users.set(workspace.botUserId, {
      id: workspace.botUserId,
      name: 'datadrivendota',
      isAdmin: false,
      isOwner: false,
      isPrimaryOwner: false,
      isBot: true,
    });
    for (const channel of spec.channels ?? []) this.addChannel(spec.teamId, channel);
    if (spec.installed ?? true) this.install(spec.teamId);
    return workspace;
  }

  private addUser(team: TeamState, user: StandinUser): void {
    team.users.set(user.id, {
      id: user.id,
      name: user.name ?? user.id.toLowerCase(),
      isAdmin: user.isAdmin ?? false,
      isOwner: user.isOwner ?? false,
      isPrimaryOwner: false,
      isBot: false,
    });
  }

  team(teamId: string): TeamState {
    const team = this.teams.get(teamId);
    if (!team) throw new Error(`no workspace ${teamId} in the Slack stand-in`);
    return team;
  }

  addChannel(teamId: string, channel: StandinChannel): void {
    this.team(teamId).channels.set(channel.id, {
      id: channel.id,
      name: channel.name,
      isPrivate: channel.isPrivate ?? false,
      isIm: false,
      botIsMember: channel.botIsMember ?? true,
      archived: channel.archived ?? false,
      createdSeconds: Math.floor(this.now() / 1000),
    });
  }

  /** Marks the team installed; keeps a live token (reinstalls keep the bot token) or issues a new one. */
  install(teamId: string): StandinWorkspace {
    const team = this.team(teamId);
    const current = this.tokens.get(team.workspace.botToken);
    if (!current || current.revoked) {
      const token = botTokenFor();
      this.tokens.set(token, { teamId, revoked: false });
      team.workspace.botToken = token;
    }
    team.installed = true;
    return team.workspace;
  }

  revokeToken(token: string): void {
    const entry = this.tokens.get(token);
    if (!entry) throw new Error('the Slack stand-in never issued that token');
    entry.revoked = true;
  }

  /** The team a token belongs to, or Slack's error for it. */
  authenticate(token: string | undefined): TeamState {
    if (token === undefined) throw new SlackApiError('not_authed');
    const entry = this.tokens.get(token);
    if (!entry) throw new SlackApiError('invalid_auth');
    if (entry.revoked) throw new SlackApiError('token_revoked');
    const team = this.team(entry.teamId);
    if (!team.installed) throw new SlackApiError('invalid_auth');
    return team;
  }

  /**
   * The channel a message goes to. A user id (U…/W…) opens or reuses the bot's DM with that user, as Slack does for
   * chat.postMessage; unknown ids are `channel_not_found`.
   */
  resolveChannel(team: TeamState, channelArg: string | undefined): ChannelState {
    if (!channelArg) throw new SlackApiError('channel_not_found');
    if (/^[UW]/.test(channelArg)) {
      const user = team.users.get(channelArg);
      if (!user || user.isBot) throw new SlackApiError('channel_not_found');
      return this.dmWith(team, user.id);
    }
    const channel = team.channels.get(channelArg);
    if (!channel) throw new SlackApiError('channel_not_found');
    return channel;
  }

  private dmWith(team: TeamState, userId: string): ChannelState {
    const existing = team.dms.get(userId);
    const known = existing === undefined ? undefined : team.channels.get(existing);
    if (known) return known;
    const channel: ChannelState = {
      id: slackId('D'),
      name: userId,
      isPrivate: true,
      isIm: true,
      botIsMember: true,
      archived: false,
      createdSeconds: Math.floor(this.now() / 1000),
    };
    team.channels.set(channel.id, channel);
    team.dms.set(userId, channel.id);
    return channel;
  }

  /** Where a post may appear: Slack's refusals for archived channels and channels the bot is not in. */
  assertCanPost(channel: ChannelState): void {
    if (channel.archived) throw new SlackApiError('is_archived');
    if (!channel.botIsMember) throw new SlackApiError('not_in_channel');
  }

  /**
   * A message ts unique and increasing within `channelId` ("1764977774.000100"): seconds and microseconds, as
   * Slack writes them. Per channel, so a post dated back by the stand-in's clock keeps its date.
   */
  nextTs(channelId: string): string {
    const micros = BigInt(Math.floor(this.now())) * 1000n;
    const last = this.lastTsMicros.get(channelId) ?? 0n;
    const next = micros > last ? micros : last + 100n;
    this.lastTsMicros.set(channelId, next);
    const seconds = next / 1_000_000n;
    const fraction = (next % 1_000_000n).toString().padStart(6, '0');
    return `${seconds}.${fraction}`;
  }
}
