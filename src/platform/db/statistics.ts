import type { Db, Queryable } from './db.ts';
import { runPeriodically } from '../periodic.ts';

/**
 * Rows changed since a table's last ANALYZE before it is analyzed again, plus ANALYZE_SCALE_FACTOR
 * of its rows: PostgreSQL's own defaults for its autovacuum daemon (`autovacuum_analyze_threshold`
 * 50 and `autovacuum_analyze_scale_factor` 0.1, PostgreSQL documentation, "Routine Vacuuming",
 * section "The Autovacuum Daemon").
 */
export const ANALYZE_THRESHOLD_ROWS = 50;
export const ANALYZE_SCALE_FACTOR = 0.1;

/**
 * The tables of `schema` (default: the current schema, where the migrations put pocketbook's
 * tables) whose planner statistics are out of date by autovacuum's rule: more than
 * ANALYZE_THRESHOLD_ROWS + ANALYZE_SCALE_FACTOR x rows changed since they were last analyzed
 * (never analyzed counts as zero rows). Most changed first.
 * @returns table names, unquoted.
 */
export async function staleTables(q: Queryable, schema?: string): Promise<string[]> {
  const rows = await q.query<{ relname: string }>(
    `SELECT s.relname
       FROM pg_stat_user_tables s JOIN pg_class c ON c.oid = s.relid
      WHERE s.schemaname = coalesce($3::text, current_schema())
        AND s.n_mod_since_analyze > $1::integer + $2::float8 * greatest(c.reltuples, 0)
      ORDER BY s.n_mod_since_analyze DESC, s.relname`,
    [ANALYZE_THRESHOLD_ROWS, ANALYZE_SCALE_FACTOR, schema ?? null],
  );
  return rows.map((row) => row.relname);
}

/**
 * ANALYZEs every table `staleTables` names, one statement each (ANALYZE does not block reads or
 * writes of the table; it waits for another ANALYZE or VACUUM of the same table).
 * @returns the tables analyzed.
 */
export async function analyzeStaleTables(db: Queryable, schema?: string): Promise<string[]> {
  const tables = await staleTables(db, schema);
  const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;
  for (const table of tables) await db.query(`ANALYZE ${schema === undefined ? '' : `${quote(schema)}.`}${quote(table)}`);
  return tables;
}

/**
 * True when the database keeps its statistics itself: a PostgreSQL server whose autovacuum
 * daemon runs (`autovacuum` and `track_counts` on). The embedded database runs in single-user
 * mode, where no daemon runs whatever the setting says.
 */
export async function autovacuumRuns(db: Db): Promise<boolean> {
  if (db.kind === 'pglite') return false;
  const [row] = await db.query<{ runs: boolean }>(`SELECT current_setting('autovacuum') = 'on' AND current_setting('track_counts') = 'on' AS runs`);
  return row?.runs === true;
}

export interface StatisticsKeeper {
  /** Stops the loop; resolves once a pass under way has ended. */
  stop(): Promise<void>;
}

/**
 * Keeps the planner's statistics current where no autovacuum daemon does (the embedded database,
 * a server with autovacuum off): every `intervalMs`, ANALYZE the tables autovacuum's rule would.
 *
 * Why it matters: a statement's plan is chosen from the statistics of its tables, and a prepared
 * statement or a foreign-key check keeps its plan for the life of its connection until an ANALYZE
 * of one of its tables invalidates it. Planned while the tables were nearly empty, the lookups of
 * a money movement (idempotency keys, foreign keys to transfers and entries, lots) scanned every
 * row of the tenant, and each transfer cost more than the one before.
 *
 * Does nothing when `intervalMs` is 0 or autovacuum runs. A failed pass (the server restarting,
 * say) is reported to `onError`, once per outage (runPeriodically), and the next pass tries again.
 * `schema` is the schema whose tables it keeps (default: the current one).
 */
export function startStatisticsKeeper(db: Db, options: { intervalMs: number; onError: (error: unknown) => void; schema?: string }): StatisticsKeeper {
  if (options.intervalMs <= 0) return { stop: async () => undefined };
  let daemonKeepsThem: boolean | undefined;
  return runPeriodically(
    async () => {
      daemonKeepsThem ??= await autovacuumRuns(db);
      // In a transaction of its own: on PostgreSQL a connection of its own, not the read lane that
      // answers requests' reads (postgres.ts readLanes), which an ANALYZE would hold up.
      if (!daemonKeepsThem) await db.tx((tx) => analyzeStaleTables(tx, options.schema));
    },
    { intervalMs: options.intervalMs, firstAfterMs: options.intervalMs, onError: options.onError },
  );
}
