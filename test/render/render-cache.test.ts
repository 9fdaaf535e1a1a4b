// The PNG cache: one render for concurrent identical requests, eviction by bytes, version and data in the key.
import { describe, expect, it } from 'vitest';
import { RENDERER_VERSION } from '../../src/render/chart-registry.js';
import { createRenderCache } from '../../src/render/render-cache.js';
import { createRenderer } from '../../src/render/renderer.js';
import { SAMPLE_NET_WORTH_INPUT } from './sample-match.js';

/** A render function that counts its calls and finishes only when told to. */
function controlledRender(bytes = 10): {
  render: () => Promise<Buffer>;
  calls: () => number;
  finish: () => void;
  fail: (error: Error) => void;
} {
  let calls = 0;
  const pending: { resolve: (png: Buffer) => void; reject: (error: Error) => void }[] = [];
  return {
    render: () => {
      calls += 1;
      return new Promise<Buffer>((resolve, reject) => pending.push({ resolve, reject }));
    },
    calls: () => calls,
    finish: () => {
      for (const p of pending.splice(0)) p.resolve(Buffer.alloc(bytes, calls));
    },
    fail: (error) => {
      for (const p of pending.splice(0)) p.reject(error);
    },
  };
}

const png = (bytes: number) => () => Promise.resolve(Buffer.alloc(bytes));

describe('render cache', () => {
  it('when two requests for the same key overlap, then one render serves both', async () => {
    const cache = createRenderCache();
    const render = controlledRender();
    const first = cache.get('net-worth', 'match:1', { a: 1 }, render.render);
    const second = cache.get('net-worth', 'match:1', { a: 1 }, render.render);
    render.finish();
    const [a, b] = await Promise.all([first, second]);
    expect(render.calls()).toBe(1);
    expect(a).toBe(b);
    // And a later request is served from memory.
    expect(await cache.get('net-worth', 'match:1', { a: 1 }, render.render)).toBe(a);
    expect(render.calls()).toBe(1);
    expect(cache.stats()).toMatchObject({ entries: 1, misses: 1, joined: 1, hits: 1 });
  });

  it('when a shared render fails, then every waiter sees the error and the next request renders again', async () => {
    const cache = createRenderCache();
    const render = controlledRender();
    const first = cache.get('net-worth', 'match:2', {}, render.render);
    const second = cache.get('net-worth', 'match:2', {}, render.render);
    render.fail(new Error('boom'));
    await expect(first).rejects.toThrow('boom');
    await expect(second).rejects.toThrow('boom');
    const third = cache.get('net-worth', 'match:2', {}, render.render);
    render.finish();
    await third;
    expect(render.calls()).toBe(2);
  });

  it('when the total bytes exceed the budget, then the least recently used PNGs are evicted first', async () => {
    const cache = createRenderCache({ maxBytes: 300 });
    await cache.get('c', 'a', {}, png(100));
    await cache.get('c', 'b', {}, png(100));
    await cache.get('c', 'c', {}, png(100));
    // Touch "a" so "b" becomes the least recently used.
    await cache.get('c', 'a', {}, png(100));
    await cache.get('c', 'd', {}, png(100));
    expect(cache.stats()).toMatchObject({ entries: 3, bytes: 300, evictions: 1 });

    let rendered = 0;
    const counting = () => {
      rendered += 1;
      return Promise.resolve(Buffer.alloc(100));
    };
    await cache.get('c', 'a', {}, counting);
    await cache.get('c', 'c', {}, counting);
    await cache.get('c', 'd', {}, counting);
    expect(rendered).toBe(0);
    await cache.get('c', 'b', {}, counting);
    expect(rendered).toBe(1);
  });

  it('when one PNG is larger than the whole budget, then it is returned but not kept', async () => {
    const cache = createRenderCache({ maxBytes: 50 });
    await cache.get('c', 'small', {}, png(40));
    expect((await cache.get('c', 'big', {}, png(60))).byteLength).toBe(60);
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: 40, evictions: 0 });
  });

  it('when the renderer version changes, then the key changes', () => {
    const current = createRenderCache();
    const next = createRenderCache({ version: RENDERER_VERSION + 1 });
    expect(current.keyFor('net-worth', 'match:1')).toContain(`v${RENDERER_VERSION}`);
    expect(current.keyFor('net-worth', 'match:1')).not.toBe(next.keyFor('net-worth', 'match:1'));
    expect(current.keyFor('net-worth', 'match:1')).not.toBe(current.keyFor('other', 'match:1'));
  });

  it('when the data behind a key changes, then the chart is drawn again and replaces the old PNG', async () => {
    const cache = createRenderCache();
    let rendered = 0;
    const counting = () => {
      rendered += 1;
      return Promise.resolve(Buffer.alloc(10, rendered));
    };
    await cache.get('net-worth', 'match:3', { persona: null }, counting);
    const updated = await cache.get('net-worth', 'match:3', { persona: 'Miracle-' }, counting);
    expect(rendered).toBe(2);
    expect(cache.stats()).toMatchObject({ entries: 1, bytes: 10 });
    expect(await cache.get('net-worth', 'match:3', { persona: 'Miracle-' }, counting)).toBe(updated);
    expect(rendered).toBe(2);
    // Maps are fingerprinted by their entries, not as the {} JSON would make of them.
    await cache.get('c', 'map', { m: new Map([['a', 1]]) }, counting);
    await cache.get('c', 'map', { m: new Map([['a', 2]]) }, counting);
    expect(rendered).toBe(4);
  });

  it('when the renderer is asked twice for the same cacheKey at once, then it draws once and both get the PNG', async () => {
    const cache = createRenderCache();
    const renderer = createRenderer({ cache });
    try {
      const [a, b] = await Promise.all([
        renderer.render('net-worth', SAMPLE_NET_WORTH_INPUT, { cacheKey: 'match:8123456789' }),
        renderer.render('net-worth', SAMPLE_NET_WORTH_INPUT, { cacheKey: 'match:8123456789' }),
      ]);
      expect(a).toBe(b);
      expect(cache.stats()).toMatchObject({ misses: 1, joined: 1, entries: 1 });
      // Without a key nothing is cached.
      await renderer.netWorthChart(SAMPLE_NET_WORTH_INPUT);
      expect(cache.stats().misses).toBe(1);
    } finally {
      await renderer.close();
    }
  });
});
