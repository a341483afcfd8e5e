import type { RequestContext } from '../../../platform/context.ts';
import type { Db, Tx } from '../../../platform/db/index.ts';
import { exactlyOnce } from '../../../platform/exactly-once.ts';
import { type CursorList, type PageRequest, cursorList } from '../../../platform/http/index.ts';
import { type FundingInstructions, type Portal, fundingInstructions, isPortalsKey } from './portal.domain.ts';
import { PortalErrors } from './portal.errors.ts';
import { closePortal, createPortal, findPortal, listPortals, listTenantPortals, renamePortal } from './portal.repo.ts';

/** What portals need of a pocket: its status and name. */
export interface PortalPocket {
  readonly status: 'PENDING' | 'OPEN' | 'FROZEN' | 'CLOSED';
  readonly pocketName: string;
}

/**
 * How portals reach pockets; the composition root passes the pockets module's implementation
 * (pockets depend on portals, not the other way round).
 */
export interface PortalPockets {
  /** The tenant's pocket. @throws DomainError not_found for an unknown or another tenant's pocket. */
  get(ctx: RequestContext, pocketId: string): Promise<PortalPocket>;
  /** Locks the tenant's pockets (ascending id); missing ids are absent from the map. */
  lock(tx: Tx, tenantId: string, pocketIds: readonly string[]): Promise<ReadonlyMap<string, { readonly status: PortalPocket['status'] }>>;
}

/** A change of a portal: a new name, or status CLOSED (at least one). */
export interface PortalChange {
  readonly name?: string | undefined;
  readonly status?: string | undefined;
}

/**
 * Portals management: a pocket's routing and account numbers through which payers send money by
 * ACH or wire. Several per pocket; each OPEN until closed, once and for ever (money sent to a
 * closed portal is returned R02 by the sandbox's funding). Every path checks the tenant, the
 * pocket and that the portal is the pocket's: anything else is 404.
 */
export function createPortals(deps: { db: Db; pockets: PortalPockets }) {
  const { db, pockets } = deps;

  /** The pocket's portal (or not_found), read in `q`, locked when `lock`. */
  async function portalOf(q: Db | Tx, ctx: RequestContext, pocketId: string, portalId: string, lock = false): Promise<Portal> {
    const portal = await findPortal(q, ctx.tenantId, portalId, lock);
    if (!portal || portal.pocketId !== pocketId) throw PortalErrors.notFound();
    return portal;
  }

  /** Locks the tenant's pocket for a change of its portals. @throws not_found. */
  async function lockPocket(tx: Tx, ctx: RequestContext, pocketId: string): Promise<{ readonly status: PortalPocket['status'] }> {
    const pocket = (await pockets.lock(tx, ctx.tenantId, [pocketId])).get(pocketId);
    if (!pocket) throw PortalErrors.pocketNotFound();
    return pocket;
  }

  return {
    /**
     * A new OPEN portal of the pocket: pocketbook's routing number and a fresh account number.
     * Exactly once per idempotency key.
     * @throws DomainError not_found (pocket), invalid `pockets.closed` (a closed pocket).
     */
    async create(ctx: RequestContext, pocketId: string, name: string): Promise<Portal> {
      return exactlyOnce(db, ctx, async (tx) => {
        const pocket = await lockPocket(tx, ctx, pocketId);
        if (pocket.status === 'CLOSED') throw PortalErrors.pocketClosed();
        return createPortal(tx, ctx.tenantId, pocketId, name, ctx.now);
      });
    },

    /** The pocket's portals, oldest first (not paged: a pocket has few). @throws not_found. */
    async list(ctx: RequestContext, pocketId: string): Promise<Portal[]> {
      await pockets.get(ctx, pocketId);
      return listPortals(db, ctx.tenantId, pocketId);
    },

    /**
     * A page of the tenant's portals, every pocket's (the funding pocket's too), oldest first.
     * @throws DomainError invalid `portals.cursor_invalid` for a cursor we did not make.
     */
    async listTenant(ctx: RequestContext, page: PageRequest): Promise<CursorList<Portal>> {
      if (!isPortalsKey(page)) throw PortalErrors.cursorInvalid();
      const rows = await listTenantPortals(db, ctx.tenantId, page);
      return cursorList(page, rows, (row) => row.key, (row) => row.portal);
    },

    /** One portal of the pocket. @throws not_found. */
    async get(ctx: RequestContext, pocketId: string, portalId: string): Promise<Portal> {
      return portalOf(db, ctx, pocketId, portalId);
    },

    /**
     * Renames the portal, or closes it (status CLOSED, irreversible), or both.
     * @throws DomainError not_found; invalid `portals.bad_status` (a status other than CLOSED),
     *   `portals.name_or_status` (neither given); precondition `portals.closed` (closing a closed portal).
     */
    async update(ctx: RequestContext, pocketId: string, portalId: string, change: PortalChange): Promise<Portal> {
      if (change.status !== undefined && change.status !== 'CLOSED') throw PortalErrors.badStatus();
      if (change.name === undefined && change.status === undefined) throw PortalErrors.nameRequired();
      return exactlyOnce(db, ctx, async (tx) => {
        let portal = await portalOf(tx, ctx, pocketId, portalId, true);
        if (change.name !== undefined) portal = (await renamePortal(tx, ctx.tenantId, portalId, change.name))!;
        if (change.status === 'CLOSED') portal = (await closePortal(tx, ctx.tenantId, portalId, ctx.now)) ?? throwClosed();
        return portal;
      });
    },

    /** Closes the portal, irreversibly. @throws not_found; precondition `portals.closed` (Jiko's 412). */
    async close(ctx: RequestContext, pocketId: string, portalId: string): Promise<Portal> {
      return exactlyOnce(db, ctx, async (tx) => {
        await portalOf(tx, ctx, pocketId, portalId, true);
        return (await closePortal(tx, ctx.tenantId, portalId, ctx.now)) ?? throwClosed();
      });
    },

    /**
     * What a payer needs to send money to the portal by ACH or wire.
     * @throws not_found; precondition `portals.closed` (a closed portal takes no money).
     */
    async fundingInstructions(ctx: RequestContext, pocketId: string, portalId: string): Promise<FundingInstructions> {
      const pocket = await pockets.get(ctx, pocketId);
      const portal = await portalOf(db, ctx, pocketId, portalId);
      if (portal.status !== 'OPEN') throw PortalErrors.closed();
      return fundingInstructions(portal, pocket.pocketName);
    },
  };
}

function throwClosed(): never {
  throw PortalErrors.closed();
}

export type Portals = ReturnType<typeof createPortals>;
