import { readFileSync } from "node:fs";
import { expect } from "@playwright/test";
import type { StoredMail } from "./mail-sink";

/** The mailbox file the test server's mail sink writes (playwright.config.ts sets it). */
function mailboxFile(): string {
  const file = process.env.E2E_MAILBOX;
  if (!file) throw new Error("E2E_MAILBOX is not set (playwright.config.ts sets it)");
  return file;
}

/** Undoes quoted-printable: soft line breaks and =XX escapes (nodemailer's body encoding). */
function decodeQuotedPrintable(text: string): string {
  return text
    .replace(/=\r?\n/g, "")
    .replace(/=([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

function linksTo(email: string, path: string): string[] {
  const mails = readFileSync(mailboxFile(), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as StoredMail)
    .filter((mail) => mail.to.includes(email.toLowerCase()));
  const pattern = new RegExp(`https?://[^\\s"<>]*${path.replace(/[?]/g, "\\?")}[^\\s"<>]*`, "g");
  return mails.flatMap((mail) => decodeQuotedPrintable(mail.raw).match(pattern) ?? []);
}

/**
 * The link (on `path`) in the newest email to `email`, waiting for it to arrive. `&amp;` in
 * an HTML part is read back as `&`.
 */
export async function latestLinkTo(email: string, path: string): Promise<string> {
  let link: string | undefined;
  await expect
    .poll(() => {
      link = linksTo(email, path).at(-1);
      return link;
    })
    .toBeTruthy();
  return (link ?? "").replaceAll("&amp;", "&");
}
