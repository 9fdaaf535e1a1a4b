// Rendered PNGs kept in memory by (chart, caller's key, renderer version): a recap sent to 500 channels is drawn once.
import { createHash } from 'node:crypto';
import { RENDERER_VERSION } from './chart-registry.js';

export const DEFAULT_RENDER_CACHE_BYTES = 64 * 1024 * 1024;

export interface RenderCacheOptions {
  /** Total PNG bytes kept; the least recently used PNGs go first. Default 64 MiB (~600 recap charts). */
  maxBytes?: number;
  /** Part of every key; default {@link RENDERER_VERSION}. */
  version?: number;
}

export interface RenderCacheStats {
  entries: number;
  bytes: number;
  hits: number;
  misses: number;
  /** Requests that waited for an identical render already in flight instead of starting their own. */
  joined: number;
  evictions: number;
}

export interface RenderCache {
  /**
   * The PNG for `(chart, key)`: from memory, from an identical render in flight, or from `render()`.
   * `input` is fingerprinted too, so a key whose data changed (a persona filled in later) is drawn again
   * instead of served stale. The returned Buffer is shared between callers: never write into it.
   */
  get(chart: string, key: string, input: unknown, render: () => Promise<Buffer>): Promise<Buffer>;
  /** The key under which `(chart, key)` is stored, with the renderer version. */
  keyFor(chart: string, key: string): string;
  stats(): RenderCacheStats;
  clear(): void;
}

interface Entry {
  fingerprint: string;
  png: Buffer;
}

// JSON would write a Map or Set as {} (two different inputs, one fingerprint) and throw on a BigInt.
function jsonValue(_key: string, value: unknown): unknown {
  if (value instanceof Map) return { $map: [...value.entries()] };
  if (value instanceof Set) return { $set: [...value.values()] };
  if (typeof value === 'bigint') return { $bigint: value.toString() };
  return value;
}

/** Hash of the chart input; JSON is exact for plain data, and ~1 KB of input hashes in microseconds. */
export function fingerprint(input: unknown): string {
  return createHash('sha1')
    .update(JSON.stringify(input, jsonValue) ?? 'undefined')
    .digest('base64url');
}

export function createRenderCache(options: RenderCacheOptions = {}): RenderCache {
  const maxBytes = options.maxBytes ?? DEFAULT_RENDER_CACHE_BYTES;
  const version = options.version ?? RENDERER_VERSION;
  // A Map iterates in insertion order: re-inserting on every hit keeps the least recently used first.
  const entries = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Buffer>>();
  let bytes = 0;
  const counts = { hits: 0, misses: 0, joined: 0, evictions: 0 };

  const keyFor = (chart: string, key: string): string => `v${version}\u0000${chart}\u0000${key}`;

  function remove(key: string): void {
    const entry = entries.get(key);
    if (!entry) return;
    entries.delete(key);
    bytes -= entry.png.byteLength;
  }

  function store(key: string, entry: Entry): void {
    remove(key);
    // A PNG bigger than the whole budget would evict everything and then itself: not kept.
    if (entry.png.byteLength > maxBytes) return;
    entries.set(key, entry);
    bytes += entry.png.byteLength;
    for (const [oldest] of entries) {
      if (bytes <= maxBytes) break;
      remove(oldest);
      counts.evictions += 1;
    }
  }

  return {
    keyFor,

    get(chart, key, input, render) {
      const cacheKey = keyFor(chart, key);
      const print = fingerprint(input);
      const entry = entries.get(cacheKey);
      if (entry?.fingerprint === print) {
        counts.hits += 1;
        entries.delete(cacheKey);
        entries.set(cacheKey, entry);
        return Promise.resolve(entry.png);
      }
      const flightKey = `${cacheKey}\u0000${print}`;
      const running = inFlight.get(flightKey);
      if (running) {
        counts.joined += 1;
        return running;
      }
      counts.misses += 1;
      const flight = (async () => {
        try {
          const png = await render();
          store(cacheKey, { fingerprint: print, png });
          return png;
        } finally {
          // A failed render is not remembered: the next request tries again.
          inFlight.delete(flightKey);
        }
      })();
      inFlight.set(flightKey, flight);
      return flight;
    },

    stats: () => ({ entries: entries.size, bytes, ...counts }),

    clear() {
      entries.clear();
      bytes = 0;
    },
  };
}
