/**
 * The scheduler: a registry of named business-time tasks, one cursor per (tenant, task); due runs
 * execute once per request (the door calls `runDue` when tenancy says work is due) and in a
 * background loop (`start`).
 */
export { type Scheduler, type ScheduledTask, SCHEDULER_POLL_MS, SCHEDULER_TENANTS_PER_PASS_MAX, createScheduler, dueInstant } from './scheduler.ts';
