// Slack stand-in: message content rules — text length, Block Kit shape and limits, message metadata.
import { SlackApiError, isRecord, jsonArg, stringArg } from './wire.js';

/** Slack refuses (rather than truncates) chat.postMessage text above this many characters. */
export const MAX_TEXT_CHARS = 40_000;
const MAX_BLOCKS = 50;

/** Block types Slack renders in messages. */
const MESSAGE_BLOCK_TYPES = new Set([
  'section',
  'header',
  'context',
  'divider',
  'image',
  'actions',
  'rich_text',
  'markdown',
  'file',
  'video',
]);

export interface MessageContent {
  text: string | undefined;
  blocks: unknown[] | undefined;
}

export interface MessageMetadata {
  event_type: string;
  event_payload: Record<string, unknown>;
}

/** Collects every problem in the blocks, reported as Slack does: messages ending in a JSON pointer. */
class BlockProblems {
  readonly list: string[] = [];
  add(message: string, pointer: string): void {
    this.list.push(`${message} [json-pointer:${pointer}]`);
  }
}

function checkTextObject(
  value: unknown,
  pointer: string,
  problems: BlockProblems,
  options: { max: number; plainOnly?: boolean },
): void {
  if (!isRecord(value)) {
    problems.add('must provide an object', pointer);
    return;
  }
  const allowed = options.plainOnly ? ['plain_text'] : ['plain_text', 'mrkdwn'];
  if (typeof value.type !== 'string' || !allowed.includes(value.type)) {
    problems.add(`must be one of ${allowed.join(', ')}`, `${pointer}/type`);
  }
  if (typeof value.text !== 'string' || value.text.length === 0) {
    problems.add('must be more than 0 characters', `${pointer}/text`);
  } else if (value.text.length > options.max) {
    problems.add(`must be less than ${options.max + 1} characters`, `${pointer}/text`);
  }
}

function checkElements(
  value: unknown,
  pointer: string,
  problems: BlockProblems,
  range: { min: number; max: number },
): unknown[] {
  if (!Array.isArray(value)) {
    problems.add('must provide an array', pointer);
    return [];
  }
  if (value.length < range.min) problems.add(`must provide at least ${range.min} items`, pointer);
  if (value.length > range.max) problems.add(`must provide at most ${range.max} items`, pointer);
  value.forEach((element: unknown, i) => {
    if (!isRecord(element) || typeof element.type !== 'string') {
      problems.add('must provide an object with a type', `${pointer}/${i}`);
    }
  });
  return value;
}

function checkBlock(block: Record<string, unknown>, pointer: string, problems: BlockProblems): void {
  switch (block.type) {
    case 'section': {
      if (block.text === undefined && block.fields === undefined) {
        problems.add('must provide either text or fields', pointer);
      }
      if (block.text !== undefined) checkTextObject(block.text, `${pointer}/text`, problems, { max: 3000 });
      if (block.fields !== undefined) {
        if (!Array.isArray(block.fields)) problems.add('must provide an array', `${pointer}/fields`);
        else {
          if (block.fields.length > 10) problems.add('must provide at most 10 items', `${pointer}/fields`);
          block.fields.forEach((field: unknown, i) =>
            checkTextObject(field, `${pointer}/fields/${i}`, problems, { max: 2000 }),
          );
        }
      }
      return;
    }
    case 'header':
      checkTextObject(block.text, `${pointer}/text`, problems, { max: 150, plainOnly: true });
      return;
    case 'context': {
      const elements = checkElements(block.elements, `${pointer}/elements`, problems, { min: 1, max: 10 });
      elements.forEach((element: unknown, i) => {
        if (isRecord(element) && element.type !== 'image') {
          checkTextObject(element, `${pointer}/elements/${i}`, problems, { max: 3000 });
        }
      });
      return;
    }
    case 'image': {
      const hasUrl = typeof block.image_url === 'string' && block.image_url.length > 0;
      if (!hasUrl && !isRecord(block.slack_file)) {
        problems.add('must provide either image_url or slack_file', pointer);
      }
      if (hasUrl && (block.image_url as string).length > 3000) {
        problems.add('must be less than 3001 characters', `${pointer}/image_url`);
      }
      if (typeof block.alt_text !== 'string' || block.alt_text.length === 0) {
        problems.add('must be more than 0 characters', `${pointer}/alt_text`);
      } else if (block.alt_text.length > 2000) {
        problems.add('must be less than 2001 characters', `${pointer}/alt_text`);
      }
      if (block.title !== undefined) {
        checkTextObject(block.title, `${pointer}/title`, problems, { max: 2000, plainOnly: true });
      }
      return;
    }
    case 'actions':
      checkElements(block.elements, `${pointer}/elements`, problems, { min: 1, max: 25 });
      return;
    case 'rich_text':
      checkElements(block.elements, `${pointer}/elements`, problems, { min: 0, max: Infinity });
      return;
    case 'markdown':
      if (typeof block.text !== 'string' || block.text.length === 0) {
        problems.add('must be more than 0 characters', `${pointer}/text`);
      } else if (block.text.length > 12_000) {
        problems.add('must be less than 12001 characters', `${pointer}/text`);
      }
      return;
    default:
      return;
  }
}

