// Discord's side of the commands benchmark, in its own process: the stand-in, the signer and the load generator.
import { Agent, request } from 'node:http';
import { startDiscordStandin } from '../src/fakes/discord-standin.server.js';
import { createInteractionSigner } from '../src/fakes/interaction-signer.js';
import { slashInteraction } from '../src/fakes/slash-interaction.js';

/** Sent to the parent once the stand-in listens: where our service must send its REST calls. */
export interface DiscordReady {
  kind: 'ready';
  restBaseUrl: string;
  botToken: string;
  applicationId: string;
  publicKeyHex: string;
}

/** Asked by the parent: fire `count` requests at once at `url`, as `/dota <path>` interactions or a no-work baseline. */
export interface BurstRequest {
  kind: 'burst';
  url: string;
  /** Subcommand path and options of the interaction; absent for the baseline (the same bytes, signed, no edit awaited). */
  command?: { path: string[]; options: { name: string; type: number; value: string | number }[] };
  count: number;
}

/** One burst's figures, in ms from the moment each request was sent. */
export interface BurstResult {
  kind: 'burst-done';
  /** HTTP response time of our server. */
  ack: number[];
  /** Until the stand-in holds the edited @original (empty for the baseline). */
  answer: number[];
  /** Responses other than 200, edits that never came, and stand-in refusals of our calls. */
  failures: string[];
  /** Bytes the edits uploaded (charts as multipart attachments), summed. */
  editBytes: number;
}

const GUILD = '1500000000000000001';
const CHANNEL = '1500000000000000002';
const MEMBER = { userId: '1500000000000000003', username: 'bench-user', permissions: '0' };
/** A deferred answer must arrive within Discord's 15-minute token life; far less is a failure here. */
const ANSWER_TIMEOUT_MS = 60_000;

// One keep-alive connection per concurrent request, as Discord's many frontends would open.
const agent = new Agent({ keepAlive: true, maxSockets: Infinity });

const standin = await startDiscordStandin({ interactionAckTimeoutMs: 3000 });
const signer = createInteractionSigner();

/** token → resolves when the stand-in records the edit of that interaction's @original. */
const editWaiters = new Map<string, (at: number) => void>();
let seen = 0;
let stopped = false;
// Woken by each recorded message (no polling); the timestamp is taken as the stand-in stores the edit.
void (async () => {
  while (!stopped) {
    await standin.waitForMessages(seen + 1, 2 ** 31 - 1).catch(() => undefined);
    const at = performance.now();
    for (; seen < standin.messages.length; seen += 1) {
      const message = standin.messages[seen];
      if (message?.via !== 'webhook-edit' || message.interactionToken === undefined) continue;
      editWaiters.get(message.interactionToken)?.(at);
    }
  }
})();

function post(
  url: string,
  body: string,
  headers: Record<string, string>,
): Promise<{ status: number; json: unknown; at: number }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        // Taken before parsing, and the acknowledgement is recorded in the same turn: Discord knows the answer now.
        const at = performance.now();
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, json: text ? JSON.parse(text) : null, at });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function burst(ask: BurstRequest): Promise<BurstResult> {
  const result: BurstResult = { kind: 'burst-done', ack: [], answer: [], failures: [], editBytes: 0 };
  const interactions = Array.from({ length: ask.count }, () =>
    slashInteraction({
      applicationId: standin.applicationId,
      guildId: GUILD,
      channelId: CHANNEL,
      ...MEMBER,
      path: ask.command?.path ?? ['baseline'],
      options: ask.command?.options ?? [],
    }),
  );
  // Signed up front: the signing is Discord's cost, not part of any request's time.
  const signed = interactions.map((interaction) => {
    const body = JSON.stringify(interaction);
    return { interaction, body, headers: signer.headers(body) };
  });
  const requestsBefore = standin.requests.length;
  await Promise.all(
    signed.map(async ({ interaction, body, headers }) => {
      let edited: Promise<number> | undefined;
      if (ask.command) {
        standin.registerInteraction(interaction);
        edited = new Promise<number>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('no edit of @original')), ANSWER_TIMEOUT_MS);
          editWaiters.set(interaction.token, (at) => {
            clearTimeout(timer);
            resolve(at);
          });
        });
      }
      const sent = performance.now();
      try {
        const answer = await post(ask.url, body, headers);
        result.ack.push(answer.at - sent);
        if (answer.status !== 200) throw new Error(`HTTP ${answer.status}`);
        if (!edited) return;
        standin.recordInteractionResponse(interaction.id, answer.json);
        result.answer.push((await edited) - sent);
      } catch (error) {
        result.failures.push(error instanceof Error ? error.message : String(error));
      } finally {
        editWaiters.delete(interaction.token);
      }
    }),
  );
  for (const answered of standin.requests.slice(requestsBefore)) {
    if (answered.status >= 400)
      result.failures.push(`stand-in ${answered.status} ${answered.method} ${answered.path}`);
  }
  const tokens = new Set(interactions.map((interaction) => interaction.token));
  for (const message of standin.messages) {
    if (message.via === 'webhook-edit' && tokens.has(message.interactionToken ?? '')) {
      result.editBytes += message.attachments.reduce((sum, file) => sum + file.data.length, 0);
    }
  }
  return result;
}

process.on('message', (message: BurstRequest | { kind: 'stop' }) => {
  if (message.kind === 'stop') {
    stopped = true;
    agent.destroy();
    void standin.close().then(() => process.exit(0));
    return;
  }
  burst(message).then(
    (result) => process.send?.(result),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
});

const ready: DiscordReady = {
  kind: 'ready',
  restBaseUrl: standin.restBaseUrl,
  botToken: standin.botToken,
  applicationId: standin.applicationId,
  publicKeyHex: signer.publicKeyHex,
};
process.send?.(ready);
