/**
 * Examples of the failure-scenario operations (request bodies and 2xx responses), shown by the API
 * reference and checked against their schemas by test/openapi.test.ts. One story: the next pull
 * from Ada Lovelace's checking account comes back R01 two business days after it settles.
 */

const SCENARIO_ID = '5d6e7f80-9a1b-4c2d-8e3f-4a5b6c7d8e9f';
const COUNTERPARTY_ID = '0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f';
const WIRE_COUNTERPARTY_ID = '1d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a';

export const ACH_RETURN_REQUEST = {
  operation: 'ach.return', counterparty_id: COUNTERPARTY_ID, direction: 'DEBIT', return_code: 'R01', after_business_days: 2, times: 1,
};

export const WIRE_REJECT_REQUEST = { operation: 'wire.reject', counterparty_id: WIRE_COUNTERPARTY_ID, times: null };

export const ACH_RETURN_RESPONSE = {
  id: SCENARIO_ID,
  operation: 'ach.return',
  counterparty_id: COUNTERPARTY_ID,
  direction: 'DEBIT',
  return_code: 'R01',
  after_business_days: 2,
  times: 1,
  fired_count: 0,
  active: true,
  time_created: '2024-03-05T14:00:00.000Z',
  object_type: 'SandboxScenario',
};

export const LIST_RESPONSE = { offset: 0, count: 1, items: [ACH_RETURN_RESPONSE], object_type: 'List' };
