// A node:test reporter for scripts/test.mjs: one JSON line at the end of a shard with the run's
// counts (from the closing diagnostics: tests, suites, pass, fail, ...), the time of each file's
// top-level tests (to balance the next run's shards), and the failed tests.
// Plain JavaScript: Node loads reporters itself (Node 20 and later).

const COUNTS = new Set(['tests', 'suites', 'pass', 'fail', 'cancelled', 'skipped', 'todo', 'duration_ms']);

export default async function* shardSummary(source) {
  const counts = {};
  const files = {};
  const failures = [];
  let reported = false;
  for await (const event of source) {
    const data = event.data ?? {};
    if (event.type === 'test:pass' || event.type === 'test:fail') {
      if (data.nesting === 0 && data.file) files[data.file] = (files[data.file] ?? 0) + (data.details?.duration_ms ?? 0);
      if (event.type === 'test:fail' && data.details?.type !== 'suite') {
        const error = data.details?.error;
        failures.push({ file: data.file ?? null, name: data.name, nesting: data.nesting, message: String(error?.cause?.message ?? error?.message ?? error ?? '').split('\n')[0].slice(0, 300) });
      }
    } else if (event.type === 'test:diagnostic' && data.nesting === 0) {
      const match = /^(\w+) ([\d.]+)$/.exec(String(data.message));
      if (match && COUNTS.has(match[1])) counts[match[1]] = Number(match[2]);
      // The last of the closing diagnostics: report now, in case the process never ends by itself.
      if (match?.[1] === 'duration_ms' && !reported) {
        reported = true;
        yield `${JSON.stringify({ counts, files, failures })}\n`;
      }
    }
  }
  if (!reported) yield `${JSON.stringify({ counts, files, failures })}\n`;
}
