import { money } from '../../money/index.ts';

/**
 * Examples of the API reference, one set per operation (`METHOD /path/{param}` as in the OpenAPI
 * document): what a partner sends and gets back. They tell one story, so the ids agree across
 * operations: Ada Lovelace applies on 4 March 2024 and is approved; she opens a "Rainy day" pocket
 * (UST-13W) funded with $1,500.00 by ACH, which buys 13-week bill 912797HS9, and moves $250.00 to
 * her "Vacation" pocket (UST-4W, bill 912797JK4). Values are those the sandbox answered for that
 * story on the shipped 2024 Treasury data; test/openapi.test.ts checks each against its schema.
 */

/** One named example: a line saying what it shows, and the JSON value. */
export interface Example {
  readonly summary: string;
  readonly value: unknown;
}

/** The examples of one operation; `responseDescription` describes its 2xx response. */
export interface ExampleSet {
  readonly request?: Readonly<Record<string, Example>>;
  readonly response?: Readonly<Record<string, Example>>;
  readonly responseDescription: string;
}

const usd = (cents: number) => money(BigInt(cents));

// ---------------------------------------------------------------------------------------------
// The story's ids

const APPLICATION_ID = '69bee31f-fa35-462a-9729-971734147c44';
const CUSTOMER_ID = '9185a177-3d5e-4bdd-b7d4-9b31212b74a8';
const RAINY_DAY_ID = 'c96fe0ab-e63f-4725-a40d-184f2a538a22';
const VACATION_ID = '6b85e53f-8e17-4e7c-b99d-86816fa0cdfb';
const FUNDING_POCKET_ID = '2f6d1c84-0a9b-4e57-8d3c-5b1e7a9f6c20';
const PORTAL_ID = '7db53bf1-d355-4ebc-8e69-a2bfc38be48a';
const TRANSFER_ID = '13ee109c-ccb5-4033-a564-cb890fe50084';
const SUBSCRIPTION_ID = '7b66279a-f71e-4673-9304-7be5294d15ba';
const EVENT_ID = '5d0c7e1a-94b2-4f0e-b6a3-2c8e1f7d9a41';

// ---------------------------------------------------------------------------------------------
// Onboarding

const APPLICATION_REQUEST = {
  identification_number: '123-45-6789',
  identification_type: 'SSN',
  name: { first_name: 'Ada', middle_name: 'King', last_name: 'Lovelace' },
  email: 'ada@example.com',
  date_of_birth: '1990-12-10',
  investment_profile: { employment_status: 'EMPLOYED', income: 'BETWEEN_100K_AND_250K', net_worth: 'BETWEEN_200K_AND_1M', occupation: 'Engineer' },
  agreement_consent: { version: '2025.1', timestamp: '2024-03-04T14:58:12Z' },
  address: { street_address: '12 Elm Street', city: 'Springfield', postal_code: '07081', state: 'NJ', country: 'US' },
  phone_number: '+14155550123',
  citizenship_country: 'US',
};

function application(status: 'CREATED' | 'APPROVED') {
  const { identification_number: _number, identification_type: _type, date_of_birth, agreement_consent, ...rest } = APPLICATION_REQUEST;
  return {
    id: APPLICATION_ID,
    time_created: '2024-03-04T15:00:00.322Z',
    updated_at: status === 'CREATED' ? '2024-03-04T15:00:00.322Z' : '2024-03-04T15:00:00.701Z',
    status,
    exception_reasons: [],
    customer_id: status === 'APPROVED' ? CUSTOMER_ID : null,
    ...rest,
    date_of_birth: { date_of_birth },
    agreement_consent: { version: agreement_consent.version, timestamp: '2024-03-04T14:58:12.000Z' },
    documents: [],
    id_verification_documents_needed: false,
    identification_number_verification_document_needed: false,
    address_verification_document_needed: false,
    object_type: 'InternationalApplication',
  };
}

const CUSTOMER = {
  id: CUSTOMER_ID,
  type: 'INDIVIDUAL',
  account_status: 'OPEN',
  name: { first_name: 'Ada', middle_name: 'King', last_name: 'Lovelace' },
  email: 'ada@example.com',
  phone_number: '+14155550123',
  date_of_birth: '1990-12-10',
  address: APPLICATION_REQUEST.address,
  object_type: 'Customer',
};

