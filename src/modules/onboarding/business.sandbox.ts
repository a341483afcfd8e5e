import type { BusinessApplication, RelatedParty } from './business.domain.ts';
import type { AnyDocumentType, EntityType } from './business.schemas.ts';

/**
 * The sandbox's KYB review (docs/ONBOARDING.md has the table): the decision taken when a business
 * application is applied, the document requests it opens, and the review of uploaded files.
 */

/** What a review can decide for an application. */
export type ReviewStatus = 'APPROVED' | 'REJECTED' | 'MANUAL_REVIEW' | 'DOCUMENTS_NEEDED';
/** The outcomes a scenario (`x-pocketbook-scenario` on apply) may force. */
export const FORCEABLE_OUTCOMES = ['APPROVED', 'REJECTED', 'MANUAL_REVIEW', 'DOCUMENTS_NEEDED'] as const satisfies readonly ReviewStatus[];

/** A document to request: the business's own (relatedPartyId null) or one person's. */
export interface DocumentRequest {
  readonly type: AnyDocumentType;
  readonly relatedPartyId: string | null;
}

/** The decision on an application: its status and, for DOCUMENTS_NEEDED, the documents to request. */
export interface BusinessDecision {
  readonly status: ReviewStatus;
  readonly requests: readonly DocumentRequest[];
}

/** The formation documents a KYB review asks of each entity type (besides the identification number's proof). */
export const ENTITY_DOCUMENTS: Readonly<Record<EntityType, readonly AnyDocumentType[]>> = {
  CORPORATE: ['ARTICLES_OF_INCORPORATION', 'BYLAWS'],
  LLC: ['ARTICLES_OF_ORGANIZATION', 'OPERATING_AGREEMENT'],
  PARTNERSHIP: ['PARTNERSHIP_AGREEMENT'],
  SOLE_PROPRIETOR: ['ADDRESS_VERIFICATION'],
  NON_PROFIT: ['ARTICLES_OF_INCORPORATION', 'PROOF_OF_501_STATUS'],
  INCORPORATED_ASSOCIATION: ['ARTICLES_OF_ASSOCIATION', 'BYLAWS'],
  UNINCORPORATED_ASSOCIATION: ['ARTICLES_OF_ASSOCIATION'],
};

/** The sandbox trigger a word names (trimmed, any case), if any. */
function trigger(word: string | null | undefined): Exclude<ReviewStatus, 'APPROVED'> | undefined {
  switch (word?.trim().toLowerCase()) {
    case 'reject':
      return 'REJECTED';
    case 'review':
      return 'MANUAL_REVIEW';
    case 'documents':
      return 'DOCUMENTS_NEEDED';
    default:
      return undefined;
  }
}

/** The documents a review opens for the business itself, and an ID of each control person. */
function businessRequests(application: BusinessApplication, parties: readonly RelatedParty[]): DocumentRequest[] {
  const proof: AnyDocumentType[] = application.identification?.type === 'EIN'
    ? ['EIN_CONFIRMATION']
    : application.identification?.type === 'TIN' ? ['IDENTIFICATION_NUMBER_VERIFICATION'] : [];
  const formation = application.entityType ? ENTITY_DOCUMENTS[application.entityType] : [];
  const controls = parties.filter((party) => party.roles.includes('CONTROL_PERSON'));
  return [
    ...[...proof, ...formation].map((type) => ({ type, relatedPartyId: null })),
    ...controls.map((party) => ({ type: 'ID_FRONT' as const, relatedPartyId: party.id })),
  ];
}

/**
 * The sandbox's decision on an applied business application. The business name's first word or
 * a related party's last name (trimmed, any case) triggers an outcome: `Reject` → REJECTED,
 * `Review` → MANUAL_REVIEW, `Documents` → DOCUMENTS_NEEDED; the gravest trigger wins (REJECTED,
 * then MANUAL_REVIEW, then DOCUMENTS_NEEDED); none → APPROVED. `forced` (a scenario) overrides them.
 * DOCUMENTS_NEEDED requests what a review would for the business (the identification number's
 * proof, e.g. EIN_CONFIRMATION, then ENTITY_DOCUMENTS of its type, then the ID_FRONT of each
 * control person) when the business name or a scenario triggered it, and the ID_FRONT and ID_BACK
 * of each related party whose last name did.
 */
export function businessDecision(application: BusinessApplication, parties: readonly RelatedParty[], forced?: ReviewStatus): BusinessDecision {
  const byName = trigger(application.name?.split(/\s+/)[0]);
  const byParty = parties.map((party) => ({ party, status: trigger(party.name?.lastName) })).filter((p) => p.status !== undefined);
  const triggered = [byName, ...byParty.map((p) => p.status)];
  const status: ReviewStatus = forced
    ?? (['REJECTED', 'MANUAL_REVIEW', 'DOCUMENTS_NEEDED'] as const).find((s) => triggered.includes(s))
    ?? 'APPROVED';
  if (status !== 'DOCUMENTS_NEEDED') return { status, requests: [] };
  const requests: DocumentRequest[] = forced === 'DOCUMENTS_NEEDED' || byName === 'DOCUMENTS_NEEDED' ? businessRequests(application, parties) : [];
  for (const { party, status: partyStatus } of byParty) {
    if (partyStatus !== 'DOCUMENTS_NEEDED') continue;
    for (const type of ['ID_FRONT', 'ID_BACK'] as const) {
      if (!requests.some((r) => r.type === type && r.relatedPartyId === party.id)) requests.push({ type, relatedPartyId: party.id });
    }
  }
  // A DOCUMENTS_NEEDED triggered by a party alone still asks the business for something to review.
  if (requests.length === 0) requests.push(...businessRequests(application, parties));
  return { status, requests };
}

/**
 * Exception reasons the sandbox's document review gives a file, chosen by the file's name without
 * its extension (any case): a file named `invalid-blurry.jpg` is found INVALID with
 * IMAGE_QUALITY_ERROR_BLURRY; any other file is APPROVED.
 */
export const REVIEW_SCENARIOS: Readonly<Record<string, string>> = {
  'invalid-cutoff': 'IMAGE_QUALITY_ERROR_CUTOFF',
  'invalid-blurry': 'IMAGE_QUALITY_ERROR_BLURRY',
  'invalid-expired': 'DOCUMENT_EXPIRED',
  invalid: 'DOCUMENT_UNREADABLE',
};

/** The sandbox review of one uploaded file, by its name (see REVIEW_SCENARIOS). */
export function fileReview(fileName: string): { status: 'APPROVED' } | { status: 'INVALID'; exceptionReason: string } {
  const stem = fileName.trim().toLowerCase().replace(/\.[^.]*$/, '');
  const reason = REVIEW_SCENARIOS[stem];
  return reason ? { status: 'INVALID', exceptionReason: reason } : { status: 'APPROVED' };
}
