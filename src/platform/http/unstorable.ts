/**
 * Text that cannot be stored. PostgreSQL's `text` and `jsonb` cannot hold the NUL character
 * U+0000 (PostgreSQL documentation, "Character Types"), and `jsonb` refuses an unpaired UTF-16
 * surrogate (`"\ud800"`, no Unicode scalar value; RFC 8259 section 8.2 leaves such strings'
 * meaning unpredictable). A request body that carries either anywhere, in a value or an object
 * key, is refused as it is parsed, before it can reach a statement and fail there.
 */

/** What is wrong with a string of a body, and where it is. */
export interface UnstorableText {
  readonly path: (string | number)[];
  readonly msg: string;
  readonly type: 'string_nul' | 'string_unicode';
}

interface Node {
  readonly value: unknown;
  readonly parent: Node | undefined;
  readonly key: string | number | undefined;
}

/** The JSON escapes a body needs to carry either character (its text is UTF-8, so neither can come raw). */
const ESCAPES = /\\u(0000|[dD][89a-fA-F])/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

function problemOf(text: string): Pick<UnstorableText, 'msg' | 'type'> | undefined {
  if (text.includes('\u0000')) return { msg: 'String should not contain the NUL character (U+0000)', type: 'string_nul' };
  if (LONE_SURROGATE.test(text)) return { msg: 'String should be valid Unicode (it holds an unpaired surrogate)', type: 'string_unicode' };
  return undefined;
}

function pathOf(node: Node, last?: string): (string | number)[] {
  const path: (string | number)[] = last === undefined ? [] : [last];
  for (let at: Node | undefined = node; at?.key !== undefined; at = at.parent) path.unshift(at.key);
  return path;
}

/**
 * The first string of a parsed JSON body (a value, or an object key) that holds U+0000 or an
 * unpaired surrogate, or undefined when none does. `rawText` is the body as received: without the
 * escapes that carry them (`\u0000`, `\ud800`...), the walk is skipped. Iterative, so that a
 * deeply nested body cannot exhaust the stack.
 */
export function unstorableText(value: unknown, rawText: string): UnstorableText | undefined {
  if (!ESCAPES.test(rawText)) return undefined;
  const stack: Node[] = [{ value, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const current = node.value;
    if (typeof current === 'string') {
      const problem = problemOf(current);
      if (problem) return { path: pathOf(node), ...problem };
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], parent: node, key: i });
    } else if (current !== null && typeof current === 'object') {
      const entries = Object.entries(current);
      for (const [key] of entries) {
        const problem = problemOf(key);
        if (problem) return { path: pathOf(node, key), ...problem };
      }
      for (let i = entries.length - 1; i >= 0; i--) stack.push({ value: entries[i]![1], parent: node, key: entries[i]![0] });
    }
  }
  return undefined;
}
