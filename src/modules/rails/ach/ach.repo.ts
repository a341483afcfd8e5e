import type { Queryable, Tx } from '../../../platform/db/index.ts';
import type { PageRequest } from '../../../platform/http/index.ts';
import type { AchFile, AchFileDirection, AchNotificationOfChange, AchOrigination, AchOriginationDirection, AchOriginationStatus, AchReturnCode } from './ach.domain.ts';
import type { SecCode } from './nacha.ts';

/** SQL of ACH originations (`ach_originations`) and the files of the windows (`ach_files`). */

interface OriginationRow {
  id: string;
  pocket_id: string;
  customer_id: string | null;
  counterparty_id: string;
  direction: AchOriginationDirection;
  sec_code: SecCode;
  amount_cents: bigint;
  company_entry_description: string;
  payment_related_information: string[];
  status: AchOriginationStatus;
  receiver_name: string;
  receiver_routing_number: string;
  receiver_account_number: string;
  receiver_account_type: 'CHECKING' | 'SAVINGS';
  settlement_date: string;
  ledger_entry_id: string;
  ach_file_id: string | null;
  trace_number: string | null;
  time_created: Date;
  time_settled: Date | null;
  return_code: AchReturnCode | null;
  returned_at: Date | null;
  receivable_cents: bigint;
}

const COLUMNS = `id, pocket_id, customer_id, counterparty_id, direction, sec_code, amount_cents, company_entry_description,
  payment_related_information, status, receiver_name, receiver_routing_number, receiver_account_number, receiver_account_type,
  to_char(settlement_date, 'YYYY-MM-DD') AS settlement_date, ledger_entry_id, ach_file_id, trace_number, time_created, time_settled,
  return_code, returned_at, receivable_cents`;

function toOrigination(row: OriginationRow): AchOrigination {
  return {
    id: row.id, pocketId: row.pocket_id, customerId: row.customer_id, counterpartyId: row.counterparty_id, direction: row.direction,
    secCode: row.sec_code, amountCents: BigInt(row.amount_cents), companyEntryDescription: row.company_entry_description,
    paymentRelatedInformation: row.payment_related_information, status: row.status, receiverName: row.receiver_name,
    receiverRoutingNumber: row.receiver_routing_number, receiverAccountNumber: row.receiver_account_number,
    receiverAccountType: row.receiver_account_type, settlementDate: row.settlement_date, ledgerEntryId: row.ledger_entry_id,
    achFileId: row.ach_file_id, traceNumber: row.trace_number, timeCreated: row.time_created, timeSettled: row.time_settled,
    returnCode: row.return_code, returnedAt: row.returned_at, receivableCents: BigInt(row.receivable_cents),
  };
}

/** Records a new origination (deferred: sent with the commit). */
export function insertOrigination(tx: Tx, partnerId: string, o: AchOrigination): void {
  tx.defer(
    `INSERT INTO ach_originations (id, partner_id, pocket_id, customer_id, counterparty_id, direction, sec_code, amount_cents,
       company_entry_description, payment_related_information, status, receiver_name, receiver_routing_number, receiver_account_number,
       receiver_account_type, settlement_date, ledger_entry_id, time_created)
     VALUES ($1::uuid, $2::uuid, $3::uuid, $4::uuid, $5::uuid, $6, $7, $8::bigint, $9, $10::jsonb, $11, $12, $13, $14, $15, $16::date, $17::uuid, $18::timestamptz)`,
    [
      o.id, partnerId, o.pocketId, o.customerId, o.counterpartyId, o.direction, o.secCode, o.amountCents, o.companyEntryDescription,
      JSON.stringify(o.paymentRelatedInformation), o.status, o.receiverName, o.receiverRoutingNumber, o.receiverAccountNumber,
      o.receiverAccountType, o.settlementDate, o.ledgerEntryId, o.timeCreated,
    ],
  );
}

/** The tenant's origination of this pocket, or undefined. */
export async function findOrigination(q: Queryable, partnerId: string, pocketId: string, id: string): Promise<AchOrigination | undefined> {
  const rows = await q.query<OriginationRow>(
    `SELECT ${COLUMNS} FROM ach_originations WHERE partner_id = $1 AND pocket_id = $2 AND id = $3`,
    [partnerId, pocketId, id],
  );
  return rows[0] ? toOrigination(rows[0]) : undefined;
}

/** The tenant's origination with this id, locked, or undefined. */
export async function lockOrigination(tx: Tx, partnerId: string, id: string): Promise<AchOrigination | undefined> {
  const rows = await tx.query<OriginationRow>(`SELECT ${COLUMNS} FROM ach_originations WHERE partner_id = $1 AND id = $2 FOR UPDATE`, [partnerId, id]);
  return rows[0] ? toOrigination(rows[0]) : undefined;
}

