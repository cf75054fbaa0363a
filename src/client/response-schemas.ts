import * as v from 'valibot';

// Explicit schema types keep `isolatedDeclarations` happy while the response types below are still
// inferred from the schemas (one source of truth). The server is lenient and so are we: codes and
// numbers may arrive as JSON numbers or strings (protocol §1, §3), unknown fields are ignored.
type Text = v.StringSchema<undefined>;
type NumberOrText = v.UnionSchema<[v.NumberSchema<undefined>, v.StringSchema<undefined>], undefined>;
type Maybe<T extends v.GenericSchema> = v.NullishSchema<T, undefined>;

const numberOrText = (): NumberOrText => v.union([v.number(), v.string()]);
const maybeText = (): Maybe<Text> => v.nullish(v.string());

/** The envelope every PagoEfectivo response uses: `{ code, message, data }`. */
export const EnvelopeSchema: v.ObjectSchema<
  { readonly code: NumberOrText; readonly message: Maybe<Text>; readonly data: v.UnknownSchema },
  undefined
> = v.object({ code: numberOrText(), message: maybeText(), data: v.unknown() });

/** A parsed response envelope. */
export type Envelope = v.InferOutput<typeof EnvelopeSchema>;

/** One field error of a code-111 response: `{ code: 112 | 113, message, field }`. */
export const FieldErrorSchema: v.ObjectSchema<
  { readonly code: Maybe<NumberOrText>; readonly message: Maybe<Text>; readonly field: Maybe<Text> },
  undefined
> = v.object({ code: v.nullish(numberOrText()), message: maybeText(), field: maybeText() });

/** `data` of `POST /v1/authorizations` (HTTP 201). */
export const AuthDataSchema: v.ObjectSchema<
  {
    readonly token: Text;
    readonly codeService: Maybe<Text>;
    readonly tokenStart: Maybe<Text>;
    readonly tokenExpires: Text;
  },
  undefined
> = v.object({ token: v.string(), codeService: maybeText(), tokenStart: maybeText(), tokenExpires: v.string() });

/** The token data as PagoEfectivo sends it. */
export type AuthData = v.InferOutput<typeof AuthDataSchema>;

/** `data` of `POST /v1/cips` (HTTP 201). */
export const CreatedCipDataSchema: v.ObjectSchema<
  {
    readonly cip: NumberOrText;
    readonly currency: Text;
    readonly amount: NumberOrText;
    readonly transactionCode: NumberOrText;
    readonly dateExpiry: Text;
    readonly cipUrl: v.OptionalSchema<v.NullableSchema<Text, undefined>, undefined>;
  },
  undefined
> = v.object({
  cip: numberOrText(),
  currency: v.string(),
  amount: numberOrText(),
  transactionCode: numberOrText(),
  dateExpiry: v.string(),
  // Section 12 of the protocol notes: a created CIP must not fail because its answer lacks the URL.
  cipUrl: v.optional(v.nullable(v.string())),
});

/** A created CIP as PagoEfectivo sends it. */
export type CreatedCipData = v.InferOutput<typeof CreatedCipDataSchema>;

/** One item of `data` of `POST /v1/cips/search` (HTTP 200). */
export const SearchedCipSchema: v.ObjectSchema<
  {
    readonly cip: NumberOrText;
    readonly transactionCode: Maybe<NumberOrText>;
    readonly amount: NumberOrText;
    readonly currency: Text;
    readonly status: Maybe<NumberOrText>;
    readonly statusName: Maybe<Text>;
    readonly dateCreation: Maybe<Text>;
    readonly dateExpiry: Maybe<Text>;
    readonly datePayment: Maybe<Text>;
    readonly dateRemoval: Maybe<Text>;
  },
  undefined
> = v.object({
  cip: numberOrText(),
  transactionCode: v.nullish(numberOrText()),
  amount: numberOrText(),
  currency: v.string(),
  status: v.nullish(numberOrText()),
  statusName: maybeText(),
  dateCreation: maybeText(),
  dateExpiry: maybeText(),
  datePayment: maybeText(),
  dateRemoval: maybeText(),
});

/** A searched CIP as PagoEfectivo sends it. */
export type SearchedCip = v.InferOutput<typeof SearchedCipSchema>;

/** `data` of `POST /v1/cips/search`: one item per known CIP. */
export const SearchDataSchema: v.ArraySchema<typeof SearchedCipSchema, undefined> = v.array(SearchedCipSchema);
