import { Type, type TSchema } from 'typebox';

/**
 * Shared TypeBox schemas of Jiko's shapes. Route schemas are `as const` objects built from these,
 * so one definition feeds validation, serialization, TypeScript types and /openapi.json.
 */

export const MoneySchema = Type.Object(
  {
    value: Type.Integer({ description: 'Amount in cents', examples: [150000] }),
    currency: Type.String({ examples: ['USD'] }),
    formatted: Type.String({ description: 'The amount as people read it', examples: ['$1,500.00'] }),
  },
  { $id: 'Money' },
);

/** A decimal carried as a string so that no precision is lost ("98.612361", "0.0468"). */
export const DecimalString = (description?: string) =>
  Type.String({ pattern: '^-?\\d+(\\.\\d+)?$', ...(description ? { description } : {}) });

export const DateString = (description?: string) =>
  Type.String({ format: 'date', ...(description ? { description } : {}) });

export const DateTimeString = (description?: string) =>
  Type.String({ format: 'date-time', ...(description ? { description } : {}) });

export const Uuid = (description?: string) => Type.String({ format: 'uuid', ...(description ? { description } : {}) });

/** Jiko's cursor-paginated list. */
export function CursorListSchema<T extends TSchema>(item: T) {
  return Type.Object({
    prev_page: Type.Union([Type.String(), Type.Null()]),
    next_page: Type.Union([Type.String(), Type.Null()]),
    items: Type.Array(item),
    object_type: Type.Literal('CursorList'),
  });
}

/** Jiko's offset list (enumerations such as trading strategies and event types). */
export function ListSchema<T extends TSchema>(item: T) {
  return Type.Object({
    offset: Type.Integer(),
    count: Type.Integer(),
    items: Type.Array(item),
    object_type: Type.Literal('List'),
  });
}

/** Query parameters of every CursorList endpoint. */
export const CursorQuery = {
  cursor: Type.Optional(Type.String({ default: '' })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 30 })),
};

export const ValidationErrorSchema = Type.Object({
  detail: Type.Array(
    Type.Object({
      loc: Type.Array(Type.Union([Type.String(), Type.Integer()])),
      msg: Type.String(),
      type: Type.String(),
    }),
  ),
});

export const DetailErrorSchema = Type.Object({ detail: Type.String() });

/** Error responses to list in a route's `response` schema. */
export const ErrorResponses = {
  401: DetailErrorSchema,
  404: DetailErrorSchema,
  422: ValidationErrorSchema,
};
