/**
 * Examples of the business onboarding and upload operations (request bodies and 2xx responses),
 * shown by the API reference and checked against their schemas by test/openapi.test.ts. One story:
 * Hopper Ledger Corp., a Delaware corporation, applies on 4 March 2024 with its CEO (control
 * person, 60%) and CFO (authorized representative, 40%); the sandbox asks for documents, the
 * uploads are approved at 09:00 the next business day, and the business customer is created.
 */

const APPLICATION_ID = '0b9c7f1e-5f8a-4c2e-9d3b-6a1e2f4c8d70';
const CEO_ID = '3e2d1c0b-9a8f-4e7d-8c6b-5a4f3e2d1c0b';
const CFO_ID = '7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d';
const CUSTOMER_ID = 'c4f2a8e6-1b3d-4f5a-8c7e-9d0b2a4c6e81';
const DOCUMENT_ID = 'e1d2c3b4-a5f6-4789-8abc-def012345678';

const ADDRESS = { street_address: '1 Rodney Square', street_address2: 'Suite 400', city: 'Wilmington', postal_code: '19801', state: 'DE', country: 'US' };

/** A complete BusinessApplicationRequest. */
export const BUSINESS_REQUEST = {
  name: 'Hopper Ledger Corp.',
  entity_type: 'CORPORATE',
  doing_business_as: 'Hopper Ledger',
  identification_number: { identification_number: '12-3456789', type: 'EIN', issuing_country: 'US' },
  address: ADDRESS,
  website: 'https://hopper-ledger.example.com',
  contact: { name: { first_name: 'Grace', last_name: 'Hopper' }, phone_number: '+13025550123', email: 'grace@hopper-ledger.example.com' },
  formation_date: '2017-01-04',
  risk_info: {
    risk_categories: [],
    company_mission: 'Bookkeeping software for small businesses',
    has_current_enforcement_actions: false,
    business_activity_location: 'PRIMARILY_US',
    source_of_funds: 'INTERNAL_FUNDS',
    account_usage: 'MONEY_STORAGE',
    annual_revenue: '5M_OR_LESS',
    monthly_transactions: '5_OR_LESS',
    first_month_deposit: '1M_OR_LESS',
  },
  industry: { industry: 'SOFTWARE' },
  agreement_consent: { version: '2025.1', timestamp: '2024-03-04T14:58:12.000Z' },
};

/** The application as the API returns it. */
export function businessApplication(status: 'CREATED' | 'DOCUMENTS_NEEDED' | 'APPROVED') {
  return {
    ...BUSINESS_REQUEST,
    id: APPLICATION_ID,
    time_created: '2024-03-04T15:00:00.000Z',
    updated_at: status === 'CREATED' ? '2024-03-04T15:00:00.000Z' : status === 'DOCUMENTS_NEEDED' ? '2024-03-04T15:05:00.000Z' : '2024-03-05T14:00:00.000Z',
    status,
    exception_reasons: [],
    customer_id: status === 'APPROVED' ? CUSTOMER_ID : null,
    object_type: 'BusinessApplication',
  };
}

/** The CEO as sent. */
export const RELATED_PARTY_REQUEST = {
  title: 'CEO',
  name: { first_name: 'Grace', last_name: 'Hopper' },
  address: { street_address: '12 Elm Street', city: 'Arlington', postal_code: '22201', state: 'VA', country: 'US' },
  date_of_birth: '1986-12-09',
  identification_number: { identification_number: '123-45-6789', identification_type: 'SSN' },
  phone_number: '+17035550123',
  roles: ['CONTROL_PERSON'],
  ownership_percentage: '0.6',
  citizenship: 'US',
  email: 'grace@hopper-ledger.example.com',
};

/** The CEO as returned: the identification number masked. */
export const RELATED_PARTY = {
  ...RELATED_PARTY_REQUEST,
  identification_number: { identification_number: '***-**-6789', identification_type: 'SSN' },
  id: CEO_ID,
  object_type: 'RelatedPartyApplication',
};

