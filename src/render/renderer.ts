// The rendering door handlers receive: any registered chart by name, drawn on a worker pool or in-thread, cached.
import { AppError, isAppError } from '../errors.js';
import { renderDuration } from '../observability/metrics.js';
import { renderChart, type ChartInput, type ChartName } from './chart-registry.js';
import type { NetWorthChartInput } from './net-worth.chart.js';
import { createRenderPool, type RenderPool, type RenderPoolOptions } from './pool/render-pool.js';
import { createRenderCache, type RenderCache, type RenderCacheOptions } from './render-cache.js';

export interface RenderOptions {
  /**
   * Names what the chart shows (e.g. `match:8591933650`) so identical requests share one PNG: drawn once,
   * then served from memory to every channel. Leave it out for one-off charts.
   */
  cacheKey?: string;
}

export interface Renderer {
  /** Draws a registered chart and returns its PNG; failures are AppErrors with a `render_*` code. */
  render<N extends ChartName>(chart: N, input: ChartInput<N>, options?: RenderOptions): Promise<Buffer>;
  /** Same as `render('net-worth', input)`. */
  netWorthChart(input: NetWorthChartInput, options?: RenderOptions): Promise<Buffer>;
  /** Stops the worker pool, if any; renders after this fail with `render_pool_closed`. */
  close(): Promise<void>;
}

export interface RendererOptions {
  /**
   * Draw on worker threads (`true` or pool options) so the event loop stays free; default false draws in
   * the calling thread, which suits tests and one-shot CLI commands. The pool's workers start lazily.
   */
  pool?: boolean | RenderPoolOptions;
  /** PNG cache for renders given a `cacheKey`: options, a shared cache, or `false`. Default 64 MiB. */
  cache?: boolean | RenderCacheOptions | RenderCache;
}

function isRenderCache(value: RendererOptions['cache']): value is RenderCache {
  return typeof value === 'object' && 'get' in value;
}

function resolveCache(option: RendererOptions['cache']): RenderCache | undefined {
  if (option === false) return undefined;
  if (option === undefined || option === true) return createRenderCache();
  return isRenderCache(option) ? option : createRenderCache(option);
}

// The pool already wraps worker failures; in-thread ones get the same code so callers see one error shape.
async function renderInThread<N extends ChartName>(chart: N, input: ChartInput<N>): Promise<Buffer> {
  try {
    return await renderChart(chart, input);
  } catch (cause) {
    if (isAppError(cause)) throw cause;
    const message = cause instanceof Error ? cause.message : String(cause);
    throw new AppError('render_failed', `chart "${chart}" failed: ${message}`, {
      kind: 'transient',
      cause,
      userMessage: 'The chart could not be drawn right now. Please try again shortly.',
    });
  }
}

export function createRenderer(options: RendererOptions = {}): Renderer {
  const pool: RenderPool | undefined = options.pool
    ? createRenderPool(options.pool === true ? {} : options.pool)
    : undefined;
  const cache = resolveCache(options.cache);
  const draw = async <N extends ChartName>(chart: N, input: ChartInput<N>): Promise<Buffer> => {
    const stopTimer = renderDuration.startTimer({ chart });
    try {
      return await (pool ? pool.render(chart, input) : renderInThread(chart, input));
    } finally {
      stopTimer();
    }
  };

  const render = <N extends ChartName>(
    chart: N,
    input: ChartInput<N>,
    renderOptions: RenderOptions = {},
  ): Promise<Buffer> => {
    const { cacheKey } = renderOptions;
    if (cacheKey === undefined || !cache) return draw(chart, input);
    return cache.get(chart, cacheKey, input, () => draw(chart, input));
  };

  return {
    render,
    netWorthChart: (input, renderOptions) => render('net-worth', input, renderOptions),
    close: async () => {
      await pool?.close();
    },
  };
}
