-- Business onboarding (KYB) and uploaded documents. Business applications, their related parties
-- (beneficial owners, control persons, authorized representatives), the document requests a review
-- opens, invites and team members belong to onboarding; document_files (the uploaded files'
-- metadata, the bytes being in the document store) belongs to documents. Times are the tenant
-- clock's; references inside a tenant go through (partner_id, id).

-- The files received by uploads: metadata only; the bytes live in the document store under
-- `<partner_id>/<sha256>` (content-addressed, so a file uploaded twice is stored once).
CREATE TABLE document_files (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  size_bytes bigint NOT NULL CHECK (size_bytes > 0),
  content_type text NOT NULL CHECK (content_type IN ('application/pdf', 'image/jpeg', 'image/png')),
  file_name text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (partner_id, id)
);

CREATE TABLE business_applications (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  status text NOT NULL CHECK (status IN ('CREATED', 'SUBMITTED', 'CLOSED', 'APPROVED', 'REJECTED', 'MANUAL_REVIEW', 'DOCUMENTS_NEEDED', 'PENDING')),
  -- Every field of Jiko's BusinessApplicationRequest is optional until apply.
  name text,
  entity_type text,
  doing_business_as text,
  -- Kept as sent (normalised); returned as sent, as Jiko's BusinessIdentificationNumber is.
  identification_number text,
  identification_type text CHECK (identification_type IN ('TIN', 'EIN', 'NON_US_BUSINESS_ID')),
  identification_issuing_country text,
  street_address text,
  street_address2 text,
  city text,
  postal_code text,
  state text,
  country text,
  website text,
  contact_first_name text,
  contact_middle_name text,
  contact_last_name text,
  contact_phone_number text,
  contact_email text,
  formation_date date,
  -- Jiko's RiskInfo questionnaire as sent (snake_case keys, enum values): read whole, never queried.
  risk_info jsonb,
  industry text,
  other_industry text,
  agreement_version text,
  agreement_consented_at timestamptz,
  exception_reasons text[] NOT NULL DEFAULT '{}',
  customer_id uuid,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  submitted_at timestamptz,
  UNIQUE (partner_id, id)
);
CREATE INDEX business_applications_partner_created ON business_applications (partner_id, created_at, id);

CREATE TABLE business_related_parties (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  application_id uuid NOT NULL,
  title text,
  first_name text,
  middle_name text,
  last_name text,
  street_address text,
  street_address2 text,
  city text,
  postal_code text,
  state text,
  country text,
  date_of_birth date,
  -- Kept as sent; responses mask all but the last four characters.
  identification_number text,
  identification_type text CHECK (identification_type IN ('SSN', 'PASSPORT', 'NON_US_ID')),
  phone_number text,
  roles text[] NOT NULL DEFAULT '{}',
  -- A fraction of the business (0.25 is 25%), exact.
  ownership_percentage numeric(5, 4) CHECK (ownership_percentage >= 0 AND ownership_percentage <= 1),
  citizenship text,
  email text,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (partner_id, id),
  FOREIGN KEY (partner_id, application_id) REFERENCES business_applications (partner_id, id)
);
CREATE INDEX business_related_parties_application ON business_related_parties (partner_id, application_id, created_at, id);

-- Document requests of a business application: the business's own (related_party_id NULL) and
-- those about one related party (an ID of a control person), in the order the review listed them.
CREATE TABLE business_documents (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  application_id uuid NOT NULL,
  related_party_id uuid,
  position integer NOT NULL,
  type text NOT NULL,
  status text NOT NULL CHECK (status IN ('PENDING_UPLOAD', 'PENDING_REVIEW', 'APPROVED', 'INVALID')),
  exception_reason text NOT NULL DEFAULT '',
  name text NOT NULL DEFAULT '',
  file_id uuid,
  uploaded_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (partner_id, id),
  UNIQUE (partner_id, application_id, position),
  FOREIGN KEY (partner_id, application_id) REFERENCES business_applications (partner_id, id),
  FOREIGN KEY (partner_id, related_party_id) REFERENCES business_related_parties (partner_id, id),
  FOREIGN KEY (partner_id, file_id) REFERENCES document_files (partner_id, id)
);
-- The sandbox review reads a tenant's files waiting for review, oldest first.
CREATE INDEX business_documents_pending ON business_documents (partner_id, uploaded_at) WHERE status = 'PENDING_REVIEW';

