/**
 * Examples of the sandbox card swipe (request bodies and 202 responses), shown by the API
 * reference and checked against their schemas by test/openapi.test.ts. One story: Ada Lovelace
 * pays $25.00 at a bookshop with her virtual card; the bookshop's clearing will post $27.50 (a
 * tip) the next business day. Her pocket had no cash, so bills were sold for $25.03.
 */

const CARD_ID = '5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e';
const POCKET_ID = '3f0b6a1e-8d2c-4f5a-9b7e-1c2d3e4f5a6b';
const AUTHORIZATION_ID = '8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b';

export const SWIPE_REQUEST = { card_id: CARD_ID, amount_usdc: 2500 };

export const SWIPE_WITH_DETAILS_REQUEST = {
  card_id: CARD_ID,
  amount_usdc: 2500,
  merchant_name: 'Lovelace Books',
  mcc: '5942',
  type: 'authorization',
  settlement_amount_usdc: 2750,
};

export const REVERSAL_REQUEST = { card_id: CARD_ID, amount_usdc: 1000, type: 'reversal', authorization_id: AUTHORIZATION_ID };

const AUTHORIZATION = {
  id: AUTHORIZATION_ID,
  card_id: CARD_ID,
  account_id: POCKET_ID,
  type: 'authorization',
  authorization_id: null,
  amount_usdc: 2500,
  status: 'PENDING',
  decline_reason: null,
  merchant_name: 'Lovelace Books',
  mcc: '5942',
  held_usdc: 2500,
  settlement_amount_usdc: 2750,
  capture: true,
  settle_on: '2024-03-06',
  expires_at: '2024-03-12T14:00:00.000Z',
  sold_usdc: 2503,
  settled_usdc: null,
  shortfall_usdc: 0,
  time_created: '2024-03-05T14:00:00.000Z',
  time_closed: null,
  object_type: 'CardAuthorization',
};

export const APPROVED_RESPONSE = { ...AUTHORIZATION, authorization: null };

export const DECLINED_RESPONSE = {
  ...AUTHORIZATION,
  id: '9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c',
  amount_usdc: 5000000,
  status: 'DECLINED',
  decline_reason: 'insufficient_funds',
  held_usdc: 0,
  settlement_amount_usdc: null,
  capture: false,
  settle_on: null,
  expires_at: null,
  sold_usdc: 0,
  time_closed: '2024-03-05T14:00:00.000Z',
  authorization: null,
};
