import { type CardForAuthorization } from '../../cards/index.ts';
import { pocketAccountBalances } from '../../ledger/index.ts';
import type { MarketService } from '../../market/index.ts';
import type { BankLeg, Movement, MovementPocket, Movements } from '../../movements/index.ts';
import { QuoteBook, openLots, unitsValueCents } from '../../portfolio/index.ts';
import type { Tx } from '../../../platform/db/index.ts';

/**
 * The card issuer's bookings on the movements primitive: what a pocket can pay now, a hold
 * (sweep to the bank account, then a pending CARD_AUTHORIZATION entry from bank cash to the
 * tenant's card_clearing account), its release, a posting (CARD_SETTLEMENT) and a refund
 * (CARD_REFUND). Everything is added to the movement and written by its commit. docs/CARDS.md.
 */

/** What the pocket can pay now, in cents. */
export interface Funds {
  /** Brokerage cash held by pending entries of other rails (never spent here). */
  readonly brokerageHeldCents: bigint;
  /** Brokerage cash free to spend. */
  readonly cashCents: bigint;
  /** What the pocket's bills fetch sold now: the bid for the sale's settlement date, by bill, whole units. */
  readonly billsCents: bigint;
}

export function createCardBook(deps: { market: MarketService; movements: Movements }) {
  const { market, movements } = deps;

  /**
   * The pocket's funds in the movement: free brokerage cash, and its open lots valued exactly as
   * `raiseCash` would sell them (same quotes: the pricing date's rates, days counted from the
   * sale's settlement date; each bill's units valued together).
   */
  async function funds(tx: Tx, m: Movement, pocket: MovementPocket): Promise<Funds> {
    const accounts = (await pocketAccountBalances(tx, m.ctx.tenantId, [pocket.id])).get(pocket.id)!;
    const brokerageHeldCents = accounts.brokerage_cash.postedCents - accounts.brokerage_cash.availableCents;
    const cashCents = m.work.balances(pocket.id).brokerage_cash - brokerageHeldCents;
    const book = new QuoteBook(market, m.time.pricingDate);
    const units = new Map<string, { maturityDate: string; units: bigint }>();
    for (const lot of await openLots(tx, m.ctx.tenantId, [pocket.id])) {
      const held = units.get(lot.cusip);
      units.set(lot.cusip, { maturityDate: lot.maturity_date, units: (held?.units ?? 0n) + lot.units });
    }
    let billsCents = 0n;
    for (const [cusip, held] of units) billsCents += unitsValueCents(held.units, book.bid(cusip, held.maturityDate, m.time.settlementDate));
    return { brokerageHeldCents, cashCents: cashCents > 0n ? cashCents : 0n, billsCents };
  }

  /**
   * Brings `amountCents` (or as much as there is, when `partial`) into the pocket's bank account:
   * sells bills when the free brokerage cash is short, then sweeps.
   * @returns what was swept and the proceeds of the bills sold; swept 0 when `partial` is false
   *   and the pocket cannot pay it all (then nothing was sold).
   */
  async function bringToBank(tx: Tx, m: Movement, pocket: MovementPocket, amountCents: bigint, partial: boolean, reference: { id: string }) {
    const heldCents = (await funds(tx, m, pocket)).brokerageHeldCents;
    const before = m.work.balances(pocket.id).brokerage_cash;
    let cash = await movements.raiseCash(tx, m, pocket, amountCents + heldCents, null);
    if (cash === undefined && partial) cash = await movements.raiseCash(tx, m, pocket, undefined, null);
    const soldCents = m.work.balances(pocket.id).brokerage_cash - before;
    if (cash === undefined) return { sweptCents: 0n, soldCents };
    const free = cash - heldCents;
    const sweptCents = free >= amountCents ? amountCents : free > 0n ? free : 0n;
    if (sweptCents > 0n) sweep(m, pocket, sweptCents, 'to_bank', reference.id);
    return { sweptCents, soldCents };
  }

  /** Moves cash between the pocket's brokerage and bank accounts (posted SWEEP). */
  function sweep(m: Movement, pocket: MovementPocket, amountCents: bigint, way: 'to_bank' | 'to_brokerage', referenceId: string): void {
    const sign = way === 'to_bank' ? 1n : -1n;
    m.work.post({
      referenceType: 'CardAuthorization', referenceId, occurredAt: m.time.at, bookDate: m.time.bookDate, entryType: 'SWEEP',
      description: way === 'to_bank' ? 'Sweep brokerage to bank' : 'Sweep bank to brokerage', postings: [
        { account: { pocketId: pocket.id, kind: 'brokerage_cash' }, amountCents: -sign * amountCents },
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: sign * amountCents },
      ],
    });
  }

  /** A pending CARD_AUTHORIZATION entry holding `amountCents` of the pocket's bank cash. @returns its id. */
  function holdEntry(m: Movement, pocket: MovementPocket, amountCents: bigint, authorizationId: string, merchant: string): string {
    return m.work.post({
      referenceType: 'CardAuthorization', referenceId: authorizationId, occurredAt: m.time.at, bookDate: m.time.bookDate, status: 'pending',
      entryType: 'CARD_AUTHORIZATION', description: `Card authorization at ${merchant}`, postings: [
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: -amountCents },
        { account: { system: 'card_clearing' }, amountCents },
      ],
    });
  }

  /** A posted CARD_SETTLEMENT entry paying `amountCents` of bank cash to the network. @returns its id. */
  function postEntry(m: Movement, pocket: MovementPocket, amountCents: bigint, authorizationId: string, merchant: string): string {
    return m.work.post({
      referenceType: 'CardAuthorization', referenceId: authorizationId, occurredAt: m.time.at, bookDate: m.time.bookDate,
      entryType: 'CARD_SETTLEMENT', description: `Card payment to ${merchant}`, postings: [
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents: -amountCents },
        { account: { system: 'card_clearing' }, amountCents },
      ],
    });
  }

  /** A posted CARD_REFUND entry: the network pays the pocket's bank account, swept to brokerage. @returns its id. */
  function refundEntry(m: Movement, pocket: MovementPocket, amountCents: bigint, authorizationId: string, merchant: string): string {
    const id = m.work.post({
      referenceType: 'CardAuthorization', referenceId: authorizationId, occurredAt: m.time.at, bookDate: m.time.bookDate,
      entryType: 'CARD_REFUND', description: `Card refund from ${merchant}`, postings: [
        { account: { system: 'card_clearing' }, amountCents: -amountCents },
        { account: { pocketId: pocket.id, kind: 'bank_cash' }, amountCents },
      ],
    });
    sweep(m, pocket, amountCents, 'to_brokerage', authorizationId);
    return id;
  }

  /** The bank transaction leg of a card payment. */
  function leg(card: Pick<CardForAuthorization, 'cardId'>, merchant: string, mcc: string, preAuthorization: boolean, refund: boolean): BankLeg {
    return {
      type: 'CARD', description: refund ? 'Card Refund' : 'Card Purchase', title: merchant,
      card: { cardId: card.cardId, counterparty: merchant, merchantType: mcc, preAuthorization },
    };
  }

  return { funds, bringToBank, sweep, holdEntry, postEntry, refundEntry, leg };
}

export type CardBook = ReturnType<typeof createCardBook>;
