import type { MicroDepositScenarioSource } from './counterparties.scenarios.ts';
import type { RequestContext } from '../../platform/context.ts';
import type { Db, Queryable, Tx } from '../../platform/db/index.ts';
import { exactlyOnce } from '../../platform/exactly-once.ts';
import type { CursorList, PageRequest } from '../../platform/http/index.ts';
import { cursorList } from '../../platform/http/index.ts';
import { isUuid, newId } from '../../platform/ids.ts';
import { findCustomer } from '../onboarding/index.ts';
import { findPortalByAccountNumber } from '../rails/portal/index.ts';
import {
  type Counterparty,
  type CounterpartyRail,
  type CounterpartyStatus,
  type CounterpartyType,
  MICRO_DEPOSIT_TRIES_MAX,
  linkStatus,
  microDepositAmounts,
  microDepositsMatch,
  movementProblem,
} from './counterparties.domain.ts';
import { CounterpartyErrors } from './counterparties.errors.ts';
import {
  type AddressInput,
  type BankAccountCorrection,
  type CounterpartyNameInput,
  type NewCounterpartyInput,
  checkAddress,
  checkBankAccountCorrection,
  checkName,
  counterpartyFields,
} from './counterparties.input.ts';
import * as repo from './counterparties.repo.ts';

/** What may change on a counterparty: its name, a wire's address and instructions, unlinking. */
export interface CounterpartyChange {
  readonly counterpartyName?: CounterpartyNameInput | undefined;
  readonly address?: AddressInput | undefined;
  readonly wireInstructions?: string | undefined;
  /** Only UNLINKED is accepted (final); anything else is refused. */
  readonly status?: CounterpartyStatus | undefined;
}

/** A list's filter as the doors give it. */
export interface CounterpartyListFilter {
  readonly customerId?: string | undefined;
  readonly types?: readonly CounterpartyType[] | undefined;
  readonly status?: CounterpartyStatus | undefined;
}

/** Plaid Link's result as Jiko forwards it (PlaidCreateCounterparties). */
export interface PlaidLinkResult {
  readonly publicToken: string;
  readonly institutionId?: string | undefined;
  readonly accounts: readonly { readonly id: string; readonly name?: string | undefined; readonly mask?: string | undefined }[];
}

/** Plaid Link token request (PlaidLinkTokenRequest). */
export interface PlaidLinkTokenInput {
  readonly clientName: string;
  readonly redirectUri?: string | undefined;
  readonly androidPackageName?: string | undefined;
  readonly counterpartyId?: string | undefined;
}

/** Plaid's sandbox bank: routing number of its test accounts (First Platypus Bank). */
export const PLAID_SANDBOX_ROUTING_NUMBER = '011401533';
/** Lifetime of a Plaid Link token (Plaid: four hours). */
export const PLAID_LINK_TOKEN_TTL_MS = 4 * 60 * 60 * 1000;

/**
 * Counterparties of a tenant and their verification. Every change runs exactly once; ids of
 * another tenant (or, on a customer's path, of another customer) are not found (404).
 */
