import { MARKET_TIME_ZONE, isIsoDate } from '../../../platform/clock.ts';
import { assert } from '../../../platform/assert.ts';
import { isValidRoutingNumber } from '../portal/index.ts';
import { AchErrors } from './ach.errors.ts';

/**
 * The NACHA file writer: one ACH file from a typed description, as pure text. Layout from the
 * Nacha corporate format (94-character records, blocking factor 10) as documented by moov-io/ach
 * (`docs/file-structure.md` and its record parsers); see docs/ACH.md for the choices made here
 * (batching, service class codes, file ID modifier, text rules).
 */

/** Standard Entry Class codes the writer accepts. */
export type SecCode = 'CCD' | 'PPD' | 'WEB';

/** Which way money goes, from the Originator's side: a credit pushes to the Receiver, a debit pulls. */
export type AchDirection = 'credit' | 'debit';

/**
 * Transaction codes the writer accepts: live checking (22 credit, 27 debit) and savings (32, 37),
 * and their prenotes (23, 28, 33, 38). The units digit decides the side: 2-3 credit, 7-8 debit.
 */
export type AchTransactionCode = '22' | '23' | '27' | '28' | '32' | '33' | '37' | '38';

/** The Receiver's account type, which chooses the tens digit of the transaction code. */
export type AchAccountType = 'checking' | 'savings';

const SEC_CODES: ReadonlySet<string> = new Set<SecCode>(['CCD', 'PPD', 'WEB']);
const TRANSACTION_CODES: ReadonlySet<string> = new Set<AchTransactionCode>(['22', '23', '27', '28', '32', '33', '37', '38']);
const PRENOTE_CODES: ReadonlySet<AchTransactionCode> = new Set(['23', '28', '33', '38']);
const CREDIT_CODES: ReadonlySet<AchTransactionCode> = new Set(['22', '23', '32', '33']);

/** The transaction code for a direction, an account type and whether the entry is a prenote. */
export function achTransactionCode(direction: AchDirection, accountType: AchAccountType, prenote = false): AchTransactionCode {
  const tens = accountType === 'checking' ? '2' : '3';
  const units = direction === 'credit' ? (prenote ? '3' : '2') : prenote ? '8' : '7';
  return `${tens}${units}` as AchTransactionCode;
}

/** True for prenote codes (zero-dollar entries that test a routing and account number). */
export function isPrenoteCode(code: AchTransactionCode): boolean {
  return PRENOTE_CODES.has(code);
}

/** One entry of the file, with the batch fields it shares with the entries batched beside it. */
export interface NachaEntryInput {
  readonly secCode: SecCode;
  readonly direction: AchDirection;
  readonly transactionCode: AchTransactionCode;
  /** The Receiver's bank: 9-digit ABA routing number, check digit valid. */
  readonly receivingRoutingNumber: string;
  /** The Receiver's account number at that bank, at most 17 characters. */
  readonly accountNumber: string;
  /** Integer cents, 0 for a prenote, at most 9,999,999,999 (the 10-digit field). */
  readonly amountCents: bigint;
  /** The Originator's reference for the Receiver (Identification Number), at most 15 characters; may be empty. */
  readonly individualId: string;
  /** The Receiver's name (Receiving Company Name for CCD), cut to 22 characters. */
  readonly individualName: string;
  /** The Originator's name as the Receiver knows it, at most 16 characters. */
  readonly companyName: string;
  /** The Originator's identification agreed with the ODFI (often `1` + EIN), at most 10 characters. */
  readonly companyId: string;
  /** Shown on the Receiver's statement (`PAYROLL`, `ACCTVERIFY`), at most 10 characters. */
  readonly companyEntryDescription: string;
  /** Free text shown to the Receiver (`DEC 01`), at most 6 characters; blank when absent. */
  readonly companyDescriptiveDate?: string;
  /** The date the entry should settle, YYYY-MM-DD (a New York business date). */
  readonly effectiveEntryDate: string;
  /** Payment related information for one addenda 05 record, at most 80 characters. */
  readonly addenda?: string;
  /**
   * The trace number the ODFI gave the entry (15 digits starting with its 8-digit routing prefix),
   * for a file of received entries; absent, the writer numbers the entries itself. Given for all
   * entries of a file or for none; ascending within each batch.
   */
  readonly traceNumber?: string;
}

