/**
 * P1's load generator, run as its own process so that it does not share the server's event loop:
 * N clients, each on its own keep-alive connection and its own pair of pockets, send signed
 * on-us transfers (a fresh idempotency key each) back to back, alternating direction.
 *
 * usage: node --import tsx scripts/bench/loadgen.ts '<json LoadSpec>'
 * Prints one line of JSON (LoadResult) and exits 0; exits 1 when it cannot run.
 */
import { performance } from 'node:perf_hooks';
import { httpTransport, signedHeaders } from './lib/jiko.ts';
import { ON_US_PATH, reallocationBody } from './lib/seed.ts';

export interface LoadSpec {
  readonly baseUrl: string;
  readonly token: string;
  readonly sharedSecret: string;
  /** One pair of pockets per client. */
  readonly pairs: readonly { readonly a: string; readonly b: string }[];
  readonly warmupMs: number;
  readonly measureMs: number;
  readonly amountCents: number;
}

export interface LoadResult {
  /** Transfers answered 201 inside the measured window. */
  readonly ok: number;
  /** Other answers or failed requests inside the window. */
  readonly failed: number;
  readonly perSecond: number;
  readonly latencyMsMedian: number | null;
  readonly firstFailure: string | null;
}

async function main(): Promise<void> {
  const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec;
  const transport = httpTransport(spec.baseUrl, spec.pairs.length);
  const started = performance.now();
  const measureFrom = started + spec.warmupMs;
  const measureTo = measureFrom + spec.measureMs;
  let ok = 0;
  let failed = 0;
  let firstFailure: string | null = null;
  const latencies: number[] = [];

  const client = async (pair: { a: string; b: string }) => {
    for (let n = 0; performance.now() < measureTo; n++) {
      const [from, to] = n % 2 === 0 ? [pair.a, pair.b] : [pair.b, pair.a];
      const body = JSON.stringify(reallocationBody(from, to, spec.amountCents));
      const headers = { ...signedHeaders(spec.token, spec.sharedSecret, ON_US_PATH, body), 'content-type': 'application/json' };
      const sent = performance.now();
      let good = false;
      let failure = '';
      try {
        const response = await transport.request('POST', ON_US_PATH, body, headers);
        good = response.status === 201 && response.body.includes('"COMPLETED"');
        if (!good) failure = `${response.status} ${response.body.slice(0, 300)}`;
      } catch (error) {
        failure = error instanceof Error ? error.message : String(error);
      }
      const done = performance.now();
      if (done < measureFrom || done > measureTo) continue;
      if (good) {
        ok += 1;
        latencies.push(done - sent);
      } else {
        failed += 1;
        firstFailure ??= failure;
      }
    }
  };
  await Promise.all(spec.pairs.map(client));
  transport.close();
  latencies.sort((x, y) => x - y);
  const result: LoadResult = {
    ok,
    failed,
    perSecond: ok / (spec.measureMs / 1000),
    latencyMsMedian: latencies.length > 0 ? (latencies[Math.floor(latencies.length / 2)] as number) : null,
    firstFailure,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`loadgen: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
