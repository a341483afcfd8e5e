/**
 * A returned wire as an ISO 20022 `pacs.004.001.10` PaymentReturn: the beneficiary's bank sends
 * the money of a pacs.008 back, naming the original message, its UETR and a return reason. The
 * version is the one Fedwire Funds uses for returns (its sample messages declare pacs.004.001.10).
 * Pure, like pacs008.ts.
 *
 * Source: the pacs.004.001.10 schema in data/iso20022/; the reason codes are from ISO's
 * ExternalReturnReason1Code list (the schema only types them as 1 to 4 characters, so the list
 * this module accepts is checked here). Field mapping: docs/WIRES.md.
 */
import { create } from 'xmlbuilder2';
import {
  CHARGE_BEARERS,
  MAX_TEXT_105,
  MAX_TEXT_35,
  addAccount,
  addAgent,
  addAmount,
  addGroupHeader,
  addParty,
  checkCode,
  checkDate,
  checkText,
  checkUetr,
  newYorkDateTime,
} from './iso20022.domain.ts';
import { END_TO_END_ID_NOT_PROVIDED, LOCAL_INSTRUMENT_CUSTOMER_TRANSFER, type OutgoingWire, PACS008_VERSION } from './pacs008.ts';
import { WireMessageErrors } from './wire.errors.ts';

/** The message definition this module writes. */
export const PACS004_VERSION = 'pacs.004.001.10';
/** Its XML namespace. */
export const PACS004_NAMESPACE = `urn:iso:std:iso:20022:tech:xsd:${PACS004_VERSION}`;

/**
 * The return reasons this module writes, from ISO's ExternalReturnReason1Code list, with their
 * meaning. `NARR` needs `additionalInformation`.
 */
export const WIRE_RETURN_REASONS = {
  AC01: 'incorrect account number',
  AC03: 'invalid creditor account number',
  AC04: 'closed account number',
  AC06: 'blocked account',
  AG01: 'transaction forbidden on this account',
  AM09: 'wrong amount',
  BE04: 'missing creditor address',
  CUST: 'requested by the customer',
  DUPL: 'duplicate payment',
  FOCR: 'following a cancellation request',
  FRAD: 'fraudulent origin',
  MS03: 'reason not specified, agent generated',
  NARR: 'reason given as narrative',
  RC01: 'bank identifier incorrect',
} as const;

/** A return reason code (`RtrRsnInf/Rsn/Cd`). */
export type WireReturnReason = keyof typeof WIRE_RETURN_REASONS;
const RETURN_REASON_CODES = Object.keys(WIRE_RETURN_REASONS) as WireReturnReason[];

/** The return of one wire: what is returned, when, and why. */
export interface WireReturn {
  /** The wire being returned, as its pacs.008 described it. */
  readonly original: OutgoingWire;
  /** `GrpHdr/MsgId` of the return, up to 35 characters. */
  readonly messageId: string;
  /** `RtrId`, the returning bank's reference, up to 35 characters. */
  readonly returnId: string;
  readonly createdAt: Date;
  /** `IntrBkSttlmDt` of the return, YYYY-MM-DD. */
  readonly settlementDate: string;
  /** The amount returned, in cents; the original amount when absent (it may be less, after the returning bank's charges). */
  readonly returnedAmountCents?: bigint;
  readonly reason: WireReturnReason;
  /** `RtrRsnInf/AddtlInf`, up to 105 characters; required with `NARR`. */
  readonly additionalInformation?: string;
}

/**
 * The pacs.004.001.10 document of `wireReturn`: UTF-8 XML text. It names the original message
 * (`OrgnlGrpInf`: MsgId, `pacs.008.001.08`, creation time), its references and UETR, the original
 * amount and date, and reverses the parties: the return goes from the original instructed agent back
 * to the original instructing agent, the creditor becoming the debtor of the return chain.
 * @throws DomainError (`wires.*`) naming the field at fault (paths under `original` for the original
 *   wire's values); `wires.amount_out_of_range` also when more than the original amount is returned;
 *   `wires.text_empty` at `additionalInformation` for `NARR` without it.
 */