/**
 * Validates `blocks` the way Slack does before posting: a JSON array (else `invalid_blocks_format`) of at most 50
 * blocks of known types with their per-type limits (else `invalid_blocks`, with `errors` pointing at each problem).
 */
export function parseBlocks(args: Record<string, unknown>, key = 'blocks'): unknown[] | undefined {
  const parsed = jsonArg(args, key);
  if (parsed === undefined) return undefined;
  if (parsed === 'unparseable' || !Array.isArray(parsed.value)) {
    throw new SlackApiError('invalid_blocks_format');
  }
  const blocks = parsed.value as unknown[];
  if (blocks.length === 0) return undefined;
  const problems = new BlockProblems();
  if (blocks.length > MAX_BLOCKS) problems.add(`must provide at most ${MAX_BLOCKS} items`, '');
  const blockIds = new Set<string>();
  blocks.forEach((block: unknown, i) => {
    const pointer = `/blocks/${i}`;
    if (!isRecord(block)) {
      problems.add('must provide an object', pointer);
      return;
    }
    if (typeof block.type !== 'string' || !MESSAGE_BLOCK_TYPES.has(block.type)) {
      problems.add(`unsupported type: ${String(block.type)}`, `${pointer}/type`);
      return;
    }
    if (block.block_id !== undefined) {
      if (typeof block.block_id !== 'string' || block.block_id.length > 255) {
        problems.add('must be a string of at most 255 characters', `${pointer}/block_id`);
      } else if (blockIds.has(block.block_id)) {
        problems.add('must be unique within a message', `${pointer}/block_id`);
      } else blockIds.add(block.block_id);
    }
    checkBlock(block, pointer, problems);
  });
  if (problems.list.length > 0) {
    throw new SlackApiError('invalid_blocks', {
      errors: problems.list,
      response_metadata: { messages: problems.list.map((problem) => `[ERROR] ${problem}`) },
    });
  }
  return blocks;
}

/** `text` and `blocks` of a message; Slack needs one of them (`no_text`) and caps text (`msg_too_long`). */
export function parseMessageContent(
  args: Record<string, unknown>,
  options: { textKey?: string; requireContent: boolean },
): MessageContent {
  const text = stringArg(args, options.textKey ?? 'text');
  if (text !== undefined && text.length > MAX_TEXT_CHARS) throw new SlackApiError('msg_too_long');
  const blocks = parseBlocks(args);
  const attachments = jsonArg(args, 'attachments');
  if (attachments === 'unparseable') throw new SlackApiError('invalid_attachments');
  const hasAttachments = Array.isArray(attachments?.value) && attachments.value.length > 0;
  if (options.requireContent && !text && !blocks && !hasAttachments) throw new SlackApiError('no_text');
  return { text: text === '' ? undefined : text, blocks };
}

/** chat.postMessage `metadata`: `{ event_type, event_payload }`, JSON-encoded in form bodies. */
export function parseMetadata(args: Record<string, unknown>): MessageMetadata | undefined {
  const parsed = jsonArg(args, 'metadata');
  if (parsed === undefined) return undefined;
  if (parsed === 'unparseable') throw new SlackApiError('invalid_metadata_format');
  const value = parsed.value;
  if (
    !isRecord(value) ||
    typeof value.event_type !== 'string' ||
    value.event_type.length === 0 ||
    !isRecord(value.event_payload)
  ) {
    throw new SlackApiError('invalid_metadata_schema');
  }
  return { event_type: value.event_type, event_payload: value.event_payload };
}
