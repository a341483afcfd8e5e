export { Decimal, type DecimalValue, fixed, roundToBigInt } from './decimal.ts';
export { CURRENCY, type MoneyJson, formatUsd, money, sumCents } from './money.ts';
