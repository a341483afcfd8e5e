import type { FastifyInstance } from 'fastify';

export interface PartnerAuthOptions {
  /** Require x-jiko-signature and x-jiko-idempotency (every Partner API call but sandbox ones). */
  readonly signed: boolean;
}

/** Partner authentication hooks: not built yet. */
export async function partnerAuth(_app: FastifyInstance, _options: PartnerAuthOptions): Promise<void> {}
