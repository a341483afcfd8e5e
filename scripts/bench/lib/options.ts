/** The benchmark's command line: `npm run bench -- [flags]`. */

export const FIGURES = ['P1', 'P2', 'P3', 'P4', 'P5'] as const;
export type Figure = (typeof FIGURES)[number];

export interface BenchOptions {
  readonly only: ReadonlySet<Figure>;
  /** Shorter windows and smaller P3 tenants: a smoke run of a minute or two. */
  readonly quick: boolean;
  /** P3 at every size whatever it costs, on PGlite too (may take many minutes). */
  readonly full: boolean;
  /** Milliseconds of each measured throughput window, and of the warm-up before it. */
  readonly measureMs: number;
  readonly warmupMs: number;
  /** Pockets of the P3 tenants, smallest first. */
  readonly p3Sizes: readonly number[];
  /** P3 on PGlite too (at the small size; at every size with --full). */
  readonly p3Pglite: boolean;
  /** Skip a P3 size whose extrapolated cost is over budget (off with --full or --no-p3-budget). */
  readonly p3Budget: boolean;
  /** P1 client counts. */
  readonly clients: readonly number[];
  /** The docs/PERFORMANCE.md section the table goes to; null: do not write. */
  readonly section: string | null;
  /** Print the statements of one transfer and of one GET. */
  readonly verbose: boolean;
}

export const USAGE = `usage: npm run bench -- [flags]

  --only P1,P2,...      run these figures only (default: all of P1..P5)
  --quick               short windows (2 s), P3 at 100 and 1,000 pockets
  --full                P3 at every size whatever it costs, also on PGlite (without it a
                        size whose extrapolated cost passes 4 minutes is skipped, and PGlite
                        runs the smallest size only)
  --seconds N           length of each measured throughput window (default 5)
  --p3-sizes A,B        pockets of the P3 tenants (default 1000,10000)
  --no-p3-budget        P3 at every size whatever it costs (PGlite still at the smallest only)
  --no-p3-pglite        P3 on PostgreSQL only
  --section NAME        write the table into that section of docs/PERFORMANCE.md (default: latest)
  --no-write            print only; leave docs/PERFORMANCE.md alone
  --verbose             print the SQL of one transfer and of one GET
`;

/** Thrown for a flag that does not parse; the benchmark prints USAGE and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

function numbers(flag: string, raw: string | undefined): number[] {
  const values = (raw ?? '').split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((value) => !Number.isInteger(value) || value <= 0)) throw new UsageError(`${flag} takes positive integers separated by commas`);
  return values;
}

export function parseOptions(argv: readonly string[]): BenchOptions {
  let only: Set<Figure> = new Set(FIGURES);
  let quick = false;
  let full = false;
  let seconds: number | undefined;
  let p3Sizes: number[] | undefined;
  let p3Pglite = true;
  let p3Budget = true;
  let section: string | null = 'latest';
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const [name, inline] = flag.includes('=') ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)] : [flag, undefined];
    const value = () => inline ?? argv[++i];
    switch (name) {
      case '--only': {
        const wanted = (value() ?? '').split(',').map((part) => part.trim().toUpperCase()).filter((part) => part.length > 0);
        const unknown = wanted.filter((part) => !(FIGURES as readonly string[]).includes(part));
        if (wanted.length === 0 || unknown.length > 0) throw new UsageError(`--only takes figures among ${FIGURES.join(',')}`);
        only = new Set(wanted as Figure[]);
        break;
      }
      case '--quick':
        quick = true;
        break;
      case '--full':
        full = true;
        break;
      case '--seconds':
        seconds = numbers('--seconds', value())[0];
        break;
      case '--p3-sizes':
        p3Sizes = numbers('--p3-sizes', value()).sort((x, y) => x - y);
        break;
      case '--no-p3-budget':
        p3Budget = false;
        break;
      case '--no-p3-pglite':
        p3Pglite = false;
        break;
      case '--section': {
        const raw = value() ?? '';
        if (!/^[a-z0-9-]+$/.test(raw)) throw new UsageError('--section takes a name of lowercase letters, digits and dashes');
        section = raw;
        break;
      }
      case '--no-write':
        section = null;
        break;
      case '--verbose':
        verbose = true;
        break;
      case '--help':
      case '-h':
        throw new UsageError('');
      default:
        throw new UsageError(`unknown flag ${flag}`);
    }
  }
  const measureMs = (seconds ?? (quick ? 2 : 5)) * 1000;
  return {
    only,
    quick,
    full,
    measureMs,
    warmupMs: Math.min(1000, Math.round(measureMs / 4)),
    p3Sizes: p3Sizes ?? (quick ? [100, 1000] : [1000, 10000]),
    p3Pglite,
    p3Budget: p3Budget && !full,
    clients: [1, 4, 8, 16],
    section,
    verbose,
  };
}

/** Progress lines go to stderr, the result table to stdout. */
export type Log = (line: string) => void;
