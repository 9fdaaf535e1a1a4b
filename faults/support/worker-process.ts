// `ddd start --role worker` as a real child process, so a row can kill it with SIGKILL as an OOM killer would.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

export interface WorkerProcess {
  pid: number;
  /** Port of the worker's HTTP server (health, metrics), read from its 'service started' log line. */
  port: number;
  /** Every log line so far (pino JSON), for the failure message of a row. */
  logs: string[];
  /** SIGKILL: no shutdown hook runs, nothing is flushed or handed back. */
  kill9(): Promise<void>;
  /** SIGTERM, the graceful path; resolves with the exit code. */
  terminate(): Promise<number | null>;
}

const STARTUP_TIMEOUT_MS = 60_000;

/** Starts a worker with exactly `env` (plus PATH and HOME) and resolves once it reports itself started. */
export async function spawnWorker(env: Record<string, string>): Promise<WorkerProcess> {
  // node --import tsx, not the tsx CLI: the CLI runs the program in a child of its own, which SIGKILL would orphan.
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/bin/ddd.ts', 'start', '--role', 'worker'],
    {
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const logs: string[] = [];
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`worker did not start in ${STARTUP_TIMEOUT_MS} ms:\n${logs.join('\n')}`)),
      STARTUP_TIMEOUT_MS,
    );
    const collect = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
        logs.push(line);
        const started = /"msg":"service started"/.test(line) && /"port":(\d+)/.exec(line);
        if (started) {
          clearTimeout(timer);
          resolve(Number(started[1]));
        }
      }
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    void exited.then(([code]) => {
      clearTimeout(timer);
      reject(new Error(`worker exited (${code}) before starting:\n${logs.join('\n')}`));
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error('worker has no pid');
  return {
    pid,
    port,
    logs,
    async kill9() {
      child.kill('SIGKILL');
      await exited;
    },
    async terminate() {
      child.kill('SIGTERM');
      const [code] = await exited;
      return code;
    },
  };
}
