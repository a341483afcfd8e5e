import type { Queryable, Tx } from '../../../platform/db/index.ts';
import type { PageRequest } from '../../../platform/http/index.ts';
import type { AchFile, AchOrigination, AchOriginationDirection, AchOriginationStatus, AchReturnCode } from './ach.domain.ts';
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

/** Files of the tenant for a window date so far, and the entries they hold (for the next modifier and trace). */
export async function filesOfDay(tx: Tx, partnerId: string, date: string): Promise<{ files: number; entries: number }> {
  const [row] = await tx.query<{ files: bigint; entries: bigint }>(
    `SELECT count(*) AS files, coalesce(sum(entry_count), 0)::bigint AS entries FROM ach_files WHERE partner_id = $1 AND window_date = $2::date`,
    [partnerId, date],
  );
  return { files: Number(row?.files ?? 0n), entries: Number(row?.entries ?? 0n) };
}

/** Stores a written file. */
export async function insertFile(tx: Tx, partnerId: string, file: AchFile, content: string): Promise<void> {
  await tx.query(
    `INSERT INTO ach_files (id, partner_id, window_date, file_id_modifier, entry_count, total_debit_cents, total_credit_cents, content, created_at)
     VALUES ($1, $2, $3::date, $4, $5, $6, $7, $8, $9)`,
    [file.id, partnerId, file.windowDate, file.fileIdModifier, file.entryCount, file.totalDebitCents, file.totalCreditCents, content, file.createdAt],
  );
}

interface FileRow {
  id: string;
  window_date: string;
  file_id_modifier: string;
  entry_count: number;
  total_debit_cents: bigint;
  total_credit_cents: bigint;
  created_at: Date;
}

const FILE_COLUMNS = `id, to_char(window_date, 'YYYY-MM-DD') AS window_date, file_id_modifier, entry_count, total_debit_cents, total_credit_cents, created_at`;

function toFile(row: FileRow): AchFile {
  return {
    id: row.id, windowDate: row.window_date, fileIdModifier: row.file_id_modifier, entryCount: Number(row.entry_count),
    totalDebitCents: BigInt(row.total_debit_cents), totalCreditCents: BigInt(row.total_credit_cents), createdAt: row.created_at,
  };
}

/** A page of the tenant's files, newest first, keyset on (created_at, id); `limit + 1` rows at most. */
export async function listFiles(q: Queryable, partnerId: string, page: PageRequest): Promise<AchFile[]> {
  const params: unknown[] = [partnerId];
  const where = ['partner_id = $1'];
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