-- People invited to complete an application (INVITE) and the team members the business's
-- customer will have (TEAM).
CREATE TABLE business_application_members (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  application_id uuid NOT NULL,
  kind text NOT NULL CHECK (kind IN ('INVITE', 'TEAM')),
  email text NOT NULL,
  first_name text,
  last_name text,
  role text NOT NULL,
  status text NOT NULL,
  created_at timestamptz NOT NULL,
  UNIQUE (partner_id, application_id, kind, email),
  FOREIGN KEY (partner_id, application_id) REFERENCES business_applications (partner_id, id)
);

-- Individual applications: a document request now holds the file that fulfils it.
ALTER TABLE application_documents ADD COLUMN file_id uuid;
ALTER TABLE application_documents ADD COLUMN uploaded_at timestamptz;
ALTER TABLE application_documents ADD CONSTRAINT application_documents_file_fk FOREIGN KEY (partner_id, file_id) REFERENCES document_files (partner_id, id);
CREATE INDEX application_documents_pending ON application_documents (partner_id, uploaded_at) WHERE status = 'PENDING_REVIEW';

-- Documents uploaded for an approved customer (change, close or ACH requests), outside any review.
CREATE TABLE customer_documents (
  id uuid PRIMARY KEY,
  partner_id uuid NOT NULL REFERENCES partners (id),
  customer_id uuid NOT NULL,
  type text NOT NULL,
  file_id uuid NOT NULL,
  created_at timestamptz NOT NULL,
  FOREIGN KEY (partner_id, customer_id) REFERENCES customers (partner_id, id),
  FOREIGN KEY (partner_id, file_id) REFERENCES document_files (partner_id, id)
);

-- Customers: a business customer (type BUSINESS) made by an approved business application. The
-- person columns are an individual's only; the business columns a business's only.
ALTER TABLE customers DROP CONSTRAINT customers_type_check;
ALTER TABLE customers ALTER COLUMN application_id DROP NOT NULL;
ALTER TABLE customers ALTER COLUMN first_name DROP NOT NULL;
ALTER TABLE customers ALTER COLUMN last_name DROP NOT NULL;
ALTER TABLE customers ALTER COLUMN date_of_birth DROP NOT NULL;
ALTER TABLE customers ADD COLUMN business_application_id uuid;
ALTER TABLE customers ADD COLUMN business_name text;
ALTER TABLE customers ADD COLUMN business_identification_number text;
ALTER TABLE customers ADD COLUMN business_identification_type text;
ALTER TABLE customers ADD COLUMN business_identification_issuing_country text;
ALTER TABLE customers ADD CONSTRAINT customers_type_columns CHECK (
  (type = 'INDIVIDUAL' AND application_id IS NOT NULL AND first_name IS NOT NULL AND last_name IS NOT NULL
    AND date_of_birth IS NOT NULL AND business_application_id IS NULL)
  OR (type = 'BUSINESS' AND business_application_id IS NOT NULL AND business_name IS NOT NULL
    AND business_identification_number IS NOT NULL AND business_identification_type IS NOT NULL AND application_id IS NULL)
);
ALTER TABLE customers ADD CONSTRAINT customers_business_application_unique UNIQUE (partner_id, business_application_id);
ALTER TABLE customers ADD CONSTRAINT customers_business_application_fk FOREIGN KEY (partner_id, business_application_id) REFERENCES business_applications (partner_id, id);
ALTER TABLE business_applications ADD CONSTRAINT business_applications_customer_fk FOREIGN KEY (partner_id, customer_id) REFERENCES customers (partner_id, id);
