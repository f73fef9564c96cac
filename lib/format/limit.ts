import type { Metric } from "@/lib/billing/catalog/plans";

const GB = 1024 ** 3;
const count = new Intl.NumberFormat("en-US");

/** A plan's limit for people: "10,000", and storage in whole gigabytes, "50 GB". */
export function formatLimit(metric: Metric, value: number): string {
  return metric === "storage_bytes" ? `${count.format(value / GB)} GB` : count.format(value);
}
