import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Cards } from '../../modules/cards/index.ts';
import type { CounterpartiesService } from '../../modules/counterparties/index.ts';
import type { AchRail } from '../../modules/rails/ach/index.ts';
import type { CardRail } from '../../modules/rails/card/index.ts';
import type { Sandbox, Scenarios } from '../../modules/sandbox/index.ts';
import type { WireRail } from '../../modules/rails/wire/index.ts';
import { partnerAuth } from '../partner/auth.hooks.ts';
import type { DoorBase } from '../partner/index.ts';
import { sandboxAchRoutes } from './ach.routes.ts';
import { cardSwipeRoutes } from './card-swipe.routes.ts';
import { sandboxCardsRoutes } from './cards.routes.ts';
import { clockRoutes } from './clock.routes.ts';
import { sandboxCounterpartiesRoutes } from './counterparties.routes.ts';
import { fundRoutes } from './fund.routes.ts';
import { scenariosRoutes } from './scenarios.routes.ts';
import { webhookRoutes } from './webhook.routes.ts';
import { sandboxWiresRoutes } from './wires.routes.ts';

/** What the sandbox door is given. */
export interface SandboxDoorOptions extends DoorBase {
  readonly sandbox: Sandbox;
  readonly counterparties: CounterpartiesService;
  readonly wires: WireRail;
  readonly ach: AchRail;
  readonly cards: Cards;
  readonly cardIssuer: CardRail;
  readonly scenarios: Scenarios;
}

/** Sandbox endpoints (sandbox mode only): they need the bearer token but no request signature. */
export async function sandboxApi(app: FastifyInstance, door: SandboxDoorOptions): Promise<void> {
  await app.register(async (sandbox) => {
    await sandbox.register(fp(partnerAuth), { ...door, signed: false });
    await sandbox.register(fundRoutes, { sandbox: door.sandbox });
    await sandbox.register(clockRoutes, { sandbox: door.sandbox });
    await sandbox.register(webhookRoutes, { events: door.events });
    await sandbox.register(sandboxCounterpartiesRoutes, { counterparties: door.counterparties });
    await sandbox.register(sandboxWiresRoutes, { wires: door.wires });
    await sandbox.register(sandboxAchRoutes, { ach: door.ach });
    await sandbox.register(sandboxCardsRoutes, { cards: door.cards });
    await sandbox.register(cardSwipeRoutes, { cards: door.cardIssuer });
    await sandbox.register(scenariosRoutes, { scenarios: door.scenarios });
  });
}
