-- Portals management: several portals per pocket, closed at most once, listed tenant-wide.

-- When the portal was closed (tenant clock); NULL while OPEN.
ALTER TABLE portals ADD COLUMN closed_at timestamptz;
ALTER TABLE portals ADD CONSTRAINT portals_closed_at CHECK ((status = 'CLOSED') = (closed_at IS NOT NULL));

-- GET /api/v2/portals/: the tenant's portals, keyset on (created_at, id).
CREATE INDEX portals_partner_created ON portals (partner_id, created_at, id);
