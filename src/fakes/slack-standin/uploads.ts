// Slack stand-in: the external upload flow web-api's filesUploadV2 drives (get URL → upload bytes → complete).
import { randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { MethodSpec, StandinCore, TeamCall } from './core.js';
import { MAX_TEXT_CHARS, parseBlocks } from './messages.js';
import type { SlackPostFile } from './posts.js';
import { SlackApiError, isRecord, jsonArg, mediaType, parseMultipart, stringArg } from './wire.js';
import { slackId, tsToMicros, type ChannelState } from './workspaces.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface PendingUpload {
  fileId: string;
  teamId: string;
  filename: string;
  /** The byte count declared to files.getUploadURLExternal; the upload must match it. */
  length: number;
  data: Buffer | undefined;
  completed: boolean;
}

export interface UploadReply {
  status: number;
  text: string;
}

export class UploadFlow {
  private readonly byFileId = new Map<string, PendingUpload>();
  private readonly byPath = new Map<string, PendingUpload>();

  constructor(private readonly core: StandinCore) {}

  methods(): Record<string, MethodSpec> {
    return {
      'files.getUploadURLExternal': {
        auth: 'bot',
        json: false,
        tier: 4,
        handle: (call) => this.getUploadUrl(call),
      },
      'files.completeUploadExternal': {
        auth: 'bot',
        json: true,
        tier: 4,
        handle: (call) => this.complete(call),
      },
    };
  }

  private getUploadUrl({ args, team }: TeamCall) {
    const filename = stringArg(args, 'filename');
    const lengthText = stringArg(args, 'length');
    const length = Number(lengthText);
    if (!filename || lengthText === undefined || !/^\d+$/.test(lengthText) || length <= 0) {
      throw new SlackApiError('invalid_arguments');
    }
    const upload: PendingUpload = {
      fileId: slackId('F'),
      teamId: team.workspace.teamId,
      filename,
      length,
      data: undefined,
      completed: false,
    };
    const path = randomBytes(18).toString('base64url');
    this.byFileId.set(upload.fileId, upload);
    this.byPath.set(path, upload);
    return { upload_url: `${this.core.origin()}/upload/${path}`, file_id: upload.fileId };
  }

  /**
   * The upload URL takes the bytes raw or as multipart/form-data. web-api 8 sends multipart: one part named `body`
   * (filename "Untitled"), because its request serializer turns any Buffer argument into a form file.
   */
  async receive(path: string, headers: IncomingHttpHeaders, raw: Buffer): Promise<UploadReply> {
    const upload = this.byPath.get(path);
    if (!upload || upload.completed) return { status: 404, text: 'Not Found' };
    let data = raw;
    if (mediaType(headers) === 'multipart/form-data') {
      let parts: Awaited<ReturnType<typeof parseMultipart>>;
      try {
        parts = await parseMultipart(headers['content-type'] ?? '', raw);
      } catch {
        return { status: 400, text: 'malformed multipart body' };
      }
      const file = parts.files[0];
      if (!file || parts.files.length > 1) return { status: 400, text: 'expected exactly one file part' };
      data = file.data;
    }
    if (data.length !== upload.length) {
      return {
        status: 400,
        text: `upload of ${data.length} bytes does not match the length ${upload.length} given to files.getUploadURLExternal`,
      };
    }
    upload.data = data;
    return { status: 200, text: `OK - ${data.length}` };
  }

  private complete({ args, team }: TeamCall) {
    const filesArg = jsonArg(args, 'files');
    if (filesArg === undefined || filesArg === 'unparseable' || !Array.isArray(filesArg.value)) {
      throw new SlackApiError('invalid_arguments');
    }
    const requested = filesArg.value as unknown[];
    if (requested.length === 0) throw new SlackApiError('invalid_arguments');
    const entries = requested.map((entry) => {
      if (!isRecord(entry) || typeof entry.id !== 'string') throw new SlackApiError('invalid_arguments');
      const upload = this.byFileId.get(entry.id);
      // Files never uploaded, from another workspace, or already completed ("can only be called once").
      if (!upload || upload.teamId !== team.workspace.teamId || !upload.data || upload.completed) {
        throw new SlackApiError('file_not_found');
      }
      return { upload, data: upload.data, title: typeof entry.title === 'string' ? entry.title : undefined };
    });

    const channelArg = stringArg(args, 'channel_id') || stringArg(args, 'channels');
    const channels: ChannelState[] = (channelArg ? channelArg.split(',') : []).map((id) =>
      this.core.world.resolveChannel(team, id.trim()),
    );
    for (const channel of channels) this.core.world.assertCanPost(channel);
    const blocks = parseBlocks(args);
    const comment = stringArg(args, 'initial_comment');
    if (comment !== undefined && comment.length > MAX_TEXT_CHARS) throw new SlackApiError('msg_too_long');
    const threadTs = stringArg(args, 'thread_ts') || undefined;
    if (threadTs !== undefined && tsToMicros(threadTs) === undefined)
      throw new SlackApiError('invalid_thread_ts');

    for (const entry of entries) entry.upload.completed = true;
    const files: SlackPostFile[] = entries.map(({ upload, data, title }) => ({
      id: upload.fileId,
      filename: upload.filename,
      ...(title !== undefined ? { title } : {}),
      bytes: data.length,
      data,
      pngSignatureOk: data.subarray(0, PNG_SIGNATURE.length).equals(PNG_SIGNATURE),
    }));
    // Without a channel the files stay private: nothing becomes visible.
    for (const channel of channels) {
      this.core.log.record({
        via: 'files.completeUploadExternal',
        teamId: team.workspace.teamId,
        channelId: channel.id,
        ts: this.core.world.nextTs(channel.id),
        ...(threadTs ? { threadTs } : {}),
        ...(comment ? { text: comment } : {}),
        ...(blocks ? { blocks } : {}),
        files,
      });
    }
    return {
      files: files.map((file) => ({ id: file.id, title: file.title ?? file.filename, name: file.filename })),
    };
  }
}
