// Runs the Discord stand-in in a child process: Discord is remote, so its work must not share our event loop.
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DiscordStandinOptions } from '../src/fakes/discord-standin.server.js';

export interface StandinStats {
  /** 429s served, bucket and global. */
  rateLimited: number;
  requests: number;
  /** Every message posted, in order; `receivedAt` is the stand-in's Date.now() when it stored it. */
  messages: { channelId: string; receivedAt: number; title: string }[];
}

export type ChildRequest = { kind: 'stats'; id: number } | { kind: 'close' };
export type ChildReply =
  | { kind: 'ready'; restBaseUrl: string; botToken: string }
  | { kind: 'stats'; id: number; stats: StandinStats };

export interface StandinProcess {
  restBaseUrl: string;
  botToken: string;
  stats(): Promise<StandinStats>;
  close(): Promise<void>;
}

const CHILD = fileURLToPath(new URL('./discord-standin-child.ts', import.meta.url));

export async function startStandinProcess(options: DiscordStandinOptions = {}): Promise<StandinProcess> {
  const child: ChildProcess = fork(CHILD, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, BENCH_STANDIN_OPTIONS: JSON.stringify(options) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pending = new Map<number, (stats: StandinStats) => void>();
  let nextId = 0;
  const ready = new Promise<{ restBaseUrl: string; botToken: string }>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`stand-in process exited with ${code}`)));
    child.on('message', (message: ChildReply) => {
      if (message.kind === 'ready') resolve(message);
      else pending.get(message.id)?.(message.stats);
    });
  });
  const { restBaseUrl, botToken } = await ready;
  return {
    restBaseUrl,
    botToken,
    stats() {
      const id = (nextId += 1);
      return new Promise((resolve) => {
        pending.set(id, (stats) => {
          pending.delete(id);
          resolve(stats);
        });
        child.send({ kind: 'stats', id } satisfies ChildRequest);
      });
    },
    close() {
      return new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.send({ kind: 'close' } satisfies ChildRequest);
      });
    },
  };
}
