import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { ScenarioRule, Scenarios } from '../../modules/sandbox/index.ts';
import { DateTimeString, ErrorResponses, ListSchema, Uuid } from '../../platform/http/index.ts';
import { sealedReply } from '../jiko/sealed.ts';
import * as ex from './scenarios.examples.ts';

/** What the scenario routes are given. */
export interface ScenariosRoutesOptions {
  readonly scenarios: Scenarios;
}

const Operation = Type.Union([Type.Literal('ach.return'), Type.Literal('wire.reject'), Type.Literal('micro_deposits.fail')], {
  description: '`ach.return`: an ACH origination comes back; `wire.reject`: an outgoing wire is rejected; `micro_deposits.fail`: micro-deposits bounce',
});
const Direction = Type.Union([Type.Literal('DEBIT'), Type.Literal('CREDIT')], { description: 'DEBIT (pull) or CREDIT (push)' });
const ReturnCode = Type.Union([Type.Literal('R01'), Type.Literal('R02'), Type.Literal('R03'), Type.Literal('R04'), Type.Literal('R10'), Type.Literal('R29')], {
  description: 'R01 insufficient funds, R02 account closed, R03 no account, R04 invalid account number, R10/R29 unauthorized',
});
const Times = Type.Union([Type.Literal(1), Type.Null()], { description: '1: the next matching operation only (one-shot); null: every one (standing)' });

const ScenarioBody = Type.Object(
  {
    operation: Operation,
    counterparty_id: Type.Optional(Uuid('The counterparty the rule applies to (the tenant\'s); absent: every counterparty')),
    direction: Type.Optional({ ...Direction, description: 'ach.return only: DEBIT (pull) or CREDIT (push); absent: both' }),
    return_code: Type.Optional({ ...ReturnCode, description: 'ach.return only (default R01)' }),
    after_business_days: Type.Optional(Type.Integer({
      minimum: 0, maximum: 30, description: 'ach.return only: business days after the settlement date the entry comes back on (default 2); ' +
        'at most 2 for R01-R04 and R29, 30 for R10',
    })),
    times: Type.Optional(Times),
  },
  { additionalProperties: false, examples: [ex.ACH_RETURN_REQUEST, ex.WIRE_REJECT_REQUEST] },
);

const ScenarioSchema = Type.Object({
  id: Uuid(),
  operation: Operation,
  counterparty_id: Type.Union([Uuid(), Type.Null()]),
  direction: Type.Union([Direction, Type.Null()]),
  return_code: Type.Union([ReturnCode, Type.Null()]),
  after_business_days: Type.Union([Type.Integer(), Type.Null()]),
  times: Times,
  fired_count: Type.Integer({ description: 'How many operations the rule has changed' }),
  active: Type.Boolean({ description: 'False once a one-shot rule has fired' }),
  time_created: DateTimeString(),
  object_type: Type.Literal('SandboxScenario'),
}, { description: 'A failure-scenario rule' });

/** A rule in the routes' JSON shape. */
function scenarioJson(rule: ScenarioRule) {
  return {
    id: rule.id, operation: rule.operation, counterparty_id: rule.counterpartyId, direction: rule.direction, return_code: rule.returnCode,
    after_business_days: rule.afterBusinessDays, times: rule.times, fired_count: rule.firedCount,
    active: rule.times === null || rule.firedCount < rule.times, time_created: rule.createdAt.toISOString(), object_type: 'SandboxScenario' as const,
  };
}

const Params = Type.Object({ scenario_id: Uuid('The rule') });
const DOC = 'Sandbox mode only, pocketbook extension; rules and magic values are described in docs/SANDBOX.md.';

/**
 * The tenant's declarative failure scenarios (pocketbook extension): POST/GET
 * /api/v1/sandbox/scenarios/, GET/DELETE /api/v1/sandbox/scenarios/{scenario_id}/.
 */
export async function scenariosRoutes(plain: FastifyInstance, options: ScenariosRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  const { scenarios } = options;

  app.post('/api/v1/sandbox/scenarios/', {
    schema: {
      tags: ['Sandbox'],
      summary: 'Create a failure scenario',
      description:
        `${DOC} A rule forces the outcome of the tenant's next (\`times: 1\`, default) or every (\`times: null\`) matching operation: ` +
        '`ach.return`: an ACH origination (of `counterparty_id`, `direction`) comes back with `return_code` `after_business_days` business ' +
        'days after its settlement date, through the rail\'s return path (status REJECTED, `transfers.ach.in.rejected` or ' +
        '`transfers.ach.out.rejected`); `wire.reject`: an outgoing wire is rejected at once (REJECTED, `transfers.wire.out.rejected`, nothing ' +
        'leaves the pocket); `micro_deposits.fail`: the micro-deposits bounce and the confirmation fails (verification FAILED). ' +
        'The rule fires in the transaction of the operation it changes. 201 with the rule.',
      security: [{ HTTPBearer: [] }],
      body: ScenarioBody,
      response: { 201: { ...ScenarioSchema, description: 'The rule', examples: [ex.ACH_RETURN_RESPONSE] }, ...ErrorResponses },
    },
    config: { jikoLocs: { fields: { counterpartyId: ['body', 'counterparty_id'], afterBusinessDays: ['body', 'after_business_days'], returnCode: ['body', 'return_code'] } } },
  }, async (request, reply) => {
    const body = request.body;
    const rule = await scenarios.create(request.ctx, {
      operation: body.operation, counterpartyId: body.counterparty_id, direction: body.direction, returnCode: body.return_code,
      afterBusinessDays: body.after_business_days, times: body.times,
    });
    return sealedReply(request, reply, 201, scenarioJson)(rule);
  });

  app.get('/api/v1/sandbox/scenarios/', {
    schema: {
      tags: ['Sandbox'],
      summary: 'List the failure scenarios',
      description: `${DOC} The tenant's rules, oldest first, spent one-shot rules included (\`active: false\`).`,
      security: [{ HTTPBearer: [] }],
      response: { 200: { ...ListSchema(ScenarioSchema), description: 'The rules', examples: [ex.LIST_RESPONSE] }, ...ErrorResponses },
    },
  }, async (request) => {
    const items = (await scenarios.list(request.ctx)).map(scenarioJson);
    return { offset: 0, count: items.length, items, object_type: 'List' as const };
  });

  app.get('/api/v1/sandbox/scenarios/:scenario_id/', {
    schema: {
      tags: ['Sandbox'],
      summary: 'Get a failure scenario',
      description: `${DOC} One of the tenant's rules, with how many times it has fired.`,
      security: [{ HTTPBearer: [] }],
      params: Params,
      response: { 200: { ...ScenarioSchema, examples: [ex.ACH_RETURN_RESPONSE] }, ...ErrorResponses },
    },
    config: { jikoLocs: { source: 'path' } },
  }, async (request) => scenarioJson(await scenarios.get(request.ctx, request.params.scenario_id)));

  app.delete('/api/v1/sandbox/scenarios/:scenario_id/', {
    schema: {
      tags: ['Sandbox'],
      summary: 'Delete a failure scenario',
      description: `${DOC} The rule matches nothing more; returns it has already planned still come back. 204 with no body.`,
      security: [{ HTTPBearer: [] }],
      params: Params,
      response: { 204: Type.Null({ description: 'Deleted; no body' }), ...ErrorResponses },
    },
    config: { jikoLocs: { source: 'path' } },
  }, async (request, reply) => {
    await scenarios.remove(request.ctx, request.params.scenario_id);
    return sealedReply(request, reply, 204, () => undefined)(undefined);
  });
}
