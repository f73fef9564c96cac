/**
 * An SMTP server for the browser tests: takes every message the app sends (sign-in links,
 * email-verification links) and appends it to a mailbox file, one JSON line per message, for
 * `e2e/mailbox.ts` to read. Plain SMTP on 127.0.0.1, no TLS and no authentication: just what
 * nodemailer needs to deliver to it.
 */
import { appendFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";

export interface StoredMail {
  to: string[];
  /** The message as sent (headers and MIME body), dot-unstuffed. */
  raw: string;
}

function serve(socket: Socket, mailboxFile: string): void {
  let buffer = "";
  let inData = false;
  let to: string[] = [];
  let data: string[] = [];
  const reply = (line: string) => socket.write(`${line}\r\n`);

  const onLine = (line: string) => {
    if (inData) {
      if (line === ".") {
        inData = false;
        const mail: StoredMail = { to, raw: data.join("\r\n") };
        appendFileSync(mailboxFile, `${JSON.stringify(mail)}\n`);
        to = [];
        data = [];
        reply("250 stored");
      } else {
        data.push(line.startsWith("..") ? line.slice(1) : line);
      }
      return;
    }
    const command = line.slice(0, 4).toUpperCase();
    if (command === "EHLO" || command === "HELO") reply("250 tollgate-e2e-mail");
    else if (command === "MAIL") reply("250 ok");
    else if (command === "RCPT") {
      const address = /<([^>]*)>/.exec(line)?.[1];
      if (address) to.push(address.toLowerCase());
      reply("250 ok");
    } else if (command === "DATA") {
      inData = true;
      reply("354 end with <CRLF>.<CRLF>");
    } else if (command === "QUIT") {
      reply("221 bye");
      socket.end();
    } else reply("250 ok"); // RSET, NOOP, …
  };

  reply("220 tollgate-e2e-mail");
  socket.setEncoding("utf8");
  socket.on("data", (chunk: string) => {
    buffer += chunk;
    for (let end = buffer.indexOf("\r\n"); end !== -1; end = buffer.indexOf("\r\n")) {
      onLine(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
    }
  });
  socket.on("error", () => socket.destroy());
}

/** Starts the sink on a free port of 127.0.0.1; its `url` is what EMAIL_SERVER takes. */
export async function startMailSink(
  mailboxFile: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  appendFileSync(mailboxFile, "");
  const server: Server = createServer((socket) => serve(socket, mailboxFile));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("mail sink has no port");
  return {
    url: `smtp://127.0.0.1:${address.port}`,
    // Does not wait for open connections: the test server is going away.
    close: async () => {
      server.close();
    },
  };
}
