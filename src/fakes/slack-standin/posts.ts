// Slack stand-in: every message that became visible, the waits on them, and what conversations.history shows.
import type { MessageMetadata } from './messages.js';
import { tsToMicros } from './workspaces.js';

export interface SlackPostFile {
  id: string;
  filename: string;
  title?: string;
  bytes: number;
  /** What was uploaded (the demo writes the charts out). */
  data: Buffer;
  /** The uploaded bytes start with the 8-byte PNG signature. */
  pngSignatureOk: boolean;
}

/** One message that became visible in Slack. */
export interface SlackPost {
  /** 'user': a person wrote it in the channel (tests add such chatter with postAsUser). */
  via: 'chat.postMessage' | 'chat.postEphemeral' | 'files.completeUploadExternal' | 'response_url' | 'user';
  teamId: string;
  channelId: string;
  ts: string;
  threadTs?: string;
  text?: string;
  blocks?: unknown[];
  files: SlackPostFile[];
  metadata?: MessageMetadata;
  /** response_url posts: as sent, defaulting to Slack's `ephemeral`. */
  responseType?: 'in_channel' | 'ephemeral';
  replaceOriginal?: boolean;
  /** response_url posts that asked Slack to delete the original message instead of showing a new one. */
  deleteOriginal?: boolean;
  /** Who sees an ephemeral message; who ran the command for response_url posts. */
  userId?: string;
}

/** A history entry also carries what Slack reports about the author. */
export interface HistoryContext {
  botId: string;
  botUserId: string;
  appId: string;
}

export class PostLog {
  readonly posts: SlackPost[] = [];
  private readonly waiters = new Set<() => void>();

  record(post: SlackPost): void {
    this.posts.push(post);
    for (const wake of [...this.waiters]) wake();
  }

  /** Resolves once `count` posts exist; rejects after `timeoutMs`. Event-driven: each record wakes the waiters. */
  waitFor(count: number, timeoutMs: number): Promise<SlackPost[]> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (this.posts.length < count) return;
        cleanup();
        resolve([...this.posts]);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(
          new Error(
            `Slack stand-in: waitForPosts(${count}) timed out after ${timeoutMs} ms with ${this.posts.length} posts`,
          ),
        );
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /**
   * What everyone in the channel sees, newest first: channel posts and in-channel response_url replies. Ephemeral
   * messages are never in history, and thread replies are only in conversations.replies.
   */
  channelHistory(teamId: string, channelId: string): SlackPost[] {
    return this.posts
      .filter(
        (post) =>
          post.teamId === teamId &&
          post.channelId === channelId &&
          post.via !== 'chat.postEphemeral' &&
          !post.deleteOriginal &&
          !(post.via === 'response_url' && post.responseType !== 'in_channel') &&
          (post.threadTs === undefined || post.threadTs === post.ts),
      )
      .sort((a, b) => compareTs(b.ts, a.ts));
  }
}

export function compareTs(a: string, b: string): number {
  const left = tsToMicros(a) ?? 0n;
  const right = tsToMicros(b) ?? 0n;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** A message object as conversations.history returns it. */
export function historyMessage(
  post: SlackPost,
  context: HistoryContext,
  includeMetadata: boolean,
): Record<string, unknown> {
  return {
    type: 'message',
    ts: post.ts,
    ...(post.via === 'user'
      ? { user: post.userId }
      : { user: context.botUserId, bot_id: context.botId, app_id: context.appId }),
    text: post.text ?? '',
    ...(post.blocks ? { blocks: post.blocks } : {}),
    ...(post.files.length > 0
      ? {
          files: post.files.map((file) => ({
            id: file.id,
            name: file.filename,
            title: file.title ?? file.filename,
            size: file.bytes,
            mimetype: mimeTypeOf(file.filename),
            filetype: extensionOf(file.filename),
          })),
          upload: true,
        }
      : {}),
    ...(includeMetadata && post.metadata ? { metadata: post.metadata } : {}),
  };
}

function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot < 0 ? 'binary' : filename.slice(dot + 1).toLowerCase();
}

function mimeTypeOf(filename: string): string {
  const types: Record<string, string> = {
    png: 'image/png',
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    gif: 'image/gif',
    txt: 'text/plain',
    json: 'application/json',
  };
  return types[extensionOf(filename)] ?? 'application/octet-stream';
}
