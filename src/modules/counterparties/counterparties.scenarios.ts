import type { RequestContext } from '../../platform/context.ts';
import type { Tx } from '../../platform/db/index.ts';

/**
 * How counterparty verification asks for the sandbox's failure scenarios (docs/SANDBOX.md). This
 * module declares the interface and never imports the sandbox; services.ts passes the sandbox's
 * implementation in sandbox mode only.
 */
export interface MicroDepositScenarioSource {
  /**
   * True when the counterparty's micro-deposits bounced (the verification then fails whatever the
   * amounts confirmed); called in the confirmation's transaction, where a one-shot rule that
   * matches is spent.
   */
  bounced(tx: Tx, ctx: RequestContext, counterparty: { readonly counterpartyId: string; readonly nameOnAccount: string }): Promise<boolean>;
}
