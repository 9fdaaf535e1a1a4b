// Shared plumbing for CLI commands: argument parsers, config per role, and one-shot runtimes.
import { InvalidArgumentError } from 'commander';
import { loadConfig, type Role } from '../../config.js';
import { createLogger } from '../../log.js';
import { openRuntime, type Runtime } from '../runtime.js';

export function positiveInteger(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`"${text}" is not a positive integer.`);
  }
  return value;
}

export function setup(role: Role) {
  const config = loadConfig(process.env, role);
  return { config, log: createLogger(config.LOG_LEVEL) };
}

/**
 * Ends a one-shot command once its work is done and everything is closed. Agenda leaves a liveness timer
 * (half the lock lifetime) pending after each job it ran, which would otherwise hold the process for minutes.
 */
export async function oneShot(work: () => Promise<void>): Promise<void> {
  await work();
  process.exit(process.exitCode ?? 0);
}

/** Opens the runtime for one command and always closes it, so the embedded database stops cleanly. */
export function withRuntime(role: Role, work: (runtime: Runtime) => Promise<void>): Promise<void> {
  return oneShot(async () => {
    const { config, log } = setup(role);
    const runtime = await openRuntime(config, log);
    try {
      await work(runtime);
    } finally {
      await runtime.close();
    }
  });
}
