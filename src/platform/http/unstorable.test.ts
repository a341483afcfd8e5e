import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unstorableText } from './unstorable.ts';

const walk = (text: string) => unstorableText(JSON.parse(text), text);

test('unstorableText names the first string or key holding U+0000 or an unpaired surrogate, however deep', () => {
  assert.equal(walk('{"a":"b","c":[1,"d"],"e":"\\ud83e\\udd84"}'), undefined);
  assert.deepEqual(walk('{"a":"b","c":[1,"x\\u0000y"]}'), { path: ['c', 1], msg: 'String should not contain the NUL character (U+0000)', type: 'string_nul' });
  assert.deepEqual(walk('{"a":{"k\\u0000":1}}')?.path, ['a', 'k\u0000']);
  assert.deepEqual(walk('"\\u0000"')?.path, []);
  assert.deepEqual(walk('{"name":"x\\ud800"}'), { path: ['name'], msg: 'String should be valid Unicode (it holds an unpaired surrogate)', type: 'string_unicode' });
  assert.equal(walk('{"name":"\\uDFFF"}')?.type, 'string_unicode');
  // An escaped backslash before "u0000" is no NUL.
  assert.equal(walk('{"a":"\\\\u0000"}'), undefined);
  const depth = 10_000;
  assert.equal(walk(`${'{"a":'.repeat(depth)}"\\u0000"${'}'.repeat(depth)}`)?.path.length, depth);
});
