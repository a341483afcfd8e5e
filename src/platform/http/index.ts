export { DomainError, type ErrorKind, type FieldIssue, type ValidationIssue, invalid, notFound, toJikoError, STATUS_BY_KIND } from './errors.ts';
export { type CursorList, type PageRequest, type SortKey, cursorList, encodeCursor, pageRequest } from './pagination.ts';
export { httpConventions, validationIssues } from './plugin.ts';
export { requestValidators } from './validation.ts';
export { compilePendingSchemas, defaultCompilersOnFirstUse } from './lazy-schemas.ts';
export * from './schemas.ts';
export type { TenantContext } from './tenant.ts';
