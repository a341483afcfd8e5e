import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyInstance } from 'fastify';
import { type TSchema, Type } from 'typebox';
import {
  type ApplicationMember,
  BeneficialOwnerSchema,
  type BusinessApplication,
  BusinessApplicationRequestSchema,
  BusinessApplicationSchema,
  type BusinessDocument,
  BusinessDocumentSchema,
  BusinessDocumentV2Schema,
  type BusinessOnboarding,
  FORCEABLE_OUTCOMES,
  InviteRequestSchema,
  MemberSchema,
  type RelatedParty,
  RelatedPartyRequestSchema,
  RelatedPartySchema,
  TeamRequestSchema,
  maskIdentification,
} from '../../modules/onboarding/index.ts';
import { CursorListSchema, CursorQuery, ErrorResponses, ListSchema, Uuid, pageRequest } from '../../platform/http/index.ts';
import { sealedReply } from '../jiko/sealed.ts';
import * as ex from './business-applications.examples.ts';
import { addressJson, present } from './onboarding.routes.ts';

/**
 * Business onboarding routes of the Partner API: Jiko's Businesses operations (v1: applications,
 * related-party applications, the document checklist) and the Customer API's business applications
 * v2 (served here on the Partner door, with invites and team), over one service. Each route
 * validates, calls one service method and maps the result to Jiko's JSON. Uploads are in
 * documents.routes.ts.
 */
export interface BusinessApplicationsRoutesOptions {
  readonly business: BusinessOnboarding;
}

const security = [{ HTTPBearer: [] }];
const AppParams = Type.Object({ application_id: Uuid() });
const PartyParams = Type.Object({ application_id: Uuid(), related_party_application_id: Uuid() });
const PartyParamsV2 = Type.Object({ application_id: Uuid(), related_party_id: Uuid() });

/** A response or body schema with the API reference's description and example. */
function documented<T extends TSchema>(schema: T, description: string, example: unknown): T {
  return { ...schema, description, examples: [example] };
}

const detail = (description: string) => Type.Object({ detail: Type.String() }, { description });
const NotSubmittable = { 409: detail('Conflict: the application was applied already; only a CREATED application changes') };

/** Jiko's BusinessApplicationResponse. */
export function businessApplicationJson(a: BusinessApplication) {
  return {
    ...present({
      name: a.name,
      entity_type: a.entityType,
      doing_business_as: a.doingBusinessAs,
      identification_number: a.identification
        ? present({ identification_number: a.identification.number, type: a.identification.type, issuing_country: a.identification.issuingCountry })
        : null,
      address: a.address ? addressJson(a.address) : null,
      website: a.website,
      contact: a.contact
        ? present({
            name: a.contact.name ? present({ first_name: a.contact.name.firstName, middle_name: a.contact.name.middleName, last_name: a.contact.name.lastName }) : null,
            phone_number: a.contact.phoneNumber,
            email: a.contact.email,
          })
        : null,
      formation_date: a.formationDate,
      risk_info: a.riskInfo,
      industry: a.industry ? present({ industry: a.industry.industry, other_industry: a.industry.otherIndustry }) : null,
      agreement_consent: a.agreementVersion && a.agreementConsentedAt ? { version: a.agreementVersion, timestamp: a.agreementConsentedAt.toISOString() } : null,
    }),
    id: a.id,
    time_created: a.createdAt.toISOString(),
    updated_at: a.updatedAt.toISOString(),
    status: a.status,
    exception_reasons: [...a.exceptionReasons],
    customer_id: a.customerId,
    object_type: 'BusinessApplication' as const,
  };
}

