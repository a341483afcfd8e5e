/** Tenancy: partner tenants' test clocks and the scheduler's next due instant per tenant. */
export { type Tenancy, type TenantClock, createTenancy } from './tenancy.service.ts';
