import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { type Static, Type, type TSchema } from 'typebox';
import { type CounterpartiesService, type Counterparty, CounterpartyErrors, type NewCounterpartyInput } from '../../modules/counterparties/index.ts';
import { CursorListSchema, CursorQuery, DetailErrorSchema, ErrorResponses, Uuid, pageRequest } from '../../platform/http/index.ts';
import { sealedReply } from '../jiko/sealed.ts';
import * as ex from './counterparties.examples.ts';

/** What the counterparty routes are given. */
export interface CounterpartiesRoutesOptions {
  readonly counterparties: CounterpartiesService;
}

function documented<T extends TSchema>(schema: T, description: string, example: unknown): T {
  return { ...schema, description, examples: [example] };
}


const CounterpartyType = Type.Union([Type.Literal('ach'), Type.Literal('wire'), Type.Literal('international_wire'), Type.Literal('on_us')]);
const Status = Type.Union([Type.Literal('PENDING'), Type.Literal('LINKED'), Type.Literal('UNLINKED')]);
const AccountType = Type.Union([Type.Literal('CHECKING'), Type.Literal('SAVINGS')]);
const IdentifierType = Type.Union([Type.Literal('IBAN'), Type.Literal('ACCOUNT_NUMBER')]);

const NameSchema = Type.Object({
  type: Type.Union([Type.Literal('business'), Type.Literal('individual')]),
  business_name: Type.Optional(Type.String({ minLength: 1, maxLength: 140 })),
  first_name: Type.Optional(Type.String({ minLength: 1, maxLength: 70 })),
  middle_name: Type.Optional(Type.String({ maxLength: 70 })),
  last_name: Type.Optional(Type.String({ minLength: 1, maxLength: 70 })),
}, { additionalProperties: false, description: 'A business (`business_name`) or a person (`first_name`, `last_name`)' });

const AddressSchema = Type.Object({
  street_address: Type.String({ minLength: 1, maxLength: 140 }),
  street_address2: Type.Optional(Type.String({ maxLength: 140 })),
  city: Type.String({ minLength: 1, maxLength: 70 }),
  postal_code: Type.String({ minLength: 1, maxLength: 16 }),
  state: Type.Optional(Type.String({ maxLength: 35, description: 'Postal abbreviation for US addresses' })),
  country: Type.String({ pattern: '^[A-Z]{2}$', description: 'ISO 3166-1 alpha-2' }),
}, { additionalProperties: false });

const CreateBody = Type.Object({
  type: CounterpartyType,
  counterparty_name: NameSchema,
  routing_number: Type.Optional(Type.String({ maxLength: 32, description: 'ach, wire: ABA routing number (check digit verified)' })),
  account_number: Type.Optional(Type.String({ maxLength: 32, description: 'ach: 4 to 17 digits; on_us: the Jiko network address (a portal account number) of a pocket of the partner' })),
  account_type: Type.Optional(AccountType),
  bic: Type.Optional(Type.String({ maxLength: 16, description: 'international_wire: BIC/SWIFT code (ISO 9362), 8 or 11 characters' })),
  identifier: Type.Optional(Type.String({ maxLength: 48, description: 'wire: account number; international_wire: IBAN (ISO 13616, checked) or account number' })),
  identifier_type: Type.Optional(Type.Union([Type.Literal('IBAN'), Type.Literal('ACCOUNT_NUMBER')], { description: 'international_wire: what `identifier` is; IBAN by default' })),
  address: Type.Optional(AddressSchema),
  wire_instructions: Type.Optional(Type.String({ maxLength: 500 })),
  institution_name: Type.Optional(Type.String({ maxLength: 140 })),
  verification_method: Type.Optional(Type.Union([Type.Literal('micro_deposits'), Type.Literal('pre_verified'), Type.Literal('supporting_documents')], {
    description: 'ach: micro_deposits (default) or pre_verified; wire and international_wire: supporting_documents (default) or pre_verified; on_us: pre_verified',
  })),
}, { additionalProperties: false });

