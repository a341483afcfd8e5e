-- Onboarding: individual (KYC) applications, the document requests a decision may open, and the
-- customers an approval creates. Times are the tenant clock's; every row carries partner_id and
-- references inside a tenant go through (partner_id, id) so a row can never point across tenants.

CREATE TABLE individual_applications (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  status text NOT NULL CHECK (status IN ('CREATED', 'PENDING', 'SUBMITTED', 'DOCUMENTS_NEEDED', 'APPROVED', 'REJECTED', 'MANUAL_REVIEW')),
  identification_type text NOT NULL,
  -- Kept as sent: the KYC check needs it. It is never returned by the API.
  identification_number text NOT NULL,
  identification_number_issuing_country text,
  first_name text NOT NULL,
  middle_name text,
  last_name text NOT NULL,
  email text NOT NULL,
  date_of_birth date NOT NULL,
  phone_number text NOT NULL,
  citizenship_country text NOT NULL,
  street_address text NOT NULL,
  street_address2 text,
  city text NOT NULL,
  postal_code text NOT NULL,
  state text,
  country text NOT NULL,
  employment_status text NOT NULL CHECK (employment_status IN ('EMPLOYED', 'INDEPENDENT', 'RETIRED', 'STUDENT', 'UNEMPLOYED')),
  income text NOT NULL,
  net_worth text NOT NULL,
  occupation text,
  bd_association text,
  director_policy_maker_of_company text,
  agreement_version text NOT NULL,
  agreement_consented_at timestamptz NOT NULL,
  originally_onboarded_at timestamptz,
  exception_reasons text[] NOT NULL DEFAULT '{}',
  id_verification_documents_needed boolean NOT NULL DEFAULT false,
  identification_number_verification_document_needed boolean NOT NULL DEFAULT false,
  address_verification_document_needed boolean NOT NULL DEFAULT false,
  -- Set when an approval creates the customer.
  customer_id uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  submitted_at timestamptz,
  UNIQUE (partner_id, id)
);
CREATE INDEX individual_applications_partner_created ON individual_applications (partner_id, created_at, id);

-- Documents a decision asks the applicant for (DOCUMENTS_NEEDED), in the order they are listed.
CREATE TABLE application_documents (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  application_id uuid NOT NULL,
  position integer NOT NULL,
  type text NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING_UPLOAD', 'PENDING_REVIEW', 'APPROVED', 'INVALID')),
  exception_reason text NOT NULL DEFAULT '',
  name text NOT NULL DEFAULT '',
  created_at timestamptz NOT NULL,
  FOREIGN KEY (partner_id, application_id) REFERENCES individual_applications (partner_id, id),
  UNIQUE (partner_id, application_id, position)
);

-- Customers. Only individuals exist so far; a business customer will add its own columns.
-- account_status is PENDING until the customer has an open pocket (the pockets module sets it).
CREATE TABLE customers (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  type text NOT NULL CHECK (type IN ('INDIVIDUAL')),
  account_status text NOT NULL CHECK (account_status IN ('OPEN', 'CLOSED', 'FROZEN', 'PENDING')),
  application_id uuid NOT NULL,
  first_name text NOT NULL,
  middle_name text,
  last_name text NOT NULL,
  email text NOT NULL,
  phone_number text NOT NULL,
  date_of_birth date NOT NULL,
  street_address text NOT NULL,
  street_address2 text,
  city text NOT NULL,
  postal_code text NOT NULL,
  state text,
  country text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (partner_id, id),
  -- One customer per approved application.
  UNIQUE (partner_id, application_id),
  FOREIGN KEY (partner_id, application_id) REFERENCES individual_applications (partner_id, id)
);
CREATE INDEX customers_partner_created ON customers (partner_id, created_at, id);

ALTER TABLE individual_applications
  ADD CONSTRAINT individual_applications_customer_fk FOREIGN KEY (partner_id, customer_id) REFERENCES customers (partner_id, id);
