// Where the render worker's code lives and how to start it, compiled (dist/*.js) or from TypeScript (tsx, vitest).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** What `new Worker()` is given: the worker file itself, or a bootstrap script evaluated in the worker. */
export type WorkerSource = { kind: 'file'; url: URL } | { kind: 'eval'; code: string };

/**
 * Compiled, this file is `dist/src/render/pool/worker-source.js` and the worker is its sibling
 * `render-worker.js`, which plain Node loads.
 *
 * From TypeScript (tsx in dev and benches, vitest's module runner in tests) this file's URL ends in `.ts`.
 * A worker thread is a fresh module graph that vitest's runner never reaches, and on Node 20 neither does
 * `execArgv: ['--import', 'tsx']`: the hooks it registers arrive after the worker's entry file is loaded
 * ("Unknown file extension .ts", checked on 20.20). So the worker starts from a two-line bootstrap that
 * calls tsx's `register()` inside the worker and then imports `render-worker.ts`; an error thrown while
 * loading (missing fonts) still surfaces as the worker's 'error' event. tsx is a devDependency: only dev
 * and tests take this path.
 */
export function renderWorkerSource(moduleUrl: string = import.meta.url): WorkerSource {
  if (!moduleUrl.endsWith('.ts')) return { kind: 'file', url: new URL('./render-worker.js', moduleUrl) };
  const worker = new URL('./render-worker.ts', moduleUrl).href;
  const tsxApi = tsxEsmApiUrl(moduleUrl);
  const code = [
    `import(${JSON.stringify(tsxApi)})`,
    `  .then((tsx) => { tsx.register(); return import(${JSON.stringify(worker)}); });`,
  ].join('\n');
  return { kind: 'eval', code };
}

/**
 * tsx's ESM API (`tsx/esm/api`, import condition), resolved from this file rather than the working directory.
 * require.resolve would pick its CJS build, whose register() cannot find its hooks when imported from a
 * worker, so the path comes from the package's own `exports` map.
 */
function tsxEsmApiUrl(moduleUrl: string): string {
  const require = createRequire(moduleUrl);
  const manifestPath = require.resolve('tsx/package.json');
  const manifest = require(manifestPath) as { exports?: Record<string, { import?: { default?: string } }> };
  const entry = manifest.exports?.['./esm/api']?.import?.default;
  if (!entry)
    throw new Error('tsx/package.json has no "./esm/api" import export: cannot start TypeScript workers');
  return pathToFileURL(join(dirname(manifestPath), entry)).href;
}
