import { onUsTransfersNamedRelation } from '../../movements/index.ts';
import type { Queryable, Tx } from '../../../platform/db/index.ts';
import type { AmountType, OnUsTransfer, OnUsTransferStatus, OnUsTransferType, TransferStateReason } from './onus.domain.ts';

/** SQL of on-us transfers (`on_us_transfers`). Writers take the caller's transaction. */

interface OnUsRow {
  id: string;
  partner_id: string;
  transfer_id: string;
  type: OnUsTransferType;
  status: OnUsTransferStatus;
  reason: TransferStateReason | null;
  from_pocket_id: string;
  to_pocket_id: string;
  amount_type: AmountType;
  requested_amount_cents: bigint | null;
  amount_cents: bigint | null;
  description: string | null;
  source: string | null;
  target: string | null;
  created_at: Date;
  completed_at: Date | null;
}

function toOnUs(row: OnUsRow): OnUsTransfer {
  return {
    id: row.id,
    partnerId: row.partner_id,
    transferId: row.transfer_id,
    type: row.type,
    status: row.status,
    reason: row.reason,
    fromPocketId: row.from_pocket_id,
    toPocketId: row.to_pocket_id,
    amountType: row.amount_type,
    requestedAmountCents: row.requested_amount_cents,
    amountCents: row.amount_cents,
    description: row.description,
    source: row.source,
    target: row.target,
    createdAt: row.created_at,
    completedAt: row.completed_at,
  };
}

const ON_US_COLUMNS = `id, partner_id, transfer_id, type, status, reason, from_pocket_id, to_pocket_id, amount_type,
  requested_amount_cents, amount_cents, description, source, target, created_at, completed_at`;

/** The tenant's transfer with this id or this client transfer_id, or undefined. */
export async function findOnUsTransfer(q: Queryable, partnerId: string, idOrTransferId: string): Promise<OnUsTransfer | undefined> {
  const rows = await q.query<OnUsRow>(
    `SELECT ${ON_US_COLUMNS} FROM on_us_transfers WHERE partner_id = $1 AND (id = $2 OR transfer_id = $2) ORDER BY (id = $2) DESC LIMIT 1`,
    [partnerId, idOrTransferId],
  );
  return rows[0] ? toOnUs(rows[0]) : undefined;
}

/**
 * Records a new PENDING transfer; does nothing when the tenant already has one with this
 * `transferId` (idempotency, backed by a unique index).
 * @returns true when inserted.
 */
export async function insertOnUsTransfer(
  tx: Tx,
  t: {
    id: string; partnerId: string; transferId: string; type: OnUsTransferType; fromPocketId: string; toPocketId: string;
    amountType: AmountType; requestedAmountCents: bigint | null; description: string | null; source: string | null; target: string | null; at: Date;
  },
): Promise<boolean> {
  const rows = await tx.query<{ id: string }>(
    `INSERT INTO on_us_transfers (id, partner_id, transfer_id, type, status, from_pocket_id, to_pocket_id, amount_type, requested_amount_cents,
       description, source, target, created_at)
     VALUES ($1, $2, $3, $4, 'PENDING', $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT (partner_id, transfer_id) DO NOTHING RETURNING id`,
    [t.id, t.partnerId, t.transferId, t.type, t.fromPocketId, t.toPocketId, t.amountType, t.requestedAmountCents, t.description, t.source, t.target, t.at],
  );
  return rows.length === 1;
}

/**
 * Records a carried-out transfer whose `transferId` is its own fresh `id` (the client sent none),
 * so nothing can conflict with it: written once, in its final state (COMPLETED with the amount
 * moved, or REJECTED with its reason), deferred with the transfer's other writes.
 */
export function insertOwnOnUsTransfer(
  tx: Tx,
  t: {
    id: string; partnerId: string; type: OnUsTransferType; fromPocketId: string; toPocketId: string;
    amountType: AmountType; requestedAmountCents: bigint | null; description: string | null; source: string | null; target: string | null; at: Date;
  },
  outcome: { status: 'COMPLETED' | 'REJECTED'; amountCents: bigint | null; reason: TransferStateReason | null },
): void {
  const row = {
    id: t.id, type: t.type, status: outcome.status, reason: outcome.reason, from_pocket_id: t.fromPocketId, to_pocket_id: t.toPocketId,
    amount_type: t.amountType, requested_amount_cents: t.requestedAmountCents?.toString() ?? null, amount_cents: outcome.amountCents?.toString() ?? null,
    description: t.description, source: t.source, target: t.target, at: t.at.toISOString(),
  };
  // Its row as JSON, so that the transfers carried out together travel as one insert (Tx.defer's rows).
  tx.defer(
    `INSERT INTO on_us_transfers (id, partner_id, transfer_id, type, status, reason, from_pocket_id, to_pocket_id, amount_type, requested_amount_cents,
       amount_cents, description, source, target, created_at, completed_at)
     SELECT x.id, $1::uuid, x.id, x.type, x.status, x.reason, x.from_pocket_id, x.to_pocket_id, x.amount_type, x.requested_amount_cents,
            x.amount_cents, x.description, x.source, x.target, x.at, x.at
       FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, type text, status text, reason text, from_pocket_id uuid, to_pocket_id uuid, amount_type text,
            requested_amount_cents bigint, amount_cents bigint, description text, source text, target text, at timestamptz)`,
    [t.partnerId, JSON.stringify([row])],
    { rows: [1] },
  );
}

/** Marks a transfer COMPLETED with the amount moved (deferred: sent with the commit). */
export function completeOnUsTransfer(tx: Tx, id: string, amountCents: bigint, at: Date): void {
  tx.defer(`UPDATE on_us_transfers SET status = 'COMPLETED', amount_cents = $2::bigint, completed_at = $3::timestamptz WHERE id = $1::uuid`, [id, amountCents, at]);
}

/** Marks a transfer REJECTED with its reason (deferred: sent with the commit). */
export function rejectOnUsTransfer(tx: Tx, id: string, reason: TransferStateReason, at: Date): void {
  tx.defer(`UPDATE on_us_transfers SET status = 'REJECTED', reason = $2, completed_at = $3::timestamptz WHERE id = $1::uuid`, [id, reason, at]);
}

/**
 * Invariants of the tenant's on-us transfers, for tests and operators: every on-us transfer a bank
 * transaction names exists (what a foreign key checked row by row before migration 0060).
 * @returns the violations as sentences; empty when sound.
 */
export async function checkOnUsInvariants(q: Queryable, partnerId: string): Promise<string[]> {
  const rows = await q.query<{ id: string }>(
    `SELECT n.on_us_transfer_id AS id FROM (${onUsTransfersNamedRelation('$1')}) n
      WHERE NOT EXISTS (SELECT 1 FROM on_us_transfers o WHERE o.id = n.on_us_transfer_id AND o.partner_id = $1)`,
    [partnerId],
  );
  return rows.map((row) => `bank transactions name on-us transfer ${row.id}, which the tenant does not have`);
}
