/**
 * Examples of the counterparty operations (request bodies and 2xx responses), shown by the API
 * reference and checked against their schemas by test/openapi.test.ts. One story: Ada Lovelace
 * (customer of the onboarding examples) adds her checking account at JPMorgan Chase, verified by
 * micro-deposits, links a second account through Plaid's sandbox, and the partner adds a wire
 * counterparty of its own and an international one with an IBAN.
 */

const CUSTOMER_ID = '9185a177-3d5e-4bdd-b7d4-9b31212b74a8';
const ACH_ID = '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const WIRE_ID = '5e6f7a8b-9c0d-4e1f-a2b3-c4d5e6f7a8b9';
const INTERNATIONAL_ID = 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d';
const PLAID_ID = 'f0e1d2c3-b4a5-4968-8776-655443322110';
const CREATED = '2024-03-05T15:00:00.000Z';

const ADDRESS = { street_address: '1 Main Street', city: 'Springfield', postal_code: '07081', state: 'NJ', country: 'US' };

export const ACH_REQUEST = {
  type: 'ach',
  counterparty_name: { type: 'individual', first_name: 'Ada', last_name: 'Lovelace' },
  routing_number: '021000021',
  account_number: '123456789',
  account_type: 'CHECKING',
};

export const WIRE_REQUEST = {
  type: 'wire',
  counterparty_name: { type: 'business', business_name: 'Hopper Ledger Corp.' },
  routing_number: '011000015',
  identifier: '987654321',
  address: ADDRESS,
  verification_method: 'pre_verified',
};

export const INTERNATIONAL_REQUEST = {
  type: 'international_wire',
  counterparty_name: { type: 'business', business_name: 'Babbage Engines Ltd' },
  bic: 'NWBKGB2L',
  identifier: 'GB82WEST12345698765432',
  identifier_type: 'IBAN',
  address: { street_address: '10 Downing Street', city: 'London', postal_code: 'SW1A 2AA', country: 'GB' },
};

export const ON_US_REQUEST = { type: 'on_us', counterparty_name: { type: 'individual', first_name: 'Ada', last_name: 'Lovelace' }, account_number: '128889422798' };

/** Ada's ACH counterparty (v2), waiting for her micro-deposit amounts, or after them. */
export function achCounterparty(verified: boolean) {
  return {
    id: ACH_ID,
    customer_id: CUSTOMER_ID,
    type: 'ach',
    status: verified ? 'LINKED' : 'PENDING',
    verification_method: 'micro_deposits',
    verification_status: verified ? 'VERIFIED' : 'IN_PROGRESS',
    counterparty_name: ACH_REQUEST.counterparty_name,
    name_on_account: 'Ada Lovelace',
    routing_number: '021000021',
    account_number: '123456789',
    account_type: 'CHECKING',
    micro_deposits: { verification_failure_count: 0 },
    time_created: CREATED,
    updated_at: verified ? '2024-03-07T14:12:00.000Z' : CREATED,
    object_type: 'Counterparty',
  };
}

export const WIRE_COUNTERPARTY = {
  id: WIRE_ID,
  customer_id: null,
  type: 'wire',
  status: 'LINKED',
  verification_method: 'pre_verified',
  verification_status: 'VERIFIED',
  counterparty_name: WIRE_REQUEST.counterparty_name,
  name_on_account: 'Hopper Ledger Corp.',
  routing_number: '011000015',
  account_type: 'CHECKING',
  identifier: '987654321',
  address: ADDRESS,
  time_created: CREATED,
  updated_at: CREATED,
  object_type: 'Counterparty',
};

export const INTERNATIONAL_COUNTERPARTY = {
  id: INTERNATIONAL_ID,
  customer_id: null,
  type: 'international_wire',
  status: 'PENDING',
  verification_method: 'supporting_documents',
  verification_status: 'IN_PROGRESS',
  counterparty_name: INTERNATIONAL_REQUEST.counterparty_name,
  name_on_account: 'Babbage Engines Ltd',
  bic: 'NWBKGB2L',
  identifier: 'GB82WEST12345698765432',
  identifier_type: 'IBAN',
  address: INTERNATIONAL_REQUEST.address,
  time_created: CREATED,
  updated_at: CREATED,
  object_type: 'Counterparty',
};

/** The v1 shape of Ada's ACH counterparty, or of her Plaid-linked one. */
export function counterpartyV1(plaid: boolean) {
  return {
    id: plaid ? PLAID_ID : ACH_ID,
    type: 'ACH',
    ach: {
      time_created: CREATED,
      verification_type: plaid ? 'PLAID' : 'MICRO_DEPOSITS',
      status: plaid ? 'VERIFIED' : 'IN_PROGRESS',
      account_number: plaid ? '11112222330000' : '123456789',
      routing_number: plaid ? '011401533' : '021000021',
      name_on_account: plaid ? 'Plaid Checking' : 'Ada Lovelace',
      account_type: 'CHECKING',
      institution_name: plaid ? 'ins_109508' : '',
      ...(plaid
        ? { plaid: { mask: '0000', verification_status: 'AUTOMATICALLY_VERIFIED', object_type: 'CounterpartyPlaid' } }
        : { micro_deposits: { verification_failure_count: 0 } }),
    },
    object_type: 'Counterparty',
  };
}

export const PLAID_REQUEST = { public_token: 'public-sandbox-5c224a01-8314-4491-a06f-39e193d5cddc', institution_id: 'ins_109508', accounts: [{ id: 'vzeNDwK7KQIm4yEog683uElbp9GRLEFXGK98D', name: 'Plaid Checking', mask: '0000' }] };

export const LINK_TOKEN = { link_token: 'link-sandbox-af1a0311-da53-4636-b754-dd15cc058176', expiration: '2024-03-05T19:00:00.000Z' };

export const cursorList = (items: unknown[]) => ({ prev_page: null, next_page: null, items, object_type: 'CursorList' });
