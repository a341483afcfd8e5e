import type { AgreementCategory, AgreementType } from './onboarding.schemas.ts';

/** One document of the agreement bundle. */
export interface AgreementDocument {
  readonly title: string;
  readonly type: AgreementType;
  readonly category: AgreementCategory;
  /** Where the PDF lives, relative to the server's origin: `/agreements/<version>/<type>.pdf`. */
  readonly path: string;
}

/** The versioned set of agreements and disclosures that every application consents to. */
export interface AgreementBundle {
  /** Applications must carry this exact value in `agreement_consent.version`. */
  readonly version: string;
  /** YYYY-MM-DD. */
  readonly releaseDate: string;
  readonly documents: readonly AgreementDocument[];
}

/** Bump the version (and the release date) whenever a document of the bundle changes. */
const VERSION = '2025.1';
const RELEASE_DATE = '2025-01-06';

const DOCUMENTS: readonly Omit<AgreementDocument, 'path'>[] = [
  { title: 'pocketbook Terms of Use', type: 'TERMS_OF_USE', category: 'GENERAL' },
  { title: 'pocketbook Privacy Policy', type: 'PRIVACY_POLICY', category: 'GENERAL' },
  { title: 'Certification of US Person Tax Status (Form W-9)', type: 'TAX_CERTIFICATION_FOR_US_PERSON', category: 'GENERAL' },
  { title: 'Consent to Electronic Records and Signatures', type: 'ELECTRONIC_COMMUNICATIONS', category: 'E-SIGN' },
  { title: 'Pocket Bank Account Agreement', type: 'BANK_ACCOUNT', category: 'BANK' },
  { title: 'Bank Privacy Notice', type: 'PRIVACY_NOTICE', category: 'BANK' },
  { title: 'Truth in Savings Disclosure', type: 'TRUTH_IN_SAVINGS', category: 'BANK' },
  { title: 'Electronic Fund Transfers Disclosure', type: 'ELECTRONIC_FUND_TRANSFERS', category: 'BANK' },
  { title: 'Funds Availability Policy', type: 'FUNDS_AVAILABILITY', category: 'BANK' },
  { title: 'Schedule of Fees', type: 'FEE_NOTICE', category: 'BANK' },
  { title: 'Pocket Brokerage Account Agreement', type: 'BROKERAGE', category: 'BROKERAGE' },
  { title: 'Client Relationship Summary (Form CRS)', type: 'FORM_CRS', category: 'BROKERAGE' },
  { title: 'Risks of Investing in US Treasury Bills', type: 'US_TREASURIES_RISK', category: 'BROKERAGE' },
  { title: 'Business Continuity Plan Summary', type: 'BUSINESS_CONTINUITY_PLAN', category: 'BROKERAGE' },
  { title: 'Statement of Financial Condition', type: 'FINANCIAL_STATEMENT', category: 'BROKERAGE' },
];

/** The current agreement bundle. */
export const CURRENT_AGREEMENTS: AgreementBundle = {
  version: VERSION,
  releaseDate: RELEASE_DATE,
  documents: DOCUMENTS.map((document) => ({ ...document, path: `/agreements/${VERSION}/${document.type}.pdf` })),
};