const AGREEMENTS_BASE_URL = 'https://pocketbook.example.com/agreements/2025.1';
const AGREEMENTS = {
  version: '2025.1',
  release_date: '2025-01-06',
  documents: [
    { title: 'pocketbook Terms of Use', pdf_download_url: `${AGREEMENTS_BASE_URL}/TERMS_OF_USE.pdf`, type: 'TERMS_OF_USE', category: 'GENERAL' },
    { title: 'Consent to Electronic Records and Signatures', pdf_download_url: `${AGREEMENTS_BASE_URL}/ELECTRONIC_COMMUNICATIONS.pdf`, type: 'ELECTRONIC_COMMUNICATIONS', category: 'E-SIGN' },
    { title: 'Pocket Bank Account Agreement', pdf_download_url: `${AGREEMENTS_BASE_URL}/BANK_ACCOUNT.pdf`, type: 'BANK_ACCOUNT', category: 'BANK' },
    { title: 'Pocket Brokerage Account Agreement', pdf_download_url: `${AGREEMENTS_BASE_URL}/BROKERAGE.pdf`, type: 'BROKERAGE', category: 'BROKERAGE' },
    { title: 'Risks of Investing in US Treasury Bills', pdf_download_url: `${AGREEMENTS_BASE_URL}/US_TREASURIES_RISK.pdf`, type: 'US_TREASURIES_RISK', category: 'BROKERAGE' },
  ],
};

// ---------------------------------------------------------------------------------------------
// Pockets

function bill(cusip: string, units: number, valueCents: number, price: string, maturityDate: string, yieldToMaturity: string) {
  return {
    type: 'FIXED_INCOME',
    description: 'US T-Bill',
    cusip,
    quantity: units,
    market_value: usd(valueCents),
    jiko_mark_price: price,
    maturity_date: maturityDate,
    yield_to_maturity: yieldToMaturity,
    bid: price,
    ask: price,
  };
}

/** The Rainy day pocket the day it was funded, after the $250.00 moved out. */
const RAINY_DAY = {
  id: RAINY_DAY_ID,
  pocket_name: 'Rainy day',
  portfolio: {
    securities: [bill('912797HS9', 12, 118479, '98.732458', '2024-05-30', '0.0539')],
    cash: usd(6521),
    total_value: usd(125000),
    all_time_earnings: usd(0),
    liquidation_value_t0: usd(125000),
    liquidation_value_t1: usd(125017),
    fees: [],
  },
  status: 'OPEN',
  attributes: [],
  deposit_strategy_id: 'UST-13W',
  reinvestment_strategy_id: 'UST-13W',
  type: 'CUSTOMER',
  customer_id: CUSTOMER_ID,
  object_type: 'Pocket',
};

const VACATION = {
  ...RAINY_DAY,
  id: VACATION_ID,
  pocket_name: 'Vacation',
  portfolio: {
    securities: [bill('912797JK4', 2, 19935, '99.677333', '2024-03-26', '0.0537')],
    cash: usd(5065),
    total_value: usd(25000),
    all_time_earnings: usd(0),
    liquidation_value_t0: usd(25000),
    liquidation_value_t1: usd(25003),
    fees: [],
  },
  deposit_strategy_id: 'UST-4W',
  reinvestment_strategy_id: null,
};

/** The partner's own pocket, made with its first customer pocket. */
const FUNDING_POCKET = {
  ...RAINY_DAY,
  id: FUNDING_POCKET_ID,
  pocket_name: 'Partner funding',
  portfolio: {
    securities: [],
    cash: usd(0),
    total_value: usd(0),
    all_time_earnings: usd(0),
    liquidation_value_t0: usd(0),
    liquidation_value_t1: usd(0),
    fees: [],
  },
  deposit_strategy_id: 'UST-4W',
  reinvestment_strategy_id: null,
  type: 'PARTNER_FUNDING',
  customer_id: null,
};

