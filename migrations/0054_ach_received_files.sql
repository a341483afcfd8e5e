-- Received ACH files (module rails/ach, docs/ACH.md "Received files"): inbound ACH credits through a
-- portal (the sandbox fund) are recorded as the RDFI receives them, in one received NACHA file per
-- tenant and business day, beside the files the rail originates.

-- Which way a file goes: ORIGINATED (written at a window, sent to the ACH operator) or RECEIVED
-- (the inbound entries of one day, as the operator delivers them to the portals' bank).
ALTER TABLE ach_files ADD COLUMN direction text NOT NULL DEFAULT 'ORIGINATED' CHECK (direction IN ('ORIGINATED', 'RECEIVED'));
ALTER TABLE ach_files ALTER COLUMN direction DROP DEFAULT;
-- File ID modifiers count per direction: a received file and a window's file of the same day are
-- between different senders and receivers.
ALTER TABLE ach_files DROP CONSTRAINT ach_files_partner_id_window_date_file_id_modifier_key;
ALTER TABLE ach_files ADD CONSTRAINT ach_files_partner_direction_day_modifier UNIQUE (partner_id, direction, window_date, file_id_modifier);

-- The entries of the received files: one per inbound credit, with the trace number of its bank
-- transaction (an R02 return keeps the entry: the bank received it, then returned it).
CREATE TABLE ach_received_entries (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  ach_file_id uuid NOT NULL REFERENCES ach_files (id),
  -- Place of the entry in its file's day: the trace number's 7-digit sequence.
  sequence integer NOT NULL CHECK (sequence > 0),
  trace_number text NOT NULL CHECK (trace_number ~ '^[0-9]{15}$'),
  portal_id uuid NOT NULL,
  sec_code text NOT NULL CHECK (sec_code IN ('CCD', 'PPD', 'WEB')),
  company_name text NOT NULL,
  company_id text NOT NULL,
  company_entry_description text NOT NULL,
  receiver_name text NOT NULL,
  receiver_routing_number text NOT NULL,
  receiver_account_number text NOT NULL,
  amount_cents bigint NOT NULL CHECK (amount_cents > 0),
  time_received timestamptz NOT NULL,
  UNIQUE (ach_file_id, sequence)
);
CREATE INDEX ach_received_entries_partner_trace ON ach_received_entries (partner_id, trace_number);
