import "server-only";
import { headers } from "next/headers";
import { z } from "zod";
import { getDb } from "@/db";
import { requireAdminSession, requireSession, type SignedInSession } from "@/lib/auth/session";
import type { AppUser } from "@/lib/auth/users";
import { AppError, type ErrorCode } from "@/lib/errors";
import { type FormState, fieldErrorsOf, formText } from "@/lib/form-state";
import { enforceRateLimit, type RateLimitRule } from "@/lib/rate-limit";
import { clientNetwork } from "./client-ip";

/**
 * The one wrapper for server actions, the twin of `route()`: who is calling (`access`), then
 * the form read with `schema`, then the rate limit, then `fn`. An AppError or a zod error, from
 * any of these or from `fn`, becomes the form's state here and nowhere else; anything else
 * (a bug, an outage, and Next's own redirect() and notFound()) is thrown on.
 *
 *   public  anyone
 *   user    a signed-in user; others are sent to sign in, coming back to `returnTo`
 *   admin   a signed-in admin; other users get the 404 page (the admin area does not announce
 *           itself)
 *
 * Next checks a server action's origin itself.
 */
export type ActionAccess = "public" | "user" | "admin";

type UserOf<A extends ActionAccess> = A extends "public" ? null : AppUser;
type SessionVersionOf<A extends ActionAccess> = A extends "public" ? null : number;

/** A page path, or one built from the form (a page about the record the form names). */
type ReturnTo = string | ((formData: FormData) => string);

/** Every text field of a form, for an action without a schema of its own. */
const FORM_FIELDS = z.record(z.string(), z.string());

/** How the errors the person can act on are answered. */
export interface ErrorAnswers {
  /**
   * Input the schema refuses: errors beside the fields (the default), or the first error as the
   * form's message, for forms whose fields the person does not type.
   */
  invalid?: "fields" | "message";
  /** AppError codes answered beside a field rather than above the form. */
  errorFields?: Partial<Record<ErrorCode, string>>;
  /** Fields whose text is put back into the form with any error (never a password). */
  keep?: readonly string[];
}

export type ActionOptions<A extends ActionAccess, S extends z.ZodType> = ErrorAnswers & {
  access: A;
  /**
   * Reads the form. For an object schema each of its fields is the form's text ("" when the
   * form lacks it, as `formText` reads it); any other schema gets every text field.
   */
  schema?: S;
  /** Charged after the access check and the schema, per user (per client address if public). */
  rateLimit?: RateLimitRule;
} & (A extends "public" ? { returnTo?: never } : { returnTo: ReturnTo });

export interface ActionContext<A extends ActionAccess> {
  user: UserOf<A>;
  /** The session's version: what a write that must die with the session checks against. */
  sessionVersion: SessionVersionOf<A>;
  formData: FormData;
}

/** A server action behind a form with state (`useActionState`). */
export type StatefulAction = (state: FormState, formData: FormData) => Promise<FormState>;

export function action<A extends ActionAccess, S extends z.ZodType = typeof FORM_FIELDS>(
  options: ActionOptions<A, S>,
  fn: (input: z.output<S>, context: ActionContext<A>) => Promise<FormState>,
): StatefulAction {
  return async (_state, formData) => {
    try {
      return await run(options, formData, fn);
    } catch (error) {
      const state = errorState(error, options, formData);
      if (!state) throw error;
      return state;
    }
  };
}

/**
 * `action` for a form without state (a button beside a row, a sign-in provider): the same
 * checks, but with no form state to answer into, every error is thrown (to the error page).
 */
export function formAction<A extends ActionAccess, S extends z.ZodType = typeof FORM_FIELDS>(
  options: ActionOptions<A, S>,
  fn: (input: z.output<S>, context: ActionContext<A>) => Promise<void>,
): (formData: FormData) => Promise<void> {
  return (formData) => run(options, formData, fn);
}

async function run<A extends ActionAccess, S extends z.ZodType, R>(
  options: ActionOptions<A, S>,
  formData: FormData,
  fn: (input: z.output<S>, context: ActionContext<A>) => Promise<R>,
): Promise<R> {
  const session = await sessionOf(options, formData);
  const user = session?.user ?? null;
  const schema = options.schema ?? FORM_FIELDS;
  const input = schema.parse(formInput(formData, schema)) as z.output<S>;
  if (options.rateLimit) {
    const subject = user?.id ?? clientNetwork(await headers());
    await enforceRateLimit(await getDb(), options.rateLimit, subject);
  }
  return fn(input, {
    user: user as UserOf<A>,
    sessionVersion: (session?.sessionVersion ?? null) as SessionVersionOf<A>,
    formData,
  });
}

/** The signed-in session (sign-in for nobody, the 404 page for a non-admin on `admin`). */
async function sessionOf(
  options: { access: ActionAccess; returnTo?: ReturnTo },
  formData: FormData,
): Promise<SignedInSession | null> {
  if (options.access === "public") return null;
  const { returnTo = "/" } = options;
  const path = typeof returnTo === "string" ? returnTo : returnTo(formData);
  return options.access === "admin" ? requireAdminSession(path) : requireSession(path);
}

function formInput(formData: FormData, schema: z.ZodType): Record<string, string> {
  const names =
    schema instanceof z.ZodObject
      ? Object.keys(schema.shape)
      : [...new Set(formData.keys())].filter((name) => typeof formData.get(name) === "string");
  return Object.fromEntries(names.map((name) => [name, formText(formData, name)]));
}

/** The form state for an error the person can act on; null for any other error. */
function errorState(error: unknown, options: ErrorAnswers, formData: FormData): FormState | null {
  const kept = options.keep?.length
    ? { values: Object.fromEntries(options.keep.map((name) => [name, formText(formData, name)])) }
    : {};
  if (error instanceof z.ZodError) {
    return options.invalid === "message"
      ? { status: "error", message: error.issues[0]?.message ?? "Check the form.", ...kept }
      : { status: "error", fieldErrors: fieldErrorsOf(error), ...kept };
  }
  if (error instanceof AppError) {
    const field = options.errorFields?.[error.code];
    return field
      ? { status: "error", fieldErrors: { [field]: error.message }, ...kept }
      : { status: "error", message: error.message, ...kept };
  }
  return null;
}
