import { PORTAL_BANK_NAME, PORTAL_ROUTING_NUMBER, abaCheckDigit } from '../portal/index.ts';
import type { RequestContext } from '../../../platform/context.ts';
import type { Queryable, Tx } from '../../../platform/db/index.ts';
import { newId } from '../../../platform/ids.ts';
import { ACH_OPERATOR_ROUTING_NUMBER } from './ach.tasks.ts';
import * as repo from './inbound.repo.ts';
import { AchErrors } from './ach.errors.ts';
import { NACHA_ENTRIES_PER_FILE_MAX, type NachaEntryInput, type SecCode, achTransactionCode, writeNachaFile } from './nacha.ts';

/**
 * Received ACH files (docs/ACH.md "Received files"): the inbound credits a portal receives, as the
 * RDFI (the portals' bank) receives them from the ACH operator, written by this rail's NACHA
 * writer into one received file per tenant and business day.
 */

/** The bank of the sandbox's simulated Originators (the ODFI of every inbound credit): its trace numbers start with its first 8 digits. */
export const SANDBOX_ODFI_ROUTING_NUMBER = `09990002${abaCheckDigit('09990002')}`;
/** The company identification the sandbox's simulated Originators share (`1` + a 9-digit id). */
export const SANDBOX_ORIGINATOR_COMPANY_ID = '1999000002';
/** Company Entry Description of an inbound credit when the request gives none. */
export const INBOUND_ENTRY_DESCRIPTION_DEFAULT = 'DEPOSIT';

/** One inbound ACH credit to a portal. */
export interface InboundAchCredit {
  /** The portal (the Receiver's account at the RDFI): its id, 9-digit routing and account number. */
  readonly portal: { readonly id: string; readonly routingNumber: string; readonly accountNumber: string };
  /** Integer cents, positive. */
  readonly amountCents: bigint;
  readonly secCode: SecCode;
  /** The Originator's name (any text: written as NACHA text, cut to 16 characters). */
  readonly companyName: string;
  /** Shown on the statement (cut to 10 characters); INBOUND_ENTRY_DESCRIPTION_DEFAULT when blank. */
  readonly companyEntryDescription: string;
  /** The Receiver's name as the Originator knows it (cut to 22 characters). */
  readonly receiverName: string;
}

/** How the sandbox records inbound ACH credits through the rail, in its own transaction. */
export interface AchInbound {
  /**
   * Adds `credits` to the tenant's received file of the business day `date` (YYYY-MM-DD; made on
   * the day's first credit; later ones add entries and totals), in `tx`.
   * @returns the trace number of each credit, in order: the ODFI's 8 digits and the entry's
   *   7-digit sequence in the day; the caller books its bank transactions with them.
   * @throws DomainError invalid `ach.too_many_entries` when the day's file would exceed the writer's limit.
   */
  receiveCredits(tx: Tx, ctx: RequestContext, date: string, credits: readonly InboundAchCredit[]): Promise<string[]>;
}

/** Text as a NACHA field can carry it: accents dropped, upper case, other characters a space, cut to `width`; `fallback` when blank. */
function fieldText(value: string, width: number, fallback: string): string {
  const plain = value.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase().replace(/[^ -~]/g, ' ').replace(/ +/g, ' ').trim().slice(0, width).trim();
  return plain === '' ? fallback : plain;
}

function entryOf(row: repo.ReceivedEntryRow, date: string): NachaEntryInput {
  return {
    secCode: row.secCode, direction: 'credit', transactionCode: achTransactionCode('credit', 'checking'),
    receivingRoutingNumber: row.receiverRoutingNumber, accountNumber: row.receiverAccountNumber, amountCents: row.amountCents,
    individualId: '', individualName: row.receiverName, companyName: row.companyName, companyId: row.companyId,
    companyEntryDescription: row.companyEntryDescription, effectiveEntryDate: date, traceNumber: row.traceNumber,
  };
}

/**
 * The text of a received file: its entries as they stand, written by the rail's NACHA writer, the
 * header dated when the day's first credit arrived. Rendered when read, so that a credit adds one
 * entry row instead of rewriting the day's file (whose cost would grow with every credit).
 */
export async function receivedFileText(q: Queryable, tenantId: string, file: { readonly id: string; readonly windowDate: string; readonly createdAt: Date }): Promise<string> {
  const entries = await repo.receivedEntries(q, tenantId, file.id);
  return writeNachaFile({
    immediateDestination: PORTAL_ROUTING_NUMBER, immediateDestinationName: PORTAL_BANK_NAME, immediateOrigin: ACH_OPERATOR_ROUTING_NUMBER,
    immediateOriginName: 'Federal Reserve Bank', odfiRoutingNumber: SANDBOX_ODFI_ROUTING_NUMBER, createdAt: file.createdAt, fileIdModifier: 'A',
    entries: entries.map((row) => entryOf(row, file.windowDate)),
  }).text;
}

/** The rail's recorder of inbound credits (stateless: everything is in the transaction). */
export const achInbound: AchInbound = {
  async receiveCredits(tx, ctx, date, credits) {
    if (credits.length === 0) return [];
    await repo.lockReceivedDay(tx, ctx.tenantId, date);
    const existing = await repo.receivedFileOfDay(tx, ctx.tenantId, date);
    const before = existing?.entryCount ?? 0;
    if (before + credits.length > NACHA_ENTRIES_PER_FILE_MAX) throw AchErrors.tooManyEntries(NACHA_ENTRIES_PER_FILE_MAX);
    const fileId = existing?.id ?? newId();
    const odfi8 = SANDBOX_ODFI_ROUTING_NUMBER.slice(0, 8);
    const added: repo.ReceivedEntryRow[] = credits.map((c, i) => {
      const sequence = before + i + 1;
      return {
        id: newId(), achFileId: fileId, sequence, traceNumber: `${odfi8}${String(sequence).padStart(7, '0')}`, portalId: c.portal.id, secCode: c.secCode,
        companyName: fieldText(c.companyName, 16, 'ORIGINATOR'), companyId: SANDBOX_ORIGINATOR_COMPANY_ID,
        companyEntryDescription: fieldText(c.companyEntryDescription, 10, INBOUND_ENTRY_DESCRIPTION_DEFAULT),
        receiverName: fieldText(c.receiverName, 22, 'ACCOUNT HOLDER'), receiverRoutingNumber: c.portal.routingNumber,
        receiverAccountNumber: c.portal.accountNumber, amountCents: c.amountCents, timeReceived: ctx.now,
      };
    });
    const creditCents = added.reduce((sum, e) => sum + e.amountCents, 0n);
    if (existing === undefined) {
      await repo.insertReceivedFile(tx, ctx.tenantId, { id: fileId, windowDate: date, createdAt: ctx.now, entryCount: added.length, totalCreditCents: creditCents });
    } else {
      await repo.addToReceivedFile(tx, ctx.tenantId, fileId, added.length, creditCents);
    }
    await repo.insertReceivedEntries(tx, ctx.tenantId, added);
    return added.map((e) => e.traceNumber);
  },
};
