/**
 * The tenant a request acts for. The partner auth hook sets it after checking the bearer token;
 * every service call of a Partner API route receives it. `now` is the tenant's clock at the start
 * of the request (wall time plus the tenant's sandbox offset): nothing else reads the time.
 */
export interface TenantContext {
  readonly partnerId: string;
  readonly now: Date;
}

declare module 'fastify' {
  interface FastifyRequest {
    tenant: TenantContext;
    /** Built by the door's auth plugin; passed to every service call. */
    ctx: import('../context.ts').RequestContext;
  }
}
