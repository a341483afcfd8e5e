import { writeNachaFile } from '../../modules/rails/ach/index.ts';

/**
 * Examples of the ACH operations (request bodies and 2xx responses), shown by the API reference
 * and checked against their schemas by test/openapi.test.ts. One story: Ada Lovelace's pocket pulls
 * $5,000 from her checking account (WEB, before noon: it settles the same day) and pushes $2,000
 * to Hopper Ledger Corp. (PPD); the window writes one NACHA file.
 */

const POCKET_ID = '3f0b6a1e-8d2c-4f5a-9b7e-1c2d3e4f5a6b';
const COUNTERPARTY_ID = '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const PULL_ID = '7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d';
const FILE_ID = 'c1d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f';

export const PULL_REQUEST = { counterparty_id: COUNTERPARTY_ID, direction: 'DEBIT', amount_usdc: 500000 };

export const PUSH_REQUEST = {
  counterparty_id: COUNTERPARTY_ID,
  direction: 'CREDIT',
  amount_usdc: 200000,
  sec_code: 'PPD',
  company_entry_description: 'PAYOUT',
  payment_related_information: ['Invoice 2024-031'],
};

export const PULL_RESPONSE = {
  id: PULL_ID,
  counterparty_id: COUNTERPARTY_ID,
  jiko_account_id: POCKET_ID,
  direction: 'DEBIT',
  sec_code: 'WEB',
  amount: { value: 500000, currency: 'USD', formatted: '$5,000.00' },
  status: 'PENDING',
  company_entry_description: 'Funding TX',
  payment_related_information: [],
  time_created: '2024-03-05T14:00:00.000Z',
  settlement_date: '2024-03-05',
  trace_number: null,
  return_code: null,
  receivable: { value: 0, currency: 'USD', formatted: '$0.00' },
  object_type: 'ACHResponse',
};

export const FILE = {
  id: FILE_ID,
  direction: 'ORIGINATED',
  window_date: '2024-03-05',
  file_id_modifier: 'A',
  entry_count: 1,
  total_debit: { value: 500000, currency: 'USD', formatted: '$5,000.00' },
  total_credit: { value: 0, currency: 'USD', formatted: '$0.00' },
  time_created: '2024-03-05T17:00:00.000Z',
  object_type: 'AchFile',
};

/** The file of the story's window, written by the rail's own writer. */
export const FILE_TEXT = writeNachaFile({
  immediateDestination: '011000015',
  immediateDestinationName: 'Federal Reserve Bank',
  immediateOrigin: '099900014',
  immediateOriginName: 'Pocketbook',
  odfiRoutingNumber: '099900014',
  createdAt: new Date(FILE.time_created),
  fileIdModifier: 'A',
  entries: [{
    secCode: 'WEB', direction: 'debit', transactionCode: '27', receivingRoutingNumber: '021000021', accountNumber: '123456789',
    amountCents: 500000n, individualId: PULL_ID.replaceAll('-', '').slice(0, 15), individualName: 'Ada Lovelace', companyName: 'Pocketbook',
    companyId: '1999000001', companyEntryDescription: 'Funding TX', effectiveEntryDate: '2024-03-05',
  }],
}).text;

export function cursorList(items: unknown[]) {
  return { prev_page: null, next_page: null, items, object_type: 'CursorList' };
}

export const RETURN_REQUEST = { return_code: 'R01' };

export const RETURNED_RESPONSE = {
  ...PULL_RESPONSE,
  status: 'REJECTED',
  trace_number: '099900010000001',
  return_code: 'R01',
  receivable: { value: 120000, currency: 'USD', formatted: '$1,200.00' },
};

/** The bank of Ada's account sends a C01: her account number was 123456789, it is now 1234567890. */
export const NOC_REQUEST = { change_code: 'C01', corrected_account_number: '1234567890' };

export const NOC_RESPONSE = {
  id: 'd4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f7a',
  transfer_id: PULL_ID,
  counterparty_id: COUNTERPARTY_ID,
  change_code: 'C01',
  previous: { routing_number: '021000021', account_number: '123456789' },
  corrected: { routing_number: '021000021', account_number: '1234567890' },
  time_received: '2024-03-06T15:00:00.000Z',
  object_type: 'NotificationOfChange',
};