/** The CFO as returned. */
export const SECOND_PARTY = {
  ...RELATED_PARTY,
  id: CFO_ID,
  title: 'CFO',
  name: { first_name: 'Jean', last_name: 'Sammet' },
  identification_number: { identification_number: '***-**-4321', identification_type: 'SSN' },
  roles: ['AUTHORIZED_REPRESENTATIVE'],
  ownership_percentage: '0.4',
  email: 'jean@hopper-ledger.example.com',
};

const doc = (id: string, type: string, status: string, name: string) => ({ id, type, status, exception_reason: '', name });

/** The checklist a DOCUMENTS_NEEDED review opened for the corporation. */
export const DOCUMENTS = [
  doc(DOCUMENT_ID, 'EIN_CONFIRMATION', 'PENDING_REVIEW', 'ein-letter.pdf'),
  doc('f2e3d4c5-b6a7-4890-9bcd-ef0123456789', 'ARTICLES_OF_INCORPORATION', 'PENDING_UPLOAD', ''),
  doc('a3b4c5d6-e7f8-4901-8cde-f01234567890', 'BYLAWS', 'PENDING_UPLOAD', ''),
];

/** The v2 shape of a document request. */
export const documentV2 = (document: (typeof DOCUMENTS)[number], relatedPartyId: string | null = null) => ({ ...document, related_party_id: relatedPartyId, object_type: 'Document' });

/** An ID image of the control person, as v2 lists a related party's documents. */
export const PARTY_DOCUMENT_V2 = documentV2(doc('b4c5d6e7-f809-4a12-9def-012345678901', 'ID_FRONT', 'PENDING_UPLOAD', ''), CEO_ID);

export const UPLOADED_DOCUMENT = DOCUMENTS[0]!;

export const INVITE_REQUEST = { email: 'jean@hopper-ledger.example.com', first_name: 'Jean', last_name: 'Sammet', role: 'ADMIN' };
export const INVITE = {
  id: '9d8c7b6a-5f4e-4d3c-8b2a-1f0e9d8c7b6a', application_id: APPLICATION_ID, email: 'jean@hopper-ledger.example.com', first_name: 'Jean',
  last_name: 'Sammet', role: 'ADMIN', status: 'PENDING', time_created: '2024-03-04T15:01:00.000Z', object_type: 'Invite',
};
export const TEAM_REQUEST = { members: [{ email: 'grace@hopper-ledger.example.com', first_name: 'Grace', last_name: 'Hopper', role: 'ADMIN' }] };
export const TEAM = [{ ...INVITE, id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d', email: 'grace@hopper-ledger.example.com', first_name: 'Grace', last_name: 'Hopper', time_created: '2024-03-04T15:02:00.000Z', object_type: 'TeamMember' }];

export const BUSINESS_CUSTOMER = {
  id: CUSTOMER_ID,
  type: 'BUSINESS',
  account_status: 'OPEN',
  name: 'Hopper Ledger Corp.',
  email: 'grace@hopper-ledger.example.com',
  phone_number: '+13025550123',
  address: ADDRESS,
  identification_number: { identification_number: '12-3456789', type: 'EIN', issuing_country: 'US' },
  object_type: 'Customer',
};

const { id: _id, object_type: _type, ...ceo } = RELATED_PARTY;
export const BENEFICIAL_OWNER = { ...ceo, id: CEO_ID, ownership_percentage: '0.6', object_type: 'BeneficialOwner' };

export const UPLOAD_RESPONSE = { success: true, document_id: DOCUMENT_ID };

/** Jiko's offset list of `items`. */
export const list = (items: unknown[]) => ({ offset: 0, count: items.length, items, object_type: 'List' });
export const cursorList = (items: unknown[]) => ({ prev_page: null, next_page: null, items, object_type: 'CursorList' });
