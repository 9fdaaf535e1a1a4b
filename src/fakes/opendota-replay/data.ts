// Loads the shipped OpenDota match bodies (json_files/opendota) keyed by match id, as exact source text.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defaultDataDir as valveDataDir } from '../valve-replay/data.js';

/** json_files/opendota beside the Valve captures (works from src/ and from dist/src/). */
export function defaultOpenDotaDataDir(): string {
  return join(dirname(valveDataDir()), 'opendota');
}

function matchIdOf(text: string, file: string): number {
  const body: unknown = JSON.parse(text);
  const id =
    typeof body === 'object' && body !== null ? (body as Record<string, unknown>).match_id : undefined;
  if (typeof id !== 'number' || !Number.isSafeInteger(id))
    throw new Error(`opendota-replay: ${file} has no numeric match_id`);
  return id;
}

/** match id → body text; served byte-for-byte so the client meets exactly what OpenDota sent. */
export async function loadOpenDotaMatches(dir: string): Promise<Map<number, string>> {
  const bodies = new Map<number, string>();
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.json')).sort()) {
    const text = await readFile(join(dir, file), 'utf8');
    const id = matchIdOf(text, file);
    if (bodies.has(id)) throw new Error(`opendota-replay: match ${id} is shipped twice (${file})`);
    bodies.set(id, text);
  }
  return bodies;
}
