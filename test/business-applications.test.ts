/**
 * Business onboarding end to end through the Partner API (Jiko's Businesses operations, and the
 * business applications v2): applications and related parties checked as Jiko checks them, the
 * sandbox's decisions, document requests fulfilled by uploads and reviewed on the tenant's clock,
 * approval to a business customer with beneficial owners and pockets, events, exactly-once
 * changes, and tenants kept apart. Individual applications' uploads and review too.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CURRENT_AGREEMENTS } from '../src/modules/onboarding/index.ts';
import { type PartnerClient, type TestApp, newPartner, startTestApp } from './support/app.ts';
import { applicationRequest, assertSound, createPocket } from './support/fixtures.ts';
import { fileOf, upload } from './support/uploads.ts';
import { scratchFolder } from './support/db.ts';

type Json = Record<string, any>;

const documentsDir = scratchFolder('pocketbook-kyb-');
let t: TestApp;
before(async () => {
  t = await startTestApp({ config: { documents: { dir: documentsDir, s3: undefined } } });
});
after(async () => {
  await t?.close();
  rmSync(documentsDir, { recursive: true, force: true });
});

/** A partner whose clock is Monday 4 March 2024, 10:00 New York. */
async function partner(): Promise<PartnerClient> {
  const client = await newPartner(t);
  await client.setClock('2024-03-04T15:00:00Z');
  return client;
}

function businessRequest(name: string, overrides: Json = {}): Json {
  return {
    name,
    entity_type: 'CORPORATE',
    identification_number: { identification_number: '12-3456789', type: 'EIN' },
    address: { street_address: '1 Rodney Square', city: 'Wilmington', postal_code: '19801', state: 'DE', country: 'US' },
    contact: { name: { first_name: 'Grace', last_name: 'Hopper' }, phone_number: '(302) 555-0123', email: 'grace@example.com' },
    formation_date: '2017-01-04',
    risk_info: { risk_categories: [], business_activity_location: 'PRIMARILY_US', source_of_funds: 'INTERNAL_FUNDS', account_usage: 'MONEY_STORAGE' },
    industry: { industry: 'SOFTWARE' },
    agreement_consent: { version: CURRENT_AGREEMENTS.version, timestamp: '2024-03-04T14:00:00Z' },
    ...overrides,
  };
}

function party(lastName: string, overrides: Json = {}): Json {
  return {
    title: 'Officer',
    name: { first_name: 'Alex', last_name: lastName },
    address: { street_address: '12 Elm Street', city: 'Arlington', postal_code: '22201', state: 'VA', country: 'US' },
    date_of_birth: '1980-05-17',
    identification_number: { identification_number: '123-45-6789', identification_type: 'SSN' },
    phone_number: '+17035550123',
    roles: [],
    citizenship: 'US',
    email: `${lastName.toLowerCase()}@example.com`,
    ...overrides,
  };
}

async function created(client: PartnerClient, body: Json, version = 'v1'): Promise<Json> {
  const response = await client.post(`/api/${version}/business-applications/`, body);
  assert.equal(response.statusCode, 201, response.body);
  return response.json();
}

async function addParty(client: PartnerClient, applicationId: string, body: Json): Promise<Json> {
  const response = await client.post(`/api/v1/business-applications/${applicationId}/related-party-applications/`, body);
  assert.equal(response.statusCode, 201, response.body);
  return response.json();
}

/** Events of the tenant, oldest first: [type, object id, payload]. */
async function eventsOf(partnerId: string): Promise<[string, string, Json][]> {
  const rows = await t.db.query<{ event_type: string; object_id: string; payload: Json }>(
    'SELECT event_type, object_id, payload FROM events WHERE partner_id = $1 ORDER BY created_at, sequence',
    [partnerId],
  );
  return rows.map((row) => [row.event_type, row.object_id, row.payload]);
}