const UpdateBody = Type.Object({
  counterparty_name: Type.Optional(NameSchema),
  address: Type.Optional(AddressSchema),
  wire_instructions: Type.Optional(Type.String({ maxLength: 500 })),
  status: Type.Optional(Type.Union([Type.Literal('PENDING'), Type.Literal('LINKED'), Type.Literal('UNLINKED')], { description: 'Only UNLINKED is accepted, and it is final' })),
}, { additionalProperties: false });

const CounterpartySchema = Type.Object({
  id: Uuid(),
  customer_id: Type.Union([Uuid(), Type.Null()], { description: "The customer's id; null for the partner's own counterparty" }),
  type: CounterpartyType,
  status: Status,
  verification_method: Type.Union([Type.Literal('micro_deposits'), Type.Literal('plaid'), Type.Literal('pre_verified'), Type.Literal('supporting_documents')]),
  verification_status: Type.Union([Type.Literal('IN_PROGRESS'), Type.Literal('VERIFIED'), Type.Literal('FAILED')]),
  counterparty_name: NameSchema,
  name_on_account: Type.String(),
  routing_number: Type.Optional(Type.String()),
  account_number: Type.Optional(Type.String()),
  account_type: Type.Optional(AccountType),
  bic: Type.Optional(Type.String()),
  identifier: Type.Optional(Type.String()),
  identifier_type: Type.Optional(IdentifierType),
  address: Type.Optional(AddressSchema),
  wire_instructions: Type.Optional(Type.String()),
  institution_name: Type.Optional(Type.String()),
  jiko_account_id: Type.Optional(Uuid('on_us: the pocket behind the network address')),
  plaid: Type.Optional(Type.Object({ mask: Type.String(), verification_status: Type.String(), object_type: Type.Literal('CounterpartyPlaid') })),
  micro_deposits: Type.Optional(Type.Object({ verification_failure_count: Type.Integer() })),
  time_created: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
  object_type: Type.Literal('Counterparty'),
});

const VerificationV1 = Type.Object({
  time_created: Type.String({ format: 'date-time' }),
  verification_type: Type.Union([Type.Literal('MICRO_DEPOSITS'), Type.Literal('PLAID'), Type.Literal('PRE_VERIFIED'), Type.Literal('INCOMING_WIRE'), Type.Literal('SUPPORTING_DOCUMENTS')]),
  status: Type.Union([Type.Literal('IN_PROGRESS'), Type.Literal('FAILED'), Type.Literal('VERIFIED')]),
  account_number: Type.String(),
  routing_number: Type.String(),
  name_on_account: Type.String(),
  account_type: AccountType,
  institution_name: Type.String(),
  plaid: Type.Optional(Type.Object({ mask: Type.String(), verification_status: Type.String(), object_type: Type.Literal('CounterpartyPlaid') })),
  micro_deposits: Type.Optional(Type.Object({ verification_failure_count: Type.Integer() })),
});

const CounterpartyV1Schema = Type.Object({
  id: Uuid(),
  type: Type.Union([Type.Literal('ACH'), Type.Literal('WIRE')]),
  ach: Type.Optional(VerificationV1),
  wire: Type.Optional(VerificationV1),
  object_type: Type.Literal('Counterparty'),
});

/** Jiko's v2 Counterparty: the type's fields, the link status and the verification. */
export function counterpartyJson(c: Counterparty): Static<typeof CounterpartySchema> {
  const json: Static<typeof CounterpartySchema> = {
    id: c.id,
    customer_id: c.customerId,
    type: c.type,
    status: c.status,
    verification_method: c.verificationMethod,
    verification_status: c.verificationStatus,
    counterparty_name: c.counterpartyName,
    name_on_account: c.nameOnAccount,
    time_created: c.timeCreated.toISOString(),
    updated_at: c.updatedAt.toISOString(),
    object_type: 'Counterparty',
  };
  if (c.routingNumber !== null) json.routing_number = c.routingNumber;
  if (c.accountNumber !== null) json.account_number = c.accountNumber;
  if (c.accountType !== null) json.account_type = c.accountType;
  if (c.bic !== null) json.bic = c.bic;
  if (c.identifier !== null) json.identifier = c.identifier;
  if (c.identifierType !== null) json.identifier_type = c.identifierType;
  if (c.address !== null) json.address = c.address;
  if (c.wireInstructions !== null) json.wire_instructions = c.wireInstructions;
  if (c.institutionName !== null) json.institution_name = c.institutionName;
  if (c.onUsPocketId !== null) json.jiko_account_id = c.onUsPocketId;
  if (c.plaid !== null) json.plaid = { mask: c.plaid.mask, verification_status: c.plaid.verificationStatus, object_type: 'CounterpartyPlaid' };
  if (c.microDepositFailures !== null) json.micro_deposits = { verification_failure_count: c.microDepositFailures };
  return json;
}

