import type { PageRequest } from '../../../platform/http/index.ts';
import type { Queryable, Tx } from '../../../platform/db/index.ts';
import type { Wire, WireDirection, WireStatus } from './wire.domain.ts';

/** SQL of wires (`wires`). Writers take the caller's transaction. */

interface WireRow {
  id: string;
  partner_id: string;
  wire_id: string;
  direction: WireDirection;
  status: WireStatus;
  pocket_id: string;
  customer_id: string | null;
  counterparty_id: string | null;
  amount_cents: bigint;
  fee_cents: bigint;
  description: string | null;
  created_by: string | null;
  uetr: string;
  settlement_date: string;
  hold_entry_id: string | null;
  return_reason: string | null;
  created_at: Date;
  sent_at: Date | null;
  completed_at: Date | null;
}

const COLUMNS = `id, partner_id, wire_id, direction, status, pocket_id, customer_id, counterparty_id, amount_cents, fee_cents,
  description, created_by, uetr, settlement_date::text AS settlement_date, hold_entry_id, return_reason, created_at, sent_at, completed_at`;

function toWire(row: WireRow): Wire {
  return {
    id: row.id, partnerId: row.partner_id, wireId: row.wire_id, direction: row.direction, status: row.status, pocketId: row.pocket_id,
    customerId: row.customer_id, counterpartyId: row.counterparty_id, amountCents: BigInt(row.amount_cents), feeCents: BigInt(row.fee_cents),
    description: row.description, createdBy: row.created_by, uetr: row.uetr, settlementDate: row.settlement_date, holdEntryId: row.hold_entry_id,
    returnReason: row.return_reason, createdAt: row.created_at, sentAt: row.sent_at, completedAt: row.completed_at,
  };
}

/** The tenant's wire with this id or this client wire_id, or undefined. */
export async function findWire(q: Queryable, partnerId: string, idOrWireId: string): Promise<Wire | undefined> {
  const rows = await q.query<WireRow>(
    `SELECT ${COLUMNS} FROM wires WHERE partner_id = $1 AND (id = $2 OR wire_id = $2) ORDER BY (id = $2) DESC LIMIT 1`,
    [partnerId, idOrWireId],
  );
  return rows[0] ? toWire(rows[0]) : undefined;
}

/** The pacs.008 document of the tenant's wire (id or wire_id) once sent, or undefined. */
export async function findPacs008(q: Queryable, partnerId: string, idOrWireId: string): Promise<string | undefined> {
  const rows = await q.query<{ pacs008: string | null }>(
    `SELECT pacs008 FROM wires WHERE partner_id = $1 AND (id = $2 OR wire_id = $2) AND status IN ('PROCESSING', 'COMPLETED')
      ORDER BY (id = $2) DESC LIMIT 1`,
    [partnerId, idOrWireId],
  );
  return rows[0]?.pacs008 ?? undefined;
}

/**
 * Records a wire with its message; does nothing when the tenant already has one with this
 * `wireId` (idempotency, backed by the unique index).
 * @returns true when inserted.
 */
