/**
 * Domain errors moved to platform/errors.ts (domain terms) and their Jiko shapes to api/jiko/errors.ts;
 * this file re-exports both for the HTTP layer.
 */
export { DomainError, type ErrorKind, type FieldIssue, invalid, notFound } from '../errors.ts';
export { STATUS_BY_KIND, type ValidationIssue, toJikoError } from '../../api/jiko/errors.ts';