/** Jiko's v1 Counterparty (`ACH` or `WIRE` with its details); v1 knows only those two types. */
export function counterpartyV1Json(c: Counterparty): Static<typeof CounterpartyV1Schema> {
  const details = {
    time_created: c.timeCreated.toISOString(),
    verification_type: c.verificationMethod.toUpperCase() as 'MICRO_DEPOSITS' | 'PLAID' | 'PRE_VERIFIED' | 'SUPPORTING_DOCUMENTS',
    status: c.verificationStatus,
    account_number: c.accountNumber ?? c.identifier ?? '',
    routing_number: c.routingNumber ?? '',
    name_on_account: c.nameOnAccount,
    account_type: c.accountType ?? 'CHECKING',
    institution_name: c.institutionName ?? '',
    ...(c.plaid ? { plaid: { mask: c.plaid.mask, verification_status: c.plaid.verificationStatus, object_type: 'CounterpartyPlaid' as const } } : {}),
    ...(c.microDepositFailures !== null ? { micro_deposits: { verification_failure_count: c.microDepositFailures } } : {}),
  };
  return c.type === 'ach'
    ? { id: c.id, type: 'ACH' as const, ach: details, object_type: 'Counterparty' as const }
    : { id: c.id, type: 'WIRE' as const, wire: details, object_type: 'Counterparty' as const };
}

function createInput(body: Static<typeof CreateBody>): NewCounterpartyInput {
  const name = body.counterparty_name;
  return {
    type: body.type,
    counterpartyName: { type: name.type, businessName: name.business_name, firstName: name.first_name, middleName: name.middle_name, lastName: name.last_name },
    routingNumber: body.routing_number,
    accountNumber: body.account_number,
    accountType: body.account_type,
    bic: body.bic,
    identifier: body.identifier,
    identifierType: body.identifier_type,
    address: body.address,
    wireInstructions: body.wire_instructions,
    institutionName: body.institution_name,
    verificationMethod: body.verification_method,
  };
}

const ListQuery = Type.Object({ ...CursorQuery, type: Type.Optional(CounterpartyType), status: Type.Optional(Status) });
const CustomerParams = Type.Object({ customer_id: Uuid() });
const IdParams = Type.Object({ counterparty_id: Uuid() });
const V1_TYPES = ['ach', 'wire'] as const;

/**
 * Counterparties: v2 (the partner's own and each customer's), v1 reads of a customer's, the
 * micro-deposit confirmation (a pocketbook extension) and Plaid's sandbox paths (plaidRoutes below).
 */
export async function counterpartiesRoutes(plain: FastifyInstance, options: CounterpartiesRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  partnerRoutes(app, options.counterparties);
  verificationRoutes(app, options.counterparties);
  customerRoutes(app, options.counterparties);
  plaidRoutes(app, options.counterparties);
}

const tags = ['Counterparties'];
const security = [{ HTTPBearer: [] }];
const created = (description: string, example: unknown) => ({ 201: documented(CounterpartySchema, description, example), ...ErrorResponses });

