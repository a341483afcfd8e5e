export { type AuthService, type KeyRecordView, type SandboxPartner, type SignedRequest, createAuthService } from './auth.service.ts';
export {
  type IdempotencyOutcome,
  type NewPartner,
  type StoredResponse,
  bearerToken,
  pathnameOf,
  requestFingerprint,
  requestSignature,
  type StreamedSignature,
  streamedSignature,
} from './auth.domain.ts';
export { authErrors } from './auth.errors.ts';
export { WallClockRateStore, sharedRateStore } from './rate-limit.store.ts';
