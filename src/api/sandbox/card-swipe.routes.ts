import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CARD_MESSAGE_KINDS, type CardAuthorization, type CardRail, DECLINE_REASONS, type SwipeResult } from '../../modules/rails/card/index.ts';
import { DateString, DateTimeString, ErrorResponses, Uuid } from '../../platform/http/index.ts';
import { money } from '../../money/index.ts';
import { sealedReply } from '../jiko/sealed.ts';
import * as ex from './card-swipe.examples.ts';

/** What the card swipe route is given. */
export interface CardSwipeRoutesOptions {
  readonly cards: CardRail;
}

/** The largest amount a swipe takes: $1,000,000,000 in cents (the velocity limits decide far below it). */
const SWIPE_AMOUNT_CENTS_MAX = 100_000_000_000;

const Cents = (description: string) => Type.Integer({ exclusiveMinimum: 0, maximum: SWIPE_AMOUNT_CENTS_MAX, description });

/** Jiko's CardSwipe plus pocketbook's network message fields. */
const SwipeBody = Type.Object(
  {
    card_id: Uuid('The card'),
    amount_usdc: Cents('USD cents: to authorize, to add (incremental), to release (reversal), to refund, or to post (force_post)'),
    merchant_name: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'pocketbook extension: the merchant (default Sandbox Merchant)' })),
    mcc: Type.Optional(Type.String({ pattern: '^[0-9]{4}$', description: "pocketbook extension: the merchant's ISO 18245 category code (default 5999)" })),
    type: Type.Optional(Type.Union(CARD_MESSAGE_KINDS.map((kind) => Type.Literal(kind)), {
      description: 'pocketbook extension: the network message (default authorization)',
    })),
    authorization_id: Type.Optional(Uuid('pocketbook extension: the authorization an incremental or a reversal changes (required for them), or a refund refers to')),
    settlement_amount_usdc: Type.Optional(Cents("pocketbook extension, authorization only: the final amount the next business day's clearing posts (default: the amount held)")),
    capture: Type.Optional(Type.Boolean({
      description: 'pocketbook extension, authorization only: false leaves the hold uncaptured, to be reversed or to expire after 7 days (default true)',
    })),
  },
  { additionalProperties: false },
);

const Nullable = <T extends ReturnType<typeof Type.Integer> | ReturnType<typeof Type.String>>(schema: T) => Type.Union([schema, Type.Null()]);

const AuthorizationProperties = {
  id: Uuid('The network message (for an authorization: the authorization)'),
  card_id: Uuid('The card'),
  account_id: Uuid('The pocket the card draws on'),
  type: Type.Union(CARD_MESSAGE_KINDS.map((kind) => Type.Literal(kind))),
  authorization_id: Type.Union([Uuid('The authorization it refers to'), Type.Null()]),
  amount_usdc: Type.Integer({ description: 'USD cents asked for' }),
  status: Type.Union(['APPROVED', 'DECLINED', 'PENDING', 'SETTLED', 'EXPIRED', 'REVERSED'].map((s) => Type.Literal(s)), {
    description: 'An authorization: PENDING (held), SETTLED, EXPIRED, REVERSED or DECLINED; an incremental or a reversal: APPROVED or DECLINED; a refund or a force post: SETTLED or DECLINED',
  }),
  decline_reason: Type.Union([...DECLINE_REASONS.map((r) => Type.Literal(r)), Type.Null()], { description: 'Why it was declined' }),
  merchant_name: Type.String(),
  mcc: Type.String(),
  held_usdc: Type.Integer({ description: 'USD cents an authorization holds now' }),
  settlement_amount_usdc: Nullable(Type.Integer({ description: 'The final amount its clearing posts; null: the amount held' })),
  capture: Type.Boolean(),
  settle_on: Type.Union([DateString('The business day its clearing arrives'), Type.Null()]),
  expires_at: Type.Union([DateTimeString('When an uncaptured hold is released'), Type.Null()]),
  sold_usdc: Type.Integer({ description: 'Proceeds of the bills sold to pay it, cents' }),
  settled_usdc: Nullable(Type.Integer({ description: 'What posted, cents' })),
  shortfall_usdc: Type.Integer({ description: 'What the pocket could not cover of a clearing or force post (owed by the customer), cents' }),
  time_created: DateTimeString(),
  time_closed: Type.Union([DateTimeString(), Type.Null()]),
  object_type: Type.Literal('CardAuthorization'),
};

