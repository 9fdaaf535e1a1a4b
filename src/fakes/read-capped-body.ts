// Stand-ins read request bodies whole but bounded, draining the rest so the client still gets an answer.
import type { IncomingMessage } from 'node:http';

/** Reads the whole body; undefined once it passes `maxBytes` (the rest is drained so the client sees an answer). */
export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size <= maxBytes) chunks.push(buffer);
  }
  return size > maxBytes ? undefined : Buffer.concat(chunks);
}
