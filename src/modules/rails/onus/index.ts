/** The on-us rail: book transfers between pockets of one tenant (Jiko's on-us transfers). */
export * from './onus.domain.ts';
export { type OnUsRail, type OnUsTransferInput, type TransferAmount, createOnUsRail } from './onus.service.ts';
export { checkOnUsInvariants } from './onus.repo.ts';