const NEW_POCKET = {
  ...RAINY_DAY,
  portfolio: {
    securities: [],
    cash: usd(0),
    total_value: usd(0),
    all_time_earnings: usd(0),
    liquidation_value_t0: usd(0),
    liquidation_value_t1: usd(0),
    fees: [],
  },
};

/** Jiko's CustomerPocket: a pocket as the customer-scoped paths answer it. */
const customerPocket = (pocket: object) => ({ ...pocket, object_type: 'CustomerPocket' });

const cursorList = (items: unknown[], nextPage: string | null = null) => ({ prev_page: null, next_page: nextPage, items, object_type: 'CursorList' });

/** An opaque cursor, as `next_page` hands it out. */
const NEXT_PAGE = 'eyJrIjpbIjIwMjQtMDMtMDRUMTU6MDA6MDEuMDM0WiIsImM5NmZlMGFiLWU2M2YtNDcyNS1hNDBkLTE4NGYyYTUzOGEyMiJdfQ';

// ---------------------------------------------------------------------------------------------
// Activity

const BUY_V2 = {
  id: '8c4f0b43-3f63-4f8f-9da1-64f6f7505e9e',
  trade_datetime: '2024-03-04T15:00:01.760Z',
  book_date: '2024-03-04',
  settled_date: '2024-03-04',
  status: 'SETTLED',
  pocket_id: RAINY_DAY_ID,
  activity: 'BUY',
  cusip: '912797HS9',
  description: 'US T-Bill',
  notional: usd(148099),
  quantity: 15,
  price: '98.732458',
  maturity_date: '2024-05-30',
  yield_to_maturity: '0.0539',
  tradable_id: '912797HS9',
  object_type: 'Trade',
};

const SELL_V2 = { ...BUY_V2, id: '650971bd-31af-4792-a913-bb99c476747a', trade_datetime: '2024-03-04T15:00:02.166Z', activity: 'SELL', notional: usd(29620), quantity: 3 };

function tradeV1(trade: typeof BUY_V2) {
  return {
    id: trade.id,
    description: trade.description,
    trade_datetime: trade.trade_datetime,
    is_settled: true,
    activity: trade.activity,
    cusip: trade.cusip,
    notional: trade.notional,
    quantity: trade.quantity,
    price: trade.price,
    maturity_date: trade.maturity_date,
    jiko_account_id: trade.pocket_id,
    yield_to_maturity: trade.yield_to_maturity,
    tradable_id: trade.tradable_id,
    object_type: 'Trade',
    settled_date: trade.settled_date,
  };
}

const ACH_CREDIT_V2 = {
  id: '411b9e5d-5bfc-4337-986f-f34f4e1eb2b8',
  transaction_id: 'c675f606-032f-498a-82a5-dfc1ed4fb299',
  description: 'ACH Electronic Credit',
  amount: usd(150000),
  time_booked: '2024-03-04T15:00:01.760Z',
  time_settled: '2024-03-04T15:00:01.760Z',
  status: 'SETTLED',
  title: 'Acme Payroll',
  direction: 'CREDIT',
  pocket_id: RAINY_DAY_ID,
  object_type: 'Transaction',
  type: 'ACH',
  company_name: 'Acme Payroll',
  trace_number: '099900013369588',
  portal_id: PORTAL_ID,
};

const ON_US_DEBIT_V2 = {
  id: 'e0eeb6b1-4c67-4e5b-b38a-eb19e6e62e6d',
  transaction_id: 'fe55377a-108f-4dc7-9944-3ff75b7fa083',
  description: 'Vacation savings',
  amount: usd(25000),
  time_booked: '2024-03-04T15:00:02.166Z',
  time_settled: '2024-03-04T15:00:02.166Z',
  status: 'SETTLED',
  title: 'Internal reallocation',
  direction: 'DEBIT',
  pocket_id: RAINY_DAY_ID,
  object_type: 'Transaction',
  type: 'ON_US',
  on_us_transfer_id: TRANSFER_ID,
};

