-- Notifications of change (module rails/ach, docs/ACH.md): the Receiver's bank answers an entry
-- with corrected account data (C01 account number, C02 routing number, C03 both). The rail
-- corrects the counterparty and keeps each notification with the data it replaced.
CREATE TABLE ach_notifications_of_change (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  origination_id uuid NOT NULL REFERENCES ach_originations (id),
  counterparty_id uuid NOT NULL,
  change_code text NOT NULL CHECK (change_code IN ('C01', 'C02', 'C03')),
  previous_routing_number text NOT NULL CHECK (previous_routing_number ~ '^[0-9]{9}$'),
  previous_account_number text NOT NULL,
  corrected_routing_number text NOT NULL CHECK (corrected_routing_number ~ '^[0-9]{9}$'),
  corrected_account_number text NOT NULL CHECK (corrected_account_number ~ '^[0-9]{4,17}$'),
  time_received timestamptz NOT NULL
);
CREATE INDEX ach_notifications_of_change_origination ON ach_notifications_of_change (partner_id, origination_id, time_received);
