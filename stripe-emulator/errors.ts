/**
 * Stripe's error envelope: `{ error: { type, code, message, param, ... } }` with the HTTP status
 * Stripe uses for it. stripe-node turns these into `StripeInvalidRequestError`,
 * `StripeCardError`, `StripeAuthenticationError`, ... by `type` and status.
 */
export type StripeErrorType =
  | "api_error"
  | "card_error"
  | "idempotency_error"
  | "invalid_request_error";

export interface StripeErrorBody {
  type: StripeErrorType;
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
  doc_url?: string;
  request_log_url?: string;
}

export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: StripeErrorBody,
  ) {
    super(body.message);
  }

  toJSON(): { error: StripeErrorBody } {
    return { error: this.body };
  }
}

export function invalidRequest(message: string, param?: string, code?: string): StripeApiError {
  return new StripeApiError(400, {
    type: "invalid_request_error",
    message,
    ...(param ? { param } : {}),
    ...(code ? { code } : {}),
  });
}

export function missingParam(param: string): StripeApiError {
  return invalidRequest(`Missing required param: ${param}.`, param, "parameter_missing");
}

/** `No such customer: 'cus_123'`, as Stripe words it, 404. */
export function noSuch(resource: string, id: string, param = "id"): StripeApiError {
  return new StripeApiError(404, {
    type: "invalid_request_error",
    code: "resource_missing",
    message: `No such ${resource}: '${id}'`,
    param,
  });
}

/** A card error, 402: `code` as Stripe's (`card_declined`, `incorrect_number`, ...). */
export function cardError(
  code: string,
  message: string,
  param: string,
  declineCode?: string,
): StripeApiError {
  return new StripeApiError(402, {
    type: "card_error",
    code,
    message,
    param,
    ...(declineCode ? { decline_code: declineCode } : {}),
  });
}

export function cardDeclined(declineCode: string, message: string): StripeApiError {
  return cardError("card_declined", message, "", declineCode);
}

export function unauthorized(message: string): StripeApiError {
  return new StripeApiError(401, { type: "invalid_request_error", message });
}
