// Child-process entry for the benchmarks: the Discord stand-in on its own CPU, answering stats over IPC.
import { startDiscordStandin, type DiscordStandinOptions } from '../src/fakes/discord-standin.server.js';
import type { ChildReply, ChildRequest } from './discord-standin-process.js';

const options = JSON.parse(process.env.BENCH_STANDIN_OPTIONS ?? '{}') as DiscordStandinOptions;
const standin = await startDiscordStandin(options);
const send = (message: ChildReply) => process.send?.(message);

process.on('message', (request: ChildRequest) => {
  if (request.kind === 'stats') {
    send({
      kind: 'stats',
      id: request.id,
      stats: {
        rateLimited: standin.rateLimitedCount,
        requests: standin.requests.length,
        messages: standin.messages.map((message) => ({
          channelId: message.channelId,
          receivedAt: message.receivedAt,
          title: (message.embeds[0] as { title?: string } | undefined)?.title ?? message.content,
        })),
      },
    });
  } else {
    void standin.close().then(() => process.exit(0));
  }
});
send({ kind: 'ready', restBaseUrl: standin.restBaseUrl, botToken: standin.botToken });
