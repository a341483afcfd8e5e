/**
 * A strict NACHA file validator for the tests, written from the record layouts of the Nacha
 * corporate format (as annotated by moov-io/ach) and sharing no code with the writer in
 * src/modules/rails/ach: it reads fields by their 1-based positions and recomputes every count,
 * hash and total itself.
 *
 * Checks: 94-character printable ASCII records; record order (1, then batches 5 [6 7*]+ 8, then 9,
 * then only padding); fixed fields; numeric fields are digits; dates and times; routing check
 * digits; service class against the entries' sides; prenotes carry zero; addenda indicator,
 * type, sequence and entry sequence; trace prefix = ODFI, ascending within a batch, unique in the
 * file; batch control against its header and its entries; file control against the batches; block
 * count and padding to a multiple of 10.
 */

export interface ParsedEntry {
  readonly transactionCode: string;
  readonly rdfi: string;
  readonly accountNumber: string;
  readonly amountCents: bigint;
  readonly individualId: string;
  readonly individualName: string;
  readonly traceNumber: string;
  readonly addenda: readonly string[];
}

export interface ParsedBatch {
  readonly serviceClassCode: string;
  readonly companyName: string;
  readonly companyId: string;
  readonly secCode: string;
  readonly companyEntryDescription: string;
  readonly effectiveEntryDate: string;
  readonly odfi: string;
  readonly batchNumber: number;
  readonly entries: ParsedEntry[];
  readonly entryHash: bigint;
  readonly totalDebitCents: bigint;
  readonly totalCreditCents: bigint;
}

export interface ParsedNacha {
  readonly immediateDestination: string;
  readonly immediateOrigin: string;
  readonly creationDate: string;
  readonly creationTime: string;
  readonly fileIdModifier: string;
  readonly batches: ParsedBatch[];
  readonly blockCount: number;
  readonly entryAddendaCount: number;
  readonly entryHash: bigint;
  readonly totalDebitCents: bigint;
  readonly totalCreditCents: bigint;
  readonly recordCount: number;
}

/** 1-based inclusive slice, as the layouts are written. */
const pos = (line: string, from: number, to: number) => line.slice(from - 1, to);

function abaOk(nine: string): boolean {
  if (!/^\d{9}$/.test(nine)) return false;
  const d = [...nine].map(Number);
  return (3 * (d[0]! + d[3]! + d[6]!) + 7 * (d[1]! + d[4]! + d[7]!) + (d[2]! + d[5]! + d[8]!)) % 10 === 0;
}

function dateOk(yymmdd: string): boolean {
  if (!/^\d{6}$/.test(yymmdd)) return false;
  const year = 2000 + Number(yymmdd.slice(0, 2));
  const month = Number(yymmdd.slice(2, 4));
  const day = Number(yymmdd.slice(4, 6));
  const probe = new Date(Date.UTC(year, month - 1, day));
  return probe.getUTCFullYear() === year && probe.getUTCMonth() === month - 1 && probe.getUTCDate() === day;
}

const CREDIT_CODES = new Set(['21', '22', '23', '24', '31', '32', '33', '34']);
const DEBIT_CODES = new Set(['26', '27', '28', '29', '36', '37', '38', '39']);
const PRENOTE_CODES = new Set(['23', '28', '33', '38']);
const SEC_CODES = new Set(['PPD', 'CCD', 'WEB', 'TEL', 'CTX']);

class Checker {
  readonly errors: string[] = [];
  line = 0;
  fail(message: string): void {
    this.errors.push(`line ${this.line}: ${message}`);
  }
  digits(record: string, from: number, to: number, name: string): string {
    const value = pos(record, from, to);
    if (!/^\d+$/.test(value)) this.fail(`${name} (${from}-${to}) is not numeric: '${value}'`);
    return value;
  }
  equal(actual: unknown, expected: unknown, name: string): void {
    if (actual !== expected) this.fail(`${name}: found ${String(actual)}, expected ${String(expected)}`);
  }
}