/** One NACHA file to write. */
export interface NachaFileInput {
  /** Receiving point (the ACH Operator or the ODFI): 9-digit ABA routing number. */
  readonly immediateDestination: string;
  readonly immediateDestinationName: string;
  /** Sender: a 9-digit ABA routing number, or a 10-digit company identification agreed with the ODFI. */
  readonly immediateOrigin: string;
  readonly immediateOriginName: string;
  /** The originating bank, whose first 8 digits head every batch and trace number: 9-digit ABA routing number. */
  readonly odfiRoutingNumber: string;
  /** File creation instant, from the tenant's clock; written as the New York date and time. */
  readonly createdAt: Date;
  /** `A` for the day's first file to this destination from this origin, then `B`... (A-Z, 0-9). */
  readonly fileIdModifier: string;
  /** Free text at the end of the file header, at most 8 characters. */
  readonly referenceCode?: string;
  /** Sequence of the first trace number (default 1); traces run on by one through the file. */
  readonly firstTraceSequence?: number;
  readonly entries: readonly NachaEntryInput[];
}

/** The written file: its text and what the caller needs to follow the entries afterwards. */
export interface NachaFile {
  /** The records joined by LF, with a final LF; every record 94 ASCII characters. */
  readonly text: string;
  readonly records: readonly string[];
  /** Trace number (15 digits) of each input entry, in the input's order. */
  readonly traceNumbers: readonly string[];
  readonly batchCount: number;
  readonly blockCount: number;
  /** Entry detail plus addenda records. */
  readonly entryAddendaCount: number;
  /** Sum of the entries' 8-digit receiving DFI identifications, low-order 10 digits. */
  readonly entryHash: bigint;
  readonly totalDebitCents: bigint;
  readonly totalCreditCents: bigint;
}

/** Characters per record, records per block. */
export const NACHA_RECORD_LENGTH = 94;
export const NACHA_BLOCKING_FACTOR = 10;
/** Entries per file: keeps every count inside its field (6-digit batch counts, 7-digit trace sequence). */
export const NACHA_ENTRIES_PER_FILE_MAX = 100_000;
/** The largest amount of one entry: ten digits of cents. */
export const NACHA_AMOUNT_CENTS_MAX = 9_999_999_999n;
const TOTAL_CENTS_MAX = 999_999_999_999n;
const TRACE_SEQUENCE_MAX = 9_999_999;

type Path = readonly (string | number)[];

/** A numeric field: right-justified, zero-filled. A value that does not fit is a programmer error. */
function numeric(value: bigint | number | string, width: number): string {
  const digits = String(value);
  assert(/^\d+$/.test(digits) && digits.length <= width, `numeric field of ${width} digits got ${digits}`);
  return digits.padStart(width, '0');
}

/**
 * Text made writable: Latin letters lose their diacritics (é -> E, ñ -> N, ß -> SS), everything is
 * upper-cased; what is still outside printable ASCII (0x20-0x7E) is refused.
 */
export function nachaText(value: string, field: Path): string {
  const text = value.normalize('NFD').replace(/\p{M}/gu, '').toUpperCase();
  if (!/^[\x20-\x7e]*$/.test(text)) throw AchErrors.textInvalid(field);
  return text;
}

/** An alphanumeric field: trimmed, left-justified, space-filled, upper case; longer text is refused unless `cut`. */
function alpha(value: string, width: number, field: Path, options: { cut?: boolean; required?: boolean } = {}): string {
  const text = nachaText(value, field).trim();
  if (options.required && text.trim() === '') throw AchErrors.textRequired(field);
  if (text.length > width && !options.cut) throw AchErrors.textTooLong(field, width);
  return text.slice(0, width).padEnd(width, ' ');
}

function routing(value: string, field: Path): string {
  if (!isValidRoutingNumber(value)) throw AchErrors.routingInvalid(field);
  return value;
}

/** YYYY-MM-DD -> YYMMDD. */
function yymmdd(date: string, field: Path): string {
  if (!isIsoDate(date)) throw AchErrors.dateInvalid(field);
  return date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10);
}

