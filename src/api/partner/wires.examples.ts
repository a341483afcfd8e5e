/**
 * Examples of the wire operations (request bodies, 2xx responses and a pacs.008), shown by the API
 * reference and checked against their schemas by test/openapi.test.ts. One story: the partner
 * pays Hopper Ledger Corp. (the wire counterparty of the counterparty examples) $2,500 from Ada
 * Lovelace's pocket on a Tuesday morning, before the cut-off, so it settles that day.
 */

const POCKET_ID = '3c6f0e0a-6a0b-4f51-9a55-2f1f4b1de2a1';
const CUSTOMER_ID = '9185a177-3d5e-4bdd-b7d4-9b31212b74a8';
const COUNTERPARTY_ID = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9';
const WIRE_ID = 'b7e3c1d2-8a4f-4e6b-9c0d-1e2f3a4b5c6d';
const ID = 'd4c3b2a1-0f9e-4d8c-b7a6-958473625140';

export const WIRE_REQUEST = {
  description: 'Invoice 42',
  counterparty_id: COUNTERPARTY_ID,
  amount_usdc: 250_000,
  created_by: 'ops@example.com',
  wire_id: WIRE_ID,
};


export const WIRE = {
  id: ID,
  wire_id: WIRE_ID,
  direction: 'OUTGOING',
  status: 'COMPLETED',
  pocket_id: POCKET_ID,
  customer_id: CUSTOMER_ID,
  counterparty_id: COUNTERPARTY_ID,
  amount: { value: 250_000, currency: 'USD', formatted: '$2,500.00' },
  fee: { value: 2_500, currency: 'USD', formatted: '$25.00' },
  description: 'Invoice 42',
  created_by: 'ops@example.com',
  uetr: '8a562c67-ca16-48ba-b074-65581be6f011',
  settlement_date: '2024-03-05',
  return_reason: null,
  created_at: '2024-03-05T15:00:00.000Z',
  sent_at: '2024-03-05T15:00:00.000Z',
  completed_at: '2024-03-05T15:00:00.000Z',
  object_type: 'Wire',
};

export const WIRE_LIST = { prev_page: null, next_page: null, items: [WIRE], object_type: 'CursorList' };

export const PACS004 = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.004.001.10">
  <PmtRtr>
    ...
  </PmtRtr>
</Document>`;

export const PACS008 = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08">
  <FIToFICstmrCdtTrf>
    <GrpHdr>
      <MsgId>20240305POCKETBOOKd4c3b2a10f9e4d8c</MsgId>
      ...
    </GrpHdr>
    <CdtTrfTxInf>
      ...
    </CdtTrfTxInf>
  </FIToFICstmrCdtTrf>
</Document>`;
