import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  type FundingInstructions,
  PORTAL_NAME_LENGTH_MAX,
  PORTAL_RENAME_LENGTH_MAX,
  type Portal,
  type Portals,
} from '../../modules/rails/portal/index.ts';
import { CursorListSchema, CursorQuery, ErrorResponses, Uuid, pageRequest } from '../../platform/http/index.ts';
import { sealedReply } from '../jiko/sealed.ts';

/** Jiko's Portal (v1 shape; the v2 paths answer it too). */
const PortalSchema = Type.Object({
  id: Uuid(),
  jiko_account_id: Uuid('The pocket'),
  routing_number: Type.String({ description: 'ABA routing number (9 digits)' }),
  account_number: Type.String({ description: "The portal's own account number" }),
  status: Type.Union([Type.Literal('OPEN'), Type.Literal('CLOSED')]),
  name: Type.String(),
  object_type: Type.Literal('Portal'),
});

/** Jiko's ListPortalsResponse (not paged). */
const PortalListSchema = Type.Object({
  count: Type.Integer(),
  portals: Type.Array(PortalSchema),
  object_type: Type.Literal('List'),
});

const RailDetails = {
  routing_number: Type.String({ description: 'ABA routing number of the receiving bank' }),
  account_number: Type.String({ description: "The portal's account number" }),
};

const FundingInstructionsSchema = Type.Object({
  portal_id: Uuid(),
  jiko_account_id: Uuid('The pocket the money goes to'),
  bank_name: Type.String({ description: 'The receiving bank' }),
  routing_number: Type.String(),
  account_number: Type.String(),
  ach: Type.Object({ ...RailDetails, account_type: Type.Literal('CHECKING') }),
  wire: Type.Object({
    ...RailDetails,
    bank_name: Type.String(),
    bank_address: Type.String(),
    beneficiary_name: Type.String({ description: 'The beneficiary to name on the wire' }),
  }),
  object_type: Type.Literal('FundingInstructions'),
});

const CreateBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: PORTAL_NAME_LENGTH_MAX }) }, { additionalProperties: false });
const RenameBody = Type.Object({ name: Type.String({ minLength: 1, maxLength: PORTAL_RENAME_LENGTH_MAX }) }, { additionalProperties: false });
const UpdateBodyV2 = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, maxLength: PORTAL_RENAME_LENGTH_MAX })),
    status: Type.Optional(Type.String({ description: 'CLOSED, the only status a portal can be given (irreversible)' })),
  },
  { additionalProperties: false },
);

/** Jiko's Portal JSON. */
function portalJson(portal: Portal) {
  return {
    id: portal.id,
    jiko_account_id: portal.pocketId,
    routing_number: portal.routingNumber,
    account_number: portal.accountNumber,
    status: portal.status,
    name: portal.name,
    object_type: 'Portal' as const,
  };
}

function portalListJson(portals: readonly Portal[]) {
  return { count: portals.length, portals: portals.map(portalJson), object_type: 'List' as const };
}

function fundingInstructionsJson(f: FundingInstructions) {
  const rail = { routing_number: f.routingNumber, account_number: f.accountNumber };
  return {
    portal_id: f.portalId,
    jiko_account_id: f.pocketId,
    bank_name: f.bankName,
    routing_number: f.routingNumber,
    account_number: f.accountNumber,
    ach: { ...rail, account_type: 'CHECKING' as const },
    wire: { ...rail, bank_name: f.bankName, bank_address: f.bankAddress, beneficiary_name: f.beneficiaryName },
    object_type: 'FundingInstructions' as const,
  };
}

/** What the portals routes are given. */
export interface PortalsRoutesOptions {
  readonly portals: Portals;
}

const tags = ['Portals'];
const security = [{ HTTPBearer: [] }];
const Closed = { 412: Type.Object({ detail: Type.String() }, { description: 'Precondition Failed: the portal is closed' }) };
const locs = { jikoLocs: { fields: { pocket: ['path', 'pocket_id'] } } };

/**
 * Portals of the Partner API: Jiko's v1 paths under `/api/v1/jiko-accounts/{account_id}/portals`
 * and the v2 paths under `/api/v2/pockets/{pocket_id}/portals/`, the tenant-wide list and the
 * funding instructions. An id the tenant does not own, or a portal of another pocket, is 404.
 */