const ON_US_DEBIT_V1 = {
  id: ON_US_DEBIT_V2.id,
  jiko_account_id: RAINY_DAY_ID,
  amount: usd(-25000),
  timestamp: '2024-03-04T15:00:02.166Z',
  status: 'COMPLETED',
  details: {
    transaction_type: 'ON_US',
    title: 'Internal reallocation',
    transaction_type_title: 'Vacation savings',
    on_us_transaction: { on_us_transfer_id: TRANSFER_ID, on_us_transfer_type: 'INTERNAL_REALLOCATION' },
  },
  object_type: 'Transaction',
};

// ---------------------------------------------------------------------------------------------
// Transfers, subscriptions, events, sandbox

const jikoAccount = (id: string) => ({ id, type: 'JIKO_ACCOUNT' });

const ON_US_TRANSFER = {
  id: TRANSFER_ID,
  status: 'COMPLETED',
  transfer: {
    type: 'INTERNAL_REALLOCATION',
    from_account: jikoAccount(RAINY_DAY_ID),
    to_account: jikoAccount(VACATION_ID),
    amount: usd(25000),
    description: 'Vacation savings',
    transfer_id: TRANSFER_ID,
  },
  fees: [],
  object_type: 'OnUsTransfer',
};

const SUBSCRIPTION = {
  description: 'On-us transfers to our ledger',
  events: ['transfers.on-us.success', 'transfers.on-us.rejected'],
  url: 'https://hooks.example.com/jiko',
  retry_policy: { maximum_attempts: 10, initial_interval_seconds: 30, backoff_coefficient: 2 },
  id: SUBSCRIPTION_ID,
  time_created: '2024-03-04T15:05:10.386Z',
  updated_at: '2024-03-04T15:05:10.386Z',
  status: 'enabled',
  object_type: 'Subscription',
};

const PARTNER_EVENT = {
  event: {
    event_id: EVENT_ID,
    event_type: 'transfers.on-us.success',
    timestamp: '2024-03-04T15:00:02.166Z',
    payload: { on_us_id: TRANSFER_ID, origin_account_id: RAINY_DAY_ID, destination_account_id: VACATION_ID },
    customer_id: CUSTOMER_ID,
    object_id: TRANSFER_ID,
    sequence: 2,
  },
  delivery_attempts: [
    {
      delivery_attempt_id: 'a4e2f9c7-1b3d-4e8a-9c6f-0d2b5e7a1f38',
      subscription_id: SUBSCRIPTION_ID,
      success: true,
      response_code: 202,
      response_message: 'Accepted',
      called_at: '2024-03-04T15:00:03.020Z',
    },
  ],
  object_type: 'PartnerEvent',
};

const clock = (now: string, businessDate: string) => ({ now, business_date: businessDate, object_type: 'Clock' });

const one = (summary: string, value: unknown) => ({ example: { summary, value } });

// ---------------------------------------------------------------------------------------------
// Portals

const PORTAL = { id: PORTAL_ID, jiko_account_id: RAINY_DAY_ID, routing_number: '099900014', account_number: '128889422798', status: 'OPEN', name: 'Default', object_type: 'Portal' };
const PAYROLL_PORTAL = { ...PORTAL, id: '3c9e5a71-6b2d-4f08-9e13-d4a7b2c85f16', account_number: '540217736915', name: 'Payroll' };
const portalList = (portals: unknown[]) => ({ count: portals.length, portals, object_type: 'List' });

