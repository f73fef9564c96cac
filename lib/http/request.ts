import "server-only";
import type { z } from "zod";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";

/**
 * Checks every state-changing route handler applies before anything else. Next checks the
 * origin of server actions itself, but not of route handlers.
 */

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Refuses (403) a state-changing request a browser sent from another site: `Sec-Fetch-Site:
 * cross-site`, or an `Origin` that is neither FRONTEND_URL's nor the request's own. Programs
 * (curl, SDKs) send neither header and pass; they authenticate with API keys, which a browser
 * never attaches on its own.
 */
export function assertSameOrigin(request: Request): void {
  if (SAFE_METHODS.has(request.method)) return;
  if (request.headers.get("sec-fetch-site") === "cross-site") {
    throw new AppError("forbidden", "Cross-site requests are not allowed.");
  }
  const origin = request.headers.get("origin");
  if (origin === null) return;
  const allowed = new Set([new URL(env().FRONTEND_URL).origin, new URL(request.url).origin]);
  if (!allowed.has(origin)) {
    throw new AppError("forbidden", "Requests from another origin are not allowed.");
  }
}

export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

/** The request body as text, refused with 413 past `maxBytes` (declared or actually sent). */
export async function readBodyText(request: Request, maxBytes: number): Promise<string> {
  const tooLarge = () =>
    new AppError("payload_too_large", `The request body is larger than ${maxBytes} bytes.`, {
      details: { maxBytes },
    });
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) return "";

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await readChunk(reader, request);
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * The next chunk of the body. A body that breaks off is the client's doing (it closed the
 * connection mid-upload): a warning without a stack, answered 400 (no one is left to read it),
 * never a 500 and an error in the log.
 */
async function readChunk(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  request: Request,
): Promise<ReadableStreamReadResult<Uint8Array>> {
  try {
    return await reader.read();
  } catch (error) {
    log.warn(
      {
        path: new URL(request.url).pathname,
        reason: error instanceof Error ? error.message : String(error),
      },
      "request body cut off: the client closed the connection",
    );
    throw new AppError("bad_request", "The request body ended before it was complete.");
  }
}

/**
 * The JSON body parsed with `schema`: 413 when too large, 400 when it is not JSON, 422 with the
 * failing fields when it does not match.
 */
export async function readJson<Schema extends z.ZodType>(
  request: Request,
  schema: Schema,
  maxBytes: number = DEFAULT_MAX_BODY_BYTES,
): Promise<z.output<Schema>> {
  return schema.parse(parseJsonBody(await readBodyText(request, maxBytes)));
}

function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", "The request body is not valid JSON.");
  }
}

/** True for a plain HTML form post (`application/x-www-form-urlencoded`). */
export function isFormPost(request: Request): boolean {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  return type === "application/x-www-form-urlencoded";
}

/**
 * The body parsed with `schema`, sent as JSON by scripts or as a plain HTML form
 * (`application/x-www-form-urlencoded`: every field a string, the last of a repeated field
 * wins); `form` says which, so the handler can answer a form with a redirect. An empty body
 * parses as `{}`, for endpoints whose fields are all optional. Errors as `readJson`.
 */
export async function readJsonOrForm<Schema extends z.ZodType>(
  request: Request,
  schema: Schema,
  maxBytes: number = DEFAULT_MAX_BODY_BYTES,
): Promise<{ data: z.output<Schema>; form: boolean }> {
  const form = isFormPost(request);
  const text = await readBodyText(request, maxBytes);
  if (form) return { data: schema.parse(Object.fromEntries(new URLSearchParams(text))), form };
  return { data: schema.parse(text.trim() === "" ? {} : parseJsonBody(text)), form };
}