/** Jiko's RelatedPartyApplicationResponse: the identification number masked. */
export function relatedPartyJson(p: RelatedParty) {
  return {
    ...present({
      title: p.title,
      name: p.name ? present({ first_name: p.name.firstName, middle_name: p.name.middleName, last_name: p.name.lastName }) : null,
      address: p.address ? addressJson(p.address) : null,
      date_of_birth: p.dateOfBirth,
      identification_number: p.identification ? { identification_number: maskIdentification(p.identification.number), identification_type: p.identification.type } : null,
      phone_number: p.phoneNumber,
      ownership_percentage: p.ownershipFraction,
      citizenship: p.citizenship,
      email: p.email,
    }),
    roles: [...p.roles],
    id: p.id,
    object_type: 'RelatedPartyApplication' as const,
  };
}

/** Jiko's Document (v1). */
export function documentJson(d: BusinessDocument) {
  return { id: d.id, type: d.type, status: d.status, exception_reason: d.exceptionReason, name: d.name };
}

/** The v2 Document: v1's, with the related party it is about. */
export function documentV2Json(d: BusinessDocument) {
  return { ...documentJson(d), related_party_id: d.relatedPartyId, object_type: 'Document' as const };
}

function memberJson(m: ApplicationMember) {
  return {
    id: m.id,
    application_id: m.applicationId,
    email: m.email,
    ...present({ first_name: m.firstName, last_name: m.lastName }),
    role: m.role,
    status: m.status,
    time_created: m.createdAt.toISOString(),
    object_type: m.kind === 'INVITE' ? ('Invite' as const) : ('TeamMember' as const),
  };
}

/** A beneficial owner (the Customer API's shape): a related party, identification masked. */
export function beneficialOwnerJson(p: RelatedParty) {
  const { id, object_type: _type, ...party } = relatedPartyJson(p);
  return { ...party, id, ownership_percentage: p.ownershipFraction ?? '0', object_type: 'BeneficialOwner' as const };
}

const list = <T>(items: T[]) => ({ offset: 0, count: items.length, items, object_type: 'List' as const });

/** Registers create, get, update and apply of one API version. */
function applicationRoutes(app: FastifyInstance, business: () => BusinessOnboarding, version: 'v1' | 'v2'): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const base = `/api/${version}/business-applications`;
  const tags = [version === 'v1' ? 'Businesses' : 'Business applications v2'];
  const appJson = documented(BusinessApplicationSchema, 'The business application', ex.businessApplication('CREATED'));
  typed.post(`${base}/`, {
    schema: {
      tags, security, summary: 'Create a business application',
      description: 'Records a business application in status CREATED. Every field is optional now; what the application must hold is checked by apply. Fields are checked as sent: an EIN is `12-3456789` with an IRS prefix, country codes are ISO 3166-1 alpha-2, the agreement consent names the current bundle version.',
      body: documented(BusinessApplicationRequestSchema, 'The application', ex.BUSINESS_REQUEST),
      response: { 201: documented(BusinessApplicationSchema, 'The new application (CREATED)', ex.businessApplication('CREATED')), ...ErrorResponses },
    },
  }, async (request, reply) => sealedReply(request, reply, 201, businessApplicationJson)(await business().createApplication(request.ctx, request.body)));

  typed.get(`${base}/:application_id/`, {
    schema: { tags, security, summary: 'Get a business application', description: "One of the partner's business applications, with its status and, once APPROVED, its `customer_id`.", params: AppParams, response: { 200: appJson, ...ErrorResponses } },
  }, async (request) => businessApplicationJson(await business().getApplication(request.ctx, request.params.application_id)));

  typed.patch(`${base}/:application_id/`, {
    schema: {
      tags, security, summary: 'Update a business application',
      description: 'Sets the fields sent (each object, such as `address`, is replaced whole); the others keep their values. Only a CREATED application changes (409 once applied).',
      params: AppParams,
      body: documented(BusinessApplicationRequestSchema, 'The fields to set', { website: 'https://hopper-ledger.example.com' }),
      response: { 200: appJson, ...ErrorResponses, ...NotSubmittable },
    },
  }, async (request, reply) => sealedReply(request, reply, 200, businessApplicationJson)(await business().updateApplication(request.ctx, request.params.application_id, request.body)));

  typed.post(`${base}/:application_id/apply/`, {
    schema: {
      tags, security, summary: 'Submit a business application for review (decided at once in sandbox mode)',
      description:
        'Checks that the application is complete (business details, contact, formation date, industry, agreement consent; a CONTROL_PERSON and an AUTHORIZED_REPRESENTATIVE; every related party complete, each holding a role or owning 25% or more; shares adding up to 1 at most), then submits it. ' +
        'The sandbox decides at once (docs/ONBOARDING.md): the first word of the business name or a related party\'s last name `Reject` → REJECTED, `Review` → MANUAL_REVIEW, `Documents` → DOCUMENTS_NEEDED (with the document requests of its entity type); anything else → APPROVED, which creates the business customer. ' +
        'Sandbox only: `x-pocketbook-scenario` forces the outcome for this application.',
      params: AppParams,
      headers: Type.Object({ 'x-pocketbook-scenario': Type.Optional(Type.Enum(FORCEABLE_OUTCOMES, { description: 'Sandbox only: the outcome to force for this application' })) }),
      response: { 200: documented(BusinessApplicationSchema, 'The application, decided (sandbox) or SUBMITTED', ex.businessApplication('DOCUMENTS_NEEDED')), ...ErrorResponses, ...NotSubmittable },
    },
    config: { jikoLocs: { fields: { scenario: ['header', 'x-pocketbook-scenario'] } } },
  }, async (request, reply) => {
    const scenario = request.headers['x-pocketbook-scenario'];
    const applied = await business().applyApplication(request.ctx, request.params.application_id, { scenario });
    return sealedReply(request, reply, 200, businessApplicationJson)(applied);
  });
}

