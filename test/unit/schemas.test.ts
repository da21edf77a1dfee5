import { execFileSync } from 'node:child_process';
import path from 'node:path';

import { redact } from '../../nodes/shared/errors';
import type { MintedLink } from '../../nodes/shared/schemas';
import { normalizeSsoLink, withoutSecretFields } from '../../nodes/shared/schemas';
import { PACKAGE_ROOT } from '../helpers/n8n';

const now = new Date('2026-11-22T12:00:00.000Z');

describe('normalizeSsoLink', () => {
	it('computes expiresAt from a lifetime', () => {
		expect(
			normalizeSsoLink('mailup', 'console', { url: 'https://x.example/a', resourceId: null, expiresInSeconds: 600, singleUse: null }, now),
		).toEqual({
			provider: 'mailup',
			target: 'console',
			resourceId: null,
			url: 'https://x.example/a',
			expiresAt: '2026-11-22T12:10:00.000Z',
			expiresInSeconds: 600,
			singleUse: null,
			createdAt: '2026-11-22T12:00:00.000Z',
		});
	});

	it('takes a timestamp verbatim (as UTC) and derives the seconds left', () => {
		const link = normalizeSsoLink(
			'hostup',
			'controlPanel',
			{ url: 'https://x.example/a', resourceId: 'acct_1', expiresAt: '2026-11-22T13:00:00+01:00', singleUse: true },
			now,
		);
		expect(link.expiresAt).toBe('2026-11-22T12:00:00.000Z');
		expect(link.expiresInSeconds).toBe(0);
	});

	it('keeps unknown as null, never a guess', () => {
		const link = normalizeSsoLink('installatron', 'applicationAdmin', { url: 'https://x.example/a', resourceId: '1', expiresAt: null, singleUse: null }, now);
		expect(link).toMatchObject({ expiresAt: null, expiresInSeconds: null, singleUse: null });
	});

	it('rejects a link that is not a URL', () => {
		expect(() => normalizeSsoLink('hostup', 'wordpressAdmin', { url: 'not a url', resourceId: null, singleUse: true }, now)).toThrow();
	});
});

/**
 * normalizeSsoLink of the built package (dist/core.js, as n8n loads it) in a
 * Node process whose time zone is `timeZone`: jest's process cannot change
 * its own zone, and hosts that run the tests are usually on UTC, which hides
 * any reading of a provider's time in the host's zone.
 */
function normalizeInZone(timeZone: string, minted: MintedLink, at: Date) {
	const script = `
		const { normalizeSsoLink } = require(${JSON.stringify(path.join(PACKAGE_ROOT, 'dist/core.js'))})['nodes/shared/schemas'];
		const [minted, at] = JSON.parse(process.argv[1]);
		process.stdout.write(JSON.stringify({ hostOffsetMinutes: new Date(at).getTimezoneOffset(), link: normalizeSsoLink('hostup', 'controlPanel', minted, new Date(at)) }));
	`;
	const output = execFileSync(process.execPath, ['-e', script, JSON.stringify([minted, at.toISOString()])], {
		env: { ...process.env, TZ: timeZone },
		encoding: 'utf8',
	});
	return JSON.parse(output) as { hostOffsetMinutes: number; link: ReturnType<typeof normalizeSsoLink> };
}