export async function portalsRoutes(plain: FastifyInstance, options: PortalsRoutesOptions): Promise<void> {
  await plain.register(portalsV1Routes, options);
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const portals = () => options.portals;
  const PocketParams = Type.Object({ pocket_id: Uuid() });
  const PortalParams = Type.Object({ pocket_id: Uuid(), portal_id: Uuid() });

  app.post('/api/v2/pockets/:pocket_id/portals/', {
    schema: {
      tags, security, params: PocketParams, body: CreateBody,
      summary: 'Create a portal for a pocket',
      description: 'A new OPEN portal: the routing number and a fresh account number through which payers send the pocket money by ACH or wire. A pocket may have several; a closed pocket takes none.',
      response: { 201: PortalSchema, ...ErrorResponses },
    },
    config: locs,
  }, async (request, reply) =>
    sealedReply(request, reply, 201, portalJson)(await portals().create(request.ctx, request.params.pocket_id, request.body.name)),
  );

  app.get('/api/v2/pockets/:pocket_id/portals/', {
    schema: {
      tags, security, params: PocketParams,
      summary: "List a pocket's portals",
      description: "The pocket's portals, oldest first, OPEN and CLOSED: the first, named Default, is made with the pocket.",
      response: { 200: PortalListSchema, ...ErrorResponses },
    },
  }, async (request) => portalListJson(await portals().list(request.ctx, request.params.pocket_id)));

  app.patch('/api/v2/pockets/:pocket_id/portals/:portal_id/', {
    schema: {
      tags, security, params: PortalParams, body: UpdateBodyV2,
      summary: 'Rename or close a portal',
      description: 'A new `name`, or `status: CLOSED` (the only status accepted; irreversible: money later sent to the portal is returned R02). Closing a closed portal is 412. Answers 204 with no body.',
      response: { 204: Type.Null({ description: 'Changed; no body' }), ...ErrorResponses, ...Closed },
    },
    config: locs,
  }, async (request, reply) => {
    const send = sealedReply(request, reply, 204, () => undefined);
    await portals().update(request.ctx, request.params.pocket_id, request.params.portal_id, request.body);
    return send(undefined);
  });

  app.get('/api/v2/portals/', {
    schema: {
      tags, security, querystring: Type.Object(CursorQuery),
      summary: "List the tenant's portals",
      description: "Every pocket's portals (the partner funding pocket's too), oldest first, cursor-paged.",
      response: { 200: CursorListSchema(PortalSchema), ...ErrorResponses },
    },
  }, async (request) => {
    const list = await portals().listTenant(request.ctx, pageRequest(request.query));
    return { ...list, items: list.items.map(portalJson) };
  });

  app.get('/api/v2/pockets/:pocket_id/portals/:portal_id/funding-instructions/', {
    schema: {
      tags, security, params: PortalParams,
      summary: 'Funding instructions of a portal',
      description: "What a payer needs to send money to the pocket through this portal: the receiving bank, its routing number and the portal's account number, for ACH and for a wire (with the beneficiary to name). A closed portal takes no money: 412.",
      response: { 200: FundingInstructionsSchema, ...ErrorResponses, ...Closed },
    },
  }, async (request) =>
    fundingInstructionsJson(await portals().fundingInstructions(request.ctx, request.params.pocket_id, request.params.portal_id)),
  );
}

/** Jiko's v1 portal paths (`account_id` is the pocket id). */
async function portalsV1Routes(plain: FastifyInstance, options: PortalsRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const portals = () => options.portals;
  const AccountParams = Type.Object({ account_id: Uuid('Pocket id') });
  const PortalParams = Type.Object({ account_id: Uuid('Pocket id'), portal_id: Uuid() });
  const v1Locs = { jikoLocs: { fields: { pocket: ['path', 'account_id'] } } };

  app.get('/api/v1/jiko-accounts/:account_id/portals', {
    schema: {
      tags, security, params: AccountParams,
      summary: "List a pocket's portals (v1)",
      description: "The pocket's portals, oldest first, OPEN and CLOSED; not paged, as Jiko's ListPortalsResponse.",
      response: { 200: PortalListSchema, ...ErrorResponses },
    },
  }, async (request) => portalListJson(await portals().list(request.ctx, request.params.account_id)));

  app.post('/api/v1/jiko-accounts/:account_id/portals', {
    schema: {
      tags, security, params: AccountParams, body: CreateBody,
      summary: 'Create a portal (v1)',
      description: 'A new OPEN portal of the pocket (name up to 128 characters), with its own account number; exactly once per idempotency key. A closed pocket takes none.',
      response: { 201: PortalSchema, ...ErrorResponses },
    },
    config: v1Locs,
  }, async (request, reply) =>
    sealedReply(request, reply, 201, portalJson)(await portals().create(request.ctx, request.params.account_id, request.body.name)),
  );

  app.get('/api/v1/jiko-accounts/:account_id/portals/:portal_id', {
    schema: {
      tags, security, params: PortalParams,
      summary: 'Get a portal (v1)',
      description: "One of the pocket's portals; a portal of another pocket is 404.",
      response: { 200: PortalSchema, ...ErrorResponses },
    },
  }, async (request) => portalJson(await portals().get(request.ctx, request.params.account_id, request.params.portal_id)));

  app.patch('/api/v1/jiko-accounts/:account_id/portals/:portal_id', {
    schema: {
      tags, security, params: PortalParams, body: RenameBody,
      summary: 'Rename a portal (v1)',
      description: 'A new name, up to 50 characters (Jiko allows 128 at creation, 50 on rename); a closed portal can be renamed too.',
      response: { 200: PortalSchema, ...ErrorResponses },
    },
    config: v1Locs,
  }, async (request, reply) =>
    sealedReply(request, reply, 200, portalJson)(
      await portals().update(request.ctx, request.params.account_id, request.params.portal_id, { name: request.body.name }),
    ),
  );

  app.post('/api/v1/jiko-accounts/:account_id/portals/:portal_id/close', {
    schema: {
      tags, security, params: PortalParams,
      summary: 'Close a portal (v1)',
      description: 'Closes the portal, irreversibly: money later sent to it is returned R02. Answers 204 with no body; 412 when it is already closed.',
      response: { 204: Type.Null({ description: 'Closed; no body' }), ...ErrorResponses, ...Closed },
    },
    config: v1Locs,
  }, async (request, reply) => {
    const send = sealedReply(request, reply, 204, () => undefined);
    await portals().close(request.ctx, request.params.account_id, request.params.portal_id);
    return send(undefined);
  });
}