function checkFileHeader(c: Checker, record: string) {
  c.equal(pos(record, 2, 3), '01', 'priority code');
  const destination = pos(record, 4, 13);
  if (!/^ \d{9}$/.test(destination) || !abaOk(destination.slice(1))) c.fail(`immediate destination '${destination}' is not a space and a valid routing number`);
  const origin = pos(record, 14, 23);
  if (!(/^ \d{9}$/.test(origin) && abaOk(origin.slice(1))) && !/^\d{10}$/.test(origin)) c.fail(`immediate origin '${origin}' is invalid`);
  const date = c.digits(record, 24, 29, 'file creation date');
  if (!dateOk(date)) c.fail(`file creation date ${date} is not a date`);
  const time = c.digits(record, 30, 33, 'file creation time');
  if (Number(time.slice(0, 2)) > 23 || Number(time.slice(2)) > 59) c.fail(`file creation time ${time}`);
  if (!/^[A-Z0-9]$/.test(pos(record, 34, 34))) c.fail('file ID modifier');
  c.equal(pos(record, 35, 37), '094', 'record size');
  c.equal(pos(record, 38, 39), '10', 'blocking factor');
  c.equal(pos(record, 40, 40), '1', 'format code');
  return { destination, origin, date, time, modifier: pos(record, 34, 34) };
}

function parseBatchHeader(c: Checker, record: string, expectedNumber: number) {
  const serviceClassCode = pos(record, 2, 4);
  if (!['200', '220', '225'].includes(serviceClassCode)) c.fail(`service class code ${serviceClassCode}`);
  const secCode = pos(record, 51, 53);
  if (!SEC_CODES.has(secCode)) c.fail(`SEC code ${secCode}`);
  if (pos(record, 5, 20).trim() === '') c.fail('company name is blank');
  if (pos(record, 41, 50).trim() === '') c.fail('company identification is blank');
  if (pos(record, 54, 63).trim() === '') c.fail('company entry description is blank');
  const effective = pos(record, 70, 75);
  if (!dateOk(effective)) c.fail(`effective entry date ${effective}`);
  c.equal(pos(record, 76, 78), '   ', 'settlement date (blank when originating)');
  c.equal(pos(record, 79, 79), '1', 'originator status code');
  const odfi = c.digits(record, 80, 87, 'ODFI identification');
  const batchNumber = Number(c.digits(record, 88, 94, 'batch number'));
  c.equal(batchNumber, expectedNumber, 'batch number');
  return {
    serviceClassCode,
    companyName: pos(record, 5, 20),
    companyId: pos(record, 41, 50),
    secCode,
    companyEntryDescription: pos(record, 54, 63),
    effectiveEntryDate: effective,
    odfi,
    batchNumber,
  };
}

function parseEntry(c: Checker, record: string, odfi: string): ParsedEntry {
  const transactionCode = c.digits(record, 2, 3, 'transaction code');
  if (!CREDIT_CODES.has(transactionCode) && !DEBIT_CODES.has(transactionCode)) c.fail(`transaction code ${transactionCode}`);
  const rdfi = c.digits(record, 4, 11, 'receiving DFI identification');
  const check = c.digits(record, 12, 12, 'check digit');
  if (!abaOk(rdfi + check)) c.fail(`receiving routing number ${rdfi}${check} fails the check digit`);
  const account = pos(record, 13, 29);
  if (account.trim() === '' || account.startsWith(' ')) c.fail(`DFI account number '${account}' is blank or not left-justified`);
  const amountCents = BigInt(c.digits(record, 30, 39, 'amount'));
  if (PRENOTE_CODES.has(transactionCode) && amountCents !== 0n) c.fail('a prenote carries an amount');
  if (pos(record, 55, 76).trim() === '') c.fail('individual name is blank');
  const indicator = pos(record, 79, 79);
  if (indicator !== '0' && indicator !== '1') c.fail(`addenda record indicator ${indicator}`);
  const traceNumber = c.digits(record, 80, 94, 'trace number');
  c.equal(traceNumber.slice(0, 8), odfi, 'trace number prefix (ODFI)');
  return {
    transactionCode,
    rdfi,
    accountNumber: account.trimEnd(),
    amountCents,
    individualId: pos(record, 40, 54).trimEnd(),
    individualName: pos(record, 55, 76).trimEnd(),
    traceNumber,
    addenda: [],
  };
}