describe('a corporation through DOCUMENTS_NEEDED to a business customer', () => {
  test('two beneficial owners and a control person: documents requested, uploaded, reviewed on the clock, approved with pockets', async () => {
    const client = await partner();
    const application = await created(client, businessRequest('Documents Ledger Corp.'));
    assert.equal(application.status, 'CREATED');
    assert.equal(application.customer_id, null);
    assert.deepEqual(application.identification_number, { identification_number: '12-3456789', type: 'EIN', issuing_country: 'US' });
    assert.equal(application.contact.phone_number, '+13025550123');
    const id = application.id as string;

    const owner1 = await addParty(client, id, party('Byron', { ownership_percentage: '0.50', roles: ['AUTHORIZED_REPRESENTATIVE'] }));
    const owner2 = await addParty(client, id, party('Babbage', { ownership_percentage: '0.3', identification_number: { identification_number: '234564321', identification_type: 'SSN' } }));
    const control = await addParty(client, id, party('Somerville', { roles: ['CONTROL_PERSON'], title: 'COO' }));
    assert.equal(owner1.ownership_percentage, '0.5');
    assert.deepEqual(owner2.identification_number, { identification_number: '***-**-4321', identification_type: 'SSN' });
    const listed = await client.get(`/api/v1/business-applications/${id}/related-party-applications/`);
    assert.deepEqual(listed.json().map((p: Json) => p.id), [owner1.id, owner2.id, control.id]);

    const applied = await client.post(`/api/v1/business-applications/${id}/apply/`, {});
    assert.equal(applied.statusCode, 200, applied.body);
    assert.equal(applied.json().status, 'DOCUMENTS_NEEDED');
    const checklist = (await client.get(`/api/v1/business-applications/${id}/documents/`)).json() as Json[];
    assert.deepEqual(checklist.map((d) => [d.type, d.status, d.name]), [
      ['EIN_CONFIRMATION', 'PENDING_UPLOAD', ''],
      ['ARTICLES_OF_INCORPORATION', 'PENDING_UPLOAD', ''],
      ['BYLAWS', 'PENDING_UPLOAD', ''],
      ['ID_FRONT', 'PENDING_UPLOAD', ''],
    ]);
    const v2 = (await client.get(`/api/v2/business-applications/${id}/related-parties/${control.id}/documents/`)).json();
    assert.deepEqual(v2.items.map((d: Json) => [d.type, d.related_party_id]), [['ID_FRONT', control.id]]);

    // Each file goes up; the application waits for the last one, then is SUBMITTED again.
    for (const [i, document] of checklist.entries()) {
      const isId = document.type === 'ID_FRONT';
      const response = await upload(client, `/api/v1/documents/${document.id}`, fileOf(isId ? 'jpeg' : 'pdf', 4096, document.type), {
        contentType: isId ? 'image/jpeg' : 'application/pdf',
        fileName: `${document.type.toLowerCase()}.${isId ? 'jpg' : 'pdf'}`,
      });
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(response.json(), { id: document.id, type: document.type, status: 'PENDING_REVIEW', exception_reason: '', name: `${document.type.toLowerCase()}.${isId ? 'jpg' : 'pdf'}` });
      const status = (await client.get(`/api/v1/business-applications/${id}/`)).json().status;
      assert.equal(status, i < checklist.length - 1 ? 'DOCUMENTS_NEEDED' : 'SUBMITTED');
    }
    // The bytes are in the document store.
    const [stored] = await t.db.query<{ file_id: string }>('SELECT file_id FROM business_documents WHERE partner_id = $1 AND id = $2', [client.partnerId, checklist[0]!.id]);
    assert.deepEqual(await t.services.documents.bytes(client.partnerId, stored!.file_id), fileOf('pdf', 4096, 'EIN_CONFIRMATION'));

    // Nothing is reviewed before 09:00 the next business day; then the files and the application are.
    await client.advanceClock({ to: '2024-03-05T13:59:00Z' });
    assert.equal((await client.get(`/api/v1/business-applications/${id}/`)).json().status, 'SUBMITTED');
    await client.advanceClock({ to: '2024-03-05T14:00:00Z' });
    const approved = (await client.get(`/api/v1/business-applications/${id}/`)).json();
    assert.equal(approved.status, 'APPROVED');
    assert.ok(approved.customer_id);
    const reviewed = (await client.get(`/api/v1/business-applications/${id}/documents/`)).json() as Json[];
    assert.deepEqual(reviewed.map((d) => d.status), ['APPROVED', 'APPROVED', 'APPROVED', 'APPROVED']);
    assert.deepEqual((await eventsOf(client.partnerId)).map(([type, objectId]) => [type, objectId]), [
      ['application.documents_needed', id],
      ['application.approved', id],
    ]);
    assert.deepEqual((await eventsOf(client.partnerId))[1]![2], { application_id: id, customer_id: approved.customer_id });

    // The business customer, its beneficial owners (both owners, and the control person).
    const customer = await client.get(`/api/v1/customers/${approved.customer_id}`);
    assert.equal(customer.statusCode, 200, customer.body);
    assert.deepEqual(customer.json(), {
      id: approved.customer_id,
      type: 'BUSINESS',
      account_status: 'PENDING',
      name: 'Documents Ledger Corp.',
      email: 'grace@example.com',
      phone_number: '+13025550123',
      address: { street_address: '1 Rodney Square', city: 'Wilmington', postal_code: '19801', state: 'DE', country: 'US' },
      identification_number: { identification_number: '12-3456789', type: 'EIN', issuing_country: 'US' },
      object_type: 'Customer',
    });
    const owners = (await client.get(`/api/v1/customers/${approved.customer_id}/beneficial-owners/`)).json();
    assert.deepEqual(owners.items.map((o: Json) => [o.name.last_name, o.ownership_percentage, o.roles, o.identification_number.identification_number]), [
      ['Byron', '0.5', ['AUTHORIZED_REPRESENTATIVE'], '***-**-6789'],
      ['Babbage', '0.3', [], '***-**-4321'],
      ['Somerville', '0', ['CONTROL_PERSON'], '***-**-6789'],
    ]);

    // A pocket for the business; an approved document takes no new file (412).
    await createPocket(client, approved.customer_id, 'UST-13W');
    assert.equal((await client.get(`/api/v1/customers/${approved.customer_id}`)).json().account_status, 'OPEN');
    const again = await upload(client, `/api/v1/documents/${checklist[0]!.id}`, fileOf('pdf'));
    assert.equal(again.statusCode, 412, again.body);
    assert.deepEqual(again.json(), { detail: 'Document has already been reviewed and approved' });
    await assertSound(t.db, client.partnerId);
  });

  test('an upload is exactly once: a retry with its key replays, and the file is recorded once', async () => {
    const client = await partner();
    const { id } = await created(client, businessRequest('Documents Inc.'));
    await addParty(client, id, party('Curie', { roles: ['CONTROL_PERSON', 'AUTHORIZED_REPRESENTATIVE'], ownership_percentage: '1' }));
    const applied = await client.post(`/api/v1/business-applications/${id}/apply/`, {}, { idempotencyKey: '11111111-2222-4333-8444-555555555555' });
    assert.equal(applied.json().status, 'DOCUMENTS_NEEDED');
    const replayedApply = await client.post(`/api/v1/business-applications/${id}/apply/`, {}, { idempotencyKey: '11111111-2222-4333-8444-555555555555' });
    assert.equal(replayedApply.headers['idempotent-replayed'], 'true');
    assert.equal(replayedApply.body, applied.body);

    const [first] = (await client.get(`/api/v1/business-applications/${id}/documents/`)).json() as Json[];
    const key = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
    const sent = await upload(client, `/api/v1/documents/${first!.id}`, fileOf('pdf'), { idempotencyKey: key });
    assert.equal(sent.statusCode, 200, sent.body);
    const retried = await upload(client, `/api/v1/documents/${first!.id}`, fileOf('pdf'), { idempotencyKey: key });
    assert.equal(retried.statusCode, 200);
    assert.equal(retried.headers['idempotent-replayed'], 'true');
    assert.equal(retried.body, sent.body);
    const files = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM document_files WHERE partner_id = $1', [client.partnerId]);
    assert.equal(files[0]!.n, 1);
  });
});

