/**
 * Keyset pages over (created_at, id), oldest first: the SQL pieces every repo's cursor list
 * shares. A page asks for `limit + 1` rows in its direction (the extra row says whether another
 * page follows; `cursorList` in platform/http turns a backward page around).
 */

/** A page request as the repos take it: the cursor's key (created_at ISO text, id), its direction, the size. */
export interface KeysetPage {
  readonly after: readonly (string | number)[] | undefined;
  readonly backward: boolean;
  readonly limit: number;
}

/**
 * The condition that starts `page` after its cursor (undefined on a first page) and the
 * `ORDER BY ... LIMIT $n` that ends the query; the values are appended to `params` in that order.
 * @param table the alias to qualify the columns with, e.g. 'c' for `c.created_at`; none by default.
 */
export function createdAtPage(params: unknown[], page: KeysetPage, table = ''): { after: string | undefined; orderLimit: string } {
  const column = (name: string) => (table ? `${table}.${name}` : name);
  let after: string | undefined;
  if (page.after) {
    params.push(String(page.after[0]), String(page.after[1]));
    after = `(${column('created_at')}, ${column('id')}) ${page.backward ? '<' : '>'} ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
  }
  params.push(page.limit + 1);
  const order = page.backward ? 'DESC' : 'ASC';
  return { after, orderLimit: `ORDER BY ${column('created_at')} ${order}, ${column('id')} ${order} LIMIT $${params.length}` };
}