/** Marks an origination returned (REJECTED) with its code and receivable (deferred: sent with the commit). */
export function markReturned(tx: Tx, id: string, code: AchReturnCode, receivableCents: bigint, at: Date): void {
  tx.defer(
    `UPDATE ach_originations SET status = 'REJECTED', return_code = $2, receivable_cents = $3::bigint, returned_at = $4::timestamptz WHERE id = $1::uuid`,
    [id, code, receivableCents, at],
  );
}

/** What a list of a pocket's originations keeps. */
export interface OriginationFilter {
  readonly statuses?: readonly AchOriginationStatus[] | undefined;
  readonly direction?: AchOriginationDirection | undefined;
}

/** A page of the pocket's originations, newest first, keyset on (time_created, id); `limit + 1` rows at most. */
export async function listOriginations(q: Queryable, partnerId: string, pocketId: string, filter: OriginationFilter, page: PageRequest): Promise<AchOrigination[]> {
  const params: unknown[] = [partnerId, pocketId];
  const where = ['partner_id = $1', 'pocket_id = $2'];
  if (filter.statuses !== undefined) where.push(`status = ANY($${params.push(filter.statuses)}::text[])`);
  if (filter.direction !== undefined) where.push(`direction = $${params.push(filter.direction)}`);
  const order = page.backward ? 'ASC' : 'DESC';
  if (page.after) {
    const [time, id] = page.after;
    where.push(`(time_created, id) ${page.backward ? '>' : '<'} ($${params.push(String(time))}::timestamptz, $${params.push(String(id))}::uuid)`);
  }
  const rows = await q.query<OriginationRow>(
    `SELECT ${COLUMNS} FROM ach_originations WHERE ${where.join(' AND ')} ORDER BY time_created ${order}, id ${order} LIMIT ${page.limit + 1}`,
    params,
  );
  return rows.map(toOrigination);
}

/** The tenant's originations in `status` due by `date` (settlement date on or before it), locked, oldest first. */
export async function dueOriginations(tx: Tx, partnerId: string, status: 'PENDING' | 'IN_TRANSIT', date: string): Promise<AchOrigination[]> {
  const rows = await tx.query<OriginationRow>(
    `SELECT ${COLUMNS} FROM ach_originations WHERE partner_id = $1 AND status = $2 AND settlement_date <= $3::date
      ORDER BY time_created, id FOR UPDATE`,
    [partnerId, status, date],
  );
  return rows.map(toOrigination);
}

/** Marks originations IN_TRANSIT in a file, each with its trace number. */
export async function markInTransit(tx: Tx, partnerId: string, fileId: string, traces: ReadonlyMap<string, string>): Promise<void> {
  await tx.query(
    `UPDATE ach_originations o SET status = 'IN_TRANSIT', ach_file_id = $2, trace_number = t.trace
       FROM jsonb_each_text($3::jsonb) AS t(id, trace)
      WHERE o.partner_id = $1 AND o.id = t.id::uuid`,
    [partnerId, fileId, JSON.stringify(Object.fromEntries(traces))],
  );
}

/** Marks originations PROCESSED at `at`. */
export async function markProcessed(tx: Tx, partnerId: string, ids: readonly string[], at: Date): Promise<void> {
  await tx.query(`UPDATE ach_originations SET status = 'PROCESSED', time_settled = $3 WHERE partner_id = $1 AND id = ANY($2::uuid[])`, [partnerId, ids, at]);
}

/** Originated files of the tenant for a window date so far, and the entries they hold (for the next modifier and trace). */
export async function filesOfDay(tx: Tx, partnerId: string, date: string): Promise<{ files: number; entries: number }> {
  const [row] = await tx.query<{ files: bigint; entries: bigint }>(
    `SELECT count(*) AS files, coalesce(sum(entry_count), 0)::bigint AS entries FROM ach_files
     WHERE partner_id = $1 AND window_date = $2::date AND direction = 'ORIGINATED'`,
    [partnerId, date],
  );
  return { files: Number(row?.files ?? 0n), entries: Number(row?.entries ?? 0n) };
}

/** Stores a written file. */
export async function insertFile(tx: Tx, partnerId: string, file: AchFile, content: string): Promise<void> {
  await tx.query(
    `INSERT INTO ach_files (id, partner_id, window_date, file_id_modifier, entry_count, total_debit_cents, total_credit_cents, content, created_at, direction)
     VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9, $10)`,
    [file.id, partnerId, file.windowDate, file.fileIdModifier, file.entryCount, file.totalDebitCents, file.totalCreditCents, content, file.createdAt, file.direction],
  );
}