export function buildPacs004(wireReturn: WireReturn): string {
  const { original } = wireReturn;
  const reason = checkCode(wireReturn.reason, RETURN_REASON_CODES, ['reason']);
  if (reason === 'NARR' && wireReturn.additionalInformation === undefined) throw WireMessageErrors.textEmpty(['additionalInformation']);
  const returnedCents = wireReturn.returnedAmountCents ?? original.amountCents;
  if (returnedCents > original.amountCents) throw WireMessageErrors.amountOutOfRange(['returnedAmountCents']);

  const document = create({ version: '1.0', encoding: 'UTF-8' }).ele(PACS004_NAMESPACE, 'Document');
  const paymentReturn = document.ele('PmtRtr');
  addGroupHeader(paymentReturn, wireReturn.messageId, wireReturn.createdAt);

  const tx = paymentReturn.ele('TxInf');
  tx.ele('RtrId').txt(checkText(wireReturn.returnId, MAX_TEXT_35, ['returnId']));
  const group = tx.ele('OrgnlGrpInf');
  group.ele('OrgnlMsgId').txt(checkText(original.messageId, MAX_TEXT_35, ['original', 'messageId']));
  group.ele('OrgnlMsgNmId').txt(PACS008_VERSION);
  group.ele('OrgnlCreDtTm').txt(newYorkDateTime(original.createdAt, ['original', 'createdAt']));
  tx.ele('OrgnlInstrId').txt(checkText(original.instructionId, MAX_TEXT_35, ['original', 'instructionId']));
  tx.ele('OrgnlEndToEndId').txt(checkText(original.endToEndId ?? END_TO_END_ID_NOT_PROVIDED, MAX_TEXT_35, ['original', 'endToEndId']));
  tx.ele('OrgnlUETR').txt(checkUetr(original.uetr, ['original', 'uetr']));
  addAmount(tx, 'OrgnlIntrBkSttlmAmt', original.amountCents, ['original', 'amountCents']);
  tx.ele('OrgnlIntrBkSttlmDt').txt(checkDate(original.settlementDate, ['original', 'settlementDate']));
  addAmount(tx, 'RtrdIntrBkSttlmAmt', returnedCents, ['returnedAmountCents']);
  tx.ele('IntrBkSttlmDt').txt(checkDate(wireReturn.settlementDate, ['settlementDate']));
  addAmount(tx, 'RtrdInstdAmt', returnedCents, ['returnedAmountCents']);
  tx.ele('ChrgBr').txt(checkCode(original.chargeBearer, CHARGE_BEARERS, ['original', 'chargeBearer']));
  const instructed = original.instructedAgent ? 'instructedAgent' : 'creditorAgent';
  const instructing = original.instructingAgent ? 'instructingAgent' : 'debtorAgent';
  addAgent(tx, 'InstgAgt', original.instructedAgent ?? original.creditorAgent, ['original', instructed]);
  addAgent(tx, 'InstdAgt', original.instructingAgent ?? original.debtorAgent, ['original', instructing]);

  const chain = tx.ele('RtrChain');
  addParty(chain.ele('Dbtr'), 'Pty', original.creditor, ['original', 'creditor']);
  addAccount(chain, 'DbtrAcct', original.creditorAccount, ['original', 'creditorAccount']);
  addAgent(chain, 'DbtrAgt', original.creditorAgent, ['original', 'creditorAgent']);
  addAgent(chain, 'CdtrAgt', original.debtorAgent, ['original', 'debtorAgent']);
  addParty(chain.ele('Cdtr'), 'Pty', original.debtor, ['original', 'debtor']);
  addAccount(chain, 'CdtrAcct', original.debtorAccount, ['original', 'debtorAccount']);

  const reasonInfo = tx.ele('RtrRsnInf');
  reasonInfo.ele('Rsn').ele('Cd').txt(reason);
  if (wireReturn.additionalInformation !== undefined) {
    reasonInfo.ele('AddtlInf').txt(checkText(wireReturn.additionalInformation, MAX_TEXT_105, ['additionalInformation']));
  }
  tx.ele('OrgnlTxRef').ele('PmtTpInf').ele('LclInstrm').ele('Prtry').txt(LOCAL_INSTRUMENT_CUSTOMER_TRANSFER);
  return document.end({ prettyPrint: true });
}
