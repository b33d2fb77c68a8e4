// The README's dashboard screenshots: `dotnet run --project AppHost`, place the sample orders, then from a folder where
// `npm install playwright-core` ran: `node <this file> <output folder>` (Debian's chromium; no browser download). The
// dashboard shows no machine path: redis-server runs in its data folder, SQLite spans name the file, not its path.
// With `dotnet run --project AppHost -- Database:Mode=Postgres`: `node <this file> <output folder> postgres` takes the
// resources page with six service instances and PostgreSQL, and the streams console's consumers of each group.
import { chromium } from 'playwright-core';
const out = process.argv[2];
const base = 'http://localhost:15080';
const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
         '--disable-component-update', '--disable-sync'],
});
const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
async function shot(url, file, waitText) {
  await page.goto(base + url, { waitUntil: 'networkidle' });
  if (waitText) { await page.getByText(waitText).first().waitFor({ timeout: 30000 }); }
  await page.waitForTimeout(1500);
  await page.screenshot({ path: `${out}/${file}` });
  console.log('saved', file);
}

if (process.argv[3] === 'postgres') {
  await shot('/', 'dashboard-resources-postgres.png', 'orderdb');
  await page.goto('http://localhost:5104/#/streams/orders/groups', { waitUntil: 'networkidle' });
  await page.waitForTimeout(2500);
  await page.screenshot({ path: `${out}/console-groups-six-instances.png`, fullPage: true });
  console.log('saved console-groups-six-instances.png');
  await browser.close();
  process.exit(0);
}
await shot('/', 'dashboard-resources.png', 'orderservice');
// One order's trace: POST one order with curl first (the sample-orders command puts 20 orders in one trace).
await page.goto(base + '/traces', { waitUntil: 'networkidle' });
await page.getByText('POST /orders', { exact: false }).first().click();
await page.waitForTimeout(3000);
await page.screenshot({ path: `${out}/dashboard-order-trace.png` });
console.log('saved trace');
await shot('/metrics/resource/orderservice?meter=Shop.Messaging&instrument=shop.messaging.consumed&duration=5', 'dashboard-metrics.png', 'shop.messaging');
await browser.close();
