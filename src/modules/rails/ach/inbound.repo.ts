import type { Queryable, Tx } from '../../../platform/db/index.ts';
import type { SecCode } from './nacha.ts';

/** SQL of the received ACH files' entries (`ach_received_entries`) and of the day's received file in `ach_files`. */

/** One inbound credit as its received file holds it. */
export interface ReceivedEntryRow {
  readonly id: string;
  readonly achFileId: string;
  /** The trace number's 7-digit sequence: the entry's place in its day. */
  readonly sequence: number;
  readonly traceNumber: string;
  readonly portalId: string;
  readonly secCode: SecCode;
  readonly companyName: string;
  readonly companyId: string;
  readonly companyEntryDescription: string;
  readonly receiverName: string;
  readonly receiverRoutingNumber: string;
  readonly receiverAccountNumber: string;
  readonly amountCents: bigint;
  readonly timeReceived: Date;
}

/** Serializes the writers of the tenant's received file of `date` until the transaction ends. */
export async function lockReceivedDay(tx: Tx, partnerId: string, date: string): Promise<void> {
  await tx.query(`SELECT pg_advisory_xact_lock(hashtextextended('ach_received:' || $1::text || ':' || $2::text, 0))`, [partnerId, date]);
}

/** The tenant's received file of `date` (its id and entries so far), if any. */
export async function receivedFileOfDay(tx: Tx, partnerId: string, date: string): Promise<{ id: string; entryCount: number } | undefined> {
  const rows = await tx.query<{ id: string; entry_count: number }>(
    `SELECT id, entry_count FROM ach_files WHERE partner_id = $1 AND direction = 'RECEIVED' AND window_date = $2::date ORDER BY file_id_modifier LIMIT 1`,
    [partnerId, date],
  );
  return rows[0] ? { id: rows[0].id, entryCount: Number(rows[0].entry_count) } : undefined;
}

interface EntryRow {
  id: string;
  ach_file_id: string;
  sequence: number;
  trace_number: string;
  portal_id: string;
  sec_code: SecCode;
  company_name: string;
  company_id: string;
  company_entry_description: string;
  receiver_name: string;
  receiver_routing_number: string;
  receiver_account_number: string;
  amount_cents: bigint;
  time_received: Date;
}

/** The entries of a received file, in sequence order. */
export async function receivedEntries(q: Queryable, partnerId: string, fileId: string): Promise<ReceivedEntryRow[]> {
  const rows = await q.query<EntryRow>(
    `SELECT id, ach_file_id, sequence, trace_number, portal_id, sec_code, company_name, company_id, company_entry_description, receiver_name,
            receiver_routing_number, receiver_account_number, amount_cents, time_received
     FROM ach_received_entries WHERE partner_id = $1 AND ach_file_id = $2 ORDER BY sequence`,
    [partnerId, fileId],
  );
  return rows.map((r) => ({
    id: r.id, achFileId: r.ach_file_id, sequence: Number(r.sequence), traceNumber: r.trace_number, portalId: r.portal_id, secCode: r.sec_code,
    companyName: r.company_name, companyId: r.company_id, companyEntryDescription: r.company_entry_description, receiverName: r.receiver_name,
    receiverRoutingNumber: r.receiver_routing_number, receiverAccountNumber: r.receiver_account_number, amountCents: BigInt(r.amount_cents),
    timeReceived: r.time_received,
  }));
}

/** Stores entries of a received file (one statement). */
export async function insertReceivedEntries(tx: Tx, partnerId: string, entries: readonly ReceivedEntryRow[]): Promise<void> {
  if (entries.length === 0) return;
  const params: unknown[] = [partnerId];
  const rows = entries.map((e) => {
    const values = [e.id, e.achFileId, e.sequence, e.traceNumber, e.portalId, e.secCode, e.companyName, e.companyId, e.companyEntryDescription,
      e.receiverName, e.receiverRoutingNumber, e.receiverAccountNumber, e.amountCents, e.timeReceived];
    return `($1, ${values.map((v) => `$${params.push(v)}`).join(', ')})`;
  });
  await tx.query(
    `INSERT INTO ach_received_entries (partner_id, id, ach_file_id, sequence, trace_number, portal_id, sec_code, company_name, company_id,
       company_entry_description, receiver_name, receiver_routing_number, receiver_account_number, amount_cents, time_received)
     VALUES ${rows.join(', ')}`,
    params,
  );
}

/** Adds `entries` credits of `creditCents` in all to a received file's totals. */
export async function addToReceivedFile(tx: Tx, partnerId: string, fileId: string, entries: number, creditCents: bigint): Promise<void> {
  await tx.query(
    `UPDATE ach_files SET entry_count = entry_count + $3, total_credit_cents = total_credit_cents + $4
     WHERE partner_id = $1 AND id = $2 AND direction = 'RECEIVED'`,
    [partnerId, fileId, entries, creditCents],
  );
}

/**
 * Stores the day's first received file (file ID modifier A). Its text is rendered when read
 * (`receivedFileText`), so the stored content stays empty.
 */
export async function insertReceivedFile(
  tx: Tx, partnerId: string,
  file: { id: string; windowDate: string; createdAt: Date; entryCount: number; totalCreditCents: bigint },
): Promise<void> {
  await tx.query(
    `INSERT INTO ach_files (id, partner_id, direction, window_date, file_id_modifier, entry_count, total_debit_cents, total_credit_cents, content, created_at)
     VALUES ($1, $2, 'RECEIVED', $3::date, 'A', $4, 0, $5, '', $6)`,
    [file.id, partnerId, file.windowDate, file.entryCount, file.totalCreditCents, file.createdAt],
  );
}