/** Registers the related-party routes of one API version (v1: related-party-applications; v2: related-parties). */
function relatedPartyRoutes(app: FastifyInstance, business: () => BusinessOnboarding, version: 'v1' | 'v2'): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const v1 = version === 'v1';
  const base = `/api/${version}/business-applications/:application_id/${v1 ? 'related-party-applications' : 'related-parties'}`;
  const one = v1 ? ':related_party_application_id' : ':related_party_id';
  const tags = [v1 ? 'Businesses' : 'Business applications v2'];
  const partyId = (params: Record<string, string>) => (v1 ? params.related_party_application_id : params.related_party_id)!;
  const partyParams = v1 ? PartyParams : PartyParamsV2;
  const listed = (parties: RelatedParty[]) => (v1 ? parties.map(relatedPartyJson) : list(parties.map(relatedPartyJson)));
  const partyJson = documented(RelatedPartySchema, 'The related party, its identification number masked', ex.RELATED_PARTY);

  typed.get(`${base}/`, {
    schema: {
      tags, security, summary: "List an application's related parties",
      description: v1 ? "The application's related parties, oldest first, as a bare JSON array (Jiko's shape)." : "The application's related parties, oldest first.",
      params: AppParams,
      response: { 200: v1 ? documented(Type.Array(RelatedPartySchema), 'The related parties', [ex.RELATED_PARTY, ex.SECOND_PARTY]) : documented(ListSchema(RelatedPartySchema), 'The related parties', ex.list([ex.RELATED_PARTY, ex.SECOND_PARTY])), ...ErrorResponses },
    },
  }, async (request) => listed(await business().listRelatedParties(request.ctx, request.params.application_id)));

  typed.post(`${base}/`, {
    schema: {
      tags, security, summary: 'Add a related party (owner, control person, representative)',
      description: "Adds a person: a beneficial owner (`ownership_percentage` 0.25 or more, a decimal fraction), a CONTROL_PERSON, an AUTHORIZED_REPRESENTATIVE (one person may be several). Every field is optional until apply; fields are checked as sent (an SSN `123-45-6789`, 18 or older, ISO country codes), and the parties' shares may not add up to more than 1. Only while the application is CREATED.",
      params: AppParams,
      body: documented(RelatedPartyRequestSchema, 'The person', ex.RELATED_PARTY_REQUEST),
      response: { 201: documented(RelatedPartySchema, 'The new related party', ex.RELATED_PARTY), ...ErrorResponses, ...NotSubmittable },
    },
  }, async (request, reply) => sealedReply(request, reply, 201, relatedPartyJson)(await business().createRelatedParty(request.ctx, request.params.application_id, request.body)));

  typed.patch(`${base}/${one}/`, {
    schema: {
      tags, security, summary: 'Update a related party',
      description: 'Sets the fields sent; the others keep their values. Only while the application is CREATED (409 once applied).',
      params: partyParams,
      body: documented(RelatedPartyRequestSchema, 'The fields to set', { title: 'Chief Executive Officer', ownership_percentage: '0.55' }),
      response: { 200: partyJson, ...ErrorResponses, ...NotSubmittable },
    },
  }, async (request, reply) => {
    const updated = await business().updateRelatedParty(request.ctx, request.params.application_id, partyId(request.params), request.body);
    return sealedReply(request, reply, 200, relatedPartyJson)(updated);
  });

  typed.delete(`${base}/${one}/`, {
    schema: {
      tags, security, summary: 'Remove a related party',
      description: 'Removes the person from the application. Only while the application is CREATED (409 once applied).',
      params: partyParams,
      response: { 204: Type.Null({ description: 'Removed; no body' }), ...ErrorResponses, ...NotSubmittable },
    },
  }, async (request, reply) => {
    await business().deleteRelatedParty(request.ctx, request.params.application_id, partyId(request.params));
    return sealedReply(request, reply, 204, () => undefined)(undefined);
  });
}

