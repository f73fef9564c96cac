/** The static page (prerendered at build): the floor for a page the same for every visitor. */
export const dynamic = "force-static";

const PLANS = [
  { name: "Free", price: "$0", text: "For trying it out." },
  { name: "Pro", price: "$29 per member a month", text: "For growing teams." },
  { name: "Enterprise", price: "$299 per member a month", text: "For large teams." },
];

export default function StaticPage() {
  return (
    <main>
      <h1>Pricing</h1>
      <ul>
        {PLANS.map((plan) => (
          <li key={plan.name}>
            <h2>{plan.name}</h2>
            <p>{plan.price}</p>
            <p>{plan.text}</p>
          </li>
        ))}
      </ul>
    </main>
  );
}
