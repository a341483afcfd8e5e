import { PAGE_SIZE_DEFAULT, PAGE_SIZE_MAX } from '../limits.ts';
import { invalid } from './errors.ts';

/**
 * Keyset pagination behind Jiko's `CursorList` ({prev_page, next_page, items, object_type}).
 * A cursor is opaque to clients: base64url of JSON `{k: <sort key of the boundary row>, r: true|undefined}`
 * where `r` marks a backward page. Repos page on a unique, totally ordered key (e.g. [created_at, id]).
 */

export type SortKey = (string | number)[];

export interface PageRequest {
  /** Boundary key: rows strictly after it in the requested direction. */
  readonly after: SortKey | undefined;
  /** True when walking back toward the start (the client followed `prev_page`). */
  readonly backward: boolean;
  /** Page size asked for; repos fetch `limit + 1` rows to know whether more exist. */
  readonly limit: number;
}

export interface CursorList<T> {
  prev_page: string | null;
  next_page: string | null;
  items: T[];
  object_type: 'CursorList';
}

export function encodeCursor(key: SortKey, backward: boolean): string {
  return Buffer.from(JSON.stringify(backward ? { k: key, r: 1 } : { k: key })).toString('base64url');
}

/**
 * Reads `cursor` and `limit` query parameters.
 * @throws DomainError (422) for a cursor that was not made by us or a limit outside 1..100.
 */
export function pageRequest(query: { cursor?: string | undefined; limit?: number | undefined }, limitMax = PAGE_SIZE_MAX): PageRequest {
  const limit = query.limit ?? PAGE_SIZE_DEFAULT;
  if (!Number.isInteger(limit) || limit < 1 || limit > limitMax) {
    throw invalid(['query', 'limit'], `limit must be between 1 and ${limitMax}`, 'less_than_equal');
  }
  if (!query.cursor) return { after: undefined, backward: false, limit };
  try {
    const parsed = JSON.parse(Buffer.from(query.cursor, 'base64url').toString('utf8')) as { k?: unknown; r?: unknown };
    if (!Array.isArray(parsed.k)) throw new Error('no key');
    return { after: parsed.k as SortKey, backward: parsed.r === 1, limit };
  } catch {
    throw invalid(['query', 'cursor'], 'cursor is not valid', 'value_error');
  }
}

/**
 * Builds the CursorList from rows fetched in the page's direction (`limit + 1` of them at most).
 * `keyOf` gives a row's sort key. Items are returned in the list's natural order.
 */
export function cursorList<Row, Item>(
  page: PageRequest,
  rows: Row[],
  keyOf: (row: Row) => SortKey,
  toItem: (row: Row) => Item,
): CursorList<Item> {
  const hasMore = rows.length > page.limit;
  const slice = rows.slice(0, page.limit);
  if (page.backward) slice.reverse();
  const first = slice[0];
  const last = slice[slice.length - 1];
  // Going forward, a next page exists when we fetched more; a previous one when we came from a cursor.
  const moreForward = page.backward ? page.after !== undefined : hasMore;
  const moreBackward = page.backward ? hasMore : page.after !== undefined;
  return {
    prev_page: moreBackward && first ? encodeCursor(keyOf(first), true) : null,
    next_page: moreForward && last ? encodeCursor(keyOf(last), false) : null,
    items: slice.map(toItem),
    object_type: 'CursorList',
  };
}
