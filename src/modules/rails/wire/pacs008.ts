/**
 * An outgoing customer wire as an ISO 20022 `pacs.008.001.08` FIToFICustomerCreditTransfer, the
 * message Fedwire Funds carries for customer transfers since its ISO 20022 cutover. One message,
 * one transaction (`NbOfTxs` 1), as Fedwire settles them. Pure: the caller supplies every value,
 * including the instant and the settlement date (from the tenant's clock and Fedwire's calendar).
 *
 * Source: the pacs.008.001.08 schema in data/iso20022/ (element names, order and limits); the
 * Fedwire conventions (`CLRG` through `FDW`, local instrument `CTRC`, agents by `USABA`) follow the
 * Federal Reserve's published sample messages. Field mapping: docs/WIRES.md.
 */
import { create } from 'xmlbuilder2';
import {
  CHARGE_BEARERS,
  type ChargeBearer,
  MAX_TEXT_140,
  MAX_TEXT_35,
  type WireAccount,
  type WireAgent,
  type WireParty,
  addAccount,
  addAgent,
  addAmount,
  addGroupHeader,
  addParty,
  checkCode,
  checkCurrency,
  checkDate,
  checkText,
  checkUetr,
} from './iso20022.domain.ts';

/** The message definition this module writes. */
export const PACS008_VERSION = 'pacs.008.001.08';
/** Its XML namespace. */
export const PACS008_NAMESPACE = `urn:iso:std:iso:20022:tech:xsd:${PACS008_VERSION}`;
/** What `EndToEndId` says when the originator gave no reference (the ISO convention). */
export const END_TO_END_ID_NOT_PROVIDED = 'NOTPROVIDED';
/** Fedwire's local instrument for a customer transfer. */
export const LOCAL_INSTRUMENT_CUSTOMER_TRANSFER = 'CTRC';

/** One outgoing wire, as the wire rail describes it. Text is printable ASCII within the schema's lengths. */
export interface OutgoingWire {
  /** Unique end-to-end transaction reference: a lowercase UUID v4, kept for the return and investigations. */
  readonly uetr: string;
  /** `GrpHdr/MsgId`, up to 35 characters (Fedwire: the IMAD layout, date + source + sequence). */
  readonly messageId: string;
  /** `PmtId/InstrId`, the sender's reference, up to 35 characters. */
  readonly instructionId: string;
  /** `PmtId/EndToEndId`, the originator's reference, up to 35 characters; `NOTPROVIDED` when absent. */
  readonly endToEndId?: string;
  /** When the message was created; written in New York time with its offset. */
  readonly createdAt: Date;
  /** `IntrBkSttlmDt`: the Fedwire business date, YYYY-MM-DD. */
  readonly settlementDate: string;
  /** The amount, in cents; written as dollars with 2 decimals in `IntrBkSttlmAmt` and `InstdAmt`. */
  readonly amountCents: bigint;
  /** Only `USD`; the default. */
  readonly currency?: string;
  readonly chargeBearer: ChargeBearer;
  readonly debtor: WireParty;
  readonly debtorAccount: WireAccount;
  /** The originator's bank (the bank that holds pockets' money). */
  readonly debtorAgent: WireAgent;
  /** The Fedwire participant that sends the message; the debtor agent when absent. */
  readonly instructingAgent?: WireAgent;
  /** The Fedwire participant that receives it; the creditor agent when absent (give a US correspondent for a bank abroad). */
  readonly instructedAgent?: WireAgent;
  /** A correspondent between the instructed agent and the creditor agent (`IntrmyAgt1`). */
  readonly intermediaryAgent?: WireAgent;
  /** The beneficiary's bank. */
  readonly creditorAgent: WireAgent;
  readonly creditor: WireParty;
  readonly creditorAccount: WireAccount;
  /** `RmtInf/Ustrd`, up to 140 characters. */
  readonly remittanceInformation?: string;
}

/**
 * The pacs.008.001.08 document of `wire`: UTF-8 XML text, indented, with its XML declaration.
 * Every value is checked before it is written, so the result validates against the schema.
 * @throws DomainError (`wires.*`, see wire.errors.ts) naming the field of `wire` at fault: text empty,
 *   too long or outside the character set; a bad UETR, date, BIC, IBAN or routing number; an amount not
 *   above zero or beyond 18 digits; a currency other than USD; an unknown charge bearer.
 */
export function buildPacs008(wire: OutgoingWire): string {
  checkCurrency(wire.currency ?? 'USD', ['currency']);
  const document = create({ version: '1.0', encoding: 'UTF-8' }).ele(PACS008_NAMESPACE, 'Document');
  const transfer = document.ele('FIToFICstmrCdtTrf');
  addGroupHeader(transfer, wire.messageId, wire.createdAt);

  const tx = transfer.ele('CdtTrfTxInf');
  const paymentId = tx.ele('PmtId');
  paymentId.ele('InstrId').txt(checkText(wire.instructionId, MAX_TEXT_35, ['instructionId']));
  paymentId.ele('EndToEndId').txt(checkText(wire.endToEndId ?? END_TO_END_ID_NOT_PROVIDED, MAX_TEXT_35, ['endToEndId']));
  paymentId.ele('UETR').txt(checkUetr(wire.uetr, ['uetr']));
  tx.ele('PmtTpInf').ele('LclInstrm').ele('Prtry').txt(LOCAL_INSTRUMENT_CUSTOMER_TRANSFER);
  addAmount(tx, 'IntrBkSttlmAmt', wire.amountCents, ['amountCents']);
  tx.ele('IntrBkSttlmDt').txt(checkDate(wire.settlementDate, ['settlementDate']));
  addAmount(tx, 'InstdAmt', wire.amountCents, ['amountCents']);
  tx.ele('ChrgBr').txt(checkCode(wire.chargeBearer, CHARGE_BEARERS, ['chargeBearer']));

  addAgent(tx, 'InstgAgt', wire.instructingAgent ?? wire.debtorAgent, wire.instructingAgent ? ['instructingAgent'] : ['debtorAgent']);
  addAgent(tx, 'InstdAgt', wire.instructedAgent ?? wire.creditorAgent, wire.instructedAgent ? ['instructedAgent'] : ['creditorAgent']);
  if (wire.intermediaryAgent) addAgent(tx, 'IntrmyAgt1', wire.intermediaryAgent, ['intermediaryAgent']);
  addParty(tx, 'Dbtr', wire.debtor, ['debtor']);
  addAccount(tx, 'DbtrAcct', wire.debtorAccount, ['debtorAccount']);
  addAgent(tx, 'DbtrAgt', wire.debtorAgent, ['debtorAgent']);
  addAgent(tx, 'CdtrAgt', wire.creditorAgent, ['creditorAgent']);
  addParty(tx, 'Cdtr', wire.creditor, ['creditor']);
  addAccount(tx, 'CdtrAcct', wire.creditorAccount, ['creditorAccount']);
  if (wire.remittanceInformation !== undefined) {
    tx.ele('RmtInf').ele('Ustrd').txt(checkText(wire.remittanceInformation, MAX_TEXT_140, ['remittanceInformation']));
  }
  return document.end({ prettyPrint: true });
}
