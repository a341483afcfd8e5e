/**
 * Onboarding end to end: agreements, individual applications (create, get, apply and each sandbox
 * decision), customers, events, validation, tenant isolation. Runs on PGlite, or on PostgreSQL
 * when DATABASE_URL is set (then every assertion stays inside the test's own partners).
 */
import assert from 'node:assert/strict';
import { partnerContext } from '../src/platform/context.ts';
import { after, before, describe, test } from 'node:test';
import {
  AGREEMENT_CATEGORIES,
  AGREEMENT_TYPES,
  type ApplicationRequest,
  CURRENT_AGREEMENTS,
  createOnboardingService,
  customerCount,
  findCustomer,
  setCustomerAccountStatus,
} from '../src/modules/onboarding/index.ts';
import { DomainError } from '../src/platform/http/index.ts';
import { newId } from '../src/platform/ids.ts';
import { addDays, marketDate, marketInstant } from '../src/platform/clock.ts';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { applicationRequest } from './support/fixtures.ts';

let t: TestApp;

before(async () => {
  t = await startTestApp();
});
after(async () => {
  await t?.close();
});


/** A partner without a login, for service-level tests. */
async function partnerRow(): Promise<string> {
  const tag = newId();
  const partner = await t.services.auth.createPartner({ username: `onboarding-${tag}`, password: `pw-${tag}`, sharedSecret: `s-${tag}` });
  return partner.id;
}

interface EventRow {
  event_type: string;
  object_type: string;
  object_id: string;
  customer_id: string | null;
  payload: Record<string, unknown>;
}

async function eventsOf(partnerId: string): Promise<EventRow[]> {
  return t.db.query<EventRow>(
    'SELECT event_type, object_type, object_id, customer_id, payload FROM events WHERE partner_id = $1 ORDER BY occurred_at, id',
    [partnerId],
  );
}

async function applicationCount(partnerId: string): Promise<number> {
  const rows = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM individual_applications WHERE partner_id = $1', [partnerId]);
  return rows[0]?.n ?? 0;
}

async function createApplication(client: PartnerClient, request: ApplicationRequest = applicationRequest()) {
  const response = await client.post('/api/v1/applications', request);
  assert.equal(response.statusCode, 201, response.body);
  return response.json();
}