describe('sandbox decisions', () => {
  test('an LLC named Reject is REJECTED, with no customer and an application.rejected event', async () => {
    const client = await partner();
    const { id } = await created(client, businessRequest('Reject Holdings LLC', { entity_type: 'LLC' }));
    await addParty(client, id, party('Noether', { roles: ['CONTROL_PERSON', 'AUTHORIZED_REPRESENTATIVE'], ownership_percentage: '0.75' }));
    const applied = await client.post(`/api/v1/business-applications/${id}/apply/`, {});
    assert.equal(applied.statusCode, 200, applied.body);
    assert.equal(applied.json().status, 'REJECTED');
    assert.equal(applied.json().customer_id, null);
    assert.deepEqual((await client.get(`/api/v1/business-applications/${id}/documents/`)).json(), []);
    assert.deepEqual((await eventsOf(client.partnerId)).map(([type]) => type), ['application.rejected']);
    const customers = await t.db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers WHERE partner_id = $1', [client.partnerId]);
    assert.equal(customers[0]!.n, 0);
  });

  test("an LLC's documents are its own; a related party's last name asks for that person's ID; a scenario forces the outcome", async () => {
    const client = await partner();
    const llc = await created(client, businessRequest('Documents LLC', { entity_type: 'LLC' }));
    await addParty(client, llc.id, party('Meitner', { roles: ['CONTROL_PERSON', 'AUTHORIZED_REPRESENTATIVE'] }));
    await client.post(`/api/v1/business-applications/${llc.id}/apply/`, {});
    const llcDocs = (await client.get(`/api/v1/business-applications/${llc.id}/documents/`)).json() as Json[];
    assert.deepEqual(llcDocs.map((d) => d.type), ['EIN_CONFIRMATION', 'ARTICLES_OF_ORGANIZATION', 'OPERATING_AGREEMENT', 'ID_FRONT']);

    const byParty = await created(client, businessRequest('Plain Co'));
    const person = await addParty(client, byParty.id, party('Documents', { roles: ['CONTROL_PERSON', 'AUTHORIZED_REPRESENTATIVE'] }));
    assert.equal((await client.post(`/api/v1/business-applications/${byParty.id}/apply/`, {})).json().status, 'DOCUMENTS_NEEDED');
    const personDocs = (await client.get(`/api/v2/business-applications/${byParty.id}/documents/`)).json().items as Json[];
    assert.deepEqual(personDocs.map((d) => [d.type, d.related_party_id]), [['ID_FRONT', person.id], ['ID_BACK', person.id]]);

    const forced = await created(client, businessRequest('Plain Co 2'), 'v2');
    await client.post(`/api/v2/business-applications/${forced.id}/related-parties/`, party('Franklin', { roles: ['CONTROL_PERSON', 'AUTHORIZED_REPRESENTATIVE'] }));
    const bad = await client.post(`/api/v2/business-applications/${forced.id}/apply/`, {}, { headers: { 'x-pocketbook-scenario': 'MAYBE' } });
    assert.equal(bad.statusCode, 422, bad.body);
    const review = await client.post(`/api/v2/business-applications/${forced.id}/apply/`, {}, { headers: { 'x-pocketbook-scenario': 'MANUAL_REVIEW' } });
    assert.equal(review.statusCode, 200, review.body);
    assert.equal(review.json().status, 'MANUAL_REVIEW');
  });

  test('a file named invalid-blurry is found INVALID: the application needs documents again, and a new file is approved', async () => {
    const client = await partner();
    const { id } = await created(client, businessRequest('Documents Partners', { entity_type: 'PARTNERSHIP' }));
    await addParty(client, id, party('Lamarr', { roles: ['CONTROL_PERSON', 'AUTHORIZED_REPRESENTATIVE'], ownership_percentage: '0.5' }));
    await client.post(`/api/v1/business-applications/${id}/apply/`, {});
    const checklist = (await client.get(`/api/v1/business-applications/${id}/documents/`)).json() as Json[];
    assert.deepEqual(checklist.map((d) => d.type), ['EIN_CONFIRMATION', 'PARTNERSHIP_AGREEMENT', 'ID_FRONT']);
    for (const document of checklist) {
      const name = document.type === 'ID_FRONT' ? 'invalid-blurry.png' : 'ok.pdf';
      const response = await upload(client, `/api/v1/documents/${document.id}`, fileOf(name.endsWith('png') ? 'png' : 'pdf'), { contentType: name.endsWith('png') ? 'image/png' : 'application/pdf', fileName: name });
      assert.equal(response.statusCode, 200, response.body);
    }
    await client.advanceClock({ to: '2024-03-05T14:00:00Z' });
    const after = (await client.get(`/api/v1/business-applications/${id}/documents/`)).json() as Json[];
    assert.deepEqual(after.map((d) => [d.status, d.exception_reason]), [['APPROVED', ''], ['APPROVED', ''], ['INVALID', 'IMAGE_QUALITY_ERROR_BLURRY']]);
    assert.equal((await client.get(`/api/v1/business-applications/${id}/`)).json().status, 'DOCUMENTS_NEEDED');

    const redo = await upload(client, `/api/v1/documents/${checklist[2]!.id}`, fileOf('png', 100, 'sharp'), { contentType: 'image/png', fileName: 'id.png' });
    assert.equal(redo.json().status, 'PENDING_REVIEW');
    await client.advanceClock({ to: '2024-03-06T14:00:00Z' });
    assert.equal((await client.get(`/api/v1/business-applications/${id}/`)).json().status, 'APPROVED');
    assert.deepEqual((await eventsOf(client.partnerId)).map(([type]) => type), ['application.documents_needed', 'application.documents_needed', 'application.approved']);
  });
});

