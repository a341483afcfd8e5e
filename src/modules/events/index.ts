export { emitEvent, type NewEvent } from './events.outbox.ts';

import type { AppDeps } from '../../deps.ts';

/** Placeholder until the events module grows its service (subscriptions, delivery, replay). */
export function createEventsService(_deps: AppDeps) {
  return {};
}