export interface CounterpartiesService {
  /** @param customerId the owner, or null for the partner's own counterparty. @throws 404 customer, 422 fields. */
  create(ctx: RequestContext, customerId: string | null, input: NewCounterpartyInput): Promise<Counterparty>;
  /** @throws 404 when the tenant (or the customer, when given) has no such counterparty. */
  get(ctx: RequestContext, id: string, customerId?: string): Promise<Counterparty>;
  /** For the rails, inside their transaction: the tenant's counterparty whatever its state. @throws 404 for an id the tenant does not own. */
  find(q: Queryable, ctx: RequestContext, id: string): Promise<Counterparty>;
  /** Newest first, cursor-paged. @throws 404 for an unknown customer. */
  list(ctx: RequestContext, filter: CounterpartyListFilter, page: PageRequest): Promise<CursorList<Counterparty>>;
  update(ctx: RequestContext, id: string, change: CounterpartyChange): Promise<Counterparty>;
  /**
   * Checks the two micro-deposit amounts (cents, either order). A wrong pair counts a failure and
   * is kept (the answer is the counterparty); the third fails the counterparty.
   * @throws 422 when the counterparty is not verified by micro-deposits or is no longer IN_PROGRESS;
   *   409 `counterparties.micro_deposits_not_sent` (conflict) before the ACH window sent them (nothing
   *   changes, no failure is counted).
   */
  confirmMicroDeposits(ctx: RequestContext, id: string, amountsCents: readonly [bigint, bigint]): Promise<Counterparty>;
  /** A sandbox Link token (`link-sandbox-...`), valid four hours; no network is called. */
  plaidLinkToken(ctx: RequestContext, customerId: string, input: PlaidLinkTokenInput): Promise<{ linkToken: string; expiration: Date }>;
  /**
   * One ACH counterparty per Plaid account: verified at once with an institution, else waiting for
   * Plaid's same-day micro-deposits (PENDING_MANUAL_VERIFICATION). Only sandbox public tokens.
   */
  plaidCreate(ctx: RequestContext, customerId: string, result: PlaidLinkResult): Promise<Counterparty[]>;
  /** Completes a PENDING_MANUAL_VERIFICATION (MANUALLY_VERIFIED); a repeat changes nothing. */
  plaidVerify(ctx: RequestContext, customerId: string, id: string): Promise<void>;
  /**
   * For the rails, inside their transaction: the counterparty money may move with on `rail`.
   * @throws 404 for an id the tenant does not own; 422 `counterparties.not_linked` at `counterpartyId`
   * when it is not LINKED or not of the rail's type (movementProblem).
   */
  usable(q: Queryable, ctx: RequestContext, id: string, rail: CounterpartyRail): Promise<Counterparty>;
  /**
   * Sandbox: the micro-deposit amounts (cents) as the customer would read them on a statement.
   * @throws 404 for an id the tenant does not own; 422 when it is not verified by micro-deposits.
   */
  microDeposits(ctx: RequestContext, id: string): Promise<repo.MicroDeposits>;
  /**
   * For the ACH window, inside its transaction: the micro-deposit verifications recorded by
   * `ctx.now` and not sent yet, of ach counterparties still IN_PROGRESS (locked, oldest first),
   * each with its two amounts in cents.
   */
  microDepositsToSend(q: Queryable, ctx: RequestContext): Promise<{ counterparty: Counterparty; amountsCents: readonly [bigint, bigint] }[]>;
  /** For the ACH window: the micro-deposits of these counterparties went out at `ctx.now`. */
  markMicroDepositsSent(q: Queryable, ctx: RequestContext, counterpartyIds: readonly string[]): Promise<void>;
  /**
   * For the ACH rail, inside its transaction: a notification of change corrects an ach
   * counterparty's routing number, account number or both; the next entry uses them.
   * @throws 404 for an id the tenant does not own; 422 at `routingNumber` / `accountNumber` for a
   *   value that fails the ABA check digit or is not 4-17 digits, or for a counterparty not of type ach.
   */
  correctBankAccount(q: Queryable, ctx: RequestContext, id: string, correction: BankAccountCorrection): Promise<Counterparty>;
}

const KEY_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$/;

/** A list's cursor key is [ISO 8601 UTC time, uuid] (cursorList made it); anything else is refused before SQL. */
function checkCursorKey(page: PageRequest): void {
  if (page.after === undefined) return;
  const [time, id, ...rest] = page.after;
  const valid = rest.length === 0 && typeof time === 'string' && KEY_TIME.test(time) && !Number.isNaN(Date.parse(time)) && typeof id === 'string' && isUuid(id);
  if (!valid) throw CounterpartyErrors.cursorInvalid();
}

/**
 * How counterparties reach the scheduler (services.ts passes it): the ACH window that sends the
 * micro-deposits is a scheduled task, and the scheduler runs a tenant's tasks only once enrolled.
 */
export interface CounterpartiesScheduler {
  /** Enrolls the tenant (idempotent; nothing due before `now`), in the caller's transaction. */
  enroll(tx: Tx, tenantId: string, now: Date): Promise<void>;
}

/**
 * @param deps.scheduler enrolls the tenant when a micro-deposit verification starts, so that a
 *   partner with no pocket yet still has its ACH window send them (docs/COUNTERPARTIES.md).
 * @param deps.scenarios the sandbox's failure scenarios (sandbox mode only; docs/SANDBOX.md).
 */