/** The v2 paths of the partner: create its own, list, get and update any. */
function partnerRoutes(plainApp: FastifyInstance, service: CounterpartiesService): void {
  const app = plainApp.withTypeProvider<TypeBoxTypeProvider>();

  app.post('/api/v2/counterparties/', {
    schema: {
      tags, security,
      summary: "Create one of the partner's own counterparties",
      description:
        'An outside account of the partner (customer_id null): `ach` (ABA routing number with a valid check digit, account number), ' +
        '`wire` (routing number, account number as `identifier`, address), `international_wire` (BIC, IBAN checked by ISO 13616 mod 97, address) ' +
        "or `on_us` (the Jiko network address of a pocket of the partner). Money moves only once it is LINKED: pre_verified links at once " +
        '(sandbox); micro_deposits waits for the two amounts; supporting_documents waits for a review.',
      body: { ...CreateBody, examples: [ex.WIRE_REQUEST, ex.INTERNATIONAL_REQUEST] },
      response: created('The new counterparty', ex.WIRE_COUNTERPARTY),
    },
  }, async (request, reply) => sealedReply(request, reply, 201, counterpartyJson)(await service.create(request.ctx, null, createInput(request.body))));

  app.get('/api/v2/counterparties/', {
    schema: {
      tags, security,
      summary: "List the partner's counterparties",
      description: "Every counterparty of the partner and of its customers, newest first, cursor-paged; `type` and `status` filter.",
      querystring: ListQuery,
      response: { 200: documented(CursorListSchema(CounterpartySchema), 'A page of counterparties', ex.cursorList([ex.INTERNATIONAL_COUNTERPARTY, ex.WIRE_COUNTERPARTY])), ...ErrorResponses },
    },
  }, async (request) => {
    const list = await service.list(request.ctx, { types: request.query.type && [request.query.type], status: request.query.status }, pageRequest(request.query));
    return { ...list, items: list.items.map(counterpartyJson) };
  });

  app.get('/api/v2/counterparties/:counterparty_id/', {
    schema: {
      tags, security, summary: 'Get a counterparty', description: 'Any counterparty of the partner or of its customers.',
      params: IdParams,
      response: { 200: documented(CounterpartySchema, 'The counterparty', ex.achCounterparty(false)), ...ErrorResponses },
    },
  }, async (request) => counterpartyJson(await service.get(request.ctx, request.params.counterparty_id)));

  app.patch('/api/v2/counterparties/:counterparty_id/', {
    schema: {
      tags, security,
      summary: 'Update a counterparty',
      description:
        'Renames it, changes a wire counterparty\'s address or instructions, or unlinks it (`status: UNLINKED`, final). ' +
        'Account identifiers cannot change: a new account is a new counterparty, verified again.',
      params: IdParams,
      body: documented(UpdateBody, 'The fields to change', { status: 'UNLINKED' }),
      response: { 200: documented(CounterpartySchema, 'The counterparty as changed', { ...ex.WIRE_COUNTERPARTY, status: 'UNLINKED' }), ...ErrorResponses },
    },
  }, async (request, reply) => {
    const { counterparty_name: name, address, wire_instructions: wireInstructions, status } = request.body;
    const change = {
      counterpartyName: name && { type: name.type, businessName: name.business_name, firstName: name.first_name, middleName: name.middle_name, lastName: name.last_name },
      address, wireInstructions, status,
    };
    return sealedReply(request, reply, 200, counterpartyJson)(await service.update(request.ctx, request.params.counterparty_id, change));
  });

}

/** Verification by micro-deposits (a pocketbook extension: Jiko names no path for it). */
function verificationRoutes(plainApp: FastifyInstance, service: CounterpartiesService): void {
  const app = plainApp.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/api/v2/counterparties/:counterparty_id/micro-deposits/', {
    schema: {
      tags, security,
      summary: 'Confirm the micro-deposit amounts (pocketbook extension)',
      description:
        'The two amounts, in cents and in either order, of the credits under $1 sent to the account. Right: VERIFIED and LINKED. Wrong: ' +
        '`micro_deposits.verification_failure_count` grows and the answer is still 200; the third wrong try FAILS the counterparty (UNLINKED). ' +
        'The ACCTVERIFY ACH entries (the two credits and their offsetting debit) go out in the first ACH window (12:00 New York time, ' +
        'business days) after the counterparty is created; before that the amounts cannot be known, and a try is 409 ' +
        '(`counterparties.micro_deposits_not_sent`), which changes nothing and is not a wrong try.',
      params: IdParams,
      body: documented(
        Type.Object({ amounts_usdc: Type.Array(Type.Integer({ minimum: 1, maximum: 99 }), { minItems: 2, maxItems: 2, description: 'USD cents' }) }, { additionalProperties: false }),
        'The two amounts', { amounts_usdc: [12, 34] },
      ),
      response: { 200: documented(CounterpartySchema, 'The counterparty after the try', ex.achCounterparty(true)), 409: DetailErrorSchema, ...ErrorResponses },
    },
  }, async (request, reply) => {
    const [a, b] = request.body.amounts_usdc;
    const send = sealedReply(request, reply, 200, counterpartyJson);
    return send(await service.confirmMicroDeposits(request.ctx, request.params.counterparty_id, [BigInt(a ?? 0), BigInt(b ?? 0)]));
  });

}

