import type { Queryable } from '../../platform/db/index.ts';
import type { PageRequest } from '../../platform/http/index.ts';
import type {
  AccountType,
  Counterparty,
  CounterpartyAddress,
  CounterpartyName,
  CounterpartyStatus,
  CounterpartyType,
  IdentifierType,
  PlaidVerificationStatus,
  VerificationMethod,
  VerificationStatus,
} from './counterparties.domain.ts';

/** SQL of counterparties and their micro-deposit verifications. Writers take the caller's transaction. */

const COLUMNS = `c.id, c.customer_id, c.type, c.status, c.verification_method, c.verification_status, c.counterparty_name,
  c.name_on_account, c.routing_number, c.account_number, c.account_type, c.bic, c.identifier, c.identifier_type, c.address,
  c.wire_instructions, c.institution_name, c.on_us_pocket_id, c.plaid_account_id, c.plaid_mask, c.plaid_verification_status,
  c.time_created, c.updated_at, m.verification_failure_count`;

const FROM = `counterparties c LEFT JOIN counterparty_micro_deposits m ON m.counterparty_id = c.id`;

interface CounterpartyRow {
  id: string;
  customer_id: string | null;
  type: CounterpartyType;
  status: CounterpartyStatus;
  verification_method: VerificationMethod;
  verification_status: VerificationStatus;
  counterparty_name: CounterpartyName;
  name_on_account: string;
  routing_number: string | null;
  account_number: string | null;
  account_type: AccountType | null;
  bic: string | null;
  identifier: string | null;
  identifier_type: IdentifierType | null;
  address: CounterpartyAddress | null;
  wire_instructions: string | null;
  institution_name: string | null;
  on_us_pocket_id: string | null;
  plaid_account_id: string | null;
  plaid_mask: string | null;
  plaid_verification_status: PlaidVerificationStatus | null;
  time_created: Date;
  updated_at: Date;
  verification_failure_count: number | null;
}

function toCounterparty(row: CounterpartyRow): Counterparty {
  return {
    id: row.id,
    customerId: row.customer_id,
    type: row.type,
    status: row.status,
    verificationMethod: row.verification_method,
    verificationStatus: row.verification_status,
    counterpartyName: row.counterparty_name,
    nameOnAccount: row.name_on_account,
    routingNumber: row.routing_number,
    accountNumber: row.account_number,
    accountType: row.account_type,
    bic: row.bic,
    identifier: row.identifier,
    identifierType: row.identifier_type,
    address: row.address,
    wireInstructions: row.wire_instructions,
    institutionName: row.institution_name,
    onUsPocketId: row.on_us_pocket_id,
    plaid: row.plaid_account_id !== null && row.plaid_mask !== null && row.plaid_verification_status !== null
      ? { accountId: row.plaid_account_id, mask: row.plaid_mask, verificationStatus: row.plaid_verification_status }
      : null,
    microDepositFailures: row.verification_failure_count === null ? null : Number(row.verification_failure_count),
    timeCreated: row.time_created,
    updatedAt: row.updated_at,
  };
}

/** Stores a new counterparty (its micro-deposit failures, if any, are in insertMicroDeposits). */
export async function insertCounterparty(q: Queryable, partnerId: string, c: Counterparty): Promise<void> {
  await q.query(
    `INSERT INTO counterparties (id, partner_id, customer_id, type, status, verification_method, verification_status,
       counterparty_name, name_on_account, routing_number, account_number, account_type, bic, identifier, identifier_type,
       address, wire_instructions, institution_name, on_us_pocket_id, plaid_account_id, plaid_mask, plaid_verification_status,
       time_created, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13, $14, $15, $16::jsonb, $17, $18, $19, $20, $21, $22, $23, $24)`,
    [c.id, partnerId, c.customerId, c.type, c.status, c.verificationMethod, c.verificationStatus, JSON.stringify(c.counterpartyName),
      c.nameOnAccount, c.routingNumber, c.accountNumber, c.accountType, c.bic, c.identifier, c.identifierType,
      c.address === null ? null : JSON.stringify(c.address), c.wireInstructions, c.institutionName, c.onUsPocketId,
      c.plaid?.accountId ?? null, c.plaid?.mask ?? null, c.plaid?.verificationStatus ?? null, c.timeCreated, c.updatedAt],
  );
}

/** Writes the fields of a counterparty that may change (name, address, instructions, states). */
export async function updateCounterparty(q: Queryable, partnerId: string, c: Counterparty): Promise<void> {
  await q.query(
    `UPDATE counterparties
        SET status = $3, verification_status = $4, counterparty_name = $5::jsonb, name_on_account = $6, address = $7::jsonb,
            wire_instructions = $8, plaid_verification_status = $9, updated_at = $10
      WHERE partner_id = $1 AND id = $2`,
    [partnerId, c.id, c.status, c.verificationStatus, JSON.stringify(c.counterpartyName), c.nameOnAccount,
      c.address === null ? null : JSON.stringify(c.address), c.wireInstructions, c.plaid?.verificationStatus ?? null, c.updatedAt],
  );
}