describe("Jiko's rules", () => {
  test('fields are checked as sent: EIN, TIN, countries, consent, ownership', async () => {
    const client = await partner();
    const cases: [Json, (string | number)[]][] = [
      [{ identification_number: { identification_number: '07-1234567', type: 'EIN' } }, ['body', 'identification_number', 'identification_number']],
      [{ identification_number: { identification_number: '1234', type: 'TIN' } }, ['body', 'identification_number', 'identification_number']],
      [{ identification_number: { identification_number: 'HRB 12345', type: 'NON_US_BUSINESS_ID' } }, ['body', 'identification_number', 'issuing_country']],
      [{ address: { street_address: 'x', city: 'y', postal_code: 'z', country: 'UK' } }, ['body', 'address', 'country']],
      [{ agreement_consent: { version: '1999.1', timestamp: '2024-03-04T14:00:00Z' } }, ['body', 'agreement_consent', 'version']],
      [{ industry: { industry: 'OTHER' } }, ['body', 'industry', 'other_industry']],
      [{ entity_type: 'TRUST' }, ['body', 'entity_type']],
      [{ risk_info: { annual_revenue: 'LOTS' } }, ['body', 'risk_info', 'annual_revenue']],
    ];
    for (const [body, loc] of cases) {
      const response = await client.post('/api/v1/business-applications/', body);
      assert.equal(response.statusCode, 422, `${JSON.stringify(body)}: ${response.body}`);
      assert.deepEqual(response.json().detail[0].loc, loc, JSON.stringify(body));
    }
    const nonUs = await created(client, { name: 'GmbH', identification_number: { identification_number: 'HRB 12345', type: 'NON_US_BUSINESS_ID', issuing_country: 'DE' } });
    assert.equal(nonUs.identification_number.issuing_country, 'DE');

    const { id } = await created(client, { name: 'Shares Inc.' });
    const url = `/api/v1/business-applications/${id}/related-party-applications/`;
    for (const [share, status] of [['51', 422], ['0.51', 201], ['0.5', 422], ['0.49', 201], ['0.00001', 422]] as const) {
      const response = await client.post(url, { ownership_percentage: share });
      assert.equal(response.statusCode, status, `${share}: ${response.body}`);
      if (status === 422) assert.deepEqual(response.json().detail[0].loc, ['body', 'ownership_percentage']);
    }
    const young = await client.post(url, { date_of_birth: '2010-01-01' });
    assert.deepEqual(young.json().detail[0].loc, ['body', 'date_of_birth']);
    const ssn = await client.post(url, { identification_number: { identification_number: '666-12-3456', identification_type: 'SSN' } });
    assert.deepEqual(ssn.json().detail[0].loc, ['body', 'identification_number', 'identification_number']);
  });

  test('apply needs a complete application, a control person and an authorized representative; owners under 25% need a role', async () => {
    const client = await partner();
    const empty = await created(client, {});
    const refused = await client.post(`/api/v1/business-applications/${empty.id}/apply/`, {});
    assert.equal(refused.statusCode, 422);
    const locs = refused.json().detail.map((d: Json) => d.loc.join('.'));
    for (const field of ['name', 'entity_type', 'identification_number', 'address', 'contact', 'formation_date', 'industry', 'agreement_consent', 'related_party_applications']) {
      assert.ok(locs.includes(`body.${field}`), `${field} in ${locs}`);
    }
    assert.equal((await client.get(`/api/v1/business-applications/${empty.id}/`)).json().status, 'CREATED');

    const { id } = await created(client, businessRequest('Almost Inc.'));
    const minor = await addParty(client, id, party('Small', { ownership_percentage: '0.1' }));
    await addParty(client, id, party('Boss', { roles: ['CONTROL_PERSON'] }));
    const lacking = await client.post(`/api/v1/business-applications/${id}/apply/`, {});
    assert.equal(lacking.statusCode, 422);
    assert.deepEqual(lacking.json().detail.map((d: Json) => [d.loc.join('.'), d.msg]), [
      ['body.related_party_applications', 'A related party with role AUTHORIZED_REPRESENTATIVE is required before apply'],
      [`body.related_party_applications.${minor.id}.roles`, 'A related party either holds a role or owns 25% (0.25) or more of the business'],
    ]);
    assert.deepEqual(await eventsOf(client.partnerId), []);
  });

  test('a related party is edited and deleted before apply, and refused after', async () => {
    const client = await partner();
    const { id } = await created(client, businessRequest('Edits Inc.'));
    const keep = await addParty(client, id, party('Keeper', { roles: ['CONTROL_PERSON', 'AUTHORIZED_REPRESENTATIVE'] }));
    const gone = await addParty(client, id, party('Gone', { ownership_percentage: '0.3' }));
    const base = `/api/v1/business-applications/${id}/related-party-applications`;

    const edited = await client.patch(`${base}/${keep.id}/`, { title: 'CEO', ownership_percentage: '0.7' });
    assert.equal(edited.statusCode, 200, edited.body);
    assert.equal(edited.json().title, 'CEO');
    assert.equal(edited.json().name.last_name, 'Keeper');
    const over = await client.patch(`${base}/${keep.id}/`, { ownership_percentage: '0.8' });
    assert.equal(over.statusCode, 422, 'shares would add up to 1.1');
    const deleted = await client.delete(`${base}/${gone.id}/`);
    assert.equal(deleted.statusCode, 204, deleted.body);
    assert.equal((await client.delete(`${base}/${gone.id}/`)).statusCode, 404);
    assert.deepEqual((await client.get(`${base}/`)).json().map((p: Json) => p.id), [keep.id]);
    const patchedApp = await client.patch(`/api/v1/business-applications/${id}/`, { website: 'https://edits.example.com' });
    assert.equal(patchedApp.json().website, 'https://edits.example.com');
    assert.equal(patchedApp.json().name, 'Edits Inc.');

    assert.equal((await client.post(`/api/v1/business-applications/${id}/apply/`, {})).json().status, 'APPROVED');
    for (const response of [
      await client.patch(`${base}/${keep.id}/`, { title: 'Chair' }),
      await client.delete(`${base}/${keep.id}/`),
      await client.post(`${base}/`, party('Late', { roles: ['CONTROL_PERSON'] })),
      await client.patch(`/api/v1/business-applications/${id}/`, { website: 'https://late.example.com' }),
      await client.post(`/api/v1/business-applications/${id}/apply/`, {}),
    ]) {
      assert.equal(response.statusCode, 409, response.body);
    }
    const after = (await client.get(`${base}/`)).json();
    assert.deepEqual(after.map((p: Json) => [p.id, p.title]), [[keep.id, 'CEO']]);
  });

  test("another partner's application, related party and document are all 404", async () => {
    const owner = await partner();
    const stranger = await partner();
    const { id } = await created(owner, businessRequest('Documents Private Inc.'));
    const person = await addParty(owner, id, party('Owner', { roles: ['CONTROL_PERSON', 'AUTHORIZED_REPRESENTATIVE'] }));
    await owner.post(`/api/v1/business-applications/${id}/apply/`, {});
    const [document] = (await owner.get(`/api/v1/business-applications/${id}/documents/`)).json() as Json[];
    const responses = [
      await stranger.get(`/api/v1/business-applications/${id}/`),
      await stranger.get(`/api/v2/business-applications/${id}/`),
      await stranger.patch(`/api/v1/business-applications/${id}/`, { name: 'Mine' }),
      await stranger.post(`/api/v1/business-applications/${id}/apply/`, {}),
      await stranger.get(`/api/v1/business-applications/${id}/related-party-applications/`),
      await stranger.post(`/api/v1/business-applications/${id}/related-party-applications/`, { title: 'x' }),
      await stranger.patch(`/api/v1/business-applications/${id}/related-party-applications/${person.id}/`, { title: 'x' }),
      await stranger.delete(`/api/v1/business-applications/${id}/related-party-applications/${person.id}/`),
      await stranger.get(`/api/v1/business-applications/${id}/documents/`),
      await stranger.get(`/api/v2/business-applications/${id}/related-parties/${person.id}/documents/`),
      await stranger.post(`/api/v2/business-applications/${id}/invite/`, { email: 'x@example.com' }),
      await stranger.get(`/api/v2/business-applications/${id}/invites/`),
      await upload(stranger, `/api/v1/documents/${document!.id}`, fileOf('pdf')),
      await upload(stranger, `/api/v2/documents/${document!.id}/`, fileOf('pdf')),
    ];
    for (const response of responses) {
      assert.equal(response.statusCode, 404, response.body);
      assert.deepEqual(response.json(), { detail: 'Not Found' });
    }
    assert.equal((await stranger.get('/api/v2/business-applications/')).json().items.length, 0);
    assert.equal((await owner.get(`/api/v1/business-applications/${id}/documents/`)).json()[0].status, 'PENDING_UPLOAD');
  });
});

