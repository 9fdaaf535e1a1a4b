// The messages between the render pool and its worker threads: jobs in, PNG bytes or a failure out.

/** Memory of the worker as it reports it after each job (`rss` is the whole process's; the rest the worker's). */
export interface WorkerMemory {
  rss: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
}

/** Given to each worker at start (`workerData`). */
export interface RenderWorkerData {
  /** Jobs the worker draws at once; the pool never sends more. */
  concurrency: number;
}

export function readWorkerData(value: unknown): RenderWorkerData {
  const concurrency =
    typeof value === 'object' && value !== null && 'concurrency' in value ? value.concurrency : undefined;
  return { concurrency: typeof concurrency === 'number' && concurrency >= 1 ? concurrency : 1 };
}

/** Pool → worker: draw one chart. `input` is plain data, copied by structured clone. */
export interface RenderRequest {
  type: 'render';
  id: number;
  chart: string;
  input: unknown;
}

/** Worker → pool once fonts are registered and asserted; before this the worker takes no job. */
export interface WorkerReady {
  type: 'ready';
  fontFiles: number;
  fontMs: number;
}

/** Worker → pool: the PNG, its ArrayBuffer transferred rather than copied. */
export interface RenderDone {
  type: 'done';
  id: number;
  png: ArrayBuffer;
  ms: number;
  memory: WorkerMemory;
}

/** An error flattened for postMessage: structured clone keeps neither an AppError's class nor its `code`. */
export interface SerializedError {
  name: string;
  message: string;
  code?: string;
  stack?: string;
}

/** Worker → pool: this job failed (bad input, a chart bug); the worker carries on. */
export interface RenderFailed {
  type: 'failed';
  id: number;
  error: SerializedError;
  memory: WorkerMemory;
}

export type WorkerMessage = WorkerReady | RenderDone | RenderFailed;

export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      name: error.name,
      message: error.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(error.stack ? { stack: error.stack } : {}),
    };
  }
  return { name: 'Error', message: String(error) };
}

/** Rebuilds an Error whose stack is the worker's, so logs point at the chart code that threw. */
export function deserializeError(serialized: SerializedError): Error {
  const error = new Error(serialized.message);
  error.name = serialized.name;
  if (serialized.stack) error.stack = serialized.stack;
  if (serialized.code) Object.assign(error, { code: serialized.code });
  return error;
}

export function isWorkerMessage(value: unknown): value is WorkerMessage {
  if (typeof value !== 'object' || value === null || !('type' in value)) return false;
  return value.type === 'ready' || value.type === 'done' || value.type === 'failed';
}

export function isRenderRequest(value: unknown): value is RenderRequest {
  return (
    typeof value === 'object' &&
    value !== null &&
    'type' in value &&
    value.type === 'render' &&
    'id' in value &&
    typeof value.id === 'number' &&
    'chart' in value &&
    typeof value.chart === 'string'
  );
}
