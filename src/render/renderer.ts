// The rendering door handlers receive: today a direct call, later a worker-thread pool behind the same shape.
import { renderNetWorthChart, type NetWorthChartInput } from './net-worth.chart.js';

export interface Renderer {
  netWorthChart(input: NetWorthChartInput): Promise<Buffer>;
}

export function createRenderer(): Renderer {
  return { netWorthChart: renderNetWorthChart };
}