export async function insertWire(tx: Tx, w: Wire, pacs008: string | null): Promise<boolean> {
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO wires (id, partner_id, wire_id, direction, status, pocket_id, customer_id, counterparty_id, amount_cents, fee_cents,
       description, created_by, uetr, settlement_date, hold_entry_id, pacs008, created_at, sent_at, completed_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)
     ON CONFLICT (partner_id, wire_id) DO NOTHING RETURNING id`,
    [w.id, w.partnerId, w.wireId, w.direction, w.status, w.pocketId, w.customerId, w.counterpartyId, w.amountCents, w.feeCents,
      w.description, w.createdBy, w.uetr, w.settlementDate, w.holdEntryId, pacs008, w.createdAt, w.sentAt, w.completedAt],
  );
  return rows.length === 1;
}

/** The tenant's outgoing wires in `status` due on or before `date`, locked, oldest first (at most `limit`). */
export async function lockDueWires(tx: Tx, partnerId: string, date: string, limit: number, status: 'PENDING' | 'PROCESSING' = 'PENDING'): Promise<Wire[]> {
  const rows = await tx.query<WireRow>(
    `SELECT ${COLUMNS} FROM wires WHERE partner_id = $1 AND status = $4 AND direction = 'OUTGOING' AND settlement_date <= $2::date
      ORDER BY created_at, id LIMIT $3 FOR UPDATE`,
    [partnerId, date, limit, status],
  );
  return rows.map(toWire);
}

/** The pacs.004 document of the tenant's returned wire (id or wire_id), or undefined. */
export async function findPacs004(q: Queryable, partnerId: string, idOrWireId: string): Promise<string | undefined> {
  const rows = await q.query<{ pacs004: string | null }>(
    `SELECT pacs004 FROM wires WHERE partner_id = $1 AND (id = $2 OR wire_id = $2) ORDER BY (id = $2) DESC LIMIT 1`,
    [partnerId, idOrWireId],
  );
  return rows[0]?.pacs004 ?? undefined;
}

/** The tenant's wire with this id, locked for update, or undefined. */
export async function lockWire(tx: Tx, partnerId: string, id: string): Promise<Wire | undefined> {
  const rows = await tx.query<WireRow>(`SELECT ${COLUMNS} FROM wires WHERE partner_id = $1 AND id = $2 FOR UPDATE`, [partnerId, id]);
  return rows[0] ? toWire(rows[0]) : undefined;
}

/** Marks a wire REJECTED, with the return's reason and pacs.004 when it was sent (deferred: sent with the commit). */
export function rejectWire(tx: Tx, partnerId: string, id: string, returnReason: string, pacs004: string | null, at: Date): void {
  tx.defer(
    `UPDATE wires SET status = 'REJECTED', return_reason = $3, pacs004 = $4, completed_at = $5::timestamptz WHERE partner_id = $1::uuid AND id = $2::uuid`,
    [partnerId, id, returnReason, pacs004, at],
  );
}

/** Marks wires PROCESSING (sent to Fedwire) at `at` (deferred: sent with the commit). */
export function markWiresSent(tx: Tx, partnerId: string, ids: readonly string[], at: Date): void {
  tx.defer(
    `UPDATE wires SET status = 'PROCESSING', sent_at = $3::timestamptz
      WHERE partner_id = $1::uuid AND id IN (SELECT jsonb_array_elements_text($2::jsonb)::uuid)`,
    [partnerId, JSON.stringify(ids), at],
  );
}

/** Marks wires COMPLETED (settled) at `at`, sent then unless sent before (deferred: sent with the commit). */
export function completeWires(tx: Tx, partnerId: string, ids: readonly string[], at: Date): void {
  tx.defer(
    `UPDATE wires SET status = 'COMPLETED', sent_at = coalesce(sent_at, $3::timestamptz), completed_at = $3::timestamptz
      WHERE partner_id = $1::uuid AND id IN (SELECT jsonb_array_elements_text($2::jsonb)::uuid)`,
    [partnerId, JSON.stringify(ids), at],
  );
}

export interface WireFilter {
  readonly pocketId?: string | undefined;
  readonly customerId?: string | undefined;
  readonly direction?: WireDirection | undefined;
}

/** A page of the tenant's wires, newest first, keyed by (created_at, id); `limit + 1` rows at most. */
export async function listWires(q: Queryable, partnerId: string, filter: WireFilter, page: PageRequest): Promise<Wire[]> {
  const params: unknown[] = [partnerId];
  const where = ['partner_id = $1'];
  if (filter.pocketId !== undefined) where.push(`pocket_id = $${params.push(filter.pocketId)}`);
  if (filter.customerId !== undefined) where.push(`customer_id = $${params.push(filter.customerId)}`);
  if (filter.direction !== undefined) where.push(`direction = $${params.push(filter.direction)}`);
  const direction = page.backward ? 'ASC' : 'DESC';
  if (page.after) {
    const [time, id] = page.after;
    where.push(`(created_at, id) ${page.backward ? '>' : '<'} ($${params.push(String(time))}::timestamptz, $${params.push(String(id))}::uuid)`);
  }
  const rows = await q.query<WireRow>(
    `SELECT ${COLUMNS} FROM wires WHERE ${where.join(' AND ')} ORDER BY created_at ${direction}, id ${direction} LIMIT ${page.limit + 1}`,
    params,
  );
  return rows.map(toWire);
}

/** Money the rail has in flight: amount + fee of each PENDING or PROCESSING outgoing wire, by id (cents). */
export async function inFlight(q: Queryable, partnerId: string): Promise<Map<string, bigint>> {
  const rows = await q.query<{ id: string; cents: string }>(
    `SELECT id, (amount_cents + fee_cents)::text AS cents FROM wires
      WHERE partner_id = $1 AND direction = 'OUTGOING' AND status IN ('PENDING', 'PROCESSING')`,
    [partnerId],
  );
  return new Map(rows.map((r) => [r.id, BigInt(r.cents)]));
}