export async function businessApplicationsRoutes(plain: FastifyInstance, options: BusinessApplicationsRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const business = () => options.business;
  applicationRoutes(plain, business, 'v1');
  applicationRoutes(plain, business, 'v2');
  relatedPartyRoutes(plain, business, 'v1');
  relatedPartyRoutes(plain, business, 'v2');
  documentListRoutes(plain, business);
  v2OnlyRoutes(plain, business);

  app.get('/api/v1/customers/:customer_id/beneficial-owners/', {
    schema: {
      tags: ['Customers'], security, summary: "List a business customer's beneficial owners",
      description: "The people who own 25% or more of a business customer, and its control person (FinCEN's ownership and control prongs), from its approved application; identification numbers masked. The Customer API serves the same list to the business itself at `/api/v1/customer/beneficial-owners/`. An individual customer has none.",
      params: Type.Object({ customer_id: Uuid() }),
      response: { 200: documented(ListSchema(BeneficialOwnerSchema), 'The beneficial owners', ex.list([ex.BENEFICIAL_OWNER])), ...ErrorResponses },
    },
  }, async (request) => list((await business().beneficialOwners(request.ctx, request.params.customer_id)).map(beneficialOwnerJson)));
}

/** The document checklists (v1 bare array; v2 a List, and per related party). */
function documentListRoutes(app: FastifyInstance, business: () => BusinessOnboarding): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  typed.get('/api/v1/business-applications/:application_id/documents/', {
    schema: {
      tags: ['Businesses'], security, summary: "List an application's document requests",
      description: 'The checklist of documents the review asked for, in order, with their status (PENDING_UPLOAD, PENDING_REVIEW, APPROVED, INVALID), as a bare JSON array. Upload each with `POST /api/v1/documents/{document_id}`.',
      params: AppParams,
      response: { 200: documented(Type.Array(BusinessDocumentSchema), 'The document requests', ex.DOCUMENTS), ...ErrorResponses },
    },
  }, async (request) => (await business().listDocuments(request.ctx, request.params.application_id)).map(documentJson));

  typed.get('/api/v2/business-applications/:application_id/documents/', {
    schema: {
      tags: ['Business applications v2'], security, summary: "List an application's document requests",
      description: "The checklist of documents the review asked for, the business's own and each person's (`related_party_id`), in order, with their status.",
      params: AppParams,
      response: { 200: documented(ListSchema(BusinessDocumentV2Schema), 'The document requests', ex.list(ex.DOCUMENTS.map((d) => ex.documentV2(d)))), ...ErrorResponses },
    },
  }, async (request) => list((await business().listDocuments(request.ctx, request.params.application_id)).map(documentV2Json)));

  typed.get('/api/v2/business-applications/:application_id/related-parties/:related_party_id/documents/', {
    schema: {
      tags: ['Business applications v2'], security, summary: "List a related party's document requests",
      description: 'The documents the review asked of one person (an ID of a control person, say), in order, with their status.',
      params: PartyParamsV2,
      response: { 200: documented(ListSchema(BusinessDocumentV2Schema), 'The document requests', ex.list([ex.PARTY_DOCUMENT_V2])), ...ErrorResponses },
    },
  }, async (request) => {
    const documents = await business().listDocuments(request.ctx, request.params.application_id, { relatedPartyId: request.params.related_party_id });
    return list(documents.map(documentV2Json));
  });
}