interface FileRow {
  id: string;
  direction: AchFileDirection;
  window_date: string;
  file_id_modifier: string;
  entry_count: number;
  total_debit_cents: bigint;
  total_credit_cents: bigint;
  created_at: Date;
}

const FILE_COLUMNS = `id, direction, to_char(window_date, 'YYYY-MM-DD') AS window_date, file_id_modifier, entry_count, total_debit_cents, total_credit_cents, created_at`;

function toFile(row: FileRow): AchFile {
  return {
    id: row.id, direction: row.direction, windowDate: row.window_date, fileIdModifier: row.file_id_modifier, entryCount: Number(row.entry_count),
    totalDebitCents: BigInt(row.total_debit_cents), totalCreditCents: BigInt(row.total_credit_cents), createdAt: row.created_at,
  };
}

/** A page of the tenant's files (of one direction when given), newest first, keyset on (created_at, id); `limit + 1` rows at most. */
export async function listFiles(q: Queryable, partnerId: string, page: PageRequest, direction?: AchFileDirection): Promise<AchFile[]> {
  const params: unknown[] = [partnerId];
  const where = ['partner_id = $1'];
  if (direction !== undefined) where.push(`direction = $${params.push(direction)}`);
  const order = page.backward ? 'ASC' : 'DESC';
  if (page.after) {
    const [time, id] = page.after;
    where.push(`(created_at, id) ${page.backward ? '>' : '<'} ($${params.push(String(time))}::timestamptz, $${params.push(String(id))}::uuid)`);
  }
  const rows = await q.query<FileRow>(
    `SELECT ${FILE_COLUMNS} FROM ach_files WHERE ${where.join(' AND ')} ORDER BY created_at ${order}, id ${order} LIMIT ${page.limit + 1}`,
    params,
  );
  return rows.map(toFile);
}

/** The tenant's file and its text, or undefined. */
export async function findFile(q: Queryable, partnerId: string, id: string): Promise<{ file: AchFile; content: string } | undefined> {
  const rows = await q.query<FileRow & { content: string }>(`SELECT ${FILE_COLUMNS}, content FROM ach_files WHERE partner_id = $1 AND id = $2`, [partnerId, id]);
  return rows[0] ? { file: toFile(rows[0]), content: rows[0].content } : undefined;
}

/** An entry of a file that is not an origination: a micro-entry or a prenote (`ach_verification_entries`). */
export interface VerificationEntry {
  readonly id: string;
  readonly counterpartyId: string;
  readonly purpose: 'micro_deposit' | 'prenote';
  readonly direction: AchOriginationDirection;
  /** Cents; 0 for a prenote. */
  readonly amountCents: bigint;
  readonly transactionCode: string;
  readonly receiverRoutingNumber: string;
  readonly receiverAccountNumber: string;
  readonly settlementDate: string;
  readonly achFileId: string;
  readonly traceNumber: string;
  /** The pending ledger entry of a micro-entry; null for a prenote. */
  readonly ledgerEntryId: string | null;
  readonly timeCreated: Date;
}

/** Stores the verification entries of a file (IN_TRANSIT). */
export async function insertVerificationEntries(tx: Tx, partnerId: string, rows: readonly VerificationEntry[]): Promise<void> {
  if (rows.length === 0) return;
  await tx.query(
    `INSERT INTO ach_verification_entries (id, partner_id, counterparty_id, purpose, direction, amount_cents, status, transaction_code,
       receiver_routing_number, receiver_account_number, settlement_date, ach_file_id, trace_number, ledger_entry_id, time_created)
     SELECT x.id, $1::uuid, x.counterparty_id, x.purpose, x.direction, x.amount_cents, 'IN_TRANSIT', x.transaction_code,
            x.receiver_routing_number, x.receiver_account_number, x.settlement_date, x.ach_file_id, x.trace_number, x.ledger_entry_id, x.time_created
       FROM jsonb_to_recordset($2::jsonb) AS x(id uuid, counterparty_id uuid, purpose text, direction text, amount_cents bigint,
            transaction_code text, receiver_routing_number text, receiver_account_number text, settlement_date date, ach_file_id uuid,
            trace_number text, ledger_entry_id uuid, time_created timestamptz)`,
    [partnerId, JSON.stringify(rows.map((r) => ({
      id: r.id, counterparty_id: r.counterpartyId, purpose: r.purpose, direction: r.direction, amount_cents: r.amountCents.toString(),
      transaction_code: r.transactionCode, receiver_routing_number: r.receiverRoutingNumber, receiver_account_number: r.receiverAccountNumber,
      settlement_date: r.settlementDate, ach_file_id: r.achFileId, trace_number: r.traceNumber, ledger_entry_id: r.ledgerEntryId,
      time_created: r.timeCreated.toISOString(),
    })))],
  );
}