function checkAddenda(c: Checker, record: string, entry: ParsedEntry) {
  c.equal(pos(record, 2, 3), '05', 'addenda type code');
  c.equal(Number(c.digits(record, 84, 87, 'addenda sequence number')), entry.addenda.length + 1, 'addenda sequence number');
  c.equal(pos(record, 88, 94), entry.traceNumber.slice(8), 'entry detail sequence number (last 7 of the trace)');
  (entry.addenda as string[]).push(pos(record, 4, 83).trimEnd());
}

function checkBatchControl(c: Checker, record: string, batch: ParsedBatch, records: number) {
  c.equal(pos(record, 2, 4), batch.serviceClassCode, 'batch control service class code');
  c.equal(Number(c.digits(record, 5, 10, 'entry/addenda count')), records, 'batch entry/addenda count');
  c.equal(BigInt(c.digits(record, 11, 20, 'entry hash')), batch.entryHash, 'batch entry hash');
  c.equal(BigInt(c.digits(record, 21, 32, 'total debit')), batch.totalDebitCents, 'batch total debit');
  c.equal(BigInt(c.digits(record, 33, 44, 'total credit')), batch.totalCreditCents, 'batch total credit');
  c.equal(pos(record, 45, 54), batch.companyId, 'batch control company identification');
  c.equal(pos(record, 80, 87), batch.odfi, 'batch control ODFI');
  c.equal(Number(pos(record, 88, 94)), batch.batchNumber, 'batch control batch number');
  const sides = new Set(batch.entries.map((e) => (CREDIT_CODES.has(e.transactionCode) ? 'credit' : 'debit')));
  if (batch.serviceClassCode === '220' && sides.has('debit')) c.fail('a debit in a credits-only (220) batch');
  if (batch.serviceClassCode === '225' && sides.has('credit')) c.fail('a credit in a debits-only (225) batch');
  for (let i = 1; i < batch.entries.length; i++) {
    if (batch.entries[i]!.traceNumber <= batch.entries[i - 1]!.traceNumber) c.fail('trace numbers do not ascend within the batch');
  }
}

/**
 * Parses and checks a NACHA file (LF or CRLF line ends, an optional final line end). Returns the
 * errors found (none for a valid file) and what could be parsed.
 */