/** The v2 list of applications, invites and team. */
function v2OnlyRoutes(app: FastifyInstance, business: () => BusinessOnboarding): void {
  const typed = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['Business applications v2'];
  typed.get('/api/v2/business-applications/', {
    schema: {
      tags, security, summary: "List the partner's business applications",
      description: 'Oldest first, cursor-paged (`cursor`, `limit` 1..100, default 30).',
      querystring: Type.Object(CursorQuery),
      response: { 200: documented(CursorListSchema(BusinessApplicationSchema), 'A page of applications', ex.cursorList([ex.businessApplication('APPROVED')])), ...ErrorResponses },
    },
  }, async (request) => {
    const page = await business().listApplications(request.ctx, pageRequest(request.query));
    return { ...page, items: page.items.map(businessApplicationJson) };
  });

  typed.post('/api/v2/business-applications/:application_id/invite/', {
    schema: {
      tags, security, summary: 'Invite a person to the application',
      description: 'Records an invitation (PENDING) for a person to complete or review the application, by e-mail; an e-mail is invited once (409 again). pocketbook sends no e-mail: the partner delivers the invitation.',
      params: AppParams,
      body: documented(InviteRequestSchema, 'Who to invite', ex.INVITE_REQUEST),
      response: { 201: documented(MemberSchema, 'The invitation', ex.INVITE), ...ErrorResponses, 409: detail('Conflict: this e-mail is already invited') },
    },
  }, async (request, reply) => sealedReply(request, reply, 201, memberJson)(await business().invite(request.ctx, request.params.application_id, request.body)));

  typed.get('/api/v2/business-applications/:application_id/invites/', {
    schema: {
      tags, security, summary: "List the application's invitations",
      description: 'The people invited to the application, oldest first.',
      params: AppParams,
      response: { 200: documented(ListSchema(MemberSchema), 'The invitations', ex.list([ex.INVITE])), ...ErrorResponses },
    },
  }, async (request) => list((await business().listInvites(request.ctx, request.params.application_id)).map(memberJson)));

  typed.post('/api/v2/business-applications/:application_id/team/', {
    schema: {
      tags, security, summary: "Set the business's team",
      description: "The users the business's customer will have, with their roles (PENDING until the application is approved, then ACTIVE). Replaces an earlier team; refused once the application is decided (409).",
      params: AppParams,
      body: documented(TeamRequestSchema, 'The team', ex.TEAM_REQUEST),
      response: { 201: documented(ListSchema(MemberSchema), 'The team', ex.list(ex.TEAM)), ...ErrorResponses, ...NotSubmittable },
    },
  }, async (request, reply) => sealedReply(request, reply, 201, (team: ApplicationMember[]) => list(team.map(memberJson)))(await business().setTeam(request.ctx, request.params.application_id, request.body)));
}
