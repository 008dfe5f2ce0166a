// Browser test of the page as a phone opens it (docs/serve.md "On a phone"): headless chromium
// opens https://127.0.0.2:PORT/#k=SECRET from a server beyond loopback, and this checks that the
// page signs in (the session cookie is set, HttpOnly, Secure, SameSite=Strict), that the secret
// has left the address, that the page loads its settings and the server's status through the
// cookie, that its web app manifest reads without errors and Chrome would install it, and that
// the console stays free of errors. Run by run_page_test.sh, which sets:
//   PAGE_URL      the address serve printed, with its #k= secret
//   SPKI_SHA256   base64 SHA-256 of the server certificate's SubjectPublicKeyInfo
//   CHROMIUM      the browser binary
import puppeteer from "puppeteer-core";

const url = process.env.PAGE_URL;
const spki = process.env.SPKI_SHA256;
if (!url || !spki || !url.includes("#k=")) {
  console.error("usage: PAGE_URL=https://…/#k=… SPKI_SHA256=… node page_tls_test.mjs");
  process.exit(2);
}
const problems = [];
const consoleErrors = [];

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  headless: true,
  args: [
    "--no-sandbox",
    // Trusts exactly the server's key (not every certificate, as --ignore-certificate-errors
    // would): what a user does who checks the fingerprint and accepts the certificate.
    `--ignore-certificate-errors-spki-list=${spki}`,
    // No camera here: the page must work without one (it says so).
    "--use-fake-ui-for-media-stream",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
  ],
});
let status = 1;
try {
  const page = await browser.newPage();
  page.on("console", (m) => {
    if (m.type() === "error") consoleErrors.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => consoleErrors.push(`page error: ${e.message}`));
  const res = await page.goto(url, { waitUntil: "domcontentloaded" });
  if (!res || !res.ok()) throw new Error(`GET ${url} answered ${res ? res.status() : "nothing"}`);
  // The settings from /api/config (the emotions' legend) and the status from /api/health.
  await page.waitForFunction(() => document.querySelectorAll("#legend li").length === 7, { timeout: 10000 });
  await page.waitForFunction(() => document.getElementById("server-status").dataset.state === "ok", { timeout: 10000 });
  const where = await page.evaluate(() => location.href);
  if (where.includes("#") || where.includes("k=")) problems.push(`the secret is still in the address: ${where}`);
  const cookies = await page.cookies();
  const session = cookies.find((c) => c.name === "emomusic_session");
  if (!session) {
    problems.push(`no session cookie: ${JSON.stringify(cookies.map((c) => c.name))}`);
  } else if (!session.httpOnly || !session.secure || session.sameSite !== "Strict") {
    problems.push(`the session cookie is not HttpOnly, Secure and SameSite=Strict: ${JSON.stringify(session)}`);
  }
  if (await page.evaluate(() => document.cookie) !== "") problems.push("the page's script can read a cookie");
  // The web app manifest a phone installs from: found, and read without errors.
  const client = await page.createCDPSession();
  const manifest = await client.send("Page.getAppManifest");
  if (!manifest.url.endsWith("/manifest.webmanifest")) problems.push(`no web app manifest: '${manifest.url}'`);
  for (const e of manifest.errors || []) problems.push(`manifest: ${e.message}`);
  // What Chrome asks of an app it offers to install (HTTPS, manifest, icons, standalone).
  const { installabilityErrors } = await client.send("Page.getInstallabilityErrors");
  for (const e of installabilityErrors) problems.push(`not installable: ${e.errorId}`);
  // The camera's absence and the server's refusals show in the page, not the console; nothing else may.
  const errors = consoleErrors.filter((e) => !/getUserMedia|NotFoundError|Requested device not found/.test(e));
  for (const e of errors) problems.push(e);
  status = problems.length ? 1 : 0;
} catch (err) {
  problems.push(String(err && err.stack || err));
} finally {
  await browser.close();
}
for (const p of problems) console.error("FAIL:", p);
console.log(status === 0 ? "page_tls_test: the page signed in over HTTPS" : "page_tls_test: failed");
process.exit(status);