/** One counterparty of the tenant (locked for update when asked), or undefined. */
export async function findCounterparty(q: Queryable, partnerId: string, id: string, forUpdate = false): Promise<Counterparty | undefined> {
  const rows = await q.query<CounterpartyRow>(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE c.partner_id = $1 AND c.id = $2${forUpdate ? ' FOR UPDATE OF c' : ''}`,
    [partnerId, id],
  );
  return rows[0] ? toCounterparty(rows[0]) : undefined;
}

/** Which counterparties a list keeps: a customer's (or all), some types, one status. */
export interface CounterpartyFilter {
  readonly customerId?: string | undefined;
  readonly types?: readonly CounterpartyType[] | undefined;
  readonly status?: CounterpartyStatus | undefined;
}

/**
 * One page of the tenant's counterparties, newest first on (time_created, id): `limit + 1` rows
 * in the page's direction, for cursorList.
 */
export async function listCounterparties(q: Queryable, partnerId: string, filter: CounterpartyFilter, page: PageRequest): Promise<Counterparty[]> {
  const params: unknown[] = [partnerId];
  const where = ['c.partner_id = $1'];
  if (filter.customerId !== undefined) where.push(`c.customer_id = $${params.push(filter.customerId)}`);
  if (filter.types !== undefined) where.push(`c.type = ANY($${params.push(filter.types)}::text[])`);
  if (filter.status !== undefined) where.push(`c.status = $${params.push(filter.status)}`);
  const direction = page.backward ? 'ASC' : 'DESC';
  if (page.after) {
    const [time, id] = page.after;
    where.push(`(c.time_created, c.id) ${page.backward ? '>' : '<'} ($${params.push(String(time))}::timestamptz, $${params.push(String(id))}::uuid)`);
  }
  const rows = await q.query<CounterpartyRow>(
    `SELECT ${COLUMNS} FROM ${FROM} WHERE ${where.join(' AND ')}
      ORDER BY c.time_created ${direction}, c.id ${direction} LIMIT ${page.limit + 1}`,
    params,
  );
  return rows.map(toCounterparty);
}

/** The two amounts of a micro-deposit verification, in cents, its wrong tries, and when the ACH window sent it (null: not yet). */
export interface MicroDeposits {
  readonly amountsCents: readonly [bigint, bigint];
  readonly failures: number;
  readonly sentAt: Date | null;
}

export async function insertMicroDeposits(q: Queryable, partnerId: string, counterpartyId: string, amounts: readonly [bigint, bigint], at: Date): Promise<void> {
  await q.query(
    `INSERT INTO counterparty_micro_deposits (counterparty_id, partner_id, amount1_cents, amount2_cents, created_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [counterpartyId, partnerId, amounts[0], amounts[1], at],
  );
}

export async function findMicroDeposits(q: Queryable, partnerId: string, counterpartyId: string): Promise<MicroDeposits | undefined> {
  const rows = await q.query<{ amount1_cents: bigint | string; amount2_cents: bigint | string; verification_failure_count: number; sent_at: Date | string | null }>(
    `SELECT amount1_cents, amount2_cents, verification_failure_count, sent_at FROM counterparty_micro_deposits
      WHERE partner_id = $1 AND counterparty_id = $2`,
    [partnerId, counterpartyId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    amountsCents: [BigInt(row.amount1_cents), BigInt(row.amount2_cents)],
    failures: Number(row.verification_failure_count),
    sentAt: row.sent_at === null ? null : new Date(row.sent_at),
  };
}

export async function setMicroDepositFailures(q: Queryable, partnerId: string, counterpartyId: string, failures: number): Promise<void> {
  await q.query(
    `UPDATE counterparty_micro_deposits SET verification_failure_count = $3 WHERE partner_id = $1 AND counterparty_id = $2`,
    [partnerId, counterpartyId, failures],
  );
}

/**
 * The micro-deposit verifications of the tenant not sent yet, recorded by `at`, of counterparties
 * still IN_PROGRESS and not UNLINKED: locked, oldest first (the ACH window sends them).
 */
export async function unsentMicroDeposits(q: Queryable, partnerId: string, at: Date): Promise<{ counterparty: Counterparty; amountsCents: readonly [bigint, bigint] }[]> {
  const rows = await q.query<CounterpartyRow & { amount1_cents: bigint | string; amount2_cents: bigint | string }>(
    `SELECT ${COLUMNS}, m.amount1_cents, m.amount2_cents FROM ${FROM}
      WHERE c.partner_id = $1 AND m.sent_at IS NULL AND m.created_at <= $2 AND c.type = 'ach'
        AND c.verification_status = 'IN_PROGRESS' AND c.status <> 'UNLINKED'
      ORDER BY m.created_at, c.id FOR UPDATE OF m`,
    [partnerId, at],
  );
  return rows.map((row) => ({ counterparty: toCounterparty(row), amountsCents: [BigInt(row.amount1_cents), BigInt(row.amount2_cents)] as const }));
}

/** Marks micro-deposit verifications sent at `at`. */
export async function markMicroDepositsSent(q: Queryable, partnerId: string, counterpartyIds: readonly string[], at: Date): Promise<void> {
  await q.query(
    `UPDATE counterparty_micro_deposits SET sent_at = $3 WHERE partner_id = $1 AND counterparty_id = ANY($2::uuid[]) AND sent_at IS NULL`,
    [partnerId, counterpartyIds, at],
  );
}

/** Replaces a counterparty's routing and account numbers (a notification of change). */
export async function correctBankAccount(q: Queryable, partnerId: string, id: string, routingNumber: string, accountNumber: string, at: Date): Promise<void> {
  await q.query(
    `UPDATE counterparties SET routing_number = $3, account_number = $4, updated_at = $5 WHERE partner_id = $1 AND id = $2`,
    [partnerId, id, routingNumber, accountNumber, at],
  );
}
