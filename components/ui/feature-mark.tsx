/** A check or a cross that says which in words too, so it never relies on colour or shape. */
export function FeatureMark({ included }: { included: boolean }) {
  return included ? (
    <>
      <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5 shrink-0 fill-emerald-600">
        <path d="M16.7 5.3a1 1 0 0 1 0 1.4l-8 8a1 1 0 0 1-1.4 0l-4-4a1 1 0 1 1 1.4-1.4L8 12.6l7.3-7.3a1 1 0 0 1 1.4 0Z" />
      </svg>
      <span className="sr-only">Included</span>
    </>
  ) : (
    <>
      <svg aria-hidden="true" viewBox="0 0 20 20" className="size-5 shrink-0 fill-slate-400">
        <path d="M5.3 5.3a1 1 0 0 1 1.4 0L10 8.6l3.3-3.3a1 1 0 1 1 1.4 1.4L11.4 10l3.3 3.3a1 1 0 0 1-1.4 1.4L10 11.4l-3.3 3.3a1 1 0 0 1-1.4-1.4L8.6 10 5.3 6.7a1 1 0 0 1 0-1.4Z" />
      </svg>
      <span className="sr-only">Not included</span>
    </>
  );
}
