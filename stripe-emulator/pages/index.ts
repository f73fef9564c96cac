/** The hosted pages (checkout, portal, invoice). */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Emulator } from "../context";

export interface PageRequest {
  em: Emulator;
  request: IncomingMessage;
  response: ServerResponse;
  url: URL;
  body: string;
}

/** Serves a hosted page; false when the path is not one. */
export function handlePage(_page: PageRequest): boolean {
  return false;
}