const SwipeResponse = Type.Object({
  ...AuthorizationProperties,
  authorization: Type.Union([Type.Object(AuthorizationProperties, { description: 'The authorization after the message changed it' }), Type.Null()]),
});

function authorizationJson(a: CardAuthorization) {
  return {
    id: a.id, card_id: a.cardId, account_id: a.pocketId, type: a.kind, authorization_id: a.authorizationId, amount_usdc: cents(a.amountCents),
    status: a.status, decline_reason: a.declineReason, merchant_name: a.merchantName, mcc: a.mcc, held_usdc: cents(a.heldCents),
    settlement_amount_usdc: a.settlementAmountCents === null ? null : cents(a.settlementAmountCents), capture: a.capture, settle_on: a.settleOn,
    expires_at: a.expiresAt?.toISOString() ?? null, sold_usdc: cents(a.soldCents), settled_usdc: a.settledCents === null ? null : cents(a.settledCents),
    shortfall_usdc: cents(a.shortfallCents), time_created: a.createdAt.toISOString(), time_closed: a.closedAt?.toISOString() ?? null,
    object_type: 'CardAuthorization' as const,
  };
}

/** Cents as a JSON integer (every amount here is below SWIPE_AMOUNT_CENTS_MAX, far inside 2^53). */
function cents(value: bigint): number {
  return money(value).value;
}

function swipeJson(result: SwipeResult) {
  return { ...authorizationJson(result.message), authorization: result.authorization ? authorizationJson(result.authorization) : null };
}

/**
 * POST /api/v1/sandbox/card-swipe: Jiko's sandbox swipe, run through the card issuer's real
 * decision (docs/CARDS.md "Authorization and settlement"). Jiko answers 202 with no body;
 * pocketbook answers 202 with the message's outcome (clients that ignore the body are unaffected).
 */
export async function cardSwipeRoutes(plain: FastifyInstance, options: CardSwipeRoutesOptions): Promise<void> {
  const app = plain.withTypeProvider<TypeBoxTypeProvider>();
  app.post('/api/v1/sandbox/card-swipe', {
    schema: {
      tags: ['Sandbox'],
      summary: 'Submit a card swipe',
      description:
        'Sandbox mode only. A card network message for the card, decided at once by the issuer: the card must be OPEN and not expired, ' +
        'its pocket OPEN, the amount within the velocity limits, and within what the pocket can pay now (cash plus its bills sold at ' +
        "today's bid). Approved, the amount is held on the pocket (bills sold first when cash is short; event `card.transaction.approved`); " +
        'declined, nothing is held or sold (`decline_reason`: card_not_activated, card_locked, card_frozen, card_closed, expired, ' +
        'account_disabled, limit_exceeded, insufficient_funds; event `card.transaction.rejected`). The hold clears at the network settlement ' +
        'of the next business day for the amount held or `settlement_amount_usdc` (event `card.transaction.settled`), or, uncaptured, ' +
        'expires after 7 days. pocketbook extensions: `type` incremental (raise a hold), reversal (release all or part), refund (credit the ' +
        'pocket), force_post (a capture with no authorization). Jiko answers 202 with no body; pocketbook adds the outcome.',
      security: [{ HTTPBearer: [] }],
      body: { ...SwipeBody, examples: [ex.SWIPE_REQUEST, ex.SWIPE_WITH_DETAILS_REQUEST, ex.REVERSAL_REQUEST] },
      response: {
        202: { ...SwipeResponse, description: 'The message and its outcome', examples: [ex.APPROVED_RESPONSE, ex.DECLINED_RESPONSE] },
        ...ErrorResponses,
      },
    },
    config: {
      jikoLocs: {
        fields: {
          cardId: ['body', 'card_id'], authorizationId: ['body', 'authorization_id'], settlementAmountCents: ['body', 'settlement_amount_usdc'],
          capture: ['body', 'capture'],
        },
      },
    },
  }, async (request, reply) => {
    const send = sealedReply(request, reply, 202, swipeJson);
    const body = request.body;
    const result = await options.cards.swipe(request.ctx, {
      cardId: body.card_id, amountCents: BigInt(body.amount_usdc), kind: body.type, merchantName: body.merchant_name, mcc: body.mcc,
      authorizationId: body.authorization_id,
      settlementAmountCents: body.settlement_amount_usdc === undefined ? undefined : BigInt(body.settlement_amount_usdc), capture: body.capture,
    });
    return send(result);
  });
}
