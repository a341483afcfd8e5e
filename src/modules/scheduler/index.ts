/**
 * The scheduler: due business-time work per tenant, run when the tenant's clock passes it, by
 * requests (`runDueWork`) and by a background loop (`startScheduler`). The pockets module gives
 * the work and exposes both on its service.
 */
export { type DayWork, type Scheduler, type StepPhase, SCHEDULER_POLL_MS, SCHEDULER_TENANTS_PER_PASS_MAX, createScheduler, nextStep } from './scheduler.ts';
