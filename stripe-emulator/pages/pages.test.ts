import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestEmulator, type TestEmulator } from "../testing";

let t: TestEmulator;
let sessionUrl = "";

beforeAll(async () => {
  t = await startTestEmulator();
  const product = await t.stripe.products.create({ name: `<script>alert("x")</script> & Co` });
  const price = await t.stripe.prices.create({
    product: product.id,
    currency: "usd",
    unit_amount: 2900,
    recurring: { interval: "month" },
  });
  const session = await t.stripe.checkout.sessions.create({
    mode: "subscription",
    customer_email: `"><img src=x onerror=alert(1)>@example.com`,
    line_items: [{ price: price.id, quantity: 1 }],
    success_url: "http://localhost:3000/done?session={CHECKOUT_SESSION_ID}",
  });
  sessionUrl = session.url ?? "";
});
afterAll(() => t.close());

function form(fields: Record<string, string>): string {
  return new URLSearchParams(fields).toString();
}

const card = {
  name: "Ada",
  email: "ada@example.com",
  number: "4242 4242 4242 4242",
  expiry: "12 / 40",
  cvc: "123",
};

describe("hosted pages", () => {
  it("escapes every value it shows", async () => {
    const html = await (await fetch(sessionUrl)).text();
    expect(html).not.toContain("<script>alert");
    expect(html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; Co");
    expect(html).not.toContain("<img src=x");
  });

  it("refuses a form posted from another site and changes nothing", async () => {
    const response = await fetch(sessionUrl, {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        origin: "https://evil.example",
      },
      body: form(card),
      redirect: "manual",
    });
    expect(response.status).toBe(403);
    const id = sessionUrl.split("/").at(-1) ?? "";
    expect((await t.stripe.checkout.sessions.retrieve(id)).status).toBe("open");
  });

  it("accepts the same form from its own origin and redirects to success_url", async () => {
    const response = await fetch(sessionUrl, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: t.emu.url },
      body: form(card),
      redirect: "manual",
    });
    const id = sessionUrl.split("/").at(-1) ?? "";
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe(`http://localhost:3000/done?session=${id}`);
  });

  it("answers an unknown page with 404 and another method with 405", async () => {
    expect((await fetch(`${t.emu.url}/c/pay/cs_test_missing`)).status).toBe(404);
    expect((await fetch(`${t.emu.url}/i/in_missing/pdf`, { method: "POST" })).status).toBe(405);
  });
});