export function validateNacha(text: string): { errors: string[]; file: ParsedNacha | undefined } {
  const c = new Checker();
  const lines = text.replace(/\r?\n$/, '').split(/\r?\n/);
  const batches: ParsedBatch[] = [];
  const traces = new Set<string>();
  let header: ReturnType<typeof checkFileHeader> | undefined;
  let fileControl: string | undefined;
  let batch: ParsedBatch | undefined;
  let batchRecords = 0;
  let paddingLines = 0;
  let indicator = '0'; // the addenda record indicator of the last entry
  const closeEntry = () => {
    const entry = batch?.entries.at(-1);
    if (entry && indicator === '1' && entry.addenda.length === 0) c.fail('addenda indicator 1 without addenda');
  };
  for (const [i, record] of lines.entries()) {
    c.line = i + 1;
    if (record.length !== 94) c.fail(`record length ${record.length}, expected 94`);
    if (!/^[\x20-\x7e]*$/.test(record)) c.fail('characters outside printable ASCII');
    const type = record[0];
    const entry = batch?.entries.at(-1);
    if (fileControl !== undefined) {
      if (record !== '9'.repeat(94)) c.fail('only padding records of 94 nines may follow the file control');
      paddingLines++;
    } else if (i === 0) {
      if (type !== '1') c.fail('the file does not start with a file header');
      else header = checkFileHeader(c, record);
    } else if (type === '5' && !batch) {
      batch = { ...parseBatchHeader(c, record, batches.length + 1), entries: [], entryHash: 0n, totalDebitCents: 0n, totalCreditCents: 0n };
      batchRecords = 0;
    } else if (type === '6' && batch) {
      closeEntry();
      const parsed = parseEntry(c, record, batch.odfi);
      indicator = pos(record, 79, 79);
      if (traces.has(parsed.traceNumber)) c.fail(`trace number ${parsed.traceNumber} is not unique in the file`);
      traces.add(parsed.traceNumber);
      batch.entries.push(parsed);
      batchRecords++;
      Object.assign(batch, {
        entryHash: (batch.entryHash + BigInt(parsed.rdfi)) % 10_000_000_000n,
        totalDebitCents: batch.totalDebitCents + (DEBIT_CODES.has(parsed.transactionCode) ? parsed.amountCents : 0n),
        totalCreditCents: batch.totalCreditCents + (CREDIT_CODES.has(parsed.transactionCode) ? parsed.amountCents : 0n),
      });
    } else if (type === '7' && batch && entry) {
      if (indicator !== '1') c.fail('addenda after an entry whose addenda indicator is 0');
      if (entry.addenda.length >= 1) c.fail('more than one addenda 05 on a PPD/CCD/WEB entry');
      checkAddenda(c, record, entry);
      batchRecords++;
    } else if (type === '8' && batch && entry) {
      closeEntry();
      checkBatchControl(c, record, batch, batchRecords);
      batches.push(batch);
      batch = undefined;
    } else if (type === '9' && !batch && batches.length > 0) {
      fileControl = record;
    } else {
      c.fail(`record type '${type}' out of order`);
    }
  }
  if (!header) return { errors: c.errors.length ? c.errors : ['no file header'], file: undefined };
  if (fileControl === undefined) {
    c.fail('no file control record');
    return { errors: c.errors, file: undefined };
  }
  c.line = lines.length - paddingLines;
  const sum = (f: (b: ParsedBatch) => bigint) => batches.reduce((total, b) => total + f(b), 0n);
  const counts = batches.reduce((total, b) => total + b.entries.length + b.entries.reduce((n, e) => n + e.addenda.length, 0), 0);
  const hash = sum((b) => b.entries.reduce((total, e) => total + BigInt(e.rdfi), 0n)) % 10_000_000_000n;
  const file: ParsedNacha = {
    immediateDestination: header.destination,
    immediateOrigin: header.origin,
    creationDate: header.date,
    creationTime: header.time,
    fileIdModifier: header.modifier,
    batches,
    blockCount: Number(c.digits(fileControl, 8, 13, 'block count')),
    entryAddendaCount: Number(c.digits(fileControl, 14, 21, 'entry/addenda count')),
    entryHash: BigInt(c.digits(fileControl, 22, 31, 'entry hash')),
    totalDebitCents: BigInt(c.digits(fileControl, 32, 43, 'total debit')),
    totalCreditCents: BigInt(c.digits(fileControl, 44, 55, 'total credit')),
    recordCount: lines.length,
  };
  c.equal(Number(c.digits(fileControl, 2, 7, 'batch count')), batches.length, 'file batch count');
  c.equal(file.blockCount, Math.ceil(lines.length / 10), 'block count');
  if (lines.length % 10 !== 0) c.fail(`${lines.length} records: not padded to a multiple of 10`);
  if (paddingLines >= 10) c.fail('a whole block of padding');
  c.equal(file.entryAddendaCount, counts, 'file entry/addenda count');
  c.equal(file.entryHash, hash, 'file entry hash');
  c.equal(file.totalDebitCents, sum((b) => b.totalDebitCents), 'file total debit');
  c.equal(file.totalCreditCents, sum((b) => b.totalCreditCents), 'file total credit');
  if (pos(fileControl, 56, 94).trim() !== '') c.fail('file control reserved field is not blank');
  return { errors: c.errors, file };
}