describe('agreements', () => {
  test('GET /api/v1/agreements/ returns the versioned bundle in Jiko shape', async () => {
    const client = await newPartner(t);
    const response = await client.get('/api/v1/agreements/');
    assert.equal(response.statusCode, 200, response.body);
    const body = response.json();
    assert.deepEqual(Object.keys(body).sort(), ['documents', 'release_date', 'version']);
    assert.equal(body.version, CURRENT_AGREEMENTS.version);
    assert.match(body.release_date, /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(body.documents.length > 0);
    for (const document of body.documents) {
      assert.deepEqual(Object.keys(document).sort(), ['category', 'pdf_download_url', 'title', 'type']);
      assert.ok((AGREEMENT_TYPES as readonly string[]).includes(document.type), document.type);
      assert.ok((AGREEMENT_CATEGORIES as readonly string[]).includes(document.category), document.category);
      assert.ok(document.title.length > 0);
      const url = new URL(document.pdf_download_url);
      assert.equal(url.pathname, `/agreements/${body.version}/${document.type}.pdf`);
    }
    const categories = new Set(body.documents.map((d: { category: string }) => d.category));
    assert.deepEqual([...categories].sort(), [...AGREEMENT_CATEGORIES].sort());
    // Without the trailing slash too.
    assert.equal((await client.get('/api/v1/agreements')).statusCode, 200);
  });
});

describe('individual applications', () => {
  test('create → get → apply: APPROVED creates the customer and emits application.approved once', async () => {
    const client = await newPartner(t);
    const created = await createApplication(client);
    assert.equal(created.status, 'CREATED');
    assert.equal(created.object_type, 'InternationalApplication');
    assert.equal(created.customer_id, null);
    assert.deepEqual(created.exception_reasons, []);
    assert.deepEqual(created.documents, []);
    assert.equal(created.id_verification_documents_needed, false);
    assert.equal(created.identification_number_verification_document_needed, false);
    assert.equal(created.address_verification_document_needed, false);
    assert.deepEqual(created.name, { first_name: 'Ada', middle_name: 'King', last_name: 'Lovelace' });
    assert.deepEqual(created.date_of_birth, { date_of_birth: '1990-12-10' });
    assert.equal(created.email, 'ada@example.com');
    assert.equal(created.phone_number, '+14155550123');
    assert.equal(created.citizenship_country, 'US');
    assert.deepEqual(created.address, { street_address: '1 Main Street', city: 'Springfield', postal_code: '12345', state: 'NJ', country: 'US' });
    assert.deepEqual(created.investment_profile, {
      employment_status: 'EMPLOYED', income: 'BETWEEN_100K_AND_250K', net_worth: 'BETWEEN_200K_AND_1M', occupation: 'Engineer',
    });
    assert.deepEqual(created.agreement_consent, { version: CURRENT_AGREEMENTS.version, timestamp: '2024-01-01T10:00:00.000Z' });
    assert.ok(!('identification_number' in created), 'the identification number is never returned');
    assert.ok(!Number.isNaN(Date.parse(created.time_created)) && created.updated_at === created.time_created);

    const fetched = await client.get(`/api/v1/applications/${created.id}/`);
    assert.equal(fetched.statusCode, 200);
    assert.deepEqual(fetched.json(), created);
    assert.deepEqual(await eventsOf(client.partnerId), [], 'creating emits nothing');

    const applied = await client.post(`/api/v1/applications/${created.id}/apply/`);
    assert.equal(applied.statusCode, 200, applied.body);
    const approved = applied.json();
    assert.equal(approved.status, 'APPROVED');
    assert.match(approved.customer_id, /^[0-9a-f-]{36}$/);
    assert.deepEqual((await client.get(`/api/v1/applications/${created.id}`)).json(), approved);

    const customer = await client.get(`/api/v1/customers/${approved.customer_id}`);
    assert.equal(customer.statusCode, 200, customer.body);
    assert.deepEqual(customer.json(), {
      id: approved.customer_id,
      type: 'INDIVIDUAL',
      account_status: 'PENDING',
      name: { first_name: 'Ada', middle_name: 'King', last_name: 'Lovelace' },
      email: 'ada@example.com',
      phone_number: '+14155550123',
      date_of_birth: '1990-12-10',
      address: { street_address: '1 Main Street', city: 'Springfield', postal_code: '12345', state: 'NJ', country: 'US' },
      object_type: 'Customer',
    });

    assert.deepEqual(await eventsOf(client.partnerId), [{
      event_type: 'application.approved',
      object_type: 'Application',
      object_id: created.id,
      customer_id: approved.customer_id,
      payload: { application_id: created.id, customer_id: approved.customer_id },
    }]);
    assert.equal(await customerCount(t.db, client.partnerId), 1);
  });

  const outcomes = [
    { lastName: 'Reject', status: 'REJECTED', event: 'application.rejected' },
    { lastName: 'Review', status: 'MANUAL_REVIEW', event: 'application.manual_review' },
    { lastName: 'Documents', status: 'DOCUMENTS_NEEDED', event: 'application.documents_needed' },
  ];
  for (const outcome of outcomes) {
    test(`last name ${outcome.lastName} → ${outcome.status}, no customer, ${outcome.event} once`, async () => {
      const client = await newPartner(t);
      const created = await createApplication(client, applicationRequest(outcome.lastName));
      const applied = await client.post(`/api/v1/applications/${created.id}/apply`);
      assert.equal(applied.statusCode, 200, applied.body);
      const body = applied.json();
      assert.equal(body.status, outcome.status);
      assert.equal(body.customer_id, null);
      if (outcome.status === 'DOCUMENTS_NEEDED') {
        assert.equal(body.id_verification_documents_needed, true);
        assert.deepEqual(body.documents.map((d: { type: string }) => d.type), ['ID_FRONT', 'ID_BACK', 'SELFIE']);
        for (const document of body.documents) {
          assert.equal(document.status, 'PENDING_UPLOAD');
          assert.match(document.id, /^[0-9a-f-]{36}$/);
        }
      } else {
        assert.deepEqual(body.documents, []);
        assert.equal(body.id_verification_documents_needed, false);
      }
      assert.deepEqual((await client.get(`/api/v1/applications/${created.id}`)).json(), body);
      assert.deepEqual(await eventsOf(client.partnerId), [{
        event_type: outcome.event, object_type: 'Application', object_id: created.id, customer_id: null, payload: { application_id: created.id },
      }]);
      assert.equal(await customerCount(t.db, client.partnerId), 0);
    });
  }

  test('applying twice is refused (409) and changes nothing; one event only', async () => {
    const client = await newPartner(t);
    const created = await createApplication(client);
    const first = (await client.post(`/api/v1/applications/${created.id}/apply`)).json();
    const second = await client.post(`/api/v1/applications/${created.id}/apply`);
    assert.equal(second.statusCode, 409, second.body);
    assert.equal(typeof second.json().detail, 'string');
    assert.deepEqual((await client.get(`/api/v1/applications/${created.id}`)).json(), first);
    assert.equal((await eventsOf(client.partnerId)).length, 1);
    assert.equal(await customerCount(t.db, client.partnerId), 1);
  });

  test('two concurrent applies: one decides, the other is refused; one event, one customer', async () => {
    const client = await newPartner(t);
    const created = await createApplication(client);
    const responses = await Promise.all([
      client.post(`/api/v1/applications/${created.id}/apply`),
      client.post(`/api/v1/applications/${created.id}/apply`),
    ]);
    assert.deepEqual(responses.map((r) => r.statusCode).sort(), [200, 409]);
    assert.equal((await eventsOf(client.partnerId)).length, 1);
    assert.equal(await customerCount(t.db, client.partnerId), 1);
  });

  test('unknown and malformed ids: 404 Not Found, 422 for a non-UUID path parameter', async () => {
    const client = await newPartner(t);
    for (const path of [`/api/v1/applications/${newId()}`, `/api/v1/customers/${newId()}`]) {
      const response = await client.get(path);
      assert.equal(response.statusCode, 404, path);
      assert.deepEqual(response.json(), { detail: 'Not Found' });
    }
    assert.equal((await client.post(`/api/v1/applications/${newId()}/apply`)).statusCode, 404);
    for (const [method, path, field] of [
      ['GET', '/api/v1/applications/not-a-uuid', 'application_id'],
      ['POST', '/api/v1/applications/not-a-uuid/apply', 'application_id'],
      ['GET', '/api/v1/customers/not-a-uuid', 'customer_id'],
    ] as const) {
      const response = method === 'GET' ? await client.get(path) : await client.post(path);
      assert.equal(response.statusCode, 422, path);
      assert.deepEqual(response.json().detail[0].loc, ['path', field]);
    }
  });
});

describe('validation', () => {
  /** Posts `request`, expects a 422 naming `loc`, and checks that nothing was stored. */
  async function expect422(client: PartnerClient, request: unknown, loc: (string | number)[]) {
    const response = await client.post('/api/v1/applications', request);
    assert.equal(response.statusCode, 422, `${loc.join('.')}: ${response.body}`);
    const detail = response.json().detail as { loc: (string | number)[]; msg: string; type: string }[];
    assert.ok(Array.isArray(detail) && detail.length > 0);
    for (const issue of detail) assert.ok(typeof issue.msg === 'string' && typeof issue.type === 'string');
    assert.ok(detail.some((issue) => JSON.stringify(issue.loc) === JSON.stringify(loc)), `${JSON.stringify(loc)} in ${response.body}`);
  }

  test('each broken rule is a 422 in Jiko shape and nothing is created', async () => {
    const client = await newPartner(t);
    const valid = applicationRequest();
    const { name: _name, ...withoutName } = valid;
    await expect422(client, withoutName, ['body', 'name']);
    await expect422(client, { ...valid, name: { first_name: 'Ada' } }, ['body', 'name', 'last_name']);
    await expect422(client, { ...valid, name: { first_name: 'A'.repeat(51), last_name: 'L' } }, ['body', 'name', 'first_name']);
    await expect422(client, { ...valid, name: { first_name: '   ', last_name: 'L' } }, ['body', 'name', 'first_name']);
    await expect422(client, { ...valid, email: 'not-an-email' }, ['body', 'email']);
    await expect422(client, { ...valid, date_of_birth: '1990-02-30' }, ['body', 'date_of_birth']);
    await expect422(client, { ...valid, identification_type: 'LIBRARY_CARD' }, ['body', 'identification_type']);
    await expect422(client, { ...valid, investment_profile: { ...valid.investment_profile, income: 'LOTS' } }, ['body', 'investment_profile', 'income']);
    await expect422(client, { ...valid, investment_profile: { ...valid.investment_profile, net_worth: 'OVER_9000' } }, ['body', 'investment_profile', 'net_worth']);
    await expect422(client, { ...valid, investment_profile: { ...valid.investment_profile, employment_status: 'ASTRONAUT' } }, ['body', 'investment_profile', 'employment_status']);
    await expect422(client, { ...valid, investment_profile: { employment_status: 'EMPLOYED', income: 'OVER_250K', net_worth: 'OVER_5M' } }, ['body', 'investment_profile', 'occupation']);
    await expect422(client, { ...valid, agreement_consent: { version: 'v0-old', timestamp: '2025-03-01T10:00:00Z' } }, ['body', 'agreement_consent', 'version']);
    await expect422(client, { ...valid, agreement_consent: { version: CURRENT_AGREEMENTS.version } }, ['body', 'agreement_consent', 'timestamp']);
    await expect422(client, { ...valid, address: { ...valid.address, country: 'USA' } }, ['body', 'address', 'country']);
    await expect422(client, { ...valid, address: { ...valid.address, country: 'XX' } }, ['body', 'address', 'country']);
    await expect422(client, { ...valid, citizenship_country: 'ZZ' }, ['body', 'citizenship_country']);
    await expect422(client, { ...valid, phone_number: '555-0123' }, ['body', 'phone_number']);
    const { phone_number: _phone, ...withoutPhone } = valid;
    await expect422(client, withoutPhone, ['body', 'phone_number']);

    assert.equal(await applicationCount(client.partnerId), 0);
    assert.deepEqual(await eventsOf(client.partnerId), []);

    // Occupation is optional for anyone not EMPLOYED.
    await createApplication(client, applicationRequest('Lovelace', {
      investment_profile: { employment_status: 'RETIRED', income: 'BELOW_50K', net_worth: 'OVER_5M' },
    }));
    assert.equal(await applicationCount(client.partnerId), 1);
  });

  test('the applicant must be 18 or older on the tenant clock date', async () => {
    const client = await newPartner(t);
    // Noon in New York on 2030-06-15, so the tenant's calendar date is certain.
    await t.services.tenancy.setNow(t.db, client.partnerId, marketInstant('2030-06-15', 12));
    const today = '2030-06-15';
    await expect422(client, applicationRequest('Lovelace', { date_of_birth: '2012-06-16' }), ['body', 'date_of_birth']);
    await expect422(client, applicationRequest('Lovelace', { date_of_birth: addDays(today, 1) }), ['body', 'date_of_birth']);
    assert.equal(await applicationCount(client.partnerId), 0);
    const adult = await createApplication(client, applicationRequest('Lovelace', { date_of_birth: '2012-06-15' }));
    assert.deepEqual(adult.date_of_birth, { date_of_birth: '2012-06-15' });
    assert.equal(marketDate(new Date(adult.time_created)), today, 'timestamps come from the tenant clock');
  });
});

describe('tenant isolation', () => {
  test("another partner's application and customer ids are 404, including apply", async () => {
    const owner = await newPartner(t);
    const other = await newPartner(t);
    const created = await createApplication(owner);

    for (const response of [
      await other.get(`/api/v1/applications/${created.id}`),
      await other.post(`/api/v1/applications/${created.id}/apply`),
    ]) {
      assert.equal(response.statusCode, 404);
      assert.deepEqual(response.json(), { detail: 'Not Found' });
    }
    assert.equal((await owner.get(`/api/v1/applications/${created.id}`)).json().status, 'CREATED', 'the foreign apply changed nothing');
    assert.deepEqual(await eventsOf(owner.partnerId), []);

    const approved = (await owner.post(`/api/v1/applications/${created.id}/apply`)).json();
    const foreign = await other.get(`/api/v1/customers/${approved.customer_id}`);
    assert.equal(foreign.statusCode, 404);
    assert.deepEqual(foreign.json(), { detail: 'Not Found' });
    assert.deepEqual(await eventsOf(other.partnerId), []);
  });
});

describe('service API for other modules and the seed', () => {
  const ctx = (partnerId: string) => partnerContext(partnerId, new Date('2030-06-15T16:00:00Z'));

  test('createApprovedCustomer, findCustomer, setCustomerAccountStatus, customerCount', async () => {
    const partnerId = await partnerRow();
    const otherId = await partnerRow();
    const onboarding = t.services.onboarding;
    assert.equal(await customerCount(t.db, partnerId), 0);

    const customerId = await onboarding.createApprovedCustomer(ctx(partnerId), applicationRequest('Hopper'));
    const customer = await findCustomer(t.db, partnerId, customerId);
    assert.ok(customer);
    assert.equal(customer.id, customerId);
    assert.equal(customer.partnerId, partnerId);
    assert.equal(customer.accountStatus, 'PENDING');
    assert.equal(customer.type, 'INDIVIDUAL');
    assert.equal(customer.firstName, 'Ada');
    assert.equal(customer.lastName, 'Hopper');
    assert.equal(await customerCount(t.db, partnerId), 1);
    assert.equal((await eventsOf(partnerId)).length, 1);

    await t.db.tx((tx) => setCustomerAccountStatus(tx, partnerId, customerId, 'OPEN'));
    assert.equal((await findCustomer(t.db, partnerId, customerId))?.accountStatus, 'OPEN');
    assert.equal((await onboarding.getCustomer(ctx(partnerId), customerId)).accountStatus, 'OPEN');

    // Another tenant neither sees nor changes it.
    assert.equal(await findCustomer(t.db, otherId, customerId), undefined);
    assert.equal(await findCustomer(t.db, otherId, 'not-a-uuid'), undefined);
    await assert.rejects(
      t.db.tx((tx) => setCustomerAccountStatus(tx, otherId, customerId, 'CLOSED')),
      (error: unknown) => error instanceof DomainError && error.kind === 'not_found',
    );
    assert.equal((await findCustomer(t.db, partnerId, customerId))?.accountStatus, 'OPEN');
    assert.equal(await customerCount(t.db, otherId), 0);
  });

  test('in production mode apply leaves the application SUBMITTED, with no decision and no event', async () => {
    const partnerId = await partnerRow();
    const production = createOnboardingService({ ...t.deps, config: { ...t.deps.config, mode: 'production' } });
    const created = await production.createApplication(ctx(partnerId), applicationRequest('Reject'));
    const applied = await production.applyApplication(ctx(partnerId), created.id);
    assert.equal(applied.status, 'SUBMITTED');
    assert.equal(applied.customerId, null);
    assert.deepEqual(await eventsOf(partnerId), []);
    await assert.rejects(production.applyApplication(ctx(partnerId), created.id), (error: unknown) => error instanceof DomainError && error.kind === 'conflict');
  });

  test('createApprovedCustomer stores nothing when the applicant is not approved or invalid', async () => {
    const partnerId = await partnerRow();
    const onboarding = t.services.onboarding;
    await assert.rejects(
      onboarding.createApprovedCustomer(ctx(partnerId), applicationRequest('Reject')),
      (error: unknown) => error instanceof DomainError && error.code === 'onboarding.application_not_approved',
    );
    await assert.rejects(
      onboarding.createApprovedCustomer(ctx(partnerId), applicationRequest('Hopper', { date_of_birth: '2012-06-16' })),
      (error: unknown) => error instanceof DomainError && error.kind === 'invalid',
    );
    assert.equal(await applicationCount(partnerId), 0);
    assert.equal(await customerCount(t.db, partnerId), 0);
    assert.deepEqual(await eventsOf(partnerId), []);
  });
});

describe('openapi', () => {
  test('/openapi.json documents the onboarding routes and their response schemas', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/openapi.json' });
    const spec = response.json();
    for (const path of ['/api/v1/agreements', '/api/v1/applications', '/api/v1/applications/{application_id}', '/api/v1/applications/{application_id}/apply', '/api/v1/customers/{customer_id}']) {
      assert.ok(spec.paths[path], path);
    }
    assert.ok(spec.paths['/api/v1/applications'].post.responses['201']);
    assert.ok(spec.paths['/api/v1/customers/{customer_id}'].get.responses['200']);
  });
});