export function createCounterpartiesService(deps: {
  db: Db;
  scheduler: CounterpartiesScheduler;
  scenarios?: MicroDepositScenarioSource | undefined;
}): CounterpartiesService {
  const { db, scheduler } = deps;

  async function requireCustomer(q: Queryable, ctx: RequestContext, customerId: string): Promise<void> {
    if (!(await findCustomer(q, ctx.tenantId, customerId))) throw CounterpartyErrors.customerNotFound();
  }

  async function counterpartyOf(q: Queryable, ctx: RequestContext, id: string, customerId?: string, lock = false): Promise<Counterparty> {
    if (customerId !== undefined) await requireCustomer(q, ctx, customerId);
    const found = isUuid(id) ? await repo.findCounterparty(q, ctx.tenantId, id, lock) : undefined;
    if (!found || (customerId !== undefined && found.customerId !== customerId)) throw CounterpartyErrors.notFound();
    return found;
  }

  async function store(tx: Tx, ctx: RequestContext, c: Counterparty): Promise<Counterparty> {
    await repo.insertCounterparty(tx, ctx.tenantId, c);
    if (c.verificationMethod !== 'micro_deposits') return c;
    // The ACCTVERIFY credits and their offsetting debit are originated by the ACH rail from this
    // record, in its scheduled window: the tenant must be enrolled even before its first pocket.
    await repo.insertMicroDeposits(tx, ctx.tenantId, c.id, microDepositAmounts(), ctx.now);
    await scheduler.enroll(tx, ctx.tenantId, ctx.now);
    return { ...c, microDepositFailures: 0 };
  }

  async function save(tx: Tx, ctx: RequestContext, c: Counterparty): Promise<Counterparty> {
    const changed = { ...c, updatedAt: ctx.now };
    await repo.updateCounterparty(tx, ctx.tenantId, changed);
    return changed;
  }

  return {
    create: (ctx, customerId, input) =>
      exactlyOnce(db, ctx, async (tx) => {
        if (customerId !== null) await requireCustomer(tx, ctx, customerId);
        const fields = counterpartyFields(input);
        let onUsPocketId: string | null = null;
        if (input.type === 'on_us') {
          const portal = await findPortalByAccountNumber(tx, ctx.tenantId, fields.accountNumber ?? '');
          if (!portal || portal.status !== 'OPEN') throw CounterpartyErrors.unknownNetworkAddress();
          onUsPocketId = portal.pocketId;
        }
        const verificationStatus = fields.verificationMethod === 'pre_verified' ? 'VERIFIED' : 'IN_PROGRESS';
        return store(tx, ctx, {
          ...fields, id: newId(), customerId, onUsPocketId, verificationStatus, status: linkStatus(verificationStatus),
          plaid: null, microDepositFailures: null, timeCreated: ctx.now, updatedAt: ctx.now,
        });
      }),

    get: (ctx, id, customerId) => counterpartyOf(db, ctx, id, customerId),

    find: (q, ctx, id) => counterpartyOf(q, ctx, id),

    async list(ctx, filter, page) {
      checkCursorKey(page);
      if (filter.customerId !== undefined) await requireCustomer(db, ctx, filter.customerId);
      const rows = await repo.listCounterparties(db, ctx.tenantId, filter, page);
      return cursorList(page, rows, (c) => [c.timeCreated.toISOString(), c.id], (c) => c);
    },

    update: (ctx, id, change) =>
      exactlyOnce(db, ctx, async (tx) => {
        let c = await counterpartyOf(tx, ctx, id, undefined, true);
        const wireType = c.type === 'wire' || c.type === 'international_wire';
        if (change.status !== undefined) {
          if (change.status !== 'UNLINKED') throw CounterpartyErrors.statusNotSupported();
          c = { ...c, status: 'UNLINKED' };
        }
        if (change.counterpartyName !== undefined) {
          const name = checkName(change.counterpartyName);
          c = { ...c, counterpartyName: name.counterpartyName, nameOnAccount: name.nameOnAccount };
        }
        if (change.address !== undefined) {
          if (!wireType) throw CounterpartyErrors.notUsed(['address'], c.type);
          c = { ...c, address: checkAddress(change.address) };
        }
        if (change.wireInstructions !== undefined) {
          if (!wireType) throw CounterpartyErrors.notUsed(['wireInstructions'], c.type);
          c = { ...c, wireInstructions: change.wireInstructions };
        }
        return save(tx, ctx, c);
      }),

    confirmMicroDeposits: (ctx, id, amountsCents) =>
      exactlyOnce(db, ctx, async (tx) => {
        const c = await counterpartyOf(tx, ctx, id, undefined, true);
        const sent = c.verificationMethod === 'micro_deposits' ? await repo.findMicroDeposits(tx, ctx.tenantId, c.id) : undefined;
        if (!sent) throw CounterpartyErrors.notMicroDeposits();
        if (c.verificationStatus !== 'IN_PROGRESS' || c.status === 'UNLINKED') throw CounterpartyErrors.verificationClosed(c.status);
        // Amounts never sent cannot be known: refused, and not a wrong try.
        if (sent.sentAt === null) throw CounterpartyErrors.microDepositsNotSent();
        // Sandbox failure scenarios (docs/SANDBOX.md): the micro-deposits bounced, so the verification fails.
        if (await deps.scenarios?.bounced(tx, ctx, { counterpartyId: c.id, nameOnAccount: c.nameOnAccount })) {
          return save(tx, ctx, { ...c, verificationStatus: 'FAILED', status: linkStatus('FAILED') });
        }
        if (microDepositsMatch(sent.amountsCents, amountsCents)) return save(tx, ctx, { ...c, verificationStatus: 'VERIFIED', status: 'LINKED' });
        const failures = sent.failures + 1;
        await repo.setMicroDepositFailures(tx, ctx.tenantId, c.id, failures);
        const verificationStatus = failures >= MICRO_DEPOSIT_TRIES_MAX ? 'FAILED' : 'IN_PROGRESS';
        return save(tx, ctx, { ...c, verificationStatus, status: linkStatus(verificationStatus), microDepositFailures: failures });
      }),

    async plaidLinkToken(ctx, customerId, input) {
      await requireCustomer(db, ctx, customerId);
      if (input.redirectUri !== undefined && input.androidPackageName !== undefined) throw CounterpartyErrors.plaidClientTarget();
      if (input.counterpartyId !== undefined) {
        const c = await counterpartyOf(db, ctx, input.counterpartyId, customerId);
        if (c.plaid === null) throw CounterpartyErrors.notPlaidManual();
      }
      return { linkToken: `link-sandbox-${newId()}`, expiration: new Date(ctx.now.getTime() + PLAID_LINK_TOKEN_TTL_MS) };
    },

    plaidCreate: (ctx, customerId, result) =>
      exactlyOnce(db, ctx, async (tx) => {
        await requireCustomer(tx, ctx, customerId);
        if (!result.publicToken.startsWith('public-sandbox-')) throw CounterpartyErrors.plaidToken();
        const automatic = result.institutionId !== undefined;
        const created: Counterparty[] = [];
        for (const account of result.accounts) {
          const mask = account.mask ?? '0000';
          const name = account.name ?? 'Plaid account';
          created.push(await store(tx, ctx, {
            id: newId(), customerId, type: 'ach', verificationMethod: 'plaid',
            verificationStatus: automatic ? 'VERIFIED' : 'IN_PROGRESS', status: automatic ? 'LINKED' : 'PENDING',
            counterpartyName: { type: 'business', business_name: name }, nameOnAccount: name,
            routingNumber: PLAID_SANDBOX_ROUTING_NUMBER, accountNumber: `1111222233${mask}`, accountType: 'CHECKING',
            bic: null, identifier: null, identifierType: null, address: null, wireInstructions: null,
            institutionName: result.institutionId ?? null, onUsPocketId: null,
            plaid: { accountId: account.id, mask, verificationStatus: automatic ? 'AUTOMATICALLY_VERIFIED' : 'PENDING_MANUAL_VERIFICATION' },
            microDepositFailures: null, timeCreated: ctx.now, updatedAt: ctx.now,
          }));
        }
        return created;
      }),

    async microDeposits(ctx, id) {
      const c = await counterpartyOf(db, ctx, id);
      const sent = await repo.findMicroDeposits(db, ctx.tenantId, c.id);
      if (!sent) throw CounterpartyErrors.notMicroDeposits();
      return sent;
    },

    microDepositsToSend: (q, ctx) => repo.unsentMicroDeposits(q, ctx.tenantId, ctx.now),

    markMicroDepositsSent: async (q, ctx, counterpartyIds) => {
      if (counterpartyIds.length > 0) await repo.markMicroDepositsSent(q, ctx.tenantId, counterpartyIds, ctx.now);
    },

    async correctBankAccount(q, ctx, id, correction) {
      const checked = checkBankAccountCorrection(correction);
      const c = await counterpartyOf(q, ctx, id, undefined, true);
      if (c.type !== 'ach') throw CounterpartyErrors.notUsed(['routingNumber'], c.type);
      const routingNumber = checked.routingNumber ?? c.routingNumber!;
      const accountNumber = checked.accountNumber ?? c.accountNumber!;
      await repo.correctBankAccount(q, ctx.tenantId, c.id, routingNumber, accountNumber, ctx.now);
      return { ...c, routingNumber, accountNumber, updatedAt: ctx.now };
    },

    async usable(q, ctx, id, rail) {
      const c = await counterpartyOf(q, ctx, id);
      const problem = movementProblem(c, rail);
      if (problem) throw CounterpartyErrors.notLinked(problem);
      return c;
    },

    plaidVerify: (ctx, customerId, id) =>
      exactlyOnce(db, ctx, async (tx) => {
        const c = await counterpartyOf(tx, ctx, id, customerId, true);
        if (c.plaid?.verificationStatus === 'MANUALLY_VERIFIED') return;
        if (c.plaid?.verificationStatus !== 'PENDING_MANUAL_VERIFICATION') throw CounterpartyErrors.notPlaidManual();
        if (c.status === 'UNLINKED') throw CounterpartyErrors.verificationClosed(c.status);
        await save(tx, ctx, { ...c, verificationStatus: 'VERIFIED', status: 'LINKED', plaid: { ...c.plaid, verificationStatus: 'MANUALLY_VERIFIED' } });
      }),
  };
}
