// Runs a command for either platform and times it into the command latency histogram, answered or failed.
import { commandDuration } from '../../observability/metrics.js';
import type { AnyCommand } from './command.js';
import type { CommandContext, Invocation } from './command-context.js';
import type { Reply } from './reply.js';

export async function runCommand(
  command: AnyCommand,
  ctx: CommandContext,
  args: Record<string, unknown>,
  invocation: Invocation,
): Promise<Reply> {
  const stopTimer = commandDuration.startTimer({
    platform: invocation.platform,
    command: command.path.join(' '),
  });
  try {
    // The adapters' parsers built `args` from this command's own declarations, which is what ArgsOf describes.
    const reply = await command.run(ctx, args as never, invocation);
    stopTimer({ outcome: 'answered' });
    return reply;
  } catch (error) {
    stopTimer({ outcome: 'failed' });
    throw error;
  }
}