/** A customer's counterparties: v2 create and list, v1 list and get. */
function customerRoutes(plainApp: FastifyInstance, service: CounterpartiesService): void {
  const app = plainApp.withTypeProvider<TypeBoxTypeProvider>();
  const createRequest = { ...CreateBody, description: 'The counterparty: its type and the fields that type needs', examples: [ex.ACH_REQUEST, ex.ON_US_REQUEST] };
  app.post('/api/v2/customers/:customer_id/counterparties/', {
    schema: {
      tags, security,
      summary: 'Create a counterparty for a customer',
      description: "Like POST /api/v2/counterparties/, owned by the customer. An `ach` counterparty is verified by micro-deposits unless pre_verified.",
      params: CustomerParams,
      body: createRequest,
      response: created('The new counterparty', ex.achCounterparty(false)),
    },
  }, async (request, reply) => sealedReply(request, reply, 201, counterpartyJson)(await service.create(request.ctx, request.params.customer_id, createInput(request.body))));

  app.get('/api/v2/customers/:customer_id/counterparties/', {
    schema: {
      tags, security,
      summary: "List a customer's counterparties",
      description: "The customer's counterparties, newest first, cursor-paged; `type` and `status` filter.",
      params: CustomerParams,
      querystring: ListQuery,
      response: { 200: documented(CursorListSchema(CounterpartySchema), "A page of the customer's counterparties", ex.cursorList([ex.achCounterparty(true)])), ...ErrorResponses },
    },
  }, async (request) => {
    const filter = { customerId: request.params.customer_id, types: request.query.type && [request.query.type], status: request.query.status };
    const list = await service.list(request.ctx, filter, pageRequest(request.query));
    return { ...list, items: list.items.map(counterpartyJson) };
  });

  app.get('/api/v1/customers/:customer_id/counterparties', {
    schema: {
      tags, security,
      summary: 'List Counterparties (v1)',
      description: "The customer's ACH and wire counterparties in the v1 shape, newest first; international_wire and on_us counterparties are listed by v2 only.",
      params: CustomerParams,
      querystring: Type.Object(CursorQuery),
      response: { 200: documented(CursorListSchema(CounterpartyV1Schema), "A page of the customer's counterparties (v1 shape)", ex.cursorList([ex.counterpartyV1(true), ex.counterpartyV1(false)])), ...ErrorResponses },
    },
  }, async (request) => {
    const list = await service.list(request.ctx, { customerId: request.params.customer_id, types: V1_TYPES }, pageRequest(request.query));
    return { ...list, items: list.items.map(counterpartyV1Json) };
  });

  app.get('/api/v1/customers/:customer_id/counterparties/:counterparty_id', {
    schema: {
      tags, security,
      summary: 'Get Counterparty (v1)',
      description: 'One ACH or wire counterparty of the customer in the v1 shape; poll it to follow the verification.',
      params: Type.Object({ customer_id: Uuid(), counterparty_id: Uuid() }),
      response: { 200: documented(CounterpartyV1Schema, 'The counterparty (v1 shape)', ex.counterpartyV1(false)), ...ErrorResponses },
    },
  }, async (request) => {
    const c = await service.get(request.ctx, request.params.counterparty_id, request.params.customer_id);
    if (!(V1_TYPES as readonly string[]).includes(c.type)) throw CounterpartyErrors.notFound();
    return counterpartyV1Json(c);
  });
}

const PlaidTags = ['Counterparties: Plaid'];

/**
 * Plaid's paths as Jiko names them, answered by a sandbox that calls no network: a Link token
 * `link-sandbox-...`; public tokens `public-sandbox-...` link Plaid's sandbox bank accounts
 * (routing 011401533), verified at once with an `institution_id`, else after `/plaid/verify`.
 */