describe('business applications v2', () => {
  test('list pages by cursor; invites and team', async () => {
    const client = await partner();
    const ids: string[] = [];
    for (const name of ['A', 'B', 'C']) ids.push((await created(client, { name }, 'v2')).id);
    const first = (await client.get('/api/v2/business-applications/?limit=2')).json();
    assert.deepEqual(first.items.map((a: Json) => a.id), ids.slice(0, 2));
    const second = (await client.get(`/api/v2/business-applications/?limit=2&cursor=${first.next_page}`)).json();
    assert.deepEqual(second.items.map((a: Json) => a.id), ids.slice(2));
    assert.equal((await client.get('/api/v2/business-applications/?cursor=eyJrIjpbIngiLCJ5Il19')).statusCode, 422);

    const invited = await client.post(`/api/v2/business-applications/${ids[0]}/invite/`, { email: 'Jean@Example.com', first_name: 'Jean', role: 'ADMIN' });
    assert.equal(invited.statusCode, 201, invited.body);
    assert.equal(invited.json().email, 'jean@example.com');
    assert.equal((await client.post(`/api/v2/business-applications/${ids[0]}/invite/`, { email: 'jean@example.com' })).statusCode, 409);
    const invites = (await client.get(`/api/v2/business-applications/${ids[0]}/invites/`)).json();
    assert.deepEqual(invites.items.map((i: Json) => [i.email, i.role, i.status]), [['jean@example.com', 'ADMIN', 'PENDING']]);

    const team = await client.post(`/api/v2/business-applications/${ids[0]}/team/`, { members: [{ email: 'a@example.com', first_name: 'A', last_name: 'B', role: 'ADMIN' }] });
    assert.equal(team.statusCode, 201, team.body);
    assert.deepEqual(team.json().items.map((m: Json) => [m.email, m.status, m.object_type]), [['a@example.com', 'PENDING', 'TeamMember']]);
    const twice = await client.post(`/api/v2/business-applications/${ids[0]}/team/`, { members: [{ email: 'a@example.com', first_name: 'A', last_name: 'B', role: 'ADMIN' }, { email: 'A@example.com', first_name: 'A', last_name: 'C', role: 'MEMBER' }] });
    assert.equal(twice.statusCode, 422);
  });
});

