/** Fails fast, with the commands that fix it, when the end-to-end tests have no browser. */
import { findChromium, missingChromiumMessage } from "../e2e/browser";

const found = findChromium();
if (!found) {
  process.stderr.write(`\n${missingChromiumMessage()}\n\n`);
  process.exit(1);
}