/** The tenant's IN_TRANSIT verification entries due by `date`, locked: their ids and pending ledger entries. */
export async function dueVerificationEntries(tx: Tx, partnerId: string, date: string): Promise<{ id: string; ledgerEntryId: string | null }[]> {
  const rows = await tx.query<{ id: string; ledger_entry_id: string | null }>(
    `SELECT id, ledger_entry_id FROM ach_verification_entries
      WHERE partner_id = $1 AND status = 'IN_TRANSIT' AND settlement_date <= $2::date ORDER BY time_created, id FOR UPDATE`,
    [partnerId, date],
  );
  return rows.map((r) => ({ id: r.id, ledgerEntryId: r.ledger_entry_id }));
}

/** Marks verification entries PROCESSED (settled) at `at`. */
export async function markVerificationEntriesProcessed(tx: Tx, partnerId: string, ids: readonly string[], at: Date): Promise<void> {
  await tx.query(`UPDATE ach_verification_entries SET status = 'PROCESSED', time_settled = $3 WHERE partner_id = $1 AND id = ANY($2::uuid[])`, [partnerId, ids, at]);
}

/** Of `counterpartyIds`, those some earlier file already reached (an origination, a micro-entry or a prenote). */
export async function counterpartiesReached(q: Queryable, partnerId: string, counterpartyIds: readonly string[]): Promise<Set<string>> {
  if (counterpartyIds.length === 0) return new Set();
  const rows = await q.query<{ counterparty_id: string }>(
    `SELECT counterparty_id FROM ach_originations WHERE partner_id = $1 AND counterparty_id = ANY($2::uuid[]) AND ach_file_id IS NOT NULL
     UNION
     SELECT counterparty_id FROM ach_verification_entries WHERE partner_id = $1 AND counterparty_id = ANY($2::uuid[])`,
    [partnerId, counterpartyIds],
  );
  return new Set(rows.map((r) => r.counterparty_id));
}

/** Records a notification of change. */
export async function insertNotificationOfChange(tx: Tx, partnerId: string, n: AchNotificationOfChange): Promise<void> {
  await tx.query(
    `INSERT INTO ach_notifications_of_change (id, partner_id, origination_id, counterparty_id, change_code, previous_routing_number,
       previous_account_number, corrected_routing_number, corrected_account_number, time_received)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [n.id, partnerId, n.originationId, n.counterpartyId, n.changeCode, n.previousRoutingNumber, n.previousAccountNumber,
      n.correctedRoutingNumber, n.correctedAccountNumber, n.timeReceived],
  );
}

/**
 * Points the counterparty's originations not yet in a file (PENDING) at its corrected bank
 * account, so that their entries carry it.
 */
export async function correctPendingReceivers(tx: Tx, partnerId: string, counterpartyId: string, routingNumber: string, accountNumber: string): Promise<void> {
  await tx.query(
    `UPDATE ach_originations SET receiver_routing_number = $3, receiver_account_number = $4
      WHERE partner_id = $1 AND counterparty_id = $2 AND status = 'PENDING'`,
    [partnerId, counterpartyId, routingNumber, accountNumber],
  );
}

/**
 * Money the rail has in flight, by the reference of its pending ledger entries: each PENDING or
 * IN_TRANSIT origination's amount (key `AchOrigination`), and per counterparty the sum of its
 * micro-entries in transit (key `Counterparty`). Cents.
 */
export async function inFlight(q: Queryable, partnerId: string): Promise<{ AchOrigination: Map<string, bigint>; Counterparty: Map<string, bigint> }> {
  const originations = await q.query<{ id: string; cents: string }>(
    `SELECT id, amount_cents::text AS cents FROM ach_originations WHERE partner_id = $1 AND status IN ('PENDING', 'IN_TRANSIT')`,
    [partnerId],
  );
  const micro = await q.query<{ id: string; cents: string }>(
    `SELECT counterparty_id AS id, sum(amount_cents)::text AS cents FROM ach_verification_entries
      WHERE partner_id = $1 AND status = 'IN_TRANSIT' AND purpose = 'micro_deposit' GROUP BY counterparty_id`,
    [partnerId],
  );
  const toMap = (rows: { id: string; cents: string }[]) => new Map(rows.map((r) => [r.id, BigInt(r.cents)]));
  return { AchOrigination: toMap(originations), Counterparty: toMap(micro) };
}