describe('individual applications: uploads and review', () => {
  test('DOCUMENTS_NEEDED moves on when ID front, back and selfie are uploaded, and is approved at the next review', async () => {
    const client = await partner();
    const application = (await client.post('/api/v1/applications/', applicationRequest('Documents'))).json();
    const applied = (await client.post(`/api/v1/applications/${application.id}/apply/`, {})).json();
    assert.equal(applied.status, 'DOCUMENTS_NEEDED');
    const base = `/api/v1/applications/${application.id}/documents`;
    const wrongType = await upload(client, `${base}/BYLAWS/file`, fileOf('pdf'));
    assert.equal(wrongType.statusCode, 422, wrongType.body);
    for (const type of ['ID_FRONT', 'ID_BACK', 'SELFIE']) {
      const response = await upload(client, `${base}/${type}/file`, fileOf('jpeg', 1000, type), { contentType: 'image/jpeg', fileName: `${type}.jpg` });
      assert.equal(response.statusCode, 200, response.body);
      assert.equal(response.json().success, true);
    }
    const submitted = (await client.get(`/api/v1/applications/${application.id}`)).json();
    assert.equal(submitted.status, 'SUBMITTED');
    assert.deepEqual(submitted.documents.map((d: Json) => [d.type, d.status, d.name]), [
      ['ID_FRONT', 'PENDING_REVIEW', 'ID_FRONT.jpg'], ['ID_BACK', 'PENDING_REVIEW', 'ID_BACK.jpg'], ['SELFIE', 'PENDING_REVIEW', 'SELFIE.jpg'],
    ]);
    await client.advanceClock({ days: 1 });
    const approved = (await client.get(`/api/v1/applications/${application.id}`)).json();
    assert.equal(approved.status, 'APPROVED');
    assert.ok(approved.customer_id);
    assert.equal((await client.get(`/api/v1/customers/${approved.customer_id}`)).json().type, 'INDIVIDUAL');
    assert.equal((await upload(client, `${base}/ID_FRONT/file`, fileOf('jpeg'), { contentType: 'image/jpeg' })).statusCode, 412);

    const customerUpload = await upload(client, `/api/v1/customers/${approved.customer_id}/documents/BANK_STATEMENTS_1/file`, fileOf('pdf'), { fileName: null });
    assert.equal(customerUpload.statusCode, 200, customerUpload.body);
    const rows = await t.db.query<{ type: string }>('SELECT type FROM customer_documents WHERE partner_id = $1', [client.partnerId]);
    assert.deepEqual(rows.map((row) => row.type), ['BANK_STATEMENTS_1']);
  });
});
