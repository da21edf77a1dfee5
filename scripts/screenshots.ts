/**
 * Screenshots of the nodes in the n8n editor, for the README: run `npm start`
 * first, then this (bundled by esbuild with playwright-core left external).
 *
 *   --url <n8n>       default http://127.0.0.1:5678 (or N8N_URL)
 *   --out <dir>       default docs/screenshots
 *   --chromium <bin>  default /usr/bin/chromium (or CHROMIUM); Debian: apt-get install -y chromium
 *
 * It logs in with `npm start`'s owner account, opens each example workflow,
 * opens the panel of the nodes the README shows, and writes PNGs.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';

import type { Page } from 'playwright-core';
import { chromium } from 'playwright-core';

import { PACKAGE_ROOT } from '../test/e2e/n8n-cli';

const OWNER = { email: 'owner@example.com', password: 'SsoLink-Sandbox-1' };

function flag(name: string): string | undefined {
	const index = process.argv.indexOf(name);
	return index > 0 ? process.argv[index + 1] : undefined;
}

const baseUrl = (flag('--url') ?? process.env.N8N_URL ?? 'http://127.0.0.1:5678').replace(/\/+$/, '');
const outDir = path.resolve(flag('--out') ?? path.join(PACKAGE_ROOT, 'docs/screenshots'));
const executablePath = flag('--chromium') ?? process.env.CHROMIUM ?? '/usr/bin/chromium';

/**
 * What the README shows: each example workflow after a run in the editor
 * (the webhook examples run their pinned sample request), then panels of
 * some of its nodes.
 */
const WORKFLOWS: Array<{ id: string; file: string; waitFor: string; zoomOut?: boolean; panels: Array<{ node: string; file: string }> }> = [
	{
		id: 'exOnboardingLink01',
		file: 'onboarding-workflow.png',
		waitFor: 'Send the link',
		panels: [{ node: 'Create wp-admin link', file: 'hostup-create-sso-link.png' }],
	},
	{
		id: 'exNightlyWpLinks01',
		file: 'nightly-workflow.png',
		waitFor: 'Link per site',
		panels: [
			{ node: 'List WordPress sites', file: 'hostup-list-wordpress-sites.png' },
			{ node: 'Create wp-admin link', file: 'hostup-create-sso-link-nightly.png' },
		],
	},
	{
		id: 'exSupportDeskSso01',
		file: 'support-desk-workflow.png',
		waitFor: 'Send the link',
		zoomOut: true,
		panels: [
			{ node: 'Client area (WISECP)', file: 'sso-link-wisecp.png' },
			{ node: 'Billing (WHMCS, custom)', file: 'sso-link-custom.png' },
		],
	},
];

function canvasNode(page: Page, name: string) {
	return page.locator(`[data-test-id="canvas-node"][data-node-name=${JSON.stringify(name)}]`);
}

async function logIn(page: Page): Promise<void> {
	await page.goto(`${baseUrl}/signin`);
	await page.locator('input[type="email"], input[name="emailOrLdapLoginId"], input[name="email"]').first().fill(OWNER.email);
	await page.locator('input[type="password"]').first().fill(OWNER.password);
	await page.locator('input[type="password"]').first().press('Enter');
	await page.waitForURL((url) => !url.pathname.startsWith('/signin'), { timeout: 30_000 });
}

/** Closes whatever n8n pops up on a first visit (banners, "what's new", tours). */
async function dismissPopups(page: Page): Promise<void> {
	for (const name of [/^(Got it|Dismiss|Close|Skip|Not now|Maybe later)$/i]) {
		const buttons = page.getByRole('button', { name });
		for (let index = (await buttons.count()) - 1; index >= 0; index--) {
			await buttons.nth(index).click({ timeout: 2000 }).catch(() => undefined);
		}
	}
}

async function openAndRun(page: Page, workflow: (typeof WORKFLOWS)[number]): Promise<void> {
	await page.goto(`${baseUrl}/workflow/${workflow.id}`);
	await page.locator('[data-test-id="canvas-node"]').first().waitFor({ timeout: 60_000 });
	await dismissPopups(page);
	await page.locator('[data-test-id="execute-workflow-button"]').click();
	await canvasNode(page, workflow.waitFor).locator('[data-test-id="canvas-node-status-success"]').waitFor({ timeout: 60_000 });
	await closeToasts(page);
	// Zoom to fit, as the "fit view" button does, after the canvas settled.
	await page.locator('[data-test-id="zoom-to-fit"]').click({ timeout: 5000 }).catch(() => undefined);
	// One step out, so a tall workflow's bottom row clears the "Execute workflow" button.
	if (workflow.zoomOut) await page.locator('[data-test-id="zoom-out-button"]').click({ timeout: 5000 }).catch(() => undefined);
	await page.mouse.move(5, 5);
	await page.waitForTimeout(1000);
}

/** "Workflow executed successfully" and the like. */
async function closeToasts(page: Page): Promise<void> {
	const close = page.locator('.el-notification .el-notification__closeBtn');
	for (let index = (await close.count()) - 1; index >= 0; index--) {
		await close.nth(index).click({ timeout: 2000 }).catch(() => undefined);
	}
	await page.locator('.el-notification').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => undefined);
}

async function shoot(page: Page, file: string): Promise<void> {
	const target = path.join(outDir, file);
	await page.screenshot({ path: target });
	process.stdout.write(`wrote ${path.relative(process.cwd(), target)}\n`);
}

async function main(): Promise<void> {
	mkdirSync(outDir, { recursive: true });
	const browser = await chromium.launch({
		executablePath,
		args: [
			'--headless',
			'--no-sandbox',
			'--disable-gpu',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--no-first-run',
		],
	});
	try {
		const context = await browser.newContext({ viewport: { width: 1440, height: 960 }, deviceScaleFactor: 1, colorScheme: 'light' });
		const page = await context.newPage();
		await logIn(page);
		for (const workflow of WORKFLOWS) {
			await openAndRun(page, workflow);
			await shoot(page, workflow.file);
			for (const panel of workflow.panels) {
				await canvasNode(page, panel.node).dblclick();
				await page.locator('[data-test-id="ndv"]').waitFor({ timeout: 30_000 });
				// The link output as JSON: every field of the output contract at a glance.
				await page.locator('[data-test-id="output-panel"] [data-test-id="radio-button-json"]').click({ timeout: 3000 }).catch(() => undefined);
				await closeToasts(page);
				await page.mouse.move(5, 5);
				await page.waitForTimeout(1500);
				await shoot(page, panel.file);
				await page.keyboard.press('Escape');
				await page.locator('[data-test-id="ndv"]').waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
			}
		}
	} finally {
		await browser.close();
	}
}

main().catch((error: unknown) => {
	process.stderr.write(`screenshots failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
	process.exit(1);
});
