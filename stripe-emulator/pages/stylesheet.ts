/** The hosted pages' one stylesheet, inlined in every document (the CSP allows inline styles only). */
import { raw } from "./html";

export const stylesheet = raw(`
:root{color-scheme:light;--ink:#1a1f36;--muted:#4a5068;--line:#d5d9e2;--bg:#f6f8fa;
--brand:#4338ca;--brand-dark:#3730a3;--focus:#1d4ed8;--bad:#9f1239;--bad-bg:#fff1f2;
--good:#166534;--good-bg:#f0fdf4}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);
background:var(--bg)}
a{color:var(--brand)}
a:hover{color:var(--brand-dark)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.badge-bar{background:#fef3c7;color:#713f12;text-align:center;font-size:.875rem;font-weight:600;
padding:.375rem 1rem;border-bottom:1px solid #fcd34d}
main{max-width:64rem;margin:0 auto;padding:1.5rem 1rem 3rem}
main.narrow{max-width:36rem}
h1{font-size:1.5rem;line-height:1.25;margin:.25rem 0 1rem}
h2{font-size:1.125rem;margin:0 0 .75rem}
h3{font-size:1rem;margin:0}
p{margin:.5rem 0}
.muted{color:var(--muted)}
.small{font-size:.875rem}
.panel{background:#fff;border:1px solid var(--line);border-radius:12px;padding:1.25rem;
margin-bottom:1.25rem}
.columns{display:grid;gap:1.25rem}
@media (min-width:800px){.columns{grid-template-columns:1fr 1fr;align-items:start}}
.business{font-weight:600;color:var(--muted);margin:0}
.price{font-size:2rem;font-weight:700;line-height:1.2;margin:.25rem 0}
.plan-price{font-size:1.25rem;font-weight:700;margin:.25rem 0}
.lead{font-size:1.25rem;font-weight:600;margin:.25rem 0}
.items{list-style:none;margin:1rem 0;padding:0}
.items li{display:flex;justify-content:space-between;gap:1rem;padding:.625rem 0;
border-top:1px solid var(--line)}
.items li:first-child{border-top:0}
.total{display:flex;justify-content:space-between;gap:1rem;font-weight:700;
border-top:2px solid var(--ink);padding-top:.75rem;margin-top:.25rem}
label{display:block;font-weight:600;font-size:.9375rem;margin:.875rem 0 .25rem}
input{display:block;width:100%;font:inherit;color:var(--ink);background:#fff;
border:1px solid #8a91a5;border-radius:8px;padding:.625rem .75rem;min-height:2.75rem}
input[aria-invalid=true]{border-color:var(--bad);border-width:2px}
input:focus-visible{outline:3px solid var(--focus);outline-offset:1px;border-color:var(--focus)}
.row{display:grid;grid-template-columns:1fr 1fr;gap:.75rem}
.field-error{color:var(--bad);font-size:.875rem;margin:.25rem 0 0}
.hint{background:var(--bg);border:1px solid var(--line);border-radius:8px;padding:.75rem;
font-size:.875rem;margin-top:1rem}
.hint ul{margin:.25rem 0 0;padding-left:1.25rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.875em;white-space:nowrap}
button,.button{display:inline-flex;align-items:center;justify-content:center;font:inherit;
font-weight:600;border-radius:8px;padding:.625rem 1rem;min-height:2.75rem;cursor:pointer;
text-decoration:none;border:1px solid var(--brand);background:var(--brand);color:#fff}
button:hover,.button:hover{background:var(--brand-dark);color:#fff}
button.secondary,.button.secondary{background:#fff;color:var(--brand)}
button.secondary:hover,.button.secondary:hover{background:#eef2ff;color:var(--brand-dark)}
button.danger{background:var(--bad);border-color:var(--bad)}
button.danger:hover{background:#881337}
button.wide{width:100%;margin-top:1.25rem}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;margin-top:1rem}
.actions form{margin:0}
.alert{background:var(--bad-bg);color:var(--bad);border:1px solid #fda4af;border-radius:8px;
padding:.75rem 1rem;margin:0 0 1rem;font-weight:600}
.notice{background:var(--good-bg);color:var(--good);border:1px solid #86efac;border-radius:8px;
padding:.75rem 1rem;margin:0 0 1rem;font-weight:600}
.status{display:inline-block;font-size:.8125rem;font-weight:700;border-radius:999px;
padding:.125rem .625rem;background:#e5e7eb;color:#1f2937;vertical-align:middle}
.status.good{background:#dcfce7;color:#14532d}
.status.warn{background:#fef3c7;color:#713f12}
.status.bad{background:#ffe4e6;color:#881337}
.status.info{background:#e0e7ff;color:#312e81}
.sub-head{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5rem}
.table-wrap{overflow-x:auto}
table{width:100%;border-collapse:collapse;font-size:.9375rem}
th,td{text-align:left;padding:.5rem;border-bottom:1px solid var(--line);vertical-align:top}
thead th{font-size:.8125rem;text-transform:uppercase;letter-spacing:.03em;color:var(--muted)}
tfoot th{font-weight:400}
td.num,th.num{text-align:right;white-space:nowrap}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem 1rem;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0}
.back{display:inline-block;margin-bottom:.75rem}
summary{list-style:none}
summary::-webkit-details-marker{display:none}
details[open]>summary{margin-bottom:1rem}
@media (max-width:480px){main{padding:1rem .75rem 2rem}.panel{padding:1rem}}
`);