function plaidRoutes(plainApp: FastifyInstance, service: CounterpartiesService): void {
  const app = plainApp.withTypeProvider<TypeBoxTypeProvider>();
  const base = '/api/v1/customers/:customer_id/counterparties';

  app.post(`${base}/plaid/link-token`, {
    schema: {
      tags: PlaidTags, security,
      summary: 'Create Plaid Link Token',
      description:
        'A sandbox Link token, valid four hours. `redirect_uri` and `android_package_name` are mutually exclusive; ' +
        '`counterparty_id` re-enters Link for a Plaid counterparty waiting for same-day micro-deposits.',
      params: CustomerParams,
      body: documented(Type.Object({
        client_name: Type.String({ minLength: 1, maxLength: 100 }),
        redirect_uri: Type.Optional(Type.String({ maxLength: 500 })),
        android_package_name: Type.Optional(Type.String({ maxLength: 200 })),
        counterparty_id: Type.Optional(Uuid()),
      }, { additionalProperties: false }), 'Who asks for the token', { client_name: 'Hopper' }),
      response: { 200: documented(Type.Object({ link_token: Type.String(), expiration: Type.String({ format: 'date-time' }) }), 'The Link token', ex.LINK_TOKEN), ...ErrorResponses },
    },
  }, async (request) => {
    const { client_name: clientName, redirect_uri: redirectUri, android_package_name: androidPackageName, counterparty_id: counterpartyId } = request.body;
    const token = await service.plaidLinkToken(request.ctx, request.params.customer_id, { clientName, redirectUri, androidPackageName, counterpartyId });
    return { link_token: token.linkToken, expiration: token.expiration.toISOString() };
  });

  app.post(`${base}/plaid`, {
    schema: {
      tags: PlaidTags, security,
      summary: 'Create Plaid Counterparties',
      description:
        "Forwards Plaid Link's result: one ACH counterparty per account. With `institution_id` the accounts are AUTOMATICALLY_VERIFIED " +
        '(VERIFIED); without it they wait for same-day micro-deposits (PENDING_MANUAL_VERIFICATION) until /plaid/verify. Sandbox: only ' +
        '`public-sandbox-...` tokens. Answers 200, as Jiko does.',
      params: CustomerParams,
      body: documented(Type.Object({
        public_token: Type.String({ minLength: 1, maxLength: 200 }),
        accounts: Type.Array(Type.Object({
          id: Type.String({ minLength: 1, maxLength: 100 }),
          name: Type.Optional(Type.String({ minLength: 1, maxLength: 140 })),
          mask: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
        }, { additionalProperties: false }), { minItems: 1, maxItems: 10 }),
        institution_id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      }, { additionalProperties: false }), "Plaid Link's onSuccess data", ex.PLAID_REQUEST),
      response: {
        200: documented(
          Type.Object({ items: Type.Array(CounterpartyV1Schema), object_type: Type.Literal('PlaidCreateCounterpartiesResponse') }),
          'The counterparties made', { items: [ex.counterpartyV1(true)], object_type: 'PlaidCreateCounterpartiesResponse' },
        ),
        ...ErrorResponses,
      },
    },
  }, async (request, reply) => {
    const { public_token: publicToken, institution_id: institutionId, accounts } = request.body;
    const send = sealedReply(request, reply, 200, (items: Counterparty[]) => ({ items: items.map(counterpartyV1Json), object_type: 'PlaidCreateCounterpartiesResponse' as const }));
    return send(await service.plaidCreate(request.ctx, request.params.customer_id, { publicToken, institutionId, accounts }));
  });

  app.post(`${base}/:counterparty_id/plaid/verify`, {
    schema: {
      tags: PlaidTags, security,
      summary: 'Verify Plaid Counterparty',
      description: 'Says the same-day micro-deposit flow is done: the counterparty becomes MANUALLY_VERIFIED (VERIFIED). A repeat changes nothing.',
      params: Type.Object({ customer_id: Uuid(), counterparty_id: Uuid() }),
      response: { 204: Type.Null({ description: 'Verified; no body' }), ...ErrorResponses },
    },
  }, async (request, reply) => {
    const send = sealedReply(request, reply, 204, () => undefined);
    await service.plaidVerify(request.ctx, request.params.customer_id, request.params.counterparty_id);
    return send(undefined);
  });
}
