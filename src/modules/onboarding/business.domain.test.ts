import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type BusinessApplication, type RelatedParty, isBeneficialOwner, maskIdentification, normaliseBusinessId, normaliseOwnership, normalisePersonId } from './business.domain.ts';
import { readinessIssues } from './business.rules.ts';
import { businessDecision, fileReview } from './business.sandbox.ts';

const application = (overrides: Partial<BusinessApplication> = {}): BusinessApplication => ({
  id: 'a', partnerId: 'p', status: 'CREATED', exceptionReasons: [], customerId: null,
  createdAt: new Date(0), updatedAt: new Date(0), submittedAt: null,
  name: 'Acme Corp', entityType: 'CORPORATE', doingBusinessAs: null,
  identification: { number: '12-3456789', type: 'EIN', issuingCountry: 'US' },
  address: { streetAddress: '1 Main', streetAddress2: null, city: 'Dover', postalCode: '19901', state: 'DE', country: 'US' },
  website: null, contact: { name: { firstName: 'A', middleName: null, lastName: 'B' }, phoneNumber: '+13025550123', email: 'a@b.example' },
  formationDate: '2017-01-04', riskInfo: null, industry: { industry: 'SOFTWARE', otherIndustry: null },
  agreementVersion: '2025.1', agreementConsentedAt: new Date(0),
  ...overrides,
});

const party = (id: string, lastName: string, overrides: Partial<RelatedParty> = {}): RelatedParty => ({
  id, applicationId: 'a', createdAt: new Date(0), updatedAt: new Date(0), title: null,
  name: { firstName: 'X', middleName: null, lastName },
  address: application().address, dateOfBirth: '1980-01-01', identification: { number: '123-45-6789', type: 'SSN' },
  phoneNumber: '+13025550123', roles: [], ownershipFraction: null, citizenship: 'US', email: 'x@y.example',
  ...overrides,
});

describe('business onboarding rules', () => {
  test('EIN: nine digits with an assigned IRS prefix; TIN: nine digits; non-US ids as issued', () => {
    assert.equal(normaliseBusinessId('EIN', '123456789'), '12-3456789');
    assert.equal(normaliseBusinessId('EIN', ' 12-3456789 '), '12-3456789');
    for (const bad of ['07-1234567', '00-1234567', '123-45-6789', '12-345678', 'ab-cdefghi']) assert.equal(normaliseBusinessId('EIN', bad), undefined, bad);
    assert.equal(normaliseBusinessId('TIN', '123-45-6789'), '123456789');
    assert.equal(normaliseBusinessId('TIN', '000000000'), undefined);
    assert.equal(normaliseBusinessId('NON_US_BUSINESS_ID', 'HRB 12345'), 'HRB 12345');
    assert.equal(normaliseBusinessId('NON_US_BUSINESS_ID', '#1'), undefined);
  });

  test('SSNs never assigned are refused; identification numbers are masked but their last four', () => {
    assert.equal(normalisePersonId('SSN', '123456789'), '123-45-6789');
    for (const bad of ['000-12-3456', '666-12-3456', '912-34-5678', '123-00-4567', '123-45-0000']) assert.equal(normalisePersonId('SSN', bad), undefined, bad);
    assert.equal(normalisePersonId('PASSPORT', 'x1234567'), 'X1234567');
    assert.equal(maskIdentification('123-45-6789'), '***-**-6789');
    assert.equal(maskIdentification('X1234567'), '****4567');
    assert.equal(maskIdentification('123'), '123');
  });

  test('ownership is an exact fraction of 1, beneficial from 0.25', () => {
    assert.equal(normaliseOwnership('0.50'), '0.5');
    assert.equal(normaliseOwnership('1.0000'), '1');
    for (const bad of ['51', '1.0001', '-0.1', '0.12345', '.5', '0,5', '']) assert.equal(normaliseOwnership(bad), undefined, bad);
    assert.equal(isBeneficialOwner('0.25'), true);
    assert.equal(isBeneficialOwner('0.2499'), false);
    assert.equal(isBeneficialOwner(null), false);
  });

  test('apply needs a control person, an authorized representative, and shares adding up to 1 at most', () => {
    assert.deepEqual(readinessIssues(application(), [party('p1', 'Ok', { roles: ['CONTROL_PERSON', 'AUTHORIZED_REPRESENTATIVE'] })]), []);
    const issues = readinessIssues(application({ formationDate: null }), [
      party('p1', 'Ok', { roles: ['CONTROL_PERSON'], ownershipFraction: '0.8' }),
      party('p2', 'Ok', { ownershipFraction: '0.3', email: null }),
    ]);
    assert.deepEqual(issues.map((i) => i.field.join('.')), [
      'formation_date', 'related_party_applications', 'related_party_applications.p2.email', 'related_party_applications.ownership_percentage',
    ]);
  });

  test('the sandbox decides by business name and related-party last names, gravest first; a scenario overrides', () => {
    const parties = [party('cp', 'Smith', { roles: ['CONTROL_PERSON'] }), party('ar', 'Jones', { roles: ['AUTHORIZED_REPRESENTATIVE'] })];
    assert.equal(businessDecision(application(), parties).status, 'APPROVED');
    assert.equal(businessDecision(application({ name: 'reject corp' }), parties).status, 'REJECTED');
    assert.equal(businessDecision(application(), [...parties, party('x', 'Review')]).status, 'MANUAL_REVIEW');
    assert.equal(businessDecision(application({ name: 'Documents Inc' }), [...parties, party('x', 'Reject')]).status, 'REJECTED');
    assert.deepEqual(businessDecision(application({ name: 'Documents Inc' }), parties).requests, [
      { type: 'EIN_CONFIRMATION', relatedPartyId: null },
      { type: 'ARTICLES_OF_INCORPORATION', relatedPartyId: null },
      { type: 'BYLAWS', relatedPartyId: null },
      { type: 'ID_FRONT', relatedPartyId: 'cp' },
    ]);
    const llc = businessDecision(application({ entityType: 'LLC', identification: { number: '123456789', type: 'TIN', issuingCountry: 'US' } }), parties, 'DOCUMENTS_NEEDED');
    assert.deepEqual(llc.requests.map((r) => r.type), ['IDENTIFICATION_NUMBER_VERIFICATION', 'ARTICLES_OF_ORGANIZATION', 'OPERATING_AGREEMENT', 'ID_FRONT']);
    assert.equal(businessDecision(application({ name: 'Reject Co' }), parties, 'APPROVED').status, 'APPROVED');
  });

  test('the sandbox review finds a file INVALID when its name asks for it', () => {
    assert.deepEqual(fileReview('passport.jpg'), { status: 'APPROVED' });
    assert.deepEqual(fileReview('Invalid-Cutoff.PNG'), { status: 'INVALID', exceptionReason: 'IMAGE_QUALITY_ERROR_CUTOFF' });
    assert.deepEqual(fileReview('invalid.pdf'), { status: 'INVALID', exceptionReason: 'DOCUMENT_UNREADABLE' });
    assert.deepEqual(fileReview('invalid-blurry-not.pdf'), { status: 'APPROVED' });
  });
});
