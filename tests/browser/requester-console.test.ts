/**
 * The console for a requester, in a real browser against the local runner (docs/console.md): New request built from
 * the catalog shows the dry run's exact statement before it submits; My grants lists the request and extends it,
 * cancels a waiting one and revokes a live one. Screenshots at 1280 and 390 px go to LPB_SCREENSHOTS (docs/console/),
 * else to a temporary folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { createFunction, freshMoto, motoEndpoint, policyStatements, testClients } from '../support/aws';
import { launchChromium, type Browser } from '../support/browser';
import { ADMIN, APPROVER, REQUESTER, fnArn, openEntry } from '../support/fixtures';
import { startLpbConsole, type RunningConsole } from '../support/lpb-console';
import { eventually, http, startRunner, type Runner } from '../support/runner';

const WIDTHS = [1280, 390] as const;
const TOPIC = 'arn:aws:sns:us-east-1:123456789012:orders-topic';
let runner: Runner;
let requesterConsole: RunningConsole;
let browser: Browser;
let page: Page;
let clients: ReturnType<typeof testClients>;
let shots: string;
let tempShots: string | undefined;

const apiGet = async (id: string) =>
  (await http(runner.baseUrl, 'GET', `/v1/requests/${id}`, { principal: REQUESTER })).body as Record<string, any>;
const mine = async () =>
  (await http(runner.baseUrl, 'GET', '/v1/requests?mine=true', { principal: REQUESTER })).body.items as Record<
    string,
    any
  >[];

async function capture(name: string): Promise<void> {
  await page.evaluate("document.querySelectorAll('.toast').forEach((toast) => toast.remove())");
  for (const width of WIDTHS) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(100);
    await page.screenshot({ path: path.join(shots, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

beforeAll(async () => {
  shots = process.env.LPB_SCREENSHOTS ?? (tempShots = await mkdtemp(path.join(tmpdir(), 'lpb-shots-')));
  clients = await freshMoto('requester-console');
  await createFunction(clients, 'order-processor');
  await createFunction(clients, 'order-auditor');
  runner = await startRunner({
    AWS_ENDPOINT_URL: motoEndpoint(),
    BROKER_TABLE_NAME: 'requester-console',
    BROKER_ADMINS: ADMIN,
    BROKER_SWEEP_INTERVAL_SECONDS: '3600',
  });
  const concrete = {
    principals: ['sns.amazonaws.com'],
    sourceArns: [TOPIC],
    eventSourceArns: [],
    requesters: [REQUESTER],
  };
  const entries = {
    // Granted at once, extended at once: the whole of a requester's part without waiting for anyone.
    quick: openEntry({
      ...concrete,
      functions: [fnArn('order-processor')],
      autoApprove: true,
      requiredApprovals: 0,
      approvers: [],
      maxDurationSeconds: 4 * 3600,
    }),
    reviewed: openEntry({ ...concrete, functions: [fnArn('order-auditor')], approvers: [APPROVER] }),
  };
  for (const [id, entry] of Object.entries(entries))
    expect((await http(runner.baseUrl, 'PUT', `/v1/allowlist/${id}`, { principal: ADMIN, body: entry })).status).toBe(
      200,
    );
  [requesterConsole, browser] = await Promise.all([startLpbConsole(runner.baseUrl, REQUESTER), launchChromium()]);
  page = await browser.context.newPage();
}, 90_000);

afterAll(async () => {
  await browser?.close();
  await requesterConsole?.stop();
  await runner?.stop();
  if (tempShots) await rm(tempShots, { recursive: true, force: true });
});

it('asks from the catalog, shows the exact statement before submitting, and finds the grant under My grants', async () => {
  await page.goto(`${requesterConsole.url}/#/new`);
  const fn = page.getByLabel('Function');
  await fn.waitFor();
  // Exactly what the caller's catalog names.
  expect(
    await fn.locator('option').evaluateAll((os) => os.map((o) => (o as unknown as { value: string }).value)),
  ).toEqual([fnArn('order-processor'), fnArn('order-auditor')]);
  await fn.selectOption(fnArn('order-processor'));
  await page.getByLabel('Principal (who may invoke)').selectOption('sns.amazonaws.com');
  await page.getByLabel('Source ARN').selectOption(TOPIC);
  await page.getByLabel('Duration').selectOption('3600');
  await page.getByLabel('Reason').fill('too short');
  expect(await page.getByRole('button', { name: 'Submit request' }).isDisabled()).toBe(true);

  // The broker's refusal shows under its field.
  await page.getByRole('button', { name: 'Preview' }).click();
  await page.locator('.field-error', { hasText: /10/ }).waitFor();
  expect(await page.getByRole('button', { name: 'Submit request' }).isDisabled()).toBe(true);

  await page.getByLabel('Reason').fill('orders topic fan-out, asked from the console');
  await page.getByRole('button', { name: 'Preview' }).click();
  const statement = page.locator('.preview pre.code');
  await statement.waitFor();
  const shown = JSON.parse((await statement.textContent()) as string) as Record<string, any>;
  expect(shown).toMatchObject({
    Effect: 'Allow',
    Principal: { Service: 'sns.amazonaws.com' },
    Action: 'lambda:InvokeFunction',
    Resource: fnArn('order-processor'),
    Condition: { ArnLike: { 'AWS:SourceArn': TOPIC } },
  });
  await capture('new-request');

  await page.getByRole('button', { name: 'Submit request' }).click();
  await page.waitForURL(/#\/mine$/);
  const [created] = await mine();
  expect(created).toMatchObject({ requester: REQUESTER, functionArn: fnArn('order-processor') });
  // The statement submitted is the one shown (its Sid is the request's own once stored).
  expect({ ...created?.statement, Sid: null }).toEqual({ ...shown, Sid: null });
  await eventually(async () => ((await apiGet(created?.id as string)).status === 'ACTIVE' ? true : undefined));
  await page.reload();
  await page
    .locator(`li.my-grant[data-request-id="${created?.id as string}"]`)
    .getByText('ACTIVE')
    .waitFor();
}, 60_000);

it('extends a grant from My grants, cancels a waiting request and revokes a live grant', async () => {
  const [grant] = (await mine()).filter((r) => r.status === 'ACTIVE');
  const waiting = (
    await http(runner.baseUrl, 'POST', '/v1/requests', {
      principal: REQUESTER,
      body: {
        functionName: 'order-auditor',
        principal: 'sns.amazonaws.com',
        sourceArn: TOPIC,
        durationSeconds: 3600,
        reason: 'auditor needs the topic too',
      },
    })
  ).body as { id: string };
  // The page shows My grants already: a fresh load draws it again with the new request.
  await page.goto('about:blank');
  await page.goto(`${requesterConsole.url}/#/mine`);
  const row = page.locator(`li.my-grant[data-request-id="${grant?.id as string}"]`);
  await row.waitFor();
  await page.locator(`li.my-grant[data-request-id="${waiting.id}"]`).waitFor();
  await capture('my-grants');

  await row.getByRole('button', { name: 'Extend' }).click();
  await page.getByLabel('More time').selectOption('1800');
  await page.getByLabel('Reason', { exact: true }).fill('the migration runs late');
  await page.getByRole('button', { name: 'Ask for more time' }).click();
  await page
    .getByRole('status')
    .getByText(/Extension .*: EXTENDED/)
    .waitFor();
  const extended = await apiGet(grant?.id as string);
  expect(Date.parse(extended.expiresAt as string) - Date.parse(grant?.expiresAt as string)).toBe(1_800_000);
  expect((await policyStatements(clients, 'order-processor')).map((s) => s.Sid)).toContain(grant?.statementId);

  await page.locator(`li.my-grant[data-request-id="${waiting.id}"]`).getByRole('button', { name: 'Cancel' }).click();
  await page.getByRole('status').getByText(`${waiting.id}: CANCELLED`).waitFor();
  expect((await apiGet(waiting.id)).status).toBe('CANCELLED');

  await page
    .locator(`li.my-grant[data-request-id="${grant?.id as string}"]`)
    .getByRole('button', { name: 'Revoke' })
    .click();
  await page
    .getByRole('status')
    .getByText(`${grant?.id as string}: REVOKED`)
    .waitFor();
  expect((await apiGet(grant?.id as string)).status).toBe('REVOKED');
}, 60_000);