describe('normalizeSsoLink: expiry times', () => {
	const minted = (expiresAt: string | null, expiresInSeconds?: number): MintedLink => ({
		url: 'https://x.example/a',
		resourceId: 'acct_1',
		expiresAt,
		expiresInSeconds,
		singleUse: true,
	});

	it.each(['America/New_York', 'Asia/Kolkata', 'Pacific/Chatham'])(
		'reads an expiresAt without a UTC offset as UTC, not in the n8n host zone (%s)',
		(timeZone) => {
			const { hostOffsetMinutes, link } = normalizeInZone(timeZone, minted('2026-11-26T12:00:00'), now);
			// The child really runs away from UTC.
			expect(hostOffsetMinutes).not.toBe(0);
			expect(link.expiresAt).toBe('2026-11-26T12:00:00.000Z');
			expect(link.expiresInSeconds).toBe(4 * 86400);
		},
	);

	it.each([
		['a space for the T', '2026-11-22 12:30:00', '2026-11-22T12:30:00.000Z'],
		['fractions of a second', '2026-11-22T12:30:00.250', '2026-11-22T12:30:00.250Z'],
		['no seconds', '2026-11-22T12:30', '2026-11-22T12:30:00.000Z'],
		['Z', '2026-11-22T12:30:00Z', '2026-11-22T12:30:00.000Z'],
		['an offset', '2026-11-22T14:30:00+02:00', '2026-11-22T12:30:00.000Z'],
		['an offset without a colon', '2026-11-22T07:00:00-0530', '2026-11-22T12:30:00.000Z'],
		['an hours-only offset', '2026-11-22T13:30:00+01', '2026-11-22T12:30:00.000Z'],
		['an HTTP date', 'Sun, 22 Nov 2026 12:30:00 GMT', '2026-11-22T12:30:00.000Z'],
	])('reads an ISO 8601 time with %s', (_label, text, expected) => {
		expect(normalizeSsoLink('custom', 'custom', minted(text), now).expiresAt).toBe(expected);
	});

	it.each([
		['a word', 'soon'],
		['a month that does not exist', '2026-13-01T00:00:00Z'],
		['the 31st of November', '2026-11-31T12:00:00Z'],
		['a time that does not exist', '2026-11-22T25:00:00Z'],
		['a date V8 would read in the host zone', 'Nov 26 2026 12:00'],
		['a bare number', '1732000000'],
		['a time beyond any link’s life', '2200-01-01T00:00:00Z'],
	])('an unreadable expiresAt (%s) falls through to the lifetime', (_label, text) => {
		const link = normalizeSsoLink('custom', 'custom', minted(text, 600), now);
		expect(link.expiresAt).toBe('2026-11-22T12:10:00.000Z');
		expect(link.expiresInSeconds).toBe(600);
	});

	it('an unreadable expiresAt without a lifetime is unknown', () => {
		expect(normalizeSsoLink('custom', 'custom', minted('soon'), now)).toMatchObject({ expiresAt: null, expiresInSeconds: null });
	});

	it('a readable expiresAt wins over a lifetime', () => {
		expect(normalizeSsoLink('custom', 'custom', minted('2026-11-22T12:05:00Z', 600), now)).toMatchObject({
			expiresAt: '2026-11-22T12:05:00.000Z',
			expiresInSeconds: 300,
		});
	});
});

describe('withoutSecretFields', () => {
	it('drops password, secret, token and key fields at any depth', () => {
		expect(
			withoutSecretFields({
				id: 'x',
				'db-pass': 'hunter2',
				dbPassword: 'p',
				nested: { apiKey: 'k', client_secret: 's', accessToken: 't', keep: 1 },
				list: [{ password: 'p', name: 'n' }],
				passwordChangedAt: '2026-01-01',
			}),
		).toEqual({ id: 'x', nested: { keep: 1 }, list: [{ name: 'n' }], passwordChangedAt: '2026-01-01' });
	});
});

describe('redact', () => {
	it('removes known secrets, bearer tokens and everything past a URL origin', () => {
		const text = redact('key abcd1234 Bearer eyJ.x-y and https://wp.example/wp-admin/?sso=tok#f', ['abcd1234']);
		expect(text).toBe('key [redacted] Bearer [redacted] and https://wp.example/[redacted]');
	});

	it('ignores secrets too short to be safely replaced', () => {
		expect(redact('a b c', ['a', ''])).toBe('a b c');
	});

	it("removes the user and password a URL carries, whatever follows the host", () => {
		expect(redact('see https://admin:s3cret@panel.example:2087/x and http://u:p@h', [])).toBe(
			'see https://[redacted]@panel.example:2087/[redacted] and http://[redacted]@h',
		);
	});
});
