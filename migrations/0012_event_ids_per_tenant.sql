-- Event ids are unique per tenant, not across tenants. The sandbox webhook trigger takes an
-- `event_id` from the caller; with a global key, a tenant could learn that another tenant used
-- an id (409) by trying it. Keyed by (partner_id, id), another tenant's id is as free as an
-- unknown one. Deliveries and attempts reach their event through the same pair.
ALTER TABLE webhook_deliveries DROP CONSTRAINT IF EXISTS webhook_deliveries_event_id_fkey;
ALTER TABLE webhook_delivery_attempts DROP CONSTRAINT IF EXISTS webhook_delivery_attempts_event_id_fkey;
ALTER TABLE events DROP CONSTRAINT events_pkey;
ALTER TABLE events ADD PRIMARY KEY (partner_id, id);
ALTER TABLE webhook_deliveries ADD CONSTRAINT webhook_deliveries_event_fkey
  FOREIGN KEY (partner_id, event_id) REFERENCES events (partner_id, id);
ALTER TABLE webhook_delivery_attempts ADD CONSTRAINT webhook_delivery_attempts_event_fkey
  FOREIGN KEY (partner_id, event_id) REFERENCES events (partner_id, id);