/** Every operation's examples; the test fails on an operation without them. */
export const OPERATION_EXAMPLES: Readonly<Record<string, ExampleSet>> = {
  'GET /health/ready': { responseDescription: 'The database answered: the server takes requests', response: one('Ready', { status: 'ready', database: 'up' }) },
  'POST /api/v1/login/': {
    request: one('A partner logs in', { username: 'acme-partner', password: 'correct-horse-battery-staple' }),
    responseDescription: 'A bearer token and when it stops working',
    response: one('Token valid 60 minutes', { token: 'q3Vx9T0bYk2Lr7mWc5FzH1pN8sJdA4eGuKoXiB6yZtE', expires: '2024-03-04T16:00:00.000Z' }),
  },
  'GET /api/v2/trading-strategies/': {
    responseDescription: "The five strategies with the yields of the bill each would buy today",
    response: one('On 4 March 2024', {
      offset: 0,
      count: 3,
      items: [
        { id: 'UST-4W', description: 'US T-bills, 4-week, Buy-and-hold', yield_to_maturity: '0.0537', discount_yield: '0.0528', applicable_to: ['DEPOSIT', 'REINVESTMENT'] },
        { id: 'UST-13W', description: 'US T-bills, 13-week, Buy-and-hold', yield_to_maturity: '0.0539', discount_yield: '0.0525', applicable_to: ['DEPOSIT', 'REINVESTMENT'] },
        { id: 'UST-52W', description: 'US T-bills, 52-week, Buy-and-hold', yield_to_maturity: '0.0500', discount_yield: '0.0476', applicable_to: ['DEPOSIT', 'REINVESTMENT'] },
      ],
      object_type: 'List',
      last_updated: '2024-03-04T05:00:00.000Z',
    }),
  },
  'GET /api/v1/agreements': { responseDescription: 'The agreement bundle in force', response: one('Version 2025.1 (some of its documents)', AGREEMENTS) },
  'POST /api/v1/applications': {
    request: one('Ada Lovelace applies', APPLICATION_REQUEST),
    responseDescription: 'The application, CREATED',
    response: one('Created', application('CREATED')),
  },
  'GET /api/v1/applications/{application_id}': { responseDescription: 'The application', response: one('Approved', application('APPROVED')) },
  'POST /api/v1/applications/{application_id}/apply': {
    responseDescription: 'The application with its decision',
    response: one('Approved: the customer exists', application('APPROVED')),
  },
  'GET /api/v1/customers/{customer_id}': { responseDescription: 'The customer', response: one('Ada Lovelace', CUSTOMER) },
  'POST /api/v2/customers/{customer_id}/pockets/': {
    request: {
      rainyDay: { summary: 'A 13-week pocket that reinvests in 13-week bills', value: { pocket_name: 'Rainy day', deposit_strategy_id: 'UST-13W', reinvestment_strategy_id: 'UST-13W' } },
      vacation: { summary: 'A 4-week pocket', value: { pocket_name: 'Vacation', deposit_strategy_id: 'UST-4W' } },
    },
    responseDescription: 'The pocket, OPEN and empty',
    response: one('Rainy day', customerPocket(NEW_POCKET)),
  },
  'GET /api/v2/customers/{customer_id}/pockets/': {
    responseDescription: "A page of the customer's pockets",
    response: one('First page of one', cursorList([customerPocket(RAINY_DAY)], NEXT_PAGE)),
  },
  'GET /api/v2/customers/{customer_id}/pockets/{pocket_id}/': { responseDescription: 'The pocket with its portfolio', response: one('Rainy day', customerPocket(RAINY_DAY)) },
  'PATCH /api/v2/customers/{customer_id}/pockets/{pocket_id}/': {
    request: { rename: { summary: 'Rename', value: { pocket_name: 'Summer trip' } } },
    responseDescription: 'The pocket as changed',
    response: one('Renamed', customerPocket({ ...VACATION, pocket_name: 'Summer trip' })),
  },
  'GET /api/v2/pockets/': { responseDescription: "A page of the partner's pockets", response: one('Both pockets', cursorList([RAINY_DAY, VACATION])) },
  'GET /api/v2/partner/funding-pocket/': { responseDescription: "The partner's funding pocket", response: one('As made, empty', FUNDING_POCKET) },
  'GET /api/v2/pockets/{pocket_id}/': { responseDescription: 'The pocket with its portfolio', response: one('Rainy day', RAINY_DAY) },
  'PATCH /api/v2/pockets/{pocket_id}/': {
    request: {
      rename: { summary: 'Rename', value: { pocket_name: 'Summer trip' } },
      strategy: { summary: 'Invest new money in 26-week bills', value: { deposit_strategy_id: 'UST-26W' } },
      close: { summary: 'Close an empty pocket', value: { status: 'CLOSED', closure_reason: 'Customer request' } },
    },
    responseDescription: 'The pocket as changed',
    response: one('Renamed', { ...VACATION, pocket_name: 'Summer trip' }),
  },
  'GET /api/v2/pockets/{pocket_id}/earnings/': {
    responseDescription: 'Earnings over the period, and the dates it covers',
    response: one('Month to date, 3 April 2024', { earnings: usd(112), date_from: '2024-04-01', date_to: '2024-04-03' }),
  },
  'GET /api/v2/pockets/{pocket_id}/portals/': {
    responseDescription: "The pocket's portals",
    response: one('The default portal and a second one', portalList([PORTAL, PAYROLL_PORTAL])),
  },
  'POST /api/v2/pockets/{pocket_id}/portals/': {
    request: one('A portal for payroll deposits', { name: 'Payroll' }),
    responseDescription: 'The new portal, OPEN, with its own account number',
    response: one('Created', PAYROLL_PORTAL),
  },
  'PATCH /api/v2/pockets/{pocket_id}/portals/{portal_id}/': {
    request: {
      rename: { summary: 'Rename', value: { name: 'Salary' } },
      close: { summary: 'Close for good', value: { status: 'CLOSED' } },
    },
    responseDescription: 'Changed; no body',
  },
  'GET /api/v2/portals/': { responseDescription: "A page of the tenant's portals", response: one('Oldest first', cursorList([PORTAL, PAYROLL_PORTAL], NEXT_PAGE)) },
  'GET /api/v2/pockets/{pocket_id}/portals/{portal_id}/funding-instructions/': {
    responseDescription: 'What a payer needs to send money through the portal',
    response: one('The default portal of the Rainy day pocket', {
      portal_id: PORTAL_ID,
      jiko_account_id: RAINY_DAY_ID,
      bank_name: 'pocketbook Sandbox Bank',
      routing_number: PORTAL.routing_number,
      account_number: PORTAL.account_number,
      ach: { routing_number: PORTAL.routing_number, account_number: PORTAL.account_number, account_type: 'CHECKING' },
      wire: {
        routing_number: PORTAL.routing_number,
        account_number: PORTAL.account_number,
        bank_name: 'pocketbook Sandbox Bank',
        bank_address: '1 Sandbox Plaza, New York, NY 10004, US',
        beneficiary_name: 'Rainy day',
      },
      object_type: 'FundingInstructions',
    }),
  },
  'GET /api/v1/jiko-accounts/{account_id}/portals': { responseDescription: "The pocket's portals", response: one('Two portals', portalList([PORTAL, PAYROLL_PORTAL])) },
  'POST /api/v1/jiko-accounts/{account_id}/portals': {
    request: one('A portal for payroll deposits', { name: 'Payroll' }),
    responseDescription: 'The new portal, OPEN',
    response: one('Created', PAYROLL_PORTAL),
  },
  'GET /api/v1/jiko-accounts/{account_id}/portals/{portal_id}': { responseDescription: 'The portal', response: one('The payroll portal', PAYROLL_PORTAL) },
  'PATCH /api/v1/jiko-accounts/{account_id}/portals/{portal_id}': {
    request: one('Rename', { name: 'Salary' }),
    responseDescription: 'The portal as renamed',
    response: one('Renamed', { ...PAYROLL_PORTAL, name: 'Salary' }),
  },
  'POST /api/v1/jiko-accounts/{account_id}/portals/{portal_id}/close': { responseDescription: 'Closed; no body' },
  'GET /api/v2/customers/{customer_id}/trades/': { responseDescription: "A page of the customer's trades", response: one('Newest first', cursorList([SELL_V2], NEXT_PAGE)) },
  'GET /api/v2/pockets/{pocket_id}/trades/': { responseDescription: "A page of the pocket's trades", response: one('A buy, then a sale for a transfer', cursorList([SELL_V2, BUY_V2])) },
  'GET /api/v1/customers/{customer_id}/trades': { responseDescription: "A page of the customer's trades (v1 shape)", response: one('Newest first', cursorList([tradeV1(SELL_V2)], NEXT_PAGE)) },
  'GET /api/v1/jiko-accounts/{account_id}/trades': { responseDescription: "A page of the pocket's trades (v1 shape)", response: one('Newest first', cursorList([tradeV1(SELL_V2), tradeV1(BUY_V2)])) },
  'GET /api/v2/pockets/{pocket_id}/transactions/': {
    responseDescription: "A page of the pocket's bank transactions",
    response: one('An ACH credit, then an on-us debit', cursorList([ON_US_DEBIT_V2, ACH_CREDIT_V2])),
  },
  'GET /api/v2/pockets/{pocket_id}/transactions/{transaction_id}/': { responseDescription: 'The bank transaction', response: one('An ACH credit', ACH_CREDIT_V2) },
  'GET /api/v2/customers/{customer_id}/transactions/': { responseDescription: "A page of the customer's bank transactions", response: one('Newest first', cursorList([ON_US_DEBIT_V2], NEXT_PAGE)) },
  'GET /api/v1/customers/{customer_id}/transactions': { responseDescription: "A page of the customer's bank transactions (v1 shape)", response: one('Newest first', cursorList([ON_US_DEBIT_V1], NEXT_PAGE)) },
  'GET /api/v1/jiko-accounts/{account_id}/transactions': { responseDescription: "A page of the pocket's bank transactions (v1 shape)", response: one('Newest first', cursorList([ON_US_DEBIT_V1], NEXT_PAGE)) },
  'GET /api/v1/jiko-accounts/{account_id}/transactions/{transaction_id}': { responseDescription: 'The bank transaction (v1 shape)', response: one('An on-us debit', ON_US_DEBIT_V1) },
  'POST /api/v1/transfers/on-us': {
    request: {
      reallocation: {
        summary: "$250.00 between two of a customer's pockets",
        value: { type: 'INTERNAL_REALLOCATION', from_account: jikoAccount(RAINY_DAY_ID), to_account: jikoAccount(VACATION_ID), amount: { type: 'REQUESTED_AMOUNT', amount_usdc: 25000 }, description: 'Vacation savings' },
      },
      funding: {
        summary: "$1,500.00 from the partner's funding pocket to a customer's pocket",
        value: {
          type: 'PARTNER_CUSTOMER_FUNDING',
          from_account: jikoAccount(FUNDING_POCKET_ID),
          to_account: jikoAccount(RAINY_DAY_ID),
          amount: { type: 'REQUESTED_AMOUNT', amount_usdc: 150000 },
          source: 'Sign-up bonus',
          transfer_id: 'f1a7c3e9-2b4d-4f6a-8c0e-9d1b3a5c7e20',
        },
      },
      defunding: {
        summary: "Everything in a customer's pocket back to the partner",
        value: { type: 'PARTNER_CUSTOMER_DEFUNDING', from_account: jikoAccount(VACATION_ID), to_account: jikoAccount(FUNDING_POCKET_ID), amount: { type: 'FULL_WITHDRAWAL' }, target: 'Account closure' },
      },
    },
    responseDescription: 'The transfer: COMPLETED, or REJECTED with a reason and nothing moved',
    response: {
      completed: { summary: 'Completed', value: ON_US_TRANSFER },
      rejected: { summary: 'Not enough value in the source', value: { ...ON_US_TRANSFER, id: 'b2c4e6f8-0a1c-4e3a-9b5d-7f9e1c3a5b70', status: 'REJECTED', reason: 'INSUFFICIENT_FUNDS', transfer: { ...ON_US_TRANSFER.transfer, amount: usd(2500000), transfer_id: 'b2c4e6f8-0a1c-4e3a-9b5d-7f9e1c3a5b70' } } },
    },
  },
  'GET /api/v1/transfers/on-us/{transfer_id}': { responseDescription: 'The transfer', response: one('Completed', ON_US_TRANSFER) },
  'POST /api/v1/subscriptions': {
    request: one('On-us transfer outcomes to our webhook', {
      description: SUBSCRIPTION.description,
      events: SUBSCRIPTION.events,
      url: SUBSCRIPTION.url,
      retry_policy: SUBSCRIPTION.retry_policy,
      shared_secret: 'whsec-3f9a1c7e5b2d8f40',
    }),
    responseDescription: 'The subscription (its shared secret is never returned)',
    response: one('Enabled', SUBSCRIPTION),
  },
  'GET /api/v1/subscriptions': { responseDescription: 'A page of subscriptions', response: one('One subscription', cursorList([SUBSCRIPTION])) },
  'GET /api/v1/subscriptions/{subscription_id}': { responseDescription: 'The subscription', response: one('Enabled', SUBSCRIPTION) },
  'PATCH /api/v1/subscriptions/{subscription_id}': {
    request: {
      disable: { summary: 'Stop deliveries for now', value: { status: 'disabled' } },
      events: { summary: 'Listen to ACH credits too', value: { events: ['transfers.on-us.success', 'transfers.on-us.rejected', 'transfers.ach.in.success'] } },
    },
    responseDescription: 'The subscription as changed',
    response: one('Disabled', { ...SUBSCRIPTION, status: 'disabled', updated_at: '2024-03-05T09:12:44.600Z' }),
  },
  'DELETE /api/v1/subscriptions/{subscription_id}': { responseDescription: 'Deleted; no body' },
  'GET /api/v1/events/types': {
    responseDescription: 'Every event type, and whether it is a pocketbook extension',
    response: one('Some of the types', {
      offset: 0,
      count: 3,
      items: [
        { event: 'application.approved', object_type: 'EventType', pocketbook_extension: false },
        { event: 'transfers.on-us.success', object_type: 'EventType', pocketbook_extension: false },
        { event: 'trade.buy', object_type: 'EventType', pocketbook_extension: true },
      ],
      object_type: 'List',
    }),
  },
  'GET /api/v1/events': { responseDescription: 'A page of events with their delivery attempts', response: one('A delivered event', cursorList([PARTNER_EVENT], NEXT_PAGE)) },
  'POST /api/v1/events/redeliver': {
    request: one('Everything since the receiver went down', { subscription_id: SUBSCRIPTION_ID, after: '2024-03-04T00:00:00Z' }),
    responseDescription: 'How many deliveries were scheduled',
    response: one('Scheduled', { count: 12 }),
  },
  'POST /api/v1/events/{event_id}/redeliver': { responseDescription: 'How many deliveries were scheduled', response: one('To one subscription', { count: 1 }) },
  'POST /api/v1/sandbox/fund': {
    request: {
      example: { summary: '$1,500.00 by ACH into a pocket', value: { account_id: RAINY_DAY_ID, amount_usdc: 150000, company_name: 'Acme Payroll', count: 1 } },
      closedPortal: {
        summary: 'To a closed portal (extension): returned R02',
        value: { account_id: RAINY_DAY_ID, amount_usdc: 150000, company_name: 'Acme Payroll', portal_id: PAYROLL_PORTAL.id },
      },
    },
    responseDescription: 'Accepted: the credits are booked and settled; no body',
  },
  'GET /api/v1/sandbox/clock': { responseDescription: "The tenant's clock", response: one('On 4 March 2024', clock('2024-03-04T15:00:00.000Z', '2024-03-04')) },
  'POST /api/v1/sandbox/clock': {
    request: one('Start the story on 4 March 2024, 10:00 in New York', { now: '2024-03-04T10:00:00-05:00' }),
    responseDescription: "The tenant's clock as set",
    response: one('Set', clock('2024-03-04T15:00:00.000Z', '2024-03-04')),
  },
  'POST /api/v1/sandbox/clock/advance': {
    request: {
      days: { summary: 'Thirty days on', value: { days: 30 } },
      to: { summary: 'To a given instant', value: { to: '2024-06-03T10:00:00-04:00' } },
    },
    responseDescription: "The tenant's clock after the move and the work it ran",
    response: one('Thirty days on', clock('2024-04-03T15:00:00.000Z', '2024-04-03')),
  },
  'POST /api/v1/sandbox/webhook': {
    request: one('A test delivery of an on-us success', {
      event_type: 'transfers.on-us.success',
      payload: { on_us_id: TRANSFER_ID, origin_account_id: RAINY_DAY_ID, destination_account_id: VACATION_ID },
    }),
    responseDescription: 'The event recorded and how many deliveries were scheduled',
    response: one('To one subscription', { event_id: '53b70a8f-ac30-4caf-8814-e52548a885d6', count: 1 }),
  },
};
