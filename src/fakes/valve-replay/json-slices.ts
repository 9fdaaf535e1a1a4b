// Exact source-text slices of nested JSON objects, so replayed bodies never re-encode 64-bit integers.

type Frame = { kind: 'object' | 'array'; path: string[] | null; key: string; index: number; start: number };

/**
 * Exact source text of every object value whose path (object keys / array indexes from the root) satisfies
 * `wanted`. One pass that tracks strings, keys and nesting; only the first `maxDepth` path levels are tracked.
 */
export function objectSlices(
  text: string,
  wanted: (path: readonly string[]) => boolean,
  maxDepth = 4,
): string[] {
  const slices: string[] = [];
  const stack: Frame[] = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      const begin = i + 1;
      for (i = begin; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
      const top = stack[stack.length - 1];
      if (top?.kind === 'object' && expectKey) top.key = text.slice(begin, i);
      continue;
    }
    const top = stack[stack.length - 1];
    if (ch === '{' || ch === '[') {
      let path: string[] | null = [];
      if (top) {
        path =
          top.path && top.path.length < maxDepth
            ? [...top.path, top.kind === 'object' ? top.key : String(top.index)]
            : null;
      }
      const capture = ch === '{' && path !== null && wanted(path);
      stack.push({ kind: ch === '{' ? 'object' : 'array', path, key: '', index: 0, start: capture ? i : -1 });
      expectKey = ch === '{';
    } else if (ch === '}' || ch === ']') {
      const frame = stack.pop();
      if (frame && frame.start >= 0) slices.push(text.slice(frame.start, i + 1));
      expectKey = false;
    } else if (ch === ',') {
      if (top?.kind === 'array') top.index++;
      else expectKey = true;
    } else if (ch === ':') {
      expectKey = false;
    }
  }
  return slices;
}