const CREATION_FORMAT = new Intl.DateTimeFormat('en-CA', {
  timeZone: MARKET_TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** The New York date (YYMMDD) and time (HHMM) of an instant. */
function creationStamp(instant: Date): { date: string; time: string } {
  const parts = CREATION_FORMAT.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)?.value ?? '';
  return { date: part('year').slice(2) + part('month') + part('day'), time: part('hour') + part('minute') };
}

/** The entry's checked amount. */
function entryAmount(entry: NachaEntryInput, index: number): bigint {
  const field = ['entries', index, 'amountCents'];
  // The types say so already; callers that build entries from stored rows get a clear refusal too.
  if (!TRANSACTION_CODES.has(entry.transactionCode)) throw AchErrors.transactionCodeInvalid(['entries', index, 'transactionCode']);
  if (CREDIT_CODES.has(entry.transactionCode) !== (entry.direction === 'credit')) {
    throw AchErrors.directionMismatch(['entries', index, 'transactionCode']);
  }
  if (entry.amountCents < 0n) throw AchErrors.amountNegative(field);
  if (entry.amountCents > NACHA_AMOUNT_CENTS_MAX) throw AchErrors.amountTooLarge(field);
  if (isPrenoteCode(entry.transactionCode) && entry.amountCents !== 0n) throw AchErrors.prenoteAmount(field);
  if (!isPrenoteCode(entry.transactionCode) && entry.amountCents === 0n) throw AchErrors.zeroAmount(field);
  return entry.amountCents;
}

/** An entry with its batch key and its record fields already checked and formatted. */
interface PreparedEntry {
  readonly index: number;
  readonly batchKey: string;
  /** The batch header fields, formatted: entries with equal fields (and side) share a batch. */
  readonly header: {
    companyName: string;
    companyDiscretionary: string;
    companyId: string;
    secCode: SecCode;
    description: string;
    descriptiveDate: string;
    effectiveDate: string;
  };
  readonly direction: AchDirection;
  readonly transactionCode: AchTransactionCode;
  readonly rdfi: string;
  readonly account: string;
  readonly amountCents: bigint;
  readonly individualId: string;
  readonly individualName: string;
  readonly addenda: string | undefined;
  readonly traceNumber: string | undefined;
}

function prepareEntry(entry: NachaEntryInput, index: number): PreparedEntry {
  const at = (name: string): Path => ['entries', index, name];
  if (!SEC_CODES.has(entry.secCode)) throw AchErrors.secCodeInvalid(at('secCode'));
  const header = {
    companyName: alpha(entry.companyName, 16, at('companyName'), { required: true }),
    companyDiscretionary: ' '.repeat(20),
    companyId: alpha(entry.companyId, 10, at('companyId'), { required: true }),
    secCode: entry.secCode,
    description: alpha(entry.companyEntryDescription, 10, at('companyEntryDescription'), { required: true }),
    descriptiveDate: alpha(entry.companyDescriptiveDate ?? '', 6, at('companyDescriptiveDate')),
    effectiveDate: yymmdd(entry.effectiveEntryDate, at('effectiveEntryDate')),
  };
  const amountCents = entryAmount(entry, index);
  const creditOrDebit = CREDIT_CODES.has(entry.transactionCode) ? 'credit' : 'debit';
  return {
    index,
    // One batch per SEC code, side and batch header: every field of a batch header is shared by its entries.
    batchKey: [creditOrDebit, ...Object.values(header)].join('|'),
    header,
    direction: creditOrDebit,
    transactionCode: entry.transactionCode,
    rdfi: routing(entry.receivingRoutingNumber, at('receivingRoutingNumber')),
    account: alpha(entry.accountNumber, 17, at('accountNumber'), { required: true }),
    amountCents,
    individualId: alpha(entry.individualId, 15, at('individualId')),
    individualName: alpha(entry.individualName, 22, at('individualName'), { cut: true, required: true }),
    addenda: entry.addenda === undefined ? undefined : alpha(entry.addenda, 80, at('addenda')),
    traceNumber: entry.traceNumber,
  };
}

/** A routing number is written after a space; a 10-digit company identification fills the field. */
function immediateOrigin(value: string): string {
  if (/^\d{10}$/.test(value)) return value;
  if (isValidRoutingNumber(value)) return ` ${value}`;
  throw AchErrors.originInvalid(['immediateOrigin']);
}

/** The file header (record type 1). */
function fileHeader(input: NachaFileInput): string {
  const destination = ` ${routing(input.immediateDestination, ['immediateDestination'])}`;
  const origin = immediateOrigin(input.immediateOrigin);
  if (!/^[A-Z0-9]$/.test(input.fileIdModifier)) throw AchErrors.fileIdModifierInvalid();
  const created = creationStamp(input.createdAt);
  return [
    '1',
    '01',
    destination,
    origin,
    created.date,
    created.time,
    input.fileIdModifier,
    '094',
    '10',
    '1',
    alpha(input.immediateDestinationName, 23, ['immediateDestinationName'], { required: true }),
    alpha(input.immediateOriginName, 23, ['immediateOriginName'], { required: true }),
    alpha(input.referenceCode ?? '', 8, ['referenceCode']),
  ].join('');
}

/** Totals of a run of entries. */
interface Totals {
  entryAddendaCount: number;
  entryHash: bigint;
  debitCents: bigint;
  creditCents: bigint;
}

const ENTRY_HASH_MODULUS = 10_000_000_000n;

/** One batch (5, 6/7..., 8) and its totals; `nextTrace` is the sequence of its first entry. */
function writeBatch(entries: readonly PreparedEntry[], batchNumber: number, odfi8: string, nextTrace: number, traces: string[]) {
  const first = entries[0]!;
  const h = first.header;
  // Batches never mix sides, so the service class is 220 (credits only) or 225 (debits only).
  const serviceClass = first.direction === 'credit' ? '220' : '225';
  const batch = numeric(batchNumber, 7);
  // Settlement date blank (the ACH Operator fills it), originator status code 1.
  const records = [
    `5${serviceClass}${h.companyName}${h.companyDiscretionary}${h.companyId}${h.secCode}` +
      `${h.description}${h.descriptiveDate}${h.effectiveDate}   1${odfi8}${batch}`,
  ];
  const totals: Totals = { entryAddendaCount: 0, entryHash: 0n, debitCents: 0n, creditCents: 0n };
  let sequence = nextTrace;
  for (const entry of entries) {
    const trace = entry.traceNumber ?? `${odfi8}${numeric(sequence++, 7)}`;
    const traceSequence = trace.slice(8);
    traces[entry.index] = trace;
    const addendaIndicator = entry.addenda === undefined ? '0' : '1';
    // Discretionary data (77-78) blank.
    records.push(
      `6${entry.transactionCode}${entry.rdfi}${entry.account}${numeric(entry.amountCents, 10)}` +
        `${entry.individualId}${entry.individualName}  ${addendaIndicator}${trace}`,
    );
    totals.entryAddendaCount += 1;
    totals.entryHash += BigInt(entry.rdfi.slice(0, 8));
    if (entry.direction === 'credit') totals.creditCents += entry.amountCents;
    else totals.debitCents += entry.amountCents;
    if (entry.addenda !== undefined) {
      records.push(`705${entry.addenda}0001${traceSequence}`);
      totals.entryAddendaCount += 1;
    }
  }
  if (totals.debitCents > TOTAL_CENTS_MAX || totals.creditCents > TOTAL_CENTS_MAX) throw AchErrors.totalTooLarge();
  records.push(
    `8${serviceClass}${numeric(totals.entryAddendaCount, 6)}${numeric(totals.entryHash % ENTRY_HASH_MODULUS, 10)}` +
      `${numeric(totals.debitCents, 12)}${numeric(totals.creditCents, 12)}${h.companyId}${' '.repeat(25)}${odfi8}${batch}`,
  );
  return { records, totals, nextTrace: sequence };
}

/** Entries grouped into batches, batches in the order of their first entry, entries in input order. */
function batchesOf(entries: readonly PreparedEntry[]): PreparedEntry[][] {
  const batches = new Map<string, PreparedEntry[]>();
  for (const entry of entries) {
    const batch = batches.get(entry.batchKey);
    if (batch) batch.push(entry);
    else batches.set(entry.batchKey, [entry]);
  }
  return [...batches.values()];
}

/**
 * Trace numbers given with the entries (a received file): all or none, 15 digits with the ODFI's
 * prefix, ascending within each batch (so unique in the file).
 */
function checkGivenTraces(entries: readonly PreparedEntry[], odfi8: string): void {
  const given = entries.filter((e) => e.traceNumber !== undefined).length;
  if (given === 0) return;
  if (given !== entries.length) throw AchErrors.traceNumberInvalid(['entries', entries.find((e) => e.traceNumber === undefined)!.index, 'traceNumber']);
  for (const batch of batchesOf(entries)) {
    batch.forEach((entry, i) => {
      const trace = entry.traceNumber!;
      if (!/^\d{15}$/.test(trace) || !trace.startsWith(odfi8) || (i > 0 && trace <= batch[i - 1]!.traceNumber!)) {
        throw AchErrors.traceNumberInvalid(['entries', entry.index, 'traceNumber']);
      }
    });
  }
}

/**
 * Writes one NACHA file: file header, one batch per (side, SEC code, company, description,
 * effective date) with service class 220 or 225, entries with their trace numbers (ODFI's 8 digits
 * + a 7-digit sequence running through the file, or the ones given with the entries) and addenda 05, batch controls with counts, entry
 * hash (sum of the 8-digit RDFI ids, low 10 digits) and totals, the file control with the block
 * count, then `9` records up to a whole block of 10.
 *
 * Errors (DomainError, kind `invalid`, codes `ach.*`): no entries or too many; a routing number
 * whose check digit fails; an amount negative, zero on a live entry, non-zero on a prenote or over
 * 10 digits; an unknown SEC or transaction code, or one on the wrong side; text that is not ASCII
 * once accents are dropped, or longer than its field (names of the Receiver are cut instead); a bad
 * date, file ID modifier or trace sequence; a total over 12 digits.
 */
export function writeNachaFile(input: NachaFileInput): NachaFile {
  if (input.entries.length === 0) throw AchErrors.noEntries();
  if (input.entries.length > NACHA_ENTRIES_PER_FILE_MAX) throw AchErrors.tooManyEntries(NACHA_ENTRIES_PER_FILE_MAX);
  const firstTrace = input.firstTraceSequence ?? 1;
  if (!Number.isInteger(firstTrace) || firstTrace < 1 || firstTrace + input.entries.length - 1 > TRACE_SEQUENCE_MAX) {
    throw AchErrors.traceSequenceInvalid();
  }
  const odfi8 = routing(input.odfiRoutingNumber, ['odfiRoutingNumber']).slice(0, 8);
  const header = fileHeader(input);
  const prepared = input.entries.map(prepareEntry);
  checkGivenTraces(prepared, odfi8);
  const records = [header];
  const traces: string[] = new Array<string>(input.entries.length);
  const file: Totals = { entryAddendaCount: 0, entryHash: 0n, debitCents: 0n, creditCents: 0n };
  let nextTrace = firstTrace;
  const batches = batchesOf(prepared);
  batches.forEach((entries, i) => {
    const batch = writeBatch(entries, i + 1, odfi8, nextTrace, traces);
    records.push(...batch.records);
    nextTrace = batch.nextTrace;
    file.entryAddendaCount += batch.totals.entryAddendaCount;
    file.entryHash += batch.totals.entryHash;
    file.debitCents += batch.totals.debitCents;
    file.creditCents += batch.totals.creditCents;
  });
  if (file.debitCents > TOTAL_CENTS_MAX || file.creditCents > TOTAL_CENTS_MAX) throw AchErrors.totalTooLarge();
  const blockCount = Math.ceil((records.length + 1) / NACHA_BLOCKING_FACTOR);
  const entryHash = file.entryHash % ENTRY_HASH_MODULUS;
  records.push(
    `9${numeric(batches.length, 6)}${numeric(blockCount, 6)}${numeric(file.entryAddendaCount, 8)}${numeric(entryHash, 10)}` +
      `${numeric(file.debitCents, 12)}${numeric(file.creditCents, 12)}${' '.repeat(39)}`,
  );
  while (records.length % NACHA_BLOCKING_FACTOR !== 0) records.push('9'.repeat(NACHA_RECORD_LENGTH));
  for (const record of records) assert(record.length === NACHA_RECORD_LENGTH, `a NACHA record of ${record.length} characters`);
  return {
    text: `${records.join('\n')}\n`,
    records,
    traceNumbers: traces,
    batchCount: batches.length,
    blockCount,
    entryAddendaCount: file.entryAddendaCount,
    entryHash,
    totalDebitCents: file.debitCents,
    totalCreditCents: file.creditCents,
  };
}
