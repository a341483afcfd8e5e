/**
 * Deferred set-based writes sent as one (concat.ts): deferrals of one statement that declares its
 * rows, with equal other parameters, travel at the first one's place with every deferral's rows.
 * Gathered reads likewise: one statement over the union of their keys.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatWrites, shareReads } from './concat.ts';

const INSERT = 'INSERT INTO t SELECT $1::uuid, x.id FROM jsonb_to_recordset($2::jsonb) AS x(id uuid) WHERE x.id = ANY($3::uuid[])';
const OTHER = 'UPDATE u SET n = n + 1 WHERE id = $1';

test('deferrals of one statement with rows travel as one, at the first place, rows in order', () => {
  const sent = concatWrites([
    { sql: INSERT, params: ['p', '[{"id":"a"}]', ['a']], rows: [1, 2] },
    { sql: OTHER, params: ['x'] },
    { sql: INSERT, params: ['p', '[]', []], rows: [1, 2] },
    { sql: OTHER, params: ['y'] },
    { sql: INSERT, params: ['p', '[{"id":"b"},{"id":"c"}]', ['b', 'c']], rows: [1, 2] },
  ]);
  assert.deepEqual(sent, [
    { sql: INSERT, params: ['p', '[{"id":"a"},{"id":"b"},{"id":"c"}]', ['a', 'b', 'c']], rows: [1, 2] },
    { sql: OTHER, params: ['x'] },
    { sql: OTHER, params: ['y'] },
  ]);
  assert.deepEqual(JSON.parse(sent[0]!.params[1] as string), [{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
});

test('other parameters that differ, or no declared rows, keep deferrals apart', () => {
  const apart = [
    { sql: INSERT, params: ['p', '[{"id":"a"}]', ['a']], rows: [1, 2] },
    { sql: INSERT, params: ['q', '[{"id":"b"}]', ['b']], rows: [1, 2] },
    { sql: OTHER, params: ['x'] },
    { sql: OTHER, params: ['x'] },
  ];
  assert.deepEqual(concatWrites(apart), apart);
  assert.deepEqual(concatWrites([apart[0]!]), [apart[0]]);
});

test('a rows parameter that is neither JSON array text nor an array is refused', () => {
  assert.throws(() =>
    concatWrites([
      { sql: INSERT, params: ['p', 1, ['a']], rows: [1] },
      { sql: INSERT, params: ['p', 2, ['a']], rows: [1] },
    ]),
  );
});

test('gathered reads with equal other parameters share one statement over the union of their keys', () => {
  const LOCK = 'SELECT * FROM pockets WHERE partner_id = $1 AND id = ANY($2::uuid[]) ORDER BY id FOR UPDATE';
  const READ = 'SELECT $1, $2, $3';
  const shared = shareReads([
    { sql: LOCK, params: ['p', ['a', 'b']], keys: [1] },
    { sql: READ, params: ['p', ['a', 'b'], ['a']], keys: [1, 2] },
    { sql: LOCK, params: ['p', ['c', 'a']], keys: [1] },
    { sql: LOCK, params: ['q', ['d']], keys: [1] },
    { sql: READ, params: ['p', ['c', 'a'], ['c']], keys: [1, 2] },
  ]);
  assert.deepEqual(shared, [
    { sql: LOCK, params: ['p', ['a', 'b', 'c']], serves: [0, 2] },
    { sql: READ, params: ['p', ['a', 'b', 'c'], ['a', 'c']], serves: [1, 4] },
    { sql: LOCK, params: ['q', ['d']], serves: [3] },
  ]);
  assert.throws(() => shareReads([{ sql: LOCK, params: ['p', 'a'], keys: [1] }]), /must be an array/);
});
